"""Planning an import: an ``AnkiPackage`` in, the notes to write out. Pure: no file system, no database.

One note per deck. Each Anki note becomes one block of the deck's note, in kb's card syntax (the one kb reads):

- basic: ``Front::Back`` on one line, or ``Front`` / ``?`` / ``Back`` lines when a side has several lines;
- reversed: ``Front:::Back``, or ``Front`` / ``??`` / ``Back``;
- cloze: the paragraph with Anki's own ``{{c1::answer::hint}}`` markup, which kb reads as is.

For every Anki card the plan also says where its kb card will be (a ``CardSpot``), so its review history can follow.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import PurePosixPath
from typing import NamedTuple

from kb.anki.cloze import cloze_numbers
from kb.anki.fields import FieldMarkdown, escape_text, html_to_markdown
from kb.anki.media import MediaCopy, media_copies
from kb.anki.notetypes import KB_NOTE_TYPE_IDS, ClozeMapping, Mapping, Sides, SidesMapping, map_notetype
from kb.anki.package import KIND_CLOZE, AnkiCard, AnkiNote, AnkiPackage
from kb.anki.tags import common_tags, kb_tags, renamed_tags, tag_lines
from kb.anki.templates import CardContext, render_card
from kb.anki.updates import PENDING, stamp


@dataclass(frozen=True)
class CardSpot:
    """Where an Anki card's kb counterpart is: the note, the card's first line, and which card of that block."""

    anki_card_id: int
    note: str  # path relative to the root
    line: int
    kind: str  # basic, reversed or cloze
    which: int  # basic 0; reversed 0 front->back, 1 back->front; cloze: the cloze number (c1 -> 1)
    lines: int = 1  # the block's lines: a cloze list's deletions are cards of its items' lines


@dataclass(frozen=True)
class PlannedNote:
    path: str  # relative to the root: notes/imported/books/atomic-habits.md
    deck: str
    text: str
    media: tuple[MediaCopy, ...]
    spots: tuple[CardSpot, ...]
    cards: dict[str, int] = field(default_factory=dict, compare=False)  # kind -> count of kb cards


@dataclass(frozen=True)
class ImportPlan:
    notes: tuple[PlannedNote, ...]
    skipped: tuple[str, ...]  # one sentence per note type (or note) left out, with how many notes


def plan_import(pkg: AnkiPackage, into_rel: str, deck_tag: str = "flashcards") -> ImportPlan:
    """Plan the notes an import into the folder ``into_rel`` (relative to the root) writes. ``deck_tag``: the
    flashcard tag that leads the deck-tag lines giving cards their own Anki tags (``kb.anki.tags``)."""
    skipped: Counter[str] = Counter()
    unexpressed: list[str] = []
    by_deck = _notes_by_deck(pkg, skipped)
    planned: list[PlannedNote] = []
    taken: set[str] = set()
    for deck in sorted(by_deck):
        content = _deck_content(pkg, by_deck[deck], skipped, unexpressed)
        if not content.blocks:
            continue
        path = _unused_path(deck_path(into_rel, deck), taken)
        taken.add(path)
        planned.append(_planned_note(path, deck, content, deck_tag))
    return ImportPlan(
        notes=tuple(planned),
        skipped=tuple(f"{why}: skipped {n} note(s)" for why, n in sorted(skipped.items()))
        + tuple(f"{line} ({n} card(s))" for line, n in sorted(Counter(unexpressed).items())),
    )


# --- names ----------------------------------------------------------------------------------------------------


def slug(text: str) -> str:
    """A file name stem from a deck name: ASCII letters and digits between dashes (``Español Básico`` ->
    ``espanol-basico``)."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text or "deck"


def deck_path(into_rel: str, deck: str) -> str:
    """A deck's note: one folder per parent deck, ``Books::Atomic Habits`` -> ``<into>/books/atomic-habits.md``."""
    parts = [slug(p) for p in deck.split("::") if p.strip()] or ["default"]
    return str(PurePosixPath(into_rel, *parts[:-1], parts[-1] + ".md"))


def _unused_path(path: str, taken: set[str]) -> str:
    """Two deck names with one slug ("A B" and "A-B") keep both notes, apart: the second gets ``-2``."""
    if path not in taken:
        return path
    return next(p for i in range(2, 100_000) if (p := f"{path[:-3]}-{i}.md") not in taken)


# --- which Anki notes go into which deck's note ----------------------------------------------------------------


