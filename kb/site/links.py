"""The site's wiki-link graph: every ``[[link]]`` resolved once for the whole site, the backlinks of each note, and
links written as Markdown (or, inside HTML the site writes itself, with final URLs)."""

from __future__ import annotations

import logging
import os

from mkdocs.utils import get_relative_url

from kb.notes import wikilinks
from kb.site.notes import NoteInfo, SiteNotes
from kb.site.pages import esc

log = logging.getLogger("mkdocs.plugins.kb")

# What decides how a page shows its links: its title, its backlinks (source, title) and its links (target, title).
GraphEntry = tuple[str, tuple[tuple[str, str], ...], tuple[tuple[str | None, str | None], ...]]


class LinkGraph:
    def __init__(self, notes: SiteNotes) -> None:
        self.notes = notes
        self.index = wikilinks.LinkIndex({}, "")
        self.backlinks: dict[str, list[str]] = {}  # target src -> the srcs linking to it, by title
        self.resolved: dict[
            str, dict[tuple[int, int], str | None]
        ] = {}  # src -> (line, column) -> target src
        self._previous: dict[str, GraphEntry] | None = None

    def build(self) -> None:
        """Resolve every note's links; kept across ``mkdocs serve`` rebuilds, to see which pages changed."""
        notes = self.notes.by_src
        self.index = wikilinks.LinkIndex(
            {src: info.title for src, info in notes.items()}, self.notes.docs_prefix
        )
        backlinks: dict[str, set[str]] = {}
        resolved: dict[str, dict[tuple[int, int], str | None]] = {}
        for src, info in notes.items():
            table = {}
            for link in info.links:
                target = self.index.resolve(link.target, src)
                table[(link.line, link.start)] = target
                if target is not None and target != src:
                    backlinks.setdefault(target, set()).add(src)
            resolved[src] = table
        self.resolved = resolved
        self.backlinks = {
            t: sorted(s, key=lambda x: (notes[x].title.casefold(), x)) for t, s in backlinks.items()
        }

    def changed_pages(self) -> list[str]:
        """The notes whose title, backlinks or link targets changed since the previous build (none on the first)."""
        notes = self.notes.by_src
        graph: dict[str, GraphEntry] = {}
        for src, info in notes.items():
            incoming = tuple((s, notes[s].title) for s in self.backlinks.get(src, ()))
            outgoing = tuple(
                (t, notes[t].title if t in notes else None) for t in self.resolved.get(src, {}).values()
            )
            graph[src] = (info.title, incoming, outgoing)
        previous, self._previous = self._previous, graph
        if previous is None:
            return []
        return [src for src, entry in graph.items() if previous.get(src, entry) != entry]

    def remove_stale_output(self) -> None:
        """In a dirty rebuild, pages whose backlinks or link targets changed are rendered again.

        MkDocs re-renders only pages whose source is newer than their output. A note gains a backlink when another
        note changes, so the page's output is removed; the note itself is never touched.
        """
        for src in self.changed_pages():
            file = self.notes.files.get(src)
            if file is not None and file.abs_dest_path and os.path.exists(file.abs_dest_path):
                os.unlink(file.abs_dest_path)

    def link_markdown(
        self, src: str, link: wikilinks.WikiLink, page_url: str | None = None, host: str | None = None
    ) -> str:
        """A wiki link of the note ``src`` as a Markdown link; with ``page_url``, to the target's final URL.
        ``host`` is the page the link is shown on when that is another note (an embed): its URL is relative to it.
        An embed ``![[...]]`` is left for ``kb.site.embeds``."""
        target = self.index.resolve(link.target, src)
        if target is None:
            return f'<span class="kb-broken-link" title="no note named {esc(link.target)}">{esc(link.label)}</span>'
        if page_url is None:
            url = wikilinks.relative_url(host or src, target)  # MkDocs turns the .md link into the page's URL
        else:
            url = get_relative_url(self.notes.page_url(target), page_url) or "./"  # HTML output: final URL
        if link.anchor:
            url += "#" + wikilinks.anchor_of(link.anchor)
        return f"[{wikilinks.escape_label(link.label)}](<{url}>)"

    def links_in_text(self, text: str, src: str, page_url: str | None = None, host: str | None = None) -> str:
        links = wikilinks.find_links(text)
        if not links:
            return text
        replace = {(lk.line, lk.start): self.link_markdown(src, lk, page_url, host) for lk in links}
        return wikilinks.rewrite_links(text, links, replace)

    def warn_broken_links(self, markdown: str, info: NoteInfo, offset: int) -> None:
        """A build warning per link matching no note, naming the file and line (``--strict`` fails on it)."""
        from kb.site.embeds import IMAGE_EXTENSIONS

        for link in wikilinks.find_links(markdown):
            if link.target.lower().endswith(IMAGE_EXTENSIONS):
                continue  # an image embed: kb.site.embeds finds the file
            if self.index.resolve(link.target, info.src) is None:
                log.warning(
                    f"{info.path}:{offset + link.line + 1}: wiki link [[{link.target}]] matches no note; "
                    "fix the title or path (e.g. [[books/atomic-habits|Atomic Habits]])"
                )

    def backlinks_section(self, src: str) -> str | None:
        """The "Linked from" section of the note ``src``, None when no other note links to it."""
        sources = self.backlinks.get(src)
        if not sources:
            return None
        lines = [
            "## Linked from {#kb-linked-from data-search-exclude}",
            "",
            '<div class="kb-backlinks" data-search-exclude markdown>',
            "",
        ]
        for other in sources:
            title = wikilinks.escape_label(self.notes.by_src[other].title)
            lines.append(f"- [{title}](<{wikilinks.relative_url(src, other)}>)")
        lines += ["", "</div>"]
        return "\n".join(lines)
