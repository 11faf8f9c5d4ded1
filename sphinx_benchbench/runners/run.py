"""``python -m runners.run``: run implementations, measure them, record the results.

Usage::

    python -m runners.run all                    # everything runnable here
    python -m runners.run BENCHMARK [IMPL ...]   # one benchmark, some implementations
    python -m runners.run --list
    python -m runners.run all --dry-run          # what would be cloned, patched and run

Exit status: 0 when everything runnable succeeded (skipped implementations do
not count), 1 when something failed or the data is invalid, 130 when
interrupted.  Nothing is written to the data folder unless a run succeeded.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import math
import os
import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sphinx_benchbench import __version__
from sphinx_benchbench.analysis.statistics import summarize
from sphinx_benchbench.data.identity import identity
from sphinx_benchbench.data.loader import BENCHMARK_FILE, list_benchmarks, load_benchmark
from sphinx_benchbench.data.model import Benchmark, Implementation, Provenance, Result, RunRecord, Window
from sphinx_benchbench.data.yamlsource import DataError, load_yaml

from . import envcapture
from .checkout import CheckoutError, cache_dir, prepare
from .execute import RunOutcome, run_commands
from .logformats import make_parser
from .measure import WindowError, WindowMeasurement, measure_window, value_of
from .progress import Progress
from .record import RecordError, record
from .signals import Interrupted, interruptible

__all__ = ["main"]

RUNNER = f"sphinx-benchbench runners {__version__}"
#: Most runs one result may take (a typo such as --repeat 300000 should not run for weeks).
MAX_REPEAT = 1000


@dataclass
class Outcome:
    """One implementation's fate, for the summary table."""

    benchmark: str
    implementation: str
    status: str  # recorded, skipped, failed, planned
    detail: str = ""


class Failure(Exception):
    """A run failed; ``tail`` holds the end of its output.  Picklable: it comes back from cluster jobs."""

    def __init__(self, reason: str, tail: list[str] | None = None) -> None:
        super().__init__(reason, tail or [])
        self.tail: list[str] = self.args[1]

    def __str__(self) -> str:
        return str(self.args[0])


@dataclass
class Measured:
    """Everything a run found, before recording; travels back from cluster jobs."""

    measurements: list[WindowMeasurement]
    environment: envcapture.Environment
    commit: str | None
    patch_applied: bool | None
    log_text: str
    items: int


# -- requirements ---------------------------------------------------------


def gpu_count() -> int:
    """NVIDIA GPUs visible here, as the environment capture sees them (0 without ``nvidia-smi``)."""
    hardware, _ = envcapture.capture_hardware()
    return hardware.accelerator.count if hardware.accelerator else 0


def unmet(impl: Implementation, path: str) -> str | None:
    """Why this machine cannot run ``impl``, or ``None``."""
    spec = impl.run
    assert spec is not None
    if spec.requires.gpus:
        have = gpu_count()
        if have < spec.requires.gpus:
            return f"needs {spec.requires.gpus} NVIDIA GPU(s), found {have}"
    if spec.venv and not os.path.isdir(path.split(os.pathsep)[0]):
        return f"needs its environment {spec.venv} (create it with the implementation's requirements)"
    missing = [exe for exe in spec.requires.executables if not shutil.which(exe, path=path)]
    if missing:
        return f"needs {', '.join(missing)} on PATH"
    if spec.requires.network and impl.source and impl.source.repository and not shutil.which("git"):
        return "needs git to clone its source"
    return None


# -- one implementation -----------------------------------------------------


def command_path(bench: Benchmark, impl: Implementation, project: Path) -> str:
    """``PATH`` for the commands: the implementation's venv, or this interpreter's, first."""
    spec = impl.run
    assert spec is not None
    first = str((project / spec.venv / "bin").resolve()) if spec.venv else os.path.dirname(sys.executable)
    return os.pathsep.join([first, impl.env.get("PATH") or os.environ.get("PATH", os.defpath)])


