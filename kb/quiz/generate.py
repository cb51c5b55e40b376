"""The quiz generator: multiple-choice, fill-in-the-blank and true/false questions written from a scope's cards.

Flashcards drill what the user wrote as cards; a quiz tests a whole note, tag or type on demand. Questions are built
from the ``cards`` table (filled by the card extractor, which already leaves out code, math blocks and front matter;
a card holding raw HTML is skipped here), so every question cites the note and line its card comes from. Cards are
drawn note by note in a seeded order, so a quiz over a whole corpus touches a few dozen notes, not all of them.

- Multiple choice: a card's front with its back among distractors, or a key sentence with its salient term blanked
  and other terms as options. Distractors come from the same note, then notes sharing a tag, then the corpus (the
  notes' FTS5 index finds the similar notes), ranked by token overlap and length, of the answer's form (a term for
  a term, a number with the same unit for a number); none equals the answer after normalising, no two options are
  equal or nearly so. Four options when the material allows, fewer with a notice.
- Cloze: a key sentence (key point, definition, cloze card, sentence with a bold term) with its most salient term
  blanked; typed answers are graded leniently by :func:`grade`.
- True/false: a card's statement with its own answer or with a plausible wrong one.

Pure apart from reading the database: no clock, no writes. The same seed and the same cards give the same quiz.
Storing answers lives in :mod:`kb.quizstore`; the CLI in :mod:`kb.commands.quiz`.
"""

from __future__ import annotations

import os
import random
import re
import sqlite3
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum

from kb.errors import KbError
from kb.search.query import note_filter

BLANK = "_____"
MAX_OPTIONS = 4
MAX_QUESTIONS = 500
# Cards in scope are counted up to here: enough for the notices, cheap on a 100,000-card corpus.
CARD_COUNT_CAP = 1000
# An answer this long makes a poor option: the options would be paragraphs.
MAX_OPTION_CHARS = 240
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class QuestionKind(StrEnum):
    MCQ = "mcq"
    CLOZE = "cloze"
    TF = "tf"


ALL_KINDS = (QuestionKind.MCQ, QuestionKind.CLOZE, QuestionKind.TF)

# Words that never make a blank and never count towards textual similarity.
STOP_WORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before being below between
    both but by can could did do does doing down during each either else ever every few for from further had has
    have having he her here hers him his how however i if in into is it its itself just least less like many may me
    might more most much must my neither no nor not now of off often on once one only or other our ours out over own
    per rather same she should so some such than that the their theirs them then there these they this those though
    through thus to too under until up upon us very via was we were what when where whether which while who whom whose
    why will with within without would yet you your yours e.g i.e etc vs""".split()
)
ARTICLES = ("the", "a", "an")
MARKUP_CHARS = set("*_=[]{}<>$`|#~^\\")


# ---------------------------------------------------------------------------------------------------------------------
# Text helpers


_WIKILINK_RE = re.compile(r"\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_CLOZE_SYNTAX_RE = re.compile(r"\{\{c\d+::(.*?)(?:::[^}]*)?\}\}", re.S)
_EMPH_RES = (  # (a character the markup needs, the pattern), applied in this order
    ("*", re.compile(r"\*\*(.+?)\*\*", re.S)),
    ("_", re.compile(r"(?<!\w)__(.+?)__(?!\w)", re.S)),
    ("=", re.compile(r"==(.+?)==", re.S)),
    ("~", re.compile(r"~~(.+?)~~", re.S)),
    ("*", re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", re.S)),
    ("_", re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])", re.S)),
)
_MARKUP_TRIGGERS = frozenset("{[`<*_=~")
_CODE_RE = re.compile(r"`([^`]*)`")
_TAG_RE = re.compile(r"</?[A-Za-z][^>]*>")


def strip_markup(text: str) -> str:
    """Markdown source to the plain text a reader sees: links, emphasis, highlights, code ticks and tags removed.

    Inline math (``$...$``) is kept as written: it is what the note shows, and the site renders it.
    """
    if _MARKUP_TRIGGERS.isdisjoint(text):  # most answers: nothing to strip, skip the eleven substitutions
        return " ".join(text.split())
    if "{" in text:
        text = _CLOZE_SYNTAX_RE.sub(r"\1", text)
    if "[" in text:
        text = _WIKILINK_RE.sub(lambda m: (m.group(2) or m.group(1).rsplit("/", 1)[-1]).strip(), text)
        text = _LINK_RE.sub(r"\1", text)
    if "`" in text:
        text = _CODE_RE.sub(r"\1", text)
    if "<" in text:
        text = _TAG_RE.sub("", text)
    for marker, regex in _EMPH_RES:
        if marker in text:
            text = regex.sub(r"\1", text)
    return " ".join(text.split())


def _fold(text: str) -> str:
    """Case and accents folded: ``Éclair`` -> ``eclair``."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+")


def _tokens(text: str) -> list[str]:
    """Folded words and numbers; ``60,000`` and ``60000`` give the same token, ``6.2%`` gives ``6.2``."""
    out = []
    for tok in _TOKEN_RE.findall(_fold(text)):
        if tok[0].isdigit():
            tok = tok.replace(",", "")
        out.append(tok)
    return out


def normalise(text: str) -> str:
    """The comparison form of an answer: markup, case, accents, punctuation and spacing removed."""
    return " ".join(_tokens(strip_markup(text)))


def _content_words(text: str) -> set[str]:
    return {t for t in _tokens(text) if len(t) > 2 and t not in STOP_WORDS and not t.isdigit()}


