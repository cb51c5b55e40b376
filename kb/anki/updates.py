"""Updating an imported deck from a newer version of it (a shared deck's update), without losing a local edit.

kb never rewrites a note a user wrote; a deck's note that kb itself wrote on import may be rewritten by a later import
of the same deck, as long as nobody edited it since. To know, kb stamps the note when it writes it: the front matter
key ``anki_import`` holds a digest of the note's text (all of it but that line). When an import finds the deck's note
with other content:

- the digest still matches: the note is as kb wrote it, so kb writes the newer version over it and says what changed,
  card by card as kb's index sees it after the update (``card_changes``: a card whose text changed keeps its id and
  history; a removed card keeps its history, as an orphan; a new card is added);
- it does not match (or the note has no stamp: written by an older kb, or by hand): someone edited it. kb writes
  nothing for that deck and says so, with what the update would change; ``--theirs`` takes the deck's version (the
  edit is lost, say so), ``--ours`` keeps the note as it is (the update's cards are not added).

Cards keep their kb ids and history across an update: kb recognises a card whose text changed (``kb.cards.sync``).
Pure: text in, text and sentences out.
"""

from __future__ import annotations

import difflib
import enum
import hashlib
import re

STAMP_KEY = "anki_import"
PENDING = f"{STAMP_KEY}: pending\n"  # the placeholder ``plan`` writes, replaced by ``stamp``
_STAMP_RE = re.compile(rf"^{STAMP_KEY}: *(\S*)\n", re.M)
_DECK_RE = re.compile(r"^anki_deck: *(.*)$", re.M)


class Choice(enum.Enum):
    """What to do with a deck's note edited since kb imported it."""

    ASK = "ask"  # write nothing, say what conflicts
    THEIRS = "theirs"  # the deck's newer version
    OURS = "ours"  # the note as it is


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=10).hexdigest()


def _front_matter(text: str) -> str:
    if not text.startswith("---\n"):
        return ""
    end = text.find("\n---\n", 4)
    return text[: end + 1] if end >= 0 else ""


def stamp(text: str) -> str:
    """The note with its ``anki_import`` digest filled in (``text`` holds ``PENDING`` in its front matter)."""
    without = text.replace(PENDING, "", 1)
    return text.replace(PENDING, f"{STAMP_KEY}: {_digest(without)}\n", 1)


def edited(text: str) -> bool:
    """Whether the note changed since kb wrote it: its stamp is missing or no longer matches its text."""
    m = _STAMP_RE.search(_front_matter(text))
    if m is None:
        return True
    return m.group(1) != _digest(unstamped(text))


def unstamped(text: str) -> str:
    """The note without its ``anki_import`` line: what two versions of it are compared by."""
    m = _STAMP_RE.search(_front_matter(text))
    return text if m is None else text[: m.start()] + text[m.end() :]


def deck_of(text: str) -> str | None:
    """The Anki deck a note was imported from (its front matter ``anki_deck``), None for any other note."""
    import yaml

    m = _DECK_RE.search(_front_matter(text))
    if m is None:
        return None
    try:
        value = yaml.safe_load(m.group(1))
    except yaml.YAMLError:
        return None
    return str(value) if value is not None else None


def _blocks(text: str) -> list[str]:
    body = text[len(_front_matter(text)) :]
    return [b.strip() for b in body.split("\n\n") if b.strip() and not b.lstrip().startswith("#")]


def _first_line(block: str, width: int = 60) -> str:
    line = block.split("\n", 1)[0]
    return line if len(line) <= width else line[: width - 1] + "…"


def _front(block: str) -> str:
    return block.split("\n", 1)[0].split("::", 1)[0].strip()


def changes(old: str, new: str) -> list[str]:
    """What an update would change in a deck's note, a sentence per card block (for a conflict, before anything is
    written): changed (the same question), removed, added."""
    a, b = _blocks(old), _blocks(new)
    out: list[str] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        news = {_front(block): block for block in b[j1:j2]}
        left: list[str] = []
        for block in a[i1:i2]:
            match = news.pop(_front(block), None)
            if match is not None:
                out.append(f"changed: {_first_line(block)!r} -> {_first_line(match)!r}")
            else:
                left.append(block)
        added = list(news.values())
        for block, match in zip(left, added, strict=False):  # edited in place, question and all
            out.append(f"changed: {_first_line(block)!r} -> {_first_line(match)!r}")
        out.extend(f"removed: {_first_line(block)!r}" for block in left[len(added) :])
        out.extend(f"added: {_first_line(block)!r}" for block in added[len(left) :])
    return out


def card_changes(
    before: dict[str, tuple[str, str, str]], after: dict[str, tuple[str, str, str]]
) -> list[str]:
    """What an update changed, card by card: kb card id -> (note, front, back) before and after it."""

    def shown(card: tuple[str, str, str]) -> str:
        return _first_line(f"{card[1]}::{card[2]}".replace("\n", " "))

    out: list[str] = []
    for cid, card in before.items():
        if cid not in after:
            out.append(f"{card[0]}: removed: {shown(card)!r} (its history is kept)")
        elif after[cid][1:] != card[1:]:
            out.append(f"{card[0]}: changed: {shown(card)!r} -> {shown(after[cid])!r}")
    out.extend(f"{card[0]}: added: {shown(card)!r}" for cid, card in after.items() if cid not in before)
    return out
