"""Measure one implementation here: check it out, set it up, let its source measure it, capture the environment.

Nothing is recorded here: :func:`measure_one` returns a :class:`Measured`
that the local executor records at once and a Slurm job sends back to the
submitting side, which records it the same way (:mod:`.results`).  The
output of every command goes to a temporary log, kept under the cache's
``failed/`` folder when the run fails, so the reason can be read in full.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from ...data.loader import load_benchmark
from ...data.model import Benchmark, Implementation
from ..cache import cache_dir
from ..capture import Environment, capture
from ..checkout import CheckoutError, checked_out
from ..commands.execute import run_commands
from ..commands.progress import Progress
from ..sources import Context, Failure, Run, Source, source_of
from .plan import blocking_problems, command_path, work_folder

__all__ = ["Measured", "SharedSetup", "measure_named", "measure_one"]


@dataclass
class Measured:
    """Everything a run found, before recording; travels back from cluster jobs."""

    runs: list[Run]
    environment: Environment
    commit: str | None
    log_text: str
    items: int
    #: Runs made before the timed ones and not counted.
    warmup: int = 0


@dataclass
class SharedSetup:
    """The benchmark-level set-up steps run so far, once per benchmark for one invocation of the runner.

    Once per invocation rather than once ever: the input they generate must be
    the input of every implementation measured together, and a script edited
    since the last invocation must run again.
    """

    done: set[str] = field(default_factory=set)

    def ensure(self, bench: Benchmark, env: dict[str, str], timeout: float, log: IO[str]) -> None:
        """Run ``bench``'s set-up in its work folder unless this invocation already has."""
        steps = bench.definition.setup
        folder = work_folder(bench)
        key = hashlib.sha256(repr((bench.id, str(folder), [(s.run, s.shell) for s in steps])).encode()).hexdigest()
        if not steps or key in self.done:
            return
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise Failure(f"cannot create the work folder {folder}: {exc.strerror or exc}") from None
        for step in steps:
            outcome = run_commands([step.run], env=env, cwd=str(folder), shell=step.shell, timeout=timeout,
                                   parser=None, log=log)
            if not outcome.ok:
                raise Failure(f"the benchmark's set-up failed: {outcome.reason}", list(outcome.tail))
        self.done.add(key)


def measure_one(bench: Benchmark, impl: Implementation, project: Path, repeat: int, timeout: float | None,
                progress: Progress, shared: SharedSetup | None = None) -> Measured:
    """Check out, patch, set up, run and measure ``impl`` (``repeat`` runs at least); record nothing.

    The checkout is held until the runs and the capture are done: another runner (a Slurm job on a shared
    ``$HOME``) that measures the same repository meanwhile gets a working tree of its own.
    """
    src = impl.source
    if not (src and src.repository):
        return _measure_in(bench, impl, project, repeat, timeout, progress, shared, None)
    try:
        with checked_out(src.repository, src.commit or src.ref or "HEAD", [p.file for p in impl.patches]) as co:
            return _measure_in(bench, impl, project, repeat, timeout, progress, shared, (co.path, co.commit))
    except CheckoutError as exc:  # only the checkout raises it
        raise Failure(str(exc)) from None


def _measure_in(bench: Benchmark, impl: Implementation, project: Path, repeat: int, timeout: float | None,
                progress: Progress, shared: SharedSetup | None, checkout: tuple[Path, str] | None) -> Measured:
    """:func:`measure_one` once the source is checked out (``checkout``: its folder and commit)."""
    spec = impl.run
    assert spec is not None
    source = source_of(bench, impl)
    commit = None
    if checkout is not None:
        base, commit = checkout
    elif bench.definition.setup:
        base = work_folder(bench)
    else:
        base = project
    path = command_path(impl, project)
    env = {**os.environ, **impl.env, "PATH": path}
    env["BENCHBENCH_DATA"] = os.path.dirname(bench.folder)  # for commands that read the data folder itself
    if bench.definition.setup:
        env["BENCHBENCH_WORK"] = str(work_folder(bench))
    try:
        return _measure_logged(bench, impl, source, base, env, timeout or spec.timeout, repeat, progress,
                               shared or SharedSetup(), commit)
    except OSError as exc:  # the run's own log could not be written: a full disk, a file-size limit
        raise Failure(f"cannot write the run's log: {exc.strerror or exc}") from None


def _measure_logged(bench: Benchmark, impl: Implementation, source: Source, base: Path, env: dict[str, str],
                    seconds: float, repeat: int, progress: Progress, shared: SharedSetup,
                    commit: str | None) -> Measured:
    """The set-up and the runs, their output logged to a temporary file kept only when they fail.

    The file has no name (``TemporaryFile``): it is gone with the runner however the runner ends,
    SIGKILL included.
    """
    spec = impl.run
    assert spec is not None
    with tempfile.TemporaryFile("w+", suffix=".log", encoding="utf-8") as log:
        try:
            shared.ensure(bench, env, seconds, log)
            cwd = (base / (spec.workdir or ".")).resolve()
            if not cwd.is_dir():
                raise Failure(f"working directory {cwd} does not exist")
            ctx = Context(bench, impl, env, cwd, seconds, log, progress, source.items())
            for step in impl.setup:
                ctx.execute([step.run], what="set-up failed", shell=step.shell or spec.shell, parser=None)
            runs = source.measure(ctx, repeat)
            python = shutil.which("python", path=env["PATH"]) or sys.executable
            # Only what it declares: python and its packages when it names packages, probed programs.
            environment = capture(python=python if spec.packages else None, packages=spec.packages, env=env,
                                  versions=spec.versions, cwd=str(cwd))
            log.seek(0)
            return Measured(runs, environment, commit, log.read(), source.items() or 1, source.warmup)
        except Failure as failure:
            _keep_log(log, impl, failure)
            raise


def _keep_log(log: IO[str], impl: Implementation, failure: Failure) -> None:
    """Copy a failed run's log under the cache and say where in the failure."""
    saved = cache_dir() / "failed" / f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}-{impl.id}.log"
    try:
        log.flush()
        log.seek(0)
        saved.parent.mkdir(parents=True, exist_ok=True)
        with open(saved, "w", encoding="utf-8") as out:
            shutil.copyfileobj(log, out)
        failure.tail.append(f"(full log: {saved})")
    except OSError as exc:  # the failure itself is what matters
        failure.tail.append(f"(full log not kept: {saved.parent}: {exc.strerror or exc})")


def measure_named(data: str, benchmark: str, implementation: str, repeat: int,
                  timeout: float | None) -> Measured | Failure:
    """A cluster job: load the data where it runs and measure, checking the data as the submitting side did.

    A failure is *returned*, not raised: submitit sends a raised exception back
    as its formatted traceback only, and the submitting side wants the failure
    itself, with its reason and the tail of the output.
    """
    try:
        bench, problems = load_benchmark(data, benchmark)
        if bench is None:
            raise Failure(f"{benchmark}: the data could not be loaded on the compute node")
        impl = bench.implementation(implementation)
        if impl is None or impl.run is None:
            raise Failure(f"{benchmark}: no runnable implementation {implementation!r}")
        blocking = blocking_problems(bench, impl, problems)  # the same rule as on the submitting machine
        if blocking:
            raise Failure(blocking[0])
        return measure_one(bench, impl, Path(data).parent, repeat, timeout, Progress(sys.stderr))
    except Failure as failure:
        return failure
