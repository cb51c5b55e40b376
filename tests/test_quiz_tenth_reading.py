"""Quiz rules from the tenth session's blind readings (sets AG and AH): options a reader rules out at sight.

Each case is a question a reader judged bad, written again in other words: a past year offered years no one has
lived yet, a number whose value the prompt already shows written another way, a rate offered "100%".
"""

from __future__ import annotations

import dataclasses
import random

import pytest

from kb.quiz.distractors import number_variants
from kb.quiz.kinds import computable, multiple_choice
from kb.quiz.model import BLANK
from kb.quiz.terms import AskableCard
from tests.test_quiz_distractors import FakeCorpus
from tests.test_quiz_lenient import generated, note_cards


@pytest.fixture(autouse=True)
def _december_2026(monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-12-07T12:00:00Z")


def _options(note: str, *facts: tuple[str, str]) -> list[str]:
    cards = note_cards(note, *facts)
    question = multiple_choice(FakeCorpus({note: cards}), cards[0], random.Random(3))
    assert question is not None, "asked as multiple choice"
    return [o for o in question.options if o != question.answer_text]


def test_a_past_year_is_offered_past_years_only():
    options = _options(
        "notes/taxes/adoption.md",
        ("The refundable piece came from the 2025 reconciliation act and is indexed for inflation.", "2025"),
    )
    assert len(options) == 3 and all(int(o) <= 2026 for o in options), options


def test_a_year_to_come_is_still_offered_years_on_either_side():
    variants = number_variants("2031")
    assert "2033" in variants and "2029" in variants


def test_a_month_of_a_year_moves_by_years_not_days():
    variants = number_variants("May 1968")
    assert "May 1970" in variants and "May 1966" in variants


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        (f"~{BLANK} Windows machines wiped within hours (figures quoted run 30k–35k)", "30,000"),
        (f"The fund raised {BLANK} in its first round, about $2.5 million.", "$2,500,000"),
        (f"Roughly {BLANK} subscribers by launch day, some 40,000 of them paying.", "40k"),
    ],
)
def test_a_number_the_prompt_shows_written_another_way_is_not_hidden(prompt, answer):
    assert computable(prompt, answer)


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        (f"About {BLANK} users signed up, up from 2 million a year earlier.", "3,000,000"),
        (f"The cap is {BLANK} for 2024 and rises with inflation.", "$7,000"),
    ],
)
def test_a_number_beside_other_figures_is_still_hidden(prompt, answer):
    assert not computable(prompt, answer)


def test_a_rate_is_never_offered_all_or_nothing():
    options = _options(
        "notes/taxes/qsbs.md",
        ("The part not excluded is taxed at up to 28%, not the usual 20%.", "28%"),
        ("Stock held five years gets a 100% exclusion of the gain.", "100%"),
        ("Three years of holding gets a 50% exclusion.", "50%"),
        ("Four years of holding gets a 75% exclusion.", "75%"),
    )
    assert "100%" not in options, options


@pytest.mark.parametrize(
    "sentence",
    [
        "The point: the song was not finished by one writer → 3 people reworking it over a decade",
        "The shop ran with 3 people until the second year, then hired fast.",
        "Plurality voting gives odd results with 3 candidates, as in the 1992 race.",
        "The group split into 3 teams after the first offsite.",
        "She wrote 2 drafts before the one that sold.",
    ],
)
def test_a_count_before_a_plural_noun_is_never_offered_one(sentence):
    """A user's own cloze of a count (kb's own blank of one is a fill-in: see test_quiz_twelfth_reading)."""
    key = next(w for w in sentence.split() if w.isdigit())
    card = users_cloze("notes/podcasts/song.md", sentence, key)
    question = multiple_choice(FakeCorpus({card.card.note: [card]}), card, random.Random(3))
    assert question is not None, "asked as multiple choice"
    options = [o for o in question.options if o != question.answer_text]
    assert "1" not in options and len(options) == 3, options


def users_cloze(note: str, sentence: str, hidden: str) -> AskableCard:
    """A cloze the user wrote in the note (not kb's own blank)."""
    row = generated(note, sentence, hidden).card
    return AskableCard(dataclasses.replace(row, generated=False))


def test_a_power_of_two_that_reads_as_a_year_is_offered_years():
    options = _options(
        "notes/books/numbers.md",
        (
            "A silly 2008 projection had every US adult overweight by 2048, a straight line run too far.",
            "2048",
        ),
    )
    assert all(2030 <= int(o) <= 2060 for o in options), options


def test_a_command_is_made_false_only_with_the_same_command_and_other_options():
    from kb.quiz.kinds import true_or_false
    from tests.test_quiz_kinds import rng_drawing

    note = "notes/git/switch.md"
    cards = note_cards(
        note,
        ("`git switch -` jumps back to the branch you were on before.", "`git switch -`"),
        ("`git rebase -i HEAD~3` lets you squash the last three commits.", "`git rebase -i HEAD~3`"),
        ("`git stash pop` brings back the last stash and drops it.", "`git stash pop`"),
    )
    question = true_or_false(FakeCorpus({note: cards}), cards[0], rng_drawing(False))
    assert question is None or "rebase" not in question.prompt and "stash" not in question.prompt, (
        question.prompt
    )


@pytest.mark.parametrize("answer", ["1099-B", "1099-INT", "Dec 31", "30 June", "Jan 1"])
def test_a_forms_number_or_a_months_edge_gets_no_made_up_neighbours(answer):
    """Judged blind in sets AI and AJ: "1199-B, 999-B, 899-B" and "Dec 25, 27, 29" were ruled out at sight."""
    assert number_variants(answer) == []


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        (
            f"Max {BLANK} of stock a year at grant-date FMV (with the 15% discount you pay up to $17,000)",
            "$20,000",
        ),
        (f"Discount capped at {BLANK} → the price can't go below 85% of FMV", "15%"),
    ],
)
def test_a_number_worked_out_from_a_share_the_prompt_shows_is_not_hidden(prompt, answer):
    assert computable(prompt, answer)


def test_a_day_of_a_short_month_is_never_offered_a_day_it_lacks():
    """Judged blind in set AK: "Sept 31" does not exist, and was ruled out at sight."""
    assert not any(v.endswith(" 31") for v in number_variants("Sept 27"))
    assert not any(v.endswith((" 30", " 31")) for v in number_variants("Feb 27"))


def test_a_figure_with_a_word_beside_it_is_offered_figures_written_alike():
    """Judged blind in sets AE and AK: "permanent 100%" beside bare "80%", "7.65% SE tax" beside "15.3%"."""
    from kb.quiz.distractors import same_form

    assert not same_form("permanent 100%", "80%") and not same_form("7.65% SE tax", "15.3%")
    assert same_form("20 years", "15 years")


def test_a_rough_year_is_never_made_false():
    """Judged blind in set AM: "by around 1970" made false as "by around 1860", absurd for a firm founded in 1957."""
    from kb.quiz.falsehood import false_filler

    note = "notes/podcasts/gear.md"
    cards = note_cards(
        note,
        (
            "That became Chouinard Equipment, by around 1970 the biggest climbing-hardware maker in the US.",
            "1970",
        ),
        ("He started forging pitons in 1957 in his parents' backyard.", "1957"),
    )
    statement = cards[0].card.back.replace("1970", BLANK)
    assert (
        false_filler(FakeCorpus({note: cards}), cards[0], answer="1970", statement=statement, term=True)
        is None
    )
