"""Distractors: plausible wrong answers for a question, drawn from the quiz's own scope.

From the same note first, then the rest of the quiz's scope (for a quiz over everything: notes sharing a tag, then
the corpus; the notes' FTS5 index finds the similar notes), ranked by word overlap with the question and answer,
closeness in length and the same card kind. A term's distractor is of its kind and grammatical number (a number for
a number, a name for a name, a command for a command: :mod:`kb.quiz.answerkind`) and never comes from a card stating
the same fact; none equals the answer after normalising, sits inside it or holds it, or is its initials; none mentions
everything the question is about, none repeats the word beside the blank, and no two are equal or nearly so.
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Callable, Iterable

from kb.cards.lexicon import SCALES
from kb.quiz.answerkind import (
    AMOUNT,
    COMMAND,
    DATE,
    NAME,
    NUMBER,
    NUMERIC_KINDS,
    PERCENT,
    PHRASE,
    TERM,
    answer_kind,
    same_kind,
)
from kb.quiz.corpus import Corpus
from kb.quiz.model import BLANK, MAX_OPTION_CHARS, CardRow
from kb.quiz.terms import AskableCard
from kb.quiz.words import ARTICLES, STOP_WORDS, content_words, fold, fold_plural, is_termlike, normalise
from kb.review import clock

_UNITS = frozenset("%$€£¥")
_FRACTION_RE = re.compile(r"\d[.,]\d")
_NUMBER_IN_TEXT_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")
# Wrong numbers made from the right one: (factor, offset), tried in this order.
_NUMBER_CHANGES = ((2, 0), (0.5, 0), (1, 1), (1, -1), (3, 0), (1.5, 0))
# A year is moved, never multiplied: 1901 -> 3802 is no year anyone would pick.
_YEAR_CHANGES = ((1, 1), (1, -1), (1, 5), (1, -5), (1, 10), (1, -10))
_DECADE_CHANGES = ((1, 10), (1, -10), (1, 20), (1, -20))
# Two sentences sharing more of their words than this say nearly the same thing.
_NEAR_DUPLICATE_OVERLAP = 0.6
# A card sharing this much of its words with the question states much the same fact: none of its terms is offered.
_SAME_FACT_OVERLAP = 0.5
# Words of the question and answer given to the full-text search for similar notes.
_SEARCH_WORDS = 8
# A term's edge that is not a word of the term: punctuation or a code mark left by a cut ("inertia_", "(see").
_EDGE_OK_RE = re.compile(r"^(?:[\w$€£¥@#.~\"“'(-].*(?:[^\W_]|[%)\"”'’])|[^\W_])$", re.S)
# A word no noun phrase ends or starts with: a contraction ("that's") or a stop word left by a cut.
_CONTRACTION_RE = re.compile(r"\w['’](?:s|re|ve|ll|d|t)$", re.I)
# Endings of adjectives and adverbs: a lower-case word ending so is not the noun a term's blank needs ("happier").
_ADJECTIVE_ENDINGS = ("ier", "iest", "ous", "ful", "less", "ish")
_MONTH_NAMES = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)
_DIGITS_RE = re.compile(r"\d[\d,]*(?:\.\d+)?[½¼¾⅓⅔]?")
_COMMAND_LINE_RE = re.compile(r"^[a-z][\w-]*\s")
_INNER_CAPITAL_RE = re.compile(r"^\w+?[a-z][A-Z0-9]")
_SENTENCE_END_BEFORE_RE = re.compile(r"(?:^|[.!?:;\n])[\s\"“'‘(]*$")


# A sentence sharing this much of the key's words (of the shorter's), or half of it and this much of the question's
# words, answers the question too (``DistractorSearch.answers_it_too``); two options sharing it say one thing
_SAME_ANSWER_SHARE = 0.4
_SAME_QUESTION_SHARE = 0.5
_QUESTION_WORDS = frozenset("what why how when where which who does did doe can could should would".split())


def _folded_words(text: str) -> frozenset[str]:
    return frozenset(fold_plural(w) for w in content_words(text))


def _says_as_much(a: str, b: str) -> bool:
    """Whether two sentences share most of their words (Jaccard above ``_NEAR_DUPLICATE_OVERLAP``), or
    ``_SAME_ANSWER_SHARE`` of the shorter one's words: "Parent entropy minus the size-weighted entropy of the child
    nodes" beside "the parent entropy minus the weighted average entropy of the children"."""
    if word_overlap(a, b) > _NEAR_DUPLICATE_OVERLAP:
        return True
    wa, wb = _folded_words(a), _folded_words(b)
    return len(wa & wb) / (min(len(wa), len(wb)) or 1) >= _SAME_ANSWER_SHARE


def word_overlap(a: str, b: str) -> float:
    """Jaccard similarity of two texts' content words."""
    wa, wb = content_words(a), content_words(b)
    return len(wa & wb) / (len(wa | wb) or 1)


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def shape_ok(answer: str, candidate: str, *, term: bool) -> bool:
    """Whether a candidate has the answer's form: a number for a number, about the same length."""
    a_num = _has_digit(answer)
    if a_num != _has_digit(candidate):
        return False
    if a_num and {c for c in answer if c in _UNITS} != {c for c in candidate if c in _UNITS}:
        return False  # an age is not offered a percentage, nor a dollar amount
    if a_num and bool(_FRACTION_RE.search(answer)) != bool(_FRACTION_RE.search(candidate)):
        return False  # nor a fraction
    la, lc = len(answer), len(candidate)
    if term:
        return (
            abs(len(answer.split()) - len(candidate.split())) <= 2 and lc <= 3 * la + 6 and la <= 3 * lc + 6
        )
    return 0.4 <= lc / max(la, 1) <= 2.5


def _initials(words: list[str]) -> str:
    return "".join(w[0] for w in words if w not in STOP_WORDS)


def same_thing(a: str, b: str, *, term: bool) -> bool:
    """Whether two answers would both be right: equal once normalised, or (terms) one inside the other, plurals
    folded ("Credits" beside "Tax credit"), or one the other's initials ("HSA" beside "health savings account")."""
    na, nb = normalise(a), normalise(b)
    if na == nb or not nb:
        return True
    if not term:
        return False
    fa = " ".join(fold_plural(w) for w in na.split())
    fb = " ".join(fold_plural(w) for w in nb.split())
    if fa == fb or f" {fa} " in f" {fb} " or f" {fb} " in f" {fa} ":
        return True
    wa, wb = fa.split(), fb.split()
    if wa[-1] == wb[-1] and len(wa) > 1 and len(wb) > 1:  # "SE tax" beside "self-employment tax"
        wa, wb = wa[:-1], wb[:-1]
    if len(wa) == 1 and len(wb) >= 2 and wa[0] == _initials(wb):
        return True
    return len(wb) == 1 and len(wa) >= 2 and wb[0] == _initials(wa)


