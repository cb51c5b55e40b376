"""Shared fixtures: every test runs against its own knowledge base in tmp_path, never the user's.

``write_kb`` is the one place that lays out a knowledge base (mkdocs.yml, notes, theme overrides); the ``make_kb``
fixture calls it under tmp_path and points KB_ROOT at the result. Tests that drive ``python -m kb`` in a subprocess,
or need a knowledge base outside tmp_path (module-scoped fixtures, hypothesis), call ``write_kb`` directly.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import textwrap
from pathlib import Path

import pytest
from hypothesis import settings

# A property test's examples run as long as they need: on a loaded two-core CI machine a 200 ms deadline is noise.
settings.register_profile("kb", deadline=None)
settings.load_profile("kb")

REPO = Path(__file__).resolve().parent.parent

MKDOCS_YML = """\
site_name: Test KB
site_url: http://127.0.0.1:8000/
docs_dir: notes
theme:
  name: material
"""


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch, tmp_path_factory):
    """No test sees the developer's KB_* variables, editor or home directory."""
    for name in list(os.environ):
        if name.startswith("KB_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path_factory.mktemp("home")))
    monkeypatch.setenv("KB_DEVICE", "test-device")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")


class KBFactory:
    """A knowledge base in a folder: ``root`` holds mkdocs.yml, ``notes`` the notes; ``write`` adds one."""

    def __init__(self, root: Path):
        self.root = root
        self.notes = root / "notes"

    def write(self, rel: str, text: str | bytes) -> Path:
        path = self.notes / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
        return path

    def open(self):
        from kb.config import KnowledgeBase

        return KnowledgeBase.open(self.root)


def kb_yml(*, site: bool = False, **settings) -> str:
    """The text of a knowledge base's mkdocs.yml with the given kb plugin settings.

    Without ``site`` it is a minimal file (the kb plugin listed only when there are settings); with ``site`` it is
    the repository's own mkdocs.yml (Material, the shipped extensions, the kb plugin), each setting given replacing
    the default written there.
    """
    lines = {key: f"      {key}: {json.dumps(value)}\n" for key, value in settings.items()}
    if not site:
        return MKDOCS_YML + ("plugins:\n  - search\n  - kb:\n" + "".join(lines.values()) if settings else "")
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    for key, line in lines.items():
        # the option's line and the indented list items under it (keypoint_headings spans several lines)
        text, found = re.subn(rf"(?m)^      {key}:.*\n(?:        .*\n)*", lambda _m, line=line: line, text)
        if not found:
            text = text.replace("  - kb:\n", "  - kb:\n" + line, 1)
    return text


def write_kb(
    root: Path, notes: dict[str, str | bytes] | Path | None = None, *, site: bool = False, **settings
) -> KBFactory:
    """Lay out a knowledge base at ``root`` and return its KBFactory.

    ``notes`` is {path under notes/: text} (text is dedented) or a folder to copy, such as the shipped notes.
    ``site`` uses the repository's mkdocs.yml and theme overrides, for tests that build the site; ``settings``
    are kb plugin options (new_per_day=2, leech_threshold=1, keypoint_headings=[...], nav_group_size=3, ...).
    Calling it again on the same root rewrites mkdocs.yml and adds the notes.
    """
    kb = KBFactory(root)
    kb.notes.mkdir(parents=True, exist_ok=True)
    (root / "mkdocs.yml").write_text(kb_yml(site=site, **settings), encoding="utf-8")
    if site:
        shutil.copytree(REPO / "site_overrides", root / "site_overrides", dirs_exist_ok=True)
    if isinstance(notes, Path):
        shutil.copytree(notes, kb.notes, dirs_exist_ok=True)
    else:
        for rel, text in (notes or {}).items():
            kb.write(rel, text)
    return kb


@pytest.fixture
def make_kb(tmp_path, monkeypatch):
    """Builds a knowledge base at tmp_path/``at`` with ``write_kb`` and points KB_ROOT at it (the last one made).

    ``at`` may also be an absolute path (a fresh folder for each hypothesis example). ``device`` and ``tz`` set
    KB_DEVICE and KB_TZ (the journal's file name and the review day's zone).
    """

    def make(
        notes=None, *, at: str | Path = "kb", device: str | None = None, tz: str | None = None, **options
    ) -> KBFactory:
        kb = write_kb(tmp_path / at, notes, **options)
        monkeypatch.setenv("KB_ROOT", str(kb.root))
        if device is not None:
            monkeypatch.setenv("KB_DEVICE", device)
        if tz is not None:
            monkeypatch.setenv("KB_TZ", tz)
        return kb

    return make


@pytest.fixture
def kbroot(make_kb) -> KBFactory:
    """An empty knowledge base at tmp_path/kb with the minimal mkdocs.yml."""
    return make_kb()


@pytest.fixture
def shipped_kb(make_kb) -> KBFactory:
    """A copy of the repository's own mkdocs.yml, theme overrides and sample notes."""
    return make_kb(REPO / "notes", at="shipped", site=True)
