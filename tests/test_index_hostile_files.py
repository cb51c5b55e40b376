"""Files a cloned vault may hold: symbolic links leading outside the knowledge base are skipped with a line naming
them (by every command and by the site build), links inside it keep working, and a file name that is not UTF-8 is
named and skipped rather than breaking every command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser_support import mkdocs_env
from tests.conftest import write_kb

REPO = Path(__file__).resolve().parent.parent
SECRET = "# Secret\n\nnologin secret words::leaked answer\n"


def kb(root: Path, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(PYTHONPATH=str(REPO), KB_ROOT=str(root), KB_DEVICE="t", KB_TZ="UTC", NO_MKDOCS_2_WARNING="1")
    proc = subprocess.run(
        [sys.executable, "-m", "kb", *args], env=env, input=input, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


@pytest.fixture
def linked_root(tmp_path) -> Path:
    outside = tmp_path / "outside"
    (outside / "folder").mkdir(parents=True)
    (outside / "secret.md").write_text(SECRET, encoding="utf-8")
    (outside / "folder" / "more.md").write_text(SECRET.replace("Secret", "More"), encoding="utf-8")
    root = write_kb(
        tmp_path / "kb", {"a.md": "# A\n\nWhat is A?::A letter\n", "sub/b.md": "# B\n\nText.\n"}, site=True
    ).root
    notes = root / "notes"
    os.symlink(outside / "secret.md", notes / "abs.md")  # absolute
    os.symlink("../../outside/secret.md", notes / "rel.md")  # relative, up and out
    os.symlink(outside / "folder", notes / "linked")  # a folder outside
    os.symlink("a.md", notes / "inside.md")  # inside: keeps working
    os.symlink("sub", notes / "alias")  # a folder inside
    return root


def test_symlinks_outside_the_knowledge_base_are_skipped_and_named(linked_root):
    proc = kb(linked_root, "index")
    for name in ("notes/abs.md", "notes/rel.md", "notes/linked"):
        assert f"{name}:1: a symbolic link to a place outside the knowledge base; skipped" in proc.stderr, (
            name
        )
    assert "2 with errors" not in proc.stderr
    listed = kb(linked_root, "notes", "list").stdout
    assert (
        "notes/inside.md" in listed and "notes/sub/b.md" in listed
    )  # links inside still work (a folder once)
    assert "Secret" not in listed and "More" not in listed
    assert "no notes match" in kb(linked_root, "search", "nologin").stdout
    assert "leaked" not in kb(linked_root, "cards").stdout


def test_the_site_build_skips_them_too(linked_root):
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=linked_root, env=mkdocs_env(), capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for name in ("notes/abs.md", "notes/rel.md", "notes/linked/more.md"):
        assert f"kb: {name}: a symbolic link to a place outside the knowledge base; skipped" in proc.stderr, (
            name
        )
    site = linked_root / "site"
    leaked = [p for p in site.rglob("*") if p.is_file() and b"nologin" in p.read_bytes()]
    assert not leaked, leaked
    assert (site / "inside" / "index.html").exists() and (site / "alias" / "b" / "index.html").exists()


@pytest.mark.skipif(sys.platform != "linux", reason="a file name that is not UTF-8 needs a Linux file system")
def test_a_file_name_that_is_not_utf8_is_named_and_skipped_by_every_command(tmp_path):
    root = write_kb(tmp_path / "kb", {"a.md": "# A\n\nWhat is A?::A letter\n"}, site=True).root
    bad = os.path.join(os.fsencode(root / "notes"), b"bad-\xff.md")
    with open(bad, "wb") as fh:
        fh.write(b"# Bad\n\nnologin::x\n")
    line = "notes/bad-\ufffd.md:1: the file name is not valid UTF-8"
    commands = [
        ("index",), ("due",), ("notes", "list"), ("cards",), ("search", "letter"), ("check",), ("review",),
        ("export", "anki", "-o", str(tmp_path / "out.apkg")), ("stats",),
    ]  # fmt: skip
    for args in commands:
        proc = kb(root, *args, input="q\n")
        assert line in proc.stderr or line in proc.stdout, (args, proc.stdout, proc.stderr)
    assert "notes/a.md" in kb(root, "notes", "list").stdout
    assert (
        "A letter" in kb(root, "search", "letter").stdout
        or "notes/a.md" in kb(root, "search", "letter").stdout
    )
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build"], cwd=root, env=mkdocs_env(), capture_output=True,
        text=True, timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr and "kb: notes/bad-\ufffd.md: the file name is not valid UTF-8" in (
        proc.stderr
    )
