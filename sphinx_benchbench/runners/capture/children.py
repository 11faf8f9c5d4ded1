"""Short child processes the capture asks (the interpreter's probe, ``nvidia-smi``, version commands).

Each runs without a shell, with a timeout after which its whole process group
is killed, and its stderr is never read into a result: what reaches a warning
is masked (:func:`scrub`), because results are published.
"""

from __future__ import annotations

import getpass
import os
import re
import signal
import socket
import subprocess
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["Finished", "how_it_ended", "run_program", "scrub"]


@dataclass(frozen=True)
class Finished:
    """What a short child process printed and how it ended."""

    stdout: str
    returncode: int | None  # None: killed after the timeout
    error: str | None = None  # why it could not be started


def run_program(args: Sequence[str], timeout: float, env: Mapping[str, str] | None = None,
                stderr: bool = False, cwd: str | None = None) -> Finished:
    """Run a program without a shell (its stderr with stdout when ``stderr``); on timeout kill its
    whole process group."""
    try:
        proc = subprocess.Popen(
            list(args),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT if stderr else subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            cwd=cwd,
            start_new_session=True,
        )
    except OSError as exc:
        return Finished("", None, type(exc).__name__)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()
        try:
            out, _ = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:  # a descendant left the group and holds the pipe open
            out = b""
            if proc.stdout is not None:
                proc.stdout.close()
            proc.wait()
        return Finished(out.decode("utf-8", "replace"), None)
    return Finished(out.decode("utf-8", "replace"), proc.returncode)


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
