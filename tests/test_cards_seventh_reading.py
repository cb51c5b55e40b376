"""Issue 18, what the seventh session's re-reading of the blind verdicts asked to fix: to-dos and reading lists made
into cards, a host asked "what is" instead of "who is", a maxim asked "what is" as if it were a thing, a clause or
the scene of a story asked as a term, and a blank that ran into a verb and its particle."""

from __future__ import annotations

import pytest

from tests.test_cards_fifth_reading import _note
from tests.test_cards_keypoint_rules import cards_of, one
from tests.test_cards_side_details import asked_what_it_is


def test_a_task_list_item_makes_no_card():
    cards = cards_of(
        "- Stalin's death in 1953 opened a short thaw.\n"
        "- [ ] The Khrushchev memoirs, volume two\n"
        "- [x] Anne Applebaum's Iron Curtain, on Eastern Europe 1944–1956",
        "The Cold War",
    )
    assert [c.answer for c in cards] == ["1953"]


@pytest.mark.parametrize(
    "heading", ["To read next", "To listen next", "Reading list", "Up next", "Watch list"]
)
def test_bullets_under_what_the_writer_means_to_read_next_make_no_cards(heading):
    cards = _note(
        "The Cold War",
        "## Notes\n\n- Stalin's death in 1953 opened a short thaw.\n\n"
        f"## {heading}\n\n- Gaddis's biography of George Kennan, the author of the Long Telegram.\n"
        "- The episode on the Berlin airlift of 1948, if the feed still has it.",
    )
    assert [c.answer for c in cards] == ["1953"]


@pytest.mark.parametrize("heading", ["The hosts", "Guests", "Key figures", "Cast of characters"])
def test_a_name_under_a_heading_over_people_is_asked_who_it_is(heading):
    cards = _note(
        "Revolutions",
        f"## {heading}\n\n"
        "- **Mike Duncan**: American; made *The History of Rome* (2007–2012) first, later a book on Lafayette.\n"
        "- Helen Castor: medieval England; wrote *She-Wolves* (2010) and a life of Joan of Arc.",
        "podcast",
    )
    assert [c.front for c in cards] == [
        "Revolutions: who is Mike Duncan?",
        "Revolutions: who is Helen Castor?",
    ]


def test_a_named_thing_under_an_ordinary_heading_is_still_asked_what_it_is():
    cards = _note(
        "Tax shelters", "## Accounts\n\n- **Health Savings Account**: pre-tax money for medical bills."
    )
    assert [c.front.replace(" the ", " ") for c in cards] == ["Tax shelters: what is Health Savings Account?"]


@pytest.mark.parametrize(
    "bullet, front",
    [
        (
            "**Design it twice**: sketch two very different designs before committing to either.",
            'A Philosophy of Software Design: what does "design it twice" mean?',
        ),
        (
            "**Pull complexity downwards**: the implementer absorbs the pain so that callers do not.",
            'A Philosophy of Software Design: what does "pull complexity downwards" mean?',
        ),
        (
            "**Define errors out of existence**: make the edge case succeed instead of throwing.",
            'A Philosophy of Software Design: what does "define errors out of existence" mean?',
        ),
    ],
)
def test_a_maxim_led_by_a_verb_is_asked_what_it_means(bullet, front):
    assert one(bullet, "A Philosophy of Software Design").front == front


@pytest.mark.parametrize("term", ["Pull request", "Design patterns", "Push notifications"])
def test_a_noun_led_by_a_word_that_is_also_a_verb_is_still_a_term(term):
    front = one(f"**{term}**: the name for it in this codebase's docs.", "Notes on things").front
    assert front.startswith("Notes on things: what ") and " mean?" not in front, front