def plan(bench: Benchmark, impl: Implementation, project: Path, repeat: int) -> list[str]:
    """Exactly what a run would do, for ``--dry-run``."""
    spec = impl.run
    assert spec is not None
    lines = []
    src = impl.source
    if src and src.repository:
        lines.append(f"clone   {src.repository} (cache {cache_dir() / 'checkouts'})")
        lines.append(f"checkout {src.commit or src.ref}")
    for patch in impl.patches:
        lines.append(f"apply   git apply {patch.file}")
    where = spec.workdir or "."
    lines.append(f"in      {where} {'(checkout)' if src and src.repository else f'(under {project})'}")
    lines.append(f"PATH    {command_path(bench, impl, project).split(os.pathsep)[0]} first")
    for key, value in impl.env.items():
        lines.append(f"env     {key}={value}")
    for step in impl.setup:
        lines.append(f"setup   {step.run}" + ("  (shell)" if spec.shell else ""))
    for command in impl.commands:
        lines.append(f"run     {command}" + ("  (shell)" if spec.shell else "") + f"  x{repeat}")
    w = bench.definition.measurement.window
    if w is None:
        lines.append("measure: no window!")
    else:
        lines.append(f"measure {spec.log.format} log, iterations {w.start}-{w.end}"
                     + (f", then stop it (timeout {spec.timeout:g} s)" if spec.stop_after_window
                        else f", run to its end (timeout {spec.timeout:g} s)"))
    return lines


def run_one(bench: Benchmark, impl: Implementation, project: Path, data_root: Path, repeat: int,
            timeout: float | None, progress: Progress, on_published: Callable[[Path], None] | None = None) -> str:
    """Run ``impl`` ``repeat`` times here and record the result; raise :class:`Failure` otherwise."""
    measured = measure_one(bench, impl, project, repeat, timeout, progress)
    return record_measured(bench, impl, data_root, measured, on_published)


def measure_one(bench: Benchmark, impl: Implementation, project: Path, repeat: int, timeout: float | None,
                progress: Progress) -> Measured:
    """Check out, patch, run and measure ``impl`` ``repeat`` times; record nothing."""
    spec = impl.run
    assert spec is not None
    d = bench.definition
    window = d.measurement.window
    if window is None:
        raise Failure("the benchmark defines no measurement window")
    items = spec.items_per_iteration or (d.measurement.batch.total if d.measurement.batch else None)
    if items is None and d.measurement.quantity == "items-per-second":
        raise Failure("neither run.items_per_iteration nor measurement.batch.total is set")
    src = impl.source
    commit, patch_applied = None, None
    if src and src.repository:
        try:
            checkout = prepare(src.repository, src.commit or src.ref or "HEAD", [p.file for p in impl.patches])
        except CheckoutError as exc:
            raise Failure(str(exc)) from None
        base, commit, patch_applied = checkout.path, checkout.commit, checkout.patch_applied
    else:
        base = project
    cwd = (base / (spec.workdir or ".")).resolve()
    if not cwd.is_dir():
        raise Failure(f"working directory {cwd} does not exist")
    path = command_path(bench, impl, project)
    env = {**os.environ, **impl.env, "PATH": path}
    try:
        return _measure_logged(impl, env, cwd, path, repeat, timeout, window, progress, items, commit, patch_applied)
    except OSError as exc:  # the run's own log could not be written: a full disk, a file-size limit
        raise Failure(f"cannot write the run's log: {exc.strerror or exc}") from None


def _measure_logged(impl: Implementation, env: dict[str, str], cwd: Path, path: str, repeat: int,
                    timeout: float | None, window: Window, progress: Progress, items: int | None,
                    commit: str | None, patch_applied: bool | None) -> Measured:
    """The set-up and the runs, their output logged to a temporary file kept only when they fail."""
    spec = impl.run
    assert spec is not None
    with tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False, encoding="utf-8") as log:
        log_path = Path(log.name)
        try:
            if impl.setup:
                outcome = run_commands([s.run for s in impl.setup], env=env, cwd=str(cwd), shell=spec.shell,
                                       timeout=timeout or spec.timeout, parser=None, log=log)
                if not outcome.ok:
                    raise Failure(f"set-up failed: {outcome.reason}", list(outcome.tail))
            measurements = []
            for n in range(1, repeat + 1):
                log.write(f"=== run {n}/{repeat} ===\n")
                measurements.append(_one_run(impl, env, cwd, timeout, window, log, progress, n, repeat, items))
            log.flush()
            python = shutil.which("python", path=path) or sys.executable
            environment = envcapture.capture(python=python, env=env)  # the GPUs and packages it saw
            return Measured(measurements, environment, commit, patch_applied, log_path.read_text("utf-8"), items or 1)
        except Failure as failure:
            log.flush()
            saved = cache_dir() / "failed" / f"{dt.datetime.now(dt.timezone.utc):%Y%m%dT%H%M%SZ}-{impl.id}.log"
            try:
                saved.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy(log_path, saved)
                failure.tail.append(f"(full log: {saved})")
            except OSError as exc:  # the failure itself is what matters
                failure.tail.append(f"(full log not kept: {saved.parent}: {exc.strerror or exc})")
            raise
        finally:
            log_path.unlink(missing_ok=True)


