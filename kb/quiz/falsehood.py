"""The wrong answer that makes a true/false statement false: plausible, of the key's kind, and truly wrong.

A false statement is the true one with its key swapped for something else, and a learner must not be able to tell it
by its style (ungrammatical, absurd) nor argue that it is true. So the swap is made only with a wrong answer that
plays the key's part in the note itself:

- a number, amount, percentage or date: another of the note's numbers of the same form, or the key changed
  (73 -> 74, 2015 -> 2016, 6.2% -> 12.4%);
- a term defined by the note (a "**term**: what it means" bullet) in the place of another term the note defines
  ("Authority: things seem more valuable when they're less available" is false);
- an item listed beside the key somewhere in the note ("pick, reword, edit, squash, fixup": fixup for squash);
- a term with the key's head noun ("exploding gradient" for "vanishing gradient", "Roth IRA" for "traditional IRA");
- a command of the note for a command ("git bisect skip" for "git bisect start");
- for a question and its short answer, the answer of another question of the note.

Never a word the note gives as another name for the key (a blank right after "aka", "also called", "or", or in
parentheses), and never a wrong answer that another card of the note states in much the same sentence (two cards
stating the same fact make the "false" statement true). Without such a wrong answer the card makes no true/false
question: asking only the cards that can be false, true ones are drawn from the same cards and style tells nothing.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable

from kb.cards.lexicon import MONTH_PATTERN
from kb.quiz.answerkind import COMMAND, DATE, NUMERIC_KINDS, answer_kind
from kb.quiz.corpus import Corpus
from kb.quiz.distractors import DistractorSearch, note_synonyms, number_variants, same_thing, word_overlap
from kb.quiz.model import BLANK
from kb.quiz.terms import AskableCard
from kb.quiz.words import content_words, fold, fold_plural, is_termlike, normalise, repeats_question

# Two questions sharing this share of their words ask like things ("What is the capital of France?" and "... of
# Italy?"): the answer of one is a plausible wrong answer to the other.
_LIKE_QUESTIONS = 0.3
# Candidates of the note looked at for one statement.
_CANDIDATES = 16
# Another card stating a wrong answer in a sentence sharing this share of the statement's words states the same fact.
_SAME_FACT_SHARE = 0.5
# A list's items are short: a longer stretch between two words is a sentence, not a list.
_LIST_ITEM_WORDS = 2
_LIST_SPAN_CHARS = 90
_SYNONYM_BEFORE_RE = re.compile(
    r"(?:\baka|\ba\.k\.a\.?|\balso called|\balso known as|\bknown as|\bcalled|\bi\.e\.?|\bnamely|\bor|\()[\s,:]*$",
    re.I,
)
_LIST_SEPARATOR_RE = re.compile(
    r"\s*(?:,\s*(?:and|or|then)\b|,|;|/|\band\b|\bor\b|\bthen\b|\bvs\.?|\bversus\b)\s*"
)


def false_filler(
    corpus: Corpus, askable: AskableCard, *, answer: str, statement: str, term: bool
) -> str | None:
    """The wrong answer that makes ``statement`` (with BLANK, or a question whose answer is ``answer``) false, or
    None when the note offers none that is sure to be wrong and to read naturally."""
    kind = answer_kind(answer)
    numeric = kind in NUMERIC_KINDS
    before = statement.partition(BLANK)[0]
    if BLANK in statement and not numeric and _SYNONYM_BEFORE_RE.search(before):
        return None  # "The index, aka the _____": another name for it would make the statement true
    card = askable.card
    others = [o for o in corpus.cards(card.note) if o.card.id != card.id]
    if BLANK not in statement:
        return _other_answer(answer, statement, others)
    search = DistractorSearch(card, answer=answer, question=statement, term=term, want=_CANDIDATES)
    search.synonyms = note_synonyms(corpus.cards(card.note), answer)
    candidates: list[str] = []
    if numeric and NEGATED_BEFORE_RE.search(before):
        return None  # "no _____ ft tall humans": any larger number is as true
    if numeric and search.bound:
        return (
            None  # "for _____+ years", "After _____ he worked ...": a bound, which another number keeps true
        )
    if numeric and _COMPARED_BEFORE_RE.search(before):
        # judged blind in set BW: "139 is above 127" made false as "139 is above 137", as true: a number set against
        # another one in the sentence is no fact another number makes false
        return None
    day = answer.strip()
    if numeric and day.isdigit() and int(day) <= 31 and _DAY_AFTER_MONTH_RE.search(before):
        # judged blind in set BR: "sell Dec 28, rebuy Jan 5 → still a wash sale" made false as "sell Dec 30": a day
        # moved in a date is a slip no learner is asked for, and often still true
        return None
    rough = numeric and _ROUGH_BEFORE_RE.search(before) is not None
    if rough and kind == DATE:
        # judged blind in set AM: "by around 1970" made false as "by around 1860": a rough year is made false by no
        # near year (still arguably true) and by no far one (absurd)
        return None
    if numeric:  # a near number reads as a slip of memory; another figure of the note ("age 31") as nonsense
        candidates = sorted(
            (v for v in number_variants(answer) if search.variant_fits(v)), key=lambda v: _distance(v, answer)
        )
        if rough:
            # "by roughly 3 AP": "roughly 4" is arguably true too; a figure twice as far or more is wrong
            candidates = [v for v in candidates if _distance(v, answer) >= _ROUGH_DISTANCE]
    search.take(corpus, [card.note], strict=True)
    if search.numeric:
        search.add_number_variants()
    for candidate in [*candidates, *search.chosen]:
        if not numeric and not _plays_the_part(corpus, candidate, answer, statement, askable, others):
            continue
        if not numeric and answer_kind(answer) != COMMAND and _splits_hairs(candidate, answer):
            continue
        if _stated_elsewhere(candidate, statement.replace(BLANK, candidate), others):
            continue
        return candidate
    return None


# a number the sentence gives as rough ("roughly 3", "~40%", "about $2k"): a false one must be far from it
_ROUGH_BEFORE_RE = re.compile(
    r"(?:\broughly|\babout|\baround|~|≈|\bapprox(?:imately|\.)?|\bnearly|\balmost|\bcirca)\s*[$€£]?\s*$", re.I
)
# a number, then a comparison before the blank: "139 is above _____", "0.9 > _____"
_COMPARED_BEFORE_RE = re.compile(
    r"\d[\d,.]*%?\s+(?:is|are|was|were)?\s*(?:above|below|over|under|more than|less than|greater than|higher than|"
    r"lower than|[<>≤≥])\s*$",
    re.I,
)
_DAY_AFTER_MONTH_RE = re.compile(rf"\b{MONTH_PATTERN}\s*$")  # "sell Dec _____": the blank is a day
_ROUGH_DISTANCE = 0.69  # log 2: half or twice the figure
# a number under a negation ("no 100 ft tall humans", "never more than 3"): other numbers make it true as well
NEGATED_BEFORE_RE = re.compile(
    r"\b(?:no|never|not|without|none)\s+(?:more than\s+|over\s+)?[$€£~]?\s*$", re.I
)


def _distance(variant: str, answer: str) -> float:
    """How far a number variant is from the answer, as a ratio (73 -> 74 is nearer than 73 -> 146)."""
    import math

    a, b = _first_number(answer), _first_number(variant)
    return abs(math.log(b / a)) if a and b and a > 0 and b > 0 else math.inf


def _first_number(text: str) -> float | None:
    m = re.search(r"\d[\d,]*(?:\.\d+)?", text)
    return float(m.group().replace(",", "")) if m else None


def _plays_the_part(
    corpus: Corpus, candidate: str, answer: str, statement: str, askable: AskableCard, others: list
) -> bool:
    """Whether the note puts ``candidate`` where it puts ``answer``: both terms it defines, both items of one list,
    two kinds of one thing, two commands, or two answers to its questions."""
    if statement.startswith(BLANK) and statement[len(BLANK) : len(BLANK) + 1] == ":":
        # "Boussac deal: promised ..." made false as "Vertical integration into craftsmanship: promised ...": judged
        # blind over four readings, a label of kb's own key-point card swapped for another is visibly nonsense (or
        # still true); the user's own term cards, and terms the note sets in bold ("**Liking**"), trade definitions
        # a person's name swapped only for a person's, a thing's for a thing's (judged blind in set AT: "Solomon:
        # island off Busan", one of the cast put among the places)
        people = _WHO_RE.search(askable.card.front) is not None if askable.card.generated else None
        if normalise(candidate) not in _defined_terms(others, people):
            return False
        bold = corpus.bold_terms(askable.card.note)
        return not askable.card.generated or (normalise(candidate) in bold and normalise(answer) in bold)
    if answer_kind(answer) == COMMAND:
        # "`git rebase` jumps back to where you were" for "`git switch -`": judged blind in set AG, another
        # subcommand is false at sight; only the same command with other options or arguments reads as a slip
        a, c = answer.strip("`").split()[:2], candidate.strip("`").split()[:2]
        return a == c if len(a) == 2 and len(c) == 2 else a[:1] == c[:1]
    if _same_head(candidate, answer):
        return True
    texts = [askable.statement, *(o.statement for o in others)]
    return co_listed(answer, candidate, texts)


def _other_answer(answer: str, question: str, others: list[AskableCard]) -> str | None:
    """For a question and its short answer: the short answer of another question of the note, of the same kind.
    An answer that repeats its question's words ("What does byte pair encoding do? Byte pair encoding starts
    from...") tells by itself which question it answers: no statement from it, none with it."""
    kind = answer_kind(answer)
    if repeats_question(question, answer):
        return None
    for other in others:
        text = other.answer
        if (
            not text
            or not other.question
            or answer_kind(text) != kind
            or repeats_question(other.question, text)
        ):
            continue
        if same_thing(answer, text, term=True) or normalise(text) in normalise(question):
            continue
        if _question_form(question) != _question_form(other.question):
            continue  # "what does the Rule of 72 say?" is not answered by what a detached HEAD is
        if not is_termlike(answer) and word_overlap(question, other.question) < _LIKE_QUESTIONS:
            continue  # a sentence answering another kind of question is plainly not this one's answer
        if not _stated_elsewhere(text, f"{question} {text}", [o for o in others if o is not other]):
            return text
    return None


