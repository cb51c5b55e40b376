"""Anki field HTML to kb Markdown.

Anki's editor writes a small HTML: b, i, u, br, div, lists, links, images, code, headings, plus ``\\(..\\)`` math and
``[sound:x.mp3]`` tags. ``html_to_markdown`` turns one field into the Markdown kb's notes use, and escapes plain text
so that it reads as written (a ``*`` stays a star, ``==`` never becomes a kb cloze, ``# x`` never a heading).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from html.parser import HTMLParser
from typing import NamedTuple

from kb.anki.media_rules import copyable

SOUND_RE = re.compile(r"\[sound:([^\]]+)\]")
_MATH_RE = re.compile(r"\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
# Anki's LaTeX (typeset as images by a LaTeX install): [$]inline[/$], [$$]display[/$$], [latex]a body[/latex]
_ANKI_LATEX_RE = re.compile(
    r"\[\$\](.+?)\[/\$\]|\[\$\$\](.+?)\[/\$\$\]|\[latex\](.+?)\[/latex\]", re.S | re.I
)
_TAG_RE = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)\b[^>]*>")

_HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
_BLOCKS = frozenset({"div", "p", "li", "ul", "ol", "pre", "blockquote", *_HEADINGS})
_EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*"}
_KEPT_AS_HTML = frozenset(
    {"sub", "sup"}
)  # Markdown has no syntax for them; the site shows the tags as they are

_INLINE_ESCAPES = re.compile(r"([\\`*$~^])|(?<!\w)_|_(?!\w)")
_LINE_START = re.compile(r"^(?:([#>+-])|(\d+)([.)]))")
_LINK_DEFINITION = re.compile(r"\[[^\]]*\]:")
_SPACES_RE = re.compile(r"[ \t\r\n]+")
_STASHED = re.compile(r"\x00(\d+)\x00")
_EMPTY_BOLD = re.compile(r"\*\*\*\*|(?<!\*)\*\*(?!\*)(?=\*\*)")  # what <b></b> leaves


class FieldMarkdown(NamedTuple):
    """One Anki field as Markdown, and the media files (images, sounds) it refers to, in order of appearance."""

    text: str
    media: tuple[str, ...]


@lru_cache(maxsize=512)  # a card's rendered side is often one of its note's fields, converted just before
def html_to_markdown(html: str) -> FieldMarkdown:
    """Convert one Anki field to Markdown.

    Math (``\\(..\\)``, ``\\[..\\]``) becomes ``$..$`` / ``$$..$$`` as kb's notes write it; ``[sound:x.mp3]``
    becomes a link to the file. Both are set aside before the HTML is parsed, so nothing in them is escaped.
    """
    if not _NOT_PLAIN.search(html):  # most fields: plain words, no tag, entity, math, sound or link
        return FieldMarkdown(_plain_field(html), ())
    if not _NOT_SIMPLE.search(html):  # many others: words with <b>, <i> and <br> and entities only
        return FieldMarkdown(_simple_field(html), ())
    stash: list[str] = []

    def set_aside(text: str) -> str:
        stash.append(text)
        return f"\x00{len(stash) - 1}\x00"

    html = _MATH_RE.sub(
        lambda m: set_aside(_math(m.group(1), inline=True) if m.group(1) is not None else _math(m.group(2))),
        html,
    )
    html = _ANKI_LATEX_RE.sub(lambda m: set_aside(_anki_latex(m)), html)
    sounds = tuple(SOUND_RE.findall(html))
    html = SOUND_RE.sub(lambda m: set_aside(_sound(m.group(1))), html)
    parser = _FieldParser()
    parser.feed(html)
    parser.close()
    text = _STASHED.sub(lambda m: stash[int(m.group(1))], "".join(parser.out))
    text = "\n".join(line.rstrip() for line in text.split("\n")).strip("\n")
    text = _no_empty_bold(text)
    return FieldMarkdown(text.strip(), tuple(dict.fromkeys((*parser.images, *sounds))))


def _no_empty_bold(text: str) -> str:
    """The text without what ``<b></b>`` leaves (every match holds ``****``: most texts are not searched)."""
    return _EMPTY_BOLD.sub("", text) if "****" in text else text


# What makes a field more than plain text: a tag, an entity, math or LaTeX (``\\(``, ``[$]``), a sound, a NUL.
_NOT_PLAIN = re.compile(r"[<&\\\[\x00]")


def _plain_field(text: str) -> str:
    """What the parser makes of a field that is plain text: its one run of text, escaped (``handle_data``)."""
    text = escape_line_start(escape_text(_SPACES_RE.sub(" ", text.replace("\xa0", " "))).lstrip())
    return _no_empty_bold(text.rstrip()).strip()


# What the HTML parser is needed for: any tag but b, i, em, strong and br (as Anki's editor writes them), math or
# LaTeX, a sound, a NUL, or an entity cut short at the end (the parser holds such text back)
_NOT_SIMPLE = re.compile(r"[\\\[\x00]|<(?!/?(?:b|i|em|strong)>|br ?/?>)|&[^;\s]*$")
_SIMPLE_TAG_RE = re.compile(r"<(/?)(b|i|em|strong|br) ?/?>")


def _simple_field(html: str) -> str:
    """What the parser makes of a field of text, emphasis, line breaks and entities (``_FieldParser``), without it."""
    out: list[str] = []
    pos = 0
    for m in _SIMPLE_TAG_RE.finditer(html):
        _simple_text(out, html[pos : m.start()])
        out.append("\n" if m.group(2) == "br" else _EMPHASIS[m.group(2)])
        pos = m.end()
    _simple_text(out, html[pos:])
    text = "\n".join(line.rstrip() for line in "".join(out).split("\n")).strip("\n")
    return _no_empty_bold(text).strip()


def _simple_text(out: list[str], data: str) -> None:
    if not data:
        return
    data = escape_text(_SPACES_RE.sub(" ", unescape(data).replace("\xa0", " ")))
    if not out or out[-1].endswith("\n"):
        data = escape_line_start(data.lstrip())
    out.append(data)


def _math(tex: str, *, inline: bool = False) -> str:
    """A formula as kb writes it, ``$..$`` or ``$$..$$``: the HTML Anki's editor leaves inside one (a ``<br>``, a
    ``<b>``, ``&nbsp;``, ``&lt;``) read as the text MathJax typesets, each entity decoded once."""
    tex = _TAG_RE.sub(lambda m: " " if m.group(2).lower() in ("br", "div", "p") else "", tex)
    tex = unescape(tex).replace("\xa0", " ")
    tex = re.sub(r"[ \t]*\n[ \t]*", " ", tex) if inline else tex
    return f"${tex.strip()}$" if inline else f"$${tex.strip()}$$"


def _anki_latex(m: re.Match) -> str:
    """``[$]..[/$]`` is inline math, ``[$$]..[/$$]`` display math; ``[latex]..[/latex]`` display math too (kb and
    the site typeset with MathJax, which reads the same LaTeX math), unless it holds text-mode ``$`` math of its
    own: then it stays as written."""
    if m.group(1) is not None:
        return _math(m.group(1), inline=True)
    if m.group(2) is not None:
        return _math(m.group(2))
    if "$" in m.group(3):
        return escape_text(unescape(_TAG_RE.sub("", m.group(0))))
    return _math(m.group(3))


def _sound(name: str) -> str:
    """``[sound:x.mp3]`` as a link to the file kb copies; a name kb does not copy stays as its text."""
    label = escape_text(name)
    return f"[{label}]({link_target(name)})" if copyable(name) else label


def safe_url(url: str) -> bool:
    """A link or image address a shared deck may put in a note: web, mail, or a name without a scheme."""
    scheme = re.match(r"\s*([A-Za-z][A-Za-z0-9+.-]*):", url)
    return scheme is None or scheme.group(1).lower() in ("http", "https", "mailto")


def link_target(target: str) -> str:
    """A link or image target as Markdown reads it: in angle brackets when it holds a space or a parenthesis."""
    return f"<{target}>" if re.search(r"[\s()<>]", target) else target


def escape_text(text: str) -> str:
    """Escape what Markdown would read as formatting in plain Anki text; ``==`` would become a kb cloze."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    text = _INLINE_ESCAPES.sub(r"\\\g<0>", text)
    # `[x](y)` would be a link; `\(` would start math (arithmatex), so the parenthesis becomes an entity
    text = text.replace("](", "]&#40;")
    return text.replace("==", "\\==")


