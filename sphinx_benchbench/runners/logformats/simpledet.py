"""SimpleDet and MXNet: ``Speedometer`` lines.

Checked against TuSimple/simpledet at 339a4788 (``utils/callback.py``,
``core/detection_module.py``, ``detection_train.py``) and apache/mxnet 1.3.0,
1.5.0 and 1.9.1 (``python/mxnet/callback.py``, ``module/base_module.py``):

* ``fit`` calls the batch-end callback after batch ``nbatch`` (0-based, per
  epoch) has finished, then ``nbatch += 1``; epochs are 0-based.  So
  ``Batch [20]`` means 21 batches of the epoch done: global = epoch *
  batches_per_epoch + batch + 1.
* SimpleDet since f67fca08 (2019-12) prints ``Epoch[%d] Batch [%d]\\tIter:
  %d/%d\\tLr: %.5f\\tSpeed: %.2f samples/sec\\tTrain-...``; ``Iter`` is the
  0-based batch count of this ``fit`` call (it restarts on resume), its total
  the batches per epoch times the epochs run.  Older SimpleDet and MXNet <= 1.3
  print ``Epoch[%d] Batch [%d]\\tSpeed: ...``; MXNet >= 1.4 ``Batch [a-b]``;
  without a metric MXNet prints ``Iter[epoch] Batch [%d]``.
* The first call of each epoch only starts the timer; then every ``frequent``
  batches ``Speed = frequent * batch_size / (time since the previous mark)``:
  the rate over exactly the ``frequent`` batches since the previous line (the
  epoch's first batch is never in one, nor its tail after the last line).
  ``batch_size`` is the data iterator's: in SimpleDet images per GPU times the
  worker's GPUs.
* ``Epoch[%d] Time cost=%.3f`` closes an epoch with its whole time.
* Speed is printed ``%.2f`` by the Speedometer; MXNet's Gluon image
  classification example prints its imitation ``%f``: the precision and the
  semantics' text come from the digits actually printed.
"""

from __future__ import annotations

import math
import re
from functools import reduce
from typing import Any, ClassVar

from ..window import Span
from .base import LogFormatError, LogParser, Printed, Timing, decimals, positive_int, printed

__all__ = ["SimpleDetParser"]

_SPEEDOMETER = re.compile(
    r"\b(?:Epoch|Iter)\[(?P<epoch>\d+)\]\s*Batch\s*\[(?:\d+-)?(?P<batch>\d+)\]\s*"
    r"(?:Iter:\s*(?P<iter>\d+)(?:/\d+)?\s*)?(?:Lr:\s*\S+\s*)?"
    r"Speed: (?P<speed>\d+(?:\.\d*)?|inf|nan) samples/sec(?=[\s,]|$)"
)
_COST = re.compile(r"\bEpoch\[(?P<epoch>\d+)\] Time cost=(?P<cost>\d+(?:\.\d+)?)(?=\s|$)")


