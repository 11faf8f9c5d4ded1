"""Writing imported results into ``data/``: all of them, complete, or nothing.

Each new result is one recording, written by the runner's own
:func:`~sphinx_benchbench.runners.record.record` (validation, files
without a name until they are linked in); ``benchmark.yaml`` is replaced
atomically (a temporary file beside it, renamed over it).  Then the
benchmark is loaded back as the Sphinx extension will load it: a problem
that was not there before, or a result that did not make it, undoes
everything this import wrote (its results, the definition's old bytes, the
folders it made), so ``data/`` ends byte for byte as it was, or with every
new result complete.  SIGINT, SIGTERM and SIGHUP wait until it is done.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import tempfile
from pathlib import Path

from ...data.loader import BENCHMARK_FILE, RESULTS_DIR, load_benchmark
from ...data.model import Result
from ..commands.signals import deferred
from ..record import LOGS_DIR, RecordError, record
from .base import ImportFailure

__all__ = ["publish"]


def _write_atomically(path: Path, data: bytes) -> None:
    handle, tmp = tempfile.mkstemp(prefix=f".{path.name}.import-", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def publish(data_root: Path, benchmark: str, text: str | None, results: list[Result], headers: list[str],
            marks: list[str], problems_before: set[str], now: dt.datetime | None = None) -> list[Path]:
    """Write the definition (``text``, when it changes) and one recording per result; load them back; undo
    everything on any failure.  The recordings' paths, in order."""
    folder = data_root / benchmark
    real = Path(os.path.realpath(folder / BENCHMARK_FILE))
    original = real.read_bytes() if real.exists() else None
    results_dir = folder / RESULTS_DIR
    existed = {p: p.is_dir() for p in (folder, results_dir, results_dir / LOGS_DIR)}
    now = now or dt.datetime.now(dt.timezone.utc)
    published: list[Path] = []
    with deferred():
        try:
            folder.mkdir(exist_ok=True)
            if text is not None:
                _write_atomically(real, text.encode("utf-8"))
            for result, header in zip(results, headers, strict=True):
                published.append(record(folder, data_root, result.implementation, [result], None, header, now))
            _verify(data_root, benchmark, problems_before, marks)
        except BaseException as exc:
            for path in published:
                path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):
                if text is not None and original is not None:
                    _write_atomically(real, original)
                elif text is not None:
                    real.unlink()
            for path in reversed(existed):
                if not existed[path]:
                    with contextlib.suppress(OSError):
                        path.rmdir()
            if isinstance(exc, (RecordError, OSError)):
                raise ImportFailure(f"could not write the data: {exc}") from None
            raise
    return published


def _verify(data_root: Path, benchmark: str, problems_before: set[str], marks: list[str]) -> None:
    """The benchmark as the extension will load it: no new problem, every new result there."""
    bench, problems = load_benchmark(data_root, benchmark)
    new = [p for p in problems if f"{p.path}: {p.message}" not in problems_before]
    if bench is None or new:
        raise ImportFailure(f"the imported data would not load cleanly: {new[0] if new else 'unreadable'}")
    notes = [r.provenance.note or "" for r in bench.results]
    missing = [m for m in marks if not any(f"Import {m}." in n for n in notes)]
    if missing:
        raise ImportFailure(f"a new result did not load back ({missing[0]}); nothing was imported")
