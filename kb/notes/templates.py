"""``kb add`` templates: a template is a Markdown file whose front matter lists the fields a note gets (with
defaults) and whose body is the skeleton of the note.

Your own templates live in one folder, the ``templates_dir`` setting (default ``.kb/templates`` under the
knowledge-base root): ``<name>.md`` there adds a template or overrides the built-in one of that name (book, podcast,
article, course, topic). A type with no template of its own (``--type ml``) uses ``topic``.

``render`` fills the front matter (title, type, author, source, tags, today's date, template fields, ``--set``
values) and writes it with ``yaml.safe_dump``, so a title such as ``Naval: "How to Get Rich" #1309`` stays a string.
``{{title}}``, ``{{type}}``, ``{{author}}``, ``{{source}}``, ``{{date}}`` and ``{{tags}}`` in the body are replaced; any
other ``{{...}}`` (an Anki cloze, say) is left alone.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kb.config import templates_folder
from kb.errors import KbError

# A type without a template of its own (`--type ml`) is a topic: a summary of a subject, not of one source.
FALLBACK_TEMPLATE = "topic"
# Front-matter keys kb fills from options; `--set` may not set them (use --author etc.).
CORE_FIELDS = ("title", "type", "author", "source", "tags", "date")
# A type, and so a template's name: one word that is also a safe folder name.
TYPE_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
FIELD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
PLACEHOLDER_RE = re.compile(r"\{\{\s*(title|type|author|source|date|tags)\s*\}\}")


@dataclass(frozen=True)
class Template:
    """A parsed template: its front-matter fields (in order, with defaults) and its body."""

    name: str
    where: str  # file it came from, for messages
    builtin: bool
    fields: tuple[tuple[str, Any], ...]
    body: str


def _builtin_dir():
    from importlib.resources import files

    return files("kb") / "templates"


def available_templates(root: Path, templates_dir: str) -> dict[str, str]:
    """Template name -> where it comes from (``built-in`` or the user's file), the user's overriding built-ins."""
    found = {}
    for entry in sorted(_builtin_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".md"):
            found[entry.name[:-3]] = "built-in"
    folder = templates_folder(root, templates_dir)
    if folder.is_dir():
        for path in sorted(folder.glob("*.md")):
            if TYPE_RE.fullmatch(path.stem):
                found[path.stem] = str(path)
    return dict(sorted(found.items()))


def load_template(root: Path, templates_dir: str, name: str, *, explicit: bool = True) -> Template:
    """The template called ``name``: the user's ``<templates_dir>/<name>.md``, else the built-in one.

    An unknown name is a KbError listing the templates there are when ``explicit`` (``--template``); otherwise (a
    type without a template of its own) the fallback template is used.
    """
    from kb.notes.reader import decode, split_front_matter

    known = TYPE_RE.fullmatch(name or "") is not None
    user_file = templates_folder(root, templates_dir) / f"{name}.md"
    if known and user_file.is_file():
        where, builtin = str(user_file), False
        try:
            raw = user_file.read_bytes()
        except OSError as exc:
            raise KbError(
                f"{user_file}:1: cannot read this template ({exc.strerror}); check its permissions"
            ) from None
    else:
        resource = _builtin_dir() / f"{name}.md"
        if known and resource.is_file():
            where, builtin, raw = f"built-in template {name}", True, resource.read_bytes()
        elif explicit:
            names = ", ".join(available_templates(root, templates_dir))
            folder = templates_folder(root, templates_dir)
            shown = folder.relative_to(root).as_posix() if folder.is_relative_to(root) else str(folder)
            raise KbError(
                f"no template called {name!r}; the templates are: {names} (add your own as {shown}/<name>.md)"
            )
        else:
            return load_template(root, templates_dir, FALLBACK_TEMPLATE)
    text = decode(where, raw) if raw.strip() else ""
    meta, body, _ = split_front_matter(where, text)
    return Template(name=name, where=where, builtin=builtin, fields=tuple(meta.items()), body=body)


# ---------------------------------------------------------------------------------------------------------------
# rendering


@dataclass(frozen=True)
class NewNote:
    """What the user asked for. ``fields`` are extra front-matter values from ``--set KEY=VALUE``."""

    title: str
    type: str
    today: date
    author: str | None = None
    source: str | None = None
    tags: tuple[str, ...] = ()
    fields: tuple[tuple[str, str], ...] = ()


def parse_tags(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``--tag a --tag b,c`` -> ``("a", "b", "c")``, leading ``#`` dropped, duplicates once."""
    tags: dict[str, None] = {}
    for value in values:
        for tag in value.split(","):
            tag = tag.strip().lstrip("#").strip()
            if tag:
                if any(unicodedata.category(c) == "Cc" for c in tag):
                    raise KbError(f"tag {tag!r} contains a control character; remove it")
                tags.setdefault(tag, None)
    return tuple(tags)


def parse_fields(values: tuple[str, ...] | list[str]) -> tuple[tuple[str, str], ...]:
    """``--set episode=1309`` -> ``(("episode", "1309"),)``; a bad key or a core key is a KbError."""
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not FIELD_RE.fullmatch(key):
            raise KbError(
                f"--set {item!r}: write KEY=VALUE, e.g. --set episode=1309 or --set guests='Ann, Bob'"
            )
        if key in CORE_FIELDS:
            option = "--tag" if key == "tags" else f"--{key}"
            raise KbError(f"--set {key}=...: {key} has its own option; use {option}")
        if any(unicodedata.category(c) == "Cc" for c in value):
            raise KbError(f"--set {key}: the value contains a control character; remove it")
        out[key] = value.strip()
    return tuple(out.items())


def _fill(text: str, values: dict[str, str]) -> str:
    return PLACEHOLDER_RE.sub(lambda m: values[m.group(1)], text)


def _dump_yaml(meta: dict[str, Any]) -> str:
    import yaml

    class Dumper(yaml.SafeDumper):
        pass

    # `author:` rather than `author: null` for a field left for the user to fill in.
    Dumper.add_representer(type(None), lambda d, _v: d.represent_scalar("tag:yaml.org,2002:null", ""))
    return yaml.dump(
        meta, Dumper=Dumper, sort_keys=False, allow_unicode=True, default_flow_style=None, width=1 << 30
    )


def render(template: Template, note: NewNote, body: str | None = None) -> str:
    """The text of the new note: filled front matter, then the template's body (or ``body`` when given).

    Front matter: title, type, author and source (when given or listed by the template), the template's own fields
    (``--set`` values replacing their defaults), tags and date. Values go through ``yaml.safe_dump``, so any title is
    a YAML string. A ``body`` with its own front matter contributes its fields as defaults.
    """
    from kb.notes.reader import split_front_matter

    extra_meta: dict[str, Any] = {}
    if body is not None:
        if body.startswith("\ufeff"):
            body = body[1:]
        body = body.replace("\r\n", "\n").replace("\r", "\n")
        extra_meta, body, _ = split_front_matter("--body", body)
    defaults = dict(template.fields)
    defaults.update({k: v for k, v in extra_meta.items()})
    subst = {
        "title": note.title.replace("<", "&lt;"),  # a `<` in a heading must not open an HTML tag or comment
        "type": note.type,
        "author": note.author or "",
        "source": note.source or "",
        "date": note.today.isoformat(),
        "tags": ", ".join(note.tags),
    }
    meta: dict[str, Any] = {"title": note.title, "type": note.type}
    for key in ("author", "source"):
        value = getattr(note, key)
        if value is not None or key in defaults:
            meta[key] = value if value is not None else defaults.get(key)
    given = dict(note.fields)
    for key, default in defaults.items():
        if key in CORE_FIELDS:
            continue
        if key in given:
            value = given.pop(key)
            meta[key] = (
                [v.strip() for v in value.split(",") if v.strip()] if isinstance(default, list) else value
            )
        elif isinstance(default, str):
            meta[key] = _fill(default, {**subst, "title": note.title})
        else:
            meta[key] = default
    meta.update(given)  # --set keys the template does not list
    template_tags = defaults.get("tags")
    tags = list(template_tags) if isinstance(template_tags, list) else []
    meta["tags"] = list(dict.fromkeys([*map(str, tags), *note.tags]))
    meta["date"] = note.today
    text = body if body is not None else _fill(template.body, subst)
    text = text.lstrip("\n")
    if not text.endswith("\n"):
        text += "\n"
    return f"---\n{_dump_yaml(meta)}---\n{text}"
