"""kb import anki: packages written by the real Anki (the `anki` package) come into kb as Markdown notes."""

from __future__ import annotations

import json
import sqlite3
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from kb.anki.fields import html_to_markdown
from kb.anki.media import safe_media_name
from kb.anki.notetypes import map_notetype
from kb.anki.package import RevlogEntry, open_package
from kb.anki.reviews import grade_for
from kb.cli import cli

anki_collection = pytest.importorskip("anki.collection")

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16 + b"kb-test-image"


def invoke(*args):
    return CliRunner().invoke(cli, list(args))


def build_anki_collection(folder: Path, *, review: bool = True):
    """A real Anki collection: basic, reversed and cloze notes in a sub-deck, an image, math, tags, some reviews."""
    from anki.collection import Collection

    folder.mkdir(parents=True, exist_ok=True)
    col = Collection(str(folder / "collection.anki2"))
    deck = col.decks.id("Books::Atomic Habits")
    other = col.decks.id("Spanish")
    basic = col.models.by_name("Basic")
    rev = col.models.by_name("Basic (and reversed card)")
    cloze = col.models.by_name("Cloze")

    def add(model, deck_id, tags=(), **fields):
        note = col.new_note(model)
        for k, v in fields.items():
            note[k.replace("_", " ")] = v
        note.tags = list(tags)
        col.add_note(note, deck_id)
        return note

    col.media.write_data("cue.png", PNG)
    add(
        basic,
        deck,
        ("habits", "books::atomic"),
        Front="What is a <b>habit</b>?",
        Back="A behaviour done <i>automatically</i>",
    )
    add(
        basic,
        deck,
        Front="The habit loop",
        Back='<div>cue, craving,</div><div>response, reward</div><img src="cue.png">',
    )
    add(rev, deck, ("habits",), Front="Cue", Back="The trigger that starts a habit")
    add(
        cloze, deck, Text="The {{c1::cue}} triggers a {{c2::craving::a feeling}}", Back_Extra="From chapter 3"
    )
    add(basic, other, Front="perro", Back="dog")
    add(basic, other, Front="Energy", Back=r"\(E = mc^2\)")
    if review:
        # Answer a few cards the way a user does: through the real scheduler, with real revlog rows.
        col.decks.select(deck)
        for ease in (3, 3, 1, 4):
            card = col.sched.getCard()
            assert card is not None
            card.start_timer()
            col.sched.answerCard(card, ease)
    return col


def export_with_anki(col, out: Path, *, legacy: bool) -> Path:
    from anki.collection import ExportAnkiPackageOptions

    col.export_anki_package(
        out_path=str(out),
        options=ExportAnkiPackageOptions(
            with_scheduling=True, with_deck_configs=False, with_media=True, legacy=legacy
        ),
        limit=None,
    )
    return out


@pytest.fixture
def anki_package(tmp_path):
    col = build_anki_collection(tmp_path / "anki")
    revlog = col.db.scalar("SELECT count() FROM revlog")
    out = export_with_anki(col, tmp_path / "deck.apkg", legacy=False)
    col.close()
    return out, revlog


# --- the package reader ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("legacy", [False, True], ids=["anki21b-zstd", "legacy-anki21"])
def test_reader_reads_what_anki_exports(tmp_path, legacy):
    col = build_anki_collection(tmp_path / "anki")
    revlog = col.db.scalar("SELECT count() FROM revlog")
    out = export_with_anki(col, tmp_path / "deck.apkg", legacy=legacy)
    col.close()
    with open_package(out) as (pkg, zf):
        assert pkg.schema == (11 if legacy else 18)
        assert set(pkg.decks.values()) >= {"Books", "Books::Atomic Habits", "Spanish"}
        assert len(pkg.notes) == 6
        assert len(pkg.cards) == 8  # 4 basic, 2 reversed, 2 cloze deletions
        assert len(pkg.revlog) == revlog == 4
        assert "cue.png" in pkg.media
        from kb.anki.package import read_media

        assert read_media(pkg, zf, "cue.png") == PNG
        kinds = {nt.name: nt.kind for nt in pkg.notetypes.values()}
        assert kinds["Cloze"] == "cloze" and kinds["Basic"] == "normal"


