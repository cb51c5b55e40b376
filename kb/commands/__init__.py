"""Shared pieces of the CLI: resolving the knowledge base, opening an up-to-date index, printing JSON."""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import click

from kb.config import KnowledgeBase


def get_kb(ctx: click.Context | None = None) -> KnowledgeBase:
    ctx = ctx or click.get_current_context()
    root_obj = ctx.find_root().obj or {}
    cached = root_obj.get("kb")
    if cached is None:
        from kb.config import open_kb

        cached = open_kb(
            root_obj.get("root")
        )  # KnowledgeBase.open, without re-parsing an unchanged mkdocs.yml
        root_obj["kb"] = cached
    return cached


def refresh(kb: KnowledgeBase, *, full: bool = False):
    """Open the store, bring the index up to date with the notes and replay new review-journal lines.

    Returns (connection, index report, the replay's warnings). The connection closes when the command ends.
    """
    from kb.cli import adopt_schedules, replay_journal
    from kb.config import remember_opened
    from kb.index.indexer import index
    from kb.store.connection import open_store

    conn = open_store(kb.db)
    remember_opened(kb)
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        ctx.call_on_close(conn.close)
    report = index(kb, conn, full=full)
    warnings = replay_journal(kb, conn)  # answers from other devices, or a database rebuilt from the journals
    adopt_schedules(kb, conn)  # cards starting from an Obsidian Spaced Repetition schedule
    return conn, report, warnings


def open_index(kb: KnowledgeBase, *, quiet: bool = False) -> sqlite3.Connection:
    """Open an up-to-date store (see ``refresh``), so no command ever needs a separate `kb index` and a deleted
    database comes back with every schedule.

    Broken notes are reported on stderr, one line each; the command goes on with the rest.
    """
    conn, report, warnings = refresh(kb)
    if not quiet:
        for err in report.errors:
            click.echo(f"warning: {err}", err=True)
        for warning in warnings:
            click.echo(f"warning: {warning}", err=True)
    return conn


def resolve_path(kb: KnowledgeBase, raw: str) -> str | None:
    """A note or folder typed on the command line, as its root-relative path (``notes/ml/rnns.md``), or None.

    Tried from the current folder, from the root and from the notes folder, each also with ``.md`` added, so
    ``ml/rnns``, ``notes/ml/rnns.md`` and an absolute path all name the same note.
    """
    from pathlib import Path

    typed = Path(raw.replace("\\", "/")).expanduser()
    names = [typed] if typed.suffix == ".md" else [typed, typed.with_name(typed.name + ".md")]
    for base in (Path.cwd(), kb.root, kb.notes):
        for name in names:
            candidate = base / name  # an absolute name ignores the base
            if candidate.exists() and candidate.resolve().is_relative_to(kb.root):
                return kb.rel(candidate)
    return None


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
