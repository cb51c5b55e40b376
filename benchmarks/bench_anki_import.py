"""Benchmark `kb import anki` on a generated 50,000-card deck with 400,000 reviews, and a rebuild from its journal.

Figures (issue 19, point 7), each a new `python -m kb` process as a user runs it, its wall time, CPU time and peak
memory (max RSS, from ``wait4``):

* the import into an empty knowledge base (target: under 15 s and 300 MB);
* the journal it wrote: bytes per imported review (at most 120) and the largest journal file (at most 50 MB);
* a rebuild from the journal: ``.kb/kb.db`` deleted, then ``kb stats --json`` (under 15 s and 300 MB);
* whether the rebuilt database is the imported one: ``kb due --json`` and ``kb stats --json`` (at a fixed
  ``KB_NOW``) the same before and after the rebuild (1 yes, 0 no).

The deck is ``anki_deck.py``'s (same seed, same bytes). ``--against REV`` runs the same import and rebuild once with
kb at another commit (a git worktree of it under the scratch folder) and puts its figures beside these: today's
commit before the change took minutes and gigabytes, so run.py leaves it out. ``--quick``: 500 cards, 4,000 reviews.

Usage: python benchmarks/bench_anki_import.py --corpus DIR --work DIR [--repeat K] [--quick] [--against REV]
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from anki_deck import generate_deck  # noqa: E402
from harness import REPO, Row, emit, kb_argv, kb_env, median, spread  # noqa: E402

FIXED_NOW = "2026-07-01T12:00:00Z"  # for the before/after comparison: due counts depend on the clock
MB = 1 << 20


def _cpu(usage) -> float:
    return usage.ru_utime + usage.ru_stime if usage else float("nan")


def _rss(usage) -> float:
    return usage.ru_maxrss / 1024 if usage else float("nan")


def measured(argv: list[str], env: dict) -> tuple[float, float, float, bytes]:
    """(wall s, CPU s, peak RSS MB, stdout) of one command, from its own rusage (``wait4``); raises if it fails.

    Run from the scratch folder: ``python -m`` looks in the current folder first, which must not be a kb checkout
    other than the one ``PYTHONPATH`` names."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        argv, env=env, cwd=argv[argv.index("--root") + 1], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stdout.close()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {proc.returncode}")
    return wall, _cpu(usage), _rss(usage), out


def fresh_kb(path: Path) -> Path:
    if path.exists():
        shutil.rmtree(path)
    (path / "notes").mkdir(parents=True)
    (path / "mkdocs.yml").write_text("site_name: bench\ndocs_dir: notes\n", encoding="utf-8")
    return path


def views(root: Path, env: dict) -> tuple[str, str]:
    """``kb due --json`` and ``kb stats --json`` at a fixed time, without their ``now`` field."""
    fixed = {**env, "KB_NOW": FIXED_NOW}
    out = []
    for command in ("due", "stats"):
        data = json.loads(measured(kb_argv(root, command, "--json"), fixed)[3])
        data.pop("now", None)
        out.append(json.dumps(data, sort_keys=True))
    return out[0], out[1]


def one_round(repo: Path, deck: Path, root: Path) -> dict:
    """Import into an empty kb, measure its journal, rebuild, compare."""
    env = kb_env()
    env["PYTHONPATH"] = str(repo)
    fresh_kb(root)
    wall, cpu, rss, out = measured(kb_argv(root, "import", "anki", str(deck), "--json"), env)
    reviews = json.loads(out)["reviews"]
    files = [p.stat().st_size for p in (root / ".kb" / "journal").glob("*.jsonl")]
    before = views(root, env)
    for name in os.listdir(root / ".kb"):
        if name.startswith("kb.db"):
            os.remove(root / ".kb" / name)
    r_wall, r_cpu, r_rss, _ = measured(kb_argv(root, "stats", "--json"), env)
    after = views(root, env)
    return {
        "import_s": wall, "import_cpu_s": cpu, "import_mb": rss, "reviews": reviews,
        "journal_bytes": sum(files), "largest_file": max(files, default=0),
        "rebuild_s": r_wall, "rebuild_cpu_s": r_cpu, "rebuild_mb": r_rss, "same": before == after,
    }  # fmt: skip


