"""Journals written by earlier kb versions still replay: one ``review`` line per imported Anki answer, one-card
``schedule`` lines with separate ``suspend`` lines, and Obsidian ``start`` lines (now all ``schedule`` lines with a
``source``, or an ``import`` record)."""

from __future__ import annotations

import json
import os
import sqlite3

from click.testing import CliRunner

from kb.cli import cli

NOTE = """---
title: Physics
---
# Physics

What is the speed of light?::About 300,000 km/s

What is Planck's constant?::6.626e-34 J s

What is the charge of an electron?::1.602e-19 C
"""

STATE_A = {"state": 2, "step": None, "stability": 9.0, "difficulty": 5.5, "due": "2026-01-10T04:00:00.000000+00:00",
           "last_review": "2026-01-01T04:00:00.000000+00:00", "reps": 0, "lapses": 0}  # fmt: skip
STATE_B = {"state": 2, "step": None, "stability": 30.0, "difficulty": 4.0, "due": "2026-02-01T04:00:00.000000+00:00",
           "last_review": "2026-01-02T10:00:00.000000+00:00", "reps": 5, "lapses": 1}  # fmt: skip
AFTER_1 = {"state": 1, "step": 0, "stability": 2.3, "difficulty": 2.1, "due": "2025-12-01T10:10:00.000000+00:00",
           "last_review": "2025-12-01T10:00:00.000000+00:00", "reps": 1, "lapses": 0}  # fmt: skip
AFTER_2 = {"state": 2, "step": None, "stability": 3.1, "difficulty": 2.0, "due": "2025-12-05T04:00:00.000000+00:00",
           "last_review": "2025-12-02T10:00:00.000000+00:00", "reps": 2, "lapses": 0}  # fmt: skip


def kb_json(*args):
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def cards(kb) -> dict[str, dict]:
    conn = sqlite3.connect(kb.db)
    conn.row_factory = sqlite3.Row
    out = {
        r["front"]: dict(r)
        for r in conn.execute("SELECT id, note, kind, front, back, fingerprint FROM cards")
    }
    conn.close()
    return out


def old_journal(c: dict[str, dict]) -> list[dict]:
    """Lines as kb wrote them before the import record and the one schedule line type."""
    light, planck, electron = (c[k] for k in ("What is the speed of light?", "What is Planck's constant?",
                                               "What is the charge of an electron?"))  # fmt: skip

    def snap(card):
        return {"note": card["note"], "kind": card["kind"], "front": card["front"], "back": card["back"],
                "fp": card["fingerprint"]}  # fmt: skip

    base = {"v": 1, "device": "old-laptop"}
    return [
        {**base, "type": "start", "id": "0001", "at": "2026-01-01T09:00:00.000000+00:00", "source": "obsidian-sr",
         "cards": [{"card": light["id"], "fp": light["fingerprint"], "note": light["note"],
                    "sr": "<!--SR:!2026-01-10,9,250-->", "state": STATE_A}]},
        {**base, "type": "review", "id": "anki-5-1764583200000", "at": "2025-12-01T10:00:00.000000+00:00",
         "card": electron["id"], "grade": 3, "ms": 4000, "source": "anki-import", **snap(electron),
         "before": None, "after": AFTER_1},
        {**base, "type": "review", "id": "anki-5-1764669600000", "at": "2025-12-02T10:00:00.000000+00:00",
         "card": electron["id"], "grade": 3, "ms": 3000, "source": "anki-import", **snap(electron),
         "before": AFTER_1, "after": AFTER_2},
        {**base, "type": "schedule", "id": "anki-state-7-abc", "at": "2026-01-02T10:00:00.001000+00:00",
         "card": planck["id"], **snap(planck), "state": STATE_B, "flag": "red", "source": "anki-import",
         "anki": {"guid": "g", "ord": 0, "cid": 7, "nid": 6, "notetype": "Basic", "deck": "Physics", "tags": []}},
        {**base, "type": "suspend", "id": "anki-state-7-abc:suspend", "at": "2026-01-02T10:00:00.001000+00:00",
         "card": planck["id"], **snap(planck)},
    ]  # fmt: skip


def test_a_journal_of_the_old_forms_replays_into_the_same_schedules(make_kb, monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-01-05T12:00:00Z")
    kb = make_kb({"physics.md": NOTE}, tz="UTC").open()
    kb_json("due")  # index the note
    c = cards(kb)
    kb.journal_dir.mkdir(parents=True, exist_ok=True)
    lines = old_journal(c)
    (kb.journal_dir / "old-laptop.jsonl").write_text("".join(json.dumps(e) + "\n" for e in lines))

    def state_of(front: str):
        conn = sqlite3.connect(kb.db)
        row = conn.execute(
            "SELECT s.state, s.stability, s.due, s.reps, c.suspended, c.flags FROM cards c "
            "LEFT JOIN card_state s ON s.card_id = c.id WHERE c.front = ?",
            (front,),
        ).fetchone()
        conn.close()
        return row

    kb_json("due")
    # the Obsidian start, the Anki schedule with its flag and suspension, the Anki answers with their states
    assert state_of("What is the speed of light?")[:3] == (2, 9.0, STATE_A["due"])
    planck = state_of("What is Planck's constant?")
    assert planck[:4] == (2, 30.0, STATE_B["due"], 5) and planck[4] == 1 and "flag:red" in planck[5]
    assert state_of("What is the charge of an electron?")[:3] == (2, 3.1, AFTER_2["due"])
    replayed = {f: state_of(f) for f in c}
    stats = kb_json("stats")
    for name in os.listdir(kb.root / ".kb"):
        if name.startswith("kb.db"):
            os.remove(kb.root / ".kb" / name)
    kb_json("due")
    assert {f: state_of(f) for f in c} == replayed
    assert kb_json("stats") == stats
    # replaying the old lines wrote nothing new
    assert [p.name for p in kb.journal_dir.glob("*.jsonl")] == ["old-laptop.jsonl"]
