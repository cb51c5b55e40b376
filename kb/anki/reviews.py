"""Bringing Anki's review log into kb's review journal, each answer with its original time.

Every imported answer gets a journal id made from Anki's own ids (``review_uid``), so importing the same package
again finds its answers already there and adds nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from functools import cache, partial
from typing import NamedTuple

from kb.anki.package import AnkiPackage, Revlog, RevlogEntry
from kb.anki.plan import CardSpot, PlannedNote
from kb.anki.writeback import fields_digest

# Anki's revlog types that are not answers: 4 a due date set by hand, 5 rescheduled.
_NOT_ANSWERS = (4, 5)


class ReviewsImported(NamedTuple):
    added: int  # answers added to the journal
    already_imported: int  # answers a previous import added
    problems: list[str]
    schedules: int = 0  # cards whose schedule, suspension, burial or flag was set as Anki had it


def grade_for(entry: RevlogEntry, sched_ver: int) -> int | None:
    """kb's grade (1 again .. 4 easy) for an Anki answer, None for log lines that are not answers.

    Anki's first scheduler had three buttons while learning (again, good, easy), so ease 2 and 3 there mean good and
    easy; later schedulers always use four.
    """
    return _grade(entry.ease, entry.type, sched_ver)


def _grade(ease: int, kind: int, sched_ver: int) -> int | None:
    if ease <= 0 or kind in _NOT_ANSWERS:
        return None
    if sched_ver == 1 and kind in (0, 2) and ease in (2, 3):
        return ease + 1
    return min(ease, 4)


def review_uid(entry: RevlogEntry) -> str:
    """The journal id of an imported answer, derived from Anki's own ids: importing again finds it and adds nothing."""
    return f"{uid_prefix(entry.card_id)}{entry.id}"


def uid_prefix(anki_card_id: int) -> str:
    """The start of the journal ids of an Anki card's answers (the answer's own id follows)."""
    return f"anki-{anki_card_id}-"


