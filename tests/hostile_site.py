"""A knowledge base built to run script in its site (issue 22), and a reader of built pages that finds what a
browser would run. Used by tests/test_site_hostile.py (pages as HTML, and every page in Chromium).

Every payload sets ``window.__xss`` to its own tag, so a failure names the way in. The payloads sit where kb moves
text into pages: card text of every kind (escaped backticks and inline ``\\[...\\]`` that once fooled kb's escaping,
``javascript:`` and ``data:`` links, SVG, ``<iframe srcdoc>``, reference links), key points, definitions, question
blocks, wiki links and their aliases, titles (a list in front matter, a file name, a folder's index), tags,
navigation group labels, and a shared Anki deck imported for real (``tests/hostile_deck.py``).
"""

from __future__ import annotations

import html.parser
import json
import subprocess
import sys
from pathlib import Path

from tests.browser_support import mkdocs_env
from tests.conftest import write_kb


def xss(tag: str) -> str:
    return f"window.__xss='{tag}'"


IMG = '<img src=x onerror="{}">'

CARDS = f"""---
title: Cards
tags: [hostile]
---
# Cards

Esc \\`{IMG.format(xss("esc-backtick"))}\\`::b

Math \\[{IMG.format(xss("inline-math"))}\\]::b

Link::[x](javascript:{xss("card-link")})

Data::[d](data:text/html;base64,PHNjcmlwdD53aW5kb3cuX194c3M9J2RhdGEnPC9zY3JpcHQ+)

Ref::[r][evil] and [also][] and \\[e\\](javascript:{xss("escaped-brackets")})

Svg::<svg><script>{xss("svg-script")}</script></svg> <svg onload="{xss("svg-onload")}"></svg>

Frame::<iframe srcdoc="<script>parent.{xss("srcdoc")}</script>"></iframe>

Entity::&lt;img src=x onerror="{xss("entity")}"&gt; and `&lt;b&gt;`

Formula::$\\href{{javascript:{xss("mathjax-href")}}}{{x}}$

Multi `x`
?
Back \\`{IMG.format(xss("multi"))}\\`

Cloze {{{{c1::\\`{IMG.format(xss("cloze"))}\\`}}}} here.

Highlight ==\\`{IMG.format(xss("highlight"))}\\`== done.

??? question "Why \\`<img src=x onerror={xss("q-title")}>\\`?"
    Because \\`{IMG.format(xss("q-body"))}\\` and [y](javascript:{xss("q-link")})

Term \\`{IMG.format(xss("def-term"))}\\`
:   A definition \\`{IMG.format(xss("def"))}\\`

See [[<img src=x onerror={xss("wiki-broken")}>]] and [[list-title]] and [[Cards]].

In a card [[Cards|x" onmouseover="{xss("alias-attr")}]]::[[Cards|<img src=x onerror={xss("alias")}>]]

## Key points

- **Bullet**: \\`{IMG.format(xss("keypoint"))}\\`
- A key point about habits \\`{IMG.format(xss("keypoint-2"))}\\` and systems

[evil]: javascript:{xss("ref-link")}
[also]: javascript:{xss("ref-link-2")}
"""

LIST_TITLE = f"""---
title: ["<img src=x onerror=\\"{xss("list-title")}\\">"]
author: ["<img src=x onerror=\\"{xss("list-author")}\\">"]
description: ["\\" onmouseover=\\"{xss("list-description")}"]
tags: ["<img src=x onerror=\\"{xss("tag")}\\">", "x\\" onmouseover=\\"{xss("tag-attr")}"]
---
Front matter as lists.

What is a list title?::A title
"""

FILE_NAME = f"<img src=x onerror={xss('file-name')}>.md"
FOLDER_INDEX = f"""---
title: "<img src=x onerror=\\"{xss("folder-title")}\\">"
---
A folder named by its index.

Folder question?::Folder answer
"""


def group_notes() -> dict[str, str]:
    """61 notes in one folder (the navigation groups them): the first and last of a group have titles that together
    make a script element in the group's label."""
    notes = {}
    for i in range(61):
        title = {0: "<script>__xss=3//", 30: "</script>"}.get(i, f"Group note {i:02d}")
        notes[f"group/n{i:02d}.md"] = (
            f"---\ntitle: {json.dumps(title)}\n---\nText {i}.\n\nQuestion {i}?::Answer {i}\n"
        )
    return notes


def kb_env(root: Path) -> dict[str, str]:
    env = {k: v for k, v in mkdocs_env().items() if not k.startswith("KB_")}
    env.update(KB_ROOT=str(root), KB_DEVICE="sec", KB_TZ="UTC", KB_NOW="2026-03-02T09:00:00Z")
    return env


def run_kb(root: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "kb", *args],
        env=kb_env(root),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def build_hostile_kb(base: Path) -> Path:
    """The knowledge base (notes, an imported hostile deck, a few reviews and a quiz graded), not yet built."""
    from tests.hostile_deck import build_hostile_package

    notes = {
        "index.md": "# Home\n\nSee [[Cards]].\n",
        "cards.md": CARDS,
        "list-title.md": LIST_TITLE,
        "folder/index.md": FOLDER_INDEX,
        "folder/other.md": "# Other\n\nOther?::Yes\n",
        **group_notes(),
    }
    root = write_kb(base / "kb", notes, site=True).root
    (root / "notes" / FILE_NAME).write_text("Named by its file only.\n\nFile name?::Yes\n", encoding="utf-8")
    package = build_hostile_package(base / "anki")
    assert run_kb(root, "import", "anki", str(package)).returncode == 0
    run_kb(root, "index")
    run_kb(root, "review", stdin="3\n3\n1\n3\nq\n")
    return root


def build_site(root: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=root,
        env=kb_env(root),
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr


URL_ATTRIBUTES = ("href", "src", "action", "formaction", "data", "xlink:href", "srcdoc", "poster")


class Sinks(html.parser.HTMLParser):
    """What a browser would run in a page: handler attributes, ``javascript:``/``data:`` addresses, ``srcdoc``,
    script text holding a payload."""

    CDATA_CONTENT_ELEMENTS = ("script", "style")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.script: str | None = None
        self.script_type = ""
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and "__xss" in value:
                self.found.append(f"<{tag} {name}={value!r}>")
            lowered = "".join(value.split()).lower()
            if (
                name in URL_ATTRIBUTES
                and lowered != "javascript:void(0)"
                and (
                    lowered.startswith(("javascript:", "data:text", "vbscript:"))
                    or (name == "srcdoc" and value)
                )
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("iframe", "object", "embed", "svg") and any("__xss" in (v or "") for _n, v in attrs):
            self.found.append(f"<{tag}>")
        if tag == "script":
            self.script, self.script_type = "", dict(attrs).get("type") or ""

    def handle_endtag(self, tag):
        if tag == "script" and self.script is not None:
            if "json" not in self.script_type and "__xss" in self.script:
                self.found.append(f"script {self.script[:80]!r}")
            self.script = None

    def handle_data(self, data):
        if self.script is not None:
            self.script += data


def problems(site: Path, pattern: str = "**/*.html", *tags: str) -> list[str]:
    """What would run in the pages of ``site`` matching ``pattern`` (only the payloads tagged ``tags``, if given)."""
    found = []
    for page in sorted(site.glob(pattern)):
        sinks = Sinks()
        sinks.feed(page.read_text(encoding="utf-8"))
        sinks.close()
        found += [
            f"{page.relative_to(site)}: {what}"
            for what in sinks.found
            if not tags or any(t in what for t in tags)
        ]
    return found
