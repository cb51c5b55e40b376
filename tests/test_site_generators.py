"""The shipped notes built by three generators, MkDocs 1.6 (``--strict``), ProperDocs and Zensical (from the folder
``kb site`` writes), each site opened in Chromium: cards reveal, clozes hide and show, math renders, wiki links
resolve and no card syntax or ``[[`` is left in any page."""

from __future__ import annotations

import html
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser_support import REPO, PageWatch, browser, build, mkdocs_env, needs_chromium, serve
from tests.conftest import write_kb

pytestmark = [pytest.mark.browser, needs_chromium]

BIN = Path(sys.executable).parent
GENERATORS = ["mkdocs", "properdocs", "zensical"]


def _run(cmd: list[str], cwd: Path, root: Path) -> None:
    env = dict(mkdocs_env(), KB_ROOT=str(root))
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"{cmd}: {result.stdout}\n{result.stderr}"


@pytest.fixture(scope="module", params=GENERATORS)
def built(request, tmp_path_factory):
    """(generator, the built site's folder) for the shipped notes, indexed by kb so the study pages have data."""
    root = write_kb(tmp_path_factory.mktemp(request.param), REPO / "notes", site=True).root
    _run([sys.executable, "-m", "kb", "index"], root, root)
    if request.param == "mkdocs":
        result = build(root, strict=True)
        assert result.returncode == 0, result.stderr
        return request.param, root / "site"
    if request.param == "properdocs":
        _run([str(BIN / "properdocs"), "build", "--strict", "-f", "mkdocs.yml"], root, root)
        return request.param, root / "site"
    out = root.parent / "zensical-site"
    _run([sys.executable, "-m", "kb", "site", str(out)], root, root)
    _run([str(BIN / "zensical"), "build", "-f", str(out / "mkdocs.yml")], out, root)
    return request.param, out / "site"


def _visible_text(page: str) -> str:
    """A page's text as a reader sees it: no scripts, styles, code or tags."""
    page = re.sub(r"(?is)<(script|style|code|pre)\b.*?</\1>", " ", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _note_pages(site: Path) -> list[Path]:
    skip = ("assets", "search", "study", "tags")
    return [p for p in site.rglob("index.html") if p.relative_to(site).parts[0] not in skip]


def test_no_card_syntax_or_wiki_link_is_left_in_any_page(built):
    _generator, site = built
    pages = _note_pages(site)
    assert len(pages) >= 20
    for page in pages:
        text = _visible_text(page.read_text(encoding="utf-8"))
        for raw in ("::", "{{c", "[["):
            assert raw not in text, f"{page.relative_to(site)} shows {raw!r}"


def test_every_link_in_the_notes_leads_to_a_built_page(built):
    _generator, site = built
    for page in _note_pages(site):
        source = page.read_text(encoding="utf-8")
        article = source[source.find("<article") : source.find("</article>")]
        for href in re.findall(r'<a [^>]*href="([^"#:?]+)(?:#[^"]*)?"', article):
            target = (page.parent / html.unescape(href)).resolve()
            found = target / "index.html" if target.is_dir() else target
            assert found.is_file(), f"{page.relative_to(site)} links to {href}, which was not built"


@pytest.fixture(scope="module")
def chromium():
    with browser() as b:
        yield b


def test_cards_clozes_math_and_links_work_in_the_browser(built, chromium):
    from playwright.sync_api import expect

    generator, site = built
    context = chromium.new_context()
    tab = PageWatch(context)
    try:
        with serve(site) as url:
            page = tab.page
            page.goto(url + "books/atomic-habits/")
            card = page.locator(
                "article details.question", has_text="What are the four laws of behaviour change?"
            )
            answer = card.get_by_text("make it satisfying")
            assert not answer.is_visible()
            card.locator("summary").click()
            answer.wait_for(state="visible")
            blank = page.locator(
                "article p .kb-blank", has=page.locator(".kb-blank-hint", has_text="[a duration]")
            ).first
            assert not blank.locator(".kb-blank-answer").is_visible()
            blank.click()
            blank.locator(".kb-blank-answer").wait_for(state="visible")
            backlinks = page.locator("#kb-linked-from ~ .kb-backlinks a")
            assert backlinks.count() >= 1, f"{generator}: no backlinks"

            page.goto(url + "ml/rnns/")
            page.wait_for_selector("article mjx-container svg")
            page.locator("article a", has_text="Weight initialization").first.click()
            page.wait_for_url(re.compile(r"/ml/weight-initialization/$"))
            expect(page.locator("article h1")).to_contain_text(
                "Weight"
            )  # instant navigation: content follows

            page.goto(url + "study/quiz/")
            page.locator(".kb-quiz-progress").first.wait_for()
        assert tab.blocked == [] and tab.errors == [], (tab.blocked, tab.errors)
    finally:
        context.close()
