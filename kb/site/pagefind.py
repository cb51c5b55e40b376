"""Pagefind search for the site, the kb plugin's ``search: pagefind`` option.

Material's own search (lunr) sends every visitor the whole site's text as one JSON file before the first result;
on 2,000 notes that is megabytes and seconds. Pagefind indexes the built pages once (a Rust program shipped in the
``pagefind[bin]`` package, run after the build) into small fragments, and the visitor's browser fetches only the
pieces a query needs.

With ``search: pagefind`` the plugin:

- turns Material's search plugin off if it is listed (its own ``enabled`` option, so no lunr index is built or
  fetched) and adds ``assets/kb/pagefind-search.js``, which puts a search box in Material's header, styled by
  Material (light and dark), and shows Pagefind's results there;
- marks the content of each of your notes for Pagefind (``data-pagefind-body``); generated pages (study pages,
  quizzes, the tags index) and pages with ``search: {exclude: true}`` in their front matter are not marked, so they
  are not searched, nor are a note's flashcard deck and quiz (``data-search-exclude``, as with Material's search);
- runs Pagefind on the built site (``on_post_build``), also under ``mkdocs serve`` after each rebuild (there beside
  the server, so a reload is not held up).

The script needs no plugin: a site built by another generator (Zensical) gets the same search by listing the script
in ``extra_javascript`` and running ``python -m kb.site.pagefind site`` after its build (``main``: Pagefind on each
page's article, and the script copied into the site; see the README).
"""

from __future__ import annotations

import html
import importlib.util
import logging
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from kb.site.static import ASSET_PREFIX, ASSETS

log = logging.getLogger("mkdocs.plugins.kb")

SCRIPT = "pagefind-search.js"
# What Pagefind leaves out of a note's text: heading anchors (¶), the flashcard deck and quiz, MathJax's copies.
EXCLUDE_SELECTORS = (".headerlink", "[data-search-exclude]", ".kb-deck", ".kb-note-quiz", "mjx-assistive-mml")


def pagefind_command() -> list[str] | None:
    """How to run Pagefind: the binary of the ``pagefind[bin]`` package through ``python -m pagefind``, else a
    ``pagefind`` program on the PATH; None when there is neither."""
    if importlib.util.find_spec("pagefind") and (
        importlib.util.find_spec("pagefind_bin") or importlib.util.find_spec("pagefind_bin_extended")
    ):
        return [sys.executable, "-m", "pagefind"]
    program = shutil.which("pagefind")
    return [program] if program else None


def material_search_plugins(config) -> list:
    """Material's search plugins listed in the configuration (usually one, ``- search``)."""
    return [p for p in config.plugins.values() if type(p).__module__.startswith("material.plugins.search")]


