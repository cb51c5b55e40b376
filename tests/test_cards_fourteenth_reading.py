"""Issue 18, what the blind readings of sets BE to BP did not keep, read again against the code of the fourteenth
session: "who is Concentration?" before a claim about reserves; a blank whose number the card shows again ("the
[Rule of 55] ... the year you turn 55"); a blank that is a name's verb and object ("Purdue [pushed higher
strengths]"); a blank whose word shows in another form ("[Vaccinating poultry] ... places that vaccinate").

The bullets are written again in other words; each case is a card a reader marked FIXABLE or DROP, or a guard that
a rule does not over-reach."""

from __future__ import annotations

import pytest

from kb.cards.salience import Candidate, _why_not
from tests.test_cards_eleventh_reading import note_cards
from tests.test_cards_thirteenth_reading import fronts, hidden


@pytest.mark.parametrize(
    "bullet, label",
    [
        # judged blind in set BO: "who is Concentration?" answered "reserves sit mostly at a handful of big banks"
        (
            "**Crowding**: deposits sit mostly at a few large lenders, so one cautious lender moves the rate.",
            "Crowding",
        ),
        # set BN: "what is State?" answered "most states tax gains as ordinary income"
        ("**Residence**: most provinces tax the benefit as ordinary pay, though two exempt it.", "Residence"),
    ],
)
def test_a_topic_word_before_a_claim_with_a_plural_subject_asks_no_question(bullet, label):
    got = fronts("Plumbing of Money", f"## Why it broke\n- {bullet}\n- Other point on the 2019 spike here.\n")
    assert not any(f.endswith(f"{label}?") for f in got)


def test_a_topic_words_claim_becomes_a_cloze_with_the_label_shown():
    got = fronts(
        "Plumbing of Money",
        "## Why it broke\n- **Crowding**: deposits sit mostly at four large lenders, so one cautious lender moves "
        "the rate.\n- Other point on the 2019 spike here.\n",
    )
    assert any(f.startswith("Crowding: deposits sit mostly at") and "[...]" in f for f in got)


def test_a_term_defined_by_a_plural_claim_keeps_its_question():
    """Guard: "**Ox-hoist**: oxen walk in a circle ..." (set BH, kept) and "**Expert parallelism**: experts live on
    different devices ..." (set BE, kept) are terms, not topic words."""
    got = fronts(
        "Raising the Dome",
        "## Machines\n- **Ox-hoist**: oxen walk in a circle and a reversing gear lifts or lowers the load.\n",
    )
    assert any(f.startswith("Raising the Dome: what is") and "ox-hoist" in f.lower() for f in got)


@pytest.mark.parametrize(
    "text, span, kind",
    [
        # judged blind in set BO: "or the [Rule of 55] if you leave the employer in the year you turn 55"
        ("Or use the Rule of 55 when you quit the job in or after the year you turn 55; only that plan.", "Rule of 55",
         "term"),
        # set BH: "[10-year rule], account empty by the end of year 10"
        ("Most heirs who are not spouses: 10-year rule, account emptied by the end of year 10.", "10-year rule",
         "term"),
        # set BN: "Hurricanes of [1926 and 1928]. In 1928 the lake ..."
        ("Storms of 1926 and 1928. In 1928 the lake spilled over the dike and thousands drowned.", "1926 and 1928",
         "number"),
        # set BO: "[Vaccinating poultry] is possible, but ... places that vaccinate, since vaccination can mask ..."
        ("Vaccinating poultry works, but buyers refuse exports from places that vaccinate, since it hides infection.",
         "Vaccinating poultry", "term"),
    ],
)  # fmt: skip
def test_a_blank_the_card_gives_away_in_another_form_is_not_made(text, span, kind):
    at = text.index(span)
    assert _why_not(text, Candidate(3.0, at, at + len(span), kind), set(), frozenset())


