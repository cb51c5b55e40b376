"""kb's Markdown as the HTML an Anki field holds (the export's one renderer).

Python-Markdown with pymdown-extensions: code highlighted with inline styles (no CSS needed on a phone), math as
``\\(..\\)`` / ``\\[..\\]`` which Anki typesets, tables, lists (a card side holds no blank line, so one is put
where a list starts or changes kind, as Markdown needs).
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

_MD = None
# Text with none of these renders to itself (escaped): no need to run Markdown over it.
_MARKUP_RE = re.compile(r"[\\`*_\[\]<>#$=~^&!|:{}\t\n]|^\s*(?:[-+]|\d+[.)])|^ {4}")


@lru_cache(maxsize=8192)
def render_markdown(text: str) -> str:
    """Markdown to the HTML Anki shows: code highlighted inline, math as ``\\(..\\)``/``\\[..\\]``."""
    global _MD
    if not _MARKUP_RE.search(text):
        return escape(text.strip(), quote=False)
    if _MD is None:
        import markdown

        _MD = markdown.Markdown(
            extensions=[
                "pymdownx.highlight",
                "pymdownx.superfences",
                "pymdownx.arithmatex",
                "pymdownx.betterem",
                "pymdownx.tilde",
                "pymdownx.caret",
                "tables",
                "sane_lists",
            ],
            extension_configs={
                # Inline styles: Anki's phone apps show them without a stylesheet.
                "pymdownx.highlight": {"noclasses": True, "use_pygments": True, "pygments_style": "default"},
                "pymdownx.arithmatex": {"generic": True},
            },
        )
    _MD.reset()
    # `\==` is how a note writes a literal `==` (a bare one would be a cloze); Markdown does not know that escape.
    html = _MD.convert(_separate_lists(text).replace("\\==", "&#61;="))
    # A single paragraph needs no <p>: Anki's editor shows fields as inline text.
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


_TOP_ITEM_RE = re.compile(r"(?:[-*+]|(\d+)[.)])\s")


def _separate_lists(text: str) -> str:
    """A blank line where a list starts or changes kind (a card side holds none; Markdown needs one there)."""
    if "\n" not in text:
        return text
    out: list[str] = []
    kind: str | None = None  # the list the line before is in: "ul", "ol", or None for text
    fenced = False
    for line in text.split("\n"):
        if line.lstrip().startswith("```"):
            fenced = not fenced
        item = None if fenced or line[:1] in (" ", "\t") else _TOP_ITEM_RE.match(line)
        now = ("ol" if item.group(1) else "ul") if item else (kind if line[:1] in (" ", "\t") else None)
        if out and now != kind and (now or kind) and not fenced:
            out.append("")
        out.append(line)
        kind = now
    return "\n".join(out)
