"""pytest-benchmark's JSON (``--benchmark-json``, or a file it saved under ``.benchmarks/``).

The format, from pytest-benchmark's source (``src/pytest_benchmark/``):

* ``plugin.py`` ``pytest_benchmark_generate_json``: the top level is
  ``machine_info``, ``commit_info``, ``benchmarks``, ``datetime`` (UTC, ISO
  8601, when the file was written) and ``version`` (pytest-benchmark's);
  ``pytest_benchmark_generate_machine_info`` fills ``machine_info`` from
  ``platform`` (``node`` is the host name: never recorded) and py-cpuinfo
  (``cpu.brand_raw``, ``cpu.count``).
* ``stats.py``: each benchmark is ``name`` (the test with its parameters,
  ``test_sum[10]``), ``fullname`` (its node id, a path), ``group``, ``params``,
  ``options`` (``timer``...) and ``stats``: ``min``, ``max``, ``mean``,
  ``median``, ``rounds``, ``iterations``... and ``data``, one value per round,
  which ``Metadata.update`` stores as the round's duration divided by its
  iterations: the time of one call.
* ``session.py``: ``--benchmark-json`` always writes ``data``; saved runs
  (``--benchmark-autosave``, ``--benchmark-save``) only with
  ``--benchmark-save-data``.  Without it, only the summary is there.
* ``utils.py`` ``get_commit_info``: ``commit_info.id`` is the commit (or
  ``unversioned``), ``dirty`` whether the working tree had changes.

Times are in seconds.  A case is one entry of ``benchmarks``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from .base import (
    SUMMARY_STATISTICS,
    FormatError,
    ImportedCase,
    ImportedFile,
    Options,
)
from .fields import (
    array,
    clean,
    commit_text,
    count,
    date_text,
    hardware,
    mapping,
    number,
    optional_text,
    text,
    version_text,
)

__all__ = ["TOOL", "parse"]

TOOL = "pytest-benchmark"


def _names(benchmarks: list[dict[str, Any]], secrets: tuple[str | None, ...]) -> list[str]:
    """Each benchmark's ``name``; where two share one (same test in two modules), the module's stem before it.

    The node id's folders are a path on the measuring machine, so only the
    module's file name is used.
    """
    names = [clean(text(b.get("name"), f"benchmarks[{n}].name"), secrets) for n, b in enumerate(benchmarks)]
    repeated = {name for name, n in Counter(names).items() if n > 1}
    out = []
    for name, bench in zip(names, benchmarks, strict=True):
        fullname = optional_text(bench.get("fullname"))
        if name in repeated and fullname and "::" in fullname:
            module = fullname.split("::", 1)[0].replace("\\", "/").rsplit("/", 1)[-1].removesuffix(".py")
            name = clean(f"{module}::{name}", secrets)
        out.append(name)
    return out


def parse(data: Any, path: Path, options: Options) -> ImportedFile:
    """The file's benchmarks as cases (see the module docstring)."""
    root = mapping(data, "the file")
    if "benchmarks" not in root:
        raise FormatError("not a pytest-benchmark file: it has no 'benchmarks'")
    machine = mapping(root.get("machine_info") or {}, "machine_info")
    secrets = (optional_text(machine.get("node")),)
    cpu = mapping(machine.get("cpu") or {}, "machine_info.cpu")
    machine_hw = hardware(cpu.get("brand_raw") or cpu.get("brand"), cpu.get("count"), secrets=secrets)
    software: dict[str, str] = {}
    python = version_text(machine.get("python_version"))
    if python:
        software["python"] = python
    implementation = optional_text(machine.get("python_implementation"))
    if implementation and implementation.lower() != "cpython":
        impl_version = version_text(machine.get("python_implementation_version"))
        if impl_version and implementation.isalnum():
            software[implementation.lower()] = impl_version
    system = " ".join(str(machine[k]) for k in ("system", "release", "machine") if optional_text(machine.get(k)))
    commit_info = mapping(root.get("commit_info") or {}, "commit_info")
    commit = commit_text(commit_info.get("id"))
    notes = ("pytest-benchmark found uncommitted changes in the working tree",) if commit and commit_info.get(
        "dirty") is True else ()
    date = date_text(root.get("datetime"))
    benchmarks = [mapping(b, f"benchmarks[{n}]") for n, b in enumerate(array(root["benchmarks"], "benchmarks"))]
    cases = []
    for name, bench in zip(_names(benchmarks, secrets), benchmarks, strict=True):
        stats = mapping(bench.get("stats"), "stats", name)
        raw = stats.get("data")
        samples = tuple(number(v, f"stats.data[{i}]", name) for i, v in enumerate(array(raw, "stats.data", name))
                        ) if raw is not None else ()
        summary = {k: number(stats[k], f"stats.{k}", name) for k in SUMMARY_STATISTICS if k in stats}
        if not samples and "median" not in summary and "mean" not in summary:
            raise FormatError("stats has neither data nor a median or mean", name)
        rounds, iterations = count(stats.get("rounds")), count(stats.get("iterations"))
        timer = optional_text(mapping(bench.get("options") or {}, "options", name).get("timer"))
        what = (f"the time of one call, per round ({rounds or '?'} rounds of {iterations or '?'} calls"
                + (f", timer {clean(timer, secrets, 40)}" if timer else "") + ")")
        cases.append(ImportedCase(
            name=name, unit="s", samples=samples, stats={} if samples else summary, what=what, date=date,
            hardware=machine_hw, software=software, commit=commit, platform=system or None, notes=notes))
    return ImportedFile(
        tool=TOOL, version=version_text(root.get("version")), cases=cases, refused=[],
        timed="the benchmarked call, repeated in calibrated rounds; each round's time divided by its calls")
