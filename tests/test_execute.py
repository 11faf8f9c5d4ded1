"""``runners/commands/execute.py`` directly: real commands under their keeper, their lines stamped and parsed.

Each test runs real child processes (``sh``, ``bash`` and this interpreter) through
:func:`run_commands` and checks what came back: the samples and the times they
arrived, the log, the watched groups, the reason of each kind of failure, and
that nothing a command started outlives it.
"""

from __future__ import annotations

import io
import itertools
import os
import re
import shlex
import signal
import sys
import time
from pathlib import Path
from typing import Any, ClassVar

import pytest

from sphinx_benchbench.runners.commands.execute import (
    MAX_LINE,
    STAMPED,
    TAIL_LINES,
    TAIL_WIDTH,
    RunOutcome,
    Sample,
    argv_of,
    run_commands,
    stamped,
)
from sphinx_benchbench.runners.logformats import LogParser, make_parser

PY = shlex.quote(sys.executable)
PATTERN = r"^iteration (?P<iteration>\d+)/"


def generic() -> LogParser:
    return make_parser("generic", pattern=PATTERN)


def run(commands: list[str], *, tmp_path: Path, parser: LogParser | None = None, timeout: float = 30,
        shell: bool = True, env: dict[str, str] | None = None, **kwargs: Any) -> tuple[RunOutcome, str]:
    """Run ``commands`` in ``tmp_path``; the outcome and the log text."""
    log = io.StringIO()
    outcome = run_commands(commands, env=env if env is not None else dict(os.environ), cwd=str(tmp_path),
                           shell=shell, timeout=timeout, parser=parser, log=log, **kwargs)
    return outcome, log.getvalue()


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"


def test_stamped_lines_read_back_with_their_seconds() -> None:
    """The log's ``[+seconds] text`` format, written once and read back by the pattern ``runners.parse`` uses."""
    line = stamped(12.3456789, "iter: 5 [x]")
    assert line == "[+12.345679] iter: 5 [x]\n"
    match = STAMPED.match(line.rstrip("\n"))
    assert match is not None and (float(match[1]), match[2]) == (12.345679, "iter: 5 [x]")
    assert STAMPED.match("iter: 5") is None


def test_commands_are_split_like_a_shell_or_run_by_bash() -> None:
    """Without a shell the words are split as sh would; with one, bash runs it with globstar and pipefail."""
    assert argv_of("python train.py --name 'a b' \"c d\"", shell=False) == ["python", "train.py", "--name", "a b",
                                                                          "c d"]
    argv = argv_of("train | tee log", shell=True)
    assert argv[1:] == ["-O", "globstar", "-o", "pipefail", "-c", "train | tee log"]
    assert Path(argv[0]).name == "bash"


def test_each_line_is_stamped_on_arrival_and_parsed(tmp_path: Path) -> None:
    """Five lines 0.2 s apart: five samples whose times are 0.2 s apart, the log holds every line stamped
    in order, ``on_line`` sees each line with its sample, and the command's own time is measured."""
    script = "for i in 1 2 3 4 5; do echo iteration $i/5; echo noise; sleep 0.2; done"
    seen: list[tuple[int | None, str]] = []
    outcome, log = run([script], tmp_path=tmp_path, parser=generic(),
                       on_line=lambda sample, text: seen.append((sample.iteration if sample else None, text)))
    assert outcome.ok and outcome.reason == "" and outcome.returncode == 0
    assert [s.iteration for s in outcome.samples] == [1, 2, 3, 4, 5]
    gaps = [b.time - a.time for a, b in zip(outcome.samples, outcome.samples[1:], strict=False)]
    assert all(0.15 < gap < 1.5 for gap in gaps), gaps
    assert seen == [x for i in range(1, 6) for x in ((i, f"iteration {i}/5"), (None, "noise"))]
    lines = log.splitlines()
    assert lines[0] == f"[+{float(STAMPED.match(lines[0])[1]):.6f}] $ {script}"  # type: ignore[index]
    texts = [STAMPED.match(line)[2] for line in lines[1:]]  # type: ignore[index]
    assert texts == [t for _, t in seen]
    seconds = [float(STAMPED.match(line)[1]) for line in lines]  # type: ignore[index]
    assert seconds == sorted(seconds)
    (took,) = outcome.command_seconds
    assert 1.0 <= took < 10.0, took
    assert list(outcome.tail) == [t for _, t in seen][-TAIL_LINES:]


