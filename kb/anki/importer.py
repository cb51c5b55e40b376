"""Import an Anki package: one Markdown note per deck in kb's card syntax, media beside it, reviews into the journal.

``plan_import`` (``kb.anki.plan``) decides the notes; this module writes what is new, never rewrites an existing
note (kb never rewrites notes), and hands the written notes to ``kb.anki.reviews`` to replay the review log.
"""

from __future__ import annotations

import enum
import zipfile
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from kb.anki.media import MediaBudget, MediaFile, inside, media_to_write, refused_media_names
from kb.anki.package import AnkiPackage
from kb.anki.plan import PlannedNote, plan_import
from kb.anki.returning import returning_cards, returning_notes
from kb.anki.updates import Choice, card_changes, changes, deck_of, edited, unstamped
from kb.errors import KbError
from kb.store.connection import in_chunks

if TYPE_CHECKING:
    from kb.config import KnowledgeBase


@dataclass(frozen=True)
class ImportReport:
    package: str
    written: tuple[str, ...]  # notes created
    updated: tuple[str, ...]  # notes of a deck imported before, rewritten with this newer version of it
    kept: tuple[str, ...]  # notes edited since their import, kept as they are (--ours)
    changes: tuple[str, ...]  # what the updates changed: "path: added/changed/removed: 'card'"
    unchanged: tuple[str, ...]  # notes already there with the same text (a second import)
    media_written: int
    reviews: int  # answers added to the review journal
    reviews_already_imported: int  # answers a previous import added
    returned: int  # cards kb exported, back from Anki: matched to their kb cards
    schedules: int  # cards whose schedule, suspension, burial or flag was set as Anki had them
    cards: dict[str, int]  # kind -> kb cards in the notes of this package
    problems: tuple[str, ...]  # one line each: conflicts, skipped note types, refused media names


def default_import_folder(kb: KnowledgeBase) -> Path:
    return kb.notes / "imported"


def import_package(
    kb: KnowledgeBase, conn, package: Path, into: Path | None = None, choice: Choice = Choice.ASK
) -> ImportReport:
    """Import ``package`` into the folder ``into`` (inside the notes folder), then its review history.

    Never rewrites a user's file: a note or media file already there with the same content is left alone, one with
    other content is reported and nothing is written for that deck (its reviews are not imported either, since kb
    cannot know which card is which in a file it did not write). The one exception: the note an earlier import of
    the same deck wrote, unedited since (or with ``choice`` THEIRS), takes this newer version (``kb.anki.updates``).
    """
    from kb.anki.package import open_package
    from kb.anki.reviews import import_reviews

    package = Path(package)
    into = Path(into) if into is not None else default_import_folder(kb)
    if not inside(into, kb.notes):
        raise KbError(
            f"{into}: the import folder must be inside the notes folder ({kb.rel(kb.notes)}) so kb indexes it; "
            f"use e.g. --into {kb.rel(kb.notes)}/imported"
        )
    with open_package(package) as (pkg, zf):
        deck_tag = next(iter(kb.settings.flashcard_tags), "flashcards")
        # kb's own cards back from Anki: matched to the kb cards they were, not written again (kb.anki.returning)
        returned = returning_cards(conn, pkg)
        leave_out = returning_notes(pkg, returned)
        planned_pkg = (
            replace(pkg, notes=tuple(n for n in pkg.notes if n.id not in leave_out)) if leave_out else pkg
        )
        plan = plan_import(planned_pkg, kb.rel(into), deck_tag)
        before = _cards_of(conn, [note.path for note in plan.notes])
        writer = _NoteWriter(kb, package, pkg, zf, choice=choice)
        for note in plan.notes:
            writer.write(note)
        unsafe = [f"{package}: media file {ref!r} {why}; not copied" for ref, why in refused_media_names(pkg)]
        # the review log is read while the package is open
        reviews = import_reviews(kb, conn, writer.imported, pkg, returned)
    if writer.updated:  # what the updates did to the cards, as the index now has them
        after = _cards_of(conn, writer.updated)
        before = {cid: card for cid, card in before.items() if card[0] in writer.updated}
        writer.changes = card_changes(before, after)
    problems = [
        *(f"{package}: {line}" for line in plan.skipped),
        *writer.problems,
        *unsafe,
        *(f"{package}: {problem}" for problem in reviews.problems),
    ]
    return ImportReport(
        package=str(package),
        written=tuple(writer.written),
        updated=tuple(writer.updated),
        kept=tuple(writer.kept),
        changes=tuple(writer.changes),
        unchanged=tuple(writer.unchanged),
        media_written=writer.media_written,
        reviews=reviews.added,
        reviews_already_imported=reviews.already_imported,
        returned=len(returned),
        schedules=reviews.schedules,
        cards=_card_counts(plan.notes),
        problems=tuple(dict.fromkeys(problems)),
    )


