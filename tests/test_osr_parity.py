"""The golden cases from the Obsidian Spaced Repetition plugin stay well formed, their README's counts stay true, and
the parity runner runs (it measures; no pass rate is asserted here)."""

from __future__ import annotations

import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FIXTURE = REPO / "tests" / "fixtures" / "obsidian_sr"
sys.path.insert(0, str(REPO / "benchmarks"))

import osr_parity  # noqa: E402


def test_every_case_is_well_formed():
    doc = osr_parity.load_cases()
    ids = [c["id"] for c in doc["cases"]]
    assert len(ids) == len(set(ids))
    for case in doc["cases"]:
        assert case["provenance"] in ("test", "derived"), case["id"]
        assert case["scope"] in ("parser", "note", "question"), case["id"]
        assert case["source"]["file"] and case["source"]["test"], case["id"]
        assert isinstance(case["input"], str), case["id"]
        for card in case["cards"]:
            assert card["kind"] in ("basic", "reversed", "cloze"), case["id"]
            assert isinstance(card["front"], str) and isinstance(card["back"], str), case["id"]
            assert ("hidden" in card) == (card["kind"] == "cloze"), case["id"]
            sched = card.get("schedule")
            if sched is not None:
                assert sched["algorithm"] in ("sm2", "fsrs") and sched["due"], case["id"]
        reversed_cards = [c for c in case["cards"] if c["kind"] == "reversed"]
        assert len(reversed_cards) % 2 == 0, case["id"]  # both sides of every reversed question


def test_the_readme_counts_are_the_data_s():
    doc = osr_parity.load_cases()
    cases = doc["cases"]
    readme = (FIXTURE / "README.md").read_text(encoding="utf-8")
    cards = [card for c in cases for card in c["cards"]]
    scheduled = [c for c in cases if any("schedule" in card for card in c["cards"])]
    assert re.search(rf"^- {len(cases)} cases: ", readme, re.M)
    assert re.search(rf"^- {len(cards)} cards: ", readme, re.M)
    assert re.search(rf"^- {len(scheduled)} cases with a schedule", readme, re.M)
    assert "MIT License" in (FIXTURE / "LICENSE-obsidian-spaced-repetition").read_text(encoding="utf-8")


def test_the_runner_compares_every_case():
    out = osr_parity.run(osr_parity.load_cases())
    assert len(out["results"]) == len(osr_parity.load_cases()["cases"])
    text = osr_parity.report(out)
    assert re.search(r"^kb gives exactly the plugin's cards: \d+ of \d+", text, re.M)


def test_the_comparison_ignores_what_renders_as_nothing():
    assert osr_parity.norm("  A14 <!--SR:!2023-09-02,4,270") == "A14"
    assert osr_parity.norm("B <!--SR:!2023-09-03,1,230-->\n") == "B"
    assert osr_parity.norm("Answer\n> [!sr|card-metadata] \n>") == "Answer"
    assert osr_parity.norm("a\n\n  b") == "a b"
    assert osr_parity.diff_line([("basic", "Q", "A")], [("basic", "Q", "A ^x")]).startswith(
        "plugin 1 card(s), kb 1"
    )
