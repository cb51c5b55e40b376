"""Quiz rules from the thirteenth session's reading of sets BE and BF: a true/false statement is never one item of
a list that ends a sentence over several bullets ("70% of this year's tax, or"); a blank is never a word a compound
beside it shows ("Mini-batch k-means updates on [small random batches]"; the test's bullet has the singular, as
kb's stems read "batches" as "batche").

Each case is a question a reader judged bad, written again in other words.
"""

from __future__ import annotations

import random

import pytest

from kb.quiz.distractors import number_variants
from kb.quiz.kinds import build_question, multiple_choice, true_or_false
from kb.quiz.model import QuestionKind
from kb.quiz.words import clean_term
from tests.test_cards_eleventh_reading import note_cards as extracted
from tests.test_quiz_distractors import FakeCorpus
from tests.test_quiz_lenient import note_cards


@pytest.fixture(autouse=True)
def _december_2026(monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-12-07T12:00:00Z")


@pytest.mark.parametrize(
    "sentence, key",
    [
        ("85% of the tax you owe this year, or", "85%"),
        ("100% of what you owed the year before,", "100%"),
        ("...but 110% of that if your income topped $150,000.", "110%"),
    ],
)
def test_a_piece_of_a_sentence_a_list_splits_is_never_true_or_false(sentence, key):
    """Judged blind in set BE: "70% of this year's tax, or", alone neither true nor false."""
    note = "notes/taxes/estimates.md"
    others = [
        ("The first payment of the year is due on 15 April.", "15 April"),
        ("Farmers may pay once, by 15 January, if two thirds of their income is from farming.", "15 January"),
        ("Withholding counts as paid evenly through the year, whenever it happened.", "Withholding"),
    ]
    cards = note_cards(note, (sentence, key), *others)
    corpus = FakeCorpus({note: cards})
    assert all(true_or_false(corpus, cards[0], random.Random(seed)) is None for seed in range(20))
    # the note's whole sentences still make statements
    assert any(true_or_false(corpus, cards[1], random.Random(seed)) is not None for seed in range(20))


def test_a_word_a_compound_beside_it_shows_is_never_the_blank():
    """Judged blind in set BF: "Mini-batch k-means (Sculley, 2010) updates on [small random batches]": the blank's
    word is half of the compound before it."""
    markdown = (
        "## Variants\n- Mini-batch k-means (Sculley, 2010) updates the centers on one small random batch at a time, "
        "for big data.\n- Tree-based models split on one feature at a time; the split threshold comes from the "
        "tree depth limit.\n"
    )
    cards = [c for c in extracted("Clustering", markdown) if c.generated]
    assert [c.answer for c in cards if c.front.startswith("Tree")] == [
        "depth limit"
    ]  # not "tree depth limit"
    assert not any("batch" in c.answer for c in cards)


def test_a_term_in_quotes_keeps_no_lone_quote():
    """Judged blind in set BF: the key 'Witchcraft" molecules' of "**"Witchcraft" molecules**: atropine ..."."""
    assert clean_term('"Witchcraft" molecules') == "Witchcraft molecules"
    assert clean_term("“Hell yeah” rule") == "“Hell yeah” rule"  # both quotes kept, a pair
    assert clean_term('the "closed loop"') == "the closed loop"


def test_the_same_quantity_in_another_case_of_the_rule_is_no_wrong_option():
    """Judged blind in set BE: "_____ of last year's tax" offered 110%, the note's figure "of last year's tax" for
    high incomes: right as well."""
    note = "notes/taxes/estimates.md"
    cards = note_cards(
        note,
        ("Pay 100% of last year's tax through withholding and estimates to owe no penalty.", "100%"),
        ("With AGI over $150,000 it takes 110% of last year's tax instead.", "110%"),
        ("The other safe harbor is 90% of this year's tax, paid on time.", "90%"),
        ("A payment under $1,000 owed at filing never brings the penalty.", "$1,000"),
    )
    corpus = FakeCorpus({note: cards})
    for seed in range(10):
        question = multiple_choice(corpus, cards[0], random.Random(seed))
        assert question is None or "110%" not in question.options
        # too few wrong options left: the card is still asked, as a fill-in
        assert build_question(QuestionKind.CLOZE, corpus, cards[0], random.Random(seed)) is not None


def test_a_pair_of_numbers_in_an_option_gets_no_ladder():
    """Judged blind in set BG: "`-L 10,30` blame only part of the file" offered "-L 930", "-L 830", "-L 730":
    10,30 is lines 10 to 30, not one thousand and thirty. A number with real thousands still climbs."""
    assert number_variants("-L 10,30") == []
    assert number_variants("$12,500")[:2] == ["$13,500", "$11,500"]
