"""Nothing in the project needs a file outside the repository: a plain clone with nothing beside it must work."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The ways a file has reached outside before: the steering repository's `shared/` folder beside the clone, a
# `REPO.parent`-style expression, an absolute path of a development machine; and in Markdown, a relative link that
# climbs above the repository from the file's own folder. (Tests hold hostile paths such as `../../etc` as data, so
# a bare `../` in code is not by itself a reference.)
SHARED = re.compile(r"(?:\.\./)+shared\b|\bshared/data\b")
UP_PATH = re.compile(r"(?<![\w.])((?:\.\./)+)[\w.-]+")
PARENT_OF_ROOT = re.compile(r"\b(?:REPO|ROOT|REPO_ROOT|PROJECT)\.parent\b")
ABSOLUTE = re.compile(r"(?<![\w.])/(?:work|root|home)/[\w.-]+")


def tracked_text_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO,
        capture_output=True,
        check=True,
    ).stdout.split(b"\0")
    files = []
    for raw in filter(None, listed):
        path = REPO / raw.decode()
        if path.is_file() and path.suffix not in {".csv", ".apkg", ".db", ".png", ".jpg", ".sqlite"}:
            files.append(path)
    return files


def escapes(file: Path, steps_up: int) -> bool:
    """True when going `steps_up` folders up from the file's own folder leaves the repository."""
    from_file = len(file.parent.relative_to(REPO).parts)
    return steps_up > from_file


def outside_references(path: Path, text: str) -> list[str]:
    found = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if path.suffix == ".md":
            for m in UP_PATH.finditer(line):
                if escapes(path, m.group(1).count("../")):
                    found.append(f"{path.relative_to(REPO)}:{lineno}: {m.group(0)}")
        for pattern in (SHARED, PARENT_OF_ROOT, ABSOLUTE):
            found += [f"{path.relative_to(REPO)}:{lineno}: {m.group(0)}" for m in pattern.finditer(line)]
    return found


def test_no_file_of_the_project_refers_to_a_path_outside_the_repository():
    problems = []
    for path in tracked_text_files():
        if path == Path(__file__).resolve():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue
        problems += outside_references(path, text)
    assert problems == [], "these refer to files outside the repository:\n" + "\n".join(problems)


def test_the_check_catches_the_ways_a_path_can_leave_the_repository():
    bench = REPO / "benchmarks" / "bench_x.py"
    assert outside_references(bench, 'default="../shared/data/josh_revlogs.csv"')
    assert outside_references(bench, 'REPO.parent / "shared" / "data"')
    assert outside_references(bench, 'open("/work/shared/data/x.csv")')
    # a relative link that stays inside (a note linking a sibling folder) is fine
    assert outside_references(bench, 'ROOT.parent / "data"')
    assert (
        outside_references(bench, 'open("../../etc/passwd")') == []
    )  # hostile data in a test, not a reference
    note = REPO / "notes" / "ml" / "rnns.md"
    assert outside_references(note, "see [LSTMs](../ml/lstms.md)") == []
    assert outside_references(REPO / "README.md", "see [LSTMs](../ml/lstms.md)")


def test_the_review_log_the_optimizer_benchmark_needs_ships_with_its_licence():
    data = REPO / "benchmarks" / "data"
    header = (data / "josh_revlogs.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == "card_id,review_rating,review_time,review_duration"
    licence = (data / "LICENSE-py-fsrs").read_text(encoding="utf-8")
    assert "MIT License" in licence and "Open Spaced Repetition" in licence
