"""The runners' cache folder: clones, work folders, failed runs' logs, Slurm jobs; and its locks.

``$BENCHBENCH_CACHE``, else ``$XDG_CACHE_HOME/sphinx-benchbench``, else
``~/.cache/sphinx-benchbench``: never inside the docs, and shared by every
runner on the machine, and on a cluster by every job on a shared ``$HOME``.
What several of them change (a clone, the Slurm job list) is changed under a
:func:`lock`: ``flock`` through :mod:`filelock`, which the kernel releases
when its holder dies, however it dies, and which NFS clients (v4, or v3 with
``lockd``) pass on to the server, so jobs on different nodes exclude each
other too.
"""

from __future__ import annotations

import os
from pathlib import Path

import filelock

__all__ = ["cache_dir", "lock"]


def cache_dir() -> Path:
    """Where the runners keep what is not data."""
    base = os.environ.get("BENCHBENCH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "sphinx-benchbench")
    return Path(base)


def lock(path: Path, timeout: float = -1) -> filelock.FileLock:
    """An exclusive lock on ``path`` (a ``.lock`` file beside what it guards, never inside a folder that
    ``git clean`` empties); ``timeout``: seconds to wait (-1: as long as it takes, 0: not at all)."""
    return filelock.FileLock(str(path), timeout=timeout)