def escape_line_start(text: str) -> str:
    """Text that starts a line must not read as a heading, quote, list item, numbered list or link definition."""
    if _LINK_DEFINITION.match(text):
        return "&#91;" + text[1:]
    return _LINE_START.sub(
        lambda m: "\\" + m.group(1) if m.group(1) else f"{m.group(2)}\\{m.group(3)}", text, count=1
    )


_TABLE_TAGS = frozenset({"table", "tr", "td", "th"})


@dataclass
class _Table:
    """An HTML table as a Markdown pipe table: its first row the header. A cell's lines join with ``<br>``, its
    pipes are escaped; a table inside a cell reads as its text."""

    depth: int = 0
    rows: list[list[str]] = field(default_factory=list)
    row: list[str] = field(default_factory=list)
    cell_at: int | None = None  # where the open cell's text starts in the parser's output

    def start(self, tag: str, out: list[str]) -> None:
        if tag == "table":
            self.depth += 1
            if self.depth == 1:
                if out and not out[-1].endswith("\n"):
                    out.append("\n")
                self.rows, self.row = [], []
        elif self.depth == 1 and tag in ("td", "th"):
            self._close_cell(out)
            self.cell_at = len(out)

    def end(self, tag: str, out: list[str]) -> None:
        if self.depth != 1:
            self.depth -= tag == "table" and self.depth > 1
            return
        if tag in ("td", "th"):
            self._close_cell(out)
        elif tag == "tr":
            self._close_cell(out)
            if self.row:
                self.rows.append(self.row)
            self.row = []
        elif tag == "table":
            self.end("tr", out)
            self.depth = 0
            out.append(self._markdown())

    def _close_cell(self, out: list[str]) -> None:
        if self.cell_at is None:
            return
        text = "".join(out[self.cell_at :]).strip()
        del out[self.cell_at :]
        self.row.append(re.sub(r"\s*\n\s*", "<br>", text).replace("|", "\\|"))
        self.cell_at = None

    def _markdown(self) -> str:
        if not self.rows:
            return ""
        width = max(len(r) for r in self.rows)
        lines = ["| " + " | ".join(r + [""] * (width - len(r))) + " |" for r in self.rows]
        lines.insert(1, "|" + " --- |" * width)
        return "\n".join(lines) + "\n"


