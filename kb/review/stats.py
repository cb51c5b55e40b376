"""Review statistics as data: what ``kb stats`` and ``kb due`` print and what the site's study pages draw.

``StudyFigures`` reads every figure from the database at one moment, in the user's review days (``kb.review.clock``);
``compute_stats`` gathers the terminal's set as JSON-ready data (drawn by ``kb.review.terminal_stats``), the site
picks its own set from the same figures. What counts as live, new and due is the queue's rule (``kb.review.queue``).
Review days are computed once as ISO boundaries and bisected: no per-review time-zone arithmetic.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from collections import Counter
from datetime import date, datetime, timedelta, tzinfo
from typing import NamedTuple

from kb.config import Settings
from kb.review.clock import day_starts, iso, next_day_start, review_day, start_of
from kb.review.queue import IS_NEW, LIVE, NOT_BURIED, Filters, Queue

MATURE_DAYS = 21  # a review card whose interval reached this many days is mature (Anki's threshold)
HEATMAP_DAYS = 365


class NoteDue(NamedTuple):
    """A note's cards to study today: due ones, and new ones within the day's new-card limit."""

    note: str  # path, as in the index
    title: str
    due: int
    new: int


class StudyFigures:
    """Figures of one database at one moment ``now``; days are review days (``day_starts_at`` in zone ``tz``)."""

    def __init__(self, conn: sqlite3.Connection, now: datetime, settings: Settings, tz: tzinfo | None = None):
        self.conn = conn
        self.now = now
        self.settings = settings
        self.tz = tz
        self.today = review_day(now, settings.day_starts_at, tz)
        self.next_day = iso(next_day_start(now, settings.day_starts_at, tz))
        self._hidden: list[tuple[int, str]] | None = None

    def _day_starts(self, first: date, count: int) -> list[str]:
        return day_starts(first, count, self.settings.day_starts_at, self.tz)

    def _start_of(self, day: date) -> str:
        return iso(start_of(day, self.settings.day_starts_at, self.tz))

    def _hidden_schedules(self) -> list[tuple[int, str]]:
        """(state, due) of scheduled cards that are suspended or orphaned (few): taken out of the due counts.

        Due cards are counted on the (state, due) index alone and these subtracted, instead of joining every due
        card to its cards row.
        """
        if self._hidden is None:
            self._hidden = self.conn.execute(
                f"SELECT s.state, s.due FROM cards c CROSS JOIN card_state s ON s.card_id = c.id WHERE NOT ({LIVE})"
            ).fetchall()
        return self._hidden

    def _buried_schedules(self) -> list[tuple[int, str]]:
        """(state, due) of live scheduled cards buried until later: not due today (the queue does not show them)."""
        return self.conn.execute(
            f"SELECT s.state, s.due FROM cards c CROSS JOIN card_state s ON s.card_id = c.id"
            f" WHERE {LIVE} AND NOT {NOT_BURIED}",
            {"now": iso(self.now)},
        ).fetchall()

    # -------------------------------------------------------------------------------------------------- due
    def due_today(self) -> tuple[int, int]:
        """Cards due today in learning (or relearning) and in review, as ``kb due`` counts them: live, not buried,
        scheduled before the next review day starts (no daily limits)."""
        learning, review = self.conn.execute(
            "SELECT coalesce(sum(state != 2), 0), coalesce(sum(state = 2), 0) FROM card_state "
            "WHERE state IN (1, 2, 3) AND due < ?",
            (self.next_day,),
        ).fetchone()
        for state, due in self._hidden_schedules() + self._buried_schedules():
            if due < self.next_day:
                learning -= state != 2
                review -= state == 2
        return learning, review

    def new_available(self) -> int:
        """New cards that could be shown today, as ``kb due`` counts them (buried ones wait for tomorrow)."""
        return self.conn.execute(
            f"SELECT count(*) FROM cards c WHERE {Filters().sql()} AND {IS_NEW}", {"now": iso(self.now)}
        ).fetchone()[0]

    def forecast(self, days: int) -> list[int]:
        """Cards due on each of the next ``days`` review days, today first (holding everything overdue)."""
        bounds = self._day_starts(self.today, days)
        counts = [0] * days
        for (due,) in self.conn.execute(
            "SELECT due FROM card_state WHERE state IN (1, 2, 3) AND due < ?", (bounds[-1],)
        ):
            counts[max(0, bisect_right(bounds, due) - 1)] += 1
        for _state, due in self._hidden_schedules():
            if due < bounds[-1]:
                counts[max(0, bisect_right(bounds, due) - 1)] -= 1
        return counts

    def due_by_note(self) -> list[NoteDue]:
        """Notes with cards to study today, most due first: due cards, and the new ones ``kb review`` would still
        introduce today (``new_per_day`` less the new cards already answered today)."""
        due = Counter(
            dict(
                self.conn.execute(
                    f"SELECT c.note, count(*) FROM card_state s JOIN cards c ON c.id = s.card_id"
                    f" WHERE {Filters().sql()} AND s.due < :next_day GROUP BY c.note",
                    {"now": iso(self.now), "next_day": self.next_day},
                )
            )
        )
        new = Counter(
            note
            for (note,) in self.conn.execute(
                f"SELECT c.note FROM cards c WHERE {Filters().sql()} AND {IS_NEW} ORDER BY c.note, c.position"
                " LIMIT :left",
                {"now": iso(self.now), "left": self.queue().new_left},
            )
        )
        titles = dict(self.conn.execute("SELECT path, title FROM notes"))
        notes = sorted(set(due) | set(new), key=lambda n: (-due[n], -new[n], n))
        return [NoteDue(n, titles.get(n, n), due[n], new[n]) for n in notes]

    def queue(self) -> Queue:
        """Today's review queue over every card, as ``kb review`` starts it now (its daily limits applied)."""
        return Queue(self.conn, self.settings, self.now, tz=self.tz)

    # -------------------------------------------------------------------------------------------------- reviews
    def today_reviews(self) -> dict:
        """Today's answers: how many, how many Again, time spent, new cards introduced."""
        count, again, ms, new = self.conn.execute(
            """SELECT count(*), coalesce(sum(grade = 1), 0), coalesce(sum(duration_ms), 0),
                      coalesce(sum(state_before IS NULL), 0)
               FROM reviews WHERE reviewed_at >= ? AND undone = 0""",
            (self._start_of(self.today),),
        ).fetchone()
        return {
            "day": self.today.isoformat(),
            "reviewed": count,
            "again": again,
            "again_rate": round(again / count, 4) if count else None,
            "seconds": round(ms / 1000, 1),
            "new_introduced": new,
        }

    def reviews_per_day(self, days: int) -> list[int]:
        """Answers on each of the last ``days`` review days, ending today."""
        bounds = self._day_starts(self.today - timedelta(days=days - 1), days)
        per_day = [0] * days
        for (at,) in self.conn.execute(
            "SELECT reviewed_at FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ? AND undone = 0",
            (bounds[0], bounds[-1]),
        ):
            per_day[bisect_right(bounds, at) - 1] += 1
        return per_day

    def true_retention(self, days: int) -> dict:
        """Answers to cards in review state (not learning) over the last ``days`` review days, young and mature."""
        young = [0, 0]
        mature = [0, 0]
        for grade, interval in self.conn.execute(
            """SELECT grade, julianday(json_extract(state_before, '$.due')) - julianday(json_extract(state_before,
                      '$.last_review'))
               FROM reviews WHERE reviewed_at >= ? AND undone = 0 AND json_extract(state_before, '$.state') = 2""",
            (self._start_of(self.today - timedelta(days=days - 1)),),
        ):
            bucket = mature if (interval or 0) >= MATURE_DAYS else young
            bucket[0] += 1
            bucket[1] += grade > 1
        total = [young[0] + mature[0], young[1] + mature[1]]
        return {
            "days": days,
            **_rate(total),
            "young": _rate(young),
            "mature": _rate(mature),
            "desired": self.settings.desired_retention,
        }

    def seen_card_recall(self, days: int) -> dict:
        """Answers to cards answered before (learning steps included) over the last ``days`` review days."""
        reviews, passed = self.conn.execute(
            "SELECT count(*), coalesce(sum(grade > 1), 0) FROM reviews WHERE undone = 0 AND state_before IS NOT NULL"
            " AND reviewed_at >= ?",
            (self._start_of(self.today - timedelta(days=days - 1)),),
        ).fetchone()
        return _rate([reviews, passed])

    def review_total(self) -> int:
        return self.conn.execute("SELECT count(*) FROM reviews WHERE undone = 0").fetchone()[0]

    # -------------------------------------------------------------------------------------------------- cards
    def card_counts(self) -> dict:
        """Cards in notes: all, suspended, leeches, and the others by queue (new, learning, review): new +
        learning + review + suspended = total."""
        live = "c.suspended = 0"
        row = self.conn.execute(
            f"""SELECT count(*), coalesce(sum(c.suspended), 0), coalesce(sum(c.flags LIKE '%"leech"%'), 0),
                      coalesce(sum({live} AND s.card_id IS NULL), 0), coalesce(sum({live} AND s.state IN (1, 3)), 0),
                      coalesce(sum({live} AND s.state = 2), 0)
               FROM cards c LEFT JOIN card_state s ON s.card_id = c.id WHERE c.orphaned_at IS NULL"""
        ).fetchone()
        return dict(zip(("total", "suspended", "leeches", "new", "learning", "review"), row, strict=True))

    def cards_by_kind(self) -> dict[str, int]:
        """Live cards by kind (basic, cloze, ...), the most common first."""
        return dict(
            self.conn.execute(
                f"SELECT kind, count(*) FROM cards c WHERE {LIVE} GROUP BY kind ORDER BY count(*) DESC"
            )
        )

    def note_total(self) -> int:
        """Notes, as ``kb notes list`` lists them (section index pages are not notes)."""
        from kb.index.tables import is_note_sql

        return self.conn.execute(f"SELECT count(*) FROM notes WHERE {is_note_sql()}").fetchone()[0]


