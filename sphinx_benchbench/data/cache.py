"""Converted data files kept between builds, so a build parses only the files that changed.

Parsing and validating a results file is most of what a page of thousands
of results costs, and it gives the same answer for the same bytes.  So the
answer (the converted object, the location of every object in it, and the
located problems) is kept on disk, one entry per source file (the entries of
one load in one file, :meth:`FileCache.batch`), under a key
made of the file's *content* (its SHA-256, never its time stamp), the file's
path and data folder, the Python version and a fingerprint of the code that
converts it (the format's model, the validator, the YAML reader).  A changed
byte, a moved folder or an edited validator is a different key: the file is
parsed again.  A broken file is never turned into an accepted one: its
problems are part of the entry and come back, located, with every hit.

What conversion asked of the file system (does the log a result names
exist, where does its path lead) is part of the answer too, so an entry
records those answers and is used only while they still hold.

A page of a thousand results files would still read and hash a thousand
files; so the loader also keeps each benchmark's *whole* load
(:meth:`FileCache.get_load`), used while every file it read keeps its time
stamps, size and inode and every path it looked for keeps its answer (see
:func:`.reuse.load_benchmark_cached`); when one changed, the files are
taken one by one again, and only the changed ones are parsed.

The entries are pickles in a folder the build owns (beside Sphinx's own
``environment.pickle``, which is trusted the same way); a damaged or foreign
entry is a miss, and the file is parsed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .model import Located
from .yamlsource import DataError

__all__ = ["FORMAT", "Entry", "FileCache", "code_fingerprint", "paths_hold"]

#: Bumped when what an entry holds changes shape.
FORMAT = 2

_fingerprint: str | None = None


def code_fingerprint() -> str:
    """A hash of the code whose output is cached: the data package's modules, read once per process.

    An edited validator (in a checkout, an editable install) then invalidates
    the cache without anyone remembering to bump a version.
    """
    global _fingerprint
    if _fingerprint is None:
        digest = hashlib.sha256(f"{FORMAT} {sys.version_info[:2]}".encode())
        here = os.path.dirname(os.path.abspath(__file__))
        for folder in (here, os.path.join(here, "model")):
            for name in sorted(os.listdir(folder)):
                if name.endswith(".py"):
                    with open(os.path.join(folder, name), "rb") as f:
                        digest.update(name.encode() + b"\0" + f.read())
        _fingerprint = digest.hexdigest()
    return _fingerprint


@dataclass
class Entry:
    """What converting one file gave: the object, each built object's location, the problems."""

    obj: Any
    built: list[tuple[object, Located]]
    problems: list[DataError]
    #: ``(joined path, resolved path, is a file)`` for every path the conversion checked.
    checked: list[tuple[str, str, bool]] = field(default_factory=list)

    def still_holds(self) -> bool:
        """Whether the file-system answers the conversion depended on are unchanged."""
        return paths_hold(self.checked)


def paths_hold(checked: Iterable[tuple[str, str, bool]]) -> bool:
    """Whether each ``(joined path, resolved path, is a file)`` a conversion checked is still so."""
    return all(os.path.realpath(joined) == resolved and os.path.isfile(resolved) == is_file
               for joined, resolved, is_file in checked)


@dataclass
class _Batch:
    """The entries of one load (a benchmark's files, or the registries), kept in one file."""

    file: str
    #: What the file held, read at the first lookup: ``{entry name: (key, entry)}``.
    earlier: dict[str, tuple[str, Entry]] | None = None
    #: What this load used or converted: written back when it differs from :attr:`earlier`.
    used: dict[str, tuple[str, Entry]] = field(default_factory=dict)
    changed: bool = False


