"""Anki's review log into kb's journal (kb.anki.reviews): grades, which kb card each answer lands on, re-imports."""

from __future__ import annotations

import json

import pytest

from kb.anki.package import RevlogEntry
from kb.anki.plan import plan_import
from kb.anki.reviews import find_card, grade_for, review_uid
from kb.review.imported import contents
from tests.test_anki_plan import BASIC, CLOZE, REVERSED, Collection

DAY_MS = 86_400_000
START_MS = 1_700_000_000_000  # 2023-11-14


def answer(card_id: int, at_ms: int, ease: int = 3, kind: int = 1, time_ms: int = 4000) -> RevlogEntry:
    return RevlogEntry(id=at_ms, card_id=card_id, ease=ease, type=kind, time_ms=time_ms)


# --- grades ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("ease", "kind", "sched_ver", "grade"),
    [
        (1, 1, 2, 1),
        (4, 1, 2, 4),
        (3, 3, 2, 3),  # an answer in a filtered deck is an answer
        (5, 1, 2, 4),  # no fifth button: the best kb has
        (2, 2, 1, 3),  # first scheduler, relearning: three buttons, 2 was good
        (3, 0, 1, 4),  # first scheduler, learning: 3 was easy
        (2, 1, 1, 2),  # first scheduler, review: four buttons
        (0, 1, 2, None),  # rescheduled by hand: not an answer
        (3, 4, 2, None),
        (3, 5, 3, None),
    ],
)
def test_grade_for(ease, kind, sched_ver, grade):
    assert grade_for(answer(1, 0, ease, kind), sched_ver) == grade


def test_review_uid_comes_from_anki_ids():
    assert review_uid(answer(42, 1_700_000_000_123)) == "anki-42-1700000000123"


# --- answers onto kb cards -------------------------------------------------------------------------------------


def import_reviews(kb, conn, notes, revlog, sched_ver):
    """The package of the ``imported`` fixture with this review log (its cards are new in Anki)."""
    from dataclasses import replace

    from kb.anki.reviews import import_reviews as run

    return run(kb, conn, notes, replace(PACKAGE[0], revlog=tuple(revlog), sched_ver=sched_ver))


PACKAGE: list = []  # the package the ``imported`` fixture planned


@pytest.fixture
def imported(kbroot):
    """A planned and written deck (basic, reversed, cloze), the plan's note, the Anki card ids, kb and a store."""
    from kb.store.connection import open_store

    col = Collection()
    [basic] = col.add(BASIC, "Deck", "perro", "dog")
    forward, backward = col.add(REVERSED, "Deck", "Cue", "Trigger", ords=(0, 1))
    first, third = col.add(CLOZE, "Deck", "{{c1::Paris}} is in {{c3::France}}", "", ords=(0, 2))
    package = col.package()
    PACKAGE[:] = [package]
    [note] = plan_import(package, "notes/imported").notes
    kbroot.write("imported/deck.md", note.text)
    kb = kbroot.open()
    conn = open_store(kb.db)
    yield {
        "kb": kb,
        "conn": conn,
        "note": note,
        "package": package,
        "ids": {"basic": basic, "forward": forward, "backward": backward, "c1": first, "c3": third},
    }
    conn.close()


def kb_card(conn, card_id):
    return conn.execute(
        "SELECT kind, front, back, cloze_index FROM cards WHERE id = ?", (card_id,)
    ).fetchone()


def test_each_anki_card_finds_its_kb_card(imported):
    from kb.index.indexer import index

    kb, conn, note, ids = imported["kb"], imported["conn"], imported["note"], imported["ids"]
    index(kb, conn)
    spots = {s.anki_card_id: s for s in note.spots}
    found = {name: kb_card(conn, find_card(conn, spots[anki_id])) for name, anki_id in ids.items()}
    assert found["basic"][:3] == ("basic", "perro", "dog")
    assert found["forward"][:3] == ("reversed", "Cue", "Trigger")
    assert found["backward"][:3] == ("reversed", "Trigger", "Cue")
    assert (found["c1"][0], found["c1"][3]) == ("cloze", 1)
    assert (found["c3"][0], found["c3"][3]) == ("cloze", 3)


