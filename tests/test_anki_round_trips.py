"""Round trips with the real Anki backend: nothing duplicated, no history lost, a second trip changes nothing.

- kb -> Anki -> kb: the cards come back to the kb cards they were (same ids), with kb's history and the reviews done
  in Anki, and no new note;
- Anki -> kb -> Anki, into the collection the deck came from: the original notes keep their GUIDs, deck and note
  type, nothing is duplicated, and Anki's own reviews stay;
- kb -> Anki twice into one collection: the second import changes nothing.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli

pytest.importorskip("anki.collection")

HABITS = """\
# Habits

What is a cue?::The trigger

Cue:::Trigger of a habit

The {{c1::cue}} starts a {{c2::craving}}.
"""


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def kb_figures(kb) -> dict:
    conn = sqlite3.connect(kb.open().db)
    try:
        return {
            "cards": sorted(r[0] for r in conn.execute("SELECT id FROM cards WHERE orphaned_at IS NULL")),
            "reviews": conn.execute("SELECT count(*) FROM reviews").fetchone()[0],
            "notes": conn.execute("SELECT count(*) FROM notes").fetchone()[0],
        }
    finally:
        conn.close()


def anki_figures(col) -> dict:
    return {
        "notes": col.note_count(),
        "cards": col.card_count(),
        "revlog": col.db.scalar("SELECT count() FROM revlog"),
        "guids": sorted(col.db.list("SELECT guid FROM notes")),
    }


def collection(path: Path):
    from anki.collection import Collection

    path.parent.mkdir(parents=True, exist_ok=True)
    return Collection(str(path))


def import_into(col, package: Path) -> None:
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)
        )
    )


def export_from(col, package: Path) -> Path:
    from anki.collection import ExportAnkiPackageOptions

    col.export_anki_package(
        out_path=str(package),
        options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=False, with_media=True, legacy=False
        ),
        limit=None,
    )
    return package


def review_in_anki(col, deck: str, n: int) -> None:
    col.decks.select(col.decks.id_for_name(deck))
    for _ in range(n):
        card = col.sched.getCard()
        assert card is not None
        card.start_timer()
        col.sched.answerCard(card, 3)


def test_kb_to_anki_to_kb_keeps_card_ids_and_adds_the_reviews_done_in_anki(kbroot, tmp_path):
    kbroot.write("books/habits.md", HABITS)
    assert invoke("index").exit_code == 0
    assert invoke("review", "-n", "3", input="3\n3\n3\n").exit_code == 0
    before = kb_figures(kbroot)
    assert (len(before["cards"]), before["reviews"]) == (5, 3)

    assert invoke("export", "anki", "-o", str(tmp_path / "kb.apkg")).exit_code == 0
    col = collection(tmp_path / "anki" / "collection.anki2")
    import_into(col, tmp_path / "kb.apkg")
    assert anki_figures(col)["revlog"] == 3
    col.sched.set_due_date(list(col.find_cards("")), "0")  # Anki asks them today
    review_in_anki(col, "kb::Books::Habits", 2)
    export_from(col, tmp_path / "back.apkg")
    col.close()

    report = json.loads(invoke("import", "anki", str(tmp_path / "back.apkg"), "--json").stdout)
    assert report["written"] == [] and report["returned"] == 5
    assert report["reviews"] == 2  # the answers given in Anki; the 3 kb exported are not added again
    after = kb_figures(kbroot)
    assert after["cards"] == before["cards"]  # the same kb cards, no copy
    assert after["notes"] == before["notes"]
    assert after["reviews"] == before["reviews"] + 2  # kb's 3 (not again) and Anki's 2
    # a second import of the same package adds nothing
    again = json.loads(invoke("import", "anki", str(tmp_path / "back.apkg"), "--json").stdout)
    assert again["reviews"] == 0 and kb_figures(kbroot) == after


def _anki_deck(folder: Path):
    col = collection(folder / "collection.anki2")
    deck = col.decks.id("Biology::Cells")
    basic, cloze = col.models.by_name("Basic"), col.models.by_name("Cloze")
    for front, back in (("Nucleus?", "DNA"), ("Ribosome?", "Proteins"), ("Lysosome?", "Enzymes")):
        note = col.new_note(basic)
        note["Front"], note["Back"] = front, back
        col.add_note(note, deck)
    note = col.new_note(cloze)
    note["Text"] = "The {{c1::mitochondrion}} makes {{c2::ATP}}"
    col.add_note(note, deck)
    review_in_anki(col, "Biology::Cells", 3)
    return col


def _deck_in_kb(tmp_path: Path):
    """The biology deck's collection (its path, and the collection still open) after kb imported its export."""
    col = _anki_deck(tmp_path / "anki")
    assert invoke("import", "anki", str(export_from(col, tmp_path / "deck.apkg"))).exit_code == 0
    return tmp_path / "anki" / "collection.anki2", col


