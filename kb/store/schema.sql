-- The schema of .kb/kb.db, as `kb schema` prints it for a fresh database: what kb.store.migrations builds.
-- A reference, not code: tests/test_store_migrations.py keeps it equal to a fresh database's schema.

CREATE TABLE "_sqlite_migrations" (
   "id" INTEGER PRIMARY KEY,
   "migration_set" TEXT,
   "name" TEXT,
   "applied_at" TEXT
);

CREATE UNIQUE INDEX "idx__sqlite_migrations_migration_set_name"
    ON "_sqlite_migrations" ("migration_set", "name");

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
            );

CREATE TABLE headings (
                note TEXT NOT NULL REFERENCES notes(path) ON DELETE CASCADE,
                level INTEGER NOT NULL,
                text TEXT NOT NULL,
                line INTEGER NOT NULL,
                anchor TEXT NOT NULL
            );

CREATE INDEX headings_note ON headings(note);

CREATE TABLE note_tags (
                note TEXT NOT NULL REFERENCES notes(path) ON DELETE CASCADE,
                tag TEXT NOT NULL,
                PRIMARY KEY (note, tag)
            ) WITHOUT ROWID;

CREATE INDEX note_tags_tag ON note_tags(tag);

CREATE TABLE note_errors (
                path TEXT PRIMARY KEY,       -- the broken file; its last good version stays in notes
                line INTEGER NOT NULL,
                message TEXT NOT NULL,
                size INTEGER,
                mtime_ns INTEGER
            );

CREATE VIRTUAL TABLE notes_fts USING fts5(path UNINDEXED, title, tags, body, tokenize = 'porter unicode61 remove_diacritics 2');

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
            , sr_schedule TEXT NOT NULL DEFAULT '');

CREATE INDEX cards_note ON cards(note, position);

CREATE INDEX cards_orphaned ON cards(orphaned_at) WHERE orphaned_at IS NOT NULL;

CREATE TABLE card_problems (
                note TEXT NOT NULL,          -- card-syntax mistakes found when the note was last indexed
                line INTEGER NOT NULL,
                message TEXT NOT NULL
            );

CREATE INDEX card_problems_note ON card_problems(note);

CREATE TABLE card_term_stats (
                word TEXT PRIMARY KEY,       -- lower-case word as the card extractor tokenises it
                df INTEGER NOT NULL          -- notes of the sample containing it (see kb/cardsync.py CorpusStats)
            ) WITHOUT ROWID;

CREATE VIRTUAL TABLE notes_vocab USING fts5vocab(notes_fts, 'row');

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
            );

CREATE INDEX card_state_due ON card_state(state, due);

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
            );

CREATE INDEX reviews_card ON reviews(card_id, reviewed_at);

CREATE INDEX reviews_time ON reviews(reviewed_at);

CREATE TABLE card_events (
                uid TEXT PRIMARY KEY,        -- the journal line's id
                card_id TEXT NOT NULL,
                kind TEXT NOT NULL,          -- suspend, unsuspend, bury, leech, undo
                at TEXT NOT NULL,            -- UTC ISO 8601
                ref TEXT,                    -- undo, leech: the review's uid
                until TEXT                   -- bury: UTC ISO 8601 end of the burial
            , data TEXT);

CREATE INDEX card_events_card ON card_events(card_id, at);

CREATE TABLE journal_files (
                name TEXT PRIMARY KEY,       -- .kb/journal/<device>.jsonl
                size INTEGER NOT NULL,       -- bytes replayed so far
                mtime_ns INTEGER NOT NULL
            );

CREATE TABLE quizzes (
                id INTEGER PRIMARY KEY,
                started_at TEXT NOT NULL,
                scope TEXT NOT NULL DEFAULT '',   -- e.g. tag:taxes, note:notes/ml/rnns.md
                seed INTEGER,
                questions INTEGER NOT NULL DEFAULT 0,
                correct INTEGER NOT NULL DEFAULT 0
            , uid TEXT);

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
            );

CREATE TABLE scan_version (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL     -- bumped by a trigger on every row written to notes or note_errors
            , card_rules TEXT NOT NULL DEFAULT '');

CREATE TABLE scan_snapshot (
                id INTEGER PRIMARY KEY CHECK (id = 1),
                version INTEGER NOT NULL,    -- scan_version.version when the snapshot was taken
                root TEXT NOT NULL,          -- the knowledge-base root it was taken in
                notes TEXT NOT NULL,         -- the notes folder scanned (absolute)
                prefix TEXT NOT NULL,        -- the notes folder relative to the root (notes)
                config_key TEXT NOT NULL,    -- size, mtime and inode of mkdocs.yml when its docs_dir was read
                lines BLOB NOT NULL          -- path NUL size NUL mtime_ns per note, newline-separated, scan order
            );

CREATE TRIGGER notes_insert_scan_version AFTER INSERT ON notes
                    BEGIN UPDATE scan_version SET version = version + 1; END;

CREATE TRIGGER notes_update_scan_version AFTER UPDATE ON notes
                    BEGIN UPDATE scan_version SET version = version + 1; END;

CREATE TRIGGER notes_delete_scan_version AFTER DELETE ON notes
                    BEGIN UPDATE scan_version SET version = version + 1; END;

CREATE TRIGGER note_errors_insert_scan_version AFTER INSERT ON note_errors
                    BEGIN UPDATE scan_version SET version = version + 1; END;

CREATE TRIGGER note_errors_update_scan_version AFTER UPDATE ON note_errors
                    BEGIN UPDATE scan_version SET version = version + 1; END;

CREATE TRIGGER note_errors_delete_scan_version AFTER DELETE ON note_errors
                    BEGIN UPDATE scan_version SET version = version + 1; END;

CREATE TABLE sr_pending (
                card_id TEXT PRIMARY KEY     -- a card written with an <!--SR:--> schedule since the last adoption
            ) WITHOUT ROWID;

CREATE TABLE card_starts (
                card_id TEXT PRIMARY KEY,    -- the card whose history starts from this schedule (once only)
                uid TEXT NOT NULL,           -- the journal line that recorded it
                at TEXT NOT NULL,            -- UTC ISO 8601, when kb adopted it
                source TEXT NOT NULL,        -- obsidian-sr
                state TEXT NOT NULL          -- JSON of the card_state it starts from
            );

CREATE UNIQUE INDEX quizzes_uid ON quizzes (uid);

