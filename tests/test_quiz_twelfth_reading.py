"""Quiz rules from the twelfth session's reading of sets AQ to AV: kb's own blank of a bare count or model number
is asked as a fill-in, not among made-up neighbours ("436" and "336" beside the 386, "Super Mario Bros. 4, 5, 6",
"3, 5, 9" for straight wins a year range gives).

Each case is a question a reader judged bad, written again in other words.
"""

from __future__ import annotations

import random

import pytest

from kb.quiz.falsehood import false_filler
from kb.quiz.kinds import build_question, multiple_choice
from kb.quiz.model import QuestionKind
from tests.test_quiz_distractors import FakeCorpus
from tests.test_quiz_lenient import note_cards


@pytest.fixture(autouse=True)
def _december_2026(monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-12-07T12:00:00Z")


@pytest.mark.parametrize(
    "sentence, key",
    [
        ("1991: he posts a free kernel for 386 AT clones, 'just a hobby'.", "386"),
        ("Overnight they copied level 1 of Super Mario Bros. 3 as a demo for Nintendo.", "3"),
        ("She won 7 straight Western States races and turned vegan early on.", "7"),
    ],
)
def test_a_bare_count_of_kbs_own_blank_is_a_fill_in(sentence, key):
    note = "notes/books/hackers.md"
    cards = note_cards(note, (sentence, key))
    corpus = FakeCorpus({note: cards})
    assert multiple_choice(corpus, cards[0], random.Random(3)) is None
    question = build_question(QuestionKind.CLOZE, corpus, cards[0], random.Random(3))
    assert question is not None and question.answer == key


def test_a_bare_count_still_stands_beside_the_notes_own_counts():
    """Counts the note itself gives for the same thing are real options, no made-up ones."""
    note = "notes/books/runners.md"
    cards = note_cards(
        note,
        ("Jurek won 7 races in a row at Western States.", "7"),
        ("Twietmeyer finished 25 races at Western States.", "25"),
        ("Ann Trason won 14 races at Western States.", "14"),
        ("Tim Twietmeyer also ran 5 races at Badwater.", "5"),
        ("Jenn Shelton ran 11 races at Leadville.", "11"),
        ("Billy Barnett ran 9 races at Leadville.", "9"),
    )
    question = multiple_choice(FakeCorpus({note: cards}), cards[0], random.Random(3))
    assert question is not None and len(question.options) == 4, question
    assert set(question.options) <= {"7", "25", "14", "5", "11", "9"}, question.options


def test_an_amount_share_or_year_keeps_its_ladder():
    note = "notes/taxes/limits.md"
    for sentence, key in (
        ("The 2024 HSA limit for self-only cover is $4,150.", "$4,150"),
        ("The penalty rate on the excess is 6% a year.", "6%"),
        ("The Tax Reform Act of 1986 ended most shelters.", "1986"),
    ):
        cards = note_cards(note, (sentence, key))
        question = multiple_choice(FakeCorpus({note: cards}), cards[0], random.Random(3))
        assert question is not None and len(question.options) == 4, (key, question)


def test_a_false_statement_never_puts_another_number_before_a_singular_unit():
    """Judged blind in set AW: "within 2 year of the due date" gave itself away."""
    note = "notes/taxes/final-return.md"
    cards = note_cards(
        note,
        ("An executor can revoke a joint return by filing within 1 year of the due date.", "1"),
        ("The estate's own return is due 3 months and 15 days after its year ends.", "3"),
    )
    filler = false_filler(
        FakeCorpus({note: cards}),
        cards[0],
        answer="1",
        statement=cards[0].card.front.replace("[...]", "_____"),
        term=True,
    )
    assert filler is None, filler


def test_a_rough_figure_is_offered_figures_clearly_apart():
    """Judged blind in set AY: 1502 and 1504 beside "~1503", 12 and 14 beside "~13 months" were as right as the key."""
    note = "notes/books/leonardo.md"
    for sentence, key, apart in (
        ("Starts the Mona Lisa ~1503, keeps fiddling with it for the rest of his life.", "1503", 10),
        ("Lost both eyes as a baby (before age ~13 months).", "13 months", 5),
    ):
        cards = note_cards(note, (sentence, key))
        question = multiple_choice(FakeCorpus({note: cards}), cards[0], random.Random(3))
        assert question is not None, key
        value = float(key.split()[0])
        others = [float(o.split()[0]) for o in question.options if o != key]
        assert all(abs(o - value) >= apart for o in others), question.options


def test_a_number_under_an_upper_bound_is_never_made_false():
    """Judged blind in set AY: "fewer than ~10 firmly attributed" for "~20" stays true."""
    note = "notes/books/leonardo.md"
    cards = note_cards(note, ("He delivered few paintings (fewer than ~20 firmly attributed).", "20"))
    statement = cards[0].card.front.replace("[...]", "_____")
    assert (
        false_filler(FakeCorpus({note: cards}), cards[0], answer="20", statement=statement, term=True) is None
    )


def test_a_reliability_in_nines_is_still_offered_its_ladder():
    """A "99%" of kb's own blank asked as multiple choice once raised AttributeError (a reliability's ladder of
    nines has no ratio): `kb quiz --note` failed on a note of set BB."""
    note = "notes/books/spqr.md"
    cards = note_cards(
        note, ("Chapter on ordinary people: bars, graffiti, cheap lodging. Rome for the 99%.", "99%")
    )
    question = multiple_choice(FakeCorpus({note: cards}), cards[0], random.Random(3))
    assert question is None or "99%" in question.options


@pytest.mark.parametrize(
    "sentence, key",
    [
        ("The novel is told looking back, so you know from page 1 that the house is gone.", "page 1"),
        ("She started mid-year in year 1, so only the months received count.", "year 1"),
    ],
)
def test_a_numbered_place_is_offered_no_made_up_neighbours(sentence, key):
    """Judged blind in set BB: "page 2/3/4" beside "page 1", "year 2/3/4" beside "year 1"."""
    note = "notes/books/rebecca.md"
    cards = note_cards(note, (sentence, key))
    question = multiple_choice(FakeCorpus({note: cards}), cards[0], random.Random(3))
    assert question is None, question.options


def test_a_number_its_conversion_shows_beside_it_is_not_asked():
    """Judged blind in set BB: "radius _____ (=127/255)" gave away 0.5."""
    from kb.quiz.kinds import computable

    assert computable("~49% certified top-1 at radius _____ (=127/255).", "0.5")