def test_carriage_returns_split_progress_bars_and_blank_lines_are_dropped(tmp_path: Path) -> None:
    """A progress bar redrawn with ``\\r``, Windows line ends, blank lines and a last line without an end."""
    script = r"printf 'iteration 1/3\riteration 2/3\r\n\n   \niteration 3/3'"
    outcome, log = run([script], tmp_path=tmp_path, parser=generic())
    assert outcome.ok, outcome.reason
    assert [s.iteration for s in outcome.samples] == [1, 2, 3]
    assert [STAMPED.match(line)[2] for line in log.splitlines()[1:]] == [  # type: ignore[index]
        "iteration 1/3", "iteration 2/3", "iteration 3/3"]


def test_watch_keeps_the_first_match_and_stop_at_stops_the_command(tmp_path: Path) -> None:
    """A schedule of 10 000 iterations is stopped once iteration 5 is read and the watched line has come;
    the command and what it started are gone, and the log says the runner stopped it."""
    pidfile = tmp_path / "pid"
    script = (f"sleep 300 & echo $! > {pidfile}; echo 'loaded model=resnet size=50'; echo 'loaded model=other'; "
              "i=0; while [ $i -lt 10000 ]; do i=$((i+1)); echo iteration $i/10000; sleep 0.01; done")
    started = time.monotonic()
    outcome, log = run([script], tmp_path=tmp_path, parser=generic(), stop_at=5,
                       watch=re.compile(r"model=(?P<model>\w+)(?: size=(?P<size>\d+))?"))
    assert time.monotonic() - started < 20
    assert outcome.ok and outcome.stopped
    assert outcome.watched == {"model": "resnet", "size": "50"}
    assert outcome.samples[-1].iteration in range(5, 50)
    assert log.rstrip().endswith("(stopped by the runner: the window has been read)")
    assert outcome.returncode is None and outcome.command_seconds == [], "a stopped command has no exit of its own"
    assert not alive(int(pidfile.read_text())), "the sleeper it started was stopped with it"


def test_stop_at_waits_for_the_watched_line(tmp_path: Path) -> None:
    """Iteration 3 comes before the watched line: the command runs on until the line has come too."""
    script = "for i in 1 2 3 4 5 6; do echo iteration $i/6; [ $i = 5 ] && echo 'ready'; done; sleep 30"
    outcome, _ = run([script], tmp_path=tmp_path, parser=generic(), stop_at=3, watch=re.compile(r"(?P<word>ready)"))
    assert outcome.ok and outcome.stopped and outcome.watched == {"word": "ready"}
    assert outcome.samples[-1].iteration >= 5


def test_only_the_last_command_is_measured_and_stopped(tmp_path: Path) -> None:
    """The commands before the last run to their end even past ``stop_at`` (their count goes on in the next
    one); the last is stopped there."""
    first = "for i in 1 2 3 4 5 6 7 8; do echo iteration $i/12; done; echo first-done"
    outcome, log = run([first, "for i in 9 10 11 12; do echo iteration $i/12; done; sleep 30"],
                       tmp_path=tmp_path, parser=generic(), stop_at=4)
    assert outcome.ok and outcome.stopped
    assert "first-done" in log and len(outcome.command_seconds) == 1, "the first command ran to its exit"
    assert [s.iteration for s in outcome.samples][:9] == list(range(1, 10))


@pytest.mark.parametrize(("commands", "reason"), [
    (["exit 3", "echo never"], "command exited with status 3"),
    (["kill -9 $$"], "command killed by signal 9"),
])
def test_a_failing_command_stops_the_sequence_with_its_status(tmp_path: Path, commands: list[str],
                                                              reason: str) -> None:
    """The first command that fails ends the run; its exit status or signal is the reason."""
    outcome, log = run(commands, tmp_path=tmp_path)
    assert not outcome.ok and outcome.reason == reason
    assert "echo never" not in log


def test_without_a_shell_the_program_names_the_failure(tmp_path: Path) -> None:
    """Run without a shell, the program's own name says what failed; its output still reaches the log."""
    outcome, log = run([f"{PY} -c 'import sys; print(\"bye\"); sys.exit(4)'"], tmp_path=tmp_path, shell=False)
    assert not outcome.ok and outcome.reason == f"{sys.executable} exited with status 4"
    assert log.splitlines()[-1].endswith("] bye")


@pytest.mark.parametrize(("command", "env", "reason"), [
    ("no-such-program-xyz --flag", None, "cannot start 'no-such-program-xyz': No such file or directory"),
    ("echo 'unbalanced", None, "cannot split command \"echo 'unbalanced\": No closing quotation"),
    ("true", {"BAD": "a\0b"}, "cannot start 'true': embedded null byte"),
])
def test_commands_that_cannot_start_say_why(tmp_path: Path, command: str, env: dict[str, str] | None,
                                            reason: str) -> None:
    """A missing program, an unsplittable command, an environment a process cannot be given."""
    outcome, _ = run([command], tmp_path=tmp_path, shell=False, env={**os.environ, **env} if env else None)
    assert not outcome.ok and outcome.reason == reason


