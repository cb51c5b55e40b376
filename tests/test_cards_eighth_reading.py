"""Issue 18, the bold-led cards the blind readings of sets R and S did not keep: a bold adjective read as the subject
of a verb ("what does Medical do?"), a bold verdict made into a riddle ("[...] Only if the employee asks"), and two
bold terms set against each other, where the card hid an incidental number instead of asking the difference."""

from __future__ import annotations

import pytest

from tests.test_cards_keypoint_rules import cards_of, one


def quiz_questions(make_kb, path: str, text: str, *, n: int, seeds: int = 8):
    """Every question of one-note quizzes of a note, over several seeds: a seed whose quiz has no question at all
    (the quiz says so in one line) gives none, and no bad one."""
    from kb.errors import KbError
    from kb.quiz.generate import generate_quiz
    from tests.test_quiz_issue18_rules import _indexed

    conn = _indexed(make_kb({path: text}))
    questions = []
    for seed in range(seeds):
        try:
            questions += generate_quiz(conn, note=f"notes/{path}", n=n, seed=seed).questions
        except KbError:
            continue
    return questions


@pytest.mark.parametrize(
    "bullet",
    [
        "**Medical** expenses paid directly to the provider (incl. health insurance premiums) — unlimited.",
        "**Education** costs paid straight to the school are excluded, but only tuition.",
        "**Rental** losses limited to $25,000 a year for active participants.",
    ],
)
def test_a_bold_word_before_a_noun_and_its_participle_is_not_asked_what_it_does(bullet):
    for card in cards_of(f"- {bullet}", "Gift tax"):
        assert " do?" not in card.front, card.front


def test_a_bold_subject_and_its_verb_still_make_a_term_card():
    card = one("**Batch norm** normalizes each feature over the batch.", "Training tricks")
    assert card.front.lower() == "training tricks: what does batch norm do?"


@pytest.mark.parametrize(
    "bullet",
    [
        "**Not required.** Only if the employee asks and you agree (they give you a W-4).",
        "**Yes**, if the gift goes to a spouse who is a US citizen.",
        "**Never** — the wash sale rule applies across all your accounts, IRAs included.",
    ],
)
def test_a_bold_verdict_answering_the_heading_makes_no_card(bullet):
    assert [c.front for c in cards_of(f"- {bullet}", "Household employment taxes")] == []


def test_a_bold_lead_that_merely_starts_with_a_verdict_word_still_gives_its_card():
    card = one("**Only the first $19,000** per recipient is excluded each year.", "Gift tax")
    assert card.answer == "$19,000"


@pytest.mark.parametrize(
    "bullet, front",
    [
        (
            "**PTQ** (post-training, small calibration set) vs **QAT** (simulate quantization during training)."
            " Almost everything for LLMs is PTQ — retraining 70B isn't happening.",
            "LLM quantization: how does PTQ differ from QAT?",
        ),
        (
            "**Dropout** vs. **DropConnect**: one zeroes activations, the other zeroes weights.",
            "LLM quantization: how does Dropout differ from DropConnect?",
        ),
    ],
)
def test_two_bold_terms_set_against_each_other_ask_how_they_differ(bullet, front):
    card = one(bullet, "LLM quantization")
    assert card.front == front
    assert "70B" not in card.front and "[...]" not in card.front
    assert card.back.startswith(bullet.split("**")[1])


def test_an_amount_its_heading_shows_in_another_form_is_not_hidden():
    from tests.test_cards_fifth_reading import _note

    cards = _note(
        "Passive activity loss rules",
        "## $25,000 rental allowance\n\n"
        "- If you actively participate in a rental → can deduct up to $25k of rental losses against other income.\n"
        "- Phases out between $100k and $150k of MAGI.\n",
        "topic",
    )
    assert "$25k" not in [c.answer for c in cards]
    assert "$100k and $150k" in [c.answer for c in cards]


def test_a_closing_year_gives_way_to_the_amount_it_dates():
    card = one("FICA applies once you pay a household employee $2,800 or more in 2025.", "Household taxes")
    assert card.answer == "$2,800"


