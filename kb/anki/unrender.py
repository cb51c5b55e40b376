"""A front/back note's fields read back out of its cards' text as kb shows them (``kb export anki --into``).

kb shows each card of such a note as its template renders it (``kb.anki.templates``), turned into Markdown:
``<div class=word>{{Word}}</div><br>{{Hint}}`` becomes two lines, ``What is the capital of {{Country}}?`` a sentence
(a mirror-image pair of templates is one reversed card of the fields themselves). To take an edit of that text back
into the fields, each card is rendered once more with a marker in place of each field that is filled (an empty one
stays empty, so conditional sections come out as they did), turned into Markdown the same way, and its markers made
the capture groups of a pattern that kb's text is matched against. A field takes kb's text only when nothing is
guessed:

- the fixed text of the template is still there, as it was (else the edit changed it);
- kb's text splits into the fields one way only (two fields with nothing between them, or one holding what stands
  between them, split several ways);
- every card of the note that shows a field shows the same text for it;
- the fields so written render into kb's cards again: no conditional section comes or goes (a field emptied or
  filled), no Markdown reads otherwise on its own than inside the sentence it was taken from.

A field a template shows through a filter that changes it (``text:``, ``furigana:``, ``kana:``, ``kanji:``) is fixed
text: kb cannot tell its HTML from what it shows.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kb.anki.fields import html_to_markdown
from kb.anki.markup import render_markdown
from kb.anki.notetypes import KB_NOTE_TYPE_IDS, SidesMapping
from kb.anki.package import NoteType
from kb.anki.plan import card_side, reversed_pair, written_forms
from kb.anki.templates import CardContext, field_is_empty, render_card

# private-use characters: no field holds them, Markdown keeps them
_MARKER_RE = re.compile("\ue000(\\d+)\ue001")
_FIELD_REF_RE = re.compile(r"{{([^{}]+)}}")
_CHANGING_FILTERS = frozenset({"text", "furigana", "kana", "kanji"})


def _marker(index: int) -> str:
    return f"\ue000{index}\ue001"


class NoteCard(NamedTuple):
    """One kb card of the note: its Anki template, kb's kind and text, and what its template may show besides."""

    ord: int
    kind: str  # basic or question (a template rendered), reversed (the fields of a mirror-image pair)
    front: str
    back: str
    deck: str = ""
    flag: int = 0
    as_written: bool = False  # unchanged in kb since the import or a write-back: shows no edit of its own


class _Split(NamedTuple):
    values: list[tuple[int, str]] | None  # (field index, text) in order; None: no single way to split
    why: str = ""


_AS_IT_IS = object()  # a field a card shows unedited


def read_fields(
    notetype: NoteType, fields: list[str], mapping: SidesMapping, cards: list[NoteCard], tags: tuple[str, ...]
) -> dict[int, str] | str:
    """Field index -> kb's Markdown, for each field kb's cards changed ({} when none did); or a sentence saying why
    kb's text cannot be told apart into the fields."""
    note = _Note(notetype, fields, mapping, cards, tags)
    seen: dict[int, list[tuple[object, str]]] = {}  # field index -> (its text or _AS_IT_IS, the card's name)
    for card in sorted(cards, key=lambda c: c.ord):
        name = note.card_name(card)
        if card.kind not in ("basic", "question", "reversed") or (
            card.kind == "reversed" and card.ord not in (note.pair or ())
        ):
            continue  # not a card of this note's templates as the import writes them (a nested cloze's)
        now = note.sides(card, note.values)
        if card.as_written or _shows_as(card.front, now[0]) and _shows_as(card.back, now[1]):
            for index in note.shown(card):
                seen.setdefault(index, []).append((_AS_IT_IS, name))
            continue
        for pattern, kb_text, current in zip(
            note.sides(card, note.marked), (card.front, card.back), now, strict=True
        ):
            split = _split(pattern, kb_text, notetype.fields)
            if split.values is None:
                return f"card {name!r}: {split.why}{note.empty_fields(card)}"
            before = _split(pattern, current).values
            if before is not None and len(before) != len(split.values):
                before = None
            for position, (index, text) in enumerate(split.values):
                was = before[position][1] if before is not None else html_to_markdown(fields[index]).text
                unedited = _shows_as(text, was)
                seen.setdefault(index, []).append((_AS_IT_IS if unedited else text, name))
    wanted: dict[int, str] = {}
    # cards that still show a field another card edited: they show the edit once written
    stale: set[str] = set()
    for index, readings in seen.items():
        texts = {text for text, _ in readings}
        if len(texts) == 2 and _AS_IT_IS in texts:
            # edited on one card, still as Anki has it on the others: the edit is meant
            texts.discard(_AS_IT_IS)
            stale.update(card for text, card in readings if text is _AS_IT_IS)
        if len(texts) > 1:
            named = "; ".join(
                dict.fromkeys(
                    f"{card!r} {'unedited' if text is _AS_IT_IS else repr(text)}" for text, card in readings
                )
            )
            return (
                f"field {notetype.fields[index]!r} reads differently on the cards that show it ({named}): edit it "
                "alike on each, or in Anki"
            )
        if (text := texts.pop()) is not _AS_IT_IS:
            wanted[index] = text
    if wanted and (why := note.check(wanted, stale)):
        return why
    return wanted


