"""kb import anki keeps Anki's state, checked card by card against the real Anki backend.

A real collection (FSRS on) with Basic, Cloze and a three-template vocabulary note type is reviewed with Anki's own
scheduler, its due dates spread, some cards suspended, buried and flagged, and exported with scheduling. After
``kb import anki`` every Anki card has its kb card, with the question and answer Anki renders for its template, the
same due day, memory state, reps and lapses, and the same suspended / buried / flag; a database rebuilt from the
journal alone keeps all of it.
"""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.anki.fields import html_to_markdown
from kb.cli import cli

pytest.importorskip("anki.collection")


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def vocab_notetype(col):
    """Word -> meaning and meaning -> word (a mirror pair), plus a third card asking for an example sentence."""
    mm = col.models
    m = mm.new("Vocab")
    for name in ("Word", "Meaning", "Example"):
        mm.add_field(m, mm.new_field(name))
    for name, qfmt, afmt in (
        ("Recognise", "{{Word}}", "{{FrontSide}}<hr id=answer>{{Meaning}}"),
        ("Recall", "{{Meaning}}", "{{FrontSide}}<hr id=answer>{{Word}}"),
        (
            "Use",
            "{{#Example}}Use <b>{{Word}}</b> in a sentence{{/Example}}",
            "{{FrontSide}}<hr id=answer>{{Example}}{{#Meaning}}<br><i>{{Meaning}}</i>{{/Meaning}}",
        ),
    ):
        t = mm.new_template(name)
        t["qfmt"], t["afmt"] = qfmt, afmt
        mm.add_template(m, t)
    mm.add(m)
    return mm.by_name("Vocab")


def build(folder: Path):
    from anki.collection import Collection

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    col.set_config("fsrs", True)
    spanish = col.decks.id("Languages::Spanish")
    science = col.decks.id("Science")
    vocab = vocab_notetype(col)
    words = [
        ("perro", "dog", "El perro ladra."),
        ("gato", "cat", ""),
        ("casa", "house", "Mi casa es tu casa."),
    ]
    words += [(f"palabra{i}", f"word {i}", f"Frase {i}.") for i in range(6)]
    for i, (word, meaning, example) in enumerate(words):
        note = col.new_note(vocab)
        note["Word"], note["Meaning"], note["Example"] = word, meaning, example
        note.tags = ["spanish", f"chapter{i % 3 + 1}"]
        col.add_note(note, spanish)
    basic, cloze = col.models.by_name("Basic"), col.models.by_name("Cloze")
    for i in range(8):
        note = col.new_note(basic)
        note["Front"], note["Back"] = f"Element {i}?", f"Symbol <b>{i}</b>"
        note.tags = ["chemistry"] if i % 2 else ["physics"]
        col.add_note(note, science)
    note = col.new_note(cloze)
    note["Text"] = "The {{c1::mitochondrion}} is the {{c2::powerhouse}} of the cell"
    col.add_note(note, science)

    # Review through Anki's own scheduler: every card answered, some easy (straight to review), some again.
    for deck in (spanish, science):
        col.decks.select(deck)
        for n in range(30):
            card = col.sched.getCard()
            if card is None:
                break
            card.start_timer()
            col.sched.answerCard(card, (4, 3, 4, 1, 2, 4)[n % 6])
    all_ids = sorted(col.find_cards(""))
    review = [cid for cid in all_ids if col.get_card(cid).type == 2]
    # Due dates spread as weeks of Anki use would leave them.
    for i, cid in enumerate(review):
        col.sched.set_due_date([cid], str(i % 17))
    col.sched.suspend_cards(all_ids[1:3])
    col.sched.bury_cards([all_ids[4]], manual=True)
    col.set_user_flag_for_cards(1, [all_ids[5]])
    col.set_user_flag_for_cards(4, [all_ids[7], all_ids[8]])
    return col


@pytest.fixture
def imported(kbroot, tmp_path):
    from anki.collection import ExportAnkiPackageOptions

    col = build(tmp_path / "anki")
    out = tmp_path / "deck.apkg"
    col.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=False, with_media=True, legacy=False
        ),
        limit=None,
    )
    result = invoke("import", "anki", str(out), "--json")
    assert result.exit_code == 0, result.output
    kb = kbroot.open()
    yield col, kb, json.loads(result.stdout)
    col.close()


