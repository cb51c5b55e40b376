"""An Obsidian note on the built site, in Chromium: callouts show as Material admonitions and fold, comments are
not on the page."""

from __future__ import annotations

import pytest

from tests.browser_support import PageWatch, browser, build, needs_chromium, serve

pytestmark = [pytest.mark.browser, needs_chromium]

VAULT_NOTE = """
# Cell biology

> [!note] Remember
> Cells are the unit of life.

> [!tip]- Folded by default
> The nucleus holds the DNA.
> > [!warning]+ Nested and open
> > Ribosomes make proteins.

Shown text %%a private remark%% continues.

%%
Draft paragraph nobody should read.
%%
"""


def test_callouts_are_admonitions_that_fold_and_comments_are_hidden(make_kb):
    kb = make_kb({"index.md": "# Home\n", "cells.md": VAULT_NOTE}, site=True)
    result = build(kb.root)
    assert result.returncode == 0, result.stderr
    with serve(kb.root / "site") as url, browser() as chromium:
        context = chromium.new_context()
        tab = PageWatch(context)
        page = tab.page
        page.goto(url + "cells/")
        article = page.locator("article")
        note = article.locator(".admonition.note")
        assert note.locator(".admonition-title").inner_text() == "Remember"
        assert note.locator("p", has_text="unit of life").is_visible()
        # Material styles it as its own: a coloured border, the title's icon drawn before it
        assert note.evaluate("e => getComputedStyle(e).borderLeftWidth") != "0px"

        folded = article.locator("details.tip")
        assert folded.locator("> summary").inner_text().strip() == "Folded by default"
        assert not folded.get_by_text("The nucleus holds the DNA.").is_visible()
        folded.locator("> summary").click()
        page.get_by_text("The nucleus holds the DNA.").wait_for(state="visible")
        nested = folded.locator("details.warning")
        assert nested.get_attribute("open") is not None
        assert nested.get_by_text("Ribosomes make proteins.").is_visible()

        text = article.inner_text()
        assert "Shown text" in text and "continues" in text
        assert "private remark" not in text and "Draft paragraph" not in text and "%%" not in text
        assert "[!" not in text
        assert tab.errors == [] and tab.blocked == []
        context.close()
