"""What a learner sees of an answer's kind and of a card's math.

A quiz offers a key only options of its own kind and number (an age is never offered a dollar amount, "tax credit"
never "deductions"), and the terminal shows ``$\\sigma(z) = \\frac{1}{1 + e^{-z}}$`` as ``σ(z) = 1/(1 + e⁻ᶻ)``
while a note's ``$5`` stays five dollars. The cases come from ML, tax, git and book notes.
"""

from __future__ import annotations

import itertools

import pytest

from kb.mathtext import latex_to_unicode, math_to_unicode
from kb.quiz.answerkind import KINDS, NUMERIC_KINDS, answer_form, answer_kind, same_kind

# --- answer_kind ---------------------------------------------------------------------------------------------------

KIND_CASES = [
    # money, in any currency or spelled out: never offered an age or a rate
    ("€5", "amount"),
    ("£1,200", "amount"),
    ("20 dollars", "amount"),
    ("$1.5 million", "amount"),
    ("3k", "amount"),
    ("$7,000.", "amount"),  # the full stop of a sentence-final answer does not change it
    # rates
    ("12.4%", "percent"),
    ("3 percent", "percent"),
    ("0.5 percentage points", "percent"),
    # years, decades and calendar days
    ("1987", "date"),
    ("the 1990s", "date"),
    ("in 2017", "date"),
    ("May 2008", "date"),
    ("Dec 31, 2024", "date"),
    ("Sept. 30", "date"),
    ("April", "date"),
    # plain quantities, with or without a unit
    ("59½", "number"),
    ("0.9", "number"),
    ("1e-3", "number"),
    ("6 layers", "number"),
    ("1 in 4", "number"),
    ("three", "number"),
    ("ten thousand hours", "number"),
    # math
    ("O(n^2)", "formula"),
    ("x = y + 1", "formula"),
    ("E = mc^2", "formula"),
    ("softmax(QK^T)", "formula"),
    ("\\alpha", "formula"),
    ("x ≤ y", "formula"),
    ("p < 0.05", "formula"),
    # command lines and code tokens
    ("git", "command"),
    ("git rebase -i HEAD~3", "command"),
    ("git add -p && git commit", "command"),
    ("pip install -e .", "command"),
    ("python -m pytest", "command"),
    ("--amend", "command"),
    ("HEAD~1", "command"),
    ("refs/heads/main", "command"),
    ("setup.py", "command"),
    ("snake_case", "command"),
    # people, organisations, works, laws, forms and acronyms
    ("Costco", "name"),
    ("Adam", "name"),
    ("Yann LeCun", "name"),
    ("Ludwig van Beethoven", "name"),
    ("The Art of War", "name"),
    ("SECURE 2.0", "name"),
    ("GeForce 256", "name"),
    ("IRS Form 1040", "name"),
    ("Form W-2", "name"),
    ("Section 529", "name"),
    ("FICA.", "name"),
    ("RNNs", "name"),
    # lower-case noun phrases
    ("dropout", "term"),
    ("gradient descent", "term"),
    ("learning rate", "term"),
    ("vanishing gradients", "term"),
    ("attention heads", "term"),
    ("tax-free accounts", "term"),
    ("state-of-the-art models", "term"),
    ("  (loss aversion).  ", "term"),  # surrounding space and punctuation are not part of the answer
    # clauses and sentences
    ("the sunk cost fallacy in practice", "phrase"),
    ("the model overfits when it memorises noise", "phrase"),
    ("the limit rose to 7,000 dollars in 2024", "phrase"),  # a sentence with an amount in it is no amount
    ("git log --oneline --graph --all --decorate --stat -p -n 5 main", "phrase"),  # too long to type back
    ("", "phrase"),
    ("   ", "phrase"),
]


@pytest.mark.parametrize(("text", "kind"), KIND_CASES)
def test_an_answer_is_sorted_into_the_kind_a_learner_would_expect(text, kind):
    assert answer_kind(text) == kind


@pytest.mark.parametrize(("text", "kind"), KIND_CASES)
def test_every_kind_is_a_known_one_and_only_quantities_are_numeric(text, kind):
    got = answer_kind(text)
    assert got in KINDS
    assert (got in NUMERIC_KINDS) == (kind in ("amount", "percent", "date", "number"))


@pytest.mark.parametrize(
    ("answer", "not_kind"),
    [
        ("$1.5 million", "number"),  # money is not a bare count
        ("3 percent", "number"),
        ("2008", "number"),  # a year is not a quantity
        ("SECURE 2.0", "number"),  # a law with a version is a name, not a number
        ("x = y + 1", "term"),
        ("HEAD~1", "name"),
        ("bidirectional RNN", "name"),
    ],
)
def test_look_alike_answers_are_not_mistaken_for_a_neighbouring_kind(answer, not_kind):
    assert answer_kind(answer) != not_kind


