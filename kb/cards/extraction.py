"""A run's card extraction, as rows ready for the ``cards`` table: in this process, or for a big batch in forked
worker processes (one per core) while the indexer writes the notes.

Extraction is pure CPU work, most of a run that parses many notes (a first index, ``kb index --full``). Results come
back from the workers as marshal blobs of plain values (unpickling ``Card`` dataclasses would cost this process more
than it saves). Below ``PARALLEL_MIN`` notes, starting the workers costs more than it saves.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import NamedTuple

from kb.cards.corpus import CorpusStats
from kb.cards.extractor import extract_cards
from kb.cards.identity import MatchableCard, card_fingerprint, card_id
from kb.cards.model import DEFAULT_SYNTAX, Card, CardKind, CardSyntax
from kb.forking import worth_forking
from kb.notes.reader import Note

PARALLEL_MIN = 400
_CHUNK = 50  # notes per worker task
_AHEAD = 4  # chunks out per core

INSERT_SQL = """INSERT INTO cards (id, note, line, end_line, position, kind, front, back, context, tags, type,
    generated, sibling, cloze_text, cloze_index, fingerprint, sr_schedule, origin, created_at, updated_at)
    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""
# An insert row (INSERT_SQL), by position: the id, the card's values from its note to its fingerprint (what an
# update writes too: UPDATE_SQL), its Obsidian schedule, its origin, created_at, updated_at.
ROW_ID = 0
ROW_KIND, ROW_FRONT, ROW_BACK = 5, 6, 7
ROW_SR_SCHEDULE = 16
CARD_VALUES = slice(1, 17)
CARD_VALUES_AND_ORIGIN = slice(1, 18)

UPDATE_SQL = """UPDATE cards SET note=?, line=?, end_line=?, position=?, kind=?, front=?, back=?, context=?, tags=?,
    type=?, generated=?, sibling=?, cloze_text=?, cloze_index=?, fingerprint=?, sr_schedule=?, orphaned_at=NULL,
    updated_at=CASE WHEN fingerprint = ? AND note = ? THEN updated_at ELSE ? END
    WHERE id=?"""


def update_params(row: tuple, fingerprint: str, path: str, now: str, card_id: str) -> tuple:
    """The parameters of UPDATE_SQL that give stored card ``card_id`` the values of an insert ``row``
    (``updated_at`` moves only when the content or the note changed)."""
    return (*row[CARD_VALUES], fingerprint, path, now, card_id)


def in_workers(notes: int) -> bool:
    """Whether a batch of this many notes is extracted in worker processes."""
    return worth_forking(notes, PARALLEL_MIN)


def now_iso() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class NoteCards:
    """What extraction found in one note, in plain values (they cross from a worker process as one marshal blob):
    card-syntax problems as (path, line, message), and per card its fingerprint and its insert row (``INSERT_SQL``:
    the id it gets when nothing else holds that id, then the values at its position, the note as origin, the run's
    time)."""

    __slots__ = ("problems", "fps", "rows", "_cards")

    def __init__(self, problems: list[tuple], fps: list[str], rows: list[tuple]):
        self.problems, self.fps, self.rows = problems, fps, rows
        self._cards: list[MatchableCard] | None = None

    def cards(self) -> list[MatchableCard]:
        """The cards as matching and ``new_id`` see them (kind, front, back), built on demand: a first index never
        needs them."""
        if self._cards is None:
            self._cards = [
                MatchableCard(r[ROW_ID], r[ROW_KIND], r[ROW_FRONT], r[ROW_BACK]) for r in self.rows
            ]
        return self._cards


def _card_tags(note_tags: tuple[str, ...], card: Card, note_json: str) -> str:
    """The card's tags as stored: its note's, then its in-note deck tags (``--tag`` finds either)."""
    if not card.tags:
        return note_json
    return json.dumps(list(dict.fromkeys(note_tags + card.tags)), ensure_ascii=False)