# a number that is part of a name: glued to letters ("L2", "GPT-4", "H100", "P2P") or after a word that numbers
# things ("Form 709", "§1091"); not a unit ("4GB", "3x", "10k", "5th"); or a whole answer naming a place in a sequence
# by its number ("page 1", "year 1", "criterion 3": judged blind in sets AZ and BB, "page 2/3/4" beside "page 1", a
# "criterion 4" that does not exist)
_NUMBERED_NAME_RE = re.compile(
    r"[A-Za-z]-?\d|\d(?!(?:st|nd|rd|th|px|ms|km|kg|[kKmMbBxXhs]|[kKMGT]B|pm|am)\b)[A-Za-z]{1,2}\b|§|\d-[A-Z]{1,4}\b"
    r"|\b(?:Form|Section|Schedule|Publication|Pub|Rule|Article|Chapter|Title|Version|Episode|Ep|No)\.? ?#?\d"
    r"|^\s*(?i:page|year|day|week|month|step|stage|round|level|season|phase|criterion|box|line|item|tier|test)"
    r"\s*#?\d+\s*$"
)


def number_variants(answer: str) -> list[str]:
    """Plausible wrong numbers for a term with one number in it, in the same format, nearest first: ``6.2%`` ->
    ``6.7%``, ``5.7%``, ``7.2%``.

    Used when the notes offer no other numbers of the same kind; never returns the answer itself.
    """
    ladder = NumberLadder.of(answer)
    if ladder is None:
        return []
    out: list[str] = []
    for rung in (1, -1, 2, -2, 3, -3, 4, -4):
        variant = ladder.rung(rung)
        if variant is not None and variant not in out:
            out.append(variant)
    return out[:6]


# a duration's unit, and the step its ladder takes when the key is a multiple of it ("48 hours": by 12)
_CLOCK_UNIT_RE = re.compile(r"\d\s*(hours?|hrs?|months?|mos?|days?)\b", re.I)
_CLOCK_BASES = {"ho": 12, "hr": 12, "mo": 3, "da": 7}
_DATED_NAME_RE = re.compile(r"[^\d()]*[A-Za-z][^\d()]*\(\s*(?:1[5-9]|20)\d\d\s*\)")  # "TCJA (2017)"
# (not "~1500", a rough figure; nor "IoU ≥ 0.5", a rule's threshold, but "took in > $30M" after a word)
# (judged blind in set AY: "fewer than ~_____ firmly attributed" made false with 10 for 20, which stays true)
_BOUND_BEFORE_RE = re.compile(
    r"(?:\b(?:more than|over|after|since|at least)|(?<=[a-z]{2} )[>≥])\s*$"
    r"|(?:\b(?:fewer than|less than|no more than|at most|under|below)|(?<=[a-z]{2} )[<≤])\s*~?\s*$",
    re.I,
)
_AGE_BEFORE_RE = re.compile(r"\b(?:age|aged|ages|until|turn|turns|turning)\s*$", re.I)
# a number written with thousands: 1,030 or 12,500.5
_GROUPED_RE = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")
# steps a number ladder climbs by: 1, 2, 5, 10, 20, 50, ... (in units of the key's last digit)
_NICE_STEPS = tuple(m * 10**e for e in range(12) for m in (1, 2, 5))


# a rough figure: "after ~1500", "around 1500", "c. 1500"
_ROUGH_BEFORE_RE = re.compile(r"(?:~|≈|\b(?:about|around|roughly|circa|approximately|c\.))\s*$", re.I)


