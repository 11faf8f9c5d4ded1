"""Sphinx configuration of the sphinx-benchbench documentation."""

import os
import sys

sys.path.insert(0, os.path.abspath("_ext"))

project = "sphinx-benchbench"
author = "the sphinx-benchbench developers"
copyright = "2026, " + author

extensions = [
    "myst_parser",
    "sphinx_benchbench",
    "format_reference",
]

# The benchmark data lives at the repository root, next to the runners.
benchbench_data_dir = "../data"

# Current releases of the frameworks the benchmarks record (PyPI, November 2026):
# results recorded with older ones are reported as stale.
benchbench_current_versions = {"torch": "2.15", "tensorflow": "2.21", "keras": "3.15", "mxnet": "1.9.1"}

source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
html_theme = "furo"
html_title = "sphinx-benchbench"