def extract_rows(
    note: Note,
    keypoint_headings,
    keypoint_cards: bool,
    stats: CorpusStats,
    now: str,
    syntax: CardSyntax = DEFAULT_SYNTAX,
) -> tuple:
    """One note's extraction as plain values: the arguments of ``NoteCards``."""
    result = extract_cards(
        note,
        keypoint_headings=keypoint_headings,
        keypoint_cards=keypoint_cards,
        doc_freq=stats,
        n_docs=stats.n_docs,
        syntax=syntax,
    )
    cards = result.cards
    fps = [card_fingerprint(c) for c in cards]
    tags_json = json.dumps(list(note.tags), ensure_ascii=False)
    path, note_type, note_tags = note.path, note.type, note.tags
    rows = []
    crumbs: dict[tuple[str, ...], str] = {}  # the cards of a section share their breadcrumb
    for i, (c, fp) in enumerate(zip(cards, fps, strict=True)):
        kind = _KIND_VALUES[c.kind]
        context = crumbs.get(c.context)
        if context is None:
            context = crumbs[c.context] = " > ".join(c.context)
        rows.append(
            (
                # ``kb.cards.identity.new_id`` with no id taken (a worker has no database; the sync checks the ids
                # against the table and this run, ``CardPlacer``): the first is the card's
                card_id(path, kind, fp),
                path,
                c.line,
                c.end_line,
                i,
                kind,
                c.front,
                c.back,
                context,
                tags_json if not c.tags else _card_tags(note_tags, c, tags_json),
                note_type,
                int(c.generated),
                c.sibling,
                c.cloze_text,
                c.cloze_index,
                fp,
                c.schedule.text if c.schedule is not None else "",
                path,
                now,
                now,
            )
        )
    return (
        [(p.path, p.line, p.message) for p in result.problems],  # a NoteError does not cross processes
        fps,
        rows,
    )


_KIND_VALUES = {kind: kind.value for kind in CardKind}


class ExtractionJob(NamedTuple):
    notes: list[Note] | None  # None once the workers have them
    keypoint_headings: tuple[str, ...]
    keypoint_cards: bool
    stats: CorpusStats
    now: str
    syntax: CardSyntax


_job: ExtractionJob | None = (
    None  # what forked workers read: set before the fork, so notes are not pickled to them
)


def _extract_chunk(start: int) -> bytes:
    import marshal

    job = _job
    return marshal.dumps(
        [
            extract_rows(n, job.keypoint_headings, job.keypoint_cards, job.stats, job.now, job.syntax)
            for n in job.notes[start : start + _CHUNK]
        ]
    )


def _worker_gc() -> None:
    """An extraction worker collects its own garbage, even when forked from an indexer that holds off collecting
    (what it inherits is frozen: kb.index.indexer.apply)."""
    import gc

    gc.enable()


class BatchExtraction:
    """Every parsed note's ``NoteCards``, in order (iterate once). For a big batch on a multi-core machine the
    work runs in forked worker processes from the moment this is made, so that it can overlap with writing the
    notes (see ``kb.cards.sync.start``); otherwise in this process as it is iterated."""

    def __init__(
        self,
        parsed: list[Note],
        keypoint_headings: Iterable[str],
        keypoint_cards: bool,
        stats: CorpusStats,
        now: str,
        syntax: CardSyntax = DEFAULT_SYNTAX,
    ):
        global _job
        self._job = ExtractionJob(parsed, tuple(keypoint_headings), keypoint_cards, stats, now, syntax)
        self._pool = self._results = None
        self._taken = 0
        if in_workers(len(parsed)):
            import multiprocessing

            stats.load_all()  # the workers must never use this process's database connection
            _job = self._job
            try:
                self._pool = multiprocessing.get_context("fork").Pool(os.cpu_count(), _worker_gc)
            except (ValueError, OSError, ImportError):
                self._pool = None  # no fork (Windows, macOS policy) or no semaphores: in-process
            finally:
                _job = None  # the workers have their copy
            if self._pool is not None:
                from collections import deque

                self._starts = iter(range(0, len(parsed), _CHUNK))
                self._results = deque()
                self._submit()
                self._job = self._job._replace(notes=None)  # the workers have the notes

    def _submit(self) -> None:
        # At most _AHEAD chunks per core out at a time: where the writing falls behind, results would pile up in
        # this process, and the workers would take the cores the writing needs.
        while len(self._results) < _AHEAD * (os.cpu_count() or 1):
            start = next(self._starts, None)
            if start is None:
                return
            self._results.append(self._pool.apply_async(_extract_chunk, (start,)))

    def _take(self) -> list[NoteCards]:
        import marshal

        blob = self._results.popleft().get()
        self._submit()
        return [NoteCards(*values) for values in marshal.loads(blob)]

    def ready(self) -> list[NoteCards]:
        """The notes' cards extracted so far and not yet taken, in order, without waiting (none in-process)."""
        got: list[NoteCards] = []
        while self._pool is not None and self._results and self._results[0].ready():
            got += self._take()
        return got

    def rest(self) -> Iterator[NoteCards]:
        """The notes' cards not yet taken, in order, as they come."""
        if self._pool is None:
            job = self._job
            for note in job.notes[self._taken :]:
                self._taken += 1
                yield NoteCards(
                    *extract_rows(
                        note, job.keypoint_headings, job.keypoint_cards, job.stats, job.now, job.syntax
                    )
                )
            return
        while self._results:
            yield from self._take()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None
