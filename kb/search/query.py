"""Full-text search over the notes (SQLite FTS5, ranked by bm25 with titles weighted above bodies).

Users type plain words; kb turns them into a safe FTS5 query: each word is quoted (so ``habit-stacking`` or
``C++`` never reaches FTS5 as syntax), ``"quoted phrases"`` stay phrases, a trailing ``*`` is a prefix search, and
``OR`` / ``NOT`` keep their meaning. A query FTS5 still cannot parse is a KbError, never an SQL error.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass

from kb.errors import KbError
from kb.store.fulltext import FTS_SHIFT

HIGHLIGHT_START = "\x02"
HIGHLIGHT_END = "\x03"


@dataclass(frozen=True)
class SearchHit:
    path: str
    title: str
    type: str
    tags: tuple[str, ...]
    snippet: str  # matches wrapped in HIGHLIGHT_START / HIGHLIGHT_END
    rank: float

    def to_dict(self) -> dict:
        """JSON-ready: the snippet as plain text (the note's own ``**bold**`` kept) and the matches as separate
        ``[start, end)`` character offsets into it, so no marker can collide with the note's text."""
        snippet, highlights = split_highlights(self.snippet)
        return {
            "path": self.path,
            "title": self.title,
            "type": self.type,
            "tags": list(self.tags),
            "snippet": snippet,
            "highlights": highlights,
            "rank": self.rank,
        }


def split_highlights(marked: str) -> tuple[str, list[list[int]]]:
    """A snippet with HIGHLIGHT_START / HIGHLIGHT_END markers as (plain text, [[start, end], ...])."""
    text: list[str] = []
    spans: list[list[int]] = []
    length = 0
    for i, part in enumerate(marked.replace(HIGHLIGHT_END, HIGHLIGHT_START).split(HIGHLIGHT_START)):
        if i % 2 and part:
            spans.append([length, length + len(part)])
        text.append(part)
        length += len(part)
    return "".join(text), spans


_TOKEN_RE = re.compile(r'"([^"]*)"|(\S+)')

# A search is a few words: FTS5's time grows with the square of a query's terms (a pasted page of 1,000 words took
# seconds, 20,000 words minutes), so a longer query gets a clear answer instead.
MAX_TERMS = 32
MAX_QUERY_CHARS = 2000
_OPERATORS = ("OR", "NOT", "AND")


def to_fts_query(query: str) -> str:
    """Turn what a user typed into an FTS5 MATCH expression (a word repeated without other operators counts once)."""
    if len(query) > MAX_QUERY_CHARS:
        raise KbError(
            f"search: the query is {len(query):,} characters long; kb searches for at most {MAX_QUERY_CHARS:,} "
            '(a few words, or a "phrase" in quotes)'
        )
    if query.count('"') % 2:
        raise KbError(f'search: unbalanced quote in {query!r}; close the "phrase" or remove the quote')
    parts: list[str] = []
    for phrase, word in _TOKEN_RE.findall(query):
        if phrase:
            words = phrase.replace("\0", " ").split()  # FTS5 reads a NUL as the end of the query
            if words:
                parts.append('"' + " ".join(w.replace('"', "") for w in words) + '"')
            continue
        if word in ("OR", "NOT", "AND"):
            if not parts or parts[-1] in ("OR", "NOT", "AND"):
                raise KbError(
                    f"search: {word} needs a word before it in {query!r}, e.g. `habits {word} goals`"
                )
            parts.append(word)
            continue
        prefix = word.endswith("*")
        core = word.rstrip("*")
        # Keep only what FTS5's unicode61 tokenizer would keep; what remains is quoted.
        tokens = re.findall(r"\w+", core)
        if not tokens:
            continue
        quoted = '"' + " ".join(tokens) + '"'
        parts.append(quoted + ("*" if prefix else ""))
    while parts and parts[-1] in ("OR", "NOT", "AND"):
        raise KbError(f"search: {parts[-1]} needs a word after it in {query!r}")
    if not parts:
        raise KbError(f"search: {query!r} has no words to search for; try e.g. `kb search habit stacking`")
    return " ".join(_bounded(parts))


def _bounded(parts: list[str]) -> list[str]:
    """The terms once each when only AND or only OR joins them; a clear error past ``MAX_TERMS`` terms."""
    operators = {p for p in parts if p in _OPERATORS}
    if operators <= {"AND"}:  # every word must match: a repeated one adds nothing
        parts = list(dict.fromkeys(p for p in parts if p != "AND"))
    elif operators == {"OR"}:  # any word may match: the same
        terms = list(dict.fromkeys(p for p in parts if p != "OR"))
        parts = [x for term in terms for x in (term, "OR")][:-1]
    count = sum(p not in _OPERATORS for p in parts)
    if count > MAX_TERMS:
        raise KbError(
            f"search: the query has {count} different words; kb searches for at most {MAX_TERMS} "
            '(keep the words that matter, or put a "phrase" in quotes, which counts as one)'
        )
    return parts


def note_filter(
    path_column: str, *, tag: str | None = None, note_type: str | None = None, type_column: str | None = None
) -> tuple[list[str], list[object]]:
    """SQL conditions and their parameters that keep the notes with ``tag`` and of ``note_type``.

    ``path_column`` holds a note's path (``n.path``, ``c.note``); ``type_column`` the note's type when the query
    already has the notes table, else the type is looked up by path. Every "--tag / --type" filter is written here.
    """
    where: list[str] = []
    params: list[object] = []
    if tag:
        where.append(f"{path_column} IN (SELECT note FROM note_tags WHERE tag = ?)")
        params.append(tag)
    if note_type:
        where.append(
            f"{type_column} = ?"
            if type_column
            else f"{path_column} IN (SELECT path FROM notes WHERE type = ?)"
        )
        params.append(note_type.lower())
    return where, params


def search(
    conn: sqlite3.Connection,
    query: str,
    *,
    tag: str | None = None,
    note_type: str | None = None,
    limit: int = 20,
) -> list[SearchHit]:
    """Notes matching ``query``, best first."""
    match = to_fts_query(query)
    # Large notes have several full-text rows (chunks, see kb.store.fulltext); keep each note's best row.
    sql = [
        "SELECT notes_fts.rowid, n.path, n.title, n.type, n.tags,",
        " bm25(notes_fts, 0.0, 10.0, 5.0, 1.0) AS rank",
        f" FROM notes_fts JOIN notes n ON n.rowid = (notes_fts.rowid >> {FTS_SHIFT})",
        " WHERE notes_fts MATCH ?",
    ]
    params: list[object] = [match]
    where, filter_params = note_filter("n.path", tag=tag, note_type=note_type, type_column="n.type")
    sql.extend(f" AND {condition}" for condition in where)
    params.extend(filter_params)
    sql.append(" ORDER BY rank LIMIT ?")
    limit = max(1, int(limit))
    params.append(limit * 4)
    try:
        rows = conn.execute("".join(sql), params).fetchall()
        best: dict[str, tuple] = {}
        for row in rows:
            best.setdefault(row[1], row)
        top = list(best.values())[:limit]
        # Snippets only for the rows shown: snippet() re-reads and re-tokenizes its row, so computing it inside the
        # ranking query (for every candidate row) took most of a search's time.
        snippets = dict(
            conn.execute(
                f"SELECT rowid, snippet(notes_fts, 3, '{HIGHLIGHT_START}', '{HIGHLIGHT_END}', '…', 16)"
                f" FROM notes_fts WHERE notes_fts MATCH ? AND rowid IN ({','.join('?' * len(top))})",
                [match, *(row[0] for row in top)],
            )
        )
    except sqlite3.OperationalError as exc:
        raise KbError(f'search: cannot search for {query!r} ({exc}); use plain words or "a phrase"') from None
    return [
        SearchHit(path, title, typ, tuple(json.loads(tags)), snippets.get(rowid) or "", rank)
        for rowid, path, title, typ, tags, rank in top
    ]


def list_notes(
    conn: sqlite3.Connection, *, tag: str | None = None, note_type: str | None = None
) -> list[dict]:
    """Every note (with ``tag``, of ``note_type``) by path: its path, title, type, author, tags and date. Section
    pages (a folder's ``index.md``) are pages of the site, not notes: left out."""
    from kb.index.tables import is_note_sql

    sql = "SELECT path, title, type, author, tags, date FROM notes"
    where, params = note_filter("path", tag=tag, note_type=note_type, type_column="type")
    where = [*where, is_note_sql("path")]
    if where:
        sql += " WHERE " + " AND ".join(where)
    return [
        {"path": p, "title": t, "type": ty, "author": a, "tags": json.loads(tg), "date": d}
        for p, t, ty, a, tg, d in conn.execute(sql + " ORDER BY path", params)
    ]


def tag_counts(conn: sqlite3.Connection) -> list[tuple[str, int]]:
    """(tag, number of notes) pairs, most used first."""
    return conn.execute(
        "SELECT tag, COUNT(*) AS n FROM note_tags GROUP BY tag ORDER BY n DESC, tag"
    ).fetchall()


@dataclass(frozen=True)
class NoteOutcome:
    """What the index made of one note: its problems (``path:line: message``), its live cards (kind, front, line)
    and the other notes with the same title."""

    problems: list[str]
    cards: list[dict]
    same_title: list[str]


def note_outcome(conn: sqlite3.Connection, path: str, title: str) -> NoteOutcome:
    problems = [
        f"{path}:{line}: {message}"
        for line, message in conn.execute("SELECT line, message FROM note_errors WHERE path = ?", (path,))
    ]
    cards = [
        {"kind": kind, "front": front, "line": line}
        for kind, front, line in conn.execute(
            "SELECT kind, front, line FROM cards WHERE note = ? AND orphaned_at IS NULL ORDER BY position",
            (path,),
        )
    ]
    same_title = [
        p
        for (p,) in conn.execute(
            "SELECT path FROM notes WHERE lower(title) = lower(?) AND path != ? ORDER BY path", (title, path)
        )
    ]
    return NoteOutcome(problems, cards, same_title)


def shared_titles(conn: sqlite3.Connection) -> list[tuple[str, int, str, list[str]]]:
    """Notes whose title another note has too (case aside), so that a ``[[Title]]`` link to it is ambiguous: (path,
    line of its title: its ``# heading``, else 1 for the front matter, the title, the other paths), by path."""
    groups: dict[str, list[str]] = {}
    titles: dict[str, str] = {}
    for path, title in conn.execute("SELECT path, title FROM notes ORDER BY path"):
        groups.setdefault(" ".join(title.split()).casefold(), []).append(path)
        titles[path] = title
    shared = []
    for paths in groups.values():
        if len(paths) < 2:
            continue
        for path in paths:
            row = conn.execute(
                "SELECT h.line FROM headings h JOIN notes n ON n.path = h.note WHERE h.note = ? AND h.level = 1"
                " AND h.text = n.title ORDER BY h.line LIMIT 1",
                (path,),
            ).fetchone()
            shared.append((path, row[0] if row else 1, titles[path], [p for p in paths if p != path]))
    return sorted(shared)
