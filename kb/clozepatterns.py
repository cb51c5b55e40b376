"""Cloze patterns in the Obsidian Spaced Repetition plugin's syntax (its ``clozePatterns`` setting), as kb's
``cloze_patterns`` setting reads them.

A pattern is written as the cloze looks in a note: the word ``answer`` stands for the hidden text; a part in square
brackets is optional, and holds ``123`` (the cloze's group number: the same number hides together) or ``hint`` (shown
as ``[hint]`` on the front); every other character is itself, ``\\[`` and ``\\]`` being a literal bracket. So
``==[123;;]answer[;;hint]==`` (the plugin's default) reads ``==Paris==``, ``==1;;Paris==`` and
``==1;;Paris;;a city==``; ``**[123;;]answer[;;hint]**`` reads bold text, ``{{[123::]answer[::hint]}}`` Anki-like
``{{1::Paris::city}}``. The plugin's overlapping letters in place of a number (``{{ahs::x}}``: asked on the first
card) are read as the card that asks the cloze; kb shows a cloze plainly wherever it is not asked.

The default highlight pattern is read by ``kb.cards.cloze.scan_highlights`` (which pairs ``==`` markers as a
reader sees them); every other pattern becomes a regular expression here. Pure: text in, values out.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

HIGHLIGHT_PATTERN = "==[123;;]answer[;;hint]=="  # the plugin's default
BOLD_PATTERN = "**[123;;]answer[;;hint]**"
CURLY_PATTERN = "{{[123;;]answer[;;hint]}}"


class PatternError(ValueError):
    """A cloze pattern kb cannot read (said in words a user can act on)."""


class Match(NamedTuple):
    start: int
    end: int
    group: int  # 0: no group number written
    answer: tuple[int, int]  # span of the hidden text
    hint: tuple[int, int] | None


def _tokens(pattern: str) -> list[tuple[str, str]]:
    """(kind, text) tokens: ("lit", chars), ("opt", inside of [...]), ("answer", "")."""
    out: list[tuple[str, str]] = []
    i, n = 0, len(pattern)
    lit: list[str] = []

    def flush() -> None:
        if lit:
            out.append(("lit", "".join(lit)))
            lit.clear()

    while i < n:
        for esc in ("\\\\[", "\\\\]", "\\[", "\\]"):
            if pattern.startswith(esc, i):
                lit.append(esc[-1])
                i += len(esc)
                break
        else:
            c = pattern[i]
            if c == "[":
                depth, j, buf = 1, i + 1, []
                while j < n and depth:
                    esc = next(
                        (e for e in ("\\\\[", "\\\\]", "\\[", "\\]") if pattern.startswith(e, j)), None
                    )
                    if esc:
                        buf.append(esc[-1])
                        j += len(esc)
                        continue
                    depth += {"[": 1, "]": -1}.get(pattern[j], 0)
                    if depth:
                        buf.append(pattern[j])
                    j += 1
                if depth:
                    raise PatternError(f"cloze pattern {pattern!r}: a `[` is never closed; close it with `]`")
                flush()
                out.append(("opt", "".join(buf)))
                i = j
            elif pattern.startswith("answer", i):
                flush()
                out.append(("answer", ""))
                i += len("answer")
            else:
                lit.append(c)
                i += 1
    flush()
    return out


@lru_cache(maxsize=64)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """The regular expression of a cloze pattern (named groups ``seq``, ``answer``, ``hint``)."""
    tokens = _tokens(pattern)
    if sum(1 for kind, _ in tokens if kind == "answer") != 1:
        raise PatternError(
            f"cloze pattern {pattern!r} needs the word `answer` once, where the hidden text goes "
            "(for example **[123;;]answer[;;hint]**)"
        )
    if tokens[0][0] != "lit":
        raise PatternError(f"cloze pattern {pattern!r} must start with the characters that open a cloze")
    parts: list[str] = []
    for kind, text in tokens:
        if kind == "lit":
            parts.append(re.escape(text))
        elif kind == "answer":
            parts.append(r"(?P<answer>[^\n]+?)")
        elif "123" in text:
            pre, post = text.split("123", 1)
            parts.append(f"(?:{re.escape(pre)}(?P<seq>\\d{{1,3}}|[ash]{{1,20}}){re.escape(post)})?")
        elif "hint" in text:
            pre, post = text.split("hint", 1)
            parts.append(f"(?:{re.escape(pre)}(?P<hint>[^\\n]+?){re.escape(post)})?")
        else:
            parts.append(f"(?:{re.escape(text)})?")
    return re.compile("".join(parts))


def opener(pattern: str) -> str:
    """The characters every cloze of the pattern starts with (a cheap test before the expression runs)."""
    return _tokens(pattern)[0][1]


def _group(seq: str | None) -> int:
    """A group number, or for the plugin's overlapping letters (``a`` ask, ``h`` hide, ``s`` show, one per card)
    the card that asks the cloze (kb shows it plainly on the others)."""
    if not seq:
        return 0
    if seq.isdigit():
        return int(seq)
    return seq.find("a") + 1


def check_patterns(patterns: tuple[str, ...]) -> None:
    """Raise PatternError for the first pattern kb cannot read."""
    for p in patterns:
        if p != HIGHLIGHT_PATTERN:
            compile_pattern(p)


def find(pattern: str, masked: str, covered: bytearray) -> list[Match]:
    """The clozes of one (non-highlight) pattern in ``masked`` (code and math masked), left to right, skipping any
    that overlaps ``covered`` (and marking the ones taken there)."""
    found: list[Match] = []
    for m in compile_pattern(pattern).finditer(masked):
        s, e = m.span()
        if any(covered[s:e]) or not m.group("answer").strip():
            continue
        covered[s:e] = b"\x01" * (e - s)
        hint = m.span("hint") if m.group("hint") is not None else None
        found.append(Match(s, e, _group(m.group("seq")), m.span("answer"), hint))
    return found