def test_anki_to_kb_to_anki_into_the_original_collection_duplicates_nothing(kbroot, tmp_path):
    col = _anki_deck(tmp_path / "anki")
    original = anki_figures(col)
    decks = sorted(d.name for d in col.decks.all_names_and_ids())
    assert invoke("import", "anki", str(export_from(col, tmp_path / "deck.apkg"))).exit_code == 0
    assert invoke("review", "-n", "2", input="3\n3\n").exit_code == 0
    review_in_anki(col, "Biology::Cells", 1)  # Anki's own review after the export to kb
    later = anki_figures(col)

    assert invoke("export", "anki", "-o", str(tmp_path / "kb.apkg")).exit_code == 0
    import_into(col, tmp_path / "kb.apkg")
    after = anki_figures(col)
    assert after["guids"] == original["guids"]  # the original notes, no copy
    assert (after["notes"], after["cards"]) == (original["notes"], original["cards"])
    assert after["revlog"] >= later["revlog"]  # Anki's own reviews, the later one included, stay
    assert sorted(d.name for d in col.decks.all_names_and_ids()) == decks  # no kb::Importeds:: deck
    note_types = {col.get_note(nid).note_type()["name"] for nid in col.find_notes("")}
    assert note_types == {"Basic", "Cloze"}
    col.close()


def test_exporting_twice_into_one_collection_changes_nothing_the_second_time(kbroot, tmp_path):
    kbroot.write("books/habits.md", HABITS)
    assert invoke("index").exit_code == 0
    assert invoke("review", "-n", "2", input="3\n3\n").exit_code == 0
    col = collection(tmp_path / "anki" / "collection.anki2")
    assert invoke("export", "anki", "-o", str(tmp_path / "one.apkg")).exit_code == 0
    import_into(col, tmp_path / "one.apkg")
    first = anki_figures(col)
    fields = {nid: col.get_note(nid).fields for nid in col.find_notes("")}
    assert invoke("export", "anki", "-o", str(tmp_path / "two.apkg")).exit_code == 0
    import_into(col, tmp_path / "two.apkg")
    assert anki_figures(col) == first
    assert {nid: col.get_note(nid).fields for nid in col.find_notes("")} == fields
    col.close()


