"""The metric over an iteration window, from the arrival times of log lines.

Each progress line is stamped with a monotonic clock when it arrives.  The
window "100-500" is the time between the completion of iteration 100 and of
iteration 500, i.e. 400 iterations.  The stretch between two consecutive
lines is a :class:`~.window.Span` like any a log prints, so the window is
timed by the one computation every source shares (:func:`.window.window_time`):
an edge between two lines takes its share of their stretch.  What is peculiar
to arrival times is checked here: lines that arrive together (buffered
output), a window edge across a pause, and whether the window is in a steady
state at all.
"""

from __future__ import annotations

import itertools
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..commands.execute import Sample
from ..logformats import Reading
from ..window import Span, WindowError, window_time
from .base import time_value

__all__ = [
    "OWN_TIMING_TOLERANCE",
    "SLOW_EDGE",
    "TREND",
    "Sample",
    "WindowError",
    "WindowMeasurement",
    "measure_window",
    "value_of",
]

#: Disagreement with the implementation's own timing of the window that gets flagged.
OWN_TIMING_TOLERANCE = 0.01
#: An edge interpolated across lines this many times slower than the window's pace is flagged.
SLOW_EDGE = 1.5
#: Change of the per-line pace across the window, fitted, above which it is not in a steady state.
TREND = 0.05


@dataclass(frozen=True)
class WindowMeasurement:
    """Timing of one run over the window."""

    start: int
    end: int
    seconds: float
    lines_used: int
    #: Progress lines in the window that arrived together with a later one (buffered output).
    buffered_lines: int = 0
    #: Line intervals ("81-101") a window edge was interpolated across that ran much slower than
    #: the window: a pause there (evaluation, checkpoint, epoch end) makes the edge's time uncertain.
    slow_edges: list[str] = field(default_factory=list)
    #: Iterations of the window apportioned from stretches between lines outside it.
    apportioned: int = 0
    #: How much slower the window's second half ran than its first (0.08: 8 %), when its lines tell.
    trend: float | None = None
    #: The implementation's own printed timing of the window, where its format allows one.
    own: Reading | None = None
    #: Why its printed timing could not time the window.
    own_refused: str | None = None
    #: The implementation's own timing of the whole window (``run.log.own_window``), seconds.
    own_window_seconds: float | None = None

    @property
    def seconds_per_iter(self) -> float:
        return self.seconds / (self.end - self.start)

    @property
    def own_disagreement(self) -> float | None:
        """Relative difference between the printed and the measured time of the window."""
        return None if self.own is None else self.own.seconds / self.seconds - 1

    def semantics(self) -> str:
        """What was measured, in words, for the recorded result."""
        text = (f"iterations {self.start}-{self.end} timed by the arrival of the progress lines "
                f"({self.lines_used} inside the window)")
        if self.apportioned:
            text += f", {self.apportioned} iteration(s) at the edges apportioned between neighbouring lines"
        if self.own is not None:
            text += f"; cross-checked against {self.own.semantics}"
        elif self.own_refused:
            text += f"; no cross-check by the printed timing: {self.own_refused}"
        return text

    def warnings(self) -> list[str]:
        """What a reader of this run's figure should doubt."""
        out = []
        if self.buffered_lines > self.lines_used:  # most lines came in bursts; a few can when the runner lags
            out.append(f"{self.buffered_lines} progress line(s) in the window arrived together with later ones (is "
                       "the output block-buffered?); only the last of each burst was timed")
        for lines in self.slow_edges:
            out.append(f"a window edge was interpolated between the lines of iterations {lines}, which ran much "
                       "slower than the window (evaluation? checkpoint? epoch end?); log more often or move the window")
        if self.apportioned > 0.1 * (self.end - self.start):
            out.append(f"{self.apportioned} of the window's {self.end - self.start} iterations lie between lines "
                       "outside it: the lines are sparse for this window")
        if self.trend is not None and abs(self.trend) > TREND:
            out.append(f"not in a steady state: the window's second half ran {self.trend:+.0%} against its first "
                       "(median paces of its lines); move the window later or make it longer")
        off = self.own_disagreement
        if off is not None and abs(off) > OWN_TIMING_TOLERANCE:
            out.append(f"the implementation's own printed timing of the window differs from the measured one by "
                       f"{off:+.1%} ({self.own.seconds:.6g} s against {self.seconds:.6g} s)")  # type: ignore[union-attr]
        own = self.own_window_seconds
        if own is not None and abs(own / self.seconds - 1) > OWN_TIMING_TOLERANCE:
            out.append(f"the implementation timed the window at {self.own_window_seconds:.6f} s, "
                       f"the runner at {self.seconds:.6f} s")
        return out


