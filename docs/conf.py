"""Sphinx configuration of the sphinx-benchbench documentation."""

import os
import sys

sys.path.insert(0, os.path.abspath("_ext"))

from sphinx_benchbench._version import __version__

project = "sphinx-benchbench"
author = "the sphinx-benchbench developers"
copyright = "2026, " + author
# The documented release (EPUB 3 requires a version; HTML and the PDF show it too).
release = __version__
version = ".".join(__version__.split(".")[:2])

extensions = [
    "myst_parser",
    "sphinx_benchbench",
    "format_reference",
]

# The benchmark data lives at the repository root, next to the runners.
benchbench_data_dir = "../data"

# The current releases the results are compared with are recorded data, with
# their date: ../data/versions.yaml (`python -m sphinx_benchbench versions --update`).

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
# Warnings name their type ([benchbench.stale]), as Sphinx 8 does by default, also on 7.4.
show_warning_types = True
html_theme = "furo"
html_title = "sphinx-benchbench"
