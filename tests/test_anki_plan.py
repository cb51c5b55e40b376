"""Planning an import (kb.anki.plan, kb.anki.notetypes): Anki notes in, kb notes and card spots out, no I/O."""

from __future__ import annotations

import itertools
import re

import pytest

from kb.anki.exporter import BASIC_MODEL_ID
from kb.anki.media import MediaCopy
from kb.anki.notetypes import ClozeMapping, Sides, SidesMapping, map_notetype, template_fields
from kb.anki.package import AnkiCard, AnkiNote, AnkiPackage, NoteType, Template
from kb.anki.plan import deck_path, plan_import, slug

ANSWER = '{{FrontSide}}<hr id="answer">'
BASIC = NoteType(
    1, "Basic", "normal", ("Front", "Back"), (Template("Card 1", "{{Front}}", ANSWER + "{{Back}}"),)
)
REVERSED = NoteType(
    2,
    "Basic (and reversed card)",
    "normal",
    ("Front", "Back"),
    (
        Template("Card 1", "{{Front}}", ANSWER + "{{Back}}"),
        Template("Card 2", "{{Back}}", ANSWER + "{{Front}}"),
    ),
)
OPTIONAL_REVERSED = NoteType(
    3,
    "Basic (optional reversed card)",
    "normal",
    ("Front", "Back", "Add Reverse"),
    (
        Template("Card 1", "{{Front}}", ANSWER + "{{Back}}"),
        Template("Card 2", "{{#Add Reverse}}{{Back}}{{/Add Reverse}}", ANSWER + "{{Front}}"),
    ),
)
CLOZE = NoteType(
    4,
    "Cloze",
    "cloze",
    ("Text", "Back Extra"),
    (Template("Cloze", "{{cloze:Text}}", "{{cloze:Text}}<br>{{Back Extra}}"),),
)
UNMAPPABLE = NoteType(5, "Only front", "normal", ("A", "B"), (Template("c", "{{A}}{{B}}", "{{FrontSide}}"),))


class Collection:
    """Builds an ``AnkiPackage`` by hand: decks, notes with their cards, media names."""

    def __init__(self) -> None:
        self.ids = itertools.count(1000)
        self.decks: dict[int, str] = {}
        self.notes: list[AnkiNote] = []
        self.cards: list[AnkiCard] = []
        self.notetypes = {nt.id: nt for nt in (BASIC, REVERSED, OPTIONAL_REVERSED, CLOZE, UNMAPPABLE)}

    def deck(self, name: str) -> int:
        for did, known in self.decks.items():
            if known == name:
                return did
        did = next(self.ids)
        self.decks[did] = name
        return did

    def add(self, notetype: NoteType | int, deck: str, *fields: str, tags=(), ords=(0,)) -> list[int]:
        """A note with one card per template index in ``ords`` (cloze: deletion number - 1); the card ids."""
        nid = next(self.ids)
        ntid = notetype if isinstance(notetype, int) else notetype.id
        self.notes.append(AnkiNote(nid, f"guid{nid}", ntid, tuple(fields), tuple(tags)))
        ids = [next(self.ids) for _ in ords]
        self.cards.extend(AnkiCard(cid, nid, self.deck(deck), o) for cid, o in zip(ids, ords, strict=True))
        return ids

    def package(self, media=()) -> AnkiPackage:
        return AnkiPackage(
            path="x.apkg",
            schema=18,
            sched_ver=2,
            notetypes=self.notetypes,
            decks=self.decks,
            notes=tuple(self.notes),
            cards=tuple(self.cards),
            revlog=(),
            media={name: str(i) for i, name in enumerate(media)},
            media_compressed=False,
        )

    def plan(self, media=()):
        return plan_import(self.package(media), "notes/imported")


def only_note(plan):
    [note] = plan.notes
    return note


def body(note) -> str:
    """The note's text after its front matter and title."""
    return note.text.split("---\n", 2)[2].split("\n", 2)[2]


# --- notes and their paths -------------------------------------------------------------------------------------


