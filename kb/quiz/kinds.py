"""The three kinds of question, each made from one card: multiple choice, fill in the blank, true or false.

- Multiple choice: a card's front with its back among distractors, or a key sentence with its salient term blanked
  and other terms as options. Four options when the material allows, fewer with a notice.
- Cloze: a key sentence (key point, definition, cloze card, sentence with a bold term) with its most salient term
  blanked; typed answers are graded leniently (:mod:`kb.quiz.grading`).
- True/false: a card's statement with its own answer or with a plausible wrong one.

A builder returns None when the card cannot make its kind of question.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import NamedTuple

from kb.quiz.corpus import Corpus
from kb.quiz.distractors import pick_distractors
from kb.quiz.model import BLANK, MAX_OPTION_CHARS, MAX_OPTIONS, Question, QuestionKind
from kb.quiz.terms import AskableCard, BlankedSentence
from kb.quiz.words import is_termlike

_ARTICLE_RE = re.compile(r"(?<!\w)([Aa])n? " + re.escape(BLANK))
_LEADING_BLANK_RE = re.compile(r"^" + re.escape(BLANK))


def build_question(
    kind: QuestionKind, corpus: Corpus, askable: AskableCard, rng: random.Random
) -> Question | None:
    """A question of ``kind`` from the card, or None when the card cannot make one."""
    if kind == QuestionKind.MCQ:
        return multiple_choice(corpus, askable, rng)
    if kind == QuestionKind.CLOZE:
        return fill_in_the_blank(askable)
    return true_or_false(corpus, askable, rng)


def _question(kind: QuestionKind, askable: AskableCard, **fields) -> Question:
    card = askable.card
    return Question(
        kind=kind, card_id=card.id, note=card.note, line=card.line, context=card.context, **fields
    )


def _has_short_answer(askable: AskableCard) -> bool:
    return bool(askable.question and askable.answer and len(askable.answer) <= MAX_OPTION_CHARS)


def neutral_article(prompt: str) -> str:
    """ "a _____" / "an _____" -> "a(n) _____": the article must not tell which option fits."""
    return _ARTICLE_RE.sub(lambda a: a.group(1) + "(n) " + BLANK, prompt)


def _blank_prompt(blank: BlankedSentence) -> str:
    return neutral_article(f"{blank.lead}\n{blank.prompt}" if blank.lead else blank.prompt)


# ---------------------------------------------------------------------------------------------------------------------
# Multiple choice


class _ChoiceAttempt(NamedTuple):
    prompt: str
    answer: str
    term: bool  # the answer is a term (other terms are its distractors), not a sentence
    explanation: str


def _choice_attempts(askable: AskableCard) -> Iterator[_ChoiceAttempt]:
    """The card's question with its answer, then its sentence with a blank: the first that finds options wins."""
    if _has_short_answer(askable):
        yield _ChoiceAttempt(askable.question, askable.answer, is_termlike(askable.answer), askable.answer)
    blank = askable.blank
    if blank is not None:
        yield _ChoiceAttempt(_blank_prompt(blank), blank.answer, True, blank.sentence)


def multiple_choice(corpus: Corpus, askable: AskableCard, rng: random.Random) -> Question | None:
    for attempt in _choice_attempts(askable):
        answer = attempt.answer
        wrong = pick_distractors(
            corpus, askable, answer=answer, question=attempt.prompt, term=attempt.term, want=MAX_OPTIONS - 1
        )
        if not wrong:
            continue
        notices = []
        if len(wrong) < MAX_OPTIONS - 1:
            notices.append(
                f"only {len(wrong) + 1} options: no other plausible answers in the note, its tags or the corpus"
            )
        if attempt.term:
            # Match the answer's first-letter case, or the one capitalised option gives itself away.
            fix = str.lower if answer[:1].islower() else str.upper
            wrong = [fix(w[:1]) + w[1:] if w[1:2].islower() else w for w in wrong]
        options = [answer, *wrong]
        rng.shuffle(options)
        return _question(
            QuestionKind.MCQ,
            askable,
            prompt=attempt.prompt,
            answer=options.index(answer),
            answer_text=answer,
            explanation=attempt.explanation,
            options=tuple(options),
            notices=tuple(notices),
        )
    return None


# ---------------------------------------------------------------------------------------------------------------------
# Fill in the blank


def fill_in_the_blank(askable: AskableCard) -> Question | None:
    blank = askable.blank
    if blank is None:
        return None
    return _question(
        QuestionKind.CLOZE,
        askable,
        prompt=_blank_prompt(blank),
        answer=blank.answer,
        answer_text=blank.answer,
        explanation=blank.sentence,
    )


# ---------------------------------------------------------------------------------------------------------------------
# True or false


def _fill_blank(blank: BlankedSentence, filler: str) -> str:
    """The blanked sentence with ``filler`` in the blank, its case and the article before it fitted to it."""
    text = _LEADING_BLANK_RE.sub(lambda _: filler[:1].upper() + filler[1:], blank.prompt)
    # "The vanishing gradient" inside a sentence reads "the vanishing gradient"
    if filler[1:2].islower():
        filler = filler[:1].lower() + filler[1:]
    an = "n" if filler[:1].lower() in "aeiou" else ""
    text = _ARTICLE_RE.sub(lambda a: a.group(1) + an + " " + BLANK, text)
    text = text.replace(BLANK, filler)
    return f"{blank.lead}\n{text}" if blank.lead else text


def true_or_false(corpus: Corpus, askable: AskableCard, rng: random.Random) -> Question | None:
    # Drawn before knowing whether the card makes a question: drawing it later would change every seed's quiz.
    truth = rng.random() < 0.5
    blank = askable.blank
    if blank is not None:
        answer, term, question, explanation = blank.answer, True, blank.prompt, blank.sentence
    elif _has_short_answer(askable):
        answer, term, question = askable.answer, is_termlike(askable.answer), askable.question
        explanation = f"{question} {answer}"
    else:
        return None
    notices = []
    shown = answer
    if not truth:
        wrong = pick_distractors(corpus, askable, answer=answer, question=question, term=term, want=1)
        if wrong:
            shown = wrong[0]
        else:
            truth = True
            notices.append("shown with its own answer: no plausible wrong answer was found to make it false")
    return _question(
        QuestionKind.TF,
        askable,
        prompt=_fill_blank(blank, shown) if blank is not None else f"{question}\n→ {shown}",
        answer=truth,
        answer_text=answer,
        explanation=explanation,
        notices=tuple(notices),
    )
