"""The site's generated pages: stats, review queue and quizzes, as Markdown for MkDocs to render.

The numbers come from ``.kb/kb.db`` opened read-only (a build never writes or locks the database and never fails
for lack of one: the pages then say how to get data). Charts are drawn here as inline SVG, so they need no
JavaScript library and no network.
"""

from __future__ import annotations

import html
import json
import sqlite3
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from kb.config import Settings
from kb.safe_html import escape_html_text  # noqa: F401 (card text escaping, kept importable from here)


def json_for_script(data) -> str:
    """JSON safe inside ``<script type="application/json">``: nothing in it can close the tag or open a comment."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def esc(value) -> str:
    return html.escape(str(value), quote=True)


# ---------------------------------------------------------------------------------------------------------------
# Reading the database


@dataclass
class StudyData:
    """What the stats and review pages show (figures from ``kb.review.stats``). Empty when there is no database yet."""

    today: date  # the review day the pages are about
    available: bool = False
    reason: str = ""
    reviews_by_day: dict[date, int] = field(default_factory=dict)
    forecast: list[int] = field(
        default_factory=list
    )  # due cards per day, today first (overdue counted today)
    retention: float | None = None  # share of answers to seen cards in the last 30 days not answered Again
    retention_reviews: int = 0
    cards_by_kind: dict[str, int] = field(default_factory=dict)
    total_cards: int = 0
    total_notes: int = 0
    total_reviews: int = 0
    new_cards: int = 0
    streak: int = 0
    due_by_note: list[tuple[str, str, int, int]] = field(default_factory=list)  # (note path, title, due, new)
    queue_due: int = 0  # what `kb review` shows today (learning + review), its daily limits applied
    queue_new: int = 0


HEATMAP_DAYS = 371  # the heatmap's year, from 364 days ago back to a Sunday
STUDY_DAYS = 30  # forecast and retention


def open_index_readonly(db: Path) -> tuple[sqlite3.Connection | None, str]:
    """kb's index for reading, or (None, what the user should do) when there is none or it is out of date."""
    from kb.store.connection import SCHEMA_VERSION, open_readonly

    if not db.is_file():
        return (
            None,
            "No quiz yet: kb has not indexed these notes. Run `kb index` (or any kb command) and build again.",
        )
    try:
        conn = open_readonly(db)
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    except sqlite3.Error as exc:
        return None, f"No quiz: kb's database cannot be read ({exc}); run `kb index` and build again."
    if version != SCHEMA_VERSION:
        conn.close()
        return None, "No quiz: kb's database is from another version of kb; run `kb index` and build again."
    return conn, ""


def read_study_data(db: Path, settings: Settings, now: datetime) -> StudyData:
    """Everything the stats and review pages need, or an empty StudyData saying why there is none."""
    from kb.review.clock import local_zone, review_day
    from kb.store.connection import open_readonly

    tz = local_zone()
    today = review_day(now, settings.day_starts_at, tz)
    if not db.is_file():
        return StudyData(today, reason="no database yet")
    try:
        conn = open_readonly(db)
    except sqlite3.Error as exc:
        return StudyData(today, reason=f"cannot open the database ({exc})")
    try:
        return _read(conn, settings, now, tz)
    except sqlite3.Error as exc:
        return StudyData(
            today, reason=f"the database cannot be read ({exc}); run any kb command to bring it up to date"
        )
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, settings: Settings, now: datetime, tz) -> StudyData:
    from kb.review.stats import StudyFigures, streaks

    figures = StudyFigures(conn, now, settings, tz)
    data = StudyData(figures.today, available=True)
    per_day = figures.reviews_per_day(HEATMAP_DAYS)
    first = figures.today - timedelta(days=HEATMAP_DAYS - 1)
    data.reviews_by_day = {first + timedelta(days=i): n for i, n in enumerate(per_day) if n}
    data.streak = streaks(per_day)["current"]
    data.total_reviews = figures.review_total()
    recall = figures.seen_card_recall(STUDY_DAYS)
    data.retention_reviews = recall["reviews"]
    data.retention = recall["passed"] / recall["reviews"] if recall["reviews"] else None
    data.cards_by_kind = figures.cards_by_kind()
    data.total_cards = sum(data.cards_by_kind.values())
    data.total_notes = figures.note_total()
    data.forecast = figures.forecast(STUDY_DAYS)
    data.new_cards = figures.new_available()
    data.due_by_note = figures.due_by_note()
    left = figures.queue().counts(now)
    data.queue_due, data.queue_new = left.learning + left.review, left.new
    return data


# ---------------------------------------------------------------------------------------------------------------
# Charts (inline SVG)


