"""Hostile and broken input through the whole chain: note reader -> indexer -> card extractor and card sync ->
search -> quiz generator -> wiki-link resolver. Unit-level property tests of the reader and the extractor live in
tests/test_notes.py and tests/test_cards.py; here the pieces run together on a real SQLite index, and the
pathological inputs of issue 10 (a 1 MB line, 10,000 nested brackets, 100,000 `==`) go through every one of them.

Never a crash, never a hang (each case is bounded by an alarm; no timing assertion), and every rejection names
``path:line``.
"""

from __future__ import annotations

import re
import shutil
import signal
import sqlite3
import tempfile
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb.errors import KbError, NoteError
from tests.conftest import write_kb

LOCATED = re.compile(r"^(notes/[^:]+\.md):(\d+): \S")
TRIED: dict[str, int] = {}


def tried(name: str) -> None:
    TRIED[name] = TRIED.get(name, 0) + 1


@pytest.fixture(scope="module", autouse=True)
def _report_inputs():
    yield
    print(f"\nhostile inputs tried: {TRIED} (total {sum(TRIED.values())})")


@contextmanager
def bounded(seconds: int = 120):
    """Fail instead of hanging forever: an alarm, not a speed assertion (these cases take well under a second)."""

    def hang(signum, frame):
        raise AssertionError(f"still running after {seconds} s: a hang")

    old = signal.signal(signal.SIGALRM, hang)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def new_root() -> Path:
    return write_kb(Path(tempfile.mkdtemp(prefix="kb-hostile-"))).root


def line_count(raw: bytes) -> int:
    return raw.count(b"\n") + raw.count(b"\r") + 1


def run_chain(root: Path, files: dict[str, bytes], queries: list[str]) -> None:
    """Index the files, then search, list cards, and generate quizzes and resolve links over the result."""
    from kb.cards.stored import card_problems, list_cards
    from kb.config import KnowledgeBase
    from kb.index.indexer import index
    from kb.search.query import search
    from kb.store.connection import open_store

    for rel, raw in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(raw)
    kb = KnowledgeBase.open(root)
    conn = open_store(kb.db)
    try:
        report = index(kb, conn)
        for err in [*report.errors, *card_problems(kb, conn)]:
            m = LOCATED.match(str(err))
            assert m, f"a rejection without path:line: {err}"
            assert m.group(1) in files, str(err)
            assert 1 <= int(m.group(2)) <= line_count(files[m.group(1)]) + 1, str(err)
        indexed = {r[0] for r in conn.execute("SELECT path FROM notes")}
        broken = {r[0] for r in conn.execute("SELECT path FROM note_errors")}
        assert indexed | broken == set(files), "a note is neither indexed nor reported"
        for card in list_cards(conn):
            assert card.note in indexed
            assert 1 <= card.line <= line_count(files[card.note])
        for q in queries:
            try:
                search(conn, q)
            except KbError as exc:
                assert str(exc).startswith("search: "), str(exc)
        from kb.quiz.generate import generate_quiz
        from kb.quiz.grading import grade

        try:
            quiz = generate_quiz(conn, n=5, seed=1)
        except KbError:
            quiz = None  # e.g. no cards: a message, not a crash
        for question in quiz.questions if quiz else ():
            for given_text in (*queries, "", "a", "1"):
                grade(question, given_text)
        from kb.notes.wikilinks import LinkIndex, find_links

        titles = dict(conn.execute("SELECT substr(path, 7), title FROM notes"))
        links = LinkIndex(titles)
        for rel in indexed:
            text = (root / rel).read_bytes().decode("utf-8", "replace")
            for link in find_links(text):
                target = links.resolve(link.target, rel[len("notes/") :])
                assert target is None or target in titles
        assert conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    finally:
        conn.close()


