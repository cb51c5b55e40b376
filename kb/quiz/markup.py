"""The Markdown rules the quiz needs, in one place: the Anki cloze pattern, emphasis, math, and Markdown to plain text.

The quiz's own copy of rules the whole of kb shares: this module is what switches to ``kb.markdown`` when that exists.
"""

from __future__ import annotations

import re

# ``{{c1::text}}`` or ``{{c1::text::hint}}``: group 1 is the deletion's number, group 2 its text, group 3 the hint.
ANKI_CLOZE_RE = re.compile(r"\{\{c(\d+)::(.*?)(?:::([^}]*))?\}\}", re.S)
WIKILINK_RE = re.compile(r"\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]")
LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
CODE_RE = re.compile(r"`([^`]*)`")
HTML_TAG_RE = re.compile(r"</?[A-Za-z][^>]*>")
# Inline and display math, LaTeX or dollar-delimited.
MATH_RE = re.compile(r"\$\$.*?\$\$|\$[^$\n]+\$|\\\(.*?\\\)", re.S)
# Bold, strong and highlight: ``**x**``, ``__x__``, ``==x==`` (the text is in the one group that matched).
STRONG_RE = re.compile(r"\*\*(.+?)\*\*|(?<!\w)__(.+?)__(?!\w)|==(.+?)==", re.S)

_EMPHASIS_RES = (  # (a character the markup needs, the pattern), applied in this order
    ("*", re.compile(r"\*\*(.+?)\*\*", re.S)),
    ("_", re.compile(r"(?<!\w)__(.+?)__(?!\w)", re.S)),
    ("=", re.compile(r"==(.+?)==", re.S)),
    ("~", re.compile(r"~~(.+?)~~", re.S)),
    ("*", re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", re.S)),
    ("_", re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])", re.S)),
)
_MARKUP_TRIGGERS = frozenset("{[`<*_=~")


def strong_text(match: re.Match) -> str:
    """The text inside a :data:`STRONG_RE` match, whichever of its three forms matched."""
    return match.group(1) or match.group(2) or match.group(3)


def strip_markup(text: str) -> str:
    """Markdown source to the plain text a reader sees: links, emphasis, highlights, code ticks and tags removed.

    Inline math (``$...$``) is kept as written: it is what the note shows, and the site renders it.
    """
    if _MARKUP_TRIGGERS.isdisjoint(text):  # most answers: nothing to strip, skip the eleven substitutions
        return " ".join(text.split())
    if "{" in text:
        text = ANKI_CLOZE_RE.sub(r"\2", text)
    if "[" in text:
        text = WIKILINK_RE.sub(lambda m: (m.group(2) or m.group(1).rsplit("/", 1)[-1]).strip(), text)
        text = LINK_RE.sub(r"\1", text)
    if "`" in text:
        text = CODE_RE.sub(r"\1", text)
    if "<" in text:
        text = HTML_TAG_RE.sub("", text)
    for marker, regex in _EMPHASIS_RES:
        if marker in text:
            text = regex.sub(r"\1", text)
    return " ".join(text.split())
