"""What every log format shares: the parser interface, line cleaning, printed numbers.

A parser reads one run's output line by line and answers two questions:

* :meth:`LogParser.feed` -- how many training iterations are complete after
  this line?  The runner stamps each line on arrival, so this count is all
  the live measurement needs.  ``iteration`` is always the number of
  *completed* iterations, counted from 1 and global across epochs; a parser
  returns a :class:`Progress` only when the count advances, and raises
  :class:`LogFormatError` (quoting the line) rather than guess.
* :meth:`LogParser.timing` -- what do the implementation's own printed
  timings say?  Each format prints something different under the same word
  ``time``: a mean over the iterations since the previous line, a mean since
  the start of the run, a median, a smoothed rate, an epoch's elapsed time.
  The parser turns what its lines mean into :class:`~..window.Span` objects
  (a stretch of iterations and its seconds, with the printed precision), and
  says in :attr:`Timing.refusals` what it could not use and why.  One window
  computation (:mod:`..window`) then times any window from them.

Parsers are pure: no I/O, no shell, compiled regexes only.  One instance
parses one run.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from ..window import Span, WindowError, WindowTime, window_time
from .stamps import logged_time

__all__ = [
    "LogFormatError",
    "LogParser",
    "Printed",
    "Progress",
    "Reading",
    "Timing",
    "clean",
    "cumulative_origin",
    "printed",
]


@dataclass(frozen=True)
class Progress:
    """What one line says about progress: ``iteration`` completed iterations, from 1, global."""

    iteration: int


@dataclass(frozen=True)
class Timing:
    """What a run's printed timings say, for the window computation."""

    spans: tuple[Span, ...] = ()
    #: What each kind of span (``Span.what``) means, in a reader's words.
    meanings: Mapping[str, str] = field(default_factory=dict)
    #: Printed timings that could not be used, and why (a median, an unknown origin...).
    refusals: tuple[str, ...] = ()
    #: Assumptions made in reading them, said with every result that uses them.
    assumptions: tuple[str, ...] = ()
    #: The progress lines' own logged times (:mod:`.stamps`), as spans.
    clock: tuple[Span, ...] = ()

    def window(self, start: int, end: int, *, clock: bool = True) -> Reading:
        """The window's time by the printed timings, else (``clock``) by the lines' logged times.

        Raises :class:`~..window.WindowError` saying why neither can time it.
        A live run's cross-check passes ``clock=False``: its lines' logged
        times are a coarser copy of the runner's own arrival stamps.
        """
        try:
            if not self.spans:
                raise WindowError("; ".join(self.refusals) or "the log prints no timing this format reads")
            try:
                found = window_time(self.spans, start, end, what="the printed timings")
            except WindowError as exc:
                extra = f" (also: {'; '.join(self.refusals)})" if self.refusals else ""
                raise WindowError(f"{exc}{extra}") from None
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
        return Reading(found, self._semantics(found), [*found.notes(), *self.refusals])

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


@dataclass(frozen=True)
class Reading:
    """A window timed by the implementation's own printed timings."""

    window: WindowTime
    #: What was read and how it was combined, for a reader.
    semantics: str
    #: What a reader should doubt (sparse edges, disagreements, timings not used).
    warnings: list[str]

    @property
    def seconds(self) -> float:
        return self.window.seconds


class LogFormatError(ValueError):
    """A line could not be read without guessing.

    Raised instead of returning a plausible but possibly wrong count; the
    engine turns it into a failed run, which is far cheaper than a wrong
    number on a published page.  ``line`` is the raw line as fed.
    """

    def __init__(self, message: str, line: str | None = None) -> None:
        self.line = line
        if line is not None:
            message = f"{message}; line: {_quote(line)}"
        super().__init__(message)


def _quote(line: str, limit: int = 200) -> str:
    """A line as messages quote it: its repr, shortened in the middle when long."""
    text = repr(line)
    return text if len(text) <= limit else f"{text[:limit // 2]}...{text[-limit // 2:]}"


