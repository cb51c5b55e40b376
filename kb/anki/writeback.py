"""Card text edited in kb, written back into the Anki note it was imported from (``kb export anki --into``).

For each Anki note whose cards kb imported from the collection: the fields kb's cards show (a cloze note's text; the
fields a front/back card's template shows, read back out of the card's question and answer by ``kb.anki.unrender``)
are compared with the note's fields. A field kb's text no longer matches was edited in kb, or in Anki since the
import: the digest of the note's fields as the import read them tells which.

- edited in kb only: the field becomes kb's text, as the HTML ``kb export anki`` writes (its sort field and
  checksum, which Anki's search and duplicate check read, follow);
- edited in Anki since the import, and kb's cards of that note are as the import (or a write-back) left them (each
  card's fingerprint then is kept with its Anki identity; for an import older than that, kb's whole deck note must be
  as kb wrote it: its ``anki_import`` stamp matches): Anki's edit; the note stays as Anki has it, with nothing to
  report, whatever was edited in kb in other notes of the same deck file;
- edited on both sides: the note is left as Anki has it and the conflict is reported (never overwritten silently);
  kb's text stays in kb;
- what a write-back wrote is remembered (an ``anki-sync`` journal line per card, ``record_anki_sync``): a later
  kb edit of the note goes back too, also after a rebuild;
- an edit kb cannot tell apart into the fields without guessing (the template's fixed text changed, two fields
  with nothing between them, a field edited on one card and not on another that shows it, a conditional section
  that would come or go): the note is left as it is, and reported with the reason.
"""

from __future__ import annotations

import hashlib
import html
import re
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from kb.anki.fields import html_to_markdown
from kb.anki.markup import render_markdown
from kb.anki.notetypes import ClozeMapping, SidesMapping, map_notetype
from kb.anki.package import KIND_CLOZE
from kb.anki.plan import written_forms
from kb.anki.unrender import NoteCard, read_fields
from kb.anki.updates import edited
from kb.review.journal import ANKI_SYNC

_TAG_RE = re.compile(r"<[^>]*>")
_HIDDEN_RE = re.compile(r"(?is)<!--.*?-->|<style.*?>.*?</style>|<script.*?>.*?</script>")
_IMAGE_RE = re.compile(r"""(?i)<img[^>]+src=["']?([^"'>]+)["']?[^>]*>""")


def sort_text(field: str) -> str:
    """A field as Anki keeps it for sorting and for the duplicate checksum: the HTML stripped, an image kept as its
    file name (" cat.jpg "), entities decoded (a no-break space as a space)."""
    text = _TAG_RE.sub("", _IMAGE_RE.sub(r" \1 ", _HIDDEN_RE.sub("", field)))
    return html.unescape(text.replace("&nbsp;", " ")) if "&" in text else text


@dataclass
class WriteBack:
    notes: int = 0  # Anki notes whose text kb changed
    # kb card id -> its note's new digest (record_anki_sync)
    written: dict[str, str] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)  # notes edited on both sides: left as Anki has them
    unmapped: int = 0  # notes whose kb text differs but whose fields kb cannot tell apart: left as they are
    unmapped_notes: list[str] = field(default_factory=list)  # a line for each: which note, and why


def fields_digest(fields) -> str:
    """A short digest of an Anki note's fields (its HTML), to tell later whether they changed."""
    return hashlib.blake2b("\x1f".join(fields).encode(), digest_size=8).hexdigest()


def _digests(conn: sqlite3.Connection) -> tuple[dict[str, str | None], dict[str, str]]:
    """kb card id -> the digest of its Anki note's fields as kb last knew them: the import's, or the one a later
    write-back recorded (an import older than digests: None); and kb card id -> the card's fingerprint when the
    import or a write-back last wrote its note (the card's text then, which a later kb edit changes)."""
    from kb.anki.into import identity_events

    out: dict[str, str | None] = {}
    written: dict[str, str] = {}
    for card_id, kind, identity in identity_events(conn, syncs=True):
        if kind == "schedule" and identity.get("guid"):
            out[card_id] = identity.get("nsum")
            if identity.get("fp"):  # the card's text as the import wrote it
                written[card_id] = identity["fp"]
            else:
                written.pop(card_id, None)
        elif kind == ANKI_SYNC and "nsum" in identity:
            out[card_id] = identity["nsum"]  # a later write-back's digest replaces the import's
            if identity.get("fp"):
                written[card_id] = identity["fp"]
    return out, written


def _notetypes(db: sqlite3.Connection) -> tuple[dict, dict[int, str]]:
    """The collection's note types and deck names."""
    from kb.anki.package import _schema11, _schema18

    version = int(db.execute("SELECT ver FROM col").fetchone()[0] or 0)
    notetypes, decks, _ = _schema11(db) if version < 18 else _schema18(db)
    return notetypes, decks


