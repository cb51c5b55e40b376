"""Shared pieces of the benchmark scripts: arguments, timing, statistics and the JSON they print.

Every ``benchmarks/bench_*.py`` script follows the contract described in benchmarks/README.md:

    python benchmarks/bench_NAME.py --corpus DIR --corpus-1k DIR --work DIR [--repeat K] [--quick]

and prints one JSON object on its last line of stdout: ``{"rows": [...]}`` or ``{"skipped": "why"}``. This module
makes that short to write::

    from harness import Row, bench_args, emit, kb_argv, kb_env, time_commands

Only the standard library is used, so a script runs before kb's own dependencies matter.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "benchmarks"


def bench_args(description: str, argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the arguments every benchmark script accepts (see README.md)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument(
        "--corpus", required=True, type=Path, help="the large corpus (10,000 notes; --quick: 50)"
    )
    parser.add_argument("--corpus-1k", type=Path, help="the 1,000-note corpus (--quick: the same small one)")
    parser.add_argument("--work", type=Path, help="a scratch folder this script may write into")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per figure (after warm-up)")
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: tiny corpus, one run, no targets judged"
    )
    args = parser.parse_args(argv)
    if args.corpus_1k is None:
        args.corpus_1k = args.corpus
    if args.work is None:
        import tempfile

        args.work = Path(tempfile.mkdtemp(prefix="kb-bench-"))
    args.work.mkdir(parents=True, exist_ok=True)
    if args.quick:
        args.repeat = 1
    return args


@dataclass
class Row:
    """One figure of the results table. ``ratio`` is value / compared_value (both in ``unit``)."""

    figure: str
    value: float | None
    unit: str
    spread: list[float] | None = None  # [min, max] of the timed runs
    runs: int = 0
    compared_with: str | None = None
    compared_value: float | None = None
    ratio: float | None = None
    target: str | None = None
    ok: bool | None = None  # None: no target, or not judged (--quick)
    note: str = ""
    # CPU time (user + system, the command and its children) of the same runs: medians and their ratio. Other work
    # on a shared machine inflates wall time much more than CPU time, so these say what the wall times cannot.
    cpu_value: float | None = None
    cpu_compared_value: float | None = None
    cpu_ratio: float | None = None


def emit(rows: list[Row]) -> None:
    """Print the script's result (the last line of stdout is what run.py reads)."""
    sys.stdout.flush()
    print(json.dumps({"rows": [asdict(r) for r in rows]}))


def skip(reason: str) -> None:
    """A benchmark that cannot run yet (its capability has not landed) says so and exits 0."""
    print(json.dumps({"skipped": reason}))
    sys.exit(0)


def kb_env(**extra: str) -> dict[str, str]:
    """Environment for running this repository's kb: PYTHONPATH at the repo, hermetic device name."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.setdefault("KB_DEVICE", "bench")
    env.pop("KB_ROOT", None)
    env.pop("KB_DB", None)
    env.update(extra)
    return env


def kb_argv(root: Path, *args: str) -> list[str]:
    """``python -m kb --root ROOT ARGS``: the command a user runs, Python start-up included."""
    return [sys.executable, "-m", "kb", "--root", str(root), *args]


def has_command(name: str) -> bool:
    """Whether this repository's kb has the command ``name`` (its registry line has landed)."""
    sys.path.insert(0, str(REPO))
    try:
        from kb.cli import COMMANDS
    except Exception:  # noqa: BLE001 - a broken kb is reported by the benchmark that runs it
        return False
    return name in COMMANDS


# CPU seconds (user + system) of the last command run() ran: less sensitive than wall time to other work on a
# shared machine, so rows report the CPU ratio beside the wall-clock one.
LAST_CPU = 0.0


def run(argv: list[str], *, env: dict | None = None, cwd: Path | None = None, check: bool = True) -> float:
    """Run a command to completion, discarding its output; return the wall-clock seconds it took."""
    global LAST_CPU
    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    proc.stderr.close()
    LAST_CPU = usage.ru_utime + usage.ru_stime
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {proc.returncode}: {stderr.decode()[-2000:]}")
    return elapsed


