"""What a card can be asked: a question with its answer, a sentence with a term blanked, terms for other questions.

Built from the ``cards`` table as the card extractor fills it. A card whose front already gives its back away offers
no question; a key point or definition offers its term as a blank; a cloze card offers its own deletion; a sentence
with a bold term offers its most salient term, picked by the card generator's term picker
(:func:`kb.cards.salience.salient_span`: one picker for cards and quizzes).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NamedTuple

from kb.markdown import ANKI_CLOZE_RE, MASK, MATH_RE, STRONG_RE, WIKILINK_RE, plain_text, strong_text
from kb.quiz.answerkind import PHRASE, TERM, answer_kind
from kb.quiz.model import BLANK, CardRow
from kb.quiz.words import clean_term, content_words, is_termlike, normalise, shown_text, valid_term

# Where a blank goes while a prompt is built: a character no note holds, replaced by BLANK at the end.
_MARK = "\x00"
_BRACKET_RE = re.compile(r"\[([^\[\]]*)\]")
# A user's cloze deletion may be longer than a term kb picks itself.
_MAX_CLOZE_WORDS = 12
# A short front this many words or fewer, not a question, names a term ("Gradient clipping").
_TERM_FRONT_WORDS = 6


# A front that leads into its answer ("The capital of Hungary is", "Default branch:"): front and back make a statement.
STATEMENT_LEAD_RE = re.compile(r"(?:\b(?:is|are|was|were|means|equals)|:)\s*$", re.I)


class BlankedSentence(NamedTuple):
    prompt: str  # plain text with BLANK where the term was
    answer: str  # plain text of the blanked term
    sentence: str  # plain text of the whole sentence
    lead: str = ""  # the card's question, shown above the sentence when the sentence answers it


class QuestionAndAnswer(NamedTuple):
    question: str | None
    answer: str | None


class ClozeDeletion(NamedTuple):
    deleted: str  # the hidden text, as on the card's back
    prompt: str  # the front with the deletion as a marker (and its hint in parentheses)


class BlankAndTerms(NamedTuple):
    blank: BlankedSentence | None
    terms: tuple[str, ...]


_NO_QUESTION = QuestionAndAnswer(None, None)


class AskableCard:
    """What one card offers a quiz: a question and its answer, a sentence with a blank, terms for distractors.

    Computed lazily: most cards of a quiz are only read for their answers, as distractors of other questions.
    """

    __slots__ = (
        "card",
        "_front_plain",
        "_statement",
        "_question_and_answer",
        "_blank_and_terms",
        "_terms",
        "_spans",
        "label_term",
    )

    def __init__(self, card: CardRow, *, label_term: Callable[[CardRow], bool] | None = None):
        self.card = card
        # whether the card is a term card kb made of a label the note does not set in bold ("equity comp: stock
        # options ..."): its term is no answer to type (judged blind: "_____: stock options ..." keyed "equity comp"
        # asks for the writer's label); asked only of such a blank, since it reads the note's body
        self.label_term = label_term
        self._front_plain: str | None = None
        self._statement: str | None = None
        self._question_and_answer: QuestionAndAnswer | None = None
        self._blank_and_terms: BlankAndTerms | None = None
        self._terms: tuple[str, ...] | None = None
        self._spans: tuple[str, ...] | None = None

    @property
    def front_plain(self) -> str:
        if self._front_plain is None:
            self._front_plain = plain_text(self.card.front)
        return self._front_plain

    @property
    def statement(self) -> str:
        """The plain back: a wrong answer to other cards' questions."""
        if self._statement is None:
            self._statement = plain_text(self.card.back)
        return self._statement

    @property
    def question(self) -> str | None:
        return self._qa().question

    @property
    def answer(self) -> str | None:
        return self._qa().answer

    @property
    def blank(self) -> BlankedSentence | None:
        if self._blank_and_terms is None:
            self._blank_and_terms = blank_and_terms(self.card, self.front_plain, self.statement, self.answer)
        blank = self._blank_and_terms.blank
        if (
            blank is not None
            and self.label_term is not None
            and self.card.generated
            and blank.prompt.startswith(BLANK + ":")
            and self.label_term(self.card)
        ):
            return None
        return blank

    @property
    def terms(self) -> tuple[str, ...]:
        """Plain terms of the card (bold, highlighted, cloze deletions, short answers): distractor stock."""
        if self._blank_and_terms is not None:
            return self._blank_and_terms.terms
        if self._terms is None:
            # Without the sentence scan: most cards are only ever read for their terms, as distractors.
            self._terms = blank_and_terms(
                self.card, self.front_plain, self.statement, self.answer, scan=False
            ).terms
        return self._terms

    @property
    def spans(self) -> tuple[str, ...]:
        """Other answers the card's text holds, for distractors of their kind: its numbers, amounts and dates, its
        names, its code, and the deletion kb generated for it. Distractors keep only those of the key's kind."""
        if self._spans is None:
            self._spans = typed_spans(self.card)
        return self._spans

    def _qa(self) -> QuestionAndAnswer:
        if self._question_and_answer is None:
            self._question_and_answer = question_and_answer(self.card, self.front_plain, self.statement)
        return self._question_and_answer


