"""Where kb's state lives and the one place its settings come from.

The knowledge-base root is the folder holding ``mkdocs.yml``: given by ``--root`` or ``KB_ROOT``, otherwise found by
walking up from the current directory the way git finds ``.git``. The notes folder is mkdocs' ``docs_dir``. The
database is ``<root>/.kb/kb.db`` unless ``KB_DB`` names another file. ``KnowledgeBase`` has a property for every
path under ``.kb/`` (their names are in ``kb.layout``).

kb's settings are the options of the ``kb`` plugin in ``mkdocs.yml``, so the site and the CLI read the same values::

    plugins:
      - kb:
          desired_retention: 0.9
          new_per_day: 20

mkdocs.yml as kb last read it is cached beside the database (``.kb/kb.db-config``, git-ignored with it), so a command
does not import PyYAML and parse the file again while it is unchanged: ``open_kb`` is ``KnowledgeBase.open`` through
that cache, keyed by the size, mtime and inode of mkdocs.yml and the root's path (a moved folder keeps them). A
changed mkdocs.yml never matches, so it is parsed and validated again and its errors reported as before; the
settings are re-validated from the cached options every time (cheap).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from kb import layout
from kb.clozepatterns import HIGHLIGHT_PATTERN
from kb.errors import KbError
from kb.layout import CONFIG_NAME

DEFAULT_KEYPOINT_HEADINGS = (
    "key points",
    "key takeaways",
    "takeaways",
    "key ideas",
    "lessons",
    "summary",
    "main ideas",
)


def find_root(start: str | os.PathLike | None = None, explicit: str | os.PathLike | None = None) -> Path:
    """Return the knowledge-base root: ``explicit``, then ``$KB_ROOT``, then the nearest folder with mkdocs.yml."""
    found = layout.find_root(
        os.fspath(explicit) if explicit else None, os.fspath(start) if start is not None else None
    )
    if found is not None:
        return Path(found)
    given = explicit or os.environ.get("KB_ROOT")
    if given:
        root = Path(given).expanduser().resolve()
        raise KbError(f"{root}: no {CONFIG_NAME} here; point --root or KB_ROOT at the folder that holds it")
    here = Path(start or os.getcwd()).resolve()
    raise KbError(
        f"{here}: not inside a knowledge base (no {CONFIG_NAME} in this folder or above); "
        "cd into one, or pass --root / set KB_ROOT"
    )


def config_key(root: Path) -> str:
    """What identifies one version of mkdocs.yml: its size, mtime and inode (the config caches' key)."""
    return layout.config_key(str(root))


def db_path(root: Path) -> Path:
    """The SQLite file: ``$KB_DB`` or ``<root>/.kb/kb.db``."""
    return Path(layout.db_file(str(root)))


# mkdocs.yml may hold tags such as ``!!python/name:material.extensions.emoji.twemoji`` or ``!ENV``, which a plain
# safe load rejects. kb only needs plain values, so every unknown tag loads as its bare value.
def _yaml_loader():
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        pass

    def construct_any(loader, tag_suffix, node):
        if isinstance(node, yaml.ScalarNode):
            return loader.construct_scalar(node)
        if isinstance(node, yaml.SequenceNode):
            return loader.construct_sequence(node)
        return loader.construct_mapping(node)

    Loader.add_multi_constructor("!", construct_any)
    Loader.add_multi_constructor("tag:yaml.org,2002:python/", construct_any)
    return Loader


def load_mkdocs_yml(root: Path) -> dict[str, Any]:
    """Read mkdocs.yml as plain data; a syntax error names the file and line."""
    import yaml

    path = root / CONFIG_NAME
    try:
        text = path.read_text(encoding="utf-8")
        data = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - the loader is a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc)
        raise KbError(
            f"{path}:{line}: {CONFIG_NAME} is not valid YAML ({problem}); fix it and run again"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise KbError(f"{path}:1: cannot read {CONFIG_NAME}: {exc}") from None
    return data if isinstance(data, dict) else {}


def _parse_duration(text: Any) -> int:
    """``"10m"`` -> 600 seconds; also accepts s, h, d and plain numbers of minutes."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*", str(text))
    if not match:
        raise ValueError(f"{text!r} is not a duration such as 1m, 10m, 1h or 1d")
    amount = float(match.group(1))
    unit = match.group(2) or "m"
    return int(amount * {"s": 1, "m": 60, "h": 3600, "d": 86400}[unit])


@dataclass(frozen=True)
class Settings:
    """kb's settings, the options of the ``kb`` plugin in mkdocs.yml. Every field has a default."""

    desired_retention: float = 0.90
    maximum_interval: int = 36500
    learning_steps: tuple[int, ...] = (60, 600)  # seconds
    relearning_steps: tuple[int, ...] = (600,)
    new_per_day: int = 20
    reviews_per_day: int = 200
    day_starts_at: int = 4  # local hour at which a new day starts
    leech_threshold: int = 8
    keypoint_headings: tuple[str, ...] = DEFAULT_KEYPOINT_HEADINGS
    keypoint_cards: bool = True
    flashcard_tags: tuple[str, ...] = (
        "flashcards",
    )  # in-note deck tags (Obsidian Spaced Repetition's), without #
    flashcard_tags_required: bool = False  # true: only a note carrying a flashcard tag holds cards
    ignored_tags: tuple[str, ...] = ()  # a note carrying one of these holds no cards
    ignored_folders: tuple[str, ...] = ()  # notes in these folders / matching these globs hold no cards
    # card separators, the multi-line end marker and cloze patterns (Obsidian Spaced Repetition's, same defaults)
    single_line_separator: str = "::"
    single_line_reversed_separator: str = ":::"
    multiline_separator: str = "?"
    multiline_reversed_separator: str = "??"
    multiline_end_marker: str = ""  # a line that ends a multi-line card's answer; empty: a blank line does
    cloze_patterns: tuple[str, ...] = (HIGHLIGHT_PATTERN,)
    device: str = ""  # journal file name; default: this machine's host name
    parameters: tuple[float, ...] = ()  # FSRS parameters saved by `kb optimize`
    templates_dir: str = layout.TEMPLATES_DIR
    extra: dict = field(default_factory=dict, compare=False)


SETTING_DOCS = {
    "desired_retention": "probability of recall FSRS aims for when it schedules (0.70 to 0.99)",
    "maximum_interval": "longest interval in days",
    "learning_steps": "steps for new cards, e.g. [1m, 10m]",
    "relearning_steps": "steps after a lapse, e.g. [10m]",
    "new_per_day": "new cards introduced per day",
    "reviews_per_day": "most reviews shown per day",
    "day_starts_at": "local hour (0-23) at which a new review day starts",
    "leech_threshold": "lapses after which a card is suspended and tagged leech",
    "keypoint_headings": "headings whose bullet lists become generated cards",
    "keypoint_cards": "false turns generated key-point cards off everywhere",
    "flashcard_tags": "deck tags (#flashcards, #flashcards/deck) that give the cards below them their tags",
    "flashcard_tags_required": "true: only notes carrying one of the flashcard tags hold cards",
    "ignored_tags": "notes carrying one of these tags hold no cards",
    "ignored_folders": "notes in these folders of the notes folder (or matching a glob like **/*.excalidraw.md) hold no cards",
    "single_line_separator": "separates front and back on one line (Front::Back)",
    "single_line_reversed_separator": "the same for a card asked both ways (Front:::Back)",
    "multiline_separator": "a line holding only this separates a multi-line question from its answer",
    "multiline_reversed_separator": "the same for a multi-line card asked both ways",
    "multiline_end_marker": "a line holding only this ends a multi-line card (blank lines then stay in it)",
    "cloze_patterns": "cloze patterns, e.g. ==[123;;]answer[;;hint]==, **[123;;]answer[;;hint]**",
    "device": "name of this device's review journal (.kb/journal/<device>.jsonl)",
    "parameters": "FSRS parameters fitted by `kb optimize`",
    "templates_dir": "folder (relative to the root) with your own `kb add` templates",
}


def plugin_options(config: dict[str, Any]) -> dict[str, Any]:
    """The options given to the ``kb`` plugin in a loaded mkdocs.yml (empty when the plugin has none)."""
    for entry in config.get("plugins") or []:
        if isinstance(entry, dict) and "kb" in entry:
            return dict(entry["kb"] or {})
    return {}


def make_settings(options: dict[str, Any], where: str = CONFIG_NAME) -> Settings:
    """Validate plugin options into Settings; a bad value is a KbError naming the option and the accepted range."""
    known = {f.name for f in fields(Settings)} - {"extra"}
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}

    def bad(name: str, why: str) -> KbError:
        return KbError(f"{where}: kb setting {name}: {why}")

    for name, value in options.items():
        if name not in known:
            extra[name] = value
            continue
        try:
            if name == "desired_retention":
                value = float(value)
                if not 0.70 <= value <= 0.99:
                    raise bad(name, f"{value} is outside 0.70 to 0.99; pick a value such as 0.90")
            elif name in ("learning_steps", "relearning_steps"):
                items = value if isinstance(value, list | tuple) else str(value).split()
                value = tuple(_parse_duration(v) for v in items)
            elif name in ("maximum_interval", "new_per_day", "reviews_per_day", "leech_threshold"):
                if isinstance(value, bool):
                    raise ValueError("expected a whole number")
                value = int(value)
                if value < (1 if name == "maximum_interval" else 0):
                    raise bad(name, f"{value} is too small")
            elif name == "day_starts_at":
                value = int(value)
                if not 0 <= value <= 23:
                    raise bad(name, f"{value} is not an hour from 0 to 23")
            elif name == "keypoint_headings":
                items = value if isinstance(value, list | tuple) else [value]
                value = tuple(str(v).strip().lower() for v in items)
            elif name in ("keypoint_cards", "flashcard_tags_required"):
                if not isinstance(value, bool):
                    raise ValueError("expected true or false")
            elif name in ("flashcard_tags", "ignored_tags"):
                items = value if isinstance(value, list | tuple) else str(value).split()
                value = tuple(str(v).strip().lstrip("#").lower() for v in items if str(v).strip().lstrip("#"))
            elif name in _SEPARATORS:
                value = _separator_value(value, name == "multiline_end_marker")
            elif name == "cloze_patterns":
                value = _cloze_patterns(value)
            elif name == "ignored_folders":
                items = value if isinstance(value, list | tuple) else [value]
                value = tuple(str(v).strip().strip("/") for v in items if str(v).strip().strip("/"))
            elif name == "parameters":
                value = tuple(float(v) for v in value)
            else:
                value = str(value)
        except KbError:
            raise
        except (TypeError, ValueError) as exc:
            raise bad(name, f"{value!r} is not valid ({exc})") from None
        values[name] = value
    settings = Settings(**values, extra=extra)
    _check_separators(settings, bad)
    return settings


