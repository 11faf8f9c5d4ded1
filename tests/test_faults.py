"""Faults while running and recording: signals, SIGKILL, escaping processes, failing file systems.

The promise: after any of them, ``data/`` holds what it held before or exactly
one more complete result, the runner says which, and no process or temporary
file is left.  Everything here is real: child processes, signals, SIGKILL,
``setsid``, a file-size limit for a full disk.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from sphinx_benchbench.data.model import Provenance, Result
from sphinx_benchbench.runners.commands.signals import Interrupted, interruptible
from sphinx_benchbench.runners.record import RecordError, record
from sphinx_benchbench.runners.window import Span, WindowError, window_time

from .conftest import REPO
from .test_runner import make_project, runner, snapshot, without_hard_links

SLEEPERS = "sleep 317"


def sleepers() -> list[int]:
    """Processes of this module's tests still alive: they run ``sleep 317``."""
    done = subprocess.run(["pgrep", "-f", f"^{SLEEPERS}$"], capture_output=True, text=True, check=False)
    return [int(p) for p in done.stdout.split()]


def wait_gone(seconds: float = 10) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := sleepers()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def shell_project(tmp_path: Path, command: str, **run: str) -> Path:
    """A project whose one implementation runs ``command`` in bash, counting 'iteration N' lines."""
    project = tmp_path / "project"
    (project / "data/fake").mkdir(parents=True)
    extra = "".join(f"      {k}: {v}\n" for k, v in run.items())
    (project / "data/fake/benchmark.yaml").write_text(textwrap.dedent(f"""\
        title: Fake
        metric: {{label: Speed, unit: it/s, direction: higher}}
        measurement:
          description: Iterations per second over 1-3.
          window: {{start: 1, end: 3}}
        implementations:
          - id: shell
            name: shell
            commands: [{json.dumps(command)}]
            run:
              log: {{format: generic, options: {{pattern: '^iteration (?P<iteration>\\d+)/'}}}}
              items_per_iteration: 1
              shell: true
        """) + extra, encoding="utf-8")
    return project


LOOP = "for i in 1 2 3 4 5; do echo iteration $i/5; sleep 0.1; done"


def test_a_setsid_grandchild_does_not_outlive_a_successful_run(tmp_path: Path) -> None:
    """A worker that leaves the command's session (setsid) is still stopped when the command ends."""
    assert not sleepers()
    project = shell_project(tmp_path, f"setsid {SLEEPERS} >/dev/null 2>&1 & {LOOP}", stop_after_window="false")
    done = runner(project, "fake")
    assert done.returncode == 0, done.stderr
    assert wait_gone(2) == [], "the setsid sleeper survived the run"
    assert len(list((project / "data/fake/results").glob("*.yaml"))) == 1


def test_sigkill_of_the_runner_takes_its_commands_along(tmp_path: Path) -> None:
    """The runner killed with SIGKILL cannot stop anything itself: each command's keeper does."""
    project = shell_project(tmp_path, f"echo iteration 1/9; setsid {SLEEPERS} & {SLEEPERS}")
    before = snapshot(project / "data")
    proc = subprocess.Popen([sys.executable, "-m", "runners.run", "fake", "--data", str(project / "data")],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**os.environ, "BENCHBENCH_CACHE": str(project / ".cache")})
    deadline = time.monotonic() + 30
    while len(sleepers()) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert len(sleepers()) == 2
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert wait_gone() == [], "the trainer, or its setsid child, survived the runner"
    assert snapshot(project / "data") == before


def test_sighup_stops_the_run_like_sigterm(tmp_path: Path) -> None:
    project = shell_project(tmp_path, f"echo iteration 1/9; {SLEEPERS}")
    before = snapshot(project / "data")
    proc = subprocess.Popen([sys.executable, "-m", "runners.run", "fake", "--data", str(project / "data")],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "BENCHBENCH_CACHE": str(project / ".cache")})
    deadline = time.monotonic() + 30
    while not sleepers() and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGHUP)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert "interrupted: fake/shell was stopped; nothing was recorded for it" in err
    assert wait_gone() == []
    assert snapshot(project / "data") == before


def result(implementation: str = "fake") -> Result:
    return Result(implementation=implementation, recorded="2026-01-01T00:00:00Z", status="measured",
                  provenance=Provenance(by="tests"), samples=[1.0])


def bench_folder(tmp_path: Path) -> tuple[Path, Path]:
    data = tmp_path / "data"
    (data / "fake").mkdir(parents=True)
    return data, data / "fake"


