"""The kb plugin's `search: pagefind`: a real `mkdocs build` indexed by the real Pagefind, searched in Chromium
from Material's header, built or served by `mkdocs serve`."""

from __future__ import annotations

import re
import socket
import subprocess
import sys
import threading

import pytest

from tests.browser_support import PageWatch, browser, build, mkdocs_env, needs_chromium, serve

NOTES = {
    "index.md": "# Home\n\nWelcome. See [[Cells]] and [[Stars]].\n",
    "bio/cells.md": (
        "---\ntags: [biology]\n---\n# Cells\n\nThe mitochondria is the powerhouse of the cell.\n\n"
        "## Organelles\n\nRibosomes translate messenger RNA.\n\nWhat holds the DNA?::The nucleus\n"
    ),
    "space/stars.md": "---\ntags: [astronomy]\n---\n# Stars\n\nA red giant has used up the hydrogen in its core.\n",
    "space/quiet.md": "---\nsearch:\n  exclude: true\n---\n# Quiet\n\nThe word zeppelinfisch is only here.\n",
}


@pytest.fixture(scope="module")
def pagefind_site(tmp_path_factory):
    from tests.conftest import write_kb

    kb = write_kb(tmp_path_factory.mktemp("pf"), NOTES, site=True, search="pagefind")
    result = build(kb.root)
    assert result.returncode == 0, result.stderr
    return kb.root


def test_the_build_has_a_pagefind_index_and_no_lunr_index(pagefind_site):
    site = pagefind_site / "site"
    assert (site / "pagefind" / "pagefind.js").is_file()
    assert any((site / "pagefind" / "fragment").iterdir())
    assert not (site / "search" / "search_index.json").exists()
    note = (site / "bio" / "cells" / "index.html").read_text(encoding="utf-8")
    assert "data-pagefind-body" in note and "assets/kb/pagefind-search.js" in note
    # Material's own search box is gone: the script writes the header's box
    assert 'data-md-component="search"' not in note
    # generated study pages and an excluded note are not searched
    quiz = next((site / "study").rglob("index.html")).read_text(encoding="utf-8")
    assert "data-pagefind-body" not in quiz
    assert "data-pagefind-body" not in (site / "space" / "quiet" / "index.html").read_text(encoding="utf-8")


def test_material_search_stays_the_default(make_kb):
    kb = make_kb({"index.md": "# Home\n\nHello.\n"}, site=True)
    result = build(kb.root)
    assert result.returncode == 0, result.stderr
    assert (kb.root / "site" / "search" / "search_index.json").is_file()
    assert not (kb.root / "site" / "pagefind").exists()
    assert "pagefind" not in (kb.root / "site" / "index.html").read_text(encoding="utf-8")


def _search(page, query):
    page.locator("label.md-header__button[for=__search], input.md-search__input").first.wait_for(
        state="attached"
    )
    page.keyboard.press("/")
    box = page.locator("input.md-search__input")
    box.wait_for(state="visible")
    box.press_sequentially(query)
    return page.locator(".md-search-result__list")


def _found_titles(results):
    return [t.strip() for t in results.locator(".md-search-result__item > a h1").all_inner_texts()]


@pytest.mark.browser
@needs_chromium
def test_typing_a_query_shows_the_note_and_its_link_opens_it(pagefind_site):
    from playwright.sync_api import expect

    with serve(pagefind_site / "site") as url, browser() as chromium:
        context = chromium.new_context()
        tab = PageWatch(context)
        page = tab.page
        requested: list[str] = []
        page.on("request", lambda r: requested.append(r.url))
        page.goto(url + "space/stars/")
        results = _search(page, "mitochondria")
        expect(results.locator(".md-search-result__item")).to_have_count(1)
        assert _found_titles(results) == ["Cells"]
        assert "powerhouse" in results.inner_text() and results.locator("mark").count() >= 1
        assert page.locator(".md-search-result__meta").inner_text() == "1 matching document"
        results.locator(".md-search-result__item > a").first.click()
        page.wait_for_url(url + "bio/cells/")
        expect(page.locator("article h1").first).to_contain_text("Cells")
        # nothing of lunr's: no index, no worker
        assert not any("search_index.json" in r or "/workers/search" in r for r in requested)
        assert any("/pagefind/" in r for r in requested)
        assert tab.errors == [] and tab.blocked == []
        context.close()


@pytest.mark.browser
@needs_chromium
def test_study_pages_excluded_notes_and_the_deck_are_not_found(pagefind_site):
    from playwright.sync_api import expect

    with serve(pagefind_site / "site") as url, browser() as chromium:
        context = chromium.new_context()
        page = PageWatch(context).page
        page.goto(url)
        results = _search(page, "zeppelinfisch")
        expect(page.locator(".md-search-result__meta")).to_have_text("No matching documents")
        page.locator("input.md-search__input").fill("")
        page.locator("input.md-search__input").press_sequentially("nucleus")
        # the card's answer is in the note (its card), once: the deck's copy and the quizzes are not searched
        expect(results.locator(".md-search-result__item")).to_have_count(1)
        assert _found_titles(results) == ["Cells"]
        context.close()


