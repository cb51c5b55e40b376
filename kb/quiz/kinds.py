"""The three kinds of question, each made from one card: multiple choice, fill in the blank, true or false.

- Multiple choice: a card's front with its back among distractors, or a key sentence with its salient term blanked
  and other terms as options. Four options when the material allows, fewer with a notice.
- Cloze: a key sentence (key point, definition, cloze card, sentence with a bold term) with its most salient term
  blanked; typed answers are graded leniently (:mod:`kb.quiz.grading`).
- True/false: a card's statement with its own answer or with a plausible wrong one.

A builder returns None when the card cannot make its kind of question.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator
from typing import NamedTuple

from kb.cards.lexicon import COUNT_WORDS, GENERIC_NOUNS, common_english
from kb.quiz.answerkind import COMMAND, DATE, FORMULA, NAME, NUMERIC_KINDS, PHRASE, TERM, answer_kind
from kb.quiz.corpus import Corpus
from kb.quiz.distractors import noun_phrase_like, pick_distractors, scale_after
from kb.quiz.falsehood import NEGATED_BEFORE_RE, false_filler
from kb.quiz.model import BLANK, MAX_OPTION_CHARS, MAX_OPTIONS, Question, QuestionKind
from kb.quiz.terms import STATEMENT_LEAD_RE, AskableCard, BlankedSentence
from kb.quiz.words import STOP_WORDS, fold_plural, is_termlike, normalise, repeats_question, unescape

_ARTICLE_RE = re.compile(r"(?<!\w)([Aa])n? " + re.escape(BLANK))
_LEADING_BLANK_RE = re.compile(r"^" + re.escape(BLANK))
# A multiple-choice question needs at least this many wrong options; with fewer it is not asked.
MIN_DISTRACTORS = 2
# A single lower-case word in this many of a note's cards (its own and another) is the note's everyday vocabulary,
# not a fact to recall ("workday", "money").
_COMMON_IN_NOTE = 2
# A fill-in answer longer than this is not typeable: the card is asked another way.
MAX_TYPED_WORDS = 3
# A statement cut from a longer text has at least this many words, or it leans on the text before it.
_MIN_CLAUSE_WORDS = 6
_AUXILIARIES = frozenset(
    "is are was were am be been do does did has have had can could will would shall should may might must".split()
)
_NUMBER_RE = re.compile(r"(?<![\w.])\d[\d,]*(?:\.\d+)?(?![\d])")
_CONVERTED_RE = re.compile(
    r"\d[^\s(]*\s*\(\s*"
    + re.escape(BLANK)
    + r"\s*\)|"
    + re.escape(BLANK)
    + r"\s*\(\s*(?:about\s+|~|=\s*)?[$€£¥]?\d"
)
_NAMED_AGAIN_RE = re.compile(
    r"(?:\baka|\ba\.k\.a\.?|\balso called|\balso known as|\bknown as|\bi\.e\.?|\bnamely)[\s,:]*(?:the\s+)?$",
    re.I,
)
_DETERMINER_BEFORE_RE = re.compile(r"\b(?:the|a|an|a\(n\)|its|their|your|his|her|our|this|that)\s*$", re.I)
_VERB_SLOT_RE = re.compile(
    r"\b(?:should|must|shall|can|could|will|would|might|you|we|they|he|she|I)\s*$", re.I
)
_SENTENCE_SPLIT_RE = re.compile(r"(?<=[.;!?])\s+(?=[A-Z0-9\"“(])")
# A blank inside an example ("(e.g. _____)", "an index such as _____"): any other example would be as right.
_EXAMPLE_BEFORE_RE = re.compile(
    r"(?:\be\.\s?g\b\.?|\bsuch as\b|\bfor example\b|\bfor instance\b|\bincluding\b)[^.;:)!?]*$", re.I
)
_GLUED_BLANK_RE = re.compile(r"\w" + re.escape(BLANK) + "|" + re.escape(BLANK) + r"(?:[^\W_]|\.[a-z]\b)")
# A sentence opening on a pronoun with nothing before it to name ("it's the _____ not spent", "His _____ is ...").
_DANGLING_START_RE = re.compile(r"(?:it|it's|it’s|its|this|these|those|they|their|his|her)\b", re.I)
# A multiple-choice question from kb's own blank (not a user's card) needs this many wrong options.
MIN_GENERATED_DISTRACTORS = 3


def build_question(
    kind: QuestionKind, corpus: Corpus, askable: AskableCard, rng: random.Random
) -> Question | None:
    """A question of ``kind`` from the card, or None when the card cannot make one."""
    if trivial_blank(corpus, askable):
        return None
    if kind == QuestionKind.MCQ:
        return multiple_choice(corpus, askable, rng)
    if kind == QuestionKind.CLOZE:
        return None if loose_phrase(corpus, askable) else fill_in_the_blank(askable)
    return true_or_false(corpus, askable, rng)


def _question(
    kind: QuestionKind,
    askable: AskableCard,
    *,
    prompt: str,
    answer: int | str | bool,
    answer_text: str,
    explanation: str,
    options: tuple[str, ...] = (),
    notices: tuple[str, ...] = (),
) -> Question:
    """The question as the learner reads it: Markdown's backslash escapes shown as the note page shows them."""
    card = askable.card
    return Question(
        kind=kind,
        card_id=card.id,
        note=card.note,
        line=card.line,
        context=card.context,
        prompt=unescape(prompt),
        answer=unescape(answer) if isinstance(answer, str) else answer,
        answer_text=unescape(answer_text),
        explanation=unescape(explanation),
        options=tuple(unescape(o) for o in options),
        notices=notices,
    )


