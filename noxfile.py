"""The support matrix: the suite at the declared floors and at the newest releases.

``make test`` runs the main configuration (the newest releases on the machine's
Python).  These sessions check the claims in ``pyproject.toml`` at both ends:

* ``floor``: the lowest supported Python (3.10) with the lowest declared Sphinx,
  docutils, MyST-Parser and PyYAML;
* ``newest``: the highest supported Python (3.13) with the newest release of each.

Run ``nox`` (both), ``nox -s floor`` or ``nox -s newest``; ``make matrix`` does
this with the project's own nox.  Each session installs the project with its
test extras into a fresh virtual environment, editable as ``make test`` does
(the CPU suite reads ``benchmarks/pages`` of the checkout; the wheel test
builds and installs a wheel of its own), and runs the suite there.
"""

from __future__ import annotations

import glob
import os

import nox

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["floor", "newest"]

#: The floors of pyproject.toml's dependencies, pinned.
FLOOR = ["sphinx==7.4.7", "docutils==0.20.1", "myst-parser==3.0.1", "pyyaml==6.0.1", "packaging==23.2"]


def _interpreter(version: str) -> str:
    """pyenv's CPython ``version`` where installed (its shims answer only for the active
    versions), else ``version`` for nox to find on the PATH."""
    root = os.environ.get("PYENV_ROOT", os.path.expanduser("~/.pyenv"))
    found = sorted(glob.glob(os.path.join(root, "versions", f"{version}.*", "bin", f"python{version}")))
    return found[-1] if found else version


def _suite(session: nox.Session) -> None:
    session.run("python", "-m", "pytest", "-q", "-p", "no:cacheprovider", *session.posargs,
                env={"BENCHBENCH_MATRIX": session.name})


@nox.session(python=_interpreter("3.10"))
def floor(session: nox.Session) -> None:
    """The lowest Python with the lowest declared releases."""
    session.install("-e", ".[test,slurm,bench]", *FLOOR)
    session.run("python", "-c", "import sphinx, docutils; print('sphinx', sphinx.__version__, "
                "'docutils', docutils.__version__)")
    _suite(session)


@nox.session(python=_interpreter("3.13"))
def newest(session: nox.Session) -> None:
    """The highest Python with the newest releases."""
    session.install("--upgrade", "-e", ".[test,slurm,bench]", "sphinx", "docutils", "myst-parser", "pyyaml",
                    "packaging")
    session.run("python", "-c", "import sphinx, docutils; print('sphinx', sphinx.__version__, "
                "'docutils', docutils.__version__)")
    _suite(session)
