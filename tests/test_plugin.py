"""The kb MkDocs plugin, through real `mkdocs build` runs on small knowledge bases in tmp_path."""

from __future__ import annotations

import hashlib
import html
import json
import re
import sqlite3
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kb.notes import wikilinks
from kb.site.pages import escape_html_text, json_for_script
from tests.browser_support import build
from tests.conftest import write_kb

BASIC_NOTES = {
    "index.md": """
        ---
        title: Home
        ---
        # Home

        Start with [[Atomic Habits]] or [[ml/rnns|the RNN note]].
        """,
    "books/atomic-habits.md": """
        ---
        title: Atomic Habits
        type: book
        author: James Clear
        source: https://jamesclear.com/atomic-habits
        tags: [habits]
        date: 2024-01-14
        ---
        # Atomic Habits

        See [[Recurrent Neural Networks#Key points]] and `[[Not A Link]]`.

        ```text
        [[Inside a fence]]
        ```
        """,
    "ml/rnns.md": """
        ---
        title: Recurrent Neural Networks
        tags: [ml]
        ---
        # Recurrent Neural Networks

        ## Key points

        - The hidden state carries $h_t = \\tanh(W h_{t-1} + U x_t)$ forward.
        """,
}


def html_of(site: Path, url_path: str) -> str:
    return (site / url_path / "index.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def basic_site(tmp_path_factory):
    root = write_kb(tmp_path_factory.mktemp("basic"), BASIC_NOTES, site=True).root
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root, root / "site", result


def test_shipped_notes_build_strict_without_warnings(shipped_kb):
    root = shipped_kb.root
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr
    assert (root / "site" / "study" / "quiz" / "index.html").is_file()


def test_wiki_links_resolve_by_title_path_and_anchor(basic_site):
    _, site, result = basic_site
    home = html_of(site, "")
    assert '<a href="books/atomic-habits/">Atomic Habits</a>' in home
    assert '<a href="ml/rnns/">the RNN note</a>' in home
    habits = html_of(site, "books/atomic-habits")
    assert 'href="../../ml/rnns/#key-points"' in habits
    # never inside code
    assert "[[Not A Link]]" in habits and "[[Inside a fence]]" in habits
    assert "WARNING" not in result.stderr


def test_backlinks_list_every_linking_note(basic_site):
    _, site, _ = basic_site
    rnns = html_of(site, "ml/rnns")
    section = rnns[rnns.index('id="kb-linked-from"') :]
    assert re.search(r'href="../../books/atomic-habits/">Atomic Habits</a>', section)
    assert re.search(r'href="../../">Home</a>', section)
    assert 'id="kb-linked-from"' not in html_of(site, "")  # nobody links to the home page


def test_header_line_shows_type_author_source_and_date(basic_site):
    _, site, _ = basic_site
    habits = html_of(site, "books/atomic-habits")
    meta = re.search(r'<p class="kb-meta">(.*?)</p>', habits).group(1)
    assert "Book" in meta and "James Clear" in meta and "2024-01-14" in meta
    assert 'href="https://jamesclear.com/atomic-habits"' in meta


def test_math_is_served_by_the_site_itself(basic_site):
    _, site, _ = basic_site
    rnns = html_of(site, "ml/rnns")
    assert '<span class="arithmatex">' in rnns
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', rnns)
    assert any(s.endswith("assets/kb/mathjax/tex-svg-full.js") for s in scripts)
    assert not [s for s in scripts if s.startswith(("http:", "https:", "//"))]
    assert (site / "assets" / "kb" / "mathjax" / "tex-svg-full.js").stat().st_size > 100_000
    # no web fonts either
    assert "fonts.googleapis" not in rnns and "fonts.gstatic" not in rnns


def test_broken_wiki_link_fails_a_strict_build_naming_path_and_line(make_kb):
    root = make_kb({"index.md": "# Home\n\nIntro.\n\nSee [[No Such Note]].\n"}, site=True).root
    result = build(root)
    assert result.returncode != 0
    assert "notes/index.md:5: wiki link [[No Such Note]] matches no note" in result.stderr


def test_generated_pages_without_a_database_are_friendly(basic_site):
    root, site, _ = basic_site
    assert not (root / ".kb" / "kb.db").exists()
    stats = html_of(site, "study/stats")
    assert "Nothing to show yet" in stats and "kb review" in stats
    assert "Nothing to show yet" in html_of(site, "study/review")
    assert not (root / ".kb").exists()  # the build never creates the database
    tags = html_of(site, "tags")
    assert "habits" in tags and "ml" in tags


def _make_db(root: Path) -> Path:
    from kb.store.connection import open_store

    db = root / ".kb" / "kb.db"
    conn = open_store(db)
    now = datetime.now(UTC)
    conn.execute(
        "INSERT INTO notes (path, title, type, hash, size, mtime_ns, indexed_at) VALUES (?,?,?,?,?,?,?)",
        ("notes/books/atomic-habits.md", "Atomic Habits", "book", "x", 1, 1, now.isoformat()),
    )
    for i, kind in enumerate(["basic", "basic", "cloze", "definition"]):
        conn.execute(
            "INSERT INTO cards (id, note, line, position, kind, front, back, created_at) VALUES (?,?,?,?,?,?,?,?)",
            (
                f"c{i}",
                "notes/books/atomic-habits.md",
                10 + i,
                i,
                kind,
                f"front {i}",
                f"back {i}",
                now.isoformat(),
            ),
        )
    # c0 due yesterday (due today), c1 due in 5 days, c2 and c3 new
    for cid, due in (("c0", now - timedelta(days=1)), ("c1", now + timedelta(days=5))):
        conn.execute(
            "INSERT INTO card_state (card_id, state, due, reps) VALUES (?, 2, ?, 3)", (cid, due.isoformat())
        )
    for day in range(20):
        at = (now - timedelta(days=day)).isoformat()
        conn.execute(
            "INSERT INTO reviews (uid, card_id, reviewed_at, grade, state_before, state_after) VALUES (?,?,?,?,?,?)",
            (f"r{day}", "c0", at, 1 if day % 4 == 0 else 3, "{}", "{}"),
        )
    conn.commit()
    conn.close()
    return db


def test_stats_and_review_pages_read_the_database_without_changing_it(make_kb):
    root = make_kb(BASIC_NOTES, site=True).root
    db = _make_db(root)
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    writer = sqlite3.connect(db)  # a `kb review` holding the database open does not block the build
    writer.execute("BEGIN IMMEDIATE")
    try:
        result = build(root)
    finally:
        writer.rollback()
        writer.close()
    assert result.returncode == 0, result.stderr
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
    stats = html_of(root / "site", "study/stats")
    assert stats.count('<rect class="kb-heat-') >= 365
    assert len(re.findall(r'class="kb-heat-[1-4]"', stats)) == 20  # one coloured day per day with reviews
    assert 'class="kb-chart kb-forecast"' in stats and 'class="kb-chart kb-hbar kb-kinds"' in stats
    assert "75%" in stats  # 15 of 20 reviews not answered Again
    review = html_of(root / "site", "study/review")
    row = re.search(
        r"<tr>\s*<td><a href=\"../../books/atomic-habits/\">Atomic Habits</a></td>(.*?)</tr>", review, re.S
    )
    assert row is not None, review
    assert re.findall(r"<td[^>]*>(\d+)</td>", row.group(1)) == ["1", "2"]  # 1 due, 2 new


def test_every_setting_is_accepted_and_a_bad_one_is_explained(tmp_path):
    options = """
      - kb:
          desired_retention: 0.85
          maximum_interval: 3650
          learning_steps: [1m, 10m]
          relearning_steps: [10m]
          new_per_day: 5
          reviews_per_day: 100
          day_starts_at: 3
          leech_threshold: 6
          keypoint_headings: [key points]
          keypoint_cards: false
          device: laptop
          parameters: []
          templates_dir: .kb/templates
"""
    root = write_kb(tmp_path / "ok", {"index.md": "# Home\n"}, site=True).root
    yml = (root / "mkdocs.yml").read_text()
    block = textwrap.indent(textwrap.dedent(options).strip("\n"), "  ") + "\n\n"
    yml = re.sub(r"  - kb:\n(?:      .*\n|\n)*", lambda _m: block, yml)
    (root / "mkdocs.yml").write_text(yml)
    assert build(root).returncode == 0

    (root / "mkdocs.yml").write_text(yml.replace("desired_retention: 0.85", "desired_retention: 2"))
    result = build(root)
    assert result.returncode != 0
    assert "kb setting desired_retention: 2.0 is outside 0.70 to 0.99" in result.stderr
    assert "Traceback" not in result.stderr


def test_note_metadata_is_escaped_in_the_header_line(make_kb):
    root = make_kb(
        {
            "index.md": """
                ---
                title: Hostile
                author: "<img src=x onerror=alert(1)>"
                source: "javascript:alert(1)"
                ---
                # Hostile
                """
        },
        site=True,
    ).root
    assert build(root).returncode == 0
    page = html_of(root / "site", "")
    meta = re.search(r'<p class="kb-meta">(.*?)</p>', page).group(1)
    assert "&lt;img src=x onerror=alert(1)&gt;" in meta
    assert "<img" not in meta and 'href="javascript' not in meta


# ---- pure helpers ------------------------------------------------------------------------------------------


def test_link_index_resolution_order():
    index = wikilinks.LinkIndex(
        {
            "index.md": "Home",
            "ml/rnns.md": "Recurrent Neural Networks",
            "git/index.md": "Git",
            "books/x.md": "X",
        }
    )
    assert index.resolve("recurrent neural networks") == "ml/rnns.md"
    assert index.resolve("ml/rnns") == "ml/rnns.md"
    assert index.resolve("notes/ml/rnns.md") == "ml/rnns.md"
    assert index.resolve("git") == "git/index.md"
    assert index.resolve("rnns") == "ml/rnns.md"  # a unique file name
    assert index.resolve("Nothing") is None
    assert index.resolve("../../etc/passwd", "ml/rnns.md") is None


def test_find_links_reads_labels_anchors_and_table_pipes():
    text = "a [[X|label]] b [[Y#Some Heading]] | [[Z\\|in table]] | `[[code]]`\n```\n[[fenced]]\n```\n[[W]]"
    found = [(lk.target, lk.anchor, lk.label, lk.line) for lk in wikilinks.find_links(text)]
    assert found == [
        ("X", "", "label", 0),
        ("Y", "Some Heading", "Y", 0),
        ("Z", "", "in table", 0),
        ("W", "", "W", 4),
    ]


@given(st.text(alphabet="[]|#`~\n abc\\", max_size=200))
def test_find_links_never_crashes_and_spans_are_links(text):
    lines = text.split("\n")
    for link in wikilinks.find_links(text):
        fragment = lines[link.line][link.start : link.end]
        assert fragment.lstrip("!").startswith("[[") and fragment.endswith("]]")


@given(st.text(max_size=300))
def test_escaped_card_text_never_contains_a_tag(text):
    out = escape_html_text(text)
    # outside code and math nothing can open a tag: every "<" left is inside a protected span
    stripped = re.sub(
        r"(`+).+?(?<!`)\1(?!`)|\$\$.+?\$\$|\$[^$\n]+?\$|\\\(.+?\\\)|\\\[.+?\\\]", "", out, flags=re.S
    )
    assert "<" not in stripped


@given(
    st.recursive(st.text(), lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner), max_leaves=10)
)
def test_json_for_script_round_trips_and_cannot_close_the_script(data):
    text = json_for_script({"x": data})
    assert "<" not in text and ">" not in text
    assert json.loads(text) == {"x": data}