def test_a_missing_working_folder_cannot_start(tmp_path: Path) -> None:
    """The command's folder is gone: the keeper cannot be started there, and that is the reason."""
    outcome = run_commands(["true"], env=dict(os.environ), cwd=str(tmp_path / "gone"), shell=False, timeout=10,
                           parser=None)
    assert not outcome.ok
    assert outcome.reason == "cannot start 'true': No such file or directory"


def test_a_command_past_its_timeout_is_stopped_with_what_it_started(tmp_path: Path) -> None:
    """Silent or talking, a command past the deadline is stopped, children included."""
    pidfile = tmp_path / "pid"
    started = time.monotonic()
    outcome, _ = run([f"sleep 300 & echo $! > {pidfile}; while true; do echo tick; sleep 0.2; done"],
                     tmp_path=tmp_path, timeout=2)
    assert time.monotonic() - started < 15
    assert not outcome.ok and outcome.reason == "timed out after 2 s"
    assert not alive(int(pidfile.read_text()))
    outcome, _ = run(["exec >/dev/null 2>&1; sleep 300"], tmp_path=tmp_path, timeout=2)
    assert not outcome.ok and outcome.reason == "timed out after 2 s", "closed its output, still timed out"


def test_a_failed_command_does_not_wait_for_a_child_holding_its_output(tmp_path: Path) -> None:
    """A background child keeps the pipe open after its parent failed: the failure is known, and the run ends
    after a short quiet spell instead of waiting for the child or the timeout."""
    started = time.monotonic()
    outcome, _ = run(["sleep 300 & echo failing; exit 2"], tmp_path=tmp_path, timeout=60)
    assert time.monotonic() - started < 20
    assert not outcome.ok and outcome.reason == "command exited with status 2"


def test_an_unreadable_progress_line_fails_the_run(tmp_path: Path) -> None:
    """The log parser refuses a count going backwards (a misread log): the run fails with its words."""
    outcome, _ = run(["echo iteration 5/9; echo iteration 3/9; sleep 30"], tmp_path=tmp_path, parser=generic())
    assert not outcome.ok
    assert outcome.reason.startswith("unreadable progress line: generic: iteration went backwards from 5 to 3")
    assert [s.iteration for s in outcome.samples] == [5]


class BrokenParser(LogParser):
    """A parser with a bug (it divides by zero on a progress line): what no shipped parser should do."""

    name = "broken"
    summary = "raises on every progress line"
    description = "A parser that raises ZeroDivisionError, to stand for a bug in a log parser."
    option_defaults: ClassVar[dict[str, Any]] = {}

    def _parse(self, text: str, line: str) -> int | None:
        return 1 // 0 if text.startswith("iteration") else None


def test_a_parser_bug_fails_this_run_and_not_the_runner(tmp_path: Path) -> None:
    """An exception in a parser becomes this run's failure, naming the parser and the line; the command stops."""
    outcome, _ = run(["echo hello; echo iteration 1/2; sleep 30"], tmp_path=tmp_path, parser=BrokenParser(),
                     timeout=20)
    assert not outcome.ok
    assert outcome.reason == ("the broken log parser failed on 'iteration 1/2': "
                              "ZeroDivisionError('integer division or modulo by zero')")


