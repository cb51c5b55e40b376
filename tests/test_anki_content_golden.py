"""Faithful content, one golden case per construct, in both directions, with the real Anki backend.

A real collection holds one note per construct (MathJax, Anki's LaTeX, a formula with HTML inside, a table, lists,
entities, an image, a sound, clozes in a list, in a table and nested). ``kb import anki`` must give the kb card text
below (Anki -> kb); ``kb export anki`` of that knowledge base, imported into a fresh collection by Anki, must give the
Anki field below and Anki's own card (kb -> Anki); importing that export into a fresh knowledge base gives the same
kb text again (kb -> Anki -> kb).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli
from tests.conftest import write_kb

pytest.importorskip("anki.collection")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16 + b"golden"
MP3 = b"ID3\x03\x00" + b"\x00" * 27

# name: (the Anki field: Back of a Basic note, or Text of a Cloze note), (kb card front, back) per Anki card,
# the Anki field after kb's export
BASIC = {
    "mathjax inline": (
        r"\(x^2 + y_1\)",
        [("$x^2 + y_1$",)],
        r'<span class="arithmatex">\(x^2 + y_1\)</span>',
    ),
    "mathjax display": (
        r"\[\sum_{i=1}^n x_i\]",
        [("$$\\sum_{i=1}^n x_i$$",)],
        r'<div class="arithmatex">\[\sum_{i=1}^n x_i\]</div>',
    ),
    "anki inline latex": (r"[$]x^2[/$]", [("$x^2$",)], r'<span class="arithmatex">\(x^2\)</span>'),
    "anki display latex": (
        r"[$$]\int_0^1 f[/$$]",
        [("$$\\int_0^1 f$$",)],
        r'<div class="arithmatex">\[\int_0^1 f\]</div>',
    ),
    "anki latex": (
        r"[latex]\begin{equation}E=mc^2\end{equation}[/latex]",
        [("$$\\begin{equation}E=mc^2\\end{equation}$$",)],
        r'<div class="arithmatex">\[\begin{equation}E=mc^2\end{equation}\]</div>',
    ),
    "formula with html": (
        r"\(a&lt;b <b>c</b>&nbsp;+<br>d\)",
        [("$a<b c + d$",)],
        r'<span class="arithmatex">\(a&lt;b c + d\)</span>',
    ),
    "table": (
        "<table><tr><th>a</th><th>b</th></tr><tr><td>1</td><td>2</td></tr></table>",
        [("| a | b |\n| --- | --- |\n| 1 | 2 |",)],
        "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n"
        "</tr>\n</tbody>\n</table>",
    ),
    "lists": (
        "<ul><li>one</li><li>two<ul><li>two.a</li></ul></li></ul><ol><li>x</li><li>y</li></ol>",
        [("- one\n- two\n    - two.a\n1. x\n2. y",)],
        "<ul>\n<li>one</li>\n<li>two<ul>\n<li>two.a</li>\n</ul>\n</li>\n</ul>\n<ol>\n<li>x</li>\n<li>y</li>\n</ol>",
    ),
    "entities": (
        "a &lt; b &amp;&amp; c &gt; d &amp;lt;",
        [("a &lt; b &amp;&amp; c > d &amp;lt;",)],
        "a &lt; b &amp;&amp; c &gt; d &amp;lt;",
    ),
    "image": ('<img src="pic.png">', [("![](pic.png)",)], '<img alt="" src="pic.png">'),
    "sound": ("[sound:say.mp3]", [("[say.mp3](say.mp3)",)], "[sound:say.mp3]"),
}
CLOZE = {
    "cloze in a list": (
        "<ul><li>{{c1::alpha}} first</li><li>{{c2::beta}} second</li></ul>",
        [
            ("- [...] first\n- beta second", "- alpha first\n- beta second"),
            ("- alpha first\n- [...] second", "- alpha first\n- beta second"),
        ],
        "<ul>\n<li>{{c1::alpha}} first</li>\n<li>{{c2::beta}} second</li>\n</ul>",
    ),
    "cloze in a list after a lead-in": (
        "Steps:<ul><li>{{c1::Wash}}</li><li>{{c2::Rinse}}</li></ul>",
        [
            ("Steps:\n- [...]\n- Rinse", "Steps:\n- Wash\n- Rinse"),
            ("Steps:\n- Wash\n- [...]", "Steps:\n- Wash\n- Rinse"),
        ],
        "<p>Steps:</p>\n<ul>\n<li>{{c1::Wash}}</li>\n<li>{{c2::Rinse}}</li>\n</ul>",
    ),
    "cloze in a table": (
        "<table><tr><td>{{c1::x}}</td><td>y</td></tr><tr><td>z</td><td>{{c2::w}}</td></tr></table>",
        [
            ("| [...] | y |\n| --- | --- |\n| z | w |", "| x | y |\n| --- | --- |\n| z | w |"),
            ("| x | y |\n| --- | --- |\n| z | [...] |", "| x | y |\n| --- | --- |\n| z | w |"),
        ],
        "<table>\n<thead>\n<tr>\n<th>{{c1::x}}</th>\n<th>y</th>\n</tr>\n</thead>\n<tbody>\n<tr>\n<td>z</td>\n"
        "<td>{{c2::w}}</td>\n</tr>\n</tbody>\n</table>",
    ),
    "nested cloze": (
        "{{c1::outer {{c2::inner}} text}} end",
        [("[...] end", "outer inner text end"), ("outer [...] text end", "outer inner text end")],
        "{{c1::outer {{c2::inner}} text}} end",
    ),
    "nested cloze with hints": (
        "{{c1::a {{c2::b::hb}} c::hint}} d {{c2::e}}",
        [("[hint] d e", "a b c d e"), ("a [hb] c d [...]", "a b c d e")],
        "{{c1::a {{c2::b::hb}} c::hint}} d {{c2::e}}",
    ),
}


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def _anki_collection(folder: Path):
    from anki.collection import Collection

    folder.mkdir(parents=True, exist_ok=True)
    return Collection(str(folder / "collection.anki2"))


def _import_into_anki(package: Path, folder: Path):
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col = _anki_collection(folder)
    col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)
        )
    )
    return col


def _questions(col, search: str) -> list[str]:
    """The questions Anki shows for the cards a search finds, by template (cloze number), as kb's Markdown."""
    from kb.anki.fields import html_to_markdown
    from kb.anki.plan import card_side

    cards = sorted((col.get_card(cid) for cid in col.find_cards(search)), key=lambda card: card.ord)
    return [
        card_side(html_to_markdown(re.sub(r"<style>.*?</style>", "", c.question(), flags=re.S)).text)
        for c in cards
    ]


