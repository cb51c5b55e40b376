"""Generated key-point cards, rule by rule (issue 18): what a plain bullet's cloze hides, when a bullet gives no
card, term cards that ask a question naming the topic, and a golden file of realistic bullets and their cards.

Regenerate the golden file after a change that is *meant* to change generated cards, and review the diff::

    .venv/bin/python -m tests.test_cards_keypoint_rules
"""

from __future__ import annotations

import json
from pathlib import Path

from kb.cards.extractor import extract_cards
from kb.markdown import plain_text
from kb.notes.reader import parse_note

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "cards"
GOLDEN_NOTE = FIXTURES / "keypoint_golden.md"
GOLDEN = FIXTURES / "keypoint_golden.json"
# bullets of a note with no shared topic with the first: bold terms then verbs, lists, dates, weak words
GOLDEN_MIXED_NOTE = FIXTURES / "keypoint_golden_mixed.md"
GOLDEN_MIXED = FIXTURES / "keypoint_golden_mixed.json"


def cards_of(bullets: str, title: str = "Notes on things"):
    text = f'---\ntitle: "{title}"\n---\n# {title}\n\n## Key points\n\n{bullets}\n'
    return extract_cards(parse_note("notes/t.md", text.encode())).cards


def one(bullet: str, title: str = "Notes on things"):
    cards = cards_of(f"- {bullet}", title)
    assert len(cards) == 1, [c.front for c in cards]
    return cards[0]


def never_hidden(title: str, bullets: tuple[str, ...], *wrong: str) -> None:
    """No card of any of ``bullets`` hides one of ``wrong``."""
    for bullet in bullets:
        for card in cards_of(f"- {bullet}", title):
            assert card.answer not in wrong, card.front


def golden_cards(path: Path = GOLDEN_NOTE, rel: str = "notes/books/deep-work.md") -> list[dict]:
    note = parse_note(rel, path.read_bytes())
    result = extract_cards(note)
    return [
        {"line": c.line, "kind": c.kind.value, "front": c.front, "answer": c.answer or c.back}
        for c in result.cards
    ] + [{"line": line, "skipped": why} for line, _text, why in result.skipped]


def test_the_golden_bullets_give_the_pinned_cards():
    assert golden_cards() == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_the_mixed_golden_bullets_give_the_pinned_cards():
    got = golden_cards(GOLDEN_MIXED_NOTE, "notes/ml/gradient-descent.md")
    assert got == json.loads(GOLDEN_MIXED.read_text(encoding="utf-8"))


# --- what a cloze hides -------------------------------------------------------------------------------------------


def test_a_number_is_hidden_before_a_label():
    card = one("Traditional IRAs have RMDs from age 73; Roth IRAs have none.", "Retirement accounts")
    assert card.answer == "73"


def test_a_formula_is_hidden_whole_before_the_words_around_it():
    card = one("Time and memory grow as $O(n^2)$ in the sequence length n.", "Transformers")
    assert card.answer == "$O(n^2)$"


def test_an_amount_keeps_its_unit_and_two_amounts_make_two_cards():
    a, b = cards_of(
        "- The giant pool of money held about $70 trillion in 2006, twice the $36 trillion of 2000."
    )[:2]
    assert (a.answer, b.answer) == ("$70 trillion", "$36 trillion")
    assert a.cloze_text == b.cloze_text and (a.cloze_index, b.cloze_index) == (1, 2)
    assert b.front.startswith("The giant pool of money held about $70 trillion") and "[...]" in b.front


def test_a_spelled_out_number_with_its_unit_counts_as_a_number():
    assert one("Most people sustain about four hours of focused effort a day.").answer == "four hours"


def test_a_named_entity_is_hidden_whole_and_not_a_possessive():
    assert one("The concept comes from Anders Ericsson's research on violinists.").answer == "Anders Ericsson"


def test_a_short_command_is_hidden_whole():
    card = one("`git reflog` shows where HEAD has been, even after a reset.", "Recovering lost work")
    assert card.answer == "`git reflog`"


def test_never_the_notes_topic():
    card = one("A rebase replays your commits onto the upstream branch, one by one.", "Rebase")
    assert "rebase" not in card.answer.lower()


