"""`kb add`: capture a new summary note from a template, edit it, index it."""

from __future__ import annotations

import os
import sys

import click

from kb.commands import echo_json, get_kb, open_index
from kb.errors import KbError


def _interactive() -> bool:
    """Both ends are a terminal: kb may prompt and open an editor."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _ask_title(value: str) -> str:
    from kb.notes.add import check_title, slugify

    try:
        title = check_title(value)
        slugify(title)
    except KbError as exc:
        raise click.BadParameter(str(exc)) from None
    return title


def _ask_type(value: str) -> str:
    from kb.notes.add import check_type

    try:
        return check_type(value)
    except KbError as exc:
        raise click.BadParameter(str(exc)) from None


def _read_body(body: str) -> str:
    """The text of ``--body FILE`` or ``--body -`` (standard input), as UTF-8."""
    if body == "-":
        stream = sys.stdin
        raw = stream.buffer.read() if hasattr(stream, "buffer") else stream.read().encode("utf-8")
        where = "standard input"
    else:
        try:
            with open(body, "rb") as fh:
                raw = fh.read()
        except OSError as exc:
            raise KbError(f"{body}: cannot read the --body file ({exc.strerror}); check the path") from None
        where = body
    if b"\x00" in raw:
        raise KbError(f"{where}: the body is binary (NUL byte), not Markdown; pass a text file")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise KbError(f"{where}:{line}: the body is not valid UTF-8; save it as UTF-8") from None


def _exists_message(kb, title: str, author: str | None, note_type: str, rel: str) -> str:
    import shlex

    from kb.notes.add import note_path

    candidates = [f"{title} ({author})"] if author else []
    candidates += [f"{title} {n}" for n in range(2, 100)]
    suggestion = next(
        (c for c in candidates if not os.path.lexists(note_path(kb.notes, note_type, c))), f"{title} 2"
    )
    return (
        f"{rel} already exists and kb add never overwrites a note; edit that file, "
        f"or choose another title, e.g. kb add {shlex.quote(suggestion)} --type {note_type}"
    )


def _remove(path, made_folder) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    if made_folder is not None:
        try:
            made_folder.rmdir()  # only the folder this command made, and only while empty
        except OSError:
            pass


@click.command("add")
@click.argument("title", required=False)
@click.option(
    "--type",
    "-t",
    "note_type",
    help="book, podcast, article, course, topic, or your own word (ml). Default: topic.",
)
@click.option("--author", "-a", help="Author (the host for a podcast).")
@click.option("--source", "-s", help="Where it comes from: a URL, an ISBN, an episode.")
@click.option("--tag", "tags", multiple=True, help="A tag; repeat, or separate with commas.")
@click.option(
    "--set",
    "fields",
    multiple=True,
    metavar="KEY=VALUE",
    help="Another front-matter field, e.g. --set episode=1309 --set guests='Ann, Bob'.",
)
@click.option("--template", help="Template to use instead of the type's own (see below).")
@click.option(
    "--body",
    type=str,
    metavar="FILE|-",
    help="Take the body from FILE or standard input (-) instead of the template.",
)
@click.option(
    "--edit/--no-edit",
    default=None,
    help="Open (or not) $VISUAL/$EDITOR on the new note. Default: only in a terminal.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
def add_cmd(
    title: str | None,
    note_type: str | None,
    author: str | None,
    source: str | None,
    tags: tuple[str, ...],
    fields: tuple[str, ...],
    template: str | None,
    body: str | None,
    edit: bool | None,
    as_json: bool,
) -> None:
    """Create a summary note from a template, open your editor on it, then index it.

    \b
    Examples:
      kb add "Atomic Habits" --type book --author "James Clear" --tag habits
      kb add "Naval on wealth" -t podcast --set episode=1309 --set guests="Naval Ravikant"
      kb add "Attention" --type ml --no-edit
      pbpaste | kb add "Deep Work" --type book --body -

    The note goes to notes/<type>s/<title-as-slug>.md (book -> notes/books/, ml -> notes/ml/ when that folder
    exists) with title, type, author, source, tags and today's date in its front matter. A title may not contain
    / or \\ and a type is one word of letters, digits, - and _, so a note is never written outside notes/. An
    existing note is never overwritten.

    In a terminal, kb add opens $VISUAL or $EDITOR on the note (--edit forces it, --no-edit skips it) and asks for
    the title and type when none is given. If the editor fails, or you quit it leaving the template untouched, the
    note is removed, as git commit does with an empty message (text you typed before an editor failed is kept in
    .kb/drafts/).

    Templates: book, podcast, article, course, topic are built in; a type without its own template uses topic. Add
    or override templates as <name>.md in the templates folder, .kb/templates/ (the kb plugin's templates_dir
    setting in mkdocs.yml). A template's front matter lists the fields a note gets; {{title}} in its body is
    replaced by the title. Placeholders should be HTML comments, which never become flashcards.
    """
    from datetime import date

    from kb.config import load_mkdocs_yml
    from kb.notes.add import (
        NewNote,
        NoteExists,
        check_title,
        check_type,
        create_exclusive,
        editor_command,
        keep_draft,
        load_template,
        make_folder,
        note_path,
        page_url,
        parse_fields,
        parse_tags,
        render,
        run_editor,
    )

    if title is None:
        if not _interactive() or body == "-":
            raise KbError(
                'no title given; write kb add "Atomic Habits" --type book (kb asks only in a terminal)'
            )
        title = click.prompt("Title", value_proc=_ask_title)
        if note_type is None:
            note_type = click.prompt(
                "Type (book, podcast, article, course, topic, or your own word)",
                default="book",
                value_proc=_ask_type,
            )
    note_type = check_type("topic" if note_type is None else note_type)
    title = check_title(title)
    new = NewNote(
        title=title,
        type=note_type,
        today=date.today(),
        author=(author or "").strip() or None,
        source=(source or "").strip() or None,
        tags=parse_tags(tags),
        fields=parse_fields(fields),
    )
    kb = get_kb()
    path = note_path(kb.notes, note_type, title)
    rel = kb.rel(path)
    if os.path.lexists(path):
        raise KbError(_exists_message(kb, title, new.author, note_type, rel))
    tpl = load_template(
        kb.root,
        kb.settings.templates_dir,
        (template or note_type).strip().lower(),
        explicit=template is not None,
    )
    body_text = _read_body(body) if body is not None else None
    text = render(tpl, new, body_text)
    if edit is None:
        edit = _interactive() and body != "-"
    # The editor is looked up before writing, so one that is not installed leaves nothing behind.
    argv = editor_command() if edit else None

    made_folder = None if path.parent.is_dir() else path.parent
    make_folder(kb.notes, path.parent)
    try:
        create_exclusive(path, text)
    except NoteExists:
        raise KbError(_exists_message(kb, title, new.author, note_type, rel)) from None
    except KbError:
        _remove_folder_only(made_folder)
        raise

    if argv is not None:
        written = text.encode("utf-8")
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
                    draft = keep_draft(kb.root, path.stem, after)
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
        if body_text is None and after == written:
            _remove(path, made_folder)
            raise KbError(f"the template was left unchanged; removed {rel}, no note added")

    conn = open_index(kb, quiet=True)
    problems = [
        f"{rel}:{line}: {message}"
        for line, message in conn.execute("SELECT line, message FROM note_errors WHERE path = ?", (rel,))
    ]
    cards = [
        {"kind": kind, "front": front, "line": line}
        for kind, front, line in conn.execute(
            "SELECT kind, front, line FROM cards WHERE note = ? AND orphaned_at IS NULL ORDER BY position",
            (rel,),
        )
    ]
    same_title = [
        p
        for (p,) in conn.execute(
            "SELECT path FROM notes WHERE lower(title) = lower(?) AND path != ? ORDER BY path", (title, rel)
        )
    ]
    conn.close()
    url = page_url(kb.notes, path, load_mkdocs_yml(kb.root))
    if as_json:
        echo_json(
            {
                "path": rel,
                "title": title,
                "type": note_type,
                "template": tpl.name,
                "url": url,
                "cards": cards,
                "problems": problems,
                "same_title": same_title,
            }
        )
        return
    for problem in problems:
        click.echo(f"warning: {problem}", err=True)
    for other in same_title:
        click.echo(f"note: {other} has the same title", err=True)
    click.echo(f"created {click.style(rel, fg='cyan')} (template: {tpl.name})")
    click.echo(f"{len(cards)} card{'s' if len(cards) != 1 else ''}" + (":" if cards else ""))
    for card in cards:
        front = " ".join(card["front"].split())
        click.echo(f"  {card['kind']:<10} {front[:100]}")
    click.echo(f"site: {url}  (under mkdocs serve)")


def _remove_folder_only(made_folder) -> None:
    if made_folder is not None:
        try:
            made_folder.rmdir()
        except OSError:
            pass
