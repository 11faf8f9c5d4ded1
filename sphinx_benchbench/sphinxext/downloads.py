"""The table's data as CSV and JSON files, linked under the table (HTML only).

The files are written at write time into ``_downloads/benchbench/`` under a
name made from their content's hash, so pages that show the same data share
them and rewriting is a no-op.  Other builders skip the node, and so does
EPUB, though it writes HTML: a book's manifest may only hold what a reading
system can show (CSV and JSON are not among EPUB's media types, and Sphinx
warns of them and leaves them out of the book, links and all), and an
e-reader offers nowhere to save a file to; the table is the data there, as
in the PDF.  Data comes
from strangers' pull requests: a CSV cell that a spreadsheet would evaluate
(``=HYPERLINK(...)``, ``+cmd|...``, ``@SUM``) is written as text, and the JSON
is strict (no NaN or Infinity).
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import os
import posixpath
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes

from .i18n import _

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

__all__ = ["downloads", "make_downloads", "setup_downloads"]

FOLDER = "_downloads/benchbench"


class downloads(nodes.General, nodes.Element):  # noqa: N801 - docutils node naming
    """Links to the table's data; ``name`` is the file stem, ``data`` the JSON document."""


#: What a spreadsheet evaluates at the start of a cell (OWASP's CSV injection list).
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def _finite(value: Any) -> Any:
    """``value`` with non-finite floats as ``None``: JSON has no NaN or Infinity."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def make_downloads(name: str, document: dict[str, Any]) -> downloads:
    return downloads("", name=name, data=json.dumps(_finite(document), indent=2, sort_keys=False, allow_nan=False))


def _cell(value: Any) -> Any:
    """A CSV cell a spreadsheet shows as text: a leading formula character gets a ``'`` before it."""
    if isinstance(value, list):
        value = ";".join("" if v is None else str(v) for v in value)
    if isinstance(value, str) and value.startswith(_FORMULA):
        return "'" + value
    return value


def _csv(document: dict[str, Any]) -> str:
    rows = document["rows"]
    columns = list(rows[0]) if rows else []
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: _cell(v) for k, v in row.items()})
    return out.getvalue()


def _write(path: Path, text: str) -> None:
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _in_a_book(builder: Builder) -> bool:
    """Whether the HTML is for an EPUB (Sphinx's ``epub`` builder, or one made from it)."""
    from sphinx.builders._epub_base import EpubBuilder  # the base of every EPUB builder since Sphinx 1.x

    return isinstance(builder, EpubBuilder)


def visit_downloads_html(self: Any, node: downloads) -> None:
    import hashlib  # at write time only

    if _in_a_book(self.builder):
        raise nodes.SkipNode
    document = json.loads(node["data"])
    texts = {"csv": _csv(document), "json": node["data"] + "\n"}
    root = posixpath.dirname(self.builder.imgpath)  # from this page to the output root
    links = []
    for ext, text in texts.items():
        digest = hashlib.sha256(text.encode()).hexdigest()[:12]
        filename = f"{node['name']}-{digest}.{ext}"
        _write(Path(self.builder.outdir) / FOLDER / filename, text)
        href = posixpath.join(root, FOLDER, filename) if root else posixpath.join(FOLDER, filename)
        links.append(f'<a class="reference download" href="{html.escape(href)}" download>{ext.upper()}</a>')
    said = html.escape(_("Data: {links}")).replace("{links}", " · ".join(links))
    self.body.append(f'<p class="bb-downloads">{said}</p>\n')
    raise nodes.SkipNode


def skip(self: Any, node: downloads) -> None:
    raise nodes.SkipNode


def setup_downloads(app: Sphinx) -> None:
    app.add_node(downloads, html=(visit_downloads_html, None), latex=(skip, None), text=(skip, None),
                 man=(skip, None), texinfo=(skip, None))
