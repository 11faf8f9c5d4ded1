"""What the loader hands to the directive and the runners: a benchmark with its files resolved."""

import pickle
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from ..images import Image
from .benchmark import BenchmarkFile, Implementation
from .registries import Hardware, Logo
from .results import Provenance, Result, ResultsFile, RunRecord

__all__ = ["Benchmark", "Located"]

#: What a results file holds: the bulk of a load's objects (see ``Benchmark.__getstate__``).
_RECORDED = (Result, ResultsFile, Provenance, RunRecord)


@dataclass(frozen=True)
class Located:
    """A file and line, for messages about a loaded object, and its keys' lines."""

    path: str
    line: int | None
    key_lines: dict[str, int] = field(default_factory=dict)
    #: Keys whose values were invalid: reported already, and left at their default.
    invalid: frozenset[str] = frozenset()

    def at(self, key: str | None) -> "Located":
        """The location of one key of the object (the object's own if unknown)."""
        return Located(self.path, self.key_lines.get(key, self.line) if key else self.line)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass
class Benchmark:
    """A loaded benchmark: its definition, resolved registries and its results.

    Everything is validated; file paths are absolute and inside the data folder.
    ``where`` maps objects (by ``id()``) to the file and line they came from.
    """

    id: str
    folder: str
    definition: BenchmarkFile
    results: list[Result]
    logos: dict[str, Logo]
    hardware: dict[str, Hardware]
    patch_text: dict[str, str]
    files: list[str]
    where: dict[int, Located] = field(default_factory=dict, compare=False)  # ids: see locate()
    #: Each logo's checked images by id: its own first, then an SVG's twins (PDF, PNG, ...).
    images: dict[str, tuple[Image, ...]] = field(default_factory=dict)
    #: Every object ``where`` has an entry for, held so that no later object takes its ``id()``
    #: (an object built and then dropped with its parent would otherwise lend it its location).
    kept: list[object] = field(default_factory=list, repr=False, compare=False)
    #: The shared registries' entries it refers to, found or not: ``{registry file: [ids]}``.
    uses: dict[str, list[str]] = field(default_factory=dict)
    #: The files read for a registry entry (a logo's images), by ``(registry file, id)``.
    entry_files: dict[tuple[str, str], list[str]] = field(default_factory=dict)

    def locate(self, obj: object) -> Located | None:
        found = self.where.get(id(obj))
        if found is None and "_results_where" in self.__dict__:
            self._unpack_results_where()
            found = self.where.get(id(obj))
        return found

    def _unpack_results_where(self) -> None:
        """A load from the data cache: its results' locations, unpickled when first asked for."""
        blob = self.__dict__.pop("_results_where", None)
        if blob is not None:
            objs, located = blob
            self.where.update(zip(map(id, objs), pickle.loads(located), strict=True))

    def __getstate__(self) -> dict[str, object]:
        """The state to pickle (the data cache keeps whole loads).

        ``where`` is keyed by ``id()``, which means nothing in another process: it is kept as
        ``(object, location)`` pairs.  Those of the results files' objects are pickled apart and
        unpickled only when one is asked for (a stale result's warning): a page asks for few or
        none of them, and unpickling ten thousand results' locations cost a third of the load.
        """
        self._unpack_results_where()  # a load taken from the cache and kept again
        state = {k: v for k, v in self.__dict__.items() if k not in ("where", "kept", "_by_id", "_identities")}
        kept = [obj for obj in self.kept if id(obj) in self.where]
        recorded = [obj for obj in kept if isinstance(obj, _RECORDED)]
        state["where"] = [(obj, self.where[id(obj)]) for obj in kept if not isinstance(obj, _RECORDED)]
        state["_results_where"] = (recorded, pickle.dumps([self.where[id(obj)] for obj in recorded],
                                                          protocol=pickle.HIGHEST_PROTOCOL))
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        pairs: list[tuple[object, Located]] = state.pop("where")
        self.__dict__.update(state)
        self.where = {id(obj): located for obj, located in pairs}
        self.kept = [obj for obj, _ in pairs] + state["_results_where"][0]

    @cached_property
    def _by_id(self) -> dict[str, Implementation]:
        """The implementations by id, the first of each id (the loader drops later ones): looking one up
        per result would otherwise scan them all, quadratic on a page of a thousand."""
        out: dict[str, Implementation] = {}
        for impl in self.definition.implementations:
            out.setdefault(impl.id, impl)
        return out

    def implementation(self, impl_id: str) -> Implementation | None:
        return self._by_id.get(impl_id)

    @cached_property
    def _identities(self) -> dict[object, tuple[object, ...]]:
        return {}

    def hardware_identity(self, result: Result) -> tuple[object, ...]:
        """What decides whether two results were measured on comparable hardware; ``("unknown",)``
        without any.  Kept per hardware reference (a profile's id, or an inline record): ranking
        and the history chart ask for each of ten thousand results, which name a handful."""
        hw = self._hardware_reference(result)
        ref = hw if hw is None or isinstance(hw, str) else id(hw)  # an inline record lives as long as its result
        if ref not in self._identities:
            found = self.hardware_of(result)
            self._identities[ref] = found.identity if found else ("unknown",)
        return self._identities[ref]

    def _hardware_reference(self, result: Result) -> Hardware | str | None:
        """The result's own hardware (a profile id or an inline record), else the benchmark's."""
        return result.hardware if result.hardware is not None else self.definition.hardware

    def hardware_of(self, result: Result) -> Hardware | None:
        hw = self._hardware_reference(result)
        if isinstance(hw, Hardware):
            return hw
        return self.hardware.get(hw) if hw else None
