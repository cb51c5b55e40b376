"""kb's schedules and review history as Anki's card columns and review log rows (``kb export anki``).

Pure: kb card states and reviews in, the values of Anki's ``cards`` scheduling columns and ``revlog`` rows out. The
package is a schema-11 collection (what genanki writes) that ``kb.anki.exporter`` fills in with these values.

Anki counts days from its collection's creation. The exported collection says it was created on ``EPOCH_DAY`` (UTC)
with the V2 scheduler's day handling (``creationOffset`` 0, ``rollover`` = kb's ``day_starts_at``), so Anki counts
the package's days exactly as kb counts review days: a card due on kb review day ``d`` is due on Anki day
``(d - EPOCH_DAY).days``, and Anki's importer moves it onto the collection it imports into.

- review cards: type 2, queue 2, ``due`` a day number, ``ivl`` days from the last review to the due day;
- learning / relearning: type 1 / 3, queue 1 (``due`` in epoch seconds) when due before the next review day, else
  queue 3 (``due`` a day number); ``left`` the steps still to go;
- FSRS memory state in ``data`` (``s``, ``d``, ``dr``, ``lrt``), as Anki writes it; ``factor`` keeps the SM-2 default;
- suspended: queue -1 (a leech too, and its note gets Anki's ``leech`` tag); buried until a later time: queue -3;
- every answered review (not undone) a revlog row: button = grade, type learn/review/relearn from the state before,
  ``ivl``/``lastIvl`` in days (positive) or seconds (negative), ``factor`` FSRS difficulty as Anki stores it
  (100-1100), ``time`` the answer time.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from kb.review.clock import parse_iso, review_day
from kb.review.scheduler import LEARNING, RELEARNING, REVIEW, CardState

# The exported collection's creation: noon UTC on this day (any fixed day works; a fixed one keeps exports equal).
EPOCH_DAY = date(2006, 1, 1)
EPOCH_CRT = int(datetime(2006, 1, 1, 12, tzinfo=UTC).timestamp())

# Anki's card types and queues.
TYPE_NEW, TYPE_LEARN, TYPE_REVIEW, TYPE_RELEARN = 0, 1, 2, 3
QUEUE_SUSPENDED, QUEUE_USER_BURIED = -1, -3
QUEUE_NEW, QUEUE_LEARN, QUEUE_REVIEW, QUEUE_DAY_LEARN = 0, 1, 2, 3
# Anki's revlog types.
REVLOG_LEARN, REVLOG_REVIEW, REVLOG_RELEARN = 0, 1, 2
SM2_DEFAULT_EASE = 2500
MAX_ANSWER_MS = 2**31 - 1


@dataclass(frozen=True)
class KbSchedule:
    """What kb knows of one card's schedule: its state (None: new), flags and answered reviews, oldest first."""

    state: CardState | None
    suspended: bool = False
    buried_until: str | None = None
    leech: bool = False
    reviews: tuple[KbReview, ...] = ()


@dataclass(frozen=True)
class KbReview:
    at: str  # iso
    grade: int
    duration_ms: int | None
    before: CardState | None
    after: CardState


@dataclass(frozen=True)
class DayRules:
    """How kb counts review days, and when the export happens."""

    now: datetime
    day_starts_at: int = 4
    tz: tzinfo | None = None
    desired_retention: float = 0.9
    learning_steps: int = 2
    relearning_steps: int = 1

    def day(self, moment: datetime) -> date:
        return review_day(moment, self.day_starts_at, self.tz)

    def anki_day(self, moment: datetime) -> int:
        """Anki's day number (days since the exported collection's creation) of the review day of ``moment``."""
        return (self.day(moment) - EPOCH_DAY).days


@dataclass(frozen=True)
class AnkiCardColumns:
    """The scheduling columns of one row of Anki's ``cards`` table."""

    type: int
    queue: int
    due: int
    ivl: int
    factor: int
    reps: int
    lapses: int
    left: int
    data: str

    def row(self, due: int | None = None) -> tuple:
        """type, queue, due (or ``due``), ivl, factor, reps, lapses, left, data: the writers' UPDATE order."""
        due = self.due if due is None else due
        return (
            self.type,
            self.queue,
            due,
            self.ivl,
            self.factor,
            self.reps,
            self.lapses,
            self.left,
            self.data,
        )


@dataclass(frozen=True)
class RevlogRow:
    """One row of Anki's ``revlog`` table, but for the card id (the writer knows it) and the id (made unique)."""

    at_ms: int
    ease: int
    ivl: int
    last_ivl: int
    factor: int
    time_ms: int
    type: int


