"""Validate located YAML values into the dataclasses of :mod:`.model`.

Conversion is driven by the dataclasses' type hints, so the model stays the
one definition of the format.  It never raises on bad data: every problem is
collected as a located :class:`~.yamlsource.DataError` and the offending part
is dropped (an optional field falls back to its default, a list item or
mapping entry is skipped, an object missing a required field is skipped), so
the rest of a page still builds.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
import os
import re
import types
import typing
from typing import Any, Literal, TypeVar, Union, get_args, get_origin, get_type_hints

from .model import Located
from .model.kinds import DATE, Kind, kind_of
from .paths import inside
from .yamlsource import DataError, LList, LMap, Unreadable

__all__ = ["Converter", "describe"]

T = TypeVar("T")

#: Largest integer accepted in data (2**53: the last one a float holds exactly).
_LARGEST = 2**53
_LARGEST_FLOAT = 1e300
#: Characters Sphinx (and glob) would expand in an image path: it globs ``stem.*`` and its candidates.
_GLOB = re.compile(r"[*?\[\]]")
_MISSING = object()
_NONE_INVALID: frozenset[str] = frozenset()


class _Invalid(Exception):
    """Raised internally to drop a value; the problem is already recorded."""


def describe(value: object) -> str:
    """A value as a message names it: ``the number 3``, ``the text 'x'``, ``a mapping``."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value!r}"
    if isinstance(value, str):
        return f"the text {value[:40]!r}"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return type(value).__name__


def _type_name(tp: Any) -> str:
    origin = get_origin(tp)
    if origin is typing.Annotated:
        base, kind, _ = kind_of(tp)
        return kind.expected or _type_name(base)
    if origin is Literal:
        return "one of " + ", ".join(repr(a) for a in get_args(tp))
    if origin in (list, LList):
        return "a list"
    if origin is dict:
        return "a mapping"
    if origin in (Union, types.UnionType):
        return " or ".join(_type_name(a) for a in get_args(tp) if a is not type(None))
    if dataclasses.is_dataclass(tp):
        return "a mapping"
    names = {str: "text", int: "an integer", float: "a number", bool: "true or false",
             list: "a list", dict: "a mapping"}
    return names.get(tp, str(tp))


class _Field(typing.NamedTuple):
    name: str
    hint: Any
    required: bool
    #: An invalid value drops the whole object (``metadata={"vital": True}``).
    vital: bool


@functools.cache
def _schema(cls: type) -> tuple[frozenset[str], tuple[_Field, ...]]:
    """Field names and fields of a dataclass, with their type hints: evaluating hints is slow, and
    reading a field's defaults and metadata for every object was a tenth of a load; do it once."""
    hints = get_type_hints(cls, include_extras=True)
    fields = tuple(_Field(f.name, hints[f.name], f.default is dataclasses.MISSING
                          and f.default_factory is dataclasses.MISSING, bool(f.metadata.get("vital")))
                   for f in dataclasses.fields(cls))
    return frozenset(f.name for f in fields), fields


#: How each type is converted, decided once (:func:`_plan`), by ``id``: ``Annotated`` types with
#: bounds cannot be hashed, and the type is kept with its plan so that its ``id`` is not reused.
_plans: dict[int, tuple[Any, tuple[str, Any, Any]]] = {}


def _plan(tp: Any) -> tuple[str, Any, Any]:
    """What :meth:`Converter.value` does with ``tp``, made once and kept in :data:`_plans`, where
    ``value`` looks it up first: ``get_origin``, ``get_args`` and ``kind_of`` for every value were a
    third of loading 10,000 results."""
    origin = get_origin(tp)
    plan: tuple[str, Any, Any]
    if origin in (Union, types.UnionType):
        options = tuple(a for a in get_args(tp) if a is not type(None))
        plan = ("union", len(options) < len(get_args(tp)), tuple((o, _union_kind(o)) for o in options))
    elif origin is typing.Annotated:
        base, kind, bounds = kind_of(tp)
        plan = ("annotated", base, (kind, bounds[0]["maximum"] if bounds else None))
    elif origin is Literal:
        plan = ("literal", get_args(tp), None)
    elif origin is list:
        plan = ("list", get_args(tp)[0], None)
    elif origin is dict:
        plan = ("dict", *get_args(tp))
    elif dataclasses.is_dataclass(tp):
        plan = ("dataclass", None, None)
    else:
        plan = ("scalar", None, None)
    _plans[id(tp)] = (tp, plan)
    return plan


def _union_kind(option: Any) -> Any:
    """The Python type a value must have to be converted as a union's ``option``; ``None`` for a
    dataclass (any mapping)."""
    base = get_args(option)[0] if get_origin(option) is typing.Annotated else option
    return None if dataclasses.is_dataclass(base) else get_origin(base) or base


