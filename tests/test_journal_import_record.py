"""An Anki import as one compressed journal line (kb.review.imported): small, all or nothing, and a rebuild from it
gives back the database the import made."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.review.imported import history_states, iso_ms
from kb.review.scheduler import CardState

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

from anki_deck import generate_deck  # noqa: E402

NOW = "2026-07-01T12:00:00Z"


def kb_cmd(*args) -> dict:
    result = CliRunner().invoke(cli, [*args, "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def views() -> tuple[dict, dict]:
    due, stats = kb_cmd("due"), kb_cmd("stats")
    due.pop("now"), stats.pop("now")
    return due, stats


def drop_database(kb) -> None:
    for name in os.listdir(kb.root / ".kb"):
        if name.startswith("kb.db"):
            os.remove(kb.root / ".kb" / name)


def journal_lines(kb) -> list[dict]:
    return [
        json.loads(line)
        for f in sorted(kb.journal_dir.glob("*.jsonl"))
        for line in f.read_text().splitlines()
    ]


@pytest.fixture
def deck(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("deck") / "bench.apkg"
    generate_deck(path, cards=300, reviews=2400, seed=3)
    return path


@pytest.fixture
def imported(kbroot, deck, monkeypatch):
    monkeypatch.setenv("KB_NOW", NOW)
    monkeypatch.setenv("KB_TZ", "UTC")
    report = kb_cmd("import", "anki", str(deck))
    return kbroot.open(), report


def test_an_import_is_one_small_line_with_no_card_text_per_answer(imported):
    kb, report = imported
    assert report["reviews"] > 2000 and report["schedules"] > 290
    [line] = journal_lines(kb)
    assert (line["type"], line["source"], line["answers"], line["cards"]) == (
        "import",
        "anki-import",
        report["reviews"],
        report["schedules"],
    )
    size = sum(f.stat().st_size for f in kb.journal_dir.glob("*.jsonl"))
    assert size / report["reviews"] <= 120


def test_a_rebuild_from_the_journal_gives_the_same_schedules_and_history(imported):
    kb, report = imported
    before = views()
    conn_rows = _rows(kb)
    drop_database(kb)
    assert views() == before
    assert _rows(kb) == conn_rows


def _rows(kb) -> dict[str, list]:
    import sqlite3

    conn = sqlite3.connect(kb.db)
    out = {
        "reviews": conn.execute(
            "SELECT uid, card_id, reviewed_at, grade, duration_ms, state_before, state_after, source FROM reviews "
            "ORDER BY uid"
        ).fetchall(),
        "state": conn.execute("SELECT * FROM card_state ORDER BY card_id").fetchall(),
        "flags": conn.execute("SELECT id, suspended, buried_until, flags FROM cards ORDER BY id").fetchall(),
        "events": conn.execute(
            "SELECT uid, card_id, kind, at, until, data FROM card_events ORDER BY uid"
        ).fetchall(),
    }
    conn.close()
    return out


def test_importing_again_adds_no_line(imported, deck):
    kb, _ = imported
    again = kb_cmd("import", "anki", str(deck))
    assert again["reviews"] == 0 and again["reviews_already_imported"] > 2000 and again["schedules"] == 0
    assert len(journal_lines(kb)) == 1


def test_a_torn_import_line_is_not_replayed_at_all(imported):
    """A crash while the line was written leaves part of it: replay skips it whole, never half an import."""
    kb, _ = imported
    [path] = kb.journal_dir.glob("*.jsonl")
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    drop_database(kb)
    result = CliRunner().invoke(cli, ["stats", "--json"])
    assert result.exit_code == 0
    import sqlite3

    conn = sqlite3.connect(kb.db)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM card_events").fetchone()[0] == 0


def test_a_line_written_before_a_crash_is_applied_by_the_next_command(kbroot, deck, monkeypatch):
    """The line is fsynced before the database commits: killed in between, the next command applies it, whole."""
    monkeypatch.setenv("KB_NOW", NOW)
    kb = kbroot.open()
    kb_cmd("due")  # an empty database, as the import found it
    saved = kb.root / "saved"
    saved.mkdir()
    for name in os.listdir(kb.root / ".kb"):
        if name.startswith("kb.db"):
            shutil.copy(kb.root / ".kb" / name, saved / name)
    kb_cmd("import", "anki", str(deck))
    after = views()
    rows = _rows(kb)
    drop_database(kb)
    for name in os.listdir(saved):  # the database as it was before the import's transaction
        shutil.copy(saved / name, kb.root / ".kb" / name)
    assert views() == after
    assert _rows(kb) == rows


@pytest.mark.parametrize(
    ("grade", "kind", "interval", "difficulty"),
    [(3, 0, -600, 0), (1, 1, -600, 512), (3, 1, 12, 0), (4, 2, 3, 733), (2, 2, -86400, 100)],
)
def test_history_states_are_what_card_state_writes(grade, kind, interval, difficulty):
    at_ms = 1_700_000_000_123
    text, lapses = history_states(at_ms, iso_ms(at_ms), grade, kind, interval, difficulty, 3, 1)
    state = CardState.from_dict(json.loads(text))
    assert text == state.to_json()  # byte for byte: the fold compares them
    assert state.last_review == iso_ms(at_ms) == "2023-11-14T22:13:20.123000+00:00"
    assert lapses == (2 if grade == 1 and kind == 1 else 1)
    assert (state.state == 2) == (interval > 0)
