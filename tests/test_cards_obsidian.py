"""Obsidian Spaced Repetition conventions around a card (issue 20): in-note deck tags become the card's tags, block
ids and schedule comments leave its text, a fenced answer is an answer, an unclosed SR comment hides one line; and a
card keeps its id whatever of these is added, rewritten or removed."""

from __future__ import annotations

import json
import os

from click.testing import CliRunner

from kb.cards.extractor import extract_cards
from kb.cli import cli
from kb.notes.reader import parse_note


def cards_of(text: str):
    result = extract_cards(parse_note("notes/v.md", text.encode()))
    return result.cards, result.problems


def test_a_tag_line_gives_its_tags_to_the_cards_below_until_the_next():
    cards, _ = cards_of(
        "#flashcards/physics\nQ1::A1\n\nWhat is light?\n?\nA wave\n\n#flashcards/chem #flashcards/lab\nQ2::A2\n"
    )
    assert [(c.front, c.back, c.tags) for c in cards] == [
        ("Q1", "A1", ("flashcards/physics",)),
        ("What is light?", "A wave", ("flashcards/physics",)),
        ("Q2", "A2", ("flashcards/chem", "flashcards/lab")),
    ]


def test_a_tag_leading_a_card_is_that_card_s_alone_and_leaves_its_text():
    cards, _ = cards_of(
        "#flashcards/test\nQ1::A1\n#flashcards/exam Q2::A2\nQ3::A3\n\n#flashcards The ==sun== rises\n"
    )
    assert [(c.front, c.tags) for c in cards] == [
        ("Q1", ("flashcards/test",)),
        ("Q2", ("flashcards/exam",)),
        ("Q3", ("flashcards/test",)),
        ("The [...] rises", ("flashcards",)),
    ]
    assert cards[-1].back == "The sun rises"


def test_other_tags_stay_in_the_text_and_give_no_deck():
    cards, _ = cards_of("#python Q::A\n")
    assert [(c.front, c.tags) for c in cards] == [("#python Q", ())]


def test_block_ids_leave_the_card_text():
    cards, _ = cards_of("A::B ^d7cee0\nC:::D <!--SR:!2023-09-03,1,230--> ^x-1\n\nQuestion\n?\nAnswer ^abc\n")
    assert [(c.front, c.back) for c in cards] == [("A", "B"), ("C", "D"), ("D", "C"), ("Question", "Answer")]


def test_a_fenced_code_answer_is_the_answer_blank_lines_and_all():
    text = "How do you print?\n?\n```python\nprint('a')\n\n\nprint('b')\n```\nmore answer\n\nNext::card\n"
    cards, problems = cards_of(text)
    assert problems == ()
    assert cards[0].front == "How do you print?"
    assert cards[0].back == "```python\nprint('a')\n\n\nprint('b')\n```\nmore answer"
    assert (cards[1].front, cards[1].back) == ("Next", "card")


def test_an_unclosed_sr_comment_hides_the_rest_of_its_line_only():
    cards, _ = cards_of("Q14::A14 <!--SR:!2023-09-02,4,270\nQ15::A15\n")
    assert [(c.front, c.back) for c in cards] == [("Q14", "A14"), ("Q15", "A15")]
    assert cards[0].schedule.due == "2023-09-02"


def test_schedules_are_read_one_per_sibling():
    cards, _ = cards_of(
        "A:::B\n<!--SR:!2024-01-01,3,250!2024-01-05,7,270-->\n\nThe ==x== and ==y== <!--SR:!2000-01-01,1,250!2024-02-02,9,230-->\n"
    )
    got = [(c.front, c.schedule and (c.schedule.due, c.schedule.interval, c.schedule.ease)) for c in cards]
    assert got == [
        ("A", ("2024-01-01", 3, 250)),
        ("B", ("2024-01-05", 7, 270)),
        ("The [...] and y", None),
        ("The x and [...]", ("2024-02-02", 9, 230)),
    ]


def test_an_unreadable_schedule_is_reported_and_the_card_is_new():
    cards, problems = cards_of("Q::A <!--SR:!soon,3,250-->\n")
    assert cards[0].schedule is None
    assert "holds no schedule kb can read" in problems[0].message and problems[0].line == 1


