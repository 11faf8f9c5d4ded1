"""Reading the fields of an imported file: checked types, and only text fit to publish.

What a case records is chosen field by field (never a whole mapping
copied), so a host name, user name or path in the file cannot reach a
result; free text that is recorded (case names, CPU models) goes through
:func:`clean`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from typing import Any

from ...data.convert import describe
from ...data.model import Hardware
from ..capture.children import scrub
from ..capture.hardware import hardware_label, round_gib
from .base import NON_FINITE, FormatError

__all__ = ["array", "clean", "commit_text", "count", "date_text", "epoch_text", "hardware", "mapping", "number",
           "optional_text", "text", "version_text"]


def _describe(value: Any) -> str:
    """As the data's own messages say it, and NaN or Infinity for what strict JSON loading marked."""
    return "NaN or Infinity" if value is NON_FINITE else describe(value)


def mapping(value: Any, what: str, case: str | None = None) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise FormatError(f"{what}: expected an object, got {_describe(value)}", case)
    return value


def array(value: Any, what: str, case: str | None = None) -> list[Any]:
    if not isinstance(value, list):
        raise FormatError(f"{what}: expected a list, got {_describe(value)}", case)
    return value


def number(value: Any, what: str, case: str | None = None) -> float:
    """A finite number that is zero or more (a time)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FormatError(f"{what}: expected a number, got {_describe(value)}", case)
    try:
        result = float(value)
    except OverflowError:
        raise FormatError(f"{what}: the number is too large", case) from None
    if not math.isfinite(result):
        raise FormatError(f"{what}: expected a finite number, got {value!r}", case)
    if result < 0:
        raise FormatError(f"{what}: expected a time (zero or more), got {value!r}", case)
    return result


def count(value: Any) -> int | None:
    """A positive count given as a number or as digits (asv writes ``"8"``), else ``None``."""
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) < 16:
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 2**53:
        return value
    return None


def text(value: Any, what: str, case: str | None = None) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FormatError(f"{what}: expected a non-empty text, got {_describe(value)}", case)
    return value


def optional_text(value: Any) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


_HOMES = re.compile(r"(?:/home|/Users|/export/home|[A-Za-z]:\\Users)[/\\][^/\\\s'\"]+")


def clean(value: str, secrets: tuple[str | None, ...] = (), limit: int = 200) -> str:
    """Text fit to publish: no control characters, no home folder, none of the file's host names.

    ``secrets`` are what the file says its machine is called (pytest-benchmark's
    ``node``, asv's ``machine``...): a case name that contains one gets it masked,
    as :func:`~sphinx_benchbench.runners.capture.children.scrub` masks this
    machine's.
    """
    out = "".join(" " if unicodedata.category(ch)[0] in "CZ" and ch != " " else ch for ch in value)
    out = scrub(_HOMES.sub("~", out))
    for secret in secrets:
        if secret and len(secret.strip()) > 1:
            out = re.sub(rf"(?<![\w.-]){re.escape(secret.strip())}(?![\w-])", "<host>", out)
    out = " ".join(out.split())
    return out if len(out) <= limit else out[: limit - 1] + "…"


def version_text(value: Any) -> str | None:
    """A version as a package index writes it (``5.3.1``, ``v1.9.1``, ``2.11.0+cu130``), else ``None``."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and len(value.strip()) <= 40 and re.fullmatch(r"v?\d[A-Za-z0-9._+-]*", value.strip()):
        return value.strip()
    return None


def commit_text(value: Any) -> str | None:
    """A commit hash (7 to 64 hex digits), else ``None`` (pytest-benchmark writes ``unversioned``)."""
    if isinstance(value, str) and re.fullmatch(r"[0-9a-fA-F]{7,64}", value.strip()):
        return value.strip().lower()
    return None


_DATE_FORMATS = ("%Y/%m/%d-%H:%M:%S",)  # Google Benchmark before 1.4


def date_text(value: Any) -> str | None:
    """A timestamp as the data format records it: UTC with ``Z`` when the zone is known, else as written.

    Tools write local time without a zone (pyperf, older Google Benchmark):
    that is kept as it is, to the second, rather than guessed.
    """
    if not isinstance(value, str) or len(value) > 64:
        return None
    raw = value.strip().replace("Z", "+00:00")
    try:
        moment = dt.datetime.fromisoformat(raw)
    except ValueError:
        moment = None
        for fmt in _DATE_FORMATS:
            try:
                moment = dt.datetime.strptime(raw, fmt)
            except ValueError:
                continue
    if moment is None or not 1970 <= moment.year <= 9999:
        return None
    if moment.tzinfo is None:
        return f"{moment:%Y-%m-%dT%H:%M:%S}"
    return f"{moment.astimezone(dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ}"


def epoch_text(value: Any) -> str | None:
    """Milliseconds since 1970 (asv's timestamps) as a UTC timestamp."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < 253402300799000:
        return None
    return f"{dt.datetime.fromtimestamp(value / 1000, dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ}"


def hardware(cpu: Any, cpus: Any, memory_bytes: Any = None, notes: str | None = None,
             secrets: tuple[str | None, ...] = ()) -> Hardware | None:
    """The machine a file describes, labelled as the runner labels this one; ``None`` when it says nothing."""
    model = clean(cpu, secrets, 120) if optional_text(cpu) else None
    n = count(cpus)
    size = count(memory_bytes)
    memory = round_gib(size / 1024**3) if size else None
    if model is None and n is None and memory is None:
        return None
    return Hardware(label=hardware_label(None, None, model, n, memory), cpu=model, cpu_count=n, memory_gb=memory,
                    notes=notes)
