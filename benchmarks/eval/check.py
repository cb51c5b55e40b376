"""Check the card-quality evaluation set and print its counts.

    python benchmarks/eval/check.py

Fails (exit 1) when answers.json and the notes disagree: a bullet of a note with no entry, an entry whose bullet is not
in its note, a span that is not an exact substring of its bullet, a note with fewer than 5 or more than 12 bullets, or
flashcard markup in a note. Reads only the files of this folder; imports nothing from kb.
"""

import collections
import json
import pathlib
import re
import sys

HERE = pathlib.Path(__file__).resolve().parent
KINDS = {"number", "date", "amount", "formula", "person", "entity", "term", "command", "phrase"}
MATH = re.compile(r"[\\^_=]|^[A-Za-z]$")  # what tells $x^2$ from "$1.10 and $2"
FIELDS = {"note", "bullet", "accept", "kind", "skip_ok"}
# Card syntaxes a note must not contain: Front::Back, {{c1::...}}, ==cloze==, a "?"/"??" line, Q:/A: lines.
MARKUP = [
    (re.compile(r"::"), "::"),
    (re.compile(r"\{\{c\d"), "{{c"),
    (re.compile(r"==\S"), "==x=="),
    (re.compile(r"^\s*\?{1,2}\s*$"), "? line"),
    (re.compile(r"^\s*\?\?\? "), "??? block"),
    (re.compile(r"^(Q|A):"), "Q:/A:"),
    (re.compile(r"^:\s{3}"), "definition list"),
]


def bullets(text):
    """The text of every '- ' line after the front matter, in order."""
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    return [line[2:] for line in body.split("\n") if line.startswith("- ")]


def main():
    answers = json.loads((HERE / "answers.json").read_text(encoding="utf-8"))
    notes = {
        p.relative_to(HERE / "notes").as_posix(): p.read_text(encoding="utf-8")
        for p in sorted((HERE / "notes").rglob("*.md"))
    }
    errors = []
    by_note = collections.defaultdict(list)
    for i, a in enumerate(answers):
        where = f"answers[{i}] ({a.get('note')})"
        if set(a) != FIELDS:
            errors.append(f"{where}: fields {sorted(a)}")
            continue
        by_note[a["note"]].append(a["bullet"])
        if a["note"] not in notes:
            errors.append(f"{where}: no such note")
            continue
        if a["bullet"] not in bullets(notes[a["note"]]):
            errors.append(f"{where}: bullet not in note: {a['bullet']!r}")
        if a["skip_ok"]:
            if a["accept"] or a["kind"] is not None:
                errors.append(f"{where}: a skip_ok entry has no spans and kind null")
        else:
            if not 1 <= len(a["accept"]) <= 4:
                errors.append(f"{where}: {len(a['accept'])} spans")
            if a["kind"] not in KINDS:
                errors.append(f"{where}: kind {a['kind']!r}")
            for span in a["accept"]:
                if not span.strip() or span not in a["bullet"]:
                    errors.append(f"{where}: span {span!r} is not in its bullet")
    for rel, text in notes.items():
        listed = bullets(text)
        if by_note[rel] != listed:
            errors.append(f"{rel}: answers.json does not list its {len(listed)} bullets once each, in order")
        if not 5 <= len(listed) <= 12:
            errors.append(f"{rel}: {len(listed)} bullets")
        for n, line in enumerate(text.split("\n"), 1):
            for pattern, name in MARKUP:
                if pattern.search(line):
                    errors.append(f"{rel}:{n}: flashcard markup ({name}): {line!r}")
    for e in errors:
        print("error:", e)

    folders = collections.Counter(rel.split("/")[0] for rel in notes)
    bold = sum("**" in a["bullet"] for a in answers)
    skip = sum(a["skip_ok"] for a in answers)
    kinds = collections.Counter(a["kind"] for a in answers if not a["skip_ok"])
    per_note = [len(bullets(t)) for t in notes.values()]
    print(f"notes: {len(notes)} (" + ", ".join(f"{f} {n}" for f, n in sorted(folders.items())) + ")")
    print(f"bullets: {len(answers)} ({min(per_note)}-{max(per_note)} a note)")
    on_answer = sum(
        any(seg.strip('"') in a["accept"] for seg in re.findall(r"\*\*(.+?)\*\*", a["bullet"]))
        for a in answers
    )
    print(
        f"bullets with bold: {bold} ({bold / len(answers):.0%}); the bold is an accepted span in {on_answer}"
    )
    print(f"skip_ok: {skip} ({skip / len(answers):.0%})")
    print(f"spans: {sum(len(a['accept']) for a in answers)}")
    print("kinds: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    code = sum("`" in a["bullet"] for a in answers)
    math = sum(any(MATH.search(m) for m in re.findall(r"\$([^$]+)\$", a["bullet"])) for a in answers)
    print(f"bullets with `code`: {code}, with $math$: {math}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
