"""tensorpack: the training loop's epoch lines, its tqdm bar and ``Throughput``.

Checked against tensorpack/tensorpack v0.10.1 (8f831349) and older tags, and
tqdm v4.32.1/v4.41.1:

* ``train/base.py`` ``main_loop``: ``Start Epoch N ...`` (1-based), the
  epoch's steps, ``after_epoch`` callbacks, then ``Epoch N (global_step G)
  finished, time:T.``: G the cumulative completed steps (restored ones
  included), T the time from after the ``before_epoch`` callbacks to after the
  ``after_epoch`` ones (``trigger_epoch`` -- evaluation, checkpoints, the
  printed scalars -- is outside it).  ``humanize_time_delta`` prints T as
  ``{:.3g} seconds`` under 60 s and in whole (truncated) seconds above
  (``1 minute 51 seconds``); before 2018-02 it was ``time:%.2f sec.``.
* ``callbacks/steps.py`` ``ProgressBar``: a tqdm bar per epoch, created in
  ``before_epoch``, advanced once per step, writing to stderr; its n is the
  epoch's completed steps and ``{elapsed}`` the truncated seconds since the
  bar was made.  Its it/s is an exponentially smoothed rate: not used.
* ``callbacks/prof.py`` ``ThroughputTracker`` (FasterRCNN since 2019-05, with
  ``samples_per_step=NUM_GPUS``): ``Throughput (samples/sec): X`` (or
  ``steps/sec``), printed by ``ScalarPrinter`` as ``{:.5g}`` after the epoch's
  ``finished`` line: steps since the last trigger over the time spent inside
  epochs.
* ``Start training with global_step=N`` on resume (``MaintainStepCounter``
  prints it whenever the restored step is not 0).  So ``Start Epoch 1``
  without it is a fresh run, from step 0; ``Start Epoch N`` with N > 1 and no
  resume line is an excerpt (or a run whose first lines were cut off) and,
  like a log that starts mid-epoch, it is placed by its first ``finished``
  line: that epoch ends at its global step.
"""

from __future__ import annotations

import math
import re
from typing import Any, ClassVar

from ..window import DISAGREEMENT, Span
from .base import LogFormatError, LogParser, Printed, Timing, positive_int, printed

__all__ = ["TensorpackParser"]

_START = re.compile(r"\bStart Epoch (\d+) \.\.\.")
_DONE = re.compile(r"\bEpoch (\d+) \(global_step (\d+)\) finished, time:\s*(.+?)\.?\s*$")
_RESUME = re.compile(r"\bStart training with global_step=(\d+)")
# "|225/500[00:49<01:00, 4.55it/s]" (tensorpack's bar_format) or stock tqdm's "| 225/500 [00:49<01:00, ...".
_BAR = re.compile(r"\|\s*(?P<n>\d+)/(?P<total>\d+)\s*\[(?P<elapsed>(?:\d+:)?\d+:\d\d)<")
_THROUGHPUT = re.compile(r"\bThroughput \((?P<unit>samples|steps)/sec\): (?P<value>\d+(?:\.\d+)?(?:e[-+]?\d+)?)\s*$")
_UNITS = {"day": 86400, "hour": 3600, "minute": 60, "second": 1}
_PART = re.compile(r"(\d+(?:\.\d+)?) (day|hour|minute|second)s?\b")


def epoch_time(text: str) -> Printed | None:
    """``humanize_time_delta``'s text as seconds with its precision; ``None`` if not recognised."""
    old = re.fullmatch(r"(\d+\.\d+) sec", text)
    if old is not None:
        return printed(old.group(1))
    parts = _PART.findall(text)
    if not parts or _PART.sub("", text).strip():
        return None
    seconds = sum(float(v) * _UNITS[u] for v, u in parts)
    if len(parts) == 1 and parts[0][1] == "second" and seconds < 60:
        value = float(parts[0][0])  # '{:.3g} seconds': three significant digits
        digits = math.floor(math.log10(value)) if value > 0 else 0
        return Printed(value, 0.5 * 10.0 ** (digits - 2))
    return Printed(seconds + 0.5, 0.5)  # whole seconds, truncated


def _elapsed(text: str) -> int:
    seconds = 0
    for part in text.split(":"):
        seconds = seconds * 60 + int(part)
    return seconds


