"""What a note's page shows besides the note: a header line (type, author, source, date), wiki links and embeds
resolved (a broken link is a build warning), card syntaxes shown as questions and answers, and a "Flashcards" section
with the note's deck and quiz. (The "Linked from" section needs the whole site: the kb plugin adds it.)"""

from __future__ import annotations

import re
from collections.abc import Callable

from mkdocs.structure.files import File

from kb.notes.reader import Note
from kb.site.links import LinkGraph
from kb.site.notes import NoteInfo, SiteNotes
from kb.site.pages import esc

# Front-matter values that MkDocs and Material print into pages as raw HTML (navigation, <title>, <meta
# content="...">, the tag list). A note's front matter is text, so it is escaped before the theme sees it; the tags
# plugin reads page.meta later (priority -50), so tag pages and the tags index get the escaped names too.
THEME_META_TEXT = ("title", "author", "description", "subtitle")


class NoteRenderer:
    """A note page's Markdown as the site shows it: a header line, card syntaxes shown as questions and answers,
    wiki links and embeds resolved (a broken link is a build warning) and a "Flashcards" section. Used by the
    Markdown extension (``kb.site.markdown_ext``), so every generator that runs it shows the same page."""

    def __init__(
        self,
        notes: SiteNotes,
        links: LinkGraph,
        *,
        flashcards_section: bool,
        quiz_questions: int,
        source_links_in_html: bool = False,
        cards: dict | None = None,
    ):
        self.notes = notes
        self.links = links
        self.flashcards_section = flashcards_section
        self.quiz_questions = quiz_questions
        # src -> the HTML of the page's cards by token, until the page is HTML (``insert_page_cards``)
        self.cards: dict[str, dict[str, tuple[bool, str]]] = {} if cards is None else cards
        self.source_links_in_html = source_links_in_html

    def markdown(self, markdown: str, info: NoteInfo, stash: Callable[[str], str]) -> str:
        """``markdown``, which begins with the text of ``info`` (the note), as the page shows it. ``stash(html)``
        hands HTML to Python-Markdown as is and returns the placeholder to write in its place."""
        from kb.site import embeds

        after = ""  # what follows the note's own text (the kb plugin's "Linked from" section) stays after the deck
        if info.text and markdown.startswith(info.markdown) and len(markdown) > len(info.markdown):
            markdown, after = markdown[: len(info.markdown)], markdown[len(info.markdown) :]
        offset = info.offset
        self.links.warn_broken_links(markdown, info, offset)
        if info.note is not None and self.notes.cards_of(info):
            from kb.cards.model import syntax_for
            from kb.site import cards as site_cards

            page_url = None if self.source_links_in_html else self.notes.page_url(info.src)
            markdown, cards_html = site_cards.render_card_lines(
                markdown,
                info.cards,
                offset,
                lambda text: self.links.links_in_text(text, info.src, page_url),
                syntax_for(self.notes.settings),
            )
            self.cards[info.src] = cards_html
        markdown = embeds.embeds_in_text(markdown, info.src, self)
        markdown = self.links.links_in_text(markdown, info.src)
        markdown = tag_lines_as_text(markdown, self.notes.settings)
        markdown = insert_after_h1(markdown, header_line(info.note))
        if info.note is not None and info.cards and self.flashcards_section:
            head, body = self._flashcards_section(info)
            markdown = markdown.rstrip("\n") + "\n\n" + head + "\n\n" + stash(body) + "\n"
        return markdown + after

    def _flashcards_section(self, info: NoteInfo) -> tuple[str, str]:
        """The section's heading in the Markdown (so the table of contents lists it) and its body as HTML (given
        to Python-Markdown as is: it would only parse it again)."""
        from kb.site import cards as site_cards
        from kb.site import quiz as site_quiz

        has_heading = any(h.text.strip().casefold() == "flashcards" for h in info.note.headings)
        title = "Study the flashcards" if has_heading else "Flashcards"
        page_url = None if self.source_links_in_html else self.notes.page_url(info.src)
        body = site_cards.deck_html(
            info.cards, lambda t: self.links.links_in_text(unwrap_blank_links(t), info.src, page_url)
        )
        payload = site_quiz.build_quiz(
            [info], n=self.quiz_questions, seed=info.path, url_of=lambda _path: "#"
        )
        if payload["questions"]:
            body += "\n" + site_cards.note_quiz_block(payload)
        return f"## {title} {{#kb-flashcards data-search-exclude}}", body