def test_a_signal_during_publishing_waits_until_the_result_is_complete(tmp_path: Path) -> None:
    """SIGTERM sent while the files are linked is held back: the result is complete, and the caller knows."""
    data, folder = bench_folder(tmp_path)
    log = tmp_path / "run.log"
    log.write_text("iteration 1\n")
    published: list[Path] = []

    def interrupt_now(path: Path) -> None:
        published.append(path)
        os.kill(os.getpid(), signal.SIGTERM)  # arrives inside the publishing section

    with pytest.raises(Interrupted), interruptible():
        record(folder, data, "fake", [result()], log.read_bytes(), "a header", on_published=interrupt_now)
        time.sleep(1)  # not reached: the held-back signal arrives as the section ends
    (path,) = published
    assert path.is_file() and (folder / "results/logs" / path.name.replace(".yaml", ".log.gz")).is_file()
    assert not list((folder / "results").glob(".recording-*"))


#: A child that records one result, with ``HOOK`` (code defining ``patch(rec)``) run first: it makes the
#: recorder kill itself with SIGKILL at a chosen moment.
DIE_WHILE_RECORDING = """\
import os, signal, sys
sys.path.insert(0, {repo!r})
from pathlib import Path
from sphinx_benchbench.runners.record import named, unnamed
from tests.test_faults import result
def die():
    os.kill(os.getpid(), signal.SIGKILL)
{hook}
log = Path({log!r}); log.write_text("iteration 1\\n")
from sphinx_benchbench.runners.record import record
record(Path({folder!r}), Path({data!r}), "fake", [result()], log.read_bytes(), "h")
"""

#: Killed once the log has its name, before the result has one (files without a name).
KILL_AFTER_THE_LOG = """\
real = unnamed.Unnamed.link
def link_then_die(self, dst):
    done = real(self, dst)
    if dst.name.endswith(".log.gz"):
        die()
    return done
unnamed.Unnamed.link = link_then_die
"""
#: The same where files without a name cannot be made (the temporary folder of named files).
KILL_AFTER_THE_LOG_NAMED = """\
def no_unnamed(folder, data):
    raise unnamed.Unsupported(95, "not here")
unnamed.write = no_unnamed
real = named.NamedFile.link
def link_then_die(self, dst):
    done = real(self, dst)
    if dst.name.endswith(".log.gz"):
        die()
    return done
named.NamedFile.link = link_then_die
"""
#: Killed with both files written and flushed, before either has a name.
KILL_BEFORE_ANY_NAME = """\
def die_instead(self, dst):
    die()
unnamed.Unnamed.link = die_instead
"""
#: Killed the moment both files are written and flushed (only two mkdir calls, for a first recording, then
#: the links come after that).
KILL_BEFORE_THE_FOLDERS = """\
real = unnamed.write
written = []
def write_then_die(folder, data):
    staged = real(folder, data)
    written.append(staged)
    if len(written) == 2:
        die()
    return staged
unnamed.write = write_then_die
"""


def _die_while_recording(tmp_path: Path, folder: Path, data: Path, hook: str) -> None:
    script = tmp_path / "die.py"
    script.write_text(DIE_WHILE_RECORDING.format(repo=str(REPO), log=str(tmp_path / "run.log"), folder=str(folder),
                                                 data=str(data), hook=hook), encoding="utf-8")
    done = subprocess.run([sys.executable, str(script)], cwd=REPO, check=False, timeout=60)
    assert done.returncode == -signal.SIGKILL


@pytest.mark.parametrize("hook", [KILL_AFTER_THE_LOG, KILL_AFTER_THE_LOG_NAMED], ids=["unnamed", "named"])
def test_sigkill_between_the_log_and_the_result_is_undone_at_the_next_start(tmp_path: Path, hook: str) -> None:
    """A recorder killed after linking the log but before the result leaves a log without its result; the
    next recording, holding the benchmark's lock, knows no live runner is publishing it and removes it."""
    data, folder = bench_folder(tmp_path)
    (folder / "results/logs").mkdir(parents=True)
    kept = folder / "results/logs/notes.log.gz"  # a log someone put there by hand: not named as ours, kept
    kept.write_bytes(b"x")
    before = snapshot(data)
    _die_while_recording(tmp_path, folder, data, hook)
    assert list((folder / "results/logs").glob("2*.log.gz")), "the orphan log the kill left"
    record(folder, data, "fake", [result()], None, "h")  # the next start
    assert not list((folder / "results/logs").glob("2*.log.gz")), "the orphan log is taken back"
    assert not list((folder / "results").glob(".recording-*"))
    after = snapshot(data)
    assert len(after) == len(before) + 1 and set(before) < set(after), "exactly the new, complete result"


