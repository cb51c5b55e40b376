"""Media of an Anki import (kb.anki.media): which names are copied, where, and never over another file."""

from __future__ import annotations

import zipfile

import pytest

from kb.anki.media import (
    MediaCopy,
    MediaFile,
    inside,
    media_copies,
    media_to_write,
    safe_media_name,
    unsafe_media_names,
)
from kb.anki.package import AnkiNote, AnkiPackage


def package_with(tmp_path, media: dict[str, bytes], notes=()) -> tuple[AnkiPackage, zipfile.ZipFile]:
    """A package whose media members ``0``, ``1``, ... hold ``media``; the zip is open for reading."""
    path = tmp_path / "media.apkg"
    with zipfile.ZipFile(path, "w") as zf:
        for i, data in enumerate(media.values()):
            zf.writestr(str(i), data)
    pkg = AnkiPackage(
        path=str(path),
        schema=11,
        sched_ver=2,
        notetypes={},
        decks={},
        notes=tuple(notes),
        cards=(),
        revlog=(),
        media={name: str(i) for i, name in enumerate(media)},
        media_compressed=False,
    )
    return pkg, zipfile.ZipFile(path)


def anki_note(*fields: str) -> AnkiNote:
    return AnkiNote(id=1, guid="g", notetype_id=1, fields=fields, tags=())


# --- names -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["cue.png", "my picture.jpg", "ü-ñ.gif", "a..b.png", "x"])
def test_plain_file_names_are_safe_as_they_are(name):
    assert safe_media_name(name) == name


@pytest.mark.parametrize(
    "name", ["", ".", "..", "../x.png", "a/b.png", "/etc/passwd", "a\\b.png", "C:x.png", ".hidden", "a\x00b"]
)
def test_names_with_folders_drives_or_a_leading_dot_are_refused(name):
    assert safe_media_name(name) is None


def test_media_copies_keeps_safe_names_the_package_carries():
    in_package = {"a.png": "0", "../up.png": "1", "b.mp3": "2"}
    refs = ["b.mp3", "../up.png", "missing.png", "a.png", "b.mp3"]
    assert media_copies(refs, in_package) == {"b.mp3": "b.mp3", "a.png": "a.png"}


def test_unsafe_names_are_found_in_images_and_sounds_of_every_note():
    pkg = AnkiPackage(
        path="x.apkg",
        schema=11,
        sched_ver=2,
        notetypes={},
        decks={},
        notes=(
            anki_note('<img src="ok.png"><img class="x" src="../a.png">', "[sound:/abs.mp3]"),
            anki_note("[sound:fine.mp3] [sound:c:x.mp3]", '<img src=".hidden.png">'),
        ),
        cards=(),
        revlog=(),
        media={},
        media_compressed=False,
    )
    assert list(unsafe_media_names(pkg)) == ["../a.png", "/abs.mp3", "c:x.mp3", ".hidden.png"]


def test_inside(tmp_path):
    folder = tmp_path / "notes"
    folder.mkdir()
    assert inside(folder, folder)
    assert inside(folder / "a" / "b.md", folder)
    assert not inside(tmp_path / "other", folder)
    assert not inside(folder / ".." / "escape.md", folder)


# --- writing next to a note ------------------------------------------------------------------------------------


@pytest.fixture
def kb(kbroot):
    return kbroot.open()


def test_new_media_are_to_be_written_with_their_bytes(kb, tmp_path):
    pkg, zf = package_with(tmp_path, {"a.png": b"A", "b.mp3": b"B"})
    folder = kb.notes / "imported"
    with zf:
        files, problems = media_to_write(
            kb,
            tmp_path / "x.apkg",
            pkg,
            zf,
            (MediaCopy("a.png", "a.png"), MediaCopy("b.mp3", "b.mp3")),
            folder,
        )
    assert files == [MediaFile(folder / "a.png", b"A"), MediaFile(folder / "b.mp3", b"B")]
    assert problems == []


def test_a_file_already_there_with_the_same_bytes_is_not_written_again(kb, tmp_path):
    pkg, zf = package_with(tmp_path, {"a.png": b"A"})
    folder = kb.notes / "imported"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"A")
    with zf:
        files, problems = media_to_write(
            kb, tmp_path / "x.apkg", pkg, zf, (MediaCopy("a.png", "a.png"),), folder
        )
    assert files == [] and problems == []


def test_a_different_file_with_the_same_name_is_left_alone_and_reported(kb, tmp_path):
    pkg, zf = package_with(tmp_path, {"a.png": b"A"})
    folder = kb.notes / "imported"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"mine")
    with zf:
        files, problems = media_to_write(
            kb, tmp_path / "x.apkg", pkg, zf, (MediaCopy("a.png", "a.png"),), folder
        )
    assert files == []
    assert problems == [
        "notes/imported/a.png: a different file with this name is already there; left it alone "
        "(the imported note refers to 'a.png')"
    ]
    assert (folder / "a.png").read_bytes() == b"mine"


def test_a_media_file_listed_but_missing_from_the_zip_is_reported(kb, tmp_path):
    pkg, zf = package_with(tmp_path, {"a.png": b"A"})
    pkg.media["ghost.png"] = "7"  # listed in the media map, no such zip member
    with zf:
        files, problems = media_to_write(
            kb, tmp_path / "x.apkg", pkg, zf, (MediaCopy("ghost.png", "ghost.png"),), kb.notes
        )
    assert files == []
    assert problems == [f"{tmp_path / 'x.apkg'}: media file 'ghost.png' is referenced but not in the package"]


def test_a_symbolic_link_leading_out_of_the_folder_is_never_written_through(kb, tmp_path):
    pkg, zf = package_with(tmp_path, {"a.png": b"A"})
    folder = kb.notes / "imported"
    folder.mkdir()
    outside = tmp_path / "outside.png"
    (folder / "a.png").symlink_to(outside)
    with zf:
        files, problems = media_to_write(
            kb, tmp_path / "x.apkg", pkg, zf, (MediaCopy("a.png", "a.png"),), folder
        )
    assert files == []
    assert problems == [
        f"{tmp_path / 'x.apkg'}: media file 'a.png' would land outside notes/imported; skipped"
    ]
    assert not outside.exists()
