"""``python -m sphinx_benchbench versions [DATA_DIR] [--update]``: the current releases, as data.

Without ``--update`` it prints what ``DATA_DIR/versions.yaml`` records.  With
it, it asks the package index for the latest release of every package the
benchmarks track (each implementation's ``run.packages``, and what the file
already lists) and writes them with today's date, so that "current" is a
reviewed fact of the repository and builds stay offline and reproducible.

The index is ``--index``, else ``$BENCHBENCH_INDEX_URL``, else the file's own
``index:``, else PyPI.  A package the index does not know is kept as the file
has it (typed by hand, say), and said.  When the index cannot be asked about a
package, nothing is written: the new date would otherwise vouch for old
values.  Exit status (:mod:`sphinx_benchbench.exits`): 0 when done, 1 when
the index failed or the file is bad, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import os
import sys
import tempfile
from pathlib import Path

from ..analysis.versions import VERSIONS_FILE, RecordedVersions, load_versions, valid_name
from ..data.loader import list_benchmarks, load_benchmark
from ..data.model.kinds import URL_PATTERN, whole
from ..exits import FAILED, OK, USAGE, standard_options
from ..runners.cli.stopping import answering
from .index import PYPI, IndexProblem, latest_release

__all__ = ["main", "tracked_packages", "write_versions"]

#: Recorded with results but not distributions on a package index (the interpreter, the GPU stack).
NOT_ON_INDEX = frozenset({"python", "cuda", "cudnn", "nccl"})
INDEX_ENV = "BENCHBENCH_INDEX_URL"


def tracked_packages(data: Path, recorded: RecordedVersions | None) -> list[str]:
    """Every distribution an implementation declares it runs, and those the file lists, sorted.

    Only ``run.packages`` are asked about: ``run.versions`` probes name programs
    (``zstd --version``), whose namesakes on the index are other software.
    """
    names = set(recorded.versions) if recorded else set()
    for name in list_benchmarks(str(data)):
        bench, _ = load_benchmark(data, name)
        for impl in bench.definition.implementations if bench else ():
            names.update(p.lower() for p in (impl.run.packages if impl.run else ()))
    return sorted(n for n in names if n not in NOT_ON_INDEX and valid_name(n))


def write_versions(path: Path, as_of: str, index: str, versions: dict[str, str]) -> None:
    """Write the file atomically (a reader never sees half of it), keys sorted so diffs stay small."""
    lines = [
        "# The latest release of each package the benchmarks track, and when that was",
        '# true: what "current" means for staleness.  Written by',
        "#   python -m sphinx_benchbench versions --update",
        "# review the change like any other data.",
        "schema: 1",
        f"as_of: {as_of}",
        f'index: "{index}"',
        "versions:",
        *(f'  {name}: "{versions[name]}"' for name in sorted(versions)),
    ]
    fd, tmp = tempfile.mkstemp(prefix=".versions.", suffix=".tmp", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, path)


def _update(data: Path, recorded: RecordedVersions | None, index: str, timeout: float) -> int:
    versions = dict(recorded.versions) if recorded else {}
    failed = []
    for name in tracked_packages(data, recorded):
        try:
            found = latest_release(index, name, timeout)
        except IndexProblem as exc:
            failed.append(str(exc))
            continue
        if found is None:
            kept = f"kept {versions[name]} as written" if name in versions else "left out"
            print(f"{name}: not on {index}; {kept}")
        else:
            old = versions.get(name)
            print(f"{name}: {found}" + (f" (was {old})" if old and old != found else ""))
            versions[name] = found
    if failed:
        for message in failed:
            print(f"error: {message}", file=sys.stderr)
        print(f"error: {VERSIONS_FILE} not written: the index could not be asked about every package",
              file=sys.stderr)
        return FAILED
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    write_versions(data / VERSIONS_FILE, today, index, versions)
    print(f"wrote {data / VERSIONS_FILE}: {len(versions)} package(s), current as of {today}")
    return OK


def main(argv: list[str] | None = None) -> int:
    """``versions``; an interrupt is status 130 and one line."""
    return answering(functools.partial(_main, argv), settle=argv is None)


def _main(argv: list[str] | None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sphinx_benchbench versions", description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=Path("data"), help="data folder (default: data)")
    parser.add_argument("--update", action="store_true", help="ask the index and write versions.yaml")
    parser.add_argument("--index", help=f"the index's JSON API (default: ${INDEX_ENV}, the file's index:, {PYPI})")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for each answer (default 30)")
    standard_options(parser, "versions")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"error: data folder {args.data} not found", file=sys.stderr)
        return USAGE
    recorded, problems = load_versions(args.data)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems and (recorded is None or args.update):
        return FAILED  # never overwrite a file that says something we could not read
    if not args.update:
        if recorded is None:
            print(f"no {args.data / VERSIONS_FILE}; run with --update to write it")
            return OK
        print(f"current as of {recorded.as_of} ({recorded.index or 'index not recorded'}):")
        for name in sorted(recorded.versions):
            print(f"  {name} {recorded.versions[name]}")
        return OK
    index = args.index or os.environ.get(INDEX_ENV) or (recorded.index if recorded else None) or PYPI
    if not whole(URL_PATTERN).match(index):
        print(f"error: index {index!r} is not an http(s) address", file=sys.stderr)
        return USAGE
    return _update(args.data, recorded, index, args.timeout)
