"""Commands about cards: ``kb cards`` (list), ``kb cards orphans``, ``kb cards suspend`` / ``unsuspend``.

The group is ``invoke_without_command``: plain ``kb cards`` lists. Suspension is journaled by ``kb.review.answers``.
"""

from __future__ import annotations

import click

from kb.commands import echo_json, get_kb, open_index, resolve_path
from kb.errors import KbError
from kb.store.connection import in_chunks


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


def _explain(paths: tuple[str, ...], as_json: bool) -> None:
    from kb.cards.explain import explain_notes

    kb = get_kb()
    if not paths:
        raise KbError("--explain needs a note or folder: kb cards --explain notes/books/atomic-habits.md")
    conn = open_index(kb, quiet=as_json)
    reports = explain_notes(kb, conn, resolve_note_paths(kb, paths))
    if as_json:
        echo_json(
            [
                {
                    "note": r.note,
                    "line": r.line,
                    "bullet": r.text,
                    "skipped": r.skipped,
                    "cards": [{"kind": k, "front": f, "answer": a} for k, f, a in r.cards],
                }
                for r in reports
            ]
        )
        return
    for r in reports:
        where = click.style(f"{r.note}:{r.line}", fg="cyan")
        click.echo(f"{where}  {' '.join(r.text.split())}")
        if r.skipped:
            click.echo(f"    no card: {r.skipped}")
        for kind, front, answer in r.cards:
            click.echo(f"    {kind}: {' '.join(front.split())}  ->  {' '.join(answer.split())}")
    skipped = sum(1 for r in reports if r.skipped)
    click.echo(f"{len(reports)} key-point bullets, {skipped} without a card", err=True)


_NEW = {"state": "new", "due": None, "interval": None}
_STATES = {1: "learning", 2: "review", 3: "relearning"}


def _schedules(kb, conn, ids: list[str]) -> dict[str, dict]:
    """Each scheduled card's state, due review day (local, ``YYYY-MM-DD``), exact due time and interval in days (from
    its last review to its due day); a card missing here is new."""
    from kb.review.clock import local_zone, parse_iso, review_day

    tz, starts = local_zone(), kb.settings.day_starts_at
    out: dict[str, dict] = {}
    for chunk, marks in in_chunks(ids):
        rows = conn.execute(
            f"SELECT card_id, state, due, last_review FROM card_state WHERE card_id IN ({marks})",
            chunk,
        )
        for card_id, state, due, last in rows:
            day = review_day(parse_iso(due), starts, tz)
            interval = (day - review_day(parse_iso(last), starts, tz)).days if last else None
            out[card_id] = {
                "state": _STATES.get(state, "review"),
                "due": day.isoformat(),
                "due_at": due,
                "interval": interval,
            }
    return out


def _list(paths: tuple[str, ...], tag: str | None, as_json: bool, explain: bool = False) -> None:
    from kb.cards.stored import list_cards

    if explain:
        _explain(paths, as_json)
        return
    kb = get_kb()
    try:
        resolved = resolve_note_paths(kb, paths)
    except KbError:
        _suggest_subcommand(paths)
        raise
    conn = open_index(kb)
    cards = list_cards(conn, paths=resolved, tag=tag)
    schedules = _schedules(kb, conn, [c.id for c in cards])
    if as_json:
        echo_json([{**c.to_dict(), "schedule": schedules.get(c.id, _NEW)} for c in cards])
        return
    for c in cards:
        where = click.style(f"{c.note}:{c.line}", fg="cyan")
        kind = c.kind + ("*" if c.generated else "")
        front = " ".join(c.front.split())
        back = " ".join(c.back.split())
        sched = schedules.get(c.id)
        due = click.style(f"  (due {sched['due']})", dim=True) if sched else ""
        click.echo(f"{c.id}  {where}  {kind:<11} {front}  ->  {back}{due}")
    click.echo(f"{len(cards)} cards", err=True)


def _suggest_subcommand(paths: tuple[str, ...]) -> None:
    """``kb cards orphns``: a first argument that names no note but is close to a subcommand's name was most
    likely that subcommand mistyped, so the answer is "Did you mean" rather than "no such note"."""
    import difflib

    ctx = click.get_current_context()
    if not paths or not ctx.meta.get(IMPLICIT_LIST) or "/" in paths[0] or paths[0].endswith(".md"):
        return
    close = difflib.get_close_matches(paths[0], sorted(cards_group.commands), n=1, cutoff=0.6)
    if close:
        raise click.UsageError(
            f"No such note, folder or command '{paths[0]}'. Did you mean '{close[0]}'?", ctx=ctx.parent
        )


IMPLICIT_LIST = "kb.cards.implicit_list"  # ctx.meta: the arguments were given without a subcommand name


class CardsGroup(click.Group):
    """``kb cards ARGS`` without a subcommand name means ``kb cards list ARGS`` (so PATH and --tag work directly)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("-h", "--help"):
            args = ["list", *args]
            ctx.meta[IMPLICIT_LIST] = True
        return super().parse_args(ctx, args)


@click.group("cards", cls=CardsGroup, invoke_without_command=True)
@click.pass_context
def cards_group(ctx: click.Context) -> None:
    """The flashcards of notes (all notes when no PATH is given), each with its id (for kb cards suspend ID).
    Generated cards are marked with *.

    \b
    Usage: kb cards [PATH ...] [--tag T] [--json] [--explain]   (the same as kb cards list ...)
    Examples:
      kb cards notes/books/atomic-habits.md
      kb cards --explain notes/books/atomic-habits.md
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
@click.option(
    "--explain",
    is_flag=True,
    help="For each key-point bullet of PATH: the cards generated from it, or why it gave none.",
)
def cards_list(paths: tuple[str, ...], tag: str | None, as_json: bool, explain: bool) -> None:
    """List cards, the same as plain `kb cards`.

    Example: kb cards list notes/ml --json
    """
    _list(paths, tag, as_json, explain)


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
