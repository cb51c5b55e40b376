"""Writing an import (kb.anki.importer): what is written, what is left alone, and the report, with a real package."""

from __future__ import annotations

import pytest

from kb.anki.importer import OnDisk, import_package, on_disk
from kb.errors import KbError
from tests.test_anki_import import PNG, build_anki_collection, export_with_anki

HABITS = "notes/imported/books/atomic-habits.md"
SPANISH = "notes/imported/spanish.md"


@pytest.fixture(scope="module")
def package(tmp_path_factory):
    """The test collection (two decks, an image, four answers) exported once by the real Anki."""
    folder = tmp_path_factory.mktemp("anki")
    col = build_anki_collection(folder / "collection")
    out = export_with_anki(col, folder / "deck.apkg", legacy=False)
    col.close()
    return out


@pytest.fixture
def kb(kbroot):
    return kbroot.open()


@pytest.fixture
def conn(kb):
    from kb.store.connection import open_store

    conn = open_store(kb.db)
    yield conn
    conn.close()


def reviews(conn) -> int:
    return conn.execute("SELECT count() FROM reviews").fetchone()[0]


# --- what is already on disk -----------------------------------------------------------------------------------


def test_on_disk(tmp_path):
    target = tmp_path / "deck.md"
    assert on_disk(target, "text\n") is OnDisk.NOTHING
    target.write_text("text\n", encoding="utf-8")
    assert on_disk(target, "text\n") is OnDisk.SAME_TEXT
    assert on_disk(target, "other\n") is OnDisk.OTHER_CONTENT
    target.write_bytes(b"\xff\xfe not utf-8")
    assert on_disk(target, "text\n") is OnDisk.OTHER_CONTENT  # unreadable: never written over


# --- the import ------------------------------------------------------------------------------------------------


def test_without_a_folder_notes_go_to_notes_imported(kb, conn, package):
    report = import_package(kb, conn, package)
    assert sorted(report.written) == [HABITS, SPANISH]
    assert report.unchanged == () and report.problems == ()
    assert report.media_written == 1 and (kb.root / "notes/imported/books/cue.png").read_bytes() == PNG
    assert report.cards == {"basic": 4, "reversed": 2, "cloze": 2}
    assert (report.reviews, report.reviews_already_imported) == (4, 0)
    assert report.package == str(package)


def test_a_second_import_reports_every_note_unchanged(kb, conn, package):
    import_package(kb, conn, package)
    again = import_package(kb, conn, package)
    assert again.written == () and sorted(again.unchanged) == [HABITS, SPANISH]
    assert again.media_written == 0
    assert (again.reviews, again.reviews_already_imported) == (0, 4)
    assert again.cards == {"basic": 4, "reversed": 2, "cloze": 2}
    assert reviews(conn) == 4


def test_a_folder_outside_the_notes_is_refused_before_anything_is_read(kb, conn, tmp_path):
    with pytest.raises(KbError, match="must be inside the notes folder"):
        import_package(kb, conn, tmp_path / "not-even-there.apkg", tmp_path / "elsewhere")
    assert not (tmp_path / "elsewhere").exists()


def test_a_deck_whose_note_has_other_content_brings_neither_media_nor_reviews(kb, conn, package, kbroot):
    kbroot.write("imported/books/atomic-habits.md", "# Mine\n")
    report = import_package(kb, conn, package)
    assert report.written == (SPANISH,)
    assert report.problems == (
        f"{HABITS}:1: already exists with other content; kb never rewrites a note, so deck "
        "'Books::Atomic Habits' was not imported (move the file aside or use --into another folder)",
    )
    assert (kb.root / HABITS).read_text() == "# Mine\n"
    assert not (kb.root / "notes/imported/books/cue.png").exists()
    assert report.media_written == 0
    assert report.reviews == 0  # every answer in the package was on a card of that deck
    assert report.cards == {"basic": 4, "reversed": 2, "cloze": 2}  # what the package holds, written or not


def test_a_clashing_media_file_is_reported_and_the_note_still_written(kb, conn, package, kbroot):
    kbroot.write("imported/books/cue.png", b"my own picture")
    report = import_package(kb, conn, package)
    assert HABITS in report.written and report.media_written == 0
    assert report.problems == (
        "notes/imported/books/cue.png: a different file with this name is already there; left it alone "
        "(the imported note refers to 'cue.png')",
    )
    assert (kb.root / "notes/imported/books/cue.png").read_bytes() == b"my own picture"
    assert report.reviews == 4


def test_a_folder_that_cannot_be_made_stops_with_one_line(kb, conn, package, kbroot):
    kbroot.write("imported/books", "a file where the deck's folder should go\n")
    with pytest.raises(KbError) as raised:
        import_package(kb, conn, package)
    message = str(raised.value)
    assert message.startswith(f"{HABITS}: cannot write (") and "\n" not in message
    assert message.endswith("notes written so far: 0")  # decks go in name order: books first
    assert reviews(conn) == 0


def test_into_a_nested_folder_inside_the_notes(kb, conn, package):
    report = import_package(kb, conn, package, kb.notes / "languages" / "anki")
    assert sorted(report.written) == [
        "notes/languages/anki/books/atomic-habits.md",
        "notes/languages/anki/spanish.md",
    ]


def test_a_field_line_that_reads_as_a_card_separator_keeps_its_card_and_answers(kb, conn, tmp_path):
    """A field ending in a line break before its question mark (``...<br>?``, as Anki's editor leaves it) puts a
    line holding only ``?`` in the written card: it must stay text, or the card changes kind and loses its answers."""
    from anki.collection import Collection

    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    deck = col.decks.id("Quirks")
    for model, front, back in (
        ("Basic (and reversed card)", "Why do plateaus happen<br>?", "Gains lag behind effort"),
        ("Basic", "What does git store<br>??", "Snapshots<br>?<br>not diffs"),
    ):
        note = col.new_note(col.models.by_name(model))
        note["Front"], note["Back"] = front, back
        col.add_note(note, deck)
    col.decks.select(deck)
    answered = 0
    while (card := col.sched.getCard()) is not None and answered < 3:
        card.start_timer()
        col.sched.answerCard(card, 3)
        answered += 1
    package = export_with_anki(col, tmp_path / "quirks.apkg", legacy=False)
    col.close()

    report = import_package(kb, conn, package)
    assert not report.problems, report.problems
    kinds = dict(conn.execute("SELECT kind, count() FROM cards GROUP BY kind"))
    assert kinds == {"reversed": 2, "basic": 1}
    assert reviews(conn) == answered == 3
    fronts = {r[0] for r in conn.execute("SELECT front FROM cards")}
    assert "Gains lag behind effort" in fronts  # the reversed card's other side is still a question