class Converter:
    """Converts the values of one file; collects problems in :attr:`problems`.

    :param path: the file being converted (for messages and relative paths).
    :param root: the data folder; file paths may not leave it.
    :param where: receives the location of every dataclass instance built.
    """

    def __init__(self, path: str, root: str, where: dict[int, Located]) -> None:
        self.path = path
        self.root = os.path.realpath(root)
        self.where = where
        self.problems: list[DataError] = []
        #: Every object built with its location, in order (what :mod:`.cache` keeps of a file).
        self.built: list[tuple[object, Located]] = []
        #: The file-system answers the conversion depended on: ``(joined path, resolved, is a file)``.
        self.checked: list[tuple[str, str, bool]] = []

    def problem(self, line: int | None, message: str) -> None:
        self.problems.append(DataError(self.path, line, message))

    # -- entry point -------------------------------------------------------

    def convert(self, cls: type[T], value: Any) -> T | None:
        """Build ``cls`` from a loaded document, or ``None`` if it cannot be built."""
        if value is None:
            self.problem(1, "the file is empty")
            return None
        try:
            return self.value(cls, value, 1, "")
        except _Invalid:
            return None

    # -- by type -------------------------------------------------------------

    def value(self, tp: Any, value: Any, line: int, what: str) -> Any:
        if isinstance(value, Unreadable):
            self.problem(line, f"{what or 'value'}: {value.message}")
            raise _Invalid
        found = _plans.get(id(tp))  # this runs for every value: no call when the plan is made
        how, a, b = found[1] if found is not None and found[0] is tp else _plan(tp)
        if how == "scalar":
            return self.scalar(tp, value, line, what)
        if how == "dataclass":
            return self.dataclass(tp, value, line, what)
        if how == "annotated":
            kind, maximum = b
            if kind.empty_allowed:
                if not isinstance(value, str):
                    self.bad(line, what, a, value)
                return value
            value = self.annotated(kind, self.value(a, value, line, what), line, what)
            if maximum is not None and value > maximum:
                self.problem(line, f"{what}: must be at most {maximum}, got {value!r}")
                raise _Invalid
            return value
        if how == "union":
            return self.union(tp, a, b, value, line, what)
        if how == "literal":
            if value not in a or isinstance(value, bool) != isinstance(a[0], bool):
                self.bad(line, what, tp, value)
            return value
        if how == "list":
            return self.sequence(a, value, line, what)
        return self.mapping(a, b, value, line, what)

    def bad(self, line: int, what: str, tp: Any, value: Any) -> typing.NoReturn:
        hint = ""
        if tp is str and isinstance(value, (int, float)) and not isinstance(value, bool):
            hint = "; put it in quotes (unquoted, 3.10 reads as the number 3.1)"
        self.problem(line, f"{what or 'value'}: expected {_type_name(tp)}, got {describe(value)}{hint}")
        raise _Invalid

    def union(self, tp: Any, nullable: bool, options: tuple[tuple[Any, Any], ...], value: Any, line: int,
              what: str) -> Any:
        if value is None and nullable:
            return None
        if len(options) == 1:
            return self.value(options[0][0], value, line, what)
        # Choose the alternative by the value's type (a mapping is a dataclass).
        for option, kind in options:
            if kind is None:
                matches = isinstance(value, dict)
            else:
                matches = isinstance(value, kind) and (kind is bool or not isinstance(value, bool))
            if matches:
                return self.value(option, value, line, what)
        self.bad(line, what, tp, value)

    def scalar(self, tp: Any, value: Any, line: int, what: str) -> Any:
        if tp in (int, float) and isinstance(value, int) and not isinstance(value, bool) and abs(value) > _LARGEST:
            # Beyond this no count or measurement is meaningful, and floats stop holding integers.
            # str() of an integer over 4300 digits raises (a hex literal in YAML has no such limit).
            digits = str(len(str(abs(value)))) if value.bit_length() < 14_000 else "over 4000"
            self.problem(line, f"{what}: a number of {digits} digits is too large")
            raise _Invalid
        if tp is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if not isinstance(value, tp) or (tp is not bool and isinstance(value, bool)):
            self.bad(line, what, tp, value)
        if tp is float and not math.isfinite(value):
            self.problem(line, f"{what}: {value} is not a finite number")
            raise _Invalid
        if tp is float and abs(value) > _LARGEST_FLOAT:
            # No measurement is this large, and sums, means and chart scales of such values overflow.
            self.problem(line, f"{what}: {value!r} is too large to be a measurement (over {_LARGEST_FLOAT:g})")
            raise _Invalid
        if tp is str and not value.strip():
            self.problem(line, f"{what}: must not be empty")
            raise _Invalid
        return value

    def annotated(self, kind: Kind, value: Any, line: int, what: str) -> Any:
        """Check a value of the right Python type against its kind (:mod:`.model.kinds`)."""
        problem = kind.check(value) if kind.check else None
        if problem is None and kind is DATE and not self.valid_date(value):
            problem = f"{value!r} is not a date (YYYY-MM-DD, YYYY-MM or ISO 8601)"
        if problem is not None:
            self.problem(line, f"{what}: {problem}")
            raise _Invalid
        return self.file_path(value, line, what) if kind.is_path else value

    @staticmethod
    def valid_date(text: str) -> bool:
        """A real date (``2024-02-30`` is not), and a real time of day when one is given."""
        try:
            if len(text) > 10:
                dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            else:
                dt.date.fromisoformat(text if len(text) == 10 else text + "-01")
        except ValueError:
            return False
        return True

    def file_path(self, value: str, line: int, what: str) -> str:
        """Resolve a path relative to the current file, refusing to leave the data folder."""
        if os.path.isabs(value) or "\\" in value or "\0" in value:
            self.problem(line, f"{what}: {value!r} must be a relative path inside the data folder")
            raise _Invalid
        if _GLOB.search(value):
            # Sphinx expands image paths as globs ('x[y].svg' matches 'xy.svg'), so a file other than
            # the one checked here could be copied into the site.
            self.problem(line, f"{what}: {value!r} contains a glob character (* ? [ ]), which Sphinx would "
                               "expand to other files; rename the file")
            raise _Invalid
        joined = os.path.join(os.path.dirname(self.path), value)
        resolved = os.path.realpath(joined)
        is_file = os.path.isfile(resolved)
        self.checked.append((joined, resolved, is_file))
        if not inside(self.root, resolved):
            self.problem(line, f"{what}: {value!r} points outside the data folder; refusing to read it")
            raise _Invalid
        if not is_file:
            self.problem(line, f"{what}: file {value!r} not found")
            raise _Invalid
        return resolved

    def sequence(self, item_tp: Any, value: Any, line: int, what: str) -> list[Any]:
        if not isinstance(value, list):
            self.bad(line, what, list, value)
        lines = getattr(value, "item_lines", [line] * len(value))
        out = []
        for index, (item, item_line) in enumerate(zip(value, lines, strict=False)):
            try:
                out.append(self.value(item_tp, item, item_line, f"{what}[{index}]"))
            except _Invalid:
                continue
        return out

    def mapping(self, key_tp: Any, value_tp: Any, value: Any, line: int, what: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.bad(line, what, dict, value)
        out = {}
        for key, item in value.items():
            item_line = value.line_of(key) if isinstance(value, LMap) else line
            try:
                key = self.value(key_tp, key, item_line, f"{what} key")
                out[key] = self.value(value_tp, item, item_line, f"{what}.{key}")
            except _Invalid:
                continue
        return out

    def dataclass(self, cls: Any, value: Any, line: int, what: str) -> Any:
        if not isinstance(value, dict):
            self.bad(line, what, cls, value)
        names, fields = _schema(cls)
        prefix = f"{what}." if what else ""
        located = value if isinstance(value, LMap) else None  # lines, when the value came from YAML
        for key in value:
            if key not in names:
                import difflib  # only on this error path: it costs an import per build

                known = [f.name for f in fields]
                close = difflib.get_close_matches(key, known, n=1)
                hint = f"; did you mean {close[0]!r}?" if close else f" (known: {', '.join(known)})"
                self.problem(located.line_of(key) if located is not None else line, f"{prefix}{key}: unknown key{hint}")
        kwargs: dict[str, Any] = {}
        invalid: set[str] = set()
        ok = True
        for name, hint, required, vital in fields:
            raw = value.get(name, _MISSING)
            if raw is _MISSING:
                if required:
                    self.problem(line, f"{prefix}{name}: required key is missing")
                    ok = False
                continue
            field_line = located.line_of(name) if located is not None else line
            found = len(self.problems)
            try:
                kwargs[name] = self.value(hint, raw, field_line, f"{prefix}{name}")
            except _Invalid:
                ok = ok and not required
                invalid.add(name)
            if vital and len(self.problems) > found:
                self.problem(field_line, f"{prefix}{name} is invalid, so this {cls.__name__.lower()} is ignored")
                ok = False
        if not ok:
            raise _Invalid
        obj = cls(**kwargs)
        key_lines = dict(located.key_lines) if located is not None else {}
        # One empty set for all (as the YAML reader interns keys): shared, a pickle stores it once.
        where = self.where[id(obj)] = Located(self.path, line, key_lines,
                                              frozenset(invalid) if invalid else _NONE_INVALID)
        self.built.append((obj, where))
        return obj
