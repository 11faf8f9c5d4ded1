"""Google Benchmark's JSON (``--benchmark_out=FILE`` or ``--benchmark_format=json``).

The format, from Google Benchmark's ``src/json_reporter.cc``
(``JSONReporter::ReportContext``, ``PrintRunData``) and ``docs/user_guide.md``
("Output Formats", "Reporting Statistics"):

* ``context``: ``date`` (local time; ISO 8601 with its offset in current
  versions, ``2019-11-29 21:26:59`` or ``2015/03/17-18:40:25`` in older ones),
  ``host_name`` (never recorded), ``executable`` (a path, never recorded),
  ``num_cpus``, ``mhz_per_cpu``, ``cpu_scaling_enabled``, ``caches``,
  ``load_avg``, ``library_version``, ``library_build_type`` (``debug`` makes
  timings suspect), ``json_schema_version``, and any custom context.
* ``benchmarks``: one row per run.  ``run_type: iteration`` rows are
  measurements: ``real_time`` and ``cpu_time`` are per iteration
  (``GetAdjustedRealTime``: the accumulated time over ``iterations``; with
  ``UseManualTime``, ``real_time`` is the time the benchmark reported), in the
  row's ``time_unit`` (``ns``, ``us``, ``ms`` or ``s``, ``GetTimeUnitString``).
  With ``--benchmark_repetitions`` each repetition is its own row, with the
  same ``run_name`` and its ``repetition_index``; then come ``run_type:
  aggregate`` rows (``aggregate_name`` ``mean``, ``median``, ``stddev``,
  ``cv``, user statistics, and ``BigO``/``RMS`` for complexity fits), which
  summarise the repetitions and are never samples (a family's ``BigO`` and
  ``RMS`` rows, under the family's name, are said as skipped).  A row with
  ``error_occurred`` (``SkipWithError``) measured nothing usable; one with
  ``skipped`` (``SkipWithMessage``) nothing at all.  Files written before
  ``run_type`` existed (before 1.5) mark aggregates only by a name suffix.

A case is one ``run_name``: its iteration rows are its samples, one per
repetition.  When the file holds only aggregates
(``--benchmark_report_aggregates_only``), the median (or the mean) is
recorded as the value.  ``real_time`` is taken unless ``--time cpu``.
"""

from __future__ import annotations

import re
from fractions import Fraction
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

TOOL = "Google Benchmark"
_UNITS = {"s": 0, "ms": -3, "us": -6, "ns": -9}
#: Name suffixes of aggregate rows in files without ``run_type``.
_OLD_AGGREGATES = re.compile(r"^(?P<run>.+)_(?P<aggregate>mean|median|stddev|cv|BigO|RMS)$")


def _caveats(context: dict[str, Any]) -> tuple[str, ...]:
    """What Google Benchmark itself warns about when it starts, for the reader."""
    notes = []
    if context.get("library_build_type") == "debug":
        notes.append("Google Benchmark was built as a debug library: timings may be affected")
    if context.get("cpu_scaling_enabled") is True:
        notes.append("CPU frequency scaling was enabled: real-time measurements may be noisy")
    return tuple(notes)


def _time(row: dict[str, Any], key: str, case: str) -> tuple[float, str]:
    unit = row.get("time_unit", "ns")
    if not isinstance(unit, str) or unit not in _UNITS:
        raise FormatError(f"unknown time_unit {str(unit)[:20]!r}", case)
    return number(row.get(key), key, case), unit


def _in_unit(values: list[tuple[float, str]]) -> tuple[tuple[float, ...], str]:
    """The values in their common unit; rows in different units (never written so) in the finest, exactly."""
    units = {unit for _, unit in values}
    if len(units) == 1:
        return tuple(v for v, _ in values), units.pop()
    finest = min(units, key=_UNITS.__getitem__)
    return tuple(float(Fraction(v) * Fraction(10) ** (_UNITS[u] - _UNITS[finest])) for v, u in values), finest


def _clock(name: str, key: str, row: dict[str, Any]) -> str:
    """What the time is: ``real_time`` of a ``UseManualTime`` benchmark (its name ends ``/manual_time``,
    ``benchmark_register.cc``) is the time the benchmark measured itself; with ``threads`` the row is of
    all threads together (``threads`` is said so the reader can tell)."""
    clock = "manually measured time (UseManualTime)" if key == "real_time" and name.endswith(
        "/manual_time") else f"{key.split('_')[0]} time"
    threads = count(row.get("threads"))
    return clock + (f" ({threads} threads)" if threads and threads > 1 else "")


