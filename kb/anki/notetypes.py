"""How an Anki note type becomes kb cards: which field holds a cloze text, which fields are a question or an answer.

``map_notetype`` reads the note type's card templates (``{{Front}}``, ``{{type:Back}}``, ``{{cloze:Text}}``) and
returns a ``ClozeMapping`` or a ``SidesMapping``, or a sentence saying why kb cannot represent the note type.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from kb.anki.exporter import BASIC_MODEL_ID, CLOZE_MODEL_ID, REVERSED_MODEL_ID
from kb.anki.package import KIND_CLOZE, NoteType

# kb's own exported note types: their Source field is kb's breadcrumb, not card text.
KB_NOTE_TYPE_IDS = (BASIC_MODEL_ID, REVERSED_MODEL_ID, CLOZE_MODEL_ID)

_FIELD_REF_RE = re.compile(r"{{([^{}]+)}}")
_CLOZE_REF_RE = re.compile(r"{{(?:[^{}:]*:)*cloze:([^{}]+)}}")
_SPECIAL_FIELDS = {"FrontSide", "Tags", "Type", "Deck", "Subdeck", "Card", "CardFlag", "CardID"}


@dataclass(frozen=True)
class Sides:
    """How one card template maps to a question and an answer: indexes of fields shown on each side."""

    question: tuple[int, ...]
    answer: tuple[int, ...]


@dataclass(frozen=True)
class ClozeMapping:
    """A cloze note type: the field with the ``{{cN::}}`` markup, and the fields shown on the back only."""

    text: int
    extra: tuple[int, ...] = ()


@dataclass(frozen=True)
class SidesMapping:
    """A front/back note type: per card template its sides, None for a template kb cannot map."""

    sides: tuple[Sides | None, ...]


Mapping = ClozeMapping | SidesMapping


class TemplateFields(NamedTuple):
    """The note fields a template refers to: shown (``{{Front}}``) and typed in as the answer (``{{type:Back}}``)."""

    shown: list[str]
    typed: list[str]


def template_fields(fmt: str, fields: tuple[str, ...]) -> TemplateFields:
    """The fields a template shows, in order of first appearance; conditionals and Anki's special fields left out."""
    refs = TemplateFields([], [])
    for ref in _FIELD_REF_RE.findall(fmt):
        ref = ref.strip()
        if ref[:1] in "#/^!":  # {{#Field}}..{{/Field}}, {{^Field}}: conditionals; {{!..}}: a comment
            continue
        *filters, name = (part.strip() for part in ref.split(":"))
        if name in _SPECIAL_FIELDS or name not in fields:
            continue
        target = refs.typed if "type" in filters else refs.shown
        if name not in target:
            target.append(name)
    return refs


def map_notetype(nt: NoteType) -> Mapping | str:
    """The mapping, or a sentence saying why kb cannot represent this note type."""
    fields = nt.fields
    if nt.id in KB_NOTE_TYPE_IDS:
        fields = tuple("" if f == "Source" else f for f in fields)
    if not nt.templates:
        return f"note type {nt.name!r} has no card templates"
    if nt.kind == KIND_CLOZE:
        return _map_cloze(nt, fields)
    return _map_sides(nt, fields)


def _map_cloze(nt: NoteType, fields: tuple[str, ...]) -> ClozeMapping | str:
    question = nt.templates[0].qfmt
    if "image-occlusion" in question or "Image Occlusion" in nt.name:
        return f"note type {nt.name!r} (image occlusion) has no Markdown form in kb"
    match = _CLOZE_REF_RE.search(question)
    if not match or match.group(1).strip() not in fields:
        return f"note type {nt.name!r} is a cloze type without a {{{{cloze:Field}}}} kb can find"
    text = fields.index(match.group(1).strip())
    shown = template_fields(nt.templates[0].afmt, fields).shown
    extra = tuple(fields.index(name) for name in shown if fields.index(name) != text)
    return ClozeMapping(text=text, extra=extra)


def _map_sides(nt: NoteType, fields: tuple[str, ...]) -> SidesMapping | str:
    sides = tuple(_template_sides(template.qfmt, template.afmt, fields) for template in nt.templates)
    if all(s is None for s in sides):
        return f"note type {nt.name!r}: kb cannot tell which fields are the question and which the answer"
    return SidesMapping(sides=sides)


def _template_sides(qfmt: str, afmt: str, fields: tuple[str, ...]) -> Sides | None:
    """The question is what the front shows; the answer what the back shows besides it, and any typed-in field."""
    front = template_fields(qfmt, fields)
    back = template_fields(afmt, fields)
    answer = [name for name in (*back.shown, *back.typed, *front.typed) if name not in front.shown]
    answer = list(dict.fromkeys(answer))
    if not front.shown or not answer:
        return None
    return Sides(tuple(fields.index(n) for n in front.shown), tuple(fields.index(n) for n in answer))
