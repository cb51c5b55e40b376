"""kb's Python-Markdown extension: flashcards, wiki links and embeds in any generator that runs Python-Markdown.

Listed under ``markdown_extensions`` in mkdocs.yml, it runs in MkDocs, ProperDocs and Zensical alike (the kb
plugin adds it when it is not listed)::

    markdown_extensions:
      - kb.site.markdown_ext:
          docs_dir: notes          # default: docs_dir of mkdocs.yml in the current folder

It renders a page the way kb reads it: the page is found among the notes by its text, its cards come from kb's
extractor (``kb.cards.extractor``, the cards ``kb review`` asks) and are shown through ``kb.site.cards``: questions
one click away, cloze deletions as blanks, a "Flashcards" section with the note's deck and quiz. Wiki links
(``[[note]]``, ``[[note|label]]``, ``[[note#heading|label]]``) resolve against every note of the folder, and
Obsidian embeds (``![[image.png]]``, ``![[note#heading]]``) show the image or the section.

Used on its own (``markdown.markdown(text, extensions=["kb.site.markdown_ext"])``), it reads the notes folder
itself, again when the folder changed; within the kb plugin, the plugin reads it once per build and shares it.
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor

from kb.config import Settings
from kb.site.links import LinkGraph
from kb.site.notes import NoteInfo, SiteNotes
from kb.site.rendering import NoteRenderer, audio_players, insert_page_cards

log = logging.getLogger("mkdocs.plugins.kb")

# Before Python-Markdown's own preprocessors (whitespace at 30, raw HTML at 20): card lines are found by the line
# numbers of the file as written, tabs and all.
PRIORITY = 35
# A generator without the kb plugin: the folder is looked at again when this many seconds passed since the last
# look, so `zensical serve` sees new notes and links without stat-ing every note for every page.
RESCAN_SECONDS = 2.0
DECK_PLACEHOLDER = "kbdeck5e0c2a"  # a paragraph standing for a held Flashcards section (hold_deck)
BLOCK_MARK = "kbblock5e0c2a"  # a paragraph standing for HTML the page shows as it is (the Flashcards section)


@dataclass
class NotesSite:
    """The notes of one folder and their link graph, shared by every page of a build (and by the kb plugin)."""

    docs_dir: Path
    notes: SiteNotes = field(default_factory=SiteNotes)
    links: LinkGraph | None = None
    managed: bool = False  # True when the kb plugin reads the notes (on_files) for this folder
    decks: dict[str, str] = field(default_factory=dict)  # src -> the Flashcards section's HTML (hold_deck)
    # src -> the HTML of the page's cards by token (kb.site.cards): put in by the postprocessor, or under the kb
    # plugin by its on_page_content (which knows the page's URL and the site's files)
    cards: dict[str, dict[str, tuple[bool, str]]] = field(default_factory=dict)
    scanned_at: float = 0.0

    def __post_init__(self) -> None:
        self.links = LinkGraph(self.notes)

    def fresh(self) -> NotesSite:
        """The site, its notes read again when no plugin reads them and the last look is old."""
        if not self.managed and time.monotonic() - self.scanned_at > RESCAN_SECONDS:
            self.notes.read_folder(self.docs_dir)
            self.links.build()
            self.scanned_at = time.monotonic()
        return self


_SITES: dict[Path, NotesSite] = {}


def notes_site(docs_dir: str | os.PathLike) -> NotesSite:
    """The shared ``NotesSite`` of a notes folder (made on first use)."""
    key = Path(docs_dir).resolve()
    site = _SITES.get(key)
    if site is None:
        site = _SITES[key] = NotesSite(key)
    return site


_CONFIGS: dict[tuple[Path, int], dict] = {}


def _read_mkdocs_yml(config_file: str) -> tuple[Path, dict]:
    """The folder of mkdocs.yml and its content (empty when there is none or it cannot be read); parsed once per
    change, not for every page."""
    from kb.config import load_mkdocs_yml
    from kb.errors import KbError

    path = Path(config_file).resolve()
    try:
        key = (path, path.stat().st_mtime_ns)
    except OSError:
        return path.parent, {}
    if key not in _CONFIGS:
        try:
            _CONFIGS[key] = load_mkdocs_yml(path.parent) if path.name == "mkdocs.yml" else {}
        except KbError as exc:
            log.warning(f"kb: {exc}")
            _CONFIGS[key] = {}
    return path.parent, _CONFIGS[key]


def _settings(config: dict, where: str) -> Settings:
    from kb.config import make_settings, plugin_options
    from kb.errors import KbError

    try:
        return make_settings(plugin_options(config), where=where)
    except KbError as exc:
        log.warning(f"kb: {exc}")
        return Settings()


class KbExtension(Extension):
    """``kb.site.markdown_ext``: see the module's text."""

    def __init__(self, **kwargs):
        self.config = {
            "docs_dir": ["", "The notes folder (default: docs_dir of config_file, else 'docs')."],
            "config_file": ["mkdocs.yml", "mkdocs.yml, for docs_dir, use_directory_urls and kb's settings."],
            "use_directory_urls": [None, "Page URLs as folders (default: as config_file says, else true)."],
            "flashcards_section": [True, "Show a 'Flashcards' section with the note's deck and quiz."],
            "quiz_questions": [20, "Questions in a note's quiz."],
            "hold_deck": [
                False,
                "Leave a placeholder for the Flashcards section's HTML, kept in notes_site(docs_dir).decks (the kb "
                "plugin puts it in after the search plugin has indexed the page: it is never searched).",
            ],
            "source_links_in_html": [
                False,
                "Links in the HTML kb writes (the deck) point at .md files, for a generator that rewrites links "
                "in HTML as it does in Markdown (Zensical; `kb site` sets it). Else they are final URLs (MkDocs).",
            ],
        }
        super().__init__(**kwargs)
        self._renderer: NoteRenderer | None = None

    def site(self) -> tuple[NotesSite, NoteRenderer]:
        docs_dir = self.getConfig("docs_dir")
        config: dict | None = None
        root = Path.cwd()
        if not docs_dir:
            root, config = _read_mkdocs_yml(self.getConfig("config_file"))
            docs_dir = str(root / str(config.get("docs_dir") or "docs"))
        site = notes_site(docs_dir)
        if not site.managed and site.scanned_at == 0.0:
            root, config = (
                _read_mkdocs_yml(self.getConfig("config_file")) if config is None else (root, config)
            )
            site.notes.configure(
                _settings(config, self.getConfig("config_file")), _prefix(site.docs_dir, root)
            )
            urls = self.getConfig("use_directory_urls")
            site.notes.use_directory_urls = bool(
                config.get("use_directory_urls", True) if urls is None else urls
            )
        site.fresh()
        if self._renderer is None or self._renderer.notes is not site.notes:
            self._renderer = NoteRenderer(
                site.notes,
                site.links,
                flashcards_section=bool(self.getConfig("flashcards_section")),
                quiz_questions=int(self.getConfig("quiz_questions")),
                source_links_in_html=bool(self.getConfig("source_links_in_html")),
                cards=site.cards,
            )
        return site, self._renderer

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 - Python-Markdown's name
        md.registerExtension(self)
        self.blocks: list[str] = []
        self.current: tuple[NotesSite, str] | None = None  # the page's site and note, when no plugin runs
        md.preprocessors.register(KbPreprocessor(md, self), "kb", PRIORITY)
        md.postprocessors.register(KbPostprocessor(md, self), "kb", 25)  # after raw HTML (30)

    def reset(self) -> None:
        self.blocks = []
        self.current = None

    def stash(self, html: str) -> str:
        """A paragraph of its own that the postprocessor replaces with ``html`` (Python-Markdown's own stash
        cannot be used this early: its placeholders' control characters are removed after this preprocessor)."""
        self.blocks.append(html)
        return f"{BLOCK_MARK}{len(self.blocks) - 1}"


