"""Issue 18, what the sixth session's re-reading of the blind verdicts asked to fix: a term question that reads
wrong ("what is Affordances?"), a topic heading a claim asked as if it were a term ("what is recurring tension?",
"what is Fallout?"), an adjective phrase asked "what is" ("what is bad but better?"), and who did the work hidden
through a possessive in brackets ("([...]'s brain scans)")."""

from __future__ import annotations

import pytest

from tests.test_cards_fifth_reading import _note
from tests.test_cards_keypoint_rules import cards_of, never_hidden, one
from tests.test_cards_side_details import asked_what_it_is


@pytest.mark.parametrize(
    "bullet, front",
    [
        (
            "**Affordances**: the relationship between an object and a person that determines how it can be used.",
            "The Design of Everyday Things: what are affordances?",
        ),
        (
            "**Signifiers**: the perceivable cues that tell you where and how to act.",
            "The Design of Everyday Things: what are signifiers?",
        ),
        (
            "**Zappos**: the shoe retailer whose culture book every new hire reads.",
            "The Design of Everyday Things: what is Zappos?",
        ),
    ],
)
def test_a_capitalised_plural_of_an_ordinary_noun_is_asked_in_the_plural(bullet, front):
    assert one(bullet, "The Design of Everyday Things").front == front


@pytest.mark.parametrize(
    "bullet, title",
    [
        (
            "Recurring tension: sales roughly doubled most years, and every doubling needed more working capital.",
            "Shoe Dog",
        ),
        (
            "Fallout: PwC said Cullinan and Ruiz would not work the ceremony again, and the Academy added rules.",
            "Cautionary Tales — the Oscars envelope mix-up",
        ),
        (
            "Caching: Bélády's optimal eviction needs the future; **LRU** is the practical approximation.",
            "Algorithms",
        ),
        (
            "Stale status: the ahead/behind in `git status` is relative to the last fetch.",
            "git fetch and pull",
        ),
        (
            "**Noisy validation**: small validation sets bounce around, so raise the patience.",
            "Early stopping",
        ),
    ],
)
def test_a_topic_heading_a_claim_is_not_asked_what_it_is(bullet, title):
    assert asked_what_it_is(cards_of(f"- {bullet}", title)) == []


@pytest.mark.parametrize(
    "bullet, title, front",
    [
        (
            "Detached HEAD: HEAD holds a commit ID directly instead of pointing to a branch.",
            "Git References",
            "Git References: what is detached HEAD?",
        ),
        (
            "**Plateau of latent potential**: results lag effort. Progress feels flat and then shows up at once.",
            "Atomic Habits",
            "Atomic Habits: what is the plateau of latent potential?",
        ),
    ],
)
def test_a_term_defined_by_a_claim_is_still_asked_what_it_is(bullet, title, front):
    assert one(bullet, title).front == front


def test_an_adjective_phrase_is_asked_what_it_means():
    card = one(
        "**Bad but better**: something can be terrible and improving at the same time, like a premature baby.",
        "Factfulness",
    )
    assert card.front == 'Factfulness: what does "bad but better" mean?'


def test_who_did_the_work_through_a_possessive_in_brackets_is_not_hidden():
    never_hidden(
        "Peak",
        (
            'London cabbies studying "the Knowledge" showed growth in the posterior hippocampus (Maguire\'s brain'
            " scans).",
        ),
        "Maguire",
    )


@pytest.mark.parametrize(
    "bullet, front",
    [
        (
            "**Morris Chang**: born 1931 in China, MIT and Stanford, 25 years at Texas Instruments before Taiwan.",
            "Acquired — TSMC: who is Morris Chang?",
        ),
        (
            "**Asia McClain**: classmate who wrote letters saying she saw Adnan in the library that afternoon.",
            "Acquired — TSMC: who is Asia McClain?",
        ),
    ],
)
def test_a_bold_name_is_asked_who_it_is(bullet, front):
    assert one(bullet, "Acquired — TSMC").front == front


@pytest.mark.parametrize(
    "bullet",
    [
        "Used it last month on a flaky date-parsing regression: 340 commits, 9 steps, 12 minutes with `bisect run`.",
        "Re-listened on a road trip; holds up better than expected.",
        "Want to read Chip War (Chris Miller) next for the broader picture.",
        "Would pair it with The Mythical Man-Month and Dealers of Lightning.",
        "Personal note: trained one on MNIST with a 2-D latent, and the latent grid was the best picture of it.",
    ],
)
def test_the_writers_own_doings_with_the_i_left_out_make_no_card(bullet):
    assert not cards_of(f"- {bullet}", "Notes on things")