class NumberLadder:
    """Wrong numbers evenly spaced around a key, in the key's format: ``15%`` on a ladder of 5s (5%, 10%, 20%,
    25%), ``$60,000`` of $20,000s, a year of 1s, 5s or 10s as round as it is, ``64`` of doublings (a width).

    The rungs are even, so the key can sit at any rank among its options: doubling and halving made it always the
    middle one. A rung that no one would write (0 or less, a share over 100%, "December 32", a rate under 1 pushed
    over 1, a trailing zero the key lacks, "1 weeks") is None."""

    def __init__(self, answer: str, raw: str, decimals: int, units: int, step: int, ratio: int):
        self.answer, self.raw, self.decimals, self.units, self.step, self.ratio = (
            answer,
            raw,
            decimals,
            units,
            step,
            ratio,
        )
        self.percent = answer_kind(answer) == PERCENT
        # "21 Nov", "Nov 21", "December 31": a day of a month ("20 May" is no DATE to answer_kind, day first)
        self.day = _month_named(answer) and units <= 31  # not "Dec 2024": a month of a year moves by years
        self.century = _CENTURY_RE.search(answer) is not None
        # a year's ladder: the last year that has been (a later one is no slip of memory)
        self.latest: int | None = None

    @classmethod
    def of(
        cls,
        answer: str,
        *,
        age: bool = False,
        rough: bool = False,
        width: bool = True,
        version: bool = False,
    ) -> NumberLadder | None:
        """``width``: the blank may be a width or a size (a power of two climbs by doublings: 64, 128, 256);
        ``version``: it is a release ("since git _____": 2.44 moves by its minor number, 2.42, 2.46)."""
        numbers = _NUMBER_IN_TEXT_RE.findall(answer)
        if _DATED_NAME_RE.fullmatch(answer.strip()):
            # judged blind in set BS: "TCJA (2017)" beside "TCJA (2013)", "TCJA (2015)", "TCJA (2019)": the name is
            # the answer, its year in brackets no option to vary
            return None
        if len(numbers) != 1 or _NUMBERED_NAME_RE.search(answer):
            return (
                None  # "L2", "GPT-4", "Form 709", "§1091": a name's number; another is no name at all ("L3")
            )
        raw = numbers[0]
        if "," in raw and not _GROUPED_RE.fullmatch(raw):
            return None  # "-L 10,30": two numbers (lines 10 to 30), no thousands (set BG: "-L 930", "-L 830")
        if _NINES_RE.fullmatch(raw) and ("%" in answer or "percent" in answer):
            return _Nines(answer, raw)  # "99.9%": one nine more or less (99%, 99.99%), never 89.9%
        if version and "." in raw:
            decimals = len(raw.split(".")[1])
            return cls(answer, raw, decimals, int(raw.replace(".", "")), 2, 1)
        decimals = len(raw.split(".")[1]) if "." in raw else 0
        units = int(raw.replace(",", "").replace(".", ""))
        if units <= 0:
            return None
        if _month_named(answer) and units <= 31 and _MONTH_EDGE_RE.search(answer):
            # judged blind in set AJ: "by Dec 31" offered Dec 25, 27 and 29; a month's first or last day is a
            # deadline by convention, and days beside it are no slip of memory
            return None
        if units <= 31 and decimals == 0 and _month_named(answer) and answer_kind(answer) != DATE:
            return cls(answer, raw, 0, units, 5 if units % 5 == 0 else 2, 1)  # "20 May": 15 May, 25 May
        # "2007 quant quake", "nov 1943", "mid 1944": a year inside words moves as a year, never to 1343
        year_led = answer.strip() != raw and _YEAR_LED_RE.fullmatch(raw) is not None and "," not in raw
        if (
            (answer_kind(answer) == DATE or year_led)
            and not (answer.strip() == raw and _power_of_two(units) and width)
        ):  # 2048: a width (unless nothing near it measures one: "overweight by 2048"); "2007 quant quake": an event
            # a year is exact: its near neighbours are the slips of memory ("the Gulf War, 1991": 1989 or 1993,
            # never 1970); but not the next year, which an event spanning two ("1990–91") makes true too (judged
            # blind: "1990" beside the key 1991 was a second correct option); a decade moves by decades
            decade = re.search(r"\d0['’]?s\b", answer)
            step = 10 if decade else 5 if _month_named(answer) and units % 5 == 0 else 2
            if rough and answer.strip() == raw:
                # "after ~1500": a rough date moves by its roundness (1400, 1600), never to 1499 or 1501; "~1503" by
                # tens (judged blind in set AY: 1502 and 1504 beside "~1503" were as right as the key)
                step = next((r for r in (100, 50, 10) if units % r == 0), 10)
            ladder = cls(answer, raw, decimals, units, step, 1)
            year = this_year()
            if decimals == 0 and 1000 <= units <= year:
                # judged blind in set AH: "the _____ reconciliation act" (2025) beside 2027, 2029 and 2031, years no
                # one has lived yet: a past year's options are past years too
                ladder.latest = year
            return ladder
        if _CENTURY_RE.search(answer):
            return cls(answer, raw, decimals, units, 1, 1)  # "20th-c": the 19th or the 18th, one at a time
        if answer.strip() == raw and len(raw) >= 4 and raw.isdigit() and not _power_of_two(units):
            return None  # "via 8332": a bare number of four digits or more, no unit nor comma, names a form or a port
        if age and decimals == 0 and units < 130:
            # a person's age moves by years ("at age 70": 65, 75, never 110 or 130), by fives when it is round
            return cls(answer, raw, decimals, units, 5 if units % 5 == 0 else 1, 1)
        if decimals == 0 and _power_of_two(units) and width:
            return cls(answer, raw, decimals, units, 0, 2)
        if rough:
            # "before age ~_____" (13 months): a rough figure's neighbours are no slip of memory, they are as right
            # (judged blind in set AY: 12, 14 beside "~13 months"); a third of it or more away
            return cls(answer, raw, decimals, units, max(_step(units), _nearest_nice(units / 3)), 1)
        if decimals == 0 and (clock := _CLOCK_UNIT_RE.search(answer)):
            # judged blind in set BV: "48 hours" offered 43, 53 and 58 hours: hours go by half days and days, months
            # by quarters and years, days by weeks, when the key does
            base = _CLOCK_BASES[clock.group(1)[:2].lower()]
            if units % base == 0 and units >= base * 2:
                return cls(answer, raw, decimals, units, base * (2 if units >= base * 8 else 1), 1)
        return cls(answer, raw, decimals, units, _step(units), 1)

    def rung(self, k: int) -> str | None:
        """The ``k``-th rung above the key (below it when negative), or None when no one would write it."""
        if k == 0:
            return None
        if self.ratio > 1:
            other = self.units * self.ratio**k if k > 0 else self.units // self.ratio**-k
            if other * self.ratio**-k != self.units and k < 0:
                return None
        else:
            other = self.units + k * self.step
        scale = 10**self.decimals
        value, key = other / scale, self.units / scale
        if other <= 0 or (self.percent and key <= 100 < value) or (key < 1 <= value and not self.percent):
            return None  # nor a share above 100% where the key is a share, nor a rate under 1 pushed over 1
        if self.day and not 1 <= value <= _days_in(self.answer):
            return None  # "December 32" is no day
        if self.century and not 1 <= value <= _THIS_CENTURY:
            return None  # "the big 30th-c. catastrophes": no century to come is a slip of memory
        if self.latest is not None and value > self.latest:
            return None
        text = f"{value:,.{self.decimals}f}" if "," in self.raw else f"{value:.{self.decimals}f}"
        if self.decimals and text.endswith("0") and not self.raw.endswith("0"):
            return None  # "15.30%" beside "7.65%": a trailing zero no one writes gives it away
        variant = self.answer.replace(self.raw, text, 1)
        if _ORDINAL_RE.match(self.answer, self.answer.find(self.raw) + len(self.raw)):
            at = variant.find(text) + len(text)  # "20th" -> "21st", never "21th"
            variant = variant[:at] + _ordinal(int(value)) + variant[at + 2 :]
        if re.fullmatch(r"1\s+[a-z]+s", variant.split("(")[0].strip()) and not re.match(r"1\b", self.answer):
            return None  # "1 weeks": a plural unit after one reads wrong and gives the option away
        return variant if normalise(variant) != normalise(self.answer) else None

    def window(self, count: int, rank: int, fits: Callable[[str], bool]) -> list[str]:
        """``count`` rungs with the key at ``rank`` among them and the rest (0: the key is the smallest), all
        fitting; the nearest rank that works when that one does not; the nearest fitting rungs when none does."""
        for r in sorted(range(count + 1), key=lambda r: (abs(r - rank), r)):
            rungs = [self.rung(k) for k in range(-r, count - r + 1) if k]
            if all(v is not None and fits(v) for v in rungs):
                return rungs
        near = (self.rung(k) for k in (1, -1, 2, -2, 3, -3, 4, -4))
        return [v for v in near if v is not None and fits(v)][:count]


# what makes a power of two a width or a size: a unit or a word of sizes beside the blank ("_____ heads", "d = _____")
_WIDTH_NEAR_RE = re.compile(
    r"\b(?:bits?|bytes?|[kmgt]i?b|dims?|dimensions?|heads?|layers?|channels?|tokens?|experts?|gpus?|cores?|threads?|"
    r"batch|width|size|hidden|embedding|d_model|vocab|context|rank|group|block|patch|filters?|units|neurons|seq|len|"
    r"length|sequence|window)\b|"
    r"\b[dkhn]\s*=",
    re.I,
)
# tools whose releases notes cite by number
_TOOLS = "git|python|pytorch|numpy|node|rust|django|postgres|sqlite|linux"
# a release: "since git _____", "Python _____", "v_____"
_VERSION_BEFORE_RE = re.compile(
    rf"(?:\b(?:{_TOOLS}|torch|version|release|go|java|ruby|postgresql|kernel|ios|android|macos)\s*(?:≥|>=)?\s*|\bv)$",
    re.I,
)
# "`git format-patch --range-diff` came in _____": a tool's release, named earlier in the sentence
_RELEASE_WORDS_RE = re.compile(rf"\b(?:{_TOOLS}|gits)\b", re.I)
# (judged blind in sets AU and AV: "reverted in _____", "Old gits, before ~_____" offered "2.67", "1.73")
_RELEASED_RE = re.compile(
    r"\b(?:came in|added in|arrived in|landed in|since|as of|from|until|introduced in|new in|reverted in|removed in|"
    r"dropped in|deprecated in|fixed in|released in|before|after)\s*~?\s*$",
    re.I,
)
# a bare whole number: a count or a model number ("~13", "386", "1,200"), no unit, share or decimals
_BARE_COUNT_RE = re.compile(r"~?\d{1,3}(?:,\d{3})*")
_YEAR_LED_RE = re.compile(r"(?:1[5-9]|20)\d\d\b(?![.,]\d)")
_NINES_RE = re.compile(r"9{2,}(?:\.9+)?")


