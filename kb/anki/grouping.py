"""Which kb cards make one Anki note on export. Pure.

A basic-like card is a note of its own; the two sides of a reversed card are one note; the cloze cards of one
paragraph are one note, and so are those of adjacent items of one list whose deletion numbers differ (``- {{c1::a}}``
then ``- {{c2::b}}``: how Anki holds a cloze list, and how an imported one comes back as the one note it was).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from kb.anki.exporter import ExportCard

BASIC_KINDS = ("basic", "question", "definition", "keypoint")

_LIST_ITEM_RE = re.compile(r"\s*(?:[-*+]|\d+[.)])\s")


class GroupKey(NamedTuple):
    model: str  # basic, reversed or cloze
    note: str
    key: str  # what the cards of one Anki note share: a basic card's id, a reversed pair's or a paragraph's sibling key


def group_by_anki_note(cards: list[ExportCard]) -> dict[GroupKey, list[ExportCard]]:
    """The cards of each Anki note, in the notes' order; kinds Anki has no model for are left out."""
    # Siblings are keyed by their text, so the same card written in two notes shares a key: group within a note.
    groups: dict[GroupKey, list[ExportCard]] = {}
    for card in sorted(cards, key=lambda c: (c.note, c.position, c.cloze_index)):
        if card.kind in BASIC_KINDS:
            key = GroupKey("basic", card.note, card.id)
        elif card.kind in ("reversed", "cloze"):
            key = GroupKey(card.kind, card.note, card.sibling or str(card.line))
        else:
            continue
        groups.setdefault(key, []).append(card)
    return _join_cloze_lists(groups)


def _join_cloze_lists(groups: dict[GroupKey, list[ExportCard]]) -> dict[GroupKey, list[ExportCard]]:
    """Cloze groups of adjacent list items of one note, with no deletion number in common, as one group."""
    out: dict[GroupKey, list[ExportCard]] = {}
    last: tuple[GroupKey, list[ExportCard]] | None = None
    for key, group in groups.items():
        if last is not None and _continues(last[0], last[1], key, group):
            last[1].extend(group)
            continue
        out[key] = list(group)
        last = (key, out[key])
    return out


def _continues(prev_key: GroupKey, prev: list[ExportCard], key: GroupKey, group: list[ExportCard]) -> bool:
    if key.model != "cloze" or prev_key.model != "cloze" or key.note != prev_key.note:
        return False
    text, before = group[0].cloze_text, prev[-1].cloze_text
    if not (_LIST_ITEM_RE.match(text) and _LIST_ITEM_RE.match(before)):
        return False
    if group[0].line != prev[-1].line + before.count("\n") + 1:
        return False
    return not {c.cloze_index for c in group} & {c.cloze_index for c in prev}