def test_a_date_is_still_hidden_whole_when_its_year_shows():
    """Guard: "due by [April 1, 2026], and the 2026 one by Dec 31": the date is one fact, and a blank of its month
    alone ("due by [April] 1, 2026") would be worse."""
    got = hidden("Miss the first one and it is due by April 1, 2026, with the 2026 one due by Dec 31.")
    assert "April" not in got


def test_a_blank_is_never_a_names_verb_and_its_object():
    """Judged blind in set BM: after "[12-hour dosing]" was found given away, the next choice was "Purdue [pushed
    higher strengths]", a verb and its object."""
    got = hidden(
        "Twice-daily dosing wore off early for many. Purdue pushed higher strengths, not shorter gaps."
    )
    assert not any(a.startswith("pushed") for a in got)


def test_a_sentence_opener_is_no_name_before_a_verb():
    """Guard: "For [squared error] that is the residuals": "For" opens the sentence, it names nobody."""
    got = hidden("Boosting fits each tree to the loss gradient. For squared error that is just the residual.")
    assert "squared error" in got


def test_the_cards_of_a_note_still_come_for_the_bullets_left():
    """Guard over the whole: the rules above drop no card of an ordinary bullet."""
    cards = note_cards(
        "Plumbing of Money",
        "## Points\n- The repo rate jumped to 10% on 17 September 2019.\n- The Fed added reserves within a week.\n",
    )
    assert any(c.generated and "10%" == c.answer for c in cards)


@pytest.mark.parametrize(
    "bullet, aside",
    [
        # judged blind in sets BF to BP: the writer's aside after the point, marked to trim
        (
            "**Courts**: prosecutors resisting DNA exonerations and false confessions. Best chapter IMO.",
            "IMO",
        ),
        (
            "**Section 1244 stock**: ordinary-loss treatment for small business shares. Not relevant to me.",
            "relevant",
        ),
        (
            "**Triangle trade**: the worst salt cod fed enslaved people in the Caribbean. I didn't know that.",
            "know",
        ),
        # set BH: "... due by Dec 31, 2026. Need to check what bracket that pushes him into."
        (
            "**Two in one year**: delaying the first RMD puts two in one tax year. Need to check the bracket.",
            "Need",
        ),
        (
            "**Overfitting**: more features ≠ a better fit. Regularization, early stopping. Darwin's pro/con list, lol.",
            "lol",
        ),
    ],
)
def test_a_term_cards_back_loses_the_writers_aside(bullet, aside):
    got = fronts("Salted History", f"## Ideas\n- {bullet}\n")
    assert got and not any(aside in back for back in got.values())


def test_a_clozes_card_loses_the_writers_aside_in_brackets():
    """Judged blind in set BI: "... made them permanent. (Double check this.)" on both sides of the card."""
    cards = note_cards(
        "Roth Conversions",
        "## Timing\n- The TCJA brackets were due to end after 2025, but OBBBA made them permanent. (Double check "
        "this.)\n- Conversions are taxed as ordinary income in the year they happen.\n",
        kind="topic",
    )
    made = [c for c in cards if c.generated and "TCJA" in c.back]
    assert made and all("Double" not in c.back and "Double" not in c.front for c in made)


def test_an_opinion_stays_one_when_its_aside_would_go():
    """Guard: a bullet the aside makes the writer's own ("Stop being the bottleneck on reviews. I do this too
    much.") makes no card, as before."""
    cards = note_cards(
        "Turn It Around", "## Me\n- Stop being the approval bottleneck on reviews. I do this a lot.\n"
    )
    assert not [c for c in cards if c.generated]


def test_a_quoted_first_person_is_the_point_not_an_aside():
    """Guard: "talk to yourself as 'you' instead of 'I'" keeps its sentence."""
    got = fronts(
        "Chatter",
        '## Tools\n- **Distanced self-talk**: use your own name. Say "you" instead of "I". "Okay Sam, you can do '
        'this."\n',
    )
    assert any('"Okay Sam' in back for back in got.values())


