"""Small CLI gaps: search --json highlights that cannot collide with bold, ids in `kb cards`, `kb check` on two notes
with one title, and `kb index` naming the notes with errors."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kb.cli import cli


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


def test_search_json_gives_the_matches_apart_from_the_notes_own_bold(kbroot):
    kbroot.write("books/a.md", "# Thinking\n\nPeople feel **Loss aversion** strongly.\n")
    [hit] = json.loads(invoke("search", "loss", "aversion", "--json").output)
    assert "**Loss aversion**" in hit["snippet"] and "\x02" not in hit["snippet"]
    assert [hit["snippet"][a:b] for a, b in hit["highlights"]] == ["Loss", "aversion"]


def test_kb_index_names_the_notes_with_errors_in_its_summary(kbroot):
    kbroot.write("good.md", "# Good\n")
    kbroot.write("books/bad.md", "---\ntitle: [x\n---\n")
    invoke("index")
    result = invoke("index")
    assert result.exit_code == 1
    assert "up to date, 1 with errors (notes/books/bad.md); fix the notes above" in result.output


def test_plain_kb_cards_shows_the_ids_kb_cards_suspend_takes(kbroot):
    kbroot.write("books/a.md", "# A\n\nWhat is habit stacking?::Pairing habits.\n")
    [card] = json.loads(invoke("cards", "--json").output)
    line = invoke("cards").output.splitlines()[0]
    assert line.startswith(card["id"]) and "What is habit stacking?" in line
    assert invoke("cards", "suspend", card["id"]).exit_code == 0


def test_kb_check_warns_when_two_notes_share_a_title(kbroot):
    kbroot.write("books/deep-work.md", "# Deep Work\n\nFocus.\n")
    kbroot.write("articles/deep-work.md", "---\ntitle: Deep work\n---\nA summary of the book.\n")
    kbroot.write("ml/other.md", "# Other\n\nSee [[Deep Work]].\n")
    result = invoke("check")
    lines = result.output.strip().splitlines()
    assert "ok" not in lines
    assert any(
        line.startswith("notes/books/deep-work.md:1: warning: notes/articles/deep-work.md has the same title")
        and "[[Deep Work]]" in line
        for line in lines
    ), lines
    assert any(
        line.startswith("notes/articles/deep-work.md:1: warning: notes/books/deep-work.md") for line in lines
    )
