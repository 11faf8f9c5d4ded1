"""detectron2: ``CommonMetricPrinter`` console lines (and, refused for timing, ``metrics.json``).

Checked against facebookresearch/detectron2 at v0.1 (1a7daee0), v0.2
(a33fc537), v0.6 (d1e04565) and main (02b5c4e2), with fvcore's
``HistoryBuffer``:

* ``iter: N`` is ``storage.iter``, the 0-based index of the iteration that has
  just finished (``PeriodicWriter.after_step`` writes when ``(iter + 1) % 20 ==
  0`` or at ``max_iter - 1``), so the completed count is N + 1; it is global
  and continues from the checkpoint on resume.
* ``time:`` (``utils/events.py``) is ``storage.history("time").global_avg()``,
  printed ``{:.4f}``: the mean of *every* step time recorded in this process,
  a cumulative mean, not a window.  ``engine/hooks.py`` ``IterationTimer``
  (``warmup_iter=3``, ``iter_done >= 3``) records no time for the first two
  iterations of the run, so at completed count c the mean covers iterations
  ``start + 3 .. c``: ``c - start - 2`` of them.  A step's time runs from the
  timer's ``before_step`` to its ``after_step`` (it is the first hook), so
  checkpointing, evaluation and log writing are not in it.
* ``Starting training from iteration N`` (``engine/train_loop.py``) gives the
  start; each ``train()`` makes a new ``EventStorage``, so a resumed run's
  mean restarts there.
* ``last_time:`` (main after 2023-02-14 only) is one iteration's time; not read.
* ``metrics.json`` rows (``JSONWriter``) carry ``time`` as the *median* of the
  last 20 step times (``latest_with_smoothing_hint``), and ``eta_seconds`` a
  median of 1000 times the iterations left: no mean can be recovered, so
  their progress is read but their timing is refused.
"""

from __future__ import annotations

import json
import re
from typing import Any, ClassVar

from ..window import Span
from .base import NUMBER, LogFormatError, LogParser, Printed, Timing, count_option, cumulative_origin, decimals, printed

__all__ = ["Detectron2Parser"]

TIME = re.compile(r"(?<![\w.])time: " + NUMBER)
LR = re.compile(r"(?<![\w.])lr: ")
ITER_FIELD = re.compile(r"(?<![\w.])iter: (\d+)\s")
_START = re.compile(r"\bStarting training from iteration (\d+)\b")

_MEDIAN = ("detectron2's metrics.json gives 'time' as the median of the last 20 step times (and 'eta_seconds' as a "
           "median of 1000), not a mean, so no window's time follows from it; read the console log (log.txt), "
           "whose 'time:' is the cumulative mean")


class Detectron2Parser(LogParser):
    """detectron2's ``CommonMetricPrinter`` lines (``d2.utils.events``)."""

    name = "detectron2"
    reads_cut_lines = True
    summary = "detectron2 console or log.txt ('iter: 19 ... time: 0.3322'; time is the mean since the run began)"
    option_defaults: ClassVar[dict[str, Any]] = {"start_iter": None}
    description = (
        "Reads detectron2's CommonMetricPrinter lines, e.g. '[11/01 11:27:04 d2.utils.events]:  eta: 8:05:12  "
        "iter: 1259  total_loss: 1.012  ...  time: 0.3322  data_time: 0.0334  lr: 0.010000  max_mem: 3961M'. "
        "'iter' is the 0-based index of the iteration just finished, so the completed count is iter + 1 (global, "
        "continuing after a resume). 'time' is the cumulative mean step time of the run (HistoryBuffer.global_avg), "
        "over every iteration but the run's first two (IterationTimer's warm-up), so the window's time is the "
        "difference of two cumulative sums; that needs the iteration the run started from: the 'Starting training "
        "from iteration N' line, the option start_iter, or a log that begins with the run's first lines. Lines of "
        "metrics.json are counted, but their 'time' is a 20-iteration median and is refused for timing. A line "
        "with maskrcnn-benchmark's 'max mem:' raises. Options: start_iter (int)."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._start_iter = count_option(self.name, "start_iter", self._options["start_iter"])
        self._logged_start: int | None = None
        self._readings: list[tuple[int, Printed]] = []
        self._json_rows = False

    def _parse(self, text: str, line: str) -> int | None:
        if text.startswith("{") and '"iteration"' in text:
            return self._json_row(text)
        m = _START.search(text)
        if m is not None:
            if self._last:
                raise LogFormatError("detectron2: a second 'Starting training' line: the log holds several runs; "
                                     "give one run's log", line)
            self._logged_start = int(m.group(1))
            return None
        m = ITER_FIELD.search(text)
        if m is None:
            return None
        if LR.search(text, m.end()) is None and not (self._cut and self._last and TIME.search(text, m.end())):
            # 'lr:' follows the timing fields; a cut line of a log already read as detectron2's may have lost it.
            return None
        if "max mem:" in text:
            raise LogFormatError(
                "detectron2: this looks like a maskrcnn-benchmark line ('max mem:'), whose 'iter' is 1-based; "
                "use the 'maskrcnn-benchmark' format",
                line,
            )
        completed = int(m.group(1)) + 1
        t = TIME.search(text, m.end())
        if t is not None and completed > self._last:
            self._readings.append((completed, printed(t.group(1))))
        return completed

    def _json_row(self, text: str) -> int | None:
        try:
            row = json.loads(text)
        except ValueError:
            return None  # a truncated row
        it = row.get("iteration") if isinstance(row, dict) else None
        if isinstance(it, bool) or not isinstance(it, int) or not ({"time", "total_loss"} & set(row)):
            return None  # an evaluation row (at max_iter), or no training scalars
        self._json_rows = True
        return it + 1

    def _timing(self, items_per_iteration: int | None = None) -> Timing:
        meanings = {"cumulative": "detectron2's 'time:', the mean step time of every iteration of the run since its "
                                  "third (IterationTimer leaves out two), printed to "
                                  f"{decimals(p for _, p in self._readings)}"}
        if not self._readings:
            return Timing(refusals=(_MEDIAN,) if self._json_rows else ())
        lines = [c for c, _ in self._readings]
        origin, how = cumulative_origin(self.name, self._start_iter, self._logged_start, lines)
        if origin is None:
            return Timing(meanings=meanings, refusals=(how,))
        first = origin + 2  # IterationTimer records no time for the run's first two iterations
        spans = tuple(Span(first, c, p.value * (c - first), p.precision * (c - first), "cumulative")
                      for c, p in self._readings if c > first)
        refusals: tuple[str, ...] = ()
        if lines[0] <= origin:
            refusals = (f"a line at iteration {lines[0]} comes before the start iteration {origin}",)
            spans = ()
        return Timing(spans, meanings, refusals, (how,))
