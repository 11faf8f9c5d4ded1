"""The metric over an iteration window, from the arrival times of log lines.

Each progress line is stamped with a monotonic clock when it arrives.  The
window "100-500" is the time between the completion of iteration 100 and of
iteration 500, i.e. 400 iterations.  Logs that print every N iterations are
interpolated linearly between the surrounding lines; a window edge that lies
before the first or after the last progress line is an error, never a guess.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["OWN_TIMING_TOLERANCE", "Sample", "WindowError", "WindowMeasurement", "measure_window", "value_of"]

#: Disagreement with the implementation's own printed timing that gets flagged.
OWN_TIMING_TOLERANCE = 0.05
#: An edge interpolated across lines this many times slower than the window's pace is flagged.
SLOW_EDGE = 1.5


class WindowError(ValueError):
    """The window cannot be measured from these samples (not reached, no lines...)."""


@dataclass(frozen=True)
class Sample:
    """A progress line: when it arrived and what it said."""

    time: float
    iteration: int
    own_seconds_per_iter: float | None = None


@dataclass(frozen=True)
class WindowMeasurement:
    """Timing of one run over the window."""

    start: int
    end: int
    seconds: float
    lines_used: int
    own_seconds_per_iter: float | None
    #: The implementation's own timing of the whole window, when it prints one.
    own_window_seconds: float | None = None
    #: Progress lines in the window that arrived together with a later one (buffered output).
    buffered_lines: int = 0
    #: Line intervals ("81-101") a window edge was interpolated across that ran much slower than
    #: the window: a pause there (evaluation, checkpoint, epoch end) makes the edge's time uncertain.
    slow_edges: list[str] = field(default_factory=list)

    @property
    def seconds_per_iter(self) -> float:
        return self.seconds / (self.end - self.start)

    @property
    def own_disagreement(self) -> float | None:
        """Relative difference between the printed and the measured time per iteration."""
        if self.own_seconds_per_iter is None:
            return None
        return self.own_seconds_per_iter / self.seconds_per_iter - 1


def _around(samples: Sequence[Sample], iteration: int, edge: str) -> tuple[Sample, Sample]:
    """The lines at or around ``iteration`` (the same line twice when one reports it)."""
    before = [s for s in samples if s.iteration <= iteration]
    after = [s for s in samples if s.iteration >= iteration]
    if not before:
        raise WindowError(
            f"the window {edge} (iteration {iteration}) comes before the first progress line "
            f"(iteration {samples[0].iteration}); lower the window or log more often"
        )
    if not after:
        raise WindowError(
            f"the run ended at iteration {samples[-1].iteration}, before the window {edge} (iteration {iteration})"
        )
    return before[-1], after[0]


def _time_at(samples: Sequence[Sample], iteration: int, edge: str) -> float:
    """Completion time of ``iteration``, interpolated between the lines around it."""
    a, b = _around(samples, iteration, edge)
    if a.iteration == b.iteration:
        return a.time
    return a.time + (b.time - a.time) * (iteration - a.iteration) / (b.iteration - a.iteration)


def measure_window(samples: Sequence[Sample], start: int, end: int) -> WindowMeasurement:
    """Measure iterations ``start`` (exclusive) to ``end`` (inclusive).

    ``samples`` must be in arrival order with non-decreasing iterations (the
    log parsers guarantee it); a repeated iteration keeps its first line, and of
    lines that arrived at the same moment only the last one is timed.
    """
    if end <= start:
        raise WindowError(f"empty window {start}-{end}")
    if not samples:
        raise WindowError("no progress lines were recognised in the output")
    unique: list[Sample] = []
    bursts = 0
    for sample in samples:
        if unique and sample.iteration < unique[-1].iteration:
            raise WindowError(f"iterations went backwards ({unique[-1].iteration} then {sample.iteration})")
        if unique and sample.iteration > unique[-1].iteration and sample.time == unique[-1].time:
            # Lines that arrived together (block-buffered output) only tell when the last of
            # them had completed; the earlier ones' times are unknown, so they are not used.
            unique[-1] = sample
            bursts += start < sample.iteration <= end
        elif not unique or sample.iteration > unique[-1].iteration:
            unique.append(sample)
    if samples[0].iteration <= start < unique[0].iteration:
        raise WindowError(
            f"no time passed between iterations {samples[0].iteration} and {unique[0].iteration}: their lines "
            "arrived in one burst (is the output block-buffered?), so the window start cannot be timed"
        )
    t_start = _time_at(unique, start, "start")
    t_end = _time_at(unique, end, "end")
    if t_end <= t_start:
        raise WindowError(f"no time passed between iterations {start} and {end} (lines arrived in one burst?)")
    pace = (t_end - t_start) / (end - start)
    paused = []
    for edge, name in ((start, "start"), (end, "end")):
        a, b = _around(unique, edge, name)
        if a.iteration == b.iteration:  # a line reports the edge itself: nothing interpolated
            continue
        excess = (b.time - a.time) - pace * (b.iteration - a.iteration)
        # Flag it where the pause could move the figure by more than a few parts per thousand.
        if (b.time - a.time) / (b.iteration - a.iteration) > SLOW_EDGE * pace and excess > 0.005 * (t_end - t_start):
            paused.append(f"{a.iteration}-{b.iteration}")
    inside = [s for s in samples if start < s.iteration <= end]
    own = [s.own_seconds_per_iter for s in inside if s.own_seconds_per_iter is not None]
    return WindowMeasurement(
        start=start,
        end=end,
        seconds=t_end - t_start,
        lines_used=len([s for s in unique if start < s.iteration <= end]),
        own_seconds_per_iter=statistics.fmean(own) if own else None,
        buffered_lines=bursts,
        slow_edges=paused,
    )


def value_of(measurement: WindowMeasurement, quantity: str, items_per_iteration: int) -> float:
    """The metric's value for one run, as the benchmark's ``measurement.quantity`` says."""
    if quantity == "items-per-second":
        return items_per_iteration / measurement.seconds_per_iter
    if quantity == "seconds-per-iteration":
        return measurement.seconds_per_iter
    if quantity == "milliseconds-per-iteration":
        return measurement.seconds_per_iter * 1000
    raise ValueError(f"unknown quantity {quantity!r}")
