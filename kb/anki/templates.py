"""Rendering Anki card templates: a note's fields and one template in, the card's question and answer HTML out.

The rules are Anki's own (its renderer in rslib ``template.rs``), so each template of a note type gives kb the card
Anki shows; ``tests/test_anki_templates.py`` checks them against the real backend's rendering:

- ``{{Field}}`` the field's HTML; ``{{text:Field}}`` without its tags; ``{{type:Field}}`` nothing on the question
  (kb has no box to type in) and the field on the answer; ``{{hint:Field}}`` the field; ``{{furigana:..}}``,
  ``{{kana:..}}``, ``{{kanji:..}}`` Anki's ruby readings; any other filter (``tts``, add-ons) leaves the field as is;
- ``{{#Field}}..{{/Field}}`` only when the field is not empty, ``{{^Field}}..{{/Field}}`` only when it is;
- ``{{FrontSide}}`` the question, on the answer; ``{{Tags}}``, ``{{Deck}}``, ``{{Subdeck}}``, ``{{Card}}``,
  ``{{Type}}``, ``{{CardFlag}}`` what Anki puts there; ``{{!comment}}`` nothing.

The answer kb keeps is what the back adds to the front: what follows ``<hr id=answer>``, else the back without the
question it repeats.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

_TAG_RE = re.compile(r"{{(.*?)}}", re.S)
_HTML_TAG_RE = re.compile(r"<[^>]*>")
_EMPTY_FIELD_RE = re.compile(r"^(?:[\s\xa0]|<br\s*/?>|<div>\s*</div>|&nbsp;)*$", re.I)
_ANSWER_RULE_RE = re.compile(r"<hr[^>]*\bid\s*=\s*['\"]?answer['\"]?[^>]*>", re.I)
_SCRIPT_RE = re.compile(r"<(script|style)\b.*?</\1\s*>", re.I | re.S)
_FURIGANA_RE = re.compile(r" ?([^ >]+?)\[(.+?)\]")


@dataclass(frozen=True)
class CardContext:
    """What a template can show besides fields."""

    fields: dict[str, str]  # name -> HTML
    tags: tuple[str, ...] = ()
    deck: str = ""
    template: str = ""  # the card template's name ({{Card}})
    notetype: str = ""  # {{Type}}
    flag: int = 0


class RenderedCard(NamedTuple):
    question: str  # HTML
    answer: str  # HTML: only what the back adds to the front


def field_is_empty(html: str) -> bool:
    return bool(_EMPTY_FIELD_RE.match(html))


def render_card(qfmt: str, afmt: str, ctx: CardContext) -> RenderedCard:
    """The question and the answer (what the back adds) of one card."""
    question = render(qfmt, ctx, front_side=None)
    full = render(afmt, ctx, front_side=question)
    rule = _ANSWER_RULE_RE.search(full)
    if rule is not None:
        answer = full[rule.end() :]
    elif question.strip() and full.lstrip().startswith(question.strip()):
        answer = full.lstrip()[len(question.strip()) :]
    else:
        answer = full
    return RenderedCard(_clean(question), _clean(answer))


def question_is_empty(qfmt: str, ctx: CardContext) -> bool:
    """Anki makes no card of a template whose question shows no field: an empty front."""
    return field_is_empty(_HTML_TAG_RE.sub("", render(qfmt, ctx, front_side=None)))


def _clean(html: str) -> str:
    return _SCRIPT_RE.sub("", html).strip()


def render(template: str, ctx: CardContext, *, front_side: str | None) -> str:
    """A template with the card's fields filled in, sections resolved."""
    out: list[str] = []
    _render_into(out, _parse(template), ctx, front_side)
    return "".join(out)


# --- parsing: text and {{tags}} into a tree of sections --------------------------------------------------------


@dataclass
class _Section:
    name: str
    negated: bool
    body: list  # of str | _Field | _Section


class _Field(NamedTuple):
    filters: tuple[str, ...]
    name: str


@lru_cache(maxsize=64)  # a note type's few templates, parsed once, not once a card (never changed after)
def _parse(template: str) -> list:
    root: list = []
    stack: list[tuple[str, list]] = [("", root)]
    pos = 0
    for m in _TAG_RE.finditer(template):
        body = stack[-1][1]
        if m.start() > pos:
            body.append(template[pos : m.start()])
        pos = m.end()
        tag = m.group(1).strip()
        if not tag or tag.startswith("!"):
            continue
        if tag[0] in "#^":
            section = _Section(tag[1:].strip(), tag[0] == "^", [])
            body.append(section)
            stack.append((section.name, section.body))
        elif tag[0] == "/":
            # Anki refuses a mismatched close; kb closes the innermost matching section and goes on.
            name = tag[1:].strip()
            for i in range(len(stack) - 1, 0, -1):
                if stack[i][0] == name:
                    del stack[i:]
                    break
        else:
            *filters, name = (part.strip() for part in tag.split(":"))
            body.append(_Field(tuple(f.split(" ")[0] for f in filters), name))
    if pos < len(template):
        stack[-1][1].append(template[pos:])
    return root


# --- rendering ---------------------------------------------------------------------------------------------


def _render_into(out: list[str], nodes: list, ctx: CardContext, front_side: str | None) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif isinstance(node, _Field):
            out.append(_field(node, ctx, front_side))
        else:
            value = _special(node.name, ctx, front_side)
            if value is None:
                value = ctx.fields.get(node.name, "")
            if field_is_empty(value) == node.negated:
                _render_into(out, node.body, ctx, front_side)


def _special(name: str, ctx: CardContext, front_side: str | None) -> str | None:
    if name == "FrontSide":
        return front_side or ""
    if name == "Tags":
        return " ".join(ctx.tags)
    if name == "Deck":
        return ctx.deck
    if name == "Subdeck":
        return ctx.deck.split("::")[-1]
    if name == "Card":
        return ctx.template
    if name == "Type":
        return ctx.notetype
    if name == "CardFlag":
        return f"flag{ctx.flag}" if ctx.flag else ""
    return None


def _field(node: _Field, ctx: CardContext, front_side: str | None) -> str:
    value = _special(node.name, ctx, front_side)
    if value is None:
        value = ctx.fields.get(node.name, "")
    on_answer = front_side is not None
    for name in reversed(node.filters):  # Anki applies the filter next to the field first
        if name == "type":
            value = value if on_answer else ""
        elif name == "text":
            value = _HTML_TAG_RE.sub("", value)
        elif name == "furigana":
            value = _FURIGANA_RE.sub(
                lambda m: f"<ruby><rb>{m.group(1)}</rb><rt>{m.group(2)}</rt></ruby>", value
            )
        elif name == "kana":
            value = _FURIGANA_RE.sub(lambda m: m.group(2), value)
        elif name == "kanji":
            value = _FURIGANA_RE.sub(lambda m: m.group(1), value)
    return value