class _Nines:
    """The ladder of a reliability in nines: 99.9 gives 99, 99.99, 99.999 (and 99.5), not 89.9 or 69.9."""

    def __init__(self, answer: str, raw: str):
        self.answer, self.raw = answer, raw
        nines = raw.replace(".", "").count("9")
        forms = {n: "99" if n == 2 else "99." + "9" * (n - 2) for n in range(2, 7)}
        self._rungs = {k: forms.get(nines + k) for k in (-4, -3, -2, -1, 1, 2, 3, 4)}
        if self._rungs[-1] is None and nines == 2:
            self._rungs[-1] = "95"

    def rung(self, k: int) -> str | None:
        value = self._rungs.get(k)
        return None if value is None else self.answer.replace(self.raw, value, 1)

    def window(self, count: int, rank: int, fits: Callable[[str], bool]) -> list[str]:
        near = (self.rung(k) for k in (1, -1, 2, -2, 3, -3, 4, -4))
        return [v for v in near if v is not None and fits(v)][:count]


# a plural noun right after a blank ("_____ candidates", "_____ people"), no unit a fraction could take
_PLURAL_AFTER_RE = re.compile(
    r"\s+(?:[a-z-]+ )?(?!(?:this|thus|plus|always|perhaps|was|has|does|goes|gets|makes|takes|gives)\b)"
    r"(?:people|men|women|children|[a-z]{2,}[^s\W]s)\b"
)
# a singular unit right after a blank whose key is one ("within _____ year of the due date")
_SINGULAR_UNIT_AFTER_RE = re.compile(
    r"\s+(?:year|month|week|day|hour|minute|second|night|time|person|child|page|step|round|share|vote)\b(?!['’])"
)
# a month's first or last day: "Dec 31", "31 December", "April 30", "1 Jan"
_MONTH_EDGE_RE = re.compile(
    r"\b(?:(?:Jan|Mar|May|Jul|Aug|Oct|Dec)[a-z]*\.? 31|(?:Apr|Jun|Sep|Nov)[a-z]*\.? 30|[A-Z][a-z]+\.? 1)\b"
    r"|\b(?:31 (?:Jan|Mar|May|Jul|Aug|Oct|Dec)|30 (?:Apr|Jun|Sep|Nov)|1 [A-Z][a-z]+)"
)
# "20th-c", "the 19th century", "5th c.": a century by its ordinal
_CENTURY_RE = re.compile(r"\b\d{1,2}(?:st|nd|rd|th)\b[- ]?(?:c\b|c\.|cent)", re.I)
_ORDINAL_RE = re.compile(r"(?:st|nd|rd|th)\b")
_THIS_CENTURY = 21


def this_year() -> int:
    """The current year (``$KB_NOW``'s in tests): the last a past event's year can be."""
    return clock.now().year


