"""The project's own documentation site, and its Mask R-CNN page, built for real."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from sphinx.application import Sphinx

from .conftest import REPO

PAGE = "benchmarks/maskrcnn-training.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("site")
    warnings = io.StringIO()
    app = Sphinx(REPO / "docs", REPO / "docs", out / "html", out / "doctrees", "html",
                 status=None, warning=warnings, freshenv=True)
    app.build()
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
    assert any("PyTorch 1.5 (now 2.15, from conf.py)" in line for line in lines)
    assert any("TensorFlow 1.15.0rc2 (now 2.21, from conf.py)" in line for line in lines)


def test_suppressing_stale_warnings_silences_exactly_them(tmp_path: Path) -> None:
    """As a user would: ``sphinx-build -D suppress_warnings=benchbench.stale``."""
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-E", "-b", "html", "-D",
                           "suppress_warnings=benchbench.stale", str(REPO / "docs"), str(tmp_path / "html")],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0
    assert done.stderr == ""


def test_maskrcnn_page_matches_the_reference(site: tuple[Path, str]) -> None:
    html, _ = site
    page = BeautifulSoup((html / PAGE).read_text(encoding="utf-8"), "html.parser")
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
    for img in table.select("img"):
        assert (html / "benchmarks" / img["src"]).resolve().is_file(), img["src"]
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

    assert len(table.select("abbr.bb-stale")) == 7, "every copied row is marked stale"
    assert page.select_one("div.bb-stale-note")

    patch = page.select_one("#maskrcnn-training-matterport-mask-rcnn details.bb-patch")
    assert patch is not None and not patch.has_attr("open")
    reference = (REPO / "data/maskrcnn-training/patches/matterport-hyperparameters.diff").read_text()
    assert patch.select_one("pre").get_text() == reference, "the patch is shown byte for byte"


def test_reference_pages_document_every_field(site: tuple[Path, str]) -> None:
    html, _ = site
    page = BeautifulSoup((html / "reference/data-format.html").read_text(encoding="utf-8"), "html.parser")
    keys = {code.get_text() for code in page.select("table td:first-child code")}
    assert {"implementations", "provenance", "superseded", "samples", "patches", "interconnect"} <= keys
