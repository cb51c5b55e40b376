"""Planning: scan the notes folder and compare it with the index, reading no note (stat calls and a query or two).

A file whose size and mtime match the database is not a candidate; the rest are, for ``kb.index.indexer.apply`` to
read. When the scan equals the snapshot of the last up-to-date one (``kb.index.scanstate``) the plan is made
without reading the notes table.
"""

from __future__ import annotations

import os
import sqlite3
import stat as stat_mod
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from kb.cards import CARD_RULES
from kb.errors import NoteError
from kb.index import scanstate
from kb.layout import count_scanned
from kb.store.connection import in_chunks


@dataclass
class IndexReport:
    scanned: int = 0
    counted: str = ""  # what the scan found, as said: "20 notes, 6 section pages"
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: int = 0
    errors: list[NoteError] = field(default_factory=list)
    new_rules: bool = False  # every note read again: its generated cards were made by an older kb's rules

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def summary(self) -> str:
        parts = [self.counted or f"{self.scanned} notes"]
        for label, items in (("added", self.added), ("updated", self.updated), ("removed", self.removed)):
            if items:
                parts.append(f"{len(items)} {label}")
        if not self.changed:
            parts.append("up to date")
        if self.new_rules:
            parts.append("generated cards made again by this kb's card rules (their history kept)")
        if self.errors:
            paths = list(dict.fromkeys(err.path for err in self.errors))
            named = ", ".join(paths[:3]) + (f" and {len(paths) - 3} more" if len(paths) > 3 else "")
            parts.append(f"{len(paths)} with errors ({named})")
        return ", ".join(parts)


# Where os.scandir cannot take a folder descriptor (Windows), paths are used (see kb.index.scanstate.walk).
_SCANDIR_FD = os.scandir in os.supports_fd


def _prefix(notes_dir: Path, root: Path) -> str:
    """The notes folder as the start of every note's root-relative path (``notes``)."""
    try:
        return notes_dir.relative_to(root).as_posix()
    except ValueError:
        return notes_dir.as_posix()


def scan(notes_dir: Path, root: Path) -> tuple[dict[str, os.stat_result], list[NoteError]]:
    """Every ``*.md`` under the notes folder (hidden folders skipped), keyed by root-relative path."""
    return scanstate.walk(str(notes_dir), _prefix(notes_dir, root), by_fd=_SCANDIR_FD, root=str(root))


class Indexed(NamedTuple):
    """What the notes table holds of a note: the size and mtime it was indexed at, and its content hash once read."""

    size: int
    mtime_ns: int
    hash: str | None = None


@dataclass
class IndexPlan:
    """What a scan found against what the database holds: the cheap half of indexing (stat calls, one query)."""

    report: IndexReport
    candidates: list[tuple[str, os.stat_result]]  # new or changed (size or mtime): to read
    removed: list[str]  # in the index, gone from the folder
    gone_errors: list[str]  # recorded as broken, gone from the folder
    # the indexed notes by path: all of them when the plan compared row by row, only the candidates' and the removed
    # ones' when it compared with the current snapshot (kb.index.scanstate): what apply needs
    known: dict[str, Indexed]
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

    The comparison is with the snapshot of the last up-to-date scan (kb.index.scanstate) while no note table was written
    since: the same scan is up to date without reading the notes table, another reads only the rows of the lines
    that differ. Otherwise it is row by row, and when that finds everything up to date the scan becomes the snapshot;
    ``config_key`` (``KnowledgeBase.config_key``, the mkdocs.yml this notes folder came from) lets a no-op
    ``kb index`` trust it without reading mkdocs.yml (no snapshot is written without it). ``scanned``: a scan of
    this notes folder just made (by ``kb.index.scanstate.quick_index``), used rather than walking the folder again."""
    report = IndexReport()
    if not full and scanstate.card_rules(conn) not in (None, CARD_RULES):
        # generated cards of an older kb: every note is read again, once (said when there were notes to remake)
        full = True
        report.new_rules = conn.execute("SELECT EXISTS (SELECT 1 FROM notes)").fetchone()[0] == 1
    prefix = _prefix(notes_dir, root)
    if scanned is None or (scanned.notes_dir, scanned.prefix) != (str(notes_dir), prefix):
        scanned = scanstate.Scan.of(str(notes_dir), prefix, *scan(notes_dir, root))
    report.errors.extend(scanned.errors)
    report.scanned = len(scanned.lines)
    report.counted = count_scanned(len(scanned.lines), scanned.text)
    if not full and not scanned.errors:
        current = scanstate.current_snapshot(conn, str(notes_dir), prefix)
        if current is not None:
            if current[0] == scanned.text:
                report.unchanged = report.scanned
                return IndexPlan(report, [], [], [], {}, set(), full=full)
            todo = _plan_from_snapshot(conn, report, scanned, *current)
            if todo is not None:
                return todo
    if scanned.found is None:  # walked without stats, and the snapshot is stale now: walk again
        scanned = scanstate.Scan.of(str(notes_dir), prefix, *scan(notes_dir, root))
        report = IndexReport(
            scanned=len(scanned.lines),
            counted=count_scanned(len(scanned.lines), scanned.text),
            errors=list(scanned.errors),
        )
    found = scanned.found
    # read again after the rows below: if equal, the rows are of this version (a snapshot of them may be kept)
    version = scanstate.current_version(conn)
    rows = conn.execute("SELECT path, size, mtime_ns FROM notes")
    known = {path: Indexed(size, mtime) for path, size, mtime in rows}
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
        if (
            old is not None
            and old.size == st.st_size
            and old.mtime_ns == st.st_mtime_ns
            and path not in broken
        ):
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
    return IndexPlan(report, candidates, removed, gone_errors, known, set(broken), full=full)


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
    known: dict[str, Indexed] = {}
    wanted = changed + removed
    for chunk, marks in in_chunks(wanted):
        for path, size, mtime in conn.execute(
            f"SELECT path, size, mtime_ns FROM notes WHERE path IN ({marks})", chunk
        ):
            known[path] = Indexed(size, mtime)
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
