"""Edges of the Obsidian Spaced Repetition conventions (kb.cards.obsidian) that a vault written for the plugin
meets: every form of the ``<!--SR:...-->`` comment and where it may stand, malformed comments (reported with the
card's line), siblings and the ``2000-01-01`` placeholder, deck tags and where they stop; and ``kb cards --explain``
(kb.cards.explain) over a folder, as JSON, with custom key-point headings and for a path that is not there."""

from __future__ import annotations

import json

from click.testing import CliRunner

from kb.cards.extractor import extract_cards
from kb.cli import cli
from kb.notes.reader import parse_note


def cards_of(text: str):
    result = extract_cards(parse_note("notes/deck.md", text.encode()))
    return result.cards, result.problems


def schedules(cards):
    return [(c.front, c.schedule and (c.schedule.due, c.schedule.interval, c.schedule.ease)) for c in cards]


# ---------------------------------------------------------------------------------------------------- SR comment forms
def test_the_legacy_comment_without_a_bang_is_read_as_a_schedule():
    cards, problems = cards_of("Mitochondria::the powerhouse of the cell <!--SR:2024-01-01,3,250-->\n")
    assert problems == ()
    assert schedules(cards) == [("Mitochondria", ("2024-01-01", 3, 250))]
    assert cards[0].schedule.algorithm == "sm2"
    assert cards[0].back == "the powerhouse of the cell"


def test_an_fsrs_entry_keeps_every_field_the_plugin_wrote():
    cards, problems = cards_of(
        "Capital of Peru::Lima\n<!--SR:!fsrs,2025-03-01T10:00:00Z,12,14.2,5.1,2,4,1,0,2025-02-17T10:00:00Z-->\n"
    )
    assert problems == ()
    s = cards[0].schedule
    assert (s.algorithm, s.due, s.interval) == ("fsrs", "2025-03-01T10:00:00Z", 12)
    assert (s.stability, s.difficulty, s.state, s.reps, s.lapses, s.step) == (14.2, 5.1, 2, 4, 1, 0)
    assert s.last_review == "2025-02-17T10:00:00Z"
    assert s.ease is None
    assert s.text == "fsrs,2025-03-01T10:00:00Z,12,14.2,5.1,2,4,1,0,2025-02-17T10:00:00Z"


def test_an_fsrs_entry_missing_fields_is_reported_and_the_card_is_new():
    cards, problems = cards_of("Capital of Peru::Lima <!--SR:!fsrs,2025-03-01,1,2-->\n")
    assert cards[0].schedule is None
    assert len(problems) == 1 and problems[0].line == 1
    assert "`<!--SR:!fsrs,2025-03-01,1,2-->`" in problems[0].message
    assert "kb starts the card as new" in problems[0].message


def test_decimal_interval_and_ease_are_read_as_whole_numbers():
    cards, problems = cards_of("Speed of light::299 792 km/s <!--SR:!2024-05-05,3.0,250.5-->\n")
    assert problems == ()
    assert schedules(cards) == [("Speed of light", ("2024-05-05", 3, 250))]


def test_the_last_of_two_comments_on_a_line_wins():
    cards, _ = cards_of("Q::A <!--SR:!2024-01-01,3,250--> <!--SR:!2024-06-01,30,270-->\n")
    assert schedules(cards) == [("Q", ("2024-06-01", 30, 270))]


def test_a_comment_in_the_plugin_s_metadata_callout_right_after_the_card_is_read():
    cards, problems = cards_of(
        "Boiling point of water::100 °C\n> [!sr|card-metadata]\n> <!--SR:!2024-01-01,3,250-->\n"
    )
    assert problems == ()
    assert schedules(cards) == [("Boiling point of water", ("2024-01-01", 3, 250))]


def test_a_comment_after_a_blank_line_belongs_to_no_card():
    cards, problems = cards_of("Q::A\n\n<!--SR:!2024-01-01,3,250-->\n")
    assert problems == ()
    assert schedules(cards) == [("Q", None)]


def test_a_comment_on_the_next_card_s_line_is_that_card_s_not_the_one_above():
    cards, _ = cards_of("Q1::A1\nQ2::A2 <!--SR:!2024-01-01,3,250-->\n")
    assert schedules(cards) == [("Q1", None), ("Q2", ("2024-01-01", 3, 250))]
    cards, _ = cards_of("Q1::A1\n<!--SR:!2024-01-01,3,250-->\nQ2::A2\n")
    assert schedules(cards) == [("Q1", ("2024-01-01", 3, 250)), ("Q2", None)]


def test_a_multiline_card_takes_the_comment_on_its_last_line_or_the_line_after():
    for text in (
        "Why is the sky blue?\n?\nRayleigh scattering\nof sunlight <!--SR:!2024-01-01,3,250-->\n",
        "Why is the sky blue?\n?\nRayleigh scattering\nof sunlight\n<!--SR:!2024-01-01,3,250-->\n",
    ):
        cards, problems = cards_of(text)
        assert problems == ()
        assert [(c.front, c.back) for c in cards] == [
            ("Why is the sky blue?", "Rayleigh scattering\nof sunlight")
        ]
        assert cards[0].schedule.due == "2024-01-01"


