"""The term picker: which words of a sentence are worth hiding (a generated cloze, a quiz blank).

``salient_span(text, weights)`` is the span of the most salient term of ``text``: a bold span when there is one,
else the best run of one to three content words, scored by TF-IDF (``TermWeights``: the word's count in the note
against its document frequency in the corpus; without corpus statistics longer words count as more specific).
``salient_term`` wraps both for a caller with only a sentence. ``word_set`` tokenises a note as the weights do (the
corpus statistics are counted with it).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Container, Iterable
from functools import lru_cache
from itertools import pairwise

from kb.cards.lexicon import (
    ADVERB_PARTICLES,
    BASE_VERBS,
    CLAUSE_WORDS,
    COUNT_WORDS,
    DESCRIPTIVE_ADJECTIVES,
    DETERMINERS_AND_PREPOSITIONS,
    FIRST_PERSON,
    GENERIC_NOUNS,
    INTENSIFIERS,
    KNOWN_ABBREVIATIONS,
    MONTH_PATTERN,
    OBJECT_STARTS,
    OPINION_LEADS,
    OPINION_WORDS,
    PREPOSITIONS,
    SCALES,
    STOP_WORDS,
    SUBJECT_PRONOUNS,
    UNITS,
    VERB_ENDINGS,
    VERBS,
    WORD_RE,
    common_english,
    noun_goes_on,
    plural_word,
    verb_like,
)
from kb.cards.spans import (
    RANK,
    YEAR,
    YEAR_RE,
    Candidate,
    code_example,
    code_given_away,
    counted_items,
    derived_number,
    entity_candidates,
    list_item,
    long_list,
    masked_candidates,
    new_candidate,
    next_word,
    number_candidates,
    prev_word,
    shape,
    side_detail,
)
from kb.markdown import MASK, unbold

SCAN_LIMIT = 2000  # characters of a text searched for its term: bounds the cost of a huge bullet
MAX_BOLD_WORDS = 6  # a longer bold span is emphasis, not a term

_BOLD_RE = re.compile(r"\*\*[^*\n]{1,200}?\**\*\*(?!\*)")
# Determiners and prepositions: a run of content words right after one ("on dopamine", "the reflog") is likely a
# noun phrase, which makes a better term.
_DET_BONUS = 1.3  # a run right after a determiner or preposition
_LY_PENALTY = 0.6  # a word ending in -ly (likely an adverb)
_BOLD_BONUS = 2.0  # the writer marked it: a bold span beats any run of plain words


def word_set(text: str) -> set[str]:
    """The distinct lower-case words of a text, tokenised as the term weights see them."""
    return set(WORD_RE.findall(text.lower()))


class TermWeights:
    """TF-IDF weights of (lower-case) words in one note, computed on first use and kept.

    ``doc_freq(word)``: the number of notes containing the word, ``n_docs`` the number of notes; without them the
    inverse document frequency is a length bonus (longer words are more specific).
    """

    __slots__ = ("_body", "_idf", "_lower", "cache", "doc_freq", "n_docs")

    def __init__(self, body: str, doc_freq: Callable[[str], int] | None = None, n_docs: int = 0):
        self._body = body
        self._lower: str | None = None
        self.doc_freq = doc_freq
        self.n_docs = n_docs
        self.cache: dict[str, float] = {}  # read directly by salient_span (a method call per word shows)
        self._idf = _idf_table(doc_freq, n_docs) if doc_freq is not None and n_docs > 0 else None

    def count(self, phrase: str) -> int:
        """How often the note holds ``phrase`` (lower case), as a substring."""
        if self._lower is None:
            self._lower = self._body.lower()
        return self._lower.count(phrase)

    def __call__(self, word: str) -> float:
        w = self.cache.get(word)
        if w is None:
            # substring count over the lower-cased body: a close, cheap stand-in for tokenising the whole note
            lower = self._lower
            if lower is None:
                lower = self._lower = self._body.lower()
            tf = max(lower.count(word), 1)
            if self.doc_freq is not None and self.n_docs > 0:
                idfs = self._idf
                idf = None if idfs is None else idfs.get(word)
                if idf is None:
                    idf = math.log((self.n_docs + 1) / (self.doc_freq(word) + 1)) + 1.0
                    if idfs is not None:
                        idfs[word] = idf
            else:
                idf = 1.0 + math.log(1 + len(word)) / 2
            w = self.cache[word] = (1 + math.log(tf)) * idf
        return w


def _idf_table(doc_freq: Callable[[str], int], n_docs: int) -> dict[str, float] | None:
    """The inverse document frequencies of words shared by every note weighed with ``doc_freq`` and ``n_docs``, when
    ``doc_freq`` keeps one (``CorpusStats.idf_tables``: its counts never change once read). The same words come back
    in note after note, and each note looked a word up among all the corpus's words and took its logarithm again."""
    tables = getattr(doc_freq, "idf_tables", None)
    if tables is None:
        return None
    table = tables.get(n_docs)
    if table is None:
        table = tables[n_docs] = {}
    return table


def salient_span(text: str, weights: TermWeights, masked: str | None = None) -> tuple[int, int] | None:
    """Span (in ``text``) of the term to hide, or None when ``text`` has no word worth it.

    ``masked``: ``text`` with code and math masked (``kb.markdown.mask_spans``), same length: masked characters are
    never part of a term. Bold spans come first (the writer marked them), then runs of non-stopwords by TF-IDF.
    """
    if masked is None:
        masked = text
    spans, _why = pick_spans(text, weights, masked, opinions=True, terms=False)
    if spans:
        return spans[0]
    if "**" in masked:
        span = _bold_span(text, masked, weights)
        if span is not None:
            return span
    return _run_span(text, masked, weights)


def salient_term(text: str, *, body: str | None = None, doc_freq=None, n_docs: int = 0) -> str | None:
    """The most salient term of ``text`` (bold markers removed), weighted within ``body`` (default: the text)."""
    from kb.markdown import mask_spans

    span = salient_span(
        text, TermWeights(text if body is None else body, doc_freq, n_docs), mask_spans(text)[0]
    )
    return None if span is None else unbold(text[span[0] : span[1]])


def _bold_span(text: str, masked: str, weight: TermWeights) -> tuple[int, int] | None:
    """The best ``**bold**`` span of up to six words (mean weight, a bonus for 2-3 words), none masked."""
    best: tuple[float, int, int] | None = None
    for m in _BOLD_RE.finditer(masked, 0, SCAN_LIMIT):
        inner = text[m.start() + 2 : m.end() - 2]
        if (
            MASK in masked[m.start() : m.end()]
            or not WORD_RE.search(inner)
            or len(inner.split()) > MAX_BOLD_WORDS
        ):
            continue
        words = [w for w in WORD_RE.findall(inner.lower()) if w not in STOP_WORDS]
        score = 0.0
        if words:
            score = sum(weight(w) for w in words) / len(words) * (1 + 0.25 * (min(len(words), 3) - 1))
        score *= _BOLD_BONUS
        if best is None or score > best[0]:
            best = (score, m.start(), m.end())
    return None if best is None else (best[1], best[2])


def _run_span(text: str, masked: str, weight: TermWeights) -> tuple[int, int] | None:
    """The best window of one to three consecutive content words within a run (cut at stopwords, punctuation and
    masks: a cheap stand-in for noun phrases), scored by mean weight with a bonus for 2-3 words."""
    pieces = _content_runs(masked, weight)
    # every window's score is ``total / k * (1 + 0.25 * (k - 1))``: k=1 is ``total`` itself, k=2 ``total / 2 *
    # 1.25``, k=3 ``/ 3 * 1.5`` (the same float operations in the same order as ever: ties break the same way);
    # a window of 2+ words spans 3+ characters, so only single words are checked for length
    best_sc = 0.0
    best_s = best_e = -1
    found = False
    for after_det, ps, pe, pw, _low in pieces:
        n = len(ps)
        for a in range(n):
            s = ps[a]
            e = pe[a]
            total = 0.0
            total += pw[a]
            if e - s >= 3 or text[s:e].isdigit():
                sc = total
                if a == 0 and after_det:
                    sc *= _DET_BONUS
                if text.endswith("ly", s, e):
                    sc *= _LY_PENALTY
                if not found or sc > best_sc + 1e-9:
                    best_sc, best_s, best_e, found = sc, s, e, True
            if a + 1 < n:
                total += pw[a + 1]
                sc = total / 2 * 1.25
                if a == 0 and after_det:
                    sc *= _DET_BONUS
                if not found or sc > best_sc + 1e-9:
                    best_sc, best_s, best_e, found = sc, s, pe[a + 1], True
                if a + 2 < n:
                    total += pw[a + 2]
                    sc = total / 3 * 1.5
                    if a == 0 and after_det:
                        sc *= _DET_BONUS
                    if not found or sc > best_sc + 1e-9:
                        best_sc, best_s, best_e, found = sc, s, pe[a + 2], True
    if not found or best_sc <= 0:
        return None
    return best_s, best_e


def _content_runs(
    masked: str, weight: TermWeights, lazy: bool = False
) -> list[tuple[bool, list[int], list[int], list[float | None], list[str]]]:
    """The runs of content words: (follows a determiner or preposition, starts, ends, weights, lower-case words).

    ``lazy``: a weight not computed yet for the note is left None, for the caller to compute when it scores the word
    (``_terms`` scores about two words in three; a weight costs a count over the whole note)."""
    weights = weight.cache
    pieces: list[tuple[bool, list[int], list[int], list[float | None], list[str]]] = []
    ps: list[int] = []
    pe: list[int] = []
    pw: list[float | None] = []
    pl: list[str] = []
    after_det = False
    sub = masked[:SCAN_LIMIT]
    if sub.isascii():
        # (``salience_words``' ASCII reading and ``_runs_of_words``, inline, to the same runs: a run break between
        # segments, the words of each; a list of words built and read again per bullet showed in the profile)
        pos = 0
        for seg in sub.translate(_ASCII_RUN_TABLE).lower().split("\n"):
            if pos:
                if ps:
                    pieces.append((after_det, ps, pe, pw, pl))
                    ps, pe, pw, pl = [], [], [], []
                after_det = False
            p = pos
            for chunk in seg.split(" "):
                if chunk:
                    low = chunk.strip("_'-")
                    if low:
                        if low in STOP_WORDS:
                            if ps:
                                pieces.append((after_det, ps, pe, pw, pl))
                                ps, pe, pw, pl = [], [], [], []
                            after_det = low in DETERMINERS_AND_PREPOSITIONS
                        else:
                            s = p if low is chunk else p + len(chunk) - len(chunk.lstrip("_'-"))
                            w = weights.get(low)
                            ps.append(s)
                            pe.append(s + len(low))
                            pw.append(weight(low) if w is None and not lazy else w)
                            pl.append(low)
                p += len(chunk) + 1
            pos += len(seg) + 1
        if ps:
            pieces.append((after_det, ps, pe, pw, pl))
        return pieces
    return _runs_of_words(salience_words(masked), weight, lazy)


def _runs_of_words(
    words: list[tuple[int, int, str] | None], weight: TermWeights, lazy: bool = False
) -> list[tuple[bool, list[int], list[int], list[float | None], list[str]]]:
    """``_content_runs`` of the words ``salience_words`` read (its ASCII path reads them inline, to the same runs)."""
    weights = weight.cache
    pieces: list[tuple[bool, list[int], list[int], list[float | None], list[str]]] = []
    ps: list[int] = []
    pe: list[int] = []
    pw: list[float | None] = []
    pl: list[str] = []
    after_det = False
    for item in words:
        if item is None:  # a run break
            if ps:
                pieces.append((after_det, ps, pe, pw, pl))
                ps, pe, pw, pl = [], [], [], []
            after_det = False
            continue
        s, e, low = item
        if low in STOP_WORDS:
            if ps:
                pieces.append((after_det, ps, pe, pw, pl))
                ps, pe, pw, pl = [], [], [], []
            after_det = low in DETERMINERS_AND_PREPOSITIONS
        else:
            w = weights.get(low)
            ps.append(s)
            pe.append(e)
            pw.append(weight(low) if w is None and not lazy else w)
            pl.append(low)
    if ps:
        pieces.append((after_det, ps, pe, pw, pl))
    return pieces


# ASCII text: characters of a run ([\w'’ -]) kept, any other character turned into a newline (a run break)
_ASCII_RUN_TABLE = {c: "\n" for c in range(128) if not (chr(c).isalnum() or chr(c) in "_'- ")}


