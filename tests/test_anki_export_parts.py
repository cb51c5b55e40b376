"""The parts of kb export anki: cloze numbers, media names, image resolving, grouping cards into Anki notes."""

from __future__ import annotations

import re

import pytest

from kb.anki.cloze import cloze_numbers
from kb.anki.exporter import (
    ExportCard,
    NoteInfo,
    build_notes,
    deck_id,
    load_cards,
    media_name,
    render_markdown,
    resolve_image,
)


def card(cid: str, kind: str = "basic", note: str = "notes/a.md", **kw) -> ExportCard:
    kw.setdefault("front", f"front {cid}")
    kw.setdefault("back", f"back {cid}")
    return ExportCard(id=cid, note=note, kind=kind, **kw)


# --- Anki cloze markup -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("{{c1::a}} and {{c2::b::hint}}", {1, 2}),
        ("{{c3::x}} {{c1::y}} {{c3::z}}", {1, 3}),  # one card per number, however many deletions share it
        ("{{c12::twelve}}", {12}),
        ("{{c1::opened but never closed", {1}),
        ("no deletion, {{c::x}}, {c1::x}, ==kb's own==", set()),
    ],
)
def test_cloze_numbers(text, numbers):
    assert cloze_numbers(text) == numbers


# --- names and files -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rel", "name"),
    [
        ("notes/books/img/cover.png", "books_img_cover.png"),
        ("notes/cover.png", "cover.png"),
        ("assets/logo.svg", "assets_logo.svg"),  # outside the notes folder the first folder stays
        ("notes/my books/a (1).png", "my_books_a_1_.png"),
        ("notes/é/ü.png", "___.png"),  # clashes are told apart when packing
    ],
)
def test_media_name_is_flat_and_plain(rel, name):
    assert media_name(rel) == name


def test_deck_ids_are_stable_per_name_and_above_anki_defaults():
    assert deck_id("kb::Books::Atomic Habits") == deck_id("kb::Books::Atomic Habits")
    assert deck_id("kb::Books::Atomic Habits") != deck_id("kb::Books::Deep Work")
    assert deck_id("x") >= 1 << 40  # Anki's own decks (Default is 1) never collide


@pytest.fixture
def tree(tmp_path):
    root = tmp_path / "kb"
    notes = root / "notes"
    (notes / "books" / "img").mkdir(parents=True)
    (notes / "books" / "img" / "loop.png").write_bytes(b"png")
    (notes / "books" / "my pic.png").write_bytes(b"png")
    (notes / "shared.png").write_bytes(b"png")
    (tmp_path / "secret.png").write_bytes(b"png")
    return root, notes


def test_images_resolve_relative_to_their_note_or_the_notes_folder(tree):
    root, notes = tree
    note = "notes/books/x.md"
    assert resolve_image("img/loop.png", note, root, notes) == notes / "books" / "img" / "loop.png"
    assert resolve_image("./img/../img/loop.png", note, root, notes) == notes / "books" / "img" / "loop.png"
    assert resolve_image("my%20pic.png", note, root, notes) == notes / "books" / "my pic.png"
    assert resolve_image("/shared.png", note, root, notes) == notes / "shared.png"


@pytest.mark.parametrize(
    "src",
    ["https://example.org/a.png", "//cdn.example.org/a.png", "data:image/png;base64,AAAA", "", "missing.png"],
)
def test_images_that_are_not_local_files_are_not_packed(tree, src):
    root, notes = tree
    assert resolve_image(src, "notes/books/x.md", root, notes) is None


def test_an_image_outside_the_knowledge_base_is_never_packed(tree):
    root, notes = tree
    assert resolve_image("../../../secret.png", "notes/books/x.md", root, notes) is None
    assert (root.parent / "secret.png").is_file()


# --- Markdown to Anki's HTML -----------------------------------------------------------------------------------


def test_render_markdown_unwraps_a_single_paragraph_only():
    assert render_markdown("**bold** words") == "<strong>bold</strong> words"
    assert render_markdown("one\n\ntwo") == "<p>one</p>\n<p>two</p>"


def test_render_markdown_shows_an_escaped_double_equals_as_text():
    assert render_markdown("a \\== b") == "a == b"  # the cleaner writes the entity back as the character


def test_render_markdown_plain_text_is_only_trimmed():
    assert render_markdown("  just words  ") == "just words"


# --- grouping cards into Anki notes ----------------------------------------------------------------------------


def test_each_basic_like_kind_is_its_own_basic_note():
    kinds = ["basic", "question", "definition", "keypoint"]
    planned = build_notes([card(str(i), kind, position=i) for i, kind in enumerate(kinds)], {})
    assert [(p.model, p.cards) for p in planned] == [("basic", 1)] * 4


