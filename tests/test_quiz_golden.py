"""The quiz generator's output, pinned: the same seed and cards must give the same questions, option for option.

``tests/fixtures/quiz/golden.json`` holds quizzes generated from the repository's shipped notes (``notes/``) before
the generator was split into modules. When a change to the generator is *meant* to change questions (or the shipped
notes change), regenerate the fixture and review the diff::

    .venv/bin/python -m tests.test_quiz_golden
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
GOLDEN = REPO / "tests" / "fixtures" / "quiz" / "golden.json"

# Each case is a call of generate_quiz: the whole knowledge base, one kind at a time, a tag, a type, one note.
CASES: dict[str, dict] = {
    "all, seed 1": {"n": 12, "seed": 1},
    "all, seed 2": {"n": 12, "seed": 2},
    "all, seed 42, 40 questions": {"n": 40, "seed": 42},
    "mcq only": {"n": 10, "seed": 7, "kinds": ["mcq"]},
    "cloze only": {"n": 10, "seed": 7, "kinds": ["cloze"]},
    "tf only": {"n": 10, "seed": 7, "kinds": ["tf"]},
    "tag taxes": {"tag": "taxes", "n": 8, "seed": 3},
    "type book": {"type": "book", "n": 8, "seed": 5},
    "one note": {"note": "notes/ml/rnns.md", "n": 6, "seed": 11},
}


def golden_quizzes(conn) -> dict[str, dict]:
    from kb.quiz.generate import generate_quiz

    return {name: generate_quiz(conn, **kwargs).to_json() for name, kwargs in CASES.items()}


def _indexed_copy(root: Path):
    """The shipped notes copied under ``root`` and indexed; returns an open connection."""
    from kb.config import KnowledgeBase
    from kb.index.indexer import index
    from kb.store.connection import open_store
    from tests.conftest import write_kb

    kb = KnowledgeBase.open(write_kb(root, REPO / "notes", site=True).root)
    conn = open_store(kb.db)
    index(kb, conn)
    return conn


def test_the_shipped_notes_give_the_pinned_quizzes(tmp_path):
    conn = _indexed_copy(tmp_path / "kb")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert set(expected) == set(CASES)
    got = golden_quizzes(conn)
    for name in CASES:
        assert got[name] == expected[name], f"quiz {name!r} changed"


def test_the_pinned_quizzes_are_not_trivial():
    """The fixture exercises every kind, four-option questions and notices, so it pins the rules that make them."""
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    questions = [q for quiz in expected.values() for q in quiz["questions"]]
    assert {q["kind"] for q in questions} == {"mcq", "cloze", "tf"}
    assert sum(len(q.get("options", ())) == 4 for q in questions) >= 10
    assert any(q["kind"] == "tf" and q["answer"] is False for q in questions)
    assert len({q["note"] for q in questions}) >= 10
    assert all(
        len(quiz["questions"]) == quiz["requested"] for name, quiz in expected.items() if "only" not in name
    )


if __name__ == "__main__":
    import tempfile

    with tempfile.TemporaryDirectory() as scratch:
        connection = _indexed_copy(Path(scratch) / "kb")
        GOLDEN.parent.mkdir(parents=True, exist_ok=True)
        GOLDEN.write_text(
            json.dumps(golden_quizzes(connection), indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        connection.close()
    print(f"wrote {GOLDEN.relative_to(REPO)}", file=sys.stderr)
