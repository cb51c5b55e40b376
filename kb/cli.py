"""The ``kb`` command line: one click group whose commands live in ``kb/commands/`` and load only when used.

Commands import their modules lazily so that a no-op ``kb index`` pays only for Python, click and a stat of each
note. Domain errors (``KbError``) become one-line messages with exit status 1, never tracebacks.
"""

from __future__ import annotations

import importlib
import sys

import click

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
}


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


def main() -> None:
    try:
        cli(prog_name="kb")
    except KbError as exc:  # raised outside a command's invoke (e.g. while resolving the root)
        click.echo(f"Error: {exc}", err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
