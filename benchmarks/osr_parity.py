"""Parity with the Obsidian Spaced Repetition plugin: kb's card extractor on the plugin's own test cases.

The cases (``tests/fixtures/obsidian_sr/cases.yaml``, described in the README beside it) hold a Markdown input and
the cards the plugin makes of it with its default settings (or the settings a case names). This runs ``kb.cards.extractor.extract_cards`` on each
input and compares kb's cards with the plugin's: kind (basic, reversed, cloze), front and back, in order, as text
after dropping what renders as nothing (HTML comments, closed or not, and the plugin's ``[!sr|card-metadata]``
schedule callout), stripping and collapsing whitespace.

It prints the number of cases, how many give exactly the plugin's cards, a one-line diff per failing case, and for
the cases where the plugin reads a schedule from a ``<!--SR:...-->`` comment, whether kb reads it too.

    python benchmarks/osr_parity.py                # the summary and every failing case
    python benchmarks/osr_parity.py --verbose      # full card texts in the diffs
    python benchmarks/osr_parity.py --only deck.test --json

Exit status 0 whatever the figures (like the benchmarks, this measures); ``--strict`` exits 1 when a case fails.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
CASES = REPO / "tests" / "fixtures" / "obsidian_sr" / "cases.yaml"

_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.S)
# the plugin's schedule callout: its title line and the quote lines under it (hidden by the plugin's stylesheet)
_SR_CALLOUT = re.compile(r"(?m)^> \[!sr\|card-metadata\].*(?:\n>.*)*")


def norm(text: str) -> str:
    """The text as compared: what renders as nothing dropped, whitespace stripped and collapsed."""
    text = _SR_CALLOUT.sub("", _COMMENT.sub("", text))
    return " ".join(text.split())


def load_cases(path: Path = CASES) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def kb_cards(text: str, index: int, syntax=None):
    """kb's cards for a case input, as (kind, front, back) and the kb Card objects; raises what kb raises."""
    from kb.cards.extractor import extract_cards
    from kb.notes.reader import parse_note

    note = parse_note(f"notes/osr-parity/case-{index:03d}.md", text.encode("utf-8"))
    cards = extract_cards(note, syntax=syntax) if syntax is not None else extract_cards(note)
    cards = cards.cards
    for c in cards:  # the tags kb stores for the card: its note's, then its in-note deck tags
        c.__dict__["stored_tags"] = tuple(dict.fromkeys(note.tags + getattr(c, "tags", ())))
    return [(str(c.kind), norm(c.front), norm(c.back)) for c in cards], list(cards)


def plugin_cards(case: dict) -> list[tuple[str, str, str]]:
    return [(c["kind"], norm(c["front"]), norm(c["back"])) for c in case["cards"]]


def _short(text: str, width: int) -> str:
    return text if width <= 0 or len(text) <= width else text[: width - 1] + "…"


def _show(card: tuple[str, str, str], width: int) -> str:
    kind, front, back = card
    return f"{kind} {json.dumps(_short(front, width), ensure_ascii=False)} -> {json.dumps(_short(back, width), ensure_ascii=False)}"


def diff_line(want: list, got: list, width: int = 40) -> str:
    """One line: the plugin's cards kb lacks (-) and kb's cards the plugin lacks (+)."""
    if Counter(want) == Counter(got):
        return "same cards in another order: " + "; ".join(_show(c, width) for c in got)
    missing = list((Counter(want) - Counter(got)).elements())
    extra = list((Counter(got) - Counter(want)).elements())
    parts = [f"plugin {len(want)} card(s), kb {len(got)}"]
    parts += ["- " + _show(c, width) for c in missing]
    parts += ["+ " + _show(c, width) for c in extra]
    return "; ".join(parts)


def kb_schedule(card) -> dict | None:
    """The schedule kb read for a card, in the cases' terms (due, interval, ease), or None.

    kb's Card has no schedule field today; when one appears this reads ``schedule`` as a mapping or an object with
    ``due``/``interval``/``ease`` attributes.
    """
    sched = getattr(card, "schedule", None)
    if sched is None:
        return None
    if not isinstance(sched, dict):
        sched = {k: getattr(sched, k, None) for k in ("due", "interval", "ease")}
    return {k: (str(v) if k == "due" and v is not None else v) for k, v in sched.items()}


def schedule_matches(want: dict | None, got: dict | None) -> bool:
    if want is None:
        return got is None
    if got is None:
        return False
    keys = ("due", "interval", "ease") if want.get("algorithm") == "sm2" else ("due", "interval")
    return all(str(got.get(k)) == str(want.get(k)) for k in keys)


_SYNTAX_FIELDS = {
    "single_line_separator": "single_line",
    "single_line_reversed_separator": "single_line_reversed",
    "multiline_separator": "multiline",
    "multiline_reversed_separator": "multiline_reversed",
    "multiline_end_marker": "multiline_end",
    "cloze_patterns": "cloze_patterns",
}