def _ordinal(n: int) -> str:
    if 10 <= n % 100 <= 20:
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _step(units: int) -> int:
    """A ladder's step, in units of the key's last digit: about a quarter of a round key, on its roundness
    (30 -> 10, 15 -> 5, 60,000 -> 20,000), about a tenth of an exact one (73 -> 5, 7.65 -> 1.00)."""
    roundness = max(d for d in _NICE_STEPS if d <= units and units % d == 0)
    if roundness * 10 < units:  # an exact figure: a near one is a slip of memory
        return _nearest_nice(units / 10)
    step = _nearest_nice(units / 4)
    if step > roundness:
        return -(-step // roundness) * roundness  # a multiple of it: every option as round as the key
    # the roundness itself when the key is at least two of it (300 by 100s), else its largest divisor that is
    return max((d for d in _NICE_STEPS if d * 2 <= units and units % d == 0), default=1)


def _nearest_nice(target: float) -> int:
    return min(_NICE_STEPS, key=lambda d: abs(math.log(d / max(target, 1))))


def _power_of_two(value: float) -> bool:
    return value >= 16 and value == int(value) and int(value) & (int(value) - 1) == 0


def pick_distractors(
    corpus: Corpus,
    askable: AskableCard,
    *,
    answer: str,
    question: str,
    term: bool,
    want: int,
    made_up_counts: bool = True,
) -> list[str]:
    """Up to ``want`` plausible wrong answers: the note, then the rest of the quiz's scope, most similar first.

    ``term``: the answer is a short term (other terms of its kind are its distractors), not a sentence (other
    answers are). A term is offered only terms of its kind and grammatical number (:mod:`kb.quiz.answerkind`); a
    number, amount, percentage or date also its own variants (73 -> 74) before notes further away. The quiz's scope
    bounds the search: a one-note quiz draws only on its note, a tag's or type's quiz on the notes of that tag or
    type, a quiz over everything on the note, then notes sharing one of its tags, then the knowledge base.

    ``made_up_counts``: a bare whole number (a count, a model number) may be offered its own ladder (3 -> 2, 4, 5);
    else only numbers the scope holds stand beside it.
    """
    search = DistractorSearch(askable.card, answer=answer, question=question, term=term, want=want)
    note = askable.card.note
    search.synonyms = note_synonyms(corpus.cards(note), answer)
    # A generated card's sentence is offered only other sentences of its note: a definition from another note is
    # about something else, and its topic gives it away. Questions a user wrote draw on the scope's like questions.
    far = term or not askable.card.generated
    kind = search.kind if term else NAME
    if kind == NAME and term and " " not in answer and not answer.isupper():
        kind = TERM  # a single capitalised word ("Sam", "Anchoring"): from another note, "Homo" or "Nobel"
    tiers = _scope_tiers(corpus, note, search.search_words, kind) if far else []
    # A generated card's sentence is offered other answers only, never other bullets' statements: a statement
    # beside definitions ("Typical embeddings have 300 dimensions." for "what is the famous analogy?") is no answer.
    loose = not term and not askable.card.generated
    for strict in (True, False) if loose else (True,):
        search.take(corpus, [note], strict=strict)
        if search.numeric:
            search.add_number_variants(made_up_counts=made_up_counts)
        for notes in tiers:
            if not search.wanting:
                break
            search.take(corpus, notes(), strict=strict)
        if not search.wanting:
            break
    return search.chosen


def _scope_tiers(corpus: Corpus, note: str, words: list[str], kind: str) -> list[Callable[[], list[str]]]:
    """The notes searched after the question's own, nearest first, never outside the quiz's scope (as calls: the
    full-text searches run only when the nearer notes did not give enough).

    A plain term (a lower-case noun phrase) is offered terms of its own note only, even in a tag's quiz: a term from
    another book or episode ("kind environments" for "human species", "sunk cost fallacy" for "application") does
    not fit the sentence and gives the key away. Names, commands, formulas and numbers are offered their like from
    the notes of the quiz's tag or type, or (a quiz over everything) from notes sharing a tag, then from the note's
    folder; never from the rest of the knowledge base."""
    scope = getattr(corpus, "scope", None)
    if (scope is not None and scope.note) or kind in (TERM, PHRASE):
        return []
    if scope is not None and scope.tag:
        return [lambda: corpus.similar_notes(note, words, tags=(scope.tag,), note_type=scope.type)]
    if scope is not None and scope.type:
        return [lambda: corpus.similar_notes(note, words, tags=None, note_type=scope.type)]
    folder = note.rpartition("/")[0]
    return [
        lambda: corpus.similar_notes(note, words, tags=corpus.tags(note)),
        lambda: [n for n in corpus.similar_notes(note, words, tags=None) if n.rpartition("/")[0] == folder],
    ]


class DistractorSearch:
    """One question's search: what it asks, what it is about, and the wrong answers chosen so far."""

    def __init__(self, card: CardRow, *, answer: str, question: str, term: bool, want: int):
        self.card = card
        self.answer = answer
        self.term = term
        self.want = want
        self.kind = answer_kind(answer)
        self.numeric = term and self.kind in NUMERIC_KINDS
        self.chosen: list[str] = []
        self.seen = {normalise(answer)}
        self.words = content_words(question + " " + answer)
        self.search_words = sorted(self.words, key=lambda w: (-len(w), w))[:_SEARCH_WORDS]
        # What the question is about: a wrong answer that mentions all of it is likely another true fact about it.
        self.subject = content_words(question) - content_words(answer)
        # the note's title: a word of it ("Rogan" in "Naval Ravikant on the Joe Rogan Experience") is what the
        # note is about or who made it, never a plausible wrong answer to a question inside it
        self.title_words = content_words(card.context.partition(" > ")[0]) - content_words(answer)
        self.asked = f" {normalise(question)} "
        # a sentence answer's folded words and the question's: another card's answer that shares much of either
        # answers the same question (a written card and a key point of one fact): two right options
        self.answer_words = _folded_words(answer) if not term else frozenset()
        self.question_words = _folded_words(question) - _QUESTION_WORDS if not term else frozenset()
        # The words on either side of the blank: "traditional IRA" in "_____ IRAs" would read "traditional IRA IRAs"
        before, _, after = question.partition(BLANK)
        self.before, self.after = before, after
        self.neighbours = (_edge_word(before, last=True), _edge_word(after, last=False))
        self.synonyms: frozenset[str] = frozenset()  # other names the note gives the key
        self.bounds = _range_bounds(before, after, answer) if self.numeric else (None, None)
        # "took in more than _____", "After _____ he worked ...", "for _____+ years": a bound, which another number on the
        # right side of it keeps true (judged blind in set AC: "> $20M" beside the key "$30M", two right options)
        self.bound = self.numeric and (after.startswith("+") or _BOUND_BEFORE_RE.search(before) is not None)
        # "September _____": only a day of a month fits the blank.
        self.day_of_month = self.numeric and (
            self.neighbours[0] in _MONTH_NAMES or self.neighbours[1] in _MONTH_NAMES  # "_____ Dec 2034"
        )
        # "Harari calls the _____ ...": a capitalised key inside a sentence is a name; a term capitalised only to
        # look like it ("Social proof" beside "Agricultural Revolution") gives the key away.
        self.capital_slot = (
            term
            and answer[:1].isupper()
            and bool(before.strip())
            and not _SENTENCE_END_BEFORE_RE.search(before)
        )

    @property
    def wanting(self) -> bool:
        return len(self.chosen) < self.want

    def add_number_variants(self, *, made_up_counts: bool = True) -> None:
        """Fill the options left with rungs of the key's ladder, the key at a rank its card fixes (the same
        question has the same options; across questions the key is as often the smallest as the largest).

        Without ``made_up_counts``, a bare whole number that is no year, age or width gets no rungs: judged blind
        in sets AQ to AV, a count or model number among made-up neighbours was a good question 61% of the time
        (33 of 54; "436" beside the 386, "Super Mario Bros. 4", a count the prompt's range gives), against 87% for a
        number asked as a fill-in."""
        age = _AGE_BEFORE_RE.search(self.before) is not None
        ladder = NumberLadder.of(
            self.answer,
            age=age,
            rough=_ROUGH_BEFORE_RE.search(self.before) is not None,
            width=_WIDTH_NEAR_RE.search(f"{self.before[-40:]} {BLANK} {self.after[:25]}") is not None,
            version=_VERSION_BEFORE_RE.search(self.before) is not None
            or (
                _RELEASE_WORDS_RE.search(self.before) is not None
                and _RELEASED_RE.search(self.before) is not None
            ),
        )
        if ladder is None or not self.wanting or self.bound:
            return  # "for _____+ years": a lower bound, which every smaller option makes true too
        if (
            not made_up_counts
            and not age
            and isinstance(ladder, NumberLadder)  # (not "99.9%", a reliability's nines)
            and ladder.ratio == 1
            and _BARE_COUNT_RE.fullmatch(self.answer.strip())
            and answer_kind(self.answer) != DATE
        ):
            return
        count = self.want - len(self.chosen)
        rank = zlib.crc32(self.card.id.encode()) % (count + 1)
        for variant in ladder.window(count, rank, self.variant_fits):
            key = normalise(variant)
            if self.wanting and key not in self.seen:
                self.seen.add(key)
                self.chosen.append(variant)

    def variant_fits(self, variant: str) -> bool:
        if self.day_of_month and not is_day_of_month(variant):
            return False
        if variant.strip() in ("1", "one") and _PLURAL_AFTER_RE.match(self.after):
            return False  # "_____ people iterating": "1 people" reads wrong and is ruled out (judged blind in set AF)
        if self.answer.strip() in ("1", "one") and _SINGULAR_UNIT_AFTER_RE.match(self.after):
            return False  # "within _____ year": "2 year" reads wrong and gives itself away (judged blind in set AW)
        key = normalise(variant)
        label = self.neighbours[0]
        number = _NUMBER_IN_TEXT_RE.search(variant)
        if label and number and f" {label} {number.group(0)} " in self.asked:
            return False  # "box 1 interest, box 2 principal, box _____ points": box 2 is shown to be something else
        # "about _____ to 6 hours": 6 is shown, and only a number under 6 reads
        return f" {key} " not in self.asked and self.in_range(variant) and key not in self.seen

    def counts_alike(self, number: str, statement: str) -> bool:
        """Whether another card's number counts what the blank counts: the same word after it ("148 studies" for
        "_____ studies") or before it ("age 65" for "age _____"). A figure of the note that counts something else
        ("65" of "men under 65" for an IQ, "15 cigarettes" for a number of studies) was ruled out at sight; the
        key's own ladder is offered instead. A number that carries its unit is judged by its form
        (:func:`same_form`)."""
        if not _DIGITS_RE.fullmatch(number.strip()) and not _DURATION_RE.fullmatch(number.strip()):
            return True  # "$400", "25%": its unit is in it
        # a bare number, or a duration ("~1,000 years ago" is no span of "lasted ~_____": judged blind, the ages of
        # Old English and of the pyramids were offered for each other), counts what the blank counts only with the
        # same word beside it
        at = statement.find(number)
        if at < 0:
            return False
        mine = (_content_word_near(self.before, last=True), _content_word_near(self.after, last=False))
        theirs = (
            _content_word_near(statement[:at], last=True),
            _content_word_near(statement[at + len(number) :], last=False),
        )
        return any(m and m == t for m, t in zip(mine, theirs, strict=True))

    def another_case(self, number: str, statement: str) -> bool:
        """Whether another card's number is the same quantity in another case of the rule: the words after it are
        the blank's ("110% of last year's tax if AGI was over $150,000" for "_____ of last year's tax"), three
        content words or more. Judged blind in set BE: offered beside the key 100%, 110% was right as well."""
        at = statement.find(number)
        if at < 0:
            return False
        mine = _following_words(self.after)
        return len(mine) >= _SAME_CASE_WORDS and _following_words(statement[at + len(number) :]) == mine

    def in_range(self, text: str) -> bool:
        """Whether a number fits the range its blank opens or closes: under 6 in "_____ to 6", over 5 in "5 to
        _____" (and with a dash: "_____-6")."""
        low, high = self.bounds
        if low is None and high is None:
            return True
        m = _NUMBER_IN_TEXT_RE.search(text)
        if not m:
            return True
        value = float(m.group(0).replace(",", ""))
        return (low is None or value > low) and (high is None or value < high)

    def stock(self, other: AskableCard, strict: bool) -> list[str]:
        """What another card offers as wrong answers to this question."""
        card = self.card
        if other.card.id == card.id or (card.sibling and other.card.sibling == card.sibling):
            return []
        if self.term:
            if word_overlap(other.statement, " ".join(self.words)) >= _SAME_FACT_OVERLAP:
                return []  # a card stating the same fact: its terms may well be right here too
            found = list(other.terms) + list(other.spans)
            if self.numeric:
                found = [
                    t
                    for t in found
                    if self.counts_alike(t, other.statement) and not self.another_case(t, other.statement)
                ]
            return found
        # Answers to other questions first; statements (key points, cloze sentences) only when those run out.
        text = other.answer if strict else (other.answer or other.statement)
        return [text] if text and not is_termlike(text) else []

    def acceptable(self, text: str, strict: bool) -> bool:
        answer, term = self.answer, self.term
        if len(text) > MAX_OPTION_CHARS or same_thing(answer, text, term=term):
            return False
        if self.subject and self.subject <= content_words(text):
            return False
        if term and self.title_words and (words := content_words(text)) and words <= self.title_words:
            return False
        if not term:
            return not self.answers_it_too(text) and (not strict or shape_ok(answer, text, term=False))
        if f" {normalise(text)} " in self.asked:
            return False  # a term the question itself shows is plainly not what it hides
        if not same_kind(answer, text) or not shape_ok(answer, text, term=True):
            return False
        if not same_form(answer, text) or (self.day_of_month and not is_day_of_month(text)):
            return False
        if self.numeric and (self.bound or not self.in_range(text)):
            return False
        if (
            self.numeric
            and answer_kind(answer) != DATE
            and not _same_magnitude(answer, text, _NOTE_FIGURE_MAGNITUDE)
        ):
            # judged blind in set V: "$14,600" (a standard deduction) for a "$1,950" extra, "$50" a night for a "$470"
            # yearly cap: a figure of the note this far from the key measures something else
            return False
        if self.kind == PERCENT and _whole_or_none(text) and not _whole_or_none(answer):
            # judged blind in set AH: "taxed at up to _____" (28%) beside the note's "100%" (an exclusion): all or
            # nothing is no rate a slip of memory gives
            return False
        if self.synonyms and normalise(text) in self.synonyms:
            return False  # "staging area" for "index": the note says one is the other
        if re.search(r"\w['’]s$", text) and not re.search(r"\w['’]s$", answer):
            return False  # "FBI's": a possessive is no name
        if " and " in text and " and " not in answer:
            return False  # "February and March", "April and May": two things where the blank holds one
        if "," in text and "," not in answer:
            return False  # "Click, whirr": two things where the blank holds one
        if self.capital_slot and not text[:1].isupper():
            return False
        if self.kind in (NAME, TERM) and len(answer.split()) > 1 and len(text.split()) == 1:
            return False  # "Agricultural Revolution" is offered names of two words or more, not "English"
        if self.kind == NAME and len(answer.split()) == 1 < len(text.split()):
            return False
        if self.kind == NAME and bool(_INNER_CAPITAL_RE.search(answer)) != bool(
            _INNER_CAPITAL_RE.search(text)
        ):
            return False  # "WordPiece" beside "SentencePiece", not "English"
        words = normalise(text).split()
        before, after = self.neighbours
        return not (words and (fold_plural(words[-1]) == after or fold_plural(words[0]) == before))

    def answers_it_too(self, text: str) -> bool:
        """Whether a sentence says much of what the key says (two fifths of the words of the shorter of the two), or
        a fifth of them and half of the question's words: another card's answer to the same question ("A commit
        points to one tree (the full snapshot, not a diff) ..." beside "A snapshot: it points to a tree ...")."""
        words = _folded_words(text)
        shared = len(words & self.answer_words) / (min(len(words), len(self.answer_words)) or 1)
        if shared >= _SAME_ANSWER_SHARE:
            return True
        asked = len(words & self.question_words) / (len(self.question_words) or 1)
        return shared >= _SAME_ANSWER_SHARE / 2 and asked >= _SAME_QUESTION_SHARE

    def ranked(self, corpus: Corpus, notes: Iterable[str], strict: bool) -> list[str]:
        """The acceptable candidates of ``notes``, best first (ties in the notes' order)."""
        answer, words = self.answer, self.words
        scored: list[tuple[float, str]] = []
        for note in notes:
            for other in corpus.cards(note):
                for text in self.stock(other, strict):
                    if not self.acceptable(text, strict):
                        continue
                    cw = content_words(text)
                    overlap = len(words & cw) / (len(words | cw) or 1)
                    length = min(len(text), len(answer)) / max(len(text), len(answer), 1)
                    same_card_kind = 0.3 if other.card.kind == self.card.kind else 0.0
                    scored.append((overlap + 0.5 * length + same_card_kind, text))
        scored.sort(key=lambda s: -s[0])  # stable: equal scores keep the notes' order
        return [text for _score, text in scored]

    def take(self, corpus: Corpus, notes: Iterable[str], *, strict: bool) -> None:
        """Add the best candidates of ``notes`` until enough are chosen, skipping near-duplicates."""
        if not self.wanting:
            return
        for text in self.ranked(corpus, notes, strict):
            if not self.wanting:
                return
            key = normalise(text)
            if key in self.seen or any(same_thing(text, c, term=self.term) for c in self.chosen):
                continue
            if not self.term and any(_says_as_much(text, other) for other in (self.answer, *self.chosen)):
                continue  # two options saying nearly the same thing: one of them is right or both are wrong
            self.seen.add(key)
            self.chosen.append(text)


_RANGE_AFTER_RE = re.compile(r"^\s*(?:to|-|–)\s*[$€£]?(\d[\d,]*(?:\.\d+)?)")
_RANGE_BEFORE_RE = re.compile(r"(\d[\d,]*(?:\.\d+)?)\s*(?:%|[a-z]+)?\s*(?:to|-|–)\s*[$€£]?$")


_SYNONYM_LINK = r"\s*(?:,\s*)?(?:\(\s*|aka\s+|a\.k\.a\.?\s+|also called\s+|also known as\s+|i\.e\.?,?\s+|or\s+)(?:the\s+)?"


def note_synonyms(cards: Iterable[AskableCard], answer: str) -> frozenset[str]:
    """Other names a note gives ``answer``: "the index, aka the staging area", "staging area (the index)", "HSA or
    health savings account". Either name would be a right option."""
    key = fold(answer)
    if not key.strip():
        return frozenset()
    found = set()
    for card in cards:
        text = fold(card.statement)
        at = text.find(key)
        while at >= 0:
            end = at + len(key)
            whole = (at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "-")) and not (
                end < len(text) and text[end].isalnum() and text[end] not in "se"
            )
            if whole:
                m = _SYNONYM_AFTER_RE.match(
                    text, end + (2 if text.startswith("es", end) else 1 if text.startswith("s", end) else 0)
                )
                if m:
                    found.add(normalise(m.group(1)))
                m = _SYNONYM_BEFORE_RE.search(text[max(0, at - 60) : at])
                if m:
                    words = normalise(m.group(1)).split()
                    found.update(" ".join(words[-n:]) for n in range(1, min(len(words), 4) + 1))
            at = text.find(key, end)
    return frozenset(found)


