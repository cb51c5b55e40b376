"""Reading cards back from the ``cards`` table (``kb cards`` and other commands)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from kb.config import KnowledgeBase
from kb.errors import NoteError
from kb.store.connection import in_chunks


def card_problems(kb: KnowledgeBase, conn: sqlite3.Connection) -> list[NoteError]:
    """Card-syntax mistakes of every indexed note (as found when each note was last indexed), by path and line."""
    return [
        NoteError(p, line, msg)
        for p, line, msg in conn.execute(
            "SELECT note, line, message FROM card_problems ORDER BY note, line, rowid"
        )
    ]


@dataclass(frozen=True)
class StoredCard:
    id: str
    note: str
    line: int
    end_line: int
    position: int
    kind: str
    front: str
    back: str
    context: str
    tags: tuple[str, ...]
    type: str
    generated: bool
    sibling: str
    cloze_text: str
    cloze_index: int
    created_at: str
    orphaned_at: str | None
    suspended: bool

    def to_dict(self) -> dict:
        """The JSON shape of ``kb cards --json``."""
        d = {
            "id": self.id,
            "note": self.note,
            "line": self.line,
            "end_line": self.end_line,
            "kind": self.kind,
            "front": self.front,
            "back": self.back,
            "context": self.context,
            "tags": list(self.tags),
            "type": self.type,
            "generated": self.generated,
            "sibling": self.sibling,
            "suspended": self.suspended,
        }
        if self.kind == "cloze":
            d["cloze_text"] = self.cloze_text
            d["cloze_index"] = self.cloze_index
        if self.orphaned_at:
            d["orphaned_at"] = self.orphaned_at
        return d


_STORED_COLS = (
    "id, note, line, end_line, position, kind, front, back, context, tags, type, generated, sibling, cloze_text, "
    "cloze_index, created_at, orphaned_at, suspended"
)


def _stored(row: tuple) -> StoredCard:
    values = list(row)
    values[9] = tuple(json.loads(values[9] or "[]"))
    values[11] = bool(values[11])
    values[17] = bool(values[17])
    return StoredCard(*values)


def list_cards(
    conn: sqlite3.Connection, *, paths: Iterable[str] = (), tag: str | None = None, orphans: bool = False
) -> list[StoredCard]:
    """Live cards (or orphans), optionally of some notes or folders (root-relative paths) and with a tag."""
    where = ["orphaned_at IS NOT NULL" if orphans else "orphaned_at IS NULL"]
    params: list = []
    path_list = [p.rstrip("/") for p in paths]
    if path_list:
        ors = []
        for p in path_list:
            ors.append("(note = ? OR substr(note, 1, ?) = ?)")
            params.extend([p, len(p) + 1, p + "/"])
        where.append("(" + " OR ".join(ors) + ")")
    if tag:
        # the tag or a tag under it (taxes matches taxes/federal), as `kb review --tag` has it
        where.append(
            "EXISTS (SELECT 1 FROM json_each(cards.tags) WHERE json_each.value = ? OR json_each.value LIKE ?)"
        )
        tag = tag.lstrip("#")
        params.extend([tag, tag + "/%"])
    order = "orphaned_at DESC, note, line" if orphans else "note, position"
    sql = f"SELECT {_STORED_COLS} FROM cards WHERE {' AND '.join(where)} ORDER BY {order}"
    return [_stored(r) for r in conn.execute(sql, params)]


def review_counts(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, int]:
    """Number of reviews kept for each card id (orphans keep theirs)."""
    ids = list(ids)
    out: dict[str, int] = {}
    for chunk, marks in in_chunks(ids):
        for cid, n in conn.execute(
            f"SELECT card_id, count(*) FROM reviews WHERE card_id IN ({marks}) GROUP BY card_id", chunk
        ):
            out[cid] = n
    return out
