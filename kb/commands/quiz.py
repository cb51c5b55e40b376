"""The ``kb quiz`` command: ask a generated quiz in the terminal, over a pipe, or print it as JSON."""

from __future__ import annotations

import sys
from collections.abc import Callable

import click

from kb.commands import echo_json, get_kb, open_index, resolve_path


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
    from kb.quiz.generate import generate_quiz
    from kb.quiz.model import parse_kinds

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
    from kb.quiz.terminal import PlainUI, RichUI, run_quiz

    run_quiz(kb, conn, quiz, RichUI() if sys.stdin.isatty() else PlainUI(), record_review)


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
