"""What every part of the page shares: the loaded benchmark, its tables, and small node builders.

Only stock, builder-agnostic docutils nodes are made in this package, so every
builder (HTML, LaTeX, text, ...) renders them; HTML-only shapes such as the
collapsed patch are made later by :mod:`..html`.  Data is never parsed as
markup: every string becomes a text node, which each writer escapes for its
format.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from docutils import nodes

from ...analysis.ranking import Row, Table
from ...analysis.staleness import Stale
from ...data.model import Benchmark, Result

__all__ = ["COLLAPSIBLE", "LOGO_HEIGHT", "Page", "code_block", "joined", "link", "month", "plain_text",
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


def joined(items: list[str]) -> str:
    """``a, b and c``, each once."""
    items = list(dict.fromkeys(items))
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def month(result: Result) -> str:
    """The recorded date as a reader wants it: ``May 2020`` or ``3 May 2020``."""
    date = result.date
    return date.strftime("%B %Y") if len(result.recorded) == 7 else f"{date.day} {date:%B %Y}"


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


def provenance_words(status: str, by: str, source: str | None) -> list[nodes.Node]:
    """``measured by X``, ``reported by X``, ``copied from a page by X``, linked."""
    if status == "copied":
        page = link("a published page", source) if source else text("a published page")
        return [text("copied from "), page, text(f" by {by}")]
    return [text(f"{status} by "), link(by, source)]


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

    @property
    def rows(self) -> list[Row]:
        return [row for table in self.tables for row in table.rows]

    @property
    def all_stale(self) -> bool:
        """Whether every row shown is stale: then no row (or bar) is marked, the note says it once."""
        return bool(self.rows) and all(id(row.result) in self.stale for row in self.rows)
