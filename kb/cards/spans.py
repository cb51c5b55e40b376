"""The kinds of span a card writer hides besides plain words (``kb.cards.salience.pick_spans`` ranks them):
numbers, amounts, dates and lists of them, formulas and commands, names. Each finder returns ``Candidate`` spans of
a bullet's text (with code and math masked in ``sub``).
"""

from __future__ import annotations

import re
from os.path import commonprefix
from typing import NamedTuple

from kb.cards.lexicon import (
    COUNT_WORDS,
    EPONYM_HEADS,
    GENERIC_NOUNS,
    MONTHS,
    SCALES,
    STOP_WORDS,
    UNITS,
    VERBS,
    WORD_RE,
    plural_word,
    verb_like,
)
from kb.markdown import MASK

_SENTENCE_END_RE = re.compile(r"[.;!?](?:\s|$)")

_NUMBER_RE = re.compile(
    r"(?<![\w.#/@{^_-])(?:[$€£]\s?)?\d(?:[\d,]*\d)?(?:\.\d+)?(?::\d\d|/\d+|×\d+)?[½¼¾]?(?:\s?[–-]\s?(?:[$€£])?\d(?:[\d,]*\d)?(?:\.\d+)?)?"
    r"(?:\s?(?:%|°[CF]?|percent\b|[kKMB]\b|million\b|billion\b|trillion\b|thousand\b|x\b(?!\s?\d)|×(?!\s?\d)))?(?![\w(@^_])"
)
# a number written out, counted as one when a unit follows it ("four hours", "two decades")
_NUMBER_WORDS_RE = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|"
    r"hundred|a hundred|a thousand|a dozen)\b",
    re.I,
)
# A name, with a model number after it ("RIVA 128"), not a year ("GoogLeNet 2014"). It opens on its capital, with
# no word character before it (looked behind once the capital is read): a pattern that opens on a character set is
# searched for it in C, where one opening on a look-behind is tried at every position (twice as slow).
_ENTITY_RE = re.compile(
    r"[A-Z](?<!\w[A-Z])(?:[\w&.-]*\w(?: (?!(?:1[5-9]|20)\d\d\b)\d+(?:\.\d+)?(?:-[A-Z]+\b)?(?![\w,%]|\.\w))?)?"
)
_INITIALS_RE = re.compile(r"^(?:[A-Z]\.)*[A-Z]$")
_ABBREVIATIONS = frozenset("St Mr Mrs Ms Dr Jr Sr Inc Co Corp Ltd Bros Mt Ft".split())
_TITLE_ABBREVIATIONS = frozenset("St Mr Mrs Ms Dr Mt Ft Gen Sen Rep Gov Prof".split())  # before a name
_CONDITION_RE = re.compile(r" (?:or|and) (?:older|up|over|more|above|later)\b")
# ("chapter", "part": where in the source, ``_SOURCE_PLACES``)
_LABEL_NOUNS = frozenset("age ages stage step phase level version".split())
_SENTENCE_END = frozenset(".!?:;")
MAX_CODE_WORDS = 3  # a longer command is an example, not a term to recall
RANK = {"bold": 7, "number": 6, "formula": 6, "code": 5.6, "entity": 5, "quote": 4, "term": 0}
YEAR = r"(?:1[5-9]|20)\d\d"  # a year as notes write them, 1500-2099
YEAR_RE = re.compile(YEAR)

_LIST_GAP_RE = re.compile(r", (?:and |or )?| (?:and|or|to) ")
_DATE_RE = re.compile(
    rf"\b(?:{MONTHS}) \d{{1,2}}(?:, \d{{4}})?(?!\d)"
    # day first: "31 Dec 2019", "1 April": the day alone hidden ("[31] Dec") was judged a trivial blank
    rf"|(?<![\d.,])\d{{1,2}} (?:{MONTHS}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\b\.?(?: \d{{4}})?(?!\d)"
)


class Candidate(NamedTuple):
    rank: float
    start: int
    end: int
    kind: str


# ``Candidate(...)`` goes through a Python-level __new__, several times a tuple's cost: a loop that makes one per run
# of words builds the same object directly, ``new_candidate(Candidate, (rank, start, end, kind))``
new_candidate = tuple.__new__


def masked_candidates(text: str, sub: str) -> list[Candidate]:
    """Formulas and short commands; one of a list of three or more commands is a guess, not a term to recall."""
    out: list[Candidate] = []
    listed: list[list[Candidate]] = []
    for m in re.finditer(MASK + "+", sub):
        s, e = m.span()
        inner = text[s:e].strip("`$ ")
        if text[s] == "$" and len(inner) >= 3:
            out.append(Candidate(RANK["formula"], s, e, "formula"))
        elif text[s] == "`" and inner and len(inner.split()) <= MAX_CODE_WORDS:
            c = Candidate(RANK["code"], s, e, "code")
            if (
                listed
                and listed[-1][-1].kind == "code"
                and _LIST_GAP_RE.fullmatch(sub, listed[-1][-1].end, s)
            ):
                listed[-1].append(c)
            else:
                listed.append([c])
            out.append(c)
    long_lists = {c for group in listed if len(group) >= 3 for c in group}
    # "`RidgeCV`, `LassoCV`, `ElasticNetCV`": items sharing an affix give each other away, none worth the blank
    patterned = {c for group in listed if len(group) >= 3 and _shared_affix(text, group) for c in group}
    return [
        c._replace(rank=-1.0) if c in patterned else c._replace(rank=3.0) if c in long_lists else c
        for c in out
    ]


def _shared_affix(text: str, group: list[Candidate]) -> bool:
    names = [text[c.start : c.end].strip("` ") for c in group]
    prefix = commonprefix(names)
    suffix = commonprefix([n[::-1] for n in names])
    return len(suffix) >= 2 or len(prefix) >= 3 and " " not in prefix


_SECTION_OPEN_RE = re.compile(r"§\s?\d+[\w.-]*(?:\([\w.]+\))*\($")
_SOURCE_PLACES = frozenset(
    "chapter chapters ch part episode ep lecture page pages p pp appendix volume vol".split()
)
_LETTER_SET_RE = re.compile(r" [A-Z](?:['’]s|s)\b")
_MONEY_NEAR_RE = re.compile(
    r"\+?\s?(?:[$€£]|USD|EUR|dollars|euros|in (?:sales|revenue))"
)  # "20B+ € in sales"
_DIGIT_RE = re.compile(r"\d")  # (any digit ``\d`` matches: the same test as the patterns')
_MODEL_SIZE_RE = re.compile(r"~?\d+(?:\.\d+)?B\b")  # "7B", "70B", "1.5B", "175B": billions of weights


