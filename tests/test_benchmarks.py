"""The benchmark harness: the generated corpus is realistic and deterministic, and `run.py --quick` runs every
benchmark without crashing (CI's smoke test; nothing here looks at a timing)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
BENCH = REPO / "benchmarks"
sys.path.insert(0, str(BENCH))

import generate as gen  # noqa: E402


def _notes(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted((root / "notes").rglob("*.md"))}


def test_generate_is_deterministic_for_a_seed(tmp_path):
    a = _notes(gen.generate(40, tmp_path / "a", seed=7))
    b = _notes(gen.generate(40, tmp_path / "b", seed=7))
    c = _notes(gen.generate(40, tmp_path / "c", seed=8))
    assert a == b
    assert a != c
    assert len(a) == 41  # 40 notes and the home page


def test_generated_notes_look_like_real_summary_notes(tmp_path):
    root = gen.generate(60, tmp_path / "kb", seed=3)
    notes = {k: v.decode() for k, v in _notes(root).items() if not k.endswith("/index.md")}
    folders = {path.split("/")[1] for path in notes}
    assert folders <= set(gen.TYPES) and len(folders) >= 4
    titles = set()
    for path, text in notes.items():
        assert 3000 <= len(text.encode()) <= 6000, path
        front = text.split("---\n")[1]
        for key in ("title", "type", "author", "source", "tags", "date"):
            assert re.search(rf"^{key}: ", front, re.M), (path, key)
        assert re.search(r"^type: (\w+)$", front, re.M).group(1) == gen.TYPES[path.split("/")[1]][0]
        titles.add(re.search(r'^title: "(.*)"$', front, re.M).group(1))
        for syntax in (
            "## Quick summary",
            "## Key points",
            "- **",  # a key point led by a bold term
            "::",
            ":::",
            "\n?\n",
            "\n??\n",
            "==",
            "{{c1::",
            '??? question "',
            "\nQ: ",
            "\nA: ",
            "\n:   ",
            "```",
            "$$\n",
            "|---|",
            "[[",
        ):
            assert syntax in text, (path, syntax)
        assert re.search(r"(?<!\$)\$[^$\n]+\$(?!\$)", text), path  # inline math
    links = {m for text in notes.values() for m in re.findall(r"\[\[([^\]]+)\]\]", text)}
    assert links and links <= titles  # every wiki link names a note that exists


def test_generated_corpus_has_a_zipf_like_vocabulary(tmp_path):
    root = gen.generate(30, tmp_path / "kb", seed=1)
    counts: dict[str, int] = {}
    for text in _notes(root).values():
        for word in re.findall(r"[a-z]+", text.decode().lower()):
            counts[word] = counts.get(word, 0) + 1
    ranked = sorted(counts.values(), reverse=True)
    assert len(ranked) > 3000  # a real vocabulary, not a handful of words
    assert ranked[0] > 20 * ranked[99]  # a few words are very common ...
    assert sum(1 for c in ranked if c == 1) > len(ranked) / 4  # ... and many appear once


def test_generate_command_line(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(BENCH / "generate.py"), "12", str(tmp_path / "kb"), "--seed", "2", "--plugin"],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(list((tmp_path / "kb" / "notes").rglob("*.md"))) == 13
    config = (tmp_path / "kb" / "mkdocs.yml").read_text()
    assert "docs_dir: notes" in config and "- kb" in config
    assert "- kb" not in (gen.generate(2, tmp_path / "plain") / "mkdocs.yml").read_text()


def test_generated_corpus_indexes_and_searches_with_kb(tmp_path):
    root = gen.generate(25, tmp_path / "kb", seed=5)
    env = {"PYTHONPATH": str(REPO), "KB_DEVICE": "test", "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-m", "kb", "--root", str(root), "index"], capture_output=True, text=True, env=env
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("25 notes, 1 section page, 26 added")  # 25 notes and the home page
    hits = subprocess.run(
        [sys.executable, "-m", "kb", "--root", str(root), "search", "gradient", "--json"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert hits.returncode == 0, hits.stderr
    assert json.loads(hits.stdout)


def _run(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(BENCH / "run.py"), "--quick", "--work", str(tmp_path / "work"), *args],
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_run_quick_runs_every_benchmark_without_crashing(tmp_path):
    out = tmp_path / "RESULTS.md"
    proc = _run(tmp_path, "--output", str(out))
    assert proc.returncode == 0, proc.stderr[-3000:]
    table = out.read_text()
    assert "## Machine" in table and "SQLite:" in table and "cores:" in table
    assert "CRASHED" not in table
    assert "not landed" not in table  # every benchmark has its script, and none skips for want of a module
    for name in ("index", "search"):  # the harness's own benchmarks report figures
        assert re.search(rf"^\| {name} \| .+ \| [-\d.,]+ \w", table, re.M), name
    for script in sorted(BENCH.glob("bench_*.py")):  # every other script that has landed is in the table
        name = script.stem.removeprefix("bench_")
        # a figure with its unit, a bare count (legacy scripts: one row per number), or why it did not run
        assert re.search(rf"^\| {name} \| .+ \| ([-\d.,]+ [\w|]|not run: )", table, re.M), name
    assert re.search(r"^\| index \| no-op `kb index`, 51 notes \| [\d.]+ ms \|", table, re.M)
    # the machine's limit under extraction's share: extraction's CPU, the cores two busy processes get, the bound
    assert re.search(r"^\| index \| card extraction alone: .+ \| [\d.]+ s \|", table, re.M)
    assert re.search(r"^\| index \| cores' worth of work .+ \| [\d.]+ cores \|", table, re.M)
    assert re.search(r"^\| index \| least time a full index with cards .+ \| [\d.]+x \|", table, re.M)
    assert not (BENCH / "RESULTS-quick.md").exists()


def test_run_reports_missing_skipped_and_crashed_benchmarks(tmp_path):
    scripts = tmp_path / "scripts"
    scripts.mkdir()
    (scripts / "bench_fine.py").write_text(
        "import json\n"
        'print("some log line")\n'
        'print(json.dumps({"rows": [{"figure": "thing", "value": 12.5, "unit": "ms", "spread": [11, 14],'
        ' "runs": 3, "compared_with": "other", "compared_value": 25.0, "ratio": 0.5, "target": "<= 1x",'
        ' "ok": True, "note": "why"}]}))\n'
    )
    (scripts / "bench_later.py").write_text(
        'import json\nprint(json.dumps({"skipped": "kb later is missing"}))\n'
    )
    (scripts / "bench_boom.py").write_text("raise SystemExit('boom: the benchmark broke')\n")
    (scripts / "bench_old.py").write_text(  # written before the contract: own arguments, indented JSON
        "import argparse, json\n"
        "argparse.ArgumentParser().parse_args()  # --quick is not among its arguments\n"
        'print(json.dumps({"fit_s": 1.5, "held_out": {"default": {"log_loss": 0.41}}, "p": [1, 2]}, indent=2))\n'
    )
    out = tmp_path / "R.md"
    proc = _run(tmp_path, "--scripts", str(scripts), "--output", str(out))
    assert proc.returncode == 1  # a crash fails the run ...
    table = out.read_text()
    assert "| fine | thing | 12.5 ms | 11 - 14 | 3 | other | 25.0 ms | 0.50x | <= 1x | yes | - |" in table
    assert "| later | later | not landed yet: kb later is missing |" in table
    assert "| boom | boom | CRASHED: exit status 1: boom: the benchmark broke |" in table
    assert "| review | `kb review` start to first card vs the Anki backend | not landed yet |" in table
    assert (
        "| old | old | not run: it rejects the arguments of the contract in benchmarks/README.md |" in table
    )

    proc = _run(tmp_path, "--scripts", str(scripts), "--output", str(out), "--only", "fine,later")
    assert proc.returncode == 0, proc.stderr  # ... a skipped or missing one does not
    assert "boom" not in out.read_text()


def test_run_reads_a_script_written_before_the_contract(tmp_path):
    from run import run_script

    script = tmp_path / "bench_old.py"
    script.write_text(
        "import argparse, json\n"
        "argparse.ArgumentParser().parse_args()\n"
        'print(json.dumps({"fit_s": 1.5, "held_out": {"default": {"log_loss": 0.41}}, "p": [1, 2]}, indent=2))\n'
    )
    status, result, _ = run_script(script, ["--corpus", "x", "--repeat", "3"], timeout=60)
    assert status == "ok"
    assert result["rows"] == [
        {"figure": "fit_s", "value": 1.5, "unit": ""},
        {"figure": "held_out default log_loss", "value": 0.41, "unit": ""},
    ]
