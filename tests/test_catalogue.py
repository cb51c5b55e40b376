"""A catalogue of broken and unusual notes: each gets a clear one-line answer and the rest is still indexed."""

import os

import pytest
from click.testing import CliRunner

from kb.cli import cli

GOOD = "---\ntitle: Good note\n---\nSome text about habits.\n"

BROKEN = {
    "invalid-yaml.md": (b"---\ntitle: [unclosed\n---\n", "invalid-yaml.md:3: front matter is not valid YAML"),
    "yaml-list.md": (
        b"---\n- one\n- two\n---\nbody\n",
        "yaml-list.md:2: front matter must be key: value pairs",
    ),
    "yaml-string.md": (
        b"---\nhello there\n---\nbody\n",
        "yaml-string.md:2: front matter must be key: value pairs",
    ),
    "tags-wrong-type.md": (b"---\ntitle: T\ntags: {a: 1}\n---\n", "tags-wrong-type.md:3: tags must be"),
    "latin1.md": (b"# Caf\xe9\n", "latin1.md:1: not valid UTF-8"),
    "nul.md": (b"# Title\nsome\x00bytes\n", "nul.md:2: this looks like a binary file"),
    "empty.md": (b"", "empty.md:1: the note is empty"),
}

FINE = {
    "bom.md": (b"\xef\xbb\xbf---\ntitle: With BOM\n---\ntext\n", "With BOM"),
    "crlf.md": (b"---\r\ntitle: Windows\r\n---\r\ntext\r\n", "Windows"),
    "cr.md": (b"---\rtitle: Old Mac\r---\rtext\r", "Old Mac"),
}


@pytest.fixture
def catalogue(kbroot):
    kbroot.write("good.md", GOOD)
    for name, (raw, _) in {**BROKEN, **FINE}.items():
        kbroot.write(f"odd/{name}", raw)
    os.symlink("loop.md", kbroot.notes / "odd" / "loop.md")
    return kbroot


def test_every_broken_note_gets_one_line_and_the_rest_is_indexed(catalogue):
    result = CliRunner().invoke(cli, ["index"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.strip().splitlines()
    for _, expected in BROKEN.values():
        assert any(line.startswith(f"notes/odd/{expected}") for line in lines), expected
    assert any(
        line.startswith("notes/odd/loop.md:1: cannot read this note (a symlink loop)") for line in lines
    )
    summary = lines[-1]
    assert summary.startswith("kb index:") and f"{len(BROKEN) + 1} with errors" in summary
    listed = CliRunner().invoke(cli, ["notes", "list"]).output
    for _, title in FINE.values():
        assert title in listed
    assert "Good note" in listed


def test_a_20_mb_note_is_indexed(kbroot):
    line = "A long note about compounding habits and systems. " * 20 + "\n"
    body = line * (20 * 1024 * 1024 // len(line))
    kbroot.write("big.md", "---\ntitle: Huge\n---\n" + body)
    result = CliRunner().invoke(cli, ["search", "compounding", "--json"])
    assert result.exit_code == 0
    assert '"title": "Huge"' in result.output


def test_half_written_note_is_picked_up_once_complete(kbroot):
    path = kbroot.write("draft.md", "---\ntitle: Draft\ntags: [a,\n")  # the editor has not finished saving
    result = CliRunner().invoke(cli, ["index"])
    assert result.exit_code == 1 and "notes/draft.md:" in result.output
    path.write_text("---\ntitle: Draft\ntags: [a, b]\n---\nDone now.\n")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))
    result = CliRunner().invoke(cli, ["index"])
    assert result.exit_code == 0, result.output
    assert "Draft" in CliRunner().invoke(cli, ["search", "done"]).output
