import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb.errors import KbError
from kb.index.indexer import index
from kb.search.query import HIGHLIGHT_START, search, to_fts_query
from kb.store.connection import open_store


@pytest.fixture
def conn(kbroot):
    kbroot.write(
        "books/atomic-habits.md",
        "---\ntitle: Atomic Habits\ntags: [habits]\n---\n# Atomic Habits\n\n"
        "Habit stacking pairs a new habit with an existing one. The two-minute rule keeps it easy.\n",
    )
    kbroot.write(
        "books/deep-work.md",
        "---\ntitle: Deep Work\ntags: [focus]\n---\nDeep work is focused, distraction-free effort. Habits help.\n",
    )
    kbroot.write(
        "ml/resnets.md",
        "---\ntitle: ResNets\ntags: [ml]\n---\nResidual blocks add a skip connection: y = F(x) + x. C++ is unrelated.\n",
    )
    kb = kbroot.open()
    c = open_store(kb.db)
    index(kb, c)
    return c


def paths(hits):
    return [h.path for h in hits]


def test_stemmed_words_and_ranking(conn):
    hits = search(conn, "habit")
    assert paths(hits)[0] == "notes/books/atomic-habits.md"
    assert "notes/books/deep-work.md" in paths(hits)  # "Habits" matches "habit"
    assert HIGHLIGHT_START in hits[0].snippet


def test_title_match_ranks_above_body_match(conn):
    assert paths(search(conn, "deep work"))[0] == "notes/books/deep-work.md"


def test_filters_and_limit(conn):
    assert paths(search(conn, "habit", tag="focus")) == ["notes/books/deep-work.md"]
    assert paths(search(conn, "habit", note_type="ml")) == []
    assert len(search(conn, "habit", limit=1)) == 1


def test_phrase_prefix_and_operators(conn):
    assert paths(search(conn, '"skip connection"')) == ["notes/ml/resnets.md"]
    assert paths(search(conn, "resid*")) == ["notes/ml/resnets.md"]
    assert paths(search(conn, "habit NOT stacking")) == ["notes/books/deep-work.md"]
    assert set(paths(search(conn, "stacking OR residual"))) == {
        "notes/books/atomic-habits.md",
        "notes/ml/resnets.md",
    }


@pytest.mark.parametrize("query", ["two-minute", "C++", "distraction-free effort", "y = F(x)", "it's"])
def test_punctuation_is_never_fts_syntax(conn, query):
    search(conn, query)  # no exception


@pytest.mark.parametrize(
    "query, fragment",
    [
        ('"unclosed', "unbalanced quote"),
        ("OR", "needs a word"),
        ("habit NOT", "needs a word after"),
        ("?!", "no words"),
    ],
)
def test_bad_queries_get_a_clear_message(conn, query, fragment):
    with pytest.raises(KbError, match=fragment):
        search(conn, query)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_any_query_either_searches_or_is_a_kb_error(query):
    import sqlite3

    c = sqlite3.connect(":memory:")
    c.execute("CREATE VIRTUAL TABLE t USING fts5(body, tokenize='porter unicode61 remove_diacritics 2')")
    c.execute("INSERT INTO t VALUES ('habit stacking')")
    try:
        match = to_fts_query(query)
    except KbError:
        return
    c.execute("SELECT * FROM t WHERE t MATCH ?", (match,)).fetchall()


# --------------------------------------------------------------------------------- reading the index about notes
@pytest.fixture
def listed(kbroot):
    from kb.store.connection import open_store

    kbroot.write(
        "books/b.md", "---\ntitle: Bee\ntype: book\nauthor: Ann\ntags: [habits, focus]\n---\n# Bee\n"
    )
    kbroot.write(
        "ml/a.md", "---\ntitle: Ay\ntype: topic\ntags: [focus]\n---\n# Ay\n\nQ: What is it?\nA: That.\n"
    )
    kbroot.write("ml/c.md", "---\ntitle: bee\n---\n# bee\n")
    kb = kbroot.open()
    conn = open_store(kb.db)
    index(kb, conn)
    return conn


def test_list_notes_by_path_with_filters(listed):
    from kb.search.query import list_notes

    assert [n["path"] for n in list_notes(listed)] == ["notes/books/b.md", "notes/ml/a.md", "notes/ml/c.md"]
    books = list_notes(listed, note_type="BOOK")
    assert books == [
        {"path": "notes/books/b.md", "title": "Bee", "type": "book", "author": "Ann",
         "tags": ["habits", "focus"], "date": None}
    ]  # fmt: skip
    assert [n["path"] for n in list_notes(listed, tag="focus", note_type="topic")] == ["notes/ml/a.md"]
    assert list_notes(listed, tag="nothing") == []


def test_tag_counts_most_used_first(listed):
    from kb.search.query import tag_counts

    assert tag_counts(listed) == [("focus", 2), ("habits", 1)]


def test_note_outcome_names_cards_problems_and_namesakes(listed):
    from kb.search.query import note_outcome

    outcome = note_outcome(listed, "notes/books/b.md", "Bee")
    assert outcome.same_title == ["notes/ml/c.md"] and outcome.problems == []
    cards = note_outcome(listed, "notes/ml/a.md", "Ay").cards
    assert [c["kind"] for c in cards] == ["question"] and cards[0]["line"] > 0


def test_a_nul_in_a_phrase_is_not_an_sql_error():
    assert to_fts_query('"habit\x00stacking"') == '"habit stacking"'
