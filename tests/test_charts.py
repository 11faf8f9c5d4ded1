"""Charts and downloads through real builds: HTML, LaTeX, text, man; the chart cache."""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from .conftest import html


def page(app: SphinxTestApp, name: str = "index.html") -> BeautifulSoup:
    return html(app.outdir / name)


@pytest.mark.sphinx("html", testroot="basic")
def test_bar_and_history_charts_are_accessible_svg(app: SphinxTestApp) -> None:
    app.build()
    charts = page(app).select("figure.bb-figure svg.bb-chart")
    # One bar chart per hardware table (box, GPU) and one history chart (alpha has two results on the box).
    assert len(charts) == 3
    bar = charts[0]
    assert bar["role"] == "img" and bar.title.get_text() == "Toy benchmark on One test box"
    assert "Bar chart of time (s) on One test box, lower is better: Alpha 2.0, Tie B 3.0" in bar.desc.get_text()
    assert len(bar.select("rect.bb-bar")) == 4
    assert len(bar.select("path.bb-errorbar")) == 1, "alpha's three runs give an error bar"
    history = charts[2]
    assert "over time" in history.title.get_text()
    assert "Alpha: 9.0 on 2024-01-01, 2.0 on 2024-02-01" in history.desc.get_text()
    assert len(history.select("circle")) >= 2


