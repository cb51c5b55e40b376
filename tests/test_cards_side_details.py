"""Issue 18, fourth blind reading (notes on Drive, Outliers, Getting Things Done, merge strategies, the child tax
credit): what a learner dropped or had to fix. A name or year that is only a citation, an example in brackets or who
a finding is credited to; a label whose list is the fact; a number the card's other numbers give; a word the card
shows in another form; a bullet that only introduces its sub-bullets; the writer's own plans; and term questions that
read wrong ("what is Bill Joy?", "what is matthew effect?", "what are the case for tariffs?")."""

from __future__ import annotations

import pytest

from kb.cards.extractor import extract_cards
from kb.notes.reader import parse_note
from tests.test_cards_keypoint_rules import cards_of, one


def asked_what_it_is(cards) -> list[str]:
    """The fronts of ``cards`` that ask "what is" / "what are" about a term."""
    return [c.front for c in cards if " what is " in c.front or " what are " in c.front]


def _text(title: str, sections: str) -> bytes:
    return f'---\ntitle: "{title}"\ntype: book\n---\n# {title}\n\n{sections}\n'.encode()


@pytest.mark.parametrize(
    "bullet, side",
    [
        (
            "Israeli daycare study (Gneezy & Rustichini, 2000): a fine for late pickup made parents come late more"
            " often, because it turned a moral duty into a price.",
            ("Gneezy", "Rustichini", "2000"),
        ),
        ("Open source projects (Linux, Apache) get the same treatment from volunteers.", ("Linux", "Apache")),
        (
            "Results-only work environments, designed by Cali Ressler and Jody Thompson, drop schedules.",
            ("Cali Ressler", "Jody Thompson", "Cali Ressler and Jody Thompson"),
        ),
        (
            "Cover & Hart (1967) showed the 1-NN error rate is at most twice the Bayes error rate.",
            ("Hart", "Cover", "1967"),
        ),
    ],
)
def test_a_citation_an_example_in_brackets_or_who_is_credited_is_never_hidden(bullet, side):
    for card in cards_of(f"- {bullet}", "Motivation"):
        assert card.answer not in side, (card.front, card.answer)


def test_a_label_whose_list_is_the_fact_is_asked_about_not_hidden():
    card = one(
        "**Seven deadly flaws** of carrots and sticks: they kill intrinsic motivation, lower performance, crush"
        " creativity, crowd out good behaviour, invite cheating, become addictive, and push short-term thinking.",
        "Drive: The Surprising Truth",
    )
    assert card.front == "Drive: what are the seven deadly flaws of carrots and sticks?"
    assert card.back.startswith("they kill intrinsic motivation")
    card = one(
        "Threefold nature of daily work: predefined work, work as it shows up, defining your work.", "GTD"
    )
    assert card.front == "GTD: what is the threefold nature of daily work?"


@pytest.mark.parametrize(
    "bullet, front, back",
    [
        (
            "Autonomy covers four Ts: task, time, technique, team.",
            "Drive: what are the four Ts of autonomy?",
            "task, time, technique, team.",
        ),
        (
            "**Mastery** has three laws: it's a mindset, it's a pain, and it's an asymptote.",
            "Drive: what are the three laws of mastery?",
            "it's a mindset, it's a pain, and it's an asymptote.",
        ),
    ],
)
def test_a_subject_with_a_counted_list_is_asked_for_the_list(bullet, front, back):
    card = one(bullet, "Drive")
    assert (card.front, card.back) == (front, back)


def test_a_counted_list_after_a_pronoun_is_left_to_a_cloze():
    assert all(
        "what are the three parts of it" not in c.front for c in cards_of("- It has three parts: a, b, c.")
    )


@pytest.mark.parametrize(
    "bullet, hidden",
    [
        ("Tickler file: 43 folders (31 daily + 12 monthly) for things to see again on a date.", "31"),
        ("GPT-2 learned 1024 positions, so there is no vector for position 1025.", "1025"),
    ],
)
def test_a_number_the_others_on_the_card_give_is_not_hidden(bullet, hidden):
    assert all(c.answer != hidden for c in cards_of(f"- {bullet}", "Notes"))


