"""Review statistics from the database: today, forecast, true retention, streak, heatmap; and due counts.

``compute_stats`` returns plain JSON-ready data (the site draws its charts from it too); ``render_stats`` draws it in
a terminal with rich. Review days follow ``day_starts_at`` in local time, through ``kb.scheduler``'s day functions:
day boundaries are computed once as ISO strings and bisected, so no per-review time-zone arithmetic.
"""

from __future__ import annotations

import sqlite3
from bisect import bisect_right
from datetime import date, datetime, timedelta, tzinfo

from kb.config import Settings
from kb.review.scheduler import iso, next_day_start, review_day, start_of

MATURE_DAYS = 21
HEATMAP_DAYS = 365


def _boundaries(first: date, count: int, settings: Settings, tz: tzinfo | None) -> list[str]:
    """ISO start of each review day from ``first`` for ``count`` days, plus the end of the last."""
    return [iso(start_of(first + timedelta(days=i), settings.day_starts_at, tz)) for i in range(count + 1)]


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
    today = review_day(now, settings.day_starts_at, tz)
    today_start = start_of(today, settings.day_starts_at, tz)
    live = "c.suspended = 0 AND c.orphaned_at IS NULL"

    # today
    row = conn.execute(
        """SELECT count(*), coalesce(sum(grade = 1), 0), coalesce(sum(duration_ms), 0),
                  coalesce(sum(state_before IS NULL), 0)
           FROM reviews WHERE reviewed_at >= ? AND undone = 0""",
        (iso(today_start),),
    ).fetchone()
    next_start = iso(next_day_start(now, settings.day_starts_at, tz))
    # scheduled cards are read from the (state, due) index alone; the few suspended or orphaned ones are then taken
    # out (joining every scheduled card to its cards row costs ~0.3 s with 30,000 due)
    due_learning, due_review = conn.execute(
        "SELECT coalesce(sum(state != 2), 0), coalesce(sum(state = 2), 0) FROM card_state "
        "WHERE state IN (1, 2, 3) AND due < ?",
        (next_start,),
    ).fetchone()
    hidden = conn.execute(
        f"SELECT s.state, s.due FROM cards c CROSS JOIN card_state s ON s.card_id = c.id WHERE NOT ({live})"
    ).fetchall()
    for state, due in hidden:
        if due < next_start:
            due_learning -= state != 2
            due_review -= state == 2
    new_available = conn.execute(
        f"SELECT count(*) FROM cards c WHERE {live} AND NOT EXISTS (SELECT 1 FROM card_state s WHERE s.card_id = c.id)"
    ).fetchone()[0]
    today_data = {
        "day": today.isoformat(),
        "reviewed": row[0],
        "again": row[1],
        "again_rate": round(row[1] / row[0], 4) if row[0] else None,
        "seconds": round(row[2] / 1000, 1),
        "new_introduced": row[3],
        "due": {"learning": due_learning, "review": due_review, "new_available": new_available},
    }

    # forecast: day 0 holds everything overdue
    bounds = _boundaries(today, forecast_days, settings, tz)
    counts = [0] * forecast_days
    for (due,) in conn.execute(
        "SELECT due FROM card_state WHERE state IN (1, 2, 3) AND due < ?", (bounds[-1],)
    ):
        counts[max(0, bisect_right(bounds, due) - 1)] += 1
    for _state, due in hidden:
        if due < bounds[-1]:
            counts[max(0, bisect_right(bounds, due) - 1)] -= 1
    forecast = [{"day": (today + timedelta(days=i)).isoformat(), "due": n} for i, n in enumerate(counts)]

    # true retention: answers to cards in review state (not learning), young and mature
    since = iso(start_of(today - timedelta(days=retention_days - 1), settings.day_starts_at, tz))
    young = [0, 0]
    mature = [0, 0]
    for grade, interval in conn.execute(
        """SELECT grade, julianday(json_extract(state_before, '$.due')) - julianday(json_extract(state_before,
                  '$.last_review'))
           FROM reviews WHERE reviewed_at >= ? AND undone = 0 AND json_extract(state_before, '$.state') = 2""",
        (since,),
    ):
        bucket = mature if (interval or 0) >= MATURE_DAYS else young
        bucket[0] += 1
        bucket[1] += grade > 1

    def rate(pair):
        return {
            "reviews": pair[0],
            "passed": pair[1],
            "retention": round(pair[1] / pair[0], 4) if pair[0] else None,
        }

    total = [young[0] + mature[0], young[1] + mature[1]]
    retention = {
        "days": retention_days,
        **rate(total),
        "young": rate(young),
        "mature": rate(mature),
        "desired": settings.desired_retention,
    }

    # heatmap and streak
    first = today - timedelta(days=HEATMAP_DAYS - 1)
    hb = _boundaries(first, HEATMAP_DAYS, settings, tz)
    per_day = [0] * HEATMAP_DAYS
    for (at,) in conn.execute(
        "SELECT reviewed_at FROM reviews WHERE reviewed_at >= ? AND reviewed_at < ? AND undone = 0",
        (hb[0], hb[-1]),
    ):
        per_day[bisect_right(hb, at) - 1] += 1
    heatmap = [
        {"day": (first + timedelta(days=i)).isoformat(), "reviews": n} for i, n in enumerate(per_day) if n
    ]
    current = 0
    i = HEATMAP_DAYS - 1
    if per_day[i] == 0:  # no reviews yet today: the streak still counts up to yesterday
        i -= 1
    while i >= 0 and per_day[i]:
        current += 1
        i -= 1
    longest = run = 0
    for n in per_day:
        run = run + 1 if n else 0
        longest = max(longest, run)

    cards = conn.execute(
        """SELECT count(*), coalesce(sum(c.suspended), 0), coalesce(sum(c.flags LIKE '%"leech"%'), 0),
                  coalesce(sum(s.card_id IS NULL), 0), coalesce(sum(s.state IN (1, 3)), 0),
                  coalesce(sum(s.state = 2), 0)
           FROM cards c LEFT JOIN card_state s ON s.card_id = c.id WHERE c.orphaned_at IS NULL"""
    ).fetchone()
    return {
        "now": iso(now),
        "today": today_data,
        "forecast": forecast,
        "retention": retention,
        "streak": {"current": current, "longest": longest},
        "heatmap": heatmap,
        "cards": {
            "total": cards[0],
            "suspended": cards[1],
            "leeches": cards[2],
            "new": cards[3],
            "learning": cards[4],
            "review": cards[5],
        },
    }


