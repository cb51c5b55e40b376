"""A big batch of notes is read and parsed in a worker process (kb.index.workers.PARALLEL_MIN) and its cards extracted in
worker processes (kb.cards.extraction.PARALLEL_MIN); the index it builds must be exactly the one the in-process path builds:
broken notes, touched-but-unchanged notes, edited and renamed notes and every card id included."""

from __future__ import annotations

import os
import sqlite3
import sys
from pathlib import Path

import pytest

from kb.cards import extraction as card_extraction
from kb.cards.corpus import CorpusStats
from kb.config import KnowledgeBase
from kb.index import indexer, planning, tables, workers
from kb.store.connection import open_store

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from generate import generate  # noqa: E402

TABLES = {
    "notes": "SELECT path, title, type, author, source, tags, date, flashcards, meta, body_line, hash, size, mtime_ns"
    " FROM notes ORDER BY path",
    "headings": "SELECT note, level, text, line, anchor FROM headings ORDER BY note, line",
    "note_tags": "SELECT note, tag FROM note_tags ORDER BY note, tag",
    "note_errors": "SELECT path, line, message FROM note_errors ORDER BY path",
    "notes_fts": "SELECT f.path, f.title, f.tags, f.body FROM notes_fts f ORDER BY f.path, f.rowid",
    "cards": "SELECT id, note, line, end_line, position, kind, front, back, context, tags, type, generated, sibling,"
    " cloze_text, cloze_index, fingerprint, origin, orphaned_at IS NULL FROM cards ORDER BY id",
    "card_problems": "SELECT note, line, message FROM card_problems ORDER BY note, line, message",
    "card_term_stats": "SELECT word, df FROM card_term_stats ORDER BY word",
}


NOTE_TABLES = ("notes", "headings", "note_tags", "note_errors", "notes_fts")


def dump(db: Path, tables=tuple(TABLES)) -> dict[str, list]:
    conn = sqlite3.connect(db)
    return {name: conn.execute(TABLES[name]).fetchall() for name in tables}


def build(root: Path, db: Path, monkeypatch, parallel: bool):
    monkeypatch.setenv("KB_DB", str(db))
    monkeypatch.setattr(workers, "PARALLEL_MIN", 1 if parallel else 10**9)
    monkeypatch.setattr(card_extraction, "PARALLEL_MIN", 1 if parallel else 10**9)
    kb = KnowledgeBase.open(root)
    conn = open_store(kb.db)
    report = indexer.index(kb, conn)
    conn.close()
    return report


def indexed_copy(corpus: Path, tmp_path: Path, monkeypatch, parallel: bool) -> tuple[Path, Path, list[Path]]:
    """A copy of the corpus indexed one way or the other: its root, its database and its notes over 1,000 bytes."""
    import shutil

    root = tmp_path / f"copy-{parallel}"
    shutil.copytree(corpus, root)
    db = tmp_path / f"kb-{parallel}.db"
    build(root, db, monkeypatch, parallel=parallel)
    return root, db, sorted(p for p in (root / "notes").rglob("*.md") if p.stat().st_size > 1000)


