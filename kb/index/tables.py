"""The note tables (``notes``, ``headings``, ``note_tags``, ``note_errors``, ``notes_fts``): a parsed note's rows
written or replaced, a removed note's deleted, a broken note's error recorded. Used by ``kb.index.indexer.apply``
inside its transaction.
"""

from __future__ import annotations

import os
import sqlite3
from typing import TYPE_CHECKING

from kb.errors import NoteError
from kb.store.connection import in_chunks
from kb.store.fulltext import body_chunks, fts_range

if TYPE_CHECKING:
    from kb.notes.reader import Note

# FTS5 writes its pending terms out as a new segment whenever another statement opens a savepoint in the same
# transaction: interleaving one note's full-text rows with the next note's other rows made a segment per note and
# tripled the cost of a full index. So full-text rows are written in batches of this many.
FTS_BATCH = 2000

NOTE_COLUMNS = (
    "path, title, type, author, source, tags, date, flashcards, meta, body_line, "
    "hash, size, mtime_ns, indexed_at"
)
_HEADINGS_SQL = "INSERT INTO headings (note, level, text, line, anchor) VALUES (?,?,?,?,?)"
_TAGS_SQL = "INSERT INTO note_tags (note, tag) VALUES (?,?)"


def is_note_sql(column: str = "path") -> str:
    """The condition on a ``notes`` path ``column`` that it is a note, not a section page (the SQL form of
    ``kb.layout.SECTION_PAGE_NAMES``, as ``kb.layout.count_scanned`` counts them; LIKE ignores case as that does)."""
    from kb.layout import SECTION_PAGE_NAMES

    return " AND ".join(f"{column} NOT LIKE '%/{name}'" for name in SECTION_PAGE_NAMES)


def content_hash(raw: bytes) -> str:
    """The ``hash`` column: blake2b of the file's bytes."""
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


def _note_values(note: Note, digest: str, st: os.stat_result, now: str) -> tuple:
    """A note's row in ``notes`` (``NOTE_COLUMNS``)."""
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
    """Append a note's full-text rows (one per chunk of its body, under rowids derived from the note's). The text of
    HTML comments is left out: hidden on the site, it is no search hit either."""
    from kb.notes.wikilinks import blank_comments

    base = fts_range(rowid)[0]
    tags = " ".join(note.tags)
    fts_rows.extend(
        (base + i, note.path, note.title if i == 0 else "", tags if i == 0 else "", chunk)
        for i, chunk in enumerate(body_chunks(blank_comments(note.body)))
    )


def store_note(
    conn: sqlite3.Connection,
    note: Note,
    digest: str,
    st: os.stat_result,
    now: str,
    fts_rows: list[tuple],
) -> None:
    """Write a note's rows; its full-text rows are appended to ``fts_rows`` for ``flush_fts``."""
    # (cleared even for a note new to the notes table: rows left by a connection without foreign keys must go)
    conn.execute("DELETE FROM headings WHERE note = ?", (note.path,))
    conn.execute("DELETE FROM note_tags WHERE note = ?", (note.path,))
    row = conn.execute(
        f"""INSERT INTO notes ({NOTE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)
           ON CONFLICT(path) DO UPDATE SET title=excluded.title, type=excluded.type, author=excluded.author,
               source=excluded.source, tags=excluded.tags, date=excluded.date, flashcards=excluded.flashcards,
               meta=excluded.meta, body_line=excluded.body_line, hash=excluded.hash, size=excluded.size,
               mtime_ns=excluded.mtime_ns, indexed_at=excluded.indexed_at
           RETURNING rowid""",
        _note_values(note, digest, st, now),
    ).fetchone()
    rowid = row[0]
    conn.execute("DELETE FROM notes_fts WHERE rowid BETWEEN ? AND ?", fts_range(rowid))
    conn.executemany(_HEADINGS_SQL, [(note.path, h.level, h.text, h.line, h.anchor) for h in note.headings])
    conn.executemany(_TAGS_SQL, [(note.path, t) for t in note.tags])
    _add_fts_rows(fts_rows, rowid, note)


class FreshRows:
    """A first index's note rows, written many notes at a time: with the note tables empty when the run began there
    is nothing to replace, so no per-note deletes and no per-note statements. Rowids are given out in order, as
    SQLite gives them to an empty table, so the tables are the ones ``store_note`` writes."""

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
                f"INSERT INTO notes (rowid, {NOTE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                self.notes,
            )
            self.notes.clear()
        if self.headings:
            conn.executemany(_HEADINGS_SQL, self.headings)
            self.headings.clear()
        if self.tags:
            conn.executemany(_TAGS_SQL, self.tags)
            self.tags.clear()


def is_fresh(conn: sqlite3.Connection) -> bool:
    """Whether every note table is empty (a first index)."""
    return all(
        conn.execute(f"SELECT 1 FROM {table} LIMIT 1").fetchone() is None
        for table in ("notes", "headings", "note_tags", "notes_fts")
    )


def flush_fts(conn: sqlite3.Connection, fts_rows: list[tuple]) -> None:
    """Write the full-text rows gathered so far (and forget them)."""
    if fts_rows:
        conn.executemany(
            "INSERT INTO notes_fts (rowid, path, title, tags, body) VALUES (?,?,?,?,?)", fts_rows
        )
        fts_rows.clear()


def remove_note(conn: sqlite3.Connection, path: str) -> None:
    row = conn.execute("SELECT rowid FROM notes WHERE path = ?", (path,)).fetchone()
    if row is None:
        return
    conn.execute("DELETE FROM notes_fts WHERE rowid BETWEEN ? AND ?", fts_range(row[0]))
    conn.execute("DELETE FROM notes WHERE path = ?", (path,))  # headings and tags cascade


def record_error(conn: sqlite3.Connection, err: NoteError, st: os.stat_result) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO note_errors (path, line, message, size, mtime_ns) VALUES (?,?,?,?,?)",
        (err.path, err.line, err.message, st.st_size, st.st_mtime_ns),
    )


def forget_error(conn: sqlite3.Connection, path: str) -> None:
    conn.execute("DELETE FROM note_errors WHERE path = ?", (path,))


def record_touch(conn: sqlite3.Connection, path: str, st: os.stat_result) -> None:
    """A note touched with the same bytes: only its new size and mtime are recorded."""
    conn.execute("UPDATE notes SET size = ?, mtime_ns = ? WHERE path = ?", (st.st_size, st.st_mtime_ns, path))


def stored_hashes(conn: sqlite3.Connection, paths: list[str]) -> dict[str, str]:
    """The content hash of each of ``paths`` that the notes table holds."""
    found = {}
    for chunk, marks in in_chunks(paths):
        found.update(conn.execute(f"SELECT path, hash FROM notes WHERE path IN ({marks})", chunk))
    return found
