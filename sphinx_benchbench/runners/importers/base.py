"""What every importer shares: the case it hands over, and strict JSON reading.

The files come from other people's machines and are published once
imported, so reading them is defensive in the same way as reading our own
data (:mod:`sphinx_benchbench.data.yamlsource`): a size limit, strict JSON
(no duplicate keys; ``NaN`` and ``Infinity`` never become numbers), and every
field checked for its type where it is read (:mod:`.fields`).
"""

from __future__ import annotations

import gzip
import json
import os
import stat
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ...data.model import Hardware

__all__ = [
    "MAX_FILE_BYTES",
    "NON_FINITE",
    "SUMMARY_STATISTICS",
    "FormatError",
    "ImportFailure",
    "ImportedCase",
    "ImportedFile",
    "Options",
    "Refusal",
    "load_json",
]

#: Largest file read (after decompression).  pytest-benchmark's JSON with
#: ``--benchmark-save-data`` for a few hundred benchmarks of 100 000 rounds each
#: is tens of megabytes; beyond this a file is not worth holding in memory.
MAX_FILE_BYTES = 64 * 1024 * 1024


class FormatError(ValueError):
    """The file cannot be read as the tool's results; ``case`` names the case, when one is at fault."""

    def __init__(self, message: str, case: str | None = None) -> None:
        super().__init__(message)
        self.case = case


class ImportFailure(RuntimeError):
    """Nothing was imported; the message says why (``case`` names the case at fault)."""

    def __init__(self, message: str, case: str | None = None) -> None:
        super().__init__(message)
        self.case = case


class _NonFinite:
    """What ``NaN``/``Infinity`` in a file become: a marker, never a number (asv and Google Benchmark
    write them for "not measured" and "no interval")."""

    def __repr__(self) -> str:
        return "NaN/Infinity"


NON_FINITE = _NonFinite()


@dataclass(frozen=True)
class Options:
    """Choices the command line passes to the importers."""

    #: Google Benchmark: ``real`` (wall clock, its default) or ``cpu`` time per iteration.
    time: str = "real"


#: The summary statistics a file may report that a result's value can be: the model's metric
#: statistics but ``olympic``, which needs the samples themselves.
SUMMARY_STATISTICS = ("median", "mean", "min", "max")


@dataclass(frozen=True)
class ImportedCase:
    """One case of the file, as the importer understood it, before it becomes a result.

    ``samples`` are the raw per-call times the file holds (never made up); when
    it has none, ``stats`` holds the summary statistics it reports (``median``,
    ``mean``, ...), all in ``unit`` (``s``, ``ms``, ``us`` or ``ns``: the file's
    own, converted exactly later).
    """

    name: str
    unit: str
    #: What ids and fingerprints are derived from, when it should not be the shown name (asv names
    #: parameters only when its ``benchmarks.json`` is found).
    key: str | None = None
    samples: tuple[float, ...] = ()
    stats: Mapping[str, float] = field(default_factory=dict)
    #: What one sample (or the value) is, in words, for ``provenance.note``.
    what: str = ""
    #: When it was measured, as the file says (``date_text``); ``None`` when it says nothing.
    date: str | None = None
    hardware: Hardware | None = None
    software: Mapping[str, str] = field(default_factory=dict)
    commit: str | None = None
    platform: str | None = None
    #: Caveats a reader of the number should know (a debug build, a dirty working tree).
    notes: tuple[str, ...] = ()

    @property
    def ident(self) -> str:
        """The name ids and fingerprints are made from."""
        return self.key or self.name


@dataclass(frozen=True)
class Refusal:
    """A case that is not imported: ``failed`` (the tool says it failed) or merely not a time."""

    name: str
    reason: str
    failed: bool = True


@dataclass(frozen=True)
class ImportedFile:
    """Everything taken from one file."""

    tool: str
    version: str | None
    cases: list[ImportedCase]
    refused: list[Refusal]
    #: What the tool's timer covers, for a new benchmark's ``measurement.timed``.
    timed: str
    #: A new benchmark's metric label: what one sample is the time of.
    metric_label: str = "Time per call"

    @property
    def by(self) -> str:
        """``provenance.by``: the tool, with its version when the file says it."""
        return f"{self.tool} {self.version}" if self.version else self.tool


# -- reading ----------------------------------------------------------------


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise FormatError(f"not valid JSON here: key {key[:60]!r} is given twice in one object")
        out[key] = value
    return out


def _constant(name: str) -> _NonFinite:
    return NON_FINITE


def load_json(path: Path) -> Any:
    """The file's JSON (gzipped or not, as pyperf writes ``.json.gz``), strictly; :class:`FormatError`
    with the reason otherwise."""
    try:
        if not stat.S_ISREG(os.stat(path).st_mode) and not os.path.isdir(path):
            raise FormatError("is not a regular file")
        with open(path, "rb") as f:
            head = f.read(2)
            f.seek(0)
            if head == b"\x1f\x8b":
                with gzip.GzipFile(fileobj=f) as unzipped:
                    raw = unzipped.read(MAX_FILE_BYTES + 1)
            else:
                raw = f.read(MAX_FILE_BYTES + 1)
    except IsADirectoryError:
        raise FormatError("is a folder, not a file") from None
    except (OSError, EOFError, zlib.error) as exc:
        raise FormatError(f"cannot read it: {getattr(exc, 'strerror', None) or exc}") from None
    if len(raw) > MAX_FILE_BYTES:
        raise FormatError(f"larger than {MAX_FILE_BYTES // 2**20} MiB, the limit for an imported file")
    try:
        source = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start})") from None
    try:
        return json.loads(source, parse_constant=_constant, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        early = exc.pos >= len(source.rstrip())
        where = "the file ends too early" if early else f"line {exc.lineno} column {exc.colno}"
        raise FormatError(f"not valid JSON: {exc.msg} ({where})") from None
    except RecursionError:
        raise FormatError("lists and objects nested too deep") from None
    except FormatError:  # a duplicate key
        raise
    except ValueError:  # an integer of thousands of digits (Python's int_max_str_digits)
        raise FormatError("not valid JSON here: a number with thousands of digits") from None