def _rate(pair: list[int]) -> dict:
    return {
        "reviews": pair[0],
        "passed": pair[1],
        "retention": round(pair[1] / pair[0], 4) if pair[0] else None,
    }


def streaks(per_day: list[int]) -> dict:
    """Days in a row with answers, up to today (or yesterday, while today has none yet), and the longest run."""
    current = 0
    i = len(per_day) - 1
    if i >= 0 and per_day[i] == 0:  # no reviews yet today: the streak still counts up to yesterday
        i -= 1
    while i >= 0 and per_day[i]:
        current += 1
        i -= 1
    longest = run = 0
    for n in per_day:
        run = run + 1 if n else 0
        longest = max(longest, run)
    return {"current": current, "longest": longest}


def compute_stats(
    conn: sqlite3.Connection,
    now: datetime,
    settings: Settings,
    tz: tzinfo | None = None,
    *,
    forecast_days: int = 30,
    retention_days: int = 30,
) -> dict:
    """Every figure ``kb stats`` shows, as JSON-ready data."""
    figures = StudyFigures(conn, now, settings, tz)
    learning, review = figures.due_today()
    today = {
        **figures.today_reviews(),
        "due": {"learning": learning, "review": review, "new_available": figures.new_available()},
    }
    forecast = [
        {"day": (figures.today + timedelta(days=i)).isoformat(), "due": n}
        for i, n in enumerate(figures.forecast(forecast_days))
    ]
    per_day = figures.reviews_per_day(HEATMAP_DAYS)
    first = figures.today - timedelta(days=HEATMAP_DAYS - 1)
    heatmap = [
        {"day": (first + timedelta(days=i)).isoformat(), "reviews": n} for i, n in enumerate(per_day) if n
    ]
    return {
        "now": iso(now),
        "today": today,
        "forecast": forecast,
        "retention": figures.true_retention(retention_days),
        "streak": streaks(per_day),
        "heatmap": heatmap,
        "cards": figures.card_counts(),
    }