def test_a_day_cut_from_its_month_is_never_the_blank():
    """Judged blind in set BR: "Year end: sell Dec [28], rebuy Jan 5 → still a wash sale": the day alone, an
    example's (set AN had the same with the year shown: "by Dec [31], 2024")."""
    text = "Year end: sell Dec 28, rebuy Jan 5 and it is still a wash sale."
    at = text.index("28")
    assert _why_not(text, Candidate(3.0, at, at + 2, "number"), set(), frozenset())


LIBRARIES = """## Libraries (what differs)

**XGBoost** (Chen & Guestrin, 2016)
- uses a 2nd-order Taylor expansion of the loss, gradient and hessian
- sparsity-aware split finding learns a default direction for missing values

**LightGBM** (Microsoft, 2017)
- leaf-wise growth instead of level-wise, so trees come out deeper and lopsided
"""


def test_a_bold_name_line_over_a_list_is_shown_with_its_cards():
    """Judged blind in set BQ: the cards under "**XGBoost** (Chen & Guestrin, 2016)" "did not name XGBoost"."""
    cards = [c for c in note_cards("Gradient Boosting", LIBRARIES, kind="topic") if c.generated]
    assert cards
    for c in cards:
        lib = "LightGBM" if "leaf-wise" in c.back else "XGBoost"
        assert any(part.startswith(lib) for part in c.context), c.context


def test_a_bold_plan_line_over_a_list_skips_the_writers_plans():
    """Set BL: "**Planning notes (for us)**:" over the writer's own plans ("Hold growth funds in the UTMA")."""
    cards = note_cards(
        "The Kiddie Tax",
        "## Rules\n- Unearned income over $2,700 is taxed at the parents' rate.\n\n**Planning notes (for us)**:\n"
        "- Hold growth funds with low dividends in the UTMA; keep turnover low.\n",
        kind="topic",
    )
    assert not [c for c in cards if c.generated and "UTMA" in c.back]


@pytest.mark.parametrize(
    "label, asked",
    [
        # judged blind in set BR: "what is Goldsboro, NC, January 1961?", "what is Autumn 1993?"
        ("Goldsboro, NC, January 1961", "what happened in Goldsboro, NC, in January 1961?"),
        ("Autumn 1993", "what happened in autumn 1993?"),
    ],
)
def test_a_bold_place_and_time_or_season_asks_what_happened(label, asked):
    got = fronts(
        "Close Calls", f"## Accidents\n- **{label}**: a bomber broke up in the air and dropped two bombs.\n"
    )
    assert f"Close Calls: {asked}" in got


def test_a_label_under_special_cases_asks_for_the_notes_rule_in_that_case():
    """Judged blind in set BR: under "## Special cases" of a note on holding periods, "what are RSUs?" answered
    "starts at vesting"; the reader asked for the holding period of RSUs."""
    got = fronts(
        "Holding Periods",
        "## Special cases\n- **Gifts**: you take over the giver's holding period.\n"
        "- **RSUs**: the clock starts at vesting.\n",
        kind="topic",
    )
    assert got == {
        "Holding Periods: what is the rule for gifts?": "you take over the giver's holding period.",
        "Holding Periods: what is the rule for RSUs?": "the clock starts at vesting.",
    }


@pytest.mark.parametrize(
    "bullet",
    [
        # judged blind in set BR: "what are result everyone quotes?", "what is reported claim?", "what is Huberman's
        # addition?", "what is the REM as overnight therapy?"
        "Result everyone quotes: the pundits did barely better than a dart-throwing chimp.",
        "Reported claim: they beat analysts who could read classified files.",
        "Walker's addition: get outdoor light in your eyes early in the day, longer if cloudy.",
        "REM as overnight therapy: hard memories replayed with low noradrenaline, so the sting fades.",
    ],
)
def test_a_label_that_is_a_clause_a_finding_or_someones_point_asks_no_question(bullet):
    got = fronts("Sleep Talk", f"## Notes\n- {bullet}\n", kind="podcast")
    assert not any(": what " in f for f in got)


