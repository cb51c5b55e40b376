"""Each imported Anki card keeps its own note's tags: ``--tag`` selects a chapter's cards, not its whole deck.

A real collection built with the ``anki`` package holds one deck whose notes carry different tags (a chapter each, a
``leech`` on one, a hierarchical ``Cell::Mito``); after ``kb import anki`` the tag selects exactly that note's cards
in ``kb cards``, ``kb due``, ``kb review``, ``kb quiz`` and ``kb export anki``, and the export gives each Anki note
its own tags back.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli

pytest.importorskip("anki.collection")

# front, back, tags: every note has "bio"; the chapters split the deck
NOTES = (
    ("What does the nucleus hold?", "DNA", ["bio", "chapter1"]),
    ("What is the cell membrane made of?", "Lipids", ["bio", "chapter1"]),
    ("Which organelle makes proteins?", "The ribosome", ["bio", "chapter2"]),
    ("What do lysosomes hold?", "Digestive enzymes", ["bio", "chapter2", "leech"]),
    ("What powers the cell?", "The mitochondrion", ["bio", "chapter2", "Cell::Mito"]),
)


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def build(folder: Path) -> Path:
    from anki.collection import Collection, ExportAnkiPackageOptions

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    deck = col.decks.id("Biology")
    basic, reverse = col.models.by_name("Basic"), col.models.by_name("Basic (and reversed card)")
    for front, back, tags in NOTES:
        note = col.new_note(basic)
        note["Front"], note["Back"] = front, back
        note.tags = tags
        col.add_note(note, deck)
    note = col.new_note(reverse)
    note["Front"], note["Back"] = "Nucleolus", "Where ribosomes are made"
    note.tags = ["bio", "chapter1"]
    col.add_note(note, deck)
    out = folder / "bio.apkg"
    col.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=False, with_media=False, legacy=False
        ),
        limit=None,
    )
    col.close()
    return out


@pytest.fixture
def imported(kbroot, tmp_path):
    result = invoke("import", "anki", str(build(tmp_path / "anki")), "--json")
    assert result.exit_code == 0, result.output
    return kbroot


def fronts(*args: str) -> set[str]:
    result = invoke("cards", *args, "--json")
    assert result.exit_code == 0, result.output
    return {c["front"] for c in json.loads(result.stdout)}


def test_a_tag_selects_the_cards_of_the_notes_that_have_it(imported):
    assert fronts("--tag", "chapter1") == {
        "What does the nucleus hold?",
        "What is the cell membrane made of?",
        "Nucleolus",
        "Where ribosomes are made",  # the reversed card's second side
    }
    assert fronts("--tag", "leech") == {"What do lysosomes hold?"}
    assert fronts("--tag", "Cell") == {"What powers the cell?"}  # Anki's Cell::Mito is kb's Cell/Mito
    assert fronts("--tag", "Cell/Mito") == {"What powers the cell?"}
    assert len(fronts("--tag", "bio")) == 7  # the tag every note has: the deck's


def test_the_deck_note_holds_only_the_tags_every_card_has(imported):
    text = (imported.notes / "imported" / "biology.md").read_text(encoding="utf-8")
    front_matter = text.split("---\n")[1]
    assert "- bio" in front_matter and "chapter" not in front_matter and "leech" not in front_matter
    assert "#flashcards #chapter2 #leech" in text


def test_due_review_and_quiz_keep_to_the_tag(imported):
    due = json.loads(invoke("due", "--tag", "chapter2", "--json").stdout)
    assert due["total"]["new"] == 3
    assert json.loads(invoke("due", "--tag", "leech", "--json").stdout)["total"]["new"] == 1

    # a scripted review of the leech tag shows the one leech card and nothing else
    session = invoke("review", "--tag", "leech", input="3\n3\n3\n")
    assert session.exit_code == 0, session.output
    questions = {line for line in session.output.splitlines() if line.startswith("Q: ")}
    assert questions == {"Q: What do lysosomes hold?"}

    quiz = invoke("quiz", "--tag", "chapter1", "-n", "10", "--seed", "3", "--json")
    assert quiz.exit_code == 0, quiz.output
    assert json.loads(quiz.stdout)["cards_in_scope"] == 4
    asked = {q["card_id"] for q in json.loads(quiz.stdout)["questions"]}
    chapter1 = {c["id"] for c in json.loads(invoke("cards", "--tag", "chapter1", "--json").stdout)}
    assert asked and asked <= chapter1


def test_export_by_tag_gives_each_anki_note_its_own_tags(imported, tmp_path):
    from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest

    out = tmp_path / "chapter2.apkg"
    result = invoke("export", "anki", "--tag", "chapter2", "-o", str(out))
    assert result.exit_code == 0, result.output
    col = Collection(str(tmp_path / "collection.anki2"))
    col.import_anki_package(
        # with scheduling: without it, Anki's importer drops the "leech" and "marked" tags itself
        ImportAnkiPackageRequest(
            package_path=str(out), options=ImportAnkiPackageOptions(with_scheduling=True)
        )
    )
    tags = {col.get_note(nid).fields[0]: set(col.get_note(nid).tags) for nid in col.find_notes("")}
    col.close()
    assert tags == {
        "Which organelle makes proteins?": {"bio", "chapter2"},
        "What do lysosomes hold?": {"bio", "chapter2", "leech"},
        "What powers the cell?": {"bio", "chapter2", "Cell::Mito"},
    }
