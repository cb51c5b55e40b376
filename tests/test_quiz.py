"""Tests of the quiz generator, its grading, its storage and the `kb quiz` command."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.config import KnowledgeBase
from kb.errors import KbError
from kb.index.indexer import index
from kb.markdown import plain_text
from kb.quiz.generate import generate_quiz
from kb.quiz.grading import grade
from kb.quiz.matching import damerau_levenshtein, typed_answer_matches
from kb.quiz.model import BLANK, CardRow, QuestionKind, parse_kinds
from kb.quiz.terms import AskableCard, cloze_answer
from kb.quiz.words import STOP_WORDS, normalise, valid_term
from kb.store.connection import open_store

REPO = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------------------------------------------------------------
# A tiny knowledge base, indexed for real: its cards come from the card extractor (kb/cards.py).

RNN_NOTE = """---
title: Recurrent Neural Networks
tags: [deep-learning, sequence-models]
---
# Recurrent Neural Networks

## Key points

- **Weight sharing**: one set of matrices across time steps, for any sequence length.
- **Backpropagation through time (BPTT)** unrolls the loop and applies the chain rule.
- **Gradient clipping**: rescale the gradient when its norm exceeds a threshold.
- A **bidirectional RNN** runs one RNN forwards and one backwards and concatenates their states.

## Flashcards

What does an RNN carry from one time step to the next?::A hidden state vector summarising the sequence so far

BPTT:::Backpropagation through time, ordinary backprop applied to the RNN unrolled over the sequence

An RNN uses ==the same weights at every time step==, so its number of parameters does not depend on sequence length.

Q: Which activation does the classic Elman RNN use for its hidden state?
A: The hyperbolic tangent, tanh.
"""

LSTM_NOTE = """---
title: Gated recurrent cells
tags: [deep-learning, sequence-models]
---
# Gated recurrent cells

## Key points

- **Forget gate**: decides what the cell state drops at each step.
- In a **GRU**, the forget and input gates merge into a single update gate.

## Flashcards

What problem do gated cells fix?::The vanishing gradient over long sequences

How many gates does a GRU have?::Two gates, reset and update
"""

TAX_NOTE = """---
title: US income tax basics
tags: [taxes]
---
# US income tax basics

## Key points

- **Standard deduction**: a flat amount subtracted from income instead of itemizing.
- Income is taxed in **brackets**: each rate applies only to the dollars inside its band.

## Flashcards

Tax credit:::A dollar-for-dollar reduction of the tax owed

Employees pay {{c1::6.2%}} Social Security tax on wages.

