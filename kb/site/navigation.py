"""A folder with many notes is shown in the navigation as alphabetical groups ("Atomic Habits – Deep Work").

Material renders the visible navigation into every page, so a folder of 500 notes would cost 500 links on each of
them; in groups of at most ``size`` it costs a few.
"""

from __future__ import annotations

from collections.abc import Callable

from mkdocs.structure.nav import Navigation, Section

from kb.site.pages import esc

TitleOf = Callable[[object], str]


def name_sections(nav: Navigation, title_of: TitleOf) -> None:
    """Every section named as its folder's ``index.md`` is titled (``ml/`` with ``title: Machine Learning``), else
    as MkDocs names it but with a short all-consonant folder name kept as an acronym (``ml`` -> ML, not "Ml").
    The theme prints a section's title as HTML; a title or a folder name is text, so it is escaped here."""

    def walk(items) -> None:
        for item in items:
            if not item.is_section:
                continue
            index = next((c for c in item.children if c.is_page and c.is_index), None)
            title = (title_of(index) if index is not None else "") or item.title
            if len(title) <= 4 and title.isalpha() and not set(title.lower()) & set("aeiouy"):
                title = title.upper()  # a folder's name, as an acronym
            item.title = esc(title)
            walk(item.children)

    walk(nav.items)


def group_long_sections(nav: Navigation, size: int, title_of: TitleOf) -> None:
    """Every section (at any depth) with more than ``size`` pages gets its pages split into even groups, in their
    order, each named after its first and last page. A ``size`` below 2 leaves the navigation as it is."""
    if not size or size < 2:
        return
    for item in nav.items:
        if item.is_section:
            _group_section(item, size, title_of)


def _group_section(section: Section, size: int, title_of: TitleOf) -> None:
    for child in section.children:
        if child.is_section:
            _group_section(child, size, title_of)
    pages = [c for c in section.children if c.is_page and not c.is_index]
    if len(pages) <= size:
        return
    others = [c for c in section.children if not (c.is_page and not c.is_index)]
    groups = []
    count = -(-len(pages) // size)
    per = -(-len(pages) // count)
    for start in range(0, len(pages), per):
        chunk = pages[start : start + per]
        first, last = (title_of(p) for p in (chunk[0], chunk[-1]))
        # The theme prints a section's title as HTML; a note's title is text.
        group = Section(esc(f"{short_title(first)} – {short_title(last)}"), chunk)
        group.parent = section
        for page in chunk:
            page.parent = group
        groups.append(group)
    section.children = others + groups


def short_title(title: str) -> str:
    return title if len(title) <= 18 else title[:16].rstrip() + "…"
