"""Reviews: recording answers durably, the review queue, suspending and burying, and replaying the journal.

An answer goes to the journal first (fsync), then to SQLite (``reviews`` + ``card_state`` in one transaction,
``synchronous=FULL``), before ``record_answer`` returns; a crash between the two is healed by the next replay, which
every command runs when it opens the store (``sync_journal``).

Replay rule, which makes the database a pure function of the journals: a card's schedule is the fold of its reviews
in (time, id) order. For each review, if the schedule recorded in the journal line as ``before`` is the schedule the
fold has reached, the recorded ``after`` is taken as is (so a replay gives back exactly what the user saw, even if
settings or parameters have changed since); otherwise (two devices reviewed the same card before syncing) FSRS
recomputes it, with fuzz seeded by the card and review ids, so every device reaches the same result.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

from kb.config import KnowledgeBase, Settings, device_name
from kb.errors import KbError
from kb.review import journal
from kb.review.scheduler import (
    LEARNING,
    RELEARNING,
    REVIEW,
    CardState,
    answer,
    day_start,
    iso,
    next_day_start,
    parse_iso,
    state_json,
)

LEARN_AHEAD = timedelta(
    minutes=20
)  # like Anki: with nothing else left, learning cards due this soon are shown


# ---------------------------------------------------------------------------------------------------- clock
def now() -> datetime:
    """The current UTC time, or ``$KB_NOW`` (ISO 8601) so tests and scripts can fix it."""
    fixed = os.environ.get("KB_NOW")
    if fixed:
        try:
            return parse_iso(fixed)
        except ValueError:
            raise KbError(f"KB_NOW={fixed!r} is not an ISO 8601 time such as 2026-01-31T08:00:00Z") from None
    return datetime.now(UTC)


def local_zone() -> tzinfo | None:
    """``$KB_TZ`` (an IANA name such as Europe/Paris) or None for the machine's zone."""
    name = os.environ.get("KB_TZ")
    if not name:
        return None
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise KbError(f"KB_TZ={name!r} is not a time zone name such as Europe/Paris") from None


# ---------------------------------------------------------------------------------------------------- parameters
def parameters_path(kb: KnowledgeBase) -> Path:
    return kb.parameters_file


