"""A mistyped command or option gets "Did you mean": `kb reveiw` answers with 'review'."""

from __future__ import annotations

from click.testing import CliRunner

from kb.cli import cli


def error_of(*args) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 2
    return result.output.strip().splitlines()[-1]


def test_a_mistyped_command_gets_a_suggestion(kbroot):
    assert error_of("reveiw") == "Error: No such command 'reveiw'. Did you mean 'review'?"
    assert error_of("stat") == "Error: No such command 'stat'. Did you mean 'stats'?"
    assert error_of("xyzzy") == "Error: No such command 'xyzzy'."


def test_mistyped_options_and_subcommands_get_a_suggestion(kbroot):
    assert error_of("review", "--limt", "3") == "Error: No such option '--limt'. Did you mean '--limit'?"
    assert error_of("notes", "lst") == "Error: No such command 'lst'. Did you mean 'list'?"
    assert error_of("--rot", "x", "due") == "Error: No such option '--rot'. Did you mean '--root'?"
