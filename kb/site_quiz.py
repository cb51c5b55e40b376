"""Quiz data for the site's quiz pages, as JSON the browser turns into an interactive quiz.

The JSON shape (what ``kb/site/kb.js`` reads)::

    {"questions": [
        {"kind": "mcq", "question": "...", "options": ["...", ...], "answer": 0, "note": "notes/x.md",
         "line": 3, "url": "../../x/", "title": "X"},
        {"kind": "cloze", "question": "... ____ ...", "answer": "text", ...},
        {"kind": "tf", "statement": "...", "answer": true, ...}]}

Questions come from ``kb.quiz.generate_quiz`` (the generator behind ``kb quiz``) when it is installed; until then
from the notes' cards: a card's front with its back among the backs of other cards as options, and cloze cards
with their deletion to type.
"""

from __future__ import annotations

import hashlib
import importlib.util
import random
import re
from collections.abc import Callable, Sequence


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text).strip().casefold()


def _kind(card) -> str:
    return str(getattr(card.kind, "value", card.kind))


def _seed(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")


def questions_from_cards(infos: Sequence, n: int, seed: str) -> list[dict]:
    """Multiple-choice and cloze questions from the cards of ``infos`` (NoteInfo objects)."""
    rng = random.Random(_seed(seed))
    pool = [(info, card) for info in infos for card in info.cards]
    # Answers that can serve as distractors, by card kind, each with its normalised form (computed once).
    answers_by_kind: dict[str, list[tuple[str, str]]] = {}
    for _, card in pool:
        kind = _kind(card)
        back = card.back.strip()
        if kind != "cloze" and back and len(back) <= 300:
            answers_by_kind.setdefault(kind, []).append((back, _norm(back)))
    all_backs = [b for backs in answers_by_kind.values() for b in backs]
    rng.shuffle(pool)
    questions: list[dict] = []
    seen_questions: set[str] = set()
    for info, card in pool:
        if len(questions) >= n:
            break
        kind = _kind(card)
        front_norm = _norm(card.front)
        if front_norm in seen_questions:
            continue
        base = {"note": info.path, "line": card.line, "title": info.title}
        if kind == "cloze":
            answer = getattr(card, "answer", "") or ""
            if not answer or len(answer) > 60:
                continue
            seen_questions.add(front_norm)
            questions.append(
                {"kind": "cloze", "question": card.front.replace("[...]", "____"), "answer": answer, **base}
            )
            continue
        right = card.back.strip()
        if not right or len(right) > 300:
            continue
        right_norm = _norm(right)
        same = answers_by_kind.get(kind, [])
        candidates = rng.sample(same, min(len(same), 40))
        if len(candidates) < 8:
            candidates += rng.sample(all_backs, min(len(all_backs), 40))
        options: list[str] = []
        seen = {right_norm}
        for text, norm in sorted(candidates, key=lambda c: abs(len(c[0]) - len(right))):
            if norm not in seen:
                options.append(text)
                seen.add(norm)
            if len(options) == 3:
                break
        if not options:
            continue
        at = rng.randrange(len(options) + 1)
        options.insert(at, right)
        seen_questions.add(front_norm)
        questions.append({"kind": "mcq", "question": card.front, "options": options, "answer": at, **base})
    return questions


def build_quiz(infos: Sequence, n: int, seed: str, url_of: Callable[[str], str | None]) -> dict:
    """The quiz payload for a set of notes; each question links back to its note (``url``)."""
    questions = None
    if importlib.util.find_spec("kb.quiz") is not None:
        questions = _from_generator(infos, n, seed)
    if questions is None:
        questions = questions_from_cards(infos, n, seed)
    titles = {info.path: info.title for info in infos}
    for q in questions:
        note = q.get("note")
        if note:
            q.setdefault("title", titles.get(note, note))
            url = url_of(note)
            if url:
                q["url"] = url
    return {"questions": questions}


def _from_generator(infos: Sequence, n: int, seed: str) -> list[dict] | None:
    """Questions from kb.quiz's generator, or None when its interface is not one this site knows."""
    try:
        from kb.quiz import generate_quiz
    except ImportError:
        return None
    del generate_quiz  # wired when the generator lands (see the module docstring)
    return None
