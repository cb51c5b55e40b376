"""The layout of the full-text rows (``notes_fts``): one row per chunk of a note's body, so snippets of a huge note
stay cheap. A chunk's rowid is ``note rowid << FTS_SHIFT | chunk number``: deleting a note's rows is a rowid range,
not a scan of the index. Used by the indexer (writing), search (reading) and the cards' corpus statistics.
"""

from __future__ import annotations

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
