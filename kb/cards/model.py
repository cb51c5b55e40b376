"""What the extractor produces: ``Card`` (with its ``CardKind``) and ``ExtractResult``. Pure values, no behaviour."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from kb.errors import NoteError


class CardKind(StrEnum):
    BASIC = "basic"
    REVERSED = "reversed"
    CLOZE = "cloze"
    QUESTION = "question"
    DEFINITION = "definition"
    KEYPOINT = "keypoint"


@dataclass(frozen=True)
class Card:
    kind: CardKind
    front: str  # for cloze: this card's deletion(s) shown as [...] or [hint], the others shown plainly
    back: str  # for cloze: the full text without cloze markup
    line: int  # 1-based line in the file
    end_line: int  # last line of the card's source in the file
    context: tuple[str, ...]  # heading breadcrumb starting with the note title
    generated: bool = False
    sibling: str = ""  # shared by the two sides of a reversed card / the deletions of one cloze text
    cloze_text: str = ""  # cloze source normalised to Anki markup: {{c1::x}} / {{c2::y::hint}}
    cloze_index: int = 0  # the deletion number this card hides
    answer: str = ""  # for cloze: the hidden text (joined with " / " when a number hides several)


@dataclass(frozen=True)
class ExtractResult:
    cards: tuple[Card, ...]
    problems: tuple[NoteError, ...]
    skipped: tuple[tuple[int, str, str], ...] = ()  # key-point bullets that gave no card: (line, text, why)


_new_object = object.__new__


def new_card(
    kind: CardKind,
    front: str,
    back: str,
    line: int,
    end_line: int,
    context: tuple[str, ...],
    generated: bool = False,
    sibling: str = "",
    cloze_text: str = "",
    cloze_index: int = 0,
    answer: str = "",
) -> Card:
    """``Card(...)`` without the frozen dataclass's eleven ``object.__setattr__`` calls (benchmarks/history-cards.md).

    The instance dict is filled in field order, so the card is indistinguishable from one built by ``Card(...)``.
    """
    card = _new_object(Card)
    card.__dict__.update(
        {
            "kind": kind,
            "front": front,
            "back": back,
            "line": line,
            "end_line": end_line,
            "context": context,
            "generated": generated,
            "sibling": sibling,
            "cloze_text": cloze_text,
            "cloze_index": cloze_index,
            "answer": answer,
        }
    )
    return card


def sibling_key(*parts: str) -> str:
    """The ``sibling`` shared by the cards of one source (the two sides of a reversed card, one cloze text)."""
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()
