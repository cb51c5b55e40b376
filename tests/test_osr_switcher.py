"""What a switcher from the Obsidian Spaced Repetition plugin found different after issue 20 (a blind test of two
vaults): deck tags above a tag line, SR dates in the plugin's other formats, interval 0, a cloze list under one SR
comment, the multi-line end marker in a cloze, ignored folders, the schedule in `kb cards --json`, and the site
`kb init --from-obsidian` sets up."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kb.cli import cli


def run(*args, ok: bool = True):
    out = CliRunner().invoke(cli, list(args))
    if ok:
        assert out.exit_code == 0, out.output
    return out


def cards_json(*args) -> list[dict]:
    return json.loads(run("cards", *args, "--json").output)


def by_front(cards: list[dict]) -> dict[str, dict]:
    return {c["front"]: c for c in cards}


# ---------------------------------------------------------------------------------------------------- 3. deck scope
def test_a_card_above_a_tag_line_has_only_the_front_matter_deck(kbroot):
    kbroot.write(
        "spanish.md",
        "---\ntags: flashcards/spanish\n---\n# Spanish\n\ncomer:::to eat\n\n"
        "#flashcards/spanish/nouns #flashcards/trivia\nel gato::the cat\n",
    )
    got = by_front(cards_json())
    assert got["comer"]["tags"] == ["flashcards/spanish"]
    assert got["to eat"]["tags"] == ["flashcards/spanish"]
    assert set(got["el gato"]["tags"]) == {"flashcards/spanish", "flashcards/spanish/nouns", "flashcards/trivia"}


def test_without_front_matter_deck_a_card_above_the_tag_line_keeps_the_plugin_fallback(kbroot):
    kbroot.write("n.md", "first::card\n\n#flashcards/nouns\nel gato::the cat\n")
    got = by_front(cards_json())
    assert got["first"]["tags"] == ["flashcards/nouns"]  # nothing precedes it: the note's first flashcard tag
