"""Document frequencies of words across the notes (``CorpusStats``): what the term picker weighs a generated
key-point cloze's terms against."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from kb.notes.reader import Note


class CorpusStats:
    """Document frequencies of words across the notes, for the salience of generated key-point cloze terms.

    The ``notes_vocab`` fts5vocab table would answer ``term = ?`` by walking the term's whole doclist, far too slow
    per word (see benchmarks/history-cards.md). So kb counts its own: over a deterministic sample of up to
    ``SAMPLE`` note bodies (chosen by content hash), tokenised exactly as the term picker tokenises
    (``kb.cards.salience.word_set``), scaled to the corpus -- exact for a knowledge base of up to ``SAMPLE`` notes,
    a sound ranking signal beyond. The counts are kept in ``card_term_stats`` so that
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
        # each word's inverse document frequency by the number of notes, kept by the term weights of every note
        # (kb.cards.salience.TermWeights): the counts never change once read
        self.idf_tables: dict[int, dict[str, float]] = {}

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
        from kb.store.fulltext import FTS_SHIFT

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
        from kb.store.fulltext import FTS_SHIFT, body_chunks

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
