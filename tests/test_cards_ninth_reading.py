"""Issue 18, what the blind reading of set Y did not keep: a bare surname under a heading over people asked "what
is Worsley?"; a label that sums up ("small stuff: ...") or a bold subject with a hedged verb ("**State return**
usually needs ...") made into a term question; the writer's own notes, sums and guesses made into cards; a web
address, a unit alone, a count of the items the card lists, the givens of a worked example and a figure in an aside
hidden; "40 May" offered as a date and "$1,500" beside the key "$1,200+"."""

from __future__ import annotations

import pytest

from kb.cards.extractor import extract_cards
from kb.notes.reader import parse_note
from tests.test_cards_keypoint_rules import cards_of, one


def note_cards(title: str, body: str):
    text = f'---\ntitle: "{title}"\ntype: book\n---\n# {title}\n\n{body}\n'
    return extract_cards(parse_note("notes/t.md", text.encode())).cards


def test_a_bold_surname_under_a_heading_over_people_asks_who():
    cards = note_cards(
        "Into Thin Air",
        "## People worth remembering\n\n"
        "- **Fischer** — guide, charismatic, led the Mountain Madness team\n"
        "- **Boukreev** — Kazakh climber, went up without bottled oxygen\n",
    )
    assert [c.front for c in cards] == ["Into Thin Air: who is Fischer?", "Into Thin Air: who is Boukreev?"]


def test_a_bold_word_elsewhere_is_still_asked_what_it_is():
    cards = note_cards(
        "Flash attention", "## Core ideas\n\n- **Tiling** — split Q, K and V into blocks that fit SRAM\n"
    )
    assert [c.front for c in cards] == ["Flash attention: what is Tiling?"]


@pytest.mark.parametrize(
    "bullet",
    [
        "little things: tea at night, giving away his own gloves, never letting anyone sulk alone",
        "Loneliness everywhere: the captain, the scientist and the creature, each cut off in a different way",
    ],
)
def test_a_label_that_sums_up_is_no_term_to_ask(bullet):
    for card in cards_of(f"- {bullet}", "Endurance"):
        assert ": what is" not in card.front, card.front


def test_a_bold_subject_whose_verb_is_hedged_or_a_having_is_not_asked_what_it_does():
    for bullet in (
        "**The state form** usually needs amending as well, with a deadline of its own",
        "**Form 8949** needs one line per sale unless the broker reported basis",
    ):
        for card in cards_of(f"- {bullet}", "Amended returns"):
            assert " do?" not in card.front, card.front


@pytest.mark.parametrize(
    "bullet",
    [
        "My note: the figures are loose, but the tenfold gap between the two is what matters",
        "Note to self: the 1,000x difference in training data is the argument",
    ],
)
def test_the_writers_own_note_makes_no_card(bullet):
    assert cards_of(f"- {bullet}", "Lex Fridman with Yann LeCun") == ()


def test_sums_for_the_writers_own_people_make_no_cards():
    cards = note_cards(
        "Gambling winnings",
        "## Quick calc for my sister (single, standard deduction)\n\n"
        "- Slot win of $2,400 → W-2G, nothing withheld\n"
        "- At a 22% bracket → about $528 of extra tax\n",
    )
    assert not cards


def test_a_figure_the_writer_only_guesses_makes_no_card():
    assert cards_of("- Going from a lamp to a stored-program machine is maybe 20 small steps", "Code") == ()


def test_a_web_address_is_never_the_blank():
    for card in cards_of(
        "- The 2nd edition has a companion site (CodeHiddenLanguage.com) with live circuits", "Code"
    ):
        assert "CodeHiddenLanguage.com" not in (card.answer or ""), card.front


def test_a_size_is_hidden_with_its_unit():
    card = one("Per-file limit on the free plan is 2 GB; larger files are rejected at push", "Git LFS")
    assert card.answer == "2 GB"


def test_a_count_of_the_items_the_card_lists_before_it_is_not_hidden():
    never = [
        c.answer
        for c in cards_of(
            "- reads *Paradise Lost*, Plutarch's *Lives* and *Werther* → teaches himself from those 3",
            "Frankenstein",
        )
    ]
    assert "3" not in never


def test_a_bold_sentence_with_a_figure_hides_the_figure():
    card = one(
        "**Every one of the 28 survived.** (the Ross Sea party lost three men, another story)", "Endurance"
    )
    assert card.answer == "28"


