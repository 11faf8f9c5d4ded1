"""The ``wall`` source against hyperfine, on the same commands, side by side.

The goal (issue "Any benchmark can be measured"): a whole-command benchmark
measured by the runner agrees with hyperfine within 2 % (median of runs).
Each round measures every command twice, alternately: once with
``python -m runners.run`` (the ``wall`` source, as a user runs it, its samples
read back from the recorded result) and once with ``hyperfine -N --output=pipe`` (no
intermediate shell, as the runner runs commands without one; the output into a
pipe, as the runner reads it), both with one warm-up run and the same number
of timed runs.  The ratio of the two medians
is taken per round; the report gives the median ratio over the rounds and its
range, since this machine is noisy.

The commands span what people time: a compressor on a 4 MB file (about 40 ms
to 0.5 s), a fixed sleep, and an interpreter start-up (about 15 ms, where any
difference in how a command is started would show most).

Usage: ``python benchmarks/wall_vs_hyperfine.py [--rounds N] [--runs N] [--only NAME] [--check]``.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
LIMIT = 0.02

COMMANDS = {
    "gzip": "gzip -6 -k -f input.txt",
    "xz": "xz -1 -k -f input.txt",
    "sleep": "sleep 0.1",
    "python": f"{shlex.quote(sys.executable)} -S -c pass",
}


def make_input(folder: Path) -> None:
    """4 MB of deterministic text with some redundancy, as a log or a source tree has."""
    rng = random.Random(7)
    words = ["".join(rng.choice("etaoinshrdlu") for _ in range(rng.randint(2, 9))) for _ in range(2000)]
    lines, size = [], 0
    while size < 4 << 20:
        line = " ".join(rng.choice(words) for _ in range(12))
        lines.append(line)
        size += len(line) + 1
    (folder / "input.txt").write_text("\n".join(lines) + "\n", encoding="ascii")


def runner(work: Path, name: str, command: str, runs: int) -> float:
    """The runner's median, from the result it recorded."""
    project = work / f"project-{name}"
    shutil.rmtree(project, ignore_errors=True)
    (project / "data/wall").mkdir(parents=True)
    (project / "data/wall/benchmark.yaml").write_text(yaml.safe_dump({
        "title": "wall", "metric": {"label": "Time", "unit": "s", "direction": "lower"},
        "measurement": {"description": "wall time", "quantity": "seconds-per-iteration"},
        "implementations": [{"id": name, "name": name, "commands": [command],
                             "run": {"wall": {"warmup": 1, "min_runs": runs, "min_time": 0, "max_runs": runs},
                                     "workdir": str(work.resolve())}}],
    }), encoding="utf-8")
    subprocess.run([sys.executable, "-m", "runners.run", "wall", "--data", str(project / "data")], cwd=REPO,
                   check=True, capture_output=True, env={**os.environ, "BENCHBENCH_CACHE": str(work / "cache")})
    (result,) = yaml.safe_load(next((project / "data/wall/results").glob("*.yaml")).read_text())["results"]
    return statistics.median(result["samples"])


def hyperfine(work: Path, name: str, command: str, runs: int) -> float:
    out = work / "hyperfine.json"
    # --output=pipe: the runner reads each command's output (its log), and a command writing into a pipe
    # is slower than one writing to /dev/null, hyperfine's default (an interpreter start-up by about 5 %
    # on this project's VM, measured with hyperfine alone): the same conditions for both.
    subprocess.run(["hyperfine", "-N", "--output=pipe", "--warmup", "1", "--runs", str(runs), "--export-json",
                    str(out), command],
                   cwd=work, check=True, capture_output=True)
    return float(json.loads(out.read_text())["results"][0]["median"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--runs", type=int, default=10, help="timed runs per measurement")
    parser.add_argument("--only", action="append", choices=list(COMMANDS), help="measure only this command "
                        "(repeatable)")
    parser.add_argument("--check", action="store_true",
                        help=f"exit 1 unless every median ratio is within {LIMIT * 100:.0f}%%")
    args = parser.parse_args()
    if not shutil.which("hyperfine"):
        print("hyperfine not found (Debian: apt install hyperfine)", file=sys.stderr)
        return 2
    version = subprocess.run(["hyperfine", "--version"], capture_output=True, text=True).stdout.strip()
    print(f"{version}; {args.rounds} rounds of {args.runs} runs each way, alternating; ratio = runner / hyperfine")
    failed = False
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        make_input(work)
        for name, command in COMMANDS.items():
            if args.only and name not in args.only:
                continue
            if not shutil.which(shlex.split(command)[0]):
                print(f"{name:<8} skipped: {shlex.split(command)[0]} not found")
                continue
            ratios, ours, theirs = [], [], []
            for n in range(args.rounds):
                order = (runner, hyperfine) if n % 2 == 0 else (hyperfine, runner)
                found = {way: way(work, name, command, args.runs) for way in order}
                ours.append(found[runner])
                theirs.append(found[hyperfine])
                ratios.append(found[runner] / found[hyperfine])
            ratio = statistics.median(ratios)
            ok = abs(ratio - 1) <= LIMIT
            failed |= not ok
            print(f"{name:<8} runner {statistics.median(ours) * 1000:9.2f} ms  hyperfine "
                  f"{statistics.median(theirs) * 1000:9.2f} ms  ratio {ratio:.4f} "
                  f"(range {min(ratios):.4f}-{max(ratios):.4f})  {'ok' if ok else 'OVER'}")
    return 1 if args.check and failed else 0


if __name__ == "__main__":
    sys.exit(main())