def insert_page_cards(
    html_text: str, cards: dict[str, tuple[bool, str]] | None, page=None, files=None
) -> str:
    """A page's HTML with its cards' HTML (rendered and cleaned by kb) in place of their tokens. Under MkDocs
    (``page`` and ``files`` given) an image or a link in card text to a file of the site points at it from the
    page's URL, as MkDocs does for the page's own Markdown; other generators rewrite links in HTML themselves. A
    sound in card text plays on the page (``audio_players``), as in the note's own text: only the cards' HTML is
    looked at, not the whole page again."""
    if not cards:
        return html_text
    from kb.site.cards import insert_cards

    if page is not None and files is not None:
        cards = {k: (block, local_urls(h, page, files)) for k, (block, h) in cards.items()}
    cards = {k: (block, audio_players(h) if "</a>" in h else h) for k, (block, h) in cards.items()}
    return insert_cards(html_text, cards)


# A wiki link whose text a generated cloze card hides: ``[[<span class="kb-blank">...</span>]]``.
BLANK_LINK_RE = re.compile(r"\[\[((?:(?!\]\]|\n).)*?<span class=\"kb-blank\".*?)\]\]")


def unwrap_blank_links(text: str) -> str:
    """A card's text with a wiki link around a cloze blank shown as its text (a link would give the answer away)."""
    if "[[" not in text or "kb-blank" not in text:
        return text
    return BLANK_LINK_RE.sub(lambda m: m.group(1).split("|")[-1], text)


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


_URL_ATTR_RE = re.compile(r'(\s(?:src|href)=")([^"#][^"]*)(")')


def local_urls(html_text: str, page, files) -> str:
    """``src`` and ``href`` of kb-made HTML that name a file of the site relative to the page's note (an imported
    card's ``ok.png`` beside its note) rewritten to point at it from the page's URL; others left as they are."""
    import html
    import posixpath
    from urllib.parse import unquote, urlsplit

    base = posixpath.dirname(page.file.src_uri)

    def fix(m: re.Match) -> str:
        url = html.unescape(m.group(2))
        if urlsplit(url).scheme or url.startswith("/"):
            return m.group(0)
        path, sep, fragment = url.partition("#")
        target = files.get_file_from_path(posixpath.normpath(posixpath.join(base, unquote(path))))
        if target is None or target is page.file:
            return m.group(0)
        return f"{m.group(1)}{esc(target.url_relative_to(page.file) + sep + fragment)}{m.group(3)}"

    return _URL_ATTR_RE.sub(fix, html_text)


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
    """Front-matter values the theme prints as HTML, as text: a list (``title: [a, b]``) or any other YAML value is
    shown as its text too, never as markup."""
    for key in THEME_META_TEXT:
        value = meta.get(key)
        if value is not None:
            meta[key] = esc(_as_text(value))
    tags = meta.get("tags")
    if isinstance(tags, list):
        meta["tags"] = [esc(_as_text(t)) for t in tags if t is not None]
    elif tags is not None:
        meta["tags"] = esc(_as_text(tags))


def _as_text(value) -> str:
    if isinstance(value, list | tuple):
        return ", ".join(_as_text(v) for v in value if v is not None)
    return str(value)


def escape_title_from_file_name(page, markdown: str) -> None:
    """A page with no title in its front matter and no heading is named by MkDocs after its file, a name the theme
    prints as HTML: it becomes the page's title as text (a file may be called ``<img src=x onerror=...>.md``)."""
    from mkdocs.utils import get_markdown_title

    if "title" in page.meta or get_markdown_title(markdown) is not None:
        return
    title = page.title
    if title:
        page.meta["title"] = esc(title)


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
