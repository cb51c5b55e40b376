"""Regenerate ``kb/cards/data/common_words.txt`` (the most frequent English words, by wordfreq) and
``everyday_words.txt`` (the next most frequent, down to rank ``N_EVERYDAY``).

kb never hides a lone ordinary English word in a generated cloze ("the [night]", "the [employer]"); which words are
ordinary is read from this list, made at development time so that kb does not depend on wordfreq (58 MB installed).

    python -m venv /tmp/wf && /tmp/wf/bin/pip install wordfreq==3.1.1
    /tmp/wf/bin/python benchmarks/make_common_words.py

wordfreq's data is licensed CC-BY-SA 4.0 (see kb/cards/data/LICENSE-common-words.md).
"""

from __future__ import annotations

import sys
from pathlib import Path

N_WORDS = 8000  # "scratch" (rank ~5,500) is ordinary; "rebase", "dopamine" are not in the top 8,000
# "paradox", "metaphor", "residency" (ranks 10,000-13,000): words anyone knows, naming a topic rather than a term;
# "triage", "debugging" (~33,000) and coinages ("hormesis", "backcasting") are further down
N_EVERYDAY = 20000
OUT = Path(__file__).resolve().parent.parent / "kb" / "cards" / "data" / "common_words.txt"
EVERYDAY = OUT.with_name("everyday_words.txt")


def main() -> int:
    from wordfreq import top_n_list  # a development-time dependency only

    ranked = [w for w in top_n_list("en", N_EVERYDAY) if w.isascii() and w.replace("'", "").isalpha()]
    common = set(top_n_list("en", N_WORDS))
    words = sorted({w for w in ranked if w in common})
    header = f"# the {N_WORDS} most frequent English words (wordfreq 3.1.1, CC-BY-SA 4.0), alphabetical\n"
    OUT.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(words)} words")
    everyday = sorted({w for w in ranked if w not in common})
    header = (
        f"# the English words ranked {N_WORDS + 1:,} to {N_EVERYDAY:,} by frequency (wordfreq 3.1.1, CC-BY-SA 4.0),"
        " alphabetical\n"
    )
    EVERYDAY.write_text(header + "\n".join(everyday) + "\n", encoding="utf-8")
    print(f"{EVERYDAY}: {len(everyday)} words")
    return 0


if __name__ == "__main__":
    sys.exit(main())
