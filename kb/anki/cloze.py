"""Anki's cloze markup (``{{c1::answer}}``, ``{{c2::answer::hint}}``) as the anki package reads it.

The pattern is kb.markdown's; the importer asks which deletions an Anki cloze field holds, the exporter
how many cards a kb cloze paragraph makes in Anki.
"""

from __future__ import annotations

from kb.markdown import ANKI_CLOZE_OPEN_RE


def cloze_numbers(text: str) -> set[int]:
    """The deletion numbers in ``text``: ``{{c1::a}} {{c3::b::hint}} {{c1::c}}`` -> ``{1, 3}``."""
    # An opening ``{{cN::`` is enough: Anki itself numbers a card from the opening, so an unclosed deletion counts.
    return {int(number) for number in ANKI_CLOZE_OPEN_RE.findall(text)}
