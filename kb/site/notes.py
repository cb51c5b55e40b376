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
    # Extracted on first use (SiteNotes.cards_of), i.e. while the page is rendered.
    cards: tuple | None = None
    # The file's text (line ends as \n) and where the Markdown a generator renders starts in it (after the front
    # matter): the Markdown extension knows a page by its text (kb.site.markdown_ext).
    text: str = ""
    start: int = 0

    @property
    def markdown(self) -> str:
        return self.text[self.start :]

    @property
    def offset(self) -> int:
        """Lines of the file before the rendered Markdown (a card's file line n is its line n - offset)."""
        return self.text.count("\n", 0, self.start)


KEY_CHARS = 120  # a page's text is looked up by its first characters


def _text_of(raw: bytes) -> str:
    """A file's text as MkDocs reads it: UTF-8 without its byte-order mark, every line ending as \\n."""
    text = raw.decode("utf-8", "replace")
    if text.startswith("\ufeff"):
        text = text[1:]
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _markdown_start(text: str, body_line: int) -> int:
    """Where the Markdown a generator renders starts: after the front matter, blank lines skipped (MkDocs' rule)."""
    if body_line <= 1:
        return 0
    pos = 0
    for _ in range(body_line - 1):
        nl = text.find("\n", pos)
        if nl < 0:
            return len(text)
        pos = nl + 1
    while pos < len(text) and text[pos] == "\n":
        pos += 1
    return pos


class SiteNotes:
    """The site's notes by ``src_uri``, kept across ``mkdocs serve`` rebuilds and read again only when changed
    (by size and mtime)."""

    def __init__(self) -> None:
        self._cache: dict[str, tuple[tuple[int, int], NoteInfo]] = {}
        self.by_src: dict[str, NoteInfo] = {}
        self.files: dict[str, File] = {}
        self.settings = Settings()
        self.docs_prefix = ""  # the notes folder relative to the root ("notes"), "" when it is not inside
        self.others: set[str] = set()  # the folder's other files (images an embed may show)
        self.current: str | None = None  # the page being rendered, when the kb plugin knows it
        self.use_directory_urls = True
        self._by_text: dict[str, list[NoteInfo]] | None = None

    def configure(self, settings: Settings, docs_prefix: str) -> None:
        self.settings = settings
        self.docs_prefix = docs_prefix

    def read(self, files: Files) -> None:
        """Read every documentation page (the user's, not generated ones); a note's error is a build warning."""
        self.files = {}
        sources = {}
        for file in files.documentation_pages():
            if file.generated_by or not file.abs_src_path:
                continue
            sources[file.src_uri] = file.abs_src_path
            self.files[file.src_uri] = file
        self.others = {f.src_uri for f in files if not f.is_documentation_page() and not f.generated_by}
        self._read_all(sources)

    def read_folder(self, docs_dir: str | os.PathLike) -> None:
        """Read every Markdown file of the notes folder (as MkDocs lists them: no hidden files or folders), for a
        generator that has no kb plugin."""
        sources: dict[str, str] = {}
        others: set[str] = set()
        docs_dir = os.fspath(docs_dir)
        for folder, dirs, names in os.walk(docs_dir):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            rel = os.path.relpath(folder, docs_dir)
            for name in sorted(names):
                if name.startswith("."):
                    continue
                src = name if rel == "." else f"{rel.replace(os.sep, '/')}/{name}"
                if name.endswith(".md"):
                    sources[src] = os.path.join(folder, name)
                else:
                    others.add(src)
        self.files = {}
        self.others = others
        self._read_all(sources)

    def _read_all(self, sources: dict[str, str]) -> None:
        by_src: dict[str, NoteInfo] = {}
        for src, abs_path in sources.items():
            by_src[src] = self._read(src, abs_path)
        self._by_text = None
        for src in list(self._cache):
            if src not in by_src:
                del self._cache[src]
        self.by_src = by_src
        for info in by_src.values():
            if info.error is not None:
                log.warning(f"kb: {info.error}")

    def _read(self, src: str, abs_path: str) -> NoteInfo:
        try:
            st = os.stat(abs_path)
            key = (st.st_size, st.st_mtime_ns)
        except (OSError, TypeError):
            key = None
        cached = self._cache.get(src)
        if key is not None and cached is not None and cached[0] == key:
            return cached[1]
        info = self._parse(src, f"{self.docs_prefix}/{src}" if self.docs_prefix else src, abs_path)
        if key is not None:
            self._cache[src] = (key, info)
        return info

    @staticmethod
    def _parse(src: str, path: str, abs_path: str) -> NoteInfo:
        try:
            with open(abs_path, "rb") as fh:
                raw = fh.read()
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
            text = _text_of(raw)
            return NoteInfo(
                src, path, title, note=None, error=err, links=wikilinks.find_links(body), cards=(), text=text
            )
        text = _text_of(raw)
        info = NoteInfo(src, path, note.title, note=note, error=None, links=wikilinks.find_links(note.body))
        info.text, info.start = text, _markdown_start(text, note.body_line)
        return info

    def page_of(self, markdown: str) -> NoteInfo | None:
        """The note whose Markdown, as a generator hands it to Python-Markdown (front matter removed), begins
        ``markdown`` (the kb plugin appends sections after it); the hint ``current`` is tried first."""
        hinted = self.by_src.get(self.current or "")
        if hinted is not None and hinted.text and markdown.startswith(hinted.markdown):
            return hinted
        if self._by_text is None:
            self._by_text = {}
            for info in self.by_src.values():
                if info.text:
                    self._by_text.setdefault(info.markdown[:KEY_CHARS], []).append(info)
        for key in (markdown[:KEY_CHARS], markdown.lstrip("\n")[:KEY_CHARS]):
            for info in self._by_text.get(key, ()):
                if markdown.startswith(info.markdown) or markdown.lstrip("\n").startswith(info.markdown):
                    return info
        # a short note (shorter than a key) followed by the sections the plugin appends
        for key, infos in self._by_text.items():
            if len(key) < KEY_CHARS and markdown.startswith(key):
                return infos[0]
        return None

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
        if src is None:
            return None
        return get_relative_url(self.page_url(src), from_url)

    def page_url(self, src: str) -> str:
        """The URL of the page made of ``src`` (relative to the site's root), as MkDocs gives it."""
        file = self.files.get(src)
        if file is not None:
            return file.url
        return page_url(src, self.use_directory_urls)

    def title_of(self, page) -> str:
        info = self.by_src.get(page.file.src_uri)
        return info.title if info else (page.title or page.file.name)


def page_url(src: str, directory_urls: bool) -> str:
    """MkDocs' URL rule: ``a/b.md`` is ``a/b/`` (or ``a/b.html``), ``a/index.md`` and ``a/README.md`` are ``a/``."""
    stem, _ext = posixpath.splitext(src)
    folder, name = posixpath.split(stem)
    if name in ("index", "README"):
        if directory_urls:
            return f"{folder}/" if folder else "./"
        return f"{folder}/index.html" if folder else "index.html"
    return f"{stem}/" if directory_urls else f"{stem}.html"


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
