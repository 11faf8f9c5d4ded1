"""Runner overhead: a fake trainer's wall time under the runner versus run directly.

The goal (issue "Runners"): running under the runner, which reads every line
through a pipe, stamps it and parses it, slows the trainer by less than 2 %.
The fake trainer here is CPU-bound and chatty on purpose (it spins rather than
sleeps, and prints a detectron2 line every iteration): 100 lines a second by
default, where real trainers print one line every few seconds.  ``--iterations
2000 --work 0.001`` (1000 lines a second) shows the extreme, where the pipe
itself, not the runner, costs a few percent against ``/dev/null``.  Both ways are run alternately
in one process, so noise hits both alike:

* ``direct``: ``subprocess.run`` with the output to ``/dev/null`` (the limit applies here);
* ``piped``: output through a pipe to ``cat``, as ``trainer | tee log`` would;
* ``runner``: :func:`sphinx_benchbench.runners.commands.execute.run_commands` with the detectron2 parser
  and a log file, exactly as ``python -m runners.run`` executes commands.

Usage: ``python benchmarks/runner_overhead.py [--repeat N] [--check]``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from sphinx_benchbench.runners.commands.execute import run_commands  # noqa: E402
from sphinx_benchbench.runners.logformats import make_parser  # noqa: E402

LIMIT = 1.02

TRAINER = r"""
import sys, time
n, work = int(sys.argv[1]), float(sys.argv[2])
for i in range(n):
    end = time.perf_counter() + work
    while time.perf_counter() < end:
        pass
    print(f"[03/15 07:48:04 d2.utils.events]:  eta: 0:01:23  iter: {i}  total_loss: 1.475  "
          f"time: {work:.4f}  data_time: 0.0012  lr: 0.0002  max_mem: 1234M", flush=True)
"""


def direct(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - start


def piped(argv: list[str]) -> float:
    """Run directly with the output captured by ``cat``, as ``trainer | tee log`` would."""
    start = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    subprocess.run(["cat"], stdin=child.stdout, stdout=subprocess.DEVNULL, check=True)
    child.wait()
    return time.perf_counter() - start


def under_runner(argv: list[str], log_dir: str) -> float:
    command = " ".join(argv)
    with tempfile.NamedTemporaryFile("w", dir=log_dir, suffix=".log") as log:
        start = time.perf_counter()
        outcome = run_commands([command], env=dict(os.environ), cwd=str(REPO), shell=False, timeout=600,
                               parser=make_parser("detectron2"), log=log)
        seconds = time.perf_counter() - start
    if not outcome.ok:
        raise SystemExit(f"runner failed: {outcome.reason}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--iterations", type=int, default=300, help="lines printed (one per iteration)")
    parser.add_argument("--work", type=float, default=0.01, help="seconds of CPU work per iteration")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if the ratio exceeds {LIMIT}")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "trainer.py"
        script.write_text(TRAINER, encoding="utf-8")
        cmd = [sys.executable, str(script), str(args.iterations), str(args.work)]
        samples = []
        direct(cmd)  # warm the caches
        for _ in range(args.repeat):
            samples.append(("direct", direct(cmd)))
            samples.append(("piped", piped(cmd)))
            samples.append(("runner", under_runner(cmd, tmp)))
    frame = pd.DataFrame(samples, columns=["how", "seconds"])
    stats = frame.groupby("how")["seconds"].agg(["median", "min", "max", "count"])
    print(stats.round(4).to_string())
    ratio = stats.loc["runner", "median"] / stats.loc["direct", "median"]
    piped_ratio = stats.loc["runner", "median"] / stats.loc["piped", "median"]
    print(f"\n{args.iterations} lines, {args.work * 1000:.1f} ms of work each:")
    print(f"runner / direct to /dev/null = {ratio:.4f} (limit {LIMIT:.2f}) {'ok' if ratio <= LIMIT else 'OVER'}")
    print(f"runner / direct piped to cat = {piped_ratio:.4f}")
    return 1 if args.check and ratio > LIMIT else 0


if __name__ == "__main__":
    sys.exit(main())
