"""kb's Python-Markdown extension on its own: what any generator that runs Python-Markdown shows of a note."""

from __future__ import annotations

import logging
import re

import markdown
from mkdocs.utils.meta import get_data

from kb.cards.extractor import extract_cards
from kb.notes.reader import parse_note
from tests.browser_support import build
from tests.conftest import MKDOCS_YML

NOTES = {
    "books/habits.md": """
        ---
        title: Atomic Habits
        ---
        # Atomic Habits

        See [[Neural Nets]], [[ml/nets|the nets note]] and [[Neural Nets#Training|how they learn]].

        What is a habit?::A routine done without thinking

        A habit loop has {{c1::a cue}} and {{c2::a reward}}.

        ![[loop.png]]

        ![[Neural Nets#Training]]

        Broken: [[No Such Note]].
        """,
    "ml/nets.md": """
        # Neural Nets

        ## Layers

        Layers stack.

        ## Training

        Gradient descent moves the {{c1::weights}} downhill.

        ## Later

        Not embedded.
        """,
}


def _kb(make_kb):
    kb = make_kb(NOTES)
    (kb.notes / "books" / "loop.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    return kb


def _html(kb, src: str) -> str:
    """The note as MkDocs hands it to Python-Markdown (front matter removed), through kb's extension alone."""
    text, _meta = get_data((kb.notes / src).read_text(encoding="utf-8"))
    extensions = ["attr_list", "toc", "admonition", "pymdownx.details", "kb.site.markdown_ext"]
    configs = {"kb.site.markdown_ext": {"config_file": str(kb.root / "mkdocs.yml")}}
    return markdown.markdown(text, extensions=extensions, extension_configs=configs)


def test_wiki_links_resolve_by_title_path_and_heading(make_kb, caplog):
    kb = _kb(make_kb)
    with caplog.at_level(logging.WARNING, logger="mkdocs"):
        html = _html(kb, "books/habits.md")
    assert '<a href="../ml/nets.md">Neural Nets</a>' in html
    assert '<a href="../ml/nets.md">the nets note</a>' in html
    assert '<a href="../ml/nets.md#training">how they learn</a>' in html
    assert '<span class="kb-broken-link" title="no note named No Such Note">No Such Note</span>' in html
    assert "[[" not in html
    warnings = [r.getMessage() for r in caplog.records]
    assert any("notes/books/habits.md:16: wiki link [[No Such Note]]" in w for w in warnings)
    assert len(warnings) == 1  # the image embed is no broken link


def test_cards_show_as_the_extractor_reads_them(make_kb):
    kb = _kb(make_kb)
    html = _html(kb, "books/habits.md")
    note = parse_note("notes/books/habits.md", (kb.notes / "books/habits.md").read_bytes())
    cards = extract_cards(note).cards
    basic = [c for c in cards if str(c.kind) == "basic"]
    assert [c.front for c in basic] == ["What is a habit?"]
    article = html[: html.index('id="kb-flashcards"')]
    assert '<details class="question kb-card-inline">\n<summary>What is a habit?</summary>' in article
    own = article[: article.index("<blockquote>")]  # before the embedded section
    assert own.count('<span class="kb-blank"') == 2  # both deletions, hidden until clicked
    assert "::" not in article and "{{c" not in article
    deck = html[html.index('<div class="kb-deck"') :]
    assert deck.count('<div class="kb-card ') == len(cards)


def test_embeds_show_the_image_and_only_the_named_section(make_kb):
    kb = _kb(make_kb)
    html = _html(kb, "books/habits.md")
    assert '<img alt="" src="loop.png" />' in html
    quote = html[html.index("<blockquote>") : html.index("</blockquote>")]
    assert '<a href="../ml/nets.md#training">Neural Nets</a>' in quote
    assert "Gradient descent moves the" in quote and '<span class="kb-blank"' in quote
    assert "Layers stack" not in quote and "Not embedded" not in quote


def test_text_that_is_no_note_still_renders_its_cards_and_links(make_kb):
    kb = _kb(make_kb)
    configs = {"kb.site.markdown_ext": {"docs_dir": str(kb.notes)}}
    html = markdown.markdown(
        "Which layer?::The hidden one\n\nSee [[Atomic Habits]].",
        extensions=["kb.site.markdown_ext"],
        extension_configs=configs,
    )
    assert '<a href="books/habits.md">Atomic Habits</a>' in html
    assert "The hidden one" in html and "Which layer?::" not in html


def test_a_site_with_the_extension_and_no_kb_plugin_shows_cards_and_links(make_kb):
    """What a generator that ignores MkDocs plugins (Zensical) gets: the page, without backlinks or study pages."""
    kb = _kb(make_kb)
    (kb.root / "mkdocs.yml").write_text(
        MKDOCS_YML + "markdown_extensions:\n  - attr_list\n  - admonition\n  - pymdownx.details\n"
        "  - toc\n  - kb.site.markdown_ext\n",
        encoding="utf-8",
    )
    result = build(kb.root, strict=False)
    assert result.returncode == 0, result.stderr
    page = (kb.root / "site" / "books" / "habits" / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<article") : page.index('id="kb-flashcards"')]
    assert '<a href="../../ml/nets/#training">how they learn</a>' in article
    assert "<summary>What is a habit?</summary>" in article
    assert not re.search(r"::|\{\{c\d|\[\[", article)
    assert "kb-linked-from" not in page  # backlinks need the kb plugin
