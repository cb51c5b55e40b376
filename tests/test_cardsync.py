"""Cards through the real indexer on a tmp_path knowledge base: identity across edits, renames, deletions; kb cards."""

from __future__ import annotations

import json
import os
import sqlite3

import pytest
from click.testing import CliRunner

from kb.cli import cli

NOTE = """\
---
title: Atomic Habits
tags: [habits, books]
---
# Atomic Habits

## Flashcards

What is habit stacking?::Attaching a new habit to one you already do every day

What is the two-minute rule?::Start a new habit with a version that takes under two minutes

You fall to the level of your ==systems==, not your ==goals==.

Q: What does never miss twice mean?
A: Missing once is an accident; missing twice starts a new pattern.
"""


class Index:
    """A knowledge base, its store, and helpers to edit notes and re-index as `kb` would."""

    def __init__(self, kbroot):
        from kb.store.connection import open_store

        self.factory = kbroot
        self.kb = kbroot.open()
        self.conn = open_store(self.kb.db)
        self._tick = 1_700_000_000

    def write(self, rel: str, text: str) -> None:
        path = self.factory.write(rel, text)
        self._tick += 10  # a distinct mtime per edit, as a person editing would leave
        os.utime(path, ns=(self._tick * 10**9, self._tick * 10**9))

    def run(self):
        from kb.index.indexer import index

        return index(self.kb, self.conn)

    def live(self, note: str | None = None) -> dict[str, str]:
        """front -> id of live cards."""
        sql = "SELECT front, id FROM cards WHERE orphaned_at IS NULL"
        params: tuple = ()
        if note:
            sql += " AND note = ?"
            params = (note,)
        return dict(self.conn.execute(sql, params).fetchall())

    def orphans(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT front, id FROM cards WHERE orphaned_at IS NOT NULL").fetchall())

    def add_review(self, card_id: str) -> None:
        self.conn.execute(
            "INSERT INTO reviews (uid, card_id, reviewed_at, grade, state_after) VALUES (?,?,?,?,?)",
            (f"u-{card_id}", card_id, "2026-01-01T00:00:00+00:00", 3, "{}"),
        )
        self.conn.commit()


@pytest.fixture
def idx(kbroot) -> Index:
    ix = Index(kbroot)
    ix.write("books/atomic-habits.md", NOTE)
    ix.run()
    return ix


P = "notes/books/atomic-habits.md"


def test_cards_are_stored_with_their_note_and_context(idx):
    rows = idx.conn.execute(
        "SELECT note, line, kind, front, context, tags, type, generated FROM cards ORDER BY position"
    ).fetchall()
    assert [r[3] for r in rows] == [
        "What is habit stacking?",
        "What is the two-minute rule?",
        "You fall to the level of your [...], not your goals.",
        "You fall to the level of your systems, not your [...].",
        "What does never miss twice mean?",
    ]
    assert rows[0][:3] == (P, 9, "basic")
    assert rows[0][4] == "Atomic Habits > Flashcards"
    assert json.loads(rows[0][5]) == ["habits", "books"]
    assert rows[0][6] == "book" and rows[0][7] == 0


def test_typo_rewording_and_answer_change_keep_ids(idx):
    before = idx.live()
    edited = (
        NOTE.replace("What is habit stacking?", "What is habbit stacking?")
        .replace("What is the two-minute rule?", "What does the two-minute rule say?")
        .replace(
            "Missing once is an accident; missing twice starts a new pattern.", "Get back on track at once."
        )
    )
    idx.write("books/atomic-habits.md", edited)
    idx.run()
    after = idx.live()
    assert after["What is habbit stacking?"] == before["What is habit stacking?"]
    assert after["What does the two-minute rule say?"] == before["What is the two-minute rule?"]
    assert after["What does never miss twice mean?"] == before["What does never miss twice mean?"]
    assert idx.orphans() == {}
    back = idx.conn.execute(
        "SELECT back FROM cards WHERE id = ?", (before["What does never miss twice mean?"],)
    )
    assert back.fetchone()[0] == "Get back on track at once."


def test_moving_inserting_and_removing_cards_keep_ids(idx):
    before = idx.live()
    edited = NOTE.replace(
        "What is the two-minute rule?::Start a new habit with a version that takes under two minutes\n\n", ""
    ).replace("## Flashcards\n", "## Flashcards\n\nWhat is a cue?::The trigger that starts a habit\n")
    # move the Q/A block to the top of the section
    qa = "Q: What does never miss twice mean?\nA: Missing once is an accident; missing twice starts a new pattern.\n"
    edited = edited.replace(qa, "").replace("## Flashcards\n", "## Flashcards\n\n" + qa)
    idx.write("books/atomic-habits.md", edited)
    idx.run()
    after = idx.live()
    for front in (
        "What is habit stacking?",
        "What does never miss twice mean?",
        "You fall to the level of your [...], not your goals.",
    ):
        assert after[front] == before[front]
    assert "What is a cue?" in after and after["What is a cue?"] not in before.values()
    assert idx.orphans() == {"What is the two-minute rule?": before["What is the two-minute rule?"]}
    line = idx.conn.execute(
        "SELECT line FROM cards WHERE id = ?", (after["What does never miss twice mean?"],)
    )
    assert line.fetchone()[0] == 9


def test_adding_a_cloze_deletion_keeps_the_other_deletions(idx):
    before = idx.live()
    idx.write(
        "books/atomic-habits.md", NOTE.replace("not your ==goals==.", "not your ==goals== or ==plans==.")
    )
    idx.run()
    after = idx.live()
    assert (
        after["You fall to the level of your [...], not your goals or plans."]
        == before["You fall to the level of your [...], not your goals."]
    )
    assert (
        after["You fall to the level of your systems, not your [...] or plans."]
        == before["You fall to the level of your systems, not your [...]."]
    )
    assert idx.orphans() == {}


def test_renaming_or_moving_the_note_keeps_cards_and_history(idx):
    before = idx.live()
    idx.add_review(before["What is habit stacking?"])
    os.makedirs(idx.kb.notes / "archive", exist_ok=True)
    os.rename(idx.kb.notes / "books/atomic-habits.md", idx.kb.notes / "archive/habits.md")
    report = idx.run()
    assert report.removed == [P] and report.added == ["notes/archive/habits.md"]
    assert idx.live("notes/archive/habits.md") == before
    assert idx.orphans() == {}
    # renamed and edited in the same run: still the same cards
    os.rename(idx.kb.notes / "archive/habits.md", idx.kb.notes / "habits2.md")
    idx.write("habits2.md", NOTE.replace("one you already do every day", "a habit you already have"))
    idx.run()
    assert idx.live("notes/habits2.md") == before
    reviews = idx.conn.execute(
        "SELECT count(*) FROM reviews WHERE card_id = ?", (before["What is habit stacking?"],)
    )
    assert reviews.fetchone()[0] == 1


def test_deleted_card_becomes_an_orphan_and_comes_back_with_its_id(idx, kbroot):
    before = idx.live()
    gone = before["What is the two-minute rule?"]
    idx.add_review(gone)
    idx.write(
        "books/atomic-habits.md", NOTE.replace("What is the two-minute rule?::", "The two-minute rule: ")
    )
    idx.run()
    assert gone not in idx.live().values()
    assert idx.orphans() == {"What is the two-minute rule?": gone}
    result = CliRunner().invoke(cli, ["cards", "orphans", "--json"])
    assert result.exit_code == 0, result.output
    (orphan,) = json.loads(result.stdout)
    assert orphan["id"] == gone and orphan["reviews"] == 1 and orphan["note"] == P and orphan["orphaned_at"]
    # some edits later the card comes back (slightly reworded): same id, history intact
    idx.write(
        "books/atomic-habits.md", NOTE.replace("What is the two-minute rule?", "What's the two-minute rule?")
    )
    idx.run()
    assert idx.live()["What's the two-minute rule?"] == gone
    assert idx.orphans() == {}
    assert idx.conn.execute("SELECT count(*) FROM reviews WHERE card_id = ?", (gone,)).fetchone()[0] == 1


def test_deleted_note_orphans_its_cards_and_restoring_it_brings_them_back(idx):
    before = idx.live()
    os.unlink(idx.kb.notes / "books/atomic-habits.md")
    idx.run()
    assert idx.live() == {} and idx.orphans() == before
    idx.write("books/atomic-habits.md", NOTE)
    idx.run()
    assert idx.live() == before and idx.orphans() == {}


def test_card_moved_to_another_note_keeps_its_id(idx):
    before = idx.live()
    idx.write(
        "books/atomic-habits.md",
        NOTE.replace(
            "What is habit stacking?::Attaching a new habit to one you already do every day\n\n", ""
        ),
    )
    idx.write(
        "books/habit-stacking.md",
        "# Habit stacking\n\nWhat is habit stacking?::Attaching a new habit to one you already do every day\n",
    )
    idx.run()
    assert idx.live("notes/books/habit-stacking.md") == {
        "What is habit stacking?": before["What is habit stacking?"]
    }
    assert idx.orphans() == {}


def test_flashcards_false_orphans_the_cards_and_true_restores_them(idx):
    before = idx.live()
    idx.write(
        "books/atomic-habits.md",
        NOTE.replace("tags: [habits, books]", "tags: [habits, books]\nflashcards: false"),
    )
    idx.run()
    assert idx.live() == {} and idx.orphans() == before
    idx.write("books/atomic-habits.md", NOTE)
    idx.run()
    assert idx.live() == before


def test_cards_of_an_unchanged_note_are_not_rewritten(idx):
    stamp = idx.conn.execute("SELECT group_concat(updated_at) FROM cards").fetchone()[0]
    idx.write("books/other.md", "Other::note\n")
    idx.run()
    assert (
        idx.conn.execute("SELECT group_concat(updated_at) FROM cards WHERE note = ?", (P,)).fetchone()[0]
        == stamp
    )


def test_generated_cloze_hides_the_term_specific_to_this_note(kbroot):
    ix = Index(kbroot)
    filler = "Habit formation matters. Habit formation is studied widely. "
    for i in range(6):
        ix.write(f"other{i}.md", f"# Other {i}\n\n{filler * 3}\n")
    ix.write("brain.md", "# Brain\n\n## Key points\n\n- Habit formation relies on dopamine.\n")
    ix.run()
    (answer,) = ix.conn.execute("SELECT front FROM cards WHERE note = 'notes/brain.md'").fetchone()
    assert answer == "Habit formation relies on [...]."


def test_keypoint_settings_from_mkdocs_yml(make_kb):
    ix = Index(make_kb(keypoint_headings=["Big ideas"]))
    ix.write(
        "a.md",
        "## Big ideas\n\n- **Spacing**: spread reviews over days.\n\n## Key points\n\n- **Cramming**: x y z\n",
    )
    ix.run()
    assert set(ix.live()) == {"A: what is Spacing?"}


def test_card_problems_are_reported_by_kb_check(kbroot):
    ix = Index(kbroot)
    ix.write("a.md", "# A\n\n?\nanswer\n\nGood::card\n\nQ: no answer here\n")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert (
        "notes/a.md:3: a `?` line with nothing before it; put the question on the line(s) just above `?`"
        in lines
    )
    assert any(line.startswith("notes/a.md:8: a `Q:` without an `A:`") for line in lines)
    # fixed: problems gone
    ix.write("a.md", "# A\n\nQuestion\n?\nanswer\n\nGood::card\n")
    result = CliRunner().invoke(cli, ["check"])
    assert result.exit_code == 0 and result.stdout.strip() == "ok"


# ---------------------------------------------------------------------------------------------------------------
# kb cards through the CLI


def test_kb_cards_json_fields_and_filters(idx, monkeypatch):
    idx.write(
        "ml/rnns.md",
        "---\ntags: [ml]\n---\n# RNNs\n\nWhat does BPTT stand for?::Backpropagation through time\n",
    )
    runner = CliRunner()
    result = runner.invoke(cli, ["cards", "--json"])
    assert result.exit_code == 0, result.output
    cards = json.loads(result.stdout)
    assert len(cards) == 6
    first = cards[0]
    assert {"id", "note", "line", "kind", "front", "back", "context", "tags", "generated"} <= set(first)
    assert first["note"] == P and first["line"] == 9 and first["kind"] == "basic"
    assert first["context"] == "Atomic Habits > Flashcards" and first["tags"] == ["habits", "books"]
    assert first["generated"] is False
    cloze = next(c for c in cards if c["kind"] == "cloze")
    assert cloze["front"] == "You fall to the level of your [...], not your goals."
    assert cloze["back"] == "You fall to the level of your systems, not your goals."
    # --tag, PATH relative to the root, to the cwd, a folder; `list` is the same as plain `kb cards`
    by_tag = json.loads(runner.invoke(cli, ["cards", "--tag", "ml", "--json"]).stdout)
    assert [c["front"] for c in by_tag] == ["What does BPTT stand for?"]
    by_path = json.loads(runner.invoke(cli, ["cards", "notes/ml/rnns.md", "--json"]).stdout)
    assert by_path == by_tag
    monkeypatch.chdir(idx.kb.notes / "ml")
    assert json.loads(runner.invoke(cli, ["cards", "rnns.md", "--json"]).stdout) == by_tag
    assert json.loads(runner.invoke(cli, ["cards", "list", "../books", "--json"]).stdout) == cards[:5]
    plain = runner.invoke(cli, ["cards"])
    assert plain.exit_code == 0 and "notes/ml/rnns.md:6" in plain.stdout and "6 cards" in plain.stderr


def test_kb_cards_unknown_path_is_a_one_line_error(idx):
    result = CliRunner().invoke(cli, ["cards", "notes/nope.md"])
    assert result.exit_code == 1
    assert "notes/nope.md: no such note or folder" in result.output
    assert "Traceback" not in result.output


def test_schema_has_the_cards_tables(kbroot):
    from kb.store.connection import open_store

    conn = open_store(kbroot.open().db)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    assert {"cards", "card_problems", "card_term_stats", "notes_vocab"} <= names
    with pytest.raises(sqlite3.IntegrityError):
        conn.execute(
            "INSERT INTO cards (id, note, line, position, kind, front, back, created_at) VALUES "
            "('a','n',1,0,'basic','f','b','t'), ('a','n',1,0,'basic','f','b','t')"
        )