def test_never_a_word_common_to_many_of_the_notes_points():
    bullets = "\n".join(
        [
            "- Squash commits before you open the pull request.",
            "- Rewriting commits that others pulled forces them to recover by hand.",
            "- Interactive mode lists the commits in an editor, oldest first.",
            "- Autosquash moves fixup commits next to the commits they fix.",
        ]
    )
    for card in cards_of(bullets, "Rebase"):
        assert "commit" not in card.answer.lower(), card.front


def test_never_a_word_shown_elsewhere_on_the_front():
    card = one("Roth contributions come out tax-free, unlike Roth conversions within five years.", "IRAs")
    assert "roth" not in card.answer.lower()
    card = one("Required minimum distributions (RMDs) begin at age 73.", "Retirement")
    assert card.answer == "73"


def test_whole_noun_phrases_only():
    for bullet in [
        "Bill Gates went on reading retreats twice a year.",
        "Random forests average many deep trees grown on bootstrap samples.",
        "Feature scaling matters because the biggest units otherwise dominate the distances.",
    ]:
        card = one(bullet, "Misc")
        assert card.answer == card.answer.strip(" .,;:"), card.answer
        first, *_, last = card.answer.split() if " " in card.answer else [card.answer, card.answer]
        assert first.lower() not in {"the", "a", "an"} and last.lower() not in {"went", "fits", "matters"}


def test_a_list_or_range_of_numbers_is_hidden_whole_and_a_long_list_not_at_all():
    card, second = cards_of("- Step decay divided the rate by 10 at epochs 30, 60 and 90.", "Schedules")
    assert (card.answer, second.answer) == ("10", "30, 60 and 90")
    # neither the seven rates (too many to recall as one) nor "seven" (the list beside it counts itself)
    assert cards_of("- There are seven brackets: 10%, 12%, 22%, 24%, 32%, 35% and 37%.", "Income tax") == ()
    a, b = cards_of("- Signups jumped from 5,000 to 75,000 overnight.", "Launch")
    assert (a.answer, b.answer) == ("5,000", "75,000")


def test_a_date_and_a_form_name_are_hidden_whole():
    assert one("Contributions for 2024 can be made until April 15, 2025.", "IRAs").answer == "April 15, 2025"
    assert one("The custodian reports the distribution on a 1099-R.", "Conversions").answer == "1099-R"


def test_a_name_runs_across_of_and_and():
    assert one("Each one hangs over you like the Sword of Damocles.", "Risk").answer == "Sword of Damocles"
    card = one("Since the Tax Cuts and Jobs Act, a conversion can no longer be undone.", "Roth conversions")
    assert card.answer == "Tax Cuts and Jobs Act"
    assert (
        one("Group norm was proposed by Wu and He for small batches.", "Normalization").answer == "Wu and He"
    )


def test_no_broken_phrase_from_a_verb_gerund_or_adjective():
    for bullet, title, wrong in [
        (
            "Averaging decorrelated trees reduces variance without increasing bias much.",
            "Forests",
            "increasing",
        ),
        ("The learning rate is usually the most important hyperparameter to tune.", "Schedules", "important"),
        ("He describes four philosophies of scheduling: monastic, bimodal, rhythmic.", "Focus", "describes"),
        (
            "She lists three failure modes of large learning rates: divergence and oscillation.",
            "Tuning",
            "large",
        ),
        (
            "The hosts argue that the real moat is process knowledge built up over decades.",
            "Foundries",
            "hosts",
        ),
        ("Home equity interest counts only if the money was used to improve the home.", "Mortgages", "money"),
        (
            "Restaurants are fragile, but the industry is robust because failures teach the rest.",
            "Risk",
            "because",
        ),
    ]:
        cards = cards_of(f"- {bullet}", title)
        assert all(wrong not in c.answer.lower().split() for c in cards), [c.answer for c in cards]
    assert (
        one("He describes four philosophies of scheduling: monastic, bimodal, rhythmic.", "Focus").answer
        == "four"
    )


