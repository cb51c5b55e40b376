"""The kb plugin's options: kb's settings validated as the CLI validates them, the site's own typed by MkDocs."""

from __future__ import annotations

from dataclasses import fields

import pytest
from mkdocs.exceptions import PluginError

from kb.config import KnowledgeBase, Settings
from kb.errors import KbError
from kb.site.config import SETTING_NAMES, KbPluginConfig, kb_settings
from tests.browser_support import build

SITE_OPTIONS = {
    "quiz_questions": 20,
    "quiz_min_notes": 2,
    "quiz_tag_pages": 30,
    "study_pages": True,
    "flashcards_section": True,
    "nav_group_size": 60,
    "parallel": True,
    "search": "material",
}

# (option, bad value as written in mkdocs.yml, what the message says)
BAD_SETTINGS = [
    ("desired_retention", "2", "2.0 is outside 0.70 to 0.99; pick a value such as 0.90"),
    ("desired_retention", "high", "'high' is not valid"),
    ("maximum_interval", "0", "0 is too small"),
    ("learning_steps", "[soon]", "'soon' is not a duration such as 1m, 10m, 1h or 1d"),
    ("relearning_steps", "1w", "'1w' is not a duration"),
    ("new_per_day", "true", "True is not valid (expected a whole number)"),
    ("reviews_per_day", "-1", "-1 is too small"),
    ("day_starts_at", "24", "24 is not an hour from 0 to 23"),
    ("leech_threshold", "many", "'many' is not valid"),
    ("keypoint_cards", "maybe", "'maybe' is not valid (expected true or false)"),
    ("parameters", "[a]", "could not convert string to float: 'a'"),
]


def _validated(options: dict) -> tuple[KbPluginConfig, list, list]:
    config = KbPluginConfig(config_file_path="/kb/mkdocs.yml")
    config.load_dict(options)
    errors, warnings = config.validate()
    return config, errors, warnings


def test_every_kb_setting_is_a_plugin_option_and_nothing_else_is_one():
    config, errors, warnings = _validated({})
    assert errors == [] and warnings == []
    assert SETTING_NAMES == tuple(f.name for f in fields(Settings) if f.name != "extra")
    assert set(config) == set(SETTING_NAMES) | set(SITE_OPTIONS)


def test_site_options_have_their_defaults_and_kb_settings_are_left_to_kb():
    config, _, _ = _validated({})
    assert {name: config[name] for name in SITE_OPTIONS} == SITE_OPTIONS
    assert all(config[name] is None for name in SETTING_NAMES)  # so Settings' own defaults apply
    assert kb_settings(config, where="mkdocs.yml") == Settings()


def test_given_settings_become_kb_settings():
    config, errors, _ = _validated(
        {"desired_retention": 0.85, "learning_steps": ["1m", "1h"], "keypoint_headings": ["Key Points"]}
    )
    assert errors == []
    settings = kb_settings(config, where="mkdocs.yml")
    assert settings.desired_retention == 0.85
    assert settings.learning_steps == (60, 3600)
    assert settings.keypoint_headings == ("key points",)
    assert settings.new_per_day == Settings().new_per_day


@pytest.mark.parametrize(("name", "value", "why"), BAD_SETTINGS, ids=[f"{n}={v}" for n, v, _ in BAD_SETTINGS])
def test_a_bad_setting_gives_the_site_the_message_the_cli_gives(tmp_path, name, value, why):
    (tmp_path / "mkdocs.yml").write_text(f"site_name: t\nplugins:\n  - kb:\n      {name}: {value}\n")
    with pytest.raises(KbError) as cli:
        KnowledgeBase.open(tmp_path)

    import yaml

    options = yaml.safe_load((tmp_path / "mkdocs.yml").read_text())["plugins"][0]["kb"]
    config, errors, _ = _validated(options)
    assert errors == []  # any value passes MkDocs: kb's own rules judge it
    with pytest.raises(PluginError) as site:
        kb_settings(config, where=str(tmp_path / "mkdocs.yml"))
    assert str(site.value) == str(cli.value)
    assert str(site.value).startswith(f"{tmp_path / 'mkdocs.yml'}: kb setting {name}: ")
    assert why in str(site.value)


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("nav_group_size", "many", "<class 'int'>"),
        ("quiz_questions", 2.5, "<class 'int'>"),
        ("study_pages", 3, "<class 'bool'>"),
        ("parallel", "no", "<class 'bool'>"),
    ],
)
def test_a_site_option_of_the_wrong_type_is_named(name, value, expected):
    _, errors, _ = _validated({name: value})
    assert [key for key, _ in errors] == [name]
    assert f"Expected type: {expected}" in str(errors[0][1])


def test_an_unknown_option_is_a_warning_naming_it():
    _, errors, warnings = _validated({"new_per_dya": 5})
    assert errors == []
    assert warnings == [("new_per_dya", "Unrecognised configuration name: new_per_dya")]


def test_build_stops_on_a_bad_option_with_mkdocs_message(make_kb):
    root = make_kb({"index.md": "# Home\n"}, site=True, nav_group_size="many").root
    result = build(root)
    assert result.returncode != 0
    assert "Plugin 'kb' option 'nav_group_size': Expected type: <class 'int'>" in result.stderr
    assert "Traceback" not in result.stderr


def test_strict_build_stops_on_a_misspelt_option(make_kb):
    root = make_kb({"index.md": "# Home\n"}, site=True, new_per_dya=5).root
    result = build(root)
    assert result.returncode != 0
    assert "Plugin 'kb' option 'new_per_dya': Unrecognised configuration name: new_per_dya" in result.stderr


def test_search_is_material_or_pagefind():
    _, errors, _ = _validated({"search": "lunr"})
    assert errors and "pagefind" in str(errors[0][1])
