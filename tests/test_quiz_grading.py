"""Grading a typed answer: what counts as right for each kind of question, and what is asked again."""

from __future__ import annotations

import pytest

from kb.quiz.grading import FALSE_WORDS, TRUE_WORDS, chosen_option, grade
from kb.quiz.matching import accepted_answers, typed_answer_matches
from kb.quiz.model import Question, QuestionKind


def _mcq(options=("Paris", "Rome", "Budapest", "Cairo"), answer=2) -> Question:
    return Question(
        kind=QuestionKind.MCQ,
        prompt="What is the capital of Hungary?",
        answer=answer,
        answer_text=options[answer],
        explanation=options[answer],
        card_id="c1",
        note="notes/geo.md",
        line=4,
        options=tuple(options),
    )


def _tf(truth: bool) -> Question:
    return Question(
        kind=QuestionKind.TF,
        prompt="The capital of Hungary is\n→ Rome",
        answer=truth,
        answer_text="Budapest",
        explanation="The capital of Hungary is Budapest",
        card_id="c2",
        note="notes/geo.md",
        line=5,
    )


def _cloze(answer: str) -> Question:
    return Question(
        kind=QuestionKind.CLOZE,
        prompt="_____ rescales the gradient when its norm is too large.",
        answer=answer,
        answer_text=answer,
        explanation=f"{answer} rescales the gradient when its norm is too large.",
        card_id="c3",
        note="notes/ml.md",
        line=9,
    )


# ---------------------------------------------------------------------------------------------------------------------
# Multiple choice


@pytest.mark.parametrize("typed", ["c", "C", "c)", "C.", " c ", "3", "Budapest", "  budapest. "])
def test_a_choice_is_named_by_letter_number_or_text(typed):
    verdict = grade(_mcq(), typed)
    assert verdict.valid and verdict.correct
    assert verdict.given == typed  # kept as typed, for the store


@pytest.mark.parametrize("typed", ["a", "4", "Cairo"])
def test_another_choice_is_wrong_but_an_answer(typed):
    verdict = grade(_mcq(), typed)
    assert verdict.valid and not verdict.correct


@pytest.mark.parametrize("typed", ["e", "z", "0", "5", "", "   ", "Vienna", "cd"])
def test_what_names_no_option_is_asked_again(typed):
    verdict = grade(_mcq(), typed)
    assert not verdict.valid and not verdict.correct
    assert verdict.message == "answer with a letter from a to d"


def test_the_letter_range_follows_the_number_of_options():
    two = _mcq(options=("Paris", "Rome"), answer=1)
    assert grade(two, "b").correct
    assert not grade(two, "c").valid
    assert grade(two, "c").message == "answer with a letter from a to b"
    assert chosen_option(two, "rome") == 1 and chosen_option(two, "3") is None


def test_an_option_typed_as_text_matches_after_normalising_only():
    q = _mcq(options=("Roth IRA", "Traditional IRA", "401(k)", "HSA"), answer=0)
    assert chosen_option(q, "roth ira") == 0
    assert chosen_option(q, "401 k") == 2
    assert chosen_option(q, "Roth") is None  # part of an option is not that option


# ---------------------------------------------------------------------------------------------------------------------
# True or false


@pytest.mark.parametrize("word", sorted(TRUE_WORDS))
def test_every_word_for_true(word):
    assert grade(_tf(True), word).correct
    assert grade(_tf(True), word.upper() + ".").correct
    assert not grade(_tf(False), word).correct


@pytest.mark.parametrize("word", sorted(FALSE_WORDS))
def test_every_word_for_false(word):
    assert grade(_tf(False), word).correct
    assert grade(_tf(False), word.capitalize() + "!").correct
    assert not grade(_tf(True), word).correct


@pytest.mark.parametrize("typed", ["maybe", "", "tf", "2", "ja"])
def test_anything_else_is_asked_again_for_true_or_false(typed):
    verdict = grade(_tf(True), typed)
    assert not verdict.valid and verdict.message == "answer t (true) or f (false)"