def due_counts(
    conn: sqlite3.Connection, now: datetime, settings: Settings, tz: tzinfo | None, filters
) -> dict:
    """Cards due today (learning + review) and new ones, in total, by note type and by tag (no daily limits)."""
    where, _ = filters.sql()
    params = {
        **filters.params(),
        "now": iso(now),
        "next_day": iso(next_day_start(now, settings.day_starts_at, tz)),
    }
    select = (
        "sum(s.card_id IS NOT NULL AND s.due < :next_day AND s.state IN (1, 3)),"
        " sum(s.card_id IS NOT NULL AND s.due < :next_day AND s.state = 2), sum(s.card_id IS NULL)"
    )
    base = f"FROM cards c LEFT JOIN card_state s ON s.card_id = c.id LEFT JOIN notes n ON n.path = c.note WHERE {where}"
    learning, review, new = conn.execute(f"SELECT {select} {base}", params).fetchone()
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
        "by_type": by_type,
        "by_tag": by_tag,
    }


def render_stats(data: dict, console) -> None:
    """Draw ``compute_stats`` output in the terminal."""
    from rich.table import Table
    from rich.text import Text

    t = data["today"]
    console.print(Text("Today", style="bold"))
    again = f"{t['again_rate']:.0%}" if t["again_rate"] is not None else "-"
    console.print(
        f"  {t['reviewed']} reviews ({t['new_introduced']} new) in {int(t['seconds'] // 60)}m, again rate {again}; "
        f"still due: {t['due']['learning']} learning, {t['due']['review']} review, "
        f"{t['due']['new_available']} new available"
    )
    console.print(Text("\nForecast (cards due per day)", style="bold"))
    peak = max((d["due"] for d in data["forecast"]), default=0) or 1
    width = 40
    for d in data["forecast"]:
        bar = "█" * round(d["due"] / peak * width) if d["due"] else ""
        console.print(f"  {d['day'][5:]} {d['due']:>6} [green]{bar}[/green]")
    r = data["retention"]
    console.print(Text(f"\nTrue retention, last {r['days']} days", style="bold"))
    table = Table(box=None, padding=(0, 2))
    for col in ("", "reviews", "passed", "retention"):
        table.add_column(col, justify="right")
    for label, part in (("young", r["young"]), ("mature", r["mature"]), ("total", r)):
        ret = f"{part['retention']:.1%}" if part["retention"] is not None else "-"
        table.add_row(label, str(part["reviews"]), str(part["passed"]), ret)
    console.print(table)
    console.print(f"  (desired retention {r['desired']:.0%})")
    s = data["streak"]
    console.print(
        Text(
            f"\nStreak: {s['current']} day{'s' if s['current'] != 1 else ''} (longest {s['longest']})",
            style="bold",
        )
    )
    console.print(Text("\nReviews, last 52 weeks (· none, ░ ▒ ▓ █ more)", style="bold"))
    for line in heatmap_lines(data["heatmap"], date.fromisoformat(data["today"]["day"])):
        console.print(line)


def heatmap_lines(heatmap: list[dict], today: date, weeks: int = 52) -> list:
    """A GitHub-style grid: one row per weekday, one column per week, shaded by the day's review count."""
    from rich.text import Text

    counts = {d["day"]: d["reviews"] for d in heatmap}
    peak = max(counts.values(), default=0)
    shades = ["grey23", "green4", "green3", "green1", "bright_green"]
    blocks = "·░▒▓█"  # readable without colour too (piped output, NO_COLOR)
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)
    lines = []
    for weekday in range(7):
        line = Text("  " + "MTWTFSS"[weekday] + " ")
        for week in range(weeks):
            day = first + timedelta(weeks=week, days=weekday)
            if day > today:
                line.append(" ")
                continue
            n = counts.get(day.isoformat(), 0)
            level = 0 if not n else min(4, 1 + int(3 * n / peak)) if peak else 0
            line.append(blocks[level], style=shades[level])
        lines.append(line)
    return lines
