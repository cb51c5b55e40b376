"""Cards that start from a schedule the Obsidian Spaced Repetition plugin wrote beside them (``<!--SR:...-->``).

The card sync (``kb.cards.sync``) keeps each card's entry in ``cards.sr_schedule`` and lists the cards written with
one in ``sr_pending``. After every index and journal replay, ``adopt`` looks at those (and only those): a card kb
has no history for (no schedule, no review, no earlier start) starts from its entry, once. Later changes to the
comment change nothing: from then on the card's schedule is kb's.

* An SM-2 entry (due date, interval in days, ease) becomes a review card due at the start of that review day, with
  the FSRS memory state Anki gives an SM-2 card when FSRS is turned on: ``memory_state_from_sm2`` of fsrs-rs (through
  ``fsrs-rs-python`` when it is installed, else the same formula here, with the same parameters). An interval of 0
  (the plugin treats such a card as a due review card too) gives FSRS's least stability: due as written, and a
  short next interval whatever the grade.
* An FSRS entry keeps its state, stability, difficulty, due time and last review as written.

Each adoption is one ``schedule`` line with ``"start": true`` in the journal (``kb.review.schedules``; older kbs
wrote ``start`` lines): a few hundred cards a line, each its card id, fingerprint, note, the entry as written and the
state, so a database rebuilt from the journals starts the cards from the same schedules
(``kb.review.replay``); ``kb.review.history.recompute`` folds a card's reviews on top of its start.
"""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import date, timedelta, tzinfo

from kb.cards.model import SrSchedule
from kb.cards.obsidian import parse_entry
from kb.config import KnowledgeBase
from kb.review.clock import iso, local_zone, now, parse_iso, start_of
from kb.review.scheduler import LEARNING, RELEARNING, REVIEW, CardState

SOURCE = "obsidian-sr"
SM2_RETENTION = (
    0.9  # the retention an SM-2 schedule is taken to have aimed at (Anki's default for the conversion)
)
_S_MIN = 0.001  # fsrs-rs's least stability
_PER_LINE = 300  # cards per journal line


def memory_state_from_sm2(
    ease: float, interval: float, parameters: tuple[float, ...], retention: float = SM2_RETENTION
) -> tuple[float, float]:
    """(stability, difficulty) of an SM-2 card with this ease factor (2.5, not 250) and interval in days.

    fsrs-rs's ``FSRS.memory_state_from_sm2`` when fsrs-rs-python is installed (kb's optional ``optimize`` extra);
    otherwise its formula: the stability at which the interval gives ``retention`` under the forgetting curve, and
    the difficulty at which FSRS's next interval grows by ``ease`` (clamped to 1..10).
    """
    try:
        import fsrs_rs_python

        state = fsrs_rs_python.FSRS(list(parameters)).memory_state_from_sm2(ease, interval, retention)
        return float(state.stability), float(state.difficulty)
    except Exception:  # not installed, or parameters it does not take: the same formula
        return sm2_formula(ease, interval, parameters, retention)


def sm2_formula(
    ease: float, interval: float, parameters: tuple[float, ...], retention: float
) -> tuple[float, float]:
    """fsrs-rs's ``memory_state_from_sm2`` (fsrs-rs 2.x, FSRS-6; FSRS-5's fixed decay for 19 parameters)."""
    w = parameters
    decay = -w[20] if len(w) > 20 else -0.5
    factor = 0.9 ** (1 / decay) - 1
    stability = max(interval, _S_MIN) * factor / (retention ** (1 / decay) - 1)
    growth = math.exp(w[8]) * stability ** (-w[9]) * math.expm1((1 - retention) * w[10])
    difficulty = 11 - (ease - 1) / growth
    return stability, min(max(difficulty, 1.0), 10.0)


