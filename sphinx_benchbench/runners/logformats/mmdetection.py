"""mmdetection: mmcv's ``TextLoggerHook`` (1.x/2.x) and mmengine's ``LogProcessor`` (3.x).

Checked against open-mmlab/mmcv at v0.2.0 .. v1.7.2 (4c01b026; ``runner/hooks/
logger/base.py`` ``LoggerHook.after_train_iter``, ``runner/log_buffer.py``
``LogBuffer.average``) and open-mmlab/mmengine at v0.7.4, v0.10.7 and
10322790 (``runner/log_processor.py``), and the mmdet 3.0.0 and 3.3.0 wheels'
``configs/_base_/default_runtime.py``:

* Counting: ``Epoch [e][k/N]`` with both numbers 1-based and N the training
  loader's length (global = (e - 1) * N + k), or ``Iter [g/M]`` (global).
  mmengine prints ``Epoch(train)  [e][ k/N]`` / ``Iter(train) [g/M]``.
* ``time`` is ``IterTimerHook``'s wall time from the end of one iteration to
  the end of the next (data loading, forward, backward, the optimizer step).
* mmcv prints the mean over the last ``interval`` iterations of the logger
  hook (``log_buffer.average(interval)``); the buffer is cleared at every
  epoch start and lines come every ``interval`` iterations, so each line is
  the mean of exactly the iterations since the previous one (3 decimals).
  The interval is not printed: it is the lines' spacing.  With the default
  ``ignore_last=True`` an epoch's last ``N % interval`` iterations are never
  printed: once the log shows the next epoch, they are estimated at the pace
  of the epoch's own last line, not of the next epoch's first, whose time
  holds the data loader's restart (a new epoch's first interval is often
  half as slow again, its ``data_time`` ten times the steady one).  With
  ``ignore_last=False`` the epoch's last line averages the last ``interval``
  iterations, overlapping the one before.
* mmengine prints ``HistoryBuffer.mean(window_size)``: the mean of the last
  ``LogProcessor.window_size`` iterations (4 decimals), across epochs, whatever
  the ``LoggerHook`` interval.  The window is not printed either.
  ``LogProcessor(window_size=10)`` is mmengine's default, kept by plain
  mmengine projects and by mmsegmentation 1.x (which logs every 50, so each
  line times only the last 10 of its 50 iterations); mmdet 3.x's and mmyolo's
  ``default_runtime.py`` set ``window_size=50`` with ``interval=50``.  So 10 is
  assumed, and said, unless the option ``window_size`` says otherwise: with
  lines every 50 the window computation then refuses what the lines leave
  untimed, instead of reading 10 iterations' mean as 50's.
* Evaluation lines (``Epoch(val)``, mmcv up to 1.2's evaluation results
  under the training header, told apart by their lack of ``time``) are not
  progress.
"""

from __future__ import annotations

import math
import re
from functools import reduce
from typing import Any, ClassVar

from ..window import Span
from .base import NUMBER, LogFormatError, LogParser, Printed, Timing, decimals, positive_int, printed

__all__ = ["MMDetectionParser"]

_EPOCH = re.compile(
    r"\bEpoch(?:\((?P<mode>[a-z]+)\))?\s*\[\s*(?P<epoch>\d+)\s*\]\s*\[\s*(?P<i>\d+)\s*/\s*(?P<n>\d+)\s*\]"
)
_ITER = re.compile(r"\bIter(?:\((?P<mode>[a-z]+)\))?\s*\[\s*(?P<i>\d+)\s*/\s*(?P<n>\d+)\s*\]")
_TIME = re.compile(r"(?<![\w.])time: " + NUMBER)
#: mmengine's LogProcessor default window (mmengine/runner/log_processor.py: ``window_size=10``).
MMENGINE_WINDOW = 10
#: mmdet 3.x's and mmyolo's (configs/_base_/default_runtime.py in the mmdet 3.0.0 and 3.3.0 wheels).
MMDET3_WINDOW = 50


