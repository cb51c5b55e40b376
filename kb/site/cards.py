"""How flashcards look on the site: card syntaxes shown cleanly where they are written, and a deck of cards.

Uses the extractor's line spans (``Card.line`` / ``Card.end_line``), so what the page shows is exactly what
``kb review`` asks.

Every piece of card HTML, on a note's page, in its deck, and in ``kb review --web``, is made by ``render_many``: card
text rendered with kb's own small Markdown and then cleaned with an allow-list (``kb.safe_html``), so whatever the
text holds (raw HTML, escaped backticks, ``javascript:`` links), no script comes out. On a note's page the cards'
HTML never goes through the page's Markdown: the Markdown gets a token where a card is (``PageCards``), and the
token is replaced by the card's HTML once the page is HTML (``insert_cards``).
"""

from __future__ import annotations

import html
import re
import textwrap
from collections.abc import Callable, Sequence

from kb.cards.model import DEFAULT_SYNTAX, CardSyntax
from kb.markdown import ANKI_CLOZE_RE, mask_spans
from kb.safe_html import clean
from kb.site.pages import esc, escape_html_text, json_for_script

PREFIX_RE = re.compile(r"^((?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?)")
# A line of a card span: its quote and list markers (or a definition's ``:``), then its text.
LINE_RE = re.compile(r"^((?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)]|:)[ \t]+)?(?:\[[ xX]\][ \t]+)?)(.*)$")
QUESTION_HEAD_RE = re.compile(
    r'^[ \t>]*(!!!|\?\?\?\+?)[ \t]+([\w-]+)((?:[ \t]+[\w-]+)*)[ \t]*(?:"(.*)")?[ \t]*$'
)

Linker = Callable[[str], str]

# A card's place in a page's Markdown: ``kbcard5e0c2a<n>z``, a word Markdown leaves as it is.
TOKEN = "kbcard5e0c2a"
_TOKEN_RE = re.compile(rf"(<p>)?{TOKEN}(\d+)z(</p>)?")


def card_markdown(text: str) -> str:
    """Card text as Markdown with raw HTML shown as text (code and math kept as written).

    This keeps ``<div>`` in a card readable as ``<div>``; what makes card HTML safe is ``render_many``, which cleans
    whatever Markdown makes of the text.
    """
    return escape_html_text(text)


def text_only(line: str) -> str:
    """A line whose structure the page's Markdown must keep (a table row, a heading), as text: no tag, no entity,
    no link can come out of it."""
    return html.escape(line, quote=False).replace("[", "&#91;").replace("\\", "&#92;")


class PageCards:
    """The HTML of a page's cards, rendered together (``render_many``) and put in place of their tokens."""

    def __init__(self, linker: Linker | None = None) -> None:
        self.link = linker or (lambda t: t)
        self.texts: list[str] = []  # Markdown to render, in one batch
        self.pieces: list[
            tuple[bool, Callable[[list[str]], str], int, int]
        ] = []  # block?, compose, first, end
        self.runs: dict[
            int, int
        ] = {}  # a token standing for the pieces up to another (cards one after another)

    def add(self, texts: list[str], compose: Callable[[list[str]], str], *, block: bool) -> str:
        """A token for the HTML ``compose`` makes of ``texts`` (card text: linked, rendered, cleaned)."""
        first = len(self.texts)
        self.texts.extend(self.link(t) for t in texts)
        self.pieces.append((block, compose, first, len(self.texts)))
        return f"{TOKEN}{len(self.pieces) - 1}z"

    def html(self) -> dict[str, tuple[bool, str]]:
        """Token number -> (whether it is a block, its HTML)."""
        if not self.pieces:
            return {}
        rendered = render_many(self.texts)
        out = {
            str(i): (block, compose(rendered[a:b])) for i, (block, compose, a, b) in enumerate(self.pieces)
        }
        for first, last in self.runs.items():
            out[str(first)] = (True, "\n".join(out[str(i)][1] for i in range(first, last + 1)))
        return out

    def join(self, first: str, last: str) -> None:
        """Let the token ``first`` stand for every piece up to the token ``last`` (block cards one after another)."""
        a, b = int(first[len(TOKEN) : -1]), int(last[len(TOKEN) : -1])
        self.runs[a] = b


def insert_cards(content: str, cards: dict[str, tuple[bool, str]]) -> str:
    """A page's HTML with its card tokens replaced by the cards' HTML (a block takes its paragraph's place)."""
    if not cards:
        return content

    def put(m: re.Match) -> str:
        found = cards.get(m.group(2))
        if found is None:
            return m.group(0)
        block, html_text = found
        if block and m.group(1) and m.group(3):
            return html_text
        return f"{m.group(1) or ''}{html_text}{m.group(3) or ''}"

    return _TOKEN_RE.sub(put, content)


