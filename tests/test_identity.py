"""Card identity, pure: matching old cards to new ones after the edits people make every day."""

from __future__ import annotations

from kb.cards.extractor import extract_cards
from kb.cards.identity import MatchableCard, card_fingerprint, fingerprint, match, new_id
from kb.cards.model import Card, CardKind
from kb.notes.reader import parse_note


def cards_of(text: str, path: str = "notes/t.md") -> list[Card]:
    return list(extract_cards(parse_note(path, text.encode())).cards)


def stored(cards: list[Card], prefix: str = "id") -> list[MatchableCard]:
    return [
        MatchableCard(f"{prefix}{i}", c.kind.value, c.front, c.back, i, card_fingerprint(c))
        for i, c in enumerate(cards)
    ]


def ids_after(old_text: str, new_text: str) -> tuple[dict[str, str], list[str], list[str]]:
    """(front of each new card -> old id or 'NEW'), unmatched old ids, fronts of new cards."""
    old = stored(cards_of(old_text))
    new = cards_of(new_text)
    m = match(old, new)
    return (
        {new[i].front: m.matched.get(i, "NEW") for i in range(len(new))},
        list(m.unmatched_old),
        [c.front for c in new],
    )


BASE = """\
What is habit stacking?::Attaching a new habit to a current one

What is the two-minute rule?::Start a habit with a version that takes under two minutes

What are the four laws?::Obvious, attractive, easy, satisfying
"""


def test_unchanged_note_keeps_every_id():
    got, orphans, _ = ids_after(BASE, BASE)
    assert list(got.values()) == ["id0", "id1", "id2"] and orphans == []


def test_typo_fix_in_front_keeps_id():
    got, orphans, _ = ids_after(BASE, BASE.replace("What is habit stacking?", "What is habbit stacking?"))
    assert got["What is habbit stacking?"] == "id0" and orphans == []


def test_rewording_the_front_slightly_keeps_id():
    new = BASE.replace("What is the two-minute rule?", "What does the two-minute rule say?")
    got, orphans, _ = ids_after(BASE, new)
    assert got["What does the two-minute rule say?"] == "id1" and orphans == []


def test_changing_the_answer_keeps_id():
    new = BASE.replace(
        "Obvious, attractive, easy, satisfying", "Make it obvious; make it attractive; make it easy"
    )
    got, orphans, _ = ids_after(BASE, new)
    assert got["What are the four laws?"] == "id2" and orphans == []


def test_moving_cards_within_the_note_keeps_ids():
    blocks = BASE.strip().split("\n\n")
    new = "\n\n".join([blocks[2], blocks[0], blocks[1]]) + "\n"
    got, orphans, _ = ids_after(BASE, new)
    assert got == {
        "What are the four laws?": "id2",
        "What is habit stacking?": "id0",
        "What is the two-minute rule?": "id1",
    }


def test_inserting_and_removing_other_cards_keeps_ids():
    new = "What is a cue?::The trigger of a habit\n\n" + BASE.replace(
        "What is the two-minute rule?::Start a habit with a version that takes under two minutes\n", ""
    )
    got, orphans, _ = ids_after(BASE, new)
    assert got == {
        "What is a cue?": "NEW",
        "What is habit stacking?": "id0",
        "What are the four laws?": "id2",
    }
    assert orphans == ["id1"]


def test_adding_and_removing_cloze_deletions_keeps_the_others():
    old = "You fall to the level of your ==systems==, not your goals; ==identity== comes first.\n"
    added = "You fall to the level of your ==systems==, not your ==goals==; ==identity== comes first.\n"
    got, orphans, fronts = ids_after(old, added)
    assert got["You fall to the level of your [...], not your goals; identity comes first."] == "id0"
    assert got["You fall to the level of your systems, not your goals; [...] comes first."] == "id1"
    assert got["You fall to the level of your systems, not your [...]; identity comes first."] == "NEW"
    got, orphans, _ = ids_after(added, old)
    old_ids = {k.front: k.id for k in stored(cards_of(added))}
    assert (
        got["You fall to the level of your [...], not your goals; identity comes first."]
        == old_ids["You fall to the level of your [...], not your goals; identity comes first."]
    )
    assert orphans == [
        old_ids["You fall to the level of your systems, not your [...]; identity comes first."]
    ]


