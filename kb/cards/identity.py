"""Card identity: which stored card is which newly extracted card, so schedules and history survive edits.

Content hashing alone would reset a card's history at every typo fix; positions alone misalign as soon as a card is
inserted above another. So a note's old and new cards are matched in three rounds:

1. exact fingerprint (normalised kind family + front + back), nearest position first;
2. similarity of front and back (``difflib`` ratio on normalised text; a card whose front or back stayed the same
   while the other side changed still matches; a cloze whose text grew around the same hidden words matches),
   best pairs first, position as the tie-break, above a threshold;
3. what is left of the new cards against the orphan pool (cards of notes removed or renamed in the same index run,
   and older orphans), so a renamed note keeps its cards and a deleted card that reappears gets its id back.

New ids are deterministic: blake2b of the note path at creation, the kind and the fingerprint (16 hex digits), with a
counter mixed in on collision. Pure: no DB here (kb.cards.sync and kb.cards.placement do the I/O).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher

from kb.cards.model import Card, CardKind
from kb.markdown import drop_chars

THRESHOLD = 0.6  # below this, two cards are different cards
_MAX_COMPARE = (
    400  # characters compared per side: enough to recognise a card, bounds the cost of long answers
)

# Kinds a user converts into each other by changing a separator (:: to :::, Q:/A: to a question block): one family.
_FAMILY = {
    CardKind.BASIC: "qa",
    CardKind.REVERSED: "qa",
    CardKind.QUESTION: "qa",
    CardKind.DEFINITION: "qa",
    CardKind.KEYPOINT: "qa",
    CardKind.CLOZE: "cloze",
}


def normalise(text: str) -> str:
    """Lower-case, markup characters dropped, whitespace collapsed: what a fingerprint and a similarity compare."""
    return " ".join(drop_chars(text, "*_`>#").split()).lower()


def family(kind: CardKind | str) -> str:
    # a StrEnum member hashes and compares as its value: one dict lookup serves both (CardKind() only to reject)
    fam = _FAMILY.get(kind) if isinstance(kind, str) else None
    if fam is not None:
        return fam
    return _FAMILY.get(CardKind(kind), "qa")


def fingerprint(kind: CardKind | str, front: str, back: str) -> str:
    """A short digest of the card's normalised content (the same after whitespace or emphasis changes)."""
    fam = _FAMILY[kind] if type(kind) is CardKind else family(kind)
    data = f"{fam}\x1f{normalise(front)}\x1f{normalise(back)}"
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=12).hexdigest()


def card_fingerprint(card: Card) -> str:
    return fingerprint(card.kind, card.front, card.back)


@dataclass(frozen=True)
class MatchableCard:
    """A card as matching sees it: a stored card (enough to recognise it again), or a new one (id, kind, front,
    back)."""

    id: str
    kind: str
    front: str
    back: str
    position: int = 0
    fingerprint: str = ""
    note: str = ""
    orphaned_at: str | None = None