def record_measured(bench: Benchmark, impl: Implementation, data_root: Path, measured: Measured,
                    on_published: Callable[[Path], None] | None = None) -> str:
    """Record what :func:`measure_one` found, atomically; return a one-line summary for the table."""
    with tempfile.NamedTemporaryFile("w", suffix=".log", delete=False, encoding="utf-8") as log:
        log.write(measured.log_text)
    try:
        return _record(bench, impl, data_root, measured.measurements, measured.environment, measured.commit,
                       measured.patch_applied, Path(log.name), measured.items, on_published)
    finally:
        Path(log.name).unlink(missing_ok=True)


def _one_run(impl: Implementation, env: dict[str, str], cwd: Path, timeout: float | None,
             window: Window, log: IO[str], progress: Progress, n: int, repeat: int,
             items: int | None) -> WindowMeasurement:
    run = impl.run
    assert run is not None
    parser = make_parser(run.log.format, **run.log.options)  # both checked by _cannot_run beforehand
    watch = re.compile(run.log.own_window) if run.log.own_window else None
    progress.start(impl.id, n, repeat, window.end)
    outcome: RunOutcome = run_commands(impl.commands, env=env, cwd=str(cwd), shell=run.shell,
                                       timeout=timeout or run.timeout, parser=parser, log=log,
                                       on_line=progress.line, watch=watch,
                                       stop_at=window.end if run.stop_after_window else None)
    progress.stop()
    if not outcome.ok:
        raise Failure(outcome.reason, list(outcome.tail))
    try:
        measured = measure_window(outcome.samples, window.start, window.end)
    except WindowError as exc:
        raise Failure(str(exc), list(outcome.tail)) from None
    watched = (outcome.watched or {}).get("seconds")
    try:  # the implementation's own printed timing of the same window, as a cross-check
        own, refused = parser.timing(items).window(window.start, window.end, clock=False), None
    except WindowError as exc:
        own, refused = None, str(exc)
    measured = dataclasses.replace(measured, own=own, own_refused=refused,
                                   own_window_seconds=float(watched) if watched else None)
    progress.measured(describe_run(measured))
    return measured


def describe_run(m: WindowMeasurement) -> str:
    """One run's window timing, with the implementation's own timings beside it when it has them."""
    text = f"iterations {m.start}-{m.end} in {m.seconds:.3f} s ({m.seconds_per_iter:.6f} s/iteration)"
    if m.own is not None:
        text += f"; its printed timing {m.own.seconds:.3f} s ({m.own.seconds / m.seconds - 1:+.2%})"
    if m.own_window_seconds is not None:
        text += f"; its own timing {m.own_window_seconds:.3f} s ({m.own_window_seconds / m.seconds - 1:+.2%})"
    return text


