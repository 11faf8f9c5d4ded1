"""The project as a user gets it: its wheel, built from this checkout, installed into a fresh virtual environment.

Shared by the tests that use the installed package away from the checkout
(``test_example.py``: the worked example; ``test_docs_from_wheel.py``: these
docs with only the ``docs`` extra).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import REPO

__all__ = ["install_wheel", "outside"]


def outside(argv: list[str], cwd: Path, timeout: float = 900,
            extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """A child without this checkout on its path (no PYTHONPATH, no active virtual environment)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")} | (extra or {})
    return subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False, env=env)


def install_wheel(root: Path, extras: str = "") -> Path:
    """Build the wheel in ``root`` and install it (``extras``: e.g. ``"[docs]"``) into a new virtual
    environment there; its ``bin`` folder.  Skips the test when the package index cannot be reached."""
    built = outside([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(root / "dist"),
                     str(REPO)], cwd=root)
    assert built.returncode == 0, built.stderr
    (wheel,) = (root / "dist").glob("sphinx_benchbench-*.whl")
    venv.create(root / "venv", with_pip=True)
    bin_dir = root / "venv/bin"
    done = outside([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", f"{wheel}{extras}"], cwd=root)
    if done.returncode != 0 and re.search(r"(?i)connection|network|resolve|Could not find a version", done.stderr):
        pytest.skip(f"the package index is not reachable to install the wheel's dependencies: {done.stderr[-300:]}")
    assert done.returncode == 0, done.stderr
    return bin_dir
