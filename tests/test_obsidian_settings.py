"""The Obsidian Spaced Repetition plugin's settings are kb's (issue 20, point 3): separators, the multi-line end marker,
cloze patterns and flashcard tags as kb plugin options, read by the index, review and the site; `kb init
--from-obsidian` takes them from the vault; schedules kept in the plugin's data file come along like comments."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from kb.cards.extractor import extract_cards
from kb.cards.model import CardSyntax
from kb.cards.osrdata import cyrb53
from kb.cli import cli
from kb.commands.init import edited
from kb.notes.reader import parse_note
from tests.conftest import kb_yml

REPO = Path(__file__).resolve().parent.parent
VAULT = REPO / "tests" / "fixtures" / "obsidian_vault_settings"
DATA = Path(".obsidian/plugins/obsidian-spaced-repetition/data.json")
BOLD = "**[123;;]answer[;;hint]**"
CURLY = "{{[123;;]answer[;;hint]}}"
HIGHLIGHT = "==[123;;]answer[;;hint]=="


def cards_of(text: str, **syntax):
    result = extract_cards(parse_note("notes/v.md", text.encode()), syntax=CardSyntax(**syntax))
    return [(str(c.kind), c.front, c.back) for c in result.cards]


def run(*args: str, ok: bool = True):
    out = CliRunner().invoke(cli, list(args))
    if ok:
        assert out.exit_code == 0, out.output
    return out


def test_custom_separators_read_cards_the_defaults_do_not():
    text = "Water;;H2O\nSalt;;;NaCl\nOld::style\n\nQuestion\n@@\nAnswer\n"
    assert cards_of(text, single_line=";;", single_line_reversed=";;;", multiline="@@") == [
        ("basic", "Water", "H2O"),
        ("reversed", "Salt", "NaCl"),
        ("reversed", "NaCl", "Salt"),
        ("basic", "Question", "Answer"),
    ]  # `Old::style` is prose with these separators
    # separators with nothing in common: the first one written counts, the longer one on a tie
    assert cards_of("Qn 1?:>A.\n\nQn 2?<:>B.\n", single_line=":>", single_line_reversed="<:>") == [
        ("basic", "Qn 1?", "A."),
        ("reversed", "Qn 2?", "B."),
        ("reversed", "B.", "Qn 2?"),
    ]


def test_an_end_marker_keeps_blank_lines_in_the_answer_and_ends_the_card():
    text = "What is an acid?\n?\nA proton donor.\n\nIt gives up H+ ions.\n+++\nNext;;card\n\nlater ==text==\n"
    got = cards_of(text, single_line=";;", single_line_reversed=";;;", multiline_end="+++")
    assert got[0] == ("basic", "What is an acid?", "A proton donor.\n\nIt gives up H+ ions.")
    assert got[1] == ("basic", "Next", "card")
    assert got[2][0] == "cloze" and got[2][1] == "later [...]"
    # without the marker a blank line ends the answer, as before
    assert cards_of(text)[0] == ("basic", "What is an acid?", "A proton donor.")


def test_cloze_patterns_in_the_plugin_s_syntax():
    text = "The **noble gases** are ==inert== and {{1::cold::temperature}} {{c2::x}}\n"
    # the Anki-like pattern needs other single-line separators (`::` would make the line a card, as in the plugin)
    got = cards_of(
        text, single_line="||", single_line_reversed="|||", cloze_patterns=(BOLD, "{{[123::]answer[::hint]}}")
    )
    fronts = [f for _, f, _ in got]
    assert "The [...] are ==inert== and cold x" in fronts  # highlights are off: left as written
    assert (
        "The noble gases are ==inert== and [temperature] x" in fronts
    )  # group 1 after Anki's c2, with its hint
    assert "The noble gases are ==inert== and cold [...]" in fronts  # Anki markup is always read
    assert {b for _, _, b in got} == {"The noble gases are ==inert== and cold x"}
    assert cards_of("cloze {{deletion}} test\n", cloze_patterns=(CURLY,))[0][1] == "cloze [...] test"
    # the default pattern's groups: the same number hides together
    grouped = cards_of("**1;;a** **1;;b** **c**\n", cloze_patterns=(BOLD,))
    assert [f for _, f, _ in grouped] == ["[...] [...] c", "a b [...]"]
    assert cards_of("cloze ==deletion== test\n", cloze_patterns=()) == []
    assert cards_of("`**code**` and **bold**\n", cloze_patterns=(BOLD,))[0][1] == "`**code**` and [...]"


def test_bad_card_settings_are_one_line_naming_the_setting(make_kb):
    make_kb({"a.md": "Q::A\n"}, cloze_patterns=["**bold**"])
    out = run("check", ok=False)
    assert out.exit_code == 1
    assert "kb setting cloze_patterns" in out.output and "needs the word `answer`" in out.output
    assert "Traceback" not in out.output
    make_kb({"a.md": "Q::A\n"}, at="kb2", multiline_separator="?", multiline_reversed_separator="?")
    out = run("check", ok=False)
    assert "kb setting multiline_reversed_separator" in out.output and "different" in out.output


def test_the_settings_reach_index_due_and_review(make_kb, monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    make_kb(
        {"a.md": "Water;;H2O\n\nThe **noble gases** are inert.\n\nOld::style\n"},
        single_line_separator=";;",
        single_line_reversed_separator=";;;",
        cloze_patterns=[BOLD],
    )
    cards = json.loads(run("cards", "--json").output)
    assert [(c["kind"], c["front"], c["back"]) for c in cards] == [
        ("basic", "Water", "H2O"),
        ("cloze", "The [...] are inert.", "The noble gases are inert."),
    ]
    due = json.loads(run("due", "--json").output)
    assert due["total"]["new"] == 2
    out = CliRunner().invoke(cli, ["review"], input="3\n3\n")
    assert out.exit_code == 0, out.output
    assert "Water" in out.output and "H2O" in out.output and ";;" not in out.output
    assert "The [...] are inert." in out.output and "**" not in out.output


def test_the_site_shows_cards_written_with_the_settings_as_cards(make_kb):
    from tests.browser_support import build

    kb = make_kb(
        {"index.md": "# Home\n", "chem.md": "# Chem\n\nWater;;H2O\n\nThe **noble gases** are inert.\n"},
        site=True,
        single_line_separator=";;",
        single_line_reversed_separator=";;;",
        cloze_patterns=[BOLD],
    )
    result = build(kb.root)
    assert result.returncode == 0, result.stderr
    page = (kb.root / "site" / "chem" / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<article") : page.index('id="kb-flashcards"')]
    assert "<summary>Water</summary>" in article and "Water;;H2O" not in article
    assert '<span class="kb-blank-answer">noble gases</span>' in article and "<strong>noble" not in article


def test_cyrb53_is_the_plugin_s_hash():
    # computed with the plugin's JavaScript function (src/utils/strings.ts) on the same strings
    assert cyrb53("a") == "1c2ba782c97901"
    assert cyrb53("revenue") == "1d85148d13f93a"
    assert cyrb53("#flashcards/science Q4::A4") == "c37437757a53f"
    assert cyrb53("Q\n?\nA é 😀") == "ec0d9d2ac46c"  # UTF-16 code units, as JavaScript counts them


@pytest.fixture
def vault(tmp_path, monkeypatch):
    root = tmp_path / "vault-kb"
    shutil.copytree(VAULT, root)
    monkeypatch.setenv("KB_ROOT", str(root))
    monkeypatch.setenv("TZ", "UTC")
    return root


def _states(root: Path) -> dict[str, tuple]:
    conn = sqlite3.connect(root / ".kb" / "kb.db")
    rows = conn.execute(
        "SELECT c.front, s.state, substr(s.due, 1, 10) FROM cards c LEFT JOIN card_state s ON s.card_id = c.id "
        "WHERE c.orphaned_at IS NULL ORDER BY c.note, c.position"
    ).fetchall()
    conn.close()
    return {r[0]: r[1:] for r in rows}


def test_init_from_obsidian_takes_the_vault_s_settings_and_schedules(vault):
    notes = {p: p.read_bytes() for p in (vault / "vault").rglob("*") if p.is_file()}
    before = json.loads(run("due", "--json").output)
    assert before["total"] == {"learning": 0, "review": 0, "due": 0, "new": 3}  # ::, ?, ==x== only
    dry = run("init", "--from-obsidian", "--dry-run")
    assert 'single_line_separator: ";;"' in dry.output and "nothing written" in dry.output
    assert "kb" in (vault / "mkdocs.yml").read_text() and ";;" not in (vault / "mkdocs.yml").read_text()
    out = run("init", "--from-obsidian", "--yes")
    for line in (
        'flashcard_tags: ["flashcards", "cards"]',
        "flashcard_tags_required: true",
        'multiline_end_marker: "+++"',
        f'cloze_patterns: ["{HIGHLIGHT}", "{BOLD}"]',
    ):
        assert line in out.output and line in (vault / "mkdocs.yml").read_text()
    after = json.loads(run("due", "--json").output)
    assert after["total"] == {"learning": 0, "review": 3, "due": 3, "new": 3}
    states = _states(vault)
    assert states["Water"] == (2, "2024-05-01")  # data.json, SM-2
    assert states["Table salt"] == (2, "2099-01-01") and states["NaCl"] == (None, None)  # keyed path::hash
    assert states["What is an acid?"] == (2, "2024-06-01")  # FSRS entry, answer over a blank line
    assert states["The noble gases are [...]."] == (2, "2099-02-01")  # the Schedule Data file, 2nd sibling
    assert states["Speed of light"] == (2, "2024-04-01")  # a comment, as before
    assert states["Planck's constant"] == (None, None)  # an impossible date: new
    assert "Old" not in " ".join(states)  # the untagged note holds no cards now
    check = run("check", ok=False)
    assert "vault/Physics.md:6: `<!--SR:!2024-13-45,3,250-->` holds no schedule kb can read" in check.output
    assert {
        p: p.read_bytes() for p in (vault / "vault").rglob("*") if p.is_file()
    } == notes  # notes untouched
    # once: the plugin's later writes change nothing, and a rebuilt database keeps the starts
    data = json.loads((vault / "vault" / DATA).read_text())
    for entries in data["scheduleData"]["cardSchedules"].values():
        if entries[0] and "ease" in entries[0]["scheduleData"]:
            entries[0]["scheduleData"]["dueDate"] = "2030-01-01"
    (vault / "vault" / DATA).write_text(json.dumps(data))
    run("index", "--full")
    (vault / ".kb" / "kb.db").unlink()
    assert json.loads(run("due", "--json").output)["total"] == after["total"]
    assert _states(vault) == states


def test_init_edits_mkdocs_yml_as_text_and_keeps_the_rest():
    opts = {"single_line_separator": ";;", "flashcard_tags_required": True}
    assert edited("site_name: x\n", opts) == (
        'site_name: x\nplugins:\n  - kb:\n      single_line_separator: ";;"\n      flashcard_tags_required: true\n'
    )
    text = "site_name: x  # mine\nplugins:\n  - search\n  - kb:\n      new_per_day: 30  # more\n      single_line_separator: '::'\nnav: []\n"
    got = edited(text, opts)
    assert got.startswith("site_name: x  # mine\nplugins:\n  - search\n  - kb:\n")
    assert "new_per_day: 30  # more" in got and "'::'" not in got and got.endswith("nav: []\n")
    assert edited("plugins:\n- kb\n", opts).startswith('plugins:\n- kb:\n    single_line_separator: ";;"')
    assert "  - kb:\n" in edited("plugins:\n  - search\n", opts)


def test_init_says_what_is_missing_and_refuses_what_it_cannot_place(vault, tmp_path, monkeypatch):
    (vault / "vault" / DATA).unlink()
    out = run("init", "--from-obsidian", "--yes", ok=False)
    assert out.exit_code == 1 and "no Obsidian Spaced Repetition settings here" in out.output
    (vault / "vault" / DATA).write_text('{"settings": {\n  "flashcardTags": [,]\n}}')
    out = run("init", "--from-obsidian", "--yes", ok=False)
    assert f"{vault / 'vault' / DATA}:2: not valid JSON" in out.output and "Traceback" not in out.output
    shutil.copytree(VAULT / "vault" / ".obsidian", vault / "vault" / ".obsidian", dirs_exist_ok=True)
    flow = "site_name: x\ndocs_dir: vault\nplugins: [search, {kb: {new_per_day: 3}}]\n"
    (vault / "mkdocs.yml").write_text(flow)
    out = run("init", "--from-obsidian", "--yes", ok=False)
    assert out.exit_code == 1 and "paste them under `- kb:`" in out.output
    assert (vault / "mkdocs.yml").read_text() == flow
    # no mkdocs.yml yet: one is made beside the vault
    fresh = tmp_path / "fresh"
    shutil.copytree(VAULT / "vault", fresh / "notes")
    monkeypatch.delenv("KB_ROOT")
    monkeypatch.chdir(fresh)
    run("init", "--from-obsidian", "--vault", "notes", "--yes")
    assert 'docs_dir: "notes"' in (fresh / "mkdocs.yml").read_text()
    assert json.loads(run("due", "--json").output)["total"]["review"] == 3


def test_card_ids_survive_a_separator_change_that_keeps_the_card_text(make_kb):
    kb = make_kb({"a.md": "#flashcards/x\nWater::H2O\n\nSalt:::NaCl\n"})
    before = {(c["front"], c["id"]) for c in json.loads(run("cards", "--json").output)}
    (kb.root / "mkdocs.yml").write_text(
        kb_yml(
            single_line_separator=";;", single_line_reversed_separator=";;;", cloze_patterns=[HIGHLIGHT, BOLD]
        ),
        encoding="utf-8",
    )
    kb.write("a.md", "Water;;H2O ^b1 <!--SR:!2024-01-01,3,250-->\n\n#flashcards Salt;;;NaCl\n")
    run("index", "--full")
    after = {(c["front"], c["id"]) for c in json.loads(run("cards", "--json").output)}
    assert after == before and len(after) == 3


def test_an_impossible_entry_in_the_data_file_is_reported_and_the_card_is_new(vault):
    path = vault / "vault" / DATA
    path.write_text(path.read_text().replace('"2024-05-01"', '"2024-02-30"'))
    run("init", "--from-obsidian", "--yes")
    out = run("check", ok=False)
    assert (
        "vault/Chemistry.md:7: the Obsidian Spaced Repetition data file holds no schedule kb can read"
        in out.output
    )
    assert "due date 2024-02-30 is no day of the calendar" in out.output
    assert _states(vault)["Water"] == (None, None)
