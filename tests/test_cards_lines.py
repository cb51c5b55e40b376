"""The extractor's line classifier and its state machine (kb.cards.extractor), and how a paragraph is split into
units (kb.cards.blocks): what is open decides what a line is."""

from __future__ import annotations

import pytest

from kb.cards.blocks import UnitKind, split_units
from kb.cards.collector import Line
from kb.cards.extractor import LineKind, classify, extract_cards
from kb.markdown import mask_spans
from kb.notes.reader import parse_note


def cards_of(body: str):
    result = extract_cards(parse_note("notes/t.md", f"---\ntitle: T\n---\n{body}".encode()))
    return [(c.kind.value, c.front, c.back) for c in result.cards], [
        (p.line, p.message) for p in result.problems
    ]


@pytest.mark.parametrize(
    ("line", "kind", "payload"),
    [
        ("", LineKind.BLANK, None),
        ("   \t", LineKind.BLANK, None),
        ("```python", LineKind.FENCE, "```"),
        ("    ~~~~", LineKind.FENCE, "~~~~"),
        ("$$", LineKind.MATH_OPEN, "$$"),
        ("$$ \\sum_i x_i", LineKind.MATH_OPEN, "$$"),
        ("\\[", LineKind.MATH_OPEN, "\\]"),
        ("$$ E = mc^2 $$", LineKind.MATH_LINE, None),
        ("## Key points ##", LineKind.HEADING, (2, "Key points")),
        ("# C# is a language", LineKind.HEADING, (1, "C# is a language")),
        ("#hashtag", LineKind.TEXT, None),
        ('??? question "What is a habit loop?"', LineKind.ADMONITION, ("question", "What is a habit loop?")),
        ("!!! Note", LineKind.ADMONITION, ("note", "")),
        ("---", LineKind.RULE, None),
        ("***", LineKind.RULE, None),
        ("* * *", LineKind.TEXT, None),  # a list item whose text is "* *"
        ("- - x", LineKind.TEXT, None),
        ("- Habits compound", LineKind.TEXT, None),
        ("Front::Back", LineKind.TEXT, None),
    ],
)
def test_classify(line, kind, payload):
    assert classify(line) == (kind, payload)


def test_fenced_code_in_a_list_item_makes_no_card():
    cards, _ = cards_of("- Steps:\n\n    ```bash\n    git log --format=%H::%s\n    ```\n\n- Done::yes\n")
    assert cards == [("basic", "Done", "yes")]


def test_indented_code_after_a_blank_line_makes_no_card_but_a_list_continuation_does():
    cards, _ = cards_of("Prose.\n\n    code::not a card\n\n- item\n\n    continued::a card\n")
    assert cards == [("basic", "continued", "a card")]


def test_a_fence_marker_inside_indented_code_opens_no_fence():
    cards, _ = cards_of("Text.\n\n    example\n    ```\n\nAfter::the code\n")
    assert cards == [("basic", "After", "the code")]


def test_display_math_lines_are_part_of_the_answer_and_never_syntax():
    cards, _ = cards_of("What is the softmax?\n?\n$$\n\\sigma(z)_i = e^{z_i} :: \\sum_j e^{z_j}\n$$\n")
    assert cards == [("basic", "What is the softmax?", "$$\n\\sigma(z)_i = e^{z_i} :: \\sum_j e^{z_j}\n$$")]


def test_a_comment_over_several_lines_hides_its_cards_and_the_text_after_it_counts():
    cards, _ = cards_of(
        "Intro.\n\n<!-- draft\nHidden::card\n-->\nShown::card\nText <!-- a::b\nc::d --> e::f\n"
    )
    assert cards == [("basic", "Shown", "card"), ("basic", "e", "f")]


def test_an_admonition_ends_where_the_indentation_does():
    cards, _ = cards_of('!!! tip "Remember"\n    Inside::the tip\nOutside::the tip\n')
    assert cards == [("basic", "Inside", "the tip"), ("basic", "Outside", "the tip")]


def test_a_question_block_body_is_its_answer_and_never_scanned():
    cards, problems = cards_of(
        '??? question "What does `git add -p` do?"\n    Stages hunks::interactively\n\nNext.\n'
    )
    assert cards == [("question", "What does `git add -p` do?", "Stages hunks::interactively")]
    assert problems == []


def test_a_question_block_without_a_title_or_body_is_a_problem():
    _, problems = cards_of("??? question\n    Body\n")
    assert problems == [(4, 'a question block needs its question as the title: ??? question "What is ...?"')]
    _, problems = cards_of('!!! question "Why?"\n\nNot indented.\n')
    assert problems == [
        (4, "this question block has no answer; write the answer indented by 4 spaces below it")
    ]


def test_the_breadcrumb_follows_the_headings():
    note = parse_note(
        "notes/t.md",
        b"---\ntitle: Git\n---\n# Git\n## The `object` **model**\nBlob::file content\n### Refs\nHEAD::current ref\n"
        b"## Packs\nPack::compressed objects\n",
    )
    assert [c.context for c in extract_cards(note).cards] == [
        ("Git", "The object model"),
        ("Git", "The object model", "Refs"),
        ("Git", "Packs"),
    ]


def lines(*texts: str) -> list[Line]:
    return [Line(i + 1, t, mask_spans(t)[0]) for i, t in enumerate(texts)]


def test_split_units_by_kind():
    block = lines(
        "Intro text",
        "Term",
        ":   its definition",
        "    continued",
        "- Cue",
        "  - nested detail",
        "- Craving",
        "Q: Why?",
        "more question",
        "A: Because",
        "and more answer",
    )
    assert [(kind, [ln.text for ln in unit]) for kind, unit in split_units(block, None)] == [
        (UnitKind.TEXT, ["Intro text"]),
        (UnitKind.DEFINITION, ["Term", ":   its definition", "    continued"]),
        (UnitKind.ITEM, ["- Cue"]),
        (UnitKind.SUBITEM, ["  - nested detail"]),
        (UnitKind.ITEM, ["- Craving"]),
        (UnitKind.QUESTION_ANSWER, ["Q: Why?", "more question", "A: Because", "and more answer"]),
    ]


def test_a_loose_definition_takes_its_term_from_the_paragraph_before():
    term = Line(1, "Spaced repetition", None)  # a prose line never masked: its block had no card syntax
    ((kind, unit),) = split_units(
        [Line(3, ":   reviews at growing intervals", ":   reviews at growing intervals")], term
    )
    assert kind is UnitKind.DEFINITION and [ln.text for ln in unit] == [
        "Spaced repetition",
        ":   reviews at growing intervals",
    ]
    assert term.masked == "Spaced repetition"
    cards, _ = cards_of("Spaced repetition\n\n:   reviews at growing intervals\n")
    assert cards == [("definition", "Spaced repetition", "reviews at growing intervals")]


def test_a_q_without_an_a_is_a_problem():
    cards, problems = cards_of("Q: What is a habit?\n")
    assert cards == []
    assert problems == [(4, "a `Q:` without an `A:`; write the answer on a line starting with `A:` below it")]


def test_bullets_and_emphasis_lines_take_the_fast_path_but_rules_still_end_a_paragraph():
    # "---" is a rule (ends the paragraph); "- x" and "**Bold**" lines are text of the paragraph
    cards, _ = cards_of("What ends a paragraph?\n?\nA rule\n---\n**Bold** line::after the rule\n")
    assert cards == [
        ("basic", "What ends a paragraph?", "A rule"),
        ("basic", "**Bold** line", "after the rule"),
    ]
