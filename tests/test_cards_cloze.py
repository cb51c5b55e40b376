"""Cloze deletions (kb.cards.cloze): spans, numbering, hints, what is no deletion, and the problems reported."""

from __future__ import annotations

from kb.cards.cloze import MAX_CLOZE_DELETIONS, anki_deletions, mask_anki, render, scan_highlights
from kb.cards.extractor import extract_cards
from kb.markdown import MASK
from kb.notes.reader import parse_note


def cards_of(body: str):
    result = extract_cards(parse_note("notes/t.md", f"---\ntitle: T\n---\n{body}".encode()))
    return result.cards, [(p.line, p.message) for p in result.problems]


def spans(text: str) -> tuple[list[str], int | None]:
    found, unclosed = scan_highlights(text, bytearray(len(text) + 1))
    return [text[s:e] for s, e in found], unclosed


def test_highlight_spans():
    assert spans("The ==hippocampus== and the ==amygdala==") == (["==hippocampus==", "==amygdala=="], None)
    assert spans("no marks here") == ([], None)


def test_what_is_not_a_highlight_marker():
    assert spans("a setext underline\n===") == ([], None)
    assert spans("a literal \\== stays") == ([], None)
    assert spans("== spaced == is not a highlight") == ([], None)  # an opener is followed by a non-space


def test_a_comparison_inside_a_highlight_does_not_close_it():
    assert spans("==x == y== done") == (["==x == y=="], None)


def test_an_unclosed_highlight_is_reported_by_position():
    assert spans("ok ==open and never closed") == ([], 3)
    # a paragraph break ends it
    assert spans("==a\n\nb==") == ([], 0)


def test_anki_deletions_carry_number_text_and_hint():
    text = "{{c1::Cue}}, {{c2::craving::want}}, response, {{c1::reward}}"
    dels = anki_deletions(text, text)
    assert [(d.number, d.text, d.hint) for d in dels] == [
        (1, "Cue", ""),
        (2, "craving", "want"),
        (1, "reward", ""),
    ]
    assert [text[d.start : d.end] for d in dels][1] == "{{c2::craving::want}}"


def test_an_anki_number_of_five_digits_is_no_deletion():
    text = "{{c12345::x}} and {{c3::y}}"
    assert [(d.number, d.text) for d in anki_deletions(text, text)] == [(3, "y")]


def test_render_modes():
    text = "{{c1::Cue}} then {{c2::craving::want}}"
    dels = anki_deletions(text, text)
    assert render(text, dels, "plain") == "Cue then craving"
    assert render(text, dels, "front", 2) == "Cue then [want]"
    assert render(text, dels, "front", 1) == "[...] then craving"
    assert render(text, dels, "anki") == text


def test_mask_anki_hides_markup_so_its_colons_are_no_separator():
    masked = mask_anki("Q {{c1::a::b}} x {{c2::open")
    assert masked == "Q " + MASK * len("{{c1::a::b}}") + " x " + MASK * len("{{c2::") + "open"
    assert mask_anki("{{c12345::x}}") == "{{c12345::x}}"


def test_highlights_are_numbered_after_the_anki_numbers_and_one_number_hides_together():
    cards, problems = cards_of("The loop: {{c2::cue}}, ==craving==, {{c2::response}}.\n")
    assert problems == []
    assert [(c.cloze_index, c.front, c.answer) for c in cards] == [
        (2, "The loop: [...], craving, [...].", "cue / response"),
        (3, "The loop: cue, [...], response.", "craving"),
    ]
    assert {c.back for c in cards} == {"The loop: cue, craving, response."}
    assert cards[0].cloze_text == "The loop: {{c2::cue}}, {{c3::craving}}, {{c2::response}}."
    assert cards[0].sibling == cards[1].sibling