@pytest.mark.parametrize("heading", ["Our situation", "My numbers", "Our household"])
def test_the_writers_own_case_makes_no_card(heading):
    from tests.test_cards_fifth_reading import _note

    cards = _note(
        "Household employment taxes",
        "## Thresholds\n\n- FICA applies once you pay a household employee $2,800 or more.\n\n"
        f"## {heading}\n\n- Sitter is 19, ~$180/week → ~$9,300/yr → over both thresholds.\n",
        "topic",
    )
    assert [c.answer for c in cards] == ["$2,800"]


@pytest.mark.parametrize(
    "bullet, wrong",
    [
        (
            "Calibration: Mukhoti et al. (NeurIPS 2020) showed focal loss often gives better-calibrated nets than"
            " plain cross-entropy.",
            "better-calibrated nets",
        ),
        (
            "Compression: pruning an already compressed model further rarely helps accuracy.",
            "compressed model",
        ),
    ],
)
def test_a_blank_whose_word_the_label_shows_in_another_form_is_not_made(bullet, wrong):
    assert wrong not in [c.answer for c in cards_of(f"- {bullet}", "Training notes")]


def test_et_al_is_never_part_of_a_blank():
    from kb.cards.salience import TermWeights, content_stems, pick_spans

    text = (
        "Calibration: Mukhoti et al. (NeurIPS 2020) showed focal loss gives better-calibrated nets than CE."
    )
    # the title and the other terms set aside: what is left must not be the citation's "et al"
    spans, _why = pick_spans(
        text, TermWeights(text), avoid=content_stems("focal loss calibrated nets CE NeurIPS")
    )
    assert not any("et al" in text[s:e] for s, e in spans), [text[s:e] for s, e in spans]


def test_two_numbers_joined_by_an_ampersand_are_one_blank():
    card = one("Restarts in Bentonville: Walton's 5&10 on the town square.", "Made in America")
    assert card.answer == "5&10" and card.front.count("[...]") == 1


def test_a_count_and_unit_the_front_shows_again_is_not_hidden():
    cards = cards_of(
        "- Special 5-year election: front-load 5 years of exclusions into a 529 plan at once.", "Gift tax"
    )
    assert "5 years" not in [c.answer for c in cards]


def test_someone_quoting_someone_in_a_label_is_no_term():
    card = one(
        "Kuhn quotes Max Planck: a new truth wins because its opponents eventually die out.",
        "Scientific Revolutions",
    )
    assert "what is" not in card.front and card.answer == "Max Planck"


@pytest.mark.parametrize("heading", ["Open questions / todo", "Questions I still have", "To look up"])
def test_what_the_writer_still_has_to_find_out_makes_no_card(heading):
    from tests.test_cards_fifth_reading import _note

    cards = _note(
        "Backdoor Roth",
        "## Steps\n\n- Contribute $7,000 to a traditional IRA, then convert it.\n\n"
        f"## {heading}\n\n- check 2026 limits when the IRS notice is out and update this\n"
        "- Whether the 1962 plan document still allows in-plan conversions.\n",
        "topic",
    )
    assert [c.answer for c in cards] == ["$7,000"]


def test_a_blank_never_ends_on_a_preposition():
    card = one(
        "Starts with a pounding pain behind the left eye; her hands look like claws; right arm goes numb.",
        "A stroke of insight",
    )
    assert not card.answer.endswith(("behind", "across", "against", "toward")), card.front


QUANTIZATION_NOTE = """---
title: LLM quantization
type: topic
tags: [ml]
---
# LLM quantization

## Basics
- **PTQ** (post-training, small calibration set) vs **QAT** (simulate quantization during training). Almost
  everything for LLMs is PTQ.
- **NF4** is a 4-bit data type whose levels follow a normal distribution.
- Group size 128 is the common default for 4-bit weights.
"""


def test_a_quiz_asks_the_term_set_against_the_first_not_a_word_of_the_topic(make_kb):
    questions = quiz_questions(make_kb, "ml/quantization.md", QUANTIZATION_NOTE, n=10, seeds=4)
    asked = [q for q in questions if "PTQ" in q.prompt]
    assert asked and all(q.answer_text == "QAT" for q in asked), [(q.prompt, q.answer_text) for q in asked]