_SEPARATORS = (
    "single_line_separator",
    "single_line_reversed_separator",
    "multiline_separator",
    "multiline_reversed_separator",
    "multiline_end_marker",
)


def _separator_value(value: Any, may_be_empty: bool) -> str:
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise ValueError("expected the characters as text, such as '::'")
    text = str(value).strip()
    if "\n" in text or (not text and not may_be_empty):
        raise ValueError("expected the characters on one line, such as '::'")
    return text


def _cloze_patterns(value: Any) -> tuple[str, ...]:
    from kb.clozepatterns import PatternError, check_patterns

    items = value if isinstance(value, list | tuple) else [value]
    patterns = tuple(str(v).strip() for v in items if str(v).strip())
    try:
        check_patterns(patterns)
    except PatternError as exc:
        raise ValueError(str(exc)) from None
    return patterns


def _check_separators(settings: Settings, bad) -> None:
    """Separators that would read one card two ways are refused."""
    pairs = (
        ("single_line_separator", "single_line_reversed_separator"),
        ("multiline_separator", "multiline_reversed_separator"),
    )
    for a, b in pairs:
        if getattr(settings, a) == getattr(settings, b):
            raise bad(b, f"{getattr(settings, b)!r} is also the {a}; give the two different characters")


def notes_dir(root: Path, config: dict[str, Any] | None = None) -> Path:
    """The notes folder: mkdocs' ``docs_dir`` (``notes`` in a kb knowledge base; mkdocs' default is ``docs``)."""
    if config is None:
        config = load_mkdocs_yml(root)
    return (root / str(config.get("docs_dir") or "docs")).resolve()