def test_trivial_answers_are_not_hidden():
    never_given = {
        "octopus merges more than two branches in one commit when you name several.": "two branches",
        "subtree is a variant of ort for merging a project that lives in a subfolder.": "merging",
        "Many Chinese sellers cut prices, but China still lost share to Vietnam after the tariffs.": "China",
    }
    for bullet, answer in never_given.items():
        assert all(c.answer != answer for c in cards_of(f"- {bullet}", "Merges and trade")), bullet


def test_an_abbreviation_spelled_out_on_the_card_is_not_hidden():
    cards = cards_of(
        '- **ort** ("Ostensibly Recursive\'s Twin") has been the default since Git 2.34.', "Merging"
    )
    assert all(c.answer != "ort" for c in cards)


def test_a_bullet_that_only_introduces_its_sub_bullets_makes_no_card():
    bullets = "- Above the 2025 threshold the credit phases out:\n  - $200,000 for single filers.\n  - $400,000 for joint filers."
    cards = cards_of(bullets, "Child tax credit")
    assert [c for c in cards if "phases out" in c.back] == []
    assert {c.answer for c in cards} == {"$200,000", "$400,000"}


def test_the_writers_own_plans_make_no_cards():
    text = _text(
        "Getting Things Done",
        "## Notes\n\n- A tickler file holds 43 folders for things to see again on a given date.\n\n"
        "## What I'm actually going to do\n\n- One digital inbox in Obsidian, one physical tray.\n"
        "- A weekly review on Friday at 4 pm, 45 minutes.\n",
    )
    cards = extract_cards(parse_note("notes/gtd.md", text)).cards
    assert cards and all("Obsidian" not in c.back and "Friday" not in c.back for c in cards)


@pytest.mark.parametrize(
    "bullet, title, front",
    [
        (
            "Bill Joy: Michigan computer center, plus a bug that gave him free time.",
            "Outliers",
            "Outliers: who is Bill Joy?",
        ),
        (
            "Matthew effect: Robert Merton's name for advantage that compounds.",
            "Outliers",
            "Outliers: what is the Matthew effect?",
        ),
        (
            "The case for tariffs: strategic industries, leverage in talks.",
            "Tariffs",
            "Tariffs: what is the case for tariffs?",
        ),
        (
            "SSTB limit: a specified service business is phased out above the range.",
            "QBI",
            "QBI: what is the SSTB limit?",
        ),
        (
            "Plateau of latent potential: results lag effort for a long time.",
            "Atomic Habits",
            "Atomic Habits: what is the plateau of latent potential?",
        ),
    ],
)
def test_term_questions_read_as_a_person_would_ask_them(bullet, title, front):
    assert one(bullet, title).front == front


@pytest.mark.parametrize(
    "bullet",
    [
        "Epilogue: his mother's family in Jamaica, a chain of luck.",
        "New under OBBBA: the taxpayer needs an SSN too.",
    ],
)
def test_a_structural_or_conditional_label_is_no_term(bullet):
    assert all(" what is " not in c.front for c in cards_of(f"- {bullet}", "Notes"))


def test_a_method_named_in_brackets_beside_its_citation_is_still_an_answer():
    cards = cards_of(
        "- Averaging many forward passes with dropout on gives an uncertainty estimate (Monte Carlo dropout, Gal"
        " and Ghahramani, 2016).",
        "Dropout",
    )
    assert [c.answer for c in cards] == ["Monte Carlo"]


def test_a_label_before_a_sentence_with_commas_is_still_an_answer():
    cards = cards_of(
        "- Rejection-then-retreat: ask for something big, let them refuse, then make the smaller request you"
        " wanted all along.",
        "Influence",
    )
    assert [c.front for c in cards] == ["Influence: what is Rejection-then-retreat?"]


def test_a_number_in_a_sequence_the_card_shows_is_not_hidden():
    bullet = "- Motivation 1.0 is survival, 2.0 is carrots and sticks, 3.0 is intrinsic drive."
    assert all(c.answer not in ("1.0", "2.0", "3.0") for c in cards_of(bullet, "Drive"))


