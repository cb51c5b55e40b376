"""``kb site DIR``: a site project for generators that run no MkDocs plugin (Zensical).

Zensical reads mkdocs.yml and runs kb's Markdown extension (cards, clozes, wiki links, embeds, backlinks), but not
the kb plugin: no study pages, no kb.js (cloze blanks that reveal, the deck's study mode, quizzes) and no bundled
MathJax. This writes, into a folder the user chooses (never the notes folder)::

    DIR/mkdocs.yml       the knowledge base's mkdocs.yml, pointed at DIR/docs, with kb's scripts and styles
    DIR/docs/            a copy of the notes, the generated study pages (stats, review queue, quizzes) as real
                         Markdown files, and kb's assets (kb.js, kb.css, MathJax)

Run it again to bring the folder up to date; ``zensical build -f DIR/mkdocs.yml`` builds it. Only files it wrote
itself (listed in DIR/.kb-site) are ever replaced or removed.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from kb.errors import KbError

MANIFEST = ".kb-site"
ASSET_DIR = "assets/kb"


@dataclass
class SiteReport:
    folder: Path
    notes: int = 0
    study_pages: list[str] = field(default_factory=list)
    assets: int = 0
    removed: int = 0


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def check_folder(out: Path, notes: Path) -> None:
    """Refuse a folder in (or the same as) the notes folder, one whose docs/ would be the notes folder, and one that
    holds files kb site did not write."""
    out, notes = out.resolve(), notes.resolve()
    if _inside(out, notes) or _inside(notes, out / "docs"):
        raise KbError(f"{out}: kb site never writes into the notes folder ({notes}); choose another folder")
    if out.is_dir() and any(out.iterdir()) and not (out / MANIFEST).is_file():
        raise KbError(
            f"{out}: the folder is not empty and was not made by kb site; choose a new or empty folder"
        )


def write_site(root: Path, config: dict, out: Path) -> SiteReport:
    """Write (or bring up to date) the site project in ``out``; see the module's text."""
    from kb.config import make_settings, notes_dir, plugin_options

    notes = notes_dir(root, config)
    out = out.resolve()
    check_folder(out, notes)
    docs = out / "docs"
    report = SiteReport(out)
    written: set[str] = set()

    def put(rel: str, data: bytes) -> None:
        path = out / rel
        written.add(rel)
        try:
            if path.read_bytes() == data:
                return
        except OSError:
            pass
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)

    for folder, dirs, names in os.walk(notes):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(n for n in names if not n.startswith(".")):
            source = Path(folder) / name
            rel = source.relative_to(notes).as_posix()
            put(f"docs/{rel}", source.read_bytes())
            report.notes += name.endswith(".md")
    for page in _study_pages(root, config, notes, make_settings(plugin_options(config))):
        if not (notes / page.src).exists():  # a page the user wrote at the same path wins
            put(f"docs/{page.src}", page.content.encode("utf-8"))
            report.study_pages.append(page.src)
    for uri, source in _assets().items():
        put(f"docs/{uri}", source.read_bytes())
        report.assets += 1
    put("mkdocs.yml", site_config(root, docs).encode("utf-8"))
    report.removed = _remove_stale(out, written)
    (out / MANIFEST).write_text("\n".join(sorted(written)) + "\n", encoding="utf-8")
    return report


def _study_pages(root: Path, config: dict, notes: Path, settings) -> list:
    from kb.config import plugin_options
    from kb.site.notes import SiteNotes
    from kb.site.study import QuizOptions, StudyPages

    site_notes = SiteNotes()
    site_notes.configure(settings, notes.relative_to(root).as_posix() if _inside(notes, root) else "")
    site_notes.use_directory_urls = bool(config.get("use_directory_urls", True))
    site_notes.read_folder(notes)
    options = plugin_options(config)
    quiz = QuizOptions(
        int(options.get("quiz_questions", 20)),
        int(options.get("quiz_min_notes", 2)),
        int(options.get("quiz_tag_pages", 30)),
    )
    pages = StudyPages().pages(site_notes, root, settings, quiz)
    return [p for p in pages if p.src != "tags.md"]  # the tags index needs Material's tags plugin


def _assets() -> dict[str, Path]:
    from kb.site.static import ASSETS, MATHJAX_FILE, MATHJAX_SAFE, OWN_FILES, mathjax_dir

    wanted = {f"{ASSET_DIR}/{name}": ASSETS / name for name in OWN_FILES}
    mathjax = mathjax_dir()
    if mathjax is not None:
        wanted[f"{ASSET_DIR}/mathjax/{MATHJAX_FILE}"] = mathjax / MATHJAX_FILE
        wanted[f"{ASSET_DIR}/mathjax/{MATHJAX_SAFE}"] = mathjax / MATHJAX_SAFE  # loaded by mathjax-config.js
    return wanted


def site_config(root: Path, docs: Path) -> str:
    """The knowledge base's mkdocs.yml for the folder: its notes in ``docs``, kb's scripts and styles added, paths
    made absolute (the file is edited as text: its ``!!python/name`` tags stay as written)."""
    from kb.site.static import MATHJAX_FILE

    text = (root / "mkdocs.yml").read_text(encoding="utf-8")
    text = re.sub(r"(?m)^docs_dir:.*\n", "", text)
    text = re.sub(r"(?m)^site_dir:.*\n", "", text)
    text = re.sub(
        r"(?m)^(\s+custom_dir:\s*)(\S+)\s*$",
        lambda m: f"{m.group(1)}{(root / m.group(2)).resolve().as_posix()}",
        text,
    )
    extension = (
        f"  - kb.site.markdown_ext:\n      docs_dir: {docs.as_posix()}\n"
        f"      config_file: {(root / 'mkdocs.yml').resolve().as_posix()}\n"
        "      source_links_in_html: true\n"
    )
    text, found = re.subn(r"(?m)^  - kb\.site\.markdown_ext:?\s*\n(?:      .*\n)*", extension, text)
    if not found:
        if re.search(r"(?m)^markdown_extensions:", text):
            text = re.sub(r"(?m)^markdown_extensions:.*\n", lambda m: m.group(0) + extension, text, count=1)
        else:
            text += "markdown_extensions:\n" + extension
    scripts = [f"{ASSET_DIR}/mathjax-config.js", f"{ASSET_DIR}/mathjax/{MATHJAX_FILE}", f"{ASSET_DIR}/kb.js"]
    head = (
        "# Written by `kb site`: run it again after changing the notes or the knowledge base's mkdocs.yml.\n"
    )
    head += "docs_dir: docs\nsite_dir: site\n"  # relative to this file (Zensical stops on absolute ones)
    tail = ""
    if not re.search(r"(?m)^extra_javascript:", text):
        tail += "extra_javascript:\n" + "".join(f"  - {s}\n" for s in scripts)
    if not re.search(r"(?m)^extra_css:", text):
        tail += f"extra_css:\n  - {ASSET_DIR}/kb.css\n"
    return head + text.rstrip("\n") + "\n" + tail


def _remove_stale(out: Path, written: set[str]) -> int:
    """Files an earlier run wrote that this one did not (a deleted note's copy): removed, nothing else."""
    try:
        before = (out / MANIFEST).read_text(encoding="utf-8").split()
    except OSError:
        return 0
    removed = 0
    for rel in before:
        if rel not in written and (out / rel).is_file():
            (out / rel).unlink()
            removed += 1
    if removed:
        for folder, _dirs, _names in sorted(os.walk(out / "docs"), key=lambda t: -len(t[0])):
            if not os.listdir(folder):
                os.rmdir(folder)
    return removed
