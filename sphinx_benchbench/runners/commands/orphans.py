"""Processes that escaped their keeper come back to the runner, which ends them after each command.

A command that kills its own keeper (``kill -9 $PPID`` in a clean-up step,
``pkill -f supervise``) takes away the subreaper its ``setsid`` workers were
re-parented to: they would be re-parented to init and run on after the
runner.  So the runner itself becomes a child subreaper
(``prctl(PR_SET_CHILD_SUBREAPER)``, Linux): such orphans become its children,
and :func:`end_orphans`, called once a command's keeper is gone and when the
runner exits, stops and reaps every process left below it.

The limit: a runner killed with SIGKILL runs no code, so an orphan that had
already lost its keeper is then re-parented to init and lives on (only a
cgroup could hold it).  Commands that leave their keeper alone are not
concerned: their keeper is told of the runner's death by the kernel.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time

from .supervise import GRACE, PR_SET_CHILD_SUBREAPER, descendants, set_prctl

__all__ = ["adopt_orphans", "end_orphans"]

#: Seconds SIGKILL is repeated for before a process that does not die (stuck in the kernel) is left.
_KILL_FOR = 5.0

_adopting = False


def adopt_orphans() -> None:
    """Make this process (the runner) a child subreaper, where the system has such a thing (Linux)."""
    global _adopting
    _adopting = set_prctl(PR_SET_CHILD_SUBREAPER, 1)


def end_orphans(grace: float = GRACE) -> None:
    """Stop (SIGTERM, SIGKILL after ``grace`` seconds) and reap every process left below this one.

    Only in a runner that :func:`adopt_orphans`, and only where it has no
    child of its own left (each command's keeper has been waited for): every
    child then is an adopted orphan, so reaping any child takes no exit
    status that a ``subprocess.Popen`` still waits for.
    """
    if not _adopting:
        return
    left = descendants()
    for sig, seconds in ((signal.SIGTERM, grace), (signal.SIGKILL, _KILL_FOR)):
        sent: set[int] = set()
        deadline = time.monotonic() + seconds
        while left and time.monotonic() < deadline:
            for pid in left:
                if pid not in sent or sig == signal.SIGKILL:  # SIGTERM once each, SIGKILL until it is gone
                    sent.add(pid)
                    with contextlib.suppress(OSError):
                        os.kill(pid, sig)
            time.sleep(0.02)
            _reap()
            left = descendants()
    _reap()


def _reap() -> None:
    """Reap every child that has exited."""
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
