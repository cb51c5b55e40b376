"""The daily new-card limit is said out loud: `kb review` says why it stops, `kb due` and the site agree on counts."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kb.cli import cli

NOW = "2026-03-02T09:00:00Z"

TAXES = "---\ntitle: Taxes\ntags: [taxes]\n---\n# Taxes\n\n" + "".join(
    f"Tax question {i}::Tax answer {i}\n\n" for i in range(5)
)
BOOK = "---\ntitle: Book\ntags: [habits]\n---\n# Book\n\n" + "".join(
    f"Book question {i}::Book answer {i}\n\n" for i in range(3)
)


def setup(kbroot, monkeypatch, new_per_day=3):
    kbroot.root.joinpath("mkdocs.yml").write_text(
        kbroot.root.joinpath("mkdocs.yml").read_text()
        + f"plugins:\n  - kb:\n      new_per_day: {new_per_day}\n"
    )
    kbroot.write("taxes/basics.md", TAXES)
    kbroot.write("books/book.md", BOOK)
    monkeypatch.setenv("KB_NOW", NOW)
    monkeypatch.setenv("KB_TZ", "UTC")


def run(*args, input_text=""):
    result = CliRunner().invoke(cli, list(args), input=input_text)
    assert result.exit_code == 0, result.output
    return result.output


def test_kb_review_says_the_new_card_limit_is_reached_and_how_to_get_more(kbroot, monkeypatch):
    setup(kbroot, monkeypatch)
    run("review", "--tag", "taxes", input_text="4\n4\n4\n")  # Easy: three new cards, each due in days
    out = run("review", "--tag", "taxes")
    assert "Nothing to review now." in out
    assert "Today's 3 new cards are done (new_per_day" in out
    assert "2 more wait: `kb review --tag taxes --new 10` for more." in out
    assert "Due tomorrow: 0." in out  # the taxes cards answered Easy are due in days
    due = run("due", "--tag", "taxes")
    assert "2 new available" in due and "kb review shows today: 0 new" in due


def test_due_tomorrow_respects_the_tag_and_leaves_out_learning_cards_due_today(kbroot, monkeypatch):
    setup(kbroot, monkeypatch, new_per_day=10)
    # The book's cards: two in learning again in minutes (Again, then quit), one Easy.
    run("review", "--tag", "habits", input_text="1\n1\n4\nq\n")
    run("review", "--tag", "taxes", input_text="4\n4\n4\n4\n4\n")
    out = run("review", "--tag", "taxes", "--json", input_text="q\n")
    summary = json.loads(out[out.index("{") :])
    assert summary["due_tomorrow"] == 0  # not the book's two learning cards, due in a minute
    out = run("review", "--tag", "habits", input_text="q\n")
    assert "Due tomorrow: 0." in out  # its learning cards come back today, not tomorrow


def test_the_site_review_page_and_the_command_line_give_the_same_counts(kbroot, monkeypatch):
    from datetime import datetime

    from kb.site.pages import read_study_data, review_markdown

    setup(kbroot, monkeypatch)
    run("review", input_text="3\n")  # one new card answered: two of today's three new cards left
    kb = kbroot.open()
    data = read_study_data(kb.db, kb.settings, datetime.fromisoformat(NOW.replace("Z", "+00:00")))
    page = review_markdown(data, lambda path: None)
    today = json.loads(run("due", "--json"))["today"]
    assert today == {"new": 2, "learning": 1, "review": 0}
    assert "<strong>1</strong> due and <strong>2</strong> new today" in page
    assert sum(n for *_, n in data.due_by_note) == 2
    run("review", input_text="3\n3\n")  # the day's three new cards are done
    data = read_study_data(kb.db, kb.settings, datetime.fromisoformat(NOW.replace("Z", "+00:00")))
    assert sum(n for *_, n in data.due_by_note) == 0 == json.loads(run("due", "--json"))["today"]["new"]
