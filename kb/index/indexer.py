"""The indexer: brings the database up to date with the notes folder, incrementally.

A file whose size and mtime match the database is not read. A changed one is read and hashed; same hash, only its
mtime is recorded; otherwise it is parsed again. Deleted files leave the note tables (their cards' history stays).
A note that fails to parse keeps its last good version in the index and its error in ``note_errors``.
"""

from __future__ import annotations

import os
import sqlite3
import stat as stat_mod
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kb.errors import NoteError
from kb.index import scanstate

# A no-op `kb index` only scans and compares; what parses and writes notes is imported when a note changed.
if TYPE_CHECKING:
    from kb.config import KnowledgeBase
    from kb.notes.reader import Note


@dataclass
class IndexReport:
    scanned: int = 0
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[NoteError] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        parts = [f"{self.scanned} notes"]
        for label, items in (("added", self.added), ("updated", self.updated), ("removed", self.removed)):
            if items:
                parts.append(f"{len(items)} {label}")
        if not self.changed:
            parts.append("up to date")
        if self.errors:
            parts.append(f"{len(self.errors)} with errors")
        return ", ".join(parts)


# Where os.scandir cannot take a folder descriptor (Windows), paths are used (see kb.scanstate.walk).
_SCANDIR_FD = os.scandir in os.supports_fd


def _prefix(notes_dir: Path, root: Path) -> str:
    """The notes folder as the start of every note's root-relative path (``notes``)."""
    try:
        return notes_dir.relative_to(root).as_posix()
    except ValueError:
        return notes_dir.as_posix()


def scan(notes_dir: Path, root: Path) -> tuple[dict[str, os.stat_result], list[NoteError]]:
    """Every ``*.md`` under the notes folder (hidden folders skipped), keyed by root-relative path."""
    return scanstate.walk(str(notes_dir), _prefix(notes_dir, root), by_fd=_SCANDIR_FD)


def _hash(raw: bytes) -> str:
    import hashlib

    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def _json_default(value):
    return value.isoformat() if hasattr(value, "isoformat") else str(value)


_meta_encoder = None


def _meta_json(meta: dict) -> str:
    """The front matter as JSON (dates as ISO strings). One encoder for the run: json.dumps builds a new one for
    every call with options."""
    global _meta_encoder
    if _meta_encoder is None:
        import json

        _meta_encoder = json.JSONEncoder(default=_json_default, ensure_ascii=False)
    return _meta_encoder.encode(meta)


# Full-text rows: one per chunk of a note's body, so snippets of a huge note stay cheap. A chunk's rowid is
# ``note rowid << FTS_SHIFT | chunk number``: deleting a note's rows is a rowid range, not a scan of the index.
FTS_SHIFT = 12
FTS_CHUNK = 64 * 1024


