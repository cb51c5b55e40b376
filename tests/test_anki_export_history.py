"""kb export anki carries each card's schedule and review history: checked card by card with the real Anki backend.

A knowledge base reviews its cards for three months (learning, review, lapses, a leech, a suspended and a buried
card, cards still in learning today), exports them, and a fresh Anki collection (FSRS on) imports the package with
its scheduling. Anki must then show what kb shows: the same due day, interval, memory state, reps and lapses for
every card, one revlog row per kb review, the same counts as ``kb due --json`` and the same forecast and history as
``kb stats --json``.
"""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cli import cli

pytest.importorskip("anki.collection")

CARDS = "\n\n".join(f"Question {i}?::Answer {i}" for i in range(24))
NOTE = f"""\
---
title: History
tags: [history]
---
# History

{CARDS}

Front side:::Back side

The {{{{c1::first}}}} and the {{{{c2::second}}}} deletion.
"""


def invoke(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def simulate(kb, conn, now: datetime) -> dict[str, str]:
    """Three months of reviews over the note's cards, answering each card when due; returns notable card ids."""
    from kb.review.answers import bury, record_answer, suspend
    from kb.review.history import get_state

    rng = random.Random(7)
    ids = [cid for (cid,) in conn.execute("SELECT id FROM cards ORDER BY position, cloze_index")]
    never = set(ids[-3:-1])  # two cards stay new
    leech = ids[0]
    for index, card_id in enumerate(ids):
        if card_id in never:
            continue
        at = now - timedelta(days=90 - index * 3, hours=rng.random())
        while at < now - timedelta(minutes=5):
            if card_id == leech:  # fails every review: a lapse each time, a leech after eight
                state = get_state(conn, card_id)
                grade = 1 if state is not None and state.state == 2 else 3
            else:
                grade = rng.choices((1, 2, 3, 4), weights=(2, 2, 10, 1))[0]
            result = record_answer(kb, conn, card_id, grade, at=at, duration_ms=rng.randint(900, 20000))
            if result.leech:
                break
            at = max(result.after.due_at, at + timedelta(minutes=1)) + timedelta(minutes=rng.randint(0, 600))
    suspend(kb, conn, [ids[5]], at=now - timedelta(days=2))
    bury(kb, conn, [ids[6]], at=now - timedelta(minutes=2))
    return {"leech": leech, "suspended": ids[5], "buried": ids[6]}


def anki_collection(folder: Path):
    from anki.collection import Collection

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    col.set_config("fsrs", True)
    return col


def import_with_scheduling(col, package: Path) -> None:
    from anki.collection import ImportAnkiPackageOptions, ImportAnkiPackageRequest

    col.import_anki_package(
        ImportAnkiPackageRequest(
            package_path=str(package), options=ImportAnkiPackageOptions(with_scheduling=True)
        )
    )


@pytest.fixture
def reviewed(kbroot):
    from kb.commands import open_index
    from kb.review.clock import now

    kbroot.write("history.md", NOTE)
    kb = kbroot.open()
    conn = open_index(kb, quiet=True)
    notable = simulate(kb, conn, now())
    return kb, conn, notable


def anki_card_for(col) -> dict[tuple[str, int], object]:
    """(question text, ord) -> Anki card."""
    out = {}
    for cid in col.find_cards(""):
        card = col.get_card(cid)
        out[(card.note().fields[0], card.ord)] = card
    return out


def kb_cards(conn) -> list[tuple]:
    return conn.execute(
        "SELECT c.id, c.kind, c.front, c.position, c.cloze_index, c.cloze_text FROM cards c ORDER BY c.position"
    ).fetchall()


def test_every_card_continues_in_anki_where_kb_left_it(reviewed, tmp_path):
    from kb.anki.schedule import DayRules
    from kb.review.history import get_state

    kb, conn, notable = reviewed
    out = tmp_path / "history.apkg"
    result = invoke("export", "anki", "-o", str(out), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    kb_reviews = conn.execute("SELECT count(*) FROM reviews WHERE undone = 0").fetchone()[0]
    assert report["reviews"] == kb_reviews > 100
    # the suspended card and the leeches: the one failing every review, and any other card three months of random
    # answers (drawn against today's clock) happened to fail eight times
    leeches = conn.execute("SELECT count(*) FROM cards WHERE flags LIKE '%\"leech\"%'").fetchone()[0]
    assert leeches >= 1 and report["suspended"] == 1 + leeches

    col = anki_collection(tmp_path / "anki")
    import_with_scheduling(col, out)
    today, cutoff = col.sched.today, col.sched.day_cutoff
    rules = DayRules(now=datetime.now(UTC))
    kb_today = rules.day(rules.now)
    anki = anki_card_for(col)
    assert len(anki) == col.card_count() == 24 + 2 + 2
    checked = 0
    for card_id, kind, front, _position, cloze_index, cloze_text in kb_cards(conn):
        if kind == "cloze":
            key = (cloze_text, cloze_index - 1)
        elif kind == "reversed":
            key = ("Front side", 0 if front == "Front side" else 1)
        else:
            key = (front, 0)
        card = anki[key]
        state = get_state(conn, card_id)
        reviews = conn.execute(
            "SELECT grade, reviewed_at FROM reviews WHERE card_id = ? AND undone = 0 ORDER BY reviewed_at",
            (card_id,),
        ).fetchall()
        log = col.db.all("SELECT ease, id FROM revlog WHERE cid = ? ORDER BY id", card.id)
        assert [ease for ease, _ in log] == [grade for grade, _ in reviews], front
        for (_, rid), (_, at) in zip(log, reviews, strict=True):
            assert abs(rid - datetime.fromisoformat(at).timestamp() * 1000) < 50
        if state is None:
            assert card.type == 0 and card.reps == 0, front
            continue
        assert (card.reps, card.lapses) == (state.reps, state.lapses), front
        assert card.memory_state is not None, front
        assert card.memory_state.stability == pytest.approx(state.stability, abs=1e-3)
        assert card.memory_state.difficulty == pytest.approx(state.difficulty, abs=1e-2)
        due_day = rules.day(state.due_at)
        if state.state == 2:
            assert card.type == 2
            assert card.due - today == (due_day - kb_today).days, front
            assert card.ivl == (due_day - rules.day(datetime.fromisoformat(state.last_review))).days
        else:
            assert card.type in (1, 3)
            if card.queue == 1:
                assert card.due == int(state.due_at.timestamp()) and card.due < cutoff + 86400
            elif card.queue == 3:
                assert card.due - today == (due_day - kb_today).days
        checked += 1
    assert checked >= 20

    suspended = anki[
        (conn.execute("SELECT front FROM cards WHERE id = ?", (notable["suspended"],)).fetchone()[0], 0)
    ]
    assert suspended.queue == -1
    buried = anki[
        (conn.execute("SELECT front FROM cards WHERE id = ?", (notable["buried"],)).fetchone()[0], 0)
    ]
    assert buried.queue == -3
    leech = anki[(conn.execute("SELECT front FROM cards WHERE id = ?", (notable["leech"],)).fetchone()[0], 0)]
    assert leech.queue == -1 and "leech" in leech.note().tags
    col.close()


def test_anki_shows_the_counts_forecast_and_history_kb_shows(reviewed, tmp_path):
    from kb.anki.schedule import DayRules

    kb, conn, _ = reviewed
    out = tmp_path / "history.apkg"
    assert invoke("export", "anki", "-o", str(out)).exit_code == 0
    due = json.loads(invoke("due", "--json").stdout)["total"]
    stats = json.loads(invoke("stats", "--json", "--days", "30").stdout)

    col = anki_collection(tmp_path / "anki")
    import_with_scheduling(col, out)
    today, cutoff = col.sched.today, col.sched.day_cutoff
    rows = col.db.all("SELECT queue, due FROM cards")
    learning = sum(1 for q, d in rows if (q == 1 and d < cutoff) or (q == 3 and d <= today))
    review = sum(1 for q, d in rows if q == 2 and d <= today)
    assert (learning, review) == (due["learning"], due["review"])
    assert sum(1 for q, _ in rows if q == 0) == due["new"]

    # Anki's future-due view: a buried card (back tomorrow) counts on its due day, as in kb's forecast
    forecast = [0] * 30
    for ctype, queue, day in col.db.all("SELECT type, queue, due FROM cards"):
        if queue in (2, 3) or (queue == -3 and ctype == 2):
            if day - today < 30:
                forecast[max(0, day - today)] += 1
        elif queue == 1:
            forecast[max(0, (day - cutoff) // 86400 + 1)] += 1
    assert forecast == [d["due"] for d in stats["forecast"]]

    # kb's heatmap (reviews per review day) is Anki's review log counted by day
    rules = DayRules(now=datetime.now(UTC))
    per_day: dict[str, int] = {}
    for (rid,) in col.db.all("SELECT id FROM revlog"):
        day = rules.day(datetime.fromtimestamp(rid / 1000, UTC)).isoformat()
        per_day[day] = per_day.get(day, 0) + 1
    assert per_day == {d["day"]: d["reviews"] for d in stats["heatmap"]}
    cards = stats["cards"]
    assert col.db.scalar("SELECT count() FROM cards WHERE queue = -1") == cards["suspended"]
    assert len(col.find_notes("tag:leech")) == cards["leeches"]
    col.close()


def test_exporting_twice_into_the_same_collection_changes_nothing(reviewed, tmp_path):
    out = tmp_path / "history.apkg"
    assert invoke("export", "anki", "-o", str(out)).exit_code == 0
    col = anki_collection(tmp_path / "anki")
    import_with_scheduling(col, out)
    before = (
        col.db.all(
            "SELECT id, nid, did, ord, type, queue, due, ivl, reps, lapses, data FROM cards ORDER BY id"
        ),
        col.db.all("SELECT * FROM revlog ORDER BY id"),
        col.db.all("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"),
    )
    again = tmp_path / "again.apkg"
    assert invoke("export", "anki", "-o", str(again)).exit_code == 0
    import_with_scheduling(col, again)
    after = (
        col.db.all(
            "SELECT id, nid, did, ord, type, queue, due, ivl, reps, lapses, data FROM cards ORDER BY id"
        ),
        col.db.all("SELECT * FROM revlog ORDER BY id"),
        col.db.all("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id"),
    )
    assert after == before
    col.close()
