"""The shared lexing rules of kb's Markdown: one copy of each, used by the note reader, wiki links, cards, quiz, site
and Anki import/export.

* Fences: which line opens or closes a fenced code block (``fence_re``, ``closes_fence``). Where a fence may stand
  is the caller's parameter: at most 3 columns in (CommonMark at the top level), any indentation (a caller that knows
  list items and indented code), or also behind blockquote markers.
* Masks: code spans, math and comments (HTML's ``<!-- -->``, Obsidian's ``%% %%``) become runs of ``MASK``
  (``mask_spans``) so that no syntax inside them is seen, while positions still line up with the text;
  ``strip_comments`` drops comments.
* Indentation and list markers: tab stops of 4 (``indent_width``, ``dedent``), ``LIST_ITEM_RE``, ``strip_list_marker``.
* Anki cloze markup ``{{c1::text::hint}}``: ``ANKI_CLOZE_RE`` (groups ``number``, ``text``, ``hint``), and
  ``ANKI_CLOZE_OPEN_RE`` for an opener, closed or not.
* Markdown to plain text: ``plain_text`` (what a reader sees), ``plain_text(light=True)`` (strong emphasis and code
  ticks only: heading breadcrumbs), ``unbold``, ``drop_chars``.

Every pattern here runs in linear time on one line (no alternative that can backtrack across the line): notes may
hold megabyte lines. Imports nothing of kb.
"""

from __future__ import annotations

import re
from functools import cache

# ---------------------------------------------------------------------------------------------------------------
# Fenced code

FENCE_MARKER = r"(`{3,}|~{3,})"


def fence_source(*, max_indent: int | None = 3, quotes: bool = False) -> str:
    """The fence rule as regex source (no anchor), groups: the marker, the rest of the line.

    ``max_indent``: how many blanks (spaces or tabs, one each) may stand before the marker; 3 is CommonMark's rule
    for a document's top level (4 spaces would be indented code), None allows any (for a caller that tracks list
    items and indented code itself).
    ``quotes``: blockquote markers (``>``) may stand among the blanks, so a fence inside a quote counts too.
    """
    if quotes:
        prefix = "[ \t>]*"
    elif max_indent is None:
        prefix = "[ \t]*"
    else:
        prefix = f"[ \t]{{0,{max_indent}}}"
    return prefix + FENCE_MARKER + r"([^\n]*)"


@cache
def fence_re(*, max_indent: int | None = 3, quotes: bool = False) -> re.Pattern[str]:
    """A line that opens or closes a fenced code block (see ``fence_source``): group 1 the marker, 2 the rest."""
    return re.compile("^" + fence_source(max_indent=max_indent, quotes=quotes))


def closes_fence(opening: str, marker: str, rest: str) -> bool:
    """Whether a fence line (``marker`` then ``rest``) closes the fence opened by ``opening``: the same character, at
    least as many of them, and nothing but blanks after."""
    return marker[0] == opening[0] and len(marker) >= len(opening) and not rest.strip()


# ---------------------------------------------------------------------------------------------------------------
# Indentation and list items


def indent_width(line: str) -> int:
    """Columns of leading whitespace (a tab goes to the next multiple of 4)."""
    n = 0
    for c in line:
        if c == " ":
            n += 1
        elif c == "\t":
            n += 4 - n % 4
        else:
            break
    return n


def dedent(line: str, amount: int) -> str:
    """Remove ``amount`` columns of leading whitespace (tabs count to the next multiple of 4)."""
    col = 0
    i = 0
    while i < len(line) and col < amount and line[i] in " \t":
        col += 1 if line[i] == " " else 4 - col % 4
        i += 1
    return line[i:]


# A list item: indentation (group 1), the marker (group 2: - * + or 1. 1)), blanks.
LIST_ITEM_RE = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+")
# the characters a list item's line may start with (a digit also as ``str.isdecimal``, as ``\d``)
LIST_ITEM_START = frozenset("-*+0123456789")
_MARKER_START = frozenset("-*+ \t0123456789")
_MARKER_RE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")


def strip_list_marker(text: str) -> str:
    """``- [x] text`` -> ``text``: a leading list marker (and task box) removed."""
    if not text or text[0] not in _MARKER_START:
        return text
    return _MARKER_RE.sub("", text, count=1)


# ---------------------------------------------------------------------------------------------------------------
# Masks: code spans, math and HTML comments become MASK runs, so syntax inside them is invisible while positions
# still line up with the original text.

MASK = "\x00"
# Every alternative starts with a literal character (``\`\`*`` rather than ``\`+``), so the regex engine gets a
# first-character set and skips plain text in C instead of trying ten alternatives at every position.
_TOKEN_RE = re.compile(r"\\[\\$`]|``*|\$\$|\$|\\\(|\\\)|\\\[|\\\]|<!--|-->|%%")
_CLOSER = {"$$": "$$", "\\(": "\\)", "\\[": "\\]", "<!--": "-->", "%%": "%%"}
# Comments: HTML's and Obsidian's ``%%...%%`` (hidden in Obsidian's reading view and on the site).
COMMENT_CLOSERS = {"<!--": "-->", "%%": "%%"}


