"""The site's wiki-link graph: backlinks, broken links, links written with final URLs, pages to render again."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.structure.files import get_files

from kb.notes import wikilinks
from kb.site.links import LinkGraph
from tests.browser_support import site_notes

NOTES = {
    "index.md": "# Home\n\nStart at [[Zettelkasten]] and [[atomic habits]].\n",
    "books/atomic-habits.md": "---\ntitle: Atomic Habits\n---\n# Atomic Habits\n\nSee [[Zettelkasten]], [[Zettelkasten]] again"
    " and [[Atomic Habits|myself]].\n",
    "books/zettelkasten.md": "---\ntitle: Zettelkasten\n---\n# Zettelkasten\n\nBack to [[books/atomic-habits#The "
    "Four Laws|the laws]].\n",
    "ml/backprop.md": "---\ntitle: backprop\n---\n# Backprop\n\nLinks to [[Zettelkasten]] and [[No Such Note]].\n",
}


def _graph(root):
    config, files, notes = site_notes(root)
    graph = LinkGraph(notes)
    graph.build()
    return graph, config


def _rebuild(graph: LinkGraph, config) -> list[str]:
    graph.notes.read(get_files(config))
    graph.build()
    return graph.changed_pages()


def test_backlinks_are_every_other_linking_note_once_by_title(make_kb):
    graph, _ = _graph(make_kb(NOTES).root)
    # "backprop" sorts by its title, case aside, before "Home"; a repeated link counts once
    assert graph.backlinks["books/zettelkasten.md"] == [
        "books/atomic-habits.md",
        "ml/backprop.md",
        "index.md",
    ]
    # a note's link to itself is no backlink
    assert graph.backlinks["books/atomic-habits.md"] == ["index.md", "books/zettelkasten.md"]
    assert "ml/backprop.md" not in graph.backlinks and "index.md" not in graph.backlinks


def test_the_linked_from_section_lists_sources_relative_to_the_page(make_kb):
    graph, _ = _graph(make_kb(NOTES).root)
    section = graph.backlinks_section("books/zettelkasten.md")
    assert section.startswith("## Linked from {#kb-linked-from data-search-exclude}")
    assert section.splitlines()[4:7] == [
        "- [Atomic Habits](<atomic-habits.md>)",
        "- [backprop](<../ml/backprop.md>)",
        "- [Home](<../index.md>)",
    ]
    assert graph.backlinks_section("ml/backprop.md") is None


def test_links_are_written_as_markdown_links_to_the_note_file(make_kb):
    graph, _ = _graph(make_kb(NOTES).root)
    text = "See [[Zettelkasten]] and [[books/atomic-habits#The Four Laws|the laws]]."
    out = graph.links_in_text(text, "ml/backprop.md")
    assert out == (
        "See [Zettelkasten](<../books/zettelkasten.md>) and "
        "[the laws](<../books/atomic-habits.md#the-four-laws>)."
    )
    assert graph.links_in_text("no links here", "index.md") == "no links here"


def test_links_inside_html_get_the_targets_final_url(make_kb):
    graph, _ = _graph(make_kb(NOTES).root)
    page_url = graph.notes.files["ml/backprop.md"].url  # ml/backprop/
    out = graph.links_in_text("[[Zettelkasten]] and [[backprop]]", "ml/backprop.md", page_url)
    assert out == "[Zettelkasten](<../../books/zettelkasten/>) and [backprop](<./>)"


def test_a_broken_link_shows_as_escaped_text_and_warns_with_its_line(make_kb, caplog):
    graph, _ = _graph(make_kb(NOTES).root)
    link = wikilinks.find_links('[[<b onclick="x">Nope</b>]]')[0]
    html = graph.link_markdown("index.md", link)
    assert html.startswith(
        '<span class="kb-broken-link" title="no note named &lt;b onclick=&quot;x&quot;&gt;'
    )
    assert "<b" not in html
    info = graph.notes.by_src["ml/backprop.md"]
    markdown = "# Backprop\n\nLinks to [[Zettelkasten]] and [[No Such Note]].\n"
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        graph.warn_broken_links(markdown, info, offset=3)  # three lines of front matter before the Markdown
    assert [r.getMessage() for r in caplog.records] == [
        "notes/ml/backprop.md:6: wiki link [[No Such Note]] matches no note; "
        "fix the title or path (e.g. [[books/atomic-habits|Atomic Habits]])"
    ]


def test_nothing_changed_on_the_first_build_or_an_unchanged_rebuild(make_kb):
    graph, config = _graph(make_kb(NOTES).root)
    assert graph.changed_pages() == []
    assert _rebuild(graph, config) == []


def test_a_new_link_changes_the_linking_note_and_its_target(make_kb):
    root = make_kb(NOTES).root
    graph, config = _graph(root)
    graph.changed_pages()
    with open(root / "notes" / "ml" / "backprop.md", "a", encoding="utf-8") as fh:
        fh.write("\nAnd [[Atomic Habits]].\n")
    assert sorted(_rebuild(graph, config)) == ["books/atomic-habits.md", "ml/backprop.md"]


def test_a_renamed_title_changes_every_note_that_shows_it(make_kb):
    root = make_kb(NOTES).root
    graph, config = _graph(root)
    graph.changed_pages()
    path = root / "notes" / "books" / "zettelkasten.md"
    path.write_text(path.read_text().replace("title: Zettelkasten", "title: Slip Box"))
    # its own page, the notes linking to it (they show its title) and the note it links to (its backlink does)
    assert sorted(_rebuild(graph, config)) == [
        "books/atomic-habits.md",
        "books/zettelkasten.md",
        "index.md",
        "ml/backprop.md",
    ]


def test_a_dirty_rebuild_removes_only_the_output_of_changed_pages(make_kb):
    root = make_kb(NOTES).root
    graph, config = _graph(root)
    outputs = {}
    for src, file in graph.notes.files.items():
        outputs[src] = file.abs_dest_path
        file_path = root / "site" / file.dest_uri
        file_path.parent.mkdir(parents=True, exist_ok=True)
        file_path.write_text("old page")
    graph.remove_stale_output()  # the first build: nothing to compare with
    with open(root / "notes" / "index.md", "a", encoding="utf-8") as fh:
        fh.write("\nAlso [[backprop]].\n")
    graph.notes.read(get_files(config))
    graph.build()
    graph.remove_stale_output()
    kept = sorted(src for src, dest in outputs.items() if Path(dest).exists())
    assert kept == ["books/atomic-habits.md", "books/zettelkasten.md"]
    assert (root / "notes" / "ml" / "backprop.md").exists()  # the note itself is never touched
