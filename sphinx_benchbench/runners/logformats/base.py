"""What every log format shares: the parser interface, line cleaning, printed numbers.

A parser reads one run's output line by line and answers two questions:

* :meth:`LogParser.feed` -- how many training iterations are complete after
  this line?  The runner stamps each line on arrival, so this count is all
  the live measurement needs.  ``iteration`` is always the number of
  *completed* iterations, counted from 1 and global across epochs; a parser
  returns a :class:`Reported` only when the count advances, and raises
  :class:`LogFormatError` (quoting the line) rather than guess.
* :meth:`LogParser.timing` -- what do the implementation's own printed
  timings say?  Each format prints something different under the same word
  ``time``: a mean over the iterations since the previous line, a mean since
  the start of the run, a median, a smoothed rate, an epoch's elapsed time.
  The parser turns what its lines mean into :class:`~..window.Span` objects
  (a stretch of iterations and its seconds, with the printed precision), and
  says in :attr:`Timing.refusals` what it could not use and why.  One window
  computation (:mod:`..window`) then times any window from them, and
  :mod:`.timing` cross-checks it against the lines' logged times.

Line cleaning (colours, rank prefixes) is in :mod:`.lines`.  Parsers are
pure: no I/O, no shell, compiled regexes only.  One instance parses one run.
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from ..window import Span, count_problem
from .lines import OTHER_RANK, clean, clean_line, looks_like_progress, progress_excerpt, quote
from .stamps import logged_time
from .timing import Reading, Timing

__all__ = [
    "LogFormatError",
    "LogParser",
    "Printed",
    "Reading",
    "Reported",
    "Timing",
    "clean",
    "cumulative_origin",
    "decimals",
    "printed",
]


@dataclass(frozen=True)
class Reported:
    """What one line says about progress: ``iteration`` completed iterations, from 1, global."""

    iteration: int


class LogFormatError(ValueError):
    """A line could not be read without guessing.

    Raised instead of returning a plausible but possibly wrong count; the
    engine turns it into a failed run, which is far cheaper than a wrong
    number on a published page.  ``line`` is the raw line as fed.
    """

    def __init__(self, message: str, line: str | None = None) -> None:
        self.line = line
        if line is not None:
            message = f"{message}; line: {quote(line)}"
        super().__init__(message)


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


def decimals(values: Iterable[Printed]) -> str:
    """How many decimals the values were printed to, in words ("3 decimals", "2 to 6 decimals").

    From the values themselves, not from the format string a version was
    checked against: a fork or another version prints more or fewer.
    """
    found = sorted({max(0, round(-math.log10(2 * v.precision))) for v in values if v.precision > 0})
    if not found:
        return "an unknown number of decimals"
    lo, hi = found[0], found[-1]
    return f"{lo} decimal{'s' if lo != 1 else ''}" if lo == hi else f"{lo} to {hi} decimals"


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
    #: Whether the format can read a line whose end was lost (``feed(..., cut=True)``): its fields end at a
    #: separator, so those before the cut are complete.  Formats whose fields run to the end of the line
    #: (tensorpack's epoch time, Keras' epoch seconds, a user's pattern) cannot.
    reads_cut_lines: ClassVar[bool] = False

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
        #: Whether the line being parsed lost its end (only its complete fields are there).
        self._cut = False
        #: Lines of other ranks skipped, and the first line that looked like progress but was not read.
        self._other_ranks = 0
        self._unread: str | None = None

    def feed(self, line: str, *, cut: bool = False) -> Reported | None:
        """Read one line (already split on ``\\n`` and ``\\r``, without its ending).

        Returns a :class:`Reported` when the line reports a count higher than
        any before, ``None`` when it reports nothing new, and raises
        :class:`LogFormatError` when it cannot be read without guessing.
        ``cut``: the line lost its end (a log cut off), and ``line`` holds only
        the fields before the cut; formats that cannot read such a line
        (:attr:`reads_cut_lines`) return ``None``.
        """
        if "\n" in line or "\r" in line:
            raise ValueError(f"feed() takes one line; split on \\n and \\r first: {line!r}")
        if cut and not self.reads_cut_lines:
            return None
        text = clean_line(line, self._rank)
        if text == OTHER_RANK:
            self._other_ranks += 1
            return None
        if not text:
            return None
        self._cut = cut
        try:
            iteration = self._parse(text, line)
        finally:
            self._cut = False
        if iteration is None:
            if self._unread is None and not self._last and looks_like_progress(text):
                self._unread = line
            return None
        problem = count_problem(iteration)
        if problem is not None:
            raise LogFormatError(f"{self.name}: {problem}", line)
        if iteration < 1:
            raise LogFormatError(f"{self.name}: computed iteration {iteration} < 1", line)
        if iteration < self._last:
            raise LogFormatError(
                f"{self.name}: iteration went backwards from {self._last} to {iteration} "
                f"(previous progress line: {quote(self._last_line or '')})",
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
        return Reported(iteration)

    def unrecognised(self) -> str:
        """Why no progress line was read, for a refusal: the format, other ranks' lines, a look-alike line."""
        text = f"the {self.name!r} format recognised no progress line"
        if self._other_ranks:
            text += (f"; {self._other_ranks} line(s) of other ranks than {self._rank} were skipped (their launcher's "
                     "prefix names the rank; the option rank chooses one)")
        if self._unread is not None:
            text += (f"; the first line that looks like progress is not in this format's layout: "
                     f"{progress_excerpt(self._unread)}")
        return text

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
