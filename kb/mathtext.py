"""LaTeX math in card and quiz text, as Unicode a terminal can show: ``$1.01^{365} \\approx 37.8$`` becomes
``1.01³⁶⁵ ≈ 37.8``, ``$\\frac{\\partial L}{\\partial w_i}$`` becomes ``∂L/∂wᵢ``.

Macros (Greek letters, operators, relations, ``\\frac``, ``\\sqrt``, ``\\text``, ``\\mathbb`` ...) are converted by
pylatexenc's ``LatexNodes2Text``, imported only when a text has math. Sub- and superscripts, which it leaves as
``_`` and ``^``, become Unicode subscript and superscript characters here when every character of the script has
one (``x^{n-1}`` -> ``xⁿ⁻¹``, ``W^T`` -> ``Wᵀ``), else ``^(...)``. Math is ``$...$`` (not ``$5`` amounts),
``$$...$$``, ``\\(...\\)`` and ``\\[...\\]`` outside code spans; text without math comes back unchanged.
"""

from __future__ import annotations

import re

# Code spans first, so that math-looking text inside one is left alone; then display math, inline math (not $5
# amounts: as on the site), \( \) and \[ \].
_MATH_RE = re.compile(
    r"(?P<code>(`+).+?(?<!`)\2(?!`))"
    r"|\$\$(?P<display>.+?)\$\$"
    r"|(?<![\\$\w])\$(?=\S)(?P<inline>(?:[^$\n]|\\\$)+?)(?<![\s\\])\$(?!\d)"
    r"|\\\((?P<paren>.+?)\\\)|\\\[(?P<bracket>.+?)\\\]",
    re.S,
)
_HAS_MATH_RE = re.compile(r"\$|\\\(|\\\[")

SUPERSCRIPTS = dict(
    zip(
        "0123456789+-−=()abcdefghijklmnoprstuvwxyzABDEGHIJKLMNOPRTUVWαβγδεθιφχ'",
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴬᴮᴰᴱᴳᴴᴵᴶᴷᴸᴹᴺᴼᴾᴿᵀᵁⱽᵂᵅᵝᵞᵟᵋᶿᶥᵠᵡ′",
        strict=True,
    )
)
SUBSCRIPTS = dict(
    zip("0123456789+-−=()aehijklmnoprstuvxβγρφχ", "₀₁₂₃₄₅₆₇₈₉₊₋₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ", strict=True)
)

FRACTIONS = ("frac", "dfrac", "tfrac")
SPACE_EATERS = ("partial", "nabla")  # \partial L reads ∂L, not ∂ L

_converter = None


def math_to_unicode(text: str) -> str:
    """``text`` with each piece of LaTeX math written in Unicode (the rest, code spans included, unchanged)."""
    if not _HAS_MATH_RE.search(text):
        return text

    def convert(m: re.Match) -> str:
        if m.group("code"):
            return m.group(0)
        latex = next(g for g in (m["display"], m["inline"], m["paren"], m["bracket"]) if g is not None)
        return latex_to_unicode(latex)

    return _MATH_RE.sub(convert, text)


def latex_to_unicode(latex: str) -> str:
    """One formula (without its ``$`` delimiters) as Unicode text."""
    global _converter
    if _converter is None:
        from pylatexenc.latex2text import LatexNodes2Text

        _converter = LatexNodes2Text(math_mode="text")
    text = _converter.latex_to_text(_keep_spaces(_scripts(latex.replace("\\|", "\\Vert{}"))))
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def _keep_spaces(latex: str) -> str:
    """``\\approx 37`` -> ``\\approx{} 37``: LatexNodes2Text drops the space after a macro, which glues ``≈37``."""
    from pylatexenc.latexwalker import get_default_latex_context_db

    db = get_default_latex_context_db()

    def keep(m: re.Match) -> str:
        spec = db.get_macro_spec(m.group(1))
        takes_arguments = spec is not None and getattr(spec.args_parser, "argspec", "")
        if m.group(1) in SPACE_EATERS:
            return f"\\{m.group(1)}{{}}"
        return m.group(0) if takes_arguments else f"\\{m.group(1)}{{}}{m.group(2)}"

    return re.sub(r"\\([A-Za-z]+)(\s+)", keep, latex)


def _scripts(latex: str) -> str:
    """Sub- and superscripts (``^{...}``, ``_x``, ``^\\prime``) written with Unicode characters where they exist;
    fractions as ``a/b`` with the parentheses their parts need."""
    if "^" not in latex and "_" not in latex and "frac" not in latex:
        return latex
    out: list[str] = []
    i = 0
    while i < len(latex):
        ch = latex[i]
        if ch == "\\" and i + 1 < len(latex):  # an escaped character (\_ \^ \\) or a macro name: copied as is
            m = re.match(r"\\([A-Za-z]+|.)", latex[i:])
            i += m.end()
            if m.group(1) in FRACTIONS:
                numerator, i = _script_argument(latex, i)
                denominator, i = _script_argument(latex, i)
                glued = i < len(latex) and (latex[i].isalnum() or latex[i] in "\\(")
                out.append(
                    _fraction(
                        numerator,
                        denominator,
                        glued or bool(out and (out[-1][-1:].isalnum() or out[-1][-1:] == ")")),
                    )
                )
                continue
            out.append(m.group(0))
            if m.group(1).isalpha() and latex[i : i + 1] in ("^", "_"):
                out.append("{}")  # \sum_x: the subscript character must not read as part of the macro's name
            continue
        if ch not in "^_":
            out.append(ch)
            i += 1
            continue
        argument, i = _script_argument(latex, i + 1)
        table = SUPERSCRIPTS if ch == "^" else SUBSCRIPTS
        inner = latex_to_unicode(argument) if argument.strip() else ""
        compact = inner.replace(" ", "")
        if compact and all(c in table for c in compact):
            out.append("".join(table[c] for c in compact))
        else:
            out.append(f"{ch}{inner}" if len(compact) <= 1 else f"{ch}({inner})")
    return "".join(out)


def _fraction(numerator: str, denominator: str, glued: bool) -> str:
    """``a/b``; ``(a + 1)/(2b)`` when a part is more than one term; in parentheses when written against a term."""
    parts = []
    for part in (latex_to_unicode(numerator), latex_to_unicode(denominator)):
        simple = re.fullmatch(r"[^\s+\-−=/·×]+", part) is not None
        parts.append(part if simple else f"({part})")
    text = "/".join(parts)
    return f"({text})" if glued else text


def _script_argument(latex: str, i: int) -> tuple[str, int]:
    """The argument of ``^`` or ``_`` starting at ``i`` (a braced group, a macro or one character) and the end."""
    while i < len(latex) and latex[i] == " ":
        i += 1
    if i >= len(latex):
        return "", i
    if latex[i] == "{":
        depth = 0
        for j in range(i, len(latex)):
            if latex[j] == "{" and (j == 0 or latex[j - 1] != "\\"):
                depth += 1
            elif latex[j] == "}" and latex[j - 1] != "\\":
                depth -= 1
                if depth == 0:
                    return latex[i + 1 : j], j + 1
        return latex[i + 1 :], len(latex)
    if latex[i] == "\\":
        m = re.match(r"\\([A-Za-z]+|.)", latex[i:])
        return m.group(0), i + m.end()
    return latex[i], i + 1
