"""`kb add` with $EDITOR set but no terminal says on the spot that the editor was not opened, and how to edit."""

from __future__ import annotations

from click.testing import CliRunner

from kb.cli import cli


def test_kb_add_without_a_terminal_says_the_editor_was_not_opened(kbroot, monkeypatch):
    monkeypatch.setenv("EDITOR", "nano")
    result = CliRunner().invoke(cli, ["add", "Deep Work", "--type", "book"])
    assert result.exit_code == 0, result.output
    assert (
        "note: no terminal here, so $EDITOR was not opened; notes/books/deep-work.md holds only the template: "
        "edit it with $EDITOR notes/books/deep-work.md" in " ".join(result.output.split())
    )


def test_no_such_note_when_asked_not_to_edit_or_given_a_body(kbroot, monkeypatch, tmp_path):
    monkeypatch.setenv("EDITOR", "nano")
    out = CliRunner().invoke(cli, ["add", "One", "--no-edit"]).output
    assert "was not opened" not in out
    body = tmp_path / "body.md"
    body.write_text("Some text.\n")
    out = CliRunner().invoke(cli, ["add", "Two", "--body", str(body)]).output
    assert "was not opened" not in out
    monkeypatch.delenv("EDITOR")
    assert "was not opened" not in CliRunner().invoke(cli, ["add", "Three"]).output
