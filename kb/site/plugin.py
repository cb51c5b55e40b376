"""The ``kb`` MkDocs plugin: notes become study pages.

Configured in mkdocs.yml (its options are kb's settings, see ``kb.config``)::

    plugins:
      - search
      - tags
      - kb:
          new_per_day: 20

What it does, hook by hook:

- ``on_config``: validates the settings (with ``kb.config.make_settings``, as the CLI does), adds the site's own
  scripts and styles and the bundled MathJax (from the ``django-static-mathjax`` package, copied into the site:
  formulas render with no network).
- ``on_files``: reads every note once (cached across ``mkdocs serve`` rebuilds by size and mtime), extracts its cards
  with ``kb.cards``, builds the wiki-link graph for the whole site, adds the generated pages (tags index, quizzes from
  ``kb quiz``'s generator over ``.kb/kb.db``, stats, review queue; the database is only read) and, in a dirty
  rebuild, removes the output of pages whose backlinks changed so MkDocs renders them again.
- ``on_nav``: a folder with more than ``nav_group_size`` notes is shown in alphabetical groups.
- ``on_page_markdown``: per note, a header line (type, author, source, date), wiki links resolved (a broken one is a
  build warning, so ``mkdocs build --strict`` fails on it), card syntaxes shown as questions and answers (card text
  escaped), a "Flashcards" section and a "Linked from" section.
- ``on_page_context``: the Flashcards section's click-to-reveal deck and the note's quiz, as HTML (put in after the
  search plugin has indexed the page: it is excluded from search anyway).
- ``on_nav``/``on_pre_page``/``on_env``: a plain ``mkdocs build`` renders the pages on two cores
  (``kb.site_parallel``).
"""

from __future__ import annotations

import importlib.util
import logging
import os
import posixpath
import re
from dataclasses import dataclass, fields
from datetime import UTC, datetime
from pathlib import Path

from mkdocs.config import config_options
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Section
from mkdocs.utils import get_relative_url

from kb.config import Settings, db_path, make_settings
from kb.errors import KbError, NoteError
from kb.notes import wikilinks
from kb.notes.reader import Note, decode, parse_note
from kb.site import parallel as site_parallel
from kb.site.pages import (
    esc,
    json_for_script,
    open_index_readonly,
    quiz_markdown,
    read_study_data,
    review_markdown,
    stats_markdown,
)

log = logging.getLogger("mkdocs.plugins.kb")

ASSETS = Path(__file__).parent / "assets"
ASSET_PREFIX = "assets/kb"
MATHJAX_FILE = "tex-svg-full.js"
STUDY_DIR = "study"
DECK_PLACEHOLDER = "kbdeck5e0c2a"


def _option(name: str):
    # Every kb setting is accepted here and validated by kb.config.make_settings, the same code the CLI uses,
    # so the site and `kb` agree on what a value means and reject the same mistakes with the same message.
    return (name, config_options.Optional(config_options.Type(object)))


SETTING_NAMES = tuple(f.name for f in fields(Settings) if f.name != "extra")


def mathjax_dir() -> Path | None:
    """The folder of MathJax's browser bundles installed with the ``django-static-mathjax`` package."""
    spec = importlib.util.find_spec("mathjax")
    if spec is None or not spec.submodule_search_locations:
        return None
    for location in spec.submodule_search_locations:
        folder = Path(location) / "static" / "mathjax" / "es5"
        if (folder / MATHJAX_FILE).is_file():
            return folder
    return None


@dataclass
class NoteInfo:
    """What the plugin knows about one Markdown page, read once per change."""

    src: str  # relative to the notes folder: books/atomic-habits.md
    path: str  # relative to the root, as kb shows it: notes/books/atomic-habits.md
    title: str
    note: Note | None
    error: NoteError | None
    links: list[wikilinks.WikiLink]
    # Extracted on first use (KbPlugin._cards_of), i.e. while the page is rendered: in a parallel build that is on
    # either core, rather than all of them before the build forks.
    cards: tuple | None = None
    card_problems: tuple = ()


def _card_module():
    if importlib.util.find_spec("kb.cards.extractor") is None:
        return None
    import kb.cards.extractor

    return kb.cards.extractor