def test_a_comment_in_a_bulleted_card_leaves_its_text():
    cards, _ = cards_of("- an aside\n- Q::A <!--SR:!2024-01-01,3,250-->\n")
    assert [(c.front, c.back, c.line) for c in cards] == [("Q", "A", 2)]
    assert cards[0].schedule.interval == 3


# ---------------------------------------------------------------------------------------------------- malformed
def test_an_empty_comment_is_no_schedule_and_no_problem():
    cards, problems = cards_of("Q::A <!--SR:-->\n")
    assert schedules(cards) == [("Q", None)]
    assert problems == ()


def test_an_entry_missing_its_ease_is_reported_at_the_card_s_line_below_front_matter():
    cards, problems = cards_of(
        "---\ntitle: Chemistry\n---\n# Chemistry\n\nNaCl::table salt <!--SR:!2024-01-01,3-->\n"
    )
    assert schedules(cards) == [("NaCl", None)]
    assert [p.line for p in problems] == [6]
    assert "`<!--SR:!2024-01-01,3-->` holds no schedule kb can read" in problems[0].message


def test_a_legacy_comment_with_several_entries_is_reported():
    # without a leading `!` the comment is one entry; `2024-01-01,3,250!2024-02-01,9,270` is no schedule
    cards, problems = cards_of("Q::A <!--SR:2024-01-01,3,250!2024-02-01,9,270-->\n")
    assert cards[0].schedule is None
    assert len(problems) == 1 and problems[0].line == 1


def test_one_bad_sibling_entry_is_reported_and_the_good_one_is_kept():
    cards, problems = cards_of("Photosynthesis:::light into sugar <!--SR:!2024-01-01,3,250!garbage-->\n")
    assert schedules(cards) == [
        ("Photosynthesis", ("2024-01-01", 3, 250)),
        ("light into sugar", None),
    ]
    assert len(problems) == 1 and problems[0].line == 1
    assert "!garbage" in problems[0].message


# ---------------------------------------------------------------------------------------------------- siblings
def test_placeholders_for_every_sibling_leave_them_all_new_without_a_problem():
    cards, problems = cards_of("Ohm's law:::V = IR <!--SR:!2000-01-01,1,250!2000-01-01,1,250-->\n")
    assert problems == ()
    assert schedules(cards) == [("Ohm's law", None), ("V = IR", None)]


def test_a_cloze_with_more_deletions_than_entries_leaves_the_rest_new():
    cards, problems = cards_of("A ==b== c ==d== e ==f==\n<!--SR:!2024-01-01,3,250!2024-01-02,4,260-->\n")
    assert problems == ()
    assert schedules(cards) == [
        ("A [...] c d e f", ("2024-01-01", 3, 250)),
        ("A b c [...] e f", ("2024-01-02", 4, 260)),
        ("A b c d e [...]", None),
    ]


def test_extra_entries_beyond_the_siblings_are_ignored():
    cards, problems = cards_of("A:::B\n<!--SR:!2024-01-01,3,250!2024-01-02,4,260!2024-01-03,5,270-->\n")
    assert problems == ()
    assert schedules(cards) == [("A", ("2024-01-01", 3, 250)), ("B", ("2024-01-02", 4, 260))]


def test_a_reversed_multiline_card_s_two_sides_take_the_two_entries():
    cards, _ = cards_of("Largest planet?\n??\nJupiter\n<!--SR:!2024-01-01,3,250!2024-02-01,9,270-->\n")
    assert schedules(cards) == [
        ("Largest planet?", ("2024-01-01", 3, 250)),
        ("Jupiter", ("2024-02-01", 9, 270)),
    ]


def test_a_placeholder_in_the_middle_keeps_the_later_sibling_s_schedule_in_place():
    cards, problems = cards_of(
        "The ==heart== pumps ==blood== through ==arteries==.\n"
        "<!--SR:!2024-03-01,5,250!2000-01-01,1,250!2024-03-09,12,270-->\n"
    )
    assert problems == ()
    assert schedules(cards) == [
        ("The [...] pumps blood through arteries.", ("2024-03-01", 5, 250)),
        ("The heart pumps [...] through arteries.", None),
        ("The heart pumps blood through [...].", ("2024-03-09", 12, 270)),
    ]


# ---------------------------------------------------------------------------------------------------- deck tags
def test_deck_tags_ignore_case_and_keep_the_spelling_written():
    cards, _ = cards_of("#FlashCards/Biology\nCell::the unit of life\n")
    assert [(c.front, c.tags) for c in cards] == [("Cell", ("FlashCards/Biology",))]


def test_a_tag_line_with_another_tag_gives_all_its_tags():
    cards, _ = cards_of("#flashcards/bio #review\nCell::the unit of life\n")
    assert cards[0].tags == ("flashcards/bio", "review")


def test_a_line_of_only_other_tags_ends_no_deck_and_gives_no_tags():
    cards, _ = cards_of("#flashcards/a\nQ1::A1\n\n#notes #todo\nQ2::A2\n")
    assert [(c.front, c.tags) for c in cards] == [("Q1", ("flashcards/a",)), ("Q2", ("flashcards/a",))]


