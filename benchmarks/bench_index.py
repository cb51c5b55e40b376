"""Benchmarks of `kb index`: full, no-op, one edited note, and peak memory.

    python benchmarks/bench_index.py --corpus DIR [--work DIR] [--repeat K] [--quick] [--noop-only]

Figures (issues 2, 3 and 9):
- full `kb index` of the corpus into a fresh database, against a Python program that only reads the same files
  (target: under 5 s for 10,000 notes; notes/s reported);
- card extraction's share: the same full index against the index with its card hooks switched off (target: at most
  1.3x), and under it the floor (the cards computed beforehand, only stored) and the machine's limit (extraction's
  CPU time alone, the cores' worth two busy processes get here, and the least time a full index can take with both);
- no-op `kb index` against `git status` on the same tree, committed to git first so `git status` sees a clean tree
  (target: at most 3x);
- `kb index` after editing one note against the no-op index (target: at most +50 ms);
- peak memory (max RSS) of a full `kb index` (target: under 150 MB).

kb always runs as a user runs it, ``python -m kb --root DIR index -q`` in a new process, Python start-up included.
``--noop-only`` measures only the no-op and one-edit figures (the full index then runs once, untimed).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from harness import (  # noqa: E402
    CPU,
    Row,
    bench_args,
    copy_corpus,
    count_notes,
    cpu_fields,
    emit,
    ensure_tool,
    kb_argv,
    kb_env,
    median,
    peak_rss_mb,
    run,
    spread,
    time_commands,
    timed_row,
)

# A program that does nothing but read every note's bytes: the floor under any indexer written in Python.
READ_ALL = """
import os, sys
total = 0
stack = [sys.argv[1]]
while stack:
    for entry in os.scandir(stack.pop()):
        if entry.is_dir():
            stack.append(entry.path)
        elif entry.name.endswith(".md"):
            with open(entry.path, "rb") as fh:
                total += len(fh.read())
print(total)
"""


# `kb index` with the indexer's card hooks switched off: what the index costs without card extraction.
WITHOUT_CARDS = """
import sys
import kb.index.indexer
kb.index.indexer.before_notes = lambda *args, **kwargs: None
kb.index.indexer.after_notes = lambda *args, **kwargs: None
sys.argv = ["kb", *sys.argv[1:]]
from kb.cli import main
main()
"""

# `kb index` with extraction for free: its card hooks only insert card rows computed beforehand (those of a full
# index of the same corpus, read from the file named by KB_BENCH_CARD_ROWS as marshal blobs of 850 rows, about 50
# notes' worth, the size extraction delivers them in). What storing the cards costs the writing process, which SQLite
# lets only one process be: the least card extraction can add, however fast it gets.
STORED_CARDS_ONLY = """
import marshal, os, sys
import kb.index.indexer
from kb.cards.extraction import INSERT_SQL

def insert_stored(kb_, conn, parsed, removed, started=None):
    with open(os.environ["KB_BENCH_CARD_ROWS"], "rb") as fh:
        for blob in marshal.load(fh):
            conn.executemany(INSERT_SQL, marshal.loads(blob))

kb.index.indexer.before_notes = lambda *args, **kwargs: None
kb.index.indexer.after_notes = insert_stored
sys.argv = ["kb", *sys.argv[1:]]
from kb.cli import main
main()
"""

# Card extraction alone: the CPU time of extracting the cards of every note of the corpus in one process, as the
# index's workers do (cards, fingerprints, ids and row values), no database written. The notes are parsed first,
# untimed; the word counts come from the database named by KB_BENCH_STATS_DB (a full index of the same corpus).
EXTRACT_ALONE = """
import gc, os, sqlite3, sys, time
from kb.cards.corpus import CorpusStats
from kb.cards.extraction import extract_rows
from kb.config import KnowledgeBase
from kb.errors import NoteError
from kb.index.planning import scan
from kb.notes.reader import parse_note

