"""Recording answers, undo, suspension, replay of the journal, and `kb review` end to end."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.review import answers as review
from kb.review.clock import iso, now
from kb.review.history import get_state, recompute, write_transaction
from kb.review.queue import Filters, Queue
from kb.review.replay import rebuild_from_journal, sync_journal
from kb.review.scheduler import LEARNING, REVIEW, CardState
from kb.store.connection import remove_database
from tests.review_helpers import add_card, open_conn, review_kb, snapshot

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def kb(make_kb):
    return review_kb(make_kb)


@pytest.fixture
def conn(kb):
    c = open_conn(kb, cards=4)
    yield c
    c.close()


def journal_lines(kb, device="laptop"):
    path = kb.journal_dir / f"{device}.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_answer_is_in_database_and_journal_before_returning(kb, conn):
    result = review.record_answer(kb, conn, "card0", 3, at=T0, duration_ms=4200)
    assert result.before is None and result.after.state == LEARNING
    # a second connection (another process) sees it committed
    other = sqlite3.connect(kb.db)
    assert other.execute("SELECT card_id, grade, duration_ms FROM reviews").fetchall() == [("card0", 3, 4200)]
    assert (
        other.execute("SELECT due FROM card_state WHERE card_id = 'card0'").fetchone()[0]
        == "2026-03-02T09:10:00.000000+00:00"
    )
    (line,) = journal_lines(kb)
    assert line["id"] == result.review_id and line["card"] == "card0" and line["grade"] == 3
    assert line["front"] == "Front of card0" and line["note"] == "notes/books/atomic-habits.md"
    assert line["after"]["due"] == result.after.due


def test_bad_grade_is_a_clear_error(kb, conn):
    from kb.errors import KbError

    with pytest.raises(KbError, match="grade 5"):
        review.record_answer(kb, conn, "card0", 5, at=T0, duration_ms=None)
    with pytest.raises(KbError, match="no card with id nope"):
        review.record_answer(kb, conn, "nope", 3, at=T0, duration_ms=None)


def test_undo_appends_a_record_and_restores_the_schedule(kb, conn):
    first = review.record_answer(kb, conn, "card0", 3, at=T0, duration_ms=1000)
    second = review.record_answer(kb, conn, "card0", 3, at=T0 + timedelta(minutes=10), duration_ms=1000)
    assert second.after.state == REVIEW
    before_undo = (kb.journal_dir / "laptop.jsonl").read_bytes()
    restored = review.undo(kb, conn, second.review_id, at=T0 + timedelta(minutes=11))
    assert restored == first.after
    after_undo = (kb.journal_dir / "laptop.jsonl").read_bytes()
    assert after_undo.startswith(before_undo)  # nothing rewritten
    lines = journal_lines(kb)
    assert [x["type"] for x in lines] == ["review", "review", "undo"] and lines[-1]["ref"] == second.review_id
    assert conn.execute("SELECT undone FROM reviews WHERE uid = ?", (second.review_id,)).fetchone()[0] == 1


def run_history(kb, conn):
    """A varied history: learning, review, lapses, undo, suspension, bury, intervals long enough to be fuzzed."""
    at = T0
    for day in range(0, 120, 7):
        for i, card in enumerate(["card0", "card1", "card2"]):
            grade = 1 if (day + i) % 5 == 0 else 3 if (day + i) % 3 else 4
            review.record_answer(
                kb, conn, card, grade, at=at + timedelta(days=day, minutes=i), duration_ms=900 + i
            )
    last = review.record_answer(kb, conn, "card3", 4, at=at + timedelta(days=130), duration_ms=5)
    review.undo(kb, conn, last.review_id, at=at + timedelta(days=130, seconds=5))
    review.suspend(kb, conn, ["card1"], at=at + timedelta(days=131))
    review.bury(kb, conn, ["card2"], at=at + timedelta(days=131))


def test_deleting_the_database_gives_back_identical_schedules(kb, conn):
    run_history(kb, conn)
    expected = snapshot(conn)
    assert expected["state"] and any(row[1] for row in expected["flags"])
    conn.close()
    remove_database(kb.db)
    fresh = open_conn(kb)  # the cards table is refilled as the extractor would, then the journal replayed
    for i in range(4):
        add_card(fresh, f"card{i}", position=i)
    rebuild_from_journal(kb, fresh)
    assert snapshot(fresh) == expected


def test_replay_with_fuzz_recomputes_exactly(kb, conn):
    """Recomputation (the path merges take) reproduces fuzzed intervals: the fuzz is seeded per card and review."""
    run_history(kb, conn)
    expected = conn.execute("SELECT * FROM card_state ORDER BY card_id").fetchall()
    conn.execute("UPDATE reviews SET logged = NULL")  # forget the recorded schedules: FSRS must recompute
    with write_transaction(conn):
        for card in ("card0", "card1", "card2"):
            recompute(conn, kb, card)
    assert conn.execute("SELECT * FROM card_state ORDER BY card_id").fetchall() == expected


def test_replay_finds_a_card_after_its_id_changed(kb, conn):
    review.record_answer(kb, conn, "card0", 3, at=T0, duration_ms=1)
    state = get_state(conn, "card0")
    conn.close()
    remove_database(kb.db)
    fresh = open_conn(kb)
    # the note was edited: the card has a new id and slightly different text, same note
    add_card(fresh, "new-id", front="Front of card0, edited", back="Back of card0")
    add_card(fresh, "other", position=1, front="Something else entirely", back="No")
    rebuild_from_journal(kb, fresh)
    assert get_state(fresh, "new-id") == state
    assert get_state(fresh, "other") is None


def test_two_device_journals_merge_into_one_history(make_kb):
    laptop = review_kb(make_kb, device="laptop")
    c1 = open_conn(laptop)
    add_card(c1, "card0")
    add_card(c1, "card1", position=1)
    review.record_answer(laptop, c1, "card0", 3, at=T0, duration_ms=1)
    review.record_answer(laptop, c1, "card0", 3, at=T0 + timedelta(minutes=10), duration_ms=1)
    # the phone, a clone of the knowledge base with its own database, reviews the same card a day later
    phone = review_kb(make_kb, at="phone", device="phone")
    c2 = open_conn(phone)
    add_card(c2, "card0")
    add_card(c2, "card1", position=1)
    review.record_answer(phone, c2, "card1", 3, at=T0 + timedelta(hours=1), duration_ms=1)
    review.record_answer(phone, c2, "card0", 1, at=T0 + timedelta(days=1), duration_ms=1)
    # git brings each device's file to the other
    (phone.journal_dir / "laptop.jsonl").write_bytes((laptop.journal_dir / "laptop.jsonl").read_bytes())
    (laptop.journal_dir / "phone.jsonl").write_bytes((phone.journal_dir / "phone.jsonl").read_bytes())
    sync_journal(laptop, c1)
    sync_journal(phone, c2)
    s1, s2 = snapshot(c1), snapshot(c2)
    assert s1["state"] == s2["state"]
    assert [r[0] for r in s1["reviews"]] == [r[0] for r in s2["reviews"]]
    # one history in time order: the phone's Again came after the laptop's two answers
    rows = c1.execute(
        "SELECT grade, json_extract(state_before, '$.reps') FROM reviews WHERE card_id = 'card0' ORDER BY reviewed_at"
    ).fetchall()
    assert rows == [(3, None), (3, 1), (1, 2)]
    assert get_state(c1, "card0").reps == 3


def test_sync_is_a_no_op_without_new_lines(kb, conn):
    review.record_answer(kb, conn, "card0", 3, at=T0, duration_ms=1)
    report = sync_journal(kb, conn)
    assert report.files == 0 and report.events == 0


def test_torn_last_line_is_skipped_and_the_next_answer_survives(kb, conn):
    review.record_answer(kb, conn, "card0", 3, at=T0, duration_ms=1)
    path = kb.journal_dir / "laptop.jsonl"
    with open(path, "ab") as fh:
        fh.write(b'{"type":"review","id":"torn","card":"card1","gr')  # kill -9 mid-write
    review.record_answer(kb, conn, "card1", 4, at=T0 + timedelta(minutes=1), duration_ms=1)
    conn.close()
    remove_database(kb.db)
    fresh = open_conn(kb)
    for i in range(4):
        add_card(fresh, f"card{i}", position=i)
    report = rebuild_from_journal(kb, fresh)
    assert report.warnings and "not a journal record" in report.warnings[0]
    assert fresh.execute("SELECT card_id FROM reviews ORDER BY reviewed_at").fetchall() == [
        ("card0",),
        ("card1",),
    ]


def test_leech_is_suspended_flagged_and_survives_a_rebuild(make_kb):
    kb = review_kb(make_kb, leech_threshold=2)
    conn = open_conn(kb)
    add_card(conn, "card0")
    at = T0
    results = []
    for grade in (3, 3, 1, 3, 3, 1):
        results.append(review.record_answer(kb, conn, "card0", grade, at=at, duration_ms=1))
        at += timedelta(days=5)
    assert results[-1].leech and not any(r.leech for r in results[:-1])
    assert conn.execute("SELECT suspended, flags FROM cards").fetchone() == (1, '["leech"]')
    review.undo(kb, conn, results[-1].review_id)  # taking the lapse back takes the leech back
    assert conn.execute("SELECT suspended, flags FROM cards").fetchone() == (0, "[]")
    results.append(review.record_answer(kb, conn, "card0", 1, at=at, duration_ms=1))
    assert results[-1].leech
    review.unsuspend(kb, conn, ["card0"])
    assert conn.execute("SELECT suspended, flags FROM cards").fetchone() == (0, '["leech"]')
    expected = snapshot(conn)
    rebuild_from_journal(kb, conn)
    assert snapshot(conn) == expected


# ---------------------------------------------------------------------------------------------------- the queue
def test_queue_order_learning_then_overdue_reviews_then_new_in_note_order(kb, conn):
    for i in range(4, 8):
        add_card(conn, f"card{i}", position=i)
    # card5 and card6 become review cards, card6 more overdue; card7 is learning and due
    review.record_answer(kb, conn, "card5", 4, at=T0 - timedelta(days=20), duration_ms=1)
    review.record_answer(kb, conn, "card6", 4, at=T0 - timedelta(days=40), duration_ms=1)
    review.record_answer(kb, conn, "card7", 1, at=T0 - timedelta(minutes=5), duration_ms=1)
    review.suspend(kb, conn, ["card1"])
    q = Queue(conn, kb.settings, T0, filters=Filters())
    seen = []
    while (card := q.next(T0)) is not None:
        seen.append((card.id, card.queue))
        q.answered(card)
        q.skip(card.id)
    assert seen == [
        ("card7", "learning"),
        ("card6", "review"),
        ("card5", "review"),
        ("card0", "new"),
        ("card2", "new"),
        ("card3", "new"),
        ("card4", "new"),
    ]


def test_siblings_wait_for_another_day(kb, conn):
    add_card(conn, "rev-a", position=10, sibling="pair")
    add_card(conn, "rev-b", position=11, sibling="pair")
    review.record_answer(kb, conn, "rev-a", 3, at=T0, duration_ms=1)
    q = Queue(conn, kb.settings, T0 + timedelta(minutes=1), filters=Filters(note=None))
    ids = []
    while (card := q.next(T0 + timedelta(minutes=1))) is not None:
        ids.append(card.id)
        q.skip(card.id)
    assert "rev-b" not in ids and "card0" in ids
    tomorrow = T0 + timedelta(days=1)
    q2 = Queue(conn, kb.settings, tomorrow)
    ids2 = []
    while (card := q2.next(tomorrow)) is not None:
        ids2.append(card.id)
        q2.skip(card.id)
    assert "rev-b" in ids2


def test_new_card_limit_counts_todays_answers(make_kb):
    kb = review_kb(make_kb, new_per_day=2)
    conn = open_conn(kb)
    for i in range(5):
        add_card(conn, f"card{i}", position=i)
    review.record_answer(kb, conn, "card0", 4, at=T0, duration_ms=1)
    q = Queue(conn, kb.settings, T0)
    assert q.counts(T0).new == 1
    assert Queue(conn, kb.settings, T0, new_limit=3).counts(T0).new == 3


# ---------------------------------------------------------------------------------------------------- CLI
def cli(args, input_text="", env=None):
    from kb.cli import cli as kb_cli

    return CliRunner().invoke(kb_cli, args, input=input_text, env=env, catch_exceptions=False)


def test_kb_review_line_protocol_end_to_end(kb, conn, monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    result = cli(["review"], "3\nagain\nx\ns\nb\nq\n")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.count("--- card") == 5
    assert "Q: Front of card0" in out and "grades: 1 again 1m | 2 hard 6m | 3 good 10m" in out
    assert "answered Good: next in 10m" in out and "answered Again: next in 1m" in out
    assert "suspended card card2" in out and "buried card card3 until tomorrow" in out
    assert "Reviewed 2 cards" in out and "again rate 50%" in out
    grades = conn.execute("SELECT card_id, grade FROM reviews ORDER BY id").fetchall()
    assert grades == [("card0", 3), ("card1", 1)]
    assert conn.execute("SELECT id FROM cards WHERE suspended = 1").fetchall() == [("card2",)]
    assert [x["type"] for x in journal_lines(kb)] == ["review", "review", "suspend", "bury"]


def test_kb_review_eof_ends_cleanly_and_undo_works(kb, conn, monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    result = cli(["review", "--json"], "4\nu\n3\n")
    assert result.exit_code == 0, result.output
    assert "undone: Easy on card card0" in result.output
    summary = json.loads(result.output[result.output.index("{") :])
    assert summary["reviewed"] == 1
    assert conn.execute("SELECT grade, undone FROM reviews ORDER BY id").fetchall() == [(4, 1), (3, 0)]


def test_kb_review_filters_and_limit(kb, conn, monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    add_card(conn, "tax", note="notes/taxes/ira.md", position=0, tags=("taxes/federal",), type_="topic")
    out = cli(["review", "--tag", "taxes"], "3\n").output
    assert "id: tax" in out and "card0" not in out
    out = cli(["review", "--type", "book", "--limit", "1"], "3\n3\n").output
    assert out.count("--- card") == 1


def test_database_rebuilt_by_any_command(kb, conn, monkeypatch):
    """Delete kb.db, run a command: the journal is replayed on open (cards come back from the notes later)."""
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    cli(["review"], "3\n3\n")
    expected = conn.execute("SELECT card_id, reviewed_at, grade FROM reviews ORDER BY id").fetchall()
    conn.close()
    remove_database(kb.db)
    assert cli(["due", "--json"]).exit_code == 0
    fresh = sqlite3.connect(kb.db)
    assert fresh.execute("SELECT card_id, reviewed_at, grade FROM reviews ORDER BY id").fetchall() == expected


def test_suspend_and_unsuspend_commands(kb, conn):
    from kb.commands.cards import suspend_cmd, unsuspend_cmd

    runner = CliRunner()
    result = runner.invoke(suspend_cmd, ["card1", "card2"])
    assert result.exit_code == 0 and "suspended 2 cards: card1 card2" in result.output
    assert conn.execute("SELECT id FROM cards WHERE suspended = 1 ORDER BY id").fetchall() == [
        ("card1",),
        ("card2",),
    ]
    result = runner.invoke(unsuspend_cmd, ["card2", "--json"])
    assert json.loads(result.output) == {"unsuspended": ["card2"]}
    result = runner.invoke(suspend_cmd, ["zzz"])  # the kb group turns this KbError into a one-line error
    assert result.exit_code != 0 and "no card with id zzz" in str(result.exception)


def test_editor_command_opens_the_note_at_the_card_line(kb, conn, monkeypatch):
    from kb.review.queue import reload_card
    from kb.review.terminal import editor_command

    monkeypatch.setenv("VISUAL", "sh -x")  # an editor with its own options, as `code --wait` is
    card = reload_card(conn, "card2")
    assert editor_command(kb, card) == ["sh", "-x", "+9", str(kb.root / "notes/books/atomic-habits.md")]


def test_editing_with_an_editor_that_is_not_installed_says_what_to_set(kb, conn, monkeypatch):
    from kb.review.queue import reload_card
    from kb.review.terminal import TerminalUI

    monkeypatch.setenv("VISUAL", "no-such-editor-kb --wait")
    ui = TerminalUI(key_reader=lambda: " ")
    ui.edit(kb, reload_card(conn, "card2"))  # no exception: the review goes on
    assert "no-such-editor-kb" in ui.message and "$VISUAL" in ui.message


def test_terminal_ui_keys(kb, conn, monkeypatch):
    """The rich reviewer, driven by a scripted key reader: reveal, grade, undo, bury, quit."""
    from io import StringIO

    from rich.console import Console

    from kb.review.terminal import TerminalUI, run_session

    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    keys = iter(["3", " ", "3", "u", "\r", "4", "b", "q"])  # "3" before reveal is ignored
    console = Console(file=StringIO(), width=100, force_terminal=False)
    ui = TerminalUI(console=console, key_reader=lambda: next(keys))
    q = Queue(conn, kb.settings, now())
    summary = run_session(kb, conn, q, ui)
    assert summary.reviewed == 1 and summary.buried == 1
    assert conn.execute("SELECT card_id, grade, undone FROM reviews ORDER BY id").fetchall() == [
        ("card0", 3, 1),
        ("card0", 4, 0),
    ]
    text = console.file.getvalue()
    assert "Front of card0" in text and "Good 10m" in text and "Easy" in text


def test_kill_9_mid_session_keeps_every_answer_given(kb, conn):
    """A killed reviewer loses only the answer being typed; the database passes integrity_check."""
    import os
    import select
    import signal
    import subprocess
    import sys
    from pathlib import Path

    env = {
        **os.environ,
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
        "KB_NOW": "2026-03-02T09:00:00Z",
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "kb", "review"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    out = bytearray()

    def wait_for(marker: bytes) -> None:
        while marker not in out:
            ready, _, _ = select.select([proc.stdout], [], [], 30)
            assert ready, f"kb review printed no {marker!r}: {bytes(out)!r}"
            chunk = os.read(proc.stdout.fileno(), 65536)
            assert chunk, f"kb review ended early: {proc.stderr.read()!r}"
            out.extend(chunk)

    wait_for(b"> ")
    proc.stdin.write(b"3\n")
    proc.stdin.flush()
    wait_for(b"--- card 2")  # the first answer was stored before this card was printed
    proc.stdin.write(b"4")  # being typed, no Enter yet
    proc.stdin.flush()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    check = sqlite3.connect(kb.db)
    assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert check.execute("SELECT card_id, grade FROM reviews").fetchall() == [("card0", 3)]
    assert [(x["card"], x["grade"]) for x in journal_lines(kb)] == [("card0", 3)]


def test_batch_import_matches_one_by_one_and_replays_identically(make_kb):
    history = [
        ("card0", 3, 0),
        ("card1", 1, 1),
        ("card0", 3, 2),
        ("card1", 3, 3),
        ("card0", 4, 200),
        ("card1", 2, 300),
    ]
    ids = [f"r{i:02d}" for i in range(len(history))]
    one = review_kb(make_kb, at="one", device="one")
    c1 = open_conn(one)
    add_card(c1, "card0")
    add_card(c1, "card1", position=1)
    for (card, grade, minutes), rid in zip(history, ids, strict=True):
        review.record_answer(
            one,
            c1,
            card,
            grade,
            at=T0 + timedelta(minutes=minutes * 60),
            duration_ms=None,
            source="anki-import",
            review_id=rid,
        )
    batch = review_kb(make_kb, at="batch", device="batch")
    c2 = open_conn(batch)
    add_card(c2, "card0")
    add_card(c2, "card1", position=1)
    answers = [
        review.Answer(card, grade, T0 + timedelta(minutes=minutes * 60), None, rid)
        for (card, grade, minutes), rid in zip(history, ids, strict=True)
    ]
    results = review.record_answers(batch, c2, answers, source="anki-import")
    assert [r.after for r in results] == [
        CardState.from_dict(json.loads(row[0]))
        for row in c1.execute("SELECT state_after FROM reviews ORDER BY uid")
    ]
    assert (
        c2.execute("SELECT * FROM card_state").fetchall() == c1.execute("SELECT * FROM card_state").fetchall()
    )
    assert len(journal_lines(batch, "batch")) == len(history)
    assert c2.execute("SELECT DISTINCT source FROM reviews").fetchall() == [("anki-import",)]


def test_an_answer_older_than_the_last_review_takes_its_place_in_time(kb, conn):
    review.record_answer(kb, conn, "card0", 3, at=T0 + timedelta(days=1), duration_ms=1)
    review.record_answer(kb, conn, "card0", 1, at=T0, duration_ms=1)  # imported later, happened earlier
    rows = conn.execute(
        "SELECT grade, json_extract(state_after, '$.reps') FROM reviews ORDER BY reviewed_at"
    ).fetchall()
    assert rows == [(1, 1), (3, 2)]
    state = get_state(conn, "card0")
    assert state.reps == 2 and state.last_review == iso(T0 + timedelta(days=1))
    expected = snapshot(conn)
    rebuild_from_journal(kb, conn)
    assert snapshot(conn) == expected


def test_key_reader_on_a_real_terminal():
    """Single keys without Enter, no echo, UTF-8 keys whole, terminal restored, closed terminal ends the session."""
    import os
    import pty
    import select
    import termios

    from kb.review.terminal import KeyReader

    master, slave = pty.openpty()
    with open(slave, "rb", buffering=0, closefd=False) as stream:
        before = termios.tcgetattr(slave)
        with KeyReader(stream) as read:
            os.write(master, " 3é".encode())
            assert [read(), read(), read()] == [" ", "3", "é"]
            assert not select.select([master], [], [], 0)[0]  # nothing echoed back
        assert termios.tcgetattr(slave) == before
        with KeyReader(stream) as read:
            os.close(master)
            assert read() == "\x04"
    os.close(slave)


# ---------------------------------------------------------------------------------------------------- real notes
NOTE = """---
title: Atomic Habits
type: book
tags: [habits]
---
# Atomic Habits

