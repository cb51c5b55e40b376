"""Keep the ``cards`` table in step with the notes, keeping every card's id and history.

Called by the indexer (``kb.index.indexer.before_notes`` / ``after_notes``) inside its transaction:

1. the cards of removed notes become orphans (``orphaned_at`` set; never deleted: their review history stays);
2. each parsed note's cards are extracted (``kb.cards.extraction``) and matched to the note's live cards
   (``kb.cards.identity``); unmatched old cards become orphans;
3. the cards still unmatched are placed (``kb.cards.placement``): matched against the orphan pool (renamed notes,
   cards moved between notes, cards deleted and written again), else new under a deterministic id.
"""

from __future__ import annotations

import sqlite3
from typing import NamedTuple

from kb.cards.corpus import CorpusStats
from kb.cards.extraction import (
    ROW_SR_SCHEDULE,
    UPDATE_SQL,
    BatchExtraction,
    NoteCards,
    in_workers,
    now_iso,
    update_params,
)
from kb.cards.identity import match
from kb.cards.model import syntax_for
from kb.cards.placement import CardPlacer, load_matchable
from kb.config import KnowledgeBase
from kb.notes.reader import Note


def sync_cards(
    kb: KnowledgeBase,
    conn: sqlite3.Connection,
    parsed: list[Note],
    removed: list[str],
    started: CardSync | None = None,
) -> None:
    """Bring the ``cards`` table up to date for the notes just parsed and removed (see the module docstring).
    ``started``: what ``start`` began for them before the notes were written."""
    if started is None:
        now = now_iso()
        sync = CardSync(conn, [note.path for note in parsed], removed, now)
        if not parsed:
            return
        settings = kb.settings
        stats = CorpusStats(conn, rebuild=len(parsed) >= CorpusStats.SAMPLE)
        started = sync.extracting(
            BatchExtraction(
                parsed,
                settings.keypoint_headings,
                settings.keypoint_cards,
                stats,
                now,
                syntax_for(settings, kb.notes, kb.root),
            )
        )
    started.finish()


def start(kb: KnowledgeBase, conn: sqlite3.Connection, parsed: list[tuple[Note, str]], removed: list[str]):
    """Start the card sync of a big run before the indexer writes its notes: the cards of the parsed notes (each
    with its content hash) are extracted in worker processes meanwhile. The ``CardSync`` to ``step`` while writing
    and pass to ``sync_cards`` after, or None where extraction would run in this process anyway. ``removed``: the
    notes this run removes."""
    if not in_workers(len(parsed)):
        return None
    now = now_iso()
    notes = [note for note, _ in parsed]
    sync = CardSync(conn, [note.path for note in notes], removed, now)
    try:
        stats = CorpusStats.before_writing(conn, parsed, removed)
        settings = kb.settings
        return sync.extracting(
            BatchExtraction(
                notes,
                settings.keypoint_headings,
                settings.keypoint_cards,
                stats,
                now,
                syntax_for(settings, kb.notes, kb.root),
            )
        )
    except BaseException:
        sync.close()
        raise


class PendingPlacement(NamedTuple):
    """A note's cards that no live card of it took, to place once every note is read."""

    path: str
    cards: NoteCards
    positions: list[int]  # of the cards still to place


class CardSync:
    """One run's card sync, note by note as extraction delivers them; ``step`` takes what is ready so far (while
    the indexer writes the notes), ``finish`` the rest."""

    def __init__(self, conn: sqlite3.Connection, paths: list[str], removed: list[str], now: str):
        """``paths``: the parsed notes', in order (the notes themselves are not kept: a big run frees each once
        written)."""
        self.conn, self.now = conn, now
        if removed:
            conn.executemany(
                "UPDATE cards SET orphaned_at = ? WHERE note = ? AND orphaned_at IS NULL",
                [(now, p) for p in removed],
            )
            conn.executemany("DELETE FROM card_problems WHERE note = ?", [(p,) for p in removed])
        self._paths = iter(paths)
        self.extraction: BatchExtraction | None = None
        self.pending: list[PendingPlacement] = []
        # With no card stored yet (a first index) there is nothing to match against, so each note's cards are
        # placed at once instead of being held until every note is read.
        self.first = conn.execute("SELECT 1 FROM cards LIMIT 1").fetchone() is None
        self.placer = CardPlacer(conn, now, first=True) if self.first else None
        self.no_problems = conn.execute("SELECT 1 FROM card_problems LIMIT 1").fetchone() is None
        self.scheduled_notes: list[str] = []  # notes with an Obsidian <!--SR:--> schedule on a card

    def extracting(self, extraction: BatchExtraction) -> CardSync:
        self.extraction = extraction
        return self

    def step(self) -> None:
        """Sync the notes whose cards are extracted already, without waiting for more."""
        try:
            for got in self.extraction.ready():
                self._take(got)
        except BaseException:
            self.close()
            raise

    def finish(self) -> None:
        try:
            for got in self.extraction.rest():
                self._take(got)
        finally:
            self.close()
        if next(self._paths, None) is not None:
            raise RuntimeError("card extraction ended before the last note")
        if self.pending:
            placer = CardPlacer(self.conn, self.now)
            for path, got, positions in self.pending:
                placer.place(path, got, positions)
        # their cards may start from those schedules: kb.review.adopt looks at them (and only them) next
        self.conn.executemany(
            "INSERT OR IGNORE INTO sr_pending (card_id) SELECT id FROM cards "
            "WHERE note = ? AND sr_schedule != '' AND orphaned_at IS NULL",
            [(p,) for p in self.scheduled_notes],
        )

    def close(self) -> None:
        if self.extraction is not None:
            self.extraction.close()

    def _take(self, got: NoteCards) -> None:
        conn, now = self.conn, self.now
        path = next(self._paths)
        if any(row[ROW_SR_SCHEDULE] for row in got.rows):
            self.scheduled_notes.append(path)
        if not self.no_problems:
            conn.execute("DELETE FROM card_problems WHERE note = ?", (path,))
        if got.problems:
            conn.executemany("INSERT INTO card_problems (note, line, message) VALUES (?,?,?)", got.problems)
        old = (
            []
            if self.first
            else load_matchable(conn, "note = ? AND orphaned_at IS NULL ORDER BY position", (path,))
        )
        if not old:  # a new note (every note of a first index): nothing to match against here
            if self.placer is not None:
                self.placer.place(path, got, list(range(len(got.fps))))
            elif got.fps:
                self.pending.append(PendingPlacement(path, got, list(range(len(got.fps)))))
            return
        fps = got.fps
        m = match(old, got.cards(), new_fingerprints=fps)
        conn.executemany(
            UPDATE_SQL, [update_params(got.rows[i], fps[i], path, now, cid) for i, cid in m.matched.items()]
        )
        if m.unmatched_old:
            conn.executemany(
                "UPDATE cards SET orphaned_at = ? WHERE id = ?", [(now, cid) for cid in m.unmatched_old]
            )
        if m.unmatched_new:
            self.pending.append(PendingPlacement(path, got, list(m.unmatched_new)))
