"""Run an implementation's commands and time its progress lines as they arrive.

The child's stdout and stderr are read together, unbuffered (``PYTHONUNBUFFERED``),
and split on ``\\n`` and ``\\r`` (progress bars redraw with ``\\r``).  Each line
is stamped with :func:`time.monotonic` the moment its terminator arrives and
fed to the implementation's log parser.  The child runs in its own session,
so a timeout or an interrupt stops it and everything it started.  No shell is
used unless the implementation asks for one.
"""

from __future__ import annotations

import os
import re
import selectors
import shlex
import shutil
import time
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO

from ..logformats import LogFormatError, LogParser
from .kept import Kept

__all__ = ["STAMPED", "RunOutcome", "Sample", "run_commands", "stamped"]

#: Lines of output kept for failure messages, and the most characters of each (the log keeps them whole).
TAIL_LINES = 20
TAIL_WIDTH = 400
#: Longest line kept, in bytes; a longer one keeps its end.
MAX_LINE = 1 << 20
#: Seconds of silence after which output from processes a successful command left behind is
#: taken to have ended (a trainer whose launcher returned may be silent while it loads).
QUIET_AFTER_EXIT = 120.0
#: The same after a failed command, whose outcome is known already.
QUIET_AFTER_FAILURE = 1.0


#: A line of a run's log: the seconds since the run started, then the line as it arrived.
STAMPED = re.compile(r"^\[\+(\d+(?:\.\d+)?)\] (.*)$")


def stamped(seconds: float, text: str) -> str:
    """A log line as :data:`STAMPED` reads it back (``runners.parse`` times saved logs by it)."""
    return f"[+{seconds:.6f}] {text}\n"


@dataclass(frozen=True)
class Sample:
    """A progress line: when it arrived and the completed iterations it reported."""

    time: float
    iteration: int


@dataclass
class RunOutcome:
    """What happened to one run."""

    ok: bool
    reason: str = ""
    returncode: int | None = None
    samples: list[Sample] = field(default_factory=list)
    #: Named groups of the first line matching ``watch``, if any.
    watched: dict[str, str] | None = None
    tail: deque[str] = field(default_factory=lambda: deque(maxlen=TAIL_LINES))
    #: Each command's own wall time, from its start to its exit, as the keeper measured it.
    command_seconds: list[float] = field(default_factory=list)
    #: Whether the runner stopped the child once it had read what it needed (``stop_at``).
    stopped: bool = False


def argv_of(command: str, shell: bool) -> list[str]:
    """The argument list for a command: split like a shell would, or run by one when asked."""
    if shell:
        bash = shutil.which("bash")
        # globstar: the data's set-up steps use ``**/*.py`` as in the published pages.
        # pipefail: 'train.py | tee log' must fail when train.py does, not when tee does.
        return [bash, "-O", "globstar", "-o", "pipefail", "-c", command] if bash else ["/bin/sh", "-c", command]
    return shlex.split(command)


def run_commands(
    commands: Sequence[str],
    *,
    env: Mapping[str, str],
    cwd: str,
    shell: bool,
    timeout: float,
    parser: LogParser | None,
    log: IO[str] | None = None,
    on_line: Callable[[Sample | None, str], None] | None = None,
    watch: re.Pattern[str] | None = None,
    stop_at: int | None = None,
    runs: int = 1,
    on_run: Callable[[int, float], None] | None = None,
) -> RunOutcome:
    """Run ``commands`` in order; stop at the first failure.

    :param parser: reads progress; ``None`` for set-up steps (output kept, not parsed).
    :param log: receives every line as ``[+seconds] text``, seconds since the start.
    :param on_line: called with each line's sample (or ``None``) for progress display.
    :param watch: a pattern whose first matching line's named groups end up in ``watched``.
    :param stop_at: once the last command has completed this iteration (and ``watch`` has
        matched, if given), stop it: a training schedule of 90 000 iterations need not finish to
        measure iterations 100-500.
    :param runs: run the one command this many times back to back under one keeper, each run's time in
        ``command_seconds`` (:mod:`.supervise`); ``timeout`` is then for each run.
    :param on_run: called with each run's number and time the moment it ends (for progress display).
    :raises Interrupted: (or KeyboardInterrupt) after stopping the child, when the runner is interrupted.
    """
    if runs > 1 and len(commands) != 1:
        raise ValueError("runs back to back are of one command")
    outcome = RunOutcome(ok=True)
    start = time.monotonic()
    deadline = start + timeout * runs
    full_env = {**env, "PYTHONUNBUFFERED": "1"}
    reader = _Reader(start, parser, log, on_line, watch, outcome, on_run=on_run)
    for n, command in enumerate(commands, 1):
        reader.stop_at = stop_at if n == len(commands) else None  # the last command is the measured one
        reader.reported = 0
        try:
            argv = argv_of(command, shell)
        except ValueError as exc:
            return RunOutcome(False, f"cannot split command {command!r}: {exc}")
        if log:
            log.write(stamped(time.monotonic() - start, f"$ {command}"))
        try:
            child = Kept(argv, cwd, full_env, runs=runs)
        except (OSError, ValueError) as exc:  # ValueError: a NUL byte or '=' in the environment
            outcome.ok, outcome.reason = False, f"cannot start {argv[0]!r}: {getattr(exc, 'strerror', None) or exc}"
            break
        try:
            reason = reader.pump(child, deadline)
            # The output has ended; the command may still run (it closed stdout).
            if not reason and not outcome.stopped and not child.wait(deadline - time.monotonic()):
                reason = f"timed out after {deadline - start:.0f} s"
            reader.report_runs(child)
        except BaseException:
            child.stop()
            raise
        child.stop()  # also what it left running (a server started with '&', a setsid worker)
        if child.unstartable:
            outcome.ok, outcome.reason = False, f"cannot start {argv[0]!r}: {child.unstartable.strerror}"
            break
        if reason:
            outcome.ok, outcome.reason = False, reason
            break
        if outcome.stopped:
            if log:
                log.write(stamped(time.monotonic() - start, "(stopped by the runner: the window has been read)"))
            break
        outcome.returncode = child.returncode
        outcome.command_seconds += child.times
        if outcome.returncode != 0:
            code = outcome.returncode
            how = (f"killed by signal {-code}" if code is not None and code < 0 else f"exited with status {code}")
            which = f"run {len(child.times)} of {runs}: " if runs > 1 else ""
            outcome.ok, outcome.reason = False, f"{which}{shlex.split(command)[0] if not shell else 'command'} {how}"
            break
    return outcome