## Flashcards

What is habit stacking?::Pairing a new habit with a current one

Identity-based habit:::A habit built on who you want to become

What are the four laws of behaviour change?::Obvious, attractive, easy, satisfying
"""


@pytest.fixture
def real_kb(make_kb, monkeypatch):
    kb = review_kb(make_kb)
    (kb.root / "notes" / "books" / "atomic-habits.md").write_text(NOTE, encoding="utf-8")
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    return kb


def test_review_real_notes_end_to_end(real_kb):
    out = cli(["review"], "3\n3\n3\n3\n3\n").output
    fronts = [line[3:] for line in out.splitlines() if line.startswith("Q: ")]
    assert fronts[:3] == [
        "What is habit stacking?",
        "Identity-based habit",
        "What are the four laws of behaviour change?",
    ]
    # the reversed card's other side is its sibling: not shown on the same day
    assert "A habit built on who you want to become" not in fronts
    conn = sqlite3.connect(real_kb.db)
    assert conn.execute("SELECT count(DISTINCT card_id) FROM reviews").fetchone()[0] == 3
    later = cli(["review"], "3\n" * 8, env={"KB_NOW": "2026-03-03T09:00:00Z"}).output
    assert "Q: A habit built on who you want to become" in later


def test_schedules_survive_a_renamed_and_edited_note_and_a_deleted_database(real_kb):
    cli(["review", "--limit", "1"], "4\n")
    conn = sqlite3.connect(real_kb.db)
    (card_id, due) = conn.execute("SELECT card_id, due FROM card_state").fetchone()
    (laws,) = conn.execute("SELECT id FROM cards WHERE front LIKE 'What are the four laws%'").fetchone()
    conn.close()
    from kb.commands.cards import suspend_cmd

    assert CliRunner().invoke(suspend_cmd, [laws]).exit_code == 0
    old = real_kb.root / "notes" / "books" / "atomic-habits.md"
    new = real_kb.root / "notes" / "books" / "atomic-habits-james-clear.md"
    new.write_text(old.read_text().replace("with a current one", "with one you already do"), encoding="utf-8")
    old.unlink()
    remove_database(real_kb.db)
    assert cli(["due", "--json"]).exit_code == 0
    conn = sqlite3.connect(real_kb.db)
    rows = conn.execute(
        "SELECT c.front, c.note, s.due FROM card_state s JOIN cards c ON c.id = s.card_id"
    ).fetchall()
    assert rows == [("What is habit stacking?", "notes/books/atomic-habits-james-clear.md", due)]
    assert card_id  # the history is attached to the live card, whatever its id is now
    suspended = conn.execute("SELECT front FROM cards WHERE suspended = 1").fetchall()
    assert suspended == [("What are the four laws of behaviour change?",)]


def test_an_answer_waits_for_a_concurrent_writer_instead_of_failing(kb, conn):
    """`kb index` (or anything else) holding the write lock makes an answer wait (busy timeout), never fail."""
    import threading

    from kb.store.connection import connect

    other = connect(kb.db)
    other.execute("BEGIN IMMEDIATE")  # e.g. kb index writing in another process
    impatient = connect(kb.db)
    impatient.execute("PRAGMA busy_timeout = 0")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        review.record_answer(kb, impatient, "card0", 3, at=T0, duration_ms=1)
    assert not (kb.journal_dir / "laptop.jsonl").exists()  # no journal line for an answer that was not stored

    started = threading.Event()
    results = []

    def answer_in_the_reviewer():  # its own connection, as the reviewer process has
        mine = connect(kb.db)
        mine.set_trace_callback(lambda sql: started.set() if sql.startswith("BEGIN IMMEDIATE") else None)
        results.append(review.record_answer(kb, mine, "card0", 3, at=T0, duration_ms=1))
        mine.close()

    worker = threading.Thread(target=answer_in_the_reviewer)
    worker.start()
    assert started.wait(30)
    other.commit()  # the indexer finishes; the waiting answer goes through
    worker.join(60)
    assert results and results[0].after.state == LEARNING
    assert [x["card"] for x in journal_lines(kb)] == ["card0"]


def test_new_cards_after_many_scheduled_ones_in_note_order(make_kb):
    kb = review_kb(make_kb, new_per_day=3)
    conn = open_conn(kb)
    for i in range(40):
        add_card(conn, f"old{i:02d}", note="notes/a.md", position=i)
    review.record_answers(
        kb, conn, [review.Answer(f"old{i:02d}", 4, T0 - timedelta(days=1)) for i in range(40)]
    )
    add_card(conn, "new-a", note="notes/b.md", position=0, sibling="ab")
    add_card(conn, "new-b", note="notes/b.md", position=1, sibling="ab")
    for i in range(3):
        add_card(conn, f"new{i}", note="notes/c.md", position=i)
    q = Queue(conn, kb.settings, T0)
    assert q.counts(T0).new == 3
    shown = []
    while (card := q.next(T0)) is not None:
        shown.append(card.id)
        review.record_answer(kb, conn, card.id, 4, at=T0, duration_ms=1)
        q.answered(card)
        assert q.counts(T0).new == 3 - len(shown)
    assert shown == ["new-a", "new0", "new1"]  # new-b is new-a's sibling: another day


def test_line_protocol_indents_multi_line_sides(kb, conn, monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    add_card(conn, "multi", position=-1, front="First line\nsecond line", back="- a\n- b")
    out = cli(["review", "--limit", "1"], "3\n").output
    assert "Q: First line\n   second line\nA: - a\n   - b\n" in out


def test_nothing_to_review(kb, monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    result = cli(["review"], "")
    assert result.exit_code == 0 and "Nothing to review now.\nDue tomorrow: 0." in result.output


def test_edit_key_opens_the_editor_at_the_card_line_then_reindexes(kb, conn, monkeypatch, tmp_path):
    """`e` runs $VISUAL with +LINE and the note (a real program standing in for the user's editor)."""
    import sys
    from io import StringIO

    from rich.console import Console

    from kb.review.terminal import TerminalUI, run_session

    log = tmp_path / "editor-args.json"
    editor = tmp_path / "editor.py"
    editor.write_text(f"import json, sys\nopen({str(log)!r}, 'w').write(json.dumps(sys.argv[1:]))\n")
    monkeypatch.setenv("VISUAL", f"{sys.executable} {editor}")
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    keys = iter(["e", "q"])
    reindexed = []
    ui = TerminalUI(console=Console(file=StringIO(), width=80), key_reader=lambda: next(keys))
    run_session(kb, conn, Queue(conn, kb.settings, now()), ui, reindex=lambda: reindexed.append(1))
    assert json.loads(log.read_text()) == ["+7", str(kb.root / "notes/books/atomic-habits.md")]
    assert reindexed == [1]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["answer", "answer", "answer", "undo", "suspend", "unsuspend", "bury"]),
            st.sampled_from(["card0", "card1", "card2"]),
            st.integers(1, 4),
            st.integers(0, 20 * 24 * 60),  # minutes to the next operation
        ),
        max_size=14,
    )
)
def test_any_history_rebuilds_to_the_same_database(tmp_path_factory, make_kb, ops):
    """Property: whatever the user does, deleting kb.db and replaying the journal gives the same database."""
    kb = review_kb(make_kb, at=tmp_path_factory.mktemp("kb"), leech_threshold=2)
    conn = open_conn(kb)
    for i in range(3):
        add_card(conn, f"card{i}", position=i)
    at = T0
    answered = []
    for op, card, grade, minutes in ops:
        if op == "answer":
            answered.append(review.record_answer(kb, conn, card, grade, at=at, duration_ms=minutes))
        elif op == "undo" and answered:
            review.undo(kb, conn, answered.pop().review_id, at=at)
        elif op in ("suspend", "unsuspend", "bury"):
            getattr(review, op)(kb, conn, [card], at=at)
        at += timedelta(minutes=minutes)
    expected = snapshot(conn)
    conn.close()
    remove_database(kb.db)
    fresh = open_conn(kb)
    for i in range(3):
        add_card(fresh, f"card{i}", position=i)
    rebuild_from_journal(kb, fresh)
    assert snapshot(fresh) == expected
    fresh.close()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["laptop", "phone"]),
            st.sampled_from(["answer", "answer", "answer", "undo", "suspend", "unsuspend"]),
            st.sampled_from(["card0", "card1"]),
            st.integers(1, 4),
            st.integers(0, 10 * 24 * 60),
        ),
        max_size=12,
    )
)
def test_two_devices_converge_whatever_they_did(tmp_path_factory, make_kb, monkeypatch, ops):
    """Property: after exchanging journals, both devices and a fresh rebuild hold the same history and schedules."""
    base = tmp_path_factory.mktemp("devices")
    devices = {}
    for name in ("laptop", "phone"):
        kb = review_kb(make_kb, at=base / name, device=name)
        conn = open_conn(kb)
        add_card(conn, "card0")
        add_card(conn, "card1", position=1)
        devices[name] = (kb, conn, [])
    at = T0
    for device, op, card, grade, minutes in ops:
        kb, conn, answered = devices[device]
        monkeypatch.setenv("KB_DEVICE", device)
        if op == "answer":
            answered.append(review.record_answer(kb, conn, card, grade, at=at, duration_ms=1))
        elif op == "undo" and answered:
            review.undo(kb, conn, answered.pop().review_id, at=at)
        elif op in ("suspend", "unsuspend"):
            getattr(review, op)(kb, conn, [card], at=at)
        at += timedelta(minutes=minutes)
    for name, other in (("laptop", "phone"), ("phone", "laptop")):
        theirs = devices[other][0].journal_dir / f"{other}.jsonl"
        if theirs.exists():  # what git brings over
            devices[name][0].journal_dir.mkdir(parents=True, exist_ok=True)
            (devices[name][0].journal_dir / f"{other}.jsonl").write_bytes(theirs.read_bytes())
    for name, (kb, conn, _) in devices.items():
        monkeypatch.setenv("KB_DEVICE", name)
        sync_journal(kb, conn)
    laptop, phone = snapshot(devices["laptop"][1]), snapshot(devices["phone"][1])
    assert laptop == phone
    kb, conn, _ = devices["laptop"]
    rebuild_from_journal(kb, conn)
    assert snapshot(conn) == laptop


def test_rebuild_refuses_to_drop_reviews_no_journal_has(kb, conn):
    from kb.errors import KbError

    review.record_answer(kb, conn, "card0", 3, at=T0, duration_ms=1)
    (kb.journal_dir / "laptop.jsonl").unlink()
    with pytest.raises(KbError, match="1 review"):
        rebuild_from_journal(kb, conn)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1
    rebuild_from_journal(kb, conn, force=True)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0


def test_review_note_option_takes_paths_like_other_commands(kb, conn, monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    monkeypatch.chdir(kb.root / "notes")
    out = cli(["review", "--note", "books/atomic-habits.md", "--limit", "1"], "3\n").output
    assert "id: card0" in out
    from kb.cli import cli as kb_cli

    result = CliRunner().invoke(kb_cli, ["review", "--note", "nope.md"], input="")
    assert result.exit_code == 1 and "nope.md: no such note" in result.output
