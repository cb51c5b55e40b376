"""The pure scheduler: day boundaries across time zones, seeded fuzz, previews, settings validation."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.config import Settings, make_settings
from kb.errors import KbError
from kb.review.clock import day_start, iso, next_day_start, parse_iso, review_day
from kb.review.scheduler import (
    REVIEW,
    answer,
    format_interval,
    make_scheduler,
    preview,
)

NY = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")


def test_day_starts_at_local_hour_not_utc_midnight():
    # 03:30 in New York (08:30 UTC) is still the previous review day when days start at 4 am
    at = datetime(2026, 6, 10, 7, 30, tzinfo=UTC)
    assert review_day(at, 4, NY) == date(2026, 6, 9)
    assert next_day_start(at, 4, NY) == datetime(2026, 6, 10, 8, 0, tzinfo=UTC)  # 4 am EDT
    assert review_day(at, 4, TOKYO) == date(2026, 6, 10)
    assert day_start(at, 4, TOKYO) == datetime(2026, 6, 9, 19, 0, tzinfo=UTC)


def test_dst_change_gives_a_23_hour_day():
    # New York springs forward at 2 am on 2026-03-08: the review day from 4 am on the 7th is 23 hours long
    start = day_start(datetime(2026, 3, 7, 12, tzinfo=UTC), 4, NY)
    end = next_day_start(datetime(2026, 3, 7, 12, tzinfo=UTC), 4, NY)
    assert end - start == timedelta(hours=23)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)),
    st.integers(0, 23),
    st.sampled_from([NY, TOKYO, UTC, ZoneInfo("Europe/Paris")]),
)
def test_every_moment_lies_in_its_review_day(moment, hour, tz):
    start, end = day_start(moment, hour, tz), next_day_start(moment, hour, tz)
    assert start <= moment < end
    assert timedelta(hours=22) <= end - start <= timedelta(hours=26)


def review_state(stability=30.0):
    at = datetime(2026, 1, 1, tzinfo=UTC)
    from kb.review.scheduler import CardState

    return CardState(REVIEW, None, stability, 5.0, iso(at + timedelta(days=30)), iso(at), 5, 0)


def test_fuzz_is_deterministic_per_review_and_varies_between_reviews():
    sched = make_scheduler(Settings())
    at = datetime(2026, 1, 31, tzinfo=UTC)
    state = review_state()
    first = answer(sched, state, 3, at, card_id="c1", review_id="r1")
    assert answer(sched, state, 3, at, card_id="c1", review_id="r1") == first
    dues = {answer(sched, state, 3, at, card_id="c1", review_id=f"r{i}").due for i in range(40)}
    assert len(dues) > 3  # fuzz is real, spread over several days


def test_seeded_fuzz_leaves_the_global_random_generator_alone():
    import random

    sched = make_scheduler(Settings())
    random.seed(7)
    expected = [random.random() for _ in range(3)]
    random.seed(7)
    answer(sched, review_state(), 3, datetime(2026, 1, 31, tzinfo=UTC), card_id="c", review_id="r")
    assert [random.random() for _ in range(3)] == expected


def test_preview_shows_what_each_grade_gives():
    sched = make_scheduler(Settings())
    at = datetime(2026, 1, 31, tzinfo=UTC)
    intervals = preview(sched, None, at, card_id="c", review_id="r")
    assert [format_interval(intervals[g]) for g in (1, 2, 3)] == ["1m", "6m", "10m"]
    assert intervals[4] >= timedelta(days=1)
    for g in (1, 2, 3, 4):
        assert answer(sched, None, g, at, card_id="c", review_id="r").due_at - at == intervals[g]


def test_settings_steps_and_retention_are_used():
    settings = make_settings({"learning_steps": ["5m"], "desired_retention": 0.8})
    sched = make_scheduler(settings)
    at = datetime(2026, 1, 31, tzinfo=UTC)
    assert answer(sched, None, 1, at, card_id="c", review_id="r").due_at - at == timedelta(minutes=5)
    low = make_scheduler(make_settings({"desired_retention": 0.75}))
    high = make_scheduler(make_settings({"desired_retention": 0.97}))
    s = review_state(100.0)
    a_low = answer(low, s, 3, at, card_id="c", review_id="r").due_at
    a_high = answer(high, s, 3, at, card_id="c", review_id="r").due_at
    assert a_low > a_high


@pytest.mark.parametrize("value", [0.5, 0.995, "high"])
def test_desired_retention_outside_range_is_a_clear_error(value):
    with pytest.raises(KbError, match="desired_retention"):
        make_settings({"desired_retention": value})


def test_format_interval():
    assert [
        format_interval(timedelta(seconds=s)) for s in (30, 600, 7200, 3 * 86400, 65 * 86400, 800 * 86400)
    ] == ["<1m", "10m", "2h", "3d", "2.2mo", "2.2y"]


def test_iso_round_trip_and_sorting():
    a = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)
    assert parse_iso(iso(a)) == a
    assert iso(a) < iso(a + timedelta(microseconds=1)) < iso(a + timedelta(days=1))
    assert parse_iso("2026-01-01T12:00:00Z") == a