def body_chunks(body: str) -> list[str]:
    """Split a body into chunks of about FTS_CHUNK characters at paragraph (else line) boundaries."""
    if len(body) <= FTS_CHUNK:
        return [body]
    chunks, start = [], 0
    limit = (1 << FTS_SHIFT) - 1
    while start < len(body) and len(chunks) < limit - 1:
        end = start + FTS_CHUNK
        if end >= len(body):
            break
        cut = body.rfind("\n\n", start + FTS_CHUNK // 2, end)
        if cut < 0:
            cut = body.rfind("\n", start + FTS_CHUNK // 2, end)
        if cut < 0:
            cut = end
        chunks.append(body[start:cut])
        start = cut
    chunks.append(body[start:])
    return chunks


def _fts_range(rowid: int) -> tuple[int, int]:
    return rowid << FTS_SHIFT, ((rowid + 1) << FTS_SHIFT) - 1


_NOTE_COLUMNS = (
    "path, title, type, author, source, tags, date, flashcards, meta, body_line, "
    "hash, size, mtime_ns, indexed_at"
)


def _note_values(note: Note, digest: str, st: os.stat_result, now: str) -> tuple:
    """A note's row in ``notes`` (``_NOTE_COLUMNS``)."""
    import json

    return (
        note.path,
        note.title,
        note.type,
        note.author,
        note.source,
        json.dumps(list(note.tags)),
        note.date,
        int(note.flashcards),
        _meta_json(note.meta),
        note.body_line,
        digest,
        st.st_size,
        st.st_mtime_ns,
        now,
    )


def _add_fts_rows(fts_rows: list[tuple], rowid: int, note: Note) -> None:
    """Append a note's full-text rows (one per chunk of its body, under rowids derived from the note's)."""
    base = rowid << FTS_SHIFT
    tags = " ".join(note.tags)
    fts_rows.extend(
        (base + i, note.path, note.title if i == 0 else "", tags if i == 0 else "", chunk)
        for i, chunk in enumerate(body_chunks(note.body))
    )


def _store_note(
    conn: sqlite3.Connection,
    note: Note,
    digest: str,
    st: os.stat_result,
    now: str,
    fts_rows: list[tuple],
) -> None:
    """Write a note's rows; its full-text rows are appended to ``fts_rows`` for ``_flush_fts``."""
    # (cleared even for a note new to the notes table: rows left by a connection without foreign keys must go)
    conn.execute("DELETE FROM headings WHERE note = ?", (note.path,))
    conn.execute("DELETE FROM note_tags WHERE note = ?", (note.path,))
    row = conn.execute(
        f"""INSERT INTO notes ({_NOTE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
           ON CONFLICT(path) DO UPDATE SET title=excluded.title, type=excluded.type, author=excluded.author,
               source=excluded.source, tags=excluded.tags, date=excluded.date, flashcards=excluded.flashcards,
               meta=excluded.meta, body_line=excluded.body_line, hash=excluded.hash, size=excluded.size,
               mtime_ns=excluded.mtime_ns, indexed_at=excluded.indexed_at
           RETURNING rowid""",
        _note_values(note, digest, st, now),
    ).fetchone()
    rowid = row[0]
    conn.execute("DELETE FROM notes_fts WHERE rowid BETWEEN ? AND ?", _fts_range(rowid))
    conn.executemany(_HEADINGS_SQL, [(note.path, h.level, h.text, h.line, h.anchor) for h in note.headings])
    conn.executemany(_TAGS_SQL, [(note.path, t) for t in note.tags])
    _add_fts_rows(fts_rows, rowid, note)


_HEADINGS_SQL = "INSERT INTO headings (note, level, text, line, anchor) VALUES (?,?,?,?,?)"
_TAGS_SQL = "INSERT INTO note_tags (note, tag) VALUES (?,?)"


class _FreshRows:
    """A first index's note rows, written many notes at a time: with the note tables empty when the run began there
    is nothing to replace, so no per-note deletes and no per-note statements. Rowids are given out in order, as
    SQLite gives them to an empty table, so the tables are the ones ``_store_note`` writes."""

    def __init__(self):
        self.rowid = 0
        self.notes: list[tuple] = []
        self.headings: list[tuple] = []
        self.tags: list[tuple] = []

    def add(self, note: Note, digest: str, st: os.stat_result, now: str, fts_rows: list[tuple]) -> None:
        self.rowid += 1
        self.notes.append((self.rowid, *_note_values(note, digest, st, now)))
        path = note.path
        self.headings.extend((path, h.level, h.text, h.line, h.anchor) for h in note.headings)
        self.tags.extend((path, t) for t in note.tags)
        _add_fts_rows(fts_rows, self.rowid, note)

    def flush(self, conn: sqlite3.Connection) -> None:
        if self.notes:
            conn.executemany(
                f"INSERT INTO notes (rowid, {_NOTE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                self.notes,
            )
            self.notes.clear()
        if self.headings:
            conn.executemany(_HEADINGS_SQL, self.headings)
            self.headings.clear()
        if self.tags:
            conn.executemany(_TAGS_SQL, self.tags)
            self.tags.clear()


def _fresh(conn: sqlite3.Connection) -> bool:
    """Whether every note table is empty (a first index)."""
    return all(
        conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None
        for table in ("notes", "headings", "note_tags", "notes_fts")
    )


# FTS5 writes its pending terms out as a new segment whenever another statement opens a savepoint in the same
# transaction: interleaving one note's full-text rows with the next note's other rows made a segment per note and
# tripled the cost of a full index. So full-text rows are written in batches.
FTS_BATCH = 2000


def _flush_fts(conn: sqlite3.Connection, fts_rows: list[tuple]) -> None:
    if fts_rows:
        conn.executemany(
            "INSERT INTO notes_fts (rowid, path, title, tags, body) VALUES (?,?,?,?,?)", fts_rows
        )
        fts_rows.clear()


def _remove_note(conn: sqlite3.Connection, path: str) -> None:
    row = conn.execute("SELECT rowid FROM notes WHERE path = ?", (path,)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM notes_fts WHERE rowid BETWEEN ? AND ?", _fts_range(row[0]))
    conn.execute("DELETE FROM notes WHERE path = ?", (path,))  # headings and tags cascade


@dataclass
class IndexPlan:
    """What a scan found against what the database holds: the cheap half of indexing (stat calls, one query)."""

    report: IndexReport
    candidates: list[tuple[str, os.stat_result]]  # new or changed (size or mtime): to read
    removed: list[str]  # in the index, gone from the folder
    gone_errors: list[str]  # recorded as broken, gone from the folder
    # path -> (size, mtime_ns, hash) of the indexed notes: all of them when the plan compared row by row, only the
    # candidates' and the removed ones' when it compared with the current snapshot (kb.scanstate): what apply needs
    known: dict[str, tuple[int, int, str | None]]
    broken: set[str]  # paths with a recorded error
    full: bool = False  # every note re-parsed, even with the same bytes

    @property
    def up_to_date(self) -> bool:
        return not (self.candidates or self.removed or self.gone_errors)


def plan(
    notes_dir: Path,
    root: Path,
    conn: sqlite3.Connection,
    *,
    full: bool = False,
    config_key: str = "",
    scanned: scanstate.Scan | None = None,
) -> IndexPlan:
    """Scan the notes folder and compare with the index, reading no note: enough to know whether anything changed.

    ``full`` plans every note for a fresh read and parse (after a change of the key-point settings, say).

    The comparison is with the snapshot of the last up-to-date scan (kb.scanstate) while no note table was written
    since: the same scan is up to date without reading the notes table, another reads only the rows of the lines
    that differ. Otherwise it is row by row, and when that finds everything up to date the scan becomes the snapshot;
    ``config_key`` (``KnowledgeBase.config_key``, the mkdocs.yml this notes folder came from) lets a no-op
    ``kb index`` trust it without reading mkdocs.yml (no snapshot is written without it). ``scanned``: a scan of
    this notes folder just made (by ``kb.scanstate.quick_index``), used rather than walking the folder again."""
    report = IndexReport()
    prefix = _prefix(notes_dir, root)
    if scanned is None or (scanned.notes_dir, scanned.prefix) != (str(notes_dir), prefix):
        scanned = scanstate.Scan.of(str(notes_dir), prefix, *scan(notes_dir, root))
    report.errors.extend(scanned.errors)
    report.scanned = len(scanned.lines)
    if not full and not scanned.errors:
        current = scanstate.current_snapshot(conn, str(notes_dir), prefix)
        if current is not None:
            if current[0] == scanned.text:
                report.unchanged = report.scanned
                return IndexPlan(report, [], [], [], {}, set(), full)
            todo = _plan_from_snapshot(conn, report, scanned, *current)
            if todo is not None:
                return todo
    if scanned.found is None:  # walked without stats, and the snapshot is stale now: walk again
        scanned = scanstate.Scan.of(str(notes_dir), prefix, *scan(notes_dir, root))
        report = IndexReport(scanned=len(scanned.lines), errors=list(scanned.errors))
    found = scanned.found
    # read again after the rows below: if equal, the rows are of this version (a snapshot of them may be kept)
    version = scanstate.current_version(conn)
    rows = conn.execute("SELECT path, size, mtime_ns FROM notes")
    known = {path: (size, mtime, None) for path, size, mtime in rows}
    broken = {
        row[0]: (row[1], row[2], row[3], row[4])
        for row in conn.execute("SELECT path, line, message, size, mtime_ns FROM note_errors")
    }

    candidates = []
    for path, st in found.items():
        old = known.get(path)
        if full:
            candidates.append((path, st))
            continue
        if old is not None and old[0] == st.st_size and old[1] == st.st_mtime_ns and path not in broken:
            report.unchanged += 1
            continue
        bad = broken.get(path)
        if bad is not None and bad[2] == st.st_size and bad[3] == st.st_mtime_ns:
            report.errors.append(NoteError(path, bad[0], bad[1]))  # still broken, unchanged since: no re-read
            continue
        candidates.append((path, st))
    removed = [p for p in known if p not in found]
    gone_errors = [p for p in broken if p not in found]
    report.errors.sort(key=lambda e: (e.path, e.line))
    if (
        not full
        and not scanned.errors
        and config_key
        and version is not None
        and not (candidates or removed or broken)
        and scanstate.current_version(conn) == version
    ):
        scanstate.remember(conn, version, str(root), str(notes_dir), prefix, config_key, scanned.text)
    return IndexPlan(report, candidates, removed, gone_errors, known, set(broken), full)


def _plan_from_snapshot(
    conn: sqlite3.Connection, report: IndexReport, scanned: scanstate.Scan, snapshot: bytes, version: int
) -> IndexPlan | None:
    """The plan from the lines that differ from the current snapshot, which the notes table holds exactly (and
    note_errors is empty): a line not in the snapshot is a new or changed note, a snapshot path without a line is a
    removed one. Same outcome as the row-by-row comparison, reading only those rows. None when a note table changed
    meanwhile (the caller then compares row by row)."""
    old_lines = scanstate.decode(snapshot)
    old_set = set(old_lines)
    new_set = set(scanned.lines)
    changed = [ln.partition("\0")[0] for ln in scanned.lines if ln not in old_set]
    changed_set = set(changed)
    removed = [
        p for p in (ln.partition("\0")[0] for ln in old_lines if ln not in new_set) if p not in changed_set
    ]
    known: dict[str, tuple[int, int, str | None]] = {}
    wanted = changed + removed
    for i in range(0, len(wanted), 500):
        chunk = wanted[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for path, size, mtime in conn.execute(
            f"SELECT path, size, mtime_ns FROM notes WHERE path IN ({marks})", chunk
        ):
            known[path] = (size, mtime, None)
    if scanstate.current_version(conn) != version:
        return None
    candidates = []
    for path in changed:
        if scanned.found is not None:
            candidates.append((path, scanned.found[path]))
            continue
        # walked without stats: stat the few changed notes again (as if the scan had reached them a moment later)
        try:
            st = os.stat(scanned.notes_dir + path[len(scanned.prefix) :])
        except (FileNotFoundError, NotADirectoryError):
            st = None
        except OSError:  # unreadable since the walk: the row-by-row comparison walks again and says why
            return None
        if st is None or not stat_mod.S_ISREG(st.st_mode):  # gone since the walk: a deletion
            if path in known:
                removed.append(path)
            continue
        candidates.append((path, st))
    report.unchanged = report.scanned - len(changed)
    return IndexPlan(report, candidates, removed, [], known, set(), False)


def index(
    kb: KnowledgeBase, conn: sqlite3.Connection, *, paths: list[str] | None = None, full: bool = False
) -> IndexReport:
    """Bring the index up to date with the notes folder and return what changed (``full``: re-read every note)."""
    return apply(kb, conn, plan(kb.notes, kb.root, conn, full=full, config_key=kb.config_key))


def apply(kb: KnowledgeBase, conn: sqlite3.Connection, todo: IndexPlan) -> IndexReport:
    """Read, parse and store what ``plan`` found changed; remove what is gone. One transaction."""
    report = todo.report
    if todo.up_to_date:
        return report
    from datetime import UTC, datetime

    candidates, removed, gone_errors = todo.candidates, list(todo.removed), todo.gone_errors
    known, broken = todo.known, todo.broken
    if candidates:
        # Hashes only for the notes that may have changed (a touched file with the same bytes is not re-parsed).
        wanted = [p for p, _ in candidates if p in known]
        for i in range(0, len(wanted), 500):
            chunk = wanted[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for path, digest in conn.execute(f"SELECT path, hash FROM notes WHERE path IN ({marks})", chunk):
                size, mtime, _ = known[path]
                known[path] = (size, mtime, digest)
    now = datetime.now(UTC).isoformat(timespec="seconds")
    parsed: list[Note] = []
    # A big run's, with ``parsed``: the content hashes of the notes written before every note is read.
    digests: list[str] = []
    root = str(kb.root)
    jobs = [
        (
            path,
            os.path.join(root, path),
            known[path][2] if path in known and path not in broken and not todo.full else None,
        )
        for path, st in candidates
    ]
    import gc

    fts_rows: list[tuple] = []
    reader = _Reader.start(jobs)
    outcomes = reader if reader is not None else map(_read_one, jobs)
    # A big run holds every parsed note until it ends and makes few reference cycles: the collector, which would
    # walk all those notes again and again, waits until the run is over.
    collecting = reader is not None and gc.isenabled()
    if collecting:
        gc.disable()
    begun, started, frozen = reader is None, None, False
    written = 0  # notes written

    def begin() -> None:
        # Every note read: what depends on the notes' contents (card extraction) starts now, in worker processes of
        # its own, while this one writes the notes. (The reading workers are gone first: fork from one thread.)
        nonlocal begun, started, frozen
        begun = True
        rest = reader.rest()
        reader.close()
        gone = list(removed) + [
            path
            for (path, _), (outcome, _, _) in zip(
                candidates[len(candidates) - len(rest) :], rest, strict=True
            )
            if outcome == "missing" and path in known
        ]
        ok = list(zip(parsed, digests, strict=True))
        ok += [(value, digest) for outcome, digest, value in rest if outcome == "ok"]
        del rest
        # The held notes are frozen out of the collector's reach, here and in the workers, where walking them would
        # copy every page they share with this process. Only when nothing else froze objects: unfreezing at the end
        # would let go of those too.
        if gc.get_freeze_count() == 0:
            gc.freeze()
            frozen = True
        started = before_notes(kb, conn, ok, gone)
        if started is not None:  # the cards sync by path, and the workers have the notes
            parsed.clear()
        digests.clear()

    try:
        with _page_cache(conn, big=len(candidates) >= PARALLEL_MIN), conn:
            fresh = _FreshRows() if _fresh(conn) else None

            def flush() -> None:  # (a batch's note rows first: its headings and tags refer to them)
                if fresh is not None:
                    fresh.flush(conn)
                _flush_fts(conn, fts_rows)

            for (path, st), (outcome, digest, value) in zip(candidates, outcomes, strict=True):
                if outcome == "missing":  # deleted while we were scanning: treat like a deletion
                    if path in known:
                        removed.append(path)
                    continue
                if outcome == "unreadable":
                    err = NoteError(path, 1, f"cannot read this note ({value}); check its permissions")
                    _record_error(conn, err, st)
                    report.errors.append(err)
                    continue
                if outcome == "same":  # touched, same bytes: only the new size and mtime are recorded
                    conn.execute(
                        "UPDATE notes SET size = ?, mtime_ns = ? WHERE path = ?",
                        (st.st_size, st.st_mtime_ns, path),
                    )
                    report.unchanged += 1
                    continue
                if outcome == "error":
                    err = NoteError(path, *value)
                    _record_error(conn, err, st)
                    report.errors.append(err)
                    continue
                note = value
                if path in broken:
                    conn.execute("DELETE FROM note_errors WHERE path = ?", (path,))
                if fresh is not None:
                    fresh.add(note, digest, st, now, fts_rows)
                else:
                    _store_note(conn, note, digest, st, now, fts_rows)
                if len(fts_rows) >= FTS_BATCH:
                    flush()
                if not begun:
                    # Held until every note is read, for card extraction, without what only the note tables need
                    # (26 of the 78 MB that 10,000 parsed notes take).
                    parsed.append(replace(note, headings=(), meta={}))
                    digests.append(digest)
                elif started is None:
                    parsed.append(note)
                (report.updated if path in known else report.added).append(path)
                written += 1
                if not begun and written % _Reader.CHUNK == 0 and reader.all_read():
                    begin()
                elif started is not None and written % _Reader.CHUNK == 0:
                    started.step()
            if not begun:
                begin()
            flush()
            for path in removed:
                _remove_note(conn, path)
                report.removed.append(path)
            for path in gone_errors:
                conn.execute("DELETE FROM note_errors WHERE path = ?", (path,))
            after_notes(kb, conn, parsed, report.removed, started)
    finally:  # (workers left running by an error)
        if reader is not None:
            reader.close()
        if frozen:
            gc.unfreeze()
        if collecting:
            gc.enable()
        if started is not None:
            started.close()
    report.errors.sort(key=lambda e: (e.path, e.line))
    return report


# A big run writes hundreds of thousands of card rows under random ids: a bigger page cache for it (SQLite fills it
# only as needed, and it goes with the run) makes those inserts a third cheaper. 8 MB holds the index of 175,000
# card ids; 16 MB saved 3% of a 10,000-note first index (0.25 s) for 9 MB more of its peak memory (148 MB).
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


# A full index reads and parses notes in a second process while this one writes SQLite, where most of the time
# goes (FTS5 tokenizing): on two cores the two overlap. Below this many notes to read, starting the process costs
# more than it saves.
PARALLEL_MIN = 400


def _read_one(job: tuple[str, str, str | None]) -> tuple[str, str | None, object]:
    """Read, hash and parse one note: (outcome, digest, value). Runs in the worker process or in this one.

    Outcomes: ``ok`` (value: the Note), ``same`` (the bytes hash to ``job[2]``, the stored hash: nothing to parse),
    ``error`` (value: (line, message)), ``missing`` (deleted since the scan), ``unreadable`` (value: the reason).
    Only plain values and Notes cross the process boundary (a NoteError does not pickle).
    """
    from kb.notes.reader import parse_note

    path, full, stored = job
    try:
        with open(full, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return "missing", None, None
    except OSError as exc:
        return "unreadable", None, exc.strerror
    digest = _hash(raw)
    if digest == stored:
        return "same", digest, None
    try:
        return "ok", digest, parse_note(path, raw)
    except NoteError as err:
        return "error", digest, (err.line, err.message)
    except RecursionError:
        return "error", digest, (1, "this note is nested too deeply to read; simplify it")


def _single_threaded() -> bool:
    """Forking a process that runs other threads (``mkdocs serve``, say) can copy a lock held mid-way: only fork
    from a process with one thread."""
    import sys

    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def worth_forking(jobs: int, minimum: int) -> bool:
    """Whether a batch of ``jobs`` is worth worker processes: at least ``minimum`` of them, more than one core, and
    a process that can fork safely."""
    return jobs >= minimum and (os.cpu_count() or 1) >= 2 and _single_threaded()


def _read_chunk(jobs: list[tuple[str, str, str | None]]) -> list[tuple[str, str | None, object]]:
    return [_read_one(job) for job in jobs]


class _Reader:
    """A big batch read and parsed in forked worker processes (one per core), a chunk of notes per task; the
    outcomes come in order, and ``all_read`` tells when the workers are done (before this process took them all).
    Each chunk is let go once taken: ``rest`` has the outcomes not taken yet."""

    CHUNK = 32

    @classmethod
    def start(cls, jobs: list[tuple[str, str, str | None]]) -> _Reader | None:
        """None where the batch is small, the machine has one core, or this process cannot fork safely."""
        if not worth_forking(len(jobs), PARALLEL_MIN):
            return None
        import multiprocessing

        try:
            pool = multiprocessing.get_context("fork").Pool(os.cpu_count())
        except (ValueError, OSError, ImportError):
            return None  # no fork (Windows, macOS policy) or no semaphores: in-process
        return cls(pool, jobs)

    def __init__(self, pool, jobs: list[tuple[str, str, str | None]]):
        self.pool = pool
        self.tasks = [
            pool.apply_async(_read_chunk, (jobs[i : i + self.CHUNK],))
            for i in range(0, len(jobs), self.CHUNK)
        ]
        self._done = 0  # tasks known to be finished
        self._next = 0  # the first task not taken
        self._chunk: list = []  # the outcomes of the chunk being taken, and how many of them are taken
        self._used = 0

    def __iter__(self):
        while self._next < len(self.tasks):
            self._chunk, self._used = self.tasks[self._next].get(), 0
            self.tasks[self._next] = None
            self._next += 1
            while self._used < len(self._chunk):
                self._used += 1
                yield self._chunk[self._used - 1]
        self._chunk = []

    def all_read(self) -> bool:
        tasks = self.tasks
        while self._done < len(tasks) and (tasks[self._done] is None or tasks[self._done].ready()):
            self._done += 1
        return self._done == len(tasks)

    def rest(self) -> list[tuple[str, str | None, object]]:
        """The outcomes not taken yet, in order (waits for the workers); iterating goes on with them."""
        return self._chunk[self._used :] + [o for task in self.tasks[self._next :] for o in task.get()]

    def close(self) -> None:
        """Stop the workers and the pool's threads (a worker still busy is stopped)."""
        if self.pool is not None:
            if self.all_read():
                self.pool.close()
            else:
                self.pool.terminate()
            self.pool.join()
            self.pool = None


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


def _record_error(conn: sqlite3.Connection, err: NoteError, st: os.stat_result) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO note_errors (path, line, message, size, mtime_ns) VALUES (?,?,?,?,?)",
        (err.path, err.line, err.message, st.st_size, st.st_mtime_ns),
    )


def current_errors(conn: sqlite3.Connection) -> list[NoteError]:
    return [
        NoteError(p, line, msg)
        for p, line, msg in conn.execute("SELECT path, line, message FROM note_errors ORDER BY path")
    ]
