"""Quiz quality on the evaluation set: measurable proxies of what makes a quiz question good or bad (issue 18).

    python benchmarks/bench_quiz_quality.py --corpus DIR [--work DIR] [--quick]

Follows the contract of ``benchmarks/run.py`` (see benchmarks/README.md); ``--corpus`` is accepted and not used: the
figures come from the 47 hand-written notes of ``benchmarks/eval/notes/``, copied into the scratch folder and indexed
there. Quizzes are generated in process with ``kb.quiz.generate.generate_quiz``: over the whole set (several seeds),
per tag (every tag of two notes or more), per type and per note. Nothing is timed; the rows are shares in %.

The proxies (a lower share is better unless the row says otherwise):

- **distractor of the key's kind**: the kind classifier of ``kb/quiz/answerkind.py`` (number, amount, percent, date,
  formula, command, name, term, phrase: surface rules, documented there; 87% agreement with the evaluation set's
  hand-labelled kinds, person and entity counted as name) gives the same kind for the distractor and the key, and
  the same grammatical number for terms and names (higher is better).
- **distractor from the quiz's scope**: the distractor's text is in a note of the scope (the note; a note with the
  tag; a note of the type; for a whole-set quiz, the question's note or a note sharing one of its tags), or is not in
  any note at all or is a number made from the key (73 -> 74, 1998 -> 1999, a rough "~13" -> 8, 18, even when another
  note happens to hold that number) (higher is better).
- **question with a look-alike option**: a distractor equal to the key once normalised, inside it or containing it
  (word-bounded), or sharing its last word (its head noun, plural folded): "Credits" beside "Tax credit" -- either
  two right answers or a giveaway. A number's unit is not a head noun: "$4 million" beside "$8 million" is the form
  a wrong amount should have.
- **true statement verbatim**: a true/false statement whose text is the note's bullet as written.
- **true / false statement whole**: the statement is its card's whole text (within two words), not a clause cut from
  it. Style tells true from false when these two shares differ, not when true statements are verbatim: a false one
  is the same text with one part swapped.
- **false statement ungrammatical**: a word repeated with its plural ("traditional IRA IRAs"), or "a" before a vowel /
  "an" before a consonant sound.
- **false statement arguably true**: the wrong filler also sits in another bullet of the same note that shares half
  of the statement's other content words (two cards stating the same fact).
- **fill-in answer longer than 3 words**, and **fill-in answer with a stop word at an edge** ("default strategy
  since", "bad"): too long to type or a broken span.
- **question asking an accepted span**: the hidden answer is one of ``answers.json``'s accepted spans for its bullet
  (or contains one and is at most two words longer) (higher is better; mostly the card generator's doing).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path

from harness import REPO, Row, bench_args, emit

EVAL = REPO / "benchmarks" / "eval"
FILL_IN_MAX_WORDS = 3
_STOP_EDGE = frozenset(
    "a an the and or but of to in on at by for with from as is are was were be been since while that which who "
    "than then so it its this these those their his her your our not no very".split()
)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def index_eval(root: Path):
    """The evaluation notes copied under ``root`` and indexed; returns an open connection."""
    from kb.config import KnowledgeBase
    from kb.index.indexer import index
    from kb.store.connection import open_store

    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(EVAL / "notes", root / "notes")
    (root / "mkdocs.yml").write_text("site_name: eval\ndocs_dir: notes\n", encoding="utf-8")
    kb = KnowledgeBase.open(root)
    conn = open_store(kb.db)
    index(kb, conn)
    return conn


def norm(text: str) -> str:
    from kb.quiz.words import normalise

    return normalise(text)


def head(text: str) -> str:
    words = norm(text).split()
    if not words:
        return ""
    w = words[-1]
    return w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w


class EvalSet:
    """The notes as plain text (for where a distractor comes from) and their bullets (with accepted spans)."""

    def __init__(self, conn):
        from kb.markdown import plain_text

        self.tags: dict[str, set[str]] = {}
        for note, tag in conn.execute("SELECT note, tag FROM note_tags"):
            self.tags.setdefault(note, set()).add(tag)
        self.type = dict(conn.execute("SELECT path, type FROM notes"))
        self.text: dict[str, str] = {}
        self.bullets: dict[str, list[str]] = {}
        for path in self.type:
            raw = (EVAL / path).read_text(encoding="utf-8")
            body = raw.split("\n---\n", 1)[1] if raw.startswith("---\n") else raw
            self.text[path] = " " + norm(plain_text(body)) + " "
            self.bullets[path] = [
                " " + norm(plain_text(line[2:])) + " " for line in body.splitlines() if line.startswith("- ")
            ]
        self.accept: dict[str, list[list[str]]] = {}
        for entry in json.loads((EVAL / "answers.json").read_text(encoding="utf-8")):
            self.accept.setdefault("notes/" + entry["note"], []).append([norm(a) for a in entry["accept"]])

    def notes_with(self, text: str) -> set[str]:
        key = f" {norm(text)} "
        return {path for path, body in self.text.items() if key in body}

    def in_scope(self, question: dict, scope: dict, text: str) -> bool:
        from kb.quiz.distractors import NumberLadder, number_variants

        found = self.notes_with(text)
        key = question["answer_text"]
        rough = NumberLadder.of(key, rough=True)  # a rough figure's ladder ("~13 months": 8, 18 months)
        if (
            not found
            or text in number_variants(key)
            or (rough is not None and text in (rough.rung(k) for k in (-4, -3, -2, -1, 1, 2, 3, 4)))
        ):
            return True  # made from the key (a number variant: 1998 -> 1999), not taken from another note
        if scope.get("note"):
            return scope["note"] in found
        if scope.get("tag"):
            return any(scope["tag"] in self.tags.get(n, ()) for n in found)
        if scope.get("type"):
            return any(self.type.get(n) == scope["type"] for n in found)
        note = question["note"]
        return note in found or any(self.tags.get(n, set()) & self.tags.get(note, set()) for n in found)

    def accepted(self, question: dict) -> bool | None:
        """Whether the hidden answer is an accepted span of its bullet; None when the question is no bullet's."""
        note, answer = question["note"], norm(question["answer_text"])
        sentence = norm(question.get("explanation") or "")
        for bullet, spans in zip(self.bullets.get(note, []), self.accept.get(note, []), strict=False):
            if sentence and sentence in bullet or bullet.strip() and bullet.strip() in f" {sentence} ":
                if not spans:
                    return False
                return any(
                    answer == s or (f" {s} " in f" {answer} " and len(answer.split()) <= len(s.split()) + 2)
                    for s in spans
                )
        return None