@pytest.mark.parametrize(
    "bullet",
    [
        "Guests range wildly: economists, novelists, chefs, musicians and founders.",
        "Writing the bills himself: his staff drafted clauses that quietly handed him sweeping powers.",
        "Senate years in Washington: decided to court the old Southern chairmen instead of fighting them.",
        "Post-war slump at Cornell: tried to force research and got nothing out of it for a year.",
    ],
)
def test_a_clause_or_the_scene_of_a_story_is_not_asked_what_it_is(bullet):
    assert asked_what_it_is(cards_of(f"- {bullet}", "The Years of Lyndon Johnson")) == []


@pytest.mark.parametrize(
    "bullet, front",
    [
        (
            "Value at Risk: the loss a portfolio should not exceed on most trading days.",
            "what is Value at Risk?",
        ),
        ("Precision at k: the share of the top k results that are relevant.", "what is precision at k?"),
        (
            "Marshmallow test: Mischel offered kids one treat now or two if they waited.",
            "what is the Marshmallow",
        ),
    ],
)
def test_a_term_with_a_preposition_or_a_story_of_its_own_is_still_asked_what_it_is(bullet, front):
    assert front in one(bullet, "Notes on things").front


def test_a_blank_never_takes_a_verb_and_its_particle():
    bullets = (
        "The land looked fertile but the topsoil washed away within a few seasons.",
        "Attendance at the early meetings dried up once the grant paid out.",
    )
    for bullet in bullets:
        for card in cards_of(f"- {bullet}", "Notes on things"):
            assert not card.answer.endswith((" away", " up", " out")), card.front


@pytest.mark.parametrize(
    "bullet, side",
    [
        (
            "PyTorch: `nn.CrossEntropyLoss(label_smoothing=0.1)` (added in 1.10). Before that people wrote their own.",
            "1.10",
        ),
        (
            "Aliased `git log --oneline --graph --all` to `git lg` (decorations are on by default since git 2.13).",
            "2.13",
        ),
        (
            "With many classes (e.g. $K = 50{,}000$ words), $\\varepsilon / K$ is tiny per class yet still matters.",
            "$K = 50{,}000$",
        ),
    ],
)
def test_the_version_that_brought_a_feature_or_an_example_formula_in_brackets_is_not_hidden(bullet, side):
    assert side not in [c.answer for c in cards_of(f"- {bullet}", "Notes on things")]


def test_a_default_in_brackets_is_still_hidden():
    assert (
        one("Leaf-wise growth overfits small data fast, so cap `num_leaves` (default 31).", "Notes").answer
        == "31"
    )


def test_a_formula_after_like_is_the_law_itself_and_still_hidden():
    card = one("Metabolic rate grows like $M^{3/4}$ across mammals, from shrews to whales.", "Scaling laws")
    assert card.answer == "$M^{3/4}$"


def test_bullets_under_follow_ups_worth_knowing_still_make_cards():
    cards = _note(
        "Vision Transformers",
        "## Follow-ups worth knowing\n\n- MAE (He et al., 2021): mask about 75% of the patches and rebuild the pixels.",
    )
    assert [c.answer for c in cards] == ["75%"]


@pytest.mark.parametrize(
    "bullet",
    [
        "Famous moment: the question about a word in a lecture, met by silence from the whole hall.",
        "Gloomy ending: an open question whether cities can keep speeding up forever.",
        "Lots of biography: Rutherford, Bohr, Fermi and Szilard all get chapters of their own.",
    ],
)
def test_a_label_naming_a_part_of_the_source_or_how_much_of_it_is_not_asked_what_it_is(bullet):
    cards = cards_of(f"- {bullet}", "Notes on things")
    assert asked_what_it_is(cards) == []
    assert all(not bullet.startswith(c.answer) for c in cards if c.answer)  # the label is never the blank


def test_a_label_ending_on_a_plural_of_people_is_asked_who_they_are():
    card = one("Apple co-founders: Steve Jobs, Steve Wozniak and Ronald Wayne (who sold out early).", "Apple")
    assert card.front == "Apple: who are the Apple co-founders?"


