"""The worked example, the way an outside user meets it: a wheel installed in a fresh virtual environment.

The project is built as a wheel and installed (not editable) into a new
virtual environment, away from this checkout, so nothing of the repository
(its ``runners`` folder, its sources) can be imported by accident.  In a copy
of ``examples/first-benchmark`` without results, the installed ``benchbench``
records every implementation and ``sphinx-build`` renders the page; the
rows and values on the page are the ones recorded.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup

from .conftest import REPO
from .wheelenv import install_wheel, outside

EXAMPLE = REPO / "examples/first-benchmark"


def _run(argv: list[str], cwd: Path, timeout: float = 600,
         extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return outside(argv, cwd, timeout, extra)


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the project's wheel installed; its ``bin`` folder."""
    return install_wheel(tmp_path_factory.mktemp("wheel"))


def test_the_wheel_holds_the_package_and_no_top_level_runners(installed: Path) -> None:
    probe = _run([str(installed / "python"), "-c", "import importlib.util as u; print(u.find_spec('runners'))"],
                 cwd=installed)
    assert probe.stdout.strip() == "None", "the wheel must not install a top-level 'runners' package"
    version = _run([str(installed / "benchbench"), "--version"], cwd=installed)
    assert version.returncode == 0 and version.stdout.startswith("benchbench (sphinx-benchbench) ")


def test_the_example_records_and_renders_from_the_wheel(installed: Path, tmp_path: Path) -> None:
    site = tmp_path / "first-benchmark"
    shutil.copytree(EXAMPLE, site, ignore=shutil.ignore_patterns("results", "_build"))
    work = tmp_path / "work"
    done = _run([str(installed / "benchbench"), "run", "all", "--data", "data"], cwd=site,
                extra={"BENCHBENCH_CACHE": str(tmp_path / "cache"), "BENCHBENCH_WORK": str(work)})
    assert done.returncode == 0, done.stdout + done.stderr
    recorded: dict[str, dict[str, float]] = {}
    for bench in ("compressors", "python-codecs"):
        for path in (site / "data" / bench / "results").glob("*.yaml"):
            for result in yaml.safe_load(path.read_text(encoding="utf-8"))["results"]:
                samples = sorted(result["samples"])
                middle = len(samples) // 2
                median = samples[middle] if len(samples) % 2 else (samples[middle - 1] + samples[middle]) / 2
                recorded.setdefault(bench, {})[result["implementation"]] = median
    expected = {"compressors": {"gzip", "bzip2", "xz"} | ({"zstd"} if shutil.which("zstd") else set()),
                "python-codecs": {"zlib", "bz2", "lzma"}}
    assert {b: set(r) for b, r in recorded.items()} == expected
    assert (work / "compressors/input.txt").stat().st_size == 4_000_000
    assert not list(site.rglob("input.txt*")), "the input is generated in the work folder, not beside conf.py"

    built = _run([str(installed / "sphinx-build"), "-b", "html", "-W", ".", "_build/html"], cwd=site)
    assert built.returncode == 0, built.stderr
    soup = BeautifulSoup((site / "_build/html/index.html").read_text(encoding="utf-8"), "html.parser")
    tables = soup.select("table.bb-table")
    assert len(tables) == 2
    for table, (bench, decimals) in zip(tables, (("compressors", 1), ("python-codecs", 1)), strict=True):
        shown = {}
        for row in table.select("tbody tr"):
            cells = [cell.get_text(" ", strip=True) for cell in row.find_all("td")]
            shown[cells[1]] = float(cells[2].split()[0])
        names = {impl["id"]: impl["name"] for impl in
                 yaml.safe_load((site / "data" / bench / "benchmark.yaml").read_text())["implementations"]}
        assert shown == {names[i]: round(v, decimals) for i, v in recorded[bench].items()}
