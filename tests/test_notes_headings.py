"""Heading scanning and anchors: the fast code in kb.notes gives what the plain line-by-line rules give.

scan_headings finds its lines with one regex and slugify_anchor has a shortcut for plain headings; both are held
here to a straightforward reading of the rules (every line, FENCE_RE then HEADING_RE; the three anchor steps).
"""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from kb.notes import reader as kn


def reference_anchor(text: str) -> str:
    """Python-Markdown's toc slug as kb writes it: drop markup characters, lower-case, keep words, dash the gaps."""
    text = re.sub(r"[`*_\[\]()<>]", "", text).strip().lower()
    text = re.sub(r"[^\w\s-]", "", text)
    return re.sub(r"[\s-]+", "-", text).strip("-")


def reference_headings(body: str, body_line: int) -> tuple[kn.Heading, ...]:
    """Every line in turn: a fence marker opens or closes a fence; outside fences an ATX heading is a heading."""
    headings = []
    fence = None
    for i, line in enumerate(body.split("\n")):
        m = kn.FENCE_RE.match(line)
        if m:
            marker = m.group(1)
            if fence is None:
                fence = marker
            elif (
                marker[0] == fence[0]
                and len(marker) >= len(fence)
                and not line.strip()[len(marker) :].strip()
            ):
                fence = None
            continue
        if fence is not None:
            continue
        h = kn.HEADING_RE.match(line)
        if h:
            text = kn.heading_text(h.group(2))
            headings.append(kn.Heading(len(h.group(1)), text, body_line + i, reference_anchor(text)))
    return tuple(headings)


ANCHOR_TEXT = st.text(alphabet="aZ09 -_*`[]()<>.,:'éßİ\t\u00a0\u2003", max_size=30) | st.from_regex(
    r"[A-Za-z0-9]+(?:[ -][A-Za-z0-9]+){0,4}[ -]?", fullmatch=True
)


@settings(max_examples=500, deadline=None)
@given(ANCHOR_TEXT)
@example("Quick summary")
@example("Cross-entropy loss")
@example("A - B")
@example("-a")
@example("GRU and LSTM")
def test_anchor_is_the_toc_slug(text):
    assert kn.slugify_anchor(text) == reference_anchor(text)


def test_plain_headings_get_the_expected_anchors():
    assert kn.slugify_anchor("Quick summary") == "quick-summary"
    assert kn.slugify_anchor("Cross-Entropy Loss") == "cross-entropy-loss"
    assert kn.slugify_anchor("Bayes' theorem (1763)") == "bayes-theorem-1763"
    assert kn.slugify_anchor("`git cat-file` -p") == "git-cat-file-p"


LINE_PIECES = ["#", "##", "######", "#######", " ", "  ", "   ", "    ", "\t", "```", "````", "~~~", "~~~~", "``",
               "`", "~", "word", "C#", " #", "python", "é", "\u2003", "*x*", "[a](b)", "::", "\x0b", "\u2028"]  # fmt: skip
LINE = st.lists(st.sampled_from(LINE_PIECES), max_size=5).map("".join)


@settings(max_examples=800, deadline=None)
@given(st.lists(LINE, max_size=14).map("\n".join), st.integers(1, 40))
@example("# Top\n\n```python\n# not a heading\n```\n\n## Second ##\n", 4)
@example("~~~\n# in\n~~~~ x\n# still in\n~~~~\n# out", 1)
@example("   ```\n# in\n```   \n# out\n    ```\n# out too", 7)
def test_scan_headings_follows_the_line_rules(body, body_line):
    assert kn.scan_headings(body, body_line) == reference_headings(body, body_line)
