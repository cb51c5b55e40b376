"""The store side of cards: keep the ``cards`` table in step with the notes, keeping every card's id and history.

Called by the indexer (``kb.indexer.after_notes``) inside its transaction, after the note tables are written:

1. the cards of removed notes become orphans (``orphaned_at`` set; never deleted: their review history stays);
2. each parsed note's cards are extracted and matched to the note's live cards (kb/identity.py); unmatched old cards
   become orphans;
3. the cards still unmatched are matched against the orphan pool (renamed notes, cards moved between notes, cards
   deleted and written again); what is left is new and gets a deterministic id.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from kb.cards.extractor import extract_cards
from kb.cards.identity import Known, card_fingerprint, match, new_id
from kb.cards.model import Card
from kb.config import KnowledgeBase
from kb.errors import NoteError
from kb.notes.reader import Note


class CorpusStats:
    """Document frequencies of words across the notes, for the salience of generated key-point cloze terms.

    Measured first: the ``notes_vocab`` fts5vocab table answers ``term = ?`` by walking the term's whole doclist
    (1.5 ms for a common word in a 10,000-note corpus, 44 ms per note's batch of words), which tripled the cost of
    a full index. So kb counts its own: over a deterministic sample of up to ``SAMPLE`` note bodies (chosen by
    content hash), tokenised exactly as the extractor tokenises, scaled to the corpus -- exact for a knowledge base
    of up to ``SAMPLE`` notes, a sound ranking signal beyond. The counts are kept in ``card_term_stats`` so that
    re-indexing one edited note costs a few indexed lookups, and rebuilt on a big index run or when the corpus has
    grown well past the sample they came from. Nothing is computed unless a plain key-point bullet needs a term.
    """

    SAMPLE = 300
    _SIZE_KEY = ""  # row holding the number of bodies sampled
    _DOCS_KEY = "\x01"  # row holding the number of notes when the sample was taken

    def __init__(self, conn: sqlite3.Connection, *, rebuild: bool = False):
        self.conn = conn
        self.n_docs = conn.execute("SELECT count(*) FROM notes").fetchone()[0]
        self._rebuild = rebuild
        self._scale: float | None = None
        self._cache: dict[str, int] = {}
        self._complete = False  # every count is in _cache (load_all)
        self._sample = None  # the sample's bodies when taken before the notes are written (before_writing)

    def _prepare(self) -> float:
        conn = self.conn
        meta = dict(
            conn.execute(
                "SELECT word, df FROM card_term_stats WHERE word IN (?, ?)", (self._SIZE_KEY, self._DOCS_KEY)
            ).fetchall()
        )
        size, docs_then = meta.get(self._SIZE_KEY), meta.get(self._DOCS_KEY) or 0
        stale = size is None or self._rebuild or self.n_docs > 1.5 * docs_then
        if size is not None and size < self.SAMPLE and self.n_docs != docs_then:
            stale = True  # the sample was the whole (small) knowledge base: keep it exact
        if stale:
            size = self._build()
        return self.n_docs / size if size else 1.0

    def _build(self) -> int:
        from kb.index.indexer import FTS_SHIFT

        if self._sample is not None:
            return self._store(self._sample())
        rows = self.conn.execute(
            f"SELECT body FROM notes_fts WHERE rowid IN "
            f"(SELECT rowid << {FTS_SHIFT} FROM notes ORDER BY hash LIMIT {self.SAMPLE})"
        ).fetchall()
        return self._store([body for (body,) in rows])

    def _store(self, bodies: list[str]) -> int:
        """Count the words of the sample's bodies into ``card_term_stats``; the sample's size."""
        from kb.cards.salience import word_set

        counts: dict[str, int] = {}
        for body in bodies:
            for w in word_set(body):
                counts[w] = counts.get(w, 0) + 1
        scale = self.n_docs / len(bodies) if bodies else 1.0
        self._cache = {word: round(df * scale) for word, df in counts.items()}  # as load_all reads them
        self._complete = True
        counts[self._SIZE_KEY] = len(bodies)
        counts[self._DOCS_KEY] = self.n_docs
        self.conn.execute("DELETE FROM card_term_stats")
        self.conn.executemany("INSERT INTO card_term_stats (word, df) VALUES (?, ?)", counts.items())
        return len(bodies)

    @classmethod
    def before_writing(
        cls, conn: sqlite3.Connection, parsed: list[tuple[Note, str]], removed: Iterable[str]
    ) -> CorpusStats:
        """The counts as they will be once this run's notes are written, taken before they are, for workers
        that extract while the notes are being written (loaded whole, ``load_all``). A rebuild takes the same
        sample as after the writing (the notes table as it will be, by hash), with the parsed notes' bodies
        (``parsed``: each with its content hash) and the stored bodies of the others."""
        from kb.index.indexer import FTS_SHIFT, body_chunks

        rows: dict[str, tuple[str, Note | None]] = {
            path: (digest, None) for path, digest in conn.execute("SELECT path, hash FROM notes")
        }
        for path in removed:
            rows.pop(path, None)
        for note, digest in parsed:
            rows[note.path] = (digest, note)
        self = cls(conn, rebuild=len(parsed) >= cls.SAMPLE)
        self.n_docs = len(rows)

        def sample() -> list[str]:
            bodies = []
            for path, (_digest, note) in sorted(rows.items(), key=lambda item: item[1][0])[: cls.SAMPLE]:
                if note is not None:
                    bodies.append(body_chunks(note.body)[0])
                    continue
                got = conn.execute(
                    f"SELECT body FROM notes_fts WHERE rowid = "
                    f"(SELECT rowid << {FTS_SHIFT} FROM notes WHERE path = ?)",
                    (path,),
                ).fetchone()
                if got is not None:
                    bodies.append(got[0])
            return bodies

        self._sample = sample
        self.load_all()
        self._sample = None  # (it holds every parsed note)
        return self

    def load_all(self) -> None:
        """Read every count now, so that later lookups need no database (a forked worker must not touch it)."""
        if self._complete:
            return
        if self._scale is None:
            self._scale = self._prepare()
            if self._complete:  # just counted
                return
        scale = self._scale
        for word, df in self.conn.execute("SELECT word, df FROM card_term_stats"):
            if word not in (self._SIZE_KEY, self._DOCS_KEY):
                self._cache[word] = round(df * scale)
        self._complete = True

    def __call__(self, word: str) -> int:
        """Estimated number of notes containing ``word`` (lower-case, as the extractor tokenises)."""
        got = self._cache.get(word)
        if got is not None:
            return got
        if self._complete:
            return 0
        if self._scale is None:
            self._scale = self._prepare()
        row = self.conn.execute("SELECT df FROM card_term_stats WHERE word = ?", (word,)).fetchone()
        got = self._cache[word] = round(row[0] * self._scale) if row else 0
        return got


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


_LOAD_COLS = "id, kind, front, back, position, fingerprint, note, orphaned_at"


def _known(rows: Iterable[tuple]) -> list[Known]:
    return [Known(*row) for row in rows]


def _row_values(note: Note, card: Card, position: int, fp: str, tags_json: str) -> tuple:
    return (
        note.path,
        card.line,
        card.end_line,
        position,
        card.kind.value,
        card.front,
        card.back,
        " > ".join(card.context),
        tags_json,
        note.type,
        int(card.generated),
        card.sibling,
        card.cloze_text,
        card.cloze_index,
        fp,
    )


_UPDATE_SQL = """UPDATE cards SET note=?, line=?, end_line=?, position=?, kind=?, front=?, back=?, context=?, tags=?,
    type=?, generated=?, sibling=?, cloze_text=?, cloze_index=?, fingerprint=?, orphaned_at=NULL,
    updated_at=CASE WHEN fingerprint = ? AND note = ? THEN updated_at ELSE ? END
    WHERE id=?"""


def sync_cards(
    kb: KnowledgeBase,
    conn: sqlite3.Connection,
    parsed: list[Note],
    removed: list[str],
    started: _Sync | None = None,
) -> None:
    """Bring the ``cards`` table up to date for the notes just parsed and removed (see the module docstring).
    ``started``: what ``start`` began for them before the notes were written."""
    if started is None:
        now = _now()
        sync = _Sync(conn, [note.path for note in parsed], removed, now)
        if not parsed:
            return
        settings = kb.settings
        stats = CorpusStats(conn, rebuild=len(parsed) >= CorpusStats.SAMPLE)
        started = sync.extracting(
            _Extraction(parsed, settings.keypoint_headings, settings.keypoint_cards, stats, now)
        )
    started.finish()


class _Sync:
    """One run's card sync, note by note as extraction delivers them; ``step`` takes what is ready so far (while
    the indexer writes the notes), ``finish`` the rest."""

    def __init__(self, conn: sqlite3.Connection, paths: list[str], removed: list[str], now: str):
        """``paths``: the parsed notes', in order (the notes themselves are not kept: a big run frees each once
        written)."""
        self.conn, self.now = conn, now
        if removed:
            conn.executemany(
                "UPDATE cards SET orphaned_at = ? WHERE note = ? AND orphaned_at IS NULL",
                [(now, p) for p in removed],
            )
            conn.executemany("DELETE FROM card_problems WHERE note = ?", [(p,) for p in removed])
        self._paths = iter(paths)
        self.extraction: _Extraction | None = None
        # per note: its cards, the positions still unplaced
        self.pending: list[tuple[str, _NoteCards, list[int]]] = []
        # With no card stored yet (a first index) there is nothing to match against, so each note's cards are
        # placed at once instead of being held until every note is read.
        self.first = conn.execute("SELECT 1 FROM cards LIMIT 1").fetchone() is None
        self.placer = _Placer(conn, now, first=True) if self.first else None
        self.no_problems = conn.execute("SELECT 1 FROM card_problems LIMIT 1").fetchone() is None

    def extracting(self, extraction: _Extraction) -> _Sync:
        self.extraction = extraction
        return self

    def step(self) -> None:
        """Sync the notes whose cards are extracted already, without waiting for more."""
        try:
            for got in self.extraction.ready():
                self._take(got)
        except BaseException:
            self.close()
            raise

    def finish(self) -> None:
        try:
            for got in self.extraction.rest():
                self._take(got)
        finally:
            self.close()
        if next(self._paths, None) is not None:
            raise RuntimeError("card extraction ended before the last note")
        if self.pending:
            placer = _Placer(self.conn, self.now)
            for path, got, positions in self.pending:
                placer.place(path, got, positions)

    def close(self) -> None:
        if self.extraction is not None:
            self.extraction.close()

    def _take(self, got: _NoteCards) -> None:
        conn, now = self.conn, self.now
        path = next(self._paths)
        if not self.no_problems:
            conn.execute("DELETE FROM card_problems WHERE note = ?", (path,))
        if got.problems:
            conn.executemany("INSERT INTO card_problems (note, line, message) VALUES (?,?,?)", got.problems)
        old = (
            []
            if self.first
            else _known(
                conn.execute(
                    f"SELECT {_LOAD_COLS} FROM cards WHERE note = ? AND orphaned_at IS NULL ORDER BY position",
                    (path,),
                )
            )
        )
        if not old:  # a new note (every note of a first index): nothing to match against here
            if self.placer is not None:
                self.placer.place(path, got, list(range(len(got.fps))))
            elif got.fps:
                self.pending.append((path, got, list(range(len(got.fps)))))
            return
        fps = got.fps
        m = match(old, got.cards(), new_fingerprints=fps)
        conn.executemany(
            _UPDATE_SQL, [(*got.rows[i][1:16], fps[i], path, now, cid) for i, cid in m.matched.items()]
        )
        if m.unmatched_old:
            conn.executemany(
                "UPDATE cards SET orphaned_at = ? WHERE id = ?", [(now, cid) for cid in m.unmatched_old]
            )
        if m.unmatched_new:
            self.pending.append((path, got, list(m.unmatched_new)))


class _NoteCards:
    """What extraction found in one note, in plain values (they cross from a worker process as one marshal blob):
    card-syntax problems, and per card its fingerprint and its row as a new card (``_INSERT_SQL``: the id it gets
    when nothing else holds that id, then the values at its position, the note as origin, the run's time)."""

    __slots__ = ("problems", "fps", "rows", "_cards")

    def __init__(self, problems, fps, rows):
        self.problems, self.fps, self.rows = problems, fps, rows
        self._cards: list[Known] | None = None

    def cards(self) -> list[Known]:
        """The cards as matching and ``new_id`` see them (kind, front, back), built on demand: a first index never
        needs them."""
        if self._cards is None:
            self._cards = [Known(r[0], r[5], r[6], r[7]) for r in self.rows]
        return self._cards


def _never(_cid: str) -> bool:
    return False


def _extract(note: Note, keypoint_headings, keypoint_cards: bool, stats, now: str) -> tuple:
    """One note's extraction as plain values (the arguments of ``_NoteCards``)."""
    result = extract_cards(
        note,
        keypoint_headings=keypoint_headings,
        keypoint_cards=keypoint_cards,
        doc_freq=stats,
        n_docs=stats.n_docs,
    )
    cards = result.cards
    fps = [card_fingerprint(c) for c in cards]
    tags_json = json.dumps(list(note.tags), ensure_ascii=False)
    return (
        [(p.path, p.line, p.message) for p in result.problems],  # a NoteError does not cross processes
        fps,
        [
            (new_id(note.path, c, _never, fp), *_row_values(note, c, i, fp, tags_json), note.path, now, now)
            for i, (c, fp) in enumerate(zip(cards, fps, strict=True))
        ],
    )


# A run that parses many notes (a first index, `kb index --full`) extracts their cards in forked worker processes
# (one per core) while this one matches and writes: extraction is pure CPU work, most of such a run. Results come
# back as marshal blobs of plain values (unpickling Card dataclasses cost this process more than it saved). Below
# this many notes, starting the workers costs more than it saves.
PARALLEL_MIN = 400
_CHUNK = 50
_AHEAD = 4  # chunks out per core
_job: tuple | None = None  # what forked workers read: set before the fork, so notes are not pickled to them


def _extract_chunk(start: int) -> bytes:
    import marshal

    notes, keypoint_headings, keypoint_cards, stats, now = _job
    return marshal.dumps(
        [_extract(n, keypoint_headings, keypoint_cards, stats, now) for n in notes[start : start + _CHUNK]]
    )


def _worker_gc() -> None:
    """An extraction worker collects its own garbage, even when forked from an indexer that holds off collecting
    (what it inherits is frozen: kb.indexer.apply)."""
    import gc

    gc.enable()


class _Extraction:
    """Every parsed note's ``_NoteCards``, in order (iterate once). For a big batch on a multi-core machine the
    work runs in forked worker processes from the moment this is made, so that it can overlap with writing the
    notes (see ``start``); otherwise in this process as it is iterated."""

    def __init__(
        self, parsed: list[Note], keypoint_headings, keypoint_cards: bool, stats: CorpusStats, now: str
    ):
        global _job
        from kb.index.indexer import worth_forking

        self._args = (parsed, tuple(keypoint_headings), keypoint_cards, stats, now)
        self._pool = self._results = None
        self._taken = 0
        if worth_forking(len(parsed), PARALLEL_MIN):
            import multiprocessing

            stats.load_all()  # the workers must never use this process's database connection
            _job = self._args
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
                self._args = (None, *self._args[1:])  # the workers have the notes

    def _submit(self) -> None:
        # At most _AHEAD chunks per core out at a time: where the writing falls behind, results would pile up in
        # this process (20-30 MB of a 10,000-note run), and the workers would take the cores the writing needs.
        while len(self._results) < _AHEAD * (os.cpu_count() or 1):
            start = next(self._starts, None)
            if start is None:
                return
            self._results.append(self._pool.apply_async(_extract_chunk, (start,)))

    def _take(self) -> list[_NoteCards]:
        import marshal

        blob = self._results.popleft().get()
        self._submit()
        return [_NoteCards(*values) for values in marshal.loads(blob)]

    def ready(self) -> list[_NoteCards]:
        """The notes' cards extracted so far and not yet taken, in order, without waiting (none in-process)."""
        got: list[_NoteCards] = []
        while self._pool is not None and self._results and self._results[0].ready():
            got += self._take()
        return got

    def rest(self):
        """The notes' cards not yet taken, in order, as they come."""
        if self._pool is None:
            parsed, keypoint_headings, keypoint_cards, stats, now = self._args
            for note in parsed[self._taken :]:
                self._taken += 1
                yield _NoteCards(*_extract(note, keypoint_headings, keypoint_cards, stats, now))
            return
        while self._results:
            yield from self._take()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.terminate()
            self._pool = None


def start(kb: KnowledgeBase, conn: sqlite3.Connection, parsed: list[tuple[Note, str]], removed: list[str]):
    """Start the card sync of a big run before the indexer writes its notes: the cards of the parsed notes (each
    with its content hash) are extracted in worker processes meanwhile. The ``_Sync`` to ``step`` while writing and
    pass to ``sync_cards`` after, or None where extraction would run in this process anyway. ``removed``: the notes
    this run removes."""

    from kb.index.indexer import worth_forking

    if not worth_forking(len(parsed), PARALLEL_MIN):
        return None
    now = _now()
    notes = [note for note, _ in parsed]
    sync = _Sync(conn, [note.path for note in notes], removed, now)
    try:
        stats = CorpusStats.before_writing(conn, parsed, removed)
        settings = kb.settings
        return sync.extracting(
            _Extraction(notes, settings.keypoint_headings, settings.keypoint_cards, stats, now)
        )
    except BaseException:
        sync.close()
        raise


_INSERT_SQL = """INSERT INTO cards (id, note, line, end_line, position, kind, front, back, context, tags, type,
    generated, sibling, cloze_text, cloze_index, fingerprint, origin, created_at, updated_at)
    VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)"""


class _Placer:
    """Places cards no live card of their note took: matched against the orphan pool (renamed notes, cards moved
    between notes, cards deleted and written again), else inserted under a new id."""

    def __init__(self, conn: sqlite3.Connection, now: str, *, first: bool = False):
        """``first``: no card was stored when the run began (so none is an orphan, and an id is taken only if
        this run gave it out)."""
        self.conn, self.now, self.first = conn, now, first
        self.pool = (
            []
            if first
            else _known(conn.execute(f"SELECT {_LOAD_COLS} FROM cards WHERE orphaned_at IS NOT NULL"))
        )
        self.by_fp: dict[str, list[Known]] = {}
        self.by_note: dict[str, list[Known]] = {}
        self.this_run: list[Known] = []
        for k in self.pool:
            self.by_fp.setdefault(k.fingerprint, []).append(k)
            self.by_note.setdefault(k.note, []).append(k)
            if k.orphaned_at == now:
                self.this_run.append(k)
        self.revived: set[str] = set()
        self.assigned: set[str] = set()

    def _stored(self, cid: str) -> bool:
        return (
            cid in self.assigned
            or self.conn.execute("SELECT 1 FROM cards WHERE id = ?", (cid,)).fetchone() is not None
        )

    def place(self, path: str, got: _NoteCards, positions: list[int]) -> None:
        """Place the cards at ``positions`` of the note at ``path``."""
        conn, now = self.conn, self.now
        if self.first and len(positions) == len(got.rows):
            # A first index places all of a note's cards under the ids they came with, unless this run gave one out
            # already (the same card twice, or a collision): then they go one by one below.
            ids = [row[0] for row in got.rows]
            if self.assigned.isdisjoint(ids) and len(set(ids)) == len(ids):
                self.assigned.update(ids)
                conn.executemany(_INSERT_SQL, got.rows)
                return
        fps = [got.fps[i] for i in positions]
        m = None
        if self.pool:
            # candidates: any orphan with the same content, and for similarity the orphans of this path or of this
            # run (a renamed note's cards) -- comparing every card with every old orphan would grow without bound
            cands: dict[str, Known] = {}
            for fp in fps:
                for k in self.by_fp.get(fp, ()):
                    cands[k.id] = k
            for k in self.by_note.get(path, ()):
                cands[k.id] = k
            for k in self.this_run:
                cands[k.id] = k
            for cid in self.revived.intersection(cands):
                del cands[cid]
            if cands:
                all_cards = got.cards()
                m = match(list(cands.values()), [all_cards[i] for i in positions], new_fingerprints=fps)
        rows_update = []
        fresh: list[int] = []
        for idx, pos in enumerate(positions):
            cid = m.matched.get(idx) if m is not None else None
            if cid is not None:
                self.revived.add(cid)
                rows_update.append((*got.rows[pos][1:16], got.fps[pos], path, now, cid))
            else:
                fresh.append(pos)
        if rows_update:
            conn.executemany(_UPDATE_SQL, rows_update)
        if not fresh:
            return
        rows = got.rows
        clash: set[str] = set()
        if not self.first:
            # one query for the whole note: is any of these ids stored already? (then a counter re-derives it)
            ids = [rows[pos][0] for pos in fresh]
            marks = ",".join("?" * len(ids))
            clash = {r[0] for r in conn.execute(f"SELECT id FROM cards WHERE id IN ({marks})", ids)}
        assigned = self.assigned
        rows_insert = []
        for pos in fresh:
            row = rows[pos]
            cid = row[0]
            if cid in clash or cid in assigned:
                cid = new_id(path, got.cards()[pos], self._stored, got.fps[pos])
                row = (cid, *row[1:17], now, now)
            assigned.add(cid)
            rows_insert.append(row)
        conn.executemany(_INSERT_SQL, rows_insert)


def card_problems(kb: KnowledgeBase, conn: sqlite3.Connection) -> list[NoteError]:
    """Card-syntax mistakes of every indexed note (as found when each note was last indexed), by path and line."""
    return [
        NoteError(p, line, msg)
        for p, line, msg in conn.execute(
            "SELECT note, line, message FROM card_problems ORDER BY note, line, rowid"
        )
    ]


# ---------------------------------------------------------------------------------------------------------------
# Reading cards back (for `kb cards` and other commands)


@dataclass(frozen=True)
class StoredCard:
    id: str
    note: str
    line: int
    end_line: int
    position: int
    kind: str
    front: str
    back: str
    context: str
    tags: tuple[str, ...]
    type: str
    generated: bool
    sibling: str
    cloze_text: str
    cloze_index: int
    created_at: str
    orphaned_at: str | None
    suspended: bool

    def to_dict(self) -> dict:
        """The JSON shape of ``kb cards --json``."""
        d = {
            "id": self.id,
            "note": self.note,
            "line": self.line,
            "end_line": self.end_line,
            "kind": self.kind,
            "front": self.front,
            "back": self.back,
            "context": self.context,
            "tags": list(self.tags),
            "type": self.type,
            "generated": self.generated,
            "sibling": self.sibling,
            "suspended": self.suspended,
        }
        if self.kind == "cloze":
            d["cloze_text"] = self.cloze_text
            d["cloze_index"] = self.cloze_index
        if self.orphaned_at:
            d["orphaned_at"] = self.orphaned_at
        return d


_STORED_COLS = (
    "id, note, line, end_line, position, kind, front, back, context, tags, type, generated, sibling, cloze_text, "
    "cloze_index, created_at, orphaned_at, suspended"
)


def _stored(row: tuple) -> StoredCard:
    values = list(row)
    values[9] = tuple(json.loads(values[9] or "[]"))
    values[11] = bool(values[11])
    values[17] = bool(values[17])
    return StoredCard(*values)


def list_cards(
    conn: sqlite3.Connection, *, paths: Iterable[str] = (), tag: str | None = None, orphans: bool = False
) -> list[StoredCard]:
    """Live cards (or orphans), optionally of some notes or folders (root-relative paths) and with a tag."""
    where = ["orphaned_at IS NOT NULL" if orphans else "orphaned_at IS NULL"]
    params: list = []
    path_list = [p.rstrip("/") for p in paths]
    if path_list:
        ors = []
        for p in path_list:
            ors.append("(note = ? OR substr(note, 1, ?) = ?)")
            params.extend([p, len(p) + 1, p + "/"])
        where.append("(" + " OR ".join(ors) + ")")
    if tag:
        where.append("EXISTS (SELECT 1 FROM json_each(cards.tags) WHERE json_each.value = ?)")
        params.append(tag.lstrip("#"))
    order = "orphaned_at DESC, note, line" if orphans else "note, position"
    sql = f"SELECT {_STORED_COLS} FROM cards WHERE {' AND '.join(where)} ORDER BY {order}"
    return [_stored(r) for r in conn.execute(sql, params)]


def review_counts(conn: sqlite3.Connection, ids: Iterable[str]) -> dict[str, int]:
    """Number of reviews kept for each card id (orphans keep theirs)."""
    ids = list(ids)
    out: dict[str, int] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i : i + 500]
        marks = ",".join("?" * len(chunk))
        for cid, n in conn.execute(
            f"SELECT card_id, count(*) FROM reviews WHERE card_id IN ({marks}) GROUP BY card_id", chunk
        ):
            out[cid] = n
    return out
