"""Distractors: which wrong answers a question is offered, from which notes, in which order."""

from __future__ import annotations

import re

import pytest

from kb.quiz.distractors import (
    NumberLadder,
    number_variants,
    pick_distractors,
    same_thing,
    shape_ok,
    word_overlap,
)
from kb.quiz.model import CardRow
from kb.quiz.terms import AskableCard


class FakeCorpus:
    """The three things distractors read from the store, from a dict: notes' cards, their tags, similar notes."""

    def __init__(self, notes: dict[str, list[AskableCard]], tags: dict[str, tuple[str, ...]] | None = None):
        self.notes = notes
        self.note_tags = tags or {}
        self.similar_calls: list[tuple[str, tuple[str, ...] | None]] = []

    def cards(self, note: str) -> list[AskableCard]:
        return self.notes.get(note, [])

    def tags(self, note: str) -> tuple[str, ...]:
        return self.note_tags.get(note, ())

    def bold_terms(self, note: str) -> frozenset[str]:
        """The terms the note's cards set in bold (the real store reads the note's body)."""
        import re

        from kb.quiz.words import normalise

        return frozenset(
            normalise(m)
            for c in self.notes.get(note, [])
            for m in re.findall(r"\*\*([^*]+)\*\*", c.card.front + c.card.back)
        )

    def similar_notes(self, note, words, *, tags, note_type=None, limit=8):
        self.similar_calls.append((note, tags))
        others = [n for n in self.notes if n != note]
        if tags is None:
            return others
        return [n for n in others if set(self.tags(n)) & set(tags)]


def card(note: str, front: str, back: str, *, kind="basic", id=None, sibling="") -> AskableCard:
    return AskableCard(
        CardRow(id or f"{note}:{front}", note, 3, 0, kind, front, back, "", sibling)  # noqa: A002
    )


def capitals(note="notes/capitals.md", side="banks") -> list[AskableCard]:
    return [
        card(note, "What is the capital of France?", f"Paris, on the {side} of the Seine"),
        card(note, "What is the capital of Italy?", f"Rome, on the {side} of the Tiber"),
        card(note, "What is the capital of Hungary?", f"Budapest, on the {side} of the Danube"),
        card(note, "What is the capital of Egypt?", f"Cairo, on the {side} of the Nile"),
    ]


def pick(corpus, askable, *, term=None, want=3) -> list[str]:
    answer = askable.answer
    return pick_distractors(
        corpus,
        askable,
        answer=answer,
        question=askable.question,
        term=(len(answer.split()) <= 6) if term is None else term,
        want=want,
    )


# ---------------------------------------------------------------------------------------------------------------------
# The rules one candidate must pass


def test_a_number_is_offered_numbers_with_its_unit():
    assert shape_ok("6.2%", "12.4%", term=True)
    assert not shape_ok("6.2%", "Social Security", term=True)  # a word where a number is asked
    assert not shape_ok("6.2%", "$6.20", term=True)  # a dollar amount for a rate
    assert not shape_ok("6.2%", "12%", term=True)  # a whole number for a fraction
    assert not shape_ok("age 30", "30%", term=True)
    assert shape_ok("age 30", "age 65", term=True)


def test_a_term_is_offered_terms_of_about_its_length():
    assert shape_ok("hidden state", "cell state", term=True)
    assert not shape_ok("RNN", "a very long description of something else entirely here", term=True)
    assert not shape_ok("gradient clipping", "a b c d e f", term=True)  # four more words


def test_a_sentence_is_offered_sentences_of_about_its_length():
    answer = "Rescale the gradient when its norm exceeds a threshold"
    assert shape_ok(answer, "Share one set of weights across every time step", term=False)
    assert not shape_ok(answer, "Yes", term=False)
    assert not shape_ok(answer, answer * 3, term=False)


def test_two_answers_are_the_same_thing_when_either_would_be_right():
    assert same_thing("Hidden state", "hidden  state.", term=False)
    assert same_thing("hidden state", "hidden state vector", term=True)  # one term inside the other
    assert not same_thing("hidden state", "hidden state vector", term=False)
    assert not same_thing("state", "statement", term=True)  # whole words only
    assert same_thing("anything", "**", term=True)  # nothing left after normalising: never an option