@dataclass
class _Reader:
    """Reads one run's output: stamps, logs, watches and parses each line."""

    start: float
    parser: LogParser | None
    log: IO[str] | None
    on_line: Callable[[Sample | None, str], None] | None
    watch: re.Pattern[str] | None
    outcome: RunOutcome
    #: The iteration after which the command is stopped, or None (set per command).
    stop_at: int | None = None
    #: Called with each run's number and time as it ends (runs back to back).
    on_run: Callable[[int, float], None] | None = None
    #: How many runs of the current command were passed to ``on_run``.
    reported: int = 0

    def pump(self, child: Kept, deadline: float) -> str:
        """Read the child's output until it closes; return a failure reason or ''."""
        fd = child.stdout.fileno()
        os.set_blocking(fd, False)
        pending = bytearray()
        last_data = time.monotonic()
        with selectors.DefaultSelector() as sel:
            sel.register(fd, selectors.EVENT_READ)
            if self.on_run is not None:  # each run's end, as the keeper reports it
                sel.register(child.status_read, selectors.EVENT_READ)
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return f"timed out after {deadline - self.start:.0f} s"
                ready = sel.select(min(remaining, 0.5))
                if self.on_run is not None and any(key.fd == child.status_read for key, _ in ready):
                    if child.exited() or child.keeper.poll() is not None:
                        sel.unregister(child.status_read)  # all reported; at its end the pipe stays readable
                    self.report_runs(child)
                    if all(key.fd == child.status_read for key, _ in ready):
                        continue
                if not ready:
                    # The child has exited but something it started keeps the pipe open: a
                    # server started with '&', or the trainer of a launcher that returned.
                    # After a failure nothing more is needed; after a success the trainer may
                    # still be loading, so only a long silence ends the reading.
                    if child.exited():
                        quiet = QUIET_AFTER_FAILURE if child.returncode else QUIET_AFTER_EXIT
                        if time.monotonic() - last_data > quiet:
                            break
                    continue
                try:
                    chunk = os.read(fd, 65536)
                except BlockingIOError:
                    continue
                now = last_data = time.monotonic()
                if not chunk:
                    break
                pending += chunk
                if b"\n" not in chunk and b"\r" not in chunk:
                    if len(pending) > MAX_LINE:  # a line without end: keep its tail, where progress is
                        del pending[:-MAX_LINE]
                    continue
                *lines, rest = bytes(pending).replace(b"\r\n", b"\n").replace(b"\r", b"\n").split(b"\n")
                pending = bytearray(rest)
                for raw in lines:
                    reason = self.line(raw, now)
                    if reason:
                        return reason
                if self.outcome.stopped:  # after the whole chunk: its lines arrived together
                    return ""
        return self.line(bytes(pending), time.monotonic()) if pending else ""

    def report_runs(self, child: Kept) -> None:
        """Pass the runs the keeper reported since the last call to ``on_run``."""
        if self.on_run is not None:
            for n in range(self.reported, len(child.times)):
                self.on_run(n + 1, child.times[n])
            self.reported = len(child.times)

    def line(self, raw: bytes, now: float) -> str:
        """Handle one line that arrived at ``now``; return a failure reason or ''."""
        text = raw.decode("utf-8", errors="replace")
        if not text.strip():
            return ""
        outcome = self.outcome
        short = text if len(text) <= TAIL_WIDTH else f"{text[:TAIL_WIDTH // 2]} ... {text[-TAIL_WIDTH // 2:]}"
        outcome.tail.append(short)
        if self.log:
            self.log.write(stamped(now - self.start, text))
        if self.watch is not None and outcome.watched is None and (match := self.watch.search(text)):
            outcome.watched = match.groupdict()
        sample = None
        if self.parser is not None:
            try:
                progress = self.parser.feed(text)
            except LogFormatError as exc:
                return f"unreadable progress line: {exc}"
            except Exception as exc:  # a parser bug must fail this run, not the whole runner
                return f"the {self.parser.name} log parser failed on {text[:200]!r}: {exc!r}"
            if progress is not None:
                sample = Sample(now, progress.iteration)
                outcome.samples.append(sample)
        if self.on_line:
            self.on_line(sample, text)
        if self.stop_at is not None:
            reached = bool(outcome.samples) and outcome.samples[-1].iteration >= self.stop_at
            outcome.stopped = reached and (self.watch is None or outcome.watched is not None)
        return ""
