"""The runners' cache folder: clones, work folders, failed runs' logs, Slurm jobs.

``$BENCHBENCH_CACHE``, else ``$XDG_CACHE_HOME/sphinx-benchbench``, else
``~/.cache/sphinx-benchbench``: never inside the docs, and shared by every
runner on the machine.
"""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["cache_dir"]


def cache_dir() -> Path:
    """Where the runners keep what is not data."""
    base = os.environ.get("BENCHBENCH_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "sphinx-benchbench")
    return Path(base)