def _cards_of(conn, notes: list[str]) -> dict[str, tuple[str, str, str]]:
    """The live cards of some notes: kb card id -> (note, front, back)."""
    out: dict[str, tuple[str, str, str]] = {}
    for chunk, marks in in_chunks(notes):
        rows = conn.execute(
            f"SELECT id, note, front, back FROM cards WHERE orphaned_at IS NULL AND note IN "
            f"({marks}) ORDER BY note, position",
            chunk,
        )
        out.update((cid, (note, front, back)) for cid, note, front, back in rows)
    return out


def _card_counts(notes: tuple[PlannedNote, ...]) -> dict[str, int]:
    """kb cards per kind in all planned notes, also those not written (so a second import reports the same)."""
    cards: dict[str, int] = {}
    for note in notes:
        for kind, n in note.cards.items():
            cards[kind] = cards.get(kind, 0) + n
    return cards


class OnDisk(enum.Enum):
    """What is already at a planned note's path."""

    NOTHING = "nothing"
    SAME_TEXT = "same text"
    # the deck's text, edited in kb and written into Anki since (``kb export anki --into``): only its stamp is older
    SAME_BUT_STAMP = "same text but the stamp"
    OTHER_CONTENT = "other content"


def on_disk(target: Path, text: str) -> OnDisk:
    if not target.exists():
        return OnDisk.NOTHING
    try:
        there = target.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return OnDisk.OTHER_CONTENT
    if there == text:
        return OnDisk.SAME_TEXT
    return OnDisk.SAME_BUT_STAMP if unstamped(there) == unstamped(text) else OnDisk.OTHER_CONTENT


@dataclass
class _NoteWriter:
    """Writes planned notes and their media, never over an existing file, and keeps count of what it did."""

    kb: KnowledgeBase
    package: Path
    pkg: AnkiPackage
    zf: zipfile.ZipFile
    written: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    imported: list[PlannedNote] = field(
        default_factory=list
    )  # written or unchanged: their reviews can follow
    media_written: int = 0
    problems: list[str] = field(default_factory=list)
    budget: MediaBudget = field(default_factory=MediaBudget)
    choice: Choice = Choice.ASK  # for a deck's note edited since its import
    updated: list[str] = field(default_factory=list)  # notes rewritten with a newer version of their deck
    kept: list[str] = field(default_factory=list)  # edited notes kept as they are (--ours)
    changes: list[str] = field(default_factory=list)  # what the updates changed, a line per card

    def write(self, note: PlannedNote) -> None:
        target = self.kb.root / note.path
        found = on_disk(target, note.text)
        if found is OnDisk.OTHER_CONTENT and not self._may_update(note, target):
            return
        if found in (OnDisk.SAME_TEXT, OnDisk.SAME_BUT_STAMP):
            self.unchanged.append(note.path)
        media, problems = media_to_write(
            self.kb, self.package, self.pkg, self.zf, note.media, target.parent, self.budget
        )
        self.problems.extend(problems)
        try:
            if found is OnDisk.NOTHING:
                target.parent.mkdir(parents=True, exist_ok=True)
                with open(target, "x", encoding="utf-8", newline="\n") as fh:  # "x": never over a file
                    fh.write(note.text)
                self.written.append(note.path)
            elif found in (OnDisk.OTHER_CONTENT, OnDisk.SAME_BUT_STAMP):
                # kb's own import file, a newer version of its deck; or the same text stamped anew, as kb's again
                part = target.with_name(target.name + ".kb-update")
                part.write_text(note.text, encoding="utf-8", newline="\n")
                part.replace(target)  # whole or not at all
                if found is OnDisk.OTHER_CONTENT:
                    self.updated.append(note.path)
            for file in media:
                _write_new_file(file)
                self.media_written += 1
        except OSError as exc:
            raise KbError(
                f"{self.kb.rel(target)}: cannot write ({exc.strerror or exc}); check the folder's permissions and "
                f"free space; notes written so far: {len(self.written)}"
            ) from None
        self.imported.append(note)

    def _may_update(self, note: PlannedNote, target: Path) -> bool:
        """Whether a newer version of the deck goes over the note there (``kb.anki.updates``); says why not."""
        try:
            old = target.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            old = ""
        if deck_of(old) != note.deck:
            self.problems.append(
                f"{note.path}:1: already exists with other content; kb never rewrites a note, so deck "
                f"{note.deck!r} was not imported (move the file aside or use --into another folder)"
            )
            return False
        what = changes(old, note.text)
        if not edited(old) or self.choice is Choice.THEIRS:
            if edited(old):
                self.problems.append(
                    f"{note.path}:1: your edits to this note were replaced by the deck's (--theirs)"
                )
            return True
        if self.choice is Choice.OURS:
            self.kept.append(note.path)
            return False
        listed = "; ".join(what[:5]) + (f"; and {len(what) - 5} more" if len(what) > 5 else "")
        self.problems.append(
            f"{note.path}:1: edited since kb imported it, and this version of deck {note.deck!r} changes it "
            f"({listed or 'its layout'}); nothing written for this deck: run again with --theirs to take the "
            "deck's version (your edits are lost) or --ours to keep yours"
        )
        return False


def _write_new_file(file: MediaFile) -> None:
    with open(file.path, "xb") as fh:  # "x": never over a file
        fh.write(file.data)
