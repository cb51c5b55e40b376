"""A card's history in the database: its ``reviews`` and ``card_events`` rows, and what is folded from them.

Both recording an answer (``kb.review.answers``) and replaying a journal (``kb.review.replay``) write through here.

Fold rule, which makes the database a pure function of the journals: a card's schedule is the fold of its reviews
in (time, id) order. For each review, if the schedule recorded in the journal line as ``before`` is the schedule the
fold has reached, the recorded ``after`` is taken as is (so a replay gives back exactly what the user saw, even if
settings or parameters have changed since); otherwise (two devices reviewed the same card before syncing) FSRS
recomputes it, with fuzz seeded by the card and review ids, so every device reaches the same result. An answer
imported in bulk (``kb.review.imported``) has no ``logged`` text: its own ``state_before`` / ``state_after`` are what
was logged.

A ``schedule`` event (the card's schedule as another program had it: an Anki import, ``kb.anki.state``) sets the
schedule at its time: the fold goes on from it, so the card keeps Anki's due date and memory state rather than what
FSRS would make of its history, and a later kb review builds on it.

Flags (suspended, buried until, leech, a colour flag from Anki) are likewise folded from the card's events in
history order.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from kb.config import KnowledgeBase
from kb.review import journal
from kb.review.clock import parse_iso
from kb.review.parameters import scheduler_for
from kb.review.scheduler import CardState, answer, state_json
from kb.store.connection import in_chunks


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[None]:
    """BEGIN IMMEDIATE: take the write lock up front so the busy timeout applies (no "database is locked")."""
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.rollback()
        raise
    conn.commit()


# ---------------------------------------------------------------------------------------------------- schedules
def get_state(conn: sqlite3.Connection, card_id: str) -> CardState | None:
    row = conn.execute(
        "SELECT state, step, stability, difficulty, due, last_review, reps, lapses FROM card_state WHERE card_id = ?",
        (card_id,),
    ).fetchone()
    return CardState(*row) if row else None


_PUT_STATE = """INSERT INTO card_state (card_id, state, step, stability, difficulty, due, last_review, reps, lapses)
           VALUES (?,?,?,?,?,?,?,?,?)
           ON CONFLICT(card_id) DO UPDATE SET state=excluded.state, step=excluded.step,
               stability=excluded.stability, difficulty=excluded.difficulty, due=excluded.due,
               last_review=excluded.last_review, reps=excluded.reps, lapses=excluded.lapses"""


def put_state(conn: sqlite3.Connection, card_id: str, state: CardState | None) -> None:
    if state is None:
        conn.execute("DELETE FROM card_state WHERE card_id = ?", (card_id,))
        return
    conn.execute(_PUT_STATE, _state_row(card_id, state))


def put_states(conn: sqlite3.Connection, items) -> None:
    """``put_state`` for many ``(card id, CardState)`` at once (an import's 50,000)."""
    conn.executemany(_PUT_STATE, (_state_row(card_id, state) for card_id, state in items))


def _state_row(card_id: str, s: CardState) -> tuple:
    return (card_id, s.state, s.step, s.stability, s.difficulty, s.due, s.last_review, s.reps, s.lapses)


# ---------------------------------------------------------------------------------------------------- rows
def insert_review(conn: sqlite3.Connection, event: dict, card_id: str) -> bool:
    """A journal ``review`` line as a ``reviews`` row (under ``card_id``); False if the row was there already."""
    logged = json.dumps(
        {"card": event.get("card"), "before": event.get("before"), "after": event.get("after")},
        separators=(",", ":"),
        sort_keys=True,
    )
    cur = conn.execute(
        """INSERT OR IGNORE INTO reviews (uid, card_id, reviewed_at, grade, duration_ms, state_before, state_after,
                                         device, source, logged)
           VALUES (?,?,?,?,?,?,?,?,?,?)""",
        (
            event["id"],
            card_id,
            journal.normalise_time(event["at"]),
            int(event["grade"]),
            event.get("ms"),
            state_json(CardState.from_dict(event.get("before"))),
            state_json(CardState.from_dict(event.get("after"))) or "null",
            str(event.get("device") or ""),
            str(event.get("source") or "review"),
            logged,
        ),
    )
    return cur.rowcount > 0


# What a ``schedule`` event's row keeps of the card's identity in Anki: the export finds the original note by it.
# ``fp``, the card's fingerprint when the schedule was set, tells the export whether kb edited the card since.
_ANKI_IDENTITY = ("guid", "ord", "notetype", "nsum")


def schedule_data(event: dict) -> str:
    """The ``data`` of a ``schedule`` event's row: the state and flag it sets, and the card's Anki identity."""
    data = {"state": event.get("state"), "flag": event.get("flag")}
    anki = event.get("anki")
    if isinstance(anki, dict):
        data["anki"] = {k: anki[k] for k in _ANKI_IDENTITY if k in anki}
        if event.get("fp"):
            data["anki"]["fp"] = event["fp"]
    return json.dumps(data, separators=(",", ":"))


def insert_event(
    conn: sqlite3.Connection,
    uid: str,
    card_id: str,
    kind: str,
    at: str,
    *,
    ref: str | None = None,
    until: str | None = None,
    data: str | None = None,
) -> bool:
    """A ``card_events`` row (undo, suspend, unsuspend, bury, leech, schedule); False if the row was there already."""
    return conn.execute(_INSERT_EVENT, (uid, card_id, kind, at, ref, until, data)).rowcount > 0


def insert_events(conn: sqlite3.Connection, rows: list[tuple]) -> None:
    """``insert_event`` for many ``(uid, card_id, kind, at, ref, until, data)`` rows at once; empties ``rows``."""
    conn.executemany(_INSERT_EVENT, rows)
    rows.clear()


_INSERT_EVENT = (
    "INSERT OR IGNORE INTO card_events (uid, card_id, kind, at, ref, until, data) VALUES (?,?,?,?,?,?,?)"
)


# ---------------------------------------------------------------------------------------------------- folds
FLAG_PREFIX = "flag:"  # a colour flag in cards.flags: "flag:red"


def _event_data(text: str | None) -> dict:
    try:
        data = json.loads(text) if text else {}
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def apply_flags(conn: sqlite3.Connection, card_id: str) -> None:
    """Set a card's suspended / buried_until / leech flag from its events, in history order."""
    apply_flags_of(conn, [card_id])


def apply_flags_of(conn: sqlite3.Connection, card_ids: list[str]) -> None:
    """``apply_flags`` for many cards (an import's thousands), a few hundred cards a statement, in their order."""
    for chunk, marks in in_chunks(card_ids):
        flags = dict(conn.execute(f"SELECT id, flags FROM cards WHERE id IN ({marks})", chunk).fetchall())
        events: dict[str, list[tuple]] = {}
        for card_id, *event in conn.execute(
            f"""SELECT e.card_id, e.kind, e.until, r.undone, e.data FROM card_events e LEFT JOIN reviews r
                ON r.uid = e.ref WHERE e.card_id IN ({marks}) AND e.kind != 'undo' ORDER BY e.card_id, e.at, e.uid""",
            chunk,
        ):
            events.setdefault(card_id, []).append(event)
        conn.executemany(
            "UPDATE cards SET suspended = ?, buried_until = ?, flags = ? WHERE id = ?",
            [(*_folded_flags(flags[c], events.get(c, ())), c) for c in chunk if c in flags],
        )


def _folded_flags(flags_text: str | None, events) -> tuple[int, str | None, str]:
    """(suspended, buried until, flags as JSON) of a card: its ``cards.flags`` and its events (kind, until, the
    referenced review's undone, data), in history order."""
    suspended, leech, buried, colour = False, False, None, None
    for kind, until, ref_undone, data in events:
        if kind == "schedule":
            colour = _event_data(data).get("flag") or None
        elif kind == "suspend":
            suspended = True
        elif kind == "unsuspend":
            suspended = False
        elif kind == "leech" and not ref_undone:
            suspended, leech = True, True
        elif kind == "bury" and until:
            buried = max(buried or until, until)
    try:
        flags = [f for f in json.loads(flags_text or "[]") if f != "leech" and not f.startswith(FLAG_PREFIX)]
    except ValueError:
        flags = []
    if leech:
        flags.append("leech")
    if colour:
        flags.append(FLAG_PREFIX + str(colour))
    return int(suspended), buried, json.dumps(flags)


def start_of_history(conn: sqlite3.Connection, card_id: str) -> CardState | None:
    """The schedule a card's history starts from: a schedule adopted from its note (``kb.review.adopt``), else
    None (a new card)."""
    row = conn.execute("SELECT state FROM card_starts WHERE card_id = ?", (card_id,)).fetchone()
    return CardState.from_dict(json.loads(row[0])) if row else None


def recompute(conn: sqlite3.Connection, kb: KnowledgeBase, card_id: str) -> CardState | None:
    """Fold a card's reviews and schedule events in history order (see the module docstring), from its start (a
    schedule adopted from its note, else new), into card_state and the reviews rows."""
    sched = None
    state: CardState | None = start_of_history(conn, card_id)
    updates = []
    rows = conn.execute(
        "SELECT uid, grade, reviewed_at, logged, state_before, state_after FROM reviews WHERE card_id = ? "
        "AND undone = 0 UNION ALL SELECT uid, NULL, at, data, NULL, NULL FROM card_events WHERE card_id = ? "
        "AND kind = 'schedule' ORDER BY 3, 1",
        (card_id, card_id),
    ).fetchall()
    for uid, grade, reviewed_at, logged_text, row_before, row_after in rows:
        if grade is None:  # a schedule event: the schedule is what it says from here on
            state = CardState.from_dict(_event_data(logged_text).get("state"))
            continue
        if logged_text is None and row_after:  # an imported answer (kb.review.imported): its states as logged
            logged = {
                "before": json.loads(row_before) if row_before else None,
                "after": json.loads(row_after),
            }
        else:
            logged = json.loads(logged_text) if logged_text else {}
        logged_before = CardState.from_dict(logged.get("before"))
        logged_after = CardState.from_dict(logged.get("after"))
        if logged_after is not None and logged_before == state:
            after = logged_after
        else:
            if sched is None:
                sched = scheduler_for(kb)
            after = answer(
                sched,
                state,
                grade,
                parse_iso(reviewed_at),
                card_id=logged.get("card") or card_id,
                review_id=uid,
            )
        updates.append((state_json(state), after.to_json(), uid))
        state = after
    conn.executemany("UPDATE reviews SET state_before = ?, state_after = ? WHERE uid = ?", updates)
    put_state(conn, card_id, state)
    return state
