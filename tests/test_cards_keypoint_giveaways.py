"""Generated clozes that give their answer away or hide nothing worth recalling (issue 18, a blind reading of
notes from a typed note's every section): a lone ordinary English word, a word of the card's headings, a leading
year label, a label lead ("Downside:") taken for a term, a number worked out from the numbers beside it, a blank
cutting a word in two. Each gives another span or no card, and ``kb cards --explain`` says why.
"""

from __future__ import annotations

from kb.cards.extractor import extract_cards
from kb.cards.lexicon import common_english
from kb.notes.reader import parse_note


def extract(sections: str, title: str = "Notes on things"):
    text = f'---\ntitle: "{title}"\ntype: topic\n---\n# {title}\n\n{sections}\n'
    return extract_cards(parse_note("notes/t.md", text.encode()))


def key_points(bullets: str, title: str = "Notes on things"):
    return extract(f"## Key points\n\n{bullets}", title)


def answers(result) -> list[str]:
    return [c.answer for c in result.cards]


def skip_reasons(result) -> list[str]:
    return [why for _line, _text, why in result.skipped]


def test_the_common_word_list_knows_ordinary_words_and_not_jargon():
    assert all(common_english(w) for w in ["morning", "Window", "teacher", "budget", "kitchen"])
    assert not any(common_english(w) for w in ["backpropagation", "reflog", "melatonin", "amortization"])


def test_a_lone_ordinary_word_is_never_hidden():
    result = key_points(
        "- Caffeine late in the afternoon delays sleep even when you fall asleep fine.\n"
        "- Write the draft first and edit it the next morning."
    )
    for card in result.cards:
        assert not (" " not in card.answer and common_english(card.answer)), card.front
    assert any("ordinary English word" in why for why in skip_reasons(result))


def test_a_specific_term_or_a_name_is_still_hidden():
    result = key_points("- Adenosine builds up while you are awake and creates sleep pressure.")
    assert answers(result) and answers(result)[0] in ("Adenosine", "sleep pressure")
    assert answers(key_points("- Marie Curie won a second Nobel prize in chemistry.")) == ["Marie Curie"]


def test_a_word_of_the_cards_headings_is_never_hidden():
    result = extract(
        "## Embeddings\n\n- Each embedding is scaled by the square root of the model width.\n\n"
        "## Garbage collection\n\n- Unreachable objects are deleted by `git gc` once they expire.",
        "Git internals",
    )
    for card in result.cards:
        assert "embedding" not in card.answer.lower(), card.front
        assert card.answer != "`git gc`", card.front


def test_a_hyphenated_heading_gives_its_words_away():
    result = extract("## Multi-head attention\n\n- The separate heads attend to different subspaces.", "NLP")
    assert not result.cards
    assert skip_reasons(result) == ["'separate heads' shows in the card's headings"]


def test_a_leading_year_label_yields_to_the_figures():
    result = key_points("- 2023, head of household: the 0% rate applies up to $59,750 of taxable income.")
    assert answers(result) and "2023" not in answers(result)[0]


def test_a_label_lead_is_no_term_and_never_hidden():
    result = key_points(
        "- **Drawback**: squash merges drop the author dates of the individual commits.\n"
        "- Contrast: Linus Torvalds prefers merges that keep the true history.",
        "Merging branches",
    )
    fronts = [c.front for c in result.cards]
    assert not any("what is Drawback" in f or "what is Contrast" in f for f in fronts), fronts
    assert "Linus Torvalds" in answers(result)
    assert all(c.answer not in ("Drawback", "Contrast") for c in result.cards)


def test_a_number_worked_out_from_the_others_on_the_card_is_not_hidden_alone():
    result = key_points("- A batch of 32 sequences of 128 tokens holds 4096 tokens.")
    assert answers(result) == []  # 32 x 128 = 4096: any one of them follows from the other two
    assert any("worked out from the other numbers" in why for why in skip_reasons(result))


def test_a_number_and_its_double_are_hidden_together():
    (card,) = key_points(
        "- The 2026 deductible limits are $1,750 for one person and $3,500 for a family."
    ).cards
    assert card.front.count("[...]") == 2 and "$1,750" not in card.front and "$3,500" not in card.front
    assert card.cloze_text.count("{{c1::") == 2


def test_a_blank_never_cuts_a_word():
    result = key_points("- Files you `git stash`ed are kept as two commits on a hidden ref.", "Stashing")
    for card in result.cards:
        assert "[...]ed" not in card.front and card.answer != "`git stash`", card.front


def test_a_command_or_formula_beside_a_sibling_of_its_pattern_is_not_hidden():
    result = key_points(
        "- `stash@{0}` is the newest stash, `stash@{1}` the one before.\n"
        "- The gates are $i_t = \\sigma(W_i x_t)$ and $f_t = \\sigma(W_f x_t)$.",
        "Recurrent cells",
    )
    assert not result.cards
    assert ["follows the pattern of" in why for why in skip_reasons(result)] == [True, True]


def test_a_count_of_the_items_the_bullet_lists_is_not_hidden():
    """ "The three pillars: A, B and C" asks nothing: the list beside it counts itself. A count of things not
    listed, or a quantity with a unit, stays a good answer."""
    from kb.cards.extractor import extract_cards
    from kb.notes.reader import parse_note

    def fronts(bullet: str) -> list[str]:
        text = f"---\ntitle: Notes\n---\n# Notes\n\n## Key points\n\n- {bullet}\n"
        return [c.front for c in extract_cards(parse_note("notes/n.md", text.encode())).cards]

    assert fronts("Stoics name four cardinal virtues: wisdom, courage, justice and temperance.") == []
    assert fronts("Wisdom, courage, justice and temperance are the four cardinal virtues.") == []
    assert fronts("A rebase rewrites two branches' worth of history into one line.") != []
    assert fronts("The course took 3 weeks of evenings.") == ["The course took [...] of evenings."]
