"""Quiz data for the site's quiz pages, as JSON the browser turns into an interactive quiz.

The JSON shape (what ``kb/site/assets/kb.js`` reads)::

    {"questions": [
        {"kind": "mcq", "prompt": "...", "options": ["...", ...], "answer": 0, "note": "notes/x.md",
         "line": 3, "url": "../../x/", "title": "X", "explanation": "..."},
        {"kind": "cloze", "prompt": "... _____ ...", "answer": "text", "accept": ["text"], ...},
        {"kind": "tf", "prompt": "...", "answer": true, ...}],
     "notices": ["..."]}

The quiz pages (one for all notes, one per tag) come from ``kb.quiz.generate_quiz``, the generator behind
``kb quiz``, run over kb's index (``.kb/kb.db``, opened read-only). The short self-test at the end of each note is
made here from that note's cards (a card's front with its back among the backs of the note's other cards, and cloze
cards with their deletion to type): generating one per note with the full generator would make a large site's
build many times slower.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Sequence


def _norm(text: str) -> str:
    return re.sub(r"[\W_]+", " ", text).strip().casefold()


def _seed(value: str) -> int:
    return int.from_bytes(hashlib.blake2b(value.encode(), digest_size=8).digest(), "big")


def questions_from_cards(infos: Sequence, n: int, seed: str) -> list[dict]:
    """Multiple-choice and cloze questions from the cards of ``infos`` (NoteInfo objects)."""
    rng = random.Random(_seed(seed))
    pool = [(info, card) for info in infos for card in info.cards]
    # Answers that can serve as distractors, by card kind, each with its normalised form (computed once).
    answers_by_kind: dict[str, list[tuple[str, str]]] = {}
    for _, card in pool:
        kind = str(card.kind)
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
        kind = str(card.kind)
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
                {"kind": "cloze", "prompt": card.front.replace("[...]", "_____"), "answer": answer, **base}
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
        questions.append({"kind": "mcq", "prompt": card.front, "options": options, "answer": at, **base})
    return questions


def _plain_links(value):
    """Text with each wiki link shown as its label (the quiz shows text: a ``[[...]]`` would show as written)."""
    from kb.notes import wikilinks

    if isinstance(value, list):
        return [_plain_links(v) for v in value]
    if not isinstance(value, str) or "[[" not in value:
        return value
    links = wikilinks.find_links(value)
    return wikilinks.rewrite_links(value, links, {(lk.line, lk.start): lk.label for lk in links})


def _add_links(questions: list[dict], titles: dict[str, str], url_of: Callable[[str], str | None]) -> None:
    for q in questions:
        for key in ("prompt", "answer", "accept", "options", "explanation"):
            if key in q:
                q[key] = _plain_links(q[key])
        note = q.get("note")
        if note:
            q.setdefault("title", titles.get(note, note))
            url = url_of(note)
            if url:
                q["url"] = url


def build_quiz(infos: Sequence, n: int, seed: str, url_of: Callable[[str], str | None]) -> dict:
    """A quick quiz from the cards of the given notes (the self-test offered at the end of each note)."""
    questions = questions_from_cards(infos, n, seed)
    _add_links(questions, {info.path: info.title for info in infos}, url_of)
    return {"questions": questions}


def quiz_from_index(
    conn, *, tag: str | None, n: int, seed: str, titles: dict[str, str], url_of: Callable[[str], str | None]
) -> dict:
    """A quiz page's data from ``kb quiz``'s own generator, over kb's index (the same questions ``kb quiz`` asks)."""
    from kb.errors import KbError
    from kb.quiz.generate import generate_quiz

    try:
        quiz = generate_quiz(conn, tag=tag, n=n, seed=_seed(seed) >> 33)
    except KbError as exc:
        return {"questions": [], "notices": [str(exc)]}
    data = quiz.to_json()
    _add_links(data["questions"], titles, url_of)
    return data