@pytest.mark.parametrize("first", [True, False], ids=["first-recording", "later-recording"])
def test_sigkill_before_the_names_are_made_leaves_nothing(tmp_path: Path, first: bool) -> None:
    """With its log and result written and flushed but not yet named, a recorder killed with SIGKILL leaves
    nothing at all: no temporary file, no folder (not even results/ for a benchmark's first recording), not
    even for the next start to clean."""
    data, folder = bench_folder(tmp_path)
    if not first:
        record(folder, data, "fake", [result()], b"iteration 1\n", "h")
    before = snapshot(data)
    entries = sorted(p.relative_to(data) for p in data.rglob("*"))
    _die_while_recording(tmp_path, folder, data, KILL_BEFORE_THE_FOLDERS if first else KILL_BEFORE_ANY_NAME)
    assert snapshot(data) == before
    assert sorted(p.relative_to(data) for p in data.rglob("*")) == entries


def test_a_log_a_results_file_mentions_is_not_an_orphan(tmp_path: Path) -> None:
    """Results merged into one file by hand keep their logs: a log is taken for a dead recording's only
    when no results file refers to it."""
    data, folder = bench_folder(tmp_path)
    first = record(folder, data, "fake", [result()], b"iteration 1\n", "h")
    merged = folder / "results/merged.yaml"
    merged.write_text(first.read_text(encoding="utf-8"), encoding="utf-8")
    first.unlink()
    before = snapshot(data)
    record(folder, data, "fake", [result()], None, "h")
    after = snapshot(data)
    assert len(after) == len(before) + 1 and set(before) < set(after)


def test_a_failed_recording_leaves_no_folder_behind(tmp_path: Path) -> None:
    data, folder = bench_folder(tmp_path)
    with pytest.raises(RecordError, match="refusing to record invalid data"):
        record(folder, data, "fake", [result("Not An Id")], None, "h")
    assert list(folder.iterdir()) == [], "results/ and results/logs/ were made by it, and are gone"


def _without_coverage(env: os._Environ[str]) -> dict[str, str]:
    """The environment without coverage's hooks: under the file-size limit coverage could
    not write its own data file, and that failure is not the one under test."""
    return {k: v for k, v in env.items() if not k.startswith("COVERAGE")}


def test_a_full_disk_fails_the_recording_and_changes_nothing(tmp_path: Path) -> None:
    """The file-size limit makes every write past 1 KiB fail (EFBIG), as a full disk does."""
    project = make_project(tmp_path, {"fake": ("generic", "--format generic --iterations 70 --seconds 0.005")},
                           options="{pattern: '^iteration (?P<iteration>\\d+)/'}")
    before = snapshot(project / "data")

    def small_files() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (1024, 1024))

    done = subprocess.run([sys.executable, "-m", "runners.run", "fake", "--data", str(project / "data")],
                          cwd=REPO, capture_output=True, text=True, timeout=120, preexec_fn=small_files,
                          env={**_without_coverage(os.environ), "BENCHBENCH_CACHE": str(project / ".cache")})
    assert done.returncode == 1
    assert "FAILED fake/fake" in done.stderr and "Traceback" not in done.stderr
    assert snapshot(project / "data") == before
    assert not list((project / "data/fake").rglob(".recording-*"))


def test_a_huge_output_line_makes_a_short_failure_message(tmp_path: Path) -> None:
    project = shell_project(tmp_path, "python -c \"print('x' * 3_000_000); raise SystemExit(3)\"")
    done = runner(project, "fake")
    assert done.returncode == 1
    assert "exited with status 3" in done.stderr
    assert len(done.stderr) < 20_000


def test_leftovers_of_a_dead_runner_are_removed_whatever_their_age(tmp_path: Path) -> None:
    from sphinx_benchbench.runners.record import remove_leftovers
    from sphinx_benchbench.runners.record.named import host as _host

    _, folder = bench_folder(tmp_path)
    dead = subprocess.Popen(["true"])
    dead.wait()
    stale = folder / "results" / f".recording-{dead.pid}-{_host()}-abc"
    stale.mkdir(parents=True)
    alive = folder / "results" / f".recording-{os.getpid()}-{_host()}-def"
    alive.mkdir()
    elsewhere = folder / "results" / f".recording-{dead.pid}-0000ffff-ghi"
    elsewhere.mkdir()
    done = remove_leftovers(folder / "results")
    assert not stale.exists() and alive.exists() and elsewhere.exists(), done
    hour_ago = time.time() - 3700
    os.utime(elsewhere, (hour_ago, hour_ago))
    remove_leftovers(folder / "results")
    assert not elsewhere.exists(), "another host's folder goes once it is an hour old"