def test_a_bullet_mentioning_i_e_or_a_flag_is_no_opinion_but_a_reaction_anywhere_is():
    assert (
        one("It stops units from **co-adapting**, i.e. relying on other units.", "Dropout").answer
        == "co-adapting"
    )
    assert one("`git rebase -i` opens the todo list for the last commits.", "Rebase").kind.value == "cloze"
    assert cards_of("- The last part, on the future of the species, felt rushed.", "Sapiens") == ()


# --- no card ------------------------------------------------------------------------------------------------------


def test_an_opinion_gives_no_card_and_explains_why():
    text = "---\ntitle: T\n---\n## Key points\n\n- I found the middle chapters slow.\n- Worth a reread.\n"
    result = extract_cards(parse_note("notes/t.md", text.encode()))
    assert result.cards == ()
    assert [(line, why) for line, _t, why in result.skipped] == [
        (6, "an opinion or a reaction, not a fact"),
        (7, "an opinion or a reaction, not a fact"),
    ]


def test_a_quoted_first_person_is_not_an_opinion():
    card = one('Asking "can I go first because I have to make copies" worked 93% of the time.', "Influence")
    assert card.answer == "93%"


def test_a_bullet_with_nothing_specific_to_hide_gives_no_card():
    text = "---\ntitle: T\n---\n## Key points\n\n- It is what it is.\n"
    result = extract_cards(parse_note("notes/t.md", text.encode()))
    assert result.cards == () and result.skipped and result.skipped[0][2]


# --- term cards ---------------------------------------------------------------------------------------------------


def test_a_bold_lead_term_asks_a_question_naming_the_topic():
    card = one(
        "**Plateau of latent potential**: results lag behind effort until a threshold is crossed.",
        "Atomic Habits: Tiny Changes, Remarkable Results",
    )
    assert (card.kind.value, card.front) == (
        "keypoint",
        "Atomic Habits: what is the plateau of latent potential?",
    )
    assert card.back == "results lag behind effort until a threshold is crossed."


def test_a_bold_term_followed_by_a_verb_is_a_term_card():
    card = one("**Batch norm** normalizes each feature over the mini-batch.", "Normalization layers")
    assert card.kind.value == "keypoint" and card.front == "Normalization layers: what does batch norm do?"
    assert card.back == "Batch norm normalizes each feature over the mini-batch."
    card = one("**Black swans** are the unknown unknowns.", "Negotiation")
    assert card.front == "Negotiation: what are black swans?" and card.back == "the unknown unknowns."


def test_a_bold_subject_after_an_article_or_with_a_defining_verb_asks_what_it_is():
    assert one(
        "A **Black Swan** is an event that is rare and has an extreme impact.", "The Black Swan"
    ).front == ("The Black Swan: what is a Black Swan?")
    card = one("**Epistemic arrogance** means overestimating what we know.", "The Black Swan")
    assert (card.front, card.back) == (
        "The Black Swan: what is epistemic arrogance?",
        "overestimating what we know.",
    )
    card = one(
        "**Extremistan** describes domains where one observation dominates the total.", "The Black Swan"
    )
    assert card.front == "The Black Swan: what is Extremistan?"
    card = one("**Deep work** is professional activity done without distraction.", "Deep Work")
    assert (
        card.front == "Deep Work: what is deep work?"
        and card.back == "professional activity done without distraction."
    )


def test_a_bold_subject_doing_something_asks_what_it_does_or_says():
    for bullet, front in [
        (
            "**Patch IDs** let `git log --cherry-pick` spot the same change twice.",
            "Cherry-pick: what do Patch IDs do?",
        ),
        ("**Random trees** also pick split thresholds at random.", "Cherry-pick: what do random trees do?"),
        (
            "**EUV lithography** machines come from a single supplier.",
            "Cherry-pick: what do EUV lithography machines do?",
        ),
        ("**Via negativa** says you improve things by removing.", "Cherry-pick: what does via negativa say?"),
        (
            "**k-means++** (Arthur, 2007) spreads out the initial centroids.",
            "Cherry-pick: what does k-means++ do?",
        ),
    ]:
        card = one(bullet, "Cherry-pick")
        assert (card.kind.value, card.front) == ("keypoint", front)


