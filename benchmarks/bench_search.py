"""Benchmark of `kb search`: a two-word query against ripgrep listing the files that hold the same words.

    python benchmarks/bench_search.py --corpus DIR [--work DIR] [--repeat K] [--quick]

Both run as new processes, as a user runs them: ``python -m kb --root DIR search WORD WORD`` (which first brings the
index up to date, a no-op here) and ``rg -l -i -e WORD -e WORD DIR/notes`` (target: kb at most 1x ripgrep). The
query alone, inside one Python process, is reported too, to show where kb's time goes. ripgrep comes from Debian;
the setup installs it with apt-get when /usr/bin/rg is missing. The database lives in the scratch folder (KB_DB), so
the corpus is left as it was.
"""

from __future__ import annotations

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
    ensure_tool,
    kb_argv,
    kb_env,
    time_call,
    time_commands,
    timed_row,
)

# Two words a reader of the ML notes would look for: common enough to match many notes, so ranking has work to do.
QUERY = ("gradient", "descent")


def main() -> None:
    args = bench_args(__doc__.split("\n\n")[0])
    root = args.corpus
    n = count_notes(root)
    db = args.work / "search.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    env = kb_env(KB_DB=str(db))
    subprocess.run(kb_argv(root, "index", "-q"), env=env, check=True)
    rg = ensure_tool("/usr/bin/rg", "ripgrep")
    commands = {
        "rg": [rg, "-l", "-i", *(a for w in QUERY for a in ("-e", w)), str(root / "notes")],
        "kb": kb_argv(root, "search", *QUERY),
    }
    samples = time_commands(commands, repeat=max(args.repeat, 1) * 2, warmup=2, env=env)
    words = " ".join(QUERY)
    rows: list[Row] = [
        timed_row(
            f"`kb search {words}`, {n:,} notes",
            samples["kb"],
            compared_with="`rg -l` for the same words",
            compared=samples["rg"],
            target="<= 1x",
            max_ratio=1.0,
            quick=args.quick,
        )
    ]
    cpu_fields(rows[0], "kb", "rg")

    # The query alone, in this process: FTS5 match, bm25 ranking, snippets of the top ten.
    sys.path.insert(0, str(REPO))
    from kb.search.query import search
    from kb.store.connection import connect

    conn = connect(db)
    hits = search(conn, words, limit=10)
    query = time_call(lambda: search(conn, words, limit=10), repeat=max(args.repeat, 1) * 4, warmup=1)
    rows.append(
        timed_row(
            f"search query alone (in process, {len(hits)} hits shown), {n:,} notes",
            query,
            note="FTS5 MATCH + bm25 + snippet, no start-up",
        )
    )
    emit(rows)


if __name__ == "__main__":
    main()
