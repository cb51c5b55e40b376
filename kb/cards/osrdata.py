"""Schedules the Obsidian Spaced Repetition plugin keeps outside the notes (its "store in plugin data" mode), read as
if they were ``<!--SR:...-->`` comments.

In that mode the plugin writes no comment beside a card: it keeps each question's schedules (one per sibling) under
a hash of the question's text, in the vault's ``.obsidian/plugins/obsidian-spaced-repetition/data.json``
(``scheduleData`` or ``scheduleState`` → ``cardSchedules``) or, in its newer form, in the markdown file
``<scheduleDataVaultLocation>/Schedule Data/card-schedule-data.sr.md`` (a ```json block). The hash is the plugin's
``cyrb53`` of the question as written (its deck tag included) without its schedule comment, trailing whitespace and
block id; older files key it ``path::hash``. Notes carry an ``sr-id`` in their front matter in that mode: it names
the note's own review schedule (the plugin's note review, which kb does not have), never a card's.

kb reads each entry into the comment form (``2024-01-01,3,250`` or ``fsrs,...``), so a card found here starts
from it exactly as from a comment: once, journaled (``kb.review.adopt``). Nothing here writes anywhere.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

from kb.cards.model import ScheduleTable

PLUGIN_DIR = Path(".obsidian") / "plugins" / "obsidian-spaced-repetition"
DATA_FILE = PLUGIN_DIR / "data.json"
CARD_FILE = Path("Schedule Data") / "card-schedule-data.sr.md"
_JSON_BLOCK_RE = re.compile(r"```json\s*([\s\S]*?)\s*```")
_SR_COMMENT_RE = re.compile(r"<!--SR:.+-->")
_BLOCK_ID_END_RE = re.compile(r"\s+\^[A-Za-z0-9-]+$")
_LEADING_TAGS_RE = re.compile(r"^(\s*)(#[^\s#]+)((?:\s+#[^\s#]+)*)(\s+)")
_M32 = 0xFFFFFFFF


def _imul(a: int, b: int) -> int:
    return (a * b) & _M32


def cyrb53(text: str, seed: int = 0) -> str:
    """The plugin's hash of a question's text (JavaScript's cyrb53 over UTF-16 code units), as lower-case hex."""
    h1 = (0xDEADBEEF ^ seed) & _M32
    h2 = (0x41C6CE57 ^ seed) & _M32
    data = text.encode("utf-16-le", "surrogatepass")
    for i in range(0, len(data), 2):
        ch = data[i] | (data[i + 1] << 8)
        h1 = _imul(h1 ^ ch, 2654435761)
        h2 = _imul(h2 ^ ch, 1597334677)
    h1 = _imul(h1 ^ (h1 >> 16), 2246822507) ^ _imul(h2 ^ (h2 >> 13), 3266489909)
    h2 = _imul(h2 ^ (h2 >> 16), 2246822507) ^ _imul(h1 ^ (h1 >> 13), 3266489909)
    return format(4294967296 * (2097151 & h2) + (h1 & _M32), "x")


def question_keys(lines: Sequence[str]) -> list[str]:
    """The hashes the plugin may have filed a question written on these lines under (its text as written; with
    several leading deck tags, also with the first alone, as the plugin formats it)."""
    text = _SR_COMMENT_RE.sub("", "\n".join(lines)).rstrip()
    text = _BLOCK_ID_END_RE.sub("", text).rstrip()
    keys = [cyrb53(text)]
    m = _LEADING_TAGS_RE.match(text)
    if m and m.group(3):
        keys.append(cyrb53(m.group(1) + m.group(2) + m.group(4) + text[m.end() :]))
    return keys


def _entry_text(item: object) -> str | None:
    """One serialized schedule as an SR comment entry (None: a sibling not yet reviewed, or nothing readable)."""
    if not isinstance(item, Mapping):
        return None
    algorithm = str(item.get("algorithm") or "")
    data = item.get("scheduleData") if isinstance(item.get("scheduleData"), Mapping) else item
    due = str(data.get("dueDate") or "")
    if not due:
        return None
    if algorithm.upper() == "FSRS":
        fields = ("interval", "stability", "difficulty", "state", "reps", "lapses", "learningSteps")
        values = [str(data.get(f, 0)) for f in fields]
        return ",".join(["fsrs", due, *values, str(data.get("lastReview") or "")])
    return f"{due[:10]},{data.get('interval', '')},{data.get('ease', '')}"


def _card_schedules(doc: object) -> Mapping:
    if not isinstance(doc, Mapping):
        return {}
    for key in ("scheduleData", "scheduleState"):
        state = doc.get(key)
        if isinstance(state, Mapping) and isinstance(state.get("cardSchedules"), Mapping):
            return state["cardSchedules"]
    found = doc.get("cardSchedules")
    return found if isinstance(found, Mapping) else {}


def _read_json(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if path.suffix == ".md":
        m = _JSON_BLOCK_RE.search(text)
        text = m.group(1) if m else ""
    try:
        return json.loads(text)
    except ValueError:
        return None


def plugin_settings(vault: Path) -> dict:
    """The plugin's settings in a vault (``data.json``'s ``settings``), or {} when there are none; a ``data.json``
    that is not JSON is a KbError naming its line."""
    path = vault / DATA_FILE
    try:
        json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        from kb.errors import KbError

        line = getattr(exc, "lineno", 1)
        raise KbError(f"{path}:{line}: not valid JSON ({exc}); is it the plugin's settings file?") from None
    except OSError:
        return {}
    doc = _read_json(path)
    settings = doc.get("settings") if isinstance(doc, Mapping) else None
    return dict(settings) if isinstance(settings, Mapping) else {}


# the plugin's settings that shape its cards -> kb's options (plugin defaults as kb's, so only changes are written)
_SEPARATOR_SETTINGS = {
    "singleLineCardSeparator": "single_line_separator",
    "singleLineReversedCardSeparator": "single_line_reversed_separator",
    "multilineCardSeparator": "multiline_separator",
    "multilineReversedCardSeparator": "multiline_reversed_separator",
    "multilineCardEndMarker": "multiline_end_marker",
}
_LEGACY_CLOZES = (
    ("convertHighlightsToClozes", True, "==[123;;]answer[;;hint]=="),
    ("convertBoldTextToClozes", False, "**[123;;]answer[;;hint]**"),
    ("convertCurlyBracketsToClozes", False, "{{[123;;]answer[;;hint]}}"),
)


def _tags(value: object) -> list[str]:
    items = value if isinstance(value, list) else str(value or "").replace(",", " ").split()
    return [str(t).strip().lstrip("#") for t in items if str(t).strip().lstrip("#")]


def options_from_plugin(settings: Mapping) -> tuple[dict, list[str]]:
    """kb's options for a vault set up with the plugin's ``settings`` (``data.json``), and notes on what is not
    carried over. The plugin reads cards only in notes carrying a flashcard tag: ``flashcard_tags_required``."""
    options: dict = {
        "flashcard_tags": _tags(settings.get("flashcardTags", ["#flashcards"])) or ["flashcards"]
    }
    options["flashcard_tags_required"] = True
    ignored = _tags(settings.get("flashcardTagsToIgnore", []))
    if ignored:
        options["ignored_tags"] = ignored
    for theirs, ours in _SEPARATOR_SETTINGS.items():
        value = settings.get(theirs)
        if isinstance(value, str) and (value.strip() or ours == "multiline_end_marker"):
            options[ours] = value.strip()
    patterns = settings.get("clozePatterns")
    if not isinstance(patterns, list):
        patterns = [p for key, default, p in _LEGACY_CLOZES if settings.get(key, default)]
    options["cloze_patterns"] = [str(p).strip() for p in patterns if str(p).strip()]
    folders = settings.get("noteFoldersToIgnore")
    if isinstance(folders, list):
        options["ignored_folders"] = [str(f).strip().strip("/") for f in folders if str(f).strip().strip("/")]
    notes = []
    if settings.get("convertFoldersToDecks"):
        notes.append("convertFoldersToDecks: kb takes decks from flashcard tags only (a folder is no deck)")
    if settings.get("convertClozePatternsToInputs"):
        notes.append("convertClozePatternsToInputs: kb asks a cloze as a card to reveal, not an input")
    return options, notes


def load_schedules(vault: Path) -> dict[str, tuple[str | None, ...]]:
    """Every question's schedules the plugin keeps outside the notes in this vault, by question hash: the entries
    in comment form, one per sibling (None for a sibling with none). {} when the vault has none."""
    doc = _read_json(vault / DATA_FILE)
    sources = [_card_schedules(doc)]
    location = ""
    if isinstance(doc, Mapping) and isinstance(doc.get("settings"), Mapping):
        location = str(doc["settings"].get("scheduleDataVaultLocation") or "")
    location = location.strip().strip("/") or "Spaced Repetition"
    sources.append(_card_schedules(_read_json(vault / location / CARD_FILE)))
    table: dict[str, tuple[str | None, ...]] = {}
    for cards in sources:
        for key, items in cards.items():
            if not isinstance(items, list):
                continue
            entries = tuple(_entry_text(item) for item in items)
            if any(entries):
                table.setdefault(str(key).rsplit("::", 1)[-1], entries)
    return table


def attach_plugin_schedules(
    cards: list, lines: Sequence[str], base: int, table: ScheduleTable, is_tag_line, problem
) -> None:
    """Give each question without a schedule the one the plugin filed under its text's hash (in place).
    ``is_tag_line(text)``: whether a line is a deck tag line (the plugin counts one right above a question in it);
    ``problem(line, message)`` hears of an entry that cannot be a schedule."""
    from kb.cards.obsidian import parse_comment, question_groups, set_schedules

    for i, j in question_groups(cards):
        card = cards[i]
        if any(cards[k].schedule is not None for k in range(i, j)):
            continue
        first, last = card.line - base, card.end_line - base
        candidates = [lines[first : last + 1]]
        if first > 0 and is_tag_line(lines[first - 1]):
            candidates.append(lines[first - 1 : last + 1])
        for text_lines in candidates:
            found = next((table.entries[k] for k in question_keys(text_lines) if k in table.entries), None)
            if found is not None:
                inner = "".join("!" + (e or "2000-01-01,0,0") for e in found)
                entries, wrong = parse_comment(inner)
                if wrong:
                    problem(
                        card.line,
                        f"the Obsidian Spaced Repetition data file holds no schedule kb can read for this card "
                        f"({wrong}); kb starts it as new",
                    )
                set_schedules(cards, i, j, entries)
                break
