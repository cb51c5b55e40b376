"""Anki's cloze markup (``{{c1::answer}}``, ``{{c2::answer::hint}}``) as the anki package reads it.

The pattern is kb.markdown's; the importer asks which deletions an Anki cloze field holds, the exporter
how many cards a kb cloze paragraph makes in Anki.
"""

from __future__ import annotations

import re

from kb.markdown import ANKI_CLOZE_OPEN_RE


def cloze_numbers(text: str) -> set[int]:
    """The deletion numbers in ``text``: ``{{c1::a}} {{c3::b::hint}} {{c1::c}}`` -> ``{1, 3}``."""
    # An opening ``{{cN::`` is enough: Anki itself numbers a card from the opening, so an unclosed deletion counts.
    return {int(number) for number in ANKI_CLOZE_OPEN_RE.findall(text)}


_TOKEN_RE = re.compile(r"\{\{c(\d+)::|::|\}\}")


def is_nested(text: str) -> bool:
    """Whether a deletion opens inside another one (``{{c1::a {{c2::b}} c}}``): Anki makes a card of each, kb's
    cloze syntax reads none."""
    depth = 0
    for m in _TOKEN_RE.finditer(text):
        if m.group(1):
            if depth:
                return True
            depth += 1
        elif m.group(0) == "}}" and depth:
            depth -= 1
    return False


def nested_cloze_card(text: str, number: int) -> tuple[str, str]:
    """The question and answer Anki shows for card ``number`` of a cloze text with nested deletions: that number's
    deletions hidden (``[...]``, or ``[hint]``), every other one shown; the answer shows them all."""
    # a stack of open deletions: (number, question text, answer text, hint or None while reading the text)
    stack: list[list] = [[0, [], [], None]]
    at = 0
    for m in _TOKEN_RE.finditer(text):
        top = stack[-1]
        _add(top, text[at : m.start()])
        at = m.end()
        if m.group(1):
            stack.append([int(m.group(1)), [], [], None])
        elif m.group(0) == "::" and len(stack) > 1 and top[3] is None:
            top[3] = []  # the hint follows
        elif m.group(0) == "}}" and len(stack) > 1:
            stack.pop()
            number_, question, answer, hint = top
            shown = "".join(answer)
            hidden = f"[{''.join(hint)}]" if hint else "[...]"
            _add(stack[-1], hidden if number_ == number else "".join(question), shown)
        else:
            _add(top, m.group(0))
    _add(stack[-1], text[at:])
    while len(stack) > 1:  # an unclosed deletion reads as its text
        number_, question, answer, _ = stack.pop()
        _add(stack[-1], "".join(question), "".join(answer))
    return "".join(stack[0][1]), "".join(stack[0][2])


def _add(frame: list, question: str, answer: str | None = None) -> None:
    if frame[3] is not None:
        frame[3].append(question)  # inside a hint: only the hint text
        return
    frame[1].append(question)
    frame[2].append(question if answer is None else answer)
