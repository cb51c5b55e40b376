"""Cards generated from key points: the bullets under a heading named in ``keypoint_headings``.

A bullet led by a bold term (``**Term**: what it is``, or ``**Term** verb ...``) becomes a term card (kind
``keypoint``) asking a question that names the topic ("Atomic Habits: what is the plateau of latent potential?");
any other bullet becomes a cloze hiding what a careful card writer would hide (``kb.cards.salience.pick_spans``: a
number, a formula, a name, a specific term; two deletions when the bullet holds two facts of one kind), or no card
when it holds nothing worth hiding (the reason is kept: ``kb cards --explain``). Both are ``generated``. The cloze's
terms are chosen once the whole note is read (``PendingCloze``): their weights and what is common come from the whole
note.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache
from typing import NamedTuple

from kb.cards.collector import Collector, Line, _norm_heading
from kb.cards.lexicon import (
    ADVERB_PARTICLES,
    ADVERBS,
    BASE_VERBS,
    COUNT_WORDS,
    DEFINING_VERBS,
    DESCRIPTIVE_ADJECTIVES,
    EPONYM_HEADS,
    IRREGULAR_PLURALS,
    LABEL_DETS,
    MONTH_PATTERN,
    MONTHS,
    PREPOSITIONS,
    S_MODIFIERS,
    STOP_WORDS,
    SUBJECT_PRONOUNS,
    VERBS,
    common_english,
    everyday_word,
    verb_like,
)
from kb.cards.model import Card, CardKind, new_card, sibling_key
from kb.cards.salience import (
    CommonStems,
    TermWeights,
    any_in,
    content_stems,
    heading_stems,
    opinion,
    pick_spans,
)
from kb.cards.spans import YEAR, twin_number
from kb.markdown import mask_spans, plain_text, strip_comments, strip_list_marker, unbold
from kb.notes.reader import Note

_BOLD_LEAD_RE = re.compile(
    r"^\*\*([^*\n]{1,120}?\**)\*\*(?!\*)[ \t]*(?::|[-–—])[ \t]*|^__([^_\n]{1,120}?)__[ \t]*(?::|[-–—])[ \t]*"
    r"|^\*\*([^*\n]{1,120}?\?)\*\*[ \t]+"  # "**How to pick k?** plot ...": a bold question, its answer after it
)
# "**Memory palace** (method of loci): ...": a bold term, another name for it in brackets, then what it is
_BOLD_ALIAS_LEAD_RE = re.compile(r"^\*\*([^*\n]{1,80}?)\*\*[ \t]+\(([^()\n]{1,60})\)[ \t]*(?::|[-–—])[ \t]+")
_ALIAS_RE = re.compile(r"[A-Za-z][A-Za-z'’-]*(?: [A-Za-z][A-Za-z'’-]*){0,4}")  # words only: no year, no list
# a bracket after a bold term that says which kind of it is meant, not another name: "(annotated)", "(signed)"
_QUALIFIER_ALIAS_RE = re.compile(r"[a-z]+ed")
_NOT_ALIAS_STARTS = frozenset("a an the his her their its my our see e.g i.e rule from per after by".split())
# "**Term** verb ...": a bold lead followed by a verb (a copula, or a word ending like a third-person verb)
_BOLD_SUBJECT_RE = re.compile(
    r"^(?:(?P<article>an?|the|A|An|The) )?\*\*(?P<term>[^*\n]{1,80}?)\*\*[ \t]+(?:\([^()\n]{0,80}\)[ \t]+)?(?=\w)"
)
_SOURCE_PLACE_LEAD_RE = re.compile(
    r"(?:Chapters?|Ch\.?|Part|Episode|Ep\.?|Lecture|Appendix|Book) (?:\d+|[IVXL]+)(?:[–-]\d+)?(?: \([^()]{1,40}\))?[:,]? "
)
_BOLD_INSIDE_COLON_RE = re.compile(r"^\*\*([^*\n]{1,60}?):\*\*[ \t]+(?=\S)")
_BOLD_COLON_LEAD_RE = re.compile(r"^(?:\*\*|__)[^*_\n]{1,60}?(?::(?:\*\*|__)|(?:\*\*|__):)[ \t]+(?=\S)")
_ARTICLE_BOLD_RE = re.compile(r"^(?:an?|the|A|An|The) \*\*")
# a label of the writer's own: "Effect for me", "Honest reaction", "Maybe next", "Rating" (not "My takeaway:", which
# judged blind introduces the book's lesson)
_OWN_LABEL_RE = re.compile(
    r"\b(?:me|I|I'd|I'm|us)\b|^(?:[Hh]onest|[Pp]ersonal|[Mm]aybe|[Vv]erdict|[Rr]ating|[Ww]orr(?:y|ies)|"
    r"(?:[Dd]is)?[Aa]gree|[Qq]uibbles?|[Nn]itpicks?|[Gg]ripes?|[Cc]omplaints?|[Cc]riticisms?|"
    r"[Mm]y (?:note|aside|guess|opinion|view|verdict|case|situation|numbers|example))\b"  # ("Note to self:" is a to-do: _TODO_RE, read first)
)
# what the writer means to do: "Re-listen to ...", "Re-evaluate if ...", "Look up ...", "Ask HR whether ..."
_OWN_TODO_RE = re.compile(
    r"(?:TODO|todo|to-do)\b|(?:Re-?(?:listen|read|watch|evaluate|check|visit|test|run)|Look (?:up|into)|Follow up|"
    r"Ask (?:\w+ ){1,3}(?:about|if|whether)|Find out|Figure out|Double[- ]check|[Cc]heck (?:whether|if))\b"
)
# a cheap test first: a hedge holds one of these (substring tests, cheaper than a pattern of them)
_HEDGE_HINTS = (
    "iirc",
    "IIRC",
    "afaik",
    "AFAIK",
    "sure",
    "check",
    "verif",
    "(?)",
    "i think",
    "maybe",
    "perhaps",
)


# the writer unsure of a fact: "iirc", "not sure", "re-check", "(?)"
_HEDGE_RE = re.compile(
    r"\b(?:iirc|IIRC|afaik|AFAIK|not sure|unsure|re-?check|double[- ]check|need to verify|unverified)\b|\(\?\)|"
    r"\bi think\b|"
    # "is maybe 15 small steps": the writer's guess at a figure (set Y)
    r"\b(?:is|was|are|were|gets?|got|takes?|took|has|had|needs?) (?:maybe|perhaps) ~?\d"
)
# "**Not required.** Only if ...", "**Yes**, if ...": the bold answers the heading's question, which the bullet does not ask
_BOLD_VERDICT_RE = re.compile(
    r"^\*\*(?:(?:not|no longer) )?(?:yes|no|never|always|required|optional|deductible|taxable|allowed|needed|"
    r"necessary|mandatory|none|nope|yep)[.!,]?\*\*",
    re.I,
)
# "**PTQ** (post-training) vs **QAT** (during training)": two bold terms set against each other
_BOLD_VS_RE = re.compile(r"^\*\*([^*\n]{1,60})\*\*[^*\n]{0,120}? (?:vs\.?|versus) \*\*([^*\n]{1,60})\*\*")
_SAYING = frozenset(
    "says say states state holds hold claims claim argues argue".split()
)  # "what does X say?"
_COPULAS = frozenset("is are means refers".split())
_RANKING = frozenset("better best worse worst only main first last most least same".split())
_STOP_VERBS = frozenset("uses makes gets".split())  # stop words that are a verb after a bold subject
_PARTICIPLES = frozenset(
    "born made known given taken done seen held built paid kept found shown written".split()
)
_DEFINING = frozenset("a an the what how when where one any to".split())  # "X is a ...", "X means the ..."
# "Fixed mindset: ability is set at birth": a lead of one to four words (no code, math, quote) and a colon
_LABEL_LEAD_RE = re.compile(r"^([A-Za-z][\w'’-]*(?: [\w'’-]+){0,3}): ")
_ARTICLES = frozenset({"a", "an", "the"})
# a lead that labels the bullet rather than naming a term: "Example: ...", "In short: ..."
_LABEL_WORDS = frozenset(
    "example examples note tip tips caveat update aside warning verdict short e.g i.e ex eg view views episode "
    "episodes chapter chapters moment moments ending season seasons scene scenes opening finale".split()
)
# a lead of one of these words ("**Downside**: ...", "Contrast: ...") labels the sentence after it, names no term:
# no term card; the cloze is made of the rest, the label never hidden
_LABEL_LEADS = _LABEL_WORDS | frozenset(
    """downside downsides upside upsides contrast contrasts rule rules idea ideas problem problems solution solutions
    benefit benefits cost costs catch pro pros con cons takeaway takeaways lesson lessons summary result results
    why how what when caution reminder gotcha gotchas trick tricks hint hints insight insights point key bottom
    advantage advantages disadvantage disadvantages risk risks drawback drawbacks tradeoff trade-off fix
    symptom symptoms cause causes consequence effect effects goal goals warning watch nb ps intro introduction
    epilogue prologue conclusion preface afterword appendix coda flaw flaws weakness weaknesses strength strengths
    limitation limitations surprise surprises twist kicker punchline upshot gist finding findings""".split()
)
# "Personal takeaway: ...", "Big caveat: ...": a label word after a word that only qualifies it
_LABEL_QUALIFIERS = (
    "my|our|personal|big|bigger|biggest|main|key|one|another|practical|final|quick|important|interesting|"
    "favorite|favourite|useful|general|fun|minor|major|small|overall|real|funny|second|third|other|last|first"
)
_LEAD_LABEL_RE = re.compile(
    rf"^(?:\*\*|__)?(?:the |a |an )?(?:(?:{_LABEL_QUALIFIERS}) )?([A-Za-z][\w'’-]*)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]+",
    re.I,
)


def label_lead(body: str) -> int:
    """The length of a label leading ``body`` ("**Downside**: ", "Contrast: ", "Famous moment: "), or 0."""
    m = _LEAD_LABEL_RE.match(body)
    if m and m.group(1).lower() in _LABEL_LEADS:
        return m.end()
    m = _PART_LABEL_RE.match(body)
    return m.end() if m else 0


# "Famous moment: ...", "Pessimistic-ish ending: ...", "Prehistory season: ...": a part of the source, named by what
# it is like; the bullet says what happens in it
_PART_LABEL_RE = re.compile(
    r"^(?:\*\*|__)?[A-Za-z][\w'’-]*(?: [A-Za-z][\w'’-]*)? (?:moments?|ending|seasons?|scenes?|opening|finale|"
    r"episodes?|chapters?)(?:\*\*|__)?[ \t]*:(?:\*\*|__)?[ \t]+",
    re.I,
)


_NOT_VERBS_S = frozenset("this thus has was is its his plus less across always perhaps".split())
_NUMBER_RE = re.compile(r"\d[\d,.]*")


def _arithmetic(body: str) -> bool:
    """Whether a bullet works a calculation through ("DCG = 3/1 + 2/1.585 = ...", "combined $300k > $250k → owe
    0.9% × $50k = $450"): a chain of equalities, or three operations and relations among four numbers or more."""
    if not _ARITHMETIC_HINT_RE.search(body):
        return False  # most bullets: no sign between numbers at all
    operations = len(_OPERATION_RE.findall(body))
    if operations >= 2 and body.count("=") >= 2:
        return True
    return (
        operations + len(_RELATION_RE.findall(body)) >= 3 and len(_NUMBER_RE.findall(body)) >= _WORKED_NUMBERS
    )


_ARITHMETIC_HINT_RE = re.compile(r"\d[kKM%]?\s*[=<>≈+×*/]")
# "0.9% × $50k = $450", "$300k > $250k", "(10,000 − 900) = **$35,100**"
_RELATION_RE = re.compile(r"\d[kKM%]?\)?\s*(?:=|>|<|≈)\s*[*_(]*[$€£~]?\d")
# "3/1 + 2/1.585", "2 × 4096", "12,000 + (10,000 − 900)": arithmetic between numbers (not a range, "4–16")
_OPERATION_RE = re.compile(r"\d[kKM%]?\)?\s*[+×*/]\s*\(?[$€£]?\d|\d\)?\s+[-−]\s+\(?[$€£]?\d")
_FIRST_PERSON_RE = re.compile(r"\b(?:I|we|my|our|us)\b")
_WORKED_NUMBERS = 4  # "Example: MAGI $421,500 -> $21,500 over -> 22 x $50 = $1,100": a calculation
MAX_CLOZES_PER_BULLET = 2  # two facts of one kind (two amounts, two names) make two deletions
_QUESTION_TERM_WORDS = 8  # a longer bold lead is not a term to ask about


class PendingCloze(NamedTuple):
    """A key-point bullet waiting for its term: its place among the cards, its text and its lines."""

    slot: int
    body: str  # the bullet's text without its marker
    masked_body: str  # the same with code and math masked (shorter when the marker held a mask)
    context: tuple[str, ...]
    first: int
    last: int


# ``PendingCloze(...)`` through its Python-level __new__ costs several times a tuple's: this builds the same object
_pending = tuple.__new__


def topic(title: str) -> str:
    """The note's topic as a question names it: its title before a subtitle ("Influence: The Psychology of ...")."""
    return title.split(": ", 1)[0].strip() or title


_ACRONYMS_RE = re.compile(r"[A-Z][A-Z0-9]+s")
_HEAD_END_RE = re.compile(r" (?:of|for|in|on|with|against|between|to) ")


def _plural(term: str) -> bool:
    # "the case for tariffs", "the cost of delays": the head noun is before the preposition
    head = _HEAD_END_RE.split(term, maxsplit=1)[0] if " " in term else term
    last = head.split()[-1] if head.split() else ""
    if _ACRONYMS_RE.fullmatch(last):
        return True  # "IRAs", "RMDs"
    if last.isupper():
        return False  # "NMS", "GPS", "SMS": an acronym ending in S is one thing
    last = last.lower()
    if last in _SINGULAR_IN_S:
        return False  # "Online variational Bayes", "k-means": one thing (judged blind in set AM: "what do ... do?")
    if last.endswith(IRREGULAR_PLURALS):
        return True
    return last.endswith("s") and not last.endswith(("ss", "us", "is", "as", "ics", "'s", "’s"))  # "bias"


def _singular(word: str) -> str:
    """A plural word's singular, by its ending: "Foxes" -> "Fox", "Dyes" -> "Dye", "Conflicts" -> "Conflict"."""
    if word.endswith(("xes", "ches", "shes", "sses", "zes")):
        return word[:-2]  # judged blind in set BR: "what is Foxes?"
    return word.rstrip("s")


_SINGULAR_IN_S = frozenset(
    "bayes k-means means series species news physics mathematics economics analysis".split()
)
# the endings of an adjective naming a kind ("paternalistic", "informative"): asked what it means
_ADJECTIVE_ENDINGS = ("ive", "istic", "ous", "ful", "-oriented", "-based", "able", "ible")


def term_question(
    title: str, term: str, body: str, *, does: bool | str = False, article: str | None = None
) -> str:
    """ "Topic: what is the term?" (``what are`` for a plural, ``what does ... do`` for a term doing something;
    ``article``: the one the bullet put before the term, "a Black Swan")."""
    asked = _asked_as_is(term)
    if asked:
        return f"{topic(title)}: {asked}"
    if term.islower() and " " not in term and term.endswith(_ADJECTIVE_ENDINGS):
        # "**paternalistic**: the doctor decides ...": a kind named by an adjective ("what is paternalistic?" read
        # as broken, set W)
        return f'{topic(title)}: what does "{term}" mean?'
    words = term.split()
    if len(words) > 1 and words[0] in (
        "The",
        "A",
        "An",
    ):  # "The Lindy effect: ...": the article in lower case
        article, term, words = (article or words[0]), term.split(None, 1)[1], words[1:]
    # "Detached HEAD": an acronym after an ordinary word leaves the phrase in sentence case
    sentence_case = len(words) > 1 and all(
        w.islower() or w.isupper() and len(w) > 1 and _ordinary_word(words[0]) for w in words[1:]
    )
    if words and words[0][:1].isupper() and words[0][1:].islower():
        # capitalised only because it opens the bullet: a phrase in sentence case that is no name (a possessive,
        # or capitalised mid-sentence), or a word the note also writes in lower case
        if sentence_case:
            lower = not words[0].endswith(("'s", "’s")) and not _written(
                body, f" {words[0]}", "abcdefghijklmnopqrstuvwxyz,"
            )
            # capitalised again elsewhere and never in lower case: a name ("Norman door" beside "Norman describes")
            again = body.count(words[0]) - body.count(f"# {words[0]}")  # a heading is title case
            lower = lower and (again < 2 or _written(body, words[0].lower()))
        else:
            lower = len(words) == 1 and (_written(body, words[0].lower()) or _ordinary_plural(words[0]))
        if lower and len(words) == 2 and words[-1] in EPONYM_HEADS and not words[0].endswith("ing"):
            # "the Matthew effect": a name before "effect" keeps its capital unless the note writes it in lower case
            lower = _written(body, words[0].lower())
        if lower:
            term = term[0].lower() + term[1:]
    if not article and len(words) > 1 and _needs_the(words):
        article = "the"  # "the peak-end rule", "the SSTB limit", "the culture of honor"
        if (
            (words[-1].lower() not in EPONYM_HEADS or _common_compound(words[0]))
            and words[0][1:].islower()
            and all(w.islower() for w in words[1:])
        ):
            term = term[0].lower() + term[1:]  # "the plateau of latent potential", but "the Matthew effect"
    if (
        not article
        and term.islower()
        and len(term.split()) <= 2
        and _times_written(_lowered(body), f"the {term}") >= 2
    ):
        article = "the"  # "the index", "the working tree": the note's own article (set BJ: "what is index?")
    if article:
        term = f"{article.lower()} {term}"
    # "Zappos" (a name left capitalised): one thing, whatever its last letter
    plural = bool(words) and _plural(term)
    if plural and 1 < len(words) < 4 and term.istitle() and not common_english(words[0].lower()):
        plural = False  # "Edward Bates", "Steve Jobs": a person's name, one of them (set AX: "what are Edward Bates?")
    if (
        plural
        and len(words) == 1
        and term[:1].isupper()
        and not common_english(singular := _singular(term).lower())
        and not everyday_word(singular)
        and not _ordinary_plural(term)
    ):
        # "Zappos": a name, not "Conflicts", "Affordances" or "Dyes" (set BF: "what is Dyes?"); but "IRAs" are
        # several
        plural = term[:-1].isupper() and len(term) > 2
    if does:
        verb = does if isinstance(does, str) else "do"
        question = f"what do {term} {verb}?" if plural else f"what does {term} {verb}?"
    else:
        question = f"what are {term}?" if plural else f"what is {term}?"
    return f"{topic(title)}: {question}"


# the endings of nouns made from other words: a capitalised word in one of them is a plural, no name ("Affordances",
# "Signifiers"; but "Zappos", "Atlas")
_NOUN_PLURAL_ENDINGS = (
    "ances",
    "ences",
    "ers",
    "ors",
    "ions",
    "ments",
    "ities",
    "ives",
    "ings",
    "ists",
    "isms",
    "ants",
    "ents",
    "ures",
)


def _ordinary_word(word: str) -> bool:
    return (
        common_english(word)
        or word[1:].islower()
        and word.lower().endswith(("ed", "ing", "al", "ive", "ous"))
    )


def _ordinary_plural(word: str) -> bool:
    return word[1:].islower() and word.endswith(_NOUN_PLURAL_ENDINGS) and len(word) > 5


def _common_compound(word: str) -> bool:
    """Whether a capitalised word is a compound of ordinary words ("Self-serving", "Sunk-cost"), no name
    ("Dunning-Kruger"): "the self-serving bias", but "the Matthew effect"."""
    parts = word.lower().split("-")
    return len(parts) > 1 and all(common_english(p) for p in parts)


_ORDINALS = frozenset("first second third fourth fifth sixth seventh last".split())


def _needs_the(words: list[str]) -> bool:
    """Whether a term of several words reads with "the" before it in a question: a named rule or effect, an
    acronym's limit or rate, a thing of something."""
    last = words[-1].lower()
    if words[0].endswith(("'", "'s", "’s", "’")):
        return False  # "Bayes' rule", "Newton's method": the possessive is the article
    if words[0].lower() in _ORDINALS:
        return True  # "the First Way", "the second law"
    if last in EPONYM_HEADS and not _plural(last):
        # "the Lindy effect", "the peak-end rule"; but a field is no one thing ("game theory", set BG: "what is the
        # game theory?")
        return not (last == "theory" and words[0][1:].islower() and len(words) == 2)
    if words[-1] in _EVENT_HEADS and all(w[:1].isupper() for w in words):
        return True  # "the Vietnam War", "the Great Depression" (set BE: "what is Vietnam War?")
    if (
        words[0].isupper()
        and words[0].isalpha()
        and len(words[0]) > 1
        and words[-1].isalpha()
        and words[-1].islower()
        and not _plural(last)
    ):
        return True  # "SSTB limit", "AGI threshold"
    if "of" in words[1:-1] and words[0][1:].islower() and not _plural(words[0]):
        return True
    # "the proverb at the end", "the ghost in the story": a thing placed by where it is is that one (judged blind
    # in set AV: "what is proverb at the end?")
    return (
        len(words) > 2
        and words[0][1:].islower()
        and all(w.islower() for w in words[1:])
        and words[1] in _PLACING
        and not _plural(words[0])
        and not words[0].endswith(("ing", "ion", "ment", "ness"))
    )


_PLACING = frozenset("at in on from inside behind under near".split())
# the last word of a named event: "the Vietnam War", "the Glorious Revolution", "the Cuban Missile Crisis"
_EVENT_HEADS = frozenset(
    "War Revolution Crisis Depression Rebellion Uprising Massacre Famine Plague Blitz Raid Siege Reformation".split()
)


_QUESTION_WORDS = frozenset("why how when where which who whom whose should can could does do is are".split())


_ADVICE_VERBS = frozenset("drain embrace protect quit ditch skip treat".split())  # never nouns at a lead
_OBJECT_WORDS = frozenset("it the a an your you them one every each some this that".split())
# a bold lead holding one of these is a claim ("AUC has a clean probabilistic meaning"), not a term to ask about
_CLAUSE_VERBS = frozenset("is are was were has have had does can cannot can't will won't should must".split())


def _asked_as_is(term: str) -> str | None:
    """A lead that is a question already ("Why divide by ...", "How to pick k?") asked as written; one that counts
    things ("Three places it's used") as "what are the three places ...?"; None for a term."""
    words = term.rstrip("?:").split()
    if not words:
        return None
    first = words[0].lower()
    if first in _QUESTION_WORDS and len(words) > 1 or term.endswith("?"):
        text = term.rstrip("?: ")
        return text[0].lower() + text[1:] + "?" if text[1:2].islower() or len(text) < 2 else text + "?"
    if len(words) > 1 and (
        first in _ADVICE_VERBS
        or first in _NEGATED_ADVICE
        or (first in BASE_VERBS or first in _IMPERATIVES)
        and (words[1].lower() in _OBJECT_WORDS or "," in term and "don't" in term.lower() or _how(words))
    ):
        # advice, not a thing: "Keep it short", "Drain the shallows", "Don't outrun your headlights", "Provide
        # options, don't make lame excuses"
        return f'what does "{term[0].lower()}{term.rstrip("?: ")[1:]}" mean?'
    if (
        len(words) == 3
        and words[1].lower() in ("but", "and", "yet", "or")
        and all(w.lower() in DESCRIPTIVE_ADJECTIVES for w in words[::2])
    ):
        # "Bad but better": a pair of adjectives names an idea, not a thing ("what is bad but better?" read oddly)
        return f'what does "{term[0].lower()}{term.rstrip("?: ")[1:]}" mean?'
    if len(words) > 1 and _gerund_phrase(words):
        # "Making smaller circles": one practice, named by what you do ("what are making smaller circles?" read
        # wrong); quoted, as a name of it
        return f'what is "{term[0].lower()}{term.rstrip("?: ")[1:]}"?'
    if (COUNT_WORDS.get(first, 0) >= 2 or first[:1].isdigit() and first not in ("0", "1")) and len(words) > 1:
        if not first[:1].isdigit() or any(_plural(w) for w in words[1:]):
            return f"what are the {term[0].lower()}{term.rstrip('?: ')[1:]}?"
        return f"what is the {term.rstrip('?: ')}?"  # "the 90 percent rule": a name holding a number
    return None


_NEGATED_ADVICE = frozenset("don't don’t never avoid stop".split())
# verbs that open a maxim as readily as BASE_VERBS ("Design it twice", "Pull complexity downwards")
_IMPERATIVES = frozenset(
    "design define pull push put write ask get do plan test measure ship delete hide".split()
)
_HOW_WORDS = frozenset("twice early often first away again later out down up".split())


def _how(words: list[str]) -> bool:
    """Whether a lead after its verb ends on how or where to do it ("... downwards", "... out of existence"), which
    makes the verb an imperative, not a noun ("Pull request")."""
    last = words[-1].lower().rstrip(".,!")
    return len(words) > 2 and (
        last in _HOW_WORDS or last.endswith(("wards", "ly")) or " out of " in " ".join(words).lower()
    )


_ING_NOUNS = frozenset(
    "string strings morning evening ceiling wedding building buildings meeting meetings".split()
)


def _gerund_phrase(words: list[str]) -> bool:
    """Whether a lead names a practice by a gerund and its object ("Making smaller circles", "Ignoring noisy
    commits", "Building a trigger"), not a noun led by a word in -ing ("Learning rate", "Boosting")."""
    first, second = words[0].lower(), words[1].lower()
    if not (first.endswith("ing") and len(first) > 5) or first in _ING_NOUNS:
        return False
    return second in _OBJECT_WORDS or second in LABEL_DETS or _plural(" ".join(words))


def _times_written(body: str, phrase: str) -> int:
    """How many times ``body`` holds ``phrase`` as whole words."""
    count, at = 0, body.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        if (at == 0 or not body[at - 1].isalnum()) and (end == len(body) or not body[end].isalnum()):
            count += 1
        at = body.find(phrase, end)
    return count


def _written(body: str, word: str, after: str = "") -> bool:
    """Whether ``body`` holds ``word`` as a whole word (not inside another), right after a character of ``after``
    when given (no regex: a pattern per term would be compiled for each card)."""
    at = body.find(word)
    while at >= 0:
        end = at + len(word)
        before_ok = (at > 0 and body[at - 1] in after) if after else (at == 0 or not body[at - 1].isalnum())
        if before_ok and (end == len(body) or not body[end].isalnum()):
            return True
        at = body.find(word, at + 1)
    return False


# a note's body in lower case, made once for the several questions of its cards
_lowered = lru_cache(maxsize=8)(str.lower)


def _term_card(out: Collector, body: str, ctx: tuple[str, ...], first: int, last: int) -> Card | None:
    if not body.startswith(("**", "__")):
        if _ARTICLE_BOLD_RE.match(body):
            m = _BOLD_SUBJECT_RE.match(body)
            return None if m is None else _subject_card(out, body, m, ctx, first, last)
        return _label_card(out, body, ctx, first, last)
    inside = _BOLD_INSIDE_COLON_RE.match(body)
    if inside:
        # "**Story:** colonial Delhi ...", "**Claim:** ...": a label set in bold, colon and all; judged as a label
        return _label_card(out, f"{inside.group(1)}: {body[inside.end() :]}", ctx, first, last)
    vs = _BOLD_VS_RE.match(body) if (" vs" in body or " versus " in body) else None
    if (
        vs
        and len(vs.group(1).split()) <= _QUESTION_TERM_WORDS
        and len(vs.group(2).split()) <= _QUESTION_TERM_WORDS
    ):
        # "**PTQ** (post-training ...) vs **QAT** (simulate ...)": the difference is what to recall
        front = f"{topic(out.title)}: how does {vs.group(1)} differ from {vs.group(2)}?"
        return new_card(CardKind.KEYPOINT, front, unbold(body), first, last, ctx, generated=True)
    m = _BOLD_LEAD_RE.match(body)
    alias = None
    if m is None and (m := _BOLD_ALIAS_LEAD_RE.match(body)):
        # "**Memory palace** (method of loci): walk through ...": another name, kept on the back; but not a date or a
        # credit ("(2024)", "(Wu et al., 2016)", "(a finding of ...)"), nor before a rest with an amount (the cloze
        # hides the amount, as before)
        alias = m.group(2)
        if (
            not _ALIAS_RE.fullmatch(alias)
            or alias.split()[0].lower() in _NOT_ALIAS_STARTS
            or any(map(str.isdigit, body[m.end() :]))
        ):
            m, alias = None, None
    if m:
        term = (m.group(1) or "").strip() if alias else (m.group(1) or m.group(2) or m.group(3) or "").strip()
        term = term.rstrip(":").strip()
        rest = body[m.end() :].strip()
        if alias and _QUALIFIER_ALIAS_RE.fullmatch(alias):
            term = f"{alias} {term}"  # "**tag** (annotated): ...": the kind meant, "annotated tag" (set BI)
        elif alias and rest:
            rest = f"{rest} (also: {alias})"
        if " vs " in term or " versus " in term:
            # "**First nature vs second nature**: ...": one bold pair, asked how the two differ (set BI: "what is the
            # first nature vs second nature?")
            first_, _, second = re.split(r" (vs\.?|versus) ", unbold(term), maxsplit=1)
            if first_[:1].isupper() and first_[1:].islower() and second[:1].islower():
                first_ = first_[0].lower() + first_[1:]  # capitalised only as the bullet's first word
            if " " not in first_ and " " in second:
                first_ = f"{first_} {second.split()[-1]}"  # "marginal vs effective rate": two rates
            if first_ and second and rest and not re.search(r" (?:vs\.?|versus) ", second):
                front = f"{topic(out.title)}: how does {first_} differ from {second}?"
                return new_card(CardKind.KEYPOINT, front, rest, first, last, ctx, generated=True)
        if ": " in term and not term.endswith("?"):
            # "**First Way: flow** — left to right ...": the name, then what it is, which the question must not show
            term, value = term.split(": ", 1)
            rest = f"{value} — {rest}" if rest else value
        lead_words = unbold(term).lower().split()
        if (
            any(w in _CLAUSE_VERBS or w == "over" for w in lead_words[1:])
            or "%" in term
            or _MONEY_RE.search(term)
            or _no_term(unbold(term))
            or _YEAR_RANGE_RE.search(term)
            or _MONTH_YEAR_RE.fullmatch(unbold(term))
            or _DECADES_RE.fullmatch(unbold(term))  # set BT: "what are the 4 late 40s–50s?"
        ) and not term.endswith("?"):
            return None  # a claim ("AUC has ...", "Durkheim over the New Atheists", "40% refundable"): a cloze asks
        if _topic_of_a_claim(unbold(term), rest):
            return None  # "**Noisy validation**: small val sets bounce around": a cloze of the claim
        if _ONE_FORMULA_RE.fullmatch(rest) and not _ordinary_label(unbold(term)):
            # "**Focal loss**: $\mathrm{FL}(p_t) = ...$": the formula is what to recall
            front = (
                term_question(out.title, unbold(term), out.note.body)
                .replace(": what is ", ": what is the formula for ", 1)
                .replace(": what are ", ": what is the formula for ", 1)
            )
            return new_card(CardKind.KEYPOINT, front, rest, first, last, ctx, generated=True)
        if rest.startswith(("$", "`")) and _ordinary_label(unbold(term)):
            # "**Exponential**: $\eta_t = \eta_0 \gamma^t$": a label naming the kind of the formula, which is the
            # fact; a cloze asks it ("what is Exponential?" read oddly). "**Gini impurity**: $...$" stays a term
            return None
        if _person(unbold(term), rest, bold=True, ctx=ctx):
            front = f"{topic(out.title)}: {_who(unbold(term))}?"
            return new_card(CardKind.KEYPOINT, front, rest, first, last, ctx, generated=True)
        name = unbold(term)
        plain = unbold(body)
        if plain.startswith(name) and _named_thing(name, rest, ctx, out.note.body):
            # "**Le Corbusier** — the Plan Voisin (1925) ...": facts about a name, which they ask for
            return new_card(
                CardKind.CLOZE,
                "[...]" + plain[len(name) :],
                plain,
                first,
                last,
                ctx,
                generated=True,
                sibling=sibling_key("c", plain),
                cloze_text=f"{{{{c1::{name}}}}}{plain[len(name) :]}",
                cloze_index=1,
                answer=name,
            )
        if (
            out.note.type not in _DATED_KINDS
            and _under(_SPECIAL_CASES_HEADING_RE, ctx[1:])
            and rest
            and len(term.split()) <= _QUESTION_TERM_WORDS
        ):
            # judged blind in set BR: under "## Special cases" of a note on holding periods, "what are RSUs?" for
            # "starts at vesting", "what are gifts?" for "you take over the giver's holding period": each label
            # is a case of the note's rule, which the reader asked for
            front = f"{topic(out.title)}: what is the rule for {_case_name(unbold(term), out.note.body)}?"
            return new_card(CardKind.KEYPOINT, front, rest, first, last, ctx, generated=True)
        if (
            _states_a_rule(unbold(term), rest)
            or _under(_CASES_HEADING_RE, ctx[1:])
            and not _coined(unbold(term))
        ):
            return None
        if term and rest and len(rest) > 2 and len(term.split()) <= _QUESTION_TERM_WORDS:
            front = _label_term_question(out, unbold(term), rest, ctx)
            return new_card(CardKind.KEYPOINT, front, rest, first, last, ctx, generated=True)
        return None
    m = _BOLD_SUBJECT_RE.match(body)
    if m is None or len(m.group("term").split()) > _QUESTION_TERM_WORDS:
        return None
    if not any(ch.isalpha() for ch in m.group("term")):
        return None  # "**12** months for a lump-sum offer": a number, which a cloze hides (set AP: "what does 12 do?")
    return _subject_card(out, body, m, ctx, first, last)


def _label_question(label: str) -> str | None:
    """The question a bold label that is a day's date, a numbered part or a town asks: "what happened on 30 June
    2009?", "what is Part I, "In Perfect Health I Begin", about?", "what happened in Portland, ME?"; None for any
    other label (a year or a month alone leads a timeline's cloze of what happened, as an earlier reading preferred)."""
    if _DAY_DATE_RE.fullmatch(label):
        return f"what happened on {label}?"
    if _PART_RE.match(label):
        return f"what is {label} about?"
    if _PLACE_LABEL_RE.fullmatch(label):
        return f"what happened in {label}?"  # "**Portland, ME**: house cleaning ..." (judged blind in set AN)
    if m := _DATED_PLACE_LABEL_RE.fullmatch(label):
        # judged blind in set BR: "what is Goldsboro, NC, January 1961?"
        return f"what happened in {m.group(1)}, in {m.group(2)}?"
    if _SEASON_YEAR_RE.fullmatch(label):
        return f"what happened in {label[0].lower()}{label[1:]}?"  # set BR: "what is Autumn 1993?"
    return None


def _numbered_part_question(label: str, ctx: tuple[str, ...], kind: str, listed: str = "") -> str | None:
    """ "what is chapter 3, "Harmony of the Worlds", about?" for a bold "3 Harmony of the Worlds" under a heading over
    a source's parts ("## Ch-by-ch", "## Episodes", "## Structure"), or for "3. **Flowers and Fruit**" numbered by
    its list (``listed``) under "Three parts, named like ...:"; None for any other label ("**3 Key Ideas**" under
    "## Takeaways" counts, it numbers no part)."""
    if m := _NUMBERED_TITLE_RE.fullmatch(label):
        number, title, parts = m.group(1), m.group(2), _PARTS_HEADING_RE
    elif listed and label[:1].isupper() and len(label.split()) <= _QUESTION_TERM_WORDS:
        # judged blind in set AS: "what is Flowers and Fruit?"; the list's items must be the parts ("Three parts,
        # named like ...:", "the book is split in three:"), not "(Part Two) and the part I want to remember:"
        number, title, parts = listed, label, _PARTS_LISTED_RE
    else:
        return None
    for heading in reversed(ctx[1:]):
        if found := parts.search(heading):
            word = (found.group(1) or "parts").lower()  # ("split in three": parts)
            noun = _PART_NOUNS.get(word, word.rstrip("s"))
            if noun == "":
                noun = "chapter" if kind == "book" else "part"
            return f'what is {noun} {number}, "{title}", about?'
    return None


_LIST_NUMBER_RE = re.compile(
    r"\s*(\d{1,2})[.)]\s"
)  # "3. **Flowers and Fruit** — ...": an item numbered by its list
# "3 Harmony of the Worlds", "13 Who Speaks for Earth?": a number and a title of two words or more
_NUMBERED_TITLE_RE = re.compile(r"(\d{1,2})\.? ([A-Z][\w'’,:-]*(?: [\w'’,:-]+)+\??)")
_PARTS_HEADING_RE = re.compile(
    r"\b(ch|chs|chapters?|episodes?|eps?|parts?|stages?|lectures?|lessons?|sessions?|modules?|structure|outline|"
    r"contents|toc)"
    r"\b",
    re.I,
)
_PARTS_LISTED_RE = re.compile(
    r"\b(parts|stages|chapters|episodes|sections|acts|lectures|lessons|sessions|modules)\b|\b(?:split|divided) in(?:to)?\b",
    re.I,
)
_PART_NOUNS = {"ch": "chapter", "chs": "chapter", "ep": "episode", "eps": "episode", "structure": "",
               "outline": "", "contents": "", "toc": ""}  # fmt: skip


# a bold lead and what follows its colon, dash or arrow: "**30 June 2009**: Bergdahl leaves ...", "**Part I** — ..."
_BOLD_LABEL_LEAD_RE = re.compile(r"(?:\*\*|__)([^*_]{2,60}?)(?:\*\*|__)\s*(?::|—|–|→|->|-)\s*(.+)", re.S)
_DAY_DATE_RE = re.compile(
    rf"\d{{1,2}} {MONTH_PATTERN},? \d{{4}}|{MONTH_PATTERN} \d{{1,2}}(?:st|nd|rd|th)?,? \d{{4}}"
)
# "Portland, ME", "Key West, FL": a town and its state's code
_PLACE_LABEL_RE = re.compile(r"[A-Z][a-z]+(?: [A-Z][a-z]+){0,2}, [A-Z]{2}")
# "Goldsboro, NC, January 1961": a town, its state's code and when; "Autumn 1993", "Late 1944": a season of a year
_DATED_PLACE_LABEL_RE = re.compile(
    rf"([A-Z][a-z]+(?: [A-Z][a-z]+){{0,2}}, [A-Z]{{2}}),? ((?:{MONTH_PATTERN} )?{YEAR})"
)
# "Late 40s–50s", "1920s", "Early '60s": a stretch of decades
_DECADES_RE = re.compile(
    r"(?:(?:Early|Mid|Late)[- ])?'?(?:1[5-9]|20)?\d0s(?:\s*[–-]\s*'?(?:1[5-9]|20)?\d0s)?", re.I
)
_SEASON_YEAR_RE = re.compile(rf"(?:Spring|Summer|Autumn|Fall|Winter|Early|Late|Mid)[- ]{YEAR}")
# "TCJA, tax years 2018–2025": a period a rule holds in, no term (judged blind in set AM: "what is TCJA, tax years ...?")
# (a hyphen before two digits is a ruling's number, "Rev. Rul. 2019-24", no range)
# a month and its year, a timeline's step ("Jan 1915": set BH, "what is Jan 1915?"): a cloze asks what happened
_MONTH_YEAR_RE = re.compile(rf"(?:{MONTH_PATTERN} )?{YEAR}")
_YEAR_RANGE_RE = re.compile(r"\b(?:1[5-9]|20)\d\d\s*(?:–\s*(?:\d\d){1,2}|-\s*(?:1[5-9]|20)\d\d)\b")
# "Part I", "Chapter 3", "Book Two", "Act II": a part of the book the bullet sums up
_PART_RE = re.compile(
    r"(?:Part|Chapter|Ch\.|Book|Act|Section|Season|Episode) (?:[IVXLC]+|\d{1,3}|[A-Z][a-z]+)\b"
)


def _verb_after(term: str, rest: str) -> tuple[str, int] | None:
    """The verb that follows a bold subject ``term`` in ``rest`` (the text after it) and the index of its word,
    skipping adverbs ("**X** also picks ..."); None when what follows is not a verb ("**Points** paid to ...")."""
    words = rest.split()
    i = 0
    while i < len(words) - 1 and words[i].lower() in ADVERBS:
        i += 1
    if i >= len(words):
        return None
    verb = words[i].lower().strip(",;:")
    if verb in _COPULAS or verb in DEFINING_VERBS or verb in _SAYING or verb in ("was", "were"):
        return verb, i
    if verb in _STOP_VERBS:
        return verb, i  # "**Ridge regression** uses the L2 penalty"
    if verb in _NOT_VERBS_S or not verb.isalpha() or verb in STOP_WORDS:
        return None
    if verb.endswith("s") and len(verb) > 3 and not verb.endswith(("ss", "us", "is")):
        following = words[i + 1].lower() if i + 1 < len(words) else ""
        if following in _PARTICIPLES or following.endswith("ed") and following.isalpha():
            return None  # "**Medical** expenses paid directly ...": a noun and its participle, no verb
        return verb, i
    if _plural(term) and verb in BASE_VERBS:
        return verb, i  # "**Patch IDs** let ...": a plural subject and a verb's base form
    return None


_KNOWN_VERBS = _COPULAS | DEFINING_VERBS | _SAYING | _STOP_VERBS
# verbs of having or needing, and adverbs hedging a verb: "what does X do?" does not ask what such a bullet says
_STATE_VERBS = frozenset("needs need requires require has have gets get stays stay lacks lack must".split())
_HEDGING_ADVERBS = frozenset("usually often sometimes typically generally mostly rarely normally".split())


def _subject_verb(term: str, rest: str) -> tuple[str, str, int] | None:
    """(term, verb, index of the verb's word) of a bold subject, the term taking the noun after it when the verb
    follows that ("**EUV lithography** machines come from ...", "**The pure-play foundry** model means ...")."""
    noun, _, after = rest.partition(" ")
    longer = None
    if noun.isalpha() and noun.islower() and noun not in STOP_WORDS and not verb_like(noun):
        longer = _verb_after(f"{term} {noun}", after)
        if longer is not None and longer[1] == 0 and (longer[0] in BASE_VERBS or longer[0] in _COPULAS):
            return f"{term} {noun}", longer[0], 1  # "machines come": a plural noun, then its verb
    found = _verb_after(term, rest)
    if found is not None:
        return term, *found
    if longer is not None and longer[1] == 0 and longer[0] in _KNOWN_VERBS:
        # "**Rebase** mode rewrites ...", but not "**Packfiles** bundle objects ...": a word taken for a verb only by
        # its -s ("objects") does not make the word before it part of the term
        return f"{term} {noun}", longer[0], 1
    return None


def _defines(tail: str) -> bool:
    """Whether what follows "**X** is" says what X is ("a ...", "professional activity ...") rather than a fact
    about it ("born in ...", "taxed at ...", "not deductible", "under $400")."""
    words = tail.lower().split(None, 2)
    word = words[0].strip(",;:")
    if len(words) > 1 and words[1] in _RANKING:
        return False  # "**Bisect** is the better tool when ...": a comparison, not what it is
    if word in _DEFINING:
        return True
    if word in STOP_WORDS or word in _PARTICIPLES or word.endswith(("ed", "ly")) or not word.isalpha():
        return False
    return True


def _subject_card(
    out: Collector, body: str, m: re.Match, ctx: tuple[str, ...], first: int, last: int
) -> Card | None:
    """ "**Term** verb ...": a term card, or None (a cloze then) when what follows is no verb or a fact about the
    term rather than what it is ("**X** are born in ...", "**X** were the big losers")."""
    if m.group("term").rstrip("*_ ").endswith((".", "!", "?")):
        return None  # "**Always scale features.** SVMs are ...": a sentence in bold, no term (set BG)
    found = _subject_verb(m.group("term").strip(), body[m.end() :])
    if found is None:
        return None
    term, verb, i = found
    rest = body[m.end() :]
    after = rest.split(None, i + 1)
    tail = after[i + 1].strip() if len(after) > i + 1 else ""
    if verb in ("was", "were") or not tail:
        return None
    if after[i].endswith(",") and verb not in _COPULAS:
        return (
            None  # "**at-risk** rules, §465 (Form 6198)": the bold word names the rules, no verb follows it
        )
    if after[i].endswith(":"):  # "**Mental time travel** helps: imagine ...": the rest says what it is
        back, front = tail, term_question(out.title, term, out.note.body, article=m.group("article"))
    elif verb in _COPULAS:
        if verb not in ("means", "refers") and not _defines(tail):
            return None  # "**X** are born in ...": a fact about X, not what X is (a cloze then)
        back = tail.removeprefix("to ") if verb == "refers" else tail
        front = term_question(out.title, term, out.note.body, article=m.group("article"))
    elif verb in DEFINING_VERBS:  # "**X** describes ...", "**X** covers ...": what X is
        back = unbold(body)
        front = term_question(out.title, term, out.note.body, article=m.group("article"))
    elif verb in _STATE_VERBS or any(w.lower() in _HEDGING_ADVERBS for w in after[:i]):
        # "**State return** usually needs amending too": what X needs or has, no doing of X's ("what does state
        # return do?" read as broken, set Y); a cloze asks it
        return None
    else:
        back = unbold(body)
        does = "say" if verb in _SAYING else "do"
        front = term_question(out.title, term, out.note.body, does=does, article=m.group("article"))
    if verb in _COPULAS and _person(term, tail, bold=True, ctx=ctx):
        # judged blind in set AK: "**Richard Sackler** is the central figure here ..." asked "what is Richard Sackler?"
        front = f"{topic(out.title)}: {_who(term)}?"
    return new_card(CardKind.KEYPOINT, front, back, first, last, ctx, generated=True)


def _label_card(out: Collector, body: str, ctx: tuple[str, ...], first: int, last: int) -> Card | None:
    """ "Term: what it is" without bold: the lead before the colon is the term, when it names one."""
    m = _LABEL_LEAD_RE.match(body)
    if m is None:
        return None
    term, rest = m.group(1), body[m.end() :].strip()
    words = term.lower().split()
    if len(words) > 1 and words[0] in _REPORTING_VERBS:
        term, words = term.split(None, 1)[1], words[1:]  # "Cites Conway's law: ...": the law is the term
    if any(c.isdigit() for c in term) or any(w in _DEICTIC for w in words):
        return None  # "The 40% refundable: ...", "Envelope redesign that year: ...": a claim or a pointer, no term
    if words[0] in _COMPARING or len(words) > 1 and words[-1] in PREPOSITIONS:
        return None  # "Compared to random forests: ...", "Bad for: ...": a comparison or a use, no term
    if words[0] in STOP_WORDS - _ARTICLES or words[-1] in _LABEL_WORDS or len(rest.split()) < 3:
        return None
    if words[0] in _QUANTITY_LEADS or words[:2] == ["a", "lot"]:
        return None  # "Lots of biography: Rutherford, Bohr, ...": how much of something, no term
    if len(words) > 1 and words[-1] in _PEOPLE_PLURALS and not any(c.isdigit() for c in term):
        # "id Software founders: Carmack, Romero, ...": who they are
        return new_card(
            CardKind.KEYPOINT,
            f"{topic(out.title)}: who are the {term}?",
            rest,
            first,
            last,
            ctx,
            generated=True,
        )
    if any(w in _LABEL_WORDS or w in SUBJECT_PRONOUNS for w in words):
        return None  # "Caveat they mention: ...": a label or a clause, no term
    if any(w in _CLAUSE_VERBS for w in words[1:]):
        return None  # "Latitude was easy: sun height at noon ...": a claim, no term (set AQ: "what is latitude was easy?")
    if any(w in _ARTICLES and words[i - 1] not in PREPOSITIONS for i, w in enumerate(words) if i):
        return None  # "topics the essays cover: ...": a noun and a clause about it (judged blind in set AG)
    if (
        len(words) > 1
        and term[1:].islower()
        and (words[-1].endswith("ed") and len(words[-1]) > 4 or words[-1] in _PARTICIPLES_EN)
    ):
        return None  # "business side crippled: back to paper ...": what happened to it, no term (set AG)
    if len(words) == 2 and words[-1] in _LABEL_PARTICLES:
        return None  # "Watch out: ...", "Follow up: ...": a verb and its particle, no term (set AH)
    if len(words) == 2 and words[0] == "the" and words[1] in _PEOPLE_NOUNS:
        # "The mother: boy born just after the disaster; she later chose suicide ..." (set AH: "what is the mother?")
        return new_card(
            CardKind.KEYPOINT, f"{topic(out.title)}: who is {term[0].lower()}{term[1:]}?", rest, first, last, ctx,
            generated=True,
        )  # fmt: skip
    if (
        len(words) == 1
        and (common_english(words[0]) or everyday_word(words[0]))
        and not _written(out.note.body, f"**{term}**")
        and not _under(_VOCABULARY_HEADING_RE, ctx[1:])
    ):
        # "Jobs: ...", "Bias: ...", "Paradox: ...", "Residency: ...": a topic heading the bullet, not a term it
        # defines (judged blind, 26% of such questions were kept, against 47% of other plain labels')
        return None
    if _no_term(term) or _under(_USES_HEADING_RE, ctx[1:]) or _under(_CASES_HEADING_RE, ctx[1:]):
        return None  # (under "## Uses": "Bioinformatics: gene finding, ..." is a field, set AC)
    if len(words) > 1 and (words[-1] in _VAGUE_LABEL_ENDS or words[-1] in _GIST_NOUNS and term.islower()):
        return None  # "small stuff: hot milk ...", "Isolation everywhere: ...": a gist, no term (set Y)
    if words[0] in _JUDGING_ADJECTIVES or words[0].endswith(("ier", "iest")) and len(words) > 1:
        return None  # "Easier alternative: ...", "Striking bit: ...": the writer's take on a part, no term
    if card := _person_card(out, body, m.end(), ctx, first, last):
        return card
    if _scene(term, words, rest):
        return None  # "Senate years in Washington: decided to ...", "Counting votes himself: ...": a story, no term
    if (
        any(verb_like(w) for w in words)
        or any(c.isdigit() or c in "$`" for c in rest)
        or ("**" in rest[:_MARKED_SOON] and (len(words) == 1 or _BOLD_EQUALS_RE.match(rest)))
    ):
        # a clause, or a rest holding a number, formula or code, or opening on a bold instance of the label
        # ("Metaphor: the **elephant and the rider**"): a cloze hides that instead
        return None
    if any(w in _LABEL_PREPOSITIONS for w in words[1:]):
        return None  # "New under OBBBA: ...", "Above the threshold: ...": a condition, no term
    if any(w in _ANYONE for w in words[1:]) or "as" in words[1:-1] and not term.istitle():
        # judged blind in set BR: "what are result everyone quotes?", "what is the REM as overnight therapy?": a
        # clause or a framing of something, no term ("Software as a Service", in title case, is one)
        return None
    if len(words) == 2 and (
        words[0].endswith(("'s", "’s")) and words[1] in _CONTRIBUTIONS or words[1] in _FINDINGS
    ):
        # set BR: "Huberman's addition: get outdoor light early", "Reported claim: they beat analysts with ...":
        # someone's point or a finding, no term
        return None
    if (
        any(w in _LABEL_CLAUSE_VERBS or w.endswith("s") and w in VERBS for w in words[1:])
        or any(w in _LABEL_OBJECT_VERBS or w in _REPORTING_VERBS or w in _SAYING_S for w in words[1:-1])
        or (len(words) > 2 and words[1] in BASE_VERBS and _plural(words[0]))  # "Tails drive everything: ..."
        or len(words) > 1
        and len(words[-1]) > 4
        and words[-1].endswith("ly")
        and common_english(words[-1][:-2])
    ):
        # "States differ: ...", "Failure means different things: ...", "Guests range wildly: ...": a clause, no term
        return None
    head = words[1] if words[0] in _ARTICLES and len(words) > 1 else words[0]
    if head in _RELATIONAL or head.endswith(("'s", "’s")) and common_english(head[:-2]):
        return (
            None  # "Blind spot: ...", "Host's counter: ...", "My setting: ...": whose, the card would not say
        )
    lead = rest.lower().split()
    lead = lead[1:] if lead and lead[0] in _ARTICLES else lead
    if (
        len(lead) > 2
        and lead[1] in VERBS
        and lead[1].endswith("s")
        and lead[0] not in VERBS
        and lead[0] not in words
    ):
        # "RSUs: clock starts at settlement": a claim about something else, no definition (set AH); but "Detached
        # HEAD: HEAD holds a commit ID ..." defines it
        return None
    if "→" in rest or "->" in rest or any(w in _CLAUSE_VERBS for w in lead[:_CLAUSE_SPAN]):
        return (
            None  # "Rice paddies: labour -> belief", "Purpose: profit is fine, but ...": no definition of it
        )
    if _topic_of_a_claim(term, rest):
        return None
    if (
        len(words) > 1
        and all(w[:1].isupper() for w in term.split())
        and len(lead) > 1
        and lead[0].endswith("ed")
        and lead[1] not in _AGENT_WORDS
    ):
        return None  # "Los Alamos: picked locks, cracked safes ...": what the book's hero did there, a scene
    if len(words) == 1 and re.search(rf"\b[A-Z][a-z]+ {re.escape(term)}\b", out.title):
        # "Dennett: holding people responsible ..." under "... with Dan Dennett": his view, a cloze
        return None
    if _person(term, rest, ctx=ctx):
        front = f"{topic(out.title)}: {_who(term)}?"
        return new_card(CardKind.KEYPOINT, front, rest, first, last, ctx, generated=True)
    if _states_a_rule(term, rest):
        return None
    front = _label_term_question(out, term, rest, ctx)
    return new_card(CardKind.KEYPOINT, front, rest, first, last, ctx, generated=True)


def _states_a_rule(term: str, rest: str) -> bool:
    """Whether a label's rest states a rule about it, not what it is ("**Medical**: only the amount above 7.5% of
    AGI", "**Charity**: starting 2026, only the part above 0.5% of AGI counts"): judged blind in set BH, "what is
    Medical?", "what is charity?" asked what everyone knows. A cloze of the rule hides its figure, the label shown.
    A named rule ("Stacking rule: ...") is a term, and so is a coinage a claim defines ("Mediocristan: no single
    observation moves the total much")."""
    return bool(_RULE_OPENER_RE.match(rest)) and not _coined(term)


# what opens a rule about a label: a limit or a start
_RULE_OPENER_RE = re.compile(
    r"(?:only|up to|on up to|starting|beginning|at least|at most|capped|limited)\b", re.I
)


def _label_term_question(out: Collector, term: str, rest: str, ctx: tuple[str, ...]) -> str:
    """The question a label that names a term asks, bold or not: what a step does, how many of a list, or what the
    term is (``term_question``)."""
    asked = _step_question(out.title, term, ctx) or _member_question(out.title, term, ctx)
    if asked:
        return asked
    question = term_question(out.title, term, out.note.body)
    counted = _counted(question, rest)
    if counted != question:
        return counted
    return _topic_question(out, question, term, rest, ctx) or question


def _topic_question(out: Collector, question: str, term: str, rest: str, ctx: tuple[str, ...]) -> str | None:
    """ "Salt: what does the book say about Rome?" for a label in a book or an episode that is a thing the source
    talks about (a place, a substance, a product, an event, a field), not a term it defines, before what the source
    tells of it, names and dates ("roads like the Via Salaria were salt routes", "rubber, Goodyear and
    vulcanization"). Read blind in sets BE, BF and BI, "what is oleic acid?", "what is Europe?", "what is Rome?"
    were kept 0 times in 27 (asking what the book says: 24 times, side by side); "what is the Ben Franklin
    effect?", "what is Hypergolic?" (terms, defined) were kept as they are. Before a description with no name in
    it ("right goal, wrong action", "roughly 24-hour clock, set by light") the question stays "what is ...?":
    read blind in sets BG and BH, asking what the book says of those was vague."""
    source = _SOURCE_NAMES.get(out.note.type)
    if (
        source is None
        or _asked_as_is(term)
        or _coined(term)
        or not _names_things(rest)
        or _says_what_to_do(rest)
        or _KIND_OPENER_RE.match(rest)
        or _under(_VOCABULARY_HEADING_RE, ctx[1:])
    ):
        return None
    m = _WHAT_IS_RE.fullmatch(question)
    if m is None:
        return None
    about = _DATED_LABEL_RE.sub(r" in \1", m.group(2))  # "India, 1930" -> "India in 1930"
    return f"{m.group(1)}: what does the {source} say about {about}?"


_SOURCE_NAMES = {"book": "book", "podcast": "episode"}
# a rest that says what kind of thing the label is: "the idea that TSMC makes Taiwan too important to attack"
_KIND_OPENER_RE = re.compile(
    r"(?:an?|the) (?:idea|concept|notion|practice|process|tendency|habit|rule|act|way|method|technique|theory|"
    r"principle|belief|claim|phenomenon|term|word|name|state|kind|type|form|art|study|science)\b",
    re.I,
)
_WHAT_IS_RE = re.compile(r"(.*): what (?:is|are) (.+)\?")
_DATED_LABEL_RE = re.compile(rf", ({YEAR})$")  # a place and its year: "India, 1930"


def _names_things(rest: str) -> bool:
    """Whether a rest tells of names or dates: a year, or a capitalised word or an acronym inside a sentence
    ("Gandhi's 1930 Salt March", "olive oil and ancient Mediterranean trade", "chloroform, CFCs")."""
    if _YEAR_IN_REST_RE.search(rest):
        return True
    for m in _CAPITALISED_RE.finditer(rest):
        before = rest[: m.start()].rstrip(' "“(*_')
        if (
            before
            and before[-1] not in ".!?:;"
            and len(m.group()) > 1
            and m.group() not in _FIRST_PERSON_CAPS
        ):
            return True  # (not a variable's letter: "do X or not", set BM)
    return False


_YEAR_IN_REST_RE = re.compile(r"\b(?:1[0-9]{3}|20[0-9]{2})s?\b|\b\d+ (?:BC|BCE|AD|CE)\b")
_CAPITALISED_RE = re.compile(r"\b[A-Z][\w'’-]*")
_FIRST_PERSON_CAPS = frozenset("I I'm I’m I've I’ve I'd I’d I'll I’ll".split())


def _coined(term: str) -> bool:
    """Whether a label is a term of art the source names: a quoted phrase, one with a number ("System 1", "the five
    steps"; a place's year apart, "India, 1930"), a phrase ending on a word for an idea ("the Ben Franklin effect",
    "naive realism", "Hogarth's distinction"), a long one ("long-term games with long-term people"), or one
    uncommon word made an adjective ("Hypergolic")."""
    term = _DATED_LABEL_RE.sub("", term)
    words = term.lower().split()
    if not words or term[:1] in "\"“'" or len(words) > 3 or any(map(str.isdigit, term)):
        return True
    if any(w in COUNT_WORDS for w in words):
        return True  # "the five steps", "the three engines of growth": a count the source gives
    last = words[-1].strip("\"”'")
    if last.endswith(("ism", "isms")):
        return True
    if len(words) > 1:
        return last in _IDEA_HEADS or last.rstrip("s") in _IDEA_HEADS
    return last.endswith(("ic", "ical")) and not common_english(last)


# the last word of a phrase naming an idea: "the peak-end rule", "loss aversion", "the Zeigarnik effect"
_IDEA_HEADS = frozenset(
    """effect bias fallacy principle rule law paradox problem theory hypothesis trap loop syndrome heuristic dilemma
    illusion gap curve model method technique strategy framework mindset test ratio index aversion trade-off
    tradeoff distinction idea concept insight lesson argument thesis metaphor analogy""".split()
)


def _says_what_to_do(rest: str) -> bool:
    """Whether a label's rest opens on what to do ("repeat the last three words", "link something you need to do
    with ...", "read what you love", "understand and name the other side's feelings"): a practice, defined."""
    words = [w.strip(",.;:()\"“”'").lower() for w in rest.split()[:4]]
    if not words or not words[0] or not rest[:1].islower():
        return False
    first = words[0]
    if first in BASE_VERBS or first in _IMPERATIVES or first in _ADVICE_VERBS:
        return True
    if first.endswith("ing"):
        return False  # 'learning "the Knowledge"': what someone did (set BN), no instruction
    # a verb, then what it acts on ("pair a new habit", "take the initiative", "state when ...")
    return len(words) > 1 and (
        words[1] in _OBJECT_LEADS or words[1] == "and" and len(words) > 3 and words[3] in _OBJECT_LEADS
    )


_OBJECT_LEADS = frozenset(
    """a an the your you it them one each every yourself this that these those some his her their our my what when
    where how something anything everything""".split()
)


def _step_question(title: str, term: str, ctx: tuple[str, ...]) -> str | None:
    """'what does the "Identify" step do?' for a one-word label that is a verb under a heading over a method's
    steps ("## The Box–Jenkins loop"): a step named by what you do (judged blind in set AY: "what is Identify?",
    "what is Diagnose?")."""
    word = term.lower()
    if " " in term or not (term[:1].isupper() or term.islower()) or not _under(_STEPS_HEADING_RE, ctx[1:]):
        return None
    if word.endswith(_VERB_SUFFIXES) or word in BASE_VERBS or word in _IMPERATIVES or word in _STEP_VERBS:
        return f'{topic(title)}: what does the "{term}" step do?'
    return None


_VERB_SUFFIXES = ("ify", "ate", "ose", "ize", "ise")
_STEP_VERBS = frozenset("assign update repeat init sample select merge split sort prune fit".split())
# a heading over the steps of a method ("## The Box–Jenkins loop", "## Steps", "## The process", "## Lloyd's
# algorithm": "2. **assign**: each point goes to its nearest centroid", judged blind in set BF: "what is assign?")
_STEPS_HEADING_RE = re.compile(
    r"\b(?:loop|steps?|process|cycle|stages?|phases?|workflow|pipeline|procedure|algorithm)\b", re.I
)


def _member_question(title: str, term: str, ctx: tuple[str, ...]) -> str | None:
    """ "what is the ownership test?" for a label under a heading that names what its labels are ("### Tests":
    "**Ownership**: owned >= 2 of the 5 years ..."); judged blind in set BF, "what is ownership?" and "what is
    use?" asked what everyone knows, and in set BL "what is outsider?", "what is double standard?" under "## Tests"
    (the reader's fix: "the outsider test", "the double standard test")."""
    m = _MEMBERS_HEADING_RE.fullmatch(ctx[-1]) if len(ctx) > 1 else None
    words = term.split()
    kind = m.group(1).lower() if m else ""
    if (
        m is None
        or len(words) > 3
        or not all(w.isalpha() for w in words)
        or words[-1].lower().startswith(kind)
    ):
        return None
    if words[0][1:].islower() and all(w.islower() for w in words[1:]):
        term = term[0].lower() + term[1:]  # capitalised only as the label: "Double standard"
    return f"{topic(title)}: what is the {term} {kind}?"


# a heading that names what the labels under it are: "### Tests", "## The two rules", "## Requirements"
_MEMBERS_HEADING_RE = re.compile(
    r"(?:the\s+)?(?:(?:two|three|four|five|six|\d+|main|key)\s+)?"
    r"(test|rule|requirement|condition|check|exception|stage|phase)s",
    re.I,
)


def _counted(front: str, answer: str) -> str:
    """ "what are the 3 replication lag anomalies?" for "what are replication lag anomalies?" answered by a list of
    three: the question says how many to name (judged blind in set AU: "what are anomalies?" answered by four of
    them read as a request for a definition)."""
    m = _WHAT_ARE_RE.search(front)
    if m is None or m.group(1).split()[0].lower() in _NOT_COUNTED:
        return front
    items = [i.strip() for i in _LIST_SPLIT_RE.split(answer.strip().rstrip("."))]
    if not _LIST_ITEMS[0] <= len(items) <= _LIST_ITEMS[1] or any(
        not i or len(i.split()) > _LIST_ITEM_WORDS or _NOT_AN_ITEM_RE.search(i) or _doing_or_claim(i)
        for i in items
    ):
        return front
    return f"{front[: m.start(1)]}the {len(items)} {m.group(1)}?"


def _doing_or_claim(item: str) -> bool:
    """Whether a list's item is a doing ("pull from lots of sources", "hedge") or a claim ("GR breaks down"), which
    the label's things are not: judged blind in set BR, "what are the 3 Foxes?" for what foxes do, and "what are the
    3 black holes?" for what a black hole is."""
    words = item.lower().split()
    if words[0] in BASE_VERBS or words[0] in _IMPERATIVES or words[0] in _ADVICE_VERBS:
        return True
    return any(w.endswith("s") and w in _CLAIM_VERBS_S for w in words[1:])


# verbs in -s of a claim about the label ("relativity breaks down"), built once (a union per word cost a copy of VERBS)
_CLAIM_VERBS_S = VERBS | frozenset("breaks fails stops grows falls rises dies wins loses goes comes".split())
_WHAT_ARE_RE = re.compile(r": what are ([^?]+)\?$")
_NOT_COUNTED = frozenset("the a an some any these those all".split()) | frozenset(COUNT_WORDS)
_LIST_SPLIT_RE = re.compile(r",\s+(?:and\s+|or\s+)?|;\s+")
_LIST_ITEMS = (3, 6)
_LIST_ITEM_WORDS = 4
# an item that is a clause, a sum, a figure or an example, no name in a list ("w + r > n", "e.g. ...", "→ ...")
_NOT_AN_ITEM_RE = re.compile(r"[=→>+<$%()\d]|\be\.g\.|\betc\b|\b(?:is|are|was|were|has|have)\b")


_MONEY_RE = re.compile(r"[$€£]\d")
_DEICTIC = frozenset("this that these those here there".split())
_COMPARING = frozenset("compared contrasted relative unlike versus vs vs.".split())
_REPORTING_VERBS = frozenset("cites mentions quotes introduces discusses explains describes invokes".split())
_LABEL_CLAUSE_VERBS = frozenset(
    "differ differs vary varies matter matters means depends applies happens gets goes comes turns becomes stays "
    "seems looks".split()
)
# a verb in -s inside a label, before its object ("Automaticity kills progress: ...", not "Quick wins: ...")
_LABEL_OBJECT_VERBS = frozenset(
    "kills beats wins loses hurts helps works fails drives makes breaks needs takes gives keeps builds".split()
)
# someone saying something, inside a label: "Kuhn quotes Max Planck: ...", "Senra argues against ...": a clause
_SAYING_S = frozenset("says argues claims notes admits recommends compares calls warns jokes recalls".split())
# a label naming something by its relation to what the card leaves unsaid ("Blind spot", "My setting")
_RELATIONAL = frozenset(
    "my our his her their its other another blind main biggest big real key core central possible potential".split()
)
_CLAUSE_SPAN = 3  # "the decision boundary can get ...", "profit is fine": a verb this early makes it a clause
_LABEL_PREPOSITIONS = frozenset(
    "under above below after before since until during without with vs versus".split()
)
_PRONOUNS_OF_PEOPLE = frozenset("he him his she her they them their".split())


_BRACKETED_RE = re.compile(r"\([^()]*\)")
# a finite verb: with one within a rest's first words, the rest is a clause of its own ("sales roughly doubled ...")
_FINITE = frozenset(
    """is are was were has have had does did can could will would should must may might isn't aren't wasn't weren't
    doesn't don't didn't can't won't hasn't haven't said took went came gave became began grew fell rose ran saw
    knew""".split()
)
# a word after which a verb belongs to a relative or a question ("the cues that tell you ...", "what X produces")
_CLAUSE_OPENERS = frozenset("that which who whom whose where when while if because as what how why".split())
_CLAIM_WORDS = 5
_AGENT_WORDS = frozenset("by to on in for as from with".split())  # "used by", "based on": a description
_MARKED_SOON = 12  # a bold span starting within this many characters opens the rest
# adjectives that make a topic of a noun rather than name a thing ("Recurring tension", "Noisy validation")
_TOPIC_ADJECTIVES = DESCRIPTIVE_ADJECTIVES | frozenset(
    "recurring noisy stale everyday possible partial".split()
)


# the endings of ordinary words made from others: of a topic heading a claim ("Caching", "Fallout"), and of a kind
# naming a formula or a marked instance ("Exponential", "Backbone")
_TOPIC_ENDINGS = ("ing", "tion", "sion", "ment", "ness", "ity", "ance", "ence", "out", "space")
_KIND_ENDINGS = ("al", "ion", "ence", "ance", "ing", "ity", "ive", "ment", "bone")


def _ordinary_label(term: str, endings: tuple[str, ...] = _KIND_ENDINGS) -> bool:
    """One ordinary word or one made from one with one of ``endings`` ("Exponential", "Decomposition",
    "Recurrence", "Backbone"), no name or compound ("Gini impurity", "cross-entropy")."""
    word = term.lower()
    return term.isalpha() and term[1:].islower() and (common_english(word) or word.endswith(endings))


def _person_card(
    out: Collector, body: str, lead: int, ctx: tuple[str, ...], first: int, last: int
) -> Card | None:
    """ "Topic: who is X?" for a name leading a bullet under a heading over people ("Helen Castor: medieval England;
    wrote *She-Wolves* (2010) ..." under "## The hosts"), whatever numbers or titles the rest holds."""
    if not _among_people(ctx):
        return None
    term, rest = unbold(body[:lead]).strip(" :—-"), body[lead:].strip()
    if " " not in term or len(rest.split()) < 3 or not _person(term, rest, ctx=ctx):
        return None
    return new_card(
        CardKind.KEYPOINT, f"{topic(out.title)}: {_who(term)}?", rest, first, last, ctx, generated=True
    )


# a heading over a source's own words ("## Core vocabulary", "## Six principles"): its one-word labels are terms
_VOCABULARY_HEADING_RE = re.compile(
    r"\b(?:vocabulary|glossary|terms|terminology|concepts|principles|laws|techniques|tactics|definitions|jargon)\b",
    re.I,
)
# a first word that judges or ranks what the label names ("Striking bit", "Easier alternative", "Recurring theme")
_JUDGING_ADJECTIVES = frozenset(
    "striking surprising interesting notable famous funny weird odd classic recurring better worse simpler cheaper "
    "faster easier harder bigger smaller".split()
)
_QUANTITY_LEADS = frozenset("lots plenty tons loads".split())


def _no_term(label: str) -> bool:
    """Whether a lead can name no term: two things joined ("Lydgate + Rosamond", "interpretive / shared"), a
    negation or a modal ("not comparable across tokenizers", "federal return doesn't care", "infections can cause
    cancer"), or a comparison ("narrower in other ways"). Judged blind (sets V to X): "what is Fred + Mary?", "what
    are not comparable across tokenizers?" read as broken."""
    if _asked_as_is(label):
        return False  # "Provide options, don't make lame excuses": a maxim, asked what it means
    if " & " in label and label[:1].isupper():
        return True  # "Myrtle & George Wilson": two people, no term (set AF)
    if (
        " + " in label
        or " / " in label
        and label.replace(" / ", " ").replace(" ", "").isalpha()
        and label.islower()
    ):
        return True  # (but "chrF / chrF++", "GPTQ / AWQ": one thing's names)
    words = label.lower().split()
    if any(w in _NEGATIONS or w in _MODALS for w in words):
        return True
    if len(words) == 1 and len(words[0]) > 5 and words[0].endswith("ed") and not words[0].endswith("eed"):
        return True  # "Underused: surveys keep finding ...": a verdict on the topic, no term (set BI)
    if words and words[-1].endswith(_QUALIFIER_ENDS):
        return True  # "Data-side: noise the decoder inputs": which side of a fix, no term (set AP: "what is Data-side?")
    return len(words) > 1 and words[1] in ("in", "than") and words[0].endswith("er")


# "ghost in the story: **Phaedrus** = narrator's former self": the bold name is the answer to the label (set AP:
# "what is ghost in the story?")
_BOLD_EQUALS_RE = re.compile(r"\*\*[^*\n]{1,40}\*\* = ")
_QUALIFIER_ENDS = ("-side", "-level", "-wise", "-related", "-specific")


_NEGATIONS = frozenset("not no doesn't don't isn't aren't can't cannot never won't".split())
_MODALS = frozenset("can could may might must should will would".split())
# the last word of a label that sums up rather than names ("small stuff", "isolation everywhere")
# and of a lower-case one that does ("flip side", "general mood", "hidden problems", "takeaway either way")
# a clause's subject in a label
_ANYONE = frozenset("everyone everybody nobody someone anyone people".split())
# what someone adds to a talk: "Huberman's addition", "Dubner's take", "Carlin's point"
_CONTRIBUTIONS = frozenset(
    """addition additions take point points tip tips advice argument pitch claim answer pushback caveat critique
    version fix story framing twist counter contribution suggestion objection""".split()
)
_FINDINGS = frozenset("claim claims finding findings result results conclusion takeaway headline".split())
_GIST_NOUNS = frozenset(
    "side sides way ways problem problems mood thing point points idea ideas kind part parts".split()
)
_VAGUE_LABEL_ENDS = frozenset("stuff things bits everywhere anywhere again too overall inside".split())
# past participles not in -ed: a label ending in one says what happened to it ("trading floor frozen")
_PARTICIPLES_EN = frozenset(
    "frozen broken stolen taken given written hidden forgotten chosen shaken fallen beaten driven spoken lost won shut "
    "sunk gone done".split()
)
# people by their family or part in a story: a bullet's first words say a name is a person's, and "The mother: ..."
# is asked who she is
_KIN_AND_PARTS = frozenset(
    "mother father son daughter wife husband brother sister narrator protagonist captain doctor".split()
)
_PEOPLE_NOUNS = _KIN_AND_PARTS | frozenset(
    "boy girl man woman hero heroine villain grandmother grandfather uncle aunt king queen prince princess".split()
)
# a verb's particle ending a two-word label ("Watch out", "Log in")
_LABEL_PARTICLES = ADVERB_PARTICLES | {"in", "on"}
# a plural of people ending a label: the label asks who they are ("id Software founders", "Nobel winners")
_PEOPLE_PLURALS = frozenset(
    """founders co-founders cofounders authors hosts members guests inventors winners investors judges partners
    employees hires colleagues rivals mentors students backers researchers scientists engineers people men women
    children kids folks parents brothers sisters""".split()
)
_REFLEXIVES = frozenset("himself herself themselves itself myself yourself ourselves".split())
# verbs that tell what someone went on to do ("decided to court ...", "tried to ..."), never what a thing is
_STORY_VERBS = frozenset(
    "decided tried refused managed chose wanted started stopped agreed promised planned offered began hoped failed "
    "learned vowed".split()
)
_SCENE_PREPOSITIONS = frozenset("at in via on from".split())


def _scene(term: str, words: list[str], rest: str) -> bool:
    """Whether a label sets a scene of a story rather than naming a term: a doing ("Counting votes himself"), a time
    and place ("Senate years in Washington", "Post-war burnout at Cornell"), or a label before what someone went
    on to do ("...: decided to court the chairmen"). "Value at Risk" (a title-case name) is still a term."""
    if any(w in _REFLEXIVES for w in words):
        return True
    lead = rest.split(None, 2)
    if len(lead) > 1 and lead[0].lower() in _STORY_VERBS and lead[1] == "to":
        return True
    original = term.split()
    if len(original) < 3 or all(w[:1].isupper() for w in original if w.lower() not in STOP_WORDS):
        return False
    for i, w in enumerate(words[1:-1], 1):
        after = original[i + 2] if original[i + 1] == "the" and i + 2 < len(original) else original[i + 1]
        if w in _SCENE_PREPOSITIONS and after[:1].isupper():
            return True
    return False


def _states_a_claim(rest: str) -> bool:
    """Whether ``rest`` opens on a clause with its own subject and verb ("PwC said ...", "sales roughly doubled
    ...", "small val sets bounce around"), not a description of a term ("the cues that tell you ...")."""
    words = _BRACKETED_RE.sub(" ", rest).split()[:_CLAIM_WORDS]
    for i, raw in enumerate(words):
        w = raw.strip(",;:.!?\"'*`“”").lower()
        if w in _CLAUSE_OPENERS or raw.startswith(('"', "“")):
            return False
        if i and (
            w in _FINITE
            or w.endswith("s")
            and w in VERBS
            and w not in ADVERBS
            and not w.endswith("ss")
            or w.endswith("ed")
            and words[i - 1].endswith("ly")
            or w in _CLAIM_BASE_VERBS
            and _plural_subject(words[i - 1])
        ):
            return True
        if raw.endswith((".", ";", ":")):
            return False
    return False


# verbs' base forms after a plural subject open a claim ("reserves sit mostly at a few banks", "most states tax
# gains as income", "both sides keep a story"): judged blind in sets BF, BN and BO, "what is concentration?" before
# such a claim did not fit
_CLAIM_BASE_VERBS = BASE_VERBS | frozenset(
    "tax get do lift die win lose beat end spend carry owe qualify vary".split()
)


def _plural_subject(raw: str) -> bool:
    """Whether a word can be a plural noun that is a clause's subject ("reserves", "sides"), not a verb in -s or a
    word of another kind ("process", "across")."""
    w = raw.lower()
    return (
        raw.isalpha()
        and len(w) > 3
        and w.endswith("s")
        and not w.endswith(("ss", "us", "is"))
        and w not in STOP_WORDS
        and w not in VERBS
        and w not in S_MODIFIERS
    )


def _topic_of_a_claim(term: str, rest: str) -> bool:
    """A label naming a topic, not a term, ahead of a claim about it: "Caching: Bélády's optimal eviction needs the
    future", "Recurring tension: sales roughly doubled ...". Asked "what is caching?", the back does not answer it;
    judged blind, the question did not fit. A named thing defined by a claim ("Detached HEAD: HEAD holds ...",
    "Stacking rule: tax on ... is figured ...") is still a term."""
    words = term.split()
    if _REPORTED_RE.search(rest[:80]) and words and words[-1].lower() not in EPONYM_HEADS:
        return True  # "**Tesla**: says running a car company is the hardest": what was said of it (set AD)
    # one word: an ordinary word or one made from one ("Caching", "Fallout"), not a coinage ("Mediocristan")
    if len(words) == 1:
        topical = _ordinary_label(words[0], _TOPIC_ENDINGS)
    elif len(words) == 2:
        topical = words[0].lower() in _TOPIC_ADJECTIVES and words[1].lower() not in EPONYM_HEADS
    else:
        return False
    return topical and _states_a_claim(rest)


# someone saying something of a topic: the bullet reports a view, it does not define the label
_REPORTED_RE = re.compile(r"\b(?:says|said|argues|thinks|claims|repeats|admits|jokes|recalls|warns)\b")
# a section over the cases a rule catches or the examples of an idea ("## Traps": "**Spouse**: purchases by your
# spouse count", "## Intuition via examples": "**k-NN**: k=1 -> ..."): its labels are cases, no terms; judged blind
# in set BM, "what is spouse?", "what is k-NN?"
_CASES_HEADING_RE = re.compile(
    r"\b(?:traps?|gotchas?|pitfalls?|(?:edge|special|corner) cases?|watch[- ]outs?|(?:via|by|through) examples?)\b",
    re.I,
)
# a section over the cases a rule treats apart ("## Special cases", "### Edge cases"): its labels are those cases
_SPECIAL_CASES_HEADING_RE = re.compile(r"\b(?:special|edge|corner) cases?\b", re.I)


def _case_name(term: str, body: str) -> str:
    """A case's label as a question names it: in lower case when it is an ordinary word capitalised only as the
    bullet's first ("Gifts" -> "gifts"), as written otherwise ("RSUs", "ESPP", "Stock options" -> "stock options")."""
    first = term.split()[0]
    if (
        first[:1].isupper()
        and first[1:].islower()
        and not _written(body, f" {first}", "abcdefghijklmnopqrstuvwxyz")
    ):
        return term[0].lower() + term[1:]
    return term


# a section over where something is used ("## Uses", "## Applications"): its labels are fields, no terms
_USES_HEADING_RE = re.compile(
    r"\b(?:uses|use cases|applications|applied|(?:where|how) (?:it'?s |they(?:'re| are| were) |it was )?used|"
    r"used (?:in|for)|in practice)\b",
    re.I,
)
# "Joy", "McNamara", "MacLeod", "DePodesta", "DiMaggio", "LaGuardia", "O'Brien"
_NAME_TAIL_RE = re.compile(r"[a-z]+|(?:c|ac|e|i|a)[A-Z][a-z]+|['’][A-Z][a-z]+")


_ACCENTED_NAME_RE = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]+")  # "Brasília", "Zürich", "Gödel"


