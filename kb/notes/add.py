"""``kb add``: capturing a new note, from the title to the file, without ever overwriting one.

``kb add "Atomic Habits" --type book`` becomes ``notes/books/atomic-habits.md``. The pieces, in the order
``create_note`` uses them:

- ``check_title`` / ``check_type`` / ``slugify`` / ``folder_for_type``: the title and the type are the only things a
  user types that end up in a path, so both are validated before anything touches the disk. A title may not contain
  ``/`` or ``\\``, may not be only dots, and may not hold control characters (NUL, newline, ...); a type is one word
  of ASCII letters, digits, ``-`` and ``_``. Whatever passes is a single file name and a single folder name under
  the notes folder, so a note can never be written outside ``notes/``.
- the template (``kb.notes.templates``), filled with what the user gave.
- ``create_exclusive``: writes the note atomically: the text goes to a hidden temporary file in the same folder, is
  fsynced, then hard-linked to its final name, which fails if a note of that name exists. A crash leaves either no
  note or the whole note (plus, at worst, a hidden temporary file the indexer ignores).
- the editor (``kb.notes.editor``): if it fails, or the template is left untouched, the note is removed, as git
  commit does with an empty message; text typed before a failure is kept in ``.kb/drafts/``.

Template placeholders are HTML comments: hidden on the site and never turned into flashcards, so a note saved with
a section left as it came costs nothing.
"""

from __future__ import annotations

import os
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kb.errors import KbError
from kb.notes.templates import TYPE_RE, NewNote

if TYPE_CHECKING:
    from kb.config import KnowledgeBase

# The types kb ships templates for, and their folders under notes/.
BUILTIN_FOLDERS = {
    "book": "books",
    "podcast": "podcasts",
    "article": "articles",
    "course": "courses",
    "topic": "topics",
}
MAX_TITLE = 500
MAX_SLUG = 80  # characters; a file name stays readable and far below the 255-byte limit
MAX_SLUG_BYTES = 200


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
        tmp = _write_first_free((folder / f".kb-add-{secrets.token_hex(6)}.tmp" for _ in range(100)), data)
        if tmp is None:
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


def _write_first_free(candidates, data: bytes) -> Path | None:
    """Write ``data`` to the first of ``candidates`` that does not exist yet (created exclusively); None if all do."""
    for candidate in candidates:
        try:
            _write_new(candidate, data)
        except FileExistsError:
            continue
        return candidate
    return None


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
# drafts


def keep_draft(folder: Path, slug: str, data: bytes) -> Path:
    """Save text the user typed before the editor failed, in ``folder`` (``.kb/drafts/``), so a crash never loses
    it."""
    from datetime import datetime

    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        names = (folder / f"{slug}-{stamp}{'-' + str(n) if n else ''}.md" for n in range(1000))
        draft = _write_first_free(names, data)
        if draft is not None:
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


# ---------------------------------------------------------------------------------------------------------------
# the whole of kb add


@dataclass(frozen=True)
class CreatedNote:
    path: Path
    rel: str  # as the user sees it: notes/books/atomic-habits.md
    template: str  # the template's name


def read_body(source: str, stdin=None) -> str:
    """The text of ``--body FILE`` or ``--body -`` (standard input), as UTF-8."""
    import sys

    if source == "-":
        stream = sys.stdin if stdin is None else stdin
        raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode("utf-8")
        where = "standard input"
    else:
        try:
            with open(source, "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            raise KbError(f"{source}: cannot read the --body file ({exc.strerror}); check the path") from None
        where = source
    if b"\x00" in raw:
        raise KbError(f"{where}: the body is binary (NUL byte), not Markdown; pass a text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise KbError(f"{where}:{line}: the body is not valid UTF-8; save it as UTF-8") from None


def exists_message(kb: KnowledgeBase, new: NewNote, rel: str) -> str:
    """Why kb add stops on an existing note, with a title that is free."""
    import shlex

    candidates = [f"{new.title} ({new.author})"] if new.author else []
    candidates += [f"{new.title} {n}" for n in range(2, 100)]
    suggestion = next(
        (c for c in candidates if not os.path.lexists(note_path(kb.notes, new.type, c))), f"{new.title} 2"
    )
    return (
        f"{rel} already exists and kb add never overwrites a note; edit that file, "
        f"or choose another title, e.g. kb add {shlex.quote(suggestion)} --type {new.type}"
    )


def create_note(
    kb: KnowledgeBase,
    new: NewNote,
    *,
    template: str | None = None,
    body_from: str | None = None,
    edit: bool = False,
) -> CreatedNote:
    """Write the note ``new`` asks for from its template (``template`` names another one; ``body_from``: a file, or
    ``-`` for standard input, whose text replaces the template's body), then, with ``edit``, open the user's editor
    on it. A KbError, with nothing left behind, when the note exists, the editor fails or the template is left
    unchanged."""
    from kb.notes.editor import editor_command
    from kb.notes.templates import load_template, render

    path = note_path(kb.notes, new.type, new.title)
    rel = kb.rel(path)
    if os.path.lexists(path):
        raise KbError(exists_message(kb, new, rel))
    name = (template or new.type).strip().lower()
    tpl = load_template(kb.root, kb.settings.templates_dir, name, explicit=template is not None)
    body = read_body(body_from) if body_from is not None else None
    text = render(tpl, new, body)
    # The editor is looked up before writing, so one that is not installed leaves nothing behind.
    argv = editor_command() if edit else None
    made_folder = None if path.parent.is_dir() else path.parent
    make_folder(kb.notes, path.parent)
    try:
        create_exclusive(path, text)
    except NoteExists:
        raise KbError(exists_message(kb, new, rel)) from None
    except KbError:
        _remove_folder(made_folder)
        raise
    if argv is not None:
        _edit(kb, argv, path, rel, text.encode("utf-8"), made_folder, from_template=body is None)
    return CreatedNote(path, rel, tpl.name)


def _edit(
    kb: KnowledgeBase,
    argv: list[str],
    path: Path,
    rel: str,
    written: bytes,
    made_folder,
    *,
    from_template: bool,
) -> None:
    """Run the editor on the new note; remove it (keeping any typed text as a draft) when the editor fails, and
    when a note made from the template comes back unchanged."""
    from kb.notes.editor import run_editor

    try:
        status = run_editor(argv, path)
    except KbError:
        _remove(path, made_folder)
        raise
    try:
        after = path.read_bytes()
    except FileNotFoundError:
        after = None
    if status != 0:
        kept = ""
        if after is not None and after != written:
            try:
                draft = keep_draft(kb.drafts_dir, path.stem, after)
            except KbError as exc:
                raise KbError(
                    f"the editor ({argv[0]}) exited with status {status}; {rel} is kept because your text "
                    f"could not be saved elsewhere ({exc}); delete it if you do not want it"
                ) from None
            kept = f"; your text is kept in {kb.rel(draft)}"
        _remove(path, made_folder)
        raise KbError(
            f"the editor ({argv[0]}) exited with status {status}; removed {rel}, no note added{kept}"
        )
    if after is None:
        raise KbError(f"{rel} was deleted in the editor; no note added")
    if from_template and after == written:
        _remove(path, made_folder)
        raise KbError(f"the template was left unchanged; removed {rel}, no note added")


def _remove(path: Path, made_folder: Path | None) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    _remove_folder(made_folder)


def _remove_folder(made_folder: Path | None) -> None:
    """Only the folder this command made, and only while empty."""
    if made_folder is not None:
        try:
            made_folder.rmdir()
        except OSError:
            pass