def _classify(row: dict[str, Any], name: str) -> tuple[str, str, str | None]:
    """(run type, run name, aggregate name) of a row, also for files without ``run_type``."""
    run_type = row.get("run_type")
    if run_type is None:
        old = _OLD_AGGREGATES.match(name)
        if old:
            return "aggregate", old["run"], old["aggregate"]
        return "iteration", name, None
    if run_type not in ("iteration", "aggregate"):
        raise FormatError(f"unknown run_type {str(run_type)[:20]!r}", name)
    run_name = optional_text(row.get("run_name")) or name
    aggregate = optional_text(row.get("aggregate_name")) if run_type == "aggregate" else None
    return run_type, run_name, aggregate


def parse(data: Any, path: Path, options: Options) -> ImportedFile:
    """The file's runs as cases (see the module docstring)."""
    root = mapping(data, "the file")
    if "benchmarks" not in root:
        raise FormatError("not a Google Benchmark file: it has no 'benchmarks'")
    context = mapping(root.get("context") or {}, "context")
    secrets = (optional_text(context.get("host_name")),)
    notes = _caveats(context)
    mhz = count(context.get("mhz_per_cpu"))
    machine = hardware(None, context.get("num_cpus"), notes=f"{mhz} MHz per CPU" if mhz else None, secrets=secrets)
    key = "cpu_time" if options.time == "cpu" else "real_time"
    groups: dict[str, dict[str, Any]] = {}
    for n, raw in enumerate(array(root["benchmarks"], "benchmarks")):
        row = mapping(raw, f"benchmarks[{n}]")
        name = clean(text(row.get("name"), f"benchmarks[{n}].name"), secrets)
        run_type, run_name, aggregate = _classify(row, name)
        group = groups.setdefault(clean(run_name, secrets), {"rows": [], "aggregates": {}, "error": None,
                                                             "skipped": None, "fit": None})
        if row.get("error_occurred") is True:
            group["error"] = clean(str(row.get("error_message") or "no message"), secrets, 160)
        elif row.get("skipped") is True:
            group["skipped"] = clean(str(row.get("skip_message") or "no message"), secrets, 160)
        elif run_type == "iteration":
            group["rows"].append(row)
        elif aggregate in ("mean", "median") and row.get("aggregate_unit", "time") == "time":
            group["aggregates"][aggregate] = row  # stddev, cv, BigO, RMS and user statistics: never values
        elif aggregate == "BigO":
            group["fit"] = clean(str(row.get("big_o") or "?"), secrets, 40)
    cases: list[ImportedCase] = []
    refused: list[Refusal] = []
    for name, group in groups.items():
        if group["error"]:
            refused.append(Refusal(name, f"the benchmark reported an error: {group['error']}"))
            continue
        if group["skipped"] and not group["rows"]:
            refused.append(Refusal(name, f"the benchmark skipped itself: {group['skipped']}", failed=False))
            continue
        if group["rows"]:
            samples, unit = _in_unit([_time(row, key, name) for row in group["rows"]])
            iterations = sorted({count(row.get("iterations")) or 0 for row in group["rows"]})
            each = f"{iterations[0]}" if len(iterations) == 1 else f"{iterations[0]} to {iterations[-1]}"
            what = (f"the {_clock(name, key, group['rows'][0])} of one iteration, averaged over each of "
                    f"{len(samples)} repetition(s) ({each} iterations each)")
            stats: dict[str, float] = {}
        elif group["aggregates"]:
            values = {agg: _time(row, key, name) for agg, row in group["aggregates"].items()}
            converted, unit = _in_unit(list(values.values()))
            stats = dict(zip(values, converted, strict=True))
            samples = ()
            reps = count(next(iter(group["aggregates"].values())).get("repetitions"))
            what = (f"the {_clock(name, key, next(iter(group['aggregates'].values())))} of one iteration, over "
                    f"{reps or '?'} repetitions (aggregates only)")
        elif group["fit"]:
            refused.append(Refusal(name, f"a complexity fit (BigO {group['fit']}, RMS) over the runs {name}/N, "
                                         "not a time", failed=False))
            continue
        else:
            continue  # only statistics of no time: nothing to import
        cases.append(ImportedCase(name=name, unit=unit, samples=samples, stats=stats, what=what,
                                  date=date_text(context.get("date")), hardware=machine, notes=notes))
    if not cases and not refused:
        raise FormatError("the file holds no benchmark run")
    return ImportedFile(
        tool=TOOL, version=version_text(context.get("library_version")), cases=cases, refused=refused,
        metric_label="Time per iteration",
        timed=f"the benchmark loop's body, {key.split('_')[0]} time; each repetition's time divided by its "
              "iterations")
