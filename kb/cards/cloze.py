"""Cloze cards: ``==text==`` highlights (each its own card) and Anki's ``{{c1::text}}`` / ``{{c1::text::hint}}``
(the same number hides together), in one unit (a paragraph, or one list item).

Every deletion number becomes a card showing the whole text with that deletion as ``[...]`` (or ``[hint]``);
highlights are numbered after the highest Anki number. The card keeps the text in Anki markup (``cloze_text``).

Anki's deletions may nest (``{{c1::outer {{c2::inner}} text}}``): each number is still a card, read the way Anki reads
it (``nested_clozes``): that number's deletions hidden, whatever they hold; every other deletion shown.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import NamedTuple

from kb.cards.collector import Collector, Line
from kb.cards.model import DEFAULT_SYNTAX, CardKind, new_card, sibling_key
from kb.cards.obsidian import highlight_parts
from kb.clozepatterns import HIGHLIGHT_PATTERN, find, opener
from kb.markdown import ANKI_CLOZE_OPEN_RE, ANKI_CLOZE_RE, MASK, strip_comments, strip_list_marker

# Most deletions (cards) one paragraph may hold: every deletion number is a card showing the whole text, so cards x
# text grows with the square of the deletions (50,000 highlights on one line would be 15 GB of card text), and
# nobody studies such a paragraph.
MAX_CLOZE_DELETIONS = 200
_DEFAULT_PATTERNS = DEFAULT_SYNTAX.cloze_patterns
# An Anki number of more digits is not a deletion (and int() of a huge one would fail).
_MAX_NUMBER_DIGITS = 4


class Deletion(NamedTuple):
    start: int  # span of the markup in the unit's text
    end: int
    number: int  # the Anki number (a highlight's follows the highest Anki number of its unit)
    text: str  # what is hidden
    hint: str


# ``Deletion(...)`` through a Python-level __new__ costs several times a tuple's: this builds the same object directly
_deletion = tuple.__new__


def anki_deletions(masked: str, text: str) -> list[Deletion]:
    """The complete ``{{cN::...}}`` deletions of ``masked`` (``text`` with code and math masked)."""
    dels = []
    for m in ANKI_CLOZE_RE.finditer(masked):
        number = m.group(1)  # groups by number (1 number, 2 text, 3 hint): cheaper than by name, per deletion
        if len(number) > _MAX_NUMBER_DIGITS:
            continue
        hint = text[m.start(3) : m.end(3)] if m.group(3) is not None else ""
        dels.append(_deletion(Deletion, (m.start(), m.end(), int(number), text[m.start(2) : m.end(2)], hint)))
    return dels


def unclosed_anki(masked: str, covered: bytearray) -> int | None:
    """Position of the first ``{{cN::`` that opens no complete deletion, or None."""
    for m in ANKI_CLOZE_OPEN_RE.finditer(masked):
        if len(m.group("number")) <= _MAX_NUMBER_DIGITS and not covered[m.start()]:
            return m.start()
    return None


def _mask_match(m) -> str:
    return MASK * (m.end() - m.start()) if len(m.group("number")) <= _MAX_NUMBER_DIGITS else m.group()


def mask_anki(masked: str) -> str:
    """Hide Anki cloze markup, complete or not, so its ``::`` is never taken for a card separator; a deletion that
    holds others is hidden whole."""
    if is_nested(masked):
        masked = _mask_nested(masked)
    return ANKI_CLOZE_OPEN_RE.sub(_mask_match, ANKI_CLOZE_RE.sub(_mask_match, masked))


def _mask_nested(masked: str) -> str:
    out: list[str] = []
    depth = pos = start = 0
    for m in _NEST_TOKEN_RE.finditer(masked):
        if m.group(1) is not None and len(m.group(1)) <= _MAX_NUMBER_DIGITS:
            if not depth:
                start = m.start()
            depth += 1
        elif m.group(0) == "}}" and depth:
            depth -= 1
            if not depth:
                out += [masked[pos:start], MASK * (m.end() - start)]
                pos = m.end()
    out.append(masked[pos:])
    return "".join(out)


def _covered(dels: list[Deletion], n: int) -> bytearray:
    cov = bytearray(n + 1)
    for start, end, _number, _text, _hint in dels:
        cov[start:end] = b"\x01" * (end - start)
    return cov


def scan_highlights(masked: str, covered: bytearray) -> tuple[list[tuple[int, int]], int | None]:
    """Pair ``==`` markers left to right: an opener is followed by a non-space, a closer follows a non-space.

    Returns the (start, end) spans and the position of an opener left unclosed (None when all close). Linear: one
    ``find`` walk over the text. A run of more than two ``=`` (a setext underline) is no marker, nor is ``\\==``,
    nor a marker inside ``covered`` (an Anki deletion); a paragraph break ends an open highlight.
    """
    spans: list[tuple[int, int]] = []
    opener = -1
    i = masked.find("==")
    n = len(masked)
    while i >= 0:
        j = i
        while j < n and masked[j] == "=":
            j += 1
        if j - i != 2 or covered[i] or (i > 0 and masked[i - 1] == "\\"):
            i = masked.find("==", j)
            continue
        before = masked[i - 1] if i > 0 else " "
        after = masked[j] if j < n else " "
        if opener < 0:
            if not after.isspace():
                opener = i
        elif not before.isspace() and "\n\n" not in masked[opener:i]:
            spans.append((opener, j))
            opener = -1
        elif not after.isspace():
            pass  # `a == b` inside a highlight: not a closer; keep the opener
        i = masked.find("==", j)
    return spans, (opener if opener >= 0 else None)


def render(text: str, dels: list[Deletion], mode: str, hide: int = 0) -> str:
    """The text with its deletions as Anki markup (``anki``), plainly (``plain``), or with deletion number ``hide``
    as ``[...]``/``[hint]`` and the others plainly (``front``)."""
    out: list[str] = []
    pos = 0
    for start, end, number, hidden, hint in dels:
        out.append(text[pos:start])
        if mode == "anki":
            out.append(f"{{{{c{number}::{hidden}::{hint}}}}}" if hint else f"{{{{c{number}::{hidden}}}}}")
        elif mode == "front" and number == hide:
            out.append(f"[{hint}]" if hint else "[...]")
        else:
            out.append(hidden)
        pos = end
    out.append(text[pos:])
    return "".join(out)


def _line_at(lines: list[Line], joined: str, pos: int) -> int:
    return lines[min(joined.count("\n", 0, pos), len(lines) - 1)].no


def _deletions(out: Collector, lines: list[Line], masked: str, text: str) -> list[Deletion] | None:
    """The unit's deletions, in no particular order; None after a problem was reported (no card then).
    Clozes of the patterns (highlights and the others) are numbered after the highest Anki number."""
    dels: list[Deletion] = []
    if "{{c" in masked:
        dels = anki_deletions(masked, text)
        at = unclosed_anki(masked, _covered(dels, len(masked)))
        if at is not None:
            out.problem(_line_at(lines, masked, at), "unclosed Anki cloze `{{c1::`; close it with `}}`")
            return None
    parts, unclosed = pattern_clozes(masked, text, out.syntax.cloze_patterns, None, dels)
    if unclosed is not None:
        out.problem(
            _line_at(lines, masked, unclosed),
            "unclosed `==` highlight; close it with `==` or write `\\==` for a literal `==`",
        )
        return None
    if parts:
        parts.sort()
        dels += _numbered(parts, max([d[2] for d in dels], default=0))  # Deletion.number
    return dels


def pattern_clozes(
    masked: str,
    text: str,
    patterns: tuple[str, ...],
    covered: bytearray | None,
    dels: Sequence[Deletion] = (),
) -> tuple[list[tuple[int, int, int, str, str]], int | None]:
    """The clozes of the cloze patterns (``==highlights==`` and the others the settings name) outside ``covered``
    (or the Anki deletions ``dels``): (start, end, group or 0, hidden, hint) in no order, and the position of an
    unclosed highlight (None when none)."""
    parts: list[tuple[int, int, int, str, str]] = []
    if patterns != _DEFAULT_PATTERNS:
        covered = covered if covered is not None else _covered(dels, len(masked))
        for pattern in patterns:
            if pattern != HIGHLIGHT_PATTERN and opener(pattern) in masked:
                for m in find(pattern, masked, covered):
                    hint = text[m.hint[0] : m.hint[1]] if m.hint else ""
                    parts.append((m.start, m.end, m.group, text[m.answer[0] : m.answer[1]], hint))
    if "==" in masked and HIGHLIGHT_PATTERN in patterns:
        spans, unclosed = scan_highlights(
            masked, covered if covered is not None else _covered(dels, len(masked))
        )
        if unclosed is not None:
            return parts, unclosed
        for s, e in spans:
            group, hidden, hint = highlight_parts(text[s + 2 : e - 2])
            parts.append((s, e, group, hidden, hint))
    return parts, None


def _numbered(parts: list[tuple[int, int, int, str, str]], top: int) -> list[Deletion]:
    """Clozes of the plugin's patterns (``[123;;]answer[;;hint]``) as deletions: the same group number hides
    together, numbered after ``top``; ungrouped ones after the groups, left to right."""
    after = top + max([p[2] for p in parts], default=0)
    dels = []
    for s, e, group, hidden, hint in parts:
        if group:
            number = top + group
        else:
            after += 1
            number = after
        dels.append(_deletion(Deletion, (s, e, number, hidden, hint)))
    return dels


def _may_hold_cloze(masked: str, patterns: tuple[str, ...]) -> bool:
    if "{{c" in masked:
        return True
    if patterns == _DEFAULT_PATTERNS:
        return "==" in masked
    return any(o in masked for o in cloze_openers(patterns))


@lru_cache(maxsize=16)
def cloze_openers(patterns: tuple[str, ...]) -> tuple[str, ...]:
    return tuple("==" if p == HIGHLIGHT_PATTERN else opener(p) for p in patterns)


# --- nested deletions: Anki's own reading -------------------------------------------------------------------

_NEST_TOKEN_RE = re.compile(r"\{\{c(\d+)::|::|\}\}")


class ClozeNode(NamedTuple):
    """An Anki deletion that may hold others: its number, its parts (text, or a ``ClozeNode``) and its hint."""

    number: int
    parts: list
    hint: str


def is_nested(masked: str) -> bool:
    """Whether an Anki deletion opens inside another one (``{{c1::a {{c2::b}} c}}``)."""
    if masked.count("{{c") < 2:
        return False
    depth = 0
    for m in _NEST_TOKEN_RE.finditer(masked):
        if m.group(1) is not None:
            if depth and len(m.group(1)) <= _MAX_NUMBER_DIGITS:
                return True
            depth += len(m.group(1)) <= _MAX_NUMBER_DIGITS
        elif m.group(0) == "}}" and depth:
            depth -= 1
    return False


def nested_clozes(masked: str, text: str) -> tuple[list, int | None]:
    """The parts of ``text`` (``masked``: the same with code and math masked) as Anki's cloze parser reads them:
    text and ``ClozeNode`` trees; and the position of a deletion left unclosed (None when all close). Inside a
    deletion the first ``::`` starts its hint, which runs to its ``}}``; a ``}}`` that closes nothing is text."""
    # a stack of open deletions: [number, parts, hint parts or None, where it opened]
    stack: list[list] = [[0, [], None, 0]]
    at = 0
    for m in _NEST_TOKEN_RE.finditer(masked):
        top = stack[-1]
        _append(top, text[at : m.start()])
        at = m.end()
        if m.group(1) is not None and len(m.group(1)) <= _MAX_NUMBER_DIGITS:
            stack.append([int(m.group(1)), [], None, m.start()])
        elif m.group(0) == "::" and len(stack) > 1 and top[2] is None:
            top[2] = []
        elif m.group(0) == "}}" and len(stack) > 1:
            stack.pop()
            _append(stack[-1], ClozeNode(top[0], top[1], "".join(top[2] or ())))
        else:
            _append(top, text[m.start() : m.end()])
    _append(stack[-1], text[at:])
    if len(stack) > 1:
        return stack[0][1], stack[1][3]
    return stack[0][1], None


def _append(frame: list, part) -> None:
    if frame[2] is not None:  # inside a hint: only its text
        frame[2].append(part if isinstance(part, str) else shown_text([part]))
    elif part:
        frame[1].append(part)


def shown_text(parts: list) -> str:
    """The parts as the answer shows them: every deletion's text."""
    return "".join(p if isinstance(p, str) else shown_text(p.parts) for p in parts)