@pytest.mark.parametrize(
    "bullet, alone",
    [
        ("Sony & Japan: transistor radios, then consumer electronics. Akio Morita.", "Akio Morita"),
        (
            "Small self-supervised experiment (masked patch prediction) → better than from scratch, worse than"
            " supervised. Foreshadows MAE",
            "Foreshadows MAE",
        ),
    ],
)
def test_a_trailing_sentence_of_its_own_is_never_the_blank(bullet, alone):
    assert alone not in [c.answer for c in cards_of(f"- {bullet}", "Chip War")]


@pytest.mark.parametrize(
    "bullet, name",
    [
        (
            "**Le Corbusier** — the Plan Voisin (1925) to bulldoze much of central Paris for identical towers.",
            "Le Corbusier",
        ),
        ("**Brasília** — Lúcio Costa's plan, Niemeyer's buildings, inaugurated 1960.", "Brasília"),
    ],
)
def test_a_bold_name_whose_bullet_tells_facts_about_it_is_asked_from_the_facts(bullet, name):
    card = one(bullet, "Seeing Like a State")
    assert card.answer == name and card.front.startswith("[...] — ") and "what is" not in card.front


@pytest.mark.parametrize(
    "bullet, front",
    [
        (
            "**Lindy Effect**: the longer a book has lasted, the longer it is likely to last.",
            "what is the Lindy",
        ),
        ("**Zappos**: an online shoe retailer famous for its call-centre culture.", "what is Zappos"),
    ],
)
def test_a_concept_or_a_defined_name_keeps_its_what_is_card(bullet, front):
    assert front in one(bullet, "Antifragile").front


@pytest.mark.parametrize(
    "bullet, label",
    [
        ('**Quote:** RL is like "sucking supervision through a straw".', "Quote"),
        (
            "**Claim:** the knowledge part may actually hold models back → over-reliance on memorised stuff, less"
            " off-the-data-manifold thinking.",
            "Claim",
        ),
        (
            "**Gotcha**: tools that diff against main in CI need the merge-base, so depth 1 gives wrong answers.",
            "Gotcha",
        ),
    ],
)
def test_a_bold_label_word_is_never_the_blank(bullet, label):
    from kb.cards.salience import TermWeights, content_stems, pick_spans

    assert label not in [c.answer for c in cards_of(f"- {bullet}", "Karpathy on Dwarkesh")]
    # in a note whose other words are common to many of its key points, the label is all that is left: still no blank
    rest = bullet.split("**")[-1]
    spans, _why = pick_spans(bullet, TermWeights(bullet), common=frozenset(content_stems(rest)))
    assert not any(label in bullet[s:e] for s, e in spans), [bullet[s:e] for s, e in spans]


@pytest.mark.parametrize(
    "bullet",
    [
        "Re-listen to the section on the cognitive core and the bits-per-token calculation.",
        "Re-evaluate if the lint job starts running `git blame` (it would trigger lazy fetches).",
        "Look up the Sutton bitter lesson essay he references.",
        "1990: big year (~56% after fees iirc)",
        "Greenberg's estimate: about 10% of all computers in Ukraine wiped (not sure how he sourced that).",
    ],
)
def test_the_writers_to_dos_and_unsure_facts_make_no_card(bullet):
    assert [c.front for c in cards_of(f"- {bullet}", "Karpathy on Dwarkesh")] == []


def test_bullets_under_to_follow_up_make_no_card():
    from tests.test_cards_fifth_reading import _note

    cards = _note(
        "Karpathy on Dwarkesh",
        "## Agents\n\n- Karpathy puts AGI about 10 years out.\n\n## To follow up\n\n- The nanochat repo README.\n",
        "podcast",
    )
    assert [c.answer for c in cards] == ["10 years"]


@pytest.mark.parametrize(
    "bullet, wrong",
    [
        (
            "RMD age: 72 before 2023, 73 for people born 1951–1959, 75 for born 1960 or later.",
            "1951–1959, 75",
        ),
        (
            "Utility rebates for installing the system generally reduce the cost you claim the credit on.",
            "system generally reduce",
        ),
        (
            "git absorb makes the fixup commits itself; great when a fix touches several commits.",
            "fix touches",
        ),
    ],
)
def test_a_blank_does_not_run_across_two_phrases(bullet, wrong):
    assert wrong not in [c.answer for c in cards_of(f"- {bullet}", "Notes")]