def time_commands(
    commands: dict[str, list[str]],
    *,
    repeat: int,
    warmup: int = 1,
    env: dict | None = None,
    cwd: Path | None = None,
    before: dict | None = None,
) -> dict[str, list[float]]:
    """Time several commands side by side: each round runs every command once, in turn, so a burst of load on a
    shared machine hits them alike. ``before[name]`` is called (untimed) before each run of ``name``."""
    before = before or {}
    CPU.clear()
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for i in range(warmup + repeat):
        for name, argv in commands.items():
            if name in before:
                before[name]()
            elapsed = run(argv, env=env, cwd=cwd)
            if i >= warmup:
                samples[name].append(elapsed)
                CPU.setdefault(name, []).append(LAST_CPU)
    return samples


# CPU seconds of every timed run of the last time_commands() call, by command name.
CPU: dict[str, list[float]] = {}


def cpu_fields(row: Row, a: str, b: str | None = None) -> Row:
    """Fill ``cpu_value`` / ``cpu_compared_value`` / ``cpu_ratio`` of ``row`` (in its unit) from the CPU times of
    commands ``a`` and ``b`` of the last time_commands() call."""
    scale = {"s": 1.0, "ms": 1000.0}.get(row.unit, 1000.0)
    if CPU.get(a):
        row.cpu_value = round(median(CPU[a]) * scale, 3)
    if b and CPU.get(b) and median(CPU[b]) > 0:
        row.cpu_compared_value = round(median(CPU[b]) * scale, 3)
        row.cpu_ratio = round(median(CPU[a]) / median(CPU[b]), 3) if CPU.get(a) else None
    return row


def time_call(fn, *, repeat: int, warmup: int = 0) -> list[float]:
    """Time a Python callable in this process."""
    samples = []
    for i in range(warmup + repeat):
        start = time.perf_counter()
        fn()
        if i >= warmup:
            samples.append(time.perf_counter() - start)
    return samples


def peak_rss_mb(argv: list[str], *, env: dict | None = None, cwd: Path | None = None) -> float:
    """Peak resident memory of a command, in MB, measured in a fresh child so nothing else counts."""
    probe = (
        "import resource, subprocess, sys\n"
        "rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL).returncode\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, rc)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, *argv], env=env, cwd=cwd, capture_output=True, text=True, check=True
    ).stdout.split()
    if out[1] != "0":
        raise RuntimeError(f"{' '.join(map(str, argv))} exited {out[1]}")
    return int(out[0]) / 1024  # ru_maxrss is in KiB on Linux


def median(samples: list[float]) -> float:
    return statistics.median(samples)


def spread(samples: list[float]) -> list[float]:
    return [min(samples), max(samples)]


def timed_row(
    figure: str,
    samples: list[float],
    *,
    unit: str = "ms",
    compared_with: str | None = None,
    compared: list[float] | None = None,
    target: str | None = None,
    limit: float | None = None,
    max_ratio: float | None = None,
    quick: bool = False,
    note: str = "",
) -> Row:
    """A row for a timed figure (samples in seconds). ``limit`` (in ``unit``) or ``max_ratio`` decide ``ok``."""
    scale = {"s": 1.0, "ms": 1000.0}[unit]
    value = median(samples) * scale
    row = Row(
        figure, round(value, 3), unit, [round(x * scale, 3) for x in spread(samples)], len(samples), note=note
    )
    if compared is not None:
        row.compared_with = compared_with
        row.compared_value = round(median(compared) * scale, 3)
        row.ratio = round(median(samples) / median(compared), 3) if median(compared) > 0 else None
    row.target = target
    if not quick:
        if limit is not None:
            row.ok = value <= limit
        elif max_ratio is not None and row.ratio is not None:
            row.ok = row.ratio <= max_ratio
    return row


def copy_corpus(src: Path, dest: Path) -> Path:
    """A private copy of a corpus (notes and mkdocs.yml, no database), for benchmarks that write into it."""
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns(".kb", ".git", "site"))
    return dest


def ensure_tool(path: str, package: str) -> str:
    """The benchmark's own setup: install a Debian package (ripgrep, git) when its program is missing."""
    found = shutil.which(path) or shutil.which(Path(path).name)
    if found:
        return found
    apt = ["apt-get", "install", "-y", "-q", package]
    if os.geteuid() != 0 and shutil.which("sudo"):
        apt = ["sudo", *apt]
    print(f"installing {package} ({' '.join(apt)})", file=sys.stderr)
    subprocess.run(apt, check=True, stdout=subprocess.DEVNULL)
    found = shutil.which(path) or shutil.which(Path(path).name)
    if not found:
        raise RuntimeError(f"{path} is still missing after installing {package}")
    return found


def count_notes(corpus: Path) -> int:
    return sum(1 for _ in (corpus / "notes").rglob("*.md"))
