"""The card extractor: golden tests on realistic notes, the "never" rules, and Hypothesis robustness."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.cards.extractor import extract_cards
from kb.cards.model import CardKind
from kb.notes.reader import parse_note

FIXTURES = Path(__file__).parent / "fixtures" / "cards"


def load(name: str, path: str | None = None):
    return parse_note(path or f"notes/books/{name}", (FIXTURES / name).read_bytes())


def note_of(text: str, path: str = "notes/t.md"):
    return parse_note(path, text.encode())


def summary(result):
    return [(c.kind.value, c.front, c.back, c.line) for c in result.cards]


# ---------------------------------------------------------------------------------------------------------------
# Golden: every syntax


def test_every_syntax_golden():
    result = extract_cards(load("syntaxes.md"))
    assert result.problems == ()
    assert summary(result) == [
        (
            "basic",
            "What are the four laws of behaviour change?",
            "Make it obvious, attractive, easy and satisfying",
            11,
        ),
        ("reversed", "Habit stacking", "Pairing a new habit with a current one", 13),
        ("reversed", "Pairing a new habit with a current one", "Habit stacking", 13),
        ("basic", "Identity-based habits", "Habits that start from who you want to be", 15),
        ("basic", "Which separator counts in `a::b`?", "Only the first one::the rest is answer", 17),
        (
            "basic",
            "What are the four stages of the habit loop?",
            "Cue, craving, response, reward.\nThe first two are the problem phase.",
            19,
        ),
        ("reversed", "Implementation intention", 'A plan of the form "I will X at time T in place P".', 24),
        ("reversed", 'A plan of the form "I will X at time T in place P".', "Implementation intention", 24),
        (
            "cloze",
            "You fall to the level of your [...], not your goals.",
            "You fall to the level of your systems, not your goals.",
            30,
        ),
        (
            "cloze",
            "You fall to the level of your systems, not your [...].",
            "You fall to the level of your systems, not your goals.",
            30,
        ),
        (
            "cloze",
            "The [...] says a habit should take less than two minutes at first.",
            "The two-minute rule says a habit should take less than two minutes at first.",
            32,
        ),
        (
            "cloze",
            "The two-minute rule says a habit should take [a duration] at first.",
            "The two-minute rule says a habit should take less than two minutes at first.",
            32,
        ),
        (
            "cloze",
            "The outer layers are [...] and [...]; the inner one is identity.",
            "The outer layers are outcomes and processes; the inner one is identity.",
            34,
        ),
        (
            "cloze",
            "The outer layers are outcomes and processes; the inner one is [...].",
            "The outer layers are outcomes and processes; the inner one is identity.",
            34,
        ),
        (
            "question",
            "Why is habit stacking effective?",
            "The current habit already has a reliable time and place,\nso it works as the cue for the new one.",
            36,
        ),
        ("question", "What is a $2x$ cue?", "A cue that is twice as obvious.", 40),
        ("basic", "Cards inside a note admonition count", "yes", 44),
        (
            "question",
            'What does "never miss twice" mean?',
            "Slipping once is normal;\ngetting back on track at once keeps one miss from becoming a habit.",
            46,
        ),
        (
            "question",
            "What is temptation bundling?",
            "Linking an action you need to do with one you want to do.",
            50,
        ),
        (
            "definition",
            "Plateau of latent potential",
            "The stretch where effort shows no visible result yet.",
            53,
        ),
        (
            "definition",
            "Goldilocks rule",
            "Humans stay most motivated on tasks of manageable difficulty.",
            56,
        ),
    ]


def test_card_metadata_lines_context_siblings_and_cloze_markup():
    cards = extract_cards(load("syntaxes.md")).cards
    by_line = {}
    for c in cards:
        by_line.setdefault(c.line, []).append(c)
    multi = by_line[19][0]
    assert (multi.line, multi.end_line) == (19, 22)
    assert multi.context == ("Atomic Habits", "The four laws")  # the H1 equal to the title is not repeated
    a, b = by_line[13]
    assert a.sibling and a.sibling == b.sibling
    assert by_line[11][0].sibling == ""
    qblock = by_line[36][0]
    assert (qblock.line, qblock.end_line) == (36, 38)
    c1, c2 = by_line[32]
    assert c1.sibling == c2.sibling
    assert (
        c1.cloze_text
        == "The {{c1::two-minute rule}} says a habit should take {{c2::less than two minutes::a duration}} at first."
    )
    assert (c1.cloze_index, c2.cloze_index) == (1, 2)
    assert (c1.answer, c2.answer) == ("two-minute rule", "less than two minutes")
    # ==x== deletions are numbered after the Anki numbers already used in the text
    mixed = by_line[34]
    assert (
        mixed[0].cloze_text
        == "The outer layers are {{c1::outcomes}} and {{c1::processes}}; the inner one is {{c2::identity}}."
    )
    highlights = by_line[30]
    assert (
        highlights[0].cloze_text == "You fall to the level of your {{c1::systems}}, not your {{c2::goals}}."
    )
    assert all(not c.generated for c in cards)


def test_never_rules_golden():
    result = extract_cards(load("never.md"))
    assert result.problems == ()
    assert summary(result) == [
        # a dollar amount is not math, and code inside the answer is kept
        (
            "basic",
            "How much is the standard deduction for a single filer in 2024?",
            "$14,600 (see `1040` line 12)",
            43,
        ),
        # math and images inside a card's text are kept intact
        (
            "cloze",
            "The formula $E = mc^2$ relates [...] and energy ![diagram](img/emc2.png).",
            "The formula $E = mc^2$ relates mass and energy ![diagram](img/emc2.png).",
            45,
        ),
        ("basic", "Euler", "$e^{i\\pi} + 1 = 0$ and `code::kept`", 47),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "```\nA::B\n```\n",
        "~~~~\nA::B\n~~~~\n",
        "```python\n~~~\nA::B\n~~~\n```\n",
        "Intro.\n\n    A::B\n    ==c==\n",
        "\tA::B\n",
        "Use `A::B` in code.\n",
        "Use ``A::`B` `` in code.\n",
        "Math $A::B$ here.\n",
        "Math $$A::B$$ here.\n",
        "Math \\(A::B\\) here.\n",
        "Math \\[A::B\\] here.\n",
        "$$\nA::B\n$$\n",
        "<!-- A::B -->\n",
        "<!--\nA::B\n?\nC\n-->\n",
        "| a | b |\n|---|---|\n| A::B | c |\n",
        "| A::B |\n| C::D |\n",
        "Highlight in code `==x==` only.\n",
        "---\nsummary: A::B\n---\nBody.\n",
    ],
)
def test_never_a_card_from(text):
    result = extract_cards(note_of(text))
    assert result.cards == ()
    assert result.problems == ()


def test_loose_definition_list_with_a_blank_line_after_the_term():
    result = extract_cards(note_of("Apple\n\n:   A pomaceous fruit.\n\nText after.\n"))
    assert [(c.kind, c.front, c.back, c.line, c.end_line) for c in result.cards] == [
        (CardKind.DEFINITION, "Apple", "A pomaceous fruit.", 1, 3)
    ]


def test_dollar_amounts_are_not_math():
    text = "Costs $1,500 to $2,000::a lot\n\nBetween $5 and $10 you pay ==tax==.\n"
    cards = extract_cards(note_of(text)).cards
    assert [(c.front, c.back) for c in cards] == [
        ("Costs $1,500 to $2,000", "a lot"),
        ("Between $5 and $10 you pay [...].", "Between $5 and $10 you pay tax."),
    ]


def test_only_the_first_separator_outside_inline_code_counts():
    cards = extract_cards(note_of("The `a::b` operator::scope resolution::in C++\n")).cards
    assert [(c.front, c.back) for c in cards] == [("The `a::b` operator", "scope resolution::in C++")]
    cards = extract_cards(note_of("Reversed:::A side::with colons\n")).cards
    assert [(c.kind, c.front, c.back) for c in cards] == [
        (CardKind.REVERSED, "Reversed", "A side::with colons"),
        (CardKind.REVERSED, "A side::with colons", "Reversed"),
    ]


def test_line_numbers_count_front_matter():
    text = "---\ntitle: T\ntags: [a]\n---\n\nQ::A\n"
    (card,) = extract_cards(note_of(text)).cards
    assert card.line == 6


def test_identical_cards_in_one_note_are_one_card():
    text = "Front::Back\n\nFront::Back\n\n- Front::Back\n"
    cards = extract_cards(note_of(text)).cards
    assert len(cards) == 1 and cards[0].line == 1


def test_flashcards_false_gives_no_cards():
    text = "---\nflashcards: false\n---\nFront::Back\n\n?\n"
    result = extract_cards(note_of(text))
    assert result.cards == () and result.problems == ()


# ---------------------------------------------------------------------------------------------------------------
# Key points


def test_keypoint_cards_golden():
    result = extract_cards(load("keypoints.md"))
    got = [(c.kind.value, c.front, c.back, c.line, c.context, c.generated) for c in result.cards]
    assert got[0] == (
        "keypoint",
        "Deep Work: what is deep work?",
        "professional activity in a state of distraction-free concentration that pushes your abilities.",
        9,
        ("Deep Work", "Key points"),
        True,
    )
    assert got[1][:3] == (
        "keypoint",
        "Deep Work: what is attention residue?",
        "after switching tasks, part of your attention stays on the old task.",
    )
    # plain bullets become generated cloze cards hiding one term, never a stopword
    cloze = [c for c in result.cards if c.kind is CardKind.CLOZE]
    assert {c.line for c in cloze} == {12, 17}
    # line 11 has only ordinary words to hide ("intensity", "focus"): no card, and why
    assert [(line, why) for line, _text, why in result.skipped] == [
        (11, "'intensity' is an ordinary English word")
    ]
    for c in cloze:
        assert c.generated and "[...]" in c.front and c.cloze_text.count("{{c1::") == 1
        assert c.front.replace("[...]", c.answer) == c.back
    # a number with its unit before any plain word, spelled out or not
    assert next(c for c in cloze if c.line == 12).answer == "four hours"
    # a bold term in a plain bullet is preferred
    ritual = next(c for c in cloze if c.line == 17)
    assert ritual.answer == "shutdown ritual"
    assert ritual.context == ("Deep Work", "Key points", "Rituals")
    # a hand-written card under Key points stays hand-written; bullets elsewhere are not cards
    hand = [c for c in result.cards if not c.generated]
    assert [(c.front, c.back) for c in hand] == [("Already a card", "so not generated")]
    assert all(c.line != 21 for c in result.cards)


def test_keypoint_cards_can_be_turned_off():
    off = extract_cards(load("off.md"))
    assert [(c.front, c.generated) for c in off.cards] == [("Hand-written", False)]
    setting_off = extract_cards(load("keypoints.md"), keypoint_cards=False)
    assert all(not c.generated for c in setting_off.cards) and len(setting_off.cards) == 1


def test_keypoint_headings_are_configurable():
    text = "## Lessons learned\n\n- **Spacing**: reviews spread over time beat cramming.\n"
    assert extract_cards(note_of(text)).cards == ()
    cards = extract_cards(note_of(text), keypoint_headings=("Lessons learned",)).cards
    assert [(c.kind, c.front) for c in cards] == [(CardKind.KEYPOINT, "T: what is Spacing?")]


def test_salience_uses_corpus_document_frequency():
    text = "## Summary\n\n- The gradient flows through the residual connection unchanged.\n"
    common = {"gradient": 900, "flows": 500, "residual": 3, "connection": 400, "unchanged": 300}
    (card,) = extract_cards(note_of(text), doc_freq=lambda w: common.get(w, 1000), n_docs=1000).cards
    assert "residual" in card.answer
    rare_gradient = {**common, "gradient": 1, "residual": 900}
    (card,) = extract_cards(note_of(text), doc_freq=lambda w: rare_gradient.get(w, 1000), n_docs=1000).cards
    assert card.answer == "gradient"


def test_generated_cloze_hides_a_whole_formula_never_part_of_code_or_math():
    text = "## Key points\n\n- Use `git rebase --onto` with $O(n)$ cost for moving branches.\n"
    (card,) = extract_cards(note_of(text)).cards
    assert "`git rebase --onto`" in card.front and card.answer == "$O(n)$"
    assert card.front == "Use `git rebase --onto` with [...] cost for moving branches."


# ---------------------------------------------------------------------------------------------------------------
# Problems


def test_problems_name_path_and_line():
    result = extract_cards(load("problems.md", "notes/mistakes.md"))
    assert [str(p).split(":")[:2] for p in result.problems] == [
        ["notes/mistakes.md", "6"],
        ["notes/mistakes.md", "9"],
        ["notes/mistakes.md", "11"],
        ["notes/mistakes.md", "13"],
    ]
    messages = [p.message for p in result.problems]
    assert "`?`" in messages[0] and "==" in messages[1] and "{{c1::" in messages[2] and "Q:" in messages[3]
    # the rest of the note still gives its cards
    assert summary(result) == [("basic", "Good card", "still extracted", 15)]


def test_equality_in_prose_is_not_an_unclosed_highlight():
    result = extract_cards(note_of("In Python `a == b` compares, and x == y in prose too.\n"))
    assert result.problems == () and result.cards == ()


def test_question_block_without_title_is_reported():
    result = extract_cards(note_of("Intro\n\n??? question\n    An answer.\n"))
    assert result.cards == ()
    assert [(p.line, "title" in p.message) for p in result.problems] == [(3, True)]


# ---------------------------------------------------------------------------------------------------------------
# Robustness


_pieces = st.sampled_from(
    [
        "::",
        ":::",
        "?",
        "??",
        "==",
        "{{c1::",
        "}}",
        "::hint",
        "Q:",
        "A:",
        ":   ",
        "`",
        "```",
        "~~~",
        "$",
        "$$",
        "\\(",
        "\\)",
        "<!--",
        "-->",
        "|",
        "|---|",
        "- ",
        "* ",
        "1. ",
        "**",
        "# ",
        "## Key points",
        '!!! question "x"',
        "??? note",
        "    ",
        "\t",
        "\n",
        "\n\n",
        "\n\n:   ",
        "\nTerm\n",
        "\n\n?\n",
        "\nQ: ",
        "\n    ",
        "word",
        "Term",
        "$1,500",
        "[",
        "]",
        "(",
        ")",
        "é",
        "\u200b",
        "\r",
    ]
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(_pieces, st.text(max_size=8)), max_size=60))
def test_extractor_never_crashes_and_locates_problems(parts):
    body = "".join(parts)
    note = note_of("x\n" + body.replace("\x00", ""))
    n_lines = note.body.count("\n") + note.body_line
    result = extract_cards(note, doc_freq=lambda w: len(w), n_docs=10)
    for p in result.problems:
        assert p.path == "notes/t.md"
        assert 1 <= p.line <= n_lines
        assert str(p).startswith(f"notes/t.md:{p.line}: ")
    for c in result.cards:
        assert 1 <= c.line <= c.end_line <= n_lines
        assert c.front.strip() and c.back.strip()
        assert c.kind in CardKind


@pytest.mark.parametrize(
    "body",
    [
        "x" * 1_000_000 + "::y\n",
        "==" * 100_000 + "\n",
        "==a " * 100_000 + "\n",
        "[" * 10_000 + "]" * 10_000 + "\n",
        "{{" * 10_000 + "c1::" + "}}" * 10_000 + "\n",
        "$" * 100_000 + "\n",
        "$a " * 100_000 + "\n",
        "`" * 100_001 + "\n",
        "` " * 100_000 + "\n",
        "\\( " * 100_000 + "\n",
        "<!-- " * 100_000 + "\n",
        "## Key points\n\n- " + "word " * 200_000 + "\n",
        "## Key points\n\n" + "- **a**: b\n" * 20_000,
        "a:: " * 100_000 + "\n",
        "## Key points\n\n- " + "**a" * 100_000 + "\n",
        "## Key points\n\n- " + "*" * 100_000 + "\n",
        "## Key points\n\n- " + "__a" * 100_000 + "\n",
        "- " * 50_000 + "x::y\n",
        ">" * 50_000 + " x::y\n",
        "    " * 25_000 + "x::y\n",
        '!!! question "' + "x" * 100_000 + '"\n    y\n',
        "{{c1::a" * 100_000 + "\n",
        "{{c1::a::b" * 100_000 + "\n",
        "x::y " + "<!-- " * 100_000 + "\n",
        "t\n" + " " * 100_000 + "|" + " " * 100_000 + "-\n",
    ],
)
def test_pathological_input_finishes(body):
    # linear-time scanning: these finish in well under a second (no timing assertion, a hang would stall the run)
    result = extract_cards(note_of("t\n" + body))
    assert isinstance(result.cards, tuple)


def test_long_heading_line_finishes():
    # built directly (not through parse_note) so only the extractor's own heading scan is exercised
    from kb.notes.reader import Note

    note = Note(path="notes/t.md", title="T", type="note", body="# x" + " " * 100_000 + "y\n\nQ::A\n")
    (card,) = extract_cards(note).cards
    assert card.context == ("T", "x" + " " * 100_000 + "y")


def _salience_words_by_regex(masked: str):
    """The reference: words by ``WORD_RE``, a break where the gap leaves the ``[\\w'’ -]`` run."""
    from kb.cards.salience import SCAN_LIMIT, WORD_RE

    sub = masked[:SCAN_LIMIT]
    out, prev = [], 0
    for m in WORD_RE.finditer(sub):
        s, e = m.span()
        if sub[prev:s].strip("_'’ -"):
            out.append(None)
        prev = e
        out.append((s, e, m.group().lower()))
    return out


def _collapse_breaks(items):
    out = []
    for x in items:
        if x is None and (not out or out[-1] is None):
            continue
        out.append(x)
    while out and out[-1] is None:
        out.pop()
    return out


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aZ9é_'’- .,\x00\t\n*=`$:;!?()", max_size=60))
def test_salience_word_split_matches_the_word_regex(text):
    # the ASCII fast path of the key-point term finder must see exactly the words (and run breaks) the regex sees
    from kb.cards.salience import salience_words

    assert _collapse_breaks(salience_words(text)) == _collapse_breaks(_salience_words_by_regex(text))
