"""Export kb's cards to an Anki package (``.apkg``) with genanki.

- One deck per note under a parent per note type: ``kb::Books::Atomic Habits``; the note's tags become Anki tags.
- Basic-like cards (basic, question, definition, key point) are notes of a "kb Basic" model; the two sides of a
  reversed card are one note of a "kb Basic (and reversed card)" model; cloze cards of one paragraph are one note of a
  "kb Cloze" model holding the paragraph with Anki's ``{{cN::answer::hint}}`` markup.
- Markdown is rendered to HTML with Python-Markdown and pymdown-extensions: code highlighted with inline styles (no
  CSS needed on a phone), math as ``\\(..\\)`` / ``\\[..\\]`` which Anki typesets, images packed as media.
- Every Anki note's GUID comes from a kb card id, which survives edits: importing a later export updates the same
  Anki notes (and keeps their review history there) instead of adding duplicates.
- Each card's schedule and review history go into the collection genanki writes (``kb.anki.schedule``): plain
  SQLite, so the export needs no Anki code (the ``anki`` package is AGPL and only a test dependency).

``build_notes`` is pure (cards in, planned Anki notes out); ``write_package`` is the I/O edge.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
from dataclasses import dataclass, replace
from html import escape
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlparse

from kb.anki.cloze import cloze_numbers
from kb.anki.grouping import group_by_anki_note
from kb.anki.markup import render_markdown
from kb.errors import KbError

# Fixed ids: Anki recognises its note types and decks by id, so a second export must reuse them.
BASIC_MODEL_ID = 1607392319001
REVERSED_MODEL_ID = 1607392319002
CLOZE_MODEL_ID = 1607392319003

CSS = """.card { font-family: -apple-system, "Segoe UI", Roboto, Arial, sans-serif; font-size: 20px;
  line-height: 1.5; text-align: left; color: #222; background: #fff; max-width: 40em; margin: 0 auto; }
.nightMode.card, .night_mode .card { color: #eee; background: #222; }
.cloze { font-weight: bold; color: #1565c0; }
.nightMode .cloze { color: #90caf9; }
.kb-source { margin-top: 1.5em; font-size: 13px; color: #888; }
pre { white-space: pre-wrap; font-size: 15px; padding: .5em; border-radius: 4px; }
code { font-size: 90%; }
img { max-width: 100%; }
table { border-collapse: collapse; } td, th { border: 1px solid #ccc; padding: .2em .5em; }
"""

SOURCE_HTML = '{{#Source}}<div class="kb-source">{{Source}}</div>{{/Source}}'


@dataclass(frozen=True)
class ExportCard:
    """A card row as the exporter needs it."""

    id: str
    note: str  # notes/books/atomic-habits.md
    kind: str
    front: str
    back: str
    context: str = ""
    sibling: str = ""
    cloze_text: str = ""  # the paragraph with {{cN::...}} markup (cloze cards)
    cloze_index: int = 0
    position: int = 0
    line: int = 0
    # the card's own tags (its note's, and its deck-tag line's), flashcard tags left out
    tags: tuple[str, ...] = ()
    anki_guid: str = ""  # the GUID of the Anki note an imported card came from


@dataclass(frozen=True)
class NoteInfo:
    path: str
    title: str
    type: str
    tags: tuple[str, ...] = ()
    # an imported deck's Anki name (front matter ``anki_deck``): it goes back to that deck
    anki_deck: str = ""


@dataclass(frozen=True)
class PlannedAnkiNote:
    model: str  # basic, reversed or cloze
    note: str  # the kb note it comes from (images resolve relative to it)
    guid: str
    deck: str
    fields: tuple[str, ...]  # HTML
    tags: tuple[str, ...]
    media: tuple[str, ...]  # media names used by the fields
    cards: int  # Anki cards this note makes
    kb_cards: tuple[
        tuple[int, str], ...
    ] = ()  # (Anki template ord, kb card id) of the cards kb has for this note
    from_anki: bool = False  # its kb note was imported from Anki: media beside it keep their Anki names
    cloze_ords: tuple[int, ...] = ()  # a cloze note's card ords, one per deletion number (nested ones too)


@dataclass(frozen=True)
class ExportReport:
    path: str
    notes: int
    cards: dict[str, int]  # model -> Anki cards
    decks: tuple[str, ...]
    media: int
    missing_media: tuple[str, ...]  # "notes/x.md: img/a.png" images referenced but not found
    scheduled: int = 0  # cards with a schedule (not new)
    reviews: int = 0  # review log rows
    suspended: int = 0
    buried: int = 0


# --- names ---------------------------------------------------------------------------------------------------


def type_deck(note_type: str) -> str:
    """``book`` -> ``Books``, ``ml`` -> ``ML``, ``taxes`` -> ``Taxes``: the parent deck for a note type."""
    t = (note_type or "note").strip()
    if len(t) <= 3:
        return t.upper()
    plural = t if t.endswith("s") else t + "s"
    return plural[:1].upper() + plural[1:]


def deck_name(note: NoteInfo) -> str:
    """``kb::Books::Atomic Habits``. ``::`` inside a title would add a level, so it becomes a single colon. A note
    imported from Anki goes back to its deck."""
    if note.anki_deck.strip(": "):
        return note.anki_deck
    title = re.sub(r":{2,}", ":", note.title).strip() or PurePosixPath(note.path).stem
    return f"kb::{type_deck(note.type)}::{title}"


def anki_tag(tag: str) -> str:
    """Anki tags cannot hold spaces; ``/`` nesting (Obsidian style) becomes Anki's ``::`` hierarchy."""
    return re.sub(r"\s+", "_", tag.strip()).replace("/", "::")


def guid_for(key: str) -> str:
    import genanki

    return genanki.guid_for("kb", key)


# --- Markdown -> HTML --------------------------------------------------------------------------------------


_IMG_RE = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]+)(")')
_SOUND_LINK_RE = re.compile(
    r'(<a href=")([^":]+\.(?:mp3|ogg|oga|wav|m4a|aac|flac|opus|spx|webm))(">[^<]*</a>)', re.I
)


def media_name(rel: str) -> str:
    """The flat Anki media name for a file under the root: ``notes/books/img/cover.png`` -> ``books_img_cover.png``."""
    parts = PurePosixPath(rel).parts
    if parts and parts[0] == "notes":
        parts = parts[1:]
    return re.sub(r"[^A-Za-z0-9._-]+", "_", "_".join(parts))


def resolve_image(src: str, note_path: str, root: Path, notes_dir: Path) -> Path | None:
    """The local file an ``<img src>`` of a note points at (relative to the note, or ``/x`` under the notes folder)."""
    parsed = urlparse(src)
    if parsed.scheme or parsed.netloc or src.startswith("data:"):
        return None
    target = unquote(parsed.path)
    if not target:
        return None
    if target.startswith("/"):
        path = notes_dir / target.lstrip("/")
    else:
        path = (root / note_path).parent / target
    path = path.resolve()
    try:
        path.relative_to(root)
    except ValueError:
        return None  # never pack a file from outside the knowledge base
    return path if path.is_file() else None


# --- planning ----------------------------------------------------------------------------------------------


def page_url(site_url: str, note_path: str) -> str:
    """The published page of a note (MkDocs directory URLs): ``notes/books/x.md`` -> ``<site>/books/x/``."""
    parts = list(PurePosixPath(note_path).parts[1:])  # drop the notes folder
    if not parts:
        return ""
    stem = PurePosixPath(parts[-1]).stem
    parts = parts[:-1] if stem in ("index", "README") else [*parts[:-1], stem]
    return site_url.rstrip("/") + "/" + "".join(quote(p) + "/" for p in parts)


def build_notes(
    cards: list[ExportCard], notes: dict[str, NoteInfo], *, site_url: str = ""
) -> list[PlannedAnkiNote]:
    """Group cards into Anki notes and render their fields. Pure; image sources are left for ``write_package``."""
    planned = []
    taken: set[str] = set()
    for key, group in group_by_anki_note(cards).items():
        # A card imported from Anki goes back as its original note (its GUID): the collection it came from updates
        # that note instead of adding a copy. Several kb blocks of one Anki note (templates kb writes apart): the
        # first takes the GUID.
        guids = {c.anki_guid for c in group}
        guid = guids.pop() if len(guids) == 1 and "" not in guids and not guids & taken else None
        if guid:
            taken.add(guid)
        planned.append(_anki_note(key.model, group, notes, site_url, guid))
    return planned


def _anki_note(
    model: str,
    group: list[ExportCard],
    notes: dict[str, NoteInfo],
    site_url: str,
    anki_guid: str | None = None,
) -> PlannedAnkiNote:
    first = group[0]
    info = notes.get(first.note) or NoteInfo(first.note, PurePosixPath(first.note).stem, "note")
    source = escape(first.context or info.title, quote=False)  # a breadcrumb of headings, shown as text
    if site_url:
        # A link back to the note on the published site, to read the card in its context.
        source = f'<a href="{escape(page_url(site_url, first.note))}">{source}</a>'
    tags = tuple(dict.fromkeys(anki_tag(t) for t in first.tags or info.tags if t.strip()))
    # The GUID follows the first card's id (ids survive edits); a reversed pair and a cloze paragraph use
    # the id of their first card, so editing the text never makes a new Anki note.
    guid = anki_guid or guid_for(min(group, key=lambda c: (c.position, c.cloze_index)).id)
    if model == "cloze":
        text = "\n".join(dict.fromkeys(c.cloze_text or c.front for c in group))  # a cloze list: its items
        fields = (render_markdown(text), "", source)
        ords = tuple(sorted(n - 1 for n in cloze_numbers(text) if n > 0))
        count = len(ords) or len(group)
        # Anki's card for {{cN::}} is template ord N - 1.
        kb_cards = tuple((c.cloze_index - 1, c.id) for c in group if c.cloze_index >= 1)
    else:
        ords = ()
        fields = (render_markdown(first.front), render_markdown(first.back), source)
        count = 2 if model == "reversed" else 1
        # A reversed pair: the first card asks the front (template 1), the second the back (template 2).
        kb_cards = tuple(enumerate(c.id for c in sorted(group, key=lambda c: c.position)[:count]))
    media = tuple(dict.fromkeys(m.group(2) for f in fields for m in _IMG_RE.finditer(f)))
    return PlannedAnkiNote(
        model,
        first.note,
        guid,
        deck_name(info),
        fields,
        tags,
        media,
        count,
        kb_cards,
        bool(info.anki_deck),
        ords,
    )


def load_cards(
    conn: sqlite3.Connection,
    *,
    tags: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
    flashcard_tags: tuple[str, ...] = ("flashcards",),
) -> tuple[list[ExportCard], dict[str, NoteInfo]]:
    """Live cards (not orphaned) of notes with flashcards on, optionally only cards with a tag (their own or their
    note's) or of given paths. ``flashcard_tags``: deck tags that only mark cards as cards, not Anki tags."""
    import json

    sql = (
        "SELECT c.id, c.note, c.kind, c.front, c.back, c.context, c.sibling, c.cloze_text, c.cloze_index, "
        "c.position, c.line, c.tags, n.title, n.type, n.tags, n.meta FROM cards c JOIN notes n ON n.path = c.note "
        "WHERE c.orphaned_at IS NULL AND n.flashcards = 1"
    )
    params: list[str] = []
    if tags:
        marks = ",".join("?" * len(tags))
        sql += (
            f" AND (c.note IN (SELECT note FROM note_tags WHERE tag IN ({marks}))"
            f" OR EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value IN ({marks})))"
        )
        params.extend(tags + tags)
    if notes:
        sql += f" AND c.note IN ({','.join('?' * len(notes))})"
        params.extend(notes)
    cards, infos = [], {}
    for row in conn.execute(sql + " ORDER BY c.note, c.position", params):
        cid, note, kind, front, back, context, sibling, cloze_text, cloze_index, position, line = row[:11]
        card_tags, title, note_type, note_tags, meta = row[11:]
        cards.append(
            ExportCard(
                id=cid,
                note=note,
                kind=kind,
                front=front,
                back=back,
                context=context or "",
                sibling=sibling or "",
                cloze_text=cloze_text or "",
                cloze_index=int(cloze_index or 0),
                position=int(position),
                line=int(line),
                tags=tuple(t for t in json.loads(card_tags or "[]") if t.lower() not in flashcard_tags),
            )
        )
        if note not in infos:
            deck = json.loads(meta or "{}").get("anki_deck")
            infos[note] = NoteInfo(
                note,
                title,
                note_type,
                tuple(json.loads(note_tags or "[]")),
                deck if isinstance(deck, str) else "",
            )
    guids = _anki_guids(conn)
    if guids:
        cards = [replace(c, anki_guid=guids[c.id]) if c.id in guids else c for c in cards]
    return cards, infos


def _anki_guids(conn: sqlite3.Connection) -> dict[str, str]:
    """kb card id -> the GUID of the Anki note it was imported from (its latest ``schedule`` event's identity)."""
    from kb.anki.into import identity_events

    out: dict[str, str] = {}
    for card_id, _, anki in identity_events(conn):
        guid = anki.get("guid")
        if isinstance(guid, str) and guid:
            out[card_id] = guid
    return out


# --- writing -----------------------------------------------------------------------------------------------


def _models():
    import genanki

    fields = [{"name": "Front"}, {"name": "Back"}, {"name": "Source"}]
    answer = '{{FrontSide}}<hr id="answer">{{Back}}' + SOURCE_HTML
    basic = genanki.Model(
        BASIC_MODEL_ID,
        "kb Basic",
        fields=fields,
        templates=[{"name": "Card 1", "qfmt": "{{Front}}", "afmt": answer}],
        css=CSS,
    )
    reversed_ = genanki.Model(
        REVERSED_MODEL_ID,
        "kb Basic (and reversed card)",
        fields=fields,
        templates=[
            {"name": "Card 1", "qfmt": "{{Front}}", "afmt": answer},
            {
                "name": "Card 2",
                "qfmt": "{{Back}}",
                "afmt": '{{FrontSide}}<hr id="answer">{{Front}}' + SOURCE_HTML,
            },
        ],
        css=CSS,
    )
    cloze = genanki.Model(
        CLOZE_MODEL_ID,
        "kb Cloze",
        fields=[{"name": "Text"}, {"name": "Back Extra"}, {"name": "Source"}],
        templates=[
            {
                "name": "Cloze",
                "qfmt": "{{cloze:Text}}",
                "afmt": "{{cloze:Text}}{{#Back Extra}}<br>{{Back Extra}}{{/Back Extra}}" + SOURCE_HTML,
            }
        ],
        css=CSS,
        model_type=genanki.Model.CLOZE,
    )
    return {"basic": basic, "reversed": reversed_, "cloze": cloze}


def deck_id(name: str) -> int:
    """A stable deck id from the deck's name (Anki keys decks by id; the same name must give the same deck)."""
    import hashlib

    return int.from_bytes(hashlib.blake2b(name.encode("utf-8"), digest_size=6).digest(), "big") + (1 << 40)


class _MediaPacker:
    """Copies the images the fields use into a folder under flat Anki media names, and points the fields at them."""

    def __init__(self, kb, folder: Path) -> None:
        self.kb = kb
        self.folder = folder
        self.files: dict[str, Path] = {}  # media name -> the copy in ``folder``
        self.sources: dict[str, Path] = {}  # media name -> the file in the knowledge base
        self.missing: list[str] = []  # "notes/x.md: img/a.png"

    def pack_images(self, note: PlannedAnkiNote, html: str) -> str:
        """Images, and links to sounds (an imported ``[sound:x.mp3]``) which become Anki's ``[sound:...]`` again."""
        html = _IMG_RE.sub(lambda m: self._pack(note, m), html)
        return _SOUND_LINK_RE.sub(lambda m: self._pack_sound(note, m), html)

    def _pack_sound(self, note: PlannedAnkiNote, m: re.Match) -> str:
        name = self._pack_file(note, m.group(2))
        return f"[sound:{name}]" if name else m.group(0)

    def _pack(self, note: PlannedAnkiNote, m: re.Match) -> str:
        name = self._pack_file(note, m.group(2))
        return m.group(1) + name + m.group(3) if name else m.group(0)

    def _pack_file(self, note: PlannedAnkiNote, src: str) -> str | None:
        """The media name a file the note points at is packed under; None (and said) if there is no such file."""
        found = resolve_image(src, note.note, self.kb.root, self.kb.notes)
        if found is None:
            if not urlparse(src).scheme:
                self.missing.append(f"{note.note}: {src}")
            return None
        name = self._name_for(
            found, keep=note.from_anki and found.parent == (self.kb.root / note.note).parent
        )
        if name not in self.files:
            dest = self.folder / name
            shutil.copyfile(found, dest)
            self.files[name] = dest
        return name

    def _name_for(self, found: Path, keep: bool = False) -> str:
        """The flat media name (``keep``: the file's own, as Anki named it); two files that flatten to one name both
        keep theirs, the second with a digest."""
        import hashlib

        name = found.name if keep else media_name(self.kb.rel(found))
        if self.sources.setdefault(name, found) != found:
            stem, dot, ext = name.rpartition(".")
            digest = hashlib.blake2b(self.kb.rel(found).encode(), digest_size=4).hexdigest()
            name = f"{stem}-{digest}{dot}{ext}" if dot else f"{name}-{digest}"
            self.sources[name] = found
        return name


def write_package(
    kb,
    planned: list[PlannedAnkiNote],
    out: Path,
    *,
    timestamp: float,
    schedules: dict | None = None,
    rules=None,
) -> ExportReport:
    """Write the ``.apkg``. ``timestamp`` becomes the notes' modification time: Anki updates a note it already has
    only when the package's copy is newer, so the caller passes the current time.

    With ``schedules`` (kb card id -> ``kb.anki.schedule.KbSchedule``) and ``rules`` (``DayRules``), each card
    carries its schedule and review history (see ``kb.anki.schedule``)."""
    import tempfile

    import genanki

    models = _models()
    decks: dict[str, genanki.Deck] = {}
    cards: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="kb-export-") as tmp:
        media = _MediaPacker(kb, Path(tmp))
        for note in planned:
            fields = [media.pack_images(note, html) for html in note.fields]
            if note.deck not in decks:
                decks[note.deck] = genanki.Deck(deck_id(note.deck), note.deck)
            anki_note = genanki.Note(
                model=models[note.model], fields=fields, tags=list(note.tags), guid=note.guid
            )
            if note.cloze_ords:
                # genanki finds no deletion inside another: a card per number, as Anki makes them
                anki_note.cards = [genanki.Card(ord_) for ord_ in note.cloze_ords]
            decks[note.deck].add_note(anki_note)
            cards[note.model] = cards.get(note.model, 0) + note.cards
        package = genanki.Package(list(decks.values()), media_files=[str(p) for p in media.files.values()])
        out = Path(out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            filled = _write_apkg(package, planned, out, Path(tmp), timestamp, schedules or {}, rules)
        except OSError as exc:
            raise KbError(
                f"{out}: cannot write the package ({exc.strerror or exc}); check the folder"
            ) from None
    return ExportReport(
        path=str(out),
        notes=len(planned),
        cards=cards,
        decks=tuple(sorted(decks)),
        media=len(media.files),
        missing_media=tuple(dict.fromkeys(media.missing)),
        scheduled=filled.cards if filled else 0,
        reviews=filled.revlog if filled else 0,
        suspended=filled.suspended if filled else 0,
        buried=filled.buried if filled else 0,
    )


def _write_apkg(package, planned, out: Path, tmp: Path, timestamp: float, schedules: dict, rules):
    """genanki's collection, with kb's schedules and history written into it, zipped as genanki would."""
    import itertools
    import json
    import os
    import zipfile

    from kb.anki.schedule import fill_collection

    db_path = tmp / "collection.anki2"
    db = sqlite3.connect(db_path)
    try:
        package.write_to_db(db.cursor(), timestamp, itertools.count(int(timestamp * 1000)))
        filled = None
        if rules is not None:
            kb_cards = {(n.guid, ord_): card_id for n in planned for ord_, card_id in n.kb_cards}
            filled = fill_collection(db, kb_cards, schedules, rules)
        db.commit()
    finally:
        db.close()
    partial = out.with_name(out.name + ".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(db_path, "collection.anki2")
        files = dict(enumerate(package.media_files))
        zf.writestr("media", json.dumps({str(i): os.path.basename(p) for i, p in files.items()}))
        for i, path in files.items():
            zf.write(path, str(i))
    os.replace(partial, out)
    return filled


def export_anki(
    kb,
    conn: sqlite3.Connection,
    out: Path,
    *,
    timestamp: float,
    tags: tuple[str, ...] = (),
    notes: tuple[str, ...] = (),
    now=None,
) -> ExportReport:
    """Export the cards of the knowledge base (or of notes with ``tags`` / the given note paths) to ``out``, each with
    its schedule as of ``now`` (default: the clock's) and its review history."""
    cards, infos = load_cards(conn, tags=tags, notes=notes, flashcard_tags=kb.settings.flashcard_tags)
    if not cards:
        scope = " and ".join(
            part
            for part in (
                f"tag {', '.join(tags)}" if tags else "",
                f"note {', '.join(notes)}" if notes else "",
            )
            if part
        )
        raise KbError(
            f"{kb.rel(out) if out.is_absolute() else out}: nothing to export: no cards"
            + (f" for {scope}" if scope else "")
            + "; write cards in your notes (Front::Back, ==cloze==) and run again"
        )
    planned = build_notes(cards, infos, site_url=kb.site_url)
    from kb.anki.schedule import day_rules, load_schedules

    rules = day_rules(kb, now)
    schedules = load_schedules(conn, [c.id for c in cards])
    return write_package(kb, planned, out, timestamp=timestamp, schedules=schedules, rules=rules)
