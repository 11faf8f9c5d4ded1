"""The directive through real Sphinx builds: HTML, MyST parity, other builders."""

from __future__ import annotations

import base64
import hashlib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from docutils import nodes
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

from sphinx_benchbench.data.model import Located

from .conftest import html


def soup(app: SphinxTestApp, page: str = "index.html") -> BeautifulSoup:
    return html(app.outdir / page)


def rows(table: BeautifulSoup) -> list[list[str]]:
    return [[" ".join(td.get_text(" ").split()) for td in tr.find_all("td")] for tr in table.select("tbody tr")]


@pytest.mark.sphinx("html", testroot="basic")
def test_html_table_environment_and_details(app: SphinxTestApp) -> None:
    app.build()
    assert app.warning.getvalue() == ""
    page = soup(app)
    tables = page.select("table.bb-table")
    assert len(tables) == 2, "results on different hardware get separate tables"
    assert [c.get_text() for c in tables[0].select("caption .caption-text")] == ["One test box"]
    headers = [th.get_text(" ", strip=True) for th in tables[0].select("thead th")]
    assert headers == ["#", "Implementation", "Time (s)", "Relative to Slow <i>one</i>"]
    # alpha's runs 2.0, 2.2, 1.8: mean 2.0, s = 0.2, 95 % CI ± 4.303 * 0.2 / sqrt(3) = ± 0.50, clear of 3.0.
    assert [r[2:] for r in rows(tables[0])] == [
        ["2.0 ±0.5 (n=3)", "3.00x"], ["3.0", "2.00x"], ["3.0", "2.00x"], ["6.0", "1.00x"]]
    assert [r[0] for r in rows(tables[0])] == ["1", "2=", "2=", "4"], "the two 3.0s tie"
    assert "share a rank (=)" in tables[0].find_next("p", class_="bb-reading").get_text()
    first = tables[0].select("tbody tr")[0]
    assert "bb-subject" in first["class"]
    logo = first.select_one("img.bb-logo")
    assert logo["alt"] == "Alpha <b>lib</b>"
    assert logo.parent.name == "a" and logo.parent["href"] == "https://alpha.example.org/"
    assert first.select_one("img.bb-icon")["alt"] == "Torchy"
    assert [r[1] for r in rows(tables[0])[1:]] == ["Tie B", "Tie A", "Slow <i>one</i>"]
    assert [r[2:] for r in rows(tables[1])] == [["0.5"]], "alpha's GPU result, alone in its table, no baseline"
    assert tables[1].select_one("tbody tr img.bb-logo")["alt"] == "Alpha <b>lib</b>"

    env = page.select_one("ul.bb-environment").get_text(" ")
    assert "Python 3.11 (Alpha, Tie B and Slow <i>one</i>)" in " ".join(env.split())
    assert "Rows differ in Python" in env
    assert "One test box; One test GPU." in env

    impls = page.select("div.bb-impl")
    assert [d["id"] for d in impls] == ["toy-alpha", "toy-tie-b", "toy-tie-a", "toy-slow", "toy-unmeasured"]
    slow = page.select_one("#toy-slow")
    code = [pre.get_text() for pre in slow.select("pre")]
    assert code[0] == "sed -i s/a/b/ x.py\n"
    assert code[1] == "export SLOW_MODE=1\nexport WEIRD='a b'\nslow --go\nslow --report\n"
    assert slow.select_one("a[href='https://github.com/example/slow/commit/abc1234']")

    patch = slow.select_one("details.bb-patch")
    assert patch is not None and not patch.has_attr("open")
    assert "fix the <script> tag" in patch.summary.get_text()
    diff = Path(app.srcdir / "data/toy/patches/fix.diff").read_text(encoding="utf-8")
    assert patch.select_one("div.highlight-diff pre").get_text() == diff


@pytest.mark.sphinx("html", testroot="basic")
def test_no_unescaped_html_reaches_the_page(app: SphinxTestApp) -> None:
    app.build()
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    for raw in ("<b>lib</b>", "<i>one</i>", '<script>alert("old")', "<script> tag"):
        assert raw not in html
    assert "&lt;i&gt;one&lt;/i&gt;" in html


