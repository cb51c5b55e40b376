"""kb's own cards coming back from Anki (kb -> Anki -> kb): matched to the kb cards they were, not imported again.

``kb export anki`` gives every Anki note a GUID made from a kb card id (``kb.anki.exporter``). A package holding such
notes (of kb's note types) is a kb export that went through Anki: those notes are not written as a new deck note
(their kb cards are where they were), each Anki card is matched to its kb card (by template or cloze number, as the
export made them), and the reviews done in Anki join the kb card's history. The reviews kb itself exported come back
in the package too: an answer within 3 ms of one kb already has for that card is kb's own, not added twice.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from kb.anki.notetypes import KB_NOTE_TYPE_IDS
from kb.anki.package import AnkiPackage
from kb.store.connection import in_chunks

_SAME_ANSWER_MS = 3  # the export makes revlog ids unique by moving them a ms or two


def returning_cards(conn: sqlite3.Connection, pkg: AnkiPackage) -> dict[int, str]:
    """Anki card id -> kb card id, for the cards of ``pkg`` that kb exported (empty when there are none)."""
    notes = [n for n in pkg.notes if n.notetype_id in KB_NOTE_TYPE_IDS]
    if not notes:
        return {}
    from kb.anki.exporter import build_notes, load_cards

    cards, infos = load_cards(conn)
    by_guid = {planned.guid: dict(planned.kb_cards) for planned in build_notes(cards, infos)}
    wanted = {n.id: by_guid[n.guid] for n in notes if n.guid in by_guid}
    return {
        card.id: wanted[card.note_id][card.ord]
        for card in pkg.cards
        if card.note_id in wanted and card.ord in wanted[card.note_id]
    }


def returning_notes(pkg: AnkiPackage, matched: dict[int, str]) -> set[int]:
    """The Anki note ids whose cards all came back to kb cards: the plan leaves them out."""
    by_note: dict[int, list[int]] = {}
    for card in pkg.cards:
        by_note.setdefault(card.note_id, []).append(card.id)
    return {nid for nid, ids in by_note.items() if ids and all(i in matched for i in ids)}


class KbAnswers:
    """The answers kb already has for some cards, to know kb's own exported reviews when they come back."""

    def __init__(self, conn: sqlite3.Connection, card_ids: set[str]) -> None:
        self.at: dict[str, list[int]] = {}
        ids = sorted(card_ids)
        for chunk, marks in in_chunks(ids):
            rows = conn.execute(
                f"SELECT card_id, reviewed_at FROM reviews WHERE card_id IN ({marks})",
                chunk,
            )
            for card_id, at in rows:
                self.at.setdefault(card_id, []).append(int(datetime.fromisoformat(at).timestamp() * 1000))

    def has(self, card_id: str, ms: int) -> bool:
        return any(abs(ms - t) < _SAME_ANSWER_MS for t in self.at.get(card_id, ()))
