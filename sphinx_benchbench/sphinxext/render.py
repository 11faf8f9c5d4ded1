"""Build the page's docutils nodes from a loaded benchmark.

Only stock, builder-agnostic docutils nodes are made here, so every builder
(HTML, LaTeX, text, ...) renders them; HTML-only shapes such as the collapsed
patch are made later by :mod:`.html`.  Data is never parsed as markup: every
string becomes a text node, which each writer escapes for its format.
"""

from __future__ import annotations

import os
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from docutils import nodes

from ..analysis.ranking import Row, Table, hardware_key
from ..analysis.staleness import Stale
from ..data.model import Benchmark, Implementation, Logo, Patch, Result, software_name
from .charts import bar_spec, history_spec, make_node
from .downloads import make_downloads
from .logos import LOGO_CLASSES, SOURCE

__all__ = ["PARTS", "Renderer"]

#: The parts a ``benchmark-table`` directive can show, in their default order.
PARTS = ("summary", "environment", "table", "chart", "history", "details")

#: Classes on the collapsible patch container; :mod:`.html` turns it into <details>.
COLLAPSIBLE = "bb-collapsible"
LOGO_HEIGHT = "15pt"


def _text(text: str) -> nodes.Text:
    return nodes.Text(text)


def _link(children: list[nodes.Node] | str, url: str | None) -> nodes.Node:
    """A reference to ``url``, or the bare content when there is none."""
    if isinstance(children, str):
        children = [_text(children)]
    if not url:
        return nodes.inline("", "", *children)
    return nodes.reference("", "", *children, refuri=url, internal=False)


def _and(items: list[str]) -> str:
    """``a, b and c``, each once."""
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def month(result: Result) -> str:
    """The recorded date as a reader wants it: ``May 2020`` or ``3 May 2020``."""
    date = result.date
    return date.strftime("%B %Y") if len(result.recorded) == 7 else f"{date.day} {date:%B %Y}"


