"""The ``kb`` MkDocs plugin: what needs the whole site.

Configured in mkdocs.yml (its options are kb's settings and the site's own, see ``kb.site.config``)::

    plugins:
      - search
      - tags
      - kb:
          new_per_day: 20

A page's own rendering (cards, clozes, question blocks, wiki links, embeds, the Flashcards section) is the Markdown
extension ``kb.site.markdown_ext``, which every generator runs; the plugin adds it when mkdocs.yml does not list it,
and shares with it the notes it reads. What is left here, hook by hook, uses MkDocs' public API only:

- ``on_config``: validates the settings (``kb.site.config``, as the CLI does), configures the extension and adds
  the site's scripts, styles and bundled MathJax (``kb.site.static``).
- ``on_files``: reads every note once, cached across ``mkdocs serve`` rebuilds (``kb.site.notes``), resolves the
  wiki-link graph for the whole site (``kb.site.links``; in a dirty rebuild it removes the output of pages whose
  backlinks changed so MkDocs renders them again) and adds the generated pages: tags index, stats, review queue and
  quizzes, from ``.kb/kb.db``, only read (``kb.site.study``).
- ``on_nav``: a folder with more than ``nav_group_size`` notes is shown in alphabetical groups (``kb.site.navigation``).
- ``on_page_markdown``: a note's front matter is escaped for the theme, and its "Linked from" section added.
- ``on_page_content``/``on_post_build``: with ``search: pagefind``, a note's content is marked for Pagefind, which
  indexes the built site (``kb.site.pagefind``).
- ``on_page_context``: the note's Flashcards section, which the extension held back, put in once the search plugin
  has indexed the page; ``on_env``: Jinja stops checking templates for changes in a one-off build.
"""

from __future__ import annotations

import re
from pathlib import Path

from mkdocs.plugins import BasePlugin, event_priority

from kb.site.config import KbPluginConfig, kb_settings
from kb.site.markdown_ext import DECK_PLACEHOLDER, notes_site
from kb.site.navigation import group_long_sections, name_sections
from kb.site.notes import drop_files_outside
from kb.site.pagefind import PagefindSearch
from kb.site.rendering import (
    audio_players,
    escape_theme_meta,
    escape_title_from_file_name,
    insert_page_cards,
    local_urls,
)
from kb.site.static import SiteAssets
from kb.site.study import QuizOptions, StudyPages

EXTENSION = "kb.site.markdown_ext"
SEARCH_ATTRIBUTES = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")  # what Material's search plugin removes


class KbPlugin(BasePlugin[KbPluginConfig]):
    def __init__(self):
        super().__init__()
        # Kept across `mkdocs serve` rebuilds: quizzes are made again only when the index changed, and the notes
        # (kept by notes_site) are read again only when changed.
        self.study = StudyPages()
        self.assets = SiteAssets()
        self.search = PagefindSearch()
        self.dirty = False
        self.files = None  # MkDocs' files of the site, once a page is HTML (for the URLs in a deck)
        self.command: str | None = None

    def on_startup(self, *, command, dirty):
        # Defining on_startup keeps this object alive across `mkdocs serve` rebuilds.
        self.dirty, self.command = dirty, command
        self.search.serving = command == "serve"
        if dirty:
            self.study.keep_as_files()

    def on_shutdown(self):
        self.study.close()

    def on_config(self, config):
        self.settings = kb_settings(self.config, where=str(config.config_file_path or "mkdocs.yml"))
        self.root = Path(config.config_file_path).resolve().parent if config.config_file_path else Path.cwd()
        docs_dir = Path(config.docs_dir).resolve()
        try:
            docs_prefix = docs_dir.relative_to(self.root).as_posix()
        except ValueError:
            docs_prefix = ""
        self.site = notes_site(docs_dir)
        self.site.managed = True
        self.notes, self.links = self.site.notes, self.site.links
        self.notes.configure(self.settings, docs_prefix)
        self.notes.use_directory_urls = config.use_directory_urls
        if EXTENSION not in config.markdown_extensions:
            config.markdown_extensions.append(EXTENSION)
        config.mdx_configs[EXTENSION] = {
            **config.mdx_configs.get(EXTENSION, {}),
            "docs_dir": str(docs_dir),
            "flashcards_section": self.config.flashcards_section,
            "quiz_questions": self.config.quiz_questions,
            "hold_deck": True,
        }
        self.assets.add_to_config(config)
        self.search.configure(config, self.config.search, str(config.config_file_path or "mkdocs.yml"))
        return config

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

    def on_nav(self, nav, config, files):
        name_sections(nav, self.notes.title_of)
        group_long_sections(nav, self.config.nav_group_size, self.notes.title_of)
        return nav

    def on_page_markdown(self, markdown, page, config, files):
        """The note's "Linked from" section; the extension renders the rest of the page."""
        escape_theme_meta(page.meta)
        escape_title_from_file_name(page, markdown)
        src = page.file.src_uri
        self.notes.current = src if src in self.notes.by_src else None
        backlinks = self.links.backlinks_section(src)
        if backlinks:
            markdown = markdown.rstrip("\n") + "\n\n" + backlinks + "\n"
        return markdown

    def on_env(self, env, config, files):
        if self.command in ("build", "gh-deploy"):
            # A build renders templates thousands of times and never changes them meanwhile: Jinja need not stat
            # every template file at every use to see whether it changed (`mkdocs serve` keeps checking).
            env.auto_reload = False
        return env

    def on_page_content(self, html, page, config, files):
        """The page's cards, rendered and cleaned by kb (``kb.site.cards``), in place of the tokens the extension
        left, before the search plugin reads the page (so cards are searched); Pagefind's marks."""
        html = insert_page_cards(html, self.site.cards.pop(page.file.src_uri, None), page, files)
        self.files = files
        return self.search.mark_page(html, page)

    @event_priority(-100)  # after the search plugin has indexed the page
    def on_page_context(self, context, page, config, nav):
        """The Flashcards section's HTML, in place of the placeholder the extension left. It goes in after the
        search plugin has indexed the page: half of a note's HTML, never searched (data-search-exclude), which the
        search plugin's HTML parser would only read to skip. That plugin removes data-search-* attributes from what
        it indexed, so the deck loses them too."""
        body = self.site.decks.pop(page.file.src_uri, None)
        if body is not None:
            if search_indexes_pages(config):
                body = SEARCH_ATTRIBUTES.sub("", body)
            if self.files is not None:  # images and sounds of card text, from the page's URL
                body = local_urls(body, page, self.files)
            page.content = page.content.replace(f"<p>{DECK_PLACEHOLDER}</p>", audio_players(body), 1)
        return context

    def on_post_build(self, config):
        self.search.index(config)


def search_indexes_pages(config) -> bool:
    """Whether Material's search plugin is on (it removes data-search-* attributes from the pages it indexes)."""
    for name in ("material/search", "search"):
        plugin = config.plugins.get(name)
        if plugin is not None:
            return bool(getattr(plugin, "config", {}).get("enabled", True))
    return False
