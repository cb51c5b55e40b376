"""Two review sessions at once (terminal and web, or two tabs, or two terminals) never answer the same card twice:
an answer counts only if the card still has the schedule it had when it was shown."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from kb.errors import KbError
from kb.review.answers import AnsweredElsewhere, record_answer
from kb.review.queue import Queue
from kb.review.scheduler import Grade
from kb.review.terminal import run_session
from tests.review_helpers import open_conn, review_kb

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def kb(make_kb, monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    return review_kb(make_kb)


@pytest.fixture
def conns(kb):
    a = open_conn(kb, cards=3)
    b = open_conn(kb)
    yield a, b
    a.close()
    b.close()


def test_an_answer_to_a_card_answered_meanwhile_elsewhere_is_refused(kb, conns):
    a, b = conns
    shown_a = Queue(a, kb.settings, T0).next(T0)
    shown_b = Queue(b, kb.settings, T0).next(T0)
    assert shown_a.id == shown_b.id == "card0"
    record_answer(kb, a, "card0", Grade.GOOD, at=T0, duration_ms=1000, expected=shown_a.state)
    with pytest.raises(AnsweredElsewhere) as err:
        record_answer(kb, b, "card0", Grade.AGAIN, at=T0, duration_ms=1000, expected=shown_b.state)
    assert isinstance(err.value, KbError)
    assert a.execute("SELECT card_id, grade FROM reviews").fetchall() == [("card0", 3)]
    journal = "".join(p.read_text() for p in kb.journal_dir.rglob("*.jsonl"))
    assert journal.count('"type":"review"') == 1


class OtherSessionAnswersFirst:
    """A face on which, while card0 is on screen, another session (another connection) answers it."""

    def __init__(self, kb, other):
        self.kb, self.other = kb, other
        self.asked: list[str] = []
        self.notices: list[str] = []

    def ask(self, card, number, counts, intervals):
        self.asked.append(card.id)
        if card.id == "card0":
            record_answer(self.kb, self.other, "card0", Grade.EASY, at=T0, duration_ms=1, expected=card.state)
        return Grade.GOOD if len(self.asked) < 3 else None

    def answered(self, card, result):
        pass

    def notice(self, text):
        self.notices.append(text)

    def edit(self, kb, card):
        pass


def test_the_session_skips_a_card_answered_in_another_session_and_says_so(kb, conns):
    a, b = conns
    ui = OtherSessionAnswersFirst(kb, b)
    summary = run_session(kb, a, Queue(a, kb.settings, T0), ui)
    assert ui.asked == ["card0", "card1", "card2"]
    assert any("answered in another session" in n for n in ui.notices), ui.notices
    rows = a.execute("SELECT card_id, grade FROM reviews ORDER BY id").fetchall()
    assert rows == [("card0", 4), ("card1", 3)]
    assert summary.reviewed == 1