# --- import through the CLI ------------------------------------------------------------------------------------


def test_import_writes_one_note_per_deck_with_cards_in_kb_syntax(kbroot, anki_package):
    package, _ = anki_package
    result = invoke("import", "anki", str(package))
    assert result.exit_code == 0, result.output
    imported = kbroot.notes / "imported"
    habits = (imported / "books" / "atomic-habits.md").read_text(encoding="utf-8")
    spanish = (imported / "spanish.md").read_text(encoding="utf-8")
    assert "What is a **habit**?::A behaviour done *automatically*" in habits
    assert "Cue:::The trigger that starts a habit" in habits
    assert "The {{c1::cue}} triggers a {{c2::craving::a feeling}}" in habits
    # A back with two blocks and an image becomes a multi-line card with the image next to the note.
    assert "The habit loop\n?\ncue, craving,\nresponse, reward\n![](cue.png)" in habits
    assert (imported / "books" / "cue.png").read_bytes() == PNG
    assert "perro::dog" in spanish
    assert "Energy::$E = mc^2$" in spanish
    front = habits.split("---")[1]
    assert "title: Atomic Habits" in front and "anki_deck: Books::Atomic Habits" in front
    # tags are the cards' own, not the deck's: the first card's on a deck-tag line above it
    assert "habits" not in front
    assert "#flashcards #books/atomic #habits\n\nWhat is a **habit**?" in habits
    assert "wrote notes/imported/books/atomic-habits.md" in result.output


def test_importing_the_same_package_twice_changes_nothing(kbroot, anki_package):
    package, _ = anki_package
    assert invoke("import", "anki", str(package)).exit_code == 0
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in kbroot.notes.rglob("*") if p.is_file()}
    second = invoke("import", "anki", str(package), "--json")
    assert second.exit_code == 0, second.output
    report = json.loads(second.stdout)
    assert report["written"] == [] and report["media"] == 0
    assert sorted(report["unchanged"]) == [
        "notes/imported/books/atomic-habits.md",
        "notes/imported/spanish.md",
    ]
    assert {
        p: (p.read_bytes(), p.stat().st_mtime_ns) for p in kbroot.notes.rglob("*") if p.is_file()
    } == files


def test_an_existing_note_with_other_content_is_never_rewritten(kbroot, anki_package):
    package, _ = anki_package
    mine = kbroot.write("imported/spanish.md", "# Spanish\n\nmy own notes\n")
    result = invoke("import", "anki", str(package))
    assert result.exit_code == 0
    assert mine.read_text(encoding="utf-8") == "# Spanish\n\nmy own notes\n"
    assert "notes/imported/spanish.md:1: already exists with other content" in result.output
    assert (kbroot.notes / "imported" / "books" / "atomic-habits.md").exists()  # the rest is still imported


def test_into_another_folder(kbroot, anki_package):
    package, _ = anki_package
    result = invoke("import", "anki", str(package), "--into", str(kbroot.notes / "languages"))
    assert result.exit_code == 0, result.output
    assert (kbroot.notes / "languages" / "spanish.md").exists()
    outside = invoke("import", "anki", str(package), "--into", str(kbroot.root.parent / "elsewhere"))
    assert outside.exit_code == 1
    assert "must be inside the notes folder" in outside.output and "Traceback" not in outside.output


def test_legacy_package_imports_the_same_notes(kbroot, tmp_path):
    col = build_anki_collection(tmp_path / "anki")
    new = export_with_anki(col, tmp_path / "new.apkg", legacy=False)
    old = export_with_anki(col, tmp_path / "old.apkg", legacy=True)
    col.close()
    assert invoke("import", "anki", str(new), "--into", str(kbroot.notes / "a")).exit_code == 0
    assert invoke("import", "anki", str(old), "--into", str(kbroot.notes / "b")).exit_code == 0
    for rel in ("books/atomic-habits.md", "spanish.md"):
        assert (kbroot.notes / "a" / rel).read_text().replace("notes/a", "") == (
            kbroot.notes / "b" / rel
        ).read_text()