@pytest.mark.sphinx("html", testroot="basic")
def test_stylesheet_only_on_pages_with_a_benchmark(app: SphinxTestApp) -> None:
    app.build()
    assert (app.outdir / "_static/benchbench.css").is_file()
    assert soup(app).select_one("link[href*='benchbench.css']")
    assert soup(app, "other.html").select_one("link[href*='benchbench.css']") is None


def _benchmark_tree(app: SphinxTestApp, docname: str) -> str:
    doctree = app.env.get_doctree(docname)
    container = next(n for n in doctree.findall(nodes.container) if "bb-benchmark" in n["classes"])
    for node in container.findall(nodes.Element):
        node.source, node.line = None, None
    return container.pformat()


@pytest.mark.sphinx("html", testroot="basic")
def test_rst_and_myst_give_the_same_doctree(app: SphinxTestApp) -> None:
    app.build()
    rst, myst = _benchmark_tree(app, "index"), _benchmark_tree(app, "myst")
    assert "<table" in rst and "<literal_block" in rst
    assert rst == myst


@pytest.mark.parametrize("builder", ["text", "latex", "dirhtml", "singlehtml"])
def test_other_builders(make_app: Callable[..., SphinxTestApp], project: Callable[[str], Path],
                        builder: str) -> None:
    src = project("basic")
    app = make_app(builder, srcdir=src)
    app.build()
    warnings = app.warning.getvalue()
    if builder == "latex":  # torchy.svg has no PNG or PDF twin
        line = next(n for n, t in enumerate((src / "data/logos.yaml").read_text().splitlines(), 1) if "torchy.svg" in t)
        assert strip_colors(warnings) == (
            f"{src / 'data/logos.yaml'}:{line}: WARNING: logo 'Torchy' is an SVG without a PNG or PDF twin beside "
            "it; the latex output shows its name instead [benchbench.data]\n"), "once, although both pages show it"
    else:
        assert warnings == ""
    if builder == "text":
        text = (app.outdir / "index.txt").read_text(encoding="utf-8")
        assert re.search(r"Tie B\s*\|\s*3\.0\s*\|\s*2\.00x", text)
        assert 'Patch: fix the <script> tag "fix.diff"' in text
        assert '+<script>alert("new & improved")</script>' in text, "the patch is shown in full"
    elif builder == "latex":
        tex = next(app.outdir.glob("*.tex")).read_text(encoding="utf-8")
        png = (src / "data/logos/alpha.png").read_bytes()
        name = hashlib.sha1(png).hexdigest()
        assert re.search(rf"\\sphinxincludegraphics\[height=15(pt|bp)\]\{{\{{{name}\}}\.png\}}", tex), \
            "LaTeX uses the PNG twin of the SVG logo, written under its hash"
        assert (app.outdir / f"{name}.png").read_bytes() == png
        assert "torchy.svg" not in tex and not (app.outdir / "torchy.svg").exists(), "only its name"
        assert tex.count(r"\DUrole{bb-icon-text}{Torchy}") == 4, "in both tables of both pages"
        assert r"Patch: fix the \textless{}script\textgreater{} tag" in tex, "escaped for LaTeX"
        assert "alert" in tex
    elif builder == "dirhtml":
        page = soup(app)
        assert len(page.select("details.bb-patch")) == 1, "the patch of slow, collapsed"
        myst = soup(app, "myst/index.html")
        svg = (src / "data/logos/alpha.svg").read_bytes()
        assert myst.select_one("img.bb-logo")["src"] == "data:image/svg+xml;base64," + base64.b64encode(svg).decode()
        assert not (app.outdir / "_images").exists(), "no logo is a file on the site"
    else:
        page = soup(app)
        assert len(page.select("details.bb-patch")) == 2, "both pages' patches, collapsed"
        sources = [img["src"] for img in page.select("img.bb-logo")]
        assert sources and all(s.startswith("data:image/svg+xml;base64,") for s in sources)


def test_parallel_build_matches_serial(make_app: Callable[..., SphinxTestApp],
                                       project: Callable[[str], Path]) -> None:
    serial = make_app("html", srcdir=project("basic"))
    serial.build()
    parallel = make_app("html", srcdir=project("basic", "basic-j2"), parallel=2)
    assert parallel.parallel == 2
    parallel.build()
    # In-process test apps re-register Sphinx's own nodes; nothing else may warn.
    warnings = [w for w in parallel.warning.getvalue().splitlines() if "already registered" not in w]
    assert warnings == []
    for page in ("index.html", "myst.html"):
        a, b = soup(serial, page), soup(parallel, page)
        assert a.select_one("div.bb-benchmark") == b.select_one("div.bb-benchmark")