def test_a_fact_about_a_bold_subject_stays_a_cloze_of_it():
    for bullet, answer in [
        ("**Longshoremen** were the big losers when dock jobs collapsed.", "Longshoremen"),
        ("**Points** paid for a lower rate can be deducted the same year.", "Points"),
    ]:
        card = one(bullet, "Shipping")
        assert (card.kind.value, card.answer) == ("cloze", answer)
    card = one("**The pure-play foundry** model means making chips for others only.", "TSMC")
    assert card.front == "TSMC: what is the pure-play foundry model?"


def test_a_question_keeps_a_name_capitalised_and_lowers_a_capitalised_opening():
    card = one("Newport's formula: work produced = time spent × intensity of focus.", "Deep Work")
    assert card.front == "Deep Work: what is Newport's formula?"
    card = one("The Lindy effect: the longer a book has survived, the longer it will last.", "Antifragile")
    assert card.front == "Antifragile: what is the Lindy effect?"
    assert one("**Iatrogenics** refers to harm caused by the healer.", "Antifragile").front == (
        "Antifragile: what is Iatrogenics?"
    )


def test_a_plain_term_and_colon_is_a_term_card_unless_its_answer_is_a_number():
    card = one("Fixed mindset: the belief that ability is set at birth.", "Mindset")
    assert card.kind.value == "keypoint" and card.front == "Mindset: what is fixed mindset?"
    card = one("Tickler file: 43 folders, one per month and day.", "Getting Things Done")
    assert card.kind.value == "cloze" and card.answer == "43"
    card = one("Example: the bat and the ball cost $1.10 together.", "Thinking, Fast and Slow")
    assert card.kind.value == "cloze"


def test_bullets_outside_a_key_point_section_give_no_generated_cards():
    """Key points are the bullets under a key-point heading (keypoint_headings); a note of bare bullets, as an
    Obsidian vault holds many, gets no generated cards from them."""
    from kb.cards.extractor import extract_cards
    from kb.notes.reader import parse_note

    note = parse_note(
        "notes/physics/triboelectric.md",
        b"# Triboelectric effect\n\n- A balloon rubbed on a sweater picks up about 1 microcoulomb of charge.\n"
        b"- Amber was the first material known to do it, around 600 BC.\n",
    )
    assert [c for c in extract_cards(note).cards if c.generated] == []


SECTIONED = """\
---
title: The Psychology of Money
type: book
author: Morgan Housel
---
# The Psychology of Money

Housel's point is that money is more about behaviour than about maths.

## Compounding and time

- Warren Buffett earned most of his fortune after his 65th birthday.
- Compounding rewards staying in the game more than finding the best returns.

## Quotes

- "Wealth is what you don't see."

## My thoughts

- I should automate my savings in January.
"""


def test_a_summary_organised_by_topic_gives_cards_from_every_topic_section():
    """A typed summary note with no "Key points" heading: its topic sections' bullets are its key points, and the
    sections that hold the reader's own matter (quotes, "My thoughts") give none."""
    note = parse_note("notes/books/psychology-of-money.md", SECTIONED.encode())
    cards = [c for c in extract_cards(note).cards if c.generated]
    # line 13 hides nothing its section's heading ("Compounding and time") does not show
    assert sorted({c.line for c in cards}) == [12]
    buffett = next(c for c in cards if c.line == 12)
    assert "65th" in buffett.back and "[...]" in buffett.front and "Compounding and time" in buffett.context


def test_a_sectioned_note_with_cards_of_its_own_or_no_type_gets_no_generated_cards():
    own = SECTIONED.replace("- Compounding rewards", "- Who earned late::Buffett\n- Compounding rewards")
    note = parse_note("notes/books/psychology-of-money.md", own.encode())
    assert [c.front for c in extract_cards(note).cards] == ["Who earned late"]
    untyped = SECTIONED.replace("type: book\n", "")
    assert extract_cards(parse_note("notes/books/psychology-of-money.md", untyped.encode())).cards == ()


