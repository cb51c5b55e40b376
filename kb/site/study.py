"""The generated study pages: the tags index, stats, the review queue and the quizzes (one on all notes, one per
tag), made from kb's index (``.kb/kb.db``, only ever read). A page the user wrote at the same path wins."""

from __future__ import annotations

import posixpath
import re
import shutil
import tempfile
from pathlib import Path
from typing import NamedTuple

from mkdocs.structure.files import File, Files, InclusionLevel

from kb.config import Settings, db_path
from kb.site.notes import SiteNotes
from kb.site.pages import (
    esc,
    json_for_script,
    open_index_readonly,
    quiz_markdown,
    read_study_data,
    review_markdown,
    stats_markdown,
)

STUDY_DIR = "study"

TAGS_PAGE = (
    "---\ntitle: Tags\nflashcards: false\n---\n# Tags\n\nEvery tag used in the notes, with its notes.\n\n"
    "<!-- material/tags -->\n"
)
# Generated pages stay out of the search index: their words are the notes' words.
HIDDEN = "---\nsearch:\n  exclude: true\nflashcards: false\n---\n"


class QuizScope(NamedTuple):
    """One quiz page: ``study/quiz/<slug>.md``, on the notes with ``tag`` (None: all notes)."""

    slug: str
    title: str
    tag: str | None


class StudyPage(NamedTuple):
    src: str  # relative to the notes folder
    content: str  # Markdown
    in_nav: bool = True


class QuizOptions(NamedTuple):
    questions: int  # per quiz page
    min_notes: int  # a tag gets its quiz page when this many notes have it...
    tag_pages: int  # ...and it is among the tags with most notes, up to this many pages


class StudyPages:
    def __init__(self) -> None:
        self.generated_dir: Path | None = None
        self._quiz_cache: dict[tuple, dict] = {}

    def keep_as_files(self) -> None:
        """``mkdocs serve --dirty``: a generated page is a file rewritten only when its content changes, so MkDocs
        renders again only the pages that did change (an in-memory page would be rendered on every edit)."""
        self.generated_dir = Path(tempfile.mkdtemp(prefix="kb-site-"))

    def close(self) -> None:
        if self.generated_dir is not None:
            shutil.rmtree(self.generated_dir, ignore_errors=True)

    def add(self, files: Files, config, notes: SiteNotes, root: Path, settings: Settings, quiz: QuizOptions):
        for page in self.pages(notes, root, settings, quiz):
            self._add_page(files, config, page.src, page.content, in_nav=page.in_nav)

    def pages(self, notes: SiteNotes, root: Path, settings: Settings, quiz: QuizOptions) -> list[StudyPage]:
        """Every generated page, as Markdown (also what ``kb site`` writes into a folder)."""
        from kb.review.clock import now

        pages = [StudyPage("tags.md", TAGS_PAGE)]
        data = read_study_data(db_path(root), settings, now())
        pages.append(StudyPage(f"{STUDY_DIR}/stats.md", HIDDEN + stats_markdown(data, data.today)))

        def link_of(note_path: str) -> str | None:
            src = notes.src_of(note_path)
            return None if src is None else posixpath.relpath(src, STUDY_DIR)

        pages.append(StudyPage(f"{STUDY_DIR}/review.md", HIDDEN + review_markdown(data, link_of)))
        pages += self._quiz_pages(notes, db_path(root), quiz)
        return pages

    def _add_page(self, files: Files, config, src: str, content: str, *, in_nav: bool = True) -> None:
        if files.get_file_from_path(src) is not None:
            return  # the user's own page wins
        inclusion = InclusionLevel.UNDEFINED if in_nav else InclusionLevel.NOT_IN_NAV
        if self.generated_dir is None:
            files.append(File.generated(config, src, content=content, inclusion=inclusion))
            return
        path = self.generated_dir / src
        try:
            same = path.read_text(encoding="utf-8") == content
        except OSError:
            same = False
        if not same:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(content, encoding="utf-8")
        files.append(File.generated(config, src, abs_src_path=str(path), inclusion=inclusion))

    def _quiz_pages(self, notes: SiteNotes, db: Path, options: QuizOptions) -> list[StudyPage]:
        from kb.site import quiz as site_quiz
        from kb.site.notes import page_url

        scopes = quiz_scopes(notes, options)
        conn, why = open_index_readonly(db)
        db_key = tuple(_stat_key(Path(f"{db}{suffix}")) for suffix in ("", "-wal"))
        if len(self._quiz_cache) > 4 * len(scopes):
            self._quiz_cache.clear()
        titles = {info.path: info.title for info in notes.by_src.values()}
        pages = []
        try:
            for scope in scopes:
                src = f"{STUDY_DIR}/quiz/{scope.slug}.md"
                url = page_url(src, notes.use_directory_urls)
                if conn is None:
                    payload = {"questions": [], "notices": [why]}
                else:
                    key = (db_key, scope.tag, options.questions, scope.slug, notes.use_directory_urls)
                    payload = self._quiz_cache.get(key)
                    if payload is None:  # generated again only when the index changed (kb index, kb review)
                        payload = site_quiz.quiz_from_index(
                            conn,
                            tag=scope.tag,
                            n=options.questions,
                            seed=scope.slug,
                            titles=titles,
                            url_of=lambda path, _u=url: notes.url_of(path, _u),
                        )
                        self._quiz_cache[key] = payload
                # Only the all-notes quiz is in the navigation; it links to the one for each tag.
                pages.append(StudyPage(src, quiz_page(scope, scopes, payload), in_nav=scope.tag is None))
        finally:
            if conn is not None:
                conn.close()
        return pages


