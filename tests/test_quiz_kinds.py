"""Each kind of question made from one card, and what a card offers to be asked (terms, blanks, questions)."""

from __future__ import annotations

import dataclasses
import random

from kb.markdown import ANKI_CLOZE_RE, plain_text
from kb.quiz.kinds import build_question, fill_in_the_blank, multiple_choice, neutral_article, true_or_false
from kb.quiz.model import BLANK, CardRow, QuestionKind
from kb.quiz.terms import (
    AskableCard,
    blank_occurrences,
    blank_sentence,
    emphasised_terms,
    question_text,
    reveals,
)
from tests.test_quiz_distractors import FakeCorpus, capitals, card

NOTE = "notes/ml.md"


def rng_drawing(truth: bool) -> random.Random:
    """A generator whose first draw makes a true/false question true (or false)."""
    for seed in range(100):
        if (random.Random(seed).random() < 0.5) is truth:
            return random.Random(seed)
    raise AssertionError("no seed")


def gates() -> list[AskableCard]:
    return [
        card(NOTE, "Forget gate", "decides what the cell state drops at each step", kind="keypoint"),
        card(NOTE, "Input gate", "decides what new information enters the cell state", kind="keypoint"),
        card(
            NOTE,
            "Output gate",
            "decides what part of the cell state becomes the hidden state",
            kind="keypoint",
        ),
        card(NOTE, "Update gate", "blends the old hidden state with the candidate state", kind="keypoint"),
    ]


# ---------------------------------------------------------------------------------------------------------------------
# Multiple choice


def test_multiple_choice_has_the_answer_once_among_distractors():
    cards = capitals()
    q = multiple_choice(FakeCorpus({"notes/capitals.md": cards}), cards[1], random.Random(3))
    assert q is not None and q.kind == QuestionKind.MCQ
    assert q.prompt == "What is the capital of Italy?"
    assert q.options[q.answer] == "Rome, on the banks of the Tiber" == q.answer_text
    assert sorted(q.options) == sorted(c.answer for c in cards)
    assert (q.card_id, q.note, q.line) == (cards[1].card.id, "notes/capitals.md", 3)
    assert q.notices == ()


def test_term_options_take_the_case_of_the_answer():
    asked = card(NOTE, "Which gate drops parts of the cell state?", "forget gate")
    others = [
        card(NOTE, "Which gate lets new information in?", "Input gate"),
        card(NOTE, "Which gate exposes the cell state?", "Output gate"),
        card(NOTE, "Which GRU gate blends old and new?", "Update gate"),
    ]
    q = multiple_choice(FakeCorpus({NOTE: [asked, *others]}), asked, random.Random(1))
    assert q is not None and q.answer_text == "forget gate"
    # One capitalised option among lower-case ones would give itself away.
    assert sorted(q.options) == ["forget gate", "input gate", "output gate", "update gate"]


def test_multiple_choice_falls_back_to_the_blank_when_the_answer_has_no_rivals():
    # No other card answers a question, but their cloze deletions and bold words are terms to offer.
    asked = card(
        NOTE, "What does an RNN pass along?", "The **hidden state**, updated at every step of the sequence"
    )
    clozes = [
        card(NOTE, "[...] and **forget gate**", "cell state and **forget gate**", kind="cloze"),
        card(NOTE, "[...] or **output gate**", "input gate or **output gate**", kind="cloze"),
    ]
    q = multiple_choice(FakeCorpus({NOTE: [asked, *clozes]}), asked, random.Random(0))
    assert q is not None and q.answer_text == "hidden state"
    assert q.prompt == f"What does an RNN pass along?\nThe {BLANK}, updated at every step of the sequence"
    assert q.explanation == "The hidden state, updated at every step of the sequence"
    assert len(q.options) == 4 and "hidden state" in q.options


def test_fewer_than_four_options_say_so():
    cards = capitals()[:3]
    q = multiple_choice(FakeCorpus({"notes/capitals.md": cards}), cards[0], random.Random(0))
    assert q is not None and len(q.options) == 3
    assert q.notices == ("only 3 options: no other plausible answers of this kind in the quiz's scope",)


def test_one_distractor_is_too_few_for_a_multiple_choice_question():
    """A two-option question is a coin toss: the card is asked another way."""
    cards = capitals()[:2]
    assert multiple_choice(FakeCorpus({"notes/capitals.md": cards}), cards[0], random.Random(0)) is None