def trivial_blank(corpus: Corpus, askable: AskableCard) -> bool:
    """Whether a card's only question is a blank kb chose that hides one of its note's everyday words: a single
    lower-case word that this many of the note's cards also use ("commits" in a note on rebasing) answers nothing.
    A blank the user wrote (a cloze, a bold term) is always asked."""
    card = askable.card
    if not card.generated or askable.question:
        return False
    blank = askable.blank
    if blank is None or " " in blank.answer or not blank.answer.islower():
        return False
    return _uses_in_note(corpus, card.note, f" {normalise(blank.answer)}") >= _COMMON_IN_NOTE


def _uses_in_note(corpus: Corpus, note: str, text: str) -> int:
    """How many of the note's cards hold ``text`` (normalised) in their statement."""
    return sum(text in f" {normalise(other.statement)}" for other in corpus.cards(note))


def loose_phrase(corpus: Corpus, askable: AskableCard) -> bool:
    """Whether kb's blank is a phrase of everyday lower-case words the note uses once ("zero tax benefit", "good
    per-language templates"): the writer's wording, not a term of the subject, which a typed answer in other words
    fails (judged blind: a third of the fill-ins marked bad). A phrase the note uses again ("specific knowledge"),
    that holds a word of the subject ("computational graph") or that the writer bolded or quoted is a term."""
    card = askable.card
    if not card.generated or askable.question:
        return False
    blank = askable.blank
    if blank is None or " " not in blank.answer.strip():
        return False
    words = blank.answer.replace("-", " ").split()
    if not all(w.isalpha() and w.islower() and common_english(w) for w in words):
        return False  # "computational graph": a word of the subject makes it a term
    source = card.cloze_text or card.back
    if any(f"{mark}{blank.answer}" in source for mark in ("**", "__", '"', "“")):
        return False
    return _uses_in_note(corpus, card.note, normalise(blank.answer)) < 2


def askable_blank(askable: AskableCard) -> BlankedSentence | None:
    """The card's blank, unless the rest of its sentence gives the hidden number away or the blank has no one
    answer (:func:`open_blank`)."""
    blank = askable.blank
    if blank is None or computable(blank.prompt, blank.answer) or open_blank(blank.prompt, blank.answer):
        return None
    if _GLUED_BLANK_RE.search(blank.prompt) or _DANGLING_START_RE.match(blank.prompt):
        return (
            None  # "Staged (_____ed)": the blank is part of a word; "it's the _____ not spent": no referent
        )
    if spelled_out(f"{blank.lead} {blank.prompt}", blank.answer):
        return None  # "non-sleep deep rest (_____)": the acronym follows from the words beside it
    if _folded(blank.answer) and f" {_folded(blank.answer)} " in f" {_folded(blank.prompt)} ":
        return None  # "less than _____" beside "the two-minute rule": the answer shows, plural folded
    if (
        askable.card.generated
        and " " in blank.answer.strip()
        and f" {_folded(blank.answer)} " in f" {_folded(askable.card.context)} "
    ):
        # judged blind in set AS: "_____: input x' = x + δ ..." keyed "Adversarial example" under the note
        # "Adversarial examples and FGSM", which the quiz shows above it
        return None
    if blank.answer.islower() and modifier_slot(blank.prompt, blank.answer):
        return None  # "The _____ worktrees keep ...": a lone qualifier ("extra", "small") is seldom the fact
    if askable.card.generated and broken_span(blank.prompt, blank.answer):
        return None
    if askable.card.generated and _QUOTED_WORD_RE.search(blank.prompt) and blank.answer.islower():
        return (
            None  # 'expressions with "_____" you tune': a quoted word is the author's metaphor, synonyms fit
        )
    if blank.prompt.startswith(f"{BLANK}:") and label_word(blank.answer, generated=askable.card.generated):
        return None  # "_____: frequent merges make a noisy history" for "Downside": any label would do
    return blank


