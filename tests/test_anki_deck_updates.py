"""A newer version of a shared deck updates kb's note in place; a local edit is never overwritten silently.

Anki's own fixtures ``update1.apkg`` / ``update2.apkg`` (one deck, its note's front changed from "hello" to
"goodbye"), and a deck built with the real ``anki`` package in two versions (a card changed, one added, one removed)
with reviews in between.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli

pytest.importorskip("anki.collection")

FIXTURES = Path(__file__).parent / "fixtures" / "anki"


def invoke(*args, input=None):
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def cards(kb) -> dict[str, str]:
    """front -> kb card id of the live cards."""
    return {c["front"]: c["id"] for c in json.loads(invoke("cards", "--json").stdout)}


def reviews(kb) -> dict[str, int]:
    conn = sqlite3.connect(kb.open().db)
    try:
        return dict(conn.execute("SELECT card_id, count(*) FROM reviews GROUP BY card_id"))
    finally:
        conn.close()


def import_json(*args) -> dict:
    result = invoke("import", "anki", *args, "--json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_anki_fixture_update_changes_the_card_in_place_with_its_history(kbroot):
    first = import_json(str(FIXTURES / "update1.apkg"))
    assert first["written"] == ["notes/imported/default.md"]
    [hello] = cards(kbroot).values()
    assert invoke("review", "-n", "1", input="3\n").exit_code == 0

    update = import_json(str(FIXTURES / "update2.apkg"))
    assert update["updated"] == ["notes/imported/default.md"] and update["problems"] == []
    assert update["changes"] == ["notes/imported/default.md: changed: 'hello::world' -> 'goodbye::world'"]
    assert cards(kbroot) == {"goodbye": hello}  # the same kb card, its text updated
    assert reviews(kbroot) == {hello: 1}
    # importing the same version again changes nothing
    again = import_json(str(FIXTURES / "update2.apkg"))
    assert again["updated"] == [] and again["unchanged"] == ["notes/imported/default.md"]


def test_a_local_edit_is_never_overwritten_silently(kbroot):
    import_json(str(FIXTURES / "update1.apkg"))
    note = kbroot.notes / "imported" / "default.md"
    edited = note.read_text(encoding="utf-8") + "\nMy own card::mine\n"
    note.write_text(edited, encoding="utf-8")

    conflict = import_json(str(FIXTURES / "update2.apkg"))
    assert conflict["updated"] == [] and conflict["changes"] == []
    [problem] = conflict["problems"]
    assert problem.startswith("notes/imported/default.md:1: edited since kb imported it")
    assert "'hello::world' -> 'goodbye::world'" in problem and "--theirs" in problem and "--ours" in problem
    assert note.read_text(encoding="utf-8") == edited

    ours = import_json(str(FIXTURES / "update2.apkg"), "--ours")
    assert ours["kept"] == ["notes/imported/default.md"] and ours["problems"] == []
    assert note.read_text(encoding="utf-8") == edited

    theirs = import_json(str(FIXTURES / "update2.apkg"), "--theirs")
    assert theirs["updated"] == ["notes/imported/default.md"]
    assert any("your edits to this note were replaced" in p for p in theirs["problems"])
    text = note.read_text(encoding="utf-8")
    assert "goodbye::world" in text and "My own card" not in text


def test_another_deck_or_a_users_note_is_never_rewritten(kbroot):
    kbroot.write("imported/default.md", "# Default\n\nMine::not from Anki\n")
    report = import_json(str(FIXTURES / "update1.apkg"))
    assert report["written"] == [] and report["updated"] == []
    assert "already exists with other content" in report["problems"][0]
    assert (kbroot.notes / "imported" / "default.md").read_text() == "# Default\n\nMine::not from Anki\n"


def _deck(folder: Path, version: int) -> Path:
    """A vocabulary deck; version 2 fixes a card's answer, adds a card and drops one, as a shared deck's update does."""
    from anki.collection import Collection, ExportAnkiPackageOptions

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    basic = col.models.by_name("Basic")
    deck = col.decks.id("Spanish::Animals")
    words = {"perro": "dog", "gato": "cat", "pez": "fish"}
    if version == 2:
        words["gato"] = "cat (el gato)"
        del words["pez"]
        words["caballo"] = "horse"
    for front, back in words.items():
        note = col.new_note(basic)
        note["Front"], note["Back"] = front, back
        note.guid = f"guid-{front}"  # one deck in two versions: the same notes keep their GUIDs
        col.add_note(note, deck)
    out = folder / f"spanish-{version}.apkg"
    col.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=False, legacy=False
        ),
        limit=None,
    )
    col.close()
    return out


def test_a_deck_update_adds_changes_and_removes_cards_keeping_history(kbroot, tmp_path):
    import_json(str(_deck(tmp_path / "v1", 1)))
    before = cards(kbroot)
    assert set(before) == {"perro", "gato", "pez"}
    assert invoke("review", "-n", "3", input="3\n3\n3\n").exit_code == 0
    history = reviews(kbroot)
    assert sum(history.values()) == 3

    update = import_json(str(_deck(tmp_path / "v2", 2)))
    path = "notes/imported/spanish/animals.md"
    assert update["updated"] == [path]
    # card by card as kb's index has them after the update: the changed card kept its id
    assert update["changes"] == [
        f"{path}: changed: 'gato::cat' -> 'gato::cat (el gato)'",
        f"{path}: removed: 'pez::fish' (its history is kept)",
        f"{path}: added: 'caballo::horse'",
    ]
    after = cards(kbroot)
    assert set(after) == {"perro", "gato", "caballo"}
    assert after["perro"] == before["perro"] and after["gato"] == before["gato"]
    # no review is lost: the removed card's stay with it
    assert reviews(kbroot) == history


def test_anki_fixtures_whose_note_type_changed_update_in_place(kbroot):
    # diffmodels2: the note's type gains a reverse template; diffmodeltemplates: the front template changes
    import_json(str(FIXTURES / "diffmodels2-1.apkg"))
    [front] = cards(kbroot).values()
    update = import_json(str(FIXTURES / "diffmodels2-2.apkg"))
    assert update["updated"] == ["notes/imported/default.md"]
    assert update["changes"] == ["notes/imported/default.md: added: 'back::front'"]
    assert cards(kbroot) == {"front": front, "back": cards(kbroot)["back"]}

    import_json(str(FIXTURES / "diffmodeltemplates-1.apkg"))
    update = import_json(str(FIXTURES / "diffmodeltemplates-2.apkg"))
    assert update["changes"] == [
        "notes/imported/testdeck.md: changed: 'question?::answer!' -> 'Changed Front Template question?::answer!'"
    ]


def test_every_anki_fixture_package_imports_with_its_cards(kbroot):
    expected = {
        "diffmodels2-1": 1,
        "diffmodels2-2": 2,
        "diffmodeltemplates-1": 1,
        "diffmodeltemplates-2": 1,
        "media": 1,
        "update1": 1,
        "update2": 1,
    }
    for name, n in expected.items():
        report = import_json(str(FIXTURES / f"{name}.apkg"), "--into", str(kbroot.notes / name))
        assert sum(report["cards"].values()) == n and report["written"], name
    # media.apkg's [sound:foo.wav] is a link to the file beside the note
    text = (kbroot.notes / "media" / "default.md").read_text(encoding="utf-8")
    assert "[foo.wav](foo.wav)" in text and (kbroot.notes / "media" / "foo.wav").is_file()
