"""Answers and the other things a user does to a card: record an answer, undo it, suspend, unsuspend, bury.

Each goes to the journal first (fsync), then to SQLite (``reviews`` / ``card_events`` and the card's schedule and
flags, in one transaction, ``synchronous=FULL``), before the function returns; a crash between the two is healed by
the next replay (``kb.review.replay``), which every command runs when it opens the store.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from kb.config import KnowledgeBase, device_name
from kb.errors import KbError
from kb.review import journal
from kb.review.clock import iso, local_zone, next_day_start, now
from kb.review.history import (
    apply_flags,
    get_state,
    insert_event,
    insert_review,
    put_state,
    recompute,
    write_transaction,
)
from kb.review.parameters import scheduler_for
from kb.review.scheduler import CardState, answer


@dataclass(frozen=True)
class ReviewResult:
    review_id: str
    card_id: str
    grade: int
    at: datetime
    before: CardState | None
    after: CardState
    leech: bool = False  # this answer made the card a leech: it is now suspended and flagged


UNCHECKED = object()  # no ``expected`` schedule given: the answer is recorded whatever the card's schedule is


class AnsweredElsewhere(KbError):
    """The card's schedule is no longer the one it had when shown: another session answered (or undid) it."""


@dataclass(frozen=True)
class Answer:
    """One answer to record: the card, the grade 1-4, when (aware datetime) and how long it took.

    ``expected``: the schedule the card had when it was shown (None: new). If the card has another one by the time the
    answer is written, nothing is recorded and ``AnsweredElsewhere`` is raised (two sessions never answer one card
    twice). The check is made inside the write transaction, so no other process can slip in between.
    """

    card_id: str
    grade: int
    at: datetime
    duration_ms: int | None = None
    review_id: str | None = None
    expected: object = UNCHECKED


# ---------------------------------------------------------------------------------------------------- the journal
def card_snapshot(conn: sqlite3.Connection, card_id: str) -> dict:
    """What a journal line keeps of a card so replay can find it again after the note changed."""
    row = conn.execute(
        "SELECT note, kind, front, back, fingerprint FROM cards WHERE id = ?", (card_id,)
    ).fetchone()
    if row is None:
        raise KbError(f"no card with id {card_id}; run kb index, or check the id with kb cards")
    return {"note": row[0], "kind": row[1], "front": row[2], "back": row[3], "fp": row[4]}


def _journal_file(kb: KnowledgeBase) -> Path:
    return journal.journal_path(kb.journal_dir, device_name(kb.settings))


def _append(kb: KnowledgeBase, conn: sqlite3.Connection, events: list[dict]) -> journal.PendingLine:
    """Write to this device's journal and note its new size (so replay does not read our own line back).

    Call inside the write transaction; the caller syncs the returned line before returning to its caller.
    """
    path = _journal_file(kb)
    pending = journal.write(path, events)
    row = conn.execute("SELECT size FROM journal_files WHERE name = ?", (path.name,)).fetchone()
    if (row[0] if row else 0) == pending.start:  # everything before our line was replayed already
        conn.execute(
            "INSERT INTO journal_files (name, size, mtime_ns) VALUES (?,?,?) "
            "ON CONFLICT(name) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns",
            (path.name, pending.size, pending.mtime_ns),
        )
    return pending


@contextmanager
def _journaled(
    kb: KnowledgeBase, conn: sqlite3.Connection, events: list[dict], check: Callable[[], None] | None = None
) -> Iterator[None]:
    """Write events to the journal, then run the body in a write transaction while the journal is fsynced.

    The line is written (and so survives a killed process) before SQLite changes; the journal's fsync and SQLite's
    commit (synchronous=FULL) overlap; both are done when this returns. ``check`` runs first, holding the write lock:
    if it raises, nothing is written.
    """
    pending: journal.PendingLine | None = None
    try:
        with write_transaction(conn):
            if check is not None:
                check()
            pending = _append(kb, conn, events)
            pending.start_sync()
            yield
    finally:
        if pending is not None:
            try:
                pending.sync()
            except OSError as exc:
                raise KbError(
                    f"{kb.rel(_journal_file(kb))}: cannot save the review journal ({exc.strerror}); "
                    "check free space and permissions"
                ) from None


