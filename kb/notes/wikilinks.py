"""Wiki links between notes: ``[[Note title]]``, ``[[path/to/note|label]]``, ``[[Title#Heading]]``.

Pure: finding links in Markdown (never inside fenced code, inline code or HTML comments) and resolving a target against the set of
notes. The site plugin builds one ``LinkIndex`` for the whole site, so every page resolves links the same way and
backlinks are known before any page is rendered.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from kb.markdown import closes_fence, fence_re
from kb.notes.reader import slugify_anchor

# [[target]], [[target#anchor]], [[target|label]]; inside a table the pipe is written \| (as Obsidian does).
WIKILINK_RE = re.compile(r"!?\[\[([^\[\]\n|#\\]*)(#[^\[\]\n|\\]*)?(?:\\?\|([^\[\]\n]*))?\]\]")
FENCE_OPEN_RE = fence_re(
    max_indent=None, quotes=True
)  # a fence in a list item or a blockquote hides links too
CODE_SPAN_RE = re.compile(r"(`+)(?:.+?)(?<!`)\1(?!`)", re.S)


@dataclass(frozen=True)
class WikiLink:
    target: str  # as written: a title or a path, without the #anchor
    anchor: str  # heading text after '#', or ""
    label: str  # text shown: the label after '|', else the target
    line: int  # 0-based line within the Markdown it was found in
    start: int  # offsets within that line
    end: int


def _code_span_ranges(line: str) -> list[tuple[int, int]]:
    if "`" not in line:
        return []
    return [m.span() for m in CODE_SPAN_RE.finditer(line)]


def iter_prose_lines(markdown: str) -> Iterator[tuple[int, str]]:
    """Yield (0-based index, line) for lines outside fenced code blocks."""
    fence: str | None = None
    for i, line in enumerate(markdown.split("\n")):
        m = FENCE_OPEN_RE.match(line)
        if m:
            marker = m.group(1)
            if fence is None:
                fence = marker
                continue
            if closes_fence(fence, marker, m.group(2)):
                fence = None
                continue
        if fence is None:
            yield i, line


def blank_comments(markdown: str) -> str:
    """``markdown`` with every HTML comment (``<!-- ... -->`` outside code, over several lines too) blanked out:
    its characters become spaces, line breaks and offsets stay. What is written in a comment is hidden on the site, so
    it is no link, no search hit, no card."""
    if "<!--" not in markdown:
        return markdown
    lines = markdown.split("\n")
    in_comment = False
    for i, line in iter_prose_lines(markdown):
        if not in_comment and "<!--" not in line:
            continue
        spans = _code_span_ranges(line)
        chars = list(line)
        pos = 0
        while pos < len(line):
            if in_comment:
                end = line.find("-->", pos)
                stop = len(line) if end < 0 else end + 3
                chars[pos:stop] = " " * (stop - pos)
                if end < 0:
                    break
                in_comment, pos = False, stop
            else:
                start = line.find("<!--", pos)
                if start < 0:
                    break
                if any(a <= start < b for a, b in spans):
                    pos = start + 4
                    continue
                in_comment, pos = True, start
        lines[i] = "".join(chars)
    return "\n".join(lines)


def find_links(markdown: str) -> list[WikiLink]:
    """Every wiki link outside code and HTML comments, in order."""
    links = []
    for i, line in iter_prose_lines(blank_comments(markdown)):
        if "[[" not in line:
            continue
        spans = _code_span_ranges(line)
        for m in WIKILINK_RE.finditer(line):
            if any(a <= m.start() < b for a, b in spans):
                continue
            target = m.group(1).strip()
            anchor = (m.group(2) or "")[1:].strip()
            label = (m.group(3) or "").strip() or target or anchor
            if not target and not anchor:
                continue
            links.append(WikiLink(target, anchor, label, i, m.start(), m.end()))
    return links


def _norm_title(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


class LinkIndex:
    """Resolves wiki-link targets to notes (``src`` paths relative to the notes folder, e.g. ``ml/rnns.md``).

    A target is tried as a path (with or without ``.md``, relative to the notes folder or to the linking note,
    a folder meaning its index page), then as a note title, then as a file name when only one note has it.
    """

    def __init__(self, titles: dict[str, str], docs_prefix: str = "notes"):
        self.paths = set(titles)
        self.docs_prefix = docs_prefix.strip("/")
        self.by_title: dict[str, str] = {}
        stems: dict[str, list[str]] = {}
        for src, title in sorted(titles.items()):
            self.by_title.setdefault(_norm_title(title), src)
            stem = posixpath.splitext(posixpath.basename(src))[0]
            stems.setdefault(stem.casefold(), []).append(src)
        self.by_stem = {k: v[0] for k, v in stems.items() if len(v) == 1}

    def _as_path(self, candidate: str) -> str | None:
        candidate = posixpath.normpath(candidate).lstrip("/") if candidate else ""
        if not candidate or candidate.startswith(".."):
            return None
        for option in (candidate, f"{candidate}.md", f"{candidate}/index.md", f"{candidate}/README.md"):
            if option in self.paths:
                return option
        return None

    def resolve(self, target: str, from_src: str = "") -> str | None:
        """The ``src`` path a target names, or None when no note matches."""
        target = target.strip()
        if not target:
            return from_src or None
        path = target.replace("\\", "/")
        if self.docs_prefix and path.startswith(self.docs_prefix + "/"):
            path = path[len(self.docs_prefix) + 1 :]
        found = self._as_path(path)
        if found is None and from_src and "/" in path:
            found = self._as_path(posixpath.join(posixpath.dirname(from_src), path))
        if found is None:
            found = self.by_title.get(_norm_title(target))
        if found is None:
            found = self.by_stem.get(posixpath.splitext(posixpath.basename(path))[0].casefold())
        return found


def relative_url(from_src: str, to_src: str) -> str:
    """A Markdown link from one note's source file to another's (mkdocs turns it into the right page URL)."""
    if from_src == to_src:
        return posixpath.basename(to_src)
    return posixpath.relpath(to_src, posixpath.dirname(from_src) or ".")


def anchor_of(heading: str) -> str:
    return slugify_anchor(heading)


def escape_label(text: str) -> str:
    """Link text safe inside ``[...]``: Markdown brackets escaped, HTML special characters as entities."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\\[\]`*_])", r"\\\1", text)


def rewrite_links(markdown: str, links: Iterable[WikiLink], replace: dict[tuple[int, int], str]) -> str:
    """Replace each link (keyed by (line, start)) with the given text; links missing from ``replace`` stay."""
    by_line: dict[int, list[WikiLink]] = {}
    for link in links:
        by_line.setdefault(link.line, []).append(link)
    if not by_line:
        return markdown
    lines = markdown.split("\n")
    for i, items in by_line.items():
        line = lines[i]
        for link in sorted(items, key=lambda item: item.start, reverse=True):
            new = replace.get((link.line, link.start))
            if new is not None:
                line = line[: link.start] + new + line[link.end :]
        lines[i] = line
    return "\n".join(lines)
