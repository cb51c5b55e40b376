"""Schedules that come from somewhere else: one journal line type, ``schedule``, for all of them.

``{"v": 1, "type": "schedule", "id", "at", "device", "source", "cards": [entry, ...]}`` plus ``"start": true`` when
the cards *start* from these schedules. ``source`` says where they come from: ``anki-import`` (the card's schedule as
Anki had it, ``kb.anki.reviews``), ``obsidian-sr`` (an ``<!--SR:-->`` comment beside the card, ``kb.review.adopt``).

Each entry: ``card`` and the card's snapshot (``note``, ``fp``, and ``kind``, ``front``, ``back`` when known) so
replay finds the card after edits; ``state`` (``kb.review.scheduler.CardState`` as a dict, null: new); and, each
only when it applies, ``id`` (the event's id, stable across imports of the same state; default ``<line id>:<n>``),
``at`` (when the schedule was the card's, default the line's time), ``flag`` (a colour), ``suspended`` (true),
``buried_until`` (a time), ``anki`` (the card's Anki identity: guid, ord, card and note type ids, deck, tags) and
``sr`` (the Obsidian comment as written).

* Without ``start``: the schedule is the card's from ``at`` on; the fold of its history (``kb.review.history``) goes
  on from it, so earlier answers do not change it and later ones build on it.
* With ``start``: the card's history starts from it, once: the earliest start wins, and it counts only for a card
  with no history of its own (``kb.review.adopt.put_start``).

Earlier kb versions wrote one ``schedule`` line per card (the entry's fields on the line itself, and separate
``suspend``/``bury`` lines) and ``start`` lines for Obsidian schedules; ``entries_of`` reads both.
"""

from __future__ import annotations

import sqlite3

from kb.review.history import insert_event, insert_events, schedule_data

LINE_TYPE = "schedule"
_SNAPSHOT = ("note", "kind", "front", "back", "fp")


def entries_of(event: dict) -> tuple[list[dict], bool]:
    """(the entries, whether they are starts) of a ``schedule`` line, or of an older ``schedule``/``start`` line."""
    kind = event.get("type")
    if kind == "start":
        cards = event.get("cards")
        return ([c for c in cards if isinstance(c, dict)] if isinstance(cards, list) else []), True
    if isinstance(event.get("cards"), list):
        return [c for c in event["cards"] if isinstance(c, dict)], bool(event.get("start"))
    # the older one-card form: the entry is the line itself
    entry = {key: event[key] for key in ("card", *_SNAPSHOT, "state", "flag", "anki") if key in event}
    entry["id"] = event["id"]
    return [entry], False


def apply_entries(
    conn: sqlite3.Connection,
    line_id: str,
    entries: list[dict],
    *,
    source: str,
    at: str | None = None,
    start: bool = False,
) -> dict[str, dict | None]:
    """Record the entries (each card's id already resolved into ``card``); the cards given a new schedule or
    start, with that schedule. An event already recorded (same id) is left alone."""
    from kb.review import journal
    from kb.review.adopt import put_start

    touched: dict[str, dict | None] = {}
    # into an empty card_events (a first import, a rebuild) every row is new: written in batches, not one by one
    batch: list[tuple] | None = None
    if not start and not conn.execute("SELECT EXISTS (SELECT 1 FROM card_events)").fetchone()[0]:
        batch = []
    for n, entry in enumerate(entries):
        card_id = str(entry.get("card") or "")
        state = entry.get("state")
        if state is not None and not isinstance(state, dict):
            continue
        uid = str(entry.get("id") or f"{line_id}:{n}")
        when = journal.normalise_time(entry["at"]) if entry.get("at") else at
        if when is None:
            continue
        if start:
            if state is not None and put_start(conn, card_id, uid, when, source, state):
                touched[card_id] = state
            continue
        data = schedule_data(
            entry
        )  # the state, the flag and the card's Anki identity (the export finds it by that)
        rows = [(uid, card_id, "schedule", when, None, None, data)]
        if entry.get("suspended"):
            rows.append((uid + ":suspend", card_id, "suspend", when, None, None, None))
        if entry.get("buried_until"):
            until = journal.normalise_time(str(entry["buried_until"]))
            rows.append((uid + ":bury", card_id, "bury", when, None, until, None))
        if batch is not None:
            batch += rows
            touched[card_id] = state
            if len(batch) >= 5000:
                insert_events(conn, batch)
            continue
        if not insert_event(conn, *rows[0][:4], data=data):
            continue
        touched[card_id] = state
        for uid_, card_, kind, at_, ref, until, data_ in rows[1:]:
            insert_event(conn, uid_, card_, kind, at_, ref=ref, until=until, data=data_)
    if batch:
        insert_events(conn, batch)
    return touched


def snapshot_of(entry: dict) -> dict:
    """The fields of an entry a ``kb.review.replay.CardResolver`` looks at."""
    return {key: entry[key] for key in ("card", *_SNAPSHOT) if key in entry}