def _looks_like(kind: str, lines: list[str], syntax: CardSyntax = DEFAULT_SYNTAX) -> bool:
    """A guard: the lines at the card's span are the card's source (else the page is left as written)."""
    text = "\n".join(lines)
    first = lines[0].strip() if lines else ""
    if not first:
        return False
    if kind == "question":
        return bool(re.match(r"(!!!|\?\?\?)", first)) or first.startswith("Q:")
    if kind in ("basic", "reversed"):
        marks = (syntax.multiline, syntax.multiline_reversed)
        return (
            syntax.single_line in text
            or syntax.single_line_reversed in text
            or any(ln.strip() in marks for ln in lines)
        )
    return True  # clozes (generated ones carry no markup), definitions, key points


def _details(classes: str, title: str, body: str, *, opened: bool = False) -> str:
    """The collapsed block Material makes of ``??? question "..."`` (pymdownx.details), with kb-made HTML inside."""
    return f'<details class="{esc(classes)}"{" open" if opened else ""}>\n<summary>{title}</summary>\n{body}\n</details>'


def _question_card(front: str, back: str) -> tuple[list[str], Callable[[list[str]], str]]:
    """A card written in the note as a collapsed question block, its answer one click away: the block Material
    makes of ``??? question "..."``, so every card in the note looks like the question blocks written by hand."""
    title = " ".join(front.split())
    return [card_markdown(title), card_markdown(back)], lambda h: _details(
        "question kb-card-inline", _inline(h[0]), h[1]
    )


def _question_block(source: list[str]) -> tuple[list[str], Callable[[list[str]], str]] | None:
    """A question block written by hand (``??? question "Title"`` and its indented body): collapsible for ``???``,
    open for ``???+``, a plain admonition for ``!!!``."""
    m = QUESTION_HEAD_RE.match(source[0])
    if m is None:
        return None
    marker, kind, extra, title = m.groups()
    classes = " ".join([kind, *extra.split()])
    shown = kind.capitalize() if title is None else title
    body = textwrap.dedent("\n".join(source[1:]))

    def compose(h: list[str]) -> str:
        title_html = _inline(h[0]) if shown else ""
        if marker == "!!!":
            head = f'<p class="admonition-title">{title_html}</p>' if shown else ""
            return f'<div class="admonition {esc(classes)}">\n{head}\n{h[1]}\n</div>'
        return _details(classes, title_html, h[1], opened=marker.endswith("+"))

    return [card_markdown(shown), card_markdown(body)], compose


def _blank(content: str, hint: str = "") -> str:
    """A cloze deletion as a blank that shows ``[…]`` (or ``[hint]``) and reveals ``content`` on click (kb.js)."""
    if not hint:
        return f"{BLANK_OPEN}{content}{BLANK_CLOSE}"
    return (
        f'<span class="kb-blank" tabindex="0" role="button">'
        f'<span class="kb-blank-hint">[{esc(hint)}]</span><span class="kb-blank-answer">{content}</span></span>'
    )


def _cloze_blanks(text: str, syntax: CardSyntax = DEFAULT_SYNTAX) -> str:
    """Cloze text (Markdown) with each deletion (``{{c1::x}}``, ``==x==``, the cloze patterns of the settings) a
    blank that reveals on click; found by the extractor's own rules (code and math masked first)."""
    from kb.cards.cloze import anki_deletions, pattern_clozes

    source = text.split("\n")
    masked = "\n".join(mask_spans(line)[0] for line in source)
    spans = [(d.start, d.end, card_markdown(d.text), d.hint) for d in anki_deletions(masked, text)]
    covered = bytearray(len(masked) + 1)
    for start, end, _content, _hint in spans:
        covered[start:end] = b"\x01" * (end - start)
    clozes, _unclosed = pattern_clozes(masked, text, syntax.cloze_patterns, covered)
    spans += [(start, end, card_markdown(hidden), hint) for start, end, _group, hidden, hint in clozes]
    out, pos = [], 0
    for start, end, content, hint in sorted(spans):
        out += [escape_html_text(text[pos:start]), _blank(content, hint)]
        pos = end
    out.append(escape_html_text(text[pos:]))
    return "".join(out)


