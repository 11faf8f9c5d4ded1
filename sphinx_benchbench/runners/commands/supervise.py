"""A keeper for each command: everything the command starts ends with it, even when the runner is killed.

A process group is not enough to find a command's processes: a trainer's
worker started with ``setsid`` leaves it, and a runner killed with SIGKILL
cannot stop anything.  So each command runs under a small keeper process
(this file, run as a script with ``python -I``, so it costs a few
milliseconds and imports nothing of this project):

* it becomes a *child subreaper* (``prctl(PR_SET_CHILD_SUBREAPER)``): every
  descendant that loses its parent, ``setsid`` or not, is re-parented to it,
  so all of them can be found by walking ``/proc`` from it;
* it asks for SIGTERM when its parent dies (``PR_SET_PDEATHSIG``), so a runner
  killed with SIGKILL still takes its commands along;
* it starts the command (``posix_spawn``) in a session of its own, reports its
  exit status and wall time on a pipe (``exit N SECONDS``, or ``unstartable
  ERRNO TEXT`` when it cannot be started; the wall time is from its spawn to its
  exit, as hyperfine measures, so the keeper's own start-up is not in it) as
  soon as it exits, and stays while descendants live -- a launcher may return while its
  trainer still writes the log;
* asked for several runs (``RUNS``), it starts the command again the moment
  it exited successfully, reporting each run, as hyperfine runs a command
  back to back: anything between two runs (even this keeper's own start-up)
  leaves the machine's caches and processor states colder than a command
  that follows itself, which slows a command of a few milliseconds by several
  per cent.  What a run left running is stopped before the next one starts;
* on SIGTERM (the runner stopping the run, or the runner gone) it stops every
  descendant: SIGTERM, then SIGKILL after a grace period, and exits once none
  is left.

The command's own output is inherited unchanged: the keeper writes nothing to
it.  Without ``prctl`` (not Linux) the keeper still stops the command's
session, which is what a process group alone can do.  A command that kills
the keeper itself hands its descendants to the runner (:mod:`.orphans`).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time

__all__ = ["GRACE", "KEEPER", "PR_SET_CHILD_SUBREAPER", "PR_SET_PDEATHSIG", "descendants", "set_prctl"]

#: Seconds descendants get to exit after SIGTERM before SIGKILL.
GRACE = 5.0
#: The keeper's program: ``python -I KEEPER STATUS_FD PARENT_PID GRACE RUNS -- ARGV...``.
KEEPER = os.path.abspath(__file__)
_STOPPING = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class _Stop(Exception):
    """Raised by the signal handler out of the wait, to stop everything."""


def _stop(signum: int, frame: object) -> None:
    raise _Stop


#: ``prctl`` options (linux/prctl.h): orphans below this process become its children; a signal when the
#: parent dies.
PR_SET_CHILD_SUBREAPER = 36
PR_SET_PDEATHSIG = 1


def set_prctl(option: int, value: int) -> bool:
    """``prctl(option, value)``; False where it failed or there is none (not Linux)."""
    try:
        import ctypes

        return int(ctypes.CDLL(None, use_errno=True).prctl(option, value, 0, 0, 0)) == 0
    except (OSError, AttributeError):  # not Linux: the command's session is still stopped
        return False


def descendants() -> list[int]:
    """Every live process below this one, from ``/proc`` (parents first)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and fields[0] != b"Z":
            children.setdefault(int(fields[1]), []).append(int(entry))
    found, todo = [], [os.getpid()]
    while todo:
        for pid in children.get(todo.pop(), ()):
            found.append(pid)
            todo.append(pid)
    return found


class _Keeper:
    def __init__(self, status_fd: int, grace: float) -> None:
        self.status_fd = status_fd
        self.grace = grace
        self.child = 0
        self.code: int | None = None
        self.started = 0.0

    def report(self, text: str) -> None:
        with contextlib.suppress(OSError):  # the runner is gone; the work is the same
            os.write(self.status_fd, (text + "\n").encode())

    def reap(self, block: bool) -> bool:
        """Reap children; False when none is left."""
        while True:
            try:
                pid, status = os.waitpid(-1, 0 if block else os.WNOHANG)
            except ChildProcessError:
                return False
            if pid == 0:
                return True
            if pid == self.child and self.code is None:
                elapsed = time.perf_counter() - self.started
                self.code = os.waitstatus_to_exitcode(status)
                self.report(f"exit {self.code} {elapsed:.9f}")
            if block:
                return True

    def signal_all(self, sig: int) -> None:
        with contextlib.suppress(OSError):
            os.killpg(self.child, sig)
        for pid in descendants():
            with contextlib.suppress(OSError):
                os.kill(pid, sig)

    def start(self, argv: list[str]) -> None:
        # posix_spawn, not os.fork: forking this Python costs 2-3 ms of copied page tables and
        # after-fork work before the exec, which would be in the command's time (hyperfine
        # spawns too).  The command gets a session of its own and default signal handling.
        os.set_inheritable(self.status_fd, False)
        self.code = None
        self.started = time.perf_counter()  # the command's wall time: from its start to its exit, as hyperfine's
        try:
            self.child = os.posix_spawnp(argv[0], argv, os.environ, setsid=True, setsigdef=_STOPPING)
        except OSError as exc:
            os.write(2, f"cannot start {argv[0]!r}: {exc.strerror or exc}\n".encode())
            self.report(f"unstartable {exc.errno or 0} {exc.strerror or exc}")
            raise SystemExit(127) from None

    def release_output(self) -> None:
        """The output pipe is the commands': release our ends of it once the last is started."""
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.dup2(null, 2)

    def run(self, argv: list[str], runs: int) -> None:
        """Run the command ``runs`` times back to back, until one fails; then wait for every descendant."""
        for n in range(1, runs + 1):
            self.start(argv)
            if n == runs:
                break
            while self.code is None and self.reap(True):
                pass
            if self.code != 0:
                break
            if self.reap(False):  # a run left processes behind: they end before the next run starts
                self.end_all(stopping=False)
        self.release_output()
        while self.reap(True):  # until no process below us is left
            pass

    def end_all(self, stopping: bool = True) -> None:
        """Stop every descendant: SIGTERM, then SIGKILL after the grace period.  When the keeper itself is
        ``stopping``, a second stopping signal is ignored, so that nothing cuts this short."""
        if stopping:
            for sig in _STOPPING:
                signal.signal(sig, signal.SIG_IGN)
        self.signal_all(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        while time.monotonic() < deadline and self.reap(False) and descendants():
            time.sleep(0.02)
        self.signal_all(signal.SIGKILL)
        while self.reap(True):
            pass


def main(args: list[str]) -> int:
    status_fd, parent, grace, runs, argv = int(args[0]), int(args[1]), float(args[2]), int(args[3]), args[5:]
    set_prctl(PR_SET_CHILD_SUBREAPER, 1)  # orphans below us become our children
    set_prctl(PR_SET_PDEATHSIG, signal.SIGTERM)  # SIGTERM when the runner dies
    if os.getppid() != parent:  # the runner died before PDEATHSIG was set
        return 143
    keeper = _Keeper(status_fd, grace)
    for sig in _STOPPING:
        signal.signal(sig, _stop)
    try:
        keeper.run(argv, runs)
    except _Stop:
        keeper.end_all()
    code = keeper.code
    return code if code is not None and code >= 0 else 128 + (-code if code else signal.SIGTERM)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
