"""What the extractor's parts share while one note is read: its lines (``Line``), and the ``Collector`` that gathers
the note's cards and card-syntax problems and knows the heading breadcrumb at the current line."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from operator import itemgetter

from kb.cards.model import DEFAULT_SYNTAX, Card, CardKind, CardSyntax, ExtractResult
from kb.cards.obsidian import body_flashcard_tags, is_flashcard_tag
from kb.errors import NoteError
from kb.markdown import drop_chars, plain_text
from kb.notes.reader import Note


@dataclass(slots=True)
class Line:
    no: int  # file line
    text: str  # after removing container indentation
    masked: str | None  # text with code/math/comment spans masked (computed when the block may hold a card)
    opaque: bool = False  # a line of a math block: part of the text, never scanned for syntax


def _norm_heading(text: str) -> str:
    return drop_chars(text, "*_`").strip().rstrip(":").strip().lower()  # emphasis and code markers dropped


_HEADING_SETS: dict[
    tuple[str, ...], frozenset[str]
] = {}  # normalised key-point heading sets, per configuration


# Sections of a summary that hold the reader's own matter, not the source's key points: in a note with no key-point
# heading, the bullets under every other heading are its key points.
PERSONAL_SECTIONS = frozenset(
    {
        "thoughts",
        "questions",
        "open questions",
        "quotes",
        "quote",
        "favorite quotes",
        "favourite quotes",
        "references",
        "links",
        "resources",
        "related",
        "related notes",
        "see also",
        "further reading",
        "sources",
        "reading list",
        "todo",
        "to do",
        "action items",
        "next steps",
        "plan",
        "reflections",
        "reflection",
        "notes to self",
        "bibliography",
        "backlinks",
    }
)


def is_personal_section(heading: str) -> bool:
    """A section whose bullets are the reader's own (quotes, questions, plans, links, "My ..."): never key points."""
    norm = _norm_heading(heading)
    return norm in PERSONAL_SECTIONS or norm.startswith(("my ", "personal ", "action"))


_BULLET_OR_HEADING_RE = re.compile(r"^(?:(#{1,6})\s+(.*?)\s*#*\s*$|\s*(?:[-*+]|\d+[.)])\s+\S)", re.M)
_LEADING_SHARE = 1 / 3  # a closing section with less of the note's bullets than this is its writer's coda
# key-point headings that also close a note with the writer's own reflections ("## Takeaways", "## Summary")
_CODAS = frozenset({"takeaways", "key takeaways", "lessons", "summary"})


def _keypoint_sections_lead(note: Note, headings: frozenset[str]) -> bool:
    """Whether the note's key-point sections hold its key points: a "## Key points" wherever it is, a "## Takeaways"
    or "## Summary" when it has a third of the note's bullets or more. One of three bullets closing a note of
    twenty-one under "## Core vocabulary", "## Human error" (judged blind: the note gave one card, a TODO) is the
    writer's coda; the sections above it are the summary."""
    marked = {_norm_heading(h.text) for h in note.headings} & headings
    if not marked:
        return False
    if marked - _CODAS:
        return True  # "## Key points": the writer said where the key points are
    inside = total = 0
    level_in = 0  # the level of the key-point heading the lines are under, 0 when none
    for m in _BULLET_OR_HEADING_RE.finditer(note.body):
        if m.group(1):
            level = len(m.group(1))
            if level_in and level <= level_in:
                level_in = 0
            if not level_in and _norm_heading(m.group(2)) in headings:
                level_in = level
            continue
        total += 1
        inside += bool(level_in)
    return inside >= total * _LEADING_SHARE


