"""kb stats / kb due: figures computed from a known history."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from kb.review import answers as review
from kb.review.queue import Filters
from kb.review.stats import compute_stats, due_counts, due_tomorrow
from tests.review_helpers import add_card, open_conn, review_kb

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


@pytest.fixture
def setup(make_kb):
    kb = review_kb(make_kb)
    conn = open_conn(kb)
    for i in range(6):
        add_card(
            conn,
            f"c{i}",
            position=i,
            tags=("habits",) if i < 4 else ("taxes",),
            type_="book" if i < 4 else "topic",
        )
    # three days in a row of reviews, ending today: streak 3
    for day, card, grade in [(2, "c0", 4), (1, "c1", 4), (1, "c0", 3), (0, "c2", 1), (0, "c1", 1)]:
        review.record_answer(kb, conn, card, grade, at=NOW - timedelta(days=day), duration_ms=2000)
    return kb, conn


def test_compute_stats(setup):
    kb, conn = setup
    data = compute_stats(conn, NOW, kb.settings)
    json.dumps(data)  # JSON-ready
    today = data["today"]
    assert today["day"] == "2026-03-10" and today["reviewed"] == 2 and today["again"] == 2
    assert today["seconds"] == 4.0 and today["new_introduced"] == 1
    assert data["streak"] == {"current": 3, "longest": 3}
    assert [d["reviews"] for d in data["heatmap"]] == [1, 2, 2]
    # true retention counts answers to review-state cards only: c0 day 1 (pass) and c1 today (lapse)
    assert data["retention"]["reviews"] == 2 and data["retention"]["passed"] == 1
    assert data["retention"]["retention"] == 0.5
    assert len(data["forecast"]) == 30
    assert sum(d["due"] for d in data["forecast"]) == 3  # every reviewed card falls due within 30 days
    assert data["forecast"][0]["due"] >= 2  # the two cards answered Again today are due again today
    assert data["cards"]["new"] == 3 and data["cards"]["total"] == 6


def test_streak_survives_until_today_is_reviewed(setup):
    kb, conn = setup
    data = compute_stats(conn, NOW + timedelta(days=1), kb.settings)
    assert data["streak"]["current"] == 3 and data["today"]["reviewed"] == 0
    assert compute_stats(conn, NOW + timedelta(days=2), kb.settings)["streak"]["current"] == 0


def test_due_counts_by_type_and_tag(setup):
    kb, conn = setup
    data = due_counts(conn, NOW, kb.settings, UTC, Filters())
    assert data["total"]["new"] == 3 and data["total"]["due"] == 2
    assert data["by_type"]["topic"] == {"due": 0, "new": 2}
    assert data["by_tag"]["habits"]["new"] == 1
    only_taxes = due_counts(conn, NOW, kb.settings, UTC, Filters(tag="taxes"))
    assert only_taxes["total"] == {"learning": 0, "review": 0, "due": 0, "new": 2}


def test_stats_and_due_commands(setup, monkeypatch):
    from kb.cli import cli

    monkeypatch.setenv("KB_NOW", "2026-03-10T12:00:00Z")
    runner = CliRunner()
    result = runner.invoke(cli, ["stats", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["streak"]["current"] == 3
    result = runner.invoke(cli, ["stats"])
    assert result.exit_code == 0 and "Streak: 3 days" in result.output and "True retention" in result.output
    result = runner.invoke(cli, ["due"])
    assert result.exit_code == 0 and "Due today:" in result.output and "taxes" in result.output
    assert json.loads(runner.invoke(cli, ["due", "--json"]).output)["total"]["new"] == 3


def test_suspended_cards_leave_the_forecast_and_due_counts(setup):
    kb, conn = setup
    before = compute_stats(conn, NOW, kb.settings)
    review.suspend(kb, conn, ["c1"], at=NOW)  # answered Again today: due today, in learning
    after = compute_stats(conn, NOW, kb.settings)
    assert sum(d["due"] for d in after["forecast"]) == sum(d["due"] for d in before["forecast"]) - 1
    assert after["forecast"][0]["due"] == before["forecast"][0]["due"] - 1
    due_before, due_after = before["today"]["due"], after["today"]["due"]
    assert due_after["learning"] + due_after["review"] == due_before["learning"] + due_before["review"] - 1
    assert after["cards"]["suspended"] == 1
    # c2, answered Again today, comes back today: tomorrow's count is tomorrow's forecast
    assert due_tomorrow(conn, kb.settings, NOW, UTC) == after["forecast"][1]["due"]