def test_a_capitalised_plural_in_es_is_asked_as_a_plural():
    """Judged blind in set BR: "what is Foxes?"."""
    got = fronts(
        "Forecasting",
        "## Foxes vs hedgehogs\n- **Foxes**: pull from lots of sources, hedge, update. Better forecasters.\n",
        kind="podcast",
    )
    assert any(f.endswith("what are Foxes?") or f.endswith("what are foxes?") for f in got)


def test_a_blank_given_by_its_conversion_in_brackets_after_it_is_not_made():
    """Judged blind in set BR: "has to drop about [1°C] (2–3°F)"."""
    text = "Core body temperature has to drop about 1°C (2–3°F) to fall asleep easily."
    at = text.index("1°C")
    assert _why_not(text, Candidate(3.0, at, at + 3, "number"), set(), frozenset())


@pytest.mark.parametrize(
    "bullet",
    [
        # judged blind in sets BQ and BR, all DROP: the writer's verdict, disagreement and comment on the book
        "Really good vocabulary book. The stock vs flow split alone cleared up a lot (debt vs deficit).",
        "Disagree a little: he underrates how much domain expertise helps in weather forecasting.",
        "Singh explains modular forms gently. The 'bridge between two worlds' metaphor is overused but works.",
    ],
)
def test_the_writers_verdict_or_disagreement_makes_no_card(bullet):
    assert not [c for c in note_cards("Systems", f"## Key ideas\n- {bullet}\n") if c.generated]


@pytest.mark.parametrize(
    "text, formula",
    [
        # judged blind in set BR, DROP: "make two augmented views [$\tilde{x}_i, \tilde{x}_j$]", "→ [$z = g(h)$]"
        (
            r"Take an input $x$ and make two augmented views $\tilde{x}_i, \tilde{x}_j$.",
            r"$\tilde{x}_i, \tilde{x}_j$",
        ),
        (r"A small MLP head $g$ maps the features: $z = g(h)$.", r"$z = g(h)$"),
    ],
)
def test_a_formula_that_only_names_symbols_is_never_the_blank(text, formula):
    at = text.index(formula)
    assert _why_not(text, Candidate(3.0, at, at + len(formula), "formula"), set(), frozenset())


def test_a_formula_with_a_fact_in_it_can_still_be_the_blank():
    """Guard: "$y = wx + b$" states how y is made."""
    text = "A linear model predicts $y = wx + b$ from the inputs."
    at = text.index("$y")
    assert _why_not(text, Candidate(3.0, at, at + len("$y = wx + b$"), "formula"), set(), frozenset()) is None


@pytest.mark.parametrize(
    "bullet, counted",
    [
        # judged blind: "what are the 3 black holes?" for what a black hole is; "what are the 3 Foxes?" for what
        # foxes do
        ("**Black holes**: zero volume, infinite density, relativity breaks down.", "the 3 Black holes"),
        ("**Foxes**: pull from many sources, hedge, update.", "the 3 Foxes"),
    ],
)
def test_a_list_of_doings_or_claims_is_no_count_of_the_labels_things(bullet, counted):
    got = fronts("Forecasting", f"## Kinds\n- {bullet}\n")
    assert got and not any(counted.lower() in f.lower() for f in got)


def test_a_list_of_the_labels_things_is_still_counted():
    """Guard: "the five steps" of a method, listed."""
    got = fronts("Getting It Done", "## Method\n- **Steps**: capture, clarify, organize, reflect, engage.\n")
    assert "getting it done: what are the 5 steps?" in {f.lower() for f in got}