def test_one_note_per_deck_with_front_matter_title_and_cards():
    col = Collection()
    col.add(BASIC, "Books::Atomic Habits", "Q<br>two", "A", tags=("b", "a"))
    col.add(BASIC, "Books::Atomic Habits", "Q2", "A2", tags=("a",))
    note = only_note(col.plan())
    assert note.path == "notes/imported/books/atomic-habits.md"
    assert note.deck == "Books::Atomic Habits"
    # the deck note holds the tag every card has; the first card's own tag is on a deck-tag line above it, and
    # the second card, without it, starts a line of its own
    # anki_import: the digest a later import of the deck checks for local edits (kb.anki.updates)
    assert re.sub(r"anki_import: [0-9a-f]{20}\n", "", note.text) == (
        "---\ntitle: Atomic Habits\ntags:\n- a\nsource: Anki\nanki_deck: Books::Atomic Habits\n---\n"
        "# Atomic Habits\n\n#flashcards #b\n\nQ\ntwo\n?\nA\n\n#flashcards\n\nQ2::A2\n"
    )


def test_notes_come_in_deck_name_order_and_follow_nesting():
    col = Collection()
    col.add(BASIC, "Spanish", "perro", "dog")
    col.add(BASIC, "Lang::Español Básico::Verbs", "ser", "to be")
    col.add(BASIC, "Books", "b", "c")
    assert [n.path for n in col.plan().notes] == [
        "notes/imported/books.md",
        "notes/imported/lang/espanol-basico/verbs.md",
        "notes/imported/spanish.md",
    ]


def test_decks_whose_names_slug_alike_are_kept_apart():
    col = Collection()
    col.add(BASIC, "Tax Law", "one", "x")
    col.add(BASIC, "Tax-Law", "two", "x")
    col.add(BASIC, "tax law", "three", "x")
    plan = col.plan()
    assert [n.path for n in plan.notes] == [
        "notes/imported/tax-law.md",
        "notes/imported/tax-law-2.md",
        "notes/imported/tax-law-3.md",
    ]
    assert ["one::x" in n.text for n in plan.notes] == [True, False, False]


def test_a_card_in_an_unknown_deck_lands_in_default():
    col = Collection()
    col.add(BASIC, "Somewhere", "q", "a")
    col.decks.clear()
    note = only_note(col.plan())
    assert note.path == "notes/imported/default.md"
    assert note.deck == "Default" and "# Default\n" in note.text


def test_a_note_belongs_to_the_deck_of_its_first_card():
    col = Collection()
    [first, second] = col.add(REVERSED, "Forward", "cue", "trigger", ords=(0, 1))
    col.cards[-1] = AnkiCard(second, col.cards[-1].note_id, col.deck("Backward"), 1)
    assert [n.deck for n in col.plan().notes] == ["Forward"]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Atomic Habits", "atomic-habits"),
        ("Español Básico", "espanol-basico"),
        ("C++ & C#", "c-c"),
        ("日本", "deck"),
    ],
)
def test_slug(name, expected):
    assert slug(name) == expected


def test_deck_path_skips_empty_levels():
    assert deck_path("notes/in", "A:: ::B") == "notes/in/a/b.md"
    assert deck_path("notes/in", "::") == "notes/in/default.md"


def test_front_matter_has_no_tags_key_without_tags():
    col = Collection()
    col.add(BASIC, "D", "q", "a")
    assert only_note(col.plan()).text.startswith("---\ntitle: D\nsource: Anki\nanki_deck: D\nanki_import: ")


def test_tags_come_only_from_notes_that_were_planned():
    col = Collection()
    col.add(BASIC, "D", "q", "a", tags=("kept",))
    col.add(BASIC, "D", "", "no question", tags=("dropped",))
    text = only_note(col.plan()).text
    assert "- kept" in text and "dropped" not in text


# --- card blocks -----------------------------------------------------------------------------------------------


def test_reversed_pair_is_one_block_with_two_spots():
    col = Collection()
    forward, backward = col.add(REVERSED, "D", "Cue", "The trigger", ords=(0, 1))
    note = only_note(col.plan())
    assert body(note) == "Cue:::The trigger\n"
    assert [(s.anki_card_id, s.kind, s.which) for s in note.spots] == [
        (forward, "reversed", 0),
        (backward, "reversed", 1),
    ]
    assert note.cards == {"reversed": 2}


def test_optional_reverse_without_its_second_card_is_basic():
    col = Collection()
    col.add(OPTIONAL_REVERSED, "D", "gato", "cat", "y", ords=(0, 1))
    [only] = col.add(OPTIONAL_REVERSED, "D", "perro", "dog", "", ords=(0,))
    note = only_note(col.plan())
    assert body(note) == "gato:::cat\n\nperro::dog\n"
    assert (only, "basic", 0) in [(s.anki_card_id, s.kind, s.which) for s in note.spots]
    assert note.cards == {"reversed": 2, "basic": 1}


