"""Anki's tags as kb's: each imported card keeps its own Anki note's tags.

An Anki note's tags belong to its cards, not to the deck. An imported deck's note holds in its front matter only the
tags every one of its Anki notes has; each block whose notes have more carries them on a deck-tag line above it, the
form kb reads for the Obsidian Spaced Repetition plugin (``#flashcards #chapter-1 #leech``: a line holding only tags,
one of them a flashcard tag, gives its tags to the cards below it, until the next such line). So ``kb review --tag
chapter-1`` (and ``quiz``, ``due``, ``cards``, ``export``) selects that chapter's cards, not the whole deck.

Anki's hierarchy ``Bio::Cell`` becomes kb's ``Bio/Cell`` (and back on export); a character a ``#tag`` cannot hold
becomes ``_`` (said in the import's report). Pure.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

# What kb's deck-tag lines cannot hold inside a #tag (kb.cards.obsidian reads them)
_NOT_IN_TAG_RE = re.compile(r"[\s#,;:!?()\[\]{}<>\"'`*=|\\^]")


def kb_tag(anki: str) -> str:
    """``Bio::Cell`` -> ``Bio/Cell``; characters a ``#tag`` cannot hold become ``_``."""
    return _NOT_IN_TAG_RE.sub("_", anki.strip().replace("::", "/")).strip("/") or "_"


def kb_tags(anki: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(kb_tag(t) for t in anki if t.strip()))


def renamed_tags(anki: Sequence[str]) -> list[str]:
    """A sentence per Anki tag kb writes otherwise than as a hierarchy change."""
    return [
        f"Anki tag {t!r} written as #{kb_tag(t)} (a #tag cannot hold {''.join(sorted(set(bad)))!r})"
        for t in anki
        if (bad := _NOT_IN_TAG_RE.findall(t.strip().replace("::", "/")))
    ]


def common_tags(per_block: Sequence[tuple[str, ...]]) -> tuple[str, ...]:
    """The tags every block has, in order of first use: the deck note's own tags."""
    if not per_block:
        return ()
    rest = [set(tags) for tags in per_block[1:]]
    return tuple(t for t in per_block[0] if all(t in s for s in rest))


def tag_lines(
    per_block: Sequence[tuple[str, ...]], common: tuple[str, ...], deck_tag: str
) -> list[str | None]:
    """For each block, the deck-tag line to write above it, or None (the line above still holds).

    No line at all when no block has tags beyond ``common``; else the first block gets one (kb gives cards above the
    first tag line that line's tags), and every block whose tags differ from the one before.
    """
    extras = [tuple(t for t in tags if t not in common) for tags in per_block]
    if not any(extras):
        return [None] * len(per_block)
    lines: list[str | None] = []
    previous: tuple[str, ...] | None = None
    for tags in extras:
        lines.append(None if tags == previous else " ".join(f"#{t}" for t in (deck_tag, *tags)))
        previous = tags
    return lines
