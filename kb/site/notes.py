"""The notes as the site sees them: every Markdown page read once per change, its cards extracted on first use.

Pages are known by MkDocs' ``src_uri`` (relative to the notes folder: ``books/atomic-habits.md``); kb's index and
messages use the path from the root (``notes/books/atomic-habits.md``). ``SiteNotes`` maps one to the other.
"""

from __future__ import annotations

import logging
import os
import posixpath
from dataclasses import dataclass

from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from kb.config import Settings
from kb.errors import KbError, NoteError
from kb.notes import wikilinks
from kb.notes.reader import Note, decode, parse_note

log = logging.getLogger("mkdocs.plugins.kb")


@dataclass
class NoteInfo:
    """What the plugin knows about one Markdown page, read once per change."""

    src: str  # relative to the notes folder: books/atomic-habits.md
    path: str  # relative to the root, as kb shows it: notes/books/atomic-habits.md
    title: str
    note: Note | None
    error: NoteError | None
    links: list[wikilinks.WikiLink]
    # Extracted on first use (SiteNotes.cards_of), i.e. while the page is rendered: in a parallel build that is on
    # either core, rather than all of them before the build forks.
    cards: tuple | None = None


class SiteNotes:
    """The site's notes by ``src_uri``, kept across ``mkdocs serve`` rebuilds and read again only when changed
    (by size and mtime)."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple[int, int], NoteInfo]] = {}
        self.by_src: dict[str, NoteInfo] = {}
        self.files: dict[str, File] = {}
        self.settings = Settings()
        self.docs_prefix = ""  # the notes folder relative to the root ("notes"), "" when it is not inside

    def configure(self, settings: Settings, docs_prefix: str) -> None:
        self.settings = settings
        self.docs_prefix = docs_prefix

    def read(self, files: Files) -> None:
        """Read every documentation page (the user's, not generated ones); a note's error is a build warning."""
        by_src: dict[str, NoteInfo] = {}
        self.files = {}
        for file in files.documentation_pages():
            if file.generated_by:
                continue
            by_src[file.src_uri] = self._read(file)
            self.files[file.src_uri] = file
        for src in list(self._cache):
            if src not in by_src:
                del self._cache[src]
        self.by_src = by_src
        for info in by_src.values():
            if info.error is not None:
                log.warning(f"kb: {info.error}")

    def _read(self, file: File) -> NoteInfo:
        src = file.src_uri
        try:
            st = os.stat(file.abs_src_path)
            key = (st.st_size, st.st_mtime_ns)
        except (OSError, TypeError):
            key = None
        cached = self._cache.get(src)
        if key is not None and cached is not None and cached[0] == key:
            return cached[1]
        info = self._parse(src, f"{self.docs_prefix}/{src}" if self.docs_prefix else src, file)
        if key is not None:
            self._cache[src] = (key, info)
        return info

    @staticmethod
    def _parse(src: str, path: str, file: File) -> NoteInfo:
        try:
            raw = file.content_bytes
        except OSError as exc:
            err = NoteError(path, 1, f"cannot read this note ({exc.strerror})")
            return NoteInfo(src, path, title=src, note=None, error=err, links=[], cards=())
        try:
            note = parse_note(path, raw)
        except NoteError as err:
            title = posixpath.splitext(posixpath.basename(src))[0]
            try:
                body = decode(path, raw)
            except NoteError:
                body = ""
            return NoteInfo(
                src, path, title, note=None, error=err, links=wikilinks.find_links(body), cards=()
            )
        return NoteInfo(src, path, note.title, note=note, error=None, links=wikilinks.find_links(note.body))

    def cards_of(self, info: NoteInfo) -> tuple:
        """The note's cards, as ``kb review`` asks them (extracted on the first call)."""
        if info.cards is None:
            info.cards = self._extract(info.note) if info.note is not None else ()
        return info.cards

    def _extract(self, note: Note) -> tuple:
        """The note's cards; what the extractor reports as problems is ``kb index``'s to report."""
        if not note.flashcards:
            return ()
        from kb.cards.extractor import extract_cards
        from kb.cards.model import syntax_for

        try:
            result = extract_cards(
                note,
                keypoint_headings=self.settings.keypoint_headings,
                keypoint_cards=self.settings.keypoint_cards and note.keypoint_cards,
                syntax=syntax_for(self.settings),
            )
        except KbError as exc:
            log.warning(f"kb: {exc}")
            return ()
        return tuple(result.cards)

    def src_of(self, note_path: str) -> str | None:
        """The ``src_uri`` of a note known by its path from the root, None when the site has no such note."""
        prefix = f"{self.docs_prefix}/" if self.docs_prefix else ""
        if prefix and note_path.startswith(prefix):
            note_path = note_path[len(prefix) :]
        return note_path if note_path in self.by_src else None

    def url_of(self, note_path: str, from_url: str) -> str | None:
        """The note's URL relative to the page at ``from_url``."""
        src = self.src_of(note_path)
        file = self.files.get(src) if src else None
        if file is None:
            return None
        return get_relative_url(file.url, from_url)

    def title_of(self, page) -> str:
        info = self.by_src.get(page.file.src_uri)
        return info.title if info else (page.title or page.file.name)


def drop_files_outside(files: Files, docs_dir: str, root: str) -> None:
    """Remove from the site every file of the notes folder that is reached through a symbolic link leading outside
    the knowledge base (``root``), or whose name is not UTF-8, each with a one-line warning: a cloned vault must not
    publish ``/etc/passwd``, and one badly named file must not stop the build. ``kb index`` skips the same files."""
    from kb.index.scanstate import NOT_UTF8, OUTSIDE, shown

    docs = os.path.realpath(docs_dir)
    inside = os.path.realpath(root).rstrip(os.sep) + os.sep
    for file in list(files):
        src = file.abs_src_path
        if not src or file.generated_by or not (src == docs or src.startswith(docs + os.sep)):
            continue  # the theme's files, generated pages
        rel = os.path.relpath(src, root)
        try:
            src.encode("utf-8")
        except UnicodeEncodeError:
            log.warning(f"kb: {shown(rel)}: {NOT_UTF8}")
            files.remove(file)
            continue
        if not (os.path.realpath(src) + os.sep).startswith(inside):
            log.warning(f"kb: {rel}: {OUTSIDE}")
            files.remove(file)
