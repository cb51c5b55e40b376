"""Capturing a new note: file names from titles, templates, and creating the file without ever overwriting one.

``kb add "Atomic Habits" --type book`` becomes ``notes/books/atomic-habits.md``. The pieces, in the order the command
uses them:

- ``check_title`` / ``check_type`` / ``slugify`` / ``folder_for_type``: the title and the type are the only things a
  user types that end up in a path, so both are validated before anything touches the disk. A title may not contain
  ``/`` or ``\\``, may not be only dots, and may not hold control characters (NUL, newline, ...); a type is one word
  of ASCII letters, digits, ``-`` and ``_``. Whatever passes is a single file name and a single folder name under
  the notes folder, so a note can never be written outside ``notes/``.
- ``load_template`` / ``available_templates``: a template is a Markdown file whose front matter lists the fields the
  note gets (with defaults) and whose body is the skeleton of the note. Your own templates live in one folder, the
  ``templates_dir`` setting (default ``.kb/templates`` under the knowledge-base root): ``<name>.md`` there adds a
  template or overrides the built-in one of that name (book, podcast, article, course, topic). A type with no
  template of its own (``--type ml``) uses ``topic``.
- ``render``: fills the front matter (title, type, author, source, tags, today's date, template fields, ``--set``
  values) and writes it with ``yaml.safe_dump``, so a title such as ``Naval: "How to Get Rich" #1309`` stays a
  string. ``{{title}}``, ``{{type}}``, ``{{author}}``, ``{{source}}``, ``{{date}}`` and ``{{tags}}`` in the body are
  replaced; any other ``{{...}}`` (an Anki cloze, say) is left alone.
- ``create_exclusive``: writes the note atomically: the text goes to a hidden temporary file in the same folder, is
  fsynced, then hard-linked to its final name, which fails if a note of that name exists. A crash leaves either no
  note or the whole note (plus, at worst, a hidden temporary file the indexer ignores).
- ``editor_command`` / ``run_editor``: ``$VISUAL``, then ``$EDITOR``, then the editors click would pick.

Template placeholders are HTML comments: hidden on the site and never turned into flashcards, so a note saved with
a section left as it came costs nothing.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from kb.errors import KbError

# The types kb ships templates for, and their folders under notes/.
BUILTIN_FOLDERS = {
    "book": "books",
    "podcast": "podcasts",
    "article": "articles",
    "course": "courses",
    "topic": "topics",
}
# A type without a template of its own (`--type ml`) is a topic: a summary of a subject, not of one source.
FALLBACK_TEMPLATE = "topic"
# Front-matter keys kb fills from options; `--set` may not set them (use --author etc.).
CORE_FIELDS = ("title", "type", "author", "source", "tags", "date")
MAX_TITLE = 500
MAX_SLUG = 80  # characters; a file name stays readable and far below the 255-byte limit
MAX_SLUG_BYTES = 200
TYPE_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
FIELD_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,63}")
PLACEHOLDER_RE = re.compile(r"\{\{\s*(title|type|author|source|date|tags)\s*\}\}")


# ---------------------------------------------------------------------------------------------------------------
# titles, types, slugs and paths


def check_title(title: str | None) -> str:
    """The title, stripped; a KbError when it is empty or could name a path (``/``, ``\\``, only dots, control chars)."""
    title = (title or "").strip()
    if not title:
        raise KbError('the title is empty; give one, e.g. kb add "Atomic Habits" --type book')
    if len(title) > MAX_TITLE:
        raise KbError(f"the title is {len(title)} characters long; keep it under {MAX_TITLE}")
    for sep in ("/", "\\"):
        if sep in title:
            raise KbError(
                f"title {title!r} contains {sep!r}; kb add makes the file name from the title, "
                f"so write it without / or \\ (e.g. {title.replace(sep, '-').strip('-')!r})"
            )
    if set(title) <= {"."}:
        raise KbError(f"title {title!r} is only dots; give a title with words in it")
    bad = next((c for c in title if unicodedata.category(c) in ("Cc", "Zl", "Zp")), None)
    if bad is not None:
        raise KbError(f"title {title!r} contains the control character U+{ord(bad):04X}; remove it")
    return title


def slugify(title: str) -> str:
    """File name (without ``.md``) for a title: lower case ASCII words joined by hyphens.

    Accents are transliterated (``Café Société`` -> ``cafe-societe``). A title with no Latin letters or digits at all
    (``東京``) keeps its own letters rather than becoming nothing. Long titles are cut at a word boundary.
    """
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    if not slug:
        slug = re.sub(r"[\W_]+", "-", unicodedata.normalize("NFKC", title).lower()).strip("-")
    if not slug:
        raise KbError(f"title {title!r} has no letters or digits to make a file name from; add some words")
    if len(slug) > MAX_SLUG or len(slug.encode()) > MAX_SLUG_BYTES:
        cut = slug[:MAX_SLUG]
        while len(cut.encode()) > MAX_SLUG_BYTES:
            cut = cut[:-1]
        if "-" in cut[MAX_SLUG // 2 :]:
            cut = cut.rsplit("-", 1)[0]
        slug = cut.strip("-")
    return slug


def check_type(note_type: str | None) -> str:
    """The type, lower-cased; a KbError unless it is one word of ASCII letters, digits, ``-`` and ``_``."""
    raw = (note_type or "").strip()
    value = raw.lower()
    if not value:
        raise KbError("the type is empty; give one such as book, podcast, article, course or topic")
    if TYPE_RE.fullmatch(value):
        # `--type books` means a book: the folder name of a built-in type is accepted for the type.
        for kind, folder in BUILTIN_FOLDERS.items():
            if value == folder:
                return kind
        return value
    if raw.startswith(".") and ".." not in raw and "/" not in raw and "\\" not in raw:
        raise KbError(
            f"type {raw!r} starts with a dot, which would make a hidden folder; use a word such as ml"
        )
    if ".." in raw or raw.startswith(("/", "\\", "~")) or re.match(r"[A-Za-z]:[\\/]", raw):
        raise KbError(
            f"type {raw!r} would write outside notes/; a type is one word such as book, podcast or ml "
            "(letters, digits, - and _)"
        )
    if "/" in raw or "\\" in raw:
        raise KbError(
            f"type {raw!r} is a path, but a type names one folder under notes/; use one word such as ml or ml-papers"
        )
    bad = "".join(dict.fromkeys(c for c in value if not re.fullmatch(r"[a-z0-9_-]", c)))
    if bad:
        raise KbError(
            f"type {raw!r} has characters unsafe in a folder name ({bad!r}); use letters, digits, - and _ (e.g. ml)"
        )
    raise KbError(f"type {raw!r} must start with a letter or digit and be at most 40 characters")


def plural(word: str) -> str:
    """English plural for a folder name: topic -> topics, tax -> taxes, study -> studies; short words (ml) and words
    already ending in s stay as given."""
    if len(word) < 3 or word.endswith("s"):
        return word
    if word.endswith(("x", "z", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


def folder_for_type(notes: Path, note_type: str) -> str:
    """Folder under notes/ for a type: book -> books, ...; another word -> an existing folder named as the word or
    its plural, else the plural (ml -> ml, recipe -> recipes)."""
    if note_type in BUILTIN_FOLDERS:
        return BUILTIN_FOLDERS[note_type]
    for name in (note_type, plural(note_type), note_type + "s"):
        if (notes / name).is_dir():
            return name
    return plural(note_type)


def note_path(notes: Path, note_type: str, title: str) -> Path:
    """Where ``kb add`` writes a note: ``<notes>/<folder for type>/<slug>.md``; always inside ``notes``."""
    note_type = check_type(note_type)
    title = check_title(title)
    folder = folder_for_type(notes, note_type)
    path = notes / folder / f"{slugify(title)}.md"
    # Belt and braces: the checks above make this impossible; a bug there must not become a write elsewhere.
    base = os.path.normpath(notes)
    if os.path.commonpath([base, os.path.normpath(path)]) != base or path.parent.parent != notes:
        raise KbError(f"{path}: refusing to write outside {notes}")
    return path


# ---------------------------------------------------------------------------------------------------------------
# templates


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


def user_templates_dir(root: Path, templates_dir: str) -> Path:
    """The folder with the user's templates (the ``templates_dir`` setting, relative to the root)."""
    return (root / os.path.expanduser(templates_dir)).resolve()


