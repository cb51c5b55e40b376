"""The scan of the notes folder, and the last one that matched the index, so a no-op ``kb index`` reads one row.

A no-op ``kb index`` must still stat every note, but it need not read every row of ``notes`` to compare: the scan,
written as one string (``path NUL size NUL mtime_ns`` per note, in scan order), is kept in ``scan_snapshot`` once
``kb.index.planning.plan`` has found the notes table to hold exactly those sizes and mtimes (and no note with an error).
The next scan that gives the same string is up to date by the very same rule (size and mtime, then hash).

A snapshot is trusted only while nothing has written the note tables since: triggers bump ``scan_version`` on every
row written to ``notes`` or ``note_errors``, by this process or another, and the snapshot records the version it
describes. It is written with a conditional UPDATE, so a change committed between the comparison and the write
leaves the old (now stale, so ignored) snapshot.

A different string (a note added, removed, edited, touched or renamed, or folders listed in another order) is
compared line by line with the current snapshot (``kb.index.planning.plan``): a line not in the snapshot is a new or
changed note, a snapshot path with no line a removed one, and only their rows are read. A stale snapshot means the
row-by-row comparison, which writes a new snapshot when it finds nothing to do.

``quick_index`` is the whole no-op ``kb index`` on top of that, for ``kb.cli``: it imports nothing beyond os, stat
and sqlite3 (no pathlib, dataclasses, YAML or click) and answers None, meaning "take the ordinary path", whenever
anything differs: mkdocs.yml, the root, the schema, the journal, a note, or an error on the way.
"""

from __future__ import annotations

import os
import sqlite3
import stat as stat_mod

from kb.errors import NoteError
from kb.layout import config_key, db_file, find_root, journal_dir, journal_entries