def salience_words(masked: str) -> list[tuple[int, int, str] | None]:
    r"""The words of the first ``SCAN_LIMIT`` characters as (start, end, lower-case word), with None where a run of
    ``[\w'’ -]`` characters ends between two words (the words ``WORD_RE`` finds, the runs ``[\w'’ -]+``).

    ASCII text (nearly every bullet) is split with ``str.translate``/``split``: a run of ``[A-Za-z0-9_'-]`` holds one
    word, from its first to its last letter or digit -- what the regex finds, for a fraction of the cost of running
    it character by character. Other text goes through the regex.
    """
    sub = masked[:SCAN_LIMIT]
    out: list[tuple[int, int, str] | None] = []
    if sub.isascii():
        pos = 0
        for seg in sub.translate(_ASCII_RUN_TABLE).lower().split("\n"):
            if pos:
                out.append(None)
            p = pos
            for chunk in seg.split(" "):
                if chunk:
                    w = chunk.strip("_'-")
                    if w:
                        s = p + len(chunk) - len(chunk.lstrip("_'-"))
                        out.append((s, s + len(w), w))
                p += len(chunk) + 1
            pos += len(seg) + 1
        return out
    prev = 0
    for m in WORD_RE.finditer(sub):
        s, e = m.span()
        if (s - prev != 1 or sub[prev] != " ") and sub[prev:s].strip("_'’ -"):
            out.append(None)
        prev = e
        out.append((s, e, m.group().lower()))
    return out


# --- Key-point clozes: what a careful card writer hides in a plain sentence ------------------------------------
#
# Candidates come in kinds, best first: what the writer bolded; a number, amount, date or formula; a short command or
# code name; a named entity (capitalised words not opening the sentence, an acronym, "Form 1040-ES"); a short quoted
# phrase; else a specific run of content words (a noun phrase by its edges: no verb, adverb, article or punctuation
# there). A candidate is dropped when it names the note's topic (its words are all in the title), when its words
# are common to many of the note's key points, or when it shows elsewhere on the card's front.

# "suprachiasmatic nucleus (SCN)": a name followed by its abbreviation in brackets
_ACRONYM_AFTER_RE = re.compile(r"\**\s?\([A-Z][A-Za-z&.]*[A-Z]s?\)")
# "CEO line: ...", "Key dates: ...": a lead naming the kind of list that follows, not a fact of it
_LIST_LABELS = frozenset(
    "line lineup timeline list lists order sequence breakdown numbers figures stats dates names".split()
)
_LIST_ITEM_RE = re.compile(r", (?:and |or )?|; ")


def _short_list(text: str) -> bool:
    """Whether ``text`` is a list of three items or more, each a few words ("task, time, technique, team"): what a
    label before it names, so the label is no answer (the list gives it away). Not a sentence with commas ("ask for
    something big, let them refuse, then make the smaller request you wanted all along")."""
    items = _LIST_ITEM_RE.split(text.split(". ")[0].rstrip("."))
    return len(items) >= 3 and all(len(item.split()) <= 5 for item in items)


_UNIT_RANGE_RE = re.compile(
    r"^(?:y\s*=\s*|\\?[A-Za-z]+(?:_\{?\w+\}?)?\s*(?:>|<|\\ge|\\le|\\geq|\\leq|\\in|≥|≤|∈)\s*)?"
    r"(?:0|1|\[0,\s*1\]|\(0,\s*1\))$"
)
# "$F_0$", "$y$", "$W'$", "$\theta$", "$\hat{q}$", "$N_\epsilon$": a symbol's name (judged blind in sets Y, AE and AF:
# "hides only the notation"), where what the symbol is or does is the fact
# a symbol's name as LaTeX writes it ("\theta", "\hat{q}"), and its subscript and mark ("_0", "_{in}", "'")
_SYMBOL_COMMAND = r"\\[a-zA-Z]+|\\(?:hat|bar|tilde)\{?\\?[A-Za-z]+\}?"
_SYMBOL_MARKS = r"(?:_\{?\\?\w{1,8}\}?)?['*]?"
_BARE_SYMBOL_RE = re.compile(rf"^(?:[A-Za-z]{{1,3}}|{_SYMBOL_COMMAND}){_SYMBOL_MARKS}$")
_SYMBOL = rf"(?:[A-Za-z]|{_SYMBOL_COMMAND}){_SYMBOL_MARKS}"
# "z = g(h)": a symbol named as a function of another
_NAMED_APPLICATION_RE = re.compile(rf"{_SYMBOL}\s*=\s*{_SYMBOL}\(\s*{_SYMBOL}\s*\)")


def _notation_only(formula: str) -> bool:
    """Whether a formula only names symbols: two or more bare symbols listed ("\tilde{x}_i, \tilde{x}_j"), or one
    named as a function of another ("z = g(h)")."""
    parts = [p.strip() for p in formula.split(",")]
    if len(parts) > 1 and all(_BARE_SYMBOL_RE.match(p) for p in parts):
        return True
    return _NAMED_APPLICATION_RE.fullmatch(formula) is not None


_ABBREVIATION_RE = re.compile(r"(?:[A-Za-z]\.)+[A-Za-z]")  # "C.V", "U.S", "e.g"
# "w/", "b/", "w/o" before a blank, or a blank ending on their first letter
_SHORT_SLASH_BEFORE_RE = re.compile(r"(?:^|[\s(])[A-Za-z]/$")
_SHORT_WORD_END_RE = re.compile(r"(?:^|\s)[A-Za-z]$")
# words notes shorten with a dot: "prob.", "approx.", "incl."
_SHORTENED_WORDS = frozenset(
    "prob approx incl esp est avg min max vs etc cf fig ch chap vol pp ca resp govt dept info intro "
    "mass calif conn penn mich minn ariz colo fla ill ind kan okla tenn tex wis ala ark miss mont neb nev".split()
)
_NEGATED_VERB_RE = re.compile(r"\w+n['’]t\b", re.I)
# a determiner or a quantifier after a word in -s: that word is a verb and what follows its object ("drives most")
_DETERMINER_AFTER_RE = re.compile(
    r" (?:most|many|all|the|a|an|some|every|each|no|much|more|its|their|his|her)\b"
)
# what follows a verb and not a noun: an object pronoun, or "or"/"and" and another verb before one
_OBJECT_AFTER_RE = re.compile(r"(?: (?:or|and) [a-z]+(?:s|ed))? (?:him|her|them|it|me|us)\b")
# a capitalised word and "'s" before a blank: "Land's [End]"
_POSSESSIVE_NAME_BEFORE_RE = re.compile(r"\b[A-Z][\w-]*(?:['’]s|s['’]) $")
# a label that counts: "Trap 1", "Rule #2", "Step 3"
_NUMBERED_LABEL_RE = re.compile(r"[A-Za-z]+ #?\d{1,2}")
_BARE_POSSESSIVE_NAME_AFTER_RE = re.compile(r"['’] [A-Z]")
_BE_FORMS = frozenset("is are was were be been being".split())
# "'s" and a capitalised word after a blank: "Land's End", "Hell's Kitchen"
_POSSESSIVE_NAME_AFTER_RE = re.compile(r"['’]s [A-Z]")
_CITATION_HEADS = frozenset(
    "IRC Schedule Form Pub Publication Line Box Part Section Title Rev Notice".split()
)
_NUMBER_AFTER_RE = re.compile(r" ?(?:§|\d)")
_ASIDES = frozenset("imo imho iirc tbh fwiw afaik".split())
_HONORIFICS = frozenset("Mr Mrs Ms Dr Prof Lt Sgt Capt Col Gen Rev St Sr Jr".split())


def _inside_italics(text: str, c: Candidate) -> bool:
    """Whether a span lies inside a title set in italics (``*...*``) without being all of it."""
    for m in _ITALIC_RE.finditer(text):
        if m.start() <= c.start and c.end <= m.end() and (c.start, c.end) != (m.start(1), m.end(1)):
            return c.start > m.start() or c.end < m.end()
    return False


_ITALIC_RE = re.compile(r"(?<!\*)\*([^*\n]+)\*(?!\*)")

_WEB_ADDRESS_RE = re.compile(r"://|\bwww\.|\w\.(?:com|org|net|io|dev|ai|edu|gov)\b")
_VARIABLE_VERB_RE = re.compile(
    r"[a-zA-Z] [a-z]{3,}s"
)  # "y approaches", "p equals": a letter naming a value, a verb
_NAME_AFTER_RE = re.compile(r" [A-Z][a-z]")
_HOLIDAY_AFTER_RE = re.compile(
    r"\s*\((?:Valentine['’]?s Day|Christmas(?: Day| Eve)?|New Year['’]?s (?:Day|Eve)|Halloween|Independence Day|"
    r"Thanksgiving|Tax Day|the Fourth of July|July 4th)\)"
)
# the writer's own reading or listening, before a year: "Reading it in 2024", "I read it in 2019" (not "JFK read it in")
_READ_IN_BEFORE_RE = re.compile(
    r"(?:^|[.;:!?]\s*|\bI )(?:read|reading|listened to|listening to|finished)(?: it| this)? in $", re.I
)
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.\w")
# a name's particle and the rest of the name after a blank: "Franz von Waldeck", "Vincent van Gogh"
_NAME_PARTICLE_AFTER_RE = re.compile(r" (?:von|van|de|der|den|da|di|du|del|della|le|la|ibn|bin) [A-Z]")
_QUOTE_RE = re.compile(r"\"([^\"\n]{1,60})\"|“([^”\n]{1,60})”")
_SUBJECT_OF_RE = re.compile(
    r"(?:The|the) ([a-z][\w-]+ of (?:the )?[a-z][\w-]+) (?:is|are|means|refers to|[a-z]+s) "
)
_NOT_I_RE = re.compile(r"`[^`\n]*`|\bi\.e\.|-i\b")
_ANY_QUOTE_RE = re.compile(r"\"[^\"\n]{1,300}\"|“[^”\n]{1,300}”")
_GIVEN_AWAY = (
    "an ordinary English word",
    "shows in the card's headings",
    "the other numbers on the card",
    "counts the items listed on the card",
)
# "they don't [prove] many-worlds", "can't [see] the high-probability path": a verb follows these
_AUXILIARY_BEFORE = frozenset(
    "don't doesn't didn't can't cannot won't wouldn't shouldn't isn't aren't not never to can will would should must"
    " may might".split()
)
# words that open a verb's object: after one, a word in -s ending a run is that verb ("the [owner tunes] his ...")
_OBJECT_OPENERS = frozenset(
    "its his her their him them it himself herself itself themselves the a an my our your this these those".split()
)
# "Ford's Theatre", "Fish & Wildlife Service": a word that opens a name of two capitalised words or more
_NAME_POSSESSIVE_AFTER_RE = re.compile(r"['’]s [A-Z][a-z]+\b(?! [a-z])")
_AMPERSAND_NAME_AFTER_RE = re.compile(r" & [A-Z][a-z]+ [A-Z][a-z]")
_AMPERSAND_NAME_BEFORE_RE = re.compile(r"\b[A-Z][a-z]+ & $")
_ASIDE_WORDS = frozenset("imo imho tbh lol fwiw".split())
_ABBREVIATION_LETTERS = 5  # "Univ.", "Calif.": a shortened word before its point


def _shortened(word: str) -> bool:
    """Whether a word before ". " and a lower-case word, not in ``_SHORTENED_WORDS``, is shortened ("Univ"), not a
    sentence's last word in notes that do not capitalise ("... a linear drift. d=2 ...", "a major donor. awkward")."""
    return word.isalpha() and len(word) <= _ABBREVIATION_LETTERS and word.istitle()


# what may open a clause's subject: "the [contractor] tests ...", "[Goldstein] plays ..." (a bullet's first word)
_SUBJECT_OPENERS = frozenset("the a an this that his her their its my our your".split())
# verbs in -ing that end no name of a thing: a run ending on one is a noun and what it does ("[growth going]")
_MOTION_GERUNDS = frozenset(
    "going coming sliding calling getting saying trying looking heading falling rising moving turning".split()
)
_VERB_FOLLOWERS = ADVERB_PARTICLES | frozenset("well badly fast hard forward too also still".split())
_POSTPOSITIVE = frozenset(
    "possible available necessary needed required involved concerned imaginable".split()
)
_MIN_TERM_SCORE = 1.6  # a plain run of words below this is too weak a term to hide: no card


def _stem(word: str) -> str:
    w = word.lower().removesuffix("'s").removesuffix("’s")
    if len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    elif len(w) > 6 and w.endswith("ing"):
        w = w[:-3]  # "cherry-picking" is the title's "cherry-pick"
    return w


# a count and its unit: "5 years", "30 days", "3-month"
_COUNT_OF_UNIT_RE = re.compile(r"(\d[\d,.]*)[- ](year|month|week|day|hour|minute|second|decade)s?")


_LONG_WORD_RE = re.compile(r"[A-Za-z]{8}")  # a word long enough to have a derivational ending (``_root``)


def _root(stem: str) -> str:
    """A stem without its derivational ending: "calibration", "calibrated" and "calibrate" are one word to a reader
    who sees one of them beside a blank ("Calibration: ... gives [better-calibrated] nets")."""
    if len(stem) > 7:
        for end in _DERIVED_ENDINGS:
            if stem.endswith(end) and len(stem) - len(end) >= 5:
                return "~" + stem[: -len(end)]
    return stem


_DERIVED_ENDINGS = ("ation", "ated", "ates", "ate", "ion", "ed", "at")  # ("vaccinat", of "vaccinating")