def _named_thing(term: str, rest: str, ctx: tuple[str, ...], body: str) -> bool:
    """Whether a bold lead is the name of a place, a work or a person ("Le Corbusier", "Brasília", "Commander
    Keen") whose bullet tells facts about it rather than what it is: judged blind, "what is Brasília?" was too vague
    to answer, where a cloze of the facts ("[...] — Lúcio Costa's plan, Niemeyer's buildings") asks something. A
    concept's name ("Lindy Effect", "Dunbar's Number") or a rest that defines ("a ...") keeps its "what is"."""
    words = term.split()
    if not 1 <= len(words) <= 3 or not all(
        w[:1].isupper() and _NAME_TAIL_RE.fullmatch(w[1:]) or _ACCENTED_NAME_RE.fullmatch(w) for w in words
    ):
        return False
    if words[-1].lower() in EPONYM_HEADS or any(w.endswith(("'s", "’s")) for w in words):
        return False
    if len(words) == 1 and (common_english(words[0]) or everyday_word(words[0])):
        return False
    if not (rest[:1].isupper() or rest[4:5].isupper() and rest.startswith("the ")) or rest.startswith(
        ("The name", "Short for", "The ")
    ):
        return False  # "**Zappos**: online shoe retailer ...", "**X**: the relationship ...": what it is
    if len(words) == 1 and _ordinary_plural(words[0]):
        return False  # "**Affordances**": a plural noun
    if _written(body, term[0].lower() + term[1:]):
        return False  # "reciprocity" elsewhere in the note: a concept, capitalised only to open its bullet
    if _written(rest, term):
        return False  # judged blind in set BX: "[Hendra]: Sept 1994, Hendra (a Brisbane suburb)": shown again
    return not _under(_VOCABULARY_HEADING_RE, ctx[1:])