class KbPlugin(BasePlugin):
    config_scheme = (
        *(_option(name) for name in SETTING_NAMES),
        ("quiz_questions", config_options.Type(int, default=20)),
        ("quiz_min_notes", config_options.Type(int, default=2)),
        ("quiz_tag_pages", config_options.Type(int, default=30)),
        ("study_pages", config_options.Type(bool, default=True)),
        ("flashcards_section", config_options.Type(bool, default=True)),
        # A folder with more notes than this shows them in alphabetical groups in the navigation: Material renders
        # the visible navigation into every page, so a folder of 500 notes would cost 500 links on each of them.
        ("nav_group_size", config_options.Type(int, default=60)),
        # `mkdocs build` renders pages on two cores (kb.site_parallel); false keeps the build in one process.
        ("parallel", config_options.Type(bool, default=True)),
    )

    def __init__(self):
        super().__init__()
        self._cache: dict[str, tuple[tuple[int, int], NoteInfo]] = {}
        self._graph: dict[str, tuple] | None = None
        self.notes: dict[str, NoteInfo] = {}
        self.backlinks: dict[str, list[str]] = {}
        self.resolved: dict[str, dict[tuple[int, int], str | None]] = {}
        self.settings = Settings()
        self.dirty = False
        self._generated_dir: Path | None = None
        self._quiz_cache: dict[tuple, dict] = {}
        self._deck_html: dict[str, str] = {}
        self.command: str | None = None
        self._role = site_parallel.MAIN
        self._split1: site_parallel.Split | None = None
        self._split2: site_parallel.Split | None = None
        self._pre: dict[str, dict] = {}  # the worker's records of the pages it did (phase 1)
        self._record: dict | None = None  # in the worker: the record of the current page
        self._nav = None

    # -- lifecycle ------------------------------------------------------------------------------------------

    def on_startup(self, *, command, dirty):
        # Defining on_startup keeps this object alive across `mkdocs serve` rebuilds, so notes that did not
        # change are not read again and the previous link graph tells which pages need their backlinks redone.
        self.dirty = dirty
        self.command = command
        if dirty:
            import tempfile

            self._generated_dir = Path(tempfile.mkdtemp(prefix="kb-site-"))

    def on_build_error(self, error):
        for split in (self._split1, self._split2):
            if split is not None:
                split.close(kill=True)
        self._split1 = self._split2 = None

    def on_shutdown(self):
        if self._generated_dir is not None:
            import shutil

            shutil.rmtree(self._generated_dir, ignore_errors=True)
        # MkDocs exits next. Python's collections at exit walk every object the build made (about a second for a
        # 2,000-note site); frozen objects are skipped, and they are freed all the same.
        import gc

        gc.freeze()

    def on_config(self, config):
        options = {name: self.config[name] for name in SETTING_NAMES if self.config.get(name) is not None}
        try:
            self.settings = make_settings(options, where=str(config.config_file_path or "mkdocs.yml"))
        except KbError as exc:
            raise PluginError(str(exc)) from None
        self.root = Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()
        self.docs_dir = Path(config.docs_dir).resolve()
        try:
            self.docs_prefix = self.docs_dir.relative_to(self.root).as_posix()
        except ValueError:
            self.docs_prefix = ""
        self.mathjax = mathjax_dir()
        scripts = [f"{ASSET_PREFIX}/kb.js"]
        if self.mathjax is not None:
            scripts = [
                f"{ASSET_PREFIX}/mathjax-config.js",
                f"{ASSET_PREFIX}/mathjax/{MATHJAX_FILE}",
                *scripts,
            ]
        else:
            log.warning(
                "kb: MathJax is not installed, formulas will show as TeX source; "
                "install kb with its dependencies (pip install django-static-mathjax)"
            )
        for script in scripts:
            if script not in config.extra_javascript:
                config.extra_javascript.append(script)
        if f"{ASSET_PREFIX}/kb.css" not in config.extra_css:
            config.extra_css.append(f"{ASSET_PREFIX}/kb.css")
        return config

    # -- files: read notes, link graph, generated pages ----------------------------------------------------

    def _read(self, file: File) -> NoteInfo:
        src = file.src_uri
        path = f"{self.docs_prefix}/{src}" if self.docs_prefix else src
        abs_path = file.abs_src_path
        try:
            st = os.stat(abs_path)
            key = (st.st_size, st.st_mtime_ns)
        except (OSError, TypeError):
            key = None
        cached = self._cache.get(src)
        if key is not None and cached is not None and cached[0] == key:
            return cached[1]
        info = self._parse(src, path, file)
        if key is not None:
            self._cache[src] = (key, info)
        return info

    def _parse(self, src: str, path: str, file: File) -> NoteInfo:
        try:
            raw = file.content_bytes
        except OSError as exc:
            err = NoteError(path, 1, f"cannot read this note ({exc.strerror})")
            return NoteInfo(src, path, src, None, err, [], ())
        try:
            note = parse_note(path, raw)
        except NoteError as err:
            title = posixpath.splitext(posixpath.basename(src))[0]
            try:
                body = decode(path, raw)
            except NoteError:
                body = ""
            return NoteInfo(src, path, title, None, err, wikilinks.find_links(body), ())
        return NoteInfo(src, path, note.title, note, None, wikilinks.find_links(note.body))

    def _cards_of(self, info: NoteInfo) -> tuple:
        if info.cards is None:
            info.cards, info.card_problems = self._extract(info.note) if info.note is not None else ((), ())
        return info.cards

    def _extract(self, note: Note) -> tuple[tuple, tuple]:
        cards_mod = _card_module()
        if cards_mod is None or not note.flashcards:
            return (), ()
        try:
            result = cards_mod.extract_cards(
                note,
                keypoint_headings=self.settings.keypoint_headings,
                keypoint_cards=self.settings.keypoint_cards and note.keypoint_cards,
            )
        except KbError as exc:
            log.warning(f"kb: {exc}")
            return (), ()
        return tuple(result.cards), tuple(result.problems)

    def on_files(self, files: Files, config):
        self.files_by_src = {}
        notes: dict[str, NoteInfo] = {}
        for file in files.documentation_pages():
            if file.generated_by:
                continue
            notes[file.src_uri] = self._read(file)
            self.files_by_src[file.src_uri] = file
        for src in list(self._cache):
            if src not in notes:
                del self._cache[src]
        self.notes = notes
        for info in notes.values():
            if info.error is not None:
                log.warning(f"kb: {info.error}")

        self.index = wikilinks.LinkIndex({src: info.title for src, info in notes.items()}, self.docs_prefix)
        backlinks: dict[str, set[str]] = {}
        resolved: dict[str, dict[tuple[int, int], str | None]] = {}
        for src, info in notes.items():
            table = {}
            for link in info.links:
                target = self.index.resolve(link.target, src)
                table[(link.line, link.start)] = target
                if target is not None and target != src:
                    backlinks.setdefault(target, set()).add(src)
            resolved[src] = table
        self.resolved = resolved
        self.backlinks = {
            t: sorted(s, key=lambda x: (notes[x].title.casefold(), x)) for t, s in backlinks.items()
        }
        self._invalidate_changed(config)

        self._add_assets(files, config)
        if self.config["study_pages"]:
            self._add_generated_pages(files, config)
        return files

    def _invalidate_changed(self, config) -> None:
        """In a dirty rebuild, pages whose backlinks or link targets changed are rendered again.

        MkDocs re-renders only pages whose source is newer than their output. A note gains a backlink when another
        note changes, so the page's output is removed; the note itself is never touched.
        """
        graph = {}
        for src, info in self.notes.items():
            incoming = tuple((s, self.notes[s].title) for s in self.backlinks.get(src, ()))
            outgoing = tuple(
                (t, self.notes[t].title if t in self.notes else None)
                for t in self.resolved.get(src, {}).values()
            )
            graph[src] = (info.title, incoming, outgoing)
        previous, self._graph = self._graph, graph
        if previous is None or not self.dirty:
            return
        for src, entry in graph.items():
            old = previous.get(src)
            if old is not None and old != entry:
                file = self.files_by_src.get(src)
                if file is not None and file.abs_dest_path and os.path.exists(file.abs_dest_path):
                    os.unlink(file.abs_dest_path)

    def _add_assets(self, files: Files, config) -> None:
        for name in ("kb.js", "kb.css", "mathjax-config.js"):
            uri = f"{ASSET_PREFIX}/{name}"
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(ASSETS / name)))
        if self.mathjax is not None:
            uri = f"{ASSET_PREFIX}/mathjax/{MATHJAX_FILE}"
            if files.get_file_from_path(uri) is None:
                files.append(File.generated(config, uri, abs_src_path=str(self.mathjax / MATHJAX_FILE)))

    # -- generated pages ------------------------------------------------------------------------------------

    def _add_page(self, files: Files, config, src: str, content: str, *, in_nav: bool = True) -> None:
        if files.get_file_from_path(src) is not None:
            return  # the user's own page wins
        inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
        if self._generated_dir is None:
            files.append(File.generated(config, src, content=content, inclusion=inclusion))
            return
        # `mkdocs serve --dirty`: a generated page is a file rewritten only when its content changes, so MkDocs
        # renders again only the pages that did change (an in-memory page would be rendered on every edit).
        path = self._generated_dir / src
        try:
            same = path.read_text(encoding="utf-8") == content
        except OSError:
            same = False
        if not same:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        files.append(File.generated(config, src, abs_src_path=str(path), inclusion=inclusion))

    def _add_generated_pages(self, files: Files, config) -> None:
        self._add_page(
            files,
            config,
            "tags.md",
            "---\ntitle: Tags\nflashcards: false\n---\n# Tags\n\nEvery tag used in the notes, with its notes.\n\n"
            "<!-- material/tags -->\n",
        )
        now = datetime.now(UTC)
        data = read_study_data(db_path(self.root), self.settings, now)
        today = data.today
        # Generated pages stay out of the search index: their words are the notes' words.
        hidden = "---\nsearch:\n  exclude: true\nflashcards: false\n---\n"
        self._add_page(files, config, f"{STUDY_DIR}/stats.md", hidden + stats_markdown(data, today))

        def link_of(note_path: str) -> str | None:
            src = self._src_of(note_path)
            if src is None:
                return None
            return posixpath.relpath(src, STUDY_DIR)

        self._add_page(files, config, f"{STUDY_DIR}/review.md", hidden + review_markdown(data, link_of))
        self._add_quiz_pages(files, config)

    def _src_of(self, note_path: str) -> str | None:
        prefix = f"{self.docs_prefix}/" if self.docs_prefix else ""
        if prefix and note_path.startswith(prefix):
            note_path = note_path[len(prefix) :]
        return note_path if note_path in self.notes else None

    def _note_url(self, note_path: str, from_url: str) -> str | None:
        src = self._src_of(note_path)
        file = self.files_by_src.get(src) if src else None
        if file is None:
            return None
        return get_relative_url(file.url, from_url)

    def _add_quiz_pages(self, files: Files, config) -> None:
        from kb.site import quiz as site_quiz

        tags: dict[str, list[NoteInfo]] = {}
        for info in self.notes.values():
            if info.note is not None:
                for tag in info.note.tags:
                    tags.setdefault(tag, []).append(info)
        # A page per tag (the tags with most notes first, up to quiz_tag_pages): each costs a quiz generation.
        chosen = [t for t in tags if len(tags[t]) >= self.config["quiz_min_notes"]]
        chosen = sorted(chosen, key=lambda t: (-len(tags[t]), t.casefold()))[: self.config["quiz_tag_pages"]]
        scopes = [("index", "Quiz: all notes", list(self.notes.values()), None)]
        used = {"index"}
        for tag in sorted(chosen, key=str.casefold):
            slug = re.sub(r"[^a-z0-9]+", "-", tag.casefold()).strip("-") or "tag"
            while slug in used:
                slug += "-"
            used.add(slug)
            scopes.append((slug, f"Quiz: {tag}", tags[tag], tag))

        conn, why = None, ""
        if site_quiz.generator_available():
            db = db_path(self.root)
            conn, why = open_index_readonly(db)
            db_key = tuple(_stat_key(Path(f"{db}{suffix}")) for suffix in ("", "-wal"))
            if len(self._quiz_cache) > 4 * len(scopes):
                self._quiz_cache.clear()
        titles = {info.path: info.title for info in self.notes.values()}
        try:
            for slug, title, infos, tag in scopes:
                src = f"{STUDY_DIR}/quiz/{slug}.md"
                page_url = File(src, None, "", config.use_directory_urls).url

                def url_of(path, _u=page_url):
                    return self._note_url(path, _u)

                n = self.config["quiz_questions"]
                if conn is not None:
                    key = (db_key, tag, n, slug)
                    payload = self._quiz_cache.get(key)
                    if payload is None:  # generated again only when the index changed (kb index, kb review)
                        payload = site_quiz.quiz_from_index(
                            conn, tag=tag, n=n, seed=slug, titles=titles, url_of=url_of
                        )
                        self._quiz_cache[key] = payload
                elif site_quiz.generator_available():
                    payload = {"questions": [], "notices": [why]}
                else:  # before kb's quiz generator is installed: questions from the cards themselves
                    notes = [i for i in infos if i.note is not None]
                    for info in notes:
                        self._cards_of(info)
                    payload = site_quiz.build_quiz(notes, n, slug, url_of)
                if tag is None:
                    intro = "Questions drawn from every note. " + _tag_list_markdown(scopes[1:])
                else:
                    intro = f"Questions from the notes tagged **{esc(tag)}**. [Quiz on all notes](index.md)."
                front = f"---\ntitle: {json_for_script(title)}\nflashcards: false\nsearch:\n  exclude: true\n---\n"
                content = front + quiz_markdown(title, intro, payload, f"kb-quiz-{slug}")
                # Only the all-notes quiz is in the navigation; it links to the one for each tag.
                self._add_page(files, config, src, content, in_nav=tag is None)
        finally:
            if conn is not None:
                conn.close()

    # -- navigation -------------------------------------------------------------------------------------------

    @event_priority(-100)  # last: the worker forked here must see the navigation every plugin made
    def on_nav(self, nav, config, files):
        size = self.config["nav_group_size"]
        if size and size > 1:
            for item in nav.items:
                if item.is_section:
                    self._group_section(item, size)
        self._nav = nav
        if self._parallel():
            self._start_markdown_worker(config, files)
        return nav

    def _group_section(self, section: Section, size: int) -> None:
        for child in section.children:
            if child.is_section:
                self._group_section(child, size)
        pages = [c for c in section.children if c.is_page and not c.is_index]
        if len(pages) <= size:
            return
        others = [c for c in section.children if not (c.is_page and not c.is_index)]
        groups = []
        count = -(-len(pages) // size)
        per = -(-len(pages) // count)
        for start in range(0, len(pages), per):
            chunk = pages[start : start + per]
            first, last = (self._title_of(p) for p in (chunk[0], chunk[-1]))
            group = Section(f"{_short(first)} – {_short(last)}", chunk)
            group.parent = section
            for page in chunk:
                page.parent = group
            groups.append(group)
        section.children = others + groups

    def _title_of(self, page) -> str:
        info = self.notes.get(page.file.src_uri)
        return info.title if info else (page.title or page.file.name)

    # -- two cores (kb.site_parallel) -------------------------------------------------------------------------

    def _parallel(self) -> bool:
        return (
            self.config["parallel"]
            and self.command in ("build", "gh-deploy")
            and not self.dirty
            and self._role == site_parallel.MAIN
            and site_parallel.can_fork()
            and _has_page_steps()
        )

    def _start_markdown_worker(self, config, files) -> None:
        """Phase 1: a worker turns pages' Markdown into HTML (kb's page hook and Python-Markdown)."""
        from mkdocs.commands.build import _populate_page
        from mkdocs.structure.pages import Page

        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)

        def compute(i: int) -> dict:
            file = doc_files[i]
            if file.page is None and file.inclusion.is_not_in_nav():
                Page(None, file, config)  # as MkDocs' build loop does
            page = file.page
            record: dict = {}
            self._record = record

            def render(config, files):
                logs: list = []
                with site_parallel.capture(logs):
                    Page.render(page, config, files)
                anchors = page.__dict__.get("links_to_anchors")
                record["render"] = (
                    page.markdown,
                    page.content,
                    page.toc,
                    page._title_from_render,
                    page.present_anchor_ids,
                    None if anchors is None else {f.src_uri: links for f, links in anchors.items()},
                    logs,
                )

            page.render = render
            _populate_page(page, config, files, False)
            self._record = None
            return record

        split = site_parallel.Split([f.src_uri for f in doc_files])
        if split.start(compute, before=self._become_worker):
            self._split1 = split

    def _become_worker(self) -> None:
        self._role = site_parallel.WORKER
        self._split1 = self._split2 = None

    @event_priority(100)  # first: the page is claimed before any other plugin sees it
    def on_pre_page(self, page, config, files):
        if self._split1 is None:
            return page
        record = self._split1.take(page.file.src_uri)
        if record is None:
            return page
        self._pre[page.file.src_uri] = record
        done = record.get("render")
        if done is not None:

            def render(config, files, _page=page, _done=done):
                del _page.render  # back to Page.render
                markdown, content, toc, title, anchor_ids, anchors, logs = _done
                if markdown != _page.markdown:  # a later hook changed the Markdown: render it here
                    return _page.render(config, files)
                _page.content, _page.toc, _page._title_from_render = content, toc, title
                _page.present_anchor_ids = anchor_ids
                if anchors is not None:
                    _page.links_to_anchors = {files.get_file_from_path(s): v for s, v in anchors.items()}
                site_parallel.replay(logs)

            page.render = render
        return page

    @event_priority(-100)  # last: every plugin's environment changes are in the worker's copy
    def on_env(self, env, config, files):
        if self._split1 is not None:
            log.debug(f"kb: {self._split1.received} of {len(self._split1.keys)} pages rendered by the worker")
            self._split1.close()
            self._split1 = None
            self._pre.clear()
        if self.command in ("build", "gh-deploy"):
            # A build renders templates thousands of times and never changes them meanwhile: Jinja need not stat
            # every template file at every use to see whether it changed (`mkdocs serve` keeps checking).
            env.auto_reload = False
        if self._parallel():
            self._start_theme_worker(env, config, files)
        return env

    def _start_theme_worker(self, env, config, files) -> None:
        """Phase 2: a worker puts pages into the theme (Jinja) and indexes them for search."""
        from mkdocs.commands.build import _build_page

        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        search = _search_index(config)
        real_get_template = env.get_template
        current: dict = {"page": None, "record": None}

        def worker_setup() -> None:
            self._become_worker()

            def get_template(name, parent=None, globals=None):
                template = real_get_template(name, parent, globals)
                record = current["record"]
                if parent is None and record is not None and config._current_page is current["page"]:
                    return _RecordedTemplate(template, record, name)
                return template

            env.get_template = get_template
            if search is not None:
                index_page = search.add_entry_from_context

                def add_entry(page):
                    record = current["record"]
                    if record is None or page is not current["page"]:
                        return index_page(page)
                    before, logs = len(search.entries), []
                    with site_parallel.capture(logs):
                        index_page(page)
                    record["search"] = (site_parallel.digest(page.content), search.entries[before:], logs)
                    del search.entries[before:]

                search.add_entry_from_context = add_entry

        def compute(i: int) -> dict:
            file = doc_files[i]
            current["page"], current["record"] = file.page, {}
            try:
                _build_page(file.page, config, doc_files, self._nav, env, False, file.inclusion.is_excluded())
                return current["record"]
            finally:
                current["page"] = current["record"] = None

        split = site_parallel.Split([f.src_uri for f in doc_files])
        if not split.start(compute, before=worker_setup):
            return
        self._split2 = split
        pending: dict[str, dict] = {}
        taken: set[str] = set()

        def get_template(name, parent=None, globals=None):
            template = real_get_template(name, parent, globals)
            page = config._current_page
            if parent is not None or page is None or self._split2 is None:
                return template
            src = page.file.src_uri
            if src not in taken:
                taken.add(src)
                record = split.take(src)
                if record is not None:
                    pending[src] = record
            record = pending.get(src)
            done = record.get("template") if record else None
            if done is not None and done[0] == name:
                return _ReplayedTemplate(template, page, done, lambda: pending.pop(src, None))
            return template

        env.get_template = get_template
        if search is not None:
            index_page = search.add_entry_from_context

            def add_entry(page):
                record = pending.get(page.file.src_uri)
                done = record.pop("search", None) if record else None
                if done is None or done[0] != site_parallel.digest(page.content):
                    return index_page(page)
                search.entries.extend(done[1])
                site_parallel.replay(done[2])

            search.add_entry_from_context = add_entry

    def on_post_build(self, config):
        if self._split2 is not None:
            log.debug(f"kb: {self._split2.received} of {len(self._split2.keys)} pages themed by the worker")
            self._split2.close()
            self._split2 = None

    # -- pages ------------------------------------------------------------------------------------------------

    def on_page_markdown(self, markdown: str, page, config, files):
        _escape_theme_meta(page.meta)
        src = page.file.src_uri
        record = self._pre.pop(src, None)
        done = record.get("kb") if record else None
        if done is not None and done[0] == markdown:
            _markdown, result, deck, logs = done
            site_parallel.replay(logs)
            if deck is not None:
                self._deck_html[src] = deck
            return result
        if self._record is None:
            return self._page_markdown(markdown, page)
        logs: list = []
        with site_parallel.capture(logs):
            result = self._page_markdown(markdown, page)
        self._record["kb"] = (markdown, result, self._deck_html.get(src), logs)
        return result

    def _page_markdown(self, markdown: str, page) -> str:
        src = page.file.src_uri
        info = self.notes.get(src)
        if info is None:
            return markdown
        offset = _line_offset(page.file, markdown)
        self._warn_broken_links(markdown, info, offset)
        if info.note is not None and self._cards_of(info):
            markdown = self._render_cards(markdown, info, offset)
        markdown = self._links_in_text(markdown, info.src)
        markdown = _insert_after_h1(markdown, self._header_line(info))
        extra = []
        if info.note is not None and info.cards and self.config["flashcards_section"]:
            extra.append(self._flashcards_section(info, page))
        back = self.backlinks.get(src)
        if back:
            extra.append(self._backlinks_section(src, back))
        if extra:
            markdown = markdown.rstrip("\n") + "\n\n" + "\n\n".join(extra) + "\n"
        return markdown

    def _link_markdown(
        self, src: str, link: wikilinks.WikiLink, target: str | None, page_url: str | None = None
    ) -> str:
        label = wikilinks.escape_label(link.label)
        if target is None:
            return f'<span class="kb-broken-link" title="no note named {esc(link.target)}">{esc(link.label)}</span>'
        if page_url is None:
            url = wikilinks.relative_url(src, target)  # MkDocs turns the .md link into the page's URL
        else:
            url = get_relative_url(self.files_by_src[target].url, page_url) or "./"  # HTML output: final URL
        if link.anchor:
            url += "#" + wikilinks.anchor_of(link.anchor)
        return f"[{label}](<{url}>)"

    def _warn_broken_links(self, markdown: str, info: NoteInfo, offset: int) -> None:
        for link in wikilinks.find_links(markdown):
            if self.index.resolve(link.target, info.src) is None:
                log.warning(
                    f"{info.path}:{offset + link.line + 1}: wiki link [[{link.target}]] matches no note; "
                    "fix the title or path (e.g. [[books/atomic-habits|Atomic Habits]])"
                )

    def _links_in_text(self, text: str, src: str, page_url: str | None = None) -> str:
        links = wikilinks.find_links(text)
        if not links:
            return text
        replace = {
            (lk.line, lk.start): self._link_markdown(src, lk, self.index.resolve(lk.target, src), page_url)
            for lk in links
        }
        return wikilinks.rewrite_links(text, links, replace)

    def _header_line(self, info: NoteInfo) -> str:
        note = info.note
        if note is None:
            return ""
        meta = note.meta
        parts = []
        if meta.get("type") or note.author or note.source or note.date:
            parts.append(f'<span class="kb-type">{esc(note.type.replace("-", " ").capitalize())}</span>')
        if note.author:
            parts.append(f'<span class="kb-author">{esc(note.author)}</span>')
        if note.source:
            if re.match(r"https?://", note.source):
                parts.append(
                    f'<a class="kb-source" href="{esc(note.source)}" rel="noopener">{esc(_short_url(note.source))}</a>'
                )
            else:
                parts.append(f'<span class="kb-source">{esc(note.source)}</span>')
        if note.date:
            parts.append(f'<time class="kb-date" datetime="{esc(note.date)}">{esc(note.date)}</time>')
        if not parts:
            return ""
        return '<p class="kb-meta">' + ' <span class="kb-sep">·</span> '.join(parts) + "</p>"

    def _backlinks_section(self, src: str, sources: list[str]) -> str:
        lines = [
            "## Linked from {#kb-linked-from data-search-exclude}",
            "",
            '<div class="kb-backlinks" data-search-exclude markdown>',
            "",
        ]
        for other in sources:
            title = wikilinks.escape_label(self.notes[other].title)
            lines.append(f"- [{title}](<{wikilinks.relative_url(src, other)}>)")
        lines += ["", "</div>"]
        return "\n".join(lines)

    # Cards: shown as questions and answers where they are written, and as a deck at the end of the note.

    def _render_cards(self, markdown: str, info: NoteInfo, offset: int) -> str:
        from kb.site import cards as site_cards

        return site_cards.render_card_lines(
            markdown, info.cards, offset, lambda t: self._links_in_text(t, info.src)
        )

    def _flashcards_section(self, info: NoteInfo, page) -> str:
        """The section's heading in the Markdown (so the table of contents lists it) and a placeholder for its
        body, which ``on_page_context`` puts in as HTML: Python-Markdown would only parse that HTML again."""
        from kb.site import cards as site_cards
        from kb.site import quiz as site_quiz

        has_heading = any(h.text.strip().casefold() == "flashcards" for h in info.note.headings)
        title = "Study the flashcards" if has_heading else "Flashcards"
        body = site_cards.deck_html(info.cards, lambda t: self._links_in_text(t, info.src, page.url))
        payload = site_quiz.build_quiz(
            [info], n=self.config["quiz_questions"], seed=info.path, url_of=lambda _path: "#"
        )
        if payload["questions"]:
            body += "\n" + site_cards.note_quiz_block(payload)
        self._deck_html[page.file.src_uri] = body
        return f"## {title} {{#kb-flashcards data-search-exclude}}\n\n{DECK_PLACEHOLDER}\n"

    @event_priority(-100)
    def on_page_context(self, context, page, config, nav):
        # The deck goes in after the search plugin has indexed the page: it is half of a note's HTML and never
        # searched (data-search-exclude), so the search plugin's HTML parser would only read it to skip it. The
        # search plugin strips its data-search-* attributes from the page, so the deck gets the same treatment.
        body = self._deck_html.pop(page.file.src_uri, None)
        if body is not None:
            if _strips_search_attributes(config):
                body = SEARCH_ATTRIBUTES.sub("", body)
            page.content = page.content.replace(f"<p>{DECK_PLACEHOLDER}</p>", body, 1)
        return context


def _has_page_steps() -> bool:
    """Whether this MkDocs has the two page functions the parallel build runs in its worker (MkDocs 1.4 to 1.6)."""
    from mkdocs.commands import build

    return callable(getattr(build, "_populate_page", None)) and callable(getattr(build, "_build_page", None))


class _RecordedTemplate:
    """In the theme worker: the page's template, whose output is recorded for the build instead of written."""

    def __init__(self, template, record: dict, name: str):
        self.template, self.record, self.name = template, record, name

    def render(self, context) -> str:
        logs: list = []
        with site_parallel.capture(logs):
            output = self.template.render(context)
        self.record["template"] = (self.name, output, logs)
        return ""  # MkDocs then writes nothing: the build writes the page

    def __getattr__(self, name):
        return getattr(self.template, name)


class _ReplayedTemplate:
    """In the build: a page's template whose output the theme worker already rendered."""

    def __init__(self, template, page, done: tuple, release):
        self.template, self.page, self.done, self.release = template, page, done, release

    def render(self, context) -> str:
        if context.get("page") is not self.page:
            return self.template.render(context)
        self.release()
        _name, output, logs = self.done
        site_parallel.replay(logs)
        return output

    def __getattr__(self, name):
        return getattr(self.template, name)


# What Material's search plugin removes from every page's HTML once it has indexed the page.
SEARCH_ATTRIBUTES = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")


def _strips_search_attributes(config) -> bool:
    for plugin in config.plugins.values():
        if type(plugin).__module__.startswith("material.plugins.search") and plugin.config.get(
            "enabled", True
        ):
            return True
    return False


def _search_index(config):
    """The search plugin's index, when it has the shape kb.site_parallel relies on (Material's search)."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if isinstance(getattr(index, "entries", None), list) and hasattr(index, "add_entry_from_context"):
            return index
    return None


# Front-matter values that MkDocs and Material print into pages as raw HTML (navigation, <title>, <meta
# content="...">, the tag list). A note's front matter is text, so it is escaped before the theme sees it; the tags
# plugin reads page.meta later (priority -50), so tag pages and the tags index get the escaped names too.
THEME_META_TEXT = ("title", "author", "description", "subtitle")


def _escape_theme_meta(meta: dict) -> None:
    for key in THEME_META_TEXT:
        value = meta.get(key)
        if isinstance(value, str):
            meta[key] = esc(value)
    tags = meta.get("tags")
    if isinstance(tags, list):
        meta["tags"] = [esc(str(t)) for t in tags if t is not None]
    elif isinstance(tags, str):
        meta["tags"] = esc(tags)


def _tag_list_markdown(scopes) -> str:
    if not scopes:
        return ""
    items = ", ".join(f"[{esc(tag)}]({slug}.md)" for slug, _title, _infos, tag in scopes)
    return f"By tag: {items}."


def _stat_key(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_size, st.st_mtime_ns)


def _short(title: str) -> str:
    return title if len(title) <= 18 else title[:16].rstrip() + "…"


def _short_url(url: str) -> str:
    text = re.sub(r"^https?://(www\.)?", "", url).rstrip("/")
    return text if len(text) <= 48 else text[:45] + "…"


def _line_offset(file: File, markdown: str) -> int:
    """Lines of the source file before ``markdown`` (MkDocs hands pages over with the front matter removed)."""
    try:
        text = file.content_string.replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return 0
    if text.startswith("\ufeff"):
        text = text[1:]
    if markdown and text.endswith(markdown):
        return text.count("\n", 0, len(text) - len(markdown))
    return 0


def _insert_after_h1(markdown: str, block: str) -> str:
    if not block:
        return markdown
    lines = markdown.split("\n")
    for i, line in enumerate(lines[:40]):
        if re.match(r"#\s+\S", line):
            lines[i + 1 : i + 1] = ["", block, ""]
            return "\n".join(lines)
        if line.strip():
            break
    return block + "\n\n" + markdown
