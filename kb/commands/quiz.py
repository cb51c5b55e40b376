"""The ``kb quiz`` command: ask a generated quiz in the terminal, over a pipe, or print it as JSON."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

import click

from kb.commands import echo_json, get_kb, open_index, resolve_path
from kb.errors import KbError


@click.command("quiz")
@click.option("--note", "note_path", metavar="PATH", help="Only this note (a path such as notes/ml/rnns.md).")
@click.option("--tag", help="Only notes with this tag.")
@click.option("--type", "note_type", help="Only notes of this type (book, podcast, topic, ...).")
@click.option(
    "-n", "count", default=10, show_default=True, type=click.IntRange(1, 500), help="Number of questions."
)
@click.option(
    "--kinds",
    default="mcq,cloze,tf",
    show_default=True,
    help="Question kinds, comma separated: mcq (multiple choice), cloze (fill in the blank), tf (true or false).",
)
@click.option("--seed", type=int, help="Seed: the same seed gives the same quiz.")
@click.option("--json", "as_json", is_flag=True, help="Print the generated quiz as JSON without asking it.")
@click.option(
    "--grade",
    "grade_cards",
    is_flag=True,
    help="Also record each answer as a review of its card (wrong: Again, right: Good).",
)
@click.option("--history", is_flag=True, help="List the quizzes taken, newest first, instead of asking one.")
def quiz_cmd(
    note_path: str | None,
    tag: str | None,
    note_type: str | None,
    count: int,
    kinds: str,
    seed: int | None,
    as_json: bool,
    grade_cards: bool,
    history: bool,
) -> None:
    """Quiz yourself on a note, a tag or a type of note: multiple choice, fill in the blank, true or false.

    In a terminal each question waits for your answer and says at once whether it was right, with the right answer
    and the note and line it comes from; the score and the misses come at the end. When standard input is not a
    terminal, answers are read one per line (a letter for multiple choice, the text for a blank, t or f); the end
    of input ends the quiz. Results are kept in the database (see --history).

    \b
    Examples:
      kb quiz --tag taxes -n 15
      kb quiz --note notes/ml/rnns.md --kinds mcq,tf --seed 7
      kb quiz --type book --json > quiz.json
      printf 'b\\nhidden state\\nt\\n' | kb quiz --note notes/ml/rnns.md -n 3 --seed 1
    """
    from kb.quiz.generate import generate_quiz, parse_kinds

    kb = get_kb()
    if as_json and grade_cards:
        raise click.UsageError(
            "--json prints the quiz without asking it, so there is nothing to --grade; drop one"
        )
    record_review = _review_recorder() if grade_cards else None
    conn = open_index(kb)
    if history:
        _print_history(conn, as_json)
        return
    # An unknown path is passed on as typed: the generator names it in its one-line error.
    note = (resolve_path(kb, note_path) or note_path) if note_path else None
    quiz = generate_quiz(
        conn, note=note, tag=tag, type=note_type, n=count, kinds=parse_kinds(kinds), seed=seed
    )
    if as_json:
        echo_json(quiz.to_json())
        return
    ui: _UI = _RichUI() if sys.stdin.isatty() else _PlainUI()
    _run(kb, conn, quiz, ui, record_review)


def _review_recorder() -> Callable:
    """``kb.review.record_answer``: schedules the card with FSRS and writes the answer to the review journal."""
    from kb.review.answers import record_answer

    return record_answer


def _print_history(conn, as_json: bool) -> None:
    from kb.quiz.store import recent_quizzes

    records = recent_quizzes(conn)
    if as_json:
        echo_json([r.to_json() for r in records])
        return
    if not records:
        click.echo("no quizzes taken yet; try kb quiz -n 5")
        return
    for r in records:
        click.echo(
            f"{r.started_at}  {r.correct}/{r.answered} right of {r.questions}  {r.scope}  seed {r.seed}"
        )


# ---------------------------------------------------------------------------------------------------------------------
# Asking


@dataclass(frozen=True)
class _Miss:
    position: int
    question: object
    given: str


class _UI:
    """How a quiz is shown and answered. Subclasses: a rich terminal UI and a plain line protocol."""

    def start(self, quiz) -> None: ...

    def show(self, position: int, total: int, question) -> None:
        raise NotImplementedError

    def read(self, question) -> str | None:
        """The answer typed, or None when the user stops (end of input, Ctrl-C)."""
        raise NotImplementedError

    def invalid(self, message: str) -> None: ...

    def feedback(self, question, verdict) -> None: ...

    def warn(self, message: str) -> None:
        click.echo(f"warning: {message}", err=True)

    def finish(self, asked: int, total: int, right: int, misses: list[_Miss]) -> None: ...


def _right_answer_line(question) -> str:
    from kb.quiz.generate import QuestionKind

    text = question.right_answer
    if question.kind == QuestionKind.TF and not question.answer:
        text += f" (the note says: {question.answer_text})"
    return text


def _kind_label(question) -> str:
    return {"mcq": "multiple choice", "cloze": "fill in the blank", "tf": "true or false"}[str(question.kind)]


class _PlainUI(_UI):
    """One question per block, one answer per line; meant for pipes, scripts and tests."""

    def start(self, quiz) -> None:
        click.echo(f"quiz: {len(quiz.questions)} questions from {quiz.scope.label()} (seed {quiz.seed})")
        for notice in quiz.notices:
            click.echo(f"notice: {notice}")

    def show(self, position: int, total: int, question) -> None:
        from kb.quiz.generate import LETTERS, QuestionKind

        click.echo("")
        click.echo(f"{position}/{total} [{question.kind}] {question.prompt}")
        if question.kind == QuestionKind.MCQ:
            for i, option in enumerate(question.options):
                click.echo(f"  {LETTERS[i]}) {option}")
        for notice in question.notices:
            click.echo(f"notice: {notice}")

    def read(self, question) -> str | None:
        from kb.quiz.generate import LETTERS, QuestionKind

        if question.kind == QuestionKind.MCQ:
            hint = f"letter a-{LETTERS[len(question.options) - 1]}"
        elif question.kind == QuestionKind.TF:
            hint = "t or f"
        else:
            hint = "the missing words"
        click.echo(f"answer ({hint})> ", nl=False)
        line = sys.stdin.readline()
        if not line:
            click.echo("")
            return None
        return line.rstrip("\n")

    def invalid(self, message: str) -> None:
        click.echo(f"not an answer: {message}")

    def feedback(self, question, verdict) -> None:
        if verdict.correct:
            extra = " (small typo)" if verdict.typo else ""
            click.echo(f"right{extra}: {_right_answer_line(question)} ({question.where})")
        else:
            click.echo(f"wrong: the answer is {_right_answer_line(question)} ({question.where})")

    def finish(self, asked: int, total: int, right: int, misses: list[_Miss]) -> None:
        click.echo("")
        if asked < total:
            click.echo(f"stopped after {asked} of {total} questions")
        percent = round(100 * right / asked) if asked else 0
        click.echo(f"score: {right}/{asked} ({percent}%)")
        if misses:
            click.echo("missed:")
            for miss in misses:
                q = miss.question
                first = q.prompt.splitlines()[0]
                click.echo(f"  {miss.position}. {first} -> {_right_answer_line(q)} ({q.where})")


class _RichUI(_UI):
    """The terminal UI: styled question, lettered options, immediate feedback, a score table at the end."""

    def __init__(self) -> None:
        from rich.console import Console

        self.console = Console(highlight=False)

    def start(self, quiz) -> None:
        self.console.print(
            f"[bold]Quiz:[/] {len(quiz.questions)} questions from [cyan]{quiz.scope.label()}[/] "
            f"[dim](seed {quiz.seed}; Ctrl-D stops)[/]"
        )
        for notice in quiz.notices:
            self.console.print(f"[yellow]note:[/] {notice}")

    def show(self, position: int, total: int, question) -> None:
        from rich.markup import escape

        from kb.quiz.generate import LETTERS, QuestionKind

        self.console.print()
        self.console.rule(f"[bold]{position}/{total}[/] · {_kind_label(question)}", align="left", style="dim")
        if question.context:
            self.console.print(f"[dim]{escape(question.context)}[/]")
        self.console.print(f"[bold]{escape(question.prompt)}[/]")
        if question.kind == QuestionKind.MCQ:
            for i, option in enumerate(question.options):
                self.console.print(f"  [cyan]{LETTERS[i]})[/] {escape(option)}")
        for notice in question.notices:
            self.console.print(f"[yellow dim]{escape(notice)}[/]")

    def read(self, question) -> str | None:
        from kb.quiz.generate import LETTERS, QuestionKind

        if question.kind == QuestionKind.MCQ:
            hint = f"a-{LETTERS[len(question.options) - 1]}"
        elif question.kind == QuestionKind.TF:
            hint = "t/f"
        else:
            hint = "type the missing words"
        try:
            return self.console.input(f"[bold]answer[/] [dim]({hint})[/] › ")
        except (EOFError, KeyboardInterrupt):
            self.console.print()
            return None

    def invalid(self, message: str) -> None:
        self.console.print(f"[yellow]{message}[/]")

    def feedback(self, question, verdict) -> None:
        from rich.markup import escape

        where = f"[dim]{escape(question.where)}[/]"
        if verdict.correct:
            typo = " [dim](small typo)[/]" if verdict.typo else ""
            self.console.print(f"[green bold]✓ right[/]{typo}  {where}")
        else:
            self.console.print(
                f"[red bold]✗ wrong[/] — the answer is [bold]{escape(_right_answer_line(question))}[/]  {where}"
            )
        if question.explanation and question.explanation != question.answer_text:
            self.console.print(f"  [dim]{escape(question.explanation)}[/]")

    def finish(self, asked: int, total: int, right: int, misses: list[_Miss]) -> None:
        from rich.markup import escape
        from rich.table import Table

        self.console.print()
        if asked < total:
            self.console.print(f"[dim]stopped after {asked} of {total} questions[/]")
        percent = round(100 * right / asked) if asked else 0
        colour = "green" if percent >= 80 else "yellow" if percent >= 50 else "red"
        self.console.print(f"[bold]Score:[/] [{colour} bold]{right}/{asked}[/] ({percent}%)")
        if misses:
            table = Table(title="Missed", title_justify="left", show_lines=False)
            table.add_column("#", justify="right")
            table.add_column("Question")
            table.add_column("Answer")
            table.add_column("Where", style="cyan")
            for miss in misses:
                q = miss.question
                table.add_row(
                    str(miss.position),
                    escape(q.prompt.splitlines()[0]),
                    escape(_right_answer_line(q)),
                    escape(q.where),
                )
            self.console.print(table)


def _run(kb, conn, quiz, ui: _UI, record_review: Callable | None) -> None:
    """Ask every question, store each answer as it comes, and grade the card too with --grade."""
    from datetime import UTC, datetime

    from kb.quiz.generate import grade
    from kb.quiz.store import save_answer, start_quiz

    quiz_id = start_quiz(conn, quiz, started_at=datetime.now(UTC))
    ui.start(quiz)
    total = len(quiz.questions)
    asked = right = 0
    misses: list[_Miss] = []
    for position, question in enumerate(quiz.questions, start=1):
        began = time.monotonic()
        verdict = None
        ui.show(position, total, question)
        while verdict is None:
            given = ui.read(question)
            if given is None:
                ui.finish(asked, total, right, misses)
                return
            verdict = grade(question, given)
            if not verdict.valid:
                ui.invalid(verdict.message)
                verdict = None
        duration_ms = int((time.monotonic() - began) * 1000)
        answered_at = datetime.now(UTC)
        save_answer(
            conn, quiz_id, position, question, verdict, answered_at=answered_at, duration_ms=duration_ms
        )
        asked += 1
        if verdict.correct:
            right += 1
        else:
            misses.append(_Miss(position, question, given))
        ui.feedback(question, verdict)
        if record_review is not None and question.card_id:
            try:
                record_review(
                    kb,
                    conn,
                    question.card_id,
                    3 if verdict.correct else 1,
                    at=answered_at,
                    duration_ms=duration_ms,
                    source="quiz",
                )
            except (
                KbError
            ) as exc:  # e.g. the card vanished meanwhile: the quiz answer is kept, the quiz goes on
                ui.warn(f"{question.where}: answer not recorded as a review ({exc})")
    ui.finish(asked, total, right, misses)
