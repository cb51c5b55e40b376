"""Quiz rules from the eleventh session's blind readings (sets AS and AT), each a question a reader judged bad,
written again in other words: a factor of a product whose result the prompt shows, a count a year range gives, a
blank whose opposite stands beside it, and a false statement putting a person among places."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.quiz.kinds import computable
from kb.quiz.model import BLANK


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        (f"30k rows × 30k × {BLANK} ≈ 7 GB for the full distance matrix", "8 bytes"),
        (f"a 256×256×{BLANK} image already has ~200k inputs", "3"),
        (f"Grid search: 3 params × 6 values = {BLANK} runs", "216"),
        (f"Won {BLANK} Tour titles in a row (1991–1995), all with time trials.", "5"),
    ],
)
def test_a_number_arithmetic_gives_is_not_asked(prompt, answer):
    assert computable(prompt, answer)


@pytest.mark.parametrize(
    ("prompt", "answer"),
    [
        (f"The first {BLANK} runs of a sweep are warm-up and get discarded.", "3"),
        (f"Won {BLANK} Tour titles, the first in 1991.", "5"),
    ],
)
def test_a_number_no_arithmetic_gives_is_still_asked(prompt, answer):
    assert not computable(prompt, answer)


def test_a_product_of_numbers_on_a_card_hides_none_of_them():
    from tests.test_cards_keypoint_rules import cards_of

    cards = cards_of("- 40k samples × 40k × 4 bytes ≈ 6.4 GB just for the float32 matrix. Too much.", "HAC")
    assert not {"40k", "4 bytes", "6.4 GB"} & {c.answer for c in cards}, [c.front for c in cards]


def test_a_blank_is_never_given_away_by_its_opposite_beside_it():
    from tests.test_cards_keypoint_rules import cards_of

    for bullet in (
        "**Unbiased** = the average estimate lands on the truth. **Biased** = off in one direction.",
        "**Nonblocking** = returns at once. **Blocking** = waits for the data.",
    ):
        for card in cards_of(f"- {bullet}", "Estimators and calls"):
            assert card.answer not in ("Unbiased", "Nonblocking"), card.front
    for card in cards_of("- Grey-box (partial access) vs black-box (queries only) attacks", "Attacks"):
        assert card.answer not in ("black-box", "Grey-box"), card.front


def test_a_false_statement_never_puts_a_person_among_places(make_kb):
    make_kb(
        {
            "books/leopard.md": """\
            ---
            title: "The Leopard"
            type: book
            ---
            # The Leopard

            ## People

            - **Fabrizio**: the prince, an astronomer watching his class fade after 1860
            - **Tancredi**: his penniless nephew, who rides with Garibaldi's volunteers
            - **Angelica**: the new mayor's daughter, whose dowry rescues Tancredi

            ## Places

            - **Donnafugata**: the family's summer estate, a three-day carriage ride inland
            - **Palermo**: the city palace where the novel opens with the rosary
            - **Santa Margherita**: the hunting grounds where Fabrizio and Ciccio talk politics
            """
        }
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["index"], catch_exceptions=False).exit_code == 0
    people, places = {"fabrizio", "tancredi", "angelica"}, {"donnafugata", "palermo", "santa margherita"}
    mixed = []
    for seed in range(10):
        out = runner.invoke(cli, ["quiz", "--kinds", "tf", "-n", "6", "--seed", str(seed), "--json"])
        if out.exit_code != 0:
            continue
        for q in json.loads(out.output)["questions"]:
            label = q["prompt"].partition(":")[0].lower()
            true_label = q["explanation"].partition(":")[0].lower()
            if q["answer"] is False and {label, true_label} & people and {label, true_label} & places:
                mixed.append(q["prompt"])
    assert mixed == []


def test_a_blank_the_headings_above_it_name_is_not_asked():
    from kb.quiz.kinds import askable_blank
    from tests.test_quiz_lenient import generated

    shown = generated(
        "notes/ml/backdoors.md",
        "Poisoned sample: a training input with a trigger patch whose label the attacker flipped.",
        "Poisoned sample",
        context="Backdoor attacks and poisoned samples > Definitions",
    )
    assert askable_blank(shown) is None
    elsewhere = generated(
        "notes/ml/backdoors.md",
        "Poisoned sample: a training input with a trigger patch whose label the attacker flipped.",
        "Poisoned sample",
        context="Backdoor attacks > Definitions",
    )
    assert askable_blank(elsewhere) is not None


def test_a_sequence_length_is_offered_other_powers_of_two():
    import random

    from kb.quiz.kinds import multiple_choice
    from tests.test_quiz_distractors import FakeCorpus
    from tests.test_quiz_lenient import note_cards

    note = "notes/ml/bert.md"
    cards = note_cards(note, ("Pretraining ran at seq len 128 for most steps, then 512 for the rest.", "128"))
    question = multiple_choice(FakeCorpus({note: cards}), cards[0], random.Random(3))
    assert question is not None
    wrong = [int(o) for o in question.options if o != question.answer_text]
    assert wrong and all(w & (w - 1) == 0 for w in wrong), question.options


def test_a_share_two_amounts_on_the_card_give_is_never_hidden():
    from kb.cards.salience import Candidate
    from kb.cards.spans import derived_number

    text = "→ $80k settlement, 25% contingency fee = $20k to the lawyer, yet the client may report all $80k."
    at = text.index("25%")
    assert derived_number(text, Candidate(6, at, at + 3, "number"))
    year = "Bonus depreciation: 80% in 2023, 60% in 2024, then 100% again for 2025 acquisitions."
    at = year.index("100%")
    assert derived_number(year, Candidate(6, at, at + 4, "number")) is None


@pytest.mark.parametrize(
    ("sentence", "version"),
    [
        (
            "Protocol v2 landed in Git 2.18; it became the default in 2.26, was reverted in 2.27 after a regression.",
            "2.27",
        ),
        (
            "Only exclusions given → git treats it as if '.' were there (old gits, before ~2.13, just errored).",
            "2.13",
        ),
    ],
)
def test_a_release_is_offered_releases_of_the_same_line(sentence, version):
    import random

    from kb.quiz.kinds import multiple_choice
    from tests.test_quiz_distractors import FakeCorpus
    from tests.test_quiz_lenient import note_cards

    note = "notes/git/protocol.md"
    cards = note_cards(note, (sentence, version))
    question = multiple_choice(FakeCorpus({note: cards}), cards[0], random.Random(3))
    assert question is not None
    assert all(abs(float(o) - float(version)) < 0.1 for o in question.options), question.options
