"""`kb site DIR`: the folder it writes for Zensical, and the folders it refuses."""

from __future__ import annotations

import subprocess
import sys

from tests.browser_support import mkdocs_env

NOTES = {
    "index.md": "# Home\n\nSee [[Habits]].\n",
    "habits.md": "---\ntags: [x]\n---\n# Habits\n\nWhat is a habit?::A routine\n",
}


def _kb_site(root, folder) -> subprocess.CompletedProcess:
    env = dict(mkdocs_env(), KB_ROOT=str(root))
    return subprocess.run(
        [sys.executable, "-m", "kb", "site", str(folder)], cwd=root, env=env, capture_output=True, text=True
    )


def test_kb_site_writes_notes_study_pages_assets_and_a_config(make_kb, tmp_path):
    kb = make_kb(NOTES)
    before = {p: p.read_bytes() for p in kb.notes.rglob("*")}
    out = tmp_path / "zensical"
    result = _kb_site(kb.root, out)
    assert result.returncode == 0, result.stderr
    assert "2 notes" in result.stdout and "zensical build -f" in result.stdout
    assert (out / "docs" / "habits.md").read_bytes() == (kb.notes / "habits.md").read_bytes()
    assert (out / "docs" / "study" / "stats.md").is_file() and (
        out / "docs" / "study" / "quiz" / "index.md"
    ).is_file()
    assert (out / "docs" / "assets" / "kb" / "kb.js").is_file()
    config = (out / "mkdocs.yml").read_text(encoding="utf-8")
    assert (
        "docs_dir: docs\n" in config
        and "  - assets/kb/kb.js\n" in config
        and "kb.site.markdown_ext" in config
    )
    assert {p: p.read_bytes() for p in kb.notes.rglob("*")} == before  # the notes are never written to

    (kb.notes / "habits.md").unlink()
    again = _kb_site(kb.root, out)
    assert again.returncode == 0 and "1 old files removed" in again.stdout
    assert not (out / "docs" / "habits.md").exists()


def test_kb_site_refuses_the_notes_folder_and_a_folder_it_did_not_make(make_kb, tmp_path):
    kb = make_kb(NOTES)
    for folder in (kb.notes, kb.notes / "site"):
        result = _kb_site(kb.root, folder)
        assert result.returncode != 0 and "never writes into the notes folder" in result.stderr
        assert "Traceback" not in result.stderr
    other = tmp_path / "mine"
    other.mkdir()
    (other / "keep.txt").write_text("mine")
    result = _kb_site(kb.root, other)
    assert result.returncode != 0 and "not made by kb site" in result.stderr
    assert (other / "keep.txt").read_text() == "mine" and sorted(p.name for p in other.iterdir()) == [
        "keep.txt"
    ]
