"""The names the documentation tells readers to import, run or open exist: a page that says
``from sphinx_benchbench.loader import ...`` (a module that moved) fails a reader at the first step."""

from __future__ import annotations

import glob
import importlib
import re
from pathlib import Path

import pytest

from .conftest import REPO

PAGES = sorted([*REPO.glob("docs/**/*.rst"), *REPO.glob("docs/**/*.md"), REPO / "README.md"])
_DOTTED = re.compile(r"(?<![/\w.])sphinx_benchbench(?:\.[A-Za-z_]\w*)+")
_PATH = re.compile(r"(?<![/\w.])sphinx_benchbench/[\w/*.-]*\w")


def _resolves(dotted: str) -> bool:
    """A module, or an attribute of the longest module prefix that imports."""
    parts = dotted.split(".")
    for n in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:n]))
        except ImportError:
            continue
        for attr in parts[n:]:
            if not hasattr(obj, attr):
                return False
            obj = getattr(obj, attr)
        return True
    return False


@pytest.mark.parametrize("page", PAGES, ids=[str(p.relative_to(REPO)) for p in PAGES])
def test_named_modules_and_files_exist(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    missing = sorted({name for name in _DOTTED.findall(text) if not _resolves(name)})
    missing += sorted({path for path in _PATH.findall(text) if not glob.glob(str(REPO / path))})
    assert not missing, f"{page.relative_to(REPO)} names what does not exist: {missing}"


def test_the_check_finds_what_moved() -> None:
    assert not _resolves("sphinx_benchbench.loader.load_benchmark")
    assert _resolves("sphinx_benchbench.data.loader.load_benchmark")
    assert _DOTTED.findall("see sphinx_benchbench.data.schema. Then") == ["sphinx_benchbench.data.schema"]
