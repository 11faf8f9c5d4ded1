"""Detectron (Caffe2): ``json_stats: {...}`` lines.

Checked against facebookresearch/Detectron at 04155a0 (the loop is unchanged
since the first commit, 2f8161e):

* ``detectron/utils/train.py``: ``for cur_iter in range(start_iter, MAX_ITER)``;
  ``TrainingStats.LogIterStats`` logs after the iteration when ``cur_iter % 20
  == 0`` or at ``MAX_ITER - 1``, with ``iter=cur_iter`` (0-based): completed =
  iter + 1, global.
* ``time`` is ``iter_timer.average_time`` (``utils/timer.py``: total / calls
  since the last reset), a cumulative mean of ``IterTic``..``IterToc`` (the
  learning-rate update and ``RunNet``, which waits for data; stats, logging
  and checkpoints are outside it).  The loop resets the timer once, right
  *after* logging iteration ``start_iter + 20``: that line averages the run's
  first 21 iterations, later ones the iterations since.
* A resumed run logs ``Resuming from checkpoint ... at start iter N``.
* ``utils/logging.py`` prints top-level floats with ``{:.6f}``: as JSON
  numbers before 4dc5e92 (2018-10-01), as quoted strings after.
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from ..window import Span
from .base import LogFormatError, LogParser, Printed, Timing, count_option, cumulative_origin, decimals, printed

__all__ = ["DetectronParser"]

_RESUME = re.compile(r"\bResuming from checkpoint .* at start iter (\d+)")
_TIME_TEXT = re.compile(r'"time": "?(\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"?')
#: Iterations the timer averages before its one reset, counted from the run's start.
RESET_AFTER = 21


class DetectronParser(LogParser):
    """Detectron's (Caffe2) ``json_stats: {...}`` lines."""

    name = "detectron"
    reads_cut_lines = True
    summary = "Detectron (Caffe2) 'json_stats: {...}' lines (time: the mean since the timer's reset)"
    option_defaults: ClassVar[dict[str, Any]] = {"start_iter": None}
    description = (
        "Reads Detectron's 'json_stats: {...}' lines, e.g. 'json_stats: {\"accuracy_cls\": 0.923639, \"eta\": "
        "\"1 day, 13:30:44\", \"iter\": 120000, \"loss\": 0.562384, ..., \"time\": 0.562685}'. 'iter' is the 0-based "
        "index of the iteration just logged, so the completed count is iter + 1. 'time' is the timer's cumulative "
        "mean: over the run's first 21 iterations up to the line of start iteration + 20, over the iterations "
        "since that reset afterwards; the window's time is the difference of two such sums, so the run's start "
        "must be known: the 'Resuming from checkpoint ... at start iter N' line, the option start_iter, or a log "
        "that begins with the run's first lines. Floats printed as numbers or as strings are both read; a "
        "truncated line is ignored. Options: start_iter (int)."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._start_iter = count_option(self.name, "start_iter", self._options["start_iter"])
        self._logged_start: int | None = None
        self._readings: list[tuple[int, Printed]] = []

    def _parse(self, text: str, line: str) -> int | None:
        m = _RESUME.search(text)
        if m is not None:
            self._logged_start = int(m.group(1))
            return None
        at = text.find("json_stats: {")
        if at < 0 or (at and (text[at - 1].isalnum() or text[at - 1] == "_")):
            return None
        body = text[at + len("json_stats: "):]
        try:
            stats, end = json.JSONDecoder().raw_decode(body)
        except (ValueError, RecursionError):
            return None
        if not isinstance(stats, dict):
            raise LogFormatError("detectron: json_stats is not a JSON object", line)
        it = stats.get("iter")
        if isinstance(it, bool) or not isinstance(it, int):
            raise LogFormatError("detectron: json_stats has no integer 'iter'", line)
        completed = it + 1
        raw = stats.get("time")
        if isinstance(raw, str):
            try:
                float(raw)
            except ValueError:
                raise LogFormatError(f"detectron: 'time' is not a number: {raw!r}", line) from None
        t = _TIME_TEXT.search(body, 0, end)
        if t is not None and completed > self._last:
            self._readings.append((completed, printed(t.group(1))))
        return completed

    def _timing(self, items_per_iteration: int | None = None) -> Timing:
        meanings = {
            "cumulative": "Detectron's 'time', the timer's mean over the iterations since its one reset after "
                          f"iteration 21 of the run, printed to {decimals(p for _, p in self._readings)}",
            "warm-up": "Detectron's 'time' before the timer's reset, the mean over the run's first iterations",
        }
        if not self._readings:
            return Timing()
        lines = [c for c, _ in self._readings]
        origin, how = cumulative_origin(self.name, self._start_iter, self._logged_start, lines)
        if origin is None:
            return Timing(meanings=meanings, refusals=(how,))
        if lines[0] <= origin:
            return Timing(meanings=meanings, refusals=(f"a line at iteration {lines[0]} comes before the start "
                                                       f"iteration {origin}",))
        reset = origin + RESET_AFTER
        spans = []
        for c, p in self._readings:
            since, what = (origin, "warm-up") if c <= reset else (reset, "cumulative")
            spans.append(Span(since, c, p.value * (c - since), p.precision * (c - since), what))
        return Timing(tuple(spans), meanings, (), (how,))