def test_a_key_points_heading_still_limits_generation_to_its_section():
    with_heading = SECTIONED.replace(
        "## Quotes", "## Key points\n\n- Saving 15% of income does not need a goal.\n\n## Quotes"
    )
    note = parse_note("notes/books/psychology-of-money.md", with_heading.encode())
    assert [c.line for c in extract_cards(note).cards if c.generated] == [17]


def test_a_plain_sentence_defining_an_of_phrase_hides_the_whole_phrase():
    card = one(
        "The curse of dimensionality is that distances lose meaning as features pile up.",
        "Nearest neighbours",
    )
    assert card.answer == "curse of dimensionality"


def test_a_bold_term_after_a_verdict_word_is_no_opinion_and_a_comparison_is_no_definition():
    card = one("Good **mapping** puts controls where the things they control are.", "Design")
    assert card.answer == "mapping"
    card = one("**Bisect** is the better tool when you know a failing test.", "Blame")
    assert (card.kind.value, card.answer) == ("cloze", "Bisect")
    card = one("**Ridge regression** uses the L2 penalty and has a closed form.", "Regularization")
    assert card.front == "Regularization: what does ridge regression do?"


def test_a_name_capitalised_elsewhere_in_the_note_keeps_its_capital():
    cards = cards_of(
        "- A **Norman door** gives the wrong cue about pushing or pulling.\n- Norman worked at Apple in the 1990s.",
        "Design",
    )
    assert cards[0].front == "Design: what does a Norman door do?"


def test_a_name_made_of_numbers_a_coordinated_adjective_and_a_time_word_are_not_answers():
    assert one("The 10-10-10 rule comes from Suzy Welch.", "Decisions").answer == "Suzy Welch"
    card = one("A small k gives a noisy, high-variance decision boundary.", "Nearest neighbours")
    assert card.answer != "noisy"
    card = one("You can change your election mid-year only after a qualifying event.", "FSAs")
    assert "mid-year" not in card.answer
    assert cards_of("- One of the best episodes; the choir segment is fun.", "Radiolab") == ()


def test_a_bold_term_with_a_verb_and_a_colon_asks_what_it_is():
    card = one(
        "**Mental time travel** helps: imagine how you will feel about it in ten years.", "Thinking in Bets"
    )
    assert (card.front, card.back) == (
        "Thinking in Bets: what is mental time travel?",
        "imagine how you will feel about it in ten years.",
    )


def test_an_ordinal_or_usual_adjective_never_edges_an_answer():
    cards = cards_of(
        "- The first $1,300 is tax-free and the next $1,300 is taxed at the child's rate.", "Kiddie tax"
    )
    assert all(c.answer.split()[0] not in ("next", "first") for c in cards)
    cards = cards_of("- A blobless clone with a sparse checkout is the usual setup for monorepos.", "Clones")
    assert all(not c.answer.startswith("usual") for c in cards)


if __name__ == "__main__":
    for source, rel, target in (
        (GOLDEN_NOTE, "notes/books/deep-work.md", GOLDEN),
        (GOLDEN_MIXED_NOTE, "notes/ml/gradient-descent.md", GOLDEN_MIXED),
    ):
        text = json.dumps(golden_cards(source, rel), indent=1, ensure_ascii=False) + "\n"
        target.write_text(text, encoding="utf-8")
        print(f"wrote {target}")


def test_a_bold_lead_that_is_a_question_or_a_count_is_asked_as_such():
    card = one(
        "**Why divide by $\\sqrt{d_k}$**: dot products of unit-variance vectors grow with $d_k$.", "Attention"
    )
    assert card.front == "Attention: why divide by $\\sqrt{d_k}$?"
    card = one("**How to pick k?** plot the inertia against k and look for a bend.", "K-means")
    assert card.front == "K-means: how to pick k?"
    card = one("**Three places it's used**: encoder, decoder, and encoder-decoder attention.", "Attention")
    assert card.front == "Attention: what are the three places it's used?"