def _person(term: str, rest: str, *, bold: bool = False, ctx: tuple[str, ...] = ()) -> bool:
    """Whether a label is a person's name ("Bill Joy: ...", "Annette Lareau: ..."): two or three capitalised words,
    the rest saying "he", "her", "they" or the last word no English word; "what is Bill Joy?" asks nothing. A bold
    label is more often a named thing ("**Backdoor Roth**"): the rest must say it is a person ("born 1931 ...",
    "classmate who ...", "she"), or the section be about people ("## The hosts", "## Key figures")."""
    words = term.split()
    if len(words) > 1 and words[0] in _TITLES_OF_PEOPLE:
        # judged blind in set AO: "**Dr. Masakazu Fujii** — his private hospital ...", "**Rev. Kiyoshi Tanimoto**":
        # a title before names is a person's, whatever the rest says
        return all(w[:1].isupper() and _NAME_TAIL_RE.fullmatch(w[1:].rstrip(".")) for w in words[1:4])
    if len(words) == 3 and _INITIAL_RE.fullmatch(words[1]) and _person(f"{words[0]} {words[2]}", "he"):
        return True  # "William H. Seward", "Salmon P. Chase": a middle initial is a person's (set AX)
    if not 1 <= len(words) <= 4 or not all(w[:1].isupper() and _NAME_TAIL_RE.fullmatch(w[1:]) for w in words):
        return False  # (four: "Ida Mae Brandon Gladney", judged blind in set AL)
    said = [w.lower().strip(".,;:()") for w in rest.split()]
    if len(words) > 1 and _ordinary_plural(words[-1]):
        # "Adventure Consultants", "Royal Engineers": a firm or a team (set AA); but "Beck Weathers — Texas
        # pathologist ..." is a person
        if not any(w in _PEOPLE_WORDS or w.endswith(("ist", "ian")) and len(w) > 5 for w in said[:3]):
            return False
    among_people = _among_people(ctx)
    if len(words) > 1 and among_people:
        return True
    pronoun = any(w in _PRONOUNS_OF_PEOPLE for w in said)
    if len(words) == 1:  # "**Brent**: the one engineer who knows everything ... he's the constraint"
        if among_people:
            # "**Worsley** — captain, navigator ..." under "## People worth remembering" (set Y); "**Watson**: young
            # American postdoc ..." under "## Cast", a surname that is also a word (set AR)
            return True
        if common_english(words[0]):
            return False
        return any(w in _PEOPLE_WORDS for w in said[:4]) and pronoun
    if bold:
        # "**Morris Chang**: decades at TI, passed over for the top job → recruited to Taiwan": a life, a person's
        return (
            pronoun or any(w in _PEOPLE_WORDS for w in said[:3]) or any(w in _LIFE_WORDS for w in said[:12])
        )
    return pronoun or not common_english(words[-1].lower())


