"""Imported cases become results of a benchmark: ids, exact unit conversion, dates, and no duplicates.

Nothing here writes: :func:`import_cases` decides what each case becomes
(a new result, already imported, skipped, refused) and hands the new
results and the new or appended ``benchmark.yaml`` to :mod:`.write`.  A case
counts as already imported when a result carries its fingerprint (a hash of
the tool, the case's name, the file's date and its numbers, kept in
``provenance.note``) or has the same implementation, date and numbers: the
same file, or the same run, imported again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

from ... import __version__
from ...data.loader import BENCHMARK_FILE, DataError, load_benchmark
from ...data.model import Benchmark, Hardware, Provenance, Result, statistic_of
from ...data.model.kinds import IDENT_PATTERN, whole
from ...data.paths import inside
from ...data.yamlsource import MAX_NODES
from . import definition
from .base import ImportedCase, ImportedFile, ImportFailure
from .fields import clean
from .write import publish

__all__ = ["MAX_SAMPLES", "Outcome", "Request", "convert", "derive_id", "fingerprint", "import_cases", "is_ident"]

#: Most samples one result keeps: a results file must stay under the loader's limit on values per file
#: (``MAX_NODES``, against alias bombs) and its 8 MiB; beyond it the samples' statistic is recorded.
MAX_SAMPLES = MAX_NODES - 10_000
_IDENT = whole(IDENT_PATTERN)
_UNIT_EXPONENT = {"s": 0, "ms": -3, "us": -6, "ns": -9}


@dataclass(frozen=True)
class Request:
    """Where and how to import: the command line's choices."""

    data_root: Path
    benchmark: str
    fmt: str
    #: File's case name (or the id it would get) to the implementation id to use.
    mapping: dict[str, str] = field(default_factory=dict)
    select: re.Pattern[str] | None = None
    #: ``--date``: when the cases were measured, over what the file says.
    date: str | None = None
    #: The file's modification time, for files that record no date (hyperfine).
    file_date: str | None = None
    unit: str | None = None
    title: str | None = None
    dry_run: bool = False


@dataclass(frozen=True)
class Outcome:
    """What became of one case: ``imported`` (or ``would import``), ``already imported``, ``skipped``, ``refused``."""

    case: str
    status: str
    message: str = ""
    implementation: str | None = None
    path: Path | None = None


def is_ident(text: str) -> bool:
    return bool(_IDENT.match(text))


def derive_id(name: str) -> str:
    """An implementation id for a case name: lower case, runs of other characters as ``-``, at most 64."""
    out = re.sub(r"[^a-z0-9._-]+", "-", name.lower()).strip("-._") or "case"
    out = re.sub(r"^[^a-z0-9]+", "", out) or "case"
    if len(out) > 64:
        out = out[:55].rstrip("-._") + "-" + hashlib.sha256(name.encode()).hexdigest()[:8]
    return out


def convert(value: float, source: int, target: int) -> float:
    """``value`` from 10**source seconds to 10**target seconds, the nearest float to the exact product."""
    result = float(Fraction(value) * Fraction(10) ** (source - target))
    if not math.isfinite(result) or result < 0:
        raise OverflowError
    return result


def fingerprint(imported: ImportedFile, case: ImportedCase) -> str:
    """The case's identity in its file: tool, name, the file's date and its numbers (not ``--date`` or ids)."""
    blob = json.dumps([imported.tool, case.ident, case.date, case.unit, [repr(s) for s in case.samples],
                       sorted((k, repr(v)) for k, v in case.stats.items())])
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()[:20]


def _when(case: ImportedCase, request: Request, tool: str) -> tuple[str, str]:
    """The recorded date and how it was found."""
    if request.date:
        return request.date, "given with --date"
    if case.date:
        zone = "" if case.date.endswith("Z") else ", local time of the measuring machine (no zone recorded)"
        return case.date, f"as {tool} recorded it{zone}"
    if request.file_date:
        return request.file_date, f"the file's modification time ({tool} recorded no date for it)"
    raise ImportFailure(f"{tool} records no date here; give one with --date", case.name)


