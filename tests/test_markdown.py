"""kb.markdown: the shared lexing rules (fences, masks, list markers, Anki cloze markup, plain text), and the note
reader and wiki links that take their fence rule from it."""

from __future__ import annotations

import re

import pytest

from kb.markdown import (
    ANKI_CLOZE_OPEN_RE,
    ANKI_CLOZE_RE,
    MASK,
    closes_fence,
    dedent,
    drop_chars,
    fence_re,
    indent_width,
    mask_spans,
    plain_text,
    strip_comments,
    strip_list_marker,
    unbold,
)
from kb.notes.reader import parse_note
from kb.notes.wikilinks import find_links

# ---------------------------------------------------------------------------------------------------------------
# Fences


@pytest.mark.parametrize(
    ("line", "top_level", "nested", "quoted"),
    [
        ("```python", "```", "```", "```"),
        ("~~~~", "~~~~", "~~~~", "~~~~"),
        ("   ```", "```", "```", "```"),  # 3 columns in: still a fence at the top level
        ("    ```", None, "```", "```"),  # 4: indented code at the top level, a fence in a list item
        ("\t```", "```", "```", "```"),  # the limit counts characters: a tab is one
        ("> ```", None, None, "```"),  # only a caller that reads blockquotes sees this one
        ("> > ~~~ js", None, None, "~~~"),
        ("``", None, None, None),  # two backticks: inline code, not a fence
        ("text ```", None, None, None),
    ],
)
def test_where_a_fence_may_stand_is_the_callers_parameter(line, top_level, nested, quoted):
    def marker(rx):
        m = rx.match(line)
        return m.group(1) if m else None

    assert marker(fence_re(max_indent=3)) == top_level
    assert marker(fence_re(max_indent=None)) == nested
    assert marker(fence_re(max_indent=None, quotes=True)) == quoted


def test_fence_regexes_are_built_once_per_rule():
    assert fence_re(max_indent=3) is fence_re(max_indent=3)
    assert fence_re(max_indent=3) is not fence_re(max_indent=None)


@pytest.mark.parametrize(
    ("opening", "marker", "rest", "closes"),
    [
        ("```", "```", "", True),
        ("```", "````", "  ", True),  # longer closes
        ("````", "```", "", False),  # shorter does not
        ("```", "~~~", "", False),  # the other character does not
        ("```", "```", "python", False),  # an info string makes it an opening, not a closing fence
        ("~~~", "~~~", " \t", True),
    ],
)
def test_closing_fence_rule(opening, marker, rest, closes):
    assert closes_fence(opening, marker, rest) is closes


def test_headings_inside_a_fence_are_not_headings_and_a_longer_fence_closes_it():
    note = parse_note(
        "notes/t.md",
        b"---\ntitle: T\n---\n# Top\n\n````bash\n# install\n```\n# still code\n`````\n\n## After\n",
    )
    assert [h.text for h in note.headings] == ["Top", "After"]


def test_links_after_a_fence_inside_a_blockquote_are_found():
    # a quoted fence used to stay open to the end of the note, hiding every later link
    md = "> Example:\n> ```\n> [[In code]]\n> ```\n\nSee [[Atomic Habits]] and [[Deep Work]].\n"
    assert [link.target for link in find_links(md)] == ["Atomic Habits", "Deep Work"]


def test_links_in_a_fence_inside_a_list_item_are_not_links():
    md = "- Run this:\n\n    ```\n    [[not a link]]\n    ```\n- Then read [[Git Internals]]\n"
    assert [link.target for link in find_links(md)] == ["Git Internals"]


# ---------------------------------------------------------------------------------------------------------------
# Indentation and list markers


def test_tabs_count_to_the_next_multiple_of_four():
    assert indent_width("\tx") == 4
    assert indent_width("  \tx") == 4
    assert indent_width(" \t  x") == 6
    assert indent_width("x   ") == 0
    assert dedent("\t\tcode", 4) == "\tcode"
    assert dedent("      text", 4) == "  text"
    assert dedent("  text", 4) == "text"  # removes what there is


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("- Habits compound over time", "Habits compound over time"),
        ("* [x] Read chapter 3", "Read chapter 3"),
        ("12. The twelfth law", "The twelfth law"),
        ("3) Cue, craving, response, reward", "Cue, craving, response, reward"),
        ("  + nested item", "nested item"),
        ("-no space is no marker", "-no space is no marker"),
        ("Plain prose", "Plain prose"),
        ("", ""),
    ],
)
def test_strip_list_marker(line, text):
    assert strip_list_marker(line) == text


# ---------------------------------------------------------------------------------------------------------------
# Masks