def damerau_levenshtein(a: str, b: str, limit: int = 2) -> int:
    """Optimal-string-alignment distance (insert, delete, substitute, swap two neighbours), capped at ``limit``."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) >= limit:
            return limit
        prev2, prev = prev, cur
    return min(prev[-1], limit)


def _drop_article(tokens: list[str]) -> list[str]:
    return tokens[1:] if len(tokens) > 1 and tokens[0] in ARTICLES else tokens


def accepted_answers(expected: str) -> list[str]:
    """The texts a typed answer is compared with: the answer, and each part of "long form (SHORT)" alone."""
    expected = strip_markup(expected)
    variants = [expected]
    paren = re.fullmatch(r"(.+?)\s*\(([^()]+)\)\s*", expected)
    if paren:  # "Backpropagation through time (BPTT)": either part alone is right too
        variants += [paren.group(1), paren.group(2)]
    return variants


def typed_answer_matches(expected: str, given: str) -> tuple[bool, bool]:
    """Lenient comparison of a typed answer: ``(correct, with_a_typo)``.

    Case, accents, punctuation, spacing and a leading article are ignored; one word longer than four letters may
    carry one typo (a wrong, missing, extra or swapped letter); numbers must match exactly.
    """
    best = (False, False)
    for variant in accepted_answers(expected):
        result = _typed_match(variant, given)
        if result[0] and not result[1]:
            return result
        if result[0]:
            best = result
    return best


def _typed_match(expected: str, given: str) -> tuple[bool, bool]:
    want = _drop_article(_tokens(expected))
    got = _drop_article(_tokens(given))
    if not got or not want:
        return False, False
    if want == got:
        return True, False
    if "".join(want) == "".join(got):  # "data set" for "dataset", "e mail" for "email"
        return True, False
    if len(want) != len(got):
        return False, False
    typos = 0
    for w, g in zip(want, got, strict=True):
        if w == g:
            continue
        if any(c.isdigit() for c in w + g) or len(w) <= 4:
            return False, False
        if damerau_levenshtein(w, g) != 1:
            return False, False
        typos += 1
        if typos > 1:
            return False, False
    return True, True


def _is_markup_fragment(term: str) -> bool:
    return any(c in MARKUP_CHARS for c in term)


def valid_term(term: str, max_words: int = 6) -> bool:
    """Whether ``term`` can be a blank: a few real words, not only stop words, no markup left in it."""
    term = term.strip()
    if not term or len(term) > 10 * max_words or _is_markup_fragment(term):
        return False
    words = _tokens(term)
    if not words or len(words) > max_words:
        return False
    if all(w in STOP_WORDS for w in words):
        return False
    return any(c.isalnum() for c in term)


# ---------------------------------------------------------------------------------------------------------------------
# Scope and cards


@dataclass(frozen=True)
class Scope:
    """Which cards questions come from. Empty fields mean no filter; all empty means the whole knowledge base."""

    note: str | None = None  # root-relative path: notes/ml/rnns.md
    tag: str | None = None
    type: str | None = None

    def describe(self) -> str:
        parts = [f"{k}:{v}" for k, v in (("note", self.note), ("tag", self.tag), ("type", self.type)) if v]
        return " ".join(parts) or "all"

    def label(self) -> str:
        """The scope in a sentence: ``tag:taxes`` or ``the knowledge base``."""
        text = self.describe()
        return "the knowledge base" if text == "all" else text

    def to_json(self) -> dict:
        return {"note": self.note, "tag": self.tag, "type": self.type}


@dataclass(frozen=True)
class CardRow:
    id: str
    note: str
    line: int
    position: int
    kind: str
    front: str
    back: str
    context: str
    sibling: str
    suspended: bool = False
    generated: bool = False  # made by kb from a key point, not written as a card by the user
    cloze_text: str = ""  # the cloze source in Anki markup, when the store has it
    cloze_index: int = 0


_CARD_COLUMNS = "c.id, c.note, c.line, c.position, c.kind, c.front, c.back, c.context, c.sibling, c.suspended, c.generated"


def _scope_sql(scope: Scope) -> tuple[str, list[object]]:
    where = ["c.orphaned_at IS NULL", "c.suspended = 0"]
    params: list[object] = []
    if scope.note:
        where.append("c.note = ?")
        params.append(scope.note)
    filters, filter_params = note_filter("c.note", tag=scope.tag, note_type=scope.type)
    return " AND ".join(where + filters), params + filter_params


def _check_scope(conn: sqlite3.Connection, scope: Scope) -> None:
    """A scope naming nothing that exists is a user mistake with a one-line answer."""
    if scope.note and not conn.execute("SELECT 1 FROM notes WHERE path = ?", (scope.note,)).fetchone():
        raise KbError(f"{scope.note}: no such note in the index; see `kb notes list` for the paths")
    if (
        scope.tag
        and not conn.execute("SELECT 1 FROM note_tags WHERE tag = ? LIMIT 1", (scope.tag,)).fetchone()
    ):
        raise KbError(f"quiz: no note has the tag {scope.tag!r}; see `kb tags` for the tags in use")
    if (
        scope.type
        and not conn.execute("SELECT 1 FROM notes WHERE type = ? LIMIT 1", (scope.type.lower(),)).fetchone()
    ):
        types = [t for (t,) in conn.execute("SELECT DISTINCT type FROM notes ORDER BY type")]
        raise KbError(
            f"quiz: no note has the type {scope.type!r}; types in use: {', '.join(types) or 'none'}"
        )


# ---------------------------------------------------------------------------------------------------------------------
# What a card offers: a question/answer pair and a sentence with a blank


@dataclass(frozen=True)
class _Blank:
    prompt: str  # plain text with BLANK where the term was
    answer: str  # plain text of the blanked term
    sentence: str  # plain text of the whole sentence
    lead: str = ""  # the card's question, shown above the sentence when the sentence answers it


class _Material:
    """What one card offers: a question and its answer, a sentence with a blank, terms for distractors.

    Computed lazily: most cards of a quiz are only read for their answers, as distractors of other questions.
    """

    def __init__(self, card: CardRow):
        self.card = card
        self._qa: tuple[str | None, str | None] | None = None
        self._blank: tuple[_Blank | None, tuple[str, ...]] | None = None
        self._terms: tuple[str, ...] | None = None
        self._front = self._back = None

    @property
    def front_plain(self) -> str:
        if self._front is None:
            self._front = strip_markup(self.card.front)
        return self._front

    @property
    def statement(self) -> str:
        """The plain back: a wrong answer to other cards' questions."""
        if self._back is None:
            self._back = strip_markup(self.card.back)
        return self._back

    @property
    def question(self) -> str | None:
        return self._question_answer()[0]

    @property
    def answer(self) -> str | None:
        return self._question_answer()[1]

    @property
    def blank(self) -> _Blank | None:
        return self._blank_terms()[0]

    @property
    def terms(self) -> tuple[str, ...]:
        """Plain terms of the card (bold, highlighted, cloze deletions, short answers): distractor stock."""
        if self._blank is not None:
            return self._blank[1]
        if self._terms is None:
            # Without the sentence scan: most cards are only ever read for their terms, as distractors.
            self._terms = _blank_and_terms(
                self.card, self.front_plain, self.statement, self.answer, scan=False
            )[1]
        return self._terms

    def _question_answer(self) -> tuple[str | None, str | None]:
        if self._qa is None:
            self._qa = _question_answer(self.card, self.front_plain, self.statement)
        return self._qa

    def _blank_terms(self) -> tuple[_Blank | None, tuple[str, ...]]:
        if self._blank is None:
            self._blank = _blank_and_terms(self.card, self.front_plain, self.statement, self.answer)
        return self._blank


