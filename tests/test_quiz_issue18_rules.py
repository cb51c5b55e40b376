"""Issue 18, point 3, on realistic bullets: what an answer is (a plan named after the tax code is a name, ``1/√d`` is
math, "train/test splits" is a term), what the learner reads (an escaped ``\\$5`` shows as ``$5``), and the rules a
quiz keeps for true/false statements, multiple-choice options on a small scope and fill-in answers."""

from __future__ import annotations

import pytest

from kb.quiz.answerkind import answer_form, answer_kind
from kb.quiz.words import unescape

# --- what an answer is ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "kind"),
    [
        # a plan named after its section of the tax code is a name wherever it stands, never a number or an amount
        ("401(k)", "name"),
        ("a 401(k)", "name"),
        ("Roth 401(k)", "name"),
        ("401k", "name"),
        ("401k plans", "name"),
        ("403(b)", "name"),
        # round thousands written with a k are amounts
        ("15k", "amount"),
        ("2.5k", "amount"),
        ("500k", "amount"),
        # math, even when a closing parenthesis or a root sign ends or starts it
        ("1/√d", "formula"),
        ("1/√d_k", "formula"),
        ("O(n²)", "formula"),
        ("n/2", "formula"),
        ("x/y", "formula"),
        # a slash between two words is "or"
        ("train/test splits", "term"),
        ("input/output", "term"),
        # an answer in parentheses is what is inside them
        ("(73)", "number"),
        ("\\$5", "amount"),
    ],
)
def test_an_answer_has_one_kind_whatever_surrounds_it(answer, kind):
    assert answer_kind(answer) == kind


def test_401k_plans_is_plural_like_the_plans_it_names():
    assert answer_form("401k plans") == "plural"


@pytest.mark.parametrize(
    ("written", "shown"),
    [
        ("The penalty is \\$5 a month", "The penalty is $5 a month"),
        ("a \\$1,000 catch-up", "a $1,000 catch-up"),
        ("2 \\* 3 is six", "2 * 3 is six"),
        (
            "scaled by $\\{x_i\\}$ and costs \\$5",
            "scaled by $\\{x_i\\}$ and costs $5",
        ),  # TeX keeps its braces
    ],
)
def test_markdown_escapes_show_as_the_note_page_shows_them(written, shown):
    assert unescape(written) == shown
