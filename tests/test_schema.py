"""The published JSON Schemas: current, and in agreement with the validator."""

from __future__ import annotations

import dataclasses
import json
import typing
from pathlib import Path
from typing import Annotated

import jsonschema
import pytest

from sphinx_benchbench.data.convert import Converter
from sphinx_benchbench.data.model import Implementation, Window, kind_of
from sphinx_benchbench.data.schema import FILES, render, schema_for, write_schemas
from sphinx_benchbench.data.yamlsource import load_yaml

from .conftest import REPO, ROOTS

PACKAGE = REPO / "sphinx_benchbench" / "data" / "schemas"


@pytest.mark.parametrize("filename", sorted(FILES))
def test_committed_schema_is_current(filename: str) -> None:
    committed = (PACKAGE / filename).read_text(encoding="utf-8")
    assert committed == render(FILES[filename], filename), "run: python -m sphinx_benchbench.data.schema"
    jsonschema.Draft202012Validator.check_schema(json.loads(committed))


def _data_files() -> list[tuple[str, Path]]:
    out = []
    for data in (REPO / "data", ROOTS / "test-basic" / "data"):
        out += [("logos.schema.json", data / "logos.yaml"), ("hardware.schema.json", data / "hardware.yaml")]
        out += [("benchmark.schema.json", p) for p in data.glob("*/benchmark.yaml")]
        out += [("results.schema.json", p) for p in data.glob("*/results/*.yaml")]
    return out


@pytest.mark.parametrize(("schema", "path"), _data_files(), ids=lambda v: getattr(v, "name", v))
def test_data_files_validate_against_the_schema(schema: str, path: Path) -> None:
    validator = jsonschema.Draft202012Validator(json.loads((PACKAGE / schema).read_text(encoding="utf-8")))
    errors = [e.message for e in validator.iter_errors(load_yaml(path))]
    assert errors == []


@pytest.mark.parametrize(
    ("schema", "document", "words"),
    [
        ("benchmark.schema.json", {"title": "t"}, "'metric' is a required property"),
        ("results.schema.json", {"results": [{"implementation": "a", "recorded": "2020-05", "status": "copied",
                                              "provenance": {"by": "x"}, "value": -1}]}, "less than the minimum"),
        ("logos.schema.json", {"logos": {"a": {"name": "A", "imgae": "x.svg"}}}, "Additional properties"),
        ("hardware.schema.json", {"hardware": {"Bad Id": {"label": "x"}}}, "does not match"),
        ("benchmark.schema.json", {"title": "t", "metric": {"label": "T", "unit": "s", "direction": "lower"},
                                   "measurement": {"description": "d"},
                                   "implementations": [{"id": "a", "name": "A", "env": {"X;rm -rf ~": "z"}}]},
         "does not match"),
    ],
)
def test_schema_rejects_what_the_validator_rejects(schema: str, document: dict, words: str) -> None:
    validator = jsonschema.Draft202012Validator(json.loads((PACKAGE / schema).read_text(encoding="utf-8")))
    assert any(words in e.message for e in validator.iter_errors(document))


@dataclasses.dataclass(frozen=True)
class _Typo:
    """A model class whose marker is a plain string, as the model's markers once were."""

    name: Annotated[str, "ident"] = dataclasses.field(default="x", metadata={"doc": "A name."})


def test_an_unknown_marker_is_an_error_for_the_validator_the_schema_and_the_reference() -> None:
    """A marker the three readers do not know must fail them, not pass every value unchecked."""
    import sys

    sys.path.insert(0, str(REPO / "docs/_ext"))
    try:
        from format_reference import _type_text
    finally:
        sys.path.pop(0)
    with pytest.raises(TypeError, match="unknown marker 'ident'"):
        Converter("x.yaml", str(REPO), {}).convert(_Typo, {"name": "Not An Id"})
    with pytest.raises(TypeError, match="unknown marker 'ident'"):
        schema_for(_Typo, "typo.schema.json")
    with pytest.raises(TypeError, match="unknown marker 'ident'"):
        _type_text(typing.get_type_hints(_Typo, include_extras=True)["name"])


def test_each_kind_is_read_from_one_definition() -> None:
    """The validator's message, the schema's pattern and the reference's name come from the same Kind."""
    hints = typing.get_type_hints(Window, include_extras=True)
    _, kind, _ = kind_of(hints["start"])
    assert kind.schema == {"minimum": 0} and kind.reference == "number >= 0"
    converter = Converter("x.yaml", str(REPO), {})
    assert converter.convert(Window, {"start": -1, "end": 5}) is None
    assert converter.problems[0].message == "start: must be zero or more, got -1"
    ident = typing.get_type_hints(Implementation, include_extras=True)["id"]
    assert schema_for(Implementation, "x")["properties"]["id"]["pattern"] == kind_of(ident)[1].schema["pattern"]


def test_the_schema_command_writes_every_schema_file(tmp_path: Path) -> None:
    """``python -m sphinx_benchbench.data.schema`` (:func:`write_schemas`) writes one file per schema, each
    the JSON Schema the validator agrees with, into the folder it is given and nowhere else."""
    written = write_schemas(str(tmp_path))
    assert sorted(Path(p).name for p in written) == sorted(FILES) == sorted(p.name for p in tmp_path.iterdir())
    for path in map(Path, written):
        text = path.read_text(encoding="utf-8")
        assert text == render(FILES[path.name], path.name), "the file is the rendered schema, whole"
        schema = json.loads(text)
        jsonschema.Draft202012Validator.check_schema(schema)
        assert schema["$id"] == f"https://sphinx-benchbench.invalid/schema/{path.name}"
