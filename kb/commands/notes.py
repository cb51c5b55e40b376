"""Commands about notes: index, check, search, notes list, tags, schema."""

from __future__ import annotations

import sys

import click

from kb.commands import echo_json, get_kb, open_index


@click.command("index")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing unless something is wrong.")
@click.option(
    "--full", is_flag=True, help="Re-read every note, changed or not (after editing the key-point settings)."
)
def index_cmd(quiet: bool, full: bool) -> None:
    """Bring the index up to date with the notes folder.

    Other commands do this themselves; run it to see what changed or what is broken.

    Example: kb index
    """
    from kb.commands import refresh

    conn, report, warnings = refresh(get_kb(), full=full)
    for warning in warnings:
        click.echo(f"warning: {warning}", err=True)
    for err in report.errors:
        click.echo(str(err), err=True)
    if report.errors:
        click.echo(f"kb index: {report.summary()}; fix the notes above and run kb index again", err=True)
        sys.exit(1)
    if not quiet:
        click.echo(report.summary())


@click.command("check")
def check_cmd() -> None:
    """Validate every note (front matter, encoding, card syntax) and print `ok` or the problems.

    Example: kb check
    """
    from kb.commands import refresh

    kb = get_kb()
    conn, report, _ = refresh(kb)
    problems = [str(e) for e in report.errors]
    from kb.cards.stored import card_problems

    problems.extend(str(p) for p in card_problems(kb, conn))
    from kb.search.query import shared_titles

    warnings = [
        f"{path}:{line}: warning: {' and '.join(others)} {'has' if len(others) == 1 else 'have'} the same title, "
        f"so [[{title}]] links are ambiguous; give one of them another title"
        for path, line, title, others in shared_titles(conn)
    ]
    for line in problems + warnings:
        click.echo(line)
    if problems:
        click.echo(f"kb check: {len(problems)} problem(s)", err=True)
        sys.exit(1)
    if warnings:
        click.echo(f"kb check: no problem, {len(warnings)} warning(s)", err=True)
        return
    click.echo("ok")


@click.command("search")
@click.argument("query", nargs=-1, required=True)
@click.option("--tag", help="Only notes with this tag.")
@click.option("--type", "note_type", help="Only notes of this type (book, podcast, ...).")
@click.option("--limit", "-n", default=10, show_default=True, type=click.IntRange(1, 1000))
@click.option("--json", "as_json", is_flag=True, help="Print results as JSON.")
def search_cmd(
    query: tuple[str, ...], tag: str | None, note_type: str | None, limit: int, as_json: bool
) -> None:
    """Full-text search of every note, best match first.

    Words are matched with stemming (habit finds habits); use "quotes" for a phrase, a trailing * for a prefix,
    OR and NOT between words.

    Example: kb search habit stacking --type book
    """
    from kb.search.query import HIGHLIGHT_END, HIGHLIGHT_START, search

    kb = get_kb()
    conn = open_index(kb)
    hits = search(conn, " ".join(query), tag=tag, note_type=note_type, limit=limit)
    if as_json:
        echo_json([h.to_dict() for h in hits])
        return
    if not hits:
        click.echo(f"no notes match {' '.join(query)!r}")
        return
    for hit in hits:
        title = click.style(hit.title, bold=True)
        click.echo(f"{title}  {click.style(hit.path, fg='cyan')}")
        snippet = " ".join(hit.snippet.split())
        snippet = snippet.replace(HIGHLIGHT_START, "\x00").replace(HIGHLIGHT_END, "\x01")
        styled = ""
        for i, chunk in enumerate(snippet.replace("\x01", "\x00").split("\x00")):
            styled += click.style(chunk, fg="yellow", bold=True) if i % 2 else chunk
        click.echo(f"    {styled}")


@click.group("notes")
def notes_group() -> None:
    """List and inspect notes."""


@notes_group.command("list")
@click.option("--tag", help="Only notes with this tag.")
@click.option("--type", "note_type", help="Only notes of this type.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def notes_list(tag: str | None, note_type: str | None, as_json: bool) -> None:
    """List notes with their type, title and tags.

    Example: kb notes list --type book
    """
    from kb.search.query import list_notes

    notes = list_notes(open_index(get_kb()), tag=tag, note_type=note_type)
    if as_json:
        echo_json(notes)
        return
    for n in notes:
        tags = " ".join(f"#{t}" for t in n["tags"])
        click.echo(f"{n['type']:<8} {n['title']}  {click.style(n['path'], fg='cyan')}  {tags}".rstrip())
    click.echo(f"{len(notes)} notes", err=True)


@click.command("tags")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def tags_cmd(as_json: bool) -> None:
    """Tags with the number of notes carrying each, most used first.

    Example: kb tags
    """
    from kb.search.query import tag_counts

    rows = tag_counts(open_index(get_kb()))
    if as_json:
        echo_json([{"tag": t, "notes": n} for t, n in rows])
        return
    for tag, n in rows:
        click.echo(f"{n:>4}  {tag}")


@click.command("schema")
def schema_cmd() -> None:
    """Print the database schema (every table kb keeps in .kb/kb.db).

    Example: kb schema
    """
    from kb.store.connection import open_store, schema_sql

    click.echo(schema_sql(open_store(get_kb().db)), nl=False)