def card_pieces(parts: list, hide: int) -> list[tuple[str, bool, str]]:
    """The parts as card ``hide`` shows them: (text, hidden, hint) runs, that number's deletions hidden whole."""
    out: list[tuple[str, bool, str]] = []
    for part in parts:
        if isinstance(part, str):
            out.append((part, False, ""))
        elif part.number == hide:
            out.append((shown_text(part.parts), True, part.hint))
        else:
            out.extend(card_pieces(part.parts, hide))
    return out


def _nested_numbers(parts: list) -> set[int]:
    return {n for p in parts if not isinstance(p, str) for n in (p.number, *_nested_numbers(p.parts))}


def _nested_cloze_cards(out: Collector, lines: list[Line], masked: str, text: str, whole: bool) -> bool:
    """Cards of a unit whose Anki deletions nest: one per number, as Anki asks it (``nested_clozes``)."""
    parts, unclosed = nested_clozes(masked, text)
    if unclosed is not None:
        out.problem(_line_at(lines, masked, unclosed), "unclosed Anki cloze `{{c1::`; close it with `}}`")
        return True
    numbers = sorted(_nested_numbers(parts))
    if not _within_limit(out, lines, len(numbers)):
        return True
    cloze_text = strip_comments(text).strip()
    side = _as_is if whole else strip_list_marker
    back = side(strip_comments(shown_text(parts)).strip())
    ctx = out.context()
    sib = sibling_key("c", back)
    for num in numbers:
        pieces = card_pieces(parts, num)
        front = "".join((f"[{hint}]" if hint else "[...]") if hidden else t for t, hidden, hint in pieces)
        out.add(
            new_card(
                CardKind.CLOZE,
                side(strip_comments(front).strip()),
                back,
                lines[0].no,
                lines[-1].no,
                ctx,
                sibling=sib,
                cloze_text=cloze_text,
                cloze_index=num,
                answer=" / ".join(t for t, hidden, _ in pieces if hidden),
            )
        )
    return True


