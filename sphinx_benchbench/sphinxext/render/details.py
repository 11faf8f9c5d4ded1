"""One section per implementation: its version, set-up, commands, notes, result and patches."""

from __future__ import annotations

import os
import shlex

from docutils import nodes

from ...data.model import Implementation, Patch, Result, software_name
from ..i18n import _
from ..ids import YIELDS
from .base import COLLAPSIBLE, Page, code_block, fill, link, month, provenance_words, text

__all__ = ["DetailsPart"]


class DetailsPart(Page):
    """The ``details`` part."""

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
        box[YIELDS] = True
        box += self._lead(impl)
        for step in impl.setup:
            box += nodes.paragraph("", _("{label}:").format(label=step.purpose or _("Prepare")))
            box += code_block(step.run, "bash")
        for patch in impl.patches:
            box += nodes.paragraph("", "", *fill(_("Apply the patch {patch} (below)."),
                                                 patch=nodes.emphasis("", patch.summary)))
        if impl.commands:
            env = [f"export {k}={shlex.quote(v)}" for k, v in impl.env.items()]
            box += nodes.paragraph("", _("Run:"))
            box += code_block("\n".join([*env, *impl.commands]), "bash")
        for note in impl.notes:
            box += nodes.paragraph("", note, classes=["bb-note"])
        if result is not None:
            box += self._result_line(result)
        for patch in impl.patches:
            box += self._patch(patch)
        return box

    def _lead(self, impl: Implementation) -> nodes.paragraph:
        name = nodes.strong("", "", link(impl.name, impl.link))
        para = nodes.paragraph("", "", name, classes=["bb-lead"])
        src = impl.source
        if impl.lead:
            para += text(": " + impl.lead)
        elif src and src.ref and src.kind != "none":
            phrase = {"release": _(": at release {ref}."), "commit": _(": at commit {ref}."),
                      "branch": _(": at branch {ref}.")}[src.kind]
            para.extend(fill(phrase, ref=link([nodes.literal("", src.ref)], src.ref_link)))
        return para

    def _shared(self) -> tuple[set[str], dict[str, str]]:
        """Facts every row shares, which the environment part says once: ``({"provenance", "month",
        "hardware"} as shared, {package: version} shared)``.  With one row nothing is left out."""
        results = [row.result for row in self.rows]
        if len(results) < 2:
            return set(), {}
        first = results[0]
        facts = {
            "provenance": lambda r: (r.status, r.provenance.by, r.provenance.source),
            # The date and its precision decide the words: saying each date is slow (Babel).
            "month": lambda r: (r.date, len(r.recorded) != 7),
            "hardware": lambda r: (hw.label if (hw := self.bench.hardware_of(r)) else None),
        }
        shared = {name: key for name, key in facts.items() if all(key(r) == key(first) for r in results)}
        software = {pkg: v for pkg, v in first.software.items() if all(r.software.get(pkg) == v for r in results)}
        return set(shared), software

    def _shared_once(self) -> tuple[set[str], dict[str, str]]:
        """:meth:`_shared`, worked out once per page: per result line it made the part quadratic."""
        memo: tuple[set[str], dict[str, str]] | None = self.__dict__.get("_shared_memo")
        if memo is None:
            memo = self.__dict__["_shared_memo"] = self._shared()
        return memo

    def _result_line(self, result: Result) -> nodes.paragraph:
        """The result of one implementation, with only what is its own (the shared facts are said above)."""
        metric = self.bench.definition.metric
        hw = self.bench.hardware_of(result)
        shared, software = self._shared_once()
        value = f"{result.stat(metric.statistic):.{metric.decimals}f} {metric.unit}"
        para = nodes.paragraph("", "", classes=["bb-result"])
        para += nodes.strong("", _("Result:"))
        para += text(f" {value}" + ("" if "month" in shared else f", {month(result, self.language)}"))
        if "provenance" not in shared:
            para += text(", ")
            para.extend(provenance_words(result.status, result.provenance.by, result.provenance.source))
        details = []
        if hw and "hardware" not in shared:
            details.append(_("on {hardware}").format(hardware=hw.label))
        own = {k: v for k, v in result.software.items() if software.get(k) != v}
        if own:
            details.append(_("with {software}").format(
                software=", ".join(f"{software_name(k)} {v}" for k, v in own.items())))
        src = self.bench.implementation(result.implementation)
        ref = src.source.ref if src and src.source else None
        if result.commit and result.commit != ref:  # the lead already names the ref
            details.append(_("commit {commit}").format(commit=result.commit))
        para += text(("; " + "; ".join(details) if details else "") + ".")
        if result.note:
            para += text(" " + result.note)
        return para

    def _patch(self, patch: Patch) -> nodes.container:
        diff = self.bench.patch_text.get(patch.file)
        box = nodes.container(classes=["bb-patch", *([COLLAPSIBLE] if patch.collapsed else [])])
        caption = nodes.paragraph("", "", classes=["bb-patch-caption"])
        caption.extend(fill(_("Patch: {summary} {file}"), summary=patch.summary,
                            file=nodes.literal("", os.path.basename(patch.file))))
        box += caption
        if diff is not None:
            box += code_block(diff, "diff")
        return box
