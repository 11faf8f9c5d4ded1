"""Importers: results other benchmark tools wrote become results in ``data/``.

One module per tool reads that tool's JSON into :class:`~.base.ImportedCase`
objects (raw samples where the file has them, its summary otherwise, and the
machine, software and commit it describes); :mod:`.plan` turns them into
results and implementations of a benchmark (:mod:`.definition` for its
``benchmark.yaml``) and :mod:`.write` writes them, atomically; the command is
:mod:`sphinx_benchbench.runners.cli.ingest` (``python -m runners.ingest`` in a
checkout).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import asv, google_benchmark, hyperfine, pyperf, pytest_benchmark
from .base import FormatError, ImportedFile, Options, load_json

__all__ = ["FORMATS", "FormatError", "ImportedFile", "Options", "read"]

#: The formats by the name the command takes, each with its reader.
FORMATS: dict[str, Callable[[Any, Path, Options], ImportedFile]] = {
    "pytest-benchmark": pytest_benchmark.parse,
    "asv": asv.parse,
    "pyperf": pyperf.parse,
    "hyperfine": hyperfine.parse,
    "google-benchmark": google_benchmark.parse,
}


def read(fmt: str, path: Path, options: Options | None = None) -> ImportedFile:
    """The cases of ``path`` in format ``fmt``; :class:`FormatError` when the file is not such results.

    An unexpected shape that a reader did not foresee is reported the same
    way: a hostile file gets a message, never a traceback.
    """
    data = load_json(path)
    try:
        return FORMATS[fmt](data, path, options or Options())
    except FormatError:
        raise
    except (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError, RecursionError) as exc:
        raise FormatError(f"not {fmt} results as expected ({type(exc).__name__}: {str(exc)[:80]})") from None