def _event(
    kb: KnowledgeBase, line_type: str, at: datetime, fields: dict, *, event_id: str | None = None
) -> dict:
    """A journal line of this device (see ``kb.review.journal`` for the format)."""
    return {
        "v": journal.FORMAT,
        "type": line_type,
        "id": event_id or journal.new_id(),
        "at": iso(at),
        "device": device_name(kb.settings),
        **fields,
    }


@contextmanager
def journaled_line(
    kb: KnowledgeBase, conn: sqlite3.Connection, line_type: str, at: datetime, fields: dict
) -> Iterator[dict]:
    """A journal line of another kind (a quiz result, see ``kb.quiz.store``), written as an answer is: the line
    first, then the body's SQLite writes in one transaction while the line is fsynced. Yields the line."""
    event = _event(kb, line_type, at, fields)
    with _journaled(kb, conn, [event]):
        yield event


# ---------------------------------------------------------------------------------------------------- answers
def record_answer(
    kb: KnowledgeBase,
    conn: sqlite3.Connection,
    card_id: str,
    grade: int,
    *,
    at: datetime,
    duration_ms: int | None,
    source: str = "review",
    review_id: str | None = None,
    expected: object = UNCHECKED,
) -> ReviewResult:
    """Schedule the answer with FSRS, append it to the journal (fsync) and store it, before returning.

    ``review_id`` lets the reviewer pass the id it used to preview the intervals, so the buttons' promise holds;
    ``expected`` the schedule the card had when shown (see ``Answer``: ``AnsweredElsewhere`` if it changed since).
    """
    answer_ = Answer(card_id, grade, at, duration_ms, review_id, expected)
    return record_answers(kb, conn, [answer_], source=source)[0]


def record_answers(
    kb: KnowledgeBase, conn: sqlite3.Connection, answers: Iterable[Answer], *, source: str = "review"
) -> list[ReviewResult]:
    """Record many answers at once (an import): one journal write and fsync, one transaction.

    Answers of one card are applied in the order given. An answer older than the card's last review (history
    imported after reviewing in kb) is put in its place in time: the card's schedule is recomputed from its history.
    """
    answers = list(answers)
    for a in answers:
        if a.grade not in (1, 2, 3, 4):
            raise KbError(f"grade {a.grade!r} is not 1 (again), 2 (hard), 3 (good) or 4 (easy)")
        if a.at.tzinfo is None:
            raise ValueError("record_answer needs an aware UTC datetime")
    if not answers:
        return []
    batch = _AnswerBatch(kb, conn, source)
    results = [batch.schedule(a) for a in answers]
    with _journaled(kb, conn, batch.events, check=batch.check_unchanged):
        batch.store()
    return results


class _AnswerBatch:
    """Answers scheduled one after the other (each from the card's schedule after the previous), then stored."""

    def __init__(self, kb: KnowledgeBase, conn: sqlite3.Connection, source: str):
        self.kb, self.conn, self.source = kb, conn, source
        self.sched = scheduler_for(kb)
        self.states: dict[str, CardState | None] = {}
        self.snapshots: dict[str, dict] = {}
        self.out_of_order: set[str] = set()
        self.events: list[dict] = []
        self.checked: dict[
            str, CardState | None
        ] = {}  # cards shown with this schedule: it must still be theirs

    def schedule(self, a: Answer) -> ReviewResult:
        card_id = a.card_id
        if card_id not in self.snapshots:
            self.snapshots[card_id] = card_snapshot(self.conn, card_id)
            self.states[card_id] = get_state(self.conn, card_id)
            if a.expected is not UNCHECKED:
                self.checked[card_id] = a.expected  # type: ignore[assignment]
                self.check_unchanged()
        at = a.at.astimezone(UTC)
        review_id = a.review_id or journal.new_id()
        before = self.states[card_id]
        if before is not None and before.last_review and iso(at) < before.last_review:
            self.out_of_order.add(card_id)
        grade = int(a.grade)
        after = answer(self.sched, before, grade, at, card_id=card_id, review_id=review_id)
        lapsed = after.lapses > (before.lapses if before else 0)
        threshold = self.kb.settings.leech_threshold
        leech = bool(threshold) and lapsed and after.lapses >= threshold
        event = _event(
            self.kb,
            "review",
            at,
            {
                "card": card_id,
                "grade": grade,
                "ms": a.duration_ms,
                "source": self.source,
                **self.snapshots[card_id],
                "before": before.to_dict() if before else None,
                "after": after.to_dict(),
            },
            event_id=review_id,
        )
        if leech:
            event["leech"] = True
        self.events.append(event)
        self.states[card_id] = after
        return ReviewResult(review_id, card_id, grade, at, before, after, leech)

    def check_unchanged(self) -> None:
        """Raise ``AnsweredElsewhere`` if a card shown with a schedule has another one now."""
        for card_id, shown in self.checked.items():
            if get_state(self.conn, card_id) != shown:
                raise AnsweredElsewhere(
                    f"card {card_id} was answered in another session meanwhile; this answer is not recorded"
                )

    def store(self) -> None:
        conn = self.conn
        leeches = set()
        for event in self.events:
            insert_review(conn, event, event["card"])
            if event.get("leech"):
                insert_event(
                    conn, f"{event['id']}:leech", event["card"], "leech", event["at"], ref=event["id"]
                )
                leeches.add(event["card"])
        for card_id, state in self.states.items():
            if card_id in self.out_of_order:
                recompute(conn, self.kb, card_id)
            else:
                put_state(conn, card_id, state)
        for card_id in leeches | self.out_of_order:
            apply_flags(conn, card_id)


