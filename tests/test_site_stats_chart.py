"""The stats page's forecast chart keeps its first label ("today") whole inside the chart."""

from __future__ import annotations

import re

from kb.site.pages import bar_chart_svg


def test_the_first_bar_label_starts_inside_the_chart():
    svg = bar_chart_svg([3, 1, 4], ["today", "Mar 03", "Mar 04"], "Cards due", "kb-forecast")
    first = re.search(r'<text class="kb-axis" x="([\d.]+)"[^>]*text-anchor="(\w+)">today</text>', svg)
    assert first is not None and first.group(2) == "start" and float(first.group(1)) >= 0
