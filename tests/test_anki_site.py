"""An imported Anki deck on the site, in Chromium: a sound plays from the page, a deck-tag line reads as tags.

A real deck built with the ``anki`` package (a ``[sound:say.wav]`` on a card, tags per card), ``kb import anki``, a
real ``mkdocs build``, the page served on 127.0.0.1 and opened in Chromium.
"""

from __future__ import annotations

import io
import wave

import pytest
from click.testing import CliRunner

from kb.cli import cli
from tests.browser_support import PageWatch, browser, build, needs_chromium, serve

pytest.importorskip("anki.collection")


def _wav() -> bytes:
    """A tenth of a second of silence: a sound Chromium can load."""
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x00\x00" * 800)
    return out.getvalue()


@needs_chromium
def test_an_imported_sound_plays_on_the_page_and_tag_lines_are_no_headings(make_kb, tmp_path):
    from anki.collection import Collection, ExportAnkiPackageOptions

    col = Collection(str(tmp_path / "collection.anki2"))
    col.media.write_data("say.wav", _wav())
    deck = col.decks.id("Spanish")
    for front, back, tags in (("perro", "dog [sound:say.wav]", ["animals"]), ("casa", "house", ["home"])):
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = front, back
        note.tags = tags
        col.add_note(note, deck)
    package = tmp_path / "spanish.apkg"
    col.export_anki_package(
        out_path=str(package),
        options=ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=True, legacy=False
        ),
        limit=None,
    )
    col.close()
    kb = make_kb(site=True)
    result = CliRunner().invoke(cli, ["import", "anki", str(package)], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    built = build(kb.root, strict=False)
    assert built.returncode == 0, built.stderr

    with serve(kb.root / "site") as base, browser() as b:
        watch = PageWatch(b.new_context())
        page = watch.page
        page.goto(base + "imported/spanish/")
        # the deck-tag lines are text, not headings: the page has its one title
        assert page.locator("article h1").count() == 1
        assert page.get_by_text("#flashcards #animals").count() >= 1
        page.locator("summary", has_text="perro").first.click()
        player = page.locator("article audio").first
        assert player.is_visible()
        # the sound loads: its duration is known once its metadata is in
        page.evaluate("document.querySelector('article audio').load()")
        page.wait_for_function("document.querySelector('article audio').readyState >= 1")
        assert page.evaluate("document.querySelector('article audio').duration") == pytest.approx(
            0.1, abs=0.01
        )
        assert watch.errors == []
