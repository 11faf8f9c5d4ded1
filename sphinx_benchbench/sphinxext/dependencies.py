"""Rebuild exactly the pages that use a benchmark when its data changes.

A page depends on the files its benchmark was loaded from: ``benchmark.yaml``,
results, patches.  Sphinx's own mechanism (``env.note_dependency``) costs
about a tenth of a millisecond per file, a tenth of a second for a thousand
results files, and cannot notice a *new* results file; so a page records
instead each file's stat signature and the listing of each ``results/``
folder it used, and at the next build (``env-get-outdated``) the page is
re-read when one differs or a file it needed is still missing.

The shared registries (``logos.yaml``, ``hardware.yaml``) are not
dependencies as files: every benchmark page would be re-read for an edit to
one logo.  A page records instead a digest of each registry entry it refers
to (found or not, so adding a missing one re-reads it too), and of a logo
the image files it read; at the next build, when a registry file changed,
its entries are loaded again and only the pages whose entries differ are
re-read.

That is per-document state in the environment, so it is purged and merged
like a domain's, which keeps parallel reading correct.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Any

from ..data.loader import HARDWARE_FILE, LOGOS_FILE, RESULTS_DIR, load_registries, results_files
from ..data.reuse import stamp

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from ..data.cache import FileCache
    from ..data.model import Benchmark

__all__ = ["CACHE_FOLDER", "entry_digests", "note_benchmark", "note_files", "setup_dependencies"]

_ATTR = "benchbench_listings"
#: ``{docname: {file: its stat signature}}``.
_FILES = "benchbench_files"
#: The folder under the doctrees that keeps converted data files (:mod:`..data.cache`).
CACHE_FOLDER = "benchbench-data"
#: ``{docname: {registry file: (its stat signature, {entry id: digest})}}``.
_ENTRIES = "benchbench_entries"
_digests: dict[tuple[str, tuple[object, ...]], dict[str, dict[str, str]]] = {}


def _stat(path: str) -> tuple[object, ...]:
    return stamp(path) or (None,)


def entry_digests(root: str, registries: Iterable[str], cache: FileCache | None = None) -> dict[str, dict[str, str]]:
    """A digest of every entry of the registries, by registry file; reused while the files are unchanged."""
    paths = sorted(registries)
    key = (root, tuple(_stat(p) for p in paths))
    if key not in _digests:
        loaded = load_registries(root, cache)
        _digests[key] = {path: {entry_id: hashlib.sha256(repr(entry).encode()).hexdigest()[:20]
                                for entry_id, entry in loaded.get(path, {}).items()} for path in paths}
    return _digests[key]


def note_benchmark(env: BuildEnvironment, bench: Benchmark, root: str, also: Iterable[str],
                   cache: FileCache | None = None) -> None:
    """Record that the current document shows ``bench``: its files, its registry entries (not the
    registries' files) and the files ``also`` named; see the module docstring."""
    registries = {os.path.join(root, name) for name in (LOGOS_FILE, HARDWARE_FILE)}
    entry_files = {f for files in bench.entry_files.values() for f in files}
    used = {f for (path, entry_id), files in bench.entry_files.items() if entry_id in bench.uses.get(path, ())
            for f in files}
    files = [f for f in bench.files if f not in registries and (f not in entry_files or f in used)]
    note_files(env, [*files, *also], [os.path.join(bench.folder, RESULTS_DIR), root])
    digests = entry_digests(root, bench.uses, cache) if bench.uses else {}
    recorded = _entries(env).setdefault(env.docname, {})
    for path, ids in bench.uses.items():
        recorded[path] = (_stat(path), {i: digests[path].get(i, "") for i in ids})


def _entries(env: BuildEnvironment) -> dict[str, dict[str, tuple[tuple[object, ...], dict[str, str]]]]:
    if not hasattr(env, _ENTRIES):
        setattr(env, _ENTRIES, {})
    return getattr(env, _ENTRIES)


def _listings(env: BuildEnvironment) -> dict[str, dict[str, list[str]]]:
    if not hasattr(env, _ATTR):
        setattr(env, _ATTR, {})
    return getattr(env, _ATTR)


def _listing(folder: str) -> list[str]:
    return [os.path.basename(p) for p in results_files(folder)]


def _files(env: BuildEnvironment) -> dict[str, dict[str, tuple[object, ...]]]:
    if not hasattr(env, _FILES):
        setattr(env, _FILES, {})
    return getattr(env, _FILES)


def note_files(env: BuildEnvironment, files: Iterable[str], folders: Iterable[str]) -> None:
    """Record that the current document uses ``files`` and the listing of ``folders``."""
    stats = _files(env).setdefault(env.docname, {})
    for path in files:
        stats[path] = _stat(path)
    recorded = _listings(env).setdefault(env.docname, {})
    for folder in folders:
        recorded[folder] = _listing(folder)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    for state in (_listings, _entries, _files):
        state(env).pop(docname, None)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    for state in (_listings, _entries, _files):
        theirs: dict[str, Any] = state(other)
        mine: dict[str, Any] = state(env)
        for docname in docnames:
            if docname in theirs:
                mine[docname] = theirs[docname]


def _entries_changed(env: BuildEnvironment, docname: str) -> bool:
    """Whether an entry the page used differs now; a page whose entries did not change keeps the
    registry's new signature, so the registry is not loaded again for it."""
    recorded = _entries(env).get(docname, {})
    changed = {path for path, (stat, _) in recorded.items() if _stat(path) != stat}
    if not changed:
        return False
    root = os.path.dirname(next(iter(changed)))
    current = entry_digests(root, recorded, _cache_of(env))
    if any(current[path].get(i, "") != digest for path in changed for i, digest in recorded[path][1].items()):
        return True
    for path in changed:
        recorded[path] = (_stat(path), recorded[path][1])
    return False


def _cache_of(env: BuildEnvironment) -> FileCache:
    from ..data.cache import FileCache

    return FileCache(os.path.join(env.doctreedir, CACHE_FOLDER))


def _files_changed(env: BuildEnvironment, docname: str) -> bool:
    """Whether a file the page used changed, or is (still) missing: a page that names a missing file
    is re-read until the file is there, as Sphinx does for its own dependencies."""
    return any(stat == (None,) or _stat(path) != stat for path, stat in _files(env).get(docname, {}).items())


def _outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
              removed: set[str]) -> list[str]:
    return [
        docname
        for docname in {*_listings(env), *_entries(env), *_files(env)}
        if docname not in removed and (any(_listing(f) != names for f, names in _listings(env).get(docname, {}).items())
                                       or _files_changed(env, docname) or _entries_changed(env, docname))
    ]


def setup_dependencies(app: Sphinx) -> None:
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
