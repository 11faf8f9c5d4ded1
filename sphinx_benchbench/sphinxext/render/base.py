"""What every part of the page shares: the loaded benchmark, its tables, and small node builders.

Only stock, builder-agnostic docutils nodes are made in this package, so every
builder (HTML, LaTeX, text, ...) renders them; HTML-only shapes such as the
collapsed patch are made later by :mod:`..html`.  Data is never parsed as
markup: every string becomes a text node, which each writer escapes for its
format.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from docutils import nodes

from ...analysis.ranking import Row, Table
from ...analysis.staleness import Stale
from ...analysis.versions import date_words
from ...data.model import Benchmark, Result
from ..i18n import _

__all__ = ["COLLAPSIBLE", "LOGO_HEIGHT", "Page", "code_block", "fill", "joined", "link", "month", "plain_text",
           "provenance_words", "text"]

#: Classes on the collapsible patch container; :mod:`..html` turns it into <details>.
COLLAPSIBLE = "bb-collapsible"
LOGO_HEIGHT = "15pt"


def text(value: str) -> nodes.Text:
    return nodes.Text(value)


def link(children: list[nodes.Node] | str, url: str | None) -> nodes.Node:
    """A reference to ``url``, or the bare content when there is none."""
    if isinstance(children, str):
        children = [text(children)]
    if not url:
        return nodes.inline("", "", *children)
    return nodes.reference("", "", *children, refuri=url, internal=False)


_FIELD = re.compile(r"\{(\w+)\}")


def fill(message: str, **parts: str | nodes.Node) -> list[nodes.Node]:
    """A translated ``message`` with its ``{fields}`` filled, as nodes: a translation may move a
    link or a literal to wherever its language puts it.

    Text parts join the words around them into one text node, so a message
    with no node parts is one node, as a plain string was before translation.
    """
    out: list[nodes.Node] = []
    words: list[str] = []
    at = 0
    for found in _FIELD.finditer(message):
        words.append(message[at:found.start()])
        part = parts[found.group(1)]
        if isinstance(part, str):
            words.append(part)
        else:
            if "".join(words):
                out.append(text("".join(words)))
            words = []
            out.append(part)
        at = found.end()
    words.append(message[at:])
    if "".join(words):
        out.append(text("".join(words)))
    return out


def joined(items: list[str]) -> str:
    """``a, b and c``, each once."""
    items = list(dict.fromkeys(items))
    if len(items) == 1:
        return items[0]
    return _("{items} and {last}").format(items=", ".join(items[:-1]), last=items[-1])


def month(result: Result, language: str | None = None) -> str:
    """The recorded date as a reader wants it: ``May 2020`` or ``3 May 2020`` (in the site's language)."""
    return date_words(result.date, len(result.recorded) != 7, language)


def plain_text(content: list[nodes.Node]) -> str:
    """Text of some nodes as a text builder shows it: a logo by its name (see :mod:`..logos`),
    emphasis between the ``*`` it adds (left out, they wrap the cell they were measured for)."""
    out = []
    for node in content:
        for sub in node.findall(lambda n: isinstance(n, (nodes.Text, nodes.image, nodes.emphasis))):
            if isinstance(sub, nodes.emphasis):
                out.append("**")
            else:
                out.append(sub["alt"] if isinstance(sub, nodes.image) else sub.astext())
    return "".join(out)


def _provenance(status: str) -> str:
    """The words for a result's status (one message each: a language may inflect them differently)."""
    return {
        "measured": _("measured by {by}"),
        "reported": _("reported by {by}"),
        "estimated": _("estimated by {by}"),
        "imported": _("imported by {by}"),
    }.get(status) or status + " by {by}"


def provenance_words(status: str, by: str, source: str | None) -> list[nodes.Node]:
    """``measured by X``, ``reported by X``, ``copied from a page by X``, linked."""
    if status == "copied":
        page_words = _("a published page")
        page = link(page_words, source) if source else text(page_words)
        return fill(_("copied from {page} by {by}"), page=page, by=by)
    return fill(_provenance(status), by=link(by, source))


def code_block(content: str, language: str) -> nodes.literal_block:
    return nodes.literal_block(content, content, language=language)


@dataclass
class Page:
    """The state every part reads: the benchmark, its ranked tables and the document's services.

    :param new_id: returns an id unique in the document for the given name.
    """

    bench: Benchmark
    tables: list[Table]
    new_id: Callable[[str], str]
    #: Implementations the directive shows (``None``: all).
    impl_ids: list[str] | None = None
    #: Stale results among the rows, by ``id()`` of the result.
    stale: dict[int, Stale] = field(default_factory=dict)
    #: When the recorded current releases were current (``data/versions.yaml``), if there are any.
    current_as_of: str | None = None
    #: The site's ``language`` (conf.py), for dates; translated words follow it through :func:`..i18n._`.
    language: str | None = None

    @property
    def rows(self) -> list[Row]:
        return [row for table in self.tables for row in table.rows]

    @property
    def all_stale(self) -> bool:
        """Whether every row shown is stale: then no row (or bar) is marked, the note says it once."""
        return bool(self.rows) and all(id(row.result) in self.stale for row in self.rows)