def question_and_answer(card: CardRow, front_plain: str, back_plain: str) -> QuestionAndAnswer:
    """The card as a question and its answer, or none when it is a cloze card or its front gives the back away."""
    if card.kind == "cloze" or not front_plain or not back_plain:
        return _NO_QUESTION
    if reveals(front_plain, back_plain):
        return _NO_QUESTION
    return QuestionAndAnswer(question_text(front_plain, back_plain), back_plain)


# a front that asks by an instruction ("State Bayes' theorem", "Name the three ...", "Explain why ...")
_INSTRUCTIONS = frozenset(
    "state name list explain describe define give compare contrast derive prove write outline summarise summarize "
    "recall identify".split()
)


def question_text(front: str, answer: str) -> str:
    """A card's front as a question: a bare term becomes "What is X?", a description asks for its term."""
    if front.rstrip().endswith("?"):
        return front
    if front.split(None, 1)[0].lower() in _INSTRUCTIONS:
        return front.rstrip(" :.") + "."  # "State Bayes' theorem", never "What is State Bayes' theorem?"
    if STATEMENT_LEAD_RE.search(front) and not front.rstrip().endswith(":"):
        return (
            f"{front.rstrip()} …"  # "The capital of Hungary is …", never "What is The capital of Hungary is?"
        )
    words = front.split()
    if len(words) <= 6 and len(answer.split()) > len(words):
        return f"What is {front.rstrip(' :.')}?"
    if len(answer.split()) <= 6 and len(words) >= 5:
        return f"Which term is this? {front}"
    return f"{front.rstrip(' :')} …?"


def reveals(front: str, back: str) -> bool:
    """Whether showing ``front`` gives ``back`` away, or ``back`` merely repeats ``front``."""
    fn, bn = normalise(front), normalise(back)
    if not fn or not bn or bn in fn or fn in bn:
        return True
    fw = content_words(front) - {"key", "point", "points"}
    # A short front whose every word is in the back ("Key point: standard deduction" -> "The standard deduction is").
    return len(front.split()) <= 8 and bool(fw) and fw <= content_words(back)


_DIFFER_RE = re.compile(r": how does (.+) differ from (.+)\?$")


