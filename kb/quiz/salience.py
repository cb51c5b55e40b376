"""The quiz's term picker: which words of a sentence are worth blanking, best first.

Bold and highlighted terms first, then capitalised phrases, acronyms, numbers and long words. The card extractor has
its own picker for generated cloze cards; this is the quiz's, kept in this one module so that the two can become one.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kb.markdown import CODE_RE, MATH_RE, STRONG_RE, WIKILINK_RE, plain_text, strong_text
from kb.quiz.words import STOP_WORDS, tokens

MARKUP_CHARS = set("*_=[]{}<>$`|#~^\\")

_CAPS_PHRASE_RE = re.compile(r"(?<![\w.])([A-Z][\w'’-]*(?:[ \t]+(?:of |and |the |for )?[A-Z][\w'’-]*)+)")
_ACRONYM_RE = re.compile(r"(?<![\w-])([A-Z][A-Z0-9]{1,6}s?)(?![\w-])")
_NUMBER_RE = re.compile(r"(?<![\w.])(\$?\d[\d,]*(?:\.\d+)?%?)(?![\w])")
_WORD_RE = re.compile(r"(?<![\w-])([A-Za-z][a-z]{6,}(?:-[a-z]+)?)(?![\w-])")
# Scores by what marks a term out; within a rank, more words (up to three) or letters score higher.
_STRONG_SCORE, _CAPS_SCORE, _ACRONYM_SCORE, _NUMBER_SCORE, _WORD_SCORE = 100, 60, 50, 40, 10


class SalientTerm(NamedTuple):
    start: int  # where the term's source starts in the sentence (its markup included)
    end: int
    text: str  # the term as plain text
    score: int


def valid_term(term: str, max_words: int = 6) -> bool:
    """Whether ``term`` can be a blank: a few real words, not only stop words, no markup left in it."""
    term = term.strip()
    if not term or len(term) > 10 * max_words or any(c in MARKUP_CHARS for c in term):
        return False
    words = tokens(term)
    if not words or len(words) > max_words:
        return False
    if all(w in STOP_WORDS for w in words):
        return False
    return any(c.isalnum() for c in term)


def clean_term(term: str) -> str:
    """A term as plain text without the punctuation around it (and without unbalanced parentheses)."""
    term = plain_text(term).strip(" \t.,;:!?\"'")
    if term.count("(") != term.count(")"):
        term = term.strip("()").strip()
    return term


def _mask(regex: re.Pattern, text: str) -> str:
    return regex.sub(lambda m: "\x01" * len(m.group(0)), text)


def salient_terms(raw: str) -> list[SalientTerm]:
    """Blankable terms of a Markdown sentence, best first; math, code and wiki links are never picked."""
    masked = _mask(WIKILINK_RE, _mask(CODE_RE, _mask(MATH_RE, raw)))
    found: list[SalientTerm] = []

    def add(start: int, end: int, text: str, score: int) -> None:
        if any(t.start < end and start < t.end for t in found):
            return
        term = clean_term(text)
        if valid_term(term):
            found.append(SalientTerm(start, end, term, score))

    for m in STRONG_RE.finditer(masked):
        inner = strong_text(m)
        add(m.start(), m.end(), inner, _STRONG_SCORE + min(len(inner.split()), 3))
    sentence_start = len(masked) - len(masked.lstrip(" -*+>0123456789."))
    for m in _CAPS_PHRASE_RE.finditer(masked):
        if m.start() <= sentence_start:  # the capital may only mark the sentence start
            continue
        add(m.start(1), m.end(1), m.group(1), _CAPS_SCORE + min(len(m.group(1).split()), 3))
    for m in _ACRONYM_RE.finditer(masked):
        add(m.start(1), m.end(1), m.group(1), _ACRONYM_SCORE)
    for m in _NUMBER_RE.finditer(masked):
        add(m.start(1), m.end(1), m.group(1), _NUMBER_SCORE)
    for m in _WORD_RE.finditer(masked):
        word = m.group(1)
        if word.lower() not in STOP_WORDS:
            add(m.start(1), m.end(1), word, _WORD_SCORE + min(len(word), 14))
    found.sort(key=lambda t: (-t.score, t.start))
    return found
