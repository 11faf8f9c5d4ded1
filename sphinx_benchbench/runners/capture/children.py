"""Short child processes the capture asks (the interpreter's probe, ``nvidia-smi``, version commands).

Each runs without a shell, under a keeper, with a timeout after which it and
everything it started are killed, and its stderr is never read into a result: what reaches a warning
is masked (:func:`scrub`), because results are published.
"""

from __future__ import annotations

import getpass
import os
import re
import selectors
import signal
import socket
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from ..commands.kept import Kept

__all__ = ["Finished", "how_it_ended", "run_program", "scrub"]


@dataclass(frozen=True)
class Finished:
    """What a short child process printed and how it ended."""

    stdout: str
    returncode: int | None  # None: killed after the timeout
    error: str | None = None  # why it could not be started


def run_program(args: Sequence[str], timeout: float, env: Mapping[str, str] | None = None,
                stderr: bool = False, cwd: str | None = None) -> Finished:
    """Run a program without a shell (its stderr with stdout when ``stderr``), under a keeper.

    The keeper (:mod:`~sphinx_benchbench.runners.commands.kept`) is why a
    probe never outlives the runner: a hanging ``nvidia-smi`` is stopped,
    with whatever it started, on the timeout, when the runner is interrupted
    and when the runner is killed.  What the program printed up to then is
    kept.
    """
    try:
        child = Kept(list(args), cwd, env, merge_stderr=stderr, grace=0)
    except OSError as exc:  # the keeper could not start: a missing working directory, say
        return Finished("", None, type(exc).__name__)
    try:
        out = bytearray()
        finished = _read(child, out, time.monotonic() + timeout)
        if not finished:  # stop it and everything it started, then take what they printed meanwhile
            child.halt()
            _read(child, out, time.monotonic() + 5)
    finally:
        child.stop()  # at once when it has exited; also on an interrupt
    if child.unstartable is not None:
        return Finished("", None, type(child.unstartable).__name__)
    return Finished(out.decode("utf-8", "replace"), child.returncode if finished else None)


def _read(child: Kept, out: bytearray, deadline: float) -> bool:
    """Add the child's output to ``out`` until it ends; whether the child has exited by ``deadline``."""
    fd = child.stdout.fileno()
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        while (remaining := deadline - time.monotonic()) > 0:
            if not sel.select(remaining):
                continue
            chunk = os.read(fd, 65536)
            if not chunk:
                return child.wait(deadline - time.monotonic())
            out += chunk
    return False


def how_it_ended(finished: Finished, timeout: float) -> str:
    """``exited with status 2``, ``did not finish within 60 s``, ...: for a warning."""
    if finished.error:
        return f"could not be started ({finished.error})"
    if finished.returncode is None:
        return f"did not finish within {timeout:g} s"
    if finished.returncode < 0:
        try:
            name = signal.Signals(-finished.returncode).name
        except ValueError:
            name = f"signal {-finished.returncode}"
        return f"was killed by {name}"
    return f"exited with status {finished.returncode}"


def scrub(text: str) -> str:
    """Mask the home directory, user name and host name in child output that reaches a warning."""
    home = os.path.expanduser("~")
    if home not in ("", "/"):
        text = text.replace(home, "~")
    for secret, mask in ((_safe(getpass.getuser), "<user>"), (_safe(socket.gethostname), "<host>")):
        if secret:
            text = re.sub(rf"(?<![\w.-]){re.escape(secret)}(?![\w-])", mask, text)
    return text


def _safe(get: Callable[[], str]) -> str:
    try:
        return str(get())
    except Exception:  # no user name or host name to mask
        return ""
