"""Quality of the generated key-point cards on the evaluation set (``benchmarks/eval/``, issue 18 point 5).

    python benchmarks/bench_cards.py [--work DIR] [--quick] [--dump FILE] [--eval DIR]

Not a timing: it copies the 47 notes of ``benchmarks/eval/notes`` into a scratch knowledge base, runs ``kb index``
and ``kb cards --json`` as a user does (new processes), and scores every generated card against
``benchmarks/eval/answers.json`` (which span a careful card writer would hide, and which bullets hold no fact).
Follows the contract of ``benchmarks/run.py`` (the last line of stdout is ``{"rows": [...]}``); ``--corpus`` and the
other standard arguments are accepted and ignored. ``--quick`` runs the same (the set is small: a few seconds).
``--eval DIR`` scores another set laid out the same way (a held-out one). ``--dump FILE`` writes every bullet with
its cards and verdicts as JSON, for reading.

Scoring (what "acceptable" means):

- A cloze's hidden span and every accepted span are normalised: markup (``**``, ``*``, backticks, ``$``) dropped,
  whitespace collapsed, punctuation trimmed at the edges, case folded. The span is **acceptable** when it equals an
  accepted span, or when the two share at least two thirds of their words (word-set Jaccard >= 2/3: "the reflog"
  for "reflog" is fine, "sequence length n" for "O(n²)" is not). The **lenient** figure also accepts a span that
  contains an accepted one and is at most three words longer ("$4,150 for self-only coverage" for "$4,150").
- A term card (kind ``keypoint``: the front asks about a term, the back says what it is) is scored by its term: it
  is acceptable when the term is an accepted span (a card writer would have hidden that term).
- A bullet with a fact (``skip_ok`` false) that gives no generated card is **skipped**; a ``skip_ok`` bullet that
  gives one is a **false card**. Cards are mapped to bullets by their note and line.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

from harness import REPO, Row, bench_args, emit, kb_argv, kb_env

EVAL = REPO / "benchmarks" / "eval"
_CLOZE_RE = r"\{\{c%d::(.*?)(?:::[^}]*)?\}\}"
_QUESTION_RE = re.compile(r": what (?:is|are|does|do) (.+?)(?: do| say)?\?$")
_MARKUP_RE = re.compile(r"\*\*|__|[*`$]")
_EDGE = " \t\n.,;:!?\"'()[]{}“”‘’"
_WORD_RE = re.compile(r"\w+(?:[.,'’-]\w+)*|[^\w\s]")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def norm(span: str) -> str:
    return " ".join(_MARKUP_RE.sub("", span).split()).strip(_EDGE).casefold()


def _words(span: str) -> set[str]:
    return set(_WORD_RE.findall(span)) - {"the", "a", "an"}


def verdict(hidden: str, accept: list[str]) -> tuple[bool, bool]:
    """(acceptable, leniently acceptable) for a hidden span against the accepted spans."""
    h = norm(hidden)
    hw = _words(h)
    ok = lenient = False
    for a in accept:
        na = norm(a)
        if h == na:
            return True, True
        aw = _words(na)
        if hw and aw and len(hw & aw) / len(hw | aw) >= 2 / 3:
            ok = True
        if na and na in h and len(h.split()) - len(na.split()) <= 3:
            lenient = True
    return ok, ok or lenient


def bullet_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line, text without ``- ``) of every bullet after the front matter (as ``eval/check.py`` reads)."""
    lines = text.split("\n")
    start = 0
    if lines and lines[0] == "---":
        start = lines.index("---", 1) + 1
    return [(i + 1, ln[2:]) for i, ln in enumerate(lines) if i >= start and ln.startswith("- ")]


def hidden_of(card: dict) -> str:
    if card["kind"] == "cloze":
        m = re.search(_CLOZE_RE % card.get("cloze_index", 1), card.get("cloze_text", ""), re.S)
        return m.group(1) if m else ""
    # a term card asks "Topic: what is the term?" (earlier: the front was the term alone)
    m = _QUESTION_RE.search(card["front"])
    return m.group(1) if m else card["front"]


