"""Where a metric comes from, one module per source behind one interface.

* ``log`` (:mod:`.iterations`): an iteration window of the progress lines,
  timed by their arrival and cross-checked against the implementation's own
  printed timing;
* ``wall`` (:mod:`.wall`): the wall time of the commands, with warm-up runs
  and a minimum number of runs and of time, as hyperfine does;
* ``printed`` (:mod:`.printed`): a number the command prints;
* ``json`` (:mod:`.json_value`): a number in a JSON document it writes.

Each source checks what it needs before anything runs (:meth:`Source.problems`),
says what it will measure (:meth:`Source.plan`) and measures a number of runs
(:meth:`Source.measure`), each a :class:`Run`.  The local runner, the Slurm
jobs and the result assembly see only that interface.
"""

from __future__ import annotations

from ...data.model import Benchmark, Implementation
from .base import Context, Failure, Run, Source
from .iterations import LogSource
from .json_value import JsonSource
from .printed import PrintedSource
from .wall import WallSource

__all__ = ["SOURCES", "Context", "Failure", "Run", "Source", "source_of"]

SOURCES: dict[str, type[Source]] = {cls.name: cls for cls in (LogSource, WallSource, PrintedSource, JsonSource)}


def source_of(bench: Benchmark, impl: Implementation) -> Source:
    """The source that measures ``impl`` (its ``run.source``, or the default)."""
    assert impl.run is not None
    cls: type[Source] = SOURCES[impl.run.kind]
    return cls(bench, impl)