def load_parameters(kb: KnowledgeBase) -> tuple[float, ...] | None:
    """FSRS parameters in use: the ``parameters`` setting in mkdocs.yml if set, else .kb/parameters.json."""
    if kb.settings.parameters:
        return tuple(kb.settings.parameters)
    path = parameters_path(kb)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return tuple(float(x) for x in data["parameters"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        raise KbError(
            f"{kb.rel(path)}:1: not a parameters file written by kb optimize ({exc}); delete it"
        ) from None


_schedulers: dict = {}


def scheduler_for(kb: KnowledgeBase):
    from kb.review.scheduler import make_scheduler

    params = load_parameters(kb)
    key = (kb.settings, params)
    if key not in _schedulers:
        _schedulers[key] = make_scheduler(kb.settings, params)
    return _schedulers[key]


# ---------------------------------------------------------------------------------------------------- helpers
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


CARD_COLUMNS = (
    "c.id, c.note, c.line, c.kind, c.front, c.back, c.context, c.sibling, c.fingerprint, c.tags, c.type"
)
STATE_COLUMNS = "s.state, s.step, s.stability, s.difficulty, s.due, s.last_review, s.reps, s.lapses"


def _state_from(row, offset: int) -> CardState | None:
    if row[offset] is None:
        return None
    return CardState(*row[offset : offset + 8])


def get_state(conn: sqlite3.Connection, card_id: str) -> CardState | None:
    row = conn.execute(
        "SELECT state, step, stability, difficulty, due, last_review, reps, lapses FROM card_state WHERE card_id = ?",
        (card_id,),
    ).fetchone()
    return CardState(*row) if row else None


def _put_state(conn: sqlite3.Connection, card_id: str, state: CardState | None) -> None:
    if state is None:
        conn.execute("DELETE FROM card_state WHERE card_id = ?", (card_id,))
        return
    conn.execute(
        """INSERT INTO card_state (card_id, state, step, stability, difficulty, due, last_review, reps, lapses)
           VALUES (?,?,?,?,?,?,?,?,?)
           ON CONFLICT(card_id) DO UPDATE SET state=excluded.state, step=excluded.step,
               stability=excluded.stability, difficulty=excluded.difficulty, due=excluded.due,
               last_review=excluded.last_review, reps=excluded.reps, lapses=excluded.lapses""",
        (
            card_id,
            state.state,
            state.step,
            state.stability,
            state.difficulty,
            state.due,
            state.last_review,
            state.reps,
            state.lapses,
        ),
    )


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


def _append(kb: KnowledgeBase, conn: sqlite3.Connection, event: dict | list[dict]) -> journal.PendingLine:
    """Write to this device's journal and note its new size (so replay does not read our own line back).

    Call inside the write transaction; the caller syncs the returned line before returning to its caller.
    """
    path = _journal_file(kb)
    pending = journal.write(path, event)
    row = conn.execute("SELECT size FROM journal_files WHERE name = ?", (path.name,)).fetchone()
    if (row[0] if row else 0) == pending.start:  # everything before our line was replayed already
        conn.execute(
            "INSERT INTO journal_files (name, size, mtime_ns) VALUES (?,?,?) "
            "ON CONFLICT(name) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns",
            (path.name, pending.size, pending.mtime_ns),
        )
    return pending


@contextmanager
def _journaled(kb: KnowledgeBase, conn: sqlite3.Connection, events: list[dict]) -> Iterator[None]:
    """Write events to the journal, then run the body in a write transaction while the journal is fsynced.

    The line is written (and so survives a killed process) before SQLite changes; the journal's fsync and SQLite's
    commit (synchronous=FULL) overlap; both are done when this returns.
    """
    pendings: list[journal.PendingLine] = []
    try:
        with write_transaction(conn):
            pendings.append(_append(kb, conn, events))
            pendings[-1].start_sync()
            yield
    finally:
        errors = []
        for pending in pendings[:-1]:
            pending.close()
        if pendings:
            try:
                pendings[-1].sync()
            except OSError as exc:
                errors.append(exc)
        if errors:
            raise KbError(
                f"{kb.rel(_journal_file(kb))}: cannot save the review journal ({errors[0].strerror}); "
                "check free space and permissions"
            ) from None


# ---------------------------------------------------------------------------------------------------- answers
@dataclass(frozen=True)
class ReviewResult:
    review_id: str
    card_id: str
    grade: int
    at: datetime
    before: CardState | None
    after: CardState
    leech: bool = False  # this answer made the card a leech: it is now suspended and flagged


@dataclass(frozen=True)
class Answer:
    """One answer to record: the card, the grade 1-4, when (aware datetime) and how long it took."""

    card_id: str
    grade: int
    at: datetime
    duration_ms: int | None = None
    review_id: str | None = None


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
) -> ReviewResult:
    """Schedule the answer with FSRS, append it to the journal (fsync) and store it, before returning.

    ``review_id`` lets the reviewer pass the id it used to preview the intervals, so the buttons' promise holds.
    """
    return record_answers(kb, conn, [Answer(card_id, grade, at, duration_ms, review_id)], source=source)[0]


def record_answers(
    kb: KnowledgeBase, conn: sqlite3.Connection, answers: list[Answer], *, source: str = "review"
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
    sched = scheduler_for(kb)
    threshold = kb.settings.leech_threshold
    device = device_name(kb.settings)
    states: dict[str, CardState | None] = {}
    snapshots: dict[str, dict] = {}
    out_of_order: set[str] = set()
    events, results = [], []
    for a in answers:
        card_id = a.card_id
        if card_id not in snapshots:
            snapshots[card_id] = card_snapshot(conn, card_id)
            states[card_id] = get_state(conn, card_id)
        at = a.at.astimezone(UTC)
        review_id = a.review_id or journal.new_id()
        before = states[card_id]
        if before is not None and before.last_review and iso(at) < before.last_review:
            out_of_order.add(card_id)
        after = answer(sched, before, a.grade, at, card_id=card_id, review_id=review_id)
        lapsed = after.lapses > (before.lapses if before else 0)
        leech = bool(threshold) and lapsed and after.lapses >= threshold
        event = {
            "v": journal.FORMAT,
            "type": "review",
            "id": review_id,
            "at": iso(at),
            "device": device,
            "card": card_id,
            "grade": a.grade,
            "ms": a.duration_ms,
            "source": source,
            **snapshots[card_id],
            "before": before.to_dict() if before else None,
            "after": after.to_dict(),
        }
        if leech:
            event["leech"] = True
        events.append(event)
        results.append(ReviewResult(review_id, card_id, a.grade, at, before, after, leech))
        states[card_id] = after
    with _journaled(kb, conn, events):
        for event in events:
            _insert_review(conn, event, event["card"])
            if event.get("leech"):
                _insert_event(
                    conn, f"{event['id']}:leech", event["card"], "leech", event["at"], ref=event["id"]
                )
        for card_id, state in states.items():
            if card_id in out_of_order:
                _recompute(conn, kb, card_id)
            else:
                _put_state(conn, card_id, state)
        for card_id in {e["card"] for e in events if e.get("leech")} | out_of_order:
            _apply_flags(conn, card_id)
    return results


def _insert_review(conn: sqlite3.Connection, event: dict, card_id: str) -> bool:
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


def _insert_event(conn, uid: str, card_id: str, kind: str, at: str, *, ref=None, until=None) -> bool:
    cur = conn.execute(
        "INSERT OR IGNORE INTO card_events (uid, card_id, kind, at, ref, until) VALUES (?,?,?,?,?,?)",
        (uid, card_id, kind, at, ref, until),
    )
    return cur.rowcount > 0


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
    at = (at or now()).astimezone(UTC)
    event = {
        "v": journal.FORMAT,
        "type": "undo",
        "id": journal.new_id(),
        "at": iso(at),
        "device": device_name(kb.settings),
        "card": card_id,
        "ref": review_id,
    }
    with _journaled(kb, conn, [event]):
        _insert_event(conn, event["id"], card_id, "undo", event["at"], ref=review_id)
        conn.execute("UPDATE reviews SET undone = 1 WHERE uid = ?", (review_id,))
        _recompute(conn, kb, card_id)
        _apply_flags(
            conn, card_id
        )  # an undone answer that made the card a leech takes the suspension back too
    return get_state(conn, card_id)


def _card_event(kb, conn, card_ids, kind: str, at: datetime | None, until: datetime | None = None) -> int:
    at = (at or now()).astimezone(UTC)
    events = []
    for card_id in card_ids:
        event = {
            "v": journal.FORMAT,
            "type": kind,
            "id": journal.new_id(),
            "at": iso(at),
            "device": device_name(kb.settings),
            "card": card_id,
            **card_snapshot(conn, card_id),
        }
        if until is not None:
            event["until"] = iso(until)
        events.append(event)
    if not events:
        return 0
    with _journaled(kb, conn, events):
        for event in events:
            _insert_event(conn, event["id"], event["card"], kind, event["at"], until=event.get("until"))
            _apply_flags(conn, event["card"])
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


def _apply_flags(conn: sqlite3.Connection, card_id: str) -> None:
    """Set a card's suspended / buried_until / leech flag from its events, in history order."""
    row = conn.execute("SELECT flags FROM cards WHERE id = ?", (card_id,)).fetchone()
    if row is None:
        return
    suspended, leech, buried = False, False, None
    for kind, until, ref_undone in conn.execute(
        """SELECT e.kind, e.until, r.undone FROM card_events e LEFT JOIN reviews r ON r.uid = e.ref
           WHERE e.card_id = ? AND e.kind != 'undo' ORDER BY e.at, e.uid""",
        (card_id,),
    ):
        if kind == "suspend":
            suspended = True
        elif kind == "unsuspend":
            suspended = False
        elif kind == "leech" and not ref_undone:
            suspended, leech = True, True
        elif kind == "bury" and until:
            buried = max(buried or until, until)
    try:
        flags = [f for f in json.loads(row[0] or "[]") if f != "leech"]
    except ValueError:
        flags = []
    if leech:
        flags.append("leech")
    conn.execute(
        "UPDATE cards SET suspended = ?, buried_until = ?, flags = ? WHERE id = ?",
        (int(suspended), buried, json.dumps(flags), card_id),
    )


def _recompute(conn: sqlite3.Connection, kb: KnowledgeBase, card_id: str) -> CardState | None:
    """Fold a card's reviews in history order (see the module docstring) into card_state and the reviews rows."""
    sched = None
    state: CardState | None = None
    updates = []
    rows = conn.execute(
        "SELECT uid, grade, reviewed_at, logged FROM reviews WHERE card_id = ? AND undone = 0 "
        "ORDER BY reviewed_at, uid",
        (card_id,),
    ).fetchall()
    for uid, grade, reviewed_at, logged_text in rows:
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
    _put_state(conn, card_id, state)
    return state


# ---------------------------------------------------------------------------------------------------- replay
@dataclass
class ReplayReport:
    files: int = 0
    events: int = 0  # new events applied
    cards: int = 0  # cards whose schedule was recomputed
    unmatched: int = 0  # reviews of cards no longer in any note (kept under their old id)
    warnings: list[str] = field(default_factory=list)


def sync_journal(kb: KnowledgeBase, conn: sqlite3.Connection) -> ReplayReport:
    """Replay journal lines not yet in the database. One stat per journal file when there is nothing new."""
    known = {
        name: (size, mtime)
        for name, size, mtime in conn.execute("SELECT name, size, mtime_ns FROM journal_files")
    }
    chunks = journal.read_new(kb.journal_dir, known)
    report = ReplayReport(files=len(chunks))
    if not chunks:
        return report
    events = [e for chunk in chunks for e in chunk.events]
    events.sort(key=journal.order_key)
    with write_transaction(conn):
        _apply_events(kb, conn, events, report)
        for chunk in chunks:
            for line in chunk.bad_lines:
                report.warnings.append(
                    f".kb/journal/{chunk.name}: a line after byte {chunk.start} (line {line} of the new part) is not "
                    "a journal record (a torn write?); it was skipped, the rest was replayed"
                )
            conn.execute(
                "INSERT INTO journal_files (name, size, mtime_ns) VALUES (?,?,?) "
                "ON CONFLICT(name) DO UPDATE SET size=excluded.size, mtime_ns=excluded.mtime_ns",
                (chunk.name, chunk.end, chunk.mtime_ns),
            )
    return report


def rebuild_from_journal(kb: KnowledgeBase, conn: sqlite3.Connection, *, force: bool = False) -> ReplayReport:
    """Forget every schedule and replay every journal from the start (the database is a cache of the journals).

    Refuses (KbError) when the database holds reviews that no journal has (a journal file deleted or checked out
    to an older version), since rebuilding would lose them; ``force=True`` rebuilds anyway.
    """
    if not force:
        logged = {e["id"] for e in journal.read_all(kb.journal_dir) if e.get("type") == "review"}
        missing = sum(1 for (uid,) in conn.execute("SELECT uid FROM reviews") if uid not in logged)
        if missing:
            raise KbError(
                f"{kb.rel(kb.journal_dir)}: {missing} review(s) in the database are in no journal file (was a journal "
                "deleted or checked out to an older version?); restore it, or rebuild with force to drop them"
            )
    with write_transaction(conn):
        conn.execute("DELETE FROM card_state")
        conn.execute("DELETE FROM reviews")
        conn.execute("DELETE FROM card_events")
        conn.execute("DELETE FROM journal_files")
        conn.execute(
            "UPDATE cards SET suspended = 0, buried_until = NULL WHERE suspended != 0 OR buried_until IS NOT NULL"
        )
        for card_id, flags in conn.execute(
            "SELECT id, flags FROM cards WHERE flags LIKE '%\"leech\"%'"
        ).fetchall():
            kept = [f for f in json.loads(flags or "[]") if f != "leech"]
            conn.execute("UPDATE cards SET flags = ? WHERE id = ?", (json.dumps(kept), card_id))
    return sync_journal(kb, conn)


class _Resolver:
    """Finds the live card a journal line is about: by id, then fingerprint, then similar text in the same note, then
    similar text among cards with the same front or back (a note renamed and edited).

    The fingerprint and text tables are read once, on the first line whose id is unknown (one scan of the cards,
    not one per line).
    """

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.cache: dict[str, str | None] = {}
        self.by_fp: dict[str, list[tuple[str, str, bool]]] | None = None
        self.by_text: dict[str, list[tuple[str, str, str]]] = {}

    def resolve(self, event: dict) -> str | None:
        card = str(event.get("card") or "")
        if card in self.cache:
            return self.cache[card]
        found = self._find(card, event)
        self.cache[card] = found
        return found

    def _load(self) -> None:
        self.by_fp = {}
        for cid, fp, note, orphaned, front, back in self.conn.execute(
            "SELECT id, fingerprint, note, orphaned_at IS NOT NULL, front, back FROM cards"
        ):
            if fp:
                self.by_fp.setdefault(fp, []).append((cid, note, bool(orphaned)))
            if not orphaned:
                for side in (front, back):
                    self.by_text.setdefault(side, []).append((cid, front, back))

    def _find(self, card: str, event: dict) -> str | None:
        conn = self.conn
        if conn.execute("SELECT 1 FROM cards WHERE id = ?", (card,)).fetchone():
            return card
        if self.by_fp is None:
            self._load()
        note = event.get("note") or ""
        fp = event.get("fp")
        if fp and fp in self.by_fp:
            # a live card first, one in the same note first
            return min(self.by_fp[fp], key=lambda c: (c[2], c[1] != note))[0]
        text = f"{event.get('front', '')}\n{event.get('back', '')}"
        if not text.strip():
            return None
        from difflib import SequenceMatcher

        candidates = conn.execute(
            "SELECT id, front, back FROM cards WHERE note = ? AND orphaned_at IS NULL", (note,)
        ).fetchall()
        if not candidates:
            seen = {}
            for side in (event.get("front", ""), event.get("back", "")):
                for cand in self.by_text.get(side, [])[:50]:
                    seen[cand[0]] = cand
            candidates = list(seen.values())
        best, best_ratio = None, 0.0
        for cid, front, back in candidates:
            ratio = SequenceMatcher(None, text, f"{front}\n{back}").ratio()
            if ratio > best_ratio:
                best, best_ratio = cid, ratio
        return best if best_ratio >= 0.75 else None


def _apply_events(
    kb: KnowledgeBase, conn: sqlite3.Connection, events: list[dict], report: ReplayReport
) -> None:
    resolver = _Resolver(conn)
    reviews_touched: set[str] = set()
    flags_touched: set[str] = set()
    for event in events:
        kind = event.get("type")
        at = journal.normalise_time(event["at"])
        if kind == "review":
            try:
                grade = int(event["grade"])
                if grade not in (1, 2, 3, 4):
                    raise ValueError
            except (KeyError, TypeError, ValueError):
                report.warnings.append(
                    f".kb/journal/{event.get('_file')}: review {event['id']} has no grade 1-4; skipped"
                )
                continue
            card_id = resolver.resolve(event)
            if card_id is None:
                card_id = str(event.get("card") or "")
                report.unmatched += 1
            if _insert_review(conn, event, card_id):
                report.events += 1
                reviews_touched.add(card_id)
                if event.get("leech"):
                    _insert_event(conn, f"{event['id']}:leech", card_id, "leech", at, ref=event["id"])
                    flags_touched.add(card_id)
        elif kind == "undo":
            ref = event.get("ref")
            row = conn.execute("SELECT card_id FROM reviews WHERE uid = ?", (ref,)).fetchone()
            card_id = row[0] if row else str(event.get("card") or "")
            if _insert_event(conn, event["id"], card_id, "undo", at, ref=ref):
                report.events += 1
            if row:
                conn.execute("UPDATE reviews SET undone = 1 WHERE uid = ?", (ref,))
                reviews_touched.add(card_id)
                flags_touched.add(card_id)
        elif kind in ("suspend", "unsuspend", "bury"):
            card_id = resolver.resolve(event) or str(event.get("card") or "")
            until = journal.normalise_time(event["until"]) if event.get("until") else None
            if _insert_event(conn, event["id"], card_id, kind, at, until=until):
                report.events += 1
                flags_touched.add(card_id)
    # an undo replayed before its review (journals merged out of order) still applies
    for (card_id,) in conn.execute(
        "UPDATE reviews SET undone = 1 WHERE undone = 0 AND uid IN (SELECT ref FROM card_events WHERE kind = 'undo')"
        " RETURNING card_id"
    ).fetchall():
        reviews_touched.add(card_id)
    for card_id in sorted(reviews_touched):
        _recompute(conn, kb, card_id)
    for card_id in sorted(flags_touched | reviews_touched):
        _apply_flags(conn, card_id)
    report.cards = len(reviews_touched)


# ---------------------------------------------------------------------------------------------------- the queue
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
    tag: str | None = None
    type: str | None = None
    note: str | None = None

    def sql(self) -> tuple[str, list]:
        parts = [
            "c.suspended = 0",
            "c.orphaned_at IS NULL",
            "(c.buried_until IS NULL OR c.buried_until <= :now)",
        ]
        args: list = []
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
        return " AND ".join(parts), args

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
    cards due within 20 minutes. Siblings of a card reviewed today wait for another day. Daily limits count the
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
        self.where, _ = filters.sql()
        self.day_start = day_start(at, settings.day_starts_at, tz)
        self.next_day = next_day_start(at, settings.day_starts_at, tz)
        new_done, reviews_done = conn.execute(
            """SELECT count(*) FILTER (WHERE state_before IS NULL),
                      count(*) FILTER (WHERE json_extract(state_before, '$.state') = 2)
               FROM reviews WHERE reviewed_at >= ? AND undone = 0 AND source = 'review'""",
            (iso(self.day_start),),
        ).fetchone()
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

    def _new_candidates(self, p: dict) -> list[tuple[str, str]]:
        """New cards in note order, found once per session (a walk over the cards in note order can pass many
        already-scheduled cards; doing it for every card shown would cost the answer latency)."""
        if self._new is None or (not self._new and self._new_full):
            want = self.new_left + len(self.skipped) + 100
            self._new = [
                tuple(row)
                for row in self.conn.execute(
                    f"SELECT c.id, c.sibling FROM cards c WHERE NOT EXISTS (SELECT 1 FROM card_state s"
                    f" WHERE s.card_id = c.id) AND {self.where} ORDER BY c.note, c.position LIMIT :want",
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
                    f" WHERE c.id = :id AND NOT EXISTS (SELECT 1 FROM card_state s WHERE s.card_id = c.id)"
                    f" AND {self.where}",
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


def due_tomorrow(conn: sqlite3.Connection, settings: Settings, at: datetime, tz: tzinfo | None = None) -> int:
    """Cards that will be due by the end of tomorrow (what is left today included)."""
    end = iso(next_day_start(next_day_start(at, settings.day_starts_at, tz), settings.day_starts_at, tz))
    # count on the (state, due) index alone, then take out the few suspended or orphaned cards: joining every due
    # card to its cards row costs ~0.3 s with 30,000 due
    scheduled = conn.execute(
        "SELECT count(*) FROM card_state WHERE state IN (1, 2, 3) AND due < ?", (end,)
    ).fetchone()[0]
    hidden = conn.execute(
        "SELECT count(*) FROM cards c CROSS JOIN card_state s ON s.card_id = c.id "
        "WHERE (c.suspended != 0 OR c.orphaned_at IS NOT NULL) AND s.due < ?",
        (end,),
    ).fetchone()[0]
    return scheduled - hidden


__all__ = [
    "LEARNING",
    "RELEARNING",
    "REVIEW",
    "Counts",
    "Filters",
    "Queue",
    "QueueCard",
    "Answer",
    "ReviewResult",
    "bury",
    "record_answers",
    "now",
    "rebuild_from_journal",
    "record_answer",
    "suspend",
    "sync_journal",
    "undo",
    "unsuspend",
]