# Words that label a bullet rather than name a term ("Downside: ...", "Contrast: ..."): hidden, any other would do.
_LABELS = GENERIC_NOUNS | frozenset(
    """downside downsides upside upsides drawback drawbacks benefit benefits advantage advantages disadvantage
    contrast comparison advice lesson lessons takeaway takeaways summary rule idea tip tips note caveat warning
    verdict solution conclusion pro pros con cons catch tradeoff trade-off risk risks goal goals why how key
    bottom line analogy story anecdote quote example exception limitation limitations""".split()
)


def label_word(term: str, *, generated: bool = False) -> bool:
    """A word labelling a bullet ("Downside:"); in a bullet kb read on its own (``generated``), also one common
    English word ("History:", a topic the bullet is filed under, not a term it defines: any other would read as
    well). A card the user wrote ("Wealth: assets that earn while you sleep") defines its word."""
    words = normalise(term).split()
    return " ".join(words) in _LABELS or (generated and len(words) == 1 and common_english(words[0]))


_QUOTED_WORD_RE = re.compile(r"[\"“‘']" + re.escape(BLANK) + r"[\"”’']")
_JOINING_WORDS = frozenset("plus minus versus vs and or then than but".split())
_ADJECTIVE_SUFFIXES = ("al", "ic", "ive", "ous", "ful", "less", "ary", "er", "est")
_SUBJECT_AFTER_RE = re.compile(r"\s+(?:you|you're|you’re|we|we're|they|they're|it|it's|he|she|i)\b", re.I)


def broken_span(prompt: str, answer: str) -> bool:
    """Whether kb's own blank of a plain sentence is no whole noun phrase: it ends on a joining word ("learning
    rate plus"), opens on an adverb ("strictly local"), or is a lone adjective before a noun ("_____ cells" for
    "retinal") or before a clause ("the _____ you're awake" for "longer")."""
    if answer_kind(answer) != TERM:
        return False
    words = answer.split()
    if words[-1].lower() in _JOINING_WORDS:
        return True
    if len(words) > 1 and words[0].islower() and words[0].endswith("ly") and len(words[0]) > 4:
        return True
    after = prompt.partition(BLANK)[2]
    if len(words) > 1 and re.match(r"\s+(?:out|up|off|away|back|down)\b", after):
        return (
            True  # "_____ out much of the light" for "glass filters": the hidden words end on a phrasal verb
        )
    if len(words) > 1 or not answer.islower():
        return False
    if _SUBJECT_AFTER_RE.match(after):
        return True
    m = re.match(r"\s+([a-z][\w-]*)", after)
    return (
        bool(m) and m.group(1) not in STOP_WORDS and answer.endswith(_ADJECTIVE_SUFFIXES) and len(answer) > 4
    )


def _folded(text: str) -> str:
    return " ".join(fold_plural(w) for w in normalise(text.replace(BLANK, " ")).split())