def test_a_worked_example_led_by_ex_makes_no_card():
    bullet = (
        "Ex: buy 100 sh @ $50, sell @ $40 (−$1,000 loss), rebuy @ $42 within 30 days → loss disallowed, new basis"
        " = $52."
    )
    assert not cards_of(f"- {bullet}", "Wash sale rule")


def test_a_bullet_used_by_someone_still_makes_a_card():
    assert (
        cards_of(
            "- Used by GPT-NeoX and LLaMA: rotary embeddings rotate query and key pairs by 10,000-based"
            " angles.",
            "Positional encodings",
        )
        != []
    )


@pytest.mark.parametrize(
    "bullet",
    [
        "Tried to buy Arm for $40B (announced 2020) and dropped it in Feb 2022 after regulatory pushback.",
        "Used to be a brutal 50% excise tax on the shortfall.",
    ],
)
def test_what_the_subject_did_with_its_name_left_out_still_makes_a_card(bullet):
    assert cards_of(f"- {bullet}", "Notes on things")


def test_a_bold_named_thing_is_not_taken_for_a_person():
    card = one(
        "**Backdoor Roth**: contribute to a traditional IRA without a deduction, then convert it.", "IRAs"
    )
    assert card.front.startswith("IRAs: what is ") and card.front.endswith("Roth?")


def test_a_whole_bracket_crediting_one_name_is_not_hidden():
    never_hidden(
        "Peak",
        ('Cabbies learning "the Knowledge" grew the back of the hippocampus (Maguire\'s brain scans).',),
        "Maguire's brain scans",
    )


def test_the_opposite_on_the_card_gives_good_or_bad_away():
    never_hidden(
        "git bisect",
        (
            "Needs one known **bad** commit and one known **good** commit. Git checks out the midpoint, you test.",
        ),
        "bad",
        "good",
    )


def test_the_number_of_a_cited_ruling_is_not_hidden():
    never_hidden(
        "Wash sale rule",
        (
            "Rebuying in an IRA: the loss is permanently disallowed, with no basis adjustment (Rev. Rul. 2008-5).",
        ),
        "2008-5",
    )


def test_a_place_whose_cities_follow_in_brackets_is_not_hidden():
    never_hidden(
        "Acquired — TSMC",
        (
            "Fabs going up in Arizona (Phoenix), Japan (Kumamoto), Germany (Dresden): expensive and partly political.",
            "Most leading-edge capacity is still in Taiwan (Hsinchu, Tainan).",
        ),
        "Arizona",
        "Taiwan",
    )


def test_the_spelled_out_name_of_the_notes_abbreviated_topic_is_not_hidden():
    never_hidden(
        "Acquired — TSMC",
        ("Subject: Taiwan Semiconductor Manufacturing Company, the world's dominant contract chip maker.",),
        "Taiwan Semiconductor Manufacturing Company",
    )


def test_a_blank_never_runs_into_depending_on():
    for card in cards_of(
        "- Job vs career vs calling (Amy Wrzesniewski). The same job can be any of the three depending on how you"
        " see it.",
        "Grit",
    ):
        assert "depending" not in card.answer and card.answer != "Amy Wrzesniewski", card.front


def test_a_step_of_a_sequence_shown_around_it_is_not_hidden():
    never_hidden(
        "Acquired — TSMC",
        ("Apple: A8 (2014) on TSMC 20nm; A9 was split with Samsung; from A10 on, TSMC exclusive.",),
        "A9",
    )


def test_a_part_of_a_hyphenated_name_shown_elsewhere_gives_it_away():
    never_hidden(
        "Variational Autoencoders (VAE)",
        (
            "Stable Diffusion (2022) uses a VAE-style autoencoder to compress images. So VAEs are still everywhere.",
        ),
        "VAE-style",
    )


def test_a_blank_never_ends_on_close_to():
    for card in cards_of(
        "- Term 1 = reconstruction. Term 2 = keeps posterior close to the prior (regularizer).",
        "Variational Autoencoders (VAE)",
    ):
        assert not card.answer.endswith("close"), card.front


def test_bullets_under_my_thoughts_make_no_cards():
    cards = _note(
        "The Soul of a New Machine",
        "## The team\n\n- The Hardy Boys built the hardware; the Microkids wrote the microcode.\n\n"
        "## Aftermath / my thoughts\n\n- Strange how little has changed about crunch culture since 1981.",
    )
    assert cards and not any("crunch" in c.front for c in cards)


def test_a_coined_word_defined_by_a_claim_is_still_asked_what_it_is():
    card = one(
        "**Mediocristan**: no single observation moves the total much. Height, weight, calories.",
        "The Black Swan",
    )
    assert card.front == "The Black Swan: what is Mediocristan?"


def test_the_kind_of_a_cited_ruling_is_not_hidden_either():
    never_hidden(
        "SALT deduction cap", ("IRS Notice 2020-75 approved this approach.",), "IRS Notice", "2020-75"
    )


