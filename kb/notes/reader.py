"""The note reader: bytes of a Markdown file in, a ``Note`` out, or a ``NoteError`` naming the line.

A note is Markdown with optional YAML front matter between ``---`` lines. Known keys: title, type, author, source,
tags, date, flashcards, keypoint_cards; unknown keys are kept in ``Note.meta``. Pure: no file system, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from kb.errors import NoteError
from kb.markdown import closes_fence, fence_re, fence_source

# Linear: the closing #s and trailing blanks are stripped in Python (a lazy group before them backtracks badly).
HEADING_RE = re.compile(r"^(#{1,6})[ \t]+(\S.*)$")
FENCE_RE = fence_re(
    max_indent=3
)  # CommonMark top level: 4+ columns in is indented code, which no scan here tracks
# The only lines scan_headings looks at, already taken apart: a fence marker (groups 1-2: the marker and the rest of
# the line, as FENCE_RE) or an ATX heading (groups 3-4: the #s and the text, as HEADING_RE). A line starting with `#`
# that is no heading (`#tag`, seven #s) changes nothing, so it need not match. One regex instead of a Python loop over
# every line makes heading scanning several times faster on a 4 KB note. The pattern starts with a literal newline so
# the regex engine jumps from line to line instead of trying every character; scan_headings puts a newline before
# the body so the first line counts too.
# The lookahead only skips lines neither branch can match, but cheaply: it halves the time on prose.
_SCAN_RE = re.compile(r"\n(?=[ \t`~#])(?:" + fence_source(max_indent=3) + r"|(#{1,6})[ \t]+(\S[^\n]*))")
# The line that closes front matter, found from the newline before it: a literal newline to search for is several
# times faster than trying `^` at every character.
_FRONT_MATTER_END_RE = re.compile(r"\n(?:---|\.\.\.)[ \t]*$", re.M)
_SIMPLE_HEADING_RE = re.compile(r"[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+)*")
_ANCHOR_STRIP_RE = re.compile(r"[`*_\[\]()<>]")
_ANCHOR_DROP_RE = re.compile(r"[^\w\s-]")
_ANCHOR_DASH_RE = re.compile(r"[\s-]+")


@dataclass(frozen=True)
class Heading:
    level: int
    text: str
    line: int  # 1-based line in the file
    anchor: str


@dataclass(frozen=True)
class Note:
    path: str  # relative to the knowledge-base root, forward slashes: notes/books/atomic-habits.md
    title: str
    type: str
    author: str | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    date: str | None = None
    flashcards: bool = True  # false turns every card of the note off
    keypoint_cards: bool = True  # false turns generated key-point cards off
    meta: dict[str, Any] = field(default_factory=dict, compare=False)
    body: str = ""
    body_line: int = 1  # line of the file where the body starts
    headings: tuple[Heading, ...] = ()

    @property
    def text(self) -> str:
        return self.body


def slugify_anchor(text: str) -> str:
    """The anchor Python-Markdown's toc extension gives a heading (close enough for links and breadcrumbs)."""
    if _SIMPLE_HEADING_RE.fullmatch(text):
        # Most headings are ASCII words joined by single spaces or dashes: the steps below then only lower-case
        # them and turn each space into a dash.
        return text.lower().replace(" ", "-")
    text = _ANCHOR_STRIP_RE.sub("", text).strip().lower()
    text = _ANCHOR_DROP_RE.sub("", text)
    return _ANCHOR_DASH_RE.sub("-", text).strip("-")


