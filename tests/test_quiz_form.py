"""Options and statements that fit their slot: the written form of a distractor, a swap that keeps a sentence
grammatical, a statement that stands on its own, a blank the rest of its sentence does not give away."""

from __future__ import annotations

from kb.quiz.distractors import noun_phrase_like, number_variants, pick_distractors, same_form
from kb.quiz.kinds import blank_clause, computable, fill_in_the_blank, multiple_choice, true_or_false
from kb.quiz.model import BLANK
from kb.quiz.terms import typed_spans
from tests.test_quiz_distractors import FakeCorpus
from tests.test_quiz_kinds import rng_drawing
from tests.test_quiz_lenient import generated

NOTE = "notes/podcasts/sleep.md"


def wrong_for(cards, asked, want=3):
    return pick_distractors(
        FakeCorpus({NOTE: cards}),
        asked,
        answer=asked.blank.answer,
        question=asked.blank.prompt,
        term=True,
        want=want,
    )


def test_a_term_is_offered_only_whole_noun_phrases():
    # Generated deletions cut by the card generator: an adjective, a span ending on "that's", a code fragment.
    asked = generated(
        NOTE, "The circadian rhythm sets when you feel sleepy across the day.", "circadian rhythm"
    )
    cards = [
        asked,
        generated(NOTE, "Caffeine blocks adenosine, so you feel less tired.", "less tired", line=5),
        generated(NOTE, "After a nap you wake up groggier than before.", "groggier", line=7),
        generated(NOTE, "Sleep pressure is the drive that's built by adenosine.", "drive that's", line=9),
        generated(NOTE, "The tracker exports the field sleep_ with each night.", "sleep_", line=11),
        generated(
            NOTE, "Melatonin onset marks the start of the biological night.", "biological night", line=13
        ),
        generated(NOTE, "Deep sleep comes mostly in the first half of the night.", "deep sleep", line=15),
    ]
    wrong = wrong_for(cards, asked)
    assert set(wrong) <= {"biological night", "deep sleep", "Melatonin onset", "Sleep pressure"}, wrong
    assert noun_phrase_like("slow-wave sleep") and noun_phrase_like('"sleep debt"')
    for broken in ("groggier", "drive that's", "sleep_", "(see", "the night"):
        assert not noun_phrase_like(broken), broken


def test_an_option_has_the_written_form_of_its_key():
    assert not same_form("@office", "Inbox") and same_form("@office", "@home")
    assert not same_form("90 minutes", "75") and same_form("90 minutes", "75 minutes")
    assert not same_form("16", "W-2") and not same_form("18°C", "7-9")
    assert same_form("18°C", "21°C")
    assert not same_form("pillow", "snoring") and same_form("napping", "snoring")
    assert not same_form("Walker", "REM") and same_form("Walker", "Czeisler") and same_form("REM", "NREM")
    # A command line is offered command lines, a path is offered paths.
    assert not same_form("git log --oneline", ".git/refs/") and same_form("git log --oneline", "git show")


def test_a_day_of_a_month_is_offered_only_days():
    asked = generated(
        NOTE, "The sleep study ran from March 4 to March 21, 2023, with 40 volunteers.", "21", line=3
    )
    other = generated(NOTE, "Form 4868 and 3 more forms were filed with the study.", "4868", line=5)
    wrong = wrong_for([asked, other], asked)
    assert wrong and all(w.isdigit() and 1 <= int(w) <= 31 for w in wrong), wrong


def test_a_threshold_is_offered_only_options_on_its_side_of_the_other_thresholds():
    # set R: "IoU ≥ 0.5 → positive, < _____ → background" offered 0.6 and 0.8, which the prompt rules out
    asked = generated(
        NOTE, "Anchors: IoU ≥ 0.5 → positive, < 0.4 → background, in between ignored.", "0.4", line=3
    )
    wrong = wrong_for([asked], asked)
    assert wrong and all(float(w) < 0.5 for w in wrong), wrong
    asked = generated(
        NOTE, "Deep sleep needs a room under 19°C; above 24°C sleep gets lighter.", "24", line=3
    )
    wrong = wrong_for([asked], asked)
    assert wrong and all(float(w) > 19 for w in wrong), wrong