def test_a_bold_term_defined_by_a_formula_alone_asks_for_the_formula():
    card = one("**Hinge loss**: $\\max(0, 1 - y\\,f(x))$", "Support vector machines")
    assert card.front.lower() == "support vector machines: what is the formula for hinge loss?"


def test_a_bold_word_naming_a_list_item_with_a_comma_is_no_subject_doing_something():
    cards = cards_of("1. **passive-activity** rules, §469 (Form 8582)", "Passive losses")
    assert not any(" do?" in c.front for c in cards)


def test_a_count_before_a_label_is_not_read_out_in_the_question():
    card = one(
        "7) facts and circumstances: regular, continuous and substantial involvement.", "Passive losses"
    )
    assert card.front == "Passive losses: what are facts and circumstances?"


@pytest.mark.parametrize(
    "bullet",
    [
        "With our MAGI well above $150k, the allowance is zero, hence suspended losses.",
        "Cost for us is about 15.3% FICA plus state unemployment insurance on top of wages.",
        "Pairs well with The Checklist Manifesto on routines in surgery wards.",
    ],
)
def test_the_writers_household_and_recommendations_make_no_card(bullet):
    assert not cards_of(f"- {bullet}", "Notes on things")


def test_our_in_a_technical_sentence_is_still_a_fact():
    assert cards_of("- In our model the encoder has 12 layers and 768 hidden units.", "BERT notes")


def test_code_holding_a_card_marker_does_not_turn_the_key_points_off():
    """`password==>xxx` or `std::vector` in code is no card the user wrote: the note's bullets are still its key
    points."""
    sections = (
        "## Recipes\n\n- `--replace-text expr.txt` with lines like `password123==>xxxx` scrubs secrets from every "
        "blob.\n- In C++ the container is `std::vector`.\n\n```\nliteral:token==>REMOVED\n```\n\n"
        "- The tool was written by Elijah Newren in 2019."
    )
    cards = _note("git filter-repo", sections, "topic")
    assert "2019" in [c.answer for c in cards]


def test_a_highlight_in_prose_is_still_a_card_the_user_wrote():
    cards = _note(
        "Notes", "## Points\n\n- The tool was written by ==Elijah Newren==.\n- It came out in 2019.", "topic"
    )
    assert [c.answer for c in cards] == ["Elijah Newren"]


@pytest.mark.parametrize(
    "bullet",
    [
        "Paradox: calm and blissful, yet unable to work out how to dial a phone for help.",
        "Residency: the child lived with you in the US for more than half the year.",
        "Easier alternative: both parents write separate checks, so no election is needed.",
        "Striking bit: the first signers, now adults, still fail the false-belief test.",
    ],
)
def test_a_label_made_of_an_everyday_word_or_judging_a_part_is_not_asked_what_it_is(bullet):
    assert asked_what_it_is(cards_of(f"- {bullet}", "Notes on things")) == []


def test_a_rare_word_or_a_word_under_a_vocabulary_heading_is_still_a_term():
    card = one("Hormesis: small doses of a stressor make you stronger, like fasting.", "Antifragile")
    assert card.front.lower() == "antifragile: what is hormesis?"
    cards = _note(
        "Design notes", "## Core vocabulary\n\n- Mapping: how controls line up with what they move."
    )
    assert [c.front.lower() for c in cards] == ["design notes: what is mapping?"]


def test_a_bold_name_whose_bullet_tells_a_life_is_asked_who_it_is():
    card = one(
        "**Grace Hopper**: years at Harvard on the Mark I, retired by the Navy twice and recalled twice.",
        "COBOL",
    )
    assert card.front == "COBOL: who is Grace Hopper?"
    company = one(
        "**Sun Microsystems**: founded in 1982 near Stanford; its workstations ran BSD.", "Unix history"
    )
    assert "who is" not in company.front and company.front.startswith("Sun Microsystems: founded in 1982")
