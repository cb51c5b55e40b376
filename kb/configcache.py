"""mkdocs.yml as kb last read it, so a command does not parse YAML again while the file is unchanged.

Every command starts by reading mkdocs.yml (the notes folder, the site URL, the kb plugin's settings), which costs
an import of PyYAML and a parse: about 20 ms, a fifth of a no-op ``kb index``. What ``KnowledgeBase.open`` derived
from it is kept in a small JSON file beside the database (``.kb/kb.db-config``, git-ignored with it), keyed by the
size, mtime and inode of mkdocs.yml and the root's path (a moved folder keeps them). A changed mkdocs.yml never
matches, so it is parsed and validated again and its errors reported as before; the settings are re-validated from
the cached options every time (cheap).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from kb.config import CONFIG_NAME, KnowledgeBase, config_key, db_path, find_root, make_settings


def cache_path(db: Path) -> Path:
    return Path(f"{db}-config")


def _key(root: Path) -> str:
    return config_key(root)


def cached_kb(root: Path, db: Path) -> KnowledgeBase | None:
    """The KnowledgeBase from the cache, without parsing mkdocs.yml; None when mkdocs.yml changed since."""
    try:
        with open(cache_path(db), encoding="utf-8") as fh:
            data = json.load(fh)
        if data["key"] != _key(root) or data["root"] != str(root):  # a moved folder keeps mtime and inode
            return None
        return _build(root, db, data)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _build(root: Path, db: Path, data: dict) -> KnowledgeBase:
    return KnowledgeBase(
        root=root,
        notes=Path(data["notes"]),
        db=db,
        settings=make_settings(data["options"], where=str(root / CONFIG_NAME)),
        site_url=data["site_url"],
        config_key=data["key"],
    )


# KnowledgeBases opened from mkdocs.yml in this process, by id, whose cache is not written yet: commands write it
# once they have opened the store (``remember``), so a command that fails early leaves no file behind.
_unsaved: dict[int, KnowledgeBase] = {}


def open_kb(root: str | os.PathLike | None = None) -> KnowledgeBase:
    """``KnowledgeBase.open(root)``, from the cache while mkdocs.yml is unchanged."""
    found = find_root(explicit=root)
    db = db_path(found)
    cached = cached_kb(found, db)
    if cached is not None:
        return cached
    kb = KnowledgeBase.open(found)
    _unsaved[id(kb)] = kb
    return kb


def remember_opened(kb: KnowledgeBase) -> None:
    """Write the cache if ``kb`` came from ``open_kb`` parsing mkdocs.yml (no-op when it came from the cache)."""
    if _unsaved.pop(id(kb), None) is kb:
        remember(kb)


def remember(kb: KnowledgeBase) -> None:
    """Write the cache for a KnowledgeBase just opened from mkdocs.yml.

    Only when rebuilding from the cached values gives back an equal KnowledgeBase (options that JSON cannot carry,
    or a field this module does not know about, mean no cache, never a wrong one).
    """
    from kb.config import load_mkdocs_yml, plugin_options

    try:
        # mkdocs.yml as it was before kb read it: if it changed since, the key never matches
        key = kb.config_key or _key(kb.root)
        options = plugin_options(load_mkdocs_yml(kb.root))
        data = {
            "key": key,
            "root": str(kb.root),
            "notes": str(kb.notes),
            "site_url": kb.site_url,
            "options": options,
        }
        data = json.loads(json.dumps(data))
        rebuilt = _build(kb.root, kb.db, data)
        if rebuilt != kb or rebuilt.settings.extra != kb.settings.extra or key != _key(kb.root):
            return
        if (
            not kb.db.parent.is_dir()
        ):  # never the first to create .kb/: a failing command leaves nothing behind
            return
        tmp = cache_path(kb.db).with_name(cache_path(kb.db).name + f".{os.getpid()}")
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh)
        os.replace(tmp, cache_path(kb.db))
    except Exception:  # noqa: BLE001 - only a cache: the next command parses mkdocs.yml again
        return
