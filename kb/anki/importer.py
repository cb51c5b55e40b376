"""Import an Anki package: one Markdown note per deck in kb's card syntax, media beside it, reviews into the journal.

The pure part (``plan_import``) turns an ``AnkiPackage`` into planned notes: their text, the media they use and, for
every Anki card, where its kb card will be (note, line, which side or cloze number). The I/O part
(``import_package``) writes what is new, never rewrites an existing note (kb never rewrites notes), indexes, and
replays the Anki review log through the review journal with each answer's original time.

Card syntax written (the one kb reads):

- basic: ``Front::Back`` on one line, or ``Front`` / ``?`` / ``Back`` lines when a side has several lines;
- reversed: ``Front:::Back``, or ``Front`` / ``??`` / ``Back``;
- cloze: the paragraph with Anki's own ``{{c1::answer::hint}}`` markup, which kb reads as is.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path, PurePosixPath

from kb.anki.package import KIND_CLOZE, AnkiCard, AnkiNote, AnkiPackage, NoteType, RevlogEntry
from kb.errors import KbError

# --- HTML -> Markdown ---------------------------------------------------------------------------------------

_BLOCK = {
    "div",
    "p",
    "li",
    "ul",
    "ol",
    "pre",
    "blockquote",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tr",
}
_SOUND_RE = re.compile(r"\[sound:([^\]]+)\]")
_MATH_RE = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)


class _ToMarkdown(HTMLParser):
    """Anki field HTML (what its editor writes: b, i, u, br, div, lists, links, images, code) to Markdown."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.lists: list[list] = []  # [tag, counter]
        self.href: list[str | None] = []
        self.pre = 0
        self.images: list[str] = []

    def _newline(self) -> None:
        if self.out and not self.out[-1].endswith("\n"):
            self.out.append("\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "br":
            self.out.append("\n")
        elif tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag in ("sub", "sup"):
            self.out.append(f"<{tag}>")
        elif tag == "pre":
            self._newline()
            self.out.append("```\n")
            self.pre += 1
        elif tag in ("ul", "ol"):
            self._newline()
            self.lists.append([tag, 0])
        elif tag == "li":
            self._newline()
            depth = max(0, len(self.lists) - 1)
            if self.lists and self.lists[-1][0] == "ol":
                self.lists[-1][1] += 1
                self.out.append("   " * depth + f"{self.lists[-1][1]}. ")
            else:
                self.out.append("  " * depth + "- ")
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self._newline()
            self.out.append("**")  # a heading inside a card would split the note; keep it bold instead
        elif tag in _BLOCK:
            self._newline()
        elif tag == "img":
            src = (a.get("src") or "").strip()
            if src:
                self.images.append(src)
                alt = (a.get("alt") or "").replace("]", "")
                self.out.append(f"![{alt}]({_link_target(src)})")
        elif tag == "a":
            self.href.append(a.get("href"))
            self.out.append("[" if a.get("href") else "")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("b", "strong"):
            self.out.append("**")
        elif tag in ("i", "em"):
            self.out.append("*")
        elif tag == "code" and not self.pre:
            self.out.append("`")
        elif tag in ("sub", "sup"):
            self.out.append(f"</{tag}>")
        elif tag == "pre":
            self._newline()
            self.out.append("```\n")
            self.pre = max(0, self.pre - 1)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._newline()
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.out.append("**\n")
        elif tag in _BLOCK:
            self._newline()
        elif tag == "a":
            href = self.href.pop() if self.href else None
            if href:
                self.out.append(f"]({_link_target(href)})")

    def handle_data(self, data: str) -> None:
        if self.pre:
            self.out.append(data)
            return
        data = re.sub(r"[ \t\r\n]+", " ", data.replace("\xa0", " "))
        data = _escape(data)
        if not self.out or self.out[-1].endswith("\n"):
            data = _escape_line_start(data.lstrip())
        self.out.append(data)


def _link_target(target: str) -> str:
    return f"<{target}>" if re.search(r"[\s()<>]", target) else target


_INLINE_ESCAPES = re.compile(r"([\\`*$~^])|(?<!\w)_|_(?!\w)")
_LINE_START = re.compile(r"^(?:([#>+-])|(\d+)([.)]))")


def _escape(text: str) -> str:
    """Escape what Markdown would read as formatting in plain Anki text; ``==`` would become a kb cloze."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _INLINE_ESCAPES.sub(lambda m: "\\" + m.group(0), text)
    # `[x](y)` would be a link; `\(` would start math (arithmatex), so the parenthesis becomes an entity
    text = text.replace("](", "]&#40;")
    return text.replace("==", "\\==")


def _escape_line_start(text: str) -> str:
    """Text that starts a line must not read as a heading, quote, list item, numbered list or link definition."""
    if re.match(r"\[[^\]]*\]:", text):
        return "&#91;" + text[1:]
    return _LINE_START.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else f"{m.group(2)}\\{m.group(3)}", text, count=1
    )


def html_to_markdown(html: str) -> tuple[str, tuple[str, ...]]:
    """Convert one Anki field to Markdown; returns the text and the media files (image sources) it references.

    Math (``\\(..\\)``, ``\\[..\\]``) becomes ``$..$`` / ``$$..$$`` as kb's notes write it; ``[sound:x.mp3]``
    becomes a link to the file.
    """
    stash: list[str] = []

    def keep(text: str) -> str:
        stash.append(text)
        return f"\x00{len(stash) - 1}\x00"

    html = _MATH_RE.sub(
        lambda m: keep(f"${m.group(1)}$" if m.group(1) is not None else f"$${m.group(2)}$$"), html
    )
    sounds = tuple(_SOUND_RE.findall(html))
    html = _SOUND_RE.sub(lambda m: keep(f"[{m.group(1)}]({_link_target(m.group(1))})"), html)
    parser = _ToMarkdown()
    parser.feed(html)
    parser.close()
    text = "".join(parser.out)
    text = re.sub(r"\x00(\d+)\x00", lambda m: stash[int(m.group(1))], text)
    lines = [line.rstrip() for line in text.split("\n")]
    text = "\n".join(lines).strip("\n")
    text = re.sub(r"\*\*\*\*|(?<!\*)\*\*(?!\*)(?=\*\*)", "", text)  # empty bold left by <b></b>
    return text.strip(), tuple(dict.fromkeys((*parser.images, *sounds)))


# --- mapping note types -------------------------------------------------------------------------------------

_REF_RE = re.compile(r"{{([^{}]+)}}")
_SPECIAL_FIELDS = {"FrontSide", "Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag", "CardID"}


def _refs(fmt: str, fields: tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Fields a template shows, split into shown (``{{Front}}``) and typed-in answers (``{{type:Back}}``)."""
    shown, typed = [], []
    for ref in _REF_RE.findall(fmt):
        ref = ref.strip()
        if ref[:1] in "#/^!":
            continue
        parts = ref.split(":")
        name = parts[-1].strip()
        if name in _SPECIAL_FIELDS or name not in fields:
            continue
        target = typed if "type" in (p.strip() for p in parts[:-1]) else shown
        if name not in target:
            target.append(name)
    return shown, typed


@dataclass(frozen=True)
class Sides:
    """How one card template maps to a question and an answer: indexes of fields shown on each side."""

    question: tuple[int, ...]
    answer: tuple[int, ...]


@dataclass(frozen=True)
class Mapping:
    """How a note type becomes kb cards: ``cloze`` (text field + extra) or per-template question/answer sides."""

    kind: str  # "cloze" or "sides"
    text: int = 0  # cloze: the field with {{cN::}} markup
    extra: tuple[int, ...] = ()  # cloze: fields shown on the back only
    sides: tuple[Sides | None, ...] = ()  # sides: per template, None when it cannot be mapped


# kb's own exported note types (kb/anki_export.py): their Source field is kb's breadcrumb, not card text.
KB_MODEL_IDS = (1607392319001, 1607392319002, 1607392319003)


def map_notetype(nt: NoteType) -> Mapping | str:
    """The mapping, or a sentence saying why kb cannot represent this note type."""
    fields = nt.fields
    if nt.id in KB_MODEL_IDS:
        fields = tuple("" if f == "Source" else f for f in fields)
    if not nt.templates:
        return f"note type {nt.name!r} has no card templates"
    if nt.kind == KIND_CLOZE:
        q = nt.templates[0].qfmt
        if "image-occlusion" in q or "Image Occlusion" in nt.name:
            return f"note type {nt.name!r} (image occlusion) has no Markdown form in kb"
        match = re.search(r"{{(?:[^{}:]*:)*cloze:([^{}]+)}}", q)
        if not match or match.group(1).strip() not in fields:
            return f"note type {nt.name!r} is a cloze type without a {{{{cloze:Field}}}} kb can find"
        text = fields.index(match.group(1).strip())
        shown, _ = _refs(nt.templates[0].afmt, fields)
        extra = tuple(fields.index(n) for n in shown if fields.index(n) != text)
        return Mapping(kind="cloze", text=text, extra=extra)
    sides = []
    for t in nt.templates:
        q_shown, q_typed = _refs(t.qfmt, fields)
        a_shown, a_typed = _refs(t.afmt, fields)
        answer = [n for n in (*a_shown, *a_typed, *q_typed) if n not in q_shown]
        answer = list(dict.fromkeys(answer))
        if q_shown and answer:
            sides.append(
                Sides(tuple(fields.index(n) for n in q_shown), tuple(fields.index(n) for n in answer))
            )
        else:
            sides.append(None)
    if all(s is None for s in sides):
        return f"note type {nt.name!r}: kb cannot tell which fields are the question and which the answer"
    return Mapping(kind="sides", sides=tuple(sides))


# --- planning -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CardSpot:
    """Where an Anki card's kb counterpart is: the note, the card's first line, and which card of that block."""

    anki_card_id: int
    note: str  # path relative to the root
    line: int
    kind: str  # basic, reversed or cloze
    which: int  # basic 0; reversed 0 front->back, 1 back->front; cloze: the cloze number (c1 -> 1)


@dataclass(frozen=True)
class PlannedNote:
    path: str  # relative to the root: notes/imported/books/atomic-habits.md
    deck: str
    text: str
    media: tuple[tuple[str, str], ...]  # (name in the package, file name written next to the note)
    spots: tuple[CardSpot, ...]
    cards: dict[str, int] = field(default_factory=dict, compare=False)  # kind -> count of kb cards


@dataclass(frozen=True)
class ImportPlan:
    notes: tuple[PlannedNote, ...]
    skipped: tuple[str, ...]  # one sentence per note type (or note) left out, with how many notes


def slug(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    text = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()
    return text or "deck"


def safe_media_name(name: str) -> str | None:
    """A media name usable as a file name next to the note, or None (``../x``, ``/etc/x``, ``a/b`` are refused).

    Anki's media folder is flat, so a name with a folder in it never comes from Anki itself; refusing it keeps a
    crafted package from writing outside the import folder.
    """
    if not name or "/" in name or "\\" in name or "\x00" in name or name in (".", ".."):
        return None
    if name.startswith(".") or ":" in name:
        return None
    return name


def _deck_path(into_rel: str, deck: str) -> str:
    parts = [slug(p) for p in deck.split("::") if p.strip()] or ["default"]
    return str(PurePosixPath(into_rel, *parts[:-1], parts[-1] + ".md"))


def _one_block(text: str) -> str:
    """A card side must not contain a blank line (it would end the card): keep each block on its own line."""
    return re.sub(r"\n\s*\n+", "\n", text).strip()


def _inline_code(text: str) -> str:
    """Fenced code turned into one inline-code line per line, for the card forms that cannot hold a fence."""

    def lines(m: re.Match) -> str:
        return "\n".join(
            f"`` {line} ``" if "`" in line else f"`{line}`" for line in m.group(1).split("\n") if line.strip()
        )

    return re.sub(r"```\n(.*?)\n?```", lines, text, flags=re.S)


def _card_block(kind: str, front: str, back: str) -> str:
    if kind == "basic" and "```" in back and "```" not in front:
        # Code cannot sit in a `?` answer (kb reads fenced code as code, never as card text), but the body of a
        # question block can hold anything indented.
        title = " ".join(_one_block(front).split("\n")).replace("\n", " ")
        body = "\n".join(("    " + line) if line.strip() else "" for line in back.split("\n"))
        return f'??? question "{title}"\n{body}'
    front, back = _one_block(_inline_code(front)), _one_block(_inline_code(back))
    sep = ":::" if kind == "reversed" else "::"
    if "\n" not in front and "\n" not in back and "::" not in front and "::" not in back:
        return f"{front}{sep}{back}"
    return f"{front}\n{'??' if kind == 'reversed' else '?'}\n{back}"


def _front_matter(title: str, deck: str, tags: list[str]) -> str:
    import yaml

    # The package's file name stays out of the text: the same deck from a renamed file must match what is there.
    data = {"title": title, "tags": tags, "source": "Anki", "anki_deck": deck}
    if not tags:
        del data["tags"]
    return "---\n" + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000) + "---\n"


def plan_import(pkg: AnkiPackage, into_rel: str) -> ImportPlan:
    """Plan the notes an import writes. Pure: no file system, no database."""
    cards_by_note: dict[int, list[AnkiCard]] = {}
    for card in pkg.cards:
        cards_by_note.setdefault(card.note_id, []).append(card)
    mappings: dict[int, Mapping | str] = {}
    skipped: Counter[str] = Counter()
    by_deck: dict[str, list[tuple[AnkiNote, list[AnkiCard], Mapping]]] = {}
    for note in pkg.notes:
        cards = sorted(cards_by_note.get(note.id, []), key=lambda c: c.ord)
        if not cards:
            continue
        nt = pkg.notetypes.get(note.notetype_id)
        if nt is None:
            skipped[f"note type {note.notetype_id} is missing from the package"] += 1
            continue
        if nt.id not in mappings:
            mappings[nt.id] = map_notetype(nt)
        mapping = mappings[nt.id]
        if isinstance(mapping, str):
            skipped[mapping] += 1
            continue
        deck = pkg.decks.get(cards[0].deck_id, "Default")
        by_deck.setdefault(deck, []).append((note, cards, mapping))

    planned = []
    paths: set[str] = set()
    for deck in sorted(by_deck):
        blocks: list[tuple[str, list[tuple[int, str, int]]]] = []  # text, [(anki card id, kind, which)]
        counts: Counter[str] = Counter()
        media: dict[str, str] = {}
        tags: dict[str, None] = {}
        for note, cards, mapping in by_deck[deck]:
            fields = [html_to_markdown(f) for f in note.fields]
            before = len(blocks)

            def side(indexes: tuple[int, ...], fields=fields) -> str:
                return "\n".join(fields[i][0] for i in indexes if i < len(fields) and fields[i][0])

            if mapping.kind == "cloze":
                _cloze_block(cards, mapping, fields, side, blocks, counts, skipped)
            else:
                _sides_block(cards, mapping.sides, side, blocks, counts, skipped)
            if len(blocks) > before:  # the note made it: its tags and media come along
                for tag in note.tags:
                    tags.setdefault(tag, None)
                for ref in (ref for _, refs in fields for ref in refs):
                    safe = safe_media_name(ref)
                    if safe is not None and ref in pkg.media:
                        media[ref] = safe
        if not blocks:
            continue

        path = _deck_path(into_rel, deck)
        if path in paths:  # two deck names with one slug ("A B" and "A-B"): keep both, apart
            path = next(p for i in range(2, 100_000) if (p := f"{path[:-3]}-{i}.md") not in paths)
        paths.add(path)
        title = deck.split("::")[-1].strip() or "Default"
        front_matter = _front_matter(title, deck, list(tags))
        body: list[str] = [f"# {title}", ""]
        line = front_matter.count("\n") + len(body) + 1  # where the first card starts
        spots: list[CardSpot] = []
        for text, ids in blocks:
            spots.extend(CardSpot(anki_id, path, line, kind, which) for anki_id, kind, which in ids)
            body.extend((text, ""))
            line += text.count("\n") + 2
        planned.append(
            PlannedNote(
                path=path,
                deck=deck,
                text=front_matter + "\n".join(body).rstrip("\n") + "\n",
                media=tuple(sorted(media.items())),
                spots=tuple(spots),
                cards=dict(counts),
            )
        )
    return ImportPlan(
        notes=tuple(planned),
        skipped=tuple(f"{why}: skipped {n} note(s)" for why, n in sorted(skipped.items())),
    )


def _cloze_block(cards, mapping, fields, side, blocks, counts, skipped) -> None:
    """A cloze note's paragraph, in Anki's own markup (kb reads it as is), with its extra below."""
    text = _one_block(_inline_code(fields[mapping.text][0] if mapping.text < len(fields) else ""))
    numbers = {int(n) for n in re.findall(r"{{c(\d+)::", text)}
    if not numbers:
        skipped["cloze notes without any {{cN::...}} deletion"] += 1
        return
    extra = _one_block(_inline_code(side(mapping.extra)))
    blocks.append((text + (f"\n\n{extra}" if extra else ""), [(c.id, "cloze", c.ord + 1) for c in cards]))
    counts["cloze"] += len(numbers)


def _sides_block(cards, sides, side, blocks, counts, skipped) -> None:
    """A front/back note's block: reversed when it has two mirror-image cards, else basic."""
    pair = _reversed_pair(sides, {c.ord for c in cards})
    if pair is not None:
        fwd, bwd = pair
        front, back = side(sides[fwd].question), side(sides[fwd].answer)
        if front and back:
            ids = {c.ord: c.id for c in cards}
            block = _card_block("reversed", front, back)
            blocks.append((block, [(ids[fwd], "reversed", 0), (ids[bwd], "reversed", 1)]))
            counts["reversed"] += 2
            return
    card = next((c for c in cards if c.ord < len(sides) and sides[c.ord] is not None), None)
    if card is None:
        skipped["notes whose cards use templates kb cannot map"] += 1
        return
    front, back = side(sides[card.ord].question), side(sides[card.ord].answer)
    if not front or not back:
        skipped["notes with an empty question or answer"] += 1
        return
    blocks.append((_card_block("basic", front, back), [(card.id, "basic", 0)]))
    counts["basic"] += 1


def _reversed_pair(sides: tuple[Sides | None, ...], ords: set[int]) -> tuple[int, int] | None:
    """Two templates of this note that are mirror images (front->back and back->front), if the note has both."""
    present = sorted(o for o in ords if o < len(sides) and sides[o] is not None)
    for i, a in enumerate(present):
        for b in present[i + 1 :]:
            sa, sb = sides[a], sides[b]
            if set(sa.question) == set(sb.answer) and set(sa.answer) == set(sb.question):
                return a, b
    return None


def grade_for(entry: RevlogEntry, sched_ver: int) -> int | None:
    """kb's grade (1 again .. 4 easy) for an Anki answer, None for log lines that are not answers.

    Anki's first scheduler had three buttons while learning (again, good, easy), so ease 2 and 3 there mean good and
    easy; later schedulers always use four.
    """
    if entry.ease <= 0 or entry.type in (4, 5):
        return None
    if sched_ver == 1 and entry.type in (0, 2) and entry.ease in (2, 3):
        return entry.ease + 1
    return min(entry.ease, 4)


def media_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=16).hexdigest()


