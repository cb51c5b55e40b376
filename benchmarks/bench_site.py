"""Site build speed: `mkdocs build` of a 2,000-note corpus with and without kb, and `mkdocs serve` after an edit.

    python benchmarks/bench_site.py [--corpus-1k DIR] [--work SCRATCH] [--repeat K] [--quick]

Targets (issue 23): kb (its plugin and its Markdown extension) adds at most 15% CPU time to `mkdocs build` of the
2,000-note corpus; an edited note is served with its backlinks right within 1.5 s on 1,000 notes. Both builds use the
repository's own mkdocs.yml (Material, the shipped markdown extensions, search and tags); "without" is the same file
with the `kb` plugin and `kb.site.markdown_ext` removed: plain Material. The two run in alternating
rounds so a burst of load on a shared machine hits both; the median of the rounds is reported, with CPU time
(user + system of the build process), which other work on the machine disturbs less than wall time.

Corpora come from benchmarks/generate.py. The corpora are never written to: the configurations and built sites live in the scratch folder. Logs go to stderr; the last line of
stdout is one JSON object ``{"rows": [...]}``.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---- corpora ---------------------------------------------------------------------------------------------------


def make_corpus(n: int, directory: Path, seed: int) -> Path:
    if (directory / "notes").is_dir() and (directory / ".complete").exists():
        return directory
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import generate  # benchmarks/generate.py

    generate(n, directory, seed=seed)
    (directory / ".complete").write_text("")
    return directory


# ---- configurations ----------------------------------------------------------------------------------------------


def write_configs(corpus: Path, work: Path) -> dict[str, Path]:
    """mkdocs.yml files for the corpus: the repository's own configuration with and without the kb plugin."""
    # The notes are copied beside the configurations: the kb plugin leaves out files outside the knowledge base
    # (the folder of mkdocs.yml), as it would a symbolic link to /etc.
    shutil.rmtree(work / "notes", ignore_errors=True)
    shutil.copytree(corpus / "notes", work / "notes")
    base = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    base = re.sub(r"(?m)^docs_dir: .*$", "docs_dir: notes", base)
    without = re.sub(r"(?m)^  - kb:\n(?:(?:      .*)?\n)*", "", base)
    if without == base:
        raise SystemExit("bench_site: cannot find the kb plugin entry in mkdocs.yml")
    # plain Material: kb's Markdown extension (and the comment above it) goes too
    without = re.sub(r"(?m)^(?:  #.*\n)*  - kb\.site\.markdown_ext.*\n(?:      .*\n)*", "", without)
    if "kb.site.markdown_ext" in without:
        raise SystemExit("bench_site: cannot remove kb's Markdown extension from mkdocs.yml")
    shutil.copytree(REPO / "site_overrides", work / "site_overrides", dirs_exist_ok=True)
    configs = {}
    for name, text in (("without", without), ("with", base)):
        path = work / f"mkdocs-{name}.yml"
        path.write_text(text + f"site_dir: site-{name}\n", encoding="utf-8")
        configs[name] = path
    return configs


