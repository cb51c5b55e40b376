"""Schedules written by the Obsidian Spaced Repetition plugin come along (issue 20, point 4): a card kb has no
history for starts from its <!--SR:--> schedule, once, recorded in the journal; kb never writes into the note."""

from __future__ import annotations

import json
import math
import os
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from kb.cli import cli

VAULT_NOTE = """\
#flashcards/physics
What is the speed of light?::About 300,000 km/s <!--SR:!2024-01-01,3,250-->

Ohm's law:::V = IR
<!--SR:!2024-01-05,7,270!2024-01-09,12,290-->

The ==electron== carries a ==negative== charge.
<!--SR:!2000-01-01,1,250!2024-02-01,30,230-->

What does FSRS stand for?::Free Spaced Repetition Scheduler <!--SR:!fsrs,2024-03-01T10:00:00.000Z,5,4.2,6.1,2,3,0,0,2024-02-25T10:00:00.000Z-->

A brand new card::with no schedule
"""


def kb_json(*args):
    out = CliRunner().invoke(cli, [*args, "--json"])
    assert out.exit_code == 0, out.output
    return json.loads(out.output)


def states(kbroot) -> dict[str, tuple]:
    import sqlite3

    conn = sqlite3.connect(kbroot.root / ".kb" / "kb.db")
    rows = conn.execute(
        "SELECT c.front, s.state, s.due, s.stability, s.difficulty FROM cards c "
        "LEFT JOIN card_state s ON s.card_id = c.id WHERE c.orphaned_at IS NULL ORDER BY c.position"
    ).fetchall()
    conn.close()
    return {r[0]: r[1:] for r in rows}


def journal_lines(kbroot) -> list[dict]:
    folder = kbroot.root / ".kb" / "journal"
    return [
        json.loads(line)
        for f in sorted(folder.glob("*.jsonl"))
        for line in f.read_text().splitlines()
        if line
    ]


@pytest.fixture
def vault(kbroot, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    kbroot.write("physics.md", VAULT_NOTE)
    return kbroot


def test_scheduled_cards_are_review_cards_due_as_written(vault):
    due = kb_json("due")
    assert due["total"]["new"] == 2  # the cloze sibling with the placeholder, and the card with no schedule
    assert due["total"]["review"] == 5 and due["total"]["due"] == 5  # all due dates are in the past
    got = states(vault)
    assert got["What is the speed of light?"][:2] == (
        2,
        "2024-01-01T04:00:00.000000+00:00",
    )  # day starts at 4
    assert got["Ohm's law"][1].startswith("2024-01-05") and got["V = IR"][1].startswith("2024-01-09")
    assert got["The electron carries a [...] charge."][1].startswith("2024-02-01")
    assert got["The [...] carries a negative charge."] == (None, None, None, None)
    assert got["What does FSRS stand for?"] == (2, "2024-03-01T10:00:00.000000+00:00", 4.2, 6.1)
    assert got["A brand new card"] == (None, None, None, None)
    stats = kb_json("stats")
    assert "review" in json.dumps(stats)


def test_the_memory_state_is_anki_s_conversion_of_interval_and_ease(vault):
    from kb.review.adopt import memory_state_from_sm2, sm2_formula
    from kb.review.parameters import scheduler_for

    kb_json("due")
    params = tuple(scheduler_for(vault.open()).parameters)
    stability, difficulty = states(vault)["What is the speed of light?"][2:]
    assert (stability, difficulty) == tuple(round(x, 4) for x in memory_state_from_sm2(2.5, 3, params))
    assert math.isclose(stability, 3.0, abs_tol=1e-3) and 1 <= difficulty <= 10
    import fsrs_rs_python  # the test extra: the fallback formula must agree with it

    rs = fsrs_rs_python.FSRS(list(params))
    for ease in (1.3, 2.0, 2.5, 2.7, 3.5):
        for interval in (1, 3, 30, 400):
            want = rs.memory_state_from_sm2(ease, interval, 0.9)
            got = sm2_formula(ease, interval, params, 0.9)
            assert math.isclose(got[0], want.stability, rel_tol=1e-4), (ease, interval)
            assert math.isclose(got[1], want.difficulty, abs_tol=1e-3), (ease, interval)


def test_adopted_once_in_one_journal_line_and_a_rebuilt_database_keeps_it(vault):
    kb_json("due")
    before = states(vault)
    lines = journal_lines(vault)
    assert [(e["type"], e["source"], e["start"], len(e["cards"])) for e in lines] == [
        ("schedule", "obsidian-sr", True, 5)
    ]
    kb_json("due")  # nothing pending: no second line
    assert len(journal_lines(vault)) == 1
    for name in os.listdir(vault.root / ".kb"):
        if name.startswith("kb.db"):
            os.remove(vault.root / ".kb" / name)
    kb_json("due")
    assert states(vault) == before
    assert len(journal_lines(vault)) == 1  # replayed, not adopted again


def test_later_edits_of_the_comment_do_not_override_kb_s_schedule(vault):
    from kb.review.answers import record_answer
    from kb.store.connection import open_store

    kb_json("due")
    kb = vault.open()
    conn = open_store(kb.db)
    card = conn.execute("SELECT id FROM cards WHERE front = 'What is the speed of light?'").fetchone()[0]
    result = record_answer(kb, conn, card, 3, at=datetime(2024, 1, 2, 12, tzinfo=UTC), duration_ms=900)
    conn.close()
    after_review = states(vault)
    assert after_review["What is the speed of light?"][1] == result.after.due
    assert result.before is not None and result.before.due.startswith("2024-01-01")  # from the adopted start
    # the plugin (still used on another machine) rewrites every comment
    text = VAULT_NOTE.replace("2024-01-01,3,250", "2025-06-01,90,300").replace(
        "2024-01-05,7,270", "2025-07-01,60,310"
    )
    path = vault.write("physics.md", text)
    os.utime(path, ns=(1_800_000_000 * 10**9,) * 2)
    kb_json("due")
    assert states(vault) == after_review
    assert [e["type"] for e in journal_lines(vault)] == ["schedule", "review"]
    assert path.read_text(encoding="utf-8") == text  # kb never writes into the note


def test_a_card_written_later_with_a_schedule_starts_from_it(vault):
    kb_json("due")
    path = vault.write("physics.md", VAULT_NOTE + "\nNew one::here <!--SR:!2030-01-01,10,250-->\n")
    os.utime(path, ns=(1_800_000_000 * 10**9,) * 2)
    due = kb_json("due")
    assert due["total"]["due"] == 5 and due["total"]["new"] == 2  # the new one is a review card, due in 2030
    assert states(vault)["New one"][1].startswith("2030-01-01")
    assert [len(e["cards"]) for e in journal_lines(vault)] == [5, 1]


def test_a_comment_added_to_a_card_kb_has_no_history_for_is_adopted(kbroot, monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    kbroot.write("a.md", "Q1::A1\nQ2::A2\n")
    assert kb_json("due")["total"]["new"] == 2
    path = kbroot.write("a.md", "Q1::A1 <!--SR:!2024-01-01,3,250-->\nQ2::A2\n")
    os.utime(path, ns=(1_800_000_000 * 10**9,) * 2)
    due = kb_json("due")
    assert (due["total"]["new"], due["total"]["due"]) == (1, 1)
    assert states(kbroot)["Q1"][1].startswith("2024-01-01")
