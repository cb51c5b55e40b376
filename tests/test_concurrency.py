"""Concurrency: `kb review` answering, `kb index` re-indexing edited notes and `mkdocs build` (or, until the site
plugin is merged, a reader that opens the database read-only) all at once for 20 seconds.

Nothing may fail with "database is locked", no acknowledged answer may be missing afterwards, and no reader may
see a torn state (a note's title from one version and its tags, headings or cards from another). Every loop is
bounded by the deadline; the test stops by itself.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import threading
import time

from tests.test_faults import (
    LineReader,
    check_index_consistent,
    env_for,
    integrity_ok,
    kb_run,
    make_root,
    parse_block,
    write_note,
)

SECONDS = 20
NOTES = 60


def torn(conn: sqlite3.Connection) -> list[str]:
    """Inside one read transaction, every note's rows must come from the same version of the note."""
    problems = []
    conn.execute("BEGIN")
    try:
        notes = conn.execute("SELECT path, title, tags FROM notes").fetchall()
        tag_rows: dict[str, set[str]] = {}
        for note, tag in conn.execute("SELECT note, tag FROM note_tags"):
            tag_rows.setdefault(note, set()).add(tag)
        backs: dict[str, set[str]] = {}
        for note, back in conn.execute("SELECT note, back FROM cards WHERE orphaned_at IS NULL"):
            backs.setdefault(note, set()).add(back)
        fts = dict(conn.execute("SELECT path, title FROM notes_fts WHERE title != ''").fetchall())
        for path, title, tags in notes:
            version = title.rsplit(" v", 1)[-1]
            if set(json.loads(tags)) != tag_rows.get(path, set()):
                problems.append(f"{path}: tags torn")
            if any(not b.endswith(f"(v{version})") for b in backs.get(path, ())):
                problems.append(f"{path}: cards of another version than the title v{version}")
            if fts.get(path) != title:
                problems.append(f"{path}: full-text row of another version")
    finally:
        conn.execute("COMMIT")
    return problems


def test_review_index_and_site_build_at_once(tmp_path):
    root = make_root(tmp_path / "kb", notes=NOTES)  # mkdocs.yml: the material theme, search and kb plugins
    db = root / ".kb" / "kb.db"
    first = kb_run(root, "index", "-q")
    assert first.returncode == 0, first.stderr
    deadline = time.monotonic() + SECONDS
    failures: list[str] = []
    counts = {"index runs": 0, "builds": 0, "reads": 0, "answers": 0, "sessions": 0, "notes edited": 0}
    acknowledged: list[tuple[str, int]] = []

    def record(name: str, proc: subprocess.CompletedProcess | None, err: str = "") -> None:
        text = err or (proc.stderr if proc is not None else "")
        if "locked" in text or "Traceback" in text or (proc is not None and proc.returncode != 0):
            failures.append(f"{name}: {proc.returncode if proc else ''} {text[-2000:]}")

    def indexer() -> None:
        version = 1
        i = 0
        while time.monotonic() < deadline:
            version += 1
            for _ in range(5):  # an edit changes title, tags, headings and card text together
                write_note(root, i % NOTES, version)
                i += 1
                counts["notes edited"] += 1
            proc = kb_run(root, "index", "-q")
            record("kb index", proc)
            counts["index runs"] += 1

    def builder() -> None:
        n = 0
        while time.monotonic() < deadline:
            n += 1
            proc = subprocess.run(
                [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(tmp_path / f"site{n % 2}")],
                cwd=root,
                env=env_for(root),
                capture_output=True,
                text=True,
                timeout=300,
            )
            record("mkdocs build", proc)
            counts["builds"] += 1

    def reader() -> None:
        from kb.store.connection import connect

        conn = connect(db, readonly=True)
        conn.isolation_level = None  # explicit BEGIN/COMMIT: one snapshot per check
        try:
            while time.monotonic() < deadline:
                try:
                    failures.extend(torn(conn))
                except sqlite3.Error as exc:
                    failures.append(f"reader: {exc}")
                    return
                counts["reads"] += 1
        finally:
            conn.close()

    def reviewer() -> None:
        from datetime import UTC, datetime, timedelta

        start = datetime(2026, 3, 2, 9, tzinfo=UTC)
        day = 0
        while time.monotonic() < deadline:
            day += 1  # each session a day later: learning and review cards keep coming due, answers never run out
            counts["sessions"] += 1
            proc = subprocess.Popen(
                [sys.executable, "-m", "kb", "review"],
                env=env_for(root, KB_NOW=(start + timedelta(days=day)).strftime("%Y-%m-%dT%H:%M:%SZ")),
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            out = LineReader(proc)
            grade = 0
            try:
                while time.monotonic() < deadline:
                    try:
                        out.wait_for(b"\n> ", timeout=120)
                    except AssertionError:
                        break  # the session ended: no more cards at this time
                    card = parse_block(out.take().decode())[-1]
                    grade = grade % 4 + 1
                    proc.stdin.write(f"{grade}\n".encode())
                    proc.stdin.flush()
                    out.wait_for(b"answered ", timeout=120)
                    acknowledged.append((card, grade))
                    counts["answers"] += 1
            finally:
                proc.stdin.close()
                proc.wait(timeout=120)
                err = proc.stderr.read().decode()
                if "locked" in err or "Traceback" in err:
                    failures.append(f"kb review: {err[-2000:]}")

    # the read-only reader runs beside mkdocs: torn reads are checked while the site builds
    workers = [indexer, builder, reviewer, reader]
    threads = [threading.Thread(target=w, name=w.__name__) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SECONDS + 300)
        assert not t.is_alive(), f"{t.name} did not stop"

    assert not failures, "\n".join(failures[:10])
    integrity_ok(db)
    conn = sqlite3.connect(db)
    try:
        final = kb_run(root, "index", "-q")
        assert final.returncode == 0, final.stderr
        check_index_consistent(root, conn)
        stored = conn.execute("SELECT card_id, grade FROM reviews ORDER BY id").fetchall()
        assert stored == acknowledged, "an acknowledged answer is missing or out of order"
        assert counts["answers"] > 0
    finally:
        conn.close()
    assert counts["index runs"] > 1 and counts["builds"] > 0 and counts["reads"] > 0
    print(f"\nconcurrency for {SECONDS} s: {counts}")


def test_the_torn_read_check_sees_a_torn_state(tmp_path):
    """The checker above is not blind: a note whose tags, cards and full-text row lag behind its title is caught."""
    root = make_root(tmp_path / "kb", notes=2)
    assert kb_run(root, "index", "-q").returncode == 0
    conn = sqlite3.connect(root / ".kb" / "kb.db", isolation_level=None)
    assert torn(conn) == []
    conn.execute(
        "UPDATE notes SET title = 'Topic 0 v7', tags = '[\"other\"]' WHERE path LIKE '%topic-000.md'"
    )
    problems = torn(conn)
    assert any("tags torn" in p for p in problems)
    assert any("another version" in p for p in problems)