def identities(kb) -> dict[int, str]:
    """Anki card id -> kb card id, from the schedule entries of the journal's import record."""
    from kb.review.imported import contents

    out = {}
    for path in kb.journal_dir.glob("*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            event = json.loads(line)
            if event["type"] == "import":
                for entry in contents(event)[1]:
                    out[entry["anki"]["cid"]] = entry["card"]
    return out


def kb_rows(kb) -> dict[str, dict]:
    conn = sqlite3.connect(kb.db)
    conn.row_factory = sqlite3.Row
    rows = {
        r["id"]: dict(r)
        for r in conn.execute(
            "SELECT c.id, c.kind, c.front, c.back, c.note, c.suspended, c.buried_until, c.flags, s.state, s.due, "
            "s.stability, s.difficulty, s.reps, s.lapses FROM cards c LEFT JOIN card_state s ON s.card_id = c.id"
        )
    }
    conn.close()
    return rows


def _question_answer(card) -> tuple[str, str]:
    """Anki's own rendering of a card, as Markdown: the question, and what the answer adds to it."""
    strip = re.compile(r"<style>.*?</style>", re.S)
    question = strip.sub("", card.question())
    answer = strip.sub("", card.answer())
    answer = re.split(r"<hr id=\"?answer\"?>", answer, maxsplit=1)[-1]
    return html_to_markdown(question).text, html_to_markdown(answer).text


def test_every_card_of_every_template_keeps_its_question_answer_and_schedule(imported):
    from kb.review.clock import review_day

    col, kb, report = imported
    anki_ids = sorted(col.find_cards(""))
    assert len(anki_ids) == 9 * 3 - 1 + 8 + 2  # gato has no example: Anki made no "Use" card for it
    rows = kb_rows(kb)
    scheduled = identities(kb)
    # every Anki card that was answered is now a kb card: none lost to the first template
    assert sum(report["cards"].values()) == len(anki_ids)
    assert len([r for r in rows.values() if r["note"].startswith("notes/imported/")]) == len(anki_ids)
    assert set(scheduled) == set(anki_ids) and report["schedules"] == len(anki_ids)

    today_kb = review_day(datetime.now(UTC), kb.settings.day_starts_at)
    cards = [col.get_card(cid) for cid in anki_ids]
    # the deck holds what the checks below are about: review cards with spread due days and memory states, learning
    # cards, new cards
    assert len({c.due for c in cards if c.type == 2}) >= 10
    assert sum(c.memory_state is not None for c in cards) >= 15
    assert {c.type for c in cards} >= {0, 1, 2}
    for cid in anki_ids:
        card = col.get_card(cid)
        row = rows[scheduled[cid]]
        question, answer = _question_answer(card)
        if card.note().note_type()["type"] == 1:  # cloze: kb shows the deletion its own way
            assert row["kind"] == "cloze"
        else:
            assert (row["front"], row["back"]) == (question, answer), card.template()["name"]
        # the schedule Anki had
        assert (row["reps"] or 0, row["lapses"] or 0) == (card.reps, card.lapses)
        if card.type == 2:
            due_day = review_day(datetime.fromisoformat(row["due"]), kb.settings.day_starts_at)
            assert (due_day - today_kb).days == card.due - col.sched.today, cid
            assert row["state"] == 2
        elif card.type in (1, 3) and card.queue == 1:  # learning: due in seconds
            assert datetime.fromisoformat(row["due"]).timestamp() == card.due
            assert row["state"] == card.type
        if card.memory_state is not None:
            assert row["stability"] == pytest.approx(card.memory_state.stability, rel=1e-3)
            assert row["difficulty"] == pytest.approx(card.memory_state.difficulty, rel=1e-3)
        assert bool(row["suspended"]) == (card.queue == -1)
        assert (row["buried_until"] is not None) == (card.queue in (-2, -3))
        flag = {0: None, 1: "flag:red", 4: "flag:blue"}[card.user_flag()]
        assert [f for f in json.loads(row["flags"]) if f.startswith("flag:")] == ([flag] if flag else [])


def test_the_templates_render_as_anki_renders_them(imported):
    col, kb, _ = imported
    text = (kb.notes / "imported" / "languages" / "spanish.md").read_text(encoding="utf-8")
    assert "perro:::dog" in text  # the mirror pair stays one reversed card
    assert "Use **perro** in a sentence::El perro ladra.  \n*dog*" in text or (
        "Use **perro** in a sentence\n?\nEl perro ladra.\n*dog*" in text
    )
    assert "Use **gato**" not in text  # Anki made no such card: no example


def test_a_rebuilt_database_keeps_every_schedule_and_flag(imported):
    col, kb, _ = imported
    before = kb_rows(kb)
    Path(kb.db).rename(kb.db.with_suffix(".old"))
    result = invoke("due", "--json")
    assert result.exit_code == 0, result.output
    assert kb_rows(kb) == before


def test_importing_again_adds_nothing(imported, tmp_path):
    col, kb, _ = imported
    sizes = {p.name: p.stat().st_size for p in kb.journal_dir.glob("*.jsonl")}
    again = invoke("import", "anki", str(tmp_path / "deck.apkg"), "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["schedules"] == 0
    assert {p.name: p.stat().st_size for p in kb.journal_dir.glob("*.jsonl")} == sizes