def quiz_scopes(notes: SiteNotes, options: QuizOptions) -> list[QuizScope]:
    """The quiz pages: all notes first, then a page per tag (the tags with most notes, each with at least
    ``min_notes`` of them, up to ``tag_pages``: each costs a quiz generation), in alphabetical order."""
    counts: dict[str, int] = {}
    for info in notes.by_src.values():
        if info.note is not None:
            for tag in info.note.tags:
                counts[tag] = counts.get(tag, 0) + 1
    chosen = [t for t in counts if counts[t] >= options.min_notes]
    chosen = sorted(chosen, key=lambda t: (-counts[t], t.casefold()))[: options.tag_pages]
    scopes = [QuizScope("index", "Quiz: all notes", None)]
    used = {"index"}
    for tag in sorted(chosen, key=str.casefold):
        slug = re.sub(r"[^a-z0-9]+", "-", tag.casefold()).strip("-") or "tag"
        while slug in used:
            slug += "-"
        used.add(slug)
        scopes.append(QuizScope(slug, f"Quiz: {tag}", tag))
    return scopes


def quiz_page(scope: QuizScope, scopes: list[QuizScope], payload: dict) -> str:
    if scope.tag is None:
        intro = "Questions drawn from every note. " + _tag_list_markdown(scopes[1:])
    else:
        intro = f"Questions from the notes tagged **{esc(scope.tag)}**. [Quiz on all notes](index.md)."
    front = f"---\ntitle: {json_for_script(scope.title)}\nflashcards: false\nsearch:\n  exclude: true\n---\n"
    return front + quiz_markdown(scope.title, intro, payload, f"kb-quiz-{scope.slug}")


def _tag_list_markdown(scopes: list[QuizScope]) -> str:
    if not scopes:
        return ""
    items = ", ".join(f"[{esc(scope.tag)}]({scope.slug}.md)" for scope in scopes)
    return f"By tag: {items}."


def _stat_key(path: Path) -> tuple[int, int]:
    try:
        st = path.stat()
    except OSError:
        return (0, 0)
    return (st.st_size, st.st_mtime_ns)
