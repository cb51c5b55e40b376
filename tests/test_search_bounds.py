"""A search is a few words (issue 22, finding 10): a pasted page gets a clear one-line answer rather than minutes of
FTS5 work (its time grows with the square of the query's terms), and a word repeated counts once."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from kb.cli import cli
from kb.errors import KbError
from kb.search.query import MAX_QUERY_CHARS, MAX_TERMS, to_fts_query


def test_a_long_query_gets_a_clear_message():
    with pytest.raises(KbError) as err:
        to_fts_query(" ".join(f"word{i}" for i in range(1000)))
    assert str(err.value).startswith(
        f"search: the query is 7,889 characters long; kb searches for at most {MAX_QUERY_CHARS:,}"
    )
    with pytest.raises(KbError) as err:
        to_fts_query(" ".join(f"w{i}" for i in range(MAX_TERMS + 1)))  # short words, under the characters
    assert f"has {MAX_TERMS + 1} different words; kb searches for at most {MAX_TERMS}" in str(err.value)
    assert (
        to_fts_query(" ".join(f"w{i}" for i in range(MAX_TERMS))).count('"') == 2 * MAX_TERMS
    )  # at the bound


def test_repeated_words_count_once():
    assert to_fts_query(" ".join(["the", "habit"] * 150)) == '"the" "habit"'
    assert to_fts_query("a AND a AND b") == '"a" "b"'
    assert to_fts_query(" OR ".join(["the", "habit"] * 100)) == '"the" OR "habit"'
    assert to_fts_query('a OR "b c" OR a') == '"a" OR "b c"'
    assert to_fts_query("a NOT b") == '"a" NOT "b"'  # other operators keep every word


def test_kb_search_says_it_in_one_line(kbroot):
    kbroot.write("a.md", "# A\n\nHabits.\n")
    result = CliRunner().invoke(cli, ["search", " ".join(f"word{i}" for i in range(20000))])
    assert result.exit_code != 0 and "Traceback" not in result.output
    assert "kb searches for at most" in result.output and len(result.output.splitlines()) == 1
    assert len(result.output) < 300  # the query is not echoed back
