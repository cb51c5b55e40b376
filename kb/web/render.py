"""A card as HTML for the browser reviewer, made by the site's card rendering (``kb.site.cards``): the same Markdown,
made safe the same way (raw HTML in card text shows as text), math left for MathJax, code highlighted by Pygments,
and a cloze's deletions as the deck's blanks.

Images and sounds are written relative to the card's note (an imported Anki card's media sit next to its note); here
they point at the server's ``files/`` route, and only when they stay inside the notes folder. Links other than
http(s) and mailto lose their target.
"""

from __future__ import annotations

import html
import posixpath
import re
from types import SimpleNamespace
from urllib.parse import quote, unquote, urlsplit

from kb.notes.wikilinks import WIKILINK_RE
from kb.site.cards import _cloze_front_html, card_markdown, render_many

AUDIO = frozenset({".mp3", ".ogg", ".oga", ".wav", ".m4a", ".aac", ".flac", ".opus", ".webm"})
IMAGES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".avif", ".bmp", ".ico"})
VIDEO = frozenset({".mp4", ".ogv", ".mov"})
MEDIA = AUDIO | IMAGES | VIDEO  # what the files/ route serves

_AUDIO_LINK_RE = re.compile(r'<a href="([^"]*)"[^>]*>(.*?)</a>', re.S)
_URL_ATTR_RE = re.compile(r'(<(?:img|a|audio|video|source)\b[^>]*?\s(?:src|href)=")([^"]*)(")')
FILES = "files/"  # the server's route for the notes folder's media


class MediaLinks:
    """Rewrites the URLs of one card's HTML: relative ones against the note's folder, inside the notes folder."""

    def __init__(self, note: str, notes_folder: str):
        self.note_dir = posixpath.dirname(note)  # root-relative, like card.note: notes/ml
        self.notes = notes_folder.strip("/")  # root-relative: notes

    def target(self, url: str) -> str | None:
        """The ``files/`` URL of a relative link inside the notes folder; None for one outside it."""
        path = posixpath.normpath(posixpath.join(self.note_dir, unquote(url.split("#")[0].split("?")[0])))
        if not path.startswith(self.notes + "/") or "/../" in f"/{path}/":
            return None
        return FILES + quote(path[len(self.notes) + 1 :])

    def url(self, raw: str) -> str:
        url = html.unescape(raw).strip()
        parts = urlsplit(url)
        if parts.scheme or url.startswith("//"):
            return raw if parts.scheme in ("http", "https", "mailto") else ""
        if url.startswith("#") or not url:
            return raw
        if url.startswith("/"):
            return ""
        target = self.target(url)
        return html.escape(target) if target else ""

    def rewrite(self, text: str) -> str:
        def attr(
            m: re.Match,
        ) -> str:  # a refused link goes nowhere ("" would reload the page), a refused src loads nothing
            url = self.url(m.group(2))
            return m.group(1) + (url or ("#" if m.group(1).endswith('href="') else "")) + m.group(3)

        text = _URL_ATTR_RE.sub(attr, text)

        def audio(
            m: re.Match,
        ) -> str:  # a link to a sound in the notes folder (Anki's [sound:x.mp3]) plays here
            href = m.group(1)
            if not href.startswith(FILES) or posixpath.splitext(href)[1].lower() not in AUDIO:
                return m.group(0)
            return (
                f'<span class="kb-audio"><audio controls preload="none" src="{href}"></audio>'
                f'<span class="kb-audio-name">{m.group(2)}</span></span>'
            )

        return _AUDIO_LINK_RE.sub(audio, text)


def _wiki_as_text(text: str) -> str:
    """``[[Note|label]]`` as its label, ``[[Note#Part]]`` as ``Note › Part`` (no page to link to here)."""

    def label(m: re.Match) -> str:
        if m.group(3):
            return m.group(3)
        part = m.group(2)[1:].strip() if m.group(2) else ""
        return f"{m.group(1).strip()} › {part}" if part else m.group(1).strip()

    return WIKILINK_RE.sub(label, text)


def card_html(card, cloze: tuple[str, int] | None, notes_folder: str) -> tuple[str, str | None]:
    """(front, back) HTML of a review card. A cloze (``cloze``: its text in Anki markup and this card's deletion
    number) has one side: its text with this card's deletions as blanks, which the page reveals; back is None."""
    links = MediaLinks(card.note, notes_folder)
    if cloze is not None and cloze[0]:
        blanks = _cloze_front_html(SimpleNamespace(cloze_text=_wiki_as_text(cloze[0]), cloze_index=cloze[1]))
        (front,) = render_many([blanks])
        return links.rewrite(front), None
    front, back = render_many(
        [card_markdown(_wiki_as_text(card.front)), card_markdown(_wiki_as_text(card.back))]
    )
    return links.rewrite(front), links.rewrite(back)