# --- I/O: writing notes and media, replaying reviews ----------------------------------------------------------


@dataclass(frozen=True)
class ImportReport:
    package: str
    written: tuple[str, ...]  # notes created
    unchanged: tuple[str, ...]  # notes already there with the same text (a second import)
    media_written: int
    reviews: int  # answers added to the review journal
    reviews_known: int  # answers already imported before
    cards: dict[str, int]  # kind -> kb cards in the notes of this package
    problems: tuple[str, ...]  # one line each: conflicts, skipped note types, refused media names


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def import_package(kb, conn, package: Path, into: Path) -> ImportReport:
    """Import ``package`` into the folder ``into`` (inside the notes folder), then its review history.

    Never rewrites a file: a note or media file already there with the same content is left alone, one with other
    content is reported and nothing is written for that deck (its reviews are not imported either, since kb cannot
    know which card is which in a file it did not write).
    """
    from kb.anki.package import open_package, read_media

    package = Path(package)
    into = Path(into)
    if not _inside(into, kb.notes):
        raise KbError(
            f"{into}: the import folder must be inside the notes folder ({kb.rel(kb.notes)}) so kb indexes it; "
            f"use e.g. --into {kb.rel(kb.notes)}/imported"
        )
    into_rel = kb.rel(into)
    problems: list[str] = []
    written: list[str] = []
    unchanged: list[str] = []
    media_written = 0
    usable: list[PlannedNote] = []
    with open_package(package) as (pkg, zf):
        plan = plan_import(pkg, into_rel)
        problems.extend(f"{package}: {line}" for line in plan.skipped)
        for note in plan.notes:
            target = kb.root / note.path
            if target.exists():
                try:
                    same = target.read_text(encoding="utf-8") == note.text
                except (OSError, UnicodeDecodeError):
                    same = False
                if not same:
                    problems.append(
                        f"{note.path}:1: already exists with other content; kb never rewrites a note, so deck "
                        f"{note.deck!r} was not imported (move the file aside or use --into another folder)"
                    )
                    continue
                unchanged.append(note.path)
            pending: list[tuple[Path, bytes]] = []
            for name, safe in note.media:
                dest = target.parent / safe
                if not _inside(dest, target.parent):
                    problems.append(
                        f"{package}: media file {name!r} would land outside {kb.rel(target.parent)}; skipped"
                    )
                    continue
                data = read_media(pkg, zf, name)
                if data is None:
                    problems.append(f"{package}: media file {name!r} is referenced but not in the package")
                    continue
                if dest.exists():
                    if dest.read_bytes() != data:
                        problems.append(
                            f"{kb.rel(dest)}: a different file with this name is already there; left it alone "
                            f"(the imported note refers to {name!r})"
                        )
                    continue  # a clashing media file does not stop the note: its text is still right
                pending.append((dest, data))
            try:
                if note.path not in unchanged:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    with open(target, "x", encoding="utf-8", newline="\n") as fh:  # "x": never over a file
                        fh.write(note.text)
                    written.append(note.path)
                for dest, data in pending:
                    with open(dest, "xb") as fh:
                        fh.write(data)
                    media_written += 1
            except OSError as exc:
                raise KbError(
                    f"{kb.rel(target)}: cannot write ({exc.strerror or exc}); check the folder's permissions and free "
                    f"space; notes written so far: {len(written)}"
                ) from None
            usable.append(note)
        # Unsafe media names referenced by notes are reported here: the plan kept them out of the copy list.
        for anki_note in pkg.notes:
            for fld in anki_note.fields:
                for ref in re.findall(r'<img[^>]+src="([^"]+)"', fld) + _SOUND_RE.findall(fld):
                    if safe_media_name(ref) is None:
                        problems.append(f"{package}: media name {ref!r} is not a plain file name; not copied")
        revlog = pkg.revlog
        sched_ver = pkg.sched_ver

    cards: dict[str, int] = {}
    for note in plan.notes:
        for kind, n in note.cards.items():
            cards[kind] = cards.get(kind, 0) + n
    reviews, known, review_problems = _import_reviews(kb, conn, usable, revlog, sched_ver)
    problems.extend(f"{package}: {p}" for p in review_problems)
    return ImportReport(
        package=str(package),
        written=tuple(written),
        unchanged=tuple(unchanged),
        media_written=media_written,
        reviews=reviews,
        reviews_known=known,
        cards=cards,
        problems=tuple(dict.fromkeys(problems)),
    )


