"""What a string or number must be beyond its Python type: an identifier, a URL, a path inside the data folder.

Each kind is one object carrying everything about it: how the validator
checks it and says what it expected, its JSON Schema keywords, and how the
data-format reference names it.  The model marks a field with it through
``Annotated`` (``Ident = Annotated[str, IDENT]``); the validator
(:mod:`..convert`), the schema (:mod:`..schema`) and the reference page read
these objects, and an ``Annotated`` marker that is not a :class:`Kind` is an
error in all three (:func:`kind_of`), never silently ignored.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, get_args

__all__ = [
    "DATE_PATTERN",
    "ENV_PATTERN",
    "IDENT_PATTERN",
    "NONNEGATIVE",
    "URL_PATTERN",
    "Count",
    "DateText",
    "EnvName",
    "FilePath",
    "Ident",
    "Kind",
    "MaybeEmpty",
    "NonNegative",
    "PositiveInt",
    "PositiveNumber",
    "Url",
    "kind_of",
    "whole",
]

#: Patterns shared by the validator and the JSON Schema.
IDENT_PATTERN = r"^[a-z0-9][a-z0-9._-]*$"
DATE_PATTERN = r"^\d{4}-\d{2}(-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?)?$"
#: Only the characters RFC 3986 allows in a URI (others percent-encoded): no quote, backtick,
#: space or control character that could end an attribute or stop a LaTeX build.
URL_PATTERN = r"^https?://[A-Za-z0-9._~:/?#\[\]@!$&'()*+,;=%-]+$"
ENV_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"


def whole(pattern: str) -> re.Pattern[str]:
    """The JSON Schema pattern for Python: there '$' also matches before a final newline ('id\\n')."""
    return re.compile(pattern.removesuffix("$") + r"\Z")


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: each kind is one object
class Kind:
    """One kind of value: its check, its name in messages and in the reference, its JSON Schema."""

    #: ``expected ...`` in a validation message; empty: the base type's name (``an integer``).
    expected: str
    #: The type column of the data-format reference.
    reference: str
    #: JSON Schema keywords added to the base type's.
    schema: dict[str, Any] = field(default_factory=dict)
    #: The problem with a value already of the right Python type, or ``None`` when it is fine.
    check: Callable[[Any], str | None] | None = None
    #: Whether the empty string is allowed (text is otherwise required to be non-blank).
    empty_allowed: bool = False
    #: Whether the validator must also resolve it against the file that names it (paths).
    is_path: bool = False


def _matches(pattern: str, problem: str) -> Callable[[Any], str | None]:
    compiled = whole(pattern)
    return lambda value: None if compiled.match(value) else f"{value!r} is not {problem}"


def _at_least(bound: float, strict: bool) -> Callable[[Any], str | None]:
    said = "greater than zero" if strict else "zero or more"
    return lambda value: None if (value > bound if strict else value >= bound) else f"must be {said}, got {value!r}"


PATH = Kind("a file path", "file path", {"type": "string", "description": "A relative path inside the data folder."},
            is_path=True)
URL = Kind("an http(s) address", "URL", {"type": "string", "pattern": URL_PATTERN},
           _matches(URL_PATTERN, "an http(s) address"))
#: Checked by its pattern here; the validator also checks that the date exists (no 2024-02-30).
DATE = Kind("a date (YYYY-MM-DD)", "date", {"type": "string", "pattern": DATE_PATTERN},
            _matches(DATE_PATTERN, "a date (YYYY-MM-DD, YYYY-MM or ISO 8601)"))
IDENT = Kind("an identifier (a-z, 0-9, '-', '_', '.')", "identifier", {"type": "string", "pattern": IDENT_PATTERN},
             _matches(IDENT_PATTERN, "an identifier (lower-case letters, digits, '-', '_' and '.')"))
ENVNAME = Kind("an environment variable name", "variable name", {"type": "string", "pattern": ENV_PATTERN},
               _matches(ENV_PATTERN, "an environment variable name (letters, digits and '_', not starting with "
                                     "a digit)"))
# Numbers are said by their base type ("expected an integer"); their bound is the check's message.
NONNEGATIVE = Kind("", "number >= 0", {"minimum": 0}, _at_least(0, strict=False))
POSITIVE = Kind("", "integer > 0", {"exclusiveMinimum": 0}, _at_least(0, strict=True))
POSITIVE_NUMBER = Kind("", "number > 0", {"exclusiveMinimum": 0}, _at_least(0, strict=True))
MAYBE_EMPTY = Kind("text", "text, may be empty", {"type": "string"}, empty_allowed=True)

#: A file path relative to the file that names it, which must stay inside the
#: data folder.  The validator resolves it and checks that it exists.
FilePath = Annotated[str, PATH]
#: An ``http(s)://`` address.
Url = Annotated[str, URL]
#: A date, ``YYYY-MM-DD`` or ``YYYY-MM`` (when only the month is known), or an
#: ISO 8601 timestamp.
DateText = Annotated[str, DATE]
#: A number that must be finite and not negative.
NonNegative = Annotated[float, NONNEGATIVE]
#: An integer greater than zero.
PositiveInt = Annotated[int, POSITIVE]
#: An integer, zero or more.
Count = Annotated[int, NONNEGATIVE]
#: A finite number greater than zero.
PositiveNumber = Annotated[float, POSITIVE_NUMBER]
#: Text that may be empty (``CUDA_VISIBLE_DEVICES: ""`` hides every GPU).
MaybeEmpty = Annotated[str, MAYBE_EMPTY]
#: An identifier: lower-case letters, digits, ``-``, ``_`` and ``.``.
Ident = Annotated[str, IDENT]
#: An environment variable's name: letters, digits and ``_``, not starting with a
#: digit.  Anything else would be shell syntax on the page's ``export`` lines.
EnvName = Annotated[str, ENVNAME]


def kind_of(annotated: Any) -> tuple[Any, Kind, list[dict[str, Any]]]:
    """The base type, the kind and the bounds (``{"maximum": 12}``) of an ``Annotated`` hint.

    :raises TypeError: when its marker is not a :class:`Kind` (a typo in the model must
        fail every build and test, not pass every value).
    """
    base, marker, *bounds = get_args(annotated)
    if not isinstance(marker, Kind):
        raise TypeError(f"unknown marker {marker!r} in {annotated!r}: the model's Annotated fields take a Kind")
    for bound in bounds:
        if not (isinstance(bound, dict) and set(bound) <= {"maximum"}):
            raise TypeError(f"unknown bound {bound!r} in {annotated!r}: only {{'maximum': N}} is understood")
    return base, marker, bounds
