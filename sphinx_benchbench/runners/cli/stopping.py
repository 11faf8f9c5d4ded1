"""A command's interrupt, answered from its first line on: exit status 130 and one line, never a traceback.

The runner's modules take a moment to import; a Ctrl-C in that moment used
to print a ``KeyboardInterrupt`` traceback, and a SIGTERM or SIGHUP killed
the runner silently.  So an entry point installs the handlers before it
imports the command (this module imports nothing heavy), and an interrupt
that no inner part of the command answered (the executors say what was
recorded) still ends it with :data:`EXIT_INTERRUPTED`.  Signals in the few
milliseconds before Python runs any code of this project cannot be answered.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Callable

from ...exits import INTERRUPTED as EXIT_INTERRUPTED
from ..commands.signals import STOPPING, interruptible, signal_name

__all__ = ["EXIT_INTERRUPTED", "answering"]


def answering(command: Callable[[], int], settle: bool = False) -> int:
    """Run ``command`` (a ``main``); an interrupt it lets through becomes :data:`EXIT_INTERRUPTED`.

    ``settle``: the command is the process's own (its ``main`` was called without arguments), so once
    it has returned, stopping signals are held back until the process ends.  The work is done and
    reported by then; a signal during the interpreter's shutdown, with the default handlers back,
    would only turn the status the command reported into a kill.
    """
    with interruptible():
        try:
            code = command()
        except KeyboardInterrupt as exc:  # Interrupted, or Python's own before the handlers were installed
            print(f"\ninterrupted ({signal_name(exc)})", file=sys.stderr)
            code = EXIT_INTERRUPTED
        if settle:
            signal.pthread_sigmask(signal.SIG_BLOCK, STOPPING)
        return code
