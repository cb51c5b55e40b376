"""Quiz results in the store: one ``quizzes`` row per quiz taken, one ``quiz_answers`` row per answer.

Each answer is committed as soon as it is given, so a quiz stopped halfway (Ctrl-C, end of input, a crash) keeps
the answers given so far. The clock is the caller's: every function takes the time it records.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from kb.quiz.grading import Verdict
from kb.quiz.model import Question, QuestionKind, Quiz


def _iso(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def start_quiz(conn: sqlite3.Connection, quiz: Quiz, *, started_at: datetime, kb=None) -> int:
    """Record that ``quiz`` was started; returns its id for :func:`save_answer`.

    With ``kb`` (the knowledge base) the quiz is a line of the review journal first (``kb.review.journal``), like
    every answer after it, so a database rebuilt from the journal still has it."""
    fields = {"scope": quiz.scope.describe(), "seed": quiz.seed, "questions": len(quiz.questions)}
    sql = "INSERT INTO quizzes (uid, started_at, scope, seed, questions, correct) VALUES (?,?,?,?,?,0)"
    if kb is None:
        with conn:
            cur = conn.execute(sql, (None, _iso(started_at), *fields.values()))
        return int(cur.lastrowid)
    from kb.review.answers import journaled_line

    with journaled_line(kb, conn, "quiz", started_at, fields) as line:
        cur = conn.execute(sql, (line["id"], _iso(started_at), *fields.values()))
    return int(cur.lastrowid)


def answer_text(question: Question) -> str:
    """The right answer as stored: the option's text, the expected text, or ``true``/``false``."""
    if question.kind == QuestionKind.TF:
        return "true" if question.answer else "false"
    if question.kind == QuestionKind.MCQ:
        return question.options[int(question.answer)]
    return str(question.answer)


def save_answer(
    conn: sqlite3.Connection,
    quiz_id: int,
    position: int,
    question: Question,
    verdict: Verdict,
    *,
    answered_at: datetime,
    duration_ms: int | None = None,
    kb=None,
) -> None:
    """Store one answer (``position`` counts from 1) and keep the quiz's score current. Committed at once; with
    ``kb``, written to the review journal first (see ``start_quiz``)."""
    row = (
        conn.execute("SELECT uid FROM quizzes WHERE id = ?", (quiz_id,)).fetchone()
        if kb is not None
        else None
    )
    if row is None or row[0] is None:
        with conn:
            _store_answer(conn, quiz_id, position, question, verdict, answered_at, duration_ms)
        return
    from kb.review.answers import journaled_line

    fields = {
        "quiz": row[0], "position": position, "kind": str(question.kind), "card": question.card_id,
        "note": question.note, "line": question.line, "question": question.prompt, "answer": answer_text(question),
        "given": verdict.given, "correct": bool(verdict.correct), "ms": duration_ms,
    }  # fmt: skip
    with journaled_line(kb, conn, "quiz-answer", answered_at, fields):
        _store_answer(conn, quiz_id, position, question, verdict, answered_at, duration_ms)


def _store_answer(conn, quiz_id, position, question, verdict, answered_at, duration_ms) -> None:
    conn.execute(
        """INSERT OR REPLACE INTO quiz_answers (quiz_id, position, kind, card_id, note, line, question, answer,
                                                given, correct, answered_at, duration_ms)
           VALUES (?,?,?,?,?,?,?,?,?,?,?,?)""",
        (
            quiz_id,
            position,
            str(question.kind),
            question.card_id,
            question.note,
            question.line,
            question.prompt,
            answer_text(question),
            verdict.given,
            int(verdict.correct),
            _iso(answered_at),
            duration_ms,
        ),
    )
    conn.execute(
        "UPDATE quizzes SET correct = (SELECT COUNT(*) FROM quiz_answers WHERE quiz_id = ? AND correct = 1) "
        "WHERE id = ?",
        (quiz_id, quiz_id),
    )


@dataclass(frozen=True)
class QuizRecord:
    id: int
    started_at: str
    scope: str
    seed: int | None
    questions: int
    answered: int
    correct: int

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "started_at": self.started_at,
            "scope": self.scope,
            "seed": self.seed,
            "questions": self.questions,
            "answered": self.answered,
            "correct": self.correct,
        }


def recent_quizzes(conn: sqlite3.Connection, limit: int = 20) -> list[QuizRecord]:
    """The latest quizzes taken, newest first, with how many questions were answered and answered right."""
    rows = conn.execute(
        """SELECT q.id, q.started_at, q.scope, q.seed, q.questions,
                  (SELECT COUNT(*) FROM quiz_answers a WHERE a.quiz_id = q.id), q.correct
           FROM quizzes q ORDER BY q.started_at DESC, q.id DESC LIMIT ?""",
        (max(1, int(limit)),),
    ).fetchall()
    return [QuizRecord(*row) for row in rows]
