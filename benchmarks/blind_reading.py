"""Blind, paired reading of generated cards and quizzes (issue 18): what a learner keeps, read by someone who does
not know how each item was made.

    python benchmarks/blind_reading.py prepare NOTES JUDGE_DIR --old CHECKOUT [--new CHECKOUT]
    python benchmarks/blind_reading.py score JUDGE_DIR [JUDGE_DIR ...]

``prepare`` copies NOTES (a ``notes/`` folder of Markdown notes nobody tuned kb on) into two knowledge bases, runs
``kb cards --json`` and ``kb quiz --note ... --json`` on every note with each checkout (``PYTHONPATH`` pointing at
it, as ``compare.py`` does), and writes for the reader:

- ``JUDGE_DIR/notes/``: the notes;
- ``JUDGE_DIR/items.md``: every generated card (context line, front, back) and every quiz question (prompt,
  options, key), grouped by note, shuffled within a note, each once however many versions made it;
- ``JUDGE_DIR/instructions.md``: what to mark (``blind_reader.md`` beside this script, with the folder filled in).

What made each item (the old checkout, the new, or both) goes to ``JUDGE_DIR.key/``, outside the folder the reader is
told to read. The reader writes ``JUDGE_DIR/verdicts.txt``, one line per item (``C12 KEEP``, ``C13 FIXABLE reason``,
``Q4 BAD DISTRACTOR reason``); ``score`` prints the issue's table for each version, pooled over the folders given.

Writing the notes is part of the method: ``blind_writer.md`` beside this script is the brief given to a writer who never
saw kb. The notes and the verdicts stay outside the repository (they are the unseen material the figures are
measured on); ``RESULTS.md`` records the figures of each reading.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MKDOCS_YML = "site_name: Notes\ndocs_dir: notes\nplugins:\n  - kb\n"
QUIZ_QUESTIONS = 8  # per note, as a learner quizzes one note
QUIZ_SEED = 7
SIDES = ("old", "new")


def run_kb(checkout: Path, root: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(checkout), KB_ROOT=str(root), NO_COLOR="1")
    env.pop("KB_NOW", None)
    return subprocess.run(
        [sys.executable, "-m", "kb", *args], env=env, cwd=root, capture_output=True, text=True
    )


def items_of(checkout: Path, notes: Path, root: Path) -> tuple[list[dict], list[dict]]:
    """Every generated card and every quiz question one checkout makes of ``notes``, in a fresh knowledge base."""
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(notes, root / "notes")
    (root / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    run_kb(checkout, root, "index", "-q")
    cards: list[dict] = []
    questions: list[dict] = []
    for md in sorted((root / "notes").rglob("*.md")):
        rel = md.relative_to(root).as_posix()
        got = run_kb(checkout, root, "cards", rel, "--json")
        if got.returncode == 0 and got.stdout.strip():
            cards += [c for c in json.loads(got.stdout) if c.get("generated")]
        quiz = run_kb(
            checkout,
            root,
            "quiz",
            "--note",
            rel,
            "--json",
            "-n",
            str(QUIZ_QUESTIONS),
            "--seed",
            str(QUIZ_SEED),
        )
        if quiz.returncode == 0 and quiz.stdout.strip():
            questions += json.loads(quiz.stdout)["questions"]
        elif "Traceback" in quiz.stderr:
            print(f"kb quiz crashed on {rel} ({checkout}):\n{quiz.stderr[-2000:]}", file=sys.stderr)
    return cards, questions


def bold_led(notes: Path, card: dict) -> bool:
    """Whether the bullet a card comes from opens on a bold term (the issue's "cards led by a bold term")."""
    lines = (notes.parent / card["note"]).read_text(encoding="utf-8").splitlines()
    line = re.sub(r"^([-*+]|\d+[.)])\s+", "", lines[card["line"] - 1].strip())
    return line.startswith(("**", "__"))


def card_text(card: dict) -> str:
    return f"context: {card['context']}\nFRONT: {card['front']}\nBACK: {card['back']}"


def question_text(q: dict) -> str:
    lines = [f"context: {q['context']}", f"kind: {q['kind']}", f"PROMPT: {q['prompt']}"]
    if q["kind"] == "mcq":
        lines += [f"  ({'abcdefgh'[i]}) {option}" for i, option in enumerate(q["options"])]
        lines.append(f"KEY: ({'abcdefgh'[q['answer']]}) {q['answer_text']}")
    elif q["kind"] == "cloze":
        lines.append(f"KEY: {q['answer']}   (also accepted: {', '.join(q.get('accept', []))})")
    else:
        lines += [f"KEY: {'true' if q['answer'] else 'false'}", f"EXPLANATION: {q['explanation']}"]
    return "\n".join(lines)


def prepare(notes: Path, judge: Path, old: Path, new: Path) -> dict[str, dict]:
    key_dir = judge.with_name(judge.name + ".key")
    items: dict[tuple[str, str, str], dict] = {}
    for side, checkout in zip(SIDES, (old, new), strict=True):
        cards, questions = items_of(checkout, notes, key_dir / f"kb-{side}")
        for c in cards:
            text = card_text(c)
            item = items.setdefault(
                ("card", c["note"], text),
                {"type": "card", "note": c["note"], "text": text, "sides": [], "bold": bold_led(notes, c)},
            )
            item["sides"].append(side)
        for q in questions:
            text = question_text(q)
            item = items.setdefault(
                ("quiz", q["note"], text),
                {"type": "quiz", "note": q["note"], "text": text, "sides": [], "kind": q["kind"]},
            )
            item["sides"].append(side)
    rng = random.Random(len(items))
    shutil.rmtree(judge, ignore_errors=True)
    shutil.copytree(notes, judge / "notes")
    out = ["# Items to judge", ""]
    key: dict[str, dict] = {}
    for kind, letter, heading in (("card", "C", "Flashcards"), ("quiz", "Q", "Quiz questions")):
        chosen = sorted(
            (i for i in items.values() if i["type"] == kind), key=lambda i: (i["note"], rng.random())
        )
        out += [f"## {heading}", ""]
        for n, item in enumerate(chosen, 1):
            key[f"{letter}{n}"] = item
            out += [f"### {letter}{n}  (note: {item['note']})", item["text"], ""]
    (judge / "items.md").write_text("\n".join(out), encoding="utf-8")
    reader = (HERE / "blind_reader.md").read_text(encoding="utf-8").replace("JUDGE_DIR", str(judge))
    (judge / "instructions.md").write_text(reader, encoding="utf-8")
    (key_dir / "key.json").write_text(json.dumps(key, indent=1), encoding="utf-8")
    return key


VERDICT_RE = re.compile(r"\s*([CQ]\d+)\b[\s:|-]*([A-Za-z]+)(.*)")
FIGURES = ("cards", "kept", "dropped", "plain", "plain_kept", "bold", "bold_kept", "questions", "good", "mcq",
           "mcq_ok", "wrong", "two")  # fmt: skip


def tally(judges: list[Path]) -> dict[str, dict[str, int]]:
    """Each version's counts over the folders' verdicts: an item made by both versions counts for both."""
    totals = {side: dict.fromkeys(FIGURES, 0) for side in SIDES}
    for judge in judges:
        key = json.loads(
            judge.with_name(judge.name + ".key").joinpath("key.json").read_text(encoding="utf-8")
        )
        verdicts = {}
        for line in (judge / "verdicts.txt").read_text(encoding="utf-8").splitlines():
            if m := VERDICT_RE.match(line):
                verdicts[m.group(1)] = (m.group(2).upper(), m.group(3).upper())
        missing = sorted(set(key) - set(verdicts))
        if missing:
            print(
                f"{judge}: no verdict for {len(missing)} items ({', '.join(missing[:8])} ...)",
                file=sys.stderr,
            )
        for name, item in key.items():
            if name not in verdicts:
                continue
            verdict, marks = verdicts[name]
            for side in item["sides"]:
                t = totals[side]
                if item["type"] == "card":
                    t["cards"] += 1
                    t["kept"] += verdict == "KEEP"
                    t["dropped"] += verdict == "DROP"
                    if item["bold"]:
                        t["bold"] += 1
                        t["bold_kept"] += verdict == "KEEP"
                    elif "[...]" in item["text"]:
                        t["plain"] += 1
                        t["plain_kept"] += verdict == "KEEP"
                else:
                    t["questions"] += 1
                    t["good"] += verdict == "GOOD"
                    if item["kind"] == "mcq":
                        t["mcq"] += 1
                        t["mcq_ok"] += "DISTRACTOR" not in marks
                    t["wrong"] += "WRONGKEY" in marks
                    t["two"] += "TWOCORRECT" in marks
    return totals


def table(totals: dict[str, dict[str, int]]) -> str:
    def share(part: int, whole: int) -> str:
        return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "-"

    rows = [
        ("generated cards kept as they are (>= 80%)", "kept", "cards"),
        ("generated cards to throw away (<= 5%)", "dropped", "cards"),
        ("plain-sentence clozes kept (>= 70%)", "plain_kept", "plain"),
        ("cards led by a bold term, kept (>= 90%)", "bold_kept", "bold"),
        ("quiz questions good (>= 80%)", "good", "questions"),
        ("mcq with every distractor right (>= 95%)", "mcq_ok", "mcq"),
    ]
    out = ["| figure (goal) | old | new |", "|---|---|---|"]
    for label, part, whole in rows:
        out.append(f"| {label} | {' | '.join(share(totals[s][part], totals[s][whole]) for s in SIDES)} |")
    out.append(
        "| wrong keys / two correct options (0) | "
        + " | ".join(f"{totals[s]['wrong']} / {totals[s]['two']}" for s in SIDES)
        + " |"
    )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    p = sub.add_parser("prepare", help="write a reader's folder from a notes folder")
    p.add_argument("notes", type=Path, help="a notes/ folder of Markdown notes")
    p.add_argument(
        "judge", type=Path, help="the reader's folder to write (its key goes beside it, JUDGE.key)"
    )
    p.add_argument("--old", type=Path, required=True, help="the checkout to compare with (a git worktree)")
    p.add_argument("--new", type=Path, default=REPO, help="the checkout read (default: this one)")
    s = sub.add_parser("score", help="the issue's table from readers' verdicts")
    s.add_argument("judges", type=Path, nargs="+")
    args = ap.parse_args(argv)
    if args.command == "prepare":
        key = prepare(args.notes.resolve(), args.judge.resolve(), args.old.resolve(), args.new.resolve())
        cards = sum(1 for k in key if k.startswith("C"))
        print(f"{args.judge}: {cards} cards, {len(key) - cards} quiz questions to read")
    else:
        print(table(tally([j.resolve() for j in args.judges])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