def test_identical_charts_on_one_page_have_their_own_ids(make_app: Callable[..., SphinxTestApp],
                                                         project: Callable[..., Path]) -> None:
    src = project("basic")
    (src / "other.rst").write_text("Other\n=====\n\n" + ".. benchmark-table:: toy\n   :parts: chart history\n\n" * 2,
                                   encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    html = page(app, "other.html")
    ids = [tag["id"] for tag in html.select("[id]")]
    assert len(ids) == len(set(ids))
    charts = html.select("svg.bb-chart")
    assert len(charts) == 6
    for svg in charts:
        title, desc = svg["aria-labelledby"].split()
        assert svg.select_one(f"title[id='{title}']") and svg.select_one(f"desc[id='{desc}']"), "its own"


def test_chart_values_have_the_metric_decimals(make_app: Callable[..., SphinxTestApp],
                                               project: Callable[..., Path]) -> None:
    src = project("basic")
    results = src / "data/toy/results/2024-02-01.yaml"
    text = results.read_text(encoding="utf-8")
    results.write_text(text.replace("value: 3.0", "value: 100.45", 1).replace("value: 3.0", "value: 100.25", 1),
                       encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    bar, _, history = page(app).select("svg.bb-chart")
    assert [t.get_text() for t in bar.select("text")[2::2]] == ["2.0", "6.0", "100.2", "100.5"], "one per bar"
    assert "Tie A: 100.2 s" in [t.get_text() for t in bar.select("rect title")]
    assert [c.title.get_text() for c in history.select("circle")][:2] == ["Alpha, 2024-01-01: 9.0 s",
                                                                          "Alpha, 2024-02-01: 2.0 s"]


@pytest.mark.sphinx("html", testroot="basic")
def test_table_data_downloads(app: SphinxTestApp) -> None:
    app.build()
    links = page(app).select("p.bb-downloads a")
    assert [a.get_text() for a in links] == ["CSV", "JSON"]
    data = json.loads((app.outdir / links[1]["href"]).read_text(encoding="utf-8"))
    assert [r["implementation"] for r in data["rows"]] == ["alpha", "tie-b", "tie-a", "slow", "alpha"]
    assert data["rows"][0]["samples"] == [2.0, 2.2, 1.8] and data["unit"] == "s"
    with open(app.outdir / links[0]["href"], encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows[1]["name"] == "Tie B" and rows[1]["value"] == "3.0"
    # The page in a sub-folder (dirhtml) links up to the same files.
    assert links[0]["href"].startswith("_downloads/benchbench/")


def test_chart_cache_draws_unchanged_charts_once(make_app: Callable[..., SphinxTestApp],
                                                 project: Callable[..., Path]) -> None:
    src = project("basic")
    app = make_app("html", srcdir=src)
    app.build()
    cache = Path(app.doctreedir) / "benchbench-charts"
    first = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.svg")}
    assert len(first) == 3
    index = src / "index.rst"
    index.write_text(index.read_text() + "\nSome new prose.\n", encoding="utf-8")
    app.build()
    assert {p.name: p.stat().st_mtime_ns for p in cache.glob("*.svg")} == first, "cached, not redrawn"
    results = src / "data/toy/results/2024-02-01.yaml"
    results.write_text(results.read_text().replace("value: 6.0", "value: 7.0"), encoding="utf-8")
    app.build()
    after = {p.name: p.stat().st_mtime_ns for p in cache.glob("*.svg")}
    drawn = sorted(set(after) - set(first))
    assert len(drawn) == 2, "the two charts showing slow's result (the box's bars, the history) are drawn again"
    assert {name: after[name] for name in first} == first, "nothing cached is redrawn in place"
    bar, gpu, history = page(app).select("svg.bb-chart")
    assert "Slow <i>one</i> 7.0." in bar.desc.get_text() and "Slow <i>one</i>: 7.0 on" in history.desc.get_text()
    assert "Slow" not in gpu.desc.get_text(), "the GPU table's chart, which slow is not in, is the cached one"
    texts = {name: (cache / name).read_text(encoding="utf-8") for name in drawn}
    assert sorted("Bar chart" in t for t in texts.values()) == [False, True]
    assert all("Slow &lt;i&gt;one&lt;/i&gt;" in t and " 7.0" in t for t in texts.values())


@pytest.mark.parametrize("builder", ["latex", "text", "man"])
def test_charts_in_other_builders(make_app: Callable[..., SphinxTestApp], project: Callable[..., Path],
                                  builder: str) -> None:
    app = make_app(builder, srcdir=project("basic", f"basic-{builder}"))
    app.build()
    # LaTeX shows the SVG-only torchy logo's name, and says so (tests/test_directive.py).
    assert [w for w in app.warning.getvalue().splitlines() if "logo 'Torchy'" not in w] == []
    if builder == "latex":
        tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
        assert tex.count(r"\begin{tikzpicture}") == 6, "three charts on each of the two pages"
        assert r"\usepackage{tikz}" in tex
    elif builder == "text":
        text = (app.outdir / "index.txt").read_text(encoding="utf-8")
        assert "Alpha " in text and "#" * 10 in text
        assert "Toy benchmark on One test box (s)\nAlpha " in text, "the bar chart, titled"
    else:
        man = next(app.outdir.rglob("*.1")).read_text(encoding="utf-8")
        assert "Bar chart of time" in man


def test_a_long_history_is_summarized_in_its_text_alternative(make_app: Callable[..., SphinxTestApp],
                                                              project: Callable[..., Path]) -> None:
    """A screen reader reads the chart's description whole: a series of hundreds of points is said as
    its count, span, first, last, lowest and highest (the downloads hold every point); a short one
    point by point."""
    src = project("basic")
    entries = "".join(f"  - {{implementation: slow, value: {10 + n}.0, recorded: 2023-01-{n + 1:02d}, "
                      f"status: measured, provenance: {{by: the toy team}}, software: {{python: '3.11'}}}}\n"
                      for n in range(14))
    (src / "data/toy/results/2023-01.yaml").write_text("results:\n" + entries, encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    history = page(app).select("svg.bb-chart")[2]
    desc = history.desc.get_text()
    found = re.search(r"Slow <i>one</i>: (\d+) results from 2023-01-01 to 2024-0\d-01, first 10\.0, last "
                      r"([\d.]+), lowest ([\d.]+), highest 23\.0", desc)
    assert found and int(found.group(1)) >= 14, desc
    assert "11.0 on 2023-01-02" not in desc, "not point by point"
    assert "Alpha: 9.0 on 2024-01-01, 2.0 on 2024-02-01" in desc, "a short series still is"
    assert len(history.select("circle")) >= 16, "the chart itself draws every point"
