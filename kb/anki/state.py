"""Anki's scheduling state of a card as kb's: the due date, interval, memory state, suspended, buried and flag.

Pure: an ``AnkiCard`` (its ``cards`` columns) and the collection's day rules in, an ``AnkiState`` out. Imported
cards keep the schedule Anki gave them instead of the one kb would compute from their history (an SM-2 deck's due
dates differ from FSRS's by weeks):

- review cards (type 2): due at the start of Anki's due day, counted from the collection's creation day;
- learning / relearning (type 1 / 3): queue 1 due in epoch seconds, queue 3 due on a day number;
- the memory state: FSRS's stability and difficulty from the card's ``data`` when Anki had FSRS on; else converted
  from SM-2 (stability the interval, which SM-2 sets at about 90% recall; difficulty from the ease, 130% hardest);
- queue -1 suspended; -2 / -3 buried (until the next review day); ``flags & 7`` the user's colour flag.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo

from kb.anki.package import AnkiCard
from kb.review.clock import iso, review_day, start_of
from kb.review.scheduler import LEARNING, RELEARNING, REVIEW, CardState

TYPE_NEW, TYPE_LEARN, TYPE_REVIEW, TYPE_RELEARN = 0, 1, 2, 3
QUEUE_SUSPENDED, QUEUE_SCHED_BURIED, QUEUE_USER_BURIED = -1, -2, -3
QUEUE_LEARN, QUEUE_DAY_LEARN = 1, 3
FLAG_NAMES = ("", "red", "orange", "green", "blue", "pink", "turquoise", "purple")
EASIEST_SM2, HARDEST_SM2 = 3000, 1300  # SM-2 ease factors (permille) read as FSRS difficulty 1 and 10


@dataclass(frozen=True)
class AnkiDays:
    """How the package counts days (its creation and rollover hour), and how kb does (its day start and zone)."""

    crt: int
    rollover: int = 4
    day_starts_at: int = 4
    tz: tzinfo | None = None

    def due_at(self, day_number: int) -> datetime:
        """The start, on kb's clock, of Anki's day ``day_number`` (worked out once per day: a deck's 50,000 cards
        fall on a few hundred days)."""
        found = _DUE_DAYS.get((self, day_number))
        if found is None:
            created = review_day(datetime.fromtimestamp(self.crt, UTC), self.rollover, self.tz)
            found = start_of(created + timedelta(days=day_number), self.day_starts_at, self.tz)
            if len(_DUE_DAYS) > 100_000:
                _DUE_DAYS.clear()
            _DUE_DAYS[(self, day_number)] = found
        return found


_DUE_DAYS: dict[tuple[AnkiDays, int], datetime] = {}


@dataclass(frozen=True)
class AnkiState:
    state: CardState | None  # None: new
    suspended: bool
    buried: bool
    flag: str  # "" or a colour


def anki_state(card: AnkiCard, days: AnkiDays, last_review_ms: int | None) -> AnkiState:
    """kb's view of an Anki card's schedule. ``last_review_ms``: the card's last answer in the review log."""
    suspended = card.queue == QUEUE_SUSPENDED
    buried = card.queue in (QUEUE_SCHED_BURIED, QUEUE_USER_BURIED)
    flag = FLAG_NAMES[card.flags & 7]
    if card.type == TYPE_NEW or card.type not in (TYPE_LEARN, TYPE_REVIEW, TYPE_RELEARN):
        return AnkiState(None, suspended, buried, flag)
    memory = _memory(card)
    last = _last_review(card, memory, last_review_ms)
    due = card.odue if card.odid and card.odue else card.due
    if card.type == TYPE_REVIEW:
        state, step, due_at = REVIEW, None, days.due_at(due)
    else:
        state = LEARNING if card.type == TYPE_LEARN else RELEARNING
        step = 0
        # queue 1 counts seconds; 3 and a held card (suspended, buried) whose due is a small number count days
        if card.queue == QUEUE_DAY_LEARN or due < 1_000_000_000:
            due_at = days.due_at(due)
        else:
            due_at = datetime.fromtimestamp(due, UTC)
    stability, difficulty = memory if memory else _from_sm2(card)
    return AnkiState(
        CardState(
            state=state,
            step=step,
            stability=stability,
            difficulty=difficulty,
            due=iso(due_at),
            last_review=iso(last) if last else None,
            reps=card.reps,
            lapses=card.lapses,
        ),
        suspended,
        buried,
        flag,
    )


def _memory(card: AnkiCard) -> tuple[float, float] | None:
    try:
        data = json.loads(card.data) if card.data else {}
        return (float(data["s"]), float(data["d"])) if "s" in data and "d" in data else None
    except (ValueError, TypeError, AttributeError):
        return None


def _last_review(card: AnkiCard, memory, last_review_ms: int | None) -> datetime | None:
    if last_review_ms:
        return datetime.fromtimestamp(last_review_ms / 1000, UTC)
    try:
        lrt = json.loads(card.data).get("lrt") if card.data else None
    except (ValueError, AttributeError):
        lrt = None
    return datetime.fromtimestamp(int(lrt), UTC) if lrt else None


def _from_sm2(card: AnkiCard) -> tuple[float | None, float | None]:
    """An SM-2 card's memory state for FSRS: stability its interval, difficulty from its ease."""
    if card.type != TYPE_REVIEW and card.ivl <= 0:
        return None, None
    stability = float(max(card.ivl, 1))
    ease = min(max(card.factor or 2500, HARDEST_SM2), EASIEST_SM2)
    difficulty = 1 + 9 * (EASIEST_SM2 - ease) / (EASIEST_SM2 - HARDEST_SM2)
    return stability, round(difficulty, 4)