def _around(samples: Sequence[Sample], iteration: int) -> tuple[Sample, Sample]:
    """The lines at or around ``iteration`` (the same line twice when one reports it)."""
    before = [s for s in samples if s.iteration <= iteration]
    after = [s for s in samples if s.iteration >= iteration]
    return before[-1], after[0]


def _unique(samples: Sequence[Sample], start: int, end: int) -> tuple[list[Sample], int]:
    """The lines that can be timed, and how many in the window came in a burst with a later one."""
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
    return unique, bursts


def trend(samples: Sequence[Sample], start: int, end: int) -> float | None:
    """How much slower (or faster) the window's second half ran than its first, relative to its pace.

    Medians of the per-line paces in each half, so one slow stretch (a
    checkpoint) does not read as a trend; fewer than two stretches a half
    tell nothing.  Barrett et al. (2017) found that many runs never reach a
    steady state: a fixed window must be checked, not assumed.
    """
    inside = [s for s in samples if start <= s.iteration <= end]
    middle = (start + end) / 2
    halves: tuple[list[float], list[float]] = ([], [])
    for a, b in itertools.pairwise(inside):
        halves[(a.iteration + b.iteration) / 2 > middle].append((b.time - a.time) / (b.iteration - a.iteration))
    if min(len(h) for h in halves) < 2:
        return None
    overall = statistics.median(halves[0] + halves[1])
    return (statistics.median(halves[1]) - statistics.median(halves[0])) / overall if overall > 0 else None


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
    unique, bursts = _unique(samples, start, end)
    if samples[0].iteration <= start < unique[0].iteration:
        raise WindowError(
            f"no time passed between iterations {samples[0].iteration} and {unique[0].iteration}: their lines "
            "arrived in one burst (is the output block-buffered?), so the window start cannot be timed"
        )
    if start < unique[0].iteration:
        raise WindowError(
            f"the window start (iteration {start}) comes before the first progress line "
            f"(iteration {unique[0].iteration}); lower the window or log more often"
        )
    if end > unique[-1].iteration:
        raise WindowError(f"the run ended at iteration {unique[-1].iteration}, before the window end (iteration {end})")
    spans = [Span(a.iteration, b.iteration, b.time - a.time, 0.0, "arrival") for a, b in itertools.pairwise(unique)]
    try:
        found = window_time(spans, start, end, what="the progress lines")
    except WindowError as exc:
        if "no time" in str(exc):
            raise WindowError(f"no time passed between iterations {start} and {end} (lines arrived in one burst?)"
                              ) from None
        raise
    pace = found.seconds / (end - start)
    paused = []
    for edge in (start, end):
        a, b = _around(unique, edge)
        if a.iteration == b.iteration:  # a line reports the edge itself: nothing interpolated
            continue
        excess = (b.time - a.time) - pace * (b.iteration - a.iteration)
        # Flag it where the pause could move the figure by more than a few parts per thousand.
        if (b.time - a.time) / (b.iteration - a.iteration) > SLOW_EDGE * pace and excess > 0.005 * found.seconds:
            paused.append(f"{a.iteration}-{b.iteration}")
    fitted = trend(unique, start, end)
    return WindowMeasurement(
        start=start,
        end=end,
        seconds=found.seconds,
        lines_used=len([s for s in unique if start < s.iteration <= end]),
        buffered_lines=bursts,
        slow_edges=paused,
        apportioned=found.apportioned,
        trend=None if fitted is None or not math.isfinite(fitted) else fitted,
    )


def value_of(measurement: WindowMeasurement, quantity: str, items_per_iteration: int) -> float:
    """The metric's value for one run, as the benchmark's ``measurement.quantity`` says."""
    return time_value(measurement.seconds_per_iter, quantity, items_per_iteration)
