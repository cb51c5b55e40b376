"""One definition of a note, a new card and a due card, whichever command or page counts them."""

from __future__ import annotations

import json
from datetime import datetime

from click.testing import CliRunner

from kb.cli import cli

NOW = "2026-03-02T09:00:00Z"


def run(*args, input_text=""):
    result = CliRunner().invoke(cli, list(args), input=input_text)
    assert result.exit_code == 0, result.output
    return result.output


def make(kbroot, monkeypatch):
    monkeypatch.setenv("KB_NOW", NOW)
    monkeypatch.setenv("KB_TZ", "UTC")
    kbroot.write("index.md", "# Home\n\nWelcome.\n")
    kbroot.write("books/index.md", "---\ntitle: Books\n---\n# Books\n\nThe books I read.\n")
    kbroot.write("ml/README.md", "# Machine Learning\n\nThe ML notes.\n")
    kbroot.write("books/deep-work.md", "# Deep Work\n\nQ1::A1\n\nQ2::A2\n\nQ3::A3\n")


def test_section_index_pages_are_not_notes(kbroot, monkeypatch):
    from kb.site.pages import read_study_data

    make(kbroot, monkeypatch)
    listed = json.loads(run("notes", "list", "--json"))
    assert [n["path"] for n in listed] == ["notes/books/deep-work.md"]
    assert "book     Books" not in run("notes", "list")
    kb = kbroot.open()
    data = read_study_data(kb.db, kb.settings, datetime.fromisoformat(NOW.replace("Z", "+00:00")))
    assert data.total_notes == 1  # the site's stats page: "1 notes", not 4


def test_a_buried_card_is_counted_alike_by_kb_stats_kb_due_and_the_site(kbroot, monkeypatch):
    from kb.site.pages import read_study_data

    make(kbroot, monkeypatch)
    run("review", input_text="b\nq\n")  # bury the first new card until tomorrow
    stats = json.loads(run("stats", "--json"))
    due = json.loads(run("due", "--json"))
    kb = kbroot.open()
    site = read_study_data(kb.db, kb.settings, datetime.fromisoformat(NOW.replace("Z", "+00:00")))
    assert stats["today"]["due"]["new_available"] == due["total"]["new"] == site.new_cards == 2
    assert "2 new" in run("stats")


def test_suspended_cards_are_not_counted_as_new(kbroot, monkeypatch):
    make(kbroot, monkeypatch)
    run("review", input_text="s\nq\n")  # suspend the first card
    cards = json.loads(run("stats", "--json"))["cards"]
    assert cards["suspended"] == 1 and cards["new"] == 2
    assert cards["new"] + cards["learning"] + cards["review"] + cards["suspended"] == cards["total"]
    assert json.loads(run("due", "--json"))["total"]["new"] == 2


def test_kb_index_counts_notes_as_kb_notes_list_does(kbroot, monkeypatch):
    """`kb index` used to say "4 notes" where `kb notes list` lists one: the section pages are counted apart."""
    import subprocess
    import sys

    make(kbroot, monkeypatch)
    listed = json.loads(run("notes", "list", "--json"))
    assert len(listed) == 1
    first = run("index")
    assert first.startswith("1 notes, 3 section pages, ")
    fast = subprocess.run([sys.executable, "-m", "kb", "index"], capture_output=True, text=True)  # no click
    assert fast.returncode == 0 and fast.stdout == "1 notes, 3 section pages, up to date\n"
