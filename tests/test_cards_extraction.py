"""A run's card rows (kb.cards.extraction): the insert row layout its named positions describe, and the fork policy
(kb.forking) that decides where extraction runs."""

from __future__ import annotations

import os
import re
import threading

from kb.cards import extraction
from kb.cards.extraction import (
    CARD_VALUES,
    INSERT_SQL,
    ROW_BACK,
    ROW_FRONT,
    ROW_ID,
    ROW_KIND,
    NoteCards,
    extract_rows,
    update_params,
)
from kb.forking import worth_forking
from kb.notes.reader import parse_note


class NoStats:
    n_docs = 0

    def __call__(self, word: str) -> int:
        return 0


def columns() -> list[str]:
    return [c.strip() for c in re.search(r"\((.*?)\)", INSERT_SQL, re.S).group(1).split(",")]


def test_row_positions_name_the_insert_columns():
    cols = columns()
    assert [cols[ROW_ID], cols[ROW_KIND], cols[ROW_FRONT], cols[ROW_BACK]] == ["id", "kind", "front", "back"]
    assert cols[CARD_VALUES] == ["note", "line", "end_line", "position", "kind", "front", "back", "context", "tags",
                                 "type", "generated", "sibling", "cloze_text", "cloze_index", "fingerprint", "sr_schedule"]  # fmt: skip


def test_extract_rows_gives_problems_fingerprints_and_insert_rows():
    note = parse_note(
        "notes/books/atomic-habits.md",
        b"---\ntitle: Atomic Habits\ntags: [habits]\n---\n## Laws\nFirst law::Make it obvious\nQ: Second law?\n",
    )
    got = NoteCards(*extract_rows(note, ("key points",), True, NoStats(), "2026-01-02T03:04:05+00:00"))
    assert got.problems == [
        ("notes/books/atomic-habits.md", 7, "a `Q:` without an `A:`; write the answer on a line starting with `A:` below it")
    ]  # fmt: skip
    (row,) = got.rows
    values = dict(zip(columns(), row, strict=True))
    assert values["note"] == values["origin"] == "notes/books/atomic-habits.md"
    assert (values["kind"], values["front"], values["back"]) == ("basic", "First law", "Make it obvious")
    assert (values["line"], values["context"], values["tags"]) == (6, "Atomic Habits > Laws", '["habits"]')
    assert values["fingerprint"] == got.fps[0]
    assert values["created_at"] == values["updated_at"] == "2026-01-02T03:04:05+00:00"
    (card,) = got.cards()
    assert (card.id, card.kind, card.front, card.back) == (
        row[ROW_ID],
        "basic",
        "First law",
        "Make it obvious",
    )
    params = update_params(row, got.fps[0], "notes/new.md", "now", "abc")
    assert params == (*row[CARD_VALUES], got.fps[0], "notes/new.md", "now", "abc")


def test_the_fork_policy():
    assert not worth_forking(10, 400)  # a small batch stays in-process
    assert worth_forking(400, 400) == ((os.cpu_count() or 1) >= 2)
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not worth_forking(10_000, 1)  # another thread runs: never fork
    finally:
        stop.set()
        thread.join()


def test_in_workers_follows_parallel_min(monkeypatch):
    monkeypatch.setattr(extraction, "PARALLEL_MIN", 10**9)
    assert not extraction.in_workers(10_000)
