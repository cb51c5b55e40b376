"""The review journal: ``.kb/journal/<device>.jsonl``, append-only, one JSON object per line, one file per device.

The journal, not the database, is the record of the user's history: it is committed with the notes, it is what a
deleted database is rebuilt from, and two devices' files merged by git are one history (each file is only ever
appended to by its own device, so git never sees a conflict).

Every line has ``v`` (format version), ``type``, a unique ``id``, ``at`` (UTC ISO 8601) and ``device``:

* ``review``: ``card``, ``grade`` 1-4, ``ms`` (answer time), ``source`` (review, quiz, anki-import), the card as it
  was (``note``, ``kind``, ``front``, ``back``, ``fp`` fingerprint) so replay finds it after edits, ``before`` and
  ``after`` (the schedule, see ``kb.review.scheduler.CardState``) and ``leech`` when the answer made the card a leech.
* ``undo``: ``ref`` is the id of the review taken back. Nothing is ever rewritten.
* ``suspend`` / ``unsuspend`` / ``bury`` (with ``until``): ``card`` and the same card snapshot as a review.
* ``schedule``: schedules from elsewhere (``kb.review.schedules``): ``source`` (``anki-import``, ``obsidian-sr``),
  ``cards`` (each ``card``, its snapshot, ``state``, and when they apply ``id``, ``at``, ``flag``, ``suspended``,
  ``buried_until``, ``anki``, ``sr``) and ``start`` (true: the cards start from these schedules, once, the earliest
  start winning). Older kbs wrote one ``schedule`` line per card (the entry's fields on the line, suspension and
  burial as ``suspend``/``bury`` lines) and ``start`` lines for Obsidian schedules; both still replay.
* ``import``: an imported review history as one compressed record (``kb.review.imported``): ``source``, ``cards``,
  ``answers``, ``schedules`` (counts) and ``data`` (base64 of zstd: each card's snapshot once, the schedules set,
  and the answers as integer columns). Older kbs wrote a ``review`` line per imported answer; those still replay.
* ``quiz``: a quiz started (``scope``, ``seed``, ``questions``); its ``id`` names the quiz.
* ``quiz-answer``: ``quiz`` (that id), ``position`` (from 1), ``kind``, ``card``, ``note``, ``line``, ``question``,
  ``answer`` (the right one), ``given``, ``correct`` and ``ms``. A later answer at the same position replaces it.
* ``anki-sync``: ``card`` (and its snapshot) and ``nsum``, the digest of its Anki note's fields as ``kb export anki
  --into`` last wrote them (``kb.anki.writeback``): a later kb edit of that note goes back too.

A reader skips line types it does not know (a kb older than the quiz lines replays the rest and leaves them in
the file, for a newer kb to replay).

Appends are durable (write, flush, fsync) before ``append`` returns. A line torn by a crash is never followed by
another on the same line: a new append starts on a fresh line, and readers skip lines that are not valid JSON.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path

# a line type: what ``kb export anki --into`` last wrote into an Anki note (see the list above)
ANKI_SYNC = "anki-sync"

FORMAT = 1
_counter = itertools.count()


def new_id() -> str:
    """A unique, roughly time-ordered id: milliseconds, a per-process counter, random bits."""
    return f"{time.time_ns() // 1_000_000:011x}{next(_counter) % 0x10000:04x}{os.urandom(4).hex()}"


def journal_path(journal_dir: Path, device: str) -> Path:
    return journal_dir / f"{device}.jsonl"


def append(path: Path, event: dict) -> tuple[int, int]:
    """Append one event durably; return the file's (size, mtime_ns) afterwards."""
    pending = write(path, event)
    pending.sync()
    return pending.size, pending.mtime_ns