def test_kinds_anki_has_no_model_for_are_left_out():
    assert build_notes([card("x", "list"), card("y", "basic")], {})[0].fields[0] == "front y"
    assert len(build_notes([card("x", "list")], {})) == 0


def test_cloze_cards_of_one_paragraph_are_one_note_counting_its_numbers():
    text = "The {{c1::cue}} and the {{c2::craving}} and {{c1::again}}"
    cards = [
        card("k1", "cloze", cloze_text=text, sibling="p", cloze_index=1, position=1),
        card("k2", "cloze", cloze_text=text, sibling="p", cloze_index=2, position=1),
        card("other", "cloze", cloze_text="{{c1::alone}}", sibling="q", cloze_index=1, position=2),
    ]
    planned = build_notes(cards, {})
    assert [(p.model, p.cards) for p in planned] == [("cloze", 2), ("cloze", 1)]
    assert planned[0].fields[:2] == ("The {{c1::cue}} and the {{c2::craving}} and {{c1::again}}", "")


def test_a_cloze_without_anki_markup_counts_its_cards():
    cards = [card("k1", "cloze", front="plain", sibling="p"), card("k2", "cloze", front="plain", sibling="p")]
    [planned] = build_notes(cards, {})
    assert planned.cards == 2 and planned.fields[0] == "plain"


def test_notes_follow_note_then_position_order():
    cards = [
        card("b2", note="notes/b.md", position=2),
        card("a1", note="notes/a.md", position=1),
        card("b1", note="notes/b.md", position=1),
    ]
    assert [p.fields[0] for p in build_notes(cards, {})] == ["front a1", "front b1", "front b2"]


def test_tags_deck_and_source_come_from_the_note():
    info = {
        "notes/a.md": NoteInfo(
            "notes/a.md", "Atomic Habits", "book", ("self improvement", " ", "ml/deep", "ml/deep")
        )
    }
    [planned] = build_notes([card("k", context="Atomic Habits > Cues")], info)
    assert planned.tags == ("self_improvement", "ml::deep")
    assert planned.deck == "kb::Books::Atomic Habits"
    assert planned.fields[2] == "Atomic Habits &gt; Cues"


def test_a_note_missing_from_the_infos_is_named_by_its_file():
    [planned] = build_notes([card("k", note="notes/deep-work.md")], {})
    assert planned.deck == "kb::Notes::deep-work"
    assert planned.fields[2] == "deep-work" and planned.tags == ()


def test_media_lists_every_image_the_fields_use_once():
    [planned] = build_notes([card("k", front="![a](img/a.png)", back="![b](img/b.png) ![a](img/a.png)")], {})
    assert planned.media == ("img/a.png", "img/b.png")


# --- loading cards from the index ------------------------------------------------------------------------------


def test_load_cards_skips_notes_with_flashcards_off(kbroot):
    from kb.index.indexer import index
    from kb.store.connection import open_store

    kbroot.write("on.md", "# On\n\nQ1::A1\n\nThe {{c1::cue}} starts it.\n")
    kbroot.write("off.md", "---\nflashcards: false\n---\n# Off\n\nQ2::A2\n")
    kb = kbroot.open()
    conn = open_store(kb.db)
    index(kb, conn)
    cards, infos = load_cards(conn)
    conn.close()
    assert {c.note for c in cards} == {"notes/on.md"} and set(infos) == {"notes/on.md"}
    cloze = next(c for c in cards if c.kind == "cloze")
    assert (cloze.cloze_text, cloze.cloze_index) == ("The {{c1::cue}} starts it.", 1)
    assert infos["notes/on.md"].title == "On"


@pytest.mark.parametrize(
    "text, shown",
    [
        ('<img src=x onerror="alert(1)">', "&lt;img"),
        ('Esc \\`<img src=x onerror="alert(2)">\\`', "`"),
        ('Math \\[<img src=x onerror="alert(3)">\\]', "["),
        ("[x](javascript:alert(4))", "x"),
        ("<script>alert(5)</script> **b**", "<strong>b</strong>"),
        ('<svg onload="alert(6)"></svg> <iframe srcdoc="<script>alert(7)</script>"></iframe>', "&lt;svg"),
        ("[d](data:text/html,<script>alert(8)</script>)", "d"),
    ],
)
def test_card_text_exported_to_anki_runs_no_script(text, shown):
    """Issue 22, finding 5: text the site shows as text must not run in Anki: raw HTML reads as written, and
    whatever Markdown makes of the text (escaped backticks, inline math, links) is cleaned."""
    html = render_markdown(text)
    assert "javascript:" not in html and "data:" not in html, html
    assert not re.search(r"<(script|svg|iframe)|<[^>]*\s(on\w+|srcdoc)=", html), html
    assert shown in html, html
