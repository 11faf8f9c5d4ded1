"""Read "how many training iterations have completed" out of one log line.

Why this module exists: the runner streams a training process's output line by
line and stamps every line with its own monotonic clock when it arrives.  Speed
is then computed from *our* clock and the iteration count each line reports, so
the only thing we need from the implementation is an honest count.  Every
implementation prints that count differently: 0-based or 1-based, per epoch or
global, every k iterations, behind ANSI colours or inside a progress bar that is
redrawn with ``\\r``.  An off-by-one or a missed epoch rollover does not crash;
it silently skews every number on the benchmark page.  So the parsers here are
strict on purpose:

* each format's counting rule was checked against the implementation's source
  (see ``docs/runners/log-formats.rst`` for the files and what they show);
* ``iteration`` is always the number of *completed* iterations, counted from 1
  and global across epochs;
* a parser only returns a :class:`Progress` when the count advances; a repeat of
  the same count returns ``None``, so the engine sees a strictly increasing
  sequence;
* anything inconsistent (the count going backwards, an epoch length that
  changes, a line that looks like a *different* format's counter, a needed
  option that is missing) raises :class:`LogFormatError` quoting the line,
  instead of guessing.

Parsers are pure: no I/O, no shell, compiled regexes only.  One instance parses
one run, because several formats need state (the current epoch, the epoch
length).
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from typing import Any, ClassVar

__all__ = [
    "FORMATS",
    "Detectron2Parser",
    "DetectronParser",
    "GenericParser",
    "KerasParser",
    "LogFormatError",
    "LogParser",
    "MMDetectionParser",
    "MaskRCNNBenchmarkParser",
    "Progress",
    "SimpleDetParser",
    "TensorpackParser",
    "TorchvisionParser",
    "make_parser",
]


@dataclass(frozen=True)
class Progress:
    """What one log line says about training progress.

    ``iteration`` is the number of completed training iterations so far,
    counted from 1 and global across epochs, so that the engine can divide
    iterations by its own elapsed time without knowing the format.
    ``own_seconds_per_iter`` is kept separately because it is the
    implementation's *own* claim (often smoothed over a window), useful for
    cross-checking our clock but never a substitute for it.
    """

    iteration: int
    own_seconds_per_iter: float | None
    images: int | None = None


class LogFormatError(ValueError):
    """A line could not be read without guessing.

    Raised instead of returning a plausible but possibly wrong count; the
    engine turns it into a failed run, which is far cheaper than a wrong
    number on a published page.  ``line`` is the raw line as fed.
    """

    def __init__(self, message: str, line: str | None = None) -> None:
        self.line = line
        if line is not None:
            message = f"{message}; line: {line!r}"
        super().__init__(message)


# --------------------------------------------------------------------------
# Shared helpers
# --------------------------------------------------------------------------

# CSI sequences (colours, cursor movement such as tqdm's "\x1b[A"), OSC
# sequences (terminal titles) and two-character escapes.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]")
# Remaining C0 controls except TAB, e.g. the backspaces Keras' Progbar writes
# before redrawing ("\b" * width + "\r").
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NUMBER = r"(\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)"
# "time: 0.4383" but not "data_time:", "last_time:" or "model_time:".
_TIME = re.compile(r"(?<![\w.])time: " + _NUMBER)
_LR = re.compile(r"(?<![\w.])lr: ")
_ITER_FIELD = re.compile(r"(?<![\w.])iter: (\d+)\s")


def _clean(line: str) -> str:
    """Strip colours, control characters and surrounding blanks.

    Logs written to a terminal (detectron2, tensorpack) are coloured, and
    progress bars leave backspaces and padding; none of that carries meaning.
    """
    if "\x1b" in line:
        line = _ANSI.sub("", line)
    return _CONTROL.sub("", line).strip()


def _first_float(pattern: re.Pattern[str], text: str) -> float | None:
    """The first number captured by ``pattern`` in ``text``, if any."""
    m = pattern.search(text)
    return float(m.group(1)) if m else None


def _positive_int(parser: str, option: str, value: object, *, required: bool = False) -> int | None:
    """Validate an integer option; ``None`` means "not given"."""
    if value is None:
        if required:
            raise TypeError(f"log format {parser!r} needs option {option!r}")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise TypeError(f"log format {parser!r}: option {option!r} must be a positive int, got {value!r}")
    return value


def _bool(parser: str, option: str, value: object) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"log format {parser!r}: option {option!r} must be a bool, got {value!r}")
    return value


# --------------------------------------------------------------------------
# Base class
# --------------------------------------------------------------------------


class LogParser:
    """Base class: option checking, line cleaning and the monotonic guard.

    Subclasses set ``name``, ``description`` and ``option_defaults`` and
    implement :meth:`_parse`, which returns the global completed-iteration count
    and the printed seconds per iteration, or ``None`` when the line carries no
    progress.  The base class then enforces that counts never go backwards,
    because a count that does is the signature of a misread log.
    """

    name: ClassVar[str]
    description: ClassVar[str]
    option_defaults: ClassVar[dict[str, Any]] = {}

    def __init__(self, **options: Any) -> None:
        unknown = sorted(set(options) - set(self.option_defaults))
        if unknown:
            known = ", ".join(sorted(self.option_defaults)) or "none"
            raise TypeError(
                f"log format {self.name!r} got unknown option(s) {', '.join(unknown)}; its options are: {known}"
            )
        self._options: dict[str, Any] = {**self.option_defaults, **options}
        self._last = 0
        self._last_line: str | None = None

    def feed(self, line: str) -> Progress | None:
        """Read one line (already split on ``\\n`` and ``\\r``, without its ending).

        Returns a :class:`Progress` when the line reports a count higher than
        any before, ``None`` when it reports nothing new, and raises
        :class:`LogFormatError` when it cannot be read without guessing.
        """
        if "\n" in line or "\r" in line:
            raise ValueError(f"feed() takes one line; split on \\n and \\r first: {line!r}")
        text = _clean(line)
        if not text:
            return None
        parsed = self._parse(text, line)
        if parsed is None:
            return None
        iteration, seconds = parsed
        if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
            seconds = None  # a printed NaN, inf or 0 is no timing to cross-check against
        if iteration < 1:
            raise LogFormatError(f"{self.name}: computed iteration {iteration} < 1", line)
        if iteration < self._last:
            raise LogFormatError(
                f"{self.name}: iteration went backwards from {self._last} to {iteration} "
                f"(previous progress line: {self._last_line!r})",
                line,
            )
        if iteration == self._last:
            return None
        self._last = iteration
        self._last_line = line
        return Progress(iteration=iteration, own_seconds_per_iter=seconds)

    def _parse(self, text: str, line: str) -> tuple[int, float | None] | None:
        """Return (global completed iterations, printed seconds per iteration) or None.

        ``text`` is the cleaned line to match; ``line`` is the raw one, kept
        for error messages so that they show exactly what arrived.
        """
        raise NotImplementedError


# --------------------------------------------------------------------------
# detectron2
# --------------------------------------------------------------------------


class Detectron2Parser(LogParser):
    """detectron2's ``CommonMetricPrinter`` lines (``d2.utils.events``)."""

    name = "detectron2"
    description = (
        "Reads detectron2's CommonMetricPrinter lines, e.g. "
        "'[11/01 11:27:04 d2.utils.events]: eta: 8:05:12  iter: 1259  total_loss: 1.012  ...  "
        "time: 0.3322  data_time: 0.0334  lr: 0.010000  max_mem: 3961M'. The printed 'iter' is the "
        "trainer's 0-based index of the iteration that has just finished (PeriodicWriter writes in "
        "after_step when (iter + 1) % period == 0 or at max_iter - 1), so the completed count is iter + 1; "
        "it is global and resumes from the checkpoint's iteration. The printed 'time' is the global "
        "average (HistoryBuffer.global_avg) of the per-iteration time recorded by IterationTimer since "
        "the start of this run, excluding the first warm-up iterations (warmup_iter=3: iterations whose "
        "iter_done < 3 are not recorded); it is not a windowed median. Lines without 'lr:' after "
        "'iter:' are ignored; a line with maskrcnn-benchmark's 'max mem:' raises, because that "
        "format counts from 1. No options."
    )

    def _parse(self, text: str, line: str) -> tuple[int, float | None] | None:
        m = _ITER_FIELD.search(text)
        if m is None or _LR.search(text, m.end()) is None:
            return None
        if "max mem:" in text:
            raise LogFormatError(
                "detectron2: this looks like a maskrcnn-benchmark line ('max mem:'), whose 'iter' is 1-based; "
                "use the 'maskrcnn-benchmark' format",
                line,
            )
        return int(m.group(1)) + 1, _first_float(_TIME, text)


