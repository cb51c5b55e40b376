"""What kind of thing an answer is, and its grammatical form: a distractor must match both.

``answer_kind(text)`` sorts a short plain-text answer into one of:

- ``amount``: a number with a currency sign or word (``$7,000``, ``€5``, ``20 dollars``);
- ``percent``: a number with ``%`` or "percent" (``6.2%``);
- ``date``: a year from 1500 to 2099 (``2008``, ``the 1990s``; ``1024`` is a number) or a month with or without a
  day or year (``April 15``, ``May 2008``);
- ``number``: any other number, with or without a unit (``73``, ``59½``, ``6 layers``, ``0.9``, ``O(n²)`` is a
  formula, not a number);
- ``formula``: math: TeX (``\\sqrt{d_k}``), an equation or an expression with operators between symbols
  (``x = y + 1``, ``O(n^2)``, ``1/√d``);
- ``command``: a command line or a code token: starts with a known command word (``git``, ``pip``, ``python``,
  ``kb``...) or holds code syntax (``--flag``, ``HEAD~1``, ``refs/heads``, ``@{1}``, ``file.py``, ``a_b``, ``f()``);
- ``name``: a proper name, a person, place, organisation or work: every word capitalised (``Daniel Kahneman``,
  ``Costco``, ``SECURE 2.0``, ``Roth IRAs``) or an acronym (``FICA``, ``HSA``); a lower-case phrase ending in an
  acronym (``bidirectional RNN``) is a term. Persons and organisations are not told apart (that
  would take a list of names or a tagger); a name is offered other names;
- ``term``: a lower-case noun phrase of one to five words (``catch-up contribution``, ``loss aversion``);
- ``phrase``: anything longer: a clause or a sentence.

It is a set of general rules on the surface of the text, not a lexicon: it knows no particular note. The quiz
offers a ``term`` only terms, a ``name`` only names, and so on (:mod:`kb.quiz.distractors`);
``benchmarks/bench_quiz_quality.py`` measures how often the options of a question share their key's kind with it.

``answer_form(text)`` is the grammatical form a blank needs: ``plural`` or ``singular`` for a term or a name whose
last word is an English plural, ``other`` for the rest; a singular key is never offered a plural option.
"""

from __future__ import annotations

import functools
import re

from kb.quiz.words import strip_edge_punctuation

AMOUNT, PERCENT, DATE, NUMBER, FORMULA, COMMAND, NAME, TERM, PHRASE = (
    "amount",
    "percent",
    "date",
    "number",
    "formula",
    "command",
    "name",
    "term",
    "phrase",
)
NUMERIC_KINDS = frozenset((AMOUNT, PERCENT, DATE, NUMBER))
KINDS = (AMOUNT, PERCENT, DATE, NUMBER, FORMULA, COMMAND, NAME, TERM, PHRASE)

_MONTHS = (
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec"
).split()
_MONTH_RE = re.compile(
    r"\b(?:" + "|".join(_MONTHS) + r")\b\.?(?:\s+\d{1,2}(?:st|nd|rd|th)?)?(?:,?\s+\d{4})?$", re.I
)
_YEAR_RE = re.compile(r"^(?:(?:in|the|since|by|from|early|late|mid)\s+)?(?:1[5-9]|20)\d\d(?:s|'s)?$", re.I)
# "15k", "2.5k", "120k" are amounts; "401k" (three significant digits, not round) is the name of a plan.
_CURRENCY_RE = re.compile(
    r"[$€£¥]\s?\d|\d\s?(?:dollars?|euros?|pounds?|cents?|[mb]illion\b)|(?<![\d.])(?:\d{1,2}(?:\.\d)?|\d{1,2}0)k\b",
    re.I,
)
_PERCENT_RE = re.compile(r"\d\s?(?:%|percent\b|per cent\b|pp\b|percentage points?\b)", re.I)
_DIGIT_RE = re.compile(r"\d|[½¼¾⅓⅔]")
_TEX_RE = re.compile(r"\\[a-zA-Z]+|[\^_]\{|[a-zA-Z0-9)]\^[a-zA-Z0-9({]|[a-zA-Z)]_[a-zA-Z0-9](?!\w)")
# A slash between two words of two letters or more is "or" ("train/test splits", "input/output"), not a division.
_OPERATOR_RE = re.compile(
    r"(?:^|[\w)\]}]\s*)(?:[=<>≤≥≈×·÷±∑∏√∝]|[+*]\s*[\w(√])|O\([^)]*\)"
    r"|(?:^|(?<![^\W\d_])[^\W\d_]|[\d)\]}])\s*/\s*[\d(√]|[\d)\]}]\s*/\s*\w|(?<![^\W\d_])[^\W\d_]\s*/\s*[^\W\d_](?![^\W\d_])"
)
_COMMAND_WORDS = frozenset(
    "git pip python python3 kb npm yarn cargo go make docker kubectl ls cd cat grep rg sed awk curl wget ssh "
    "sudo apt brew conda pytest mkdocs".split()
)
_CODE_RE = re.compile(
    r"(?:^|\s)--?[a-z][\w-]*|[~^]\d|@\{|\w/\w+/|/\w+/|(?:^|\w)\.[a-z]{2,5}\b(?!\s+\w)|[A-Za-z]_[A-Za-z]{2}|\w\(\)"
    r"|^[a-z]+\.[a-z][A-Za-z]*$"  # one way to split the name: a linear match, never a quadratic backtrack
)
_NAME_WORD_RE = re.compile(
    r"^(?:[A-Z][\w'’.&-]*|[0-9][\w.]*|of|and|the|for|de|van|von|da|del|la|le|et|al\.?)$"
)
_ACRONYM_RE = re.compile(r"^[A-Z][A-Z0-9&.-]{1,9}s?$")
_TERM_WORDS = 5
# A plan named after its section of the tax code: "401(k)", "403(b)", "401k", "457b" (a three-digit number, not a
# round one, then one letter): a name, whatever surrounds it, never an amount nor a number.
_CODE_SECTION_RE = re.compile(r"(?<![\w.$€£¥])\d\d[1-46-9](?:\([a-z]\)|[a-z])(?![\w(])")
_INVARIANT_PLURALS = frozenset(
    "series species news means data criteria phenomena people children men women".split()
)
_NUMBER_WORDS = frozenset(
    "one two three four five six seven eight nine ten eleven twelve twenty thirty forty fifty sixty seventy eighty "
    "ninety hundred thousand million billion trillion half twice dozen".split()
)
_SINGULAR_S = ("ss", "us", "is", "ics", "sis", "ous", "'s", "’s")


