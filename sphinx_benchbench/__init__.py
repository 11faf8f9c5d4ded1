"""sphinx-benchbench: benchmark pages built from recorded data.

Add ``"sphinx_benchbench"`` to ``extensions`` in ``conf.py``; see
:mod:`sphinx_benchbench.sphinxext.extension`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

from ._version import __version__

__all__ = ["__version__", "setup"]


def setup(app: Sphinx) -> ExtensionMetadata:
    """Sphinx entry point; imports the extension lazily."""
    from .sphinxext.extension import setup as _setup

    return _setup(app)