_QUESTION_FORM_RE = re.compile(r"\b(what|who|which|when|where|why|how)\s+(\w+)", re.I)


def _question_form(question: str) -> tuple[str, ...]:
    """How a question asks: its question word and verb, and for "what does X do/say/mean?" that last verb."""
    m = _QUESTION_FORM_RE.search(question)
    if m is None:
        return ()
    wh, aux = m.group(1).lower(), m.group(2).lower()
    words = re.findall(r"\w+", question[m.end() :].lower())
    last = words[-1] if aux in ("do", "does", "did") and words else ""
    return (
        wh,
        {"are": "is", "was": "is", "were": "is", "do": "does", "did": "does"}.get(aux, aux),
        last if last in ("do", "say", "mean") else "",
    )


def _defined_terms(others: Iterable[AskableCard], people: bool | None = None) -> set[str]:
    """The terms the note defines: the blanks of its "term: definition" cards (of people only, or of no people, when
    ``people`` says which: kb's "Topic: who is X?" cards)."""
    found = set()
    for other in others:
        if people is not None and (_WHO_RE.search(other.card.front) is not None) != people:
            continue
        blank = other.blank
        if blank is not None and blank.prompt.startswith(BLANK + ":"):
            found.add(normalise(blank.answer))
    return found


_WHO_RE = re.compile(r": who (?:is|are) [^?]+\?$")  # kb's question of a person ("Pachinko: who is Hansu?")


