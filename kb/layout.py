"""Where kb keeps its state under a knowledge-base root, as plain strings.

The no-op ``kb index`` (``kb.index.scanstate.quick_index``) finds the database and the journal from these without
importing pathlib or ``kb.config``; ``kb.config.KnowledgeBase`` gives every path under ``.kb/`` from them as a
property. Nothing else spells ``.kb``.
"""

from __future__ import annotations

import os
import stat

CONFIG_NAME = "mkdocs.yml"
STATE_DIR = ".kb"  # git-ignored but for the journal, the parameters and the templates
DB_NAME = "kb.db"
JOURNAL_DIR = "journal"  # <device>.jsonl, one per device
PARAMETERS_NAME = "parameters.json"  # written by `kb optimize`
DRAFTS_DIR = "drafts"  # text kept when the editor of `kb add` failed
TEMPLATES_DIR = f"{STATE_DIR}/templates"  # the default of the templates_dir setting


def db_file(root: str) -> str:
    """The SQLite file: ``$KB_DB`` or ``<root>/.kb/kb.db``."""
    env = os.environ.get("KB_DB")
    return os.path.expanduser(env) if env else os.path.join(root, STATE_DIR, DB_NAME)


def closed_stamp(db: str) -> str:
    """Size and mtime of the database when kb last closed it (``kb.store.connection``): a file that differs was
    changed by something else (another program, a crash), and is checked before use."""
    return f"{db}-closed"


def journal_dir(root: str) -> str:
    return os.path.join(root, STATE_DIR, JOURNAL_DIR)


def journal_entries(journal_dir: str) -> list[tuple[os.DirEntry, os.stat_result]]:
    """The journal files (``*.jsonl``, regular files) with their stat, one stat each (scandir's); none when the
    folder does not exist. The fast no-op index and the replay list them the same way."""
    try:
        entries = list(os.scandir(journal_dir))
    except FileNotFoundError:
        return []
    found = []
    for entry in entries:
        if entry.name.endswith(".jsonl"):
            try:
                st = entry.stat()
            except OSError:
                continue
            if stat.S_ISREG(st.st_mode):
                found.append((entry, st))
    return found


def find_root(explicit: str | None = None, start: str | None = None) -> str | None:
    """The knowledge-base root: ``explicit``, then ``$KB_ROOT``, then the nearest folder holding mkdocs.yml at or
    above ``start`` (default: here). None when there is none; ``kb.config.find_root`` then says why."""
    given = explicit or os.environ.get("KB_ROOT")
    if given:
        root = os.path.realpath(os.path.expanduser(given))
        return root if os.path.isfile(os.path.join(root, CONFIG_NAME)) else None
    here = os.path.realpath(start or os.getcwd())
    while True:
        if os.path.isfile(os.path.join(here, CONFIG_NAME)):
            return here
        parent = os.path.dirname(here)
        if parent == here:
            return None
        here = parent


def config_key(root: str) -> str:
    """What identifies one version of mkdocs.yml (the config cache's key): size, mtime and inode."""
    st = os.stat(os.path.join(root, CONFIG_NAME))
    return f"{st.st_size} {st.st_mtime_ns} {st.st_ino}"


# A folder's own page (MkDocs: its section's index; ``notes/index.md`` is the home page), any case: a page of the
# site, not a note. It is indexed (links to it resolve, search finds it), but kb counts and lists notes without it.
SECTION_PAGE_NAMES = ("index.md", "readme.md")


def count_scanned(total: int, snapshot: bytes) -> str:
    """``kb index``'s count of what it scanned, from the scan's snapshot (``path NUL size NUL mtime`` lines):
    "20 notes, 6 section pages" (section pages said only when there are any), so the number of notes is the one
    ``kb notes list`` and ``kb stats`` give. Two C-level counts, no loop over the notes."""
    low = snapshot.lower()
    pages = sum(low.count(b"/" + name.encode() + b"\0") for name in SECTION_PAGE_NAMES)
    return f"{total - pages} notes" + (f", {pages} section page{'s' if pages != 1 else ''}" if pages else "")
