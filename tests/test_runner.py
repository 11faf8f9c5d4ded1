"""The runner end to end, as real child processes: fake trainers with known speed.

Each test builds a throw-away project with a ``data/`` folder whose
implementations run ``tests/fake_trainer.py``, runs ``python -m runners.run``
as a child process, and checks what it measured, what it recorded and what
it left alone.  Failure paths must leave ``data/`` byte-identical.
"""

from __future__ import annotations

import gzip
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sphinx_benchbench.analysis.ranking import rank
from sphinx_benchbench.data.loader import load_benchmark
from sphinx_benchbench.runners.engine.orchestrate import Measured, measure_named
from sphinx_benchbench.runners.sources import Failure

from .conftest import REPO, TESTS, git, snapshot

SECONDS = 0.02  # true time of one fake iteration
ITEMS = 2  # items per iteration -> 100 items/s

BENCHMARK = """\
title: Fake training
metric: {{label: Throughput, unit: items/s, direction: higher, decimals: 1}}
measurement:
  description: Items per second over iterations 10-60.
  window: {{start: 10, end: 60}}
  batch: {{total: {items}}}
implementations:
{impls}
"""

IMPL = """\
  - id: {id}
    name: {id}
    commands: ["python fake_trainer.py {args}"]
    run:
      log: {{format: {fmt}{options}{own_window}}}
      timeout: {timeout}
"""
OWN_WINDOW = r", own_window: 'Window \d+-\d+: \d+ iterations in (?P<seconds>[0-9.]+) s'"


def make_project(tmp_path: Path, impls: dict[str, tuple[str, str]], timeout: float = 60,
                 options: str = "", own_window: bool = False) -> Path:
    """A project folder with ``data/fake`` whose implementations run the fake trainer."""
    project = tmp_path / "project"
    (project / "data/fake").mkdir(parents=True)
    shutil.copy(TESTS / "fake_trainer.py", project)
    text = "".join(
        IMPL.format(id=impl_id, fmt=fmt, args=args, timeout=timeout,
                    options=f", options: {options}" if options else "", own_window=OWN_WINDOW if own_window else "")
        for impl_id, (fmt, args) in impls.items()
    )
    (project / "data/fake/benchmark.yaml").write_text(BENCHMARK.format(items=ITEMS, impls=text), encoding="utf-8")
    return project