# a word's stem, and None for a stop word: the same few thousand words come back in every note of a corpus
_CONTENT_STEM: dict[str, str | None] = {}
_MAX_STEMS = 200_000


def _in_compounds(stems: set[str], rest: str) -> bool:
    """Whether a word of ``stems`` is a part of a compound in ``rest`` ("batch" of "Mini-batch"), "batches" too,
    whose stem keeps its "e" ("batche")."""
    if not any_in({w[:-1] if w.endswith(_ES_PLURALS) else w for w in stems}, rest):
        return False
    parts = content_stems(rest.replace("-", " "))
    return bool(stems & parts) or any(w.endswith(_ES_PLURALS) and w[:-1] in parts for w in stems)


_ES_PLURALS = ("che", "she", "xe", "sse")  # the stems of "batches", "wishes", "boxes", "classes"


def content_stems(text: str) -> set[str]:
    """The stems (lower case, plural ``s`` dropped) of the content words of a text: what avoidance compares."""
    out = set()
    known = _CONTENT_STEM
    for w in WORD_RE.findall(text):
        stem = known.get(w, "")
        if stem == "":
            stem = None if w.lower() in STOP_WORDS else _stem(w)
            if len(known) < _MAX_STEMS:
                known[w] = stem
        if stem is not None:
            out.add(stem)
    return out


def common_stems(bodies: list[str]) -> frozenset[str]:
    """Stems in so many of a note's key points (three and a quarter or more) that hiding one teaches nothing; and
    the names the note keeps coming back to (in three key points or more: its hero, its company, its model), whose
    blank the card around it gives away (judged blind in sets Y and Z: "[Santiago] keeps thinking about ...",
    "Sacca skips the slide deck → [Blumberg] loses his crutch", "[RF] relies on deep trees")."""
    counts: dict[str, int] = {}
    names: dict[str, int] = {}
    for body in bodies:
        for s in content_stems(body) | _figures(body):
            counts[s] = counts.get(s, 0) + 1
        for s in {_stem(m.group(1)) for m in _NAME_WORD_RE.finditer(body)}:
            names[s] = names.get(s, 0) + 1
    least = max(3, len(bodies) / 4)
    return frozenset(s for s, n in counts.items() if n >= least) | {
        "@" + s
        for s, n in names.items()
        if n >= _RECURRING_NAME  # (marked apart from the words' stems)
    }


class CommonStems:
    """``common_stems(bodies)`` as a set that answers only what it is asked: ``stem in common``.

    A note's clozes ask it about a few stems each (the words of the span a bullet would hide), while counting every
    stem of every key point tokenised each one (about a sixth of the work of a note's clozes). A stem starts its
    lower-case word, a name's stem its name and a figure is written as it is, so a key point whose text does not
    hold the stem as a substring (a test in C) cannot count it; of the others, an ASCII key point is read only
    where the stem opens a word (``_opens_word_with``), any other tokenised, each once. Most stems are in too few
    key points to be common: when all are ASCII, a count of the stem in their text joined says so before any of
    them is read one by one."""

    __slots__ = ("_bodies", "_least", "_lowered", "_joined", "_stems", "_names", "_figures", "_known")

    def __init__(self, bodies: list[str]):
        self._bodies = bodies
        self._least = max(3, len(bodies) / 4)
        # (a non-ASCII body is tokenised whatever the stem: its lower case may differ from its words')
        self._lowered = [body.lower() if body.isascii() else "" for body in bodies]
        # the lowered key points joined, when every one is ASCII ("" otherwise): a key point that holds a stem adds
        # one to its count here at least (no stem holds a line break)
        self._joined = "\n".join(self._lowered) if all(self._lowered) else ""
        self._stems: dict[int, set[str]] = {}
        self._names: dict[int, set[str]] = {}
        self._figures: dict[int, set[str]] = {}
        self._known: dict[str, bool] = {}

    def __contains__(self, stem: str) -> bool:
        got = self._known.get(stem)
        if got is None:
            got = self._known[stem] = self._count(stem)
        return got

    def _count(self, stem: str) -> bool:
        # what a key point's tokens hold (``key``) and what its text must hold for that (``needle``)
        if stem[:1] == "@":  # a name the note keeps coming back to: its stem among the key point's names
            key = needle = stem[1:]
            least, tokens, tokenise, texts = _RECURRING_NAME, self._names, _body_names, self._lowered
        elif stem[:1] == "#":  # a figure, written as it is
            key, needle = stem, stem[1:]
            least, tokens, tokenise, texts = self._least, self._figures, _figures, self._bodies
        else:
            key = needle = stem
            least, tokens, tokenise, texts = self._least, self._stems, content_stems, self._lowered
        if texts is self._lowered and self._joined and self._joined.count(needle) < least:
            return False  # fewer key points than ``least`` hold it at all
        plain = tokenise is content_stems and _ASCII_STEM_RE.fullmatch(stem) is not None
        n = 0
        for i, body in enumerate(self._bodies):
            if texts[i] and needle not in texts[i]:
                continue
            if plain and texts[i]:
                if _opens_word_with(body, texts[i], stem):
                    n += 1
                    if n >= least:
                        return True
                continue
            found = tokens.get(i)
            if found is None:
                found = tokens[i] = tokenise(body)
            if key in found:
                n += 1
                if n >= least:
                    return True
        return False


_ASCII_STEM_RE = re.compile(r"[a-z0-9][a-z0-9_'-]*")  # what a stem of an ASCII word can be


def _opens_word_with(body: str, lowered: str, stem: str) -> bool:
    """Whether ``content_stems(body)`` holds ``stem`` (``_ASCII_STEM_RE``), for an ASCII ``body``
    (``lowered``: its lower case), read where the stem is found instead of tokenising the body: a word of
    ``WORD_RE`` runs from the first letter or digit of a run of ``[A-Za-z0-9_'-]`` to the last, and a stem is the
    start of its word's lower case."""
    at = lowered.find(stem)
    while at >= 0:
        before = at - 1
        while before >= 0 and body[before] in "_'-":
            before -= 1
        if (
            before < 0 or not body[before].isalnum()
        ):  # the first letter or digit of its run: a word opens here
            end = at + len(stem)
            while end < len(body) and (body[end].isalnum() or body[end] in "_'-"):
                end += 1
            word = body[at:end].rstrip("_'-")
            if word.lower() not in STOP_WORDS and _stem(word) == stem:
                return True
        at = lowered.find(stem, at + 1)
    return False


def _body_names(body: str) -> set[str]:
    """The stems of the names in a key point (``common_stems``'s)."""
    return {_stem(m.group(1)) for m in _NAME_WORD_RE.finditer(body)}


# a capitalised word after another word (not the sentence's first): a name
_NAME_WORD_RE = re.compile(r"(?<=[\w,;:(→>] )([A-Z][a-z]+)\b(?![.'’]\w)")
_RECURRING_NAME = 3


_FIGURE_RE = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?%?")
_DIGIT_RE = re.compile(r"\d")


def _figures(text: str) -> set[str]:
    """The figures of a text as whole tokens ("#10%", "#10,000"): a figure is common by itself, never by its digits."""
    return {"#" + m.group() for m in _FIGURE_RE.finditer(text)} if _DIGIT_RE.search(text) else set()


_OWN_DOINGS_ALONE = frozenset(
    "re-listened relistened re-read reread rewatched re-watched want would personal".split()
)
# the writer's doings by the word after them: "Used it ...", "Listened on a road trip", not "Used to be ...",
# "Tried to buy Arm" (the subject's doing, its name left out)
_OWN_DOINGS = {
    **{w: () for w in _OWN_DOINGS_ALONE},
    "used": ("it", "this", "them", "one"),
    "tried": ("it", "this", "them", "one"),
    "listened": ("to", "on", "while", "during", "across"),
    "watched": ("it", "this", "on"),
}


def opinion(text: str) -> bool:
    """Whether a bullet is the writer's opinion or reaction (first person, or led by a verdict word)."""
    # not a quoted "I", the "i" of "i.e." or of a command's "-i" (each substitution only where it can match)
    sub = text[:SCAN_LIMIT]
    if "`" in sub or "i.e." in sub or "-i" in sub:
        sub = _NOT_I_RE.sub(" ", sub)
    if '"' in sub or "“" in sub:
        sub = _QUOTE_RE.sub(" ", sub)
    cased = WORD_RE.findall(sub)
    words = [w.lower() for w in cased if w != "i"]
    # (after an intensifier too: "Really good vocabulary book.", judged blind in set BQ)
    first = 1 if len(words) > 1 and words[0] in _INTENSIFIER_LEADS else 0
    lead = (
        bool(words) and words[first] in OPINION_LEADS and "**" not in text[:40]
    )  # not "Good **mapping** ..."
    if not lead and len(words) > 1 and words[0] == "our" and cased[0] == "Our":
        lead = True  # "Our MAGI is well under $500k": the writer's household, not the source's point
    if not lead and len(words) > 1 and words[0] in _OWN_DOINGS:
        # the writer's own doing with its "I" left out: "Used it last month on ...", "Want to read ... next"
        lead = words[0] in _OWN_DOINGS_ALONE or words[1] in _OWN_DOINGS.get(words[0], ())
    if not lead and (
        "/" in text
        and _RATING_RE.search(text)
        or any(h in text for h in _NOT_YET_HINTS)
        and _NOT_YET_RE.search(text)
    ):
        lead = (
            True  # "5/5 as narrative, 4/5 as an account", "Film 2010 (...) — haven't seen": the writer's own
        )
    if (
        not lead
        and not _USING.isdisjoint(words)
        and any(w in _USING and nxt in _USED for w, nxt in pairwise(words))
    ):
        lead = True  # "companion site → actually useful, used it for the adder chapters": the writer's doing
    if not lead and "ing" in text and _REACTION_RE.search(text):
        lead = True  # "Cockpit audio transcript is genuinely chilling" (set AI): the writer's reaction to it
    if not lead and "going to" in text and _NOT_GOING_RE.search(text):
        lead = True  # "Pilot's last-second realization. Not going to write it down." (set AI): the writer's choice
    if not lead and len(words) > 1 and (words[0], words[1]) in _RECOMMENDING:
        lead = True  # "Pairs nicely with [[The History of Rome]] ...": the writer's recommendation
    # (set tests in C: the same answer as asking word by word)
    return (
        lead or not FIRST_PERSON.isdisjoint(words) or not OPINION_WORDS.isdisjoint(words) or _household(words)
    )


_INTENSIFIER_LEADS = frozenset("really very super genuinely pretty quite surprisingly".split())
_REACTION_RE = re.compile(
    r"\b(?:is|are|was|were)\s+(?:\w+ly\s+)?(?:chilling|haunting|heartbreaking|harrowing|gripping|riveting|hilarious)\b",
    re.I,
)
_NOT_GOING_RE = re.compile(r"(?:^|[.;:→-]\s*)not going to\b", re.I)
_RATING_RE = re.compile(r"(?<![\d/.])[0-5](?:\.5)?/(?:5|10)(?![\d/])")
_NOT_YET_HINTS = ("aven", "ave not", "ot yet", "oth of us")  # a cheap test first (every bullet is asked)
_NOT_YET_RE = re.compile(
    r"\b(?:haven't|have not|haven’t|not yet) (?:seen|read|watched|listened)|\bboth of us\b", re.I
)
# "used it for ...", "tried this": the writer's own use of what the bullet names, anywhere in it
_USING = frozenset("used using tried".split())
_USED = frozenset("it this them".split())
# "Pairs nicely with ...", "Goes well with ...": what the writer would read or hear beside it
_RECOMMENDING = frozenset({("pairs", "nicely"), ("pairs", "well"), ("pairs", "with"), ("goes", "well")})
# what "our" names when it is the writer's household ("our MAGI", "our sitter"), not the author's "our model"
_HOUSEHOLD = frozenset(
    "magi agi income incomes salary salaries taxes refund return house home mortgage kids kid family sitter nanny "
    "budget bracket rent landlord team bug bugs project codebase repo repos integration pipeline service app"
    "".split()
)


def _household(words: list[str]) -> bool:
    """Whether a bullet speaks of the writer's household: "our MAGI", "our sitter", "the cost for us"."""
    if "our" not in words and "us" not in words:
        return False  # (most bullets: a scan in C spares the loop)
    for i in range(len(words) - 1):
        if words[i] == "our" and words[i + 1] in _HOUSEHOLD or words[i] == "for" and words[i + 1] == "us":
            return True
    return False


# bold words that label the sentence after them: never the blank (set T: "[...] RL is like 'sucking supervision
# through a straw'" hid "Quote")
_BOLD_LABELS = frozenset(
    """claim claims quote quotes thesis label rule rules gotcha gotchas note notes tip tips caveat caveats warning
    takeaway takeaways lesson lessons idea key idea big idea key point point example examples update aside verdict
    summary tldr tl;dr nb ps reminder insight fix trick hint question answer punchline bottom line why how""".split()
) | {
    "key idea",
    "big idea",
    "key point",
    "bottom line",
    "main point",
    "fun fact",
    "side note",
    "key takeaway",
}