# Fragments a hostile or careless note is made of: front matter of every shape, card syntax of both plugins,
# highlights, clozes, wiki links, HTML, code, math, SQL, odd bytes and line endings.
FRAGMENTS = [
    b"---\n",
    b"title: T\n",
    b"tags: [a, 'b\"c']\n",
    b"tags: 5\n",
    b"- just a list\n",
    b"title: [unclosed\n",
    b"flashcards: maybe\n",
    b"# Heading\n",
    b"## Key points\n",
    b"- **Term**: definition here\n",
    b"Question::Answer\n",
    b"Front:::Back\n",
    b"?\n",
    b"??\n",
    b"Q?\n?\nA\n",
    b"==highlight==\n",
    b"==",
    b"{{c1::cloze}}",
    b"{{c1::",
    b"[[",
    b"]]",
    b"[[Wiki|label]]",
    b"[[#anchor]]",
    b"![[embed]]",
    b"`code::x`",
    b"```\n",
    b"$x::y$",
    b"<!-- ",
    b" -->",
    b"<script>alert(1)</script>",
    b"'); DROP TABLE cards;--",
    b'!!! question "Q"\n    A\n',
    b"#flashcard\n",
    b"\xff\xfe",
    b"\x00",
    b"\r\n",
    b"\r",
    b"\xef\xbb\xbf",
    b"\t",
    b"\n",
    b"\n\n",
    "ünïcødé ✓ 𝔘".encode(),
]
raw_notes = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map(b"".join)
queries = st.lists(
    st.lists(st.sampled_from([*"ab \"*'():-^{}[]<>", " OR ", " NOT ", "AND", "NEAR("]), max_size=12).map(
        "".join
    ),
    max_size=3,
)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(notes=st.lists(raw_notes, min_size=1, max_size=3), qs=queries)
def test_any_notes_go_through_the_whole_chain(notes, qs):
    tried("chain")
    root = new_root()
    try:
        files = {f"notes/n{i}.md": raw for i, raw in enumerate(notes)}
        with bounded():
            run_chain(root, files, qs)
    finally:
        shutil.rmtree(root)


@settings(max_examples=300, deadline=None)
@given(raw=raw_notes)
def test_reader_and_extractor_reject_only_with_path_and_line(raw):
    """The reader and the extractor on one hostile note, without the database: either a note (and cards whose
    lines are in the file) or a NoteError naming this path and a line of it."""
    from kb.cards.extractor import extract_cards
    from kb.notes.reader import parse_note

    tried("reader+extractor")
    path = "notes/hostile/x.md"
    with bounded():
        try:
            note = parse_note(path, raw)
        except NoteError as err:
            m = LOCATED.match(str(err))
            assert m and m.group(1) == path and 1 <= int(m.group(2)) <= line_count(raw) + 1, str(err)
            return
        result = extract_cards(note)
    for problem in result.problems:
        m = LOCATED.match(str(problem))
        assert m and m.group(1) == path and 1 <= int(m.group(2)) <= line_count(raw) + 1, str(problem)
    for card in result.cards:
        assert 1 <= card.line <= card.end_line <= line_count(raw)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(
        st.sampled_from(["[[", "]]", "|", "#", "\\|", "`", "```\n", "\n", "a", "../", "/", " ", "x.md"])
    ).map("".join),
    titles=st.dictionaries(
        st.sampled_from(["a.md", "b/x.md", "b/index.md", "up.md", "c/a.md", "c/d/e.md"]),
        st.text(max_size=8),
        max_size=5,
    ),
)
def test_wiki_link_resolver_never_crashes_nor_escapes(text, titles):
    from kb.notes.wikilinks import LinkIndex, find_links

    tried("wikilinks")
    lines = text.split("\n")
    index = LinkIndex(titles)
    with bounded():
        for link in find_links(text):
            assert 0 <= link.line < len(lines)
            assert lines[link.line][link.start : link.end].lstrip("!").startswith("[[")
            found = index.resolve(link.target, "b/x.md")
            if not link.target:  # [[#heading]]: a heading of the linking note itself
                assert found == "b/x.md"
                continue
            assert found is None or found in titles
            assert found is None or (".." not in found.split("/") and not found.startswith("/"))