def runner(project: Path, *args: str, timeout: float = 120,
           env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m runners.run ARGS --data PROJECT/data`` with the project's own cache, plus ``env``."""
    return subprocess.run(
        [sys.executable, "-m", "runners.run", *args, "--data", str(project / "data")],
        capture_output=True, text=True, timeout=timeout, cwd=REPO, check=False,
        env={**os.environ, "BENCHBENCH_CACHE": str(project / ".cache"), **(env or {})},
    )


OPTIONS = {
    "generic": "{pattern: '^iteration (?P<iteration>\\d+)/\\d+ time: (?P<seconds>[0-9.]+)$'}",
    "simpledet": "{iters_per_epoch: 25, batch_size: 2}",
    "keras": "{steps_per_epoch: 25}",
    "tensorpack": "{steps_per_epoch: 25}",
}


#: The runs of the test below whose printed timings can time the window, so the runner cross-checks its clock.
CROSS_CHECKED = {("detectron2", 20), ("maskrcnn-benchmark", 20), ("torchvision", 10), ("detectron", 20),
                 ("simpledet", 4)}


@pytest.mark.parametrize(("fmt", "every"), [
    ("generic", 1), ("detectron2", 20), ("maskrcnn-benchmark", 20), ("mmdetection", 10),
    ("torchvision", 10), ("detectron", 20), ("generic", 7), ("keras", 1), ("tensorpack", 1), ("simpledet", 4),
])
def test_measured_throughput_matches_the_truth(tmp_path: Path, fmt: str, every: int) -> None:
    """Every log format, epochs of 25 iterations, the window 10-60 across them, noise mixed in."""
    args = f"--format {fmt} --iterations 70 --seconds {SECONDS} --every {every} --per-epoch 25 --noise"
    project = make_project(tmp_path, {"fake": (fmt, args)}, options=OPTIONS.get(fmt, ""))
    done = runner(project, "fake", "--repeat", "2")
    assert done.returncode == 0, done.stderr
    bench, problems = load_benchmark(project / "data", "fake")
    assert problems == []
    (result,) = bench.results
    truth = ITEMS / SECONDS
    for value in result.samples:
        assert abs(value / truth - 1) < 0.01, f"{fmt}: measured {value}, truth {truth}"
    assert result.run.window.start == 10 and result.run.window.end == 60
    assert len(result.run.seconds_per_iteration) == 2
    # Where the lines' own timing covers the window, read with its meaning it agrees with the truth in each
    # run; where it cannot (a generic pattern without seconds, keras' whole-second ETA...), the record says why.
    owns = result.run.own_seconds_per_iteration
    if (fmt, every) in CROSS_CHECKED:
        assert len(owns) == 2 and None not in owns, (fmt, result.run.semantics)
        for own in owns:
            assert abs(own / SECONDS - 1) < 0.01, f"{fmt}: printed timing {own}, truth {SECONDS}"
        assert "cross-checked against iterations 10-60 from the printed timings" in result.run.semantics
    else:
        assert owns == [None, None], (fmt, owns)
        assert "no cross-check by the printed timing" in result.run.semantics, result.run.semantics
    assert result.status == "measured"
    assert result.software == {} and result.platform  # no software declared, none recorded
    assert not result.run.unstable and "unstable" not in done.stderr
    log = project / "data/fake/results" / result.log
    text = gzip.decompress(log.read_bytes()).decode()
    assert "=== run 2/2 ===" in text


VARY_OPTIONS = {**OPTIONS, "generic": OPTIONS["generic"][:-1] + ", seconds_are: interval}"}


@pytest.mark.parametrize(("fmt", "every", "seconds", "per_epoch", "vary"), [
    ("generic", 1, 0.03, 25, 0.6), ("detectron2", 20, 0.03, 25, 0.6), ("maskrcnn-benchmark", 20, 0.03, 25, 0.6),
    ("mmdetection", 5, 0.1, 25, 0.6), ("torchvision", 10, 0.03, 25, 0.6), ("detectron", 10, 0.03, 25, 0.6),
    # tensorpack times whole epochs (to 3 digits) and, within one, whole seconds: a window on epoch boundaries.
    ("tensorpack", 1, 0.03, 10, 0.6),
    # SimpleDet never times an epoch's first batch but in the epoch's total, so the batches after its last line
    # are estimated at that line's pace: with times that jump by 60 % from one iteration to the next, four
    # estimated iterations alone move the figure by a per cent; 20 % is still more than real runs vary.
    ("simpledet", 5, 0.06, 30, 0.2),
])
def test_printed_timing_agrees_with_the_clock_when_times_vary(tmp_path: Path, fmt: str, every: int,
                                                              seconds: float, per_epoch: int, vary: float) -> None:
    """Iteration times vary and the first is slow; each format prints what its implementation would (a
    cumulative mean, a median and a mean, a 20-iteration window...).  Read with its true meaning, the printed
    timing of the window agrees with the runner's clock and with the truth; read as an average of printed
    values, it would not (the slow first iteration alone moves a cumulative mean by several per cent)."""
    args = (f"--format {fmt} --iterations 70 --seconds {seconds} --vary {vary} --every {every} "
            f"--per-epoch {per_epoch}")
    options = VARY_OPTIONS.get(fmt, "").replace("25", str(per_epoch))
    project = make_project(tmp_path, {"fake": (fmt, args)}, options=options)
    done = runner(project, "fake")
    assert done.returncode == 0, done.stderr
    bench, _ = load_benchmark(project / "data", "fake")
    (result,) = bench.results
    run = result.run
    assert run is not None
    pattern = [0.0, 0.6, -0.4, 0.2, -0.6, 0.4, -0.2]
    truth = sum(seconds * (1 + vary * pattern[i % 7]) for i in range(10, 60)) / 50
    assert abs(run.seconds_per_iteration[0] / truth - 1) < 0.01
    (own,) = run.own_seconds_per_iteration
    assert own is not None, run.semantics
    assert abs(own / run.seconds_per_iteration[0] - 1) < 0.01, run.semantics
    assert abs(own / truth - 1) < 0.01
    assert run.semantics and "cross-checked against iterations 10-60 from the printed timings" in run.semantics
    assert not any("printed timing of the window differs" in w for w in run.warnings)


@pytest.mark.parametrize("skew", [1.0, 1.03])
def test_the_implementations_own_window_timing_is_kept_and_checked(tmp_path: Path, skew: float) -> None:
    """The trainer times iterations 10-60 itself (as the Mask R-CNN script does on a GPU): kept per run,
    printed beside the runner's figure, and a disagreement over 1% is warned about and recorded."""
    args = f"--format torchvision --iterations 70 --seconds {SECONDS} --every 10 --own-window 10:60 --own-skew {skew}"
    project = make_project(tmp_path, {"fake": ("torchvision", args)}, own_window=True)
    done = runner(project, "fake", "--repeat", "2")
    assert done.returncode == 0, done.stderr
    bench, problems = load_benchmark(project / "data", "fake")
    assert problems == []
    (result,) = bench.results
    truth = 50 * SECONDS * skew
    assert len(result.run.own_window_seconds) == 2
    for own, runner_seconds in zip(result.run.own_window_seconds, result.run.seconds_per_iteration, strict=True):
        assert abs(own / truth - 1) < 0.01
        assert abs(own / (runner_seconds * 50) / skew - 1) < 0.01
    assert done.stderr.count("iterations 10-60 in ") == 2 and done.stderr.count("; its own timing ") == 2
    disagreements = [w for w in result.run.warnings if "timed the window" in w]
    assert len(disagreements) == (2 if skew > 1 else 0), result.run.warnings
    assert ("timed the window" in done.stderr) == (skew > 1)


def test_history_is_kept_and_the_newest_is_shown(tmp_path: Path) -> None:
    """Two runs of one implementation, the second twice as slow: both results stay (each with its log), the
    table shows the newer one, and the older one stays as history."""
    project = make_project(tmp_path, {"fake": ("generic", "--iterations 65 --seconds 0.01")},
                           options="{pattern: '^iteration (?P<iteration>\\d+)/'}")
    bench_yaml = project / "data/fake/benchmark.yaml"
    for seconds in ("0.01", "0.02"):
        bench_yaml.write_text(re.sub(r"--seconds [0-9.]+", f"--seconds {seconds}", bench_yaml.read_text()),
                              encoding="utf-8")
        done = runner(project, "all")
        assert done.returncode == 0, done.stderr
        time.sleep(1.1)  # results are named by the second they were recorded
    results = sorted((project / "data/fake/results").glob("*.yaml"))
    assert len(results) == 2
    bench, problems = load_benchmark(project / "data", "fake")
    assert problems == []
    by_file = {bench.locate(r).path: r for r in bench.results}  # type: ignore[union-attr]
    older, newer = (by_file[str(p)] for p in results)
    assert abs(older.samples[0] / 200 - 1) < 0.02 and abs(newer.samples[0] / 100 - 1) < 0.02
    for result in (older, newer):
        assert (project / "data/fake/results" / result.log).is_file()  # type: ignore[operator]
    (table,) = rank(bench)
    assert [(row.impl.id, row.result) for row in table.rows] == [("fake", newer)], "the newest is shown"
    history = [r for r in bench.results if r is not table.rows[0].result]
    assert history == [older], "the older one is kept as history"


FAILURES = {
    "exit-code": ("--exit-code 3 --iterations 50", "exited with status 3"),
    "crash": ("--crash-at 30", "exited with status 1"),
    "never-reaches-window": ("--iterations 40", "before the window end (iteration 60)"),
    "garbage": ("--garbage --iterations 20",
                "no progress lines were recognised in the output: the 'detectron2' format recognised no"),
    "timeout": ("--hang-at 20", "timed out after 3 s"),
}


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_failures_leave_data_untouched_and_say_why(tmp_path: Path, case: str) -> None:
    args, reason = FAILURES[case]
    project = make_project(tmp_path, {"good": ("detectron2", "--format detectron2"),
                                      "bad": ("detectron2", f"--format detectron2 {args} --seconds 0.01")},
                           timeout=3)
    before = snapshot(project / "data")
    done = runner(project, "fake", "bad")
    assert done.returncode == 1
    assert reason in done.stderr, done.stderr
    assert "FAILED fake/bad" in done.stderr
    assert "Traceback" not in done.stderr.split("| ")[0]
    assert snapshot(project / "data") == before
    if case == "crash":
        assert "illegal memory access" in done.stderr, "the log tail is shown"


def test_a_long_schedule_is_stopped_once_the_window_is_read(tmp_path: Path) -> None:
    """Real implementations train for 90 000 iterations; the runner stops them after the window."""
    pidfile = tmp_path / "child.pid"
    args = f"--format detectron2 --iterations 100000 --seconds {SECONDS} --pidfile {pidfile}"
    project = make_project(tmp_path, {"long": ("detectron2", args)}, timeout=60)
    started = time.monotonic()
    done = runner(project, "fake")
    assert done.returncode == 0, done.stderr
    assert time.monotonic() - started < 30
    with pytest.raises(ProcessLookupError, match="No such process"):
        os.kill(int(pidfile.read_text()), 0)
    bench, _ = load_benchmark(project / "data", "fake")
    (result,) = bench.results
    assert abs(result.samples[0] / (ITEMS / SECONDS) - 1) < 0.01
    log = gzip.decompress((project / "data/fake/results" / result.log).read_bytes()).decode()
    assert log.rstrip().endswith("(stopped by the runner: the window has been read)")
    assert "iter: 59 " in log and "iter: 61 " not in log


def test_without_stopping_after_the_window_the_exit_status_counts(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"bad": ("detectron2", "--format detectron2 --iterations 70 --exit-code 3")})
    bench_yaml = project / "data/fake/benchmark.yaml"
    assert runner(project, "fake").returncode == 0, "stopped after the window, the exit status is never seen"
    (project / "data/fake/results").rename(tmp_path / "first-results")
    bench_yaml.write_text(bench_yaml.read_text() + "      stop_after_window: false\n", encoding="utf-8")
    before = snapshot(project / "data")
    done = runner(project, "fake")
    assert done.returncode == 1 and "exited with status 3" in done.stderr, done.stderr
    assert snapshot(project / "data") == before


