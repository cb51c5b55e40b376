"""Shared pieces of the CLI: resolving the knowledge base, opening an up-to-date index, printing JSON."""

from __future__ import annotations

import json
import sqlite3
import sys
from typing import Any

import click

from kb.config import KnowledgeBase
from kb.errors import KbError


def get_kb(ctx: click.Context | None = None) -> KnowledgeBase:
    ctx = ctx or click.get_current_context()
    root_obj = ctx.find_root().obj or {}
    cached = root_obj.get("kb")
    if cached is None:
        from kb.configcache import open_kb

        cached = open_kb(
            root_obj.get("root")
        )  # KnowledgeBase.open, without re-parsing an unchanged mkdocs.yml
        root_obj["kb"] = cached
    return cached


def open_index(kb: KnowledgeBase, *, quiet: bool = False) -> sqlite3.Connection:
    """Open the store and bring the index up to date, so no command ever needs a separate `kb index`.

    Broken notes are reported on stderr, one line each; the command goes on with the rest.
    """
    from kb.configcache import remember_opened
    from kb.indexer import index
    from kb.store import open_store

    conn = open_store(kb.db)
    remember_opened(kb)
    report = index(kb, conn)
    if not quiet:
        for err in report.errors:
            click.echo(f"warning: {err}", err=True)
    return conn


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


def fail(message: str) -> None:
    raise KbError(message)


def stdout_is_tty() -> bool:
    return sys.stdout.isatty()
