"""The store: kb's SQLite database, its connection settings and its migrations.

The database is a cache of the notes and the review journal, but it is also where answers land first, so it is opened
in WAL mode with a busy timeout (a `kb index` or `mkdocs build` running beside `kb review` waits, never fails with
"database is locked") and ``synchronous=FULL`` (an answer committed is on disk).

Migrations are top-level named functions in ``kb.store.migrations``, applied in order when the store opens, so a
fresh database and an old one take the same path. Never edit a migration that has shipped; add a new one. The schema
they build is ``kb/store/schema.sql`` (what ``kb schema`` prints for a fresh database; a test keeps them equal).
"""

from __future__ import annotations

import os
import sqlite3
import sys

from kb.errors import KbError

# Neither pathlib nor typing at import time: a no-op `kb index` reads SCHEMA_VERSION from here and pays only for
# what it imports (kb.index.scanstate).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path


BUSY_TIMEOUT_MS = 30_000

# Bumped whenever a migration is added, so the fast path can tell without importing sqlite-utils.
SCHEMA_VERSION = 9

_migrations = None


def migrations():
    """The ordered migration set (``kb.store.migrations``), built once: sqlite-utils is imported only here."""
    global _migrations
    if _migrations is None:
        from kb.store.migrations import migration_set

        _migrations = migration_set()
    return _migrations


class StoreConnection(sqlite3.Connection):
    """A connection to kb's database that, once closed, notes the file's size and mtime (``kb.layout.closed_stamp``):
    the next ``open_store`` checks the file's integrity only when it differs (something other than kb changed it)."""

    stamp_path: str | None = None

    def close(self) -> None:
        super().close()
        if self.stamp_path is not None:
            path, self.stamp_path = self.stamp_path, None
            write_closed_stamp(path)


def write_closed_stamp(db: str) -> None:
    from kb.layout import closed_stamp

    try:
        st = os.stat(db)
        with open(closed_stamp(db), "w", encoding="ascii") as fh:
            fh.write(f"{st.st_size} {st.st_mtime_ns}")
    except OSError:  # only a cache: the next open checks the file once more
        pass


def changed_since_closed(db: str) -> bool:
    """Whether the database file differs from when kb last closed it (or kb never noted it)."""
    from kb.layout import closed_stamp

    try:
        with open(closed_stamp(db), encoding="ascii") as fh:
            noted = fh.read()
        st = os.stat(db)
    except OSError:
        return True
    return noted != f"{st.st_size} {st.st_mtime_ns}"


IN_LIMIT = 500  # values bound in one ``IN (...)``: well under SQLite's limit on parameters


def in_chunks(values: list, size: int = IN_LIMIT):
    """``values`` a few hundred at a time, each with its ``?,?,...`` for ``IN (...)``: (chunk, marks)."""
    for start in range(0, len(values), size):
        chunk = values[start : start + size]
        yield chunk, ",".join("?" * len(chunk))


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection with kb's pragmas. Errors that a user can fix (unreadable folder, not a database) are KbErrors."""
    from pathlib import Path

    path = Path(path)
    if not readonly:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise KbError(
                f"{path.parent}: cannot create the database folder ({exc.strerror}); check permissions"
            ) from None
    try:
        if readonly:
            conn = open_readonly(path)
        else:
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, factory=StoreConnection)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if not readonly:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if mode != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute("PRAGMA foreign_keys = ON")
    except sqlite3.DatabaseError as exc:
        raise _explain(path, exc) from None
    return conn


def open_readonly(path: Path) -> sqlite3.Connection:
    """The database for reading only: never created, never written, never locked for writing (a site build reads
    while ``kb review`` writes). Errors stay ``sqlite3.Error``, so a reader that can do without data (the site)
    catches them; ``connect(readonly=True)`` turns them into KbErrors for commands."""
    from pathlib import Path

    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA query_only = ON")
    return conn


def _explain(path: Path, exc: sqlite3.Error) -> KbError:
    text = str(exc)
    if "not a database" in text or "malformed" in text:
        return KbError(
            f"{path}: this file is not a kb database ({text}); move it aside and run the command again "
            "to rebuild it from your notes and review journal"
        )
    if "readonly" in text or "unable to open" in text:
        return KbError(
            f"{path}: cannot write the database ({text}); check the folder's permissions and free space"
        )
    if "disk" in text and "full" in text:
        return KbError(f"{path}: the disk is full; free some space and run the command again")
    return KbError(f"{path}: database error: {text}")


def user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def migrate(conn: sqlite3.Connection, path: Path | None = None) -> None:
    """Apply pending migrations. Cheap when the schema is current: one PRAGMA, no sqlite-utils import."""
    try:
        if user_version(conn) == SCHEMA_VERSION:
            return
        import sqlite_utils

        db = sqlite_utils.Database(conn)
        migrations().apply(db)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        conn.commit()
    except sqlite3.DatabaseError as exc:
        raise _explain(path or "kb.db", exc) from None


def open_store(path: Path, *, notify=None) -> sqlite3.Connection:
    """Open (creating and migrating if needed) the database at ``path``.

    The database is a cache of the notes and the review journal, so a file that is not a kb database is moved aside
    (never deleted: ``kb.db.broken-<time>``) and a fresh one is built; ``notify`` (default: print to stderr) is told.
    So is a file whose pages are damaged: when the file changed since kb last closed it (``changed_since_closed``),
    ``PRAGMA quick_check`` reads it first.
    """
    from pathlib import Path

    what = "was not a kb database"
    try:
        check = os.path.exists(path) and changed_since_closed(str(path))
        conn = connect(path)
        damage = _quick_check(conn) if check else None
        if damage is None:
            migrate(conn, path)
            conn.stamp_path = str(path)
            return conn
        conn.close()
        what = f"was damaged ({damage})"
    except KbError as exc:
        if "not a kb database" not in str(exc) or not Path(path).exists():
            raise
    import time

    aside = Path(f"{path}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.replace(f"{path}{suffix}", f"{aside}{suffix}")
    message = f"{path}: {what}; moved it to {aside.name} and rebuilt the index from your notes and journal"
    if notify is None:
        print(f"warning: {message}", file=sys.stderr)
    else:
        notify(message)
    conn = connect(path)
    migrate(conn, path)
    conn.stamp_path = str(path)
    return conn


def _quick_check(conn: sqlite3.Connection) -> str | None:
    """What ``PRAGMA quick_check`` finds wrong (its first line), None when the file is sound. Run only on a file
    that changed since kb last closed it: it reads every page (a second or so for a large knowledge base)."""
    try:
        rows = conn.execute("PRAGMA quick_check(1)").fetchall()
    except sqlite3.DatabaseError as exc:
        return str(exc)
    first = rows[0][0] if rows else "no answer"
    return None if first == "ok" else str(first)


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass


def schema_sql(conn: sqlite3.Connection) -> str:
    """The schema as ``kb schema`` prints it: every CREATE statement, in the order the migrations ran them (the
    full-text index's own shadow tables left out). ``kb/store/schema.sql`` is this for a fresh database."""
    rows = conn.execute(
        "SELECT sql FROM sqlite_master WHERE sql IS NOT NULL AND name NOT LIKE 'notes_fts_%' ORDER BY rowid"
    )
    return "".join(sql.strip() + ";\n\n" for (sql,) in rows)
