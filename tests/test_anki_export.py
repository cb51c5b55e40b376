"""kb export anki: the package must be one that the real Anki (the `anki` package) imports as the user expects."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.anki.exporter import (
    ExportCard,
    NoteInfo,
    anki_tag,
    build_notes,
    deck_name,
    render_markdown,
    type_deck,
)
from kb.cli import cli

pytest.importorskip("anki.collection")


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16 + b"loop-image"

HABITS = """\
---
title: Atomic Habits
author: James Clear
tags: [habits, self improvement]
---
# Atomic Habits

## The habit loop

What is habit stacking?::Pairing a new habit with one you already do

Cue:::The trigger that starts a habit

The {{c1::cue}} triggers a {{c2::craving::a feeling}}.

Habits are the ==compound interest== of self-improvement.

Mass-energy equivalence::$E = mc^2$

What does the loop look like?::![the loop](img/loop.png)

??? question "How do you print in Python?"
    Call the built-in:

    ```python
    print("habit")
    ```
"""

RNNS = """\
# Recurrent neural networks

What problem do LSTMs address?::Vanishing gradients over long sequences
"""


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def kb_with_cards(kbroot):
    kbroot.write("books/atomic-habits.md", HABITS)
    kbroot.write("books/img/loop.png", PNG)
    kbroot.write("ml/rnns.md", RNNS)
    return kbroot


def import_into_anki(package: Path, folder: Path):
    """Import into a real Anki collection (created on first use), with Anki's defaults for updating notes."""
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=False)
        )
    )
    return col


def notes_by_model(col) -> dict[str, list]:
    out: dict[str, list] = {}
    for nid in col.find_notes(""):
        note = col.get_note(nid)
        out.setdefault(note.note_type()["name"], []).append(note)
    return out


