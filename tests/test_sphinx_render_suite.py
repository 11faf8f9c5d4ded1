"""The CPU suite (``sphinx_benchbench.runners.suites.sphinx_render``): its output contract, its pages and its data.

The runner trusts the suite's lines to count iterations, and the suite's
numbers only mean something if the four pages it times show the same thing, so
both are checked for real: child processes exactly as the runner starts them,
and real builds of the four pages parsed as HTML.
"""

from __future__ import annotations

import io
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.util.docutils import docutils_namespace

from sphinx_benchbench.data.loader import load_benchmark
from sphinx_benchbench.runners.suites import sphinx_render

REPO = Path(__file__).resolve().parent.parent
VARIANTS = list(sphinx_render.VARIANTS)
LINE = re.compile(r"^iteration (?P<i>\d+)/(?P<n>\d+) time: (?P<seconds>\d+\.\d{6})$")


def suite(*args: str) -> subprocess.CompletedProcess[str]:
    """Run the suite as the runner does: a child process in the repository, no shell."""
    return subprocess.run([sys.executable, "-m", "sphinx_benchbench.runners.suites.sphinx_render", *args],
                          cwd=REPO, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_variant_prints_one_line_per_build(variant: str) -> None:
    proc = suite("--variant", variant, "--iterations", "3")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    lines = proc.stdout.splitlines()
    assert lines[-1] == "done"
    matches = [LINE.match(line) for line in lines[:-1]]
    assert all(matches), lines
    assert [int(m["i"]) for m in matches] == [1, 2, 3]
    assert {int(m["n"]) for m in matches} == {3}
    assert all(float(m["seconds"]) > 0 for m in matches)


def test_the_data_file_uses_the_same_line_format() -> None:
    """The benchmark's log pattern must read what the suite prints, or the runner sees no progress."""
    bench, problems = load_benchmark(str(REPO / "data"), "sphinx-render")
    assert problems == []
    assert bench is not None
    impls = bench.definition.implementations
    assert [i.id for i in impls] == VARIANTS
    assert [i.id for i in impls if i.subject] == ["benchmark-table"]
    for impl in impls:
        suite = "python -m sphinx_benchbench.runners.suites.sphinx_render"
        assert impl.commands == [f"{suite} --variant {impl.id} --iterations 30"]
        assert impl.run is not None and impl.run.log.format == "generic"
        pattern = re.compile(str(impl.run.log.options["pattern"]))
        match = pattern.search("iteration 7/30 time: 0.123456")
        assert match is not None and match["iteration"] == "7" and match["seconds"] == "0.123456"


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BeautifulSoup]:
    """Each variant's page, built once by the suite's own project set-up."""
    built = {}
    for variant in VARIANTS:
        root = tmp_path_factory.mktemp(variant)
        src = sphinx_render.make_project(variant, root / "src")
        warnings = io.StringIO()
        # In docutils' namespace: the nodes these apps register are unregistered again, so a later
        # test's app does not warn that they already are.
        with docutils_namespace():
            sphinx_render.make_app(src, root / "out", warnings).build(force_all=True)
        # Several apps in one process re-register Sphinx's nodes; nothing else may warn.
        assert [w for w in warnings.getvalue().splitlines() if sphinx_render.NOISE not in w] == [], variant
        html = (root / "out" / "html" / "index.html").read_text(encoding="utf-8")
        built[variant] = BeautifulSoup(html, "html.parser")
    return built


def test_all_four_pages_show_the_same_table(pages: dict[str, BeautifulSoup]) -> None:
    tables = {variant: page.select_one("table") for variant, page in pages.items()}
    assert all(tables.values())
    assert "bb-table" in tables["benchmark-table"]["class"]
    for variant, table in tables.items():
        rows = table.select("tbody tr")
        values = [tr.select("td")[2].get_text(strip=True) for tr in rows]
        ranks = [tr.select("td")[0].get_text(strip=True) for tr in rows]
        assert ranks == ["1", "2=", "2=", "4", "5", "6", "7"], variant
        assert values == ["62", "53", "53", "50", "39", "19", "14"], variant
    logos = {variant: [[img["alt"] for img in tr.select("img")] for tr in table.select("tbody tr")]
             for variant, table in tables.items()}
    assert logos["by-hand"][0] == ["Detectron2", "PyTorch"]
    assert all(alts == logos["by-hand"] for alts in logos.values()), logos


def test_unknown_variant_is_a_usage_error() -> None:
    proc = suite("--variant", "nope", "--iterations", "3")
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "argument --variant: invalid choice: 'nope'" in proc.stderr


def test_ctrl_c_exits_130_without_a_traceback() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "sphinx_benchbench.runners.suites.sphinx_render",
                             "--variant", "by-hand", "--iterations", "1000"],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        assert proc.stdout.readline().startswith("iteration 1/1000 time: ")
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 130
    assert "Traceback" not in stderr


def test_a_page_that_warns_fails_the_run(tmp_path: Path) -> None:
    """A warning means the page is not the one being compared, so no timing may be recorded."""
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    definition = data / "maskrcnn-training" / "benchmark.yaml"
    definition.write_text(definition.read_text(encoding="utf-8").replace("title: ", "title: [", 1), encoding="utf-8")
    proc = suite("--variant", "benchmark-table", "--iterations", "3", "--data", str(data))
    assert proc.returncode == 1
    assert "iteration" not in proc.stdout and "done" not in proc.stdout
    assert "the benchmark-table page warned" in proc.stderr and "YAML syntax error" in proc.stderr
