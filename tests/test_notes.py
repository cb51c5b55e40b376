import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.errors import NoteError
from kb.notes.reader import parse_note

P = "notes/books/atomic-habits.md"


def note(text: str, path: str = P):
    return parse_note(path, text.encode("utf-8"))


def test_front_matter_fields():
    n = note(
        "---\ntitle: Atomic Habits\ntype: book\nauthor: James Clear\nsource: https://example.org\n"
        "tags: [habits, productivity]\ndate: 2024-01-14\nrating: 5\n---\n# Atomic Habits\n\nBody text.\n"
    )
    assert (n.title, n.type, n.author, n.source) == (
        "Atomic Habits",
        "book",
        "James Clear",
        "https://example.org",
    )
    assert n.tags == ("habits", "productivity")
    assert n.date == "2024-01-14"
    assert n.meta["rating"] == 5  # unknown keys are kept
    assert n.body_line == 10  # the line after the closing ---
    assert n.body.startswith("# Atomic Habits")
    assert n.flashcards is True


def test_defaults_title_from_heading_then_file_name_and_type_from_folder():
    assert note("# The Real Title\n\ntext\n").title == "The Real Title"
    n = note("just text\n", path="notes/podcasts/naval-on-rogan.md")
    assert n.title == "Naval on rogan"
    assert n.type == "podcast"
    assert note("text\n", path="notes/ml/resnets.md").type == "ml"
    assert note("text\n", path="notes/index.md").type == "note"
    assert note("text\n", path="notes/taxes/index.md").type == "taxes"


def test_tags_as_comma_string_and_flashcards_off():
    n = note("---\ntags: habits, productivity,  focus\nflashcards: false\n---\ntext\n")
    assert n.tags == ("habits", "productivity", "focus")
    assert n.flashcards is False


def test_headings_skip_code_fences_and_carry_file_lines():
    n = note("---\ntitle: T\n---\n# Top\n\n```python\n# not a heading\n```\n\n## Second ##\n")
    assert [(h.level, h.text, h.line) for h in n.headings] == [(1, "Top", 4), (2, "Second", 10)]
    assert n.headings[1].anchor == "second"


def test_bom_crlf_and_cr_are_normalised():
    a = parse_note(P, b"\xef\xbb\xbf---\r\ntitle: T\r\n---\r\nline one\r\nline two\r\n")
    b = parse_note(P, b"---\rtitle: T\r---\rline one\rline two\r")
    assert a.title == b.title == "T"
    assert a.body == b.body == "line one\nline two\n"


@pytest.mark.parametrize(
    "raw, line, fragment",
    [
        (b"", 1, "empty"),
        (b"   \n\n", 1, "empty"),
        (b"---\ntitle: [unclosed\n---\ntext\n", 3, "not valid YAML"),
        (b"---\ntitle: ok\n  bad: indent\n---\n", 3, "not valid YAML"),
        (b"---\n- a\n- b\n---\ntext\n", 2, "not a list"),
        (b"---\njust a string\n---\ntext\n", 2, "not a string"),
        (b"---\ntags: {a: 1}\n---\ntext\n", 2, "tags must be"),
        (b"---\ntitle: x\ntags: [[1, 2]]\n---\ntext\n", 3, "tags must be"),
        (b"---\ntitle: x\nflashcards: maybe\n---\n", 3, "flashcards must be true or false"),
        (b"line\n\xff\xfe bad bytes\n", 2, "not valid UTF-8"),
        (b"ok\nok\n\x00\x01\x02binary", 3, "binary"),
        (b"---\ntitle: never closed\n", 1, "never closed"),
    ],
)
def test_bad_notes_name_the_line_and_what_to_do(raw, line, fragment):
    with pytest.raises(NoteError) as info:
        parse_note(P, raw)
    err = info.value
    assert err.line == line
    assert fragment in err.message
    assert str(err).startswith(f"{P}:{line}: ")


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400) | st.text(max_size=400).map(lambda t: t.encode("utf-8", "surrogatepass")))
def test_reader_never_crashes_and_rejections_name_path_and_line(raw):
    try:
        n = parse_note(P, raw)
    except NoteError as err:
        assert err.path == P and err.line >= 1
        assert str(err).startswith(f"{P}:{err.line}: ")
    else:
        assert n.title


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="-:#[]{}'\"|>! \n\tab1", max_size=200))
def test_arbitrary_front_matter_never_crashes(front):
    try:
        parse_note(P, f"---\n{front}\n---\nbody\n".encode())
    except NoteError as err:
        assert err.line >= 1


def test_pathological_inputs_do_not_hang():
    parse_note(P, b"a" * 1_000_000 + b"\n")
    parse_note(P, b"[" * 10_000 + b"\n")
    parse_note(P, b"==" * 100_000 + b"\n")
    with pytest.raises(NoteError):
        parse_note(P, b"---\n" + b"[" * 10_000 + b"\n---\n")


def test_heading_with_a_long_run_of_blanks_is_read_in_linear_time():
    n = note("# x" + " " * 20_000 + "y\n## Closed ##\n## C# is a language\n")
    assert [h.text for h in n.headings] == ["x" + " " * 20_000 + "y", "Closed", "C# is a language"]


@pytest.mark.parametrize(
    "front, line",
    [("title: x\ndate: 2024-02-30\n", 3), ("n: !!int abc\n", 2), ("when: 2001-12-14t21:59:43.10-25:00\n", 2)],
)
def test_a_value_yaml_cannot_build_is_a_one_line_error_on_its_line(front, line):
    with pytest.raises(NoteError) as info:
        note(f"---\n{front}---\ntext\n")
    assert info.value.line == line
    assert "cannot be read" in info.value.message


def test_bad_utf8_after_a_bom_names_the_right_line_and_byte():
    with pytest.raises(NoteError) as info:
        parse_note(P, b"\xef\xbb\xbfab\ncd\xff\n")
    assert info.value.line == 2
    assert "byte 0xff" in info.value.message
