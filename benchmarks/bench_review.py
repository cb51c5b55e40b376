"""Benchmark `kb review` against the Anki backend on the same 50,000 cards (30,000 due).

Prints one JSON object with:

* ``kb_first_card_s``: wall time from starting ``python -m kb review`` (piped, the line protocol) to its first card
  on stdout; ``kb_first_card_tty_s``: the same in a pseudo-terminal (the rich reviewer), up to the card drawn.
* ``anki_first_card_s``: wall time from starting a Python process that opens the Anki collection holding the same
  cards, gets the queued cards (``col.sched.get_queued_cards()``) and prints the first card's question.
* ``ratio``: kb / Anki (target: under 0.5).
* ``answer_latency_ms``: from writing a grade to the next card fully printed, median and p95 (target: < 20 ms).
  Each answer is fsynced to the journal and committed to SQLite (synchronous=FULL) before the next card shows.
* ``kb_peak_rss_mb``: the review process's max RSS (getrusage(RUSAGE_CHILDREN) in a small launcher; < 60 MB).

Usage: python benchmarks/bench_review.py [--cards 50000] [--due 30000] [--answers 50] [--work DIR]
Run from the repository root (or set PYTHONPATH to it).
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import random
import select
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOW = datetime(2026, 6, 15, 12, 0, tzinfo=UTC)
CARDS_PER_NOTE = 100


def kind_of(i: int, cards: int, due: int) -> str:
    """Which cards are due, not yet due, or new: spread evenly through the collection, same split for kb and Anki."""
    if (i * due) // cards != ((i + 1) * due) // cards:
        return "due"
    return "future" if i % 2 == 0 else "new"


def build_kb(work: Path, cards: int, due: int) -> Path:
    root = work / "kb"
    if root.exists():
        shutil.rmtree(root)
    (root / "notes" / "deck").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(
        "site_name: bench\ndocs_dir: notes\nplugins:\n  - kb:\n      new_per_day: 20\n"
    )
    env = bench_env(root)
    for n in range(0, cards, CARDS_PER_NOTE):  # the cards come from real notes, through the extractor
        lines = [f"---\ntitle: Deck {n // CARDS_PER_NOTE}\ntype: topic\n---\n# Deck {n // CARDS_PER_NOTE}\n"]
        for i in range(n, min(cards, n + CARDS_PER_NOTE)):
            lines.append(f"Question {i}: what is fact {i}?::Answer {i}\n")
        (root / "notes" / "deck" / f"deck-{n // CARDS_PER_NOTE:04d}.md").write_text("\n".join(lines))
    subprocess.run([sys.executable, "-m", "kb", "index", "-q"], env=env, check=True)
    conn = sqlite3.connect(root / ".kb" / "kb.db")
    ids = [row[0] for row in conn.execute("SELECT id FROM cards ORDER BY note, position")]
    rng = random.Random(7)
    rows = []
    for i, card_id in enumerate(ids):
        kind = kind_of(i, len(ids), due)
        if kind == "new":
            continue
        offset = -rng.randint(1, 30) if kind == "due" else rng.randint(1, 60)
        due_at = NOW + timedelta(days=offset)
        last = due_at - timedelta(days=10)
        rows.append(
            (
                card_id,
                2,
                None,
                10.0 + rng.random() * 20,
                5.0,
                due_at.isoformat(timespec="microseconds"),
                last.isoformat(timespec="microseconds"),
                3,
                0,
            )
        )
    conn.executemany(
        "INSERT INTO card_state (card_id, state, step, stability, difficulty, due, last_review, reps, lapses) "
        "VALUES (?,?,?,?,?,?,?,?,?)",
        rows,
    )
    conn.commit()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("ANALYZE")
    conn.commit()
    conn.close()
    return root


def build_anki(work: Path, cards: int, due: int) -> Path:
    from anki.collection import AddNoteRequest, Collection

    path = work / "anki" / "collection.anki2"
    if path.parent.exists():
        shutil.rmtree(path.parent)
    path.parent.mkdir(parents=True)
    col = Collection(str(path))
    model = col.models.by_name("Basic")
    deck = col.decks.id("Default")
    requests = []
    for i in range(cards):
        note = col.new_note(model)
        note["Front"] = f"Question {i}: what is fact {i}?"
        note["Back"] = f"Answer {i}"
        requests.append(AddNoteRequest(note=note, deck_id=deck))
    col.add_notes(requests)
    today = col.sched.today
    rng = random.Random(7)
    updates = []
    for i, (cid,) in enumerate(col.db.all("SELECT id FROM cards ORDER BY id")):  # noqa: B007
        kind = kind_of(i, cards, due)
        if kind == "new":
            continue
        offset = -rng.randint(1, 30) if kind == "due" else rng.randint(1, 60)
        updates.append((today + offset, 10, cid))
    col.close()
    # one transaction through plain sqlite3: Anki's per-statement commits would take minutes of fsyncs
    db = sqlite3.connect(path)
    db.executemany(
        "UPDATE cards SET type = 2, queue = 2, due = ?, ivl = ?, factor = 2500 WHERE id = ?", updates
    )
    db.commit()
    db.close()
    return path


def bench_env(root: Path) -> dict:
    env = dict(os.environ)
    env.update(
        KB_ROOT=str(root),
        KB_DEVICE="bench",
        KB_NOW=NOW.isoformat(),
        KB_TZ="UTC",
        PYTHONPATH=str(REPO),
        PYTHONUNBUFFERED="1",
    )
    env.pop("KB_DB", None)
    return env


# Max RSS is measured by a small launcher process: a child's ru_maxrss starts from its parent's RSS at fork time
# (Linux carries the high-water mark across exec), and this benchmark process holds the Anki collection builder.
LAUNCHER = """
import resource, subprocess, sys
rc = subprocess.call(sys.argv[2:])
with open(sys.argv[1], "w") as fh:
    fh.write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss))
