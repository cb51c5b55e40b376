"""The store: kb's SQLite database, its connection settings and its migrations.

The database is a cache of the notes and the review journal, but it is also where answers land first, so it is opened
in WAL mode with a busy timeout (a `kb index` or `mkdocs build` running beside `kb review` waits, never fails with
"database is locked") and ``synchronous=FULL`` (an answer committed is on disk).

Migrations are an ordered list of named functions (``sqlite_utils.Migrations``), applied when the store opens, so a
fresh database and an old one take the same path. Never edit a migration that has shipped; add a new one. The schema
is documented in ``docs_schema()`` (printed by ``kb schema``).
"""

from __future__ import annotations

import os
import sqlite3
import sys

from kb.errors import KbError

# Neither pathlib nor typing at import time: a no-op `kb index` reads SCHEMA_VERSION from here and pays only for
# what it imports (kb.scanstate).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path

    import sqlite_utils

BUSY_TIMEOUT_MS = 30_000

# Bumped whenever a migration is added, so the fast path can tell without importing sqlite-utils.
SCHEMA_VERSION = 5

_migrations = None


def migrations():
    """The ordered migration set. Built lazily: sqlite-utils costs ~0.1 s to import and a no-op command skips it."""
    global _migrations
    if _migrations is not None:
        return _migrations
    from sqlite_utils import Migrations

    m = Migrations("kb")

    @m(name="001_notes")
    def notes(db: sqlite_utils.Database) -> None:
        db.execute(
            """
            CREATE TABLE notes (
                path TEXT PRIMARY KEY,      -- relative to the root: notes/books/atomic-habits.md
                title TEXT NOT NULL,
                type TEXT NOT NULL,
                author TEXT,
                source TEXT,
                tags TEXT NOT NULL DEFAULT '[]',   -- JSON list
                date TEXT,
                flashcards INTEGER NOT NULL DEFAULT 1,
                meta TEXT NOT NULL DEFAULT '{}',   -- the whole front matter as JSON
                body_line INTEGER NOT NULL DEFAULT 1,
                hash TEXT NOT NULL,          -- blake2b of the file's bytes
                size INTEGER NOT NULL,
                mtime_ns INTEGER NOT NULL,
                indexed_at TEXT NOT NULL
            )"""
        )
        db.execute(
            """
            CREATE TABLE headings (
                note TEXT NOT NULL REFERENCES notes(path) ON DELETE CASCADE,
                level INTEGER NOT NULL,
                text TEXT NOT NULL,
                line INTEGER NOT NULL,
                anchor TEXT NOT NULL
            )"""
        )
        db.execute("CREATE INDEX headings_note ON headings(note)")
        db.execute(
            """
            CREATE TABLE note_tags (
                note TEXT NOT NULL REFERENCES notes(path) ON DELETE CASCADE,
                tag TEXT NOT NULL,
                PRIMARY KEY (note, tag)
            ) WITHOUT ROWID"""
        )
        db.execute("CREATE INDEX note_tags_tag ON note_tags(tag)")
        db.execute(
            """
            CREATE TABLE note_errors (
                path TEXT PRIMARY KEY,       -- the broken file; its last good version stays in notes
                line INTEGER NOT NULL,
                message TEXT NOT NULL,
                size INTEGER,
                mtime_ns INTEGER
            )"""
        )
        db.execute(
            "CREATE VIRTUAL TABLE notes_fts USING fts5("
            "path UNINDEXED, title, tags, body, tokenize = 'porter unicode61 remove_diacritics 2')"
        )

    @m(name="002_cards")
    def cards(db: sqlite_utils.Database) -> None:
        db.execute(
            """
            CREATE TABLE cards (
                id TEXT PRIMARY KEY,         -- stable across edits, moves and renames (see kb/identity.py)
                note TEXT NOT NULL,          -- the note it comes from (its last known path when orphaned)
                line INTEGER NOT NULL,       -- 1-based line in the note
                end_line INTEGER NOT NULL DEFAULT 0,  -- last line of the card's source (lines line..end_line)
                position INTEGER NOT NULL,   -- order within the note
                kind TEXT NOT NULL,          -- basic, reversed, cloze, question, definition, keypoint
                front TEXT NOT NULL,         -- cloze: the text with this card's deletion shown as [...] or [hint]
                back TEXT NOT NULL,          -- cloze: the full text without markup
                context TEXT NOT NULL DEFAULT '',   -- heading breadcrumb: Atomic Habits > The four laws
                tags TEXT NOT NULL DEFAULT '[]',
                type TEXT NOT NULL DEFAULT '',
                generated INTEGER NOT NULL DEFAULT 0,
                sibling TEXT NOT NULL DEFAULT '',   -- cards sharing this key are siblings (one a day)
                cloze_text TEXT NOT NULL DEFAULT '', -- cloze source in Anki markup {{c1::x}} (for the Anki export)
                cloze_index INTEGER NOT NULL DEFAULT 0, -- the deletion number this card hides
                fingerprint TEXT NOT NULL DEFAULT '', -- normalised text used to recognise the card after edits
                origin TEXT NOT NULL DEFAULT '',     -- the note's path when the card was first seen (its id derives from it)
                created_at TEXT NOT NULL,
                updated_at TEXT,             -- last time the card's content or place changed
                orphaned_at TEXT,            -- set when the card vanished from its note; history is kept
                suspended INTEGER NOT NULL DEFAULT 0,
                buried_until TEXT,
                flags TEXT NOT NULL DEFAULT '[]'    -- e.g. ["leech"]
            )"""
        )
        db.execute("CREATE INDEX cards_note ON cards(note, position)")
        db.execute("CREATE INDEX cards_orphaned ON cards(orphaned_at) WHERE orphaned_at IS NOT NULL")
        db.execute(
            """
            CREATE TABLE card_problems (
                note TEXT NOT NULL,          -- card-syntax mistakes found when the note was last indexed
                line INTEGER NOT NULL,
                message TEXT NOT NULL
            )"""
        )
        db.execute("CREATE INDEX card_problems_note ON card_problems(note)")
        db.execute(
            """
            CREATE TABLE card_term_stats (
                word TEXT PRIMARY KEY,       -- lower-case word as the card extractor tokenises it
                df INTEGER NOT NULL          -- notes of the sample containing it (see kb/cardsync.py CorpusStats)
            ) WITHOUT ROWID"""
        )
        # document frequencies of the (stemmed) terms of notes_fts, for term statistics. Note: a `term = ?` lookup
        # walks the term's whole doclist (1.5 ms for a common word at 10,000 notes), so kb/cardsync.py does not use
        # it per word during an index run.
        db.execute("CREATE VIRTUAL TABLE notes_vocab USING fts5vocab(notes_fts, 'row')")

    @m(name="003_reviews")
    def reviews(db: sqlite_utils.Database) -> None:
        db.execute(
            """
            CREATE TABLE card_state (
                card_id TEXT PRIMARY KEY,    -- a card with no row here is new
                state INTEGER NOT NULL,      -- fsrs.State: 1 learning, 2 review, 3 relearning
                step INTEGER,                -- learning/relearning step, NULL in review
                stability REAL,
                difficulty REAL,
                due TEXT NOT NULL,           -- UTC ISO 8601
                last_review TEXT,            -- UTC ISO 8601
                reps INTEGER NOT NULL DEFAULT 0,
                lapses INTEGER NOT NULL DEFAULT 0
            )"""
        )
        # the review queue walks (state, due) in order and stops at a LIMIT: never a scan of every card
        db.execute("CREATE INDEX card_state_due ON card_state(state, due)")
        db.execute(
            """
            CREATE TABLE reviews (
                id INTEGER PRIMARY KEY,
                uid TEXT NOT NULL UNIQUE,    -- the journal line's id: replaying a journal twice adds nothing
                card_id TEXT NOT NULL,
                reviewed_at TEXT NOT NULL,   -- UTC ISO 8601
                grade INTEGER NOT NULL,      -- 1 again, 2 hard, 3 good, 4 easy
                duration_ms INTEGER,
                state_before TEXT,           -- JSON of card_state before the answer (NULL: the card was new)
                state_after TEXT NOT NULL,   -- JSON of card_state after the answer
                device TEXT NOT NULL DEFAULT '',
                source TEXT NOT NULL DEFAULT 'review',  -- review, quiz, anki-import
                undone INTEGER NOT NULL DEFAULT 0,      -- 1 once an undo record names this review
                logged TEXT                  -- JSON {before, after} as the journal line recorded them (replay)
            )"""
        )
        db.execute("CREATE INDEX reviews_card ON reviews(card_id, reviewed_at)")
        db.execute("CREATE INDEX reviews_time ON reviews(reviewed_at)")
        db.execute(
            """
            CREATE TABLE card_events (
                uid TEXT PRIMARY KEY,        -- the journal line's id
                card_id TEXT NOT NULL,
                kind TEXT NOT NULL,          -- suspend, unsuspend, bury, leech, undo
                at TEXT NOT NULL,            -- UTC ISO 8601
                ref TEXT,                    -- undo, leech: the review's uid
                until TEXT                   -- bury: UTC ISO 8601 end of the burial
            )"""
        )
        db.execute("CREATE INDEX card_events_card ON card_events(card_id, at)")
        db.execute(
            """
            CREATE TABLE journal_files (
                name TEXT PRIMARY KEY,       -- .kb/journal/<device>.jsonl
                size INTEGER NOT NULL,       -- bytes replayed so far
                mtime_ns INTEGER NOT NULL
            )"""
        )

    @m(name="004_quizzes")
    def quizzes(db: sqlite_utils.Database) -> None:
        db.execute(
            """
            CREATE TABLE quizzes (
                id INTEGER PRIMARY KEY,
                started_at TEXT NOT NULL,
                scope TEXT NOT NULL DEFAULT '',   -- e.g. tag:taxes, note:notes/ml/rnns.md
                seed INTEGER,
                questions INTEGER NOT NULL DEFAULT 0,
                correct INTEGER NOT NULL DEFAULT 0
            )"""
        )
        db.execute(
            """
            CREATE TABLE quiz_answers (
                quiz_id INTEGER NOT NULL REFERENCES quizzes(id),
                position INTEGER NOT NULL,
                kind TEXT NOT NULL,          -- mcq, cloze, tf
                card_id TEXT,
                note TEXT,
                line INTEGER,
                question TEXT NOT NULL,
                answer TEXT NOT NULL,        -- the right answer
                given TEXT,
                correct INTEGER NOT NULL,
                answered_at TEXT NOT NULL,
                duration_ms INTEGER,
                PRIMARY KEY (quiz_id, position)
            )"""
        )

    @m(name="005_scan_state")
    def scan_state(db: sqlite_utils.Database) -> None:
        # The last scan of the notes folder that matched the notes table, so a no-op `kb index` compares one string
        # instead of reading every row (kb.scanstate). Triggers bump scan_version on every change of notes or
        # note_errors, by any process: a snapshot is trusted only while its version is still the current one.
        db.execute(
            """
            CREATE TABLE scan_version (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL     -- bumped by a trigger on every row written to notes or note_errors
            )"""
        )
        db.execute("INSERT INTO scan_version (id, version) VALUES (1, 0)")
        db.execute(
            """
            CREATE TABLE scan_snapshot (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL,    -- scan_version.version when the snapshot was taken
                root TEXT NOT NULL,          -- the knowledge-base root it was taken in
                notes TEXT NOT NULL,         -- the notes folder scanned (absolute)
                prefix TEXT NOT NULL,        -- the notes folder relative to the root (notes)
                config_key TEXT NOT NULL,    -- size, mtime and inode of mkdocs.yml when its docs_dir was read
                lines BLOB NOT NULL          -- path NUL size NUL mtime_ns per note, newline-separated, scan order
            )"""
        )
        for table in ("notes", "note_errors"):
            for event in ("INSERT", "UPDATE", "DELETE"):
                db.execute(
                    f"""
                    CREATE TRIGGER {table}_{event.lower()}_scan_version AFTER {event} ON {table}
                    BEGIN UPDATE scan_version SET version = version + 1; END"""
                )

    _migrations = m
    return m


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
            conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000)
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
    """
    from pathlib import Path

    try:
        conn = connect(path)
        migrate(conn, path)
        return conn
    except KbError as exc:
        if "not a kb database" not in str(exc) or not Path(path).exists():
            raise
    import time

    aside = Path(f"{path}.broken-{time.strftime('%Y%m%d-%H%M%S')}")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(f"{path}{suffix}"):
            os.replace(f"{path}{suffix}", f"{aside}{suffix}")
    message = f"{path}: was not a kb database; moved it to {aside.name} and rebuilt the index from your notes and journal"
    if notify is None:
        print(f"warning: {message}", file=sys.stderr)
    else:
        notify(message)
    conn = connect(path)
    migrate(conn, path)
    return conn


def as_database(conn: sqlite3.Connection) -> sqlite_utils.Database:
    import sqlite_utils

    return sqlite_utils.Database(conn)


def remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        try:
            os.unlink(f"{path}{suffix}")
        except FileNotFoundError:
            pass
