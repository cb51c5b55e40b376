"""Commands about reviewing: review, due, stats, optimize."""

from __future__ import annotations

import sys

import click

from kb.commands import echo_json, get_kb, open_index


def _filters(tag, note_type, note, kb=None):
    from kb.review.queue import Filters

    if note and kb is not None:
        # relative to here, to the root or to the notes folder; a path that does not exist is a clear error
        from kb.commands.cards import resolve_note_paths

        (note,) = resolve_note_paths(kb, (note,))
    return Filters(tag=tag, type=note_type, note=note)


def _scope_options(f):
    f = click.option("--note", "note", metavar="PATH", help="Only cards of this note (notes/books/x.md).")(f)
    f = click.option("--type", "note_type", help="Only cards of notes of this type (book, podcast, ...).")(f)
    f = click.option(
        "--tag", help="Only cards with this tag (or a tag under it: taxes matches taxes/federal)."
    )(f)
    return f


@click.command("review")
@_scope_options
@click.option("--limit", "-n", type=click.IntRange(1), help="Stop after this many cards.")
@click.option(
    "--new", "new", type=click.IntRange(0), help="New cards to introduce now (default: new_per_day left)."
)
@click.option("--json", "as_json", is_flag=True, help="With piped input: print the end summary as JSON.")
@click.option(
    "--web", is_flag=True, help="Review in the browser: math, images, sounds and code as on the site."
)
@click.option(
    "--host",
    metavar="ADDRESS",
    help="With --web: listen on this address instead of 127.0.0.1 (0.0.0.0: your local network, for a phone).",
)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="With --web: the port (default: any free one)."
)
@click.option("--no-browser", is_flag=True, help="With --web: print the address, do not open a browser.")
def review_cmd(tag, note_type, note, limit, new, as_json, web, host, port, no_browser) -> None:
    """Review the cards due today, then new ones, scheduled with FSRS.

    In a terminal: Space or Enter shows the answer; 1 Again, 2 Hard, 3 Good, 4 Easy (each shows the interval it
    would give); u undoes the last answer, s suspends the card, b buries it until tomorrow, e opens the note at the
    card's line in $VISUAL/$EDITOR, q quits. Every answer is saved (database and .kb/journal/) before the next card.

    \b
    With piped input (not a terminal), each card is printed as a block:
      --- card N (new N · learning N · review N)
      id: ID  note: PATH:LINE  queue: new|learning|review
      Q: front
      A: back
      grades: 1 again 1m | 2 hard 6m | 3 good 10m | 4 easy 3d
    (a multi-line side continues on lines indented by three spaces) and one line is read: 1-4 (or
    again/hard/good/easy), u (undo), s (suspend), b (bury) or q (quit); end of input ends the session.

    \b
    Examples:
      kb review
      kb review --tag taxes --limit 20
      printf '3\\n3\\n1\\n' | kb review --note notes/books/atomic-habits.md

    \b
    With --web, the same session runs in your browser (same keys, buttons showing each grade's next interval):
    a local server on 127.0.0.1 whose address carries a secret made at start-up; --host 0.0.0.0 makes it
    reachable from your local network (a phone) and prints the address to open there.
      kb review --web
      kb review --web --tag ml --host 0.0.0.0 --no-browser
    """
    from kb.review.clock import local_zone, now
    from kb.review.queue import Queue
    from kb.review.terminal import LineUI, TerminalUI, run_session

    kb = get_kb()
    conn = open_index(kb)
    queue = Queue(
        conn,
        kb.settings,
        now(),
        tz=local_zone(),
        filters=_filters(tag, note_type, note, kb),
        new_limit=new,
        limit=limit,
    )

    def reindex():
        from kb.index.indexer import index

        index(kb, conn)

    if web or host is not None:
        _review_web(kb, conn, queue, host=host, port=port, open_browser=not no_browser, reindex=reindex)
        return
    interactive = sys.stdin.isatty() and sys.stdout.isatty()
    ui = TerminalUI() if interactive else LineUI()
    try:
        if interactive:
            with ui:  # the terminal in cbreak mode for the session, put back however it ends
                summary = run_session(kb, conn, queue, ui, reindex=reindex)
        else:
            summary = run_session(kb, conn, queue, ui, reindex=reindex)
    except KeyboardInterrupt:
        click.echo("\nkb review: interrupted; every answer given so far is saved.", err=True)
        sys.exit(130)
    if as_json and not interactive:
        echo_json(summary.to_dict())
    else:
        ui.summary(summary)