Does moving into a higher tax bracket raise the tax on all your income?::No, only the dollars above the bracket threshold are taxed at the higher rate
"""


def _indexed(kb_factory) -> tuple[KnowledgeBase, sqlite3.Connection]:
    """The knowledge base opened and indexed: the card extractor fills the cards table."""
    kb = kb_factory.open()
    conn = open_store(kb.db)
    index(kb, conn)
    return kb, conn


NOTES = {
    "ml/rnns.md": RNN_NOTE,
    "ml/gru-lstm.md": LSTM_NOTE,
    "taxes/us-income-tax-basics.md": TAX_NOTE,
}


@pytest.fixture
def kb_conn(make_kb):
    return _indexed(make_kb(NOTES))


def note_text_plain(kb: KnowledgeBase, note: str) -> str:
    return normalise((kb.root / note).read_text(encoding="utf-8"))


def run_cli(*args: str, input: str | None = None):
    from kb.cli import cli

    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


def right_answer_for(q: dict) -> str:
    """What a user who knows the answer types for a question of ``kb quiz --json``."""
    if q["kind"] == "mcq":
        return "abcdefghij"[q["answer"]]
    if q["kind"] == "tf":
        return "t" if q["answer"] else "f"
    return q["answer"]


def wrong_answer_for(q: dict) -> str:
    if q["kind"] == "mcq":
        return "abcdefghij"[(q["answer"] + 1) % len(q["options"])]
    if q["kind"] == "tf":
        return "f" if q["answer"] else "t"
    return "zebra crossing"


# ---------------------------------------------------------------------------------------------------------------------
# Text helpers


def test_strip_markup_leaves_what_the_reader_sees():
    assert (
        plain_text("**Weight sharing** across [[ml/rnns|time steps]]") == "Weight sharing across time steps"
    )
    assert plain_text("==long-term== gains, see [the IRS](https://irs.gov) and `git add`") == (
        "long-term gains, see the IRS and git add"
    )
    assert plain_text("a <b>bold</b> {{c1::cloze::hint}} word") == "a bold cloze word"


def test_normalise_ignores_case_spacing_punctuation_and_accents():
    assert normalise("  The Café,   au LAIT! ") == normalise("the cafe au lait")
    assert normalise("$60,000") == normalise("60000")
    assert normalise("6.2%") != normalise("62")


@pytest.mark.parametrize(
    "expected, given, right",
    [
        ("Gradient clipping", "gradient clipping", True),
        ("Gradient clipping", "  Gradient   Clipping. ", True),
        ("the hidden state", "hidden state", True),
        ("hidden state", "a hidden state", True),
        ("Éclair", "eclair", True),
        ("gradient clipping", "gradeint clipping", True),  # swapped letters
        ("gradient clipping", "gradent clipping", True),  # one letter missing
        ("gradient clipping", "gradent clippin", False),  # two typos
        ("tanh", "tahn", False),  # four letters: no typo allowed
        ("6.2%", "6.2", True),
        ("6.2%", "6.3%", False),
        ("401(k)", "401k", True),
        ("401(k)", "402k", False),
        ("$60,000", "60000", True),
        ("Backpropagation through time (BPTT)", "bptt", True),
        ("Backpropagation through time (BPTT)", "backpropagation through time", True),
        ("standard deduction", "", False),
        ("standard deduction", "itemized deduction", False),
    ],
)
def test_typed_answers_are_graded_leniently_but_numbers_exactly(expected, given, right):
    assert typed_answer_matches(expected, given)[0] is right


@given(st.text(alphabet=st.characters(categories=("L", "N", "Zs", "P")), min_size=1, max_size=40))
@settings(max_examples=200, deadline=None)  # a loaded CI machine must not fail it on time
def test_any_answer_typed_exactly_or_recased_is_right(text):
    if not normalise(text):
        return
    assert typed_answer_matches(text, text) == (True, False)
    assert typed_answer_matches(text, text.upper())[0] or text.upper().lower() != text.lower()


@given(st.integers(0, 10**6), st.integers(0, 10**6))
@settings(deadline=None)
def test_numbers_never_match_a_different_number(a, b):
    if a != b:
        assert not typed_answer_matches(f"{a} days", f"{b} days")[0]


@given(st.text(alphabet="abcdef", max_size=8), st.text(alphabet="abcdef", max_size=8))
@settings(deadline=None)
def test_damerau_levenshtein_is_symmetric_and_zero_only_for_equal(a, b):
    assert damerau_levenshtein(a, b) == damerau_levenshtein(b, a)
    assert (damerau_levenshtein(a, b) == 0) == (a == b)
    assert damerau_levenshtein("abcd", "abdc") == 1


def test_stop_words_and_markup_are_never_terms():
    for word in ("the", "of which", "and", "it is"):
        assert not valid_term(word)
    for fragment in ("**bold", "[[link", "x_i", "$x$", "<b>", "a | b", "=="):
        assert not valid_term(fragment)
    assert valid_term("gradient clipping") and valid_term("401k") and valid_term("Roth IRA")


def test_cloze_answer_reads_the_deletion_from_front_and_back():
    assert cloze_answer("Employees pay [...] tax.", "Employees pay 6.2% tax.") == (
        "6.2%",
        "Employees pay \x00 tax.",
    )
    deleted, shown = cloze_answer("Pay [rate] tax, see [[Links]].", "Pay 6.2% tax, see [[Links]].")
    assert deleted == "6.2%" and shown == "Pay \x00 (rate) tax, see [[Links]]."
    assert cloze_answer("No deletion here", "Something else entirely") is None


def _card(kind: str, front: str, back: str) -> CardRow:
    return CardRow("id1", "notes/x.md", 3, 0, kind, front, back, "", "")


def test_key_point_asks_for_its_term():
    m = AskableCard(_card("keypoint", "Forget gate", "decides what the cell state drops at each step."))
    assert m.blank is not None
    assert m.blank.answer == "Forget gate"
    assert m.blank.prompt == f"{BLANK}: decides what the cell state drops at each step."
    assert (
        m.question == "What is Forget gate?" and m.answer == "decides what the cell state drops at each step."
    )


def test_a_bold_term_in_an_answer_is_blanked_below_its_question():
    m = AskableCard(
        _card("basic", "What does the forget gate do?", "It decides what the **cell state** drops.")
    )
    assert m.blank is not None
    assert (m.blank.answer, m.blank.lead) == ("cell state", "What does the forget gate do?")
    assert m.blank.prompt == f"It decides what the {BLANK} drops."


def test_blank_hides_every_occurrence_of_its_term():
    m = AskableCard(
        _card("basic", "Why does it work?", "**Compounding** works because compounding never stops.")
    )
    assert m.blank is not None and m.blank.answer == "Compounding"
    assert "compounding" not in m.blank.prompt.lower()


def test_a_sentence_without_bold_blanks_a_salient_term_not_a_stop_word():
    from kb.quiz.terms import blank_sentence

    blank = blank_sentence("Employees pay 6.2% of their wages to Social Security.")
    # Whatever the card generator's picker prefers, the quiz never blanks a broken span: half a number, a verb run
    assert blank is None or blank.answer in ("Social Security", "6.2%", "wages")


def test_cloze_from_the_anki_form_when_front_and_back_differ_in_markup():
    card = CardRow(
        "id2",
        "notes/x.md",
        4,
        0,
        "cloze",
        "Employees pay [rate] **Social Security** tax.",
        "Employees pay 6.2% Social Security tax.",
        "",
        "",
        cloze_text="Employees pay {{c1::6.2%::rate}} **Social Security** tax.",
        cloze_index=1,
    )
    m = AskableCard(card)
    assert m.blank is not None
    assert (m.blank.answer, m.blank.prompt) == ("6.2%", f"Employees pay {BLANK} (rate) Social Security tax.")


words = st.sampled_from(
    [
        "the",
        "of",
        "and",
        "gradient",
        "clipping",
        "state",
        "**hidden state**",
        "==key==",
        "`code`",
        "$x_t$",
        "[[link]]",
        "tax",
        "2024",
        "a",
        "is",
        "RNN",
        "Roth",
        "IRA",
        "<b>",
        "*",
        "_",
    ]
)


@given(st.lists(words, min_size=1, max_size=14))
@settings(max_examples=300, deadline=None)
def test_no_blank_is_a_stop_word_or_markup_and_no_prompt_holds_its_answer(parts):
    sentence = " ".join(parts) + "."
    for kind in ("keypoint", "basic", "cloze"):
        front = {
            "keypoint": parts[0],
            "basic": "Which one?",
            "cloze": sentence.replace(parts[0], "[...]", 1),
        }[kind]
        m = AskableCard(_card(kind, front, sentence))
        if m.blank is None:
            continue
        assert valid_term(m.blank.answer)
        assert m.blank.answer.lower() not in STOP_WORDS
        assert normalise(m.blank.answer) not in normalise(m.blank.prompt.replace(BLANK, " | "))


def test_parse_kinds_accepts_lists_and_rejects_unknown_kinds():
    assert parse_kinds("mcq, tf") == (QuestionKind.MCQ, QuestionKind.TF)
    with pytest.raises(KbError, match="unknown question kind 'essay'"):
        parse_kinds("mcq,essay")


# ---------------------------------------------------------------------------------------------------------------------
# The generator over a real SQLite store


def test_same_seed_same_quiz_other_seed_other_quiz(kb_conn):
    _kb, conn = kb_conn
    first = generate_quiz(conn, n=8, seed=42).to_json()
    assert generate_quiz(conn, n=8, seed=42).to_json() == first
    others = [generate_quiz(conn, n=8, seed=s).to_json()["questions"] for s in range(5)]
    assert any(o != first["questions"] for o in others)


def test_a_quiz_without_seed_records_the_seed_that_replays_it(kb_conn):
    _kb, conn = kb_conn
    quiz = generate_quiz(conn, n=6)
    assert generate_quiz(conn, n=6, seed=quiz.seed).to_json() == quiz.to_json()


def test_mcq_has_four_distinct_options_one_right(kb_conn):
    _kb, conn = kb_conn
    mcqs = []
    for seed in range(10):
        mcqs += [q for q in generate_quiz(conn, n=17, kinds=["mcq"], seed=seed).questions]
    assert mcqs
    assert sum(len(q.options) == 4 for q in mcqs) * 2 > len(mcqs)
    for q in mcqs:
        assert len(q.options) in (3, 4), q
        assert len(q.options) == 4 or q.notices, q
        keys = [normalise(o) for o in q.options]
        assert len(set(keys)) == len(keys)
        assert q.options[q.answer] == q.answer_text
        assert keys.count(normalise(q.answer_text)) == 1


def test_no_question_contains_its_own_answer(kb_conn):
    _kb, conn = kb_conn
    for seed in range(15):
        for q in generate_quiz(conn, n=17, seed=seed).questions:
            if q.kind == QuestionKind.TF:
                continue
            assert normalise(q.answer_text) not in normalise(q.prompt), q


def test_every_answer_occurs_in_the_note_it_cites(kb_conn):
    kb, conn = kb_conn
    for seed in range(10):
        for q in generate_quiz(conn, n=17, seed=seed).questions:
            assert normalise(q.answer_text) in note_text_plain(kb, q.note), q
            assert q.line >= 1


def test_kinds_mix_evenly_and_only_as_asked(kb_conn):
    _kb, conn = kb_conn
    quiz = generate_quiz(conn, n=9, seed=3)
    counts = {k: sum(q.kind == k for q in quiz.questions) for k in QuestionKind}
    # as even as the cards allow: these notes give four true/false statements in all (a label of a generated card
    # is not swapped for another's), so a nine-question quiz holds two of them
    assert sum(counts.values()) == 9 and min(counts.values()) >= 2 and max(counts.values()) <= 4, counts
    only = generate_quiz(conn, n=5, kinds=["cloze", "tf"], seed=3)
    assert {q.kind for q in only.questions} <= {QuestionKind.CLOZE, QuestionKind.TF}


def test_true_false_mixes_true_and_false_statements(kb_conn):
    _kb, conn = kb_conn
    answers = [q.answer for s in range(6) for q in generate_quiz(conn, n=10, kinds=["tf"], seed=s).questions]
    assert True in answers and False in answers


def test_distractors_come_from_the_same_note_first(make_kb):
    note = """---