@settings(max_examples=300, deadline=None)
@given(
    front=st.lists(st.sampled_from([f.decode("utf-8", "replace") for f in FRAGMENTS] + ["[...]", "___"])).map(
        "".join
    ),
    back=st.lists(
        st.sampled_from([f.decode("utf-8", "replace") for f in FRAGMENTS] + ["42", "the answer"])
    ).map("".join),
    kind=st.sampled_from(["basic", "reversed", "cloze", "question", "definition", "keypoint"]),
    given_text=st.text(max_size=30),
)
def test_quiz_material_and_grading_never_crash(front, back, kind, given_text):
    from kb.markdown import plain_text
    from kb.quiz.matching import accepted_answers, typed_answer_matches
    from kb.quiz.model import CardRow
    from kb.quiz.terms import AskableCard

    tried("quiz")
    card = CardRow(
        id="c1",
        note="notes/x.md",
        line=3,
        position=0,
        kind=kind,
        front=front,
        back=back,
        context="X",
        sibling="",
    )
    with bounded():
        material = AskableCard(card)
        material.question, material.answer, material.blank, material.terms  # noqa: B018 - each is computed
        accepted_answers(back)
        typed_answer_matches(back, given_text)
        plain_text(front)


PATHOLOGICAL = {
    "1 MB line": "x" * (1 << 20),
    "1 MB line of card syntax": "a::b " * (1 << 18),
    "10,000 nested brackets": "[" * 10_000 + "x" + "]" * 10_000,
    "10,000 nested wiki brackets": "[[" * 10_000 + "x" + "]]" * 10_000,
    "100,000 ==": "==" * 100_000,
    "100,000 == with text": "==a" * 100_000,
    "100,000 cloze openers": "{{c1::" * 100_000,
    "10,000 nested blockquotes": ">" * 10_000 + " q::a",
    "10,000 nested list items": "".join("  " * i + "- x\n" for i in range(0, 10_000, 50)),
    "100,000 backticks": "`" * 100_000,
    "100,000 dollars": "$" * 100_000,
    "100,000 HTML comments": "<!--" * 100_000,
    "100,000 headings": "# h\n" * 100_000,
    "deep YAML": "---\ntitle: " + "[" * 10_000 + "\n---\n",
    "100,000 wiki links": "[[a]]" * 100_000,
}


@pytest.mark.parametrize("body", list(PATHOLOGICAL.values()), ids=list(PATHOLOGICAL))
def test_pathological_notes_go_through_the_whole_chain(body):
    tried("pathological")
    root = new_root()
    try:
        text = (
            body if body.startswith("---") else "---\ntitle: P\n---\n# P\n\n## Key points\n\n- " + body + "\n"
        )
        with bounded():
            run_chain(root, {"notes/p.md": text.encode()}, ["x", "==", "[["])
    finally:
        shutil.rmtree(root)


def test_kb_check_on_broken_notes_names_path_and_line(tmp_path):
    """Through the command a user runs: each broken note is one `path:line: ...` line; the good one still counts."""
    import os
    import subprocess
    import sys

    notes = {
        "good.md": "# Good\n\nQ::A\n",
        "yaml.md": "---\ntitle: [unclosed\n---\n# x\n",
        "cloze.md": "# C\n\n{{c1::never closed\n",
        "bytes.md": b"# B\n\n\xff\xfe\x00bad\n",
    }
    root = write_kb(tmp_path / "kb", notes).root
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "KB_ROOT": str(root)}
    proc = subprocess.run(
        [sys.executable, "-m", "kb", "check"], env=env, capture_output=True, text=True, timeout=120
    )
    assert "Traceback" not in proc.stderr
    out = proc.stdout + proc.stderr
    problem_lines = [line for line in out.splitlines() if line.startswith(("notes/", "warning: notes/"))]
    assert problem_lines, out
    for line in problem_lines:
        assert LOCATED.match(line.removeprefix("warning: ")), line
    assert any(line.startswith(("notes/yaml.md:", "warning: notes/yaml.md:")) for line in problem_lines)
    conn = sqlite3.connect(root / ".kb" / "kb.db")
    assert ("notes/good.md",) in conn.execute("SELECT path FROM notes").fetchall()
    conn.close()