def number_candidates(text: str, sub: str) -> list[Candidate]:
    """Numbers, amounts and dates with their unit ("four hours", "April 15, 2025"); a list or range of up to three
    of one shape as one ("30, 60 and 90", "85 to 90 percent", not "from 5,000 to 75,000")."""
    spans: list[list] = []
    # every date and number holds a digit: most bullets have none, and neither pattern need then walk them
    digits = _DIGIT_RE.search(sub) is not None
    dates = [m.span() for m in _DATE_RE.finditer(sub)] if digits else []
    for m in _NUMBER_RE.finditer(sub) if digits else ():
        s, e = m.span()
        if any(ds <= s < de for ds, de in dates):
            continue
        if sub[s - 1 : s] == "(" and _SECTION_OPEN_RE.search(sub, max(0, s - 24), s):
            continue  # "§61(a)(11)": a subsection's number is the citation's, no fact of its own
        if _LETTER_SET_RE.match(sub, e):
            continue  # "the 3 I's", "the 4 Ps of marketing": a number in a name, counted by the letters after it
        nxt = WORD_RE.match(sub, e + 1) if sub[e : e + 1] in (" ", "-") else None
        if nxt and sub[e] == "-" and nxt.group().isupper():
            e = nxt.end()  # "1099-R": a form's name
        elif sub[e : e + 1] == "-" and sub[e + 1 : e + 2].isdigit():
            continue  # "10-10-10": a name made of numbers, not a number
        elif nxt and sub[e] == " " and nxt.group().lower() in UNITS:
            e = nxt.end()
        rank = RANK["number"]
        # a word naming what the number is follows it (not "in 2002 for")
        named = sub[e : e + 2].strip()[:1].isalpha() and next_word(sub, e) not in STOP_WORDS
        labels = prev_word(sub, s) == "the" and next_word(sub, e) not in STOP_WORDS
        if (
            not sub[:s].strip(" *_")
            and sub[e : e + 1] in (",", ":")
            or YEAR_RE.fullmatch(text, s, e)
            and sub[e : e + 1] == ":"
        ) and _NUMBER_RE.search(sub, e):
            rank = 4.0  # "2024, single: 0% up to $47,025", "HSA limits for 2025: $4,300 ...": a label
        elif named and (YEAR_RE.fullmatch(text, s, e) or labels):
            rank = (
                5.0  # a year or number naming what follows ("the 2024 limits", "the 0% rate") labels the fact
            )
        elif (
            YEAR_RE.fullmatch(text, s, e)
            and prev_word(sub, s) in ("in", "for")
            and not sub[e:].strip(" .;)")
            and ("$" in sub or "%" in sub)
        ):
            rank = 5.0  # "pay $2,800 or more in 2025": the closing year says when, the amount is the fact
        elif YEAR_RE.fullmatch(text, s, e) and sub.rfind("(", 0, s) > sub.rfind(")", 0, s):
            rank = 4.5  # a citation's year ("MobileNet (Howard et al., 2017)"): the name matters more
        elif prev_word(sub, s) in _SOURCE_PLACES:
            # "in chapter [3]", "episode [54]": where in the source, never the blank (trivia, set V)
            rank = -1.0
        elif _CONDITION_RE.match(sub, e) or prev_word(sub, s) in _LABEL_NOUNS:
            rank = 5.8  # "age 50", "55 or older": a condition or a label, beside the amount that is the fact
        elif (
            _MODEL_SIZE_RE.fullmatch(sub, s, e)
            and not _MONEY_NEAR_RE.match(sub, e)
            and sub[s - 1 : s] not in "$€£"
        ):
            rank = 3.0  # "retraining [70B]", "for [7B] models": judged blind, a model's size is the example's, not the fact
        elif _version_or_section(sub, s, e):
            rank = 3.0  # "PyTorch 2.6", "Git 2.50", "ESL §7.8": which release or section, beside the lesson
        if spans and spans[-1][2] == s - 1 and sub[s - 1] in "&/":
            spans[-1][2] = e  # "Walton's 5&10", "24/7": one name or ratio made of two numbers
            continue
        gap = _LIST_GAP_RE.fullmatch(sub, spans[-1][2], s) if spans else None
        if (
            gap
            and shape(text, Candidate(0, s, e, ""))
            == shape(text, Candidate(0, spans[-1][1], spans[-1][2], ""))
            and not (gap.group().strip() == "to" and prev_word(sub, spans[-1][1]) == "from")
            and ("or" not in gap.group() or _one_quantity(sub, spans[-1][1], spans[-1][2], s, e, gap.group()))
            # "$200,000, or $400,000 for joint filers": two facts, one each; "a run of 6 or 7": one quantity
        ):
            spans[-1][2] = e  # "30, 60 and 90": one list
            spans[-1][3] += 1
        else:
            spans.append([rank, s, e, 1])
    # a list of more than three is too long to recall as one answer, and one of it hidden is a guess
    out = [Candidate(rank if n <= 3 else 3.0, s, e, "number") for rank, s, e, n in spans]
    out += [Candidate(RANK["number"], s, e, "number") for s, e in dates]
    for m in _NUMBER_WORDS_RE.finditer(sub) if _may_hold_number_word(sub) else ():
        nxt = WORD_RE.match(sub, m.end() + 1) if sub[m.end() : m.end() + 1] == " " else None
        if nxt is None:
            continue
        after = WORD_RE.match(sub, nxt.end() + 1) if sub[nxt.end() : nxt.end() + 1] == " " else None
        if (
            nxt.group().lower() in UNITS
            and after
            and after.group().islower()
            and after.group() not in STOP_WORDS
        ):
            continue  # "one second home": the word after the number is an adjective, not a unit
        noun = nxt.group()
        if noun.lower() in UNITS:
            out.append(Candidate(RANK["number"] - 0.5, m.start(), nxt.end(), "number"))
            continue
        if after and noun.islower() and plural_word(after.group()) and after.group().islower():
            noun = after.group()  # "[two] moment estimates"
        if noun.endswith("s") and noun.islower() and noun not in GENERIC_NOUNS and m.group().lower() != "one":
            out.append(Candidate(RANK["quote"] + 0.5, m.start(), m.end(), "number"))  # "[four] philosophies"
    return out