def test_interrupt_stops_the_child_and_records_nothing(tmp_path: Path) -> None:
    pidfile = tmp_path / "child.pid"
    project = make_project(tmp_path, {"slow": ("detectron2", f"--format detectron2 --hang-at 5 --pidfile {pidfile}")})
    before = snapshot(project / "data")
    for sig in (signal.SIGINT, signal.SIGTERM):
        pidfile.unlink(missing_ok=True)
        proc = subprocess.Popen([sys.executable, "-m", "runners.run", "fake", "--data", str(project / "data")],
                                cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "BENCHBENCH_CACHE": str(project / ".cache")})
        deadline = time.monotonic() + 30
        while not pidfile.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=30)
        assert proc.returncode == 130, err
        assert "interrupted" in err
        child = int(pidfile.read_text())
        time.sleep(0.2)
        with pytest.raises(ProcessLookupError, match="No such process"):
            os.kill(child, 0)
    assert snapshot(project / "data") == before


def test_unmet_requirements_are_skipped_and_do_not_fail_all(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"cpu": ("generic", "--iterations 65 --seconds 0.005")},
                           options="{pattern: '^iteration (?P<iteration>\\d+)/'}")
    bench_yaml = project / "data/fake/benchmark.yaml"
    bench_yaml.write_text(bench_yaml.read_text() + IMPL.format(
        id="gpu", fmt="generic", args="", timeout=60, options="", own_window="") + "      requires: {gpus: 8}\n"
        + IMPL.format(id="mpi", fmt="generic", args="", timeout=60, options="", own_window="")
        + "      requires: {executables: [no-such-mpirun]}\n", encoding="utf-8")
    done = runner(project, "all")
    assert done.returncode == 0, done.stderr
    assert "skip fake/gpu: needs 8 NVIDIA GPU(s), found 0" in done.stderr
    assert "skip fake/mpi: needs no-such-mpirun on PATH" in done.stderr
    assert "fake/cpu" in done.stdout and "recorded" in done.stdout


def test_dry_run_prints_the_plan_and_runs_nothing(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"fake": ("generic", "--iterations 65")},
                           options="{pattern: '^iteration (?P<iteration>\\d+)/'}")
    bench_yaml = project / "data/fake/benchmark.yaml"
    bench_yaml.write_text(bench_yaml.read_text().replace(
        '    commands:', '    env: {TF_CUDNN_USE_AUTOTUNE: "0"}\n    commands:')
        + IMPL.format(id="gpu", fmt="generic", args="--iterations 70", timeout=60, options="", own_window="")
        + "      requires: {gpus: 8}\n", encoding="utf-8")
    before = snapshot(project / "data")
    done = runner(project, "all", "--dry-run")
    assert done.returncode == 0, done.stderr
    assert "env     TF_CUDNN_USE_AUTOTUNE=0" in done.stdout
    assert "run     python fake_trainer.py --iterations 65  x1" in done.stdout
    assert "measure generic log, iterations 10-60, then stop it (timeout 60 s)" in done.stdout
    assert "fake/gpu (skipped here):" in done.stdout, "the plan of what cannot run here is shown too"
    assert "run     python fake_trainer.py --iterations 70  x1" in done.stdout
    assert "skip fake/gpu: needs 8 NVIDIA GPU(s), found 0" in done.stderr
    assert snapshot(project / "data") == before


def test_invalid_data_is_reported_and_nothing_runs(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"fake": ("generic", "")})
    bench_yaml = project / "data/fake/benchmark.yaml"
    bench_yaml.write_text(bench_yaml.read_text().replace("direction: higher", "direction: up"), encoding="utf-8")
    done = runner(project, "all")
    assert done.returncode == 1
    assert f"{bench_yaml}:2: metric.direction: expected one of" in done.stderr
    assert "fake/-  failed    benchmark could not be loaded" in done.stdout


def test_a_problem_elsewhere_in_the_data_does_not_stop_the_runnable(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"fake": ("generic", "--iterations 65 --seconds 0.005")},
                           options="{pattern: '^iteration (?P<iteration>\\d+)/'}")
    bench_yaml = project / "data/fake/benchmark.yaml"
    bench_yaml.write_text(bench_yaml.read_text().replace("title: Fake training", "title: Fake training\nlogoo: x"),
                          encoding="utf-8")
    done = runner(project, "all")
    assert done.returncode == 0, done.stderr
    assert f"warning: {bench_yaml}:2: logoo: unknown key" in done.stderr
    assert "recorded" in done.stdout


def test_parse_cli_reads_a_saved_log(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"fake": ("detectron2", "--format detectron2 --iterations 70 --every 10")})
    assert runner(project, "all").returncode == 0
    (log,) = (project / "data/fake/results/logs").glob("*.log.gz")
    done = subprocess.run([sys.executable, "-m", "runners.parse", str(log), "--format", "detectron2",
                           "--images-per-iter", "2", "--window", "10:60"],
                          capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert abs(out["throughput"] / (ITEMS / SECONDS) - 1) < 0.01
    assert out["iterations"] == 50 and out["timing"] == "arrival"
    foreign = tmp_path / "foreign.log"  # no arrival times: falls back to the printed times
    foreign.write_text(gzip.decompress(log.read_bytes()).decode().replace("[+", "x[+"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "runners.parse", str(foreign), "--format", "detectron2",
                           "--images-per-iter", "2", "--window", "10:60"],
                          capture_output=True, text=True, cwd=REPO, check=False)
    assert done.returncode == 0, done.stderr
    printed = json.loads(done.stdout)
    assert printed["timing"] == "printed" and abs(printed["seconds_per_iter"] / SECONDS - 1) < 0.01


def parse_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runners.parse", *args],
                          capture_output=True, text=True, cwd=REPO, check=False)