class _Note:
    """One note's fields and kb's cards of it, rendered as the import renders them."""

    def __init__(
        self,
        notetype: NoteType,
        fields: list[str],
        mapping: SidesMapping,
        cards: list[NoteCard],
        tags: tuple[str, ...],
    ) -> None:
        self.notetype, self.fields, self.mapping, self.tags = notetype, fields, mapping, tags
        self.names = notetype.fields
        self.fixed = _changed_by_filters(notetype)
        self.values = self._values(fields)
        self.marked = self._marked(fields)
        self.cards = cards
        self.pair = reversed_pair(mapping.sides, {c.ord for c in cards if c.kind == "reversed"})

    def _values(self, fields: list[str]) -> dict[str, str]:
        values = dict(zip(self.names, fields, strict=False))
        if self.notetype.id in KB_NOTE_TYPE_IDS:
            values["Source"] = ""  # kb's breadcrumb back to the note, not card text (as the import reads it)
        return values

    def _marked(self, fields: list[str]) -> dict[str, str]:
        """The fields with a marker for each one kb may write: filled (kb's breadcrumb reads as empty), shown as it
        is (no filter changes it)."""
        values = self._values(fields)
        for index, name in enumerate(self.names):
            if name not in self.fixed and not field_is_empty(values[name]):
                values[name] = _marker(index)
        return values

    def empty_fields(self, card: NoteCard) -> str:
        """A note on the fields the card's template refers to that are empty: kb shows nothing to edit for them."""
        if card.ord >= len(self.notetype.templates):
            return ""
        template = self.notetype.templates[card.ord]
        refs = {
            ref.split(":")[-1].strip(" #^/") for ref in _FIELD_REF_RE.findall(template.qfmt + template.afmt)
        }
        empty = [name for name in self.names if name in refs and field_is_empty(self.values.get(name, ""))]
        if not empty:
            return ""
        named = ", ".join(map(repr, empty))
        return f"; its empty fields ({named}) show nothing in kb to edit: fill them in Anki"

    def card_name(self, card: NoteCard) -> str:
        templates = self.notetype.templates
        return templates[card.ord].name if card.ord < len(templates) else f"card {card.ord + 1}"

    def sides(self, card: NoteCard, values: dict[str, str]) -> tuple[str, str]:
        """The card's question and answer as the import writes them, from these field values."""
        if card.kind == "reversed":
            forward, backward = self.pair
            sides = self.mapping.sides[forward]
            question, answer = (
                (sides.question, sides.answer) if card.ord != backward else (sides.answer, sides.question)
            )
            return self._joined(question, values), self._joined(answer, values)
        if card.ord >= len(self.notetype.templates):
            return "", ""
        template = self.notetype.templates[card.ord]
        ctx = CardContext(
            fields=values,
            tags=self.tags,
            deck=card.deck,
            template=template.name,
            notetype=self.notetype.name,
            flag=card.flag,
        )
        rendered = render_card(template.qfmt, template.afmt, ctx)
        question, answer = html_to_markdown(rendered.question).text, html_to_markdown(rendered.answer).text
        return question, answer or question  # an empty answer: the import repeats the question

    def _joined(self, indexes: tuple[int, ...], values: dict[str, str]) -> str:
        names = [self.names[i] for i in indexes if i < len(self.names)]
        return "\n".join(text for name in names if (text := html_to_markdown(values.get(name, "")).text))

    def shown(self, card: NoteCard) -> list[int]:
        return [int(i) for side in self.sides(card, self.marked) for i in _MARKER_RE.findall(side)]

    def check(self, wanted: dict[int, str], stale: set[str] = frozenset()) -> str:
        """Why the fields kb would write would not show as kb's cards ('' when they would); the ``stale`` cards
        (by name) show a field as it was before another card's edit of it, and are not compared."""
        fields = list(self.fields)
        for index, text in wanted.items():
            fields[index] = render_markdown(text)
        values, marked = self._values(fields), self._marked(fields)
        for card in self.cards_of(wanted):
            name = self.card_name(card)
            if name in stale:
                continue
            if self.sides(card, marked) != self.sides(card, self.marked):
                return (
                    f"card {name!r}: with kb's text its template would show other parts (a field emptied or filled "
                    "where a section depends on it)"
                )
            new = self.sides(card, values)
            if not (_shows_as(card.front, new[0]) and _shows_as(card.back, new[1])):
                return f"card {name!r}: kb's text, put back into its fields, would not show as it does in kb"
        return ""

    def cards_of(self, wanted: dict[int, str]) -> list[NoteCard]:
        return [card for card in self.cards if set(self.shown(card)) & set(wanted)]


