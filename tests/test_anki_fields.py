"""Anki field HTML -> kb Markdown, construct by construct (kb.anki.fields)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.anki.fields import escape_line_start, escape_text, html_to_markdown, link_target


def md(html: str) -> str:
    return html_to_markdown(html).text


# --- inline formatting ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<b>bold</b> text", "**bold** text"),
        ("<strong>bold</strong> text", "**bold** text"),
        ("<i>it</i> text", "*it* text"),
        ("<em>it</em> text", "*it* text"),
        ("<i>it <b>both</b></i>", "*it **both***"),
        ("<u>under</u> line", "under line"),  # Markdown has no underline: the words stay, the tag goes
        ("H<sub>2</sub>O and x<sup>2</sup>", "H<sub>2</sub>O and x<sup>2</sup>"),
        ("<b>unclosed", "**unclosed"),
    ],
    ids=["b", "strong", "i", "em", "nested", "u", "sub-sup", "unclosed"],
)
def test_inline_tags(html, markdown):
    assert md(html) == markdown


def test_empty_bold_left_by_the_editor_disappears():
    assert md("<b></b>word") == "word"
    assert md("word<strong></strong> more") == "word more"


def test_inline_code_keeps_its_text_escaped_for_markdown():
    assert md("call <code>run()</code> now") == "call `run()` now"
    assert md("<code>a*b</code>") == "`a\\*b`"


# --- blocks ----------------------------------------------------------------------------------------------------


def test_pre_becomes_a_fence_and_keeps_its_text_verbatim():
    assert md("<pre><code>x = a*b\n  y_z</code></pre>") == "```\nx = a*b\n  y_z\n```"


def test_pre_after_text_starts_on_its_own_line():
    assert md("Run:<pre>make</pre>then") == "Run:\n```\nmake\n```\nthen"


def test_code_inside_pre_adds_no_backticks():
    assert "`" not in md("<pre><code>plain</code></pre>").replace("```", "")


def test_headings_become_bold_lines_so_the_note_is_not_split():
    assert md("<h1>Title</h1>body") == "**Title**\nbody"
    assert md("before<h3>Part</h3>after") == "before\n**Part**\nafter"


@pytest.mark.parametrize(
    ("html", "markdown"),
    [
        ("<div>one</div><div>two</div>", "one\ntwo"),
        ("<p>para</p><p>two</p>", "para\ntwo"),
        ("<blockquote>q</blockquote>after", "q\nafter"),
        ("a<br>b", "a\nb"),
        ("a<br><br>b", "a\n\nb"),
        ("<br>lead", "lead"),
        ("end<br>", "end"),
    ],
    ids=["div", "p", "blockquote", "br", "two-br", "leading-br", "trailing-br"],
)
def test_block_tags_and_line_breaks(html, markdown):
    assert md(html) == markdown


def test_trailing_spaces_are_cut_from_every_line():
    assert md("one <br>two ") == "one\ntwo"


# --- lists -----------------------------------------------------------------------------------------------------


def test_bullet_list():
    assert md("<ul><li>one</li><li>two</li></ul>") == "- one\n- two"


def test_numbered_list_counts_its_items():
    assert md("<ol><li>a</li><li>b</li><li>c</li></ol>") == "1. a\n2. b\n3. c"


def test_nested_bullets_indent_by_level():
    # four spaces a level: Python-Markdown (the site, the export) reads less as the same level
    assert md("<ul><li>a<ul><li>b<ul><li>c</li></ul></li></ul></li></ul>") == "- a\n    - b\n        - c"


def test_nested_numbered_list_counts_each_level_apart():
    assert (
        md("<ol><li>a<ol><li>b</li><li>c</li></ol></li><li>d</li></ol>") == "1. a\n    1. b\n    2. c\n2. d"
    )


def test_bullets_inside_a_numbered_list():
    assert md("<ol><li>a<ul><li>x</li></ul></li><li>b</li></ol>") == "1. a\n    - x\n2. b"


def test_list_after_text_starts_on_a_new_line():
    assert md("Steps:<ul><li>one</li></ul>done") == "Steps:\n- one\ndone"


def test_a_stray_list_item_is_a_bullet():
    assert md("<li>loose</li>") == "- loose"


# --- links, images, sounds -------------------------------------------------------------------------------------


def test_link_with_a_target():
    assert md('see <a href="https://x.org/a">the site</a>') == "see [the site](https://x.org/a)"


def test_link_target_with_a_space_goes_in_angle_brackets():
    assert md('<a href="https://x.org/a b">x</a>') == "[x](<https://x.org/a b>)"


def test_anchor_without_href_keeps_only_its_text():
    assert md("<a>no href</a> text") == "no href text"
    assert md('<a name="n">named</a>') == "named"


def test_image_becomes_markdown_and_is_listed_as_media():
    converted = html_to_markdown('<img src="cue.png" alt="the cue">')
    assert converted.text == "![the cue](cue.png)"
    assert converted.media == ("cue.png",)


def test_image_alt_cannot_close_the_brackets():
    assert md('<img src="a.png" alt="x]y">') == "![xy](a.png)"


def test_image_source_is_trimmed_and_one_without_a_source_is_dropped():
    assert html_to_markdown('<img src=" b.png ">') == ("![](b.png)", ("b.png",))
    assert html_to_markdown('<img alt="nothing">') == ("", ())


def test_sound_becomes_a_link_and_is_listed_as_media():
    assert html_to_markdown("say [sound:hola.mp3]") == ("say [hola.mp3](hola.mp3)", ("hola.mp3",))
    assert html_to_markdown("[sound:my file.mp3]") == ("[my file.mp3](<my file.mp3>)", ("my file.mp3",))


def test_media_are_listed_once_images_first_then_sounds():
    html = '[sound:s.mp3]<img src="a.png"> [sound:s.mp3] <img src="b.png"><img src="a.png">'
    assert html_to_markdown(html).media == ("a.png", "b.png", "s.mp3")


def test_a_field_without_media_lists_none():
    assert html_to_markdown("plain").media == ()


# --- math ------------------------------------------------------------------------------------------------------


def test_inline_and_display_math_keep_their_text_unescaped():
    assert md(r"\(a*b_c\) and \[x^2\]") == "$a*b_c$ and $$x^2$$"


def test_math_over_several_lines():
    assert md("\\[a\n+ b\\]") == "$$a\n+ b$$"


def test_text_around_math_is_still_escaped():
    assert md(r"2*3 is \(6\)") == "2\\*3 is $6$"


# --- plain text that Markdown would misread --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("2 * 3", "2 \\* 3"),
        ("a $5 fee", "a \\$5 fee"),
        ("~x~", "\\~x\\~"),
        ("2^3", "2\\^3"),
        ("back\\slash", "back\\\\slash"),
        ("`tick`", "\\`tick\\`"),
        ("a == b", "a \\== b"),  # a bare == would be a kb cloze
        ("[x](y)", "[x]&#40;y)"),  # not a link
        ("AT&amp;T", "AT&amp;T"),
        ("&lt;div&gt;", "&lt;div>"),  # shown as text, never as a tag
    ],
)
def test_plain_text_is_escaped(text, markdown):
    assert md(text) == markdown


def test_underscores_inside_words_stay_and_others_are_escaped():
    assert md("snake_case and _under_ x_") == "snake_case and \\_under\\_ x\\_"


@pytest.mark.parametrize(
    ("text", "markdown"),
    [
        ("# not a heading", "\\# not a heading"),
        ("> not a quote", "\\> not a quote"),
        ("- not a list", "\\- not a list"),
        ("+ not a list", "\\+ not a list"),
        ("12. not numbered", "12\\. not numbered"),
        ("3) not numbered", "3\\) not numbered"),
        ("[ref]: not a definition", "&#91;ref]: not a definition"),
    ],
)
def test_text_at_the_start_of_a_line_cannot_start_a_block(text, markdown):
    assert md(text) == markdown
    assert md(f"first<br>{text}") == f"first\n{markdown}"
    assert md(f"<div>{text}</div>") == markdown


def test_the_same_characters_inside_a_line_are_left_alone():
    assert md("page 12. then - and + and # and >") == "page 12. then - and + and # and >"


def test_whitespace_runs_and_no_break_spaces_become_one_space():
    assert md("  spaced   words  ") == "spaced words"
    assert md("tab\there\nnewline") == "tab here newline"
    assert md("x&nbsp;&nbsp;y") == "x y"


# --- the helpers -----------------------------------------------------------------------------------------------


def test_link_target():
    assert link_target("a.png") == "a.png"
    for target in ("a b.png", "f(x).png", "a<b", "tab\there"):
        assert link_target(target) == f"<{target}>"


def test_escape_text_and_escape_line_start_alone():
    assert escape_text("*_x_*") == "\\*\\_x\\_\\*"
    assert escape_text("x<y & z") == "x&lt;y &amp; z"
    assert escape_line_start("# h") == "\\# h"
    assert escape_line_start("1. one. 2. two") == "1\\. one. 2. two"  # only the start of the line
    assert escape_line_start("plain") == "plain"


_FIELD_PIECES = [*"ab 1.)#>+-*_`$~^=|:{}\t\n\r\xa0é", "<b>", "</b>", "<i>", "</i>", "<em>", "</strong>", "<br>",
                 "<br/>", "<br />", "&amp;", "&nbsp;", "&lt;", "&quot;", "&#39;", "&", "&amp", "x y", "=="]  # fmt: skip


@settings(max_examples=500)
@given(st.lists(st.sampled_from(_FIELD_PIECES), max_size=14).map("".join))
def test_a_plain_or_simple_field_reads_as_the_parser_reads_it(text):
    """Plain fields, and fields of words with <b>, <i>, <br> and entities, skip the HTML parser (most fields of a big
    deck): the same Markdown either way (a ``<span>`` around the text sends it through the parser and changes
    nothing else)."""
    assert html_to_markdown(text) == html_to_markdown(f"<span>{text}</span>")
