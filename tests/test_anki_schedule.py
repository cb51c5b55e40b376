"""kb.anki.schedule, pure: kb card states and reviews -> Anki's card columns and review log rows."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from kb.anki.schedule import (
    EPOCH_DAY,
    DayRules,
    KbReview,
    KbSchedule,
    RevlogRow,
    card_columns,
    revlog_rows,
    unique_revlog_ids,
)
from kb.review.clock import iso
from kb.review.scheduler import CardState

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)
RULES = DayRules(
    now=NOW, day_starts_at=4, tz=UTC, desired_retention=0.9, learning_steps=2, relearning_steps=1
)
TODAY = (NOW.date() - EPOCH_DAY).days


def state(
    kind: int, due: datetime, *, step=None, last=NOW - timedelta(days=5), reps=3, lapses=0
) -> CardState:
    return CardState(kind, step, 12.3456789, 5.4321, iso(due), iso(last), reps, lapses)


def test_a_new_card_keeps_its_place_in_the_new_queue():
    cols = card_columns(KbSchedule(None), RULES, 7)
    assert (cols.type, cols.queue, cols.due, cols.reps, cols.data) == (0, 0, 7, 0, "")
    assert card_columns(KbSchedule(None, suspended=True), RULES, 7).queue == -1


def test_a_review_card_is_due_on_the_same_review_day_with_its_memory_state():
    cols = card_columns(KbSchedule(state(2, NOW + timedelta(days=3))), RULES, 1)
    assert (cols.type, cols.queue, cols.due, cols.ivl) == (2, 2, TODAY + 3, 8)
    assert (cols.reps, cols.lapses) == (3, 0)
    data = json.loads(cols.data)
    assert data == {"s": 12.3457, "d": 5.432, "dr": 0.9, "lrt": int((NOW - timedelta(days=5)).timestamp())}


def test_review_days_start_at_day_starts_at():
    # 02:00 the next morning still belongs to today's review day
    cols = card_columns(KbSchedule(state(2, NOW + timedelta(hours=11))), RULES, 1)
    assert cols.due == TODAY


def test_learning_due_today_is_due_in_seconds_and_later_days_in_days():
    soon = NOW + timedelta(minutes=10)
    cols = card_columns(KbSchedule(state(1, soon, step=1)), RULES, 1)
    assert (cols.type, cols.queue, cols.due, cols.left) == (1, 1, int(soon.timestamp()), 1)
    later = card_columns(KbSchedule(state(3, NOW + timedelta(days=2), step=0, lapses=2)), RULES, 1)
    assert (later.type, later.queue, later.due, later.left, later.lapses) == (3, 3, TODAY + 2, 1, 2)


def test_held_cards():
    review = state(2, NOW + timedelta(days=3))
    assert card_columns(KbSchedule(review, suspended=True, leech=True), RULES, 1).queue == -1
    assert card_columns(KbSchedule(review, buried_until=iso(NOW + timedelta(hours=14))), RULES, 1).queue == -3
    assert card_columns(KbSchedule(review, buried_until=iso(NOW - timedelta(hours=1))), RULES, 1).queue == 2
    # a held learning card is due in seconds: Anki would not move a day number it does not know is one
    learning = card_columns(KbSchedule(state(1, NOW + timedelta(days=2), step=0), suspended=True), RULES, 1)
    assert (learning.queue, learning.due) == (-1, int((NOW + timedelta(days=2)).timestamp()))


def test_each_review_is_a_revlog_row_with_anki_units():
    t0 = NOW - timedelta(days=10)
    first = state(1, t0 + timedelta(minutes=10), step=1, last=t0, reps=1)
    second = state(2, t0 + timedelta(days=4), last=t0 + timedelta(minutes=10), reps=2)
    lapse = state(3, NOW + timedelta(minutes=10), step=0, last=NOW, reps=3, lapses=1)
    reviews = (
        KbReview(iso(t0), 3, 4200, None, first),
        KbReview(iso(t0 + timedelta(minutes=10)), 3, None, first, second),
        KbReview(iso(NOW), 1, 99_999_999_999, second, lapse),
    )
    rows = revlog_rows(KbSchedule(lapse, reviews=reviews), RULES)
    assert [r.type for r in rows] == [0, 0, 1]  # learn, learn, review
    assert [r.ease for r in rows] == [3, 3, 1]
    assert rows[0].ivl == -600 and rows[0].last_ivl == 0
    assert rows[1].ivl == 4 and rows[1].last_ivl < 0
    assert rows[2].ivl == -600 and rows[2].last_ivl == 4
    assert rows[0].factor == round(((5.4321 - 1) / 9 + 0.1) * 1000)
    assert rows[0].time_ms == 4200 and rows[1].time_ms == 0 and rows[2].time_ms == 2**31 - 1
    assert rows[0].at_ms == int(t0.timestamp() * 1000)


def test_revlog_ids_are_unique_and_stable():
    row = RevlogRow(1000, 3, 1, 0, 500, 10, 0)
    ids = unique_revlog_ids([(2, row), (1, row), (3, row)])
    assert [(rid, cid) for rid, cid, _ in ids] == [(1000, 1), (1001, 2), (1002, 3)]