# the words of ``_NUMBER_WORDS_RE``: an ASCII text holding none of them (lower-cased) has no match, which a substring
# test finds out several times faster than the case-insensitive pattern
_NUMBER_WORD_HINTS = (
    "one two three four five six seven eight nine ten eleven twelve fifteen twenty thirty forty fifty hundred "
    "thousand dozen"
).split()


def _may_hold_number_word(sub: str) -> bool:
    if not sub.isascii():
        return True  # (case folding beyond ASCII, "ſix": left to the pattern)
    low = sub.lower()
    for hint in _NUMBER_WORD_HINTS:
        if hint in low:
            return True
    return False


def _one_quantity(sub: str, s1: int, e1: int, s2: int, e2: int, gap: str) -> bool:
    """Whether "A or B" are two guesses at one quantity ("a run of 6 or 7", "3 or 4 days"): no comma between, and
    values close enough (judged blind, hiding the 7 of "6 or 7" left a card the 6 gave away)."""
    if gap != " or ":
        return False
    a, b = _number_value(sub[s1:e1].split()[0]), _number_value(sub[s2:e2].split()[0])
    return a is not None and b is not None and 0 < a < b <= max(a + 2, a * 1.5)


_VERSION = r"\d+\.\d+(?:\.\d+)*"
_EXAMPLE_LEAD_RE = re.compile(r"\b(?:e\.g\.|eg|for example|for instance|such as),?\s*$", re.I)
_VERSION_RE = re.compile(_VERSION)
# a name ending on its release: "PyTorch 2.6" (entity_candidates)
_RELEASE_END_RE = re.compile(rf" v?{_VERSION}$")


def _version_or_section(sub: str, s: int, e: int) -> bool:
    """Whether the number at ``s:e`` is a section or a release on its own ("§7.10.2", "v1.4"); a release after a
    name ("PyTorch 2.6") is found with the name, as one candidate (``_RELEASE_END_RE``)."""
    if sub[s - 1 : s] == "§" or sub[s - 2 : s] == "§ ":
        return True
    return (
        _VERSION_RE.fullmatch(sub, s, e) is not None
        and sub[s - 1 : s] in ("v", "V")
        and not sub[s - 2 : s - 1].isalpha()
    )


def prev_word(text: str, start: int) -> str:
    """The lower-case word just before ``start`` (across spaces only), or ""."""
    i = start
    while i > 0 and text[i - 1] == " ":
        i -= 1
    if i == start:
        return ""
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] in "_'’-"):
        j -= 1
    return text[j:i].lower()


def next_word(text: str, end: int) -> str:
    """The lower-case word right after ``end`` (one space between), or ""."""
    m = WORD_RE.match(text, end + 1) if text[end : end + 1] == " " else None
    return m.group().lower() if m else ""


def _joins(sub: str, matches: list[re.Match], j: int) -> bool:
    """Whether capitalised word ``j`` and the next make one answer: next to each other, across "of" ("Sword of
    Damocles", "Battle of the Marne"), or across "and" ("Tax Cuts and Jobs Act", "Wu and He": a pair is recalled together)."""
    gap = sub[matches[j].end() : matches[j + 1].start()]
    if gap == " " or gap == " of " or gap == " of the ":  # "First Battle of the Marne"
        return True
    if gap in _NAME_PARTICLES:
        return (
            True  # "Franz von Waldeck", "Leonardo da Vinci" (judged blind in set AO: "Franz von [Waldeck]")
        )
    if (
        gap == ". "
        and (
            _INITIALS_RE.match(matches[j].group())
            or matches[j].group().rsplit(" ", 1)[-1] in _TITLE_ABBREVIATIONS
        )
        and matches[j + 1].group().split()[0].lower() not in STOP_WORDS
    ):
        # "J.J. Gibson", "E. O. Wilson", "St. Louis", "Dr. Seuss": the name goes on after the dot; but a sentence
        # begins after "Schedule D." ("[Schedule D. If] all gain ...", set BG)
        return True
    return gap == " and " and sub[matches[j].end() + 5 : matches[j].end() + 6].isupper()


_NAME_PARTICLES = frozenset(
    f" {p} "
    for p in "von van de der den da di du del della dos das ibn bin".split()
    + ["van der", "van den", "von der"]
)
# words that open a bullet before a name and are no part of it (judged blind in set AI: "[Key Lippmann] point",
# "[References Lisanne Bainbridge]'s 1983 paper")
_LEAD_WORDS = frozenset(
    "key references cites mentions quotes see via per thanks note lesson takeaway example story context source quote "
    "also".split()
)


# how near a figure is, opening a sentence before it: no name ("[Roughly 280] experts": judged blind in set BR, a
# quiz key that asks the hedge too)
_HEDGE_LEADS = frozenset(
    "roughly about around nearly almost approximately approx circa some just only maybe perhaps probably".split()
)


def entity_candidates(text: str, sub: str) -> list[Candidate]:
    out = []
    matches = list(_ENTITY_RE.finditer(sub))
    i = 0
    while i < len(matches):
        j = i
        while j + 1 < len(matches) and _joins(sub, matches, j):
            j += 1
        s, e = matches[i].start(), matches[j].end()
        if text.endswith(("'s", "’s"), s, e):
            e -= 2
        elif sub[e : e + 1] == "." and text[s:e].rsplit(" ", 1)[-1] in _ABBREVIATIONS:
            e += 1  # "Wall St.": the abbreviation's dot is the name's
        before = sub[:s].rstrip(" \"'(“*")
        opens = not before or before[-1] in _SENTENCE_END or before.endswith("- ")
        first = text[s:e].split()[0]
        if first.lower() in STOP_WORDS or (
            opens
            and (first.lower() in VERBS or first.lower() in _LEAD_WORDS or first.lower() in _HEDGE_LEADS)
        ):
            if " " in matches[i].group() and j > i and first.lower() in ("the", "a", "an"):
                # "The 4 Disciplines of Execution": from the number on
                s = matches[i].start() + matches[i].group().index(" ") + 1
                opens = False
            elif j > i:
                s = matches[i + 1].start()
                opens = False
                first = text[s:e].split()[0]
            else:
                i = j + 1
                continue
        acronym = sum(c.isupper() for c in first) >= 2 or any(c.isdigit() for c in text[s:e])
        if e > s and (not opens or acronym or j > i):
            head = WORD_RE.match(sub, e + 1) if sub[e : e + 1] == " " else None
            if head and head.group() in EPONYM_HEADS:
                e = head.end()
            release = _RELEASE_END_RE.search(text, s, e) is not None  # "PyTorch 2.6": which release
            out.append(Candidate(3.0 if release else RANK["entity"] + 0.5 * acronym, s, e, "entity"))
        i = j + 1
    return out


