"""The blind reading kit (benchmarks/blind_reading.py): the reader's folder holds every item once and nothing that
says which version made it; the score counts an item for every version that made it."""

from __future__ import annotations

import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "benchmarks"))

import blind_reading  # noqa: E402

NOTE = """---
title: Salt
type: book
author: Mark Kurlansky
---
# Salt

## Key points
- **Salt**: salt taxes, the French gabelle, Gandhi's 1930 Salt March.
- The Erie Canal, opened in 1825, was nicknamed "the ditch that salt built".
- Roman soldiers were paid partly in salt, the story goes, which is where "salary" comes from.
"""


def test_the_reader_sees_each_item_once_and_the_score_counts_it_for_both_versions(tmp_path):
    notes = tmp_path / "notes"
    (notes / "books").mkdir(parents=True)
    (notes / "books" / "salt.md").write_text(NOTE, encoding="utf-8")
    judge = tmp_path / "reader"
    key = blind_reading.prepare(notes, judge, REPO, REPO)  # the same checkout twice: every item made by both
    items = (judge / "items.md").read_text(encoding="utf-8")
    cards = [k for k in key if k.startswith("C")]
    questions = [k for k in key if k.startswith("Q")]
    assert cards and questions
    assert all(item["sides"] == ["old", "new"] for item in key.values())
    for name in key:
        assert items.count(f"### {name} ") == 1
    # nothing in the reader's folder says which version made what
    assert sorted(p.name for p in judge.iterdir()) == ["instructions.md", "items.md", "notes"]
    assert "old" not in items and "new" not in items
    assert str(judge) in (judge / "instructions.md").read_text(encoding="utf-8")
    assert json.loads((tmp_path / "reader.key" / "key.json").read_text(encoding="utf-8")).keys() == key.keys()

    lines = [f"{name} KEEP" for name in cards[1:]] + [f"{cards[0]} DROP the writer's aside"]
    lines += [f"{name} GOOD" for name in questions[1:]] + [f"{questions[0]} BAD TWOCORRECT both fit"]
    (judge / "verdicts.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    totals = blind_reading.tally([judge])
    for side in ("old", "new"):
        assert totals[side]["cards"] == len(cards) and totals[side]["kept"] == len(cards) - 1
        assert totals[side]["dropped"] == 1 and totals[side]["two"] == 1
        assert totals[side]["questions"] == len(questions) and totals[side]["good"] == len(questions) - 1
    kept = f"{100 * (len(cards) - 1) / len(cards):.1f}% ({len(cards) - 1}/{len(cards)})"
    assert f"| generated cards kept as they are (>= 80%) | {kept} | {kept} |" in blind_reading.table(totals)
