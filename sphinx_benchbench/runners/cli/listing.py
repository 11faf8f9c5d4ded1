"""``--list``: the benchmarks, their implementations, and what ``run`` would do with each here."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from ...data.loader import list_benchmarks, load_benchmark
from ...exits import OK
from ..engine.plan import entry_problems, fate

__all__ = ["list_here"]

#: ``fate``'s word -> what ``--json`` calls it.
_JSON_STATUS = {"run": "runnable", "skipped": "not-runnable", "unmet": "skipped-here", "failed": "refused"}


def list_here(data: Path, project: Path, listed: list[dict[str, Any]] | None = None) -> int:
    """Print every benchmark and implementation with its fate on this machine; add them to ``listed``."""
    for name in list_benchmarks(str(data)):
        bench, problems = load_benchmark(data, name)
        print(f"{name}" + (f"  ({len(problems)} data problem(s), below)" if problems else ""))
        for problem in problems:
            print(f"warning: {problem}", file=sys.stderr)
        entry: dict[str, Any] = {"name": name, "problems": [str(p) for p in problems], "implementations": []}
        if listed is not None:
            listed.append(entry)
        if bench is None:
            continue
        found = entry_problems(bench, problems)
        for impl in bench.definition.implementations:
            status, why = fate(bench, impl, project, found)
            print(f"  {impl.id:<24} {_status(status, why)}")
            entry["implementations"].append({"id": impl.id, "status": _JSON_STATUS[status], "reason": why})
    return OK


def _status(status: str, why: str) -> str:
    return {"run": "runnable", "skipped": "not runnable (no run specification)", "unmet": f"skipped here: {why}",
            "failed": f"fails: {why}"}[status]