def test_parse_cli_options_and_bad_arguments(tmp_path: Path) -> None:
    """Boolean format options can be given; bad arguments and damaged logs are one-line errors."""
    log = tmp_path / "old-maskrcnn-benchmark.log"  # before 2019 the printed iter was 0-based
    log.write_text("".join(
        f"[+{i * 0.5:.6f}] maskrcnn_benchmark.trainer INFO: eta: 1:00:00  iter: {i - 1}  loss: 1.0 (1.0)  "
        f"time: 0.5000 (0.5000)  data: 0.01 (0.01)  lr: 0.02  max mem: 3000\n" for i in range(1, 71)),
        encoding="utf-8")
    done = parse_cli(str(log), "--format", "maskrcnn-benchmark", "--option", "zero_based=true",
                     "--images-per-iter", "16", "--window", "10:60")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["throughput"] == pytest.approx(32.0)
    for bad in (["--window", "abc"], ["--window", "1:2:3"], ["--window", "60:10"], ["--images-per-iter", "-2"],
                ["--option", "zero_based"]):
        args = [str(log), "--format", "maskrcnn-benchmark", "--images-per-iter", "16", *bad]
        done = parse_cli(*args)
        assert done.returncode == 2 and "Traceback" not in done.stderr, (bad, done.stderr)
    truncated = tmp_path / "cut.log.gz"
    truncated.write_bytes(gzip.compress(log.read_bytes())[:200])
    done = parse_cli(str(truncated), "--format", "maskrcnn-benchmark", "--images-per-iter", "16")
    assert done.returncode == 1 and done.stderr.startswith(f"error: {truncated}:"), done.stderr
    assert "Traceback" not in done.stderr


def shell_project(tmp_path: Path, command: str, timeout: float, stop: bool = False) -> Path:
    """One implementation whose command runs through bash (``run.shell: true``)."""
    project = make_project(tmp_path, {"sh": ("detectron2", "")}, timeout=timeout)
    bench_yaml = project / "data/fake/benchmark.yaml"
    text = bench_yaml.read_text(encoding="utf-8").replace('commands: ["python fake_trainer.py "]',
                                                          f"commands: [{json.dumps(command)}]")
    bench_yaml.write_text(text + "      shell: true\n" + ("" if stop else "      stop_after_window: false\n"),
                          encoding="utf-8")
    return project


TRAINER = f"python fake_trainer.py --format detectron2 --iterations 70 --seconds {SECONDS}"
SHELL_CASES = {
    # 'train | tee log' fails when the trainer does (pipefail), not only when tee does.
    "pipe": (f"{TRAINER} --crash-at 65 2>&1 | tee train.log", 30, False, "command exited with status 1"),
    # A background process holding stdout keeps neither a failed run waiting for the timeout...
    "background-failed": (f"sleep 299.25 & {TRAINER} --exit-code 3", 20, False, "command exited with status 3"),
    # ... nor a measured one, and is stopped with it.
    "background": (f"sleep 299.25 & {TRAINER}", 20, True, None),
    # A launcher that returns at once, leaving its trainer to load quietly, is still measured.
    "launcher-returns": (f"(sleep 2; {TRAINER}) & echo launched", 20, True, None),
    # A child that closes its output and lingers is still timed out, and stopped.
    "closes-output": (f"{TRAINER}; exec >/dev/null 2>&1; sleep 299.25", 6, False, "timed out after 6 s"),
    # 10 MB without a line end, then the log: read in linear time, the window still right.
    "huge-line": (f"head -c 10000000 /dev/zero | tr '\\0' x; echo; {TRAINER}", 30, False, None),
}


@pytest.mark.parametrize("case", sorted(SHELL_CASES))
def test_shell_commands_that_misbehave(tmp_path: Path, case: str) -> None:
    command, timeout, stop, failure = SHELL_CASES[case]
    project = shell_project(tmp_path, command, timeout, stop)
    before = snapshot(project / "data")
    started = time.monotonic()
    done = runner(project, "fake")
    took = time.monotonic() - started
    assert subprocess.run(["pgrep", "-f", "sleep 299.25"], capture_output=True, check=False).returncode == 1, \
        "nothing the command started is left running"
    if failure:
        assert done.returncode == 1 and failure in done.stderr, done.stderr
        assert snapshot(project / "data") == before
        return
    assert done.returncode == 0, done.stderr
    assert took < timeout
    bench, _ = load_benchmark(project / "data", "fake")
    (result,) = bench.results
    assert abs(result.samples[0] / (ITEMS / SECONDS) - 1) < 0.01


RECORD_AT_ONCE = """\
import datetime as dt, os, sys, time
from pathlib import Path
from sphinx_benchbench.runners.record import record
from sphinx_benchbench.data.loader import load_benchmark
data = Path(sys.argv[1])
bench, _ = load_benchmark(data, "fake")
log = Path(sys.argv[2])
now = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
while not os.path.exists(sys.argv[3]):  # all start recording at the same moment
    time.sleep(0.001)
print(record(bench.folder, data, "fake", [bench.results[0]], log.read_bytes(), "header", now).name)
"""


def test_recordings_in_the_same_second_never_overwrite_each_other(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"fake": ("detectron2", "--format detectron2 --iterations 61")})
    assert runner(project, "fake").returncode == 0
    log = tmp_path / "run.log"
    log.write_text("a log\n", encoding="utf-8")
    go = tmp_path / "go"
    procs = [subprocess.Popen([sys.executable, "-c", RECORD_AT_ONCE, str(project / "data"), str(log), str(go)],
                              cwd=REPO, stdout=subprocess.PIPE, text=True) for _ in range(6)]
    time.sleep(3)  # every process has loaded the data and waits
    go.touch()
    names = [p.communicate(timeout=60)[0].strip() for p in procs]
    assert all(p.returncode == 0 for p in procs)
    assert len(set(names)) == 6, names
    results = project / "data/fake/results"
    assert {p.name for p in results.glob("20300101T000000Z-fake*.yaml")} == set(names)
    assert len(list((results / "logs").glob("20300101T000000Z-fake*.log.gz"))) == 6
    bench, problems = load_benchmark(project / "data", "fake")
    assert problems == [] and len(bench.results) == 7


