"""The review queue: order, daily limits, session limits, learn-ahead, hidden cards, filters, reloading a card."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from kb.review.answers import bury, record_answer, suspend
from kb.review.queue import Filters, Queue, reload_card
from tests.review_helpers import add_card, open_conn, review_kb

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def kb(make_kb):
    return review_kb(make_kb)


@pytest.fixture
def conn(kb):
    c = open_conn(kb)
    yield c
    c.close()


def drain(queue: Queue, at: datetime = T0) -> list[tuple[str, str]]:
    """Every card the session would show, answered in turn (without recording anything)."""
    shown = []
    while (card := queue.next(at)) is not None:
        shown.append((card.id, card.queue))
        queue.answered(card)
        queue.skip(card.id)
    return shown


def make_reviews(kb, conn, count: int) -> None:
    """``count`` cards in review state (answered Easy long ago), ``rev<i>`` overdue by i + 1 days."""
    for i in range(count):
        card_id = f"rev{i}"
        add_card(conn, card_id, position=100 + i)
        record_answer(kb, conn, card_id, 4, at=T0 - timedelta(days=60), duration_ms=1)
        due = T0 - timedelta(days=i + 1)
        conn.execute(
            "UPDATE card_state SET due = ? WHERE card_id = ?",
            (due.isoformat(timespec="microseconds"), card_id),
        )
    conn.commit()


def test_reviews_come_most_overdue_first_and_stop_at_the_daily_limit(kb, conn):
    make_reviews(kb, conn, 4)
    settings = replace(kb.settings, reviews_per_day=3)
    queue = Queue(conn, settings, T0)
    assert queue.counts(T0).review == 3
    assert drain(queue) == [("rev3", "review"), ("rev2", "review"), ("rev1", "review")]


def test_reviews_already_given_today_count_against_the_limit(kb, conn):
    make_reviews(kb, conn, 4)
    record_answer(kb, conn, "rev0", 3, at=T0 - timedelta(hours=1), duration_ms=1)
    settings = replace(kb.settings, reviews_per_day=3)
    queue = Queue(conn, settings, T0)
    assert queue.reviews_left == 2
    assert [card for card, _ in drain(queue)] == ["rev3", "rev2"]


def test_a_quiz_answer_is_not_counted_against_the_daily_limits(kb, conn):
    for i in range(3):
        add_card(conn, f"card{i}", position=i)
    record_answer(kb, conn, "card0", 3, at=T0 - timedelta(hours=1), duration_ms=1, source="quiz")
    queue = Queue(conn, replace(kb.settings, new_per_day=2), T0)
    assert queue.new_left == 2
    assert [card for card, _ in drain(queue) if _ == "new"] == ["card1", "card2"]


def test_a_review_due_later_today_is_shown_now(kb, conn):
    add_card(conn, "later")
    result = record_answer(kb, conn, "later", 4, at=T0 - timedelta(days=30), duration_ms=1)
    # move its due time to this evening: before the next day starts (4 am tomorrow), so it is today's
    conn.execute(
        "UPDATE card_state SET due = ? WHERE card_id = 'later'",
        ((T0 + timedelta(hours=10)).isoformat(timespec="microseconds"),),
    )
    conn.commit()
    assert result.after.state == 2
    assert drain(Queue(conn, kb.settings, T0)) == [("later", "review")]


def test_the_session_limit_stops_after_that_many_cards(kb, conn):
    for i in range(5):
        add_card(conn, f"card{i}", position=i)
    queue = Queue(conn, kb.settings, T0, limit=2)
    assert [card for card, _ in drain(queue)] == ["card0", "card1"]
    assert queue.next(T0) is None


def test_new_option_replaces_the_daily_new_limit_and_ignores_todays_answers(kb, conn):
    for i in range(6):
        add_card(conn, f"card{i}", position=i)
    for card in ("card0", "card1"):
        record_answer(kb, conn, card, 4, at=T0 - timedelta(hours=1), duration_ms=1)
    settings = replace(kb.settings, new_per_day=3)
    assert Queue(conn, settings, T0).new_left == 1
    assert Queue(conn, settings, T0, new_limit=3).new_left == 3
    assert Queue(conn, settings, T0, new_limit=0).counts(T0).new == 0


def test_learning_cards_due_soon_are_shown_once_nothing_else_is_left(kb, conn):
    for card in ("soon", "later"):
        add_card(conn, card)
    record_answer(kb, conn, "soon", 1, at=T0 - timedelta(minutes=45), duration_ms=1)  # due 1 minute later...
    record_answer(kb, conn, "later", 1, at=T0 - timedelta(minutes=45), duration_ms=1)
    conn.execute(  # ...moved to 15 and 30 minutes from now
        "UPDATE card_state SET due = CASE card_id WHEN 'soon' THEN ? ELSE ? END",
        (
            (T0 + timedelta(minutes=15)).isoformat(timespec="microseconds"),
            (T0 + timedelta(minutes=30)).isoformat(timespec="microseconds"),
        ),
    )
    conn.commit()
    queue = Queue(conn, kb.settings, T0)
    assert queue.counts(T0).learning == 2  # both are due today
    assert drain(queue) == [("soon", "learning")]  # only the one within the 20 minutes learned ahead


def test_suspended_buried_and_orphaned_cards_are_not_shown(kb, conn):
    for i in range(4):
        add_card(conn, f"card{i}", position=i)
    suspend(kb, conn, ["card0"], at=T0)
    bury(kb, conn, ["card1"], at=T0)
    conn.execute("UPDATE cards SET orphaned_at = ? WHERE id = 'card2'", (T0.isoformat(),))
    conn.commit()
    assert drain(Queue(conn, kb.settings, T0)) == [("card3", "new")]
    tomorrow = T0 + timedelta(days=1)
    assert [card for card, _ in drain(Queue(conn, kb.settings, tomorrow), tomorrow)] == ["card1", "card3"]


def test_undoing_an_answer_gives_back_the_new_card_and_its_siblings(kb, conn):
    add_card(conn, "a", position=0, sibling="pair")
    add_card(conn, "b", position=1, sibling="pair")
    add_card(conn, "c", position=2)
    queue = Queue(conn, replace(kb.settings, new_per_day=2), T0)
    first = queue.next(T0)
    assert first.id == "a"
    queue.answered(first)
    assert queue.new_left == 1 and queue.counts(T0).new == 1
    assert queue.next(T0).id == "c"  # b waits: its sibling was reviewed today
    queue.unanswered(first)
    assert queue.new_left == 2 and queue.siblings == {}
    assert queue.next(T0).id == "a"


def test_filters_by_tag_prefix_type_and_note(kb, conn):
    add_card(conn, "fed", position=0, tags=("taxes/federal",), type_="topic")
    add_card(conn, "taxes", position=1, tags=("taxes",), type_="topic")
    add_card(conn, "taxesx", position=2, tags=("taxesx",), type_="topic")
    add_card(conn, "other", note="notes/other.md", position=0, tags=(), type_="")

    def ids(filters: Filters) -> list[str]:
        return [card for card, _ in drain(Queue(conn, kb.settings, T0, filters=filters))]

    assert ids(Filters(tag="taxes")) == ["fed", "taxes"]
    assert ids(Filters(tag="taxes/federal")) == ["fed"]
    assert ids(Filters(type="topic")) == ["fed", "taxes", "taxesx"]
    assert ids(Filters(note="notes\\other.md")) == ["other"]  # a Windows path names the same note


def test_the_note_type_and_tags_of_the_note_count_for_its_cards(kb, conn):
    # the shipped atomic-habits note is `type: book` with `tags: [habits]`; the card itself has neither
    add_card(conn, "plain", tags=(), type_="")

    def ids(filters: Filters) -> list[str]:
        return [card for card, _ in drain(Queue(conn, kb.settings, T0, filters=filters))]

    assert ids(Filters(type="book")) == ["plain"]
    assert ids(Filters(tag="habits")) == ["plain"]
    assert ids(Filters(tag="taxes")) == []


def test_reload_card_reads_the_card_as_it_is_now(kb, conn):
    add_card(conn, "card0")
    card = reload_card(conn, "card0")
    assert card.queue == "new" and card.state is None and card.title == "Atomic Habits"
    record_answer(kb, conn, "card0", 1, at=T0, duration_ms=1)
    assert reload_card(conn, "card0").queue == "learning"
    record_answer(kb, conn, "card0", 4, at=T0 + timedelta(minutes=2), duration_ms=1)
    reloaded = reload_card(conn, "card0")
    assert reloaded.queue == "review" and reloaded.state.reps == 2
    suspend(kb, conn, ["card0"], at=T0)
    assert reload_card(conn, "card0") is None
    assert reload_card(conn, "nope") is None
