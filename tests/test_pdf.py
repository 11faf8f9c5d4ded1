"""The site's PDF: ``sphinx-build -M latexpdf`` (latexmk and pdflatex from Debian's TeX Live) builds
without errors, and its text (``pdftotext``) says what the HTML says: every stale cause, labelled axes.

Skipped only where TeX Live or poppler-utils is missing (``make tex`` installs them when root).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

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
                          capture_output=True, text=True, errors="replace", cwd=REPO, timeout=900, check=False)
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


#: Names a pull request could bring: a zero-width space, an emoji, a combining accent, CJK, Hebrew, a
#: snowman, Greek and Cyrillic, and one 3000 characters long.
HOSTILE_NAMES = {"name: Alpha": 'name: "Al\u200bpha \U0001F680 Cafe\u0301 \u4e2d\u6587 \u05d0 \u2603 \u03b1 \u0416"',
                 "name: Tie B": f'name: "{"L" * 3000}"'}


def test_names_pdflatex_cannot_typeset_do_not_stop_the_pdf(tmp_path: Path) -> None:
    """pdflatex stops at the first character its fonts lack, and tabulary at a cell of 3000 characters: the
    PDF still builds, composes what it can (``e`` and a combining accent is ``é``), drops invisible
    characters, spells out the rest as ``[U+XXXX]``, cuts what is too long, and says so at the table."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        pytest.skip(f"needs {', '.join(missing)} (Debian: make tex)")
    src = tmp_path / "src"
    shutil.copytree(REPO / "tests/roots/test-basic", src)
    definition = src / "data/toy/benchmark.yaml"
    text = definition.read_text(encoding="utf-8")
    for old, new in HOSTILE_NAMES.items():
        assert old in text
        text = text.replace(old, new, 1)
    definition.write_text(text, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "sphinx", "-M", "latexpdf", str(src), str(tmp_path / "out"), "-q"],
                          capture_output=True, text=True, errors="replace", cwd=src, timeout=900, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "U+0301" not in done.stderr, "the combining accent is composed with its letter"
    assert re.search(r"index\.rst:\d+: WARNING: pdflatex cannot typeset 8 character\(s\) of this table "
                     r"\(U\+03B1 GREEK SMALL LETTER ALPHA, U\+0416 CYRILLIC CAPITAL LETTER ZHE, U\+05D0 HEBREW "
                     r"LETTER ALEF, U\+200B ZERO WIDTH SPACE, U\+2603 SNOWMAN and 3 more\)", done.stderr), done.stderr
    assert "too long for LaTeX's table cells and chart labels (up to 3000 characters)" in done.stderr
    pdf = next((tmp_path / "out/latex").glob("*.pdf"))
    printed = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert "Alpha [U+1F680] Café [U+4E2D][U+6587] [U+05D0] [U+2603]" in " ".join(printed.split())
    assert "L" * 3001 not in printed.replace("\n", "")
