"""Benchmark of `kb quiz`: a 20-question ``kb quiz --json`` over the 10,000-note corpus (target: under 0.5 s).

    python benchmarks/bench_quiz.py --corpus DIR [--work DIR] [--repeat K] [--quick]

Follows the contract of ``benchmarks/run.py`` (see benchmarks/README.md): the last line of stdout is one JSON object
``{"rows": [...]}``; logs go to stderr; the corpus is not written to (the database lives in the scratch folder via
KB_DB). Without ``--corpus`` it generates a 10,000-note corpus with ``benchmarks/generate.py`` into the scratch folder.

Figures: the whole command as a user runs it (a new ``python -m kb`` process: start-up, the no-op index check of
10,000 notes, generation, JSON output), the no-op ``kb index`` it includes, and the generator alone in process, for
the whole corpus and for one tag.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TARGET_S = 0.5
QUESTIONS = 20


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, help="the 10,000-note knowledge base (not written to)")
    parser.add_argument("--corpus-1k", type=Path, help="unused here; accepted for run.py")
    parser.add_argument("--work", type=Path, help="scratch folder")
    parser.add_argument("--repeat", type=int, default=9, help="timed runs per figure")
    parser.add_argument("--quick", action="store_true", help="smoke test: run once, judge nothing")
    args = parser.parse_args()
    if args.work is None:
        args.work = Path(tempfile.mkdtemp(prefix="bench-quiz-"))
    args.work.mkdir(parents=True, exist_ok=True)
    if args.quick:
        args.repeat = 1
    if args.corpus is None:
        sys.path.insert(0, str(HERE))
        from generate import generate  # the shared corpus generator of benchmarks/

        args.corpus = args.work / "corpus"
        if not (args.corpus / "mkdocs.yml").exists():
            n = 50 if args.quick else 10_000
            log(f"generating {n} notes in {args.corpus}")
            generate(n, args.corpus, seed=1)
    return args


def kb_env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(PYTHONPATH=str(REPO), KB_DB=str(db), KB_DEVICE="bench")
    return env


def kb_argv(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kb", "--root", str(root), *args]


def time_command(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")
    return elapsed


def row(
    figure: str,
    samples: list[float],
    *,
    target: str | None = None,
    limit: float | None = None,
    quick: bool,
    note: str = "",
    compared_with: str | None = None,
    compared: list[float] | None = None,
) -> dict:
    value = statistics.median(samples)
    data: dict = {
        "figure": figure,
        "value": round(value * 1000, 1),
        "unit": "ms",
        "spread": [round(min(samples) * 1000, 1), round(max(samples) * 1000, 1)],
        "runs": len(samples),
    }
    if compared_with and compared:
        other = statistics.median(compared)
        data.update(
            compared_with=compared_with, compared_value=round(other * 1000, 1), ratio=round(value / other, 2)
        )
    if target:
        data["target"] = target
    data["ok"] = None if quick or limit is None else value < limit
    if note:
        data["note"] = note
    return data


def main() -> None:
    args = parse_args()
    root = args.corpus
    db = args.work / "quiz.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = kb_env(db)
    log(f"indexing {root}")
    subprocess.run(kb_argv(root, "index", "-q"), env=env, check=True, stdout=subprocess.DEVNULL)

    sys.path.insert(0, str(REPO))
    from kb.store.connection import connect

    conn = connect(db)
    notes = conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0]
    cards = conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0]
    if cards == 0:
        raise SystemExit(f"bench_quiz: `kb index` of {root} found no cards; the quiz needs them")
    log(f"{notes} notes, {cards} cards")
    conn.close()

    repeat = max(args.repeat, 1)
    seeds = range(1, repeat + 2)
    quiz_runs: list[float] = []
    index_runs: list[float] = []
    # Side by side, round by round: the command and the no-op index it starts with.
    for i, seed in enumerate(seeds):
        q = time_command(kb_argv(root, "quiz", "--json", "-n", str(QUESTIONS), "--seed", str(seed)), env)
        ix = time_command(kb_argv(root, "index", "-q"), env)
        if i > 0 or repeat == 1:  # the first round warms the page cache
            quiz_runs.append(q)
            index_runs.append(ix)

    out = subprocess.run(
        kb_argv(root, "quiz", "--json", "-n", str(QUESTIONS), "--seed", "1"),
        env=env,
        capture_output=True,
        text=True,
    )
    data = json.loads(out.stdout)
    kinds = {}
    for q in data["questions"]:
        kinds[q["kind"]] = kinds.get(q["kind"], 0) + 1
    four = sum(1 for q in data["questions"] if q["kind"] == "mcq" and len(q["options"]) == 4)
    mix = ", ".join(f"{v} {k}" for k, v in sorted(kinds.items()))

    rows = [
        row(
            f"{QUESTIONS}-question `kb quiz --json`, {notes:,} notes, {cards:,} cards",
            quiz_runs,
            target="< 0.5 s",
            limit=TARGET_S,
            quick=args.quick,
            compared_with="no-op `kb index` (start-up and index check it includes)",
            compared=index_runs,
            note=f"new process each run; {len(data['questions'])} questions ({mix}); "
            f"{four} multiple-choice with 4 options",
        )
    ]

    from kb.quiz.generate import generate_quiz
    from kb.store.connection import connect as connect_again

    conn = connect_again(db, readonly=True)
    tag = conn.execute(
        "SELECT tag FROM note_tags GROUP BY tag ORDER BY COUNT(*) DESC, tag LIMIT 1"
    ).fetchone()[0]
    for label, kwargs in (("whole corpus", {}), (f"tag {tag}", {"tag": tag})):
        samples = []
        generate_quiz(conn, n=QUESTIONS, seed=0, **kwargs)  # warm-up
        for seed in seeds:
            start = time.perf_counter()
            generate_quiz(conn, n=QUESTIONS, seed=seed, **kwargs).to_json()
            samples.append(time.perf_counter() - start)
        rows.append(
            row(
                f"generator alone (in process), {QUESTIONS} questions, {label}",
                samples,
                quick=args.quick,
                note="no start-up, no index check",
            )
        )
    print(json.dumps({"rows": rows}))


if __name__ == "__main__":
    main()
