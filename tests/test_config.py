import pytest

from kb.config import KnowledgeBase, db_path, find_root, load_mkdocs_yml, make_settings
from kb.errors import KbError


def test_root_is_found_by_walking_up(kbroot, monkeypatch):
    monkeypatch.delenv("KB_ROOT")
    deep = kbroot.notes / "books" / "sub"
    deep.mkdir(parents=True)
    assert find_root(start=deep) == kbroot.root.resolve()


def test_kb_root_env_and_explicit_root(kbroot, tmp_path, monkeypatch):
    assert find_root(start=tmp_path) == kbroot.root.resolve()
    monkeypatch.delenv("KB_ROOT")
    assert find_root(explicit=kbroot.root) == kbroot.root.resolve()


def test_outside_a_knowledge_base_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.delenv("KB_ROOT", raising=False)
    with pytest.raises(KbError, match="not inside a knowledge base"):
        find_root(start=tmp_path)
    with pytest.raises(KbError, match="no mkdocs.yml"):
        find_root(explicit=tmp_path)


def test_database_defaults_under_dot_kb_and_kb_db_overrides(kbroot, tmp_path, monkeypatch):
    assert db_path(kbroot.root) == kbroot.root / ".kb" / "kb.db"
    monkeypatch.setenv("KB_DB", str(tmp_path / "other.db"))
    assert db_path(kbroot.root) == tmp_path / "other.db"


def test_notes_folder_is_docs_dir(kbroot):
    kb = kbroot.open()
    assert kb.notes == (kbroot.root / "notes").resolve()


def test_mkdocs_yml_with_python_name_tags_loads(kbroot):
    (kbroot.root / "mkdocs.yml").write_text(
        "site_name: x\ndocs_dir: notes\nmarkdown_extensions:\n"
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "  - pymdownx.superfences:\n      custom_fences:\n        - name: mermaid\n"
        "          format: !!python/name:pymdownx.superfences.fence_code_format\n"
        "extra:\n  analytics: !ENV [KB_NOTHING, none]\n"
        "plugins:\n  - search\n  - kb:\n      desired_retention: 0.85\n      new_per_day: 5\n"
    )
    config = load_mkdocs_yml(kbroot.root)
    assert config["docs_dir"] == "notes"
    settings = KnowledgeBase.open(kbroot.root).settings
    assert settings.desired_retention == 0.85
    assert settings.new_per_day == 5


def test_settings_defaults():
    s = make_settings({})
    assert s.desired_retention == 0.90
    assert s.learning_steps == (60, 600)
    assert s.relearning_steps == (600,)
    assert (s.new_per_day, s.reviews_per_day, s.day_starts_at, s.leech_threshold) == (20, 200, 4, 8)


@pytest.mark.parametrize("value", [0.5, 0.995, 1, "lots"])
def test_desired_retention_outside_range_is_a_clear_error(value):
    with pytest.raises(KbError, match="desired_retention"):
        make_settings({"desired_retention": value})


def test_steps_parse_durations():
    s = make_settings({"learning_steps": ["30s", "5m", "1h"], "relearning_steps": "10m 1d"})
    assert s.learning_steps == (30, 300, 3600)
    assert s.relearning_steps == (600, 86400)
    with pytest.raises(KbError, match="learning_steps"):
        make_settings({"learning_steps": ["soon"]})


def test_broken_mkdocs_yml_names_file_and_line(kbroot):
    (kbroot.root / "mkdocs.yml").write_text("site_name: x\ndocs_dir: [notes\n")
    with pytest.raises(KbError, match=r"mkdocs.yml:\d+: mkdocs.yml is not valid YAML"):
        KnowledgeBase.open(kbroot.root)