def undo(
    kb: KnowledgeBase, conn: sqlite3.Connection, review_id: str, *, at: datetime | None = None
) -> CardState | None:
    """Take an answer back: append an undo record (nothing is rewritten) and restore the card's schedule."""
    row = conn.execute("SELECT card_id, undone FROM reviews WHERE uid = ?", (review_id,)).fetchone()
    if row is None:
        raise KbError(f"no review with id {review_id} to undo")
    card_id = row[0]
    if row[1]:
        return get_state(conn, card_id)
    event = _event(kb, "undo", (at or now()).astimezone(UTC), {"card": card_id, "ref": review_id})
    with _journaled(kb, conn, [event]):
        insert_event(conn, event["id"], card_id, "undo", event["at"], ref=review_id)
        conn.execute("UPDATE reviews SET undone = 1 WHERE uid = ?", (review_id,))
        recompute(conn, kb, card_id)
        apply_flags(
            conn, card_id
        )  # an undone answer that made the card a leech takes the suspension back too
    return get_state(conn, card_id)


# ---------------------------------------------------------------------------------------------------- card events
def _card_event(kb, conn, card_ids, kind: str, at: datetime | None, until: datetime | None = None) -> int:
    at = (at or now()).astimezone(UTC)
    events = []
    for card_id in card_ids:
        event = _event(kb, kind, at, {"card": card_id, **card_snapshot(conn, card_id)})
        if until is not None:
            event["until"] = iso(until)
        events.append(event)
    if not events:
        return 0
    with _journaled(kb, conn, events):
        for event in events:
            insert_event(conn, event["id"], event["card"], kind, event["at"], until=event.get("until"))
            apply_flags(conn, event["card"])
    return len(events)


def suspend(kb: KnowledgeBase, conn: sqlite3.Connection, card_ids, *, at: datetime | None = None) -> int:
    """Suspend cards (never shown until unsuspended); journaled so a rebuilt database keeps it."""
    return _card_event(kb, conn, list(card_ids), "suspend", at)


def unsuspend(kb: KnowledgeBase, conn: sqlite3.Connection, card_ids, *, at: datetime | None = None) -> int:
    """Unsuspend cards (also leeches: the leech flag stays so you can find them)."""
    return _card_event(kb, conn, list(card_ids), "unsuspend", at)


def bury(kb: KnowledgeBase, conn: sqlite3.Connection, card_ids, *, at: datetime | None = None) -> int:
    """Hide cards until the next review day starts."""
    at = (at or now()).astimezone(UTC)
    until = next_day_start(at, kb.settings.day_starts_at, local_zone())
    return _card_event(kb, conn, list(card_ids), "bury", at, until)


@dataclass(frozen=True)
class ScheduleSet:
    """A card's schedule and flags as another program had them (an Anki import), set at ``at``."""

    card_id: str
    event_id: str  # stable: importing the same state again adds nothing
    at: datetime
    state: CardState | None
    suspended: bool = False
    buried: bool = False
    flag: str = ""
    source: str = "anki-import"
    identity: dict | None = None  # the card's identity in the other program