CARDS_NOTE = """
---
title: Cards
tags: [demo]
---
# Cards

## Flashcards

What is habit stacking?::Pairing a new habit with a current one

- Listed question::Listed answer

What are the stages of the loop?
?
Cue, craving, response, reward.

The {{c1::two-minute rule}} starts habits as {{c2::tiny versions::a size}}.

You fall to the level of your ==systems==.

Q: What does "never miss twice" mean?
A: Get back on track at once.

??? question "Why does stacking work?"
    The current habit is the cue.

Plateau
:   The stretch where effort shows no result yet.

```python
x = {"a": 1}  # a::b in code is not a card
```
"""


@pytest.fixture(scope="module")
def cards_site(tmp_path_factory):
    root = write_kb(
        tmp_path_factory.mktemp("cards"), {"index.md": "# Home\n", "cards.md": CARDS_NOTE}, site=True
    ).root
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def _article_text(page: str) -> str:
    """The visible text of the note itself (before the generated sections)."""
    article = page[page.index("<article") : page.index('id="kb-flashcards"')]
    article = re.sub(r"<script.*?</script>", "", article, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", article))


def test_card_syntax_never_shows_its_separators(cards_site):
    page = html_of(cards_site, "cards")
    text = _article_text(page)
    prose = text.replace("a::b in code is not a card", "").replace('{"a": 1}', "")
    for raw in ("::", "{{c1", "}}", "==systems==", "\n?\n", "Q:", "A:"):
        assert raw not in prose, raw
    assert "a::b in code is not a card" in text  # code is left as written
    # every card where it is written: a collapsed question block, or blanks that reveal on click
    question = '<details class="question kb-card-inline">\n<summary>{}</summary>'
    assert question.format("What is habit stacking?") in page
    assert re.search(r"<li>\s*" + re.escape(question.format("Listed question")), page)
    assert question.format("What are the stages of the loop?") in page
    assert question.format('What does "never miss twice" mean?') in page
    blank = '<span class="kb-blank-hint">[{}]</span><span class="kb-blank-answer">{}</span>'
    assert blank.format("…", "two-minute rule") in page and blank.format("a size", "tiny versions") in page
    assert blank.format("…", "systems") in page
    assert '<details class="question">' in page  # the question block still reveals on click


def test_flashcards_section_lists_every_card_with_blanks_and_a_quiz(cards_site):
    page = html_of(cards_site, "cards")
    deck = page[page.index('id="kb-flashcards"') :]
    fronts = re.findall(r'<div class="kb-card-front">(.*?)</div>', deck, re.S)
    assert any("What is habit stacking?" in s for s in fronts)
    assert any("Why does stacking work?" in s for s in fronts)
    assert any("Plateau" in s for s in fronts)
    # cloze cards: this card's deletion hidden behind a blank (with its hint), the other deletion shown
    assert re.search(
        r'kb-blank-hint">\[a size\]</span><span class="kb-blank-answer">tiny versions</span>', deck
    )
    assert re.search(r'kb-blank-hint">\[…\]</span><span class="kb-blank-answer">two-minute rule</span>', deck)
    assert "Start a quiz on this note" in deck
    data = json.loads(re.search(r'id="kb-note-quiz-data">(.*?)</script>', deck, re.S).group(1))
    assert data["questions"] and all(q["note"] == "notes/cards.md" for q in data["questions"])


def test_card_text_is_escaped_in_the_page_and_the_deck(make_kb):
    root = make_kb(
        {
            "index.md": """
                # Hostile

                What does <img src=x onerror=alert(1)> do?::It </script><script>alert(2)</script> nothing

                Escape {{c1::<b onclick=alert(3)>bold</b>}} too.
                """
        },
        site=True,
    ).root
    assert build(root).returncode == 0
    page = html_of(root / "site", "")
    body = page[page.index("<article") : page.index("</article>")]
    assert "<img src=x" not in body and "<script>alert" not in body and "<b onclick" not in body
    assert "&lt;img src=x onerror=alert(1)&gt;" in body
    assert "&lt;/script&gt;&lt;script&gt;alert(2)&lt;/script&gt;" in body