sys.exit(rc)
"""


def launched(cmd: list[str], rss_file: Path) -> list[str]:
    return [sys.executable, "-c", LAUNCHER, str(rss_file), *cmd]


def read_rss_mb(rss_file: Path) -> float:
    return int(rss_file.read_text()) / 1024


def read_until(fd: int, marker: bytes, buf: bytearray, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while marker not in buf:
        left = deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError(f"did not see {marker!r}; got {bytes(buf[-500:])!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                raise EOFError(f"process ended before {marker!r}: {bytes(buf[-500:])!r}")
            buf.extend(chunk)


def run_kb_piped(root: Path, answers: int) -> dict:
    env = bench_env(root)
    start = time.perf_counter()
    rss_file = root.parent / "rss-piped"
    proc = subprocess.Popen(
        launched([sys.executable, "-m", "kb", "review"], rss_file),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    fd = proc.stdout.fileno()
    buf = bytearray()
    read_until(fd, b"\n> ", buf)
    first = time.perf_counter() - start
    latencies = []
    for _ in range(answers):
        buf.clear()
        t = time.perf_counter()
        proc.stdin.write(b"3\n")
        proc.stdin.flush()
        read_until(fd, b"\n> ", buf)
        latencies.append((time.perf_counter() - t) * 1000)
    proc.stdin.write(b"q\n")
    proc.stdin.close()
    err = proc.stderr.read().decode()
    proc.wait()
    if proc.returncode != 0:
        raise RuntimeError(f"kb review failed: {err}")
    latencies.sort()
    return {
        "first_card_s": first,
        "answer_ms_median": statistics.median(latencies),
        "answer_ms_p95": latencies[int(len(latencies) * 0.95) - 1],
        "answer_ms_max": latencies[-1],
        "peak_rss_mb": read_rss_mb(rss_file),
    }


def run_kb_tty(root: Path) -> dict:
    env = bench_env(root)
    env["TERM"] = "xterm-256color"
    env["COLUMNS"], env["LINES"] = "100", "40"
    master, slave = pty.openpty()
    start = time.perf_counter()
    rss_file = root.parent / "rss-tty"
    proc = subprocess.Popen(
        launched([sys.executable, "-m", "kb", "review"], rss_file),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    os.close(slave)
    buf = bytearray()
    read_until(master, b"show answer", buf)
    first = time.perf_counter() - start
    os.write(master, b"q")
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 5)
            if not ready or not os.read(master, 65536):
                break
    except OSError:
        pass
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise RuntimeError("kb review did not quit on q in the terminal") from None
    os.close(master)
    return {"first_card_s": first, "peak_rss_mb": read_rss_mb(rss_file)}


ANKI_SCRIPT = """
import sys
from anki.collection import Collection
col = Collection(sys.argv[1])
queued = col.sched.get_queued_cards()
card = col.get_card(queued.cards[0].card.id)
print("Q:", card.question(), flush=True)
print("counts", queued.new_count, queued.learning_count, queued.review_count, flush=True)
col.close()
"""


def run_anki(path: Path) -> dict:
    start = time.perf_counter()
    rss_file = path.parent / "rss-anki"
    proc = subprocess.Popen(
        launched([sys.executable, "-c", ANKI_SCRIPT, str(path)], rss_file),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    buf = bytearray()
    read_until(proc.stdout.fileno(), b"Q:", buf)
    read_until(proc.stdout.fileno(), b"\n", buf)
    first = time.perf_counter() - start
    rest = proc.stdout.read()
    if proc.wait() != 0:
        raise RuntimeError(proc.stderr.read().decode())
    return {
        "first_card_s": first,
        "peak_rss_mb": read_rss_mb(rss_file),
        "output": (bytes(buf) + rest).decode()[-200:],
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cards", type=int, default=50_000)
    ap.add_argument("--due", type=int, default=30_000)
    ap.add_argument("--answers", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3, help="first-card timings: best of this many runs each")
    ap.add_argument("--work", default=str(REPO / "benchmarks" / ".work" / "review"))
    # The harness's contract (benchmarks/README.md): the corpora are not used here (the cards are generated
    # straight into a store and an Anki collection); --repeat sets the runs, --quick a tiny smoke run.
    ap.add_argument("--corpus", help=argparse.SUPPRESS)
    ap.add_argument("--corpus-1k", help=argparse.SUPPRESS)
    ap.add_argument("--repeat", type=int, help="same as --runs")
    ap.add_argument("--quick", action="store_true", help="500 cards, 300 due, one run: a smoke test")
    args = ap.parse_args()
    if args.repeat:
        args.runs = args.repeat
    if args.quick:
        args.cards, args.due, args.answers, args.runs = 500, 300, 5, 1
    work = Path(args.work)
    work.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(REPO))
    t = time.perf_counter()
    root = build_kb(work, args.cards, args.due)
    anki_path = build_anki(work, args.cards, args.due)
    setup = time.perf_counter() - t
    # interleaved, so a machine that gets busier or quieter during the run affects both sides alike
    anki_runs, tty_runs, kb_runs = [], [], []
    for _ in range(args.runs):
        anki_runs.append(run_anki(anki_path))
        tty_runs.append(run_kb_tty(root))
        # each piped run answers cards; start each from the same database and journal
        snap = work / "snap.db"
        shutil.copy(root / ".kb" / "kb.db", snap)
        kb_runs.append(run_kb_piped(root, args.answers))
        shutil.copy(snap, root / ".kb" / "kb.db")
        for extra in ("-wal", "-shm"):
            Path(f"{root / '.kb' / 'kb.db'}{extra}").unlink(missing_ok=True)
        shutil.rmtree(root / ".kb" / "journal", ignore_errors=True)
    best_kb = min(kb_runs, key=lambda r: r["first_card_s"])
    best_anki = min(r["first_card_s"] for r in anki_runs)
    best_tty = min(r["first_card_s"] for r in tty_runs)
    latencies_median = statistics.median(r["answer_ms_median"] for r in kb_runs)
    result = {
        "benchmark": "review",
        "cards": args.cards,
        "due": args.due,
        "setup_s": round(setup, 2),
        "kb_first_card_s": round(best_kb["first_card_s"], 4),
        "kb_first_card_tty_s": round(best_tty, 4),
        "anki_first_card_s": round(best_anki, 4),
        "ratio": round(best_kb["first_card_s"] / best_anki, 3),
        "ratio_tty": round(best_tty / best_anki, 3),
        "ratio_of_medians": round(
            statistics.median(r["first_card_s"] for r in kb_runs)
            / statistics.median(r["first_card_s"] for r in anki_runs),
            3,
        ),
        "runs_s": {
            "kb": [round(r["first_card_s"], 3) for r in kb_runs],
            "kb_tty": [round(r["first_card_s"], 3) for r in tty_runs],
            "anki": [round(r["first_card_s"], 3) for r in anki_runs],
        },
        "answer_latency_ms": {
            "median": round(latencies_median, 2),
            "p95": round(max(r["answer_ms_p95"] for r in kb_runs), 2),
            "max": round(max(r["answer_ms_max"] for r in kb_runs), 2),
        },
        "kb_peak_rss_mb": round(
            max(max(r["peak_rss_mb"] for r in kb_runs), max(r["peak_rss_mb"] for r in tty_runs)), 1
        ),
        "anki_peak_rss_mb": round(max(r["peak_rss_mb"] for r in anki_runs), 1),
        "targets": {"ratio": "< 0.5", "answer_latency_ms": "< 20", "kb_peak_rss_mb": "< 60"},
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