def day_rules(kb, now: datetime | None = None) -> DayRules:
    """The knowledge base's day rules (its day start, zone, retention and steps) as of ``now`` (default: the clock)."""
    from kb.review.clock import local_zone
    from kb.review.clock import now as clock_now

    settings = kb.settings
    return DayRules(
        now=now or clock_now(),
        day_starts_at=settings.day_starts_at,
        tz=local_zone(),
        desired_retention=settings.desired_retention,
        learning_steps=len(settings.learning_steps),
        relearning_steps=len(settings.relearning_steps),
    )


def collection_conf(rules: DayRules) -> dict:
    """The ``col.conf`` keys that make Anki count the package's days as kb does (see the module docstring)."""
    return {"schedVer": 2, "rollover": rules.day_starts_at, "creationOffset": 0}


def card_columns(schedule: KbSchedule, rules: DayRules, new_position: int) -> AnkiCardColumns:
    """Anki's scheduling columns for a kb card."""
    state = schedule.state
    if state is None:
        queue = QUEUE_SUSPENDED if schedule.suspended else QUEUE_NEW
        return AnkiCardColumns(TYPE_NEW, queue, new_position, 0, 0, 0, 0, 0, "")
    due_at = parse_iso(state.due)
    data = _memory_state(state, rules)
    if state.state == REVIEW:
        ctype, queue, due, left = TYPE_REVIEW, QUEUE_REVIEW, rules.anki_day(due_at), 0
        ivl = _days_between(state.last_review, due_at, rules)
    else:
        ctype = TYPE_RELEARN if state.state == RELEARNING else TYPE_LEARN
        steps = rules.relearning_steps if state.state == RELEARNING else rules.learning_steps
        left = max(1, steps - (state.step or 0))
        later_day = rules.day(rules.now) < rules.day(due_at)
        held = schedule.suspended or _buried(schedule, rules)
        if later_day and not held:
            queue, due = QUEUE_DAY_LEARN, rules.anki_day(due_at)
        else:
            # Intraday learning (and a held learning card, whose day number Anki would not move) is due in seconds.
            queue, due = QUEUE_LEARN, int(due_at.timestamp())
        ivl = max(1, round(state.stability or 0)) if state.state == RELEARNING else 0
    if schedule.suspended:
        queue = QUEUE_SUSPENDED
    elif _buried(schedule, rules):
        queue = QUEUE_USER_BURIED
    return AnkiCardColumns(ctype, queue, due, ivl, SM2_DEFAULT_EASE, state.reps, state.lapses, left, data)


def revlog_rows(schedule: KbSchedule, rules: DayRules) -> list[RevlogRow]:
    """One revlog row per answered review of the card, oldest first."""
    rows = []
    for review in schedule.reviews:
        at = parse_iso(review.at)
        before = review.before
        kind = (
            REVLOG_LEARN
            if before is None or before.state == LEARNING
            else REVLOG_REVIEW
            if before.state == REVIEW
            else REVLOG_RELEARN
        )
        rows.append(
            RevlogRow(
                at_ms=int(at.timestamp() * 1000),
                ease=review.grade,
                ivl=_interval(review.after, at, rules),
                last_ivl=_interval(before, parse_iso(before.last_review), rules)
                if before is not None and before.last_review
                else 0,
                factor=_revlog_factor(review.after),
                time_ms=min(MAX_ANSWER_MS, max(0, int(review.duration_ms or 0))),
                type=kind,
            )
        )
    return rows


def _interval(state: CardState, since: datetime, rules: DayRules) -> int:
    """Anki's interval of a state reached at ``since``: days for a review card, minus seconds while learning."""
    due_at = parse_iso(state.due)
    if state.state == REVIEW:
        return max(1, (rules.day(due_at) - rules.day(since)).days)
    return -max(1, int((due_at - since).total_seconds()))


def _days_between(last_review: str | None, due_at: datetime, rules: DayRules) -> int:
    if not last_review:
        return 1
    return max(1, (rules.day(due_at) - rules.day(parse_iso(last_review))).days)


def _revlog_factor(state: CardState) -> int:
    """FSRS difficulty (1-10) as Anki's revlog stores it: normalised to 100-1100."""
    if state.difficulty is None:
        return 0
    return round(((state.difficulty - 1) / 9 + 0.1) * 1000)


def _memory_state(state: CardState, rules: DayRules) -> str:
    """Anki's card ``data``: FSRS stability and difficulty, desired retention, last review time."""
    data: dict = {}
    if state.stability is not None and state.difficulty is not None:
        data = {"s": round(state.stability, 4), "d": round(state.difficulty, 3)}
        data["dr"] = round(rules.desired_retention, 2)
    if state.last_review:
        data["lrt"] = int(parse_iso(state.last_review).timestamp())
    return json.dumps(data, separators=(",", ":")) if data else ""


def _buried(schedule: KbSchedule, rules: DayRules) -> bool:
    return bool(schedule.buried_until) and parse_iso(schedule.buried_until) > rules.now