def open_blank(prompt: str, answer: str) -> bool:
    """Whether a blank has no one answer a learner could find: another name for something the sentence already
    names ("The index, aka the _____"), a possessive label ("Levitt's conclusion: ...",
    "Tesla's data engine"), a heading-like sentence hidden whole ("_____ From 1980 to 2014, ..."), or a verb's
    place ("Naval suggests that you should _____")."""
    if re.search(r"\w['’]s\b", answer):
        return True
    before, _, after = prompt.partition(BLANK)
    if _EXAMPLE_BEFORE_RE.search(before):
        return True  # "an index (e.g. the _____)": the blank is one example among many
    if _NAMED_AGAIN_RE.search(before):
        return True  # "The index, aka the _____": the note names the thing twice; either name would be right
    if not before.strip() and re.match(r"\s+[A-Z]", after) and len(answer.split()) > 1:
        return True
    words = answer.split()
    if len(words) > 1 and answer_kind(answer) in (TERM, NAME, PHRASE):
        if re.match(r"\s+(?:the|a|an|its|their|his|her|our|your|you|me|him|them|us|ones?)\b", after):
            return True  # "Cosine _____ the learning rate", "what a(n) _____ you": the hidden words end on a verb
        if words[0].lower() in STOP_WORDS or words[-1].lower() in STOP_WORDS:
            return True  # "second clone because": not a whole noun phrase
    return bool(_VERB_SLOT_RE.search(before))


def _initial_runs(text: str) -> set[str]:
    """The initials of every run of consecutive words of ``text`` (hyphenated parts count as words)."""
    words = re.findall(r"[^\W\d_]+", text.replace(BLANK, " "))
    initials = "".join(w[0].lower() for w in words)
    return {initials[i:j] for i in range(len(initials)) for j in range(i + 2, min(len(initials), i + 8) + 1)}


def spelled_out(prompt: str, answer: str) -> bool:
    """Whether the prompt gives the answer away by its other name: an acronym answer whose words the prompt spells
    out ("non-sleep deep rest, _____" for NSDR), or an answer whose initials the prompt shows as an acronym."""
    key = answer.strip()
    if re.fullmatch(r"[A-Z][A-Za-z]{1,7}s?", key) and sum(c.isupper() for c in key) >= 2:
        letters = "".join(c for c in key if c.isupper()).lower()
        return letters in _initial_runs(prompt)
    words = [w for w in re.split(r"[\s\-]+", key) if w]
    if len(words) < 2:
        return False
    initials = "".join(w[0] for w in words).upper()
    shown = {w.rstrip("s") for w in re.findall(r"\b[A-Z]{2,8}s?\b", prompt)}
    return initials in shown


def modifier_slot(prompt: str, answer: str) -> bool:
    """Whether the blank holds a single lower-case word that qualifies the word after it ("the _____ version",
    "a(n) _____ one"): other terms of the note, nouns, would not fit there, and only the key would read."""
    if " " in answer or not answer.islower() or answer_kind(answer) != TERM:
        return False
    before, _, after = prompt.partition(BLANK)
    if not _DETERMINER_BEFORE_RE.search(before):
        return False  # "squash keeps both messages": a subject before its verb, not a qualifier
    m = re.match(r"\s+([a-z][\w-]*)", after)
    return bool(m) and (m.group(1) not in STOP_WORDS or m.group(1) in ("one", "ones"))


def computable(prompt: str, answer: str) -> bool:
    """Whether a hidden number follows from the numbers its prompt shows: the same quantity in other units beside
    it ("sitting in _____ (57°F) water"), the missing step of a numbered run ("stage 1 ..., stage _____ ...,
    stage 3"), or the sum, difference, product or quotient of two of them ("took _____; relaxed took 45, the strain
    bought two minutes", "_____ dimensions ($512 / 8$)"). Such a blank is answered by arithmetic, and a false
    statement made from it contradicts itself."""
    hidden = _NUMBER_RE.findall(answer)
    if len(hidden) != 1 or answer_kind(answer) not in NUMERIC_KINDS:
        return False
    if _CONVERTED_RE.search(prompt):
        return (
            True  # "18°C (_____)", "_____ (57°F)": the same quantity in other units stands beside the blank
        )
    value = _number(hidden[0])
    if BLANK in prompt and any(ch in prompt for ch in "×*–-"):
        from kb.cards.spans import operand_of_a_shown_product  # (its patterns cost 20 ms to compile)

        at = prompt.index(BLANK)
        filled = prompt[:at] + answer + prompt[at + len(BLANK) :]
        if operand_of_a_shown_product(filled, at, at + len(answer)):
            return True  # "50k × 50k × _____ ≈ 20 GB", "_____ straight wins (1999–2005)" (judged blind in set AS)
    if _restated(prompt, answer):
        return True  # "~_____ machines wiped (numbers quoted range 30k–35k)": the key's value shown as "30k"
    shown = [_number(n) for n in _NUMBER_RE.findall(prompt.replace(BLANK, " "))]
    if answer_kind(answer) == DATE and any(
        _same(value, v + 1) or _same(value, v - 1) for v in shown if v > 1000
    ):
        return True  # "between Christmas 1944 and New Year _____": the year next to one shown
    shown += [float(COUNT_WORDS[w]) for w in re.findall(r"[a-z]+", prompt.lower()) if w in COUNT_WORDS]
    values = set(shown)
    if {value - 1, value + 1} <= values:
        return True
    percents = [float(p) for p in re.findall(r"(\d+(?:\.\d+)?)\s?%", prompt.replace(BLANK, " "))]
    if "%" in answer and any(_same(value + p, 100.0) for p in percents):
        return True  # "capped at _____ → price can't be below 85% of FMV": the rest of 100%
    amounts = [v for v in shown if v > 100]
    if any(
        _near(value * f, a) or _near(a * f, value)
        for p in percents
        for f in (p / 100, 1 - p / 100)
        if 0 < f < 1
        for a in amounts
    ):
        return True  # "max _____ of stock (so with a 15% discount you pay up to $21,250)": 85% of $25,000
    return any(
        a != b and any(_same(value, v) for v in (a + b, a - b, a * b, a / b if b else None))
        for a in shown
        for b in shown
    )


