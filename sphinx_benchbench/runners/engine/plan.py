"""What runs, where and why not: requirements, data problems, paths and the dry-run plan.

One decision per implementation (:func:`fate`) serves ``run``, ``--list``,
``--dry-run``, the Slurm jobs and ``sphinx_benchbench check``: run it, skip
it (nothing to run, or this machine cannot), or fail it before anything is
cloned or started, because its data has a problem in what runs.  Running
without a field the loader had to drop would measure something else: another
batch size, no patch, other variables.
"""

from __future__ import annotations

import functools
import os
import re
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from ...data.loader import BENCHMARK_FILE
from ...data.model import Benchmark, Implementation, VersionProbe
from ...data.yamlsource import DataError, load_yaml
from ..cache import cache_dir
from ..capture import capture_hardware
from ..capture.hardware import listed_gpu_count
from ..sources import source_of

__all__ = [
    "MAX_REPEAT",
    "EntryProblems",
    "Outcome",
    "Task",
    "blocking_problems",
    "cannot_run",
    "command_path",
    "entry_problems",
    "fate",
    "plan",
    "work_folder",
]

#: Most runs one result may take (a typo such as --repeat 300000 should not run for weeks).
MAX_REPEAT = 1000
#: Fields of an implementation that change what a run does; a problem elsewhere in its entry
#: (notes, logo, link) changes only the page.
RUN_FIELDS = ("id", "run", "source", "commands", "setup", "env", "patches")
#: Fields of the benchmark that change what every run measures or does.
MEASURED_FIELDS = ("measurement.window", "measurement.quantity", "measurement.batch", "setup")


@dataclass
class Outcome:
    """One implementation's fate, for the summary table."""

    benchmark: str
    implementation: str
    status: str  # recorded, skipped, failed, planned
    detail: str = ""
    #: Failed before anything started, because of its data (``refused`` in ``--json``).
    refused: bool = False


@dataclass
class Task:
    """An implementation to run here or to submit."""

    bench: Benchmark
    impl: Implementation
    repeat: int


@functools.cache
def gpu_count() -> int:
    """NVIDIA GPUs visible here; asked once per process, and only when an implementation needs GPUs.

    ``--list`` and ``--dry-run`` decide every implementation's fate, so this
    must be cheap: the driver's own list of GPUs is read (no child process);
    only where there is none and a driver may still answer (not Linux, or
    WSL's ``/dev/dxg``) is ``nvidia-smi`` asked.
    """
    listed = listed_gpu_count()
    if listed is not None:
        return listed
    if sys.platform.startswith("linux") and not os.path.exists("/dev/dxg"):
        return 0  # no NVIDIA kernel driver loaded: nvidia-smi would find no GPU either
    hardware, _ = capture_hardware()
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


def command_path(impl: Implementation, project: Path) -> str:
    """``PATH`` for the commands: the implementation's venv, or this interpreter's, first."""
    spec = impl.run
    assert spec is not None
    first = str((project / spec.venv / "bin").resolve()) if spec.venv else os.path.dirname(sys.executable)
    return os.pathsep.join([first, impl.env.get("PATH") or os.environ.get("PATH", os.defpath)])


def work_folder(bench: Benchmark) -> Path:
    """The benchmark's work folder: ``$BENCHBENCH_WORK/<benchmark>`` or under the cache, never in the docs."""
    base = os.environ.get("BENCHBENCH_WORK")
    return (Path(base) if base else cache_dir() / "work") / bench.id


def where(bench: Benchmark, impl: Implementation, project: Path) -> tuple[Path, str]:
    """The folder the commands run in (before any checkout), and how to say it."""
    spec = impl.run
    assert spec is not None
    if impl.source and impl.source.repository:
        return Path(spec.workdir or "."), "(in the checkout)"
    if bench.definition.setup:
        return work_folder(bench) / (spec.workdir or "."), "(the benchmark's work folder)"
    return project / (spec.workdir or "."), f"(under {project})"


def plan(bench: Benchmark, impl: Implementation, project: Path, repeat: int) -> list[str]:
    """Exactly what a run would do, for ``--dry-run``."""
    spec = impl.run
    assert spec is not None
    lines = []
    src = impl.source
    if bench.definition.setup:
        lines.append(f"work    {work_folder(bench)}")
        lines += [f"shared  {step.run}" for step in bench.definition.setup]
    if src and src.repository:
        lines.append(f"clone   {src.repository} (cache {cache_dir() / 'checkouts'})")
        lines.append(f"checkout {src.commit or src.ref}")
    for patch in impl.patches:
        lines.append(f"apply   git apply {patch.file}")
    folder, said = where(bench, impl, project)
    lines.append(f"in      {folder} {said}")
    lines.append(f"PATH    {command_path(impl, project).split(os.pathsep)[0]} first")
    for key, value in impl.env.items():
        lines.append(f"env     {key}={value}")
    shell = "  (shell)" if spec.shell else ""
    lines += [f"setup   {step.run}{shell}" for step in impl.setup]
    lines += [f"prepare {command}{shell}" for command in spec.prepare]
    lines += [f"run     {command}{shell}  x{repeat}" for command in impl.commands]
    lines += source_of(bench, impl).plan()
    return lines


