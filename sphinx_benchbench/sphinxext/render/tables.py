"""The ranked tables, how to read them, the stale note and the downloads."""

from __future__ import annotations

from collections.abc import Iterable

from docutils import nodes

from ...analysis.ranking import Row, Table
from ...data.model import Implementation
from ..downloads import make_downloads
from ..i18n import _
from ..logos import LOGO_CLASSES, SOURCE, VARIANTS
from .base import LOGO_HEIGHT, link, plain_text, text
from .status import StatusPart

__all__ = ["TablePart"]


class TablePart(StatusPart):
    """The ``table`` part."""

    def table(self) -> list[nodes.Node]:
        if not self.tables:
            return [nodes.paragraph("", _("No results recorded yet."), classes=["bb-empty"])]
        out: list[nodes.Node] = []
        if self.stale:
            out.append(self.stale_note())
        out += [self._table(t, len(self.tables) > 1) for t in self.tables]
        out += self._reading_note()
        out.append(make_downloads(self.bench.id, self._data()))
        return out

    def _reading_note(self) -> list[nodes.Node]:
        """How to read ranks and intervals, said once under the tables (only when there is something to read)."""
        parts = []
        if any(row.summary is not None for row in self.rows):
            parts.append(_("± is half the 95 % confidence interval of the mean over n runs (Student t)"))
        if any(row.tied for row in self.rows):
            parts.append(_("rows whose intervals overlap, or whose single values are equal as shown, share a rank "
                           "(=): the data do not tell them apart"))
        relative = next((t for t in self.tables if t.baseline), None)
        if relative is not None and relative.baseline is not None:
            base = self.bench.implementation(relative.baseline)
            name = base.name if base else relative.baseline
            ratio = _("its value divided by the row's") if self.bench.definition.metric.direction == "lower" else \
                _("the row's value divided by its own")
            parts.append(_("the relative column says how many times better than {name} a row is ({ratio}): "
                           "above 1.00x is better, below is worse").format(name=name, ratio=ratio))
        if self.current_as_of and not self.stale:
            parts.append(_("no row was recorded with software older than {current}").format(
                current=self.current_words()))
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

    def _table(self, table: Table, caption: bool) -> nodes.table:
        metric = self.bench.definition.metric
        headers = ["#", _("Implementation"), f"{metric.label} ({metric.unit})"]
        # A status column only where it tells rows apart: the note says it once when all are stale.
        status = bool(self.stale) and not self.all_stale
        if table.baseline:
            base = self.bench.implementation(table.baseline)
            headers.append(_("Relative to {name}").format(name=base.name if base else table.baseline))
        if status:
            headers.append(_("Status"))
        node = nodes.table(classes=["bb-table"])
        if caption:
            node += nodes.title("", table.label or _("hardware not recorded"))
        body_cells = []
        for row in table.rows:
            cells = [[text(f"{row.position}{'=' if row.tied else ''}")], self._label(row.impl), self._value(row)]
            if table.baseline:
                rel = f"{row.relative:.2f}x" if row.relative is not None else "-"
                cells.append([text(rel)])
            if status:
                cells.append(self.status_marker(self.stale.get(id(row.result))))
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
        # The logo (or name) in a slot of its own width (the stylesheet's), so framework icons line up.
        out: list[nodes.Node] = [nodes.inline("", "", image or link(impl.table_label, impl.link),
                                              classes=["bb-slot"])]
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
            # The space outside the emphasis: text writers would print "* unstable*".
            out += [text(" "), nodes.emphasis("", _("unstable"), classes=["bb-unstable"])]
        return out
