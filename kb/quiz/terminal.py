"""Asking a quiz: one loop, two faces.

* :class:`RichUI`: in a terminal, a styled question with lettered options, immediate feedback, a score table.
* :class:`PlainUI`: over a pipe, one question per block and one answer per line; meant for scripts and tests.

Each answer is stored as soon as it is given (see :mod:`kb.quiz.store`), so a quiz stopped halfway keeps its answers.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import click

from kb.errors import KbError
from kb.quiz.grading import Verdict, grade
from kb.quiz.model import LETTERS, Question, QuestionKind, Quiz

_CODE_SPAN_RE = re.compile(r"`([^`\n]+)`")


def code_styled(markup: str) -> str:
    """Rich markup with each code span of a question (kept in backticks, as the site shows it as code) styled as
    code and its backticks dropped."""
    return _CODE_SPAN_RE.sub(r"[cyan]\1[/cyan]", markup)


# The FSRS grades (kb.review.scheduler.Grade) an answer counts as with --grade.
GRADE_IF_RIGHT = 3  # Good
GRADE_IF_WRONG = 1  # Again

KIND_LABELS = {
    QuestionKind.MCQ: "multiple choice",
    QuestionKind.CLOZE: "fill in the blank",
    QuestionKind.TF: "true or false",
}


@dataclass(frozen=True)
class Miss:
    position: int
    question: Question
    given: str


@dataclass(frozen=True)
class Score:
    asked: int  # questions answered
    total: int  # questions in the quiz
    right: int
    misses: tuple[Miss, ...]

    @property
    def percent(self) -> int:
        return round(100 * self.right / self.asked) if self.asked else 0


def right_answer_line(question: Question) -> str:
    """The right answer as feedback shows it; a false statement also shows what the note says."""
    text = question.right_answer
    if question.kind == QuestionKind.TF and not question.answer:
        text += f" (the note says: {question.answer_text})"
    return text


def answer_hint(question: Question, *, choice: str, true_false: str, blank: str) -> str:
    """What the answer prompt says to type; ``{last}`` in ``choice`` is the last option's letter."""
    if question.kind == QuestionKind.MCQ:
        return choice.format(last=LETTERS[len(question.options) - 1])
    if question.kind == QuestionKind.TF:
        return true_false
    return blank


class QuizUI:
    """How a quiz is shown and answered."""

    def start(self, quiz: Quiz) -> None: ...

    def show(self, position: int, total: int, question: Question) -> None:
        raise NotImplementedError

    def read(self, question: Question) -> str | None:
        """The answer typed, or None when the user stops (end of input, Ctrl-C)."""
        raise NotImplementedError

    def invalid(self, message: str) -> None: ...

    def feedback(self, question: Question, verdict: Verdict) -> None: ...

    def warn(self, message: str) -> None:
        click.echo(f"warning: {message}", err=True)

    def finish(self, score: Score) -> None: ...


class PlainUI(QuizUI):
    """One question per block, one answer per line; meant for pipes, scripts and tests."""

    def start(self, quiz: Quiz) -> None:
        click.echo(f"quiz: {len(quiz.questions)} questions from {quiz.scope.label()} (seed {quiz.seed})")
        for notice in quiz.notices:
            click.echo(f"notice: {notice}")

    def show(self, position: int, total: int, question: Question) -> None:
        click.echo("")
        click.echo(f"{position}/{total} [{question.kind}] {question.prompt}")
        if question.kind == QuestionKind.MCQ:
            for i, option in enumerate(question.options):
                click.echo(f"  {LETTERS[i]}) {option}")
        for notice in question.notices:
            click.echo(f"notice: {notice}")

    def read(self, question: Question) -> str | None:
        hint = answer_hint(question, choice="letter a-{last}", true_false="t or f", blank="the missing words")
        click.echo(f"answer ({hint})> ", nl=False)
        line = sys.stdin.readline()
        if not line:
            click.echo("")
            return None
        return line.rstrip("\n")

    def invalid(self, message: str) -> None:
        click.echo(f"not an answer: {message}")

    def feedback(self, question: Question, verdict: Verdict) -> None:
        if verdict.correct:
            extra = " (small typo)" if verdict.typo else ""
            click.echo(f"right{extra}: {right_answer_line(question)} ({question.where})")
        else:
            click.echo(f"wrong: the answer is {right_answer_line(question)} ({question.where})")

    def finish(self, score: Score) -> None:
        click.echo("")
        if score.asked < score.total:
            click.echo(f"stopped after {score.asked} of {score.total} questions")
        click.echo(f"score: {score.right}/{score.asked} ({score.percent}%)")
        if score.misses:
            click.echo("missed:")
            for miss in score.misses:
                q = miss.question
                first = q.prompt.splitlines()[0]
                click.echo(f"  {miss.position}. {first} -> {right_answer_line(q)} ({q.where})")


