"""Card text edited in kb goes back into the fields of a custom note type (``kb export anki --into``), real Anki backend.

A note type whose two templates show several fields a side, wrapped in fixed text and HTML, is imported into kb; the
kb note's cards are edited; the export into the original collection puts each edit into the field it is in, leaves
the fixed text alone, changes nothing the second time, and a re-import of the collection reads what kb has. An edit
kb cannot tell apart into the fields (fixed text changed, two fields with nothing between them, a field edited on one
card and not on the other) leaves the note as Anki has it and says why.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.test_anki_round_trips import collection, export_from, invoke  # skips the module without anki

ASK_CAPITAL = (
    "<div class=word>What is the capital of {{Country}}?</div>{{#Hint}}<br><i>{{Hint}}</i>{{/Hint}}",
    "{{FrontSide}}<hr id=answer><b>{{Capital}}</b><br>{{Note}}",
)
ASK_COUNTRY = (
    "{{Capital}} is the capital of which country?",
    "{{FrontSide}}<hr id=answer>{{Country}} ({{Note}})",
)


def notetype(col, name: str, fields: tuple[str, ...], templates: dict[str, tuple[str, str]]):
    mm = col.models
    m = mm.new(name)
    for field in fields:
        mm.add_field(m, mm.new_field(field))
    for template, (qfmt, afmt) in templates.items():
        t = mm.new_template(template)
        t["qfmt"], t["afmt"] = qfmt, afmt
        mm.add_template(m, t)
    mm.add(m)
    return mm.by_name(name)


def add(col, model, deck: int, **fields) -> None:
    note = col.new_note(model)
    for name, value in fields.items():
        note[name] = value
    col.add_note(note, deck)


def geography(folder: Path):
    """Capitals (two templates, four fields), a wrapped one-field-a-side type, and stem + ending side by side."""
    col = collection(folder / "collection.anki2")
    deck = col.decks.id("Geography")
    capitals = notetype(
        col,
        "Capitals",
        ("Country", "Capital", "Hint", "Note"),
        {"Ask capital": ASK_CAPITAL, "Ask country": ASK_COUNTRY},
    )
    add(col, capitals, deck, Country="France", Capital="Paris", Hint="Seine", Note="since 987")
    add(col, capitals, deck, Country="Peru", Capital="Lima", Hint="", Note="on the coast")
    add(col, capitals, deck, Country="Chile", Capital="Santiago", Hint="Andes", Note="since 1541")
    wrapped = notetype(col, "Wrapped", ("Front", "Back"), {"Card 1": ("Translate: {{Front}}", "{{Back}}")})
    add(col, wrapped, deck, Front="perro", Back="dog")
    parts = notetype(
        col, "Parts", ("Stem", "Ending", "Meaning"), {"Card 1": ("{{Stem}}{{Ending}}", "{{Meaning}}")}
    )
    add(col, parts, deck, Stem="cant", Ending="amos", Meaning="we sing")
    col.decks.select(deck)
    for _ in range(3):  # some history in Anki, which kb keeps and --into must not disturb
        card = col.sched.getCard()
        card.start_timer()
        col.sched.answerCard(card, 3)
    return col


def fields_by_first(path: Path) -> dict[str, list[str]]:
    col = collection(path)
    try:
        return {col.get_note(nid).fields[0]: col.get_note(nid).fields for nid in col.find_notes("")}
    finally:
        col.close()


def revlog_rows(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT count() FROM revlog").fetchone()[0]
    finally:
        db.close()


def notes_rows(path: Path) -> list[tuple]:
    db = sqlite3.connect(path)
    try:
        return db.execute("SELECT id, guid, mid, mod, flds, sfld, csum FROM notes ORDER BY id").fetchall()
    finally:
        db.close()


def kb_cards(kb) -> dict[str, tuple[str, str]]:
    conn = sqlite3.connect(kb.open().db)
    try:
        return {
            r[0]: (r[1], r[2])
            for r in conn.execute("SELECT id, front, back FROM cards WHERE orphaned_at IS NULL")
        }
    finally:
        conn.close()


@pytest.fixture
def imported(kbroot, tmp_path):
    col = geography(tmp_path / "anki")
    assert invoke("import", "anki", str(export_from(col, tmp_path / "deck.apkg"))).exit_code == 0
    col.close()
    [deck_note] = (kbroot.root / "notes" / "imported").glob("*.md")
    return tmp_path / "anki" / "collection.anki2", deck_note


def edit(deck_note: Path, *changes: tuple[str, str]) -> None:
    text = deck_note.read_text(encoding="utf-8")
    for old, new in changes:
        assert text.count(old) >= 1, old
        text = text.replace(old, new)
    deck_note.write_text(text, encoding="utf-8")
    assert invoke("index").exit_code == 0


def export_into(path: Path) -> dict:
    result = invoke("export", "anki", "--into", str(path), "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_edits_of_cards_whose_templates_show_several_fields_go_into_the_right_fields(
    kbroot, imported, tmp_path
):
    path, deck_note = imported
    text = deck_note.read_text(encoding="utf-8")
    assert "What is the capital of France?\n*Seine*\n?\n**Paris**\nsince 987" in text
    assert "Paris is the capital of which country?::France (since 987)" in text
    assert "Translate: perro::dog" in text
    before = fields_by_first(path)
    revlog = revlog_rows(path)

    edit(
        deck_note,
        ("*Seine*", "*on the Seine*"),  # the hint, on the first card only: the only card showing it
        ("since 987", "capital since 987"),  # the note, shown on both cards: edited alike on both
        (
            "**Paris**",
            "**Paris (*Lutetia*)**",
        ),  # the capital, on the first card's answer (inside its bold) ...
        ("Paris is the capital", "Paris (*Lutetia*) is the capital"),  # ... and the second card's question
    )
    ids = kb_cards(kbroot)
    report = export_into(path)
    assert (report["texts"], report["unmapped"], report["conflicts"]) == (1, 0, []), json.dumps(report)

    after = fields_by_first(path)
    assert after["France"] == ["France", "Paris (<em>Lutetia</em>)", "on the Seine", "capital since 987"]
    # the fixed text stays in the template, never in a field; the other notes are as they were
    assert {k: v for k, v in after.items() if k != "France"} == {
        k: v for k, v in before.items() if k != "France"
    }
    assert after["perro"] == ["perro", "dog"]  # 'Translate: perro' is the template's text, not the field's
    assert revlog_rows(path) == revlog

    rows = notes_rows(path)
    again = export_into(path)
    assert (again["texts"], again["unmapped"], again["conflicts"]) == (0, 0, [])
    assert notes_rows(path) == rows  # the second export changes nothing

    # Anki shows the edit on both cards, and a re-import of the collection reads what kb has: nothing to update
    col = collection(path)
    [nid] = col.find_notes('"Country:France"')
    questions = {card.ord: card.question() for card in col.get_note(nid).cards()}
    assert questions[0].endswith(
        "<div class=word>What is the capital of France?</div><br><i>on the Seine</i>"
    )
    assert questions[1].endswith("Paris (<em>Lutetia</em>) is the capital of which country?")
    export_from(col, tmp_path / "back.apkg")
    col.close()
    report = json.loads(invoke("import", "anki", str(tmp_path / "back.apkg"), "--json").stdout)
    assert report["problems"] == [] and report["written"] == [], json.dumps(report)
    assert kb_cards(kbroot) == ids
    assert "*on the Seine*" in deck_note.read_text(encoding="utf-8")


def test_an_edit_kb_cannot_tell_apart_into_fields_leaves_the_note_and_says_why(kbroot, imported):
    path, deck_note = imported
    before = notes_rows(path)
    edit(
        deck_note,
        (
            "Lima is the capital of which",
            "Lima is the capital city of which",
        ),  # the template's fixed text, and
        (
            "What is the capital of Peru?\n",
            "What is the capital of Peru?\n*near the Pacific*\n",
        ),  # an empty hint
        ("cantamos::", "cantábamos::"),  # stem and ending side by side: where does one end?
    )
    result = invoke("export", "anki", "--into", str(path))
    assert result.exit_code == 0, result.output
    assert "2 notes edited in kb left as Anki has them" in result.stdout
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2, result.stderr
    peru, parts = (next(w for w in warnings if f"note {name!r}" in w) for name in ("Peru", "cant"))
    assert "card 'Ask capital': the text around its fields was changed" in peru  # the first card of the note
    assert "'What is the capital of …?'" in peru and "its empty fields ('Hint') show nothing in kb" in peru
    assert "'cantábamos' splits into fields 'Stem' and 'Ending' more than one way" in parts
    assert all("left as Anki has it" in w for w in warnings)
    assert notes_rows(path) == before  # nothing written


def test_an_export_with_no_edit_in_kb_changes_no_note_of_a_template_with_fixed_text(imported):
    path, _ = imported
    before = notes_rows(path)
    report = export_into(path)
    assert (report["texts"], report["unmapped"], report["conflicts"]) == (0, 0, []), json.dumps(report)
    assert notes_rows(path) == before  # 'Translate: perro' never becomes the field 'Front'


def test_an_edit_of_a_side_of_several_lines_is_written_once(kbroot, tmp_path):
    path = tmp_path / "anki" / "collection.anki2"
    col = collection(path)
    model = col.models.by_name("Basic (and reversed card)")
    add(col, model, col.decks.id("Spanish"), Front="<b>cat</b>", Back="gato<br>el gato")
    assert invoke("import", "anki", str(export_from(col, tmp_path / "deck.apkg"))).exit_code == 0
    col.close()
    [deck_note] = (kbroot.root / "notes" / "imported").glob("*.md")
    edit(deck_note, ("el gato\n", "el gato (m.)\n"))
    assert export_into(path)["texts"] == 1
    assert fields_by_first(path)["<b>cat</b>"][1] == "gato\nel gato (m.)"
    rows = notes_rows(path)
    assert export_into(path)["texts"] == 0
    assert notes_rows(path) == rows  # not written again on every export


def test_a_note_written_back_keeps_the_sort_field_and_checksum_anki_would_give_it(kbroot, tmp_path):
    """A note type sorted by its second field: after kb writes an edit, the note's sort field and checksum are what
    Anki itself computes for the same fields (the browser sorts on one, the duplicate check reads the other)."""
    col = collection(tmp_path / "anki" / "collection.anki2")
    sorted_by_back = notetype(col, "Sorted", ("Front", "Back"), {"Card 1": ("{{Front}}", "{{Back}}")})
    sorted_by_back["sortf"] = 1
    col.models.update_dict(sorted_by_back)
    add(col, col.models.by_name("Sorted"), col.decks.id("Words"), Front="gato", Back="cat")
    assert invoke("import", "anki", str(export_from(col, tmp_path / "deck.apkg"))).exit_code == 0
    col.close()
    path = tmp_path / "anki" / "collection.anki2"
    [deck_note] = (kbroot.root / "notes" / "imported").glob("*.md")
    edit(deck_note, ("gato::cat", "gato::cat (*Felis catus*)"))
    assert export_into(path)["texts"] == 1

    [(flds, sfld, csum)] = sqlite3.connect(path).execute("SELECT flds, sfld, csum FROM notes").fetchall()
    col = collection(path)
    note = col.get_note(col.find_notes("")[0])
    col.update_note(note)  # Anki computes the sort field and checksum again from the fields kb wrote
    col.close()
    assert sqlite3.connect(path).execute("SELECT flds, sfld, csum FROM notes").fetchall() == [
        (flds, sfld, csum)
    ]
    assert sfld == "cat (Felis catus)"


def test_a_sort_field_holding_an_image_keeps_its_file_name_as_anki_does(kbroot, tmp_path):
    """Anki's sort field and checksum keep an image's file name where the tag was (the browser shows it); kb's
    write-back computes them the same way."""
    col = collection(tmp_path / "anki" / "collection.anki2")
    sorted_by_back = notetype(col, "Sorted", ("Front", "Back"), {"Card 1": ("{{Front}}", "{{Back}}")})
    sorted_by_back["sortf"] = 1
    col.models.update_dict(sorted_by_back)
    col.media.write_data("cat.jpg", b"\xff\xd8\xff\xe0 not really a jpeg")
    add(
        col,
        col.models.by_name("Sorted"),
        col.decks.id("Words"),
        Front="gato",
        Back='cat&nbsp;&amp; <img src="cat.jpg">',
    )
    assert invoke("import", "anki", str(export_from(col, tmp_path / "deck.apkg"))).exit_code == 0
    col.close()
    path = tmp_path / "anki" / "collection.anki2"
    [deck_note] = (kbroot.root / "notes" / "imported").glob("*.md")
    text = deck_note.read_text()
    assert "gato::" in text, text
    edit(deck_note, ("gato::", "el gato::"))
    assert export_into(path)["texts"] == 1

    [(nid, flds, sfld, csum)] = (
        sqlite3.connect(path).execute("SELECT id, flds, sfld, csum FROM notes").fetchall()
    )
    col = collection(path)
    front, back = flds.split("\x1f")
    add(col, col.models.by_name("Sorted"), col.decks.id("Words"), Front=front, Back=back)
    col.close()  # Anki's own sort field and checksum for the fields kb wrote, on a note it adds itself
    [(anki_flds, anki_sfld, anki_csum)] = (
        sqlite3.connect(path).execute("SELECT flds, sfld, csum FROM notes WHERE id != ?", (nid,)).fetchall()
    )
    assert (flds, sfld, csum) == (anki_flds, anki_sfld, anki_csum)
    assert "cat.jpg" in sfld


def test_a_field_edited_on_one_of_the_cards_that_show_it_is_written(kbroot, imported):
    """'Chile' is shown by both templates; edited on the first card only, the edit is what the user meant (the
    other card still shows the field as Anki has it): written, and Anki's other card shows it."""
    path, deck_note = imported
    edit(deck_note, ("What is the capital of Chile?", "What is the capital of the Republic of Chile?"))
    report = export_into(path)
    assert (report["texts"], report["unmapped"], report["conflicts"]) == (1, 0, []), json.dumps(report)
    assert fields_by_first(path)["the Republic of Chile"][:2] == ["the Republic of Chile", "Santiago"]
    rows = notes_rows(path)
    # the other card still shows 'Chile', as kb had it when it wrote the note: no edit of its own, nothing to
    # write back the next time, nor after the database is rebuilt from the journal
    again = export_into(path)
    assert (again["texts"], again["unmapped"], again["conflicts"]) == (0, 0, []), json.dumps(again)
    (kbroot.root / ".kb" / "kb.db").unlink()
    assert invoke("index").exit_code == 0
    again = export_into(path)
    assert (again["texts"], again["unmapped"], again["conflicts"]) == (0, 0, []), json.dumps(again)
    assert notes_rows(path) == rows


def test_a_field_edited_two_ways_on_the_cards_that_show_it_is_reported_and_left(kbroot, imported):
    path, deck_note = imported
    before = notes_rows(path)
    edit(
        deck_note,
        ("What is the capital of Chile?", "What is the capital of the Republic of Chile?"),
        ("country?::Chile", "country?::Republic of Chile"),
    )
    result = invoke("export", "anki", "--into", str(path))
    assert result.exit_code == 0, result.output
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert "field 'Country' reads differently on the cards that show it" in warning
    assert "'the Republic of Chile'" in warning and "'Republic of Chile'" in warning
    assert notes_rows(path) == before
