"""Issue 18, what the blind readings of sets BE and BF did not keep: "who is Ethernet?" for a thing under a
heading over people and things; "what is use?" for one of a list of tests; "what is assign?" for a step of an
algorithm.

The bullets are written again in other words; each case is a card a reader marked FIXABLE or DROP, or a guard that
a rule does not over-reach."""

from __future__ import annotations

import pytest

from kb.cards.salience import Candidate, _why_not
from tests.test_cards_eleventh_reading import note_cards
from tests.test_cards_twelfth_reading import term_spans


def fronts(title: str, markdown: str, *, kind: str = "book") -> dict[str, str]:
    return {c.front: c.back for c in note_cards(title, markdown, kind=kind) if c.generated}


MIXED = """## Who and what
- **Sketchpad**: light-pen drawing program, Ivan Sutherland's 1963 thesis at MIT.
- **Grace Hopper**: she wrote the first compiler, A-0, for the UNIVAC in 1952.

## People / things they built
- **Plato**: a timesharing system, Don Bitzer + students at Illinois, 1960s.
"""


def test_a_thing_under_a_heading_over_people_and_things_is_not_asked_who():
    """Judged blind in set BE: "who is Ethernet?", "who is Smalltalk?", "who is Bravo?" under "## People / stuff
    built"; the old code asked "what is Bravo?"."""
    got = fronts("Inventing the Desk", MIXED)
    assert "Inventing the Desk: who is Plato?" not in got
    assert got["Inventing the Desk: what does the book say about Plato?"].startswith("a timesharing system")


def test_a_heading_over_people_only_still_asks_who():
    """Guard: "## Hosts and guests" is people on both sides of its "and"."""
    got = fronts(
        "Night Shift", "## Hosts and guests\n- **Marlow**: the overnight host since 2009, ex-paramedic.\n"
    )
    assert "Night Shift: who is Marlow?" in got


SALE = """## The exclusion
### Tests
- **Ownership**: owned the place at least 2 of the 5 years before the sale.
- **Use**: lived there as a main home at least 2 of those 5 years.
"""


def test_a_label_under_a_heading_naming_its_kind_asks_for_that_kind():
    """Judged blind in set BF: "what is ownership?", "what is use?" under "### Tests" asked what everyone knows."""
    got = fronts("Selling a House", SALE, kind="topic")
    assert got["Selling a House: what is the ownership test?"].startswith("owned the place")
    assert "Selling a House: what is the use test?" in got


def test_a_label_that_names_its_kind_already_is_not_asked_twice():
    """Guard: "**Wash-sale rule**" under "### Rules" is "the wash-sale rule", not "the wash-sale rule rule"."""
    got = fronts(
        "Selling Stock", "### Rules\n- **Wash-sale rule**: no loss if you buy it back within 30 days.\n"
    )
    assert not any("rule rule" in f for f in got)


def test_a_lower_case_step_of_an_algorithm_asks_what_the_step_does():
    """Judged blind in set BF: "what is assign?" for "2. **assign**: ..." under "## Lloyd's algorithm"."""
    markdown = (
        "## Lloyd's algorithm\n1. pick $k$ starting centers\n2. **assign**: every point joins its closest center\n"
        "3. **update**: move each center to the mean of its points\n"
    )
    got = fronts("Clustering", markdown, kind="topic")
    assert got['Clustering: what does the "assign" step do?'] == "every point joins its closest center"


MOLECULES = """## Molecules and what they did
- **Quinine**: malaria, cinchona bark from Peru, the Dutch plantations on Java.
- **Indigo**: dye plantations in Bengal and South Carolina, then the synthetic version from BASF.
- **Mercury**: felt hats made in Danbury, and the "mad hatters" it poisoned.
- **Double bond**: a shared pair of electrons more, stiff and flat, no rotation.
- **The Zeigarnik effect**: unfinished tasks stay on the mind, and lists let them go.
- **Hypergolic**: the two liquids ignite on contact, so no igniter is needed.
- **Habit stacking**: pair a new habit with one you already do, every morning.
"""


def test_a_thing_a_book_tells_of_asks_what_the_book_says_of_it():
    """Judged blind in sets BE, BF and BI: "what is oleic acid?" answered "olive oil and ancient Mediterranean
    trade", "what is Europe?", "what is Rome?": kept none of 27 such cards; "what does the book say about ...?"
    24."""
    got = fronts("Molecules of History", MOLECULES)
    assert got["Molecules of History: what does the book say about Quinine?"].startswith("malaria")
    assert "Molecules of History: what does the book say about Indigo?" in got
    assert "Molecules of History: what does the book say about Mercury?" in got
    assert not any(f.endswith("what is Quinine?") for f in got)
    assert (
        "Molecules of History: what is Double bond?" in got
        or "Molecules of History: what is double bond?" in got
    )


