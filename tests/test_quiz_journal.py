"""Quiz results live in the review journal, like every answer: a database rebuilt from the journal (``.kb/kb.db``
deleted) still lists every quiz taken and its answers, and the quiz lines leave the review history as it was."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.conftest import write_kb

REPO = Path(__file__).resolve().parent.parent
NOTE = """---
title: Capitals
tags: [geo]
---
# Capitals

What is the capital of France?::Paris

What is the capital of Italy?::Rome

What is the capital of Spain?::Madrid

What is the capital of Hungary?::Budapest
"""


def kb(root: Path, *args: str, input: str | None = None, **extra: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(PYTHONPATH=str(REPO), KB_ROOT=str(root), KB_DEVICE="laptop", KB_TZ="UTC", **extra)
    proc = subprocess.run(
        [sys.executable, "-m", "kb", *args], env=env, input=input, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _answers(root: Path) -> list[tuple]:
    conn = sqlite3.connect(root / ".kb" / "kb.db")
    try:
        return conn.execute(
            "SELECT q.scope, q.seed, q.questions, q.correct, a.position, a.question, a.answer, a.given, a.correct "
            "FROM quizzes q JOIN quiz_answers a ON a.quiz_id = q.id ORDER BY q.started_at, a.position"
        ).fetchall()
    finally:
        conn.close()


def test_quiz_results_survive_a_rebuilt_database(tmp_path):
    root = write_kb(tmp_path / "kb", {"capitals.md": NOTE}, site=True).root
    assert kb(root, "index").returncode == 0
    first = kb(root, "quiz", "--tag", "geo", "--seed", "3", "-n", "3", "--grade", input="a\nt\na\nt\na\n")
    assert first.returncode == 0, first.stderr
    second = kb(root, "quiz", "--tag", "geo", "--seed", "4", "-n", "2", input="Paris\n")  # stopped after one
    assert second.returncode == 0, second.stderr
    history = json.loads(kb(root, "quiz", "--history", "--json").stdout)
    answers = _answers(root)
    reviews = kb(root, "stats", "--json", KB_NOW="2030-01-01T12:00:00Z").stdout
    assert len(history) == 2 and len(answers) >= 3, answers

    lines = [json.loads(x) for x in (root / ".kb" / "journal" / "laptop.jsonl").read_text().splitlines()]
    assert [x["type"] for x in lines].count("quiz") == 2
    assert [x["type"] for x in lines].count("quiz-answer") == len(answers)

    os.remove(root / ".kb" / "kb.db")
    rebuilt = json.loads(kb(root, "quiz", "--history", "--json").stdout)
    strip = [{k: v for k, v in h.items() if k != "id"} for h in history]
    assert [{k: v for k, v in h.items() if k != "id"} for h in rebuilt] == strip
    assert _answers(root) == answers
    assert (
        kb(root, "stats", "--json", KB_NOW="2030-01-01T12:00:00Z").stdout == reviews
    )  # the quiz's graded answers are reviews, as before


def test_a_kb_that_does_not_know_the_quiz_lines_replays_the_rest(tmp_path):
    """What an older kb does with the new lines: its replay skips types it does not know (simulated here by the
    journal reader alone: the lines are valid records, so they are not reported as torn either)."""
    from kb.review import journal

    root = write_kb(tmp_path / "kb", {"capitals.md": NOTE}, site=True).root
    assert kb(root, "index").returncode == 0
    kb(root, "quiz", "--tag", "geo", "--seed", "3", "-n", "2", input="a\nb\n")
    (chunk,) = journal.read_new(root / ".kb" / "journal", {})
    assert chunk.bad_lines == [] and {e["type"] for e in chunk.events} == {"quiz", "quiz-answer"}