class MMDetectionParser(LogParser):
    """mmdetection 1.x/2.x (mmcv) and 3.x (mmengine) training lines."""

    name = "mmdetection"
    reads_cut_lines = True
    summary = "mmdetection 1.x/2.x (mmcv) or 3.x (mmengine) 'Epoch [1][50/7330] ... time: 0.532' lines"
    option_defaults: ClassVar[dict[str, Any]] = {"interval": None, "window_size": None}
    description = (
        "Reads mmcv's TextLoggerHook lines (mmdetection 1.x/2.x), e.g. 'Epoch [1][50/7330]\\tlr: 2.000e-02, "
        "eta: ..., time: 0.532, data_time: 0.010, ...', mmengine's LogProcessor lines (mmdetection 3.x), e.g. "
        "'Epoch(train)  [1][  50/7330]  lr: ...  time: 0.5320  data_time: ...', and the iteration-based "
        "'Iter [50/90000]' / 'Iter(train) [   50/90000]'. Both numbers of the epoch form are 1-based, the one after "
        "the slash the loader's length: global = (epoch - 1) * length + inner. mmcv's 'time' is the mean wall time "
        "of the iterations since the previous line (the logger's interval, taken from the lines' spacing or the "
        "option interval), and an epoch's unprinted last iterations are estimated at the pace of its last line; "
        "mmengine's is the mean of the last window_size iterations, across epochs (option window_size; "
        "mmengine's default of 10 is assumed when not given -- mmdetection 3.x and mmyolo configs set 50). "
        "Validation lines and mmcv's evaluation results are ignored; a loader length that changes, or a switch "
        "between forms, raises. Options: interval (int), window_size (int)."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._interval = positive_int(self.name, "interval", self._options["interval"])
        self._window = positive_int(self.name, "window_size", self._options["window_size"])
        self._form: str | None = None
        self._engine: bool | None = None
        self._length: int | None = None
        #: (global count, epoch or None, inner, printed time)
        self._readings: list[tuple[int, int | None, int, Printed]] = []

    def _parse(self, text: str, line: str) -> int | None:
        m = _EPOCH.search(text)
        form = "epoch"
        if m is None:
            m = _ITER.search(text)
            form = "iter"
            if m is None:
                return None
        mode = m.group("mode")
        if mode not in (None, "train"):
            return None
        t = _TIME.search(text, m.end())
        if mode is None and t is None:
            # mmcv <= 1.2 logs evaluation results under the training header; mmcv itself tells
            # them apart by a 'time' field.
            return None
        inner, length = int(m.group("i")), int(m.group("n"))
        if not 1 <= inner <= length:
            raise LogFormatError(f"mmdetection: iteration {inner} outside 1..{length}", line)
        engine = mode == "train"
        if self._form is None:
            self._form, self._length, self._engine = form, length, engine
        elif form != self._form or engine != self._engine:
            raise LogFormatError("mmdetection: the lines switched between the mmcv and mmengine or the epoch and "
                                 "iteration forms", line)
        elif length != self._length:
            raise LogFormatError(
                f"mmdetection: the total after the slash changed from {self._length} to {length}; "
                "global iterations cannot be computed",
                line,
            )
        epoch = None
        completed = inner
        if form == "epoch":
            epoch = int(m.group("epoch"))
            if epoch < 1:
                raise LogFormatError("mmdetection: training epochs are printed 1-based, got epoch 0", line)
            completed = (epoch - 1) * length + inner
        if t is not None and completed > self._last:
            self._readings.append((completed, epoch, inner, printed(t.group(1))))
        return completed

    def _timing(self, items_per_iteration: int | None = None) -> Timing:
        if not self._readings:
            return Timing()
        if self._engine:
            return self._engine_timing()
        return self._mmcv_timing()

    def _engine_timing(self) -> Timing:
        window = self._window or MMENGINE_WINDOW
        assumed = () if self._window else (
            f"mmengine's LogProcessor window_size is {MMENGINE_WINDOW}, its default (mmdetection 3.x and mmyolo "
            f"configs set {MMDET3_WINDOW}: pass the option window_size={MMDET3_WINDOW} for their logs)",)
        meanings = {"window": f"mmengine's 'time:', the mean wall time of the last {window} iterations "
                              f"(LogProcessor.window_size), printed to {decimals(p for *_, p in self._readings)}"}
        # Each line times its last `window` iterations, however far apart the lines are: with lines further apart
        # the stretches between are timed by no line, and the window computation refuses or estimates them.
        spans = tuple(Span(max(0, g - window), g, p.value * min(window, g), p.precision * min(window, g), "window")
                      for g, _, _, p in self._readings)
        return Timing(spans, meanings, (), assumed)

    def _mmcv_timing(self) -> Timing:
        length = self._length or 0
        ends_epoch = [self._form == "epoch" and inner == length for _, _, inner, _ in self._readings]
        regular = [inner for (_, _, inner, _), end in zip(self._readings, ends_epoch, strict=True) if not end]
        interval = self._interval
        if interval is None:
            steps = [b[0] - a[0] for a, b in zip(self._readings, self._readings[1:], strict=False)
                     if a[1] == b[1] and b[2] != length]
            spacing = min(steps, default=None)
            divisor = reduce(math.gcd, regular) if regular else None
            if spacing is None or divisor != spacing:
                return Timing(refusals=(
                    "mmcv's 'time:' is the mean over the logger's interval, which the log shows only as the "
                    "spacing of evenly spaced lines; these lines do not show it: pass the option interval=N",))
            interval = spacing
        if any(inner % interval for inner in regular):
            return Timing(refusals=(f"the lines are not at multiples of the logger's interval {interval}",))
        meanings = {
            "interval": f"mmcv's 'time:', the mean wall time of the {interval} iterations since the previous line, "
                        f"printed to {decimals(p for *_, p in self._readings)}",
            "epoch-end": f"mmcv's 'time:' at an epoch's end, the mean of its last {interval} iterations (overlapping "
                         "the line before), shared out over the iterations since that line",
            "tail": "an epoch's last iterations, which mmcv does not print (ignore_last), at the pace of the epoch's "
                    "own last line (estimated; the next epoch's first line holds the data loader's restart)",
        }
        spans = []
        for k, ((g, epoch, inner, p), end) in enumerate(zip(self._readings, ends_epoch, strict=True)):
            if end and length % interval and length > interval:
                own = length % interval  # ignore_last=False: only these iterations are new; the mean is of more
                spans.append(Span(g - own, g, p.value * own, p.precision * own, "epoch-end", estimated=True))
            else:
                n = min(interval, inner) if self._form == "epoch" else interval
                spans.append(Span(g - n, g, p.value * n, p.precision * n, "interval"))
            later = self._readings[k + 1] if k + 1 < len(self._readings) else None
            if epoch is not None and not end and later is not None and later[1] != epoch:
                # The epoch ended (the log goes on in a later one) after iterations no line prints.
                tail = epoch * length - g
                spans.append(Span(g, epoch * length, p.value * tail, 0.0, "tail", estimated=True))
        assumed = (f"mmcv's logger interval is {interval} (the lines' spacing)",) if self._interval is None else ()
        return Timing(tuple(spans), meanings, (), assumed)