# --- bad input ---------------------------------------------------------------------------------------------


def one_line_error(result, *needles):
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_not_a_zip(kbroot, tmp_path):
    bad = tmp_path / "notes.apkg"
    bad.write_text("hello")
    one_line_error(invoke("import", "anki", str(bad)), str(bad), "not a zip")


def test_missing_file(kbroot, tmp_path):
    one_line_error(invoke("import", "anki", str(tmp_path / "nope.apkg")), "nope.apkg", "no such file")


def test_zip_without_collection(kbroot, tmp_path):
    bad = tmp_path / "photos.apkg"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("photo.jpg", b"jpeg")
    one_line_error(invoke("import", "anki", str(bad)), str(bad), "without an Anki collection")


def test_unsupported_collection_version(kbroot, tmp_path):
    db = tmp_path / "c.anki2"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE col (id INTEGER PRIMARY KEY, ver INTEGER)")
    conn.execute("INSERT INTO col VALUES (1, 99)")
    conn.commit()
    conn.close()
    bad = tmp_path / "future.apkg"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.write(db, "collection.anki2")
    one_line_error(invoke("import", "anki", str(bad)), str(bad), "unsupported Anki collection version 99")


def test_damaged_collection(kbroot, tmp_path):
    bad = tmp_path / "broken.apkg"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr("collection.anki21b", b"not zstd at all")
    one_line_error(invoke("import", "anki", str(bad)), str(bad), "damaged")


def test_note_type_kb_cannot_map_is_named_and_skipped(kbroot, tmp_path):
    col = build_anki_collection(tmp_path / "anki", review=False)
    io = col.models.by_name("Image Occlusion")
    note = col.new_note(io)
    note["Occlusion"] = "{{c1::image-occlusion:rect:left=.1:top=.1:width=.2:height=.2:oi=1}}"
    note["Image"] = '<img src="cue.png">'
    col.add_note(note, col.decks.id("Pictures"))
    package = export_with_anki(col, tmp_path / "io.apkg", legacy=False)
    col.close()
    result = invoke("import", "anki", str(package))
    assert result.exit_code == 0, result.output
    assert "Image Occlusion" in result.output and "skipped 1 note(s)" in result.output
    assert "perro::dog" in (kbroot.notes / "imported" / "spanish.md").read_text()
    assert not (kbroot.notes / "imported" / "pictures.md").exists()  # a deck with nothing kb can map: no note


def test_decks_whose_names_slug_alike_get_their_own_notes(kbroot, tmp_path):
    from anki.collection import Collection

    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    for deck, front in (("Tax Law", "one"), ("Tax-Law", "two")):
        note = col.new_note(col.models.by_name("Basic"))
        note["Front"], note["Back"] = front, "x"
        col.add_note(note, col.decks.id(deck))
    package = export_with_anki(col, tmp_path / "slugs.apkg", legacy=False)
    col.close()
    assert invoke("import", "anki", str(package)).exit_code == 0
    texts = sorted(p.read_text() for p in (kbroot.notes / "imported").glob("tax-law*.md"))
    assert len(texts) == 2 and "one::x" in texts[0] + texts[1] and "two::x" in texts[0] + texts[1]
    assert invoke("import", "anki", str(package)).exit_code == 0  # and again: nothing changes
    assert len(list((kbroot.notes / "imported").glob("*.md"))) == 2


