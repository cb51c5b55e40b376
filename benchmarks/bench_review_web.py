"""Benchmark `kb review --web` on the review benchmark's collection (50,000 cards, 30,000 due; built as
``bench_review.build_kb`` builds it), side by side with the terminal reviewer (`kb review`, piped).

Figures (every run a new process, as a user starts it; the database and journal put back between runs):

* first card from the first request: from the page's first GET (sent as soon as the address is printed, as a
  browser would) to the first card's screen (``api/screen``) received; target: within 1 s.
* first card from the command: from starting ``python -m kb review --web --no-browser`` to that screen, beside the
  piped terminal reviewer's first card, in alternating rounds.
* answer to next card: a grade POSTed to ``api/command`` until the next card's screen is received (the answer is
  in the journal and the database by then), over HTTP on 127.0.0.1; target: under 50 ms at the server (this figure
  includes the HTTP round trip, so it is an upper bound).

Usage: python benchmarks/bench_review_web.py --corpus DIR [--repeat K] [--quick] [--work DIR]
(the corpus is not used: the cards are generated as in bench_review.py).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_review import REPO, bench_env, build_kb, read_until  # noqa: E402
from harness import Row, bench_args, emit, has_command, timed_row  # noqa: E402


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=60) as r:
        return r.read()


def _screen(url: str) -> dict:
    s = json.loads(_get(url + "api/screen"))
    while s["kind"] == "wait":
        s = json.loads(_get(url + f"api/screen?after={s['seq']}"))
    return s


def _command(url: str, seq: int, command: str) -> dict:
    request = urllib.request.Request(
        url + "api/command",
        data=json.dumps({"seq": seq, "command": command}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=60) as r:
        return json.loads(r.read())


def run_web(root: Path, answers: int) -> dict:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb", "review", "--web", "--no-browser"],
        env=bench_env(root),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    buf = bytearray()
    read_until(proc.stdout.fileno(), b"/\n", buf)
    url = "http://" + bytes(buf).split(b"http://", 1)[1].split()[0].decode()
    printed = time.perf_counter()
    _get(url)  # the page, then its first screen, as the browser asks for them
    s = _screen(url)
    first = time.perf_counter()
    assert s["kind"] == "card", s
    latencies = []
    for _ in range(answers):
        t = time.perf_counter()
        s = _command(url, s["seq"], "3")
        latencies.append(time.perf_counter() - t)
        assert s["kind"] == "card", s
    _command(url, s["seq"], "q")
    _, err = proc.communicate(timeout=60)
    if proc.returncode != 0:
        raise RuntimeError(f"kb review --web failed: {err.decode()[-2000:]}")
    return {"from_request": first - printed, "from_command": first - start, "answers": latencies}


def run_terminal(root: Path) -> float:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb", "review"],
        env=bench_env(root),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    read_until(proc.stdout.fileno(), b"\n> ", bytearray())
    first = time.perf_counter() - start
    proc.communicate(b"q\n", timeout=60)
    return first


def restore(root: Path, snap: Path) -> None:
    db = root / ".kb" / "kb.db"
    shutil.copy(snap, db)
    for extra in ("-wal", "-shm"):
        Path(f"{db}{extra}").unlink(missing_ok=True)
    shutil.rmtree(root / ".kb" / "journal", ignore_errors=True)


def main() -> None:
    args = bench_args(__doc__.splitlines()[0])
    if not has_command("review"):
        print(json.dumps({"skipped": "kb review has not landed yet"}))
        return
    cards, due, answers = (500, 300, 5) if args.quick else (50_000, 30_000, 50)
    os.environ.setdefault("PYTHONPATH", str(REPO))
    root = build_kb(args.work, cards, due)
    snap = args.work / "snap.db"
    shutil.copy(root / ".kb" / "kb.db", snap)
    web, terminal = [], []
    for i in range(1 + args.repeat):  # a warm-up round, then the timed ones, web and terminal alternating
        w = run_web(root, answers)
        restore(root, snap)
        t = run_terminal(root)
        if i:
            web.append(w)
            terminal.append(t)
    from_request = [w["from_request"] for w in web]
    latencies = sorted(x for w in web for x in w["answers"])
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    rows: list[Row] = [
        timed_row(
            f"`kb review --web` first card from the first request, {cards:,} cards",
            from_request,
            target="<= 1 s",
            limit=1000,
            quick=args.quick,
        ),
        timed_row(
            f"`kb review --web` first card from the command, {cards:,} cards",
            [w["from_command"] for w in web],
            compared_with="`kb review` piped, first card",
            compared=terminal,
            quick=args.quick,
        ),
        timed_row(
            "`kb review --web` answer to next card (HTTP round trip on 127.0.0.1)",
            latencies,
            target="< 50 ms",
            limit=50,
            quick=args.quick,
            note=f"p95 {p95 * 1000:.1f} ms, max {latencies[-1] * 1000:.1f} ms, {len(latencies)} answers",
        ),
    ]
    print(f"web first card from request: {[round(x, 3) for x in from_request]}", file=sys.stderr)
    print(f"median answer {statistics.median(latencies) * 1000:.1f} ms", file=sys.stderr)
    emit(rows)


if __name__ == "__main__":
    main()
