"""Generate a realistic knowledge base for benchmarks: ``python benchmarks/generate.py N DIR [--seed S] [--plugin]``.

DIR gets an ``mkdocs.yml`` (``docs_dir: notes``, the material theme, the ``kb`` plugin only with ``--plugin``), a
``.gitignore`` for kb's database, and ``DIR/notes/<type folder>/*.md``: N notes of about 4 KB spread over the note
types kb was made for. Each note has front matter, headings, a quick summary, a key-points list (some bullets led by
a bold term), every card syntax kb reads, fenced code, inline and display math, a table and ``[[wiki links]]`` to
other notes of the same corpus.

Text comes from a built-in vocabulary drawn with Zipf-like weights (a few words very common, most rare), so SQLite
FTS5 sees a realistic term distribution. The corpus is a pure function of (N, seed): the same arguments give the same
bytes. Importable: ``generate(n, dir, seed)``.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

# Folder under notes/ -> the note's `type`. Weights: how often each kind appears.
TYPES = {
    "books": ("book", 3),
    "podcasts": ("podcast", 2),
    "ml": ("ml", 3),
    "taxes": ("taxes", 1),
    "git": ("git", 1),
    "articles": ("article", 2),
}

# Common English words: the head of the Zipf distribution.
COMMON = """
the of and to in is that it for as with on be by this are from or an at not which can but more when what
one each they have their will about how your time you we if so than into other also most only first new some
these make use like just over many even way because people work good does both then very much well between
through while where used same example after before never often learn idea better first long small large level
change point think know system value part world every own need three start keep simple hard easy real might
""".split()

# Topic words per type: what search queries look for. They sit in the middle of the distribution.
TOPICS = {
    "book": """habit habits identity reward cue craving routine behavior environment discipline focus deep attention
        practice deliberate mastery feedback motivation willpower goal goals system systems compound growth mindset
        stoic stoicism virtue negotiation empathy leverage story chapter author argument evidence memory sleep
        productivity priorities essentialism tradeoff decision bias heuristic thinking fast slow intuition""",
    "podcast": """episode guest host interview wealth leverage judgment happiness meditation specific knowledge
        accountability startup founder investing equity compounding reading health fitness peace desire
        conversation advice career podcast listener question answer philosophy freedom status games""",
    "ml": """gradient descent backpropagation neuron layer network residual resnet embedding vector softmax
        entropy loss regularization dropout overfitting bias variance tree decision split impurity bayes prior
        posterior likelihood recurrent lstm gru sequence attention transformer token initialization xavier
        kaiming batch normalization optimizer momentum adam learning rate convolution kernel pooling search
        heuristic admissible astar graph node edge cost training validation test accuracy precision recall""",
    "taxes": """income tax deduction credit bracket marginal effective filing status adjusted gross standard
        itemized withholding refund capital gains dividend ira roth contribution exemption dependent payroll
        social security medicare estimated quarterly audit schedule form return basis depreciation""",
    "git": """commit tree blob object hash sha ref branch head index staging merge rebase packfile delta reflog
        remote fetch push pull tag annotated porcelain plumbing checkout worktree stash cherry pick bisect
        history graph parent ancestor fast forward conflict hunk diff patch garbage collection loose""",
    "article": """essay argument claim reader writing clarity startup product market users growth design
        simplicity complexity software engineering architecture incentive economics policy history science
        research study experiment result method survey trend analysis culture technology future""",
}

_SYLLABLES = (
    "ba be bi bo bu ka ke ki ko ku la le li lo lu ma me mi mo mu na ne ni no nu ra re ri ro ru sa se si so su "
    "ta te ti to tu va ve vi vo vu za ze zi zo zu dra dre dri tro tra pla ple pli sta ste sti gra gre gri "
    "tor tan ter lin lon mar mor nel nor ran ren rin son ven vin wal wel zan zor fin fon"
).split()

FIRST_NAMES = "James Ada Naval Maria Wei Priya Tom Lena Omar Sofia Kenji Grace Ivan Noor Diego Hana".split()
LAST_NAMES = (
    "Clear Newport Ravikant Okafor Chen Sharma Berg Novak Haddad Rossi Tanaka Hopper Petrov Farah".split()
)
LANGUAGES = ("python", "bash", "sql", "text")


def _build_vocabulary() -> list[str]:
    """About 24,000 distinct words: common English first, topic words next, then made-up words.

    Made-up words come from a fixed generator (seed 0), not from the corpus seed, so every corpus shares a vocabulary.
    """
    rng = random.Random(0)
    words: list[str] = []
    seen: set[str] = set()

    def add(word: str) -> None:
        if word not in seen:
            seen.add(word)
            words.append(word)

    for w in COMMON:
        add(w)
    for topic in TOPICS.values():
        for w in topic.split():
            add(w)
    while len(words) < 24_000:
        add("".join(rng.choice(_SYLLABLES) for _ in range(rng.choice((2, 2, 3, 3, 3, 4)))))
    return words


VOCABULARY = _build_vocabulary()


def _sampling_table(words: list[str], slots: int) -> list[str]:
    """Zipf's law as a lookup table: the word of rank r fills about ``slots / (r * H)`` slots (at least one).

    Drawing a uniform slot then gives a Zipf-distributed word, ten times faster than ``random.choices``.
    """
    harmonic = sum(1.0 / (r + 1) for r in range(len(words)))
    table: list[str] = []
    for rank, word in enumerate(words):
        table.extend([word] * max(1, round(slots / ((rank + 1) * harmonic))))
    return table


_BASE_TABLE = _sampling_table(VOCABULARY, 1 << 18)
_TOPIC_WORDS = {t: w.split() for t, w in TOPICS.items()}
# About one word in eight is about the note's topic, as in a real summary.
_TABLES = {
    t: _BASE_TABLE + words * (len(_BASE_TABLE) // 7 // len(words)) for t, words in _TOPIC_WORDS.items()
}


class _Writer:
    """Builds one note's text from a seeded RNG."""

    def __init__(self, rng: random.Random, note_type: str, titles: list[str]):
        self.rng = rng
        self.topic = _TOPIC_WORDS[note_type]
        self.table = _TABLES[note_type]
        self.titles = titles

    def words(self, k: int) -> list[str]:
        table = self.table
        n = len(table)
        return [table[x % n] for x in memoryview(self.rng.randbytes(4 * k)).cast("I")]

    def phrase(self, lo: int = 2, hi: int = 4) -> str:
        return " ".join(self.words(self.rng.randint(lo, hi)))

    def sentence(self, lo: int = 8, hi: int = 20) -> str:
        words = self.words(self.rng.randint(lo, hi))
        return words[0].capitalize() + " " + " ".join(words[1:]) + "."

    def paragraph(self, sentences: int = 4) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def link(self) -> str:
        return f"[[{self.rng.choice(self.titles)}]]"