class PendingLine:
    """A line written to the journal (in the kernel: it survives the process being killed) but not yet fsynced.

    ``sync`` makes it durable against power loss too; ``start_sync`` does that on a thread, so the caller can commit
    SQLite (which fsyncs its WAL) at the same time: one disk wait per answer instead of two.
    """

    def __init__(self, fd: int, start: int, size: int, mtime_ns: int):
        self.fd = fd
        self.start = start  # the file's size before this write
        self.size = size
        self.mtime_ns = mtime_ns
        self._thread = None
        self._error: OSError | None = None

    def _run(self) -> None:
        try:
            os.fsync(self.fd)
        except OSError as exc:
            self._error = exc

    def start_sync(self) -> None:
        import threading

        self._thread = threading.Thread(target=self._run, name="kb-journal-fsync", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Close without syncing (a later line's fsync of the same file covers this one)."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def sync(self) -> None:
        """Wait until the line is on disk (fsync), then close the file. Raises the fsync's OSError, if any."""
        if self._thread is None:
            self._run()
        else:
            self._thread.join()
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        if self._error is not None:
            raise self._error


def write(path: Path, event: dict | list[dict]) -> PendingLine:
    """Write event lines at the end of the journal (O_APPEND, one write); the caller must ``sync()`` the result."""
    events = event if isinstance(event, list) else [event]
    data = "".join(
        json.dumps(e, ensure_ascii=False, separators=(",", ":"), sort_keys=True) + "\n" for e in events
    ).encode("utf-8")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    except FileNotFoundError:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
    try:
        size = os.fstat(fd).st_size
        # a crash may have left a torn last line; start ours on a fresh one
        if size and os.pread(fd, 1, size - 1) != b"\n":
            data = b"\n" + data
        view = memoryview(data)
        while view:
            written = os.write(fd, view)
            view = view[written:]
        st = os.fstat(fd)
    except BaseException:
        os.close(fd)
        raise
    return PendingLine(fd, size, st.st_size, st.st_mtime_ns)


@dataclass(frozen=True)
class Chunk:
    """New complete lines of one journal file, from ``start`` to ``end`` bytes."""

    name: str  # file name relative to the journal folder
    start: int
    end: int
    mtime_ns: int
    events: list[dict]
    bad_lines: list[int]  # 1-based line numbers within the chunk that were not valid JSON


def journal_files(journal_dir: Path) -> list[tuple[Path, os.stat_result]]:
    """The journal files with their stat (one stat each: scandir's), by name."""
    from kb.layout import journal_entries

    found = [(Path(entry.path), st) for entry, st in journal_entries(str(journal_dir))]
    return sorted(found, key=lambda item: item[0].name)


def read_new(journal_dir: Path, known: dict[str, tuple[int, int]]) -> list[Chunk]:
    """Lines added to each journal since ``known`` (name -> (bytes replayed, mtime_ns)).

    One stat per file when nothing changed. A file that shrank or changed in place (a git checkout) is read again
    from the start: replay skips events it already has by their ids.
    """
    chunks = []
    for path, st in journal_files(journal_dir):
        size_done, mtime_done = known.get(path.name, (0, 0))
        if st.st_size == size_done and st.st_mtime_ns == mtime_done:
            continue
        start = size_done if st.st_size >= size_done and size_done > 0 else 0
        if st.st_size == size_done:  # same size, different mtime: rewritten in place
            start = 0
        with open(path, "rb") as fh:
            fh.seek(start)
            raw = fh.read(st.st_size - start)
        end_of_lines = raw.rfind(b"\n") + 1  # a line still being written (or torn) waits for its newline
        complete = raw[:end_of_lines]
        events, bad = [], []
        for number, line in enumerate(complete.split(b"\n"), 1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except ValueError:
                bad.append(number)
                continue
            if (
                isinstance(event, dict)
                and isinstance(event.get("id"), str)
                and isinstance(event.get("at"), str)
            ):
                event["_file"] = path.name
                events.append(event)
            else:
                bad.append(number)
        chunks.append(Chunk(path.name, start, start + end_of_lines, st.st_mtime_ns, events, bad))
    return chunks


def read_all(journal_dir: Path) -> list[dict]:
    """Every event of every journal, in history order (time, then id)."""
    events = [e for chunk in read_new(journal_dir, {}) for e in chunk.events]
    events.sort(key=order_key)
    return events


def order_key(event: dict) -> tuple[str, str]:
    return (normalise_time(event.get("at", "")), event.get("id", ""))


# A time already as kb stores it (``kb.review.clock.iso``): normalised, it reads the same (or it is no time at all,
# which is kept as it is too), so it is taken without a round trip through a datetime (an import's 50,000 schedules).
_STORED_TIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}\+00:00")


def normalise_time(text: str) -> str:
    """Journal times as kb stores them (so lines written by other tools still sort right)."""
    from kb.review.clock import iso, parse_iso

    if isinstance(text, str) and _STORED_TIME.fullmatch(text):
        return text
    try:
        return iso(parse_iso(text))
    except (TypeError, ValueError):
        return text