def _review_web(kb, conn, queue, *, host, port, open_browser, reindex) -> None:
    from kb.review.terminal import LineUI
    from kb.web.server import run_web_review

    try:
        summary = run_web_review(
            kb, conn, queue, host=host, port=port, open_browser=open_browser, reindex=reindex, echo=click.echo
        )
    except KeyboardInterrupt:
        click.echo("\nkb review: stopped; every answer given so far is saved.", err=True)
        sys.exit(130)
    LineUI().summary(summary)


@click.command("due")
@_scope_options
@click.option("--json", "as_json", is_flag=True, help="Print the counts as JSON.")
def due_cmd(tag, note_type, note, as_json) -> None:
    """How many cards are due today (learning + review) and new, in total and by type and tag.

    Example: kb due --json
    """
    from kb.review.clock import local_zone, now
    from kb.review.stats import due_counts

    kb = get_kb()
    conn = open_index(kb, quiet=as_json)
    data = due_counts(conn, now(), kb.settings, local_zone(), _filters(tag, note_type, note, kb))
    if as_json:
        echo_json(data)
        return
    t = data["total"]
    click.echo(
        f"Due today: {t['learning']} learning, {t['review']} review; {t['new']} new available "
        f"(limits: {kb.settings.new_per_day} new, {kb.settings.reviews_per_day} reviews a day)."
    )
    left = data["today"]
    click.echo(
        f"kb review shows today: {left['new']} new, {left['learning']} learning, {left['review']} review"
        + (" (today's new cards are done: new_per_day)." if t["new"] and not left["new"] else ".")
    )
    for label, key in (("By type", "by_type"), ("By tag", "by_tag")):
        rows = data[key]
        if rows:
            click.echo(f"{label}:")
            width = max(len(name) for name in rows)
            for name, c in rows.items():
                click.echo(f"  {name:<{width}}  {c['due']:>5} due  {c['new']:>5} new")


@click.command("stats")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 365), help="Forecast length.")
@click.option("--json", "as_json", is_flag=True, help="Print everything as JSON.")
def stats_cmd(days, as_json) -> None:
    """Your reviewing: today, the forecast, true retention over 30 days, streak and a calendar heatmap.

    Example: kb stats --json
    """
    from kb.review.clock import local_zone, now
    from kb.review.stats import compute_stats

    kb = get_kb()
    conn = open_index(kb, quiet=as_json)
    data = compute_stats(conn, now(), kb.settings, tz=local_zone(), forecast_days=days)
    if as_json:
        echo_json(data)
        return
    from rich.console import Console

    from kb.review.terminal_stats import render_stats

    render_stats(data, Console())


@click.command("optimize")
@click.option(
    "--min-reviews",
    default=400,
    show_default=True,
    type=click.IntRange(1),
    help="Fit only with at least this many reviews.",
)
@click.option("--dry-run", is_flag=True, help="Fit and report, but do not save the parameters.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def optimize_cmd(min_reviews, dry_run, as_json) -> None:
    """Fit FSRS parameters to your own review history and save them to .kb/parameters.json.

    Reports log loss and RMSE (bins) with the parameters in use and with the fitted ones. The scheduler uses the
    saved parameters from then on (a `parameters` list in mkdocs.yml's kb plugin options takes precedence).
    Needs the optional extra: pip install 'kb[optimize]'.

    Example: kb optimize --dry-run
    """
    from kb.review.optimize import optimize

    kb = get_kb()
    conn = open_index(kb, quiet=as_json)
    report = optimize(kb, conn, min_reviews=min_reviews, save=not dry_run)
    if as_json:
        echo_json(report.to_dict())
        return
    click.echo(report.describe())
