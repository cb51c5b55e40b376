"""Issue 18, quizzes: what a learner types for a blank is graded leniently, distractors are of the key's kind and
scope, true/false statements are grammatical and not the bullet word for word."""

from __future__ import annotations

import random

import pytest

from kb.quiz.answerkind import answer_form, answer_kind, same_kind
from kb.quiz.distractors import pick_distractors, same_thing
from kb.quiz.kinds import blank_clause, fill_in_the_blank, fit_case, starts_with_vowel_sound, true_or_false
from kb.quiz.matching import typed_answer_matches
from kb.quiz.model import BLANK, CardRow
from kb.quiz.terms import AskableCard
from tests.test_quiz_distractors import FakeCorpus


@pytest.mark.parametrize(
    ("expected", "typed"),
    [
        ("Roth contributions", "contributions"),  # the key noun alone
        ("Roth contributions", "roth contribution"),  # case and plural
        ("the five-year rule", "five year rules"),
        ("strategies", "strategy"),
        ("catch-up contribution", "a catch-up contribution"),
    ],
)
def test_a_typed_answer_is_graded_leniently(expected, typed):
    assert typed_answer_matches(expected, typed).correct


@pytest.mark.parametrize(
    ("expected", "typed"),
    [
        ("Roth contributions", "Roth"),
        ("income tax", "payroll tax"),
        ("$7,000", "7,000 dollars"),
        ("73", "72"),
    ],
)
def test_a_modifier_alone_or_another_term_is_still_wrong(expected, typed):
    assert not typed_answer_matches(expected, typed).correct


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("$7,000", "amount"),
        ("6.2%", "percent"),
        ("April 15, 2025", "date"),
        ("2008", "date"),
        ("73", "number"),
        ("\\sqrt{d_k}", "formula"),
        ("git reflog", "command"),
        ("HEAD@{1}", "command"),
        ("Daniel Kahneman", "name"),
        ("HSA", "name"),
        ("Form 8606", "name"),
        ("loss aversion", "term"),
        ("bidirectional RNN", "term"),
        ("people defer to symbols like titles and uniforms", "phrase"),
    ],
)
def test_the_kind_of_an_answer(text, kind):
    assert answer_kind(text) == kind


def test_the_form_of_an_answer_keeps_singular_and_plural_apart():
    assert answer_form("Roth IRAs") == "plural" and answer_form("catch-up contribution") == "singular"
    assert answer_form("analysis") == "singular" and answer_form("tax credits") == "plural"
    assert not same_kind("tax credit", "deductions") and same_kind("tax credit", "deduction")
    assert not same_kind("73", "$7,000") and not same_kind("Kahneman", "loss aversion")


def test_look_alikes_are_the_same_thing():
    assert same_thing("Tax credit", "Credits", term=True)
    assert same_thing("HSA", "health savings account", term=True)
    assert same_thing("self-employment tax", "SE tax", term=True)
    assert not same_thing("income tax", "payroll tax", term=True)


def generated(note: str, sentence: str, hidden: str, line: int = 3, context: str = "") -> AskableCard:
    front = sentence.replace(hidden, "[...]", 1)
    cloze = sentence.replace(hidden, "{{c1::" + hidden + "}}", 1)
    return AskableCard(
        CardRow(
            f"{note}:{line}", note, line, line, "cloze", front, sentence, context, "", False, True, cloze, 1
        )
    )


def note_cards(note: str, *pairs: tuple[str, str]) -> list[AskableCard]:
    """kb's own cards of one note, one per (sentence, hidden span), on lines 3, 4, ..."""
    return [generated(note, sentence, hidden, line) for line, (sentence, hidden) in enumerate(pairs, start=3)]


IRAS = "notes/taxes/iras.md"


