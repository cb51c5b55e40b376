"""A note's cards on the site, in a real browser: each card shows once with its answer hidden where it is written
(a collapsed question block, or cloze blanks), the deck at the end is a study mode showing one card at a time in one
frame for every kind, a revealed blank stops saying "Show the answer", and the stats tiles never leave one alone."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.browser_support import PageWatch, browser, build, mkdocs_env, needs_chromium, serve
from tests.conftest import write_kb

pytestmark = [pytest.mark.browser, needs_chromium]

NOTE = """
---
title: Habits
tags: [habits]
---
# Habits

## Flashcards

What is habit stacking?::Pairing a new habit with a current one

- Listed question::Listed answer

What are the stages of the loop?
?
Cue, craving, response, reward.

The {{c1::two-minute rule}} starts habits as {{c2::tiny versions::a size}}.

Q: What does "never miss twice" mean?
A: Get back on track at once.
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = write_kb(
        tmp_path_factory.mktemp("study"), {"index.md": "# Home\n", "habits.md": NOTE}, site=True
    ).root
    env = dict(mkdocs_env(), KB_ROOT=str(root))
    indexed = subprocess.run(
        [sys.executable, "-m", "kb", "index"], cwd=root, env=env, capture_output=True, text=True
    )
    assert indexed.returncode == 0, indexed.stderr
    result = build(root)
    assert result.returncode == 0, result.stderr
    with serve(root / "site") as url, browser() as chromium:
        yield url, chromium


@pytest.fixture
def page(site):
    url, chromium = site
    context = chromium.new_context(viewport={"width": 1100, "height": 900})
    watch = PageWatch(context)
    watch.page.goto(url + "habits/")
    watch.page.wait_for_load_state("networkidle")
    yield watch.page
    assert watch.errors == []
    context.close()


def _visible(page, text: str) -> int:
    """How many times ``text`` is on screen (in text the browser lays out: not in a closed block or hidden card)."""
    return page.evaluate(
        """text => { let n = 0; const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) { const node = walk.currentNode; if (!node.data.includes(text)) continue;
          const parent = node.parentElement, closed = parent.closest("details:not([open])");
          if (closed && !parent.closest("summary")) continue;
          if (!parent.checkVisibility({visibilityProperty: true})) continue;
          const range = document.createRange(); range.selectNodeContents(node);
          const box = range.getBoundingClientRect(); if (box.width > 0 && box.height > 0) n++; }
        return n; }""",
        text,
    )


def test_no_answer_shows_until_asked_and_each_card_once(page):
    note = page.locator("article")
    for answer in (
        "Pairing a new habit",
        "Listed answer",
        "Cue, craving",
        "two-minute rule",
        "Get back on track",
    ):
        assert _visible(page, answer) == 0, answer
    for question in ("Listed question", "What are the stages of the loop?"):
        assert _visible(page, question) == 1, question  # where it is written; the deck is on its first card
    note.locator("details.question summary", has_text="What is habit stacking?").click()
    assert _visible(page, "Pairing a new habit with a current one") == 1
    blank = note.locator("p .kb-blank", has=page.locator(".kb-blank-hint", has_text="[…]")).first
    blank.click()
    assert blank.locator(".kb-blank-answer").inner_text() == "two-minute rule"
    assert _visible(page, "two-minute rule") == 1


def _frame(card) -> dict:
    return card.evaluate(
        """card => { const s = getComputedStyle(card), f = getComputedStyle(card.querySelector('.kb-card-front'));
        return {border: s.border, radius: s.borderRadius, background: s.backgroundColor, padding: s.padding,
                shadow: s.boxShadow, font: f.font, color: f.color}; }"""
    )


def test_the_deck_shows_one_card_at_a_time_every_kind_in_one_frame(page):
    deck = page.locator(".kb-deck")
    cards = deck.locator(".kb-card")
    total = cards.count()
    assert total == 6 and sum(1 for c in cards.all() if c.is_visible()) == 1
    progress = deck.locator(".kb-study-progress")
    assert progress.inner_text() == f"Card 1 of {total}"
    first = deck.locator(".kb-card.kb-current")
    assert not first.locator(".kb-card-back").is_visible()
    deck.get_by_role("button", name="Show answer").click()
    assert first.locator(".kb-card-back").inner_text() == "Pairing a new habit with a current one"
    frames = {}
    for _ in range(total):
        current = deck.locator(".kb-card.kb-current")
        frames[current.get_attribute("class").split()[1]] = _frame(current)
        if current.locator(".kb-blank").count():  # a cloze card: "Show answer" fills its blank in
            deck.get_by_role("button", name="Show answer").click()
            assert current.locator(".kb-blank-answer").first.is_visible()
        deck.get_by_role("button", name="Next card").click() if _ < total - 1 else None
    assert progress.inner_text() == f"Card {total} of {total}"
    assert {"kb-kind-basic", "kb-kind-cloze", "kb-kind-question"} <= set(frames)
    assert frames["kb-kind-cloze"] == frames["kb-kind-basic"] == frames["kb-kind-question"]


def _tooltip(page, blank) -> str:
    """What hovering ``blank`` shows as a tooltip: Material's (from a title) or kb.css's hint."""
    blank.hover()
    page.wait_for_timeout(300)  # Material shows its tooltips after a short delay
    material = [t.inner_text() for t in page.locator(".md-tooltip2--active").all() if t.is_visible()]
    own = blank.evaluate("b => getComputedStyle(b, '::after').content")
    return " ".join(material) + ("" if own in ("none", "normal") else own.strip('"'))


def test_a_revealed_blank_no_longer_says_show_the_answer(page):
    blank = page.locator("article p .kb-blank").first
    assert _tooltip(page, blank) == "Show the answer"
    blank.click()
    page.mouse.move(0, 0)
    assert _tooltip(page, blank) == ""


@pytest.mark.parametrize("width", [375, 768, 1100, 1400])
def test_the_stats_tiles_never_leave_one_alone_on_a_row(site, width):
    url, chromium = site
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = PageWatch(context).page
    page.goto(url + "study/stats/")
    tops = [round(box["y"]) for box in (t.bounding_box() for t in page.locator(".kb-stat").all())]
    context.close()
    assert len(tops) == 5
    rows = {top: tops.count(top) for top in tops}
    assert min(rows.values()) >= 2, rows