def blank_and_terms(
    card: CardRow, front_plain: str, back_plain: str, answer: str | None, *, scan: bool = True
) -> BlankAndTerms:
    """The card's blank (``scan=False``: skip looking for one in its sentences) and its distractor terms."""
    terms = list(emphasised_terms(card.front) + emphasised_terms(card.back))
    if card.kind == "cloze":
        return _cloze_blank_and_terms(card, back_plain, terms)
    blank = None
    if card.kind == "keypoint" and (vs := _DIFFER_RE.search(card.front)):
        # "how does PTQ differ from QAT?": the second term, blanked where the first is set against it
        first, second = vs.groups()
        at = re.search(rf"(?<!\w){re.escape(second)}(?!\w)", back_plain)
        from kb.cards.salience import negated_twin

        # (but "White-box (...) vs _____" answers itself: judged blind in set AS)
        if (
            at is not None
            and first in back_plain[: at.start()]
            and not negated_twin(second.lower(), f"{first} vs")
        ):
            prompt = re.sub(rf"(?<!\w){re.escape(second)}(?!\w)", BLANK, back_plain)
            blank = BlankedSentence(prompt=prompt, answer=second, sentence=back_plain)
        return BlankAndTerms(blank, tuple(dict.fromkeys(terms)))
    if card.kind == "keypoint":  # a generated term card asks "Topic: what is X?": X is its term
        front_plain = plain_text(keypoint_term(card.front))
    short_front = len(front_plain.split()) <= _TERM_FRONT_WORDS and not front_plain.endswith("?")
    term = clean_term(front_plain)
    lead = bool(STATEMENT_LEAD_RE.search(front_plain)) and not front_plain.rstrip().endswith(":")
    if short_front and not lead and len(back_plain.split()) >= len(front_plain.split()) and valid_term(term):
        # A key point ("**term**: what follows") or a definition: the term is the blank.
        if normalise(term) not in normalise(back_plain):
            shown = shown_text(card.back)
            blank = BlankedSentence(prompt=f"{BLANK}: {shown}", answer=term, sentence=f"{term}: {shown}")
            terms.insert(0, term)
    elif not scan:
        pass
    elif card.kind == "keypoint":
        blank = blank_sentence(card.back)
    elif STRONG_RE.search(card.back):
        blank = blank_sentence(card.back, lead=front_plain)
    if answer and is_termlike(answer) and valid_term(answer):
        terms.append(answer)
    return BlankAndTerms(blank, tuple(dict.fromkeys(terms)))


def _cloze_blank_and_terms(card: CardRow, back_plain: str, terms: list[str]) -> BlankAndTerms:
    blank = None
    found = cloze_blank(card)
    if found is not None:
        term = clean_term(found.deleted)
        if valid_term(term, max_words=_MAX_CLOZE_WORDS) and normalise(term) not in normalise(
            found.prompt.replace(BLANK, " ")
        ):
            blank = BlankedSentence(prompt=found.prompt, answer=term, sentence=back_plain)
            # A generated deletion is kb's guess at the salient words: askable, but no distractor for others.
            if not card.generated:
                terms.insert(0, term)
    return BlankAndTerms(blank, tuple(dict.fromkeys(terms)))


# A number standing alone: not the "401" of "401(k)" nor of "401k", which name a plan.
_NUMBER_SPAN_RE = re.compile(r"(?<![\w.])[$€£]?\d[\d,]*(?:\.\d+)?(?:%|½|¼|¾)?(?![\w.]\w|\(\w\))")
_NAME_SPAN_RE = re.compile(
    r"(?<![\w'’-])[A-Z][\w'’-]*(?:[ \t]+(?:(?:of|and|the|for|de|van|von)[ \t]+)?[A-Z][\w'’-]*)*"
)
_INNER_CAPITAL_RE = re.compile(r"^\w+?[a-z][A-Z0-9]")
_SENTENCE_START_RE = re.compile(r"(?:(?:^|[.!?:;][\"”’)]?\s+|\(\s*)[\"“'‘]?|[\"“])$")


