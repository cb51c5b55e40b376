"""The store as a quiz reads it: the notes and cards in scope, each note's askable cards, tags, similar notes.

Read only. A :class:`Corpus` lives for one quiz and reads each note's cards, tags and neighbours once.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Sequence

from kb.errors import KbError
from kb.markdown import HTML_TAG_RE
from kb.quiz.model import CardRow, Scope
from kb.quiz.terms import AskableCard
from kb.quiz.words import normalise
from kb.search.query import note_filter

_CARD_COLUMNS = (
    "c.id, c.note, c.line, c.position, c.kind, c.front, c.back, c.context, c.sibling, c.suspended, c.generated, "
    "c.cloze_text, c.cloze_index"
)


# A card has a tag when it or its note has it (or a tag under it): an imported Anki card carries its own tags.
_CARD_TAG_SQL = (
    "(EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = ? OR value LIKE ?)"
    " OR c.note IN (SELECT note FROM note_tags WHERE tag = ?))"
)


def _card_tag(tag: str) -> list[object]:
    return [tag, tag + "/%", tag]


def _scope_sql(scope: Scope) -> tuple[str, list[object]]:
    where = ["c.orphaned_at IS NULL", "c.suspended = 0"]
    params: list[object] = []
    if scope.note:
        where.append("c.note = ?")
        params.append(scope.note)
    if scope.tag:
        where.append(_CARD_TAG_SQL)
        params.extend(_card_tag(scope.tag))
    filters, filter_params = note_filter("c.note", note_type=scope.type)
    return " AND ".join(where + filters), params + filter_params


def check_scope(conn: sqlite3.Connection, scope: Scope) -> None:
    """A scope naming nothing that exists is a user mistake with a one-line answer."""
    if scope.note and not conn.execute("SELECT 1 FROM notes WHERE path = ?", (scope.note,)).fetchone():
        raise KbError(f"{scope.note}: no such note in the index; see `kb notes list` for the paths")
    if (
        scope.tag
        and not conn.execute("SELECT 1 FROM note_tags WHERE tag = ? LIMIT 1", (scope.tag,)).fetchone()
        and not conn.execute(
            f"SELECT 1 FROM cards c WHERE c.orphaned_at IS NULL AND {_CARD_TAG_SQL} LIMIT 1",
            _card_tag(scope.tag),
        ).fetchone()
    ):
        raise KbError(f"quiz: no note or card has the tag {scope.tag!r}; see `kb tags` for the tags in use")
    if (
        scope.type
        and not conn.execute("SELECT 1 FROM notes WHERE type = ? LIMIT 1", (scope.type.lower(),)).fetchone()
    ):
        types = [t for (t,) in conn.execute("SELECT DISTINCT type FROM notes ORDER BY type")]
        raise KbError(
            f"quiz: no note has the type {scope.type!r}; types in use: {', '.join(types) or 'none'}"
        )


def count_cards(conn: sqlite3.Connection, scope: Scope, cap: int) -> int:
    """The cards in scope (not suspended, not orphaned), counted up to ``cap``."""
    where, params = _scope_sql(scope)
    sql = f"SELECT COUNT(*) FROM (SELECT 1 FROM cards c WHERE {where} LIMIT ?)"
    return conn.execute(sql, [*params, cap]).fetchone()[0]


def scope_notes(conn: sqlite3.Connection, scope: Scope) -> list[str]:
    """The notes in scope, in path order (the seed's shuffle starts from a stable order)."""
    if scope.note:
        return [scope.note]
    where, params = note_filter("path", note_type=scope.type, type_column="type")
    if scope.tag:
        where.append(f"path IN (SELECT c.note FROM cards c WHERE c.orphaned_at IS NULL AND {_CARD_TAG_SQL})")
        params.extend(_card_tag(scope.tag))
    sql = "SELECT path FROM notes" + (" WHERE " + " AND ".join(where) if where else "") + " ORDER BY path"
    return [p for (p,) in conn.execute(sql, params)]


_BOLD_RE = re.compile(r"\*\*([^*\n]{1,80})\*\*")
_ASKED_TERM_RE = re.compile(r": (?:what|who) (?:is|are) (?:the |a |an )?(.+?)\?$")


class Corpus:
    """Every note's askable cards, tags and similar notes, read on demand and kept for the quiz being built."""

    def __init__(self, conn: sqlite3.Connection, scope: Scope | None = None):
        self.conn = conn
        self.scope = scope  # the quiz's scope: distractors are drawn from it (kb.quiz.distractors)
        self._cards: dict[str, list[AskableCard]] = {}
        self._tags: dict[str, tuple[str, ...]] = {}
        self._similar: dict[tuple, list[str]] = {}
        self._bold: dict[str, frozenset[str]] = {}

    def cards(self, note: str) -> list[AskableCard]:
        """The note's cards in their order in the note, suspended ones included, orphaned and raw HTML ones not."""
        cached = self._cards.get(note)
        if cached is None:
            rows = self.conn.execute(
                f"SELECT {_CARD_COLUMNS} FROM cards c WHERE c.note = ? AND c.orphaned_at IS NULL "
                "ORDER BY c.position, c.id",
                (note,),
            ).fetchall()
            # Raw HTML is not a question: the extractor keeps a line such as `<div>a::b</div>` as a card.
            cached = [
                AskableCard(card, label_term=self._label_term)
                for card in (CardRow(*r) for r in rows)
                if not (HTML_TAG_RE.search(card.front) or HTML_TAG_RE.search(card.back))
            ]
            self._cards[note] = cached
        return cached

    def _label_term(self, card: CardRow) -> bool:
        """Whether kb made this term card of a label the note does not set in bold."""
        if not card.generated or card.kind != "keypoint":
            return False
        m = _ASKED_TERM_RE.search(card.front)
        return m is not None and normalise(m.group(1)) not in self.bold_terms(card.note)

    def bold_terms(self, note: str) -> frozenset[str]:
        """The phrases the note's writer set in bold, normalised: the terms it names as terms."""
        found = self._bold.get(note)
        if found is None:
            from kb.store.fulltext import fts_range

            # the note's full-text rows by their rowid range (a lookup by path would scan the whole table)
            found_row = self.conn.execute("SELECT rowid FROM notes WHERE path = ?", (note,)).fetchone()
            body = ""
            if found_row is not None:
                low, high = fts_range(found_row[0])
                body = "".join(
                    b
                    for (b,) in self.conn.execute(
                        "SELECT body FROM notes_fts WHERE rowid BETWEEN ? AND ?", (low, high)
                    )
                )
            found = frozenset(
                normalise(m.group(1).strip(" :.—–-")) for m in _BOLD_RE.finditer(body) if m.group(1).strip()
            )
            self._bold[note] = found
        return found

    def cards_in_scope(self, note: str) -> list[AskableCard]:
        """The note's cards the quiz may ask: with a tag scope, those with the tag (their own or their note's)."""
        cards = self.cards(note)
        if self.scope is None or not self.scope.tag:
            return cards
        ids = {
            cid
            for (cid,) in self.conn.execute(
                f"SELECT c.id FROM cards c WHERE c.note = ? AND {_CARD_TAG_SQL}",
                [note, *_card_tag(self.scope.tag)],
            )
        }
        return [c for c in cards if c.card.id in ids]

    def tags(self, note: str) -> tuple[str, ...]:
        cached = self._tags.get(note)
        if cached is None:
            rows = self.conn.execute("SELECT tag FROM note_tags WHERE note = ? ORDER BY tag", (note,))
            cached = self._tags[note] = tuple(t for (t,) in rows)
        return cached

    def similar_notes(
        self,
        note: str,
        words: Sequence[str],
        *,
        tags: tuple[str, ...] | None,
        note_type: str | None = None,
        limit: int = 8,
    ) -> list[str]:
        """Notes most like ``words`` by the FTS5 index (bm25), optionally only those sharing one of ``tags`` and
        of the type ``note_type``."""
        key = (note, tuple(words), tags, note_type)
        found = self._similar.get(key)
        if found is None:
            found = self._similar[key] = self._find_similar(note, words, tags, note_type, limit)
        return found

    def _find_similar(
        self, note: str, words: Sequence[str], tags: tuple[str, ...] | None, note_type: str | None, limit: int
    ) -> list[str]:
        if tags is not None and not tags:
            return []
        tag_filter = ""
        if tags:
            tag_filter = (
                f" AND path IN (SELECT note FROM note_tags WHERE tag IN ({','.join('?' * len(tags))}))"
            )
        if note_type:
            tag_filter += " AND path IN (SELECT path FROM notes WHERE type = ?)"
            tags = (*(tags or ()), note_type)
        found: list[str] = []
        if words:
            match = " OR ".join(f'"{w}"' for w in words)
            try:
                # A long note has several full-text rows (one per chunk): keep each note once.
                rows = self.conn.execute(
                    f"SELECT path FROM notes_fts WHERE notes_fts MATCH ?{tag_filter} AND path != ? "
                    "ORDER BY rank LIMIT ?",
                    [match, *(tags or ()), note, limit],
                )
                found = list(dict.fromkeys(p for (p,) in rows))
            except sqlite3.OperationalError:
                found = []
        if len(found) < limit:
            # Too few notes share a word: fill up with the neighbours in path order (same folder first).
            rows = self.conn.execute(
                f"SELECT path FROM notes WHERE path != ?{tag_filter} ORDER BY path >= ? DESC, path LIMIT ?",
                [note, *(tags or ()), note, limit * 2],
            ).fetchall()
            for (p,) in rows:
                if p not in found and len(found) < limit:
                    found.append(p)
        return found