def _note_text(rng: random.Random, title: str, note_type: str, titles: list[str], target: int) -> str:
    w = _Writer(rng, note_type, titles)
    author = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
    tags = sorted(set(rng.sample(w.topic, rng.randint(2, 4))))
    date = f"20{rng.randint(15, 25):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    out = [
        "---",
        f'title: "{title}"',
        f"type: {note_type}",
        f"author: {author}",
        f"source: https://example.org/{note_type}/{slug}",
        f"tags: [{', '.join(tags)}]",
        f"date: {date}",
        "---",
        "",
        f"# {title}",
        "",
        "## Quick summary",
        "",
        w.paragraph(3) + f" See also {w.link()}.",
        "",
        "## Key points",
        "",
    ]
    for i in range(rng.randint(4, 7)):
        if i == 0 or rng.random() < 0.3:  # some bullets are led by a bold term, as in real key points
            out.append(f"- **{w.phrase(1, 3).capitalize()}**: {w.sentence(6, 14)}")
        else:
            out.append(f"- {w.sentence(8, 16)}")
    out += [
        "",
        f"## {w.phrase().capitalize()}",
        "",
        f"{w.sentence()} The idea of =={w.phrase(1, 2)}== matters because {w.phrase(3, 6)}, "
        f"as {w.link()} argues; the cost grows like $O(n \\log n)$ when {w.phrase(2, 4)}.",
        "",
        f"{w.phrase(3, 6).capitalize()}::{w.phrase(2, 5)}",
        f"{w.phrase(1, 3).capitalize()}:::{w.phrase(1, 3)}",
        "",
        f"{w.sentence(6, 12)} {{{{c1::{w.phrase(1, 2)}}}}} and {{{{c2::{w.phrase(1, 2)}::hint}}}} {w.phrase()}.",
        "",
        w.sentence(6, 12),
        w.sentence(4, 8)[:-1] + "?",
        "?",
        w.sentence(6, 14),
        w.sentence(4, 10),
        "",
        w.sentence(6, 12)[:-1] + "?",
        "??",
        w.sentence(4, 10),
        "",
        f"## {w.phrase().capitalize()}",
        "",
        w.paragraph(3),
        "",
        f'??? question "What is {w.phrase(2, 3)}?"',
        f"    {w.sentence(8, 16)}",
        f"    {w.sentence(6, 12)}",
        "",
        f"Q: Why does {w.phrase(2, 4)} matter?",
        f"A: {w.sentence(8, 14)}",
        "",
        w.phrase(1, 2).capitalize(),
        f":   {w.sentence(8, 14)}",
        "",
        f"```{rng.choice(LANGUAGES)}",
    ]
    for _ in range(rng.randint(3, 6)):
        out.append(
            f"{rng.choice(VOCABULARY[200:2000])}_{rng.randrange(100)} = {rng.choice(('run', 'load', 'fit'))}"
            f"({rng.choice(VOCABULARY[200:2000])!r}, {rng.randrange(1000)})  # {w.phrase(1, 2)} :: not a card"
        )
    out += [
        "```",
        "",
        "$$",
        f"L(\\theta) = -\\sum_{{i=1}}^{{n}} y_i \\log p_\\theta(x_i) + \\lambda \\lVert \\theta \\rVert^{rng.randint(1, 2)}",
        "$$",
        "",
        "| term | meaning | example |",
        "|---|---|---|",
    ]
    for _ in range(rng.randint(2, 4)):
        out.append(f"| {w.phrase(1, 2)} | {w.phrase(3, 6)} | {w.phrase(1, 3)} |")
    out += ["", f"## {w.phrase().capitalize()}", ""]
    text = "\n".join(out) + "\n"
    # Fill to about the target size with prose, the bulk of a real summary.
    parts = [text]
    size = len(text)
    while size < target:
        para = w.paragraph(rng.randint(2, 5))
        if rng.random() < 0.3:
            para += f" Compare {w.link()}."
        parts.append(para + "\n\n")
        size += len(para) + 2
    parts.append(f"Related: {w.link()}, {w.link()}.\n")
    return "".join(parts)


