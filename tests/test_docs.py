"""Tests that keep the docs honest."""

import re

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


def test_every_command_is_documented_in_the_readme():
    for name in COMMANDS:
        assert f"kb {name}" in README, f"kb {name} is missing from README.md"


def test_every_setting_is_documented():
    fields = set(Settings.__dataclass_fields__) - {"extra", "parameters"}
    assert fields <= set(SETTING_DOCS)
    for name in fields:
        assert f"{name}:" in README, f"setting {name} is missing from README.md"


def test_top_level_is_exactly_the_agreed_layout():
    allowed = {
        "mkdocs.yml",
        "README.md",
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
