"""``python -m runners.ingest FORMAT FILE --data DIR --benchmark NAME``: import another tool's results.

FORMAT is ``pytest-benchmark``, ``asv``, ``pyperf``, ``hyperfine`` or
``google-benchmark``.  Each case of the file (a benchmark, a parameter
combination, a command) becomes an implementation of the benchmark, with a
result whose samples are every raw time the file holds (or, when it holds
only a summary, the statistic it reports), converted exactly to the
metric's unit, with the machine, software and commit the file describes
(never a host name, user name or path).  A missing ``benchmark.yaml`` is
created; an existing one only gets the implementations it lacks, appended.
Importing the same file again adds nothing.

Exit status: 0 when every selected case was imported or had been already,
1 when the file or the data cannot be used (nothing is written then) or a
case was refused because the tool reported it failed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import re
import sys
from pathlib import Path

from ...exits import FAILED, OK, standard_options
from ..importers import FORMATS, FormatError, Options, read
from ..importers.base import ImportFailure
from ..importers.fields import date_text
from ..importers.plan import Request, import_cases, is_ident
from .stopping import answering

__all__ = ["main"]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m runners.ingest", description=(__doc__ or "").splitlines()[0])
    parser.add_argument("format", choices=list(FORMATS), metavar="FORMAT", help="the tool that wrote FILE")
    parser.add_argument("file", type=Path, help="its JSON results file")
    parser.add_argument("--data", type=Path, default=Path("data"), help="data folder (default: ./data)")
    parser.add_argument("--benchmark", required=True, help="benchmark to import into (created when missing)")
    parser.add_argument("--map", action="append", default=[], metavar="NAME=ID",
                        help="implementation id for the case NAME (its name in the file, or the id it would get); "
                             "repeatable")
    parser.add_argument("--select", metavar="REGEX", help="import only the cases whose name matches")
    parser.add_argument("--time", choices=["real", "cpu"], default="real",
                        help="Google Benchmark: real (wall-clock, the default) or CPU time per iteration")
    parser.add_argument("--date", help="when the cases were measured (ISO 8601), over what the file says; "
                                       "for files that record no date (hyperfine)")
    parser.add_argument("--unit", choices=["s", "ms", "us", "ns"],
                        help="unit of a new benchmark's metric (default: by the times' size)")
    parser.add_argument("--title", help="title of a new benchmark")
    parser.add_argument("--dry-run", action="store_true", help="say what would be imported; write nothing")
    standard_options(parser, "import", "formats: " + ", ".join(FORMATS))
    return parser


def _fail(file: Path, message: str, case: str | None = None) -> int:
    where = f"{file}: " + (f"case {case!r}: " if case else "")
    print(f"error: {where}{' '.join(message.split())}", file=sys.stderr)
    return FAILED


def _mapping(items: list[str]) -> dict[str, str] | str:
    """``NAME=ID`` items (a name may hold '=', an id never does); an error message instead when one is malformed."""
    out = {}
    for item in items:
        name, sep, impl_id = item.rpartition("=")
        if not sep or not name or not is_ident(impl_id):
            return f"--map takes NAME=ID with an implementation id (a-z, 0-9, '-', '_', '.'), got {item!r}"
        out[name] = impl_id
    return out


def _day(text: str) -> str | None:
    try:
        return dt.date.fromisoformat(text).isoformat() if len(text) == 10 else None
    except ValueError:
        return None


def _file_date(path: Path) -> str | None:
    try:
        return f"{dt.datetime.fromtimestamp(os.stat(path).st_mtime, dt.timezone.utc):%Y-%m-%dT%H:%M:%SZ}"
    except (OSError, ValueError, OverflowError):
        return None


def main(argv: list[str] | None = None) -> int:
    """The command; an interrupt is status 130 and one line, not a traceback."""
    return answering(functools.partial(_main, argv), settle=argv is None)


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    if not is_ident(args.benchmark):
        return _fail(args.file, f"--benchmark {args.benchmark!r} is not a benchmark id (a-z, 0-9, '-', '_', '.')")
    mapping = _mapping(args.map)
    if isinstance(mapping, str):
        return _fail(args.file, mapping)
    try:
        select = re.compile(args.select) if args.select is not None else None
    except re.error as exc:
        return _fail(args.file, f"--select {args.select!r} is not a regular expression: {exc}")
    date = None
    if args.date is not None:
        date = date_text(args.date) if len(args.date) > 10 else _day(args.date)
        if date is None:
            return _fail(args.file, f"--date {args.date!r} is not a date (YYYY-MM-DD or ISO 8601)")
    try:
        imported = read(args.format, args.file, Options(time=args.time))
    except FormatError as exc:
        return _fail(args.file, str(exc), exc.case)
    request = Request(data_root=args.data, benchmark=args.benchmark, fmt=args.format, mapping=mapping,
                      select=select, date=date, file_date=_file_date(args.file), unit=args.unit, title=args.title,
                      dry_run=args.dry_run)
    try:
        outcomes = import_cases(imported, request)
    except ImportFailure as exc:
        return _fail(args.file, str(exc), exc.case)
    failed = False
    for outcome in outcomes:
        impl = f" -> {outcome.implementation}" if outcome.implementation and outcome.status != "already imported" \
            else ""
        where = f" -> {outcome.path.name}" if outcome.path else ""
        print(f"{outcome.status}: {outcome.case}{impl}: {outcome.message}{where}")
        failed = failed or outcome.status == "refused"
    return FAILED if failed else OK


if __name__ == "__main__":
    sys.exit(main())
