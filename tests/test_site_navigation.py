"""A folder with many notes is shown in alphabetical groups in the navigation (the plugin's ``nav_group_size``)."""

from __future__ import annotations

import re

from mkdocs.structure.nav import get_navigation

from kb.site.navigation import group_long_sections, short_title
from kb.site.notes import SiteNotes
from tests.browser_support import build, site_files
from tests.conftest import write_kb


def _nav(tmp_path, notes: dict[str, str]):
    root = write_kb(tmp_path, notes).root
    config, files = site_files(root)
    return get_navigation(files, config), files, config


def _folder(n: int, folder: str = "books") -> dict[str, str]:
    return {f"{folder}/note-{i:03d}.md": f"# Note {i:03d}\n" for i in range(n)}


def _title(page) -> str:
    return page.file.src_uri.rsplit("/", 1)[-1].removesuffix(".md").replace("note-", "Note ")


def _section(nav, title: str):
    return next(item for item in nav.items if item.is_section and item.title == title)


def _pages(section) -> list[str]:
    return [child.file.src_uri for child in section.children if child.is_page]


def test_a_folder_over_the_size_is_split_into_even_groups_named_by_their_ends(tmp_path):
    nav, _, _ = _nav(tmp_path, {"index.md": "# Home\n", **_folder(7)})
    group_long_sections(nav, 3, _title)
    books = _section(nav, "Books")
    assert [group.title for group in books.children] == [
        "Note 000 – Note 002",
        "Note 003 – Note 005",
        "Note 006 – Note 006",
    ]
    assert [len(group.children) for group in books.children] == [3, 3, 1]


def test_groups_are_as_even_as_the_fewest_groups_allow(tmp_path):
    nav, _, _ = _nav(tmp_path, _folder(130))
    group_long_sections(nav, 60, _title)
    sizes = [len(group.children) for group in _section(nav, "Books").children]
    assert sizes == [44, 44, 42]  # three groups (two would exceed 60), not 60 + 60 + 10


def test_every_page_keeps_its_order_and_its_new_parent(tmp_path):
    nav, _, _ = _nav(tmp_path, _folder(10))
    before = _pages(_section(nav, "Books"))
    group_long_sections(nav, 4, _title)
    books = _section(nav, "Books")
    after = [page.file.src_uri for group in books.children for page in group.children]
    assert after == before
    for group in books.children:
        assert group.is_section and group.parent is books
        assert all(page.parent is group for page in group.children)


def test_a_folder_at_the_size_or_a_size_below_two_is_left_alone(tmp_path):
    for size in (5, 0, 1):
        nav, _, _ = _nav(tmp_path / str(size), _folder(5))
        group_long_sections(nav, size, _title)
        books = _section(nav, "Books")
        assert all(child.is_page for child in books.children), size
        assert len(books.children) == 5


def test_the_folder_index_and_subfolders_stay_before_the_groups(tmp_path):
    notes = {"books/index.md": "# Books\n", **_folder(5), **_folder(2, "books/old")}
    nav, _, _ = _nav(tmp_path, notes)
    group_long_sections(nav, 2, _title)
    books = _section(nav, "Books")
    kinds = [
        "index" if child.is_page else ("folder" if child.title == "Old" else "group")
        for child in books.children
    ]
    assert kinds == ["index", "folder", "group", "group", "group"]
    assert books.children[0].file.src_uri == "books/index.md"
    old = books.children[1]
    assert _pages(old) == ["books/old/note-000.md", "books/old/note-001.md"]  # at the size: not grouped


def test_nested_folders_are_grouped_too_but_top_level_pages_are_not(tmp_path):
    notes = {**_folder(4, "ml/deep"), **{f"top-{i}.md": f"# Top {i}\n" for i in range(4)}}
    nav, _, _ = _nav(tmp_path, notes)
    group_long_sections(nav, 2, _title)
    deep = _section(nav, "Ml").children[0]
    assert [len(group.children) for group in deep.children] == [2, 2]
    assert sum(1 for item in nav.items if item.is_page) == 4


def test_group_names_use_the_notes_titles_shortened(tmp_path):
    notes = {
        "books/a.md": "---\ntitle: A Philosophy of Software Design\n---\n# x\n",
        "books/b.md": "---\ntitle: Atomic Habits\n---\n# x\n",
        "books/c.md": "# No front matter title\n",
    }
    nav, files, config = _nav(tmp_path, notes)
    site_notes = SiteNotes()
    site_notes.configure(site_notes.settings, "notes")
    site_notes.read(files)
    group_long_sections(nav, 2, site_notes.title_of)
    titles = [group.title for group in _section(nav, "Books").children]
    assert titles == ["A Philosophy of… – Atomic Habits", "No front matter… – No front matter…"]


def test_short_title_keeps_short_ones_and_cuts_long_ones_at_a_word_edge():
    assert short_title("Atomic Habits") == "Atomic Habits"
    assert short_title("Exactly eighteen c") == "Exactly eighteen c"
    assert short_title("Recurrent Neural Networks") == "Recurrent Neural…"
    assert short_title("Deep Work by Cal N.") == "Deep Work by Cal…"


def test_the_built_site_shows_the_groups_in_its_navigation(make_kb):
    root = make_kb({"index.md": "# Home\n", **_folder(5)}, site=True, nav_group_size=3).root
    result = build(root)
    assert result.returncode == 0, result.stderr
    page = (root / "site" / "books" / "note-004" / "index.html").read_text(encoding="utf-8")
    labels = [
        re.sub(r"\s+", " ", label).strip()
        for label in re.findall(r"md-nav__link[^>]*>\s*<span[^>]*>([^<]+)", page)
    ]
    assert "Note 000 – Note 002" in labels and "Note 003 – Note 004" in labels
