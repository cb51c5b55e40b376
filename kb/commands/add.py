"""`kb add`: capture a new summary note from a template, edit it, index it."""

from __future__ import annotations

import sys

import click

from kb.commands import echo_json, get_kb, open_index
from kb.errors import KbError


def _interactive() -> bool:
    """Both ends are a terminal: kb may prompt and open an editor."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _editor_variable() -> str | None:
    """``VISUAL`` or ``EDITOR``, whichever names the user's editor, or None."""
    import os

    return next((var for var in ("VISUAL", "EDITOR") if (os.environ.get(var) or "").strip()), None)


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
    from kb.notes.add import check_title, check_type, create_note, page_url
    from kb.notes.templates import NewNote, parse_fields, parse_tags
    from kb.search.query import note_outcome

    if title is None:
        title, note_type = _prompt(note_type, body)
    note_type = check_type("topic" if note_type is None else note_type)
    new = NewNote(
        title=check_title(title),
        type=note_type,
        today=date.today(),
        author=(author or "").strip() or None,
        source=(source or "").strip() or None,
        tags=parse_tags(tags),
        fields=parse_fields(fields),
    )
    kb = get_kb()
    # $EDITOR set, but no terminal to run it in (an IDE's task, a script, a pipe): said on the spot, not skipped silently
    editor_unused = edit is None and body is None and not _interactive() and _editor_variable() is not None
    if edit is None:
        edit = _interactive() and body != "-"
    created = create_note(kb, new, template=template, body_from=body, edit=edit)
    if editor_unused:
        var = _editor_variable()
        click.echo(
            f"note: no terminal here, so ${var} was not opened; {created.rel} holds only the template: "
            f"edit it with ${var} {created.rel} (or run kb add in a terminal, or with --edit)",
            err=True,
        )
    conn = open_index(kb, quiet=True)
    outcome = note_outcome(conn, created.rel, new.title)
    conn.close()
    url = page_url(kb.notes, created.path, load_mkdocs_yml(kb.root))
    _print(created, new, outcome, url, as_json)


def _prompt(note_type: str | None, body: str | None) -> tuple[str, str | None]:
    """Ask for the title (and the type, unless given), in a terminal only."""
    if not _interactive() or body == "-":
        raise KbError('no title given; write kb add "Atomic Habits" --type book (kb asks only in a terminal)')
    title = click.prompt("Title", value_proc=_ask_title)
    if note_type is None:
        note_type = click.prompt(
            "Type (book, podcast, article, course, topic, or your own word)",
            default="book",
            value_proc=_ask_type,
        )
    return title, note_type


def _print(created, new, outcome, url: str, as_json: bool) -> None:
    if as_json:
        echo_json(
            {
                "path": created.rel,
                "title": new.title,
                "type": new.type,
                "template": created.template,
                "url": url,
                "cards": outcome.cards,
                "problems": outcome.problems,
                "same_title": outcome.same_title,
            }
        )
        return
    for problem in outcome.problems:
        click.echo(f"warning: {problem}", err=True)
    for other in outcome.same_title:
        click.echo(f"note: {other} has the same title", err=True)
    click.echo(f"created {click.style(created.rel, fg='cyan')} (template: {created.template})")
    cards = outcome.cards
    click.echo(f"{len(cards)} card{'s' if len(cards) != 1 else ''}" + (":" if cards else ""))
    for card in cards:
        front = " ".join(card["front"].split())
        click.echo(f"  {card['kind']:<10} {front[:100]}")
    click.echo(f"site: {url}  (under mkdocs serve)")