def _record(bench: Benchmark, impl: Implementation, data_root: Path,
            measurements: list[WindowMeasurement], environment: envcapture.Environment, commit: str | None,
            patch_applied: bool | None, log_path: Path, items: int,
            on_published: Callable[[Path], None] | None = None) -> str:
    d = bench.definition
    assert d.measurement.window is not None
    values = [value_of(m, d.measurement.quantity, items) for m in measurements]
    summary = summarize(values)
    warnings = list(environment.warnings)
    for n, m in enumerate(measurements, 1):
        warnings += [f"run {n}: {w}" for w in m.warnings()]
    warnings += [f"unstable: {reason}" for reason in summary.unstable]
    semantics = measurements[0].semantics()
    now = dt.datetime.now(dt.timezone.utc)
    spread = summary.relative_spread
    result = Result(
        implementation=impl.id,
        recorded=f"{now:%Y-%m-%dT%H:%M:%SZ}",
        status="measured",
        provenance=Provenance(by=RUNNER),
        samples=[round(v, 6) for v in values],
        hardware=environment.hardware,
        software=dict(environment.software),
        commit=commit,
        identity=identity(bench, impl, commit, environment.hardware),
        platform=environment.platform,
        run=RunRecord(
            runner=RUNNER,
            window=d.measurement.window,
            seconds_per_iteration=[round(m.seconds_per_iter, 9) for m in measurements],
            own_seconds_per_iteration=[None if m.own is None else round(m.own.window.seconds_per_iter, 9)
                                       for m in measurements],
            own_window_seconds=[m.own_window_seconds for m in measurements]
            if any(m.own_window_seconds is not None for m in measurements) else [],
            spread=None if spread is None else round(spread, 6),
            unstable=bool(summary.unstable),
            patch_applied=patch_applied,
            semantics=semantics,
            warnings=warnings,
        ),
    )
    header = (f"Recorded by {RUNNER}: {impl.name}, {len(values)} run(s).\n"
              f"Refresh with: python -m runners.run {bench.id} {impl.id}")
    try:
        path = record(bench.folder, data_root, impl.id, [result], log_path, header, now, on_published)
    except (RecordError, OSError) as exc:
        raise Failure(f"could not record: {exc}") from None
    for warning in warnings:
        print(f"warning: {bench.id}/{impl.id}: {warning}", file=sys.stderr)
    metric = bench.definition.metric
    value = result.stat(metric.statistic)
    spread_text = f" ±{spread:.1%}" if spread is not None else ""
    return f"{value:.{max(metric.decimals, 1)}f} {metric.unit}{spread_text} (n={len(values)}) -> {path.name}"


# -- the command line ------------------------------------------------------