@pytest.mark.parametrize(
    "bullet",
    [
        "Number he threw out: a 70B model on 15T tokens stores only ~0.07 bits per token seen → heavy compression.",
        "LR much lower than SFT, e.g. 5e-7 to 1e-6 for 7B models. Overfits fast after one epoch.",
    ],
)
def test_a_model_size_given_as_an_example_is_not_hidden(bullet):
    assert not any(c.answer.endswith("B") for c in cards_of(f"- {bullet}", "DPO")), [
        c.front for c in cards_of(f"- {bullet}", "DPO")
    ]


def test_a_list_of_model_sizes_is_still_a_blank():
    assert one("Llama 2 came in 7B, 13B and 70B sizes.", "Open models").answer == "7B, 13B and 70B"


def test_a_label_naming_people_asks_who_they_are():
    card = one(
        "early partners: leonard baum (HMMs), then james ax, then elwyn berlekamp.",
        "The Man Who Solved the Market",
    )
    assert card.front == "The Man Who Solved the Market: who are the early partners?"


def test_a_label_that_is_a_clause_is_no_term():
    card = one(
        "LLM-as-judge gets gamed: adversarial nonsense strings score full reward.", "Karpathy on Dwarkesh"
    )
    assert "what is" not in card.front


LVMH_NOTE = """---
title: Acquired — LVMH
type: podcast
tags: [business]
---
# Acquired — LVMH

## Arnault himself

- Boussac deal: promised the French government to keep the textile business and jobs, then sold most of it.
- Vertical integration: owning the workshops and the stores, so margins stay inside the group.
- Hermès saga: quietly built a stake through equity swaps, then announced it all at once.
- Succession plan: his five children each run a part of the group and sit on its board.
"""


def test_a_false_statement_never_swaps_one_plain_label_for_another(make_kb):
    labels = ("Boussac deal", "Vertical integration", "Hermès saga", "Succession plan")
    rests = {
        line.split(": ", 1)[0][2:]: line.split(": ", 1)[1]
        for line in LVMH_NOTE.splitlines()
        if ": " in line[:40] and line.startswith("- ")
    }
    for q in quiz_questions(make_kb, "podcasts/lvmh.md", LVMH_NOTE, n=8):
        for label in labels:
            for other, rest in rests.items():
                if other != label:
                    assert not q.prompt.startswith(f"{label}: {rest[:30]}"), q.prompt


@pytest.mark.parametrize("heading", ["Own thoughts", "Things I'm unsure / want to check"])
def test_the_writers_own_thoughts_and_doubts_make_no_card(heading):
    from tests.test_cards_fifth_reading import _note

    cards = _note(
        "Poor Economics",
        "## Premise\n\n- About 865M people lived on under 99 cents a day.\n\n"
        f"## {heading}\n\n- critique to remember: RCTs answer 'does X work here'; external validity is the hard part.\n"
        "- Exact % of profit from the camera study → only estimates exist.\n",
    )
    assert [c.answer for c in cards] in (["865M"], ["865M", "99 cents"])


def test_a_name_after_a_title_abbreviation_is_one_blank():
    from kb.cards.spans import entity_candidates, number_candidates

    text = "Edith Bostwick, from a St. Louis banking family, meets Dr. Seuss; the 3 I's: ideology, ignorance."
    names = [text[c.start : c.end] for c in entity_candidates(text, text)]
    assert "St. Louis" in names and "Dr. Seuss" in names and "St." not in names
    assert "3" not in [text[c.start : c.end] for c in number_candidates(text, text)]


@pytest.mark.parametrize(
    "bullet, wrong",
    [
        ("Policies fail due to the 3 I's: ideology, ignorance, inertia.", "3"),
        (
            "You can elect to reduce the basis of depreciable property first (§108(b)(5)), and keep your NOL.",
            "5",
        ),
    ],
)
def test_a_number_inside_a_name_or_a_citation_is_not_hidden(bullet, wrong):
    assert wrong not in [c.answer for c in cards_of(f"- {bullet}", "Poor Economics")]


