"""Statistics as data: the figures kb stats and the site's study pages share, and the site's read-only database."""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta

import pytest

from kb.review.answers import record_answer, suspend
from kb.review.stats import StudyFigures, compute_stats, streaks
from tests.review_helpers import add_card, open_conn, review_kb

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def kb(make_kb):
    return review_kb(make_kb, new_per_day=2)


@pytest.fixture
def conn(kb):
    c = open_conn(kb)
    for i in range(5):
        add_card(c, f"c{i}", position=i, kind="cloze" if i == 4 else "basic")
    add_card(c, "other", note="notes/other.md", position=0)
    yield c
    c.close()


def test_streaks_count_up_to_today_or_yesterday():
    assert streaks([1, 1, 0, 1, 1, 1]) == {"current": 3, "longest": 3}
    assert streaks([1, 1, 1, 0, 1, 0]) == {"current": 1, "longest": 3}  # today not reviewed yet
    assert streaks([1, 0, 0]) == {"current": 0, "longest": 1}
    assert streaks([]) == {"current": 0, "longest": 0}


def test_due_by_note_counts_due_cards_and_new_ones_within_the_daily_limit(kb, conn):
    # answered yesterday: today's two new cards are still to come
    record_answer(kb, conn, "c0", 1, at=NOW - timedelta(days=1), duration_ms=1)  # due again in minutes
    record_answer(kb, conn, "other", 1, at=NOW - timedelta(days=1), duration_ms=1)
    record_answer(kb, conn, "c1", 4, at=NOW - timedelta(days=1), duration_ms=1)  # due in days: not today
    figures = StudyFigures(conn, NOW, kb.settings, UTC)
    rows = figures.due_by_note()
    assert [tuple(r) for r in rows] == [
        ("notes/books/atomic-habits.md", "Atomic Habits", 1, 2),  # c2 and c3: the two new cards of the day
        ("notes/other.md", "notes/other.md", 1, 0),  # no note row: the path stands for the title
    ]
    assert figures.new_available() == 3


def test_due_by_note_leaves_out_suspended_cards(kb, conn):
    record_answer(kb, conn, "c0", 1, at=NOW - timedelta(days=1), duration_ms=1)
    suspend(kb, conn, ["c0", "c2"], at=NOW)
    rows = StudyFigures(conn, NOW, kb.settings, UTC).due_by_note()
    assert [tuple(r) for r in rows] == [("notes/books/atomic-habits.md", "Atomic Habits", 0, 2)]


def test_recall_of_seen_cards_includes_learning_steps_true_retention_does_not(kb, conn):
    record_answer(kb, conn, "c0", 3, at=NOW - timedelta(hours=3), duration_ms=1)  # new: counted by neither
    record_answer(kb, conn, "c0", 1, at=NOW - timedelta(hours=2), duration_ms=1)  # a learning step, Again
    record_answer(kb, conn, "c0", 3, at=NOW - timedelta(hours=1), duration_ms=1)  # a learning step, Good
    figures = StudyFigures(conn, NOW, kb.settings, UTC)
    assert figures.seen_card_recall(30) == {"reviews": 2, "passed": 1, "retention": 0.5}
    assert figures.true_retention(30)["reviews"] == 0


def test_recall_window_is_counted_in_review_days(kb, conn):
    record_answer(kb, conn, "c0", 3, at=NOW - timedelta(days=40), duration_ms=1)
    record_answer(kb, conn, "c0", 3, at=NOW - timedelta(days=35), duration_ms=1)  # outside the 30 days
    record_answer(kb, conn, "c0", 3, at=NOW - timedelta(days=29, hours=8), duration_ms=1)  # 04:00 29 days ago
    figures = StudyFigures(conn, NOW, kb.settings, UTC)
    assert figures.seen_card_recall(30)["reviews"] == 1
    assert figures.review_total() == 3


def test_cards_by_kind_and_totals(kb, conn):
    conn.execute("UPDATE cards SET orphaned_at = ? WHERE id = 'c3'", (NOW.isoformat(),))
    conn.commit()
    suspend(kb, conn, ["c2"], at=NOW)
    figures = StudyFigures(conn, NOW, kb.settings, UTC)
    assert figures.cards_by_kind() == {"basic": 3, "cloze": 1}
    assert figures.note_total() == 1  # the indexed note; cards of notes/other.md were inserted by hand
    counts = figures.card_counts()
    assert counts["total"] == 5 and counts["suspended"] == 1
    assert (
        counts["new"] == 4
    )  # suspended cards are counted apart: new + learning + review + suspended = total


def test_kb_stats_and_the_site_read_the_same_figures(kb, conn):
    from kb.site.pages import read_study_data

    for day, card, grade in [(3, "c0", 4), (2, "c1", 3), (1, "c0", 3), (0, "c2", 1), (0, "other", 3)]:
        record_answer(kb, conn, card, grade, at=NOW - timedelta(days=day), duration_ms=1)
    terminal = compute_stats(conn, NOW, kb.settings, UTC)
    site = read_study_data(kb.db, kb.settings, NOW)
    assert site.available and site.today == date(2026, 3, 10)
    assert site.forecast == [d["due"] for d in terminal["forecast"]]
    assert {d.isoformat(): n for d, n in site.reviews_by_day.items()} == {
        d["day"]: d["reviews"] for d in terminal["heatmap"]
    }
    assert site.streak == terminal["streak"]["current"] == 4
    assert (
        site.total_reviews == 5
        and site.total_cards == 6
        and site.new_cards == terminal["today"]["due"]["new_available"]
    )
    due_today = terminal["today"]["due"]
    assert sum(n.due for n in site.due_by_note) == due_today["learning"] + due_today["review"]


def test_the_site_never_creates_the_database_and_says_why_there_is_no_data(tmp_path, kb):
    from kb.site.pages import read_study_data

    missing = tmp_path / "nowhere" / "kb.db"
    data = read_study_data(missing, kb.settings, NOW)
    assert not data.available and data.reason == "no database yet" and data.today == date(2026, 3, 10)
    assert not missing.parent.exists()
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"this is not a database" * 100)
    data = read_study_data(broken, kb.settings, NOW)
    assert not data.available and "cannot be read" in data.reason


def test_open_readonly_never_writes_or_creates(tmp_path):
    from kb.store.connection import connect, open_readonly

    with pytest.raises(sqlite3.Error):
        open_readonly(tmp_path / "absent.db")
    assert not (tmp_path / "absent.db").exists()
    db = tmp_path / "odd #name?.db"  # characters a URI must escape
    writer = sqlite3.connect(db)
    writer.execute("CREATE TABLE t (x)")
    writer.commit()
    reader = open_readonly(db)
    assert reader.execute("SELECT count(*) FROM t").fetchone() == (0,)
    with pytest.raises(sqlite3.OperationalError):
        reader.execute("INSERT INTO t VALUES (1)")
    assert connect(db, readonly=True).execute("SELECT count(*) FROM t").fetchone() == (0,)


def test_connect_readonly_explains_a_missing_database(tmp_path):
    from kb.errors import KbError
    from kb.store.connection import connect

    with pytest.raises(KbError, match="absent.db"):
        connect(tmp_path / "absent.db", readonly=True)
