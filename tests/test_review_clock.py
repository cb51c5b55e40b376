"""The clock: $KB_NOW and $KB_TZ, review-day boundaries with day_starts_at, stored times, and everyone using them."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from kb.errors import KbError
from kb.review.clock import (
    day_start,
    day_starts,
    iso,
    local_zone,
    next_day_start,
    now,
    parse_iso,
    review_day,
    start_of,
)
from tests.review_helpers import add_card, open_conn, review_kb

PARIS = ZoneInfo("Europe/Paris")
KIRITIMATI = ZoneInfo(
    "Pacific/Kiritimati"
)  # UTC+14: its review day is a calendar day ahead of UTC's most hours


# ---------------------------------------------------------------------------------------------------- now, zone
def test_kb_now_fixes_the_time_in_utc(monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-03-02T10:00:00+01:00")
    assert now() == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert now().tzinfo == UTC
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    assert now() == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_kb_now_without_zone_is_utc(monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00")
    assert now() == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_a_bad_kb_now_is_a_clear_error(monkeypatch):
    monkeypatch.setenv("KB_NOW", "yesterday")
    with pytest.raises(KbError, match="KB_NOW='yesterday' is not an ISO 8601 time"):
        now()


def test_without_kb_now_the_clock_runs(monkeypatch):
    monkeypatch.delenv("KB_NOW", raising=False)
    before = datetime.now(UTC)
    assert before <= now() <= datetime.now(UTC)


def test_kb_tz_names_the_zone(monkeypatch):
    monkeypatch.delenv("KB_TZ", raising=False)
    assert local_zone() is None  # the machine's zone
    monkeypatch.setenv("KB_TZ", "Europe/Paris")
    assert local_zone() == PARIS
    monkeypatch.setenv("KB_TZ", "Mars/Olympus_Mons")
    with pytest.raises(KbError, match="KB_TZ='Mars/Olympus_Mons' is not a time zone name"):
        local_zone()


# ---------------------------------------------------------------------------------------------------- stored times
def test_iso_is_utc_with_microseconds_whatever_the_zone_given():
    moment = datetime(2026, 3, 2, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    assert iso(moment) == "2026-03-02T09:00:00.000000+00:00"
    with pytest.raises(ValueError, match="aware"):
        iso(datetime(2026, 3, 2, 9, 0))


def test_parse_iso_reads_other_tools_times():
    assert parse_iso("2026-03-02T09:00:00Z") == datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert parse_iso("2026-03-02T10:00:00+01:00") == datetime(2026, 3, 2, 9, tzinfo=UTC)
    assert parse_iso("2026-03-02T09:00:00").tzinfo == UTC


# ---------------------------------------------------------------------------------------------------- review days
def test_the_day_starts_exactly_at_day_starts_at():
    start = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)  # 4 am in Paris (UTC+1 in March)
    assert review_day(start, 4, PARIS) == date(2026, 3, 2)
    assert review_day(start - timedelta(microseconds=1), 4, PARIS) == date(2026, 3, 1)
    assert day_start(start, 4, PARIS) == start
    assert next_day_start(start - timedelta(microseconds=1), 4, PARIS) == start


def test_day_starts_at_zero_is_local_midnight():
    assert review_day(datetime(2026, 3, 1, 23, 30, tzinfo=UTC), 0, PARIS) == date(
        2026, 3, 2
    )  # 00:30 in Paris
    assert start_of(date(2026, 3, 2), 0, PARIS) == datetime(2026, 3, 1, 23, 0, tzinfo=UTC)


def test_a_late_day_start_keeps_the_evening_in_yesterday():
    # with days starting at 8 pm, 7 pm local still belongs to the day that started yesterday evening
    at = datetime(2026, 3, 2, 18, 0, tzinfo=UTC)  # 7 pm in Paris
    assert review_day(at, 20, PARIS) == date(2026, 3, 1)
    assert next_day_start(at, 20, PARIS) == datetime(2026, 3, 2, 19, 0, tzinfo=UTC)


def test_a_zone_far_from_utc_is_a_calendar_day_ahead():
    at = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 05:00 on 3 March in Kiritimati
    assert review_day(at, 4, UTC) == date(2026, 3, 2)
    assert review_day(at, 4, KIRITIMATI) == date(2026, 3, 3)


def test_autumn_dst_change_gives_a_25_hour_day():
    # Paris falls back at 3 am on 2026-10-25: the review day starting at 4 am on the 24th lasts 25 hours
    at = datetime(2026, 10, 24, 12, tzinfo=UTC)
    assert next_day_start(at, 4, PARIS) - day_start(at, 4, PARIS) == timedelta(hours=25)


def test_day_starts_lists_each_start_and_the_last_end():
    bounds = day_starts(date(2026, 3, 28), 3, 4, PARIS)  # Paris springs forward on the 29th
    assert bounds == [
        "2026-03-28T03:00:00.000000+00:00",
        "2026-03-29T02:00:00.000000+00:00",
        "2026-03-30T02:00:00.000000+00:00",
        "2026-03-31T02:00:00.000000+00:00",
    ]
    assert bounds == sorted(bounds)


# ---------------------------------------------------------------------------------------------------- users
T0 = datetime(2026, 3, 2, 2, 30, tzinfo=UTC)  # 03:30 in Paris: still the review day of 1 March


def test_bury_hides_a_card_until_the_next_day_starts_in_kb_tz(make_kb, monkeypatch):
    from kb.review.answers import bury

    kb = review_kb(make_kb)
    monkeypatch.setenv("KB_TZ", "Europe/Paris")
    conn = open_conn(kb)
    add_card(conn, "card0")
    bury(kb, conn, ["card0"], at=T0)
    (until,) = conn.execute("SELECT buried_until FROM cards WHERE id = 'card0'").fetchone()
    assert until == "2026-03-02T03:00:00.000000+00:00"  # 4 am Paris: half an hour later, not a day


def test_the_new_card_limit_resets_when_the_review_day_starts(make_kb):
    from kb.review.answers import record_answer
    from kb.review.queue import Queue

    kb = review_kb(make_kb, new_per_day=2)
    conn = open_conn(kb)
    for i in range(4):
        add_card(conn, f"card{i}", position=i)
    record_answer(kb, conn, "card0", 4, at=T0, duration_ms=1)
    record_answer(kb, conn, "card1", 4, at=T0, duration_ms=1)
    # in Paris the two answers were given on 1 March, before the 4 am start of the 2nd
    assert Queue(conn, kb.settings, T0 + timedelta(minutes=20), tz=PARIS).counts(T0).new == 0
    assert Queue(conn, kb.settings, T0 + timedelta(minutes=40), tz=PARIS).counts(T0).new == 2
    # in UTC they were given on 1 March too (days start at 04:00 UTC): still none left at 03:10 UTC
    assert Queue(conn, kb.settings, T0 + timedelta(minutes=40), tz=UTC).counts(T0).new == 0


def test_stats_count_today_in_kb_tz(make_kb):
    from kb.review.answers import record_answer
    from kb.review.stats import compute_stats

    kb = review_kb(make_kb)
    conn = open_conn(kb)
    add_card(conn, "card0")
    record_answer(kb, conn, "card0", 3, at=T0, duration_ms=1)
    after_start = T0 + timedelta(hours=1)
    assert compute_stats(conn, after_start, kb.settings, UTC)["today"]["reviewed"] == 1
    paris = compute_stats(conn, after_start, kb.settings, PARIS)
    assert paris["today"]["day"] == "2026-03-02" and paris["today"]["reviewed"] == 0
    assert paris["streak"] == {"current": 1, "longest": 1}  # yesterday's answer keeps the streak


def test_the_site_and_the_terminal_agree_on_today_in_kb_tz(make_kb, monkeypatch):
    """The site's review day follows KB_TZ, as every command's does (it used to follow the machine's zone only)."""
    from kb.review.answers import record_answer
    from kb.review.stats import compute_stats
    from kb.site.pages import read_study_data

    kb = review_kb(make_kb)
    monkeypatch.setenv("KB_TZ", "Pacific/Kiritimati")
    conn = open_conn(kb)
    add_card(conn, "card0")
    at = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)  # 05:00 on 3 March in Kiritimati
    record_answer(kb, conn, "card0", 3, at=at, duration_ms=1)
    conn.close()
    data = read_study_data(kb.db, kb.settings, at)
    assert data.available and data.today == date(2026, 3, 3)
    assert data.reviews_by_day == {date(2026, 3, 3): 1} and data.streak == 1
    conn = open_conn(kb)
    terminal = compute_stats(conn, at, kb.settings, local_zone())
    assert terminal["today"]["day"] == data.today.isoformat()
    assert [d["due"] for d in terminal["forecast"]] == data.forecast


def test_settings_day_starts_at_moves_the_boundary_for_the_queue(make_kb):
    from kb.review.answers import record_answer
    from kb.review.queue import Queue

    kb = review_kb(make_kb, new_per_day=1)
    conn = open_conn(kb)
    for i in range(2):
        add_card(conn, f"card{i}", position=i)
    record_answer(kb, conn, "card0", 4, at=datetime(2026, 3, 2, 5, 0, tzinfo=UTC), duration_ms=1)
    later = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
    assert Queue(conn, kb.settings, later, tz=UTC).counts(later).new == 0  # same day: days start at 4
    six = replace(kb.settings, day_starts_at=6)  # the answer at 5 belonged to the day before
    assert Queue(conn, six, later, tz=UTC).counts(later).new == 1