def _as_is(text: str) -> str:
    return text


def _within_limit(out: Collector, lines: list[Line], cards: int) -> bool:
    if cards > MAX_CLOZE_DELETIONS:
        out.problem(
            lines[0].no,
            f"{cards} cloze deletions in one paragraph; at most {MAX_CLOZE_DELETIONS} become cards, "
            "so split it into smaller paragraphs",
        )
        return False
    return True


def cloze_cards(out: Collector, lines: list[Line], whole: bool = False) -> bool:
    """Cards for the ``==x==`` / ``{{cN::x}}`` deletions of a unit; False when it has none. ``whole``: the unit is a
    whole table or list, shown as it is (a list item's card drops its marker)."""
    patterns = out.syntax.cloze_patterns
    if len(lines) == 1:  # most units are one line: no join to find there is no deletion
        masked = lines[0].masked
    else:
        masked = "\n".join([ln.masked for ln in lines])
    if not _may_hold_cloze(masked, patterns):
        return False
    text = "\n".join(ln.text for ln in lines)
    if "{{c" in masked and is_nested(masked):
        return _nested_cloze_cards(out, lines, masked, text, whole)
    dels = _deletions(out, lines, masked, text)
    if dels is None:
        return True
    if not dels:
        return False
    # Deletion.number, by index: this runs for every deletion of every note
    if not _within_limit(out, lines, len({d[2] for d in dels})):
        return True
    dels.sort()
    cloze_text = strip_comments(render(text, dels, "anki")).strip()
    side = _as_is if whole else strip_list_marker
    back = side(strip_comments(render(text, dels, "plain")).strip())
    ctx = out.context()
    first, last = lines[0].no, lines[-1].no
    sib = sibling_key("c", back)
    for num in sorted({d[2] for d in dels}):
        front = side(strip_comments(render(text, dels, "front", num)).strip())
        answer = " / ".join([d[3] for d in dels if d[2] == num])
        out.add(
            new_card(
                CardKind.CLOZE,
                front,
                back,
                first,
                last,
                ctx,
                sibling=sib,
                cloze_text=cloze_text,
                cloze_index=num,
                answer=answer,
            )
        )
    return True