def _kb_cards(root: Path) -> dict[str, list[tuple[str, str]]]:
    """Construct name (the card's tag) -> its kb cards' (front, back), in the note's order."""
    os.environ["KB_ROOT"] = str(root)
    out: dict[str, list[tuple[str, str]]] = {}
    for card in json.loads(invoke("cards", "--json").stdout):
        name = next(t for t in card["tags"] if t != "flashcards").replace("_", " ")
        out.setdefault(name, []).append((card["front"], card["back"]))
    return out


@pytest.fixture(scope="module")
def trips(tmp_path_factory):
    from anki.collection import ExportAnkiPackageOptions

    tmp = tmp_path_factory.mktemp("golden")
    col = _anki_collection(tmp / "anki")
    col.media.write_data("pic.png", PNG)
    col.media.write_data("say.mp3", MP3)
    deck = col.decks.id("Golden")
    for name, (field, _, _) in BASIC.items():
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = name.capitalize(), field
        note.tags = [name.replace(" ", "_")]
        col.add_note(note, deck)
    for name, (field, _, _) in CLOZE.items():
        note = col.new_note(col.models.by_name("Cloze"))
        note["Text"] = field
        note.tags = [name.replace(" ", "_")]
        col.add_note(note, deck)
    anki_cards = {name: _questions(col, f'"tag:{name.replace(" ", "_")}"') for name in CLOZE}
    package = tmp / "golden.apkg"
    col.export_anki_package(
        out_path=str(package),
        options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=False, with_media=True, legacy=False
        ),
        limit=None,
    )
    col.close()
    old_root = os.environ.get("KB_ROOT")
    try:
        first = write_kb(tmp / "kb")
        os.environ["KB_ROOT"] = str(first.root)
        assert invoke("import", "anki", str(package)).exit_code == 0
        imported = _kb_cards(first.root)
        assert invoke("export", "anki", "-o", str(tmp / "back.apkg")).exit_code == 0
        back = _import_into_anki(tmp / "back.apkg", tmp / "back")
        exported, asked = {}, {}
        for nid in back.find_notes(""):
            note = back.get_note(nid)
            exported.setdefault(note.tags[0].replace("_", " "), []).append(note)
            asked[note.tags[0].replace("_", " ")] = _questions(back, f"nid:{nid}")
        media = set(os.listdir(back.media.dir()))
        second = write_kb(tmp / "kb2")
        os.environ["KB_ROOT"] = str(second.root)
        assert invoke("import", "anki", str(tmp / "back.apkg")).exit_code == 0
        again = _kb_cards(second.root)
    finally:
        if old_root is None:
            os.environ.pop("KB_ROOT", None)
        else:
            os.environ["KB_ROOT"] = old_root
    yield {
        "imported": imported,
        "exported": exported,
        "media": media,
        "again": again,
        "anki": anki_cards,
        "asked": asked,
    }
    back.close()


@pytest.mark.parametrize("name", list(BASIC))
def test_anki_to_kb_to_anki_to_kb(trips, name):
    _, kb_text, anki_field = BASIC[name]
    [(front, back)] = trips["imported"][name]
    assert (back,) == kb_text[0] and front == name.capitalize()
    [note] = trips["exported"][name]
    assert note.fields[1] == anki_field
    assert trips["again"][name] == trips["imported"][name]


@pytest.mark.parametrize("name", list(CLOZE))
def test_clozes_anki_to_kb_to_anki_to_kb(trips, name):
    _, kb_cards, anki_field = CLOZE[name]
    assert trips["imported"][name] == kb_cards
    [note] = trips["exported"][name]
    assert note.note_type()["type"] == 1  # a cloze note type, one note again
    assert note.fields[0] == anki_field
    assert len(note.cards()) == len(kb_cards)
    assert sorted(trips["again"][name]) == sorted(kb_cards)


@pytest.mark.parametrize("name", list(CLOZE))
def test_each_cloze_card_asks_what_anki_asks_both_ways(trips, name):
    kb_fronts = [front for front, _ in trips["imported"][name]]
    assert kb_fronts == trips["anki"][name]  # Anki -> kb: the original note's cards
    assert kb_fronts == trips["asked"][name]  # kb -> Anki: the exported note's cards


def test_exported_media_are_in_the_collection(trips):
    assert {"pic.png", "say.mp3"} <= trips["media"]
