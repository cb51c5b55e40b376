"""Where the cards no live card of their note took go: back under an orphan's id (a renamed note, a card moved
between notes, a card deleted and written again), else in as new cards under their deterministic ids."""

from __future__ import annotations

import sqlite3

from kb.cards.extraction import (
    CARD_VALUES_AND_ORIGIN,
    INSERT_SQL,
    ROW_ID,
    UPDATE_SQL,
    NoteCards,
    update_params,
)
from kb.cards.identity import MatchableCard, match, new_id

MATCHABLE_COLUMNS = "id, kind, front, back, position, fingerprint, note, orphaned_at"


def load_matchable(conn: sqlite3.Connection, where: str, params: tuple = ()) -> list[MatchableCard]:
    """The stored cards meeting an SQL condition (and order), as matching sees them."""
    rows = conn.execute(f"SELECT {MATCHABLE_COLUMNS} FROM cards WHERE {where}", params)
    return [MatchableCard(*row) for row in rows]


class CardPlacer:
    """Places cards no live card of their note took: matched against the orphan pool (renamed notes, cards moved
    between notes, cards deleted and written again), else inserted under a new id."""

    def __init__(self, conn: sqlite3.Connection, now: str, *, first: bool = False):
        """``first``: no card was stored when the run began (so none is an orphan, and an id is taken only if
        this run gave it out)."""
        self.conn, self.now, self.first = conn, now, first
        self.pool = [] if first else load_matchable(conn, "orphaned_at IS NOT NULL")
        self.by_fp: dict[str, list[MatchableCard]] = {}
        self.by_note: dict[str, list[MatchableCard]] = {}
        self.this_run: list[MatchableCard] = []
        for k in self.pool:
            self.by_fp.setdefault(k.fingerprint, []).append(k)
            self.by_note.setdefault(k.note, []).append(k)
            if k.orphaned_at == now:
                self.this_run.append(k)
        self.revived: set[str] = set()
        self.assigned: set[str] = set()

    def _stored(self, cid: str) -> bool:
        return (
            cid in self.assigned
            or self.conn.execute("SELECT 1 FROM cards WHERE id = ?", (cid,)).fetchone() is not None
        )

    def place(self, path: str, got: NoteCards, positions: list[int]) -> None:
        """Place the cards at ``positions`` of the note at ``path``."""
        conn, now = self.conn, self.now
        if self.first and len(positions) == len(got.rows):
            # A first index places all of a note's cards under the ids they came with, unless this run gave one out
            # already (the same card twice, or a collision): then they go one by one below.
            ids = [row[ROW_ID] for row in got.rows]
            if self.assigned.isdisjoint(ids) and len(set(ids)) == len(ids):
                self.assigned.update(ids)
                conn.executemany(INSERT_SQL, got.rows)
                return
        fps = [got.fps[i] for i in positions]
        m = None
        if self.pool:
            # candidates: any orphan with the same content, and for similarity the orphans of this path or of this
            # run (a renamed note's cards) -- comparing every card with every old orphan would grow without bound
            cands: dict[str, MatchableCard] = {}
            for fp in fps:
                for k in self.by_fp.get(fp, ()):
                    cands[k.id] = k
            for k in self.by_note.get(path, ()):
                cands[k.id] = k
            for k in self.this_run:
                cands[k.id] = k
            for cid in self.revived.intersection(cands):
                del cands[cid]
            if cands:
                all_cards = got.cards()
                m = match(list(cands.values()), [all_cards[i] for i in positions], new_fingerprints=fps)
        rows_update = []
        fresh: list[int] = []
        for idx, pos in enumerate(positions):
            cid = m.matched.get(idx) if m is not None else None
            if cid is not None:
                self.revived.add(cid)
                rows_update.append(update_params(got.rows[pos], got.fps[pos], path, now, cid))
            else:
                fresh.append(pos)
        if rows_update:
            conn.executemany(UPDATE_SQL, rows_update)
        if not fresh:
            return
        rows = got.rows
        clash: set[str] = set()
        if not self.first:
            # one query for the whole note: is any of these ids stored already? (then a counter re-derives it)
            ids = [rows[pos][ROW_ID] for pos in fresh]
            marks = ",".join("?" * len(ids))
            clash = {r[0] for r in conn.execute(f"SELECT id FROM cards WHERE id IN ({marks})", ids)}
        assigned = self.assigned
        rows_insert = []
        for pos in fresh:
            row = rows[pos]
            cid = row[ROW_ID]
            if cid in clash or cid in assigned:
                cid = new_id(path, got.cards()[pos], self._stored, got.fps[pos])
                row = (cid, *row[CARD_VALUES_AND_ORIGIN], now, now)
            assigned.add(cid)
            rows_insert.append(row)
        conn.executemany(INSERT_SQL, rows_insert)