def _targets(args: argparse.Namespace, data: Path) -> list[tuple[str, list[str] | None]]:
    if args.target in (None, "all"):
        return [(name, None) for name in list_benchmarks(str(data))]
    return [(args.target, args.implementations or None)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m runners.run", description=__doc__.splitlines()[0])
    parser.add_argument("target", nargs="?", help="'all', a benchmark name, or 'collect' (finished Slurm jobs)")
    parser.add_argument("implementations", nargs="*", help="implementation ids (default: all of the benchmark)")
    parser.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: ./data)")
    parser.add_argument("--list", action="store_true", help="list benchmarks and implementations, then exit")
    parser.add_argument("--dry-run", action="store_true", help="print what would be cloned, patched and run")
    parser.add_argument("--repeat", type=int, help="runs per result (default: each implementation's run.repeat)")
    parser.add_argument("--timeout", type=float, help="seconds per run (default: each implementation's)")
    cluster = parser.add_argument_group("cluster (--executor slurm)")
    cluster.add_argument("--executor", choices=["local", "slurm"], default="local",
                         help="run here (default) or submit one Slurm job per implementation")
    cluster.add_argument("--cluster-config", type=Path, help="YAML file of cluster options")
    cluster.add_argument("--partition")
    cluster.add_argument("--account")
    cluster.add_argument("--qos")
    cluster.add_argument("--constraint")
    cluster.add_argument("--cpus", type=int, help="CPUs per job")
    cluster.add_argument("--mem-gb", type=float, help="memory per job, GiB")
    cluster.add_argument("--sbatch", action="append", default=[], metavar="KEY=VALUE",
                         help="extra sbatch option, e.g. exclusive= or gres=gpu:8 (repeatable)")
    cluster.add_argument("--retry", type=int, default=0, help="resubmit failed jobs up to N times")
    args = parser.parse_args(argv)
    if args.target is None and not args.list:
        parser.error("give 'all' or a benchmark name (or --list)")
    if args.repeat is not None and not 1 <= args.repeat <= MAX_REPEAT:
        parser.error(f"--repeat must be between 1 and {MAX_REPEAT}")
    if args.timeout is not None and not (math.isfinite(args.timeout) and args.timeout > 0):
        parser.error("--timeout must be a positive number of seconds")
    if args.target in ("all", "collect", None) and args.implementations:
        parser.error(f"implementation ids go after a benchmark name, not after {args.target or '--list'!r}")
    data = args.data.resolve()
    project = data.parent
    if not data.is_dir():
        print(f"error: data folder {data} " + ("is not a folder" if data.exists() else "not found"), file=sys.stderr)
        return 1
    if not list_benchmarks(str(data)):
        print(f"error: no benchmarks in {data} (each is a folder with a {BENCHMARK_FILE})", file=sys.stderr)
        return 1
    if args.list:
        return _list(data, project)
    if args.target == "collect":
        return _collect(data)
    outcomes: list[Outcome] = []
    tasks: list[Task] = []
    for name, wanted in _targets(args, data):
        skipped, runnable = _tasks(name, wanted, data, project, args)
        outcomes += skipped
        tasks += runnable
    if args.dry_run:
        for task in tasks:
            print(f"{task.bench.id}/{task.impl.id}:")
            print("\n".join(f"  {line}" for line in plan(task.bench, task.impl, project, task.repeat)))
            outcomes.append(Outcome(task.bench.id, task.impl.id, "planned"))
        _summary(outcomes)
        return 1 if any(o.status == "failed" for o in outcomes) else 0
    if args.executor == "slurm":
        return _on_slurm(args, data, outcomes, tasks)
    progress = Progress(sys.stderr)
    published: dict[str, Path] = {}
    current: Task | None = None
    try:
        with interruptible():
            for current in tasks:
                outcomes.append(_run_here(current, data, project, args, progress, published))
            current = None
    except (KeyboardInterrupt, Interrupted):
        progress.stop()
        if current is not None:
            name = f"{current.bench.id}/{current.impl.id}"
            if name in published:  # the interrupt came as its result was being published: it is complete
                print(f"\ninterrupted: {name} was recorded just before ({published[name].name})", file=sys.stderr)
                outcomes.append(Outcome(current.bench.id, current.impl.id, "recorded", published[name].name))
            else:
                print(f"\ninterrupted: {name} was stopped; nothing was recorded for it", file=sys.stderr)
        _summary(outcomes)
        return 130
    _summary(outcomes)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


@dataclass
class Task:
    """An implementation to run here or to submit."""

    bench: Benchmark
    impl: Implementation
    repeat: int


def _tasks(name: str, wanted: list[str] | None, data: Path, project: Path,
           args: argparse.Namespace) -> tuple[list[Outcome], list[Task]]:
    """What to run of one benchmark, and the outcomes of what will not run (skips, bad data)."""
    bench, problems = load_benchmark(data, name)
    for problem in problems:  # what they concern was left out; the rest can still run
        print(f"warning: {problem}", file=sys.stderr)
    if bench is None:
        return [Outcome(name, "-", "failed", "benchmark could not be loaded")], []
    impls = bench.definition.implementations
    if wanted:
        unknown = [w for w in wanted if bench.implementation(w) is None]
        if unknown:
            return [Outcome(name, u, "failed", "unknown implementation") for u in unknown], []
        impls = [i for i in impls if i.id in wanted]
    outcomes, tasks = [], []
    found = _entry_problems(bench, problems)
    entry_problems = found.blocking
    for impl_id, why in found.dropped.items():
        if not wanted:
            print(f"FAILED {name}/{impl_id}: {why}", file=sys.stderr)
            outcomes.append(Outcome(name, impl_id, "failed", why))
    for impl in impls:
        # On a cluster the compute node, not this machine, has to meet the requirements.
        status, why = _fate(bench, impl, project, entry_problems, here=args.executor != "slurm")
        if status == "run":
            tasks.append(Task(bench, impl, args.repeat or impl.run.repeat))
            continue
        if status == "unmet":
            print(f"skip {name}/{impl.id}: {why}", file=sys.stderr)
            if args.dry_run:  # what it would do elsewhere is still worth reading
                print(f"{name}/{impl.id} (skipped here):")
                print("\n".join(f"  {line}" for line in plan(bench, impl, project, args.repeat or impl.run.repeat)))
        elif status == "failed":
            print(f"FAILED {name}/{impl.id}: {why}", file=sys.stderr)
        outcomes.append(Outcome(name, impl.id, "skipped" if status == "unmet" else status, why))
    return outcomes, tasks