@functools.lru_cache(maxsize=8192)
def answer_kind(text: str) -> str:
    """The kind of a short plain-text answer (see the module's docstring for the kinds and their rules)."""
    text = _trim(text)
    if not text:
        return PHRASE
    words = text.split()
    if _TEX_RE.search(text):
        return FORMULA
    first = words[0].lower()
    if _CODE_SECTION_RE.search(text) and len(words) <= _TERM_WORDS:
        return NAME
    if first in _COMMAND_WORDS and (len(words) > 1 or text == first) or _CODE_RE.search(text):
        return COMMAND if len(words) <= 8 else PHRASE
    if _TEX_RE.search(text) or (_OPERATOR_RE.search(text) and len(words) <= 7):
        return FORMULA
    if _MONTH_RE.fullmatch(text) and text[:1].isupper() and len(words) <= 4:
        return DATE
    numeric = _DIGIT_RE.search(text) or first in _NUMBER_WORDS
    if numeric and len(words) <= 5:
        if _CURRENCY_RE.search(text):
            return AMOUNT
        if _PERCENT_RE.search(text):
            return PERCENT
        if _YEAR_RE.match(text):
            return DATE
        if words[0][:1].isupper() and words[0].isalpha() and all(_NAME_WORD_RE.match(w) for w in words):
            return NAME  # Form 8606, GeForce 256, SECURE 2.0
        if len(words) <= 3 or sum(bool(_DIGIT_RE.search(w)) for w in words) * 2 >= len(words):
            return NUMBER
    if len(words) > _TERM_WORDS:
        return PHRASE
    if text[:1].isupper() and all(_NAME_WORD_RE.match(w) for w in words):
        return NAME
    return TERM


def _trim(text: str) -> str:
    """The answer without the punctuation around it; a closing parenthesis stays when it closes one inside
    ("O(n²)", "401(k)")."""
    text = strip_edge_punctuation(text)
    while text[:1] == "(" and text.count("(") > text.count(")"):
        text = text[1:].strip()
    while text[-1:] == ")" and text.count(")") > text.count("("):
        text = text[:-1].strip()
    if text[:1] == "(" and text[-1:] == ")" and text.count("(") == 1:
        text = text[1:-1].strip()
    return strip_edge_punctuation(text)


@functools.lru_cache(maxsize=8192)
def answer_form(text: str) -> str:
    """``plural``, ``singular`` or ``other``: the grammatical number of a term's or name's last word."""
    words = text.strip().split()
    if not words or len(words) > _TERM_WORDS:
        return "other"
    last = re.split(r"[-/]", words[-1].strip(".,;:!?\"'()"))[-1]
    low = last.lower()
    if not low.isalpha() or len(low) < 3:
        return "other"
    if low in _INVARIANT_PLURALS:
        return "plural"
    if _ACRONYM_RE.match(last) and last.endswith("s") and last[:-1].isupper():
        return "plural"  # IRAs, HSAs
    if low.endswith("s") and not low.endswith(_SINGULAR_S):
        return "plural"
    return "singular"


def same_kind(a: str, b: str) -> bool:
    """Whether ``b`` could stand where ``a`` stands: the same kind and, for terms and names, the same number.

    Amounts, percentages, plain numbers and dates are kinds of their own (an age is not offered a dollar amount).
    """
    ka, kb = answer_kind(a), answer_kind(b)
    if ka != kb:
        return False
    if ka in (TERM, NAME):
        fa, fb = answer_form(a), answer_form(b)
        return fa == fb or "other" in (fa, fb)
    return True