def test_export_into_the_original_collection_adds_kb_reviews_onto_its_own_cards(kbroot, tmp_path):
    from datetime import UTC, datetime

    from kb.review.clock import review_day

    path = tmp_path / "anki" / "collection.anki2"
    col = _anki_deck(tmp_path / "anki")
    original = anki_figures(col)
    assert invoke("import", "anki", str(export_from(col, tmp_path / "deck.apkg"))).exit_code == 0
    review_in_anki(col, "Biology::Cells", 1)  # Anki's own review after the export to kb
    later = anki_figures(col)
    col.close()  # Anki must be closed: kb writes into its collection
    session = invoke("review", "-n", "2", input="3\n3\n")
    assert session.exit_code == 0, session.output

    result = invoke("export", "anki", "--into", str(path), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    conn = sqlite3.connect(kbroot.open().db)
    answered = {c for (c,) in conn.execute("SELECT card_id FROM reviews WHERE source = 'review'")}
    conn.close()
    # every kb answer joins the log; each card kb answered (after Anki did) takes kb's schedule
    assert (report["cards"], report["reviews"], report["missing"]) == (5, 2, 0)
    assert report["schedules"] == len(answered) >= 1

    col = collection(path)
    after = anki_figures(col)
    assert after["guids"] == original["guids"] and (after["notes"], after["cards"]) == (4, 5)
    assert after["revlog"] == later["revlog"] + 2  # Anki's own reviews stay, kb's two join them
    # the cards kb answered are due in Anki on the day kb has them due, with kb's reps
    from kb.anki.into import identities

    conn = sqlite3.connect(kbroot.open().db)
    kb_state = {c: (due, reps) for c, due, reps in conn.execute("SELECT card_id, due, reps FROM card_state")}
    known = identities(conn)
    conn.close()
    day_start = kbroot.open().settings.day_starts_at
    today = review_day(datetime.now(UTC), day_start)
    for kb_id in answered:
        guid, ord_ = known[kb_id]
        cid = col.db.scalar(
            "SELECT c.id FROM cards c JOIN notes n ON n.id = c.nid WHERE guid = ? AND ord = ?", guid, ord_
        )
        card = col.get_card(cid)
        due, reps = kb_state[kb_id]
        assert card.reps == reps
        if card.type == 2 or card.queue == 3:
            # a review, or a learning step due after the day's cutoff (Anki's day learning, due by day: a run
            # minutes before the cutoff gives one)
            assert (
                card.due - col.sched.today
                == (review_day(datetime.fromisoformat(due), day_start) - today).days
            )
        else:
            assert card.queue == 1 and card.due == int(datetime.fromisoformat(due).timestamp())
    col.close()

    # twice: nothing more
    again = json.loads(invoke("export", "anki", "--into", str(path), "--json").stdout)
    assert again["reviews"] == 0
    col = collection(path)
    assert anki_figures(col) == after
    col.close()


def test_export_into_a_file_that_is_no_collection_says_so(kbroot, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_text("not a database")
    result = invoke("export", "anki", "--into", str(bad))
    assert result.exit_code == 1 and "not an Anki collection" in result.output
    result = invoke("export", "anki", "--into", str(tmp_path / "missing.anki2"))
    assert result.exit_code == 1 and "no such Anki collection" in result.output


def test_text_edited_in_kb_goes_back_into_the_original_note_and_an_edit_on_both_sides_is_reported(
    kbroot, tmp_path
):
    path, col = _deck_in_kb(tmp_path)
    guids = anki_figures(col)["guids"]
    lysosome = col.find_notes('"Front:Lysosome?"')[0]
    note = col.get_note(lysosome)
    note["Back"] = "Digestive enzymes"  # edited in Anki after the import
    col.update_note(note)
    col.close()
    [deck_note] = (kbroot.root / "notes" / "imported" / "biology").glob("*.md")
    text = deck_note.read_text(encoding="utf-8")
    edited = (
        text.replace("Ribosome?::Proteins", "Ribosome?::Proteins, built from amino acids")
        .replace("{{c2::ATP}}", "{{c2::ATP}} by respiration")
        .replace("Lysosome?::Enzymes", "Lysosome?::Acid hydrolases")
    )
    assert edited.count("\n") == text.count("\n") and edited != text
    deck_note.write_text(edited, encoding="utf-8")
    assert invoke("index").exit_code == 0

    result = invoke("export", "anki", "--into", str(path), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["texts"] == 2, json.dumps(report)  # the ribosome card and the cloze note
    [conflict] = report["conflicts"]
    assert "Lysosome" in conflict and "edited in Anki too" in conflict

    col = collection(path)
    fields = {col.get_note(nid)["Front"] if "Front" in col.get_note(nid) else "cloze": col.get_note(nid).fields
              for nid in col.find_notes("")}  # fmt: skip
    assert fields["Ribosome?"] == ["Ribosome?", "Proteins, built from amino acids"]
    assert fields["cloze"][0] == "The {{c1::mitochondrion}} makes {{c2::ATP}} by respiration"
    assert fields["Lysosome?"] == ["Lysosome?", "Digestive enzymes"]  # Anki's own edit is never overwritten
    assert fields["Nucleus?"] == ["Nucleus?", "DNA"]
    assert anki_figures(col)["guids"] == guids and col.note_count() == 4
    assert col.find_notes("ribosome amino")  # Anki's search finds the new text (sort field and checksum kept)
    col.close()

    again = json.loads(invoke("export", "anki", "--into", str(path), "--json").stdout)
    assert again["texts"] == 0 and len(again["conflicts"]) == 1


def test_a_second_kb_edit_after_a_write_back_goes_back_too_even_after_a_rebuild(kbroot, tmp_path):
    path, col = _deck_in_kb(tmp_path)
    col.close()
    [deck_note] = (kbroot.root / "notes" / "imported" / "biology").glob("*.md")

    def edit_and_export(old: str, new: str) -> dict:
        deck_note.write_text(deck_note.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
        assert invoke("index").exit_code == 0
        result = invoke("export", "anki", "--into", str(path), "--json")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    first = edit_and_export("Ribosome?::Proteins", "Ribosome?::Proteins, from amino acids")
    assert (first["texts"], first["conflicts"]) == (1, [])
    (kbroot.root / ".kb" / "kb.db").unlink()  # what kb wrote back is remembered in the journal, not only here
    second = edit_and_export("from amino acids", "from amino acids, read off mRNA")
    assert (second["texts"], second["conflicts"]) == (1, []), json.dumps(second)
    col = collection(path)
    [nid] = col.find_notes('"Front:Ribosome?"')
    assert col.get_note(nid)["Back"] == "Proteins, from amino acids, read off mRNA"
    col.close()


def test_after_a_write_back_a_reimport_of_the_collection_finds_the_note_as_kb_has_it(kbroot, tmp_path):
    path, col = _deck_in_kb(tmp_path)
    col.close()
    [deck_note] = (kbroot.root / "notes" / "imported" / "biology").glob("*.md")
    deck_note.write_text(
        deck_note.read_text(encoding="utf-8").replace(
            "Ribosome?::Proteins", "Ribosome?::Proteins, from mRNA"
        ),
        encoding="utf-8",
    )
    assert invoke("index").exit_code == 0
    assert json.loads(invoke("export", "anki", "--into", str(path), "--json").stdout)["texts"] == 1
    cards = kb_figures(kbroot)

    col = collection(path)
    export_from(col, tmp_path / "back.apkg")
    col.close()
    for _ in range(2):  # the deck's version is kb's text: nothing to update, no conflict; the second time too
        report = json.loads(invoke("import", "anki", str(tmp_path / "back.apkg"), "--json").stdout)
        assert report["problems"] == [] and report["updated"] == [], json.dumps(report)
        assert "Ribosome?::Proteins, from mRNA" in deck_note.read_text(encoding="utf-8")
        assert kb_figures(kbroot) == cards


NESTED = "{{c1::The cell {{c2::nucleus}} holds DNA}} always"
LISTED = "Steps:<ul><li>{{c1::Wash}}</li><li>{{c2::Rinse}}</li><li>{{c3::Dry}}</li></ul>"


def test_nested_and_listed_clozes_keep_their_cards_history_and_notes_both_ways(kbroot, tmp_path):
    from kb.anki.into import identities

    col = collection(tmp_path / "anki" / "collection.anki2")
    deck = col.decks.id("Home")
    for text in (NESTED, LISTED):
        note = col.new_note(col.models.by_name("Cloze"))
        note["Text"] = text
        col.add_note(note, deck)
    review_in_anki(col, "Home", 5)  # every card answered once in Anki
    original = anki_figures(col)
    ords = sorted(
        (col.get_note(col.get_card(c).nid)["Text"], col.get_card(c).ord) for c in col.find_cards("")
    )
    result = invoke("import", "anki", str(export_from(col, tmp_path / "deck.apkg")), "--json")
    report = json.loads(result.stdout)
    assert report["reviews"] == 5 and not any("nested" in p for p in report["problems"]), result.stdout

    # Anki -> kb: a cloze card per Anki card, each with its own answer and its Anki identity
    conn = sqlite3.connect(kbroot.open().db)
    cards = conn.execute(
        "SELECT id, kind, cloze_index, front FROM cards WHERE orphaned_at IS NULL"
    ).fetchall()
    history = dict(conn.execute("SELECT card_id, count(*) FROM reviews GROUP BY card_id").fetchall())
    known = identities(conn)
    conn.close()
    assert sorted((kind, index) for _, kind, index, _ in cards) == [("cloze", n) for n in (1, 1, 2, 2, 3)]
    assert {front for *_, front in cards} >= {"[...] always", "Steps:\n- Wash\n- [...]\n- Dry"}
    assert all(history.get(cid) == 1 for cid, *_ in cards)
    assert all(known[cid][1] == index - 1 for cid, _, index, _ in cards)  # the Anki card it was
    assert len({known[cid][0] for cid, *_ in cards}) == 2  # of the two Anki notes

    # kb -> Anki, into the original collection: the same notes updated in place, the same cards, no copy
    assert invoke("review", "-n", "2", input="3\n3\n").exit_code == 0
    col.close()
    shutil.copytree(tmp_path / "anki", tmp_path / "into")
    into = json.loads(
        invoke("export", "anki", "--into", str(tmp_path / "into" / "collection.anki2"), "--json").stdout
    )
    assert (into["cards"], into["reviews"], into["missing"], into["texts"], into["conflicts"]) == (
        5,
        2,
        0,
        0,
        [],
    )
    col = collection(tmp_path / "anki" / "collection.anki2")
    assert invoke("export", "anki", "-o", str(tmp_path / "kb.apkg")).exit_code == 0
    import_into(col, tmp_path / "kb.apkg")
    after = anki_figures(col)
    assert after["guids"] == original["guids"] and (after["notes"], after["cards"]) == (2, 5)
    assert after["revlog"] >= original["revlog"]
    assert {col.get_note(nid).note_type()["name"] for nid in col.find_notes("")} == {"Cloze"}
    assert (
        sorted((col.get_note(col.get_card(c).nid)["Text"], col.get_card(c).ord) for c in col.find_cards(""))
        == ords
    )
    col.close()

    # and into a fresh collection: Cloze notes with the nested text and the whole list, a card per deletion
    fresh = collection(tmp_path / "fresh" / "collection.anki2")
    import_into(fresh, tmp_path / "kb.apkg")
    texts = sorted(fresh.get_note(nid).fields[0] for nid in fresh.find_notes(""))
    assert texts == [
        "<p>Steps:</p>\n<ul>\n<li>{{c1::Wash}}</li>\n<li>{{c2::Rinse}}</li>\n<li>{{c3::Dry}}</li>\n</ul>",
        NESTED,
    ]
    assert (fresh.card_count(), fresh.db.scalar("SELECT count() FROM revlog")) == (5, 7)
    fresh.close()


def test_a_note_edited_in_anki_only_is_no_conflict_on_export(kbroot, tmp_path):
    """kb's deck note is as kb wrote it (its anki_import stamp matches), so a difference from the Anki note is
    Anki's own edit: it stays, and nothing is reported as edited on both sides."""
    path, col = _deck_in_kb(tmp_path)
    note = col.get_note(col.find_notes('"Front:Lysosome?"')[0])
    note["Back"] = "Digestive enzymes"  # edited in Anki after the import; kb's note untouched
    col.update_note(note)
    col.close()

    report = json.loads(invoke("export", "anki", "--into", str(path), "--json").stdout)
    assert (report["texts"], report["conflicts"]) == (0, []), json.dumps(report)
    col = collection(path)
    assert col.get_note(col.find_notes('"Front:Lysosome?"')[0])["Back"] == "Digestive enzymes"
    col.close()


@pytest.mark.parametrize("rebuilt", [False, True], ids=["as-is", "after-a-rebuild"])
def test_an_anki_edit_and_a_kb_edit_of_other_notes_of_one_deck_file_are_no_conflict(
    kbroot, tmp_path, rebuilt
):
    """kb keeps each card's text as the import wrote it, so an Anki edit of one note is told apart from a kb edit of
    another note in the same deck file: the kb edit goes back, Anki's edit stays, and nothing is a conflict."""
    path, col = _deck_in_kb(tmp_path)
    note = col.get_note(col.find_notes('"Front:Lysosome?"')[0])
    note["Back"] = "Digestive enzymes"  # edited in Anki after the import
    col.update_note(note)
    [nid] = col.find_notes("mitochondrion")
    note = col.get_note(nid)
    note["Text"] = "The {{c1::mitochondrion}} makes most of the cell's {{c2::ATP}}"
    col.update_note(note)
    col.close()
    [deck_note] = (kbroot.root / "notes" / "imported" / "biology").glob("*.md")
    deck_note.write_text(  # and another note of the same deck edited in kb
        deck_note.read_text(encoding="utf-8").replace(
            "Ribosome?::Proteins", "Ribosome?::Proteins, from mRNA"
        ),
        encoding="utf-8",
    )
    if rebuilt:
        (kbroot.root / ".kb" / "kb.db").unlink()  # the import's record in the journal is enough
    assert invoke("index").exit_code == 0

    report = json.loads(invoke("export", "anki", "--into", str(path), "--json").stdout)
    assert (report["texts"], report["conflicts"]) == (1, []), json.dumps(report)
    col = collection(path)
    back = {col.get_note(n)["Front"]: col.get_note(n)["Back"] for n in col.find_notes("note:Basic")}
    assert back == {"Nucleus?": "DNA", "Ribosome?": "Proteins, from mRNA", "Lysosome?": "Digestive enzymes"}
    assert col.get_note(nid)["Text"] == "The {{c1::mitochondrion}} makes most of the cell's {{c2::ATP}}"
    col.close()