def test_a_plus_or_minus_of_a_book_is_the_writers_verdict():
    """Judged blind in set BT, DROP: "(+) the 'what happened next' sections in every chapter"."""
    cards = note_cards(
        "The Man from the Future",
        "## Notes\n- (+) covers the dark side too. He pushed for a preventive nuclear strike on the Soviet Union.\n"
        "- (−) thin on his private life: two marriages, Mariette Kövesi, then Klára Dán, in a paragraph.\n",
    )
    assert not [c for c in cards if c.generated]


def test_a_methods_pros_in_a_topic_note_still_make_cards():
    """Guard: "(−) can't extrapolate past the training range" is a fact of random forests."""
    cards = note_cards(
        "Random forests",
        "## Pros and cons\n- (−) can't extrapolate past the training range, since leaves average targets\n",
        kind="topic",
    )
    assert [c for c in cards if c.generated]


def test_a_share_written_as_a_percentage_on_the_card_gives_its_fraction_away():
    """Judged blind in set BT: "92.35% factor: multiply net profit by [0.9235] first"."""
    text = "The 92.35% factor: multiply net profit by 0.9235 first."
    at = text.index("0.9235")
    assert _why_not(text, Candidate(3.0, at, at + 6, "number"), set(), frozenset())


def test_a_stretch_of_decades_is_no_term_to_count():
    """Judged blind in set BT: "what are the 4 late 40s–50s?"."""
    got = fronts(
        "The Man from the Future",
        "## Life\n- **Late 40s–50s**: the IAS machine, Monte Carlo with Ulam, weather prediction, automata.\n",
    )
    assert not any("what are" in f for f in got)


def test_a_code_example_with_a_placeholder_is_never_the_blank():
    """Judged blind in set BT: "stored at [.git/objects/ab/cdef...]"."""
    text = "A loose object is zlib-compressed and stored at `.git/objects/ab/cdef...`, `ab` being the hash's start."
    at = text.index("`.git")
    end = text.index("`,") + 1
    assert _why_not(text, Candidate(3.0, at, end, "code"), set(), frozenset())


def test_a_blank_never_ends_on_a_verb_before_its_object():
    """Judged blind in set BS: "Real [estate money drives] most building change"."""
    text = "Real estate money drives most building change, not design."
    at = text.index("estate")
    end = text.index(" most")
    assert _why_not(text, Candidate(2.0, at, end, "term"), set(), frozenset())
    # a noun in -s before a quantifier is no verb ("the [IRS site] every year")
    text = "Check the IRS site every year, the rules keep changing."
    at = text.index("IRS")
    assert "verb" not in (_why_not(text, Candidate(2.0, at, at + 8, "term"), set(), frozenset()) or "")


@pytest.mark.parametrize(
    "bullet, verdict",
    [
        # judged blind in set BU: the writer's reaction after the point, marked to trim
        (
            "**Frank Worsley**: captain; navigated the boat trip by sextant from four sightings. Absurd skill.",
            "Absurd",
        ),
        ("**Blame view**: GitHub picks up the ignore-revs file at the repo root by itself. Nice.", "Nice"),
    ],
)
def test_a_short_verdict_after_the_point_goes_from_the_card(bullet, verdict):
    got = fronts("Endurance", f"## People\n- {bullet}\n")
    assert got and not any(verdict in back for back in got.values())


def test_a_worked_examples_figures_make_no_card():
    """Judged blind in set BU, all DROP: "Example:" over the writer's figures ("Old rollover IRA: $63,000")."""
    cards = note_cards(
        "Backdoor Roth",
        "## The pro-rata rule\n\nExample:\n- Old rollover IRA from a past job: $63,000 pre-tax\n"
        "- New nondeductible contribution: $7,000\n- Convert $7,000 → 90% = $6,300 taxable.\n",
        kind="topic",
    )
    assert not [c for c in cards if c.generated]