def test_parallel_readers_report_each_problem_once(make_app: Callable[..., SphinxTestApp],
                                                   project: Callable[[str], Path]) -> None:
    src = project("basic")
    results = src / "data/toy/results/2024-02-01.yaml"
    _edit(results, "    value: 6.0", "    value: -6.0")
    app = make_app("html", srcdir=src, parallel=2)
    app.build()
    warnings = [w for w in strip_colors(app.warning.getvalue()).splitlines() if "already registered" not in w]
    assert warnings == [f"{results}:21: WARNING: results[3].value: must be zero or more, got -6.0 [benchbench.data]"]


def test_a_file_without_a_line_is_located_as_sphinx_locates_documents(
    make_app: Callable[..., SphinxTestApp], project: Callable[[str], Path]
) -> None:
    src = project("basic")
    unreadable = src / "data/toy/results/2025-latin1.yaml"
    unreadable.write_bytes("results: [] # caf\xe9\n".encode("latin-1"))
    app = make_app("html", srcdir=src)
    app.build()
    warnings = strip_colors(app.warning.getvalue())
    assert warnings.startswith(f"{unreadable}:1: WARNING: not UTF-8: byte 0xe9 at column 18"), warnings


def test_editing_data_rebuilds_exactly_the_pages_that_use_it(
    make_app: Callable[..., SphinxTestApp], project: Callable[[str], Path]
) -> None:
    src = project("basic")
    app = make_app("html", srcdir=src)
    app.build()
    assert sorted(app.builder.read()) == [], "nothing changed"

    def reread_after(change: Callable[[], None]) -> list[str]:
        change()
        return sorted(app.builder.read())

    data = src / "data"
    results = data / "toy/results/2024-02-01.yaml"
    assert reread_after(lambda: _edit(results, "value: 6.0", "value: 7.0")) == ["index", "myst"]
    assert reread_after(lambda: (data / "toy/results/2025-01-01.yaml").write_text(
        "results: []\n", encoding="utf-8")) == ["index", "myst"], "a new results file"
    assert reread_after(lambda: (data / "toy/results/2025-01-01.yaml").unlink()) == ["index", "myst"]
    assert reread_after(lambda: None) == []
    assert reread_after(lambda: _edit(data / "logos.yaml", "name: Torchy", "name: Torchy2")) == ["index", "myst"]
    assert reread_after(lambda: _edit(data / "toy/patches/fix.diff", "old", "older")) == ["index", "myst"]
    _edit(results, "value: 7.0", "value: 8.0")
    app.build()
    assert "8.0" in soup(app).select("table.bb-table")[0].get_text()


