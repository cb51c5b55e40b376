"""The card extractor: a parsed ``Note`` in, its flashcards (and card-syntax mistakes) out. Pure: no DB, no I/O.

Syntaxes (one extractor for ``kb index``, ``kb review``, ``kb quiz`` and the site):

* ``Front::Back`` (basic) and ``Front:::Back`` (reversed: two cards); the first separator outside code/math counts.
* Multi-line (Obsidian Spaced Repetition): a paragraph, a line that is only ``?`` (``??``: reversed), the answer
  lines up to a blank line.
* Cloze: ``==text==`` (each deletion its own card) and Anki's ``{{c1::text}}`` / ``{{c1::text::hint}}`` (same number
  hides together). A cloze unit is a paragraph, or one list item when the paragraph is a list.
* MkDocs question blocks: ``??? question "Title"`` / ``!!! question "Title"`` with the indented body as the answer.
* ``Q:`` / ``A:`` blocks, each side continuing on the following lines.
* Definition lists: ``Term`` then ``:   definition``.
* Key points: bullets under a heading named in ``keypoint_headings``. A bullet led by a bold term asks for what
  follows the term (kind ``keypoint``); any other bullet becomes a generated cloze (kind ``cloze``) hiding its most
  salient term (TF-IDF against the corpus when ``doc_freq``/``n_docs`` are given). Both are ``generated``.

Never a card from fenced or indented code, inline code, math, HTML comments, front matter (not in ``Note.body``) or
tables. The scanner is one pass over lines; within a line, code/math/comment spans are found by a linear token walk
(no regex that can backtrack across the line), so a 1 MB line or 100,000 ``==`` cost linear time.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum

from kb.config import DEFAULT_KEYPOINT_HEADINGS
from kb.errors import NoteError
from kb.notes.reader import Note


class CardKind(StrEnum):
    BASIC = "basic"
    REVERSED = "reversed"
    CLOZE = "cloze"
    QUESTION = "question"
    DEFINITION = "definition"
    KEYPOINT = "keypoint"


@dataclass(frozen=True)
class Card:
    kind: CardKind
    front: str  # for cloze: this card's deletion(s) shown as [...] or [hint], the others shown plainly
    back: str  # for cloze: the full text without cloze markup
    line: int  # 1-based line in the file
    end_line: int  # last line of the card's source in the file
    context: tuple[str, ...]  # heading breadcrumb starting with the note title
    generated: bool = False
    sibling: str = ""  # shared by the two sides of a reversed card / the deletions of one cloze text
    cloze_text: str = ""  # cloze source normalised to Anki markup: {{c1::x}} / {{c2::y::hint}}
    cloze_index: int = 0  # the deletion number this card hides
    answer: str = ""  # for cloze: the hidden text (joined with " / " when a number hides several)

    @property
    def breadcrumb(self) -> str:
        return " > ".join(self.context)


_new_object = object.__new__


def _card(
    kind: CardKind,
    front: str,
    back: str,
    line: int,
    end_line: int,
    context: tuple[str, ...],
    generated: bool = False,
    sibling: str = "",
    cloze_text: str = "",
    cloze_index: int = 0,
    answer: str = "",
) -> Card:
    """``Card(...)`` without the frozen dataclass's eleven ``object.__setattr__`` calls (half the cost per card).

    The instance dict is filled in field order, so the card is indistinguishable from one built by ``Card(...)``.
    """
    card = _new_object(Card)
    card.__dict__.update(
        {
            "kind": kind,
            "front": front,
            "back": back,
            "line": line,
            "end_line": end_line,
            "context": context,
            "generated": generated,
            "sibling": sibling,
            "cloze_text": cloze_text,
            "cloze_index": cloze_index,
            "answer": answer,
        }
    )
    return card


@dataclass(frozen=True)
class ExtractResult:
    cards: tuple[Card, ...]
    problems: tuple[NoteError, ...]


# ---------------------------------------------------------------------------------------------------------------
# Line-level masking: code spans, math, HTML comments become \x00 runs so that card syntax inside them is invisible,
# while positions still line up with the original text (which is what the card shows: math and code kept intact).

# Most deletions (cards) one paragraph may hold; see _Extractor.cloze.
MAX_CLOZE_DELETIONS = 200

MASK = "\x00"
# Every alternative starts with a literal character (``\`\`*`` rather than ``\`+``), so the regex engine gets a
# first-character set and skips plain text in C instead of trying ten alternatives at every position.
_TOKEN_RE = re.compile(r"\\[\\$`]|``*|\$\$|\$|\\\(|\\\)|\\\[|\\\]|<!--|-->")
_CLOSER = {"$$": "$$", "\\(": "\\)", "\\[": "\\]", "<!--": "-->"}
_SPECIAL_CHARS = ("`", "$", "\\", "<!--")


def _single_dollar_opens(line: str, end: int) -> bool:
    # pandoc's rule: an opening $ is followed by a non-space
    return end < len(line) and not line[end].isspace()


def _single_dollar_closes(line: str, start: int, end: int) -> bool:
    # a closing $ follows a non-space and is not followed by a digit ($1,500 and $2,000 are money, not math)
    return start > 0 and not line[start - 1].isspace() and not (end < len(line) and line[end].isdigit())


def mask_spans(line: str) -> tuple[str, bool]:
    """Return (line with code/math/comment spans replaced by NULs, whether an HTML comment stays open at the end)."""
    if "`" not in line and "$" not in line and "\\" not in line and "<!--" not in line:
        return line, False
    toks = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(line)]
    n = len(toks)
    # next_close[i]: index of the first token after i that can close token i's kind (computed right to left: linear)
    next_close: list[int] = [-1] * n
    seen: dict[str, int] = {}
    seen_ticks: dict[int, int] = {}
    for i in range(n - 1, -1, -1):
        s, e, t = toks[i]
        if t[0] == "`":
            next_close[i] = seen_ticks.get(len(t), -1)
            seen_ticks[len(t)] = i
        elif t == "$":
            next_close[i] = seen.get("$", -1)
            if _single_dollar_closes(line, s, e):
                seen["$"] = i
        elif t in _CLOSER:
            next_close[i] = seen.get(_CLOSER[t], -1)
        if t in ("$$", "\\)", "\\]", "-->"):
            seen[t] = i
    spans: list[tuple[int, int]] = []  # masked [start, end), increasing and disjoint
    open_comment = False
    i = 0
    while i < n:
        s, e, t = toks[i]
        j = -1
        if t[0] == "`" or t in _CLOSER:
            j = next_close[i]
        elif t == "$" and _single_dollar_opens(line, e):
            j = next_close[i]
        if j > i:
            spans.append((s, toks[j][1]))
            i = j + 1
            continue
        if t == "<!--":
            spans.append((s, len(line)))
            open_comment = True
            break
        i += 1
    if not spans:
        return line, open_comment
    parts: list[str] = []
    pos = 0
    for s, e in spans:
        parts.append(line[pos:s])
        parts.append(MASK * (e - s))
        pos = e
    parts.append(line[pos:])
    return "".join(parts), open_comment


def _strip_comments(text: str) -> str:
    """Drop ``<!-- ... -->`` spans (an unclosed one runs to the end). A find() walk: linear however many there are."""
    if "<!--" not in text:
        return text
    out: list[str] = []
    pos = 0
    while True:
        start = text.find("<!--", pos)
        if start < 0:
            out.append(text[pos:])
            break
        out.append(text[pos:start])
        end = text.find("-->", start + 4)
        if end < 0:
            break
        pos = end + 3
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------------
# Block structure

_FENCE_RE = re.compile(r"^[ \t]*(`{3,}|~{3,})")
_HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(\S.*)$")  # closing #s stripped in Python: no backtracking
_ADMONITION_TITLE_RE = re.compile(r'^(!!!|\?\?\?\+?)[ \t]+([\w-]+)[^"]*(?:"(.*)")?')
_BULLET_RE = re.compile(r"^([ \t]*)([-*+]|\d{1,9}[.)])[ \t]+")
# first characters of a line that the line pass must look at closely (see _Extractor.run)
_SLOW_START = frozenset("#!?$\\`~-*_+")
# the first non-blank character of a line _BULLET_RE matches (or a Unicode digit: ``str.isdecimal``, as ``\d``)
_BULLET_START = frozenset("-*+0123456789")
_TABLE_DELIM_CHARS = frozenset("|-: \t")


def _is_table_delimiter(line: str) -> bool:
    """``|---|:--:|`` or ``--- | ---``: only pipes, dashes, colons and spaces, with a pipe and a dash."""
    return "-" in line and "|" in line and set(line) <= _TABLE_DELIM_CHARS


_DEF_RE = re.compile(r"^:[ \t]+(\S.*)$")
_HR_RE = re.compile(r"^[ \t]*([-*_])([ \t]*\1){2,}[ \t]*$")


def _indent(line: str) -> int:
    n = 0
    for c in line:
        if c == " ":
            n += 1
        elif c == "\t":
            n += 4 - n % 4
        else:
            break
    return n


def _dedent(line: str, amount: int) -> str:
    """Remove ``amount`` columns of leading whitespace (tabs count to the next multiple of 4)."""
    col = 0
    i = 0
    while i < len(line) and col < amount and line[i] in " \t":
        col += 1 if line[i] == " " else 4 - col % 4
        i += 1
    return line[i:]


@dataclass
class _Line:
    no: int  # file line
    text: str  # after removing container indentation
    masked: str | None  # text with code/math/comment spans masked (computed when the block may hold a card)
    opaque: bool = False  # a line of a math block: part of the text, never scanned for syntax


@dataclass
class _Admonition:
    indent: int  # columns of the ``!!!`` marker (in the raw line)
    question: bool
    title: str
    line: int
    body: list[_Line]


def drop_chars(text: str, chars: str) -> str:
    """``text`` without any of ``chars``: one C-level replace per character present (cheaper than a regex)."""
    for char in chars:
        if char in text:
            text = text.replace(char, "")
    return text


def _norm_heading(text: str) -> str:
    return drop_chars(text, "*_`").strip().rstrip(":").strip().lower()  # emphasis and code markers dropped


_HEADING_SETS: dict[
    tuple[str, ...], frozenset[str]
] = {}  # normalised key-point heading sets, per configuration


def _keypoint_heading_set(headings) -> frozenset[str]:
    """The normalised key-point headings; computed once per configuration (the same tuple for every note)."""
    if type(headings) is not tuple:
        return frozenset(_norm_heading(h) for h in headings)
    got = _HEADING_SETS.get(headings)
    if got is None:
        got = frozenset(_norm_heading(h) for h in headings)
        if len(_HEADING_SETS) < 64:
            _HEADING_SETS[headings] = got
    return got


def _sibling_key(*parts: str) -> str:
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=6).hexdigest()


class _Extractor:
    def __init__(self, note: Note, keypoint_headings, generate: bool, doc_freq, n_docs: int):
        self.note = note
        self.path = note.path
        self.keypoint_headings = _keypoint_heading_set(keypoint_headings)
        self.generate = generate
        self.doc_freq = doc_freq
        self.n_docs = n_docs
        self.cards: list[Card] = []
        self.problems: list[NoteError] = []
        self.stack: list[tuple[int, str, bool]] = []  # (level, text, is key-point heading)
        self.title = note.title
        self._lower_body: str | None = None
        self._in_kp = False  # under a key-point heading: any(kp for _, _, kp in self.stack), kept in step
        self._ctx: tuple[str, ...] | None = None
        self._weights: dict[str, float] = {}
        self._deferred: list[tuple] = []
        self.prev_block_last: _Line | None = (
            None  # last line of the previous block, for loose definition lists
        )

    # -- context -------------------------------------------------------------------------------------------
    def context(self) -> tuple[str, ...]:
        if self._ctx is not None:
            return self._ctx
        crumbs = [self.title]
        for level, text, _ in self.stack:
            if level == 1 and text.strip().lower() == self.title.strip().lower():
                continue
            crumbs.append(_plain_inline(text))
        self._ctx = tuple(crumbs)
        return self._ctx

    def in_keypoints(self) -> bool:
        return self._in_kp

    def problem(self, line: int, message: str) -> None:
        self.problems.append(NoteError(self.path, line, message))

    def add(self, card: Card) -> None:
        self.cards.append(card)

    # -- the line pass ----------------------------------------------------------------------------------------
    def run(self) -> None:
        lines = self.note.body.split("\n")
        base = self.note.body_line
        fence: str | None = None
        in_comment = False
        math_close: str | None = None  # "$$" or "\\]" while inside a display-math block
        containers: list[_Admonition] = []
        block: list[_Line] = []
        list_active = False  # the current or last paragraph is a list: indented lines continue it
        prev_blank = True
        in_code = False  # inside an indented code block

        def flush():
            nonlocal block
            if block:
                self.process_block(block)
                self.prev_block_last = block[-1]
                block = []

        for idx, raw in enumerate(lines):
            no = base + idx
            # fast path: a prose line (starts with a letter or digit, or any character that cannot start a fence,
            # heading, admonition, math block, rule, bullet or indentation: a table row, a definition) in plain
            # Markdown, the bulk of every note; its masking is left to process_block (most blocks hold no card)
            if (
                fence is None
                and not containers
                and not in_comment
                and math_close is None
                and raw
                and (raw[0].isalnum() or (raw[0] not in _SLOW_START and not raw[0].isspace()))
                and "<!--" not in raw
            ):
                if raw[0].isdigit() and _BULLET_RE.match(raw):
                    list_active = True
                elif prev_blank:
                    list_active = False
                block.append(_Line(no, raw, None))
                prev_blank = in_code = False
                continue
            if not raw and not containers and not in_comment and math_close is None:
                # an empty line outside containers: ends the paragraph (or is part of fenced code)
                if fence is None:
                    flush()
                    prev_blank = True
                continue
            if fence is not None and not containers and not in_comment and fence[0] not in raw:
                continue  # a line of fenced code that cannot be its closing fence
            if in_comment:
                if "-->" in raw:
                    in_comment = False
                    rest = raw.split("-->", 1)[1]
                    if rest.strip():
                        raw = " " * (len(raw) - len(rest)) + rest
                    else:
                        continue
                else:
                    continue
            blank = not raw.strip()
            # containers (admonitions): a line indented less than the body ends them
            while containers and not blank and _indent(raw) < containers[-1].indent + 4 and fence is None:
                flush()
                self.close_admonition(containers.pop())
            depth = containers[-1].indent + 4 if containers else 0
            text = _dedent(raw, depth) if depth else raw
            target = containers[-1] if containers and containers[-1].question else None
            if target is not None:
                # the body of a question block is its answer: collected, never scanned for cards
                target.body.append(_Line(no, text, text))
                continue
            # fenced code
            if fence is not None:
                m = _FENCE_RE.match(text)
                if (
                    m
                    and m.group(1)[0] == fence[0]
                    and len(m.group(1)) >= len(fence)
                    and not text.strip()[len(m.group(1)) :].strip()
                ):
                    fence = None
                continue
            m = _FENCE_RE.match(text) if ("`" in text or "~" in text) else None
            if m and (not in_code or _indent(text) < 4):
                flush()
                fence = m.group(1)
                in_code = False
                continue
            if math_close is not None:
                block.append(_Line(no, text, MASK * len(text), opaque=True))
                if math_close in text:
                    math_close = None
                prev_blank = False
                continue
            if blank:
                flush()
                prev_blank = True
                continue
            ind = _indent(text) if text[0] in " \t" else 0
            # indented code: 4+ columns after a blank line, outside a list
            if ind >= 4 and (in_code or (prev_blank and not list_active)):
                flush()
                in_code = True
                continue
            in_code = False
            stripped = text.strip()
            # display math block
            if stripped.startswith("$$") and stripped.count("$$") == 1 or stripped == "\\[":
                math_close = "$$" if stripped.startswith("$$") else "\\]"
                block.append(_Line(no, text, MASK * len(text), opaque=True))
                prev_blank = False
                continue
            if stripped.startswith("$$") and stripped.endswith("$$") and len(stripped) >= 4:
                block.append(_Line(no, text, MASK * len(text), opaque=True))
                prev_blank = False
                continue
            # headings
            if text.startswith("#") and not containers:
                h = _HEADING_RE.match(text)
                if h:
                    flush()
                    level = len(h.group(1))
                    while self.stack and self.stack[-1][0] >= level:
                        self.stack.pop()
                    htext = h.group(2).rstrip().rstrip("#").rstrip() or h.group(2).strip()
                    self.stack.append((level, htext, _norm_heading(htext) in self.keypoint_headings))
                    self._in_kp = any(kp for _, _, kp in self.stack)
                    self._ctx = None
                    list_active = False
                    prev_blank = True
                    self.prev_block_last = None
                    continue
            # admonitions
            if stripped.startswith(("!!!", "???")):
                a = _ADMONITION_TITLE_RE.match(stripped)
                if a:
                    flush()
                    kind = a.group(2).lower()
                    title = a.group(3) if a.group(3) is not None else ""
                    containers.append(_Admonition(depth + ind, kind == "question", title, no, []))
                    list_active = False
                    prev_blank = True
                    continue
            first = stripped[0]
            if first in "-*_" and _HR_RE.match(text) and not _BULLET_RE.match(text + " x"):
                flush()
                prev_blank = True
                continue
            masked, opens_comment = mask_spans(text)
            if opens_comment:
                in_comment = True
                if not masked.replace(MASK, "").strip():
                    prev_blank = True
                    flush()
                    continue
            if (first in _BULLET_START or first.isdecimal()) and _BULLET_RE.match(text):
                list_active = True
            elif ind == 0 and prev_blank:
                list_active = False
            block.append(_Line(no, text, masked))
            prev_blank = False
        flush()
        while containers:
            self.close_admonition(containers.pop())

    def close_admonition(self, adm: _Admonition) -> None:
        if not adm.question:
            return
        body = adm.body
        while body and not body[-1].text.strip():
            body.pop()
        answer = _strip_comments("\n".join(ln.text for ln in body)).strip()
        front = adm.title.strip()
        if not front:
            self.problem(
                adm.line, 'a question block needs its question as the title: ??? question "What is ...?"'
            )
            return
        if not answer:
            self.problem(
                adm.line, "this question block has no answer; write the answer indented by 4 spaces below it"
            )
            return
        end = body[-1].no if body else adm.line
        self.add(_card(CardKind.QUESTION, front, answer, adm.line, end, self.context()))

    # -- blocks -------------------------------------------------------------------------------------------------
    def process_block(self, block: list[_Line]) -> None:
        # most paragraphs hold no card syntax at all: a substring test skips them before any masking
        joined = "\n".join([ln.text for ln in block])
        if not (
            (self.generate and self._in_kp)
            or "::" in joined
            or "==" in joined
            or "{{c" in joined
            or "?" in joined
            or "Q:" in joined
            or ":" in joined[:1]
            or "\n:" in joined
        ):
            return
        for ln in block:
            if ln.masked is None:
                ln.masked = mask_spans(ln.text)[0]
        # tables: a delimiter row, or every line a |-row
        if (len(block) > 1 and _is_table_delimiter(block[1].masked)) or (
            block[0].text.lstrip()[:1] == "|" and all(ln.text.lstrip().startswith("|") for ln in block)
        ):
            return
        # multi-line card: the first line that is only ? or ??
        if "?" in joined:
            for i, ln in enumerate(block):
                s = ln.text.strip()
                if (s == "?" or s == "??") and not ln.opaque:
                    self.multiline(block, i, s == "??")
                    return
        units = self.units(block)
        for unit in units:
            self.process_unit(unit)

    def multiline(self, block: list[_Line], i: int, reverse: bool) -> None:
        mark = block[i]
        front_lines = block[:i]
        back_lines = block[i + 1 :]
        sep = mark.text.strip()
        if not front_lines:
            self.problem(
                mark.no,
                f"a `{sep}` line with nothing before it; put the question on the line(s) just above `{sep}`",
            )
            return
        if not back_lines:
            self.problem(mark.no, f"nothing after `{sep}`; write the answer on the lines below it")
            return
        front = _strip_comments("\n".join(ln.text for ln in front_lines)).strip()
        back = _strip_comments("\n".join(ln.text for ln in back_lines)).strip()
        ctx = self.context()
        first, last = block[0].no, block[-1].no
        if reverse:
            sib = _sibling_key("r", front, back)
            self.add(_card(CardKind.REVERSED, front, back, first, last, ctx, sibling=sib))
            self.add(_card(CardKind.REVERSED, back, front, first, last, ctx, sibling=sib))
        else:
            self.add(_card(CardKind.BASIC, front, back, first, last, ctx))

    def units(self, block: list[_Line]) -> list[tuple[str, list[_Line]]]:
        """Split a paragraph into units: list items, Q/A pairs, definitions, plain text runs."""
        units: list[tuple[str, list[_Line]]] = []
        cur_kind = ""
        cur: list[_Line] = []
        base_indent = None

        def push():
            nonlocal cur, cur_kind
            if cur:
                units.append((cur_kind, cur))
            cur, cur_kind = [], ""

        for idx, ln in enumerate(block):
            if ln.opaque:
                if not cur:
                    cur_kind = "text"
                cur.append(ln)
                continue
            t = ln.text
            s = t.lstrip()
            c = s[:1]
            if c and (c in _BULLET_START or c.isdecimal()) and _BULLET_RE.match(t):
                push()
                cur_kind = "item" if base_indent is None or _indent(t) <= base_indent else "subitem"
                if base_indent is None:
                    base_indent = _indent(t)
                cur = [ln]
            elif s.startswith("Q:") and not s.startswith("Q::"):
                push()
                cur_kind = "q"
                cur = [ln]
            elif s.startswith("A:") and not s.startswith("A::") and cur_kind in ("q", "qa"):
                cur_kind = "qa"
                cur.append(ln)
            elif ln.masked[:1] == ":" and _DEF_RE.match(ln.masked):
                if cur_kind == "def":
                    cur.append(ln)
                else:
                    term = None
                    if cur and cur_kind == "text":
                        term = cur.pop()
                        if cur:
                            push()
                    elif not cur and idx == 0 and self.prev_block_last is not None:
                        term = self.prev_block_last
                        if term.masked is None:  # a prose line whose block had no card syntax: not masked yet
                            term.masked = mask_spans(term.text)[0]
                    else:
                        push()
                    cur_kind = "def"
                    cur = ([term] if term is not None else []) + [ln]
            elif cur_kind in ("def",) and _indent(t) >= 4:
                cur.append(ln)
            else:
                if not cur:
                    cur_kind = "text"
                cur.append(ln)
        push()
        return units

    def process_unit(self, unit: tuple[str, list[_Line]]) -> None:
        kind, lines = unit
        if kind in ("q", "qa"):
            self.qa(lines, kind == "qa")
            return
        if kind == "def":
            self.definition(lines)
            return
        # single-line ::/::: cards, line by line
        any_sep = False
        for ln in lines:
            if not ln.opaque and "::" in ln.masked and self.single_line(ln):
                any_sep = True
        if any_sep:
            return
        if self.cloze(lines):
            return
        if kind == "item" and self.generate and self._in_kp:
            self.keypoint(lines)

    def single_line(self, ln: _Line) -> bool:
        masked = ln.masked
        # Anki cloze markup {{c1::x}} is not a separator
        if "{{" in masked:
            masked = _mask_anki(masked)
        pos = masked.find("::")
        if pos < 0:
            return False
        reverse = masked.startswith(":::", pos)
        seplen = 3 if reverse else 2
        text = ln.text
        front = _strip_marker(text[:pos]).strip()
        back = text[pos + seplen :].strip()
        front, back = _strip_comments(front).strip(), _strip_comments(back).strip()
        if not front or not back:
            return False  # e.g. a line ending in "::" (not a card, and common in prose about Python slices)
        ctx = self.context()
        if reverse:
            sib = _sibling_key("r", front, back)
            self.add(_card(CardKind.REVERSED, front, back, ln.no, ln.no, ctx, sibling=sib))
            self.add(_card(CardKind.REVERSED, back, front, ln.no, ln.no, ctx, sibling=sib))
        else:
            self.add(_card(CardKind.BASIC, front, back, ln.no, ln.no, ctx))
        return True

    def qa(self, lines: list[_Line], has_answer: bool) -> None:
        if not has_answer:
            self.problem(
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
        front = _strip_comments("\n".join(q)).strip()
        back = _strip_comments("\n".join(a)).strip()
        if not front:
            self.problem(lines[0].no, "`Q:` with no question; write the question after `Q:`")
            return
        if not back:
            self.problem(lines[0].no, "`A:` with no answer; write the answer after `A:`")
            return
        self.add(_card(CardKind.QUESTION, front, back, lines[0].no, lines[-1].no, self.context()))

    def definition(self, lines: list[_Line]) -> None:
        if not lines or _DEF_RE.match(lines[0].masked) and lines[0].masked.startswith(":"):
            self.problem(
                lines[0].no, "a definition (`:   ...`) with no term above it; put the term on the line above"
            )
            return
        term = _strip_marker(lines[0].text).strip()
        defs: list[str] = []
        for ln in lines[1:]:
            m = _DEF_RE.match(ln.text)
            if m and ln.text.startswith(":"):
                defs.append(m.group(1).strip())
            elif defs:
                defs[-1] += "\n" + ln.text.strip()
        back = _strip_comments("\n\n".join(defs)).strip()
        if term and back:
            self.add(_card(CardKind.DEFINITION, term, back, lines[0].no, lines[-1].no, self.context()))

    # -- cloze ------------------------------------------------------------------------------------------------
    def cloze(self, lines: list[_Line]) -> bool:
        """Cards for the ==x== / {{cN::x}} deletions of a unit; False when it has none."""
        if len(lines) == 1:  # most units are one line: no join to find there is no deletion
            masked = lines[0].masked
            if "==" not in masked and "{{c" not in masked:
                return False
        else:
            masked = "\n".join([ln.masked for ln in lines])
        has_anki = "{{c" in masked
        has_hl = "==" in masked
        if not has_anki and not has_hl:
            return False
        text = "\n".join(ln.text for ln in lines)
        dels: list[tuple[int, int, int, str, str]] = []  # (start, end, number or 0, content, hint)
        if has_anki:
            for m in _ANKI_RE.finditer(masked):
                s, e = m.span()
                inner = text[m.start(2) : m.end(2)]
                hint = text[m.start(3) : m.end(3)] if m.group(3) is not None else ""
                dels.append((s, e, int(m.group(1)), inner, hint))
            covered = _covered(dels, len(masked))
            for m in _ANKI_OPEN_RE.finditer(masked):
                if not covered[m.start()]:
                    self.problem(
                        _line_at(lines, masked, m.start()), "unclosed Anki cloze `{{c1::`; close it with `}}`"
                    )
                    return True
        if has_hl:
            covered = _covered(dels, len(masked))
            opens = _scan_highlights(masked, covered)
            for s, e in opens[0]:
                dels.append((s, e, 0, text[s + 2 : e - 2], ""))
            if opens[1] is not None:
                self.problem(
                    _line_at(lines, masked, opens[1]),
                    "unclosed `==` highlight; close it with `==` or write `\\==` for a literal `==`",
                )
                return True
        if not dels:
            return False
        # Every deletion number is a card showing the whole text, so cards x text grows with the square of the
        # deletions: 50,000 highlights on one line would be 15 GB of card text. Nobody studies such a paragraph.
        cards = len({d[2] for d in dels if d[2]}) + sum(d[2] == 0 for d in dels)
        if cards > MAX_CLOZE_DELETIONS:
            self.problem(
                lines[0].no,
                f"{cards} cloze deletions in one paragraph; at most {MAX_CLOZE_DELETIONS} become cards, "
                "so split it into smaller paragraphs",
            )
            return True
        dels.sort()
        top = max((d[2] for d in dels), default=0)
        numbered = []
        for s, e, num, inner, hint in dels:
            if num == 0:
                top += 1
                num = top
            numbered.append((s, e, num, inner, hint))
        cloze_text = _strip_comments(_render(text, numbered, "anki", 0)).strip()
        back = _strip_comments(_render(text, numbered, "plain", 0)).strip()
        back = _strip_marker(back)
        ctx = self.context()
        first, last = lines[0].no, lines[-1].no
        sib = _sibling_key("c", back)
        for num in sorted({d[2] for d in numbered}):
            front = _strip_marker(_strip_comments(_render(text, numbered, "front", num)).strip())
            answer = " / ".join(d[3] for d in numbered if d[2] == num)
            self.add(
                _card(
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

    # -- key points ----------------------------------------------------------------------------------------------
    def keypoint(self, lines: list[_Line]) -> None:
        if len(lines) == 1:
            text = _strip_comments(lines[0].text)
        else:
            text = _strip_comments("\n".join(ln.text.strip() if i else ln.text for i, ln in enumerate(lines)))
        body = _strip_marker(text).strip()
        if not body:
            return
        ctx = self.context()
        first, last = lines[0].no, lines[-1].no
        m = _BOLD_LEAD_RE.match(body)
        if m:
            term = (m.group(1) or m.group(2) or "").strip().rstrip(":").strip()
            rest = body[m.end() :].strip()
            if term and rest and len(rest) > 2:
                self.add(_card(CardKind.KEYPOINT, term, rest, first, last, ctx, generated=True))
                return
        masked_body = _strip_marker(mask_spans(body)[0])
        # the term to hide is chosen once the whole note is read (``finish``): the note's term counts are then
        # computed once; the card keeps its place in the order
        self.cards.append(None)  # type: ignore[arg-type]
        self._deferred.append((len(self.cards) - 1, body, masked_body, ctx, first, last))

    def finish(self) -> None:
        """Complete the deferred generated cloze cards (see ``keypoint``)."""
        if not self._deferred:
            return
        for slot, body, masked_body, ctx, first, last in self._deferred:
            self.cards[slot] = self.salient_card(body, masked_body, ctx, first, last)

    def salient_card(self, body: str, masked_body: str, ctx, first: int, last: int) -> Card | None:
        offset = len(body) - len(masked_body)
        best = self.salient(body[offset:], masked_body)
        if best is None:
            return None
        s, e = best
        s += offset
        e += offset
        term = body[s:e]
        plain = _unbold(body)
        inner = _unbold(term)
        front = body[:s] + "[...]" + body[e:]
        front = _unbold(front)
        cloze_text = _unbold(body[:s]) + "{{c1::" + inner + "}}" + _unbold(body[e:])
        return _card(
            CardKind.CLOZE,
            front,
            plain,
            first,
            last,
            ctx,
            generated=True,
            sibling=_sibling_key("c", plain),
            cloze_text=cloze_text,
            cloze_index=1,
            answer=inner,
        )

    def term_count(self, word: str) -> int:
        # substring count over the lower-cased body: a close, cheap stand-in for tokenising the whole note
        if self._lower_body is None:
            self._lower_body = self.note.body.lower()
        return max(self._lower_body.count(word), 1)

    def weight(self, word: str) -> float:
        """TF-IDF of a (lower-case) word: its count in this note against its document frequency in the corpus."""
        w = self._weights.get(word)
        if w is None:
            # term_count inlined (a method call per word shows in a 10,000-note index)
            lower = self._lower_body
            if lower is None:
                lower = self._lower_body = self.note.body.lower()
            tf = max(lower.count(word), 1)
            if self.doc_freq is not None and self.n_docs > 0:
                idf = math.log((self.n_docs + 1) / (self.doc_freq(word) + 1)) + 1.0
            else:
                idf = (
                    1.0 + math.log(1 + len(word)) / 2
                )  # without corpus statistics longer words are more specific
            w = self._weights[word] = (1 + math.log(tf)) * idf
        return w

    def salient(self, text: str, masked: str) -> tuple[int, int] | None:
        """Span (in ``text``) of the term to hide: bold spans first, then runs of non-stopwords, by TF-IDF."""
        weights = self._weights
        weight = self.weight
        if "**" in masked:
            best: tuple[float, int, int] | None = None

            def score(span_text: str) -> float:
                words = [w for w in _WORD_RE.findall(span_text.lower()) if w not in _STOP]
                if not words:
                    return 0.0
                mean = sum(weight(w) for w in words) / len(words)
                return mean * (1 + 0.25 * (min(len(words), 3) - 1))

            for m in _BOLD_RE.finditer(masked, 0, _SALIENCE_SCAN):
                inner = text[m.start() + 2 : m.end() - 2]
                if (
                    MASK in masked[m.start() : m.end()]
                    or not _WORD_RE.search(inner)
                    or len(inner.split()) > 6
                ):
                    continue
                sc = score(inner) * 2.0
                if best is None or sc > best[0]:
                    best = (sc, m.start(), m.end())
            if best is not None:
                return best[1], best[2]
        # Runs of content words (a cheap stand-in for noun phrases), cut at stopwords, punctuation and masks.
        # No part-of-speech tagger here, so two cheap hints stand in for "noun phrase": a run that follows a
        # determiner or preposition ("on dopamine", "the reflog") scores higher, a word ending in -ly lower.
        # One walk over the words: a run of run characters ([\w'’ -]) ends where the gap between two words holds
        # anything else (words never hold such a character, so the gap alone decides).
        pieces: list[tuple[bool, list[int], list[int], list[float]]] = []
        ps: list[int] = []
        pe: list[int] = []
        pw: list[float] = []
        after_det = False
        for item in _salience_words(masked):
            if item is None:  # a run break
                if ps:
                    pieces.append((after_det, ps, pe, pw))
                    ps, pe, pw = [], [], []
                after_det = False
                continue
            s, e, low = item
            if low in _STOP:
                if ps:
                    pieces.append((after_det, ps, pe, pw))
                    ps, pe, pw = [], [], []
                after_det = low in _DET_PREP
            else:
                w = weights.get(low)
                ps.append(s)
                pe.append(e)
                pw.append(weight(low) if w is None else w)
        if ps:
            pieces.append((after_det, ps, pe, pw))
        # the same candidates in the same order with the same float operations as scoring every window
        # ``total / k * (1 + 0.25 * (k - 1))``: k=1 is ``total`` itself, k=2 ``total / 2 * 1.25``, k=3 ``/ 3 * 1.5``;
        # a window of 2+ words spans 3+ characters, so only single words are checked for length
        best_sc = 0.0
        best_s = best_e = -1
        found = False
        for after_det, ps, pe, pw in pieces:
            n = len(ps)
            for a in range(n):
                s = ps[a]
                e = pe[a]
                total = 0.0
                total += pw[a]
                if e - s >= 3 or text[s:e].isdigit():
                    sc = total
                    if a == 0 and after_det:
                        sc *= 1.3
                    if text.endswith("ly", s, e):
                        sc *= 0.6
                    if not found or sc > best_sc + 1e-9:
                        best_sc, best_s, best_e, found = sc, s, e, True
                if a + 1 < n:
                    total += pw[a + 1]
                    sc = total / 2 * 1.25
                    if a == 0 and after_det:
                        sc *= 1.3
                    if not found or sc > best_sc + 1e-9:
                        best_sc, best_s, best_e, found = sc, s, pe[a + 1], True
                    if a + 2 < n:
                        total += pw[a + 2]
                        sc = total / 3 * 1.5
                        if a == 0 and after_det:
                            sc *= 1.3
                        if not found or sc > best_sc + 1e-9:
                            best_sc, best_s, best_e, found = sc, s, pe[a + 2], True
        if not found or best_sc <= 0:
            return None
        return best_s, best_e

    def result(self) -> ExtractResult:
        seen: set[tuple[CardKind, str, str, bool]] = set()
        out: list[Card] = []
        for c in self.cards:
            if c is None:
                continue
            key = (c.kind, c.front, c.back, c.generated)  # a StrEnum member hashes and compares as its value
            if key in seen:
                continue
            seen.add(key)
            out.append(c)
        return ExtractResult(tuple(out), tuple(self.problems))


_SALIENCE_SCAN = (
    2000  # characters of a bullet searched for its salient term: bounds the cost of a huge bullet
)
# the text and the hint never cross another "{{", so an unclosed opener costs a scan to the next one, not to the end
_ANKI_RE = re.compile(
    r"\{\{c(\d{1,4})::((?:[^}:{]|:(?!:)|\}(?!\})|\{(?!\{))*)(?:::((?:[^}{]|\}(?!\})|\{(?!\{))*))?\}\}"
)
_ANKI_OPEN_RE = re.compile(r"\{\{c\d{1,4}::")
_BOLD_LEAD_RE = re.compile(
    r"^\*\*([^*\n]{1,120}?\**)\*\*(?!\*)[ \t]*(?::|[-–—])[ \t]*|^__([^_\n]{1,120}?)__[ \t]*(?::|[-–—])[ \t]*"
)
_BOLD_RE = re.compile(r"\*\*[^*\n]{1,200}?\**\*\*(?!\*)")
_BOLD_STRIP_RE = re.compile(r"\*\*([^*\n]+?\**)\*\*(?!\*)|__([^_\n]+)__")
_WORD_RE = re.compile(r"[^\W_](?:[\w'’-]*[^\W_])?")
_RUN_RE = re.compile(r"[\w'’ -]+")
_MARKER_START = frozenset("-*+ \t0123456789")
_MARKER_RE = re.compile(r"^[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+(?:\[[ xX]\][ \t]+)?")
_DET_PREP = frozenset(
    "a an the this that these those its their his her our your of in on at by for with from into onto over under "
    "about between through via".split()
)
_STOP = frozenset(
    """a an the and or but if then else of to in on at by for with from as into onto over under about after before
    between through during without within is are was were be been being am do does did doing have has had having
    it its it's this that these those there here which who whom whose what when where why how not no nor so than too
    very can could should would may might must will shall you your yours we our ours they their theirs he him his she
    her hers i me my mine them us one ones also just only more most less least much many some any each every all both
    few other such same own up down out off again further once s t don't doesn't isn't aren't like get gets got
    make makes made use uses used using via per vs etc e.g i.e""".split()
)


# ASCII text: characters of a run ([\w'’ -]) kept, any other character turned into a newline (a run break)
_ASCII_RUN_TABLE = {c: "\n" for c in range(128) if not (chr(c).isalnum() or chr(c) in "_'- ")}


def _salience_words(masked: str) -> list[tuple[int, int, str] | None]:
    r"""The words of the first ``_SALIENCE_SCAN`` characters as (start, end, lower-case word), with None where a run
    of ``[\w'’ -]`` characters ends between two words (the words ``_WORD_RE`` finds, the runs ``[\w'’ -]+``).

    ASCII text (nearly every bullet) is split with ``str.translate``/``split``: a run of ``[A-Za-z0-9_'-]`` holds one
    word, from its first to its last letter or digit -- what the regex finds, for a fraction of the cost of running
    it character by character. Other text goes through the regex.
    """
    sub = masked[:_SALIENCE_SCAN]
    out: list[tuple[int, int, str] | None] = []
    if sub.isascii():
        pos = 0
        for seg in sub.translate(_ASCII_RUN_TABLE).lower().split("\n"):
            if pos:
                out.append(None)
            p = pos
            for chunk in seg.split(" "):
                if chunk:
                    w = chunk.strip("_'-")
                    if w:
                        s = p + len(chunk) - len(chunk.lstrip("_'-"))
                        out.append((s, s + len(w), w))
                p += len(chunk) + 1
            pos += len(seg) + 1
        return out
    prev = 0
    for m in _WORD_RE.finditer(sub):
        s, e = m.span()
        if (s - prev != 1 or sub[prev] != " ") and sub[prev:s].strip("_'’ -"):
            out.append(None)
        prev = e
        out.append((s, e, m.group().lower()))
    return out


def word_set(text: str) -> set[str]:
    """The distinct lower-case words of a text, tokenised as the salience of key-point terms sees them."""
    return set(_WORD_RE.findall(text.lower()))


def _mask_anki(masked: str) -> str:
    """Hide Anki cloze markup, complete or not, so its ``::`` is never taken for a card separator."""
    masked = _ANKI_RE.sub(lambda m: MASK * (m.end() - m.start()), masked)
    return _ANKI_OPEN_RE.sub(lambda m: MASK * (m.end() - m.start()), masked)


def _strip_marker(text: str) -> str:
    if not text or text[0] not in _MARKER_START:
        return text
    return _MARKER_RE.sub("", text, count=1)


def _unbold(text: str) -> str:
    return _BOLD_STRIP_RE.sub(r"\1\2", text) if ("**" in text or "__" in text) else text


def _plain_inline(text: str) -> str:
    return _unbold(text).replace("`", "")


def _covered(dels, n: int) -> bytearray:
    cov = bytearray(n + 1)
    for s, e, *_ in dels:
        cov[s:e] = b"\x01" * (e - s)
    return cov


def _line_at(lines: list[_Line], joined: str, pos: int) -> int:
    return lines[min(joined.count("\n", 0, pos), len(lines) - 1)].no


def _scan_highlights(masked: str, covered: bytearray) -> tuple[list[tuple[int, int]], int | None]:
    """Pair ``==`` markers left to right: an opener is followed by a non-space, a closer follows a non-space.

    Returns the (start, end) spans and the position of an opener left unclosed (None when all close). Linear: one
    ``find`` walk over the text.
    """
    spans: list[tuple[int, int]] = []
    opener = -1
    i = masked.find("==")
    n = len(masked)
    while i >= 0:
        # a run of = longer than 2 (a setext underline, ===) is not a marker
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


def _render(text: str, dels, mode: str, hide: int) -> str:
    out: list[str] = []
    pos = 0
    for s, e, num, inner, hint in dels:
        out.append(text[pos:s])
        if mode == "anki":
            out.append(f"{{{{c{num}::{inner}::{hint}}}}}" if hint else f"{{{{c{num}::{inner}}}}}")
        elif mode == "front" and num == hide:
            out.append(f"[{hint}]" if hint else "[...]")
        else:
            out.append(inner)
        pos = e
    out.append(text[pos:])
    return "".join(out)


def extract_cards(
    note: Note,
    *,
    keypoint_headings: Iterable[str] = DEFAULT_KEYPOINT_HEADINGS,
    keypoint_cards: bool = True,
    doc_freq: Callable[[str], int] | None = None,
    n_docs: int = 0,
) -> ExtractResult:
    """The cards of a note and the card-syntax mistakes in it (each a NoteError naming ``path:line``).

    ``doc_freq(word)`` is the number of notes containing ``word`` (a lower-case word as written, not stemmed) and
    ``n_docs`` the number of notes; they rank which term a generated key-point cloze hides.
    """
    if not note.flashcards:
        return ExtractResult((), ())
    ex = _Extractor(note, keypoint_headings, keypoint_cards and note.keypoint_cards, doc_freq, n_docs)
    ex.run()
    ex.finish()
    return ex.result()