class TensorpackParser(LogParser):
    """tensorpack's per-epoch tqdm progress bar plus its epoch lines."""

    name = "tensorpack"
    summary = "tensorpack's 'Start Epoch', tqdm bar, 'Epoch N (global_step G) finished, time:...' and Throughput"
    option_defaults: ClassVar[dict[str, Any]] = {"steps_per_epoch": None, "samples_per_step": None}
    description = (
        "Reads tensorpack's training loop: 'Start Epoch 16 ...', a tqdm bar redrawn with '\\r', e.g. "
        "' 45%|####5     |225/500[00:49<01:00, 4.55it/s]', then 'Epoch 16 (global_step 8000) finished, "
        "time:1 minute 49 seconds.' and, with ThroughputTracker, 'Throughput (samples/sec): 4.4645'. Epochs are "
        "1-based; the bar's n is the epoch's completed steps; global_step is the cumulative count. A log may start "
        "mid-run: bars before the first epoch line are placed by the next 'finished' line. Timing: each epoch's "
        "time (from its 'finished' line; whole seconds above a minute), the bar's elapsed seconds within an epoch, "
        "and Throughput (checked against the epoch times; samples per step: the option samples_per_step, else the "
        "items per iteration). The bar goes to stderr and the epoch lines to stdout, so both must be merged "
        "unbuffered; a bar after 'Start Epoch' but before that epoch's first draw is the previous epoch's, late, "
        "and is ignored. Options: steps_per_epoch (int; else learned from the bar or the epochs' global steps), "
        "samples_per_step (int)."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._steps = positive_int(self.name, "steps_per_epoch", self._options["steps_per_epoch"])
        self._samples = positive_int(self.name, "samples_per_step", self._options["samples_per_step"])
        self._base = 0
        self._resumed = False  # a 'Start training with global_step' line was read
        #: The epoch the count is anchored at (``None`` until the log says where it starts).
        self._first_epoch: int | None = None
        self._epoch: int | None = None  # the epoch in progress, None between epochs
        self._drawn = False  # whether this epoch's bar has been drawn at 0 yet
        self._last_epoch = 0
        #: Bars not placed yet (a log that starts mid-epoch): (n, elapsed seconds).
        self._pending: list[tuple[int, int]] = []
        #: (epoch, steps done in it, elapsed seconds) of placed bars.
        self._bars: list[tuple[int, int, int]] = []
        #: (epoch, global step at its end, its time)
        self._ends: list[tuple[int, int, Printed | None]] = []
        #: (epoch just finished, value, unit)
        self._throughput: list[tuple[int, Printed, str]] = []

    def _global(self, epoch: int, done: int) -> int:
        assert self._first_epoch is not None and self._steps is not None
        return self._base + (epoch - self._first_epoch) * self._steps + done

    def _parse(self, text: str, line: str) -> int | None:
        m = _START.search(text)
        if m is not None:
            epoch = int(m.group(1))
            if epoch <= self._last_epoch:
                raise LogFormatError(f"tensorpack: epoch {epoch} started after epoch {self._last_epoch}", line)
            if self._first_epoch is None and not self._ends and (epoch == 1 or self._resumed):
                self._first_epoch = epoch  # a fresh run from step 0, or a resumed one from the step it printed
            self._epoch = self._last_epoch = epoch
            self._drawn = False
            self._pending.clear()  # bars of an epoch whose end the log never shows
            return None
        m = _DONE.search(text)
        if m is not None:
            return self._finished(int(m.group(1)), int(m.group(2)), m.group(3), line)
        m = _RESUME.search(text)
        if m is not None:
            if self._first_epoch is not None:
                raise LogFormatError("tensorpack: 'Start training with global_step' after the first epoch", line)
            self._base, self._resumed = int(m.group(1)), True
            return None
        m = _THROUGHPUT.search(text)
        if m is not None:
            if self._ends and self._epoch is None:
                self._throughput.append((self._ends[-1][0], printed(m.group("value")), m.group("unit")))
            return None
        m = _BAR.search(text)
        if m is None:
            return None
        done, total = int(m.group("n")), int(m.group("total"))
        if self._steps is None:
            self._steps = total
        elif total != self._steps:
            if self._epoch is None:
                return None  # an evaluation callback's bar, between epochs
            raise LogFormatError(
                f"tensorpack: a progress bar of {total} steps inside epoch {self._epoch}, "
                f"but steps_per_epoch is {self._steps}",
                line,
            )
        if done > total:
            raise LogFormatError(f"tensorpack: bar at {done} of {total}", line)
        elapsed = _elapsed(m.group("elapsed"))
        if self._epoch is None:
            if self._first_epoch is None and not self._ends:
                self._pending.append((done, elapsed))  # the log starts mid-epoch: placed by its 'finished' line
            return None
        if done == 0:  # tqdm's first draw, before any step has finished
            self._drawn = True
            return None
        if not self._drawn:
            # The bar goes to stderr and 'Start Epoch' to stdout; where the two are forwarded
            # separately (mpirun), the previous epoch's last bar can arrive after the new epoch's
            # start line.  Every epoch's bar is drawn at 0 first, so a bar before that is stale.
            return None
        if self._first_epoch is None:
            self._pending.append((done, elapsed))  # an excerpt's first epoch: placed by its 'finished' line
            return None
        self._bars.append((self._epoch, done, elapsed))
        return self._global(self._epoch, done)

    def _finished(self, epoch: int, global_step: int, when: str, line: str) -> int:
        if self._epoch is not None and epoch != self._epoch:
            raise LogFormatError(f"tensorpack: epoch {epoch} finished but the epoch in progress is {self._epoch}", line)
        if self._epoch is None and self._first_epoch is not None and epoch <= self._last_epoch:
            raise LogFormatError(f"tensorpack: epoch {epoch} finished after epoch {self._last_epoch}", line)
        if self._first_epoch is None:
            # The log starts mid-run: this epoch's end anchors the count.
            if self._steps is None and self._ends:
                prev_epoch, prev_step, _ = self._ends[-1]
                if epoch > prev_epoch and (global_step - prev_step) % (epoch - prev_epoch) == 0:
                    self._steps = (global_step - prev_step) // (epoch - prev_epoch)
            if self._steps is not None:
                self._first_epoch, self._base = epoch, global_step - self._steps
                self._bars += [(epoch, n, t) for n, t in self._pending if n > 0]
            self._pending.clear()
        elif self._steps is not None:
            expected = self._global(epoch, self._steps)
            if global_step != expected:
                raise LogFormatError(
                    f"tensorpack: global_step {global_step} but the bars imply {expected} "
                    f"(steps_per_epoch {self._steps}, start step {self._base}, first epoch {self._first_epoch})",
                    line,
                )
        self._epoch = None
        self._last_epoch = max(self._last_epoch, epoch)
        self._ends.append((epoch, global_step, epoch_time(when)))
        return global_step

    def _timing(self, items_per_iteration: int | None = None) -> Timing:
        steps = self._steps
        if steps is None:
            known = {(b - a) // (f - e) for (e, a, _), (f, b, _) in zip(self._ends, self._ends[1:], strict=False)
                     if f > e and (b - a) % (f - e) == 0}
            steps = known.pop() if len(known) == 1 else None
        deduced = steps is None and bool(self._ends) and not self._base and self._ends[0][1] % self._ends[0][0] == 0
        if deduced:
            # No resume line: the run started at step 0 with epoch 1, so epoch e ends at step e * steps.
            steps = self._ends[0][1] // self._ends[0][0]
        if steps is None:
            refusal = ("the log does not show how many steps an epoch has (no bar, no consecutive epochs): pass the "
                       "option steps_per_epoch",) if self._ends else ()
            return Timing(refusals=refusal)
        spans = [Span(g - steps, g, t.value, t.precision, "epoch") for _, g, t in self._ends if t is not None]
        end_of = {e: g for e, g, _ in self._ends}
        for epoch, done, elapsed in self._bars:
            start = end_of[epoch] - steps if epoch in end_of else (
                self._base + (epoch - self._first_epoch) * steps if self._first_epoch is not None else None)
            if start is not None:
                spans.append(Span(start, start + done, elapsed + 0.5, 0.5, "bar"))
        refusals: list[str] = []
        samples = self._samples or items_per_iteration
        checked = []
        for epoch, value, unit in self._throughput:
            per_step = 1 if unit == "steps" else samples
            if epoch not in end_of or per_step is None or value.value <= 0:
                continue
            seconds = steps * per_step / value.value
            checked.append(Span(end_of[epoch] - steps, end_of[epoch], seconds, seconds * value.precision / value.value,
                                "throughput"))
        disagree = [(s, t) for s in checked for _, g, t in self._ends
                    if t is not None and g == s.end and abs(s.seconds - t.value) > t.precision + s.error
                    + DISAGREEMENT * t.value]
        if disagree:
            s, t = disagree[0]
            refusals.append(f"'Throughput' gives epoch {s.start}-{s.end} {s.seconds:.4g} s against its printed "
                            f"{t.value:.4g} s, so it is not used (are there {samples} samples per step? pass the "
                            "option samples_per_step)")
        else:
            spans += checked
        meanings = {
            "epoch": "the epoch's time from its 'finished' line (its steps and step callbacks; evaluation and "
                     "checkpoints between epochs are outside it)",
            "bar": "the tqdm bar's elapsed whole seconds since the epoch began",
            "throughput": f"ThroughputTracker's 'Throughput' over the epoch, at {samples} samples per step",
        }
        assumed = [f"an epoch has {steps} steps"] if self._options["steps_per_epoch"] is None else []
        if deduced:
            assumed[-1] += " (global step / epoch: the log shows no resume, so epoch 1 began at step 0)"
        if checked and not disagree and self._samples is None:
            assumed.append(f"ThroughputTracker counts {samples} samples per step (the items per iteration)")
        return Timing(tuple(spans), meanings, tuple(refusals), tuple(assumed))
