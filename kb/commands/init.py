"""``kb init --from-obsidian``: take the card settings of a vault's Obsidian Spaced Repetition plugin into the
``kb`` plugin's options in mkdocs.yml (shown first; never a note touched).

mkdocs.yml is edited as text, not rewritten from YAML, so its comments, order and tags stay as they are: the
options go under ``- kb:`` in ``plugins`` (an option already there is replaced). The edit is checked by reading the
result back; when it would not give exactly these options (an unusual layout), nothing is written and the block to
paste is shown instead.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import click

from kb.errors import KbError

_PLUGINS_RE = re.compile(r"^plugins:[ \t]*(#.*)?$")
_KB_ITEM_RE = re.compile(r"^([ \t]*)-[ \t]*kb[ \t]*(:)?[ \t]*(#.*)?$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def render(options: dict) -> list[str]:
    """The options as YAML lines (values in JSON, which YAML reads as written: ``"::"`` stays a string)."""
    return [f"{key}: {json.dumps(value, ensure_ascii=False)}" for key, value in options.items()]


def _set_in_kb_block(lines: list[str], at: int, options: dict) -> list[str]:
    """``lines`` with ``options`` set in the kb item at line ``at`` (``- kb`` or ``- kb:``)."""
    dash = _indent(lines[at])
    end = at + 1
    while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > dash):
        end += 1
    while end > at + 1 and not lines[end - 1].strip():
        end -= 1
    body = lines[at + 1 : end]
    ind = next((_indent(ln) for ln in body if ln.strip() and not ln.lstrip().startswith("#")), dash + 4)
    for key in options:
        i = 0
        while i < len(body):
            if _indent(body[i]) == ind and body[i].lstrip().startswith(f"{key}:"):
                j = i + 1
                while j < len(body) and (not body[j].strip() or _indent(body[j]) > ind):
                    j += 1
                del body[i:j]
            else:
                i += 1
    head = lines[at].split("#", 1)[0].rstrip().rstrip(":") + ":"
    new_body = [" " * ind + ln for ln in render(options)] + body
    return lines[:at] + [head] + new_body + lines[end:]


def edited(text: str, options: dict) -> str:
    """mkdocs.yml's text with the kb plugin's options set (see the module docstring)."""
    lines = text.split("\n")
    trailing = lines and lines[-1] == ""
    if trailing:
        lines = lines[:-1]
    start = next((i for i, ln in enumerate(lines) if _PLUGINS_RE.match(ln)), None)
    if start is None:
        lines += ["plugins:", "  - kb:"] + ["      " + ln for ln in render(options)]
    else:
        end = start + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][:1] in " \t-#"):
            end += 1
        kb_at = next((i for i in range(start + 1, end) if _KB_ITEM_RE.match(lines[i])), None)
        if kb_at is not None:
            lines = _set_in_kb_block(lines, kb_at, options)
        else:
            item = next((ln for ln in lines[start + 1 : end] if ln.lstrip().startswith("-")), "  - x")
            dash = " " * _indent(item)
            lines[start + 1 : start + 1] = [f"{dash}- kb:"] + [dash + "    " + ln for ln in render(options)]
    return "\n".join(lines) + ("\n" if trailing else "")


def _kb_changes(options: dict) -> dict:
    """The options whose value differs from kb's default (checked as kb reads them)."""
    from kb.config import Settings, make_settings

    defaults = Settings()
    read = make_settings(options)
    return {k: v for k, v in options.items() if getattr(read, k) != getattr(defaults, k)}


def _loads(text: str) -> dict:
    import yaml

    from kb.config import _yaml_loader

    data = yaml.load(text, Loader=_yaml_loader())  # noqa: S506 - the loader is a SafeLoader subclass
    return data if isinstance(data, dict) else {}


def _check(old: str, new: str, options: dict) -> bool:
    """Whether ``new`` reads as ``old`` with exactly these kb options set."""
    from kb.config import plugin_options

    try:
        before, after = _loads(old), _loads(new)
    except Exception:  # noqa: BLE001 - an edit that does not parse is not written
        return False
    got = plugin_options(after)
    want = {**plugin_options(before), **options}
    strip = {k: v for k, v in after.items() if k != "plugins"}
    return got == want and strip == {k: v for k, v in before.items() if k != "plugins"}