_BRACKET_RE = re.compile(r"\[([^\[\]]*)\]")
_MATH_RE = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|\\\(.*?\\\)", re.S)
_STRONG_RE = re.compile(r"\*\*(.+?)\*\*|(?<!\w)__(.+?)__(?!\w)|==(.+?)==", re.S)
_CAPS_PHRASE_RE = re.compile(r"(?<![\w.])([A-Z][\w'’-]*(?:[ \t]+(?:of |and |the |for )?[A-Z][\w'’-]*)+)")
_ACRONYM_RE = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]{1,6}s?)(?![\w-])")
_NUMBER_RE = re.compile(r"(?<![\w.])(\$?\d[\d,]*(?:\.\d+)?%?)(?![\w])")
_WORD_RE = re.compile(r"(?<![\w-])([A-Za-z][a-z]{6,}(?:-[a-z]+)?)(?![\w-])")


def cloze_answer(front: str, back: str) -> tuple[str, str] | None:
    """For a cloze card, the deleted text and the front with the deletion as :data:`BLANK`, or None.

    The extractor shows a deletion as ``[...]`` (or ``[hint]``) on the front and the full text on the back, so the
    deletion is what the back has where the front has the bracket.
    """
    spans = sorted(_BRACKET_RE.finditer(front), key=lambda m: m.group(1) != "...")
    for m in spans:
        prefix, suffix = front[: m.start()], front[m.end() :]
        if len(prefix) + len(suffix) > len(back) or not back.startswith(prefix) or not back.endswith(suffix):
            continue
        deleted = back[len(prefix) : len(back) - len(suffix)]
        if not deleted.strip() or deleted == m.group(1) or deleted == m.group(0):
            continue
        hint = m.group(1).strip()
        shown = f" ({hint})" if hint and hint != "..." else ""
        return deleted, prefix + "\x00" + shown + suffix
    return None


def _clean_term(term: str) -> str:
    term = strip_markup(term).strip(" \t.,;:!?\"'")
    if term.count("(") != term.count(")"):
        term = term.strip("()").strip()
    return term


def _candidate_terms(raw: str) -> list[tuple[int, int, str, int]]:
    """Blankable terms of a markdown sentence: (start, end, plain term, salience), best first."""
    masked = _MATH_RE.sub(lambda m: "\x01" * len(m.group(0)), raw)
    masked = _CODE_RE.sub(lambda m: "\x01" * len(m.group(0)), masked)
    masked = _WIKILINK_RE.sub(lambda m: "\x01" * len(m.group(0)), masked)
    found: list[tuple[int, int, str, int]] = []
    taken: list[tuple[int, int]] = []

    def add(start: int, end: int, text: str, score: int) -> None:
        if any(s < end and start < e for s, e in taken):
            return
        term = _clean_term(text)
        if not valid_term(term):
            return
        taken.append((start, end))
        found.append((start, end, term, score))

    for m in _STRONG_RE.finditer(masked):
        inner = m.group(1) or m.group(2) or m.group(3)
        add(m.start(), m.end(), inner, 100 + min(len(inner.split()), 3))
    stripped_start = len(masked) - len(masked.lstrip(" -*+>0123456789."))
    for m in _CAPS_PHRASE_RE.finditer(masked):
        if m.start() <= stripped_start:  # the capital may only mark the sentence start
            continue
        add(m.start(1), m.end(1), m.group(1), 60 + min(len(m.group(1).split()), 3))
    for m in _ACRONYM_RE.finditer(masked):
        add(m.start(1), m.end(1), m.group(1), 50)
    for m in _NUMBER_RE.finditer(masked):
        add(m.start(1), m.end(1), m.group(1), 40)
    for m in _WORD_RE.finditer(masked):
        word = m.group(1)
        if word.lower() not in STOP_WORDS:
            add(m.start(1), m.end(1), word, 10 + min(len(word), 14))
    found.sort(key=lambda t: (-t[3], t[0]))
    return found


def _blank_occurrences(text: str, term: str) -> str:
    """Every whole-word occurrence of ``term`` (any case, plural -s/-es too) replaced by the blank marker."""
    low, key = text.lower(), term.lower()
    out, i = [], 0
    while True:
        j = low.find(key, i)
        if j < 0:
            break
        end = j + len(key)
        for suffix in ("es", "s"):
            if low.startswith(suffix, end) and not (
                end + len(suffix) < len(low) and low[end + len(suffix)].isalnum()
            ):
                end += len(suffix)
                break
        before_ok = j == 0 or not (low[j - 1].isalnum() or low[j - 1] == "_")
        after_ok = end >= len(low) or not (low[end].isalnum() or low[end] == "_")
        if before_ok and after_ok:
            out.append(text[i:j] + "\x00")
        else:
            out.append(text[i:end])
        i = end
    out.append(text[i:])
    return "".join(out)


