"""`kb index` / `kb index -q` take a fast path in kb.cli.main() that skips click (and, when nothing changed, YAML and
sqlite-utils). It must behave exactly like the click command: same output, same exit status, same errors."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import _fast_index_args, cli
from tests.conftest import write_kb

REPO = Path(__file__).resolve().parent.parent

NOTE = """---
title: Atomic Habits
type: book
tags: [habits, identity]
---

# Atomic Habits

## Key points

- **Habit stacking**: pair a new habit with a current one.
"""


@pytest.fixture
def kb_root(tmp_path, monkeypatch):
    """A knowledge base named by --root (KB_ROOT stays unset: some tests find it from the working directory)."""
    monkeypatch.setenv("KB_DEVICE", "test")
    return write_kb(tmp_path / "kb", {"books/atomic-habits.md": NOTE, "index.md": "# Home\n"}).root


def fast(root: Path, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real CLI, as a user runs it: a new `python -m kb` process."""
    env = dict(os.environ, PYTHONPATH=str(REPO), KB_DEVICE="test")
    argv = [sys.executable, "-m", "kb", *(["--root", str(root)] if root else []), *args]
    return subprocess.run(argv, capture_output=True, text=True, env=env, cwd=cwd)


def slow(root: Path, *args: str):
    """The click command, through CliRunner (never takes the fast path)."""
    return CliRunner().invoke(cli, ["--root", str(root), *args])


def same(root: Path, *args: str) -> subprocess.CompletedProcess:
    """Run the fast path, restore the state, run the click command: both must print and exit alike."""
    db = root / ".kb" / "kb.db"
    saved = {p: p.read_bytes() for p in db.parent.glob("kb.db*")} if db.parent.exists() else {}
    got = fast(root, *args)
    for p in db.parent.glob("kb.db*"):
        p.unlink()
    for p, data in saved.items():
        p.write_bytes(data)
    want = slow(root, *args)
    assert (got.returncode, got.stdout) == (want.exit_code, want.stdout)
    assert got.stderr == want.stderr
    return got


@pytest.mark.parametrize(
    "argv, expected",
    [
        (["index"], (None, False)),
        (["index", "-q"], (None, True)),
        (["index", "--quiet"], (None, True)),
        (["--root", "/x", "index"], ("/x", False)),
        (["--root=/x", "index", "-q"], ("/x", True)),
        (["index", "--help"], None),
        (["index", "-q", "extra"], None),
        (["search", "index"], None),
        (["--version"], None),
        ([], None),
        (["--root"], None),
    ],
)
def test_only_exactly_kb_index_takes_the_fast_path(argv, expected):
    assert _fast_index_args(argv) == expected


def test_fast_index_prints_what_the_click_command_prints(kb_root):
    out = same(kb_root, "index")
    assert out.stdout == "1 notes, 1 section page, 2 added\n"
    assert fast(kb_root, "index").stdout == "1 notes, 1 section page, up to date\n"
    assert same(kb_root, "index").stdout == "1 notes, 1 section page, up to date\n"
    assert same(kb_root, "index", "-q").stdout == ""
    (kb_root / "notes" / "books" / "atomic-habits.md").write_text(NOTE + "\n- Identity first.\n")
    assert same(kb_root, "index").stdout == "1 notes, 1 section page, 1 updated\n"
    (kb_root / "notes" / "books" / "deep-work.md").write_text("# Deep Work\n")
    (kb_root / "notes" / "index.md").unlink()
    assert same(kb_root, "index").stdout == "2 notes, 1 added, 1 removed\n"


def test_fast_index_reports_broken_notes_and_exits_1(kb_root):
    fast(kb_root, "index")
    (kb_root / "notes" / "books" / "bad.md").write_text("---\ntitle: [unclosed\n---\nbody\n")
    out = same(kb_root, "index", "-q")
    assert out.returncode == 1
    assert out.stderr.startswith("notes/books/bad.md:")
    assert "front matter is not valid YAML" in out.stderr.splitlines()[0]
    assert (
        "kb index: 2 notes, 1 section page, up to date, 1 with errors (notes/books/bad.md); fix the notes above"
        in out.stderr
    )
    fast(kb_root, "index")  # record the error ...
    again = same(kb_root, "index")  # ... and report it again on a no-op, unchanged file not re-read
    assert again.returncode == 1 and again.stderr.startswith("notes/books/bad.md:")


def test_fast_index_still_validates_a_changed_mkdocs_yml(kb_root):
    assert fast(kb_root, "index").returncode == 0  # mkdocs.yml loaded once, its notes folder remembered
    (kb_root / "mkdocs.yml").write_text(
        "site_name: Test\ndocs_dir: notes\nplugins:\n  - kb:\n      new_per_day: x\n"
    )
    out = same(kb_root, "index")
    assert out.returncode == 1
    assert "kb setting new_per_day" in out.stderr and "up to date" not in out.stdout
    (kb_root / "mkdocs.yml").write_text("site_name: [broken\n")
    out = same(kb_root, "index")
    assert out.returncode == 1 and "mkdocs.yml is not valid YAML" in out.stderr


def test_fast_index_follows_a_new_docs_dir(kb_root):
    fast(kb_root, "index")
    (kb_root / "docs").mkdir()
    (kb_root / "docs" / "only.md").write_text("# Only\n")
    (kb_root / "mkdocs.yml").write_text("site_name: Test\ndocs_dir: docs   # moved\n")
    out = fast(kb_root, "index")
    assert out.stdout == "1 notes, 1 added, 2 removed\n"