def _single_dollar_opens(line: str, end: int) -> bool:
    # pandoc's rule: an opening $ is followed by a non-space
    return end < len(line) and not line[end].isspace()


def _single_dollar_closes(line: str, start: int, end: int) -> bool:
    # a closing $ follows a non-space and is not followed by a digit ($1,500 and $2,000 are money, not math)
    return start > 0 and not line[start - 1].isspace() and not (end < len(line) and line[end].isdigit())


def mask_spans(line: str) -> tuple[str, str]:
    """Return (line with code/math/comment spans replaced by MASK, the closer of a comment left open at the end:
    ``"-->"`` or ``"%%"``, else ``""``).

    Code spans close with a run of as many backticks; math is ``$...$`` (pandoc's rule), ``$$...$$``, ``\\(...\\)``,
    ``\\[...\\]``; a backslash escapes ``\\``, ``$`` and a backtick. A linear token walk: a 1 MB line costs linear time.
    """
    if "`" not in line and "$" not in line and "\\" not in line and "<!--" not in line and "%%" not in line:
        return line, ""
    toks = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(line)]
    n = len(toks)
    # next_close[i]: index of the first token after i that can close token i's kind (computed right to left: linear)
    next_close: list[int] = [-1] * n
    seen: dict[str, int] = {}
    seen_ticks: dict[int, int] = {}
    for i in range(n - 1, -1, -1):
        s, e, t = toks[i]
        if t[0] == "`":
            next_close[i] = seen_ticks.get(len(t), -1)
            seen_ticks[len(t)] = i
        elif t == "$":
            next_close[i] = seen.get("$", -1)
            if _single_dollar_closes(line, s, e):
                seen["$"] = i
        elif t in _CLOSER:
            next_close[i] = seen.get(_CLOSER[t], -1)
        if t in ("$$", "\\)", "\\]", "-->", "%%"):
            seen[t] = i
    spans: list[tuple[int, int]] = []  # masked [start, end), increasing and disjoint
    open_comment = ""
    i = 0
    while i < n:
        s, e, t = toks[i]
        j = -1
        if t[0] == "`" or t in _CLOSER:
            j = next_close[i]
        elif t == "$" and _single_dollar_opens(line, e):
            j = next_close[i]
        if j > i:
            spans.append((s, toks[j][1]))
            i = j + 1
            continue
        if t in COMMENT_CLOSERS:
            spans.append((s, len(line)))
            open_comment = COMMENT_CLOSERS[t]
            break
        i += 1
    if not spans:
        return line, open_comment
    parts: list[str] = []
    pos = 0
    for s, e in spans:
        parts.append(line[pos:s])
        parts.append(MASK * (e - s))
        pos = e
    parts.append(line[pos:])
    return "".join(parts), open_comment


def strip_comments(text: str) -> str:
    """Drop ``<!-- ... -->`` and Obsidian's ``%% ... %%`` spans (an unclosed one runs to the end). A find() walk:
    linear however many there are."""
    if "<!--" not in text and "%%" not in text:
        return text
    out: list[str] = []
    pos = 0
    while True:
        html, obsidian = text.find("<!--", pos), text.find("%%", pos)
        if html < 0 and obsidian < 0:
            out.append(text[pos:])
            break
        start = html if obsidian < 0 or 0 <= html < obsidian else obsidian
        opener = "<!--" if start == html else "%%"
        out.append(text[pos:start])
        end = text.find(COMMENT_CLOSERS[opener], start + len(opener))
        if end < 0:
            break
        pos = end + len(COMMENT_CLOSERS[opener])
    return "".join(out)


# An Obsidian callout's first line: blockquote markers, ``[!type]``, an optional fold sign (``-`` folded, ``+`` open)
# and the title. Groups: ``type``, ``fold``, ``title``.
# The blockquote markers that start a line (and the blank after the last).
QUOTE_MARKERS_RE = re.compile(r"[ \t]*(?:>[ \t]?)+")
CALLOUT_RE = re.compile(
    r"^[ \t]*(?:>[ \t]?)*>[ \t]*\[!(?P<type>[^\]\s]*)\](?P<fold>[+-]?)[ \t]*(?P<title>[^\n]*)$"
)


# ---------------------------------------------------------------------------------------------------------------
# Anki cloze markup

# ``{{c1::text}}`` / ``{{c1::text::hint}}``. The text and the hint never cross another "{{", so an unclosed opener
# costs a scan to the next one, not to the end; the text holds no "::" (that starts the hint) and no "}}".
ANKI_CLOZE_RE = re.compile(
    r"\{\{c(?P<number>\d+)::(?P<text>(?:[^}:{]|:(?!:)|\}(?!\})|\{(?!\{))*)"
    r"(?:::(?P<hint>(?:[^}{]|\}(?!\})|\{(?!\{))*))?\}\}"
)
# An opener, closed or not.
ANKI_CLOZE_OPEN_RE = re.compile(r"\{\{c(?P<number>\d+)::")