# --------------------------------------------------------------------------
# maskrcnn-benchmark
# --------------------------------------------------------------------------

# "time: 0.5063 (0.5132)": window median, then global average in parentheses.
_MEDIAN_AND_AVG_TIME = re.compile(r"(?<![\w.])time: " + _NUMBER + r"(?: \(" + _NUMBER + r"\))?")


class MaskRCNNBenchmarkParser(LogParser):
    """maskrcnn-benchmark's ``do_train`` lines (``maskrcnn_benchmark.trainer``)."""

    name = "maskrcnn-benchmark"
    option_defaults: ClassVar[dict[str, Any]] = {"zero_based": False}
    description = (
        "Reads maskrcnn-benchmark's trainer lines, e.g. '2019-05-31 07:57:47,793 maskrcnn_benchmark.trainer "
        "INFO: eta: 5 days, 22:13:05  iter: 20  loss: 2.3235 (2.9695)  ...  time: 0.7022 (0.7111)  "
        "data: 0.4336 (0.4301)  lr: 0.000833  max mem: 5004'. Since late 2018 do_train sets "
        "iteration = iteration + 1 before printing, so 'iter' is the 1-based, global count of completed "
        "iterations (printed when iter % 20 == 0 or iter == max_iter). Older trainers printed the 0-based "
        "index (starting with 'iter: 0'); pass zero_based=True for those. With the default, a line "
        "'iter: 0' raises. The printed 'time' is 'median (global average)': the median of the last 20 "
        "iterations' wall time (SmoothedValue window 20; each includes data loading) followed by the "
        "average since the start of the run; own_seconds_per_iter is the median. A line with "
        "detectron2's 'max_mem:' raises. Options: zero_based (bool, default False)."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._zero_based = _bool(self.name, "zero_based", self._options["zero_based"])

    def _parse(self, text: str, line: str) -> tuple[int, float | None] | None:
        m = _ITER_FIELD.search(text)
        if m is None or _LR.search(text, m.end()) is None:
            return None
        if "max_mem:" in text:
            raise LogFormatError(
                "maskrcnn-benchmark: this looks like a detectron2 line ('max_mem:'), whose 'iter' is 0-based; "
                "use the 'detectron2' format",
                line,
            )
        printed = int(m.group(1))
        if self._zero_based:
            iteration = printed + 1
        elif printed == 0:
            raise LogFormatError(
                "maskrcnn-benchmark: 'iter: 0' is printed only by the pre-2019 trainer, which counted from 0; "
                "pass zero_based=True for this log",
                line,
            )
        else:
            iteration = printed
        return iteration, _first_float(_MEDIAN_AND_AVG_TIME, text)


# --------------------------------------------------------------------------
# mmdetection (mmcv TextLoggerHook and mmengine LogProcessor)
# --------------------------------------------------------------------------

_MM_EPOCH = re.compile(
    r"\bEpoch(?:\((?P<mode>[a-z]+)\))?\s*\[\s*(?P<epoch>\d+)\s*\]\s*\[\s*(?P<i>\d+)\s*/\s*(?P<n>\d+)\s*\]"
)
_MM_ITER = re.compile(r"\bIter(?:\((?P<mode>[a-z]+)\))?\s*\[\s*(?P<i>\d+)\s*/\s*(?P<n>\d+)\s*\]")


class MMDetectionParser(LogParser):
    """mmdetection 1.x/2.x (mmcv) and 3.x (mmengine) training lines."""

    name = "mmdetection"
    description = (
        "Reads mmcv's TextLoggerHook lines (mmdetection 1.x/2.x), e.g. 'Epoch [1][50/7330]\\tlr: 2.000e-02, "
        "eta: ..., time: 0.532, data_time: 0.010, ...' (some mmcv versions print 'Epoch(train) [1][50/7330]'), "
        "mmengine's LogProcessor lines (mmdetection 3.x), e.g. 'Epoch(train)  [1][  50/7330]  lr: ...  "
        "time: 0.5320  data_time: ...', and the iteration-based variants 'Iter [50/90000]' (mmcv "
        "IterBasedRunner) and 'Iter(train) [   50/90000]' (mmengine by_epoch=False). In the epoch form "
        "both numbers are 1-based (epoch = runner.epoch + 1, inner iteration = runner.inner_iter + 1 or "
        "batch_idx + 1) and the number after the slash is the length of the training data loader, so the "
        "global count is (epoch - 1) * length + inner; in the Iter form the number is already the global "
        "1-based count (runner.iter + 1). Validation and test lines ('Epoch(val) ...', 'Iter(val) ...', "
        "'Epoch(test) ...') are ignored, and so are lines without an explicit mode and without a 'time' field: "
        "mmcv up to 1.2 logs evaluation results after an epoch under the training header "
        "('Epoch [4][181/181]\\tlr: ..., bbox_mAP: ...'), and mmcv itself tells them apart by 'time'. "
        "The printed 'time' is a mean of per-iteration wall times "
        "(IterTimerHook, including data loading): with mmcv over the last 'interval' iterations of the "
        "logger hook (LogBuffer.average(interval)), with mmengine over the last LogProcessor.window_size "
        "iterations (default 10). A loader length that changes between lines, or a switch between the "
        "epoch and Iter forms, raises. No options."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._form: str | None = None
        self._length: int | None = None

    def _parse(self, text: str, line: str) -> tuple[int, float | None] | None:
        m = _MM_EPOCH.search(text)
        form = "epoch"
        if m is None:
            m = _MM_ITER.search(text)
            form = "iter"
            if m is None:
                return None
        if m.group("mode") not in (None, "train"):
            return None
        if m.group("mode") is None and _first_float(_TIME, text) is None:
            # mmcv <= 1.2 logs evaluation results under the training header (runner.mode is still
            # 'train' after an epoch); its own test for a training line is a 'time' field.
            return None
        inner, length = int(m.group("i")), int(m.group("n"))
        if not 1 <= inner <= length:
            raise LogFormatError(f"mmdetection: iteration {inner} outside 1..{length}", line)
        if self._form is None:
            self._form, self._length = form, length
        elif form != self._form:
            raise LogFormatError(f"mmdetection: switched from the {self._form} form to the {form} form", line)
        elif length != self._length:
            raise LogFormatError(
                f"mmdetection: the total after the slash changed from {self._length} to {length}; "
                "global iterations cannot be computed",
                line,
            )
        if form == "iter":
            return inner, _first_float(_TIME, text)
        epoch = int(m.group("epoch"))
        if epoch < 1:
            raise LogFormatError("mmdetection: training epochs are printed 1-based, got epoch 0", line)
        return (epoch - 1) * length + inner, _first_float(_TIME, text)


# --------------------------------------------------------------------------
# torchvision detection references (MetricLogger.log_every)
# --------------------------------------------------------------------------

_TV = re.compile(r"\bEpoch: \[(?P<epoch>\d+)\]\s+\[\s*(?P<i>\d+)\s*/\s*(?P<n>\d+)\]")


class TorchvisionParser(LogParser):
    """torchvision ``references/detection`` lines printed by ``MetricLogger.log_every``."""

    name = "torchvision"
    description = (
        "Reads the lines printed by MetricLogger.log_every in torchvision's references/detection "
        "(also used by DETR and others), e.g. 'Epoch: [0]  [  20/7329]  eta: 1:00:00  lr: 0.000400  "
        "loss: 2.1000 (2.3000)  ...  time: 0.4500  data: 0.0100  max mem: 5000'. The epoch in the header "
        "is 0-based (engine.train_one_epoch: header = f'Epoch: [{epoch}]'). The bracketed number is the "
        "0-based index i of the batch that has just finished (log_every enumerates from 0 and prints "
        "when i % print_freq == 0 or i == len - 1), so the epoch's completed count is i + 1 and the "
        "global count is epoch * len + i + 1, with len the number after the slash. Evaluation lines "
        "('Test:  [   0/5000] ...') are ignored. The printed 'time' is NOT a median: log_every creates "
        "iter_time = SmoothedValue(fmt='{avg:.4f}'), so it is the mean wall time of the last 20 "
        "iterations (deque window 20), each measured from the end of the previous iteration, data "
        "loading included; the 'median (global average)' pairs belong to the losses. A length that "
        "changes between lines raises. No options."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._length: int | None = None

    def _parse(self, text: str, line: str) -> tuple[int, float | None] | None:
        m = _TV.search(text)
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
        return epoch * length + index + 1, _first_float(_TIME, text)


# --------------------------------------------------------------------------
# Detectron (Caffe2) json_stats
# --------------------------------------------------------------------------

class DetectronParser(LogParser):
    """Detectron's (Caffe2) ``json_stats: {...}`` lines."""

    name = "detectron"
    description = (
        "Reads Detectron's 'json_stats: {...}' lines printed by log_json_stats, e.g. 'json_stats: "
        "{\"accuracy_cls\": 0.923639, \"eta\": \"1 day, 13:30:44\", \"iter\": 120000, \"loss\": 0.562384, ..., "
        "\"time\": 0.562685}'. 'iter' is the 0-based cur_iter of the SGD loop in detectron/utils/train.py "
        "(for cur_iter in range(start_iter, MAX_ITER)); TrainingStats.LogIterStats logs after the iteration "
        "when cur_iter % 20 == 0 or cur_iter == MAX_ITER - 1, so the completed count is iter + 1 (the "
        "first line, 'iter': 0, means one iteration done). 'time' is iter_timer.average_time: the mean "
        "over all iterations since the timer was last reset; the loop resets it once, right after "
        "iteration start_iter + 20, to drop start-up outliers. Top-level floats may be printed as JSON "
        "numbers or, by the precision hack in log_json_stats, as strings; both are accepted. A line "
        "whose JSON does not parse (a truncated line) is ignored; parsed JSON without an integer 'iter' "
        "raises. No options."
    )

    def _parse(self, text: str, line: str) -> tuple[int, float | None] | None:
        at = text.find("json_stats: {")
        if at < 0 or (at and (text[at - 1].isalnum() or text[at - 1] == "_")):
            return None
        try:
            stats, _ = json.JSONDecoder().raw_decode(text, at + len("json_stats: "))
        except (ValueError, RecursionError):
            return None
        if not isinstance(stats, dict):
            raise LogFormatError("detectron: json_stats is not a JSON object", line)
        it = stats.get("iter")
        if isinstance(it, bool) or not isinstance(it, int):
            raise LogFormatError("detectron: json_stats has no integer 'iter'", line)
        seconds: float | None = None
        raw = stats.get("time")
        if raw is not None:
            try:
                seconds = float(raw)
            except (TypeError, ValueError) as exc:
                raise LogFormatError(f"detectron: 'time' is not a number: {raw!r}", line) from exc
        return it + 1, seconds


# --------------------------------------------------------------------------
# SimpleDet (MXNet Speedometer)
# --------------------------------------------------------------------------

_SPEEDOMETER = re.compile(
    r"\b(?:Epoch|Iter)\[(?P<epoch>\d+)\]\s*Batch\s*\[(?:\d+-)?(?P<batch>\d+)\]\s*"
    r"Speed: (?P<speed>\d+(?:\.\d*)?|inf|nan) samples/sec"
)


class SimpleDetParser(LogParser):
    """SimpleDet / MXNet ``Speedometer`` lines."""

    name = "simpledet"
    option_defaults: ClassVar[dict[str, Any]] = {"iters_per_epoch": None, "batch_size": None}
    description = (
        "Reads MXNet Speedometer lines as printed by SimpleDet's utils/callback.py, e.g. 'Epoch[0] Batch "
        "[20]\\tSpeed: 33.26 samples/sec\\tTrain-RpnAcc=0.973044,\\t...'; also MXNet's own variants "
        "'Epoch[0] Batch [0-20]\\tSpeed: ...' and 'Iter[0] Batch [20]\\tSpeed: ...'. The epoch is 0-based "
        "(fit loops over range(begin_epoch, num_epoch)). The batch number is the 0-based nbatch of the "
        "batch that has just finished: fit calls batch_end_callback with nbatch before nbatch += 1 "
        "(SimpleDet core/detection_module.py, MXNet module/base_module.py), and Speedometer prints when "
        "nbatch % frequent == 0 after the first call of an epoch, so 'Batch [20]' means 21 batches of this "
        "epoch done. The global count is epoch * iters_per_epoch + batch + 1; the log never states the "
        "epoch length, so a line with epoch > 0 raises unless iters_per_epoch is given. 'Speed' is "
        "frequent * batch_size / (wall time since the previous print), samples per second over the last "
        "'frequent' batches; with the batch_size option (SimpleDet: images per GPU times GPUs), "
        "own_seconds_per_iter = batch_size / speed, otherwise None. Options: iters_per_epoch (int), "
        "batch_size (int)."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._per_epoch = _positive_int(self.name, "iters_per_epoch", self._options["iters_per_epoch"])
        self._batch = _positive_int(self.name, "batch_size", self._options["batch_size"])

    def _parse(self, text: str, line: str) -> tuple[int, float | None] | None:
        m = _SPEEDOMETER.search(text)
        if m is None:
            return None
        epoch, done = int(m.group("epoch")), int(m.group("batch")) + 1
        if self._per_epoch is None:
            if epoch > 0:
                raise LogFormatError(
                    f"simpledet: epoch {epoch} (0-based) reached but the log never states the epoch length; "
                    "pass iters_per_epoch",
                    line,
                )
            iteration = done
        else:
            if done > self._per_epoch:
                raise LogFormatError(
                    f"simpledet: batch {done} of an epoch exceeds iters_per_epoch={self._per_epoch}", line
                )
            iteration = epoch * self._per_epoch + done
        speed = float(m.group("speed"))
        seconds = self._batch / speed if self._batch and math.isfinite(speed) and speed > 0 else None
        return iteration, seconds


# --------------------------------------------------------------------------
# tensorpack
# --------------------------------------------------------------------------

_TP_START = re.compile(r"\bStart Epoch (\d+) \.\.\.")
_TP_DONE = re.compile(r"\bEpoch (\d+) \(global_step (\d+)\) finished")
_TP_RESUME = re.compile(r"\bStart training with global_step=(\d+)")
# tensorpack: " 45%|####5     |450/1000[03:12<03:55, 2.34it/s]"; stock tqdm adds spaces.
_TQDM = re.compile(r"(?:^|\s|:)(?P<pct>\d+)%\|[^|]*\|\s*(?P<n>\d+)/(?P<total>\d+)\s*\[(?P<rest>[^\]]*)\]")
_TQDM_RATE = re.compile(r"(?P<rate>\d+(?:\.\d+)?)(?P<unit>it/s|s/it)")


def _tqdm_seconds(rest: str) -> float | None:
    """Seconds per iteration from tqdm's rate field ("2.34it/s" or "1.50s/it")."""
    m = _TQDM_RATE.search(rest)
    if m is None:
        return None
    rate = float(m.group("rate"))
    if m.group("unit") == "s/it":
        return rate
    return 1.0 / rate if rate > 0 else None


class TensorpackParser(LogParser):
    """tensorpack's per-epoch tqdm progress bar plus its epoch lines."""

    name = "tensorpack"
    option_defaults: ClassVar[dict[str, Any]] = {"steps_per_epoch": None}
    description = (
        "Reads tensorpack's training loop (tensorpack/train/base.py main_loop and callbacks/steps.py "
        "ProgressBar): 'Start Epoch 16 ...', then a tqdm bar redrawn with '\\r', e.g. "
        "' 45%|####5     |225/500[00:49<01:00, 4.55it/s]', then 'Epoch 16 (global_step 8000) finished, "
        "time:1 minute 49 seconds.'. Epochs are 1-based (range(starting_epoch, max_epoch + 1)); the bar is "
        "created in before_epoch with total = steps_per_epoch (TRAIN.STEPS_PER_EPOCH in the FasterRCNN "
        "example) and updated once per finished step, so its n is the 1-based count of completed steps in "
        "the epoch. The global count is base + (epoch - first epoch) * steps_per_epoch + n, where base is "
        "the global_step printed by 'Start training with global_step=N' on resume (0 otherwise); each "
        "'finished' line is checked against that and must agree. Bars outside an epoch (evaluation "
        "callbacks run in trigger_epoch, after the 'finished' line) are ignored; a bar inside an epoch "
        "whose total differs from steps_per_epoch raises. own_seconds_per_iter is 1 / tqdm's rate, which "
        "is an exponentially smoothed rate (tensorpack passes smoothing=0.5) printed with 2 decimals. "
        "The bar goes to stderr and the epoch lines to the logger's stream, so both streams must be "
        "merged unbuffered (PYTHONUNBUFFERED=1) for the order to be right; a bar that arrives after 'Start Epoch' "
        "but before that epoch's bar was drawn at 0 is the previous epoch's, late, and is ignored. "
        "Options: steps_per_epoch "
        "(int; learned from the first bar when not given)."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._steps = _positive_int(self.name, "steps_per_epoch", self._options["steps_per_epoch"])
        self._base = 0
        self._first_epoch: int | None = None
        self._epoch: int | None = None  # the epoch in progress, None between epochs
        self._drawn = False  # whether this epoch's bar has been drawn at 0 yet
        self._last_epoch = 0

    def _global(self, epoch: int, done: int) -> int:
        assert self._first_epoch is not None and self._steps is not None
        return self._base + (epoch - self._first_epoch) * self._steps + done

    def _parse(self, text: str, line: str) -> tuple[int, float | None] | None:
        m = _TP_START.search(text)
        if m is not None:
            epoch = int(m.group(1))
            if epoch <= self._last_epoch:
                raise LogFormatError(f"tensorpack: epoch {epoch} started after epoch {self._last_epoch}", line)
            if self._first_epoch is None:
                self._first_epoch = epoch
            self._epoch = self._last_epoch = epoch
            self._drawn = False
            return None
        m = _TP_DONE.search(text)
        if m is not None:
            return self._finished(int(m.group(1)), int(m.group(2)), line)
        m = _TP_RESUME.search(text)
        if m is not None:
            if self._first_epoch is not None:
                raise LogFormatError("tensorpack: 'Start training with global_step' after the first epoch", line)
            self._base = int(m.group(1))
            return None
        m = _TQDM.search(text)
        if m is None or self._epoch is None:
            return None
        done, total = int(m.group("n")), int(m.group("total"))
        if self._steps is None:
            self._steps = total
        elif total != self._steps:
            raise LogFormatError(
                f"tensorpack: a progress bar of {total} steps inside epoch {self._epoch}, "
                f"but steps_per_epoch is {self._steps}",
                line,
            )
        if done > total:
            raise LogFormatError(f"tensorpack: bar at {done} of {total}", line)
        if done == 0:  # tqdm's first draw, before any step has finished
            self._drawn = True
            return None
        if not self._drawn:
            # The bar goes to stderr and 'Start Epoch' to stdout; where the two are forwarded
            # separately (mpirun), the previous epoch's last bar can arrive after the new epoch's
            # start line.  Every epoch's bar is drawn at 0 first, so a bar before that is stale.
            return None
        return self._global(self._epoch, done), _tqdm_seconds(m.group("rest"))

    def _finished(self, epoch: int, global_step: int, line: str) -> tuple[int, float | None] | None:
        if epoch != self._epoch:
            raise LogFormatError(f"tensorpack: epoch {epoch} finished but the epoch in progress is {self._epoch}", line)
        self._epoch = None
        if self._steps is not None:
            expected = self._global(epoch, self._steps)
            if global_step != expected:
                raise LogFormatError(
                    f"tensorpack: global_step {global_step} but the bars imply {expected} "
                    f"(steps_per_epoch {self._steps}, start step {self._base}, first epoch {self._first_epoch})",
                    line,
                )
        return global_step, None


# --------------------------------------------------------------------------
# Keras (matterport Mask_RCNN)
# --------------------------------------------------------------------------

_K_EPOCH = re.compile(r"^Epoch (\d+)/(\d+)$")
_K_BAR = re.compile(r"^(?P<n>\d+)/(?:(?P<target>\d+) \[|Unknown\b)")
_K_STEP_TIME = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)(s|ms|us)/step\b")
_UNIT_SECONDS = {"s": 1.0, "ms": 1e-3, "us": 1e-6}


class KerasParser(LogParser):
    """Keras ``Progbar`` lines under ``Epoch E/N`` headers (matterport Mask_RCNN)."""

    name = "keras"
    option_defaults: ClassVar[dict[str, Any]] = {"steps_per_epoch": None}
    description = (
        "Reads Keras' fit/fit_generator output as used by matterport/Mask_RCNN: 'Epoch 2/40' (printed by "
        "ProgbarLogger.on_epoch_begin as epoch + 1, so 1-based), then Progbar lines such as "
        "'  13/50 [=====>........................] - ETA: 1:20 - loss: 2.3000' and, at the end of the "
        "epoch, '50/50 [==============================] - 120s 2s/step - loss: ...'. With steps_per_epoch "
        "set (Mask_RCNN passes config.STEPS_PER_EPOCH) the bar counts steps: ProgbarLogger adds 1 per "
        "finished batch, so the number before the slash is the 1-based count of completed steps in the "
        "epoch and the number after it is steps_per_epoch. The global count is (epoch - 1) * "
        "steps_per_epoch + n. Bars before any 'Epoch' line (predict/evaluate) are ignored; a bar whose "
        "target differs from steps_per_epoch raises. Only the epoch's last line carries a time: "
        "'Xs/step' (or ms/us) = elapsed epoch time / steps, rounded to a whole number by '%.0f', so it "
        "is coarse; mid-epoch lines give None. Keras 3's bar ('━', no brackets) is not read. Options: "
        "steps_per_epoch (int; needed only for '/Unknown' bars, otherwise learned and checked)."
    )

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._steps = _positive_int(self.name, "steps_per_epoch", self._options["steps_per_epoch"])
        self._epoch: int | None = None

    def _parse(self, text: str, line: str) -> tuple[int, float | None] | None:
        m = _K_EPOCH.match(text)
        if m is not None:
            epoch = int(m.group(1))
            if epoch < 1:
                raise LogFormatError("keras: epochs are printed 1-based, got 0", line)
            self._epoch = epoch
            return None
        m = _K_BAR.match(text)
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
            return done, None
        seconds = None
        t = _K_STEP_TIME.search(text)
        if t is not None:
            seconds = float(t.group(1)) * _UNIT_SECONDS[t.group(2)]
        assert self._steps is not None
        return (self._epoch - 1) * self._steps + done, seconds


# --------------------------------------------------------------------------
# Generic regex
# --------------------------------------------------------------------------


class GenericParser(LogParser):
    """Any log whose progress line a regular expression can describe."""

    name = "generic"
    option_defaults: ClassVar[dict[str, Any]] = {"pattern": None, "zero_based": False}
    description = (
        "Reads any log with a user-supplied regular expression (option 'pattern', searched in each "
        "line after colour codes are removed). The pattern must have a named group 'iteration'; its "
        "integer value is taken as the global count of completed iterations (zero_based=False) or as the "
        "0-based index of the iteration just finished, so the count is value + 1 (zero_based=True). An "
        "optional named group 'seconds' gives own_seconds_per_iter. A per-epoch counter that restarts is "
        "not supported: it raises as a count going backwards. Options: pattern (str or compiled regex, "
        "required), zero_based (bool, default False)."
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
        self._seconds = "seconds" in pattern.groupindex
        self._zero_based = _bool(self.name, "zero_based", self._options["zero_based"])

    def _parse(self, text: str, line: str) -> tuple[int, float | None] | None:
        m = self._pattern.search(text)
        if m is None or m.group("iteration") is None:
            return None
        raw = m.group("iteration")
        try:
            value = int(raw)
        except ValueError as exc:
            raise LogFormatError(f"generic: group 'iteration' matched {raw!r}, not an integer", line) from exc
        seconds: float | None = None
        if self._seconds and m.group("seconds") is not None:
            try:
                seconds = float(m.group("seconds"))
            except ValueError as exc:
                raise LogFormatError(f"generic: group 'seconds' matched {m.group('seconds')!r}", line) from exc
        return value + 1 if self._zero_based else value, seconds


# --------------------------------------------------------------------------
# Registry
# --------------------------------------------------------------------------

FORMATS: dict[str, type[LogParser]] = {
    cls.name: cls
    for cls in (
        Detectron2Parser,
        MMDetectionParser,
        MaskRCNNBenchmarkParser,
        TensorpackParser,
        SimpleDetParser,
        DetectronParser,
        KerasParser,
        TorchvisionParser,
        GenericParser,
    )
}


def make_parser(name: str, **options: Any) -> LogParser:
    """A fresh parser for one run of the format called ``name``.

    Raises ValueError for an unknown name (listing the known ones) so a typo
    in a benchmark definition fails before the run starts, and TypeError for
    options the format does not take.
    """
    try:
        cls = FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown log format {name!r}; known formats: {', '.join(sorted(FORMATS))}") from None
    return cls(**options)
