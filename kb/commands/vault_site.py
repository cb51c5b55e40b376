"""The mkdocs.yml ``kb init --from-obsidian`` writes next to a vault that has none: a complete, working site, the
Material theme with the features and the Markdown extensions of kb's own mkdocs.yml (tests keep the two in step),
so a vault's cards, clozes, callouts and math render as on kb's own site."""

from __future__ import annotations

import json

_THEME = """\
# Instant navigation needs site_url (it reads sitemap.xml to know which links are internal).
site_url: http://127.0.0.1:8000/
use_directory_urls: true

theme:
  name: material
  # No web fonts: the site works with no network at all.
  font: false
  language: en
  icon:
    logo: material/book-open-page-variant
    repo: material/git
  palette:
    - media: "(prefers-color-scheme: light)"
      scheme: default
      primary: indigo
      accent: amber
      toggle:
        icon: material/weather-night
        name: Switch to dark mode
    - media: "(prefers-color-scheme: dark)"
      scheme: slate
      primary: indigo
      accent: amber
      toggle:
        icon: material/weather-sunny
        name: Switch to light mode
  features:
    - navigation.instant
    - navigation.instant.prefetch
    - navigation.instant.preview
    - navigation.instant.progress
    - navigation.tracking
    - navigation.indexes
    - navigation.top
    - navigation.prune
    - navigation.footer
    - search.suggest
    - search.highlight
    - search.share
    - content.code.copy
    - content.code.annotate
    - content.tabs.link
    - content.tooltips
    - content.footnote.tooltips
    - toc.follow

# (No Material tags plugin: it stops the build at an Obsidian note's `tags: a/b`, a string where it wants a list.)
plugins:
  - search
  - kb
"""

MARKDOWN_EXTENSIONS = """\
markdown_extensions:
  - abbr
  - admonition
  - attr_list
  - def_list
  - footnotes
  - md_in_html
  - tables
  - toc:
      permalink: true
      toc_depth: 3
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.highlight:
      anchor_linenums: true
      line_spans: __span
      pygments_lang_class: true
  - pymdownx.inlinehilite
  - pymdownx.mark
  - pymdownx.caret
  - pymdownx.tilde
  - pymdownx.keys
  - pymdownx.smartsymbols
  - pymdownx.tasklist:
      custom_checkbox: true
  - pymdownx.tabbed:
      alternate_style: true
  - pymdownx.arithmatex:
      # The kb plugin ships MathJax with the site (no CDN): generic mode leaves \\( \\) and \\[ \\] for it.
      generic: true
  - pymdownx.emoji:
      emoji_index: !!python/name:material.extensions.emoji.twemoji
      emoji_generator: !!python/name:material.extensions.emoji.to_svg

extra:
  generator: false
"""

# what the kb site cannot do without: the theme, and the extensions its cards and clozes are written in
NEEDED_EXTENSIONS = (
    "admonition",
    "pymdownx.details",
    "pymdownx.superfences",
    "pymdownx.mark",
    "pymdownx.arithmatex",
)


def new_config(site_name: str, docs_dir: str) -> str:
    """mkdocs.yml's text for a vault at ``docs_dir`` (the kb plugin's options are set by ``kb.commands.init``)."""
    head = f"site_name: {json.dumps(site_name, ensure_ascii=False)}\ndocs_dir: {json.dumps(docs_dir)}\n"
    return head + _THEME + "\n" + MARKDOWN_EXTENSIONS


def missing_site_parts(config: dict) -> list[str]:
    """What a loaded mkdocs.yml lacks for the kb site to render cards (empty when nothing)."""
    missing = []
    theme = config.get("theme")
    name = theme.get("name") if isinstance(theme, dict) else theme
    if name != "material":
        missing.append("theme: material")
    have = set()
    for item in config.get("markdown_extensions") or []:
        have |= set(item) if isinstance(item, dict) else {str(item)}
    missing += [f"markdown_extensions: {e}" for e in NEEDED_EXTENSIONS if e not in have]
    return missing