_SYNONYM_AFTER_RE = re.compile(_SYNONYM_LINK + r"([^,;:.()]{2,40})")
_SYNONYM_BEFORE_RE = re.compile(r"([^,;:.()]{2,40}?)" + _SYNONYM_LINK + r"$")


def _range_bounds(before: str, after: str, answer: str = "") -> tuple[float | None, float | None]:
    """The bounds a numeric blank inside a range sets: "_____ to 6" is under 6, "5 to _____" over 5; and a
    threshold beside other thresholds keeps its side of them: in "IoU ≥ 0.5 → positive, < _____ → background" the
    key 0.4 is under 0.5, and so must every option be (0.6 is ruled out by the prompt)."""
    high = _RANGE_AFTER_RE.match(after)
    low = _RANGE_BEFORE_RE.search(before)
    bounds = [
        float(low.group(1).replace(",", "")) if low else None,
        float(high.group(1).replace(",", "")) if high else None,
    ]
    key = _NUMBER_IN_TEXT_RE.search(answer)
    if key and _THRESHOLD_BEFORE_RE.search(before):
        value = float(key.group(0).replace(",", ""))
        for m in _THRESHOLD_RE.finditer(f"{before} {after}"):
            other = float(m.group(1).replace(",", ""))
            if other > value and (bounds[1] is None or other < bounds[1]):
                bounds[1] = other
            elif other < value and (bounds[0] is None or other > bounds[0]):
                bounds[0] = other
    return bounds[0], bounds[1]