def render_card_lines(
    markdown: str,
    cards: Sequence,
    offset: int,
    linker: Linker | None = None,
    syntax: CardSyntax = DEFAULT_SYNTAX,
) -> tuple[str, dict[str, tuple[bool, str]]]:
    """Rewrite the lines where cards are written so no card separator shows on the page and no answer shows
    until asked for: questions become collapsed question blocks, cloze deletions blanks that reveal on click.

    The Markdown gets a token per card (or per line of a definition or key point); the returned dict holds the
    HTML for each token (``insert_cards`` puts it in once the page is HTML). ``offset`` is the number of file lines
    before ``markdown`` (the front matter), so a card's file line ``n`` is ``lines[n - 1 - offset]``. ``linker``
    turns wiki links in card text into Markdown links with final URLs.
    """
    lines = markdown.split("\n")
    spans: dict[tuple[int, int], list] = {}
    for card in cards:
        spans.setdefault((card.line, card.end_line), []).append(card)
    replaced: list[tuple[int, int, list[str]]] = []
    taken: set[int] = set()
    page = PageCards(linker)
    for (first, last), group in sorted(spans.items()):
        a, b = first - 1 - offset, last - 1 - offset
        if a < 0 or b >= len(lines) or b < a or any(i in taken for i in range(a, b + 1)):
            continue
        card = group[0]
        kind = str(card.kind)
        source = lines[a : b + 1]
        if not _looks_like(kind, source, syntax):
            continue
        new = _render_span(kind, card, _without_comments(source), page, syntax)
        if new is None:
            continue
        taken.update(range(a, b + 1))
        replaced.append((a, b, new))
    out: list[str] = []
    pos = 0
    for a, b, new in _runs(sorted(replaced), lines, page):  # one pass: linear in the note's cards
        out += lines[pos:a]
        out += new
        pos = b + 1
    out += lines[pos:]
    return "\n".join(out), page.html()


def _without_comments(source: list[str]) -> list[str]:
    """A card's lines without ``<!-- -->`` and ``%% %%`` comments (an Obsidian Spaced Repetition schedule, a private
    aside), as the extractor reads them: a line that held only a comment goes."""
    text = "\n".join(source)
    if "<!--" not in text and "%%" not in text:
        return source
    from kb.markdown import strip_comments

    kept = strip_comments(text).split("\n")
    if len(kept) != len(source):
        return [line for line in kept if line.strip()] or kept
    return [line for line, was in zip(kept, source, strict=True) if line.strip() or not was.strip()]


def _runs(replaced: list[tuple[int, int, list[str]]], lines: list[str], page: PageCards):
    """Question blocks one after another (blank lines between) as one token: Python-Markdown's inline step takes
    time with the square of a document's top-level blocks, so a note of 100,000 cards gives it one, not 100,000."""
    run: tuple[int, int, list[str]] | None = None
    for a, b, new in replaced:
        if (
            run is not None
            and _lone_block(run[2])
            and _lone_block(new)
            and all(not line.strip() for line in lines[run[1] + 1 : a])
        ):
            page.join(run[2][1], new[1])
            run = (run[0], b, run[2])
            continue
        if run is not None:
            yield run
        run = (a, b, new)
    if run is not None:
        yield run


def _lone_block(new: list[str]) -> bool:
    """A block card at the top level of the page: a token alone between blank lines."""
    return len(new) == 3 and new[0] == new[2] == "" and new[1].startswith(TOKEN)


def _render_span(kind: str, card, source: list[str], page: PageCards, syntax: CardSyntax) -> list[str] | None:
    first = source[0]
    prefix = PREFIX_RE.match(first).group(1)
    gap = re.sub(
        r"[-*+]|\d{1,9}[.)]", lambda m: " " * len(m.group()), prefix
    ).rstrip()  # a blank line, same quote
    if kind == "question" and re.match(r"[ \t>]*(!!!|\?\?\?)", first):
        # a head kb does not read exactly is shown as the card kb asks, never left to the page's Markdown
        block = _question_block(source) or _question_card(card.front, card.back)
        return [gap, f"{prefix}{page.add(*block, block=True)}", gap]
    if kind in ("basic", "reversed", "question"):
        return [gap, f"{prefix}{page.add(*_question_card(card.front, card.back), block=True)}", gap]
    if kind == "cloze":
        text = "\n".join(LINE_RE.match(line).group(2) for line in source).strip()
        blanks = _cloze_blanks(text, syntax)
        return [f"{prefix}{page.add([blanks], lambda h: _inline(h[0]), block=False)}"]
    # definitions and key points read well as written: line by line
    return [_line(line, page) for line in source]


