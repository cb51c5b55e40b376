"""Shared fixtures: every test runs against its own knowledge base in tmp_path, never the user's."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest

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
    """Builds a knowledge base in a folder: mkdocs.yml plus notes given as {relative path: text}."""

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


@pytest.fixture
def kbroot(tmp_path, monkeypatch) -> KBFactory:
    root = tmp_path / "kb"
    (root / "notes").mkdir(parents=True)
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    monkeypatch.setenv("KB_ROOT", str(root))
    return KBFactory(root)


@pytest.fixture
def shipped_kb(tmp_path, monkeypatch) -> KBFactory:
    """A copy of the repository's own mkdocs.yml and sample notes."""
    import shutil

    root = tmp_path / "shipped"
    shutil.copytree(REPO / "notes", root / "notes")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    if (REPO / "site_overrides").exists():
        shutil.copytree(REPO / "site_overrides", root / "site_overrides")
    monkeypatch.setenv("KB_ROOT", str(root))
    return KBFactory(root)
