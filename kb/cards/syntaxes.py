"""The question-and-answer card syntaxes, each from the lines the extractor hands it:

* ``Front::Back`` (basic) and ``Front:::Back`` (reversed: two cards); the first separator outside code/math counts.
* Multi-line (Obsidian Spaced Repetition): a paragraph, a line that is only ``?`` (``??``: reversed), the answer
  lines up to a blank line.
* ``Q:`` / ``A:`` blocks, each side continuing on the following lines.
* Definition lists: ``Term`` then ``:   definition``.
* MkDocs question blocks: ``??? question "Title"`` / ``!!! question "Title"`` with the indented body as the answer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from kb.cards.cloze import mask_anki
from kb.cards.collector import Collector, Line
from kb.cards.model import CardKind, new_card, sibling_key
from kb.markdown import strip_comments, strip_list_marker

DEFINITION_RE = re.compile(r"^:[ \t]+(\S.*)$")


@dataclass
class QuestionBlock:
    """An open admonition (``!!!``/``???``); only a ``question`` one makes a card, from its title and body."""

    indent: int  # columns of the ``!!!`` marker (in the raw line)
    question: bool
    title: str
    line: int
    body: list[Line]


def question_block_card(out: Collector, block: QuestionBlock) -> None:
    if not block.question:
        return
    body = block.body
    while body and not body[-1].text.strip():
        body.pop()
    answer = strip_comments("\n".join(ln.text for ln in body)).strip()
    front = block.title.strip()
    if not front:
        out.problem(
            block.line, 'a question block needs its question as the title: ??? question "What is ...?"'
        )
        return
    if not answer:
        out.problem(
            block.line, "this question block has no answer; write the answer indented by 4 spaces below it"
        )
        return
    end = body[-1].no if body else block.line
    out.add(new_card(CardKind.QUESTION, front, answer, block.line, end, out.context()))


def _pair(out: Collector, reverse: bool, front: str, back: str, first: int, last: int) -> None:
    """A basic card, or the two cards of a reversed one."""
    ctx = out.context()
    if reverse:
        sib = sibling_key("r", front, back)
        out.add(new_card(CardKind.REVERSED, front, back, first, last, ctx, sibling=sib))
        out.add(new_card(CardKind.REVERSED, back, front, first, last, ctx, sibling=sib))
    else:
        out.add(new_card(CardKind.BASIC, front, back, first, last, ctx))


def multiline_card(out: Collector, block: list[Line], i: int, reverse: bool) -> None:
    """The card of a paragraph whose line ``i`` is only ``?`` (``??`` when ``reverse``)."""
    mark = block[i]
    front_lines = block[:i]
    back_lines = block[i + 1 :]
    while back_lines and not back_lines[-1].text.strip():  # blank lines before a multi-line end marker
        back_lines = back_lines[:-1]
    sep = mark.text.strip()
    if not front_lines:
        out.problem(
            mark.no,
            f"a `{sep}` line with nothing before it; put the question on the line(s) just above `{sep}`",
        )
        return
    if not back_lines:
        out.problem(mark.no, f"nothing after `{sep}`; write the answer on the lines below it")
        return
    front = strip_comments("\n".join(ln.text for ln in front_lines)).strip()
    back = strip_comments("\n".join(ln.text for ln in back_lines)).strip()
    _pair(out, reverse, front, back, block[0].no, block[-1].no)


def _separator(masked: str, single: str, reversed_: str) -> tuple[int, int, bool]:
    """Where a line's card separator is (-1 when none), its length and whether it is the reversed one. With the
    defaults (``:::`` starts with ``::``) the first ``::`` counts, ``:::`` there making it reversed; otherwise the
    first of the two, the longer one on a tie."""
    if reversed_.startswith(single):
        pos = masked.find(single)
        if pos < 0:
            return -1, 0, False
        reverse = masked.startswith(reversed_, pos)
        return pos, len(reversed_) if reverse else len(single), reverse
    r, b = masked.find(reversed_), masked.find(single)
    if r >= 0 and (b < 0 or r < b or (r == b and len(reversed_) > len(single))):
        return r, len(reversed_), True
    return b, len(single), False


def single_line_card(out: Collector, ln: Line) -> bool:
    """The card of a ``Front::Back`` / ``Front:::Back`` line; False when the line is none."""
    masked = ln.masked
    if "{{" in masked:
        masked = mask_anki(masked)  # Anki cloze markup {{c1::x}} is not a separator
    syntax = out.syntax
    pos, seplen, reverse = _separator(masked, syntax.single_line, syntax.single_line_reversed)
    if pos < 0:
        return False
    text = ln.text
    front = strip_list_marker(text[:pos]).strip()
    back = text[pos + seplen :].strip()
    front, back = strip_comments(front).strip(), strip_comments(back).strip()
    if not front or not back:
        return False  # e.g. a line ending in "::" (not a card, and common in prose about Python slices)
    _pair(out, reverse, front, back, ln.no, ln.no)
    return True


def qa_card(out: Collector, lines: list[Line], has_answer: bool) -> None:
    """The card of a ``Q:`` line (and its continuation) with its ``A:`` line (``has_answer``)."""
    if not has_answer:
        out.problem(
            lines[0].no, "a `Q:` without an `A:`; write the answer on a line starting with `A:` below it"
        )
        return
    q: list[str] = []
    a: list[str] = []
    side = q
    for ln in lines:
        s = ln.text.strip()
        if side is q and s.startswith("A:"):
            side = a
            s = s[2:]
        elif side is q and s.startswith("Q:"):
            s = s[2:]
        side.append(s.strip())
    front = strip_comments("\n".join(q)).strip()
    back = strip_comments("\n".join(a)).strip()
    if not front:
        out.problem(lines[0].no, "`Q:` with no question; write the question after `Q:`")
        return
    if not back:
        out.problem(lines[0].no, "`A:` with no answer; write the answer after `A:`")
        return
    out.add(new_card(CardKind.QUESTION, front, back, lines[0].no, lines[-1].no, out.context()))


def definition_card(out: Collector, lines: list[Line]) -> None:
    """The card of a term line followed by its ``:   definition`` lines."""
    if not lines or DEFINITION_RE.match(lines[0].masked) and lines[0].masked.startswith(":"):
        out.problem(
            lines[0].no, "a definition (`:   ...`) with no term above it; put the term on the line above"
        )
        return
    term = strip_list_marker(lines[0].text).strip()
    defs: list[str] = []
    for ln in lines[1:]:
        m = DEFINITION_RE.match(ln.text)
        if m and ln.text.startswith(":"):
            defs.append(m.group(1).strip())
        elif defs:
            defs[-1] += "\n" + ln.text.strip()
    back = strip_comments("\n\n".join(defs)).strip()
    if term and back:
        out.add(new_card(CardKind.DEFINITION, term, back, lines[0].no, lines[-1].no, out.context()))