def build_once(config: Path) -> tuple[float, float]:
    """One `mkdocs build` as a new process; returns (wall seconds, CPU seconds of the build)."""
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)],
        cwd=config.parent,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"bench_site: mkdocs build -f {config} failed:\n{result.stderr[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def side_by_side(configs: dict[str, Path], repeat: int) -> dict[str, dict[str, list[float]]]:
    times: dict[str, dict[str, list[float]]] = {name: {"wall": [], "cpu": []} for name in configs}
    for config in configs.values():  # warm-up: caches, compiled templates
        build_once(config)
    for round_no in range(repeat):
        order = list(configs) if round_no % 2 == 0 else list(reversed(configs))
        for name in order:
            wall, cpu = build_once(configs[name])
            times[name]["wall"].append(wall)
            times[name]["cpu"].append(cpu)
            log(f"  round {round_no + 1}: {name:8s} {wall:6.2f} s wall, {cpu:6.2f} s CPU")
    return times


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def serve_turnaround(corpus: Path, work: Path, edits: int) -> list[float]:
    """Seconds from saving an edited note to `mkdocs serve --dirty` serving it with the other note's backlink right.

    Each edit adds a wiki link from one note to another; the figure is the time until both the edited page (new
    text) and the linked page (new "Linked from" entry, a page that was not edited) are served.
    """
    import threading
    import urllib.request

    sys.path.insert(0, str(REPO))
    from kb.notes.reader import parse_note

    site = work / "serve"
    shutil.rmtree(site, ignore_errors=True)
    shutil.copytree(corpus / "notes", site / "notes")
    config = write_configs(corpus, site)["with"]
    text = re.sub(r"(?m)^docs_dir: .*$", "docs_dir: notes", config.read_text(encoding="utf-8"))
    config.write_text(text, encoding="utf-8")
    notes = sorted(p for p in (site / "notes").rglob("*.md") if p.name != "index.md")
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO), NO_MKDOCS_2_WARNING="1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{port}", "-f", str(config)],
        cwd=site,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready = threading.Event()
    threading.Thread(
        target=lambda: [ready.set() for line in proc.stderr if "Serving on" in line], daemon=True
    ).start()
    times = []
    try:
        if not ready.wait(1800):
            raise SystemExit("bench_site: mkdocs serve did not start")

        def url_of(path: Path) -> str:
            rel = path.relative_to(site / "notes").with_suffix("").as_posix()
            return f"http://127.0.0.1:{port}/{rel}/"

        def fetch(url: str) -> str:
            try:
                with urllib.request.urlopen(url, timeout=10) as response:
                    return response.read().decode("utf-8", "replace")
            except OSError:
                return ""

        for i in range(edits):
            source, target = notes[2 * i], notes[2 * i + 1]
            source_title = parse_note("x.md", source.read_bytes()).title
            target_title = parse_note("x.md", target.read_bytes()).title
            marker = f"bench edit {i} {time.time_ns()}"
            start = time.perf_counter()
            with open(source, "a", encoding="utf-8") as fh:
                fh.write(f"\n\n{marker}: see [[{target_title}]].\n")
            deadline = start + 120
            edited = linked = False
            while time.perf_counter() < deadline and not (edited and linked):
                edited = edited or marker in fetch(url_of(source))
                if edited:
                    page = fetch(url_of(target))
                    section = page[page.find('id="kb-linked-from"') :] if "kb-linked-from" in page else ""
                    linked = source_title.replace("&", "&amp;") in section
                time.sleep(0.02)  # polling a server: a benchmark, not a test
            elapsed = time.perf_counter() - start
            times.append(elapsed if edited and linked else float("inf"))
            log(
                f"  serve --dirty edit {i + 1}: {elapsed:.2f} s{'' if edited and linked else ' (never seen)'}"
            )
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--corpus", help="the large corpus (unused: this benchmark makes its own 2,000-note one)"
    )
    parser.add_argument("--corpus-1k", help="a 1,000-note corpus (default: generated in the scratch folder)")
    parser.add_argument("--work", default=str(REPO / "benchmarks" / ".work" / "site"), help="scratch folder")
    parser.add_argument("--repeat", type=int, default=3, help="timed rounds per figure")
    parser.add_argument(
        "--quick", action="store_true", help="smoke test: tiny corpora, one round, no targets"
    )
    args = parser.parse_args(argv)

    work = Path(args.work).resolve()
    work.mkdir(parents=True, exist_ok=True)
    small, large = (30, 60) if args.quick else (1000, 2000)
    repeat = 1 if args.quick else max(1, args.repeat)
    rows = []

    corpus = (
        Path(args.corpus_1k).resolve() if args.corpus_1k else make_corpus(small, work / f"corpus-{small}", 1)
    )
    log(f"bench_site: {small}-note corpus at {corpus}")
    turnaround = serve_turnaround(corpus, work, edits=1 if args.quick else 5)
    value = statistics.median(turnaround)
    rows.append(
        {
            "figure": f"edited note back from `mkdocs serve --dirty` with backlinks right, {small} notes",
            "value": round(value, 2),
            "unit": "s",
            "spread": [round(min(turnaround), 2), round(max(turnaround), 2)],
            "runs": len(turnaround),
            "target": "<= 1.5 s",
            "ok": None if args.quick else value <= 1.5,
        }
    )

    big = make_corpus(large, work / f"corpus-{large}", 1)
    log(f"bench_site: {large}-note corpus at {big}")
    times = side_by_side(write_configs(big, work / "big"), repeat)
    med = {name: {k: statistics.median(v) for k, v in t.items()} for name, t in times.items()}
    cpu_ratio = med["with"]["cpu"] / med["without"]["cpu"]
    rows.append(
        {
            "figure": f"`mkdocs build` CPU time with kb (plugin and Markdown extension), {large} notes",
            "value": round(med["with"]["cpu"], 2),
            "unit": "s",
            "spread": [round(min(times["with"]["cpu"]), 2), round(max(times["with"]["cpu"]), 2)],
            "runs": repeat,
            "compared_with": "the same build with plain Material (no kb plugin, no kb extension)",
            "compared_value": round(med["without"]["cpu"], 2),
            "ratio": round(cpu_ratio, 3),
            "target": "<= 1.15x",
            "ok": None if args.quick else cpu_ratio <= 1.15,
            "note": f"wall time {med['with']['wall']:.1f} vs {med['without']['wall']:.1f} s",
        }
    )
    print(json.dumps({"rows": rows}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
