"""Bringing Anki's review log into kb's review journal, each answer with its original time.

Every imported answer gets a journal id made from Anki's own ids (``review_uid``), so importing the same package
again finds its answers already there and adds nothing.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from typing import NamedTuple

from kb.anki.package import RevlogEntry
from kb.anki.plan import CardSpot, PlannedNote

# Anki's revlog types that are not answers: 4 a due date set by hand, 5 rescheduled.
_NOT_ANSWERS = (4, 5)


class ReviewsImported(NamedTuple):
    added: int  # answers added to the journal
    already_imported: int  # answers a previous import added
    problems: list[str]


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
    if spot.kind == "cloze":
        row = conn.execute(
            base + " AND kind = 'cloze' AND cloze_index = ?", (spot.note, spot.line, spot.which)
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


def import_reviews(
    kb,
    conn: sqlite3.Connection,
    notes: Iterable[PlannedNote],
    revlog: tuple[RevlogEntry, ...],
    sched_ver: int,
) -> ReviewsImported:
    """Replay Anki's review log for the cards of ``notes`` (already written) through the journal, oldest first."""
    answers = [e for e in revlog if grade_for(e, sched_ver) is not None]
    if not answers:
        return ReviewsImported(0, 0, [])
    from datetime import UTC, datetime

    from kb.index.indexer import index
    from kb.review.answers import Answer, record_answers

    index(kb, conn)  # the notes just written must have their cards before answers can point at them
    spots = {s.anki_card_id: s for note in notes for s in note.spots}
    card_ids = {anki_id: find_card(conn, spot) for anki_id, spot in spots.items()}
    already = lost = 0
    batch: list[Answer] = []
    for entry in sorted(answers, key=lambda e: e.id):
        if entry.card_id not in spots:
            continue  # a card of a skipped note type or deck: already reported
        card_id = card_ids.get(entry.card_id)
        if card_id is None:
            lost += 1
            continue
        uid = review_uid(entry)
        if conn.execute("SELECT 1 FROM reviews WHERE uid = ?", (uid,)).fetchone():
            already += 1
            continue
        batch.append(
            Answer(
                card_id,
                grade_for(entry, sched_ver),
                at=datetime.fromtimestamp(entry.id / 1000, tz=UTC),
                duration_ms=entry.time_ms or None,
                review_id=uid,
            )
        )
    # One journal write, one fsync and one transaction for the whole history.
    record_answers(kb, conn, batch, source="anki-import")
    problems = []
    if lost:
        problems.append(
            f"{lost} review(s) not imported: kb found no card for them in the imported notes (run kb check)"
        )
    return ReviewsImported(len(batch), already, problems)