def _result(case: ImportedCase, imported: ImportedFile, impl_id: str, exponent: int, statistic: str,
            request: Request, bench: Benchmark | None, mark: str) -> Result:
    source = _UNIT_EXPONENT[case.unit]
    try:
        samples = [convert(v, source, exponent) for v in case.samples]
        stats = {k: convert(v, source, exponent) for k, v in case.stats.items()}
    except (OverflowError, ValueError):
        raise ImportFailure("a time is too large to record", case.name) from None
    value = None
    if len(samples) > MAX_SAMPLES:
        value = statistic_of(statistic if statistic != "olympic" else "median", samples)
        chosen = f"{statistic if statistic != 'olympic' else 'median'} of its {len(samples)} samples (more than "\
                 f"the {MAX_SAMPLES} a result keeps; the samples are left out)"
        samples = []
    elif not samples:
        name = statistic if statistic in stats else next((k for k in ("median", "mean", *stats) if k in stats), None)
        if name is None:
            raise ImportFailure("neither samples nor a statistic to record", case.name)
        value = stats[name]
        chosen = (f"the file has no raw samples: the value is {imported.tool}'s reported {name}"
                  + (f" (the benchmark's statistic is the {statistic})" if name != statistic else ""))
    else:
        chosen = f"all {len(samples)} samples of the file"
    if value is None and not samples:
        raise ImportFailure("the samples' statistic is not a finite number", case.name)
    if statistic == "olympic" and 0 < len(samples) < 3:
        value = statistic_of("median", samples)
        chosen += "; fewer than 3, so the value is their median (olympic scoring needs 3)"
    recorded, date_note = _when(case, request, imported.tool)
    hardware = case.hardware
    if hardware is None and bench is not None and bench.definition.hardware:  # not the benchmark's default machine
        hardware = Hardware(label=f"not recorded by {imported.tool}")
    note = (f"Imported by sphinx-benchbench {__version__} from {imported.by} results ({request.fmt}): "
            f"{case.what}; {chosen}. Date: {date_note}. Import {mark}.")
    return Result(
        implementation=impl_id, recorded=recorded, status="imported",
        provenance=Provenance(by=imported.by, note=note), value=value, samples=samples, hardware=hardware,
        software=dict(case.software), commit=case.commit, platform=case.platform,
        note=_sentence("; ".join(case.notes)) if case.notes else None)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + "."


def _already(result: Result, mark: str, existing: list[Result]) -> Result | None:
    """The existing result that is this one: its fingerprint, or the same run of the same case (same tool,
    implementation and date within a second, and the same numbers, or one's samples the other's statistic:
    a run saved with and without its raw data)."""
    for old in existing:
        if old.provenance.note and f"Import {mark}." in old.provenance.note:
            return old
        if (old.status != "imported" or old.implementation != result.implementation
                or old.provenance.by != result.provenance.by
                or abs((old.moment - result.moment).total_seconds()) > 1):
            continue
        if (old.samples, old.value) == (result.samples, result.value) or _summarises(old, result) or _summarises(
                result, old):
            return old
    return None


def _summarises(summary: Result, sampled: Result) -> bool:
    if summary.samples or summary.value is None or not sampled.samples:
        return False
    return any(math.isclose(summary.value, statistic_of(name, sampled.samples) or -1.0, rel_tol=1e-9)
               for name in ("median", "mean"))


def _ids(cases: list[ImportedCase], request: Request) -> list[str]:
    ids = []
    used = set()
    for case in cases:
        derived = derive_id(case.ident)
        impl_id = request.mapping.get(case.name) or request.mapping.get(case.ident) or request.mapping.get(
            derived) or derived
        used.update({case.name, case.ident, derived} & request.mapping.keys())
        ids.append(impl_id)
    unused = sorted(request.mapping.keys() - used)
    if unused:
        raise ImportFailure(f"--map {unused[0]!r}: no selected case has that name (cases: "
                            + ", ".join(c.name for c in cases[:8]) + (", ..." if len(cases) > 8 else "") + ")")
    for impl_id, n in Counter(ids).items():
        if n > 1:
            names = [c.name for c, i in zip(cases, ids, strict=True) if i == impl_id]
            if names[0] == names[1]:  # --map cannot tell them apart: it maps a name
                raise ImportFailure(f"the file has two cases named {names[0]!r} (the same command or benchmark "
                                    "measured twice?) that cannot be told apart; --select can import the others")
            raise ImportFailure(f"cases {names[0]!r} and {names[1]!r} would both be implementation {impl_id!r}; "
                                "tell them apart with --map NAME=ID")
    return ids


def _load(request: Request) -> tuple[Path, Benchmark | None, set[str]]:
    root = request.data_root
    if not root.is_dir():
        raise ImportFailure(f"the data folder {root} does not exist")
    folder = root / request.benchmark
    if os.path.lexists(folder) and not inside(str(root), str(folder)):
        raise ImportFailure(f"{folder} leads outside the data folder; refusing to write there")
    if not os.path.lexists(folder / BENCHMARK_FILE):
        return folder, None, set()
    if not inside(str(root), str(folder / BENCHMARK_FILE)):
        raise ImportFailure(f"{folder / BENCHMARK_FILE} leads outside the data folder; refusing to write there")
    bench, problems = load_benchmark(root, request.benchmark)
    if bench is None:
        raise ImportFailure(f"cannot import into {request.benchmark}: {problems[0] if problems else 'unreadable'}")
    return folder, bench, {_problem(p) for p in problems}


