"""``python -m runners.parse LOG --format NAME --images-per-iter N [--window 100:500]``.

Reads a saved log and prints JSON: ``throughput`` (items per second),
``seconds_per_iter``, what was read and how (``semantics``) and what to doubt
(``warnings``).  Logs saved by the runner carry each line's arrival time
(``[+12.345678] text``, gzipped or not), which is what the runner measures;
the implementation's printed timing is then the cross-check (``own``).  A log
produced elsewhere is timed by what its format's printed timing *means* (a
cumulative mean is differenced, an interval mean summed, an epoch weighted by
its overlap), cross-checked against the lines' own logged times (which time
the window instead where the printed timing cannot); what the log cannot
support is refused with the reason.

A log is read as UTF-8 with or without a byte-order mark (Windows tools write
one), or as UTF-16 when it starts with that mark (PowerShell 5's ``>``).  A
last line without its line end was cut off, perhaps inside a number: formats
whose fields end at a separator read its fields up to the last blank before
the cut, others leave it; either way a warning says so.  Lines that begin
with ``# `` are comments a person added to a saved log, not output.
"""

from __future__ import annotations

import argparse
import codecs
import dataclasses
import functools
import gzip
import json
import re
import sys
import zlib
from pathlib import Path
from typing import Any

from ...exits import FAILED, OK, standard_options
from ..commands.execute import STAMPED, Sample
from ..logformats import FORMATS, LogFormatError, LogParser, Reported, make_parser
from ..sources.arrival import WindowError, measure_window
from .stopping import answering

__all__ = ["main", "parse_log"]

# A comment a person added to a saved log ('# source: ...'), not a tqdm bar drawn with '#' (bars have a '|').
_COMMENT = re.compile(r"^#(?:\s|$)[^|]*$")


def _decode(data: bytes) -> str:
    """UTF-16 when the data starts with its byte-order mark, else UTF-8 with or without one."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace")
    return data.decode("utf-8-sig", errors="replace")


def _lines(path: Path) -> tuple[list[str], bool]:
    """The log's lines, and whether its last line was cut off (no line end)."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as f:
        text = _decode(f.read())
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    last = lines.pop()  # after the final line end: '' when the log ends with one
    return lines + ([last] if last else []), bool(last)


def _complete_part(line: str) -> str:
    """A cut line's fields that end before the cut: everything up to its last blank (a separator)."""
    at = max(line.rfind(" "), line.rfind("\t"))
    return line[:at + 1] if at >= 0 else ""


def _read_cut(parser: LogParser, text: str) -> tuple[Reported | None, str]:
    """Feed a cut last line's complete part, where the format can: its progress, and the warning to give."""
    head = "the log's last line has no line end (cut off?)"
    if not parser.reads_cut_lines:
        return None, (f"{head}; it was not read: the {parser.name} format reads fields that run to the end of a "
                      "line, so a cut one cannot be read safely")
    kept = _complete_part(text)
    try:
        progress = parser.feed(kept, cut=True) if kept.strip() else None
    except LogFormatError as exc:
        return None, f"{head}; it was not read: {exc}"
    if progress is None:
        return None, f"{head}; its fields before the cut say nothing new, so it was not read"
    return progress, (f"{head}; its fields up to the last blank before the cut were read (up to "
                      f"{kept.rstrip()[-40:]!r})")


def parse_log(path: Path, fmt: str, items: int, start: int, end: int, options: dict[str, object]) -> dict[str, Any]:
    """Measure the window of a saved log; raises ``ValueError`` subclasses (with the reason) on bad input."""
    parser = make_parser(fmt, **options)
    lines, truncated = _lines(path)
    warnings: list[str] = []
    stamped: list[Sample] = []
    seen: list[int] = []
    for n, line in enumerate(lines, 1):
        match = STAMPED.match(line)
        text = match.group(2) if match else line
        if text.startswith("=== run ") or text.startswith("$ ") or _COMMENT.match(text):
            if text.startswith("=== run ") and stamped:
                break  # several runs in one log: measure the first
            continue
        if truncated and n == len(lines):  # may be cut in the middle of a number ('time: 0.1')
            progress, warning = _read_cut(parser, text)
            warnings.append(warning)
        else:
            progress = parser.feed(text)
        if progress is None:
            continue
        seen.append(progress.iteration)
        if match:
            stamped.append(Sample(float(match.group(1)), progress.iteration))
    timing = parser.timing(items)
    covers = [seen[0], seen[-1]] if seen else None
    if stamped:
        m = measure_window(stamped, start, end)
        try:
            m = dataclasses.replace(m, own=timing.window(start, end, clock=False))
        except WindowError as exc:
            m = dataclasses.replace(m, own_refused=str(exc))
        own = m.own
        measured = {
            "throughput": items / m.seconds_per_iter, "seconds_per_iter": m.seconds_per_iter, "timing": "arrival",
            "lines_used": m.lines_used, "semantics": m.semantics(), "warnings": warnings + m.warnings(),
        }
        if own is not None:
            measured["own"] = {"seconds_per_iter": own.window.seconds_per_iter, "semantics": own.semantics}
        elif m.own_refused:
            measured["own"] = {"refused": m.own_refused}
    else:
        if not seen and not timing.spans and not timing.clock:
            raise WindowError(f"no progress lines were recognised in the log: {parser.unrecognised()}"
                              + (f" ({'; '.join(timing.refusals)})" if timing.refusals else ""))
        reading = timing.window(start, end)
        kind = "logged" if reading.window.spans and reading.window.spans[0].what == "logged" else "printed"
        measured = {
            "throughput": items / reading.window.seconds_per_iter, "seconds_per_iter": reading.window.seconds_per_iter,
            "timing": kind, "lines_used": len(reading.window.spans), "semantics": reading.semantics,
            "warnings": warnings + reading.warnings, "precision": reading.window.error / reading.window.seconds,
        }
    return {"window": [start, end], "iterations": end - start, "covers": covers, **measured}


def _option_value(text: str) -> object:
    """A log format option as the data file would give it: true/false, an integer, or text."""
    if text.lower() in ("true", "false"):
        return text.lower() == "true"
    return int(text) if text.isdigit() else text


def _formats() -> str:
    width = max(map(len, FORMATS))
    return "log formats:\n" + "\n".join(f"  {name:<{width}}  {cls.summary}" for name, cls in FORMATS.items()) + (
        "\n\nEach format's fields, their meaning and its options: docs/runners/log-formats.rst")


def main(argv: list[str] | None = None) -> int:
    """The command; an interrupt is status 130 and one line, not a traceback."""
    return answering(functools.partial(_main, argv), settle=argv is None)


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="python -m runners.parse", description=__doc__.splitlines()[0])
    standard_options(parser, "parse", _formats())
    parser.add_argument("log", type=Path)
    parser.add_argument("--format", required=True, choices=sorted(FORMATS), metavar="FORMAT",
                        help="log format name (listed below)")
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
        return FAILED
    print(json.dumps(result, indent=2))
    return OK


if __name__ == "__main__":
    sys.exit(main())