def _line(line: str, page: PageCards) -> str:
    prefix, text = LINE_RE.match(line).groups()
    if not text.strip():
        return line
    if text.lstrip().startswith(("|", "#")) or "|" in text:  # a table row or a heading keeps its structure
        return prefix + text_only(text)
    return prefix + page.add([card_markdown(text)], lambda h: _inline(h[0]), block=False)


# ---------------------------------------------------------------------------------------------------------------
# The deck at the end of a note


# A blank without a hint, as _blank writes it (and plain_html recognises it). No title attribute: Material turns
# titles into tooltips once, at page load, so a revealed blank would keep saying "Show the answer"; kb.css shows
# that hint on hidden blanks only.
BLANK_OPEN = (
    '<span class="kb-blank" tabindex="0" role="button">'
    '<span class="kb-blank-hint">[…]</span><span class="kb-blank-answer">'
)
BLANK_CLOSE = "</span></span>"


def _cloze_front_html(card) -> str:
    """A cloze card's text with this card's deletions as blanks that reveal on click, the others shown."""
    text = card.cloze_text
    from kb.cards.cloze import card_pieces, is_nested, nested_clozes

    if is_nested(text):  # {{c1::a {{c2::b}} c}}: this card's deletions hidden whole, as Anki hides them
        pieces = card_pieces(nested_clozes(text, text)[0], card.cloze_index)
        return "".join(
            _blank(card_markdown(part), hint) if hidden else card_markdown(part)
            for part, hidden, hint in pieces
        )

    def blank(m: re.Match) -> str:
        content = card_markdown(m.group(2))
        return content if int(m.group(1)) != card.cloze_index else _blank(content, m.group(3) or "")

    out = []
    pos = 0
    for m in ANKI_CLOZE_RE.finditer(text):
        out.append(card_markdown(text[pos : m.start()]))
        out.append(blank(m))
        pos = m.end()
    out.append(card_markdown(text[pos:]))
    return "".join(out)


def note_quiz_block(payload: dict) -> str:
    """A quiz on one note, opened from its Flashcards section (kb.js runs it; the JSON is script-safe)."""
    return "\n".join(
        [
            '<details class="kb-note-quiz" data-search-exclude>',
            "<summary>Start a quiz on this note</summary>",
            '<div class="kb-quiz" data-kb-quiz="kb-note-quiz-data" data-kb-all></div>',
            "</details>",
            f'<script type="application/json" id="kb-note-quiz-data">{json_for_script(payload)}</script>',
            "",
        ]
    )


_RENDERER = None


def _markdown_html(text: str) -> str:
    """Card text to HTML with a small Markdown of its own, not yet cleaned (``render_many`` cleans it).

    Cards repeat (in place, in the deck), so they are rendered with only what card text needs (emphasis, code,
    ``==marks==``, math for MathJax, tables) rather than by the page's full extension set: the deck then costs a
    fraction of what the note itself costs to build.
    """
    global _RENDERER
    if _RENDERER is None:
        import markdown

        _RENDERER = markdown.Markdown(
            extensions=[
                "pymdownx.arithmatex",
                "pymdownx.mark",
                "pymdownx.betterem",
                "pymdownx.highlight",
                "pymdownx.inlinehilite",
                "pymdownx.superfences",  # a fenced block in a card's answer is code, not an inline span
                "tables",
            ],
            extension_configs={"pymdownx.arithmatex": {"generic": True}},
        )
    _RENDERER.reset()
    return _RENDERER.convert(text)


def render_html(text: str) -> str:
    """One card text (Markdown, see ``card_markdown``) as safe HTML: ``render_many`` of one."""
    return render_many([text])[0]


SPLIT = "kbsplit0d6f1c"  # a paragraph of its own between texts: Markdown leaves it as <p>kbsplit0d6f1c</p>
_PLAIN_RE = re.compile(r"[^\w\s.,;:!?'\"()%/+-]|\n\s*\n|^\s*(?:[-+]|\d+[.)])\s", re.M)


# The words around and inside hint-less cloze blanks: stricter than _PLAIN_RE (no underscore, which may emphasise;
# no doubled space).
_STRICT_PLAIN_RE = re.compile(r"[^\w .,;:!?'\"()%/+-]|_|  |::")
_BLANK_SPLIT_RE = re.compile(f"{re.escape(BLANK_OPEN)}|{re.escape(BLANK_CLOSE)}")
_BLOCK_START_RE = re.compile(r"[-+]|\d+[.)](?:\s|$)")


