"""``python -m runners.run``: run implementations, measure them, record the results.

Usage::

    python -m runners.run all                    # everything runnable here
    python -m runners.run BENCHMARK [IMPL ...]   # one benchmark, some implementations
    python -m runners.run --list
    python -m runners.run all --dry-run          # what would be cloned, patched and run
    python -m runners.run collect                # record Slurm jobs that finished meanwhile

Exit status: 0 when everything runnable succeeded (skipped implementations do
not count), 1 when something failed or the data is invalid, 2 for a usage
error, 130 when interrupted (:mod:`sphinx_benchbench.exits`).  Nothing is
written to the data folder unless a run succeeded.  ``--json`` prints one JSON
object on stdout saying what was run, recorded, skipped, refused or failed;
everything else (progress, the summary, the plan) then goes to stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import math
import sys
from pathlib import Path

from ...data.loader import BENCHMARK_FILE, list_benchmarks, load_benchmark
from ...exits import USAGE, standard_options
from ..commands.orphans import adopt_orphans, end_orphans
from ..commands.signals import deferred
from ..engine.plan import MAX_REPEAT, Outcome, Task, entry_problems, fate, plan
from ..executors import slurm
from ..executors.cluster import collect_finished, run_on_slurm
from ..executors.local import run_here
from .listing import list_here
from .report import Report
from .stopping import answering
from .summary import EXIT_FAILED, finish

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m runners.run", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("target", nargs="?", help="'all', a benchmark name, or 'collect' (finished Slurm jobs)")
    parser.add_argument("implementations", nargs="*", help="implementation ids (default: all of the benchmark)")
    parser.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: ./data)")
    parser.add_argument("--list", action="store_true", help="list benchmarks and implementations, then exit")
    parser.add_argument("--dry-run", action="store_true", help="print what would be cloned, patched and run")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object on stdout (what was run, recorded, refused, failed); the rest "
                             "goes to stderr")
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
    standard_options(parser, "run")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run the command; an interrupt at any point ends it with 130 (:mod:`.stopping`).

    The runner adopts what its commands' processes orphan (:mod:`..commands.orphans`): anything a
    command left behind by killing its keeper is stopped after that command, and again here at the end.
    """
    return answering(functools.partial(_run_adopting, argv), settle=argv is None)


def _run_adopting(argv: list[str] | None) -> int:
    """The command, as a child subreaper that ends what its commands orphaned."""
    adopt_orphans()
    try:
        return _main(argv)
    finally:
        with deferred():  # a signal now must not cut the last clean-up short
            end_orphans()


def _main(argv: list[str] | None) -> int:
    """Parse and check the command line, then run it; with ``--json``, everything printed goes to stderr
    and one JSON object (:class:`.report.Report`) to stdout, however the run ends."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not args.json:
        return _checked(parser, args, Report())
    report = Report()
    stdout = sys.stdout
    try:
        with contextlib.redirect_stdout(sys.stderr):
            report.status = _checked(parser, args, report)
    finally:  # an interrupt on its way out still says what was recorded
        print(report.to_json(args), file=stdout, flush=True)
    return report.status


def _checked(parser: argparse.ArgumentParser, args: argparse.Namespace, report: Report) -> int:
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
        return report.error(f"data folder {data} " + ("is not a folder" if data.exists() else "not found"), USAGE)
    if not list_benchmarks(str(data)):
        return report.error(f"no benchmarks in {data} (each is a folder with a {BENCHMARK_FILE})", EXIT_FAILED)
    if args.list:
        return list_here(data, project, report.listed)
    outcomes = report.outcomes
    if args.target == "collect":
        collect_finished(data, outcomes)
        return finish(outcomes)
    tasks: list[Task] = []
    names = list_benchmarks(str(data)) if args.target == "all" else [args.target]
    for name in names:
        skipped, runnable = _tasks(name, args.implementations if args.target != "all" else [], data, project, args,
                                   report)
        outcomes += skipped
        tasks += runnable
    if args.dry_run:
        for task in tasks:
            lines = plan(task.bench, task.impl, project, task.repeat)
            report.plans[f"{task.bench.id}/{task.impl.id}"] = lines
            print(f"{task.bench.id}/{task.impl.id}:")
            print("\n".join(f"  {line}" for line in lines))
            outcomes.append(Outcome(task.bench.id, task.impl.id, "planned"))
        return finish(outcomes)
    if args.executor == "slurm":
        try:
            # KEY=VALUE, or KEY= / KEY for a flag without a value (e.g. exclusive)
            sbatch = {key: value or True for key, _, value in (item.partition("=") for item in args.sbatch)}
            options = slurm.load_options(args.cluster_config, {
                "partition": args.partition, "account": args.account, "qos": args.qos,
                "constraint": args.constraint, "cpus": args.cpus, "mem_gb": args.mem_gb, "sbatch": sbatch})
        except (OSError, ValueError, TypeError) as exc:
            return report.error(str(exc), USAGE)
        completed = run_on_slurm(tasks, data, options, args.timeout, args.retry, outcomes)
    else:
        completed = run_here(tasks, data, project, args.timeout, outcomes)
    return finish(outcomes, interrupted=not completed)


def _tasks(name: str, wanted: list[str], data: Path, project: Path, args: argparse.Namespace,
           report: Report) -> tuple[list[Outcome], list[Task]]:
    """What to run of one benchmark, and the outcomes of what will not run (skips, bad data)."""
    bench, problems = load_benchmark(data, name)
    for problem in problems:  # what they concern was left out; the rest can still run
        print(f"warning: {problem}", file=sys.stderr)
        report.warnings.append(str(problem))
    if bench is None:
        return [Outcome(name, "-", "failed", "benchmark could not be loaded", refused=True)], []
    impls = bench.definition.implementations
    if wanted:
        unknown = [w for w in wanted if bench.implementation(w) is None]
        if unknown:
            return [Outcome(name, u, "failed", "unknown implementation") for u in unknown], []
        impls = [i for i in impls if i.id in wanted]
    outcomes, tasks = [], []
    found = entry_problems(bench, problems)
    for impl_id, why in found.dropped.items():
        if not wanted:
            print(f"FAILED {name}/{impl_id}: {why}", file=sys.stderr)
            outcomes.append(Outcome(name, impl_id, "failed", why, refused=True))
    for impl in impls:
        # On a cluster the compute node, not this machine, has to meet the requirements.
        status, why = fate(bench, impl, project, found, here=args.executor != "slurm")
        if status == "run":
            assert impl.run is not None
            tasks.append(Task(bench, impl, args.repeat or impl.run.repeat))
            continue
        if status == "unmet":
            print(f"skip {name}/{impl.id}: {why}", file=sys.stderr)
            if args.dry_run and impl.run is not None:  # what it would do elsewhere is still worth reading
                lines = plan(bench, impl, project, args.repeat or impl.run.repeat)
                report.plans[f"{name}/{impl.id}"] = lines
                print(f"{name}/{impl.id} (skipped here):")
                print("\n".join(f"  {line}" for line in lines))
        elif status == "failed":
            print(f"FAILED {name}/{impl.id}: {why}", file=sys.stderr)
        outcomes.append(Outcome(name, impl.id, "skipped" if status == "unmet" else status, why,
                                refused=status == "failed"))
    return outcomes, tasks


if __name__ == "__main__":
    sys.exit(main())
