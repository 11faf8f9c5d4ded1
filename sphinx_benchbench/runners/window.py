"""The time of an iteration window, from what a log says about stretches of iterations.

Every timing a log holds, whatever its format, says the same kind of thing:
*iterations a+1 to b took so many seconds, give or take the printed
precision*.  A line's arrival time says it about the stretch since the
previous line; a per-interval mean (mmcv's ``time:``) about the iterations
since the previous line; a cumulative mean (detectron2's ``time:``) about every
iteration since the timer started; an epoch's elapsed time (Keras' ``- 1533s``)
about that epoch.  A :class:`Span` is one such statement.  The log formats
(:mod:`.logformats`) turn lines into spans, each with its own meaning; this
module turns spans into the window's time, the same way for all of them.

Spans are edges between iteration boundaries.  The window's time is the sum
along a path from its start to its end: consecutive interval means add up,
two cumulative means from the same origin subtract (the difference of their
sums), and an edge that falls inside a span takes that span's time in
proportion (uniform pace), as the runner has always interpolated between two
lines.  Of all paths the one is taken that apportions the fewest iterations,
then the one with the smallest printed-precision error.  What cannot be
supported is refused with the reason: a window outside what the log covers,
one mostly apportioned from stretches the log times only as a whole, or one
the printed decimals cannot resolve.  Spans that say the same thing twice
(an epoch's total beside its interval means) are checked against each other.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

__all__ = [
    "APPORTION_REFUSED",
    "APPORTION_WARNED",
    "MAX_ITERATION",
    "PRECISION_REFUSED",
    "Span",
    "WindowError",
    "WindowTime",
    "count_problem",
    "window_time",
]

#: Share of the window whose time may be apportioned from longer stretches before it is refused.
APPORTION_REFUSED = 0.5
#: Share above which the result carries a warning.
APPORTION_WARNED = 0.10
#: Worst-case relative error from printed precision above which a window is refused.
PRECISION_REFUSED = 0.01
#: Relative disagreement between two spans that say the same thing, beyond their printed precision.
DISAGREEMENT = 0.02


#: The largest iteration count there is.  Past 2**53 a count is no longer exact as a float (edges are
#: apportioned in floats; a 400-digit one does not convert at all), and no run gets there: at a billion
#: iterations a second it would take 285 years.  A larger number is a misread line, refused as such.
MAX_ITERATION = 2**53


class WindowError(ValueError):
    """The window cannot be timed from what the log says; the message says why."""


def count_problem(count: int) -> str | None:
    """Why ``count`` cannot be an iteration count (it is past :data:`MAX_ITERATION`), or ``None``.

    The one rule for every count a log yields: a progress line's
    (:meth:`~sphinx_benchbench.runners.logformats.base.LogParser.feed` refuses
    the line) and a span's boundaries (:class:`Span` refuses itself).
    """
    if count <= MAX_ITERATION:
        return None
    digits = math.floor(math.log10(count)) + 1  # str() of a count past 4300 digits would raise
    return f"an iteration number of {digits} digits is past 2**53 ({MAX_ITERATION}), which no run reaches"


@dataclass(frozen=True)
class Span:
    """Iterations ``start+1`` to ``end`` (completed-iteration counts) took ``seconds``.

    ``error`` is the worst-case absolute error of ``seconds`` that the printed
    precision allows.  ``what`` names the kind of timing (its meaning is given
    by the log format).  ``estimated`` spans were not measured: their time was
    shared out at a uniform pace (a stretch no line times, say).
    """

    start: int
    end: int
    seconds: float
    error: float = 0.0
    what: str = ""
    estimated: bool = False

    def __post_init__(self) -> None:
        problem = count_problem(max(self.start, self.end))
        if problem is not None:
            raise WindowError(f"{problem} (in a {self.what or 'log'} timing)")

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass(frozen=True)
class WindowTime:
    """The window's time and how it was found."""

    start: int
    end: int
    seconds: float
    #: Worst-case error from the printed precision, seconds.
    error: float
    #: The spans the time was summed from, in path order.
    spans: tuple[Span, ...]
    #: Iterations of the window whose time was apportioned from a longer stretch or estimated.
    apportioned: int
    #: The spans a window edge was apportioned within (``None``: the edge is a span boundary).
    start_within: Span | None = None
    end_within: Span | None = None
    #: Spans that contradict each other beyond their precision (a misread format shows this way).
    disagreements: tuple[str, ...] = field(default=())

    @property
    def iterations(self) -> int:
        return self.end - self.start

    @property
    def seconds_per_iter(self) -> float:
        return self.seconds / self.iterations

    def notes(self) -> list[str]:
        """What a reader of the figure should be told: sparse edges, estimated stretches, disagreements."""
        out = []
        share = self.apportioned / self.iterations
        if share > APPORTION_WARNED:
            out.append(f"{self.apportioned} of the window's {self.iterations} iterations ({share:.0%}) were "
                       "timed only by apportioning longer stretches at a uniform pace (lines are sparse there)")
        estimated = [s for s in self.spans if s.estimated and s.what == _GAP]
        if estimated:
            stretches = ", ".join(f"{s.start}-{s.end}" for s in estimated[:3])
            out.append(f"no line times iterations {stretches} apart; estimated from the neighbouring pace")
        # The format's own estimates (an epoch's unprinted tail at its last line's pace, say): named too.
        own = [s for s in self.spans if s.estimated and s.what != _GAP and self.start < s.end and s.start < self.end]
        if own:
            stretches = ", ".join(f"{s.start}-{s.end}" for s in own[:3])
            out.append(f"no line times iterations {stretches} on their own; estimated as the semantics say")
        out.extend(self.disagreements)
        return out