# --- answer_form ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "form"),
    [
        # regular and irregular plurals
        ("attention heads", "plural"),
        ("vanishing gradients", "plural"),
        ("tax-free accounts", "plural"),
        ("state-of-the-art models", "plural"),
        ("0.5 percentage points", "plural"),
        ("species", "plural"),
        ("criteria", "plural"),
        ("data", "plural"),
        ("people", "plural"),
        ("HSAs", "plural"),
        ("RNNs", "plural"),
        # words that end in s without being plural
        ("analysis", "singular"),
        ("loss", "singular"),
        ("stress", "singular"),
        ("bus", "singular"),
        ("mathematics", "singular"),
        ("gradient descent", "singular"),
        ("learning rate", "singular"),
        ("weight decay", "singular"),
        ("Costco", "singular"),
        ("FICA", "singular"),
        # no grammatical number to match
        ("$7,000", "other"),
        ("12.4%", "other"),
        ("1987", "other"),
        ("HEAD~1", "other"),
        ("Kahneman's", "other"),
        ("ox", "other"),  # too short to tell
        ("", "other"),
        ("the model overfits when it memorises noise", "other"),
    ],
)
def test_the_grammatical_number_of_an_answer(text, form):
    assert answer_form(text) == form


@pytest.mark.parametrize(
    ("key", "option"),
    [
        ("Roth IRAs", "HSAs"),
        ("HSA", "FICA"),
        ("SECURE 2.0", "Costco"),  # a name with no grammatical number fits either
        ("species", "genes"),
        ("dropout", "weight decay"),
        ("73", "59½"),
        ("6.2%", "7%"),
        ("1987", "the 1990s"),
        ("$7,000", "€5"),
        ("git reflog", "git stash"),
        ("O(n^2)", "x = y + 1"),
    ],
)
def test_an_option_of_the_same_kind_and_number_may_stand_for_the_key(key, option):
    assert same_kind(key, option) and same_kind(option, key)


@pytest.mark.parametrize(
    ("key", "option"),
    [
        ("HSA", "Roth IRAs"),  # "an HSA" cannot be "an Roth IRAs"
        ("tax credits", "deduction"),
        ("attention head", "vanishing gradients"),
        ("2008", "73"),  # a year is not an age
        ("$7,000", "7%"),
        ("6.2%", "0.9"),
        ("loss aversion", "Kahneman"),
        ("git reflog", "reflog entries"),
        ("O(n^2)", "n squared"),
    ],
)
def test_an_option_of_another_kind_or_number_is_never_offered(key, option):
    assert not same_kind(key, option) and not same_kind(option, key)


def test_same_kind_is_symmetric_and_reflexive_over_realistic_answers():
    answers = [text for text, _ in KIND_CASES if text.strip()] + ["tax credit", "deductions", "Roth IRAs"]
    for a in answers:
        assert same_kind(a, a), a
    for a, b in itertools.combinations(answers, 2):
        assert same_kind(a, b) == same_kind(b, a), (a, b)


# --- mathtext ------------------------------------------------------------------------------------------------------

MATH_CASES = [
    # ML notes
    (r"$\mathrm{softmax}(\frac{QK^T}{\sqrt{d_k}})V$", "softmax(QKᵀ/√(dₖ))V"),
    (r"$\sigma(z) = \frac{1}{1 + e^{-z}}$", "σ(z) = 1/(1 + e⁻ᶻ)"),
    (r"$\theta_{t+1} = \theta_t - \eta \nabla L$", "θₜ₊₁ = θₜ - η ∇L"),
    (r"$\sum_{i=1}^{n} x_i$", "∑ᵢ₌₁ⁿ xᵢ"),
    (r"$\beta_1 = 0.9$", "β₁ = 0.9"),
    (r"learning rate $10^{-3}$", "learning rate 10⁻³"),
    (r"$\frac{1}{\sqrt{d_k}}$", "1/√(dₖ)"),
    (r"$\frac{x - \mu}{\sigma}$", "(x - μ)/σ"),
    (r"$x \in \mathbb{R}^d$", "x ∈ ℝᵈ"),
    (r"$\hat{y}$", "ŷ"),
    (r"$a_{ij}$", "aᵢⱼ"),
    (r"$x^{(i)}$", "x⁽ⁱ⁾"),
    (r"$y^{(i)}_j$", "y⁽ⁱ⁾ⱼ"),
    (r"$x_{n}^{2}$", "xₙ²"),
    (r"$A^{-1}$", "A⁻¹"),
    (r"$x^\prime$", "x′"),
    (r"$\|x\|_1$", "‖x‖₁"),
    (r"$\chi^2$ and $R^2$", "χ² and R²"),
    (r"$x_{\text{max}}$", "xₘₐₓ"),
    (r"$O(n \log n)$ beats $O(n^2)$", "O(n log n) beats O(n²)"),
    # operators and relations, with the spaces around them kept
    (r"$p \le 0.05$", "p ≤ 0.05"),
    (r"$a \leq b \geq c$", "a ≤ b ≥ c"),
    (r"$a \neq b$", "a ≠ b"),
    (r"$\mu \pm \sigma$", "μ ± σ"),
    (r"$\alpha \cdot \beta$", "α · β"),
    (r"$a \times b$ and $a \div b$", "a × b and a ÷ b"),
    (r"$x \to \infty$", "x → ∞"),
    (r"$\approx 0.7$", "≈ 0.7"),
    (r"$\partial f / \partial x$", "∂f / ∂x"),
    (r"$\Sigma$, $\Omega$, $\lambda$ and $\gamma$", "Σ, Ω, λ and γ"),
    # book and finance notes
    (r"Rule of 72: $t \approx 72 / r$", "Rule of 72: t ≈ 72 / r"),
    (r"$E = mc^2$", "E = mc²"),
    (r"A 401(k) limit of $23{,}000$", "A 401(k) limit of 23,000"),
    (r"$\text{cost} = \$5$", "cost = $5"),  # an escaped dollar inside math is a dollar sign
    (r"$$\text{loss} = -\log p$$", "loss = -log p"),
    ("$$\na^2 + b^2 = c^2\n$$", "a² + b² = c²"),  # display math over several lines
    (r"\(\alpha\) and \[\beta\]", "α and β"),
]


