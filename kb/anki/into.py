"""``kb export anki --into collection.anki2``: kb's reviews and schedules written into the Anki collection a deck came
from, onto its own cards.

Anki's package importer cannot do this: it adds review history for new cards only, and skips a note whose note type
differs. So kb writes into the collection itself (plain SQLite; Anki must be closed): for every kb card imported from
that collection (its Anki identity, GUID and template, kept by the import):

- each answer given in kb becomes a row of the card's review log (kb's copies of Anki's own answers are not added
  again: a row within 3 ms of one the card has is the same answer);
- the card takes kb's schedule (due, interval, memory state, reps, lapses, suspended, buried) when kb's last answer
  is later than Anki's; when Anki answered it later, Anki's schedule stays;
- a card's text edited in kb goes into its note's fields (``kb.anki.writeback``), unless the note was edited in
  Anki too since the import: that conflict is reported and the note kept as Anki has it; note types, decks and
  media are left as they are.

Running it twice changes nothing the second time. Cards kb did not import from this collection are left to
``kb export anki -o``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kb.anki.schedule import (
    EPOCH_DAY,
    QUEUE_LEARN,
    QUEUE_NEW,
    card_columns,
    day_rules,
    load_schedules,
    revlog_rows,
)
from kb.errors import KbError
from kb.review.journal import ANKI_SYNC

_SAME_ANSWER_MS = 3  # a copy of an answer keeps its ms (to rounding); more apart: two answers


@dataclass(frozen=True)
class IntoReport:
    path: str
    cards: int  # kb cards found in the collection
    reviews: int  # review log rows added
    schedules: int  # cards given kb's schedule
    kept: int  # cards Anki answered later than kb: Anki's schedule kept
    missing: int  # kb cards imported from Anki whose note or card is not in this collection
    texts: int = 0  # notes whose text kb changed
    conflicts: tuple[str, ...] = ()  # notes edited in kb and in Anki: Anki's text kept
    unmapped: int = 0  # notes whose kb text differs but whose fields kb cannot tell apart: left as they are
    unmapped_notes: tuple[str, ...] = ()  # a line for each: which note, and why


def identity_events(conn: sqlite3.Connection, *, syncs: bool = False):
    """(kb card id, kind, identity) of each event naming a card's Anki identity, oldest first: the import's
    ``schedule`` events (their ``anki`` part: guid, ord, notetype, nsum) and, with ``syncs``, the ``anki-sync``
    events ``--into`` wrote (their data: nsum). Rows whose data does not parse are left out."""
    for card_id, kind, data in conn.execute(
        "SELECT card_id, kind, data FROM card_events WHERE (kind = 'schedule' AND data LIKE '%\"guid\"%') "
        "OR kind = ? ORDER BY at, uid",
        (ANKI_SYNC if syncs else "",),
    ):
        try:
            found = json.loads(data)
            identity = found["anki"] if kind == "schedule" else found
        except (ValueError, KeyError, TypeError):
            continue
        if isinstance(identity, dict):
            yield card_id, kind, identity


def identities(conn: sqlite3.Connection) -> dict[str, tuple[str, int]]:
    """kb card id -> (Anki note GUID, template ord), from the import's ``schedule`` events."""
    out: dict[str, tuple[str, int]] = {}
    for card_id, _, anki in identity_events(conn):
        try:
            out[card_id] = (str(anki["guid"]), int(anki["ord"]))
        except (ValueError, KeyError, TypeError):
            continue
    return out


def _open(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise KbError(f"{path}: no such Anki collection; give the collection.anki2 of an Anki profile")
    try:
        db = sqlite3.connect(path, timeout=0, isolation_level=None)
        db.execute("BEGIN IMMEDIATE")
        db.execute("SELECT crt FROM col").fetchone()
        db.execute("SELECT id, nid, ord FROM cards LIMIT 1")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc):
            raise KbError(f"{path}: the collection is in use; close Anki and run again") from None
        raise KbError(f"{path}: not an Anki collection ({exc})") from None
    except sqlite3.DatabaseError as exc:
        raise KbError(f"{path}: not an Anki collection ({exc})") from None
    return db