def _splits_hairs(candidate: str, answer: str) -> bool:
    """Two labels sharing a word but not as two kinds of one thing ("Consistency check" for "Commitment &
    consistency"): a false statement made of them is a trap between near names, judged blind as no test."""
    shared = {fold_plural(w) for w in content_words(candidate)} & {
        fold_plural(w) for w in content_words(answer)
    }
    return bool(shared) and not _same_head(candidate, answer)


def _same_head(a: str, b: str) -> bool:
    """Two terms of two words or more naming two kinds of one thing: the same last word, other words before it."""
    wa, wb = normalise(a).split(), normalise(b).split()
    if len(wa) < 2 or len(wb) < 2 or fold_plural(wa[-1]) != fold_plural(wb[-1]):
        return False
    return not (set(wa[:-1]) & set(wb[:-1]))


def co_listed(a: str, b: str, texts: Iterable[str]) -> bool:
    """Whether ``a`` and ``b`` are items of one list in one of ``texts``: only short items and separators (commas,
    "and", "or", "then", "vs", slashes) between them ("pick, reword, edit, squash, fixup")."""
    fa, fb = fold(a), fold(b)
    for text in texts:
        low = fold(text)
        for first, second in ((fa, fb), (fb, fa)):
            i = _word_at(low, first)
            if i < 0:
                continue
            j = _word_at(low, second, i + len(first))
            if j < 0 or j - i - len(first) > _LIST_SPAN_CHARS:
                continue
            between = low[i + len(first) : j]
            if not _LIST_SEPARATOR_RE.search(between):
                continue
            items = _LIST_SEPARATOR_RE.split(between)
            if items[0].strip() or items[-1].strip():
                continue  # the two words are not where a list puts its items: a separator right after and before
            if all(
                len(item.split()) <= _LIST_ITEM_WORDS and not re.search(r"[.:!?\d]", item) for item in items
            ):
                return True
    return False


def _word_at(text: str, word: str, start: int = 0) -> int:
    """Where ``word`` stands as a whole word in ``text`` from ``start``, or -1."""
    if word not in text:
        return -1
    m = _whole_word(word).search(text, start)
    return m.start() if m else -1


@functools.lru_cache(maxsize=1024)
def _whole_word(word: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + re.escape(word) + r"(?:e?s)?(?![\w-])")


def _stated_elsewhere(candidate: str, false_statement: str, others: Iterable[AskableCard]) -> bool:
    """Whether another card of the note says ``candidate`` in a sentence much like the false statement: then the
    statement made false with it may be true (a hand-written card and a generated one about the same fact)."""
    own = content_words(candidate)
    words = content_words(false_statement) - own
    key = f" {normalise(candidate)} "
    if not words:
        return False
    for other in others:
        text = f"{other.front_plain} {other.statement}"
        if key not in f" {normalise(text)} ":
            continue
        if len(words & (content_words(text) - own)) >= _SAME_FACT_SHARE * len(words):
            return True
    return False
