"""A full `mkdocs build` on two cores: a forked worker does part of the per-page work, the build uses its results.

MkDocs builds a site in one process, page after page, twice over: first every page's Markdown is turned into HTML
(``_populate_page``: the plugins' page hooks and Python-Markdown), then every page is put into the theme
(``_build_page``: Material's Jinja templates and the search plugin's HTML parsing). Both loops are nearly all
per-page CPU work. Just before each loop the kb plugin forks one worker (``on_nav`` and ``on_env``): it takes pages
from the end of the list backwards while the build itself goes on from the start, and the two meet in the middle
(``Split``: a page is claimed by whichever side gets to it first, so a busy core does not hold the other one up).

The worker runs MkDocs' own page functions on its copy of the build (same configuration, files, navigation, plugin
state) and sends back only what they produced. When the build reaches a page the worker did, it still runs every
plugin hook itself, so every plugin's state (tags, search index, kb's flashcard decks) is what a serial build makes;
only the expensive steps are taken from the worker, each one only when its input is exactly what the worker had:

- phase 1: kb's own ``on_page_markdown`` (flashcard decks) and ``Page.render`` (Python-Markdown), keyed by the
  Markdown they were given;
- phase 2: the search plugin's indexing of the page, keyed by a digest of the page's HTML, and the theme's
  rendering of the page, taken at the same point of ``_build_page``.

Log records the worker's steps emit are sent along and handled here, at the place of the step, so warnings (and
``--strict``) behave as in a serial build. Anything the worker did not finish is simply done here. The output is
byte for byte the output of a serial build (tests/test_site_parallel.py compares every file).

Only a plain, single-threaded ``mkdocs build`` forks: ``mkdocs serve`` runs a server thread (forking a threaded
process can deadlock) and rebuilds only what changed, so it keeps the serial path.

Everything the two-core build needs is in this module: the kb plugin's hooks call ``TwoCoreBuild``, and nothing
else in the site depends on it.
"""

from __future__ import annotations

import atexit
import gc
import hashlib
import logging
import mmap
import multiprocessing
import os
import pickle
import select
import shutil
import signal
import struct
import tempfile
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager

log = logging.getLogger("mkdocs.plugins.kb")

MAIN, WORKER = 1, 2

# Log records of the worker's current step go here (None: dropped, the build emits those records itself).
_sink: list | None = None
_capturing = False


def can_fork() -> bool:
    """Whether the build may fork its worker: the one fork policy (kb.forking) for a batch of any size."""
    from kb.forking import worth_forking

    return worth_forking(1, 0)


def _portable(record: logging.LogRecord) -> dict:
    data = dict(record.__dict__)
    data["msg"] = record.getMessage()
    data["args"] = None
    if record.exc_info:
        data["exc_text"] = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
    data["exc_info"] = None
    return {k: v for k, v in data.items() if isinstance(v, str | int | float | bool | type(None))}


def _capture_handle(self: logging.Logger, record: logging.LogRecord) -> None:
    # Replaces Logger.handle in the worker, before the logger's own filters: the build handles the record again
    # (filters, handlers, mkdocs' warning counter) as if it had emitted it.
    if _sink is not None:
        _sink.append((self.name, _portable(record)))


def _start_capture() -> None:
    global _capturing
    logging.Logger.handle = _capture_handle  # the worker is a throwaway fork: nothing else runs in it
    _capturing = True


@contextmanager
def capture(logs: list) -> Iterator[list]:
    """In the worker, the log records emitted inside the block are appended to ``logs`` (elsewhere: no-op)."""
    global _sink
    if not _capturing:
        yield logs
        return
    previous, _sink = _sink, logs
    try:
        yield logs
    finally:
        _sink = previous


def replay(logs: list) -> None:
    """Handle log records the worker captured, as if emitted here."""
    for name, data in logs:
        logging.getLogger(name).handle(logging.makeLogRecord(data))


def digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class Split:
    """Pages shared between this process, going forward from the first, and one forked worker, going backwards.

    ``start(compute)`` forks; the worker claims the last unclaimed page, runs ``compute(i)`` and hands the
    record over, until it meets a page this process claimed. ``take(key)`` claims a page for this process, or
    returns the worker's record for it (None when the worker failed or died: then this process does the page).

    A record (a page's HTML, 50 to 100 KB) goes through a file in a private temporary folder, and the pipe carries
    only the page's number, four bytes that a write never splits: a record sent through the pipe itself would not fit
    its buffer, and this process would wait, mid-read, for the worker to write the rest.
    """

    def __init__(self, keys: list[str]):
        self.keys = keys
        self.index = {key: i for i, key in enumerate(keys)}
        self.claims = mmap.mmap(-1, max(1, len(keys)))  # anonymous and shared with the forked worker
        self.lock = multiprocessing.get_context("fork").Lock()
        self.done: set[int] = set()  # pages whose record the worker has handed over
        self.pid: int | None = None
        self.fd: int | None = None
        self.folder: str | None = None
        self.finished = False
        self.received = 0
        self._partial = b""

    def start(self, compute: Callable[[int], dict], before: Callable[[], None] | None = None) -> bool:
        if not self.keys:
            return False
        self.folder = tempfile.mkdtemp(prefix="kb-split-")
        reader, writer = os.pipe()
        # Everything made so far (configuration, navigation, pages) lives to the end of the build: frozen, the
        # collector stops walking it on every full collection here, and in the worker stops touching (and so
        # copying) the pages it shares with this process.
        gc.freeze()
        pid = os.fork()
        if pid == 0:  # the worker: never returns into MkDocs
            code = 0
            try:
                os.close(reader)
                _start_capture()
                if before is not None:
                    before()
                self._work(compute, writer)
            except BaseException:  # noqa: BLE001 - a worker's failure only means the build does the pages
                code = 1
            finally:
                os._exit(code)
        os.close(writer)
        os.set_blocking(reader, False)
        self.pid, self.fd = pid, reader
        # An interrupted build (Ctrl-C skips MkDocs' build_error event) still leaves no records behind.
        atexit.register(shutil.rmtree, self.folder, ignore_errors=True)
        return True

    def _path(self, i: int) -> str:
        return os.path.join(self.folder, str(i))

    def _work(self, compute: Callable[[int], dict], fd: int) -> None:
        for i in range(len(self.keys) - 1, -1, -1):
            with self.lock:
                if self.claims[i]:
                    break
                self.claims[i] = WORKER
            try:
                record = compute(i)
            except Exception:  # noqa: BLE001 - the build does this page (and reports its error) itself
                os.write(fd, struct.pack("<i", i))  # no file: the build does the page
                break
            with open(self._path(i), "wb") as fh:
                pickle.dump(record, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.write(fd, struct.pack("<i", i))
        os.write(fd, struct.pack("<i", -1))
        os.close(fd)

    def take(self, key: str) -> dict | None:
        """This process is at page ``key``: None if it is to do the page itself, else the worker's record."""
        i = self.index.get(key)
        if i is None or self.pid is None:
            return None
        with self.lock:
            if not self.claims[i]:
                self.claims[i] = MAIN
                return None
        while i not in self.done and not self.finished:
            self._receive(block=True)
        if i not in self.done:
            return None
        try:
            with open(self._path(i), "rb") as fh:
                record = pickle.load(fh)
        except OSError:
            return None
        os.unlink(self._path(i))
        self.received += 1
        return record

    def _receive(self, block: bool) -> None:
        if block:
            select.select([self.fd], [], [])
        try:
            data = os.read(self.fd, 4096)
        except BlockingIOError:
            return
        if not data:  # the worker is gone
            self.finished = True
            return
        data, self._partial = self._partial + data, b""
        cut = len(data) - len(data) % 4
        data, self._partial = data[:cut], data[cut:]
        for (i,) in struct.iter_unpack("<i", data):
            if i < 0:
                self.finished = True
            else:
                self.done.add(i)

    def close(self, kill: bool = False) -> None:
        """Waits for the worker (or ends it, after a failed build) and removes what it left."""
        if self.pid is None:
            return
        if kill:
            try:
                os.kill(self.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        try:
            os.waitpid(self.pid, 0)
        except ChildProcessError:
            pass
        os.close(self.fd)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.pid = None
        self.finished = True
        self.done.clear()


# ---------------------------------------------------------------------------------------------------------------
# The kb plugin's side: its hooks call TwoCoreBuild, which runs MkDocs' own page steps in the worker.


def _has_page_steps() -> bool:
    """Whether this MkDocs has the two page functions the parallel build runs in its worker (MkDocs 1.4 to 1.6)."""
    from mkdocs.commands import build

    return callable(getattr(build, "_populate_page", None)) and callable(getattr(build, "_build_page", None))


def _search_index(config):
    """The search plugin's index, when it has the shape this module relies on (Material's search)."""
    for plugin in config.plugins.values():
        index = getattr(plugin, "search_index", None)
        if isinstance(getattr(index, "entries", None), list) and hasattr(index, "add_entry_from_context"):
            return index
    return None


class TwoCoreBuild:
    """The plugin's two-core build: phase 1 forks at ``on_nav``, phase 2 at ``on_env`` (see the module's text).

    ``enabled`` is the plugin's ``parallel`` option; ``command`` and ``dirty`` come from ``on_startup``.
    """

    def __init__(self) -> None:
        self.enabled = True
        self.command: str | None = None
        self.dirty = False
        self._role = MAIN
        self._split1: Split | None = None
        self._split2: Split | None = None
        self._pre: dict[str, dict] = {}  # the worker's records of the pages it did (phase 1)
        self._record: dict | None = None  # in the worker: the record of the current page
        self._nav = None

    def _parallel(self) -> bool:
        return (
            self.enabled
            and self.command in ("build", "gh-deploy")
            and not self.dirty
            and self._role == MAIN
            and can_fork()
            and _has_page_steps()
        )

    def stop(self) -> None:
        """After a failed build: end the workers."""
        for split in (self._split1, self._split2):
            if split is not None:
                split.close(kill=True)
        self._split1 = self._split2 = None

    def _become_worker(self) -> None:
        self._role = WORKER
        self._split1 = self._split2 = None

    # -- phase 1: a worker turns pages' Markdown into HTML (kb's page hook and Python-Markdown) ---------------

    def start_markdown_worker(self, nav, config, files) -> None:
        """At the end of ``on_nav``: the worker forked here sees the navigation every plugin made."""
        self._nav = nav
        if not self._parallel():
            return
        from mkdocs.commands.build import _populate_page
        from mkdocs.structure.files import InclusionLevel
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
                with capture(logs):
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

        split = Split([f.src_uri for f in doc_files])
        if split.start(compute, before=self._become_worker):
            self._split1 = split

    def claim(self, page):
        """``on_pre_page``, before any other plugin sees the page: the worker's rendering of it, if it did it."""
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
                replay(logs)

            page.render = render
        return page

    def page_markdown(self, markdown: str, page, render: Callable, held: tuple[dict, ...]) -> str:
        """kb's ``on_page_markdown``: ``render(markdown, page)``, or its result from the worker (which may have put
        what the page holds back, its deck and its cards' HTML, into the dicts of ``held``, keyed by src)."""
        src = page.file.src_uri
        record = self._pre.pop(src, None)
        done = record.get("kb") if record else None
        if done is not None and done[0] == markdown:
            _markdown, result, kept, logs = done
            replay(logs)
            for store, value in zip(held, kept, strict=True):
                if value is not None:
                    store[src] = value
            return result
        if self._record is None:
            return render(markdown, page)
        logs: list = []
        with capture(logs):
            result = render(markdown, page)
        self._record["kb"] = (markdown, result, tuple(store.get(src) for store in held), logs)
        return result

    def end_markdown_phase(self) -> None:
        if self._split1 is not None:
            log.debug(f"kb: {self._split1.received} of {len(self._split1.keys)} pages rendered by the worker")
            self._split1.close()
            self._split1 = None
            self._pre.clear()

    # -- phase 2: a worker puts pages into the theme (Jinja) and indexes them for search -----------------------

    def start_theme_worker(self, env, config, files) -> None:
        """At the end of ``on_env``: every plugin's environment changes are in the worker's copy."""
        if not self._parallel():
            return
        phase = _ThemePhase(self, env, config, files)
        split = Split([f.src_uri for f in phase.doc_files])
        if split.start(phase.compute, before=phase.worker_setup):
            self._split2 = split
            phase.replay_in_build(split)

    def end_theme_phase(self) -> None:
        if self._split2 is not None:
            log.debug(f"kb: {self._split2.received} of {len(self._split2.keys)} pages themed by the worker")
            self._split2.close()
            self._split2 = None


class _ThemePhase:
    """Phase 2's two sides: in the worker, the theme's output and the search entries of a page are recorded; in the
    build, they are used in place of rendering the template and indexing the page again."""

    def __init__(self, build: TwoCoreBuild, env, config, files):
        from mkdocs.structure.files import InclusionLevel

        self.build, self.env, self.config = build, env, config
        self.doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        self.search = _search_index(config)
        self.real_get_template = env.get_template
        self.current: dict = {"page": None, "record": None}

    def worker_setup(self) -> None:
        self.build._become_worker()
        current, config, real_get_template = self.current, self.config, self.real_get_template

        def get_template(name, parent=None, globals=None):
            template = real_get_template(name, parent, globals)
            record = current["record"]
            if parent is None and record is not None and config._current_page is current["page"]:
                return _RecordedTemplate(template, record, name)
            return template

        self.env.get_template = get_template
        search = self.search
        if search is not None:
            index_page = search.add_entry_from_context

            def add_entry(page):
                record = current["record"]
                if record is None or page is not current["page"]:
                    return index_page(page)
                before, logs = len(search.entries), []
                with capture(logs):
                    index_page(page)
                record["search"] = (digest(page.content), search.entries[before:], logs)
                del search.entries[before:]

            search.add_entry_from_context = add_entry

    def compute(self, i: int) -> dict:
        from mkdocs.commands.build import _build_page

        file = self.doc_files[i]
        current = self.current
        current["page"], current["record"] = file.page, {}
        try:
            _build_page(
                file.page,
                self.config,
                self.doc_files,
                self.build._nav,
                self.env,
                False,
                file.inclusion.is_excluded(),
            )
            return current["record"]
        finally:
            current["page"] = current["record"] = None

    def replay_in_build(self, split: Split) -> None:
        build, config, search, real_get_template = (
            self.build,
            self.config,
            self.search,
            self.real_get_template,
        )
        pending: dict[str, dict] = {}
        taken: set[str] = set()

        def get_template(name, parent=None, globals=None):
            template = real_get_template(name, parent, globals)
            page = config._current_page
            if parent is not None or page is None or build._split2 is None:
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

        self.env.get_template = get_template
        if search is not None:
            index_page = search.add_entry_from_context

            def add_entry(page):
                record = pending.get(page.file.src_uri)
                done = record.pop("search", None) if record else None
                if done is None or done[0] != digest(page.content):
                    return index_page(page)
                search.entries.extend(done[1])
                replay(done[2])

            search.add_entry_from_context = add_entry


class _RecordedTemplate:
    """In the theme worker: the page's template, whose output is recorded for the build instead of written."""

    def __init__(self, template, record: dict, name: str):
        self.template, self.record, self.name = template, record, name

    def render(self, context) -> str:
        logs: list = []
        with capture(logs):
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
        replay(logs)
        return output

    def __getattr__(self, name):
        return getattr(self.template, name)
