"""The one window computation, on spans whose truth is computed here by hand.

The iteration times vary (0.3 s, 0.5 s, 0.2 s ...) so that a wrong way of
combining spans -- averaging means instead of adding sums, dropping a stretch,
counting one twice -- gives a different number than the right one.
"""

from __future__ import annotations

import pytest

from sphinx_benchbench.runners.window import Span, WindowError, window_time

# Per-iteration times of a made-up run: iteration i (1-based) takes TIMES[i - 1] seconds.
TIMES = [0.9, 0.3, 0.5, 0.2, 0.4, 0.3, 0.6, 0.2, 0.5, 0.4, 0.3, 0.7, 0.2, 0.4, 0.5, 0.3, 0.2, 0.6, 0.4, 0.3]


def total(a: int, b: int) -> float:
    """The true time of iterations a+1..b."""
    return sum(TIMES[a:b])


def test_consecutive_interval_means_add_up() -> None:
    spans = [Span(a, a + 4, total(a, a + 4), 0.0, "interval") for a in range(0, 20, 4)]
    found = window_time(spans, 4, 16)
    assert found.seconds == pytest.approx(total(4, 16)) and found.apportioned == 0
    assert [(s.start, s.end) for s in found.spans] == [(4, 8), (8, 12), (12, 16)]


def test_two_cumulative_sums_subtract() -> None:
    # Means since iteration 2 (detectron2's), every 4 iterations: sums over (2, c].
    spans = [Span(2, c, total(2, c), 0.0, "cumulative") for c in range(4, 21, 4)]
    found = window_time(spans, 8, 20)
    assert found.seconds == pytest.approx(total(8, 20))
    assert len(found.spans) == 2


def test_an_edge_between_boundaries_takes_its_share() -> None:
    spans = [Span(a, a + 4, total(a, a + 4), 0.0, "interval") for a in range(0, 20, 4)]
    found = window_time(spans, 5, 16)  # 5 lies in (4, 8]: a quarter of its time is before the window
    assert found.seconds == pytest.approx(total(4, 16) - total(4, 8) / 4)
    assert found.apportioned == 1 and found.start_within is not None
    assert (found.start_within.start, found.start_within.end) == (4, 8)


def test_a_window_inside_one_span_is_all_apportioned() -> None:
    spans = [Span(0, 20, total(0, 20), 0.0, "epoch")]
    with pytest.raises(WindowError, match=r"time only 0 of the window's 10 iterations.*stretch 0-20"):
        window_time(spans, 5, 15)


def test_an_unlogged_stretch_is_estimated_and_said() -> None:
    spans = [Span(0, 8, total(0, 8), 0.0, "interval"), Span(10, 20, total(10, 20), 0.0, "interval")]
    found = window_time(spans, 0, 20)
    pace = (total(0, 8) / 8 + total(10, 20) / 10) / 2
    assert found.seconds == pytest.approx(total(0, 8) + 2 * pace + total(10, 20))
    assert found.apportioned == 2
    assert any("no line times iterations 8-10" in n for n in found.notes())


def test_a_formats_own_estimate_is_named() -> None:
    # An epoch's unprinted tail, estimated by the format at its last line's pace (mmcv, SimpleDet).
    spans = [Span(0, 8, total(0, 8), 0.0, "interval"), Span(8, 10, total(0, 8) / 8 * 2, 0.0, "tail", estimated=True),
             Span(10, 20, total(10, 20), 0.0, "interval")]
    found = window_time(spans, 0, 20)
    assert found.seconds == pytest.approx(total(0, 8) * 10 / 8 + total(10, 20)) and found.apportioned == 2
    assert any("no line times iterations 8-10 on their own" in n for n in found.notes())


def test_overlapping_spans_are_bridged_between_their_boundaries() -> None:
    # (0, 10] and (5, 15]: iterations 11-15 are known only together with 6-10.
    found = window_time([Span(0, 10, 10.0), Span(5, 15, 20.0)], 0, 15)
    assert found.seconds == pytest.approx(10.0 + 5 * 10.0 / 10)  # 11-15 at the pace of 1-10 beside them
    assert found.apportioned == 5 and any("estimated" in n for n in found.notes())
    # Means over the last 10, a line every iteration: (14, 24] less the one iteration 24, estimated.
    overlapping = window_time([Span(c - 10, c, 1.0) for c in range(20, 35)], 14, 23)
    assert overlapping.seconds == pytest.approx(0.9) and overlapping.apportioned == 1


def test_the_least_apportioned_then_most_precise_path_wins() -> None:
    coarse = Span(0, 20, total(0, 20), 0.5, "epoch")
    fine = [Span(a, a + 5, total(a, a + 5), 0.001, "interval") for a in range(0, 20, 5)]
    found = window_time([coarse, *fine], 0, 20)
    # Errors add along a path: 4 x 0.001 beats the epoch's 0.5, so the fine chain is taken.
    assert found.spans == tuple(fine) and found.error == pytest.approx(0.004)
    # With the window's start inside the chain's first span, it is apportioned within (0, 5].
    within = window_time([coarse, *fine], 2, 20).start_within
    assert within is not None and (within.start, within.end) == (0, 5)


def test_printed_precision_that_cannot_resolve_the_window_is_refused() -> None:
    spans = [Span(0, c, total(0, c), 0.05 * c, "cumulative") for c in (10, 20)]
    with pytest.raises(WindowError, match=r"cannot resolve the window 10-20.*±"):
        window_time(spans, 10, 20)


def test_spans_that_contradict_each_other_are_reported() -> None:
    chain = [Span(a, a + 5, total(a, a + 5), 0.001, "interval") for a in range(0, 20, 5)]
    wrong_total = Span(0, 20, total(0, 20) * 1.2, 0.01, "epoch")
    found = window_time([*chain, wrong_total], 5, 15)
    assert found.disagreements and "disagree about iterations 0-20" in found.disagreements[0]


@pytest.mark.parametrize(("spans", "start", "end", "words"), [
    ([Span(10, 20, 1.0)], 5, 20, "cover iterations 10-20; the window 5-20 starts before that"),
    ([Span(10, 20, 1.0)], 10, 25, "ends after"),
    ([], 1, 2, "time no stretch"),
    ([Span(0, 10, 1.0)], 5, 5, "empty window"),
])
def test_windows_the_spans_cannot_time(spans: list[Span], start: int, end: int, words: str) -> None:
    with pytest.raises(WindowError, match=words):
        window_time(spans, start, end)