def checkout(rev: str, where: Path) -> Path:
    """kb's files at ``rev`` (``git archive``, no worktree registered), for ``--against``."""
    shutil.rmtree(where, ignore_errors=True)
    where.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", rev], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(where)], input=archive, check=True)
    return where


def rows_for(rounds: list[dict], old: dict | None, quick: bool, size: str) -> list[Row]:
    def row(figure, key, unit, limit, target, scale=1.0, digits=2):
        values = [r[key] * scale for r in rounds]
        value = median(values)
        r = Row(figure, round(value, digits), unit, [round(v, digits) for v in spread(values)], len(values))
        r.target = target
        r.ok = None if quick else value <= limit
        if old is not None and old.get(key):
            r.compared_with = "the same at the commit given with --against"
            r.compared_value = round(old[key] * scale, digits)
            r.ratio = round(value / r.compared_value, 3) if r.compared_value else None
        cpu_key = key.replace("_s", "_cpu_s") if key.endswith("_s") else None
        if cpu_key:
            r.cpu_value = round(median([x[cpu_key] for x in rounds]), 2)
            if old is not None and old.get(cpu_key):
                r.cpu_compared_value = round(old[cpu_key], 2)
                r.cpu_ratio = round(r.cpu_value / r.cpu_compared_value, 3)
        return r

    per_review = [{**r, "per_review": r["journal_bytes"] / max(1, r["reviews"])} for r in rounds]
    old_per = {**old, "per_review": old["journal_bytes"] / max(1, old["reviews"])} if old else None
    out = [
        row(f"`kb import anki`, {size}", "import_s", "s", 15, "< 15 s"),
        row(f"peak memory of the import, {size}", "import_mb", "MB", 300, "< 300 MB", digits=0),
    ]
    rounds[:] = per_review
    old = old_per
    out += [
        row("journal bytes per imported review", "per_review", "B", 120, "<= 120 B", digits=1),
        row("largest journal file after the import", "largest_file", "MB", 50, "<= 50 MB", scale=1 / MB),
        row(
            f"rebuild from the journal (kb.db deleted, `kb stats --json`), {size}",
            "rebuild_s",
            "s",
            15,
            "< 15 s",
        ),
        row("peak memory of the rebuild", "rebuild_mb", "MB", 300, "< 300 MB", digits=0),
    ]
    same = Row("rebuilt database is the imported one (`kb due`/`kb stats --json` equal)",
               float(all(r["same"] for r in rounds)), "yes=1", runs=len(rounds), target="1")  # fmt: skip
    same.ok = None if quick else same.value == 1
    out.append(same)
    return out


def main(argv: list[str] | None = None) -> None:
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path)
    parser.add_argument("--corpus-1k", type=Path)
    parser.add_argument(
        "--work", type=Path, default=Path(REPO / "benchmarks" / ".work" / "scratch" / "anki_import")
    )
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--against", help="also run kb at this commit once, for the figures beside these")
    parser.add_argument("--cards", type=int)
    parser.add_argument("--reviews", type=int)
    args = parser.parse_args(argv)
    cards = args.cards or (500 if args.quick else 50_000)
    reviews = args.reviews or (4_000 if args.quick else 400_000)
    args.work.mkdir(parents=True, exist_ok=True)
    deck = args.work / "deck.apkg"
    print(f"generating {cards:,} cards, {reviews:,} reviews", file=sys.stderr)
    generate_deck(deck, cards, reviews, seed=1)
    old = None
    if args.against:
        print(f"kb at {args.against}", file=sys.stderr)
        old = one_round(checkout(args.against, args.work / "against"), deck, args.work / "kb-against")
        print(json.dumps(old), file=sys.stderr)
    rounds = []
    for _ in range(1 if args.quick else min(max(args.repeat, 1), 3)):
        rounds.append(one_round(REPO, deck, args.work / "kb"))
        print(json.dumps(rounds[-1]), file=sys.stderr)
    emit(rows_for(rounds, old, args.quick, f"{cards:,} cards, {reviews:,} reviews"))


if __name__ == "__main__":
    main()
