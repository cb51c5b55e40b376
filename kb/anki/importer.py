"""Import an Anki package: one Markdown note per deck in kb's card syntax, media beside it, reviews into the journal.

``plan_import`` (``kb.anki.plan``) decides the notes; this module writes what is new, never rewrites an existing
note (kb never rewrites notes), and hands the written notes to ``kb.anki.reviews`` to replay the review log.
"""

from __future__ import annotations

import enum
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kb.anki.media import MediaBudget, MediaFile, inside, media_to_write, refused_media_names
from kb.anki.package import AnkiPackage
from kb.anki.plan import PlannedNote, plan_import
from kb.errors import KbError

if TYPE_CHECKING:
    from kb.config import KnowledgeBase


@dataclass(frozen=True)
class ImportReport:
    package: str
    written: tuple[str, ...]  # notes created
    unchanged: tuple[str, ...]  # notes already there with the same text (a second import)
    media_written: int
    reviews: int  # answers added to the review journal
    reviews_already_imported: int  # answers a previous import added
    schedules: int  # cards whose schedule, suspension, burial or flag was set as Anki had them
    cards: dict[str, int]  # kind -> kb cards in the notes of this package
    problems: tuple[str, ...]  # one line each: conflicts, skipped note types, refused media names


def default_import_folder(kb: KnowledgeBase) -> Path:
    return kb.notes / "imported"


def import_package(kb: KnowledgeBase, conn, package: Path, into: Path | None = None) -> ImportReport:
    """Import ``package`` into the folder ``into`` (inside the notes folder), then its review history.

    Never rewrites a file: a note or media file already there with the same content is left alone, one with other
    content is reported and nothing is written for that deck (its reviews are not imported either, since kb cannot
    know which card is which in a file it did not write).
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
        plan = plan_import(pkg, kb.rel(into))
        writer = _NoteWriter(kb, package, pkg, zf)
        for note in plan.notes:
            writer.write(note)
        unsafe = [f"{package}: media file {ref!r} {why}; not copied" for ref, why in refused_media_names(pkg)]
        reviews = import_reviews(
            kb, conn, writer.imported, pkg
        )  # the review log is read while the package is open
    problems = [
        *(f"{package}: {line}" for line in plan.skipped),
        *writer.problems,
        *unsafe,
        *(f"{package}: {problem}" for problem in reviews.problems),
    ]
    return ImportReport(
        package=str(package),
        written=tuple(writer.written),
        unchanged=tuple(writer.unchanged),
        media_written=writer.media_written,
        reviews=reviews.added,
        reviews_already_imported=reviews.already_imported,
        schedules=reviews.schedules,
        cards=_card_counts(plan.notes),
        problems=tuple(dict.fromkeys(problems)),
    )


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
    OTHER_CONTENT = "other content"


def on_disk(target: Path, text: str) -> OnDisk:
    if not target.exists():
        return OnDisk.NOTHING
    try:
        same = target.read_text(encoding="utf-8") == text
    except (OSError, UnicodeDecodeError):
        same = False
    return OnDisk.SAME_TEXT if same else OnDisk.OTHER_CONTENT


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

    def write(self, note: PlannedNote) -> None:
        target = self.kb.root / note.path
        found = on_disk(target, note.text)
        if found is OnDisk.OTHER_CONTENT:
            self.problems.append(
                f"{note.path}:1: already exists with other content; kb never rewrites a note, so deck "
                f"{note.deck!r} was not imported (move the file aside or use --into another folder)"
            )
            return
        if found is OnDisk.SAME_TEXT:
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
            for file in media:
                _write_new_file(file)
                self.media_written += 1
        except OSError as exc:
            raise KbError(
                f"{self.kb.rel(target)}: cannot write ({exc.strerror or exc}); check the folder's permissions and "
                f"free space; notes written so far: {len(self.written)}"
            ) from None
        self.imported.append(note)


def _write_new_file(file: MediaFile) -> None:
    with open(file.path, "xb") as fh:  # "x": never over a file
        fh.write(file.data)
