"""The ``kb`` MkDocs plugin: notes become study pages.

Configured in mkdocs.yml (its options are kb's settings and the site's own, see ``kb.site.config``)::

    plugins:
      - search
      - tags
      - kb:
          new_per_day: 20

What it does, hook by hook (each hook hands the work to one of the site's modules):

- ``on_config``: validates the settings (``kb.site.config``, as the CLI does) and adds the site's scripts, styles and
  bundled MathJax (``kb.site.static``).
- ``on_files``: reads every note once, cached across ``mkdocs serve`` rebuilds (``kb.site.notes``), resolves the
  wiki-link graph for the whole site (``kb.site.links``; in a dirty rebuild it removes the output of pages whose
  backlinks changed so MkDocs renders them again) and adds the generated pages: tags index, stats, review queue and
  quizzes, from ``.kb/kb.db``, only read (``kb.site.study``).
- ``on_nav``: a folder with more than ``nav_group_size`` notes is shown in alphabetical groups (``kb.site.navigation``).
- ``on_page_markdown``: per note, a header line, wiki links resolved (a broken one is a build warning, so
  ``mkdocs build --strict`` fails on it), card syntaxes shown as questions and answers, a "Flashcards" section and a
  "Linked from" section (``kb.site.rendering``).
- ``on_page_content``/``on_post_build``: with ``search: pagefind``, a note's content is marked for Pagefind, which
  indexes the built site (``kb.site.pagefind``).
- ``on_page_context``: the Flashcards section's deck and quiz, as HTML, after the search plugin has indexed the page.
- ``on_nav``/``on_pre_page``/``on_page_markdown``/``on_env``/``on_post_build``: a plain ``mkdocs build`` renders the
  pages on two cores (``kb.site.parallel``).
"""

from __future__ import annotations

from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority

from kb.site.config import KbPluginConfig, kb_settings
from kb.site.links import LinkGraph
from kb.site.navigation import group_long_sections, name_sections
from kb.site.notes import SiteNotes, drop_files_outside
from kb.site.pagefind import PagefindSearch
from kb.site.parallel import TwoCoreBuild
from kb.site.rendering import NoteRenderer, escape_theme_meta
from kb.site.static import SiteAssets
from kb.site.study import QuizOptions, StudyPages


class KbPlugin(BasePlugin[KbPluginConfig]):
    def __init__(self):
        super().__init__()
        # Kept across `mkdocs serve` rebuilds: notes that did not change are not read again, the previous link
        # graph tells which pages need their backlinks redone, quizzes are made again only when the index changed.
        self.notes = SiteNotes()
        self.links = LinkGraph(self.notes)
        self.study = StudyPages()
        self.assets = SiteAssets()
        self.search = PagefindSearch()
        self.two_cores = TwoCoreBuild()
        self.dirty = False
        self.command: str | None = None

    # -- lifecycle ------------------------------------------------------------------------------------------

    def on_startup(self, *, command, dirty):
        # Defining on_startup keeps this object alive across `mkdocs serve` rebuilds.
        self.dirty, self.command = dirty, command
        self.two_cores.command, self.two_cores.dirty = command, dirty
        self.search.serving = command == "serve"
        if dirty:
            self.study.keep_as_files()

    def on_build_error(self, error):
        self.two_cores.stop()

    def on_shutdown(self):
        self.study.close()
        # MkDocs exits next. Python's collections at exit walk every object the build made; frozen objects are
        # skipped, and they are freed all the same.
        import gc

        gc.freeze()

    def on_config(self, config):
        self.settings = kb_settings(self.config, where=str(config.config_file_path or "mkdocs.yml"))
        self.root = Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()
        docs_dir = Path(config.docs_dir).resolve()
        try:
            docs_prefix = docs_dir.relative_to(self.root).as_posix()
        except ValueError:
            docs_prefix = ""
        self.notes.configure(self.settings, docs_prefix)
        self.renderer = NoteRenderer(
            self.notes,
            self.links,
            flashcards_section=self.config.flashcards_section,
            quiz_questions=self.config.quiz_questions,
        )
        self.two_cores.enabled = self.config.parallel
        self.assets.add_to_config(config)
        self.search.configure(config, self.config.search, str(config.config_file_path or "mkdocs.yml"))
        return config

    # -- files, navigation ----------------------------------------------------------------------------------

    def on_files(self, files, config):
        drop_files_outside(files, config.docs_dir, str(self.root))
        self.notes.read(files)
        self.links.build()
        if self.dirty:
            self.links.remove_stale_output()
        self.assets.add_files(files, config)
        self.search.add_files(files, config)
        if self.config.study_pages:
            options = QuizOptions(
                self.config.quiz_questions, self.config.quiz_min_notes, self.config.quiz_tag_pages
            )
            self.study.add(files, config, self.notes, self.root, self.settings, options)
        return files

    @event_priority(-100)  # last: the worker forked here must see the navigation every plugin made
    def on_nav(self, nav, config, files):
        name_sections(nav, self.notes.title_of)
        group_long_sections(nav, self.config.nav_group_size, self.notes.title_of)
        self.two_cores.start_markdown_worker(nav, config, files)
        return nav

    # -- pages ------------------------------------------------------------------------------------------------

    @event_priority(100)  # first: the page is claimed before any other plugin sees it
    def on_pre_page(self, page, config, files):
        return self.two_cores.claim(page)

    def on_page_markdown(self, markdown, page, config, files):
        escape_theme_meta(page.meta)
        return self.two_cores.page_markdown(markdown, page, self.renderer.markdown, self.renderer.decks)

    @event_priority(-100)  # last: every plugin's environment changes are in the worker's copy
    def on_env(self, env, config, files):
        self.two_cores.end_markdown_phase()
        if self.command in ("build", "gh-deploy"):
            # A build renders templates thousands of times and never changes them meanwhile: Jinja need not stat
            # every template file at every use to see whether it changed (`mkdocs serve` keeps checking).
            env.auto_reload = False
        self.two_cores.start_theme_worker(env, config, files)
        return env

    def on_page_content(self, html, page, config, files):
        return self.search.mark_page(html, page)

    @event_priority(-100)  # after the search plugin has indexed the page
    def on_page_context(self, context, page, config, nav):
        self.renderer.insert_deck(page, config)
        return context

    def on_post_build(self, config):
        self.two_cores.end_theme_phase()
        self.search.index(config)
