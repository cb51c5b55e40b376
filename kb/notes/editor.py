"""The user's editor: which one (``editor_command``) and running it in this terminal (``run_editor``).

``kb add`` opens it on the new note; the review terminal opens it on a card's line (``at_line``).
"""

from __future__ import annotations

import os
from pathlib import Path

from kb.errors import KbError


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


def at_line(argv: list[str], path: Path, line: int) -> list[str]:
    """The editor's command opening ``path`` at ``line``, the ``+LINE file`` way every common editor takes."""
    return [*argv, f"+{line}", str(path)]
