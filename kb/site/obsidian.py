"""Obsidian's own Markdown on the site: callouts and ``%%comments%%``, as a Python-Markdown extension.

Listed under ``markdown_extensions`` in mkdocs.yml (``- kb.site.obsidian``), so MkDocs, ProperDocs and Zensical all
run it, with or without the ``kb`` plugin:

- A callout (``> [!note] Title``, folded ``> [!tip]- Title``, open ``> [!warning]+``, nested in another, of any
  type) becomes an admonition (``!!! note "Title"``); a folding one a collapsible block (``??? tip "Title"``,
  ``???+``), which needs ``admonition`` and ``pymdownx.details`` in the list too (Material's own). A type Material
  has no style for is shown as a note, keeping its own name as a CSS class and, with no title given, as the title
  (Obsidian's way).
- A comment (``%%hidden%%`` in a line, or ``%%`` lines around a block) is left out of the page.

Both work on the text before any other extension: fenced code (and code spans, for comments) is left as written.
Comments are found with the rule the card extractor uses (``kb.markdown.mask_spans``), so what is hidden on the site
is what never becomes a card.
"""

from __future__ import annotations

import re

from markdown import Extension
from markdown.preprocessors import Preprocessor

from kb.markdown import CALLOUT_RE, MASK, QUOTE_MARKERS_RE, closes_fence, fence_re, indent_width, mask_spans

# Obsidian's callout types and aliases, by the Material admonition type that looks like each.
_MATERIAL_TYPE = {
    "note": "note",
    "abstract": "abstract",
    "summary": "abstract",
    "tldr": "abstract",
    "info": "info",
    "todo": "info",
    "tip": "tip",
    "hint": "tip",
    "important": "tip",
    "success": "success",
    "check": "success",
    "done": "success",
    "question": "question",
    "help": "question",
    "faq": "question",
    "warning": "warning",
    "caution": "warning",
    "attention": "warning",
    "failure": "failure",
    "fail": "failure",
    "missing": "failure",
    "danger": "danger",
    "error": "danger",
    "bug": "bug",
    "example": "example",
    "quote": "quote",
    "cite": "quote",
}
_FENCE_RE = fence_re(quotes=True)  # also a fence inside a quote or callout
_CLASS_CHARS_RE = re.compile(r"[^\w-]+")


class _FenceTracker:
    """Whether a line is inside top-level fenced code (left as written)."""

    def __init__(self) -> None:
        self.open = ""

    def in_code(self, line: str) -> bool:
        m = _FENCE_RE.match(line)
        if self.open:
            if m and closes_fence(self.open, m.group(1), m.group(2)):
                self.open = ""
            return True
        if m:
            self.open = m.group(1)
            return True
        return False


def strip_obsidian_comments(lines: list[str]) -> list[str]:
    """The lines without ``%%...%%`` comments; a line that held only a comment goes (code is left as written)."""
    out: list[str] = []
    fences = _FenceTracker()
    in_comment = False
    for line in lines:
        rest = line
        if in_comment:
            end = line.find("%%")
            if end < 0:
                continue
            in_comment = False
            rest = line[end + 2 :]
        elif fences.in_code(line) or "%%" not in line:
            out.append(line)
            continue
        kept, in_comment = _drop_comment_spans(rest)
        if kept.strip():
            out.append(kept)
    return out


def _drop_comment_spans(line: str) -> tuple[str, bool]:
    """``line`` without its ``%%`` comment spans, and whether a comment stays open at its end."""
    masked, open_closer = mask_spans(line)
    parts: list[str] = []
    pos = 0
    for m in re.finditer(f"{MASK}+", masked):
        if line.startswith("%%", m.start()):
            parts.append(line[pos : m.start()])
            pos = m.end()
    parts.append(line[pos:])
    return "".join(parts).rstrip() if pos else line, open_closer == "%%"


def callouts_to_admonitions(lines: list[str]) -> list[str]:
    """The lines with every callout written as an admonition (nested ones inside, indented)."""
    out: list[str] = []
    fences = _FenceTracker()
    i = 0
    while i < len(lines):
        line = lines[i]
        if (
            fences.in_code(line)
            or "[!" not in line
            or indent_width(line) >= 4  # indented code (or a list item's content, not handled)
            or not CALLOUT_RE.match(line)
            or _quote_depth(line) != 1
        ):
            out.append(line)
            i += 1
            continue
        end = i + 1
        while end < len(lines) and lines[end].lstrip().startswith(">"):
            end += 1
        body = _blank_around_fences([_unquote_once(x) for x in lines[i + 1 : end]])
        if out and out[-1].strip():
            out.append("")
        out.append(_opening(CALLOUT_RE.match(line)))
        out.extend(("    " + x) if x.strip() else "" for x in callouts_to_admonitions(body))
        out.append("")
        i = end
    return out


def _blank_around_fences(lines: list[str]) -> list[str]:
    """A blank line before and after each fence: inside an admonition a fence starts no block of its own, and
    Obsidian needs none."""
    out: list[str] = []
    fences = _FenceTracker()
    for line in lines:
        was_open = fences.open
        code = fences.in_code(line)
        if code and not was_open and out and out[-1].strip():
            out.append("")
        out.append(line)
        if was_open and not fences.open:
            out.append("")
    return out


def _quote_depth(line: str) -> int:
    return QUOTE_MARKERS_RE.match(line).group().count(">")


def _unquote_once(line: str) -> str:
    """The line with its first blockquote marker (and one blank after it) taken off."""
    stripped = line.lstrip()
    rest = stripped[1:]
    return rest[1:] if rest[:1] in (" ", "\t") else rest


def _opening(m: re.Match) -> str:
    """The admonition line for a callout's first line."""
    name = m.group("type").split("|", 1)[0].lower()
    name = _CLASS_CHARS_RE.sub("-", name).strip("-") or "note"
    kind = _MATERIAL_TYPE.get(name, "note")
    classes = kind if kind == name else f"{kind} {name}"
    title = m.group("title").strip() or name.replace("-", " ").capitalize()
    marker = {"-": "???", "+": "???+"}.get(m.group("fold"), "!!!")
    return f'{marker} {classes} "{title}"'


class _CommentPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return strip_obsidian_comments(lines)


class _CalloutPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        return callouts_to_admonitions(lines)


class ObsidianExtension(Extension):
    """Obsidian callouts as admonitions and ``%%comments%%`` hidden (see the module's docstring)."""

    def extendMarkdown(self, md) -> None:  # noqa: N802 - Python-Markdown's name
        # After whitespace is normalized (30), before fenced code is taken out (superfences: 25, fenced_code: 25)
        # and before HTML blocks (20): a fence inside a callout is then inside the admonition, where superfences
        # finds it.
        md.preprocessors.register(_CommentPreprocessor(md), "kb_obsidian_comments", 29)
        md.preprocessors.register(_CalloutPreprocessor(md), "kb_obsidian_callouts", 28)


def makeExtension(**kwargs) -> ObsidianExtension:  # noqa: N802 - Python-Markdown's entry point
    return ObsidianExtension(**kwargs)