# ---------------------------------------------------------------------------------------------------------------
# Markdown to plain text


def drop_chars(text: str, chars: str) -> str:
    """``text`` without any of ``chars``: one C-level replace per character present (cheaper than a regex)."""
    for char in chars:
        if char in text:
            text = text.replace(char, "")
    return text


_BOLD_STRIP_RE = re.compile(r"\*\*([^*\n]+?\**)\*\*(?!\*)|__([^_\n]+)__")


def _bold_inner(m: re.Match) -> str:
    # exactly one group matched, never empty: what the template ``\1\2`` gives, without expanding a template per match
    return m[1] or m[2]


def unbold(text: str) -> str:
    """``**term**`` and ``__term__`` -> ``term`` (strong emphasis within a line)."""
    return _BOLD_STRIP_RE.sub(_bold_inner, text) if ("**" in text or "__" in text) else text


_MARKUP_TRIGGERS = frozenset("{[`<*_=~")


# Inline patterns, compiled on first use (a module that only needs the fence rule does not pay for them):
# ``from kb.markdown import WIKILINK_RE`` compiles that one (PEP 562).
_LAZY_PATTERNS = {
    "WIKILINK_RE": (r"\[\[([^\]|#]*)(?:#[^\]|]*)?(?:\|([^\]]*))?\]\]", 0),
    "LINK_RE": (r"!?\[([^\]]*)\]\([^)]*\)", 0),
    "CODE_RE": (r"`([^`]*)`", 0),
    "HTML_TAG_RE": (r"</?[A-Za-z][^>]*>", 0),
    # Inline and display math, LaTeX or dollar-delimited.
    "MATH_RE": (r"\$\$.*?\$\$|\$[^$\n]+\$|\\\(.*?\\\)", re.S),
    # Bold, strong and highlight: ``**x**``, ``__x__``, ``==x==`` (the text is in the one group that matched).
    "STRONG_RE": (r"\*\*(.+?)\*\*|(?<!\w)__(.+?)__(?!\w)|==(.+?)==", re.S),
}


def __getattr__(name: str):
    if name in _LAZY_PATTERNS:
        pattern, flags = _LAZY_PATTERNS[name]
        compiled = globals()[name] = re.compile(pattern, flags)
        return compiled
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def strong_text(match: re.Match) -> str:
    """The text inside a ``STRONG_RE`` match, whichever of its three forms matched."""
    return match.group(1) or match.group(2) or match.group(3)


@cache
def _emphasis_patterns() -> tuple:
    return (  # (a character the markup needs, the pattern), applied in this order
        ("*", re.compile(r"\*\*(.+?)\*\*", re.S)),
        ("_", re.compile(r"(?<!\w)__(.+?)__(?!\w)", re.S)),
        ("=", re.compile(r"==(.+?)==", re.S)),
        ("~", re.compile(r"~~(.+?)~~", re.S)),
        ("*", re.compile(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", re.S)),
        ("_", re.compile(r"(?<![\w_])_(?!\s)(.+?)(?<!\s)_(?![\w_])", re.S)),
    )


def plain_text(text: str, *, light: bool = False) -> str:
    """Markdown source to the plain text a reader sees: cloze markup, wiki links and links, code ticks, tags,
    emphasis and highlights removed, whitespace collapsed. Inline math (``$...$``) is kept as written: it is what
    the note shows, and the site renders it.

    ``light``: only strong emphasis and code ticks go, and spaces stay as written (heading breadcrumbs).
    """
    if light:
        return unbold(text).replace("`", "")
    if _MARKUP_TRIGGERS.isdisjoint(text):  # most text: nothing to strip, skip the substitutions
        return " ".join(text.split())
    module = globals()
    if "{" in text:
        text = ANKI_CLOZE_RE.sub(lambda m: m.group("text"), text)
    if "[" in text:
        wikilink = module.get("WIKILINK_RE") or __getattr__("WIKILINK_RE")
        text = wikilink.sub(lambda m: (m.group(2) or m.group(1).rsplit("/", 1)[-1]).strip(), text)
        text = (module.get("LINK_RE") or __getattr__("LINK_RE")).sub(r"\1", text)
    if "`" in text:
        text = (module.get("CODE_RE") or __getattr__("CODE_RE")).sub(r"\1", text)
    if "<" in text:
        text = (module.get("HTML_TAG_RE") or __getattr__("HTML_TAG_RE")).sub("", text)
    for marker, regex in _emphasis_patterns():
        if marker in text:
            text = regex.sub(r"\1", text)
    return " ".join(text.split())
