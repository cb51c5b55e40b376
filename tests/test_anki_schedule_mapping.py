"""kb.anki.schedule and kb.anki.notetypes: the edges of the mapping between kb and Anki.

Review days around ``day_starts_at`` (and in a local zone), learning cards due exactly at the rollover, step counts,
held cards, revlog units and ids, FSRS memory in ``data``, filling a bare collection; and note types whose templates
type in the answer, filter a cloze field or cannot be mapped at all.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, date, datetime, timedelta, timezone

from kb.anki.exporter import CLOZE_MODEL_ID
from kb.anki.notetypes import ClozeMapping, Sides, SidesMapping, map_notetype, template_fields
from kb.anki.package import NoteType, Template
from kb.anki.schedule import (
    EPOCH_CRT,
    EPOCH_DAY,
    DayRules,
    KbReview,
    KbSchedule,
    RevlogRow,
    card_columns,
    collection_conf,
    fill_collection,
    revlog_rows,
    unique_revlog_ids,
)
from kb.review.clock import iso
from kb.review.scheduler import LEARNING, RELEARNING, REVIEW, CardState

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
RULES = DayRules(now=NOW, day_starts_at=4, tz=UTC)
TODAY = (date(2026, 3, 10) - EPOCH_DAY).days


def st(kind, due, *, step=None, s=20.0, d=6.0, last=NOW - timedelta(days=4), reps=4, lapses=0) -> CardState:
    return CardState(kind, step, s, d, iso(due), iso(last) if last else None, reps, lapses)


def cols(state, rules=RULES, **flags):
    return card_columns(KbSchedule(state, **flags), rules, 1)


# --- days ------------------------------------------------------------------------------------------------------


def test_the_collection_is_created_on_day_zero_with_kbs_rollover():
    assert RULES.anki_day(datetime.fromtimestamp(EPOCH_CRT, UTC)) == 0
    assert collection_conf(DayRules(now=NOW, day_starts_at=7)) == {
        "schedVer": 2,
        "rollover": 7,
        "creationOffset": 0,
    }


def test_a_review_due_exactly_at_the_rollover_belongs_to_that_day():
    at_rollover = datetime(2026, 3, 12, 4, 0, tzinfo=UTC)
    assert cols(st(REVIEW, at_rollover)).due == TODAY + 2
    assert cols(st(REVIEW, at_rollover - timedelta(microseconds=1))).due == TODAY + 1


def test_review_days_follow_the_local_zone_and_its_day_start():
    # 23:30 UTC is 01:30 the next day in UTC+2; with days starting at midnight that is already the next day
    plus_two = timezone(timedelta(hours=2))
    due = datetime(2026, 3, 12, 23, 30, tzinfo=UTC)
    assert cols(st(REVIEW, due), DayRules(now=NOW, day_starts_at=0, tz=plus_two)).due == TODAY + 3
    # ... but with days starting at 04:00 local, 01:30 still counts as the 12th
    assert cols(st(REVIEW, due), DayRules(now=NOW, day_starts_at=4, tz=plus_two)).due == TODAY + 2
    assert cols(st(REVIEW, due), DayRules(now=NOW, day_starts_at=0, tz=UTC)).due == TODAY + 2


def test_review_interval_counts_review_days_not_hours():
    # reviewed at 03:00 (still yesterday's review day), due at 05:00 the same morning: one day apart
    last = datetime(2026, 3, 15, 3, 0, tzinfo=UTC)
    card = cols(st(REVIEW, datetime(2026, 3, 15, 5, 0, tzinfo=UTC), last=last))
    assert (card.type, card.queue, card.ivl, card.due) == (2, 2, 1, TODAY + 5)
    # an overdue review keeps its past day number; its interval is still at least one day
    overdue = cols(st(REVIEW, NOW - timedelta(days=3), last=NOW - timedelta(days=3, hours=2)))
    assert (overdue.due, overdue.ivl) == (TODAY - 3, 1)
    assert cols(st(REVIEW, NOW + timedelta(days=9), last=None)).ivl == 1


# --- learning and relearning --------------------------------------------------------------------------------------


def test_learning_due_at_the_next_rollover_moves_to_the_day_queue():
    rollover = datetime(2026, 3, 11, 4, 0, tzinfo=UTC)
    at = cols(st(LEARNING, rollover, step=0))
    assert (at.type, at.queue, at.due, at.ivl) == (1, 3, TODAY + 1, 0)
    before = cols(st(LEARNING, rollover - timedelta(seconds=1), step=0))
    assert (before.queue, before.due) == (1, int(rollover.timestamp()) - 1)


def test_an_overdue_learning_card_is_due_now_in_seconds():
    late = NOW - timedelta(hours=30)
    card = cols(st(LEARNING, late, step=1))
    assert (card.queue, card.due) == (1, int(late.timestamp()))


def test_steps_left():
    due = NOW + timedelta(minutes=5)
    rules = DayRules(now=NOW, tz=UTC, learning_steps=3, relearning_steps=2)
    assert [cols(st(LEARNING, due, step=s), rules).left for s in (None, 0, 1, 2, 7)] == [3, 3, 2, 1, 1]
    assert [cols(st(RELEARNING, due, step=s), rules).left for s in (None, 0, 1, 5)] == [2, 2, 1, 1]
    assert cols(st(REVIEW, NOW + timedelta(days=2)), rules).left == 0


def test_relearning_keeps_its_stability_as_interval():
    due = NOW + timedelta(minutes=10)
    assert cols(st(RELEARNING, due, step=0, s=3.6, lapses=2)).ivl == 4
    assert cols(st(RELEARNING, due, step=0, s=0.2)).ivl == 1
    assert cols(st(RELEARNING, due, step=0, s=None, d=None)).ivl == 1
    card = cols(st(RELEARNING, due, step=0, reps=11, lapses=3))
    assert (card.type, card.reps, card.lapses, card.factor) == (3, 11, 3, 2500)


# --- held cards ----------------------------------------------------------------------------------------------------


def test_burying_ends_exactly_at_its_time():
    review = st(REVIEW, NOW + timedelta(days=1))
    assert cols(review, buried_until=iso(NOW)).queue == 2
    assert cols(review, buried_until=iso(NOW + timedelta(microseconds=1))).queue == -3


def test_suspension_wins_over_burying_and_a_leech_alone_is_not_held():
    review = st(REVIEW, NOW + timedelta(days=1))
    assert cols(review, suspended=True, buried_until=iso(NOW + timedelta(hours=5))).queue == -1
    assert cols(review, leech=True).queue == 2
    assert card_columns(KbSchedule(None, buried_until=iso(NOW + timedelta(hours=5))), RULES, 4).queue == 0


def test_a_buried_learning_card_for_a_later_day_keeps_seconds():
    due = NOW + timedelta(days=2)
    card = cols(st(LEARNING, due, step=0), buried_until=iso(NOW + timedelta(hours=13)))
    assert (card.queue, card.due) == (-3, int(due.timestamp()))


def test_new_cards_keep_their_position_and_nothing_else():
    for position in (1, 250, 100_000):
        card = card_columns(KbSchedule(None, leech=True), RULES, position)
        assert (card.type, card.queue, card.due, card.ivl, card.factor, card.left) == (
            0,
            0,
            position,
            0,
            0,
            0,
        )


# --- memory state ----------------------------------------------------------------------------------------------------


def test_memory_state_parts():
    last = datetime(2026, 3, 6, 9, 30, tzinfo=UTC)
    rules = DayRules(now=NOW, tz=UTC, desired_retention=0.85)
    full = json.loads(cols(st(REVIEW, NOW + timedelta(days=3), s=1.23456, d=9.87654, last=last), rules).data)
    assert full == {"s": 1.2346, "d": 9.877, "dr": 0.85, "lrt": int(last.timestamp())}
    # without stability or difficulty Anki has no memory state, only the last review time
    assert json.loads(cols(st(REVIEW, NOW + timedelta(days=3), s=None, last=last)).data) == {
        "lrt": int(last.timestamp())
    }
    assert cols(st(LEARNING, NOW + timedelta(minutes=1), step=0, s=None, d=None, last=None)).data == ""


# --- review log --------------------------------------------------------------------------------------------------


def test_revlog_types_units_and_factor_bounds():
    t0 = datetime(2026, 2, 1, 3, 30, 0, 250_000, tzinfo=UTC)  # before 04:00: the review day of Jan 31
    review = st(REVIEW, datetime(2026, 2, 3, 10, tzinfo=UTC), d=1.0, last=t0 - timedelta(days=2))
    relearn = st(RELEARNING, t0 + timedelta(minutes=10), step=0, d=10.0, last=t0, lapses=1)
    again = st(
        RELEARNING, t0 + timedelta(minutes=40), step=0, d=None, last=t0 + timedelta(minutes=10), lapses=1
    )
    reviews = (
        KbReview(iso(t0), 1, -50, review, relearn),
        KbReview(iso(t0 + timedelta(minutes=10)), 1, 1500, relearn, again),
    )
    first, second = revlog_rows(KbSchedule(again, reviews=reviews), RULES)
    assert (first.type, second.type) == (1, 2)  # from review: review; from relearning: relearn
    assert first.at_ms == int(t0.timestamp()) * 1000 + 250
    # the review card's last review (Jan 30, 03:30) counts as Jan 29's review day; it was due Feb 3
    assert first.last_ivl == (date(2026, 2, 3) - date(2026, 1, 29)).days
    assert (first.ivl, second.ivl, second.last_ivl) == (-600, -1800, -600)
    assert (first.factor, second.factor) == (1100, 0)
    assert (first.time_ms, second.time_ms) == (0, 1500)


def test_a_review_counts_days_from_the_review_day_it_was_answered_on():
    at = datetime(2026, 2, 10, 2, 0, tzinfo=UTC)  # still Feb 9's review day
    after = st(REVIEW, datetime(2026, 2, 12, 12, tzinfo=UTC), d=5.5, last=at)
    (row,) = revlog_rows(KbSchedule(after, reviews=(KbReview(iso(at), 4, 800, None, after),)), RULES)
    assert (row.type, row.ease, row.ivl, row.last_ivl) == (0, 4, 3, 0)
    assert row.factor == 600


def test_a_learning_step_due_at_its_answer_is_one_second():
    at = NOW - timedelta(hours=1)
    after = st(LEARNING, at, step=1, last=at)
    before = st(LEARNING, at, step=0, last=None)
    (row,) = revlog_rows(KbSchedule(after, reviews=(KbReview(iso(at), 3, 100, before, after),)), RULES)
    assert (row.type, row.ivl, row.last_ivl) == (0, -1, 0)


def test_revlog_ids_collide_into_the_next_millisecond_in_order():
    def row(ms):
        return RevlogRow(ms, 3, 1, 0, 500, 10, 1)

    out = unique_revlog_ids([(5, row(1000)), (1, row(1001)), (2, row(1000)), (9, row(2000))])
    assert [(rid, cid, r.at_ms) for rid, cid, r in out] == [
        (1000, 2, 1000),
        (1001, 5, 1000),
        (1002, 1, 1001),
        (2000, 9, 2000),
    ]
    assert unique_revlog_ids([]) == []


# --- a bare collection -------------------------------------------------------------------------------------------


def bare_collection() -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.executescript(
        """
        CREATE TABLE col (crt INTEGER, conf TEXT);
        CREATE TABLE notes (id INTEGER PRIMARY KEY, guid TEXT, tags TEXT);
        CREATE TABLE cards (id INTEGER PRIMARY KEY, nid INTEGER, ord INTEGER, type INTEGER DEFAULT 0,
            queue INTEGER DEFAULT 0, due INTEGER DEFAULT 0, ivl INTEGER DEFAULT 0, factor INTEGER DEFAULT 0,
            reps INTEGER DEFAULT 0, lapses INTEGER DEFAULT 0, left INTEGER DEFAULT 0, data TEXT DEFAULT '');
        CREATE TABLE revlog (id INTEGER PRIMARY KEY, cid INTEGER, usn INTEGER, ease INTEGER, ivl INTEGER,
            lastIvl INTEGER, factor INTEGER, time INTEGER, type INTEGER);
        INSERT INTO col VALUES (0, '{"curDeck": 1, "rollover": 0}');
        INSERT INTO notes VALUES (10, 'gA', ' leech hard '), (20, 'gB', ''), (30, 'gC', ' mine ');
        INSERT INTO cards (id, nid, ord) VALUES (101, 10, 0), (201, 20, 1), (200, 20, 0), (301, 30, 0);
        """
    )
    return db


def test_filling_a_collection():
    at = NOW - timedelta(days=2)
    learned = st(REVIEW, NOW + timedelta(days=3), last=at)
    first = KbReview(iso(at), 3, 2000, None, learned)
    schedules = {
        "leech": KbSchedule(learned, suspended=True, leech=True, reviews=(first,)),
        "new": KbSchedule(None),
        "buried": KbSchedule(learned, buried_until=iso(NOW + timedelta(hours=3)), reviews=(first,)),
    }
    kb_cards = {("gA", 0): "leech", ("gB", 1): "new", ("gC", 0): "buried"}
    db = bare_collection()
    filled = fill_collection(db, kb_cards, schedules, RULES)
    assert (filled.cards, filled.revlog, filled.suspended, filled.buried) == (2, 2, 1, 1)
    crt, conf = db.execute("SELECT crt, conf FROM col").fetchone()
    assert crt == EPOCH_CRT
    assert json.loads(conf) == {"curDeck": 1, "rollover": 4, "schedVer": 2, "creationOffset": 0}
    by_id = {r[0]: r[1:] for r in db.execute("SELECT id, type, queue, due FROM cards")}
    # positions follow note id then template ord; the card kb does not know still gets its place
    assert by_id[200] == (0, 0, 2) and by_id[201] == (0, 0, 3)
    assert by_id[101] == (2, -1, TODAY + 3) and by_id[301] == (2, -3, TODAY + 3)
    tags = dict(db.execute("SELECT id, tags FROM notes"))
    assert tags == {10: " leech hard ", 20: "", 30: " mine "}  # an existing leech tag is not repeated
    # both cards were answered in the same millisecond: two rows, ids one apart, lower card id first
    log = db.execute("SELECT id, cid, usn, ease, time, type FROM revlog ORDER BY id").fetchall()
    ms = int(at.timestamp() * 1000)
    assert log == [(ms, 101, -1, 3, 2000, 0), (ms + 1, 301, -1, 3, 2000, 0)]


def test_a_leech_gets_its_tag_once_per_note():
    db = bare_collection()
    db.execute("UPDATE cards SET nid = 30 WHERE id = 101")  # two cards of note 30, both leeches
    leech = KbSchedule(st(REVIEW, NOW + timedelta(days=1)), suspended=True, leech=True)
    filled = fill_collection(db, {("gC", 0): "a"}, {"a": leech}, RULES)
    assert filled.suspended == 2
    assert db.execute("SELECT tags FROM notes WHERE id = 30").fetchone() == (" mine leech ",)


# --- note types --------------------------------------------------------------------------------------------------


def test_a_typed_in_answer_on_the_front_is_the_answer():
    nt = NoteType(
        40,
        "Basic (type in the answer)",
        "normal",
        ("Front", "Back"),
        (Template("Card 1", "{{Front}}\n\n{{type:Back}}", "{{Front}}<hr id=answer>{{type:Back}}"),),
    )
    assert map_notetype(nt) == SidesMapping((Sides((0,), (1,)),))


def test_answer_fields_come_in_order_once_and_never_from_the_question():
    fields = ("Word", "Meaning", "Example", "Audio")
    refs = template_fields("{{Example}}{{ text:Meaning }}{{Audio}}{{Meaning}}{{type:Word}}", fields)
    assert refs == (["Example", "Meaning", "Audio"], ["Word"])
    nt = NoteType(
        41,
        "Vocab",
        "normal",
        fields,
        (Template("c", "{{Word}}", "{{FrontSide}}{{Example}}{{Meaning}}{{Example}}{{Word}}{{Audio}}"),),
    )
    assert map_notetype(nt) == SidesMapping((Sides((0,), (2, 1, 3)),))


def test_a_template_kb_cannot_map_is_none_beside_those_it_can():
    fields = ("Front", "Back")
    nt = NoteType(
        42,
        "Mixed",
        "normal",
        fields,
        (
            Template("ok", "{{Front}}", "{{FrontSide}}{{Back}}"),
            Template("no answer", "{{Front}}", "{{FrontSide}}"),
            Template("no question", "{{#Back}}shown{{/Back}}", "{{Back}}"),
        ),
    )
    assert map_notetype(nt) == SidesMapping((Sides((0,), (1,)), None, None))
    hopeless = NoteType(43, "Hopeless", "normal", fields, (nt.templates[1],))
    reason = map_notetype(hopeless)
    assert isinstance(reason, str) and "'Hopeless'" in reason and "question" in reason


def test_cloze_with_filters_and_the_text_field_elsewhere():
    nt = NoteType(
        44,
        "Cloze+",
        "cloze",
        ("Source", "Text", "Back Extra"),
        (Template("Cloze", "{{edit:cloze:Text}}", "{{cloze:Text}}<br>{{Back Extra}}{{Source}}"),),
    )
    assert map_notetype(nt) == ClozeMapping(text=1, extra=(2, 0))
    # kb's own cloze type: its Source field is a breadcrumb, never an extra
    kb_cloze = NoteType(CLOZE_MODEL_ID, "kb Cloze", "cloze", nt.fields, nt.templates)
    assert map_notetype(kb_cloze) == ClozeMapping(text=1, extra=(2,))


def test_cloze_reasons_name_the_note_type():
    missing = NoteType(45, "Broken", "cloze", ("Text",), (Template("c", "{{cloze:Txt}}", "{{cloze:Txt}}"),))
    assert "'Broken'" in map_notetype(missing) and "{{cloze:Field}}" in map_notetype(missing)
    io = NoteType(
        46,
        "My masks",
        "cloze",
        ("Image",),
        (Template("c", '<div id="image-occlusion">{{cloze:Image}}</div>', ""),),
    )
    assert "image occlusion" in map_notetype(io)