def test_a_figure_in_an_aside_is_no_second_card():
    cards = cards_of("- The crew of 28 survived (the Ross Sea party lost 3 men)", "Endurance")
    assert [c.answer for c in cards] == ["28"]


@pytest.mark.parametrize(
    "bullet, given",
    [
        (
            "e.g. $500 bet won, $800 lost over the weekend, standard deduction → still $500 of taxable income",
            "$800",
        ),
        ("e.g. TY2021 return filed on time in Apr 2022 → the refund window closes around Apr 2025", "2022"),
        ("Example: MFJ with MAGI $430k → $30k over → 30 × $50 = $1,500 less → a $2,500 credit", "$430k"),
    ],
)
def test_a_worked_example_hides_what_it_comes_to_never_its_givens(bullet, given):
    for card in cards_of(f"- {bullet}", "Gambling and amended returns"):
        assert card.answer != given, card.front
        assert card.front.index("[...]") > card.front.rindex("→"), card.front


def test_a_comparison_ending_a_run_of_words_is_never_the_blank():
    for card in cards_of(
        "- fewer features per split → trees less alike, but each tree a bit worse", "Random forests"
    ):
        assert card.answer != "bit worse", card.front


def test_the_writers_use_of_a_resource_is_no_card():
    assert (
        cards_of(
            "- Companion site with live circuit diagrams → handy, used it for the adder chapters", "Code"
        )
        == ()
    )


def test_a_day_of_a_month_is_offered_days_of_that_month():
    from kb.quiz.distractors import NumberLadder

    for key in ("20 May", "30 Aug", "May 20"):
        ladder = NumberLadder.of(key)
        rungs = [r for k in (-3, -2, -1, 1, 2, 3) if (r := ladder.rung(k)) is not None]
        assert len(rungs) >= 3
        for rung in rungs:
            day = int("".join(ch for ch in rung if ch.isdigit()))
            assert 1 <= day <= 31, rung


def test_a_threshold_key_with_a_plus_is_offered_thresholds_only():
    from kb.quiz.distractors import same_form

    assert not same_form("$1,200+", "$1,500")
    assert same_form("$1,200+", "$5,000+")
    assert same_form("$1,200", "$1,500")


@pytest.mark.parametrize(
    "bullet",
    [
        "**Dorothea + Casaubon** — she marries him for his learning; the great work turns out to be hopeless",
        "**not comparable across vocabularies**: per-token loss depends on how the text is split",
        "Federal return doesn't care: nothing here changes the 1040, it is purely a fight between states",
        "narrower in other ways: accounts you only have signature authority over are left out",
        "Viruses can cause cancer: HPV and cervical cancer, hepatitis B and liver cancer",
        "**paternal / informative**: two of the three ways a doctor can talk to a patient",
    ],
)
def test_a_lead_joining_two_things_or_holding_a_negation_modal_or_comparison_is_no_term(bullet):
    for card in cards_of(f"- {bullet}", "Being Mortal"):
        assert ": what " not in card.front, card.front


def test_one_things_two_names_joined_by_a_slash_are_still_a_term():
    card = one("**chrF / chrF++**: an F-score over character n-grams, kinder to rich morphology", "BLEU")
    assert card.front == "BLEU: what is chrF / chrF++?"


def test_a_kind_named_by_an_adjective_is_asked_what_it_means():
    card = one("**paternalistic**: the doctor knows best and decides for you", "Being Mortal")
    assert card.front == 'Being Mortal: what does "paternalistic" mean?'


@pytest.mark.parametrize(
    "bullet",
    [
        "The regulator eventually stopped taking these offsets (2013).",
        "Swin Transformer (2021): attention inside shifted local windows, so cost grows linearly with image size",
    ],
)
def test_a_year_alone_in_brackets_beside_what_it_dates_is_not_hidden(bullet):
    for card in cards_of(f"- {bullet}", "Vision backbones"):
        assert card.answer != "2013" and card.answer != "2021", card.front


@pytest.mark.parametrize(
    "bullet, trivial",
    [
        (
            "Temperature scaling: divide the logits by one scalar $T > 0$ fitted on the validation set",
            "$T > 0$",
        ),
        (
            "ECE: cut $[0,1]$ into $M$ equal bins and average the gap between accuracy and confidence",
            "$[0,1]$",
        ),
        (
            "Perfect calibration: $P(Y = \\hat Y \\mid \\hat P = p) = p$ for every $p \\in [0,1]$",
            "$p \\in [0,1]$",
        ),
    ],
)
def test_a_symbols_range_of_zero_and_one_is_never_the_blank(bullet, trivial):
    for card in cards_of(f"- {bullet}", "Calibration"):
        assert card.answer != trivial, card.front