def decode(path: str, raw: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM), line endings normalised to ``\\n``; binary is an error."""
    if not raw.strip():
        raise NoteError(path, 1, "the note is empty; write something in it or delete the file")
    if b"\x00" in raw:
        line = raw.count(b"\n", 0, raw.index(b"\x00")) + 1
        raise NoteError(
            path, line, "this looks like a binary file, not Markdown (NUL byte); rename or remove it"
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # utf-8-sig decodes the bytes after a BOM: its error offsets are counted from there
        at = exc.start + (3 if raw.startswith(b"\xef\xbb\xbf") else 0)
        line = raw.count(b"\n", 0, at) + 1
        raise NoteError(
            path, line, f"not valid UTF-8 (byte 0x{raw[at]:02x}); save the file as UTF-8"
        ) from None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split_front_matter(path: str, text: str) -> tuple[dict[str, Any], str, int]:
    """Return (front matter, body, line where the body starts)."""
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return {}, text, 1
    end = _FRONT_MATTER_END_RE.search(text, 3)  # from the newline that ends the opening ---
    if end is None:
        raise NoteError(path, 1, "front matter opened with --- is never closed; add a line with --- after it")
    yaml_text = text[4 : end.start() + 1]
    body_start = end.end() + 1
    body_line = text.count("\n", 0, min(body_start, len(text))) + 1
    body = text[body_start:] if body_start <= len(text) else ""
    return _load_yaml(path, yaml_text), body, body_line


_LOADER = None


def _loader():
    global _LOADER
    if _LOADER is None:
        import yaml

        _LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return _LOADER


# Most notes' front matter is a handful of `key: value` lines, and PyYAML spends far longer building its event and
# node objects for them than reading the bytes: a strict reader for exactly that shape, which gives what PyYAML gives
# (same keys, order, values and types), and declines (returns None) whenever a line is anything else, so PyYAML
# reads those. Scalars are typed with the loader's own implicit resolvers and constructors (YAML 1.1: yes/no/on/off,
# ~, octal, sexagesimal, timestamps...), so only the shape of the text is judged here.
# One line of that shape, or a blank one: a plain key (an ASCII word of at most 100 characters; PyYAML allows 1024 for
# a simple key), `:`, then nothing, or spaces and one value: "double quoted" without escapes, 'single quoted' (''
# is a quote), a [flow, list] (its items are checked one by one below), or a plain scalar that starts with no
# indicator (nor `-?:`, which may start one) and holds no `#`, backtick or brace, no `: `, and does not end with `:`.
# Matched over the whole front matter at once with findall: every line must match, which the count of rows checks.
_FAST_LINE_RE = re.compile(
    r"""^(?:([A-Za-z_][A-Za-z0-9_-]{0,99}):(?:[ ]+(
        "[^"\\\n]*"
      | '(?:[^'\n]|'')*'
      | \[[^\[\]{}\n]*\]
      | [^-?:,\[\]{}\#&*!|>'"%@`\s](?:[^\#`{}:\n]|:(?=[^ \n]))*(?<![ ])
    ))?[ ]*)?$""",
    re.M | re.X,
)
# An item of a flow list, `[habits, deep work, c++, 2024-01-01]`: words and a few joiners, no flow indicator, no `:`.
_FAST_ITEM_RE = re.compile(r"\w[\w.+/ -]*")


# A date, the one typed value nearly every note has: read straight into datetime.date (when the loader types dates
# the standard way), rather than through the resolver's three regexes and PyYAML's timestamp constructor.
_FAST_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class _Decline(Exception):
    """The fast reader is not certain: let PyYAML read the front matter."""


class _FastTables:
    """What the fast reader borrows from the loader kb uses, looked up once."""

    def __init__(self):
        import datetime

        import yaml

        loader = _loader()
        # first character -> [(tag, regexp)] in resolving order; tag -> constructor
        self.resolvers = loader.yaml_implicit_resolvers
        self.constructors = loader.yaml_constructors
        self.constructor = yaml.constructor.SafeConstructor()
        self.node = yaml.ScalarNode
        # A wildcard or path resolver would type scalars this reader does not look up: never take the fast path.
        self.usable = None not in self.resolvers and not getattr(loader, "yaml_path_resolvers", None)
        tag = "tag:yaml.org,2002:"
        standard_timestamp = yaml.constructor.SafeConstructor.construct_yaml_timestamp
        standard_dates = self.constructors.get(tag + "timestamp") is standard_timestamp and all(
            [t for t, _ in self.resolvers.get(d, ())] == [tag + "float", tag + "int", tag + "timestamp"]
            for d in "0123456789"
        )
        self.date = datetime.date if standard_dates else None


_FAST: _FastTables | None = None
_STR_KEYS: set[str] = set()  # keys already seen to resolve to a string (title, type, tags start like `true`)


def _fast_scalar(value: str, tables: _FastTables) -> Any:
    """A plain scalar (not empty, stripped) typed as the loader types it."""
    if tables.date is not None and len(value) == 10 and _FAST_DATE_RE.fullmatch(value):
        try:
            return tables.date(int(value[:4]), int(value[5:7]), int(value[8:]))
        except ValueError:  # 2024-02-30: PyYAML raises the same on its own path
            raise _Decline from None
    for tag, regexp in tables.resolvers.get(value[0], ()):
        if regexp.match(value):
            if not tag.endswith((":null", ":bool", ":int", ":float", ":timestamp")):
                raise _Decline  # merge key `<<`, value `=`, ...
            try:
                return tables.constructors[tag](tables.constructor, tables.node(tag, value))
            except Exception:  # as above
                raise _Decline from None
    return value


def _fast_front_matter(yaml_text: str) -> dict[str, Any] | None:
    """The front matter as PyYAML would read it, or None when it is not the simple shape this reader knows."""
    global _FAST
    tables = _FAST or (_FAST := _FastTables())
    rows = _FAST_LINE_RE.findall(yaml_text)
    # isprintable() rejects tabs, control characters, NEL, line and paragraph separators, BOMs, NBSP.
    if (
        len(rows) != yaml_text.count("\n") + 1
        or not yaml_text.replace("\n", " ").isprintable()
        or not tables.usable
    ):
        return None
    resolvers = tables.resolvers
    data: dict[str, Any] = {}
    try:
        for key, value in rows:
            if not key:
                continue  # a blank line
            if key in data:
                # PyYAML keeps the last value; a repeated key is more likely a mistake: let it judge
                return None
            if key not in _STR_KEYS:
                if _fast_scalar(key, tables) is not key:
                    return None  # a key that is not a string: yes, null, ...
                if len(_STR_KEYS) < 1000:
                    _STR_KEYS.add(key)
            if not value:
                data[key] = None  # `key:` alone
                continue
            first = value[0]
            if first == '"':
                data[key] = value[1:-1]
            elif first == "'":
                data[key] = value[1:-1].replace("''", "'")
            elif first == "[":
                items = []
                inner = value[1:-1]
                if inner.strip(" "):
                    for item in inner.split(","):
                        item = item.strip(" ")
                        if not _FAST_ITEM_RE.fullmatch(item):
                            return None
                        items.append(_fast_scalar(item, tables) if item[0] in resolvers else item)
                data[key] = items
            else:
                data[key] = _fast_scalar(value, tables) if first in resolvers else value
    except _Decline:
        return None
    return data


def _load_yaml(path: str, yaml_text: str) -> dict[str, Any]:
    fast = _fast_front_matter(yaml_text)
    if fast is not None:
        return fast
    import yaml

    try:
        data = yaml.load(yaml_text, Loader=_loader())  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 2
        problem = getattr(exc, "problem", None) or "syntax error"
        raise NoteError(
            path, line, f"front matter is not valid YAML ({problem}); fix the YAML between the --- lines"
        ) from None
    except RecursionError:
        raise NoteError(path, 2, "front matter is nested too deeply; simplify it") from None
    except (ValueError, OverflowError) as exc:
        # Well-formed YAML whose value PyYAML cannot build: `date: 2024-02-30`, `!!int abc`. Not a YAMLError, and
        # without a position: name the first line that fails on its own.
        raise NoteError(
            path,
            _line_of_bad_value(yaml_text),
            f"front matter has a value that cannot be read ({exc}); fix it, or quote it to keep it as text",
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = type(data).__name__.replace("str", "a string").replace("list", "a list")
        raise NoteError(
            path, 2, f"front matter must be key: value pairs, not {kind}; write e.g. `title: My note`"
        )
    return data


def _line_of_bad_value(yaml_text: str) -> int:
    import yaml

    for i, line in enumerate(yaml_text.split("\n")):
        try:
            yaml.load(line, Loader=_loader())  # noqa: S506 - a SafeLoader
        except (ValueError, OverflowError):
            return i + 2
        except (yaml.YAMLError, RecursionError):
            continue
    return 2


def _line_of_key(yaml_text_lines: list[str], key: str) -> int:
    for i, line in enumerate(yaml_text_lines):
        if line.startswith(f"{key}:"):
            return i + 2
    return 2


def _as_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip() or None
    return str(value)


def parse_tags(path: str, value: Any, line: int = 2) -> tuple[str, ...]:
    """``tags`` may be a list or a comma/space separated string; anything else is an error."""
    if value is None:
        return ()
    if isinstance(value, str):
        items = [t for t in re.split(r"[,\s]+", value) if t]
    elif isinstance(value, list):
        items = []
        for item in value:
            if isinstance(item, str) or (isinstance(item, int | float) and not isinstance(item, bool)):
                items.append(str(item))
            else:
                raise NoteError(path, line, "tags must be words, e.g. `tags: [habits, productivity]`")
    else:
        raise NoteError(
            path, line, "tags must be a list or a comma-separated string, e.g. `tags: [habits, productivity]`"
        )
    seen: dict[str, None] = {}
    for tag in items:
        tag = tag.strip().lstrip("#").strip()
        if tag:
            seen.setdefault(tag, None)
    return tuple(seen)


def _tags(path: str, value: Any, key_line) -> tuple[str, ...]:
    if value is None:
        return ()
    try:
        return parse_tags(path, value)
    except NoteError as err:
        raise NoteError(path, key_line("tags"), err.message) from None


def scan_headings(body: str, body_line: int) -> tuple[Heading, ...]:
    """ATX headings outside fenced code, with their file line numbers."""
    headings = []
    fence = None
    line_no = body_line
    last = 0
    for match in _SCAN_RE.finditer("\n" + body):
        marker, rest, hashes, raw = match.groups()
        if marker is not None:
            if fence is None:
                fence = marker
            elif closes_fence(fence, marker, rest):
                fence = None
        elif fence is None:
            start = match.start()  # where the line starts in body
            line_no += body.count("\n", last, start)
            last = start
            # Inline shortcuts for the usual heading (no closing #s, plain words); the functions do the rest.
            text = raw if raw[-1] not in "# \t" else heading_text(raw)
            anchor = (
                text.lower().replace(" ", "-") if _SIMPLE_HEADING_RE.fullmatch(text) else slugify_anchor(text)
            )
            headings.append(Heading(len(hashes), text, line_no, anchor))
    return tuple(headings)


def heading_text(raw: str) -> str:
    """``Title ##`` -> ``Title``: drop an optional closing sequence of #s (CommonMark) and trailing blanks."""
    text = raw.rstrip(" \t")
    stripped = text.rstrip("#")
    if stripped != text and (not stripped or stripped[-1] in " \t"):
        text = stripped.rstrip(" \t")
    return text or raw.strip()