def test_media_names_cannot_escape_the_import_folder(kbroot, tmp_path):
    """A crafted package naming its media ``../../evil.txt`` writes nothing outside the import folder."""
    from anki.collection import Collection

    col = (
        Collection(str(tmp_path / "anki" / "collection.anki2"))
        if (tmp_path / "anki").mkdir() is None
        else None
    )
    note = col.new_note(col.models.by_name("Basic"))
    note["Front"] = "Evil"
    note["Back"] = '<img src="../../evil.txt"><img src="/tmp/abs.txt">'
    col.add_note(note, col.decks.id("Crafted"))
    clean = export_with_anki(col, tmp_path / "clean.apkg", legacy=True)
    col.close()
    crafted = tmp_path / "crafted.apkg"
    with zipfile.ZipFile(clean) as src, zipfile.ZipFile(crafted, "w") as dst:
        for item in src.infolist():
            if item.filename != "media":
                dst.writestr(item, src.read(item))
        dst.writestr("media", json.dumps({"0": "../../evil.txt", "1": "/tmp/abs.txt"}))
        dst.writestr("0", b"evil")
        dst.writestr("1", b"abs")
    result = invoke("import", "anki", str(crafted))
    assert result.exit_code == 0, result.output
    assert "not a plain file name" in result.output
    assert not (kbroot.root / "evil.txt").exists() and not (kbroot.notes / "evil.txt").exists()
    assert not list(kbroot.root.parent.rglob("evil.txt"))
    assert (kbroot.notes / "imported" / "crafted.md").exists()
    files = {p.name for p in (kbroot.notes / "imported").rglob("*")}
    assert files == {"crafted.md"}


# --- pure parts ---------------------------------------------------------------------------------------------


def test_safe_media_name():
    assert safe_media_name("cue.png") == "cue.png"
    assert safe_media_name("my picture.jpg") == "my picture.jpg"
    for bad in ("../x", "..", "a/b.png", "/etc/passwd", "C:\\x", "", ".hidden", "a\\b"):
        assert safe_media_name(bad) is None, bad


def test_html_to_markdown_shapes():
    text, media = html_to_markdown('<b>Bold</b> and <i>it</i><br>next <img src="a b.png"> [sound:x.mp3]')
    assert text == "**Bold** and *it*\nnext ![](<a b.png>) [x.mp3](x.mp3)"
    assert media == ("a b.png", "x.mp3")
    assert html_to_markdown("<ul><li>one</li><li>two</li></ul>")[0] == "- one\n- two"
    assert html_to_markdown("<ol><li>one</li><li>two</li></ol>")[0] == "1. one\n2. two"
    assert html_to_markdown("2 * 3 &amp; 4&nbsp;== x")[0] == "2 \\* 3 &amp; 4 \\== x"
    assert html_to_markdown("# not a heading<br>- nor a list<br>1. nor this")[0] == (
        "\\# not a heading\n\\- nor a list\n1\\. nor this"
    )
    assert html_to_markdown(r"\[\sum_i x_i\]")[0] == r"$$\sum_i x_i$$"
    assert html_to_markdown("<pre>a\n  b</pre>")[0] == "```\na\n  b\n```"


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
@settings(max_examples=200, deadline=None)
def test_html_to_markdown_never_fails_and_keeps_words(text):
    import html

    out, _ = html_to_markdown(html.escape(text))
    for word in text.split():
        if word.isalnum():
            assert word in out


@given(st.text(alphabet="ab c*_[]()<>&#-+.1!`$\\=:{}~^|", min_size=1, max_size=40))
@settings(max_examples=200, deadline=None)
def test_plain_anki_text_reads_the_same_after_conversion(text):
    """Whatever plain text an Anki field holds, the Markdown kb writes shows the same text when rendered."""
    import html
    import re

    from kb.anki.exporter import render_markdown

    assume("\\(" not in text and "\\[" not in text)  # those open math in Anki: not plain text
    markdown = html_to_markdown(html.escape(text))[0]
    shown = html.unescape(re.sub(r"<[^>]+>", "", render_markdown(markdown)))
    assert " ".join(shown.split()) == " ".join(text.split()), markdown


@given(st.text(alphabet="<>/abi &;=*`[]()\"'\n", max_size=120))
@settings(max_examples=300, deadline=None)
def test_html_to_markdown_survives_any_markup(markup):
    html_to_markdown(markup)


