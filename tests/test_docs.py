"""Tests that keep the docs honest."""

import re

import click
import pytest

from kb.cli import COMMANDS
from kb.config import SETTING_DOCS, Settings

from .conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


def quickstart_commands():
    section = README.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sh\n(.+?)\n```", section)


def test_quickstart_is_exactly_two_commands():
    commands = quickstart_commands()
    assert len(commands) == 2
    assert all("\n" not in c for c in commands)
    assert "mkdocs serve" in commands[0] or "kb review" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (REPO / ".ci" / "run").read_text()
    assert quickstart_commands()[1] in ci.splitlines()


def every_command() -> list[str]:
    """Every command line a user can type, subcommands included: "review", "cards suspend", "export anki"..."""
    from kb.cli import cli

    found = []

    def walk(command: click.Command, path: str) -> None:
        found.append(path)
        if isinstance(command, click.Group):
            for name in command.list_commands(click.Context(command)):
                walk(command.get_command(click.Context(command), name), f"{path} {name}")

    for name in COMMANDS:
        walk(cli.get_command(click.Context(cli), name), name)
    return found


def plugin_options() -> list[str]:
    from kb.site.plugin import KbPlugin

    return [name for name, _ in KbPlugin.config_scheme]


@pytest.mark.parametrize("command", every_command())
def test_every_command_is_documented_in_the_readme_and_its_help(command):
    from kb.cli import cli

    top = command.split()[0]
    assert f"kb {top}" in README, f"kb {top} is missing from README.md's daily commands"
    ctx = click.Context(cli)
    target = cli
    for part in command.split():
        target = target.get_command(ctx, part)
    assert (target.help or "").strip(), f"kb {command} has no --help text"


@pytest.mark.parametrize("option", plugin_options())
def test_every_plugin_option_is_documented_in_the_readme(option):
    settings_section = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    assert re.search(rf"^\s+{option}:", settings_section, re.M), (
        f"plugin option {option} is missing from README.md"
    )


@pytest.mark.parametrize("name", sorted(set(Settings.__dataclass_fields__) - {"extra", "parameters"}))
def test_every_setting_has_a_description_for_kb_check(name):
    assert name in SETTING_DOCS, f"setting {name} has no entry in kb.config.SETTING_DOCS"


def test_top_level_is_exactly_the_agreed_layout():
    allowed = {
        "mkdocs.yml",
        "README.md",
        "CONTRIBUTING.md",
        "notes",
        "kb",
        "tests",
        "site_overrides",
        "pyproject.toml",
        ".ci",
        "benchmarks",
    }
    tracked = {p.name for p in REPO.iterdir() if not p.name.startswith(".")}
    ignored = {"site", "build", "dist"} | {p for p in tracked if p.endswith(".egg-info")}
    assert tracked - ignored <= allowed
