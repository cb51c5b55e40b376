"""Cards generated from key points: the bullets under a heading named in ``keypoint_headings``.

A bullet led by a bold term (``**Term**: what it is``) asks for what follows the term (kind ``keypoint``); any
other bullet becomes a cloze hiding its most salient term (``kb.cards.salience``). Both are ``generated``. The
term of such a cloze is chosen once the whole note is read (``PendingCloze``): its weights come from the whole note.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from kb.cards.collector import Collector, Line
from kb.cards.model import Card, CardKind, new_card, sibling_key
from kb.cards.salience import TermWeights, salient_span
from kb.markdown import mask_spans, strip_comments, strip_list_marker, unbold

_BOLD_LEAD_RE = re.compile(
    r"^\*\*([^*\n]{1,120}?\**)\*\*(?!\*)[ \t]*(?::|[-–—])[ \t]*|^__([^_\n]{1,120}?)__[ \t]*(?::|[-–—])[ \t]*"
)


class PendingCloze(NamedTuple):
    """A key-point bullet waiting for its term: its place among the cards, its text and its lines."""

    slot: int
    body: str  # the bullet's text without its marker
    masked_body: str  # the same with code and math masked (shorter when the marker held a mask)
    context: tuple[str, ...]
    first: int
    last: int


# ``PendingCloze(...)`` through its Python-level __new__ costs several times a tuple's: this builds the same object
_pending = tuple.__new__


def keypoint_cards(out: Collector, lines: list[Line], pending: list[PendingCloze]) -> None:
    """The card of one key-point bullet: a ``keypoint`` card now, or a generated cloze added to ``pending``."""
    if len(lines) == 1:
        text = strip_comments(lines[0].text)
    else:
        text = strip_comments("\n".join(ln.text.strip() if i else ln.text for i, ln in enumerate(lines)))
    body = strip_list_marker(text).strip()
    if not body:
        return
    ctx = out.context()
    first, last = lines[0].no, lines[-1].no
    m = _BOLD_LEAD_RE.match(body)
    if m:
        term = (m.group(1) or m.group(2) or "").strip().rstrip(":").strip()
        rest = body[m.end() :].strip()
        if term and rest and len(rest) > 2:
            out.add(new_card(CardKind.KEYPOINT, term, rest, first, last, ctx, generated=True))
            return
    masked_body = strip_list_marker(mask_spans(body)[0])
    pending.append(_pending(PendingCloze, (out.reserve(), body, masked_body, ctx, first, last)))


def complete_pending(out: Collector, pending: list[PendingCloze]) -> None:
    """Choose the terms of the pending clozes, now that the whole note is read (its word counts computed once)."""
    if not pending:
        return
    weights = TermWeights(out.note.body, out.doc_freq, out.n_docs)
    for p in pending:
        out.fill(p.slot, _generated_cloze(p, weights))


def _generated_cloze(p: PendingCloze, weights: TermWeights) -> Card | None:
    body = p.body
    offset = len(body) - len(p.masked_body)
    best = salient_span(body[offset:], weights, p.masked_body)
    if best is None:
        return None
    s, e = best
    s += offset
    e += offset
    inner = unbold(body[s:e])
    plain = unbold(body)
    return new_card(
        CardKind.CLOZE,
        unbold(body[:s] + "[...]" + body[e:]),
        plain,
        p.first,
        p.last,
        p.context,
        generated=True,
        sibling=sibling_key("c", plain),
        cloze_text=unbold(body[:s]) + "{{c1::" + inner + "}}" + unbold(body[e:]),
        cloze_index=1,
        answer=inner,
    )