def _blank_sentence(raw: str, lead: str = "") -> _Blank | None:
    """The sentence with its most salient term blanked, every other occurrence of the term blanked too."""
    if "\x00" in raw:
        return None
    sentence = strip_markup(raw)
    for start, end, term, _score in _candidate_terms(raw):
        text = raw[:start] + "\x00" + raw[end:]
        prompt = strip_markup(text)
        prompt = _blank_occurrences(prompt, term).replace("\x00", BLANK)
        if normalise(term) in normalise(prompt) or normalise(prompt.replace(BLANK, "")) == "":
            continue
        if normalise(term) in normalise(lead):
            continue
        return _Blank(prompt=prompt, answer=term, sentence=sentence, lead=lead)
    return None


def _all_terms(raw: str) -> tuple[str, ...]:
    terms = []
    for m in _STRONG_RE.finditer(_MATH_RE.sub(" ", raw)):
        term = _clean_term(m.group(1) or m.group(2) or m.group(3))
        if valid_term(term):
            terms.append(term)
    for m in _CLOZE_SYNTAX_RE.finditer(raw):
        term = _clean_term(m.group(1))
        if valid_term(term):
            terms.append(term)
    return tuple(dict.fromkeys(terms))


def _question_text(front: str, answer: str) -> str:
    """A card's front as a question: a bare term becomes "What is X?", a description asks for its term."""
    if front.rstrip().endswith("?"):
        return front
    words = front.split()
    if len(words) <= 6 and len(answer.split()) > len(words):
        return f"What is {front.rstrip(' :.')}?"
    if len(answer.split()) <= 6 and len(words) >= 5:
        return f"Which term is this? {front}"
    return f"{front.rstrip(' :')} …?"


def is_termlike(text: str) -> bool:
    """A short phrase rather than a sentence: it takes other terms as distractors, not other sentences."""
    return len(text.split()) <= 6 and not re.search(r"[.;!?]\s|[.;!?]$", text.strip())


def _reveals(front: str, back: str) -> bool:
    """Whether showing ``front`` gives ``back`` away, or ``back`` merely repeats ``front``."""
    fn, bn = normalise(front), normalise(back)
    if not fn or not bn or bn in fn or fn in bn:
        return True
    fw = _content_words(front) - {"key", "point", "points"}
    # A short front whose every word is in the back ("Key point: standard deduction" -> "The standard deduction is").
    return len(front.split()) <= 8 and bool(fw) and fw <= _content_words(back)


def _question_answer(card: CardRow, front_plain: str, back_plain: str) -> tuple[str | None, str | None]:
    if card.kind == "cloze" or not front_plain or not back_plain:
        return None, None
    if _reveals(front_plain, back_plain):
        return None, None
    return _question_text(front_plain, back_plain), back_plain


_CLOZE_NUM_RE = re.compile(r"\{\{c(\d+)::(.*?)(?:::([^}]*))?\}\}", re.S)


def _cloze_blank(card: CardRow, back_plain: str) -> tuple[str, str] | None:
    """(deleted text, prompt with BLANK) of a cloze card, or None when it hides more than one span."""
    found = cloze_answer(card.front, card.back)
    if found is not None:
        deleted, with_marker = found
        return deleted, strip_markup(with_marker).replace("\x00", BLANK)
    # Front and back may differ in other markup; the Anki form of the source names the deletion.
    if card.cloze_text and card.cloze_index:
        hidden = [m for m in _CLOZE_NUM_RE.finditer(card.cloze_text) if int(m.group(1)) == card.cloze_index]
        if len(hidden) != 1:
            return None
        hint = (hidden[0].group(3) or "").strip()
        marker = f"[{hint}]" if hint else "[...]"
        front = strip_markup(card.front)
        if front.count(marker) != 1:
            return None
        shown = f"{BLANK} ({hint})" if hint else BLANK
        return hidden[0].group(2), front.replace(marker, shown)
    return None


def _blank_and_terms(
    card: CardRow, front_plain: str, back_plain: str, answer: str | None, *, scan: bool = True
) -> tuple[_Blank | None, tuple[str, ...]]:
    """The card's blank (``scan=False``: skip looking for one in its sentences) and its distractor terms."""
    blank = None
    terms = list(_all_terms(card.front) + _all_terms(card.back))
    if card.kind == "cloze":
        found = _cloze_blank(card, back_plain)
        if found is not None:
            term = _clean_term(found[0])
            prompt = found[1]
            # The user chose this deletion, so it may be longer than a generated blank.
            if valid_term(term, max_words=12) and normalise(term) not in normalise(
                prompt.replace(BLANK, " ")
            ):
                blank = _Blank(prompt=prompt, answer=term, sentence=back_plain)
                # A generated deletion is kb's guess at the salient words: askable, but no distractor for others.
                if not card.generated:
                    terms.insert(0, term)
        return blank, tuple(dict.fromkeys(terms))
    short_front = len(front_plain.split()) <= 6 and not front_plain.endswith("?")
    term = _clean_term(front_plain)
    if short_front and len(back_plain.split()) >= len(front_plain.split()) and valid_term(term):
        # A key point ("**term**: what follows") or a definition: the term is the blank.
        if normalise(term) not in normalise(back_plain):
            blank = _Blank(prompt=f"{BLANK}: {back_plain}", answer=term, sentence=f"{term}: {back_plain}")
            terms.insert(0, term)
    elif not scan:
        pass
    elif card.kind == "keypoint":
        blank = _blank_sentence(card.back)
    elif _STRONG_RE.search(card.back):
        blank = _blank_sentence(card.back, lead=front_plain)
    if answer and is_termlike(answer) and valid_term(answer):
        terms.append(answer)
    return blank, tuple(dict.fromkeys(terms))


def material_for(card: CardRow) -> _Material:
    """Everything a card offers to the quiz. Pure."""
    return _Material(card)


# ---------------------------------------------------------------------------------------------------------------------
# Questions and the quiz


