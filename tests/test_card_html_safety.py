"""The one way card HTML is made (``kb.site.cards.render_many``, behind the site's cards in place, the Flashcards
deck and ``kb review --web``) gives HTML that runs no script, whatever the card text: rendered by kb's Markdown, then
cleaned with an allow-list (issue 22, finding 2). Raw HTML in card text reads as text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

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

_SINK_TAGS = frozenset("script svg iframe object embed style math form input base meta link".split())
_SINK_ATTRIBUTES = frozenset("srcdoc style formaction".split())
_URL_ATTRIBUTES = frozenset("href src action data xlink:href".split())


class _Sinks(HTMLParser):
    """The tags and attributes of a page that can run script, read as a browser reads them: an attribute's value
    is decoded, and text inside a quoted value ('href="&quot; onerror=..."') is no attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SINK_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            url = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if name.startswith("on") or name in _SINK_ATTRIBUTES:
                self.found.append(f"{tag} {name}=")
            elif name in _URL_ATTRIBUTES and url.startswith(("javascript:", "data:", "vbscript:")):
                self.found.append(f"{tag} {name}={value}")

    handle_startendtag = handle_starttag


def _runs_nothing(html_text: str) -> None:
    sinks = _Sinks()
    sinks.feed(html_text)
    sinks.close()
    assert not sinks.found, html_text


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
