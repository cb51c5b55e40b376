"""Card text as HTML that cannot run script, whatever the text: rendered by Markdown, then cleaned with an allow-list.

Used by the site (``kb.site.cards``, for the cards in place, the deck, and ``kb review --web``) and by
``kb export anki`` (Anki shows fields as HTML too).

Card text comes from the user's notes and from imported Anki decks, and kb moves it into pages. Escaping it by
guessing what Markdown will make of it is the wrong depth (an escaped backtick or an inline ``\\[...\\]`` once fooled
the guess), so the HTML that Markdown produces is cleaned instead: only the tags and attributes card text needs are
kept, links only to web, mail and relative addresses. The cleaner is ammonia (Rust, through the ``nh3`` package),
imported on first use.
"""

from __future__ import annotations

import html
import re

__all__ = ["clean", "escape_html_text"]

# Code spans and math are left alone (their contents are escaped by Markdown and MathJax themselves).
_PROTECTED_RE = re.compile(
    r"(?<![\\`])(`+)(?:.+?)(?<!`)\1(?!`)"  # inline code (an escaped backtick opens none)
    r"|\$\$.+?\$\$"  # display math
    r"|(?<![\\$\w])\$(?=\S)(?:[^$\n]|\\\$)+?(?<![\s\\])\$(?!\d)"  # inline math, not $5 amounts
    r"|\\\(.+?\\\)"  # inline math
    r"|(?:^|(?<=\n))[ \t]*\\\[.+?\\\]",  # display math, which starts a line (inline, it is text to Markdown)
    re.S,
)


def escape_html_text(text: str) -> str:
    """Markdown source whose raw HTML shows as text: ``<``, ``>`` and ``&`` become entities outside code and math.

    Card text reaches pages through Markdown (so bold, code and math still render), and a card that contains
    ``<div>`` reads as ``<div>``. This is for reading only: what keeps script out is ``clean`` on the HTML.
    """
    out = []
    pos = 0
    for m in _PROTECTED_RE.finditer(text):
        out.append(_escape(text[pos : m.start()]))
        out.append(m.group(0))
        pos = m.end()
    out.append(_escape(text[pos:]))
    return "".join(out)


# An ``&`` that starts a character reference stays one (Markdown shows ``&lt;`` as ``<``, as in the rest of a note);
# ``\>`` is Markdown's own escape of ``>``.
_ENTITY_OR_MARKUP_RE = re.compile(
    r"&(?!#[0-9]{1,7};|#[xX][0-9a-fA-F]{1,6};|[A-Za-z][A-Za-z0-9]{1,31};)|<|(?<!\\)>"
)


def _escape(text: str) -> str:
    return _ENTITY_OR_MARKUP_RE.sub(lambda m: html.escape(m.group(0), quote=False), text)


# What Markdown (with the card renderers' extensions) makes of card text, and what an Anki field may hold.
TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
        "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "sup",
        "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
    }
)  # fmt: skip
ATTRIBUTES = {
    "*": {"class", "title"},
    "a": {"href"},
    "img": {"src", "alt"},
    "span": {"tabindex", "role"},  # a cloze blank, revealed by a click or a key
    "td": {"align"},
    "th": {"align"},
    "ol": {"start"},
}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Inline styles, for Anki only (its phone apps have no stylesheet for highlighted code): colours and weights.
STYLE_PROPERTIES = frozenset(
    {"color", "background", "background-color", "font-weight", "font-style", "text-decoration", "border"}
)

_cleaners: dict[bool, object] = {}


def clean(html_text: str, *, styles: bool = False) -> str:
    """``html_text`` with everything that could run script or reach outside the allow-list removed (its text kept;
    the content of ``script`` and ``style`` dropped). ``styles`` keeps inline colours and weights (for Anki)."""
    cleaner = _cleaners.get(styles)
    if cleaner is None:
        import nh3

        attributes = {k: set(v) for k, v in ATTRIBUTES.items()}
        if styles:
            for tag in ("span", "div", "pre", "code", "td", "th"):
                attributes.setdefault(tag, set()).add("style")
        cleaner = _cleaners[styles] = nh3.Cleaner(
            tags=set(TAGS),
            attributes=attributes,
            url_schemes=set(URL_SCHEMES),
            link_rel=None,
            strip_comments=True,
            filter_style_properties=set(STYLE_PROPERTIES) if styles else None,
        )
    return cleaner.clean(html_text)  # type: ignore[attr-defined]
