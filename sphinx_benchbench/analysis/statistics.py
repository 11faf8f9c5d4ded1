"""Spread, confidence and "different or not" for repeated runs.

The rules are the standard ones, so a reader can check them:

* the 95 % confidence interval is Student's t interval of the mean across
  runs (Georges et al., "Statistically Rigorous Java Performance
  Evaluation", 2007): mean ± t(0.975, n-1) · s / √n, for n ≥ 2;
* a result is unstable when its runs' standard deviation is more than 5 % of
  their mean (pyperf warns at 10 %; a comparison page needs less), or when a
  run is an outlier by hyperfine's rule (modified Z-score, the median
  absolute deviation scaled by 1.4826, above 10), or when the slowest or
  fastest run is 50 % away from the mean (pyperf);
* two rows tie when their intervals overlap; without repeats, when the
  values are equal as shown.  A table never ranks noise.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["UNSTABLE", "Summary", "rank_positions", "summarize", "t95"]

#: Relative standard deviation above which a result is unstable.
UNSTABLE = 0.05
#: hyperfine's outlier threshold on the modified Z-score.
OUTLIER_Z = 10.0
#: pyperf's check: a run this far from the mean, relatively, makes the result suspect.
FAR_FROM_MEAN = 0.5

# Two-sided 95 % quantiles of Student's t by degrees of freedom (beyond 30, the normal's 1.96
# is within 2 % of them).
_T95 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
        2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042]


def t95(degrees: int) -> float:
    """The two-sided 95 % quantile of Student's t with ``degrees`` degrees of freedom."""
    if degrees < 1:
        raise ValueError("Student's t needs at least one degree of freedom")
    return _T95[degrees - 1] if degrees <= len(_T95) else 1.96 + 2.4 / degrees


@dataclass(frozen=True)
class Summary:
    """Repeated runs in numbers."""

    n: int
    median: float
    mean: float
    stdev: float | None
    #: 95 % confidence interval of the mean (Student t); ``None`` with one run.
    low: float | None
    high: float | None
    outliers: tuple[float, ...]
    #: Why the runs do not agree well enough to be believed as they stand, if they do not.
    unstable: tuple[str, ...]

    @property
    def relative_spread(self) -> float | None:
        return self.stdev / self.mean if self.stdev is not None and self.mean else None


def summarize(samples: Sequence[float]) -> Summary:
    """The runs' summary; ``samples`` must be finite and not empty."""
    values = list(samples)
    if not values:
        raise ValueError("no samples")
    n = len(values)
    mean = statistics.fmean(values)
    median = statistics.median(values)
    if n < 2:
        return Summary(n, median, mean, None, None, None, (), ())
    stdev = statistics.stdev(values)
    half = t95(n - 1) * stdev / math.sqrt(n)
    mad = statistics.median(abs(v - median) for v in values) * 1.4826
    outliers = tuple(v for v in values if mad > 0 and abs(v - median) / mad > OUTLIER_Z)
    reasons = []
    if mean and stdev / abs(mean) > UNSTABLE:
        reasons.append(f"the runs' standard deviation is {stdev / abs(mean):.1%} of their mean (over {UNSTABLE:.0%})")
    if outliers:
        reasons.append(f"{len(outliers)} outlier run(s) by the modified Z-score: "
                       + ", ".join(f"{v:.6g}" for v in outliers))
    far = [v for v in values if mean and abs(v - mean) / abs(mean) >= FAR_FROM_MEAN]
    if far:
        reasons.append("a run is 50 % or more away from the mean: " + ", ".join(f"{v:.6g}" for v in far))
    return Summary(n, median, mean, stdev, mean - half, mean + half, outliers, tuple(reasons))


def _interval(value: float, samples: Sequence[float]) -> tuple[float, float] | None:
    if len(samples) < 2:
        return None
    summary = summarize(samples)
    assert summary.low is not None and summary.high is not None
    # The shown value (a median, say) need not lie in the mean's interval; the interval covers both.
    return min(summary.low, value), max(summary.high, value)


def _tie(a: tuple[float, Sequence[float]], b: tuple[float, Sequence[float]], decimals: int,
         ia: tuple[float, float] | None, ib: tuple[float, float] | None) -> bool:
    """Whether rows ``a`` and ``b`` (with their intervals ``ia`` and ``ib``) cannot be told apart."""
    if ia is None and ib is None:
        return round(a[0], decimals) == round(b[0], decimals)
    if ia is None:
        assert ib is not None
        return ib[0] <= a[0] <= ib[1] or round(a[0], decimals) == round(b[0], decimals)
    if ib is None:
        return ia[0] <= b[0] <= ia[1] or round(a[0], decimals) == round(b[0], decimals)
    return ia[0] <= ib[1] and ib[0] <= ia[1]


def rank_positions(rows: Sequence[tuple[float, Sequence[float]]], decimals: int, higher: bool) -> list[int]:
    """Each row's rank: 1 + the rows that are better *and* do not tie with it.

    ``rows`` are ``(value, samples)``, best first.  Rows whose intervals
    overlap share a rank (a "2=" on the page), as do single values that are
    equal as shown.
    """
    # Each row's interval once: computed per pair, a page of a thousand rows summarized a million times.
    intervals = [_interval(*row) for row in rows]
    out = []
    for i, row in enumerate(rows):
        better = sum(1 for j, other in enumerate(rows[:i]) if (other[0] > row[0] if higher else other[0] < row[0])
                     and not _tie(other, row, decimals, intervals[j], intervals[i]))
        out.append(better + 1)
    return out
