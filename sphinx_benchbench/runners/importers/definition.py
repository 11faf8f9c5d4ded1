"""``benchmark.yaml`` for imported results: created when missing, otherwise only appended to.

A benchmark file is written by people (comments, order, quoting), so an
import never rewrites it: new implementations are inserted as text after the
last entry of ``implementations``, at the same indentation, found from
PyYAML's parse events (their marks are exact for scalars and flow
collections, unlike a block collection's end, which sits at the next
token).  The result is checked by loading both texts: every other key and
every existing entry must load exactly as before, with only the new entries
added, or the import stops with nothing written.
"""

from __future__ import annotations

import math
from typing import Any

import yaml

from ... import __version__
from ...data.yamlsource import DataError, load_yaml
from .base import ImportedFile

__all__ = ["TIME_UNITS", "DefinitionError", "append", "choose_unit", "create", "entry", "unit_exponent"]

#: Time units a metric may be in, as powers of ten of a second.
TIME_UNITS = {"s": 0, "sec": 0, "second": 0, "seconds": 0, "ms": -3, "millisecond": -3, "milliseconds": -3,
              "us": -6, "µs": -6, "μs": -6, "microsecond": -6, "microseconds": -6, "ns": -9,
              "nanosecond": -9, "nanoseconds": -9}
#: How a new benchmark names its unit.
SHOWN = {0: "s", -3: "ms", -6: "µs", -9: "ns"}


class DefinitionError(ValueError):
    """``benchmark.yaml`` cannot take the new implementations as they are; nothing was written."""


def unit_exponent(unit: str) -> int | None:
    """The power of ten of a second that ``unit`` is, or ``None`` when it is not a time."""
    return TIME_UNITS.get(unit.strip())


def choose_unit(seconds: list[float], exponent: int | None = None) -> tuple[int, int]:
    """A unit (power of ten; ``exponent`` when given) and decimals that show the fastest case's time
    (``seconds``: each case's typical time) with three digits or more, the slower ones with more."""
    fastest = min((s for s in seconds if s > 0), default=1.0)
    if exponent is None:
        exponent = next((e for e in (0, -3, -6) if fastest >= 10.0**e), -9)
    shown = fastest / 10.0**exponent
    decimals = 0 if shown >= 100 else 1 if shown >= 10 else 2 if shown >= 1 else 3 if shown >= 0.001 else 6
    return exponent, decimals if math.isfinite(shown) else 0


def entry(impl_id: str, name: str, imported: ImportedFile, fmt: str) -> dict[str, Any]:
    """An implementation for an imported case: what the page needs to name it and say where it came from."""
    return {"id": impl_id, "name": name,
            "notes": [f"Imported from {imported.tool} results (python -m runners.ingest {fmt})."]}


def create(title: str, imported: ImportedFile, fmt: str, exponent: int, decimals: int,
           entries: list[dict[str, Any]]) -> str:
    """The text of a new ``benchmark.yaml`` for imported results."""
    tool = imported.tool
    definition = {
        "schema": 1,
        "title": title,
        "summary": f"Results measured with {tool} and imported from its JSON output.",
        "metric": {"label": imported.metric_label, "unit": SHOWN[exponent], "direction": "lower", "decimals": decimals,
                   "statistic": "median"},
        "measurement": {
            "description": (f"The time one call of each case takes, as {tool} measured and reported it, imported "
                            f"from its results file; each result's provenance says what its samples are, and when "
                            f"and on what machine they were measured."),
            "timed": imported.timed,
            "caveats": [f"Measured by {tool} where it ran, not re-run by this project's runner: compare only rows "
                        "measured together, on the same machine."],
        },
        "implementations": entries,
    }
    header = (f"# Created by sphinx-benchbench {__version__} for results imported from {tool}\n"
              f"# (python -m runners.ingest {fmt} FILE ...).  Edit freely: later imports only append\n"
              "# implementations that are missing, and add results.\n")
    return header + yaml.safe_dump(definition, sort_keys=False, allow_unicode=True, width=100)


def _implementations_span(text: str) -> tuple[int, int, bool, int]:
    """Where the top-level ``implementations`` sequence is: (start, end of its last item, flow style, indent)."""
    events = list(yaml.parse(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    i = next(n for n, e in enumerate(events) if isinstance(e, yaml.MappingStartEvent))
    depth_one = i + 1
    n = depth_one
    while n < len(events) and not isinstance(events[n], yaml.MappingEndEvent):
        key = events[n]
        value_start = n + 1
        n = _skip(events, value_start)
        if isinstance(key, yaml.ScalarEvent) and key.value == "implementations":
            start = events[value_start]
            if not isinstance(start, yaml.SequenceStartEvent):
                raise DefinitionError("its 'implementations' is not a list")
            last = _index(start.end_mark)
            stack: list[yaml.CollectionStartEvent] = []
            for event in events[value_start + 1 : n - 1]:
                if isinstance(event, yaml.CollectionStartEvent):
                    stack.append(event)
                elif isinstance(event, yaml.CollectionEndEvent):
                    if stack.pop().flow_style:
                        last = max(last, _index(event.end_mark))
                elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
                    last = max(last, _index(event.end_mark))
            end = _index(events[n - 1].end_mark) if start.flow_style else last
            return _index(start.start_mark), end, bool(start.flow_style), _column(start.start_mark)
    raise DefinitionError("it has no 'implementations'")


def _index(mark: Any) -> int:
    """A parsed event's character offset (the parser marks every event it makes)."""
    assert mark is not None
    return mark.index


def _column(mark: Any) -> int:
    assert mark is not None
    return mark.column


def _skip(events: list[yaml.Event], n: int) -> int:
    """The index after the node that starts at ``n``."""
    depth = 0
    while True:
        event = events[n]
        n += 1
        if isinstance(event, yaml.CollectionStartEvent):
            depth += 1
        elif isinstance(event, yaml.CollectionEndEvent):
            depth -= 1
        if depth == 0:
            return n


def append(text: str, path: str, entries: list[dict[str, Any]]) -> str:
    """``text`` with ``entries`` added at the end of its ``implementations``, every other byte as it was."""
    try:
        before = load_yaml(path, text)
        start, end, flow, column = _implementations_span(text)
    except (yaml.YAMLError, DataError, StopIteration) as exc:
        raise DefinitionError(f"cannot be read to append to: {exc}") from None
    newline = "\r\n" if "\r\n" in text else "\n"
    items = yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)
    if flow:
        if before.get("implementations"):
            raise DefinitionError("it lists its implementations in flow style ([...]); write them as a block list "
                                  "('- id: ...') to import into it")
        block = "".join(newline + "  " + line for line in items.splitlines())
        new = text[:start].rstrip(" ") + block + text[end:]
    else:
        cut = end if text[end - 1 : end] == "\n" else text.find("\n", end) + 1 or len(text)
        prefix = "" if text[:cut].endswith("\n") else newline
        block = "".join(" " * column + line + newline for line in items.splitlines())
        new = text[:cut] + prefix + block + text[cut:]
    try:
        after = load_yaml(path, new)
    except DataError as exc:
        raise DefinitionError(f"appending would break it ({exc.message})") from None
    old_impls = list(before.get("implementations") or [])
    same = (after.get("implementations") == [*old_impls, *entries]
            and {k: v for k, v in after.items() if k != "implementations"}
            == {k: v for k, v in before.items() if k != "implementations"})
    if not same:
        raise DefinitionError("its layout does not let new implementations be appended without changing others; "
                              "add them by hand: " + ", ".join(e["id"] for e in entries))
    return new