class _MappedNote(NamedTuple):
    note: AnkiNote
    cards: list[AnkiCard]  # by template (or cloze number)
    mapping: Mapping


def _notes_by_deck(pkg: AnkiPackage, skipped: Counter[str]) -> dict[str, list[_MappedNote]]:
    """Deck name -> its notes kb can map, in the package's order; the others are counted in ``skipped``.

    A note belongs to the deck of its first card.
    """
    cards_by_note: dict[int, list[AnkiCard]] = {}
    for card in pkg.cards:
        cards_by_note.setdefault(card.note_id, []).append(card)
    mappings: dict[int, Mapping | str] = {}
    by_deck: dict[str, list[_MappedNote]] = {}
    for note in pkg.notes:
        cards = sorted(cards_by_note.get(note.id, []), key=lambda c: c.ord)
        if not cards:
            continue
        if note.notetype_id not in mappings:
            notetype = pkg.notetypes.get(note.notetype_id)
            mappings[note.notetype_id] = (
                map_notetype(notetype)
                if notetype is not None
                else f"note type {note.notetype_id} is missing from the package"
            )
        mapping = mappings[note.notetype_id]
        notetype = pkg.notetypes.get(note.notetype_id)
        if (
            isinstance(mapping, str)
            and notetype is not None
            and notetype.kind != KIND_CLOZE
            and notetype.templates
        ):
            mapping = SidesMapping(sides=())  # no fields kb can pair up: each card's template is rendered
        if isinstance(mapping, str):
            skipped[mapping] += 1
            continue
        deck = pkg.decks.get(cards[0].deck_id, "Default")
        by_deck.setdefault(deck, []).append(_MappedNote(note, cards, mapping))
    return by_deck


# --- one Anki note -> one block of text ------------------------------------------------------------------------


class BlockCard(NamedTuple):
    """An Anki card answered by a block: kb's card kind and which card of the block (see ``CardSpot.which``)."""

    anki_card_id: int
    kind: str
    which: int


@dataclass(frozen=True)
class _Block:
    text: str
    kind: str  # basic, reversed or cloze
    kb_cards: int  # cards kb reads from the block
    anki_cards: tuple[BlockCard, ...]
    tags: tuple[str, ...] = ()  # the Anki note's tags, as kb tags


class _NoteFields:
    """One Anki note's fields as Markdown, read by index: a field the note lacks reads as empty."""

    def __init__(self, note: AnkiNote) -> None:
        self.converted: list[FieldMarkdown] = [html_to_markdown(f) for f in note.fields]
        self.extra_media: list[str] = []

    def text(self, index: int) -> str:
        return self.converted[index].text if index < len(self.converted) else ""

    def side(self, indexes: tuple[int, ...]) -> str:
        """The non-empty fields of one side of a card, a line each."""
        return "\n".join(text for i in indexes if (text := self.text(i)))

    def convert(self, html: str) -> str:
        """Rendered template HTML as Markdown; its media join the note's."""
        converted = html_to_markdown(html)
        self.extra_media.extend(converted.media)
        return converted.text

    def media(self) -> list[str]:
        return [ref for converted in self.converted for ref in converted.media] + self.extra_media


def _cloze_block(fields: _NoteFields, cards: list[AnkiCard], mapping: ClozeMapping) -> _Block | str:
    """A cloze note's paragraph, in Anki's own markup (kb reads it as is, nested deletions too), with its extra
    below; or why not."""
    text = card_side(fields.text(mapping.text))
    numbers = cloze_numbers(text)
    if not numbers:
        return "cloze notes without any {{cN::...}} deletion"
    extra = card_side(fields.side(mapping.extra))
    return _Block(
        text=text + (f"\n\n{extra}" if extra else ""),
        kind="cloze",
        kb_cards=len(numbers),
        anki_cards=tuple(BlockCard(c.id, "cloze", c.ord + 1) for c in cards),
    )


