"""A note's page: what the plugin adds to its Markdown, the deck put in as HTML, and the notes it reads once."""

from __future__ import annotations

import logging
from types import SimpleNamespace

from material.plugins.search.plugin import SearchPlugin
from mkdocs.structure.files import get_files

from kb.config import Settings
from kb.notes.reader import parse_note
from kb.site.links import LinkGraph
from kb.site.notes import SiteNotes
from kb.site.rendering import (
    DECK_PLACEHOLDER,
    NoteRenderer,
    escape_theme_meta,
    header_line,
    insert_after_h1,
    line_offset,
)
from tests.browser_support import site_files
from tests.conftest import write_kb


def _header(front_matter: str) -> str:
    return header_line(parse_note("notes/x.md", f"---\n{front_matter}\n---\n# X\n".encode()))


def test_header_line_shows_only_what_the_note_has():
    assert _header("title: X") == ""
    assert _header("type: how-to") == '<p class="kb-meta"><span class="kb-type">How to</span></p>'
    line = _header("author: Ann\nsource: The library\ndate: 2024-02-03")
    assert '<span class="kb-type">Note</span>' in line  # any detail brings the type, the default one too
    assert '<span class="kb-source">The library</span>' in line and "<a " not in line
    assert '<time class="kb-date" datetime="2024-02-03">2024-02-03</time>' in line
    assert line.count('<span class="kb-sep">·</span>') == 3
    assert header_line(None) == ""


def test_a_web_source_is_a_link_shown_short():
    url = "https://www.example.com/a/very/long/path/to/an/article/about/habits/and/systems/"
    line = _header(f"source: {url}")
    assert f'href="{url}" rel="noopener">example.com/a/very/long/path/to/an/article/ab…</a>' in line


def test_the_header_goes_under_the_first_heading_or_else_on_top():
    assert insert_after_h1("# Title\nText", "META") == "# Title\n\nMETA\n\nText"
    assert insert_after_h1("\n\n# Title\n", "META") == "\n\n# Title\n\nMETA\n\n"
    assert insert_after_h1("Intro first\n# Title", "META") == "META\n\nIntro first\n# Title"
    assert insert_after_h1("#Not a heading", "META") == "META\n\n#Not a heading"
    assert insert_after_h1("# Title", "") == "# Title"


def test_line_offset_counts_the_front_matter_whatever_the_line_ends(make_kb):
    root = make_kb({}).root
    (root / "notes" / "crlf.md").write_bytes(b"\xef\xbb\xbf---\r\ntitle: A\r\n---\r\n# A\r\n\r\nText\r\n")
    _config, files = site_files(root)
    file = files.get_file_from_path("crlf.md")
    assert line_offset(file, "# A\n\nText\n") == 3
    assert line_offset(file, "something else") == 0


def test_front_matter_shown_by_the_theme_is_escaped():
    meta = {"title": "<b>T</b>", "author": "A & B", "tags": ["<i>x</i>", None, 3], "date": "<kept>", "n": 1}
    escape_theme_meta(meta)
    assert meta == {
        "title": "&lt;b&gt;T&lt;/b&gt;",
        "author": "A &amp; B",
        "tags": ["&lt;i&gt;x&lt;/i&gt;", "3"],
        "date": "<kept>",
        "n": 1,
    }
    single = {"tags": "<x>"}
    escape_theme_meta(single)
    assert single == {"tags": "&lt;x&gt;"}


CARDS = "What is a habit?::A routine\n\nWhat is a cue?::A trigger\n"


def _renderer(tmp_path, notes: dict[str, str], **options):
    root = write_kb(tmp_path, notes).root
    _config, files = site_files(root)
    site_notes = SiteNotes()
    site_notes.configure(Settings(), "notes")
    site_notes.read(files)
    links = LinkGraph(site_notes)
    links.build()
    options = {"flashcards_section": True, "quiz_questions": 5, **options}
    return NoteRenderer(site_notes, links, **options), files


def _render(renderer: NoteRenderer, files, src: str) -> tuple[str, SimpleNamespace]:
    file = files.get_file_from_path(src)
    markdown = file.content_string.split("---\n", 2)[-1] if file.content_string.startswith("---") else None
    page = SimpleNamespace(file=file, url=file.url)
    return renderer.markdown(markdown or file.content_string, page), page