def masked_text(line: str) -> str:
    """The unmasked characters of a masked line, the masks shown as one #."""
    return re.sub(f"{MASK}+", "#", mask_spans(line)[0])


@pytest.mark.parametrize(
    ("line", "shown"),
    [
        ("Use `git add -p` to stage hunks", "Use # to stage hunks"),
        ("Python slices `a[::2]` skip", "Python slices # skip"),
        ("``code with ` inside`` done", "# done"),
        ("Einstein: $E = mc^2$ holds", "Einstein: # holds"),
        ("It costs $1,500 and $2,000", "It costs $1,500 and $2,000"),  # money, not math
        ("a $ x$ b", "a $ x$ b"),  # an opening $ is followed by a non-space
        ("Inline \\(a::b\\) and display \\[c\\]", "Inline # and display #"),
        ("$$x::y$$ after", "# after"),
        ("An escaped \\$ sign and \\` tick", "An escaped \\$ sign and \\` tick"),
        ("note <!-- hidden::card --> shown", "note # shown"),
    ],
)
def test_mask_spans_hides_code_math_and_comments_keeping_positions(line, shown):
    masked, open_comment = mask_spans(line)
    assert len(masked) == len(line)
    assert not open_comment
    assert masked_text(line) == shown


def test_a_comment_left_open_is_masked_to_the_end_and_reported():
    masked, open_comment = mask_spans("visible <!-- draft: a::b")
    assert open_comment
    assert masked == "visible " + MASK * len("<!-- draft: a::b")


def test_unclosed_code_span_masks_nothing():
    assert mask_spans("a ` b :: c") == ("a ` b :: c", "")


def test_strip_comments():
    assert strip_comments("a <!-- x --> b <!-- y --> c") == "a  b  c"
    assert strip_comments("keep <!-- open to the end") == "keep "
    assert strip_comments("no comment") == "no comment"


# ---------------------------------------------------------------------------------------------------------------
# Anki cloze markup


def test_anki_cloze_groups():
    m = ANKI_CLOZE_RE.search("The {{c2::basal ganglia::brain region}} store habits")
    assert (m.group("number"), m.group("text"), m.group("hint")) == ("2", "basal ganglia", "brain region")
    m = ANKI_CLOZE_RE.search("{{c1::dopamine}}")
    assert (m.group("number"), m.group("text"), m.group("hint")) == ("1", "dopamine", None)


def test_anki_cloze_text_may_hold_single_colons_and_braces_but_never_crosses_another_opener():
    assert ANKI_CLOZE_RE.search("{{c1::ratio 3:1}}").group("text") == "ratio 3:1"
    assert ANKI_CLOZE_RE.search("{{c1::a {set} b}}").group("text") == "a {set} b"
    # an unclosed opener does not swallow the deletion after it
    found = [m.group("text") for m in ANKI_CLOZE_RE.finditer("{{c1::never closed {{c2::closed}}")]
    assert found == ["closed"]
    assert [m.group("number") for m in ANKI_CLOZE_OPEN_RE.finditer("{{c1::never closed {{c2::closed}}")] == [
        "1",
        "2",
    ]


def test_anki_cloze_spans_lines():
    m = ANKI_CLOZE_RE.search("{{c1::first line\nsecond line}}")
    assert m.group("text") == "first line\nsecond line"


# ---------------------------------------------------------------------------------------------------------------
# Plain text


@pytest.mark.parametrize(
    ("source", "plain"),
    [
        ("The **basal ganglia** store *habits*", "The basal ganglia store habits"),
        ("Run `git gc` ==weekly==, not ~~daily~~", "Run git gc weekly, not daily"),
        (
            "See [[notes/books/atomic-habits|Atomic Habits]] and [[Deep Work#Rules]]",
            "See Atomic Habits and Deep Work",
        ),
        ("Read [the paper](https://example.org) <b>now</b>", "Read the paper now"),
        ("{{c1::Dopamine::chemical}} drives {{c2::craving}}", "Dopamine drives craving"),
        ("snake_case_name stays", "snake_case_name stays"),
        ("math $a_1 + b_2$ is kept", "math $a_1 + b_2$ is kept"),
        ("  spread \n over   lines ", "spread over lines"),
    ],
)
def test_plain_text(source, plain):
    assert plain_text(source) == plain


def test_light_plain_text_drops_only_strong_emphasis_and_code_ticks():
    assert plain_text("The `git` **object** *model*  here", light=True) == "The git object *model*  here"


def test_unbold_and_drop_chars():
    assert unbold("**Identity-based habits**: start with who") == "Identity-based habits: start with who"
    assert unbold("__Cue__ then **craving**") == "Cue then craving"
    assert unbold("a ** b") == "a ** b"
    assert drop_chars("`*_text_*`", "*_`") == "text"