def test_a_worked_example_makes_no_card():
    bullet = "- Example: MFJ, two kids, MAGI $421,500 → $21,500 over → 22 × $50 = $1,100 → $4,400 − $1,100 = $3,300."
    assert cards_of(bullet, "Child tax credit") == ()


@pytest.mark.parametrize(
    "bullet, items",
    [
        (
            "Organize — put the results into the right buckets: Projects, Next Actions by context, Calendar, Waiting For.",
            ("Projects", "Next Actions", "Calendar", "Waiting For"),
        ),
        (
            "Used by GPT-NeoX, PaLM, LLaMA, Mistral and most open LLMs now.",
            ("GPT-NeoX", "PaLM", "LLaMA", "Mistral"),
        ),
    ],
)
def test_one_item_of_a_list_is_not_hidden(bullet, items):
    for card in cards_of(f"- {bullet}", "Notes"):
        assert not card.answer or not any(card.answer in i or i in card.answer for i in items), card.front


@pytest.mark.parametrize(
    "bullet, broken",
    [
        ("Relative age effect replicates well across sports and school.", "replicates"),
        ("A net QBI loss carries forward and reduces next year's QBI.", "carries"),
        ("He wants the best person possible in every seat.", "possible"),
    ],
)
def test_a_hidden_phrase_never_ends_on_a_verb_or_an_adjective_after_its_noun(bullet, broken):
    assert all(broken not in c.answer for c in cards_of(f"- {bullet}", "Outliers"))


def test_two_amounts_for_two_conditions_are_two_blanks_not_one():
    """Judged blind: "modified AGI of [...] for married filing jointly" hid "$200,000, or $400,000" as one answer,
    so the blank read as the joint threshold alone."""
    cards = cards_of(
        "- Phase-out starts at modified AGI of $200,000, or $400,000 for married filing jointly.", "CTC"
    )
    assert [c.front for c in cards] == [
        "Phase-out starts at modified AGI of [...], or [...] for married filing jointly."
    ]
    cards = cards_of("- HSA limits for 2025: $4,300 self-only, $8,600 family.", "HSA")
    assert [c.answer for c in cards] == ["$4,300 / $8,600"]  # a pair stands together; the year labels it


def test_a_year_followed_by_a_preposition_is_the_fact_not_a_label():
    assert one("Kahneman won the economics Nobel in 2002 for prospect theory.", "Thinking").answer == "2002"


@pytest.mark.parametrize(
    "bullet, finding, detail",
    [
        (
            "Holt-Lunstad's 2010 meta-analysis, 148 studies, ~308k people: strong social ties → ~50% higher odds of"
            " survival.",
            "50%",
            ("2010", "148", "308k"),
        ),
        (
            "Refundable portion (Additional Child Tax Credit): when the credit is bigger than your tax, up to $1,700"
            " per child can come back as a refund.",
            "$1,700",
            ("Refundable portion", "Additional Child Tax Credit"),
        ),
    ],
)
def test_the_finding_after_a_lead_is_hidden_before_the_leads_details(bullet, finding, detail):
    """Judged blind, the commonest fix: a year, a study's size or a label hidden while the result stayed shown."""
    answers = [c.answer for c in cards_of(f"- {bullet}", "Loneliness")]
    assert answers and all(finding in a for a in answers) and not any(d in a for a in answers for d in detail)


def test_a_lead_that_makes_a_claim_keeps_its_answer():
    card = one(
        "AdaBoost came first: it reweights the misclassified samples instead of fitting gradients.",
        "Boosting",
    )
    assert card.answer == "AdaBoost"


@pytest.mark.parametrize(
    "bullet",
    [
        "Purpose: profit is fine, but he wants purpose maximization to sit next to it.",
        "Rice paddies: year-round intensive labour → a belief that hard work pays.",
        "Nonparametric: the boundary can get more complex as you add data.",
    ],
)
def test_a_label_before_a_clause_or_a_chain_is_not_asked_what_it_is(bullet):
    """Judged blind: "what is purpose?", "what are rice paddies?" were answered by a claim or a chain of causes,
    not by what the label is."""
    assert asked_what_it_is(cards_of(f"- {bullet}", "Drive")) == []


