"""`kb cards orphns`: a mistyped subcommand of `kb cards` (whose group also takes note paths) gets "Did you mean"."""

from __future__ import annotations

from click.testing import CliRunner

from kb.cli import cli


def _run(*args):
    return CliRunner().invoke(cli, list(args))


def test_a_mistyped_cards_subcommand_gets_a_suggestion(kbroot):
    result = _run("cards", "orphns")
    assert result.exit_code == 2
    assert result.output.strip().splitlines()[-1] == (
        "Error: No such note, folder or command 'orphns'. Did you mean 'orphans'?"
    )
    assert "Did you mean 'suspend'?" in _run("cards", "suspnd").output


def test_a_missing_note_is_still_named_as_a_missing_note(kbroot):
    result = _run("cards", "no-such-note-here")
    assert result.exit_code == 1 and "no-such-note-here: no such note or folder" in result.output
    result = _run("cards", "notes/orphns.md")  # a path, not a word: never taken for a subcommand
    assert "no such note or folder" in result.output and "Did you mean" not in result.output
