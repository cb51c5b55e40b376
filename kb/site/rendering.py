"""What a note's page shows besides the note: a header line (type, author, source, date), wiki links resolved (a
broken one is a build warning), card syntaxes shown as questions and answers, a "Flashcards" section with the note's
deck and quiz, and a "Linked from" section."""

from __future__ import annotations

import re

from mkdocs.structure.files import File

from kb.notes.reader import Note
from kb.site.links import LinkGraph
from kb.site.notes import NoteInfo, SiteNotes
from kb.site.pages import esc

DECK_PLACEHOLDER = "kbdeck5e0c2a"

# What Material's search plugin removes from every page's HTML once it has indexed the page.
SEARCH_ATTRIBUTES = re.compile(r"\s?data-search-\w+=\"[^\"]+\"")

# Front-matter values that MkDocs and Material print into pages as raw HTML (navigation, <title>, <meta
# content="...">, the tag list). A note's front matter is text, so it is escaped before the theme sees it; the tags
# plugin reads page.meta later (priority -50), so tag pages and the tags index get the escaped names too.
THEME_META_TEXT = ("title", "author", "description", "subtitle")


class NoteRenderer:
    """A note page's Markdown as the site shows it (``markdown``), and its deck put in as HTML (``insert_deck``)."""

    def __init__(self, notes: SiteNotes, links: LinkGraph, *, flashcards_section: bool, quiz_questions: int):
        self.notes = notes
        self.links = links
        self.flashcards_section = flashcards_section
        self.quiz_questions = quiz_questions
        self.decks: dict[
            str, str
        ] = {}  # src -> the Flashcards section's HTML, until the page is in the theme

    def markdown(self, markdown: str, page) -> str:
        src = page.file.src_uri
        info = self.notes.by_src.get(src)
        if info is None:
            return markdown
        offset = line_offset(page.file, markdown)
        self.links.warn_broken_links(markdown, info, offset)
        if info.note is not None and self.notes.cards_of(info):
            from kb.cards.model import syntax_for
            from kb.site import cards as site_cards

            markdown = site_cards.render_card_lines(
                markdown,
                info.cards,
                offset,
                lambda text: self.links.links_in_text(text, info.src),
                syntax_for(self.notes.settings),
            )
        markdown = self.links.links_in_text(markdown, info.src)
        markdown = tag_lines_as_text(markdown, self.notes.settings)
        markdown = insert_after_h1(markdown, header_line(info.note))
        extra = []
        if info.note is not None and info.cards and self.flashcards_section:
            extra.append(self._flashcards_section(info, page))
        backlinks = self.links.backlinks_section(src)
        if backlinks:
            extra.append(backlinks)
        if extra:
            markdown = markdown.rstrip("\n") + "\n\n" + "\n\n".join(extra) + "\n"
        return markdown

    def _flashcards_section(self, info: NoteInfo, page) -> str:
        """The section's heading in the Markdown (so the table of contents lists it) and a placeholder for its
        body, which ``insert_deck`` puts in as HTML: Python-Markdown would only parse that HTML again."""
        from kb.site import cards as site_cards
        from kb.site import quiz as site_quiz

        has_heading = any(h.text.strip().casefold() == "flashcards" for h in info.note.headings)
        title = "Study the flashcards" if has_heading else "Flashcards"
        body = site_cards.deck_html(info.cards, lambda t: self.links.links_in_text(t, info.src, page.url))
        payload = site_quiz.build_quiz(
            [info], n=self.quiz_questions, seed=info.path, url_of=lambda _path: "#"
        )
        if payload["questions"]:
            body += "\n" + site_cards.note_quiz_block(payload)
        self.decks[page.file.src_uri] = body
        return f"## {title} {{#kb-flashcards data-search-exclude}}\n\n{DECK_PLACEHOLDER}\n"

    def insert_deck(self, page, config) -> None:
        """Put the Flashcards section's HTML in place of its placeholder, once the page is HTML.

        It goes in after the search plugin has indexed the page: it is half of a note's HTML and never searched
        (data-search-exclude), so the search plugin's HTML parser would only read it to skip it. The search plugin
        strips its data-search-* attributes from the page, so the deck gets the same treatment.
        """
        if page.content and "</a>" in page.content:
            page.content = audio_players(page.content)
        body = self.decks.pop(page.file.src_uri, None)
        if body is None:
            return
        if strips_search_attributes(config):
            body = SEARCH_ATTRIBUTES.sub("", body)
        body = audio_players(body)
        page.content = page.content.replace(f"<p>{DECK_PLACEHOLDER}</p>", body, 1)