def test_sides_with_several_lines_or_a_double_colon_use_the_question_mark_form():
    col = Collection()
    col.add(BASIC, "D", "two<br>lines", "answer")
    col.add(BASIC, "D", "a::b", "c")
    col.add(REVERSED, "D", "front", "back<div>more</div>", ords=(0, 1))
    assert body(only_note(col.plan())) == "two\nlines\n?\nanswer\n\na::b\n?\nc\n\nfront\n??\nback\nmore\n"


def test_blank_lines_inside_a_side_are_closed_up():
    col = Collection()
    col.add(BASIC, "D", "q", "one<br><br><br>two")
    assert body(only_note(col.plan())) == "q\n?\none\ntwo\n"


def test_code_in_a_basic_answer_becomes_a_question_block():
    col = Collection()
    col.add(BASIC, "D", "How<br>to print?", "Call:<pre>print(1)\n\nx = 2</pre>")
    assert body(only_note(col.plan())) == (
        '??? question "How to print?"\n    Call:\n    ```\n    print(1)\n\n    x = 2\n    ```\n'
    )


def test_code_where_a_fence_cannot_go_becomes_inline_code_lines():
    col = Collection()
    col.add(REVERSED, "D", "Print", "<pre>print(`hi`)\nx = 1</pre>", ords=(0, 1))
    assert body(only_note(col.plan())) == "Print\n??\n`` print(`hi`) ``\n`x = 1`\n"


def test_cloze_block_keeps_anki_markup_and_puts_the_extra_below():
    col = Collection()
    ids = col.add(
        CLOZE, "D", "The {{c1::cue}} and {{c3::reward::hint}}", "From <i>chapter 3</i>", ords=(0, 2)
    )
    note = only_note(col.plan())
    assert body(note) == "The {{c1::cue}} and {{c3::reward::hint}}\n\nFrom *chapter 3*\n"
    assert [(s.anki_card_id, s.kind, s.which) for s in note.spots] == [
        (ids[0], "cloze", 1),
        (ids[1], "cloze", 3),
    ]
    assert note.cards == {"cloze": 2}
    assert len({s.line for s in note.spots}) == 1  # both cards start on the paragraph's first line


def test_cloze_without_an_extra_is_just_the_paragraph():
    col = Collection()
    col.add(CLOZE, "D", "{{c1::Paris}} is in France", "")
    assert body(only_note(col.plan())) == "{{c1::Paris}} is in France\n"


def test_spots_point_at_the_first_line_of_each_block():
    col = Collection()
    col.add(BASIC, "D", "one", "two<br>three")
    col.add(CLOZE, "D", "{{c1::x}} y", "extra")
    col.add(REVERSED, "D", "f", "b", ords=(0, 1))
    col.add(BASIC, "D", "last", "card")
    note = only_note(col.plan())
    lines = note.text.split("\n")
    assert [lines[s.line - 1] for s in note.spots] == ["one", "{{c1::x}} y", "f:::b", "f:::b", "last::card"]


# --- what is left out -----------------------------------------------------------------------------------------


def test_left_out_notes_are_counted_per_reason_in_reason_order():
    col = Collection()
    col.add(BASIC, "D", "", "no question")
    col.add(BASIC, "D", "no answer", "")
    col.add(CLOZE, "D", "no deletion here", "")
    col.add(UNMAPPABLE, "D", "a", "b")
    col.add(99, "D", "a", "b")
    col.add(99, "D", "c", "d")
    plan = col.plan()
    # Every card Anki has is kept when its question shows something; what kb could not say is reported.
    assert body(only_note(plan)) == "no answer::no answer\n\nab::ab\n"
    assert plan.skipped == (
        "cloze notes without any {{cN::...}} deletion: skipped 1 note(s)",
        "note type 99 is missing from the package: skipped 2 note(s)",
        "notes whose cards all show an empty question or answer: skipped 1 note(s)",
        "note type 'Basic', template 'Card 1': a card whose question is empty has no kb form; it was left out "
        "(1 card(s))",
        "note type 'Basic', template 'Card 1': a card with an empty answer; kb needs one, so its question is its "
        "answer too (1 card(s))",
        "note type 'Only front', template 'c': a card with an empty answer; kb needs one, so its question is its "
        "answer too (1 card(s))",
    )


