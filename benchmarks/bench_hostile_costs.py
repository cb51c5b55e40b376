"""Costs a hostile input could make grow too fast (issue 22, finding 10): a pasted page as a search, one note with
100,000 cards on the site.

    python benchmarks/bench_hostile_costs.py --corpus DIR [--work SCRATCH] [--repeat K] [--quick] [--cards N]

- ``kb search`` with a 20,000-word query (refused with one line since issue 22; before, over 2 minutes) beside a
  two-word ``kb search`` on the same corpus, both as new processes.
- The search query alone, in process, at kb's bound (``MAX_TERMS`` different words) and at 2, 4 and 8 times it (the
  FTS5 expression built directly, as kb did before the bound): what the bound keeps a user from waiting for.
- ``mkdocs build`` of a site with one note of N cards (100,000; ``--quick``: 1,000) with the kb plugin and without
  it (the same mkdocs.yml with the ``kb`` entry removed), in alternating rounds; time, CPU and peak memory. Before
  issue 22 the plugin made it 131 s and 462 MB against 87 s and 147 MB.

The corpus is never written to (the database lives in the scratch folder, KB_DB). The last line of stdout is one
JSON object ``{"rows": [...]}``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    REPO,
    Row,
    bench_args,
    count_notes,
    cpu_fields,
    emit,
    kb_argv,
    kb_env,
    time_call,
    time_commands,
    timed_row,
)


def _search_rows(args, rows: list[Row]) -> None:
    root = args.corpus
    n = count_notes(root)
    db = args.work / "search.db"
    env = kb_env(KB_DB=str(db))
    subprocess.run(kb_argv(root, "index", "-q"), env=env, check=True)
    long_query = [f"word{i}" for i in range(20_000)]  # as words: one argument may not pass 128 KiB
    probe = subprocess.run(kb_argv(root, "search", *long_query), env=env, capture_output=True, text=True)
    print(f"20,000-word query: exit {probe.returncode}: {probe.stderr.strip()}", file=sys.stderr)
    refused = [
        sys.executable,
        "-c",
        "import subprocess,sys; subprocess.run(sys.argv[1:])",
        *kb_argv(root, "search", *long_query),
    ]
    commands = {"long": refused, "short": kb_argv(root, "search", "gradient", "descent")}
    samples = time_commands(commands, repeat=max(args.repeat, 1), warmup=1, env=env)
    rows.append(
        timed_row(
            f"`kb search` with a 20,000-word query (refused: {probe.stderr.strip()[:60]}...), {n:,} notes",
            samples["long"],
            compared_with="`kb search gradient descent`",
            compared=samples["short"],
            target="a clear message, not minutes",
            max_ratio=2.0,
            quick=args.quick,
        )
    )
    cpu_fields(rows[-1], "long", "short")

    sys.path.insert(0, str(REPO))
    from kb.search.query import MAX_TERMS, search
    from kb.store.connection import connect

    conn = connect(db)
    vocabulary = (
        [w for (w,) in conn.execute("SELECT term FROM notes_fts_vocab ORDER BY doc DESC LIMIT 400")]
        if _has_vocab(conn)
        else []
    )
    if len(vocabulary) < 8 * MAX_TERMS:
        vocabulary = [f"w{i}" for i in range(8 * MAX_TERMS)]
    base = time_call(lambda: search(conn, "gradient descent", limit=10), repeat=max(args.repeat, 1), warmup=1)
    for factor in (1, 2, 4, 8):
        words = vocabulary[: MAX_TERMS * factor]
        expression = " OR ".join(f'"{w}"' for w in words)
        if factor == 1:
            samples = time_call(
                lambda q=" OR ".join(words): search(conn, q, limit=10), repeat=max(args.repeat, 1)
            )
            label = f"search of {len(words)} different words OR-ed (kb's bound), in process"
        else:
            samples = time_call(lambda e=expression: _raw_match(conn, e), repeat=1)
            label = f"FTS5 match of {len(words)} words OR-ed (past the bound, refused by kb), in process"
        rows.append(
            timed_row(
                label, samples, compared_with="two-word search, in process", compared=base, quick=args.quick
            )
        )
    conn.close()


def _has_vocab(conn) -> bool:
    try:
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.notes_fts_vocab USING fts5vocab(main, notes_fts, 'row')"
        )
        return True
    except Exception:  # noqa: BLE001 - only a word list for the figure
        return False


def _raw_match(conn, expression: str) -> None:
    conn.execute(
        "SELECT rowid, bm25(notes_fts) FROM notes_fts WHERE notes_fts MATCH ? ORDER BY bm25(notes_fts) LIMIT 10",
        (expression,),
    ).fetchall()


def _big_note_site(work: Path, cards: int, plugin: bool) -> Path:
    root = work / ("with-kb" if plugin else "without-kb")
    shutil.rmtree(root, ignore_errors=True)
    (root / "notes").mkdir(parents=True)
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    if not plugin:
        config = re.sub(r"(?m)^  - kb:\n(?:      .*\n|        .*\n)*", "", config)
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    shutil.copytree(REPO / "site_overrides", root / "site_overrides")
    lines = ["---", "title: Many cards", "---", "# Many cards", ""]
    for i in range(cards):
        if i % 3 == 0:
            lines.append(f"What is fact number {i} about **habits**?::It is answer {i}, with `code {i}`")
        elif i % 3 == 1:
            lines.append(f"The {{{{c1::cloze {i}}}}} of this line is hidden.")
        else:
            lines.append(f"Question {i} in plain words?::Answer {i}")
        lines.append("")
    (root / "notes" / "index.md").write_text("\n".join(lines), encoding="utf-8")
    return root


def _build(argv: list[str], env: dict) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak memory (MB) of one build, from one run (``wait4``)."""
    import os
    import time

    start = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {err.decode()[-2000:]}")
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def _site_rows(args, rows: list[Row]) -> None:
    cards = args.cards or (1_000 if args.quick else 100_000)
    roots = {name: _big_note_site(args.work, cards, name == "kb") for name in ("kb", "plain")}
    env = kb_env(NO_MKDOCS_2_WARNING="1")
    runs: dict[str, list[tuple[float, float, float]]] = {"kb": [], "plain": []}
    for _round in range(
        max(1, min(args.repeat, 2))
    ):  # alternating rounds; a 100,000-card build takes minutes
        for name, root in roots.items():
            argv = [
                sys.executable,
                "-m",
                "mkdocs",
                "build",
                "-q",
                "-f",
                str(root / "mkdocs.yml"),
                "-d",
                str(root / "site"),
            ]
            runs[name].append(_build(argv, env))
            print(f"{name}: {runs[name][-1]}", file=sys.stderr)
    wall = {name: [r[0] for r in rs] for name, rs in runs.items()}
    row = timed_row(
        f"`mkdocs build`, one note of {cards:,} cards, with the kb plugin",
        wall["kb"],
        unit="s",
        compared_with="the same build without the kb plugin",
        compared=wall["plain"],
        target="linear in the cards (was 131 s vs 87 s at 100,000)",
        quick=args.quick,
    )
    cpu = {name: min(r[1] for r in rs) for name, rs in runs.items()}
    row.cpu_value, row.cpu_compared_value = round(cpu["kb"], 2), round(cpu["plain"], 2)
    row.cpu_ratio = round(cpu["kb"] / cpu["plain"], 3)
    rows.append(row)
    memory = {name: max(r[2] for r in rs) for name, rs in runs.items()}
    rows.append(
        Row(
            f"peak memory of that build, {cards:,} cards, with the kb plugin",
            round(memory["kb"], 1),
            "MB",
            compared_with="without the kb plugin",
            compared_value=round(memory["plain"], 1),
            ratio=round(memory["kb"] / memory["plain"], 3),
            target="was 462 MB vs 147 MB",
        )
    )


def main() -> None:
    import argparse

    extra = argparse.ArgumentParser(add_help=False)
    extra.add_argument("--cards", type=int, default=0)
    extra.add_argument("--site-only", action="store_true")
    known, rest = extra.parse_known_args()
    args = bench_args(__doc__.split("\n\n")[0], rest)
    args.cards = known.cards
    rows: list[Row] = []
    if not known.site_only:
        _search_rows(args, rows)
    _site_rows(args, rows)
    emit(rows)


if __name__ == "__main__":
    main()