def whole_note_keypoints(note: Note, headings: frozenset[str], syntax: CardSyntax) -> bool:
    """Whether every section's bullets are key points: a summary note (its front matter names its ``type``, as
    ``kb add`` writes it) with no key-point section holding its bullets (``_keypoint_sections_lead``) nor cards
    of its own, that is not a folder's page.

    People organise a summary by topic ("## Compounding", "## Wash sale rule") as often as under "## Key points";
    the bullets are the key points either way. A note where the user wrote cards (``::``, ``?``, clozes, a
    ``#flashcards`` tag) says which facts they want to learn; a folder's page (``index.md``, ``README.md``) lists
    notes; an untyped note (an Obsidian vault's daily note, a scratch page) is not a summary.
    """
    if not str(note.meta.get("type") or "").strip():
        return False
    name = note.path.rsplit("/", 1)[-1].lower()
    if name in ("index.md", "readme.md") or _keypoint_sections_lead(note, headings):
        return False
    body = note.body
    prose: str | None = None  # the body outside code and math, read only when the raw text holds a marker

    def marks(text: str) -> bool:
        nonlocal prose
        if text not in body:
            return False
        if prose is None:  # "`password==>xxx`", "`std::vector`": code, not a card the user wrote
            prose = _outside_code(body)
        return text in prose

    if marks(syntax.single_line) or marks("{{c"):
        return False
    for (
        pattern
    ) in syntax.cloze_patterns:  # a cloze pattern's opening text ("==", "**" when bold makes clozes)
        opening = re.split(r"\[|answer", pattern, maxsplit=1)[0]
        if opening and marks(opening):
            return False
    if any(f"#{tag}" in body for tag in syntax.flashcard_tags):
        return False
    markers = {syntax.multiline, syntax.multiline_reversed}
    return not any(line.strip() in markers for line in body.splitlines())


def _outside_code(body: str) -> str:
    """The body with fenced code blocks left out and code and math spans masked."""
    from kb.markdown import mask_spans

    out: list[str] = []
    fence = ""
    for line in body.splitlines():
        stripped = line.lstrip()
        if fence:
            if stripped.startswith(fence):
                fence = ""
            continue
        if stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            continue
        out.append(mask_spans(line)[0])
    return "\n".join(out)


def keypoint_heading_set(headings: Iterable[str]) -> frozenset[str]:
    """The normalised key-point headings; computed once per configuration (the same tuple for every note)."""
    if type(headings) is not tuple:
        return frozenset(_norm_heading(h) for h in headings)
    got = _HEADING_SETS.get(headings)
    if got is None:
        got = frozenset(_norm_heading(h) for h in headings)
        if len(_HEADING_SETS) < 64:
            _HEADING_SETS[headings] = got
    return got


