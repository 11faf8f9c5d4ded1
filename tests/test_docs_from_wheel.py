"""This project's documentation, built by the wheel with its ``docs`` extra and nothing else.

Read the Docs installs the package with ``[docs]`` and builds ``docs/``; a
module the docs need but the wheel leaves out (a static file, a message
catalog, the ``_version`` module ``docs/conf.py`` reads) or a dependency the
extra forgets shows only there.  So, as ``tests/test_example.py`` does for the
worked example: the wheel, built from this checkout, installed (not editable)
into a fresh virtual environment, away from the checkout, with
``pip install 'wheel[docs]'``; then its ``sphinx-build`` builds a copy of
``docs/`` (with the ``data/`` and ``examples/`` it reads) with ``-W``, the
deliberate stale warnings suppressed.  Skipped when the package index cannot
be reached for the dependencies.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO, html
from .wheelenv import install_wheel, outside


def _run(argv: list[str], cwd: Path, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    return outside(argv, cwd, timeout, {"NO_COLOR": "1"})


@pytest.fixture(scope="module")
def docs_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel and its ``docs`` extra installed; its ``bin`` folder."""
    return install_wheel(tmp_path_factory.mktemp("docs-wheel"), "[docs]")


def test_the_wheel_ships_the_message_catalogs(docs_env: Path) -> None:
    probe = _run([str(docs_env / "python"), "-c",
                  "import sphinx_benchbench.sphinxext.i18n as i; print(i.LOCALE_DIR)"], cwd=docs_env)
    assert probe.returncode == 0, probe.stderr
    locale = Path(probe.stdout.strip())
    assert REPO not in locale.parents, "the installed package, not the checkout"
    assert (locale / "fr/LC_MESSAGES/sphinx_benchbench.mo").is_file()
    assert (locale / "sphinx_benchbench.pot").is_file()


def test_the_docs_build_from_the_wheel_with_its_docs_extra(docs_env: Path, tmp_path: Path) -> None:
    for folder in ("docs", "data", "examples"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("_build", "__pycache__"))
    out = tmp_path / "html"
    done = _run([str(docs_env / "sphinx-build"), "-q", "-E", "-W", "--keep-going", "-b", "html",
                 "-D", "suppress_warnings=benchbench.stale", "-d", str(tmp_path / "doctrees"),
                 "docs", str(out)], cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and [line for line in done.stderr.splitlines() if line.strip()] == []
    page = html(out / "benchmarks/maskrcnn-training.html")
    assert page.select("table.bb-table"), "the benchmark page has its table"
    assert page.select_one("link[href*='benchbench.css']") is not None, "the package's stylesheet is linked"
    assert (out / "_static/benchbench.css").is_file(), "and shipped"
    assert "furo" in (out / "index.html").read_text(encoding="utf-8"), "the docs extra's theme"
