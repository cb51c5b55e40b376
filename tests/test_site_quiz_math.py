"""Issue 18, point 4: the site's quiz pages show math as the note pages do, typeset by MathJax in a real browser,
code spans as code, and an amount such as "$7,000 and $1,000" stays text."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.browser_support import PageWatch, browser, build, mkdocs_env, needs_chromium, serve

pytestmark = [pytest.mark.browser, needs_chromium]

NOTE = r"""
---
title: Habits and money
tags: [math]
---
# Habits and money

## Key points

- Getting **1% better** every day compounds to $1.01^{365} \approx 37.8$ times better in a year.
- The attention scores are divided by $\sqrt{d_k}$ so that the **softmax** does not saturate.
- A **learning rate** of $\eta = 0.001$ is the usual default for Adam.
- The IRA **contribution limit** is $7,000, plus a $1,000 catch-up from age 50.
- The **Rule of 72** says money doubles in about $72 / r$ years at $r$ percent.
- A **detached HEAD** is what you get after `git checkout` of a commit ID instead of a branch.
"""


def test_quiz_pages_typeset_math_show_code_and_keep_amounts_as_text(make_kb):
    root = make_kb({"habits.md": NOTE}, site=True).root
    done = subprocess.run(
        [sys.executable, "-m", "kb", "index"], cwd=root, env=mkdocs_env(), capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    result = build(root)
    assert result.returncode == 0, result.stderr
    with serve(root / "site") as url, browser() as chromium:
        context = chromium.new_context()
        tab = PageWatch(context)
        tab.page.goto(url + "study/quiz/")
        quiz = tab.page.locator(".kb-quiz")
        quiz.locator(".kb-quiz-progress").wait_for()
        seen_math = seen_code = False
        for _ in range(20):
            question = quiz.locator(".kb-quiz-question")
            question.wait_for()
            if question.locator(".arithmatex").count():
                question.locator(".arithmatex mjx-container").first.wait_for(timeout=15000)
                seen_math = True
            text = question.inner_text()
            if "git checkout" in text:  # shown as code, without its backticks, as on the note page
                assert question.locator("code", has_text="git checkout").count(), text
                assert "`" not in text, text
                seen_code = True
            assert "\\sqrt" not in text and "^{365}" not in text and "\\approx" not in text, text
            if "$7,000" in text or "$1,000" in text:
                assert not question.locator(".arithmatex").count(), text
            options = quiz.locator(".kb-quiz-option")
            if options.count():
                options.first.click()
            else:
                quiz.locator("input").fill("x")
                quiz.locator(".kb-quiz-check").click()
            quiz.locator(".kb-quiz-feedback").wait_for()
            if not quiz.locator(".kb-quiz-next", has_text="Next question").count():
                break
            quiz.locator(".kb-quiz-next").click()
        assert seen_math and seen_code
        assert tab.errors == [] and tab.blocked == []
        context.close()