def _scaled(text: str) -> list[tuple[float, bool]]:
    """The numbers of a text, each times its scale ("30k" is 30,000), and whether a scale was written."""
    out = []
    for m in _NUMBER_RE.finditer(text):
        scale = scale_after(text, m.end())
        out.append((_number(m.group()) * scale, scale != 1.0))
    return out


def _restated(prompt: str, answer: str) -> bool:
    """Whether the prompt shows the hidden number's value written another way: "30k" for "30,000", "$2.5 million"
    for "$2,500,000" (judged blind in set AH: the options were ruled in or out by it)."""
    hidden = _scaled(answer)
    if len(hidden) != 1:
        return False
    value, scaled = hidden[0]
    return any(
        _same(value, other) and scaled != other_scaled
        for other, other_scaled in _scaled(prompt.replace(BLANK, " "))
    )


def _near(value: float, other: float) -> bool:
    """Equal to within a cent in the dollar: a share of an amount, rounded in the writing."""
    return abs(value - other) <= 0.005 * max(abs(value), 1.0)


def _same(value: float, other: float | None) -> bool:
    """Equal as written numbers are: 7.65 - 6.2 is 1.45, whatever the floating point says."""
    return other is not None and abs(value - other) < 1e-9 * max(1.0, abs(value))


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _unit_numbers(text: str) -> list[tuple[str, float]]:
    """The numbers of a text with their unit sign ($, %, or none)."""
    out = []
    for m in re.finditer(r"([$€£¥]?)(\d[\d,]*(?:\.\d+)?)(%?)", text):
        out.append((m.group(1) + m.group(3), _number(m.group(2))))
    return out


def alone_on_its_side(prompt: str, answer: str, wrong: list[str]) -> bool:
    """Whether a number key is the only option below (or above) a number of its unit the prompt shows beside it:
    the sentence then tells which option is right without the fact."""
    key = _unit_numbers(answer)
    if len(key) != 1 or answer_kind(answer) not in NUMERIC_KINDS:
        return False
    unit, value = key[0]
    others = [_unit_numbers(w) for w in wrong]
    if not all(len(o) == 1 for o in others):
        return False
    for shown_unit, shown in _unit_numbers(prompt.replace(BLANK, " ")):
        if shown_unit != unit or shown == value or not unit:
            continue
        below = value < shown
        if all((o[0][1] < shown) != below for o in others):
            return True
    return False


def _echo_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z0-9]{3,}", text.lower()) if w not in STOP_WORDS}


def only_key_echoes(prompt: str, answer: str, wrong: list[str]) -> bool:
    """Whether the key is the only option sharing a word with the prompt: the stem then points at it."""
    shown = _echo_words(prompt.replace(BLANK, " "))
    return bool(shown & _echo_words(answer)) and not any(shown & _echo_words(w) for w in wrong)


def _echoes_a_figure(prompt: str, answer: str) -> bool:
    """Whether the key's digits stand in the prompt with another unit ("$40M" beside "$40B")."""
    digits = _NUMBER_RE.findall(answer)
    if len(digits) != 1 or answer_kind(answer) not in NUMERIC_KINDS:
        return False
    return any(
        n == digits[0] and m.group() != answer.strip()
        for m in re.finditer(r"\$?\d[\d,.]*\s?[A-Za-z%]*", prompt.replace(BLANK, " "))
        for n in _NUMBER_RE.findall(m.group())
    )


