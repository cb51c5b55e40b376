"""Run every benchmark and write the results table: ``python benchmarks/run.py [--quick] [--only NAME] [--repeat K]``.

Builds generated corpora of 1,000 and 10,000 notes (``--quick``: 50) under benchmarks/.work/ (git-ignored; reused
while the generator is unchanged), runs each ``benchmarks/bench_*.py`` script with the arguments of the contract in
benchmarks/README.md, and writes a Markdown table with the machine's description to benchmarks/RESULTS.md
(``--quick``: benchmarks/.work/RESULTS-quick.md). A benchmark whose script has not landed yet, or that reports it
cannot run yet, appears in the table as such. The exit status is non-zero only when a benchmark crashes, never
because of a timing.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
sys.path.insert(0, str(BENCH))

from generate import generate  # noqa: E402

# Benchmarks the issues ask for, by script name, with the figures they will report: a script that has not landed
# yet still gets its lines in the table.
EXPECTED = {
    "index": ["full / no-op / one-edit `kb index`, peak memory of `kb index`"],
    "search": ["`kb search` two-word query vs `rg -l`"],
    "review": [
        "`kb review` start to first card vs the Anki backend",
        "answer to next card",
        "peak memory of `kb review`",
    ],
    "quiz": ["20-question `kb quiz --json`, 10,000 notes"],
    "site": ["`mkdocs build` 1,000 notes vs without the kb plugin", "`mkdocs build`, 2,000 notes"],
    "optimize": ["scheduler fit on josh_revlogs.csv vs default FSRS parameters"],
    "search_site": ["first site search, 2,000 notes: Pagefind vs lunr (time and bytes)"],
    "anki_import": ["`kb import anki` of 50,000 cards and 400,000 reviews, its journal, a rebuild from it"],
}
SEED = 1
SIZES = {"full": (1000, 10000), "quick": (30, 50)}


def machine() -> dict[str, str]:
    """What the figures were measured on: they mean little without it."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                break
    except OSError:
        pass
    try:
        load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    return {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": ram,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "git": _version(["git", "--version"]),
        "ripgrep": _version(["rg", "--version"]),
        "load average at start (1/5/15 min)": load,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "kb commit": _version(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"]),
    }


def _version(argv: list[str]) -> str:
    try:
        out = subprocess.run(argv, capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return "not installed"
    return out.splitlines()[0].strip() if out else "?"


def corpus(work: Path, n: int) -> Path:
    """A generated corpus of n notes, rebuilt only when the generator changed (its source hash is the key)."""
    key = hashlib.sha256((BENCH / "generate.py").read_bytes()).hexdigest()[:12]
    root = work / f"corpus-{n}-seed{SEED}"
    stamp = root / ".generated"
    if stamp.is_file() and stamp.read_text() == key:
        return root
    if root.exists():
        shutil.rmtree(root)
    start = time.perf_counter()
    generate(n, root, SEED)
    stamp.write_text(key)
    print(f"generated {n:,} notes in {time.perf_counter() - start:.1f} s: {root}", file=sys.stderr)
    return root


def discover(folder: Path) -> dict[str, Path]:
    return {p.stem.removeprefix("bench_"): p for p in sorted(folder.glob("bench_*.py"))}


def run_script(script: Path, args: list[str], timeout: float) -> tuple[str, dict | None, str]:
    """Run one benchmark script. Returns (status, result, detail); status is ok, skipped, incompatible or crashed.

    A script written before the contract is still read: one that rejects the contract's arguments is run again
    without them (not with --quick, where that would not be quick), and a JSON object without ``rows`` (or printed
    over several lines) becomes one row per number.
    """
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")

    def attempt(argv: list[str]) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, str(script), *argv],
            cwd=REPO,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )

    try:
        proc = attempt(args)
        if proc.returncode == 2 and "unrecognized arguments" in proc.stderr:
            if "--quick" in args:  # run without arguments it would not be quick: say what is wrong instead
                return (
                    "incompatible",
                    None,
                    "it rejects the arguments of the contract in benchmarks/README.md",
                )
            proc = attempt([])
    except subprocess.TimeoutExpired:
        return "crashed", None, f"timed out after {timeout:.0f} s"
    if proc.stderr.strip():
        sys.stderr.write(proc.stderr)
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return "crashed", None, f"exit status {proc.returncode}: {tail}"
    try:
        result = json.loads(lines[-1])
    except json.JSONDecodeError:
        try:
            result = json.loads(proc.stdout[proc.stdout.index("{") :])
        except (ValueError, json.JSONDecodeError):
            return "crashed", None, f"last line of output is not JSON: {lines[-1][:200]}"
    if not isinstance(result, dict):
        return "crashed", None, "output is not a JSON object"
    if "skipped" in result:
        return "skipped", result, str(result["skipped"])
    if "rows" not in result:
        result = {"rows": [{"figure": key, "value": value, "unit": ""} for key, value in _numbers(result)]}
        if not result["rows"]:
            return "crashed", None, "output has neither `rows` nor `skipped`"
    return "ok", result, ""


def _numbers(data, prefix: str = ""):
    """(dotted key, number) for every number in a JSON object (lists of numbers are skipped: parameters)."""
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            yield from _numbers(value, name + " ")
        elif isinstance(value, int | float) and not isinstance(value, bool):
            yield name, value