def test_a_bullet_gives_a_second_card_only_for_a_second_amount():
    cards = cards_of(
        "- `-X diff-algorithm=histogram` (or `patience`) can give cleaner conflict hunks.", "Merging"
    )
    assert len(cards) <= 1
    cards = cards_of(
        "- The 2024 limits are $4,150 for self-only coverage and $9,300 for family coverage.", "HSA"
    )
    assert sorted(c.answer for c in cards) == ["$4,150", "$9,300"]


@pytest.mark.parametrize(
    "bullet, answer",
    [
        (
            "**Time series**: shuffled K-fold lets the model train on the future. Use `TimeSeriesSplit` instead.",
            "`TimeSeriesSplit`",
        ),
        (
            "**Force pushing**: if you must rewrite shared history, use `git push --force-with-lease`, never `-f`.",
            "`git push --force-with-lease`",
        ),
    ],
)
def test_a_bold_topic_before_advice_gives_a_cloze_of_the_advice_not_a_what_is(bullet, answer):
    """Judged blind: "what are time series?" answered by advice on splitting them; the command is the fact."""
    cards = cards_of(f"- {bullet}", "Cross-validation pitfalls")
    assert [c.answer for c in cards] == [answer]
    assert cards[0].front.startswith(bullet[2:].split("**")[0])  # the topic stays shown, never hidden


def test_a_bold_term_with_a_definition_is_still_asked_what_it_is():
    card = one(
        "**Plateau of latent potential**: results lag effort. Progress feels flat for a long time.", "Habits"
    )
    assert card.front == "Habits: what is the plateau of latent potential?"


def test_a_temperature_shown_in_the_other_scale_is_not_hidden():
    cards = cards_of("- Water at 14°C (57°F) for 2–3 minutes is enough to raise dopamine.", "Cold exposure")
    assert all(c.answer not in ("14°C", "57°F", "14", "57") for c in cards)


@pytest.mark.parametrize(
    "bullet",
    [
        "**Order matters**: `loss.backward()`, then clip, then `optimizer.step()`.",
        "**Quantum computers**: they do not settle which interpretation of quantum mechanics is right.",
        "Main flaw: a locally best token can lead to a worse whole sequence.",
    ],
)
def test_a_lead_that_says_something_or_a_claim_about_a_topic_is_not_asked_what_it_is(bullet):
    """Judged blind: "what are order matters?", "what are quantum computers?" (answered by the guest's view),
    "what is main flaw?"."""
    cards = cards_of(f"- {bullet}", "Podcast notes")
    assert asked_what_it_is(cards) == []
    lead = bullet.split(":")[0].strip("*")
    assert all(lead not in c.answer for c in cards)  # the topic stays shown


@pytest.mark.parametrize(
    "bullet",
    [
        "Parenting: don't push a quiet kid into being loud. Expose them gradually to new things.",
        "**Cambridge, MA**: rent control ended in 1994 after a statewide referendum. Property values then jumped.",
    ],
)
def test_a_label_before_advice_or_a_dated_claim_is_not_asked_what_it_is(bullet):
    """Judged blind: "what is Parenting?" and "what is Cambridge, MA?" were answered by advice and by an event; as
    true/false statements under another label they were true as well ("two correct")."""
    cards = cards_of(f"- {bullet}", "Quiet")
    assert asked_what_it_is(cards) == []


def test_a_lead_that_is_advice_itself_is_still_asked_what_it_means():
    card = one(
        "**Embrace boredom**: if you reach for your phone in every queue, you lose the ability to focus.",
        "Deep Work",
    )
    assert card.front == 'Deep Work: what does "embrace boredom" mean?'


def test_a_release_or_section_number_gives_way_to_the_lesson():
    """Judged blind: "Git 2.50 ([2025])", "ESL §[7.8]", "PyTorch [2.6]" hid which release or section while the
    lesson beside it stayed shown."""
    card = one(
        "Since PyTorch 2.6 the loader refuses pickled code from untrusted checkpoints.", "Model loading"
    )
    assert "2.6" not in card.answer, card.front