def _prefix(docs_dir: Path, root: Path) -> str:
    """The notes folder as kb names paths from the root (``notes``), "" when it is not inside the root."""
    try:
        return docs_dir.relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""


class KbPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, extension: KbExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, lines: list[str]) -> list[str]:
        text = "\n".join(lines)
        site, renderer = self.extension.site()
        info = site.notes.page_of(text)
        if info is None:
            if site.managed:
                # the kb plugin names the page it renders: a note another plugin changed the text of, else a page
                # the kb plugin generated (study pages, tags), which has nothing to render
                info = site.notes.by_src.get(site.notes.current or "")
                if info is None:
                    return lines
            else:
                info = _loose_page(text, site.notes)
        if not site.managed and info.src:
            # without the kb plugin (Zensical), the "Linked from" section comes from here: the folder's link graph
            # is at hand. (The plugin adds it in MkDocs, where a dirty rebuild renders the linked pages again.)
            backlinks = site.links.backlinks_section(info.src)
            if backlinks:
                text = text.rstrip("\n") + "\n\n" + backlinks + "\n"
        stash = self.extension.stash
        if self.extension.getConfig("hold_deck") and info.src:

            def stash(html: str, src: str = info.src) -> str:
                site.decks[src] = html
                return DECK_PLACEHOLDER

        self.extension.current = None if site.managed else (site, info.src)
        return renderer.markdown(text, info, stash).split("\n")


class KbPostprocessor(Postprocessor):
    def __init__(self, md: Markdown, extension: KbExtension):
        super().__init__(md)
        self.extension = extension

    def run(self, text: str) -> str:
        if self.extension.current is not None:  # no kb plugin: the cards' HTML goes in here
            # (not popped: Python-Markdown's toc extension runs the postprocessors on the table of contents first)
            site, src = self.extension.current
            text = insert_page_cards(text, site.cards.get(src))
        for i, html in enumerate(self.extension.blocks):
            text = text.replace(f"<p>{BLOCK_MARK}{i}</p>", html, 1)
        if "</a>" in text:
            text = audio_players(text)  # a link to a sound file (an Anki [sound:x.mp3]) plays on the page
        return text


def _loose_page(text: str, notes: SiteNotes) -> NoteInfo:
    """Text that is no note of the folder (a page made by a plugin, a snippet): read as a note of its own."""
    from kb.errors import NoteError
    from kb.notes import wikilinks
    from kb.notes.reader import parse_note

    try:
        note = parse_note("page.md", text.encode("utf-8"))
    except NoteError:
        note = None
    info = NoteInfo(
        "", "page.md", note.title if note else "", note, None, wikilinks.find_links(text), text=text
    )
    info.cards = notes.cards_of(info) if note is not None else ()
    return info


def makeExtension(**kwargs) -> KbExtension:  # noqa: N802 - Python-Markdown's name
    return KbExtension(**kwargs)
