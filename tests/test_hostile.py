"""Hostile data through real Sphinx builds: no file from outside, no script, no formula, no crash.

Each test edits a copy of the ``basic`` test root the way a pull request from
a stranger could, builds it with Sphinx, and checks what reached the site and
what the build said.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp
from sphinx.util.console import strip_colors

from .conftest import REPO

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


def _results(src: Path) -> Path:
    return sorted((src / "data/toy/results").glob("*.yaml"))[-1]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


#: Data the YAML layer accepts that once crashed every builder, ``check`` and ``--list`` (report F11, F13).
CRASHERS = {
    "hex-integer": ("value: 6.0", "value: 0x" + "f" * 3600, "a number of over 4000 digits is too large"),
    "binary-sample": ("samples: [2.0, 2.2, 1.8]", "samples: [0b" + "1" * 5000 + "]", "digits is too large"),
    "huge-version": ('toylib: "1.1"', 'toylib: "' + "9" * 5000 + '"', None),
    "overflowing-sum": ("samples: [2.0, 2.2, 1.8]", "samples: [1.7e+308, 1.0e+300, 1.79e+308]",
                        "is too large to be a measurement"),
    "huge-value": ("value: 6.0", "value: 1.0e+308", "is too large to be a measurement"),
}


@pytest.mark.parametrize("builder", ["html", "text", "latex"])
@pytest.mark.parametrize("kind", sorted(CRASHERS))
def test_accepted_yaml_that_crashed_builds_is_a_warning(make_app: Callable[..., SphinxTestApp],
                                                        project: Callable[..., Path], kind: str,
                                                        builder: str) -> None:
    src = project()
    old, new, words = CRASHERS[kind]
    _replace(_results(src), old, new)
    app = make_app(builder, srcdir=src)
    app.build()  # a traceback fails the test
    warnings = app.warning.getvalue()
    if words:
        assert f"{_results(src)}:" in warnings and words in warnings, warnings
    out = "\n".join(p.read_text(errors="replace") for p in site_files(app) if p.suffix in (".tex", ".txt"))
    assert "inf," not in out and "(inf" not in out


@pytest.mark.parametrize("kind", sorted(CRASHERS))
def test_check_and_the_runner_list_say_it_in_a_line(project: Callable[..., Path], kind: str) -> None:
    src = project()
    old, new, _ = CRASHERS[kind]
    _replace(_results(src), old, new)
    for args in (["-m", "sphinx_benchbench", "check", str(src / "data")],
                 ["-m", "runners.run", "--list", "--data", str(src / "data")]):
        done = subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=120, cwd=REPO)
        assert "Traceback" not in done.stderr + done.stdout, (args, done.stderr)


@pytest.mark.sphinx("html", testroot="basic")
@pytest.mark.parametrize(("where", "old", "new"), [
    ("bench", "name: Tie A", 'name: "Tie \\e[31mA"'),
    ("bench", "name: Tie A", 'name: "Tie \\u202eA"'),
    ("bench", "name: Tie A", 'name: "Tie \\x08A"'),
    ("bench", "- id: slow", '- "\\e[2J\\e[1;31mFAKE ERROR\\e[0m": 1\n    id: slow'),
])
def test_control_characters_written_as_escapes_are_refused(make_app: Callable[..., SphinxTestApp],
                                                           project: Callable[..., Path], where: str,
                                                           old: str, new: str) -> None:
    """F16: raw control bytes were refused, their YAML escapes reached the page, the CSV, the terminal."""
    src = project()
    _replace(src / "data/toy/benchmark.yaml", old, new)
    app, warnings = build(make_app, src)
    assert "the control character U+" in warnings, warnings
    assert "\x1b" not in strip_colors(warnings) and "\u202e" not in warnings
    for path in site_files(app):
        if path.suffix not in (".html", ".csv", ".json", ".txt", ".js"):
            continue  # objects.inv and images are binary
        text = path.read_text(errors="replace")
        assert "\x1b" not in text and "\x08" not in text and "\u202e" not in text, path


@pytest.mark.sphinx("html", testroot="basic")
def test_a_patch_with_terminal_colours_is_refused(make_app: Callable[..., SphinxTestApp],
                                                  project: Callable[..., Path]) -> None:
    src = project()
    patch = src / "data/toy/patches/fix.diff"
    patch.write_text("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-\x1b[31mold\x1b[m\n+\x1b[32mnew\x1b[m\n")
    app, warnings = build(make_app, src)
    assert f"patch {patch.name} contains the control character U+001B" in warnings, warnings
    assert not [p for p in site_files(app) if p.suffix == ".html" and "\x1b" in p.read_text()]


@pytest.mark.sphinx("html", testroot="basic")
def test_a_url_with_a_backtick_is_refused(make_app: Callable[..., SphinxTestApp], project: Callable[..., Path]) -> None:
    """F14: a backtick in a link passed the URL pattern and stopped the PDF build."""
    src = project()
    _replace(src / "data/logos.yaml", "https://alpha.example.org/", "https://alpha.example.org/`x`")
    _, warnings = build(make_app, src)
    assert "is not an http(s) address" in warnings, warnings


@pytest.mark.sphinx("html", testroot="basic")
def test_a_fifo_named_like_a_results_file_does_not_hang_the_build(make_app: Callable[..., SphinxTestApp],
                                                                  project: Callable[..., Path]) -> None:
    """F18: open() of a FIFO waits for a writer forever; the build, check and --list hung."""
    src = project()
    fifo = src / "data/toy/results/zz-fifo.yaml"
    os.mkfifo(fifo)
    _, warnings = build(make_app, src)  # the suite's timeout is the hang detector
    assert f"{fifo}: WARNING: is not a regular file" in warnings, warnings
    done = subprocess.run([sys.executable, "-m", "sphinx_benchbench", "check", str(src / "data")],
                          capture_output=True, text=True, timeout=60, cwd=REPO)
    assert "is not a regular file" in done.stdout + done.stderr


@pytest.mark.sphinx("html", testroot="basic")
def test_an_implementation_id_cannot_take_an_anchor_of_the_page(make_app: Callable[..., SphinxTestApp],
                                                                project: Callable[..., Path]) -> None:
    """F17: the box of implementation 'alpha' of 'toy' had the id of a later heading 'toy-alpha'."""
    src = project()
    with open(src / "index.rst", "a", encoding="utf-8") as f:
        f.write("\n\ntoy-alpha\n---------\n\nA later section.\n\n.. _toy-slow:\n\nA target.\n")
    app, _ = build(make_app, src)
    page = (Path(app.outdir) / "index.html").read_text()
    assert page.count('id="toy-alpha"') == 1 and page.count('id="toy-slow"') == 1
    assert re.search(r'<section id="toy-alpha">\s*<h2>toy-alpha', page), "the heading keeps its anchor"
    assert 'class="bb-impl docutils container" id="toy-alpha-2"' in page