def _problem(problem: DataError) -> str:
    """A problem without its line: appending implementations moves the lines after them."""
    return f"{problem.path}: {problem.message}"


def import_cases(imported: ImportedFile, request: Request, now: dt.datetime | None = None) -> list[Outcome]:
    """Import the selected cases of ``imported``; what became of each.  :class:`ImportFailure`: nothing written."""
    selected = [c for c in imported.cases if request.select is None or request.select.search(c.name)]
    refusals = [r for r in imported.refused if request.select is None or request.select.search(r.name)]
    if not selected and not refusals:
        raise ImportFailure("no case of the file matches --select" if request.select else "the file has no case")
    if not selected:
        more = f" (and {len(refusals) - 1} more)" if len(refusals) > 1 else ""
        raise ImportFailure(f"nothing to import: {refusals[0].name}: {refusals[0].reason}{more}")
    outcomes = [Outcome(r.name, "refused" if r.failed else "skipped", r.reason) for r in refusals]
    folder, bench, problems_before = _load(request)
    ids = _ids(selected, request)
    for impl_id, case in zip(ids, selected, strict=True):
        if not is_ident(impl_id):
            raise ImportFailure(f"--map: {impl_id!r} is not an implementation id (a-z, 0-9, '-', '_', '.')",
                                case.name)
    if bench is not None:
        metric = bench.definition.metric
        exponent = definition.unit_exponent(metric.unit)
        if exponent is None or metric.direction != "lower":
            raise ImportFailure(f"{request.benchmark}'s metric ({metric.unit}, {metric.direction} is better) is not "
                                "a time where lower is better; import into another benchmark")
        decimals, statistic = metric.decimals, metric.statistic
    else:
        seconds = [convert(statistics.median(c.samples) if c.samples else c.stats.get("median", next(iter(
            c.stats.values()), 1.0)), _UNIT_EXPONENT[c.unit], 0) for c in selected]
        exponent, decimals = definition.choose_unit(seconds, _UNIT_EXPONENT[request.unit] if request.unit else None)
        statistic = "median"
    existing = list(bench.results) if bench else []
    defined = {i.id for i in bench.definition.implementations} if bench else set()
    to_write: list[tuple[ImportedCase, Result, str]] = []
    entries: list[dict[str, object]] = []
    for impl_id, case in zip(ids, selected, strict=True):
        mark = fingerprint(imported, case)
        result = _result(case, imported, impl_id, exponent, statistic, request, bench, mark)
        old = _already(result, mark, existing)
        if impl_id not in defined and (old is None or old.implementation == impl_id):
            entries.append(definition.entry(impl_id, case.name, imported, request.fmt))
            defined.add(impl_id)
        if old is not None:
            outcomes.append(Outcome(case.name, "already imported", f"as {old.implementation}, recorded "
                                    f"{old.recorded}", old.implementation))
        else:
            to_write.append((case, result, mark))
    bench_path = folder / BENCHMARK_FILE
    try:
        if bench is None:
            title = request.title or f"{request.benchmark}: {imported.tool} results"
            text: str | None = definition.create(clean(title), imported, request.fmt, exponent, decimals, entries)
        elif entries:
            text = definition.append(bench_path.read_bytes().decode("utf-8"), str(bench_path), entries)
        else:
            text = None
    except definition.DefinitionError as exc:
        raise ImportFailure(f"{bench_path}: {exc}") from None
    if request.dry_run or (not to_write and text is None):
        return outcomes + [Outcome(c.name, "would import", _summary(r, exponent, decimals, statistic),
                                   r.implementation) for c, r, _ in to_write]
    headers = [f"Imported by sphinx-benchbench {__version__} from {imported.by} results: {c.name}\n"
               f"Imported with: python -m runners.ingest {request.fmt} FILE --benchmark {request.benchmark}"
               for c, _, _ in to_write]
    paths = publish(request.data_root, request.benchmark, text, [r for _, r, _ in to_write], headers,
                    [m for *_, m in to_write], problems_before, now)
    return outcomes + [Outcome(c.name, "imported", _summary(r, exponent, decimals, statistic), r.implementation,
                               path) for (c, r, _), path in zip(to_write, paths, strict=True)]


def _summary(result: Result, exponent: int, decimals: int, statistic: str) -> str:
    value = result.value if result.value is not None else statistic_of(statistic, result.samples) or 0.0
    n = len(result.samples)
    how = f"{statistic} of {n} sample{'s' * (n != 1)}" if n else "a value only, no samples kept; see its provenance"
    return f"{value:.{max(decimals, 1)}f} {definition.SHOWN[exponent]} ({how})"
