"""The ``wall`` source: the wall time of the commands, as hyperfine measures it.

Each run executes the implementation's commands in order; its time is the sum
of each command's own wall time, from its start to its exit, taken by the
command's keeper (:mod:`..commands.supervise`), so neither the runner's nor the
keeper's start-up is in it.  ``run.prepare`` runs before each run, outside
its timing; ``run.wall.warmup`` runs come first and are not counted; then
runs are added until there are ``min_runs`` of them (or ``run.repeat``,
whichever is more) and they took ``min_time`` seconds together, up to
``max_runs``.  hyperfine's defaults are the same: 10 runs and 3 seconds.  The
first timed run is flagged when it took twice the others' median (a missing
warm-up, hyperfine warns likewise); outliers and the spread are judged with
every result (:mod:`...analysis.statistics`).
"""

from __future__ import annotations

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

    def measure(self, ctx: Context, repeat: int) -> list[Run]:
        w = self.wall
        self.warmup = w.warmup
        if w.warmup:
            ctx.progress.series(self.impl.id, f"{w.warmup} warm-up run(s), not timed")
        for n in range(1, w.warmup + 1):
            ctx.log.write(f"=== warm-up {n}/{w.warmup} ===\n")
            ctx.prepare()
            ctx.execute(list(self.impl.commands), what=f"warm-up run {n}", parser=None)
        times: list[float] = []
        wanted = max(w.min_runs, repeat)
        ctx.progress.series(self.impl.id, f"timed runs: at least {wanted} and {w.min_time:g} s of them")
        try:
            while len(times) < w.max_runs and (len(times) < wanted or sum(times) < w.min_time):
                ctx.log.write(f"=== run {len(times) + 1} ===\n")
                ctx.prepare()
                outcome = ctx.execute(list(self.impl.commands), what=f"run {len(times) + 1}", parser=None)
                times.append(sum(outcome.command_seconds))
                ctx.progress.status(f"{len(times)} runs, {sum(times):.1f} s")
        finally:
            ctx.progress.stop()
        quantity = self.bench.definition.measurement.quantity
        semantics = (f"wall time of the {len(self.impl.commands)} command(s) from start to exit, "
                     f"{len(times)} timed runs after {w.warmup} warm-up run(s)"
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
