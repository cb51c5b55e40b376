"""The media files of an import: which names are safe to write next to a note, and copying them out of the package.

An import writes a media file only under a plain file name, only inside the note's folder, and never over a file
that is already there: a clashing file is left alone and reported, and the note is still written.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from kb.anki.fields import SOUND_RE
from kb.anki.media_rules import copyable, safe_media_name, why_not_copied
from kb.anki.package import MEDIA_FILE_LIMIT, PACKAGE_LIMIT, AnkiPackage, TooLarge, read_media, size_text

__all__ = [
    "safe_media_name",
    "media_copies",
    "refused_media_names",
    "unsafe_media_names",
    "media_to_write",
    "inside",
    "MediaBudget",
]

_IMG_SRC_RE = re.compile(r'<img[^>]+src="([^"]+)"')


class MediaCopy(NamedTuple):
    """A media file a planned note uses: its name in the package and the file name written next to the note."""

    package_name: str
    file_name: str


@dataclass(frozen=True)
class MediaFile:
    """A media file ready to be written: where, and its bytes."""

    path: Path
    data: bytes


def media_copies(refs: Iterable[str], in_package: dict[str, str]) -> dict[str, str]:
    """Package name -> file name for the referenced media worth copying: plain names of images and sounds the
    package carries."""
    return {ref: ref for ref in refs if copyable(ref) and ref in in_package}


def refused_media_names(pkg: AnkiPackage) -> Iterator[tuple[str, str]]:
    """Media names referenced by any note of the package that are never copied, each with why."""
    for note in pkg.notes:
        for field in note.fields:
            for ref in _IMG_SRC_RE.findall(field) + SOUND_RE.findall(field):
                if not copyable(ref) and not ref.startswith(("http://", "https://")):
                    yield ref, why_not_copied(ref)


def unsafe_media_names(pkg: AnkiPackage) -> Iterator[str]:
    """Media names referenced by any note of the package that are not plain file names (never copied)."""
    return (ref for ref, _why in refused_media_names(pkg) if safe_media_name(ref) is None)


@dataclass
class MediaBudget:
    """What an import may still write as media: ``PACKAGE_LIMIT`` bytes in all, ``MEDIA_FILE_LIMIT`` a file."""

    left: int = PACKAGE_LIMIT
    per_file: int = MEDIA_FILE_LIMIT


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or under it, once both are resolved (symbolic links followed)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def media_to_write(
    kb,
    package: Path,
    pkg: AnkiPackage,
    zf: zipfile.ZipFile,
    copies: tuple[MediaCopy, ...],
    folder: Path,
    budget: MediaBudget | None = None,
) -> tuple[list[MediaFile], list[str]]:
    """The media files to write into ``folder``, and a problem line for each one left out.

    A file already there with the same bytes needs no writing; one with other bytes is left alone and reported.
    A file over the size limit, or past what the import may still write (``budget``), is skipped and reported.
    """
    budget = budget if budget is not None else MediaBudget()
    files: list[MediaFile] = []
    problems: list[str] = []
    for name, file_name in copies:
        dest = folder / file_name
        if not inside(dest, folder):
            problems.append(f"{package}: media file {name!r} would land outside {kb.rel(folder)}; skipped")
            continue
        try:
            data = read_media(pkg, zf, name, min(budget.per_file, budget.left))
        except TooLarge as exc:
            limit = "the media kb imports from one package" if budget.left < budget.per_file else None
            problems.append(
                f"{package}: media file {name!r} {exc}, more than "
                f"{limit or size_text(budget.per_file) + ' (the most kb copies for one file)'}; skipped"
            )
            continue
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
        budget.left -= len(data)
        files.append(MediaFile(dest, data))
    return files, problems
