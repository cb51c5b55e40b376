"""kb's migrations: one top-level function per schema change, registered in order by ``@migration(name)``.

Each is applied once, in order, and recorded by its name in ``_sqlite_migrations`` (sqlite-utils' table, migration
set ``kb``), so a fresh database and an old one take the same path. A migration that has shipped is never edited:
add a new function at the end (and bump ``kb.store.connection.SCHEMA_VERSION``). ``schema.sql`` beside this file
is the schema they build.

Importing this module imports no sqlite-utils: ``migration_set()`` builds the ``sqlite_utils.Migrations`` when a
database actually needs migrating.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    import sqlite_utils


class Migration(NamedTuple):
    name: str  # as recorded in _sqlite_migrations
    apply: Callable[[sqlite_utils.Database], None]


MIGRATIONS: list[Migration] = []


def migration(name: str):
    """Register the decorated function as the next migration, recorded under ``name``."""

    def register(fn):
        MIGRATIONS.append(Migration(name, fn))
        return fn

    return register


def migration_set():
    """The migrations as a ``sqlite_utils.Migrations`` (set ``kb``), which applies and records them."""
    from sqlite_utils import Migrations

    migrations = Migrations("kb")
    for name, fn in MIGRATIONS:
        migrations(name=name)(fn)
    return migrations


@migration("001_notes")
def create_note_tables(db: sqlite_utils.Database) -> None:
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


@migration("002_cards")
def create_card_tables(db: sqlite_utils.Database) -> None:
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
    # document frequencies of the (stemmed) terms of notes_fts, for term statistics. A `term = ?` lookup walks the
    # term's whole doclist, so kb.cards.sync does not use it per word during an index run.
    db.execute("CREATE VIRTUAL TABLE notes_vocab USING fts5vocab(notes_fts, 'row')")


@migration("003_reviews")
def create_review_tables(db: sqlite_utils.Database) -> None:
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


@migration("004_quizzes")
def create_quiz_tables(db: sqlite_utils.Database) -> None:
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


@migration("005_scan_state")
def create_scan_state(db: sqlite_utils.Database) -> None:
    # The last scan of the notes folder that matched the notes table, so a no-op `kb index` compares one string
    # instead of reading every row (kb.index.scanstate). Triggers bump scan_version on every change of notes or
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


@migration("006_card_event_data")
def add_card_event_data(db: sqlite_utils.Database) -> None:
    # A 'schedule' event (a card's schedule set as another program had it: an Anki import) carries the schedule
    # and the card's colour flag as JSON; the fold of the card's history starts again from it (kb.review.history).
    db.execute("ALTER TABLE card_events ADD COLUMN data TEXT")


@migration("007_obsidian_schedules")
def add_obsidian_schedules(db: sqlite_utils.Database) -> None:
    # Schedules written by the Obsidian Spaced Repetition plugin beside a card (<!--SR:...-->, kb.cards.obsidian):
    # the card's entry as written, the cards whose entry may still need adopting (kb.review.adopt), and the starting
    # schedules adopted (folded under the card's reviews by kb.review.history.recompute; rebuilt from the journal).
    db.execute("ALTER TABLE cards ADD COLUMN sr_schedule TEXT NOT NULL DEFAULT ''")
    db.execute(
        """
            CREATE TABLE sr_pending (
                card_id TEXT PRIMARY KEY     -- a card written with an <!--SR:--> schedule since the last adoption
            ) WITHOUT ROWID"""
    )
    db.execute(
        """
            CREATE TABLE card_starts (
                card_id TEXT PRIMARY KEY,    -- the card whose history starts from this schedule (once only)
                uid TEXT NOT NULL,           -- the journal line that recorded it
                at TEXT NOT NULL,            -- UTC ISO 8601, when kb adopted it
                source TEXT NOT NULL,        -- obsidian-sr
                state TEXT NOT NULL          -- JSON of the card_state it starts from
            )"""
    )
    # The cards of an existing database get their schedules and deck tags when their note is next parsed (an edit,
    # or `kb index --full`); the note rows are not touched here (an upgrade keeps every row as it was).


@migration("008_quiz_journal")
def add_quiz_uid(db: sqlite_utils.Database) -> None:
    # Quiz results go to the review journal too (lines `quiz` and `quiz-answer`), so a rebuilt database keeps them:
    # a quiz is known by its journal line's id, which replay uses to apply each line once.
    db.execute("ALTER TABLE quizzes ADD COLUMN uid TEXT")
    db.execute("CREATE UNIQUE INDEX quizzes_uid ON quizzes (uid)")


@migration("009_card_rules")
def add_card_rules(db: sqlite_utils.Database) -> None:
    # The rules that made the generated cards (kb.cards.CARD_RULES) when every note was last read: a kb whose rules
    # differ reads every note again once, so its improved cards replace the old ones (each matched to its history
    # like an edited card). Empty: never recorded (an upgraded database: its next index reads every note).
    db.execute("ALTER TABLE scan_version ADD COLUMN card_rules TEXT NOT NULL DEFAULT ''")