def _fate(bench: Benchmark, impl: Implementation, project: Path, entry_problems: dict[str, list[str]],
          here: bool = True) -> tuple[str, str]:
    """What ``run`` does with ``impl``, and why: ``run``, ``skipped`` (nothing to run), ``unmet``
    (this machine cannot run it) or ``failed`` (its data must not run)."""
    if impl.run is None or not impl.commands:
        # A run section dropped as invalid, or whose commands all were, is broken, not absent.
        broken = entry_problems.get(impl.id)
        return ("failed", broken[0]) if broken else ("skipped", "no run specification in the data")
    reason = unmet(impl, command_path(bench, impl, project)) if here else None
    if reason:
        return "unmet", reason
    blocking = _blocking(bench, impl, entry_problems)
    return ("failed", blocking[0]) if blocking else ("run", "")


#: Fields of an implementation that change what a run does; a problem elsewhere in its entry
#: (notes, logo, link) changes only the page.
RUN_FIELDS = ("id", "run", "source", "commands", "setup", "env", "patches")
#: Fields of the measurement that change what a run measures.
MEASURED_FIELDS = ("measurement.window", "measurement.quantity", "measurement.batch")


@dataclass
class EntryProblems:
    """Data problems that change what runs, by implementation id (``*``: every implementation)."""

    blocking: dict[str, list[str]]
    #: Implementations with a ``run`` section whose whole entry was dropped, with why.
    dropped: dict[str, str]


def _entry_problems(bench: Benchmark, problems: list[DataError]) -> EntryProblems:
    """Tie the loader's problems to implementations through their ``implementations[i]`` paths."""
    bench_file = os.path.join(bench.folder, BENCHMARK_FILE)
    try:
        raw = load_yaml(bench_file).get("implementations")
    except DataError:
        raw = None
    entries = [e if isinstance(e, dict) else {} for e in raw] if isinstance(raw, list) else []
    owner: dict[int, str] = {}  # entry index -> id, for the first entry of each id only
    for index, entry in enumerate(entries):
        if isinstance(entry.get("id"), str) and entry["id"] not in owner.values():
            owner[index] = entry["id"]
    loaded = {impl.id for impl in bench.definition.implementations}
    found = EntryProblems({}, {})
    for problem in problems:
        if os.path.abspath(problem.path) != os.path.abspath(bench_file):
            continue
        entry = re.match(r"implementations\[(\d+)\](?:\.(\w+))?", problem.message)
        if entry and int(entry[1]) in owner:
            impl_id = owner[int(entry[1])]
            if impl_id not in loaded and "run" in entries[int(entry[1])]:
                found.dropped.setdefault(impl_id, str(problem))
            elif entry[2] in RUN_FIELDS:
                found.blocking.setdefault(impl_id, []).append(str(problem))
        elif problem.message.startswith(MEASURED_FIELDS):
            found.blocking.setdefault("*", []).append(str(problem))
    return found


def blocking_problems(bench: Benchmark, impl: Implementation, problems: list[DataError]) -> list[str]:
    """Why ``impl`` must not run with this data (empty when it may), from the loader's problems."""
    return _blocking(bench, impl, _entry_problems(bench, problems).blocking)


def _blocking(bench: Benchmark, impl: Implementation, entry_problems: dict[str, list[str]]) -> list[str]:
    # What a run would measure must be exactly what the data says: a field dropped for being
    # invalid would silently change it (another batch size, no patch, other variables).
    return entry_problems.get(impl.id, []) + entry_problems.get("*", []) + _cannot_run(bench, impl)


