"""The project's own documentation site, and its Mask R-CNN page, built for real."""

from __future__ import annotations

import base64
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from .conftest import REPO
from .conftest import html as read_html

PAGE = "benchmarks/maskrcnn-training.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("site")
    warnings = io.StringIO()
    # SphinxTestApp, not Sphinx: its cleanup takes back the node classes the build registered, which
    # a later test's application would otherwise see registered twice (and warn about).
    app = SphinxTestApp("html", srcdir=REPO / "docs", builddir=out, status=None, warning=warnings, freshenv=True)
    try:
        app.build()
    finally:
        app.cleanup()
    return out / "html", warnings.getvalue()


def test_site_warns_only_that_the_reference_results_are_stale(site: tuple[Path, str]) -> None:
    """The deliberate warnings (README): the copied Mask R-CNN rows are stale, at their YAML lines."""
    _, warnings = site
    lines = [line for line in warnings.splitlines() if line.strip()]
    assert len(lines) == 7
    results = REPO / "data/maskrcnn-training/results"
    for line in lines:
        assert line.startswith(f"\x1b[91m{results}/") or line.startswith(f"{results}/"), line
        assert "[benchbench.stale]" in line
    latest = "the latest release as of November 2026"  # data/versions.yaml, not the build machine
    assert sum(f"PyTorch 1.5 (now 2.15, {latest})" in line for line in lines) == 3
    assert sum(f"TensorFlow 1.15.0rc2 (now 2.21, {latest})" in line for line in lines) == 2
    assert not any("installed where the docs are built" in line or "Python" in line for line in lines)


def _warnings_of(docs: Path, out: Path, *options: str) -> list[str]:
    """``sphinx-build`` of ``docs`` in a child process, as a user runs it; its warning lines, colour-free."""
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html", *options, str(docs), str(out)],
                          capture_output=True, text=True, check=False, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr
    return [line for line in done.stderr.splitlines() if line.strip()]


def test_suppressing_stale_warnings_silences_exactly_them(tmp_path: Path) -> None:
    """As a user would: ``sphinx-build -D suppress_warnings=benchbench.stale``.  A copy of the site gets a page
    with two other warnings (a directive's, and Sphinx's own): they stay, and only the stale ones go."""
    for folder in ("docs", "data", "examples"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("_build"))
    extra = tmp_path / "docs/extra.rst"
    extra.write_text(":orphan:\n\nExtra\n=====\n\n.. benchmark-table:: maskrcnn-training\n   :parts: tabel, table\n\n"
                     "See :ref:`no-such-label`.\n", encoding="utf-8")
    others = [f"{extra}:6: WARNING: unknown part(s) tabel in :parts: (known: summary, environment, table, chart, "
              "history, details) [benchbench.directive]",
              f"{extra}:9: WARNING: undefined label: 'no-such-label' [ref.ref]"]
    everything = _warnings_of(tmp_path / "docs", tmp_path / "all")
    stale = [line for line in everything if line.endswith("[benchbench.stale]")]
    assert len(stale) == 7 and sorted(set(everything) - set(stale)) == others, everything
    quiet = _warnings_of(tmp_path / "docs", tmp_path / "quiet", "-D", "suppress_warnings=benchbench.stale")
    assert sorted(quiet) == others