def test_items_of_a_list_whose_cards_would_read_alike_make_none():
    cards = cards_of(
        "- Four things today's chatbots lack, in his view:\n"
        "  - a grasp of the **physical world**\n"
        "  - the capacity to **reason**\n"
        "  - the capacity to **plan**\n"
        "  - lasting **memory**",
        "Interview with a researcher",
    )
    assert "the capacity to [...]" not in [c.front for c in cards]


def test_the_name_a_note_keeps_coming_back_to_is_not_hidden():
    bullets = "\n".join(
        f"- {b}"
        for b in (
            "Eighty-four days without a fish, and the village calls Manolo's old friend salao",
            "Out past the Gulf Stream, Anselmo hooks a marlin longer than the skiff",
            "Sharks take the marlin piece by piece; Anselmo fights them with a knife lashed to an oar",
            "Back on shore Anselmo sleeps and dreams of lions on an African beach",
            "Written in Cuba in 1951 and printed whole in Life magazine in September 1952",
            "Won the Pulitzer Prize for Fiction in 1953",
            "The Nobel Prize in Literature followed in 1954",
            "Joe DiMaggio stands for grace under pain; his bone spur comes up again and again",
            "The marlin is 18 feet long, the biggest fish of the village's memory",
            "Tourists at the end mistake the skeleton for a shark's",
            "Often read as a parable of the artist facing critics after a poorly received novel",
            "Santiago's hands cramp; he talks to the left one as to a traitor",
            "Short: about 27,000 words, a novella",
            "Spencer Tracy played the old man in the 1958 film",
            "The lions on the beach recur at the start and at the end",
        )
    )
    for card in cards_of(bullets, "The Old Man and the Sea"):
        assert card.answer != "Anselmo", card.front


@pytest.mark.parametrize(
    "bullet, never",
    [
        ("Charlie's surgery is done by Dr. Strauss and planned by Prof. Nemur", "Dr."),
        ("Came after *Across the River and Into the Trees* (1950) was panned → a comeback", "River and Into"),
        ("Harsh on vegetarians (aged badly IMO) but the kitchen chapters hold up", "IMO"),
    ],
)
def test_a_title_a_writers_aside_or_part_of_an_italic_title_is_never_the_blank(bullet, never):
    for card in cards_of(f"- {bullet}", "Notes on books"):
        assert card.answer != never, card.front


@pytest.mark.parametrize(
    "bullet",
    [
        "5/5 as a story, 3/5 as an even-handed account → read the other climber's book as well",
        "Film 1993, Anthony Hopkins as the butler; haven't seen it yet",
        "Both of us ran the withholding estimator with our March paystubs",
    ],
)
def test_the_writers_ratings_and_doings_make_no_card(bullet):
    assert cards_of(f"- {bullet}", "Notes on books") == ()


def test_a_name_with_an_inner_capital_under_people_is_asked_who():
    cards = note_cards(
        "Moneyball", "## People\n\n- **Paul DePodesta** — Harvard economics graduate, Beane's numbers man\n"
    )
    assert [c.front for c in cards] == ["Moneyball: who is Paul DePodesta?"]


def test_a_firm_named_by_a_plural_is_not_asked_who_it_is():
    cards = note_cards(
        "Into Thin Air",
        "## People\n\n- **Summit Consultants** — the other big commercial team that spring, run from Kathmandu\n",
    )
    assert all("who is" not in c.front for c in cards), [c.front for c in cards]


def test_a_worry_of_the_writers_makes_no_card():
    assert (
        cards_of("- Worry: our QA team tests release branches for ~3 days", "Trunk-based development") == ()
    )


def test_a_bold_acronym_lead_is_still_asked_what_it_is():
    card = one("**COMET**: a learned metric trained on human judgements of translations", "BLEU")
    assert card.front == "BLEU: what is COMET?"


