"""Security: hostile text is only ever text. SQL is parameterised everywhere a note's words go (index, search,
cards, quiz, review); HTML and `</script>` in notes and cards are escaped in every page of a real `mkdocs build` and
in the JSON embedded in them; an Anki package cannot write outside the folder it is imported into.

(`kb add` never writing outside notes/ is tested in tests/test_add.py; the browser test that nothing executes is in
tests/test_site_browser.py. Here the built HTML itself is checked, page by page.)
"""

from __future__ import annotations

import html.parser
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import write_kb

REPO = Path(__file__).resolve().parent.parent

SQL_TITLE = "'); DROP TABLE cards;--"
SQL_TAG = "it's\"; DELETE FROM notes;--"
SQL_FRONT = "Robert'); DROP TABLE reviews;-- is who?"
SQL_BACK = 'Little "Bobby" Tables\' mother; SELECT * FROM sqlite_master'
SQL_TAG_YAML = SQL_TAG.replace('"', '\\"')

HOSTILE_NOTE = f"""---
title: "{SQL_TITLE}"
type: "x' OR '1'='1"
author: "O'Brien \\"the\\" --"
tags: ["{SQL_TAG_YAML}", "plain"]
---
# Bobby

{SQL_FRONT}::{SQL_BACK}

The %s and ? and :name and $1 placeholders are text too: {{{{c1::'; DROP TABLE notes;--}}}} stays.

## Key points

- **Quote's "term"**: a definition with 'single' and "double" quotes -- and a comment
"""