@dataclass
class EntryProblems:
    """Data problems that change what runs, by implementation id (``*``: every implementation)."""

    blocking: dict[str, list[str]]
    #: Implementations with a ``run`` section whose whole entry was dropped, with why.
    dropped: dict[str, str]


def entry_problems(bench: Benchmark, problems: list[DataError]) -> EntryProblems:
    """Tie the loader's problems to implementations through their ``implementations[i]`` paths."""
    bench_file = os.path.join(bench.folder, BENCHMARK_FILE)
    try:
        raw = load_yaml(bench_file).get("implementations")
    except (DataError, AttributeError):
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
        matched = re.match(r"implementations\[(\d+)\](?:\.(\w+))?", problem.message)
        if matched and int(matched[1]) in owner:
            impl_id = owner[int(matched[1])]
            if impl_id not in loaded and "run" in entries[int(matched[1])]:
                found.dropped.setdefault(impl_id, str(problem))
            elif matched[2] in RUN_FIELDS:
                found.blocking.setdefault(impl_id, []).append(str(problem))
        elif problem.message.startswith(MEASURED_FIELDS):
            found.blocking.setdefault("*", []).append(str(problem))
    return found


def cannot_run(bench: Benchmark, impl: Implementation) -> list[DataError]:
    """What makes a run impossible, found before anything is cloned or started, at the entry's ``run:`` line."""
    spec = impl.run
    assert spec is not None
    where = bench.locate(spec) or bench.locate(impl)
    path, line = (where.path, where.line) if where else (os.path.join(bench.folder, BENCHMARK_FILE), None)
    found = list(source_of(bench, impl).problems())
    if spec.source is None and len(spec.given) > 1:
        found.append(f"{impl.id}: run gives settings of {' and '.join(spec.given)}: say which measures it "
                     "with run.source")
    if spec.repeat > MAX_REPEAT:
        found.append(f"{impl.id}: run.repeat {spec.repeat} is over {MAX_REPEAT}")
    if impl.patches and not (impl.source and impl.source.repository):
        found.append(f"{impl.id}: has patches but no source.repository to apply them to")
    for name, probe in spec.versions.items():
        command = probe.command if isinstance(probe, VersionProbe) else probe
        pattern = probe.pattern if isinstance(probe, VersionProbe) else None
        if pattern is not None:
            try:
                if "version" not in re.compile(pattern).groupindex:
                    found.append(f"{impl.id}: run.versions.{name}.pattern needs a named group 'version'")
            except re.error as exc:
                found.append(f"{impl.id}: run.versions.{name}.pattern is not a valid regular expression: {exc}")
        try:
            words = shlex.split(command)
        except ValueError as exc:
            words = []
            found.append(f"{impl.id}: run.versions.{name}: {command!r} cannot be split into arguments: {exc}")
        if not words and command.strip():
            continue
        if not words:
            found.append(f"{impl.id}: run.versions.{name} has no command")
    return [DataError(path, line, message) for message in found]


def blocking(bench: Benchmark, impl: Implementation, problems: EntryProblems) -> list[str]:
    """Why ``impl`` must not run with this data (empty when it may)."""
    return (problems.blocking.get(impl.id, []) + problems.blocking.get("*", [])
            + [str(problem) for problem in cannot_run(bench, impl)])


def blocking_problems(bench: Benchmark, impl: Implementation, problems: list[DataError]) -> list[str]:
    """:func:`blocking` from the loader's problems: what a Slurm job checks on its node."""
    return blocking(bench, impl, entry_problems(bench, problems))


def fate(bench: Benchmark, impl: Implementation, project: Path, problems: EntryProblems,
         here: bool = True) -> tuple[str, str]:
    """What ``run`` does with ``impl``, and why: ``run``, ``skipped`` (nothing to run), ``unmet``
    (this machine cannot run it) or ``failed`` (its data must not run)."""
    if impl.run is None or not impl.commands:
        # A run section dropped as invalid, or whose commands all were, is broken, not absent.
        broken = problems.blocking.get(impl.id)
        return ("failed", broken[0]) if broken else ("skipped", "no run specification in the data")
    reason = unmet(impl, command_path(impl, project)) if here else None
    if reason:
        return "unmet", reason
    found = blocking(bench, impl, problems)
    return ("failed", found[0]) if found else ("run", "")
