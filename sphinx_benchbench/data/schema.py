"""JSON Schemas of the data files, generated from :mod:`.model`.

Editors (VS Code's YAML extension, PyCharm) validate and complete the data
files with these schemas; the files name them in a ``yaml-language-server``
comment.  They are generated, never edited: run ``python -m
sphinx_benchbench.data.schema`` after changing the model (a test checks that the
committed files are current).
"""

from __future__ import annotations

import dataclasses
import json
import os
import sys
import types
import typing
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

from .model import BenchmarkFile, HardwareFile, LogosFile, ResultsFile, kind_of

__all__ = ["FILES", "schema_for", "write_schemas"]

#: Schema file name -> the dataclass of the data file it describes.
FILES: dict[str, type] = {
    "benchmark.schema.json": BenchmarkFile,
    "results.schema.json": ResultsFile,
    "logos.schema.json": LogosFile,
    "hardware.schema.json": HardwareFile,
}

_SCALARS: dict[type, dict[str, Any]] = {str: {"type": "string", "minLength": 1}, int: {"type": "integer"},
            float: {"type": "number"}, bool: {"type": "boolean"}}


class _Builder:
    def __init__(self) -> None:
        self.defs: dict[str, Any] = {}

    def of(self, tp: Any) -> dict[str, Any]:
        origin = get_origin(tp)
        if origin is typing.Annotated:
            base, kind, bounds = kind_of(tp)
            out = dict(self.of(base))
            if kind.empty_allowed:
                out.pop("minLength", None)
            out.update(kind.schema)
            for bound in bounds:  # e.g. {"maximum": 12}, already in JSON Schema's words
                out.update(bound)
            return out
        if origin in (Union, types.UnionType):
            args = [a for a in get_args(tp) if a is not type(None)]
            options = [self.of(a) for a in args]
            if len(options) == 1 and isinstance(options[0].get("type"), str):
                # Optional scalar: one schema, so editors report the real constraint.
                return {**options[0], "type": [options[0]["type"], "null"]}
            if len(args) < len(get_args(tp)):
                options.append({"type": "null"})
            return {"anyOf": options}
        if origin is Literal:
            return {"enum": list(get_args(tp))}
        if origin is list:
            return {"type": "array", "items": self.of(get_args(tp)[0])}
        if origin is dict:
            key, value = get_args(tp)
            out = {"type": "object", "additionalProperties": self.of(value)}
            if get_origin(key) is typing.Annotated:
                out["propertyNames"] = {"pattern": kind_of(key)[1].schema["pattern"]}
            return out
        if tp is type(None):
            return {"type": "null"}
        if isinstance(tp, type) and dataclasses.is_dataclass(tp):
            name = tp.__name__
            if name not in self.defs:
                self.defs[name] = {}  # placeholder against recursion
                self.defs[name] = self.object(tp)
            return {"$ref": f"#/$defs/{name}"}
        return dict(_SCALARS[tp])

    def object(self, cls: type) -> dict[str, Any]:
        hints = get_type_hints(cls, include_extras=True)
        props = {}
        required = []
        for f in dataclasses.fields(cls):
            prop = self.of(hints[f.name])
            prop["description"] = f.metadata.get("doc", "")
            if f.default is not dataclasses.MISSING and f.default is not None:
                prop["default"] = f.default
            props[f.name] = prop
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING:
                required.append(f.name)
        out = {
            "type": "object",
            "description": " ".join((cls.__doc__ or "").split()),
            "properties": props,
            "additionalProperties": False,
        }
        if required:
            out["required"] = required
        return out


def schema_for(cls: type, filename: str) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of one kind of data file."""
    builder = _Builder()
    top = builder.object(cls)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://sphinx-benchbench.invalid/schema/{filename}",
        "title": f"sphinx-benchbench {filename.removesuffix('.schema.json')} file",
        **top,
        "$defs": builder.defs,
    }


def render(cls: type, filename: str) -> str:
    return json.dumps(schema_for(cls, filename), indent=2, ensure_ascii=False) + "\n"


def write_schemas(folder: str = os.path.join(os.path.dirname(__file__), "schemas")) -> list[str]:
    """Write every schema file into ``folder``; returns the paths written."""
    paths = []
    for filename, cls in FILES.items():
        path = os.path.join(folder, filename)
        with open(path, "w", encoding="utf-8") as f:
            f.write(render(cls, filename))
        paths.append(path)
    return paths


if __name__ == "__main__":
    for written in write_schemas(*sys.argv[1:2]):
        print(written)