def test_fast_index_errors_are_one_line(tmp_path):
    out = fast(tmp_path / "nowhere", "index")
    assert out.returncode == 1
    assert out.stderr.strip().splitlines() == [
        f"Error: {tmp_path / 'nowhere'}: no mkdocs.yml here; point --root or KB_ROOT at the folder that holds it"
    ]
    assert fast(None, "index", cwd=tmp_path).stderr.startswith("Error: ")


def test_fast_index_finds_the_root_from_the_current_folder(kb_root):
    out = fast(None, "index", cwd=kb_root / "notes" / "books")
    assert out.returncode == 0 and out.stdout == "1 notes, 1 section page, 2 added\n"


def test_noop_index_imports_neither_click_nor_yaml_nor_sqlite_utils_nor_the_scheduler(kb_root):
    probe = (
        "import sys\n"
        f"sys.argv = ['kb', '--root', {str(kb_root)!r}, 'index', '-q']\n"
        "from kb.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "print(sorted(m for m in ('click', 'yaml', 'sqlite_utils', 'kb.review.replay', 'fsrs') if m in sys.modules))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO), KB_DEVICE="test")
    run = lambda: subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)  # noqa: E731
    first = run()  # creates the database (sqlite-utils, which imports click) and parses the notes (YAML)
    assert first.returncode == 0, first.stderr
    second = run()
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "[]"


def test_commands_reuse_what_mkdocs_yml_said_until_it_changes(kb_root):
    from kb.config import KnowledgeBase, cache_path, open_kb

    assert fast(kb_root, "search", "habit").returncode == 0
    assert cache_path(kb_root / ".kb" / "kb.db").is_file()
    assert open_kb(kb_root) == KnowledgeBase.open(kb_root)
    # a new setting and a new notes folder are seen at once
    (kb_root / "pages").mkdir()
    (kb_root / "pages" / "stoicism.md").write_text("# Stoicism\n\nOn the habit of journaling.\n")
    (kb_root / "mkdocs.yml").write_text(
        "site_name: T\ndocs_dir: pages\nplugins:\n  - kb:\n      new_per_day: 7\n"
    )
    assert open_kb(kb_root).settings.new_per_day == 7
    out = fast(kb_root, "search", "habit")
    assert out.returncode == 0 and "pages/stoicism.md" in out.stdout and "atomic-habits" not in out.stdout
    # and a broken mkdocs.yml is reported, not papered over by the cache
    (kb_root / "mkdocs.yml").write_text("site_name: [broken\n")
    out = fast(kb_root, "search", "habit")
    assert out.returncode == 1 and out.stderr.startswith("Error: ") and "not valid YAML" in out.stderr


def search_loading(root: Path, *modules: str) -> subprocess.CompletedProcess:
    """`kb search habit` (exit 0, a hit printed) in a new process, which then prints whether it loaded each module."""
    probe = (
        "import sys\n"
        f"sys.argv = ['kb', '--root', {str(root)!r}, 'search', 'habit']\n"
        "from kb.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        f"print(*(m in sys.modules for m in {modules!r}))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO), KB_DEVICE="test")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert "Atomic Habits" in out.stdout
    return out


def test_search_with_an_unchanged_mkdocs_yml_does_not_import_yaml(kb_root):
    search_loading(kb_root, "yaml", "sqlite_utils")
    assert search_loading(kb_root, "yaml", "sqlite_utils").stdout.strip().splitlines()[-1] == "False False"


def test_search_loads_the_scheduler_only_when_a_journal_has_lines_to_replay(kb_root):
    def search() -> subprocess.CompletedProcess:
        return search_loading(kb_root, "kb.review.replay", "kb.review.scheduler")

    search()
    assert search().stdout.splitlines()[-1] == "False False"
    journal = kb_root / ".kb" / "journal"
    journal.mkdir(parents=True, exist_ok=True)
    (journal / "other-device.jsonl").write_text("this is not a journal record\n")
    # another device's journal changed: replayed (here: its bad line reported) before searching
    out = search()
    assert out.stdout.splitlines()[-1] == "True True"
    assert out.stderr.startswith("warning: .kb/journal/other-device.jsonl: a line")
    out = search()
    assert out.stdout.splitlines()[-1] == "False False" and out.stderr == ""


def test_a_moved_knowledge_base_reads_its_notes_where_they_now_are(kb_root, tmp_path):
    assert fast(kb_root, "index").returncode == 0  # cache written, naming the notes folder
    moved = tmp_path / "moved"
    kb_root.rename(moved)  # same mtime and inode for mkdocs.yml
    (moved / "notes" / "books" / "deep-work.md").write_text("# Deep Work\n")
    out = fast(moved, "index")
    assert out.returncode == 0, out.stderr
    assert out.stdout == "2 notes, 1 section page, 1 added\n"


def test_fast_index_replays_the_review_journal_like_the_click_command(kb_root):
    fast(kb_root, "index")
    journal = kb_root / ".kb" / "journal"
    journal.mkdir(parents=True, exist_ok=True)
    (journal / "other-device.jsonl").write_text("this is not a journal record\n")
    out = same(kb_root, "index")
    assert out.returncode == 0
    assert out.stderr.startswith("warning: .kb/journal/other-device.jsonl: a line")
    assert "not a journal record" in out.stderr
    assert fast(kb_root, "index").stderr == ""  # replayed once: the file is not read again
