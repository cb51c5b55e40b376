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
from kb.anki.package import AnkiPackage, read_media

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


def media_copies(refs: Iterable[str], in_package: dict[str, str]) -> dict[str, str]:
    """Package name -> file name for the referenced media worth copying: safe names the package carries."""
    copies: dict[str, str] = {}
    for ref in refs:
        safe = safe_media_name(ref)
        if safe is not None and ref in in_package:
            copies[ref] = safe
    return copies


def unsafe_media_names(pkg: AnkiPackage) -> Iterator[str]:
    """Media names referenced by any note of the package that are not plain file names (never copied)."""
    for note in pkg.notes:
        for field in note.fields:
            for ref in _IMG_SRC_RE.findall(field) + SOUND_RE.findall(field):
                if safe_media_name(ref) is None:
                    yield ref


def inside(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or under it, once both are resolved (symbolic links followed)."""
    try:
        path.resolve().relative_to(folder.resolve())
    except ValueError:
        return False
    return True


def media_to_write(
    kb, package: Path, pkg: AnkiPackage, zf: zipfile.ZipFile, copies: tuple[MediaCopy, ...], folder: Path
) -> tuple[list[MediaFile], list[str]]:
    """The media files to write into ``folder``, and a problem line for each one left out.

    A file already there with the same bytes needs no writing; one with other bytes is left alone and reported.
    """
    files: list[MediaFile] = []
    problems: list[str] = []
    for name, file_name in copies:
        dest = folder / file_name
        if not inside(dest, folder):
            problems.append(f"{package}: media file {name!r} would land outside {kb.rel(folder)}; skipped")
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
        files.append(MediaFile(dest, data))
    return files, problems
