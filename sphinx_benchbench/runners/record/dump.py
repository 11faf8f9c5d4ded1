"""The YAML text of a recording: the model's dataclasses as people write them."""

from __future__ import annotations

import dataclasses
from typing import Any

import yaml

from sphinx_benchbench.data.model import ResultsFile

__all__ = ["dump"]


def _plain(value: Any) -> Any:
    """Dataclasses to plain YAML values, leaving out unset and default fields."""
    if dataclasses.is_dataclass(value):
        out = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            default = f.default if f.default is not dataclasses.MISSING else (
                f.default_factory() if f.default_factory is not dataclasses.MISSING else dataclasses.MISSING)
            if item is None or (item == default and f.name != "schema"):
                continue
            out[f.name] = _plain(item)
        return out
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def dump(recording: ResultsFile, header: str) -> str:
    """The YAML text of a recording, with a comment header."""
    plain = _plain(recording)
    plain = {"schema": plain.pop("schema"), **plain}  # the format version first, as people write it
    body = yaml.safe_dump(plain, sort_keys=False, allow_unicode=True, width=100)
    return "".join(f"# {line}\n" for line in header.splitlines()) + body
