"""FSRS parameters in use and the scheduler built from them (one per settings and parameters, kept for the process)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

from kb.config import KnowledgeBase
from kb.errors import KbError

if TYPE_CHECKING:
    import fsrs


def parameters_path(kb: KnowledgeBase) -> Path:
    """``.kb/parameters.json``: written by `kb optimize`, committed with the notes."""
    return kb.parameters_file


def load_parameters(kb: KnowledgeBase) -> tuple[float, ...] | None:
    """FSRS parameters in use: the ``parameters`` setting in mkdocs.yml if set, else .kb/parameters.json."""
    if kb.settings.parameters:
        return tuple(kb.settings.parameters)
    path = parameters_path(kb)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return tuple(float(x) for x in data["parameters"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError, TypeError) as exc:
        raise KbError(
            f"{kb.rel(path)}:1: not a parameters file written by kb optimize ({exc}); delete it"
        ) from None


_schedulers: dict = {}


def scheduler_for(kb: KnowledgeBase) -> fsrs.Scheduler:
    from kb.review.scheduler import make_scheduler

    params = load_parameters(kb)
    key = (kb.settings, params)
    if key not in _schedulers:
        _schedulers[key] = make_scheduler(kb.settings, params)
    return _schedulers[key]