def test_a_note_with_cards_gets_a_flashcards_section_with_its_deck_held_back(tmp_path):
    renderer, files = _renderer(
        tmp_path, {"habits.md": f"# Habits\n\n{CARDS}", "other.md": "# Other\n[[Habits]]"}
    )
    out, page = _render(renderer, files, "habits.md")
    assert f"## Flashcards {{#kb-flashcards data-search-exclude}}\n\n{DECK_PLACEHOLDER}\n" in out
    assert out.index("#kb-flashcards") < out.index("#kb-linked-from")  # the backlinks come last
    deck = renderer.decks["habits.md"]
    assert deck.count('<div class="kb-card kb-kind-basic">') == 2 and "kb-note-quiz-data" in deck
    page.content = f"<h1>Habits</h1><p>{DECK_PLACEHOLDER}</p>"
    renderer.insert_deck(page, SimpleNamespace(plugins={}))
    assert page.content == f"<h1>Habits</h1>{deck}" and "habits.md" not in renderer.decks


def test_the_deck_loses_search_attributes_with_values_as_material_search_strips_them(tmp_path):
    renderer, files = _renderer(tmp_path, {"habits.md": f"# Habits\n\n{CARDS}"})
    page = SimpleNamespace(file=files.get_file_from_path("habits.md"))
    deck = '<div class="kb-deck" data-search-exclude><p data-search-boost="2">Card</p></div>'
    search = SearchPlugin()
    search.config = {"enabled": True}
    for plugins, expected in (
        ({}, deck),
        ({"material/search": search}, '<div class="kb-deck" data-search-exclude><p>Card</p></div>'),
    ):
        renderer.decks["habits.md"] = deck
        page.content = f"<p>{DECK_PLACEHOLDER}</p>"
        renderer.insert_deck(page, SimpleNamespace(plugins=plugins))
        assert page.content == expected
    search.config = {"enabled": False}
    renderer.decks["habits.md"] = deck
    page.content = f"<p>{DECK_PLACEHOLDER}</p>"
    renderer.insert_deck(page, SimpleNamespace(plugins={"material/search": search}))
    assert page.content == deck


def test_a_note_headed_flashcards_or_with_the_section_off(tmp_path):
    notes = {"a.md": f"# A\n\n## Flashcards\n\n{CARDS}"}
    renderer, files = _renderer(tmp_path, notes)
    assert "## Study the flashcards {#kb-flashcards" in _render(renderer, files, "a.md")[0]
    renderer, files = _renderer(tmp_path / "off", notes, flashcards_section=False)
    out, page = _render(renderer, files, "a.md")
    assert "kb-flashcards" not in out and renderer.decks == {}
    html = renderer.insert_cards("<p>" + "</p><p>".join(out.split("\n")) + "</p>", page)  # tokens in the HTML
    assert (
        '<details class="question kb-card-inline">\n<summary>What is a habit?</summary>' in html
    )  # the cards still show where they are written


def test_a_note_with_flashcards_off_shows_its_card_syntax_as_written(tmp_path):
    renderer, files = _renderer(tmp_path, {"a.md": f"---\nflashcards: false\n---\n# A\n\n{CARDS}"})
    out, _page = _render(renderer, files, "a.md")
    assert "What is a habit?::A routine" in out and "kb-flashcards" not in out


def test_notes_are_read_again_only_when_they_change(make_kb, caplog):
    root = make_kb({"a.md": "# A\n", "b.md": "---\ntitle: [unclosed\n---\n# B\nSee [[A]].\n"}).root
    config, files = site_files(root)
    notes = SiteNotes()
    notes.configure(Settings(), "notes")
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        notes.read(files)
    broken = notes.by_src["b.md"]
    assert broken.note is None and broken.title == "b" and [lk.target for lk in broken.links] == ["A"]
    assert any("notes/b.md" in r.getMessage() for r in caplog.records)
    first = notes.by_src["a.md"]
    notes.read(get_files(config))
    assert notes.by_src["a.md"] is first
    (root / "notes" / "a.md").write_text("---\ntitle: Renamed\n---\n# A\n")
    (root / "notes" / "b.md").unlink()
    notes.read(get_files(config))
    assert notes.by_src["a.md"].title == "Renamed" and sorted(notes.by_src) == ["a.md"]


def test_note_paths_map_to_pages_and_urls(make_kb):
    root = make_kb({"ml/rnn.md": "# RNN\n", "index.md": "# Home\n"}).root
    _config, files = site_files(root)
    notes = SiteNotes()
    notes.configure(Settings(), "notes")
    notes.read(files)
    assert notes.src_of("notes/ml/rnn.md") == "ml/rnn.md"
    assert notes.src_of("notes/ml/missing.md") is None
    assert notes.url_of("notes/ml/rnn.md", "study/review/") == "../../ml/rnn/"
    assert notes.url_of("notes/nothing.md", "study/review/") is None