title: Capitals
tags: [geo]
---
# Capitals

## Flashcards

What is the capital of France?::Paris, on the Seine

What is the capital of Italy?::Rome, on the Tiber

What is the capital of Hungary?::Budapest, on the Danube

What is the capital of Egypt?::Cairo, on the Nile
"""
    _kb, conn = _indexed(make_kb({"geo/capitals.md": note, **NOTES}))
    quiz = generate_quiz(conn, note="notes/geo/capitals.md", n=4, kinds=["mcq"], seed=1)
    assert len(quiz.questions) == 4
    for q in quiz.questions:
        assert all(o.endswith(("Seine", "Tiber", "Danube", "Nile")) for o in q.options), q.options


def test_scope_filters_by_note_tag_and_type(kb_conn):
    _kb, conn = kb_conn
    by_note = generate_quiz(conn, note="notes/ml/gru-lstm.md", n=10, seed=1)
    assert {q.note for q in by_note.questions} == {"notes/ml/gru-lstm.md"}
    by_tag = generate_quiz(conn, tag="taxes", n=10, seed=1)
    assert {q.note for q in by_tag.questions} == {"notes/taxes/us-income-tax-basics.md"}
    by_type = generate_quiz(conn, type="ML", n=20, seed=1)
    assert {q.note for q in by_type.questions} == {"notes/ml/gru-lstm.md", "notes/ml/rnns.md"}


def test_orphaned_and_suspended_cards_are_not_asked(kb_conn):
    _kb, conn = kb_conn
    conn.execute("UPDATE cards SET orphaned_at = '2026-02-01T00:00:00+00:00' WHERE note = 'notes/ml/rnns.md'")
    conn.execute("UPDATE cards SET suspended = 1 WHERE note = 'notes/ml/gru-lstm.md'")
    quiz = generate_quiz(conn, n=20, seed=2)
    assert {q.note for q in quiz.questions} == {"notes/taxes/us-income-tax-basics.md"}
    for q in quiz.questions:
        for option in q.options:  # an orphaned card's text may be outdated: not an option either
            assert "hidden state" not in option.lower()


def test_few_cards_still_make_a_quiz_and_say_why(make_kb):
    note = """---