class RichUI(QuizUI):
    """The terminal UI: styled question, lettered options, immediate feedback, a score table at the end."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(highlight=False)

    def start(self, quiz: Quiz) -> None:
        self.console.print(
            f"[bold]Quiz:[/] {len(quiz.questions)} questions from [cyan]{quiz.scope.label()}[/] "
            f"[dim](seed {quiz.seed}; Ctrl-D stops)[/]"
        )
        for notice in quiz.notices:
            self.console.print(f"[yellow]note:[/] {notice}")

    def show(self, position: int, total: int, question: Question) -> None:
        from rich.markup import escape

        from kb.mathtext import math_to_unicode

        self.console.print()
        self.console.rule(
            f"[bold]{position}/{total}[/] · {KIND_LABELS[question.kind]}", align="left", style="dim"
        )
        if question.context:
            self.console.print(f"[dim]{escape(math_to_unicode(question.context))}[/]")
        self.console.print(f"[bold]{code_styled(escape(math_to_unicode(question.prompt)))}[/]")
        if question.kind == QuestionKind.MCQ:
            for i, option in enumerate(question.options):
                self.console.print(f"  [cyan]{LETTERS[i]})[/] {escape(math_to_unicode(option))}")
        for notice in question.notices:
            self.console.print(f"[yellow dim]{escape(notice)}[/]")

    def read(self, question: Question) -> str | None:
        hint = answer_hint(question, choice="a-{last}", true_false="t/f", blank="type the missing words")
        try:
            return self.console.input(f"[bold]answer[/] [dim]({hint})[/] › ")
        except (EOFError, KeyboardInterrupt):
            self.console.print()
            return None

    def invalid(self, message: str) -> None:
        self.console.print(f"[yellow]{message}[/]")

    def feedback(self, question: Question, verdict: Verdict) -> None:
        from rich.markup import escape

        from kb.mathtext import math_to_unicode

        where = f"[dim]{escape(question.where)}[/]"
        if verdict.correct:
            typo = " [dim](small typo)[/]" if verdict.typo else ""
            self.console.print(f"[green bold]✓ right[/]{typo}  {where}")
        else:
            self.console.print(
                f"[red bold]✗ wrong[/] — the answer is [bold]{escape(math_to_unicode(right_answer_line(question)))}[/]  {where}"
            )
        if question.explanation and question.explanation != question.answer_text:
            self.console.print(f"  [dim]{code_styled(escape(math_to_unicode(question.explanation)))}[/]")

    def finish(self, score: Score) -> None:
        from rich.markup import escape
        from rich.table import Table

        self.console.print()
        if score.asked < score.total:
            self.console.print(f"[dim]stopped after {score.asked} of {score.total} questions[/]")
        percent = score.percent
        colour = "green" if percent >= 80 else "yellow" if percent >= 50 else "red"
        self.console.print(f"[bold]Score:[/] [{colour} bold]{score.right}/{score.asked}[/] ({percent}%)")
        if score.misses:
            table = Table(title="Missed", title_justify="left", show_lines=False)
            table.add_column("#", justify="right")
            table.add_column("Question")
            table.add_column("Answer")
            table.add_column("Where", style="cyan")
            for miss in score.misses:
                q = miss.question
                table.add_row(
                    str(miss.position),
                    escape(q.prompt.splitlines()[0]),
                    escape(right_answer_line(q)),
                    escape(q.where),
                )
            self.console.print(table)


def _read_answer(ui: QuizUI, question: Question) -> Verdict | None:
    """The graded answer, asking again while it is not an answer to this kind of question; None when the user stops."""
    while True:
        given = ui.read(question)
        if given is None:
            return None
        verdict = grade(question, given)
        if verdict.valid:
            return verdict
        ui.invalid(verdict.message)


def run_quiz(kb, conn, quiz: Quiz, ui: QuizUI, record_review: Callable | None = None) -> Score:
    """Ask every question, store each answer as it comes, and grade the card too when ``record_review`` is given.

    ``record_review`` is :func:`kb.review.answers.record_answer` (``kb quiz --grade``).
    """
    from datetime import UTC, datetime

    from kb.quiz.store import save_answer, start_quiz

    quiz_id = start_quiz(conn, quiz, started_at=datetime.now(UTC), kb=kb)
    ui.start(quiz)
    total = len(quiz.questions)
    right = 0
    misses: list[Miss] = []
    asked = 0
    for position, question in enumerate(quiz.questions, start=1):
        began = time.monotonic()
        ui.show(position, total, question)
        verdict = _read_answer(ui, question)
        if verdict is None:
            break
        duration_ms = int((time.monotonic() - began) * 1000)
        answered_at = datetime.now(UTC)
        save_answer(
            conn,
            quiz_id,
            position,
            question,
            verdict,
            answered_at=answered_at,
            duration_ms=duration_ms,
            kb=kb,
        )
        asked = position
        if verdict.correct:
            right += 1
        else:
            misses.append(Miss(position, question, verdict.given))
        ui.feedback(question, verdict)
        if record_review is not None and question.card_id:
            grade_as = GRADE_IF_RIGHT if verdict.correct else GRADE_IF_WRONG
            try:
                record_review(
                    kb,
                    conn,
                    question.card_id,
                    grade_as,
                    at=answered_at,
                    duration_ms=duration_ms,
                    source="quiz",
                )
            except (
                KbError
            ) as exc:  # e.g. the card vanished meanwhile: the quiz answer is kept, the quiz goes on
                ui.warn(f"{question.where}: answer not recorded as a review ({exc})")
    score = Score(asked=asked, total=total, right=right, misses=tuple(misses))
    ui.finish(score)
    return score