def test_an_episode_asks_what_the_episode_says():
    got = fronts(
        "Year Without a Summer",
        "## 1816\n- **Europe**: cold, endless rain, failed harvests, food riots in Switzerland and Wales.\n",
        kind="podcast",
    )
    assert "Year Without a Summer: what does the episode say about Europe?" in got


def test_a_term_the_book_defines_is_still_asked_what_it_is():
    """Guards: a term of art ("the Zeigarnik effect", "Hypergolic"), a rest that says what to do ("pair a new habit
    with ..."), a rest saying what kind of thing it is ("the idea that ..."), a description with no name in it ("a shared pair of electrons more, ...": read blind in sets BG
    and BH, "what does the book say about slips?" for "right goal, wrong action" was vague), and a rest in a topic
    note keep "what is ...?"."""
    got = fronts("Molecules of History", MOLECULES)
    assert "Molecules of History: what is the Zeigarnik effect?" in got
    assert any(
        f.startswith("Molecules of History: what") and "ypergolic" in f and "say" not in f for f in got
    )
    assert "Molecules of History: what is habit stacking?" in got
    shield = fronts(
        "Foundry", "## Risks\n- **Silicon shield**: the idea that TSMC keeps Taiwan too vital to attack.\n"
    )
    assert shield == {
        "Foundry: what is silicon shield?": "the idea that TSMC keeps Taiwan too vital to attack."
    }
    topic = fronts(
        "Alkaloids", "## Kinds\n- **Quinine**: malaria, cinchona bark, tonic water.\n", kind="topic"
    )
    assert not any("say about" in f for f in topic)


def test_a_count_the_book_gives_is_still_asked_for():
    """Guard: "what are the five steps?" stays: the count is the source's own."""
    got = fronts(
        "Getting It Done", "## Method\n- **The five steps**: collect, sort, file, look back and act.\n"
    )
    assert "Getting It Done: what are the five steps?" in got


def test_the_writers_note_to_self_after_a_point_is_left_off_the_card():
    """Judged blind in set BF: "Gap statistic (Tibshirani et al., 2001). TODO: actually try this one."."""
    cards = note_cards(
        "Choosing k",
        "## Ways\n- The silhouette score (Rousseeuw, 1987) compares clusters. TODO: try it on my data.\n",
    )
    backs = [c.back for c in cards if c.generated]
    assert backs and all("TODO" not in b for b in backs)
    assert any(b.startswith("The silhouette score (Rousseeuw, 1987) compares clusters") for b in backs)


def test_bullets_under_the_writers_rough_numbers_make_no_card():
    """Judged blind in set BF: the writer's purchase price and closing costs under "### Our rough numbers"."""
    got = fronts(
        "Home Sale",
        "### Our rough numbers\n- bought 2015: $380,000 plus ~$7,000 of closing costs\n- sold 2025 at $720,000\n",
        kind="topic",
    )
    assert got == {}


OTHER = "- Spectral clustering works on a similarity graph and finds clusters of any shape.\n"


def hidden(bullet: str) -> list[str]:
    """What kb's cards of ``bullet`` hide, in a note with one other bullet."""
    return [
        c.answer for c in note_cards("Notes", f"## Points\n- {bullet}\n{OTHER}") if c.front[:6] == bullet[:6]
    ]


@pytest.mark.parametrize(
    "bullet, given_away",
    [
        # judged blind in set BE: "Mixtral 8x7B (Mistral). [8] experts"
        ("Jan 2024: Mixtral 8x22B came out. 8 experts, 2 active per token, open weights.", "8"),
        # set BF: "long-term rates of [0/15]/20%"
        ("Held over a year, the gain is taxed at long-term rates of 0/15/20% by income.", "0/15"),
        # set BE: "That's [IRFNA], "inhibited" RFNA"
        (
            'A pinch of HF stopped the corrosion: that is **IRFNA**, "inhibited" RFNA, used for decades.',
            "IRFNA",
        ),
        # set BF: "Mini-batch k-means ... updates on [small random batches]"
        (
            "Mini-batch k-means (Sculley, 2010) updates on small random batches, for big data.",
            "small random batches",
        ),
    ],
)
def test_a_blank_the_card_gives_away_is_not_made(bullet, given_away):
    assert given_away not in hidden(bullet)