def test_options_set_t_found_no_reader_would_write():
    # set T's reading: "_____ Dec 2034" offered 33 and 35, "since git _____" 2.64, a count of principles 8, 32
    # and 64, "2007 quant quake" 2407, "99.9 %" 69.9 %
    asked = generated(
        NOTE, "Deadline to empty the account: 31 Dec 2034, ten years after the death.", "31", line=3
    )
    wrong = wrong_for([asked], asked)
    assert wrong and all(1 <= int(w) <= 31 for w in wrong), wrong
    asked = generated(NOTE, "Since git 2.44 rebase --autosquash works without -i.", "2.44", line=3)
    assert all(abs(float(w) - 2.44) <= 0.06 for w in wrong_for([asked], asked))
    asked = generated(NOTE, "The Leadership Principles (14 at first, now 16) guide hiring.", "16", line=3)
    assert not {"32", "64", "8"} & set(wrong_for([asked], asked))
    asked = generated(NOTE, "Width: 16 heads of 64 dims each.", "16", line=3)
    assert "32" in wrong_for([asked], asked)
    asked = generated(
        NOTE, "2007 quant quake: the fund lost money for a few days in August.", "2007 quant quake", line=3
    )
    assert all(1995 <= int(w.split()[0]) <= 2019 for w in wrong_for([asked], asked))
    asked = generated(
        NOTE, "Each extra nine of reliability (90 → 99 → 99.9 %) takes as much work.", "99.9 %", line=3
    )
    assert all(w.startswith("99") or w.startswith("95") for w in wrong_for([asked], asked))


def test_options_set_u_found_no_reader_would_write():
    # set U's reading: "tarawa (nov 1943)" offered nov 1343 and 1543; "99 cents" offered 99.9 and 99.99 cents;
    # "`git format-patch --range-diff` came in 2.20" offered 1.60 and 1.80
    asked = generated(
        NOTE, "island hopping → tarawa (nov 1943), the shock of casualties.", "nov 1943", line=3
    )
    assert all(1935 <= int(w.split()[1]) <= 1951 for w in wrong_for([asked], asked))
    asked = generated(NOTE, 'the ~865M people living on less than "99 cents a day".', "99 cents", line=3)
    assert not any("." in w for w in wrong_for([asked], asked))
    asked = generated(
        NOTE, "`git format-patch --range-diff` came in 2.20 for mailing-list workflows.", "2.20", line=3
    )
    assert all(2.1 <= float(w) <= 2.3 for w in wrong_for([asked], asked))


def test_a_lower_bound_gets_no_options():
    asked = generated(
        NOTE, "Before 2020 a 30-year-old could stretch an inherited IRA for 50+ years.", "50", line=3
    )
    assert wrong_for([asked], asked) == []


def test_a_year_is_moved_not_multiplied():
    # near years, but never the next one: an event dated 1991 may span 1990-91, and "1990" would be right too
    assert number_variants("1953")[:2] == ["1955", "1951"]
    assert not {"1990", "1992"} & set(number_variants("1991"))
    assert all(1900 < int(v) < 2000 for v in number_variants("1953"))
    assert number_variants("the 1950s")[:2] == ["the 1960s", "the 1940s"]
    assert not any(int(v[:-1]) > 100 for v in number_variants("95%")) and "210%" in number_variants("190%")


def test_a_century_moves_by_one_and_keeps_its_ordinal_right():
    # set S: "big 20th-c." offered "30th-c" and "40th-c", which no reader takes for a slip of memory
    variants = number_variants("big 20th-c")
    assert variants[:2] == ["big 21st-c", "big 19th-c"]
    assert all(1 <= int(v.split()[1][:2]) <= 21 for v in variants), variants
    assert "the 2nd century" in number_variants("the 1st century")
    assert "2nd" in number_variants("3rd") and "4th" in number_variants("3rd")


