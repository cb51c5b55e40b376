"""The indexer: brings the database up to date with the notes folder, incrementally.

``plan`` (kb.index.planning) scans and compares, reading no note. ``apply`` reads what changed (in worker processes
for a big batch: kb.index.workers), writes the note tables (kb.index.tables) and hands the notes to card sync, all
in one transaction. A changed file whose hash matches the database only has its mtime recorded; otherwise it is
parsed again. Deleted files leave the note tables (their cards' history stays). A note that fails to parse keeps
its last good version in the index and its error in ``note_errors``.
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import contextmanager
from dataclasses import replace
from typing import TYPE_CHECKING

from kb.cards import CARD_RULES
from kb.errors import NoteError
from kb.index import scanstate, tables, workers
from kb.index.planning import IndexPlan, IndexReport, plan
from kb.index.workers import Read, ReadJob, ReadOutcome

# A no-op `kb index` only scans and compares; what parses and writes notes is imported when a note changed.
if TYPE_CHECKING:
    from kb.config import KnowledgeBase
    from kb.notes.reader import Note


def index(kb: KnowledgeBase, conn: sqlite3.Connection, *, full: bool = False) -> IndexReport:
    """Bring the index up to date with the notes folder and return what changed (``full``: re-read every note)."""
    return apply(kb, conn, plan(kb.notes, kb.root, conn, full=full, config_key=kb.config_key))


def apply(kb: KnowledgeBase, conn: sqlite3.Connection, todo: IndexPlan) -> IndexReport:
    """Read, parse and store what ``plan`` found changed; remove what is gone. One transaction."""
    if todo.up_to_date:
        return todo.report
    _load_hashes(conn, todo)
    run = _ApplyRun(kb, conn, todo)
    try:
        run.write()
    finally:  # (workers left running by an error)
        run.close()
    todo.report.errors.sort(key=lambda e: (e.path, e.line))
    return todo.report


def _load_hashes(conn: sqlite3.Connection, todo: IndexPlan) -> None:
    """The stored hashes of the candidates already indexed, into ``todo.known``: a touched file with the same bytes
    is then not parsed again."""
    stored = tables.stored_hashes(conn, [path for path, _ in todo.candidates if path in todo.known])
    for path, digest in stored.items():
        todo.known[path] = todo.known[path]._replace(hash=digest)


def _read_jobs(kb: KnowledgeBase, todo: IndexPlan) -> list[ReadJob]:
    root = str(kb.root)
    known, broken = todo.known, todo.broken
    return [
        ReadJob(
            path,
            os.path.join(root, path),
            known[path].hash if path in known and path not in broken and not todo.full else None,
        )
        for path, _ in todo.candidates
    ]


class _ApplyRun:
    """One ``apply``: each candidate's read outcome is taken in order and written; what the card sync needs is
    held until every note is read, then card extraction starts (``before_notes``) while the writing goes on."""

    def __init__(self, kb: KnowledgeBase, conn: sqlite3.Connection, todo: IndexPlan):
        import gc
        from datetime import UTC, datetime

        self.kb, self.conn, self.todo, self.report = kb, conn, todo, todo.report
        self.removed = list(todo.removed)  # grows with the notes deleted since the scan
        self.now = datetime.now(UTC).isoformat(timespec="seconds")
        self.parsed: list[Note] = []  # for the card sync
        self.digests: list[
            str
        ] = []  # a big run's: the content hashes of ``parsed``, until every note is read
        self.fts_rows: list[tuple] = []
        self.fresh: tables.FreshRows | None = None
        self.jobs = _read_jobs(kb, todo)
        self.pool = workers.ReadPool.start(self.jobs)
        self.begun = self.pool is None  # whether the card sync was told every note (``_begin_cards``)
        self.started = None  # what ``before_notes`` returned
        self.frozen = False
        self.written = 0
        # A big run holds every parsed note until it ends and makes few reference cycles: the collector, which
        # would walk all those notes again and again, waits until the run is over.
        self.collecting = self.pool is not None and gc.isenabled()
        if self.collecting:
            gc.disable()

    def write(self) -> None:
        conn = self.conn
        outcomes = self.pool if self.pool is not None else map(workers.read_note, self.jobs)
        with _page_cache(conn, big=len(self.jobs) >= workers.PARALLEL_MIN), conn:
            self.fresh = tables.FreshRows() if tables.is_fresh(conn) else None
            for (path, st), outcome in zip(self.todo.candidates, outcomes, strict=True):
                self._take(path, st, outcome)
            if not self.begun:
                self._begin_cards()
            self._flush()
            for path in self.removed:
                tables.remove_note(conn, path)
                self.report.removed.append(path)
            for path in self.todo.gone_errors:
                tables.forget_error(conn, path)
            after_notes(self.kb, conn, self.parsed, self.report.removed, self.started)
            if self.todo.full:
                scanstate.remember_card_rules(conn, CARD_RULES)

    def _take(self, path: str, st: os.stat_result, outcome: ReadOutcome) -> None:
        kind, digest, value = outcome
        if kind == Read.MISSING:  # deleted while we were scanning: treat like a deletion
            if path in self.todo.known:
                self.removed.append(path)
        elif kind == Read.UNREADABLE:
            self._error(NoteError(path, 1, f"cannot read this note ({value}); check its permissions"), st)
        elif kind == Read.SAME:
            tables.record_touch(self.conn, path, st)
            self.report.unchanged += 1
        elif kind == Read.ERROR:
            self._error(NoteError(path, *value), st)
        else:
            self._store(path, st, digest, value)

    def _error(self, err: NoteError, st: os.stat_result) -> None:
        tables.record_error(self.conn, err, st)
        self.report.errors.append(err)

    def _store(self, path: str, st: os.stat_result, digest: str, note: Note) -> None:
        if path in self.todo.broken:
            tables.forget_error(self.conn, path)
        if self.fresh is not None:
            self.fresh.add(note, digest, st, self.now, self.fts_rows)
        else:
            tables.store_note(self.conn, note, digest, st, self.now, self.fts_rows)
        if len(self.fts_rows) >= tables.FTS_BATCH:
            self._flush()
        if not self.begun:
            # Held until every note is read, for card extraction, without what only the note tables need
            # (a third of what a parsed note takes).
            self.parsed.append(replace(note, headings=(), meta={}))
            self.digests.append(digest)
        elif self.started is None:
            self.parsed.append(note)
        (self.report.updated if path in self.todo.known else self.report.added).append(path)
        self.written += 1
        if self.written % workers.ReadPool.CHUNK:
            return
        if not self.begun and self.pool.all_read():
            self._begin_cards()
        elif self.started is not None:
            self.started.step()

    def _flush(self) -> None:
        # (a batch's note rows first: its headings and tags refer to them)
        if self.fresh is not None:
            self.fresh.flush(self.conn)
        tables.flush_fts(self.conn, self.fts_rows)

    def _begin_cards(self) -> None:
        """Every note read: what depends on the notes' contents (card extraction) starts now, in worker processes
        of its own, while this one writes the notes. (The reading workers are gone first: fork from one thread.)"""
        import gc

        self.begun = True
        rest = self.pool.rest()
        self.pool.close()
        candidates, known = self.todo.candidates, self.todo.known
        gone = list(self.removed) + [
            path
            for (path, _), outcome in zip(candidates[len(candidates) - len(rest) :], rest, strict=True)
            if outcome.kind == Read.MISSING and path in known
        ]
        ok = list(zip(self.parsed, self.digests, strict=True))
        ok += [(outcome.value, outcome.digest) for outcome in rest if outcome.kind == Read.OK]
        del rest
        # The held notes are frozen out of the collector's reach, here and in the workers, where walking them would
        # copy every page they share with this process. Only when nothing else froze objects: unfreezing at the end
        # would let go of those too.
        if gc.get_freeze_count() == 0:
            gc.freeze()
            self.frozen = True
        self.started = before_notes(self.kb, self.conn, ok, gone)
        if self.started is not None:  # the cards sync by path, and the workers have the notes
            self.parsed.clear()
        self.digests.clear()

    def close(self) -> None:
        import gc

        if self.pool is not None:
            self.pool.close()
        if self.frozen:
            gc.unfreeze()
        if self.collecting:
            gc.enable()
        if self.started is not None:
            self.started.close()


# A big run writes hundreds of thousands of card rows under random ids: a bigger page cache for it (SQLite fills it
# only as needed, and it goes with the run) makes those inserts cheaper. 8 MB holds the index of 175,000 card ids.
BIG_RUN_CACHE_KIB = 8 * 1024


@contextmanager
def _page_cache(conn: sqlite3.Connection, *, big: bool):
    if not big:
        yield
        return
    before = conn.execute("PRAGMA cache_size").fetchone()[0]
    conn.execute(f"PRAGMA cache_size = -{BIG_RUN_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")


def before_notes(
    kb: KnowledgeBase, conn: sqlite3.Connection, parsed: list[tuple[Note, str]], removed: list[str]
):
    """Hook for what depends on note contents and can start before a big run writes its notes (card extraction,
    in worker processes): ``parsed`` are the run's parsed notes, each with its content hash (those written already
    without their headings and metadata, which only the note tables need), ``removed`` the paths about to be
    removed. What it returns is passed to ``after_notes``; it has a ``close()``."""
    from kb.cards.sync import start

    return start(kb, conn, parsed, removed)


def after_notes(
    kb: KnowledgeBase, conn: sqlite3.Connection, parsed: list[Note], removed: list[str], started=None
) -> None:
    """Hook for what depends on note contents (cards); runs in the indexing transaction, after the notes are
    written. ``started``: what ``before_notes`` returned, if it ran; it was given the parsed notes, so ``parsed``
    is then empty (a big run lets each note go once it is written). A big run's ``parsed`` notes otherwise lack
    their headings and metadata (see ``before_notes``)."""
    from kb.cards.sync import sync_cards

    sync_cards(kb, conn, parsed, removed, started)