def test_recording_never_leaves_the_data_folder_or_debris(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"fake": ("detectron2", "--format detectron2 --iterations 61")})
    results = project / "data/fake/results"
    results.mkdir()
    outside = tmp_path / "outside-logs"
    outside.mkdir()
    (results / "logs").symlink_to(outside)
    before = snapshot(project / "data")
    done = runner(project, "fake")
    assert done.returncode == 1 and "leads outside the data folder" in done.stderr, done.stderr
    assert snapshot(project / "data") == before and list(outside.iterdir()) == []
    (results / "logs").unlink()
    results.rmdir()
    results.symlink_to(outside)  # the whole results folder elsewhere: nothing is created there either
    done = runner(project, "fake")
    assert done.returncode == 1 and "leads outside the data folder" in done.stderr, done.stderr
    assert list(outside.iterdir()) == []
    results.unlink()
    results.mkdir()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                          text=True, check=True).stdout.strip()
    abandoned = results / f".recording-{dead}-x1y2"  # left by a runner killed while recording
    (abandoned / "logs").mkdir(parents=True)
    os.utime(abandoned, (time.time() - 7200, time.time() - 7200))
    recent = results / f".recording-{dead}-a3b4"  # a live runner elsewhere (other host, PID namespace)
    recent.mkdir()
    assert runner(project, "fake").returncode == 0
    assert not abandoned.exists() and recent.exists()
    recent.rmdir()
    assert [p.name for p in results.iterdir() if p.name.startswith(".")] == []


ENTRY_PROBLEMS = {
    # An invalid field is dropped by the loader; running without it would measure something else.
    "items-as-text": ("      timeout: 60\n", "      timeout: 60\n      items_per_iteration: '4'\n",
                      "run.items_per_iteration: expected an integer"),
    "quantity-typo": ("  batch: {total: 2}\n", "  batch: {total: 2}\n  quantity: millisecond-per-iter\n",
                      "measurement.quantity: expected one of"),
    "patch-without-source": ("    commands:", "    patches: [{file: p.diff, summary: A patch}]\n    commands:",
                             "has patches but no source.repository"),
    "unknown-log-format": ("format: generic", "format: generik", "unknown log format"),
    "bad-own-window": ("format: generic", "format: generic, own_window: '(unclosed'",
                       "run.log.own_window is not a valid regular expression"),
    "window-backwards": ("window: {start: 10, end: 60}", "window: {start: 60, end: 10}", "before it starts"),
    "window-in-epochs": ("window: {start: 10, end: 60}", "window: {start: 10, end: 60, unit: epochs}",
                         "the runner's log parsers count iterations"),
    "timeout-zero": ("      timeout: 60\n", "      timeout: 0\n", "run.timeout: must be greater than zero"),
    "run-dropped": ("log: {format: generic", "log: {formt: generic", "implementations[0].run.log"),
    "blank-command": ('    commands: ["python fake_trainer.py',
                      '    commands: ["  "]\n    notes: ["python fake_trainer.py', "commands[0]: must not be empty"),
}


@pytest.mark.parametrize("case", sorted(ENTRY_PROBLEMS))
def test_a_problem_in_what_would_run_fails_it_before_anything_runs(tmp_path: Path, case: str) -> None:
    old, new, words = ENTRY_PROBLEMS[case]
    pidfile = tmp_path / "child.pid"
    project = make_project(tmp_path, {"fake": ("generic", f"--iterations 65 --pidfile {pidfile}")},
                           options="{pattern: '^iteration (?P<iteration>\\d+)/'}")
    (project / "data/fake/p.diff").write_text("--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n+b\n", encoding="utf-8")
    bench_yaml = project / "data/fake/benchmark.yaml"
    text = bench_yaml.read_text(encoding="utf-8")
    assert old in text
    bench_yaml.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = snapshot(project / "data")
    for extra in (["--dry-run"], []):
        done = runner(project, "fake", *extra)
        assert done.returncode == 1, done.stderr
        assert "FAILED fake/fake:" in done.stderr and words in done.stderr, done.stderr
        assert "benchmark.yaml" in done.stderr.split("FAILED fake/fake:")[1].splitlines()[0]
    listed = runner(project, "--list")
    line = next(line for line in listed.stdout.splitlines() if line.startswith("  fake "))
    assert "fails: " in line and words in line, listed.stdout  # the actual problem, not that there is one
    assert not pidfile.exists(), "nothing was started"
    assert snapshot(project / "data") == before


@pytest.mark.parametrize(("args", "status", "words"), [
    (["all", "nosuch"], 2, "implementation ids go after a benchmark name"),
    (["fake", "--timeout", "nan"], 2, "--timeout must be a positive number"),
    (["fake", "--timeout", "-5"], 2, "--timeout must be a positive number"),
    (["fake", "--repeat", "100000"], 2, "--repeat must be between 1 and 1000"),
    (["all", "--data-is-empty"], 1, "no benchmarks in"),
])
def test_command_line_mistakes_are_one_line_errors(tmp_path: Path, args: list[str], status: int, words: str) -> None:
    project = make_project(tmp_path, {"fake": ("generic", "--iterations 65")})
    if "--data-is-empty" in args:
        args = ["all"]
        shutil.rmtree(project / "data/fake")
    done = runner(project, *args)
    assert done.returncode == status and words in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


def test_an_unusable_cache_folder_is_a_clear_failure(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"fake": ("detectron2", "--format detectron2 --exit-code 3 --iterations 5")})
    (project / ".cache").write_text("not a folder", encoding="utf-8")  # BENCHBENCH_CACHE points here
    done = runner(project, "fake")
    assert done.returncode == 1 and "exited with status 3" in done.stderr, done.stderr
    assert "full log not kept" in done.stderr and "Traceback" not in done.stderr


def test_an_empty_environment_variable_is_passed_as_empty(tmp_path: Path) -> None:
    """``CUDA_VISIBLE_DEVICES: ""`` is how a page hides every GPU; the value must reach the child."""
    project = make_project(tmp_path, {"fake": ("detectron2", "--format detectron2 --iterations 61")})
    bench_yaml = project / "data/fake/benchmark.yaml"
    bench_yaml.write_text(bench_yaml.read_text(encoding="utf-8").replace(
        "    commands: [\"python fake_trainer.py",
        "    env: {CUDA_VISIBLE_DEVICES: ''}\n"
        "    setup: [{run: \"python -c 'import os; assert os.environ[\\\"CUDA_VISIBLE_DEVICES\\\"] == \\\"\\\"'\"}]\n"
        "    commands: [\"python fake_trainer.py"), encoding="utf-8")
    done = runner(project, "fake", "--dry-run")
    assert done.returncode == 0 and "warning" not in done.stderr, done.stderr
    assert "env     CUDA_VISIBLE_DEVICES=\n" in done.stdout
    listed = runner(project, "--list")
    assert "  fake                     runnable" in listed.stdout, listed.stdout
    done = runner(project, "fake")
    assert done.returncode == 0, done.stderr