def test_each_list_item_is_its_own_cloze_text():
    cards, _ = cards_of("- The ==hippocampus== forms memories\n- The ==amygdala== tags them with emotion\n")
    assert [(c.front, c.back) for c in cards] == [
        ("The [...] forms memories", "The hippocampus forms memories"),
        ("The [...] tags them with emotion", "The amygdala tags them with emotion"),
    ]
    assert cards[0].sibling != cards[1].sibling


def test_highlights_in_code_or_math_are_no_deletion():
    cards, problems = cards_of("Run `a ==b== c` and $x ==y==$ only.\n")
    assert cards == () and problems == []


def test_unclosed_markup_is_a_problem_on_its_line_and_makes_no_card():
    cards, problems = cards_of("Intro line\nThe {{c1::basal ganglia store habits\n")
    assert cards == ()
    assert problems == [(5, "unclosed Anki cloze `{{c1::`; close it with `}}`")]
    cards, problems = cards_of("First line\nsecond ==line without end\n")
    assert cards == ()
    assert problems == [(5, "unclosed `==` highlight; close it with `==` or write `\\==` for a literal `==`")]


def test_too_many_deletions_in_one_paragraph_is_a_problem():
    body = " ".join(f"=={i}==" for i in range(MAX_CLOZE_DELETIONS + 1)) + "\n"
    cards, problems = cards_of(body)
    assert cards == ()
    assert problems == [
        (
            4,
            f"{MAX_CLOZE_DELETIONS + 1} cloze deletions in one paragraph; at most {MAX_CLOZE_DELETIONS} become "
            "cards, so split it into smaller paragraphs",
        )
    ]
    cards, problems = cards_of(" ".join(f"=={i}==" for i in range(MAX_CLOZE_DELETIONS)) + "\n")
    assert len(cards) == MAX_CLOZE_DELETIONS and problems == []


def test_nested_deletions_make_a_card_per_number_asking_what_anki_asks():
    # what Anki's own renderer shows for this note (tests/test_anki_content_golden.py checks it with the backend)
    cards, problems = cards_of("{{c1::a {{c2::b::hb}} c::hint}} d {{c2::e}}\n")
    assert problems == []
    assert [(c.cloze_index, c.front, c.back, c.answer) for c in cards] == [
        (1, "[hint] d e", "a b c d e", "a b c"),
        (2, "a [hb] c d [...]", "a b c d e", "b / e"),
    ]
    assert {c.cloze_text for c in cards} == {"{{c1::a {{c2::b::hb}} c::hint}} d {{c2::e}}"}


def test_a_separator_inside_a_nested_deletion_is_no_card_separator():
    cards, problems = cards_of("- {{c1::Paris {{c2::France}} capital::city}} is old\n")
    assert problems == []
    assert [(c.kind, c.front) for c in cards] == [
        ("cloze", "[city] is old"),
        ("cloze", "Paris [...] capital is old"),
    ]


def test_an_unclosed_deletion_around_a_nested_one_is_a_problem():
    cards, problems = cards_of("Intro line\nThe {{c1::basal {{c2::ganglia}} store habits\n")
    assert cards == ()
    assert problems == [(5, "unclosed Anki cloze `{{c1::`; close it with `}}`")]


def test_a_cloze_list_of_a_deck_imported_from_anki_shows_the_whole_note_as_anki_does():
    body = "Steps:\n- {{c1::Wash}}\n- {{c2::Rinse}} it\n"
    imported = extract_cards(
        parse_note("notes/t.md", f"---\ntitle: T\nanki_deck: Home\n---\n{body}".encode())
    )
    assert [(c.front, c.back) for c in imported.cards] == [
        ("Steps:\n- [...]\n- Rinse it", "Steps:\n- Wash\n- Rinse it"),
        ("Steps:\n- Wash\n- [...] it", "Steps:\n- Wash\n- Rinse it"),
    ]
    assert {c.cloze_text for c in imported.cards} == {body.strip()}
    # in kb's own notes each item stays a cloze text of its own
    cards, _ = cards_of(body)
    assert [(c.front, c.back) for c in cards] == [("[...]", "Wash"), ("[...] it", "Rinse it")]
