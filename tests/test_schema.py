"""The published JSON Schemas: current, and in agreement with the validator."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from sphinx_benchbench.data.schema import FILES, render
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