def test_a_degree_every_reader_knows_is_never_the_blank():
    """Judged blind in set BF: "by Raymond Gosling, her [PhD] student": an abbreviation everyone reads."""
    text = "The image was taken in May 1952 by Raymond Gosling, her PhD student at King's."
    at = text.index("PhD")
    assert _why_not(text, Candidate(3.0, at, at + 3, "entity"), set(), frozenset())


def test_a_label_that_says_what_kind_of_point_follows_asks_nothing():
    """Judged blind in set BF: "Radiolab: what is the surprise?"; the point after the label is what to recall."""
    got = fronts(
        "Seeing Red",
        "## The monkey study\n- The surprise: adult monkeys given a third cone pigment saw the new color within "
        "20 weeks.\n",
        kind="podcast",
    )
    assert not any("surprise?" in f for f in got)
    assert any(f.startswith("The surprise: ") and "[...]" in f for f in got)


def test_a_named_event_takes_the_and_in_a_book_asks_what_the_book_says():
    """Judged blind in set BE: "EconTalk: what is Vietnam War?" answered by the war's part in the story."""
    markdown = "## Turning points\n- **Crimean War**: supply chaos at Balaclava; Nightingale's hospital at Scutari.\n"
    assert "Cold Chains: what does the book say about the Crimean War?" in fronts("Cold Chains", markdown)
    defined = "## Turning points\n- **Crimean War**: the first war reported by telegraph.\n"
    assert "Cold Chains: what is the Crimean War?" in fronts("Cold Chains", defined)
    assert "Wars: what is the Crimean War?" in fronts("Wars", markdown, kind="topic")


def test_a_place_and_its_year_is_asked_what_the_book_says_of_it_then():
    """Judged blind in set BI: "Salt: what is India, 1930?" answered by the Salt March."""
    got = fronts(
        "Salt", "## Salt and empire\n- **India, 1930**: Gandhi's march to Dandi, 240 miles, to make salt.\n"
    )
    assert "Salt: what does the book say about India in 1930?" in got


def test_bullets_under_our_plan_make_no_card():
    """Judged blind in set BG: "Or one lump sum, parents file 709s, ..." under "## Our plan"."""
    plan = "## Our plan\n- One lump sum in 2026, parents file two 709s, no tax owed since they are far below $13.99M.\n"
    assert fronts("Gift Tax", plan, kind="topic") == {}


def test_a_capitalised_everyday_plural_label_is_asked_as_a_plural():
    """Judged blind in set BF: "what is Dyes?"."""
    got = fronts(
        "Molecules",
        "## Chapters\n- **Dyes**: mauve (1856), indigo and alizarin, then synthetic ones.\n",
        kind="topic",
    )
    assert "Molecules: what are Dyes?" in got


def test_a_sentence_after_a_single_letter_is_no_part_of_the_name():
    """Judged blind in set BG: "report on Form 8949 / [Schedule D. If] all gain excluded ..."."""
    bullet = (
        "Reporting: with a Form 1099-S, or gain beyond the exclusion, report on Form 8949 / Schedule D. If all gain is "
        "excluded and no 1099-S came, there is nothing to report."
    )
    assert all(not a.endswith(". If") for a in hidden(bullet))
    assert all(
        "If" not in c.answer for c in note_cards("Home Sale", f"## Reporting\n- {bullet}\n", kind="topic")
    )


def test_big_c_is_given_away_by_small_c_beside_it():
    """Judged blind in set BG: "C = penalty. [Big C] → narrow margin ... Small C → wider margin"."""
    text = "C = penalty for violations. Big C → narrow margin, overfit risk. Small C → wider margin."
    at = text.index("Big C")
    assert _why_not(text, Candidate(3.0, at, at + 5, "entity"), set(), frozenset())


def test_a_label_whose_rest_states_a_rule_about_it_makes_a_cloze_of_the_rule():
    """Judged blind in set BH: "what is Medical?" for "**Medical**: only the amount above 7.5% of AGI", "what is
    Roth IRA?" for "no RMDs for the original owner": the rule is the fact, its figure the blank."""
    markdown = (
        "## What counts\n- **Medical**: only the part above 7.5% of AGI, so it rarely matters.\n"
        "- **Stacking rule**: no more than one credit per dollar of tuition paid.\n"
    )
    got = fronts("Itemizing", markdown, kind="topic")
    assert "Medical: only the part above [...] of AGI, so it rarely matters." in got
    assert not any("what is Medical" in f or "what is medical" in f for f in got)
    assert "Itemizing: what is the stacking rule?" in got  # a named rule stays a term


