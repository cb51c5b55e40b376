"""Quiz rules from the fourteenth session's reading of sets BQ and BR: a number under "under" is a bound, which
a smaller option keeps true ("very few do well on under _____" offered 2 and 4 hours beside 6); a day moved in a
date makes no false statement ("sell Dec 30, rebuy Jan 5 → still a wash sale" is as true as Dec 28); a key never
takes the hedge before a figure ("Roughly 280") or an adverb after a term ("colour distortion together").

Each case is a question a reader judged bad, written again in other words.
"""

from __future__ import annotations

import random

import pytest

from kb.cards.spans import entity_candidates
from kb.quiz.distractors import number_variants
from kb.quiz.kinds import multiple_choice, true_or_false
from tests.test_cards_twelfth_reading import term_spans
from tests.test_quiz_distractors import FakeCorpus
from tests.test_quiz_lenient import note_cards


@pytest.fixture(autouse=True)
def _december_2026(monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-12-08T12:00:00Z")


SLEEP = "notes/podcasts/sleep.md"


def sleep_cards():
    return note_cards(
        SLEEP,
        ("He says almost nobody does well on under 6 hours for long.", "6 hours"),
        ("Caffeine's half-life is about 5 hours, so a 3 pm coffee is still half there at 8 pm.", "5 hours"),
        ("Deep sleep comes mostly in the first 4 hours of the night.", "4 hours"),
        ("A nap of 20 minutes leaves no grogginess.", "20 minutes"),
    )


@pytest.mark.parametrize("word", ["under", "below"])
def test_a_number_under_an_upper_bound_gets_no_number_options(word):
    """Judged blind in set BR: "very few people truly do well on under _____" offered 2, 4 and 8 hours beside 6:
    "under 4 hours" is as true."""
    cards = sleep_cards()
    cards[0] = note_cards(SLEEP, (f"He says almost nobody does well on {word} 6 hours for long.", "6 hours"))[
        0
    ]
    corpus = FakeCorpus({SLEEP: cards})
    for seed in range(10):
        question = multiple_choice(corpus, cards[0], random.Random(seed))
        if question is not None:
            assert not any(o != "6 hours" and o.endswith("hours") for o in question.options)


def test_a_number_with_no_bound_still_gets_number_options():
    """Guard: "a half-life of about 5 hours" is no bound: other hours are wrong."""
    cards = sleep_cards()
    corpus = FakeCorpus({SLEEP: cards})
    questions = [multiple_choice(corpus, cards[2], random.Random(seed)) for seed in range(10)]
    assert any(q is not None and sum(o.endswith("hours") for o in q.options) > 1 for q in questions)


WASH = "notes/taxes/wash.md"


def test_a_day_moved_in_a_date_makes_no_false_statement():
    """Judged blind in set BR: "sell Dec 30, rebuy Jan 5 → still a wash sale" was keyed false."""
    cards = note_cards(
        WASH,
        ("Year end: sell Dec 28, rebuy Jan 5 and it is still a wash sale.", "28"),
        ("The window runs 30 days before and 30 days after the sale.", "30 days"),
        ("A loss it disallows is added to the new shares' basis.", "basis"),
    )
    corpus = FakeCorpus({WASH: cards})
    for seed in range(20):
        statement = true_or_false(corpus, cards[0], random.Random(seed))
        assert statement is None or statement.answer is True


def test_a_deadlines_day_with_its_month_still_makes_a_false_statement():
    """Guard: a whole date is still made false ("due in April, on the 15th" as "on the 20th"): only a day cut from
    the month before it is left alone."""
    cards = note_cards(
        "notes/taxes/estimates.md",
        ("The first payment is due in April, on the 15th.", "15th"),
        ("Itemizers deduct state income or sales tax, plus property tax.", "property tax"),
    )
    corpus = FakeCorpus({"notes/taxes/estimates.md": cards})
    statements = [true_or_false(corpus, cards[0], random.Random(seed)) for seed in range(10)]
    assert any(s is not None and s.answer is False for s in statements)


def test_the_hedge_before_a_figure_is_never_in_the_blank():
    """Judged blind in set BR: "[Roughly 280] experts ... tens of thousands of predictions" keyed "Roughly 280"."""
    text = "Roughly 280 experts, tens of thousands of predictions gathered over two decades."
    assert "Roughly 280" not in {text[c.start : c.end] for c in entity_candidates(text, text)}


def test_an_adverb_after_a_term_is_never_in_the_blank():
    """Judged blind in set BR: "random crop + [colour distortion together] >> either alone"."""
    assert not any(
        span.endswith("together")
        for span in term_spans("Random crop + colour distortion together >> either alone.")
    )


def test_a_name_with_its_year_in_brackets_gets_no_year_options():
    """Judged blind in set BS: "TCJA (2017)" offered "TCJA (2013)", "TCJA (2015)" and "TCJA (2019)"."""
    note = "notes/taxes/salt.md"
    cards = note_cards(
        note,
        ("TCJA (2017): capped the SALT deduction at $10,000 per return for 2018-2025.", "TCJA (2017)"),
        ("OBBBA (2025): raised the cap to $40,000, phasing down above $500,000 of MAGI.", "OBBBA (2025)"),
        ("Itemizers deduct state income or sales tax, plus property tax.", "property tax"),
    )
    corpus = FakeCorpus({note: cards})
    for seed in range(10):
        question = multiple_choice(corpus, cards[0], random.Random(seed))
        if question is not None:
            assert not any(o.startswith("TCJA (") and o != "TCJA (2017)" for o in question.options)


@pytest.mark.parametrize(
    "key, wanted",
    [
        # judged blind in set BV: "48 hours" offered 43, 53 and 58 hours
        ("48 hours", {"24 hours", "36 hours", "60 hours", "72 hours"}),
        ("14 days", {"7 days", "21 days", "28 days", "35 days"}),
        ("18 months", {"12 months", "15 months", "21 months", "24 months"}),
    ],
)
def test_a_duration_moves_by_half_days_weeks_or_quarters(key, wanted):
    variants = set(number_variants(key)[:4])
    assert len(variants & wanted) >= 3, variants


def test_a_number_set_against_another_makes_no_false_statement():
    """Judged blind in set BW: "139 is above 127, so it aborts" made false as "139 is above 137", as true."""
    note = "notes/git/bisect.md"
    cards = note_cards(
        note,
        ("A segfault exits with 139, and 139 is above 127, so bisect run aborts.", "127"),
        ("Exit code 125 tells bisect run to skip the commit.", "125"),
        ("`timeout` exits with 124 when it kills the command.", "124"),
    )
    corpus = FakeCorpus({note: cards})
    for seed in range(20):
        statement = true_or_false(corpus, cards[0], random.Random(seed))
        assert statement is None or statement.answer is True
