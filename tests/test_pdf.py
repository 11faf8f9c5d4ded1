"""The site's PDF: ``sphinx-build -M latexpdf`` (latexmk and pdflatex from Debian's TeX Live) builds
without errors, and its text (``pdftotext``) says what the HTML says: every stale cause, labelled axes.

Skipped only where TeX Live or poppler-utils is missing (``make tex`` installs them when root).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from sphinx_benchbench.sphinxext.charts import _tikz_bars, bar_spec

from .conftest import REPO

TOOLS = ("latexmk", "pdflatex", "pdftotext")


@pytest.fixture(scope="module")
def pdf_text(tmp_path_factory: pytest.TempPathFactory) -> str:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (Debian: make tex)")
    out = tmp_path_factory.mktemp("pdf")
    done = subprocess.run([sys.executable, "-m", "sphinx", "-M", "latexpdf", str(REPO / "docs"), str(out), "-q"],
                          capture_output=True, text=True, cwd=REPO, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    pdf = next((out / "latex").glob("*.pdf"))
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(text.split())


def test_the_pdf_prints_every_stale_cause(pdf_text: str) -> None:
    text = re.sub(r"(\w)- (\w)", r"\1\2", pdf_text)  # words hyphenated at line ends
    assert "All 7 results are stale" in text and "current as of November 2026" in text
    for cause in ("PyTorch 1.5 (Detectron2, mmdetection and maskrcnn-benchmark); now 2.15",
                  "CUDA 10.0 (tensorpack, SimpleDet, Detectron and matterport/Mask_RCNN); now 10.1",
                  "TensorFlow 1.15.0rc2 (tensorpack and matterport/Mask_RCNN); now 2.21",
                  "MXNet 1.6.0b20190820 (SimpleDet); now 1.9.1",
                  "Keras 2.2.5 (matterport/Mask_RCNN); now 3.15"):
        assert cause in text, cause
    assert "Bar chart of" not in text, "the chart's description is not printed beside the table's numbers"


def test_the_pdf_charts_have_labelled_axes(pdf_text: str) -> None:
    assert "Throughput (img/s)" in pdf_text and " recorded " in pdf_text
    assert "Sphinx build time of a benchmark page over time" in pdf_text


def test_a_value_label_starts_past_its_error_bar() -> None:
    spec = bar_spec("t", "s", 1, [{"label": "a", "value": 10.0, "low": 8.0, "high": 14.0},
                                  {"label": "b", "value": 5.0, "low": None, "high": None}])
    first = " ".join(line for line in _tikz_bars(spec) if re.search(r",-?0\.00\)", line))
    error_bar = re.search(r"\\draw \(([\d.]+),-?0\.00\) -- \(([\d.]+),-?0\.00\);", first)
    label = re.search(r"\\node\[anchor=west\] at \(([\d.]+),-?0\.00\)", first)
    assert error_bar and label, first
    assert float(label.group(1)) > float(error_bar.group(2)) > float(error_bar.group(1))
