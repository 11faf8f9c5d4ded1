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

import sys
from collections.abc import Callable

from ...exits import INTERRUPTED as EXIT_INTERRUPTED
from ..commands.signals import interruptible, signal_name

__all__ = ["EXIT_INTERRUPTED", "answering"]


def answering(command: Callable[[], int]) -> int:
    """Run ``command`` (a ``main``); an interrupt it lets through becomes :data:`EXIT_INTERRUPTED`."""
    with interruptible():
        try:
            return command()
        except KeyboardInterrupt as exc:  # Interrupted, or Python's own before the handlers were installed
            print(f"\ninterrupted ({signal_name(exc)})", file=sys.stderr)
            return EXIT_INTERRUPTED