def test_word_overlap_counts_content_words_only():
    assert word_overlap("The hidden state of the network", "hidden state network") == 1.0
    assert word_overlap("hidden state", "cell memory") == 0.0
    assert word_overlap("the of and", "a an the") == 0.0


@pytest.mark.parametrize(
    "answer, variants",
    [
        ("6.2%", ["6.7%", "5.7%", "7.2%", "5.2%", "7.7%", "4.7%"]),  # an exact figure: a slip of memory away
        ("age 30", ["age 40", "age 20", "age 50", "age 10", "age 60", "age 70"]),  # a round age: no 31, no 29
        (
            "$60,000",
            ["$80,000", "$40,000", "$100,000", "$20,000", "$120,000", "$140,000"],
        ),  # never off by one
        ("1", ["2", "3", "4", "5"]),  # no 0, no 0.5 for a whole number, no repeat
        ("3 to 5 years", []),  # two numbers: which one to change is unclear
        ("no number", []),
        ("L2", []),  # a name's number: "L3" and "L4" are no penalties at all
        ("GPT-4", []),
        ("Form 709", []),
        ("§1091", []),
        ("0.1", ["0.2", "0.3", "0.4", "0.5"]),  # a rate under 1 stays under 1 (no "1.1")
        ("4GB", ["6GB", "2GB", "8GB", "10GB", "12GB"]),  # a unit is no name
        ("64", ["128", "32", "256", "16", "512", "8"]),  # a width doubles
    ],
)
def test_number_variants_keep_the_format(answer, variants):
    assert number_variants(answer) == variants
    assert answer not in number_variants(answer)


@pytest.mark.parametrize("answer", ["73", "45%", "$1,250", "1953", "37.8", "age 70"])
def test_a_number_key_is_not_always_the_middle_option(answer):
    """Doubling, halving and one more put the key in the middle of its options every time: a learner who noticed
    picked the middle one. On an even ladder the key is the smallest, the largest or between, as its card falls."""
    ladder = NumberLadder.of(answer)
    ranks = set()
    for rank in range(4):
        options = [*ladder.window(3, rank, lambda v: True), answer]
        values = [float(re.search(r"\d[\d,]*(?:\.\d+)?", o).group().replace(",", "")) for o in options]
        assert len(set(values)) == 4, options
        steps = {round(b - a, 6) for a, b in zip(sorted(values), sorted(values)[1:], strict=False)}
        assert len(steps) == 1, options  # evenly spaced: no option stands out by its distance
        ranks.add(sorted(values).index(values[-1]))
    assert ranks == {0, 1, 2, 3}


# ---------------------------------------------------------------------------------------------------------------------
# Choosing among the candidates


def test_the_answer_and_its_own_card_are_never_options():
    cards = capitals()
    corpus = FakeCorpus({"notes/capitals.md": cards})
    wrong = pick(corpus, cards[2], term=False)
    assert sorted(wrong) == sorted(c.answer for c in cards if c is not cards[2])


def test_a_sibling_card_is_never_an_option():
    # "Budapest:::capital of Hungary" makes two cards, each the other's answer: a giveaway as an option.
    note = "notes/hu.md"
    forward = card(note, "Which city is the capital of Hungary?", "Budapest on the Danube", sibling="s1")
    backward = card(note, "Which country has Budapest on the Danube as its capital?", "Hungary", sibling="s1")
    corpus = FakeCorpus({note: [forward, backward, *capitals(note)]})
    assert "Hungary" not in pick(corpus, forward, want=5)
    assert "Budapest on the Danube" not in pick(corpus, backward, want=5)


def test_a_wrong_answer_about_everything_the_question_asks_is_skipped():
    note = "notes/rnn.md"
    asked = card(note, "What does an RNN carry between time steps?", "A hidden state vector")
    also_true = card(
        note, "Why does an RNN need state?", "It must carry context between the time steps of an RNN"
    )
    other = card(
        note,
        "What does a CNN share across positions?",
        "One set of convolution filters, slid across the image",
    )
    corpus = FakeCorpus({note: [asked, also_true, other]})
    wrong = pick(corpus, asked, term=False, want=3)
    assert also_true.answer not in wrong  # mentions RNN, carry, time and steps: likely true as well
    assert other.answer in wrong


