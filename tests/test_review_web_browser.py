"""`kb review --web` in a real browser (Debian's chromium through Playwright, every non-local request blocked):
review by keyboard, undo, suspend, math typeset, an imported Anki card's image, code, a reload mid-session, a server
killed with SIGKILL after an acknowledged answer, two tabs at once, the secret, and card text that tries to run script.

Screenshots of an ML card with math and of the imported card with its image are written to the test's tmp_path
(and to $REVIEW_WEB_SCREENSHOTS when set, to look at them)."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.browser_support import PageWatch, browser, needs_chromium
from tests.review_web_support import WebReview, import_anki_deck, make_review_kb, write

pytestmark = [pytest.mark.browser, needs_chromium]

PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


@pytest.fixture
def context(chromium):
    context = chromium.new_context(viewport=PHONE)
    yield context
    context.close()


@pytest.fixture
def tab(context):
    return PageWatch(context)


@pytest.fixture
def server():
    started: list[WebReview] = []

    def start(root: Path, *args: str) -> WebReview:
        started.append(WebReview(root, *args))
        return started[-1]

    yield start
    for s in started:
        s.kill()


def seq(page) -> str:
    return page.evaluate("document.body.dataset.seq || ''")


def open_review(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => document.body.dataset.kind === 'card'", arg=0)


def press(page, key: str) -> None:
    """Press a key that makes the server move on, and wait for the next screen (the answer is then stored)."""
    before = seq(page)
    page.keyboard.press(key)
    page.wait_for_function(
        "before => document.body.dataset.seq !== before && !document.body.dataset.busy", arg=before
    )


def reveal_and_grade(page, key: str = "3") -> str:
    """Show the answer with Space, grade with ``key``; the id of the card answered."""
    card = shown_card(page)
    page.keyboard.press("Space")
    page.locator("#grade-bar").wait_for(state="visible")
    press(page, key)
    return card


def shown_card(page) -> str:
    return page.evaluate("fetch('api/screen').then(r => r.json()).then(s => s.card && s.card.id)")


def reviews(root: Path) -> list[tuple[str, int, int]]:
    conn = sqlite3.connect(root / ".kb" / "kb.db")
    try:
        return conn.execute("SELECT card_id, grade, undone FROM reviews ORDER BY id").fetchall()
    finally:
        conn.close()


def journal(root: Path) -> list[dict]:
    lines = []
    for path in sorted((root / ".kb" / "journal").rglob("*.jsonl")):
        lines += [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return lines


def keep_screenshot(path: Path) -> None:
    folder = os.environ.get("REVIEW_WEB_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def test_ten_cards_by_keyboard_then_undo_and_suspend(tmp_path, tab, server):
    root = make_review_kb(tmp_path / "kb", basics=14)
    review = server(root, "--note", "notes/facts/facts.md")
    page = tab.page
    open_review(page, review.url)
    assert page.locator("#progress").inner_text().split() == [
        "card",
        "1",
        "14",
        "new",
        "0",
        "learning",
        "0",
        "review",
    ]
    assert not page.locator("#back").is_visible() and page.locator("#reveal").is_visible()
    answered = []
    for i in range(10):
        assert page.locator("#front").inner_text() == f"Question {i}: what is fact {i}?"
        page.keyboard.press("1")  # a grade before the answer is shown does nothing
        page.keyboard.press("Enter" if i % 2 else "Space")
        assert page.locator("#back").inner_text() == f"Answer {i}"
        assert page.locator("#grade-bar").is_visible() and not page.locator("#reveal").is_visible()
        buttons = page.locator("#grade-bar button")
        assert buttons.count() == 4
        assert [b.split("\n")[0] for b in buttons.all_inner_texts()] == ["Again", "Hard", "Good", "Easy"]
        assert "10m" in buttons.nth(2).inner_text()  # Good's next interval for a new card
        answered.append(shown_card(page))
        press(page, "3")
        assert page.locator("#message").inner_text() == "Good: next in 10m"
    assert page.locator("#progress").inner_text().startswith("card 11")
    press(page, "u")
    assert page.locator("#front").inner_text() == "Question 9: what is fact 9?"
    assert "undone: Good on card" in page.locator("#message").inner_text()
    assert page.locator("#progress").inner_text().startswith("card 10")
    press(page, "s")
    assert page.locator("#message").inner_text().startswith(f"suspended card {answered[9]}")
    assert page.locator("#front").inner_text() == "Question 10: what is fact 10?"
    code, out, err = review.finish()
    assert code == 0, err
    assert "Reviewed 9 cards" in out
    rows = reviews(root)
    assert [r[0] for r in rows] == answered and [r[2] for r in rows] == [0] * 9 + [1]
    kinds = [line["type"] for line in journal(root)]
    assert kinds == ["review"] * 10 + ["undo", "suspend"]
    assert tab.errors == [] and tab.blocked == []


def test_math_code_and_an_imported_anki_image_render_as_on_the_site(tmp_path, tab, server):
    root = make_review_kb(tmp_path / "kb")
    import_anki_deck(root, tmp_path / "anki")
    review = server(root)
    page = tab.page
    open_review(page, review.url)
    # git-internals: a question whose answer is a fenced block, highlighted by Pygments
    page.keyboard.press("Space")
    code = page.locator("#back .highlight pre code")
    assert "git cat-file -t HEAD" in code.inner_text()
    comment = code.locator(".c1")
    assert comment.inner_text() == '# prints "commit"'
    # the comment is coloured (waited for: on a loaded machine the highlighting's stylesheet may still be coming)
    page.wait_for_function(
        "() => getComputedStyle(document.querySelector('#back .highlight .c1')).color"
        " !== getComputedStyle(document.querySelector('#back .highlight code')).color",
        arg=0,
    )
    press(page, "3")
    page.keyboard.press("Space")
    assert page.locator("#back code").inner_text() == "git cat-file -p <sha>"
    press(page, "3")
    # the imported Anki card: its image and its sound, next to the note, served from the notes folder
    assert page.locator("#front").inner_text() == "Which bone is shown in blue?"
    page.keyboard.press("Space")
    image = page.locator("#back img")
    image.wait_for()
    page.wait_for_function(  # with an argument: Playwright would eval a bare string, which the page's policy forbids
        "() => document.querySelector('#back img').complete && document.querySelector('#back img').naturalWidth === 160",
        arg=0,
    )
    assert page.locator("#back img").get_attribute("src") == "files/imported/femur.png"
    assert page.locator("#back audio").get_attribute("src") == "files/imported/femur.mp3"
    shot = tmp_path / "review-web-anki-image.png"
    page.screenshot(path=str(shot), full_page=True)
    keep_screenshot(shot)
    press(page, "3")
    # the ML note: inline math in the question, display math in an answer, typeset by the bundled MathJax
    page.wait_for_selector("#front mjx-container svg")
    assert page.locator("#front mjx-container").count() == 2
    page.keyboard.press("Space")
    page.wait_for_selector("#back mjx-container svg")
    assert "\\frac" not in page.locator("#card").inner_text()  # no TeX source left on screen
    shot = tmp_path / "review-web-ml-math.png"
    page.screenshot(path=str(shot), full_page=True)
    keep_screenshot(shot)
    press(page, "3")
    page.keyboard.press("Space")
    page.wait_for_selector("#back mjx-container[display='true'] svg")
    box = page.locator("#back mjx-container").bounding_box()
    assert box["width"] <= PHONE["width"]  # a display formula fits a phone's width (or scrolls inside)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    press(page, "q")
    assert page.locator("#done").inner_text().startswith("Session over")
    assert tab.errors == [] and tab.blocked == []


def test_a_reloaded_page_resumes_and_a_killed_server_keeps_every_acknowledged_answer(tmp_path, tab, server):
    root = make_review_kb(tmp_path / "kb", basics=8)
    review = server(root, "--note", "notes/facts/facts.md")
    page = tab.page
    open_review(page, review.url)
    first = [reveal_and_grade(page), reveal_and_grade(page)]
    page.keyboard.press("Space")  # the third card's answer is on screen when the page reloads
    shown = shown_card(page)
    page.reload()
    page.wait_for_function("() => document.body.dataset.kind === 'card'", arg=0)
    assert shown_card(page) == shown
    assert page.locator("#progress").inner_text().startswith("card 3")
    assert page.locator("#front").inner_text() == "Question 2: what is fact 2?"
    acknowledged = [*first, reveal_and_grade(page, "4")]  # the page shows the next card: the answer is stored
    review.proc.send_signal(9)  # SIGKILL: no clean-up runs
    review.proc.wait(timeout=30)
    assert [(r[0], r[1]) for r in reviews(root)] == [
        (acknowledged[0], 3),
        (acknowledged[1], 3),
        (acknowledged[2], 4),
    ]
    lines = [line for line in journal(root) if line["type"] == "review"]
    assert [(line["card"], line["grade"]) for line in lines] == [
        (c, g) for c, g in zip(acknowledged, (3, 3, 4), strict=True)
    ]
    again = server(root, "--note", "notes/facts/facts.md")
    open_review(page, again.url)
    assert (
        page.locator("#front").inner_text() == "Question 3: what is fact 3?"
    )  # the session goes on from there


def test_two_tabs_never_answer_the_same_card_twice(tmp_path, context, server):
    root = make_review_kb(tmp_path / "kb", basics=4)
    review = server(root, "--note", "notes/facts/facts.md")
    a, b = PageWatch(context).page, PageWatch(context).page
    open_review(a, review.url)
    open_review(b, review.url)
    card = reveal_and_grade(a)
    b.keyboard.press("Space")
    press(b, "3")  # tab b still showed the card tab a answered
    assert "changed in another tab" in b.locator("#message").inner_text()
    assert b.locator("#front").inner_text() == "Question 1: what is fact 1?"
    assert [r[0] for r in reviews(root)] == [card]


def test_the_secret_is_required(tmp_path, tab, server):
    root = make_review_kb(tmp_path / "kb", basics=2)
    review = server(root)
    page = tab.page
    base = review.url.rsplit("/", 2)[0] + "/"
    for url in (base, base + "api/screen", base + "x" * 32 + "/", review.url[:-2] + "/"):
        response = page.goto(url)
        assert response.status == 403, url
        assert "needs the secret" in page.content()
    assert review.status("/api/command") == 403
    assert reviews(root) == []
    open_review(page, review.url)  # with the secret, the page works


def test_card_text_never_runs_script(tmp_path, tab, server):
    root = make_review_kb(tmp_path / "kb")
    write(
        root,
        "test/hostile.md",
        """
        ---
        title: Hostile
        ---
        # Hostile

        <img src=x onerror="window.pwned=1"> what runs?::<script>window.pwned=2</script> nothing

        Where does [this link](javascript:window.pwned=3) go?::[nowhere](javascript:window.pwned=4) ![x](javascript:window.pwned=5)
        """,
    )
    review = server(root, "--note", "notes/test/hostile.md")
    page = tab.page
    open_review(page, review.url)
    assert page.locator("#front").inner_text() == '<img src=x onerror="window.pwned=1"> what runs?'
    page.keyboard.press("Space")
    assert page.locator("#back").inner_text() == "<script>window.pwned=2</script> nothing"
    press(page, "3")
    page.keyboard.press("Space")
    for link in page.locator("#card a").all():
        assert not (link.get_attribute("href") or "").startswith("javascript")
        link.click()
    assert page.evaluate("window.pwned") is None
    assert page.locator("#card script").count() == 0
    # MathJax's settings, MathJax, its safe extension (loaded by MathJax) and the page's own script
    assert page.locator("script").count() == 4
    assert page.locator('script[src$="mathjax/ui/safe.js"]').count() == 1