# a blank that is a threshold ("< _____", "at least _____"), and the thresholds beside it ("≥ 0.5")
_THRESHOLD_BEFORE_RE = re.compile(r"(?:[<>≤≥]=?|=<|\b(?:under|below|above|over|at least|at most))\s*$")
_THRESHOLD_RE = re.compile(r"(?:[<>≤≥]=?|=<)\s*(\d[\d,]*(?:\.\d+)?)(?![\d.]*\s*_)")


def _following_words(text: str) -> tuple[str, ...]:
    """The content words among the first words after a number, up to a clause's end ("of last year's tax (...)"
    gives last, year, tax)."""
    head = re.split(r"[,;:(.]", text, maxsplit=1)[0]
    return tuple(
        w
        for w in (fold_plural(w) for w in normalise(head).split()[:_SAME_CASE_SPAN])
        if w in content_words(w)
    )


_SAME_CASE_WORDS = 3  # content words after two numbers that make them one quantity in two cases
_SAME_CASE_SPAN = 5  # words read after a number


def _content_word_near(text: str, *, last: bool, within: int = 3) -> str:
    """The content word nearest the edge of ``text`` (its end when ``last``), within a few words, plural folded:
    "IQ" for "an IQ of about", "studies" for "studies, ~308k people"."""
    words = normalise(text).split()
    near = words[::-1][:within] if last else words[:within]
    return next((fold_plural(w) for w in near if w not in STOP_WORDS and not w[:1].isdigit()), "")


def _edge_word(text: str, *, last: bool) -> str:
    words = normalise(text).split()
    if not words:
        return ""
    return fold_plural(words[-1] if last else words[0])


def is_day_of_month(text: str) -> bool:
    return text.strip().isdigit() and 1 <= int(text) <= 31


def noun_phrase_like(text: str) -> bool:
    """Whether a term reads as a whole noun phrase: no stray punctuation or code mark at an edge, no stop word or
    contraction at an edge ("squared error that's"), not a lone adjective or adverb ("happier")."""
    if not _EDGE_OK_RE.match(text) or text.count("(") != text.count(")") or text.count('"') % 2:
        return False
    words = text.split()
    for edge in {words[0], words[-1]}:
        if _CONTRACTION_RE.search(edge) or edge in STOP_WORDS or edge.lower() in ARTICLES:
            return False  # a capitalised "He" or "It" may be a name ("He initialization"); "The" is not
    last = words[-1]
    return not (last.islower() and last.isalpha() and len(last) > 5 and last.endswith(_ADJECTIVE_ENDINGS))


def number_shape(text: str) -> str:
    """A number's written form with its digits left out, plurals folded: ``43 minutes`` -> ``# minute``,
    ``14°C`` -> ``#°c``, ``W-4`` -> ``w-#``."""
    shape = _DIGITS_RE.sub("#", text.strip().lower())
    return " ".join(fold_plural(w) for w in shape.split())


