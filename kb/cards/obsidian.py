"""The conventions of the Obsidian Spaced Repetition plugin that sit around a card's syntax, so a vault written for it
reads unchanged: deck tags, block ids and the ``<!--SR:...-->`` schedule comments.

* Deck tags: a line holding only tags, one of them a flashcard tag (``#flashcards``, ``#flashcards/deck/sub``), gives
  its tags to the cards after it (until the next such line); flashcard tags leading a card's first line are that
  card's own (instead). Both leave the card text. Tags are kept without ``#``.
* Block ids: a trailing `` ^d7cee0`` (Obsidian's link target for a block) leaves the card text.
* Schedules: ``<!--SR:!2024-01-01,3,250-->`` (due date, interval in days, ease x100), the legacy form without ``!``,
  the plugin's FSRS entries (``!fsrs,due,interval,stability,difficulty,state,reps,lapses,steps,last review``) and
  one entry per sibling (a reversed card's two sides, a cloze's deletions) in one comment. The comment stands on
  the card's line(s) or on the line right after; ``2000-01-01`` is the plugin's placeholder for a sibling not yet
  reviewed. An SR comment left unclosed ends at the end of its line (the plugin reads it so).

Pure: text in, values out.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence

from kb.cards.model import Card, CardSyntax, SrSchedule

_TAG_RUN_RE = re.compile(r"#([^\s#,;:!?()\[\]{}<>\"'`*=|\\^]+)")
_BODY_TAG_RE = re.compile(r"(?:^|(?<=\s))" + _TAG_RUN_RE.pattern, re.M)
_BLOCK_ID_RE = re.compile(r"[ \t]+\^[A-Za-z0-9-]+[ \t]*$")
_SR_RE = re.compile(r"<!--SR:(.*?)(?:-->|$)", re.M)
_PLACEHOLDER_DUE = "2000-01-01"
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


# ---------------------------------------------------------------------------------------------------- tags
def is_flashcard_tag(tag: str, syntax: CardSyntax) -> bool:
    """``flashcards`` and ``flashcards/...`` for the flashcard tag ``flashcards`` (Obsidian's tags ignore case)."""
    low = tag.lower()
    return any(low == t or low.startswith(t + "/") for t in syntax.flashcard_tags)


def tag_line(text: str, syntax: CardSyntax) -> tuple[str, ...] | None:
    """The tags of a line holding only tags, one of them a flashcard tag; None for any other line."""
    stripped = text.strip()
    if not stripped.startswith("#"):
        return None
    tags = _TAG_RUN_RE.findall(stripped)
    if not tags or _TAG_RUN_RE.sub("", stripped).strip():
        return None
    return tuple(tags) if any(is_flashcard_tag(t, syntax) for t in tags) else None


def leading_tags(text: str, syntax: CardSyntax) -> tuple[tuple[str, ...], str]:
    """Flashcard tags leading a line (after its indentation), and the line without them."""
    body = text.lstrip()
    indent = text[: len(text) - len(body)]
    tags: list[str] = []
    while body.startswith("#"):
        m = _TAG_RUN_RE.match(body)
        if (
            m is None
            or not is_flashcard_tag(m.group(1), syntax)
            or body[m.end() : m.end() + 1] not in (" ", "\t")
        ):
            break
        tags.append(m.group(1))
        body = body[m.end() :].lstrip(" \t")
    return (tuple(tags), indent + body) if tags else ((), text)


def note_tags_in_body(body: str) -> set[str]:
    """The ``#tags`` written in a note's text, lower-case, for the flashcard-tag opt-in (``holds_cards``)."""
    if "#" not in body:
        return set()
    return {m.group(1).lower() for m in _BODY_TAG_RE.finditer(body)}


def body_flashcard_tags(body: str, syntax: CardSyntax) -> tuple[str, ...]:
    """The flashcard tags written anywhere in a note's text, in order (a substring test first: most notes have none)."""
    if not any("#" + t in body for t in syntax.flashcard_tags):
        return ()
    found = [m.group(1) for m in _BODY_TAG_RE.finditer(body) if is_flashcard_tag(m.group(1), syntax)]
    return tuple(dict.fromkeys(found))


def holds_cards(note_tags: Sequence[str], body: str, syntax: CardSyntax) -> bool:
    """Whether a note holds cards under the tag settings: not when it carries an ignored tag; only when it carries
    a flashcard tag (front matter or text) if they are required."""
    if not syntax.tags_required and not syntax.ignored_tags:
        return True
    tags = {t.lower().lstrip("#") for t in note_tags} | note_tags_in_body(body)

    def has(wanted: Sequence[str]) -> bool:
        return any(t == w or t.startswith(w + "/") for t in tags for w in wanted)

    if syntax.ignored_tags and has(syntax.ignored_tags):
        return False
    return not syntax.tags_required or has(syntax.flashcard_tags)


@functools.lru_cache(maxsize=64)
def _glob_re(pattern: str) -> re.Pattern:
    """A glob as the plugin's minimatch reads it: ``**/`` any folders (or none), ``*`` and ``?`` within one name."""
    out = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        else:
            ch = pattern[i]
            out.append("[^/]*" if ch == "*" else "[^/]" if ch == "?" else re.escape(ch))
            i += 1
    return re.compile("".join(out))


def in_ignored_folder(path: str, syntax: CardSyntax) -> bool:
    """Whether a note (``path`` from the root) is in one of the ``ignored_folders`` (the plugin's
    ``noteFoldersToIgnore``): a folder of the notes folder, or a glob over the path inside it. Where the notes
    folder is not known (the site), any tail of the path counts."""
    if not syntax.ignored_folders:
        return False
    prefix = syntax.notes_prefix
    if prefix is not None:
        tails = [path[len(prefix) :]] if path.startswith(prefix) else []
    else:
        parts = path.split("/")
        tails = ["/".join(parts[k:]) for k in range(len(parts))]
    for pattern in syntax.ignored_folders:
        rx = _glob_re(pattern)
        if any(t.startswith(pattern + "/") or rx.fullmatch(t) for t in tails):
            return True
    return False


# ---------------------------------------------------------------------------------------------------- block ids
def strip_block_id(text: str) -> str:
    """The line without a trailing Obsidian block id (`` ^d7cee0``)."""
    return _BLOCK_ID_RE.sub("", text) if "^" in text else text


def close_sr_comment(text: str) -> str:
    """A line whose ``<!--SR:`` comment is never closed, closed at its end (the plugin hides no more than that)."""
    at = text.rfind("<!--SR:")
    if at >= 0 and "-->" not in text[at:]:
        return text + "-->"
    return text


# ---------------------------------------------------------------------------------------------------- schedules
def _int(text: str) -> int:
    return int(float(text))


class _Invalid(ValueError):
    """An entry that looks like a schedule but holds an impossible value (the message says which)."""


def _check_time(text: str) -> None:
    from datetime import date, datetime

    try:
        datetime.fromisoformat(text.replace("Z", "+00:00")) if "T" in text else date.fromisoformat(text)
    except ValueError:
        raise _Invalid(f"{text} is not a date and time") from None


_LOOKS_DATED_RE = re.compile(r"\d{2}|[A-Za-z]{3} [A-Za-z]{3} ")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_DMY_RE = re.compile(r"(\d{2})-(\d{2})-(\d{4})")
_WORDY_RE = re.compile(r"[A-Za-z]{3} ([A-Za-z]{3}) (\d{1,2}) (\d{4})")


def sr_date(text: str) -> str:
    """An SR due date in one of the plugin's forms (``YYYY-MM-DD``, ``DD-MM-YYYY``, ``ddd MMM DD YYYY`` as in
    ``Mon Jan 01 2024``) as ``YYYY-MM-DD``; ``_Invalid`` naming the form for anything else."""
    from datetime import date

    forms = "YYYY-MM-DD, DD-MM-YYYY or `Mon Jan 01 2024`"
    ymd = None
    if _DATE_RE.fullmatch(text):
        ymd = (int(text[:4]), int(text[5:7]), int(text[8:10]))
    elif m := _DMY_RE.fullmatch(text):
        ymd = (int(m.group(3)), int(m.group(2)), int(m.group(1)))
    elif (m := _WORDY_RE.fullmatch(text)) and m.group(1).lower() in _MONTHS:
        ymd = (int(m.group(3)), _MONTHS.index(m.group(1).lower()) + 1, int(m.group(2)))
    if ymd is None:
        raise _Invalid(f"due date `{text}` is in none of the plugin's forms ({forms})")
    try:
        return date(*ymd).isoformat()
    except ValueError:
        raise _Invalid(f"due date {text} is no day of the calendar") from None


def _number(text: str, what: str) -> int:
    try:
        return int(float(text))
    except ValueError:
        raise _Invalid(f"{what} `{text}` is not a number") from None


def _entry(entry: str) -> SrSchedule | None:
    """One sibling's entry; None for the placeholder or an entry that is no schedule; ``_Invalid`` for one that
    looks like a schedule but cannot be one."""
    parts = [p.strip() for p in entry.strip().split(",")]
    try:
        if parts[0].lower() == "fsrs" and len(parts) >= 10:
            due, interval, stab, diff, state, reps, lapses, steps, last = parts[1:10]
            _check_time(due)
            if last:
                _check_time(last)
            if _int(interval) < 0 or float(stab) <= 0:
                raise _Invalid(f"interval {interval} or stability {stab} is not possible")
            return SrSchedule(
                entry.strip(),
                "fsrs",
                due,
                _int(interval),
                stability=float(stab),
                difficulty=float(diff),
                state=int(state),
                reps=int(reps),
                lapses=int(lapses),
                step=int(steps),
                last_review=last or None,
            )
        if parts[0].lower() == "fsrs":
            raise _Invalid(f"an FSRS entry has 10 values, this one {len(parts)}")
        if not _LOOKS_DATED_RE.match(parts[0]):
            return None
        if parts[0] == _PLACEHOLDER_DUE:
            return None
        due = sr_date(parts[0])
        if len(parts) != 3:
            raise _Invalid(f"{len(parts)} values where the plugin writes 3: due date, interval in days, ease")
        interval, ease = _number(parts[1], "interval"), _number(parts[2], "ease")
        if interval < 0:
            raise _Invalid(f"interval {parts[1]} is below 0 days")
        if ease < 100:
            raise _Invalid(f"ease {parts[2]} is below 100 (the plugin writes 130 and up, 250 at first)")
        return SrSchedule(entry.strip(), "sm2", due, interval, ease=ease)
    except _Invalid:
        raise
    except ValueError:
        return None
    return None


def parse_entry(entry: str) -> SrSchedule | None:
    """One sibling's entry of an SR comment; None for the placeholder or an entry that is no (possible) schedule."""
    try:
        return _entry(entry)
    except _Invalid:
        return None


def parse_comment(inner: str) -> tuple[list[SrSchedule | None], str | None]:
    """The entries of an SR comment's text (after ``SR:``), one per sibling, in order, and what is wrong when one of
    them is neither a schedule nor the placeholder (a mistake to report), else None."""
    inner = inner.strip()
    texts = inner.split("!")[1:] if inner.startswith("!") else [inner]
    entries: list[SrSchedule | None] = []
    wrong = None
    for text in texts:
        try:
            got = _entry(text)
        except _Invalid as exc:
            got, wrong = None, wrong or str(exc)
        if got is None and wrong is None and text.strip() and not text.strip().startswith(_PLACEHOLDER_DUE):
            wrong = (
                f"`{text.strip()}` is not the plugin's `due date,interval,ease` (as in `2024-01-01,3,250`)"
            )
        entries.append(got)
    return entries, wrong


def _comment_in(lines: Sequence[str], first: int, last: int) -> str | None:
    """The text of the last SR comment on lines ``first..last`` (indexes), else on the line right after (or in the
    plugin's ``[!sr|card-metadata]`` callout right after)."""
    found = None
    for i in range(max(first, 0), min(last, len(lines) - 1) + 1):
        if "<!--SR:" in lines[i]:
            found = _SR_RE.findall(lines[i])[-1]
    if found is not None:
        return found
    nxt = last + 1
    if nxt < len(lines) and lines[nxt].lstrip().startswith("> [!sr|card-metadata]"):
        nxt += 1
    if nxt < len(lines):
        s = lines[nxt].lstrip().removeprefix(">").lstrip()
        if s.startswith("<!--SR:"):
            return _SR_RE.findall(s)[0]
    return None


def question_groups(cards: list):
    """(i, j) for each question's cards ``cards[i:j]`` (same first line and sibling key), written cards only."""
    i = 0
    n = len(cards)
    while i < n:
        card = cards[i]
        if card is None or type(card) is list or card.generated:  # a list: the generated cards of one bullet
            i += 1
            continue
        j = i + 1
        if card.sibling:
            while (
                j < n
                and cards[j] is not None
                and type(cards[j]) is not list
                and cards[j].sibling == card.sibling
                and cards[j].line == card.line
            ):
                j += 1
        yield i, j
        i = j


def set_schedules(cards: list, i: int, j: int, entries: Sequence[SrSchedule | None]) -> None:
    """Give ``cards[i:j]`` the entries in order (in place; a sibling past the entries keeps none)."""
    for k in range(i, j):
        sched = entries[k - i] if k - i < len(entries) else None
        if sched is not None:
            cards[k].__dict__["schedule"] = sched  # a frozen Card, just made: set before anyone sees it


def attach_schedules(
    cards: list[Card | list[Card] | None],
    lines: Sequence[str],
    base: int,
    problem: Callable[[int, str], None],
) -> None:
    """Give each card the schedule its SR comment holds for it (in place). ``lines``: the note body's lines,
    ``base``: the file line of the first. The cards of one question (same first line and sibling key) take the
    comment's entries in order; so do the cloze cards of a list whose last item the comment follows (the plugin
    reads the whole paragraph as one question, its deletions the siblings)."""
    groups = list(question_groups(cards))
    comments = [_comment_in(lines, cards[i].line - base, cards[i].end_line - base) for i, _ in groups]
    for n, (i, j) in enumerate(groups):
        inner = comments[n]
        if inner is None:
            continue
        entries, wrong = parse_comment(inner)
        if wrong:
            problem(
                cards[i].line,
                f"`<!--SR:{inner}-->` holds no schedule kb can read ({wrong}); kb starts the card as new",
            )
        first = _paragraph_start(cards, groups, comments, n)
        if first == n:
            set_schedules(cards, i, j, entries)
            continue
        members = [k for a, b in groups[first : n + 1] for k in range(a, b)]
        for k, sched in zip(members, entries, strict=False):
            if sched is not None:
                cards[k].__dict__["schedule"] = sched  # a frozen Card, just made: set before anyone sees it
        if len(members) != len(entries):
            top = cards[groups[first][0]].line
            problem(
                top,
                f"`<!--SR:{inner}-->` holds {len(entries)} schedules for the {len(members)} cloze cards of "
                f"lines {top}-{cards[j - 1].line}; kb gave them in order, the "
                + (
                    f"last {len(members) - len(entries)} card(s) start new"
                    if len(members) > len(entries)
                    else f"last {len(entries) - len(members)} schedule(s) go unused"
                )
                + " (check with `kb cards --json`)",
            )


def _paragraph_start(cards: list, groups: list, comments: list, n: int) -> int:
    """The first of the cloze groups on the lines right above group ``n`` (none with a comment of its own): the
    plugin's one question, a paragraph of bullets."""
    first = n
    if cards[groups[n][0]].kind != "cloze":
        return n
    while first > 0:
        a, b = groups[first - 1]
        if comments[first - 1] is not None or cards[a].kind != "cloze":
            break
        if max(cards[k].end_line for k in range(a, b)) + 1 != cards[groups[first][0]].line:
            break
        first -= 1
    return first


# ---------------------------------------------------------------------------------------------------- cloze groups
_GROUP_RE = re.compile(r"(?:(\d{1,3});;)?(.*?)(?:;;(.*))?\Z", re.S)


def highlight_parts(inner: str) -> tuple[int, str, str]:
    """The plugin's default cloze pattern ``==[123;;]answer[;;hint]==``: (group number or 0, answer, hint)."""
    if ";;" not in inner:
        return 0, inner, ""
    m = _GROUP_RE.match(inner)
    group, answer, hint = m.group(1), m.group(2), m.group(3) or ""
    if not answer.strip():  # `==;;x==` or `==1;;==`: not the pattern, the text as written
        return 0, inner, ""
    return (int(group) if group else 0), answer, hint