# CSI sequences (colours, cursor movement such as tqdm's "\x1b[A"), OSC
# sequences (terminal titles) and two-character escapes.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
# Remaining C0 controls except TAB, e.g. the backspaces Keras' Progbar writes
# before redrawing ("\b" * width + "\r").
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
# Prefixes launchers put before each worker's line: Open MPI's --tag-output
# ("[1,3]<stdout>:", the rank second), torch.distributed.elastic's "[rank3]:"
# and torchrun's "[default3]:", and "[3]<stderr>:" from gloo-based horovodrun.
_RANK = re.compile(r"^\s*(?:\[(?:\d+,(?P<mpi>\d+)|(?P<plain>\d+))\]<std(?:out|err)>"
                   r"|\[(?:rank(?P<rank>\d+)|default(?P<default>\d+))\]):\s?")


def clean(line: str, rank: int = 0) -> str | None:
    """Strip colours, control characters, blanks and a launcher's rank prefix.

    ``None`` for a line from another rank than ``rank``: when every worker
    prints its own progress, counting them all would go back and forth.
    """
    if "\x1b" in line:
        line = _ANSI.sub("", line)
    line = _CONTROL.sub("", line).strip()
    m = _RANK.match(line)
    if m is not None:
        worker = next(int(v) for v in m.groupdict().values() if v is not None)
        if worker != rank:
            return None
        line = line[m.end():].strip()
    return line


@dataclass(frozen=True)
class Printed:
    """A printed number and how precisely it was printed (half a unit of its last digit)."""

    value: float
    precision: float


_NUM = re.compile(r"^[-+]?(\d+)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$")


def printed(text: str) -> Printed:
    """``"0.3322"`` -> 0.3322 ± 0.00005; ``"2.000e-02"`` -> 0.02 ± 0.0000005; ``"1533"`` -> ± 0.5."""
    m = _NUM.match(text)
    if m is None:
        raise ValueError(f"not a number: {text!r}")
    decimals = len(m.group(2) or "")
    exponent = int(m.group(3) or 0)
    return Printed(float(text), 0.5 * 10.0 ** (exponent - decimals))


#: A number that is complete: followed by a separator, not by the end of a truncated line.
NUMBER = r"(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)(?=[\s,;)\]}]|$)"


def positive_int(parser: str, option: str, value: object) -> int | None:
    """Validate an integer option; ``None`` means "not given"."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TypeError(f"log format {parser!r}: option {option!r} must be a positive int, got {value!r}")
    return value


def count_option(parser: str, option: str, value: object) -> int | None:
    """Validate a count that may be zero (a start iteration)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TypeError(f"log format {parser!r}: option {option!r} must be an int >= 0, got {value!r}")
    return value


def bool_option(parser: str, option: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"log format {parser!r}: option {option!r} must be a bool, got {value!r}")
    return value


def cumulative_origin(parser: str, given: int | None, logged: int | None, lines: list[int]) -> tuple[int | None, str]:
    """The completed-iteration count a cumulative mean counts from, and how it is known.

    Cumulative means (since the timer started) turn into sums only with the
    number of iterations they average, so the run's start must be known: from
    the option, from the log's own start line, or because the log begins with
    the run's first lines (its first progress line comes within two logging
    periods of iteration 0; a resumed run starts at a checkpoint, far later).
    Otherwise ``None`` and the reason.
    """
    if given is not None:
        return given, f"the run started at iteration {given} (option start_iter)"
    if logged is not None:
        return logged, f"the run started at iteration {logged} (as the log says)"
    if len(lines) >= 2 and lines[0] <= 2 * (lines[1] - lines[0]):
        return 0, (f"the run started at iteration 0 (the log has no start line, and its first progress line is "
                   f"iteration {lines[0]}, within its first two logging periods)")
    first = lines[0] if lines else None
    return None, (f"{parser}'s printed time is a mean since the start of the run, and the log does not say where "
                  f"that was (no start line; it begins at iteration {first}): pass the option start_iter=N")


