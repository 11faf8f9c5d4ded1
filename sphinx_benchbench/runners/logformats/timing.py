"""A run's timings as a format read them, and the window they give, cross-checked against the logged times.

A format's printed timing is read with the meaning its implementation gives
it, and a wrong meaning does not fail: it gives a plausible number
(PaddleDetection's whole-training ``eta`` read as torchvision's within-epoch
one is 72 times too long, another rank's copy of a line twice as long).  Most
loggers also stamp each line with the wall clock, and the time between two
progress lines' stamps is what the printed timings of the iterations between
them add up to -- less whatever the implementation leaves out (evaluation and
checkpoints between epochs, say).  So where both can time a window they are
compared: beyond their combined precision and a margin of
:data:`LOGGED_REFUSED` the window is refused with both figures; beyond
:data:`LOGGED_WARNED` it carries a warning.  Where the printed timing cannot
time the window, the logged times do, to their resolution.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ..window import DISAGREEMENT, Span, WindowError, WindowTime, window_time

__all__ = ["LOGGED_REFUSED", "LOGGED_WARNED", "Reading", "Timing"]

#: Relative disagreement between the printed timings and the lines' logged times of a window, beyond both
#: precisions, above which the window is refused: one of them does not mean what it was read as, or the window
#: holds work the printed timing leaves out (an evaluation) that is a tenth of its time.
LOGGED_REFUSED = 0.10
#: ... above which the result carries a warning.
LOGGED_WARNED = DISAGREEMENT


@dataclass(frozen=True)
class Reading:
    """A window timed by the implementation's own printed timings (or its lines' logged times)."""

    window: WindowTime
    #: What was read and how it was combined, for a reader.
    semantics: str
    #: What a reader should doubt (sparse edges, disagreements, timings not used).
    warnings: list[str]

    @property
    def seconds(self) -> float:
        return self.window.seconds


@dataclass(frozen=True)
class Timing:
    """What a run's printed timings say, for the window computation."""

    spans: tuple[Span, ...] = ()
    #: What each kind of span (``Span.what``) means, in a reader's words.
    meanings: Mapping[str, str] = field(default_factory=dict)
    #: Printed timings that could not be used, and why (a median, an unknown origin...).
    refusals: tuple[str, ...] = ()
    #: Assumptions made in reading them, said with every result that uses them (and every refusal).
    assumptions: tuple[str, ...] = ()
    #: The progress lines' own logged times (:mod:`.stamps`), as spans.
    clock: tuple[Span, ...] = ()

    def window(self, start: int, end: int, *, clock: bool = True) -> Reading:
        """The window's time by the printed timings, checked against (else given by) the lines' logged times.

        Raises :class:`~..window.WindowError` saying why neither can time it,
        or why the two contradict each other.  A live run's cross-check passes
        ``clock=False``: its lines' logged times are a coarser copy of the
        runner's own arrival stamps, with which it is compared already.
        """
        try:
            found = self._printed(start, end)
        except WindowError as printed_failed:
            if not (clock and self.clock):
                raise
            try:
                found = window_time(self.clock, start, end, what="the lines' logged times")
            except WindowError as exc:
                raise WindowError(f"{printed_failed}; and {exc}") from None
            semantics = (f"iterations {found.start}-{found.end} from the progress lines' logged times (when each "
                         f"was written, as the runner stamps lines), ±{found.error / found.seconds:.2%}; the printed "
                         f"timings were not used: {printed_failed}")
            return Reading(found, semantics, [*found.notes()])
        semantics = self._semantics(found)
        warnings = [*found.notes(), *self.refusals]
        if clock and self.clock:
            try:
                logged = window_time(self.clock, start, end, what="the lines' logged times")
            except WindowError:
                logged = None  # the stamps cannot time this window (too coarse, or they stop): nothing to check
            if logged is not None:
                note = _cross_check(found, logged)
                semantics += (f"; cross-checked against the lines' logged times, {logged.seconds:.6g} s "
                              f"±{logged.error / logged.seconds:.2%}")
                warnings += [note] if note else []
        return Reading(found, semantics, warnings)

    def _printed(self, start: int, end: int) -> WindowTime:
        assumed = f"; read assuming {'; '.join(self.assumptions)}" if self.assumptions else ""
        if not self.spans:
            raise WindowError("; ".join(self.refusals) or "the log prints no timing this format reads")
        try:
            return window_time(self.spans, start, end, what="the printed timings")
        except WindowError as exc:
            extra = f" (also: {'; '.join(self.refusals)})" if self.refusals else ""
            raise WindowError(f"{exc}{extra}{assumed}") from None

    def _semantics(self, found: WindowTime) -> str:
        counts: dict[str, int] = {}
        for span in found.spans:
            counts[span.what] = counts.get(span.what, 0) + 1
        used = "; ".join(f"{self.meanings.get(what, what)} ({n} value{'s' if n > 1 else ''})"
                         for what, n in counts.items())
        text = f"iterations {found.start}-{found.end} from the printed timings: {used}"
        edges = [f"{name} apportioned within iterations {s.start}-{s.end}"
                 for name, s in (("start", found.start_within), ("end", found.end_within)) if s is not None]
        if edges:
            text += "; " + ", ".join(edges)
        if self.assumptions:
            text += "; assuming " + "; ".join(self.assumptions)
        return text + f"; printed precision ±{found.error / found.seconds:.2%}"


def _cross_check(printed: WindowTime, logged: WindowTime) -> str | None:
    """Raise when the printed and the logged time of a window contradict; a warning when they differ."""
    gap = abs(printed.seconds - logged.seconds) - printed.error - logged.error
    scale = max(printed.seconds, logged.seconds)
    if gap <= LOGGED_WARNED * scale:
        return None
    n = printed.iterations
    both = (f"the printed timings give iterations {printed.start}-{printed.end} {printed.seconds:.6g} s "
            f"({printed.seconds / n:.6g} s/iteration, ±{printed.error:.2g} s) and the lines' logged times "
            f"{logged.seconds:.6g} s ({logged.seconds / n:.6g} s/iteration, ±{logged.error:.2g} s), "
            f"{printed.seconds / logged.seconds - 1:+.1%}")
    if gap <= LOGGED_REFUSED * scale:
        return f"{both}: work between iterations that the printed timing leaves out (evaluation, checkpoints)?"
    raise WindowError(
        f"{both}, more than their precision and a {LOGGED_REFUSED:.0%} margin allow: either the printed numbers do "
        "not mean what this format reads them as (a look-alike logger, another rank's lines, a setting the log does "
        "not print, such as mmengine's window_size or the batch size a rate in samples/sec is converted with), or "
        "the window holds work the printed timing leaves out (an evaluation, a "
        "checkpoint): choose a window without it, or check the format")
