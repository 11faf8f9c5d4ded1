"""pyperf's JSON (``-o FILE`` of a pyperf script or ``python -m pyperf timeit``; ``.json.gz`` too).

The format, from pyperf's ``pyperf/_bench.py`` (``BenchmarkSuite._json_load``,
``Benchmark._json_load``, ``Run._json_load``; its "JSON format history"
comment) and ``pyperf/_metadata.py``:

* ``version`` is ``"1.0"`` (pyperf 1.0 and later), ``6`` (0.9.6) or ``5``
  (0.8.3); ``benchmarks`` is a list, one entry per benchmark of the suite.
* Metadata is factored out: what every benchmark shares sits in the top
  ``metadata``, what every run of a benchmark shares in the benchmark's
  ``metadata`` (``common_metadata`` before version 6), the rest in each
  run's.  A run's metadata is all three merged, the run's own winning.
* Each run (one worker process) has ``values`` (``samples`` before version
  6): times per loop iteration, already divided by ``loops`` and
  ``inner_loops`` (``Run._get_raw_values`` multiplies them back), and
  ``warmups``, ``[loops, value]`` pairs that are not part of the result and
  are left out here.  Calibration runs have warm-ups only.
* ``unit`` is ``second`` unless the benchmark tracks memory (``byte``) or a
  count (``integer``): only times are imported.  ``date`` is the run's local
  time without a zone; ``hostname`` and ``python_executable`` (a path) are
  never recorded.

A case is one benchmark of the file; its samples are the values of all its runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .base import (
    FormatError,
    ImportedCase,
    ImportedFile,
    Options,
    Refusal,
)
from .fields import (
    array,
    clean,
    commit_text,
    date_text,
    hardware,
    mapping,
    number,
    optional_text,
    text,
    version_text,
)

__all__ = ["TOOL", "parse"]

TOOL = "pyperf"
#: Key of a run's values by format version (``_JSON_MAP_VERSION`` in ``_bench.py``).
_VALUES = {"1.0": "values", 6: "values", 5: "samples"}


def _software(meta: dict[str, Any]) -> tuple[dict[str, str], tuple[str, ...]]:
    """``python_version`` is ``"3.11.7 (64-bit)"``: the version is its first word.  Another
    implementation than CPython is said in a note (pyperf records no version of its own for it)."""
    raw = optional_text(meta.get("python_version"))
    python = version_text(raw.split()[0]) if raw else None
    implementation = optional_text(meta.get("python_implementation"))
    other = implementation if implementation and implementation.isalnum() and implementation.lower() != "cpython" \
        else None
    return ({"python": python} if python else {}), ((f"run on {other[:20]}",) if other else ())


def _case(bench: dict[str, Any], suite: dict[str, Any], version: object, n: int) -> ImportedCase | Refusal:
    common = mapping(bench.get("metadata" if version != 5 else "common_metadata") or {}, f"benchmarks[{n}].metadata")
    meta = {**suite, **common}
    runs = [mapping(r, f"benchmarks[{n}].runs[{i}]") for i, r in enumerate(array(bench.get("runs"), "runs"))]
    first = {**meta, **mapping(runs[0].get("metadata") or {}, "runs[0].metadata")} if runs else meta
    secrets = tuple(optional_text(m.get("hostname")) for m in (meta, first))
    name = clean(text(first.get("name"), f"benchmarks[{n}].metadata.name"), secrets)
    unit = first.get("unit", "second")
    if unit != "second":
        return Refusal(name, f"not a time (pyperf unit {str(unit)[:20]!r})", failed=False)
    values: list[float] = []
    dates: list[str] = []
    measured = 0
    for i, run in enumerate(runs):
        run_meta = {**meta, **mapping(run.get("metadata") or {}, f"runs[{i}].metadata", name)}
        raw = run.get(_VALUES[version])
        if raw is None:
            continue  # a calibration run: warm-ups only
        run_values = [number(v, f"runs[{i}].{_VALUES[version]}[{j}]", name)
                      for j, v in enumerate(array(raw, f"runs[{i}].values", name))]
        measured += bool(run_values)
        values += run_values
        date = date_text(run_meta.get("date"))
        if date and run_values:
            dates.append(date)
    if not values:
        return Refusal(name, "no values: the file has calibration runs only")
    software, notes = _software(first)
    return ImportedCase(
        name=name, unit="s", samples=tuple(values),
        what=f"the time of one loop iteration, {len(values)} values from {measured} worker process(es), "
             "warm-ups excluded",
        date=max(dates) if dates else None,
        hardware=hardware(first.get("cpu_model_name"), first.get("cpu_count"), secrets=secrets),
        software=software, commit=commit_text(first.get("commit_id")), notes=notes,
        platform=clean(first["platform"], secrets, 120) if optional_text(first.get("platform")) else None)


def parse(data: Any, path: Path, options: Options) -> ImportedFile:
    """The suite's benchmarks as cases (see the module docstring)."""
    root = mapping(data, "the file")
    version = root.get("version")
    if not isinstance(version, (str, int)) or isinstance(version, bool) or version not in _VALUES:
        raise FormatError(f"pyperf file format version {str(version)[:20]!r} is not supported (known: 5, 6, 1.0)")
    suite = mapping(root.get("metadata") or {}, "metadata") if version != 5 else {}
    cases: list[ImportedCase] = []
    refused: list[Refusal] = []
    for n, bench in enumerate(array(root.get("benchmarks"), "benchmarks")):
        found = _case(mapping(bench, f"benchmarks[{n}]"), suite, version, n)
        (cases if isinstance(found, ImportedCase) else refused).append(found)  # type: ignore[arg-type]
    if not cases and not refused:
        raise FormatError("the file holds no benchmark")
    versions = [suite.get("perf_version")] + [mapping(b, "benchmark").get("metadata", {}).get("perf_version")
                                              for b in root["benchmarks"] if isinstance(b.get("metadata"), dict)]
    version_said = next((v for v in map(version_text, versions) if v), None)
    return ImportedFile(
        tool=TOOL, version=version_said, cases=cases, refused=refused,
        timed="the benchmarked statement or function, looped in worker processes; each value is a loop's "
              "time divided by its iterations")
