"""The reviewer's choices (grades and actions), the session loop, and `kb cards suspend` with id prefixes."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from kb.review.queue import Queue
from kb.review.scheduler import Grade
from kb.review.terminal import Action, LineUI, SessionSummary, TerminalUI, run_session
from tests.review_helpers import add_card, open_conn, review_kb

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def kb(make_kb, monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    return review_kb(make_kb)


@pytest.fixture
def conn(kb):
    c = open_conn(kb, cards=3)
    yield c
    c.close()


def line_ui(text: str) -> tuple[LineUI, io.StringIO]:
    out = io.StringIO()
    return LineUI(stdin=io.StringIO(text), out=out), out


class _Intervals(dict):
    def __missing__(self, grade):
        from datetime import timedelta

        return timedelta(minutes=grade)


def ask(ui, conn, kb):
    card = Queue(conn, kb.settings, T0).next(T0)
    return ui.ask(card, 1, Queue(conn, kb.settings, T0).counts(T0), _Intervals())


@pytest.mark.parametrize(
    ("typed", "choice"),
    [
        ("1", Grade.AGAIN),
        ("Hard", Grade.HARD),
        (" good ", Grade.GOOD),
        ("4", Grade.EASY),
        ("u", Action.UNDO),
        ("undo", Action.UNDO),
        ("S", Action.SUSPEND),
        ("bury", Action.BURY),
        ("q", Action.QUIT),
    ],
)
def test_line_protocol_words(kb, conn, typed, choice):
    ui, _ = line_ui(typed + "\n")
    assert ask(ui, conn, kb) is choice


def test_line_protocol_offers_no_editor_and_asks_again(kb, conn, capsys):
    ui, out = line_ui("e\nedit\n5\n3\n")
    assert ask(ui, conn, kb) is Grade.GOOD
    assert out.getvalue().count("> ") == 4
    assert capsys.readouterr().err.count("is not 1-4, again/hard/good/easy, u, s, b or q") == 3


def test_line_protocol_end_of_input_is_no_choice(kb, conn):
    ui, _ = line_ui("")
    assert ask(ui, conn, kb) is None


@pytest.mark.parametrize(("key", "choice"), [("u", Action.UNDO), ("E", Action.EDIT), ("\x04", Action.QUIT)])
def test_terminal_keys_before_the_answer_is_shown(kb, conn, key, choice):
    from rich.console import Console

    keys = iter(["4", "x", key])  # a grade before the answer is shown is ignored, unknown keys too
    ui = TerminalUI(console=Console(file=io.StringIO(), width=80), key_reader=lambda: next(keys))
    assert ask(ui, conn, kb) is choice


def test_terminal_grade_keys_after_the_answer_is_shown(kb, conn):
    from rich.console import Console

    keys = iter([" ", "2"])
    ui = TerminalUI(console=Console(file=io.StringIO(), width=80), key_reader=lambda: next(keys))
    assert ask(ui, conn, kb) is Grade.HARD


class ScriptedUI:
    """A UI that answers from a list of choices and records what it was told."""

    def __init__(self, choices):
        self.choices = iter(choices)
        self.asked: list[tuple[str, int]] = []
        self.notices: list[str] = []

    def ask(self, card, number, counts, intervals):
        self.asked.append((card.id, number))
        return next(self.choices, None)

    def answered(self, card, result):
        pass

    def notice(self, text):
        self.notices.append(text)

    def edit(self, kb, card):
        pass


def test_undo_shows_the_card_again_under_its_number(kb, conn):
    ui = ScriptedUI([Action.UNDO, Grade.GOOD, Grade.AGAIN, Action.UNDO, Grade.EASY, Action.QUIT])
    summary = run_session(kb, conn, Queue(conn, kb.settings, T0), ui)
    assert ui.notices[0] == "nothing to undo"
    assert ui.asked == [("card0", 1), ("card0", 1), ("card1", 2), ("card2", 3), ("card1", 2), ("card2", 3)]
    assert "undone: Again on card card1" in ui.notices
    assert (summary.reviewed, summary.again) == (2, 0)
    rows = conn.execute("SELECT card_id, grade, undone FROM reviews ORDER BY id").fetchall()
    assert rows == [("card0", 3, 0), ("card1", 1, 1), ("card1", 4, 0)]


def test_session_summary_counts_and_json(kb, conn):
    ui = ScriptedUI([Grade.AGAIN, Action.SUSPEND, Action.BURY])
    summary = run_session(kb, conn, Queue(conn, kb.settings, T0), ui)
    data = summary.to_dict()
    assert data["reviewed"] == 1 and data["again"] == 1 and data["again_rate"] == 1.0
    assert data["suspended"] == 1 and data["buried"] == 1
    assert data["due_tomorrow"] == 0  # the card answered Again comes back today, in a minute: not tomorrow
    assert summary.left.learning == 1 and summary.left.new == 0
    json.dumps(data)
    assert SessionSummary().again_rate == 0.0


def test_the_journal_keeps_grades_as_plain_numbers(kb, conn):
    run_session(kb, conn, Queue(conn, kb.settings, T0), ScriptedUI([Grade.HARD]))
    line = (kb.journal_dir / "laptop.jsonl").read_text()
    assert '"grade":2,' in line


def test_cards_suspend_takes_unambiguous_id_prefixes(kb, conn):
    from kb.cli import cli

    add_card(conn, "9f3c2a1b", position=5)
    add_card(conn, "9f3c77aa", position=6)
    runner = CliRunner()
    result = runner.invoke(cli, ["cards", "suspend", "9f3c2", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"suspended": ["9f3c2a1b"]}
    result = runner.invoke(cli, ["cards", "unsuspend", "9f3c"])
    assert result.exit_code == 1 and "9f3c is the start of several card ids; give more of it" in result.output
    result = runner.invoke(cli, ["cards", "unsuspend", "9f3c2a1b"])
    assert result.exit_code == 0 and "unsuspended 1 card: 9f3c2a1b" in result.output
    assert conn.execute("SELECT count(*) FROM cards WHERE suspended = 1").fetchone()[0] == 0


def test_the_review_and_cards_commands_do_not_import_each_other_both_ways():
    import ast
    from pathlib import Path

    commands = Path(__file__).resolve().parent.parent / "kb" / "commands"

    def imports(name: str) -> set[str]:
        tree = ast.parse((commands / f"{name}.py").read_text())
        return {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}

    assert not ("kb.commands.cards" in imports("review") and "kb.commands.review" in imports("cards"))
