"""The README's "Coming from Obsidian Spaced Repetition" example vault works as the README says (issue 20)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from click.testing import CliRunner

from kb.cli import cli

REPO = Path(__file__).resolve().parent.parent
VAULT = REPO / "tests" / "fixtures" / "obsidian_vault"


def test_the_example_vault_keeps_its_cards_decks_and_schedules(tmp_path, monkeypatch):
    root = tmp_path / "vault-kb"
    shutil.copytree(VAULT, root)
    monkeypatch.setenv("KB_ROOT", str(root))
    monkeypatch.setenv("TZ", "UTC")
    notes_before = {p: p.read_bytes() for p in root.rglob("*.md")}
    runner = CliRunner()
    cards = json.loads(runner.invoke(cli, ["cards", "--json"]).output)
    assert [c["front"] for c in cards][:4] == [
        "What is the speed of light in vacuum?",
        "Light behaves as a",
        "wave and a particle",
        "How does a prism split white light?",
    ]
    assert cards[0]["back"] == "About 300,000 km/s"  # no block id
    assert cards[3]["tags"] == ["physics", "flashcards/physics/optics"]
    assert "```python" in cards[4]["back"] and "print(item)" in cards[4]["back"]
    due = json.loads(runner.invoke(cli, ["due", "--json"]).output)
    assert due["total"] == {"learning": 0, "review": 5, "due": 5, "new": 3}
    assert due["by_tag"]["flashcards/physics"] == {"due": 3, "new": 0}
    review = json.loads(runner.invoke(cli, ["due", "--tag", "flashcards/python", "--json"]).output)
    assert review["total"]["due"] == 1 and review["total"]["new"] == 3
    assert {p: p.read_bytes() for p in root.rglob("*.md")} == notes_before  # kb never writes into notes
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert (
        "## Coming from Obsidian Spaced Repetition" in readme and "tests/fixtures/obsidian_vault/" in readme
    )