def test_a_note_without_cards_is_left_out_silently():
    col = Collection()
    col.add(BASIC, "D", "orphan", "note", ords=())
    col.add(BASIC, "D", "q", "a")
    plan = col.plan()
    assert body(only_note(plan)) == "q::a\n" and plan.skipped == ()


def test_every_template_of_a_note_type_makes_its_card():
    odd = NoteType(
        6,
        "Half mappable",
        "normal",
        ("Front", "Back"),
        (
            Template("ok", "{{Front}}", ANSWER + "{{Back}}"),
            Template("odd", "{{Front}}{{Back}}", "{{FrontSide}}"),
        ),
    )
    col = Collection()
    col.notetypes[odd.id] = odd
    col.add(odd, "D", "only the odd card", "x", ords=(1,))
    col.add(odd, "D", "q", "a", ords=(0, 1))
    plan = col.plan()
    # Each Anki card becomes a kb card with its own template's question: none is lost to the first template.
    assert body(only_note(plan)) == "only the odd cardx::only the odd cardx\n\nq::a\n\nqa::qa\n"
    assert len(only_note(plan).spots) == 3
    assert plan.skipped == (
        "note type 'Half mappable', template 'odd': a card with an empty answer; kb needs one, so its question is "
        "its answer too (2 card(s))",
    )


# --- media -----------------------------------------------------------------------------------------------------


def test_media_are_the_safe_names_the_package_carries_sorted():
    col = Collection()
    col.add(BASIC, "D", '<img src="z.png"> [sound:a.mp3]', '<img src="missing.png"><img src="../up.png">')
    note = only_note(col.plan(media=("z.png", "a.mp3", "../up.png", "unused.png")))
    assert note.media == (MediaCopy("a.mp3", "a.mp3"), MediaCopy("z.png", "z.png"))


def test_media_of_a_left_out_note_are_not_copied():
    col = Collection()
    col.add(BASIC, "D", "q", "a")
    col.add(BASIC, "D", "", '<img src="pic.png">')
    assert only_note(col.plan(media=("pic.png",))).media == ()


# --- note types ------------------------------------------------------------------------------------------------


def test_template_fields_skip_conditionals_comments_and_special_fields():
    fields = ("Front", "Back", "Hint")
    refs = template_fields(
        "{{#Hint}}{{hint:Hint}}{{/Hint}}{{!note}}{{Tags}}{{FrontSide}}{{ Front }}{{Front}}", fields
    )
    assert refs.shown == ["Hint", "Front"] and refs.typed == []
    assert template_fields("{{type:Back}}{{Unknown}}", fields).typed == ["Back"]


def test_map_notetype_for_the_stock_types():
    assert map_notetype(BASIC) == SidesMapping((Sides((0,), (1,)),))
    assert map_notetype(REVERSED) == SidesMapping((Sides((0,), (1,)), Sides((1,), (0,))))
    assert map_notetype(CLOZE) == ClozeMapping(text=0, extra=(1,))


def test_cloze_extra_never_repeats_the_text_field():
    nt = NoteType(
        7,
        "C",
        "cloze",
        ("Text", "More"),
        (Template("c", "{{cloze:Text}}", "{{cloze:Text}}{{Text}}{{More}}"),),
    )
    assert map_notetype(nt) == ClozeMapping(text=0, extra=(1,))


def test_map_notetype_reasons():
    assert "has no card templates" in map_notetype(NoteType(8, "Empty", "normal", ("A",), ()))
    occlusion = NoteType(
        9, "Image Occlusion", "cloze", ("Occlusion",), (Template("c", "{{cloze:Occlusion}}", ""),)
    )
    assert "image occlusion" in map_notetype(occlusion)
    no_cloze_ref = NoteType(10, "C", "cloze", ("Text",), (Template("c", "{{Text}}", "{{Text}}"),))
    assert "without a {{cloze:Field}}" in map_notetype(no_cloze_ref)


def test_kb_exported_note_types_leave_their_source_field_out():
    fields = ("Front", "Back", "Source")
    kb_basic = NoteType(
        BASIC_MODEL_ID,
        "kb Basic",
        "normal",
        fields,
        (Template("c", "{{Front}}", ANSWER + "{{Back}}{{Source}}"),),
    )
    other = NoteType(11, "Mine", "normal", fields, kb_basic.templates)
    assert map_notetype(kb_basic) == SidesMapping((Sides((0,), (1,)),))
    assert map_notetype(other) == SidesMapping((Sides((0,), (1, 2)),))
