"""The review queue: which card to show next, and how many are left today.

A card can be shown when it is live (in a note, not suspended) and not buried; it is new while it has no schedule,
and due today when its schedule falls before the next review day starts (``kb.review.clock``). These rules, as SQL
over ``cards c`` and ``card_state s``, are the ones the statistics (``kb.review.stats``) count with too.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from kb.config import Settings
from kb.review.clock import day_start, iso, next_day_start
from kb.review.scheduler import REVIEW, CardState

LEARN_AHEAD = timedelta(
    minutes=20
)  # like Anki: with nothing else left, learning cards due this soon are shown

LIVE = "c.suspended = 0 AND c.orphaned_at IS NULL"  # a card still in a note and not suspended
NOT_BURIED = "(c.buried_until IS NULL OR c.buried_until <= :now)"
IS_NEW = "NOT EXISTS (SELECT 1 FROM card_state s WHERE s.card_id = c.id)"  # never answered (or every answer undone)

CARD_COLUMNS = (
    "c.id, c.note, c.line, c.kind, c.front, c.back, c.context, c.sibling, c.fingerprint, c.tags, c.type"
)
STATE_COLUMNS = "s.state, s.step, s.stability, s.difficulty, s.due, s.last_review, s.reps, s.lapses"


def _state_from(row, offset: int) -> CardState | None:
    if row[offset] is None:
        return None
    return CardState(*row[offset : offset + 8])


@dataclass(frozen=True)
class QueueCard:
    id: str
    note: str
    line: int
    kind: str
    front: str
    back: str
    context: str
    sibling: str
    fingerprint: str
    tags: str
    type: str
    title: str
    queue: str  # new, learning, review
    state: CardState | None


@dataclass(frozen=True)
class Counts:
    new: int
    learning: int
    review: int

    @property
    def total(self) -> int:
        return self.new + self.learning + self.review


@dataclass(frozen=True)
class Filters:
    """Which cards a session or a count is about: a tag (or a tag under it), a note type, one note."""

    tag: str | None = None
    type: str | None = None
    note: str | None = None

    def sql(self, *, buried: bool = False) -> str:
        """The condition on ``cards c`` (live, not buried, and the filters), with ``params()`` and ``:now``.

        ``buried=True`` keeps buried cards: they are still new (or scheduled), only not shown before tomorrow.
        """
        parts = [LIVE] if buried else [LIVE, NOT_BURIED]
        if self.tag:
            parts.append(
                "(EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = :tag OR value LIKE :tagp)"
                " OR EXISTS (SELECT 1 FROM note_tags t WHERE t.note = c.note AND (t.tag = :tag OR t.tag LIKE :tagp)))"
            )
        if self.type:
            parts.append(
                "(c.type = :type OR EXISTS (SELECT 1 FROM notes n2 WHERE n2.path = c.note AND n2.type = :type))"
            )
        if self.note:
            parts.append("c.note = :note")
        return " AND ".join(parts)

    def params(self) -> dict:
        return {
            "tag": self.tag,
            "tagp": f"{self.tag}/%" if self.tag else None,
            "type": self.type,
            "note": self.note.replace("\\", "/") if self.note else None,
        }


class Queue:
    """The cards of one review session, found one at a time by indexed queries (never every card in Python).

    Order: learning cards when due, then reviews (most overdue first), then new cards in note order; then learning
    cards due within ``LEARN_AHEAD``. Siblings of a card reviewed today wait for another day. Daily limits count the
    answers already given today.
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        settings: Settings,
        at: datetime,
        *,
        tz: tzinfo | None = None,
        filters: Filters = Filters(),
        new_limit: int | None = None,
        limit: int | None = None,
    ):
        self.conn = conn
        self.settings = settings
        self.tz = tz
        self.filters = filters
        self.where = filters.sql()
        self.day_start = day_start(at, settings.day_starts_at, tz)
        self.next_day = next_day_start(at, settings.day_starts_at, tz)
        new_done, reviews_done = conn.execute(
            """SELECT count(*) FILTER (WHERE state_before IS NULL),
                      count(*) FILTER (WHERE json_extract(state_before, '$.state') = 2)
               FROM reviews WHERE reviewed_at >= ? AND undone = 0 AND source = 'review'""",
            (iso(self.day_start),),
        ).fetchone()
        self.new_done = new_done  # new cards introduced today (by any session, whatever its filters)
        self.new_limited_by_setting = new_limit is None  # False: `kb review --new N` chose the number
        self.new_left = max(
            0,
            (settings.new_per_day if new_limit is None else new_limit)
            - (0 if new_limit is not None else new_done),
        )
        self.reviews_left = max(0, settings.reviews_per_day - reviews_done)
        self.limit = limit
        self.shown = 0
        self.skipped: set[str] = set()
        self._new: list[tuple[str, str]] | None = None
        self._new_full = False
        self.siblings: dict[str, set[str]] = {}
        for sibling, card_id in conn.execute(
            # CROSS JOIN keeps today's few reviews as the outer loop (never a walk over every card)
            """SELECT DISTINCT c.sibling, c.id FROM reviews r CROSS JOIN cards c ON c.id = r.card_id
               WHERE r.reviewed_at >= ? AND r.undone = 0 AND c.sibling != ''""",
            (iso(self.day_start),),
        ):
            self.siblings.setdefault(sibling, set()).add(card_id)

    def _params(self, at: datetime) -> dict:
        return {**self.filters.params(), "now": iso(at), "next_day": iso(self.next_day)}

    def _ok(self, row) -> bool:
        return self._allowed(row[0], row[7])

    def _allowed(self, card_id: str, sibling: str) -> bool:
        if card_id in self.skipped:
            return False
        if sibling and sibling in self.siblings and card_id not in self.siblings[sibling]:
            return False
        return True

    def _first(self, sql: str, params: dict, queue: str) -> QueueCard | None:
        cur = self.conn.execute(sql, params)
        try:
            for row in cur:
                if self._ok(row):
                    return QueueCard(*row[:11], title=row[11] or "", queue=queue, state=_state_from(row, 12))
        finally:
            cur.close()
        return None

    def _scheduled_sql(self, condition: str) -> str:
        return (
            f"SELECT {CARD_COLUMNS}, n.title, {STATE_COLUMNS} FROM card_state s CROSS JOIN cards c ON c.id = s.card_id"
            f" LEFT JOIN notes n ON n.path = c.note WHERE {condition} AND {self.where} ORDER BY s.due"
        )

    def next(self, at: datetime) -> QueueCard | None:
        """The next card to show at ``at``, or None when the session is over."""
        if self.limit is not None and self.shown >= self.limit:
            return None
        p = self._params(at)
        card = self._first(self._scheduled_sql("s.state IN (1, 3) AND s.due <= :now"), p, "learning")
        if card is None and self.reviews_left > 0:
            card = self._first(self._scheduled_sql("s.state = 2 AND s.due < :next_day"), p, "review")
        if card is None and self.new_left > 0:
            card = self._next_new(p)
        if card is None:
            ahead = {**p, "ahead": iso(min(at + LEARN_AHEAD, self.next_day))}
            card = self._first(
                self._scheduled_sql("s.state IN (1, 3) AND s.due <= :ahead"), ahead, "learning"
            )
        return card

    def counts(self, at: datetime) -> Counts:
        """What is left today: new (within the daily limit), learning due today, reviews (within the limit)."""
        p = self._params(at)
        base = f"FROM card_state s CROSS JOIN cards c ON c.id = s.card_id WHERE {self.where}"
        learning = self.conn.execute(
            f"SELECT count(*) {base} AND s.state IN (1, 3) AND s.due < :next_day", p
        ).fetchone()[0]
        review = self.conn.execute(
            f"SELECT count(*) FROM (SELECT 1 {base} AND s.state = 2 AND s.due < :next_day LIMIT :cap)",
            {**p, "cap": self.reviews_left},
        ).fetchone()[0]
        candidates = self._new_candidates(p)
        new = min(
            self.new_left,
            sum(1 for card_id, sibling in candidates if self._allowed(card_id, sibling)),
        )
        return Counts(new=new, learning=learning, review=review)

    def new_waiting(self, at: datetime) -> int:
        """New cards of these filters not shown today because the day's new-card limit is reached (0 otherwise)."""
        if self.new_left > 0:
            return 0
        return self.conn.execute(
            f"SELECT count(*) FROM cards c WHERE {IS_NEW} AND {self.where}", self._params(at)
        ).fetchone()[0]

    def later_today(self, at: datetime) -> int:
        """Learning cards of these filters that come back later today (after ``LEARN_AHEAD``)."""
        p = {**self._params(at), "ahead": iso(min(at + LEARN_AHEAD, self.next_day))}
        return self.conn.execute(
            "SELECT count(*) FROM card_state s CROSS JOIN cards c ON c.id = s.card_id"
            f" WHERE s.state IN (1, 3) AND s.due > :ahead AND s.due < :next_day AND {self.where}",
            p,
        ).fetchone()[0]

    def _new_candidates(self, p: dict) -> list[tuple[str, str]]:
        """New cards in note order, found once per session (a walk over the cards in note order can pass many
        already-scheduled cards; doing it for every card shown would cost the answer latency)."""
        if self._new is None or (not self._new and self._new_full):
            want = self.new_left + len(self.skipped) + 100
            self._new = [
                tuple(row)
                for row in self.conn.execute(
                    f"SELECT c.id, c.sibling FROM cards c WHERE {IS_NEW} AND {self.where}"
                    " ORDER BY c.note, c.position LIMIT :want",
                    {**p, "want": want},
                )
            ]
            self._new_full = len(self._new) == want
            self._new = [c for c in self._new if c[0] not in self.skipped]
        return self._new

    def _next_new(self, p: dict) -> QueueCard | None:
        candidates = self._new_candidates(p)
        while candidates:
            for card_id, sibling in list(candidates):
                if not self._allowed(card_id, sibling):
                    continue
                row = self.conn.execute(
                    f"SELECT {CARD_COLUMNS}, n.title FROM cards c LEFT JOIN notes n ON n.path = c.note"
                    f" WHERE c.id = :id AND {IS_NEW} AND {self.where}",
                    {**p, "id": card_id},
                ).fetchone()
                if row is not None:
                    return QueueCard(*row[:11], title=row[11] or "", queue="new", state=None)
                candidates.remove((card_id, sibling))  # answered elsewhere (a quiz), suspended or edited away
            if not self._new_full:
                return None
            candidates = self._new_candidates(p)
            if all(not self._allowed(c, sib) for c, sib in candidates):
                return None
        return None

    def answered(self, card: QueueCard) -> None:
        """Count a shown-and-answered card against the limits and hold back its siblings."""
        self.shown += 1
        if card.queue == "new":
            self.new_done += 1
            self.new_left = max(0, self.new_left - 1)
            if self._new is not None and (card.id, card.sibling) in self._new:
                self._new.remove((card.id, card.sibling))
        elif card.queue == "review":
            self.reviews_left = max(0, self.reviews_left - 1)
        if card.sibling:
            self.siblings.setdefault(card.sibling, set()).add(card.id)

    def unanswered(self, card: QueueCard) -> None:
        """Undo of ``answered``."""
        self.shown = max(0, self.shown - 1)
        if card.queue == "new":
            self.new_done -= 1
            self.new_left += 1
            if self._new is not None and (card.id, card.sibling) not in self._new:
                self._new.insert(0, (card.id, card.sibling))
        elif card.queue == "review":
            self.reviews_left += 1
        if card.sibling and card.sibling in self.siblings:
            self.siblings[card.sibling].discard(card.id)
            if not self.siblings[card.sibling]:
                del self.siblings[card.sibling]

    def skip(self, card_id: str) -> None:
        self.skipped.add(card_id)
        if self._new is not None:
            self._new = [c for c in self._new if c[0] != card_id]


def reload_card(conn: sqlite3.Connection, card_id: str) -> QueueCard | None:
    """The card as the database has it now (after an undo or an edit); None if it is gone or suspended."""
    row = conn.execute(
        f"SELECT {CARD_COLUMNS}, n.title, {STATE_COLUMNS} FROM cards c LEFT JOIN notes n "
        f"ON n.path = c.note LEFT JOIN card_state s ON s.card_id = c.id WHERE c.id = ? AND {LIVE}",
        (card_id,),
    ).fetchone()
    if row is None:
        return None
    state = _state_from(row, 12)
    queue = "new" if state is None else ("review" if state.state == REVIEW else "learning")
    return QueueCard(*row[:11], title=row[11] or "", queue=queue, state=state)