def _sigil(text: str) -> str:
    return text[:1] if text[:1] in "@#~.:/-" else ""


def same_form(answer: str, candidate: str) -> bool:
    """Whether ``candidate`` has the written form of ``answer`` beyond its kind, so that its shape gives nothing away:
    the same leading mark ("@calls" beside "@home", not "Project"); a number written the same way, bare beside
    bare and with the same unit ("43 minutes" beside "40 minutes", not "40", "W-4" nor "2-4"); a command line beside command lines, a
    path or code token beside its like; a term read as a whole noun phrase."""
    if _sigil(answer) != _sigil(candidate):
        return False
    if bool(_NUMBER_RANGE_RE.search(answer)) != bool(_NUMBER_RANGE_RE.search(candidate)):
        return False  # "$150,000 – $165,000" is offered ranges, not "$23,500"
    if answer.rstrip().endswith("+") != candidate.rstrip().endswith("+"):
        return (
            False  # "$1,200+" (a threshold) beside "$1,500", "$3,000": the key alone said "or more" (set Y)
        )
    if answer_kind(answer) in NUMERIC_KINDS and bool(_WORD_IN_FIGURE_RE.search(answer)) != bool(
        _WORD_IN_FIGURE_RE.search(candidate)
    ):
        return False  # "permanent 100%" beside "80%", "7.65% SE tax" beside "15.3%" (sets AE and AK)
    kind = answer_kind(answer)
    if kind == NUMBER:
        return number_shape(answer) == number_shape(candidate) and _same_magnitude(answer, candidate)
    if kind == PERCENT:  # "90%" is no plausible markup cap beside "15%" (a share within a factor of five)
        return _same_magnitude(answer, candidate, _PERCENT_MAGNITUDE)
    if kind == AMOUNT:
        return _same_magnitude(answer, candidate)  # "$200,000" is no refundable part of a "$1,700" credit
    if kind == DATE:  # a year for a year, a day of a month for a day of a month ("December 31" is not "2024")
        return _month_named(answer) == _month_named(candidate) and _years_close(answer, candidate)
    if kind == NAME and _acronym(answer) != _acronym(candidate):
        return False  # "Sam" is offered names, not "IMVU" nor "IQ"
    if kind == COMMAND:
        return bool(_COMMAND_LINE_RE.match(answer)) == bool(_COMMAND_LINE_RE.match(candidate)) and code_shape(
            answer
        ) == code_shape(candidate)
    if kind == TERM:
        if _gerund(answer) != _gerund(candidate):
            return False  # "changing" beside "tree": a verb form is not offered for a thing, nor the reverse
        return noun_phrase_like(candidate) or not noun_phrase_like(answer)
    return True


_FILE_EXTENSIONS = frozenset(
    """py md txt json yaml yml toml csv tsv pt pth ckpt h5 keras onnx pkl log cfg ini sh js ts html css c h rs go
    java zip tar gz pdf png jpg jpeg svg db sqlite lock bin safetensors parquet ipynb xml conf env""".split()
)


def code_shape(code: str) -> str:
    """What a piece of code is, as a reader sees at a glance: a call ("model.eval()"), an option ("--ff-only"), a
    file name ("best.ckpt"), a command of a tool ("git pull", by its tool and subcommand), or a name. Judged blind:
    "val_loss" and "model.eval()" offered for a checkpoint's file name ruled themselves out."""
    text = code.strip().strip("`").strip()
    words = text.split()
    if not words:
        return ""
    if "(" in text:
        return "call"
    if text.startswith("-"):
        return "option"
    if len(words) == 1 and "." in text and text.rsplit(".", 1)[1].lower() in _FILE_EXTENSIONS:
        return "file"
    if len(words) > 1:
        return "command " + words[0]
    return "name"


# Two years further apart than this are not both plausible for one event ("Vaswani et al., 2048" beside 2017: 2048
# is a model's width that looks like a year).
_YEARS_APART = 30


def _years_close(a: str, b: str) -> bool:
    ya, yb = re.findall(r"\d{4}", a), re.findall(r"\d{4}", b)
    return not (ya and yb) or abs(int(ya[0]) - int(yb[0])) <= _YEARS_APART


# A bare number is offered numbers within this factor of it: "90" is no plausible hour beside "4 am".
_MAGNITUDE = 10


_PERCENT_MAGNITUDE = 5
_NOTE_FIGURE_MAGNITUDE = 5  # another card's figure offered for a key: within five times of it, either way
_NUMBER_RANGE_RE = re.compile(r"\d[\d,.]*\s*[%a-z]*\s*(?:–|—|-|to)\s*[$€£]?\d")


_DURATION_RE = re.compile(
    r"~?\d[\d,.]*\s?(?:years?|months?|weeks?|days?|hours?|minutes?|seconds?|decades?|centuries)", re.I
)


def _same_magnitude(a: str, b: str, factor: float = _MAGNITUDE) -> bool:
    na, nb = _NUMBER_IN_TEXT_RE.search(a), _NUMBER_IN_TEXT_RE.search(b)
    if not na or not nb:
        return True
    # "$15k" is fifteen thousand: "$50" and "$150" are no threshold beside it
    va = float(na.group(0).replace(",", "")) * scale_after(a, na.end())
    vb = float(nb.group(0).replace(",", "")) * scale_after(b, nb.end())
    if min(va, vb) <= 0:
        return max(va, vb) <= factor
    return max(va, vb) / min(va, vb) <= factor


_SCALE_AFTER_RE = re.compile(r"\s?(k|K|M|B|thousand|million|billion|trillion)\b")


def scale_after(text: str, end: int) -> float:
    """What a scale word written after a number multiplies it by ("k", "million"), else 1."""
    m = _SCALE_AFTER_RE.match(text, end)
    return SCALES[m.group(1)] if m else 1.0


def _whole_or_none(text: str) -> bool:
    """A share of all or nothing: "100%", "0%"."""
    return re.fullmatch(r"\s*(?:100|0)(?:\.0+)?\s?%\s*", text) is not None


_WORD_IN_FIGURE_RE = re.compile(r"[A-Za-z]{3,}")  # a word beside a figure ("permanent 100%", "20 years")


def _days_in(text: str) -> int:
    """The days of the month a day-of-month answer names ("Sept 27": 30), 31 when it names none."""
    words = {w.strip(".,").lower()[:3] for w in text.split()}
    return 29 if "feb" in words else 30 if words & {"apr", "jun", "sep", "nov"} else 31


def _month_named(text: str) -> bool:
    return any(w.strip(".,").lower() in _MONTH_NAMES for w in text.split())


def _acronym(text: str) -> bool:
    return any(len(w) >= 2 and w.isupper() for w in text.split())


def _gerund(text: str) -> bool:
    """A single lower-case word in -ing: a verb form or an activity ("changing", "training")."""
    return text.islower() and text.isalpha() and len(text) > 5 and text.endswith("ing")