def test_options_never_say_nearly_the_same_thing():
    note = "notes/x.md"
    asked = card(note, "What does dropout do during training?", "It zeroes random activations to regularise")
    twin_a = card(note, "What is weight decay?", "It shrinks every weight towards zero at each step")
    twin_b = card(note, "What is L2 decay?", "It shrinks every weight towards zero at each update")
    corpus = FakeCorpus({note: [asked, twin_a, twin_b]})
    wrong = pick(corpus, asked, term=False)
    assert len([w for w in wrong if w.startswith("It shrinks every weight")]) == 1


def test_the_same_note_first_then_notes_sharing_a_tag_then_the_rest():
    asked = card("notes/a.md", "What is the capital of Hungary?", "Budapest, on the shores of the Danube")
    tagged = capitals("notes/b.md")
    untagged = capitals("notes/c.md", side="shores")  # closer to the answer's words, but in no shared tag
    corpus = FakeCorpus(
        {"notes/a.md": [asked], "notes/c.md": untagged, "notes/b.md": tagged},
        tags={"notes/a.md": ("geo",), "notes/b.md": ("geo",), "notes/c.md": ("misc",)},
    )
    wrong = pick(corpus, asked, term=False)
    assert len(wrong) == 3 and all("banks" in w for w in wrong), wrong
    assert corpus.similar_calls == [("notes/a.md", ("geo",))]  # the corpus-wide search was not needed


def test_when_the_strict_shape_runs_out_looser_candidates_fill_in():
    note = "notes/x.md"
    asked = card(
        note, "What does an RNN carry from step to step?", "A hidden state vector summarising the past"
    )
    short = card(note, "What is BPTT?", "Backpropagation unrolled over the time steps of the sequence")
    statement_only = card(
        note, "Key point", "Gradient clipping rescales gradients whose norm is too large", kind="keypoint"
    )
    corpus = FakeCorpus({note: [asked, short, statement_only]})
    wrong = pick(corpus, asked, term=False, want=3)
    assert wrong[0] == short.answer  # an answer to another question first
    assert statement_only.statement in wrong  # a key point's sentence only when answers run out


def test_a_number_answer_gets_made_up_numbers_when_the_notes_have_none():
    note = "notes/tax.md"
    asked = card(note, "What is the Social Security tax rate for employees?", "6.2%")
    words = card(note, "Who pays FICA?", "Employers and employees")
    corpus = FakeCorpus({note: [asked, words]})
    wrong = pick(corpus, asked, term=True)
    assert wrong == ["6.7%", "7.2%", "7.7%"]  # a ladder of half points, the key at the rank its card fixes


def test_a_number_answer_prefers_real_numbers_of_the_same_kind():
    note = "notes/tax.md"
    asked = card(note, "What is the Social Security tax rate for employees?", "6.2%")
    medicare = card(note, "What is the Medicare tax rate?", "1.45%")
    age = card(note, "At what age can you claim Social Security?", "62")
    corpus = FakeCorpus({note: [asked, medicare, age]})
    wrong = pick(corpus, asked, term=True)
    assert wrong[0] == "1.45%" and "62" not in wrong


def test_a_term_shown_in_the_question_is_not_offered_for_its_blank():
    note = "notes/rnn.md"
    asked = card(
        note, "How does gradient clipping help an LSTM?", "It keeps the **exploding gradient** in check"
    )
    lstm = card(note, "LSTM", "A **long short-term memory** network, with gates", kind="definition")
    clip = card(note, "Gradient clipping", "Rescales the gradient above a threshold", kind="definition")
    corpus = FakeCorpus({note: [asked, lstm, clip]})
    wrong = pick_distractors(
        corpus,
        asked,
        answer="exploding gradient",
        question=asked.question + " It keeps the _____ in check",
        term=True,
        want=3,
    )
    assert "Gradient clipping" not in wrong and "LSTM" not in wrong
    assert "long short-term memory" in wrong


def test_no_more_than_wanted_and_nothing_when_there_is_nothing():
    cards = capitals()
    corpus = FakeCorpus({"notes/capitals.md": cards})
    assert len(pick(corpus, cards[0], term=False, want=1)) == 1
    alone = FakeCorpus({"notes/capitals.md": cards[:1]})
    assert pick(alone, cards[0], term=False) == []