title: Tiny
---
# Tiny

## Flashcards

FSRS is::a scheduler of flashcard reviews

BM25 is::a ranking function for documents
"""
    _kb, conn = _indexed(make_kb({"tiny.md": note}))
    quiz = generate_quiz(conn, n=10, seed=5)
    assert 1 <= len(quiz.questions) <= 2
    assert any("instead of 10" in n for n in quiz.notices)
    assert any("only 2 card(s)" in n for n in quiz.notices)
    # Two cards give each question one wrong answer at most: too few for multiple choice, asked another way
    assert not [q for q in quiz.questions if q.kind == QuestionKind.MCQ]
    assert any(n.startswith("no mcq questions") for n in quiz.notices)


def test_a_single_card_quiz_works_without_multiple_choice(make_kb):
    note = """---
title: One
---
# One

## Key points

- Stored energy in the cell is released by the **Krebs cycle**.
"""
    _kb, conn = _indexed(make_kb({"one.md": note}))
    quiz = generate_quiz(conn, n=3, kinds=["mcq", "cloze", "tf"], seed=0)
    assert len(quiz.questions) == 1
    assert quiz.questions[0].kind in (QuestionKind.CLOZE, QuestionKind.TF)
    assert any("only 1 card(s)" in n for n in quiz.notices)
    with pytest.raises(KbError, match="none of the 1 card"):
        generate_quiz(conn, n=3, kinds=["mcq"], seed=0)


def test_empty_or_unknown_scope_is_a_clear_error(kb_conn, make_kb):
    _kb, conn = kb_conn
    with pytest.raises(KbError, match="no note or card has the tag 'cooking'"):
        generate_quiz(conn, tag="cooking")
    with pytest.raises(KbError, match="notes/nope.md: no such note"):
        generate_quiz(conn, note="notes/nope.md")
    with pytest.raises(KbError, match="no note has the type 'film'"):
        generate_quiz(conn, type="film")
    _kb2, empty = _indexed(make_kb({"plain.md": "# Plain\n\nJust prose.\n"}, at="empty"))
    with pytest.raises(KbError, match="has no cards to ask about"):
        generate_quiz(empty)


def test_grade_accepts_letters_numbers_and_option_text(kb_conn):
    _kb, conn = kb_conn
    q = next(q for q in generate_quiz(conn, n=17, kinds=["mcq"], seed=4).questions)
    letter = "abcd"[q.answer]
    assert grade(q, letter).correct and grade(q, letter.upper() + ")").correct
    assert grade(q, str(q.answer + 1)).correct
    assert grade(q, q.answer_text.upper()).correct
    assert not grade(q, "abcd"[(q.answer + 1) % 4]).correct
    bad = grade(q, "z")
    assert not bad.valid and "a to d" in bad.message
    tf = generate_quiz(conn, n=3, kinds=["tf"], seed=4).questions[0]
    assert grade(tf, "t" if tf.answer else "f").correct
    assert grade(tf, "False" if not tf.answer else "yes").correct
    assert not grade(tf, "maybe").valid
    cloze = generate_quiz(conn, n=3, kinds=["cloze"], seed=4).questions[0]
    assert grade(cloze, str(cloze.answer).upper()).correct
    assert not grade(cloze, "").correct


# ---------------------------------------------------------------------------------------------------------------------
# Storage


def test_answers_are_stored_with_the_quiz_score(kb_conn):
    from datetime import UTC, datetime

    from kb.quiz.store import recent_quizzes, save_answer, start_quiz

    _kb, conn = kb_conn
    quiz = generate_quiz(conn, note="notes/ml/rnns.md", n=3, seed=9)
    at = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    quiz_id = start_quiz(conn, quiz, started_at=at)
    q1, q2 = quiz.questions[:2]
    save_answer(
        conn, quiz_id, 1, q1, grade(q1, right_answer_for(q1.to_json())), answered_at=at, duration_ms=1500
    )
    save_answer(
        conn, quiz_id, 2, q2, grade(q2, wrong_answer_for(q2.to_json())), answered_at=at, duration_ms=800
    )
    rows = conn.execute(
        "SELECT position, kind, card_id, note, line, given, correct, answered_at, duration_ms FROM quiz_answers "
        "WHERE quiz_id = ? ORDER BY position",
        (quiz_id,),
    ).fetchall()
    assert rows[0][1:7] == (str(q1.kind), q1.card_id, q1.note, q1.line, right_answer_for(q1.to_json()), 1)
    assert rows[1][6] == 0 and rows[1][8] == 800
    (record,) = recent_quizzes(conn)
    assert (record.scope, record.seed, record.questions, record.answered, record.correct) == (
        "note:notes/ml/rnns.md",
        9,
        3,
        2,
        1,
    )


# ---------------------------------------------------------------------------------------------------------------------
# The command


def test_quiz_json_is_the_same_for_the_same_seed(kb_conn):
    first = run_cli("quiz", "--json", "--seed", "11", "-n", "6")
    assert first.exit_code == 0, first.output
    data = json.loads(first.output)
    assert len(data["questions"]) == 6 and data["seed"] == 11
    assert {"kind", "prompt", "answer", "answer_text", "card_id", "note", "line", "notices"} <= set(
        data["questions"][0]
    )
    assert run_cli("quiz", "--json", "--seed", "11", "-n", "6").output == first.output
    for q in data["questions"]:
        if q["kind"] == "cloze":
            assert q["accept"][0] == q["answer"]


def test_line_protocol_scores_and_stores_every_answer(kb_conn):
    kb, _conn = kb_conn
    quiz = json.loads(run_cli("quiz", "--json", "--seed", "5", "-n", "5", "--tag", "sequence-models").output)
    answers = [right_answer_for(q) for q in quiz["questions"]]
    answers[1] = wrong_answer_for(quiz["questions"][1])
    result = run_cli(
        "quiz", "--seed", "5", "-n", "5", "--tag", "sequence-models", input="\n".join(answers) + "\n"
    )
    assert result.exit_code == 0, result.output
    assert "score: 4/5 (80%)" in result.output
    missed = quiz["questions"][1]
    assert "wrong: the answer is" in result.output
    assert f"({missed['note']}:{missed['line']})" in result.output
    assert "missed:" in result.output and result.output.count("\n  2. ") == 1
    conn = sqlite3.connect(kb.db)
    stored = conn.execute("SELECT given, correct FROM quiz_answers ORDER BY position").fetchall()
    assert stored == [(a, int(i != 1)) for i, a in enumerate(answers)]
    assert conn.execute("SELECT scope, seed, questions, correct FROM quizzes").fetchall() == [
        ("tag:sequence-models", 5, 5, 4)
    ]


def test_end_of_input_ends_the_quiz_cleanly(kb_conn):
    quiz = json.loads(run_cli("quiz", "--json", "--seed", "8", "-n", "4").output)
    first = right_answer_for(quiz["questions"][0])
    result = run_cli("quiz", "--seed", "8", "-n", "4", input=first + "\n")
    assert result.exit_code == 0, result.output
    assert "stopped after 1 of 4 questions" in result.output
    assert "score: 1/1 (100%)" in result.output
    history = json.loads(run_cli("quiz", "--history", "--json").output)
    assert history[0]["answered"] == 1 and history[0]["correct"] == 1


def test_an_invalid_choice_is_asked_again(kb_conn):
    quiz = json.loads(run_cli("quiz", "--json", "--seed", "2", "-n", "1", "--kinds", "mcq").output)
    q = quiz["questions"][0]
    result = run_cli("quiz", "--seed", "2", "-n", "1", "--kinds", "mcq", input=f"q\n{right_answer_for(q)}\n")
    assert "not an answer: answer with a letter from a to d" in result.output
    assert "score: 1/1 (100%)" in result.output


def test_note_option_takes_a_path_from_the_notes_folder(kb_conn):
    result = run_cli("quiz", "--json", "--note", "ml/rnns", "-n", "3", "--seed", "1")
    assert result.exit_code == 0, result.output
    assert {q["note"] for q in json.loads(result.output)["questions"]} == {"notes/ml/rnns.md"}


def test_note_option_takes_a_path_on_disk(kb_conn):
    kb, _conn = kb_conn
    result = run_cli(
        "quiz", "--json", "--note", str(kb.root / "notes/ml/gru-lstm.md"), "-n", "2", "--seed", "1"
    )
    assert result.exit_code == 0, result.output
    assert {q["note"] for q in json.loads(result.output)["questions"]} == {"notes/ml/gru-lstm.md"}


def test_json_and_grade_together_is_a_usage_error(kb_conn):
    result = run_cli("quiz", "--json", "--grade")
    assert result.exit_code == 2 and "nothing to --grade" in result.output


def test_user_mistakes_get_one_line_errors(kb_conn):
    result = run_cli("quiz", "--note", "notes/ml/missing.md")
    assert result.exit_code == 1
    assert result.output.strip() == (
        "Error: notes/ml/missing.md: no such note in the index; see `kb notes list` for the paths"
    )
    result = run_cli("quiz", "--kinds", "essay")
    assert result.exit_code == 1 and "unknown question kind 'essay'" in result.output
    assert "Traceback" not in result.output


def test_grade_records_each_answer_as_a_review_through_the_journal(kb_conn):
    from kb.store.connection import remove_database

    kb, conn = kb_conn
    conn.close()
    quiz = json.loads(run_cli("quiz", "--json", "--seed", "4", "-n", "2").output)
    answers = [right_answer_for(quiz["questions"][0]), wrong_answer_for(quiz["questions"][1])]
    result = run_cli("quiz", "--seed", "4", "-n", "2", "--grade", input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    expected = [(quiz["questions"][0]["card_id"], 3, "quiz"), (quiz["questions"][1]["card_id"], 1, "quiz")]
    db = sqlite3.connect(kb.db)
    assert db.execute("SELECT card_id, grade, source FROM reviews ORDER BY id").fetchall() == expected
    db.close()
    # The database is a cache: rebuilt from the notes and the journal, the reviews come back.
    remove_database(kb.db)
    assert run_cli("quiz", "--history").exit_code == 0
    db = sqlite3.connect(kb.db)
    assert (
        db.execute("SELECT card_id, grade, source FROM reviews ORDER BY reviewed_at, id").fetchall()
        == expected
    )


def test_terminal_ui_shows_feedback_score_and_misses(kb_conn, monkeypatch):
    import io

    from rich.console import Console

    from kb.quiz.terminal import RichUI, run_quiz

    kb, conn = kb_conn
    quiz = generate_quiz(conn, n=3, seed=12)
    answers = [right_answer_for(q.to_json()) for q in quiz.questions]
    answers[0] = wrong_answer_for(quiz.questions[0].to_json())
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(answers) + "\n"))
    ui = RichUI()
    out = io.StringIO()
    ui.console = Console(file=out, width=120, color_system=None)
    run_quiz(kb, conn, quiz, ui, None)
    text = out.getvalue()
    assert "✗ wrong" in text and "✓ right" in text
    assert quiz.questions[0].where in text
    assert "Score: 2/3" in text and "Missed" in text


def test_quiz_runs_as_a_subprocess_with_piped_answers(kb_conn):
    kb, _conn = kb_conn
    env = {**os.environ, "PYTHONPATH": str(REPO), "KB_ROOT": str(kb.root)}
    proc = subprocess.run(
        [sys.executable, "-m", "kb", "quiz", "-n", "2", "--seed", "3"],
        input="a\nt\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert "score:" in proc.stdout and "Traceback" not in proc.stderr


# ---------------------------------------------------------------------------------------------------------------------
# The shipped notes, and a note full of things that must never become questions


def test_shipped_notes_every_question_is_answerable_from_the_note_it_cites(shipped_kb):
    kb, conn = _indexed(shipped_kb)
    assert conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] > 0
    asked = numbers = 0
    for seed in range(12):
        quiz = generate_quiz(conn, n=40, seed=seed)
        assert not any("instead of" in n for n in quiz.notices)
        for q in quiz.questions:
            asked += 1
            note = note_text_plain(kb, q.note)
            assert normalise(q.answer_text) in note, (q.where, q.answer_text)
            if q.kind != QuestionKind.TF:
                assert normalise(q.answer_text) not in normalise(q.prompt), q
            if q.kind == QuestionKind.CLOZE:
                assert valid_term(q.answer_text, max_words=12) and q.answer_text.lower() not in STOP_WORDS
            if q.kind == QuestionKind.MCQ:
                assert len({normalise(o) for o in q.options}) == len(q.options) >= 2
                if any(c.isdigit() for c in q.answer_text) and len(q.answer_text) < 12:
                    numbers += 1
                    units = {c for c in q.answer_text if c in "%$"}
                    for option in q.options:  # an age gets ages as options, a rate gets rates
                        assert (
                            any(c.isdigit() for c in option) and {c for c in option if c in "%$"} == units
                        ), q
    assert asked == 12 * 40
    assert numbers > 0


def test_shipped_notes_quiz_by_tag_and_type(shipped_kb):
    kb, conn = _indexed(shipped_kb)
    assert conn.execute("SELECT COUNT(*) FROM cards").fetchone()[0] > 0
    tag = conn.execute(
        "SELECT tag FROM note_tags GROUP BY tag ORDER BY COUNT(*) DESC, tag LIMIT 1"
    ).fetchone()[0]
    quiz = generate_quiz(conn, tag=tag, n=10, seed=1)
    tagged = {n for (n,) in conn.execute("SELECT note FROM note_tags WHERE tag = ?", (tag,))}
    assert quiz.questions and {q.note for q in quiz.questions} <= tagged
    books = generate_quiz(conn, type="book", n=10, seed=1)
    assert {q.note.split("/")[1] for q in books.questions} == {"books"}
    mcqs = [q for q in books.questions if q.kind == QuestionKind.MCQ]
    assert mcqs and all(len(q.options) == 4 for q in mcqs)


TRAPS_NOTE = """\
---
title: Traps
tags: [traps]
secret: frontmatterword::frontmatteranswer
---
# Traps