def title_from_filename(path: str) -> str:
    stem = path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    if stem == "index" and "/" in path.strip("/"):
        stem = path.rsplit("/", 2)[-2]
    return re.sub(r"[-_]+", " ", stem).strip().capitalize() or stem


FOLDER_TYPES = {
    "books": "book",
    "podcasts": "podcast",
    "articles": "article",
    "courses": "course",
    "topics": "topic",
    "papers": "paper",
    "videos": "video",
}


def default_type(path: str) -> str:
    """Type from the top folder under notes/: books -> book, podcasts -> podcast, ml -> ml, else ``note``."""
    parts = path.split("/")
    if len(parts) >= 3:  # notes/<folder>/file.md
        folder = parts[1].lower()
        return FOLDER_TYPES.get(folder, folder)
    return "note"


def parse_note(path: str, raw: bytes) -> Note:
    """Parse a note's bytes. ``path`` is relative to the root and only used in the Note and in error messages."""
    text = decode(path, raw)
    meta, body, body_line = split_front_matter(path, text)
    headings = scan_headings(body, body_line)

    def key_line(key: str) -> int:  # only computed for an error message
        return _line_of_key(text[4:].split("\n", 200)[:200], key)

    def bool_key(key: str) -> bool:
        value = meta.get(key, True)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in ("false", "no", "off"):
            return False
        if isinstance(value, str) and value.strip().lower() in ("true", "yes", "on"):
            return True
        raise NoteError(path, key_line(key), f"{key} must be true or false")

    title = _as_text(meta.get("title"))
    if not title:
        first_h1 = next((h for h in headings if h.level == 1), None)
        title = first_h1.text if first_h1 else title_from_filename(path)
    note_type = _as_text(meta.get("type")) or default_type(path)
    date = meta.get("date")
    return Note(
        path=path,
        title=title,
        type=note_type.lower(),
        author=_as_text(meta.get("author")),
        source=_as_text(meta.get("source")),
        tags=_tags(path, meta.get("tags"), key_line),
        date=date.isoformat() if hasattr(date, "isoformat") else _as_text(date),
        flashcards=bool_key("flashcards"),
        keypoint_cards=bool_key("keypoint_cards"),
        meta={k: v for k, v in meta.items()},
        body=body,
        body_line=body_line,
        headings=headings,
    )