def _ratio(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    sm = SequenceMatcher(None, a, b, autojunk=False)
    if sm.real_quick_ratio() < 0.3 or sm.quick_ratio() < 0.3:
        return sm.quick_ratio() * 0.5  # clearly different: skip the quadratic part
    return sm.ratio()


@dataclass
class _Side:
    front: str
    back: str
    fam: str
    pos: int
    # a cloze's front and back, not cut short (``_grown`` finds one in another)
    whole: tuple[str, str] = ("", "")

    @classmethod
    def of(cls, kind, front: str, back: str, pos: int) -> _Side:
        fam = family(kind)
        front, back = normalise(front), normalise(back)
        whole = (front, back) if fam == "cloze" else ("", "")
        return cls(front[:_MAX_COMPARE], back[:_MAX_COMPARE], fam, pos, whole)


_GROWN_TRIES = 8  # places of the shorter text in the longer one tried: a few, however often it repeats


def _grown(short: _Side, long: _Side) -> bool:
    """Whether a cloze's text grew around it (a list item's cloze that became the whole list's, as Anki shows a
    cloze note; a sentence added before it): the longer text, with the shorter card's question put where its text
    stands, is the longer card's question, so both hide the same words."""
    (short_front, short_back), (long_front, long_back) = short.whole, long.whole
    if not short_back or len(short_back) >= len(long_back):
        return False
    at = long_back.find(short_back)
    for _ in range(_GROWN_TRIES):
        if at < 0:
            return False
        if long_back[:at] + short_front + long_back[at + len(short_back) :] == long_front:
            return True
        at = long_back.find(short_back, at + 1)
    return False


def similarity(a: _Side, b: _Side) -> float:
    """How alike two cards are, 0..1. A changed answer with the same question (or the reverse) still scores 0.6+."""
    if a.fam != b.fam:
        # a cloze that became a question (or back) with the same answer side: the generator turning a key point's
        # cloze into a term card ("[...] let git log spot ..." -> "what do Patch IDs do?"); nothing else crosses
        short, long = sorted((a.back, b.back), key=len)
        same = short and (long.startswith(short[:20]) or short in long) and len(short) * 2 >= len(long)
        return 0.9 * _ratio(a.back, b.back) if same else 0.0
    if a.fam == "cloze" and (_grown(a, b) or _grown(b, a)):
        return 0.95  # below an exact match, above any mere likeness
    f = _ratio(a.front, b.front)
    if f < 0.3 and a.back != b.back:
        return f * 0.5
    bk = _ratio(a.back, b.back)
    # the stronger side counts more: rewording the question or replacing the answer keeps the card
    hi, lo = max(f, bk), min(f, bk)
    return 0.6 * hi + 0.4 * lo


@dataclass(frozen=True)
class Matching:
    matched: dict[int, str]  # index of the new card -> id of the old card
    unmatched_new: tuple[int, ...]
    unmatched_old: tuple[str, ...]  # ids


def match(
    old: Sequence[MatchableCard],
    new: Sequence[Card | MatchableCard],  # what is compared: kind, front and back
    *,
    new_fingerprints: Sequence[str] | None = None,
    threshold: float = THRESHOLD,
    similar_ok: Callable[[MatchableCard], bool] | None = None,
) -> Matching:
    """Match the new cards to old ones: exact fingerprints, then similarity (best pairs first, position breaks ties).

    ``similar_ok`` limits which old cards take part in the similarity round (all by default).
    """
    fps = list(new_fingerprints) if new_fingerprints is not None else [card_fingerprint(c) for c in new]
    matched: dict[int, str] = {}
    used_old: set[int] = set()
    by_fp: dict[str, list[int]] = {}
    for j, k in enumerate(old):
        by_fp.setdefault(k.fingerprint or fingerprint(k.kind, k.front, k.back), []).append(j)
    n_new = len(new)
    # round 1: exact content, the nearest position when the same content appears more than once
    for i in range(n_new):
        cands = [j for j in by_fp.get(fps[i], ()) if j not in used_old]
        if not cands:
            continue
        j = min(cands, key=lambda j: abs(old[j].position - i))
        matched[i] = old[j].id
        used_old.add(j)
    # round 2: similarity
    rest_new = [i for i in range(n_new) if i not in matched]
    rest_old = [
        j for j in range(len(old)) if j not in used_old and (similar_ok is None or similar_ok(old[j]))
    ]
    if rest_new and rest_old:
        new_sides = {i: _Side.of(new[i].kind, new[i].front, new[i].back, i) for i in rest_new}
        old_sides = {j: _Side.of(old[j].kind, old[j].front, old[j].back, old[j].position) for j in rest_old}
        span = max(n_new, len(old), 1)
        pairs = []
        for i in rest_new:
            a = new_sides[i]
            for j in rest_old:
                s = similarity(a, old_sides[j])
                if s >= threshold:
                    pairs.append((-s, abs(old[j].position - i) / span, i, j))
        pairs.sort()
        taken_new: set[int] = set()
        for _, _, i, j in pairs:
            if i in taken_new or j in used_old:
                continue
            matched[i] = old[j].id
            taken_new.add(i)
            used_old.add(j)
    return Matching(
        matched=matched,
        unmatched_new=tuple(i for i in range(n_new) if i not in matched),
        unmatched_old=tuple(old[j].id for j in range(len(old)) if j not in used_old),
    )


def new_id(
    origin: str, card: Card | MatchableCard, taken: Callable[[str], bool], fp: str | None = None
) -> str:
    """A deterministic id for a card first seen in note ``origin``; ``taken(id)`` says whether an id is in use."""
    kind = card.kind.value if isinstance(card.kind, CardKind) else card.kind
    fp = fp or card_fingerprint(card)
    n = 0
    while True:
        cid = card_id(origin, kind, fp, n)
        if not taken(cid):
            return cid
        n += 1


def card_id(origin: str, kind: str, fp: str, n: int = 0) -> str:
    """The ``n``-th id ``new_id`` tries for a card of ``kind`` and fingerprint ``fp`` first seen in note ``origin``
    (the first, ``n`` 0, unless it is taken)."""
    base = f"{origin}\x1f{kind}\x1f{fp}"
    data = base if n == 0 else f"{base}\x1f{n}"
    return hashlib.blake2b(data.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()
