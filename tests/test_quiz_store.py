"""Asking a quiz and keeping its results: every answer is stored as it is given, a quiz stopped halfway keeps them."""

from __future__ import annotations

import io
import sqlite3
import sys
from datetime import UTC, datetime

import pytest

from kb.errors import KbError
from kb.quiz.grading import grade
from kb.quiz.model import Quiz, Scope
from kb.quiz.store import answer_text, recent_quizzes, save_answer, start_quiz
from kb.quiz.terminal import PlainUI, QuizUI, Score, run_quiz
from kb.store.connection import open_store
from tests.test_quiz_grading import _cloze, _mcq, _tf

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def a_quiz(seed: int = 7) -> Quiz:
    questions = (_mcq(), _tf(False), _cloze("Gradient clipping"), _mcq(answer=0))
    return Quiz(
        questions=questions, seed=seed, scope=Scope(tag="geo"), kinds=(), requested=4, cards_in_scope=4
    )


@pytest.fixture
def conn(tmp_path):
    connection = open_store(tmp_path / "kb.db")
    yield connection
    connection.close()


def stored(db_path) -> list[tuple]:
    """The answers as another process would see them."""
    other = sqlite3.connect(db_path)
    try:
        return other.execute("SELECT position, given, correct FROM quiz_answers ORDER BY position").fetchall()
    finally:
        other.close()


class ScriptedUI(QuizUI):
    """Answers from a list; the end of the list is the user stopping. ``crash_at``: raise instead of answering."""

    def __init__(self, answers: list[str], crash_at: int | None = None):
        self.answers = list(answers)
        self.crash_at = crash_at
        self.shown: list[int] = []
        self.invalids: list[str] = []
        self.warnings: list[str] = []
        self.score: Score | None = None

    def show(self, position, total, question):
        self.shown.append(position)

    def read(self, question):
        if self.crash_at is not None and self.shown[-1] == self.crash_at:
            raise RuntimeError("the terminal went away")
        return self.answers.pop(0) if self.answers else None

    def invalid(self, message):
        self.invalids.append(message)

    def warn(self, message):
        self.warnings.append(message)

    def finish(self, score):
        self.score = score


# ---------------------------------------------------------------------------------------------------------------------
# The store


def test_answer_text_is_what_the_right_answer_reads():
    assert answer_text(_mcq()) == "Budapest"
    assert answer_text(_tf(False)) == "false" and answer_text(_tf(True)) == "true"
    assert answer_text(_cloze("Gradient clipping")) == "Gradient clipping"


def test_answering_a_position_again_replaces_the_answer_and_the_score_follows(conn):
    quiz = a_quiz()
    quiz_id = start_quiz(conn, quiz, started_at=AT)
    q = quiz.questions[0]
    save_answer(conn, quiz_id, 1, q, grade(q, "a"), answered_at=AT)
    assert recent_quizzes(conn)[0].correct == 0
    save_answer(conn, quiz_id, 1, q, grade(q, "c"), answered_at=AT, duration_ms=900)
    (record,) = recent_quizzes(conn)
    assert (record.answered, record.correct) == (1, 1)
    assert conn.execute("SELECT given, answer, duration_ms FROM quiz_answers").fetchall() == [
        ("c", "Budapest", 900)
    ]


def test_recent_quizzes_are_newest_first_and_limited(conn):
    for day, seed in ((3, 30), (1, 10), (2, 20)):
        start_quiz(conn, a_quiz(seed), started_at=AT.replace(day=day))
    assert [r.seed for r in recent_quizzes(conn)] == [30, 20, 10]
    assert [r.seed for r in recent_quizzes(conn, limit=2)] == [30, 20]
    assert [r.seed for r in recent_quizzes(conn, limit=0)] == [30]  # at least one
    record = recent_quizzes(conn)[0]
    assert record.to_json() == {
        "id": record.id,
        "started_at": "2026-03-03T12:00:00+00:00",
        "scope": "tag:geo",
        "seed": 30,
        "questions": 4,
        "answered": 0,
        "correct": 0,
    }


def test_no_quizzes_no_records(conn):
    assert recent_quizzes(conn) == []


# ---------------------------------------------------------------------------------------------------------------------
# Asking


