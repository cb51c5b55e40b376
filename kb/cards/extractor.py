"""The card extractor: a parsed ``Note`` in, its flashcards (and card-syntax mistakes) out. Pure: no DB, no I/O.

One extractor for ``kb index``, ``kb review``, ``kb quiz`` and the site. It is a line classifier plus a state machine:
``classify`` says what a line is on its own (blank, fence, display math, heading, admonition, rule, text);
``LineScanner`` walks the body's lines once, keeping what is open (a fence, an HTML comment, a math block,
admonitions, indented code, a list), and hands each paragraph to ``kb.cards.blocks``, headings to the breadcrumb and
closed question blocks to ``kb.cards.syntaxes``. The syntaxes themselves: ``syntaxes`` (``::``, ``:::``, ``?``,
``??``, ``Q:``/``A:``, definitions, question blocks), ``cloze`` (``==x==``, ``{{c1::x}}``), ``keypoints`` (bullets under
a key-point heading; their terms from ``salience``).

Never a card from fenced or indented code, inline code, math, HTML comments, front matter (not in ``Note.body``) or
tables. Within a line, code/math/comment spans are found by a linear token walk (``kb.markdown.mask_spans``), so a
1 MB line or 100,000 ``==`` cost linear time.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from enum import Enum

from kb.cards.blocks import block_cards
from kb.cards.collector import Collector, Line
from kb.cards.keypoints import PendingCloze, complete_pending
from kb.cards.model import DEFAULT_SYNTAX, CardSyntax, ExtractResult
from kb.cards.obsidian import (
    attach_schedules,
    close_sr_comment,
    holds_cards,
    in_ignored_folder,
    leading_tags,
    strip_block_id,
    tag_line,
)
from kb.cards.syntaxes import QuestionBlock, question_block_card
from kb.config import DEFAULT_KEYPOINT_HEADINGS
from kb.markdown import (
    CALLOUT_RE,
    LIST_ITEM_RE,
    LIST_ITEM_START,
    MASK,
    QUOTE_MARKERS_RE,
    closes_fence,
    dedent,
    fence_re,
    indent_width,
    mask_spans,
)
from kb.notes.reader import HEADING_RE, Note

# Fences anywhere: a fence in a list item is indented; the scanner itself knows indented code (where one is none).
_FENCE_RE = fence_re(max_indent=None)
_ADMONITION_TITLE_RE = re.compile(r'^(!!!|\?\?\?\+?)[ \t]+([\w-]+)[^"]*(?:"(.*)")?')
_RULE_RE = re.compile(r"^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$")
# first characters of a line that the scanner must look at closely: any other starts a prose line (see scan)
_SLOW_START = frozenset("#!?$\\`~-*_+")
_RULE_START = frozenset("-*_+")  # a list item, emphasis or a rule
_RULE_CHARS = "-*_ \t"  # all a rule has


class LineKind(Enum):
    BLANK = "blank"
    FENCE = "fence"  # payload: the marker (``` or ~~~, 3 or more)
    MATH_OPEN = "math open"  # payload: what closes the display-math block ($$ or \])
    MATH_LINE = "math line"  # a display-math block on one line: $$ ... $$
    HEADING = "heading"  # payload: (level, text)
    ADMONITION = "admonition"  # payload: (type, title)
    RULE = "rule"  # a thematic break: ---, ***, ___
    TEXT = "text"


_BLANK, _FENCE, _TEXT = LineKind.BLANK, LineKind.FENCE, LineKind.TEXT
_MATH_OPEN, _MATH_LINE, _RULE = LineKind.MATH_OPEN, LineKind.MATH_LINE, LineKind.RULE
_HEADING, _ADMONITION = LineKind.HEADING, LineKind.ADMONITION


def classify(text: str) -> tuple[LineKind, object]:
    """What a line (container indentation removed) is on its own, with what its kind needs (see ``LineKind``)."""
    stripped = text.strip()
    if not stripped:
        return _BLANK, None
    if "`" in text or "~" in text:
        m = _FENCE_RE.match(text)
        if m:
            return _FENCE, m.group(1)
    if stripped.startswith("$$") and stripped.count("$$") == 1 or stripped == "\\[":
        return _MATH_OPEN, "$$" if stripped.startswith("$$") else "\\]"
    if stripped.startswith("$$") and stripped.endswith("$$") and len(stripped) >= 4:
        return _MATH_LINE, None
    if text.startswith("#"):
        h = HEADING_RE.match(text)
        if h:
            # closing #s stripped here, not in the regex: no backtracking
            return _HEADING, (len(h.group(1)), h.group(2).rstrip().rstrip("#").rstrip() or h.group(2).strip())
    if stripped.startswith(("!!!", "???")):
        a = _ADMONITION_TITLE_RE.match(stripped)
        if a:
            return _ADMONITION, (a.group(2).lower(), a.group(3) if a.group(3) is not None else "")
    if stripped[0] in "-*_" and _RULE_RE.match(text) and not LIST_ITEM_RE.match(text + " x"):
        return _RULE, None
    return _TEXT, None


class LineScanner:
    """One pass over a note body's lines: paragraphs to ``block_cards``, headings to the breadcrumb, question blocks
    to their card. The state: an open fence, HTML comment or display-math block, the admonitions the line is in,
    indented code, whether a list is going on and whether the line before was blank."""

    def __init__(self, out: Collector):
        self.out = out
        self.fence: str | None = None
        self.callout = False  # inside an Obsidian callout: its lines' quote markers are no card text
        self.in_comment = ""  # the closer ("-->" or "%%") while inside a comment
        self.math_close: str | None = None  # "$$" or "\\]" while inside a display-math block
        self.containers: list[QuestionBlock] = []
        self.block: list[Line] = []
        self.list_active = False  # the current or last paragraph is a list: indented lines continue it
        self.prev_blank = True
        self.in_code = False  # inside an indented code block
        self.prev_block_last: Line | None = (
            None  # last line of the previous block, for loose definition lists
        )
        self.pending: list[PendingCloze] = []
        self.fence_in_block = (
            False  # the open fence is part of a multi-line card's answer (kept in the block)
        )
        # What the loop in scan reads after each line that is not prose, kept in step by _refresh at every change
        # of the four above: nothing is open (a prose line needs no closer look), and the character of an open
        # fence outside admonitions and comments (a line without it cannot close the fence).
        self.plain = True
        self.fence_char = ""

    def _refresh(self) -> None:
        self.plain = (
            self.fence is None and not self.containers and not self.in_comment and self.math_close is None
        )
        self.fence_char = (
            self.fence[0]
            if self.fence and not self.containers and not self.in_comment and not self.fence_in_block
            else ""
        )

    def scan(self, lines: list[str], base: int) -> None:
        """Read the lines (``base``: the file line of the first) and finish: every card is then in ``out``."""
        block = self.block  # cleared in place by flush
        # The state a prose line touches lives in locals here (most lines are prose), and in the attributes while
        # the other methods run.
        plain, list_active, prev_blank, in_code = True, False, True, False
        fence_char = ""
        # with a multi-line end marker a blank line may belong to a card: every line takes the careful path
        fast = not self.out.syntax.multiline_end
        for idx, raw in enumerate(lines):
            if plain and fast:
                # a prose line, the bulk of every note: it starts with a letter or digit, or a character that cannot
                # start a fence, heading, admonition, math block or indentation (a table row, a definition), or it is
                # a list item or emphasis that cannot be a rule (a character a rule has not). Its masking is left to
                # block_cards (most blocks hold no card).
                if (
                    raw
                    and (
                        raw[0].isalnum()
                        or (raw[0] not in _SLOW_START and not raw[0].isspace())
                        or (raw[0] in _RULE_START and raw.strip(_RULE_CHARS))
                    )
                    and "<!--" not in raw
                    and "%%" not in raw
                    and raw[0] != ">"
                ):
                    if (raw[0].isdigit() or raw[0] in _RULE_START) and LIST_ITEM_RE.match(raw):
                        list_active = True
                    elif prev_blank:
                        list_active = False
                    block.append(Line(base + idx, strip_block_id(raw) if "^" in raw else raw, None))
                    prev_blank = in_code = False
                    continue
                if not raw:  # an empty line: ends the paragraph (and a callout)
                    if block:
                        self.flush()
                    prev_blank = True
                    self.callout = False
                    continue
            elif fence_char and fence_char not in raw:
                continue  # a line of fenced code that cannot be its closing fence
            self.list_active, self.prev_blank, self.in_code = list_active, prev_blank, in_code
            if plain:  # nothing open: the line is what it is
                self._classified(raw, base + idx, 0)
            else:
                self._inside_open_constructs(raw, base + idx)
            list_active, prev_blank, in_code = self.list_active, self.prev_blank, self.in_code
            plain, fence_char = self.plain, self.fence_char
        self.flush()
        while self.containers:
            question_block_card(self.out, self.containers.pop())
        complete_pending(self.out, self.pending)

    def flush(self) -> None:
        block = self.block
        if block:
            block_cards(self.out, block, self.prev_block_last, self.pending)
            self.prev_block_last = block[-1]
            block.clear()

    def _inside_open_constructs(self, raw: str, no: int) -> None:
        """A line while a fence, comment, math block or admonition is open: taken by what holds it, else classified
        with the admonitions' indentation removed (closing the admonitions it is outside of)."""
        if self.fence_in_block:
            self._answer_fence_line(raw, no)
            return
        containers = self.containers
        if not raw and not containers and not self.in_comment and self.math_close is None:
            # an empty line outside containers: ends the paragraph (or is part of fenced code)
            if self.fence is None and not self._held_blank(no):
                self.flush()
                self.prev_blank = True
            return
        if self.fence is not None and not containers and not self.in_comment and self.fence[0] not in raw:
            return  # a line of fenced code that cannot be its closing fence
        if self.in_comment:
            closer = self.in_comment
            if closer not in raw:
                return
            self.in_comment = ""
            self._refresh()
            rest = raw.split(closer, 1)[1]
            if not rest.strip():
                return
            raw = " " * (len(raw) - len(rest)) + rest
        blank = not raw.strip()
        # containers (admonitions): a line indented less than the body ends them
        while (
            containers and not blank and indent_width(raw) < containers[-1].indent + 4 and self.fence is None
        ):
            self.flush()
            question_block_card(self.out, containers.pop())
            self._refresh()
        depth = containers[-1].indent + 4 if containers else 0
        text = dedent(raw, depth) if depth else raw
        if containers and containers[-1].question:
            # the body of a question block is its answer: collected, never scanned for cards
            containers[-1].body.append(Line(no, text, text))
        elif self.fence is not None:
            m = _FENCE_RE.match(text)
            if m and closes_fence(self.fence, m.group(1), m.group(2)):
                self.fence = None
                self._refresh()
        else:
            self._classified(text, no, depth)

    def _answer_open(self) -> bool:
        """Whether the paragraph so far is a multi-line card collecting its answer (a ``?``/``??`` line in it)."""
        marks = (self.out.syntax.multiline, self.out.syntax.multiline_reversed)
        return any(not ln.opaque and ln.text.strip() in marks for ln in self.block)

    def _held_blank(self, no: int) -> bool:
        """With a multi-line end marker, a blank line inside a multi-line card's answer stays in it (True)."""
        if not self.out.syntax.multiline_end or not self.block or not self._answer_open():
            return False
        self.block.append(Line(no, "", ""))
        return True

    def _ends_answer(self, text: str) -> bool:
        """The multi-line end marker: it closes a card's answer, and ends any paragraph, never card text (True)."""
        marker = self.out.syntax.multiline_end
        if not marker or text.strip() != marker:
            return False
        self.flush()
        self.prev_blank = True
        return True

    def _answer_fence_line(self, raw: str, no: int) -> None:
        """A line of a fence inside a multi-line card's answer: kept in the block; the closing fence ends it."""
        self.block.append(Line(no, raw, MASK * len(raw), opaque=True))
        m = _FENCE_RE.match(raw)
        if m and closes_fence(self.fence, m.group(1), m.group(2)):
            self.fence = None
            self.fence_in_block = False
            self._refresh()
        self.prev_blank = False

    def _classified(self, text: str, no: int, depth: int) -> None:
        """A line outside fences, comments and question blocks, by its kind (``depth``: the columns of admonition
        indentation removed from it)."""
        if self.math_close is not None and "`" not in text and "~" not in text:
            kind, payload = _TEXT, None  # inside display math only a fence line is anything but math
        else:
            kind, payload = classify(text)
        if kind is _FENCE and (not self.in_code or indent_width(text) < 4):
            if self.block and not self.containers and self._answer_open():
                # a fence in a multi-line card's answer is part of the answer, blank lines and all (the plugin's
                # rule): its lines join the block, never scanned for syntax
                self.fence_in_block = True
                self.fence = payload
                self.block.append(Line(no, text, MASK * len(text), opaque=True))
                self._refresh()
                return
            self.flush()
            self.fence = payload
            self.in_code = False
            self._refresh()
            return
        if self.math_close is not None:
            self.block.append(Line(no, text, MASK * len(text), opaque=True))
            if self.math_close in text:
                self.math_close = None
                self._refresh()
            self.prev_blank = False
            return
        if kind is _BLANK:
            if not self._held_blank(no):
                self.flush()
                self.prev_blank = True
            return
        if self.out.syntax.multiline_end and self._ends_answer(text):
            return
        ind = indent_width(text) if text[0] in " \t" else 0
        # indented code: 4+ columns after a blank line, outside a list
        if ind >= 4 and (self.in_code or (self.prev_blank and not self.list_active)):
            self.flush()
            self.in_code = True
            return
        self.in_code = False
        if kind is _MATH_OPEN or kind is _MATH_LINE:
            if kind is _MATH_OPEN:
                self.math_close = payload
                self._refresh()
            self.block.append(Line(no, text, MASK * len(text), opaque=True))
            self.prev_blank = False
        elif kind is _HEADING and not self.containers:
            self.flush()
            self.out.enter_heading(*payload)
            self.list_active = False
            self.prev_blank = True
            self.prev_block_last = None
        elif kind is _ADMONITION:
            self.flush()
            adm_type, title = payload
            self.containers.append(QuestionBlock(depth + ind, adm_type == "question", title, no, []))
            self._refresh()
            self.list_active = False
            self.prev_blank = True
        elif kind is _RULE:
            self.flush()
            self.prev_blank = True
        else:  # text (or a heading inside an admonition: text there)
            self._text_line(text, no, ind)

    def _text_line(self, text: str, no: int, ind: int) -> None:
        """A line of text: Obsidian's block ids, SR comments and deck tags taken off, then added to the block."""
        if "^" in text:
            text = strip_block_id(text)
        if "<!--SR:" in text:
            text = close_sr_comment(text)
        if "[!" in text and CALLOUT_RE.match(text):
            # an Obsidian callout's first line (``> [!tip]- Title``): its title, no card text; the callout's body
            # makes blocks of its own
            self.flush()
            self.prev_blank = self.callout = True
            return
        if self.callout:
            quote = QUOTE_MARKERS_RE.match(text)
            if quote:
                text = text[quote.end() :]
                if (
                    not text.strip()
                ):  # a ">" line alone: the blank line between two of the callout's paragraphs
                    self.flush()
                    self.prev_blank = True
                    return
            else:
                self.callout = False
        if text.lstrip()[:1] == "#":
            syntax = self.out.syntax
            tags = tag_line(text, syntax)
            if tags is not None:  # a deck tag line: the cards below take its tags; it is no card text
                self.flush()
                self.out.deck_marks.append((no, tags))
                self.prev_blank = False
                return
            tags, text = leading_tags(text, syntax)
            if tags:
                self.out.line_tags[no] = tags
        masked, opens_comment = mask_spans(text)
        if opens_comment:
            self.in_comment = opens_comment
            self._refresh()
            if not masked.replace(MASK, "").strip():
                self.prev_blank = True
                self.flush()
                return
        first = text.lstrip()[0]
        if (first in LIST_ITEM_START or first.isdecimal()) and LIST_ITEM_RE.match(text):
            self.list_active = True
        elif ind == 0 and self.prev_blank:
            self.list_active = False
        self.block.append(Line(no, text, masked))
        self.prev_blank = False


