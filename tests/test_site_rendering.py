"""A note's page: what kb's Markdown extension adds to it (the deck as HTML), and the notes the site reads once."""

from __future__ import annotations

import logging

from mkdocs.structure.files import get_files

from kb.config import Settings
from kb.notes.reader import parse_note
from kb.site.markdown_ext import KbExtension
from kb.site.notes import SiteNotes
from kb.site.rendering import (
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


def _page(tmp_path, notes: dict[str, str], src: str, **options) -> str:
    """The HTML Python-Markdown makes of the note ``src`` with kb's extension, as MkDocs hands the note over."""
    import markdown
    from mkdocs.utils.meta import get_data

    root = write_kb(tmp_path, notes).root
    text, _meta = get_data((root / "notes" / src).read_text(encoding="utf-8"))
    options = {"config_file": str(root / "mkdocs.yml"), "quiz_questions": 5, **options}
    md = markdown.Markdown(
        extensions=["attr_list", "toc", "admonition", "pymdownx.details", KbExtension(**options)]
    )
    return md.convert(text)


def test_a_note_with_cards_gets_a_flashcards_section_with_its_deck_as_html(tmp_path):
    html = _page(
        tmp_path, {"habits.md": f"# Habits\n\n{CARDS}", "other.md": "# Other\n[[Habits]]"}, "habits.md"
    )
    assert '<h2 data-search-exclude id="kb-flashcards">Flashcards' in html
    deck = html[html.index('<div class="kb-deck"') :]
    assert deck.count('<div class="kb-card kb-kind-basic">') == 2 and "kb-note-quiz-data" in deck
    assert "&lt;div" not in html and "<p><div" not in html  # the deck is HTML, not text nor in a paragraph
    assert "::" not in html.replace("kb-note-quiz-data", "")


def test_a_note_headed_flashcards_or_with_the_section_off(tmp_path):
    notes = {"a.md": f"# A\n\n## Flashcards\n\n{CARDS}"}
    assert 'id="kb-flashcards">Study the flashcards' in _page(tmp_path, notes, "a.md")
    html = _page(tmp_path / "off", notes, "a.md", flashcards_section=False)
    assert "kb-flashcards" not in html and "kb-deck" not in html
    assert '<details class="question kb-card-inline">' in html  # the cards still show where they are written
    assert "<summary>What is a habit?</summary>" in html


def test_a_note_with_flashcards_off_shows_its_card_syntax_as_written(tmp_path):
    html = _page(tmp_path, {"a.md": f"---\nflashcards: false\n---\n# A\n\n{CARDS}"}, "a.md")
    assert "What is a habit?::A routine" in html and "kb-flashcards" not in html


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
