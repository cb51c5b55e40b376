"""The scan snapshot (kb.scanstate): a no-op `kb index` compares one row instead of every note's row.

What a user would notice if it were wrong: `kb index` saying "up to date" while a note was added, removed, edited,
touched or renamed, or while the database was changed by another process. Every test here changes something and
checks that the quick path declines (so the ordinary comparison runs and reports the change), and that it is taken
again once the index is up to date.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.index import scanstate
from kb.index.indexer import index, plan
from kb.store.connection import open_store

REPO = Path(__file__).resolve().parent.parent

NOTE = "---\ntitle: {title}\ntags: [t]\n---\n# {title}\n\nSome words about {title}.\n"


def note(title: str) -> str:
    return NOTE.format(title=title)


def up_to_date(kbroot) -> int | None:
    """What the no-op `kb index` would print as the count, or None when it takes the ordinary path."""
    return scanstate.quick_index(str(kbroot.root))[0]


def index_until_quick(kbroot):
    """Index (which adds or updates), then index again: the second finds nothing to do and keeps the snapshot."""
    kb = kbroot.open()
    conn = open_store(kb.db)
    first = index(kb, conn)
    second = index(kb, conn)
    assert not second.changed and not second.errors
    return kb, conn, first


def set_mtime(path: Path, ns: int) -> None:
    os.utime(path, ns=(ns, ns))


@pytest.fixture
def three(kbroot):
    for name in ("a", "b", "c"):
        kbroot.write(f"topics/{name}.md", note(name.upper()))
    return kbroot


def test_the_quick_path_is_taken_once_an_index_found_nothing_to_do(three):
    kb = three.open()
    conn = open_store(kb.db)
    index(
        kb, conn
    )  # adds three notes: no snapshot yet (only a comparison that found nothing to do writes one)
    assert up_to_date(three) is None
    index(kb, conn)
    assert up_to_date(three) == 3


def test_no_snapshot_without_the_mkdocs_yml_it_came_from(three):
    from dataclasses import replace

    kb = replace(three.open(), config_key="")  # a KnowledgeBase built by hand
    conn = open_store(kb.db)
    index(kb, conn)
    index(kb, conn)
    assert up_to_date(three) is None


def change_add(root: Path) -> None:
    (root / "notes" / "topics" / "d.md").write_text(note("D"))


def change_delete(root: Path) -> None:
    (root / "notes" / "topics" / "b.md").unlink()


def change_edit(root: Path) -> None:
    (root / "notes" / "topics" / "b.md").write_text(note("B, longer"))


def change_same_size_new_mtime(root: Path) -> None:
    path = root / "notes" / "topics" / "b.md"
    ns = path.stat().st_mtime_ns
    path.write_text(note("X"))  # same length as "B"
    set_mtime(path, ns + 1)  # one nanosecond later: still a different mtime


def change_touch(root: Path) -> None:
    path = root / "notes" / "topics" / "b.md"
    set_mtime(path, path.stat().st_mtime_ns + 1_000_000_000)


def change_rename(root: Path) -> None:
    folder = root / "notes" / "topics"
    (folder / "b.md").rename(folder / "z.md")


def change_move_to_new_folder(root: Path) -> None:
    (root / "notes" / "deep" / "er").mkdir(parents=True)
    (root / "notes" / "topics" / "b.md").rename(root / "notes" / "deep" / "er" / "b.md")


def change_replace_by_folder(root: Path) -> None:
    path = root / "notes" / "topics" / "b.md"
    path.unlink()
    path.mkdir()
    (path / "inside.md").write_text(note("Inside"))


@pytest.mark.parametrize(
    "change, summary",
    [
        (change_add, "4 notes, 1 added"),
        (change_delete, "2 notes, 1 removed"),
        (change_edit, "3 notes, 1 updated"),
        (change_same_size_new_mtime, "3 notes, 1 updated"),
        (change_touch, "3 notes, up to date"),  # same bytes: the new mtime is recorded, nothing re-parsed
        (change_rename, "3 notes, 1 added, 1 removed"),
        (change_move_to_new_folder, "3 notes, 1 added, 1 removed"),
        (change_replace_by_folder, "3 notes, 1 added, 1 removed"),
    ],
)
def test_every_change_of_the_notes_folder_is_noticed(three, change, summary):
    kb, conn, _ = index_until_quick(three)
    assert up_to_date(three) == 3
    change(three.root)
    assert up_to_date(three) is None
    assert index(kb, conn).summary() == summary
    index(kb, conn)
    assert up_to_date(three) == int(summary.split()[0])


def test_files_kb_does_not_index_leave_the_snapshot_valid(three):
    index_until_quick(three)
    (three.notes / ".drafts").mkdir()
    (three.notes / ".drafts" / "secret.md").write_text(note("Hidden"))
    (three.notes / "topics" / "picture.png").write_bytes(b"\x89PNG")
    assert up_to_date(three) == 3


def test_an_edit_reverted_with_its_old_mtime_is_noticed(three):
    """The snapshot is of the last up-to-date index, not of the first one: putting back old bytes and an old mtime
    after an indexed edit differs from what the index holds."""
    kb, conn, _ = index_until_quick(three)
    path = three.notes / "topics" / "b.md"
    old_text, old_ns = path.read_text(), path.stat().st_mtime_ns
    path.write_text(note("Q"))  # same size
    set_mtime(path, old_ns + 5)
    index(kb, conn)
    index(kb, conn)
    assert up_to_date(three) == 3
    path.write_text(old_text)
    set_mtime(path, old_ns)
    assert up_to_date(three) is None
    assert index(kb, conn).summary() == "3 notes, 1 updated"
    assert conn.execute("SELECT title FROM notes WHERE path = 'notes/topics/b.md'").fetchone() == ("B",)


def other_process(kb, statement: str) -> None:
    """Another kb process writing the database (kb's connections enforce foreign keys)."""
    other = sqlite3.connect(kb.db)
    other.execute("PRAGMA foreign_keys = ON")
    with other:
        if statement.startswith("remove "):
            from kb.index.tables import remove_note

            remove_note(other, statement.removeprefix("remove "))  # as `kb index` removes a deleted note
        else:
            other.execute(statement)
    other.close()


@pytest.mark.parametrize(
    "statement, summary",
    [
        ("remove notes/topics/b.md", "3 notes, 1 added"),
        ("UPDATE notes SET mtime_ns = 1 WHERE path = 'notes/topics/b.md'", "3 notes, up to date"),
        ("UPDATE notes SET size = 1 WHERE path = 'notes/topics/b.md'", "3 notes, up to date"),
        (
            "INSERT INTO note_errors (path, line, message, size, mtime_ns) "
            "VALUES ('notes/topics/b.md', 1, 'broken', 0, 0)",
            "3 notes, 1 updated",
        ),
    ],
)
def test_a_database_changed_by_another_process_is_not_trusted(three, statement, summary):
    kb, conn, _ = index_until_quick(three)
    other_process(kb, statement)
    assert up_to_date(three) is None
    assert index(kb, conn).summary() == summary
    # and the row that process damaged is right again
    path = three.notes / "topics" / "b.md"
    row = conn.execute("SELECT size, mtime_ns FROM notes WHERE path = 'notes/topics/b.md'").fetchone()
    assert row == (path.stat().st_size, path.stat().st_mtime_ns)


def test_a_snapshot_is_not_written_over_a_change_committed_since_the_comparison(three):
    kb, conn, _ = index_until_quick(three)
    found, errors = scanstate.walk(str(kb.notes), "notes")
    text = scanstate.encode(scanstate.lines(found))

    def write_snapshot(version: int) -> int:
        with conn:
            conn.execute("DELETE FROM scan_snapshot")
        scanstate.remember(conn, version, str(kb.root), str(kb.notes), "notes", kb.config_key, text)
        return conn.execute("SELECT count(*) FROM scan_snapshot").fetchone()[0]

    version = scanstate.current_version(conn)  # the comparison saw the tables at this version
    assert write_snapshot(version) == 1  # nothing changed since: written
    other_process(kb, "remove notes/topics/a.md")  # after the comparison, before the write
    assert write_snapshot(version) == 0
    assert up_to_date(three) is None
    assert index(kb, conn).summary() == "3 notes, 1 added"


def test_a_broken_note_keeps_the_ordinary_path(three):
    three.write("topics/bad.md", "---\ntitle: [unclosed\n---\n")
    kb = three.open()
    conn = open_store(kb.db)
    index(kb, conn)
    report = index(kb, conn)
    assert [e.path for e in report.errors] == ["notes/topics/bad.md"]  # reported again on every run
    assert up_to_date(three) is None


def test_a_changed_mkdocs_yml_keeps_the_ordinary_path(three):
    index_until_quick(three)
    yml = three.root / "mkdocs.yml"
    yml.write_text(yml.read_text() + "# a comment\n")
    assert up_to_date(three) is None


def test_a_copied_knowledge_base_does_not_trust_the_original_snapshot(three, tmp_path):
    index_until_quick(three)
    copy = tmp_path / "copy"
    shutil.copytree(three.root, copy)
    (copy / "notes" / "topics" / "a.md").unlink()
    assert scanstate.quick_index(str(copy))[0] is None


def test_a_new_journal_file_keeps_the_ordinary_path(three):
    index_until_quick(three)
    journal = three.root / ".kb" / "journal"
    journal.mkdir(parents=True, exist_ok=True)
    (journal / "laptop.jsonl").write_text("")
    assert up_to_date(three) is None


def test_kb_db_elsewhere_is_found(three, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_DB", str(tmp_path / "elsewhere" / "kb.db"))
    kb, _, _ = index_until_quick(three)
    assert kb.db == tmp_path / "elsewhere" / "kb.db"
    assert up_to_date(three) == 3
    monkeypatch.delenv("KB_DB")
    assert up_to_date(three) is None  # no database at <root>/.kb/kb.db


def test_the_quick_no_op_imports_no_more_than_sqlite3(three):
    probe = (
        "import sys\n"
        f"sys.argv = ['kb', '--root', {str(three.root)!r}, 'index']\n"
        "from kb.cli import main\n"
        "try:\n    main()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "heavy = ('click', 'yaml', 'sqlite_utils', 'dataclasses', 'json', 'kb.config', 'kb.index.indexer')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = dict(os.environ, PYTHONPATH=str(REPO))
    for _ in range(2):  # index, then the comparison that writes the snapshot
        subprocess.run([sys.executable, "-m", "kb", "--root", str(three.root), "index"], env=env, check=True)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines() == ["3 notes, up to date", "[]"]


# --- the same plan as the row-by-row comparison, under any sequence of changes -------------------------------------

NAMES = ["a.md", "b.md", "sub/c.md", "sub/d.md"]
BROKEN = "---\ntitle: [unclosed\n---\n"

ops = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(NAMES), st.sampled_from(["X", "Y", "XY", BROKEN])),
    st.tuples(st.just("mtime"), st.sampled_from(NAMES), st.integers(0, 3)),
    st.tuples(st.just("delete"), st.sampled_from(NAMES), st.none()),
    st.tuples(st.just("rename"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
    st.tuples(st.just("index"), st.none(), st.none()),
    st.tuples(st.just("tamper"), st.sampled_from(NAMES), st.none()),
)


def row_by_row(kb, conn) -> tuple[list[str], list[str], int]:
    """(candidates, removed, unchanged) by the ordinary rule, computed here from the files and the tables."""
    found, _ = scanstate.walk(str(kb.notes), "notes")
    rows = {p: (size, m) for p, size, m in conn.execute("SELECT path, size, mtime_ns FROM notes")}
    errors = {p: (size, m) for p, size, m in conn.execute("SELECT path, size, mtime_ns FROM note_errors")}
    candidates = []
    unchanged = 0
    for path, s in found.items():
        now = (s.st_size, s.st_mtime_ns)
        if path in errors:
            if errors[path] != now:
                candidates.append(path)
        elif rows.get(path) == now:
            unchanged += 1
        else:
            candidates.append(path)
    return sorted(candidates), sorted(p for p in rows if p not in found), unchanged


def planned(todo) -> tuple[list[str], list[str], int]:
    return sorted(p for p, _ in todo.candidates), sorted(todo.removed), todo.report.unchanged


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(ops, max_size=12))
def test_plans_agree_with_the_row_by_row_rule_under_any_changes(kbroot, steps):
    """Whatever happens to the files and the database, the quick path says "up to date" only when the notes table
    holds exactly the scanned sizes and mtimes, and every plan (from a full walk, or from the quick path's walk
    without stats, against a current snapshot or not) finds the same candidates and removals as the ordinary rule.
    mtimes are set explicitly (a few fixed values), so equal sizes and mtimes recur as they do in real life."""
    root = kbroot.root
    shutil.rmtree(root / ".kb", ignore_errors=True)
    shutil.rmtree(kbroot.notes)
    base = 1_700_000_000_000_000_000
    for i, name in enumerate(NAMES):
        (kbroot.notes / name).parent.mkdir(parents=True, exist_ok=True)
        (kbroot.notes / name).write_text(note("X"))
        set_mtime(kbroot.notes / name, base + i)
    kb = kbroot.open()
    conn = open_store(kb.db)
    for kind, name, arg in [("index", None, None), *steps]:
        path = kbroot.notes / name if name else None
        if kind == "write":
            path.parent.mkdir(parents=True, exist_ok=True)
            ns = path.stat().st_mtime_ns if path.exists() else base
            path.write_text(arg if arg == BROKEN else note(arg))
            set_mtime(path, ns)  # the classic trap: new bytes, same mtime (and maybe the same size)
        elif kind == "mtime" and path.exists():
            set_mtime(path, base + arg)
        elif kind == "delete" and path.exists():
            path.unlink()
        elif kind == "rename" and path.exists() and name != arg:
            target = kbroot.notes / arg
            target.parent.mkdir(parents=True, exist_ok=True)
            path.replace(target)
        elif kind == "index":
            index(kb, conn)
            index(
                kb, conn
            )  # the second finds nothing to do (unless a note is broken) and writes the snapshot
        elif kind == "tamper":
            other = sqlite3.connect(kb.db)
            with other:
                other.execute("UPDATE notes SET mtime_ns = mtime_ns + 1 WHERE path = ?", (f"notes/{name}",))
            other.close()
        expected = row_by_row(kb, conn)
        count, quick_scan = scanstate.quick_index(str(root))
        if count is not None:
            assert expected[:2] == ([], [])
            assert conn.execute("SELECT count(*) FROM note_errors").fetchone()[0] == 0
        assert planned(plan(kb.notes, kb.root, conn, scanned=quick_scan)) == expected
        assert planned(plan(kb.notes, kb.root, conn)) == expected
    index(kb, conn)
    if not index(kb, conn).errors:
        assert up_to_date(kbroot) == len(scanstate.walk(str(kb.notes), "notes")[0])


@pytest.mark.parametrize(
    "change",
    [
        change_add,
        change_delete,
        change_edit,
        change_same_size_new_mtime,
        change_touch,
        change_rename,
        change_move_to_new_folder,
        change_replace_by_folder,
    ],
)
def test_the_quick_paths_walk_plans_like_a_full_walk(three, change):
    """`kb index` hands the quick path's walk (no stat results kept) to the plan, which stats the changed notes."""
    kb, conn, _ = index_until_quick(three)
    change(three.root)
    count, quick_scan = scanstate.quick_index(str(three.root))
    assert count is None and quick_scan is not None and quick_scan.found is None
    expected = row_by_row(kb, conn)
    todo = plan(kb.notes, kb.root, conn, scanned=quick_scan)
    assert planned(todo) == expected
    for path, stat in todo.candidates:
        now = (three.root / path).stat()
        assert (stat.st_size, stat.st_mtime_ns) == (now.st_size, now.st_mtime_ns)


def test_a_note_deleted_after_the_quick_walk_is_removed(three):
    kb, conn, _ = index_until_quick(three)
    change_edit(three.root)
    _, quick_scan = scanstate.quick_index(str(three.root))
    (three.notes / "topics" / "b.md").unlink()
    todo = plan(kb.notes, kb.root, conn, scanned=quick_scan)
    assert (todo.candidates, todo.removed) == ([], ["notes/topics/b.md"])
    assert index(kb, conn).summary() == "2 notes, 1 removed"


@pytest.mark.parametrize(
    "change, summary",
    [
        (change_add, "4 notes, 1 added"),
        (change_delete, "2 notes, 1 removed"),
        (change_same_size_new_mtime, "3 notes, 1 updated"),
        (change_touch, "3 notes, up to date"),
        (change_rename, "3 notes, 1 added, 1 removed"),
    ],
)
def test_kb_index_after_a_change_prints_what_the_click_command_prints(three, change, summary):
    from click.testing import CliRunner

    from kb.cli import cli

    env = dict(os.environ, PYTHONPATH=str(REPO))
    argv = [sys.executable, "-m", "kb", "--root", str(three.root), "index"]
    for _ in range(2):
        subprocess.run(argv, env=env, check=True, capture_output=True)
    saved = {p: p.read_bytes() for p in (three.root / ".kb").glob("kb.db*")}
    change(three.root)
    out = subprocess.run(argv, env=env, capture_output=True, text=True)
    assert (out.returncode, out.stdout, out.stderr) == (0, summary + "\n", "")
    for p in (three.root / ".kb").glob("kb.db*"):
        p.unlink()
    for p, data in saved.items():
        p.write_bytes(data)
    want = CliRunner().invoke(cli, ["--root", str(three.root), "index"])
    assert (want.exit_code, want.output) == (0, summary + "\n")
