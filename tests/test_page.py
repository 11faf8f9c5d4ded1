"""The page a reader trusts at a glance: calm when every row is stale, a status column when some are,
the chart's description kept for assistive technology, shared facts said once, every builder's output.

Real Sphinx builds of the basic test root (HTML, text, LaTeX) and of the docs site.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from .conftest import REPO, html

#: Every shown row stale: python newer than all recorded, and results older than a day.
ALL_STALE = {"benchbench_current_versions": {"python": "3.13"}, "benchbench_max_age_days": 1}
#: Four of the five rows stale (the slowest row records no software).
SOME_STALE = {"benchbench_current_versions": {"python": "3.13"}}


def _build(make_app: Callable[..., SphinxTestApp], project: Callable[..., Path], builder: str,
           conf: dict[str, object], name: str) -> SphinxTestApp:
    app = make_app(builder, srcdir=project("basic", name), confoverrides=conf)
    app.build()
    return app


def test_when_every_row_is_stale_one_note_says_why_once_per_cause(make_app: Callable[..., SphinxTestApp],
                                                                   project: Callable[..., Path]) -> None:
    app = _build(make_app, project, "html", ALL_STALE, "all-stale")
    page = html(app.outdir / "index.html")
    assert page.select("table.bb-table .bb-stale") == [], "no marker when every row has one"
    assert "Status" not in [th.get_text(strip=True) for th in page.select("table.bb-table th")]
    note = page.select_one("div.bb-stale-note")
    said = note.get_text(" ")
    assert "All 5 results are stale" in said
    causes = [li.get_text(" ", strip=True) for li in note.select("ul.bb-stale-causes > li")]
    # One line per cause: Python (three recorded versions, grouped), then the age.
    assert len(causes) == 2, causes
    assert causes[0].startswith("Python 3.11 (") and "3.12 (Tie A)" in causes[0]
    assert "now 3.13, from conf.py" in causes[0]
    assert re.match(r"Recorded 29 days before March 2024, more than 1 \(", causes[1]), causes[1]
    assert "(stale)" not in str(page.select_one("svg.bb-chart")), "no bar is marked either"


def test_when_some_rows_are_stale_a_status_column_marks_them(make_app: Callable[..., SphinxTestApp],
                                                            project: Callable[..., Path]) -> None:
    app = _build(make_app, project, "html", SOME_STALE, "some-stale")
    page = html(app.outdir / "index.html")
    table = page.select_one("table.bb-table")
    headers = [th.get_text(strip=True) for th in table.select("th")]
    assert headers[-1] == "Status"
    cells = [row.select("td")[-1] for row in table.select("tbody tr")]
    markers = [cell.select_one("abbr.bb-stale") for cell in cells]
    assert sum(m is not None for m in markers) == 4, "the row that is not stale has an empty cell"
    for marker in filter(None, markers):
        assert marker["tabindex"] == "0" and marker.get_text() == "stale"
        assert marker["aria-label"] == "stale: " + marker["title"] and "Python 3.1" in marker["title"]
    note = page.select_one("div.bb-stale-note")
    assert "4 of 5 results are stale (marked in the Status column)" in note.get_text(" ")
    assert len(note.select("ul.bb-stale-causes > li")) == 4, "each stale row with its reason"


@pytest.mark.parametrize("builder", ["text", "latex"])
def test_every_stale_reason_is_printed_where_there_is_no_tooltip(make_app: Callable[..., SphinxTestApp],
                                                                 project: Callable[..., Path], builder: str) -> None:
    app = _build(make_app, project, builder, SOME_STALE, f"reasons-{builder}")
    out = (app.outdir / "index.txt").read_text() if builder == "text" else \
        next(app.outdir.glob("*.tex")).read_text()
    out = re.sub(r"\s+", " ", out)
    for name, recorded in (("Alpha", "3.11"), ("Tie B", "3.11"), ("Tie A", "3.12")):
        assert re.search(rf"{name}\W*: recorded with Python {recorded} \(now 3.13, from conf.py\)", out), name
    if builder == "latex":
        assert out.count("now 3.13") >= 4, "no reason left to a LaTeX abbreviation's first use"


def test_the_chart_description_is_for_assistive_technology_only(make_app: Callable[..., SphinxTestApp],
                                                                project: Callable[..., Path]) -> None:
    app = _build(make_app, project, "html", {}, "chart")
    page = html(app.outdir / "index.html")
    figure = page.select_one("figure.bb-figure")
    assert figure.select("figcaption") == []
    svg = figure.select_one("svg.bb-chart")
    title, desc = svg.find("title"), svg.find("desc")
    assert svg["role"] == "img" and svg["aria-labelledby"] == f"{title['id']} {desc['id']}"
    assert "Bar chart of time" in desc.get_text()
    visible = " ".join(p.get_text(" ") for p in page.select("article p, div.body p, div[role=main] p"))
    assert "Bar chart of" not in visible


@pytest.fixture(scope="module")
def docs_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from sphinx.cmd.build import build_main

    out = tmp_path_factory.mktemp("docs")
    assert build_main(["-b", "html", "-q", str(REPO / "docs"), str(out)]) == 0
    return out


def test_shared_facts_are_said_once_and_a_detail_says_only_its_own(docs_site: Path) -> None:
    page = html(docs_site / "benchmarks" / "maskrcnn-training.html")
    results = [p.get_text(" ", strip=True) for p in page.select("p.bb-result")]
    assert len(results) == 7  # the torchvision section has no result yet
    copied = results
    assert not any("copied from" in r or "V100" in r or "Python" in r for r in copied), copied
    assert copied[0] == "Result: 62 img/s, May 2020; with CUDA 10.1, cuDNN 7.6.5, PyTorch 1.5."
    assert "commit b0d845f" not in copied[1], "the lead names the commit already"
    measured = page.select_one("ul.bb-environment").get_text(" ")
    assert "copied from" in measured and "8 NVIDIA V100 GPUs" in measured


def test_the_maskrcnn_page_is_calm_and_says_what_current_means(docs_site: Path) -> None:
    page = html(docs_site / "benchmarks" / "maskrcnn-training.html")
    first = page.select("table.bb-table")[0]
    assert first.select(".bb-stale") == []
    note = page.select_one("div.bb-stale-note")
    said = note.get_text(" ")
    assert "All 7 results are stale" in said and "current as of November 2026" in said
    causes = [li.get_text(" ", strip=True) for li in note.select("li")]
    assert causes[0] == ("PyTorch 1.5 (Detectron2, mmdetection and maskrcnn-benchmark); now 2.15, the latest "
                         "release as of November 2026.")
    assert len(causes) == 5, "PyTorch, CUDA, TensorFlow, MXNet, Keras: one line each"
    assert "installed where the docs are built" not in page.get_text()


def test_the_sphinx_render_goal_says_what_its_relative_column_says(docs_site: Path) -> None:
    """The goal (at most 10 % slower) in the column's own terms: times faster than by hand, so >= 0.91x."""
    page = html(docs_site / "benchmarks" / "sphinx-render.html")
    goal = page.get_text(" ")
    assert "within 1.10" not in goal and "at least 0.91x (1 / 1.10)" in " ".join(goal.split())
    reading = page.select_one("p.bb-reading").get_text(" ")
    assert "how many times better than By hand (grid table) a row is (its value divided by the row's)" in reading
    rows = {}
    for tr in page.select("table.bb-table tbody tr"):
        cells = [td.get_text(" ", strip=True) for td in tr.select("td")]
        rows[cells[1]] = (float(cells[2].split()[0]), float(cells[3].rstrip("x")))
    base = rows["By hand (grid table)"][0]
    for name, (value, relative) in rows.items():
        assert relative == pytest.approx(base / value, abs=0.006), name


def test_the_text_builder_names_logos_and_places_emphasis(make_app: Callable[..., SphinxTestApp],
                                                          project: Callable[..., Path]) -> None:
    src = project("basic", "text-logos")
    results = src / "data" / "toy" / "results" / "2024-02-01.yaml"
    results.write_text(results.read_text().replace(
        "    samples: [2.0, 2.2, 1.8]\n", "    samples: [2.0, 2.2, 1.8]\n    run: {runner: test, unstable: true}\n", 1))
    app = make_app("text", srcdir=src, confoverrides=SOME_STALE)
    app.build()
    out = (app.outdir / "index.txt").read_text()
    assert "[image" not in out
    row = next(line for line in out.splitlines() if "Torchy" in line and "2.0" in line)
    assert "Alpha <b>lib</b> Torchy" in row, "the logo and its framework icon by their names"
    assert "(n=3) *unstable*" in row and "* unstable*" not in out
    flat = " ".join(out.split())
    assert "*Rows differ in Python: compare them with care.*" in flat