def test_maskrcnn_page_matches_the_reference(site: tuple[Path, str]) -> None:
    html, _ = site
    page = read_html(html / PAGE)
    table = page.select_one("table.bb-table")
    values = [tr.select("td")[2].get_text(strip=True) for tr in table.select("tbody tr")]
    assert values == ["62", "53", "53", "50", "39", "19", "14"]
    ranks = [tr.select("td")[0].get_text(strip=True) for tr in table.select("tbody tr")]
    assert ranks == ["1", "2=", "2=", "4", "5", "6", "7"], "mmdetection's and maskrcnn-benchmark's 53 tie"
    labels = [[img["alt"] for img in tr.select("img")] for tr in table.select("tbody tr")]
    assert labels == [
        ["Detectron2", "PyTorch"], ["mmdetection", "PyTorch"], ["maskrcnn-benchmark", "PyTorch"],
        ["tensorpack", "TensorFlow"], ["SimpleDet", "MXNet"], ["Detectron", "Caffe2"],
        ["matterport/Mask_RCNN", "TensorFlow"]]
    logo_files = {p.read_bytes() for p in (REPO / "data/logos").iterdir()}
    for img in table.select("img"):
        mime, _, data = img["src"].removeprefix("data:").partition(";base64,")
        assert mime in ("image/svg+xml", "image/png") and base64.b64decode(data) in logo_files, img["src"][:60]
    assert table.select_one("thead").get_text(" ", strip=True) == "# Implementation Throughput (img/s)"

    env = " ".join(page.select_one("ul.bb-environment").get_text(" ").split())
    assert "8 NVIDIA V100 GPUs with NVLink" in env
    assert "Python 3.7" in env and "PyTorch 1.5" in env and "TensorFlow 1.15.0rc2" in env
    assert "CUDA 10.1, cuDNN 7.6.5 (Detectron2, mmdetection and maskrcnn-benchmark)" in env
    assert "CUDA 10.0, cuDNN 7.6.4 (tensorpack, SimpleDet, Detectron and matterport/Mask_RCNN)" in env
    assert "Rows differ in CUDA and cuDNN" in env
    assert "iterations 100-500" in env

    details = page.select("div.bb-impl")
    reference = ["detectron2", "mmdetection", "maskrcnn-benchmark", "tensorpack", "simpledet", "detectron",
                 "matterport-mask-rcnn"]
    assert [d["id"] for d in details] == [f"maskrcnn-training-{i}" for i in [*reference, "torchvision"]], \
        "seven reference sections in table order, then this project's own torchvision run in its own section"
    commands = {d["id"]: [pre.get_text() for pre in d.select("pre")] for d in details}
    assert commands["maskrcnn-training-detectron2"] == [
        "python tools/train_net.py --config-file configs/Detectron1-Comparisons/mask_rcnn_R_50_FPN_noaug_1x.yaml"
        " --num-gpus 8\n"]
    assert commands["maskrcnn-training-maskrcnn-benchmark"][0] == (
        "sed -i 's/torch.uint8/torch.bool/g' **/*.py; sed -i 's/AT_CHECK/TORCH_CHECK/g' **/*.cu\n")
    assert commands["maskrcnn-training-tensorpack"][0].startswith(
        "export TF_CUDNN_USE_AUTOTUNE=0\nmpirun -np 8 ./train.py --config DATA.BASEDIR=/data/coco")

    assert table.select("abbr.bb-stale") == [], "all rows are stale: one note says so, no row is marked"
    note = " ".join(page.select_one("div.bb-stale-note").get_text(" ", strip=True).split())
    assert note.startswith("Note All 7 results are stale: recorded with older software than is current."), note
    assert "current as of November 2026" in note
    assert "PyTorch 1.5 (Detectron2, mmdetection and maskrcnn-benchmark); now 2.15" in note, "once per cause"
    assert "Refresh them with python -m runners.run maskrcnn-training" in note

    patch = page.select_one("#maskrcnn-training-matterport-mask-rcnn details.bb-patch")
    assert patch is not None and not patch.has_attr("open")
    reference = (REPO / "data/maskrcnn-training/patches/matterport-hyperparameters.diff").read_text()
    assert patch.select_one("pre").get_text() == reference, "the patch is shown byte for byte"


def test_reference_pages_document_every_field(site: tuple[Path, str]) -> None:
    html, _ = site
    page = read_html(html / "reference/data-format.html")
    keys = {code.get_text() for code in page.select("table td:first-child code")}
    assert {"implementations", "provenance", "superseded", "samples", "patches", "interconnect"} <= keys


def test_reference_tables_name_their_key_paths_and_files_have_examples(site: tuple[Path, str]) -> None:
    """Every class of the format has its table, titled with where it is found; each kind of file has a
    real example (files this site builds from, so they cannot stop being valid)."""
    sys.path.insert(0, str(REPO / "docs/_ext"))
    try:
        from format_reference import key_paths
    finally:
        sys.path.remove(str(REPO / "docs/_ext"))
    html, _ = site
    page = read_html(html / "reference/data-format.html")
    captions = [" ".join(c.get_text(" ", strip=True).split()) for c in page.select("table caption span.caption-text")]
    named = {caption.split(",")[0] for caption in captions}
    assert set(key_paths()) - {"BenchmarkFile", "ResultsFile", "LogosFile", "HardwareFile"} <= named, \
        "a class of the format without its table"
    for expected in ("The top level of benchmark.yaml", "The top level of results/*.yaml",
                     "LogSpec, at implementations[].run.log", "WallSpec, at implementations[].run.wall",
                     "Result, at results[]", "Hardware, at results[].hardware and hardware.<key>",
                     "VersionProbe, at implementations[].run.versions.<key>", "Logo, at logos.<key>"):
        assert expected in captions, (expected, captions)
    examples = [pre.get_text() for pre in page.select("div.highlight-yaml pre")]
    for source in ("examples/first-benchmark/data/compressors/benchmark.yaml",
                   "data/maskrcnn-training/results/2020-05-detectron2-docs.yaml",
                   "data/sphinx-render/results/20261202T011135Z-by-hand.yaml", "data/logos.yaml", "data/hardware.yaml"):
        assert (REPO / source).read_text(encoding="utf-8") in examples, source
    text = page.get_text()
    assert "sphinx_benchbench.data.loader import load_benchmark" in text and "sphinx_benchbench.loader" not in text