_INITIAL_RE = re.compile(r"[A-Z]\.")
_TITLES_OF_PEOPLE = frozenset(
    "Dr. Mr. Mrs. Ms. Mx. Rev. Prof. Fr. Capt. Gen. Col. Lt. Sgt. Sen. Gov. Sir Dame Lady Lord Dr Mr Mrs Ms".split()
)
# a heading over people: the names under it are people's ("## The hosts", "## Cast of characters")
_PEOPLE_HEADING_RE = re.compile(
    # ("People worth remembering", "The six people", but not "Conventions people layer on top", set AX)
    r"^people\b|\bpeople\s*$|\bpeople (?:worth|on|i|to know|quoted|mentioned|who)\b|"
    r"\b(?:hosts?|guests?|cast|characters|key (?:figures|players)|who['’]?s who|speakers|panel(?:ists)?|"
    r"co-?founders|founders|authors|the team|(?:two|three|four|five|six|seven|eight|\d+) (?:men|women))\b",
    re.I,
)


def _who(term: str) -> str:
    """ "who is Bill Joy", "who are Post Internet People" (set BM: "who is Post Internet People?")."""
    return f"who are {term}" if term.split()[-1].lower() in _PEOPLE_PLURALS else f"who is {term}"


def _among_people(ctx: tuple[str, ...]) -> bool:
    """Whether a bullet sits under a heading over people only ("## The hosts", "## Hosts and guests"), not one over
    people and things ("## People / stuff built", whose labels are as often an editor or a network: judged blind in
    set BE, "who is Ethernet?", "who is Smalltalk?")."""
    return any(
        _PEOPLE_HEADING_RE.search(h)
        and not h.endswith(":")  # a lead-in sentence ("The authors say ... in 4 ways:"), no heading (set BM)
        and all(
            _PEOPLE_HEADING_RE.search(part)
            for part in _HEADING_PARTS_RE.split(h)
            if any(w.lower() not in STOP_WORDS for w in part.split())
        )
        for h in ctx[1:]
    )