def _cannot_run(bench: Benchmark, impl: Implementation) -> list[str]:
    """What makes a run impossible, found before anything is cloned or started."""
    spec = impl.run
    assert spec is not None
    where = os.path.join(bench.folder, BENCHMARK_FILE)
    window = bench.definition.measurement.window
    found = []
    if window is None:
        found.append(f"{where}: measurement.window is not set")
    elif window.unit.rstrip("s") == "epoch":
        found.append(f"{where}: measurement.window counts epochs; the runner's log parsers count iterations")
    elif window.end <= window.start:
        found.append(f"{where}: measurement.window ends ({window.end}) before it starts ({window.start})")
    try:
        make_parser(spec.log.format, **spec.log.options)
    except (ValueError, TypeError) as exc:
        found.append(f"{where}: {impl.id}: run.log: {exc}")
    if spec.log.own_window:
        try:
            re.compile(spec.log.own_window)
        except re.error as exc:
            found.append(f"{where}: {impl.id}: run.log.own_window is not a valid regular expression: {exc}")
    if spec.repeat > MAX_REPEAT:
        found.append(f"{where}: {impl.id}: run.repeat {spec.repeat} is over {MAX_REPEAT}")
    if impl.patches and not (impl.source and impl.source.repository):
        found.append(f"{where}: {impl.id}: has patches but no source.repository to apply them to")
    return found


def _run_here(task: Task, data: Path, project: Path, args: argparse.Namespace, progress: Progress,
              published: dict[str, Path]) -> Outcome:
    name, impl = task.bench.id, task.impl

    def note(path: Path) -> None:
        published[f"{name}/{impl.id}"] = path

    try:
        summary = run_one(task.bench, impl, project, data, task.repeat, args.timeout, progress, note)
    except Failure as failure:
        progress.stop()
        print(f"FAILED {name}/{impl.id}: {failure}", file=sys.stderr)
        for line in failure.tail:
            print(f"  | {line}", file=sys.stderr)
        return Outcome(name, impl.id, "failed", str(failure))
    return Outcome(name, impl.id, "recorded", summary)