@pytest.mark.browser
@needs_chromium
def test_results_follow_the_dark_scheme(pagefind_site):
    from playwright.sync_api import expect

    with serve(pagefind_site / "site") as url, browser() as chromium:
        context = chromium.new_context(color_scheme="dark")
        page = PageWatch(context).page
        page.goto(url)
        assert page.locator("body").get_attribute("data-md-color-scheme") == "slate"
        results = _search(page, "hydrogen")
        expect(results.locator(".md-search-result__item")).to_have_count(1)
        # read in one go from the live list: results typed letter by letter may be drawn again meanwhile,
        # and a detached element has no computed style
        background, colour = page.wait_for_function(
            "() => { const e = document.querySelector('.md-search-result__link');"
            " const p = e && e.querySelector('p'); if (!p || !e.isConnected) return null;"
            " for (let n = e; n; n = n.parentElement) { const c = getComputedStyle(n).backgroundColor;"
            " if (c && c !== 'rgba(0, 0, 0, 0)') return [c, getComputedStyle(p).color]; } return null; }"
        ).json_value()
        assert _luminance(background) < 0.2 < _luminance(colour), (background, colour)
        context.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _luminance(css: str) -> float:
    r, g, b = (float(x) for x in re.findall(r"[\d.]+", css)[:3])
    return (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255


@pytest.mark.browser
@needs_chromium
def test_search_works_under_mkdocs_serve(make_kb):
    from playwright.sync_api import expect

    kb = make_kb(NOTES, site=True, search="pagefind")
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--no-livereload", "-a", f"127.0.0.1:{port}"],
        cwd=kb.root,
        env=mkdocs_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    log: list[str] = []
    ready, indexed = threading.Event(), threading.Event()

    def read():
        for line in proc.stderr:
            log.append(line)
            if "Serving on" in line:
                ready.set()
            if "Pagefind indexed" in line:
                indexed.set()

    threading.Thread(target=read, daemon=True).start()
    try:
        assert ready.wait(120), "".join(log)
        assert indexed.wait(120), "".join(
            log
        )  # beside the server: the page is served before the index is done
        with browser() as chromium:
            context = chromium.new_context()
            page = PageWatch(context).page
            page.goto(f"http://127.0.0.1:{port}/")
            results = _search(page, "giant")
            expect(results.locator(".md-search-result__item")).to_have_count(1)
            assert _found_titles(results) == ["Stars"]
            context.close()
    finally:
        proc.terminate()
        proc.wait(timeout=30)


ZENSICAL_SETTINGS = """
plugins:
  - search:
      enabled: false
extra_javascript:
  - assets/kb/pagefind-search.js
"""


@pytest.mark.browser
@needs_chromium
def test_a_zensical_build_gets_the_same_search_through_extra_javascript(make_kb):
    from playwright.sync_api import expect

    kb = make_kb(NOTES, site=True)
    config = (kb.root / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("  name: material\n", "  name: material\n  variant: classic\n", 1)
    config = config.replace("plugins:\n  - search\n", "plugins:\n  - search:\n      enabled: false\n", 1)
    (kb.root / "mkdocs.yml").write_text(config + "extra_javascript:\n  - assets/kb/pagefind-search.js\n")
    kb.write("bio/cells.md", NOTES["bio/cells.md"] + "\n> [!tip]- Folded\n> Lysosomes digest.\n")
    built = subprocess.run(
        [sys.executable, "-m", "zensical", "build"],
        cwd=kb.root,
        env=mkdocs_env(),
        capture_output=True,
        text=True,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    indexed = subprocess.run(
        [sys.executable, "-m", "kb.site.pagefind", "site"],
        cwd=kb.root,
        env=mkdocs_env(),
        capture_output=True,
        text=True,
    )
    assert indexed.returncode == 0, indexed.stderr
    assert (kb.root / "site" / "assets" / "kb" / "pagefind-search.js").is_file()
    with serve(kb.root / "site") as url, browser() as chromium:
        context = chromium.new_context()
        tab = PageWatch(context)
        page = tab.page
        page.goto(url + "space/stars/")
        results = _search(page, "ribosomes")
        expect(results.locator(".md-search-result__item")).to_have_count(1)
        assert _found_titles(results) == ["Cells"]
        # styled (Zensical has no styles for Material's search box: the script brings its own)
        assert results.evaluate("e => getComputedStyle(e).listStyleType") == "none"
        results.locator(".md-search-result__item > a").first.click()
        page.wait_for_url(url + "bio/cells/")
        # the callout is an admonition there too (kb.site.obsidian, a Markdown extension, runs under Zensical)
        expect(page.locator("details.tip > summary")).to_have_text("Folded")
        assert tab.errors == [] and tab.blocked == []
        context.close()
