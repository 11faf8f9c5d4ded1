"""Rebuild exactly the pages that use a benchmark when its data changes.

Sphinx re-reads a page when a file it depends on (``env.note_dependency``)
changed or disappeared, which covers edits to ``benchmark.yaml``, results,
patches and registries.  It cannot notice a *new* results file, though, so we
remember the listing of each ``results/`` folder a page used and compare it
at the next build.  That is per-document state in the environment, so it is
purged and merged like a domain's, which keeps parallel reading correct.
"""

from __future__ import annotations

import glob
import os
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

__all__ = ["note_files", "setup_dependencies"]

_ATTR = "benchbench_listings"


def _listings(env: BuildEnvironment) -> dict[str, dict[str, list[str]]]:
    if not hasattr(env, _ATTR):
        setattr(env, _ATTR, {})
    return getattr(env, _ATTR)


def _listing(folder: str) -> list[str]:
    return sorted(os.path.basename(p) for p in glob.glob(os.path.join(glob.escape(folder), "*.yaml")))


def note_files(env: BuildEnvironment, files: Iterable[str], folders: Iterable[str]) -> None:
    """Record that the current document uses ``files`` and the listing of ``folders``."""
    for path in files:
        env.note_dependency(path)
    recorded = _listings(env).setdefault(env.docname, {})
    for folder in folders:
        recorded[folder] = _listing(folder)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _listings(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    theirs = _listings(other)
    mine = _listings(env)
    for docname in docnames:
        if docname in theirs:
            mine[docname] = theirs[docname]


def _outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
              removed: set[str]) -> list[str]:
    return [
        docname
        for docname, folders in _listings(env).items()
        if docname not in removed and any(_listing(f) != names for f, names in folders.items())
    ]


def setup_dependencies(app: Sphinx) -> None:
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