def schedule_entry(item: ScheduleSet, buried_until: datetime) -> dict:
    """A ``schedule`` entry (``kb.review.schedules``) for ``item``, without the card's snapshot."""
    entry: dict = {
        "card": item.card_id,
        "id": item.event_id,
        "at": iso(item.at.astimezone(UTC)),
        "state": item.state.to_dict() if item.state else None,
    }
    if item.flag:
        entry["flag"] = item.flag
    if item.suspended:
        entry["suspended"] = True
    if item.buried:
        entry["buried_until"] = iso(buried_until)
    if item.identity:
        entry["anki"] = item.identity
    return entry


def set_schedules(kb: KnowledgeBase, conn: sqlite3.Connection, items: Iterable[ScheduleSet]) -> int:
    """Record each card's schedule, suspension and burial: one ``schedule`` line per source, one transaction;
    returns how many were new. A schedule event already recorded (same id) is left alone."""
    from kb.review.schedules import LINE_TYPE, apply_entries

    until = next_day_start(now(), kb.settings.day_starts_at, local_zone())
    by_source: dict[str, list[dict]] = {}
    for item in items:
        if conn.execute("SELECT 1 FROM card_events WHERE uid = ?", (item.event_id,)).fetchone():
            continue
        entry = {**schedule_entry(item, until), **card_snapshot(conn, item.card_id)}
        by_source.setdefault(item.source, []).append(entry)
    if not by_source:
        return 0
    events = [
        _event(kb, LINE_TYPE, now(), {"source": src, "cards": cards}) for src, cards in by_source.items()
    ]
    with _journaled(kb, conn, events):
        touched: set[str] = set()
        for event in events:
            touched.update(
                apply_entries(conn, event["id"], event["cards"], source=event["source"], at=event["at"])
            )
        for card_id in sorted(touched):
            recompute(conn, kb, card_id)
            apply_flags(conn, card_id)
    return len(touched)


def record_import(kb: KnowledgeBase, conn: sqlite3.Connection, record):
    """Record an imported history (``kb.review.imported.HistoryRecord``) as one ``import`` line, fsynced, and
    apply it in one transaction, with the function replay uses; returns what it added (``Applied``)."""
    from kb.review.imported import Applied, apply_record
    from kb.review.replay import CardResolver

    if not record.answers and not record.schedules:
        return Applied()
    event = _event(kb, "import", now(), record.fields())
    with _journaled(kb, conn, [event]):
        del event[
            "data"
        ]  # written: the record is applied as it is in memory, as replay applies it from the line
        applied = apply_record(conn, kb, event, record.decoded(), CardResolver(conn).resolve)
    return applied


def record_anki_sync(kb: KnowledgeBase, conn: sqlite3.Connection, written: dict[str, str]) -> None:
    """Remember, per kb card, the digest of its Anki note's fields as ``kb export anki --into`` just wrote them
    (``kb.anki.writeback``): a later kb edit of that note is then no conflict. Journaled, so a rebuild keeps it."""
    import json as _json

    at = now()
    events = [
        _event(kb, journal.ANKI_SYNC, at, {"card": card_id, "nsum": digest, **card_snapshot(conn, card_id)})
        for card_id, digest in sorted(written.items())
    ]
    if not events:
        return
    with _journaled(kb, conn, events):
        for event in events:
            insert_event(conn, event["id"], event["card"], journal.ANKI_SYNC, event["at"],
                         data=_json.dumps({"nsum": event["nsum"], "fp": event["fp"]}))  # fmt: skip


def find_card_ids(conn: sqlite3.Connection, given: Iterable[str]) -> list[str]:
    """Full card ids for ids or unambiguous starts of ids, as a user types them (KbError naming the bad one)."""
    ids = []
    for text in given:
        rows = conn.execute(
            "SELECT id FROM cards WHERE id = ? OR id LIKE ? LIMIT 2", (text, f"{text}%")
        ).fetchall()
        if not rows:
            raise KbError(f"no card with id {text}; list ids with kb cards or kb review")
        if len(rows) > 1 and rows[0][0] != text:
            raise KbError(f"{text} is the start of several card ids; give more of it")
        ids.append(rows[0][0])
    return ids
