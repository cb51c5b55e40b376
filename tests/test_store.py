import sqlite3

import sqlite_utils

from kb.store.connection import SCHEMA_VERSION, migrations, open_store

EXPECTED_TABLES = {
    "notes",
    "headings",
    "note_tags",
    "note_errors",
    "notes_fts",
    "cards",
    "card_state",
    "reviews",
    "journal_files",
    "quizzes",
    "quiz_answers",
}


def tables(conn):
    return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def schema(conn):
    return sorted(
        r for r in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE '_sqlite%'")
    )


def test_fresh_database_gets_every_table(tmp_path):
    conn = open_store(tmp_path / "kb.db")
    assert EXPECTED_TABLES <= tables(conn)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert SCHEMA_VERSION == len(migrations().applied(sqlite_utils.Database(conn)))


def test_schema_version_counts_the_migrations():
    assert SCHEMA_VERSION == len(migrations()._migrations)


def test_migrating_twice_changes_nothing(tmp_path):
    conn = open_store(tmp_path / "kb.db")
    before = schema(conn)
    conn.close()
    conn = open_store(tmp_path / "kb.db")
    assert schema(conn) == before
    assert migrations().pending(sqlite_utils.Database(conn)) == []


def test_upgrade_from_first_version_keeps_data(tmp_path):
    path = tmp_path / "kb.db"
    conn = sqlite3.connect(path)
    db = sqlite_utils.Database(conn)
    # Apply only the first migration, as the first release of kb would have.
    first = migrations()._migrations[0]
    db.execute(
        "CREATE TABLE IF NOT EXISTS _sqlite_migrations (id INTEGER PRIMARY KEY, migration_set TEXT, name TEXT,"
        " applied_at TEXT)"
    )
    first.fn(db)
    db.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('kb', ?, '2026-01-01')",
        (first.name,),
    )
    db.execute("PRAGMA user_version = 1")
    db.execute(
        "INSERT INTO notes (path, title, type, hash, size, mtime_ns, indexed_at) "
        "VALUES ('notes/a.md', 'A', 'note', 'h', 1, 1, 'now')"
    )
    conn.commit()
    conn.close()
    conn = open_store(path)
    assert EXPECTED_TABLES <= tables(conn)
    assert conn.execute("SELECT title FROM notes").fetchall() == [("A",)]


def test_a_file_that_is_not_a_database_is_moved_aside_and_rebuilt(tmp_path):
    path = tmp_path / "kb.db"
    junk = b"this is not sqlite" * 100
    path.write_bytes(junk)
    told = []
    conn = open_store(path, notify=told.append)
    assert EXPECTED_TABLES <= tables(conn)
    [message] = told
    assert "was not a kb database" in message and "broken-" in message
    [aside] = tmp_path.glob("kb.db.broken-*")
    assert aside.read_bytes() == junk  # moved, never deleted