def test_an_abbreviation_beside_its_spelled_out_form_is_never_the_answer():
    for bullet in (
        "Light reaches the suprachiasmatic nucleus (SCN), the body's master clock, within seconds.",
        "Light reaches the SCN (suprachiasmatic nucleus), the body's master clock, within seconds.",
    ):
        for card in cards_of(f"- {bullet}", "Sleep"):
            assert card.answer.lower() not in ("scn", "suprachiasmatic nucleus"), card.front


def test_a_capitalised_name_is_hidden_whole_or_not_at_all():
    never_hidden(
        "WWI",
        ("The First Battle of the Marne stopped the German advance short of Paris.",),
        "Battle",
        "First",
        "Marne",
    )


def test_a_link_is_hidden_whole_or_not_at_all():
    links = (
        "Seen through [[Bayes' Theorem]], the penalty acts as a prior.",
        "It is [[Bayes' Theorem|Bayes]] again.",
    )
    never_hidden("Regularization", links, "Bayes", "Theorem", "penalty acts")


def test_an_item_under_a_lead_in_sentence_carries_it_in_its_context():
    for bullets in (
        "Contributions phase out with income. For 2025 the MAGI phase-out is:\n- single: $150,000 to $165,000\n"
        "- married filing jointly: $236,000 to $246,000",
        "For 2025 the MAGI phase-out is:\n\n- single: $150,000 to $165,000\n- married filing jointly: $236,000 to $246,000",
    ):
        cards = cards_of(bullets, "Backdoor Roth IRA")
        assert cards and all(c.context[-1] == "For 2025 the MAGI phase-out is:" for c in cards), [
            c.context for c in cards
        ]


def test_a_label_that_is_a_clause_or_a_name_is_asked_as_such():
    assert all(c.kind.value != "keypoint" for c in cards_of(
        "- Caveat they mention: the sample is self-selected visitors of the site.", "Freakonomics"))  # fmt: skip
    card = one(
        "Zappos: Nick Swinmurn photographed shoes in local stores and bought them when one sold.", "Lean"
    )
    assert card.front == "Lean: what is Zappos?"


def test_no_part_of_a_hyphenated_name_a_bare_symbol_or_the_label_before_a_colon():
    never_hidden(
        "PCA",
        ("Linear only: for curved structure use kernel PCA, or t-SNE and UMAP for plots.",),
        "SNE",
        "t-",
    )
    never_hidden(
        "Boosting", ("The boosting starts from $F_0$, the mean of $y$, and adds 100 trees.",), "$F_0$", "$y$"
    )
    never_hidden("Costco", ("CEO line: Sinegal, then Craig Jelinek (2012), then Ron Vachris (2024).",), "CEO")


def test_an_abbreviation_keeps_its_dot():
    for card in cards_of("- Wall St. complained for years that Costco paid its staff too well.", "Costco"):
        assert "[...]." not in card.front or card.answer.endswith("."), card.front


def test_a_bold_lead_that_is_advice_or_a_claim_is_not_asked_what_it_is():
    card = one(
        "**Keep it short**: five to nine items, one page, about a minute at a clear pause point.",
        "Checklists",
    )
    assert card.front == 'Checklists: what does "keep it short" mean?'
    card = one(
        "**Drain the shallows**: time-block every minute of the day and batch the shallow work.", "Deep Work"
    )
    assert card.front == 'Deep Work: what does "drain the shallows" mean?'
    for card in cards_of(
        "- **AUC has a clean probabilistic meaning**: the chance a random positive outscores a random negative.",
        "ROC",
    ):
        assert not card.front.startswith("ROC: what is"), card.front


def test_a_year_after_a_preposition_is_no_part_of_the_name_after_it_and_initials_join_their_name():
    never_hidden(
        "TSMC",
        ("In 1985 Taiwan's government recruited Morris Chang to run its research institute.",),
        "1985 Taiwan",
    )
    never_hidden(
        "Design",
        ("The term affordance comes from the psychologist J.J. Gibson, in the late 1970s.",),
        "J.J",
        "J.J.",
    )