_HEADING_PARTS_RE = re.compile(r"\s*(?:/|&|\+|\band\b)\s*")
# what a life holds: a bold name whose bullet says one of these is a person's ("recruited to Taiwan", "died in 1980")
_LIFE_WORDS = frozenset("recruited hired fired retired married divorced died emigrated graduated".split())
# the first words of what a bullet says of a person ("born 1931 ...", "classmate who ...", "team lead")
_PEOPLE_WORDS = _KIN_AND_PARTS | frozenset(
    """born died classmate founder co-founder ceo cto professor author engineer developer lead leader host guest coach
    economist psychologist researcher scientist physicist historian journalist investor manager mentor friend
    navigator photographer carpenter surgeon sailor explorer boss teacher schoolteacher lawyer nurse farmer
    sharecropper soldier pilot priest banker trader writer novelist poet painter singer actor actress chemist
    mathematician politician senator governor statesman president general admiral judge b""".split()
)  # ("b. 1937 Haifa": born)


def keypoint_cards(out: Collector, lines: list[Line], pending: list[PendingCloze]) -> None:
    """The card of one key-point bullet: a ``keypoint`` card now, or a generated cloze added to ``pending``."""
    if len(lines) == 1:
        text = strip_comments(lines[0].text)
    else:
        text = strip_comments("\n".join(ln.text.strip() if i else ln.text for i, ln in enumerate(lines)))
    body = _INNER_NUMBER_RE.sub("", strip_list_marker(text).strip(), count=1)
    if "TODO" in body or "FIXME" in body:
        # judged blind in set BF: "Gap statistic (Tibshirani et al., 2001). TODO: actually try this one.": the
        # writer's note to self after the point is no part of its card
        body = _TRAILING_TODO_RE.sub("", body).rstrip() or body
    # the writer's asides at the end go from the card (``without_asides``); the checks of the writer's doubts and
    # opinions read the bullet whole (``original``)
    original = body
    body = without_asides(body)
    if not body:
        return
    out.keypoint_bodies.append(body)
    ctx = out.context()
    if out.lead_in:
        ctx = (*ctx, plain_text(out.lead_in, light=True))
    first, last = lines[0].no, lines[-1].no
    if body.endswith(":") and len(lines) == 1:
        out.skip(first, body, "introduces the list under it (its items are the key points)")
        return
    if _REFERENCE_LEAD_RE.match(body):
        # judged blind (sets AJ, AU): "Reference: Hastie, [Montanari], Rosset ...", "Paper: Yun et al., ...": where a
        # point came from is no point; a blank in it hides an author or a year
        out.skip(first, body, "a reference to a source, not a point of it")
        return
    if _TODO_RE.match(body):
        out.skip(first, body, "a note to self (TODO), not a point of the source")
        return
    if _TASK_RE.match(text):
        out.skip(first, body, "a task of the writer's (a checkbox), not a point of the source")
        return
    if out.note.type in _DATED_KINDS and _PRO_CON_RE.match(body):
        # judged blind in set BT: "(+) the 'what happened next' sections in every chapter": in a book's or an
        # episode's note, a plus or a minus is the writer's verdict on it (a method's pros, in a topic note, are facts)
        out.skip(first, body, "the writer's plus or minus of the source, an opinion")
        return
    if out.lead_in and EXAMPLE_LEAD_RE.fullmatch(out.lead_in.strip()) and any(map(str.isdigit, body)):
        # judged blind in set BU, all DROP: "Example:" over "- Old rollover IRA: $63,000 pre-tax", "- New
        # contribution: $7,000", "- Convert $7,000 → 90% = $6,300 taxable": a worked example's own figures
        out.skip(first, body, "a figure of a worked example, not a fact of the source")
        return
    if _DANGLING_END_RE.search(body):
        # judged blind in set BV: "**Wage/property limit**: capped at the greater of" over its two caps: a piece of
        # one sentence cut over several bullets (an item ending on ", or" under its lead-in reads whole: kept 3 of 5)
        out.skip(first, body, "a piece of a sentence that goes on in the next bullet")
        return
    plan = _own_plan(ctx)
    if plan is not None:
        out.skip(first, body, f"under '{plan}': the writer's own plan, not a point of the source")
        return
    counted = None
    if ": " in body and _COUNT_HINT_RE.search(body, 0, body.find(": ")):  # "X has three laws: ..."
        counted = _counted_list_card(out, body, ctx, first, last) or _counted_label_card(
            out, body, ctx, first, last
        )
    if counted is not None:
        out.add(counted)
        return
    if body.startswith(("**", "__")) and (m := _BOLD_LABEL_LEAD_RE.match(body)):
        label = m.group(1).strip()
        asked = _label_question(label)
        listed = _LIST_NUMBER_RE.match(text)
        numbered = (
            None
            if asked
            else _numbered_part_question(label, ctx, out.note.type, listed.group(1) if listed else "")
        )
        if numbered:
            # judged blind in set AO: "**3 Harmony of the Worlds** → Kepler vs Tycho ...": the blank took the
            # chapter's number with its title, and the quiz offered "14 Encyclopaedia Galactica" of a book of 13
            asked = numbered
        if asked and (len(m.group(2).split()) > 2 or numbered):
            # judged blind in set AJ: "what is the 30 June 2009?", "what is Part I, "In Perfect Health I Begin"?"
            out.add(
                new_card(
                    CardKind.KEYPOINT,
                    f"{topic(out.title)}: {asked}",
                    m.group(2),
                    first,
                    last,
                    ctx,
                    generated=True,
                )
            )
            return
    lead = label_lead(body) if ":" in body[:40] else 0
    if (
        lead
        and (
            body[:lead].strip("*_: ").lower().startswith(("example", "e.g", "worked"))
            or body[:lead].strip("*_: .").lower() in ("ex", "eg")
        )
        and (
            len(numbers := _NUMBER_RE.findall(body)) >= _WORKED_NUMBERS
            or len(numbers) >= 2
            and _FIRST_PERSON_RE.search(body)
        )
    ) or _arithmetic(body):
        out.skip(first, body, "a worked example: its numbers are inputs and steps, the rule is the fact")
        return
    if lead and body[:lead].strip("*_: ").lower().startswith(("personal ", "my own ")):
        out.skip(first, body, "the writer's own note ('Personal note:'), not a point of the source")
        return
    if ": " in body[:60] and (card := _person_card(out, body, body.find(": ") + 2, ctx, first, last)):
        out.add(card)
        return
    if " — " in body[:60] and (card := _person_card(out, body, body.find(" — ") + 3, ctx, first, last)):
        out.add(card)  # "Eric Orton — adventure coach who ..." under "## Cast" (judged blind in set AS)
        return
    if ":" in body[:50] and _OWN_LABEL_RE.search(unbold(body[: body.find(":")])):
        # "**Effect for me**: NY taxes ...", "honest reaction: I skimmed parts", "maybe next: ...": the writer's own
        # case, view or plan (judged blind: "what is effect for me?", "what is honest reaction?")
        out.skip(first, body, "an opinion or a reaction, not a fact")
        return
    if _OWN_TODO_RE.match(original) or (any_in(_HEDGE_HINTS, original) and _HEDGE_RE.search(original)):
        # "Re-listen to the section on ...", "Look up the Sutton essay", "(~56% after fees iirc)": the writer's to-do,
        # or a fact the writer is not sure of (judged blind: drilled uncertainty)
        out.skip(first, body, "the writer's own to-do, or a fact the writer is not sure of")
        return
    if _BOLD_VERDICT_RE.match(body):
        # "**Not required.** Only if the employee asks ...": the answer to the heading's question, which no card
        # made of the bullet could ask (a cloze of "Not required" reads as a riddle)
        out.skip(first, body, "a bold verdict answering the heading, not a fact a card can ask")
        return
    if not lead and (m := _SOURCE_PLACE_LEAD_RE.match(body)):
        # "Chapter 11 coins the word meme ...": where in the book, shown; what it says is asked
        lead = m.end()
    if not lead and (body.startswith(("**", "__")) or ": " in body[:60]):
        lead = _topic_lead(body)
    if not lead and (body.startswith(("**", "__")) or ": " in body[:60] or _ARTICLE_BOLD_RE.match(body)):
        # (a term card is made of an opinion too: its back loses the aside whatever the bullet's tone)
        card = _term_card(out, body, ctx, first, last)
        if card is not None:
            out.add(card)
            return
        if (m := _BOLD_COLON_LEAD_RE.match(body)) is not None:
            # "**Story:** colonial Delhi ...", "**Time**: failures show up ...": no term, so a label; shown above the
            # blanks, never one (judged blind in set V: "[...] colonial Delhi ..." hid "Story")
            lead = m.end()
    if _NO_REFERENT_RE.match(body) and out.note.type == "podcast" and not _PERSON_RE.search(out.title):
        # a book's "he" is its author, a podcast's the guest its title names; "Acquired: TSMC" names no one
        out.skip(first, body, f"opens on '{body.split()[0]}': the card alone would not say who")
        return
    if body is not original and opinion(original) and not opinion(body):
        body = original  # (a bullet the aside made an opinion stays one: its point is the writer's, no cloze)
    masked_body = strip_list_marker(mask_spans(body)[0])
    if lead:  # the label is kept on the card, never hidden: the spans are picked after it
        masked_body = masked_body[lead - (len(body) - len(masked_body)) :]
    pending.append(_pending(PendingCloze, (out.reserve(), body, masked_body, ctx, first, last)))