@dataclass
class _OpenList:
    ordered: bool
    items: int = 0  # items seen so far: the number of the next <li> of an ordered list, less one


class _FieldParser(HTMLParser):
    """Collects the Markdown of one field in ``out`` and the image sources in ``images``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.images: list[str] = []
        self.lists: list[_OpenList] = []
        self.links: list[str | None] = []  # the href of each open <a>
        self.pre_depth = 0  # inside <pre>, text is kept as it is
        self.table = _Table()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        mark = self._inline_mark(tag, closing=False)
        if tag in _TABLE_TAGS:
            self.table.start(tag, self.out)
        elif mark is not None:
            self.out.append(mark)
        elif tag == "br":
            self.out.append("\n")
        elif tag == "pre":
            self._fence()
            self.pre_depth += 1
        elif tag in ("ul", "ol"):
            self._newline()
            self.lists.append(_OpenList(ordered=tag == "ol"))
        elif tag == "li":
            self._list_item()
        elif tag in _HEADINGS:
            self._newline()
            self.out.append("**")  # a heading inside a card would split the note; keep it bold instead
        elif tag in _BLOCKS:
            self._newline()
        elif tag == "img":
            self._image(dict(attrs))
        elif tag == "a":
            href = dict(attrs).get("href")
            if href and (not safe_url(href) or re.search(r"[\x00-\x1f<>]", href)):
                href = None  # a javascript: link (or a broken one) keeps its text only
            self.links.append(href)
            self.out.append("[" if href else "")

    def handle_endtag(self, tag: str) -> None:
        mark = self._inline_mark(tag, closing=True)
        if tag in _TABLE_TAGS:
            self.table.end(tag, self.out)
        elif mark is not None:
            self.out.append(mark)
        elif tag == "pre":
            self._fence()
            self.pre_depth = max(0, self.pre_depth - 1)
        elif tag in ("ul", "ol"):
            if self.lists:
                self.lists.pop()
            self._newline()
        elif tag in _HEADINGS:
            self.out.append("**\n")
        elif tag in _BLOCKS:
            self._newline()
        elif tag == "a":
            href = self.links.pop() if self.links else None
            if href:
                self.out.append(f"]({link_target(href)})")

    def handle_data(self, data: str) -> None:
        if self.pre_depth:
            self.out.append(data)
            return
        data = escape_text(_SPACES_RE.sub(" ", data.replace("\xa0", " ")))
        if self._at_line_start():
            data = escape_line_start(data.lstrip())
        self.out.append(data)

    def _inline_mark(self, tag: str, *, closing: bool) -> str | None:
        """The Markdown that opens or closes an inline tag (the same both ways but for sub/sup), None for others."""
        if tag in _EMPHASIS:
            return _EMPHASIS[tag]
        if tag == "code" and not self.pre_depth:  # code inside <pre> is the fence's
            return "`"
        if tag in _KEPT_AS_HTML:
            return f"</{tag}>" if closing else f"<{tag}>"
        return None

    def _list_item(self) -> None:
        if self.table.depth:  # a list inside a table cell: its items on one line
            self.out.append(" " if self.out and not self.out[-1].endswith(" ") else "")
            return
        self._newline()
        depth = max(0, len(self.lists) - 1)
        # four spaces a level: what Markdown (Python-Markdown, on the site and in the export) reads as nesting
        if self.lists and self.lists[-1].ordered:
            self.lists[-1].items += 1
            self.out.append("    " * depth + f"{self.lists[-1].items}. ")
        else:
            self.out.append("    " * depth + "- ")

    def _image(self, attrs: dict[str, str | None]) -> None:
        src = (attrs.get("src") or "").strip()
        if src:
            self.images.append(src)
            alt = escape_text((attrs.get("alt") or "").replace("]", "").replace("[", ""))
            if copyable(src) or (re.match(r"https?://", src) and not re.search(r"[\x00-\x1f<>]", src)):
                self.out.append(f"![{alt}]({link_target(src)})")
            else:
                self.out.append(alt or escape_text(src))  # an image kb does not copy: its description or name

    def _fence(self) -> None:
        self._newline()
        self.out.append("```\n")

    def _newline(self) -> None:
        if not self._at_line_start():
            self.out.append("\n")

    def _at_line_start(self) -> bool:
        return not self.out or self.out[-1].endswith("\n")