def _family(command: str) -> str:
    """A command's program and subcommand ("git rerere" of "git rerere diff"), or its program alone."""
    words = command.strip("`").split()
    return " ".join(words[:2]) if len(words) > 2 else words[0] if words else ""


def fit_case(answer: str, other: str) -> str:
    """``other`` with the first-letter case of ``answer``, or the one capitalised option gives itself away; a
    name's or an acronym's case is its own ("Costco", "HSA") and is kept."""
    if not other[1:2].islower() or answer_kind(other) == NAME or answer_kind(answer) == NAME:
        return other
    if not answer[:1].isalpha() or not other[:1].isalpha():
        return other  # "+refs/heads/..." has no case to give: "refs/tags/" stays as written
    fix = str.lower if answer[:1].islower() else str.upper
    return fix(other[:1]) + other[1:]


def _has_short_answer(askable: AskableCard) -> bool:
    return bool(askable.question and askable.answer and len(askable.answer) <= MAX_OPTION_CHARS)


def neutral_article(prompt: str) -> str:
    """ "a _____" / "an _____" -> "_____": the article goes into the blank, so it cannot tell which option fits
    and no "a(n)" is left to read (a typed answer is graded with or without its article)."""
    return _ARTICLE_RE.sub(BLANK, prompt)


def _blank_prompt(blank: BlankedSentence) -> str:
    return neutral_article(f"{blank.lead}\n{blank.prompt}" if blank.lead else blank.prompt)


# ---------------------------------------------------------------------------------------------------------------------
# Multiple choice


class _ChoiceAttempt(NamedTuple):
    prompt: str
    answer: str
    term: bool  # the answer is a term (other terms are its distractors), not a sentence
    explanation: str


def _choice_attempts(askable: AskableCard) -> Iterator[_ChoiceAttempt]:
    """The card's question with its answer, then its sentence with a blank: the first that finds options wins."""
    if _has_short_answer(askable) and not repeats_question(askable.question, askable.answer):
        term = is_termlike(askable.answer)
        # kb's own term card asks "what is X?" of a label or a clause ("what is merging is non-destructive?"); its
        # answer is a sentence, and other bullets' sentences beside it are no answers to that question.
        if term or not askable.card.generated:
            yield _ChoiceAttempt(askable.question, askable.answer, term, askable.answer)
    blank = askable_blank(askable)
    if blank is not None and (answer_kind(blank.answer) != TERM or noun_phrase_like(blank.answer)):
        # "happier", "sleepier": a lone adjective has no other terms of its kind to stand beside it
        yield _ChoiceAttempt(_blank_prompt(blank), blank.answer, True, blank.sentence)


def multiple_choice(corpus: Corpus, askable: AskableCard, rng: random.Random) -> Question | None:
    """Four options when the scope has three good distractors, three with a notice; fewer and the card makes no
    multiple-choice question (the quiz asks it as a blank to fill in, or another card)."""
    for attempt in _choice_attempts(askable):
        answer = attempt.answer
        if askable.card.generated and not _options_can_match(answer):
            continue
        if answer_kind(answer) in NUMERIC_KINDS and NEGATED_BEFORE_RE.search(
            attempt.prompt.partition(BLANK)[0]
        ):
            continue  # "no _____ ft tall humans": 150 and 200 are as true as 100
        wrong = pick_distractors(
            corpus,
            askable,
            answer=answer,
            question=attempt.prompt,
            term=attempt.term,
            want=MAX_OPTIONS - 1,
            made_up_counts=not askable.card.generated,
        )
        if answer_kind(answer) == COMMAND and len(answer.strip("`").split()) > 2:
            # "git rerere diff" beside "git gc" and "git add": only its own family can stand beside it
            wrong = [w for w in wrong if _family(w) == _family(answer)]
        if len(wrong) < (MIN_GENERATED_DISTRACTORS if askable.card.generated else MIN_DISTRACTORS):
            continue  # kb's own blank is asked with three strong rivals or as a fill-in
        if alone_on_its_side(attempt.prompt, answer, wrong):
            continue  # "_____ self-only, $3,300 family": only the key is below the amount shown beside it
        if only_key_echoes(attempt.prompt, answer, wrong):
            continue  # "use _____ instead of plain --force": only the key holds "force"
        if _echoes_a_figure(attempt.prompt, answer):
            continue  # "a _____ opportunity does nothing for a $40B company": "$40M" echoes "$40B"
        notices = []
        if len(wrong) < MAX_OPTIONS - 1:
            notices.append(
                f"only {len(wrong) + 1} options: no other plausible answers of this kind in the quiz's scope"
            )
        if attempt.term:
            wrong = [fit_case(answer, w) for w in wrong]
        options = [answer, *wrong]
        rng.shuffle(options)
        return _question(
            QuestionKind.MCQ,
            askable,
            prompt=attempt.prompt,
            answer=options.index(answer),
            answer_text=answer,
            explanation=attempt.explanation,
            options=tuple(options),
            notices=tuple(notices),
        )
    return None


