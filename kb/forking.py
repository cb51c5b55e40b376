"""When a batch is worth forked worker processes: the one fork policy (card extraction, the index's note reading).

Forking a process that runs other threads (``mkdocs serve``, say) can copy a lock held mid-way, so only a process with
one thread forks. Imports nothing of kb.
"""

from __future__ import annotations

import os
import sys


def can_fork_safely() -> bool:
    """Whether this process may fork workers: the platform has fork, and this process runs one thread only
    (``threading`` not even imported counts as one)."""
    if not hasattr(os, "fork"):
        return False
    threading = sys.modules.get("threading")
    return threading is None or threading.active_count() == 1


def worth_forking(jobs: int, minimum: int) -> bool:
    """Whether a batch of ``jobs`` is worth worker processes: at least ``minimum`` of them, more than one core, and
    a process that can fork safely."""
    return jobs >= minimum and (os.cpu_count() or 1) >= 2 and can_fork_safely()


def fork_pool(initializer=None):
    """A ``multiprocessing`` pool of forked workers, one per core; None where there is no fork (Windows, a macOS
    policy) or no semaphores: the caller then works in-process."""
    import multiprocessing

    try:
        return multiprocessing.get_context("fork").Pool(os.cpu_count(), initializer)
    except (ValueError, OSError, ImportError):
        return None
