"""Run the tasks here, one after the other, recording each result as it is measured.

An interrupt (Ctrl-C, SIGTERM, SIGHUP) stops the running command and
everything it started; the message then says truthfully whether the
implementation being measured was recorded: a signal that arrives while a
result is being published is held back until it is complete.
"""

from __future__ import annotations

import sys
from pathlib import Path

from ..commands.progress import Progress, plain_output, without_escapes
from ..commands.signals import Interrupted, interruptible
from ..engine.orchestrate import SharedSetup, measure_one
from ..engine.plan import Outcome, Task
from ..engine.results import record_measured
from ..sources import Failure

__all__ = ["run_here"]


def run_here(tasks: list[Task], data: Path, project: Path, timeout: float | None,
             outcomes: list[Outcome]) -> bool:
    """Measure and record ``tasks``, appending one outcome each to ``outcomes``; ``False`` when interrupted."""
    progress = Progress(sys.stderr)
    shared = SharedSetup()
    published: dict[str, Path] = {}
    current: Task | None = None
    try:
        with interruptible():
            for current in tasks:
                outcomes.append(_one(current, data, project, timeout, progress, shared, published))
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
        return False
    return True


def _one(task: Task, data: Path, project: Path, timeout: float | None, progress: Progress,
         shared: SharedSetup, published: dict[str, Path]) -> Outcome:
    name, impl = task.bench.id, task.impl

    def note(path: Path) -> None:
        published[f"{name}/{impl.id}"] = path

    try:
        measured = measure_one(task.bench, impl, project, task.repeat, timeout, progress, shared)
        summary = record_measured(task.bench, impl, data, measured, note)
    except Failure as failure:
        progress.stop()
        report_failure(name, impl.id, failure)
        return Outcome(name, impl.id, "failed", str(failure))
    return Outcome(name, impl.id, "recorded", summary)


def report_failure(benchmark: str, implementation: str, failure: Failure) -> None:
    """``FAILED bench/impl: reason`` and the end of its output, on stderr."""
    plain = plain_output()
    print(f"FAILED {benchmark}/{implementation}: {failure}", file=sys.stderr)
    for line in failure.tail:
        print(f"  | {without_escapes(line) if plain else line}", file=sys.stderr)
