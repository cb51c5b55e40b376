"""Scheduling: FSRS (the ``fsrs`` package) plus kb's rules around it.

Pure: no clock, no database. Every function takes the (UTC) time it works with; callers get "now", review days and
time zones from ``kb.review.clock``.

* Fuzz: fsrs draws interval fuzz from the global ``random`` generator. kb seeds it per card and review (and puts the
  generator's state back afterwards), so a replay of the journal gives exactly the intervals the user saw.
"""

from __future__ import annotations

import hashlib
import json
import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import IntEnum
from typing import TYPE_CHECKING

from kb.review.clock import iso, parse_iso

if TYPE_CHECKING:
    import fsrs

    from kb.config import Settings


class Grade(IntEnum):
    """An answer's grade, as FSRS and the journal number them."""

    AGAIN = 1
    HARD = 2
    GOOD = 3
    EASY = 4

    @property
    def label(self) -> str:
        return self.name.capitalize()


# fsrs.State values (kept here so the queue code does not import fsrs)
LEARNING, REVIEW, RELEARNING = 1, 2, 3


# ---------------------------------------------------------------------------------------------------- state
@dataclass(frozen=True)
class CardState:
    """A card's schedule (one ``card_state`` row). ``None`` stands for a new card everywhere."""

    state: int  # fsrs.State: 1 learning, 2 review, 3 relearning
    step: int | None
    stability: float | None
    difficulty: float | None
    due: str  # iso()
    last_review: str | None
    reps: int = 0
    lapses: int = 0

    def to_dict(self) -> dict:
        # by hand: dataclasses.asdict deep-copies every field, which shows when importing a long history
        return {
            "state": self.state,
            "step": self.step,
            "stability": self.stability,
            "difficulty": self.difficulty,
            "due": self.due,
            "last_review": self.last_review,
            "reps": self.reps,
            "lapses": self.lapses,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_dict(cls, data: dict | None) -> CardState | None:
        if not data:
            return None
        return cls(
            state=int(data["state"]),
            step=data.get("step"),
            stability=data.get("stability"),
            difficulty=data.get("difficulty"),
            due=str(data["due"]),
            last_review=data.get("last_review"),
            reps=int(data.get("reps") or 0),
            lapses=int(data.get("lapses") or 0),
        )

    @property
    def due_at(self) -> datetime:
        return parse_iso(self.due)


def state_json(state: CardState | None) -> str | None:
    return state.to_json() if state is not None else None


# ---------------------------------------------------------------------------------------------------- FSRS
def make_scheduler(settings: Settings, parameters: tuple[float, ...] | None = None) -> fsrs.Scheduler:
    """An fsrs Scheduler from kb's settings. Fuzz is applied by ``answer`` with a seeded generator."""
    import fsrs

    params = tuple(parameters or settings.parameters or fsrs.scheduler.DEFAULT_PARAMETERS)
    try:
        return fsrs.Scheduler(
            parameters=params,
            desired_retention=settings.desired_retention,
            learning_steps=tuple(timedelta(seconds=s) for s in settings.learning_steps),
            relearning_steps=tuple(timedelta(seconds=s) for s in settings.relearning_steps),
            maximum_interval=settings.maximum_interval,
            enable_fuzzing=True,
        )
    except ValueError as exc:
        from kb.errors import KbError

        raise KbError(
            f"FSRS parameters are not valid ({exc}); run kb optimize again or remove them"
        ) from None


def fuzz_seed(card_id: str, review_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(f"{card_id}\0{review_id}".encode(), digest_size=8).digest(), "big")


def answer(
    scheduler: fsrs.Scheduler,
    state: CardState | None,
    grade: int,
    at: datetime,
    *,
    card_id: str,
    review_id: str,
) -> CardState:
    """The card's schedule after answering ``grade`` at ``at`` (UTC). Deterministic for a given review id."""
    import fsrs

    if grade not in (1, 2, 3, 4):
        raise ValueError(f"grade must be 1 to 4, not {grade!r}")
    at = at.astimezone(UTC)
    if state is None:
        card = fsrs.Card(card_id=0, due=at)
    else:
        card = fsrs.Card(
            card_id=0,
            state=fsrs.State(state.state),
            step=state.step,
            stability=state.stability,
            difficulty=state.difficulty,
            due=state.due_at,
            last_review=parse_iso(state.last_review) if state.last_review else None,
        )
    saved = random.getstate()
    random.seed(fuzz_seed(card_id, review_id))
    try:
        new, _log = scheduler.review_card(card, fsrs.Rating(grade), review_datetime=at)
    finally:
        random.setstate(saved)
    reps = (state.reps if state else 0) + 1
    lapses = (state.lapses if state else 0) + (
        1 if grade == 1 and state is not None and state.state == REVIEW else 0
    )
    return CardState(
        state=int(new.state),
        step=new.step,
        stability=new.stability,
        difficulty=new.difficulty,
        due=iso(new.due),
        last_review=iso(new.last_review) if new.last_review else iso(at),
        reps=reps,
        lapses=lapses,
    )


def preview(
    scheduler: fsrs.Scheduler, state: CardState | None, at: datetime, *, card_id: str, review_id: str
) -> dict[int, timedelta]:
    """The interval each grade would give now (what the reviewer shows on its buttons)."""
    out = {}
    for grade in (1, 2, 3, 4):
        new = answer(scheduler, state, grade, at, card_id=card_id, review_id=review_id)
        out[grade] = new.due_at - at.astimezone(UTC)
    return out


def format_interval(delta: timedelta) -> str:
    """A short interval the way Anki's buttons show it: <1m, 10m, 3h, 4d, 2.1mo, 1.5y."""
    secs = delta.total_seconds()
    if secs < 60:
        return "<1m"
    if secs < 3600:
        return f"{round(secs / 60)}m"
    if secs < 86400:
        return f"{round(secs / 3600)}h"
    days = secs / 86400
    if days < 30:
        return f"{round(days)}d"
    if days < 365:
        return f"{days / 30:.1f}mo".replace(".0mo", "mo")
    return f"{days / 365:.1f}y".replace(".0y", "y")
