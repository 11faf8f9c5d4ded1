"""Converted data files kept between builds, so a build parses only the files that changed.

Parsing and validating a results file is most of what a page of thousands
of results costs, and it gives the same answer for the same bytes.  So the
answer (the converted object, the location of every object in it, and the
located problems) is kept on disk, one entry per source file, under a key
made of the file's *content* (its SHA-256, never its time stamp), the file's
path and data folder, the Python version and a fingerprint of the code that
converts it (the format's model, the validator, the YAML reader).  A changed
byte, a moved folder or an edited validator is a different key: the file is
parsed again.  A broken file is never turned into an accepted one: its
problems are part of the entry and come back, located, with every hit.

What conversion asked of the file system (does the log a result names
exist, where does its path lead) is part of the answer too, so an entry
records those answers and is used only while they still hold.

A page of a thousand results files would still read, hash and unpickle a
thousand entries; so the loader also keeps each benchmark's *whole* load
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
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .model import Located
from .yamlsource import DataError

__all__ = ["FORMAT", "Entry", "FileCache", "code_fingerprint", "paths_hold"]

#: Bumped when what an entry holds changes shape.
FORMAT = 1

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


class FileCache:
    """Entries in ``folder``, one per source file and one per benchmark's whole load; counts what it
    parsed and what it reused."""

    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.folder = os.fspath(folder)
        #: Paths converted afresh / taken from the cache, in order (for tests and benchmarks/scale.py).
        self.parsed: list[str] = []
        self.reused: list[str] = []
        #: Benchmarks whose whole load was taken from the cache (:meth:`get_load`).
        self.whole: list[str] = []

    def _names(self, kind: str, root: str, path: str, text: str) -> tuple[str, str]:
        """The entry's file name (by source) and its key (by content and code)."""
        where = hashlib.sha256(f"{kind}\0{root}\0{path}".encode()).hexdigest()[:32]
        key = hashlib.sha256(f"{code_fingerprint()}\0{where}\0".encode() + text.encode("utf-8",
                                                                                      "surrogatepass")).hexdigest()
        return os.path.join(self.folder, where + ".pickle"), key

    def get(self, kind: str, root: str, path: str, text: str) -> Entry | None:
        """The entry for this content of ``path``, if one was kept and still holds."""
        entry = self._read(*self._names(kind, root, path, text))
        if not isinstance(entry, Entry) or not entry.still_holds():
            return None
        self.reused.append(path)
        return entry

    def put(self, kind: str, root: str, path: str, text: str, entry: Entry) -> None:
        """Keep ``entry`` for this content of ``path``; a failure to write only costs a later parse."""
        self.parsed.append(path)
        name, key = self._names(kind, root, path, text)
        self._write(name, (key, entry))

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