def build_kb(eval_dir: Path, work: Path) -> list[dict]:
    root = work / "evalkb"
    if root.exists():
        shutil.rmtree(root)
    shutil.copytree(eval_dir / "notes", root / "notes")
    (root / "mkdocs.yml").write_text("site_name: eval\ndocs_dir: notes\n", encoding="utf-8")
    env = kb_env()
    subprocess.run(kb_argv(root, "index", "-q"), env=env, check=True, stdout=subprocess.DEVNULL)
    out = subprocess.run(
        kb_argv(root, "cards", "--json"), env=env, check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


def score(eval_dir: Path, cards: list[dict]) -> tuple[dict, list[dict]]:
    answers = json.loads((eval_dir / "answers.json").read_text(encoding="utf-8"))
    by_line: dict[tuple[str, int], list[dict]] = defaultdict(list)
    for c in cards:
        if c["generated"]:
            by_line[(c["note"].removeprefix("notes/"), c["line"])].append(c)
    lines_of: dict[str, dict[str, int]] = {}
    rows = []
    for a in answers:
        if a["note"] not in lines_of:
            text = (eval_dir / "notes" / a["note"]).read_text(encoding="utf-8")
            lines_of[a["note"]] = {b: no for no, b in reversed(bullet_lines(text))}
        got = by_line.get((a["note"], lines_of[a["note"]][a["bullet"]]), [])
        judged = []
        for c in got:
            ok, lenient = verdict(hidden_of(c), a["accept"]) if not a["skip_ok"] else (False, False)
            judged.append(
                {
                    "kind": c["kind"],
                    "front": c["front"],
                    "back": c["back"],
                    "hidden": hidden_of(c),
                    "ok": ok,
                    "lenient": lenient,
                }
            )
        rows.append({**a, "bold": "**" in a["bullet"], "cards": judged})
    return summarise(rows), rows


def _share(n: int, d: int) -> float | None:
    return round(100 * n / d, 1) if d else None


def summarise(rows: list[dict]) -> dict:
    out: dict = {}
    for label, sel in (
        ("all", rows),
        ("bold", [r for r in rows if r["bold"]]),
        ("plain", [r for r in rows if not r["bold"]]),
    ):
        fact = [r for r in sel if not r["skip_ok"]]
        skip = [r for r in sel if r["skip_ok"]]
        cards = [c for r in fact for c in r["cards"]]
        clozes = [c for c in cards if c["kind"] == "cloze"]
        terms = [c for c in cards if c["kind"] != "cloze"]
        out[label] = {
            "bullets": len(sel),
            "acceptable": _share(sum(c["ok"] for c in cards), len(cards)),
            "acceptable_lenient": _share(sum(c["lenient"] for c in cards), len(cards)),
            "cloze_acceptable": _share(sum(c["ok"] for c in clozes), len(clozes)),
            "term_acceptable": _share(sum(c["ok"] for c in terms), len(terms)),
            "clozes": len(clozes),
            "term_cards": len(terms),
            "skipped": _share(sum(not r["cards"] for r in fact), len(fact)),
            "false_cards": _share(sum(bool(r["cards"]) for r in skip), len(skip)),
            "cards_per_bullet": round(sum(len(r["cards"]) for r in sel) / len(sel), 2) if sel else None,
            "bullets_right": _share(sum(any(c["ok"] for c in r["cards"]) for r in fact), len(fact)),
        }
    return out


def rows_of(summary: dict, name: str) -> list[Row]:
    rows = []
    for label, s in summary.items():
        where = {"all": "all bullets", "bold": "bullets with bold", "plain": "bullets without bold"}[label]
        rows += [
            Row(
                f"generated cards with an acceptable answer, {where} ({name})",
                s["acceptable"],
                "%",
                note=f"lenient {s['acceptable_lenient']}%; clozes {s['cloze_acceptable']}% of {s['clozes']}, "
                f"term cards {s['term_acceptable']}% of {s['term_cards']}",
            ),
            Row(f"bullets with a fact that got no card, {where} ({name})", s["skipped"], "%"),
            Row(f"bullets with no fact that got a card, {where} ({name})", s["false_cards"], "%"),
            Row(
                f"generated cards per bullet, {where} ({name})",
                s["cards_per_bullet"],
                "cards",
                note=f"{s['bullets']} bullets; a card with an acceptable answer for {s['bullets_right']}% "
                "of the bullets with a fact",
            ),
        ]
    return rows


def main() -> None:
    argv = sys.argv[1:]
    dump = eval_dir = None
    for flag in ("--dump", "--eval"):
        if flag in argv:
            i = argv.index(flag)
            value = Path(argv[i + 1])
            del argv[i : i + 2]
            if flag == "--dump":
                dump = value
            else:
                eval_dir = value
    if "--corpus" not in argv:
        argv += ["--corpus", str(EVAL)]
    args = bench_args(__doc__.split("\n\n")[0], argv)
    eval_dir = eval_dir or EVAL
    cards = build_kb(eval_dir, args.work)
    summary, rows = score(eval_dir, cards)
    log(json.dumps(summary, indent=1))
    if dump:
        dump.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    emit(rows_of(summary, "eval set" if eval_dir == EVAL else eval_dir.name))


if __name__ == "__main__":
    main()
