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
  The older classification reference (``references/classification/utils.py``
  at 041fe3bc, and its many copies) prints ``{header} Total time: H:MM:SS``
  alone, ``int(total_time)``: the epoch's time in whole, truncated seconds;
  it printed only when ``i % print_freq == 0`` (no line for the last batch).
* ``log_every`` always prints ``eta:``, the meters, ``time:`` and ``data:``
  (and ``max mem:`` on a GPU).  A line with the header but without ``time:``
  and ``data:`` is another logger's: PaddleDetection's ``LogPrinter`` prints
  ``Epoch: [0] [  50/7329] ... eta: ... batch_cost: ... data_cost:`` with an
  eta over the *whole* training, which read as torchvision's is 72 times too
  long; such a line raises instead.  DINO's ``Epoch: [0/100]`` is not read.
* ``Test:`` lines (evaluation) are not progress.
"""

from __future__ import annotations

import re
from typing import Any

from ..window import Span
from .base import NUMBER, LogFormatError, LogParser, Printed, Timing, decimals, printed

__all__ = ["TorchvisionParser"]

_LINE = re.compile(r"\bEpoch: \[(?P<epoch>\d+)\]\s+\[\s*(?P<i>\d+)\s*/\s*(?P<n>\d+)\]")
_TOTAL = re.compile(r"\bEpoch: \[(?P<epoch>\d+)\] Total time: (?:(?P<days>\d+) days?, )?"
                    r"(?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d)(?: \((?P<per>\d+(?:\.\d+)?) s / it\))?(?=\s|$)")
_TIME = re.compile(r"(?<![\w.])time: " + NUMBER)
_DATA = re.compile(r"(?<![\w.])data: " + NUMBER)
# Field names that time something, for saying which fields a look-alike line has instead ('batch_cost', 'ips').
_TIMING_FIELD = re.compile(r"(?<![\w.])(\w*(?:cost|time|ips|speed)\w*): ")
_ETA = re.compile(r"\beta: (?:(?P<days>\d+) days?, )?(?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d)(?=\s)")
#: SmoothedValue's default window (references/detection/utils.py).
WINDOW = 20


class TorchvisionParser(LogParser):
    """torchvision ``references/detection`` lines printed by ``MetricLogger.log_every``."""

    name = "torchvision"
    reads_cut_lines = True
    summary = "torchvision references' MetricLogger ('Epoch: [0]  [ 20/7329]  eta: ... time: 0.4500')"
    description = (
        "Reads the lines printed by MetricLogger.log_every in torchvision's references/detection (also used by "
        "DETR and others), e.g. 'Epoch: [0]  [  20/7329]  eta: 1:00:00  lr: 0.000400  loss: 2.1000 (2.3000)  "
        "...  time: 0.4500  data: 0.0100  max mem: 5000', and the epoch's 'Epoch: [0] Total time: 0:55:12 "
        "(0.4519 s / it)'. The epoch is 0-based and the bracketed number is the 0-based index i of the batch just "
        "finished: global = epoch * len + i + 1. 'time' is the mean of the last min(20, i + 1) iteration times of "
        "the epoch (a window, not a median); 'eta' is the epoch's mean so far times the batches left, truncated "
        "to seconds; the Total time line gives the epoch's mean (or, without '(x s / it)', its whole seconds). All "
        "are used. Evaluation lines ('Test:') are ignored; a length that changes, and a line with the header but "
        "without log_every's 'time:' and 'data:' fields (another logger's), raise. No options."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._length: int | None = None
        #: (epoch, index, printed time or None, eta seconds or None)
        self._readings: list[tuple[int, int, Printed | None, int | None]] = []
        #: (epoch, its mean per iteration or None, its whole seconds)
        self._totals: list[tuple[int, Printed | None, int]] = []

    def _parse(self, text: str, line: str) -> int | None:
        m = _TOTAL.search(text)
        if m is not None:
            whole = _seconds(m.group("days"), m.group("h"), m.group("m"), m.group("s"))
            per = printed(m.group("per")) if m.group("per") else None
            self._totals.append((int(m.group("epoch")), per, whole))
            return None
        m = _LINE.search(text)
        if m is None:
            return None
        t = _TIME.search(text, m.end())
        if t is None and self._cut:
            return None  # cut before its time: nothing to read
        if t is None or (_DATA.search(text, m.end()) is None and not self._cut):
            odd = [f for f in dict.fromkeys(_TIMING_FIELD.findall(text, m.end())) if f not in ("time", "data")]
            raise LogFormatError(
                "torchvision: a line with MetricLogger's header but without the 'time:' and 'data:' fields its "
                "log_every always prints" + (f" (it has {', '.join(odd)} instead)" if odd else "")
                + ": another logger's line, whose fields mean something else (PaddleDetection's LogPrinter prints "
                "this header with 'batch_cost:' and an eta of the whole training); read it with the generic format",
                line,
            )
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
            e = _ETA.search(text, m.end())
            eta = _seconds(e.group("days"), e.group("h"), e.group("m"), e.group("s")) if e is not None else None
            self._readings.append((epoch, index, printed(t.group(1)), eta))
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
        for epoch, per_iter, whole in self._totals:
            if per_iter is not None:
                spans.append(Span(epoch * n, (epoch + 1) * n, per_iter.value * n, per_iter.precision * n, "epoch"))
            else:  # int(total_time): truncated to the second
                spans.append(Span(epoch * n, (epoch + 1) * n, whole + 0.5, 0.5, "epoch-seconds"))
        times = [t for *_, t, _ in self._readings if t is not None]
        pers = [p for _, p, _ in self._totals if p is not None]
        meanings = {
            "window": f"torchvision's 'time:', the mean of the epoch's last {WINDOW} iteration times, printed to "
                      f"{decimals(times)}",
            "eta": "torchvision's 'eta', the epoch's mean iteration time so far times the iterations left, "
                   "truncated to seconds",
            "epoch": f"the epoch's 'Total time (s / it)', its mean over every batch, printed to {decimals(pers)}",
            "epoch-seconds": "the epoch's 'Total time: H:MM:SS' (without s / it), its whole time truncated to seconds",
        }
        return Timing(tuple(spans), meanings)


def _seconds(days: str | None, h: str, m: str, s: str) -> int:
    """``str(datetime.timedelta(seconds=int(x)))`` back to its whole seconds."""
    return ((int(days or 0) * 24 + int(h)) * 60 + int(m)) * 60 + int(s)
