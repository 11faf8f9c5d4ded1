"""Wire the extension into Sphinx: configuration, directive, HTML shapes."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from .._version import __version__
from .charts import setup_charts
from .dependencies import setup_dependencies
from .directive import BenchmarkTableDirective, forget_loaded, resolve_data_dir
from .downloads import setup_downloads
from .html import setup_html
from .i18n import setup_i18n
from .ids import setup_ids
from .latex import setup_latex
from .logos import setup_logos
from .report import setup_report

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

__all__ = ["setup"]

STATIC_DIR = os.path.join(os.path.dirname(__file__), "static")


def add_static_path(app: Sphinx, config: Config) -> None:
    """Ship the stylesheet as a package static file."""
    config.html_static_path.append(STATIC_DIR)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value(
        "benchbench_data_dir", "data", "env", str,
        "Folder holding the benchmark data, relative to the folder of conf.py.",
    )
    app.add_config_value(
        "benchbench_current_versions", {}, "env", dict,
        "Current version of packages, e.g. {'torch': '2.5'}; results recorded with older ones are stale.",
    )
    app.add_config_value(
        "benchbench_current_from_build", False, "env", bool,
        "Also take current versions from the environment building the docs (the page then depends on it).",
    )
    app.add_config_value(
        "benchbench_staleness", {}, "env", dict,
        "The site's staleness policy: part, parts, track, ignore, aliases, max_age_days.",
    )
    app.add_config_value(
        "benchbench_max_age_days", None, "env", (int, type(None)),
        "Results older than this many days are stale (default: no limit).",
    )
    app.add_directive("benchmark-table", BenchmarkTableDirective)
    setup_i18n(app)
    setup_report(app)
    setup_html(app)
    setup_logos(app)
    setup_ids(app)
    setup_dependencies(app)
    setup_charts(app)
    setup_latex(app)
    setup_downloads(app)
    app.connect("config-inited", add_static_path)
    app.connect("config-inited", resolve_data_dir)
    app.connect("env-before-read-docs", forget_loaded)
    return {
        "version": __version__,
        "env_version": 1,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