@pytest.fixture
def corpus(tmp_path):
    root = generate(40, tmp_path / "kb", seed=11)
    books = root / "notes" / "books"
    books.mkdir(exist_ok=True)
    (books / "broken.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    (books / "binary.md").write_bytes(b"# x\n\x00\x01")
    (books / "empty.md").write_text("")
    (books / "slips.md").write_text(
        "# Slips\n\nQ: A question left without its answer\n\nThe {{c1::unclosed cloze\n"
    )
    return root


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker process is forked")
def test_parallel_index_equals_in_process_index(corpus, tmp_path, monkeypatch):
    serial = build(corpus, tmp_path / "serial.db", monkeypatch, parallel=False)
    parallel = build(corpus, tmp_path / "parallel.db", monkeypatch, parallel=True)
    assert [str(e) for e in parallel.errors] == [str(e) for e in serial.errors]
    assert len(parallel.errors) == 3
    assert sorted(parallel.added) == sorted(serial.added) and len(parallel.added) == 42
    got = dump(tmp_path / "parallel.db")
    assert got == dump(tmp_path / "serial.db")
    assert len(got["cards"]) > 40 * 10 and got["card_problems"]  # the generated notes hold cards and mistakes


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker process is forked")
def test_parallel_reindex_of_touched_and_edited_notes(corpus, tmp_path, monkeypatch):
    db = tmp_path / "kb.db"
    build(corpus, db, monkeypatch, parallel=True)
    notes = sorted((corpus / "notes").rglob("*.md"))
    for path in notes:  # a checkout touches every file ...
        os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    edited = next(
        p for p in notes if "binary" not in p.name and "broken" not in p.name and "empty" not in p.name
    )
    edited.write_text(edited.read_text() + "\nA new closing line about zyxwords.\n")  # ... and changes one
    (corpus / "notes" / "books" / "broken.md").write_text("---\ntitle: Fixed\n---\nbody\n")
    report = build(corpus, db, monkeypatch, parallel=True)
    rel = lambda p: p.relative_to(corpus).as_posix()  # noqa: E731
    assert sorted(report.updated) == sorted([rel(edited)])
    assert report.added == ["notes/books/broken.md"]  # its first good version
    assert [e.path for e in report.errors] == ["notes/books/binary.md", "notes/books/empty.md"]
    assert report.unchanged == len(notes) - 4
    serial_db = tmp_path / "serial.db"
    build(corpus, serial_db, monkeypatch, parallel=False)
    # (cards may differ: a fresh index samples word counts anew, an incremental one keeps them)
    assert dump(db, NOTE_TABLES) == dump(serial_db, NOTE_TABLES)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker processes are forked")
def test_parallel_reindex_keeps_card_ids_through_renames_and_edits(corpus, tmp_path, monkeypatch):
    dumps = {}
    for parallel in (True, False):
        root, db, notes = indexed_copy(corpus, tmp_path, monkeypatch, parallel)
        before = {row[0]: row for row in dump(db)["cards"]}
        for path in notes[:10]:  # ten notes renamed: same cards, same ids, same history
            path.rename(path.with_name("renamed-" + path.name))
        changed = notes[10]
        text = changed.read_text()
        changed.write_text(text.replace("- **", "- **Edited ", 1))  # a key point reworded
        build(root, db, monkeypatch, parallel=parallel)
        after = {row[0]: row for row in dump(db)["cards"]}
        assert set(after) == set(before)  # no card lost or re-created
        moved = [cid for cid in after if after[cid][1].split("/")[-1].startswith("renamed-")]
        assert len(moved) > 10 * 5 and all(after[cid][-1] for cid in moved)  # live, under the new paths
        dumps[parallel] = dump(db)
    for table in ("cards", "card_problems", "card_term_stats"):
        assert dumps[True][table] == dumps[False][table]


def test_scan_through_folder_descriptors_finds_what_paths_find(tmp_path, monkeypatch):
    root = generate(12, tmp_path / "kb", seed=2)
    notes = root / "notes"
    (notes / ".hidden").mkdir()
    (notes / ".hidden" / "secret.md").write_text("# no\n")
    (notes / "folder.md").mkdir()  # a folder named like a note is walked, not read
    (notes / "folder.md" / "inside.md").write_text("# inside\n")
    (notes / "books" / "loop").symlink_to(notes / "books")  # a symlink loop is walked once
    (notes / "books" / "dangling.md").symlink_to(tmp_path / "nowhere.md")
    (notes / "ml" / "picture.png").write_bytes(b"\x89PNG")

    def scanned(by_descriptor: bool):
        monkeypatch.setattr(planning, "_SCANDIR_FD", by_descriptor)
        found, errors = planning.scan(notes, root)
        return {p: (st.st_size, st.st_mtime_ns) for p, st in found.items()}, sorted(str(e) for e in errors)

    with_fd, with_paths = scanned(True), scanned(False)
    assert with_fd == with_paths
    found, errors = with_fd
    assert "notes/folder.md/inside.md" in found and "notes/index.md" in found
    assert not any(".hidden" in p or "loop/" in p or p.endswith(".png") for p in found)
    assert len(found) == 14  # 12 notes, the home page, the one inside folder.md
    assert errors == [
        "notes/books/dangling.md:1: cannot read this note (No such file or directory); fix or remove it"
    ]


def test_a_process_running_other_threads_indexes_in_process(corpus, tmp_path, monkeypatch):
    import threading

    started = []
    monkeypatch.setattr("multiprocessing.context.ForkContext.Pool", lambda *a, **k: started.append(1) / 0)
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        report = build(corpus, tmp_path / "threads.db", monkeypatch, parallel=True)
    finally:
        stop.set()
        other.join()
    assert started == [] and len(report.added) == 42


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker processes are forked")
def test_word_counts_taken_before_the_notes_are_written_equal_those_taken_after(
    corpus, tmp_path, monkeypatch
):
    """A big run samples the corpus for key-point term counts before it writes the notes (so that extraction can
    overlap with the writing): the sample must be the one taken after, from the edited, unchanged, broken and
    deleted notes alike."""
    monkeypatch.setattr(CorpusStats, "SAMPLE", 6)  # a sample of both edited and unchanged notes
    dumps = {}
    for parallel in (True, False):
        root, db, notes = indexed_copy(corpus, tmp_path, monkeypatch, parallel)
        for path in notes[::2]:  # half the notes edited
            path.write_text(path.read_text() + "\n## Key points\n\n- Zyxword and qwvword matter here.\n")
        notes[1].unlink()
        notes[3].write_text("---\ntitle: [unclosed\n---\n")  # broken: its last good version stays
        report = build(root, db, monkeypatch, parallel=parallel)
        assert len(report.updated) == len(notes[::2]) and report.removed
        dumps[parallel] = dump(db)
    stats = dumps[True]["card_term_stats"]
    assert ("", 6) in stats and any(word == "zyxword" for word, _ in stats)
    assert stats == dumps[False]["card_term_stats"]
    assert dumps[True]["cards"] == dumps[False]["cards"]


@pytest.mark.parametrize("parallel", [True, False])
def test_first_index_written_in_batches_equals_note_by_note(corpus, tmp_path, monkeypatch, parallel):
    """A first index writes the note tables many notes at a time; the rows (rowids included, which full-text rows
    derive theirs from) must be those the note-by-note path writes."""
    paragraphs = "\n\n".join(f"Paragraph {i} about gradient descent and habits." * 20 for i in range(150))
    (corpus / "notes" / "books" / "huge.md").write_text(f"# Huge\n\n{paragraphs}\n")  # several full-text rows
    batched = build(corpus, tmp_path / "batched.db", monkeypatch, parallel=parallel)
    monkeypatch.setattr(tables, "is_fresh", lambda conn: False)
    one_by_one = build(corpus, tmp_path / "one-by-one.db", monkeypatch, parallel=parallel)
    assert batched.added == one_by_one.added and len(batched.added) == 43
    rowids = "SELECT rowid, path FROM notes ORDER BY rowid"
    fts_rowids = "SELECT rowid, path FROM notes_fts ORDER BY rowid"
    for query in (rowids, fts_rowids):
        got = sqlite3.connect(tmp_path / "batched.db").execute(query).fetchall()
        assert got == sqlite3.connect(tmp_path / "one-by-one.db").execute(query).fetchall() and got
    huge = [path for _, path in got if path.endswith("huge.md")]
    assert len(huge) > 1  # the huge note's body is in several full-text rows
    assert dump(tmp_path / "batched.db") == dump(tmp_path / "one-by-one.db")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker processes are forked")
def test_a_failure_mid_run_leaves_no_worker_and_no_half_index(corpus, tmp_path, monkeypatch):
    """Workers read and extract while the notes are written: when the writing fails half way, the transaction is
    rolled back, every worker is stopped, and the collector is back on."""
    import gc
    import multiprocessing

    calls = []
    real_flush = tables.flush_fts

    def failing_flush(conn, rows):
        calls.append(len(rows))
        if len(calls) == 2:
            raise sqlite3.OperationalError("disk I/O error")
        real_flush(conn, rows)

    monkeypatch.setattr(tables, "FTS_BATCH", 8)  # several batches, the second one fails
    monkeypatch.setattr(tables, "flush_fts", failing_flush)
    with pytest.raises(sqlite3.OperationalError):
        build(corpus, tmp_path / "kb.db", monkeypatch, parallel=True)
    assert len(calls) == 2
    assert multiprocessing.active_children() == []
    assert gc.isenabled() and gc.get_freeze_count() == 0
    conn = sqlite3.connect(tmp_path / "kb.db")
    assert conn.execute("SELECT count(*) FROM notes").fetchone() == (0,)
    assert conn.execute("SELECT count(*) FROM cards").fetchone() == (0,)
    monkeypatch.setattr(tables, "flush_fts", real_flush)
    report = build(corpus, tmp_path / "kb.db", monkeypatch, parallel=True)  # the next run does it all
    assert len(report.added) == 42
    build(corpus, tmp_path / "serial.db", monkeypatch, parallel=False)
    assert dump(tmp_path / "kb.db") == dump(tmp_path / "serial.db")


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the worker processes are forked")
def test_chunks_taken_one_by_one_and_a_short_extraction_window_build_the_same_index(
    corpus, tmp_path, monkeypatch
):
    """The writing lets each chunk the readers parsed go once taken, and keeps only a few extraction chunks out at a
    time (results would otherwise pile up while the writing is behind). With chunks of a few notes, every note read
    when only the first chunk is written, and edited notes deleted between the scan and their reading, the index is
    still the in-process one."""
    monkeypatch.setattr(workers.ReadPool, "CHUNK", 3)
    monkeypatch.setattr(card_extraction, "_CHUNK", 2)
    monkeypatch.setattr(card_extraction, "_AHEAD", 1)
    real_all_read, real_rest = workers.ReadPool.all_read, workers.ReadPool.rest
    real_submit, real_plan = card_extraction.BatchExtraction._submit, indexer.plan
    still_to_take, out, deleted = [], [], []

    def all_read(self):  # the workers finish before the first check
        for task in self.tasks:
            if task is not None:
                task.wait()
        return real_all_read(self)

    def rest(self):
        got = real_rest(self)
        still_to_take.append(len(got))
        return got

    def submit(self):
        real_submit(self)
        out.append(len(self._results))

    def plan_then_delete(notes_dir, root, *args, **kwargs):
        # the first note to read (its chunk is taken in two parts) and the last (among those not taken yet)
        todo = real_plan(notes_dir, root, *args, **kwargs)
        edited = [p for p, _ in todo.candidates if p in todo.known]
        deleted[:] = [edited[0], edited[-1]]
        for path in deleted:
            (root / path).unlink()
        return todo

    monkeypatch.setattr(workers.ReadPool, "all_read", all_read)
    monkeypatch.setattr(workers.ReadPool, "rest", rest)
    monkeypatch.setattr(card_extraction.BatchExtraction, "_submit", submit)
    dumps = {}
    for parallel in (True, False):
        root, db, notes = indexed_copy(corpus, tmp_path, monkeypatch, parallel)
        for path in notes:
            path.write_text(path.read_text() + "\n- One more line.\n")
            os.utime(path, ns=(2 * 10**18, 2 * 10**18))  # the same in both copies
        monkeypatch.setattr(indexer, "plan", plan_then_delete)
        report = build(root, db, monkeypatch, parallel=parallel)
        monkeypatch.setattr(indexer, "plan", real_plan)
        assert sorted(report.removed) == sorted(deleted) and len(report.updated) == len(notes) - 2
        dumps[parallel] = dump(db)
    assert dumps[True] == dumps[False]
    assert still_to_take and 0 < still_to_take[-1] < len(notes)  # the rest was taken after the first chunk
    assert out and max(out) <= os.cpu_count()  # one chunk out per core