def shape(text: str, c: Candidate) -> str:
    span = text[c.start : c.end]
    if span[0] in "$€£":
        return "amount"
    if span.endswith("%"):
        return "percent"
    return "year" if YEAR_RE.fullmatch(span) or _YEAR_RANGE_RE.fullmatch(span) else "number"


_YEAR_RANGE_RE = re.compile(rf"{YEAR}\s?[–-]\s?(?:{YEAR}|\d\d)")  # "1951–1959": years, never an age's list


# --- What the rest of the front gives away: a number worked out from others, a sibling of a pattern ---------

_PLAIN_NUMBER_RE = re.compile(
    r"(?<![\w.])\d(?:[\d,]*\d)?(?:\.\d+)?(?!\w|\.\d)"
)  # a full stop after it ends it


def _number_value(token: str) -> float | None:
    try:
        return float(token.replace(",", ""))
    except ValueError:
        return None


_COUNTS = {
    w: n for n, w in enumerate("zero one two three four five six seven eight nine ten eleven twelve".split())
}
_ITEM_GAP_RE = re.compile(r",\s*(?:and |or )?|;\s*| and | or ")
_UNITS = frozenset(
    "years days weeks months hours minutes seconds times percent points dollars cents decades centuries".split()
)


def long_list(text: str, c: Candidate) -> str | None:
    """Why a list of numbers is no answer: more than three are too many to recall as one ("0.1, 0.05, 0.02, ...")."""
    if c.kind == "number" and len(_PLAIN_NUMBER_RE.findall(text, c.start, c.end)) > 3:
        return "a list of more than three numbers is too long to recall as one answer"
    return None


def counted_items(text: str, c: Candidate) -> str | None:
    """Why a hidden count is no recall: the card lists exactly that many items ("the three unifiers: money,
    empires and religions"; "X, Y and Z are the two ..." does not count: three)."""
    if c.kind != "number":
        return None
    token = text[c.start : c.end].strip().lower()
    n = COUNT_WORDS.get(token) if not token.isdigit() else int(token)
    if n is None or not 2 <= n <= 12:
        return None
    words = re.findall(r"[A-Za-z]+", text[c.end : c.end + 40])[:2]  # "three unifiers", "three great unifiers"
    noun = next((w.lower() for w in words if w.lower().endswith("s") and w.lower() != "of"), "")
    # "reads A, B, C → self-education via those [3]": the count of what the card listed before it
    those = not noun and prev_word(text, c.start) in ("those", "these")
    after = text[c.end :]
    # "Only [11] passed: Abbott, Circuit City, ...": a count a colon soon after it opens the list of (set AW)
    listed = not noun and not those and _COLON_SOON_RE.match(after) is not None
    if not those and not listed and (not noun or noun in _UNITS):
        return None  # "3 weeks", "two of them": a quantity, not the size of a list
    opener = None if those else re.search(r"[:(—]", after)
    if opener is not None:
        segment = re.split(r"[.)]\s|[.)]$", after[opener.end() :], maxsplit=1)[0]
    else:
        segment = text[: c.start]
    items = [item for item in _ITEM_GAP_RE.split(segment) if item.strip()]
    if len(items) == n:
        return f"'{text[c.start : c.end].strip()}' counts the items listed on the card"
    if n >= 3 and re.search(rf"(?<![\w/])[A-Za-z][\w.-]*(?:/[A-Za-z][\w.-]*){{{n - 1}}}(?![\w/])", text):
        # judged blind in set AE: "Bush/Gore/Nader → odd results with [3] candidates"
        return f"'{text[c.start : c.end].strip()}' counts the items listed on the card"
    return None


_COLON_SOON_RE = re.compile(r"[^:.;()\n]{0,20}:\s")
_SCALED_RE = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?([xkKMB])\b")


def _scaled(m: re.Match) -> float:
    return float(m.group(1)) * SCALES[m.group(2)]


_NEAR = 0.02  # "≈ 16.8M" for 16,777,216: a product rounded in the writing


# "30% × $50k", "30% of $50,000": a share of an amount, written out
_SHARE_OF_RE = re.compile(r"(\d+(?:\.\d+)?)\s?%\s*(?:×|x|\*|of)\s*[$€£]?(\d[\d,]*(?:\.\d+)?[kKM]?)")


# "$500k × 28%": the same, the amount first (judged blind in set AH: "= [$140k]" was arithmetic)
_AMOUNT_TIMES_SHARE_RE = re.compile(r"[$€£]?(\d[\d,]*(?:\.\d+)?[kKM]?)\s*(?:×|\*|x)\s*(\d+(?:\.\d+)?)\s?%")


def _amount(text: str) -> float:
    """An amount as ``_SHARE_OF_RE`` reads it ("50k", "50,000"), scaled by the one table of scales."""
    return float(text.rstrip("kKM").replace(",", "")) * SCALES.get(text[-1], 1.0)