class _CardIndex:
    """The live cards of the imported notes, read once per note (one query, not one per Anki card)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn
        self.by_note: dict[str, dict[tuple[int, str], list[tuple]]] = {}

    def _note(self, note: str) -> dict[tuple[int, str], list[tuple]]:
        found = self.by_note.get(note)
        if found is None:
            found = self.by_note[note] = {}
            for row in self.conn.execute(  # by line and kind; basic-like kinds under "" too
                "SELECT line, kind, cloze_index, id, note, front, back, fingerprint FROM cards "
                "WHERE note = ? AND orphaned_at IS NULL ORDER BY position",
                (note,),
            ):
                found.setdefault((row[0], row[1]), []).append(row[2:])
                if row[1] not in ("reversed", "cloze"):
                    found.setdefault((row[0], ""), []).append(row[2:])
        return found

    def find(self, spot: CardSpot) -> tuple | None:
        """(cloze index, id, note, front, back, fingerprint) of the kb card an Anki card became, or None."""
        cards = self._note(spot.note)
        if (
            spot.kind == "cloze"
        ):  # on any line of its block: each item of a cloze list is a cloze text of its own
            lines = range(spot.line, spot.line + max(1, getattr(spot, "lines", 1)))
            return next((c for n in lines for c in cards.get((n, "cloze"), ()) if c[0] == spot.which), None)
        if spot.kind == "reversed":
            pair = cards.get((spot.line, "reversed"), [])
            return pair[spot.which] if spot.which < len(pair) else None
        others = cards.get((spot.line, ""), ())
        return others[0] if others else None


def find_card(conn: sqlite3.Connection, spot: CardSpot) -> str | None:
    """The kb card an Anki card became: same note and first line, then the side or the cloze number."""
    found = _CardIndex(conn).find(spot)
    return found[1] if found else None


def import_reviews(
    kb,
    conn: sqlite3.Connection,
    notes: Iterable[PlannedNote],
    pkg: AnkiPackage,
    returned: dict[int, str] | None = None,
) -> ReviewsImported:
    """Replay Anki's review log for the cards of ``notes`` (already written), oldest first, and set each card's
    schedule, suspension, burial and flag as Anki had them (``kb.anki.state``): all of it one compressed ``import``
    line in the journal (``kb.review.imported``), the log read row by row."""
    from kb.index.indexer import index
    from kb.review.answers import record_import
    from kb.review.imported import HistoryRecord

    spots = {s.anki_card_id: s for note in notes for s in note.spots}
    if not spots and not returned:
        return ReviewsImported(0, 0, [])
    if spots:
        index(kb, conn)  # the notes just written must have their cards before answers can point at them
    cards = _CardIndex(conn)
    record = HistoryRecord(source="anki-import")
    index_of: dict[int, int] = {}
    found: dict[int, str | None] = {}  # Anki card id -> kb card id (the card's text only in the record)
    for anki_id, spot in spots.items():
        card = cards.find(spot)
        found[anki_id] = card[1] if card else None
        if card is not None:
            snapshot = {
                "note": card[2],
                "kind": spots[anki_id].kind,
                "front": card[3],
                "back": card[4],
                "fp": card[5],
            }
            index_of[anki_id] = record.card(card[1], snapshot, uid_prefix(anki_id))
    for anki_id, card_id in (returned or {}).items():  # kb's own cards back from Anki (kb.anki.returning)
        row = conn.execute(
            "SELECT note, kind, front, back, fingerprint FROM cards WHERE id = ?", (card_id,)
        ).fetchone()
        found[anki_id] = card_id
        if row is not None:
            snapshot = dict(zip(("note", "kind", "front", "back", "fp"), row, strict=True))
            index_of[anki_id] = record.card(card_id, snapshot, uid_prefix(anki_id))
    del cards  # every card's text, read note by note: the record holds what it needs
    own = set((returned or {}).values())
    already, lost, last_answer = _answers(conn, pkg, found, index_of, record, own)
    until = _next_day(kb)
    events = conn.execute("SELECT EXISTS (SELECT 1 FROM card_events)").fetchone()[0]
    for item in _schedule_sets(kb, pkg, {a: c for a, c in found.items() if c}, last_answer):
        if (
            not events
            or not conn.execute("SELECT 1 FROM card_events WHERE uid = ?", (item.event_id,)).fetchone()
        ):
            record.schedule(_entry(item, until, index_of))
    applied = record_import(kb, conn, record)
    problems = []
    if lost:
        problems.append(
            f"{lost} review(s) not imported: kb found no card for them in the imported notes (run kb check)"
        )
    return ReviewsImported(applied.answers, already, problems, applied.schedules)


def _next_day(kb):
    from kb.review.clock import local_zone, next_day_start, now

    return next_day_start(now(), kb.settings.day_starts_at, local_zone())


def _entry(item, until, index_of: dict[int, int]) -> dict:
    from kb.review.answers import schedule_entry

    entry = schedule_entry(item, until)
    del entry["card"]
    entry["i"] = index_of[item.identity["cid"]]
    return entry


# Anki's revlog types as the states before an answer that kb.review.imported keeps.
_KINDS = {0: 0, 1: 1, 2: 2, 3: 1}


def _difficulty(factor: int) -> int:
    """The difficulty (1-10, times 100; 0 unknown) an answer left, from the revlog's factor: FSRS writes it as
    100-1100, SM-2 writes its ease (1300-3000 and up), read as ``kb.anki.state`` reads a card's ease."""
    if 100 <= factor <= 1100:
        return round(((factor / 1000 - 0.1) * 9 + 1) * 100)
    if factor >= 1300:
        ease = min(factor, 3000)
        return round((1 + 9 * (3000 - ease) / 1700) * 100)
    return 0