def fmt(value, unit: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        text = f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    else:
        text = f"{value:,}" if isinstance(value, int) else str(value)
    return f"{text} {unit}".strip()


def cpu_text(row: dict) -> str:
    if row.get("cpu_value") is None:
        return "-"
    unit = row.get("unit", "")
    text = fmt(row["cpu_value"], unit)
    if row.get("cpu_compared_value") is not None:
        text += f" vs {fmt(row['cpu_compared_value'], unit)}"
    if row.get("cpu_ratio") is not None:
        text += f", {row['cpu_ratio']:.2f}x"
    return text


def table(results: list[tuple[str, str, dict | None, str]]) -> list[str]:
    lines = [
        "| benchmark | figure | median | spread (min-max) | runs | compared with | its median | ratio | target | ok"
        " | CPU time: median, vs compared, ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    notes = []
    for name, status, result, detail in results:
        if status != "ok":
            what = {
                "missing": "not landed yet",
                "skipped": f"not landed yet: {detail}",
                "incompatible": f"not run: {detail}",
                "crashed": "CRASHED",
            }[status]
            if status == "crashed":
                what += f": {detail}"
            for figure in EXPECTED.get(name, [name]):
                lines.append(f"| {name} | {figure} | {what} | | | | | | | | |")
            continue
        for row in result["rows"]:
            unit = row.get("unit", "")
            spread = row.get("spread")
            spread_text = f"{fmt(spread[0])} - {fmt(spread[1])}" if spread else "-"
            ok = {True: "yes", False: "**no**", None: "-"}[row.get("ok")]
            value_text = (
                fmt(row.get("value"), unit) if row.get("value") is not None else row.get("note") or "-"
            )
            ratio = row.get("ratio")
            lines.append(
                f"| {name} | {row['figure']} | {value_text} | {spread_text} | {row.get('runs') or '-'}"
                f" | {row.get('compared_with') or '-'} | {fmt(row.get('compared_value'), unit)}"
                f" | {f'{ratio:.2f}x' if ratio is not None else '-'} | {row.get('target') or '-'} | {ok} | {cpu_text(row)} |"
            )
            if row.get("note") and row.get("value") is not None:
                notes.append(f"- {name}, {row['figure']}: {row['note']}")
    return lines + ([""] + notes if notes else [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: 50-note corpus, each benchmark once"
    )
    parser.add_argument(
        "--only", action="append", default=[], help="run only this benchmark (index, search, ...)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure (default 5)")
    parser.add_argument(
        "--work", type=Path, default=BENCH / ".work", help="where corpora and scratch files go"
    )
    parser.add_argument("--output", type=Path, help="Markdown file to write (default benchmarks/RESULTS.md)")
    parser.add_argument(
        "--scripts", type=Path, default=BENCH, help="folder of bench_*.py scripts (default: here)"
    )
    args = parser.parse_args(argv)
    mode = "quick" if args.quick else "full"
    output = args.output or (args.work / "RESULTS-quick.md" if args.quick else BENCH / "RESULTS.md")
    args.work.mkdir(parents=True, exist_ok=True)
    only = {o for item in args.only for o in item.split(",") if o}
    about = machine()

    small_n, large_n = SIZES[mode]
    small, large = corpus(args.work, small_n), corpus(args.work, large_n)
    scripts = discover(args.scripts)
    names = [n for n in dict.fromkeys([*EXPECTED, *scripts]) if not only or n in only]
    unknown = only - set(EXPECTED) - set(scripts)
    if unknown:
        parser.error(
            f"no benchmark named {', '.join(sorted(unknown))}; known: {', '.join([*EXPECTED, *scripts])}"
        )

    results = []
    started = time.perf_counter()
    for name in names:
        script = scripts.get(name)
        if script is None:
            results.append((name, "missing", None, ""))
            print(f"{name}: not landed yet", file=sys.stderr)
            continue
        scratch = args.work / "scratch" / name
        if scratch.exists():
            shutil.rmtree(scratch)
        scratch.mkdir(parents=True)
        bench_args = ["--corpus", str(large), "--corpus-1k", str(small), "--work", str(scratch)]
        bench_args += ["--repeat", str(1 if args.quick else args.repeat)] + (
            ["--quick"] if args.quick else []
        )
        print(f"{name}: running {script.name}", file=sys.stderr)
        start = time.perf_counter()
        status, result, detail = run_script(script, bench_args, timeout=600 if args.quick else 3600)
        print(f"{name}: {status} in {time.perf_counter() - start:.1f} s {detail}".rstrip(), file=sys.stderr)
        results.append((name, status, result, detail))

    try:
        about["load average at the end"] = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        pass
    lines = [
        "# Benchmark results" + (" (quick smoke run, not figures)" if args.quick else ""),
        "",
        f"`python benchmarks/run.py{' --quick' if args.quick else ''}"
        f"{''.join(f' --only {o}' for o in sorted(only))} --repeat {1 if args.quick else args.repeat}`"
        f" on generated corpora of {small_n:,} and {large_n:,} notes (seed {SEED}), in"
        f" {time.perf_counter() - started:.0f} s. Times are medians of the timed runs after warm-up; each figure is"
        " measured side by side with what it is compared with, alternating runs, so the ratio is the figure to"
        " trust on a shared machine. `ok` is judged on wall-clock time against the target of the issue. The last"
        " column is the CPU time (user + system) of the same runs, which other work on the machine inflates far"
        " less than wall time: when the load average below is above the core count, read that column.",
        "",
        "## Machine",
        "",
        *(f"- {key}: {value}" for key, value in about.items()),
        "",
        "## Results",
        "",
        *table(results),
        "",
    ]
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(table(results)))
    print(f"\nwritten to {output}", file=sys.stderr)
    crashed = [name for name, status, _, _ in results if status == "crashed"]
    if crashed:
        print(f"crashed: {', '.join(crashed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