class FileCache:
    """Entries in ``folder``, in one file per load (:meth:`batch`) and one per benchmark's whole load;
    counts what it parsed and what it reused."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = os.fspath(folder)
        #: Paths converted afresh / taken from the cache, in order (for tests and benchmarks/scale.py).
        self.parsed: list[str] = []
        self.reused: list[str] = []
        #: Benchmarks whose whole load was taken from the cache (:meth:`get_load`).
        self.whole: list[str] = []
        self._batch: _Batch | None = None
        #: Every entry this cache has seen, by name: the registries are in every benchmark's load.
        self._seen: dict[str, tuple[str, Entry]] = {}

    @contextlib.contextmanager
    def batch(self, root: str, name: str) -> Iterator[None]:
        """The entries :meth:`get` and :meth:`put` see while one load (benchmark ``name``, or the
        registries) runs, read from and written to one file.

        One file per load, not per source file: creating a thousand files took a quarter of a
        first build of 10,000 results.  Written only when the load converted a file or no longer
        read one, so that entries of deleted files do not pile up.
        """
        outer = self._batch
        self._batch = current = _Batch(self._names("batch", root, name, "")[0])
        try:
            yield
        finally:
            self._batch = outer
            if current.changed or (current.earlier is not None and set(current.used) != set(current.earlier)):
                self._write(current.file, (code_fingerprint(), current.used))

    def _entries(self) -> tuple[_Batch, dict[str, tuple[str, Entry]]]:
        if self._batch is None:
            raise RuntimeError("FileCache.get and put are used inside FileCache.batch")
        if self._batch.earlier is None:
            stored = self._read(self._batch.file, code_fingerprint())
            self._batch.earlier = stored if isinstance(stored, dict) else {}
        return self._batch, self._batch.earlier

    def _names(self, kind: str, root: str, path: str, text: str) -> tuple[str, str]:
        """The entry's name (by source; a file name for whole loads and batches) and its key (by
        content and code)."""
        where = hashlib.sha256(f"{kind}\0{root}\0{path}".encode()).hexdigest()[:32]
        key = hashlib.sha256(f"{code_fingerprint()}\0{where}\0".encode() + text.encode("utf-8",
                                                                                      "surrogatepass")).hexdigest()
        return os.path.join(self.folder, where + ".pickle"), key

    def get(self, kind: str, root: str, path: str, text: str) -> Entry | None:
        """The entry for this content of ``path``, if one was kept and still holds."""
        name, key = self._names(kind, root, path, text)
        batch, earlier = self._entries()
        found = self._seen.get(name)
        if found is None or found[0] != key:
            found = earlier.get(name)
        if found is None or found[0] != key or not isinstance(found[1], Entry) or not found[1].still_holds():
            return None
        batch.used[name] = self._seen[name] = found
        self.reused.append(path)
        return found[1]

    def put(self, kind: str, root: str, path: str, text: str, entry: Entry) -> None:
        """Keep ``entry`` for this content of ``path``; a failure to write only costs a later parse."""
        self.parsed.append(path)
        name, key = self._names(kind, root, path, text)
        batch, _ = self._entries()
        batch.used[name] = self._seen[name] = (key, entry)
        batch.changed = True

    def get_load(self, root: str, name: str, valid: Callable[[Any], bool]) -> tuple[Any, Any] | None:
        """``(description, load)`` of benchmark ``name`` as :meth:`put_load` kept them, if ``valid``
        accepts the description (the loader's signature of the files it read); else ``None``.

        One entry instead of one per file: a page of a thousand results files then costs one
        unpickling, not a thousand reads, hashes and unpicklings.  The description is read first,
        so a load that no longer holds costs no more than its check.
        """
        file, key = self._names("load", root, name, "")
        try:
            with open(file, "rb") as f:
                stored_key, description = pickle.load(f)  # the build's own folder, trusted
                if stored_key != key or not valid(description):
                    return None
                return description, pickle.load(f)
        except Exception:  # missing, truncated, written by other code: a miss
            return None

    def put_load(self, root: str, name: str, description: object, loaded: object) -> None:
        """Keep a whole load (see :meth:`get_load`) with what says whether it still holds."""
        file, key = self._names("load", root, name, "")
        self._write(file, (key, description), loaded)

    @staticmethod
    def _read(name: str, key: str) -> object | None:
        try:
            with open(name, "rb") as f:
                stored_key, obj = pickle.load(f)  # the build's own folder, trusted as environment.pickle is
        except Exception:  # missing, truncated, written by other code: a miss
            return None
        return obj if stored_key == key else None

    def _write(self, name: str, *objs: object) -> None:
        """Pickle ``objs`` one after the other into ``name``, atomically."""
        tmp = f"{name}.{os.getpid()}.tmp"
        try:
            os.makedirs(self.folder, exist_ok=True)
            with open(tmp, "wb") as f:
                for obj in objs:
                    pickle.dump(obj, f, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, name)  # parallel readers write the same entry; the last rename wins
        except (OSError, pickle.PicklingError, RecursionError):
            with contextlib.suppress(OSError):
                os.unlink(tmp)
