"""``--list``: the benchmarks, their implementations, and what ``run`` would do with each here."""

from __future__ import annotations

import sys
from pathlib import Path

from ...data.loader import list_benchmarks, load_benchmark
from ...data.model import Benchmark, Implementation
from ..engine.plan import EntryProblems, entry_problems, fate

__all__ = ["list_here"]


def list_here(data: Path, project: Path) -> int:
    """Print every benchmark and implementation with its fate on this machine."""
    for name in list_benchmarks(str(data)):
        bench, problems = load_benchmark(data, name)
        print(f"{name}" + (f"  ({len(problems)} data problem(s), below)" if problems else ""))
        for problem in problems:
            print(f"warning: {problem}", file=sys.stderr)
        if bench is None:
            continue
        found = entry_problems(bench, problems)
        for impl in bench.definition.implementations:
            print(f"  {impl.id:<24} {_status(bench, impl, project, found)}")
    return 0


def _status(bench: Benchmark, impl: Implementation, project: Path, found: EntryProblems) -> str:
    status, why = fate(bench, impl, project, found)
    return {"run": "runnable", "skipped": "not runnable (no run specification)", "unmet": f"skipped here: {why}",
            "failed": f"fails: {why}"}[status]
