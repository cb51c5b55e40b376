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
from collections.abc import Callable

from kb.markdown import MASK, unbold

SCAN_LIMIT = 2000  # characters of a text searched for its term: bounds the cost of a huge bullet
MAX_BOLD_WORDS = 6  # a longer bold span is emphasis, not a term

_BOLD_RE = re.compile(r"\*\*[^*\n]{1,200}?\**\*\*(?!\*)")
WORD_RE = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
# Determiners and prepositions: a run of content words right after one ("on dopamine", "the reflog") is likely a
# noun phrase, which makes a better term.
DETERMINERS_AND_PREPOSITIONS = frozenset(
    "a an the this that these those its their his her our your of in on at by for with from into onto over under "
    "about between through via".split()
)
STOP_WORDS = frozenset(
    """a an the and or but if then else of to in on at by for with from as into onto over under about after before
    between through during without within is are was were be been being am do does did doing have has had having
    it its it's this that these those there here which who whom whose what when where why how not no nor so than too
    very can could should would may might must will shall you your yours we our ours they their theirs he him his she
    her hers i me my mine them us one ones also just only more most less least much many some any each every all both
    few other such same own up down out off again further once s t don't doesn't isn't aren't like get gets got
    make makes made use uses used using via per vs etc e.g i.e""".split()
)
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

    __slots__ = ("_body", "_lower", "cache", "doc_freq", "n_docs")

    def __init__(self, body: str, doc_freq: Callable[[str], int] | None = None, n_docs: int = 0):
        self._body = body
        self._lower: str | None = None
        self.doc_freq = doc_freq
        self.n_docs = n_docs
        self.cache: dict[str, float] = {}  # read directly by salient_span (a method call per word shows)

    def __call__(self, word: str) -> float:
        w = self.cache.get(word)
        if w is None:
            lower = self._lower
            if lower is None:
                lower = self._lower = self._body.lower()
            # substring count over the lower-cased body: a close, cheap stand-in for tokenising the whole note
            tf = max(lower.count(word), 1)
            if self.doc_freq is not None and self.n_docs > 0:
                idf = math.log((self.n_docs + 1) / (self.doc_freq(word) + 1)) + 1.0
            else:
                idf = 1.0 + math.log(1 + len(word)) / 2
            w = self.cache[word] = (1 + math.log(tf)) * idf
        return w


def salient_span(text: str, weights: TermWeights, masked: str | None = None) -> tuple[int, int] | None:
    """Span (in ``text``) of the term to hide, or None when ``text`` has no word worth it.

    ``masked``: ``text`` with code and math masked (``kb.markdown.mask_spans``), same length: masked characters are
    never part of a term. Bold spans come first (the writer marked them), then runs of non-stopwords by TF-IDF.
    """
    if masked is None:
        masked = text
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
    for after_det, ps, pe, pw in pieces:
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


def _content_runs(masked: str, weight: TermWeights) -> list[tuple[bool, list[int], list[int], list[float]]]:
    """The runs of content words: (follows a determiner or preposition, starts, ends, weights)."""
    weights = weight.cache
    pieces: list[tuple[bool, list[int], list[int], list[float]]] = []
    ps: list[int] = []
    pe: list[int] = []
    pw: list[float] = []
    after_det = False
    for item in salience_words(masked):
        if item is None:  # a run break
            if ps:
                pieces.append((after_det, ps, pe, pw))
                ps, pe, pw = [], [], []
            after_det = False
            continue
        s, e, low = item
        if low in STOP_WORDS:
            if ps:
                pieces.append((after_det, ps, pe, pw))
                ps, pe, pw = [], [], []
            after_det = low in DETERMINERS_AND_PREPOSITIONS
        else:
            w = weights.get(low)
            ps.append(s)
            pe.append(e)
            pw.append(weight(low) if w is None else w)
    if ps:
        pieces.append((after_det, ps, pe, pw))
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