def walk(
    notes_dir: str, prefix: str, *, by_fd: bool = True, stats: bool = True, root: str | None = None
) -> tuple[dict | list, list]:
    """Every ``*.md`` regular file under ``notes_dir`` (hidden entries skipped), as ``prefix/relative/path``.

    Returns (entries, errors). With ``stats``, entries is ``{path: os.stat_result}``; without, it is the snapshot's
    lines (see ``line``), which spares keeping every stat result alive.

    Stat calls relative to an open folder (``by_fd``: fstatat) spare the kernel a walk down the whole path for each
    note, which counts when the knowledge base sits a few folders deep. A folder reached twice (a
    symlink loop) is walked once; an unreadable folder or note is an error (NoteError), the rest still scanned.

    Skipped, each with an error naming it: a symbolic link that leads outside ``root`` (the knowledge base; a cloned
    vault must not bring ``/etc/passwd`` into the index and the site) and a name that is not UTF-8. Only entries
    that are symbolic links (known from the folder listing, no extra call) or not ASCII cost a check.
    """
    root_real = os.path.realpath(root) if root is not None else None
    found: dict[str, os.stat_result] = {}
    out: list[str] = []
    errors: list[NoteError] = []
    seen_dirs: set[tuple[int, int]] = set()
    stack = [(notes_dir, prefix)]
    while stack:
        folder, rel = stack.pop()
        fd = None
        try:
            try:
                if by_fd:
                    fd = os.open(folder, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
                    st = os.fstat(fd)
                else:
                    st = os.stat(folder)
                key = (st.st_dev, st.st_ino)
                if key in seen_dirs:  # a symlink loop or a folder linked twice
                    continue
                seen_dirs.add(key)
                entries = list(os.scandir(folder if fd is None else fd))
            except OSError as exc:
                errors.append(
                    NoteError(rel, 1, f"cannot read this folder ({exc.strerror}); check its permissions")
                )
                continue
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                path = f"{rel}/{name}"
                if not name.isascii() and not _utf8(name):
                    if entry.is_dir() or name.endswith(".md"):
                        errors.append(NoteError(shown(path), 1, NOT_UTF8))
                    continue
                try:
                    if root_real is not None and entry.is_symlink() and not _inside(folder, name, root_real):
                        if entry.is_dir() or name.endswith(".md"):
                            errors.append(NoteError(path, 1, OUTSIDE))
                        continue
                    if entry.is_dir():
                        stack.append((os.path.join(folder, name), path))
                        continue
                    if not name.endswith(".md"):
                        continue
                    st = entry.stat()
                except OSError as exc:
                    if name.endswith(".md"):
                        what = "a symlink loop" if exc.errno == 40 else exc.strerror
                        errors.append(NoteError(path, 1, f"cannot read this note ({what}); fix or remove it"))
                    continue
                if stat_mod.S_ISREG(st.st_mode):
                    if stats:
                        found[path] = st
                    else:
                        out.append(f"{path}\0{st.st_size}\0{st.st_mtime_ns}")  # = line(path, st), inlined
        finally:
            if fd is not None:
                os.close(fd)
    return (found if stats else out), errors


NOT_UTF8 = "the file name is not valid UTF-8, so kb cannot store it; skipped (rename it)"
OUTSIDE = "a symbolic link to a place outside the knowledge base; skipped (kb reads only files inside it)"


def _utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # os.scandir gave bytes that are not UTF-8 as lone surrogates
        return False
    return True


def shown(path: str) -> str:
    """A path as it can be printed and stored: bytes that are not UTF-8 as U+FFFD."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _inside(folder: str, name: str, root_real: str) -> bool:
    """Whether the link leads inside the root (a dangling one counts as inside: reading it says what is wrong)."""
    target = os.path.realpath(os.path.join(folder, name))
    inside = target == root_real or target.startswith(root_real.rstrip(os.sep) + os.sep)
    return inside or not os.path.exists(target)


def line(path: str, st: os.stat_result) -> str:
    """One note in the snapshot. Unambiguous: a path holds no NUL, sizes and mtimes no newline."""
    return f"{path}\0{st.st_size}\0{st.st_mtime_ns}"


def lines(found: dict[str, os.stat_result]) -> list[str]:
    """The snapshot lines of a walk made with stats, in its order."""
    return [line(path, st) for path, st in found.items()]


def encode(scan_lines: list[str]) -> bytes:
    """The snapshot as stored. File names that are not UTF-8 round-trip (surrogateescape)."""
    return "\n".join(scan_lines).encode("utf-8", "surrogateescape")


def decode(snapshot: bytes) -> list[str]:
    return snapshot.decode("utf-8", "surrogateescape").split("\n") if snapshot else []


def card_rules(conn: sqlite3.Connection) -> str | None:
    """The card rules every note was last read under (``kb.cards.CARD_RULES``; '' never recorded, None on a
    database without the table)."""
    try:
        row = conn.execute("SELECT card_rules FROM scan_version WHERE id = 1").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else row[0]


def remember_card_rules(conn: sqlite3.Connection, rules: str) -> None:
    """Record that every note was read under ``rules`` (inside the indexing transaction)."""
    conn.execute("UPDATE scan_version SET card_rules = ? WHERE id = 1", (rules,))


def current_version(conn: sqlite3.Connection) -> int | None:
    """The note tables' version (None on a database without the table)."""
    try:
        row = conn.execute("SELECT version FROM scan_version WHERE id = 1").fetchone()
    except sqlite3.OperationalError:
        return None
    return None if row is None else row[0]


def current_snapshot(conn: sqlite3.Connection, notes_dir: str, prefix: str) -> tuple[bytes, int] | None:
    """(snapshot, version) when the snapshot of ``notes_dir`` is current: the notes table holds exactly its lines
    (and note_errors is empty). None when there is none, it is of another folder, or a note table changed since."""
    try:
        row = conn.execute(
            """SELECT s.lines, s.version FROM scan_snapshot s JOIN scan_version v ON v.id = s.id
               WHERE s.id = 1 AND s.version = v.version AND s.notes = ? AND s.prefix = ?""",
            (notes_dir, prefix),
        ).fetchone()
    except sqlite3.OperationalError:  # a connection opened without the migrations (some tests do)
        return None
    return None if row is None else (row[0], row[1])


def remember(
    conn: sqlite3.Connection, version: int, root: str, notes_dir: str, prefix: str, key: str, scanned: bytes
) -> None:
    """Keep ``scanned`` as the snapshot of the note tables at ``version``, unless they changed since (then the
    write does nothing). Never waits for another writer and never fails the command: it is only a cache."""
    if conn.in_transaction:  # part of someone else's transaction: do not commit it
        return
    timeout = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    synchronous = conn.execute("PRAGMA synchronous").fetchone()[0]
    try:
        conn.execute("PRAGMA busy_timeout = 0")
        # in WAL mode NORMAL stays consistent; a crash losing this write costs one slower run, not an fsync now
        conn.execute("PRAGMA synchronous = NORMAL")
        with conn:
            conn.execute(
                """INSERT INTO scan_snapshot (id, version, root, notes, prefix, config_key, lines)
                   SELECT 1, ?, ?, ?, ?, ?, ? FROM scan_version WHERE id = 1 AND version = ?
                   ON CONFLICT(id) DO UPDATE SET version = excluded.version, root = excluded.root,
                       notes = excluded.notes, prefix = excluded.prefix, config_key = excluded.config_key,
                       lines = excluded.lines""",
                (version, root, notes_dir, prefix, key, scanned, version),
            )
    except sqlite3.Error:  # busy, read-only, full disk: the next run compares row by row again
        pass
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(timeout)}")
        conn.execute(f"PRAGMA synchronous = {int(synchronous)}")


