"""Writing a quiz: up to n questions from the cards in scope, one per card, the kinds mixed evenly.

Flashcards drill what the user wrote as cards; a quiz tests a whole note, tag or type on demand. Questions are built
from the ``cards`` table (filled by the card extractor, which already leaves out code, math blocks and front matter;
a card holding raw HTML is skipped here), so every question cites the note and line its card comes from. Cards are
drawn note by note in a seeded order, so a quiz over a whole corpus touches a few dozen notes, not all of them.

Pure apart from reading the database: no clock, no writes. The same seed and the same cards give the same quiz.
What a card offers is in :mod:`kb.quiz.terms`, the question kinds in :mod:`kb.quiz.kinds`, grading in
:mod:`kb.quiz.grading`, storing answers in :mod:`kb.quiz.store`.
"""

from __future__ import annotations

import itertools
import os
import random
import sqlite3
from collections.abc import Iterator, Sequence

from kb.errors import KbError
from kb.quiz.corpus import Corpus, check_scope, count_cards, scope_notes
from kb.quiz.kinds import build_question
from kb.quiz.model import ALL_KINDS, MAX_OPTIONS, Question, QuestionKind, Quiz, Scope, parse_kinds
from kb.quiz.terms import AskableCard

MAX_QUESTIONS = 500
# Cards in scope are counted up to here: enough for the notices, cheap on a 100,000-card corpus.
CARD_COUNT_CAP = 1000
# Notes whose order is drawn up front; the rest are shuffled only if the quiz reaches them.
_NOTES_DRAWN_FIRST = 64

_WHY_NONE = {
    QuestionKind.MCQ: "no card has other plausible answers to offer as options",
    QuestionKind.CLOZE: "no card has a key sentence with a term to blank (bold terms, key points, cloze)",
    QuestionKind.TF: "no card has a statement the note can make surely false (another number, another defined term, "
    "another item of the same list)",
}


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
    check_scope(conn, scope)
    if seed is None:
        seed = int.from_bytes(os.urandom(4), "big") >> 1  # secrets would cost an import of hmac and base64
    rng = random.Random(seed)
    in_scope = count_cards(conn, scope, CARD_COUNT_CAP)
    if not in_scope:
        raise KbError(
            f"quiz: {scope.label()} has no cards to ask about; add flashcards or a `## Key points` list to the notes "
            "(see `kb check`), or widen the scope"
        )
    mix = _KindMix(kind_list, n, rng)
    questions = _ask_cards(Corpus(conn, scope), scope_notes(conn, scope), mix, n, rng)
    if not questions:
        raise KbError(
            f"quiz: none of the {in_scope} card(s) in {scope.label()} can make a {mix} question; "
            "try --kinds mcq,cloze,tf or a wider scope"
        )
    return Quiz(
        questions=tuple(questions),
        seed=seed,
        scope=scope,
        kinds=kind_list,
        requested=n,
        cards_in_scope=in_scope,
        notices=tuple(_notices(len(questions), n, mix, scope, in_scope)),
    )


class _KindMix:
    """The kinds asked for and how many of each the quiz wants and has: each its share, the rest drawn by the seed."""

    def __init__(self, kinds: tuple[QuestionKind, ...], n: int, rng: random.Random):
        self.kinds = kinds
        self.wanted = {k: n // len(kinds) for k in kinds}
        for k in rng.sample(kinds, len(kinds))[: n % len(kinds)]:
            self.wanted[k] += 1
        self.made = {k: 0 for k in kinds}

    def __str__(self) -> str:
        return "/".join(str(k) for k in self.kinds)

    def most_wanted_first(self) -> list[QuestionKind]:
        return sorted(self.kinds, key=lambda k: (self.made[k] - self.wanted[k], self.kinds.index(k)))

    def missing(self) -> list[QuestionKind]:
        """Kinds the quiz wanted and has none of."""
        return [k for k in self.kinds if self.made[k] == 0 and self.wanted[k] > 0]


def _ask_cards(corpus: Corpus, notes: list[str], mix: _KindMix, n: int, rng: random.Random) -> list[Question]:
    """One question per card (and per group of siblings), of the kind the mix wants most that the card can make."""
    questions: list[Question] = []
    used_siblings: set[str] = set()
    asked: set[str] = set()  # prompts already in the quiz: two cards of one fact never make the same question
    # a card that cannot make the kind the mix wants most waits: a later card may make it, and the waiting cards
    # fill what is left (a note's plain terms are fill-ins, and a quiz asked for an even mix still gets one)
    waiting: list[AskableCard] = []
    cards = _cards_spread_over_notes(corpus, notes, rng)
    for askable in itertools.chain(cards, _drain(waiting)):
        if len(questions) >= n:
            break
        card = askable.card
        if card.sibling and card.sibling in used_siblings:
            continue
        question = None
        for rank, kind in enumerate(mix.most_wanted_first()):
            question = build_question(kind, corpus, askable, rng)
            if question is not None and _prompt_key(question) not in asked:
                break
            question = None
            if rank == 0 and mix.made[kind] < mix.wanted[kind] and len(waiting) < _MAX_WAITING:
                if askable not in waiting:
                    waiting.append(
                        askable
                    )  # asked later, as another kind, if the cards after it make this one
                    break
        if question is None:
            continue
        asked.add(_prompt_key(question))
        mix.made[question.kind] += 1
        if card.sibling:
            used_siblings.add(card.sibling)
        questions.append(question)
    return questions


_MAX_WAITING = 200  # cards set aside for a kind the mix wants more of: past this, they are asked as they come


def _drain(waiting: list[AskableCard]) -> Iterator[AskableCard]:
    """The waiting cards, oldest first, as they are once the other cards are through (a generator: read late)."""
    yield from list(waiting)


def _prompt_key(question: Question) -> str:
    return " ".join(question.prompt.lower().split())


def _cards_spread_over_notes(corpus: Corpus, notes: list[str], rng: random.Random) -> Iterator[AskableCard]:
    """Cards to ask, spread over the notes: one card from each note in a random order, then a second, and so on."""
    visited: list[list[AskableCard]] = []
    for index in _lazy_permutation(rng, len(notes), _NOTES_DRAWN_FIRST):
        cards = [c for c in corpus.cards_in_scope(notes[index]) if not c.card.suspended]
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


def _lazy_permutation(rng: random.Random, count: int, head: int) -> Iterator[int]:
    """A seeded random order of ``range(count)`` that costs O(head) when only the first ``head`` are used."""
    k = min(count, head)
    first = rng.sample(range(count), k)
    yield from first
    if k < count:
        taken = set(first)
        rest = [i for i in range(count) if i not in taken]
        rng.shuffle(rest)
        yield from rest


def _notices(asked: int, n: int, mix: _KindMix, scope: Scope, in_scope: int) -> list[str]:
    """What the quiz could not do as asked, and why."""
    notices = []
    if asked < n:
        notices.append(
            f"{asked} question(s) instead of {n}: {scope.label()} has only {asked} usable "
            f"card(s) for {mix} questions (one question per card)"
        )
    notices += [f"no {kind} questions: {_WHY_NONE[kind]}" for kind in mix.missing()]
    if in_scope < MAX_OPTIONS:
        notices.append(
            f"only {in_scope} card(s) in {scope.label()}: fewer than {MAX_OPTIONS}, so fewer questions, and options "
            "drawn from other notes or left out"
        )
    return notices