_GAP = "gap"


def _merged(spans: Sequence[Span]) -> list[tuple[int, int]]:
    """The stretches the spans cover, merged."""
    runs: list[tuple[int, int]] = []
    for a, b in sorted((s.start, s.end) for s in spans):
        if runs and a <= runs[-1][1]:
            runs[-1] = (runs[-1][0], max(runs[-1][1], b))
        else:
            runs.append((a, b))
    return runs


def _bridges(spans: Sequence[Span]) -> list[Span]:
    """Estimated spans between neighbouring boundaries that no chain of spans connects.

    Where the spans leave a stretch untimed (mmcv's unprinted epoch tail, the
    first batch of a SimpleDet epoch), or time it only together with more
    (an epoch's total beside interval means that start one batch late), the
    stretch between two neighbouring boundaries is estimated at the pace of
    the spans around it, and says so.
    """
    group = {node: i for i, nodes in enumerate(_components(spans)) for node in nodes}
    nodes = sorted(group)
    measured = [s for s in spans if not s.estimated]
    out = []
    for p, q in itertools.pairwise(nodes):
        if group[p] == group[q]:
            continue
        around = [min((s for s in measured if test(s)), key=lambda s: s.length, default=None)
                  for test in (lambda s, p=p: s.end == p, lambda s, q=q: s.start == q)]
        paces = [s.seconds / s.length for s in around if s is not None]
        if not paces:  # only spans that contain the stretch: the shortest one's pace
            inner = min((s for s in measured if s.start <= p and q <= s.end), key=lambda s: s.length, default=None)
            paces = [inner.seconds / inner.length] if inner is not None else []
        if paces:
            out.append(Span(p, q, sum(paces) / len(paces) * (q - p), 0.0, _GAP, estimated=True))
    return out


class _Potentials:
    """Union-find with potentials: the time between two boundaries once spans connect them."""

    def __init__(self) -> None:
        self.parent: dict[int, int] = {}
        self.offset: dict[int, float] = {}  # time from the root to the node
        self.error: dict[int, float] = {}

    def find(self, node: int) -> tuple[int, float, float]:
        if node not in self.parent:
            self.parent[node], self.offset[node], self.error[node] = node, 0.0, 0.0
            return node, 0.0, 0.0
        path = []
        while self.parent[node] != node:
            path.append(node)
            node = self.parent[node]
        root = node
        # Compress, accumulating offsets from the root outwards.
        for child in reversed(path):
            parent = self.parent[child]
            if parent != root:
                self.offset[child] += self.offset[parent]
                self.error[child] += self.error[parent]
            self.parent[child] = root
        return root, self.offset.get(path[0], 0.0) if path else 0.0, self.error.get(path[0], 0.0) if path else 0.0

    def add(self, span: Span) -> str | None:
        """Join the span's boundaries; a description of the conflict when they were joined already."""
        ra, oa, ea = self.find(span.start)
        rb, ob, eb = self.find(span.end)
        if ra == rb:
            implied = ob - oa
            slack = ea + eb + span.error + DISAGREEMENT * max(abs(implied), abs(span.seconds))
            if abs(implied - span.seconds) > slack:
                return (f"the log's timings disagree about iterations {span.start}-{span.end}: "
                        f"{span.seconds:.4g} s from one, {implied:.4g} s from the others")
            return None
        self.parent[rb] = ra
        self.offset[rb] = oa + span.seconds - ob
        self.error[rb] = ea + span.error + eb
        return None


