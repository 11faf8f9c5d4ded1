"""Field helpers: every field of the model carries its documentation (``doc`` metadata).

The validator's messages, the JSON Schema and the data-format reference all
read it, so a field is documented once.
"""

from dataclasses import field
from typing import Any

__all__ = ["_f", "_req", "doc"]


def doc(text: str, **extra: object) -> dict[str, object]:
    """Field metadata: its documentation, shared by schema, docs and messages."""
    return {"doc": " ".join(text.split()), **extra}


def _f(text: str, default: object = None, **extra: object) -> Any:
    """An optional field.  ``vital=True`` in ``extra``: a problem anywhere in its value
    drops the whole object instead of the field falling back to its default (a
    result must not be shown on the wrong hardware, or from part of its samples)."""
    if isinstance(default, (list, dict)):
        factory = type(default)
        return field(default_factory=factory, metadata=doc(text, **extra))
    return field(default=default, metadata=doc(text, **extra))


def _req(text: str, **extra: object) -> Any:
    return field(metadata=doc(text, **extra))