def operand_of_a_shown_product(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is one factor of a product whose result the text shows after it ("50k × 50k ×
    [8 bytes] ≈ 20 GB", "224×224×[3] image has ~150k inputs"), so arithmetic answers it; or a count of the years a
    range beside it spans ("[7] straight wins (1999–2005)")."""
    before, after = text[max(0, start - 3) : start].rstrip(), text[end : end + 3].lstrip()
    if (
        (before.endswith(("×", "*")) or after.startswith(("×", "*")))
        and "%" not in text[start:end]  # ("$400k × [28%] = $112k": the rate is the rule, the sum its example)
        and _RESULT_RE.search(text, end)
    ):
        return True
    if before.endswith(("≈", "=", "~")) and _PRODUCT_BEFORE_RE.search(text[max(0, start - 60) : start]):
        return True  # "4 params × 5 values = [625] runs": the product itself
    value = _number_value(text[start:end]) if _PLAIN_NUMBER_RE.fullmatch(text[start:end]) else None
    return (
        value is not None
        and value < 100
        and any(
            int(b) - int(a) + 1 == value or int(b) - int(a) == value for a, b in _YEAR_SPAN_RE.findall(text)
        )
    )


_RESULT_RE = re.compile(r"[≈=~]\s*[$€£]?\d")  # "≈ 20 GB", "= $360", "~150k": the product's result, shown
_PRODUCT_BEFORE_RE = re.compile(r"\d[^.;,≈=~]*[×*]\s*[^.;,≈=~]*\d[^.;,≈=~]*[≈=~]\s*$")
_YEAR_SPAN_RE = re.compile(r"\b((?:1[5-9]|20)\d\d)\s*[–-]\s*((?:1[5-9]|20)\d\d)\b")


def derived_number(text: str, c: Candidate) -> str | None:
    """Why a hidden number is no recall: it is twice, a product or a quotient of numbers shown beside it
    ("self-only $4,150, family $8,300"; "512 = 8 × 64"), the rest of 100% beside a share ("98% ... 2%", "85-90% ...
    10-15%"), a share shown as a fraction or a fraction shown as a share, or their rest ("80% ... a drop rate of
    0.2", "0.9235 ... 92.35%"), or about twice or half of one when the card says it doubled ("$36T doubled to
    $70T")."""
    if c.kind != "number":
        return None
    if operand_of_a_shown_product(text, c.start, c.end):
        # judged blind in set AS: "50k points × 50k × [8 bytes] ≈ 20 GB", "224×224×[3] image has ~150k inputs"
        return f"'{text[c.start : c.end]}' can be worked out from the other numbers on the card"
    inside = [_number_value(t) for t in _PLAIN_NUMBER_RE.findall(text, c.start, c.end)]
    rest = text[: c.start] + " " + text[c.end :]
    if not inside:  # "9x", "16.8M": a multiple or a size in millions
        inside = [_scaled(m) for m in _SCALED_RE.finditer(text, c.start, c.end)]
    if len(inside) == 1 and inside[0] is not None and 0 < inside[0] < 1 and "%" in rest:
        # "0.9235" beside "92.35%": a fraction the card shows as a percentage (or its rest)
        shares = [float(p) / 100 for p in re.findall(r"(\d+(?:\.\d+)?)\s?%", rest)]
        if any(abs(inside[0] - p) < 1e-9 or abs(inside[0] - (1 - p)) < 1e-9 for p in shares):
            return f"'{text[c.start : c.end]}' can be worked out from the other numbers on the card"
    if not 1 <= len(inside) <= 2 or any(v is None or v <= 1 for v in inside):
        return None
    values = [x for x in (_number_value(t) for t in _PLAIN_NUMBER_RE.findall(rest)) if x is not None]
    values += [_scaled(m) for m in _SCALED_RE.finditer(rest)]
    # "splits it four ways (£5,000 each)": a count in words multiplies as its digits would (set AV)
    values += [float(COUNT_WORDS[w]) for w in _COUNT_WORD_RE.findall(rest.lower()) if COUNT_WORDS[w] > 2]
    others = [x for x in values if x > 1]
    share = "%" in text[c.start : c.end + 1] or "percent" in text[c.start : c.end + 9]
    # "keep 80% of the inputs (a drop rate of 0.2)": a share written as a fraction beside it, or its rest
    fractions = [x for x in values if 0 < x < 1] if share else []
    if not others and not fractions:
        return None
    # the shares on the card, unless one governs the hidden amount ("50% of [$8,000]": the base, no result)
    governed = re.search(r"%\s*(?:of|×|x|\*)\s*[$€£]?$", text[: c.start]) is not None
    percents = (
        [float(p) for p in re.findall(r"(\d+(?:\.\d+)?)\s?%", rest)] if not share and not governed else []
    )
    times = any(m in text[max(0, c.start - 3) : c.start] for m in "×*")
    doubled = re.search(r"\b(?:doubl|halv)", text, re.I) is not None
    degrees = "°" in text
    factors = [a for a in others if a > 2]  # "2 of the last 5 years" halves nothing
    shares_of = [
        (float(m.group(1)), _amount(m.group(2))) for m in _SHARE_OF_RE.finditer(rest)
    ] + [
        (float(m.group(2)), _amount(m.group(1))) for m in _AMOUNT_TIMES_SHARE_RE.finditer(rest)
    ] if "%" in rest else []  # fmt: skip

    def derivable(v: float) -> bool:
        if any(v == 2 * a for a in others):  # its half is hidden with it (twin_number)
            return True
        if share and any(abs(v + a - 100) < 1e-9 for a in others):
            return True
        if (
            share
            and v < 100
            and not times  # ("$400k × [28%] = $112k": the rate the sum works through is the rule)
            and any(
                abs(v * a / 100 - b) <= 0.02 * b
                for a in others
                for b in others
                if a > b > 1 and not (1500 <= a <= 2100 or 1500 <= b <= 2100)  # (no years: "2024 ... 2023")
            )
        ):
            return True  # "$100k settlement, [40%] fee = $40k": the share of one amount shown that another is (set AV)
        if any(abs(v - 100 * f) < 1e-6 or abs(v - 100 * (1 - f)) < 1e-6 for f in fractions):
            return True
        if doubled and any(abs(v - 2 * a) <= 0.1 * v or abs(2 * v - a) <= 0.1 * a for a in others):
            return True
        if degrees and any(abs(v - (a * 9 / 5 + 32)) <= 1 or abs(v - (a - 32) * 5 / 9) <= 1 for a in values):
            return True  # "14°C (57°F)": one temperature in two scales
        if v >= 100 and any(abs(v - a) == 1 for a in others):
            return True  # "1024 positions ... no vector for position 1025"
        if sum(1 for d in (-2, -1, 1, 2) if any(abs(v + d - a) < 1e-9 for a in values)) >= 2:
            return True  # "Motivation 1.0 is survival, [2.0] is carrots and sticks, 3.0 is ...": the sequence
        if v >= 10 and any(
            abs(v - (a + b)) < 1e-9 or abs(v - abs(a - b)) < 1e-9
            for i, a in enumerate(others)
            for b in others[i + 1 :]
            if a >= 2 and b >= 2
        ):
            return True  # "43 folders (31 daily + 12 monthly)": a sum or a difference of two shown
        if any(
            v == a * b or v * b == a for i, a in enumerate(factors) for b in factors[i + 1 :] + factors[:i]
        ):
            return True
        if any(abs(v - p * a / 100) <= 0.02 * v for p, a in shares_of):
            return True  # "30% × $50k = [$15k]": a share of an amount shown
        if v >= 100 and any(abs(v - p * a / 100) <= 0.005 * v for p in percents for a in others if a > v):
            return True  # "$1M gain ... [$200k] at 20% on the whole": a share of an amount shown, worked out
        # "each step about 3x, so ~9x", "4096 × 4096 ≈ 16.8M", "2 × 4096 × 8 = 65,536": a square or a product
        near = [a for a in values if a >= 2]
        return any(abs(v - a * a) <= _NEAR * v for a in factors) or any(
            abs(v - a * b * d) <= _NEAR * v
            for i, a in enumerate(near)
            for j, b in enumerate(near[i + 1 :], i + 1)
            for d in near[j + 1 :]
        )

    if len(inside) == 1 and not derivable(inside[0]) or len(inside) == 2 and not all(map(derivable, inside)):
        return None
    return f"'{text[c.start : c.end]}' can be worked out from the other numbers on the card"


_COUNT_WORD_RE = re.compile(r"\b(" + "|".join(COUNT_WORDS) + r")\b")
_CITATION_AFTER_RE = re.compile(r"(?:,? et al\.?)?,?\s*\(?(?:1[5-9]|20)\d\d[a-z]?\b")
_AND_BEFORE_RE = re.compile(r"(?:&|\band)\s*$")
# ", designed by": a clause after the fact crediting someone (not "was proposed by", where who is the fact)
_CREDIT_BEFORE_RE = re.compile(r",\s*(?:\w+ ){0,2}\w+ed by\s*$")


_LEAD_CITATION_CHARS = 80  # a citation leading a bullet is short
# "Ba, Kiros & Hinton, 2016.", "Ioffe & Szegedy (2015):", "Shaw et al., 2018;": a bullet led by its source
_LEAD_CITATION_RE = re.compile(
    r"(?:\*\*)?[A-Z][\w'’-]+(?:(?:,| &| and) [A-Z][\w'’-]+)*(?: et al\.?)?,? \(?(?:1[6-9]|20)\d\d\)?(?:\*\*)?[.:;,]"
)


def side_detail(text: str, c: Candidate) -> str | None:
    """Why a name, year or term is a side detail, not the fact: part of a citation ("Gneezy & Rustichini, 2000",
    "Shaw et al. (2018)"), one example of a list in brackets ("(Linux, Apache)"), or who a finding is credited to
    ("designed by Cali Ressler", "rerun by Sam Glucksberg"). A learner keeps the finding; these cards were dropped
    as trivia."""
    if c.kind not in ("entity", "term", "quote", "number", "formula"):
        return None
    span = text[c.start : c.end]
    if c.kind == "formula":  # "(e.g. [$K = 50{,}000$] vocab)"; but "grows like [$M^{3/4}$]" is the law itself
        return (
            f"'{span}' is an example, a side detail" if _in_bracket_after(text, c, _EXAMPLE_LEAD_RE) else None
        )
    if _an_example(text, c):
        return f"'{span}' is an example, a side detail"  # '(e.g. "[1234]" vs "12345")', 'tokens like "[...]"'
    if c.kind == "number" and _VERSION_RE.fullmatch(span) and _in_bracket_after(text, c, _SINCE_RE):
        return f"'{span}' is the version that brought it, a side detail"  # "(added in [1.10])", "(since git [2.13])"
    lead = _LEAD_CITATION_RE.match(text) if c.start < _LEAD_CITATION_CHARS and text[:1].isupper() else None
    if lead and c.end <= lead.end():
        return f"'{span}' is part of the citation leading the bullet"  # "Ba, Kiros & Hinton, 2016."
    year = bool(YEAR_RE.fullmatch(span.strip()))
    if c.kind == "number" and not year:
        return None
    opened, closed = text.rfind("(", 0, c.start), text.rfind(")", 0, c.start)
    end = text.find(")", c.end)
    if opened > closed and end > 0 and "(" not in text[c.end : end]:
        group = text[opened + 1 : end]
        if group.strip(" *_\"'“”") != span.strip(" *_\"'“”"):
            why = _bracketed(group, span.strip(), year)
            if why:
                return f"'{span}' is {why}"
        elif year and text[:opened].strip(" *_"):
            # "Swin Transformer ([2021]): ...", "stopped accepting these credits ([2013])": the date stamped on what
            # the bullet says, judged trivia in five of five blind readings (sets R to W)
            return f"'{span}' is a date in brackets beside what it dates"
        elif (credit := _NAME_CREDIT_RE.fullmatch(group.strip())) and (
            credit.group(2) or c.kind in ("entity", "term")
        ):
            return (
                f"'{span}' is who did the work, in brackets"  # "([Maguire's brain scans])", "([Dan Russell])"
            )
    if c.kind == "entity" and (
        _CITATION_AFTER_RE.match(text, c.end)
        and (
            year
            or _AND_BEFORE_RE.search(text[: c.start])
            or text.startswith((" et al", ", ", " (", " &", " and "), c.end)
        )
    ):
        return f"'{span}' is part of a citation"
    if c.kind in ("entity", "term") and span[:1].isupper() and _CREDIT_BEFORE_RE.search(text[: c.start]):
        return f"'{span}' is who it is credited to, a side detail"
    return None


_CLAUSE_EDGE_RE = re.compile(r"[.;:!?]\s|[()—–]|\s-\s")
_ITEM_SPLIT_RE = re.compile(r",\s*(?:and |or )?|\s(?:and|or)\s")
_MAX_ITEM_WORDS = 5


_EXAMPLE_BEFORE_RE = re.compile(
    r"(?:\blike|\be\.g\.,?|\bsuch as|\bfor (?:example|instance),?|\bsay,?)\s*\(?$", re.I
)
# what after a colon names the command itself ("The flag for that: `-w`"), not an example of a rule
_NAMING_NOUNS = frozenset(
    "command commands flag flags option options setting settings config syntax function call method tool way fix "
    "shortcut alias keyword variable answer default form".split()
)
_EXAMPLE_JOINS = frozenset("beats then vs vs. not over instead of and or is".split())


_VERSION_RE = re.compile(r"v?\d+\.\d+(?:\.\d+)?")
# "(added in 1.10)", "(since git 2.13 anyway)", "(new in Python 3.11)": when a tool got it
_SINCE_RE = re.compile(
    r"(?:since|added in|new in|introduced in|as of|from)\s+(?:[A-Za-z][\w.+-]*\s+)?v?$", re.I
)


def _in_bracket_after(text: str, c: Candidate, lead: re.Pattern) -> bool:
    """Whether a span stands in brackets right after words ``lead`` matches (at their end)."""
    opened = text.rfind("(", 0, c.start)
    if opened < 0 or opened < text.rfind(")", 0, c.start):
        return False
    return lead.search(text, opened + 1, c.start) is not None


def _an_example(text: str, c: Candidate) -> bool:
    """Whether a span is given as an example: right after "like", "e.g." or "such as" (a quote mark between), or
    in brackets that open with one ("(e.g. "1234" vs "12345")")."""
    before = text[max(0, c.start - 16) : c.start].rstrip("\"“'`")
    if _EXAMPLE_BEFORE_RE.search(before):
        return True
    opened = text.rfind("(", 0, c.start)
    return opened > text.rfind(")", 0, c.start) and bool(_EXAMPLE_OPEN_RE.match(text, opened + 1))


_EXAMPLE_OPEN_RE = re.compile(r"\s*(?:e\.g\.|(?:eg|for example|for instance|such as|like)\b)", re.I)


def code_example(text: str, c: Candidate) -> str | None:
    """Why a command or snippet is an example of the rule the card states, not the fact: after "like", "e.g." or
    "such as"; alone in brackets after a word ("Flag arguments (`render(true)`) are a smell"); or all that follows a
    rule's colon ("A trailing `/` matches only directories: `build/`", "intention-revealing names: `elapsedTime`
    beats `d`"). Judged blind, hiding the example while the rule stayed shown was the fix asked for."""
    if c.kind != "code":
        return None
    span = text[c.start : c.end]
    if _an_example(text, c):
        return f"'{span}' is an example, a side detail"
    if (
        text[c.start - 1 : c.start] == "("
        and text[c.end : c.end + 1] == ")"
        and text[c.start - 3 : c.start - 2].isalpha()
    ):
        return f"'{span}' is an example in brackets, a side detail"
    colon = text.rfind(": ", 0, c.start)
    if colon < 0:
        return None
    lead = text[:colon].lower()
    end = _SENTENCE_END_RE.search(text, c.end)
    after = re.sub(r"`[^`\n]*`", " ", text[colon + 2 : end.start() if end else len(text)])
    joins = after.replace(",", " ").replace("≠", " ").split()
    if len(lead.split()) < 3 or any(w not in _EXAMPLE_JOINS for w in joins):
        return None
    if any(w.strip("`*_") in _NAMING_NOUNS for w in lead.split()[-3:]):
        return None  # "The flag that ignores whitespace: `-w`": the command is what the lead asks for
    if "`" in lead or any(verb_like(w) or w.endswith("s") and len(w) > 3 for w in lead.split()[1:]):
        return f"'{span}' illustrates the rule before the colon, a side detail"
    return None


_SLASH_AFTER_RE = re.compile(r"\s?/\s?[A-Za-z][\w-]{2,}")
_SLASH_BEFORE_RE = re.compile(r"[A-Za-z][\w-]{2,}\s?/\s?$")


def list_item(text: str, c: Candidate) -> str | None:
    """Why a name or term is a guess: one item of a list of three or more short ones ("Projects, Next Actions,
    Calendar, Waiting For, ..."; "used by GPT-NeoX, PaLM, LLaMA and Mistral"): any other item fits the blank as
    well, and the card was dropped as trivial."""
    if (
        c.kind in ("entity", "term")
        and "/" in text
        and (
            _SLASH_AFTER_RE.match(text, c.end) or _SLASH_BEFORE_RE.search(text, max(0, c.start - 30), c.start)
        )
    ):
        return (
            f"'{text[c.start : c.end]}' is one of a pair written with a slash, a guess"  # "[GitHub]/GitLab"
        )
    if c.kind not in ("entity", "term") or text.count(",") + text.count(" and ") + text.count(" or ") < 2:
        return None  # three items need two separators
    starts = [m.end() for m in _CLAUSE_EDGE_RE.finditer(text, 0, c.start)]
    start = starts[-1] if starts else 0
    edge = _CLAUSE_EDGE_RE.search(text, c.end)
    end = edge.start() if edge else len(text)
    clause = text[start:end]
    items = [i for i in _ITEM_SPLIT_RE.split(clause) if i.strip()]
    if any(YEAR_RE.search(i) for i in items):
        return None  # "Monte Carlo dropout, Gal and Ghahramani, 2016": a name and its citation
    if len(items) < 3 or not all(len(i.split()) <= _MAX_ITEM_WORDS for i in items[1:]):
        return None  # the first item may carry the clause's lead ("used by GPT-NeoX")
    return f"'{text[c.start : c.end]}' is one item of a list of {len(items)}, a guess"


_CREDIT_IN_BRACKETS_RE = re.compile(
    r"(?:an? |the )?(?:finding|term|idea|study|coinage|concept|phrase|work) (?:of|from|by)\b"
    r"|(?:coined|named|found|described|proposed|introduced|popularised|popularized) by\b|per\b|after\b",
    re.I,
)


_WORKS = (
    r"work|study|studies|research|experiments?|findings?|data|paper|lab|trial|survey|scans|analysis|review"
)
# a person's name alone, or their work ("Aaron Clauset's work", "Mark Muraven's radishes-vs-cookies study")
# or one name's ("Maguire's brain scans")
_NAME_CREDIT_RE = re.compile(
    r"([A-Z][\w'’-]+(?: [A-Z][\w'’.-]+){1,2})(?:['’]s (?:[\w-]+ ){0,3}(?:" + _WORKS + r")(?: on .*)?)?"
    r"|([A-Z][\w'’-]+)['’]s (?:[\w-]+ ){0,3}(?:" + _WORKS + r")(?: on .*)?"
)


def _bracketed(group: str, span: str, year: bool) -> str | None:
    """What a span inside brackets is, when it is no fact to recall: a citation's year or authors ("Gneezy &
    Rustichini, 2000"), or one of a short list of examples ("Linux, Apache"); None for the rest ("Monte Carlo
    dropout, Gal and Ghahramani, 2016" names the method first)."""
    items = [i.strip() for i in re.split(r", |; ", group)]
    at = next((n for n, item in enumerate(items) if span in item), None)
    years = [n for n, item in enumerate(items) if YEAR_RE.search(item)]
    if at is None:
        return None
    if years:
        authors = re.search(r"&| and |et al", items[at]) or (" " not in items[at] and items[at][:1].isupper())
        if year or at in years or (at + 1 in years and authors):
            return "part of a citation in brackets"
        return None
    if len(items) >= 2 and all(len(item.split()) <= 3 for item in items):
        return "one example in brackets, a side detail"
    if _CREDIT_IN_BRACKETS_RE.match(group.strip()):
        return "who it is credited to, in brackets"  # "Attention residue (a finding of Sophie Leroy)"
    credit = _NAME_CREDIT_RE.fullmatch(group.strip())
    if credit and (span in (credit.group(1) or "") or credit.group(2) and span in group):
        # "UCLA Loneliness Scale (Dan Russell)", "(Mark Muraven's radishes-vs-cookies study)": who did the work
        return "who it is credited to, in brackets"
    return (
        None  # (a group opening on "e.g.", "like" or "such as" is an example: side_detail asks _an_example)
    )


_TWIN_WORDS = 6  # "$1,600 self-only, $3,200 family": a pair stands close


def twin_number(text: str, span: tuple[int, int]) -> tuple[int, int] | None:
    """The span of a number in ``text`` exactly twice the one hidden at ``span`` ("$1,600 self-only, $3,200
    family"): shown, it gives the hidden one away, so the card hides both."""
    inside = _PLAIN_NUMBER_RE.findall(text, *span)
    v = _number_value(inside[0]) if len(inside) == 1 else None
    if v is None or v <= 1:
        return None
    for m in _PLAIN_NUMBER_RE.finditer(text):
        if span[0] <= m.start() < span[1] or _number_value(m.group()) != 2 * v:
            continue
        between = text[min(span[1], m.end()) : max(span[0], m.start())]
        if len(between.split()) > _TWIN_WORDS or re.search(r"[.;]\s", between):
            continue  # "from $2,000 ... it would have fallen back to $1,000": two facts, not a pair
        s, e = m.span()
        if s > 0 and text[s - 1] in "$€£":
            s -= 1
        if text[e : e + 1] == "%":
            e += 1
        return s, e
    return None


_PATTERN_MARKS = frozenset("@{}=_^~[]")


def _skeleton(code: str) -> str:
    """A command's or formula's punctuation, which two of one pattern share ("HEAD@{0}", "HEAD@{1}": "@{}")."""
    return "".join(ch for ch in code if not ch.isalnum() and ch not in " .`$")


_SMALL_WORDS = frozenset("a an the and or of to in on at by for with you it is be as".split())
_CODE_ALIAS_AFTER_RE = re.compile(r"\s*(?:/|\(|,? or)\s*`")
_CODE_ALIAS_BEFORE_RE = re.compile(r"`\s*(?:/|\(|,? or)\s*$")


def _named_beside(text: str, c: Candidate, option: str) -> bool:
    """Whether the words beside an option or a keyword argument name it: a word sharing the first five letters of one
    of its parts ("--no-commit" beside "committing", "shuffle=True" beside "shuffle"), or, for a one-letter option,
    a word starting with its letter among the five after it ("-e" ... "edit")."""
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", text[: c.start] + " " + text[c.end :])]
    if option.startswith("-"):
        parts = [p for p in re.split(r"[-=<>]+", option.lower()) if len(p) >= 3 and p != "no"]
    else:
        key = option.split("=", 1)[0].strip(".").lower()
        parts = [key] if len(key) >= 4 else []
    if any(w[:5] == p[:5] for p in parts for w in words if len(w) >= 3):
        return True
    letter = option.lstrip("-").lower() if option.startswith("-") and len(option.lstrip("-")) == 1 else ""
    after = [w.lower() for w in re.findall(r"[A-Za-z]+", text[c.end :])][:5]
    return bool(letter) and any(w.startswith(letter) and w not in _SMALL_WORDS for w in after)


def code_given_away(text: str, c: Candidate) -> str | None:
    """Why a command or formula is read off the rest of the front: another name of it beside it ("`-n` /
    `--no-commit`"), words that name it ("`-e`" ... "edit"), its own option in an example ("`-m <n>`, e.g. `-m 1`"),
    or a sibling of its pattern ("`HEAD@{0}`" beside "`HEAD@{1}`", "$Q = XW_Q$" beside "$K = XW_K$")."""
    span = text[c.start : c.end]
    code = span.startswith("`")
    if code and (_CODE_ALIAS_AFTER_RE.match(text, c.end) or _CODE_ALIAS_BEFORE_RE.search(text[: c.start])):
        return f"'{span}' stands beside another name for it"
    option = span.strip("`")
    named = code and " " not in option and (option.startswith("-") or "=" in option)
    if named and _named_beside(text, c, option):
        return f"'{span}' is named by the words beside it"
    head = option.split(" ")[0]
    if code and len(head) > 1 and head.startswith("-"):
        for m in re.finditer(r"`([^`\n]+)`", text):
            if m.start() != c.start and m.group(1).split(" ")[0] == head:
                return f"'{span}' shows its command in '{m.group()}' beside it"
    shape = _skeleton(span)
    if shape and _PATTERN_MARKS.intersection(shape):
        for m in re.finditer(r"`[^`\n]+`|\$[^$\n]+\$", text):
            if m.start() != c.start and _skeleton(m.group()) == shape:
                return f"'{span}' follows the pattern of '{m.group()}' beside it"
    return None
