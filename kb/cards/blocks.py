"""From a paragraph's lines to its cards: the paragraph is split into units (list items, ``Q:``/``A:`` pairs,
definitions, runs of text) and each unit goes to the syntax that reads it.

A paragraph holding a line that is only ``?``/``??`` is one multi-line card; a table makes none, but for Anki's
``{{c1::...}}`` deletions in it (one cloze text, the whole table); so is a paragraph with a list and Anki's deletions
in a deck imported from Anki (one Anki cloze note). In a unit, ``::``
lines come first, then cloze deletions, then (for a bullet under a key-point heading) a generated key-point card.
"""

from __future__ import annotations

import re
from enum import Enum
from functools import lru_cache

from kb.cards.cloze import cloze_cards, cloze_openers
from kb.cards.collector import Collector, Line
from kb.cards.keypoints import EXAMPLE_LEAD_RE, PendingCloze, keypoint_cards
from kb.cards.model import CardSyntax
from kb.cards.syntaxes import DEFINITION_RE, definition_card, multiline_card, qa_card, single_line_card
from kb.markdown import LIST_ITEM_RE, LIST_ITEM_START, indent_width, mask_spans, strip_list_marker


class UnitKind(Enum):
    TEXT = "text"  # lines of prose
    ITEM = "item"  # a list item at the list's first indentation
    SUBITEM = "subitem"  # a nested list item
    QUESTION = "q"  # a ``Q:`` line without its ``A:`` (yet)
    QUESTION_ANSWER = "qa"  # ``Q:`` ... ``A:`` ...
    DEFINITION = "def"  # a term and its ``:   definition`` lines


_TEXT, _ITEM, _SUBITEM = UnitKind.TEXT, UnitKind.ITEM, UnitKind.SUBITEM
_Q, _QA, _DEF = UnitKind.QUESTION, UnitKind.QUESTION_ANSWER, UnitKind.DEFINITION

_TABLE_DELIM_CHARS = frozenset("|-: \t")


@lru_cache(maxsize=16)
def _marks(syntax: CardSyntax) -> tuple[str, ...]:
    """What a paragraph must hold to hold a card of these separators or cloze patterns."""
    return (
        syntax.single_line,
        syntax.single_line_reversed,
        syntax.multiline,
        syntax.multiline_reversed,
        "{{c",
        *cloze_openers(syntax.cloze_patterns),
    )


def _is_table_delimiter(line: str) -> bool:
    """``|---|:--:|`` or ``--- | ---``: only pipes, dashes, colons and spaces, with a pipe and a dash."""
    return "-" in line and "|" in line and set(line) <= _TABLE_DELIM_CHARS


def block_cards(
    out: Collector, block: list[Line], prev_last: Line | None, pending: list[PendingCloze]
) -> None:
    """The cards of one paragraph (``prev_last``: the last line of the paragraph before, a loose definition's
    term)."""
    joined = "\n".join([ln.text for ln in block])
    syntax = out.syntax
    # most paragraphs hold no card syntax at all: a substring test rules them out before any masking
    if out.default_syntax:
        if not (
            (out.generate and out.in_keypoints)
            or "::" in joined
            or "==" in joined
            or "{{c" in joined
            or "?" in joined
            or "Q:" in joined
            or ":" in joined[:1]
            or "\n:" in joined
        ):
            return
    elif not (
        (out.generate and out.in_keypoints)
        or any(mark in joined for mark in _marks(syntax))
        or "Q:" in joined
        or ":" in joined[:1]
        or "\n:" in joined
    ):
        return
    for ln in block:
        if ln.masked is None:
            ln.masked = mask_spans(ln.text)[0]
    # tables: a delimiter row, or every line a |-row
    if (len(block) > 1 and _is_table_delimiter(block[1].masked)) or (
        block[0].text.lstrip()[:1] == "|" and all(ln.text.lstrip().startswith("|") for ln in block)
    ):
        if "{{c" in joined:  # Anki's deletions in a table (an imported cloze note): the table is their text
            cloze_cards(out, block, whole=True)
        return
    # multi-line card: the first line that is only ? or ?? (or the separators the settings name)
    ml, mlr = syntax.multiline, syntax.multiline_reversed
    if ml in joined or mlr in joined:
        for i, ln in enumerate(block):
            s = ln.text.strip()
            if (s == ml or s == mlr) and not ln.opaque:
                multiline_card(out, block, i, s == mlr)
                return
    # An Anki cloze note with a list, imported: the paragraph is the note's text, and each of its cards shows it all,
    # as Anki does (in kb's own notes each list item is a cloze text of its own)
    if out.from_anki and "{{c" in joined and any(LIST_ITEM_RE.match(ln.text) for ln in block):
        if cloze_cards(out, block, whole=True):
            return
    # "For 2025 the phase-out is:" then items: each item's card carries that sentence in its context (an item
    # "single: $150,000 to $165,000" says nothing without it), from this paragraph or the one just before
    # a nested bullet carries its parent bullet the same way ("`git reset <commit>` ... depends on the mode:" above
    # "`--soft`: only moves the branch")
    lead = _lead_in(prev_last) if prev_last is not None else None
    parent = None
    for kind, lines in split_units(block, prev_last):
        if kind is _TEXT:
            lead = _lead_in(lines[-1])
        elif kind is _ITEM:
            parent = _parent_line(lines)
        out.lead_in = lead if kind is _ITEM else parent if kind is _SUBITEM else None
        _unit_cards(out, kind, lines, pending)
    out.lead_in = None