def _sides_blocks(
    fields: _NoteFields, mapped: _MappedNote, pkg: AnkiPackage, notes: list[str]
) -> list[_Block] | str:
    """The blocks of a front/back note: its two mirror-image cards as one reversed block, every other card (every
    template Anki made a card of) as a basic block with that template's question and answer; or why none."""
    cards, mapping = mapped.cards, mapped.mapping
    sides = mapping.sides if isinstance(mapping, SidesMapping) else ()
    blocks: list[_Block] = []
    pair = reversed_pair(sides, {c.ord for c in cards})
    paired: set[int] = set()
    if pair is not None:
        forward, backward = pair
        front, back = fields.side(sides[forward].question), fields.side(sides[forward].answer)
        if front and back:
            ids = {c.ord: c.id for c in cards}
            blocks.append(
                _Block(
                    text=_card_block("reversed", front, back),
                    kind="reversed",
                    kb_cards=2,
                    anki_cards=(
                        BlockCard(ids[forward], "reversed", 0),
                        BlockCard(ids[backward], "reversed", 1),
                    ),
                )
            )
            paired = {forward, backward}
    notetype = pkg.notetypes.get(mapped.note.notetype_id)
    for card in cards:
        if card.ord in paired:
            continue
        block = _template_block(fields, mapped.note, card, notetype, pkg, notes)
        if block is not None:
            blocks.append(block)
    return blocks or "notes whose cards all show an empty question or answer"


def _template_block(
    fields: _NoteFields, note: AnkiNote, card: AnkiCard, notetype, pkg: AnkiPackage, notes: list[str]
) -> _Block | None:
    """One card of one template as a basic block: the template rendered the way Anki renders it, as Markdown."""
    if notetype is None or card.ord >= len(notetype.templates):
        notes.append(f"card {card.id}: its template {card.ord + 1} is missing from the note type")
        return None
    template = notetype.templates[card.ord]
    values = dict(zip(notetype.fields, note.fields, strict=False))
    if notetype.id in KB_NOTE_TYPE_IDS:
        values["Source"] = ""  # kb's breadcrumb back to the note, not card text
    ctx = CardContext(
        fields=values,
        tags=note.tags,
        deck=pkg.decks.get(card.deck_id, ""),
        template=template.name,
        notetype=notetype.name,
        flag=card.flags & 7,
    )
    rendered = render_card(template.qfmt, template.afmt, ctx)
    front = fields.convert(rendered.question)
    back = fields.convert(rendered.answer)
    if front and not back:
        notes.append(
            f"note type {notetype.name!r}, template {template.name!r}: a card with an empty answer; kb needs one, "
            "so its question is its answer too"
        )
        back = front
    if not front:
        notes.append(
            f"note type {notetype.name!r}, template {template.name!r}: a card whose question is empty has no "
            "kb form; it was left out"
        )
        return None
    return _Block(
        text=_card_block("basic", front, back),
        kind="basic",
        kb_cards=1,
        anki_cards=(BlockCard(card.id, "basic", 0),),
    )


def reversed_pair(sides: tuple[Sides | None, ...], ords: set[int]) -> tuple[int, int] | None:
    """Two templates of this note that are mirror images (front->back and back->front), if the note has both."""
    present = sorted(o for o in ords if o < len(sides) and sides[o] is not None)
    for i, a in enumerate(present):
        for b in present[i + 1 :]:
            sa, sb = sides[a], sides[b]
            if set(sa.question) == set(sb.answer) and set(sa.answer) == set(sb.question):
                return a, b
    return None


_BLANK_LINES_RE = re.compile(r"\n\s*\n+")
_FENCE_RE = re.compile(r"```\n(.*?)\n?```", re.S)
_SEPARATOR_LINE_RE = re.compile(r"^(\s*)\?(\??\s*)$", re.M)


def card_side(text: str) -> str:
    """A field's Markdown as the import writes it on one side of a card: fenced code as inline code, no blank line."""
    return _one_block(_inline_code(text))


def written_forms(markdown: str) -> set[str]:
    """The forms the import may have written a field's Markdown in: as it is, as a card side, and with a line holding
    only ``?`` escaped (``kb.anki.writeback`` compares kb's text with them)."""
    side = card_side(markdown)
    return {markdown, side, _separators_kept(side)}


def _one_block(text: str) -> str:
    """A card side must not contain a blank line (it would end the card): keep each block on its own line."""
    return _BLANK_LINES_RE.sub("\n", text).strip() if "\n" in text else text.strip()


def _inline_code(text: str) -> str:
    """Fenced code turned into one inline-code line per line, for the card forms that cannot hold a fence."""

    def lines(m: re.Match) -> str:
        return "\n".join(
            f"`` {line} ``" if "`" in line else f"`{line}`" for line in m.group(1).split("\n") if line.strip()
        )

    return _FENCE_RE.sub(lines, text) if "```" in text else text


