"""The ``kb`` command line: one click group whose commands live in ``kb/commands/`` and load only when used.

Commands import their modules lazily so that a no-op ``kb index`` pays only for Python, click and a stat of each
note. Domain errors (``KbError``) become one-line messages with exit status 1, never tracebacks.

``kb index`` and ``kb index -q`` (optionally after ``--root DIR``), which every editor hook and shell prompt may run,
take a fast path in ``main()`` that does not import click at all (importing click costs more than a stat of
every note); it prints and exits exactly as the click command does. The click app itself (``cli``, ``LazyGroup``) is
built on first access to those names, so importing this module stays cheap.
"""

from __future__ import annotations

import importlib
import sys

from kb import __version__
from kb.errors import KbError

# name -> "module:attribute". Each command module holds the commands of one concept.
COMMANDS = {
    "index": "kb.commands.notes:index_cmd",
    "check": "kb.commands.notes:check_cmd",
    "search": "kb.commands.notes:search_cmd",
    "notes": "kb.commands.notes:notes_group",
    "tags": "kb.commands.notes:tags_cmd",
    "schema": "kb.commands.notes:schema_cmd",
    "add": "kb.commands.add:add_cmd",
    "review": "kb.commands.review:review_cmd",
    "due": "kb.commands.review:due_cmd",
    "stats": "kb.commands.review:stats_cmd",
    "optimize": "kb.commands.review:optimize_cmd",
    "cards": "kb.commands.cards:cards_group",
    "export": "kb.commands.anki:export_group",
    "import": "kb.commands.anki:import_group",
    "quiz": "kb.commands.quiz:quiz_cmd",
    "init": "kb.commands.init:init_cmd",
}


def _build_app():
    """Define the click group (imports click). Called once, on first access to ``cli`` or ``LazyGroup``."""
    import click

    class LazyGroup(click.Group):
        """A click group that imports a command's module only when that command runs (or help lists it)."""

        def __init__(self, *args, lazy: dict[str, str] | None = None, **kwargs):
            super().__init__(*args, **kwargs)
            self.lazy = dict(lazy or {})

        def list_commands(self, ctx: click.Context) -> list[str]:
            return sorted({*super().list_commands(ctx), *self.lazy})

        def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
            if cmd_name in self.lazy:
                module_name, attr = self.lazy[cmd_name].split(":")
                return getattr(importlib.import_module(module_name), attr)
            return super().get_command(ctx, cmd_name)

        def resolve_command(self, ctx: click.Context, args: list[str]):
            """As click's, with "Did you mean" drawn from every command name (the lazy ones are not in
            ``self.commands``, where click looks)."""
            cmd_name = click.utils.make_str(args[0])
            if cmd_name not in self.lazy and cmd_name not in self.commands and not cmd_name.startswith("-"):
                from click.exceptions import NoSuchCommand

                raise NoSuchCommand(cmd_name, possibilities=self.list_commands(ctx), ctx=ctx)
            return super().resolve_command(ctx, args)

        def invoke(self, ctx: click.Context):
            try:
                return super().invoke(ctx)
            except KbError as exc:
                raise click.ClickException(str(exc)) from None
            except Exception as exc:
                message = environment_error(exc)
                if message is None:
                    raise
                raise click.ClickException(message) from None

    @click.group(
        cls=LazyGroup,
        lazy=COMMANDS,
        context_settings={"help_option_names": ["-h", "--help"]},
    )
    @click.version_option(__version__, "--version", prog_name="kb")
    @click.option(
        "--root",
        type=click.Path(file_okay=False),
        envvar="KB_ROOT",
        help="Knowledge-base folder (holds mkdocs.yml). Default: found by walking up from here. Env: KB_ROOT.",
    )
    @click.pass_context
    def cli(ctx: click.Context, root: str | None) -> None:
        """kb: your summary notes, indexed, searchable, and turned into flashcards you review with FSRS.

        \b
        Daily use:
          kb review            review the cards due today
          kb add "Deep Work" --type book     capture a new note
          kb search "habit stacking"         search every note
          kb quiz --tag taxes                quiz yourself on a topic
        """
        ctx.obj = {"root": root}

    return LazyGroup, cli


def environment_error(exc: BaseException) -> str | None:
    """A one-line explanation for failures of the machine rather than of kb (disk full, read-only folder)."""
    import errno
    import sqlite3

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{exc.filename or 'disk'}: no space left on the device; free some space and run the command again"
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return (
            f"{exc.filename}: permission denied or read-only ({exc.strerror}); check the folder's permissions"
        )
    if isinstance(exc, sqlite3.DatabaseError):
        text = str(exc)
        if "readonly" in text or "read-only" in text:
            return f"the database is read-only ({text}); check the permissions of the .kb folder"
        if "disk" in text and ("full" in text or "I/O" in text):
            return f"cannot write the database ({text}); free some disk space and run the command again"
        if "locked" in text or "busy" in text:
            return f"the database stayed busy ({text}); another kb command holds it, try again when it ends"
        if "malformed" in text or "not a database" in text:
            return (
                f"the database is damaged ({text}); move .kb/kb.db aside and run the command again to rebuild it "
                "from your notes and review journal"
            )
    return None