# --- the no-op `kb index` --------------------------------------------------------------------------------------------


class Scan:
    """One walk of a notes folder: its snapshot ``lines``, the stat results when kept (``found``, else None) and the
    ``errors``."""

    __slots__ = ("notes_dir", "prefix", "lines", "found", "errors", "_text")

    def __init__(self, notes_dir: str, prefix: str, scan_lines: list[str], found, errors: list):
        self.notes_dir = notes_dir
        self.prefix = prefix
        self.lines = scan_lines
        self.found = found
        self.errors = errors
        self._text: bytes | None = None

    @classmethod
    def of(cls, notes_dir: str, prefix: str, found: dict[str, os.stat_result], errors: list) -> Scan:
        """A Scan of a walk made with stats (``kb.index.planning.scan``)."""
        return cls(notes_dir, prefix, lines(found), found, errors)

    @property
    def text(self) -> bytes:
        """The lines as the snapshot stores them."""
        if self._text is None:
            self._text = encode(self.lines)
        return self._text


def quick_index(explicit_root: str | None) -> tuple[int | None, Scan | None]:
    """(number of notes, scan) when ``kb index`` would find nothing to do and print ``N notes, up to date``; else
    (None, the scan if one was made, for ``kb.index.planning.plan`` to use rather than walk the folder again).

    "Nothing to do": mkdocs.yml, the root and the schema are those of the snapshot, the snapshot is current, the
    scan equals it, and no review-journal file differs from what the database replayed.
    """
    from kb.store.connection import SCHEMA_VERSION

    root = find_root(explicit_root)
    if root is None:
        return None, None
    db = db_file(root)
    scan = None
    try:
        if not os.path.isfile(db):
            return None, None
        conn = sqlite3.connect(db, timeout=5)
        try:
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                return None, None
            row = conn.execute(
                """SELECT s.notes, s.prefix, s.lines FROM scan_snapshot s JOIN scan_version v ON v.id = s.id
                   WHERE s.id = 1 AND s.version = v.version AND s.root = ? AND s.config_key = ?""",
                (root, config_key(root)),
            ).fetchone()
            if row is None:
                return None, None
            notes_dir, prefix, snapshot = row
            scan_lines, errors = walk(
                notes_dir, prefix, by_fd=os.scandir in os.supports_fd, stats=False, root=root
            )
            scan = Scan(notes_dir, prefix, scan_lines, None, errors)
            if errors or scan.text != snapshot:
                return None, scan
            if not _journal_replayed(conn, journal_dir(root)):
                return None, scan
            return len(scan.lines), scan
        finally:
            conn.close()
    except (OSError, sqlite3.Error, UnicodeError):
        return None, scan


def _journal_replayed(conn: sqlite3.Connection, journal_dir: str) -> bool:
    """``kb.cli.replay_journal``'s test: every journal file has the size and mtime last replayed."""
    replayed = {
        name: (size, mtime)
        for name, size, mtime in conn.execute("SELECT name, size, mtime_ns FROM journal_files")
    }
    return all(
        replayed.get(entry.name) == (st.st_size, st.st_mtime_ns) for entry, st in journal_entries(journal_dir)
    )
