"""Obsidian's callouts and %%comments%%: as admonitions and hidden on the site (the kb.site.obsidian Markdown
extension, run by the real Python-Markdown with Material's extensions), and never card text."""

from __future__ import annotations

import markdown
import pytest

from kb.cards.extractor import extract_cards
from kb.cards.identity import card_fingerprint
from kb.markdown import mask_spans, strip_comments
from kb.notes.reader import parse_note

EXTENSIONS = ["kb.site.obsidian", "admonition", "pymdownx.details", "pymdownx.superfences"]


def html(text: str) -> str:
    return markdown.Markdown(extensions=EXTENSIONS).convert(text)


def cards(text: str):
    return extract_cards(parse_note("notes/n.md", text.encode())).cards


# ---------------------------------------------------------------------------------------------------------------
# Callouts on the site


@pytest.mark.parametrize(
    ("callout", "opening"),
    [
        ("> [!note] Remember", '<div class="admonition note">\n<p class="admonition-title">Remember</p>'),
        ("> [!NOTE]", '<div class="admonition note">\n<p class="admonition-title">Note</p>'),
        ("> [!tip]- Folded", '<details class="tip">\n<summary>Folded</summary>'),
        ("> [!warning]+ Open", '<details class="warning" open="open">\n<summary>Open</summary>'),
        ("> [!faq] Why?", '<div class="admonition question faq">\n<p class="admonition-title">Why?</p>'),
        ("> [!todo]", '<div class="admonition info todo">\n<p class="admonition-title">Todo</p>'),
        # a type Material has no style for: shown as a note, named as written
        ("> [!recipe]", '<div class="admonition note recipe">\n<p class="admonition-title">Recipe</p>'),
        (
            "> [!infobox|right] Side",
            '<div class="admonition note infobox">\n<p class="admonition-title">Side</p>',
        ),
    ],
)
def test_a_callout_becomes_an_admonition(callout, opening):
    out = html(f"{callout}\n> The body with **bold**.\n")
    assert out.startswith(opening)
    assert "<p>The body with <strong>bold</strong>.</p>" in out
    assert "[!" not in out and "&gt;" not in out


def test_nested_callouts_nest_and_the_text_after_is_outside():
    out = html("> [!tip]- Outer\n> outer body\n> > [!bug] Inner\n> > inner body\n\nAfter.\n")
    assert out == (
        '<details class="tip">\n<summary>Outer</summary>\n<p>outer body</p>\n'
        '<div class="admonition bug">\n<p class="admonition-title">Inner</p>\n<p>inner body</p>\n</div>\n'
        "</details>\n<p>After.</p>"
    )


def test_a_callout_right_after_a_paragraph_and_a_fence_inside_it():
    out = html("Text above.\n> [!example] Code\n> Look:\n> ```python\n> x = 1\n> ```\n")
    assert out.startswith('<p>Text above.</p>\n<div class="admonition example">')
    assert "<code>" in out and "x" in out and "```" not in out


def test_quotes_and_code_are_not_callouts():
    out = html("> A plain quote\n\n```\n> [!note] in code\n```\n\n    > [!note] indented code\n")
    assert "<blockquote>" in out and "admonition" not in out
    assert out.count("[!note]") == 2


# ---------------------------------------------------------------------------------------------------------------
# Comments on the site


def test_comments_are_hidden_inline_and_as_blocks():
    out = html(
        "Seen %%not seen%% seen too.\n\n%%\nA whole block, not seen.\n\nStill not.\n%%\n\nAfter %%open\nto here%% end.\n"
    )
    assert "not seen" not in out and "Still not" not in out and "to here" not in out and "%%" not in out
    assert "<p>Seen  seen too.</p>" in out and "After" in out and "end." in out


def test_percent_signs_in_code_stay():
    out = html("Run `printf '%%d'` now.\n\n```\n%% kept %%\n```\n")
    assert "<code>printf '%%d'</code>" in out and "%% kept %%" in out


# ---------------------------------------------------------------------------------------------------------------
# The same constructs in card text (what kb review, kb quiz and the web review show)


def test_comments_are_no_card_text_and_hold_no_cards():
    found = cards("# N\n\nFront %%my remark%%::Back %%source: p. 12%%\n\n%%\nDraft::card\n%%\n\nKept::yes\n")
    assert [(c.front, c.back) for c in found] == [("Front", "Back"), ("Kept", "yes")]


def test_a_cloze_inside_a_comment_is_no_card():
    assert cards("# N\n\nThe ==answer== %%and ==not this==%% here.\n")[0].back == "The answer  here."
    assert len(cards("# N\n\nThe ==answer== %%and ==not this==%% here.\n")) == 1


def test_a_card_in_a_callout_has_no_callout_marker_or_quote_marks():
    found = cards("# N\n\n> [!tip]- Folded\n> The ==mitochondria== is the powerhouse.\n>\n> Capital::Paris\n")
    texts = [(c.front, c.back) for c in found]
    assert ("Capital", "Paris") in texts
    (cloze,) = [c for c in found if c.kind.value == "cloze"]
    assert cloze.back == "The mitochondria is the powerhouse."
    assert all("[!" not in f + b and ">" not in f + b for f, b in texts)


def test_nested_callout_cards_and_plain_quotes_as_before():
    found = cards("# N\n\n> [!note]\n> > [!example] Inner\n> > Q::A\n\n> Quoted::as written\n")
    assert [(c.front, c.back) for c in found] == [("Q", "A"), ("> Quoted", "as written")]


def test_a_card_keeps_its_identity_in_a_callout_or_with_a_comment():
    plain = card_fingerprint(cards("# N\n\nCapital of France::Paris\n")[0])
    inside = card_fingerprint(cards("# N\n\n> [!note] Geography\n> Capital of France::Paris\n")[0])
    remarked = card_fingerprint(cards("# N\n\nCapital of France::Paris %%checked 2024%%\n")[0])
    assert plain == inside == remarked


def test_shared_masks_know_obsidian_comments():
    assert mask_spans("a %%b%% c")[0] == "a " + "\x00" * 5 + " c"
    assert mask_spans("a %%open")[1] == "%%"
    assert mask_spans("a <!--open")[1] == "-->"
    assert strip_comments("a %%x%% b <!-- y --> c %%open") == "a  b  c "