def iras() -> list[AskableCard]:
    return [
        generated(
            IRAS, "For 2024 the IRA contribution limit is $7,000, plus a $1,000 catch-up.", "$7,000", 1
        ),
        generated(
            IRAS,
            "Roth contributions phase out at a modified AGI of $146,000 for single filers.",
            "$146,000",
            2,
        ),
        generated(IRAS, "Taking money out before age 59½ usually costs a 10% penalty.", "59½", 3),
        generated(IRAS, "Required minimum distributions start at age 73 under SECURE 2.0.", "73", 4),
        generated(IRAS, "The Saver's Credit is worth up to $1,000 for low incomes.", "Saver's Credit", 5),
    ]


def test_distractors_are_of_the_keys_kind_and_from_the_note():
    cards = iras()
    other = {"notes/ml/adam.md": [generated("notes/ml/adam.md", "Adam uses 0.9 and 0.999 as betas.", "Adam")]}
    corpus = FakeCorpus({IRAS: cards, **other})
    wrong = pick_distractors(
        corpus, cards[0], answer="$7,000", question=cards[0].blank.prompt, term=True, want=3
    )
    assert len(wrong) == 3 and all(answer_kind(w) == "amount" for w in wrong), wrong
    age = pick_distractors(corpus, cards[3], answer="73", question=cards[3].blank.prompt, term=True, want=3)
    assert "59½" in age and not any("%" in w or "$" in w for w in age), age


def test_a_one_note_quiz_takes_no_distractor_from_another_note():
    from kb.quiz.model import Scope

    note = "notes/ml/adam.md"
    cards = [generated(note, "Adam was published by Kingma and Ba in 2014.", "Kingma and Ba")]
    corpus = FakeCorpus({note: cards, IRAS: iras()})
    corpus.scope = Scope(note=note)
    wrong = pick_distractors(
        corpus, cards[0], answer="Kingma and Ba", question=cards[0].blank.prompt, term=True, want=3
    )
    assert wrong == [] and corpus.similar_calls == []


def test_no_false_statement_repeats_the_word_beside_its_blank():
    note = "notes/taxes/iras.md"
    asked = generated(note, "That limit is shared across all your traditional and Roth IRAs.", "Roth")
    other = generated(
        note, "A backdoor needs a traditional IRA contribution first, then a conversion.", "traditional IRA"
    )
    corpus = FakeCorpus({note: [asked, other]})
    wrong = pick_distractors(corpus, asked, answer="Roth", question=asked.blank.prompt, term=True, want=3)
    assert "traditional IRA" not in wrong


def test_a_true_statement_is_the_sentence_of_its_blank_not_the_whole_bullet():
    prompt = (
        f"Required minimum distributions start at age {BLANK}. Roth IRAs have none while the owner lives."
    )
    assert blank_clause(prompt) == f"Required minimum distributions start at age {BLANK}."


def test_false_statements_keep_names_capitalised_and_articles_agreeing():
    assert fit_case("loss aversion", "Prospect theory") == "prospect theory"
    assert fit_case("loss aversion", "Costco") == "Costco"
    assert starts_with_vowel_sound("HSA") and starts_with_vowel_sound("item")
    assert not starts_with_vowel_sound("unit") and not starts_with_vowel_sound("FICA")


def test_a_fill_in_answer_is_short_enough_to_type():
    long = generated(
        "notes/x.md",
        "Naval suggests that you should build specific knowledge nobody can train.",
        "build specific knowledge nobody can train",
    )
    assert fill_in_the_blank(long) is None
    short = generated(
        "notes/x.md", "Naval suggests that you should build specific knowledge.", "specific knowledge"
    )
    assert fill_in_the_blank(short).answer == "specific knowledge"


def test_a_true_or_false_statement_is_the_blank_sentence_either_way():
    cards = iras()
    corpus = FakeCorpus({IRAS: cards})
    statements = {true_or_false(corpus, cards[3], random.Random(seed)).prompt for seed in range(20)}
    assert "Required minimum distributions start at age 73 under SECURE 2.0." in statements
    assert all(s.startswith("Required minimum distributions start at age ") for s in statements)
    assert len(statements) >= 2