def _card_block(kind: str, front: str, back: str) -> str:
    """A basic or reversed card in kb's syntax: one line when both sides fit on one, else the ``?`` form."""
    if kind == "basic" and "```" in back and "```" not in front:
        # Code cannot sit in a `?` answer (kb reads fenced code as code, never as card text), but the body of a
        # question block can hold anything indented.
        title = " ".join(_one_block(front).split("\n")).replace("\n", " ")
        body = "\n".join(("    " + line) if line.strip() else "" for line in back.split("\n"))
        return f'??? question "{title}"\n{body}'
    front, back = card_side(front), card_side(back)
    sep = ":::" if kind == "reversed" else "::"
    if "\n" not in front and "\n" not in back and "::" not in front and "::" not in back:
        return f"{front}{sep}{back}"
    return f"{_separators_kept(front)}\n{'??' if kind == 'reversed' else '?'}\n{_separators_kept(back)}"


def _separators_kept(side: str) -> str:
    """A line of a side that holds only ``?`` or ``??`` (a field ending ``...<br>?``) would read as the card's
    separator: its first mark as an entity (``&#63;``, shown as ``?`` on the site, in the terminal and in Anki), it
    stays text. (Python-Markdown has no ``\\?`` escape.)"""
    return _SEPARATOR_LINE_RE.sub(r"\1&#63;\2", side) if "?" in side else side


# --- one deck -> one note --------------------------------------------------------------------------------------


@dataclass
class _DeckContent:
    blocks: list[_Block] = field(default_factory=list)
    media: dict[str, str] = field(default_factory=dict)  # package name -> file name


def _deck_content(
    pkg: AnkiPackage, mapped_notes: list[_MappedNote], skipped: Counter[str], notes: list[str]
) -> _DeckContent:
    """The blocks of a deck's notes; a note left out is counted in ``skipped`` and brings no tags or media.

    ``notes`` collects a sentence for each card kb could not express."""
    content = _DeckContent()
    for mapped in mapped_notes:
        fields = _NoteFields(mapped.note)
        if isinstance(mapped.mapping, ClozeMapping):
            blocks = _cloze_block(fields, mapped.cards, mapped.mapping)
            blocks = [blocks] if isinstance(blocks, _Block) else blocks
        else:
            blocks = _sides_blocks(fields, mapped, pkg, notes)
        if isinstance(blocks, str):
            skipped[blocks] += 1
            continue
        tags = kb_tags(mapped.note.tags)
        notes.extend(renamed_tags(mapped.note.tags))
        content.blocks.extend(replace(block, tags=tags) for block in blocks)
        content.media.update(media_copies(fields.media(), pkg.media))
    return content


def _planned_note(path: str, deck: str, content: _DeckContent, deck_tag: str) -> PlannedNote:
    title = deck.split("::")[-1].strip() or "Default"
    per_block = [block.tags for block in content.blocks]
    common = common_tags(per_block)
    front_matter = _front_matter(title, deck, list(common))
    body: list[str] = [f"# {escape_text(title)}", ""]  # the deck's name is text, never markup
    line = front_matter.count("\n") + len(body) + 1  # where the first card starts
    spots: list[CardSpot] = []
    kb_cards: Counter[str] = Counter()
    for block, tag_line in zip(content.blocks, tag_lines(per_block, common, deck_tag), strict=True):
        if tag_line is not None:
            body.extend((tag_line, ""))
            line += 2
        size = block.text.count("\n") + 1
        spots.extend(CardSpot(c.anki_card_id, path, line, c.kind, c.which, size) for c in block.anki_cards)
        body.extend((block.text, ""))
        line += block.text.count("\n") + 2
        kb_cards[block.kind] += block.kb_cards
    return PlannedNote(
        path=path,
        deck=deck,
        text=stamp(front_matter + "\n".join(body).rstrip("\n") + "\n"),
        media=tuple(MediaCopy(*copy) for copy in sorted(content.media.items())),
        spots=tuple(spots),
        cards=dict(kb_cards),
    )


def _front_matter(title: str, deck: str, tags: list[str]) -> str:
    import yaml

    # The package's file name stays out of the text: the same deck from a renamed file must match what is there.
    data = {"title": title, "tags": tags, "source": "Anki", "anki_deck": deck}
    if not tags:
        del data["tags"]
    # the digest of what kb wrote: a later import of the deck knows whether someone edited the note (kb.anki.updates)
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000) + PENDING + "---\n"
