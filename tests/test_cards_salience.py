"""The term picker (kb.cards.salience): which words of a key point a generated cloze hides, and why."""

from __future__ import annotations

import pytest

from kb.cards.extractor import extract_cards
from kb.cards.salience import (
    SCAN_LIMIT,
    CommonStems,
    TermWeights,
    _content_runs,
    _runs_of_words,
    common_stems,
    content_stems,
    pick_spans,
    salience_words,
    salient_span,
    salient_term,
    word_set,
)
from kb.markdown import mask_spans
from kb.notes.reader import parse_note


def pick(text: str, **kwargs) -> str | None:
    return salient_term(text, **kwargs)


@pytest.mark.parametrize(
    ("bullet", "term"),
    [
        # a bold span is the writer's own choice: it wins over any plain run
        ("The **basal ganglia** store habits long after we forget why", "basal ganglia"),
        # a run right after a determiner or preposition is a likely noun phrase
        ("Dopamine spikes on the anticipation of a reward", "anticipation"),
        ("Habits are the compound interest of self-improvement", "compound interest"),
        # stopwords never make a term, and a sentence of nothing else has none
        ("It is what it is", None),
        # an adverb in -ly scores lower: the longest word would win without that
        ("Repeat, consistently; rest, deliberately, improves", "improves"),
    ],
)
def test_the_term_a_key_point_hides(bullet, term):
    assert pick(bullet) == term


def test_code_and_math_are_never_the_term():
    text = "Use `git reflog` to recover $x_{lost}$ work"
    term = pick(text)
    assert term is not None and "reflog" not in term and "lost" not in term


def test_a_long_bold_span_is_emphasis_not_a_term():
    text = "**Never skip twice in a row, whatever happens** says the habit researcher"
    assert pick(text) != "Never skip twice in a row, whatever happens"


def test_corpus_statistics_favour_the_rarer_word():
    text = "We compare the cue with the craving"
    common_cue = {"cue": 90, "craving": 2}.get
    common_craving = {"cue": 2, "craving": 90}.get
    body = "cue craving"
    assert pick(text, body=body, doc_freq=lambda w: common_cue(w) or 0, n_docs=100) == "craving"
    assert pick(text, body=body, doc_freq=lambda w: common_craving(w) or 0, n_docs=100) == "cue"


def test_without_statistics_a_word_repeated_in_the_note_weighs_more():
    text = "Spacing beats cramming"
    assert pick(text, body="spacing spacing spacing cramming") == "Spacing"
    assert pick(text, body="spacing cramming cramming cramming") == "cramming"


def test_term_weights_are_computed_once_per_word():
    asked: list[str] = []

    def doc_freq(word: str) -> int:
        asked.append(word)
        return 3

    weights = TermWeights("the reflog keeps the reflog", doc_freq, n_docs=10)
    first = weights("reflog")
    assert weights("reflog") == first and asked == ["reflog"]
    assert weights("reflog") > weights("absent")  # two occurrences in the note against none


def test_salient_span_indexes_the_original_text():
    text = "Store **objects** by hash"
    span = salient_span(text, TermWeights(text), mask_spans(text)[0])
    assert text[span[0] : span[1]] == "**objects**"


def test_only_the_start_of_a_huge_bullet_is_searched():
    text = "plain " * (SCAN_LIMIT // 6) + "**hippocampus**"
    assert len(text) > SCAN_LIMIT
    assert pick(text) == "plain plain plain"  # the bold term past the limit is never seen


def test_word_set_is_how_the_corpus_statistics_count():
    assert word_set("Don't re-index the **Reflog**; it's 2x faster") == {
        "don't",
        "re-index",
        "the",
        "reflog",
        "it's",
        "2x",
        "faster",
    }


def test_generated_clozes_use_the_picker_with_the_notes_statistics():
    note = parse_note(
        "notes/books/atomic-habits.md",
        b"---\ntitle: Atomic Habits\n---\n## Key points\n\n"
        b"- Small habits compound like interest on a savings account\n"
        b"- **Identity**: the deepest layer of behaviour change\n",
    )
    cards = extract_cards(note).cards
    cloze, keypoint = cards
    assert (cloze.kind.value, cloze.generated) == ("cloze", True)
    text = "Small habits compound like interest on a savings account"
    spans, _why = pick_spans(text, TermWeights(note.body), avoid=content_stems("Atomic Habits"))
    assert [cloze.answer] == [text[s:e] for s, e in spans]
    assert cloze.front == cloze.back.replace(cloze.answer, "[...]", 1)
    assert (keypoint.kind.value, keypoint.front, keypoint.back) == (
        "keypoint",
        "Atomic Habits: what is Identity?",
        "the deepest layer of behaviour change",
    )


def test_common_stems_asked_one_by_one_answer_as_the_whole_set():
    # CommonStems tokenises only the key points holding the stem asked about: its answers are common_stems'
    bodies = [
        "Sleep pressure builds while Walker stays awake; 10% of adults",
        "Walker says sleep pressure drops at night (10% again)",
        "Caffeine blocks adenosine, the sleep pressure signal Walker names",
        "Naps cut sleep pressure: 10% less for Walker's subjects",
        "Ünïcode Walker sleeps in Zürich, sleeping pressures",
    ]
    whole = common_stems(bodies)
    lazy = CommonStems(bodies)
    asked = {s for body in bodies for s in content_stems(body)} | {
        "#10%",
        "#10",
        "@walker",
        "@zürich",
        "night",
    }
    assert {"sleep", "pressure", "#10%", "@walker"} <= whole
    assert {s for s in asked if s in lazy} == whole & asked


@pytest.mark.parametrize(
    "bullet",
    [
        "The [contractor] tests its own product, then hands it over -- to the Air Force.",
        "Don't store H: keep only the last m pairs (s_i, y_i), typically 5-20 -> O(mn) memory.",
        "Kish's 'FlashSonar' clicks, __bold__ words, snake_case names and a trailing dash-",
        "  leading spaces, double  spaces and a tab\there; of the and a run of stop words",
        "",
    ],
)
def test_the_ascii_reading_of_runs_is_the_general_one(bullet):
    """``_content_runs`` reads an ASCII bullet inline (for speed); it must give the runs the general reading of
    ``salience_words`` gives, weights included."""
    for lazy in (False, True):
        fast = _content_runs(bullet, TermWeights(bullet), lazy)
        general = _runs_of_words(salience_words(bullet), TermWeights(bullet), lazy)
        assert fast == general
