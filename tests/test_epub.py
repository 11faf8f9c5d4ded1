"""The project's site as an EPUB: no warning but the deliberate stale ones, and a book without downloads.

Sphinx's EPUB builder warns of every file in its output whose media type a
book may not hold; the extension's CSV and JSON downloads were such files
(and their links led nowhere in the book), and EPUB 3 warns of an empty
``version``.  Built as a user runs it, in a child process, with ``-W``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from sphinx_benchbench._version import __version__

from .conftest import REPO


def test_the_site_builds_as_an_epub_with_no_warning_but_the_stale_ones(tmp_path: Path) -> None:
    out, doctrees = tmp_path / "epub", tmp_path / "doctrees"
    done = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-E", "-W", "-b", "epub",
                           "-D", "suppress_warnings=benchbench.stale", "-d", str(doctrees),
                           str(REPO / "docs"), str(out)],
                          capture_output=True, text=True, check=False, env={**os.environ, "NO_COLOR": "1"})
    assert done.returncode == 0, done.stderr
    assert [line for line in done.stderr.splitlines() if line.strip()] == []
    (book,) = out.glob("*.epub")
    with zipfile.ZipFile(book) as epub:
        names = epub.namelist()
        page = epub.read("benchmarks/maskrcnn-training.xhtml").decode("utf-8")
        manifest = epub.read("content.opf").decode("utf-8")
    assert not [n for n in names if n.endswith((".csv", ".json"))], "no downloads in the book"
    assert not (out / "_downloads").exists(), "nor written beside it"
    # The table (the data itself) is there; the links to files the book cannot hold are not.
    assert 'class="bb-table' in page and "bb-downloads" not in page
    assert "<svg" in page, "the charts are drawn in the book"
    version = ".".join(__version__.split(".")[:2])
    assert f'<meta property="ibooks:version">{version}</meta>' in manifest, "docs/conf.py's version"
