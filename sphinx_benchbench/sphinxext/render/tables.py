"""The ranked tables, how to read them, the stale note and the downloads."""

from __future__ import annotations

from collections.abc import Iterable

from docutils import nodes

from ...analysis.ranking import Row, Table
from ...data.model import Implementation
from ..downloads import make_downloads
from ..logos import LOGO_CLASSES, SOURCE, VARIANTS
from .base import LOGO_HEIGHT, Page, joined, link, plain_text, text

__all__ = ["TablePart"]


class TablePart(Page):
    """The ``table`` part."""

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
        said = "; ".join(parts)
        return [nodes.paragraph("", said[0].upper() + said[1:] + ".", classes=["bb-reading"])]

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

    def _stale_note(self) -> nodes.note:
        """One note above the tables: how many rows are stale, and how to refresh them."""
        names = [row.impl.name for row in self.rows if id(row.result) in self.stale]
        total = len(self.rows)
        said = (f"{len(names)} of {total} results are stale ({joined(names)}): they were recorded with older "
                "software than is current, or before their entry changed. Refresh them with ")
        para = nodes.paragraph("", said)
        para += nodes.literal("", f"python -m runners.run {self.bench.id}")
        para += text("; until then, compare these rows with care.")
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
            cells = [[text(f"{row.position}{'=' if row.tied else ''}")], self._label(row.impl), self._value(row)]
            stale = self.stale.get(id(row.result))
            if stale is not None:
                cells[1] += [text(" "), nodes.abbreviation("stale", "stale", explanation=stale.reason,
                                                            classes=["bb-stale"])]
            if table.baseline:
                rel = f"{row.relative:.2f}x" if row.relative is not None else "-"
                cells.append([text(rel)])
            body_cells.append((cells, row.impl.subject))
        group = nodes.tgroup(cols=len(headers))
        node += group
        # Widths in characters: the text builder lays the table out with them.
        for n, header in enumerate(headers):
            longest = max([len(header), *(len(plain_text(c[n])) for c, _ in body_cells)])
            group += nodes.colspec(colwidth=min(longest, 40))
        head = nodes.thead()
        head += self._row([[text(h)] for h in headers])
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

    def _image(self, logo_id: str, classes: list[str]) -> nodes.Node | None:
        """The logo's image, or ``None`` when it has none.

        The checked bytes are embedded (see :mod:`...data.images`), each of the
        logo's images as a variant; :mod:`..logos` picks the one the builder shows.
        """
        logo = self.bench.logos[logo_id]
        variants = [(image.mime, image.data_uri()) for image in self.bench.images.get(logo_id, ())]
        uri = variants[0][1] if variants else logo.url
        if not uri:
            return None
        # Not linked to the image, as Sphinx links scaled images: the logo stays part of the page.
        image = nodes.image(uri=uri, alt=logo.name, height=LOGO_HEIGHT, classes=[*classes, "no-scaled-link"])
        if variants:
            image[VARIANTS] = variants
        where = self.bench.locate(logo)
        if where is not None:
            image[SOURCE] = str(where.at("image" if logo.image else "url"))
        return link([image], logo.link)

    def _label(self, impl: Implementation) -> list[nodes.Node]:
        logos = self.bench.logos
        image = self._image(impl.logo, [LOGO_CLASSES[0]]) if impl.logo in logos else None
        out = [image or link(impl.table_label, impl.link)]
        for fw in impl.frameworks:
            icon = self._image(fw, [LOGO_CLASSES[1]])
            out += [text(" "), icon or nodes.inline("", logos[fw].name, classes=["bb-icon-text"])]
        return out

    def _value(self, row: Row) -> list[nodes.Node]:
        decimals = self.bench.definition.metric.decimals
        out: list[nodes.Node] = [text(f"{row.value:.{decimals}f}")]
        summary = row.summary
        if summary is not None and summary.high is not None:
            half = (summary.high - summary.mean)
            out.append(nodes.inline("", f" ±{half:.{decimals}f} (n={summary.n})", classes=["bb-spread"]))
        if row.result.run is not None and row.result.run.unstable:
            out.append(nodes.emphasis("", " unstable", classes=["bb-unstable"]))
        return out