def test_a_citation_year_a_version_and_a_bullet_opening_on_he_give_no_answer():
    never_hidden("ROC", ("Precision-recall curves tell you more here (Saito & Rehmsmeier, 2015).",), "2015")
    never_hidden(
        "Stash",
        ("Stash a single path with `git stash push -- file` (pathspecs since Git 2.13).",),
        "2.13",
        "Git 2.13",
    )
    podcast = '---\ntitle: "TSMC"\ntype: podcast\n---\n## Key points\n\n- He got a PhD from Stanford in 1964, at TI.\n'
    assert extract_cards(parse_note("notes/p.md", podcast.encode())).cards == ()


def test_a_number_the_others_on_the_card_give_away_is_not_hidden():
    for bullet, derived in (
        ("Nominal 98% intervals turned out to miss far more than 2% of the time.", ("98%", "2%")),
        (
            "Most people specialize late: 85-90% of them, while the remaining 10-15% start early.",
            ("85-90%", "10-15%"),
        ),
        ("Global savings doubled from about $36T in 2000 to about $70T by 2006.", ("$36T", "$70T")),
    ):
        for card in cards_of(f"- {bullet}", "Forecasts"):
            assert card.answer not in derived, card.front


def test_a_name_in_brackets_is_a_source_and_yields_to_the_fact_outside_them():
    card = one(
        "Student loans: up to $10,000 lifetime per borrower can go to repayment (SECURE Act, 2019).", "529"
    )
    assert card.answer == "$10,000"
    card = one(
        "A classroom study (Lindsey Richland and colleagues) found teachers asked 80% procedure questions.",
        "X",
    )
    assert card.answer == "80%"


def test_a_figure_is_hidden_in_a_note_full_of_figures():
    bullets = "\n".join(
        f"- {b}"
        for b in (
            "Contributions up to $19,000 a year count as gifts.",
            "K-12 tuition counts up to $10,000 per year per beneficiary.",
            "Student loans: up to $10,000 lifetime per borrower can go to repayment (SECURE Act, 2019).",
            "A 10% penalty applies to earnings withdrawn for other uses.",
            "Rollovers to a Roth IRA are capped at $35,000 over a lifetime.",
        )
    )
    loans = [c for c in cards_of(bullets, "529 plans") if "Student loans" in c.front]
    assert [c.answer for c in loans] == ["$10,000"]


def test_a_plain_one_word_topic_label_is_no_term_to_define():
    for card in cards_of(
        "- Jobs: he expects many to change, and new kinds to appear within a decade.", "Podcast #367"
    ):
        assert card.kind.value != "keypoint", card.front


def test_code_beside_its_alias_or_its_own_example_and_a_bold_claim_are_not_hidden():
    never_hidden(
        "Cherry-pick",
        ("`-n` / `--no-commit` applies the changes without committing.",),
        "`-n`",
        "`--no-commit`",
    )
    for card in cards_of(
        "- Merge commits need `-m <parent-number>`, e.g. `-m 1` for the first parent.", "Cherry-pick"
    ):
        assert not card.answer.startswith("`-m"), card.front  # each gives the other away
    card = one("**Penalty dropped to 25%** of the shortfall (was 50%) in 2023.", "RMDs")
    assert "Penalty" not in card.answer, card.answer


def test_an_option_named_by_the_words_beside_it_and_a_bare_small_count_are_not_hidden():
    options = (
        "With `-e` you can edit the message before committing.",
        "Pass `--no-commit` to apply the changes without committing them.",
    )
    never_hidden("Cherry-pick", options, "`-e`", "`--no-commit`")
    never_hidden(
        "RMDs", ("Delaying the first one means taking two distributions in the same calendar year.",), "two"
    )


def test_a_shown_double_is_hidden_with_its_half_at_the_end_of_a_sentence_and_beside_a_second_answer():
    card = one("Self-only coverage allows $4,150 and family coverage $8,300.", "HSA")
    assert card.front == "Self-only coverage allows [...] and family coverage [...]."
    fronts = [
        c.front
        for c in cards_of("- The limit was $10,500, or 50% of $8,000 (one child) or $16,000 (two).", "DCFSA")
    ]
    assert "The limit was $10,500, or 50% of [...] (one child) or [...] (two)." in fronts, fronts