def _on_slurm(args: argparse.Namespace, data: Path, outcomes: list[Outcome], tasks: list[Task]) -> int:
    """Submit one job per runnable implementation, follow them, record what comes back."""
    from . import slurm

    try:
        # KEY=VALUE, or KEY= / KEY for a flag without a value (e.g. exclusive)
        sbatch = {key: value or True for key, _, value in (item.partition("=") for item in args.sbatch)}
        options = slurm.load_options(args.cluster_config, {
            "partition": args.partition, "account": args.account, "qos": args.qos, "constraint": args.constraint,
            "cpus": args.cpus, "mem_gb": args.mem_gb, "sbatch": sbatch})
    except (OSError, ValueError, TypeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    jobs: list[slurm.Job] = []
    for task in tasks:
        name, impl = task.bench.id, task.impl
        assert impl.run is not None
        try:
            job = slurm.submit(data, name, impl.id, task.repeat, args.timeout, impl.run.timeout,
                               impl.run.requires.gpus, options)
        except Exception as exc:  # sbatch refusals and the like are reported per job
            outcomes.append(Outcome(name, impl.id, "failed", f"could not submit: {exc}"))
            continue
        print(f"submitted {name}/{impl.id}: job {job.job_id}", file=sys.stderr, flush=True)
        jobs.append(job)

    def on_state(job: slurm.Job, state: str) -> None:
        print(f"job {job.job_id} {job.benchmark}/{job.implementation}: {state}", file=sys.stderr, flush=True)

    retries: list[slurm.Job] = []

    def on_end(job: slurm.Job, state: str) -> None:
        outcome = _finish_job(data, job, state)
        if outcome.status == "failed" and job.tries <= args.retry:
            bench, _ = load_benchmark(data, job.benchmark)
            impl = bench.implementation(job.implementation) if bench else None
            if impl is not None and impl.run is not None:
                again = slurm.submit(data, job.benchmark, job.implementation, job.repeat, job.timeout,
                                     impl.run.timeout, impl.run.requires.gpus, options, tries=job.tries + 1)
                print(f"resubmitted {job.benchmark}/{job.implementation} (try {again.tries}): job {again.job_id}",
                      file=sys.stderr, flush=True)
                retries.append(again)
                return
        outcomes.append(outcome)

    try:
        with interruptible():
            while jobs:
                slurm.wait(jobs, on_state, on_end)
                jobs, retries[:] = list(retries), []
    except (KeyboardInterrupt, Interrupted):
        running = [j for j in slurm.remembered() if j.job_id in {x.job_id for x in jobs + retries}]
        if _ask(f"\ncancel the {len(running)} job(s) still queued or running? [y/N] "):
            slurm.cancel(running)
            print("cancelled; nothing was recorded for them", file=sys.stderr)
        else:
            print(f"\nleft {len(running)} job(s) running; record them later with: python -m runners.run collect",
                  file=sys.stderr)
        _summary(outcomes)
        return 130
    _summary(outcomes)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _ask(question: str) -> bool:
    """A yes/no question on a terminal; no terminal, end of input or a second Ctrl-C mean no."""
    if not sys.stdin.isatty():
        return False
    try:
        return input(question).strip().lower().startswith("y")
    except (EOFError, KeyboardInterrupt):
        return False


def _finish_job(data: Path, job: object, state: str) -> Outcome:
    """Record a finished job's measurement, or report why it failed; forget the job either way."""
    from . import slurm

    assert isinstance(job, slurm.Job)
    slurm.forget(job)
    name, impl_id = job.benchmark, job.implementation
    if state != "DONE":
        reason = f"job {job.job_id} ended {state}"
        print(f"FAILED {name}/{impl_id}: {reason}", file=sys.stderr)
        for line in slurm.log_tail(job):
            print(f"  | {line}", file=sys.stderr)
        return Outcome(name, impl_id, "failed", reason)
    measured, why = slurm.outcome(job)
    bench, _ = load_benchmark(data, name)
    impl = bench.implementation(impl_id) if bench else None
    if measured is None or bench is None or impl is None:
        ended = slurm.slurm_state(job)  # a cancelled or preempted job may still have written an error result
        why = f"ended {ended}: {why}" if ended in slurm.FAILED_STATES else why or "the data changed"
        print(f"FAILED {name}/{impl_id}: job {job.job_id} {why}", file=sys.stderr)
        for line in slurm.log_tail(job):
            print(f"  | {line}", file=sys.stderr)
        return Outcome(name, impl_id, "failed", why)
    try:
        summary = record_measured(bench, impl, data, measured)
    except Failure as failure:
        return Outcome(name, impl_id, "failed", str(failure))
    return Outcome(name, impl_id, "recorded", f"job {job.job_id}: {summary}")


def _collect(data: Path) -> int:
    """``collect``: record the results of remembered jobs that finished meanwhile."""
    from . import slurm

    outcomes: list[Outcome] = []
    waiting = slurm.collect(lambda job, state: outcomes.append(_finish_job(data, job, state)))
    for job in waiting:
        print(f"job {job.job_id} {job.benchmark}/{job.implementation}: still queued or running",
              file=sys.stderr)
    _summary(outcomes)
    return 1 if any(o.status == "failed" for o in outcomes) else 0


def _list(data: Path, project: Path) -> int:
    for name in list_benchmarks(str(data)):
        bench, problems = load_benchmark(data, name)
        print(f"{name}" + (f"  ({len(problems)} data problem(s), below)" if problems else ""))
        for problem in problems:
            print(f"warning: {problem}", file=sys.stderr)
        entry_problems = _entry_problems(bench, problems).blocking if bench else {}
        for impl in bench.definition.implementations if bench else []:
            print(f"  {impl.id:<24} {_status_here(bench, impl, project, entry_problems)}")
    return 0


def _status_here(bench: Benchmark, impl: Implementation, project: Path, entry_problems: dict[str, list[str]]) -> str:
    """What ``run`` would do with ``impl`` on this machine, in a few words."""
    status, why = _fate(bench, impl, project, entry_problems)
    return {"run": "runnable", "skipped": "not runnable (no run specification)", "unmet": f"skipped here: {why}",
            "failed": "fails: its entry has a data problem"}[status]


def _summary(outcomes: list[Outcome]) -> None:
    if not outcomes:
        return
    width = max(len(f"{o.benchmark}/{o.implementation}") for o in outcomes)
    print("\nSummary:")
    for o in outcomes:
        print(f"  {o.benchmark + '/' + o.implementation:<{width}}  {o.status:<8}  {o.detail}")


if __name__ == "__main__":
    sys.exit(main())