def _answers(
    conn, pkg: AnkiPackage, found: dict, index_of: dict[int, int], record, kb_cards: set[str] = frozenset()
) -> tuple[int, int, dict[int, int]]:
    """Add the answers of the imported cards to ``record``, oldest first: (already imported, lost, Anki card id ->
    its last answer in ms). ``kb_cards``: kb's own cards back from Anki, whose answers kb exported are already in
    their history."""
    from kb.anki.returning import KbAnswers

    own = KbAnswers(conn, set(kb_cards)) if kb_cards else None
    already = lost = 0
    last_answer: dict[int, int] = {}
    check = (
        conn.execute("SELECT 1 FROM reviews LIMIT 1").fetchone() is not None
    )  # a fresh kb has nothing to skip
    # rows as plain tuples (RevlogEntry's fields, in its order): 400,000 of them, no object made per row
    revlog = pkg.revlog.rows() if isinstance(pkg.revlog, Revlog) else sorted(pkg.revlog, key=lambda e: e.id)
    answer = record.answer
    # worked out once per distinct (ease, type) and factor: a log has a few hundred
    grade_of = cache(partial(_grade, sched_ver=pkg.sched_ver))
    difficulty_of = cache(_difficulty)
    for rid, cid, ease, rtype, time_ms, ivl, factor in revlog:  # by id: the time of the answer
        grade = grade_of(ease, rtype)
        if grade is None or cid not in found:
            continue  # not an answer, or a card of a skipped note type or deck: already reported
        index = index_of.get(cid)
        if index is None:
            lost += 1
            continue
        last_answer[cid] = rid
        if (own is not None and own.has(found[cid], rid)) or (
            check
            and conn.execute("SELECT 1 FROM reviews WHERE uid = ?", (f"{uid_prefix(cid)}{rid}",)).fetchone()
        ):
            already += 1
            continue
        answer(index, rid, grade, time_ms, _KINDS.get(rtype, 1), ivl, difficulty_of(factor))
    return already, lost, last_answer


def _schedule_sets(kb, pkg: AnkiPackage, card_ids: dict[int, str | None], last_answer: dict[int, int]):
    """A ``ScheduleSet`` per imported card: its schedule (None: new), suspension, burial and flag as Anki had them,
    and its Anki identity (guid, template, ids, deck, tags), which a later export or update finds it by."""
    import hashlib
    from datetime import UTC, datetime

    from kb.anki.state import AnkiDays, anki_state
    from kb.review.answers import ScheduleSet
    from kb.review.clock import local_zone

    days = AnkiDays(pkg.crt, pkg.rollover, kb.settings.day_starts_at, local_zone())
    notes = {n.id: n for n in pkg.notes}
    for card in pkg.cards:
        card_id = card_ids.get(card.id)
        if card_id is None:
            continue
        last = last_answer.get(card.id)
        got = anki_state(card, days, last)
        # After the card's last answer and at its last change in Anki: kb's later reviews fold on top of it.
        at_ms = max(card.mod * 1000, (last or 0) + 1)
        digest = hashlib.blake2b(repr((got, at_ms)).encode(), digest_size=6).hexdigest()
        note = notes.get(card.note_id)
        notetype = pkg.notetypes.get(note.notetype_id) if note else None
        yield ScheduleSet(
            card_id=card_id,
            event_id=f"anki-state-{card.id}-{digest}",
            at=datetime.fromtimestamp(at_ms / 1000, UTC),
            state=got.state,
            suspended=got.suspended,
            buried=got.buried,
            flag=got.flag,
            identity={
                "guid": note.guid if note else "",
                "ord": card.ord,
                "cid": card.id,
                "nid": card.note_id,
                "notetype": notetype.name if notetype else "",
                "deck": pkg.decks.get(card.deck_id, ""),
                "tags": list(note.tags) if note else [],
                # kb.anki.writeback: was the note's text changed in Anki since the import?
                "nsum": fields_digest(note.fields) if note else "",
            },
        )