def env_for(root: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KB_")}
    env.update(PYTHONPATH=str(REPO), KB_ROOT=str(root), KB_DEVICE="sec", KB_TZ="UTC", NO_MKDOCS_2_WARNING="1")
    env.update(extra)
    return env


def kb(root: Path, *args: str, input: str | None = None, **extra: str) -> subprocess.CompletedProcess:
    proc = subprocess.run(
        [sys.executable, "-m", "kb", *args],
        env=env_for(root, **extra),
        input=input,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def tables(db: Path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        return sorted(conn.execute("SELECT type, name FROM sqlite_master"))
    finally:
        conn.close()


@pytest.fixture
def hostile_root(make_kb) -> Path:
    notes = {
        "x'; DROP TABLE notes;--/bobby's \"note\".md": HOSTILE_NOTE.encode(),  # bytes: written as they are
        "plain.md": "---\ntitle: Plain\ntags: [plain]\n---\n# Plain\n\nQ::A\n",
    }
    return make_kb(notes).root


def test_sql_in_titles_tags_paths_and_cards_is_just_text(hostile_root):
    root = hostile_root
    path = "notes/x'; DROP TABLE notes;--/bobby's \"note\".md"
    assert kb(root, "index").returncode == 0
    db = root / ".kb" / "kb.db"
    schema = tables(db)
    conn = sqlite3.connect(db)
    title, tags, author, typ = conn.execute(
        "SELECT title, tags, author, type FROM notes WHERE path = ?", (path,)
    ).fetchone()
    conn.close()
    assert title == SQL_TITLE and json.loads(tags) == [SQL_TAG, "plain"] and author == 'O\'Brien "the" --'
    assert typ == "x' or '1'='1" or typ == "x' OR '1'='1"

    listed = json.loads(kb(root, "notes", "list", "--json").stdout)
    assert SQL_TITLE in [n["title"] for n in listed]
    assert SQL_TAG in kb(root, "tags").stdout
    by_tag = json.loads(kb(root, "notes", "list", "--tag", SQL_TAG, "--json").stdout)
    assert [n["title"] for n in by_tag] == [SQL_TITLE]
    for query in [
        "Bobby",
        "DROP TABLE",
        "'); DROP",
        '"Little Bobby"',
        "sqlite_master",
        "Tables' mother",
        "placeholders :name",
    ]:
        proc = kb(root, "search", query, "--json")
        assert proc.returncode == 0, (query, proc.stderr)
        assert path in [hit["path"] for hit in json.loads(proc.stdout)], query
    proc = kb(root, "search", "Bobby", "--tag", SQL_TAG, "--json")
    assert [hit["path"] for hit in json.loads(proc.stdout)] == [path]
    cards = json.loads(kb(root, "cards", "--json").stdout)
    sides = {(c["front"], c["back"]) for c in cards}
    assert (SQL_FRONT, SQL_BACK) in sides, sides
    assert any("'; DROP TABLE notes;--" in back for _, back in sides)
    assert json.loads(kb(root, "cards", "--tag", SQL_TAG, "--json").stdout), "cards found by the quoted tag"
    assert tables(db) == schema, "a statement in the text ran"
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM notes").fetchone()[0] == 2
    conn.close()


def test_sql_text_in_a_quiz_is_just_text(hostile_root):
    root = hostile_root
    db = root / ".kb" / "kb.db"
    assert kb(root, "index").returncode == 0
    schema = tables(db)
    proc = kb(root, "quiz", "--tag", SQL_TAG, "--json", "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    assert tables(db) == schema


def test_sql_text_in_a_review_is_just_text(hostile_root):
    root = hostile_root
    db = root / ".kb" / "kb.db"
    assert kb(root, "index").returncode == 0
    schema = tables(db)
    proc = kb(root, "review", "--tag", SQL_TAG, input="3\n3\n3\n3\n3\n3\n", KB_NOW="2026-03-02T09:00:00Z")
    assert proc.returncode == 0, proc.stderr
    assert SQL_FRONT in proc.stdout and SQL_BACK in proc.stdout
    assert proc.stdout.count("answered ") >= 2
    assert tables(db) == schema
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM reviews").fetchone()[0] == proc.stdout.count("answered ")
    conn.close()


# ----------------------------------------------------------------------------------------------- HTML escaping
MARK = "kbPwned"
PAYLOADS = [
    f"<script>window.{MARK}=1</script>",
    f"</script><script>window.{MARK}=2</script>",
    f'<img src=x onerror="window.{MARK}=3">',
    f'"><svg onload=window.{MARK}=4>',
    f"</textarea><iframe src=javascript:window.{MARK}=5>",
    f"{{{{7*7}}}}<!--<script>window.{MARK}=6</script>-->",
    f"</title><script>window.{MARK}=7</script>",
]


def hostile_site_notes(where: str) -> dict[str, str]:
    """Payloads where kb itself puts them into pages. ``cards``: card text of every syntax, key points and the
    source link (kb's header line); ``titles``: the front-matter title, author and tags, which MkDocs and Material
    also print (navigation, <title>, table of contents, <meta name="author">, the tag list)."""
    notes = {}
    for i, p in enumerate(PAYLOADS):
        q = json.dumps(p)  # a YAML double-quoted string is JSON-compatible
        if where == "titles":
            notes[f"hostile/n{i}.md"] = (
                f"---\ntitle: {q}\nauthor: {q}\ntags: [{q}, hostile]\n---\nText {i}.\n"
            )
            continue
        notes[f"hostile/n{i}.md"] = (
            f"---\ntitle: Note {i}\nsource: {json.dumps('javascript:window.' + MARK + '=9')}\n"
            f"tags: [hostile]\n---\n# Note {i}\n\n"
            f"What does {p} do?::It {p} nothing\n\n"
            f"Escape {{{{c1::{p}}}}} too.\n\n"
            f"Q: Is {p} run?\nA: No, {p} is text\n\n"
            f"## Key points\n\n- **Term {i}**: a definition that holds {p}\n"
        )
    notes["index.md"] = "---\ntitle: Home\n---\n# Home\n\nSee [[hostile/n0]].\n"
    return notes


class Sinks(html.parser.HTMLParser):
    """Everything in a page that a browser would run: script text, on* handlers, javascript: URLs. <title> and
    <textarea> hold text only, as in a browser (html.parser alone would see tags in them)."""

    CDATA_CONTENT_ELEMENTS = ("script", "style", "title", "textarea")

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.in_script: str | None = None
        self.script_type = ""
        self.found: list[str] = []
        self.json_blocks: list[str] = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            value = value or ""
            if name.startswith("on") and MARK in value:
                self.found.append(f"<{tag} {name}={value!r}>")
            if (
                name in ("href", "src", "action", "formaction", "data")
                and value.strip().lower().startswith("javascript:")
                and MARK in value
            ):
                self.found.append(f"<{tag} {name}={value!r}>")
        if tag in ("script", "iframe", "svg", "img") and tag != "script":
            if any(MARK in (v or "") for _, v in attrs):
                self.found.append(f"<{tag}> with the payload")
        if tag == "script":
            self.in_script = ""
            self.script_type = dict(attrs).get("type") or ""

    def handle_endtag(self, tag):
        if tag == "script" and self.in_script is not None:  # (title, textarea: their text is only text)
            if "json" in self.script_type:
                self.json_blocks.append(self.in_script)
            elif MARK in self.in_script:
                self.found.append(f"script runs {self.in_script[:80]!r}")
            self.in_script = None

    def handle_data(self, data):
        if self.in_script is not None:
            self.in_script += data


def build_hostile_site(tmp_path: Path, where: str) -> tuple[Path, list[str], int]:
    notes = {
        rel: text.encode() for rel, text in hostile_site_notes(where).items()
    }  # bytes: written as they are
    root = write_kb(tmp_path / "kb", notes, site=True).root
    proc = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q"],
        cwd=root,
        env=env_for(root),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr
    pages = list((root / "site").rglob("*.html"))
    assert len(pages) > len(PAYLOADS)
    problems, json_blocks = [], 0
    for page in pages:
        sinks = Sinks()
        sinks.feed(page.read_text(encoding="utf-8"))
        sinks.close()
        problems += [f"{page.relative_to(root)}: {f}" for f in sinks.found]
        for block in sinks.json_blocks:
            json_blocks += 1
            json.loads(block)  # embedded JSON is whole: nothing closed its <script> early
    print(
        f"\nhostile site ({where}): {len(pages)} pages, {json_blocks} embedded JSON blocks, {len(PAYLOADS)} payloads"
    )
    return root, problems, json_blocks


def test_no_card_text_payload_executes_in_any_page_or_embedded_json(tmp_path):
    root, problems, json_blocks = build_hostile_site(tmp_path, "cards")
    assert not problems, "\n".join(problems[:20])
    assert json_blocks > 0, "the quiz data embedded in pages was checked"
    # the payloads are there, as text, so the check above looked at real content
    page = (root / "site" / "hostile" / "n1" / "index.html").read_text(encoding="utf-8")
    assert "&lt;/script&gt;&lt;script&gt;window.kbPwned=2&lt;/script&gt;" in page


def test_no_title_or_tag_payload_executes_in_any_page(tmp_path):
    _, problems, _ = build_hostile_site(tmp_path, "titles")
    assert not problems, "\n".join(problems[:20])


# --------------------------------------------------------------------------------------------------- Anki media
HOSTILE_MEDIA = [
    "../../x",
    "../../../../tmp/kb-evil-abs",
    "/tmp/kb-evil-root",
    "..\\..\\win",
    "notes/../../up",
    "a/../../../b",
    "./../c",
    "....//....//d",
    "%2e%2e/%2e%2e/e",
    "\x00../f",
    "..",
    ".",
    "",
    "x" * 300,
]


def test_anki_package_media_names_cannot_write_outside_the_target(tmp_path):
    pytest.importorskip("anki.collection")
    import zipfile

    from anki.collection import Collection, ExportAnkiPackageOptions

    root = write_kb(tmp_path / "kb").root
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    for deck in ("../../../deck-escape", "..\\..\\deck2", "/abs/deck"):
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"] = f"From {deck}"
        note["Back"] = "".join(f'<img src="{name}">' for name in HOSTILE_MEDIA)
        col.add_note(note, col.decks.id(deck))
    clean = tmp_path / "clean.apkg"
    col.export_anki_package(
        out_path=str(clean),
        options=ExportAnkiPackageOptions(
            with_scheduling=False, with_deck_configs=False, with_media=True, legacy=True
        ),
        limit=None,
    )
    col.close()
    crafted = tmp_path / "crafted.apkg"
    with zipfile.ZipFile(clean) as src, zipfile.ZipFile(crafted, "w") as dst:
        for item in src.infolist():
            if item.filename != "media":
                dst.writestr(item, src.read(item))
        dst.writestr("media", json.dumps({str(i): name for i, name in enumerate(HOSTILE_MEDIA)}))
        for i in range(len(HOSTILE_MEDIA)):
            dst.writestr(str(i), f"evil {i}".encode())
        dst.writestr("../../zip-member-escape", b"evil member")

    def everything() -> set[Path]:
        return {p for p in tmp_path.rglob("*") if ".kb" not in p.parts}

    before = everything()
    outside_before = set(Path("/tmp").glob("kb-evil-*"))
    proc = kb(root, "import", "anki", str(crafted))
    assert proc.returncode in (0, 1), proc.stderr
    new = everything() - before
    notes = (root / "notes").resolve()
    escaped = [p for p in new if not p.resolve().is_relative_to(notes)]
    assert not escaped, escaped
    assert set(Path("/tmp").glob("kb-evil-*")) == outside_before
    for p in new:
        if p.is_file():
            assert b"evil" not in p.read_bytes() or p.suffix == ".md", p