def test_long_lines_are_kept_by_their_end_and_shortened_in_the_tail(tmp_path: Path) -> None:
    """3 MiB without a line end, then progress: the line keeps its last MiB (where a progress bar's
    numbers are), the failure tail shows its two ends, and the progress after it is still read."""
    script = f"{PY} -c \"import sys; sys.stdout.write('a' * {3 * MAX_LINE} + 'END'); print(); print('iteration 1/1')\""
    outcome, log = run([script], tmp_path=tmp_path, parser=generic())
    assert outcome.ok and [s.iteration for s in outcome.samples] == [1]
    long_line = STAMPED.match(log.splitlines()[1])[2]  # type: ignore[index]
    assert long_line.endswith("aEND") and MAX_LINE <= len(long_line) < MAX_LINE + 65536 + 3
    short = outcome.tail[0]
    assert short == "a" * (TAIL_WIDTH // 2) + " ... " + "a" * (TAIL_WIDTH // 2 - 3) + "END"


def test_an_interrupt_stops_the_command_and_propagates(tmp_path: Path) -> None:
    """Ctrl-C (KeyboardInterrupt) while reading stops the command and everything it started, then is raised."""
    pidfile = tmp_path / "pid"

    def interrupt(sample: Sample | None, text: str) -> None:
        if sample is not None and sample.iteration == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run([f"sleep 300 & echo $! > {pidfile}; for i in $(seq 1 1000); do echo iteration $i/1000; sleep 0.05; done"],
            tmp_path=tmp_path, parser=generic(), on_line=interrupt)
    assert not alive(int(pidfile.read_text()))


def test_a_keeper_that_dies_is_reported_by_its_own_end(tmp_path: Path) -> None:
    """Should the keeper itself be killed (SIGKILL, an OOM kill), its end is the command's outcome."""
    killed: list[int] = []

    def kill_keeper(sample: Sample | None, text: str) -> None:
        if text.startswith("keeper ") and not killed:
            killed.append(int(text.split()[1]))
            os.kill(killed[0], signal.SIGKILL)

    outcome, _ = run([f"{PY} -c 'import os, time; print(\"keeper\", os.getppid(), flush=True); time.sleep(1)'"],
                     tmp_path=tmp_path, shell=False, on_line=kill_keeper, parser=generic())
    assert killed
    assert not outcome.ok and outcome.reason == f"{sys.executable} killed by signal 9"


def test_a_keeper_that_does_not_answer_is_killed_with_its_session(tmp_path: Path) -> None:
    """A keeper that cannot answer the stop (here: stopped with SIGSTOP) is killed after the grace period."""
    stopped: list[int] = []

    def freeze_keeper(sample: Sample | None, text: str) -> None:
        if text.startswith("keeper ") and not stopped:
            stopped.append(int(text.split()[1]))
            os.kill(stopped[0], signal.SIGSTOP)

    script = "import os; print('keeper', os.getppid(), flush=True); print('iteration 1/1', flush=True)"
    started = time.monotonic()
    outcome, _ = run([f"{PY} -c {shlex.quote(script)}"], tmp_path=tmp_path, shell=False, on_line=freeze_keeper,
                     parser=generic(), stop_at=1)
    assert stopped and outcome.stopped
    assert time.monotonic() - started >= 9, "the keeper had its grace period and five seconds more"
    assert not alive(stopped[0])


# -- runs back to back ----------------------------------------------------------------------------------

#: Appends its start and end (CLOCK_MONOTONIC, the same clock in every process) to the file in argv[1],
#: sleeping 50, 250 or 450 ms by turns (far apart: an interpreter start-up under coverage varies by tens of
#: milliseconds), so that each reported time can be matched with its own run.
STAMPS = """\
import sys, time
t = time.monotonic()
n = len(open(sys.argv[1]).readlines())
time.sleep(0.2 * (n % 3) + 0.05)
open(sys.argv[1], "a").write(f"{t} {time.monotonic()}\\n")
"""


def test_runs_back_to_back_report_each_run_and_follow_each_other(tmp_path: Path) -> None:
    """One keeper, five runs: each run's own time is reported, in order, and each run starts right after the
    previous one ended."""
    stamps, script = tmp_path / "stamps", tmp_path / "stamp.py"
    stamps.touch()
    script.write_text(STAMPS, encoding="utf-8")
    outcome, _ = run([f"{PY} {shlex.quote(str(script))} {shlex.quote(str(stamps))}"], tmp_path=tmp_path,
                     shell=False, runs=5)
    assert outcome.ok, outcome.reason
    spans = [tuple(map(float, line.split())) for line in stamps.read_text().splitlines()]
    assert len(spans) == len(outcome.command_seconds) == 5
    for (start, end), seconds in zip(spans, outcome.command_seconds, strict=True):
        assert end - start <= seconds < end - start + 1.0, (start, end, seconds)
    first, second, third = outcome.command_seconds[:3]
    assert first < second < third, "50, 250 and 450 ms of sleep, in the order they ran"
    gaps = [b[0] - a[1] for a, b in itertools.pairwise(spans)]
    assert max(gaps) < 1.0, gaps


def test_runs_back_to_back_stop_at_the_first_failure_and_what_a_run_left(tmp_path: Path) -> None:
    """A run that leaves a process behind has it stopped before the next run starts; the third run fails,
    the series stops there and says which run it was."""
    pids = tmp_path / "pids"
    command = (f"sleep 300 & echo $! >> {pids}; n=$(wc -l < {pids}); "
               f"kill -0 $(head -n1 {pids}) 2>/dev/null && [ $n -gt 1 ] && exit 9; [ $n -lt 3 ]")
    outcome, _ = run([command], tmp_path=tmp_path, runs=5, timeout=20)
    assert not outcome.ok
    assert outcome.reason == "run 3 of 5: command exited with status 1", outcome.reason
    assert len(outcome.command_seconds) == 3
    assert not any(alive(int(pid)) for pid in pids.read_text().split())


def test_runs_back_to_back_are_of_one_command(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="one command"):
        run(["true", "true"], tmp_path=tmp_path, runs=2)
