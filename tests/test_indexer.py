import os
import sqlite3

import pytest

from kb.index.indexer import index
from kb.store.connection import open_store

HABITS = """\
---
title: Atomic Habits
type: book
tags: [habits, productivity]
---
# Atomic Habits

## The four laws
Make it obvious, attractive, easy and satisfying.
"""


def run(kbroot):
    kb = kbroot.open()
    conn = open_store(kb.db)
    return conn, index(kb, conn)


def titles(conn):
    return dict(conn.execute("SELECT path, title FROM notes"))


def bump_mtime(path):
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_first_index_stores_notes_headings_tags_and_text(kbroot):
    kbroot.write("books/atomic-habits.md", HABITS)
    kbroot.write("index.md", "# Home\n")
    conn, report = run(kbroot)
    assert sorted(report.added) == ["notes/books/atomic-habits.md", "notes/index.md"]
    row = conn.execute(
        "SELECT title, type, tags, hash, size, body_line FROM notes WHERE path LIKE '%habits%'"
    ).fetchone()
    assert row[0:3] == ("Atomic Habits", "book", '["habits", "productivity"]')
    assert len(row[3]) == 32 and row[4] > 0 and row[5] == 6
    assert conn.execute("SELECT text, line FROM headings WHERE level = 2").fetchone() == ("The four laws", 8)
    assert sorted(r[0] for r in conn.execute("SELECT tag FROM note_tags")) == ["habits", "productivity"]
    assert conn.execute("SELECT path FROM notes_fts WHERE notes_fts MATCH 'attractive'").fetchone() == (
        "notes/books/atomic-habits.md",
    )


def test_unchanged_files_are_not_read_again(kbroot, monkeypatch):
    kbroot.write("books/atomic-habits.md", HABITS)
    conn, _ = run(kbroot)
    import builtins

    opened = []
    real_open = builtins.open
    monkeypatch.setattr(
        builtins, "open", lambda f, *a, **k: (opened.append(str(f)), real_open(f, *a, **k))[1]
    )
    kb = kbroot.open()
    report = index(kb, conn)
    assert not report.changed and report.unchanged == 1
    assert not [f for f in opened if f.endswith(".md")]


def test_touch_without_change_keeps_the_note_and_records_the_new_mtime(kbroot):
    path = kbroot.write("books/atomic-habits.md", HABITS)
    conn, _ = run(kbroot)
    bump_mtime(path)
    _, report = run(kbroot)
    assert not report.changed and report.unchanged == 1
    mtime = conn.execute("SELECT mtime_ns FROM notes").fetchone()[0]
    assert mtime == path.stat().st_mtime_ns


def test_edit_is_reparsed(kbroot):
    path = kbroot.write("books/atomic-habits.md", HABITS)
    conn, _ = run(kbroot)
    path.write_text(
        HABITS.replace("title: Atomic Habits", "title: Atomic Habits (2018)") + "\nNew words: zettel.\n"
    )
    bump_mtime(path)
    _, report = run(kbroot)
    assert report.updated == ["notes/books/atomic-habits.md"]
    assert titles(conn) == {"notes/books/atomic-habits.md": "Atomic Habits (2018)"}
    assert conn.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'zettel'").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM notes_fts").fetchone()[0] == 1


def test_delete_and_rename(kbroot):
    path = kbroot.write("books/atomic-habits.md", HABITS)
    kbroot.write("books/deep-work.md", "# Deep Work\n")
    conn, _ = run(kbroot)
    path.rename(kbroot.notes / "books" / "habits.md")
    (kbroot.notes / "books" / "deep-work.md").unlink()
    _, report = run(kbroot)
    assert sorted(report.removed) == ["notes/books/atomic-habits.md", "notes/books/deep-work.md"]
    assert report.added == ["notes/books/habits.md"]
    assert titles(conn) == {"notes/books/habits.md": "Atomic Habits"}
    assert conn.execute("SELECT count(*) FROM headings WHERE note LIKE '%deep-work%'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM notes_fts").fetchone()[0] == 1


def test_hidden_folders_and_other_files_are_ignored(kbroot):
    kbroot.write(".obsidian/workspace.md", "# hidden\n")
    kbroot.write("books/cover.png", b"\x89PNG")
    kbroot.write("books/a.md", "# A\n")
    conn, report = run(kbroot)
    assert list(titles(conn)) == ["notes/books/a.md"]


@pytest.mark.parametrize(
    "raw, line, fragment",
    [
        (b"---\ntitle: [oops\n---\n", 3, "not valid YAML"),
        (b"caf\xe9\n", 1, "UTF-8"),
        (b"", 1, "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", 3, "binary"),
    ],
)
def test_a_bad_note_is_reported_and_the_rest_indexed(kbroot, raw, line, fragment):
    kbroot.write("books/good.md", "# Good\n")
    kbroot.write("books/bad.md", raw)
    conn, report = run(kbroot)
    assert list(titles(conn)) == ["notes/books/good.md"]
    [err] = report.errors
    assert str(err).startswith(f"notes/books/bad.md:{line}: ") and fragment in str(err)
    # Unchanged and still broken: reported again without being re-read.
    _, again = run(kbroot)
    assert [str(e) for e in again.errors] == [str(err)]