_REPEATED_RE = re.compile(r"\b(\w{2,})\s+\1(?:s|es)?\b", re.I)
_ARTICLE_RE = re.compile(r"\b(a|an)\s+([A-Za-z]\w*)")


def ungrammatical(text: str) -> bool:
    if _REPEATED_RE.search(text):
        return True
    for m in _ARTICLE_RE.finditer(text):
        art, word = m.group(1).lower(), m.group(2)
        vowel = word[0].lower() in "aeiou"
        if word.isupper() and len(word) > 1:  # acronyms are read letter by letter: an HSA, a FICA? leave them
            continue
        if (art == "a" and vowel and not word.lower().startswith(("uni", "use", "usu", "one", "eu"))) or (
            art == "an" and not vowel and not word.lower().startswith(("hour", "honest", "heir"))
        ):
            return True
    return False


def quizzes(conn, groups: dict[str, list[dict]]):
    from kb.errors import KbError
    from kb.quiz.generate import generate_quiz

    for group, calls in groups.items():
        for kwargs in calls:
            try:
                quiz = generate_quiz(conn, **kwargs)
            except KbError as exc:
                log(f"{group} {kwargs}: {exc}")
                continue
            yield group, quiz.to_json()


def plan(conn, quick: bool) -> dict[str, list[dict]]:
    tag_counts = Counter(t for (t,) in conn.execute("SELECT tag FROM note_tags"))
    tags = sorted(t for t, c in tag_counts.items() if c >= 2)
    types = sorted(t for (t,) in conn.execute("SELECT DISTINCT type FROM notes"))
    notes = sorted(p for (p,) in conn.execute("SELECT path FROM notes"))
    if quick:
        tags, types, notes = tags[:3], types[:2], notes[:5]
    seeds = (1,) if quick else (1, 2, 3, 4, 5)
    return {
        "all": [{"n": 40, "seed": s} for s in seeds],
        "tag": [{"tag": t, "n": 10, "seed": 1} for t in tags],
        "type": [{"type": t, "n": 10, "seed": 1} for t in types],
        "note": [{"note": p, "n": 6, "seed": 1} for p in notes],
    }


class Tally:
    def __init__(self):
        self.hits: Counter = Counter()
        self.total: Counter = Counter()

    def add(self, name: str, hit: bool) -> None:
        self.total[name] += 1
        self.hits[name] += bool(hit)

    def share(self, name: str) -> tuple[float | None, str]:
        n = self.total[name]
        return (round(100 * self.hits[name] / n, 1) if n else None), f"{self.hits[name]} of {n}"