def _titles(rng: random.Random, n: int) -> list[tuple[str, str, str]]:
    """(folder, type, title) for each note; titles unique, assigned to folders by weight."""
    folders = list(TYPES)
    weights = [TYPES[f][1] for f in folders]
    seen: set[str] = set()
    result = []
    for i in range(n):
        folder = rng.choices(folders, weights=weights)[0]
        note_type = TYPES[folder][0]
        while True:
            words = [rng.choice(_TOPIC_WORDS[note_type])] + rng.choices(
                VOCABULARY[100:6000], k=rng.randint(1, 3)
            )
            title = " ".join(words).title()
            if title.lower() not in seen:
                break
            title = f"{title} {i}"
            if title.lower() not in seen:
                break
        seen.add(title.lower())
        result.append((folder, note_type, title))
    return result


MKDOCS_YML = """site_name: Generated knowledge base
docs_dir: notes
theme:
  name: material
markdown_extensions:
  - admonition
  - pymdownx.details
  - pymdownx.superfences
  - pymdownx.arithmatex:
      generic: true
  - pymdownx.mark
  - def_list
  - tables
"""


def generate(n: int, directory: str | Path, seed: int = 0, *, plugin: bool = False, size: int = 4000) -> Path:
    """Write a knowledge base of ``n`` notes into ``directory`` (created; existing notes there are replaced)."""
    root = Path(directory)
    notes = root / "notes"
    notes.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    config = MKDOCS_YML + ("plugins:\n  - search\n  - kb\n" if plugin else "")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    (root / ".gitignore").write_text(".kb/kb.db\n.kb/kb.db-*\n.kb/*.lock\nsite/\n", encoding="utf-8")
    (notes / "index.md").write_text(
        "# Generated knowledge base\n\nA corpus written by benchmarks/generate.py.\n", encoding="utf-8"
    )
    entries = _titles(rng, n)
    titles = [t for _, _, t in entries]
    for folder in TYPES:
        (notes / folder).mkdir(exist_ok=True)
    used: set[str] = set()
    for folder, note_type, title in entries:
        slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "note"
        name = slug
        k = 2
        while f"{folder}/{name}" in used:
            name = f"{slug}-{k}"
            k += 1
        used.add(f"{folder}/{name}")
        text = _note_text(rng, title, note_type, titles, size)
        (notes / folder / f"{name}.md").write_bytes(text.encode("utf-8"))
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of notes")
    parser.add_argument("dir", help="folder to write the knowledge base into")
    parser.add_argument("--seed", type=int, default=0, help="random seed (same seed, same corpus)")
    parser.add_argument("--plugin", action="store_true", help="list the kb plugin in mkdocs.yml")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    root = generate(args.n, args.dir, args.seed, plugin=args.plugin)
    print(f"{args.n} notes in {root}/notes ({time.perf_counter() - start:.1f} s)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