def test_changing_a_cloze_answer_keeps_that_deletion():
    old = "The loop is ==cue==, craving, response and ==reward==.\n"
    new = "The loop is ==trigger==, craving, response and ==reward==.\n"
    got, orphans, _ = ids_after(old, new)
    assert got["The loop is [...], craving, response and reward."] == "id0"
    assert got["The loop is trigger, craving, response and [...]."] == "id1"
    assert orphans == []


def test_reversed_sides_stay_apart_when_one_side_is_edited():
    old = "Habit stacking:::Pairing a new habit with a current one\n"
    new = "Habit stacking:::Pairing a new habit with an existing one\n"
    got, orphans, _ = ids_after(old, new)
    assert got["Habit stacking"] == "id0"
    assert got["Pairing a new habit with an existing one"] == "id1"


def test_an_unrelated_new_card_is_not_matched_to_a_deleted_one():
    old = "What is habit stacking?::Attaching a new habit to a current one\n"
    new = "Who wrote Deep Work?::Cal Newport\n"
    got, orphans, _ = ids_after(old, new)
    assert got == {"Who wrote Deep Work?": "NEW"} and orphans == ["id0"]


def test_same_content_twice_prefers_the_nearest_position():
    a = Card(CardKind.BASIC, "Q", "A", 1, 1, ("T",))
    old = [
        MatchableCard("x", "basic", "Q", "A", 0, card_fingerprint(a)),
        MatchableCard("y", "basic", "Q", "A", 5, card_fingerprint(a)),
    ]
    m = match(old, [Card(CardKind.BASIC, "Other", "thing", 1, 1, ("T",))] * 5 + [a])
    assert m.matched == {5: "y"}


def test_fingerprint_ignores_whitespace_and_emphasis_but_not_words():
    assert fingerprint("basic", "What is **habit** stacking?", "x") == fingerprint(
        "basic", "what is  habit stacking?", "x"
    )
    assert fingerprint("basic", "What is habit stacking?", "x") != fingerprint(
        "basic", "What is habit stacking?", "y"
    )
    assert fingerprint("basic", "Q", "A") == fingerprint(
        "question", "Q", "A"
    )  # converting :: to Q:/A: keeps it
    assert fingerprint("basic", "Q", "A") != fingerprint("cloze", "Q", "A")


def test_new_ids_are_deterministic_and_disambiguated():
    card = Card(CardKind.BASIC, "Q", "A", 1, 1, ("T",))
    first = new_id("notes/a.md", card, lambda _id: False)
    assert first == new_id("notes/a.md", card, lambda _id: False)
    assert len(first) == 16 and int(first, 16) >= 0
    assert new_id("notes/b.md", card, lambda _id: False) != first
    second = new_id("notes/a.md", card, lambda cid: cid == first)
    assert second != first and len(second) == 16


def test_a_cloze_list_item_that_became_the_whole_list_keeps_its_id():
    # a deck imported from Anki before kb showed its cloze lists whole, as Anki does: each item's card is the card
    # of the whole list that hides the same words, so its history follows it
    items = "---\ntitle: T\n---\nSteps:\n- {{c1::Wash}}\n- {{c2::Rinse}} it\n- {{c3::Dry}}\n"
    whole = items.replace("title: T\n", "title: T\nanki_deck: Home\n")
    got, orphans, fronts = ids_after(items, whole)
    assert [got[f] for f in fronts] == ["id0", "id1", "id2"] and orphans == []
    assert fronts[1] == "Steps:\n- Wash\n- [...] it\n- Dry"


def test_a_nested_cloze_kept_as_basic_cards_before_keeps_its_ids_as_a_cloze():
    # what an older import wrote for a nested cloze note (a basic card per Anki card), and what it writes now
    before = "[...] end::outer inner text end\n\nouter [...] text end::outer inner text end\n"
    got, orphans, fronts = ids_after(before, "{{c1::outer {{c2::inner}} text}} end\n")
    assert [got[f] for f in fronts] == ["id0", "id1"] and orphans == []
