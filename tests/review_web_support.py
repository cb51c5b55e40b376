"""Helpers for the `kb review --web` tests: a knowledge base with an ML note (math), a code card, and an Anki deck
imported for real (a card with an image and a sound), and the server run as a user runs it, as a new process."""

from __future__ import annotations

import json
import os
import select
import struct
import subprocess
import sys
import textwrap
import time
import urllib.error
import urllib.request
import zlib
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
NOW = "2026-03-02T09:00:00Z"

ML_NOTE = r"""
---
title: Backpropagation
type: ml
tags: [ml]
---
# Backpropagation

## Cards

What does the chain rule give for $\frac{\partial L}{\partial w}$ through $z = wx + b$?::$\frac{\partial L}{\partial w} = \frac{\partial L}{\partial z} \cdot x$

Cross-entropy of a softmax output::$$H(p, q) = -\sum_{i=1}^{K} p_i \log q_i$$
"""

CODE_NOTE = """
---
title: Git Internals
type: git
tags: [git]
---
# Git Internals

??? question "Which command prints the type of an object?"
    ```bash
    git cat-file -t HEAD  # prints "commit"
    ```

How do you show a blob's content?::`git cat-file -p <sha>`
"""


def png(width: int = 160, height: int = 90) -> bytes:
    """A real PNG: a blue band over an orange one, with a dark square (so a screenshot shows it)."""
    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            if 20 <= x < 60 and 20 <= y < 60:
                row += bytes((30, 30, 40))
            elif y < height // 2:
                row += bytes((40, 110, 220))
            else:
                row += bytes((240, 140, 30))
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows)))
        + chunk(b"IEND", b"")
    )


def write(root: Path, rel: str, text: str) -> Path:
    path = root / "notes" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    return path


def make_review_kb(root: Path, *, basics: int = 0, new_per_day: int = 50) -> Path:
    (root / "notes").mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(
        f"site_name: Web review\ndocs_dir: notes\nplugins:\n  - kb:\n      new_per_day: {new_per_day}\n",
        encoding="utf-8",
    )
    write(root, "ml/backpropagation.md", ML_NOTE)
    write(root, "git/git-internals.md", CODE_NOTE)
    if basics:
        lines = "\n".join(f"Question {i}: what is fact {i}?::Answer {i}\n" for i in range(basics))
        write(root, "facts/facts.md", f"---\ntitle: Facts\n---\n# Facts\n\n{lines}")
    return root


def import_anki_deck(root: Path, work: Path) -> Path:
    """An Anki collection with a card whose answer holds an image and a sound, exported by Anki and imported by
    `kb import anki`: the note and its media as a user gets them."""
    from anki.collection import Collection, ExportAnkiPackageOptions

    work.mkdir(parents=True, exist_ok=True)
    col = Collection(str(work / "collection.anki2"))
    deck = col.decks.id("Anatomy")
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"] = "Which bone is shown in <b>blue</b>?"
    note["Back"] = '<div>The femur</div><img src="femur.png"> [sound:femur.mp3]'
    col.media.write_data("femur.png", png())
    col.media.write_data("femur.mp3", b"ID3\x03\x00\x00\x00\x00\x00\x00")
    col.add_note(note, deck)
    out = work / "anatomy.apkg"
    col.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(with_scheduling=False, with_deck_configs=False, with_media=True),
        limit=None,
    )
    col.close()
    done = subprocess.run(
        [sys.executable, "-m", "kb", "import", "anki", str(out)],
        env=kb_env(root),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return root / "notes" / "imported" / "anatomy.md"


def kb_env(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(
        KB_ROOT=str(root),
        KB_NOW=NOW,
        KB_TZ="UTC",
        KB_DEVICE="test-device",
        PYTHONPATH=str(REPO),
        PYTHONUNBUFFERED="1",
        NO_MKDOCS_2_WARNING="1",
    )
    env.update(extra)
    return env


class WebReview:
    """`kb review --web --no-browser ARGS` as a new process; ``url`` is the address it printed (with its secret)."""

    def __init__(self, root: Path, *args: str, env: dict | None = None):
        self.root = root
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kb", "review", "--web", "--no-browser", *args],
            env=env or kb_env(root),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.out = b""
        self.url = self._read_url()

    def _read_url(self) -> str:
        deadline = time.monotonic() + 60
        while b"http://" not in self.out or not self.out.split(b"http://", 1)[1].split(b"\n")[0]:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self.proc.stdout], [], [], max(left, 0))
            chunk = os.read(self.proc.stdout.fileno(), 4096) if ready else b""
            if not chunk:
                raise AssertionError(f"no address printed: {self.out!r} {self.proc.stderr.read()!r}")
            self.out += chunk
        return "http://" + self.out.split(b"http://", 1)[1].split()[0].decode()

    def get(self, path: str = "", *, after: int | None = None):
        url = self.url + path + (f"?after={after}" if after is not None else "")
        with urllib.request.urlopen(url, timeout=60) as r:
            return json.loads(r.read()) if path.startswith("api/") else r.read()

    def screen(self) -> dict:
        """The screen shown now (once the session has published its first one)."""
        s = self.get("api/screen")
        while s["kind"] == "wait":
            s = self.get("api/screen", after=s["seq"])
        return s

    def command(self, seq: int, command: str) -> dict:
        request = urllib.request.Request(
            self.url + "api/command",
            data=json.dumps({"seq": seq, "command": command}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as r:
            return json.loads(r.read())

    def status(self, path: str) -> int:
        """The HTTP status of a GET of ``path`` (a full URL, or one relative to the server's root), sent as is."""
        import http.client
        from urllib.parse import urlsplit

        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            conn.request("GET", path)
            return conn.getresponse().status
        finally:
            conn.close()

    def finish(self, timeout: float = 60) -> tuple[int, str, str]:
        """Quit the session from the page's side if it still runs; the exit status and the output."""
        if self.proc.poll() is None:
            try:
                s = self.screen()
                if s["kind"] == "card":
                    self.command(s["seq"], "q")
            except (urllib.error.URLError, ConnectionError):
                pass
        try:
            out, err = self.proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, err = self.proc.communicate()
        return self.proc.returncode, (self.out + out).decode(), err.decode()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.communicate()