def test_no_multiple_choice_without_any_distractor():
    cards = capitals()[:1]
    assert multiple_choice(FakeCorpus({"notes/capitals.md": cards}), cards[0], random.Random(0)) is None


def test_the_article_before_a_blank_is_neutral():
    assert neutral_article(f"It is a {BLANK}.") == f"It is {BLANK}."
    assert neutral_article(f"An {BLANK} of x") == f"{BLANK} of x"
    assert neutral_article(f"the data {BLANK}") == f"the data {BLANK}"  # "a" inside a word is no article


# ---------------------------------------------------------------------------------------------------------------------
# Fill in the blank


def test_fill_in_the_blank_asks_the_key_point_term():
    q = fill_in_the_blank(gates()[0])
    assert q is not None and q.kind == QuestionKind.CLOZE
    assert q.prompt == f"{BLANK}: decides what the cell state drops at each step"
    assert q.answer == q.answer_text == "Forget gate"
    assert q.explanation == "Forget gate: decides what the cell state drops at each step"


def test_no_blank_in_a_card_without_a_term():
    plain = card(NOTE, "Why do we sleep?", "Nobody knows for certain why we sleep at all, it seems.")
    assert plain.blank is None
    assert fill_in_the_blank(plain) is None


# ---------------------------------------------------------------------------------------------------------------------
# True or false


def _capitals_as_statements() -> list[AskableCard]:
    return [
        card(NOTE, f"The capital of {country} is", f"{city}, on the banks of the {river}")
        for country, city, river in (
            ("France", "Paris", "Seine"),
            ("Italy", "Rome", "Tiber"),
            ("Hungary", "Budapest", "Danube"),
            ("Egypt", "Cairo", "Nile"),
        )
    ]


def test_a_true_statement_shows_its_own_answer():
    cards = _capitals_as_statements()
    q = true_or_false(FakeCorpus({NOTE: cards}), cards[0], rng_drawing(True))
    assert q is not None and q.kind == QuestionKind.TF and q.answer is True
    assert q.prompt == "The capital of France is Paris, on the banks of the Seine"
    assert q.explanation == "The capital of France is Paris, on the banks of the Seine"


def test_a_false_statement_shows_a_distractor_and_keeps_the_true_answer():
    cards = _capitals_as_statements()
    q = true_or_false(FakeCorpus({NOTE: cards}), cards[0], rng_drawing(False))
    assert q is not None and q.answer is False
    shown = q.prompt.removeprefix("The capital of France is ")
    assert shown != cards[0].answer and shown in [c.answer for c in cards[1:]]
    assert q.answer_text == "Paris, on the banks of the Seine"


def test_a_question_and_its_answer_are_no_statement_to_judge():
    """ "What is the capital of France? → Rome" is a question with an arrow, not a claim: it is asked another way."""
    cards = capitals()
    for truth in (True, False):
        assert true_or_false(FakeCorpus({"notes/capitals.md": cards}), cards[0], rng_drawing(truth)) is None


def test_without_a_wrong_answer_the_card_makes_no_statement_true_or_false():
    """A card that cannot be made false is not asked as true/false at all: if it were asked only when the draw says
    true, every statement from such cards would be true and a learner would learn to tell them."""
    cards = capitals()[:1]
    for truth in (True, False):
        assert true_or_false(FakeCorpus({"notes/capitals.md": cards}), cards[0], rng_drawing(truth)) is None


def test_a_false_blank_fits_case_and_article_to_the_wrong_term():
    asked = card(NOTE, "What do RNNs suffer from?", "Long sequences give a **vanishing gradient** problem.")
    other = card(NOTE, "Key point", "An **exploding gradient** is clipped.", kind="keypoint")
    q = true_or_false(FakeCorpus({NOTE: [asked, other]}), asked, rng_drawing(False))
    assert q is not None and q.answer is False
    assert q.prompt == "What do RNNs suffer from?\nLong sequences give an exploding gradient problem."
    true = true_or_false(FakeCorpus({NOTE: [asked, other]}), asked, rng_drawing(True))
    assert true.prompt == "What do RNNs suffer from?\nLong sequences give a vanishing gradient problem."


def test_a_card_with_nothing_to_judge_makes_no_statement_but_still_draws():
    cloze_without_deletion = card(NOTE, "No bracket here", "No bracket here either", kind="cloze")
    rng = random.Random(5)
    assert true_or_false(FakeCorpus({NOTE: [cloze_without_deletion]}), cloze_without_deletion, rng) is None
    # The draw happened anyway: the seed's sequence does not depend on which cards could be asked.
    after = random.Random(5)
    after.random()
    assert rng.random() == after.random()


