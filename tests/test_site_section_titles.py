"""A section of the site is named by its folder's index.md title, else its folder name with acronyms kept (not "Ml")."""

from __future__ import annotations

from mkdocs.structure.nav import get_navigation

from kb.site.navigation import name_sections
from tests.browser_support import site_notes


def test_sections_take_their_index_title_or_keep_an_acronym(make_kb):
    root = make_kb(
        {
            "index.md": "# Home\n",
            "ml/index.md": "---\ntitle: Machine Learning\n---\n# Machine Learning\n",
            "ml/rnns.md": "# RNNs\n",
            "nlp/bert.md": "# BERT\n",
            "books/deep-work.md": "# Deep Work\n",
            "taxes/index.md": "Notes on taxes, with no title.\n",
        },
        site=True,
    ).root
    config, files, notes = site_notes(root)
    nav = get_navigation(files, config)
    name_sections(nav, notes.title_of)
    titles = [item.title for item in nav.items if item.is_section]
    assert titles == ["Books", "Machine Learning", "NLP", "Taxes"]