def _disagreements(spans: Sequence[Span]) -> tuple[str, ...]:
    pots = _Potentials()
    found: list[str] = []
    for span in sorted((s for s in spans if not s.estimated), key=lambda s: s.error):
        conflict = pots.add(span)
        if conflict and len(found) < 3:
            found.append(conflict)
    return tuple(found)


def _components(spans: Iterable[Span]) -> list[list[int]]:
    """The boundaries that spans connect, as sorted lists, one per connected group."""
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        parent.setdefault(node, node)
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    for s in spans:
        parent[find(s.start)] = find(s.end)
    groups: dict[int, list[int]] = {}
    for node in parent:
        groups.setdefault(find(node), []).append(node)
    return [sorted(nodes) for nodes in groups.values()]


def _bracket(nodes: list[int], edge: int) -> tuple[int, int] | None:
    """The boundaries of ``nodes`` at or around ``edge`` (the same twice when one is the edge)."""
    at = bisect.bisect_left(nodes, edge)
    if at < len(nodes) and nodes[at] == edge:
        return edge, edge
    if at == 0 or at == len(nodes):
        return None
    return nodes[at - 1], nodes[at]


@dataclass(order=True)
class _State:
    cost: tuple[int, float]
    node: int = field(compare=False)


def _potentials(spans: Sequence[Span], root: int, start: int, end: int
                ) -> tuple[dict[int, float], dict[int, tuple[int, float]], dict[int, Span]]:
    """Each boundary's time relative to ``root``, along the path that estimates least, then errs least.

    Returns the times, each boundary's cost (estimated iterations, error) and the span it was reached by.
    """
    adjacency: dict[int, list[tuple[int, float, Span]]] = {}
    for s in spans:
        adjacency.setdefault(s.start, []).append((s.end, s.seconds, s))
        adjacency.setdefault(s.end, []).append((s.start, -s.seconds, s))
    time = {root: 0.0}
    best: dict[int, tuple[int, float]] = {root: (0, 0.0)}
    via: dict[int, Span] = {}
    heap = [_State((0, 0.0), root)]
    while heap:
        state = heapq.heappop(heap)
        if state.cost != best[state.node]:
            continue  # superseded by a cheaper way here
        for other, seconds, span in adjacency.get(state.node, ()):
            estimated = span.length if span.estimated else 0  # inside the window or out, it moves the result
            cost = (state.cost[0] + estimated, state.cost[1] + span.error)
            if other not in best or cost < best[other]:
                best[other], time[other], via[other] = cost, time[state.node] + seconds, span
                heapq.heappush(heap, _State(cost, other))
    return time, best, via