def extract_cards(
    note: Note,
    *,
    keypoint_headings: Iterable[str] = DEFAULT_KEYPOINT_HEADINGS,
    keypoint_cards: bool = True,
    doc_freq: Callable[[str], int] | None = None,
    n_docs: int = 0,
    syntax: CardSyntax = DEFAULT_SYNTAX,
) -> ExtractResult:
    """The cards of a note and the card-syntax mistakes in it (each a NoteError naming ``path:line``).

    ``doc_freq(word)`` is the number of notes containing ``word`` (a lower-case word as written, not stemmed) and
    ``n_docs`` the number of notes; they rank which term a generated key-point cloze hides.
    """
    if (
        not note.flashcards
        or not holds_cards(note.tags, note.body, syntax)
        or in_ignored_folder(note.path, syntax)
    ):
        return ExtractResult((), ())
    out = Collector(note, keypoint_headings, keypoint_cards and note.keypoint_cards, doc_freq, n_docs, syntax)
    lines = note.body.split("\n")
    LineScanner(out).scan(lines, note.body_line)
    if "<!--SR:" in note.body:
        attach_schedules(out.cards, lines, note.body_line, out.problem)
    if syntax.plugin_schedules is not None:
        from kb.cards.osrdata import attach_plugin_schedules

        attach_plugin_schedules(
            out.cards,
            lines,
            note.body_line,
            syntax.plugin_schedules,
            lambda t: tag_line(t, syntax) is not None,
            out.problem,
        )
    return out.result()
