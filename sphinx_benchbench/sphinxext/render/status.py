"""Which rows are stale and why, said so that it distinguishes something.

A marker on every row distinguishes nothing, so when *every* row is stale the
table gets no markers and no status column: one note says so, with one line
per cause (PyTorch 1.5 in three rows, CUDA 10.0 in four), not one per row.
When only some are, the table gets a status column whose marker carries the
row's reason (HTML shows it on hover and focus), and the note lists each stale
row with its reason, so LaTeX and text, which show no tooltip, print every
reason too.
"""

from __future__ import annotations

from docutils import nodes

from ...analysis.staleness import Current, Reason, Stale, origin_words, other_words, reason_words
from ...analysis.versions import as_of_words
from ...data.model import software_name
from ..i18n import _
from .base import Page, fill, joined, text

__all__ = ["REASON", "StatusPart"]

#: Attribute of a status marker: the row's stale reason (:mod:`..html` makes it a focusable tooltip).
REASON = "bb_reason"


class StatusPart(Page):
    """The stale note and the status column's markers, for the ``table`` part."""

    def status_marker(self, stale: Stale | None) -> list[nodes.Node]:
        """A stale row's marker for the status column (empty for a row that is not stale)."""
        if stale is None:
            return []
        marker = nodes.inline("", _("stale"), classes=["bb-stale"])
        marker[REASON] = self.reason_words(stale)
        return [marker]

    def reason_words(self, stale: Stale) -> str:
        """The row's reasons in the page's language (warnings and downloads keep :attr:`Stale.reason`)."""
        return "; ".join(reason_words(stale, _, self.language))

    def current_words(self) -> str:
        """What "current" means on this page: the recorded releases and their date."""
        if not self.current_as_of:
            return ""
        return _("the releases current as of {date}").format(date=as_of_words(self.current_as_of, self.language))

    def stale_note(self) -> nodes.note:
        """One note above the tables: which rows are stale, why, and how to refresh them."""
        stale_rows = [row for row in self.rows if id(row.result) in self.stale]
        found = [self.stale[id(row.result)] for row in stale_rows]
        kinds = [words for words, any_of in ((_("recorded with older software than is current"),
                                              [s.older for s in found]),
                                             (_("recorded before their entry changed, or too long ago"),
                                              [s.other for s in found])) if any(any_of)]
        why = _("{first} or {second}").format(first=kinds[0], second=kinds[1]) if len(kinds) == 2 else "".join(kinds)
        total = len(self.rows)
        if self.all_stale:
            lead = _("All {total} results are stale: {why}") if total > 1 else _("The result is stale: {why}")
            lead = lead.format(total=total, why=why)
            items = self._causes()
        else:
            lead = _("{stale} of {total} results are stale (marked in the {status} column): {why}").format(
                stale=len(stale_rows), total=total, status=_("Status"), why=why)
            items = [[nodes.strong("", row.impl.name), text(": " + self.reason_words(self.stale[id(row.result)]) + ".")]
                     for row in stale_rows]
        para = nodes.paragraph("", "", *fill(
            _("{lead}. Refresh them with {command}; until then, compare these rows with care."),
            lead=lead, command=nodes.literal("", f"python -m runners.run {self.bench.id}")))
        if self.current_as_of:
            para += text(" " + _("Software is compared with {current}.").format(current=self.current_words()))
        causes = nodes.bullet_list(classes=["bb-stale-causes"])
        for content in items:
            causes += nodes.list_item("", nodes.paragraph("", "", *content))
        return nodes.note("", para, causes, classes=["bb-stale-note"])

    def _causes(self) -> list[list[nodes.Node]]:
        """One line per cause: each package with its recorded versions and rows, then each other reason."""
        packages: dict[tuple[str, Current], dict[str, list[str]]] = {}
        others: dict[Reason, list[str]] = {}
        for row in self.rows:
            item = self.stale[id(row.result)]
            for pkg, recorded, current in item.older:
                packages.setdefault((pkg, current), {}).setdefault(recorded, []).append(row.impl.name)
            for reason in item.other:
                others.setdefault(reason, []).append(row.impl.name)
        lines: list[list[nodes.Node]] = []
        for (pkg, current), versions in packages.items():
            recorded = ", ".join(f"{version} ({joined(names)})" for version, names in versions.items())
            source = origin_words(current, _, self.language)
            lines.append([nodes.strong("", software_name(pkg)),
                          text(" " + _("{recorded}; now {version}, {source}.").format(
                              recorded=recorded, version=current.version, source=source))])
        for reason, names in others.items():
            words = other_words(reason, _, self.language)
            lines.append([text(f"{words[0].upper()}{words[1:]} ({joined(names)}).")])
        return lines
