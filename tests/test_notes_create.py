"""kb add as a library: create_note, the editor flow, drafts, and the editor lookup shared with the review terminal."""

from __future__ import annotations

import io
import os
import stat
from datetime import date
from pathlib import Path

import pytest

from kb.errors import KbError
from kb.notes.add import create_note, exists_message, read_body
from kb.notes.editor import at_line, editor_command, run_editor
from kb.notes.templates import NewNote


def script(folder: Path, name: str, body: str) -> str:
    """An executable shell script standing in for an editor; returns its path."""
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


@pytest.fixture
def kb(kbroot, tmp_path, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.delenv("EDITOR", raising=False)
    return kbroot.open()


def new(title="Deep Work", note_type="book", **extra) -> NewNote:
    return NewNote(title=title, type=note_type, today=date(2026, 1, 2), **extra)


# ------------------------------------------------------------------------------------------------ the editor lookup
def test_visual_comes_before_editor_and_is_split_like_a_shell():
    env = {"VISUAL": "sh -c 'true'", "EDITOR": "vi", "PATH": os.environ["PATH"]}
    assert editor_command(env) == ["sh", "-c", "true"]
    assert editor_command({"EDITOR": "sh", "PATH": os.environ["PATH"]}) == ["sh"]


def test_an_editor_that_is_not_installed_is_named():
    with pytest.raises(KbError, match=r"editor 'no-such-editor-x' \(from \$EDITOR\) not found"):
        editor_command({"EDITOR": "no-such-editor-x --wait", "PATH": os.environ["PATH"]})


def test_an_editor_variable_that_cannot_be_split_says_so():
    with pytest.raises(KbError, match=r"\$VISUAL .* cannot be split"):
        editor_command({"VISUAL": "vim 'unclosed", "PATH": os.environ["PATH"]})


def test_without_a_variable_the_first_installed_fallback_is_used(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script(bin_dir, "nano", "exit 0\n")
    assert editor_command({"PATH": str(bin_dir)}) == ["nano"]
    script(bin_dir, "vim", "exit 0\n")
    assert editor_command({"PATH": str(bin_dir)}) == ["vim"]  # vim comes before nano


def test_no_editor_at_all_says_how_to_set_one(tmp_path):
    with pytest.raises(KbError, match="no editor found; set \\$EDITOR"):
        editor_command({"PATH": str(tmp_path)})


def test_at_line_opens_a_file_at_a_line(tmp_path):
    assert at_line(["code", "--wait"], tmp_path / "a.md", 9) == [
        "code",
        "--wait",
        "+9",
        str(tmp_path / "a.md"),
    ]


def test_run_editor_returns_the_exit_status(tmp_path):
    target = tmp_path / "note.md"
    target.write_text("x")
    assert run_editor([script(tmp_path, "ok", 'echo edited >> "$1"\n')], target) == 0
    assert target.read_text() == "xedited\n"
    assert run_editor([script(tmp_path, "bad", "exit 3\n")], target) == 3


def test_run_editor_that_cannot_start_is_a_kb_error(tmp_path):
    plain = tmp_path / "not-executable"
    plain.write_text("")
    with pytest.raises(KbError, match="cannot start the editor"):
        run_editor([str(plain)], tmp_path / "note.md")


# ---------------------------------------------------------------------------------------------------- create_note
def test_create_note_writes_the_rendered_template(kb):
    created = create_note(kb, new(author="Cal Newport"))
    assert created.rel == "notes/books/deep-work.md" and created.template == "book"
    text = created.path.read_text()
    assert text.startswith("---\ntitle: Deep Work\ntype: book\nauthor: Cal Newport\n")
    assert "date: 2026-01-02" in text


def test_create_note_never_overwrites_and_suggests_a_free_title(kb):
    create_note(kb, new(author="Cal Newport"))
    with pytest.raises(KbError) as err:
        create_note(kb, new(author="Cal Newport"))
    assert "notes/books/deep-work.md already exists" in str(err.value)
    assert "kb add 'Deep Work (Cal Newport)' --type book" in str(err.value)


def test_exists_message_skips_titles_that_are_taken(kb):
    (kb.notes / "books").mkdir(parents=True)
    (kb.notes / "books" / "deep-work-2.md").write_text("# taken\n")
    message = exists_message(kb, new(), "notes/books/deep-work.md")
    assert "kb add 'Deep Work 3' --type book" in message


def test_a_type_without_a_template_uses_the_topic_template_and_its_own_folder(kb):
    created = create_note(kb, new("Attention", "ml"))
    assert created.rel == "notes/ml/attention.md" and created.template == "topic"


def test_an_unknown_explicit_template_names_the_templates(kb):
    with pytest.raises(KbError, match="no template called 'nope'; the templates are: article, book"):
        create_note(kb, new(), template="nope")
    assert not (kb.notes / "books").exists()


def test_a_user_template_comes_from_the_templates_dir(kb):
    kb.templates_dir.mkdir(parents=True)
    (kb.templates_dir / "book.md").write_text("---\nrating: 0\n---\n# {{title}}\n\nMine.\n")
    created = create_note(kb, new())
    assert "rating: 0" in created.path.read_text() and "# Deep Work\n\nMine." in created.path.read_text()


def test_body_from_a_file_replaces_the_template_body(kb, tmp_path):
    source = tmp_path / "body.md"
    source.write_text("---\nepisode: 12\n---\nMy own text.\n")
    created = create_note(kb, new(), body_from=str(source))
    text = created.path.read_text()
    assert "episode: 12" in text and text.endswith("---\nMy own text.\n")


def test_the_editor_edits_the_note(kb, tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", script(tmp_path, "ed", 'echo "More." >> "$1"\n'))
    created = create_note(kb, new(), edit=True)
    assert created.path.read_text().endswith("More.\n")


def test_an_untouched_template_removes_the_note_and_the_folder_it_made(kb, tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", script(tmp_path, "ed", "exit 0\n"))
    with pytest.raises(KbError, match="template was left unchanged; removed notes/books/deep-work.md"):
        create_note(kb, new(), edit=True)
    assert not (kb.notes / "books").exists()


def test_an_untouched_body_is_kept(kb, tmp_path, monkeypatch):
    """The user gave the text: saving it as it came is a choice, not an abandoned template."""
    source = tmp_path / "body.md"
    source.write_text("Given text.\n")
    monkeypatch.setenv("EDITOR", script(tmp_path, "ed", "exit 0\n"))
    created = create_note(kb, new(), body_from=str(source), edit=True)
    assert created.path.read_text().endswith("Given text.\n")


def test_a_failing_editor_keeps_typed_text_as_a_draft(kb, tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", script(tmp_path, "ed", 'echo "Typed before the crash." >> "$1"\nexit 2\n'))
    with pytest.raises(KbError) as err:
        create_note(kb, new(), edit=True)
    message = str(err.value)
    assert "exited with status 2; removed notes/books/deep-work.md, no note added" in message
    drafts = list(kb.drafts_dir.glob("deep-work-*.md"))
    assert len(drafts) == 1 and drafts[0].read_text().endswith("Typed before the crash.\n")
    assert f"your text is kept in {kb.rel(drafts[0])}" in message
    assert not (kb.notes / "books" / "deep-work.md").exists()


def test_a_failing_editor_without_typed_text_keeps_no_draft(kb, tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", script(tmp_path, "ed", "exit 1\n"))
    with pytest.raises(
        KbError, match="exited with status 1; removed notes/books/deep-work.md, no note added$"
    ):
        create_note(kb, new(), edit=True)
    assert not kb.drafts_dir.exists()


def test_a_note_deleted_in_the_editor_adds_nothing(kb, tmp_path, monkeypatch):
    monkeypatch.setenv("EDITOR", script(tmp_path, "ed", 'rm "$1"\n'))
    with pytest.raises(KbError, match="was deleted in the editor; no note added"):
        create_note(kb, new(), edit=True)


def test_a_missing_editor_is_found_out_before_anything_is_written(kb, monkeypatch):
    monkeypatch.setenv("EDITOR", "no-such-editor-x")
    with pytest.raises(KbError, match="not found"):
        create_note(kb, new(), edit=True)
    assert not (kb.notes / "books").exists()


# ------------------------------------------------------------------------------------------------------- read_body
def test_read_body_from_standard_input_drops_a_bom():
    stdin = io.TextIOWrapper(io.BytesIO("\ufeffHello\n".encode()), encoding="utf-8")
    assert read_body("-", stdin) == "Hello\n"


def test_read_body_refuses_binary_and_names_the_bad_line(tmp_path):
    binary = tmp_path / "b.md"
    binary.write_bytes(b"a\x00b")
    with pytest.raises(KbError, match="binary"):
        read_body(str(binary))
    latin = tmp_path / "l.md"
    latin.write_bytes(b"one\ntwo\ncaf\xe9\n")
    with pytest.raises(KbError, match=r"l\.md:3: the body is not valid UTF-8"):
        read_body(str(latin))
    with pytest.raises(KbError, match="cannot read the --body file"):
        read_body(str(tmp_path / "missing.md"))