# a place in the source: "Chapter 11", "Ch. 3", "Part II", "Episode 54", "Lecture 7", "Page 12", "Appendix B"
_PLACE_IN_SOURCE_RE = re.compile(
    r"(?:Chapters?|Ch\.?|Part|Episode|Ep\.?|Lecture|Pages?|Appendix|Section|Book|Volume|Vol\.) [\dIVXLA-Z]",
)
_WHERE_RANK = -1.0  # never the blank


def _candidates(text: str, masked: str, weights: TermWeights) -> list[Candidate]:
    found: list[Candidate] = []
    sub = masked[:SCAN_LIMIT]
    if "**" in sub:
        for m in _BOLD_RE.finditer(sub):
            inner = text[m.start() + 2 : m.end() - 2]
            words = inner.lower().split()
            if (
                MASK not in sub[m.start() : m.end()]
                and WORD_RE.search(inner)
                and len(words) <= MAX_BOLD_WORDS
            ):
                if inner.strip(" :.—–-").lower() in _BOLD_LABELS:
                    continue  # "**Claim:** ...", "**Quote:** ...", "**Gotcha**: ...": the writer's label, no fact
                clause = any(w in VERBS or w in CLAUSE_WORDS for w in words)
                # (a bold sentence, "**All 28 survived.**", is a claim too: its figure is the answer)
                claim = clause or any(w.rstrip(".!,;").endswith("ed") and len(w) > 4 for w in words[1:])
                if claim and any(map(str.isdigit, inner)):
                    continue  # "**Penalty dropped to 25%**": a claim; its figure is the answer, not the words
                start, end = m.start(), m.end()
                if len(words) > 1 and words[0] in ("the", "a", "an"):
                    # "**The pure-play foundry**": hidden without its article (and so inside the markers)
                    start, end = start + 2 + len(words[0]) + 1, end - 2
                found.append(Candidate(3.0 if clause else RANK["bold"], start, end, "bold"))
    found += number_candidates(text, sub)
    if MASK in sub:
        found += masked_candidates(text, sub)
    entities = entity_candidates(text, sub)
    if entities and any(_PLACE_IN_SOURCE_RE.match(sub, x.start) for x in entities):
        # "[Chapter 11] coins the word meme": where in the source, trivia beside what it says (set V)
        entities = [
            Candidate(_WHERE_RANK, x.start, x.end, x.kind) if _PLACE_IN_SOURCE_RE.match(sub, x.start) else x
            for x in entities
        ]
    if entities:
        # a number inside a name ("RIVA 128", "Schedule 8812") is the name's
        found = [
            c
            for c in found
            if not any(
                x.start <= c.start and c.end <= x.end and (c.start, c.end) != (x.start, x.end)
                for x in entities
            )
        ]
        entities = [x for x in entities if not any(c.start < x.start < c.end for c in found)]
    quotes = [m.span() for m in _ANY_QUOTE_RE.finditer(sub)] if '"' in sub or "“" in sub else []
    # a name inside a quoted title is part of it ("Greedy Function Approximation: A Gradient ...")
    found += [
        x
        for x in entities
        if not any(qs < x.start and x.end < qe and (x.start, x.end) != (qs + 1, qe - 1) for qs, qe in quotes)
    ]
    for m in _QUOTE_RE.finditer(sub):
        g = 1 if m.group(1) is not None else 2
        inner = m.group(g).rstrip(".,;:!?")  # "Good." hides "Good"
        if inner and len(inner.split()) <= 4 and MASK not in inner:
            found.append(Candidate(RANK["quote"], m.start(g), m.start(g) + len(inner), "quote"))
    return found


def _terms(text: str, masked: str, weights: TermWeights) -> list[Candidate]:
    """Runs of one to three content words with no verb or -ly adverb at an edge, scored by TF-IDF."""
    out = []
    known = _TERM_WORDS
    for after_det, ps, pe, pw, pl in _content_runs(masked, weights, lazy=True):
        n = len(ps)
        if n == 1 and not after_det:
            continue  # a word alone is a term only after a determiner or preposition (k == 1 below): no candidate
        prev = prev_word(masked, ps[0])
        # after "most", a pronoun or a preposition before a gerund, the run's first word is no noun's edge
        cut_first = prev in INTENSIFIERS or prev in SUBJECT_PRONOUNS or prev in _AUXILIARY_BEFORE
        # each word's facts (``_term_word``), kept for the corpus: the same words come back in note after note
        info = []
        for x in range(n):
            word = text[ps[x] : pe[x]]
            got = known.get(word)
            if got is None:
                got = _term_word(word)
                if len(known) < _MAX_TERM_WORDS:
                    known[word] = got
            info.append(got)
        gerund = n > 1 and prev in PREPOSITIONS and text.endswith("ing", ps[0], pe[0])
        after: list[str | None] = [None] * n  # the word after each, read when asked
        for a in range(n):
            if (a == 0 and (cut_first or gerund)) or info[a][2]:
                continue  # ("[Neither host] thinks ...": which of them, no name)
            for k in (1, 2, 3):
                b = a + k - 1
                if b >= n:
                    break
                ib = info[b]
                # (low, verb, skip start, generic, modifier, plural, ly, particle, ed, base verb, postpositive,
                # motion gerund, noun goes on, count word)
                if ib[1]:
                    break
                if k == 1:
                    if pe[a] - ps[a] < 4 or not after_det or a or ib[3] or ib[5]:
                        continue
                    if masked[pe[a] : pe[a] + 1] == "," and prev in ("a", "an"):
                        continue  # "a [noisy], high-variance boundary": an adjective
                elif ib[3]:
                    continue  # "the [core idea] of the book": a phrase ending on a generic noun names nothing
                aft = after[b]
                if aft is None:
                    aft = after[b] = (
                        info[b + 1][0] if b + 1 < n and ps[b + 1] == pe[b] + 1 else next_word(masked, pe[b])
                    )
                if ib[4] or aft in ("one", "ones") or ib[0] == "right" and aft in _AFTER_RIGHT:
                    continue  # "the [redundant old] ones": a modifier
                if k > 1:
                    # (no verb before ``b``: each was asked first as its own ``b``)
                    ib1 = info[b - 1]
                    if ib1[5] or k == 3 and info[a][5]:
                        break  # "dividends [sit]": a plural noun ends its phrase, a word after it is a verb
                    if ib1[6] and ib[9]:
                        break  # "the [system generally reduce] the cost": an adverb and its verb end the noun
                    if ib[7] and ib1[8]:
                        break  # "the [topsoil washed away]": a verb and its particle end the noun before them
                    if ib[5]:
                        if aft in OBJECT_STARTS:
                            continue  # "the right temperature [differs] a lot": a verb and its object
                        if aft in _VERB_FOLLOWERS or aft.endswith("ly"):
                            continue  # "relative [age effect replicates] well", "a net [loss carries] forward"
                        if ib[10]:
                            continue  # "the best [person possible]": an adjective after its noun
                        if aft in ("as", "like", "into", "to", "on"):  # (plural[b - 1] broke above)
                            continue  # "the [penalty acts] as a prior": a noun, then its verb
                        if (
                            not ib1[13]
                            and aft in _OBJECT_OPENERS
                            and ((info[a - 1][0] if a else prev) in _SUBJECT_OPENERS or not a and not prev)
                        ):
                            continue  # "the [contractor tests] its own product", "[Goldstein plays] himself"
                    elif ib[10]:
                        continue
                    if ib[11]:
                        continue  # "a [language model sliding] into ...", "[growth going] mostly to the top"
                    if b + 1 < n and not ib[5] and info[b + 1][12]:
                        # "[large learning] rates", "a [main] home": the noun phrase goes on
                        continue
                elif b + 1 < n and info[b + 1][12] and not info[b + 1][5]:
                    # (a word alone is no plural, above) "a [main] home": the noun phrase goes on; but "the
                    # [gradient] flows": one noun and a word in -s, likely its verb
                    continue
                for x in range(a, b + 1):
                    if pw[x] is None:  # (weighed only now that it is scored)
                        pw[x] = weights(pl[x])
                score = sum(pw[a : b + 1]) / k * (1 + 0.25 * (k - 1))
                if a == 0 and after_det:
                    score *= _DET_BONUS
                rank = _TERM_CEILING * score / (score + 1) if score >= _MIN_TERM_SCORE else -1.0
                out.append(new_candidate(Candidate, (rank, ps[a], pe[b], "term")))
    return out


def _term_word(word: str) -> tuple:
    """What ``_terms`` asks of a word of a run (as written): (lower case, a verb, no run's first word, a generic
    noun, a modifier, plural, in -ly, a particle, in -ed, a base verb, postpositive, a gerund of motion, a word that
    continues a noun phrase, a count word)."""
    low = word.lower()
    return (
        low,
        low in VERBS or low.endswith(VERB_ENDINGS),
        low.endswith("ly") or low in ("neither", "either"),
        low in GENERIC_NOUNS,
        low.endswith(("ly", "ed")) or low in _COMPARATIVES,
        word.endswith("s") and plural_word(word),
        low.endswith("ly"),
        low in _PARTICLES or low == "past",
        low.endswith("ed"),
        low in BASE_VERBS,
        low in _POSTPOSITIVE,
        low in _MOTION_GERUNDS,
        noun_goes_on(low),
        low in COUNT_WORDS,
    )


_TERM_WORDS: dict[str, tuple] = {}
_MAX_TERM_WORDS = 100_000


# "each tree a [bit worse]": a comparison ending a run is no name of a thing
_COMPARATIVES = frozenset("worse better lower higher larger smaller bigger more less fewer".split())
# "a [metaphor] right from ...": after these, "right" is an adverb, no end of a noun
_AFTER_RIGHT = frozenset("from after before away at there here now off".split())
# words that make a verb in -ed before them a phrasal verb ("washed away", "dried up", "paid off")
_PARTICLES = frozenset("away up out off down back apart".split())


