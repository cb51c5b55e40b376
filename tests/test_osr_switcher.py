"""What a switcher from the Obsidian Spaced Repetition plugin found different after issue 20 (a blind test of two
vaults): deck tags above a tag line, SR dates in the plugin's other formats, interval 0, a cloze list under one SR
comment, the multi-line end marker in a cloze, ignored folders, the schedule in `kb cards --json`, and the site
`kb init --from-obsidian` sets up."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from kb.cli import cli


def run(*args, ok: bool = True):
    out = CliRunner().invoke(cli, list(args))
    if ok:
        assert out.exit_code == 0, out.output
    return out


def cards_json(*args) -> list[dict]:
    return json.loads(run("cards", *args, "--json").output)


def by_front(cards: list[dict]) -> dict[str, dict]:
    return {c["front"]: c for c in cards}


# ---------------------------------------------------------------------------------------------------- 3. deck scope
def test_a_card_above_a_tag_line_has_only_the_front_matter_deck(kbroot):
    kbroot.write(
        "spanish.md",
        "---\ntags: flashcards/spanish\n---\n# Spanish\n\ncomer:::to eat\n\n"
        "#flashcards/spanish/nouns #flashcards/trivia\nel gato::the cat\n",
    )
    got = by_front(cards_json())
    assert got["comer"]["tags"] == ["flashcards/spanish"]
    assert got["to eat"]["tags"] == ["flashcards/spanish"]
    assert set(got["el gato"]["tags"]) == {
        "flashcards/spanish",
        "flashcards/spanish/nouns",
        "flashcards/trivia",
    }


def test_without_front_matter_deck_a_card_above_the_tag_line_keeps_the_plugin_fallback(kbroot):
    kbroot.write("n.md", "first::card\n\n#flashcards/nouns\nel gato::the cat\n")
    got = by_front(cards_json())
    assert got["first"]["tags"] == ["flashcards/nouns"]  # nothing precedes it: the note's first flashcard tag


# ---------------------------------------------------------------------------------------------------- 4, 5. SR dates
def card_states(kbroot) -> dict[str, tuple]:
    import sqlite3

    conn = sqlite3.connect(kbroot.root / ".kb" / "kb.db")
    rows = conn.execute(
        "SELECT c.front, s.state, s.due, s.stability FROM cards c LEFT JOIN card_state s ON s.card_id = c.id "
        "WHERE c.orphaned_at IS NULL"
    ).fetchall()
    conn.close()
    return {r[0]: r[1:] for r in rows}


def test_the_plugin_s_other_date_forms_are_schedules(kbroot, monkeypatch):
    monkeypatch.setenv("KB_TZ", "UTC")
    kbroot.write(
        "dates.md",
        "Day first::dmy <!--SR:!01-05-2024,12,250-->\n\n"
        "Spelled out::wordy <!--SR:!Wed May 08 2024,6,250-->\n",
    )
    assert run("check").output.strip() == "ok"
    run("due", "--json")
    got = card_states(kbroot)
    assert got["Day first"][:2] == (2, "2024-05-01T04:00:00.000000+00:00")  # 1 May, not 5 January
    assert got["Spelled out"][:2] == (2, "2024-05-08T04:00:00.000000+00:00")


@pytest.mark.parametrize(
    ("entry", "says"),
    [
        ("2024-13-45,3,250", "due date 2024-13-45 is no day of the calendar"),
        ("32-01-2024,3,250", "due date 32-01-2024 is no day of the calendar"),
        ("2024/05/01,3,250", "due date `2024/05/01` is in none of the plugin's forms"),
        ("2024-05-01,x,250", "interval `x` is not a number"),
        ("2024-05-01,3", "2 values where the plugin writes 3"),
        ("2024-05-01,-2,250", "interval -2 is below 0 days"),
        ("2024-05-01,3,90", "ease 90 is below 100"),
        ("soon", "`soon` is not the plugin's `due date,interval,ease`"),
    ],
)
def test_check_names_what_is_wrong_with_an_unreadable_schedule(kbroot, entry, says):
    kbroot.write("bad.md", f"# Bad\n\nQ::A <!--SR:!{entry}-->\n")
    out = run("check", ok=False).output
    assert f"notes/bad.md:3: `<!--SR:!{entry}-->` holds no schedule kb can read ({says}" in out, out
    run("due", "--json")
    assert card_states(kbroot)["Q"] == (None, None, None)  # starts new


def test_interval_zero_is_a_due_review_card_with_the_least_stability(kbroot, monkeypatch):
    monkeypatch.setenv("KB_TZ", "UTC")
    kbroot.write("gc.md", "What does `git gc` do?::packs loose objects\n<!--SR:!2024-05-01,0,250-->\n")
    assert run("check").output.strip() == "ok"
    due = json.loads(run("due", "--json").output)
    assert due["total"]["review"] == 1 and due["total"]["new"] == 0
    state, when, stability = card_states(kbroot)["What does `git gc` do?"]
    assert (state, when) == (2, "2024-05-01T04:00:00.000000+00:00")
    assert 0 < stability < 0.01


# ---------------------------------------------------------------------------------------------------- 8. kb cards
def test_kb_cards_shows_each_card_s_imported_schedule(kbroot, monkeypatch):
    monkeypatch.setenv("KB_TZ", "UTC")
    kbroot.write(
        "n.md",
        "Imported::yes <!--SR:!2024-05-01,3,250-->\n\nlist.append:::adds one item <!--SR:!2024-04-20,5,230-->\n\n"
        "Fresh::no schedule\n",
    )
    got = by_front(cards_json())
    assert got["Imported"]["schedule"] == {
        "state": "review",
        "due": "2024-05-01",
        "due_at": "2024-05-01T04:00:00.000000+00:00",
        "interval": 3,
    }
    assert (
        got["list.append"]["schedule"]["due"] == "2024-04-20"
        and got["list.append"]["schedule"]["interval"] == 5
    )
    assert got["adds one item"]["schedule"] == {
        "state": "new",
        "due": None,
        "interval": None,
    }  # no second entry
    assert got["Fresh"]["schedule"]["state"] == "new"
    lines = run("cards").output.splitlines()
    assert [ln for ln in lines if "(due " in ln] == [
        ln for ln in lines if "Imported" in ln or "list.append  ->" in ln
    ]
    assert any(ln.endswith("->  yes  (due 2024-05-01)") for ln in lines)


# ---------------------------------------------------------------------------------------------------- 7. end marker
def test_the_multiline_end_marker_is_never_card_text(make_kb):
    kb = make_kb(multiline_end_marker="+++")
    kb.write(
        "net.md",
        "Paragraph cloze ==one==\n\ncontinues after blank ==two==\n+++\n\nPort of HTTPS::443\n+++\n\n"
        "Compare TCP and UDP\n?\n| | TCP |\n\nBoth run over IP.\n+++\n",
    )
    cards = cards_json()
    assert all("+++" not in c["front"] + c["back"] for c in cards), cards
    got = {c["front"]: c["back"] for c in cards}
    assert got["continues after blank [...]"] == "continues after blank two"
    assert got["Port of HTTPS"] == "443"
    assert got["Compare TCP and UDP"] == "| | TCP |\n\nBoth run over IP."


# ---------------------------------------------------------------------------------------------------- 2. cloze lists
def due_days() -> dict[str, str | None]:
    return {c["front"]: c["schedule"]["due"] for c in cards_json()}


def test_a_list_of_cloze_bullets_takes_its_comment_s_entries_in_order(kbroot, monkeypatch):
    monkeypatch.setenv("KB_TZ", "UTC")
    kbroot.write(
        "ww2.md",
        "#flashcards/history\n- D-Day took place on ==6 June 1944==\n"
        "- The ==Manhattan Project== developed the ==first== nuclear weapons\n"
        "<!--SR:!2024-01-01,3,250!2024-02-01,5,250!2024-03-01,7,250-->\n\n"
        "- one ==x==\n- two ==y== <!--SR:!2024-04-01,3,250!2024-04-02,3,250-->\n",
    )
    assert run("check").output.strip() == "ok"
    assert due_days() == {
        "D-Day took place on [...]": "2024-01-01",
        "The [...] developed the first nuclear weapons": "2024-02-01",
        "The Manhattan Project developed the [...] nuclear weapons": "2024-03-01",
        "one [...]": "2024-04-01",
        "two [...]": "2024-04-02",
    }


def test_a_cloze_list_whose_comment_does_not_match_its_cards_is_reported(kbroot, monkeypatch):
    monkeypatch.setenv("KB_TZ", "UTC")
    kbroot.write(
        "l.md",
        "# L\n\n- one ==x==\n- two ==y==\n- three ==z==\n<!--SR:!2024-04-01,3,250!2024-04-02,3,250-->\n\n"
        "- four ==u==\n- five ==v==\n<!--SR:!2024-05-01,3,250!2024-05-02,3,250!2024-05-03,3,250-->\n",
    )
    out = run("check", ok=False).output
    assert (
        "notes/l.md:3: `<!--SR:!2024-04-01,3,250!2024-04-02,3,250-->` holds 2 schedules for the 3 cloze cards"
        in out
    )
    assert "the last 1 card(s) start new" in out
    assert "notes/l.md:8: `<!--SR:" in out and "holds 3 schedules for the 2 cloze cards of lines 8-9" in out
    assert due_days() == {
        "one [...]": "2024-04-01",
        "two [...]": "2024-04-02",
        "three [...]": None,
        "four [...]": "2024-05-01",
        "five [...]": "2024-05-02",
    }


# ---------------------------------------------------------------------------------------------------- 6. folders
def test_ignored_folders_hold_no_cards(make_kb):
    kb = make_kb(ignored_folders=["Templates", "**/*.excalidraw.md"])
    kb.write("Templates/Card template.md", "{{title}}::answer goes here\n")
    kb.write("Templates2/real.md", "Kept::yes\n")
    kb.write("Projects/Templates/nested.md", "Nested::kept, only the top Templates folder is ignored\n")
    kb.write("Drawings/sketch.excalidraw.md", "Drawn::no\n")
    kb.write("top.excalidraw.md", "Top drawing::no\n")
    assert sorted(c["front"] for c in cards_json()) == ["Kept", "Nested"]


def test_init_carries_the_plugin_s_ignored_folders(tmp_path, monkeypatch):
    vault = tmp_path / "vault"
    (vault / ".obsidian/plugins/obsidian-spaced-repetition").mkdir(parents=True)
    (vault / ".obsidian/plugins/obsidian-spaced-repetition/data.json").write_text(
        json.dumps({"settings": {"noteFoldersToIgnore": ["**/*.excalidraw.md", "Templates"]}})
    )
    (vault / "Templates").mkdir()
    (vault / "Templates/t.md").write_text("#flashcards\n{{title}}::answer goes here\n")
    (vault / "real.md").write_text("#flashcards\nKept::yes\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KB_ROOT", raising=False)
    out = run("init", "--from-obsidian", "--vault", "vault", "--yes").output
    assert 'ignored_folders: ["**/*.excalidraw.md", "Templates"]' in out
    assert "noteFoldersToIgnore" not in out  # carried, so not listed as left behind
    monkeypatch.setenv("KB_ROOT", str(tmp_path))
    assert [c["front"] for c in cards_json()] == ["Kept"]


# ---------------------------------------------------------------------------------------------------- 1. init's site
def make_vault(tmp_path, settings: dict) -> None:
    vault = tmp_path / "vault"
    (vault / ".obsidian/plugins/obsidian-spaced-repetition").mkdir(parents=True)
    (vault / ".obsidian/plugins/obsidian-spaced-repetition/data.json").write_text(
        json.dumps({"settings": settings})
    )
    (vault / "Git.md").write_text(
        "---\ntags: flashcards/git\n---\n# Git\n\nWhat are the four git object types?\n?\nblob, tree, commit, tag\n\n"
        "Git stores refs in ==.git/refs==.\n"
    )


def test_init_writes_a_site_that_renders_the_cards(tmp_path, monkeypatch):
    import subprocess
    import sys

    make_vault(tmp_path, {"flashcardTags": ["#flashcards"]})
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KB_ROOT", raising=False)
    run("init", "--from-obsidian", "--vault", "vault", "--yes")
    env = {**__import__("os").environ, "NO_MKDOCS_2_WARNING": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"], cwd=tmp_path, capture_output=True, text=True, env=env
    )
    assert done.returncode == 0, done.stderr
    page = (tmp_path / "site" / "Git" / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<article") : page.index("</article>")]
    assert "???" not in article and "==" not in article
    assert '<details class="question' in article and "What are the four git object types?" in article
    assert (
        '<span class="kb-blank-answer">.git/refs</span>' in article
    )  # the cloze is a blank, not raw ==text==


def test_init_s_mkdocs_yml_has_the_repository_s_theme_features_and_extensions(tmp_path, monkeypatch):
    from pathlib import Path

    from kb.commands.init import _loads
    from kb.config import plugin_options

    make_vault(tmp_path, {"flashcardTags": ["#flashcards", "#srs"]})
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KB_ROOT", raising=False)
    run("init", "--from-obsidian", "--vault", "vault", "--yes")
    made = _loads((tmp_path / "mkdocs.yml").read_text(encoding="utf-8"))
    repo = _loads((Path(__file__).parents[1] / "mkdocs.yml").read_text(encoding="utf-8"))
    assert made["docs_dir"] == "vault" and made["theme"]["name"] == "material"
    assert made["theme"]["features"] == repo["theme"]["features"]
    assert made["markdown_extensions"] == repo["markdown_extensions"]
    assert made["plugins"][0] == "search"
    assert plugin_options(made) == {"flashcard_tags": ["flashcards", "srs"], "flashcard_tags_required": True}


def test_init_names_what_an_existing_mkdocs_yml_lacks_for_the_site(tmp_path, monkeypatch):
    make_vault(tmp_path, {"flashcardTags": ["#flashcards"]})
    (tmp_path / "mkdocs.yml").write_text("site_name: My vault\ndocs_dir: vault\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KB_ROOT", raising=False)
    out = run("init", "--from-obsidian", "--yes").output
    assert (
        "the site needs theme: material, markdown_extensions: admonition, markdown_extensions: pymdownx.details"
        in out
    )
