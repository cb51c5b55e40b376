"""Lenient matching of a typed answer with the expected one: what counts as right when the user types the answer."""

from __future__ import annotations

import re
from typing import NamedTuple

from kb.markdown import plain_text
from kb.quiz.words import ARTICLES, fold_plural, tokens

_LONG_FORM_AND_SHORT_RE = re.compile(r"(.+?)\s*\(([^()]+)\)\s*")
# A word this short must be typed exactly: one letter off is another word.
_TYPO_FREE_LENGTH = 4


class TypedMatch(NamedTuple):
    correct: bool
    typo: bool  # right, with one small typo


_WRONG = TypedMatch(False, False)


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


def accepted_answers(expected: str) -> list[str]:
    """The texts a typed answer is compared with: the answer, and each part of "long form (SHORT)" alone."""
    expected = plain_text(expected)
    variants = [expected]
    paren = _LONG_FORM_AND_SHORT_RE.fullmatch(expected)
    if paren:  # "Backpropagation through time (BPTT)": either part alone is right too
        variants += [paren.group(1), paren.group(2)]
    return variants


def typed_answer_matches(expected: str, given: str) -> TypedMatch:
    """Lenient comparison of a typed answer: ``(correct, with_a_typo)``.

    Case, accents, punctuation, spacing, a leading article and regular plurals are ignored; the key noun alone (or
    with some of its modifiers) is right ("contributions" for "Roth contributions", not "Roth" for it); one word
    longer than four letters may carry one typo (a wrong, missing, extra or swapped letter); numbers must match
    exactly.
    """
    best = _WRONG
    for variant in accepted_answers(expected):
        result = _match_one(variant, given)
        if result.correct and not result.typo:
            return result
        if result.correct:
            best = result
    return best


def _drop_article(words: list[str]) -> list[str]:
    return words[1:] if len(words) > 1 and words[0] in ARTICLES else words


def _match_one(expected: str, given: str) -> TypedMatch:
    want = [fold_plural(w) for w in _drop_article(tokens(expected))]
    got = [fold_plural(w) for w in _drop_article(tokens(given))]
    if not got or not want:
        return _WRONG
    if want == got:
        return TypedMatch(True, False)
    if len(want) > len(got) and want[-len(got) :] == got and not any(c.isdigit() for c in "".join(want)):
        # The key noun with fewer of its modifiers: "contributions" for "Roth contributions"
        return TypedMatch(True, False)
    if "".join(want) == "".join(got):  # "data set" for "dataset", "e mail" for "email"
        return TypedMatch(True, False)
    if len(want) != len(got):
        return _WRONG
    typos = 0
    for w, g in zip(want, got, strict=True):
        if w == g:
            continue
        if any(c.isdigit() for c in w + g) or len(w) <= _TYPO_FREE_LENGTH:
            return _WRONG
        if damerau_levenshtein(w, g) != 1:
            return _WRONG
        typos += 1
        if typos > 1:
            return _WRONG
    return TypedMatch(True, True)