@dataclass(frozen=True)
class Question:
    """One question. ``answer`` is the option index (mcq), the expected text (cloze) or a bool (tf)."""

    kind: QuestionKind
    prompt: str
    answer: int | str | bool
    answer_text: str  # the right answer as text, found in the note (for tf: the true answer of the statement)
    explanation: str  # what to show after answering: the full true sentence or answer
    card_id: str
    note: str
    line: int
    context: str = ""
    options: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.note}:{self.line}"

    @property
    def right_answer(self) -> str:
        """The right answer as a user would give it: ``b) the option``, the text, or ``true``/``false``."""
        if self.kind == QuestionKind.MCQ:
            return f"{LETTERS[int(self.answer)]}) {self.options[int(self.answer)]}"
        if self.kind == QuestionKind.TF:
            return "true" if self.answer else "false"
        return str(self.answer)

    def to_json(self, position: int | None = None) -> dict:
        data: dict = {"kind": str(self.kind), "prompt": self.prompt}
        if position is not None:
            data = {"position": position, **data}
        if self.kind == QuestionKind.MCQ:
            data["options"] = list(self.options)
        if self.kind == QuestionKind.CLOZE:
            # For a page grading typed answers itself: compare leniently (see typed_answer_matches) with each.
            data["accept"] = accepted_answers(str(self.answer))
        data.update(
            answer=self.answer,
            answer_text=self.answer_text,
            explanation=self.explanation,
            card_id=self.card_id,
            note=self.note,
            line=self.line,
            context=self.context,
            notices=list(self.notices),
        )
        return data


@dataclass(frozen=True)
class Quiz:
    questions: tuple[Question, ...]
    seed: int
    scope: Scope
    kinds: tuple[QuestionKind, ...]
    requested: int
    cards_in_scope: int  # counted up to CARD_COUNT_CAP
    notices: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """JSON-ready data: what `kb quiz --json` prints and the site's quiz pages read."""
        return {
            "seed": self.seed,
            "scope": self.scope.to_json(),
            "kinds": [str(k) for k in self.kinds],
            "requested": self.requested,
            "cards_in_scope": self.cards_in_scope,
            "notices": list(self.notices),
            "questions": [q.to_json(i + 1) for i, q in enumerate(self.questions)],
        }


def parse_kinds(text: str | Iterable[str]) -> tuple[QuestionKind, ...]:
    """``"mcq,cloze"`` -> kinds; an unknown kind is a KbError listing the valid ones."""
    items = text.split(",") if isinstance(text, str) else list(text)
    kinds: list[QuestionKind] = []
    for item in items:
        item = str(item).strip().lower()
        if not item:
            continue
        aliases = {"mc": "mcq", "choice": "mcq", "blank": "cloze", "truefalse": "tf", "true-false": "tf"}
        item = aliases.get(item, item)
        try:
            kind = QuestionKind(item)
        except ValueError:
            raise KbError(
                f"quiz: unknown question kind {item!r}; use mcq, cloze or tf, e.g. --kinds mcq,tf"
            ) from None
        if kind not in kinds:
            kinds.append(kind)
    if not kinds:
        raise KbError("quiz: no question kinds given; use mcq, cloze or tf, e.g. --kinds mcq,tf")
    return tuple(kinds)


# ---------------------------------------------------------------------------------------------------------------------
# Distractors


class _Library:
    """Cards of other notes, loaded on demand and cached for the quiz being built."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        columns = {row[1] for row in conn.execute("PRAGMA table_info(cards)")}
        self.columns = _CARD_COLUMNS + (
            ", c.cloze_text, c.cloze_index" if {"cloze_text", "cloze_index"} <= columns else ""
        )
        self._notes: dict[str, list[_Material]] = {}
        self._tags: dict[str, tuple[str, ...]] = {}
        self._similar: dict[tuple, list[str]] = {}

    def materials(self, note: str) -> list[_Material]:
        cached = self._notes.get(note)
        if cached is None:
            rows = self.conn.execute(
                f"SELECT {self.columns} FROM cards c WHERE c.note = ? AND c.orphaned_at IS NULL "
                "ORDER BY c.position, c.id",
                (note,),
            ).fetchall()
            # Raw HTML is not a question: the extractor keeps a line such as `<div>a::b</div>` as a card.
            cached = [
                _Material(card)
                for card in (CardRow(*r) for r in rows)
                if not (_TAG_RE.search(card.front) or _TAG_RE.search(card.back))
            ]
            self._notes[note] = cached
        return cached

    def tags(self, note: str) -> tuple[str, ...]:
        cached = self._tags.get(note)
        if cached is None:
            cached = tuple(
                t
                for (t,) in self.conn.execute(
                    "SELECT tag FROM note_tags WHERE note = ? ORDER BY tag", (note,)
                )
            )
            self._tags[note] = cached
        return cached

    def similar_notes(
        self, note: str, words: Sequence[str], *, tags: tuple[str, ...] | None, limit: int = 8
    ) -> list[str]:
        """Notes most like ``words`` by the FTS5 index (bm25), optionally only those sharing one of ``tags``."""
        key = (note, tuple(words), tags)
        if key in self._similar:
            return self._similar[key]
        found: list[str] = []
        params: list[object] = []
        tag_filter = ""
        if tags is not None:
            if not tags:
                self._similar[key] = []
                return []
            tag_filter = (
                f" AND path IN (SELECT note FROM note_tags WHERE tag IN ({','.join('?' * len(tags))}))"
            )
        if words:
            match = " OR ".join(f'"{w}"' for w in words)
            params = [match, *(tags or ()), note, limit]
            try:
                # A long note has several full-text rows (one per chunk): keep each note once.
                found = list(
                    dict.fromkeys(
                        p
                        for (p,) in self.conn.execute(
                            f"SELECT path FROM notes_fts WHERE notes_fts MATCH ?{tag_filter} AND path != ? "
                            "ORDER BY rank LIMIT ?",
                            params,
                        )
                    )
                )
            except sqlite3.OperationalError:
                found = []
        if len(found) < limit:
            # Too few notes share a word: fill up with the neighbours in path order (same folder first).
            rows = self.conn.execute(
                f"SELECT path FROM notes WHERE path != ?{tag_filter} ORDER BY path >= ? DESC, path LIMIT ?",
                [note, *(tags or ()), note, limit * 2],
            ).fetchall()
            for (p,) in rows:
                if p not in found and len(found) < limit:
                    found.append(p)
        self._similar[key] = found
        return found


_UNITS = frozenset("%$€£¥")


def _overlap(a: str, b: str) -> float:
    """Jaccard similarity of two texts' content words."""
    wa, wb = _content_words(a), _content_words(b)
    return len(wa & wb) / (len(wa | wb) or 1)


