"""Helpers for the site tests: real `mkdocs build` runs (the knowledge base comes from conftest's make_kb), the
built site served on 127.0.0.1, and Debian's chromium driven by Playwright with every non-local request blocked."""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not installed at /usr/bin/chromium (run .ci/install-browser)",
)


def mkdocs_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    env["NO_MKDOCS_2_WARNING"] = "1"
    return env


def build(root: Path, *, strict: bool = True, site_dir: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real `mkdocs build` (as a user would) in ``root``; the kb plugin comes from this repository."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q" if not strict else "--strict"]
    if site_dir is not None:
        cmd += ["-d", str(site_dir)]
    return subprocess.run(cmd, cwd=root, env=mkdocs_env(), capture_output=True, text=True, timeout=300)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 on a free port; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def is_local(url: str) -> bool:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname in ("127.0.0.1", "localhost")


@contextmanager
def browser() -> Iterator:
    """Chromium through Playwright's Python API."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class PageWatch:
    """A page with the network limited to this machine; console errors, page errors and blocked requests kept."""

    def __init__(self, context):
        self.page = context.new_page()
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))

        def route(r):
            if is_local(r.request.url):
                r.continue_()
            else:
                self.blocked.append(r.request.url)
                r.abort()

        context.route("**/*", route)


def site_files(root: Path):
    """The notes of the knowledge base at ``root`` as MkDocs sees them: a minimal configuration (no theme, no
    plugins: what the kb plugin's parts are given) and the files of its notes folder."""
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import get_files

    config = MkDocsConfig(config_file_path=str(root / "mkdocs.yml"))
    config.load_dict({"site_name": "Test", "docs_dir": str(root / "notes"), "site_dir": str(root / "site")})
    errors, _warnings = config.validate()
    assert errors == [], errors
    config.plugins._current_plugin = (
        "kb"  # as while MkDocs runs the kb plugin's hook: what File.generated reads
    )
    return config, get_files(config)


def site_notes(root: Path):
    """``site_files`` of ``root`` and the kb plugin's notes read from them: (config, files, SiteNotes)."""
    from kb.site.notes import SiteNotes

    config, files = site_files(root)
    notes = SiteNotes()
    notes.configure(notes.settings, "notes")
    notes.read(files)
    return config, files, notes
