"""Generate the data-format reference from the model's dataclasses.

The documentation of every field lives in :mod:`sphinx_benchbench.data.model`
(its ``doc`` metadata), so this page cannot drift from what the validator
accepts.
"""

from __future__ import annotations

import dataclasses
import re
import typing
from typing import Any, ClassVar, get_args, get_origin, get_type_hints

from docutils import nodes
from sphinx.util.docutils import SphinxDirective

from sphinx_benchbench.data import model


def _type_text(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is typing.Annotated:
        _, kind, bounds = model.kind_of(tp)
        return kind.reference + "".join(f", <= {b['maximum']}" for b in bounds)
    if origin is typing.Literal:
        return " | ".join(repr(a) for a in get_args(tp))
    if origin in (typing.Union, __import__("types").UnionType):
        return " or ".join(_type_text(a) for a in get_args(tp) if a is not type(None))
    if origin is list:
        return f"list of {_type_text(get_args(tp)[0])}"
    if origin is dict:
        key, value = get_args(tp)
        return f"mapping of {_type_text(key)} to {_type_text(value)}"
    if dataclasses.is_dataclass(tp):
        return tp.__name__
    return {str: "text", int: "integer", float: "number", bool: "boolean"}.get(tp, str(tp))


#: The files whose top level each class describes, as the reference names them.
FILES = {"BenchmarkFile": "benchmark.yaml", "ResultsFile": "results/*.yaml", "LogosFile": "logos.yaml",
         "HardwareFile": "hardware.yaml"}


def _found_in(tp: Any, path: str) -> typing.Iterator[tuple[type, str]]:
    """The dataclasses a field's type holds, with their key paths (``[]`` an item, ``<key>`` any key)."""
    origin = get_origin(tp)
    if origin is typing.Annotated:
        yield from _found_in(get_args(tp)[0], path)
    elif origin in (typing.Union, __import__("types").UnionType):
        for option in get_args(tp):
            yield from _found_in(option, path)
    elif origin is list:
        yield from _found_in(get_args(tp)[0], path + "[]")
    elif origin is dict:
        yield from _found_in(get_args(tp)[1], path + ".<key>")
    elif dataclasses.is_dataclass(tp):
        yield typing.cast(type, tp), path


def key_paths() -> dict[str, list[str]]:
    """Where each class of the format is found, by class name: ``{"LogSpec": ["implementations[].run.log"]}``
    (a file's top level is ``""``).  Walked from the model, so a nested table's title cannot drift."""
    paths: dict[str, list[str]] = {name: [""] for name in FILES}

    def walk(cls: type, path: str) -> None:
        for name, tp in get_type_hints(cls, include_extras=True).items():
            for found, where in _found_in(tp, f"{path}.{name}" if path else name):
                if where not in paths.setdefault(found.__name__, []):
                    paths[found.__name__].append(where)
                    walk(found, where)

    for name in FILES:
        walk(getattr(model, name), "")
    return paths


def _marked(text: str) -> list[nodes.Node]:
    """The model's doc text with its ``literals`` as literal nodes: read as plain text they would
    show their backquotes on the page."""
    out: list[nodes.Node] = []
    for n, piece in enumerate(re.split(r"``(.+?)``", text)):
        if piece:
            out.append(nodes.literal("", piece) if n % 2 else nodes.Text(piece))
    return out


class FormatReference(SphinxDirective):
    """``.. benchbench-format:: ClassName`` renders one dataclass's fields."""

    required_arguments = 1
    option_spec: ClassVar[dict[str, Any]] = {}

    def run(self) -> list[nodes.Node]:
        cls = getattr(model, self.arguments[0])
        hints = get_type_hints(cls, include_extras=True)
        out: list[nodes.Node] = [nodes.paragraph("", "", *_marked(" ".join((cls.__doc__ or "").split())))]
        table = nodes.table()
        name = self.arguments[0]
        if name in FILES:
            title: list[nodes.Node] = [nodes.Text("The top level of "), nodes.literal("", FILES[name])]
        else:
            title = [nodes.Text(f"{name}, at ")]
            for n, path in enumerate(key_paths().get(name, [])):
                title += [nodes.Text(" and " if n else ""), nodes.literal("", path)]
        table += nodes.title("", "", *title)
        group = nodes.tgroup(cols=3)
        table += group
        for width in (2, 2, 6):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        group += head
        body = nodes.tbody()
        group += body
        head += self.row([[nodes.Text("Key")], [nodes.Text("Type")], [nodes.Text("Meaning")]])
        for f in dataclasses.fields(cls):
            required = f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
            key = [nodes.literal("", f.name)]
            kind = [nodes.Text(_type_text(hints[f.name]) + (" (required)" if required else ""))]
            meaning = _marked(f.metadata.get("doc", ""))
            if f.default not in (dataclasses.MISSING, None):
                meaning += [nodes.Text(" Default: "), nodes.literal("", repr(f.default)), nodes.Text(".")]
            body += self.row([key, kind, meaning])
        out.append(table)
        # Options such as ``--repeat`` stay two hyphens: no smart quotes or dashes in the model's text.
        box = nodes.container("", *out)
        box["support_smartquotes"] = False
        return [box]

    @staticmethod
    def row(cells: list[list[nodes.Node]]) -> nodes.row:
        row = nodes.row()
        for cell in cells:
            row += nodes.entry("", nodes.paragraph("", "", *cell))
        return row


def setup(app):
    app.add_directive("benchbench-format", FormatReference)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