def heatmap_svg(counts: dict[date, int], today: date) -> str:
    """A year of reviews as a calendar heatmap: one square per day, weeks as columns."""
    cell, gap = 11, 2
    start = today - timedelta(days=364)
    start -= timedelta(days=(start.weekday() + 1) % 7)  # back to a Sunday
    top = max(counts.values(), default=0)
    rects = []
    day = start
    while day <= today:
        col = (day - start).days // 7
        row = (day.weekday() + 1) % 7
        n = counts.get(day, 0)
        level = 0 if n == 0 else min(4, 1 + (4 * n - 1) // max(top, 1))
        rects.append(
            f'<rect class="kb-heat-{level}" x="{col * (cell + gap) + 24}" y="{row * (cell + gap) + 14}"'
            f' width="{cell}" height="{cell}" rx="2"><title>{day.isoformat()}: {n} review'
            f"{'' if n == 1 else 's'}</title></rect>"
        )
        day += timedelta(days=1)
    width = ((today - start).days // 7 + 1) * (cell + gap) + 24
    labels = "".join(
        f'<text x="0" y="{r * (cell + gap) + 23}" class="kb-axis">{name}</text>'
        for r, name in ((1, "Mon"), (3, "Wed"), (5, "Fri"))
    )
    return (
        f'<svg class="kb-chart kb-heatmap" viewBox="0 0 {width} {7 * (cell + gap) + 16}" role="img"'
        f' aria-label="Reviews per day over the last year">{labels}{"".join(rects)}</svg>'
    )


def bar_chart_svg(values: list[int], labels: list[str], aria: str, css: str) -> str:
    """A plain bar chart with a label under every few bars and the value in each bar's tooltip."""
    bar, gap, height = 18, 4, 120
    top = max(values, default=0) or 1
    parts = []
    every = max(1, len(values) // 10)
    for i, (value, label) in enumerate(zip(values, labels, strict=True)):
        h = round(height * value / top)
        x = i * (bar + gap)
        parts.append(
            f'<rect class="kb-bar" x="{x}" y="{height - h + 4}" width="{bar}" height="{max(h, 1 if value else 0)}">'
            f"<title>{esc(label)}: {value}</title></rect>"
        )
        if i % every == 0:  # the first label starts at the chart's left edge: centred, "today" would be cut
            anchor, at = ("start", x) if i == 0 else ("middle", x + bar / 2)
            parts.append(
                f'<text class="kb-axis" x="{at}" y="{height + 18}" text-anchor="{anchor}">{esc(label)}</text>'
            )
    width = len(values) * (bar + gap)
    parts.append(f'<line class="kb-baseline" x1="0" y1="{height + 4}" x2="{width}" y2="{height + 4}"/>')
    return (
        f'<svg class="kb-chart {css}" viewBox="0 0 {width} {height + 24}" role="img" aria-label="{esc(aria)}">'
        f"{''.join(parts)}</svg>"
    )


def hbar_chart_svg(items: list[tuple[str, int]], aria: str, css: str) -> str:
    """Horizontal bars, one row per item: its label, its bar and its count."""
    row, label_w, bar_w = 22, 90, 300
    top = max((v for _, v in items), default=0) or 1
    parts = []
    for i, (label, value) in enumerate(items):
        y = i * row
        w = round(bar_w * value / top)
        parts.append(
            f'<text class="kb-axis kb-label" x="{label_w - 6}" y="{y + 15}" text-anchor="end">{esc(label)}</text>'
            f'<rect class="kb-bar" x="{label_w}" y="{y + 4}" width="{max(w, 1)}" height="{row - 8}">'
            f"<title>{esc(label)}: {value}</title></rect>"
            f'<text class="kb-axis kb-label" x="{label_w + w + 6}" y="{y + 15}">{value}</text>'
        )
    return (
        f'<svg class="kb-chart kb-hbar {css}" viewBox="0 0 {label_w + bar_w + 60} {len(items) * row}" role="img"'
        f' aria-label="{esc(aria)}">{"".join(parts)}</svg>'
    )


# ---------------------------------------------------------------------------------------------------------------
# Pages

EMPTY_HINT = (
    "Nothing to show yet: kb has no review data for this site ({reason}).\n\n"
    "Run `kb review` to study today's cards; the next `mkdocs build` (or the running `mkdocs serve`) shows "
    "your heatmap, forecast and retention here.\n"
)


def _empty_page(lines: list[str], data: StudyData) -> str:
    """A study page's friendly stand-in when there is no database (yet) to draw from."""
    lines += ['<div class="kb-empty" markdown>', "", EMPTY_HINT.format(reason=esc(data.reason)), "</div>", ""]
    return "\n".join(lines)


def stats_markdown(data: StudyData, today: date) -> str:
    lines = ["# Stats", ""]
    if not data.available:
        return _empty_page(lines, data)
    retention = "–" if data.retention is None else f"{data.retention:.0%}"
    lines += [
        '<div class="kb-stat-tiles"><div class="kb-stat-grid">',
        f'<div class="kb-stat"><span class="kb-stat-value">{data.total_notes}</span> notes</div>',
        f'<div class="kb-stat"><span class="kb-stat-value">{data.total_cards}</span> cards</div>',
        f'<div class="kb-stat"><span class="kb-stat-value">{data.total_reviews}</span> reviews</div>',
        f'<div class="kb-stat"><span class="kb-stat-value">{data.streak}</span> day streak</div>',
        f'<div class="kb-stat"><span class="kb-stat-value kb-retention">{retention}</span> retention (30&nbsp;days)</div>',
        "</div></div>",
        "",
        "## Reviews in the last year",
        "",
        heatmap_svg(data.reviews_by_day, today),
        "",
        "## Due in the next 30 days",
        "",
        bar_chart_svg(
            data.forecast,
            [
                (today + timedelta(days=i)).strftime("%b %d") if i else "today"
                for i in range(len(data.forecast))
            ],
            "Cards due per day for the next 30 days",
            "kb-forecast",
        ),
        "",
        "## Retention",
        "",
    ]
    if data.retention is None:
        lines.append("No reviews of seen cards in the last 30 days yet.")
    else:
        pct = round(data.retention * 100)
        lines += [
            f'<svg class="kb-chart kb-retention-chart" viewBox="0 0 300 24" role="img" aria-label="Retention {pct}%">'
            f'<rect class="kb-track" x="0" y="4" width="300" height="16" rx="8"/>'
            f'<rect class="kb-bar" x="0" y="4" width="{3 * pct}" height="16" rx="8"/></svg>',
            "",
            f"{pct}% of {data.retention_reviews} reviews of cards you had seen before were remembered "
            "(not answered Again).",
        ]
    lines += ["", "## Cards by type", ""]
    if data.cards_by_kind:
        lines.append(hbar_chart_svg(list(data.cards_by_kind.items()), "Cards by type", "kb-kinds"))
    else:
        lines.append("No cards yet.")
    lines.append("")
    return "\n".join(lines)


def review_markdown(data: StudyData, link_of) -> str:
    """The review queue: what is due today, by note. ``link_of(note_path)`` gives a Markdown link target or None."""
    lines = ["# Review queue", ""]
    if not data.available:
        return _empty_page(lines, data)
    due, new = data.queue_due, data.queue_new  # the counts `kb review` and `kb due` give
    if not data.due_by_note:
        if data.new_cards:
            lines += [
                f"Nothing is due today, and today's new cards are done (`new_per_day`): {data.new_cards} new cards "
                "wait for the coming days. :tada: Run `kb review --new 10` for more now, or take a "
                "[quiz](quiz/index.md).",
                "",
            ]
        else:
            lines += ["Nothing is due today. :tada: Come back tomorrow, or take a [quiz](quiz/index.md).", ""]
        return "\n".join(lines)
    lines += [
        f'<p class="kb-queue-summary"><strong>{due}</strong> due and <strong>{new}</strong> new today. '
        "Run <code>kb review</code> to study them.</p>",
        "",
        "| Note | Due | New |",
        "|---|---:|---:|",
    ]
    for path, title, d, n in data.due_by_note:
        target = link_of(path)
        label = esc(title).replace("|", "\\|").replace("[", "\\[").replace("]", "\\]")
        cell = f"[{label}]({target})" if target else label
        lines.append(f"| {cell} | {d} | {n} |")
    lines.append("")
    return "\n".join(lines)


def quiz_markdown(title: str, intro: str, payload: dict, element_id: str) -> str:
    """A quiz page: the questions as embedded JSON that kb.js turns into an interactive quiz."""
    count = len(payload.get("questions", []))
    lines = [f"# {esc(title)}", "", intro, ""]
    notices = payload.get("notices") or []
    if notices:
        lines += ['<div class="kb-notices" markdown>', ""]
        lines += [f"- {esc(n)}" for n in notices]
        lines += ["", "</div>", ""]
    if not count:
        if not notices:
            lines += [
                '<div class="kb-empty" markdown>',
                "",
                "No questions can be made from these notes yet: add some flashcards (for example "
                "`Question::Answer`) or a *Key points* list.",
                "",
                "</div>",
                "",
            ]
        return "\n".join(lines)
    lines += [
        f'<div class="kb-quiz" data-kb-quiz="{esc(element_id)}"><p class="kb-quiz-loading">'
        f"{count} questions. The quiz starts when the page's scripts have loaded.</p></div>",
        "",
        f'<script type="application/json" id="{esc(element_id)}">{json_for_script(payload)}</script>',
        "",
    ]
    return "\n".join(lines)