def typed_spans(card: CardRow) -> tuple[str, ...]:
    """Numbers (with their currency or percent sign), capitalised names not starting a sentence, code spans and a
    generated deletion of a card's back: answers of their own kind for other questions."""
    raw = card.back
    spans: list[str] = []
    if card.kind == "cloze" and card.generated:
        found = cloze_blank(card)
        # A deletion kb generated is offered only when its kind shows what it is (a number, a command, a name): a
        # plain words' span of a sentence ("style output", "longer") is no term the note marks.
        deleted = clean_term(found.deleted) if found is not None else ""
        if deleted and (answer_kind(deleted) not in (TERM, PHRASE) or listed_item(deleted, plain_text(raw))):
            spans.append(deleted)
    from kb.markdown import CODE_RE

    spans += [m.group(0).strip("`").strip() for m in CODE_RE.finditer(raw)]
    text = plain_text(raw)
    spans += [m.group(0).rstrip(",.") for m in _NUMBER_SPAN_RE.finditer(text)]
    for m in _NAME_SPAN_RE.finditer(text):
        # A sentence's first word is a name only when its inner capitals or digits say so ("SentencePiece").
        first = not _SENTENCE_START_RE.search(text[: m.start()]) or _INNER_CAPITAL_RE.search(m.group(0))
        if first and re.search(r"[^\W\d_]{2}", m.group(0)):
            spans.append(
                m.group(0)
            )  # not a sentence's first word, nor a letter standing for something ("A B")
    return tuple(dict.fromkeys(s for s in spans if s and len(s) <= 60))


def listed_item(term: str, text: str) -> bool:
    """Whether ``term`` is an item of a comma list in ``text`` ("pick, reword, edit, squash"): the note names it as
    one of a set of like things, so it is a term of its own and not a span cut from a sentence."""
    # (each place the term stands, its two sides read by fixed patterns: a pattern made for each term would be
    # compiled again and again, more terms than ``re`` keeps compiled)
    at = text.find(term)
    while at >= 0:
        before, after = text[:at], text[at + len(term) :]
        if (_LIST_OPEN_RE.search(before) and _COMMA_NEXT_RE.match(after)) or (
            _COMMA_BEFORE_RE.search(before) and _LIST_END_RE.match(after)
        ):
            return True
        at = text.find(term, at + 1)
    return False


_LIST_OPEN_RE = re.compile(r"(?:^|[:,]\s*)(?:and\s+|or\s+)?$")
_COMMA_NEXT_RE = re.compile(r"\s*,")
_COMMA_BEFORE_RE = re.compile(r",\s*(?:and\s+|or\s+)?$")
_LIST_END_RE = re.compile(r"\s*(?:[.;)]|$)")


def emphasised_terms(raw: str) -> tuple[str, ...]:
    """The bold and highlighted terms and the cloze deletions of a Markdown text, each once, as plain text."""
    terms = []
    for m in STRONG_RE.finditer(MATH_RE.sub(" ", raw)):
        term = clean_term(strong_text(m))
        if valid_term(term):
            terms.append(term)
    for m in ANKI_CLOZE_RE.finditer(raw):
        term = clean_term(m.group(2))
        if valid_term(term):
            terms.append(term)
    return tuple(dict.fromkeys(terms))


def cloze_answer(front: str, back: str) -> ClozeDeletion | None:
    """For a cloze card, the deleted text and the front with the deletion as a marker (``\\x00``), or None.

    The extractor shows a deletion as ``[...]`` (or ``[hint]``) on the front and the full text on the back, so the
    deletion is what the back has where the front has the bracket.
    """
    spans = sorted(_BRACKET_RE.finditer(front), key=lambda m: m.group(1) != "...")
    for m in spans:
        prefix, suffix = front[: m.start()], front[m.end() :]
        if len(prefix) + len(suffix) > len(back) or not back.startswith(prefix) or not back.endswith(suffix):
            continue
        deleted = back[len(prefix) : len(back) - len(suffix)]
        if not deleted.strip() or deleted == m.group(1) or deleted == m.group(0):
            continue
        hint = m.group(1).strip()
        shown = f" ({hint})" if hint and hint != "..." else ""
        return ClozeDeletion(deleted, prefix + _MARK + shown + suffix)
    return None