# ---------------------------------------------------------------------------------------------------------------------
# Fill in the blank


def _options_can_match(answer: str) -> bool:
    """Whether the other options of kb's own blank can be of the answer's sort: a number, amount, percentage or
    date, not 0 or 1 (a mean of 0, a probability of 1: the other numbers read as wrong at sight). Not a name (a
    note's names are people, places, plans and treaties, and only one fits the sentence), nor a term, command or
    phrase: judged blind over nineteen readings, the options kb found for those were of the key's sort in 14 of 48
    questions (29%; numbers: 285 of 364), and 42% of the questions were good, against 68% asked as a fill-in. Such
    a blank is asked as a fill-in."""
    return answer_kind(answer) in NUMERIC_KINDS and answer.strip() not in ("0", "1")


def typeable(answer: str) -> bool:
    """A short answer a learner can type: a few words, no formula, not a clause."""
    if ", " in answer or "; " in answer:
        return False  # "50%, 20%": a list, typed in one exact form and order only
    return len(answer.split()) <= MAX_TYPED_WORDS and answer_kind(answer) not in (FORMULA, PHRASE)


def fill_in_the_blank(askable: AskableCard) -> Question | None:
    blank = askable_blank(askable)
    if blank is None or not typeable(blank.answer):
        return None
    return _question(
        QuestionKind.CLOZE,
        askable,
        prompt=_blank_prompt(blank),
        answer=blank.answer,
        answer_text=blank.answer,
        explanation=blank.sentence,
    )


# ---------------------------------------------------------------------------------------------------------------------
# True or false


def blank_clause(prompt: str) -> str:
    """The sentence of a blanked text that holds the blank: a true/false statement judges one claim, and a true
    one is then not the note's bullet word for word while a false one is a retouched copy of it. A part too short
    to stand alone ("'call Sam' is.", an elliptical clause after a semicolon) keeps the parts before it that it
    leans on, up to a full sentence."""
    parts = _SENTENCE_SPLIT_RE.split(prompt)
    if len(parts) <= 1:
        return prompt
    at = next((i for i, p in enumerate(parts) if BLANK in p), None)
    if at is None:
        return prompt
    start = at
    while start > 0 and _fragment(" ".join(parts[start : at + 1]).replace(BLANK, "x")):
        start -= 1
    clause = " ".join(parts[start : at + 1])
    label = parts[0].find(": ", 0, 60)
    if start > 0 and label > 0 and BLANK not in parts[0][:label] and _leans_back(parts[at]):
        clause = f"{parts[0][: label + 1]} {clause}"  # "-X ours / -X theirs: Not the same as _____."
    return clause[:-1] + "." if clause.endswith((";", ":")) else clause


def _fragment(clause: str) -> bool:
    """Whether a clause is too short to be a claim of its own, or elliptical: it ends on an auxiliary verb whose
    predicate is in the clause before ("... isn't an action; 'call Sam' is.")."""
    words = clause.split()
    last = words[-1].strip('.;:!?"”’').lower() if words else ""
    elliptical = ";" not in clause[:-1] and (last in _AUXILIARIES or last.endswith(("n't", "n’t")))
    return len(words) < _MIN_CLAUSE_WORDS or elliptical or _leans_back(clause)


def _leans_back(clause: str) -> bool:
    """Whether a sentence has no subject of its own, or one the sentence before names ("Not the same as -s ours.",
    "Used for steel and aluminium.", "It refuses ..."): judged alone it says nothing true or false."""
    words = clause.split()
    first = words[0].strip('"“(').lower() if words else ""
    return first in _LEANS_BACK or (first.endswith("ed") and len(first) > 3 and words[0][:1].isupper())


