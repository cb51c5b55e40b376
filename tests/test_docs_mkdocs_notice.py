"""The README's quickstart is the plain `mkdocs serve` a user types, and says what its start-up notice is."""

from __future__ import annotations

from tests.conftest import REPO


def test_the_quickstart_runs_plain_mkdocs_serve_and_explains_the_notice():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    quickstart = readme.split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    assert (
        ".venv/bin/mkdocs serve" in quickstart and "NO_MKDOCS_2_WARNING=1 .venv/bin/mkdocs" not in quickstart
    )
    notice = next(p for p in quickstart.split("\n\n") if "end of life" in p)
    assert "safe" in notice or "unaffected" in notice
    assert "NO_MKDOCS_2_WARNING=1" in notice
