"""A card's comments stay out of the page: an Obsidian Spaced Repetition schedule under a cloze, a `%%` aside in the
card's paragraph; and `kb init --from-obsidian` on a vault that never changed the plugin's settings."""

from __future__ import annotations

import os

from click.testing import CliRunner

from kb.cli import cli
from tests.browser_support import build

NOTE = """\
---
title: Trig
---
# Trig

The derivative of $\\cos x$ is ==$-\\sin x$== everywhere.
<!--SR:!2024-02-01,7,250-->

%% ask the tutor about this one %%
Paris is the capital of ==France==.
"""


def test_a_schedule_comment_and_an_aside_in_a_cards_paragraph_never_show(make_kb):
    kb = make_kb({"trig.md": NOTE}, site=True)
    result = build(kb.root)
    assert result.returncode == 0, result.stderr
    page = (kb.root / "site" / "trig" / "index.html").read_text(encoding="utf-8")
    article = page[page.index("<article") : page.index("</article>")]
    assert "kb-blank" in article and "France" in article
    assert "SR:" not in article and "2024-02-01" not in article
    assert "tutor" not in article and "%%" not in article


def test_init_on_a_vault_without_plugin_settings_uses_the_plugins_defaults(tmp_path, monkeypatch):
    vault = tmp_path / "vault"
    vault.mkdir()
    (vault / "Spanish.md").write_text("#flashcards\n\nel gato::the cat\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(cli, ["init", "--from-obsidian", "--vault", "vault", "--yes"])
    assert out.exit_code == 0, out.output
    assert "the plugin's default settings" in out.output
    config = (tmp_path / "mkdocs.yml").read_text(encoding="utf-8")
    assert 'docs_dir: "vault"' in config and "kb.site.markdown_ext" in config
    assert os.listdir(vault) == ["Spanish.md"]  # nothing written into the vault


def test_init_in_a_folder_with_no_notes_is_one_clear_line(tmp_path, monkeypatch):
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    out = CliRunner().invoke(cli, ["init", "--from-obsidian", "--vault", "empty", "--yes"])
    assert out.exit_code != 0
    assert "no Obsidian Spaced Repetition settings here" in out.output and "Traceback" not in out.output
