"""The one way card HTML is made (``kb.site.cards.render_many``, behind the site's cards in place, the Flashcards
deck and ``kb review --web``) gives HTML that runs no script, whatever the card text: rendered by kb's Markdown, then
cleaned with an allow-list (issue 22, finding 2). Raw HTML in card text reads as text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.site import cards as site_cards

PAYLOADS = [
    'Esc \\`<img src=x onerror="alert(1)">\\`',
    'Math \\[<img src=x onerror="alert(2)">\\]',
    "[x](javascript:alert(3))",
    "[x](JaVaScRiPt:alert(3))",
    "[x](&#106;avascript:alert(3))",
    "![x](javascript:alert(4))",
    "[r][evil]\n\n[evil]: javascript:alert(5)",
    "<svg><script>alert(6)</script></svg>",
    '<svg onload="alert(7)"></svg>',
    '<iframe srcdoc="<script>alert(8)</script>"></iframe>',
    "[d](data:text/html;base64,PHNjcmlwdD5hbGVydCg5KTwvc2NyaXB0Pg==)",
    "<a href=javascript:alert(10)>x</a>",
    "&lt;img src=x onerror=alert(11)&gt;",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(12)>",
    '<div style="background:url(javascript:alert(13))">x</div>',
    "```\n</code></pre><img src=x onerror=alert(14)>\n```",
    "<<img src=x onerror=alert(15)>>",
    '`a` <img src="x" onerror="alert(16)"> `b`',
    '$x$ <img src=x onerror="alert(17)"> $y$',
    "<object data=javascript:alert(18)></object><embed src=javascript:alert(19)>",
]

SINK_RE = re.compile(
    r"<(script|svg|iframe|object|embed|style|math|form|input|base|meta|link)\b"
    r"|<[^>]*\s(on\w+|srcdoc|style|formaction)\s*="
    r"|<[^>]*\s(href|src|action|data)\s*=\s*[\"']?\s*(javascript|data|vbscript):",
    re.I,
)


def _runs_nothing(html_text: str) -> None:
    assert not SINK_RE.search(html_text), html_text


@pytest.mark.parametrize("text", PAYLOADS)
def test_render_many_cleans_every_payload(text):
    written = site_cards.card_markdown(text)
    for html_text in site_cards.render_many([written, text]):  # as the site writes it, and as it comes
        _runs_nothing(html_text)
    assert site_cards.render_html(text) == site_cards.render_many([text])[0]


def test_the_deck_and_kb_review_web_go_through_it():
    from types import SimpleNamespace

    from kb.web.render import card_html

    cards = [SimpleNamespace(kind="basic", front=p, back=p, context=(), generated=False) for p in PAYLOADS]
    _runs_nothing(site_cards.deck_html(cards))
    for p in PAYLOADS:
        front, back = card_html(SimpleNamespace(note="notes/a.md", front=p, back=p), None, "notes")
        _runs_nothing(front + back)
    blanks, _none = card_html(SimpleNamespace(note="notes/a.md"), ("{{c1::" + PAYLOADS[0] + "}}", 1), "notes")
    _runs_nothing(blanks)


def test_card_text_keeps_what_cards_need():
    (out,) = site_cards.render_many(
        ["**b** `c` ==m== $x<y$ [w](https://example.org) ![i](ok.png) <b>raw</b>"]
    )
    assert "<strong>b</strong>" in out and "<code>c</code>" in out and "<mark>m</mark>" in out
    assert 'class="arithmatex"' in out and 'href="https://example.org"' in out and 'src="ok.png"' in out
    assert "&lt;b&gt;raw" in out or "<b>raw</b>" in out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["<", ">", "img", " src=x", " onerror=alert(1)", "`", "\\", "[", "]", "(", ")",
                                 "javascript:", "$", "\\[", "\\]", "<svg", "onload=", '"', "'", "=", "&", "#", "\n"]),
                max_size=30).map("".join))  # fmt: skip
def test_no_text_made_of_markup_pieces_gives_a_sink(text):
    for html_text in site_cards.render_many([site_cards.card_markdown(text), text]):
        _runs_nothing(html_text)
