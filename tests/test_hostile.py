"""Hostile data through real Sphinx builds: no file from outside, no script, no formula, no crash.

Each test edits a copy of the ``basic`` test root the way a pull request from
a stranger could, builds it with Sphinx, and checks what reached the site and
what the build said.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

SECRET = "TOP SECRET, outside the data folder"


def build(make_app: Callable[..., SphinxTestApp], src: Path) -> tuple[SphinxTestApp, str]:
    app = make_app("html", srcdir=src)
    app.build()
    return app, app.warning.getvalue()


def site_files(app: SphinxTestApp) -> list[Path]:
    return [p for p in Path(app.outdir).rglob("*") if p.is_file()]


def assert_no_secret(app: SphinxTestApp) -> None:
    for path in site_files(app):
        assert SECRET.encode() not in path.read_bytes(), f"{path} holds a file from outside the data folder"


def set_logo_image(src: Path, image: str) -> None:
    logos = src / "data/logos.yaml"
    logos.write_text(logos.read_text().replace("image: logos/alpha.svg", f"image: {json.dumps(image)}"))


@pytest.fixture
def outside(tmp_path: Path) -> Path:
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><desc>{SECRET}</desc></svg>')
    (folder / "x.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><desc>{SECRET}</desc></svg>')
    (folder / "x.png").write_bytes(SECRET.encode())
    return folder


@pytest.mark.sphinx("html", testroot="basic")
def test_a_glob_in_a_logo_path_cannot_publish_a_file_from_outside(
        make_app: Callable[..., SphinxTestApp], project: Callable[..., Path], outside: Path) -> None:
    """'logos/x[y].svg' beside a symlink 'logos/xy.svg' to a file outside: Sphinx globs 'x[y].*' and would
    copy the link's target."""
    src = project()
    logos = src / "data/logos"
    (logos / "x[y].svg").write_text((logos / "alpha.svg").read_text())
    (logos / "x[y].png").write_bytes((logos / "alpha.png").read_bytes())
    (logos / "xy.svg").symlink_to(outside / "secret.svg")
    set_logo_image(src, "logos/x[y].svg")
    app, warnings = build(make_app, src)
    assert "contains a glob character (* ? [ ]), which Sphinx would expand to other files" in warnings
    assert f"{src / 'data/logos.yaml'}:4:" in warnings, "located at the image's line"
    assert_no_secret(app)


@pytest.mark.sphinx("html", testroot="basic")
@pytest.mark.parametrize("name", ["z.*", "[g]/x.svg"])
def test_other_glob_paths_are_refused(make_app: Callable[..., SphinxTestApp], project: Callable[..., Path],
                                      outside: Path, name: str) -> None:
    src = project()
    logos = src / "data/logos"
    (logos / "[g]").mkdir()
    (logos / "[g]/x.svg").write_text((logos / "alpha.svg").read_text())
    (logos / "z.*").write_text((logos / "alpha.svg").read_text())
    (logos / "z.svg").symlink_to(outside / "secret.svg")
    (logos / "g").symlink_to(outside)
    set_logo_image(src, f"logos/{name}")
    app, warnings = build(make_app, src)
    assert "glob character" in warnings
    assert_no_secret(app)


HOSTILE_SVGS = {
    "script": '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
    "handler": '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="1" height="1"/></svg>',
    "foreign": ('<svg xmlns="http://www.w3.org/2000/svg"><foreignObject><body xmlns="http://www.w3.org/1999/xhtml">'
                '<img src="x" onerror="alert(1)"/></body></foreignObject></svg>'),
    "external": ('<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
                 '<image xlink:href="https://evil.example/track.png"/></svg>'),
    "javascript": ('<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:alert(1)"><rect width="1" '
                   'height="1"/></a></svg>'),
    "entities": ('<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "xxxxxxxx">]><svg '
                 'xmlns="http://www.w3.org/2000/svg"><desc>&x;&x;</desc></svg>'),
    "css": '<svg xmlns="http://www.w3.org/2000/svg"><style>@import url(https://evil.example/a.css);</style></svg>',
    "animate": ('<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="javascript:alert(1)"/>'
                '<rect width="1" height="1"/></a></svg>'),
}


