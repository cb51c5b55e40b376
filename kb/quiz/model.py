"""What a quiz is made of: its scope, the cards it reads, its questions and their kinds. Data only, no rules."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from kb.errors import KbError
from kb.quiz.matching import accepted_answers

BLANK = "_____"
MAX_OPTIONS = 4
# An answer this long makes a poor option: the options would be paragraphs.
MAX_OPTION_CHARS = 240
LETTERS = "abcdefghijklmnopqrstuvwxyz"


class QuestionKind(StrEnum):
    MCQ = "mcq"
    CLOZE = "cloze"
    TF = "tf"


ALL_KINDS = (QuestionKind.MCQ, QuestionKind.CLOZE, QuestionKind.TF)

_KIND_ALIASES = {"mc": "mcq", "choice": "mcq", "blank": "cloze", "truefalse": "tf", "true-false": "tf"}


def parse_kinds(text: str | Iterable[str]) -> tuple[QuestionKind, ...]:
    """``"mcq,cloze"`` -> kinds; an unknown kind is a KbError listing the valid ones."""
    items = text.split(",") if isinstance(text, str) else list(text)
    kinds: list[QuestionKind] = []
    for item in items:
        item = str(item).strip().lower()
        if not item:
            continue
        item = _KIND_ALIASES.get(item, item)
        try:
            kind = QuestionKind(item)
        except ValueError:
            raise KbError(
                f"quiz: unknown question kind {item!r}; use mcq, cloze or tf, e.g. --kinds mcq,tf"
            ) from None
        if kind not in kinds:
            kinds.append(kind)
    if not kinds:
        raise KbError("quiz: no question kinds given; use mcq, cloze or tf, e.g. --kinds mcq,tf")
    return tuple(kinds)


@dataclass(frozen=True)
class Scope:
    """Which cards questions come from. Empty fields mean no filter; all empty means the whole knowledge base."""

    note: str | None = None  # root-relative path: notes/ml/rnns.md
    tag: str | None = None
    type: str | None = None

    def describe(self) -> str:
        parts = [f"{k}:{v}" for k, v in (("note", self.note), ("tag", self.tag), ("type", self.type)) if v]
        return " ".join(parts) or "all"

    def label(self) -> str:
        """The scope in a sentence: ``tag:taxes`` or ``the knowledge base``."""
        text = self.describe()
        return "the knowledge base" if text == "all" else text

    def to_json(self) -> dict:
        return {"note": self.note, "tag": self.tag, "type": self.type}


@dataclass(frozen=True)
class CardRow:
    """A card as the quiz reads it from the ``cards`` table."""

    id: str
    note: str
    line: int
    position: int
    kind: str
    front: str
    back: str
    context: str
    sibling: str
    suspended: bool = False
    generated: bool = False  # made by kb from a key point, not written as a card by the user
    cloze_text: str = ""  # the cloze source in Anki markup, when the store has it
    cloze_index: int = 0


@dataclass(frozen=True)
class Question:
    """One question. ``answer`` is the option index (mcq), the expected text (cloze) or a bool (tf)."""

    kind: QuestionKind
    prompt: str
    answer: int | str | bool
    answer_text: str  # the right answer as text, found in the note (for tf: the true answer of the statement)
    explanation: str  # what to show after answering: the full true sentence or answer
    card_id: str
    note: str
    line: int
    context: str = ""
    options: tuple[str, ...] = ()
    notices: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        return f"{self.note}:{self.line}"

    @property
    def right_answer(self) -> str:
        """The right answer as a user would give it: ``b) the option``, the text, or ``true``/``false``."""
        if self.kind == QuestionKind.MCQ:
            return f"{LETTERS[int(self.answer)]}) {self.options[int(self.answer)]}"
        if self.kind == QuestionKind.TF:
            return "true" if self.answer else "false"
        return str(self.answer)

    def to_json(self, position: int | None = None) -> dict:
        data: dict = {"kind": str(self.kind), "prompt": self.prompt}
        if position is not None:
            data = {"position": position, **data}
        if self.kind == QuestionKind.MCQ:
            data["options"] = list(self.options)
        if self.kind == QuestionKind.CLOZE:
            # For a page grading typed answers itself: compare leniently (see typed_answer_matches) with each.
            data["accept"] = accepted_answers(str(self.answer))
        data.update(
            answer=self.answer,
            answer_text=self.answer_text,
            explanation=self.explanation,
            card_id=self.card_id,
            note=self.note,
            line=self.line,
            context=self.context,
            notices=list(self.notices),
        )
        return data


@dataclass(frozen=True)
class Quiz:
    questions: tuple[Question, ...]
    seed: int
    scope: Scope
    kinds: tuple[QuestionKind, ...]
    requested: int
    cards_in_scope: int  # counted up to the generator's cap (kb.quiz.generate.CARD_COUNT_CAP)
    notices: tuple[str, ...] = ()

    def to_json(self) -> dict:
        """JSON-ready data: what `kb quiz --json` prints and the site's quiz pages read."""
        return {
            "seed": self.seed,
            "scope": self.scope.to_json(),
            "kinds": [str(k) for k in self.kinds],
            "requested": self.requested,
            "cards_in_scope": self.cards_in_scope,
            "notices": list(self.notices),
            "questions": [q.to_json(i + 1) for i, q in enumerate(self.questions)],
        }
