"""How the runner answers signals: stop the running child, but never half-publish a result.

SIGTERM and SIGHUP (a closed terminal, a cluster's job end) are turned into
:class:`Interrupted`, as Ctrl-C is into ``KeyboardInterrupt``, so the running
command and everything it started are stopped and the summary is printed.
While a result is being published they are held back (:func:`deferred`):
data files appear completely or not at all, and the runner knows which
before it says what was recorded.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["STOPPING", "Interrupted", "deferred", "interruptible"]

#: The signals that stop a runner (SIGKILL cannot be caught; the keepers handle it).
STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(Exception):
    """The runner was asked to stop (SIGTERM or SIGHUP; Ctrl-C is KeyboardInterrupt)."""


@contextmanager
def interruptible() -> Iterator[None]:
    """Turn SIGTERM and SIGHUP into :class:`Interrupted`, so children are stopped."""

    def handler(signum: int, frame: object) -> None:
        raise Interrupted(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for sig, handler_before in previous.items():
            signal.signal(sig, handler_before)


@contextmanager
def deferred() -> Iterator[None]:
    """Hold back SIGINT, SIGTERM and SIGHUP until the block is done; they arrive right after it."""
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)
