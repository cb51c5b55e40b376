"""An imported review history as one journal line: ``import``, a compressed record that replay applies in bulk.

An Anki collection brings hundreds of thousands of answers. Written as one ``review`` line each (the card's text,
both schedules), 400,000 answers made a 300 MB journal that took longer to replay than to import. An import is
instead one line:

``{"v": 1, "type": "import", "id", "at", "device", "source": "anki-import", "cards": N, "answers": R,
"schedules": S, "data": "<base64 of a zstd frame>"}``

The frame holds a JSON header line, the schedule entries a line each, then the answers as little-endian integer
columns (``COLUMNS``), one after the other, oldest answer first:

* header ``cards``: ``[card id, note, kind, front, back, fingerprint, review id prefix]`` once per card (so replay
  finds the card after its note was edited, as it does for a ``review`` line);
* then one line per schedule entry (``kb.review.schedules``) set at the end of the import, each with ``i`` (the
  card's index in ``cards``) instead of the card's snapshot (the header's ``schedules`` says how many);
* columns: the card (index), the time (milliseconds since the epoch, each the difference from the previous one),
  the grade 1-4, the answer time in ms, the card's state before the answer as the other program logged it (0
  learning or new, 1 review, 2 relearning), the interval it gave (days when positive, minus seconds when negative)
  and the difficulty it gave times 100 (0: not known).

An answer's id is its card's prefix and its time (``anki-<card>-<ms>``, the id Anki's answers always had in kb).
The schedules before and after each answer are what the other program's log says (``history_states``), not a
recomputation: FSRS over 400,000 answers takes a minute, and the card's schedule from then on is the one the
import sets anyway. Since each answer's "before" is the previous one's "after", the fold of
``kb.review.history`` takes them as they are, on import and on every rebuild alike.

The line is one write and one fsync: an import is in the journal entirely or not at all, and the database is
changed in the same transaction (``kb.review.answers._journaled``), by the same function replay runs, so a rebuild
gives the same rows.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import time
from array import array
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from itertools import accumulate

from kb.review.scheduler import LEARNING, RELEARNING, REVIEW

RECORD_FORMAT = 1
COLUMNS = (
    ("card", "i"),
    ("at", "q"),
    ("grade", "b"),
    ("ms", "i"),
    ("kind", "b"),
    ("interval", "i"),
    ("difficulty", "i"),
)
KIND_LEARNING, KIND_REVIEW, KIND_RELEARNING = 0, 1, 2
DAY_MS = 86_400_000


@dataclass
class HistoryRecord:
    """An import's answers and schedules, gathered one at a time (an answer is a few integers: no text per answer)."""

    source: str
    cards: list[list] = field(default_factory=list)
    schedules: list[str] = field(default_factory=list)  # each entry as JSON text (a tenth of a dict's memory)
    columns: dict[str, array] = field(default_factory=lambda: {name: array(code) for name, code in COLUMNS})
    _index: dict[str, int] = field(default_factory=dict)
    _last_at: int = 0
    _appends: tuple | None = None  # the columns' append methods, in COLUMNS order (400,000 answers an import)

    def card(self, card_id: str, snapshot: dict, prefix: str) -> int:
        """The card's index in the record (added once): its id, snapshot and the prefix of its answers' ids."""
        found = self._index.get(card_id)
        if found is None:
            found = self._index[card_id] = len(self.cards)
            s = snapshot
            self.cards.append([card_id, s["note"], s["kind"], s["front"], s["back"], s["fp"], prefix])
        return found

    def answer(
        self, card: int, at_ms: int, grade: int, ms: int, kind: int, interval: int, difficulty: int
    ) -> None:
        """An answer, in time order (the oldest first)."""
        if at_ms < self._last_at:
            raise ValueError("answers must be added oldest first")
        appends = self._appends
        if appends is None:
            appends = self._appends = tuple(self.columns[name].append for name, _ in COLUMNS)
        card_, at_, grade_, ms_, kind_, interval_, difficulty_ = appends
        card_(card)
        at_(at_ms - self._last_at)
        self._last_at = at_ms
        grade_(grade)
        ms_(0 if ms < 0 else ms if ms < 2**31 else 2**31 - 1)
        kind_(kind)
        interval_(interval if -(2**31) <= interval < 2**31 else -(2**31) if interval < 0 else 2**31 - 1)
        difficulty_(difficulty)

    @property
    def answers(self) -> int:
        return len(self.columns["card"])

    def schedule(self, entry: dict) -> None:
        """A schedule entry (``kb.review.schedules``) with ``i``, its card's index, instead of the card."""
        self.schedules.append(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))

    def fields(self) -> dict:
        """The journal line's fields (beside v, type, id, at, device)."""
        import zstandard

        compressor = zstandard.ZstdCompressor(level=3).compressobj()  # level 6: 4% smaller, 3 times slower
        header = {"format": RECORD_FORMAT, "answers": self.answers, "schedules": len(self.schedules)}
        header["cards"] = self.cards
        parts = [
            compressor.compress(
                json.dumps(header, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"
            )
        ]
        parts.extend(compressor.compress(entry.encode("utf-8") + b"\n") for entry in self.schedules)
        parts.extend(compressor.compress(_little_endian(self.columns[name]).tobytes()) for name, _ in COLUMNS)
        parts.append(compressor.flush())
        return {
            "source": self.source,
            "cards": len(self.cards),
            "answers": self.answers,
            "schedules": len(self.schedules),
            "data": base64.b64encode(b"".join(parts)).decode("ascii"),
        }

    def decoded(self) -> DecodedRecord:
        """The record as ``decode`` reads it back from its line (without the round trip through the line)."""
        return DecodedRecord(self.cards, (json.loads(e) for e in self.schedules), self.columns)


def _little_endian(values: array) -> array:
    import sys

    if sys.byteorder == "little":
        return values
    swapped = array(values.typecode, values)
    swapped.byteswap()
    return swapped


@dataclass(frozen=True)
class DecodedRecord:
    cards: list[list]
    schedules: Iterable[dict]  # read once
    columns: dict[str, array]


def decode(event: dict) -> DecodedRecord:
    """The record of an ``import`` line; ValueError when it is damaged."""
    import sys

    import zstandard

    try:
        raw = zstandard.ZstdDecompressor().decompressobj().decompress(base64.b64decode(event["data"]))
        header_end = raw.index(b"\n")
        header = json.loads(raw[:header_end])
        n = int(header["answers"])
        starts = [header_end + 1]  # each schedule entry is a line: parsed one at a time, when applied
        for _ in range(int(header["schedules"])):
            starts.append(raw.index(b"\n", starts[-1]) + 1)
        columns, pos = {}, starts[-1]
        for name, code in COLUMNS:
            col = array(code)
            size = col.itemsize * n
            col.frombytes(raw[pos : pos + size])
            if sys.byteorder != "little":
                col.byteswap()
            pos += size
            columns[name] = col
    except (KeyError, TypeError, ValueError, zstandard.ZstdError) as exc:
        raise ValueError(f"the import record is damaged ({exc})") from None
    if pos != len(raw) or header.get("format") != RECORD_FORMAT:
        raise ValueError("the import record has an unknown layout (written by a newer kb?)")
    entries = (json.loads(raw[a : b - 1]) for a, b in zip(starts, starts[1:], strict=False))
    return DecodedRecord(header["cards"], entries, columns)


# ---------------------------------------------------------------------------------------------------- states
# The pieces of ``kb.review.clock.iso`` text, written out once: dates as they come, the hour, the minute and second
# (by second of the hour) and the milliseconds with the rest of the text.
_DAYS: dict[int, str] = {}
_HOURS = [f"{hour:02d}:" for hour in range(24)]
_MINUTES = [f"{second // 60:02d}:{second % 60:02d}." for second in range(3600)]
_MILLIS = [f"{milli:03d}000+00:00" for milli in range(1000)]


def iso_ms(ms: int) -> str:
    """``kb.review.clock.iso`` of a time in epoch milliseconds, without a datetime (400,000 of them per import)."""
    seconds, milli = divmod(ms, 1000)
    day, second = divmod(seconds, 86_400)
    hour, second = divmod(second, 3600)
    return (_DAYS.get(day) or _date(day)) + _HOURS[hour] + _MINUTES[second] + _MILLIS[milli]


def _date(day: int) -> str:
    """The ``YYYY-MM-DDT`` of a day since the epoch (kept in ``_DAYS``)."""
    t = time.gmtime(day * 86_400)
    date = _DAYS[day] = f"{t[0]:04d}-{t[1]:02d}-{t[2]:02d}T"
    return date


@cache  # a few hundred distinct values in a log
def _difficulty_text(logged: int) -> str:
    """The JSON text of a logged difficulty (times 100; 0: not known)."""
    return repr(logged / 100) if logged > 0 else "null"


@cache
def _stability_text(days: int) -> str:
    """The JSON text of the stability of an interval of whole days."""
    return repr(float(days))


def state_text(
    state: int, step: str, stability: str, difficulty: str, due: str, last: str, reps: int, lapses: int
) -> str:
    """``CardState(...).to_json()``, written directly (the same bytes); ``step``, ``stability`` and ``difficulty``
    as their JSON text (``null`` for None)."""
    return (
        f'{{"difficulty":{difficulty},"due":"{due}","lapses":{lapses},"last_review":"{last}",'
        f'"reps":{reps},"stability":{stability},"state":{state},"step":{step}}}'
    )


def history_states(
    at_ms: int, at: str, grade: int, kind: int, interval: int, difficulty: int, reps: int, lapses: int
) -> tuple[str, int]:
    """(the schedule after an answer, as ``CardState.to_json()``, and the lapses so far) from what the other
    program logged: a positive interval makes a review card due that many days later (its stability the interval),
    a negative one a (re)learning card due that many seconds later. ``at`` is ``iso_ms(at_ms)``."""
    lapsed = grade == 1 and kind == KIND_REVIEW
    lapses += lapsed
    if interval > 0:  # whole days later: the same time of day, on another date
        day = at_ms // DAY_MS + interval
        due = (_DAYS.get(day) or _date(day)) + at[11:]
        return state_text(
            REVIEW, "null", _stability_text(interval), _difficulty_text(difficulty), due, at, reps, lapses
        ), lapses
    state = RELEARNING if lapsed or kind == KIND_RELEARNING else LEARNING
    due = iso_ms(at_ms - interval * 1000)
    return state_text(state, "0", "null", _difficulty_text(difficulty), due, at, reps, lapses), lapses


# ---------------------------------------------------------------------------------------------------- applying
@dataclass
class Applied:
    answers: int = 0  # new reviews rows
    schedules: int = 0  # new schedule events
    unmatched: int = 0  # cards of the record found nowhere (their answers are kept under the old id)
    cards: set[str] = field(default_factory=set)  # cards touched


def apply_record(conn: sqlite3.Connection, kb, event: dict, record: DecodedRecord, resolve) -> Applied:
    """Write an import record's answers and schedules into the database (inside the caller's transaction).

    ``resolve(snapshot_event) -> card id | None`` finds a live card (``kb.review.replay.CardResolver``). A card with
    no history before this record gets its rows and schedule directly (the fold of its history is the record's last
    schedule); one with an earlier history is refolded (``kb.review.history.recompute``).
    """
    from kb.review import journal
    from kb.review.history import apply_flags_of, put_state, put_states, recompute
    from kb.review.scheduler import CardState
    from kb.review.schedules import apply_entries

    applied = Applied()
    ids: list[str] = []
    had_history: set[str] = set()
    anything = (
        conn.execute(  # a fresh database (a rebuild, a first import) has no history to look up card by card
            "SELECT EXISTS (SELECT 1 FROM reviews) OR EXISTS (SELECT 1 FROM card_events) OR "
            "EXISTS (SELECT 1 FROM card_starts)"
        ).fetchone()[0]
    )
    for card_id, note, kind, front, back, fp, _prefix in record.cards:
        found = resolve({"card": card_id, "note": note, "kind": kind, "front": front, "back": back, "fp": fp})
        if found is None:
            applied.unmatched += 1
            found = card_id
        ids.append(found)
        if anything and _has_history(conn, found):
            had_history.add(found)
    device = str(event.get("device") or "")
    source = str(event.get("source") or "import")
    applied.answers, answered = _insert_answers(conn, record, ids, device, source)
    flagged: set[str] = set()

    def entries():
        for entry in record.schedules:
            i = entry.pop("i")
            entry["card"], entry["fp"] = (
                ids[i],
                record.cards[i][5],
            )  # its text as imported (kb.anki.writeback)
            if entry.get("flag") or entry.get("suspended") or entry.get("buried_until"):
                flagged.add(entry["card"])
            yield entry

    touched = apply_entries(
        conn, event["id"], entries(), source=source, at=journal.normalise_time(event["at"])
    )
    applied.schedules = len(touched)
    applied.cards = set(ids)
    cards = sorted(set(ids))
    for card_id in cards:
        if card_id in had_history or (card_id in answered and card_id not in touched):
            recompute(conn, kb, card_id)  # the record's schedule is not simply the last word on this card
        elif card_id in touched and touched[card_id] is None:
            put_state(conn, card_id, None)
    put_states(  # the others take the record's schedule as it is: one statement, the states made as it reads them
        conn,
        (
            (card_id, CardState.from_dict(touched[card_id]))
            for card_id in cards
            if card_id not in had_history and touched.get(card_id) is not None
        ),
    )
    # a card with no history and none of these has no flag to set
    apply_flags_of(conn, sorted((flagged & set(touched)) | had_history))
    return applied


def _has_history(conn: sqlite3.Connection, card_id: str) -> bool:
    return bool(
        conn.execute(
            "SELECT EXISTS (SELECT 1 FROM reviews WHERE card_id = ?) OR EXISTS (SELECT 1 FROM card_events WHERE "
            "card_id = ? AND kind = 'schedule') OR EXISTS (SELECT 1 FROM card_starts WHERE card_id = ?)",
            (card_id, card_id, card_id),
        ).fetchone()[0]
    )


def _insert_answers(
    conn: sqlite3.Connection, record: DecodedRecord, ids: list[str], device: str, source: str
) -> tuple[int, set[str]]:
    """Insert the record's answers as ``reviews`` rows (how many were new, the cards answered), card by card in
    the order of their ids (the unique index on ``uid`` then grows at its end, not at random places), each card's
    answers oldest first. The rows are made one at a time (never all in memory); ``logged`` stays empty: the row's
    own states are what was logged."""
    c = record.columns
    prefixes = [card[6] for card in record.cards]
    cards, grades, durations = c["card"], c["grade"], c["ms"]
    kinds, intervals, difficulties = c["kind"], c["interval"], c["difficulty"]
    at_ms = array("q", accumulate(c["at"]))
    order = _by_card(cards, prefixes)
    answered: set[str] = set()

    def rows():
        last, before, reps, lapses = -1, None, 0, 0
        for i in order:
            card, at_i = cards[i], at_ms[i]
            if card != last:
                last, before, reps, lapses = card, None, 0, 0
                answered.add(ids[card])
            at = iso_ms(at_i)
            reps += 1
            after, lapses = history_states(
                at_i, at, grades[i], kinds[i], intervals[i], difficulties[i], reps, lapses
            )
            yield (f"{prefixes[card]}{at_i}", ids[card], at, grades[i], durations[i] or None, before, after, device,
                   source)  # fmt: skip
            before = after

    cache = conn.execute("PRAGMA cache_size").fetchone()[0]
    # a 16 MB page cache while the indexes of reviews grow (the default 2 MB thrashes)
    conn.execute("PRAGMA cache_size = -16384")
    with _indexes_built_after(conn, len(c["card"])):
        cur = conn.executemany(
            """INSERT OR IGNORE INTO reviews (uid, card_id, reviewed_at, grade, duration_ms, state_before, state_after,
                                             device, source, logged) VALUES (?,?,?,?,?,?,?,?,?,NULL)""",
            rows(),
        )
    conn.execute(f"PRAGMA cache_size = {int(cache)}")
    return cur.rowcount, answered


def _by_card(cards: array, prefixes: list[str]) -> array:
    """The answers' positions grouped by card, the cards in the order of their ids' prefixes, each card's answers in
    time order: a counting sort into one array (a sort with a key per answer held 40 MB more for 400,000)."""
    counts = array("I", bytes(4 * len(prefixes)))
    for card in cards:
        counts[card] += 1
    start = array("I", bytes(4 * len(prefixes)))
    at = 0
    for card in sorted(range(len(prefixes)), key=prefixes.__getitem__):
        start[card] = at
        at += counts[card]
    order = array("I", bytes(4 * len(cards)))
    for i, card in enumerate(cards):
        order[start[card]] = i
        start[card] += 1
    return order


@contextmanager
def _indexes_built_after(conn: sqlite3.Connection, adding: int):
    """Into an empty ``reviews`` table (a first import, a rebuild), many rows go in faster with its secondary
    indexes dropped and built again after them, sorted once, than grown one random insert at a time. Inside the
    caller's transaction: a crash leaves the table as it was, indexes and all."""
    if adding < 10_000 or conn.execute("SELECT EXISTS (SELECT 1 FROM reviews)").fetchone()[0]:
        yield
        return
    indexes = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'reviews' AND sql IS NOT NULL"
    ).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    yield
    for _, sql in indexes:
        conn.execute(sql)


def review_ids(record: DecodedRecord) -> list[str]:
    """The ids of the record's answers."""
    prefixes = [card[6] for card in record.cards]
    out, at_ms = [], 0
    for card, delta in zip(record.columns["card"], record.columns["at"], strict=True):
        at_ms += delta
        out.append(f"{prefixes[card]}{at_ms}")
    return out


def existing(conn: sqlite3.Connection, uids: Iterable[str]) -> set[str]:
    """Which of these review ids are in the database already (a second import of the same history)."""
    found = set()
    for uid in uids:
        if conn.execute("SELECT 1 FROM reviews WHERE uid = ?", (uid,)).fetchone():
            found.add(uid)
    return found


def contents(event: dict) -> tuple[list[str], list[dict]]:
    """An ``import`` line's answer ids and schedule entries (each with its ``card`` id), for tools and tests."""
    record = decode(event)
    schedules = [{**entry, "card": record.cards[entry["i"]][0]} for entry in record.schedules]
    return review_ids(record), schedules