def device_name(settings: Settings) -> str:
    """Name of this device's journal file: the ``device`` setting, ``$KB_DEVICE``, or the host name."""
    import socket

    name = os.environ.get("KB_DEVICE") or settings.device or socket.gethostname() or "device"
    return re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip(".-") or "device"


@dataclass(frozen=True)
class KnowledgeBase:
    """A resolved knowledge base: where everything lives and its settings."""

    root: Path
    notes: Path
    db: Path
    settings: Settings
    site_url: str = ""
    # size, mtime and inode of mkdocs.yml as it was before it was read ("" when unknown): what a snapshot of the
    # notes folder records so a no-op `kb index` can trust it without reading mkdocs.yml (kb.index.scanstate)
    config_key: str = field(default="", compare=False)

    @classmethod
    def open(cls, root: str | os.PathLike | None = None) -> KnowledgeBase:
        found = find_root(explicit=root)
        try:
            key = config_key(found)
        except OSError:
            key = ""  # load_mkdocs_yml says what is wrong
        config = load_mkdocs_yml(found)
        settings = make_settings(plugin_options(config), where=str(found / CONFIG_NAME))
        return cls(
            root=found,
            notes=notes_dir(found, config),
            db=db_path(found),
            settings=settings,
            site_url=str(config.get("site_url") or ""),
            config_key=key,
        )

    def rel(self, path: Path) -> str:
        """A path as the user sees it: relative to the root, with forward slashes (``notes/books/x.md``)."""
        try:
            return path.resolve().relative_to(self.root).as_posix()
        except ValueError:
            return path.as_posix()

    @property
    def state_dir(self) -> Path:
        """``.kb/``: the database (unless ``KB_DB`` puts it elsewhere), the journal, drafts, parameters."""
        return self.root / layout.STATE_DIR

    @property
    def journal_dir(self) -> Path:
        """The review journal: ``.kb/journal/<device>.jsonl``."""
        return Path(layout.journal_dir(str(self.root)))

    @property
    def parameters_file(self) -> Path:
        """FSRS parameters fitted by ``kb optimize``: ``.kb/parameters.json``."""
        return self.state_dir / layout.PARAMETERS_NAME

    @property
    def drafts_dir(self) -> Path:
        """Text of a ``kb add`` whose editor failed: ``.kb/drafts/``."""
        return self.state_dir / layout.DRAFTS_DIR

    @property
    def templates_dir(self) -> Path:
        """The user's ``kb add`` templates: the ``templates_dir`` setting (default ``.kb/templates``)."""
        return templates_folder(self.root, self.settings.templates_dir)

    @property
    def config_cache(self) -> Path:
        """mkdocs.yml as last read (see ``open_kb``): beside the database, ``.kb/kb.db-config``."""
        return cache_path(self.db)


