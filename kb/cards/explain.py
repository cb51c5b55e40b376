"""Why each key-point bullet of a note gave the cards it gave, or none (``kb cards --explain PATH``).

The note is extracted exactly as the indexer extracts it (the same key-point headings and corpus statistics), and
every key-point bullet is reported with its generated cards, or with the reason it gave none.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from kb.cards.corpus import CorpusStats
from kb.cards.extractor import extract_cards
from kb.config import KnowledgeBase
from kb.notes.reader import parse_note


@dataclass(frozen=True)
class BulletReport:
    note: str
    line: int
    text: str
    cards: tuple[tuple[str, str, str], ...]  # (kind, front, answer or back) of each generated card
    skipped: str  # why no card came of it ("" when cards did)


def explain_notes(kb: KnowledgeBase, conn: sqlite3.Connection, paths: list[str]) -> list[BulletReport]:
    """The key-point bullets of the notes at ``paths`` (root-relative; a folder gives its notes), in order."""
    stats = CorpusStats(conn)
    notes: list[str] = []
    for path in paths:
        full = kb.root / path
        notes += (
            sorted(p.relative_to(kb.root).as_posix() for p in full.rglob("*.md")) if full.is_dir() else [path]
        )
    out: list[BulletReport] = []
    settings = kb.settings
    for path in notes:
        note = parse_note(path, (kb.root / path).read_bytes())
        result = extract_cards(
            note,
            keypoint_headings=settings.keypoint_headings,
            keypoint_cards=settings.keypoint_cards,
            doc_freq=stats,
            n_docs=stats.n_docs,
        )
        by_line: dict[int, list] = {}
        for c in result.cards:
            if c.generated:
                by_line.setdefault(c.line, []).append((c.kind.value, c.front, c.answer or c.back))
        lines = note.body.split("\n")
        for line, cards in by_line.items():
            text = lines[line - note.body_line].strip().removeprefix("- ").strip()
            out.append(BulletReport(path, line, text, tuple(cards), ""))
        for line, text, why in result.skipped:
            out.append(BulletReport(path, line, text, (), why))
    return sorted(out, key=lambda r: (r.note, r.line))