def available_templates(root: Path, templates_dir: str) -> dict[str, str]:
    """Template name -> where it comes from (``built-in`` or the user's file), the user's overriding built-ins."""
    found = {}
    for entry in sorted(_builtin_dir().iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".md"):
            found[entry.name[:-3]] = "built-in"
    folder = user_templates_dir(root, templates_dir)
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
    user_file = user_templates_dir(root, templates_dir) / f"{name}.md"
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
            folder = user_templates_dir(root, templates_dir)
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


# ---------------------------------------------------------------------------------------------------------------
# the file


def create_exclusive(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, failing with NoteExists if ``path`` exists (it is never overwritten).

    The text goes to a hidden temporary file in the same folder, is fsynced, and is hard-linked to ``path``; the link
    fails if the name is taken, even when another process creates it at the same moment. Where hard links are not
    supported, ``O_CREAT | O_EXCL`` gives the same guarantee that nothing is overwritten. The file gets the usual
    permissions (0666 less the umask), not tempfile's private 0600.
    """
    import errno
    import secrets

    data = text.encode("utf-8")
    folder = path.parent
    tmp = None
    try:
        for _ in range(100):
            candidate = folder / f".kb-add-{secrets.token_hex(6)}.tmp"
            try:
                _write_new(candidate, data)
            except FileExistsError:
                continue
            tmp = candidate
            break
        else:
            raise KbError(
                f"{folder}: cannot find a free temporary file name; remove the .kb-add-*.tmp files there"
            )
        try:
            os.link(tmp, path)
        except FileExistsError:
            raise NoteExists(path) from None
        except OSError as exc:
            if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK):
                raise
            try:
                _write_new(path, data)
            except FileExistsError:
                raise NoteExists(path) from None
    except OSError as exc:
        raise KbError(
            f"{path}: cannot write the note ({exc.strerror}); check the folder's permissions and free space"
        ) from None
    finally:
        if tmp is not None:
            try:
                os.unlink(tmp)
            except FileNotFoundError:
                pass
    _fsync_dir(folder)


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (FileExistsError if it exists), write ``data`` and fsync; a failure leaves no file."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        os.unlink(path)
        raise


class NoteExists(KbError):
    """The note's file name is taken; kb add never overwrites a note."""

    def __init__(self, path: Path):
        self.path = path
        super().__init__(
            f"{path}: this note already exists and kb add never overwrites one; choose another title"
        )


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def make_folder(notes: Path, folder: Path) -> None:
    """Create the type's folder (and notes/ itself) if needed; a file in the way is a KbError."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise KbError(
            f"{folder}: a file has this name, so the folder for this type cannot be made; rename it"
        ) from None
    except OSError as exc:
        raise KbError(f"{folder}: cannot create the folder ({exc.strerror}); check permissions") from None


# ---------------------------------------------------------------------------------------------------------------
# the editor


def editor_command(env: dict[str, str] | None = None) -> list[str]:
    """The editor to run, as argv: ``$VISUAL``, else ``$EDITOR`` (split like a shell would), else the first of the
    editors click's own ``click.edit`` would try. A KbError when the one named is not installed."""
    import shlex
    import shutil

    env = os.environ if env is None else env
    for var in ("VISUAL", "EDITOR"):
        value = (env.get(var) or "").strip()
        if value:
            try:
                argv = shlex.split(value)
            except ValueError as exc:
                raise KbError(f"${var} ({value!r}) cannot be split into a command ({exc}); fix it") from None
            if not argv or shutil.which(argv[0], path=env.get("PATH")) is None:
                raise KbError(
                    f"editor {argv[0] if argv else value!r} (from ${var}) not found; set ${var} to an installed "
                    "editor, or pass --no-edit"
                )
            return argv
    for name in ("sensible-editor", "vim", "nano", "vi"):
        if shutil.which(name, path=env.get("PATH")):
            return [name]
    raise KbError("no editor found; set $EDITOR (e.g. export EDITOR=nano), or pass --no-edit")


def run_editor(argv: list[str], path: Path) -> int:
    """Run the editor on ``path`` in this terminal and return its exit status.

    Ctrl-C goes to the editor (which may use it), so kb keeps waiting instead of dying and leaving the editor behind.
    """
    import subprocess

    try:
        proc = subprocess.Popen([*argv, str(path)])
    except OSError as exc:
        raise KbError(
            f"cannot start the editor {argv[0]!r} ({exc.strerror}); set $EDITOR or pass --no-edit"
        ) from None
    while True:
        try:
            return proc.wait()
        except KeyboardInterrupt:
            continue


def keep_draft(root: Path, slug: str, data: bytes) -> Path:
    """Save text the user typed before the editor failed, in ``.kb/drafts/``, so a crash never loses it."""
    from datetime import datetime

    folder = root / ".kb" / "drafts"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for n in range(1000):
            draft = folder / f"{slug}-{stamp}{'-' + str(n) if n else ''}.md"
            try:
                _write_new(draft, data)
            except FileExistsError:
                continue
            return draft
    except OSError as exc:
        raise KbError(f"{folder}: cannot save a draft ({exc.strerror})") from None
    raise KbError(f"{folder}: cannot save a draft; too many drafts with this name")


# ---------------------------------------------------------------------------------------------------------------
# the site


def page_url(notes: Path, path: Path, config: dict[str, Any]) -> str:
    """The URL the note has under ``mkdocs serve``: ``dev_addr`` + the path of ``site_url`` + the page's URL
    (``books/atomic-habits/`` with mkdocs' default ``use_directory_urls``, ``books/atomic-habits.html`` without)."""
    from urllib.parse import quote, urlparse

    rel = path.relative_to(notes).as_posix()
    stem = rel[:-3] if rel.endswith(".md") else rel
    folder, _, name = stem.rpartition("/")
    if name.lower() in ("index", "readme"):
        page = f"{folder}/" if folder else ""
    elif config.get("use_directory_urls", True):
        page = f"{stem}/"
    else:
        page = f"{stem}.html"
    dev_addr = str(config.get("dev_addr") or "127.0.0.1:8000")
    base = urlparse(str(config.get("site_url") or "")).path.rstrip("/")
    return f"http://{dev_addr}{quote(base)}/{quote(page)}"
