"""Live progress of a run: a redrawn status line on a terminal, plain lines elsewhere.

On a terminal the line shows the iterations parsed so far and an ETA to the
end of the measured window; in CI logs (not a terminal) a line is printed at
each quarter of the window instead, so logs stay short and readable.

``NO_COLOR`` (set to anything but empty, https://no-color.org) and
``TERM=dumb`` (an editor's shell, a screen reader's terminal, ``script``
logs) ask for text without escape sequences: the runner then prints the
plain lines even on a terminal, and removes the escapes from the commands'
output it repeats (a failure's last lines).
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from typing import IO

from .execute import Sample

__all__ = ["Progress", "plain_output", "without_escapes"]

#: CSI (colours, cursor moves, erase-line), OSC (titles, links; ended by BEL or ST) and other two-byte
#: escapes (ECMA-48), and a bare carriage return's redraw.
_ESCAPE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]|\r")


def plain_output(env: Mapping[str, str] | None = None) -> bool:
    """Whether output must carry no escape sequences: ``NO_COLOR`` non-empty, or ``TERM=dumb``."""
    env = os.environ if env is None else env
    return bool(env.get("NO_COLOR")) or env.get("TERM") == "dumb"


def without_escapes(text: str) -> str:
    """``text`` with its terminal escape sequences removed."""
    return _ESCAPE.sub("", text)


class Progress:
    """Shows how far the current run is; cheap enough to call for every line."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.tty = stream.isatty() and not plain_output()
        self.label = ""
        self.target = 0
        self.started = 0.0
        self.last_draw = 0.0
        self.next_quarter = 1
        self.active = False

    def start(self, impl: str, run: int, runs: int, target: int) -> None:
        """A run begins; ``target``: its last iteration, or 0 when it reports none."""
        self.label = f"{impl} run {run}/{runs}"
        self.target = target
        self.started = time.monotonic()
        self.next_quarter = 1
        self.active = True
        if not self.tty:
            print(f"{self.label}: started", file=self.stream, flush=True)

    def line(self, sample: Sample | None, text: str) -> None:
        if sample is None or not self.active:
            return
        done = sample.iteration
        if self.tty:
            now = time.monotonic()
            if now - self.last_draw < 0.1 and done < self.target:
                return
            self.last_draw = now
            rate = done / (now - self.started) if now > self.started else 0
            eta = f"ETA {max(self.target - done, 0) / rate:.0f} s" if rate and done < self.target else ""
            self.stream.write(f"\r\x1b[K{self.label}: iteration {done}/{self.target} {eta}")
            self.stream.flush()
        elif self.next_quarter <= 4 and done >= self.target * self.next_quarter / 4:
            print(f"{self.label}: iteration {done}/{self.target}", file=self.stream, flush=True)
            while self.next_quarter <= 4 and done >= self.target * self.next_quarter / 4:
                self.next_quarter += 1

    def stop(self) -> None:
        if self.active and self.tty:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
        self.active = False

    def series(self, impl: str, text: str) -> None:
        """Many short runs begin (the ``wall`` source): one line saying so, then :meth:`status` per run."""
        self.label = impl
        self.active = True
        if not self.tty:
            print(f"{impl}: {text}", file=self.stream, flush=True)

    def status(self, text: str) -> None:
        """Redraw the status line with ``text`` on a terminal; nothing elsewhere (for many short runs)."""
        if self.tty:
            self.stream.write(f"\r\x1b[K{self.label}: {text}")
            self.stream.flush()

    def measured(self, text: str) -> None:
        """Print one run's measurement, so repeats can be compared while the next one runs."""
        print(f"{self.label}: {text}", file=self.stream, flush=True)
