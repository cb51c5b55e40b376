"""Grading one typed answer to one question: a letter (or number, or the option's text) for multiple choice, t or f
for true or false, the missing words for a blank (compared leniently, see :mod:`kb.quiz.matching`)."""

from __future__ import annotations

from dataclasses import dataclass

from kb.quiz.matching import typed_answer_matches
from kb.quiz.model import LETTERS, Question, QuestionKind
from kb.quiz.words import normalise

TRUE_WORDS = frozenset({"t", "true", "y", "yes", "1", "v", "vrai", "right", "correct"})
FALSE_WORDS = frozenset({"f", "false", "n", "no", "0", "wrong", "incorrect"})


@dataclass(frozen=True)
class Verdict:
    correct: bool
    given: str  # what the user typed, as typed
    # False: not an answer to this kind of question (a letter out of range, "maybe" for tf)
    valid: bool = True
    typo: bool = False  # right, with one small typo
    message: str = ""


def grade(question: Question, given: str) -> Verdict:
    """Grade one typed answer: a letter (or number, or the option's text) for mcq, text for cloze, t/f for tf."""
    text = given.strip()
    if question.kind == QuestionKind.MCQ:
        return _grade_choice(question, given, text)
    if question.kind == QuestionKind.TF:
        return _grade_true_or_false(question, given, text)
    if not text:
        return Verdict(False, given)
    correct, typo = typed_answer_matches(str(question.answer), text)
    return Verdict(correct, given, typo=typo, message="right, with a small typo" if typo else "")


def chosen_option(question: Question, text: str) -> int | None:
    """The option a typed answer names: its letter, its number from 1, or its text; None when it names none."""
    count = len(question.options)
    low = text.lower().rstrip(").")
    if len(low) == 1 and low in LETTERS[:count]:
        return LETTERS.index(low)
    if low.isdigit() and 1 <= int(low) <= count:
        return int(low) - 1
    if text:
        key = normalise(text)
        return next((i for i, o in enumerate(question.options) if normalise(o) == key), None)
    return None


def _grade_choice(question: Question, given: str, text: str) -> Verdict:
    index = chosen_option(question, text)
    if index is None:
        last = LETTERS[len(question.options) - 1]
        return Verdict(False, given, valid=False, message=f"answer with a letter from a to {last}")
    return Verdict(index == question.answer, given)


def _grade_true_or_false(question: Question, given: str, text: str) -> Verdict:
    low = text.lower().rstrip(".!")
    if low in TRUE_WORDS:
        value = True
    elif low in FALSE_WORDS:
        value = False
    else:
        return Verdict(False, given, valid=False, message="answer t (true) or f (false)")
    return Verdict(value == question.answer, given)
