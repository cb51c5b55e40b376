"""The one fork policy, reading one note, the reading pool, and the full-text row layout."""

from __future__ import annotations

import os
import threading

import pytest

from kb.forking import can_fork_safely, worth_forking
from kb.index import workers
from kb.index.tables import content_hash
from kb.index.workers import Read, ReadJob, ReadPool, read_note
from kb.store.fulltext import FTS_CHUNK, FTS_SHIFT, body_chunks, fts_range


@pytest.fixture
def two_cores(monkeypatch):
    monkeypatch.setattr(os, "cpu_count", lambda: 2)


def test_a_small_batch_is_not_worth_forking(two_cores):
    assert not worth_forking(399, 400)
    assert worth_forking(400, 400) == can_fork_safely()


def test_one_core_is_never_worth_forking(monkeypatch):
    for cores in (1, None):
        monkeypatch.setattr(os, "cpu_count", lambda cores=cores: cores)
        assert not worth_forking(10_000, 1)


def test_no_fork_while_another_thread_runs(two_cores):
    """A forked child would inherit locks the other thread holds mid-way."""
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not can_fork_safely()
        assert not worth_forking(10_000, 1)
    finally:
        stop.set()
        thread.join()


def test_no_fork_where_the_platform_has_none(two_cores, monkeypatch):
    monkeypatch.delattr(os, "fork", raising=False)
    assert not can_fork_safely()
    assert not worth_forking(10_000, 1)
    assert ReadPool.start([ReadJob("x.md", "x.md", None)] * 10_000) is None


def test_a_small_batch_is_read_in_process(two_cores):
    assert ReadPool.start([ReadJob("x.md", "x.md", None)] * (workers.PARALLEL_MIN - 1)) is None


def test_read_note_says_what_it_found(tmp_path):
    good = tmp_path / "good.md"
    good.write_text("# Good\n\nA body.\n")
    digest = content_hash(good.read_bytes())

    outcome = read_note(ReadJob("notes/good.md", str(good), None))
    assert outcome.kind is Read.OK and outcome.digest == digest
    assert outcome.value.path == "notes/good.md" and outcome.value.title == "Good"

    same = read_note(ReadJob("notes/good.md", str(good), digest))
    assert (same.kind, same.digest, same.value) == (Read.SAME, digest, None)

    missing = read_note(ReadJob("notes/gone.md", str(tmp_path / "gone.md"), None))
    assert missing.kind is Read.MISSING and missing.digest is None

    broken = tmp_path / "broken.md"
    broken.write_text("---\ntitle: [unclosed\n---\nbody\n")
    error = read_note(ReadJob("notes/broken.md", str(broken), None))
    assert error.kind is Read.ERROR
    line, message = error.value
    assert isinstance(line, int) and message


def test_read_note_reports_an_unreadable_file(tmp_path, monkeypatch):
    def refuse(path, mode="r"):
        raise PermissionError(13, "Permission denied", path)

    monkeypatch.setattr(workers, "open", refuse, raising=False)  # (a chmod 0 file is readable by root)
    outcome = read_note(ReadJob("notes/secret.md", str(tmp_path / "secret.md"), None))
    assert outcome.kind is Read.UNREADABLE and outcome.value == "Permission denied"


def test_outcomes_cross_the_process_boundary(tmp_path):
    import pickle

    path = tmp_path / "a.md"
    path.write_text("# A\n\nText.\n")
    for outcome in (
        read_note(ReadJob("notes/a.md", str(path), None)),
        read_note(ReadJob("notes/b.md", str(tmp_path / "b.md"), None)),
    ):
        back = pickle.loads(pickle.dumps(outcome))
        assert back == outcome and back.kind is outcome.kind


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the workers are forked")
def test_the_pool_gives_the_in_process_outcomes_in_order(tmp_path, two_cores, monkeypatch):
    monkeypatch.setattr(workers, "PARALLEL_MIN", 1)
    monkeypatch.setattr(ReadPool, "CHUNK", 3)
    jobs = []
    for i in range(10):
        path = tmp_path / f"n{i}.md"
        if i != 4:  # one deleted since the scan
            path.write_text(f"# Note {i}\n\nBody {i}.\n" if i != 7 else "---\nx: [\n---\n")
        jobs.append(ReadJob(f"notes/n{i}.md", str(path), None))
    pool = ReadPool.start(jobs)
    assert pool is not None
    try:
        first = next(iter(pool))
        rest = pool.rest()
        assert pool.all_read()
    finally:
        pool.close()
    assert pool.pool is None
    assert [first, *rest] == [read_note(job) for job in jobs]
    assert [o.kind for o in rest][3] is Read.MISSING and rest[6].kind is Read.ERROR


def test_a_short_body_is_one_chunk():
    assert body_chunks("") == [""]
    assert body_chunks("x" * FTS_CHUNK) == ["x" * FTS_CHUNK]


def test_a_long_body_is_cut_at_paragraphs_and_loses_nothing():
    paragraph = ("word " * 200).strip()
    body = "\n\n".join(paragraph for _ in range(200))
    chunks = body_chunks(body)
    assert len(chunks) > 1 and "".join(chunks) == body
    assert all(len(c) <= FTS_CHUNK for c in chunks)
    assert all(c.startswith("\n\n") for c in chunks[1:])  # cut before a blank line, never mid-word


def test_a_body_without_newlines_is_cut_at_the_chunk_size():
    body = "x" * (FTS_CHUNK * 2 + 5)
    chunks = body_chunks(body)
    assert [len(c) for c in chunks] == [FTS_CHUNK, FTS_CHUNK, 5]


def test_full_text_rowids_of_two_notes_never_overlap():
    first, last = fts_range(7)
    assert first == 7 << FTS_SHIFT and last == (8 << FTS_SHIFT) - 1
    assert fts_range(8)[0] == last + 1
    assert (first + 5) >> FTS_SHIFT == 7  # a chunk's rowid leads back to its note's