class PagefindSearch:
    """The ``search: pagefind`` option's work, hook by hook; does nothing with ``search: material``."""

    def __init__(self) -> None:
        self.enabled = False
        self.command: list[str] | None = None
        self.serving = False  # under `mkdocs serve` (set by the plugin's on_startup)
        self._running: threading.Thread | None = None

    def configure(self, config, search: str, where: str) -> None:
        """``on_config``: the script, and Material's search turned off."""
        self.enabled = search == "pagefind"
        if not self.enabled:
            return
        self.command = pagefind_command()
        if self.command is None:
            raise PluginError(
                f"{where}: kb option search: pagefind needs Pagefind: pip install 'pagefind[bin]' "
                "(or set search: material)"
            )
        for plugin in material_search_plugins(config):
            if plugin.config.get("enabled", True):
                plugin.config["enabled"] = False
                log.info(
                    "kb: search: pagefind replaces Material's search plugin (remove `- search` from plugins)"
                )
        script = f"{ASSET_PREFIX}/{SCRIPT}"
        # listed by hand too (the way for Zensical): once is enough
        if script not in (str(getattr(item, "path", item)) for item in config.extra_javascript):
            config.extra_javascript.append(script)

    def add_files(self, files: Files, config) -> None:
        """``on_files``: the search script (a file of the user's own at that path wins)."""
        uri = f"{ASSET_PREFIX}/{SCRIPT}"
        if self.enabled and files.get_file_from_path(uri) is None:
            files.append(File.generated(config, uri, abs_src_path=str(ASSETS / SCRIPT)))

    def mark_page(self, content: str, page) -> str:
        """``on_page_content``: a note's content wrapped for Pagefind, its title given (the page's h1 may stand
        outside the content, written by the theme)."""
        if not self.enabled or page.file.generated_by or _excluded(page.meta):
            return content
        title = html.escape(page.title or "", quote=True)
        return (
            f'<div data-pagefind-body><span data-pagefind-meta="title" data-pagefind-ignore hidden>{title}</span>'
            f"{content}</div>"
        )

    def index(self, config) -> None:
        """``on_post_build``: Pagefind indexes the built site into ``pagefind/`` in it.

        Under ``mkdocs serve`` it runs beside the server (Pagefind takes seconds on thousands of notes; the edited
        page is shown at once, the search catches up), one run at a time.
        """
        if not self.enabled or self.command is None:
            return
        if not self.serving:
            self._index(str(config.site_dir), fail=True)
            return
        if self._running is not None:
            self._running.join()
        self._running = threading.Thread(target=self._index, args=(str(config.site_dir), False), daemon=True)
        self._running.start()

    def _index(self, site_dir: str, fail: bool) -> None:
        started = time.perf_counter()
        problem = run_pagefind(self.command or [], site_dir)
        if problem and fail:
            raise PluginError(f"kb: Pagefind could not index the site: {problem}")
        if problem:
            log.warning(f"kb: Pagefind could not index the site: {problem}")
        else:
            log.info(f"kb: Pagefind indexed the site in {time.perf_counter() - started:.2f} s")


def run_pagefind(command: list[str], site_dir: str, *extra: str) -> str:
    """Run Pagefind on a built site; "" when it worked, else its last line of output."""
    cmd = [
        *command,
        "--site",
        site_dir,
        "--quiet",
        "--exclude-selectors",
        ", ".join(EXCLUDE_SELECTORS),
        *extra,
    ]
    result = subprocess.run(cmd, capture_output=True, text=True)
    if result.returncode == 0:
        return ""
    message = (result.stderr or result.stdout).strip().splitlines()
    return message[-1] if message else f"exit status {result.returncode}"


def main(argv: list[str] | None = None) -> int:
    """``python -m kb.site.pagefind SITE``: Pagefind search for a site built without the kb plugin (Zensical).

    Indexes the built site (each page's article: no plugin marked the notes) and puts the search script at
    ``SITE/assets/kb/pagefind-search.js``, where the site's ``extra_javascript`` entry points.
    """
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1 or args[0].startswith("-"):
        print(
            "usage: python -m kb.site.pagefind SITE_DIR  (the folder a build wrote, e.g. site)",
            file=sys.stderr,
        )
        return 2
    site = Path(args[0])
    if not any(site.glob("**/index.html")):
        print(f"{site}: no built site here (no index.html): build the site first", file=sys.stderr)
        return 1
    command = pagefind_command()
    if command is None:
        print("kb: Pagefind is not installed: pip install 'pagefind[bin]'", file=sys.stderr)
        return 1
    problem = run_pagefind(command, str(site), "--root-selector", "article")
    if problem:
        print(f"{site}: Pagefind could not index the site: {problem}", file=sys.stderr)
        return 1
    target = site / ASSET_PREFIX / SCRIPT
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ASSETS / SCRIPT, target)
    print(f"{site}: Pagefind index in {site / 'pagefind'}, search script at {target}")
    return 0


def _excluded(meta: dict) -> bool:
    search = meta.get("search")
    return isinstance(search, dict) and bool(search.get("exclude"))


if __name__ == "__main__":
    sys.exit(main())