# "What I'm actually going to do", "My plan", "Action items", "Things to try": the writer's plans, not the source's
_OWN_PLAN_RE = re.compile(
    r"\b(?:I|I'm|I’m|I'll|I’ll|my|me|our)\b.*\b(?:going to|will|plans?|try|trying|to do|doing|setup|set-up|apply|"
    r"applying|changes?|change|next|decided|decision)\b|\bmy (?:own )?(?:thoughts?|takes?|opinions?|views?|"
    r"reactions?|reflections?|impressions?)\b|^(?:my |our )?(?:action items|to-?dos?|things to try|"
    r"next steps|decisions?)\b|\b(?:takeaways?|lessons?|notes?) for (?:me|us)\b|\bwe decided\b|"
    r"\bfor (?:me|us|myself|ourselves)\b|"
    # what the writer still has to find out ("Open questions / todo", "Questions I still have", "To look up")
    r"\bopen questions?\b|\btodo\b|\bquestions (?:I|we) (?:still )?have\b|"
    # the writer's own view or doubts: "Own thoughts", "Things I'm unsure / want to check"
    r"^(?:own|personal) (?:thoughts?|takes?|views?|notes?)\b|\bunsure\b|\bwant to (?:check|verify)\b|"
    # the writer's complaints and checks (judged blind: 5 of the 6 cards under them were dropped)
    r"^(?:gripes?|quibbles?|nitpicks?|complaints?|meh|things to check)\b|^what (?:I|we) did\b|"
    r"^to (?:look up|check|verify|follow up|revisit|re-?listen|re-?read|re-?watch)\b|^follow[- ]ups?$|"
    # the writer's own case worked through ("Our situation", "My numbers", "Our household", "Our rough numbers")
    r"^(?:my|our) (?:own |rough |actual |real )?(?:situation|case|numbers|household|family|return|taxes|example)\b|"
    # the writer's team and its house rules ("Where our team stands", "Our workflow", "Our repo's conventions")
    r"\bwhere (?:we|I|our team) stands?\b|\bour team\b|^(?:my|our) (?:team's |repo's )?(?:workflow|setup|"
    r"conventions|policy|policies|process|house rules)\b|"
    # the writer's sums for someone they know ("Quick calc for my friend", "Numbers for our household")
    r"\b(?:calcs?|calculations?|math|numbers|scenario) for (?:my|our)\b|"
    r"\bfor (?:my|our) (?:friend|partner|wife|husband|mom|dad|parents|brother|sister|kids?)\b|"
    # what the writer means to read, hear or watch next ("To listen next", "Reading list", "Up next")
    r"^(?:to[- ](?:read|listen(?: to)?|watch|try|buy|learn|explore)\b|(?:reading|watch|listening) ?list\b|"
    r"up next\b|queue\b|backlog\b)|\b(?:read|listen|watch|explore) next\b|"
    # a worked example's inputs and steps: the rule it works through is the fact
    r"^(?:a |an )?(?:worked example|toy example|example calculation|examples?$|examples? \(|worked\b)",
    re.I,
)


