"""``python -m runners.parse LOG --format NAME --images-per-iter N [--window 100:500]``.

Reads a saved log and prints JSON with ``throughput`` (items per second),
``seconds_per_iter`` and the iterations used.  Logs saved by the runner carry
each line's arrival time (``[+12.345678] text``, gzipped or not), which is
what the runner measures; for a foreign log without them the implementation's
own printed per-iteration times are averaged instead, and ``timing`` says so.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import zlib
from pathlib import Path

from .logformats import LogFormatError, make_parser
from .measure import Sample, WindowError, measure_window

__all__ = ["main", "parse_log"]

_STAMP = re.compile(r"^\[\+(\d+(?:\.\d+)?)\] (.*)$")


def _lines(path: Path) -> list[str]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", errors="replace", newline="") as f:
        text = f.read()
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def parse_log(path: Path, fmt: str, items: int, start: int, end: int, options: dict[str, object]) -> dict:
    """Measure the window of a saved log; raises ``ValueError`` subclasses on bad input."""
    parser = make_parser(fmt, **options)
    stamped: list[Sample] = []
    unstamped: list[Sample] = []
    for line in _lines(path):
        match = _STAMP.match(line)
        text = match.group(2) if match else line
        if text.startswith("=== run ") or text.startswith("$ "):
            if text.startswith("=== run ") and stamped:
                break  # several runs in one log: measure the first
            continue
        progress = parser.feed(text)
        if progress is None:
            continue
        sample = Sample(float(match.group(1)) if match else 0.0, progress.iteration, progress.own_seconds_per_iter)
        (stamped if match else unstamped).append(sample)
    if stamped:
        m = measure_window(stamped, start, end)
        spi, timing, used = m.seconds_per_iter, "arrival", m.lines_used
    else:
        own = [s.own_seconds_per_iter for s in unstamped
               if start < s.iteration <= end and s.own_seconds_per_iter is not None]
        if not unstamped:
            raise WindowError("no progress lines were recognised in the log")
        if not unstamped[-1].iteration >= end:
            raise WindowError(f"the log ends at iteration {unstamped[-1].iteration}, before the window end {end}")
        if not own:
            raise WindowError("the log has no arrival times and prints no per-iteration time in the window")
        spi, timing, used = statistics.fmean(own), "printed", len(own)
    return {
        "throughput": items / spi,
        "seconds_per_iter": spi,
        "window": [start, end],
        "iterations": end - start,
        "lines_used": used,
        "timing": timing,
    }


def _option_value(text: str) -> object:
    """A log format option as the data file would give it: true/false, an integer, or text."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return int(text) if text.isdigit() else text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m runners.parse", description=__doc__.splitlines()[0])
    parser.add_argument("log", type=Path)
    parser.add_argument("--format", required=True, help="log format name")
    parser.add_argument("--images-per-iter", type=int, required=True, help="items per iteration")
    parser.add_argument("--window", default="100:500", help="START:END iterations (default 100:500)")
    parser.add_argument("--option", action="append", default=[], metavar="KEY=VALUE",
                        help="log format option, e.g. iters_per_epoch=50 (repeatable)")
    args = parser.parse_args(argv)
    window = re.fullmatch(r"(\d+):(\d+)", args.window)
    if window is None or int(window[1]) >= int(window[2]):
        parser.error(f"--window must be START:END with 0 <= START < END, got {args.window!r}")
    if not 1 <= args.images_per_iter <= 2**53:
        parser.error("--images-per-iter must be a count of at least 1")
    options: dict[str, object] = {}
    for item in args.option:
        key, sep, value = item.partition("=")
        if not sep or not key:
            parser.error(f"--option takes KEY=VALUE, got {item!r}")
        options[key] = _option_value(value)
    try:
        result = parse_log(args.log, args.format, args.images_per_iter, int(window[1]), int(window[2]), options)
    except (OSError, EOFError, zlib.error, ValueError, TypeError, LogFormatError) as exc:
        print(f"error: {args.log}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