_AUDIO_LINK_RE = re.compile(
    r'<a href="([^":]+\.(?:mp3|ogg|oga|wav|m4a|aac|flac|opus|webm))">([^<]*)</a>', re.I
)


def audio_players(html: str) -> str:
    """A link to a sound file beside the note (an Anki ``[sound:x.mp3]``) as a player that plays it on the page."""
    return _AUDIO_LINK_RE.sub(
        r'<span class="kb-audio"><audio controls preload="none" src="\1"></audio> \2</span>', html
    )


def tag_lines_as_text(markdown: str, settings) -> str:
    """A deck-tag line (``#flashcards #chapter-1``: the cards below it take its tags) shows as the tags it is, not as
    a heading (Python-Markdown reads ``#word`` at a line's start as one)."""
    if "#" not in markdown:
        return markdown
    from kb.cards.model import syntax_for
    from kb.cards.obsidian import tag_line

    syntax = syntax_for(settings)
    lines = markdown.split("\n")
    fenced = False
    for i, line in enumerate(lines):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        elif not fenced and line.startswith("#") and tag_line(line, syntax) is not None:
            lines[i] = line.replace("#", "\\#")
    return "\n".join(lines)


def header_line(note: Note | None) -> str:
    """The line under a note's title: its type, author, source and date, as HTML ("" when it has none)."""
    if note is None:
        return ""
    parts = []
    if note.meta.get("type") or note.author or note.source or note.date:
        parts.append(f'<span class="kb-type">{esc(note.type.replace("-", " ").capitalize())}</span>')
    if note.author:
        parts.append(f'<span class="kb-author">{esc(note.author)}</span>')
    if note.source:
        if re.match(r"https?://", note.source):
            parts.append(
                f'<a class="kb-source" href="{esc(note.source)}" rel="noopener">{esc(short_url(note.source))}</a>'
            )
        else:
            parts.append(f'<span class="kb-source">{esc(note.source)}</span>')
    if note.date:
        parts.append(f'<time class="kb-date" datetime="{esc(note.date)}">{esc(note.date)}</time>')
    if not parts:
        return ""
    return '<p class="kb-meta">' + ' <span class="kb-sep">·</span> '.join(parts) + "</p>"


def short_url(url: str) -> str:
    text = re.sub(r"^https?://(www\.)?", "", url).rstrip("/")
    return text if len(text) <= 48 else text[:45] + "…"


def escape_theme_meta(meta: dict) -> None:
    for key in THEME_META_TEXT:
        value = meta.get(key)
        if isinstance(value, str):
            meta[key] = esc(value)
    tags = meta.get("tags")
    if isinstance(tags, list):
        meta["tags"] = [esc(str(t)) for t in tags if t is not None]
    elif isinstance(tags, str):
        meta["tags"] = esc(tags)


def strips_search_attributes(config) -> bool:
    """Whether Material's search plugin is on (it removes data-search-* attributes from the pages it indexes)."""
    for plugin in config.plugins.values():
        if type(plugin).__module__.startswith("material.plugins.search") and plugin.config.get(
            "enabled", True
        ):
            return True
    return False


def line_offset(file: File, markdown: str) -> int:
    """Lines of the source file before ``markdown`` (MkDocs hands pages over with the front matter removed)."""
    try:
        text = file.content_string.replace("\r\n", "\n")
    except (OSError, UnicodeDecodeError):
        return 0
    if text.startswith("\ufeff"):
        text = text[1:]
    if markdown and text.endswith(markdown):
        return text.count("\n", 0, len(text) - len(markdown))
    return 0


def insert_after_h1(markdown: str, block: str) -> str:
    if not block:
        return markdown
    lines = markdown.split("\n")
    for i, line in enumerate(lines[:40]):
        if re.match(r"#\s+\S", line):
            lines[i + 1 : i + 1] = ["", block, ""]
            return "\n".join(lines)
        if line.strip():
            break
    return block + "\n\n" + markdown
