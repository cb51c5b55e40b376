"""A `mkdocs build` on two cores (kb.site_parallel) makes the very same site as a build in one process."""

from __future__ import annotations

import logging
import multiprocessing
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kb.site import parallel as site_parallel
from tests.browser_support import mkdocs_env
from tests.conftest import kb_yml

NOTE = """
---
title: {title}
type: book
author: Author {i}
tags: [{tag}, shared]
---
# {title}

Intro with ==a mark==, $x_{i} + 1$, :smile: and a link to [[{other}]].

## Key points

- **Term {i}**: the first point, with `code` and a footnote[^1].
- The second point of note {i}.

What is {i} squared?::{sq}

The {{{{c1::answer {i}}}}} is hidden, and ==cloze {i}== too.

??? question "Why is note {i} here?"
    To be built {i} times.

```python
def f(x):
    return x :: {i}
```

=== "One"
    Tab one of {i}.

=== "Two"
    Tab two of {i}.

| a | b |
|---|---|
| {i} | {sq} |

[^1]: The footnote of note {i}.
"""


def _notes(n: int) -> dict[str, str]:
    titles = [f"Note {i:02d} about {'habits' if i % 2 else 'gradients'}" for i in range(n)]
    notes = {"index.md": "# Home\n\nStart at [[Note 00 about gradients]].\n"}
    for i, title in enumerate(titles):
        folder = ("books", "ml", "git")[i % 3]
        notes[f"{folder}/note-{i:02d}.md"] = NOTE.format(
            title=title, i=i, sq=i * i, tag=folder, other=titles[(i * 7 + 3) % n]
        )
    # The worker takes pages from the end of the list: a broken link near the end is most likely its to report.
    notes["zz/broken.md"] = "---\ntitle: Broken\n---\n# Broken\n\nSee [[No Such Note]].\n"
    return notes


def _build(root: Path, site: str, parallel: bool) -> subprocess.CompletedProcess:
    config = root / f"mkdocs-{site}.yml"
    config.write_text(kb_yml(site=True, parallel=parallel) + f"site_dir: {site}\n", encoding="utf-8")
    cmd = [sys.executable, "-m", "mkdocs", "build", "-v", "-f", str(config)]
    return subprocess.run(cmd, cwd=root, env=mkdocs_env(), capture_output=True, text=True, timeout=600)


def _tree(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _warnings(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if line.startswith("WARNING")]


@pytest.mark.skipif(not site_parallel.can_fork(), reason="needs fork and two cores")
def test_parallel_build_writes_the_same_bytes_as_a_serial_one(make_kb):
    root = make_kb(_notes(40), site=True).root
    serial = _build(root, "site-serial", parallel=False)
    parallel = _build(root, "site-parallel", parallel=True)
    assert serial.returncode == 0, serial.stderr
    assert parallel.returncode == 0, parallel.stderr
    # Both halves of the work were shared: the worker really rendered and themed pages.
    assert int(re.search(r"kb: (\d+) of \d+ pages rendered by the worker", parallel.stderr)[1]) > 0
    assert int(re.search(r"kb: (\d+) of \d+ pages themed by the worker", parallel.stderr)[1]) > 0
    assert "pages rendered by the worker" not in serial.stderr
    one, two = _tree(root / "site-serial"), _tree(root / "site-parallel")
    assert sorted(one) == sorted(two)
    assert "books/note-03/index.html" in one
    different = [name for name in one if one[name] != two[name]]
    assert different == []
    # The broken link's warning, emitted by the worker or here, is reported once, as in the serial build.
    assert sorted(_warnings(serial.stderr)) == sorted(_warnings(parallel.stderr))
    assert any("No Such Note" in line for line in _warnings(parallel.stderr))


@pytest.mark.skipif(not site_parallel.can_fork(), reason="needs fork and two cores")
def test_strict_parallel_build_fails_on_a_broken_link(make_kb):
    root = make_kb(_notes(30), site=True).root
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-v"]
    result = subprocess.run(cmd, cwd=root, env=mkdocs_env(), capture_output=True, text=True, timeout=600)
    assert result.returncode != 0
    assert "notes/zz/broken.md:6: wiki link [[No Such Note]] matches no note" in result.stderr
    assert "Aborted with 1 warnings in strict mode" in result.stdout + result.stderr
    assert "pages rendered by the worker" in result.stderr


def test_split_gives_every_page_to_exactly_one_side():
    if not site_parallel.can_fork():
        pytest.skip("needs fork and two cores")
    keys = [f"page-{i}" for i in range(200)]
    split = site_parallel.Split(keys)
    context = multiprocessing.get_context("fork")
    worker_started, main_started = context.Event(), context.Event()

    def compute(i: int) -> dict:
        worker_started.set()  # the worker has claimed its first page (the last one)...
        assert main_started.wait(60)  # ...and goes on once this side has claimed its first
        return {"pid": os.getpid(), "i": i}

    assert split.start(compute)
    assert worker_started.wait(60)
    mine, theirs = [], []
    for i, key in enumerate(keys):
        record = split.take(key)
        main_started.set()
        if record is None:
            mine.append(i)
        else:
            assert record["i"] == i and record["pid"] != os.getpid()
            theirs.append(i)
    split.close()
    assert sorted(mine + theirs) == list(range(200))
    # Going forward here and backwards there, the two sides meet once: a prefix here, a suffix there.
    assert mine == list(range(len(mine)))
    assert theirs
    assert mine


def test_captured_log_records_are_replayed_with_their_level(caplog):
    logs: list = []
    record = logging.LogRecord("mkdocs.plugins.kb", logging.WARNING, __file__, 1, "a %s", ("warning",), None)
    logs.append(("mkdocs.plugins.kb", site_parallel._portable(record)))
    with caplog.at_level(logging.INFO, logger="mkdocs"):
        site_parallel.replay(logs)
    assert [(r.name, r.levelno, r.getMessage()) for r in caplog.records] == [
        ("mkdocs.plugins.kb", logging.WARNING, "a warning")
    ]