def test_a_page_naming_a_missing_benchmark_is_read_again_until_it_is_there(
    make_app: Callable[..., SphinxTestApp], project: Callable[[str], Path]
) -> None:
    """As Sphinx does for a missing dependency: the file's arrival has no time stamp to compare."""
    src = project("basic")
    (src / "later.rst").write_text(":orphan:\n\nLater\n=====\n\n.. benchmark-table:: later\n", encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    assert "unknown benchmark 'later'" in app.warning.getvalue()
    assert sorted(app.builder.read()) == ["later"]
    assert sorted(app.builder.read()) == ["later"]
    shutil.copytree(src / "data/toy", src / "data/later")
    assert sorted(app.builder.read()) == ["later"]
    assert sorted(app.builder.read()) == [], "there now: read once more, then not again"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_bad_data_warns_at_the_yaml_line_and_the_page_still_builds(
    make_app: Callable[..., SphinxTestApp], project: Callable[[str], Path]
) -> None:
    src = project("basic")
    results = src / "data/toy/results/2024-02-01.yaml"
    _edit(results, "    value: 6.0", "    value: -6.0")
    (src / "data/toy/results/2023-broken.yaml").write_text("results:\n  - [\n", encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    warnings = app.warning.getvalue()
    line = next(n for n, t in enumerate(results.read_text().splitlines(), 1) if "-6.0" in t)
    assert f"{results}:{line}: WARNING: results[3].value: must be zero or more, got -6.0 [benchbench.data]" \
        in warnings
    assert f"{src / 'data/toy/results/2023-broken.yaml'}:3: WARNING: YAML syntax error" in warnings
    assert warnings.count("WARNING") == 2, "reported once although two pages use the benchmark"
    assert "Traceback" not in warnings
    table = rows(soup(app).select("table.bb-table")[0])
    assert [r[2] for r in table] == ["2.0 ±0.5 (n=3)", "3.0", "3.0"], "the bad result is left out"


def test_warnings_can_be_suppressed_or_made_fatal(
    make_app: Callable[..., SphinxTestApp], project: Callable[[str], Path]
) -> None:
    src = project("basic")
    _edit(src / "data/logos.yaml", "image: logos/alpha.svg", "image: logos/gone.svg")
    quiet = make_app("html", srcdir=src, confoverrides={"suppress_warnings": ["benchbench.data"]})
    quiet.build()
    assert quiet.warning.getvalue() == ""
    img = soup(quiet).select_one("table.bb-table tbody tr a")
    assert img.get_text() == "Alpha", "a missing logo falls back to the name"
    # -W as a user gives it, in its own process (a second app in one process re-registers Sphinx's
    # nodes, which Sphinx 7.4 itself warns about).
    strict = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-W", "-b", "html", str(src), str(src / "_W")],
                            capture_output=True, text=True, timeout=120, env={**os.environ, "NO_COLOR": "1"})
    assert strict.returncode != 0  # 1 from Sphinx 8.1 (it keeps going), 2 before (it stops at the first)
    assert "logos.alpha.image: file 'logos/gone.svg' not found" in strict.stderr
    assert "[benchbench.data]" in strict.stderr


def test_unknown_benchmark_and_bad_options_warn_at_the_directive(
    make_app: Callable[..., SphinxTestApp], project: Callable[[str], Path]
) -> None:
    src = project("basic")
    (src / "index.rst").write_text(
        "Toy\n===\n\n.. toctree::\n\n   myst\n   other\n\n"
        ".. benchmark-table:: nosuch\n\n"
        ".. benchmark-table:: toy\n   :parts: tabel, table\n   :baseline: ghost\n"
        "   :implementations: alpha ghost\n",
        encoding="utf-8",
    )
    app = make_app("html", srcdir=src)
    app.build()
    warnings = app.warning.getvalue()
    index = src / "index.rst"
    assert f"{index}:9: WARNING: unknown benchmark 'nosuch' (known: toy) [benchbench.directive]" in warnings
    assert f"{index}:11: WARNING: unknown part(s) tabel in :parts:" in warnings
    assert f"{index}:11: WARNING: baseline 'ghost' is not an implementation of 'toy'" in warnings
    assert f"{index}:11: WARNING: 'ghost' is not an implementation of 'toy'" in warnings
    page = soup(app)
    assert "Benchmark nosuch could not be shown" in " ".join(page.get_text().split())
    table = page.select_one("table.bb-table")
    assert [tr.select_one("img.bb-logo")["alt"] for tr in table.select("tbody tr")] == ["Alpha <b>lib</b>"], \
        "only alpha, the one known implementation asked for"


def test_every_table_is_captioned_when_there_are_several(make_app: Callable[..., SphinxTestApp],
                                                         project: Callable[[str], Path]) -> None:
    src = project("basic")
    _edit(src / "data/toy/benchmark.yaml", "hardware: box\n", "")
    app = make_app("html", srcdir=src)
    app.build()
    captions = [t.select_one("caption .caption-text") for t in soup(app).select("table.bb-table")]
    assert [c.get_text() if c else None for c in captions] == ["hardware not recorded", "One test GPU"]


def test_logos_are_never_linked_to_their_image_file(make_app: Callable[..., SphinxTestApp],
                                                    project: Callable[[str], Path]) -> None:
    """Sphinx links a scaled image to its file; an SVG's script would then run in the site's origin."""
    src = project("basic")
    _edit(src / "data/logos.yaml", "    link: https://torchy.example.org/\n", "")
    app = make_app("html", srcdir=src)
    app.build()
    icon = soup(app).select_one("img.bb-icon")
    assert "no-scaled-link" in icon["class"]
    assert icon.find_parent("a") is None
    assert not soup(app).select("a[href$='.svg']")


def test_options_that_would_do_nothing_warn_at_the_directive(
    make_app: Callable[..., SphinxTestApp], project: Callable[[str], Path]
) -> None:
    src = project("basic")
    _edit(src / "data/toy/results/2024-02-01.yaml", "value: 6.0", "value: 0.0")
    (src / "other.rst").write_text(
        "Other\n=====\n\n"
        ".. benchmark-table:: toy\n   :parts: ,\n\n"                                          # line 4
        ".. benchmark-table:: toy\n   :implementations: ,\n   :parts: table\n\n"             # line 7
        ".. benchmark-table:: toy\n   :implementations: alpha tie-a\n   :baseline: tie-b\n"  # line 11
        "   :parts: table\n\n"
        ".. benchmark-table:: toy\n   :baseline: slow\n   :parts: table\n",                  # line 16
        encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    warnings = strip_colors(app.warning.getvalue())
    other = src / "other.rst"
    assert f"{other}:4: WARNING: :parts: names no part; showing all (summary, environment, table, chart, " \
        "history, details) [benchbench.directive]" in warnings
    assert f"{other}:7: WARNING: :implementations: names no implementation; showing all" in warnings
    assert f"{other}:11: WARNING: baseline 'tie-b' is not among :implementations:, so there is no relative " \
        "column" in warnings
    assert f"{other}:16: WARNING: baseline 'slow' has the value 0 on One test box: no relative column (nothing " \
        "can be relative to 0)" in warnings
    assert len(warnings.splitlines()) == 6, "and index.rst and myst.md, whose :baseline: is slow too"
    page = soup(app, "other.html")
    shown = [child["class"][0] for child in page.select("div.bb-benchmark")[0].find_all(recursive=False)]
    assert shown == ["bb-summary", "bb-environment", "bb-table", "bb-table", "bb-reading", "bb-downloads",
                     "bb-figure", "bb-figure", "bb-figure", *["bb-impl"] * 5], "every part, in the default order"
    assert len(rows(page.select("div.bb-benchmark")[1].select_one("table.bb-table"))) == 4, "every result on the box"
    headers = [th.get_text() for t in page.select("table.bb-table") for th in t.select("thead th")]
    assert not any(h.startswith("Relative") for h in headers)


def test_located_keys() -> None:
    loc = Located("f.yaml", 3, {"a": 5})
    assert str(loc.at("a")) == "f.yaml:5"
    assert str(loc.at("b")) == "f.yaml:3"


def test_implementations_option_limits_table_and_details(
    make_app: Callable[..., SphinxTestApp], project: Callable[[str], Path]
) -> None:
    src = project("basic")
    (src / "other.rst").write_text(
        "Other\n=====\n\n.. benchmark-table:: toy\n   :parts: table details\n   :implementations: slow, unmeasured\n",
        encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    page = soup(app, "other.html")
    assert [r[1] for r in rows(page.select_one("table.bb-table"))] == ["Slow <i>one</i>"]
    assert [d["id"] for d in page.select("div.bb-impl")] == ["toy-slow", "toy-unmeasured"]


def test_data_text_is_shown_as_written_without_smart_quotes(make_app: Callable[..., SphinxTestApp],
                                                           project: Callable[[str], Path]) -> None:
    """A case named ``f(label='a')`` (asv) or a note "it's" must reach the page with its own quotes."""
    src = project("basic")
    bench = src / "data/toy/benchmark.yaml"
    bench.write_text(bench.read_text(encoding="utf-8").replace(
        "notes: [Slow on purpose.]", "notes: [\"Slow on purpose: it's f(label='a') -- \\\"quoted\\\".\"]"),
        encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    note = soup(app).select_one("#toy-slow p.bb-note").get_text()
    assert note == "Slow on purpose: it's f(label='a') -- \"quoted\"."


def test_hardware_and_class_options(make_app: Callable[..., SphinxTestApp], project: Callable[[str], Path]) -> None:
    """``:hardware:`` keeps the results on one machine, named by its profile id or by its label (one table,
    no others); one that matches nothing warns at the directive; ``:class:`` adds classes to the container."""
    src = project("basic")
    (src / "other.rst").write_text(
        "Other\n=====\n\n"
        ".. benchmark-table:: toy\n   :hardware: gpu\n   :parts: table\n   :class: wide bb-extra\n\n"  # line 4
        ".. benchmark-table:: toy\n   :hardware: One test box\n   :parts: table\n\n"              # line 9
        ".. benchmark-table:: toy\n   :hardware: box\n   :parts: table\n\n"                       # line 13
        ".. benchmark-table:: toy\n   :hardware: abacus\n   :parts: table\n",                     # line 17
        encoding="utf-8")
    app = make_app("html", srcdir=src)
    app.build()
    warnings = [w for w in strip_colors(app.warning.getvalue()).splitlines() if "[benchbench.directive]" in w]
    assert warnings == [f"{src / 'other.rst'}:17: WARNING: no results of 'toy' on hardware 'abacus' "
                        "[benchbench.directive]"]
    gpu, by_label, by_id, none = soup(app, "other.html").select("div.bb-benchmark")
    assert gpu["class"] == ["bb-benchmark", "wide", "bb-extra", "docutils", "container"]
    assert by_label["class"] == ["bb-benchmark", "docutils", "container"]
    (table,) = gpu.select("table.bb-table")
    assert [r[2] for r in rows(table)] == ["0.5"], "alpha's GPU result alone"
    assert table.select_one("tbody img.bb-logo")["alt"] == "Alpha <b>lib</b>"
    for div in (by_label, by_id):
        (table,) = div.select("table.bb-table")
        assert [r[2] for r in rows(table)] == ["2.0 ±0.5 (n=3)", "3.0", "3.0", "6.0"], "the box's four"
    assert none.select("table.bb-table") == []


def test_the_benchmarks_shared_set_up_is_shown_once(make_app: Callable[..., SphinxTestApp],
                                                    project: Callable[[str], Path]) -> None:
    """A benchmark-level ``setup`` (the input every implementation reads) is shown with the environment: a
    lead-in, each step's purpose, then its command, in order."""
    src = project("basic")
    _edit(src / "data/toy/benchmark.yaml", "hardware: box\n", "hardware: box\nsetup:\n"
          "  - {purpose: Make the input., run: python make_input.py --size 10}\n  - {run: gzip -k input.bin}\n")
    app = make_app("html", srcdir=src)
    app.build()
    page = soup(app)
    (lead,) = page.select("p.bb-shared-setup")
    assert lead.get_text() == "Set-up, once before every implementation:"
    after = list(lead.find_next_siblings(limit=3))
    assert after[0].name == "p" and after[0].get_text() == "Make the input."
    assert [pre.get_text() for t in after[1:] for pre in t.select("pre")] == [
        "python make_input.py --size 10\n", "gzip -k input.bin\n"]


def test_source_links_follow_the_forge_and_the_kind_of_ref(make_app: Callable[..., SphinxTestApp],
                                                           project: Callable[[str], Path]) -> None:
    """A GitLab repository's commit links with GitLab's ``/-/commit/``, a GitHub release to its tree; a ref of
    kind ``none`` or a repository on no known forge gets no link at all."""
    src = project("basic")
    bench_yaml = src / "data/toy/benchmark.yaml"
    _edit(bench_yaml, 'repository: "https://github.com/example/slow", ref: abc1234',
          'repository: "https://gitlab.com/example/slow.git", ref: abc1234')
    _edit(bench_yaml, "    commands: [tiea]\n",
          "    commands: [tiea]\n    source: {repository: \"https://git.example.org/tie-a\", ref: v2}\n")
    _edit(bench_yaml, "    commands: [tieb]\n",
          "    commands: [tieb]\n    source: {repository: \"https://github.com/example/tieb\", ref: x, kind: none}\n")
    app = make_app("html", srcdir=src)
    app.build()
    page = soup(app)
    assert page.select_one("#toy-slow a[href='https://gitlab.com/example/slow/-/commit/abc1234']")
    assert page.select_one("#toy-alpha a[href='https://github.com/example/alpha/tree/v1.0']")
    for impl in ("tie-a", "tie-b"):
        links = [a["href"] for a in page.select(f"#toy-{impl} a")]
        assert not [href for href in links if "/commit/" in href or "/tree/" in href], links
