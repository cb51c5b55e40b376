"""kb import anki with a shared deck made by an attacker: only images and sounds are copied, markup in deck and
media names stays text, javascript: links are dropped, and sizes are capped per file and per package."""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.anki.package import MEDIA_FILE_LIMIT, PACKAGE_LIMIT
from kb.cli import cli
from tests.hostile_deck import DECK, build_hostile_package

pytest.importorskip("anki.collection")


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.mark.parametrize("legacy", [True, False])
def test_only_images_and_sounds_are_copied_and_markup_stays_text(kbroot, tmp_path, legacy):
    package = build_hostile_package(tmp_path / "anki", legacy=legacy)
    result = invoke("import", "anki", str(package))
    assert result.exit_code == 0, result.output
    folder = kbroot.notes / "imported"
    written = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())
    notes = [w for w in written if w.endswith(".md")]
    assert len(notes) == 1, written  # the deck's note, and no media file named .md
    assert sorted(Path(w).name for w in written if not w.endswith(".md")) == ["ok.mp3", "ok.png"]
    for name in ("page.md", "page.html", "evil.svg", "run.js"):
        assert f"{name!r} is not an image or a sound (kb copies only those); not copied" in result.output, (
            name
        )
    text = (folder / notes[0]).read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]
    assert "<img" not in body and "javascript:" not in body, body
    heading = body.splitlines()[0]
    assert heading.startswith("# ") and "&lt;img" in heading and "onerror" in heading  # the name, as text
    assert "(ok.png)" in body and "(ok.mp3)" in body  # what is copied is linked
    assert "[page.md](" not in body and "(page.md)" not in body  # what is not stays as text
    assert "click" in body and "more" in body  # a dropped link keeps its words
    assert f"anki_deck: {DECK}" in text or "anki_deck:" in text


def _set_declared_size(path: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size a zip declares for ``member`` (local header and central directory)."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    data[info.header_offset + 22 : info.header_offset + 26] = struct.pack("<I", size)
    found, pos = 0, 0
    while (pos := data.find(b"PK\x01\x02", pos)) != -1:
        name_len = struct.unpack("<H", data[pos + 28 : pos + 30])[0]
        if data[pos + 46 : pos + 46 + name_len].decode() == member:
            data[pos + 24 : pos + 28] = struct.pack("<I", size)
            found += 1
        pos += 4
    assert found == 1
    path.write_bytes(bytes(data))


def test_a_package_declaring_more_than_the_limit_is_refused_before_extracting(kbroot, tmp_path):
    package = build_hostile_package(tmp_path / "anki")
    _set_declared_size(package, "1", PACKAGE_LIMIT + 1)  # a zip bomb says what it holds; kb reads that first
    result = invoke("import", "anki", str(package))
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    assert f"{package}: the package holds 1.0 GiB uncompressed, more than the 1.0 GiB" in result.output
    assert not (kbroot.notes / "imported").exists()


def test_a_media_file_over_the_limit_is_skipped_and_said(kbroot, tmp_path):
    package = build_hostile_package(tmp_path / "anki")
    bomb = tmp_path / "bomb.apkg"
    with (
        zipfile.ZipFile(package) as src,
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst,
    ):
        names = __import__("json").loads(src.read("media"))
        big = next(member for member, name in names.items() if name == "ok.png")
        for item in src.infolist():
            if item.filename == big:
                dst.writestr(item.filename, b"\x00" * (MEDIA_FILE_LIMIT + 1))
            else:
                dst.writestr(item, src.read(item))
    assert bomb.stat().st_size < 1 << 20  # a small file that expands far beyond it
    result = invoke("import", "anki", str(bomb))
    assert result.exit_code == 0, result.output
    assert "media file 'ok.png' is 64 MiB, more than 64 MiB (the most kb copies for one file); skipped" in (
        result.output
    )
    assert not list((kbroot.notes / "imported").rglob("ok.png"))
    assert list((kbroot.notes / "imported").rglob("ok.mp3"))  # the rest is still imported


def test_a_compressed_media_file_that_expands_past_the_limit_is_skipped(kbroot, tmp_path):
    import zstandard

    package = build_hostile_package(tmp_path / "anki", legacy=False)
    from kb.anki.package import open_package

    with open_package(package) as (pkg, _zf):
        member = pkg.media["ok.png"]
    bomb = tmp_path / "bomb.apkg"
    with zipfile.ZipFile(package) as src, zipfile.ZipFile(bomb, "w") as dst:
        for item in src.infolist():
            if item.filename == member:
                dst.writestr(item, zstandard.ZstdCompressor().compress(b"\x00" * (MEDIA_FILE_LIMIT + 1)))
            else:
                dst.writestr(item, src.read(item))
    result = invoke("import", "anki", str(bomb))
    assert result.exit_code == 0, result.output
    assert (
        "media file 'ok.png' decompresses to more than 64 MiB" in result.output and "skipped" in result.output
    )
    assert not list((kbroot.notes / "imported").rglob("ok.png"))
