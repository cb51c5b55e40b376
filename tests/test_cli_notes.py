import json
import subprocess
import sys

from click.testing import CliRunner

from kb.cli import cli

from .conftest import REPO, write_kb


def invoke(*args, **kwargs):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kwargs)


def test_help_and_version():
    result = invoke("--help")
    assert result.exit_code == 0
    for name in ("index", "search", "check", "notes", "tags"):
        assert name in result.output
    assert invoke("--version").output.startswith("kb, version")


def test_every_command_has_help_with_an_example():
    import click

    ctx = click.Context(cli)
    for name in cli.list_commands(ctx):
        command = cli.get_command(ctx, name)
        commands = [command]
        if isinstance(command, click.Group):
            commands += [command.get_command(ctx, n) for n in command.list_commands(ctx)]
        for cmd in commands:
            assert cmd.help, f"kb {name} {cmd.name} has no help"
            if not isinstance(cmd, click.Group):
                assert "Example" in cmd.help or "kb " in cmd.help, (
                    f"kb {name} {cmd.name}: help has no example"
                )


def test_index_then_search_list_and_tags(kbroot):
    kbroot.write(
        "books/a.md", "---\ntitle: Atomic Habits\ntags: [habits, books]\n---\nHabit stacking works.\n"
    )
    kbroot.write("ml/r.md", "---\ntitle: ResNets\ntags: [ml]\n---\nSkip connections.\n")
    result = invoke("index")
    assert result.exit_code == 0 and "2 notes, 2 added" in result.output
    assert "up to date" in invoke("index").output
    result = invoke("search", "habit", "stacking", "--json")
    [hit] = json.loads(result.output)
    assert hit["path"] == "notes/books/a.md" and hit["highlights"]
    assert "Atomic Habits" in invoke("search", "habit").output
    assert "no notes match" in invoke("search", "zebra").output
    notes = json.loads(invoke("notes", "list", "--json", "--type", "ml").output)
    assert [n["title"] for n in notes] == ["ResNets"]
    assert (
        json.loads(invoke("notes", "list", "--json", "--tag", "books").output)[0]["title"] == "Atomic Habits"
    )
    tags = json.loads(invoke("tags", "--json").output)
    assert {"tag": "habits", "notes": 1} in tags


def test_commands_bring_the_index_up_to_date_themselves(kbroot):
    kbroot.write("a.md", "# First\n")
    assert "First" in invoke("notes", "list").output
    kbroot.write("b.md", "# Second words\n")
    assert "Second" in invoke("search", "second").output


def test_bad_notes_exit_1_with_one_line_each_and_a_summary(kbroot):
    kbroot.write("good.md", "# Good\n")
    kbroot.write("bad.md", "---\ntitle: [x\n---\n")
    kbroot.write("latin1.md", b"caf\xe9\n")
    result = CliRunner().invoke(cli, ["index"])
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("notes/bad.md:3: front matter is not valid YAML")
    assert lines[1].startswith("notes/latin1.md:1: not valid UTF-8")
    assert "3 notes" in lines[-1] and "2 with errors" in lines[-1]
    assert "Traceback" not in result.output
    # The good note was indexed anyway.
    assert "Good" in invoke("notes", "list").output


def test_check_prints_ok_or_the_errors(kbroot):
    kbroot.write("good.md", "# Good\n")
    result = invoke("check")
    assert result.exit_code == 0 and result.output.strip().endswith("ok")
    kbroot.write("bad.md", "")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1 and "notes/bad.md:1: the note is empty" in result.output


def test_search_syntax_error_is_one_line_not_sql(kbroot):
    kbroot.write("a.md", "# A\n")
    result = CliRunner().invoke(cli, ["search", '"oops'])
    assert result.exit_code == 1
    assert "unbalanced quote" in result.output and "sqlite" not in result.output.lower()


def test_outside_a_knowledge_base(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(cli, ["index"])
    assert result.exit_code == 1 and "not inside a knowledge base" in result.output


def test_root_option(kbroot, monkeypatch, tmp_path):
    monkeypatch.delenv("KB_ROOT")
    monkeypatch.chdir(tmp_path)
    kbroot.write("a.md", "# A note\n")
    assert "A note" in invoke("--root", str(kbroot.root), "notes", "list").output


def test_real_console_script_runs_as_a_subprocess(kbroot):
    kbroot.write("a.md", "# Sub\n")
    env = {"KB_ROOT": str(kbroot.root), "PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "KB_DEVICE": "t"}
    out = subprocess.run([sys.executable, "-m", "kb", "index"], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert "1 notes, 1 added" in out.stdout


def test_a_database_replaced_by_junk_is_moved_aside_and_rebuilt(kbroot):
    kbroot.write("a.md", "# Still here\n")
    invoke("index")
    db = kbroot.root / ".kb" / "kb.db"
    for suffix in ("-wal", "-shm"):
        (kbroot.root / ".kb" / f"kb.db{suffix}").unlink(missing_ok=True)
    db.write_bytes(b"\x00garbage" * 512)
    result = CliRunner().invoke(cli, ["notes", "list"])
    assert result.exit_code == 0, result.output
    assert "Still here" in result.output
    assert "was not a kb database" in result.output
    assert list((kbroot.root / ".kb").glob("kb.db.broken-*"))


def test_database_folder_that_cannot_be_created_is_a_clear_error(kbroot, monkeypatch):
    blocker = kbroot.root / "file"
    blocker.write_text("x")
    monkeypatch.setenv("KB_DB", str(blocker / "sub" / "kb.db"))
    kbroot.write("a.md", "# A\n")
    result = CliRunner().invoke(cli, ["index"])
    assert result.exit_code == 1
    assert "cannot create the database folder" in result.output and "Traceback" not in result.output


def test_index_full_applies_changed_key_point_settings_to_unchanged_notes(kbroot):
    kbroot.write(
        "books/a.md",
        "---\ntitle: A\n---\n# A\n\n## Lessons learned\n\n- **Habit stacking**: pair a new habit with an old one\n\n"
        "What is a cue?::The trigger of a habit\n",
    )
    cards = json.loads(invoke("cards", "--json").output)
    assert [c["kind"] for c in cards] == ["basic"]  # "Lessons learned" is not a key-point heading yet
    basic_id = cards[0]["id"]
    write_kb(kbroot.root, keypoint_headings=["lessons learned"])
    assert "up to date" in invoke("index").output  # the note itself did not change
    result = invoke("index", "--full")
    assert result.exit_code == 0 and "1 updated" in result.output
    cards = json.loads(invoke("cards", "--json").output)
    assert sorted(c["kind"] for c in cards) == ["basic", "keypoint"]
    assert basic_id in {c["id"] for c in cards}  # the hand-written card kept its identity (and history)
