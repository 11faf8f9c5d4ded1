"""Run implementations as Slurm jobs through submitit; record results on the submitting side.

Each implementation's runs become one job: the job runs the function it is
given (the engine's :func:`~..engine.orchestrate.measure_named`: checkout,
patch, measure, environment capture on the compute node) and returns what it
measured, or the failure itself; the submitting side records it into
``data/``, atomically, exactly as a local run does.  This module knows
nothing of the engine but that function's arguments.  Jobs are remembered in
``~/.cache/sphinx-benchbench/slurm/jobs.json`` so that ``python -m runners.run
collect`` can record jobs that finished after the submitting side left.
Several submitters (and ``collect``) may change that file at once: each change
reads, changes and writes it under its lock (``jobs.json.lock``), and writes it
atomically (a new file renamed over it), so no job is lost and no reader sees
half a file.

submitit submits, pickles the call and its result; the job's state comes from
``squeue`` and ``scontrol`` (``sacct`` needs an accounting database many
clusters, and our test cluster, do not run), and a finished job is one whose
result file exists.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import os
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ..cache import cache_dir, lock

__all__ = ["ClusterOptions", "Job", "Measure", "cancel", "collect", "load_options", "returned", "submit", "wait"]

#: What a job runs: ``(data, benchmark, implementation, repeat, timeout)`` to a measurement or a failure.
Measure = Callable[[str, str, str, int, float | None], Any]

#: Job states after which no result will come.
FAILED_STATES = {"CANCELLED", "FAILED", "TIMEOUT", "PREEMPTED", "NODE_FAIL", "OUT_OF_MEMORY", "BOOT_FAIL",
                 "DEADLINE", "REVOKED"}


@dataclass
class ClusterOptions:
    """Where and how jobs are submitted; from the command line or a YAML file."""

    partition: str | None = None
    account: str | None = None
    qos: str | None = None
    constraint: str | None = None
    cpus: int | None = None
    mem_gb: float | None = None
    sbatch: dict[str, str | bool] = field(default_factory=dict)


def load_options(path: Path | None, overrides: dict[str, Any]) -> ClusterOptions:
    """Options from a YAML file (keys as :class:`ClusterOptions`), then the command line."""
    values: dict[str, Any] = {}
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:  # one line, like every other refusal of the command line
            mark = getattr(exc, "problem_mark", None)
            where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
            said = ", ".join(str(p) for p in (getattr(exc, "context", None), getattr(exc, "problem", None)) if p)
            raise ValueError(f"{where}: not valid YAML ({said or exc})") from None
        if not isinstance(loaded, dict):
            raise ValueError(f"{path}: expected a mapping of cluster options")
        unknown = set(loaded) - set(ClusterOptions.__dataclass_fields__)
        if unknown:
            raise ValueError(f"{path}: unknown cluster option(s): {', '.join(sorted(unknown))}")
        values.update(loaded)
    values.update({k: v for k, v in overrides.items() if v not in (None, {}, [])})
    return ClusterOptions(**values)


@dataclass
class Job:
    """A submitted run, as remembered for ``collect``."""

    job_id: str
    folder: str
    data: str
    benchmark: str
    implementation: str
    repeat: int
    timeout: float | None
    tries: int = 1

    def submitit_job(self) -> Any:
        import submitit

        return submitit.SlurmJob(folder=self.folder, job_id=self.job_id)


def registry_path() -> Path:
    return cache_dir() / "slurm" / "jobs.json"


def _save(jobs: list[Job]) -> None:
    """Replace the file atomically: a temporary file of its own (two writers never share one), renamed."""
    path = registry_path()
    fd, tmp = tempfile.mkstemp(prefix=".jobs.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(json.dumps([asdict(j) for j in jobs], indent=2))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def remembered() -> list[Job]:
    """The jobs in the file (a reader needs no lock: the file is only ever replaced whole)."""
    path = registry_path()
    if not path.is_file():
        return []
    return [Job(**item) for item in json.loads(path.read_text(encoding="utf-8"))]


@contextlib.contextmanager
def _changing() -> Iterator[None]:
    """The registry's lock, for one read-modify-write."""
    registry_path().parent.mkdir(parents=True, exist_ok=True)
    with lock(registry_path().with_name("jobs.json.lock")):
        yield


def remember(jobs: list[Job]) -> None:
    with _changing():
        known = {j.job_id: j for j in remembered()}
        known.update({j.job_id: j for j in jobs})
        _save(list(known.values()))


def forget(job: Job) -> None:
    with _changing():
        _save([j for j in remembered() if j.job_id != job.job_id])


