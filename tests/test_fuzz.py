"""Random mutations of the shipped data: nothing may crash, leak or publish a formula.

Each case copies ``data/``, mutates one of its files the ways careless or
hostile pull requests do (lines dropped, duplicated or swapped, values
replaced by tags, anchors, huge or non-finite numbers, paths out of the
folder, glob characters, markup, spreadsheet formulas, control characters,
invalid UTF-8, truncation), then loads every benchmark and renders every part
of its page, draws its charts and writes its downloads.  A fixed seed makes
every failure reproducible; a share of the cases is also built by Sphinx.
"""

from __future__ import annotations

import csv
import io
import json
import random
import shutil
from pathlib import Path

import pytest
from docutils import nodes

from sphinx_benchbench.analysis.ranking import rank
from sphinx_benchbench.analysis.staleness import find_stale, merge_policy, site_policy
from sphinx_benchbench.data.loader import list_benchmarks, load_benchmark
from sphinx_benchbench.sphinxext.charts import bar_svg, history_svg
from sphinx_benchbench.sphinxext.downloads import _csv
from sphinx_benchbench.sphinxext.render import PARTS, Renderer

from .conftest import REPO

SEED = 20261201
CASES = 300
BUILDS = 12
HOSTILE = [
    "!!int twelve", "!!bool maybe", "0x_", "9" * 400, "1e999", "-1", "-.inf", ".nan", "~", "''", "[", "{a: 1",
    "&a [*a]", "*nowhere", "!!python/object/apply:os.system ['true']", "../../../etc/passwd", "/etc/passwd",
    "logos/x[y].svg", "logos/*.svg", "javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "<script>alert(1)</script>", "=HYPERLINK(\"http://x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "\"\\tx\"",
    "\"\\x07\"", "x" * 5000, "2024-02-30", "v1.2.3\n", "[1, [2, [3, [4]]]]", "{}", "[]", "null", "yes",
]


def mutate(text: str, rng: random.Random) -> str | bytes:
    lines = text.split("\n")
    kind = rng.randrange(8)
    i = rng.randrange(len(lines))
    if kind == 0:
        del lines[i]
    elif kind == 1:
        lines.insert(i, lines[i])
    elif kind == 2:
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == 3 and ":" in lines[i]:
        key, _, _ = lines[i].partition(":")
        lines[i] = f"{key}: {rng.choice(HOSTILE)}"
    elif kind == 4:
        lines[i] = " " * rng.randrange(5) + lines[i]
    elif kind == 5:
        return text[: rng.randrange(len(text) + 1)]
    elif kind == 6:
        data = bytearray(text.encode())
        data[rng.randrange(len(data))] = rng.choice([0xFF, 0x00, 0x07, 0xC3])
        return bytes(data)
    else:
        lines.insert(i, f"{rng.choice(['x', 'id', 'logo', 'image', 'value', 'hardware'])}: {rng.choice(HOSTILE)}")
    return "\n".join(lines)


def render_everything(data: Path) -> None:
    """Load, rank, check and render each benchmark as the directive does, without Sphinx."""
    policy, _ = site_policy({}, None, "conf.py")
    for name in list_benchmarks(str(data)):
        bench, problems = load_benchmark(data, name)
        for problem in problems:
            assert str(problem.path).startswith(str(data)), problem
        if bench is None:
            continue
        tables = rank(bench)
        stale = find_stale(bench, [r.result for t in tables for r in t.rows],
                           merge_policy(policy, bench.definition.staleness), {"torch": "2.5"})
        ids = iter(range(10**6))
        renderer = Renderer(bench, tables, lambda n, ids=ids: f"{n}-{next(ids)}",
                            stale={id(s.result): s for s in stale if s.reasons})
        for part in PARTS:
            for node in getattr(renderer, part)():
                for chart in node.findall(lambda n: n.tagname == "chart"):
                    spec = json.loads(chart["spec"])
                    (bar_svg if spec["kind"] == "bar" else history_svg)(spec, "k", chart["alt"])
                for download in node.findall(lambda n: n.tagname == "downloads"):
                    document = json.loads(download["data"], parse_constant=_no_constants)
                    for row in csv.reader(io.StringIO(_csv(document))):
                        assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in row), row
                assert isinstance(node, nodes.Node)


def _no_constants(name: str) -> object:
    raise AssertionError(f"the JSON download holds {name}, which is not JSON")


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("pristine") / "data"
    shutil.copytree(REPO / "data", data)
    assert all(not load_benchmark(data, name)[1] for name in list_benchmarks(str(data))), "the shipped data is clean"
    return data


def files(data: Path) -> list[Path]:
    return sorted(p for p in data.rglob("*.yaml"))


@pytest.mark.parametrize("case", range(CASES))
def test_a_mutated_data_folder_neither_crashes_nor_leaks(pristine: Path, tmp_path: Path, case: int) -> None:
    rng = random.Random(SEED + case)
    data = tmp_path / "data"
    shutil.copytree(pristine, data, symlinks=True)
    target = rng.choice(files(data))
    for _ in range(rng.randrange(1, 4)):
        text = target.read_text(encoding="utf-8", errors="replace")
        mutated = mutate(text, rng)
        if isinstance(mutated, bytes):
            target.write_bytes(mutated)
        else:
            target.write_text(mutated, encoding="utf-8")
    render_everything(data)


@pytest.mark.sphinx("html", testroot="basic")
@pytest.mark.parametrize("case", range(BUILDS))
def test_a_mutated_folder_builds_with_warnings_only(make_app, tmp_path: Path, case: int) -> None:
    rng = random.Random(SEED * 7 + case)
    src = tmp_path / "src"
    shutil.copytree(REPO / "tests/roots/test-basic", src)
    target = rng.choice(files(src / "data"))
    target.write_text(str(mutate(target.read_text(encoding="utf-8"), rng)), encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    assert (app.outdir / "index.html").is_file()
    assert "Traceback" not in app.warning.getvalue()