def test_consecutive_tag_lines_each_start_a_deck():
    cards, _ = cards_of("#flashcards/a\nQ1::A1\n#flashcards/b\nQ2::A2\n")
    assert [(c.front, c.tags) for c in cards] == [("Q1", ("flashcards/a",)), ("Q2", ("flashcards/b",))]


def test_cards_above_the_first_tag_line_take_its_deck():
    cards, _ = cards_of("Q0::A0\n\n#flashcards/late\nQ1::A1\n")
    assert [(c.front, c.tags) for c in cards] == [("Q0", ("flashcards/late",)), ("Q1", ("flashcards/late",))]


def test_a_flashcard_tag_in_running_text_is_the_note_s_deck():
    cards, _ = cards_of("Revision notes for #flashcards/geo this week.\n\nCapital of Chile::Santiago\n")
    assert [(c.front, c.tags) for c in cards] == [("Capital of Chile", ("flashcards/geo",))]


def test_an_indented_leading_tag_leaves_the_card_text():
    cards, _ = cards_of("  #flashcards/x Q::A\n")
    assert [(c.front, c.back, c.tags) for c in cards] == [("Q", "A", ("flashcards/x",))]


def test_a_caret_inside_the_text_is_no_block_id():
    cards, _ = cards_of("Two to the tenth::2^10 = 1024\nQ::A ^abc def\n")
    assert [c.back for c in cards] == ["2^10 = 1024", "A ^abc def"]


# ---------------------------------------------------------------------------------------------------- kb cards --explain
INFLUENCE = """\
---
title: Influence
---
# Influence

## Key points

- **Reciprocity**: people feel obliged to return a favour.
- First published in 1984, with an expanded edition in 2021.
- Worth reading as defense as much as offense.

## Other

- Not a key point, written in 1999.
"""

BOILING = """\
# Water

## Takeaways

- Water boils at 100 degrees at sea level.
"""


def test_explain_a_folder_reports_each_note_s_bullets_in_order(kbroot):
    kbroot.write("books/influence.md", INFLUENCE)
    kbroot.write("books/plain.md", "# Plain\n\nQ::A\n")
    result = CliRunner().invoke(cli, ["cards", "--explain", "notes/books"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines == [
        "notes/books/influence.md:8  **Reciprocity**: people feel obliged to return a favour.",
        "    keypoint: Influence: what is Reciprocity?  ->  people feel obliged to return a favour.",
        "notes/books/influence.md:9  First published in 1984, with an expanded edition in 2021.",
        "    cloze: First published in [...], with an expanded edition in 2021.  ->  1984",
        "    cloze: First published in 1984, with an expanded edition in [...].  ->  2021",
        "notes/books/influence.md:10  Worth reading as defense as much as offense.",
        "    no card: an opinion or a reaction, not a fact",
    ]
    assert "1999" not in result.stdout  # not under a key-point heading
    assert "3 key-point bullets, 1 without a card" in result.stderr


def test_explain_as_json_lists_bullets_with_their_cards_or_reason(kbroot):
    kbroot.write("books/influence.md", INFLUENCE)
    result = CliRunner().invoke(cli, ["cards", "--explain", "--json", "books/influence.md"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert [(r["note"], r["line"], r["skipped"]) for r in got] == [
        ("notes/books/influence.md", 8, ""),
        ("notes/books/influence.md", 9, ""),
        ("notes/books/influence.md", 10, "an opinion or a reaction, not a fact"),
    ]
    assert got[1]["bullet"] == "First published in 1984, with an expanded edition in 2021."
    assert [c["answer"] for c in got[1]["cards"]] == ["1984", "2021"]
    assert got[0]["cards"] == [
        {
            "kind": "keypoint",
            "front": "Influence: what is Reciprocity?",
            "answer": "people feel obliged to return a favour.",
        }
    ]
    assert got[2]["cards"] == []


def test_explain_a_note_without_key_points_reports_nothing(kbroot):
    kbroot.write("plain.md", "# Plain\n\nNo key points here.\n\nQ::A\n")
    result = CliRunner().invoke(cli, ["cards", "--explain", "notes/plain.md"])
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "0 key-point bullets, 0 without a card" in result.stderr


def test_explain_follows_the_key_point_headings_setting(make_kb):
    make_kb({"water.md": BOILING, "influence.md": INFLUENCE}, keypoint_headings=["Takeaways"])
    result = CliRunner().invoke(cli, ["cards", "--explain", "--json", "notes"])
    assert result.exit_code == 0, result.output
    got = json.loads(result.stdout)
    assert [(r["note"], r["line"]) for r in got] == [("notes/water.md", 5)]
    assert got[0]["cards"] == [
        {"kind": "cloze", "front": "Water boils at [...] at sea level.", "answer": "100 degrees"}
    ]


def test_explain_a_missing_path_is_an_error_naming_it(kbroot):
    result = CliRunner().invoke(cli, ["cards", "--explain", "notes/nope.md"])
    assert result.exit_code != 0
    assert "notes/nope.md: no such note or folder" in result.output
