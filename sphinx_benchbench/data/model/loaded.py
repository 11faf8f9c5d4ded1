"""What the loader hands to the directive and the runners: a benchmark with its files resolved."""

from dataclasses import dataclass, field

from ..images import Image
from .benchmark import BenchmarkFile, Implementation
from .registries import Hardware, Logo
from .results import Result

__all__ = ["Benchmark", "Located"]


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
    where: dict[int, Located] = field(default_factory=dict)
    #: Each logo's checked images by id: its own first, then an SVG's twins (PDF, PNG, ...).
    images: dict[str, tuple[Image, ...]] = field(default_factory=dict)

    def locate(self, obj: object) -> Located | None:
        return self.where.get(id(obj))

    def implementation(self, impl_id: str) -> Implementation | None:
        return next((i for i in self.definition.implementations if i.id == impl_id), None)

    def hardware_of(self, result: Result) -> Hardware | None:
        hw = result.hardware if result.hardware is not None else self.definition.hardware
        if isinstance(hw, Hardware):
            return hw
        return self.hardware.get(hw) if hw else None
