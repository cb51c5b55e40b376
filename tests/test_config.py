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


# ------------------------------------------------------------------------------------- every path under .kb/
def test_every_state_path_is_under_the_state_folder(kbroot):
    kb = KnowledgeBase.open(kbroot.root)
    state = kbroot.root / ".kb"
    assert kb.state_dir == state
    assert kb.db == state / "kb.db"
    assert kb.journal_dir == state / "journal"
    assert kb.parameters_file == state / "parameters.json"
    assert kb.drafts_dir == state / "drafts"
    assert kb.templates_dir == state / "templates"
    assert kb.config_cache == state / "kb.db-config"


def test_kb_db_moves_the_database_and_its_cache_but_not_the_journal(kbroot, tmp_path, monkeypatch):
    monkeypatch.setenv("KB_DB", str(tmp_path / "elsewhere" / "my.db"))
    kb = KnowledgeBase.open(kbroot.root)
    assert kb.db == tmp_path / "elsewhere" / "my.db"
    assert kb.config_cache == tmp_path / "elsewhere" / "my.db-config"
    assert kb.journal_dir == kbroot.root / ".kb" / "journal"  # the journal is committed with the notes


def test_the_templates_dir_setting_moves_the_templates(make_kb):
    kb = make_kb(templates_dir="my-templates")
    assert KnowledgeBase.open(kb.root).templates_dir == kb.root / "my-templates"


def test_the_fast_path_finds_the_same_database_and_journal(kbroot, tmp_path, monkeypatch):
    from kb import layout

    kb = KnowledgeBase.open(kbroot.root)
    assert layout.db_file(str(kbroot.root)) == str(kb.db)
    assert layout.journal_dir(str(kbroot.root)) == str(kb.journal_dir)
    monkeypatch.setenv("KB_DB", "~/x.db")
    assert layout.db_file(str(kbroot.root)) == str(KnowledgeBase.open(kbroot.root).db)


# ------------------------------------------------------------------------------------- the mkdocs.yml cache
def test_open_kb_reads_mkdocs_yml_once_while_it_is_unchanged(kbroot, monkeypatch):
    from kb import config
    from kb.store.connection import open_store

    kb = config.open_kb(kbroot.root)
    open_store(kb.db).close()
    config.remember_opened(kb)
    assert kb.config_cache.is_file()

    def no_yaml(root):
        raise AssertionError("mkdocs.yml parsed again")

    monkeypatch.setattr(config, "load_mkdocs_yml", no_yaml)
    again = config.open_kb(kbroot.root)
    assert again == kb and again.settings == kb.settings


def test_a_changed_mkdocs_yml_is_read_again(kbroot):
    from kb import config
    from kb.store.connection import open_store

    kb = config.open_kb(kbroot.root)
    open_store(kb.db).close()
    config.remember_opened(kb)
    (kbroot.root / "mkdocs.yml").write_text(
        "site_name: x\ndocs_dir: notes\nplugins:\n  - kb:\n      new_per_day: 3\n"
    )
    assert config.cached_kb(kbroot.root, kb.db) is None
    assert config.open_kb(kbroot.root).settings.new_per_day == 3


def test_no_cache_is_written_before_the_state_folder_exists(kbroot):
    from kb import config

    kb = config.open_kb(kbroot.root)
    config.remember_opened(kb)  # a command that failed before opening the store
    assert not (kbroot.root / ".kb").exists()