def write_into(kb, conn: sqlite3.Connection, path: Path, now: datetime | None = None) -> IntoReport:
    """Write kb's reviews and schedules into the collection at ``path`` (see the module docstring)."""
    known = identities(conn)
    db = _open(path)
    try:
        report, written = _write(kb, conn, db, known, now)
        db.execute("UPDATE col SET mod = ?", (int((now or datetime.now(UTC)).timestamp() * 1000),))
        db.execute("COMMIT")
    except BaseException:
        db.execute("ROLLBACK")
        raise
    finally:
        db.close()
    if written:  # after Anki's commit: a crash between the two at worst reports a false conflict next time
        from kb.review.answers import record_anki_sync

        record_anki_sync(kb, conn, written)
    return IntoReport(str(path), *report)


def _write(kb, conn, db, known: dict[str, tuple[str, int]], now) -> tuple:
    rules = day_rules(kb, now)
    crt = db.execute("SELECT crt FROM col").fetchone()[0]
    # kb writes day numbers counted from its exports' epoch; this collection counts from its own creation
    shift = (rules.day(datetime.fromtimestamp(crt, UTC)) - EPOCH_DAY).days
    anki_cards = {
        (guid, ord_): cid
        for cid, ord_, guid in db.execute(
            "SELECT c.id, c.ord, n.guid FROM cards c JOIN notes n ON n.id = c.nid"
        )
    }
    found = {kb_id: anki_cards[key] for kb_id, key in known.items() if key in anki_cards}
    schedules = load_schedules(conn, list(found))
    taken = {rid for (rid,) in db.execute("SELECT id FROM revlog")}
    added = scheduled = kept = 0
    stamp = int((now or datetime.now(UTC)).timestamp())
    for kb_id, cid in found.items():
        schedule = schedules.get(kb_id)
        if schedule is None:
            continue
        answers = [ms for (ms,) in db.execute("SELECT id FROM revlog WHERE cid = ?", (cid,))]
        for row in revlog_rows(schedule, rules):
            if any(abs(row.at_ms - ms) < _SAME_ANSWER_MS for ms in answers):
                continue
            rid = row.at_ms
            while rid in taken:
                rid += 1
            taken.add(rid)
            db.execute(
                "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) VALUES (?,?,?,?,?,?,?,?,?)",
                (rid, cid, -1, row.ease, row.ivl, row.last_ivl, row.factor, row.time_ms, row.type),
            )
            added += 1
        kb_last = max(
            (int(datetime.fromisoformat(r.at).timestamp() * 1000) for r in schedule.reviews), default=0
        )
        if kb_last <= max(answers, default=0):
            kept += bool(answers)
            continue  # Anki answered it last (or nobody did): its schedule stays
        cols = card_columns(schedule, rules, 0)
        due = cols.due
        if cols.queue not in (QUEUE_LEARN, QUEUE_NEW) and not (cols.queue < 0 and due > 1_000_000_000):
            due -= shift  # a day number (review, day learning, a held review card); not epoch seconds
        db.execute(
            "UPDATE cards SET type=?, queue=?, due=?, ivl=?, factor=?, reps=?, lapses=?, left=?, data=?, mod=?, "
            "usn=-1 WHERE id=?",
            (*cols.row(due), stamp, cid),
        )
        scheduled += 1
    from kb.anki.writeback import write_back

    texts = write_back(conn, db, found, stamp, root=kb.root)
    return (
        len(found), added, scheduled, kept, len(known) - len(found), texts.notes, tuple(texts.conflicts),
        texts.unmapped, tuple(texts.unmapped_notes),
    ), texts.written  # fmt: skip
