"""A database damaged in its middle pages (its header intact) is found before it is used (issue 22, finding 9): kb
moves it aside with a warning and rebuilds it from the notes and the journal, as for a damaged header. The check
(``PRAGMA quick_check``) runs only when the file changed since kb last closed it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tests.hostile_site import run_kb


def _notes(n: int) -> dict[str, str]:
    return {
        f"n{i:03d}.md": f"# Note {i}\n\n" + "Some words here. " * 40 + f"\n\nQuestion {i}?::Answer {i}\n"
        for i in range(n)
    }


def _damage_middle_pages(db: Path) -> None:
    """Garbage over pages of the search index's content (header and schema intact): ``kb due`` does not read
    them, so without the check it answered without a word and a later ``kb search`` said the file was damaged."""
    conn = sqlite3.connect(db)
    pages = [p for (p,) in conn.execute("SELECT pageno FROM dbstat WHERE name = 'notes_fts_content'")]
    page_size = conn.execute("PRAGMA page_size").fetchone()[0]
    conn.close()
    assert len(pages) >= 3
    with open(db, "r+b") as fh:
        for n in pages[:3]:
            fh.seek((n - 1) * page_size)
            fh.write(b"\xde\xad\xbe\xef" * (page_size // 4))


def test_a_database_damaged_in_the_middle_is_rebuilt_with_a_warning(make_kb):
    root = make_kb(_notes(80)).root
    assert run_kb(root, "index").returncode == 0
    assert run_kb(root, "review", stdin="3\n3\n3\nq\n").returncode == 0
    before = run_kb(root, "due").stdout
    db = root / ".kb" / "kb.db"
    wal = root / ".kb" / "kb.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0  # kb closed it: everything is in the file
    _damage_middle_pages(db)
    assert db.read_bytes()[:16] == b"SQLite format 3\x00"  # the header is intact
    proc = run_kb(root, "due")
    assert proc.returncode == 0, proc.stderr
    assert "was damaged" in proc.stderr and "moved it to kb.db.broken-" in proc.stderr, proc.stderr
    assert proc.stdout == before  # rebuilt from the notes and the journal: the same answer
    assert list((root / ".kb").glob("kb.db.broken-*"))  # kept aside, never deleted
    assert run_kb(root, "search", "words").returncode == 0
    assert "was damaged" not in run_kb(root, "due").stderr


def test_the_check_runs_only_when_the_file_changed_since_kb_closed_it(tmp_path):
    from kb.store.connection import changed_since_closed, open_store

    db = tmp_path / "kb.db"
    conn = open_store(db)
    assert changed_since_closed(str(db))  # open: not noted yet
    conn.close()
    assert not changed_since_closed(str(db))
    other = sqlite3.connect(db)
    other.execute("CREATE TABLE x (a)")
    other.commit()
    other.close()
    assert changed_since_closed(str(db))  # another program wrote it
    open_store(db).close()
    assert not changed_since_closed(str(db))