def test_build_question_makes_the_kind_asked_for():
    cards = gates()
    corpus = FakeCorpus({NOTE: cards})
    for kind in QuestionKind:
        q = build_question(kind, corpus, cards[1], random.Random(2))
        assert q is not None and q.kind == kind


# ---------------------------------------------------------------------------------------------------------------------
# What a card offers


def test_a_front_that_gives_the_back_away_is_no_question():
    assert reveals("Roth IRA", "Roth IRA")
    assert reveals("Key point: standard deduction", "The standard deduction is a fixed amount")
    assert not reveals("What is a cat?", "A small feline")
    same = card(NOTE, "Gradient clipping", "gradient clipping")
    assert same.question is None and same.answer is None


def test_a_front_becomes_a_question():
    assert question_text("What is X?", "y") == "What is X?"
    assert (
        question_text("Gradient clipping", "rescale the gradient when large") == "What is Gradient clipping?"
    )
    assert (
        question_text("The rule that rescales gradients above a norm", "Gradient clipping")
        == "Which term is this? The rule that rescales gradients above a norm"
    )
    assert question_text("Gradient clipping:", "clip") == "Gradient clipping …?"


def test_terms_of_a_card_are_its_emphasis_and_cloze_deletions_outside_math():
    assert emphasised_terms("**Roth IRA** and ==401k== and {{c1::Social Security::agency}} and $**x**$") == (
        "Roth IRA",
        "401k",
        "Social Security",
    )
    assert emphasised_terms("**the** and **Roth IRA** and **Roth IRA**") == ("Roth IRA",)


def test_a_generated_cloze_is_askable_but_lends_no_distractor():
    row = CardRow(
        "g1",
        NOTE,
        3,
        0,
        "cloze",
        "The [...] carries context.",
        "The hidden state carries context.",
        "",
        "",
        generated=True,
    )
    generated = AskableCard(row)
    assert generated.blank is not None and generated.blank.answer == "hidden state"
    assert "hidden state" not in generated.terms
    written = AskableCard(dataclasses.replace(row, generated=False))  # the same deletion, written by the user
    assert written.terms[0] == "hidden state"


def test_the_terms_of_a_card_are_the_same_whether_or_not_its_blank_was_looked_for():
    back = "It decides what the **cell state** drops, unlike the Output Gate of an LSTM."
    first = card(NOTE, "What does the forget gate do?", back)
    second = card(NOTE, "What does the forget gate do?", back)
    terms_first = first.terms  # read alone, as a distractor
    assert second.blank is not None  # the full scan
    assert second.terms == terms_first


def test_blanking_hides_plurals_but_not_longer_words():
    marked = blank_occurrences("Taxes and taxes, a tax; taxonomy", "tax")
    assert marked == "\x00 and \x00, a \x00; taxonomy"


def test_the_quiz_blanks_what_the_card_generators_term_picker_picks():
    """One term picker (kb.cards.salience) for generated cards and quiz blanks: a bold term first."""
    from kb.cards.salience import salient_term

    sentence = "The **hidden state** of an RNN, by Jeffrey Elman in 1990, uses backpropagation."
    blank = blank_sentence(sentence)
    assert blank.answer == "hidden state" == salient_term(sentence)
    assert blank.prompt == f"The {BLANK} of an RNN, by Jeffrey Elman in 1990, uses backpropagation."


def test_quiz_blanks_never_come_from_math_code_or_links():
    blank = blank_sentence("We use $x_t$ and `codeword` and [[Some Link]] with reasonable care.")
    assert blank is None or blank.answer not in ("x_t", "codeword", "Some Link", "Some", "Link")


def test_the_one_cloze_pattern_reads_number_text_and_hint():
    m = ANKI_CLOZE_RE.search("pay {{c2::6.2%::rate}} tax")
    assert m.groups() == ("2", "6.2%", "rate")
    assert ANKI_CLOZE_RE.search("{{c1::plain}}").groups() == ("1", "plain", None)
    assert plain_text("a {{c1::b::hint}} c {{c12::d}}") == "a b c d"
    assert plain_text("see [[ml/rnns]] and [[ml/rnns|RNNs]] and ![img](x.png)") == "see rnns and RNNs and img"
