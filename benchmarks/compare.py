"""kb at an earlier commit against kb as it is now, side by side on the same corpus: did a change cost speed?

    python benchmarks/compare.py --base d750413 [--notes 2000] [--site-notes 300] [--repeat 7]

The earlier commit is checked out (detached) under ``benchmarks/.work/compare/base``; both versions run as a user
runs them (``python -m kb``, ``python -m mkdocs``) with ``PYTHONPATH`` pointing at one checkout or the other, in
alternating rounds, so a burst of load on the machine hits both alike. Each version has its own database
(``KB_DB``), so neither reads what the other wrote. ``git status`` on the same notes is timed beside the no-op index
as the reference the index issue names.

Prints a Markdown table: the median wall time of each figure for the base and for now, their ratio (now / base), and
the ratio of CPU time (user + system), which other work on the machine disturbs less. Timings never fail anything.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import harness  # noqa: E402
from generate import generate  # noqa: E402

REPO = harness.REPO


def checkout(rev: str, dest: Path) -> Path:
    """A detached worktree of ``rev`` at ``dest`` (made again when it holds another commit)."""
    want = subprocess.run(
        ["git", "rev-parse", rev], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    if dest.exists():
        have = subprocess.run(["git", "rev-parse", "HEAD"], cwd=dest, capture_output=True, text=True).stdout
        if have == want:
            return dest
        subprocess.run(["git", "worktree", "remove", "--force", str(dest)], cwd=REPO, check=False)
        shutil.rmtree(dest, ignore_errors=True)
    dest.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "worktree", "add", "--detach", str(dest), want.strip()], cwd=REPO, check=True)
    return dest


def env_for(checkout_dir: Path, db: Path) -> dict[str, str]:
    env = harness.kb_env(KB_DB=str(db), NO_MKDOCS_2_WARNING="1")
    env["PYTHONPATH"] = str(checkout_dir)
    return env


SCRATCH: Path | None = None  # the folder commands run in (``--work``): never a kb checkout


def kb(root: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "kb", "--root", str(root), *args]


def compare(name: str, commands: dict[str, tuple[list[str], dict, Path | None]], repeat: int, before=None):
    """Time each (argv, env, cwd) side by side; return a table row."""
    samples: dict[str, list[float]] = {k: [] for k in commands}
    cpu: dict[str, list[float]] = {k: [] for k in commands}
    before = before or {}
    for i in range(1 + repeat):
        for key, (argv, env, cwd) in commands.items():
            if key in before:
                before[key]()
            # from the scratch folder: `python -m kb` run from a kb checkout imports that checkout's kb, not the one
            # PYTHONPATH names (the base's figures were then the current code's)
            elapsed = harness.run(argv, env=env, cwd=cwd or SCRATCH)
            if i:
                samples[key].append(elapsed)
                cpu[key].append(harness.LAST_CPU)
    med = {k: harness.median(v) for k, v in samples.items()}
    cpu_med = {k: harness.median(v) for k, v in cpu.items()}
    row = {
        "figure": name,
        "base": med["base"],
        "now": med["now"],
        "ratio": med["now"] / med["base"],
        "cpu ratio": cpu_med["now"] / cpu_med["base"] if cpu_med["base"] else float("nan"),
    }
    if "git status" in med:
        row["git status"] = med["git status"]
    return row


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base", default="d750413", help="the earlier commit (default: the house's first step)")
    ap.add_argument("--notes", type=int, default=2000, help="notes in the corpus for the kb commands")
    ap.add_argument("--site-notes", type=int, default=300, help="notes in the corpus for mkdocs build")
    ap.add_argument("--repeat", type=int, default=7, help="timed runs of each figure, after one warm-up")
    ap.add_argument("--work", type=Path, default=REPO / "benchmarks" / ".work" / "compare")
    args = ap.parse_args()
    global SCRATCH
    args.work.mkdir(parents=True, exist_ok=True)
    SCRATCH = args.work

    base = checkout(args.base, args.work / "base")
    corpus = args.work / f"corpus-{args.notes}"
    if not corpus.exists():
        generate(args.notes, corpus, seed=1)
        subprocess.run(["git", "init", "-q"], cwd=corpus, check=True)
        subprocess.run(["git", "add", "-A"], cwd=corpus, check=True)
        subprocess.run(["git", "-c", "user.name=b", "-c", "user.email=b@b", "commit", "-qm", "c"], cwd=corpus)
    site = args.work / f"site-{args.site_notes}"
    if not site.exists():
        generate(args.site_notes, site, seed=1, plugin=True)
    dbs = {"base": args.work / "base.db", "now": args.work / "now.db"}
    envs = {"base": env_for(base, dbs["base"]), "now": env_for(REPO, dbs["now"])}

    def fresh(key):
        return lambda: [p.unlink() for p in dbs[key].parent.glob(dbs[key].name + "*")]

    rows = []
    rows.append(
        compare(
            "full `kb index`",
            {k: (kb(corpus, "index", "-q"), envs[k], None) for k in envs},
            max(2, args.repeat // 3),
            before={k: fresh(k) for k in envs},
        )
    )
    noop = {k: (kb(corpus, "index", "-q"), envs[k], None) for k in envs}
    noop["git status"] = (["git", "status", "--short"], envs["now"], corpus)
    rows.append(compare("no-op `kb index`", noop, args.repeat))
    rows.append(
        compare(
            "`kb search habit stacking`",
            {k: (kb(corpus, "search", "habit", "stacking"), envs[k], None) for k in envs},
            args.repeat,
        )
    )
    rows.append(compare("`kb due`", {k: (kb(corpus, "due"), envs[k], None) for k in envs}, args.repeat))
    rows.append(
        compare(
            "`kb quiz --json -n 20`",
            {k: (kb(corpus, "quiz", "--json", "-n", "20"), envs[k], None) for k in envs},
            args.repeat,
        )
    )
    out = {k: args.work / f"site-out-{k}" for k in envs}
    if (base / "kb" / "site" / "plugin.py").exists():
        # each side builds from its own index of the site's notes (the other corpus's database, or one the other
        # side's kb migrated, would give it other quiz pages or none)
        site_envs = {k: env_for(base if k == "base" else REPO, args.work / f"site-{k}.db") for k in envs}
        for env in site_envs.values():
            harness.run(kb(site, "index", "-q"), env=env, cwd=SCRATCH)
        build = {
            k: ([sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(out[k])], site_envs[k], site)
            for k in envs
        }
        rows.append(compare(f"`mkdocs build`, {args.site_notes} notes", build, max(2, args.repeat // 3)))

    print(
        f"kb at {args.base} (base) and now, {args.notes}-note corpus, median of {args.repeat} runs; load {os.getloadavg()[0]:.1f}\n"
    )
    print("| figure | base | now | now / base | CPU now / base | git status |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        gs = f"{r['git status'] * 1000:.1f} ms" if "git status" in r else ""
        fmt = (lambda s: f"{s * 1000:.1f} ms") if r["now"] < 1 else (lambda s: f"{s:.2f} s")
        print(
            f"| {r['figure']} | {fmt(r['base'])} | {fmt(r['now'])} | {r['ratio']:.2f} | {r['cpu ratio']:.2f} | {gs} |"
        )


if __name__ == "__main__":
    main()