def measure(conn, quick: bool) -> tuple[Tally, dict[str, Tally]]:
    from kb.quiz.answerkind import same_kind

    ev = EvalSet(conn)
    overall, by_group = Tally(), {}
    for group, quiz in quizzes(conn, plan(conn, quick)):
        tallies = (overall, by_group.setdefault(group, Tally()))
        scope = quiz["scope"]
        for q in quiz["questions"]:
            for t in tallies:
                t.add("questions", True)
                ok = ev.accepted(q)
                if ok is not None:
                    t.add("accepted span", ok)
            if q["kind"] == "mcq":
                key = q["options"][q["answer"]]
                wrong = [o for i, o in enumerate(q["options"]) if i != q["answer"]]
                lookalike = any(
                    norm(w) == norm(key)
                    or f" {norm(w)} " in f" {norm(key)} "
                    or f" {norm(key)} " in f" {norm(w)} "
                    or (head(w) == head(key) and not any(c.isdigit() for c in key))
                    for w in wrong
                )
                for t in tallies:
                    t.add("mcq", True)
                    t.add("look-alike", lookalike)
                    for w in wrong:
                        t.add("kind", same_kind(key, w))
                        t.add("scope", ev.in_scope(q, scope, w))
                        t.add("kind+scope", same_kind(key, w) and ev.in_scope(q, scope, w))
            elif q["kind"] == "tf":
                statement = q["prompt"].split("\n")[-1].removeprefix("→ ").strip()
                whole = _whole_sentence(statement, q["explanation"])
                for t in tallies:
                    t.add("true whole" if q["answer"] else "false whole", whole)
                    if q["answer"]:
                        t.add("true verbatim", f" {norm(statement)} " in ev.bullets.get(q["note"], []))
                    else:
                        t.add("false ungrammatical", ungrammatical(statement))
                        t.add("false arguable", _arguable(ev, q, statement))
            else:
                answer = q["answer"]
                words = answer.split()
                for t in tallies:
                    t.add("fill long", len(words) > FILL_IN_MAX_WORDS)
                    t.add(
                        "fill edge",
                        bool(words) and (words[0].lower() in _STOP_EDGE or words[-1].lower() in _STOP_EDGE),
                    )
    return overall, by_group


def _whole_sentence(statement: str, explanation: str) -> bool:
    """Whether a true/false statement is its card's whole text (give or take the few words a swap changes), not a
    clause cut from it: if true statements were whole and false ones cut (or the reverse), style would tell them."""
    return abs(len(statement.split()) - len(explanation.split())) <= 2


def _arguable(ev: EvalSet, q: dict, statement: str) -> bool:
    """The false statement's filler stands in another bullet of the note that states much the same thing: the
    bullet holds the filler and half of the statement's other words (the filler's own words are not counted, or
    "git bisect start" would make every bullet naming a git bisect command "the same fact")."""
    from kb.quiz.words import content_words

    true_sentence = f" {norm(q['explanation'])} "
    shown = [w for w in content_words(statement) - content_words(q["explanation"])]
    if not shown:
        return False
    sw = content_words(statement) - set(shown)
    for bullet in ev.bullets.get(q["note"], []):
        if bullet == true_sentence:
            continue
        bw = content_words(bullet)
        if all(w in bw for w in shown) and len(sw & (bw - set(shown))) * 2 >= len(sw):
            return True
    return False


ROWS = [
    ("kind", "MCQ distractors of the key's kind and form", True),
    ("scope", "MCQ distractors from the quiz's scope", True),
    ("kind+scope", "MCQ distractors of the key's kind and from the scope", True),
    ("look-alike", "MCQ questions with a look-alike option (substring, same head noun)", False),
    ("true verbatim", "true statements that are the bullet verbatim", False),
    ("true whole", "true statements that are their card's whole text (compare with the next row)", False),
    (
        "false whole",
        "false statements that are their card's whole text (same share as true: style tells nothing)",
        False,
    ),
    ("false ungrammatical", "false statements ungrammatical (repeated word, a/an)", False),
    ("false arguable", "false statements whose filler another bullet of the note states", False),
    ("fill long", f"fill-in answers longer than {FILL_IN_MAX_WORDS} words", False),
    ("fill edge", "fill-in answers with a stop word at an edge (broken span)", False),
    ("accepted span", "questions hiding an accepted span of their bullet", True),
]


def main() -> None:
    args = bench_args(__doc__.split("\n\n")[0])
    sys.path.insert(0, str(REPO))
    conn = index_eval(args.work / "eval")
    overall, by_group = measure(conn, args.quick)
    rows = []
    for key, figure, higher in ROWS:
        value, counts = overall.share(key)
        parts = []
        for group in ("all", "tag", "type", "note"):
            if group in by_group:
                v, _ = by_group[group].share(key)
                parts.append(f"{group} {v if v is not None else '-'}")
        rows.append(
            Row(
                figure=figure,
                value=value,
                unit="%",
                runs=overall.total["questions"],
                target="higher is better" if higher else "lower is better",
                note=f"{counts}; by scope: " + ", ".join(parts),
            )
        )
    log(f"{overall.total['questions']} questions, {overall.total['mcq']} multiple choice")
    emit(rows)


if __name__ == "__main__":
    main()