def test_a_stopped_trainer_is_gone_before_the_next_repeat_starts(tmp_path: Path) -> None:
    """A trainer behind 'bash -c "train | tee log"' that saves a checkpoint on SIGTERM outlives
    bash; the next repeat must not start beside it on the same machine."""
    events = tmp_path / "events.txt"
    command = (f"python fake_trainer.py --format detectron2 --iterations 100000 --seconds {SECONDS} "
               f"--linger-on-term 1.5 --events {events} 2>&1 | tee train.log")
    project = shell_project(tmp_path, command, 60, stop=True)
    done = runner(project, "fake", "--repeat", "2")
    assert done.returncode == 0, done.stderr
    marks = [line.split() for line in events.read_text().splitlines()]
    assert [what for what, _ in marks] == ["start", "end", "start", "end"], marks
    assert float(marks[2][1]) > float(marks[1][1]), "the second run started after the first one ended"


@pytest.mark.parametrize("stop", [True, False])
def test_buffered_output_is_timed_by_the_last_line_of_each_burst(tmp_path: Path, stop: bool) -> None:
    """Lines written 7 at a time: the window edges 10 and 60 fall inside bursts and are interpolated
    between burst ends, whether the runner stops at the window end or reads to the exit."""
    args = f"--format detectron2 --iterations 70 --seconds {SECONDS} --burst 7"
    project = make_project(tmp_path, {"fake": ("detectron2", args)})
    if not stop:
        bench_yaml = project / "data/fake/benchmark.yaml"
        bench_yaml.write_text(bench_yaml.read_text() + "      stop_after_window: false\n", encoding="utf-8")
    done = runner(project, "fake")
    assert done.returncode == 0, done.stderr
    bench, _ = load_benchmark(project / "data", "fake")
    (result,) = bench.results
    assert abs(result.samples[0] / (ITEMS / SECONDS) - 1) < 0.01, result.samples
    assert any("block-buffered" in w for w in result.run.warnings), result.run.warnings


def test_problems_are_tied_to_the_right_entry(tmp_path: Path) -> None:
    """A cosmetic problem does not stop a run; a duplicate id's problem does not stop the first entry
    of that id; an entry dropped whole (no name) with a run section fails instead of vanishing."""
    project = make_project(tmp_path, {"good": ("detectron2", "--format detectron2 --iterations 61")})
    bench_yaml = project / "data/fake/benchmark.yaml"
    text = bench_yaml.read_text(encoding="utf-8").replace("    name: good\n", "    name: good\n    notes: [5]\n")
    text += IMPL.format(id="good", fmt="detectron2", args="", timeout=-5, options="", own_window="")
    text += IMPL.format(id="nameless", fmt="detectron2", args="", timeout=60, options="",
                        own_window="").replace("    name: nameless\n", "")
    bench_yaml.write_text(text, encoding="utf-8")
    done = runner(project, "all")
    good = [line for line in done.stdout.splitlines() if "fake/good" in line]
    assert len(good) == 1 and "recorded" in good[0], done.stdout + done.stderr
    nameless = next(line for line in done.stdout.splitlines() if "fake/nameless" in line)
    assert "failed" in nameless and "name: required key is missing" in nameless
    assert done.returncode == 1


# -- an implementation's own repository, set-up and failures on the way ------------------------------------

#: The address the entry names; git is told (``url.<path>.insteadOf``) that it is the test's local repository.
UPSTREAM = "https://git.example.org/toy/trainer.git"

PINNED = """\
title: Fake training
metric: {{label: Throughput, unit: items/s, direction: higher, decimals: 1}}
measurement:
  description: Items per second over iterations 10-60.
  window: {{start: 10, end: 60}}
  batch: {{total: 2}}
implementations:
  - id: pinned
    name: pinned
    source: {{repository: "{url}", ref: "{ref}", commit: "{commit}"}}
    patches: [{{file: patches/faster.diff, summary: Quarter the time per iteration}}]
    commands: ["python fake_trainer.py --format detectron2 --iterations 70 --seconds $(cat speed.txt)"]
    run:
      log: {{format: detectron2}}
      shell: true
"""
FASTER = "--- a/speed.txt\n+++ b/speed.txt\n@@ -1 +1 @@\n-0.04\n+0.01\n"


def pinned_project(tmp_path: Path, pin: str = "first") -> tuple[Path, dict[str, str], str, str]:
    """A project whose implementation is a git repository (two commits: 0.04 s, then 0.05 s per iteration)
    pinned at one of them, with a patch that makes the first commit's 0.04 s 0.01 s; the environment that
    points its address at the repository; and the two commits."""
    repo = tmp_path / "upstream"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    shutil.copy(TESTS / "fake_trainer.py", repo)
    (repo / "speed.txt").write_text("0.04\n")
    git(repo, "add", ".")
    git(repo, "commit", "-qm", "one")
    first = git(repo, "rev-parse", "HEAD")
    (repo / "speed.txt").write_text("0.05\n")
    git(repo, "commit", "-qam", "two")
    second = git(repo, "rev-parse", "HEAD")
    project = tmp_path / "project"
    (project / "data/fake/patches").mkdir(parents=True)
    commit = first if pin == "first" else second
    (project / "data/fake/benchmark.yaml").write_text(PINNED.format(url=UPSTREAM, ref=commit[:7], commit=commit),
                                                      encoding="utf-8")
    (project / "data/fake/patches/faster.diff").write_text(FASTER, encoding="utf-8")
    env = {"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{repo}.insteadOf", "GIT_CONFIG_VALUE_0": UPSTREAM}
    return project, env, first, second


def test_a_run_checks_out_the_pinned_commit_and_applies_the_patch(tmp_path: Path) -> None:
    """The entry's repository is cloned, checked out at the pinned commit (not the newest), its patch applied,
    and the command run there: 0.01 s per iteration (patched), not 0.04 (unpatched) or 0.05 (the newest).
    The result names the full commit, says the patch applied, and carries the identity hash."""
    project, env, first, _ = pinned_project(tmp_path)
    planned = runner(project, "fake", "--dry-run", env=env)
    assert planned.returncode == 0, planned.stderr
    assert f"clone   {UPSTREAM} (cache {project / '.cache/checkouts'})" in planned.stdout
    assert f"checkout {first}\n" in planned.stdout
    assert f"apply   git apply {project / 'data/fake/patches/faster.diff'}\n  in      . (in the checkout)\n" \
        in planned.stdout
    assert not (project / ".cache/checkouts").exists(), "a dry run clones nothing"
    for _ in range(2):  # the second run starts from the cached clone, cleaned and patched afresh
        done = runner(project, "fake", env=env)
        assert done.returncode == 0, done.stderr
        time.sleep(1.1)
    bench, problems = load_benchmark(project / "data", "fake")
    assert problems == [] and len(bench.results) == 2
    for result in bench.results:
        assert abs(result.samples[0] / (ITEMS / 0.01) - 1) < 0.02, result.samples
        assert result.commit == first
        assert result.run.patch_applied is True
        assert result.identity and result.identity.startswith("sha256:")
    (checkout,) = (project / ".cache/checkouts").iterdir()
    assert checkout.name.startswith("trainer-")
    assert git(checkout, "rev-parse", "HEAD") == first
    assert (checkout / "speed.txt").read_text() == "0.01\n"


