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
import threading
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager

MAIN, WORKER = 1, 2

# Log records of the worker's current step go here (None: dropped, the build emits those records itself).
_sink: list | None = None
_capturing = False


def can_fork() -> bool:
    """Whether forking is safe here: a POSIX system, and no other thread in this process."""
    return hasattr(os, "fork") and threading.active_count() == 1 and (os.cpu_count() or 1) > 1


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
