"""The fast front-matter reader gives exactly what PyYAML gives (keys, order, values, types) or declines.

``kb.notes`` reads simple front matter (``key: value`` lines) without PyYAML because PyYAML dominates the cost of
parsing a note. These tests hold it to PyYAML: on generated front matter full of YAML's special characters and
YAML 1.1 words, on every shipped note, and on a generated corpus, the note read with the fast reader equals the note
read with PyYAML alone.
"""

from __future__ import annotations

import datetime
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kb.errors import NoteError
from kb.notes import reader as kn

REPO = Path(__file__).resolve().parent.parent

# Both loaders must agree with the fast reader: kb uses the C one when PyYAML was built with libyaml, else Python's.
LOADERS = [yaml.SafeLoader] + ([yaml.CSafeLoader] if hasattr(yaml, "CSafeLoader") else [])


def typed(value):
    """A value with the type of every part spelled out, so 1 != True != 1.0 and a date != its string."""
    if isinstance(value, dict):
        return ("dict", [(typed(k), typed(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [typed(v) for v in value])
    if isinstance(value, float) and value != value:
        return ("float", "nan")
    return (type(value).__name__, repr(value))


def pyyaml(text: str, loader) -> dict:
    data = yaml.load(text, Loader=loader)  # noqa: S506 - safe loaders only
    return {} if data is None else data


def assert_same_as_pyyaml(text: str):
    fast = kn._fast_front_matter(text)
    if fast is None:
        return  # declined: PyYAML reads it, nothing to compare
    for loader in LOADERS:
        assert typed(fast) == typed(pyyaml(text, loader)), loader.__name__


# Words YAML 1.1 gives a type, or that are one character away from one.
SPECIAL_WORDS = [
    "true", "True", "TRUE", "false", "yes", "Yes", "YES", "no", "No", "on", "On", "OFF", "off", "y", "n", "Y",
    "null", "Null", "NULL", "nUll", "~", "1", "0", "-1", "+1", "007", "08", "0o17", "0x1f", "0x1F", "0b101", "1_000",
    "1e3", "1.5", "1.5e3", "1.5e+3", ".5", "5.", "1_0.5", ".inf", "-.inf", ".Inf", ".nan", ".NaN", "NaN", "inf",
    "12:30", "1:30:00", "190:20:30.15", "2020-01-01", "2０2０-０1-01", "2024-1２-01", "2020-1-1", "2020-02-30", "2020-13-01", "0000-01-01",
    "2001-12-14t21:59:43.10-05:00", "2001-12-14 21:59:43.10 -5", "2001-12-14T21:59:43Z", "<<", "=", "!", "&", "*",
    "-", "?", ":", "a:", "a:b", "a: b", "http://x.org/a?b=c&d#e", "C#", "A*", "Bayes'", "it's", "[x]", "{x}",
    "x,y", "a, b", "é", "日本", "\U0001f600", "\xa0", "\u2028", "\x85", "\ufeff", "\\n", "\\", "`x`", "%", "@x",
    "|", ">", "#", " #", "'", "''", '"', '""', "- a", "---", "...", "\t",
]  # fmt: skip
WORD = st.sampled_from(SPECIAL_WORDS) | st.from_regex(r"[a-z0-9][a-z0-9 ._/+-]{0,8}", fullmatch=True)
ODD_WORD = st.text(alphabet="ab1 .-_:#,'\"[]{}!&*|>%@`~?=\\/\t\xa0é\U0001f600", max_size=8)
KEYS = st.from_regex(r"[A-Za-z_][A-Za-z0-9_-]{0,5}", fullmatch=True) | st.sampled_from(
    [
        "title",
        "tags",
        "date",
        "yes",
        "No",
        "null",
        "on",
        "Off",
        "y",
        "1",
        "<<",
        "a b",
        "-a",
        "?a",
        "k" * 101,
        "é",
    ]
)


@st.composite
def values(draw):
    kind = draw(st.sampled_from(["plain", "plain", "dq", "sq", "list", "list", "empty", "odd"]))
    word = WORD if draw(st.integers(0, 9)) else ODD_WORD
    if kind == "plain":
        return " ".join(draw(st.lists(word, min_size=1, max_size=3)))
    if kind == "dq":
        return '"' + " ".join(draw(st.lists(word, max_size=3))) + '"'
    if kind == "sq":
        return "'" + "".join(draw(st.lists(word, max_size=3))) + "'"
    if kind == "list":
        sep = draw(st.sampled_from([", ", ",", " , ", ",  "]))
        items = sep.join(draw(st.lists(word, max_size=4)))
        return (
            "["
            + draw(st.sampled_from(["", "", " "]))
            + items
            + draw(st.sampled_from(["", "", " ", ","]))
            + "]"
        )
    if kind == "empty":
        return ""
    return draw(st.text(alphabet="ab1 :-#[]{}'\",!&*|>%@`~?\\\t\n", max_size=12))


@st.composite
def lines(draw):
    kind = draw(st.sampled_from(["pair"] * 12 + ["blank", "junk"]))
    if kind == "blank":
        return draw(st.sampled_from(["", " ", "   ", "\t"]))
    if kind == "junk":
        return draw(st.sampled_from(["  indented: 1", "- item", "# comment", "? key", ": v", "%YAML 1.1", "---",
                                     "  - nested", "key", "&a x: 1", "!!str k: v", "[a, b]: c", "{a: 1}"]))  # fmt: skip
    key = draw(KEYS)
    sep = draw(st.sampled_from([": "] * 6 + [":", ":  ", " : ", ":\t"]))
    trail = draw(st.sampled_from([""] * 6 + [" ", "  ", "\t", " # note"]))
    return key + sep + draw(values()) + trail


@pytest.mark.parametrize("word", SPECIAL_WORDS)
def test_every_special_word_in_every_position_reads_as_pyyaml_reads_it(word):
    for form in (
        "k: {}",
        'k: "{}"',
        "k: '{}'",
        "k: [{}]",
        "k: [a, {} ]",
        "{}: v",
        "k: x {}",
        "k: {} x",
        "k: {}:",
    ):
        assert_same_as_pyyaml(form.format(word) + "\n")


@settings(max_examples=800, deadline=None)
@given(st.lists(lines(), max_size=8).map("\n".join), st.sampled_from(["", "\n"]))
@example("title: Atomic Habits\ntags: [habits, productivity]\ndate: 2024-01-14\n", "")
@example('title: "Huberman Lab: Master Your Sleep"\nsource: "episode #1309"\nflashcards: no\n', "")
@example("a: 1\na: 2\n", "")
@example("date: 2020-02-30\n", "")
@example(
    "title: Bayes' Theorem\nx: ~\ny: 0x1f\nz: 12:30\nw: 1e3\nv: .inf\nu: [yes, null, 1_000, 2020-01-01]\n", ""
)
def test_fast_reader_equals_pyyaml_or_declines(text, end):
    assert_same_as_pyyaml(text + end)


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet="abyn1029-.:_ \t\n#,'\"[]{}!&*|>%@`~?=\\/é\xa0\U0001f600", max_size=60))
def test_fast_reader_equals_pyyaml_on_any_text(text):
    assert_same_as_pyyaml(text)


def test_fast_reader_takes_the_common_shape():
    """The equivalence tests would pass if the reader declined everything: it must accept what notes really hold."""
    text = (
        'title: "Analysis Berentina"\ntype: article\nauthor: Priya Hopper\n'
        "source: https://example.org/article/analysis-berentina\ntags: [experiment, reader]\n"
        "date: 2015-08-26\nflashcards: false\nrating: 5\nnote: 'it''s'\nempty:\n"
    )
    assert kn._fast_front_matter(text) == {
        "title": "Analysis Berentina",
        "type": "article",
        "author": "Priya Hopper",
        "source": "https://example.org/article/analysis-berentina",
        "tags": ["experiment", "reader"],
        "date": datetime.date(2015, 8, 26),
        "flashcards": False,
        "rating": 5,
        "note": "it's",
        "empty": None,
    }
    assert_same_as_pyyaml(text)


@pytest.mark.parametrize(
    "text",
    [
        "title: a # comment\n",
        "title: &a x\nother: *a\n",
        "title: !!str 1\n",
        "text: |\n  block\n",
        "text: >\n  folded\n",
        "meta: {a: 1}\n",
        "tags:\n  - a\n  - b\n",
        "title: multi\n  line\n",
        'title: "esc\\"aped"\n',
        "title:\tx\n",
        "a: 1\na: 2\n",
        "yes: 1\n",
        "tags: [[a], b]\n",
        "tags: [a: b]\n",
        "<<: {a: 1}\n",
        "date: 2020-02-30\n",
        "%YAML 1.1\n",
        "title: `x`\n",
        "- a\n",
    ],
)
def test_fast_reader_declines_what_it_does_not_know(text):
    assert kn._fast_front_matter(text) is None


def note_fields(n: kn.Note):
    return (n.path, n.title, n.type, n.author, n.source, n.tags, n.date, n.flashcards, n.keypoint_cards,
            typed(n.meta), n.body, n.body_line, n.headings)  # fmt: skip


def parse_both(path: str, raw: bytes, monkeypatch):
    """parse_note's answer with the fast reader, then with PyYAML alone: each a Note's fields or the error."""
    results = []
    for fast in (True, False):
        with monkeypatch.context() as m:
            if not fast:
                m.setattr(kn, "_fast_front_matter", lambda text: None)
            try:
                results.append(note_fields(kn.parse_note(path, raw)))
            except NoteError as err:
                results.append(("error", err.line, err.message))
    return results


def test_every_shipped_note_reads_the_same_with_and_without_the_fast_reader(monkeypatch):
    paths = sorted((REPO / "notes").rglob("*.md"))
    assert len(paths) >= 15
    for p in paths:
        rel = p.relative_to(REPO).as_posix()
        with_fast, with_pyyaml = parse_both(rel, p.read_bytes(), monkeypatch)
        assert with_fast == with_pyyaml, rel


def test_a_generated_corpus_reads_the_same_with_and_without_the_fast_reader(tmp_path, monkeypatch):
    sys.path.insert(0, str(REPO / "benchmarks"))
    try:
        import generate
    finally:
        sys.path.remove(str(REPO / "benchmarks"))
    root = generate.generate(60, tmp_path / "kb", seed=3)
    accepted = 0
    for p in sorted((root / "notes").rglob("*.md")):
        rel = p.relative_to(root).as_posix()
        with_fast, with_pyyaml = parse_both(rel, p.read_bytes(), monkeypatch)
        assert with_fast == with_pyyaml, rel
        text = p.read_text()
        if text.startswith("---\n"):
            accepted += kn._fast_front_matter(text[4 : text.index("\n---\n")] + "\n") is not None
    assert accepted >= 60  # the generated front matter is the simple shape: the fast reader took it


@given(st.sampled_from(["", "\n", "\n\n", "   \n", "title: x\n\n\ntype: y\n"]))
def test_blank_front_matter_is_an_empty_mapping_as_before(text):
    assert_same_as_pyyaml(text)
    assert parse_note_meta(text) == (pyyaml(text, LOADERS[-1]) or {})


def parse_note_meta(front: str) -> dict:
    return kn.parse_note("notes/x.md", f"---\n{front}---\nbody\n".encode()).meta


def reference_split(text: str):
    """Front matter ends at the first line that is --- or ... (blanks after it allowed), searched line by line."""
    if not text.startswith("---\n") and text.rstrip("\n") != "---":
        return {}, text, 1
    lines = text[4:].split("\n")
    for i, line in enumerate(lines):
        if line.rstrip(" \t") in ("---", "..."):
            front = "".join(ln + "\n" for ln in lines[:i])
            body = "\n".join(lines[i + 1 :])
            try:
                meta = kn._load_yaml("x", front)
            except NoteError:
                return None
            # the body starts on the line after the closing one; a file ending on that line has no such line
            return typed(meta), body, i + 2 + (i + 1 < len(lines))
    return None


@settings(max_examples=1500, deadline=None)
@given(
    st.lists(
        st.sampled_from(["---", "...", "--- ", "---\t", " ---", "----", "..", "a: 1", "b", ""]), max_size=6
    )
)
def test_front_matter_ends_at_the_first_closing_line(lines):
    text = "---\n" + "\n".join(lines)
    try:
        meta, body, body_line = kn.split_front_matter("x", text)
    except NoteError:
        got = None
    else:
        got = (typed(meta), body, body_line)
    assert got == reference_split(text)