def __getattr__(name: str):
    # PEP 562: `from kb.cli import cli` builds the click app on first use; `kb index` never pays for it.
    if name in ("cli", "LazyGroup"):
        g = globals()
        g["LazyGroup"], g["cli"] = _build_app()
        return g[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    fast = _fast_index_args(sys.argv[1:])
    if fast is not None:
        sys.exit(_fast_index(*fast))
    import click

    try:
        __getattr__("cli")(prog_name="kb")
    except KbError as exc:  # raised outside a command's invoke (e.g. while resolving the root)
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)


def _fast_index_args(argv: list[str]) -> tuple[str | None, bool] | None:
    """(root, quiet) when the command line is exactly ``[--root DIR] index [-q|--quiet]``, else None."""
    root = None
    if len(argv) >= 2 and argv[0] == "--root":
        root, argv = argv[1], argv[2:]
    elif argv and argv[0].startswith("--root="):
        root, argv = argv[0][len("--root=") :], argv[1:]
    if argv == ["index"]:
        return root, False
    if argv in (["index", "-q"], ["index", "--quiet"]):
        return root, True
    return None


def _fast_index(root: str | None, quiet: bool) -> int:
    """``kb index`` without click: the same work (index, then journal replay), output and exit status as
    ``kb.commands.notes.index_cmd``.

    When nothing changed since the last up-to-date scan (kb.index.scanstate.quick_index), that is all it does: a stat of
    each note and one query, with nothing imported beyond sqlite3. Otherwise, while mkdocs.yml is unchanged it is
    not parsed either (the cache in kb.config), and the notes table is compared row by row (kb.index.planning.plan).
    """
    from kb.index.scanstate import quick_index
    from kb.layout import count_scanned

    count, scanned = quick_index(root)
    if count is not None:
        if not quiet:
            # IndexReport.summary() of a plan with nothing to do
            print(f"{count_scanned(count, scanned.text)}, up to date")
        return 0
    from kb.config import KnowledgeBase, cached_kb, db_path, find_root, remember
    from kb.index.indexer import apply, plan
    from kb.store.connection import open_store

    try:
        found = find_root(explicit=root)
        kb = cached_kb(found, db_path(found))
        fresh = kb is None
        if (
            fresh
        ):  # mkdocs.yml changed (or first run): parse and validate it, as every click command does first
            kb = KnowledgeBase.open(found)
        conn = open_store(kb.db)
        if fresh:
            remember(kb)  # now that .kb/ exists
        report = apply(kb, conn, plan(kb.notes, kb.root, conn, config_key=kb.config_key, scanned=scanned))
        warnings = replay_journal(kb, conn)
        adopt_schedules(kb, conn)
    except KbError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # disk full, read-only folder: one line, as LazyGroup.invoke says it
        message = environment_error(exc)
        if message is None:
            raise
        print(f"Error: {message}", file=sys.stderr)
        return 1
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for err in report.errors:
        print(str(err), file=sys.stderr)
    if report.errors:
        print(f"kb index: {report.summary()}; fix the notes above and run kb index again", file=sys.stderr)
        return 1
    if not quiet:
        print(report.summary())
    return 0


def replay_journal(kb, conn) -> list[str]:
    """``kb.review.sync_journal``'s warnings, with kb.review imported only when a journal file differs from what the
    database last replayed: kb.review and the scheduler cost more to import than the rest of a no-op index (or of a
    search). Every command runs this after bringing the index up to date (``_fast_index``, ``kb.commands.refresh``).
    """
    from kb.review.journal import journal_files

    replayed = {
        name: (size, mtime)
        for name, size, mtime in conn.execute("SELECT name, size, mtime_ns FROM journal_files")
    }
    if all(
        replayed.get(path.name) == (st.st_size, st.st_mtime_ns) for path, st in journal_files(kb.journal_dir)
    ):
        return []
    from kb.review.replay import sync_journal

    return list(sync_journal(kb, conn).warnings)


def adopt_schedules(kb, conn) -> int:
    """Cards with an Obsidian Spaced Repetition schedule and no history start from it (``kb.review.adopt``): run
    after the index and the replay. One indexed query when no card is waiting (kb.review is not imported then)."""
    if conn.execute("SELECT 1 FROM sr_pending LIMIT 1").fetchone() is None:
        return 0
    from kb.review.adopt import adopt

    return adopt(kb, conn)


if __name__ == "__main__":
    main()
