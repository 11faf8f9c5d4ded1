"""pytest-benchmark's JSON (``--benchmark-json``, or a file it saved under ``.benchmarks/``).

The format, from pytest-benchmark's source (``src/pytest_benchmark/``):

* ``plugin.py`` ``pytest_benchmark_generate_json``: the top level is
  ``machine_info``, ``commit_info``, ``benchmarks``, ``datetime`` (when the
  file was written: ``datetime.now(timezone.utc).isoformat()``, with its
  ``+00:00``, in 4.0 and later; ``datetime.utcnow().isoformat()``, UTC without
  a zone, in 3.x, so a zone-less one is read as UTC) and ``version``
  (pytest-benchmark's);
  ``pytest_benchmark_generate_machine_info`` fills ``machine_info`` from
  ``platform`` (``node`` is the host name: never recorded) and py-cpuinfo
  (``cpu.brand_raw``, ``cpu.count``).
* ``stats.py``: each benchmark is ``name`` (the test with its parameters,
  ``test_sum[10]``; not unique: ``TestA::test_x`` and ``TestB::test_x`` are
  both ``test_x``), ``fullname`` (its node id, a path), ``group``, ``params``,
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

import re
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
#: A timestamp without a zone, as pytest-benchmark 3.x wrote ``datetime.utcnow().isoformat()``.
_NAIVE = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?")


def _qualified(name: str, fullname: str | None, level: int) -> str:
    """``name`` told apart by its node id: at level 1 by the module's file name and the classes
    (``test_mod::TestA::test_x``), at level 2 by the node id as pytest wrote it (relative to the
    rootdir; :func:`.fields.clean` masks a home folder in it)."""
    if level == 0 or not fullname or "::" not in fullname:
        return name
    path, rest = fullname.replace("\\", "/").split("::", 1)
    if level == 1:
        return f"{path.rsplit('/', 1)[-1].removesuffix('.py')}::{rest}"
    return f"{path.removesuffix('.py')}::{rest}"


def _names(benchmarks: list[dict[str, Any]], secrets: tuple[str | None, ...]) -> list[str]:
    """Each benchmark's ``name``; where two share one (one test in two modules or two classes), told
    apart by as little of their node ids as needed (see :func:`_qualified`).

    The node id's folders may be a path on the measuring machine, so they are
    used only when the module and classes are not enough.
    """
    base = [clean(text(b.get("name"), f"benchmarks[{n}].name"), secrets) for n, b in enumerate(benchmarks)]
    fullnames = [optional_text(b.get("fullname")) for b in benchmarks]
    names = list(base)
    for level in (1, 2):
        repeated = {name for name, n in Counter(names).items() if n > 1}
        names = [clean(_qualified(b, f, level), secrets) if name in repeated else name
                 for name, b, f in zip(names, base, fullnames, strict=True)]
    return names


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
    dirty = commit is not None and commit_info.get("dirty") is True
    notes = ("the working tree had uncommitted changes (pytest-benchmark's commit_info.dirty)",) if dirty else ()
    written = root.get("datetime")
    date = date_text(written + "+00:00" if isinstance(written, str) and _NAIVE.fullmatch(written.strip()) else written)
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