# Processes that could outlive the runner, publishing under signals, odd input, Ctrl-C at its edges.


def _start(project: Path, covered: bool = True, **env: str) -> subprocess.Popen[str]:
    """The runner on ``project``'s ``fake`` benchmark, in the background (``covered``: with coverage's
    hooks, whose own start-up inside ``site`` a signal sent that early would interrupt instead)."""
    base = os.environ if covered else _without_coverage(os.environ)
    return subprocess.Popen([sys.executable, "-m", "runners.run", "fake", "--data", str(project / "data")],
                            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**base, "BENCHBENCH_CACHE": str(project / ".cache"), **env})


def _until(test: Callable[[], object], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not test() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert test(), "the state waited for never came"


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGKILL])
def test_a_hanging_environment_probe_does_not_outlive_the_runner(tmp_path: Path, sig: int) -> None:
    """nvidia-smi hangs (a wedged driver) while the environment is captured, after the measured run; the
    runner is stopped or killed then: neither the probe nor the child it waits for lives on."""
    (smi := tmp_path / "bin/nvidia-smi").parent.mkdir()
    smi.write_text(f"#!/bin/sh\n{SLEEPERS}\necho never\n")
    smi.chmod(0o755)
    project = shell_project(tmp_path, LOOP)
    with (project / "data/fake/benchmark.yaml").open("a") as f:
        f.write(f"    env: {{PATH: '{smi.parent}:/usr/local/bin:/usr/bin:/bin'}}\n")
    before = snapshot(project / "data")
    proc = _start(project)
    _until(sleepers)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == (130 if sig != signal.SIGKILL else -sig), err
    assert wait_gone(5) == [], "the probe outlived the runner"
    assert snapshot(project / "data") == before


@pytest.mark.parametrize("stop_runner", [False, True])
def test_a_command_that_kills_its_keeper_leaves_nothing_behind(tmp_path: Path, stop_runner: bool) -> None:
    """``kill -9 $PPID`` takes the keeper away; its setsid worker comes back to the runner, which ends it
    after the command, or when it is itself stopped."""
    if stop_runner:
        command = f"kill -9 $PPID; setsid {SLEEPERS} >/dev/null 2>&1 & echo iteration 1/9; {SLEEPERS}"
    else:
        command = f"setsid {SLEEPERS} >/dev/null 2>&1 & {LOOP}; kill -9 $PPID"
    project = shell_project(tmp_path, command, stop_after_window="false")
    proc = _start(project)
    if stop_runner:
        _until(lambda: len(sleepers()) == 2)
        proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == (130 if stop_runner else 1), err
    assert "FAILED fake/shell: command killed by signal 9" in err or stop_runner, err
    assert sleepers() == [], "a worker outlived the runner"


def test_a_killed_runner_leaves_no_temporary_log(tmp_path: Path) -> None:
    """The run's log is a file without a name: a runner killed with SIGKILL leaves no copy of it."""
    project = shell_project(tmp_path, f"echo iteration 1/9; {SLEEPERS}")
    (tmp := tmp_path / "tmp").mkdir()
    proc = _start(project, TMPDIR=str(tmp))
    _until(sleepers)
    proc.send_signal(signal.SIGKILL)
    proc.communicate(timeout=30)
    assert wait_gone() == []
    assert list(tmp.iterdir()) == []


def test_two_signals_while_publishing_leave_no_temporary_folder(tmp_path: Path) -> None:
    """Two signals held back while the result is published: the first stops the caller, the second must
    not cut anything short; the temporary folder is already gone when they arrive."""
    data, folder = bench_folder(tmp_path)
    log = tmp_path / "run.log"
    log.write_text("iteration 1\n")
    published: list[Path] = []

    def interrupt_twice(path: Path) -> None:
        published.append(path)
        os.kill(os.getpid(), signal.SIGHUP)
        os.kill(os.getpid(), signal.SIGTERM)

    with pytest.raises(Interrupted), interruptible():
        record(folder, data, "fake", [result()], log.read_bytes(), "h", on_published=interrupt_twice)
    (path,) = published
    assert path.is_file() and (folder / "results/logs" / path.name.replace(".yaml", ".log.gz")).is_file()
    assert not list((folder / "results").glob(".recording-*"))


@pytest.mark.skipif(platform.machine() not in ("x86_64", "aarch64"), reason="the seccomp filter knows x86_64 "
                    "and aarch64 system call numbers only")
