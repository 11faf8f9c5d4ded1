"""Run the tasks as Slurm jobs: submit, follow, retry, and record what comes back.

The jobs run :func:`~..engine.orchestrate.measure_named` on the compute
nodes (handed to :mod:`.slurm`, which knows nothing else of the engine); what
they return, a measurement or a failure, is recorded or reported here exactly
as a local run's.  An interrupt asks whether to cancel the jobs; those left
running are recorded later by ``collect``.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ...data.loader import load_benchmark
from ..commands.progress import plain_output, without_escapes
from ..commands.signals import Interrupted, interruptible
from ..engine.orchestrate import Measured, measure_named
from ..engine.plan import Outcome, Task
from ..engine.results import record_measured
from ..sources import Failure
from . import slurm
from .local import report_failure

__all__ = ["collect_finished", "run_on_slurm"]


def run_on_slurm(tasks: list[Task], data: Path, options: slurm.ClusterOptions, timeout: float | None,
                 retries: int, outcomes: list[Outcome]) -> bool:
    """Submit one job per task, follow them, record their results; ``False`` when interrupted."""
    jobs: list[slurm.Job] = []
    for task in tasks:
        name, impl = task.bench.id, task.impl
        assert impl.run is not None
        try:
            job = slurm.submit(measure_named, data, name, impl.id, task.repeat, timeout, impl.run.timeout,
                               impl.run.requires.gpus, options)
        except Exception as exc:  # sbatch refusals and the like are reported per job
            outcomes.append(Outcome(name, impl.id, "failed", f"could not submit: {exc}"))
            continue
        print(f"submitted {name}/{impl.id}: job {job.job_id}", file=sys.stderr, flush=True)
        jobs.append(job)

    def on_state(job: slurm.Job, state: str) -> None:
        print(f"job {job.job_id} {job.benchmark}/{job.implementation}: {state}", file=sys.stderr, flush=True)

    again: list[slurm.Job] = []

    def on_end(job: slurm.Job, state: str) -> None:
        outcome = finish_job(data, job, state)
        if outcome.status == "failed" and job.tries <= retries:
            bench, _ = load_benchmark(data, job.benchmark)
            impl = bench.implementation(job.implementation) if bench else None
            if impl is not None and impl.run is not None:
                retry = slurm.submit(measure_named, data, job.benchmark, job.implementation, job.repeat,
                                     job.timeout, impl.run.timeout, impl.run.requires.gpus, options,
                                     tries=job.tries + 1)
                print(f"resubmitted {job.benchmark}/{job.implementation} (try {retry.tries}): job {retry.job_id}",
                      file=sys.stderr, flush=True)
                again.append(retry)
                return
        outcomes.append(outcome)

    try:
        with interruptible():
            while jobs:
                slurm.wait(jobs, on_state, on_end)
                jobs, again[:] = list(again), []
    except (KeyboardInterrupt, Interrupted):
        waiting = {job.job_id for job in jobs + again}
        running = [job for job in slurm.remembered() if job.job_id in waiting]
        if _ask(f"\ncancel the {len(running)} job(s) still queued or running? [y/N] "):
            slurm.cancel(running)
            print("cancelled; nothing was recorded for them", file=sys.stderr)
        else:
            print(f"\nleft {len(running)} job(s) running; record them later with: python -m runners.run collect",
                  file=sys.stderr)
        return False
    return True


def _ask(question: str) -> bool:
    """A yes/no question on a terminal; no terminal, end of input or a second Ctrl-C mean no."""
    if not sys.stdin.isatty():
        return False
    try:
        return input(question).strip().lower().startswith("y")
    except (EOFError, KeyboardInterrupt):
        return False


def finish_job(data: Path, job: slurm.Job, state: str) -> Outcome:
    """Record a finished job's measurement, or report why it failed; forget the job either way."""
    slurm.forget(job)
    name, impl_id = job.benchmark, job.implementation
    if state != "DONE":
        return _failed(job, f"job {job.job_id} ended {state}")
    try:
        returned = slurm.returned(job)
    except RuntimeError as exc:
        returned = Failure(f"crashed: {exc}", slurm.log_tail(job))
    if isinstance(returned, Failure):
        # A cancelled, preempted or timed-out job stops its run, whose failure it still returns.
        ended = slurm.final_state(job)
        reason = f"job {job.job_id} " + (f"ended {ended}: " if ended in slurm.FAILED_STATES else "") + str(returned)
        report_failure(name, impl_id, Failure(reason, returned.tail))
        return Outcome(name, impl_id, "failed", reason)
    bench, _ = load_benchmark(data, name)
    impl = bench.implementation(impl_id) if bench else None
    if not isinstance(returned, Measured) or bench is None or impl is None:
        return _failed(job, f"job {job.job_id}: the data changed while it ran, or it returned no measurement")
    try:
        summary = record_measured(bench, impl, data, returned)
    except Failure as failure:
        return Outcome(name, impl_id, "failed", str(failure))
    return Outcome(name, impl_id, "recorded", f"job {job.job_id}: {summary}")


def _failed(job: slurm.Job, reason: str) -> Outcome:
    print(f"FAILED {job.benchmark}/{job.implementation}: {reason}", file=sys.stderr)
    plain = plain_output()
    for line in slurm.log_tail(job):
        print(f"  | {without_escapes(line) if plain else line}", file=sys.stderr)
    return Outcome(job.benchmark, job.implementation, "failed", reason)


def collect_finished(data: Path, outcomes: list[Outcome]) -> None:
    """``collect``: record the results of remembered jobs that finished meanwhile."""
    waiting = slurm.collect(lambda job, state: outcomes.append(finish_job(data, job, state)))
    for job in waiting:
        print(f"job {job.job_id} {job.benchmark}/{job.implementation}: still queued or running", file=sys.stderr)