def _shows_as(text: str, markdown: str) -> bool:
    """Whether kb's ``text`` of a card side shows as ``markdown`` does: the same, or the same HTML but for spaces
    and line breaks (a line break inside a paragraph is a space in Markdown)."""
    if text in written_forms(markdown):
        return True
    return render_markdown(text).split() == render_markdown(markdown).split()


def _changed_by_filters(notetype: NoteType) -> set[str]:
    """The fields some template shows through a filter that changes them: kb cannot tell their HTML back."""
    fixed: set[str] = set()
    for template in notetype.templates:
        for ref in _FIELD_REF_RE.findall(template.qfmt + template.afmt):
            *filters, name = (part.strip() for part in ref.split(":"))
            if any(f.split(" ")[0] in _CHANGING_FILTERS for f in filters):
                fixed.add(name)
    return fixed


def _split(pattern: str, text: str, names: tuple[str, ...] = ()) -> _Split:
    """The fields' texts in kb's ``text`` of a side whose template gave ``pattern`` (Markdown, markers for the
    fields), in whichever form the import wrote the side (``written_forms``); ``names`` the note type's fields, to
    say which ones split more than one way."""
    found = _Split(None, _fixed_changed(pattern))
    for form in sorted(written_forms(pattern), key=lambda f: (f != card_side(pattern), f != pattern)):
        split = _split_form(form, text, names)
        if split.values is not None:
            return split
        if split.why != _fixed_changed(form):
            found = split
    return found


def _split_form(pattern: str, text: str, names: tuple[str, ...]) -> _Split:
    parts = _MARKER_RE.split(pattern)
    literals, indexes = parts[0::2], [int(i) for i in parts[1::2]]
    if not indexes:
        return _Split([]) if text == pattern else _Split(None, _fixed_changed(pattern))
    lazy = re.compile("(.*?)".join(map(re.escape, literals)), re.S).fullmatch(text)
    if lazy is None:
        return _Split(None, _fixed_changed(pattern))
    greedy = re.compile("(.*)".join(map(re.escape, literals)), re.S).fullmatch(text)  # matches when lazy does
    # Lazy groups find the split whose group ends come first, greedy ones the split whose come last: the same
    # split both ways is the only one.
    if lazy.groups() != greedy.groups():
        unsure = [i for i, a, b in zip(indexes, lazy.groups(), greedy.groups(), strict=True) if a != b]
        named = " and ".join(repr(names[i]) if i < len(names) else str(i) for i in dict.fromkeys(unsure))
        return _Split(
            None, f"{text!r} splits into fields {named} more than one way (nothing tells where one ends)"
        )
    return _Split(list(zip(indexes, lazy.groups(), strict=True)))


def _fixed_changed(pattern: str) -> str:
    return f"the text around its fields was changed (the template shows {_shown(pattern)!r}; edit only the fields)"


def _shown(pattern: str) -> str:
    """A side's pattern as a reader sees it: each field an ellipsis."""
    return _MARKER_RE.sub("…", pattern)