def _why_not(
    text: str,
    c: Candidate,
    avoid: set[str],
    common: Container[str],
    shown: frozenset[str] = frozenset(),
    named: frozenset[str] = frozenset(),
) -> str | None:
    span = text[c.start : c.end]
    # the character after the span ("" at the end): a cheap test before a pattern
    nxt = text[c.end : c.end + 1]
    if (
        (c.start > 0 and text[c.start - 1].isalnum())
        or nxt.isalnum()
        or nxt in ("'", "’")
        and text[c.end + 1 : c.end + 2].isupper()
        or c.start > 1
        and text[c.start - 1] in ("'", "’")
        and text[c.start - 2].isupper()
    ):
        return f"'{unbold(span)}' is part of a word"  # "(`git add`ed)", "[Liam O]'Murchu": it would split the word
    if " " not in span.strip() and span.istitle() and _NAME_POSSESSIVE_AFTER_RE.match(text, c.end):
        return f"'{unbold(span)}' is cut from the name it owns"  # "same night as [Ford]'s Theatre" (set AX)
    if " " not in span.strip() and span[:1].isupper() and _AMPERSAND_NAME_AFTER_RE.match(text, c.end):
        return (
            f"'{unbold(span)}' is cut from a name joined by '&'"  # "ex-US [Fish] & Wildlife Service" (set AX)
        )
    if (
        " " in span.strip()
        and span.istitle()
        and common_english(span.split()[-1].lower())
        and _AMPERSAND_NAME_BEFORE_RE.search(text, 0, c.start)
    ):
        return f"'{unbold(span)}' is cut from a name joined by '&'"  # "ex-US Fish & [Wildlife Service]"
    if _ASIDE_WORDS & set(span.lower().split()):
        return f"'{unbold(span)}' holds the writer's aside"  # "Best essay in the [novel imo]" (set AX)
    if (c.start > 1 and text[c.start - 1] in "-·" and text[c.start - 2].isalnum()) or (
        text.startswith(("-", "·"), c.end) and text[c.end + 1 : c.end + 2].isalnum()
    ):
        return f"'{unbold(span)}' is part of a hyphenated word"  # "t-SNE", "[DALL]·E" (set AO)
    if (
        c.start > 1
        and text[c.start - 1] == "–"
        and "".join(text[: c.start - 1].split()[-1:]).strip("(").isalpha()
    ) or (text.startswith("–", c.end) and "".join(text[c.end + 1 :].split()[:1]).rstrip(",.;:)").isalpha()):
        # judged blind in set AP: "K–[12] teacher": a name joined by a dash, whose one half gives the other away
        # (a range, "1990–[2000]", "$146k–[$161k]", is two things)
        return f"'{unbold(span)}' is half of a name joined by a dash"
    if (
        nxt == " "
        and span.strip()
        and span.split()[-1][:1].isupper()
        and _NAME_PARTICLE_AFTER_RE.match(text, c.end)
    ):
        return f"'{unbold(span)}' is cut from a name that goes on after it"  # "[Franz] von Waldeck" (set AO)
    if (
        # (the pattern ends on a slash just before the span, or before a line break there)
        (
            c.start > 1
            and "/" in text[c.start - 2 : c.start]
            and _SHORT_SLASH_BEFORE_RE.search(text, 0, c.start)
        )
        or (
            # "k1/[b tuning]": a blank opening on the short second half of a slashed pair (set AL)
            c.start > 1
            and text[c.start - 1] == "/"
            and text[c.start - 2].isalnum()
            and len(span.split()[0]) <= 2
        )
        or (text.startswith("/", c.end) and _SHORT_WORD_END_RE.search(span))
    ):
        # judged blind in sets AD to AH: "control w/[o capital]", "Road [gang w]/ a truck": "w/o" and "w/" are
        # words of their own (but "[Treasury]/CD" is one of two things)
        return f"'{unbold(span)}' cuts a word shortened with a slash"
    if (
        c.kind == "term"
        and span[1:2] == " "
        and _VARIABLE_VERB_RE.fullmatch(span)
        and not span.endswith("ss")
    ):
        return f"'{unbold(span)}' is a variable and its verb"  # "large τ → [y approaches] uniform" (set AO)
    if c.kind == "term" and ("'" in span or "’" in span) and _NEGATED_VERB_RE.search(span):
        return f"'{unbold(span)}' holds a verb"  # "when the [trade hadn't] paid yet" (judged blind in set AI)
    if c.kind == "term" and " " in span.strip():
        words = span.split()
        if (
            words[-1].islower()
            and words[-1].endswith("s")
            and not words[-1].endswith(("ss", "us", "is"))
            and words[-2][:1].isupper()
            and _NAME_AFTER_RE.match(text, c.end)
        ):
            return f"'{unbold(span)}' ends on a verb"  # "Starts the [year Japan annexes] Korea" (set AT)
        if len(words) > 2 and any(
            a[:1].isupper()
            and a.isalpha()
            and not common_english(a.lower())
            and b.endswith("ing")
            and b.islower()
            for a, b in pairwise(words[:-1])
        ):
            # "Sunja and [Kyunghee selling kimchi] and candy" (set AT): a name, what she did and to what; but
            # "[Goldman agreeing] to send it orders" was kept
            return f"'{unbold(span)}' holds a name and what it was doing"
    if (
        nxt == " "
        and c.kind in ("term", "entity")
        and " " in span.strip()
        and _OBJECT_AFTER_RE.match(text, c.end)
    ):
        words = span.split()
        last = words[-1]
        inflected = last.endswith(("s", "ed")) and not last.endswith(("ss", "us", "is"))
        if last.islower() and (inflected or len(words) == 2 and words[0][:1].isupper()):
            # "[Hemingway cut] the story": a name and what it did
            # judged blind in set AH: "Nothing in the [plot confirms] or denies it": a verb, and the thing it
            # does to an object after it
            return f"'{unbold(span)}' ends on a verb"
    if (
        c.start > 4
        and span.istitle()
        and span.isalpha()
        and common_english(span.lower())
        and _POSSESSIVE_NAME_BEFORE_RE.search(text, 0, c.start)
    ):
        return f"'{unbold(span)}' is cut from a name that starts before it"  # "Land's [End]"
    if (
        c.kind == "term"
        and " " in span.strip()
        and (last := span.split()[-1]).islower()
        and last.endswith("s")
        and (last[:-1] in BASE_VERBS or last.endswith("es") and last[:-2] in BASE_VERBS)
        and _DETERMINER_AFTER_RE.match(text, c.end)
    ):
        return (
            f"'{unbold(span)}' ends on a verb"  # "Real [estate money drives] most building change" (set BS)
        )
    if c.start == 0 and _NUMBERED_LABEL_RE.fullmatch(span.strip("*_ ")) and text.startswith(":", c.end):
        # judged blind in set AH: "[Trap 1]: reaching for control ...": the writer's count, no fact
        return f"'{unbold(span)}' numbers a label, no fact"
    if nxt in ("'", "’") and span.endswith("s") and _BARE_POSSESSIVE_NAME_AFTER_RE.match(text, c.end):
        return f"'{unbold(span)}' is cut from a name that goes on after it"  # "the [War of Jenkins]' Ear" (set AL)
    if (
        c.kind == "term"
        and " " in span.strip()
        and span.split()[0].lower().endswith("ed")
        and (
            prev_word(text, c.start) in _BE_FORMS
            or span[:1].islower()
            and (name := _NAME_BEFORE_RE.search(text, max(0, c.start - 30), c.start)) is not None
            and name.group(1).lower() not in STOP_WORDS
            and not name.group(1).lower().endswith("ly")
        )
    ):
        # "was [skipped due] to too many files" (set AL); "Purdue [pushed higher strengths]": a name, then what it did
        return f"'{unbold(span)}' is a verb"
    if nxt in ("'", "’") and " and " in span and _POSSESSIVE_NAME_AFTER_RE.match(text, c.end):
        # judged blind in set AG: "the gap between [Scilly and Land]'s End": the name goes on past the blank
        return f"'{unbold(span)}' is cut from a name that goes on after it"
    if "[[" in text and text.rfind("[[", 0, c.start) > text.rfind("]]", 0, c.start):
        if not (text.startswith("[[", c.start - 2) and text.startswith(("]]", "|"), c.end)):
            return f"'{unbold(span)}' is part of a link"  # "[[Bayes' Theorem]]": the link's words go whole
    colon = text.find(": ", 0, 61)
    if (
        colon > 0
        and c.end <= colon
        and (
            text[:colon].split()[-1].lower().strip("*_") in _LIST_LABELS
            or c.kind != "number"
            and _short_list(text[colon + 2 :])
        )
    ):
        return f"'{unbold(span)}' labels the list after it"  # "CEO line: Sinegal, then ...": the list is the fact
    if c.start > 1 and text[c.start - 1] in "'’" and text[c.start - 2].isalpha():
        return f"'{unbold(span)}' is part of a word"  # "Muad'[Dib]"
    if nxt == "." and _ABBREVIATION_RE.fullmatch(span.strip()):
        return f"'{unbold(span)}' is an abbreviation cut before its last dot"  # "[C.V]. is short"
    if nxt == "." and text[c.end + 1 : c.end + 2].isalpha() and re.search(r"(?:^|\s)[A-Z]$", span):
        return f"'{unbold(span)}' is cut inside an abbreviation"  # "[1177 B].C." (judged blind in set AM)
    if nxt == "." and (
        span.split()[-1].lower() in _SHORTENED_WORDS
        or text.startswith(". ", c.end)
        and text[c.end + 2 : c.end + 3].islower()
        and _shortened(span.split()[-1])
    ):
        # "With [prob]. $\varepsilon$" (set AH), "at [Hebrew Univ]. on people as ..." (set AW): a word the notes
        # shorten, or a short capitalised one before a point and a lower-case word
        return f"'{unbold(span)}' ends on a word shortened with a dot"
    if span.strip() in _CITATION_HEADS and _NUMBER_AFTER_RE.match(text, c.end):
        return f"'{span}' is half of a name the card shows the other half of"  # "[IRC] §183", "[Schedule] 1"
    if c.kind == "entity" and len(span.strip().rstrip(".")) == 1:
        return f"'{span}' is an initial standing for a name the note gives"  # "gives [W.] the book" (set AF)
    if span.rstrip(".") in _HONORIFICS:
        return f"'{span}' is a title before a name, no fact"  # "[Mr.] Nemur", "[Dr.] Strauss" (set AA)
    if span.lower() in _ASIDES:
        return f"'{span}' is the writer's aside, no fact"  # "(aged badly [IMO])"
    if "*" in text and _inside_italics(text, c):
        return f"'{unbold(span)}' is part of a title in italics"  # "*Across the [River and Into] the Trees*"
    if ("." in span or ":" in span) and _WEB_ADDRESS_RE.search(span):  # (each alternative holds one)
        return f"'{unbold(span)}' is a web address, no fact"  # "a companion site ([CodeHiddenLanguage.com])"
    if (nxt == "(" or nxt.isspace()) and _HOLIDAY_AFTER_RE.match(text, c.end):
        return f"'{unbold(span)}' is given away by the holiday named beside it"  # "Feb 14 (Valentine's Day)" (set AU)
    # (the pattern ends on "in " and the span, or "in " and a line break: an "n " just before the span)
    if (
        "n " in (last4 := text[max(0, c.start - 4) : c.start]) or "N " in last4
    ) and _READ_IN_BEFORE_RE.search(text, max(0, c.start - 25), c.start):
        return f"'{unbold(span)}' is when the writer read it, no fact"  # "Reading it in [2024] ..." (set AV)
    if "@" in span and _EMAIL_RE.search(span):
        return f"'{unbold(span)}' is an email address, an example, no fact"  # "[jdoe@laptop.local]" (set AO)
    stems = content_stems(span)
    if not stems and c.kind not in ("number", "formula", "code"):
        return "only common words"
    if (
        c.kind in ("entity", "term")
        and (initials := _initials(span))
        and (initials in avoid or initials in shown)
    ):
        return (
            f"'{unbold(span)}' spells out the note's topic"  # "[Taiwan Semiconductor Manufacturing Company]"
        )
    if stems and named and c.kind in ("entity", "term") and stems <= named:
        # judged blind in sets AG and AH: "[McCarthy] said the idea came from ..." under The Road, "[MF] is the
        # latter" under Matrix factorization: who wrote the book, or the topic by its initials, is no fact to ask
        # (but "John Francis McCarthy", his son, and "Unigram LM" under "... Language Models" are)
        return f"'{unbold(span)}' names the note's topic or its author"
    whole = c.kind in ("number", "formula", "code")  # judged as a whole; a word is judged by any of its words
    if stems and (stems <= avoid if whole else stems & avoid):
        return f"'{unbold(span)}' names the note's topic"
    seen = stems
    if stems and shown and c.kind == "term" and c.end - c.start > 7 and _LONG_WORD_RE.search(span):
        # "[better-calibrated nets]" under "Calibration", "a [compressed model]" after "Compression:"
        parts = content_stems(span.replace("-", " ")) if "-" in span else stems
        seen = stems | {r for w in parts if (r := _root(w)) in shown}
    if stems and shown and _in_headings(c.kind, seen, avoid, shown):
        return f"'{unbold(span)}' shows in the card's headings"
    if (
        c.kind == "number"
        and shown
        and len(_FIGURE_RE.findall(span)) == 1
        and shown.issuperset(amount_values(span) or ("",))
    ):
        return f"'{unbold(span)}' shows in the card's headings"  # "$25k" under "$25,000 rental allowance"
    if c.kind in ("entity", "term") and span[:1].isupper() and _name_fragment(text, c):
        return f"'{unbold(span)}' is half of a name the card shows the other half of"
    # (a run of words, spaces inside it, is no one word)
    if c.kind in ("term", "quote") and not (c.kind == "term" and " " in span) and _lone_common_word(span):
        return f"'{unbold(span)}' is an ordinary English word"
    if c.kind == "entity" and f"@{_stem(span)}" in common and span.istitle() and span.isalpha():
        return f"'{span}' is the name the note keeps coming back to; the card around it gives it away"
    # a figure is judged whole ("10%" in many bullets of a tax note), never by its pieces ("000" of "$10,000")
    figures = _figures(span) if c.kind == "number" else set()
    # (asked stem by stem: ``common`` may be a ``CommonStems``, which answers only what it is asked)
    if (figures and all(f in common for f in figures)) or (
        stems
        and c.kind != "number"
        and (all(s in avoid or s in common for s in stems) if whole else any(map(common.__contains__, stems)))
    ):
        return f"'{unbold(span)}' is in many of the note's key points"
    if (
        not text[c.end :].strip(" *_.!)")
        and (before := text[: c.start].rstrip(" *_")).endswith((". ", ".", "!", "?", ";"))
        and len(before) > 1
    ):
        # "Sony & Japan: transistor radios, then consumer electronics. [Akio Morita].": a blank that is a
        # sentence of its own, with nothing around it to ask
        return f"'{unbold(span)}' is a sentence of its own; nothing on the card asks for it"
    around = text[: c.start] + " " + text[c.end :]  # the card's front without the span
    rest = around.lower()
    plain = unbold(span).strip("`$ ").lower()
    if (
        plain
        and plain in rest
        and (c.kind != "number" or re.search(rf"(?<![\w,.]){re.escape(plain)}(?![\w]|[.,]\d)", rest))
    ):
        return f"'{unbold(span)}' shows elsewhere on the card"
    if c.kind != "formula" and (shared := _shared_number(plain, rest)):
        # judged blind in sets BH, BN and BO: "the [Rule of 55] if you leave ... the year you turn 55", "[10-year
        # rule], account empty by the end of year 10", "Hurricanes of [1926 and 1928]. In 1928 ...": a number of the
        # blank shows on the card
        return f"'{unbold(span)}' is given away by '{shared}' elsewhere on the card"
    if c.kind == "number" and (m := _COUNT_OF_UNIT_RE.fullmatch(plain)):
        # "[5 years] of exclusions" beside "the special 5-year election": the count and its unit show once more
        if re.search(rf"(?<![\w,.]){re.escape(m.group(1))}[- ]{m.group(2)}", rest):
            return f"'{unbold(span)}' shows elsewhere on the card"
    if c.kind == "formula" and _notation_only(span.strip("$ ")):
        # judged blind in set BR: "make two augmented views [$\tilde{x}_i, \tilde{x}_j$]", "Projection head $g$ →
        # [$z = g(h)$]": names given to things, no fact
        return f"'{span}' only names symbols"
    if c.kind == "formula" and _BARE_SYMBOL_RE.match(span.strip("$ ")):
        return (
            f"'{span}' is only a symbol's name"  # "starts from $F_0$, the mean of y": what it is is the fact
        )
    if c.kind == "formula" and _UNIT_RANGE_RE.match(span.strip("$ ")):
        # "split [$[0,1]$] into $M$ bins", "a single scalar [$T > 0$]", "$p_t = p$ if [$y=1$]": a symbol's range or
        # a label's value, judged trivial in set T and U; what the formula around it does is the fact
        return f"'{span}' is only a range of 0 and 1, no fact"
    if c.kind in ("term", "entity") and _MONTH_ONLY_RE.fullmatch(span) and _DAY_AFTER_RE.match(text, c.end):
        # judged blind in set BX: "Healthcare.gov (launched [Oct] 1, 2013)": a month cut from its date
        return f"'{span}' is cut from the date it opens"
    if c.kind == "term" and _list_item(text, c):
        # judged blind in sets BT and BV: "[Periodic], linear, and sums/products of these", "(+) [little tuning]; no
        # need to standardize; picks up nonlinearities": one item of an open list, where another item fits as well
        return f"'{unbold(span)}' is one item of a list, which another item would fill as well"
    if c.kind == "code" and _EXAMPLE_NAME_RE.fullmatch(span.strip("`")):
        # judged blind in set BV, DROP: "[`feat-b`] was branched from `feat-a`": a name made up for the example
        return f"'{span}' is a name made up for an example"
    if c.kind == "code" and ("..." in span or "…" in span):
        # judged blind in set BT: "stored at [.git/objects/ab/cdef...]": an example with a placeholder, no fact
        return f"'{span}' is an example with a placeholder in it"
    if c.kind in ("formula", "code"):
        return code_given_away(text, c)
    count, _, noun = span.strip().lower().partition(" ")
    if c.kind in ("number", "term") and count in ("one", "two", "1", "2") and (not noun or noun not in UNITS):
        return (
            f"'{span}' is a small count a reader guesses"  # "two distributions", "more than [two branches]"
        )
    if c.kind == "entity" and " " not in span.strip() and _PLACES_AFTER_RE.match(text, c.end):
        return f"'{span}' is given away by the places in brackets after it"  # "[Arizona] (Phoenix)"
    if c.kind == "entity" and _demonym_shown(span, around):
        return f"'{span}' shows elsewhere on the card"  # "[China]" beside "Chinese content"
    if (
        c.kind == "term"
        and " " not in span
        and span.endswith("ing")
        and prev_word(text, c.start) in PREPOSITIONS
    ):
        return f"'{span}' is a verb"  # "for [merging] a project"
    if nxt.isspace() and _RULING_NUMBER_AFTER_RE.match(text, c.end) and _RULING_BEFORE_RE.search(span):
        return f"'{span}' names the kind of ruling cited, not a fact"  # "[IRS Notice] 2020-75 approved ..."
    if c.kind == "number":
        if text[c.end : c.end + 1] in ".," and text[c.end + 1 : c.end + 2].isdigit():
            return (
                f"'{span}' is cut from a number that goes on after it"  # "~[22].5bn" (judged blind in set AN)
            )
        if (
            plain.isdigit()
            and int(plain) <= 31
            and _DAY_IN_DATE_RE.search(text, max(0, c.start - 12), c.start)
            and not re.match(r"\d|\s*(?:[-–]|to\b)", text[c.end :])
        ):
            # judged blind in set AN: "on or before Dec [31], 2024": the day alone, with its month and year shown;
            # in set BR, "sell Dec [28], rebuy Jan 5" (no year): the date is one fact, or an example's, no fact
            return f"'{span}' is the day of a date the card shows; the date is one fact"
        if _FORM_LINE_BEFORE_RE.search(text, max(0, c.start - 40), c.start):
            # judged blind in set AI: "Enter on Sched D lines [6] (ST) and [13] (LT)": the form says where
            return f"'{span}' is a form's line number, which the form itself gives"
        if _RULING_BEFORE_RE.search(text, max(0, c.start - 20), c.start):
            return f"'{span}' is the number of a ruling cited"  # "(Rev. Rul. [2008-5])": the rule is the fact
        word = _NUMBER_WORDS.get(plain)
        if word and re.search(rf"\b{word}\b", rest):
            return f"'{span}' shows elsewhere on the card as '{word}'"  # "the first four years ... [4] years"
        if plain.isdigit() and re.search(rf"(?<![\w.]){plain}\s?[x×]\s?\d", rest):
            # judged blind in set BE: "Mixtral 8x7B (Mistral). [8] experts, top-2"
            return f"'{span}' shows elsewhere on the card in '{plain}x'"
        if text[c.end : c.end + 1] == "/" and text[c.end + 1 : c.end + 2].isdigit():
            return f"'{span}' is cut from a set of numbers written with slashes"  # "rates of [0/15]/20%" (set BF)
        if (
            _CONVERSION_AFTER_RE.match(text, c.end)
            or _CONVERSION_BEFORE_RE.search(text, max(0, c.start - 40), c.start)
            or _UNIT_END_RE.search(span)
            and _BRACKETED_CONVERSION_RE.match(text, c.end)
        ):
            return (
                f"'{span}' is given by its conversion in brackets beside it"  # "~[143] ft (~44 m)" (set BH)
            )
        if (shares := _shares(span)) and (
            shares & _shares(rest) or shown and {f"%{v}" for v in shares} & shown
        ):
            # judged blind in set BT: "92.35% factor: multiply net profit by [0.9235]": a share written both ways
            return f"'{span}' shows elsewhere on the card as a percentage or a fraction"
        if _AMOUNT_SIGN_RE.search(span) and (values := amount_values(span)) and values & amount_values(rest):
            return f"'{span}' shows elsewhere on the card in another form"  # "[$10,000] ... never below $10k" (BH)
        return None
    opposite = _OPPOSITES.get(plain)
    if opposite and re.search(rf"\b{opposite}\b", rest):
        return f"'{unbold(span)}' is given away by '{opposite}' beside it"  # "from [weakest] to strongest"
    first, _, named = plain.partition(" ")
    if named and (twin := _SIZE_OPPOSITES.get(first)) and re.search(rf"\b{twin} {re.escape(named)}\b", rest):
        # judged blind in set BG: "[Big C] → narrow margin ... Small C → wider margin"
        return f"'{unbold(span)}' is given away by '{twin} {named}' beside it"
    if (twin := negated_twin(plain, rest)) is not None:
        # judged blind in set AS: "[Untargeted] = any wrong class. Targeted = ...", "White-box ... vs [black-box]"
        return f"'{unbold(span)}' is given away by '{twin}' beside it"
    if span.strip("*_ ").removesuffix("s") in KNOWN_ABBREVIATIONS:
        return f"'{unbold(span)}' is an abbreviation every reader knows"
    # (a span in lower case, most of them, has no capital to count)
    acronym = (
        not span.islower()
        and sum(map(str.isupper, span)) >= 2
        and not any(map(str.islower, span.rstrip("s")))
    )
    if (
        (nxt == "*" or nxt == "(" or nxt.isspace())
        and _ACRONYM_AFTER_RE.match(text, c.end)
        or (acronym and text.startswith(" (", c.end))
        or (acronym and text[c.start - 1 : c.start] == "(" and text[c.end : c.end + 1] == ")" and c.start > 2)
    ):
        return f"'{unbold(span)}' is given beside another name for it"  # "suprachiasmatic nucleus (SCN)"
    # A stem (and a root, "~" apart) is the start of its lower-case word, so a stem in the card's other words is
    # in ``rest`` as a substring: a test in C that spares tokenising the whole card for nearly every span.
    if (own := {w for w in stems if len(w) > 2}) and (
        any_in(own, rest) and own & content_stems(rest) or "-" in rest and _in_compounds(own, rest)
    ):
        # (a word of a compound too: "Mini-batch k-means updates on [small random batches]", set BF)
        return f"a word of '{unbold(span)}' shows elsewhere on the card"
    if "-" in span and c.kind in ("term", "entity"):
        # "Hydraulic vs [cable-actuated]: ... cable-shovel makers didn't survive", "a [VAE-style] autoencoder ...
        # So VAEs are still everywhere"
        parts = {w for w in content_stems(span.replace("-", " ")) if len(w) > 2 and w not in _PREFIXES}
        spaced = rest.replace("-", " ")
        if (
            parts
            and any_in(parts, spaced)
            and parts & content_stems(spaced)
            or c.kind == "entity"
            and parts & avoid
        ):
            return f"a part of '{unbold(span)}' shows elsewhere on the card"
    if (
        c.kind == "term"
        and _LONG_WORD_RE.search(span)
        and (
            roots := {
                r
                for w in (content_stems(span.replace("-", " ")) if "-" in span else stems)
                if (r := _root(w))[0] == "~"
            }
        )
    ):
        spaced = rest.replace("-", " ")
        if any_in({r[1:] for r in roots}, spaced) and roots & {_root(w) for w in content_stems(spaced)}:
            # "Calibration: ... gives [better-calibrated nets]": the same word in another form
            return f"a word of '{unbold(span)}' shows elsewhere on the card in another form"
    step = _STEP_RE.fullmatch(span.strip("`*_ ")) if span.rstrip("`*_ ")[-1:].isdigit() else None
    if step and _in_sequence(step, around):
        return f"'{span}' is a step of a sequence the card shows"  # "A8 ... [A9] ... from A10 on"
    if c.kind == "entity" and plain.isupper() is False and span.isupper() and len(span) >= 2:
        initials = "".join(w[0] for w in WORD_RE.findall(rest) if w[0].isupper()).lower()
        if span.lower().rstrip("s") in initials:
            return f"'{span}' is spelled out on the card"
    if (
        len(letters := unbold(span).strip("`*_ ")) >= 4
        and letters.isupper()
        and letters.isalpha()
        and re.search(rf"\b{letters[0]}[a-z]*\W+{letters[1:]}\b", around, re.I)
    ):
        return f"'{letters}' is spelled out on the card"  # "[IRFNA]" beside '"inhibited" RFNA' (set BE)
    if (
        c.kind == "entity"
        and span[:1].isupper()
        and span.isalpha()
        and re.search(rf"(?<![\w.]){span[0]}\.\s", around)
    ):
        return f"'{span}' shows elsewhere on the card by its initial"  # "B. and [Ghiberti] ... G. collected" (BH)
    if (
        " " in plain
        and (initials := "".join(w[0] for w in plain.split() if w not in _INITIALS_SKIP).upper())
        and len(initials) > 1
        and initials.isalpha()
        and re.search(rf"\b{initials}s?\b", around)
    ):
        return f"'{unbold(span)}' shows elsewhere on the card by its initials"  # "[batch norm] ... before BN" (BH)
    if _spelled_out(unbold(span).strip("`*_ "), around):
        return f"'{unbold(span)}' is spelled out on the card"  # "[ort] ("Ostensibly Recursive's Twin")"
    return None


