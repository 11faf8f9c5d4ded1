"""The interface every metric source implements, and what they share: running the commands once."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, ClassVar

from ...data.model import Benchmark, Implementation, RunSpec
from ..commands.execute import RunOutcome, run_commands
from ..commands.progress import Progress

__all__ = ["Context", "Failure", "Run", "Source", "inside_folder", "time_value"]


class Failure(Exception):
    """A run failed or could not be measured; ``tail`` holds the end of its output.

    Picklable as itself (its arguments are its state): a Slurm job raises it on the
    compute node and the submitting side receives this exception, not a message to parse.
    """

    def __init__(self, reason: str, tail: list[str] | None = None) -> None:
        super().__init__(reason, list(tail or []))
        self.reason = reason
        self.tail: list[str] = self.args[1]

    def __str__(self) -> str:
        return self.reason


@dataclass
class Context:
    """Where and how an implementation's commands run, for one measurement."""

    bench: Benchmark
    impl: Implementation
    env: dict[str, str]
    cwd: Path
    timeout: float
    log: IO[str]
    progress: Progress
    #: Items per iteration (or per run), for throughputs.
    items: int | None

    @property
    def spec(self) -> RunSpec:
        assert self.impl.run is not None
        return self.impl.run

    def execute(self, commands: list[str], *, what: str, shell: bool | None = None,
                **options: object) -> RunOutcome:
        """Run ``commands`` once, as the implementation asks (shell or not); a failure raises."""
        outcome = run_commands(commands, env=self.env, cwd=str(self.cwd),
                               shell=self.spec.shell if shell is None else shell,
                               timeout=self.timeout, log=self.log, **options)  # type: ignore[arg-type]
        if not outcome.ok:
            raise Failure(f"{what}: {outcome.reason}" if what else outcome.reason, list(outcome.tail))
        return outcome

    def prepare(self) -> None:
        """The implementation's ``run.prepare`` commands, before a run and outside its timing."""
        if self.spec.prepare:
            self.execute(list(self.spec.prepare), what="prepare failed", parser=None)


@dataclass
class Run:
    """One run's value and how it was found."""

    #: In the metric's unit.
    value: float
    #: The time the value was computed from: the window's, or the commands' (``None``: printed values).
    seconds: float | None
    #: What was measured, in words.
    semantics: str
    warnings: list[str] = field(default_factory=list)
    #: Seconds per iteration of the window (the ``log`` source), for the record.
    seconds_per_iteration: float | None = None
    #: The implementation's own printed timing of the window per iteration, and of the whole window.
    own_seconds_per_iteration: float | None = None
    own_window_seconds: float | None = None


class Source:
    """A way of measuring an implementation."""

    name: ClassVar[str]
    #: One line for ``--help`` and the docs.
    summary: ClassVar[str]

    def __init__(self, bench: Benchmark, impl: Implementation) -> None:
        assert impl.run is not None
        self.bench = bench
        self.impl = impl
        self.spec = impl.run

    def problems(self) -> list[str]:
        """What makes a run impossible, found before anything is cloned or started."""
        return []

    def items(self) -> int | None:
        """Items per iteration (per run of the commands, for ``wall``): for a throughput."""
        batch = self.bench.definition.measurement.batch
        return self.spec.items_per_iteration or (batch.total if batch else None)

    def plan(self) -> list[str]:
        """What a run would measure, for ``--dry-run``."""
        raise NotImplementedError

    def measure(self, ctx: Context, repeat: int) -> list[Run]:
        """Measure ``repeat`` runs (at least); one :class:`Run` each."""
        raise NotImplementedError

    #: Warm-up runs made and not counted (the ``wall`` source).
    warmup: int = 0


def time_value(seconds_per_iteration: float, quantity: str, items: int | None) -> float:
    """The metric's value for a time: as measured, in milliseconds, or items per second
    (``measurement.quantity``; an iteration is one run of the commands for the ``wall`` source)."""
    if quantity == "items-per-second":
        return (items or 1) / seconds_per_iteration
    if quantity == "seconds-per-iteration":
        return seconds_per_iteration
    if quantity == "milliseconds-per-iteration":
        return seconds_per_iteration * 1000
    raise ValueError(f"unknown quantity {quantity!r}")


def inside_folder(folder: Path, name: str) -> Path | None:
    """``name`` relative to ``folder``, or ``None`` when it leads out of it."""
    path = (folder / name).resolve()
    root = folder.resolve()
    return path if os.path.commonpath([path, root]) == str(root) else None
