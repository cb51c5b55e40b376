"""What the extractor produces: ``Card`` (with its ``CardKind``) and ``ExtractResult``. Pure values, no behaviour."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from kb.clozepatterns import HIGHLIGHT_PATTERN
from kb.errors import NoteError


class CardKind(StrEnum):
    BASIC = "basic"
    REVERSED = "reversed"
    CLOZE = "cloze"
    QUESTION = "question"
    DEFINITION = "definition"
    KEYPOINT = "keypoint"


class SrSchedule(NamedTuple):
    """One card's schedule as an Obsidian Spaced Repetition ``<!--SR:...-->`` comment holds it (``kb.cards.obsidian``).

    ``text`` is the entry as written (``2024-01-01,3,250`` or ``fsrs,...``): what the ``cards`` table keeps.
    """

    text: str
    algorithm: str  # "sm2" (due date, interval in days, ease x100) or "fsrs" (the plugin's FSRS fields)
    due: str  # as written: a date (sm2) or an ISO time (fsrs)
    interval: int
    ease: int | None = None  # sm2
    stability: float | None = None  # fsrs
    difficulty: float | None = None
    state: int | None = None  # 1 learning, 2 review, 3 relearning (as fsrs numbers them)
    reps: int = 0
    lapses: int = 0
    step: int | None = None
    last_review: str | None = None


class ScheduleTable:
    """The schedules the Obsidian Spaced Repetition plugin keeps outside the notes (``kb.cards.osrdata``): entries in
    ``<!--SR:-->`` form, one per sibling, by the plugin's hash of the question. Compared and hashed by ``key`` (a
    digest of the files it came from), so a ``CardSyntax`` holding one stays cheap to compare and to hash."""

    __slots__ = ("entries", "key")

    def __init__(self, entries: dict[str, tuple[str | None, ...]], key: str):
        self.entries = entries
        self.key = key

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ScheduleTable) and other.key == self.key

    def __hash__(self) -> int:
        return hash(self.key)

    def __getstate__(self):
        return (self.entries, self.key)

    def __setstate__(self, state) -> None:
        self.entries, self.key = state

    def __repr__(self) -> str:
        return f"ScheduleTable({len(self.entries)} questions)"


@dataclass(frozen=True)
class CardSyntax:
    """The card-syntax settings (``kb.config.Settings`` carries one; the defaults are the Obsidian Spaced Repetition
    plugin's): separators, the multi-line end marker, cloze patterns, flashcard tags."""

    single_line: str = "::"
    single_line_reversed: str = ":::"
    multiline: str = "?"
    multiline_reversed: str = "??"
    multiline_end: str = ""  # a line that ends a multi-line card; empty: a blank line does
    # the plugin's cloze pattern syntax (kb.clozepatterns): ``answer`` is the hidden text, ``[123;;]`` an optional
    # group number, ``[;;hint]`` an optional hint, the rest is written as is; Anki's {{c1::x}} is always read
    cloze_patterns: tuple[str, ...] = (HIGHLIGHT_PATTERN,)
    flashcard_tags: tuple[str, ...] = ("flashcards",)  # deck tags (without #); their subtags too
    tags_required: bool = False  # true: only a note carrying one of flashcard_tags holds cards
    ignored_tags: tuple[str, ...] = ()  # a note carrying one of these holds no cards
    ignored_folders: tuple[str, ...] = ()  # notes in these folders (or matching these globs) hold no cards
    notes_prefix: str | None = None  # the notes folder from the root ("vault/"); None: not known (the site)
    plugin_schedules: ScheduleTable | None = (
        None  # the plugin's data-file schedules (None: the vault has none)
    )


DEFAULT_SYNTAX = CardSyntax()


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
    tags: tuple[str, ...] = ()  # in-note deck tags (#flashcards/deck) that apply to the card, without #
    schedule: SrSchedule | None = None  # an Obsidian Spaced Repetition schedule written beside the card


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
            "tags": (),
            "schedule": None,
        }
    )
    return card


def sibling_key(*parts: str) -> str:
    """The ``sibling`` shared by the cards of one source (the two sides of a reversed card, one cloze text)."""
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


def syntax_for(settings, vault=None, root=None) -> CardSyntax:
    """The card syntax the settings (``kb.config.Settings``) ask for; with ``vault`` (the notes folder), also the
    schedules the Obsidian Spaced Repetition plugin keeps in its data files there, and with ``root`` the notes
    folder's path from it (where ``ignored_folders`` start)."""
    prefix = None
    if vault is not None and root is not None:
        import os

        rel = os.path.relpath(vault, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
    syntax = CardSyntax(
        single_line=settings.single_line_separator,
        single_line_reversed=settings.single_line_reversed_separator,
        multiline=settings.multiline_separator,
        multiline_reversed=settings.multiline_reversed_separator,
        multiline_end=settings.multiline_end_marker,
        cloze_patterns=tuple(settings.cloze_patterns),
        flashcard_tags=tuple(settings.flashcard_tags) or DEFAULT_SYNTAX.flashcard_tags,
        tags_required=settings.flashcard_tags_required,
        ignored_tags=tuple(settings.ignored_tags),
        ignored_folders=tuple(settings.ignored_folders),
        notes_prefix=prefix if settings.ignored_folders else None,
        plugin_schedules=None if vault is None else _plugin_schedules(vault),
    )
    return DEFAULT_SYNTAX if syntax == DEFAULT_SYNTAX else syntax


def _plugin_schedules(vault) -> ScheduleTable | None:
    from kb.cards.osrdata import load_schedules

    entries = load_schedules(vault)
    if not entries:
        return None
    digest = hashlib.blake2b(repr(sorted(entries.items())).encode(), digest_size=12).hexdigest()
    return ScheduleTable(entries, digest)