def test_true_and_false_words_do_not_overlap():
    assert not TRUE_WORDS & FALSE_WORDS


# ---------------------------------------------------------------------------------------------------------------------
# Fill in the blank


def test_a_typed_answer_with_one_typo_is_right_and_says_so():
    verdict = grade(_cloze("Gradient clipping"), "gradient cliping")
    assert verdict.correct and verdict.typo
    assert verdict.message == "right, with a small typo"
    exact = grade(_cloze("Gradient clipping"), "Gradient clipping")
    assert exact.correct and not exact.typo and exact.message == ""


def test_an_empty_blank_is_wrong_not_asked_again():
    verdict = grade(_cloze("Gradient clipping"), "  ")
    assert verdict.valid and not verdict.correct


@pytest.mark.parametrize(
    "expected, given, verdict",
    [
        ("data set", "dataset", (True, False)),  # spacing inside a word is no typo
        ("email", "e-mail", (True, False)),
        ("the chain rule", "The Chain Rule!", (True, False)),
        ("chain rule", "the chain rule", (True, False)),
        ("The", "the", (True, False)),  # a lone article is the answer itself, not dropped
        ("hidden state", "hiden stat", (False, False)),  # two words with a typo each
        ("hidden state", "hidden", (False, False)),
        ("hidden state", "hidden state vector", (False, False)),
        ("vanishing gradient", "vanishing gradeitn", (False, False)),  # two swaps in one word
        ("Roth IRA", "Roth IRS", (False, False)),  # short words must be exact
        ("Budapest", "Bucharest", (False, False)),
        ("1990", "1991", (False, False)),
        ("10,000 hours", "10000 hours", (True, False)),
        ("10,000 hours", "10001 hours", (False, False)),
        (
            "**Weight sharing**",
            "weight sharing",
            (True, False),
        ),  # the note's markup is not part of the answer
        ("[[ml/rnns|recurrent networks]]", "recurrent networks", (True, False)),
    ],
)
def test_typed_answer_leniency(expected, given, verdict):
    assert typed_answer_matches(expected, given) == verdict


def test_an_exact_variant_wins_over_a_typo_in_another():
    # "color" is one letter off "Colour" and exactly "Color": right, with no typo.
    assert typed_answer_matches("Colour (Color)", "color") == (True, False)
    assert typed_answer_matches("Colour (Color)", "colr") == (True, True)  # one letter off "Color"
    assert typed_answer_matches("Colour (Clr)", "colr") == (False, False)  # two off one, short other
    assert typed_answer_matches("Backpropagation (BPTT)", "backpropogation") == (True, True)


def test_accepted_answers_are_the_answer_and_each_part_of_long_form_short():
    assert accepted_answers("Backpropagation through time (BPTT)") == [
        "Backpropagation through time (BPTT)",
        "Backpropagation through time",
        "BPTT",
    ]
    assert accepted_answers("**Roth IRA**") == ["Roth IRA"]
    assert accepted_answers("f(g(x))") == ["f(g(x))"]  # nested parentheses are not long form (short)
    assert accepted_answers("(BPTT)") == ["(BPTT)"]  # nothing before the parentheses


def test_the_json_of_a_blank_lists_what_a_page_should_accept():
    data = _cloze("Backpropagation through time (BPTT)").to_json(position=3)
    assert data["position"] == 3 and data["accept"][1:] == ["Backpropagation through time", "BPTT"]
    assert "options" not in data
    assert "accept" not in _mcq().to_json() and _mcq().to_json()["options"] == list(_mcq().options)


def test_the_right_answer_is_shown_as_a_user_would_type_it():
    assert _mcq().right_answer == "c) Budapest"
    assert _tf(False).right_answer == "false" and _tf(True).right_answer == "true"
    assert _cloze("Gradient clipping").right_answer == "Gradient clipping"
    assert _mcq().where == "notes/geo.md:4"
