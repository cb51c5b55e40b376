"""Commands about cards: ``kb cards`` (list), ``kb cards orphans``, ``kb cards suspend`` / ``unsuspend``.

The group is ``invoke_without_command``: plain ``kb cards`` lists. Suspension is journaled by ``kb.review.answers``.
"""

from __future__ import annotations

import click

from kb.commands import echo_json, get_kb, open_index, resolve_path
from kb.errors import KbError


def resolve_note_paths(kb, given: tuple[str, ...]) -> list[str]:
    """PATH arguments as root-relative paths: relative to the cwd, to the root, or to the notes folder."""
    out: list[str] = []
    for raw in given:
        found = resolve_path(kb, raw)
        if found is None:
            raise KbError(
                f"{raw}: no such note or folder (paths may be relative to here, to {kb.root} or to the notes folder)"
            )
        out.append(found)
    return out


def _list(paths: tuple[str, ...], tag: str | None, as_json: bool) -> None:
    from kb.cards.stored import list_cards

    kb = get_kb()
    conn = open_index(kb)
    cards = list_cards(conn, paths=resolve_note_paths(kb, paths), tag=tag)
    if as_json:
        echo_json([c.to_dict() for c in cards])
        return
    for c in cards:
        where = click.style(f"{c.note}:{c.line}", fg="cyan")
        kind = c.kind + ("*" if c.generated else "")
        front = " ".join(c.front.split())
        back = " ".join(c.back.split())
        click.echo(f"{where}  {kind:<11} {front}  ->  {back}")
    click.echo(f"{len(cards)} cards", err=True)


class CardsGroup(click.Group):
    """``kb cards ARGS`` without a subcommand name means ``kb cards list ARGS`` (so PATH and --tag work directly)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["list", *args]
        return super().parse_args(ctx, args)


@click.group("cards", cls=CardsGroup, invoke_without_command=True)
@click.pass_context
def cards_group(ctx: click.Context) -> None:
    """The flashcards of notes (all notes when no PATH is given). Generated cards are marked with *.

    \b
    Usage: kb cards [PATH ...] [--tag T] [--json]   (the same as kb cards list ...)
    Examples:
      kb cards notes/books/atomic-habits.md
      kb cards --tag taxes --json
      kb cards orphans
    """
    if ctx.invoked_subcommand is None:
        _list((), None, False)


@cards_group.command("list")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option(
    "--tag", help="Only cards with this tag (or a tag under it), from the note or an in-note deck tag."
)
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def cards_list(paths: tuple[str, ...], tag: str | None, as_json: bool) -> None:
    """List cards, the same as plain `kb cards`.

    Example: kb cards list notes/ml --json
    """
    _list(paths, tag, as_json)


@cards_group.command("orphans")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def cards_orphans(as_json: bool) -> None:
    """Cards whose text vanished from their note (or whose note was deleted), with their review history kept.

    An orphan comes back, with its history, when its card reappears in any note.

    Example: kb cards orphans
    """
    from kb.cards.stored import list_cards, review_counts

    kb = get_kb()
    conn = open_index(kb)
    cards = list_cards(conn, orphans=True)
    counts = review_counts(conn, [c.id for c in cards])
    if as_json:
        echo_json([{**c.to_dict(), "reviews": counts.get(c.id, 0)} for c in cards])
        return
    for c in cards:
        front = " ".join(c.front.split())
        n = counts.get(c.id, 0)
        click.echo(f"{c.id}  {click.style(c.note, fg='cyan')}  {c.orphaned_at}  {n} reviews  {front}")
    click.echo(f"{len(cards)} orphaned cards", err=True)


@cards_group.command("suspend")
@click.argument("card_ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
def suspend_cmd(card_ids, as_json) -> None:
    """Suspend cards: they are not shown again until unsuspended (kept in the journal).

    Example: kb cards suspend 9f3c2a1b
    """
    _suspension(card_ids, as_json, suspend=True)


@cards_group.command("unsuspend")
@click.argument("card_ids", nargs=-1, required=True)
@click.option("--json", "as_json", is_flag=True, help="Print what was done as JSON.")
def unsuspend_cmd(card_ids, as_json) -> None:
    """Unsuspend cards (leeches too; they keep their leech flag).

    Example: kb cards unsuspend 9f3c2a1b
    """
    _suspension(card_ids, as_json, suspend=False)


def _suspension(card_ids, as_json: bool, *, suspend: bool) -> None:
    from kb.review import answers

    kb = get_kb()
    conn = open_index(kb, quiet=as_json)
    ids = answers.find_card_ids(conn, card_ids)
    (answers.suspend if suspend else answers.unsuspend)(kb, conn, ids)
    word = "suspended" if suspend else "unsuspended"
    if as_json:
        echo_json({word: ids})
    else:
        click.echo(f"{word} {len(ids)} card{'s' if len(ids) != 1 else ''}: {' '.join(ids)}")