@pytest.mark.sphinx("html", testroot="basic")
@pytest.mark.parametrize("kind", sorted(HOSTILE_SVGS))
def test_an_svg_that_could_run_code_is_not_published(make_app: Callable[..., SphinxTestApp],
                                                     project: Callable[..., Path], kind: str) -> None:
    src = project()
    (src / "data/logos/torchy.svg").write_text(HOSTILE_SVGS[kind])
    app, warnings = build(make_app, src)
    assert "torchy.svg" in warnings and "it is not published" in warnings, warnings
    assert not [p for p in site_files(app) if p.name.startswith("torchy")], "the SVG reached the site"
    page = (Path(app.outdir) / "index.html").read_text()
    assert 'class="bb-icon-text">Torchy<' in page, "its name is shown instead"


@pytest.mark.sphinx("html", testroot="basic")
def test_formulas_reach_no_spreadsheet_and_the_json_is_strict(make_app: Callable[..., SphinxTestApp],
                                                              project: Callable[..., Path]) -> None:
    src = project()
    bench = src / "data/toy/benchmark.yaml"
    text = bench.read_text()
    for old, new in (("name: Tie A", "name: '=HYPERLINK(\"http://evil\",\"x\")'"),
                     ("name: Tie B", "name: '+cmd|'' /C calc''!A0'"), ("name: Alpha", "name: '@SUM(1+1) Alpha'")):
        text = text.replace(old, new, 1)
    bench.write_text(text)
    hw = src / "data/hardware.yaml"
    hw.write_text(hw.read_text().replace("label: One test box", "label: '-2+3+cmd|x'"), encoding="utf-8")
    app, _ = build(make_app, src)
    downloads = Path(app.outdir) / "_downloads/benchbench"
    (sheet,) = downloads.glob("toy-*.csv")
    cells = [cell for row in csv.reader(sheet.open()) for cell in row]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))], cells
    assert "'=HYPERLINK(\"http://evil\",\"x\")" in cells and "'-2+3+cmd|x" in cells
    (doc,) = downloads.glob("toy-*.json")
    json.loads(doc.read_text(), parse_constant=lambda name: pytest.fail(f"{name} in the JSON download"))


@pytest.mark.sphinx("html", testroot="basic")
@pytest.mark.parametrize(("edit", "words"), [
    (lambda src: (src / "data/toy/benchmark.yaml").write_text(
        (src / "data/toy/benchmark.yaml").read_text().replace("- id: slow", '- id: "slow\\n"')),
     "'slow\\n' is not an identifier"),
    (lambda src: (src / "data/logos.yaml").write_text(
        (src / "data/logos.yaml").read_text().replace("https://alpha.example.org/", '"https://alpha.example.org/\\n"')),
     "is not an http(s) address"),
])
def test_values_ending_in_a_newline_are_refused(make_app: Callable[..., SphinxTestApp], project: Callable[..., Path],
                                                edit: Callable[[Path], None], words: str) -> None:
    src = project()
    edit(src)
    _, warnings = build(make_app, src)
    assert words in warnings


@pytest.mark.sphinx("html", testroot="basic")
def test_a_results_file_in_place_of_the_folder_is_said(make_app: Callable[..., SphinxTestApp],
                                                       project: Callable[..., Path]) -> None:
    src = project()
    results = src / "data/toy/results"
    for path in results.iterdir():
        path.unlink()
    results.rmdir()
    results.write_text("not a folder")
    _, warnings = build(make_app, src)
    assert f"{results}: WARNING: results is not a folder; no results are read" in warnings


@pytest.mark.sphinx("html", testroot="basic")
def test_a_benchmark_yaml_folder_is_said(make_app: Callable[..., SphinxTestApp], project: Callable[..., Path]) -> None:
    src = project()
    bench = src / "data/toy/benchmark.yaml"
    bench.unlink()
    bench.mkdir()
    _, warnings = build(make_app, src)
    assert "benchmark.yaml is a folder, not a file" in warnings and "unknown benchmark" not in warnings


def test_no_symlink_in_the_data_leads_the_build_out(tmp_path: Path) -> None:
    """Guard for the tests above: they need symlinks to be creatable here."""
    (tmp_path / "t").symlink_to(tmp_path)
    assert os.path.islink(tmp_path / "t")