def _site_notice(config: Path, text: str) -> None:
    """A line naming what an existing mkdocs.yml lacks for the kb site (it is left as it is)."""
    from kb.commands.vault_site import missing_site_parts

    try:
        missing = missing_site_parts(_loads(text))
    except Exception:  # noqa: BLE001 - a file that does not parse is reported by the check below
        return
    if missing:
        click.echo(
            f"{config}: the site needs {', '.join(missing)}; copy them from the mkdocs.yml `kb init "
            "--from-obsidian --vault VAULT` writes in an empty folder (README, Coming from Obsidian)"
        )


@click.command("init")
@click.option(
    "--from-obsidian",
    "from_obsidian",
    is_flag=True,
    required=True,
    help="Take the Obsidian Spaced Repetition plugin's card settings from the vault's .obsidian folder.",
)
@click.option(
    "--vault",
    type=click.Path(file_okay=False, exists=True),
    help="The vault folder. Default: the notes folder (docs_dir) of the knowledge base here.",
)
@click.option("--yes", "-y", is_flag=True, help="Write without asking.")
@click.option("--dry-run", is_flag=True, help="Only show what would be written.")
@click.pass_context
def init_cmd(ctx: click.Context, from_obsidian: bool, vault: str | None, yes: bool, dry_run: bool) -> None:
    """Set kb up for an Obsidian vault: its Spaced Repetition plugin's separators, cloze patterns and flashcard
    tags become the kb plugin's options in mkdocs.yml (shown first; notes are never touched).

    With no mkdocs.yml here or above, a complete one is made in the current folder (docs_dir pointing at --vault,
    the Material theme and the Markdown extensions the kb site needs).

    Example: kb init --from-obsidian
    """
    from kb.cards.osrdata import DATA_FILE, options_from_plugin, plugin_settings
    from kb.commands.vault_site import new_config
    from kb.config import CONFIG_NAME, find_root, notes_dir

    root_opt = (ctx.find_root().obj or {}).get("root")
    try:
        root = find_root(explicit=root_opt)
    except KbError:
        if vault is None:
            raise KbError(
                f"{Path.cwd()}: no {CONFIG_NAME} here or above; run `kb init --from-obsidian --vault VAULT` "
                "from the folder that should hold it"
            ) from None
        root = None
    folder = Path(vault).resolve() if vault else notes_dir(root)
    settings = plugin_settings(folder)
    if not settings:
        if root is not None or not folder.is_dir() or not any(folder.rglob("*.md")):
            raise KbError(
                f"{folder / DATA_FILE}: no Obsidian Spaced Repetition settings here; is {folder} the vault?"
            )
        # a vault whose plugin settings were never changed has no data.json: the plugin's defaults are kb's
        click.echo(f"{folder / DATA_FILE}: none, so the plugin's default settings (kb's own defaults)")
    options, not_carried = options_from_plugin(settings)
    options = _kb_changes(options)
    config = (root or Path.cwd()) / CONFIG_NAME
    if root is None:
        rel = os.path.relpath(folder, Path.cwd())
        if rel == ".":
            raise KbError(
                f"{folder}: mkdocs.yml cannot sit inside its notes folder; run this from the folder above"
            )
        old = ""
        new = edited(new_config(folder.name, rel), options)
    else:
        old = config.read_text(encoding="utf-8")
        new = edited(old, options)
    click.echo(f"From {folder / DATA_FILE}, kb will set in {config}:")
    click.echo("\n".join("  " + ln for ln in render(options)))
    for note in not_carried:
        click.echo(f"not carried over: {note}")
    if old:
        _site_notice(config, old)
    else:
        click.echo("with the Material theme and the Markdown extensions the kb site needs (`mkdocs serve`)")
    if old and not _check(old, new, options):
        click.echo(f"kb cannot place them in {config} safely; paste them under `- kb:` in plugins yourself.")
        raise SystemExit(1)
    if dry_run or (not yes and not click.confirm("Write them?", default=True)):
        click.echo("nothing written")
        return
    tmp = config.with_name(f"{config.name}.{os.getpid()}.tmp")
    tmp.write_text(new, encoding="utf-8")
    os.replace(tmp, config)
    click.echo(f"wrote {config}")
    from kb.commands import refresh
    from kb.config import KnowledgeBase

    _, report, _ = refresh(KnowledgeBase.open(config.parent), full=True)  # every note read again with them
    click.echo(report.summary())