def test_a_patch_that_does_not_apply_at_the_pinned_commit_fails_the_run(tmp_path: Path) -> None:
    """Pinned at the second commit, whose speed.txt the patch does not expect: nothing runs, nothing is recorded."""
    project, env, _, second = pinned_project(tmp_path, pin="second")
    before = snapshot(project / "data")
    done = runner(project, "fake", env=env)
    assert done.returncode == 1
    assert f"FAILED fake/pinned: patch faster.diff does not apply at {second[:12]}: git apply failed" in done.stderr
    assert snapshot(project / "data") == before


def test_an_unreachable_repository_fails_the_run(tmp_path: Path) -> None:
    """Without the address rewritten, the repository cannot be cloned: the failure says so in one line."""
    project, _, _, _ = pinned_project(tmp_path)
    before = snapshot(project / "data")
    done = runner(project, "fake", env={"GIT_CONFIG_COUNT": "1", "GIT_CONFIG_KEY_0": f"url.{tmp_path}/none.insteadOf",
                                        "GIT_CONFIG_VALUE_0": UPSTREAM})
    assert done.returncode == 1
    assert "FAILED fake/pinned: git clone failed: " in done.stderr, done.stderr
    assert snapshot(project / "data") == before


@pytest.mark.parametrize("where", ["implementation", "benchmark"])
def test_a_failed_set_up_step_fails_the_run_and_keeps_its_log(tmp_path: Path, where: str) -> None:
    """A set-up step that fails (here: a build that finds no compiler) stops the run before its commands;
    nothing is recorded, and the whole log is kept under the cache's failed/ folder, named in the failure."""
    pidfile = tmp_path / "child.pid"
    project = make_project(tmp_path, {"fake": ("detectron2", f"--format detectron2 --pidfile {pidfile}")})
    bench_yaml = project / "data/fake/benchmark.yaml"
    (project / "build.py").write_text("import sys\nprint('cc: not found')\nsys.exit(7)\n", encoding="utf-8")
    step = f"[{{run: python {project / 'build.py'}, purpose: Build it}}]"
    text = bench_yaml.read_text(encoding="utf-8")
    if where == "implementation":
        text = text.replace("    commands:", f"    setup: {step}\n    commands:")
    else:
        text = text.replace("implementations:\n", f"setup: {step}\nimplementations:\n")
    bench_yaml.write_text(text, encoding="utf-8")
    before = snapshot(project / "data")
    done = runner(project, "fake")
    assert done.returncode == 1
    reason = ("set-up failed: python exited with status 7" if where == "implementation"
              else "the benchmark's set-up failed: python exited with status 7")
    assert f"FAILED fake/fake: {reason}" in done.stderr, done.stderr
    assert "  | cc: not found" in done.stderr, "the step's output is shown"
    saved = re.search(r"\(full log: (\S+\.log)\)", done.stderr)
    assert saved is not None, done.stderr
    assert "cc: not found" in Path(saved[1]).read_text(encoding="utf-8")
    assert Path(saved[1]).parent == project / ".cache/failed"
    assert not pidfile.exists(), "the commands never started"
    assert snapshot(project / "data") == before


def test_a_progress_line_the_parser_refuses_fails_the_run(tmp_path: Path) -> None:
    """A log whose count goes backwards mid-run (two trainers writing one log, say) cannot be timed: the run
    fails with the parser's words and the line, and nothing is recorded."""
    project = shell_project(tmp_path, f"{TRAINER} --iterations 30; {TRAINER} --iterations 70", 60)
    before = snapshot(project / "data")
    done = runner(project, "fake")
    assert done.returncode == 1
    assert "FAILED fake/sh: unreadable progress line: detectron2: iteration went backwards from 30 to 1" \
        in done.stderr, done.stderr
    assert snapshot(project / "data") == before


def test_a_result_the_data_format_refuses_is_not_recorded(tmp_path: Path) -> None:
    """The runner validates what it records with the extension's own loader: a printed time of -5 ms is no
    valid sample, so the recording is refused, the reason given, and data/ is byte for byte as it was."""
    project = tmp_path / "project"
    (project / "data/bench").mkdir(parents=True)
    (project / "data/bench/benchmark.yaml").write_text("""\
title: Refused
metric: {label: Time, unit: ms, direction: lower}
measurement: {description: A time the command prints.}
implementations:
  - id: negative
    name: negative
    commands: ["echo 'took -5 ms'"]
    run:
      printed: {pattern: 'took (?P<value>-?[0-9.]+) ms'}
""", encoding="utf-8")
    before = snapshot(project / "data")
    done = runner(project, "bench")
    assert done.returncode == 1
    assert "FAILED bench/negative: could not record: refusing to record invalid data: " in done.stderr
    assert "results[0].samples[0]: must be zero or more, got -5.0" in done.stderr
    assert snapshot(project / "data") == before
    assert not (project / "data/bench/results").exists(), "no folder the recording made is left"


# -- a file system without hard links --------------------------------------------------------------------

#: Installs a seccomp filter in this process (inherited by its children) under which link() and linkat()
#: fail with EPERM, what a file system without hard links (FAT, many FUSE and network mounts) answers, then
#: runs the code after it.  The kernel refuses the calls: nothing in Python is replaced.
NO_HARD_LINKS = r"""
import ctypes, errno, os, platform, struct
NR = {"x86_64": (86, 265), "aarch64": (None, 37)}[platform.machine()]
ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}[platform.machine()]
def ins(code, jt, jf, k):
    return struct.pack("HBBI", code, jt, jf, k)
LD, JEQ, RET = 0x20, 0x15, 0x06
ALLOW, ERRNO, KILL = 0x7FFF0000, 0x00050000 | errno.EPERM, 0x80000000
calls = [n for n in NR if n is not None]
prog = [ins(LD, 0, 0, 4), ins(JEQ, 1, 0, ARCH), ins(RET, 0, 0, KILL), ins(LD, 0, 0, 0)]
for i, n in enumerate(calls):
    prog.append(ins(JEQ, len(calls) - i, 0, n))
prog += [ins(RET, 0, 0, ALLOW), ins(RET, 0, 0, ERRNO)]
code = b"".join(prog)
buf = ctypes.create_string_buffer(code)
fprog = struct.pack("HxxxxxxP", len(prog), ctypes.addressof(buf))
libc = ctypes.CDLL(None, use_errno=True)
libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
assert libc.prctl(38, 1, 0, 0, 0) == 0  # PR_SET_NO_NEW_PRIVS
fbuf = ctypes.create_string_buffer(fprog)
assert libc.prctl(22, 2, ctypes.addressof(fbuf), 0, 0) == 0, ctypes.get_errno()  # PR_SET_SECCOMP, FILTER
try:
    os.link(__file__ if "__file__" in globals() else os.devnull, "/nonexistent-dir/x")
except PermissionError:
    print("hard links refused", flush=True)
"""


