"""Text inside HTML comments (the `kb add` templates' hints) is hidden: no link, no backlink, no search hit, no card."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kb.cli import cli
from kb.notes import wikilinks
from kb.site.links import LinkGraph
from tests.browser_support import site_notes


def run(*args):
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_links_inside_comments_are_no_links():
    text = (
        "See [[Real]].\n<!-- Links to other notes, e.g. [[Deep Work]]. -->\n"
        "<!-- a comment\nover lines [[Hidden]]\n-->after [[Shown]]\n"
        "`<!--` is code, so [[Kept]] is a link\n"
    )
    assert [link.target for link in wikilinks.find_links(text)] == ["Real", "Shown", "Kept"]
    shown = wikilinks.find_links(text)[1]
    assert (shown.line, shown.start) == (4, 9)  # offsets as in the note itself


def test_a_template_comment_makes_no_backlink_on_the_site(make_kb):
    root = make_kb(
        {
            "books/deep-work.md": "# Deep Work\n\nFocus.\n",
            "books/new.md": "# New\n\n## Related notes\n\n<!-- Links to other notes, e.g. [[Deep Work]]. -->\n",
        },
        site=True,
    ).root
    config, files, notes = site_notes(root)
    graph = LinkGraph(notes)
    graph.build()
    assert graph.backlinks_section("books/deep-work.md") is None


def test_words_inside_comments_are_no_search_hits_and_no_cards(kbroot):
    kbroot.write(
        "books/new.md",
        '# New\n\n## Key points\n\n<!-- One idea per bullet, e.g. "- **Habit stacking**: pair a new habit with one'
        ' you already do." -->\n\n## Questions\n\n<!--\nWhat is zettelkasten?::A note box\n-->\nVisible words.\n',
    )
    assert json.loads(run("search", "stacking", "--json")) == []
    assert json.loads(run("search", "zettelkasten", "--json")) == []
    assert [hit["path"] for hit in json.loads(run("search", "visible", "--json"))] == ["notes/books/new.md"]
    assert json.loads(run("cards", "notes/books/new.md", "--json")) == []


def test_a_note_from_the_book_template_has_no_hits_links_or_cards(kbroot, monkeypatch):
    monkeypatch.setenv("EDITOR", "true")
    run("add", "Test Book", "--type", "book")
    assert json.loads(run("search", "stacking", "--json")) == []
    assert json.loads(run("cards", "notes/books/test-book.md", "--json")) == []
    assert run("check").strip() == "ok"
