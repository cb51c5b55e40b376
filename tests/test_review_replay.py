"""Replaying journals: lines from other devices and other tools, out-of-order merges, edited and vanished cards."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from kb.review.answers import record_answer, suspend, undo
from kb.review.history import get_state
from kb.review.replay import CardResolver, rebuild_from_journal, sync_journal
from tests.review_helpers import add_card, open_conn, review_kb, snapshot

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def kb(make_kb):
    return review_kb(make_kb)


@pytest.fixture
def conn(kb):
    c = open_conn(kb, cards=3)
    yield c
    c.close()


def line(line_type: str, event_id: str, at: str, **fields) -> dict:
    return {"v": 1, "type": line_type, "id": event_id, "at": at, "device": "phone", **fields}


def review_line(event_id: str, card: str, at: str, grade=3, **fields) -> dict:
    snap = {"note": "notes/books/atomic-habits.md", "kind": "basic", "front": f"Front of {card}"}
    snap |= {"back": f"Back of {card}", "fp": f"fp-{card}"}
    return {**line("review", event_id, at, card=card, grade=grade, ms=1, source="review"), **snap, **fields}


def write_journal(kb, name: str, events: list[dict]) -> None:
    kb.journal_dir.mkdir(parents=True, exist_ok=True)
    text = "".join(json.dumps(e, sort_keys=True) + "\n" for e in events)
    with open(kb.journal_dir / name, "a", encoding="utf-8") as fh:
        fh.write(text)


def test_another_devices_lines_are_applied_once(kb, conn):
    write_journal(kb, "phone.jsonl", [review_line("p1", "card0", "2026-03-02T09:00:00Z")])
    report = sync_journal(kb, conn)
    assert (report.files, report.events, report.cards) == (1, 1, 1)
    assert get_state(conn, "card0").reps == 1
    assert sync_journal(kb, conn).files == 0  # nothing new: one stat, nothing read
    write_journal(kb, "phone.jsonl", [review_line("p2", "card0", "2026-03-02T09:10:00Z")])
    report = sync_journal(kb, conn)
    assert (report.files, report.events) == (1, 1)
    assert get_state(conn, "card0").reps == 2


def test_a_journal_rewritten_in_place_is_read_again_without_doubling(kb, conn):
    write_journal(kb, "phone.jsonl", [review_line("p1", "card0", "2026-03-02T09:00:00Z")])
    sync_journal(kb, conn)
    path = kb.journal_dir / "phone.jsonl"
    # a git checkout of another version: a different file of the same size
    text = path.read_text()
    path.write_text(text.replace('"ms":1', '"ms":2'))
    report = sync_journal(kb, conn)
    assert report.files == 1 and report.events == 0  # read again from the start, the known review skipped
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 1


def test_times_written_by_other_tools_are_stored_the_kb_way(kb, conn):
    write_journal(kb, "phone.jsonl", [review_line("p1", "card0", "2026-03-02T10:00:00+01:00")])
    sync_journal(kb, conn)
    assert conn.execute("SELECT reviewed_at FROM reviews").fetchone()[0] == "2026-03-02T09:00:00.000000+00:00"


def test_an_undo_merged_before_its_review_still_takes_it_back(kb, conn):
    # the phone's undo sorts before the laptop's review it refers to (clocks disagree): it applies all the same
    write_journal(kb, "phone.jsonl", [line("undo", "u1", "2026-03-02T08:00:00Z", card="card0", ref="r1")])
    sync_journal(kb, conn)
    write_journal(kb, "laptop2.jsonl", [review_line("r1", "card0", "2026-03-02T09:00:00Z")])
    sync_journal(kb, conn)
    assert conn.execute("SELECT undone FROM reviews WHERE uid = 'r1'").fetchone()[0] == 1
    assert get_state(conn, "card0") is None


def test_a_review_without_a_valid_grade_is_skipped_with_a_warning(kb, conn):
    write_journal(
        kb,
        "phone.jsonl",
        [
            review_line("bad", "card0", "2026-03-02T09:00:00Z", grade=7),
            review_line("ok", "card1", "2026-03-02T09:01:00Z"),
        ],
    )
    report = sync_journal(kb, conn)
    assert report.warnings == [".kb/journal/phone.jsonl: review bad has no grade 1-4; skipped"]
    assert conn.execute("SELECT uid FROM reviews").fetchall() == [("ok",)]


def test_a_line_that_is_not_a_record_is_reported_and_the_rest_replayed(kb, conn):
    kb.journal_dir.mkdir(parents=True, exist_ok=True)
    good = json.dumps(review_line("ok", "card1", "2026-03-02T09:01:00Z"))
    (kb.journal_dir / "phone.jsonl").write_text(f'["not", "an", "event"]\n{good}\n')
    report = sync_journal(kb, conn)
    assert (
        len(report.warnings) == 1 and "(line 1 of the new part) is not a journal record" in report.warnings[0]
    )
    assert conn.execute("SELECT uid FROM reviews").fetchall() == [("ok",)]


def test_a_review_of_a_card_no_note_has_is_kept_under_its_old_id(kb, conn):
    lost = review_line("x1", "gone", "2026-03-02T09:00:00Z", front="", back="", fp="fp-gone")
    write_journal(kb, "phone.jsonl", [lost])
    report = sync_journal(kb, conn)
    assert report.unmatched == 1 and report.events == 1
    assert conn.execute("SELECT card_id FROM reviews WHERE uid = 'x1'").fetchone()[0] == "gone"


def test_an_unknown_card_is_found_by_its_fingerprint(kb, conn):
    write_journal(kb, "phone.jsonl", [review_line("p1", "old-id", "2026-03-02T09:00:00Z", fp="fp-card2")])
    sync_journal(kb, conn)
    assert conn.execute("SELECT card_id FROM reviews WHERE uid = 'p1'").fetchone()[0] == "card2"


def test_a_suspension_follows_the_card_to_its_new_id(kb, conn):
    suspend_line = line("suspend", "s1", "2026-03-02T09:00:00Z", card="old-id", fp="fp-card1", note="")
    write_journal(kb, "phone.jsonl", [suspend_line])
    sync_journal(kb, conn)
    assert conn.execute("SELECT id FROM cards WHERE suspended = 1").fetchall() == [("card1",)]


def test_a_bury_line_hides_the_card_until_its_until_time(kb, conn):
    bury_line = line("bury", "b1", "2026-03-02T09:00:00Z", card="card0", until="2026-03-03T04:00:00Z")
    write_journal(kb, "phone.jsonl", [bury_line])
    sync_journal(kb, conn)
    buried = conn.execute("SELECT buried_until FROM cards WHERE id = 'card0'").fetchone()[0]
    assert buried == "2026-03-03T04:00:00.000000+00:00"


def test_resolver_prefers_a_live_card_in_the_same_note(kb, conn):
    conn.execute("UPDATE cards SET fingerprint = 'shared' WHERE id IN ('card0', 'card1', 'card2')")
    conn.execute("UPDATE cards SET orphaned_at = ? WHERE id = 'card0'", (T0.isoformat(),))
    conn.execute("UPDATE cards SET note = 'notes/other.md' WHERE id = 'card1'")
    conn.commit()
    resolver = CardResolver(conn)
    assert (
        resolver.resolve({"card": "old", "fp": "shared", "note": "notes/books/atomic-habits.md"}) == "card2"
    )
    assert resolver.resolve({"card": "older", "fp": "shared", "note": "notes/other.md"}) == "card1"
    assert resolver.resolve({"card": "card0"}) == "card0"  # a known id is taken as is, orphaned or not


def test_resolver_matches_edited_text_in_a_renamed_note_and_not_unrelated_text(kb, conn):
    resolver = CardResolver(conn)
    renamed = {"card": "old", "note": "notes/renamed.md", "front": "Front of card1", "back": "Back of card1!"}
    assert resolver.resolve(renamed) == "card1"  # same front in another note
    edited = {"card": "older", "note": "notes/books/atomic-habits.md", "front": "Front of card2, edited"}
    assert resolver.resolve({**edited, "back": "Back of card2"}) == "card2"
    unrelated = {
        "card": "nope",
        "note": "notes/books/atomic-habits.md",
        "front": "Kubernetes",
        "back": "pods",
    }
    assert resolver.resolve(unrelated) is None


def test_rebuild_drops_the_leech_flag_but_keeps_other_flags(make_kb):
    kb = review_kb(make_kb, leech_threshold=1)
    conn = open_conn(kb)
    add_card(conn, "card0")
    conn.execute("UPDATE cards SET flags = '[\"marked\"]'")
    conn.commit()
    record_answer(kb, conn, "card0", 4, at=T0, duration_ms=1)
    result = record_answer(kb, conn, "card0", 1, at=T0 + timedelta(days=10), duration_ms=1)
    assert result.leech
    assert conn.execute("SELECT flags, suspended FROM cards").fetchone() == ('["marked", "leech"]', 1)
    expected = snapshot(conn)
    rebuild_from_journal(kb, conn)
    assert snapshot(conn) == expected
    (kb.journal_dir / "laptop.jsonl").unlink()
    rebuild_from_journal(kb, conn, force=True)  # no journal: the leech (and its suspension) are gone
    assert conn.execute("SELECT flags, suspended FROM cards").fetchone() == ('["marked"]', 0)


def test_own_answers_are_not_replayed_back(kb, conn):
    first = record_answer(kb, conn, "card0", 3, at=T0, duration_ms=1)
    undo(kb, conn, first.review_id, at=T0 + timedelta(seconds=5))
    suspend(kb, conn, ["card1"], at=T0)
    report = sync_journal(kb, conn)
    assert report.files == 0 and report.events == 0


def test_a_rebuild_finds_a_card_whose_answer_was_rewritten_by_its_unchanged_question(kb, conn):
    """The question stayed and the answer grew ("DNA" -> "DNA, packed into chromatin"): too different for the text
    similarity, but the one live card of the note asking the same question of the same kind is that card."""
    conn.execute(
        "UPDATE cards SET front = 'Nucleus?', back = 'DNA, packed into chromatin' WHERE id = 'card1'"
    )
    conn.commit()
    resolver = CardResolver(conn)
    line = {
        "card": "old",
        "note": "notes/books/atomic-habits.md",
        "kind": "basic",
        "front": "Nucleus?",
        "back": "DNA",
    }
    assert resolver.resolve(line) == "card1"
    conn.execute("UPDATE cards SET front = 'Nucleus?' WHERE id = 'card2'")  # two cards ask it: no guess
    conn.commit()
    assert CardResolver(conn).resolve(line) is None