def _shared_number(plain: str, rest: str) -> str | None:
    """A number of two digits or more in a blank of words around it, or one of several numbers in a blank, that the
    rest of the card shows on its own ("55" of "Rule of 55" beside "turn 55"); None when there is none."""
    numbers = _WHOLE_NUMBER_RE.findall(plain)
    if (
        not numbers
        or _MONTH_IN_RE.search(plain)
        or (len(numbers) == 1 and _WHOLE_NUMBER_RE.fullmatch(plain.strip("~≈$%()")) is not None)
    ):
        return None  # a number alone is compared whole, as before
    for n in numbers:
        if len(n) > 1 and re.search(rf"(?<![\w.,$]){n}(?!\d|[.,]\d)", rest):
            return n
    return None


_WHOLE_NUMBER_RE = re.compile(r"(?<![\d.,])\d+(?![\d]|[.,]\d)")
_NAME_BEFORE_RE = re.compile(r"(?:^|[.;:] |, )([A-Z][a-z]+) $")  # "Purdue " opening a clause before a blank
_MONTH_IN_RE = re.compile(rf"\b{MONTH_PATTERN}", re.I)  # a date is one fact, whatever part of it shows


def _shares(text: str) -> set[float]:
    """The shares a text writes, as fractions rounded to six places: "92.35%" and "0.9235" are both 0.9235."""
    out = set()
    if "%" in text:
        out |= {round(float(m) / 100, 6) for m in _PERCENT_RE.findall(text)}
    if "0." in text:
        out |= {round(float(m), 6) for m in _FRACTION_RE.findall(text)}
    return out


