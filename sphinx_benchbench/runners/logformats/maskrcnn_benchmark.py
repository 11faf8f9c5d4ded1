"""maskrcnn-benchmark: ``do_train`` lines (``maskrcnn_benchmark.trainer``, also FCOS's ``fcos_core``).

Checked against facebookresearch/maskrcnn-benchmark at 57eec25 (and the
history of ``engine/trainer.py``):

* Since 2083f9d (2018-11-14, "Fix iteration count #145") ``do_train`` sets
  ``iteration = iteration + 1`` before printing, so ``iter: N`` is the 1-based,
  global count of completed iterations, printed when ``N % 20 == 0`` or at
  ``max_iter``.  The trainer before it printed the 0-based index from
  ``iter: 0`` (``zero_based=True``).
* ``time: X (Y)`` (``utils/metric_logger.py``): X is the median of the last 20
  ``batch_time`` values (``deque(maxlen=20)``), Y their ``global_avg``, the
  mean since ``MetricLogger`` was made -- once per ``do_train``, so since the
  run's start iteration.  ``batch_time`` runs from the end of the previous
  iteration to the end of this one: data loading, the step, and whatever the
  previous iteration did after it (logging, checkpointing, validation), so the
  sum of the run's times is its wall-clock time.  Y is read, by differencing;
  a median cannot be summed.
* No line prints the start iteration (only ``Start training`` and
  ``Loading checkpoint from ...``).
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from ..window import Span
from .base import (
    NUMBER,
    LogFormatError,
    LogParser,
    Printed,
    Timing,
    bool_option,
    count_option,
    cumulative_origin,
    decimals,
    printed,
)
from .detectron2 import ITER_FIELD, LR

__all__ = ["MaskRCNNBenchmarkParser"]

# "time: 0.5063 (0.5132)": the median of the last 20, then the global average in parentheses.
_MEDIAN_AND_AVG = re.compile(r"(?<![\w.])time: " + NUMBER + r"(?: \(" + NUMBER + r"\))?")


class MaskRCNNBenchmarkParser(LogParser):
    """maskrcnn-benchmark's ``do_train`` lines."""

    name = "maskrcnn-benchmark"
    reads_cut_lines = True
    summary = "maskrcnn-benchmark trainer ('iter: 20 ... time: 0.7022 (0.7111)'; the mean in parentheses is read)"
    option_defaults: ClassVar[dict[str, Any]] = {"zero_based": False, "start_iter": None}
    description = (
        "Reads maskrcnn-benchmark's trainer lines, e.g. '2019-05-31 07:57:47,793 maskrcnn_benchmark.trainer "
        "INFO: eta: 5 days, 22:13:05  iter: 20  loss: 2.3235 (2.9695)  ...  time: 0.7022 (0.7111)  "
        "data: 0.4336 (0.4301)  lr: 0.000833  max mem: 5004'. 'iter' is the 1-based, global count of completed "
        "iterations (since late 2018; the older trainer printed the 0-based index from 'iter: 0': pass "
        "zero_based=True, and 'iter: 0' without it raises). 'time: X (Y)' is the median of the last 20 iteration "
        "times and, in parentheses, the mean of every iteration since the run started; the window's time is the "
        "difference of two such sums, so the run's start must be known (the log never prints it): the option "
        "start_iter, or a log that begins with the run's first lines. The median is not used. A line with "
        "detectron2's 'max_mem:' raises. Options: zero_based (bool, default False), start_iter (int)."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._zero_based = bool_option(self.name, "zero_based", self._options["zero_based"])
        self._start_iter = count_option(self.name, "start_iter", self._options["start_iter"])
        self._readings: list[tuple[int, Printed]] = []
        self._medians_only = False

    def _parse(self, text: str, line: str) -> int | None:
        m = ITER_FIELD.search(text)
        if m is None:
            return None
        if LR.search(text, m.end()) is None and not (self._cut and self._last and _MEDIAN_AND_AVG.search(text)):
            return None  # 'lr:' follows the timing fields: only a cut line may lack it
        if "max_mem:" in text:
            raise LogFormatError(
                "maskrcnn-benchmark: this looks like a detectron2 line ('max_mem:'), whose 'iter' is 0-based; "
                "use the 'detectron2' format",
                line,
            )
        shown = int(m.group(1))
        if self._zero_based:
            completed = shown + 1
        elif shown == 0:
            raise LogFormatError(
                "maskrcnn-benchmark: 'iter: 0' is printed only by the pre-2019 trainer, which counted from 0; "
                "pass zero_based=True for this log",
                line,
            )
        else:
            completed = shown
        t = _MEDIAN_AND_AVG.search(text, m.end())
        if t is not None and completed > self._last:
            if t.group(2) is None:
                self._medians_only = self._medians_only or not self._cut  # a cut line may have lost its mean
            else:
                self._readings.append((completed, printed(t.group(2))))
        return completed

    def _timing(self, items_per_iteration: int | None = None) -> Timing:
        meanings = {"cumulative": "maskrcnn-benchmark's 'time: median (mean)', the mean (in parentheses) wall time of "
                                  "every iteration since the run started, printed to "
                                  f"{decimals(p for _, p in self._readings)}"}
        if not self._readings:
            refusals = ("the lines print only a median time, which cannot be summed",) if self._medians_only else ()
            return Timing(refusals=refusals)
        lines = [c for c, _ in self._readings]
        origin, how = cumulative_origin(self.name, self._start_iter, None, lines)
        if origin is None:
            return Timing(meanings=meanings, refusals=(how,))
        if lines[0] <= origin:
            return Timing(meanings=meanings, refusals=(f"a line at iteration {lines[0]} comes before the start "
                                                       f"iteration {origin}",))
        spans = tuple(Span(origin, c, p.value * (c - origin), p.precision * (c - origin), "cumulative")
                      for c, p in self._readings)
        return Timing(spans, meanings, (), (how,))