def test_last_good_version_of_a_broken_note_is_kept_until_fixed(kbroot):
    path = kbroot.write("books/atomic-habits.md", HABITS)
    conn, _ = run(kbroot)
    path.write_text("---\ntitle: [broken\n---\n")
    bump_mtime(path)
    _, report = run(kbroot)
    assert len(report.errors) == 1
    assert titles(conn) == {"notes/books/atomic-habits.md": "Atomic Habits"}
    assert (
        conn.execute("SELECT count(*) FROM notes_fts WHERE notes_fts MATCH 'attractive'").fetchone()[0] == 1
    )
    path.write_text(HABITS.replace("Atomic Habits", "Fixed"))
    bump_mtime(path)
    _, report = run(kbroot)
    assert not report.errors and report.updated == ["notes/books/atomic-habits.md"]
    assert titles(conn) == {"notes/books/atomic-habits.md": "Fixed"}
    assert conn.execute("SELECT count(*) FROM note_errors").fetchone()[0] == 0


def test_a_broken_note_that_is_deleted_stops_being_reported(kbroot):
    path = kbroot.write("bad.md", b"\xff\n")
    conn, report = run(kbroot)
    assert report.errors
    path.unlink()
    _, report = run(kbroot)
    assert not report.errors


def test_symlink_loop_is_reported_not_fatal(kbroot):
    kbroot.write("a.md", "# A\n")
    os.symlink("loop.md", kbroot.notes / "loop.md")
    os.symlink(kbroot.notes, kbroot.notes / "self")
    conn, report = run(kbroot)
    assert list(titles(conn)) == ["notes/a.md"]
    assert [e.path for e in report.errors] == ["notes/loop.md"]


def test_unreadable_note_is_reported(kbroot, monkeypatch):
    path = kbroot.write("secret.md", "# S\n")
    kbroot.write("open.md", "# Open\n")
    path.chmod(0)
    if os.geteuid() == 0:
        # root reads any file whatever its mode, so the refusal a normal user gets is injected at open().
        import builtins

        real_open = builtins.open

        def refusing_open(file, *args, **kwargs):
            if str(file).endswith("secret.md"):
                raise PermissionError(13, "Permission denied", str(file))
            return real_open(file, *args, **kwargs)

        monkeypatch.setattr(builtins, "open", refusing_open)
    conn, report = run(kbroot)
    assert [str(e) for e in report.errors] == [
        "notes/secret.md:1: cannot read this note (Permission denied); check its permissions"
    ]
    assert list(titles(conn)) == ["notes/open.md"]


def test_file_deleted_between_scan_and_read_counts_as_deleted(kbroot, monkeypatch):
    path = kbroot.write("gone.md", "# Gone\n")
    kbroot.write("kept.md", "# Kept\n")
    conn, _ = run(kbroot)
    path.write_text("# Gone, edited\n")
    bump_mtime(path)
    import kb.index.planning as planning

    real_scan = planning.scan

    def scan_then_delete(*args):
        found = real_scan(*args)
        path.unlink()
        return found

    monkeypatch.setattr(planning, "scan", scan_then_delete)
    _, report = run(kbroot)
    assert not report.errors
    assert list(titles(conn)) == ["notes/kept.md"]


def test_database_is_a_real_sqlite_file_in_wal_mode(kbroot):
    kbroot.write("a.md", "# A\n")
    run(kbroot)
    db = kbroot.root / ".kb" / "kb.db"
    conn = sqlite3.connect(db)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_sql_is_parameterised(kbroot):
    kbroot.write("evil.md", '---\ntitle: "\'); DROP TABLE notes;--"\ntags: ["x\'--"]\n---\ntext\n')
    conn, report = run(kbroot)
    assert titles(conn) == {"notes/evil.md": "'); DROP TABLE notes;--"}


def test_a_note_row_deleted_by_hand_without_foreign_keys_is_indexed_again(kbroot):
    # The sqlite3 shell leaves foreign keys off: deleting a note's row there leaves its headings and tags behind.
    kbroot.write("books/atomic-habits.md", HABITS)
    conn, _ = run(kbroot)
    conn.close()
    raw = sqlite3.connect(kbroot.open().db)
    raw.execute("DELETE FROM notes WHERE path = 'notes/books/atomic-habits.md'")
    raw.commit()
    raw.close()
    conn, report = run(kbroot)
    assert report.added == ["notes/books/atomic-habits.md"] and not report.errors
    tags = conn.execute("SELECT tag FROM note_tags WHERE note = 'notes/books/atomic-habits.md' ORDER BY tag")
    assert [t for (t,) in tags] == ["habits", "productivity"]
    headings = conn.execute(
        "SELECT text FROM headings WHERE note = 'notes/books/atomic-habits.md'"
    ).fetchall()
    assert [h for (h,) in headings] == ["Atomic Habits", "The four laws"]  # once each, not twice
