"""Keras ``fit``/``fit_generator`` progress (matterport Mask_RCNN and other Keras 2 trainers).

Checked against keras-team/keras 2.0.0 .. 2.3.1 and v2.6.0 (``utils/generic_utils.py``
``Progbar``, ``callbacks.py`` ``ProgbarLogger``, ``engine/training_generator.py``),
the tensorflow-cpu 1.15.0 wheel's tf.keras, and matterport's ``MaskRCNN.train``:

* ``ProgbarLogger.on_epoch_begin`` prints ``Epoch %d/%d`` (epoch + 1, so
  1-based, continuing after ``initial_epoch``) and creates the ``Progbar``,
  which starts the epoch's clock.  ``on_batch_end`` adds 1 per step and draws
  ``'%Nd/%d ['`` (completed steps of the epoch / steps_per_epoch); the last
  step is drawn by ``on_epoch_end``, after ``fit_generator`` has run the
  epoch's validation.
* The epoch's last line carries ``' - %.0fs' % (now - start)`` (Keras >= 2.0.9;
  ``%ds``, truncated, before): the epoch's elapsed time, its validation
  included.  ``Xs/step`` is that over the steps in Keras 2.x but excludes the
  first step in Keras >= 2.6, and mid-epoch ``ETA`` lines likewise depend on
  the version: neither is used.  Keras 3's bar (``━``) is not read.
* tf.keras 1.15 prints a validation bar of its own (another target) before
  the epoch's last line; it is skipped.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

from ..window import Span
from .base import LogFormatError, LogParser, Printed, Timing, positive_int

__all__ = ["KerasParser"]

_EPOCH = re.compile(r"^Epoch (\d+)/(\d+)$")
_BAR = re.compile(r"^(?P<n>\d+)/(?:(?P<target>\d+) \[|Unknown\b)")
_ELAPSED = re.compile(r"\] - (?P<s>\d+)s(?P<rest>\s+\d+(?:\.\d+)?(?:s|ms|us)/step)?(?=\s|$)")


class KerasParser(LogParser):
    """Keras ``Progbar`` lines under ``Epoch E/N`` headers."""

    name = "keras"
    summary = "Keras progress bars under 'Epoch 2/40' ('50/50 [=====] - 1533s 31s/step - loss: ...')"
    option_defaults: ClassVar[dict[str, Any]] = {"steps_per_epoch": None}
    description = (
        "Reads Keras' fit/fit_generator output as used by matterport/Mask_RCNN: 'Epoch 2/40' (1-based), Progbar "
        "lines such as '  13/50 [=====>......] - ETA: 1:20 - loss: 2.3000' and the epoch's last line, '50/50 "
        "[==============================] - 120s 2s/step - loss: ...'. The number before the slash is the epoch's "
        "completed steps, the one after it steps_per_epoch: global = (epoch - 1) * steps_per_epoch + n. Timing: "
        "each epoch's elapsed seconds from its last line (validation included, when the fit validates), so a "
        "window is the epochs it covers, weighted by their overlap; the rounded 's/step' and the ETA are not used. "
        "Bars before any 'Epoch' line (predict/evaluate), and a validation bar after an epoch's last step, are "
        "ignored; a bar whose target differs from steps_per_epoch otherwise raises. Keras 3's bar is not read. "
        "Options: steps_per_epoch (int; needed only for '/Unknown' bars, otherwise learned and checked)."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._steps = positive_int(self.name, "steps_per_epoch", self._options["steps_per_epoch"])
        self._epoch: int | None = None
        self._done = 0  # steps of the current epoch seen
        #: (epoch, its elapsed seconds)
        self._ends: list[tuple[int, Printed]] = []

    def _parse(self, text: str, line: str) -> int | None:
        m = _EPOCH.match(text)
        if m is not None:
            epoch = int(m.group(1))
            if epoch < 1:
                raise LogFormatError("keras: epochs are printed 1-based, got 0", line)
            self._epoch, self._done = epoch, 0
            return None
        m = _BAR.match(text)
        if m is None or self._epoch is None:
            return None
        done = int(m.group("n"))
        if done == 0:
            return None
        target = m.group("target")
        if target is not None:
            steps = int(target)
            if self._steps is None:
                self._steps = steps
            elif steps != self._steps:
                if self._done >= self._steps - 1:
                    return None  # tf.keras 1.15's validation bar, drawn before the epoch's last line
                raise LogFormatError(
                    f"keras: a progress bar of {steps} steps in epoch {self._epoch}, but steps_per_epoch is "
                    f"{self._steps}",
                    line,
                )
            if done > steps:
                raise LogFormatError(f"keras: bar at {done} of {steps}", line)
        elif self._steps is None:
            if self._epoch > 1:
                raise LogFormatError(
                    "keras: the bar's target is Unknown and no steps_per_epoch was given; "
                    "the global iteration cannot be computed after epoch 1",
                    line,
                )
            return done
        assert self._steps is not None
        self._done = max(self._done, done)
        e = _ELAPSED.search(text)
        if e is not None and done == self._steps and not any(epoch == self._epoch for epoch, _ in self._ends):
            seconds = int(e.group("s"))
            # Keras >= 2.0.9 rounds ('%.0fs', with the per-step field); 2.0.x truncates ('%ds', without).
            self._ends.append((self._epoch, Printed(seconds, 0.5) if e.group("rest") else Printed(seconds + 0.5, 0.5)))
        return (self._epoch - 1) * self._steps + done

    def _timing(self, items_per_iteration: int | None = None) -> Timing:
        if not self._ends or self._steps is None:
            return Timing()
        n = self._steps
        spans = tuple(Span((e - 1) * n, e * n, t.value, t.precision, "epoch") for e, t in self._ends)
        meanings = {"epoch": f"Keras' epoch line '- Ns', the epoch's elapsed time over its {n} steps (its validation "
                             "included, when the fit validates), in whole seconds"}
        return Timing(spans, meanings)