def without_hard_links(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """Run ``code`` (with ``args`` as sys.argv[1:]) in a child Python in which hard links cannot be made."""
    return subprocess.run([sys.executable, "-c", NO_HARD_LINKS + code, *args], capture_output=True, text=True,
                          cwd=REPO, check=False, timeout=120, env={**os.environ, **(env or {})})


@pytest.mark.skipif(platform.machine() not in ("x86_64", "aarch64"), reason="the seccomp filter knows x86_64 "
                    "and aarch64 system call numbers only")
def test_recording_where_hard_links_cannot_be_made(tmp_path: Path) -> None:
    """Where link() fails (a file system without hard links), the runner still publishes the result and its
    log, by renaming them in after checking the name is free: one complete result, no debris; and a second
    recording under the same name in the same second takes the next name instead of overwriting it."""
    project = make_project(tmp_path, {"fake": ("detectron2", "--format detectron2 --iterations 61")})
    run_main = ("import runpy, sys\nsys.argv = ['runners.run', *sys.argv[1:]]\n"
                "runpy.run_module('runners.run', run_name='__main__')\n")
    done = without_hard_links(run_main, "fake", "--data", str(project / "data"),
                              env={"BENCHBENCH_CACHE": str(project / ".cache")})
    assert done.stdout.startswith("hard links refused\n"), done.stdout + done.stderr
    assert done.returncode == 0, done.stderr
    results = project / "data/fake/results"
    (yaml_file,) = results.glob("*.yaml")
    (log,) = (results / "logs").glob("*.log.gz")
    assert log.name == yaml_file.name.replace(".yaml", ".log.gz")
    assert sorted(p.name for p in results.iterdir()) == sorted([yaml_file.name, "logs"]), "no temporary folder left"
    assert "=== run 1/1 ===" in gzip.decompress(log.read_bytes()).decode()
    bench, problems = load_benchmark(project / "data", "fake")
    assert problems == [] and len(bench.results) == 1
    twice = without_hard_links(RECORD_TWICE, str(project / "data"), str(tmp_path / "run.log"))
    assert twice.returncode == 0, twice.stderr
    assert twice.stdout.split() == ["hard", "links", "refused", "20300101T000000Z-fake.yaml",
                                    "20300101T000000Z-fake-2.yaml"]
    bench, problems = load_benchmark(project / "data", "fake")
    assert problems == [] and len(bench.results) == 3
    assert len(list((results / "logs").glob("20300101T000000Z-fake*.log.gz"))) == 2
    assert not [p for p in results.iterdir() if p.name.startswith(".")]


RECORD_TWICE = """
import datetime as dt, sys
from pathlib import Path
from sphinx_benchbench.runners.record import record
from sphinx_benchbench.data.loader import load_benchmark
data, log = Path(sys.argv[1]), Path(sys.argv[2])
log.write_text("a log\\n", encoding="utf-8")
bench, _ = load_benchmark(data, "fake")
now = dt.datetime(2030, 1, 1, tzinfo=dt.timezone.utc)
for _ in range(2):
    print(record(bench.folder, data, "fake", [bench.results[0]], log.read_bytes(), "header", now).name)
"""


# -- what a cluster job does on its node, and where commands run ------------------------------------------


def test_a_cluster_job_checks_the_data_as_the_submitting_side_does(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The job function a Slurm job runs: data missing on the node, an id that is not there, an entry the runner
    would refuse each come back as a failure (returned, not raised); a good entry comes back measured."""
    monkeypatch.setenv("BENCHBENCH_CACHE", str(tmp_path / "cache"))
    project = make_project(tmp_path, {"fake": ("detectron2", "--format detectron2 --iterations 61"),
                                      "bad": ("detectron2", "--format detectron2")})
    bench_yaml = project / "data/fake/benchmark.yaml"
    text = bench_yaml.read_text(encoding="utf-8")
    last = text.rindex("timeout: 60")  # the second entry's ("bad"): a timeout of 0 is refused
    bench_yaml.write_text(text[:last] + "timeout: 0" + text[last + len("timeout: 60"):], encoding="utf-8")
    data = str(project / "data")
    missing = measure_named(str(tmp_path / "elsewhere"), "fake", "fake", 1, None)
    assert isinstance(missing, Failure) and str(missing) == "fake: the data could not be loaded on the compute node"
    ghost = measure_named(data, "fake", "ghost", 1, None)
    assert isinstance(ghost, Failure) and str(ghost) == "fake: no runnable implementation 'ghost'"
    refused = measure_named(data, "fake", "bad", 1, None)
    assert isinstance(refused, Failure) and "run.timeout: must be greater than zero" in str(refused)
    measured = measure_named(data, "fake", "fake", 1, None)
    assert isinstance(measured, Measured), measured
    assert len(measured.runs) == 1 and abs(measured.runs[0].value / (ITEMS / SECONDS) - 1) < 0.02
    assert "=== run 1/1 ===" in measured.log_text


def test_a_missing_working_directory_or_work_folder_fails_the_run(tmp_path: Path) -> None:
    """``run.workdir`` that does not exist, and a benchmark work folder that cannot be made (its parent is a
    file), each fail the run with the folder named; nothing is recorded."""
    project = make_project(tmp_path, {"fake": ("detectron2", "--format detectron2 --iterations 61")})
    bench_yaml = project / "data/fake/benchmark.yaml"
    text = bench_yaml.read_text(encoding="utf-8")
    before = snapshot(project / "data")
    bench_yaml.write_text(text + "      workdir: no/such/folder\n", encoding="utf-8")
    done = runner(project, "fake")
    assert done.returncode == 1
    assert f"FAILED fake/fake: working directory {project / 'no/such/folder'} does not exist" in done.stderr
    blocker = tmp_path / "work-is-a-file"
    blocker.write_text("x", encoding="utf-8")
    bench_yaml.write_text(text.replace("implementations:\n", "setup: [{run: 'true'}]\nimplementations:\n"),
                          encoding="utf-8")
    done = runner(project, "fake", env={"BENCHBENCH_WORK": str(blocker)})
    assert done.returncode == 1
    assert f"FAILED fake/fake: cannot create the work folder {blocker / 'fake'}: " in done.stderr, done.stderr
    bench_yaml.write_text(text, encoding="utf-8")
    assert snapshot(project / "data") == before