def _find_card(conn, spot: CardSpot) -> str | None:
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


def review_uid(entry: RevlogEntry) -> str:
    """The journal id of an imported answer, derived from Anki's own ids: importing again finds it and adds nothing."""
    return f"anki-{entry.card_id}-{entry.id}"


def _import_reviews(kb, conn, notes, revlog, sched_ver) -> tuple[int, int, list[str]]:
    """Replay Anki's review log for the cards of ``notes`` through the review journal, oldest answer first."""
    answers = [e for e in revlog if grade_for(e, sched_ver) is not None]
    if not answers:
        return 0, 0, []
    from datetime import UTC, datetime

    from kb.index.indexer import index
    from kb.review.answers import Answer, record_answers

    index(kb, conn)  # the notes just written must have their cards before answers can point at them
    spots = {s.anki_card_id: s for note in notes for s in note.spots}
    card_ids = {aid: _find_card(conn, spot) for aid, spot in spots.items()}
    known = lost = 0
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
            known += 1
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
    added = len(batch)
    problems = []
    if lost:
        problems.append(
            f"{lost} review(s) not imported: kb found no card for them in the imported notes (run kb check)"
        )
    return added, known, problems


__all__ = [
    "CardSpot",
    "ImportPlan",
    "PlannedNote",
    "grade_for",
    "html_to_markdown",
    "map_notetype",
    "plan_import",
    "safe_media_name",
]
