"""Helpers shared by the review tests: a tiny knowledge base in tmp_path and cards inserted into the store.

Until the card extractor lands, cards are inserted into the ``cards`` table directly, as the extractor would.
"""

from __future__ import annotations

import json
from pathlib import Path

MKDOCS = """site_name: test kb
docs_dir: notes
plugins:
  - kb:
      new_per_day: {new_per_day}
      leech_threshold: {leech}
"""


def make_kb(root: Path, monkeypatch, *, new_per_day: int = 20, leech: int = 8, device: str = "laptop"):
    from kb.config import KnowledgeBase

    root.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(MKDOCS.format(new_per_day=new_per_day, leech=leech), encoding="utf-8")
    (root / "notes" / "books").mkdir(parents=True, exist_ok=True)
    (root / "notes" / "books" / "atomic-habits.md").write_text(
        # no card syntax: the unit tests insert their cards themselves, so they do not depend on the extractor
        "---\ntitle: Atomic Habits\ntype: book\ntags: [habits]\n---\n# Atomic Habits\n\nHabit stacking pairs a new "
        "habit with a current one.\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("KB_ROOT", str(root))
    monkeypatch.setenv("KB_DEVICE", device)
    monkeypatch.delenv("KB_DB", raising=False)
    monkeypatch.setenv("KB_TZ", "UTC")
    return KnowledgeBase.open(root)


def open_conn(kb):
    from kb.index.indexer import index
    from kb.review.replay import sync_journal
    from kb.store.connection import open_store

    conn = open_store(kb.db)
    index(kb, conn)
    sync_journal(kb, conn)
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
