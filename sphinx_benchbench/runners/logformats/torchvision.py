"""torchvision's detection references: ``MetricLogger.log_every`` (also DETR, DeiT, MAE, ...).

Checked against pytorch/vision ``references/detection/utils.py`` (15fc26c7,
and the older 227111b6, identical in what follows), ``engine.py`` (08eb8031)
and ``train.py`` (3ceb056d):

* ``header = f"Epoch: [{epoch}]"`` with the 0-based epoch; ``[{i}/{len}]`` is
  the 0-based index of the batch just finished (printed when ``i % print_freq
  == 0`` or ``i == len - 1``): global completed = epoch * len + i + 1.
* ``time:`` is ``iter_time`` with ``fmt="{avg:.4f}"``: the mean of the last
  min(20, i + 1) iteration times (``deque(maxlen=20)``), each from the end of
  the previous iteration (data loading included, the print not); the meter is
  made per ``log_every`` call, so the window never crosses an epoch.
* ``eta`` is ``str(timedelta(seconds=int(iter_time.global_avg * (len - i))))``:
  the mean of every iteration of the epoch so far, truncated to whole
  seconds -- a cumulative clock within the epoch.
* ``{header} Total time: H:MM:SS ({total / len:.4f} s / it)`` closes the
  epoch: its whole time (the prints and the loader's start and end included).
* ``Test:`` lines (evaluation) are not progress.
"""

from __future__ import annotations

import re
from typing import Any

from ..window import Span
from .base import NUMBER, LogFormatError, LogParser, Printed, Timing, printed

__all__ = ["TorchvisionParser"]

_LINE = re.compile(r"\bEpoch: \[(?P<epoch>\d+)\]\s+\[\s*(?P<i>\d+)\s*/\s*(?P<n>\d+)\]")
_TOTAL = re.compile(r"\bEpoch: \[(?P<epoch>\d+)\] Total time: [\d:, a-z]+ \((?P<per>\d+(?:\.\d+)?) s / it\)")
_TIME = re.compile(r"(?<![\w.])time: " + NUMBER)
_ETA = re.compile(r"\beta: (?:(?P<days>\d+) days?, )?(?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d)(?=\s)")
#: SmoothedValue's default window (references/detection/utils.py).
WINDOW = 20


class TorchvisionParser(LogParser):
    """torchvision ``references/detection`` lines printed by ``MetricLogger.log_every``."""

    name = "torchvision"
    summary = "torchvision references' MetricLogger ('Epoch: [0]  [ 20/7329]  eta: ... time: 0.4500')"
    description = (
        "Reads the lines printed by MetricLogger.log_every in torchvision's references/detection (also used by "
        "DETR and others), e.g. 'Epoch: [0]  [  20/7329]  eta: 1:00:00  lr: 0.000400  loss: 2.1000 (2.3000)  "
        "...  time: 0.4500  data: 0.0100  max mem: 5000', and the epoch's 'Epoch: [0] Total time: 0:55:12 "
        "(0.4519 s / it)'. The epoch is 0-based and the bracketed number is the 0-based index i of the batch just "
        "finished: global = epoch * len + i + 1. 'time' is the mean of the last min(20, i + 1) iteration times of "
        "the epoch (a window, not a median); 'eta' is the epoch's mean so far times the batches left, truncated "
        "to seconds; the Total time line gives the epoch's mean. All three are used. Evaluation lines ('Test:') "
        "are ignored; a length that changes raises. No options."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._length: int | None = None
        #: (epoch, index, printed time or None, eta seconds or None)
        self._readings: list[tuple[int, int, Printed | None, int | None]] = []
        self._totals: list[tuple[int, Printed]] = []

    def _parse(self, text: str, line: str) -> int | None:
        m = _TOTAL.search(text)
        if m is not None:
            self._totals.append((int(m.group("epoch")), printed(m.group("per"))))
            return None
        m = _LINE.search(text)
        if m is None:
            return None
        epoch, index, length = int(m.group("epoch")), int(m.group("i")), int(m.group("n"))
        if not 0 <= index < length:
            raise LogFormatError(f"torchvision: batch index {index} outside 0..{length - 1}", line)
        if self._length is None:
            self._length = length
        elif length != self._length:
            raise LogFormatError(
                f"torchvision: the epoch length changed from {self._length} to {length}; "
                "global iterations cannot be computed",
                line,
            )
        completed = epoch * length + index + 1
        if completed > self._last:
            t = _TIME.search(text, m.end())
            e = _ETA.search(text, m.end())
            eta = None
            if e is not None:
                eta = ((int(e.group("days") or 0) * 24 + int(e.group("h"))) * 60 + int(e.group("m"))) * 60 + int(
                    e.group("s"))
            self._readings.append((epoch, index, printed(t.group(1)) if t else None, eta))
        return completed

    def _timing(self, items_per_iteration: int | None = None) -> Timing:
        n = self._length
        if n is None:
            return Timing()
        spans = []
        for epoch, i, time, eta in self._readings:
            base, done = epoch * n, i + 1
            if time is not None:
                k = min(WINDOW, done)
                spans.append(Span(base + done - k, base + done, time.value * k, time.precision * k, "window"))
            if eta is not None:
                # eta = int(mean * (n - i)): the epoch's elapsed time through this batch, to a second's slice.
                per = done / (n - i)
                spans.append(Span(base, base + done, (eta + 0.5) * per, 0.5 * per, "eta"))
        for epoch, per_iter in self._totals:
            spans.append(Span(epoch * n, (epoch + 1) * n, per_iter.value * n, per_iter.precision * n, "epoch"))
        meanings = {
            "window": f"torchvision's 'time:', the mean of the epoch's last {WINDOW} iteration times, printed to "
                      "4 decimals",
            "eta": "torchvision's 'eta', the epoch's mean iteration time so far times the iterations left, "
                   "truncated to seconds",
            "epoch": "the epoch's 'Total time (s / it)', its mean over every batch, printed to 4 decimals",
        }
        return Timing(tuple(spans), meanings)