_LEANS_BACK = frozenset(
    """not it it's its this these they them their that those which if so but and then both same only mostly often
    also rarely handy useful meant here there such""".split()
)


# a piece of a sentence a list splits: it ends on a comma or "or", or goes on from the item before ("...but")
_SPLIT_SENTENCE_RE = re.compile(r"(?:[,;]|\s(?:or|and))\s*$|^\s*(?:\.\.\.|…)")
# a negation in the blank's own clause ("Not the same as", "there is no", "never", "isn't")
_NEGATED_BEFORE_RE = re.compile(
    r"\b(?:not|no|never|none|neither|nor|without|isn't|aren't|doesn't|don't|can't|won't)\b[^.;:]*$", re.I
)


def _fill_blank(blank: BlankedSentence, filler: str, answer: str, *, code: bool = False) -> str:
    """The blank's sentence with ``filler`` in the blank, its case and the article before it fitted to it, and in
    code type when the answer was ("use `git merge --ff`", not "use git merge --ff" beside other code)."""
    filler = fit_case(answer, filler)
    if code and not filler.startswith("`"):
        filler = f"`{filler}`"
    text = blank_clause(blank.prompt)
    if answer_kind(filler) != COMMAND:  # "git cat-file -t" keeps its case at the head of a sentence
        text = _LEADING_BLANK_RE.sub(lambda _: filler[:1].upper() + filler[1:], text)
    an = "n" if starts_with_vowel_sound(filler) else ""
    text = _ARTICLE_RE.sub(lambda a: a.group(1) + an + " " + BLANK, text)
    text = text.replace(BLANK, filler)
    return f"{blank.lead}\n{text}" if blank.lead else text


def starts_with_vowel_sound(word: str) -> bool:
    """Whether "an" goes before ``word``: a vowel, or an acronym read as letters that start with one (an HSA)."""
    first = word.split()[0] if word.split() else ""
    if first[:2].isupper() and first.isalpha() and not (len(first) >= 4 and set(first[1:3]) & set("AEIOU")):
        return first[0] in "AEFHILMNORSX"  # read letter by letter: an HSA, an FBI agent; FICA, NASA are words
    low = first.lower()
    if low.startswith(("uni", "use", "usu", "eu", "one")):
        return False
    return low[:1] in "aeiou" or low.startswith(("hour", "honest", "heir"))


def true_or_false(corpus: Corpus, askable: AskableCard, rng: random.Random) -> Question | None:
    """The card's statement with its own answer (true) or with a wrong one the note puts in its place (false).

    Only a card that can be made false is asked (:mod:`kb.quiz.falsehood`), true or false by the draw: true and
    false statements come from the same cards, cut the same way, so their style tells nothing."""
    # Drawn before knowing whether the card makes a question: drawing it later would change every seed's quiz.
    truth = rng.random() < 0.5
    blank = askable_blank(askable)
    if blank is not None:
        answer, term, statement, explanation = blank.answer, True, blank_clause(blank.prompt), blank.sentence
    elif _has_short_answer(askable) and STATEMENT_LEAD_RE.search(askable.front_plain):
        # "The capital of Hungary is" + "Budapest" reads as a statement; "What is ...?" + "Budapest" does not
        answer, term, statement = askable.answer, True, askable.front_plain.rstrip()
        explanation = f"{statement} {answer}"
    else:
        return None
    if _NEGATED_BEFORE_RE.search(statement.partition(BLANK)[0]):
        return None  # "Not the same as _____": another thing in the blank makes it true as well
    if _SPLIT_SENTENCE_RE.search(statement):
        # judged blind in set BE: "70% of this year's tax, or", one item of a list that ends a sentence over
        # several bullets: alone it is neither true nor false
        return None
    wrong = false_filler(corpus, askable, answer=answer, statement=statement, term=term)
    if wrong is None:
        return None
    shown = answer if truth else wrong
    return _question(
        QuestionKind.TF,
        askable,
        prompt=(
            _fill_blank(blank, shown, answer, code=f"`{answer}`" in askable.card.back)
            if blank is not None
            else f"{statement} {shown}"
        ),
        answer=truth,
        answer_text=answer,
        explanation=explanation,
    )