def test_an_append_only_results_folder_is_said(tmp_path: Path) -> None:
    """``chattr +a results/``: files without a name are named there like any file, so nothing is left; where
    they cannot be made (no hard links here), the temporary folder of named files cannot be removed, and
    the runner says so, by name, rather than leaving it in data/ unsaid."""
    project = shell_project(tmp_path, LOOP)
    results = project / "data/fake/results"
    results.mkdir()
    if subprocess.run(["chattr", "+a", str(results)], capture_output=True, check=False).returncode != 0:
        pytest.skip("chattr +a is not possible here (needs root and a file system with attributes)")
    run_main = ("import runpy, sys\nsys.argv = ['runners.run', *sys.argv[1:]]\n"
                "runpy.run_module('runners.run', run_name='__main__')\n")
    try:
        done = runner(project, "fake")
        left_unnamed = sorted(p.name for p in results.iterdir() if p.name.startswith("."))
        named = without_hard_links(run_main, "fake", "--data", str(project / "data"),
                                   env={"BENCHBENCH_CACHE": str(project / ".cache")})
        left = sorted(p.name for p in results.glob(".recording-*"))
    finally:
        subprocess.run(["chattr", "-a", str(results)], check=True)
    assert done.returncode == 0, done.stderr
    assert left_unnamed == [] and "could not be removed" not in done.stderr
    assert named.returncode == 0, named.stderr
    assert len(list(results.glob("*.yaml"))) == 2
    assert len(left) == 1
    assert f"warning: the temporary folder {results / left[0]} could not be removed" in named.stderr


def test_an_absurd_iteration_number_fails_the_run_not_the_runner(tmp_path: Path) -> None:
    project = shell_project(tmp_path, "echo iteration 1/9; sleep 0.05; echo iteration 2/9; sleep 0.05; "
                                      f"echo iteration 1{'0' * 400}/9")
    done = runner(project, "fake")
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "FAILED fake/shell: unreadable progress line: generic: an iteration number of 401 digits is past " \
           "2**53" in done.stderr


def test_a_span_past_2_53_is_refused_as_a_window_error() -> None:
    """A span a format builds from a huge number (an epoch times its length, say) is refused where spans
    are made, so no float conversion of it can overflow later."""
    with pytest.raises(WindowError, match="past 2"):
        window_time([Span(0, 10, 1.0), Span(10, 10**400, 5.0)], 2, 8)


def _caught(pid: int) -> int:
    """The signals process ``pid`` has handlers for, as /proc shows them (a bit mask)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return int(line.split()[1], 16)
    return 0


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_while_the_runner_starts_ends_it_with_130(tmp_path: Path, sig: int) -> None:
    """Sent while the runner still imports its modules: status 130 and one line, no traceback, no silence."""
    project = shell_project(tmp_path, f"echo iteration 1/9; {SLEEPERS}")
    proc = _start(project, covered=False)
    _until(lambda: _caught(proc.pid) & (1 << (signal.SIGINT - 1)))  # Python has started
    time.sleep(0.1)  # well before the imports end (about 0.5 s)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=30)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and f"interrupted ({signal.Signals(sig).name})" in err, err
    assert sleepers() == []


def test_a_second_ctrl_c_does_not_cut_the_stopping_short(tmp_path: Path) -> None:
    """The command ignores SIGTERM, so stopping it takes the keeper's grace period; a second Ctrl-C
    meanwhile is ignored: the runner still waits until nothing of the command is left, and exits 130."""
    project = shell_project(tmp_path, f"trap '' TERM; echo iteration 1/9; {SLEEPERS}")
    proc = _start(project)
    _until(sleepers)
    proc.send_signal(signal.SIGINT)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted: fake/shell was stopped; nothing was recorded for it" in err
    assert sleepers() == [], "the runner exited while the command still ran"


SETTLED = """\
import os, signal, sys
sys.path.insert(0, {repo!r})
from sphinx_benchbench.runners.cli.stopping import answering
code = answering(lambda: 3, settle={settle})
os.kill(os.getpid(), signal.SIGTERM)  # as the command's work is done and the interpreter shuts down
sys.exit(code)
"""


@pytest.mark.parametrize("settle", [True, False])
def test_a_signal_after_the_command_returned_does_not_replace_its_status(settle: bool) -> None:
    """A runner that has recorded and reported keeps its exit status when a signal arrives as it exits;
    only the process's own command settles (a main called with arguments, in a test, does not)."""
    done = subprocess.run([sys.executable, "-c", SETTLED.format(repo=str(REPO), settle=settle)], timeout=60,
                          check=False)
    assert done.returncode == (3 if settle else -signal.SIGTERM)
