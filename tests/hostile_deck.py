"""A shared Anki deck made by an attacker, exported by the real Anki: media named .md, .html and .svg holding
script, a deck name and sound names made of markup, javascript: links. Used by the import and site tests."""

from __future__ import annotations

from pathlib import Path

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16 + b"kb-hostile-image"
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\x00" * 32
SCRIPT_MEDIA = {
    "page.md": b"# Page\n\n<script>window.__xss = 'media-md'</script>\n",
    "page.html": b"<html><script>window.__xss = 'media-html'</script></html>",
    "evil.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>window.__xss = "media-svg"</script></svg>',
    "run.js": b"window.__xss = 'media-js'",
}
DECK = "Shared::<img src=x onerror=\"window.__xss='deck-name'\">"
SOUND = "<img src=x onerror=window.__xss='sound'>.mp3"


def build_hostile_package(folder: Path, *, legacy: bool = True) -> Path:
    """The package (``folder/hostile.apkg``) exported by the real Anki."""
    from anki.collection import Collection, ExportAnkiPackageOptions

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    for name, data in {**SCRIPT_MEDIA, "ok.png": PNG, "ok.mp3": MP3}.items():
        assert col.media.write_data(name, data) == name
    deck = col.decks.id(DECK)
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"] = "What does <b>the deck</b> hold?"
    note["Back"] = (
        '<img src="page.md"><img src="page.html"><img src="evil.svg"><img src="ok.png"> '
        f"[sound:{SOUND}] [sound:run.js] [sound:ok.mp3] "
        "<a href=\"javascript:window.__xss='anki-link'\">click</a> <code>&lt;img src=x onerror=window.__xss=1&gt;</code>"
    )
    col.add_note(note, deck)
    cloze = col.new_note(col.models.by_name("Cloze"))
    cloze["Text"] = "A {{c1::shared deck}} is untrusted \\`<img src=x onerror=\"window.__xss='cloze'\">\\`"
    cloze["Back Extra"] = "<a href=\"javascript:window.__xss='extra'\">more</a> [sound:page.md]"
    col.add_note(cloze, deck)
    out = folder / "hostile.apkg"
    col.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=True, legacy=legacy
        ),
        limit=None,
    )
    col.close()
    return out
