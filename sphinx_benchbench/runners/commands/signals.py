"""How the runner answers signals: stop the running child, but never half-publish a result.

SIGINT (Ctrl-C), SIGTERM and SIGHUP (a closed terminal, a cluster's job
end) are turned into :class:`Interrupted`, so the running command and
everything it started are stopped and the summary is printed.

Only the first signal is turned into an exception: the ones after it (a
second Ctrl-C a few milliseconds later) arrive while the runner is already
stopping, and an exception then would cut the stopping itself short (a
keeper not waited for, a temporary folder half removed) or escape the
runner.  While a result is being published all three are held back
(:func:`deferred`): data files appear completely or not at all, and the
runner knows which before it says what was recorded.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["STOPPING", "Interrupted", "deferred", "interruptible", "signal_name"]

#: The signals that stop a runner (SIGKILL cannot be caught; the keepers handle it).
STOPPING = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """The runner was asked to stop; the message is the signal's name (``SIGINT`` for Ctrl-C).

    A ``KeyboardInterrupt``, so that CPython treats it as one where it must:
    code that reports a failure with ``except Exception`` lets it through,
    and so does the interpreter where it drops other errors (constant
    folding while a module compiles clears any exception but that one: a
    SIGTERM while the runner starts would otherwise be lost, and the runner
    would run on).  A subclass, not ``KeyboardInterrupt`` itself: one of
    those that passed through code made by ``exec`` (every dataclass's
    ``__init__`` is) makes CPython end the process by SIGINT, whatever exit
    status it was given.
    """


def signal_name(exc: BaseException) -> str:
    """The signal an interrupt came from, for messages: ``SIGINT`` for a plain ``KeyboardInterrupt``
    (Python's own handler, before this module's is installed)."""
    return str(exc) if isinstance(exc, Interrupted) else "SIGINT"


@contextmanager
def interruptible() -> Iterator[None]:
    """Turn the first SIGINT, SIGTERM or SIGHUP into an exception, and ignore the ones after it.

    Each block answers its own first signal; the handlers it replaced are put
    back when it ends (an outer block then answers the next one).
    """
    answered = False

    def handler(signum: int, frame: object) -> None:
        nonlocal answered
        if answered:  # already stopping: let the clean-up finish
            return
        answered = True
        raise Interrupted(signal.Signals(signum).name)

    previous = {sig: signal.signal(sig, handler) for sig in STOPPING}
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