def case_syntax(case: dict, base=None):
    """The card syntax a case runs with: ``base`` (kb's defaults when None) with the separators, end marker and
    cloze patterns the case's ``settings`` name (the plugin's defaults for every case taken with them)."""
    from dataclasses import replace

    from kb.cards.model import DEFAULT_SYNTAX

    changes = {}
    for key, value in (case.get("settings") or {}).items():
        if key in _SYNTAX_FIELDS:
            changes[_SYNTAX_FIELDS[key]] = tuple(value) if isinstance(value, list) else value
    return replace(base or DEFAULT_SYNTAX, **changes)


def run(doc: dict, only: str = "", syntax=None) -> dict:
    """Every case (or those whose id holds ``only``) through kb's extractor, with the card syntax its settings name
    on top of kb's defaults or of ``syntax`` (a ``kb.cards.model.CardSyntax``)."""
    results = []
    for i, case in enumerate(doc["cases"]):
        if only and only not in case["id"]:
            continue
        want = plugin_cards(case)
        try:
            got, objs = kb_cards(case["input"], i, case_syntax(case, syntax))
            error = ""
        except Exception as exc:  # a case kb cannot read at all is a failing case, not a crash of the runner
            got, objs, error = [], [], f"{type(exc).__name__}: {exc}"
        scheduled = any("schedule" in c for c in case["cards"])
        reads = None
        if scheduled:
            has_field = any(hasattr(c, "schedule") for c in objs)
            reads = (
                has_field
                and got == want
                and all(
                    schedule_matches(c.get("schedule"), kb_schedule(o))
                    for c, o in zip(case["cards"], objs, strict=True)
                    if "schedule" in c
                )
            )
        decks = None
        if any("deck" in c for c in case["cards"]) and got == want:
            decks = all(
                set([c["deck"]] if isinstance(c["deck"], str) else c["deck"]) <= set(o.stored_tags)
                for c, o in zip(case["cards"], objs, strict=True)
                if "deck" in c
            )
        results.append(
            {
                "id": case["id"],
                "kb_tags_hold_deck": decks,
                "provenance": case["provenance"],
                "scope": case["scope"],
                "passed": not error and got == want,
                "error": error,
                "want": want,
                "got": got,
                "scheduled": scheduled,
                "kb_reads_schedule": reads,
            }
        )
    return {"results": results, "commit": doc["plugin"]["commit"]}


def report(out: dict, verbose: bool = False) -> str:
    res = out["results"]
    width = 0 if verbose else 40
    lines = [
        f"Obsidian Spaced Repetition parity (plugin {out['commit'][:8]}, default settings unless a case names others)"
    ]
    passed = [r for r in res if r["passed"]]
    n_cards = sum(len(r["want"]) for r in res)
    lines.append(f"cases: {len(res)} ({n_cards} plugin cards)")
    pct = 100 * len(passed) / len(res) if res else 0.0
    lines.append(f"kb gives exactly the plugin's cards: {len(passed)} of {len(res)} ({pct:.0f}%)")
    for key, label in (("provenance", "by provenance"), ("scope", "by scope")):
        groups = sorted({r[key] for r in res})
        parts = []
        for g in groups:
            members = [r for r in res if r[key] == g]
            parts.append(f"{g} {sum(r['passed'] for r in members)}/{len(members)}")
        lines.append(f"  {label}: " + ", ".join(parts))
    sched = [r for r in res if r["scheduled"]]
    read = sum(bool(r["kb_reads_schedule"]) for r in sched)
    lines.append(f"cases where the plugin reads a <!--SR:--> schedule: {len(sched)}; kb reads it in {read}")
    decked = [r for r in res if r["kb_tags_hold_deck"] is not None]
    held = sum(bool(r["kb_tags_hold_deck"]) for r in decked)
    lines.append(
        f"cases asserting a deck that kb reads: {len(decked)}; kb's card tags hold the deck in {held}"
    )
    failing = [r for r in res if not r["passed"]]
    if failing:
        lines.append("")
        lines.append(f"failing cases ({len(failing)}):")
        for r in failing:
            detail = r["error"] or diff_line(r["want"], r["got"], width)
            lines.append(f"  {r['id']}")
            lines.append(f"      {detail}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--cases", type=Path, default=CASES, help="the cases file (default: the shipped one)")
    ap.add_argument("--only", default="", help="run the cases whose id contains this text")
    ap.add_argument("--verbose", action="store_true", help="full card texts in the diffs")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--strict", action="store_true", help="exit 1 when a case fails")
    args = ap.parse_args(argv)
    out = run(load_cases(args.cases), args.only)
    if args.json:
        print(json.dumps(out, ensure_ascii=False, indent=1))
    else:
        print(report(out, args.verbose))
    return 1 if args.strict and not all(r["passed"] for r in out["results"]) else 0


if __name__ == "__main__":
    sys.exit(main())