def test_a_statement_that_leans_on_the_clause_before_it_keeps_it():
    prompt = f'Night owls are not lazy. "Sleep in on weekends" is no fix; {BLANK} is.'
    assert blank_clause(prompt) == f'"Sleep in on weekends" is no fix; {BLANK} is.'
    longer = f'Night owls are not lazy. "Sleep in on weekends" is no fix; a fixed {BLANK} every day is.'
    assert blank_clause(longer).startswith('"Sleep in on weekends" is no fix;')
    # A full clause stands alone, and loses the semicolon that led to the next one.
    assert blank_clause(f"Adults need {BLANK} of sleep a night; 8 to 10 hours for teenagers.") == (
        f"Adults need {BLANK} of sleep a night."
    )


def test_a_number_the_rest_of_its_sentence_gives_away_is_not_asked():
    assert computable(
        f"Stage N1 lasts minutes: stage 1 is light, stage {BLANK} deeper and stage 3 deepest.", "2"
    )
    assert computable(
        f"A nap of {BLANK} plus ten minutes to fall asleep fills a 30-minute break.", "20 minutes"
    )
    assert not computable(f"Adults need {BLANK} of sleep; teenagers need 8 to 10.", "7 hours")
    asked = generated(
        NOTE, "Sleep cycles: stage 1 is light, stage 2 holds spindles and stage 3 is slow-wave sleep.", "2"
    )
    cards = [
        asked,
        generated(NOTE, "A full cycle takes about 90 minutes and 5 repeat.", "90 minutes", line=5),
    ]
    corpus = FakeCorpus({NOTE: cards})
    assert fill_in_the_blank(asked) is None
    assert multiple_choice(corpus, asked, rng_drawing(False)) is None
    assert true_or_false(corpus, asked, rng_drawing(False)) is None


def test_a_false_statement_never_swaps_in_a_broken_fragment():
    asked = generated(
        NOTE, "Without blackout curtains the earliest light decides when you wake.", "earliest light"
    )
    cards = [
        asked,
        generated(NOTE, "The app logs the field wake_ for each night.", "wake_", line=5),
        generated(NOTE, "Most people feel sleepier after lunch.", "sleepier", line=7),
    ]
    for truth in (True, False):  # no false statement without a sound wrong answer, so no true/false at all
        assert true_or_false(FakeCorpus({NOTE: cards}), asked, rng_drawing(truth)) is None


def test_names_are_not_quoted_sentence_starts_nor_single_letters():
    card = generated(
        NOTE, 'Walker says "Sleep is the best medicine" and compares group A B by age.', "Walker"
    )
    spans = typed_spans(card.card)
    assert "Sleep" not in spans and "A B" not in spans


def test_a_false_statement_led_by_a_command_keeps_its_case():
    asked = generated(NOTE, "sleepctl log --week prints the last seven nights.", "sleepctl log --week")
    cards = [
        asked,
        generated(NOTE, "sleepctl log --month sums a month of nights.", "sleepctl log --month", 5),
    ]
    q = true_or_false(FakeCorpus({NOTE: cards}), asked, rng_drawing(False))
    assert q is not None and q.prompt.startswith("sleepctl log --month prints"), q.prompt


def test_numeric_options_a_reader_would_not_rule_out_at_sight():
    # a range is offered ranges; a round figure no off-by-one; an age with a half no doubled age; a share no
    # share many times larger or smaller
    assert not same_form("$150,000 – $165,000", "$23,500") and same_form(
        "$150,000 – $165,000", "$236,000 – $246,000"
    )
    assert "91 days" not in number_variants("90 days") and "89 days" not in number_variants("90 days")
    assert not any("118" in v for v in number_variants("59½"))
    assert not same_form("15%", "90%") and not same_form("90%", "14%") and same_form("15%", "30%")


def test_a_sentence_with_no_subject_of_its_own_keeps_what_it_leans_on():
    """Judged blind: "Used for steel and aluminium in 2018." and "Not the same as -s ours." said nothing true or
    false without the sentence or label before them that names what they are about."""
    prompt = f"Section 232 is the national-security law. Used for steel and {BLANK} in 2018."
    assert blank_clause(prompt) == prompt
    prompt = f"-X ours: still a real merge. Conflicting hunks follow one side. Not the same as {BLANK}."
    assert blank_clause(prompt) == f"-X ours: Conflicting hunks follow one side. Not the same as {BLANK}."
    assert blank_clause(f"Night owls are not lazy. Chronotype is {BLANK} and mostly genetic.") == (
        f"Chronotype is {BLANK} and mostly genetic."
    )