def split_units(block: list[Line], prev_last: Line | None) -> list[tuple[UnitKind, list[Line]]]:
    """Split a paragraph into units: list items, Q/A pairs, definitions, plain text runs."""
    units: list[tuple[UnitKind, list[Line]]] = []
    cur_kind: UnitKind | None = None
    cur: list[Line] = []
    base_indent = None

    def push():
        nonlocal cur, cur_kind
        if cur:
            units.append((cur_kind, cur))
        cur, cur_kind = [], None

    for idx, ln in enumerate(block):
        if ln.opaque:
            if not cur:
                cur_kind = _TEXT
            cur.append(ln)
            continue
        t = ln.text
        s = t.lstrip()
        c = s[:1]
        if c and (c in LIST_ITEM_START or c.isdecimal()) and LIST_ITEM_RE.match(t):
            push()
            cur_kind = _ITEM if base_indent is None or indent_width(t) <= base_indent else _SUBITEM
            if base_indent is None:
                base_indent = indent_width(t)
            cur = [ln]
        elif s.startswith("Q:") and not s.startswith("Q::"):
            push()
            cur_kind = _Q
            cur = [ln]
        elif s.startswith("A:") and not s.startswith("A::") and (cur_kind is _Q or cur_kind is _QA):
            cur_kind = _QA
            cur.append(ln)
        elif ln.masked[:1] == ":" and DEFINITION_RE.match(ln.masked):
            if cur_kind is _DEF:
                cur.append(ln)
            else:
                term = None
                if cur and cur_kind is _TEXT:
                    term = cur.pop()
                    if cur:
                        push()
                elif not cur and idx == 0 and prev_last is not None:
                    term = prev_last
                    if term.masked is None:  # a prose line whose block had no card syntax: not masked yet
                        term.masked = mask_spans(term.text)[0]
                else:
                    push()
                cur_kind = _DEF
                cur = ([term] if term is not None else []) + [ln]
        elif cur_kind is _DEF and indent_width(t) >= 4:
            cur.append(ln)
        else:
            if not cur:
                cur_kind = _TEXT
            cur.append(ln)
    push()
    return units


def _lead_in(line: Line) -> str | None:
    """The last sentence of a prose line ending in a colon, which introduces the list below it; a line that is only a
    bold name ("**XGBoost** (2016)"), or only announces an example ("Example:"), whole; else None."""
    text = line.text.strip()
    if text.startswith(("**", "__")) and _BOLD_NAME_LINE_RE.fullmatch(text):
        # "**XGBoost** (Chen & Guestrin, 2016)" over its own list: a heading in all but name (judged blind in set
        # BQ, the list's cards "did not name XGBoost")
        return text.rstrip(":")
    if not text.endswith(":") or text.startswith(("-", "*", "+", "#", "|", ">")) or text[:1].isdigit():
        return None
    if EXAMPLE_LEAD_RE.fullmatch(text):
        return text  # "Example:" over the givens of a worked example (judged blind in set BU)
    sentence = re.split(r"(?<=[.!?])\s+", text)[-1]
    return sentence if 3 <= len(sentence.split()) <= 25 else None


# a line that is a bold name and, maybe, a bracket after it: "**LightGBM** (Microsoft, 2017)", "**Part 2**:"
_BOLD_NAME_LINE_RE = re.compile(r"(\*\*|__)[^*_\n]{1,60}\1(?:\s*\([^()\n]{1,60}\))?:?")
_PARENT_WORDS = 30  # a longer parent bullet is shown by its first sentence


def _parent_line(lines: list[Line]) -> str | None:
    """What a nested bullet's card shows of the bullet above it: the whole bullet when short, else the sentence
    that introduces the nested list (ending in ":") or its first sentence."""
    text = strip_list_marker(" ".join(ln.text.strip() for ln in lines)).strip()
    if not text:
        return None
    if len(text.split()) <= _PARENT_WORDS:
        return text
    sentences = re.split(r"(?<=[.!?:])\s+", text)
    sentence = sentences[-1] if text.endswith(":") else sentences[0]
    words = sentence.split()
    return sentence if len(words) <= _PARENT_WORDS else " ".join(words[:_PARENT_WORDS]) + " …"


def _unit_cards(out: Collector, kind: UnitKind, lines: list[Line], pending: list[PendingCloze]) -> None:
    if kind is _Q or kind is _QA:
        qa_card(out, lines, kind is _QA)
        return
    if kind is _DEF:
        definition_card(out, lines)
        return
    # single-line ::/::: cards, line by line
    any_sep = False
    syntax = out.syntax
    sep = syntax.single_line
    if not syntax.single_line_reversed.startswith(sep):
        sep = ""  # every line is looked at (its separators have nothing in common)
    for ln in lines:
        if not ln.opaque and sep in ln.masked and single_line_card(out, ln):
            any_sep = True
    if any_sep:
        return
    if cloze_cards(out, lines):
        return
    if (kind is _ITEM or kind is _SUBITEM) and out.generate and out.in_keypoints:
        keypoint_cards(out, lines, pending)