def plain_html(text: str) -> str | None:
    """HTML for text with nothing Markdown would change (most card text is plain prose), else None."""
    if "<" in text:
        return _plain_cloze_html(text)
    if _PLAIN_RE.search(text) or "::" in text:
        return None
    return f"<p>{text}</p>"


def _plain_cloze_html(text: str) -> str | None:
    """A cloze card's front whose only markup is its hint-less blanks, around and inside plain words (a common case):
    Markdown passes inline HTML through as written, so the paragraph is the text itself."""
    if BLANK_OPEN not in text or text != text.strip():
        return None
    pieces = _BLANK_SPLIT_RE.split(text)
    if _BLOCK_START_RE.match(pieces[0]) or any(_STRICT_PLAIN_RE.search(piece) for piece in pieces):
        return None
    return f"<p>{text}</p>"


# Texts per Markdown pass: a pass has a fixed cost far above a short text's, but Python-Markdown's inline step takes
# time with the square of the paragraphs in one document, so a note of 100,000 cards is rendered in batches.
BATCH = 200


def render_many(texts: list[str]) -> list[str]:
    """Card texts (Markdown, see ``card_markdown``) as HTML that runs no script: the one way card HTML is made.

    Plain texts are wrapped directly and the rest rendered in batches of one Markdown pass each (linear in the
    number of texts); every result is then cleaned with kb's allow-list (``kb.safe_html.clean``), so whatever
    Markdown made of a text, no handler, script or ``javascript:`` link is left.
    """
    out: list[str | None] = [plain_html(t) for t in texts]
    rest = [t for t, o in zip(texts, out, strict=True) if o is None]
    parts: list[str] = []
    for start in range(0, len(rest), BATCH):
        parts += _render_batch(rest[start : start + BATCH])
    it = iter(parts)
    return [clean(o if o is not None else next(it)) for o in out]


def _render_batch(texts: list[str]) -> list[str]:
    html_text = _markdown_html(f"\n\n{SPLIT}\n\n".join(texts))
    parts = [p.strip() for p in html_text.split(f"<p>{SPLIT}</p>")]
    if len(parts) != len(texts):  # a text broke the block structure (e.g. an unclosed fence): one by one
        parts = [_markdown_html(t).strip() for t in texts]
    return parts


def _inline(html_text: str) -> str:
    """A single rendered paragraph without its ``<p>`` (for a summary line or a list item)."""
    if html_text.startswith("<p>") and html_text.endswith("</p>") and html_text.count("<p>") == 1:
        return html_text[3:-4]
    return html_text


def deck_html(cards: Sequence, linker: Linker | None = None, quiz_href: str | None = None) -> str:
    """The HTML of a "Flashcards" section: every card in one frame (where it comes from, its front, its back; a
    cloze card's back is its blanks filled in), which kb.js turns into a study mode showing one card at a time.

    ``linker`` turns wiki links in card text into Markdown links with final URLs (the deck is HTML, so MkDocs
    does not rewrite links inside it).
    """
    link = linker or (lambda t: t)
    count = len(cards)
    summary = f"{count} card{'s' if count != 1 else ''} from this note, one at a time."
    if quiz_href:
        summary += f' <a class="kb-quiz-link" href="{esc(quiz_href)}">Start a quiz on this note</a>'
    html_parts = [
        f'<div class="kb-deck" data-search-exclude><p class="kb-deck-summary">{summary}</p>',
    ]
    texts: list[str] = []
    for card in cards:
        if str(card.kind) == "cloze" and getattr(card, "cloze_text", ""):
            texts.append(link(_cloze_front_html(card)))
        else:
            texts += [link(card_markdown(card.front)), link(card_markdown(card.back))]
    rendered = iter(render_many(texts))
    for card in cards:
        kind = str(card.kind)
        crumb = " › ".join(card.context[1:]) if getattr(card, "context", ()) else ""
        meta = [f'<span class="kb-context">{esc(crumb)}</span>'] if crumb else []
        if getattr(card, "generated", False):
            meta.append('<span class="kb-badge">generated</span>')
        head = f'<p class="kb-card-meta">{"".join(meta)}</p>' if meta else ""
        body = f'<div class="kb-card-front">{next(rendered)}</div>'
        if not (kind == "cloze" and getattr(card, "cloze_text", "")):
            body += f'<div class="kb-card-back">{next(rendered)}</div>'
        html_parts.append(f'<div class="kb-card kb-kind-{esc(kind)}">{head}{body}</div>')
    html_parts.append("</div>")
    return "\n".join(html_parts)
