"""LaTeX math reads as Unicode in the terminal: `kb review` and `kb quiz` show 1.01³⁶⁵ ≈ 37.8, not $1.01^{365}$."""

from __future__ import annotations

import io
import subprocess
import sys

import pytest

from kb.mathtext import math_to_unicode
from tests.conftest import REPO


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (r"Growth: $1.01^{365} \approx 37.8$", "Growth: 1.01³⁶⁵ ≈ 37.8"),
        (r"$x_t = \alpha x_{t-1} + \beta$", "xₜ = α xₜ₋₁ + β"),
        (r"$$H(p, q) = -\sum_x p(x) \log q(x)$$", "H(p, q) = -∑ₓ p(x) log q(x)"),
        (
            r"$\frac{\partial L}{\partial w} = \frac{\partial L}{\partial z}\frac{\partial z}{\partial w}$",
            "∂L/∂w = (∂L/∂z)(∂z/∂w)",
        ),
        (r"$\frac{L(w+\epsilon) - L(w-\epsilon)}{2\epsilon}$", "(L(w+ϵ) - L(w-ϵ))/2ϵ"),
        (r"\(W^T x + b\)", "Wᵀ x + b"),
        (r"$\lambda \|w\|_2^2$", "λ ‖w‖₂²"),
        (r"$e^{-\lambda t}$", "e^(-λ t)"),  # λ has no superscript form: the script stays readable
        (r"$\sqrt{2/n}$ and $\mathbb{R}^n$", "√(2/n) and ℝⁿ"),
        ("It costs $5 and $10.", "It costs $5 and $10."),  # amounts are no math
        ("`$x^2$` is code", "`$x^2$` is code"),
        ("no math at all", "no math at all"),
    ],
)
def test_math_to_unicode(text, shown):
    assert math_to_unicode(text) == shown


def test_the_reviewer_shows_a_cards_math_as_unicode(make_kb):
    from rich.console import Console

    from kb.review.queue import Queue
    from kb.review.scheduler import Grade
    from kb.review.terminal import TerminalUI
    from tests.review_helpers import add_card, open_conn, review_kb
    from tests.test_review_terminal import T0, _Intervals

    kb = review_kb(make_kb)
    conn = open_conn(kb)
    add_card(conn, "m1", front=r"What is $1.01^{365}$?", back=r"$\approx 37.8$")
    out = io.StringIO()
    keys = iter([" ", "3"])
    ui = TerminalUI(console=Console(file=out, width=80, color_system=None), key_reader=lambda: next(keys))
    queue = Queue(conn, kb.settings, T0)
    assert ui.ask(queue.next(T0), 1, queue.counts(T0), _Intervals()) is Grade.GOOD
    text = out.getvalue()
    assert "1.01³⁶⁵" in text and "≈ 37.8" in text and "^{365}" not in text


def test_pylatexenc_is_imported_only_for_text_with_math():
    code = (
        "import sys; from kb.mathtext import math_to_unicode; math_to_unicode('plain $5 text');"
        "print('pylatexenc' in sys.modules); math_to_unicode('$x^2$'); print('pylatexenc' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


def test_the_quiz_shows_math_as_unicode_in_question_options_and_feedback():
    from rich.console import Console

    from kb.quiz.model import Question, QuestionKind
    from kb.quiz.terminal import RichUI

    question = Question(
        kind=QuestionKind.MCQ,
        prompt=r"What is $1.01^{365}$?",
        answer=0,
        answer_text=r"$\approx 37.8$",
        explanation=r"$1.01^{365} \approx 37.8$",
        card_id="c1",
        note="notes/books/atomic-habits.md",
        line=3,
        options=(r"$\approx 37.8$", r"$\approx 3.65$"),
    )
    from kb.quiz.grading import Verdict

    ui = RichUI()
    out = io.StringIO()
    ui.console = Console(file=out, width=100, color_system=None)
    ui.show(1, 1, question)
    ui.feedback(question, Verdict(correct=False, given="b"))
    text = out.getvalue()
    assert "What is 1.01³⁶⁵?" in text and "a) ≈ 37.8" in text and "b) ≈ 3.65" in text
    assert "the answer is a) ≈ 37.8" in text and "^{" not in text
