"""The built site in a real browser: Debian's chromium driven by Playwright, the network limited to this machine."""

from __future__ import annotations

import json
import re
import socket
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest

from tests.browser_support import (
    REPO,
    PageWatch,
    browser,
    build,
    mkdocs_env,
    needs_chromium,
    serve,
)
from tests.conftest import write_kb

pytestmark = [pytest.mark.browser, needs_chromium]

HOSTILE = """
---
title: Hostile note
tags: [security]
---
# Hostile note

What does <img src=x onerror="window.__kbPwned=1"> do?::It shows as text </script><script>window.__kbPwned=2</script>

The payload {{c1::<img src=x onerror="window.__kbPwned=3">}} stays text.

Q: Is <script>window.__kbPwned=4</script> run?
A: Never <b onmouseover="window.__kbPwned=5">.
"""

MATH = r"""
---
title: Softmax
tags: [ml]
---
# Softmax

The softmax is $\sigma(z)_i = \frac{e^{z_i}}{\sum_j e^{z_j}}$.

$$
\mathcal{L} = -\sum_i y_i \log p_i
$$
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """The shipped notes plus two test notes, with a review database for the stats page, built once."""
    kb = write_kb(tmp_path_factory.mktemp("site"), REPO / "notes", site=True)
    kb.write("test/hostile.md", HOSTILE)
    kb.write("test/softmax.md", MATH)
    root = kb.root
    _review_db(root)
    result = build(root)
    assert result.returncode == 0, result.stderr
    with serve(root / "site") as url:
        yield root, url


def _review_db(root):
    """kb's index of the notes (built by the real `kb index`), plus ten days of reviews of one card."""
    from kb.store.connection import open_store

    env = dict(mkdocs_env(), KB_ROOT=str(root))
    result = subprocess.run(
        [sys.executable, "-m", "kb", "index"], cwd=root, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    conn = open_store(root / ".kb" / "kb.db")
    now = datetime.now(UTC)
    row = conn.execute("SELECT id FROM cards WHERE note = 'notes/books/atomic-habits.md' LIMIT 1").fetchone()
    card = row[0] if row else "c1"
    if row is None:  # an index without cards (before the card extractor): one card by hand
        conn.execute(
            "INSERT INTO cards (id, note, line, position, kind, front, back, created_at) VALUES (?,?,?,?,?,?,?,?)",
            (card, "notes/books/atomic-habits.md", 1, 0, "basic", "f", "b", now.isoformat()),
        )
    conn.execute(
        "INSERT INTO card_state (card_id, state, due) VALUES (?, 2, ?)",
        (card, (now + timedelta(days=2)).isoformat()),
    )
    for day in range(10):
        conn.execute(
            "INSERT INTO reviews (uid, card_id, reviewed_at, grade, state_before, state_after) VALUES (?,?,?,?,?,?)",
            (f"r{day}", card, (now - timedelta(days=day)).isoformat(), 3, "{}", "{}"),
        )
    conn.commit()
    conn.close()


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture
def tab(chromium):
    context = chromium.new_context()
    watch = PageWatch(context)
    yield watch
    context.close()


def test_home_page_loads_without_console_errors_or_network(site, tab):
    _, url = site
    tab.page.goto(url)
    tab.page.wait_for_selector("h1:has-text('Knowledge Base')")
    tab.page.wait_for_load_state("networkidle")
    assert tab.errors == []
    assert tab.blocked == []


def test_search_finds_a_note_by_a_term_in_it(site, tab):
    _, url = site
    tab.page.goto(url)
    search = tab.page.locator("input.md-search__input")
    search.click()
    search.press_sequentially("temptation bundling")
    from playwright.sync_api import expect

    # Results update as the query is typed: wait for those of the whole query (expect retries until they show),
    # not for the first result list, which may be that of "t" or "temptation bun".
    expect(tab.page.locator(".md-search-result__list")).to_contain_text("Atomic Habits")


def test_flashcard_reveals_its_answer_on_click(site, tab):
    _, url = site
    tab.page.goto(url + "books/atomic-habits/")
    # where it is written: a collapsed question block
    card = tab.page.locator(
        "article details.question", has_text="What are the four laws of behaviour change?"
    )
    answer = card.get_by_text("make it satisfying")
    assert not answer.is_visible()
    card.locator("summary").click()
    answer.wait_for(state="visible")
    # a cloze card where it is written: its blank shows the hint until clicked, then the hidden text
    blank = tab.page.locator(
        "article p .kb-blank", has=tab.page.locator(".kb-blank-hint", has_text="[a duration]")
    ).first
    assert not blank.locator(".kb-blank-answer").is_visible()
    blank.click()
    blank.locator(".kb-blank-answer").wait_for(state="visible")
    assert blank.locator(".kb-blank-answer").inner_text() == "less than two minutes"
    # the deck: a card, then its answer on "Show answer"
    deck = tab.page.locator(".kb-deck")
    current = deck.locator(".kb-card.kb-current")
    assert current.count() == 1 and not current.locator(".kb-card-back").is_visible()
    deck.get_by_role("button", name="Show answer").click()
    current.locator(".kb-card-back").wait_for(state="visible")
    assert tab.errors == []


def test_wiki_link_navigates_to_the_note(site, tab):
    _, url = site
    tab.page.goto(url)
    tab.page.locator("article a:has-text('Atomic Habits')").first.click()
    tab.page.wait_for_url(re.compile(r"/books/atomic-habits/$"))
    assert tab.page.locator("article h1").inner_text().rstrip("¶") == "Atomic Habits"
    # the backlink on the target page leads back
    tab.page.locator("#kb-linked-from + .kb-backlinks a:has-text('Knowledge Base')").click()
    tab.page.wait_for_url(re.compile(r"/$"))
    assert tab.errors == []


def test_dark_mode_toggles(site, tab):
    _, url = site
    tab.page.goto(url)
    body = tab.page.locator("body")
    before = body.get_attribute("data-md-color-scheme")
    tab.page.locator("form[data-md-component='palette'] label:visible").first.click()
    tab.page.wait_for_function(
        "before => document.body.getAttribute('data-md-color-scheme') !== before", arg=before
    )
    after = body.get_attribute("data-md-color-scheme")
    assert {before, after} == {"default", "slate"}


def test_math_renders_with_the_network_blocked(site, tab):
    _, url = site
    tab.page.goto(url + "test/softmax/")
    tab.page.wait_for_selector("mjx-container svg")
    assert tab.page.locator("mjx-container").count() >= 2
    assert tab.blocked == [] and tab.errors == []


def test_stats_page_shows_its_charts(site, tab):
    _, url = site
    tab.page.goto(url + "study/stats/")
    heatmap = tab.page.locator("svg.kb-heatmap")
    heatmap.wait_for()
    assert heatmap.locator("rect").count() >= 365
    assert heatmap.locator("rect.kb-heat-4, rect.kb-heat-3, rect.kb-heat-2, rect.kb-heat-1").count() == 10
    assert tab.page.locator("svg.kb-forecast rect.kb-bar").count() == 30
    assert heatmap.bounding_box()["width"] > 200


def _answer_quiz(page, wrong: set[int]) -> int:
    """Take the quiz on the current page to the end, answering wrongly the questions at ``wrong``; returns N."""
    data = json.loads(page.locator("script[type='application/json'][id^='kb-quiz']").first.text_content())
    questions = data["questions"]
    quiz = page.locator(".kb-quiz")
    for i, q in enumerate(questions):
        quiz.locator(".kb-quiz-progress", has_text=f"Question {i + 1} of {len(questions)}").wait_for()
        bad = i in wrong
        if q["kind"] == "mcq":
            index = (q["answer"] + 1) % len(q["options"]) if bad else q["answer"]
            quiz.locator(".kb-quiz-option").nth(index).click()
        elif q["kind"] == "tf":
            choice = bool(q["answer"]) != bad
            quiz.locator(".kb-quiz-option", has_text="True" if choice else "False").click()
        else:
            quiz.locator("input").fill("zzz wrong" if bad else str(q["answer"]).upper())
            quiz.locator(".kb-quiz-check").click()
        quiz.locator(".kb-wrong" if bad else ".kb-right").wait_for()
        quiz.locator(".kb-quiz-next").click()
    return len(questions)


def test_quiz_can_be_taken_to_the_end_with_the_right_score(site, tab):
    _, url = site
    tab.page.goto(url + "study/quiz/")
    n = _answer_quiz(tab.page, wrong={0, 2})
    assert n >= 3
    assert tab.page.locator(".kb-quiz-score").inner_text() == f"Score: {n - 2} / {n}"
    assert tab.page.locator(".kb-quiz-misses li").count() == 2
    assert tab.errors == []


def test_payloads_in_card_text_show_as_text_and_run_nothing(site, tab):
    _, url = site
    tab.page.goto(url + "test/hostile/")
    tab.page.wait_for_selector("h1:has-text('Hostile note')")
    article = tab.page.locator("article")
    for summary in article.locator("details summary").all():
        summary.click()
    deck = article.locator(".kb-deck")
    for _ in range(deck.locator(".kb-card").count()):  # every card of the deck, its answer shown
        deck.get_by_role("button", name="Show answer").click()
        if deck.get_by_role("button", name="Next card").is_enabled():
            deck.get_by_role("button", name="Next card").click()
    for node in article.locator(".kb-blank, b, .kb-card-front, .kb-card-back").all():
        if node.is_visible():
            node.hover()
            node.click()
    text = article.inner_text()
    assert '<img src=x onerror="window.__kbPwned=1">' in text
    assert "</script><script>window.__kbPwned=2</script>" in text
    assert tab.page.evaluate("window.__kbPwned") is None
    assert tab.page.locator("article img").count() == 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_serve_dirty_shows_an_edited_note_with_right_backlinks(make_kb, tab):
    root = make_kb(
        {
            "index.md": "# Home\n\nSee [[Target]].\n",
            "target.md": "# Target\n\nA note others link to.\n",
            "other.md": "# Other\n\nNothing here yet.\n",
        },
        site=True,
    ).root
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "-a", f"127.0.0.1:{port}"],
        cwd=root,
        env=mkdocs_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready = threading.Event()
    log: list[str] = []

    def read():
        for line in proc.stderr:
            log.append(line)
            if "Serving on" in line:
                ready.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(120), "".join(log)
        page = tab.page
        page.goto(f"http://127.0.0.1:{port}/target/")
        backlinks = page.locator("#kb-linked-from + .kb-backlinks")
        backlinks.wait_for()
        assert backlinks.inner_text().strip() == "Home"
        # another note starts linking here: the target page (not edited) gets the new backlink after the rebuild
        (root / "notes" / "other.md").write_text("# Other\n\nNow see [[Target]].\n", encoding="utf-8")
        page.goto(f"http://127.0.0.1:{port}/other/")
        page.locator("article a:has-text('Target')").wait_for(timeout=30_000)
        page.goto(f"http://127.0.0.1:{port}/target/")
        page.locator("#kb-linked-from + .kb-backlinks a:has-text('Other')").wait_for(timeout=30_000)
        assert tab.errors == []
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        reader.join(timeout=10)
