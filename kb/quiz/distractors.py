"""Distractors: plausible wrong answers for a question, drawn from the notes.

From the same note first, then notes sharing a tag, then the corpus (the notes' FTS5 index finds the similar notes),
ranked by word overlap with the question and answer, closeness in length and the same card kind. A distractor has the
answer's form (a term for a term, a number with the same unit for a number); none equals the answer after
normalising, none mentions everything the question is about, and no two are equal or nearly so.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from kb.quiz.corpus import Corpus
from kb.quiz.model import MAX_OPTION_CHARS, CardRow
from kb.quiz.terms import AskableCard
from kb.quiz.words import content_words, is_termlike, normalise

_UNITS = frozenset("%$€£¥")
_FRACTION_RE = re.compile(r"\d[.,]\d")
_NUMBER_IN_TEXT_RE = re.compile(r"\d[\d,]*(?:\.\d+)?")
# Wrong numbers made from the right one: (factor, offset), tried in this order.
_NUMBER_CHANGES = ((2, 0), (0.5, 0), (1, 1), (1, -1), (3, 0), (1.5, 0))
# Two sentences sharing more of their words than this say nearly the same thing.
_NEAR_DUPLICATE_OVERLAP = 0.6
# Words of the question and answer given to the full-text search for similar notes.
_SEARCH_WORDS = 8


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


def same_thing(a: str, b: str, *, term: bool) -> bool:
    """Whether two answers would both be right: equal once normalised, or (terms) one inside the other."""
    na, nb = normalise(a), normalise(b)
    if na == nb or not nb:
        return True
    if term:
        # "hidden state" vs "hidden state vector": both would be right.
        return f" {na} " in f" {nb} " or f" {nb} " in f" {na} "
    return False


def number_variants(answer: str) -> list[str]:
    """Plausible wrong numbers for a term with one number in it, in the same format: ``6.2%`` -> ``12.4%``, ``3.1%``.

    Used when the notes offer no other numbers of the same kind; never returns the answer itself.
    """
    numbers = _NUMBER_IN_TEXT_RE.findall(answer)
    if len(numbers) != 1:
        return []
    raw = numbers[0]
    decimals = len(raw.split(".")[1]) if "." in raw else 0
    value = float(raw.replace(",", ""))
    grouped = "," in raw
    out: list[str] = []
    for factor, offset in _NUMBER_CHANGES:
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


def pick_distractors(
    corpus: Corpus, askable: AskableCard, *, answer: str, question: str, term: bool, want: int
) -> list[str]:
    """Up to ``want`` plausible wrong answers: same note, then same tag, then corpus, most similar first.

    ``term``: the answer is a short term (other terms are its distractors), not a sentence (other answers are).
    Strict candidates (the answer's shape) are tried in every tier before any loose one.
    """
    search = _DistractorSearch(askable.card, answer=answer, question=question, term=term, want=want)
    note = askable.card.note
    for strict in (True, False):
        if not strict and term and _has_digit(answer):
            search.add_number_variants()
        search.take(corpus, [note], strict=strict)
        if search.wanting:
            search.take(
                corpus, corpus.similar_notes(note, search.search_words, tags=corpus.tags(note)), strict=strict
            )
        if search.wanting:
            search.take(corpus, corpus.similar_notes(note, search.search_words, tags=None), strict=strict)
        if not search.wanting:
            break
    return search.chosen


class _DistractorSearch:
    """One question's search: what it asks, what it is about, and the wrong answers chosen so far."""

    def __init__(self, card: CardRow, *, answer: str, question: str, term: bool, want: int):
        self.card = card
        self.answer = answer
        self.term = term
        self.want = want
        self.chosen: list[str] = []
        self.seen = {normalise(answer)}
        self.words = content_words(question + " " + answer)
        self.search_words = sorted(self.words, key=lambda w: (-len(w), w))[:_SEARCH_WORDS]
        # What the question is about: a wrong answer that mentions all of it is likely another true fact about it.
        self.subject = content_words(question) - content_words(answer)
        self.asked = f" {normalise(question)} "

    @property
    def wanting(self) -> bool:
        return len(self.chosen) < self.want

    def add_number_variants(self) -> None:
        for variant in number_variants(self.answer):
            key = normalise(variant)
            if self.wanting and key not in self.seen:
                self.seen.add(key)
                self.chosen.append(variant)

    def stock(self, other: AskableCard, strict: bool) -> list[str]:
        """What another card offers as wrong answers to this question."""
        card = self.card
        if other.card.id == card.id or (card.sibling and other.card.sibling == card.sibling):
            return []
        if self.term:
            return list(other.terms)
        # Answers to other questions first; statements (key points, cloze sentences) only when those run out.
        text = other.answer if strict else (other.answer or other.statement)
        return [text] if text and not is_termlike(text) else []

    def ranked(self, corpus: Corpus, notes: Iterable[str], strict: bool) -> list[str]:
        """The acceptable candidates of ``notes``, best first (ties in the notes' order)."""
        answer, term, words, subject = self.answer, self.term, self.words, self.subject
        answer_has_digit = _has_digit(answer)
        scored: list[tuple[float, str]] = []
        for note in notes:
            for other in corpus.cards(note):
                for text in self.stock(other, strict):
                    if len(text) > MAX_OPTION_CHARS or same_thing(answer, text, term=term):
                        continue
                    cw = content_words(text)
                    if subject and subject <= cw:
                        continue
                    if term and f" {normalise(text)} " in self.asked:
                        continue  # a term the question itself shows is plainly not what it hides
                    if strict and not shape_ok(answer, text, term=term):
                        continue
                    if term and answer_has_digit != _has_digit(text):
                        continue  # never a word where a number is asked, or the reverse
                    overlap = len(words & cw) / (len(words | cw) or 1)
                    length = min(len(text), len(answer)) / max(len(text), len(answer), 1)
                    same_kind = 0.3 if other.card.kind == self.card.kind else 0.0
                    scored.append((overlap + 0.5 * length + same_kind, text))
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
            if not self.term and any(
                word_overlap(text, other) > _NEAR_DUPLICATE_OVERLAP for other in (self.answer, *self.chosen)
            ):
                continue  # two options saying nearly the same thing: one of them is right or both are wrong
            self.seen.add(key)
            self.chosen.append(text)