## Key points

- **Real term**: the only thing worth asking about in this note.
- A **second idea** sits beside the first one and is worth a question too.

```python
codeword = "codefront::codeback"  # **codebold**
```

$$
mathword::mathanswer ==mathcloze==
$$

<div>htmlword::htmlanswer ==htmlcloze==</div>

Inline `inlinecode::inlineanswer` and $inline::math$ stay out.

What is the capital of Portugal?::Lisbon, on the Tagus

What is the capital of Spain?::Madrid, on the Manzanares
"""


def test_no_question_from_code_math_front_matter_or_html(kbroot):
    kbroot.write("traps.md", TRAPS_NOTE)
    _kb, conn = _indexed(kbroot)
    traps = ("frontmatter", "code", "math", "html", "inline")
    for seed in range(15):
        for q in generate_quiz(conn, n=10, seed=seed).questions:
            text = " ".join([q.prompt, q.answer_text, q.explanation, *q.options]).lower()
            assert not any(t in text for t in traps), q


def test_end_to_end_quiz_over_real_cards_through_the_cli(kbroot):
    kbroot.write("traps.md", TRAPS_NOTE)
    _indexed(kbroot)
    quiz = json.loads(run_cli("quiz", "--json", "--seed", "3", "-n", "3").output)
    answers = "\n".join(right_answer_for(q) for q in quiz["questions"]) + "\n"
    result = run_cli("quiz", "--seed", "3", "-n", "3", input=answers)
    assert result.exit_code == 0, result.output
    n = len(quiz["questions"])
    assert f"score: {n}/{n} (100%)" in result.output


def test_the_article_before_a_blank_does_not_give_the_answer_away(kb_conn):
    _kb, conn = kb_conn
    prompts = [
        q.prompt for s in range(8) for q in generate_quiz(conn, n=17, kinds=["cloze"], seed=s).questions
    ]
    gru = [p for p in prompts if "the forget and input gates merge" in p]
    assert gru and all(p.startswith(f"In {BLANK},") for p in gru)
    statements = [
        q.prompt for s in range(30) for q in generate_quiz(conn, n=17, kinds=["tf"], seed=s).questions
    ]
    for text in statements:
        assert not re.search(r"\b[Aa] [AEIOUaeiou]", text.replace("A hidden", "")), text