def test_real_anki_imports_the_export(kb_with_cards, tmp_path):
    out = tmp_path / "kb.apkg"
    result = invoke("export", "anki", "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["media"] == 1

    col = import_into_anki(out, tmp_path / "anki")
    decks = {d.name for d in col.decks.all_names_and_ids()}
    assert {"kb::Books::Atomic Habits", "kb::ML::Recurrent neural networks"} <= decks
    by_model = notes_by_model(col)
    # basic: stacking, E=mc^2, loop image, print (multi-line), LSTMs
    assert len(by_model["kb Basic"]) == 5
    assert len(by_model["kb Basic (and reversed card)"]) == 1
    assert len(by_model["kb Cloze"]) == 2
    assert len(by_model["kb Basic (and reversed card)"][0].cards()) == 2  # both directions, one note
    cloze_cards = sorted(len(n.cards()) for n in by_model["kb Cloze"])
    assert cloze_cards == [1, 2]
    assert col.card_count() == 5 + 2 + 3

    texts = {n.fields[0]: n for notes in by_model.values() for n in notes}
    stacking = texts["What is habit stacking?"]
    assert stacking["Back"] == "Pairing a new habit with one you already do"
    assert set(stacking.tags) == {"habits", "self_improvement"}
    assert "Atomic Habits" in stacking["Source"]
    cloze_texts = {n["Text"] for n in by_model["kb Cloze"]}
    assert "The {{c1::cue}} triggers a {{c2::craving::a feeling}}." in cloze_texts
    assert "Habits are the {{c1::compound interest}} of self-improvement." in cloze_texts
    assert r"\(E = mc^2\)" in texts["Mass-energy equivalence"]["Back"]
    code = texts["How do you print in Python?"]["Back"]
    assert "<pre" in code and "style=" in code and "habit" in code  # highlighted with inline styles
    image = texts["What does the loop look like?"]["Back"]
    assert 'src="books_img_loop.png"' in image
    assert col.media.have("books_img_loop.png")
    # Anki renders the cards from kb's templates: a cloze hides its deletion, the reverse card asks the back.
    cue = next(n for n in by_model["kb Cloze"] if "{{c2::" in n["Text"])
    first = next(c for c in cue.cards() if c.ord == 0)
    assert "[...]" in first.question() and "craving" in first.question() and "cue" in first.answer()
    reverse = next(c for c in by_model["kb Basic (and reversed card)"][0].cards() if c.ord == 1)
    assert "The trigger that starts a habit" in reverse.question() and "Atomic Habits" in reverse.answer()
    assert (Path(col.media.dir()) / "books_img_loop.png").read_bytes() == PNG
    col.close()


def test_exporting_again_after_an_edit_updates_the_same_anki_notes(kb_with_cards, tmp_path):
    from kb.anki.exporter import export_anki
    from kb.commands import open_index

    first = tmp_path / "first.apkg"
    assert invoke("export", "anki", "-o", str(first)).exit_code == 0
    col = import_into_anki(first, tmp_path / "anki")
    notes_before = col.note_count()
    cards_before = col.card_count()
    # Study one card in Anki, so we can see its history survive the update.
    col.decks.select(col.decks.id("kb::Books::Atomic Habits"))
    card = col.sched.getCard()
    card.start_timer()
    col.sched.answerCard(card, 3)
    reviewed = card.id
    col.close()

    path = kb_with_cards.notes / "books" / "atomic-habits.md"
    text = path.read_text().replace("one you already do", "a habit you already have")
    path.write_text(
        text.replace("Cue:::The trigger that starts a habit", "Cue:::The signal that starts a habit")
    )

    kb = kb_with_cards.open()
    conn = open_index(kb, quiet=True)
    second = tmp_path / "second.apkg"
    # A day later: Anki updates a note only when the package's copy is newer than its own.
    export_anki(kb, conn, second, timestamp=time.time() + 86400)

    col = import_into_anki(second, tmp_path / "anki")
    assert col.note_count() == notes_before
    assert col.card_count() == cards_before
    backs = {col.get_note(n)["Front"]: col.get_note(n)["Back"] for n in col.find_notes('-"note:kb Cloze"')}
    assert backs["What is habit stacking?"] == "Pairing a new habit with a habit you already have"
    assert backs["Cue"] == "The signal that starts a habit"
    assert col.get_card(reviewed).reps == 1  # Anki kept the history of the updated note
    col.close()


def test_export_filters_by_tag_and_note(kb_with_cards, tmp_path):
    out = tmp_path / "ml.apkg"
    result = invoke("export", "anki", "-o", str(out), "--note", "notes/ml/rnns.md", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["decks"] == ["kb::ML::Recurrent neural networks"]
    result = invoke("export", "anki", "-o", str(out), "--tag", "habits", "--json")
    assert json.loads(result.stdout)["decks"] == ["kb::Books::Atomic Habits"]
    none = invoke("export", "anki", "-o", str(out), "--tag", "nothing-has-this")
    assert none.exit_code == 1 and "nothing to export" in none.output and "Traceback" not in none.output


def test_missing_image_is_reported_not_fatal(kbroot, tmp_path):
    kbroot.write("books/x.md", "# X\n\nWhere is it?::![gone](img/gone.png)\n")
    result = invoke("export", "anki", "-o", str(tmp_path / "x.apkg"))
    assert result.exit_code == 0
    assert "notes/books/x.md: img/gone.png" in result.output


def test_kb_export_then_kb_import_round_trip(kb_with_cards, tmp_path, make_kb):
    out = tmp_path / "kb.apkg"
    assert invoke("export", "anki", "-o", str(out)).exit_code == 0
    # into the same knowledge base: the cards are kb's own, matched back, nothing written twice
    same = invoke("import", "anki", str(out), "--into", str(kb_with_cards.notes / "back"), "--json")
    assert same.exit_code == 0, same.output
    assert json.loads(same.stdout)["written"] == [] and json.loads(same.stdout)["returned"] == 10
    assert not (kb_with_cards.notes / "back").exists()
    # into another one: the notes are written, content intact
    other = make_kb(at="other")
    result = invoke("import", "anki", str(out), "--into", str(other.notes / "back"))
    assert result.exit_code == 0, result.output
    text = (other.notes / "back" / "kb" / "books" / "atomic-habits.md").read_text()
    assert "What is habit stacking?::Pairing a new habit with one you already do" in text
    assert "Cue:::The trigger that starts a habit" in text
    assert "The {{c1::cue}} triggers a {{c2::craving::a feeling}}." in text
    assert "![the loop](books_img_loop.png)" in text
    assert (other.notes / "back" / "kb" / "books" / "books_img_loop.png").read_bytes() == PNG


# --- pure parts ---------------------------------------------------------------------------------------------


def test_deck_and_tag_names():
    assert type_deck("book") == "Books"
    assert type_deck("podcast") == "Podcasts"
    assert type_deck("taxes") == "Taxes"
    assert type_deck("ml") == "ML"
    assert deck_name(NoteInfo("notes/books/a.md", "Atomic Habits", "book")) == "kb::Books::Atomic Habits"
    assert deck_name(NoteInfo("notes/x.md", "C++ :: tricks", "note")) == "kb::Notes::C++ : tricks"
    assert anki_tag("self improvement") == "self_improvement"
    assert anki_tag("ml/deep") == "ml::deep"


def test_render_markdown_math_and_code():
    assert render_markdown("$x^2$") == r'<span class="arithmatex">\(x^2\)</span>'
    assert r"\[a=b\]" in render_markdown("$$a=b$$")
    html = render_markdown("```python\nx = 1\n```")
    assert "<pre" in html and 'style="' in html
    assert render_markdown("**bold**") == "<strong>bold</strong>"


_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABC0123456789", min_size=1, max_size=8)
_words = st.lists(_word, min_size=1, max_size=4).map(" ".join)
_inline = st.one_of(
    _words,
    _words.map(lambda w: f"**{w}**"),
    _words.map(lambda w: f"*{w}*"),
    _words.map(lambda w: f"`{w}`"),
    _word.map(lambda w: f"${w}$"),
)


@given(st.lists(_inline, min_size=1, max_size=6).map(" ".join))
@settings(max_examples=300, deadline=None)
def test_inline_markdown_survives_a_trip_through_anki_html(text):
    """A card exported to Anki and imported back reads as it was written."""
    from kb.anki.fields import html_to_markdown

    assert html_to_markdown(render_markdown(text))[0] == text


def test_guids_follow_card_ids_not_text():
    def card(cid, front, back, kind="basic", **kw):
        return ExportCard(id=cid, note="notes/a.md", kind=kind, front=front, back=back, **kw)

    info = {"notes/a.md": NoteInfo("notes/a.md", "A", "note")}
    before = build_notes(
        [
            card("k1", "Q", "A"),
            card("r1", "x", "y", "reversed", sibling="s1", position=1),
            card("r2", "y", "x", "reversed", sibling="s1", position=2),
        ],
        info,
    )
    after = build_notes(
        [
            card("k1", "Q?", "A!"),
            card("r1", "x2", "y", "reversed", sibling="s9", position=1),
            card("r2", "y", "x2", "reversed", sibling="s9", position=2),
        ],
        info,
    )
    assert [n.guid for n in before] == [n.guid for n in after]
    assert len({n.guid for n in before}) == 2
    assert [n.model for n in before] == ["basic", "reversed"]


def test_the_same_reversed_card_in_two_notes_is_two_anki_notes():
    cards = [
        ExportCard(
            id=f"{n}{i}", note=f"notes/{n}.md", kind="reversed", front=f, back=b, sibling="same", position=i
        )
        for n in ("a", "b")
        for i, (f, b) in enumerate((("x", "y"), ("y", "x")))
    ]
    planned = build_notes(cards, {})
    assert [(p.model, p.note, p.cards) for p in planned] == [
        ("reversed", "notes/a.md", 2),
        ("reversed", "notes/b.md", 2),
    ]


def test_source_links_back_to_the_published_page():
    from kb.anki.exporter import page_url

    assert (
        page_url("http://127.0.0.1:8000/", "notes/books/atomic-habits.md")
        == "http://127.0.0.1:8000/books/atomic-habits/"
    )
    assert page_url("https://kb.example/", "notes/ml/index.md") == "https://kb.example/ml/"
    card = ExportCard(
        id="k", note="notes/books/a b.md", kind="basic", front="Q", back="A", context="A B > Part"
    )
    [note] = build_notes([card], {}, site_url="https://kb.example")
    assert note.fields[2] == '<a href="https://kb.example/books/a%20b/">A B &gt; Part</a>'


@given(st.text(alphabet="ab 1.-+*\t#>&<'\"(),;?/%@\u00e9", max_size=20))
@settings(max_examples=300, deadline=None)
def test_plain_text_shortcut_matches_markdown(text):
    """Text without markup skips Python-Markdown; what it gives must be what Markdown itself would give."""
    import markdown

    from kb.anki.markup import _MARKUP_RE

    if _MARKUP_RE.search(text):
        return
    full = markdown.markdown(text)
    if full.startswith("<p>") and full.endswith("</p>"):
        full = full[3:-4]
    assert render_markdown(text).strip() == full.strip()  # surrounding blanks are not shown


def test_images_whose_flat_names_clash_are_both_packed(kbroot, tmp_path):
    import zipfile

    kbroot.write("books/img_a.png", b"first image")
    kbroot.write("books/img/a.png", b"second image")
    kbroot.write("books/x.md", "# X\n\nOne?::![](img_a.png)\n\nTwo?::![](img/a.png)\n")
    out = tmp_path / "x.apkg"
    result = invoke("export", "anki", "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["media"] == 2
    with zipfile.ZipFile(out) as zf:
        names = json.loads(zf.read("media"))
        assert sorted(zf.read(member) for member in names) == [b"first image", b"second image"]