BOUND_NOTE = """---
title: Killers of the Flower Moon
type: book
---
# Killers of the Flower Moon

## Key points

- In 1923 alone the Osage took in more than $30M in oil royalties
- The 1920s oil leases brought in > $40M at the peak auctions
- Each headright paid out about $12,000 a year by the early 1920s
- The Bureau sent Tom White in 1925 with a team of four undercover agents
- After 1994 Staub ran reconciliation workshops in Rwanda with radio drama
- Mollie Burkhart lost her mother and three sisters to the killings
- Guardianship laws let white guardians control Osage money for decades
"""


def test_a_number_after_a_bound_is_offered_no_other_number(make_kb):
    from tests.test_cards_eighth_reading import quiz_questions

    for q in quiz_questions(make_kb, "books/osage.md", BOUND_NOTE, n=12):
        prompt = q.prompt
        if any(bound + " _____" in prompt for bound in ("more than", "After", "in >")):
            assert q.kind.value != "mcq", (prompt, q.options)
            if q.kind.value == "tf":
                assert q.answer is True, prompt  # no false statement made by moving a bound


def test_a_blank_never_takes_the_word_right_after_it():
    for card in cards_of(
        "- Grann uses the title as a metaphor right from the opening page", "Killers of the Flower Moon"
    ):
        assert not (card.answer or "").endswith("right"), card.front


def test_a_label_over_what_someone_said_of_it_is_no_term():
    for card in cards_of(
        "- **Tesla**: says running a car company is the hardest job he has", "Joe Rogan with Elon Musk"
    ):
        assert ": what is" not in card.front, card.front


def test_a_law_that_says_something_is_still_a_term():
    card = one(
        "**Goodhart's law**: says a measure that becomes a target stops being a good measure", "Metrics"
    )
    assert card.front == "Metrics: what is Goodhart's law?"


def test_labels_under_a_heading_of_uses_are_fields_not_terms():
    cards = note_cards(
        "Hidden Markov Models",
        "## Where they were used\n\n"
        "- Bioinformatics: gene finding, CpG islands, profile models of protein families\n"
        "- Speech recognition: GMM-HMM systems ruled for decades before neural acoustic models\n",
    )
    assert all(": what is" not in c.front for c in cards), [c.front for c in cards]


def test_an_acronym_ending_in_s_is_one_thing():
    card = one("**Adaptive NMS**: the suppression threshold follows the predicted crowd density", "Detection")
    assert card.front == "Detection: what is adaptive NMS?"


@pytest.mark.parametrize(
    "bullet, never",
    [
        ("Hobby income (IRC §183, activities not engaged in for profit) is still taxable", "IRC"),
        ("Hobby income goes on Schedule 1, line 8j, as other income", "Schedule"),
        ("His desert names: Usul (the base of the pillar) and Muad'Dib (the little mouse)", "Dib"),
        ("The C.V. is short, episodic snapshots rather than a full autobiography", "C.V"),
    ],
)
def test_half_of_a_name_a_word_or_an_abbreviation_is_never_the_blank(bullet, never):
    for card in cards_of(f"- {bullet}", "Notes"):
        assert card.answer != never, card.front


def test_the_writers_own_project_makes_no_card():
    assert (
        cards_of(
            "- our bug was exactly this: adjacent products with IoU around 0.55", "Non-maximum suppression"
        )
        == ()
    )


@pytest.mark.parametrize(
    "bullet, never",
    [
        ("Room 101 → rats → W. begs them to do it to Julia instead; that is the real break", "W."),
        (
            "Policy gradient: $J$ depends on $\\theta$ through the sampling distribution, so no backprop through the env",
            "$\\theta$",
        ),
        (
            "Split conformal: $\\hat{q}$ is the calibration scores' quantile at level $1-\\alpha$, corrected for $n$",
            "$\\hat{q}$",
        ),
    ],
)
def test_an_initial_or_a_symbols_name_is_never_the_blank(bullet, never):
    for card in cards_of(f"- {bullet}", "Notes"):
        assert (card.answer or "").rstrip(".") != never.rstrip("."), card.front


@pytest.mark.parametrize(
    "bullet",
    [
        "Tom & Daisy Buchanan: old money, careless people who smash things and retreat into their money",
        "flip side: quit with money unspent in the account → usually forfeited",
        "takeaway either way: lifting the bottom half matters more than headline growth",
    ],
)
def test_two_people_joined_or_a_gist_label_is_no_term(bullet):
    for card in cards_of(f"- {bullet}", "Notes"):
        assert ": what is" not in card.front and ": what are" not in card.front, card.front