def unique_revlog_ids(rows_by_card: list[tuple[int, RevlogRow]]) -> list[tuple[int, int, RevlogRow]]:
    """(revlog id, Anki card id, row), ids made unique in a stable order: Anki keys its log by the answer's ms."""
    taken: set[int] = set()
    out = []
    for card_id, row in sorted(rows_by_card, key=lambda item: (item[1].at_ms, item[0])):
        rid = row.at_ms
        while rid in taken:
            rid += 1
        taken.add(rid)
        out.append((rid, card_id, row))
    return out


# --- reading kb's side ---------------------------------------------------------------------------------------


def load_schedules(conn, card_ids: list[str]) -> dict[str, KbSchedule]:
    """Each card's schedule, flags and answered reviews (undone ones left out) from the database."""
    wanted = set(card_ids)
    states = {}
    for row in conn.execute(
        "SELECT card_id, state, step, stability, difficulty, due, last_review, reps, lapses FROM card_state"
    ):
        if row[0] in wanted:
            states[row[0]] = CardState(*row[1:])
    reviews: dict[str, list[KbReview]] = {}
    for card_id, at, grade, ms, before, after in conn.execute(
        "SELECT card_id, reviewed_at, grade, duration_ms, state_before, state_after FROM reviews "
        "WHERE undone = 0 ORDER BY card_id, reviewed_at, uid"
    ):
        if card_id in wanted and after and after != "null":
            reviews.setdefault(card_id, []).append(
                KbReview(
                    at,
                    int(grade),
                    ms,
                    CardState.from_dict(json.loads(before)) if before else None,
                    CardState.from_dict(json.loads(after)),
                )
            )
    out = {}
    for card_id, suspended, buried_until, flags in conn.execute(
        "SELECT id, suspended, buried_until, flags FROM cards WHERE orphaned_at IS NULL"
    ):
        if card_id in wanted:
            out[card_id] = KbSchedule(
                state=states.get(card_id),
                suspended=bool(suspended),
                buried_until=buried_until,
                leech="leech" in json.loads(flags or "[]"),
                reviews=tuple(reviews.get(card_id, ())),
            )
    return out


# --- writing Anki's side -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filled:
    cards: int  # cards whose schedule was written (not new)
    revlog: int  # review log rows written
    suspended: int
    buried: int


def fill_collection(
    db, kb_cards: dict[tuple[str, int], str], schedules: dict[str, KbSchedule], rules: DayRules
) -> Filled:
    """Write kb's schedules and history into a collection genanki wrote (``db``: its sqlite3 connection).

    ``kb_cards`` maps (note GUID, template ord) to the kb card id. New cards keep kb's order as Anki's new order.
    """
    conf = json.loads(db.execute("SELECT conf FROM col").fetchone()[0] or "{}")
    conf.update(collection_conf(rules))
    db.execute("UPDATE col SET crt = ?, conf = ?", (EPOCH_CRT, json.dumps(conf)))
    rows = db.execute(
        "SELECT c.id, c.nid, c.ord, n.guid FROM cards c JOIN notes n ON n.id = c.nid ORDER BY n.id, c.ord"
    ).fetchall()
    scheduled = suspended = buried = 0
    leech_notes: set[int] = set()
    log: list[tuple[int, RevlogRow]] = []
    for position, (anki_id, note_id, ord_, guid) in enumerate(rows, 1):
        schedule = schedules.get(kb_cards.get((guid, ord_), ""))
        if schedule is None:
            db.execute("UPDATE cards SET due = ? WHERE id = ?", (position, anki_id))
            continue
        cols = card_columns(schedule, rules, position)
        db.execute(
            "UPDATE cards SET type=?, queue=?, due=?, ivl=?, factor=?, reps=?, lapses=?, left=?, data=? WHERE id=?",
            (*cols.row(), anki_id),
        )
        scheduled += schedule.state is not None
        suspended += cols.queue == QUEUE_SUSPENDED
        buried += cols.queue == QUEUE_USER_BURIED
        if schedule.leech:
            leech_notes.add(note_id)
        log.extend((anki_id, row) for row in revlog_rows(schedule, rules))
    for note_id in leech_notes:
        (tags,) = db.execute("SELECT tags FROM notes WHERE id = ?", (note_id,)).fetchone()
        if "leech" not in tags.split():
            db.execute(
                "UPDATE notes SET tags = ? WHERE id = ?", (f" {' '.join([*tags.split(), 'leech'])} ", note_id)
            )
    db.executemany(
        "INSERT INTO revlog (id, cid, usn, ease, ivl, lastIvl, factor, time, type) VALUES (?,?,?,?,?,?,?,?,?)",
        [
            (rid, cid, -1, r.ease, r.ivl, r.last_ivl, r.factor, r.time_ms, r.type)
            for rid, cid, r in unique_revlog_ids(log)
        ],
    )
    return Filled(scheduled, len(log), suspended, buried)
