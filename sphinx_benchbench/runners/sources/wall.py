"""The ``wall`` source: the wall time of the commands, as hyperfine measures it.

Each run executes the implementation's commands in order; its time is the sum
of each command's own wall time, from its start to its exit, taken by the
command's keeper (:mod:`..commands.supervise`), so neither the runner's nor the
keeper's start-up is in it.  ``run.prepare`` runs before each run, outside
its timing; ``run.wall.warmup`` runs come first and are not counted; then
runs are added until there are ``min_runs`` of them (or ``run.repeat``,
whichever is more) and they took ``min_time`` seconds together, up to
``max_runs``.  hyperfine's defaults are the same: 10 runs and 3 seconds.  One command
with nothing to prepare runs back to back under one keeper, warm-up runs
first (:mod:`..commands.supervise`), as hyperfine runs it: a command that
follows itself finds the machine warm, one that follows the runner's
bookkeeping a little less, which shows in commands of a few milliseconds.
The first timed run is flagged when it took twice the others' median (a missing
warm-up, hyperfine warns likewise); outliers and the spread are judged with
every result (:mod:`...analysis.statistics`).
"""

from __future__ import annotations

import math
import statistics

from ...data.model import WallSpec
from .base import Context, Run, Source, time_value

__all__ = ["WallSource"]


class WallSource(Source):
    name = "wall"
    summary = "the wall time of the commands, with warm-up runs and a minimum of runs and of time (hyperfine's way)"

    @property
    def wall(self) -> WallSpec:
        return self.spec.wall or WallSpec()

    def problems(self) -> list[str]:
        if not self.impl.commands:
            return [f"{self.impl.id}: the wall source times the commands, and there are none"]
        if self.bench.definition.measurement.quantity == "items-per-second" and not self.items():
            return [f"{self.impl.id}: a throughput needs run.items_per_iteration (items per run) or "
                    "measurement.batch.total"]
        return []

    def plan(self) -> list[str]:
        w = self.wall
        return [f"measure wall time of the commands: {w.warmup} warm-up run(s), then at least {w.min_runs} runs "
                f"and {w.min_time:g} s of them (at most {w.max_runs}); timeout {self.spec.timeout:g} s a run"]

    def back_to_back(self) -> bool:
        """Whether the runs go back to back under one keeper, as hyperfine runs them: one command, nothing
        to prepare between runs."""
        return len(self.impl.commands) == 1 and not self.spec.prepare

    def measure(self, ctx: Context, repeat: int) -> list[Run]:
        w = self.wall
        self.warmup = w.warmup
        wanted = max(w.min_runs, repeat)
        ctx.progress.series(self.impl.id, f"{w.warmup} warm-up run(s), then at least {wanted} timed runs and "
                                          f"{w.min_time:g} s of them")
        try:
            times = self._series(ctx, wanted) if self.back_to_back() else self._one_by_one(ctx, wanted)
        finally:
            ctx.progress.stop()
        quantity = self.bench.definition.measurement.quantity
        semantics = (f"wall time of the {len(self.impl.commands)} command(s) from start to exit, "
                     f"{len(times)} timed runs after {w.warmup} warm-up run(s)"
                     + (", back to back" if self.back_to_back() else "")
                     + (", each after run.prepare (not timed)" if self.spec.prepare else ""))
        warnings = []
        if len(times) > 2 and times[0] > 2 * statistics.median(times[1:]):
            warnings.append(f"the first timed run took {times[0]:.4g} s, more than twice the others' median "
                            f"({statistics.median(times[1:]):.4g} s): add warm-up runs (run.wall.warmup)")
        if sum(times) < w.min_time:
            warnings.append(f"only {sum(times):.3g} s of timed runs (max_runs {w.max_runs} reached before "
                            f"min_time {w.min_time:g} s)")
        runs = [Run(time_value(t, quantity, ctx.items), t, semantics, seconds_per_iteration=t) for t in times]
        runs[0].warnings = warnings
        ctx.progress.measured(f"{len(times)} runs, median {statistics.median(times):.6f} s")
        return runs

    def _series(self, ctx: Context, wanted: int) -> list[float]:
        """Runs back to back, the warm-up ones first, under one keeper; more series (each after its own
        warm-up) while the minimum time is not reached."""
        w = self.wall
        times: list[float] = []
        while len(times) < w.max_runs and (len(times) < wanted or sum(times) < w.min_time):
            more = wanted - len(times)
            if times and sum(times) < w.min_time:  # as many as the time so far says are still needed
                more = max(more, math.ceil((w.min_time - sum(times)) / statistics.mean(times)))
            more = min(max(more, 1), w.max_runs - len(times))
            ctx.log.write(f"=== runs {len(times) + 1}-{len(times) + more}, back to back after {w.warmup} "
                          "warm-up run(s) ===\n")
            done = list(times)

            def progress(n: int, seconds: float, done: list[float] = done) -> None:
                if n > w.warmup:
                    done.append(seconds)
                    ctx.progress.status(f"{len(done)} runs, {sum(done):.1f} s")

            outcome = ctx.execute(list(self.impl.commands), what=f"{w.warmup} warm-up and {more} timed runs back to "
                                  "back", parser=None, runs=w.warmup + more, on_run=progress)
            timed = outcome.command_seconds[w.warmup:]
            ctx.log.write("".join(f"run {len(times) + n}: {t:.6f} s\n" for n, t in enumerate(timed, 1)))
            times += timed
        return times

    def _one_by_one(self, ctx: Context, wanted: int) -> list[float]:
        """Each run under its keeper, after ``run.prepare`` (several commands, or something to prepare)."""
        w = self.wall
        for n in range(1, w.warmup + 1):
            ctx.log.write(f"=== warm-up {n}/{w.warmup} ===\n")
            ctx.prepare()
            ctx.execute(list(self.impl.commands), what=f"warm-up run {n}", parser=None)
        times: list[float] = []
        while len(times) < w.max_runs and (len(times) < wanted or sum(times) < w.min_time):
            ctx.log.write(f"=== run {len(times) + 1} ===\n")
            ctx.prepare()
            outcome = ctx.execute(list(self.impl.commands), what=f"run {len(times) + 1}", parser=None)
            times.append(sum(outcome.command_seconds))
            ctx.progress.status(f"{len(times)} runs, {sum(times):.1f} s")
        return times
