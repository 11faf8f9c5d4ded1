"""Any log a regular expression can read, with its timing's meaning declared.

The implementation is unknown here, so nothing about its printed time is
assumed: a ``seconds`` group is used only when the option ``seconds_are`` says
what it averages, and an ``elapsed`` group is read as a clock (seconds since
some start), of which only differences are used.  A clock since one start
never goes backwards; one that does (restarted on a resume, or a field that
wraps, such as the seconds of a time of day) is refused with the two lines,
never bridged as if the stretch between were merely untimed.
"""

from __future__ import annotations

import itertools
import re
from typing import Any, ClassVar

from ..window import Span
from .base import (
    LogFormatError,
    LogParser,
    Printed,
    Timing,
    bool_option,
    clock_spans,
    count_option,
    cumulative_origin,
    printed,
)

__all__ = ["GenericParser"]

_LAST = re.compile(r"^last:([1-9]\d*)$")


class GenericParser(LogParser):
    """Any log whose progress line a regular expression can describe."""

    name = "generic"
    summary = "your regex: groups 'iteration', and 'seconds' (with seconds_are) or 'elapsed'"
    option_defaults: ClassVar[dict[str, Any]] = {
        "pattern": None, "zero_based": False, "seconds_are": None, "start_iter": None}
    description = (
        "Reads any log with a user-supplied regular expression (option 'pattern', searched in each line after "
        "colour codes are removed). The pattern must have a named group 'iteration': the global count of "
        "completed iterations (zero_based=False) or the 0-based index of the one just finished (zero_based=True). "
        "An optional group 'seconds' is a printed time per iteration; the option seconds_are says what it means: "
        "'interval' (the mean since the previous line), 'cumulative' (the mean since the run started, at "
        "start_iter or 0) or 'last:N' (the mean of the last N iterations); without it the group is not used. An "
        "optional group 'elapsed' is a clock in seconds (since any start): differences between lines time them. "
        "A per-epoch counter that restarts is not supported: it raises as a count going backwards. Options: "
        "pattern (str, required), zero_based (bool), seconds_are (str), start_iter (int)."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        pattern = self._options["pattern"]
        if pattern is None:
            raise TypeError("log format 'generic' needs option 'pattern' (a regex with a named group 'iteration')")
        if isinstance(pattern, str):
            try:
                pattern = re.compile(pattern)
            except re.error as exc:
                raise TypeError(f"log format 'generic': option 'pattern' is not a valid regex: {exc}") from exc
        if not isinstance(pattern, re.Pattern) or not isinstance(pattern.pattern, str):
            raise TypeError(f"log format 'generic': option 'pattern' must be a str regex, got {pattern!r}")
        if "iteration" not in pattern.groupindex:
            raise TypeError("log format 'generic': option 'pattern' needs a named group 'iteration'")
        self._pattern: re.Pattern[str] = pattern
        self._zero_based = bool_option(self.name, "zero_based", self._options["zero_based"])
        self._start_iter = count_option(self.name, "start_iter", self._options["start_iter"])
        meaning = self._options["seconds_are"]
        if meaning is not None and (not isinstance(meaning, str) or (
                meaning not in ("interval", "cumulative") and not _LAST.match(meaning))):
            raise TypeError(f"log format 'generic': option 'seconds_are' must be 'interval', 'cumulative' or "
                            f"'last:N', got {meaning!r}")
        self._meaning: str | None = meaning
        self._seconds: list[tuple[int, Printed]] = []
        self._elapsed: list[tuple[int, Printed]] = []

    def _parse(self, text: str, line: str) -> int | None:
        m = self._pattern.search(text)
        if m is None or m.group("iteration") is None:
            return None
        raw = m.group("iteration")
        try:
            value = int(raw)
        except ValueError as exc:
            raise LogFormatError(f"generic: group 'iteration' matched {raw!r}, not an integer", line) from exc
        completed = value + 1 if self._zero_based else value
        if completed > self._last:
            for group, into in (("seconds", self._seconds), ("elapsed", self._elapsed)):
                found = m.groupdict().get(group)
                if found is not None:
                    try:
                        into.append((completed, printed(found)))
                    except ValueError as exc:
                        raise LogFormatError(f"generic: group {group!r} matched {found!r}, not a number", line) from exc
        return completed

    def _timing(self, items_per_iteration: int | None = None) -> Timing:
        spans: list[Span] = []
        refusals: list[str] = []
        assumed: list[str] = []
        meanings = {"elapsed": "the pattern's 'elapsed' clock, differenced between lines"}
        back = next(((a, b) for a, b in itertools.pairwise(self._elapsed) if b[1].value < a[1].value), None)
        if back is not None:
            (a, pa), (b, pb) = back
            refusals.append(f"the pattern's 'elapsed' clock goes backwards from {pa.value:g} s at iteration {a} to "
                            f"{pb.value:g} s at iteration {b}, so it is not a clock since one start (one restarted by "
                            "a resume, or a field that wraps, such as the seconds of a time of day): not used")
        else:
            spans += clock_spans([(c, p.value, p.precision) for c, p in self._elapsed], "elapsed")
        if self._seconds and self._meaning is None:
            refusals.append("the pattern's 'seconds' group is not used: the option seconds_are must say whether it "
                            "is the mean since the previous line ('interval'), since the start ('cumulative') or "
                            "of the last N iterations ('last:N')")
        elif self._seconds:
            meanings["seconds"] = f"the pattern's 'seconds' group ({self._meaning}: seconds_are)"
            if self._meaning == "interval":
                previous = self._start_iter
                for c, p in self._seconds:
                    if previous is not None:
                        spans.append(Span(previous, c, p.value * (c - previous), p.precision * (c - previous),
                                          "seconds"))
                    previous = c
            elif self._meaning == "cumulative":
                origin, how = cumulative_origin(self.name, self._start_iter, None, [c for c, _ in self._seconds])
                if origin is None:
                    refusals.append(how)
                else:
                    assumed.append(how)
                    spans += [Span(origin, c, p.value * (c - origin), p.precision * (c - origin), "seconds")
                              for c, p in self._seconds if c > origin]
            else:
                last = _LAST.match(self._meaning or "")
                assert last is not None  # the meaning was checked against _LAST when the options were read
                n = int(last.group(1))
                spans += [Span(max(0, c - n), c, p.value * min(n, c), p.precision * min(n, c), "seconds")
                          for c, p in self._seconds]
        return Timing(tuple(spans), meanings, tuple(refusals), tuple(assumed))