def _shape_ok(answer: str, candidate: str, *, term: bool) -> bool:
    """Whether a candidate has the answer's form: a number for a number, about the same length."""
    a_num = any(c.isdigit() for c in answer)
    c_num = any(c.isdigit() for c in candidate)
    if a_num != c_num:
        return False
    if a_num and {c for c in answer if c in _UNITS} != {c for c in candidate if c in _UNITS}:
        return False  # an age is not offered a percentage, nor a dollar amount
    if a_num and bool(re.search(r"\d[.,]\d", answer)) != bool(re.search(r"\d[.,]\d", candidate)):
        return False  # nor a fraction
    la, lc = len(answer), len(candidate)
    if term:
        return (
            abs(len(answer.split()) - len(candidate.split())) <= 2 and lc <= 3 * la + 6 and la <= 3 * lc + 6
        )
    return 0.4 <= lc / max(la, 1) <= 2.5


def _same_thing(a: str, b: str, *, term: bool) -> bool:
    na, nb = normalise(a), normalise(b)
    if na == nb or not nb:
        return True
    if term:
        # "hidden state" vs "hidden state vector": both would be right.
        return f" {na} " in f" {nb} " or f" {nb} " in f" {na} "
    return False


_NUM_IN_TEXT_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")


def number_variants(answer: str) -> list[str]:
    """Plausible wrong numbers for a term with one number in it, in the same format: ``6.2%`` -> ``12.4%``, ``3.1%``.

    Used when the notes offer no other numbers of the same kind; never returns the answer itself.
    """
    numbers = _NUM_IN_TEXT_RE.findall(answer)
    if len(numbers) != 1:
        return []
    raw = numbers[0]
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    value = float(raw.replace(",", ""))
    grouped = "," in raw
    out: list[str] = []
    for factor, offset in ((2, 0), (0.5, 0), (1, 1), (1, -1), (3, 0), (1.5, 0)):
        other = value * factor + offset
        if other <= 0 or other == value:
            continue
        if decimals == 0 and other != int(other):
            continue
        text = f"{other:,.{decimals}f}" if grouped else f"{other:.{decimals}f}"
        variant = answer.replace(raw, text, 1)
        if normalise(variant) != normalise(answer) and variant not in out:
            out.append(variant)
    return out


def _pick_distractors(
    library: _Library,
    material: _Material,
    *,
    answer: str,
    question: str,
    term: bool,
    want: int,
) -> list[str]:
    """Up to ``want`` plausible wrong answers: same note, then same tag, then corpus, most similar first."""
    card = material.card
    chosen: list[str] = []
    seen = {normalise(answer)}
    words = _content_words(question + " " + answer)
    fts_words = sorted(words, key=lambda w: (-len(w), w))[:8]
    # What the question is about: a wrong answer that mentions all of it is likely another true fact about it.
    subject = _content_words(question) - _content_words(answer)
    asked = f" {normalise(question)} "

    def stock(m: _Material, strict: bool) -> list[str]:
        if m.card.id == card.id or (card.sibling and m.card.sibling == card.sibling):
            return []
        if term:
            return list(m.terms)
        # Answers to other questions first; statements (key points, cloze sentences) only when those run out.
        text = m.answer if strict else (m.answer or m.statement)
        return [text] if text and not is_termlike(text) else []

    def take(notes: Iterable[str], tier: int, strict: bool) -> None:
        scored: list[tuple[float, int, str]] = []
        order = 0
        for note in notes:
            for m in library.materials(note):
                for text in stock(m, strict):
                    order += 1
                    if len(text) > MAX_OPTION_CHARS or _same_thing(answer, text, term=term):
                        continue
                    cw = _content_words(text)
                    if subject and subject <= cw:
                        continue
                    if term and f" {normalise(text)} " in asked:
                        continue  # a term the question itself shows is plainly not what it hides
                    if strict and not _shape_ok(answer, text, term=term):
                        continue
                    if term and any(c.isdigit() for c in answer) != any(c.isdigit() for c in text):
                        continue  # never a word where a number is asked, or the reverse
                    overlap = len(words & cw) / (len(words | cw) or 1)
                    length = min(len(text), len(answer)) / max(len(text), len(answer), 1)
                    same_kind = 0.3 if m.card.kind == card.kind else 0.0
                    scored.append((overlap + 0.5 * length + same_kind, order, text))
        scored.sort(key=lambda s: (-s[0], s[1]))
        for _score, _order, text in scored:
            if len(chosen) >= want:
                return
            key = normalise(text)
            if key in seen or any(_same_thing(text, c, term=term) for c in chosen):
                continue
            if not term and any(_overlap(text, other) > 0.6 for other in (answer, *chosen)):
                continue  # two options saying nearly the same thing: one of them is right or both are wrong
            seen.add(key)
            chosen.append(text)

    for strict in (True, False):
        if not strict and term and any(c.isdigit() for c in answer):
            for variant in number_variants(answer):
                if len(chosen) < want and normalise(variant) not in seen:
                    seen.add(normalise(variant))
                    chosen.append(variant)
        take([card.note], 0, strict)
        if len(chosen) < want:
            tags = library.tags(card.note)
            take(library.similar_notes(card.note, fts_words, tags=tags), 1, strict)
        if len(chosen) < want:
            take(library.similar_notes(card.note, fts_words, tags=None), 2, strict)
        if len(chosen) >= want:
            break
    return chosen


# ---------------------------------------------------------------------------------------------------------------------
# Building questions


