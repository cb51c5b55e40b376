"""kb optimize: fitting FSRS parameters to a review history and using them."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner

from kb.review import answers as review
from kb.review.clock import iso, parse_iso
from kb.review.history import get_state
from kb.review.parameters import scheduler_for
from tests.review_helpers import add_card, open_conn, review_kb

pytest.importorskip("fsrs_rs_python")


def simulate(kb, conn, cards=60, days=120, seed=1):
    """A learner whose memory is worse than FSRS's defaults assume: recalls with probability 0.9 ** (elapsed / 2)."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, 8, tzinfo=UTC)
    for i in range(cards):
        add_card(conn, f"c{i:03d}", position=i)
    for day in range(days):
        at = start + timedelta(days=day)
        batch = []
        for (card_id,) in conn.execute(
            "SELECT c.id FROM cards c LEFT JOIN card_state s ON s.card_id = c.id WHERE s.due IS NULL OR s.due < ?",
            (iso(at + timedelta(hours=20)),),
        ).fetchall():
            state = get_state(conn, card_id)
            if state is None:
                grade = 3
            else:
                elapsed = (at - parse_iso(state.last_review)).total_seconds() / 86400
                grade = 3 if rng.random() < 0.9 ** (elapsed / 2) else 1
            batch.append(review.Answer(card_id, grade, at, 1000))
            at += timedelta(minutes=1)
        review.record_answers(kb, conn, batch)  # one day's answers, one journal write


def test_optimize_needs_enough_reviews(make_kb):
    from kb.cli import cli

    review_kb(make_kb)
    result = CliRunner().invoke(cli, ["optimize"])
    assert result.exit_code == 0 and "Only 0 reviews so far" in result.output


def test_optimize_fits_saves_and_the_scheduler_uses_the_parameters(make_kb):
    from kb.cli import cli

    kb = review_kb(make_kb)
    conn = open_conn(kb)
    simulate(kb, conn)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] > 400
    default_sched = scheduler_for(kb)
    result = CliRunner().invoke(cli, ["optimize", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["after"]["log_loss"] < report["before"]["log_loss"]
    assert report["saved_to"] == ".kb/parameters.json"
    saved = json.loads((kb.root / ".kb" / "parameters.json").read_text())
    assert saved["parameters"] == report["parameters"] and len(saved["parameters"]) == 21
    fitted_sched = scheduler_for(kb)
    assert list(fitted_sched.parameters) == saved["parameters"] != list(default_sched.parameters)


def test_dry_run_saves_nothing(make_kb):
    from kb.cli import cli

    kb = review_kb(make_kb)
    conn = open_conn(kb)
    simulate(kb, conn, cards=40, days=90)
    result = CliRunner().invoke(cli, ["optimize", "--dry-run", "--min-reviews", "100"])
    assert result.exit_code == 0 and "log loss" in result.output and "Not saved" in result.output
    assert not (kb.root / ".kb" / "parameters.json").exists()
