"""The summary and the environment and method: hardware, software, data, metric, settings, who measured."""

from __future__ import annotations

from docutils import nodes

from ...data.model import software_name
from ..i18n import _
from .base import Page, code_block, joined, link, month, provenance_words, text

__all__ = ["EnvironmentPart"]


class EnvironmentPart(Page):
    """The ``summary`` and ``environment`` parts."""

    def summary(self) -> list[nodes.Node]:
        summary = self.bench.definition.summary
        return [nodes.paragraph("", summary, classes=["bb-summary"])] if summary else []

    # -- environment and method -----------------------------------------

    def environment(self) -> list[nodes.Node]:
        d = self.bench.definition
        items: list[tuple[str, list[nodes.Node]]] = []
        hardware = [t.label or _("not recorded") for t in self.tables]
        if hardware:
            items.append((_("Hardware"), [text("; ".join(hardware) + ".")]))
        software = self._software()
        if software:
            items.append((_("Software"), software))
        if d.model:
            model: list[nodes.Node] = [link(d.model.description, d.model.link)]
            if d.model.notes:
                model.append(text(" " + d.model.notes))
            items.append((_("Model"), model))
        if d.dataset:
            items.append((_("Data"), [text(d.dataset)]))
        metric = [text(d.measurement.description)]
        metric += [text(" " + c) for c in d.measurement.caveats]
        items.append((_("Metric"), metric))
        setting = self._settings()
        if setting:
            items.append((_("Settings"), [text(setting)]))
        measured = self._campaigns()
        if measured:
            items.append((_("Measured"), measured))
        bullets = nodes.bullet_list(classes=["bb-environment"])
        for label, content in items:
            para = nodes.paragraph("", "", nodes.strong("", _("{label}:").format(label=label)), text(" "), *content)
            bullets += nodes.list_item("", para)
        return [bullets, *self._shared_setup()]

    def _shared_setup(self) -> list[nodes.Node]:
        """The benchmark's own set-up (its input, say): what every implementation's numbers depend on."""
        steps = self.bench.definition.setup
        if not steps:
            return []
        found: list[nodes.Node] = [nodes.paragraph("", _("Set-up, once before every implementation:"),
                                                   classes=["bb-shared-setup"])]
        for step in steps:
            if step.purpose:
                found.append(nodes.paragraph("", step.purpose))
            found.append(code_block(step.run, "bash"))
        return found

    def _settings(self) -> str:
        m = self.bench.definition.measurement
        parts = []
        if m.window:
            parts.append(_("{unit}s {start}-{end} measured").format(unit=m.window.unit, start=m.window.start,
                                                                   end=m.window.end))
        if m.batch and m.batch.per_device:
            parts.append(_("{batch} per device").format(batch=m.batch.per_device))
        if m.batch and m.batch.total:
            parts.append(_("{batch} per {unit} in all").format(batch=m.batch.total,
                                                              unit=m.window.unit if m.window else _("step")))
        if m.precision:
            parts.append(_("{precision} precision").format(precision=m.precision))
        if m.timed:
            parts.append(_("timed: {timed}").format(timed=m.timed))
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
            key = ", ".join(f"{software_name(p)} {row.result.software.get(p, _('not recorded'))}" for p in differ)
            groups.setdefault(key, []).append(row.impl.name)
        parts = same + [f"{key} ({joined(names)})" for key, names in groups.items() if differ]
        if not parts:
            return []
        out: list[nodes.Node] = [text("; ".join(parts) + ".")]
        if differ:
            out += [text(" "), nodes.emphasis(
                "", _("Rows differ in {packages}: compare them with care.").format(
                    packages=joined([software_name(p) for p in differ])),
                classes=["bb-differ"])]
        return out

    def _campaigns(self) -> list[nodes.Node]:
        """When and by whom rows were measured, grouped, so mixed campaigns show."""
        sources: dict[tuple[str, str, str | None], dict[str, list[str]]] = {}
        for row in self.rows:
            r = row.result
            key = (r.status, r.provenance.by, r.provenance.source)
            sources.setdefault(key, {}).setdefault(month(r, self.language), []).append(row.impl.name)
        single = len(sources) == 1 and len(next(iter(sources.values()), {})) == 1
        out: list[nodes.Node] = []
        for n, ((status, by, source), months) in enumerate(sources.items()):
            if n:
                out.append(text("; "))
            when = [m if single else f"{m} ({joined(names)})" for m, names in months.items()]
            out.append(text(f"{joined(when)}, "))
            out.extend(provenance_words(status, by, source))
        if out:
            out.append(text("."))
        return out
