"""Helpers shared by the review tests: a tiny knowledge base in tmp_path and cards inserted into the store.

Cards are inserted into the ``cards`` table directly, as the extractor would, so these tests do not depend on it.
"""

from __future__ import annotations

import json

HABITS = {
    # no card syntax: the unit tests insert their cards themselves, so they do not depend on the extractor
    "books/atomic-habits.md": "---\ntitle: Atomic Habits\ntype: book\ntags: [habits]\n---\n# Atomic Habits\n\n"
    "Habit stacking pairs a new habit with a current one.\n",
}


def review_kb(make_kb, *, at: str = "kb", device: str = "laptop", **settings):
    """The review tests' knowledge base (conftest's make_kb): one note, this device's journal, the clock in UTC."""
    return make_kb(HABITS, at=at, device=device, tz="UTC", **settings).open()


def open_conn(kb, *, cards: int = 0):
    """The indexed store of ``kb``, its journal replayed, with ``cards`` basic cards card0, card1, ... added."""
    from kb.index.indexer import index
    from kb.review.replay import sync_journal
    from kb.store.connection import open_store

    conn = open_store(kb.db)
    index(kb, conn)
    sync_journal(kb, conn)
    for i in range(cards):
        add_card(conn, f"card{i}", position=i)
    return conn


def add_card(
    conn,
    card_id: str,
    *,
    note="notes/books/atomic-habits.md",
    position=0,
    front=None,
    back=None,
    sibling="",
    tags=("habits",),
    type_="book",
    kind="basic",
):
    conn.execute(
        """INSERT INTO cards (id, note, line, position, kind, front, back, context, tags, type, sibling, fingerprint,
                              created_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)""",
        (
            card_id,
            note,
            7 + position,
            position,
            kind,
            front or f"Front of {card_id}",
            back or f"Back of {card_id}",
            "Atomic Habits",
            json.dumps(list(tags)),
            type_,
            sibling,
            f"fp-{card_id}",
            "2026-01-01T00:00:00+00:00",
        ),
    )
    conn.commit()


def snapshot(conn) -> dict:
    """Everything replay must reproduce: schedules, the review log, suspensions."""
    return {
        "state": conn.execute("SELECT * FROM card_state ORDER BY card_id").fetchall(),
        "reviews": conn.execute(
            "SELECT uid, card_id, reviewed_at, grade, duration_ms, state_before, state_after, device, source, undone "
            "FROM reviews ORDER BY uid"
        ).fetchall(),
        "flags": conn.execute("SELECT id, suspended, buried_until, flags FROM cards ORDER BY id").fetchall(),
    }