class SimpleDetParser(LogParser):
    """SimpleDet / MXNet ``Speedometer`` lines."""

    name = "simpledet"
    reads_cut_lines = True
    summary = "SimpleDet / MXNet Speedometer ('Epoch[0] Batch [20]  Speed: 33.26 samples/sec')"
    option_defaults: ClassVar[dict[str, Any]] = {"iters_per_epoch": None, "batch_size": None}
    description = (
        "Reads MXNet Speedometer lines as SimpleDet prints them, e.g. 'Epoch[0] Batch [20]\\tIter: 20/29316\\tLr: "
        "0.00667\\tSpeed: 33.26 samples/sec\\tTrain-RpnAcc=0.973044,\\t...', older ones without Iter and Lr, and "
        "MXNet's 'Epoch[0] Batch [0-20]\\tSpeed: ...' and 'Iter[0] Batch [20]\\tSpeed: ...'. Epoch and batch are "
        "0-based and the batch is the one just finished: global = epoch * iters_per_epoch + batch + 1. The epoch "
        "length is not printed: the option iters_per_epoch, or SimpleDet's Iter field on lines of two epochs. "
        "'Speed' is samples per second over the 'frequent' batches since the previous line (the lines' spacing), "
        "so each line times exactly those batches; converting it needs the Speedometer's batch size (option "
        "batch_size, else the items per iteration). 'Epoch[N] Time cost=...' gives a whole epoch. Options: "
        "iters_per_epoch (int), batch_size (int)."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._per_epoch = positive_int(self.name, "iters_per_epoch", self._options["iters_per_epoch"])
        self._batch = positive_int(self.name, "batch_size", self._options["batch_size"])
        #: (epoch, batch, Iter field or None, speed)
        self._readings: list[tuple[int, int, int | None, Printed]] = []
        self._costs: list[tuple[int, Printed]] = []

    def _parse(self, text: str, line: str) -> int | None:
        c = _COST.search(text)
        if c is not None:
            self._costs.append((int(c.group("epoch")), printed(c.group("cost"))))
            return None
        m = _SPEEDOMETER.search(text)
        if m is None:
            return None
        epoch, batch = int(m.group("epoch")), int(m.group("batch"))
        shown_iter = int(m.group("iter")) if m.group("iter") is not None else None
        speed = m.group("speed")
        if speed not in ("inf", "nan") and (not self._readings or self._readings[-1][:2] != (epoch, batch)):
            self._readings.append((epoch, batch, shown_iter, printed(speed)))
        if self._per_epoch is None:
            if epoch > 0:
                if shown_iter is not None:
                    return None  # placed once two epochs' Iter fields give the epoch length (timing())
                raise LogFormatError(
                    f"simpledet: epoch {epoch} (0-based) reached but the log never states the epoch length; "
                    "pass iters_per_epoch",
                    line,
                )
            return batch + 1
        if batch + 1 > self._per_epoch:
            raise LogFormatError(f"simpledet: batch {batch + 1} of an epoch exceeds iters_per_epoch={self._per_epoch}",
                                 line)
        return epoch * self._per_epoch + batch + 1

    def _epoch_length(self) -> int | None:
        if self._per_epoch is not None:
            return self._per_epoch
        lengths = {((b2i - b1i) - (b2 - b1)) // (e2 - e1)
                   for (e1, b1, b1i, _), (e2, b2, b2i, _) in zip(self._readings, self._readings[1:], strict=False)
                   if e2 > e1 and b1i is not None and b2i is not None and ((b2i - b1i) - (b2 - b1)) % (e2 - e1) == 0}
        if len(lengths) == 1 and (n := lengths.pop()) > 0:
            return n
        if all(e == 0 for e, *_ in self._readings):
            return 0  # every line in the first epoch: the length is not needed
        return None

    def _timing(self, items_per_iteration: int | None = None) -> Timing:
        if not self._readings:
            return Timing()
        length = self._epoch_length()
        if length is None:
            return Timing(refusals=("the log never states the epoch length, and no two epochs' Iter fields give it: "
                                    "pass the option iters_per_epoch",))
        batch_size = self._batch or items_per_iteration
        if batch_size is None:
            return Timing(refusals=("'Speed' is in samples per second; converting it needs the Speedometer's batch "
                                    "size: pass the option batch_size",))
        batches = [b for _, b, _, _ in self._readings]
        frequent = reduce(math.gcd, batches)
        steps = {b2 - b1 for (e1, b1, *_), (e2, b2, *_) in zip(self._readings, self._readings[1:], strict=False)
                 if e1 == e2}
        if steps and min(steps) != frequent:
            return Timing(refusals=("the Speedometer lines are not evenly spaced, so their interval is unknown",))
        spans = []
        for epoch, batch, _, speed in self._readings:
            end = epoch * length + batch + 1
            if speed.value <= 0:
                continue
            seconds = frequent * batch_size / speed.value
            error = seconds * speed.precision / speed.value
            spans.append(Span(end - frequent, end, seconds, error, "speed"))
        if length:
            for e, cost in self._costs:
                spans.append(Span(e * length, (e + 1) * length, cost.value, cost.precision, "epoch"))
                # The batches after the epoch's last line are in no Speed line: at that line's pace. The
                # epoch's first batch (loader start-up included, never timed by Speed) then follows from
                # the epoch's time, instead of being guessed at a pace it does not have.
                last = max(((end, s) for end, s in ((sp.end, sp) for sp in spans if sp.what == "speed")
                            if e * length < end <= (e + 1) * length), default=None, key=lambda x: x[0])
                if last is not None and last[0] < (e + 1) * length:
                    tail = (e + 1) * length - last[0]
                    spans.append(Span(last[0], (e + 1) * length, last[1].seconds / last[1].length * tail, 0.0,
                                      "tail", estimated=True))
        meanings = {
            "speed": f"the Speedometer's 'Speed', samples per second over the {frequent} batches since the previous "
                     f"line, at {batch_size} samples per batch, printed to {decimals(s for *_, s in self._readings)}",
            "epoch": "'Epoch[N] Time cost', the epoch's whole time",
            "tail": "an epoch's batches after its last Speed line, at that line's pace (estimated)",
        }
        assumed = [] if self._batch else [f"the Speedometer's batch size is the {batch_size} items per iteration"]
        if self._per_epoch is None and length:
            assumed.append(f"an epoch has {length} batches (from the Iter fields)")
        return Timing(tuple(spans), meanings, (), tuple(assumed))
