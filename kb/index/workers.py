"""Worker processes of the index: the pool that reads and parses a big batch of notes.

Whether a batch goes to forked workers is kb's one fork policy, ``kb.forking`` (``worth_forking``, ``fork_pool``),
shared with card extraction and the site's build.

Only plain values and Notes cross the process boundary: ``read_note`` answers a ``ReadOutcome``.
"""

from __future__ import annotations

import enum
from typing import NamedTuple

from kb.errors import NoteError
from kb.forking import fork_pool, worth_forking

# A full index reads and parses notes in a second process while this one writes SQLite, where most of the time
# goes (FTS5 tokenizing): on two cores the two overlap. Below this many notes to read, starting the process costs
# more than it saves.
PARALLEL_MIN = 400


class Read(enum.StrEnum):
    """What reading one note gave."""

    OK = "ok"  # parsed: the value is the Note
    SAME = "same"  # the bytes hash to the stored hash: nothing to parse
    ERROR = "error"  # does not parse: the value is (line, message)
    MISSING = "missing"  # deleted since the scan
    UNREADABLE = "unreadable"  # the value is the reason (strerror)


class ReadJob(NamedTuple):
    path: str  # root-relative, as the index names it
    file: str  # where to read it
    stored_hash: str | None  # the hash in the notes table, when its bytes may be the same


class ReadOutcome(NamedTuple):
    kind: Read
    digest: str | None
    value: object = None


def read_note(job: ReadJob) -> ReadOutcome:
    """Read, hash and parse one note. Runs in a worker process or in this one."""
    from kb.index.tables import content_hash
    from kb.notes.reader import parse_note

    try:
        with open(job.file, "rb") as fh:
            raw = fh.read()
    except FileNotFoundError:
        return ReadOutcome(Read.MISSING, None)
    except OSError as exc:
        return ReadOutcome(Read.UNREADABLE, None, exc.strerror)
    digest = content_hash(raw)
    if digest == job.stored_hash:
        return ReadOutcome(Read.SAME, digest)
    try:
        return ReadOutcome(Read.OK, digest, parse_note(job.path, raw))
    except NoteError as err:  # (a NoteError does not pickle: its line and message do)
        return ReadOutcome(Read.ERROR, digest, (err.line, err.message))
    except RecursionError:
        return ReadOutcome(Read.ERROR, digest, (1, "this note is nested too deeply to read; simplify it"))


def _read_chunk(jobs: list[ReadJob]) -> list[ReadOutcome]:
    return [read_note(job) for job in jobs]


class ReadPool:
    """A big batch read and parsed in forked worker processes (one per core), a chunk of notes per task; the
    outcomes come in order, and ``all_read`` tells when the workers are done (before this process took them all).
    Each chunk is let go once taken: ``rest`` has the outcomes not taken yet."""

    CHUNK = 32

    @classmethod
    def start(cls, jobs: list[ReadJob]) -> ReadPool | None:
        """None where the batch is small, the machine has one core, or this process cannot fork safely."""
        if not worth_forking(len(jobs), PARALLEL_MIN):
            return None
        pool = fork_pool()
        return None if pool is None else cls(pool, jobs)

    def __init__(self, pool, jobs: list[ReadJob]):
        self.pool = pool
        self.tasks = [
            pool.apply_async(_read_chunk, (jobs[i : i + self.CHUNK],))
            for i in range(0, len(jobs), self.CHUNK)
        ]
        self._done = 0  # tasks known to be finished
        self._next = 0  # the first task not taken
        self._chunk: list = []  # the outcomes of the chunk being taken, and how many of them are taken
        self._used = 0

    def __iter__(self):
        while self._next < len(self.tasks):
            self._chunk, self._used = self.tasks[self._next].get(), 0
            self.tasks[self._next] = None
            self._next += 1
            while self._used < len(self._chunk):
                self._used += 1
                yield self._chunk[self._used - 1]
        self._chunk = []

    def all_read(self) -> bool:
        tasks = self.tasks
        while self._done < len(tasks) and (tasks[self._done] is None or tasks[self._done].ready()):
            self._done += 1
        return self._done == len(tasks)

    def rest(self) -> list[ReadOutcome]:
        """The outcomes not taken yet, in order (waits for the workers); iterating goes on with them."""
        return self._chunk[self._used :] + [o for task in self.tasks[self._next :] for o in task.get()]

    def close(self) -> None:
        """Stop the workers and the pool's threads (a worker still busy is stopped)."""
        if self.pool is not None:
            if self.all_read():
                self.pool.close()
            else:
                self.pool.terminate()
            self.pool.join()
            self.pool = None
