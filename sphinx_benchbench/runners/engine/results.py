"""Turn what a run measured into a result and record it, atomically, beside the others.

The same code records a local run and a Slurm job's measurement, so a result
says the same things whichever way it was measured: its samples (one per
run), their summary's spread and stability, the source and what it measured
(``run.semantics``), every warning of the runs and of the environment
capture, and the identity hash the staleness check recomputes.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

from ..._version import __version__
from ...analysis.statistics import summarize
from ...data.identity import identity
from ...data.model import Benchmark, Implementation, Provenance, Result, RunRecord
from ..record import RecordError, record
from ..sources import Failure
from .orchestrate import Measured

__all__ = ["RUNNER", "record_measured", "to_result"]

RUNNER = f"sphinx-benchbench runners {__version__}"


def to_result(bench: Benchmark, impl: Implementation, measured: Measured, now: dt.datetime) -> Result:
    """The result of ``measured``: one sample per run, with everything the runs and the capture said."""
    spec = impl.run
    assert spec is not None
    runs = measured.runs
    values = [run.value for run in runs]
    summary = summarize(values)
    environment = measured.environment
    warnings = list(environment.warnings)
    if not spec.versions and not spec.packages:
        warnings.append("no software versions declared (run.versions, run.packages): staleness by version "
                        "cannot be checked for this result")
    for n, run in enumerate(runs, 1):
        warnings += [f"run {n}: {w}" for w in run.warnings]
    warnings += [f"unstable: {reason}" for reason in summary.unstable]
    spread = summary.relative_spread
    own_window = [run.own_window_seconds for run in runs]
    return Result(
        implementation=impl.id,
        recorded=f"{now:%Y-%m-%dT%H:%M:%SZ}",
        status="measured",
        provenance=Provenance(by=RUNNER),
        samples=[round(v, 6) for v in values],
        hardware=environment.hardware,
        software=dict(environment.software),
        commit=measured.commit,
        identity=identity(bench, impl, measured.commit, environment.hardware),
        platform=environment.platform,
        run=RunRecord(
            runner=RUNNER,
            source=spec.kind,  # type: ignore[arg-type]
            window=bench.definition.measurement.window if spec.kind == "log" else None,
            seconds_per_iteration=[round(run.seconds_per_iteration, 9) for run in runs
                                   if run.seconds_per_iteration is not None],
            warmup=measured.warmup,
            own_seconds_per_iteration=[None if run.own_seconds_per_iteration is None
                                       else round(run.own_seconds_per_iteration, 9) for run in runs]
            if spec.kind == "log" else [],
            own_window_seconds=own_window if any(s is not None for s in own_window) else [],
            spread=None if spread is None else round(spread, 6),
            unstable=bool(summary.unstable),
            patch_applied=True if impl.patches else None,  # a patch that does not apply fails the run
            semantics=runs[0].semantics,
            warnings=warnings,
        ),
    )


def record_measured(bench: Benchmark, impl: Implementation, data_root: Path, measured: Measured,
                    on_published: Callable[[Path], None] | None = None) -> str:
    """Record what :func:`~.orchestrate.measure_one` found, atomically; a one-line summary for the table."""
    now = dt.datetime.now(dt.timezone.utc)
    result = to_result(bench, impl, measured, now)
    header = (f"Recorded by {RUNNER}: {impl.name}, {len(measured.runs)} run(s).\n"
              f"Refresh with: python -m runners.run {bench.id} {impl.id}")
    try:  # the log from memory: a temporary file of it would outlive a runner killed meanwhile
        path = record(bench.folder, data_root, impl.id, [result], measured.log_text.encode("utf-8"), header, now,
                      on_published)
    except (RecordError, OSError) as exc:
        raise Failure(f"could not record: {exc}") from None
    assert result.run is not None
    for warning in result.run.warnings:
        print(f"warning: {bench.id}/{impl.id}: {warning}", file=sys.stderr)
    metric = bench.definition.metric
    value = result.stat(metric.statistic)
    spread = result.run.spread
    spread_text = f" ±{spread:.1%}" if spread is not None else ""
    return f"{value:.{max(metric.decimals, 1)}f} {metric.unit}{spread_text} (n={len(result.samples)}) -> {path.name}"