@lru_cache(maxsize=4096)
def _under(pattern: re.Pattern, headings: tuple[str, ...]) -> bool:
    """Whether any of a bullet's headings (its context past the note's title) matches ``pattern``: asked once per
    section, whose bullets share their headings."""
    return any(pattern.search(h) for h in headings)


_PLANS: dict[tuple[str, ...], str | None] = {}


def _own_plan(ctx: tuple[str, ...]) -> str | None:
    """The heading above a bullet that makes it the writer's own plan, or None (once per section's headings)."""
    headings = ctx[1:]  # (the title apart: the same headings recur in note after note)
    got = _PLANS.get(headings, "")
    if got == "":
        got = next((h for h in headings if _OWN_PLAN_RE.search(h)), None)
        if len(_PLANS) < 10_000:
            _PLANS[headings] = got
    return got


_ITEMS_RE = re.compile(r",|;| and ")  # the items of the list after the colon
_COUNTED_VERBS = (
    "has|have|covers|cover|includes|include|needs|need|takes|take|rests on|rest on|comes in|come in"
)
# two to ten, in words and digits ("four Ts", "7 habits"): a count a list after a colon can answer
_COUNT = "|".join([*(w for w, n in COUNT_WORDS.items() if 2 <= n <= 10), *map(str, range(2, 11))])
_COUNT_HINT_RE = re.compile(rf"\b(?:{_COUNT}|\d+|\w+fold)\b", re.I)  # a cheap test before the full patterns
# "Autonomy covers four Ts: task, time, ...", "**Mastery** has three laws: ...": the list is what to recall
_COUNTED_LIST_RE = re.compile(
    rf"^(?:\*\*|__)?(?P<subject>[A-Za-z][\w'’-]*(?: [\w'’-]+){{0,3}}?)(?:\*\*|__)? (?P<verb>{_COUNTED_VERBS}) "
    rf"(?P<count>{_COUNT}) (?P<noun>[\w'’-]+(?: [\w'’-]+){{0,2}}?): (?P<items>.+)$",
    re.I,
)


def _counted_list_card(out: Collector, body: str, ctx: tuple[str, ...], first: int, last: int) -> Card | None:
    """ "X has three laws: a, b and c" asked as "Topic: what are the three laws of X?", the list its answer; a
    cloze of it hid X, which the list gives away, or the count, which the list counts."""
    m = _COUNTED_LIST_RE.match(body)
    if m is None or len(_ITEMS_RE.split(m.group("items"))) < 2:
        return None
    subject = unbold(m.group("subject"))
    if subject.split()[0] in ("The", "A", "An"):
        # "The classic schedule has seven stages": "of the classic ..."
        subject = subject[0].lower() + subject[1:]
    if subject.split()[0].lower() in STOP_WORDS - _ARTICLES or any(
        w.lower() in SUBJECT_PRONOUNS for w in subject.split()
    ):
        return None  # "It has three parts: ...": who "it" is was in the bullet before
    named = re.search(rf"[a-z,] {re.escape(subject)}\b", out.note.body)  # capitalised mid-sentence: a name
    if " " not in subject and subject[1:].islower() and not named:
        subject = subject.lower()  # "Mastery" opened the bullet: "the three laws of mastery"
    elif " " in subject and subject[:1].isupper() and not subject.lower().startswith(("the ", "a ", "an ")):
        subject = f"the {subject}"  # "the three parts of the Weekly Review"
    count, noun = m.group("count").lower(), m.group("noun")
    front = f"{topic(out.title)}: what are the {count} {noun} of {subject}?"
    return new_card(
        CardKind.KEYPOINT, front, unbold(m.group("items")).strip(), first, last, ctx, generated=True
    )


# "Seven deadly flaws of carrots and sticks: ...", "Threefold nature of work: ...", "Four-criteria model for ...: "
_COUNTED_LABEL_RE = re.compile(
    rf"^(?:\*\*|__)?(?P<label>(?:{_COUNT}|\w+fold|(?:{_COUNT})-\w+)\b[^:*_\n]{{3,70}}?)(?:\*\*|__)?: (?P<items>.+)$",
    re.I,
)


def _counted_label_card(
    out: Collector, body: str, ctx: tuple[str, ...], first: int, last: int
) -> Card | None:
    """ "Seven deadly flaws of carrots and sticks: a, b, c ..." asked as "Topic: what are the seven deadly flaws
    of carrots and sticks?": a cloze of it hid the label (the list gives it away) or one item (a guess)."""
    m = _COUNTED_LABEL_RE.match(unbold(body))
    if m is None or len(_ITEMS_RE.split(m.group("items"))) < 3:
        return None
    label = m.group("label").strip()
    if _DAY_DATE_RE.fullmatch(label):
        # judged blind in set BU: "5 Dec 1914: leaves Grytviken ..." asked "what is the 5 Dec 1914?" (the day read
        # as a count): asked as a bold date is (``_label_question``)
        front = f"{topic(out.title)}: {_label_question(label)}"
        return new_card(CardKind.KEYPOINT, front, m.group("items").strip(), first, last, ctx, generated=True)
    if any(w.lower() in _CLAUSE_VERBS or w.lower() in SUBJECT_PRONOUNS for w in label.split()) or any(
        w in BASE_VERBS or w in VERBS for w in label.lower().split()[2:3]
    ):
        return None  # "Three of them are ...", "Two abilities matter most ...": a claim, not a label
    label = label[0].lower() + label[1:] if label[1:2].islower() or label[1:2] == "-" else label
    words = label.split()
    # "three places it's used"
    verb = "are" if _plural(label) or len(words) > 1 and _plural(words[1]) else "is"
    front = f"{topic(out.title)}: what {verb} the {label}?"
    return new_card(CardKind.KEYPOINT, front, m.group("items").strip(), first, last, ctx, generated=True)


_ADVICE_STARTS = frozenset("never always use don't avoid keep it they you".split())  # "never combine ..."


def _topic_lead(body: str) -> int:
    """The length of a lead that names a topic rather than a term (0 if it names a term), so the lead is kept on a
    cloze of what follows, never hidden nor asked "what is" about.

    Judged blind: "what are time series?" answered by advice on splitting them, "what is time travel?" by a guest's
    doubt, "what are order matters?" by a sequence of calls. A lead is a topic when it says something ("**Order
    matters**:", "**Failure means different things**:"), when what follows is a claim about it ("**Quantum
    computers**: they don't prove ...", "**Arrow of time**: it all comes from ..."), or a claim or advice holding a
    command, number or formula to hide ("**Time series**: shuffled K-fold lets ... Use `TimeSeriesSplit`")."""
    m = _BOLD_LEAD_RE.match(body) if body.startswith(("**", "__")) else _LABEL_LEAD_RE.match(body)
    if m is None or (m.re is _BOLD_LEAD_RE and m.group(3)):
        return 0
    lead_text = unbold(body[: m.end()]).strip(" :-–—*_")
    if _DATE_LEAD_RE.fullmatch(lead_text):
        return m.end()  # "**1964** — Blue Ribbon Sports formed with ...": when, kept above what happened
    if _asked_as_is(lead_text):
        return 0  # "**Embrace boredom**:", "**Three places it's used**:": a lead asked as it stands
    lead = [w.lower() for w in lead_text.split()]
    if len(lead) > 1 and any(w in _COPULAS or (w.endswith("s") and w[:-1] in BASE_VERBS) for w in lead[1:3]):
        return m.end()  # "Order matters", "Failure means different things": the lead says something
    rest = body[m.end() :]
    words = [w.strip(",;:()'\"").lower() for w in rest.split()[:4]]
    if not words:
        return 0
    if words[0] in _CLAIM_STARTS and not any(
        w in VERBS or w in _CLAUSE_VERBS or w.endswith("ed") for w in lead
    ):
        return m.end()  # "they don't prove many-worlds", "it all comes from the Big Bang"; not "AdaBoost came
        # first: it reweights ...", where the lead is the claim
    if words[0] in _IMPERATIVE_STARTS or words[:2] in (["if", "you"], ["when", "you"]):
        return m.end()  # "Parenting: don't push a quiet kid ...": advice, not what parenting is
    # "shuffled K-fold lets the model ...", "rent control ended in 1994": a verb other than "is" early on
    claim = (
        words[0] not in _ARTICLES
        and words[0] not in ("if", "when", "where")
        and any(
            w.isalpha() and (verb_like(w) or w.endswith("ed") and len(w) > 4) and w not in _COPULAS
            for w in words[1:3]
        )
    ) or (
        # "**Hoover Dam / Lake Mead** — finished 1936.": what happened to it and when, no definition (judged blind in
        # set AS: "what is Hoover Dam / Lake Mead?" answered "finished 1936"); a person's life asks who they are
        (words[0].endswith("ed") and len(words[0]) > 4 or words[0] in _PAST_FORMS)
        and _WHEN_RE.match(" ".join(words[1:3]))
        and not _person(lead_text, rest, bold=True)
    )
    if "`" not in rest and "$" not in rest and not any(map(str.isdigit, rest)):  # (the same test, in C)
        return (
            0  # nothing sharper to hide than the term ("people feel obliged to return a favour"): asked about
        )
    advice = words[0] in _ADVICE_STARTS
    if words[:1] == ["never"] and len(words) > 1 and words[1].endswith("s"):
        advice = False  # "never overestimates the true cost": what it is, not what to do
    return m.end() if advice or claim else 0


