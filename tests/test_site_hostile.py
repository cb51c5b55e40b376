"""A site built from hostile notes and a hostile shared deck runs no script (issue 22, findings 2 to 5).

The built pages are read as HTML for what a browser would run (``tests/hostile_site.py``: handlers, ``javascript:``
and ``data:`` addresses, ``srcdoc``, script text), one test per way in; then every page is loaded in Chromium, its
question blocks opened, its blanks revealed and the site searched, and ``window.__xss`` must stay undefined. The
``kb review --web`` page shows the same hostile cards in a browser too.
"""

from __future__ import annotations

import re

import pytest

from tests.browser_support import browser, needs_chromium, serve
from tests.hostile_site import build_hostile_kb, build_site, problems

CARD_TAGS = (
    "esc-backtick",
    "inline-math",
    "card-link",
    "'data'",
    "escaped-brackets",
    "ref-link",
    "svg-",
    "srcdoc",
    "entity",
    "multi",
    "cloze",
    "highlight",
    "q-",
    "def",
    "keypoint",
    "alias",
    "wiki",
)


@pytest.fixture(scope="module")
def hostile_root(tmp_path_factory):
    root = build_hostile_kb(tmp_path_factory.mktemp("hostile"))
    build_site(root)
    return root


def _page(root, url: str) -> str:
    return (root / "site" / url / "index.html").read_text(encoding="utf-8")


def test_card_text_runs_nothing_in_place_in_the_deck_or_in_key_points(hostile_root):
    """Finding 2 (and 5's javascript: link): card text is rendered by kb and cleaned, whatever Markdown makes of it."""
    found = problems(hostile_root / "site", "cards/index.html", *CARD_TAGS)
    assert not found, "\n".join(found)
    page = _page(hostile_root, "cards")
    # the cards are still there, in place and in the deck, with their text
    assert page.count("kb-card-inline") >= 5 and 'class="kb-deck"' in page
    assert "Bullet" in page and "A definition" in page and "kb-blank" in page
    assert "&lt;img src=x onerror=" in page  # the payloads show as text


def test_navigation_group_labels_are_text(hostile_root):
    """Finding 3: a group named after titles that make a script element shows them as text."""
    found = problems(hostile_root / "site", "**/*.html", "__xss=3")
    assert not found, "\n".join(found[:10])
    assert "&lt;script&gt;__xss=3// – &lt;/script&gt;" in _page(hostile_root, "group/n05")


def test_list_valued_front_matter_and_tags_are_text(hostile_root):
    """Finding 4: a title, author, description or tag given as a YAML list is shown as text."""
    found = problems(hostile_root / "site", "**/*.html", "list-", "'tag'", "tag-attr")
    assert not found, "\n".join(found[:10])
    assert "&lt;img src=x onerror=" in _page(hostile_root, "list-title")


def test_titles_from_a_file_name_or_a_folder_index_are_text(hostile_root):
    """Finding 5: a note named only by its file (``<img ...>.md``), and a section named by its index's title."""
    found = problems(hostile_root / "site", "**/*.html", "file-name", "folder-title")
    assert not found, "\n".join(found[:10])


def test_the_imported_deck_and_the_study_pages_run_nothing(hostile_root):
    site = hostile_root / "site"
    for page in ("study/quiz", "study/stats", "study/review", "tags"):
        assert (site / page / "index.html").exists(), page
    found = problems(site)
    assert not found, "\n".join(found[:20])
    # the deck's own image and sound still show, in place and in the Flashcards deck, from the page's URL
    (page,) = (site / "imported").rglob("index.html")
    media = re.findall(
        r'<(?:img|audio)[^>]* src="([^"]+)"|href="([^"]+\.mp3)"', page.read_text(encoding="utf-8")
    )
    urls = [a or b for a, b in media]
    assert len(urls) >= 4, urls
    assert all((page.parent / url).resolve().is_file() for url in urls), urls


@needs_chromium
@pytest.mark.browser
def test_no_script_runs_in_any_page_or_search_result(hostile_root):
    site = hostile_root / "site"
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 60
    ran: list[str] = []
    with serve(site) as url, browser() as chromium:
        context = chromium.new_context()
        context.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
        page = context.new_page()
        for path in pages:
            rel = path.relative_to(site).as_posix()
            page.goto(url + rel.replace(" ", "%20").replace("<", "%3C").replace(">", "%3E"))
            page.wait_for_load_state("load")
            # open every question block and reveal every blank (what a reader clicks)
            page.evaluate(
                "document.querySelectorAll('article details summary, .kb-blank').forEach(e => e.click())"
            )
            if page.locator(".arithmatex").count():
                page.wait_for_selector(
                    "mjx-container", state="attached", timeout=20000
                )  # MathJax typeset the page
            links = page.evaluate(
                "[...document.querySelectorAll('a')].map(a => a.getAttribute('href') || '')"
                ".concat([...document.querySelectorAll('mjx-container a, svg a')]"
                ".map(a => a.getAttribute('xlink:href') || ''))"
            )
            ran += [f"{rel}: link {h}" for h in links if "".join(h.split()).lower().startswith("javascript:")]
            value = page.evaluate("window.__xss")
            if value is not None:
                ran.append(f"{rel}: {value}")
        page.goto(url)
        search = page.locator("input.md-search__input")
        search.click()
        for query in ("img", "script", "onerror", "xss", "list", "deck", "group"):
            search.fill("")
            search.press_sequentially(query)
            page.locator(".md-search-result__meta").wait_for()
            value = page.evaluate("window.__xss")
            if value is not None:
                ran.append(f"search {query!r}: {value}")
        context.close()
    assert not ran, "\n".join(ran)


@needs_chromium
@pytest.mark.browser
def test_no_script_runs_in_kb_review_web_showing_the_hostile_cards(hostile_root):
    """The same cards (the note's and the imported deck's) answered one by one in ``kb review --web``."""
    from tests.review_web_support import WebReview, kb_env

    ran: list[str] = []
    shown = 0
    review = WebReview(hostile_root, env=kb_env(hostile_root, KB_NOW="2026-03-09T09:00:00Z"))
    try:
        with browser() as chromium:
            context = chromium.new_context()
            context.route("**/*", lambda r: r.continue_() if "127.0.0.1" in r.request.url else r.abort())
            page = context.new_page()
            page.goto(review.url)
            page.wait_for_function("() => ['card', 'done'].includes(document.body.dataset.kind)")
            while page.evaluate("document.body.dataset.kind") == "card" and shown < 60:
                shown += 1
                page.keyboard.press("Space")
                page.locator("#grade-bar").wait_for(state="visible")
                page.evaluate("document.querySelectorAll('#card .kb-blank, #card a').forEach(e => e.click())")
                value = page.evaluate("window.__xss")
                if value is not None:
                    ran.append(f"card {shown}: {value}")
                before = page.evaluate("document.body.dataset.seq || ''")
                page.keyboard.press("3")
                page.wait_for_function(
                    "b => document.body.dataset.seq !== b && !document.body.dataset.busy", arg=before
                )
            context.close()
    finally:
        review.kill()
    assert shown >= 10  # the hostile cards were shown
    assert not ran, "\n".join(ran)