_PERCENT_RE = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d+)?)\s?%")
_FRACTION_RE = re.compile(r"(?<![\w.])(0\.\d{2,})(?![\d%])")


def _list_item(text: str, c: Candidate) -> bool:
    """Whether a run of words is a whole item of a list of three or more, within its sentence: what precedes it is
    the sentence's start, a label's colon or a list's comma or semicolon, and what follows a list's separator."""
    start = max(text.rfind(". ", 0, c.start) + 2, text.rfind(": ", 0, c.start) + 2, 0)
    before = text[start : c.start].rstrip()
    if before and not before.endswith((",", ";", ")")) and before not in _LIST_MARKS:
        return False
    after = text[c.end :]
    if not _LIST_NEXT_RE.match(after):
        return False
    end = after.find(". ")
    sentence = text[start : c.end + (end if end >= 0 else len(after))]
    return len(_LIST_SEP_RE.findall(sentence)) >= 2


_LIST_MARKS = ("(+)", "(-)", "(−)", "+", "-")
_LIST_NEXT_RE = re.compile(r"\s*(?:,|;)\s")
_LIST_SEP_RE = re.compile(r"\s*[,;]\s+(?:and\s+|or\s+)?")
_MONTH_ONLY_RE = re.compile(MONTH_PATTERN)
_DAY_AFTER_RE = re.compile(r"\s\d{1,2}(?:st|nd|rd|th)?\b")
_EXAMPLE_NAME_RE = re.compile(r"(?:feat(?:ure)?|topic|foo|bar|baz|qux|my)(?:[-_][a-z0-9]{1,8})?")
_CAPITAL_RUN_RE = re.compile(r"[A-Z][\w'’-]*(?:\s+(?:(?:of|and|for|the|to|in|&)\s+)?[A-Z][\w'’-]*)+")


_DAY_IN_DATE_RE = re.compile(rf"\b{MONTH_PATTERN} $")
# "line 16", "lines 6 (ST) and 13": a line of a form
_FORM_LINE_BEFORE_RE = re.compile(
    r"\blines?\s+(?:[\dA-Za-z]{1,4}\s*(?:\([^()]{0,12}\))?\s*(?:,|and|or|&)\s*)*$", re.I
)
# a ruling's or notice's number, cited: "Rev. Rul. 2008-5", "Notice 2014-7"
_RULING_BEFORE_RE = re.compile(r"(?:Rev\. ?(?:Rul|Proc)\.?|Notice|PLR|T\.C\. Memo\.?)\s*$")
# a name's places in brackets right after it: "Arizona (Phoenix)", "Taiwan (Hsinchu, Tainan)"
_RULING_NUMBER_AFTER_RE = re.compile(r"\s+\d{2,4}-\d+")
_PLACES_AFTER_RE = re.compile(r" \((?:[A-Z][a-z]+(?: [A-Z][a-z]+)?)(?:, [A-Z][a-z]+(?: [A-Z][a-z]+)?){0,3}\)")
_INITIALS_SKIP = frozenset("of and for the to in & on".split())


# prefixes, no words of their own ("non-round")
_PREFIXES = frozenset("non pre sub anti multi post semi co re un self".split())
_STEP_RE = re.compile(r"([A-Za-z]{1,4})(\d{1,3})")  # "A9", "M2", "GPT4"


def _in_sequence(step: re.Match, around: str) -> bool:
    """Whether the card shows the steps before and after a named step ("A8" and "A10" around "[A9]")."""
    prefix, n = step.group(1), int(step.group(2))
    shown = {int(m.group(1)) for m in re.finditer(rf"\b{re.escape(prefix)}(\d{{1,3}})\b", around)}
    return (
        (n - 1 in shown and n + 1 in shown)
        or (n - 1 in shown and n - 2 in shown)
        or (n + 1 in shown and n + 2 in shown)
    )


def any_in(parts: Iterable[str], text: str) -> bool:
    """Whether any of ``parts`` is a substring of ``text`` (a loop of tests in C, cheaper than a pattern of them)."""
    for part in parts:
        if part in text:
            return True
    return False


def _initials(span: str) -> str:
    """The initials of a name of three words or more in capitals ("Taiwan Semiconductor Manufacturing Company":
    "tsmc"), '' for anything else."""
    words = span.strip("*_ ").split()
    if len(words) < 3:
        return ""  # (most spans: fewer words still once the small ones are left out)
    words = [w for w in words if w.lower() not in _INITIALS_SKIP]
    if len(words) < 3 or not all(w[:1].isupper() for w in words):
        return ""
    return "".join(w[0] for w in words).lower()


def _demonym_shown(span: str, rest: str) -> bool:
    """Whether a one-word name shows on the card as its adjective: "China" and "Chinese", "Canada" and
    "Canadian", "Japan" and "Japanese"."""
    word = span.strip()
    if " " in word or len(word) < 4 or not word[:1].isupper():
        return False
    stem = word[:-1]
    return any(w != word and w.startswith(stem) and w[:1].isupper() for w in WORD_RE.findall(rest))


def _spelled_out(word: str, rest: str) -> bool:
    """Whether a short word is the initials of a run of capitalised words on the card, in any case ("ort" and
    "Ostensibly Recursive's Twin", "GTD" and "Getting Things Done")."""
    letters = word.lower().removesuffix("s") if len(word) > 3 else word.lower()
    if not (2 <= len(letters) <= 6 and letters.isalpha()):
        return False
    for m in _CAPITAL_RUN_RE.finditer(rest):
        initials = "".join(w[0] for w in m.group().split() if w[:1].isupper()).lower()
        if letters in (initials, initials.removesuffix("s")) or (word.isupper() and letters in initials):
            return True
    return False


def pick_spans(
    text: str,
    weights: TermWeights,
    masked: str | None = None,
    *,
    avoid: set[str] | frozenset[str] = frozenset(),
    common: Container[str] = frozenset(),
    shown: frozenset[str] = frozenset(),
    limit: int = 1,
    opinions: bool = False,
    terms: bool = True,
    years: bool = True,
    named: frozenset[str] = frozenset(),
) -> tuple[list[tuple[int, int]], str]:
    """The spans of ``text`` a careful card writer would hide (up to ``limit``, left to right), or none and why.

    ``avoid``: stems of the note's title (``content_stems``); ``common``: stems common to many of the note's key
    points (``common_stems``); ``shown``: stems of the card's headings (``heading_stems``). A second span is taken only of the best candidate's kind (two amounts, two names).
    ``opinions``: pick in a first-person or verdict sentence too (no card is made of one, a quiz may ask it).
    ``terms=False``: only the marked or unmistakable kinds (bold, number, name, quote), never code or a formula
    (what a typed quiz answer can hold); plain runs of words are left to the caller.
    ``years=False``: a year in a clause the bullet goes on from ranks below its names, amounts and terms (a book's
    or an episode's dates: judged blind, "took over Alcoa in [1987] ... Fixing safety forced ..." was trivia beside
    the lesson); a bullet that is a date ("published in 2011") keeps it, as does a topic note (a tax year).
    ``named``: stems of the note's topic's initials and of its author ("MF", "McCarthy"), never hidden alone.
    """
    if masked is None:
        masked = text
    if not opinions and opinion(text):
        return [], "an opinion or a reaction, not a fact"
    found = _candidates(text, masked, weights)
    turn = None  # where the bullet turns to a finding (``_finding_turn``), found once
    if not terms:
        found = [c for c in found if c.kind not in ("code", "formula")]
    elif not any(c.kind == "bold" for c in found):
        m = _SUBJECT_OF_RE.match(masked)
        if m:  # "The gulf of execution is the gap ...": the term the sentence defines
            found.append(Candidate(_TERM_CEILING, m.start(1), m.end(1), "term"))
        # a run of words ranks below _TERM_CEILING: when a candidate above that is chosen, no run could have been, so the
        # runs (a fifth of extraction) are scored only when the others give no such card
        if any(c.rank >= _TERM_CEILING for c in found):
            turn = _finding_turn(masked)
            if _finding_settled(found, turn):
                spans, reason, best = _choose(
                    text, found, turn, weights, avoid, common, shown, limit, years, named
                )
                if best >= _TERM_CEILING:
                    return spans, reason
        found += _terms(text, masked, weights)
    if turn is None:
        turn = _finding_turn(masked)
    return _choose(text, found, turn, weights, avoid, common, shown, limit, years, named)[:2]


_TERM_CEILING = 3.9  # the rank no run of words reaches (``_terms``); the defined subject's is this


def _choose(
    text: str,
    found: list[Candidate],
    turn: int,
    weights: TermWeights,
    avoid: set[str] | frozenset[str],
    common: Container[str],
    shown: frozenset[str],
    limit: int,
    years: bool,
    named: frozenset[str] = frozenset(),
) -> tuple[list[tuple[int, int]], str, float]:
    """``pick_spans``' choice among ``found``: the spans, why none, and the rank of the first chosen (-1: none)."""
    if text[:1] in "eEF" and (m := _EXAMPLE_RE.match(text)) and (given := _last_arrow(text, m.end())) > 0:
        # "e.g. TY2022 return filed in Apr 2023 → refund window runs to Apr 2026": a worked example's givens are
        # arbitrary (judged blind in set Y, "[$3,500] lost over the weekend"); what it comes to is the fact
        found = [c for c in found if c.start >= given]
        if not found:
            return [], "a worked example: what it starts from is no fact to recall", -1.0
    found = _finding_first(found, turn)
    if not years and YEAR_RE.search(text):
        found = _lowered(
            found,
            _LEAD_PENALTY,
            lambda c: (
                c.kind == "number"
                and _YEAR_ONLY_RE.fullmatch(text, c.start, c.end) is not None
                and _CLAUSE_BREAK_RE.search(text, c.end) is not None
            ),
        )
    lead_year = _LEAD_YEAR_RE.match(text) if text[:1] in _LEAD_YEAR_STARTS else None
    if lead_year and any(c.kind == "number" and c.start >= lead_year.end() for c in found):
        # "For 2025 the tiers go up to $1,350 / $2,700": the year says when, the amounts are the fact
        found = _lowered(found, _LEAD_YEAR_PENALTY, lambda c: c.end <= lead_year.end() and c.kind == "number")
    found.sort(key=lambda c: (-c.rank, c.start))
    chosen: list[Candidate] = []
    reason = ""
    weak = False
    avoid_set = set(avoid)  # (``_why_not`` only reads it)
    for c in found:
        if c.rank < 0:
            reason = reason or f"'{text[c.start : c.end]}' is too common a term to hide"
            continue
        if any(c.start < o.end and o.start < c.end for o in chosen):
            continue
        if chosen and _in_brackets(text, c.start) and not _in_brackets(text, chosen[0].start):
            continue  # "All [28] survived. (Ross Sea party lost 3, ...)": the aside's figure is no second card
        if chosen and (c.kind != chosen[0].kind or c.rank != chosen[0].rank or c.rank < 4):
            continue
        if chosen and c.kind == "number" and shape(text, c) != shape(text, chosen[0]):
            continue  # two amounts, two years, two percentages: not an amount and a year
        if chosen and c.kind not in ("number", "bold", "formula"):
            continue  # a second card of a bullet: two amounts or two marked terms; a second name ("Roger Barnsley"
            # beside "Karl Duncker"), a second command ("`patience`" beside "`histogram`") was judged filler
        if weak and c.kind == "term":
            continue  # the bullet's best words were a guess: a weaker run of words is no better
        # (each of these answers None for a candidate of a kind it does not judge: not asked then)
        number = c.kind == "number"
        why = _why_not(text, c, avoid_set, common, shown, named) or (
            derived_number(text, c) if number else None
        )
        why = (
            why
            or side_detail(text, c)
            or (code_example(text, c) if c.kind == "code" else None)
            or list_item(text, c)
            or (counted_items(text, c) if number else None)
            or (long_list(text, c) if number else None)
        )
        why = why or _ordinary_phrase(text, c, weights)
        if why is not None:
            reason = reason or why
            weak = weak or (c.kind in ("term", "quote", "bold", "number") and why.endswith(_GIVEN_AWAY))
            continue
        chosen.append(c)
        if len(chosen) >= limit:
            break
    if not chosen:
        return [], reason or "no number, name, formula or specific term to hide", -1.0
    return sorted((c.start, c.end) for c in chosen), "", chosen[0].rank