@dataclass
class Renderer:
    """Makes the nodes of one directive.

    :param image_uri: turns an image file's path into a URI for the current document.
    :param new_id: returns an id unique in the document for the given name.
    """

    bench: Benchmark
    tables: list[Table]
    image_uri: Callable[[str], str]
    new_id: Callable[[str], str]
    #: Implementations the directive shows (``None``: all).
    impl_ids: list[str] | None = None
    #: Stale results among the rows, by ``id()`` of the result.
    stale: dict[int, Stale] = field(default_factory=dict)

    @property
    def rows(self) -> list[Row]:
        return [row for table in self.tables for row in table.rows]

    # -- summary ----------------------------------------------------------

    def summary(self) -> list[nodes.Node]:
        text = self.bench.definition.summary
        return [nodes.paragraph("", text, classes=["bb-summary"])] if text else []

    # -- environment and method -----------------------------------------

    def environment(self) -> list[nodes.Node]:
        d = self.bench.definition
        items: list[tuple[str, list[nodes.Node]]] = []
        hardware = [t.label or "not recorded" for t in self.tables]
        if hardware:
            items.append(("Hardware", [_text("; ".join(hardware) + ".")]))
        software = self._software()
        if software:
            items.append(("Software", software))
        if d.model:
            model: list[nodes.Node] = [_link(d.model.description, d.model.link)]
            if d.model.notes:
                model.append(_text(" " + d.model.notes))
            items.append(("Model", model))
        if d.dataset:
            items.append(("Data", [_text(d.dataset)]))
        metric = [_text(d.measurement.description)]
        metric += [_text(" " + c) for c in d.measurement.caveats]
        items.append(("Metric", metric))
        setting = self._settings()
        if setting:
            items.append(("Settings", [_text(setting)]))
        measured = self._campaigns()
        if measured:
            items.append(("Measured", measured))
        bullets = nodes.bullet_list(classes=["bb-environment"])
        for label, content in items:
            para = nodes.paragraph("", "", nodes.strong("", label + ":"), _text(" "), *content)
            bullets += nodes.list_item("", para)
        return [bullets]

    def _settings(self) -> str:
        m = self.bench.definition.measurement
        parts = []
        if m.window:
            parts.append(f"{m.window.unit}s {m.window.start}-{m.window.end} measured")
        if m.batch and m.batch.per_device:
            parts.append(f"{m.batch.per_device} per device")
        if m.batch and m.batch.total:
            parts.append(f"{m.batch.total} per {m.window.unit if m.window else 'step'} in all")
        if m.precision:
            parts.append(f"{m.precision} precision")
        if m.timed:
            parts.append(f"timed: {m.timed}")
        return "; ".join(parts) + "." if parts else ""

    def _software(self) -> list[nodes.Node]:
        """Versions shared by all rows once; rows that differ grouped by their versions."""
        rows = self.rows
        versions: dict[str, set[str]] = {}
        for row in rows:
            for pkg, version in row.result.software.items():
                versions.setdefault(pkg, set()).add(version)
        differ = [p for p, v in versions.items() if len(v) > 1]
        same = [f"{software_name(p)} {next(iter(v))}" for p, v in versions.items() if len(v) == 1]
        groups: dict[str, list[str]] = {}
        for row in rows:
            key = ", ".join(f"{software_name(p)} {row.result.software.get(p, 'not recorded')}" for p in differ)
            groups.setdefault(key, []).append(row.impl.name)
        parts = same + [f"{key} ({_and(names)})" for key, names in groups.items() if differ]
        if not parts:
            return []
        out: list[nodes.Node] = [_text("; ".join(parts) + ".")]
        if differ:
            out.append(nodes.emphasis(
                "", f" Rows differ in {_and([software_name(p) for p in differ])}: compare them with care.",
                classes=["bb-differ"]))
        return out

    def _campaigns(self) -> list[nodes.Node]:
        """When and by whom rows were measured, grouped, so mixed campaigns show."""
        sources: dict[tuple[str, str, str | None], dict[str, list[str]]] = {}
        for row in self.rows:
            r = row.result
            key = (r.status, r.provenance.by, r.provenance.source)
            sources.setdefault(key, {}).setdefault(month(r), []).append(row.impl.name)
        single = len(sources) == 1 and len(next(iter(sources.values()), {})) == 1
        out: list[nodes.Node] = []
        for n, ((status, by, source), months) in enumerate(sources.items()):
            if n:
                out.append(_text("; "))
            when = [m if single else f"{m} ({_and(names)})" for m, names in months.items()]
            out.append(_text(f"{_and(when)}, "))
            out.extend(_provenance(status, by, source))
        if out:
            out.append(_text("."))
        return out

    # -- the table ----------------------------------------------------------

    def table(self) -> list[nodes.Node]:
        if not self.tables:
            return [nodes.paragraph("", "No results recorded yet.", classes=["bb-empty"])]
        out: list[nodes.Node] = []
        if self.stale:
            out.append(self._stale_note())
        out += [self._table(t, len(self.tables) > 1) for t in self.tables]
        out += self._reading_note()
        out.append(make_downloads(self.bench.id, self._data()))
        return out

    def _reading_note(self) -> list[nodes.Node]:
        """How to read ranks and intervals, said once under the tables (only when there is something to read)."""
        parts = []
        if any(row.summary is not None for row in self.rows):
            parts.append("± is half the 95 % confidence interval of the mean over n runs (Student t)")
        if any(row.tied for row in self.rows):
            parts.append("rows whose intervals overlap, or whose single values are equal as shown, share a rank (=): "
                         "the data do not tell them apart")
        if not parts:
            return []
        text = "; ".join(parts)
        return [nodes.paragraph("", text[0].upper() + text[1:] + ".", classes=["bb-reading"])]

    def _data(self) -> dict[str, object]:
        """The table's data, as offered for download."""
        metric = self.bench.definition.metric
        rows = []
        for table in self.tables:
            for row in table.rows:
                r = row.result
                stale = self.stale.get(id(r))
                summary = row.summary
                rows.append({
                    "rank": row.position, "tied": row.tied,
                    "implementation": row.impl.id, "name": row.impl.name, "value": row.value,
                    "unit": metric.unit, "relative": row.relative, "samples": list(r.samples),
                    "ci95": [summary.low, summary.high] if summary is not None else None,
                    "recorded": r.recorded, "status": r.status, "by": r.provenance.by,
                    "hardware": hw.label if (hw := self.bench.hardware_of(r)) else None,
                    "stale": stale.reason if stale else None,
                })
        return {"benchmark": self.bench.id, "title": self.bench.definition.title, "metric": metric.label,
                "unit": metric.unit, "direction": metric.direction, "rows": rows}

    # -- charts -------------------------------------------------------------

    def chart(self) -> list[nodes.Node]:
        """A bar chart per table, with the runs' range as error bars."""
        metric = self.bench.definition.metric
        out: list[nodes.Node] = []
        for table in self.tables:
            rows = [{
                "label": row.impl.name, "value": row.value, "subject": row.impl.subject,
                "low": min(row.samples) if len(row.samples) > 1 else None,
                "high": max(row.samples) if len(row.samples) > 1 else None,
                "stale": id(row.result) in self.stale,
            } for row in table.rows]
            where = f" on {table.label}" if table.label else ""
            alt = (f"Bar chart of {metric.label.lower()} ({metric.unit}){where}, {metric.direction} is better: "
                   + ", ".join(f"{r['label']} {r['value']:.{metric.decimals}f}" for r in rows) + ".")
            spec = bar_spec(f"{self.bench.definition.title}{where}", metric.unit, metric.decimals, rows)
            out.append(make_node(spec, alt, self.new_id(f"bb-chart-{self.bench.id}")))
        return out

    def history(self) -> list[nodes.Node]:
        """A line chart of each implementation's results over time, once any has two."""
        metric = self.bench.definition.metric
        out: list[nodes.Node] = []
        for table in self.tables:
            key = hardware_key(self.bench, table.rows[0].result)
            series = []
            for row in table.rows:
                results = [r for r in self.bench.results
                           if r.implementation == row.impl.id and hardware_key(self.bench, r) == key]
                results.sort(key=lambda r: r.moment)
                series.append({"label": row.impl.name,
                               "points": [[r.recorded, r.stat(metric.statistic)] for r in results]})
            if max((len(s["points"]) for s in series), default=0) < 2:
                continue
            alt = (f"Line chart of {metric.label.lower()} ({metric.unit}) over time: "
                   + "; ".join(f"{s['label']}: " + ", ".join(f"{p[1]:.{metric.decimals}f} on {p[0][:10]}"
                                                             for p in s["points"]) for s in series) + ".")
            spec = history_spec(f"{self.bench.definition.title} over time", metric.unit, metric.decimals, series)
            out.append(make_node(spec, alt, self.new_id(f"bb-history-{self.bench.id}")))
        return out

    def _stale_note(self) -> nodes.note:
        """One note above the tables: how many rows are stale, and how to refresh them."""
        names = [row.impl.name for row in self.rows if id(row.result) in self.stale]
        total = len(self.rows)
        text = (f"{len(names)} of {total} results are stale ({_and(names)}): they were recorded with older "
                "software than is current, or before their entry changed. Refresh them with ")
        para = nodes.paragraph("", text)
        para += nodes.literal("", f"python -m runners.run {self.bench.id}")
        para += _text("; until then, compare these rows with care.")
        return nodes.note("", para, classes=["bb-stale-note"])

    def _table(self, table: Table, caption: bool) -> nodes.table:
        metric = self.bench.definition.metric
        headers = ["#", "Implementation", f"{metric.label} ({metric.unit})"]
        if table.baseline:
            base = self.bench.implementation(table.baseline)
            headers.append(f"Relative to {base.name if base else table.baseline}")
        node = nodes.table(classes=["bb-table"])
        if caption:
            node += nodes.title("", table.label or "hardware not recorded")
        body_cells = []
        for row in table.rows:
            cells = [[_text(f"{row.position}{'=' if row.tied else ''}")], self._label(row.impl), self._value(row)]
            stale = self.stale.get(id(row.result))
            if stale is not None:
                cells[1] += [_text(" "), nodes.abbreviation("stale", "stale", explanation=stale.reason,
                                                            classes=["bb-stale"])]
            if table.baseline:
                rel = f"{row.relative:.2f}x" if row.relative is not None else "-"
                cells.append([_text(rel)])
            body_cells.append((cells, row.impl.subject))
        group = nodes.tgroup(cols=len(headers))
        node += group
        # Widths in characters: the text builder lays the table out with them.
        for n, header in enumerate(headers):
            longest = max([len(header), *(len(_plain(c[n])) for c, _ in body_cells)])
            group += nodes.colspec(colwidth=min(longest, 40))
        head = nodes.thead()
        head += self._row([[_text(h)] for h in headers])
        group += head
        body = nodes.tbody()
        for cells, subject in body_cells:
            body += self._row(cells, subject=subject)
        group += body
        return node

    @staticmethod
    def _row(cells: Iterable[list[nodes.Node]], subject: bool = False) -> nodes.row:
        row = nodes.row(classes=["bb-subject"] if subject else [])
        for content in cells:
            row += nodes.entry("", nodes.paragraph("", "", *content))
        return row

    def _image(self, logo: Logo, classes: list[str]) -> nodes.Node | None:
        """The logo's image, or ``None`` when it has none.

        An SVG with a raster or PDF twin is named ``stem.*``, so each builder
        picks the format it can show (the loader checked every such file).
        """
        uri = logo.url
        if logo.image:
            twinned = logo.image in self.bench.twinned
            uri = self.image_uri(os.path.splitext(logo.image)[0] + ".*" if twinned else logo.image)
        if not uri:
            return None
        # Not linked to the image file, as Sphinx links scaled images: an SVG opened
        # from the site's own origin would run any script it holds.
        image = nodes.image(uri=uri, alt=logo.name, height=LOGO_HEIGHT, classes=[*classes, "no-scaled-link"])
        where = self.bench.locate(logo)
        if where is not None:
            image[SOURCE] = str(where.at("image"))  # for the warning of builders that cannot show SVG
        return _link([image], logo.link)

    def _label(self, impl: Implementation) -> list[nodes.Node]:
        logos = self.bench.logos
        logo = logos.get(impl.logo) if impl.logo else None
        image = self._image(logo, [LOGO_CLASSES[0]]) if logo else None
        out = [image or _link(impl.table_label, impl.link)]
        for fw in impl.frameworks:
            icon = self._image(logos[fw], [LOGO_CLASSES[1]])
            out += [_text(" "), icon or nodes.inline("", logos[fw].name, classes=["bb-icon-text"])]
        return out

    def _value(self, row: Row) -> list[nodes.Node]:
        decimals = self.bench.definition.metric.decimals
        out: list[nodes.Node] = [_text(f"{row.value:.{decimals}f}")]
        summary = row.summary
        if summary is not None and summary.high is not None:
            half = (summary.high - summary.mean)
            out.append(nodes.inline("", f" ±{half:.{decimals}f} (n={summary.n})", classes=["bb-spread"]))
        if row.result.run is not None and row.result.run.unstable:
            out.append(nodes.emphasis("", " unstable", classes=["bb-unstable"]))
        return out

    # -- details ------------------------------------------------------------

    def details(self) -> list[nodes.Node]:
        # Table order; implementations without results last: they still document how to run.
        results = {row.impl.id: row.result for row in reversed(self.rows)}
        shown = {row.impl.id: row.impl for row in self.rows}
        for impl in self.bench.definition.implementations:
            if self.impl_ids is None or impl.id in self.impl_ids:
                shown.setdefault(impl.id, impl)
        return [self._impl(impl, results.get(impl.id)) for impl in shown.values()]

    def _impl(self, impl: Implementation, result: Result | None) -> nodes.container:
        box = nodes.container(classes=["bb-impl"])
        box["ids"].append(self.new_id(f"{self.bench.id}-{impl.id}"))
        box += self._lead(impl)
        for step in impl.setup:
            box += nodes.paragraph("", (step.purpose or "Prepare") + ":")
            box += _code(step.run, "bash")
        for patch in impl.patches:
            box += nodes.paragraph("", "", _text("Apply the patch "),
                                   nodes.emphasis("", patch.summary), _text(" (below)."))
        if impl.commands:
            env = [f"export {k}={shlex.quote(v)}" for k, v in impl.env.items()]
            box += nodes.paragraph("", "Run:")
            box += _code("\n".join([*env, *impl.commands]), "bash")
        for note in impl.notes:
            box += nodes.paragraph("", note, classes=["bb-note"])
        if result is not None:
            box += self._provenance(result)
        for patch in impl.patches:
            box += self._patch(patch)
        return box

    def _lead(self, impl: Implementation) -> nodes.paragraph:
        name = nodes.strong("", "", _link(impl.name, impl.link))
        para = nodes.paragraph("", "", name, classes=["bb-lead"])
        src = impl.source
        if impl.lead:
            para += _text(": " + impl.lead)
        elif src and src.ref and src.kind != "none":
            phrase = {"release": "release", "commit": "commit", "branch": "branch"}[src.kind]
            para += _text(f": at {phrase} ")
            para += _link([nodes.literal("", src.ref)], src.ref_link)
            para += _text(".")
        return para

    def _provenance(self, result: Result) -> nodes.paragraph:
        metric = self.bench.definition.metric
        hw = self.bench.hardware_of(result)
        value = f"{result.stat(metric.statistic):.{metric.decimals}f} {metric.unit}"
        para = nodes.paragraph("", "", classes=["bb-result"])
        para += nodes.strong("", "Result:")
        para += _text(f" {value}, {month(result)}, ")
        para.extend(_provenance(result.status, result.provenance.by, result.provenance.source))
        details = []
        if hw:
            details.append(f"on {hw.label}")
        if result.software:
            details.append("with " + ", ".join(
                f"{software_name(k)} {v}" for k, v in result.software.items()))
        if result.commit:
            details.append(f"commit {result.commit}")
        para += _text((" " + "; ".join(details) if details else "") + ".")
        if result.note:
            para += _text(" " + result.note)
        return para

    def _patch(self, patch: Patch) -> nodes.container:
        text = self.bench.patch_text.get(patch.file)
        box = nodes.container(classes=["bb-patch", *([COLLAPSIBLE] if patch.collapsed else [])])
        caption = nodes.paragraph("", "", classes=["bb-patch-caption"])
        caption += _text(f"Patch: {patch.summary} ")
        caption += nodes.literal("", os.path.basename(patch.file))
        box += caption
        if text is not None:
            box += _code(text, "diff")
        return box


def _plain(content: list[nodes.Node]) -> str:
    """Text of some nodes as a text builder shows it (images by their alt text)."""
    out = []
    for node in content:
        for sub in node.findall(lambda n: isinstance(n, (nodes.Text, nodes.image))):
            out.append(f"[image: {sub['alt']}]" if isinstance(sub, nodes.image) else sub.astext())
    return "".join(out)


def _provenance(status: str, by: str, source: str | None) -> list[nodes.Node]:
    """``measured by X``, ``reported by X``, ``copied from a page by X``, linked."""
    if status == "copied":
        page = _link("a published page", source) if source else _text("a published page")
        return [_text("copied from "), page, _text(f" by {by}")]
    return [_text(f"{status} by "), _link(by, source)]


def _code(text: str, language: str) -> nodes.literal_block:
    return nodes.literal_block(text, text, language=language)
