"""The ``printed`` source: a number the command prints, e.g. ``zstd -b``'s MB/s.

Each run executes the commands once; every output line (colour codes
removed) is searched with ``run.printed.pattern``, whose named group
``value`` is the number; the run's value is the ``aggregate`` of its matches
(the last by default) times ``scale``.  A run that prints no match fails: the
number the page shows must have been printed.
"""

from __future__ import annotations

import contextlib
import re
import statistics
from collections.abc import Callable

from ...data.model import PrintedSpec
from ..logformats.base import clean
from .base import Context, Failure, Run, Source

__all__ = ["PrintedSource"]

_AGGREGATE: dict[str, Callable[[list[float]], float]] = {
    "last": lambda v: v[-1], "first": lambda v: v[0], "mean": statistics.fmean,
    "median": statistics.median, "sum": sum, "min": min, "max": max}


class PrintedSource(Source):
    name = "printed"
    summary = "a number the command prints, found with a regular expression's 'value' group"

    @property
    def printed(self) -> PrintedSpec:
        assert self.spec.printed is not None
        return self.spec.printed

    def problems(self) -> list[str]:
        if self.spec.printed is None:
            return [f"{self.impl.id}: run.source is printed but run.printed (its pattern) is not given"]
        try:
            pattern = re.compile(self.printed.pattern)
        except re.error as exc:
            return [f"{self.impl.id}: run.printed.pattern is not a valid regular expression: {exc}"]
        if "value" not in pattern.groupindex:
            return [f"{self.impl.id}: run.printed.pattern needs a named group 'value'"]
        return []

    def plan(self) -> list[str]:
        p = self.printed
        return [f"measure the {p.aggregate} number its output matches with {p.pattern!r}, x {p.scale:g}"]

    def measure(self, ctx: Context, repeat: int) -> list[Run]:
        pattern = re.compile(self.printed.pattern)
        runs = []
        for n in range(1, repeat + 1):
            ctx.log.write(f"=== run {n}/{repeat} ===\n")
            ctx.prepare()
            ctx.progress.start(self.impl.id, n, repeat, 0)
            found: list[float] = []

            def read(sample: object, text: str, found: list[float] = found) -> None:
                line = clean(text)
                m = pattern.search(line) if line else None
                if m is not None and m.group("value") is not None:
                    with contextlib.suppress(ValueError):
                        found.append(float(m.group("value").replace(",", "")))

            try:
                outcome = ctx.execute(list(self.impl.commands), what=f"run {n}", parser=None, on_line=read)
            finally:
                ctx.progress.stop()
            if not found:
                raise Failure(f"run {n}: no output line matches run.printed.pattern {self.printed.pattern!r}",
                                  list(outcome.tail))
            value = float(_AGGREGATE[self.printed.aggregate](found)) * self.printed.scale
            semantics = (f"the {self.printed.aggregate} of the numbers its output matches with "
                         f"{self.printed.pattern!r} ({len(found)} match(es)), x {self.printed.scale:g}")
            runs.append(Run(value, None, semantics))
            ctx.progress.measured(f"{value:.6g}")
        return runs