class LogParser:
    """Base class: option checking, line cleaning and the monotonic guard.

    Subclasses set ``name``, ``description`` and ``option_defaults``, and
    implement :meth:`_parse` (the completed count of a line, or ``None``) and
    :meth:`timing`.  The base enforces that counts never go backwards, the
    signature of a misread log.
    """

    name: ClassVar[str]
    #: One line for ``--help``.
    summary: ClassVar[str]
    description: ClassVar[str]
    option_defaults: ClassVar[dict[str, Any]] = {}
    #: Options every format takes.
    COMMON: ClassVar[dict[str, Any]] = {"rank": 0}

    def __init__(self, **options: Any) -> None:
        known = {**self.COMMON, **self.option_defaults}
        unknown = sorted(set(options) - set(known))
        if unknown:
            raise TypeError(
                f"log format {self.name!r} got unknown option(s) {', '.join(unknown)}; its options are: "
                f"{', '.join(sorted(known))}"
            )
        self._options: dict[str, Any] = {**known, **options}
        rank = count_option(self.name, "rank", self._options["rank"])
        self._rank = rank or 0
        self._last = 0
        self._last_line: str | None = None
        #: (iteration, logged seconds, resolution) of progress lines that carry a time.
        self._stamps: list[tuple[int, float, float]] = []

    def feed(self, line: str) -> Progress | None:
        """Read one line (already split on ``\\n`` and ``\\r``, without its ending).

        Returns a :class:`Progress` when the line reports a count higher than
        any before, ``None`` when it reports nothing new, and raises
        :class:`LogFormatError` when it cannot be read without guessing.
        """
        if "\n" in line or "\r" in line:
            raise ValueError(f"feed() takes one line; split on \\n and \\r first: {line!r}")
        text = clean(line, self._rank)
        if not text:
            return None
        iteration = self._parse(text, line)
        if iteration is None:
            return None
        if iteration < 1:
            raise LogFormatError(f"{self.name}: computed iteration {iteration} < 1", line)
        if iteration < self._last:
            raise LogFormatError(
                f"{self.name}: iteration went backwards from {self._last} to {iteration} "
                f"(previous progress line: {_quote(self._last_line or '')})",
                line,
            )
        if iteration == self._last:
            return None
        self._last = iteration
        self._last_line = line
        stamp = logged_time(text)
        if stamp is not None and (not self._stamps or stamp[0] >= self._stamps[-1][1]):
            self._stamps.append((iteration, *stamp))
        elif self._stamps:  # a line without its time, or time going backwards: stop trusting them
            self._stamps.append((iteration, math.nan, math.nan))
        return Progress(iteration)

    def _parse(self, text: str, line: str) -> int | None:
        """The global completed count the cleaned line ``text`` reports, or ``None``.

        ``line`` is the raw line, for error messages that show what arrived.
        """
        raise NotImplementedError

    def timing(self, items_per_iteration: int | None = None) -> Timing:
        """What the lines fed so far say about time (see the module docstring).

        ``items_per_iteration`` converts rates printed per sample into time
        (SimpleDet's ``samples/sec``), where the format has no option for it.
        """
        return dataclasses.replace(self._timing(items_per_iteration), clock=self._clock())

    def _timing(self, items_per_iteration: int | None) -> Timing:
        """The format's own printed timings."""
        raise NotImplementedError

    def _clock(self) -> tuple[Span, ...]:
        """The progress lines' logged times (whole-second stamps are truncated: ±1 s between two)."""
        stamps = []
        for iteration, seconds, resolution in self._stamps:
            if math.isnan(seconds):
                break
            stamps.append((iteration, seconds, resolution / 2))
        return clock_spans(stamps, "logged")


def clock_spans(readings: list[tuple[int, float, float]], what: str) -> tuple[Span, ...]:
    """Spans from readings of one clock: ``(iteration, seconds, ± error)``, in order.

    Between consecutive readings, so a window edge is apportioned between
    neighbouring lines; and from the first reading to each, so the error of a
    difference stays that of its two readings instead of growing along a chain.
    """
    if len(readings) < 2:
        return ()
    first, t0, e0 = readings[0]
    out = [Span(a, b, tb - ta, ea + eb, what) for (a, ta, ea), (b, tb, eb) in itertools.pairwise(readings)]
    out += [Span(first, c, t - t0, e0 + e, what) for c, t, e in readings[2:]]
    return tuple(out)


def finite(value: float) -> bool:
    return math.isfinite(value) and value > 0