def test_answers_are_recorded_oldest_first_with_their_time_and_grade(imported):
    kb, conn, note, ids = imported["kb"], imported["conn"], imported["note"], imported["ids"]
    revlog = (
        answer(ids["backward"], START_MS + 2 * DAY_MS, ease=4),
        answer(ids["basic"], START_MS, ease=1, time_ms=0),
        answer(ids["c3"], START_MS + DAY_MS, ease=3),
        answer(ids["basic"], START_MS + 3 * DAY_MS, ease=0, kind=4),  # a due date set by hand
    )
    result = import_reviews(kb, conn, [note], revlog, 2)
    assert (result.added, result.already_imported, result.problems) == (3, 0, [])
    rows = conn.execute(
        "SELECT c.front, r.grade, r.reviewed_at, r.source FROM reviews r JOIN cards c ON c.id = r.card_id "
        "ORDER BY r.reviewed_at"
    ).fetchall()
    assert [(front, grade) for front, grade, _, _ in rows] == [
        ("perro", 1),
        ("Paris is in [...]", 3),
        ("Trigger", 4),
    ]
    assert rows[0][2].startswith("2023-11-14T22:13:20")
    assert {row[3] for row in rows} == {"anki-import"}
    journal = [
        json.loads(line) for f in kb.journal_dir.glob("*.jsonl") for line in f.read_text().splitlines()
    ]
    # one compressed line holds the import: the answers' ids are Anki's, and no answer has a line of its own
    assert [e["type"] for e in journal] == ["import"]
    assert sorted(contents(journal[0])[0]) == sorted(review_uid(e) for e in revlog if e.type != 4)


def test_importing_the_same_history_again_adds_nothing(imported):
    kb, conn, note, ids = imported["kb"], imported["conn"], imported["note"], imported["ids"]
    revlog = (answer(ids["basic"], START_MS), answer(ids["forward"], START_MS + DAY_MS))
    assert import_reviews(kb, conn, [note], revlog, 2).added == 2
    again = import_reviews(kb, conn, [note], revlog, 2)
    assert (again.added, again.already_imported) == (0, 2)
    assert conn.execute("SELECT count() FROM reviews").fetchone()[0] == 2


def test_answers_of_cards_outside_the_imported_notes_are_ignored(imported):
    kb, conn, note, ids = imported["kb"], imported["conn"], imported["note"], imported["ids"]
    revlog = (answer(ids["basic"], START_MS), answer(999_999, START_MS + 1))
    result = import_reviews(kb, conn, [note], revlog, 2)
    assert (result.added, result.problems) == (1, [])


def test_answers_whose_card_kb_cannot_find_are_counted_as_a_problem(imported, kbroot):
    kb, conn, note, ids = imported["kb"], imported["conn"], imported["note"], imported["ids"]
    kbroot.write("imported/deck.md", note.text.replace("perro::dog", "perro and dog"))  # the card is gone
    result = import_reviews(
        kb, conn, [note], (answer(ids["basic"], START_MS), answer(ids["c1"], START_MS + 1)), 2
    )
    assert result.added == 1
    assert result.problems == [
        "1 review(s) not imported: kb found no card for them in the imported notes (run kb check)"
    ]


def test_a_log_without_answers_records_no_answer(imported):
    kb, conn, note, ids = imported["kb"], imported["conn"], imported["note"], imported["ids"]
    result = import_reviews(kb, conn, [note], (answer(ids["basic"], START_MS, ease=0, kind=5),), 2)
    # no answer recorded; each card's Anki identity (and its state: new) is
    assert tuple(result) == (0, 0, [], 5)
    assert conn.execute("SELECT count() FROM reviews").fetchone()[0] == 0
    assert conn.execute("SELECT count() FROM card_state").fetchone()[0] == 0
