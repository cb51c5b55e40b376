"""How flashcards look on the site: card syntaxes shown cleanly where they are written, and a deck of cards.

Uses the extractor's line spans (``Card.line`` / ``Card.end_line``), so what the page shows is exactly what
``kb review`` asks. Card text reaches the page through Markdown (bold, code and math still render) with its raw
HTML escaped: a card containing ``</script>`` or ``<img onerror=...>`` shows as text and runs nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from kb.cards.model import DEFAULT_SYNTAX, CardSyntax
from kb.markdown import ANKI_CLOZE_RE, mask_spans
from kb.site.pages import esc, escape_html_text, json_for_script

PREFIX_RE = re.compile(r"^((?:[ \t]*>)*[ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?)")
ADMONITION_RE = re.compile(r'^([ \t]*(?:!!!|\?\?\?\+?)[ \t]+[\w-]+[^"\n]*)(?:"(.*)")?(.*)$')

Linker = Callable[[str], str]


def card_markdown(text: str) -> str:
    """Card text as Markdown with raw HTML neutralised (code and math kept as written)."""
    return escape_html_text(text)


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


def _question_block(prefix: str, front: str, back: str) -> list[str]:
    """A card written in the note as a collapsed question block, its answer one click away: the block Material
    makes of ``??? question "..."``, so every card in the note looks like the question blocks written by hand."""
    cont = re.sub(r"[-*+]|\d{1,9}[.)]", lambda m: " " * len(m.group()), prefix)  # list markers: continuation
    title = " ".join(front.split())  # already made safe by card_markdown; math keeps its own < and &
    body = [f"{cont}    {line}" if line.strip() else cont.rstrip() for line in back.split("\n")]
    gap = cont.rstrip()  # a blank line that stays inside a blockquote
    return [gap, f'{prefix}??? question kb-card-inline "{title}"', *body, gap]


def _blank(content: str, hint: str = "") -> str:
    """A cloze deletion as a blank that shows ``[…]`` (or ``[hint]``) and reveals ``content`` on click (kb.js)."""
    if not hint:
        return f"{BLANK_OPEN}{content}{BLANK_CLOSE}"
    return (
        f'<span class="kb-blank" tabindex="0" role="button">'
        f'<span class="kb-blank-hint">[{esc(hint)}]</span><span class="kb-blank-answer">{content}</span></span>'
    )


def _cloze_blanks(source: list[str], syntax: CardSyntax = DEFAULT_SYNTAX) -> list[str]:
    """Cloze lines as written, each deletion (``{{c1::x}}``, ``==x==``, the cloze patterns of the settings) a blank
    that reveals on click; found by the extractor's own rules (code and math masked first)."""
    from kb.cards.cloze import anki_deletions, pattern_clozes

    text = "\n".join(source)
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
    return "".join(out).split("\n")


def render_card_lines(
    markdown: str,
    cards: Sequence,
    offset: int,
    linker: Linker | None = None,
    syntax: CardSyntax = DEFAULT_SYNTAX,
) -> str:
    """Rewrite the lines where cards are written so no card separator shows on the page and no answer shows
    until asked for: questions become collapsed question blocks, cloze deletions blanks that reveal on click.

    ``offset`` is the number of file lines before ``markdown`` (the front matter), so a card's file line ``n`` is
    ``lines[n - 1 - offset]``.
    """
    lines = markdown.split("\n")
    spans: dict[tuple[int, int], list] = {}
    for card in cards:
        spans.setdefault((card.line, card.end_line), []).append(card)
    replaced: list[tuple[int, int, list[str]]] = []
    taken: set[int] = set()
    for (first, last), group in sorted(spans.items()):
        a, b = first - 1 - offset, last - 1 - offset
        if a < 0 or b >= len(lines) or b < a or any(i in taken for i in range(a, b + 1)):
            continue
        card = group[0]
        kind = str(card.kind)
        source = lines[a : b + 1]
        if not _looks_like(kind, source, syntax):
            continue
        new = _render_span(kind, card, source, syntax)
        if new is None:
            continue
        taken.update(range(a, b + 1))
        replaced.append((a, b, new))
    for a, b, new in sorted(replaced, reverse=True):
        lines[a : b + 1] = new
    return "\n".join(lines)


def _render_span(kind: str, card, source: list[str], syntax: CardSyntax) -> list[str] | None:
    first = source[0]
    prefix = PREFIX_RE.match(first).group(1)
    if kind == "question" and re.match(r"[ \t]*(!!!|\?\?\?)", first):
        # A MkDocs question block renders as a click-to-reveal block already; only its text is made safe.
        m = ADMONITION_RE.match(first)
        head = first
        if m and m.group(2) is not None:
            head = f'{m.group(1)}"{esc(m.group(2))}"{m.group(3)}'
        return [head, *(escape_html_text(line) for line in source[1:])]
    if kind in ("basic", "reversed", "question"):
        return _question_block(prefix, card_markdown(card.front), card_markdown(card.back))
    if kind == "cloze":
        return _cloze_blanks(source, syntax)
    # definitions and key points already read well as written; only their text is made safe
    return [escape_html_text(line) for line in source]


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


def render_html(text: str) -> str:
    """Card text (already made safe by ``card_markdown``) to HTML with a small Markdown of its own.

    The deck repeats every card of the note, so it is rendered here with only what card text needs (emphasis,
    code, ``==marks==``, math for MathJax) rather than by the page's full extension set: the deck then costs a
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
            ],
            extension_configs={"pymdownx.arithmatex": {"generic": True}},
        )
    _RENDERER.reset()
    return _RENDERER.convert(text)


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


def render_many(texts: list[str]) -> list[str]:
    """Render many card texts, plain ones directly and the rest in one Markdown pass (a pass has a fixed cost far
    above a short text's)."""
    out: list[str | None] = [plain_html(t) for t in texts]
    rest = [t for t, o in zip(texts, out, strict=True) if o is None]
    if rest:
        html_text = render_html(f"\n\n{SPLIT}\n\n".join(rest))
        parts = [p.strip() for p in html_text.split(f"<p>{SPLIT}</p>")]
        if len(parts) != len(rest):  # a text broke the block structure (e.g. an unclosed fence): one by one
            parts = [render_html(t) for t in rest]
        it = iter(parts)
        out = [o if o is not None else next(it) for o in out]
    return out  # type: ignore[return-value]


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
