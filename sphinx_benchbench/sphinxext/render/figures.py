"""The bar chart of each table and the history chart of results over time."""

from __future__ import annotations

from typing import Any

from docutils import nodes

from ...data.model import Result
from ..charts import bar_spec, history_spec, make_node
from ..i18n import _
from .base import Page

__all__ = ["ChartPart"]


class ChartPart(Page):
    """The ``chart`` and ``history`` parts."""

    def chart(self) -> list[nodes.Node]:
        """A bar chart per table, with the runs' range as error bars."""
        metric = self.bench.definition.metric
        out: list[nodes.Node] = []
        for table in self.tables:
            rows = [{
                "label": row.impl.name, "value": row.value, "subject": row.impl.subject,
                "low": min(row.samples) if len(row.samples) > 1 else None,
                "high": max(row.samples) if len(row.samples) > 1 else None,
                "stale": id(row.result) in self.stale and not self.all_stale,
            } for row in table.rows]
            where = " " + _("on {hardware}").format(hardware=table.label) if table.label else ""
            better = _("lower is better") if metric.direction == "lower" else _("higher is better")
            alt = _("Bar chart of {metric} ({unit}){where}, {better}: {values}.").format(
                metric=metric.label.lower(), unit=metric.unit, where=where, better=better,
                values=", ".join(f"{r['label']} {r['value']:.{metric.decimals}f}" for r in rows))
            spec = bar_spec(f"{self.bench.definition.title}{where}", metric.unit, metric.decimals, rows)
            out.append(make_node(spec, alt, self.new_id(f"bb-chart-{self.bench.id}")))
        return out

    def history(self) -> list[nodes.Node]:
        """A line chart of each implementation's results over time, once any has two."""
        metric = self.bench.definition.metric
        out: list[nodes.Node] = []
        # Every result indexed once by implementation and hardware (in file order, which the sort
        # keeps among equal moments): scanning them all for every row was quadratic.
        index: dict[tuple[str, tuple[object, ...]], list[Result]] = {}
        for r in self.bench.results:
            index.setdefault((r.implementation, self.bench.hardware_identity(r)), []).append(r)
        for table in self.tables:
            key = self.bench.hardware_identity(table.rows[0].result)
            series: list[dict[str, Any]] = []
            for row in table.rows:
                results = sorted(index.get((row.impl.id, key), []), key=lambda r: r.moment)
                series.append({"label": row.impl.name,
                               "points": [[r.recorded, r.stat(metric.statistic)] for r in results]})
            if max((len(s["points"]) for s in series), default=0) < 2:
                continue
            values = "; ".join(_series_words(s, metric.decimals) for s in series)
            alt = _("Line chart of {metric} ({unit}) over time: {values}.").format(
                metric=metric.label.lower(), unit=metric.unit, values=values)
            title = _("{title} over time").format(title=self.bench.definition.title)
            spec = history_spec(title, metric.unit, metric.decimals, series)
            out.append(make_node(spec, alt, self.new_id(f"bb-history-{self.bench.id}")))
        return out


#: A series of up to this many points is read out point by point; a longer one is summarized (the
#: downloads hold every point): a text alternative of a thousand values is read by no one.
LISTED_POINTS = 12


def _series_words(series: dict[str, Any], decimals: int) -> str:
    """One series of the history chart in words, for its text alternative."""
    points = series["points"]

    def number(value: float) -> str:
        return f"{value:.{decimals}f}"

    if len(points) <= LISTED_POINTS:
        point = _("{value} on {date}")
        return f"{series['label']}: " + ", ".join(point.format(value=number(p[1]), date=p[0][:10]) for p in points)
    values = [p[1] for p in points]
    return _("{label}: {count} results from {first_date} to {last_date}, first {first}, last {last}, lowest "
             "{lowest}, highest {highest}").format(
        label=series["label"], count=len(points), first_date=points[0][0][:10], last_date=points[-1][0][:10],
        first=number(values[0]), last=number(values[-1]), lowest=number(min(values)), highest=number(max(values)))