def _mcq(library: _Library, m: _Material, rng: random.Random) -> Question | None:
    notices: list[str] = []
    attempts = []
    if m.question and m.answer and len(m.answer) <= MAX_OPTION_CHARS:
        attempts.append((m.question, m.answer, is_termlike(m.answer), m.answer))
    if m.blank is not None:
        prompt = _neutral_article(f"{m.blank.lead}\n{m.blank.prompt}" if m.blank.lead else m.blank.prompt)
        attempts.append((prompt, m.blank.answer, True, m.blank.sentence))
    for prompt, answer, term, explanation in attempts:
        wrong = _pick_distractors(library, m, answer=answer, question=prompt, term=term, want=MAX_OPTIONS - 1)
        if not wrong:
            continue
        if len(wrong) < MAX_OPTIONS - 1:
            notices.append(
                f"only {len(wrong) + 1} options: no other plausible answers in the note, its tags or the corpus"
            )
        if term:
            # Match the answer's first-letter case, or the one capitalised option gives itself away.
            fix = str.lower if answer[:1].islower() else str.upper
            wrong = [fix(w[:1]) + w[1:] if w[1:2].islower() else w for w in wrong]
        options = [answer, *wrong]
        rng.shuffle(options)
        return Question(
            kind=QuestionKind.MCQ,
            prompt=prompt,
            answer=options.index(answer),
            answer_text=answer,
            explanation=explanation,
            card_id=m.card.id,
            note=m.card.note,
            line=m.card.line,
            context=m.card.context,
            options=tuple(options),
            notices=tuple(notices),
        )
    return None


_ARTICLE_RE = re.compile(r"(?<!\w)([Aa])n? " + re.escape(BLANK))


def _neutral_article(prompt: str) -> str:
    """ "a _____" / "an _____" -> "a(n) _____": the article must not tell which option fits."""
    return _ARTICLE_RE.sub(lambda a: a.group(1) + "(n) " + BLANK, prompt)


def _cloze(m: _Material) -> Question | None:
    if m.blank is None:
        return None
    prompt = _neutral_article(f"{m.blank.lead}\n{m.blank.prompt}" if m.blank.lead else m.blank.prompt)
    return Question(
        kind=QuestionKind.CLOZE,
        prompt=prompt,
        answer=m.blank.answer,
        answer_text=m.blank.answer,
        explanation=m.blank.sentence,
        card_id=m.card.id,
        note=m.card.note,
        line=m.card.line,
        context=m.card.context,
    )


def _tf(library: _Library, m: _Material, rng: random.Random) -> Question | None:
    truth = rng.random() < 0.5
    notices: list[str] = []
    if m.blank is not None:
        answer, term = m.blank.answer, True
        question = m.blank.prompt
        explanation = m.blank.sentence

        def render(filler: str) -> str:
            text = re.sub(r"^" + re.escape(BLANK), lambda _: filler[:1].upper() + filler[1:], m.blank.prompt)
            # "The vanishing gradient" inside a sentence reads "the vanishing gradient"
            if filler[1:2].islower():
                filler = filler[:1].lower() + filler[1:]
            an = "n" if filler[:1].lower() in "aeiou" else ""
            text = _ARTICLE_RE.sub(lambda a: a.group(1) + an + " " + BLANK, text)
            text = text.replace(BLANK, filler)
            return f"{m.blank.lead}\n{text}" if m.blank.lead else text
    elif m.question and m.answer and len(m.answer) <= MAX_OPTION_CHARS:
        answer, term = m.answer, is_termlike(m.answer)
        question = m.question
        explanation = f"{m.question} {m.answer}"

        def render(filler: str) -> str:
            return f"{m.question}\n→ {filler}"
    else:
        return None
    shown = answer
    if not truth:
        wrong = _pick_distractors(library, m, answer=answer, question=question, term=term, want=1)
        if wrong:
            shown = wrong[0]
        else:
            truth = True
            notices.append("shown with its own answer: no plausible wrong answer was found to make it false")
    return Question(
        kind=QuestionKind.TF,
        prompt=render(shown),
        answer=truth,
        answer_text=answer,
        explanation=explanation,
        card_id=m.card.id,
        note=m.card.note,
        line=m.card.line,
        context=m.card.context,
        notices=tuple(notices),
    )


def _scope_notes(conn: sqlite3.Connection, scope: Scope) -> list[str]:
    """The notes in scope, in path order (the seed's shuffle starts from a stable order)."""
    if scope.note:
        return [scope.note]
    where, params = note_filter("path", tag=scope.tag, note_type=scope.type, type_column="type")
    sql = "SELECT path FROM notes" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY path"
    return [p for (p,) in conn.execute(sql, params)]


def _lazy_permutation(rng: random.Random, count: int, head: int = 64) -> Iterator[int]:
    """A seeded random order of ``range(count)`` that costs O(head) when only the first few are used."""
    k = min(count, head)
    first = rng.sample(range(count), k)
    yield from first
    if k < count:
        taken = set(first)
        rest = [i for i in range(count) if i not in taken]
        rng.shuffle(rest)
        yield from rest


def _candidates(library: _Library, notes: list[str], rng: random.Random) -> Iterator[_Material]:
    """Cards to ask, spread over the notes: one card from each note in a random order, then a second, and so on."""
    visited: list[list[_Material]] = []
    for index in _lazy_permutation(rng, len(notes)):
        cards = [m for m in library.materials(notes[index]) if not m.card.suspended]
        if not cards:
            continue
        rng.shuffle(cards)
        visited.append(cards)
        yield cards[0]
    depth = 1
    while visited:
        visited = [cards for cards in visited if len(cards) > depth]
        for cards in visited:
            yield cards[depth]
        depth += 1


def _count_cards(conn: sqlite3.Connection, scope: Scope, cap: int) -> int:
    where, params = _scope_sql(scope)
    sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM cards c WHERE {where} LIMIT ?)"
    return conn.execute(sql, [*params, cap]).fetchone()[0]


