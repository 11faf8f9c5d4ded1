"""A child process under its keeper (:mod:`.supervise`): the measured commands and the capture's probes.

Everything a child starts ends with it: the keeper stops its descendants,
``setsid`` ones included, when the runner stops the child and when the
runner dies, even by SIGKILL.  What escapes the keeper by killing it is
ended by the runner (:mod:`.orphans`) once the keeper is gone.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from typing import IO

from .orphans import end_orphans
from .supervise import GRACE, KEEPER

__all__ = ["Kept"]


class Kept:
    """A program under its keeper: its exit status, and a stop that reaches every process it started.

    Its stdout (with its stderr when ``merge_stderr``, else stderr is
    discarded) is :attr:`stdout`.  ``grace``: seconds its processes get
    between SIGTERM and SIGKILL when it is stopped.
    """

    def __init__(self, argv: list[str], cwd: str | None, env: Mapping[str, str] | None, *,
                 merge_stderr: bool = True, grace: float = GRACE, runs: int = 1) -> None:
        self.grace = grace
        self.runs = runs
        self.status_read, status_write = os.pipe()
        try:
            self.keeper = subprocess.Popen(
                [sys.executable, "-I", KEEPER, str(status_write), str(os.getpid()), str(grace), str(runs), "--",
                 *argv],
                cwd=cwd, env=None if env is None else dict(env), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT if merge_stderr else subprocess.DEVNULL,
                pass_fds=(status_write,), start_new_session=True,
            )
        except BaseException:
            os.close(self.status_read)
            raise
        finally:
            os.close(status_write)
        os.set_blocking(self.status_read, False)
        self.returncode: int | None = None
        #: The command's own wall time of each run, from its start to its exit (the keeper's measure).
        self.times: list[float] = []
        #: Why the program could not be started (its errno and text), if it could not.
        self.unstartable: OSError | None = None
        self._status = b""

    @property
    def stdout(self) -> IO[bytes]:
        assert self.keeper.stdout is not None
        return self.keeper.stdout

    def exited(self) -> bool:
        """Whether the command has exited (its descendants may live on); reads the keeper's reports."""
        if self.returncode is None:
            gone = self.keeper.poll() is not None  # first: then all it reported is in the pipe
            try:
                while chunk := os.read(self.status_read, 4096):
                    self._status += chunk
            except BlockingIOError:
                pass
            *lines, rest = self._status.decode(errors="replace").split("\n")
            self._status = rest.encode()
            for line in lines:
                word, *rest_ = line.split(" ", 2)
                if word == "unstartable" and len(rest_) == 2 and rest_[0].isdigit():
                    self.unstartable = OSError(int(rest_[0]), rest_[1])
                elif word == "exit" and len(rest_) == 2 and rest_[0].lstrip("-").isdigit():
                    code = int(rest_[0])
                    self.times.append(float(rest_[1]))
                    if code != 0 or len(self.times) == self.runs:  # the last run, or the one that failed
                        self.returncode = code
            if self.returncode is None and gone:  # the keeper exited without an exit report (killed, say)
                self.returncode = self.keeper.returncode
        return self.returncode is not None

    def wait(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the command to exit; False if it has not."""
        deadline = time.monotonic() + max(timeout, 0)
        with selectors.DefaultSelector() as sel:
            sel.register(self.status_read, selectors.EVENT_READ)
            while not self.exited():
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                sel.select(remaining)
        return True

    def halt(self) -> None:
        """Stop the command and everything it started (SIGTERM, then SIGKILL after the grace period).

        The keeper does it, so that nothing escapes through ``setsid``; it is
        gone only once every descendant is.  Should it not answer, its
        session is killed, which is what can be done without it.
        """
        if self.keeper.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                self.keeper.send_signal(signal.SIGTERM)
            try:
                self.keeper.wait(self.grace + 5)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(self.keeper.pid, signal.SIGKILL)
                self.keeper.wait()

    def stop(self) -> None:
        """:meth:`halt`, then release the pipes and end what escaped by killing the keeper (:func:`.end_orphans`)."""
        self.halt()
        self.exited()
        os.close(self.status_read)
        if self.keeper.stdout is not None:
            self.keeper.stdout.close()
        end_orphans(self.grace)