@pytest.mark.parametrize(
    "bullet, label",
    [
        (
            "**Story:** colonial Delhi, the British govt worried about venomous cobras → bounty per dead cobra.",
            "Story",
        ),
        ("**What happened:** people started breeding cobras to collect the bounty.", "What happened"),
    ],
)
def test_a_label_set_in_bold_colon_and_all_is_shown_not_hidden(bullet, label):
    for card in cards_of(f"- {bullet}", "The Cobra Effect"):
        assert card.front.startswith(f"{label}: ") and label not in card.answer, card.front


@pytest.mark.parametrize(
    "bullet",
    [
        "**Effect for me**: NY taxes essentially my whole salary as NY-source; NJ gives a credit for it.",
        "honest reaction: long, digressive in places, and I skimmed the housing chapters.",
        "maybe next: *Daniel Deronda*, or Rebecca Mead's *My Life in Middlemarch*.",
        "rating: 5/5. slow first 100 pages, then couldn't stop.",
    ],
)
def test_a_label_of_the_writers_own_makes_no_card(bullet):
    assert [c.front for c in cards_of(f"- {bullet}", "Middlemarch")] == []


def test_my_takeaway_still_introduces_the_books_lesson():
    cards = cards_of(
        "- My takeaway: the burden of proof was inverted for roughly a century; the radical mastectomy was assumed to work.",
        "The Emperor of All Maladies",
    )
    assert cards


RESIDENCY_NOTE = """---
title: State income tax residency
type: topic
tags: [taxes]
---
# State income tax residency

## Oddities

- equity comp: stock options and RSUs are usually allocated by workdays between grant and vest.
- **Reciprocity**: some neighbouring states agree not to tax each other's residents on wages.
- **Domicile**: your true, fixed, permanent home, the place you intend to return to.
- general health items: gym memberships, vitamins or health food, unless prescribed for a condition.
"""


def test_a_quiz_never_asks_to_type_a_plain_label_but_still_asks_a_bold_term(make_kb):
    questions = quiz_questions(make_kb, "taxes/residency.md", RESIDENCY_NOTE, n=6)
    keys = {q.answer_text for q in questions if q.prompt.startswith("_____:")}
    assert not {"equity comp", "general health items"} & keys
    assert keys & {"Reciprocity", "Domicile"}


def test_a_front_that_is_an_instruction_is_asked_as_one():
    from kb.quiz.terms import question_text

    assert question_text("State Bayes' theorem", "P(A|B) = P(B|A) P(A) / P(B)") == "State Bayes' theorem."
    assert question_text("Gradient descent", "an iterative method that steps against the gradient") == (
        "What is Gradient descent?"
    )


@pytest.mark.parametrize(
    "bullet, shown",
    [
        ("Chapter 10 discusses reciprocal altruism with birds grooming each other for ticks.", "Chapter 10"),
        ("In chapter 3 he argues genes, not groups, are the unit of selection.", "chapter 3"),
    ],
)
def test_where_in_the_source_is_shown_not_hidden(bullet, shown):
    for card in cards_of(f"- {bullet}", "The Selfish Gene"):
        assert shown in card.front, card.front


def test_a_blank_stops_before_an_irregular_past_tense():
    from kb.cards.salience import TermWeights, content_stems, pick_spans

    text = "Chapter 2 imagines a primordial soup in which a molecule arose that could copy itself."
    spans, _why = pick_spans(text, TermWeights(text), avoid=content_stems("primordial soup chapter imagines"))
    assert not any("arose" in text[s:e] for s, e in spans), [text[s:e] for s, e in spans]


def test_a_figure_far_from_the_key_is_no_option():
    from kb.quiz.distractors import _NOTE_FIGURE_MAGNITUDE, _same_magnitude

    assert not _same_magnitude("$470", "$50", _NOTE_FIGURE_MAGNITUDE)
    assert not _same_magnitude("$1,950", "$14,600", _NOTE_FIGURE_MAGNITUDE)
    assert _same_magnitude("$25k", "$30,000", _NOTE_FIGURE_MAGNITUDE)