def test_an_acronym_spelled_out_a_keyword_its_words_name_and_a_generic_head_are_not_hidden():
    never_hidden(
        "Morals",
        ("**WEIRD** samples (Western, Educated, Industrialized, Rich, Democratic) are outliers.",),
        "WEIRD",
    )
    never_hidden(
        "CV",
        ("`KFold` does not shuffle unless you pass `shuffle=True`, so sorted rows give odd folds.",),
        "`shuffle=True`",
    )
    never_hidden(
        "Voss",
        ("Tactical empathy is the core idea of the whole book, more than any single trick.",),
        "core idea",
    )
    for card in cards_of(
        "- **Durkheim over the New Atheists**: religion binds groups, whatever its truth.", "Haidt"
    ):
        assert not card.front.startswith("Haidt: what"), card.front


def test_a_share_in_words_is_given_away_by_its_rest_of_a_hundred():
    never_hidden(
        "Righteous Mind",
        ("We are 90 percent chimp and 10 percent bee, says Haidt.",),
        "90 percent",
        "10 percent",
    )


def test_a_year_after_a_name_is_not_part_of_it():
    bullet = "- 1x1 convolutions mix channels at each pixel, for cheap reduction (Inception/GoogLeNet 2014)."
    for card in cards_of(bullet, "CNNs"):
        assert card.answer != "GoogLeNet 2014", card.front


def test_a_nested_bullet_gets_its_own_card_with_its_parent_above_it():
    cards = cards_of(
        "- `git stash` shelves your uncommitted work. It has a few variants:\n"
        "    - `git stash -u` also takes untracked files.\n"
        "    - `git stash pop` reapplies the newest entry and drops it from the list.\n"
        "- Stashes live in `refs/stash`, a reflog of their own.",
        "Git stash",
    )
    nested = [c for c in cards if c.line in (9, 10)]
    assert nested, [(c.line, c.front) for c in cards]
    parent = "`git stash` shelves your uncommitted work. It has a few variants:"
    assert all(c.context[-1] == plain_text(parent, light=True) for c in nested), [c.context for c in nested]
    top = [c for c in cards if c.line == 11]
    assert top and all("variants" not in c.context[-1] for c in top)


def test_a_describing_phrase_the_note_uses_once_is_not_an_answer():
    for bullet in (
        "Deleting the branch by mistake is fixed by the reflog right away.",
        "The switch command is the modern replacement for half of what checkout did.",
        "Rested players make better choices in late rounds than tired ones.",
    ):
        assert all(
            c.answer not in ("right away", "modern replacement", "better choices")
            for c in cards_of(f"- {bullet}")
        ), bullet


def test_a_qualified_label_is_no_term_to_ask_about():
    for bullet in (
        "Main caveat: the rule covers losses on shares, never gains.",
        "Big lesson: small teams ship faster than large ones.",
    ):
        assert all("what is" not in c.front for c in cards_of(f"- {bullet}")), bullet


def test_a_named_rule_holding_a_number_is_asked_in_the_singular():
    card = one("**80/20 rule**: a fifth of the causes give four fifths of the effects.", "Essentialism")
    assert card.front == "Essentialism: what is the 80/20 rule?"
    card = one("**Three laws of robotics**: protect humans, obey, then protect yourself.", "Asimov")
    assert card.front.startswith("Asimov: what are the three laws")


def test_a_share_shown_as_a_fraction_beside_it_is_not_hidden():
    bullet = "Keep about 80% of the input pixels, which is a drop rate of 0.2 in the usual library call."
    assert all(c.answer != "80%" for c in cards_of(f"- {bullet}", "Dropout"))


def test_half_of_a_latin_name_is_not_hidden():
    bullet = "Neanderthals, Homo floresiensis and Denisovans all shared the planet with us."
    assert all(c.answer != "Homo" for c in cards_of(f"- {bullet}", "Sapiens"))


def test_a_fraction_shown_beside_as_a_percentage_is_not_hidden():
    bullet = "Social Security tax applies to 92.35% of net earnings, so multiply the profit by 0.9235 first."
    assert all(c.answer != "0.9235" for c in cards_of(f"- {bullet}", "Self-employment tax"))
