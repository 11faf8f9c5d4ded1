"""Loads reused while every file they read is unchanged: in the process, and from the data cache.

A page of ten thousand results is mostly its load; repeated builds in one
process (an edit-rebuild loop, a test suite) and builds in new processes
(``sphinx-build -E``, with the data cache of :mod:`.cache`) then pay a few
``stat`` calls and at most one unpickling.
"""

from __future__ import annotations

import os
import time

from .cache import FileCache, paths_hold
from .loader import LoadInputs, collection_paused, load_with_inputs, results_files
from .model import Benchmark
from .yamlsource import DataError

__all__ = ["load_benchmark_cached", "stamp"]

#: A file changed less than this long ago (ns) does not vouch for a load by its time stamps: an edit
#: in the same tick of the file system's clock that kept the size would keep them all (git's "racy
#: clean" problem).  Such a load is not kept, and the next one reads the files again.
_RACY_NS = 2 * 10**9


def stamp(path: str) -> tuple[int, int, int, int] | None:
    """What says a file is unchanged without reading it: modification and change times, size and
    inode; ``None`` when it is missing.

    The change time is part of it because no program can set it back: a copy that keeps the
    modification time (``cp -p``, ``rsync -a``) still changes it.
    """
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_ctime_ns, st.st_size, st.st_ino


def _signature(inputs: LoadInputs) -> str | None:
    """Every file's :func:`stamp`, the answers to the conversions' path checks and the results
    folder's listing; ``None`` when a file is too recent to vouch for the load."""
    oldest = time.time_ns() - _RACY_NS
    parts = []
    for path in (*inputs.files, *inputs.absent):
        found = stamp(path)
        if found is not None and max(found[0], found[1]) > oldest:
            return None
        parts.append(f"{path}\0{found}")
    return "\n".join([*parts, str(paths_hold(inputs.checked)), *results_files(inputs.results)])


_Kept = tuple[Benchmark, list[DataError]]
#: Loads kept for the life of the process: ``(inputs, signature, load)`` by ``(root, name)``.
_cache: dict[tuple[str, str], tuple[LoadInputs, str, _Kept]] = {}


def _holds(description: tuple[LoadInputs, str]) -> bool:
    """Whether the files a kept load read are as they were (its ``(inputs, signature)``)."""
    return isinstance(description[0], LoadInputs) and _signature(description[0]) == description[1]


def load_benchmark_cached(root: str | os.PathLike[str], name: str,
                          cache: FileCache | None = None) -> tuple[Benchmark | None, list[DataError]]:
    """:func:`.loader.load_benchmark`, reusing an earlier load while none of the files it read changed.

    Repeated builds in one process (an edit-rebuild loop, a test suite) then pay a few ``stat``
    calls instead of parsing and validating again; with ``cache``, so do builds in new processes
    (``sphinx-build -E``): the whole load is kept there too (:meth:`.FileCache.get_load`).  When a
    file changed, the load is done again, and ``cache`` still spares it the files that did not.
    """
    root = os.path.abspath(os.fspath(root))
    key = (root, name)
    if key in _cache and _holds(_cache[key][:2]):
        bench, problems = _cache[key][2]
        return bench, list(problems)
    if cache:
        with collection_paused():  # unpickling makes as many objects as a load
            stored = cache.get_load(root, name, _holds)
        if stored is not None:
            (inputs, signature), kept = stored
            cache.whole.append(name)
            cache.reused.extend(inputs.files)
            _cache[key] = (inputs, signature, kept)
            return kept[0], list(kept[1])
    loaded, problems, inputs = load_with_inputs(root, name, cache)
    fresh = _signature(inputs)
    if loaded is not None and fresh is not None:
        _cache[key] = (inputs, fresh, (loaded, problems))
        if cache:
            cache.put_load(root, name, (inputs, fresh), (loaded, problems))
    return loaded, list(problems)
