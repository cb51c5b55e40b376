"""The deck's shortcut for plain card text gives the HTML the deck's Markdown pass would give."""

from __future__ import annotations

from types import SimpleNamespace

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kb.site import cards as site_cards

# Plain words (most card text), and words with what matters to Markdown: emphasis, marks, math, code, links,
# entities, list and block starts.
PLAIN = st.sampled_from(
    ["habit", "loss", "the", "é", "(ok)", "it's", "50%", "a/b", "end.", "why?", "a:", "x,", "+x"]
)
SPECIAL = st.sampled_from(
    ["a_b", "_x_", "**b**", "==m==", "$x$", "`c`", "[l]", "[[Note]]", "&", "1.", "1)", "-", "---", "+", "#",
     "x::y", "<b>", "  ", "\\", "~", "^", "--", '"q"']
)  # fmt: skip
WORD = st.one_of(PLAIN, PLAIN, PLAIN, SPECIAL)
TEXT = st.lists(WORD, max_size=6).map(" ".join)


@given(
    before=TEXT,
    answer=TEXT,
    after=TEXT,
    other=TEXT,
    hint=st.sampled_from(["", "hint", "a_b"]),
    lead=st.sampled_from(["", " ", "- ", "1. "]),
)
@settings(deadline=None, max_examples=300)  # the first example loads the deck's Markdown
@example(before="The", answer="_x_", after="y", other="z", hint="", lead="")
@example(before="The", answer="a", after="y", other="z", hint="", lead="1. ")
@example(before="The idea of", answer="result question", after="matters.", other="x", hint="", lead="")
def test_plain_cloze_front_is_what_markdown_makes_of_it(before, answer, after, other, hint, lead):
    hint_part = f"::{hint}" if hint else ""
    card = SimpleNamespace(
        cloze_text=f"{lead}{before} {{{{c1::{answer}{hint_part}}}}} {after} {{{{c2::{other}}}}}",
        cloze_index=1,
    )
    text = site_cards._cloze_front_html(card)
    fast = site_cards.plain_html(text)
    if fast is not None:
        assert fast == site_cards.render_html(text).strip()


def test_plain_cloze_front_takes_the_shortcut():
    card = SimpleNamespace(cloze_text="The idea of {{c1::result question}} matters.", cloze_index=1)
    text = site_cards._cloze_front_html(card)
    assert site_cards.plain_html(text) == f"<p>{text}</p>"
    assert 'class="kb-blank-answer">result question</span>' in site_cards.deck_html([_cloze_card(card)])


def _cloze_card(card):
    return SimpleNamespace(
        kind="cloze", cloze_text=card.cloze_text, cloze_index=card.cloze_index, generated=False, context=()
    )


def test_a_nested_cloze_hides_this_cards_deletion_whole_and_shows_the_others():
    from kb.web.render import card_html

    card = SimpleNamespace(note="notes/imported/x.md", front="", back="")
    text = "{{c1::outer {{c2::inner}} text}} end"
    outer, _ = card_html(card, (text, 1), "notes")
    inner, _ = card_html(card, (text, 2), "notes")
    assert 'class="kb-blank-answer">outer inner text</span></span> end' in outer
    assert outer.count("kb-blank-answer") == 1
    assert (
        inner.startswith("<p>outer <span") and 'class="kb-blank-answer">inner</span></span> text end' in inner
    )
