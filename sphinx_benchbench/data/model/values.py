"""What the model computes from recorded values: statistics of samples, dates, software names."""

import datetime as dt
import functools
import math
import statistics
from collections.abc import Callable

__all__ = ["MAX_DECIMALS", "SOFTWARE_NAMES", "STATISTICS", "moment", "olympic", "software_name", "statistic_of"]

#: Most decimals a metric may show: beyond them a float has no digits to
#: show, and Python refuses to format with a precision that is too big.
MAX_DECIMALS = 12

def olympic(samples: list[float]) -> float:
    """MLPerf's olympic score: the mean after dropping the fastest and the slowest run.

    It needs three runs at least (MLPerf Training asks for five for Mask R-CNN).
    """
    if len(samples) < 3:
        raise ValueError("olympic scoring needs at least 3 samples")
    return statistics.fmean(sorted(samples)[1:-1])


#: How a result's value is derived from repeated runs' samples.
STATISTICS: dict[str, Callable[[list[float]], float]] = {
    "median": statistics.median, "mean": statistics.fmean, "min": min, "max": max, "olympic": olympic}


def statistic_of(statistic: str, samples: list[float]) -> float | None:
    """The named statistic of ``samples``, or ``None`` when it is not a finite number.

    Finite samples can still overflow: ``fmean`` raises ``OverflowError`` on
    [1.7e308, 1.7e308] and ``median`` averages them to ``inf``.
    """
    try:
        value = float(STATISTICS[statistic](samples))
    except (OverflowError, ValueError):
        return None
    return value if math.isfinite(value) else None


#: How package keys of ``software`` are written on the page.
SOFTWARE_NAMES = {
    "python": "Python",
    "cuda": "CUDA",
    "cudnn": "cuDNN",
    "nccl": "NCCL",
    "torch": "PyTorch",
    "torchvision": "torchvision",
    "tensorflow": "TensorFlow",
    "keras": "Keras",
    "mxnet": "MXNet",
    "caffe2": "Caffe2",
    "jax": "JAX",
    "sphinx": "Sphinx",
    "docutils": "docutils",
}



@functools.lru_cache(maxsize=1 << 16)
def moment(text: str) -> dt.datetime:
    """A recorded date or timestamp as a point in time, timezone-aware.

    Months and days start at midnight UTC, and a timestamp without a zone is
    taken as UTC, so every recording compares with every other.  Kept per text
    (a datetime cannot change): ranking and the history chart ask for each
    result's moment, and ten thousand results share a few hundred dates.
    """
    text = text + "-01" if len(text) == 7 else text
    if len(text) == 10:
        text += "T00:00:00+00:00"
    point = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return point if point.tzinfo else point.replace(tzinfo=dt.timezone.utc)


def software_name(key: str) -> str:
    """How a package key of ``software`` is written for readers (``torch`` -> ``PyTorch``)."""
    return SOFTWARE_NAMES.get(key, key)
