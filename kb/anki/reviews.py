"""Bringing Anki's review log into kb's review journal, each answer with its original time.

Every imported answer gets a journal id made from Anki's own ids (``review_uid``), so importing the same package
again finds its answers already there and adds nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from kb.anki.package import AnkiPackage, RevlogEntry
from kb.anki.plan import CardSpot, PlannedNote

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
    if entry.ease <= 0 or entry.type in _NOT_ANSWERS:
        return None
    if sched_ver == 1 and entry.type in (0, 2) and entry.ease in (2, 3):
        return entry.ease + 1
    return min(entry.ease, 4)


def review_uid(entry: RevlogEntry) -> str:
    """The journal id of an imported answer, derived from Anki's own ids: importing again finds it and adds nothing."""
    return f"anki-{entry.card_id}-{entry.id}"


def find_card(conn: sqlite3.Connection, spot: CardSpot) -> str | None:
    """The kb card an Anki card became: same note and first line, then the side or the cloze number."""
    base = "SELECT id FROM cards WHERE note = ? AND line = ? AND orphaned_at IS NULL"
    if spot.kind == "cloze":  # on any line of its block: each item of a cloze list is a cloze text of its own
        row = conn.execute(
            "SELECT id FROM cards WHERE note = ? AND line BETWEEN ? AND ? AND orphaned_at IS NULL "
            "AND kind = 'cloze' AND cloze_index = ? ORDER BY line LIMIT 1",
            (spot.note, spot.line, spot.line + spot.lines - 1, spot.which),
        ).fetchone()
        return row[0] if row else None
    if spot.kind == "reversed":
        rows = conn.execute(
            base + " AND kind = 'reversed' ORDER BY position", (spot.note, spot.line)
        ).fetchall()
        return rows[spot.which][0] if spot.which < len(rows) else None
    row = conn.execute(
        base + " AND kind NOT IN ('reversed', 'cloze') ORDER BY position LIMIT 1", (spot.note, spot.line)
    ).fetchone()
    return row[0] if row else None


def set_schedules(kb, conn, items):
    from kb.review.answers import set_schedules as record

    return record(kb, conn, list(items))


def import_reviews(
    kb,
    conn: sqlite3.Connection,
    notes: Iterable[PlannedNote],
    pkg: AnkiPackage,
    returned: dict[int, str] | None = None,
) -> ReviewsImported:
    """Replay Anki's review log for the cards of ``notes`` (already written) through the journal, oldest first;
    then set each card's schedule, suspension, burial and flag as Anki had them (``kb.anki.state``).
    ``returned``: Anki card id -> kb card id of kb's own cards back from Anki (``kb.anki.returning``)."""
    from kb.index.indexer import index

    spots = {s.anki_card_id: s for note in notes for s in note.spots}
    if not spots and not returned:
        return ReviewsImported(0, 0, [])
    if spots:
        index(kb, conn)  # the notes just written must have their cards before answers can point at them
    card_ids = {anki_id: find_card(conn, spot) for anki_id, spot in spots.items()}
    card_ids.update(returned or {})
    added, already, lost, last_answer = _answers(kb, conn, pkg, card_ids, set((returned or {}).values()))
    states = set_schedules(kb, conn, _schedule_sets(kb, pkg, card_ids, last_answer))
    problems = []
    if lost:
        problems.append(
            f"{lost} review(s) not imported: kb found no card for them in the imported notes (run kb check)"
        )
    return ReviewsImported(added, already, problems, states)


def _answers(
    kb, conn, pkg: AnkiPackage, card_ids: dict[int, str | None], kb_cards: set[str] = frozenset()
) -> tuple[int, int, int, dict[int, int]]:
    """Record the answers of the imported cards: (added, already imported, lost, Anki card id -> last answer ms).
    ``kb_cards``: kb's own cards back from Anki, whose answers kb exported are already in their history."""
    from datetime import UTC, datetime

    from kb.anki.returning import KbAnswers
    from kb.review.answers import Answer, record_answers

    own = KbAnswers(conn, set(kb_cards)) if kb_cards else None

    already = lost = 0
    last_answer: dict[int, int] = {}
    batch: list[Answer] = []
    for entry in sorted(pkg.revlog, key=lambda e: e.id):
        grade = grade_for(entry, pkg.sched_ver)
        if grade is None or entry.card_id not in card_ids:
            continue  # not an answer, or a card of a skipped note type or deck: already reported
        card_id = card_ids[entry.card_id]
        if card_id is None:
            lost += 1
            continue
        last_answer[entry.card_id] = entry.id
        uid = review_uid(entry)
        if (own is not None and own.has(card_id, entry.id)) or conn.execute(
            "SELECT 1 FROM reviews WHERE uid = ?", (uid,)
        ).fetchone():
            already += 1
            continue
        at = datetime.fromtimestamp(entry.id / 1000, tz=UTC)
        batch.append(Answer(card_id, grade, at=at, duration_ms=entry.time_ms or None, review_id=uid))
    # One journal write, one fsync and one transaction for the whole history.
    record_answers(kb, conn, batch, source="anki-import")
    return len(batch), already, lost, last_answer


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
            },
        )