def test_grades_from_anki_eases():
    def entry(ease, kind=1):
        return RevlogEntry(id=1, card_id=1, ease=ease, type=kind, time_ms=0)

    assert [grade_for(entry(e), 2) for e in (1, 2, 3, 4)] == [1, 2, 3, 4]
    assert grade_for(entry(0, 4), 2) is None  # set due date by hand: not an answer
    assert grade_for(entry(3, 5), 2) is None
    # The first scheduler had three buttons while learning: 2 was good, 3 was easy.
    assert [grade_for(entry(e, 0), 1) for e in (1, 2, 3)] == [1, 3, 4]
    assert [grade_for(entry(e, 1), 1) for e in (1, 2, 3, 4)] == [1, 2, 3, 4]


def test_map_notetype_reasons():
    from kb.anki.package import NoteType, Template

    weird = NoteType(1, "Only front", "normal", ("A", "B"), (Template("c", "{{A}}{{B}}", "{{FrontSide}}"),))
    assert "cannot tell" in map_notetype(weird)
    typed = NoteType(
        2,
        "Type",
        "normal",
        ("Front", "Back"),
        (Template("c", "{{Front}}{{type:Back}}", "{{Front}}<hr>{{type:Back}}"),),
    )
    mapping = map_notetype(typed)
    assert mapping.sides[0].question == (0,) and mapping.sides[0].answer == (1,)