def test_a_bullet_cut_before_its_sub_list_makes_no_card():
    """Judged blind in set BV: "what is wage/property limit?" answered "capped at the greater of"."""
    got = fronts(
        "QBI deduction",
        "## Limits\n- **Wage/property limit**: the deduction per business is capped at the greater of\n"
        "  - 50% of W-2 wages, or\n  - 25% of W-2 wages plus 2.5% of qualified property.\n",
        kind="topic",
    )
    assert not any(back.endswith("greater of") for back in got.values())


def test_a_day_label_of_a_timeline_asks_what_happened():
    """Judged blind in set BU: "- 5 Dec 1914: leaves Grytviken ..." asked "what is the 5 Dec 1914?"."""
    got = fronts(
        "Endurance", "## Timeline\n- 5 Dec 1914: leaves Grytviken, South Georgia, for the Weddell Sea.\n"
    )
    assert "Endurance: what happened on 5 Dec 1914?" in got


def test_a_name_made_up_for_an_example_is_never_the_blank():
    """Judged blind in set BV, DROP: "`feat-a` has commits a1, a2. [`feat-b`] was branched from `feat-a`"."""
    text = "`feat-a` has commits a1, a2. `feat-b` was branched from `feat-a` and adds b1, b2."
    at = text.index("`feat-b`")
    assert _why_not(text, Candidate(3.0, at, at + 8, "code"), set(), frozenset())


def test_one_item_of_an_open_list_is_never_the_blank():
    """Judged blind in set BT: "(+) [little tuning]; no need to standardize; picks up nonlinearities": another item
    of the list fills the blank as well."""
    text = "(+) little tuning; no need to standardize; picks up nonlinearities and interactions"
    at = text.index("little")
    assert _why_not(text, Candidate(2.0, at, at + len("little tuning"), "term"), set(), frozenset())
    # a run inside one item is no whole item
    text = "Kernels: periodic, linear, and sums of these."
    at = text.index("sums")
    assert "list" not in (_why_not(text, Candidate(2.0, at, at + 4, "term"), set(), frozenset()) or "")


def test_a_month_cut_from_its_date_is_never_the_blank():
    """Judged blind in set BX: "Healthcare.gov (launched [Oct] 1, 2013) famously fell over"."""
    text = "Healthcare.gov (launched Oct 1, 2013) famously fell over."
    at = text.index("Oct")
    assert _why_not(text, Candidate(3.0, at, at + 3, "entity"), set(), frozenset())


def test_the_writers_own_case_makes_no_card():
    """Judged blind in set BX, DROP: "My case: employer paid $1,500 ..., 20% × $1,900 = [$380]"."""
    cards = note_cards(
        "Lifetime Learning Credit",
        "## Figures\n- My case: employer paid $1,500 under §127, so only the remaining ~$1,900 qualifies. 20% × "
        "$1,900 = $380.\n",
        kind="topic",
    )
    assert not [c for c in cards if c.generated]


def test_a_bold_name_shown_again_in_its_bullet_is_not_hidden():
    """Judged blind in set BX: "[Hendra]: Sept 1994, Hendra (a Brisbane suburb). Racehorses died"."""
    cards = note_cards(
        "Spillover",
        "## Viruses\n- **Hendra**: Sept 1994, Hendra (a Brisbane suburb). Racehorses died, then their trainer.\n",
    )
    assert not any(c.answer == "Hendra" for c in cards if c.generated)


def test_a_bold_note_to_self_and_a_todo_after_the_point_go_from_the_card():
    """Judged blind in set BX, DROP: "... by 12/31/2025. [...] TODO!" hid "Need to check whether he did."."""
    cards = note_cards(
        "Inherited IRAs",
        "## Timing\n- Dad's own 2025 RMD was due by 12/31/2025 if he had not taken it. **Need to check whether he "
        "did.** TODO!\n",
        kind="topic",
    )
    assert not any("Need to check" in c.back or "TODO" in c.back for c in cards if c.generated)