def _wanted_fields(notetype, fields: list[str], tags: str, cards: list[tuple], decks) -> dict[int, str] | str:
    """Field index -> kb's Markdown for each field kb's cards of one note changed; or why kb cannot tell."""
    if notetype is None:
        return "its note type is not in the collection"
    mapping = map_notetype(notetype)
    if isinstance(mapping, str) and notetype.kind != KIND_CLOZE and notetype.templates:
        mapping = SidesMapping(sides=())  # as the import: each card is its template rendered
    if isinstance(mapping, str):
        return mapping
    if isinstance(mapping, ClozeMapping):
        wanted: dict[int, str] = {}
        for _, kind, _, _, cloze_text, *_ in cards:
            if kind == "cloze" and cloze_text and wanted.setdefault(mapping.text, cloze_text) != cloze_text:
                return "its cloze cards show different texts: edit them alike"
        return {i: text for i, text in wanted.items() if i < len(fields) and text not in _forms(fields[i])}
    note_cards = [
        NoteCard(ord_, kind, front, back, decks.get(did, ""), flags & 7, as_written)
        for ord_, kind, front, back, _, _, _, did, flags, as_written in cards
    ]
    return read_fields(notetype, fields, mapping, note_cards, tuple(t for t in tags.split() if t))


def _forms(html: str) -> set[str]:
    return written_forms(html_to_markdown(html).text)


def _untouched_in_kb(
    conn: sqlite3.Connection, root: Path | None, kb_ids: list[str], known: dict[str, bool]
) -> bool:
    """Whether the deck note holding these kb cards is as kb wrote it (its ``anki_import`` stamp still matches):
    then a difference from the Anki note is Anki's own edit, nothing of kb's to write back or to report. ``known``:
    the deck notes read so far (path -> untouched), each file read once however many of its notes Anki edited."""
    if root is None:
        return False
    paths = {p for (p,) in conn.execute(
        f"SELECT note FROM cards WHERE id IN ({','.join('?' * len(kb_ids))})", kb_ids
    )}  # fmt: skip
    for path in paths - known.keys():
        try:
            known[path] = not edited((root / path).read_text(encoding="utf-8"))
        except OSError:
            known[path] = False
    return bool(paths) and all(known[p] for p in paths)


def write_back(
    conn: sqlite3.Connection,
    db: sqlite3.Connection,
    found: dict[str, int],
    stamp: int,
    root: Path | None = None,
) -> WriteBack:
    """Write kb's edited card text into the notes of the collection ``db`` (inside its transaction). ``found``: kb
    card id -> Anki card id, for the cards imported from it; ``root``: the knowledge base, whose deck notes tell
    whether kb's side changed since the import."""
    result = WriteBack()
    digests, written = _digests(conn)
    by_note: dict[int, list[tuple]] = {}
    for kb_id, cid in found.items():
        row = db.execute(
            "SELECT nid, ord, CASE WHEN odid THEN odid ELSE did END, flags FROM cards WHERE id = ?", (cid,)
        ).fetchone()
        card = conn.execute(
            "SELECT kind, front, back, cloze_text, fingerprint FROM cards WHERE id = ? AND orphaned_at IS NULL",
            (kb_id,),
        ).fetchone()
        if row and card:
            # as_written: the card's text is what it was when the import or a write-back last wrote its note (a
            # card showing a field another card edited then still shows it as it was: no edit of its own)
            as_written = written.get(kb_id) == card[4]
            by_note.setdefault(row[0], []).append(
                (row[1], *card[:4], digests.get(kb_id), kb_id, *row[2:], as_written)
            )
    notetypes, decks = _notetypes(db) if by_note else ({}, {})
    untouched: dict[str, bool] = {}
    for nid, cards in by_note.items():
        mid, flds, tags = db.execute("SELECT mid, flds, tags FROM notes WHERE id = ?", (nid,)).fetchone()
        fields = flds.split("\x1f")
        notetype = notetypes.get(mid)
        changed = _wanted_fields(notetype, fields, tags, cards, decks)
        if not changed:
            continue
        first = html_to_markdown(fields[0]).text[:60]
        anki_edited = {c[5] for c in cards} != {fields_digest(fields)}
        if isinstance(changed, str) and not anki_edited:
            result.unmapped += 1
            result.unmapped_notes.append(
                f"note {first!r}: its text was changed in kb but not written back: {changed}; the note is left "
                "as Anki has it"
            )
            continue
        if anki_edited and (
            all(c[-1] for c in cards) or _untouched_in_kb(conn, root, [c[6] for c in cards], untouched)
        ):
            continue  # edited in Anki only: Anki's text stays, and there is no conflict to report
        if anki_edited:
            # Anki changed the note since the import (or the import predates kb keeping its time): keep Anki's
            result.conflicts.append(
                f"note {first!r}: its text was changed in kb and edited in Anki too since the import; Anki's "
                "text kept (copy kb's change over by hand, or edit it again in Anki)"
            )
            continue
        for i, text in changed.items():
            fields[i] = render_markdown(text)
        if "\x1f".join(fields) == flds:
            continue  # kb's text is what the note holds, written otherwise
        # Anki's sort field is the note type's (``sfld``); its checksum is of the first field (``csum``)
        sort_at = notetype.sort_field if notetype and notetype.sort_field < len(fields) else 0
        sort_field = sort_text(fields[sort_at])
        checksum = int(hashlib.sha1(sort_text(fields[0]).encode()).hexdigest()[:8], 16)
        db.execute(
            "UPDATE notes SET flds = ?, sfld = ?, csum = ?, mod = ?, usn = -1 WHERE id = ?",
            ("\x1f".join(fields), sort_field, checksum, stamp, nid),
        )
        result.notes += 1
        digest = fields_digest(fields)
        result.written.update((c[6], digest) for c in cards)
    return result