def test_a_month_and_year_label_leads_a_cloze_of_what_happened():
    """Judged blind in set BH: "Endurance: what is Jan 1915?"."""
    got = fronts(
        "Endurance", "## Timeline\n- **Jan 1915**: the ship is trapped in the ice of the Weddell Sea.\n"
    )
    assert not any("what is Jan 1915" in f for f in got)
    assert any(f.startswith("Jan 1915: ") and "[...]" in f for f in got)


def test_the_writers_check_whether_is_a_to_do():
    """Judged blind in set BH: "check whether his old 401(k) from the utility is still a separate account"."""
    got = fronts(
        "RMDs", "## Dad\n- check whether his 2019 rollover went to the Fidelity IRA → one RMD or two\n"
    )
    assert got == {}


@pytest.mark.parametrize(
    "text, span, kind",
    [
        # set BH: "1420: B. and [Ghiberti] named joint capomaestri ... G. collected a salary"
        ("1420: B. and Ghiberti named joint heads. B. did the work, G. took a salary.", "Ghiberti", "entity"),
        # set BH: "With [batch norm], dropout helps less, and dropout before BN can hurt"
        ("With batch norm, dropout helps less, and dropout before BN can hurt.", "batch norm", "term"),
        # set BH: "cap went from [$10,000] to $40,000 ... but never below $10k"
        ("The cap went from $10,000 to $40,000 for 2025, but never below $10k.", "$10,000", "number"),
        # set BH: "Span ~[143] ft (~44 m)"
        ("Span ~143 ft (~44 m), the biggest since the Pantheon.", "143", "number"),
        ("Span ~143 ft (~44 m), the biggest since the Pantheon.", "44", "number"),
    ],
)
def test_a_blank_the_card_shows_in_another_form_is_not_made(text, span, kind):
    at = text.index(span)
    assert _why_not(text, Candidate(3.0, at, at + len(span), kind), set(), frozenset())


def test_a_year_shown_twice_is_still_a_blank():
    """Guard: an amount's other forms are money's, not a year's ("April 1, 2026" beside "Dec 31, 2026")."""
    text = "Dad's 2025 RMD is due by April 1, 2026, and the 2026 one by Dec 31, 2026."
    at = text.index("April 1, 2026")
    assert _why_not(text, Candidate(3.0, at, at + 13, "number"), set(), frozenset()) is None


def test_a_noun_before_exists_or_remains_is_never_a_blank_with_its_verb():
    """Judged blind in set BF: "what is hard cap?" for "Hard cap: no embedding exists for pos >= max_len"; as a
    cloze, the blank must not take "embedding exists"."""
    text = "Hard cap: no embedding exists for positions past max_len, and the model remains blind there."
    spans = term_spans(text)
    assert "embedding exists" not in spans and "model remains" not in spans


def test_a_bracket_naming_the_kind_joins_the_term():
    """Judged blind in set BI: "what is tag?" answered "... (also: annotated)" for "**tag** (annotated): ..."."""
    got = fronts(
        "Git objects",
        "## Objects\n- **tag** (annotated): points at a commit, with tagger and message.\n",
        kind="topic",
    )
    assert got == {"Git objects: what is annotated tag?": "points at a commit, with tagger and message."}


def test_one_bold_pair_asks_how_the_two_differ():
    """Judged blind in set BI: "what is the first nature vs second nature?"; a shared head noun goes to both
    ("marginal vs effective rate"), and three things set side by side are no pair."""
    got = fronts(
        "Chicago",
        "## Ideas\n- **First nature vs second nature**: the prairie as it was, and the rails and farms laid on it.\n"
        "- **Marginal vs effective rate**: what the next dollar pays, and the total tax over income.\n"
        "- **Wealth vs money vs status**: assets that earn, a way to move them, and rank.\n",
    )
    assert "Chicago: how does first nature differ from second nature?" in got
    assert "Chicago: how does marginal rate differ from effective rate?" in got
    assert not any("differ from money" in f for f in got)


def test_a_one_word_verdict_label_asks_nothing():
    """Judged blind in set BI: "Saver's credit: what is Underused?" (a DROP)."""
    got = fronts(
        "Saver's credit",
        "## Notes\n- Underused: surveys keep finding that most eligible workers never heard of it.\n",
        kind="topic",
    )
    assert not any("Underused?" in f or "underused?" in f for f in got)


