"""Shared fixtures: real Sphinx builds of test roots and of copies we edit."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

pytest_plugins = ("sphinx.testing.fixtures",)

TESTS = Path(__file__).parent
REPO = TESTS.parent
ROOTS = TESTS / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture
def project(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a test root into a fresh folder, so a test may edit its data."""

    def copy(name: str = "basic", dest_name: str | None = None) -> Path:
        dest = tmp_path / (dest_name or name)
        shutil.copytree(ROOTS / f"test-{name}", dest)
        return dest

    return copy