# --- review history ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("legacy", [False, True], ids=["anki21b-zstd", "legacy-anki21"])
def test_reviews_come_along_into_the_journal(kbroot, tmp_path, legacy):
    col = build_anki_collection(tmp_path / "anki")
    answered = {cid: n for cid, n in col.db.all("SELECT cid, count() FROM revlog GROUP BY cid")}
    first_answer_ms = col.db.scalar("SELECT min(id) FROM revlog")
    package = export_with_anki(col, tmp_path / "deck.apkg", legacy=legacy)
    col.close()

    result = invoke("import", "anki", str(package), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["reviews"] == sum(answered.values()) == 4
    assert report["cards"] == {"basic": 4, "reversed": 2, "cloze": 2}

    kb = kbroot.open()
    conn = sqlite3.connect(kb.db)
    rows = conn.execute(
        "SELECT card_id, reviewed_at, grade, source FROM reviews ORDER BY reviewed_at"
    ).fetchall()
    assert len(rows) == 4 and {r[3] for r in rows} == {"anki-import"}
    assert sorted(r[2] for r in rows) == [1, 3, 3, 4]
    from datetime import UTC, datetime

    assert datetime.fromisoformat(rows[0][1].replace("Z", "+00:00")) == datetime.fromtimestamp(
        first_answer_ms / 1000, tz=UTC
    )
    # every reviewed card now has a schedule, and the journal file holds the answers for other devices
    assert conn.execute("SELECT count() FROM card_state").fetchone()[0] == len(answered)
    journal = [
        json.loads(line) for f in kb.journal_dir.glob("*.jsonl") for line in f.read_text().splitlines()
    ]
    # one compressed record of the import: its 4 answers, and each imported card's schedule and Anki identity as
    # Anki had them (new cards too); no line per answer
    from kb.review.imported import contents

    [record] = journal
    assert (record["type"], record["source"], record["answers"]) == ("import", "anki-import", 4)
    answers, schedules = contents(record)
    assert len(answers) == 4 and len(schedules) == 8 == report["schedules"]
    # the imported cards are those of the notes kb wrote
    notes = {
        r[0] for r in conn.execute("SELECT DISTINCT c.note FROM reviews r JOIN cards c ON c.id = r.card_id")
    }
    assert notes == {"notes/imported/books/atomic-habits.md"}
    # kb's own extractor finds in the written notes exactly the cards Anki had
    kinds = dict(
        conn.execute("SELECT kind, count() FROM cards WHERE note LIKE 'notes/imported/%' GROUP BY kind")
    )
    assert kinds == {"basic": 4, "reversed": 2, "cloze": 2}
    fronts = {r[0] for r in conn.execute("SELECT front FROM cards WHERE note LIKE 'notes/imported/%'")}
    assert {"What is a **habit**?", "Cue", "The trigger that starts a habit", "perro"} <= fronts
    conn.close()

    again = invoke("import", "anki", str(package), "--json")
    assert again.exit_code == 0, again.output
    second = json.loads(again.stdout)
    assert second["reviews"] == 0 and second["reviews_already_imported"] == 4 and second["written"] == []
    conn = sqlite3.connect(kb.db)
    assert conn.execute("SELECT count() FROM reviews").fetchone()[0] == 4
    conn.close()
    journal_again = [
        json.loads(line) for f in kb.journal_dir.glob("*.jsonl") for line in f.read_text().splitlines()
    ]
    assert len(journal_again) == len(journal)


@given(st.binary(max_size=200))
@settings(max_examples=300, deadline=None)
def test_protobuf_decoder_fails_only_with_value_error(data):
    from kb.anki.package import proto_fields

    try:
        fields = proto_fields(data)
    except ValueError:
        return
    assert all(isinstance(n, int) for n, _ in fields)


@given(
    member=st.sampled_from(["meta", "media", "collection.anki21b", "collection.anki2"]),
    data=st.binary(max_size=300),
)
@settings(max_examples=150, deadline=None)
def test_damaged_package_members_give_one_line_errors(tmp_path_factory, member, data):
    """Whatever garbage a package member holds, reading it ends in a KbError naming the file, never a crash."""
    from kb.errors import KbError

    folder = tmp_path_factory.mktemp("garbage")
    bad = folder / "garbage.apkg"
    with zipfile.ZipFile(bad, "w") as zf:
        zf.writestr(member, data)
        if member in ("meta", "media"):
            zf.writestr("collection.anki2", b"SQLite format 3\x00" + data)
    try:
        with open_package(bad):
            pass
    except KbError as exc:
        assert str(bad) in str(exc) and "\n" not in str(exc)


def test_anki_stock_note_types_map_to_kb_cards(kbroot, tmp_path):
    """Optional-reversed notes are reversed only when Anki made the reverse card; type-in notes are basic."""
    from anki.collection import Collection

    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    deck = col.decks.id("Stock")
    optional = col.models.by_name("Basic (optional reversed card)")
    typed = col.models.by_name("Basic (type in the answer)")
    for front, back, reverse in (("gato", "cat", "y"), ("perro", "dog", "")):
        note = col.new_note(optional)
        note["Front"], note["Back"], note["Add Reverse"] = front, back, reverse
        col.add_note(note, deck)
    note = col.new_note(typed)
    note["Front"], note["Back"] = "Capital of France?", "Paris"
    col.add_note(note, deck)
    for model in ("Basic", "Basic (and reversed card)"):
        note = col.new_note(col.models.by_name(model))
        note["Front"], note["Back"] = f"Print in Python ({model})", "Call it:<pre>print(`hi`)\nx = 1</pre>"
        col.add_note(note, deck)
    package = export_with_anki(col, tmp_path / "stock.apkg", legacy=False)
    col.close()
    result = invoke("import", "anki", str(package))
    assert result.exit_code == 0, result.output
    text = (kbroot.notes / "imported" / "stock.md").read_text()
    assert "gato:::cat" in text
    assert "perro::dog" in text
    assert "Capital of France?::Paris" in text
    # code keeps its lines: in a question block for a basic card, as inline code where a fence cannot go
    assert (
        '??? question "Print in Python (Basic)"\n    Call it:\n    ```\n    print(`hi`)\n    x = 1\n    ```'
        in text
    )
    assert "Print in Python (Basic (and reversed card))\n??\nCall it:\n`` print(`hi`) ``\n`x = 1`" in text
    # kb's extractor reads every card back, no problems
    check = invoke("check")
    assert check.exit_code == 0 and check.output.strip() == "ok", check.output
    kinds = json.loads(invoke("cards", "notes/imported/stock.md", "--json").stdout)
    assert sorted(c["kind"] for c in kinds) == [
        "basic",
        "basic",
        "question",
        "reversed",
        "reversed",
        "reversed",
        "reversed",
    ]
