"""HTML-only shapes: the collapsed patch as ``<details>``/``<summary>``.

The directive emits a plain container (a caption paragraph and a literal
block), which LaTeX and text render as they are.  For HTML formats only, a
post-transform turns it into a ``<details>`` element, so the reader clicks to
expand it and no JavaScript is needed.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from .i18n import _
from .render import COLLAPSIBLE
from .render.status import REASON

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator

__all__ = ["setup_html"]

STATIC_CSS = "benchbench.css"


class details(nodes.General, nodes.Element):  # noqa: N801 - docutils node naming
    """A ``<details>`` element (HTML only)."""


class summary(nodes.TextElement):  # noqa: N801 - docutils node naming
    """A ``<summary>`` element (HTML only)."""


class CollapsePatches(SphinxPostTransform):
    """Turn collapsible containers into ``<details>`` for HTML builders."""

    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for container in list(self.document.findall(nodes.container)):
            if COLLAPSIBLE not in container["classes"] or not container.children:
                continue
            caption, *body = container.children
            new = details(classes=[c for c in container["classes"] if c != COLLAPSIBLE])
            new["ids"] = container["ids"]
            new += summary("", "", *caption.children)
            new.extend(body)
            container.replace_self(new)


class StaleMarkers(SphinxPostTransform):
    """Make the status column's marker a focusable ``<abbr>``, so keyboard users get its reason too.

    Other builders keep the plain word: the note above the table prints every reason.
    """

    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for marker in list(self.document.findall(nodes.inline)):
            if "bb-stale" in marker["classes"] and REASON in marker:
                reason = html.escape(marker[REASON], quote=True)
                word = html.escape(marker.astext(), quote=True)  # "stale", translated by the renderer
                label = html.escape(_("stale: {reason}").format(reason=marker[REASON]), quote=True)
                markup = (f'<abbr class="bb-stale" tabindex="0" title="{reason}" '
                          f'aria-label="{label}">{word}</abbr>')
                marker.replace_self(nodes.raw("", markup, format="html"))


def visit_details(self: HTML5Translator, node: details) -> None:
    self.body.append(self.starttag(node, "details"))


def depart_details(self: HTML5Translator, node: details) -> None:
    self.body.append("</details>\n")


def visit_summary(self: HTML5Translator, node: summary) -> None:
    self.body.append(self.starttag(node, "summary", suffix=""))


def depart_summary(self: HTML5Translator, node: summary) -> None:
    expand = html.escape(_("(click to expand)"))
    self.body.append(f' <span class="bb-expand">{expand}</span></summary>\n')


def add_css(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: nodes.document | None
) -> None:
    """Link the stylesheet only on pages that show a benchmark."""
    if doctree is not None and any(
        "bb-benchmark" in n["classes"] for n in doctree.findall(nodes.container)
    ):
        app.add_css_file(STATIC_CSS)


def setup_html(app: Sphinx) -> None:
    """Register the HTML-only nodes, the transform and the stylesheet."""
    app.add_node(details, html=(visit_details, depart_details))
    app.add_node(summary, html=(visit_summary, depart_summary))
    app.add_post_transform(CollapsePatches)
    app.add_post_transform(StaleMarkers)
    app.connect("html-page-context", add_css)
