"""hyperfine's JSON (``--export-json FILE``).

The format, from hyperfine's source: ``src/export/json.rs`` serialises
``{"results": [...]}``, one ``BenchmarkResult`` (``src/benchmark/
benchmark_result.rs``) per command: ``command`` (the command line, or its
``--command-name``), ``mean``, ``stddev`` (absent or null with one run),
``median``, ``user``, ``system``, ``min``, ``max``, all in seconds
(``util::units::Second``), ``times`` (every timed run's wall-clock time,
warm-up runs excluded), ``exit_codes`` (``null`` for a run ended by a
signal), ``memory_usage_byte`` (newer versions) and ``parameters`` (the
values of ``--parameter-scan``/``--parameter-list`` for this command,
omitted when there were none).

The file records no date, no machine and no version of hyperfine: the date
is the file's modification time unless ``--date`` says otherwise (the
provenance note says which), and no hardware is recorded.  A case is one
entry of ``results``, named by its command and its parameters.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .base import (
    SUMMARY_STATISTICS,
    FormatError,
    ImportedCase,
    ImportedFile,
    Options,
    Refusal,
)
from .fields import (
    array,
    clean,
    mapping,
    number,
    text,
)

__all__ = ["TOOL", "parse"]

TOOL = "hyperfine"


def _name(entry: dict[str, Any], n: int) -> str:
    command = clean(text(entry.get("command"), f"results[{n}].command"))
    params = mapping(entry.get("parameters") or {}, f"results[{n}].parameters", command)
    shown = [f"{clean(str(k), limit=40)}={clean(str(v), limit=40)}" for k, v in params.items()
             if isinstance(v, (str, int, float)) and not isinstance(v, bool)]
    return f"{command} ({', '.join(shown)})" if shown else command


def _failed_runs(entry: dict[str, Any], name: str) -> int:
    codes = array(entry.get("exit_codes") or [], "exit_codes", name)
    return sum(1 for code in codes if code != 0)


def parse(data: Any, path: Path, options: Options) -> ImportedFile:
    """The file's commands as cases (see the module docstring)."""
    root = mapping(data, "the file")
    if "results" not in root:
        raise FormatError("not a hyperfine file: it has no 'results'")
    cases: list[ImportedCase] = []
    refused: list[Refusal] = []
    for n, raw in enumerate(array(root["results"], "results")):
        entry = mapping(raw, f"results[{n}]")
        name = _name(entry, n)
        failed = _failed_runs(entry, name)
        times = entry.get("times")
        samples = tuple(number(t, f"times[{i}]", name) for i, t in enumerate(array(times, "times", name))
                        ) if times is not None else ()
        if failed:
            runs = len(samples) or len(entry.get("exit_codes") or [])
            refused.append(Refusal(name, f"{failed} of {runs} runs failed (non-zero exit status or a signal; "
                                         "hyperfine --ignore-failure): the times are of a failing command"))
            continue
        stats = {k: number(entry[k], k, name) for k in SUMMARY_STATISTICS if entry.get(k) is not None}
        if not samples and "median" not in stats and "mean" not in stats:
            raise FormatError("neither times nor a median or mean", name)
        zeros = sum(1 for t in samples if t == 0)
        notes = (f"{zeros} of {len(samples)} runs were recorded as 0 s: hyperfine sets a run faster than its "
                 "measured shell start-up to 0 (src/benchmark/executor.rs), so the command is too fast to time "
                 "this way",) if zeros else ()
        cases.append(ImportedCase(
            name=name, unit="s", samples=samples, stats={} if samples else stats, notes=notes,
            what=f"the wall-clock time of one run of the command ({len(samples) or '?'} timed runs, "
                 "warm-up runs excluded)"))
    if not cases and not refused:
        raise FormatError("the file holds no result")
    return ImportedFile(tool=TOOL, version=None, cases=cases, refused=refused, metric_label="Time per run",
                        timed="one run of the command, wall clock, from start to exit, less the time hyperfine "
                              "measured for spawning its shell (src/benchmark/executor.rs; none with -N)")