def test_a_figure_of_the_note_that_counts_something_else_is_no_option():
    """Judged blind: an IQ of "past ~120" offered 65 (the age of "men under 65") and 195; 148 studies offered 15
    (cigarettes a day). Another card's bare number is offered only when it counts the same thing ("148 studies"
    for "_____ studies"); otherwise the key's own ladder."""
    asked = generated(
        NOTE, "Past an IQ of about 120, extra points predict little real-world success.", "120", line=3
    )
    ages = generated(
        NOTE, "Roseto had almost no heart-disease deaths among men under 65 in the 1950s.", "65", line=5
    )
    genius = generated(NOTE, "Chris Langan has an IQ of about 195 and little to show for it.", "195", line=7)
    wrong = wrong_for([asked, ages, genius], asked)
    assert "65" not in wrong and len(wrong) == 3, wrong
    assert "195" in wrong  # "an IQ of about 195": an IQ, as the blank's is


def test_a_negated_blank_is_never_asked_true_or_false():
    """Judged blind: "-X ours is not the same as -s theirs" was keyed false, yet is as true as "... as -s ours":
    after a negation almost any other term makes the statement true too."""
    note = "notes/git/merge.md"
    asked = generated(note, "-X ours is still a real merge, not the same as `-s ours`.", "`-s ours`")
    others = [
        generated(
            note, "`git merge --abort` backs out of a conflicted merge.", "`git merge --abort`", line=4
        ),
        generated(note, "`git read-tree` can fake a `-s theirs` merge.", "`git read-tree`", line=5),
    ]
    for truth in (True, False):
        assert true_or_false(FakeCorpus({note: [asked, *others]}), asked, rng_drawing(truth)) is None


def test_a_swapped_command_keeps_the_code_type_of_the_one_it_replaces():
    note = "notes/git/merge.md"
    cards = [
        generated(note, "`git merge --abort` backs out of a conflicted merge.", "`git merge --abort`"),
        generated(
            note, "`git merge --squash` stages the changes without a merge commit.", "`git merge --squash`", 4
        ),
        generated(note, "`git read-tree` can fake a theirs merge by hand.", "`git read-tree`", line=5),
    ]
    for truth in (True, False):
        q = true_or_false(FakeCorpus({note: cards}), cards[0], rng_drawing(truth))
        assert q is not None and q.prompt.startswith("`git "), q.prompt


def test_a_list_of_figures_is_not_asked_to_be_typed():
    """Judged blind: a blank over "50%, 20%" wants both figures in one exact form and order."""
    from kb.quiz.kinds import typeable

    assert not typeable("50%, 20%") and typeable("$1,500") and typeable("hidden state")


def test_code_options_have_the_keys_shape():
    """Judged blind: "val_loss" and "model.eval()" offered for a checkpoint's file name, "git push" for what
    "git pull" runs first, ruled themselves out at a glance."""
    note = NOTE
    asked = generated(
        note, "The best weights are saved to `best.ckpt` after each improvement.", "`best.ckpt`"
    )
    others = [
        generated(note, "Early stopping watches `val_loss` with a patience of 5.", "`val_loss`", line=4),
        generated(note, "Call `model.eval()` before measuring.", "`model.eval()`", line=5),
        generated(note, "The last weights also go to `last.ckpt` for resuming.", "`last.ckpt`", line=6),
        generated(note, "Logs are written to `train.log` every epoch.", "`train.log`", line=7),
    ]
    wrong = wrong_for([asked, *others], asked)
    assert wrong and all(w.strip("`").endswith((".ckpt", ".log")) for w in wrong), wrong


