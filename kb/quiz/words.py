"""Words as the quiz compares them: folded tokens, the comparison form of an answer, stop words, content words."""

from __future__ import annotations

import functools
import re
import unicodedata

from kb.markdown import plain_text

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

_TOKEN_RE = re.compile(r"\d+(?:[.,]\d+)*|[^\W_]+")
_SENTENCE_END_RE = re.compile(r"[.;!?]\s|[.;!?]$")


_CODE_SPAN_RE = re.compile(r"`[^`\n]+`")
_KEPT_RE = re.compile("\x01(\\d+)\x01")


def shown_text(markdown: str) -> str:
    """The text a question shows: :func:`kb.markdown.plain_text`, but code spans keep their backticks, so the
    site's quiz pages show them as code as the note page does, and the terminal styles them. Answers, options and
    comparisons stay plain text."""
    if "`" not in markdown:
        return plain_text(markdown)
    kept: list[str] = []

    def keep(m: re.Match) -> str:
        kept.append(m.group(0))
        return f"\x01{len(kept) - 1}\x01"

    text = plain_text(_CODE_SPAN_RE.sub(keep, markdown))
    return _KEPT_RE.sub(lambda m: kept[int(m.group(1))], text)


@functools.lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Case and accents folded: ``Éclair`` -> ``eclair``."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def tokens(text: str) -> list[str]:
    """Folded words and numbers; ``60,000`` and ``60000`` give the same token, ``6.2%`` gives ``6.2``."""
    out = []
    for tok in _TOKEN_RE.findall(fold(text)):
        if tok[0].isdigit():
            tok = tok.replace(",", "")
        out.append(tok)
    return out


@functools.lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """The comparison form of an answer: markup, case, accents, punctuation and spacing removed."""
    return " ".join(tokens(plain_text(text)))


def fold_plural(word: str) -> str:
    """A folded word with a regular English plural ending taken off: ``credits`` -> ``credit``, ``taxes`` ->
    ``tax``, ``strategies`` -> ``strategy``; ``class``, ``bonus``, ``analysis`` stay as they are."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ses", "xes", "zes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@functools.lru_cache(maxsize=8192)
def content_words(text: str) -> frozenset[str]:
    """The words that say what a text is about: no stop words, no numbers, nothing under three letters. Cached: a
    quiz compares each card's text with many questions."""
    return frozenset(t for t in tokens(text) if len(t) > 2 and t not in STOP_WORDS and not t.isdigit())


_DOLLAR_AMOUNT_RE = re.compile(r"\$(?=\d)")
MARKUP_CHARS = set("*_=[]{}<>$`|#~^\\")


def valid_term(term: str, max_words: int = 6) -> bool:
    """Whether ``term`` can be a blank: a few real words, not only stop words, no markup left in it."""
    term = term.strip()
    bare = _DOLLAR_AMOUNT_RE.sub("", term)  # "$7,000" is an amount, not math
    if not term or len(term) > 10 * max_words or any(c in MARKUP_CHARS for c in bare):
        return False
    words = tokens(term)
    if not words or len(words) > max_words:
        return False
    if all(w in STOP_WORDS for w in words):
        return False
    return any(c.isalnum() for c in term)


def strip_edge_punctuation(text: str, marks: str = ".,;:!?\"'") -> str:
    """``text`` without the punctuation around it, but a leading dot that starts a name stays (``.gitignore``,
    ``.git/refs/heads/``, ``.NET``)."""
    text = text.strip().rstrip(marks).rstrip()
    while text and text[0] in marks and not (text[0] == "." and text[1:2].isalnum()):
        text = text[1:].lstrip()
    return text


def clean_term(term: str) -> str:
    """A term as plain text without the punctuation around it (and without unbalanced parentheses). Code is kept
    as written: its punctuation is part of it (``:0:path``, ``:/fix typo``, ``HEAD~1.``)."""
    bare = term.strip()
    if len(bare) > 2 and bare[0] == "`" and bare[-1] == "`" and "`" not in bare[1:-1]:
        return bare[1:-1].strip()
    term = strip_edge_punctuation(plain_text(term))
    if term.count("(") != term.count(")"):
        term = term.strip("()").strip()
    if term.count('"') % 2 or term.count("“") != term.count("”"):
        # '"Witchcraft" molecules' lost its opening quote with the edge's punctuation: the other goes too (judged
        # blind in set BF, a key 'Witchcraft" molecules')
        term = term.replace('"', "").replace("“", "").replace("”", "")
    return term


_ESCAPED_AMOUNT_RE = re.compile(r"\\\$(?=\s?\d)")
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+.!|~<>-])")


def unescape(text: str) -> str:
    """Markdown's backslash escapes as the note page shows them: ``\\$5`` -> ``$5``, ``\\*`` -> ``*``. A text with
    math keeps its other backslashes (``$\\{x\\}$`` is TeX); an escaped dollar before a number is an amount."""
    if "\\" not in text:
        return text
    text = _ESCAPED_AMOUNT_RE.sub("$", text)
    return text if _has_math(text) else _ESCAPE_RE.sub(r"\1", text)


def _has_math(text: str) -> bool:
    from kb.markdown import MATH_RE

    return bool(MATH_RE.search(text))


def is_termlike(text: str) -> bool:
    """A short phrase rather than a sentence: it takes other terms as distractors, not other sentences."""
    return len(text.split()) <= 6 and not _SENTENCE_END_RE.search(text.strip())


def repeats_question(question: str, answer: str) -> bool:
    """Whether a sentence answer names everything its question asks about ("Tokenization: what does byte pair
    encoding do?" - "Byte pair encoding starts from..."): beside other sentences that do not, it is the key
    whatever the learner knows. A term answering a question about a kind of thing ("Which gate ...?" - "forget
    gate") is not a giveaway."""
    if is_termlike(answer):
        return False
    asked = content_words(question.rsplit(":", 1)[-1]) - _QUESTION_WORDS
    return bool(asked) and asked <= content_words(answer)


_QUESTION_WORDS = frozenset("what which term does mean means stand stands".split())
