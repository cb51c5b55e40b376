"""The piped line protocol of `kb review` prints card text as written, LaTeX included (README: it is for scripts,
and the Unicode reading of the terminal screens is lossy)."""

from __future__ import annotations

from click.testing import CliRunner

from kb.cli import cli


def test_piped_review_prints_math_as_written(kbroot, monkeypatch):
    monkeypatch.setenv("KB_NOW", "2026-03-02T09:00:00Z")
    kbroot.write("ml/loss.md", "# Loss\n\nWhat is $\\frac{\\partial L}{\\partial w}$?::$\\nabla_w L$\n")
    result = CliRunner().invoke(cli, ["review"], input="3\n")
    assert result.exit_code == 0, result.output
    assert "$\\frac{\\partial L}{\\partial w}$" in result.output and "$\\nabla_w L$" in result.output
    assert "∂" not in result.output
