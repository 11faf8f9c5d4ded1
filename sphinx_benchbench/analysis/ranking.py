"""From loaded results to ranked table rows.

Which result a row shows, how rows are ordered and how results on different
hardware are kept apart are decisions a reader must be able to trust, so they
live here, apart from node building, and are tested directly.

Pandas would do this in a few lines, but importing it costs about 0.45 s per
Sphinx process, more than the whole 10 % budget the directive has over a
hand-written page; a handful of rows needs only ``sorted`` (stable) and
``statistics``.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from functools import cached_property

from ..data.model import Benchmark, Hardware, Implementation, Result
from .statistics import Summary, rank_positions, summarize

__all__ = ["Row", "Table", "current_results", "group_label", "rank"]


@dataclass(frozen=True)
class Row:
    """One table row: an implementation, the result it shows and its place."""

    impl: Implementation
    result: Result
    value: float
    relative: float | None = None
    #: 1 + the rows that are better and do not tie with this one (see :func:`.statistics.rank_positions`).
    position: int = 1
    #: Whether another row shares the position: the data cannot tell them apart.
    tied: bool = False

    @property
    def samples(self) -> list[float]:
        return self.result.samples

    @cached_property
    def summary(self) -> Summary | None:
        """The runs' spread and 95 % confidence interval, for repeated runs."""
        return summarize(self.samples) if len(self.samples) >= 2 else None

    @cached_property
    def spread(self) -> float | None:
        """Sample standard deviation relative to the value, for repeated runs."""
        if len(self.samples) < 2 or not self.value:
            return None
        return statistics.stdev(self.samples) / self.value


@dataclass(frozen=True)
class Table:
    """Rows measured on comparable hardware, ranked; one table on the page."""

    hardware: Hardware | None
    rows: list[Row]
    baseline: str | None
    #: The hardware as the caption names it; ``None`` when it was not recorded.
    label: str | None = None


def current_results(bench: Benchmark, impl_ids: list[str]) -> list[Result]:
    """The newest result of each implementation on each kind of hardware.

    Superseded results stay in history but are not shown.  Results are
    compared by their full timestamp (a day starts at midnight UTC); among
    results recorded at the same moment, the last in file order wins.
    """
    newest: dict[tuple[str, tuple[object, ...]], Result] = {}
    for result in bench.results:
        if result.superseded or result.implementation not in impl_ids:
            continue
        key = (result.implementation, bench.hardware_identity(result))
        if key not in newest or result.moment >= newest[key].moment:
            newest[key] = result
    return list(newest.values())


def rank(
    bench: Benchmark,
    impl_ids: list[str] | None = None,
    baseline: str | None = None,
    hardware: str | None = None,
) -> list[Table]:
    """Ranked tables, one per kind of hardware, best first, ties in listed order.

    :param impl_ids: implementations to include (default: all, in display order).
    :param baseline: implementation the relative column compares against.
    :param hardware: only results on this hardware profile (id or label).
    """
    definition = bench.definition
    order = [*definition.display.order, *(i.id for i in definition.implementations)]
    order = list(dict.fromkeys(order))
    if impl_ids is not None:
        order = [i for i in order if i in impl_ids]
    position = {impl_id: n for n, impl_id in enumerate(order)}
    statistic = definition.metric.statistic
    groups: dict[tuple[object, ...], list[Row]] = {}
    hw_of: dict[tuple[object, ...], list[Hardware]] = {}
    for result in current_results(bench, order):
        hw = bench.hardware_of(result)
        if hardware and not _matches(bench, result, hw, hardware):
            continue
        key = bench.hardware_identity(result)
        hw_of.setdefault(key, []).extend([hw] if hw else [])
        impl = bench.implementation(result.implementation)
        assert impl is not None  # the loader drops results of unknown implementations
        groups.setdefault(key, []).append(Row(impl, result, result.stat(statistic)))
    sign = -1 if definition.metric.direction == "higher" else 1
    tables = []
    for key, rows in groups.items():
        rows.sort(key=lambda r: position[r.impl.id])
        rows.sort(key=lambda r: sign * r.value)  # stable: ties keep the listed order
        base = next((r for r in rows if r.impl.id == baseline and r.value > 0), None)  # nothing is relative to 0
        positions = rank_positions([(r.value, r.samples) for r in rows], definition.metric.decimals, sign < 0)
        rows = [
            Row(r.impl, r.result, r.value, _relative(r.value, base.value, sign) if base else None, position,
                positions.count(position) > 1)
            for r, position in zip(rows, positions, strict=True)
        ]
        machines = hw_of[key]
        tables.append(Table(machines[0] if machines else None, rows, base.impl.id if base else None,
                            group_label(machines)))
    # Tables with the most rows first; the order of first appearance breaks ties.
    tables.sort(key=lambda t: -len(t.rows))
    return tables


def group_label(machines: list[Hardware]) -> str | None:
    """What a table's caption calls the machines its rows ran on (which share an identity).

    Their label when they all have the same one; otherwise what they have in
    common, so a caption never names one machine for rows measured on others.
    """
    labels = list(dict.fromkeys(hw.label for hw in machines))
    if len(labels) <= 1:
        return labels[0] if labels else None
    hw = machines[0]
    acc = hw.accelerator
    if acc:
        text = f"{acc.count}x {acc.model}" + (f" ({acc.memory_gb:g} GiB)" if acc.memory_gb is not None else "")
    else:
        count = f"{hw.cpu_count} CPUs" if hw.cpu_count else None
        text = f"{hw.cpu} ({count})" if hw.cpu and count else hw.cpu or count or ""
    return ", ".join(part for part in (text, hw.interconnect) if part)


def _relative(value: float, base: float, sign: int) -> float | None:
    """How many times better than the baseline (>1 is better, either direction)."""
    if sign < 0:
        return value / base
    return base / value if value else None


def _matches(bench: Benchmark, result: Result, hw: Hardware | None, wanted: str) -> bool:
    if isinstance(result.hardware, str) or result.hardware is None:
        profile = result.hardware or bench.definition.hardware
        if profile == wanted:
            return True
    return hw is not None and hw.label == wanted