def templates_folder(root: Path, templates_dir: str) -> Path:
    """The folder with the user's templates (a ``templates_dir`` setting, relative to the root)."""
    return (root / os.path.expanduser(templates_dir)).resolve()


# --- the cache of mkdocs.yml -----------------------------------------------------------------------------------------


def cache_path(db: Path) -> Path:
    return Path(f"{db}-config")


def cached_kb(root: Path, db: Path) -> KnowledgeBase | None:
    """The KnowledgeBase from the cache, without parsing mkdocs.yml; None when mkdocs.yml changed since."""
    import json

    try:
        with open(cache_path(db), encoding="utf-8") as fh:
            data = json.load(fh)
        if data["key"] != config_key(root) or data["root"] != str(
            root
        ):  # a moved folder keeps mtime and inode
            return None
        return _from_cache(root, db, data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _from_cache(root: Path, db: Path, data: dict) -> KnowledgeBase:
    return KnowledgeBase(
        root=root,
        notes=Path(data["notes"]),
        db=db,
        settings=make_settings(data["options"], where=str(root / CONFIG_NAME)),
        site_url=data["site_url"],
        config_key=data["key"],
    )


# KnowledgeBases opened from mkdocs.yml in this process, by id, whose cache is not written yet: commands write it
# once they have opened the store (``remember_opened``), so a command that fails early leaves no file behind.
_unsaved: dict[int, KnowledgeBase] = {}


def open_kb(root: str | os.PathLike | None = None) -> KnowledgeBase:
    """``KnowledgeBase.open(root)``, from the cache while mkdocs.yml is unchanged."""
    found = find_root(explicit=root)
    cached = cached_kb(found, db_path(found))
    if cached is not None:
        return cached
    kb = KnowledgeBase.open(found)
    _unsaved[id(kb)] = kb
    return kb


def remember_opened(kb: KnowledgeBase) -> None:
    """Write the cache if ``kb`` came from ``open_kb`` parsing mkdocs.yml (no-op when it came from the cache)."""
    if _unsaved.pop(id(kb), None) is kb:
        remember(kb)


def remember(kb: KnowledgeBase) -> None:
    """Write the cache for a KnowledgeBase just opened from mkdocs.yml.

    Only when rebuilding from the cached values gives back an equal KnowledgeBase (options that JSON cannot carry,
    or a field this module does not know about, mean no cache, never a wrong one).
    """
    import json

    try:
        # mkdocs.yml as it was before kb read it: if it changed since, the key never matches
        key = kb.config_key or config_key(kb.root)
        options = plugin_options(load_mkdocs_yml(kb.root))
        data = {
            "key": key,
            "root": str(kb.root),
            "notes": str(kb.notes),
            "site_url": kb.site_url,
            "options": options,
        }
        data = json.loads(json.dumps(data))
        rebuilt = _from_cache(kb.root, kb.db, data)
        if rebuilt != kb or rebuilt.settings.extra != kb.settings.extra or key != config_key(kb.root):
            return
        if (
            not kb.db.parent.is_dir()
        ):  # never the first to create .kb/: a failing command leaves nothing behind
            return
        target = kb.config_cache
        tmp = target.with_name(f"{target.name}.{os.getpid()}")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, target)
    except Exception:  # noqa: BLE001 - only a cache: the next command parses mkdocs.yml again
        return
