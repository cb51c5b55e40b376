"""Obsidian embeds: ``![[diagram.png]]`` shows the image, ``![[Note title#Heading]]`` shows that section of the
other note (``![[Note title]]`` the whole note) in a quote, with a link to where it comes from.

An image is found as Obsidian finds it: by its path from the note's folder or from the notes folder, else by its
file name when one file has it. An embedded section shows its cards as the note does (questions to open, blanks to
click); embeds inside an embedded note are shown as links, so two notes embedding each other cannot loop.
"""

from __future__ import annotations

import logging
import posixpath
import re
from typing import TYPE_CHECKING

from kb.notes import wikilinks
from kb.notes.reader import slugify_anchor
from kb.site.pages import esc

if TYPE_CHECKING:
    from kb.site.notes import NoteInfo
    from kb.site.rendering import NoteRenderer

log = logging.getLogger("mkdocs.plugins.kb")

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif", ".bmp")
HEADING_RE = re.compile(r"(#{1,6})[ \t]+(.*?)[ \t#]*$")


def embeds_in_text(markdown: str, src: str, renderer: NoteRenderer) -> str:
    """``markdown`` (of the note ``src``) with every ``![[...]]`` replaced by what it embeds."""
    if "![[" not in markdown:
        return markdown
    lines = markdown.split("\n")
    replace = {}
    for link in wikilinks.find_links(markdown):
        line = lines[link.line]
        if link.start >= len(line) or line[link.start] != "!":
            continue
        whole_line = line[: link.start].strip() == "" and line[link.end :].strip() == ""
        replace[(link.line, link.start)] = embed(link, src, renderer, whole_line)
    return wikilinks.rewrite_links(markdown, wikilinks.find_links(markdown), replace)


def embed(link: wikilinks.WikiLink, src: str, renderer: NoteRenderer, block: bool) -> str:
    """What one embed shows: an image, a note's section (a quote, when the embed is a line of its own) or a link."""
    if link.target.lower().endswith(IMAGE_EXTENSIONS):
        found = find_file(link.target, src, renderer.notes.others)
        if found is None:
            log.warning(f"kb: {src}: embed ![[{link.target}]] matches no file of the notes folder")
            return f'<span class="kb-broken-link" title="no file named {esc(link.target)}">{esc(link.label)}</span>'
        alt = "" if link.label == link.target or link.label.isdigit() else link.label
        url = posixpath.relpath(found, posixpath.dirname(src) or ".")
        return f"![{wikilinks.escape_label(alt)}](<{url}>)"
    target = renderer.links.index.resolve(link.target, src)
    info = renderer.notes.by_src.get(target or "")
    if info is None or not block or target == src:
        return renderer.links.link_markdown(src, link)
    return _quote(
        section_markdown(info, link.anchor, renderer, host=src), renderer.links.link_markdown(src, link)
    )


def find_file(name: str, src: str, files: set[str]) -> str | None:
    """The notes folder's file an embed names (see the module's text), None when there is none."""
    name = name.strip().replace("\\", "/")
    for candidate in (posixpath.join(posixpath.dirname(src), name), name.lstrip("/")):
        candidate = posixpath.normpath(candidate)
        if candidate in files:
            return candidate
    base = posixpath.basename(name)
    matches = [f for f in files if posixpath.basename(f) == base]
    return matches[0] if len(matches) == 1 else None


def section_markdown(info: NoteInfo, heading: str, renderer: NoteRenderer, host: str) -> str:
    """The note's Markdown under ``heading`` (to the next heading of the same or a higher level; the whole note when
    ``heading`` is empty), its cards and links rendered as on the note's own page."""
    from kb.cards.model import syntax_for
    from kb.site import cards as site_cards

    lines = info.markdown.split("\n")
    first, last = 0, len(lines)
    if heading:
        wanted = slugify_anchor(heading)
        level = None
        for i, line in enumerate(lines):
            m = HEADING_RE.match(line)
            if not m:
                continue
            if level is None and slugify_anchor(m.group(2)) == wanted:
                first, level = i + 1, len(m.group(1))
            elif level is not None and len(m.group(1)) <= level:
                last = i
                break
        if level is None:
            return f"*No section “{esc(heading)}” in {wikilinks.escape_label(info.title)}.*"
    text = "\n".join(lines[first:last])
    if info.note is not None and renderer.notes.cards_of(info):
        page_url = None if renderer.source_links_in_html else renderer.notes.page_url(host)
        text, cards_html = site_cards.render_card_lines(
            text,
            info.cards,
            info.offset + first,
            lambda t: renderer.links.links_in_text(t, info.src, page_url, host=host),
            syntax_for(renderer.notes.settings),
        )
        if cards_html:
            text = _host_tokens(text, cards_html, renderer.cards.setdefault(host, {}))
    text = text.strip("\n")
    text = re.sub(r"!\[\[", "[[", text)  # embeds in an embed are links
    return renderer.links.links_in_text(text, info.src, host=host)


def _host_tokens(text: str, cards_html: dict, host_cards: dict) -> str:
    """The embedded section's card tokens renumbered after the host page's own (each page numbers its cards from
    0), their HTML added to the host's (``cards_html`` and ``host_cards`` are keyed by token number)."""
    from kb.site.cards import TOKEN

    base = 100_000 * (max((int(k) for k in host_cards), default=-1) // 100_000 + 1)
    for number in sorted(cards_html, key=int, reverse=True):
        text = text.replace(f"{TOKEN}{number}z", f"{TOKEN}{base + int(number)}z")
    host_cards.update({str(base + int(number)): html for number, html in cards_html.items()})
    return text


def _quote(text: str, source_link: str) -> str:
    lines = [source_link, "", *text.split("\n")]
    return "\n" + "\n".join("> " + line if line.strip() else ">" for line in lines) + "\n"
