"""The layout of the full-text table ``notes_fts``: one row per chunk of a note's body, under rowids derived from
the note's, so that snippets of a huge note stay cheap and a note's rows are a rowid range, never a scan.

The indexer writes these rows, search and card sync read them: all three take the layout from here.
"""

from __future__ import annotations

# A chunk's rowid is ``note rowid << FTS_SHIFT | chunk number``.
FTS_SHIFT = 12
FTS_CHUNK = 64 * 1024


def body_chunks(body: str) -> list[str]:
    """Split a body into chunks of about FTS_CHUNK characters at paragraph (else line) boundaries."""
    if len(body) <= FTS_CHUNK:
        return [body]
    chunks, start = [], 0
    limit = (1 << FTS_SHIFT) - 1
    while start < len(body) and len(chunks) < limit - 1:
        end = start + FTS_CHUNK
        if end >= len(body):
            break
        cut = body.rfind("\n\n", start + FTS_CHUNK // 2, end)
        if cut < 0:
            cut = body.rfind("\n", start + FTS_CHUNK // 2, end)
        if cut < 0:
            cut = end
        chunks.append(body[start:cut])
        start = cut
    chunks.append(body[start:])
    return chunks


def fts_range(rowid: int) -> tuple[int, int]:
    """The first and last full-text rowid a note of this ``notes`` rowid may have."""
    return rowid << FTS_SHIFT, ((rowid + 1) << FTS_SHIFT) - 1