def test_the_plugin_s_cloze_groups_and_hints():
    cards, _ = cards_of(
        "Paris is the capital of ==1;;France;;country== and ==2;;Berlin== of ==1;;Germany==.\n"
    )
    assert [c.front for c in cards] == [
        "Paris is the capital of [country] and Berlin of [...].",
        "Paris is the capital of France and [...] of Germany.",
    ]
    assert (
        cards[0].cloze_text
        == "Paris is the capital of {{c1::France::country}} and {{c2::Berlin}} of {{c1::Germany}}."
    )


def _index(root, tick):
    from kb.index.indexer import index
    from kb.store.connection import open_store

    kb = root.open()
    conn = open_store(kb.db)
    index(kb, conn)
    rows = conn.execute(
        "SELECT front, id, tags FROM cards WHERE orphaned_at IS NULL ORDER BY position"
    ).fetchall()
    conn.close()
    return rows


def _write(kbroot, text, tick):
    path = kbroot.write("deck.md", text)
    os.utime(path, ns=(tick * 10**9, tick * 10**9))


PLAIN = """\
What is light?::A wave

Question
?
Answer

The ==sun== is a ==star==.

Front:::Back
"""

DECORATED = """\
#flashcards/physics
What is light?::A wave ^blk-1 <!--SR:!2024-01-01,3,250-->

#flashcards/other Question
?
Answer ^ans
<!--SR:!2024-02-01,9,270-->

The ==sun== is a ==star==. ^p1
<!--SR:!2024-01-01,1,230!2024-01-02,2,250-->

#flashcards Front:::Back
<!--SR:!2024-01-01,3,250!2024-03-01,30,290-->
"""


def test_tags_block_ids_and_schedule_comments_never_change_a_card_s_id(kbroot):
    _write(kbroot, PLAIN, 1_700_000_000)
    before = _index(kbroot, 0)
    _write(kbroot, DECORATED, 1_700_000_100)
    after = _index(kbroot, 0)
    assert [(f, i) for f, i, _ in after] == [(f, i) for f, i, _ in before]
    assert json.loads(after[0][2]) == ["flashcards/physics"]
    _write(
        kbroot,
        DECORATED.replace("2024-01-01,3,250", "2025-05-05,40,310").replace("^blk-1", "^other"),
        1_700_000_200,
    )
    assert [(f, i) for f, i, _ in _index(kbroot, 0)] == [(f, i) for f, i, _ in before]


def test_deck_tags_filter_review_due_and_cards(kbroot):
    kbroot.write("a.md", "#flashcards/physics\nQ1::A1\n\n#flashcards/chem Q2::A2\n")
    kbroot.write("b.md", "Q3::A3\n")
    runner = CliRunner()
    out = runner.invoke(cli, ["cards", "--tag", "flashcards/chem", "--json"])
    assert out.exit_code == 0, out.output
    assert [c["front"] for c in json.loads(out.output)] == ["Q2"]
    out = runner.invoke(cli, ["cards", "--tag", "flashcards", "--json"])
    assert sorted(c["front"] for c in json.loads(out.output)) == ["Q1", "Q2"]
    due = json.loads(runner.invoke(cli, ["due", "--tag", "flashcards/physics", "--json"]).output)
    assert due["total"]["new"] == 1 and list(due["by_tag"]) == ["flashcards/physics"]
    due = json.loads(runner.invoke(cli, ["due", "--tag", "flashcards", "--json"]).output)
    assert due["total"]["new"] == 2


def test_the_flashcard_tag_settings_decide_which_notes_hold_cards(kbroot):
    (kbroot.root / "mkdocs.yml").write_text(
        "site_name: t\ndocs_dir: notes\nplugins:\n  - kb:\n      flashcard_tags: ['#srs']\n"
        "      flashcard_tags_required: true\n      ignored_tags: [draft]\n",
        encoding="utf-8",
    )
    kbroot.write("tagged.md", "#srs/bio\nQ1::A1\n")
    kbroot.write("front.md", "---\ntags: [srs]\n---\nQ2::A2\n")
    kbroot.write("untagged.md", "Q3::A3\n")
    kbroot.write("ignored.md", "#srs #draft\nQ4::A4\n")
    cards = json.loads(CliRunner().invoke(cli, ["cards", "--json"]).output)
    assert sorted((c["front"], tuple(c["tags"])) for c in cards) == [("Q1", ("srs/bio",)), ("Q2", ("srs",))]