# where a bullet turns from what it is about to what was found: "meta-analysis, 148 studies: [strong ties -> 50%
# higher odds]", "2011 meta-analysis (Masi et al.) — [targeting social cognition worked better]"
_FINDING_RE = re.compile(r"(: | → | -> | — | – )| (?:found|showed|suggested|concluded) (?:that )?")
_FINDING_HINT_RE = re.compile(r": |→|->|—|–|found|showed|suggested|concluded")
_FINDING_WORDS = 3
# the first letters a year-led bullet can open with: "For", "In", "From", "Since", "Starting", "Tax year", "As of", a year
_LEAD_YEAR_STARTS = frozenset("FISTA12")
_LEAD_YEAR_RE = re.compile(rf"(?:(?:For|In|From|Since|As of|Starting(?: in)?|Tax year) )?{YEAR}\b[,:]?")
_LEAD_YEAR_PENALTY = 1.5
# "run [something everywhere]", "[guess something]": a word that stands for what the card should say
_INDEFINITES = frozenset(
    "something anything everything nothing someone anyone everyone somewhere anywhere everywhere otherwise".split()
)
_NUMBER_WORDS = {str(n): w for w, n in COUNT_WORDS.items() if n >= 2}


def _both_ways(pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    """Each word of each pair mapped to the other."""
    return {a: b for x, y in pairs for a, b in ((x, y), (y, x))}


_OPPOSITES = _both_ways(
    (
        ("weakest", "strongest"),
        ("least", "most"),
        ("lowest", "highest"),
        ("smallest", "largest"),
        ("worst", "best"),
        ("earliest", "latest"),
        ("slowest", "fastest"),
        ("minimum", "maximum"),
        ("pre", "post"),
        ("input", "output"),
        ("good", "bad"),
        ("old", "new"),
        ("inside", "outside"),  # "chains on the [outside], bases paired inside" (judged blind in set AR)
        ("upper", "lower"),
    )
)
# a measure's unit, one list for both sides of a conversion ("143 ft (~44 m)")
_MEASURE_UNIT = (
    r"(?:ft|feet|foot|m|km|mi|miles?|in|inches|cm|mm|lbs?|pounds|kg|g|oz|°F|°C|F|C|mph|km/h|gal|l|L)\b"
)
# a unit after a number, then the same measure in another unit in brackets: "143 ft (~44 m)"
_CONVERSION_AFTER_RE = re.compile(rf"\s?{_MEASURE_UNIT}\.?\s*\(\s*[~≈]?\s*[\d.,]+\s*{_MEASURE_UNIT}")
# a blank ending on its unit, then the same measure in another unit in brackets: "[1°C] (2–3°F)" (set BR)
_UNIT_END_RE = re.compile(rf"\d\s?{_MEASURE_UNIT}$")
_BRACKETED_CONVERSION_RE = re.compile(rf"\s*\(\s*[~≈]?\s*[\d.,]+(?:\s*[–-]\s*[\d.,]+)?\s*{_MEASURE_UNIT}")
# a number and its unit, then the bracket a conversion of it opens: "143 ft (~" before "[44] m)"
_CONVERSION_BEFORE_RE = re.compile(rf"\d\s?{_MEASURE_UNIT}\.?\s*\(\s*[~≈]?\s*$")
_AMOUNT_SIGN_RE = re.compile(r"[$€£]|\d\s?(?:k|K|M|bn|million|billion)\b")  # an amount, not a year or a count
# a size or degree before the same name, set against the other: "Big C ... Small C", "high k ... low k"
_SIZE_OPPOSITES = _both_ways(
    (
        ("big", "small"),
        ("high", "low"),
        ("long", "short"),
        ("more", "fewer"),
        ("many", "few"),
    )
)
# the halves of a compound set against each other: "white-box ... vs black-box"
_COMPOUND_OPPOSITES = _both_ways(
    (
        ("white", "black"),
        ("upper", "lower"),
        ("high", "low"),
        ("long", "short"),
        ("left", "right"),
        ("hard", "soft"),
        ("top", "bottom"),
        ("forward", "backward"),
        ("open", "closed"),
        ("over", "under"),
        ("inner", "outer"),
        ("on", "off"),
        ("min", "max"),
        ("pre", "post"),
    )
)
_NEGATING_PREFIXES = ("non-", "un", "non", "in", "im", "dis")


def negated_twin(plain: str, rest: str) -> str | None:
    """The word beside a one-word blank that names its opposite by a prefix, or a compound's other half set against
    it ("targeted" for "untargeted", "untargeted" for "targeted", "white-box ... vs" for "black-box"), or None."""
    if " " in plain or len(plain) < 4:
        return None
    lowered = rest.lower()
    # (only set against each other: in "short-term first, then long-term" the order is the fact)
    if "-" in plain and (" vs" in lowered or " versus " in lowered):
        head, tail = plain.split("-", 1)
        other = _COMPOUND_OPPOSITES.get(head)
        if other and f"{other}-{tail}" in lowered:
            return f"{other}-{tail}"
    # (each pattern only where its word is a substring: asked of nearly every span, a pattern per word is costly)
    for prefix in _NEGATING_PREFIXES:
        base = plain.removeprefix(prefix)
        if (
            base != plain
            and len(base) > 3
            and base in lowered
            and re.search(rf"\b{re.escape(base)}\b", lowered)
        ):
            return base
    if plain not in lowered:
        return None
    found = re.search(rf"\b(?:non-?|un|in|im|dis){re.escape(plain)}\b", lowered)
    return found.group() if found else None


# more after the year's clause: the lesson, where a year sets a scene
_CLAUSE_BREAK_RE = re.compile(r"[.;:] | [—–] ")
_YEAR_ONLY_RE = re.compile(rf"{YEAR}(?:s|[–-](?:1[5-9]|20)?\d\d)?")
_LEAD_PENALTY = 3.0


_EXAMPLE_RE = re.compile(r"(?:e\.g\.|E\.g\.|Example:|Ex:|For example)[,:]? ")
_ARROWS = ("→", "->", "⇒")


def _last_arrow(text: str, start: int) -> int:
    """Where what follows a worked example's last arrow starts, or -1 (no arrow after ``start``)."""
    at = max(text.rfind(a, start) for a in _ARROWS)
    return -1 if at < 0 else at + 1


def _in_brackets(text: str, at: int) -> bool:
    return text.rfind("(", 0, at) > text.rfind(")", 0, at)


def _finding_turn(text: str) -> int:
    """Where a bullet turns from its lead to a finding (its last turn with words after it), or -1: no turn, or a
    lead that is a claim ("AdaBoost came first: it reweights ...": what follows explains it)."""
    if not _FINDING_HINT_RE.search(text, 0, SCAN_LIMIT):
        return -1
    last = None
    for m in _FINDING_RE.finditer(text, 0, SCAN_LIMIT):
        if len(text[m.end() : SCAN_LIMIT].split(None, _FINDING_WORDS)) >= _FINDING_WORDS:
            last = m
    if last is None or last.group(1) and _claims(text[: last.start()]):
        return -1
    return last.end()


def _finding_first(found: list[Candidate], turn: int) -> list[Candidate]:
    """The candidates with those in a bullet's lead (before its ``turn`` to a finding) ranked below those of the
    finding: judged blind, a year, a study's size or a researcher's name hidden while the result stayed visible
    was the commonest fix asked for. With nothing to hide in the finding, the lead's best is still the card."""
    if turn < 0 or not any(c.start >= turn and c.rank >= 0 for c in found):
        return found
    return _lowered(found, _LEAD_PENALTY, lambda c: c.end <= turn)


def _finding_settled(found: list[Candidate], turn: int) -> bool:
    """Whether ``_finding_first`` ranks ``found`` as it would with more candidates added: no turn to a finding, or
    one with a candidate after it already (with none, a run of words after it would lower the lead's)."""
    return turn < 0 or any(c.start >= turn and c.rank >= 0 for c in found)


def _lowered(found: list[Candidate], by: float, which: Callable[[Candidate], bool]) -> list[Candidate]:
    """The candidates, those ``which`` picks ranked ``by`` lower (a candidate already ruled out, rank below 0,
    stays as it is)."""
    return [c._replace(rank=c.rank - by) if c.rank >= 0 and which(c) else c for c in found]


def _claims(lead: str) -> bool:
    """Whether a bullet's lead says something (holds a verb: "came first", "goes the other way", "is really 61
    days") rather than naming what the finding after it is about ("a 2010 meta-analysis, 148 studies")."""
    words = [w.lower() for w in WORD_RE.findall(lead)]
    return any(
        w in CLAUSE_WORDS or w in VERBS or verb_like(w) or w.endswith("ed") and len(w) > 4 for w in words
    )


def _ordinary_phrase(text: str, c: Candidate, weights: TermWeights) -> str | None:
    """A run of ordinary English words led by a describing adjective or ending on an adverb, which the note uses
    once ("a bad reset [right away]", "the [modern replacement] for"): the writer's description, not a term of the
    subject, which a learner cannot recall word for word."""
    if c.kind != "term":
        return None
    words = WORD_RE.findall(text[c.start : c.end].lower())
    if any(w in _INDEFINITES for w in words):
        return f"'{text[c.start : c.end]}' holds '{next(w for w in words if w in _INDEFINITES)}', which names nothing"
    if len(words) < 2 or not all(common_english(w) for w in words):
        return None
    if words[0] not in DESCRIPTIVE_ADJECTIVES and words[-1] not in ADVERB_PARTICLES:
        return None  # "sleep pressure", "decision boundary", "hidden state": a term made of ordinary words
    # the phrase or a part of two words of it, singular ("higher [learning rate]s"), again elsewhere: a term
    for a in range(len(words) - 1):
        for b in range(a + 2, len(words) + 1):
            if weights.count(" ".join(words[a:b]).removesuffix("s")) > 1:
                return None
    return f"'{text[c.start : c.end]}' is an ordinary phrase the note uses once, not a term"


def heading_stems(context: tuple[str, ...] | list[str]) -> frozenset[str]:
    """The stems of the words of a card's headings (its breadcrumb), hyphenated words also split ("Multi-head"
    gives "head"): an answer made of them is read off the card's context line."""
    return _heading_stems(" ".join(context))


@lru_cache(maxsize=1024)
def _heading_stems(text: str) -> frozenset[str]:
    # (the bullets of a section share their headings: computed once for them)
    words = [w.lower() for w in WORD_RE.findall(text.replace("-", " ")) if w.lower() not in STOP_WORDS]
    # "garbage collection" gives away the command "gc": the initials of two or three words in a row ("^gc")
    initials = {
        "^" + "".join(w[0] for w in words[i : i + k]) for k in (2, 3) for i in range(len(words) - k + 1)
    }
    stems = content_stems(text) | content_stems(text.replace("-", " "))
    shares = {f"%{v}" for v in _shares(text)}  # "92.35% factor:" shows the share 0.9235 too
    return frozenset(stems | {_root(w) for w in stems} | initials | amount_values(text) | shares)


# an amount however it is written: "$25,000", "$25k", "25 thousand" are one amount ("=25000")
_AMOUNT_RE = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)(?:\s?(k|K|m|M|bn|B|thousand|million|billion)\b)?")
_SCALE = {**{k.lower(): v for k, v in SCALES.items()}, "bn": 1e9}  # the one table of scales, any case


def amount_values(text: str) -> set[str]:
    """The amounts of 100 or more in a text as "=value" tokens, so that "$25k" in a bullet is known for the
    "$25,000" of its heading (smaller numbers are counts and ranks, matched as written)."""
    if not _DIGIT_RE.search(text):
        return set()
    out = set()
    for m in _AMOUNT_RE.finditer(text):
        try:
            value = float(m.group(1).replace(",", "")) * _SCALE.get((m.group(2) or "").lower(), 1)
        except ValueError:
            continue
        if value >= 100:
            out.add(f"={value:g}")
    return out


def _in_headings(kind: str, stems: set[str], avoid: set[str], shown: frozenset[str]) -> bool:
    """Whether a span is read off the card's headings: a number, formula or command wholly (with initials: "gc"
    under "garbage collection"); a plain run of words by any word ("leftover losses" under "Losses"); a bold term
    or a name unless a specific word of its own is left ("**shutdown ritual**" under "Rituals" stays)."""
    if kind in ("number", "formula", "code"):
        return stems <= avoid | shown | {w[1:] for w in shown if w.startswith("^")}
    if kind in ("bold", "entity"):
        own = stems - shown - avoid
        return len(own) < len(stems) and all(len(w) < 3 or common_english(w) for w in own)
    return bool(stems & shown)


_EPITHET_RE = re.compile(r" ([a-z]{3,}(?:us|is|um|ae|ii|ens|ensis|i))\b")  # "erectus", "sapiens", "coli"


def _name_fragment(text: str, c: Candidate) -> bool:
    """A capitalised word that is the first half of a Latin name whose second half stays on the card ("[Homo]
    erectus", "[Escherichia] coli")."""
    span = text[c.start : c.end]
    if not span[:1].isupper() or not WORD_RE.fullmatch(span) or span.rstrip("s").isupper():
        return False
    after = _EPITHET_RE.match(text, c.end)
    return bool(after and not common_english(after.group(1)))


def _lone_common_word(span: str) -> bool:
    """A span of one ordinary English word ("the [night]", "[Pessimism] sounds smarter"): a guess, not a fact."""
    plain = unbold(span).strip('`"“” ')
    if " " in plain or "-" in plain or not plain.isalpha():
        return False
    return (len(plain) == 1 or plain[1:].islower()) and common_english(plain)  # not "SHA", "LLMs"