def test_a_guests_surname_leading_a_bullet_is_not_asked_what_it_is():
    cards = cards_of(
        "- Dennett: holding people responsible is a social practice that works, and it makes people responsive to"
        " reasons.",
        "Making Sense — free will with Dan Dennett",
    )
    assert asked_what_it_is(cards) == []


def test_a_share_of_an_amount_shown_is_not_hidden():
    never_hidden(
        "SALT deduction cap",
        ("The reduction is 30% of the excess: 30% of $50k is a $15k reduction.",),
        "$15k",
    )


def test_a_name_is_never_cut_at_its_apostrophe():
    for card in cards_of(
        "- Liam O'Murchu, Eric Chien and Nicolas Falliere spent months reversing it and published the \"W32.Stuxnet"
        ' Dossier".',
        "Darknet Diaries — Stuxnet",
    ):
        assert not card.answer.endswith(" O"), card.front
    for card in cards_of(
        "- Paul O'Neill took over Alcoa in 1987 and talked only about worker safety.", "Habit"
    ):
        assert card.answer != "Neill", card.front


def test_the_writers_household_makes_no_card():
    cards = _note(
        "SALT deduction cap",
        "## Basics\n\n- The cap on the state and local tax deduction was $10,000 from 2018 to 2024.\n\n"
        "## For us\n\n- Rough math: state income tax ~$14k + property tax ~$9k = $23k, all deductible under the new"
        " cap vs $10k before. Add ~$12k of mortgage interest and we clear the standard deduction ($31,500).\n\n"
        "## Phase-down\n\n- Our MAGI is well under $500k, so the phase-down doesn't apply.",
        kind="topic",
    )
    assert not [c.front for c in cards if "14k" in c.front or "MAGI" in c.front]


def test_one_of_a_list_of_names_sharing_an_affix_is_not_hidden():
    never_hidden(
        "L1 vs L2 regularization",
        ("Pick λ with CV: `RidgeCV`, `LassoCV`, `ElasticNetCV`.",),
        "`RidgeCV`",
        "`LassoCV`",
    )


@pytest.mark.parametrize(
    "bullet",
    [
        "Tails drive everything: a small share of events produces most of the returns, so be wrong half the time.",
        "Commodities episodes: there's a whole world of physical traders who care about storage and freight.",
    ],
)
def test_a_clause_or_an_episode_label_is_not_asked_what_it_is(bullet):
    assert asked_what_it_is(cards_of(f"- {bullet}", "Odd Lots")) == []


def test_a_one_word_name_said_to_be_a_person_is_asked_who():
    card = one(
        "**Brent**: the one engineer who knows everything. Every outage routes through him, so he's the constraint.",
        "The Phoenix Project",
    )
    assert card.front == "The Phoenix Project: who is Brent?"


def test_a_bold_name_and_value_asks_for_the_value():
    card = one(
        "**First Way: flow** — left to right from Dev to Ops to the customer. Small batches, limit WIP.",
        "The Phoenix Project",
    )
    assert card.front == "The Phoenix Project: what is the First Way?" and card.back.startswith(
        "flow — left"
    ), card


@pytest.mark.parametrize(
    "bullet, answer",
    [
        (
            "Metaphor: the **elephant and the rider**, for intuition and conscious reasoning.",
            "elephant and the rider",
        ),
        ("Backbone: **U-Net** with timestep embeddings and some self-attention.", "U-Net"),
        (
            "**Exponential**: $\\eta_t = \\eta_0 \\gamma^t$, decaying by a constant factor.",
            "$\\eta_t = \\eta_0 \\gamma^t$",
        ),
    ],
)
def test_a_label_naming_the_kind_of_a_marked_instance_hides_the_instance(bullet, answer):
    assert [c.answer for c in cards_of(f"- {bullet}", "Notes on things")] == [answer]


def test_a_place_whose_bullet_tells_what_the_hero_did_there_is_no_person():
    cards = cards_of(
        "- Los Alamos: picked locks and cracked safes, mostly because people left the factory combinations on;"
        " he read numbers off open safes.",
        "Surely You're Joking, Mr. Feynman!",
    )
    assert not [c.front for c in cards if "who is" in c.front or "what is" in c.front]


def test_a_bold_term_with_another_name_in_brackets_is_a_term_card_keeping_that_name():
    card = one(
        "**Memory palace** (method of loci): walk through a building you know well and drop vivid images at fixed"
        " spots.",
        "Moonwalking with Einstein",
    )
    assert card.front.startswith("Moonwalking with Einstein: what is") and "memory palace" in card.front
    assert "loci" not in card.front
    assert card.back.endswith("(also: method of loci)"), card.back
