"""Window arithmetic against hand-computed truth."""

from __future__ import annotations

import pytest

from sphinx_benchbench.runners.commands.execute import Sample
from sphinx_benchbench.runners.sources.arrival import WindowError, measure_window, value_of


def line(times: dict[int, float]) -> list[Sample]:
    return [Sample(t, i) for i, t in times.items()]


def test_window_counts_from_the_completion_of_start() -> None:
    samples = line({i: 0.5 * i for i in range(1, 11)})
    m = measure_window(samples, 2, 8)
    assert m.seconds == pytest.approx(3.0) and m.seconds_per_iter == pytest.approx(0.5)
    assert m.lines_used == 6
    assert value_of(m, "items-per-second", 16) == pytest.approx(32.0)
    assert value_of(m, "milliseconds-per-iteration", 1) == pytest.approx(500.0)
    assert value_of(m, "seconds-per-iteration", 16) == pytest.approx(0.5)
    with pytest.raises(ValueError, match=r"^unknown quantity 'furlongs-per-fortnight'$"):
        value_of(m, "furlongs-per-fortnight", 1)


def test_sparse_logs_are_interpolated_linearly() -> None:
    # Lines every 20 iterations (detectron2's default), window 100-500 falls on lines...
    samples = line({i: 0.1 * i for i in range(20, 601, 20)})
    assert measure_window(samples, 100, 500).seconds == pytest.approx(40.0)
    # ... and off them (every 30): still exact when the pace is steady.
    samples = line({i: 0.1 * i for i in range(30, 601, 30)})
    assert measure_window(samples, 100, 500).seconds == pytest.approx(40.0)


def test_repeated_iterations_keep_the_first_line() -> None:
    samples = [Sample(1.0, 1), Sample(2.0, 2), Sample(2.5, 2), Sample(3.0, 3)]
    assert measure_window(samples, 1, 3).seconds == pytest.approx(2.0)


def test_lines_arriving_in_bursts_are_timed_by_the_last_of_each() -> None:
    """Block-buffered output: 0.1 s iterations, flushed every 20 lines, so each burst arrives
    when its last iteration completes; the earlier lines of a burst carry no timing."""
    samples = [Sample(0.1 * (20 * ((i - 1) // 20 + 1)), i) for i in range(1, 601)]
    m = measure_window(samples, 110, 490)
    assert m.seconds == pytest.approx(38.0)
    assert m.buffered_lines == 380 - 19, "all but the last of each burst in the window"
    with pytest.raises(WindowError, match="no time passed"):
        measure_window([Sample(5.0, i) for i in range(1, 71)], 10, 60)  # everything at once


def test_an_edge_interpolated_across_a_pause_is_flagged() -> None:
    """Lines every 20 iterations of 0.1 s, and a 30 s evaluation after iteration 181 (an epoch end):
    the window start 190 falls between lines 181 and 201, across the pause."""
    times = {i: 0.1 * i + (30.0 if i > 181 else 0.0) for i in [*range(1, 601, 20), 181]}
    m = measure_window(line(dict(sorted(times.items()))), 190, 500)
    assert m.slow_edges == ["181-201"]
    assert measure_window(line(dict(sorted(times.items()))), 201, 500).slow_edges == []
    steady = line({i: 0.1 * i for i in range(1, 601, 20)})
    assert measure_window(steady, 100, 500).slow_edges == []


def test_a_window_inside_one_stretch_between_lines_is_refused() -> None:
    # Lines every 1000 iterations: 100-500 lies inside 1-1001, timed only as a whole.
    with pytest.raises(WindowError, match="timed only as a whole"):
        measure_window(line({1: 0.0, 1001: 100.0, 2001: 200.0}), 100, 500)


def test_a_trend_across_the_window_is_flagged() -> None:
    """Iterations slow down by 0.1 % each (0.1 s at 100, 0.15 s at 500): no steady state."""
    times, t = {}, 0.0
    for i in range(1, 601):
        t += 0.1 * 1.001 ** (i - 100)
        if i % 20 == 0:
            times[i] = t
    m = measure_window(line(times), 100, 500)
    assert m.trend == pytest.approx(1.001 ** 200 - 1, rel=0.2)  # the halves' medians lie about 200 iterations apart
    assert any("not in a steady state" in w for w in m.warnings())
    steady = measure_window(line({i: 0.1 * i + 0.01 * (i % 40 == 0) for i in range(20, 601, 20)}), 100, 500)
    assert steady.trend is not None and abs(steady.trend) < 0.01 and steady.warnings() == []


@pytest.mark.parametrize(("samples", "start", "end", "words"), [
    ([], 1, 2, "no progress lines"),
    (line({20: 1.0, 40: 2.0}), 10, 40, "before the first progress line"),
    (line({1: 1.0, 2: 2.0}), 1, 5, "before the window end"),
    (line({1: 1.0, 5: 1.0}), 1, 5, "no time"),
    ([Sample(1.0, 5), Sample(2.0, 3)], 1, 5, "went backwards"),
    (line({1: 1.0}), 5, 5, "empty window"),
])
def test_unmeasurable_windows_are_errors(samples: list[Sample], start: int, end: int, words: str) -> None:
    with pytest.raises(WindowError, match=words):
        measure_window(samples, start, end)