def start_state(
    sched: SrSchedule, parameters: tuple[float, ...], day_starts_at: int, tz: tzinfo | None, steps: int
) -> CardState | None:
    """The schedule a card starts from (None: the entry leaves it new). ``steps``: the learning steps kb has."""
    if sched.algorithm == "sm2":
        due_day = date.fromisoformat(sched.due)
        interval = sched.interval
        stability, difficulty = memory_state_from_sm2((sched.ease or 250) / 100, max(interval, 1), parameters)
        if interval == 0:  # the plugin's review card with no interval yet: due as written, remembered least
            stability = _S_MIN
        return CardState(
            state=REVIEW,
            step=None,
            stability=round(stability, 4),  # the journal line holds what card_state holds: short, exact
            difficulty=round(difficulty, 4),
            due=iso(start_of(due_day, day_starts_at, tz)),
            last_review=iso(start_of(due_day - timedelta(days=interval), day_starts_at, tz)),
        )
    if sched.state not in (LEARNING, REVIEW, RELEARNING) or not sched.stability:
        return None
    return CardState(
        state=sched.state,
        step=None if sched.state == REVIEW else min(max(sched.step or 0, 0), max(steps - 1, 0)),
        stability=max(sched.stability, _S_MIN),
        difficulty=min(max(sched.difficulty or 5.0, 1.0), 10.0),
        due=iso(parse_iso(sched.due)),
        last_review=iso(parse_iso(sched.last_review)) if sched.last_review else None,
        reps=sched.reps,
        lapses=sched.lapses,
    )


_CANDIDATES = """
SELECT c.id, c.sr_schedule, c.note, c.fingerprint FROM sr_pending p JOIN cards c ON c.id = p.card_id
WHERE c.orphaned_at IS NULL AND c.sr_schedule != ''
  AND NOT EXISTS (SELECT 1 FROM card_state s WHERE s.card_id = c.id)
  AND NOT EXISTS (SELECT 1 FROM card_starts t WHERE t.card_id = c.id)
  AND NOT EXISTS (SELECT 1 FROM reviews r WHERE r.card_id = c.id)
ORDER BY c.note, c.position"""


def adopt(kb: KnowledgeBase, conn: sqlite3.Connection) -> int:
    """Start the pending cards that have no history from their Obsidian schedules; how many started."""
    from kb.review.answers import _event, _journaled
    from kb.review.parameters import scheduler_for
    from kb.review.schedules import LINE_TYPE, apply_entries

    rows = conn.execute(_CANDIDATES).fetchall()
    entries = []
    if rows:
        settings = kb.settings
        parameters = tuple(scheduler_for(kb).parameters)
        tz = local_zone()
        for card_id, text, note, fp in rows:
            sched = parse_entry(text)
            state = (
                start_state(sched, parameters, settings.day_starts_at, tz, len(settings.learning_steps))
                if sched is not None
                else None
            )
            if state is not None:
                entries.append(
                    {"card": card_id, "fp": fp, "note": note, "sr": text, "state": state.to_dict()}
                )
    if not entries:
        with _transaction(conn):
            conn.execute("DELETE FROM sr_pending")
        return 0
    at = now()
    for i in range(0, len(entries), _PER_LINE):
        chunk = entries[i : i + _PER_LINE]
        event = _event(kb, LINE_TYPE, at, {"source": SOURCE, "start": True, "cards": chunk})
        with _journaled(kb, conn, [event]):
            apply_entries(conn, event["id"], chunk, source=SOURCE, at=event["at"], start=True)
            if i + _PER_LINE >= len(entries):
                conn.execute("DELETE FROM sr_pending")
    return len(entries)


def _transaction(conn: sqlite3.Connection):
    from kb.review.history import write_transaction

    return write_transaction(conn)


def put_start(conn: sqlite3.Connection, card_id: str, uid: str, at: str, source: str, state: dict) -> bool:
    """Record a card's start (the earliest wins: two devices that adopted the same card agree once merged) and,
    when the card has no review, its schedule. False when an earlier start was there already."""
    from kb.review.history import put_state

    found = conn.execute("SELECT at, uid FROM card_starts WHERE card_id = ?", (card_id,)).fetchone()
    if found is not None and tuple(found) <= (at, uid):
        return False
    conn.execute(
        "INSERT OR REPLACE INTO card_starts (card_id, uid, at, source, state) VALUES (?,?,?,?,?)",
        (card_id, uid, at, source, json.dumps(state, sort_keys=True, separators=(",", ":"))),
    )
    if conn.execute("SELECT 1 FROM reviews WHERE card_id = ? LIMIT 1", (card_id,)).fetchone() is None:
        put_state(conn, card_id, CardState.from_dict(state))
    return True