def window_time(spans: Sequence[Span], start: int, end: int, *, what: str = "the log's timings") -> WindowTime:
    """Time iterations ``start+1`` to ``end`` from ``spans``; raise :class:`WindowError` with the reason.

    ``what`` names the spans' source in messages ("the progress lines").
    """
    if end <= start:
        raise WindowError(f"empty window {start}-{end}")
    spans = [s for s in spans if s.end > s.start and math.isfinite(s.seconds) and s.seconds >= 0]
    if not spans:
        raise WindowError(f"{what} time no stretch of iterations")
    runs = _merged(spans)
    lo, hi = runs[0][0], runs[-1][1]
    if start < lo:
        raise WindowError(f"{what} cover iterations {lo}-{hi}; the window {start}-{end} starts before that")
    if end > hi:
        raise WindowError(f"{what} cover iterations {lo}-{hi}; the window {start}-{end} ends after that")
    everything = [*spans, *_bridges(spans)]
    # In each group of connected boundaries, a window edge between two of them takes its share of the
    # stretch between them (a uniform pace there): the nearer the boundaries, the less is guessed.
    candidates = []
    for nodes in _components(everything):
        a, b = _bracket(nodes, start), _bracket(nodes, end)
        if a is None or b is None:
            continue
        doubt = sum(0 if u == v else min(edge - u, v - edge) for edge, (u, v) in ((start, a), (end, b)))
        if b[0] <= start or end <= a[1]:
            doubt = end - start  # the whole window between two boundaries: nothing in it was measured apart
        candidates.append((doubt, (a[1] - a[0]) + (b[1] - b[0]), a, b, set(nodes)))
    if not candidates:
        raise WindowError(
            f"{what} do not connect iterations {start} and {end}: no combination of them (the sum of consecutive "
            "stretches, or the difference of two that start together) times the window; means over overlapping "
            "windows, say, chain only where the log reaches their first iteration")
    doubt, _, (ua, va), (ub, vb), joined = min(candidates, key=lambda c: c[:2])
    group = [s for s in everything if s.start in joined]
    # From the window's first boundary inside it: what lies between the inner boundaries is what is
    # summed; the stretches around the edges only lend their share.
    time, cost, via = _potentials(group, va, start, end)

    def at(edge: int, u: int, v: int) -> float:
        return time[u] if u == v else time[u] + (time[v] - time[u]) * (edge - u) / (v - u)

    used: dict[int, Span] = {}
    for node in (ua, ub, vb):
        while node in via and id(via[node]) not in used:
            span = via[node]
            used[id(span)] = span
            node = span.start if node == span.end else span.end
    inner = cost[ub][0] if start <= ub else 0
    edges = 0
    for edge, (u, v), spread in ((start, (ua, va), cost[ua][0]), (end, (ub, vb), cost[vb][0] - cost[ub][0])):
        if u != v:  # an edge inside a stretch estimated as a whole is guessed on its window side
            edges += (v - edge if edge == start else edge - u) if spread > 0 else min(edge - u, v - edge)
    # The whole window between two neighbouring boundaries: nothing in it was measured apart.
    whole = ub < start or vb <= va
    apportioned = end - start if whole else min(inner + edges, end - start)
    error = cost[ua][1] + max(cost[ub][1], cost[vb][1])
    result = WindowTime(
        start=start, end=end, seconds=at(end, ub, vb) - at(start, ua, va), error=error,
        spans=tuple(sorted(used.values(), key=lambda s: (s.start, s.end))),
        apportioned=apportioned,
        start_within=None if ua == va else Span(ua, va, time[va] - time[ua], 0.0, "between lines"),
        end_within=None if ub == vb else Span(ub, vb, time[vb] - time[ub], 0.0, "between lines"),
        disagreements=_disagreements(spans),
    )
    _check(result, what)
    return result


def _check(result: WindowTime, what: str) -> None:
    n = result.iterations
    if result.apportioned > APPORTION_REFUSED * n:
        around = [s for s in (result.start_within, result.end_within) if s is not None]
        stretch = ", ".join(dict.fromkeys(f"{s.start}-{s.end}" for s in around))
        where = f" (the stretch{'es' if ', ' in stretch else ''} {stretch})" if stretch else ""
        raise WindowError(
            f"{what} time only {n - result.apportioned} of the window's {n} iterations; the rest lies inside "
            f"stretches timed only as a whole{where}: choose a window on the lines' boundaries or log more often")
    if result.seconds <= 0:
        raise WindowError(f"{what} give the window {result.start}-{result.end} no time ({result.seconds:g} s)")
    if result.error > PRECISION_REFUSED * result.seconds:
        raise WindowError(
            f"{what} cannot resolve the window {result.start}-{result.end}: their precision leaves "
            f"±{result.error:.3g} s of {result.seconds:.4g} s (±{result.error / result.seconds:.1%}); a window "
            "early in the run, or a longer one, can be resolved")