def test_a_year_is_offered_its_neighbours_whatever_its_last_digit(monkeypatch):
    """Judged blind: "Gallipoli, 1915" offered 1905, 1910 and 1920 (outside the war); "For 2025 the tiers ..."
    offered 2030, 2035 and 2040 (and, later, 2027, 2029 and 2031: years no one had lived yet)."""
    monkeypatch.setenv("KB_NOW", "2026-12-07T12:00:00Z")
    for year in ("1915", "1990"):
        assert all(abs(int(v) - int(year)) <= 4 for v in number_variants(year)[:3]), number_variants(year)
    assert all(2019 <= int(v) <= 2026 for v in number_variants("2025")[:3]), number_variants("2025")


def test_a_phrase_of_everyday_words_the_note_uses_once_is_not_typed():
    """Judged blind: "zero tax benefit", "good per-language templates" as typed keys, which any other wording of the
    same idea fails. A phrase the note uses again, or one holding a word of the subject, is a term and is typed."""
    import random

    from kb.quiz.kinds import build_question
    from kb.quiz.model import QuestionKind

    loose = generated(
        NOTE, "Most people don't itemize, so small donations give zero tax benefit.", "zero tax benefit"
    )
    term = generated(
        NOTE, "A network is a computational graph of simple operations.", "computational graph", line=5
    )
    again = generated(
        NOTE, "Specific knowledge cannot be taught in a classroom.", "Specific knowledge", line=7
    )
    named = generated(NOTE, "Build specific knowledge, then add leverage.", "specific knowledge", line=9)
    corpus = FakeCorpus({NOTE: [loose, term, again, named]})
    rng = random.Random(1)
    assert build_question(QuestionKind.CLOZE, corpus, loose, rng) is None
    assert build_question(QuestionKind.CLOZE, corpus, term, rng).answer == "computational graph"
    assert build_question(QuestionKind.CLOZE, corpus, named, rng).answer == "specific knowledge"


def test_an_amount_in_thousands_is_offered_thousands():
    """Judged blind: "~$15k" (a trust's threshold) offered "$50" and "$150"."""
    assert same_form("$15k", "$20k") and same_form("$15k", "$12,000")
    assert not same_form("$15k", "$50") and not same_form("$15k", "$150")
    assert not same_form("$2 million", "$5")


def test_another_cards_duration_counts_something_else_unless_the_same_word_stands_beside_it():
    """Judged blind: the pyramids' "~4,500 years" was offered Old English's "1,000 years" and the EPA's "10,000
    years"; spans of the key's own ladder are offered instead."""
    asked = generated(
        NOTE,
        "The pyramids have lasted about 4,500 years and their curses never stopped robbers.",
        "4,500 years",
    )
    cards = [
        asked,
        generated(NOTE, "English from about 1,000 years ago is unreadable now.", "1,000 years", line=5),
        generated(
            NOTE, "EPA rules require the site to deter intrusion for 10,000 years.", "10,000 years", line=7
        ),
    ]
    wrong = wrong_for(cards, asked)
    assert wrong and not {"1,000 years", "10,000 years"} & set(wrong), wrong


def test_a_code_answer_keeps_its_punctuation():
    """Judged blind, a wrong key: Git's ":0:path" and ":/fix typo" were asked with "0:path" and "/fix typo"."""
    for sentence, code in (
        ("`:0:path` is the staged version during a merge.", "`:0:path`"),
        ("`:/fix typo` is the youngest commit whose message matches.", "`:/fix typo`"),
    ):
        asked = fill_in_the_blank(generated("notes/git/revs.md", sentence, code))
        assert asked is not None and asked.answer == code.strip("`"), asked


def test_a_writers_todo_is_never_the_blank():
    from kb.quiz.terms import blank_sentence

    blank = blank_sentence(
        "Related rabbit hole: the hot hand debate (Gilovich et al. 1985). TODO: actually read the Miller paper."
    )
    assert blank is None or blank.answer != "TODO"


def test_an_age_is_offered_ages():
    """Judged blind: "delayed credits stop at age 70" offered 90, 110 and 130."""
    asked = generated(
        NOTE, "Delayed retirement credits stop at age 70, so waiting longer adds nothing.", "70"
    )
    wrong = wrong_for([asked], asked)
    assert len(wrong) == 3 and all(55 <= int(w) <= 85 for w in wrong), wrong
