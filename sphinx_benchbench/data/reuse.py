"""Loads reused while every file they read is unchanged: in the process, and from the data cache.

A page of ten thousand results is mostly its load; repeated builds in one
process (an edit-rebuild loop, a test suite) and builds in new processes
(``sphinx-build -E``, with the data cache of :mod:`.cache`) then pay a few
``stat`` calls and at most one unpickling.
"""

from __future__ import annotations

import gc
import glob
import os
import time

from .cache import FileCache
from .loader import LoadInputs, load_with_inputs
from .model import Benchmark
from .yamlsource import DataError

__all__ = ["load_benchmark_cached"]

#: A file changed less than this long ago (ns) does not vouch for a load by its time stamps: an edit
#: in the same tick of the file system's clock that kept the size would keep them all (git's "racy
#: clean" problem).  Such a load is not kept, and the next one reads the files again.
_RACY_NS = 2 * 10**9


def _signature(inputs: LoadInputs) -> str | None:
    """Every file's time stamps, size and inode, the answers to the conversions' path checks and the
    results folder's listing; ``None`` when a file is too recent to vouch for the load.

    The change time is part of it because no program can set it back: a copy that keeps the
    modification time (``cp -p``, ``rsync -a``) still changes it.
    """
    oldest = time.time_ns() - _RACY_NS
    parts = []
    for path in (*inputs.files, *inputs.absent):
        try:
            st = os.stat(path)
        except OSError:
            parts.append(f"{path}\0-")
            continue
        if st.st_mtime_ns > oldest or st.st_ctime_ns > oldest:
            return None
        parts.append(f"{path}\0{st.st_mtime_ns} {st.st_ctime_ns} {st.st_size} {st.st_ino}")
    holds = all(os.path.realpath(joined) == resolved and os.path.isfile(resolved) == is_file
                for joined, resolved, is_file in inputs.checked)
    listing = sorted(glob.glob(os.path.join(glob.escape(inputs.results), "*.yaml")))
    return "\n".join([*parts, str(holds), *listing])


_Kept = tuple[Benchmark, list[DataError]]
#: Loads kept for the life of the process: ``(inputs, signature, load)`` by ``(root, name)``.
_cache: dict[tuple[str, str], tuple[LoadInputs, str, _Kept]] = {}


def load_benchmark_cached(root: str | os.PathLike[str], name: str,
                          cache: FileCache | None = None) -> tuple[Benchmark | None, list[DataError]]:
    """:func:`load_benchmark`, reusing an earlier load while none of the files it read changed.

    Repeated builds in one process (an edit-rebuild loop, a test suite) then pay a few ``stat``
    calls instead of parsing and validating again; with ``cache``, so do builds in new processes
    (``sphinx-build -E``): the whole load is kept there too (:meth:`.FileCache.get_load`).  When a
    file changed, the load is done again, and ``cache`` still spares it the files that did not.
    """
    root = os.path.abspath(os.fspath(root))
    key = (root, name)
    seen: list[tuple[LoadInputs, str]] = []

    def holds(description: tuple[LoadInputs, str]) -> bool:
        seen[:] = [description]
        return isinstance(description[0], LoadInputs) and _signature(description[0]) == description[1]

    if key in _cache and holds(_cache[key][:2]):
        bench, problems = _cache[key][2]
        return bench, list(problems)
    collecting = gc.isenabled()
    gc.disable()  # unpickling makes as many objects as a load, and as few cycles (see load_benchmark)
    try:
        stored: _Kept | None = cache.get_load(root, name, holds) if cache else None
    finally:
        if collecting:
            gc.enable()
    if cache and stored is not None:
        inputs, signature = seen[0]
        cache.whole.append(name)
        cache.reused.extend(inputs.files)
        _cache[key] = (inputs, signature, stored)
        return stored[0], list(stored[1])
    loaded, problems, inputs = load_with_inputs(root, name, cache)
    fresh = _signature(inputs)
    if loaded is not None and fresh is not None:
        _cache[key] = (inputs, fresh, (loaded, problems))
        if cache:
            cache.put_load(root, name, (inputs, fresh), (loaded, problems))
    return loaded, list(problems)