def due_tomorrow(
    conn: sqlite3.Connection,
    settings: Settings,
    at: datetime,
    tz: tzinfo | None = None,
    filters: Filters = Filters(),
) -> int:
    """Cards of ``filters`` due on tomorrow's review day: scheduled before it ends (reviews left over from today
    included), but not the learning cards that come back later today."""
    figures = StudyFigures(conn, at, settings, tz)
    return conn.execute(
        "SELECT count(*) FROM card_state s CROSS JOIN cards c ON c.id = s.card_id"
        " WHERE s.state IN (1, 2, 3) AND s.due < :end AND NOT (s.state IN (1, 3) AND s.due < :next_day)"
        f" AND {filters.sql(buried=True)}",
        {
            **filters.params(),
            "end": iso(start_of(figures.today + timedelta(days=2), settings.day_starts_at, tz)),
            "next_day": figures.next_day,
        },
    ).fetchone()[0]


def due_counts(
    conn: sqlite3.Connection, now: datetime, settings: Settings, tz: tzinfo | None, filters: Filters
) -> dict:
    """Cards due today (learning + review) and new ones, in total, by note type and by tag (no daily limits); and
    under ``today`` what ``kb review`` would show now, the daily limits applied (the site's review page says the
    same)."""
    params = {
        **filters.params(),
        "now": iso(now),
        "next_day": iso(next_day_start(now, settings.day_starts_at, tz)),
    }
    select = (
        "sum(s.card_id IS NOT NULL AND s.due < :next_day AND s.state IN (1, 3)),"
        " sum(s.card_id IS NOT NULL AND s.due < :next_day AND s.state = 2), sum(s.card_id IS NULL)"
    )
    base = (
        "FROM cards c LEFT JOIN card_state s ON s.card_id = c.id LEFT JOIN notes n ON n.path = c.note"
        f" WHERE {filters.sql()}"
    )
    learning, review, new = conn.execute(f"SELECT {select} {base}", params).fetchone()
    left = Queue(conn, settings, now, tz=tz, filters=filters).counts(now)
    by_type = {}
    for name, lrn, rev, nw in conn.execute(
        f"SELECT coalesce(nullif(c.type, ''), n.type, '') AS t, {select} {base} GROUP BY t ORDER BY t", params
    ):
        by_type[name or "(none)"] = {"due": (lrn or 0) + (rev or 0), "new": nw or 0}
    by_tag = {}
    for name, lrn, rev, nw in conn.execute(
        f"SELECT j.value AS t, {select} {base.replace('WHERE', ', json_each(c.tags) j WHERE', 1)} "
        "GROUP BY t ORDER BY t",
        params,
    ):
        by_tag[str(name)] = {"due": (lrn or 0) + (rev or 0), "new": nw or 0}
    return {
        "now": iso(now),
        "total": {
            "learning": learning or 0,
            "review": review or 0,
            "due": (learning or 0) + (review or 0),
            "new": new or 0,
        },
        "today": {"new": left.new, "learning": left.learning, "review": left.review},
        "by_type": by_type,
        "by_tag": by_tag,
    }