def submit(measure: Measure, data: Path, benchmark: str, implementation: str, repeat: int, timeout: float | None,
           run_timeout: float, gpus: int, options: ClusterOptions, tries: int = 1) -> Job:
    """Submit one implementation's runs as one job running ``measure`` (a module-level function, for pickle)."""
    import submitit

    if not shutil.which("sbatch"):
        raise RuntimeError("sbatch not found: is this a Slurm submission host?")
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    folder = cache_dir() / "slurm" / f"{stamp}-{benchmark}-{implementation}"
    executor = submitit.AutoExecutor(folder=str(folder), cluster="slurm")
    minutes = math.ceil(((timeout or run_timeout) * repeat + 600) / 60)  # runs, plus set-up and capture
    params: dict[str, Any] = {"timeout_min": minutes, "name": f"bench-{benchmark}-{implementation}",
                              "slurm_additional_parameters": dict(options.sbatch)}
    if gpus:
        params["gpus_per_node"] = gpus
    for key, value in (("slurm_partition", options.partition), ("slurm_account", options.account),
                       ("slurm_qos", options.qos), ("slurm_constraint", options.constraint),
                       ("cpus_per_task", options.cpus), ("mem_gb", options.mem_gb)):
        if value is not None:
            params[key] = value
    # Each job's benchmark-level set-up runs in its own work folder: jobs on a shared file system
    # must not write one another's input.
    params["slurm_setup"] = [f"export BENCHBENCH_WORK={shlex.quote(str(folder / 'work'))}"]
    executor.update_parameters(**params)
    job = executor.submit(measure, str(data), benchmark, implementation, repeat, timeout)
    record = Job(str(job.job_id), str(folder), str(data), benchmark, implementation, repeat, timeout, tries)
    remember([record])
    return record


def state(job: Job) -> str:
    """PENDING, RUNNING, ..., DONE (a result file exists) or GONE (Slurm forgot it, no result)."""
    sj = job.submitit_job()
    if sj.paths.result_pickle.exists():
        return "DONE"
    out = subprocess.run(["squeue", "-h", "-j", job.job_id, "-o", "%T"], capture_output=True, text=True,
                         check=False, timeout=60)
    if out.returncode == 0 and out.stdout.strip():
        return out.stdout.split()[0]
    found = slurm_state(job)
    if found == "COMPLETED" and not sj.paths.result_pickle.exists():
        time.sleep(1)  # the result file may still be on its way (shared file systems lag)
        return "DONE" if sj.paths.result_pickle.exists() else "COMPLETED"
    return found or "GONE"


def finished(current: str) -> bool:
    """Whether a job in this state has ended (with a result, or without one for good)."""
    return current in ("DONE", "COMPLETED", "GONE") or current in FAILED_STATES


def slurm_state(job: Job) -> str:
    """What Slurm says of the job (``scontrol``), or '' once it has forgotten it."""
    show = subprocess.run(["scontrol", "show", "job", job.job_id], capture_output=True, text=True,
                          check=False, timeout=60)
    for word in show.stdout.split():
        if word.startswith("JobState="):
            return word.split("=", 1)[1]
    return ""


#: States of a job that has not ended yet, in Slurm's words.
_ENDING = {"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED", "RESIZING", "SIGNALING", "STAGE_OUT"}


def final_state(job: Job, wait: float = 10.0) -> str:
    """:func:`slurm_state` once Slurm has ended the job, waiting up to ``wait`` seconds.

    A cancelled job's run still writes the failure it returns, and that file can be there before
    Slurm marks the job CANCELLED (seen on a loaded machine): asked at once, Slurm says RUNNING or
    COMPLETING, and the report would not say why the job ended.
    """
    deadline = time.monotonic() + wait
    found = slurm_state(job)
    while found in _ENDING and time.monotonic() < deadline:
        time.sleep(0.2)
        found = slurm_state(job)
    return found


def returned(job: Job) -> Any:
    """What the job's function returned; raises ``RuntimeError`` (the last line of the job's traceback)
    when it crashed instead, which the engine's function never does on purpose."""
    try:
        return job.submitit_job().result()
    except Exception as exc:  # submitit's FailedJobError and the like carry the traceback as text
        lines = [line for line in str(exc).strip().splitlines() if line.strip()]
        raise RuntimeError(lines[-1] if lines else type(exc).__name__) from None


def log_tail(job: Job, lines: int = 15) -> list[str]:
    sj = job.submitit_job()
    text = ""
    for path in (sj.paths.stderr, sj.paths.stdout):
        if path.exists():
            text += path.read_text(encoding="utf-8", errors="replace")
    return text.splitlines()[-lines:]


def wait(jobs: list[Job], on_state: Callable[[Job, str], None], on_end: Callable[[Job, str], None],
         poll: float = 2.0) -> None:
    """Poll until every job is DONE or failed; report state changes and ends."""
    last: dict[str, str] = {}
    pending = list(jobs)
    while pending:
        for job in list(pending):
            current = state(job)
            if current != last.get(job.job_id):
                last[job.job_id] = current
                on_state(job, current)
            if finished(current):
                pending.remove(job)
                on_end(job, current)
        if pending:
            time.sleep(poll)


def cancel(jobs: list[Job]) -> None:
    for job in jobs:
        subprocess.run(["scancel", job.job_id], capture_output=True, check=False, timeout=60)
        forget(job)


def collect(on_end: Callable[[Job, str], None]) -> list[Job]:
    """Hand finished remembered jobs to ``on_end``; return those still queued or running."""
    waiting = []
    for job in remembered():
        current = state(job)
        if finished(current):
            on_end(job, current)
        else:
            waiting.append(job)
    return waiting