def generate_quiz(
    conn: sqlite3.Connection,
    *,
    note: str | None = None,
    tag: str | None = None,
    type: str | None = None,  # noqa: A002 - the option is called --type
    n: int = 10,
    kinds: Sequence[QuestionKind | str] = ALL_KINDS,
    seed: int | None = None,
) -> Quiz:
    """Write a quiz of up to ``n`` questions from the cards in scope, mixing ``kinds`` evenly.

    One question per card (and per group of sibling cards). With ``seed`` the quiz is reproducible; without one a
    seed is drawn and recorded in the quiz. When the material does not allow what was asked (fewer cards than
    questions, a kind no card supports, fewer than four options) the quiz says so in its ``notices``.
    """
    scope = Scope(note=note, tag=tag, type=type.lower() if type else None)
    kind_list = parse_kinds([str(k) for k in kinds])
    if not 1 <= n <= MAX_QUESTIONS:
        raise KbError(f"quiz: {n} questions is out of range; ask for 1 to {MAX_QUESTIONS}")
    _check_scope(conn, scope)
    if seed is None:
        seed = int.from_bytes(os.urandom(4), "big") >> 1  # secrets would cost an import of hmac and base64
    rng = random.Random(seed)
    library = _Library(conn)

    in_scope = _count_cards(conn, scope, CARD_COUNT_CAP)
    notices: list[str] = []
    if not in_scope:
        raise KbError(
            f"quiz: {scope.label()} has no cards to ask about; add flashcards or a `## Key points` list to the notes "
            "(see `kb check`), or widen the scope"
        )

    # Even mix: each kind gets its share, in an order the seed decides.
    targets = {k: n // len(kind_list) for k in kind_list}
    for k in rng.sample(kind_list, len(kind_list))[: n % len(kind_list)]:
        targets[k] += 1
    made = {k: 0 for k in kind_list}
    questions: list[Question] = []
    used_siblings: set[str] = set()

    for material in _candidates(library, _scope_notes(conn, scope), rng):
        if len(questions) >= n:
            break
        card = material.card
        if card.sibling and card.sibling in used_siblings:
            continue
        order = sorted(kind_list, key=lambda k: (made[k] - targets[k], kind_list.index(k)))
        question = None
        for kind in order:
            if kind == QuestionKind.MCQ:
                question = _mcq(library, material, rng)
            elif kind == QuestionKind.CLOZE:
                question = _cloze(material)
            else:
                question = _tf(library, material, rng)
            if question is not None:
                break
        if question is None:
            continue
        made[question.kind] += 1
        if card.sibling:
            used_siblings.add(card.sibling)
        questions.append(question)

    if not questions:
        raise KbError(
            f"quiz: none of the {in_scope} card(s) in {scope.label()} can make a "
            f"{'/'.join(str(k) for k in kind_list)} question; try --kinds mcq,cloze,tf or a wider scope"
        )
    if len(questions) < n:
        notices.append(
            f"{len(questions)} question(s) instead of {n}: {scope.label()} has only {len(questions)} usable "
            f"card(s) for {'/'.join(str(k) for k in kind_list)} questions (one question per card)"
        )
    for kind in kind_list:
        if made[kind] == 0 and targets[kind] > 0:
            why = {
                QuestionKind.MCQ: "no card has other plausible answers to offer as options",
                QuestionKind.CLOZE: "no card has a key sentence with a term to blank (bold terms, key points, cloze)",
                QuestionKind.TF: "no card has a statement to judge",
            }[kind]
            notices.append(f"no {kind} questions: {why}")
    if in_scope < MAX_OPTIONS:
        notices.append(
            f"only {in_scope} card(s) in {scope.label()}: fewer than {MAX_OPTIONS}, so fewer questions, and options "
            "drawn from other notes or left out"
        )
    return Quiz(
        questions=tuple(questions),
        seed=seed,
        scope=scope,
        kinds=kind_list,
        requested=n,
        cards_in_scope=in_scope,
        notices=tuple(notices),
    )


# ---------------------------------------------------------------------------------------------------------------------
# Grading


@dataclass(frozen=True)
class Verdict:
    correct: bool
    given: str  # what the user typed, as typed
    # False: not an answer to this kind of question (a letter out of range, "maybe" for tf)
    valid: bool = True
    typo: bool = False  # right, with one small typo
    message: str = ""


_TRUE = {"t", "true", "y", "yes", "1", "v", "vrai", "right", "correct"}
_FALSE = {"f", "false", "n", "no", "0", "wrong", "incorrect"}


def grade(question: Question, given: str) -> Verdict:
    """Grade one typed answer: a letter (or number, or the option's text) for mcq, text for cloze, t/f for tf."""
    text = given.strip()
    if question.kind == QuestionKind.MCQ:
        count = len(question.options)
        low = text.lower().rstrip(").")
        index: int | None = None
        if len(low) == 1 and low in LETTERS[:count]:
            index = LETTERS.index(low)
        elif low.isdigit() and 1 <= int(low) <= count:
            index = int(low) - 1
        elif text:
            key = normalise(text)
            index = next((i for i, o in enumerate(question.options) if normalise(o) == key), None)
        if index is None:
            return Verdict(
                False, given, valid=False, message=f"answer with a letter from a to {LETTERS[count - 1]}"
            )
        return Verdict(index == question.answer, given)
    if question.kind == QuestionKind.TF:
        low = text.lower().rstrip(".!")
        if low in _TRUE:
            value = True
        elif low in _FALSE:
            value = False
        else:
            return Verdict(False, given, valid=False, message="answer t (true) or f (false)")
        return Verdict(value == question.answer, given)
    if not text:
        return Verdict(False, given)
    correct, typo = typed_answer_matches(str(question.answer), text)
    return Verdict(correct, given, typo=typo, message="right, with a small typo" if typo else "")


__all__ = [
    "ALL_KINDS",
    "BLANK",
    "Question",
    "QuestionKind",
    "Quiz",
    "Scope",
    "Verdict",
    "accepted_answers",
    "generate_quiz",
    "grade",
    "normalise",
    "parse_kinds",
    "strip_markup",
    "typed_answer_matches",
    "valid_term",
]