kb_ = KnowledgeBase.open(sys.argv[1])
found, _ = scan(kb_.notes, kb_.root)
notes = []
for rel in sorted(found):
    try:
        notes.append(parse_note(rel, (kb_.root / rel).read_bytes()))
    except NoteError:
        pass
stats = CorpusStats(sqlite3.connect(os.environ["KB_BENCH_STATS_DB"]))
stats.load_all()
settings = kb_.settings
gc.freeze()  # as in the index's workers: the parsed notes are not the collector's to walk again
started = time.process_time()
for note in notes:
    extract_rows(note, tuple(settings.keypoint_headings), settings.keypoint_cards, stats, "2026-01-01T00:00:00+00:00")
print(time.process_time() - started)
"""

# A CPU-bound loop: run alone and as two copies at once, it tells how many cores' worth of work this machine gives
# two busy processes (a shared virtual machine gives less than two).
BUSY_LOOP = "s = 0\nfor i in range(5_000_000): s += i"


CARD_COLUMNS = (
    "id, note, line, end_line, position, kind, front, back, context, tags, type, generated, sibling, cloze_text, "
    "cloze_index, fingerprint, sr_schedule, origin, created_at, updated_at"
)


def dump_card_rows(db: Path, out: Path) -> int:
    """Write the cards of the index at ``db`` for STORED_CARDS_ONLY; how many."""
    import marshal
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        rows = conn.execute(f"SELECT {CARD_COLUMNS} FROM cards ORDER BY rowid").fetchall()
    finally:
        conn.close()
    out.write_bytes(marshal.dumps([marshal.dumps(rows[i : i + 850]) for i in range(0, len(rows), 850)]))
    return len(rows)


def remove_db(root: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        (root / ".kb" / f"kb.db{suffix}").unlink(missing_ok=True)


def main() -> None:
    only = argparse.ArgumentParser(add_help=False)
    only.add_argument("--noop-only", action="store_true")
    opts, rest = only.parse_known_args()
    args = bench_args(__doc__.split("\n\n")[0], rest)
    root = copy_corpus(args.corpus, args.work / "index-corpus")
    n = count_notes(root)
    env = kb_env()
    index = kb_argv(root, "index", "-q")
    rows: list[Row] = []
    if opts.noop_only:
        subprocess.run(index, env=env, check=True)
    else:
        rows.extend(full_index_rows(args, root, n, env, index))
    rows.extend(noop_rows(args, root, n, env, index))
    emit(rows)


def full_index_rows(args, root: Path, n: int, env: dict, index: list[str]) -> list[Row]:
    rows: list[Row] = []

    # 1. Full index into a fresh database, side by side with reading the same files and with the same index minus
    # card extraction.
    commands = {
        "kb": index,
        "read": [sys.executable, "-c", READ_ALL, str(root / "notes")],
        "no-cards": [sys.executable, "-c", WITHOUT_CARDS, "--root", str(root), "index", "-q"],
    }
    remove_db(root)
    subprocess.run(index, env=env, check=True)
    card_rows = args.work / "card-rows.marshal"
    n_cards = dump_card_rows(root / ".kb" / "kb.db", card_rows)
    alone = extraction_cpu(root, dict(env, KB_BENCH_STATS_DB=str(root / ".kb" / "kb.db")), args.repeat)
    cores = busy_cores(max(args.repeat, 3))
    env = dict(env, KB_BENCH_CARD_ROWS=str(card_rows))
    commands["stored-cards"] = [
        sys.executable,
        "-c",
        STORED_CARDS_ONLY,
        "--root",
        str(root),
        "index",
        "-q",
    ]
    samples = time_commands(
        commands,
        repeat=args.repeat,
        env=env,
        before={name: lambda: remove_db(root) for name in ("kb", "no-cards", "stored-cards")},
    )
    full = timed_row(
        f"full `kb index`, {n:,} notes (fresh database)",
        samples["kb"],
        unit="s",
        compared_with="read the same files (Python)",
        compared=samples["read"],
        target="< 5 s",
        limit=5.0,
        quick=args.quick,
    )
    cpu_fields(full, "kb", "read")
    rows.append(full)
    rate = [n / s for s in samples["kb"]]
    rows.append(
        Row(
            f"full `kb index` throughput, {n:,} notes",
            round(n / full.value),
            "notes/s",
            spread=[round(x) for x in spread(rate)],
            runs=len(rate),
        )
    )

    row = timed_row(
        f"card extraction's share of a full `kb index`, {n:,} notes",
        samples["kb"],
        unit="s",
        compared_with="the same index with its card hooks switched off",
        compared=samples["no-cards"],
        target="<= 1.3x (extraction adds at most 30%)",
        max_ratio=1.3,
        quick=args.quick,
    )
    rows.append(cpu_fields(row, "kb", "no-cards"))
    floor = timed_row(
        f"least extraction can add: the same index storing its {n_cards:,} cards computed beforehand, {n:,} "
        "notes",
        samples["stored-cards"],
        unit="s",
        compared_with="the same index with its card hooks switched off",
        compared=samples["no-cards"],
        note="extraction for free: only the card rows written (the floor under the share above)",
        quick=args.quick,
    )
    rows.append(cpu_fields(floor, "stored-cards", "no-cards"))
    rows.extend(machine_limit_rows(n, alone, cores, samples["no-cards"], CPU["no-cards"]))

    # 2. Peak memory of a full index.
    remove_db(root)
    peak = peak_rss_mb(index, env=env)
    rows.append(
        Row(
            f"peak memory of a full `kb index`, {n:,} notes",
            round(peak, 1),
            "MB",
            runs=1,
            target="< 150 MB",
            ok=None if args.quick else peak < 150,
            note="max RSS",
        )
    )

    return rows


def extraction_cpu(root: Path, env: dict, repeat: int) -> list[float]:
    """CPU seconds of EXTRACT_ALONE, once per round."""
    got = []
    for _ in range(max(repeat, 1)):
        done = subprocess.run(
            [sys.executable, "-c", EXTRACT_ALONE, str(root)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        got.append(float(done.stdout.split()[-1]))
    return got


def busy_cores(repeat: int) -> list[float]:
    """Cores' worth of work two busy processes get, once per round: 2 x (one copy of BUSY_LOOP alone) / (two
    copies at once). 2.0 on two free cores."""
    loop = [sys.executable, "-c", BUSY_LOOP]
    got = []
    for _ in range(repeat):
        alone = run(loop)
        start = time.perf_counter()
        both = [subprocess.Popen(loop) for _ in range(2)]
        for proc in both:
            proc.wait()
        got.append(2 * alone / (time.perf_counter() - start))
    return got


def machine_limit_rows(
    n: int, alone: list[float], cores: list[float], no_cards: list[float], no_cards_cpu: list[float]
) -> list[Row]:
    """What card extraction costs in CPU, what the machine gives two busy processes, and the least share of the
    index extraction can then add: even if storing cards cost nothing and the extraction overlapped the writing
    perfectly, the run must do the CPU work of both, at the rate the machine allows."""
    ext, nc_cpu, nc_wall, power = median(alone), median(no_cards_cpu), median(no_cards), median(cores)
    least = (nc_cpu + ext) / power
    return [
        Row(
            f"card extraction alone: CPU time of extracting the cards of {n:,} notes in one process",
            round(ext, 2),
            "s",
            spread=[round(x, 2) for x in spread(alone)],
            runs=len(alone),
            compared_with="CPU time of the index without cards",
            compared_value=round(nc_cpu, 2),
            ratio=round(ext / nc_cpu, 3),
            note="cards, fingerprints, ids and row values, as the index's workers compute them; nothing written",
        ),
        Row(
            "cores' worth of work two busy processes get on this machine",
            round(power, 2),
            "cores",
            spread=[round(x, 2) for x in spread(cores)],
            runs=len(cores),
            note="a CPU-bound loop, two copies at once against one alone (2.0: two free cores)",
        ),
        Row(
            "least time a full index with cards can take here: (CPU without cards + extraction) / cores' worth",
            round(least, 2),
            "s",
            compared_with="the index with its card hooks switched off",
            compared_value=round(nc_wall, 2),
            ratio=round(least / nc_wall, 3),
            note="a bound, not a run: storing the cards free (but for building their rows' values, about a "
            "twentieth of extraction's CPU) and the overlap perfect; its ratio is the least share extraction as it "
            "is can add on this machine",
        ),
    ]


def noop_rows(args, root: Path, n: int, env: dict, index: list[str]) -> list[Row]:
    rows: list[Row] = []
    # 3. No-op index against git status on the same committed tree.
    git = ensure_tool("/usr/bin/git", "git")
    gitenv = dict(env, GIT_AUTHOR_NAME="bench", GIT_AUTHOR_EMAIL="bench@example.org")
    gitenv.update(GIT_COMMITTER_NAME="bench", GIT_COMMITTER_EMAIL="bench@example.org")
    for cmd in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "corpus"]):
        subprocess.run([git, *cmd], cwd=root, env=gitenv, check=True, stdout=subprocess.DEVNULL)
    subprocess.run(index, env=env, check=True)  # the database is git-ignored (.gitignore of the corpus)
    dirty = subprocess.run([git, "status", "--porcelain"], cwd=root, capture_output=True, text=True).stdout
    if dirty.strip():
        raise RuntimeError(f"git status is not clean in {root}:\n{dirty[:500]}")
    samples = time_commands(
        {"git": [git, "status"], "kb": index}, repeat=max(args.repeat, 1) * 2, warmup=2, env=env, cwd=root
    )
    noop = timed_row(
        f"no-op `kb index`, {n:,} notes",
        samples["kb"],
        compared_with="`git status` on the same tree",
        compared=samples["git"],
        target="<= 3x",
        max_ratio=3.0,
        quick=args.quick,
    )
    cpu_fields(noop, "kb", "git")
    rows.append(noop)

    # 4. One edited note, against the no-op index measured in the same rounds.
    victim = next((root / "notes").rglob("*.md"))
    original = victim.read_bytes()
    edits = iter(range(1_000_000))

    def edit() -> None:
        victim.write_bytes(original + f"\nEdited for the benchmark, round {next(edits)}.\n".encode())

    samples = time_commands(
        {"noop": index, "edit": index},
        repeat=max(args.repeat, 1) * 2,
        warmup=1,
        env=env,
        before={"edit": edit},
    )
    victim.write_bytes(original)
    deltas = [e - o for e, o in zip(samples["edit"], samples["noop"], strict=True)]
    delta = median(deltas) * 1000
    rows.append(
        Row(
            f"one edited note re-indexed, {n:,} notes: time over the no-op",
            round(delta, 1),
            "ms",
            spread=[round(min(deltas) * 1000, 1), round(max(deltas) * 1000, 1)],
            runs=len(deltas),
            compared_with="no-op `kb index`",
            compared_value=round(median(samples["noop"]) * 1000, 1),
            ratio=round(median(samples["edit"]) / median(samples["noop"]), 3),
            target="<= +50 ms",
            ok=None if args.quick else delta <= 50,
            note="edit minus no-op, paired by round",
        )
    )
    cpu_deltas = [e - o for e, o in zip(CPU["edit"], CPU["noop"], strict=True)]
    rows[-1].cpu_value = round(median(cpu_deltas) * 1000, 1)
    rows[-1].cpu_compared_value = round(median(CPU["noop"]) * 1000, 1)
    rows[-1].cpu_ratio = round(median(CPU["edit"]) / median(CPU["noop"]), 3)
    return rows


if __name__ == "__main__":
    main()
