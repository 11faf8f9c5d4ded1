"""asv's results files (``results/<machine>/<commit>-<environment>.json``).

The format, from asv's ``asv/results.py`` (``Results.save``/``Results.load``,
``api_version = 2``, asv 0.5 and later; ``Results.update_to_2`` for version 1,
asv 0.4 and before, read here the same way):

* ``commit_hash`` (the commit measured), ``env_name`` (it names the
  interpreter's path for an existing environment: never recorded),
  ``date`` (the commit's date, milliseconds since 1970), ``params`` (the
  machine from ``machine.json``, see ``asv/machine.py`` ``get_defaults``:
  ``machine`` is the host name and is never recorded, ``cpu``,
  ``num_cpu``, ``ram`` in bytes, ``os``, ``arch``, plus the environment's
  ``python`` and requirements), ``python``, ``requirements``, ``env_vars``.
* ``results`` maps each benchmark to a row of the columns
  ``result_columns`` names: ``result`` (one value per parameter
  combination: ``asv_runner/statistics.py`` ``compute_stats`` makes it the
  median of the samples; ``null`` when the benchmark failed, ``NaN`` when
  it skipped that combination), ``params`` (each parameter's values, their
  ``repr``; combinations in ``itertools.product`` order), ``started_at``
  (milliseconds since 1970), ``stats_*``, and ``samples`` (per combination,
  the time of one call of each repeat, ``asv_runner/benchmarks/time.py``;
  only with ``asv run --record-samples``).  Version 1 has no columns: each
  benchmark is its result alone (a number, ``null`` or ``NaN``) or an object
  of ``result``, ``params``, ``samples``, ``stats``; ``started_at`` is a
  top-level mapping of benchmark to milliseconds.
* Which benchmarks are times is in ``results/benchmarks.json`` (``type``
  ``time``, ``unit`` ``seconds``; ``param_names``), two folders up: read when
  it is there; otherwise asv's naming rule decides, as its discovery does
  (``asv_runner/discovery.py`` ``_get_benchmark`` matches the name's last
  part, the function or method, never its module or class, against
  ``name_regex`` of ``asv_runner/benchmarks/time.py`` and ``timeraw.py``:
  ``time_...``, ``Time...``, ``timeraw_...``, ``Timeraw...``).  Memory
  (``mem_``, ``peakmem_``: bytes) and tracked values (``track_``, whatever
  they return, even in seconds: a value the benchmark computed, not a time
  asv measured) are skipped.

A case is one benchmark and one combination of its parameters.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path
from typing import Any

from .base import (
    NON_FINITE,
    FormatError,
    ImportedCase,
    ImportedFile,
    Options,
    Refusal,
    load_json,
)
from .fields import (
    array,
    clean,
    commit_text,
    epoch_text,
    hardware,
    mapping,
    number,
    optional_text,
    version_text,
)

__all__ = ["TOOL", "parse"]

TOOL = "asv"
#: asv's ``TimeBenchmark.name_regex`` and ``TimerawBenchmark.name_regex``, on a name's last part.
_TIME_NAME = re.compile(r"^(Time|Timeraw)[A-Z_].+|^(time|timeraw)_.+")


def _described(path: Path) -> dict[str, Any]:
    """``benchmarks.json`` of the results folder the file is in (by the file's place, never by its content)."""
    listing = path.resolve().parent.parent / "benchmarks.json"
    if not listing.is_file():
        return {}
    try:
        described = load_json(listing)
    except FormatError as exc:
        raise FormatError(f"its benchmarks.json: {exc}") from None
    return {k: v for k, v in mapping(described, "benchmarks.json").items() if isinstance(v, dict)}


def _is_time(name: str, info: dict[str, Any] | None) -> tuple[bool, str]:
    if info is not None:
        kind, unit = info.get("type"), info.get("unit")
        return kind == "time" and unit == "seconds", f"{str(kind)[:20]} benchmark, unit {str(unit)[:20]!r}"
    timed = bool(_TIME_NAME.match(name.rsplit(".", 1)[-1]))
    return timed, "not named as an asv time benchmark (time_..., Time...) and no benchmarks.json beside"


def _rows(root: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each benchmark's columns (``result``, ``params``, ``samples``, ``started_at``...), from either version."""
    results = mapping(root.get("results"), "results")
    if root.get("version") == 2:
        columns = [str(c) for c in array(root["result_columns"], "result_columns")]
        return {bench: dict(zip(columns, array(row, f"results.{clean(str(bench))}", clean(str(bench))),
                                strict=False)) for bench, row in results.items()}
    started = root["started_at"] if isinstance(root.get("started_at"), dict) else {}
    rows = {}
    for bench, value in results.items():
        if isinstance(value, dict):  # a benchmark with parameters, or with samples
            result = value.get("result")
            row = {"result": result if isinstance(result, list) or result is None else [result],
                   "params": value.get("params") or [], "samples": value.get("samples")}
        else:
            row = {"result": None if value is None else [value], "params": []}
        rows[bench] = {**row, "started_at": started.get(bench)}
    return rows


def _software(root: dict[str, Any], params: dict[str, Any]) -> dict[str, str]:
    """The environment's Python (when it is a version, not an interpreter's path) and requirements."""
    out: dict[str, str] = {}
    python = version_text(root.get("python")) or version_text(params.get("python"))
    if python:
        out["python"] = python
    requirements = root.get("requirements")
    for package, version in (requirements.items() if isinstance(requirements, dict) else ()):
        key = str(package).lower().removeprefix("pip+")
        if re.fullmatch(r"[a-z0-9][a-z0-9._-]{0,60}", key) and version_text(version):
            out[key] = version_text(version)  # type: ignore[assignment]
    return out


def _label(name: str, values: tuple[str, ...], names: list[str] | None) -> str:
    if not values:
        return name
    shown = [f"{k}={v}" for k, v in zip(names, values, strict=True)] if names and len(names) == len(values) \
        else list(values)
    return f"{name}({', '.join(shown)})"


def parse(data: Any, path: Path, options: Options) -> ImportedFile:
    """The file's benchmarks and parameter combinations as cases (see the module docstring)."""
    root = mapping(data, "the file")
    version = root.get("version")
    known = (version == 2 and "result_columns" in root) or (version == 1 and "results" in root)
    if not known or isinstance(version, bool):
        raise FormatError(f"not an asv results file of format version 1 or 2 (asv 0.4 and before, 0.5 and "
                          f"later); version {str(version)[:20]!r}")
    params = mapping(root.get("params") or {}, "params")
    secrets = (optional_text(params.get("machine")),)
    machine = hardware(params.get("cpu"), params.get("num_cpu"), params.get("ram"), secrets=secrets)
    software = _software(root, params)
    platform = clean(params["os"], secrets, 120) if optional_text(params.get("os")) else None
    commit = commit_text(root.get("commit_hash"))
    described = _described(path)
    cases: list[ImportedCase] = []
    refused: list[Refusal] = []
    for bench, cols in _rows(root).items():
        name = clean(str(bench))
        info = described.get(bench)
        values = [tuple(clean(str(v), limit=40) for v in array(p, "params", name))
                  for p in array(cols.get("params") or [], "params", name)]
        combos = list(itertools.product(*values)) if values else [()]
        param_names = info.get("param_names") if info and isinstance(info.get("param_names"), list) else None
        labels = [_label(name, combo, param_names) for combo in combos]
        keys = [_label(name, combo, None) for combo in combos]  # ids the same with or without benchmarks.json
        timed, why = _is_time(bench, info)
        if not timed:
            refused += [Refusal(label, f"not a time ({why})", failed=False) for label in labels]
            continue
        result = cols.get("result")
        if result is None:
            refused += [Refusal(label, "asv recorded no result: the benchmark failed") for label in labels]
            continue
        results = array(result, "result", name)
        samples = cols.get("samples")
        per_combo = array(samples, "samples", name) if samples is not None else [None] * len(combos)
        if len(results) != len(combos) or len(per_combo) != len(combos):
            raise FormatError(f"{len(results)} results for {len(combos)} parameter combinations", name)
        date = epoch_text(cols.get("started_at"))
        for label, key, value, raw in zip(labels, keys, results, per_combo, strict=True):
            if value is None:
                refused.append(Refusal(label, "asv recorded no result: the benchmark failed"))
                continue
            if value is NON_FINITE:
                what = "this parameter combination" if key != name else "this benchmark"
                refused.append(Refusal(label, f"asv skipped {what} (NaN)", failed=False))
                continue
            taken = tuple(number(s, "samples", label) for s in array(raw, "samples", label)) if raw else ()
            what = (f"the time of one call, per repeat ({len(taken)} repeats)" if taken
                    else "asv's result, the median of its repeats (recorded without --record-samples)")
            cases.append(ImportedCase(
                name=label, key=key, unit="s", samples=taken,
                stats={} if taken else {"median": number(value, "result", label)}, what=what, date=date,
                hardware=machine, software=software, commit=commit, platform=platform))
    if not cases and not refused:
        raise FormatError("the file holds no result")
    return ImportedFile(tool=TOOL, version=None, cases=cases, refused=refused,
                        timed="the benchmark function, repeated; each sample is one repeat's time divided by its "
                              "calls")