# a timeline's lead: "1964", "1970s", "Late 70s", "Early 2010s", "March 2020"
_DATE_LEAD_RE = re.compile(
    rf"(?:(?:early|mid|late|(?:{MONTHS})) )?(?:{YEAR}|\d0)(?:['’]?s)?(?:\s?[–-]\s?\d{{2,4}})?",
    re.I,
)
_PAST_FORMS = frozenset("done built begun won lost sold made shut led".split())
_WHEN_RE = re.compile(
    r"(?:(?:in|on|by) )?(?:\d|early|mid|late|the \d)"
)  # "1936", "in 1982", "in the late 60s"
_IMPERATIVE_STARTS = frozenset("don't do not avoid always".split())  # not "never": "never overestimates"
_CLAIM_STARTS = frozenset("it it's they he she we this that these those there".split())


# "He got a PhD in 1964" (a podcast about someone): who "he" is was in the bullet before, which a card does not show
_PERSON_RE = re.compile(r"\b(?!The\b)[A-Z][a-z]+ [A-Z][a-z]+")  # "Naval Ravikant", "Sam Altman"
_NO_REFERENT_RE = re.compile(r"^(?:He|She|They|His|Her|Their|Him|Them)\s")


def complete_pending(out: Collector, pending: list[PendingCloze]) -> None:
    """Choose the terms of the pending clozes, now that the whole note is read (its word counts computed once)."""
    if not pending:
        return
    weights = TermWeights(out.note.body, out.doc_freq, out.n_docs)
    avoid = content_stems(out.title)
    named = frozenset(_title_acronyms(out.title)) | _author_stems(out.note)
    common = CommonStems(out.keypoint_bodies)
    made = [_generated_cloze(out, p, weights, avoid, common, named) for p in pending]
    fronts = Counter(
        (p.context, c.front) for p, cards in zip(pending, made, strict=True) if cards for c in cards
    )
    for p, cards in zip(pending, made, strict=True):
        if cards and any(fronts[p.context, c.front] > 1 for c in cards):
            # "the ability to [...]" under "What LLMs lack:", twice (reason, plan): judged blind in set Y, two
            # right answers; a card that reads as another of its list word for word cannot say which it asks
            out.skip(p.first, p.body, "its card would read as another of its list word for word")
            cards = None
        out.fill(p.slot, cards)


def _author_stems(note: Note) -> frozenset[str]:
    """The stems of a book's or an episode's author (a topic note's "author" is a paper's, a fact worth a card)."""
    return frozenset(content_stems(note.author)) if note.author and note.type in _DATED_KINDS else frozenset()


def _title_acronyms(title: str) -> set[str]:
    """The initials of the title's first words, as stems: "mf" of "Matrix factorization for collaborative
    filtering", "qsb" (QSBS) of "Qualified small business stock exclusion" (judged blind in set AH: "[MF] is the
    latter", "keep [QSBS] status" hid the topic)."""
    words = [w for w in _TITLE_WORD_RE.findall(title) if w.lower() not in STOP_WORDS]
    # from the first word only: the title's head is its topic ("TS" of "Multi-armed bandits: ... and Thompson
    # sampling" is one of the methods it compares, judged a good blank)
    runs = {"".join(w[0] for w in words[:n]).upper() for n in range(2, min(len(words), 5) + 1)}
    # a name opening on a capitalised small word: "TAL" of "This American Life #460" (judged blind in set AX:
    # "[TAL] ran ..." four times in one note)
    named = _TITLE_WORD_RE.findall(re.split(r"\s[#—–:(]|:", title, maxsplit=1)[0])
    if len(named) > 2 and named[0].lower() in STOP_WORDS and all(w[:1].isupper() for w in named):
        runs.add("".join(w[0] for w in named).upper())
    return content_stems(" ".join(runs)) if runs else set()


_TITLE_WORD_RE = re.compile(r"[A-Za-z][\w'’-]*")
_REFERENCE_LEAD_RE = re.compile(
    r"(?:\*\*|__)?(?:References?|Refs?|Papers?|Sources?|Citations?)(?:\*\*|__)?\s*:", re.I
)


# a note to self after a bullet's point: a sentence opening on TODO, or one in brackets
def without_asides(body: str) -> str:
    """``body`` without the writer's asides at its end, a sentence or a bracket at a time: "Best chapter IMO.",
    "Not relevant to me.", "(Double check this.)", "I didn't know cod was that tied up in it.", ", lol", and a short
    verdict ("Absurd skill."). Judged blind in sets BF to BP, cards carrying one were marked to trim 17 times. The
    point before them stays whole; a body that is all aside is left as it is (an opinion, which makes no card)."""
    if not _ASIDE_HINT_RE.search(body):
        return body  # (nearly every bullet: one scan)
    while True:
        cut = _LOL_END_RE.search(body)
        if cut is None:
            m = _LAST_BRACKET_RE.search(body) or _LAST_SENTENCE_RE.search(body)
            if m is None or not _is_aside(m.group(1)):
                return body
            cut = m
        kept = body[: cut.start()].rstrip()
        if len(kept.split()) < _MIN_KEPT_WORDS:
            return body
        if kept[-1:].isalnum():
            kept += "."  # ", lol." after a sentence's last word: the sentence keeps its stop
        body = kept


def _is_aside(part: str) -> bool:
    """Whether a sentence or a bracket of a note's bullet is the writer's aside: a note to self, a verdict, or the
    writer in the first person (outside quotation marks: "as 'you' instead of 'I'" is the point)."""
    if _ASIDE_WORDS_RE.search(part):
        return True
    words = part.lower().strip("().!? ").split()
    if len(words) <= _VERDICT_WORDS and (
        any(w.strip(",") in _VERDICTS for w in words) or " ".join(words[-2:]) == "own book"
    ):
        # judged blind in set BU: "Hurt to read.", "Absurd skill.", "Nice.", "Needs its own book."
        return True
    unquoted = _QUOTED_RE.sub(" ", part)
    return _WRITER_RE.search(unquoted) is not None


_MIN_KEPT_WORDS = 4
_VERDICT_WORDS = 4  # a short last sentence of a verdict word is the writer's reaction
_VERDICTS = frozenset(
    """nice cool wild crazy insane absurd amazing incredible brutal grim sad hurt wow lol hilarious classic
    fascinating impressive remarkable unreal bonkers depressing chilling haunting heartbreaking love loved""".split()
)
# the writer's notes to self and verdicts, wherever they stand in a sentence
_ASIDE_WORDS = (
    r"TODO|FIXME|IMO|IMHO|imo|tbh|[Dd]ouble[- ]check|[Nn]ot (?:100% )?sure|[Nn]eed to (?:check|look)|"
    r"[Nn]ot relevant to (?:me|us)|[Ll]ove this|worth looking at|[Ss]kipping (?:it|this|for now)"
)
_ASIDE_WORDS_RE = re.compile(rf"\b(?:{_ASIDE_WORDS})\b")
_WRITER = r"I|I'[a-z]+|I’[a-z]+|my|me|myself"
_WRITER_RE = re.compile(rf"\b(?:{_WRITER})\b")
# a cheap test first: an aside's word, the writer, "lol", or a short last sentence, before any sentence is read
_ASIDE_HINT_RE = re.compile(rf"\b(?:{_ASIDE_WORDS}|{_WRITER}|lol)\b|[.!)]\s+\w+(?:\s+\w+){{0,3}}[.!]\s*$")
# the last bracket of a bullet, and its last sentence (after a stop, from a capital)
_LAST_BRACKET_RE = re.compile(r"\s*(\([^()]*\))[.!?]?\s*$")
_LAST_SENTENCE_RE = re.compile(
    r"(?<=[.!?])\s+((?:\*\*|__)?[A-Z][^.!?]*(?:[.!?](?=\w)[^.!?]*)*[.!?]?(?:\*\*|__)?)\s*$"
)  # (in bold too: "**Need to check whether he did.**", set BX)
_LOL_END_RE = re.compile(r",?\s*\b(?:lol|lmao|haha)\b[.!]?\s*$", re.I)
_QUOTED_RE = re.compile(r'"[^"]*"|“[^”]*”')


_TRAILING_TODO_RE = re.compile(r"(?<=[.!?;)*_])\s+(?:TODO|FIXME)\b.*$|\s*\((?:TODO|FIXME)\b[^)]*\)", re.S)
_TODO_RE = re.compile(r"(?:\*\*|__)?(?:TODO|FIXME|To-?do|Note to self)\b", re.I)
# "- 7) facts & circumstances: ...": the list's own count before a label, which a question would read out
_INNER_NUMBER_RE = re.compile(r"^\(?\d{1,2}\)\s+(?=[^:\n]{1,40}:\s)")
_ONE_FORMULA_RE = re.compile(r"\$[^$\n]+\$[.;]?")  # a rest that is one formula and nothing else
# a paragraph that only announces a worked example: "Example:", "Worked example (2025):", "E.g.:"
EXAMPLE_LEAD_RE = re.compile(
    r"(?:\*\*|__)?(?:(?:A |Worked |Quick |My )?[Ee]xample|E\.g\.|For example|For instance)(?:\s*\([^()]{0,30}\))?"
    r"(?:\*\*|__)?:(?:\*\*|__)?"
)
_DANGLING_END_RE = re.compile(
    r"\s(?:of|the|a|an|to|for|with|by|than)\s*$"
)  # (", or" ends a list's item: kept)
_PRO_CON_RE = re.compile(r"\((?:\+|-|−|–)\)\s|(?:\+|−)\s+[a-z]|(?:Pro|Con|Plus|Minus)\s*:", re.I)
_TASK_RE = re.compile(r"\s*(?:[-*+]|\d+[.)])\s+\[[ xX]\]\s")  # "- [ ] Finish part two": a task list's item
_DATED_KINDS = ("book", "podcast")  # notes whose years are mostly the story's dates, not rules in force
_SHORT_FRONT = 40  # characters a front keeps besides its blanks, under which its words are counted


def _shows_little(shown: str) -> bool:
    words = _SHOWN_WORD_RE.findall(shown)
    return len(words) < _MIN_SHOWN_WORDS or all(w.lower() in STOP_WORDS for w in words)


_SHOWN_WORD_RE = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_MIN_SHOWN_WORDS = 3


def _generated_cloze(
    out: Collector,
    p: PendingCloze,
    weights: TermWeights,
    avoid: set[str],
    common: CommonStems,
    named: frozenset[str] = frozenset(),
) -> list[Card] | None:
    """The cloze cards of one bullet (one per hidden span, one cloze text), or None (the reason kept)."""
    body = p.body
    offset = len(body) - len(p.masked_body)
    spans, why = pick_spans(
        body[offset:],
        weights,
        p.masked_body,
        avoid=avoid,
        common=common,
        # the label kept before the blanks ("Calibration: ...") is read like a heading
        shown=heading_stems([*_shown_headings(p.context, out.keypoint_headings), body[:offset]]),
        limit=MAX_CLOZES_PER_BULLET,
        years=out.note.type not in _DATED_KINDS,
        named=named,
    )
    if not spans:
        out.skip(p.first, body, why)
        return None
    spans = [(s + offset, e + offset) for s, e in spans]
    if len(body) - sum(e - s for s, e in spans) < _SHORT_FRONT and _shows_little(
        _join(body, spans, [" "] * len(spans))
    ):
        # "[...], or", "Beam: [...].", "[...] else to it.": judged blind, a front with almost nothing but its
        # blank asks nothing
        out.skip(p.first, body, "the card would show little besides its blank")
        return None
    groups = list(range(1, len(spans) + 1))  # the cloze number of each span
    # "$1,600 self-only, $3,200 family": a hidden number's double, shown, is hidden with it (same card)
    pairs = list(zip(spans, groups, strict=True))
    for span, group in list(pairs):
        twin = twin_number(body, span)
        if twin is not None and not any(s < twin[1] and twin[0] < e for s, e in spans):
            pairs.append((twin, group))
    pairs.sort()
    spans, groups = [p[0] for p in pairs], [p[1] for p in pairs]
    answers = [unbold(body[s:e]) for s, e in spans]
    plain = unbold(body)
    sib = sibling_key("c", plain)
    cloze = _join(body, spans, [f"{{{{c{g}::{a}}}}}" for g, a in zip(groups, answers, strict=True)])
    cards = []
    for n in range(max(groups)):
        shown = [("[...]" if g == n + 1 else a) for g, a in zip(groups, answers, strict=True)]
        cards.append(
            new_card(
                CardKind.CLOZE,
                _join(body, spans, shown),
                plain,
                p.first,
                p.last,
                p.context,
                generated=True,
                sibling=sib,
                cloze_text=cloze,
                cloze_index=n + 1,
                answer=" / ".join(a for g, a in zip(groups, answers, strict=True) if g == n + 1),
            )
        )
    return cards


_SHOWN_HEADINGS: dict[tuple[tuple[str, ...], frozenset[str]], list[str]] = {}


def _shown_headings(context: tuple[str, ...], keypoint_headings: frozenset[str]) -> list[str]:
    """The headings of a card's context past the title that are not key-point headings (once per section: its
    bullets share their context)."""
    key = (context, keypoint_headings)
    got = _SHOWN_HEADINGS.get(key)
    if got is None:
        got = [h for h in context[1:] if _norm_heading(h) not in keypoint_headings]
        if len(_SHOWN_HEADINGS) < 10_000:
            _SHOWN_HEADINGS[key] = got
    return got


def _join(body: str, spans: list[tuple[int, int]], parts: list[str]) -> str:
    """``body`` with each span replaced by its part, bold markers dropped from the rest (also a pair that a span
    cuts into, "**The [...]** model")."""
    out = []
    pos = 0
    for n, (s, e) in enumerate(spans):
        out.append(body[pos:s])
        out.append(f"\x00{n}\x00")
        pos = e
    out.append(body[pos:])
    text = unbold("".join(out))
    for n, part in enumerate(parts):
        text = text.replace(f"\x00{n}\x00", part, 1)
    return text