def cloze_blank(card: CardRow) -> ClozeDeletion | None:
    """A cloze card's deletion and its prompt with BLANK, or None when it hides more than one span."""
    found = cloze_answer(card.front, card.back)
    if found is not None:
        return ClozeDeletion(found.deleted, shown_text(found.prompt).replace(_MARK, BLANK))
    # Front and back may differ in other markup; the Anki form of the source names the deletion.
    if card.cloze_text and card.cloze_index:
        hidden = [m for m in ANKI_CLOZE_RE.finditer(card.cloze_text) if int(m.group(1)) == card.cloze_index]
        if len(hidden) != 1:
            return None
        hint = (hidden[0].group(3) or "").strip()
        marker = f"[{hint}]" if hint else "[...]"
        front = plain_text(card.front)
        if front.count(marker) != 1:
            return None
        shown = f"{BLANK} ({hint})" if hint else BLANK
        return ClozeDeletion(hidden[0].group(2), front.replace(marker, shown))
    return None


def blank_sentence(raw: str, lead: str = "") -> BlankedSentence | None:
    """The sentence with its most salient term blanked, every other occurrence of the term blanked too."""
    if _MARK in raw:
        return None
    from kb.cards.salience import TermWeights, salient_span
    from kb.markdown import mask_spans

    masked = mask_spans(WIKILINK_RE.sub(lambda m: MASK * len(m.group(0)), raw))[0]
    span = salient_span(raw, TermWeights(raw), masked)
    if span is None:
        return None
    term = clean_term(raw[span[0] : span[1]])
    if not valid_term(term) or cuts_a_token(raw, span[0], span[1]):
        return None
    # A code span hidden whole stays a code span around the blank, so a filled-in statement keeps its style.
    code = raw[span[0] : span[0] + 1] == "`" and raw[span[1] - 1 : span[1]] == "`" and span[1] - span[0] > 2
    mark = f"`{_MARK}`" if code else _MARK
    prompt = shown_text(raw[: span[0]] + mark + raw[span[1] :])
    prompt = blank_occurrences(prompt, term).replace(_MARK, BLANK)
    if normalise(term) in normalise(prompt) or normalise(prompt.replace(BLANK, "")) == "":
        return None
    if normalise(term) in normalise(lead):
        return None
    return BlankedSentence(prompt=prompt, answer=term, sentence=shown_text(raw), lead=lead)


_TOKEN_CHARS = frozenset("$€£%")


def cuts_a_token(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` cuts a number or a word in two (``6`` of ``6.2%``, ``$`` left out of ``$7``)."""
    before, after = text[start - 1 : start], text[end : end + 2]
    if before.isalnum() or before in _TOKEN_CHARS or after[:1].isalnum() or after[:1] in _TOKEN_CHARS:
        return True
    return after[:1] in ".,/" and after[1:2].isdigit() and text[end - 1 : end].isdigit()


def blank_occurrences(text: str, term: str) -> str:
    """Every whole-word occurrence of ``term`` (any case, plural -s/-es too) replaced by the blank marker."""
    low, key = text.lower(), term.lower()
    out, i = [], 0
    while True:
        j = low.find(key, i)
        if j < 0:
            break
        end = j + len(key)
        for suffix in ("es", "s"):
            if low.startswith(suffix, end) and not (
                end + len(suffix) < len(low) and low[end + len(suffix)].isalnum()
            ):
                end += len(suffix)
                break
        before_ok = j == 0 or not (low[j - 1].isalnum() or low[j - 1] == "_")
        after_ok = end >= len(low) or not (low[end].isalnum() or low[end] == "_")
        if before_ok and after_ok:
            out.append(text[i:j] + _MARK)
        else:
            out.append(text[i:end])
        i = end
    out.append(text[i:])
    return "".join(out)


_KEYPOINT_MEAN_RE = re.compile(r': what does "(.+)" mean\?$')
_KEYPOINT_ASK_RE = re.compile(r": (?:what|who) (?:is|are|does|do) (.+?)(?: do| say)?\?$")


def keypoint_term(front: str) -> str:
    """The term a key-point card asks about, read from the front :mod:`kb.cards.keypoints` writes ("Topic: what is the
    term?" gives "the term"); a plain front as is. Here, not there, so that a quiz loads no card extraction."""
    m = _KEYPOINT_MEAN_RE.search(front) or _KEYPOINT_ASK_RE.search(front)
    return m.group(1) if m else front
