"""Faults at the process level: kill -9, a database gone or replaced or old, notes changing under the indexer,
a full disk and a read-only database folder. Every test uses real processes (``python -m kb``), a real SQLite file
and a real file system; after each fault the database must pass ``PRAGMA integrity_check`` and agree with the notes.

Figures (kills, cases) are printed with ``-s`` and summed up in the final report of issue 10.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import select
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import write_kb

REPO = Path(__file__).resolve().parent.parent


# ------------------------------------------------------------------------------------------------------- helpers
def make_root(path: Path, notes: int = 40, seed: int = 0) -> Path:
    """A knowledge base with ``notes`` notes, each with headings, tags and a few cards (all new ones due at once)."""
    notes_text = {f"topics/topic-{i:03d}.md": note_text(i, seed) for i in range(notes)}
    return write_kb(path, notes_text, new_per_day=100000).root


def note_text(i: int, version: int, cards: int = 3) -> str:
    lines = [
        "---",
        f"title: Topic {i} v{version}",
        "type: topic",
        f"tags: [t{i % 5}, v{version % 3}]",
        "---",
        f"# Topic {i}",
        "",
        f"Paragraph about topic {i}, revision {version}. " * 5,
        "",
        "## Cards",
        "",
    ]
    for c in range(cards):
        lines += [f"Question {c} of topic {i}?::Answer {c} of topic {i} (v{version})", ""]
    lines += ["## More", "", "word " * 200, ""]
    return "\n".join(lines)


def write_note(root: Path, i: int, version: int) -> None:
    (root / "notes" / "topics" / f"topic-{i:03d}.md").write_text(note_text(i, version), encoding="utf-8")


def env_for(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(
        PYTHONPATH=str(REPO),
        KB_ROOT=str(root),
        KB_DEVICE="faults",
        KB_TZ="UTC",
        NO_MKDOCS_2_WARNING="1",
        **extra,
    )
    return env


def kb_run(root: Path, *args: str, input: str | None = None, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kb", *args],
        env=env_for(root, **extra),
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )


def integrity_ok(db: Path) -> None:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        conn.close()


def assert_one_line_error(proc: subprocess.CompletedProcess) -> str:
    """A failure a user can act on: exit status 1, one line on stderr, never a traceback."""
    assert proc.returncode == 1, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip() and not line.startswith("warning:")]
    assert len(lines) == 1, proc.stderr
    return lines[0]


def check_index_consistent(root: Path, conn: sqlite3.Connection) -> None:
    """notes, headings, tags, full-text rows and cards agree with each other and with the files on disk."""
    from kb.cards.extractor import extract_cards
    from kb.config import KnowledgeBase
    from kb.notes.reader import parse_note
    from kb.store.fulltext import FTS_SHIFT

    kb = KnowledgeBase.open(root)
    on_disk = {p.relative_to(root).as_posix(): p.read_bytes() for p in (root / "notes").rglob("*.md")}
    errors = {r[0] for r in conn.execute("SELECT path FROM note_errors")}
    rows = {r[0]: (r[1], r[2]) for r in conn.execute("SELECT path, hash, rowid FROM notes")}
    assert set(rows) | errors >= set(on_disk), "a note on disk is neither indexed nor reported"
    assert set(rows) <= set(on_disk), "a deleted note is still indexed"
    for path, (digest, rowid) in rows.items():
        if path in errors:
            continue
        raw = on_disk[path]
        assert digest == hashlib.blake2b(raw, digest_size=16).hexdigest(), f"{path}: indexed an old version"
        note = parse_note(path, raw)
        headings = conn.execute(
            "SELECT level, text, line FROM headings WHERE note = ? ORDER BY line", (path,)
        )
        assert headings.fetchall() == [(h.level, h.text, h.line) for h in note.headings], path
        tags = {r[0] for r in conn.execute("SELECT tag FROM note_tags WHERE note = ?", (path,))}
        assert tags == set(note.tags), path
        fts = conn.execute(
            "SELECT path, title FROM notes_fts WHERE rowid BETWEEN ? AND ? ORDER BY rowid",
            (rowid << FTS_SHIFT, ((rowid + 1) << FTS_SHIFT) - 1),
        ).fetchall()
        assert fts and fts[0] == (path, note.title) and {p for p, _ in fts} == {path}, path
        expected = sorted(
            (c.line, c.kind.value, c.front, c.back)
            for c in extract_cards(note, keypoint_headings=kb.settings.keypoint_headings).cards
        )
        got = sorted(
            conn.execute(
                "SELECT line, kind, front, back FROM cards WHERE note = ? AND orphaned_at IS NULL", (path,)
            ).fetchall()
        )
        assert got == expected, f"{path}: cards disagree with the note"
    # nothing points at a note that is not there
    for table, column in (("headings", "note"), ("note_tags", "note")):
        stray = conn.execute(f"SELECT count(*) FROM {table} WHERE {column} NOT IN (SELECT path FROM notes)")
        assert stray.fetchone()[0] == 0, table
    live = conn.execute(
        "SELECT count(*) FROM cards WHERE orphaned_at IS NULL AND note NOT IN (SELECT path FROM notes)"
    )
    assert live.fetchone()[0] == 0, "a live card belongs to no indexed note"
    total_fts = conn.execute("SELECT count(*) FROM notes_fts").fetchone()[0]
    in_ranges = sum(
        conn.execute(
            "SELECT count(*) FROM notes_fts WHERE rowid BETWEEN ? AND ?",
            (rowid << FTS_SHIFT, ((rowid + 1) << FTS_SHIFT) - 1),
        ).fetchone()[0]
        for _, rowid in rows.values()
    )
    assert total_fts == in_ranges, "full-text rows of a removed note were left behind"


def index_in_process(root: Path) -> sqlite3.Connection:
    from kb.config import KnowledgeBase
    from kb.index.indexer import index
    from kb.store.connection import open_store

    kb = KnowledgeBase.open(root)
    conn = open_store(kb.db)
    index(kb, conn)
    return conn


class LineReader:
    """Reads a child's stdout without blocking forever: every wait is bounded."""

    def __init__(self, proc: subprocess.Popen):
        self.proc = proc
        self.buf = bytearray()

    def wait_for(self, marker: bytes, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while marker not in self.buf:
            left = deadline - time.monotonic()
            assert left > 0, f"no {marker!r} from kb: {bytes(self.buf[-500:])!r}"
            ready, _, _ = select.select([self.proc.stdout], [], [], left)
            if not ready:
                continue
            chunk = os.read(self.proc.stdout.fileno(), 65536)
            assert chunk, f"kb ended early: {bytes(self.buf[-500:])!r} {self.proc.stderr.read()!r}"
            self.buf.extend(chunk)

    def take(self) -> bytes:
        out = bytes(self.buf)
        self.buf.clear()
        return out


# --------------------------------------------------------------------------------------------- kill -9: kb index
def test_kill_9_during_kb_index_never_corrupts_and_the_next_run_repairs(tmp_path):
    """20 kill -9 that land while `kb index` re-indexes edited, added and deleted notes, at random moments (seeded);
    the 50 kills of the kb review test cover the journal."""
    rng = random.Random(1010)
    root = make_root(tmp_path / "kb", notes=60)
    db = root / ".kb" / "kb.db"
    assert kb_run(root, "index", "-q").returncode == 0
    # how long a run over this much work takes here, so that the kills spread over its whole length
    for i in range(20):
        write_note(root, i, 100)
    started = time.monotonic()
    assert kb_run(root, "index", "-q").returncode == 0
    duration = time.monotonic() - started
    attempts = landed = 0
    wanted = 20
    version = 1
    while landed < wanted:
        attempts += 1
        assert attempts <= 4 * wanted, f"kb index finished before {attempts - landed} of {attempts} kills"
        # edit a random third of the notes, delete one, add one: real work for the next run
        for i in rng.sample(range(60), 20):
            write_note(root, i, version)
        version += 1
        doomed = root / "notes" / "topics" / f"topic-{rng.randrange(60):03d}.md"
        doomed.unlink(missing_ok=True)
        write_note(root, rng.randrange(60), version)
        proc = subprocess.Popen(
            [sys.executable, "-m", "kb", "index", "-q"],
            env=env_for(root),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started = time.monotonic()
        # kill somewhere between interpreter start-up and the end of the transaction
        try:
            proc.wait(timeout=rng.uniform(0.02, 0.95) * duration)
            # the run ended first: a busy machine's timing run was slow, so aim the next kills inside this one
            duration = time.monotonic() - started
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            landed += 1
        integrity_ok(db)
        if attempts % 10 == 0:  # the next run brings everything back in line
            conn = index_in_process(root)
            check_index_consistent(root, conn)
            conn.close()
    conn = index_in_process(root)
    check_index_consistent(root, conn)
    conn.close()
    print(
        f"\nkill -9 of kb index: {landed} kills landed in {attempts} runs (the last run took {duration:.2f} s)"
    )


# -------------------------------------------------------------------------------------------- kill -9: kb review
def journal_answers(root: Path) -> list[tuple[str, str, int]]:
    out = []
    for path in sorted((root / ".kb" / "journal").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # a torn last line (kill mid-write) is skipped by replay too
            if rec.get("type") == "review":
                out.append((rec["id"], rec["card"], rec["grade"]))
    return out


def parse_block(text: str) -> list[str]:
    return [line.split()[1] for line in text.splitlines() if line.startswith("id: ")]


def test_kill_9_of_kb_review_keeps_every_acknowledged_answer(tmp_path):
    """At least 50 kill -9 of `kb review` fed answers on stdin, each after a random number of acknowledged
    answers (seeded). Every acknowledged answer is in the reviews table and the journal; the next run goes on."""
    rng = random.Random(20261121)
    root = make_root(tmp_path / "kb", notes=120)  # 360 cards
    db = root / ".kb" / "kb.db"
    acknowledged: list[tuple[str, int]] = []  # (card id, grade) in order
    kills = typed_when_killed = 0
    clock = 0
    while kills < 50:
        clock += 1  # every run a minute later: learning cards from earlier runs may come due again
        now = f"2026-03-02T{9 + clock // 60:02d}:{clock % 60:02d}:00Z"
        proc = subprocess.Popen(
            [sys.executable, "-m", "kb", "review"],
            env=env_for(root, KB_NOW=now),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        out = LineReader(proc)
        target = rng.randint(0, 4)
        for _ in range(target):
            out.wait_for(b"\n> ")  # the prompt starts a line ("> " also appears in breadcrumbs)
            card = parse_block(out.take().decode())[-1]
            grade = rng.randint(1, 4)
            proc.stdin.write(f"{grade}\n".encode())
            proc.stdin.flush()
            out.wait_for(b"answered ")  # the acknowledgement: stored in the database and the journal
            acknowledged.append((card, grade))
        if rng.random() < 0.5:  # sometimes mid-answer: the line sent, the acknowledgement not yet read
            out.wait_for(b"\n> ")
            proc.stdin.write(f"{rng.randint(1, 4)}\n".encode())
            proc.stdin.flush()
            typed_when_killed += 1
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        kills += 1
        integrity_ok(db)
        conn = sqlite3.connect(db)
        stored = conn.execute(
            "SELECT uid, card_id, grade FROM reviews WHERE source = 'review' ORDER BY id"
        ).fetchall()
        conn.close()
        journal = journal_answers(root)
        # every acknowledged answer is in both, in order (an unacknowledged one may or may not have landed)
        assert_subsequence(acknowledged, [(c, g) for _, c, g in stored])
        assert_subsequence(acknowledged, [(c, g) for _, c, g in journal])
        assert {u for u, _, _ in stored} <= {u for u, _, _ in journal}, (
            "an answer in the database is not journaled"
        )
    # the next kb review continues normally and a rebuilt database replays the same history
    proc = kb_run(root, "review", "--limit", "3", input="3\n3\n3\n", KB_NOW="2026-03-02T12:00:00Z")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("answered ") == 3
    conn = sqlite3.connect(db)
    history = conn.execute("SELECT uid, card_id, grade FROM reviews ORDER BY uid").fetchall()
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    rebuilt = kb_run(root, "due", "--json", KB_NOW="2026-03-02T12:00:00Z")  # any command replays the journal
    assert rebuilt.returncode == 0 and "Traceback" not in rebuilt.stderr, rebuilt.stderr
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT uid, card_id, grade FROM reviews ORDER BY uid").fetchall() == history
    conn.close()
    replayed = [(c, g) for _, c, g in sorted(history)]
    missing = [a for a in acknowledged if a not in replayed]
    print(
        f"\nkill -9 of kb review: {kills} kills, {len(acknowledged)} acknowledged answers, "
        f"{typed_when_killed} killed mid-answer, lost: {len(missing)}"
    )
    assert not missing


def assert_subsequence(wanted: list, got: list) -> None:
    it = iter(got)
    missing = [w for w in wanted if not any(w == g for g in it)]
    assert not missing, f"acknowledged answers missing: {missing[:5]}"


# -------------------------------------------------------------------------------- database gone, junk or old
def _root_with_index(tmp_path: Path) -> Path:
    root = make_root(tmp_path / "kb", notes=6)
    proc = kb_run(root, "index")
    assert proc.returncode == 0, proc.stderr
    return root


def _snapshot(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        return {
            "notes": conn.execute("SELECT path, title, hash FROM notes ORDER BY path").fetchall(),
            "cards": conn.execute("SELECT id, note, front FROM cards ORDER BY id").fetchall(),
        }
    finally:
        conn.close()


def test_database_deleted_is_rebuilt_from_the_notes(tmp_path):
    root = _root_with_index(tmp_path)
    db = root / ".kb" / "kb.db"
    before = _snapshot(db)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    proc = kb_run(root, "search", "topic")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert _snapshot(db) == before  # same notes, same card ids
    integrity_ok(db)


@pytest.mark.parametrize(
    "junk",
    [b"", b"not a database at all\n" * 50, b"SQLite format 3\x00" + b"\xff" * 4000, os.urandom(8192)],
    ids=["empty", "text", "bad-header", "random"],
)
def test_database_replaced_by_junk_is_moved_aside_and_rebuilt(tmp_path, junk):
    root = _root_with_index(tmp_path)
    db = root / ".kb" / "kb.db"
    before = _snapshot(db)
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    db.write_bytes(junk)
    proc = kb_run(root, "cards", "--json")
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    if junk:  # an empty file is a valid empty SQLite database: it is simply filled
        assert "was not a kb database" in proc.stderr and "moved it to" in proc.stderr
        [aside] = (root / ".kb").glob("kb.db.broken-*")
        assert aside.read_bytes() == junk  # moved aside, never deleted
    assert _snapshot(db) == before
    integrity_ok(db)


@pytest.mark.parametrize("how", ["deleted", "junk"])
def test_reviews_come_back_from_the_journal(tmp_path, how):
    root = _root_with_index(tmp_path)
    db = root / ".kb" / "kb.db"
    proc = kb_run(root, "review", "--limit", "5", input="3\n1\n4\n2\n3\n", KB_NOW="2026-03-02T09:00:00Z")
    assert proc.returncode == 0 and proc.stdout.count("answered ") == 5, proc.stderr
    conn = sqlite3.connect(db)
    before = conn.execute("SELECT uid, card_id, grade, state_after FROM reviews ORDER BY uid").fetchall()
    conn.close()
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    if how == "junk":
        db.write_bytes(b"garbage" * 100)
    proc = kb_run(root, "due", "--json", KB_NOW="2026-03-02T09:00:00Z")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    conn = sqlite3.connect(db)
    after = conn.execute("SELECT uid, card_id, grade, state_after FROM reviews ORDER BY uid").fetchall()
    conn.close()
    assert after == before and len(after) == 5


def test_database_from_a_newer_or_damaged_file_is_a_clear_message(tmp_path):
    """A database that SQLite opens but whose pages are damaged: one line, never a traceback."""
    root = _root_with_index(tmp_path)
    db = root / ".kb" / "kb.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    raw = bytearray(db.read_bytes())
    page = 4096
    for offset in range(2 * page, len(raw), page):  # trample every page after the schema
        raw[offset : offset + 64] = b"\xa5" * 64
    db.write_bytes(bytes(raw))
    for suffix in ("-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    (root / "notes" / "topics" / "topic-000.md").write_text(note_text(0, 99), encoding="utf-8")
    proc = kb_run(root, "index")
    if proc.returncode != 0:
        line = assert_one_line_error(proc)
        assert "kb.db" in line and ("move" in line or "rebuild" in line), line
    else:
        assert "Traceback" not in proc.stderr


# ------------------------------------------------------------------------ notes changing during kb index
@pytest.mark.parametrize("fault", ["deleted", "renamed", "half-written", "replaced-by-folder"])
def test_note_changing_while_it_is_indexed_leaves_a_consistent_index(tmp_path, monkeypatch, fault):
    """The file changes between the scan (stat) and the read, as an editor saving or a `git mv` would do it."""
    from kb.config import KnowledgeBase
    from kb.index import indexer, planning
    from kb.store.connection import open_store

    root = make_root(tmp_path / "kb", notes=8)
    kb = KnowledgeBase.open(root)
    conn = open_store(kb.db)
    indexer.index(kb, conn)
    for i in range(8):
        write_note(root, i, version=1)  # every note changed: all of them are read in the next run
    victim = root / "notes" / "topics" / "topic-003.md"
    real_scan = planning.scan

    def scan_then_fault(notes_dir, root_dir):
        found, errors = real_scan(notes_dir, root_dir)
        if fault == "deleted":
            victim.unlink()
        elif fault == "renamed":
            victim.rename(victim.with_name("topic-003-renamed.md"))
        elif fault == "half-written":
            text = note_text(3, 2).encode()
            victim.write_bytes(text[: len(text) // 3])  # truncated mid front matter or body
        else:
            victim.unlink()
            victim.mkdir()
        return found, errors

    monkeypatch.setattr(planning, "scan", scan_then_fault)
    indexer.index(kb, conn)
    monkeypatch.setattr(planning, "scan", real_scan)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    if fault == "replaced-by-folder":
        victim.rmdir()
    # the next run (no fault) settles on exactly what is on disk
    report = indexer.index(kb, conn)
    check_index_consistent(root, conn)
    if fault == "renamed":
        assert "notes/topics/topic-003-renamed.md" in {r[0] for r in conn.execute("SELECT path FROM notes")}
    assert all(":" in str(e) for e in report.errors)
    conn.close()


def test_notes_edited_by_a_thread_during_many_index_runs(tmp_path):
    """A writer thread saves, truncates, renames and deletes notes while the indexer runs over and over."""
    import threading

    from kb.config import KnowledgeBase
    from kb.index import indexer
    from kb.store.connection import open_store

    root = make_root(tmp_path / "kb", notes=30)
    kb = KnowledgeBase.open(root)
    conn = open_store(kb.db)
    stop = threading.Event()
    rng = random.Random(7)
    actions = {"save": 0, "half": 0, "rename": 0, "delete": 0}

    def editor():
        version = 10
        while not stop.is_set():
            i = rng.randrange(30)
            path = root / "notes" / "topics" / f"topic-{i:03d}.md"
            kind = rng.choice(list(actions))
            version += 1
            if kind == "save":  # editors that save atomically: write a temporary file and rename it over
                tmp = path.with_suffix(".md.tmp")
                tmp.write_text(note_text(i, version), encoding="utf-8")
                os.replace(tmp, path)
            elif kind == "half":  # editors that write in place: the indexer may see half a file
                with open(path, "w", encoding="utf-8") as fh:
                    text = note_text(i, version)
                    fh.write(text[: len(text) // 2])
                    fh.flush()
                    fh.write(text[len(text) // 2 :])
            elif kind == "rename" and path.exists():
                os.replace(path, path.with_name(f"topic-{i:03d}-x.md"))
                os.replace(path.with_name(f"topic-{i:03d}-x.md"), path)
            elif kind == "delete":
                path.unlink(missing_ok=True)
                path.write_text(note_text(i, version), encoding="utf-8")
            actions[kind] += 1

    thread = threading.Thread(target=editor)
    thread.start()
    try:
        for _ in range(40):
            indexer.index(kb, conn)
            assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        stop.set()
        thread.join(30)
    for leftover in (root / "notes" / "topics").glob("*-x.md"):
        leftover.unlink()
    indexer.index(kb, conn)
    check_index_consistent(root, conn)
    conn.close()
    print(f"\nindex runs with a concurrent editor: 40, edits {actions}")


# ------------------------------------------------------------------------------- disk full and read-only folder
@contextlib.contextmanager
def tmpfs(path: Path, size: str):
    """A small tmpfs at ``path`` (root only); None when this machine does not allow mounting."""
    path.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not shutil.which("mount"):
        yield None
        return
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True
    )
    if done.returncode != 0:
        yield None
        return
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], capture_output=True)


def big_note(root: Path, words: int = 120_000) -> None:
    rng = random.Random(3)
    body = " ".join(f"w{rng.getrandbits(40):x}" for _ in range(words))  # unique words: a big full-text index
    (root / "notes" / "topics" / "huge.md").write_text(
        f"---\ntitle: Huge\n---\n# Huge\n\n{body}\n", encoding="utf-8"
    )


def _fsize_limit(limit: int):
    def apply():
        import resource

        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG instead
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


def check_after_failed_write(root: Path, proc: subprocess.CompletedProcess, before: dict) -> None:
    line = assert_one_line_error(proc)
    assert "space" in line or "full" in line or "disk" in line or "write" in line, line
    db = root / ".kb" / "kb.db"
    integrity_ok(db)
    assert _snapshot(db) == before, "a failed write changed the database"
    for journal in (root / ".kb" / "journal").glob("*.jsonl"):
        for text in journal.read_text(encoding="utf-8").splitlines():
            json.loads(text)


@pytest.mark.parametrize("how", ["tmpfs", "rlimit"])
def test_disk_full_during_index_is_one_line_and_corrupts_nothing(tmp_path, how):
    root = make_root(tmp_path / "kb", notes=6)
    with tmpfs(root / ".kb", "1m") as mounted:
        if how == "tmpfs" and mounted is None:
            pytest.skip("cannot mount a tmpfs here (not root); the rlimit case covers a full disk")
        assert kb_run(root, "index").returncode == 0
        db = root / ".kb" / "kb.db"
        before = _snapshot(db)
        big_note(root)
        if how == "tmpfs":
            proc = kb_run(root, "index")
        else:
            size = sum(p.stat().st_size for p in (root / ".kb").iterdir() if p.is_file())
            proc = subprocess.run(
                [sys.executable, "-m", "kb", "index"],
                env=env_for(root),
                capture_output=True,
                text=True,
                timeout=120,
                preexec_fn=_fsize_limit(size + 64 * 1024),
            )
        check_after_failed_write(root, proc, before)
        (root / "notes" / "topics" / "huge.md").unlink()
        # space comes back: the next run works and the index is whole
        proc = kb_run(root, "index")
        assert proc.returncode == 0, proc.stderr
        conn = sqlite3.connect(db)
        check_index_consistent(root, conn)
        conn.close()


def test_disk_full_while_answering_keeps_journal_and_database_whole(tmp_path):
    root = make_root(tmp_path / "kb", notes=6)
    assert kb_run(root, "index").returncode == 0
    db = root / ".kb" / "kb.db"
    journal_dir = root / ".kb" / "journal"
    answers = "\n".join("3" for _ in range(18)) + "\n"
    size = sum(p.stat().st_size for p in (root / ".kb").rglob("*") if p.is_file())
    proc = subprocess.run(
        [sys.executable, "-m", "kb", "review"],
        env=env_for(root, KB_NOW="2026-03-02T09:00:00Z"),
        input=answers,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=_fsize_limit(size + 2048),
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    acked = proc.stdout.count("answered ")
    integrity_ok(db)
    journal = journal_answers(root) if journal_dir.exists() else []
    conn = sqlite3.connect(db)
    stored = conn.execute("SELECT count(*) FROM reviews").fetchone()[0]
    conn.close()
    assert stored >= acked and len(journal) >= acked
    if acked < 18:
        assert proc.returncode != 0


def _make_read_only(folder: Path):
    """Ways to make a folder read-only, even for root. Yields the name of the one that worked, or None."""

    @contextlib.contextmanager
    def remounted():
        with tmpfs(folder.parent / "ro-mnt", "8m") as mnt:
            if mnt is None:
                yield None
                return
            shutil.copytree(folder, mnt, dirs_exist_ok=True)
            saved = folder.with_name(".kb-saved")
            folder.rename(saved)
            folder.symlink_to(mnt)
            try:
                ok = (
                    subprocess.run(["mount", "-o", "remount,ro", str(mnt)], capture_output=True).returncode
                    == 0
                )
                yield "read-only mount" if ok else None
            finally:
                subprocess.run(["mount", "-o", "remount,rw", str(mnt)], capture_output=True)
                folder.unlink()
                saved.rename(folder)

    @contextlib.contextmanager
    def immutable():
        if not shutil.which("chattr"):
            yield None
            return
        items = [folder, *folder.rglob("*")]
        ok = subprocess.run(["chattr", "+i", *map(str, items)], capture_output=True).returncode == 0
        try:
            yield "chattr +i" if ok else None
        finally:
            subprocess.run(["chattr", "-i", *map(str, items)], capture_output=True)

    @contextlib.contextmanager
    def chmodded():
        if os.geteuid() == 0:
            yield None  # root ignores permissions
            return
        modes = {p: p.stat().st_mode for p in [folder, *folder.rglob("*")]}
        for p in modes:
            p.chmod(0o555 if p.is_dir() else 0o444)
        try:
            yield "chmod"
        finally:
            for p, mode in modes.items():
                p.chmod(mode)

    return {"mount": remounted, "chattr": immutable, "chmod": chmodded}


@pytest.mark.parametrize("way", ["mount", "chattr", "chmod"])
@pytest.mark.parametrize("command", ["index", "review"])
def test_read_only_database_folder_is_one_line_and_corrupts_nothing(tmp_path, way, command):
    root = make_root(tmp_path / "kb", notes=6)
    assert kb_run(root, "index").returncode == 0
    if command == "review":  # a journal with answers in it, which must come out unchanged
        done = kb_run(root, "review", "--limit", "2", input="3\n3\n", KB_NOW="2026-03-02T09:00:00Z")
        assert done.returncode == 0, done.stderr
    db = root / ".kb" / "kb.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    before = _snapshot(db)
    journals = {p: p.read_bytes() for p in (root / ".kb").rglob("*.jsonl")}
    with _make_read_only(root / ".kb")[way]() as worked:
        if worked is None:
            pytest.skip(
                f"{way}: cannot make a folder read-only this way on this machine (another way covers it)"
            )
        if command == "index":
            (root / "notes" / "topics" / "new.md").write_text(
                "---\ntitle: New\n---\n# New\n\nQ?::A\n", encoding="utf-8"
            )
            proc = kb_run(root, "index")
        else:
            proc = kb_run(root, "review", input="3\n3\n3\n", KB_NOW="2026-03-02T09:30:00Z")
        line = assert_one_line_error(proc)
        assert "read-only" in line or "readonly" in line or "permission" in line or "cannot write" in line, (
            line
        )
    integrity_ok(db)
    assert _snapshot(db) == before
    assert {p: p.read_bytes() for p in (root / ".kb").rglob("*.jsonl")} == journals
    proc = kb_run(root, "index")
    assert proc.returncode == 0, proc.stderr