@pytest.mark.parametrize(("text", "shown"), MATH_CASES)
def test_a_notes_math_reads_as_unicode(text, shown):
    assert math_to_unicode(text) == shown


@pytest.mark.parametrize(("text", "shown"), MATH_CASES)
def test_no_latex_markup_is_left_for_the_learner_and_converting_again_changes_nothing(text, shown):
    out = math_to_unicode(text)
    assert "\\" not in out and "{" not in out and "$$" not in out
    assert math_to_unicode(out) == out


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (r"$x_\alpha$", "x_α"),  # α has no subscript form: one character needs no parentheses
        (r"$W_{q}$", "W_q"),
        (r"$\nabla_\theta J$", "∇_θ J"),
        (r"$y_{\text{pred}}$", "y_(pred)"),  # d has no subscript form, so none of the script is lowered
        (r"$e^{i\pi} + 1 = 0$", "e^(iπ) + 1 = 0"),
        (r"$x^{1/2}$", "x^(1/2)"),
    ],
)
def test_a_script_without_unicode_characters_stays_readable(text, shown):
    assert math_to_unicode(text) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (r"$\frac{a}{b}$", "a/b"),
        (r"$a\frac{b}{c}$", "a(b/c)"),  # a fraction written against a term keeps its parentheses
        (r"$\frac{a}{b}c$", "(a/b)c"),
        (r"$2\frac{1}{2}$", "2(1/2)"),
    ],
)
def test_a_fraction_next_to_a_term_cannot_be_misread(text, shown):
    assert math_to_unicode(text) == shown


@pytest.mark.parametrize(
    "text",
    [
        "The fee is $5 or $6.50 per trade",
        "Pay $100 now and $200 later",
        "between $3 and $4",
        "50% off $20 items",
        "$ 5 $",  # a dollar followed by a space opens no math
        "`git log --format=$x_1$`",
        "use ``$x^2$`` literally",
        "Contribute up to $7,000 to a Roth IRA",
    ],
)
def test_dollar_amounts_and_code_spans_are_left_as_written(text):
    assert math_to_unicode(text) == text


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("$5 and $x$", "$5 and x"),
        ("US$5 and $x_1$", "US$5 and x₁"),
        ("Costs $5\nand $x^2$", "Costs $5\nand x²"),  # inline math does not reach back over a line break
        (r"$x^2$, `$y^2$` and $z_1$", "x², `$y^2$` and z₁"),
        (r"Save $5 a day, so $5 \times 365 = 1825$ a year", "Save $5 a day, so 5 × 365 = 1825 a year"),
    ],
)
def test_an_amount_and_math_in_the_same_line_are_told_apart(text, shown):
    assert math_to_unicode(text) == shown


def test_every_digit_has_a_script_form():
    assert latex_to_unicode("x^{0123456789}") == "x⁰¹²³⁴⁵⁶⁷⁸⁹"
    assert latex_to_unicode("x_{0123456789}") == "x₀₁₂₃₄₅₆₇₈₉"


def test_one_formula_without_delimiters_is_converted_and_its_spacing_tidied():
    assert latex_to_unicode(r"\beta_1 = 0.9") == "β₁ = 0.9"
    assert latex_to_unicode("  x  +   y ") == "x + y"
