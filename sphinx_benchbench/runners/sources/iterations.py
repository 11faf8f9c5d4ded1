"""The ``log`` source: an iteration window of the progress lines, timed by their arrival.

Every line is stamped on arrival and read by the implementation's log format
(:mod:`..logformats`); the window (e.g. iterations 100-500) is timed from the
stamps (:mod:`.arrival`) and cross-checked against the implementation's own
printed timing of the same window, read with the meaning its format gives it.
Once the window's end has been read the command is stopped, as a person
timing a 90 000-iteration schedule would.
"""

from __future__ import annotations

import dataclasses
import re

from ..logformats import make_parser
from ..window import WindowError
from .arrival import WindowMeasurement, measure_window
from .base import Context, Failure, Run, Source, time_value

__all__ = ["LogSource", "describe_run"]


class LogSource(Source):
    name = "log"
    summary = "an iteration window of the progress lines (their arrival), e.g. images/s over iterations 100-500"

    def problems(self) -> list[str]:
        found = []
        window = self.bench.definition.measurement.window
        if window is None:
            found.append(f"{self.impl.id}: the log source needs measurement.window (the iterations to time)")
        elif window.unit.rstrip("s") == "epoch":
            found.append("measurement.window counts epochs; the runner's log parsers count iterations")
        elif window.end <= window.start:
            found.append(f"measurement.window ends ({window.end}) before it starts ({window.start})")
        log = self.spec.log
        if log is None:
            return [*found, f"{self.impl.id}: run.source is log but run.log is not given"]
        try:
            make_parser(log.format, **log.options)
        except (ValueError, TypeError) as exc:
            found.append(f"{self.impl.id}: run.log: {exc}")
        if log.own_window:
            try:
                re.compile(log.own_window)
            except re.error as exc:
                found.append(f"{self.impl.id}: run.log.own_window is not a valid regular expression: {exc}")
        if self.bench.definition.measurement.quantity == "items-per-second" and self.items() is None:
            found.append(f"{self.impl.id}: neither run.items_per_iteration nor measurement.batch.total is set")
        return found

    def plan(self) -> list[str]:
        w = self.bench.definition.measurement.window
        assert w is not None and self.spec.log is not None
        ending = (f"then stop it (timeout {self.spec.timeout:g} s)" if self.spec.stop_after_window
                  else f"run to its end (timeout {self.spec.timeout:g} s)")
        return [f"measure {self.spec.log.format} log, iterations {w.start}-{w.end}, {ending}"]

    def measure(self, ctx: Context, repeat: int) -> list[Run]:
        runs = []
        for n in range(1, repeat + 1):
            ctx.log.write(f"=== run {n}/{repeat} ===\n")
            ctx.prepare()
            measured = self._one_run(ctx, n, repeat)
            value = time_value(measured.seconds_per_iter, self.bench.definition.measurement.quantity, ctx.items)
            runs.append(Run(
                value=value, seconds=measured.seconds, semantics=measured.semantics(), warnings=measured.warnings(),
                seconds_per_iteration=measured.seconds_per_iter,
                own_seconds_per_iteration=None if measured.own is None else measured.own.window.seconds_per_iter,
                own_window_seconds=measured.own_window_seconds,
            ))
        return runs

    def _one_run(self, ctx: Context, n: int, repeat: int) -> WindowMeasurement:
        log = self.spec.log
        window = self.bench.definition.measurement.window
        assert log is not None and window is not None  # problems() checked both
        parser = make_parser(log.format, **log.options)
        watch = re.compile(log.own_window) if log.own_window else None
        ctx.progress.start(self.impl.id, n, repeat, window.end)
        try:
            outcome = ctx.execute(list(self.impl.commands), what="", parser=parser, on_line=ctx.progress.line,
                                  watch=watch, stop_at=window.end if self.spec.stop_after_window else None)
        finally:
            ctx.progress.stop()
        if not outcome.samples:  # say why: the format tried, other ranks' lines, a look-alike line
            raise Failure(f"no progress lines were recognised in the output: {parser.unrecognised()}",
                          list(outcome.tail))
        try:
            measured = measure_window(outcome.samples, window.start, window.end)
        except WindowError as exc:
            raise Failure(str(exc), list(outcome.tail)) from None
        watched = (outcome.watched or {}).get("seconds")
        try:  # the implementation's own printed timing of the same window, as a cross-check
            own, refused = parser.timing(ctx.items).window(window.start, window.end, clock=False), None
        except WindowError as exc:
            own, refused = None, str(exc)
        measured = dataclasses.replace(measured, own=own, own_refused=refused,
                                       own_window_seconds=float(watched) if watched else None)
        ctx.progress.measured(describe_run(measured))
        return measured


def describe_run(m: WindowMeasurement) -> str:
    """One run's window timing, with the implementation's own timings beside it when it has them."""
    text = f"iterations {m.start}-{m.end} in {m.seconds:.3f} s ({m.seconds_per_iter:.6f} s/iteration)"
    if m.own is not None:
        text += f"; its printed timing {m.own.seconds:.3f} s ({m.own.seconds / m.seconds - 1:+.2%})"
    if m.own_window_seconds is not None:
        text += f"; its own timing {m.own_window_seconds:.3f} s ({m.own_window_seconds / m.seconds - 1:+.2%})"
    return text