def test_a_quiz_stopped_halfway_keeps_the_answers_given(conn, tmp_path):
    ui = ScriptedUI(["c", "t"])  # right, then wrong (the statement is false); then the user stops
    score = run_quiz(None, conn, a_quiz(), ui)
    assert score == ui.score
    assert (score.asked, score.total, score.right) == (2, 4, 1)
    assert [m.position for m in score.misses] == [2] and score.misses[0].given == "t"
    assert score.percent == 50
    assert ui.shown == [1, 2, 3]  # the third question was shown, never answered
    assert stored(tmp_path / "kb.db") == [(1, "c", 1), (2, "t", 0)]
    (record,) = recent_quizzes(conn)
    assert (record.questions, record.answered, record.correct) == (4, 2, 1)


def test_answers_are_committed_before_the_next_question(conn, tmp_path):
    ui = ScriptedUI(["c", "f", "gradient clipping"], crash_at=3)
    with pytest.raises(RuntimeError):
        run_quiz(None, conn, a_quiz(), ui)
    assert stored(tmp_path / "kb.db") == [(1, "c", 1), (2, "f", 1)]


def test_what_is_not_an_answer_is_asked_again_and_not_stored(conn, tmp_path):
    ui = ScriptedUI(["z", "maybe", "c", "sometimes", "t"])
    run_quiz(None, conn, a_quiz(), ui)
    choice, true_false = "answer with a letter from a to d", "answer t (true) or f (false)"
    assert ui.invalids == [choice, choice, true_false]
    assert ui.shown == [1, 2, 3] and ui.score.asked == 2
    assert stored(tmp_path / "kb.db") == [(1, "c", 1), (2, "t", 0)]


def test_a_quiz_answered_to_the_end(conn, tmp_path):
    ui = ScriptedUI(["3", "false", "gradient cliping", "b"])
    score = run_quiz(None, conn, a_quiz(), ui)
    assert (score.asked, score.right) == (4, 3)
    assert stored(tmp_path / "kb.db") == [
        (1, "3", 1),
        (2, "false", 1),
        (3, "gradient cliping", 1),
        (4, "b", 0),
    ]
    assert recent_quizzes(conn)[0].correct == 3


def test_with_grade_each_answer_is_recorded_as_a_review(conn):
    calls = []

    def record(kb, connection, card_id, rating, *, at, duration_ms, source):
        calls.append((card_id, rating, source))
        assert at.tzinfo is not None and duration_ms >= 0

    run_quiz(None, conn, a_quiz(), ScriptedUI(["c", "t"]), record)
    assert calls == [("c1", 3, "quiz"), ("c2", 1, "quiz")]  # Good when right, Again when wrong


def test_a_review_that_cannot_be_recorded_warns_and_the_quiz_goes_on(conn, tmp_path):
    def record(*args, **kwargs):
        raise KbError("no such card")

    ui = ScriptedUI(["c", "f"])
    run_quiz(None, conn, a_quiz(), ui, record)
    assert ui.warnings == [
        "notes/geo.md:4: answer not recorded as a review (no such card)",
        "notes/geo.md:5: answer not recorded as a review (no such card)",
    ]
    assert stored(tmp_path / "kb.db") == [(1, "c", 1), (2, "f", 1)]


def test_the_line_protocol_over_a_pipe(conn, monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", io.StringIO("b\nyes\n"))
    run_quiz(None, conn, a_quiz(), PlainUI())
    out = capsys.readouterr().out
    assert out.startswith("quiz: 4 questions from tag:geo (seed 7)\n")
    assert (
        "1/4 [mcq] What is the capital of Hungary?\n  a) Paris\n  b) Rome\n  c) Budapest\n  d) Cairo\n" in out
    )
    assert "answer (letter a-d)> wrong: the answer is c) Budapest (notes/geo.md:4)" in out
    assert "answer (t or f)> wrong: the answer is false (the note says: Budapest) (notes/geo.md:5)" in out
    assert "answer (the missing words)> \n" in out  # end of input
    assert "stopped after 2 of 4 questions\nscore: 0/2 (0%)\nmissed:\n" in out
    assert "  1. What is the capital of Hungary? -> c) Budapest (notes/geo.md:4)" in out