class Collector:
    """One note's cards and problems, in the order found, and the headings above the line being read.

    A generated key-point cloze is completed only once the whole note is read (its term is weighed against the
    whole note): ``reserve`` keeps its place in the order, ``fill`` puts the card (or nothing) there.
    """

    def __init__(
        self,
        note: Note,
        keypoint_headings: Iterable[str],
        generate: bool,
        doc_freq: Callable[[str], int] | None,
        n_docs: int,
        syntax: CardSyntax = DEFAULT_SYNTAX,
    ):
        self.note = note
        self.syntax = syntax
        self.default_syntax = syntax == DEFAULT_SYNTAX  # the common case: the fixed, cheapest tests
        self.path = note.path
        self.title = note.title
        # a deck imported from Anki (its front matter names the deck): a paragraph of Anki deletions is one Anki note
        self.from_anki = bool(note.meta.get("anki_deck"))
        self.keypoint_headings = keypoint_heading_set(keypoint_headings)
        self.generate = generate  # generated key-point cards are on
        self.doc_freq = doc_freq
        self.n_docs = n_docs
        self.cards: list[Card | list[Card] | None] = []
        self.problems: list[NoteError] = []
        self.headings: list[tuple[int, str, bool]] = []  # (level, text, is a key-point heading)
        self.whole_note = generate and whole_note_keypoints(note, self.keypoint_headings, syntax)
        self.in_keypoints = self.whole_note  # under a key-point heading: any(kp for ...) over self.headings

        self._context: tuple[str, ...] | None = None
        self.lead_in: str | None = None  # the sentence ending in ":" that introduces the list item being read
        self.keypoint_bodies: list[str] = []  # every key-point bullet's text (what is common among them)
        self.skipped: list[
            tuple[int, str, str]
        ] = []  # key-point bullets that gave no card: (line, text, why)
        # in-note deck tags (kb.cards.obsidian): from a tag line on, (its line, its tags); a card line's own
        self.deck_marks: list[tuple[int, tuple[str, ...]]] = []
        self.line_tags: dict[int, tuple[str, ...]] = {}

    def enter_heading(self, level: int, text: str) -> None:
        headings = self.headings
        while headings and headings[-1][0] >= level:
            headings.pop()
        if self.whole_note:
            headings.append((level, text, not is_personal_section(text)))
            self.in_keypoints = all(kp for _, _, kp in headings)
        else:
            headings.append((level, text, _norm_heading(text) in self.keypoint_headings))
            self.in_keypoints = any(kp for _, _, kp in headings)
        self._context = None

    def context(self) -> tuple[str, ...]:
        """The breadcrumb: the note title, then the headings above (a level-1 heading repeating the title left out)."""
        if self._context is not None:
            return self._context
        crumbs = [self.title]
        for level, text, _ in self.headings:
            if level == 1 and text.strip().lower() == self.title.strip().lower():
                continue
            crumbs.append(plain_text(text, light=True))
        self._context = tuple(crumbs)
        return self._context

    def problem(self, line: int, message: str) -> None:
        self.problems.append(NoteError(self.path, line, message))

    def add(self, card: Card) -> None:
        self.cards.append(card)

    def reserve(self) -> int:
        """A place in the order for a card completed later (``fill``)."""
        self.cards.append(None)
        return len(self.cards) - 1

    def fill(self, slot: int, card: Card | list[Card] | None) -> None:
        """Put a card (or the cards of one source, in order) at a reserved place."""
        self.cards[slot] = card

    def skip(self, line: int, text: str, why: str) -> None:
        """A key-point bullet that gives no card, and why (``kb cards --explain``)."""
        self.skipped.append((line, text, why))

    def _tags_for(self, line: int, note_deck: tuple[str, ...]) -> tuple[str, ...]:
        """The deck tags of a card starting at ``line``: its line's own, else the last tag line's above it, else
        the note's (``note_deck``)."""
        own = self.line_tags.get(line)
        if own:
            return own
        at = bisect_left(self.deck_marks, line, key=itemgetter(0))  # the marks are in line order
        return self.deck_marks[at - 1][1] if at else note_deck

    def result(self) -> ExtractResult:
        """The cards (an exact repeat of an earlier card left out) and the problems."""
        seen: set[tuple[CardKind, str, str, bool]] = set()
        out: list[Card] = []
        # the note's deck, for cards above every tag line: none of its own when the front matter names a flashcard
        # tag (the note's tags are every card's already), else its first tag line's, else the flashcard tags in
        # its text (the plugin's fallback when nothing precedes a card)
        if any(is_flashcard_tag(str(t).lstrip("#"), self.syntax) for t in self.note.tags):
            note_deck: tuple[str, ...] = ()
        elif self.deck_marks:
            note_deck = self.deck_marks[0][1]
        else:
            note_deck = body_flashcard_tags(self.note.body, self.syntax)
        tagged = bool(self.deck_marks or self.line_tags or note_deck)
        flat: list[Card] = []
        for c in self.cards:
            if c is None:
                continue
            if type(c) is list:
                flat += c
            else:
                flat.append(c)
        for c in flat:
            if tagged:
                c.__dict__["tags"] = self._tags_for(
                    c.line, note_deck
                )  # a frozen Card, just made: set before anyone sees it
            key = (c.kind, c.front, c.back, c.generated)  # a StrEnum member hashes and compares as its value
            if key in seen:
                continue
            seen.add(key)
            out.append(c)
        return ExtractResult(
            tuple(out), tuple(self.problems), tuple(sorted(self.skipped, key=lambda s: s[0]))
        )
