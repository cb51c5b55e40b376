"""The generated study pages: which quiz pages there are, what they say without an index, and their reuse."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from kb.config import Settings
from kb.site import quiz as site_quiz
from kb.site.notes import SiteNotes
from kb.site.study import QuizOptions, QuizScope, StudyPages, quiz_scopes
from tests.browser_support import site_files
from tests.conftest import write_kb

OPTIONS = QuizOptions(questions=5, min_notes=2, tag_pages=30)


def _note(title: str, tags: list[str], body: str = "") -> str:
    return f"---\ntitle: {title}\ntags: [{', '.join(tags)}]\n---\n# {title}\n\n{body}\n"


def _site(root):
    config, files = site_files(root)
    notes = SiteNotes()
    notes.configure(Settings(), "notes")
    notes.read(files)
    return config, files, notes


def _scopes(tmp_path, tag_lists: list[list[str]], options: QuizOptions = OPTIONS) -> list[QuizScope]:
    notes = {f"n{i}.md": _note(f"Note {i}", tags) for i, tags in enumerate(tag_lists)}
    _config, _files, site_notes = _site(write_kb(tmp_path, notes).root)
    return quiz_scopes(site_notes, options)


def test_all_notes_first_then_tags_with_enough_notes_alphabetically(tmp_path):
    scopes = _scopes(tmp_path, [["ml", "Zen", "solo"], ["ml", "zen"], ["Zen", "ml"], ["art"]])
    assert scopes[0] == QuizScope("index", "Quiz: all notes", None)
    # "solo" and "art" have one note each; tags are case-sensitive ("Zen" twice, "zen" once)
    assert [(s.slug, s.title, s.tag) for s in scopes[1:]] == [
        ("ml", "Quiz: ml", "ml"),
        ("zen", "Quiz: Zen", "Zen"),
    ]


def test_only_the_tags_with_most_notes_get_a_page(tmp_path):
    tag_lists = [["big", "mid", "small", "tiny"], ["big", "mid", "small", "tiny"], ["big", "mid", "small"]]
    tag_lists += [["big", "mid"], ["big"]]
    scopes = _scopes(tmp_path, tag_lists, QuizOptions(questions=5, min_notes=2, tag_pages=2))
    assert [s.tag for s in scopes[1:]] == ["big", "mid"]
    scopes = _scopes(tmp_path / "ties", [["b", "a"], ["b", "a"]], QuizOptions(5, 2, 1))
    assert [s.tag for s in scopes[1:]] == ["a"]  # equal counts: by name


def test_slugs_are_unique_and_never_empty(tmp_path):
    scopes = _scopes(tmp_path, [["C", "C++", "+++", "Index"], ["C", "C++", "+++", "Index"]])
    assert {s.tag: s.slug for s in scopes[1:]} == {"+++": "tag", "C": "c", "C++": "c-", "Index": "index-"}


def _add(study: StudyPages, root, options: QuizOptions = OPTIONS):
    config, files, notes = _site(root)
    study.add(files, config, notes, root, Settings(), options)
    return files


NOTES = {
    "index.md": "# Home\n",
    "a.md": _note("Alpha", ["ml"], "Alpha is::the first letter\n\nBeta is::the second letter\n"),
    "b.md": _note("Beta", ["ml"], "Gamma is::the third letter\n\nDelta is::the fourth letter\n"),
}


def test_without_an_index_every_quiz_page_says_what_to_do(make_kb):
    root = make_kb(NOTES).root
    files = _add(StudyPages(), root)
    pages = {f.src_uri: f for f in files if f.src_uri.startswith(("study/", "tags.md"))}
    assert sorted(pages) == [
        "study/quiz/index.md",
        "study/quiz/ml.md",
        "study/review.md",
        "study/stats.md",
        "tags.md",
    ]
    assert pages["study/quiz/ml.md"].inclusion.is_not_in_nav()  # only the all-notes quiz is in the navigation
    assert not pages["study/quiz/index.md"].inclusion.is_not_in_nav()
    for src in ("study/quiz/index.md", "study/quiz/ml.md"):
        text = pages[src].content_string
        assert "No quiz yet: kb has not indexed these notes. Run `kb index`" in text
    index = pages["study/quiz/index.md"].content_string
    assert "By tag: [ml](ml.md)." in index
    assert not (root / ".kb").exists()


def test_a_page_the_user_wrote_wins(make_kb):
    root = make_kb({**NOTES, "study/stats.md": "# My own stats\n"}).root
    files = _add(StudyPages(), root)
    stats = [f for f in files if f.src_uri == "study/stats.md"]
    assert len(stats) == 1 and stats[0].content_string == "# My own stats\n"


def test_serve_dirty_rewrites_a_generated_page_only_when_it_changes(make_kb):
    root = make_kb(NOTES).root
    study = StudyPages()
    study.keep_as_files()
    try:
        _add(study, root)
        quiz = study.generated_dir / "study" / "quiz" / "ml.md"
        tags = study.generated_dir / "tags.md"
        before = quiz.stat().st_mtime_ns, tags.stat().st_mtime_ns
        _add(study, root)
        assert (quiz.stat().st_mtime_ns, tags.stat().st_mtime_ns) == before
        _add(study, root, QuizOptions(questions=5, min_notes=3, tag_pages=30))  # ml has too few notes now
        index = (study.generated_dir / "study" / "quiz" / "index.md").read_text(encoding="utf-8")
        assert "By tag" not in index
    finally:
        study.close()
    assert not study.generated_dir.exists()


def test_quizzes_come_from_the_index_and_are_made_again_only_when_it_changes(make_kb, monkeypatch):
    root = make_kb(NOTES).root
    from kb.cli import cli

    assert CliRunner().invoke(cli, ["index"], catch_exceptions=False).exit_code == 0
    made = []
    real = site_quiz.quiz_from_index
    monkeypatch.setattr(
        site_quiz, "quiz_from_index", lambda conn, **kw: made.append(kw["tag"]) or real(conn, **kw)
    )
    study = StudyPages()
    files = _add(study, root)
    assert made == [None, "ml"]
    page = next(f for f in files if f.src_uri == "study/quiz/ml.md").content_string
    data = json.loads(
        re.search(r'<script type="application/json" id="kb-quiz-ml">(.*?)</script>', page).group(1)
    )
    assert data["questions"]
    assert {q["title"] for q in data["questions"]} <= {"Alpha", "Beta"}
    # links from the page's URL (study/quiz/ml/) to each question's note
    assert {(q["note"], q["url"]) for q in data["questions"]} == {
        ("notes/a.md", "../../../a/"),
        ("notes/b.md", "../../../b/"),
    }
    _add(study, root)
    assert made == [None, "ml"]  # same index: the quizzes are reused
    with open(root / "notes" / "b.md", "a", encoding="utf-8") as fh:
        fh.write("\nWhat is epsilon?::The fifth letter\n")
    assert CliRunner().invoke(cli, ["index"], catch_exceptions=False).exit_code == 0
    _add(study, root)
    assert made == [None, "ml", None, "ml"]