def test_a_worked_sum_with_brackets_and_bold_makes_no_card():
    """Judged blind in set BH: "Year A: 14,000 + 12,000 + (10,000 − 900) = [...]" (a DROP; the quiz's mcq read
    the answer off the sum)."""
    got = fronts(
        "Itemizing",
        "## Bunching\n- Year A: 14,000 + 12,000 + (10,000 − 900) = **$35,100**. Itemize.\n",
        kind="topic",
    )
    assert got == {}


def test_a_bold_sentence_is_no_term_and_a_field_takes_no_article_and_disagreeing_is_an_opinion():
    """Judged blind in set BG: "what does always scale features. do?", "what is the game theory?", and the
    writer's "Disagree slightly with how hard he is on 'user error'" (a DROP)."""
    got = fronts(
        "SVMs",
        "## Tips\n- **Always scale features.** SVMs are distance-based; one feature in the thousands dominates.\n"
        "- **Game theory**: price of anarchy, information cascades, the Vickrey auction.\n"
        "- Disagree slightly with how hard he is on user error. Sometimes training matters.\n",
        kind="topic",
    )
    assert not any("always scale" in f.lower() and f.endswith("do?") for f in got)
    assert "SVMs: what is Game theory?" in got
    assert not any("Disagree" in f for f in got)


def test_each_label_under_a_heading_of_tests_is_asked_as_that_test():
    """Judged blind in set BL: "what is outsider?", "what is double standard?" under "## Tests" (the reader's fix:
    "the outsider test", "the double standard test")."""
    got = fronts(
        "Scouts",
        "## Tests\n- **Double standard**: would I judge this the same if the other side did it?\n"
        "- **Outsider**: what would someone new to my situation do?\n",
    )
    assert "Scouts: what is the double standard test?" in got
    assert "Scouts: what is the outsider test?" in got


def test_a_term_the_note_writes_with_the_is_asked_with_it():
    """Judged blind in set BJ: "git reset: what is index?", "what is working tree?"."""
    got = fronts(
        "git reset",
        "## Trees\n- **working tree**: the files on disk, as you edit them.\n\n"
        "## Modes\n- `--hard` resets the working tree too, and the working tree loses unstaged edits.\n",
        kind="topic",
    )
    assert "git reset: what is the working tree?" in got


def test_a_lead_in_naming_the_authors_makes_no_label_a_person_and_a_variable_is_no_name():
    """Judged blind in set BM: "Decisive: who is Overconfidence?" under the lead-in "The authors say gut decisions
    go wrong in 4 ways:", and "what does the book say about narrow framing?" for "seeing only 'do X or not'"."""
    got = fronts(
        "Decisive",
        "## The villains\nThe authors say gut decisions go wrong in 4 ways:\n\n"
        '1. **Narrow framing**: seeing only "do X or not", missing other options\n'
        "2. **Overconfidence**: thinking we know how the future will go\n",
    )
    assert not any(": who is" in f for f in got)
    assert "Decisive: what is narrow framing?" in got


def test_labels_under_traps_or_examples_are_cases_not_terms():
    """Judged blind in set BM: "The Wash-Sale Rule: what is spouse?" under "## Traps", "what is k-NN?" under
    "## Intuition via examples"."""
    traps = fronts(
        "Wash Sales",
        "## Traps\n- **Spouse**: purchases by your spouse within 30 days count too.\n",
        kind="topic",
    )
    assert not any("what is spouse" in f.lower() for f in traps)
    assert any(f.startswith("Spouse: ") and "[...]" in f for f in traps)
    examples = fronts(
        "Bias and Variance",
        "## Intuition via examples\n- **k-NN**: $k=1$ gives very low bias and very high variance.\n",
        kind="topic",
    )
    assert not any("what is k-NN" in f for f in examples)


def test_a_group_of_people_is_asked_who_they_are():
    """Judged blind in set BM: "Because Internet: who is Post Internet People?"."""
    got = fronts(
        "Online", "## Internet People\n- **Post Internet People**: too young to remember life before it.\n"
    )
    assert "Online: who are Post Internet People?" in got


def test_what_someone_did_is_no_instruction():
    """Judged blind in set BN: "Peak: what are london cabbies?" for 'learning "the Knowledge" ... Maguire's MRI
    work found ...': a story the book tells, asked what the book says of it."""
    got = fronts(
        "Peak",
        '## Stories\n- **Cab drivers**: learning "the Knowledge" of 25,000 streets; Maguire\'s scans found a '
        "bigger hippocampus.\n",
    )
    assert any("what does the book say about" in f for f in got), got
