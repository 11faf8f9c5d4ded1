"""``python -m sphinx_benchbench check [DATA_DIR]``: invalid and stale results, for CI.

Validates every benchmark under the data folder, reports what the runner
would refuse to run (an unknown log format, an invalid pattern, a version
probe without a command: the same check ``runners.run`` makes before it
starts anything), and checks the results the pages show (the newest of each
implementation on each kind of hardware) for staleness, with the same code
the Sphinx build uses (current releases from ``DATA_DIR/versions.yaml``, then
conf.py's and the command line's), but without a build.  Exit status 1 when anything is
found, 0 otherwise.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import runpy
import sys
from pathlib import Path
from typing import Any

from ..analysis.ranking import current_results
from ..analysis.staleness import Installed, Policy, find_stale, installed_version, merge_policy, site_policy
from ..analysis.versions import load_versions
from ..data.loader import list_benchmarks, load_benchmark
from ..runners.engine.plan import cannot_run

__all__ = ["main"]


def _site(conf: Path | None, current: list[str],
          max_age: int | None) -> tuple[Policy, dict[str, str], Installed | None, list[str]]:
    """The site's policy, current versions and opt-in to the installed ones: from conf.py if given, then the
    command line."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    if conf is not None:
        try:
            values = runpy.run_path(str(conf))
        except Exception as exc:  # any error in a user's conf.py is reported, not raised
            errors.append(f"{conf}: cannot read: {exc}")
    versions = dict(values.get("benchbench_current_versions") or {})
    for item in current:
        key, sep, value = item.partition("=")
        if not sep or not key or not value:
            errors.append(f"--current {item!r}: expected PACKAGE=VERSION")
        else:
            versions[key] = value
    policy, problems = site_policy(values.get("benchbench_staleness"), values.get("benchbench_max_age_days"),
                                   str(conf or "command line"))
    errors += [f"benchbench_staleness: {message}" for message in problems]
    if max_age is not None:  # the command line wins over conf.py
        policy = dataclasses.replace(policy, max_age_days=max_age)
    installed = installed_version if values.get("benchbench_current_from_build") else None
    return policy, versions, installed, errors


def _at(item: dict[str, Any]) -> str:
    """``file:line``, or the file alone when the line is unknown."""
    return f"{item['file']}:{item['line']}" if item["line"] else item["file"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sphinx_benchbench check", description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=Path("data"), help="data folder (default: data)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    parser.add_argument("--conf", type=Path, help="conf.py to read benchbench_* settings from")
    parser.add_argument("--current", action="append", default=[], metavar="PACKAGE=VERSION",
                        help="a current version (repeatable; overrides conf.py)")
    parser.add_argument("--max-age-days", type=int, help="results older than this are stale")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"error: data folder {args.data} not found", file=sys.stderr)
        return 2
    site, versions, installed, errors = _site(args.conf, args.current, args.max_age_days)
    if errors:
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        return 2
    invalid: list[dict[str, Any]] = []
    stale: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    recorded, problems = load_versions(args.data)
    invalid += [{"file": p.path, "line": p.line, "message": p.message} for p in problems]
    for name in list_benchmarks(str(args.data)):
        bench, problems = load_benchmark(args.data, name)
        invalid += [{"file": p.path, "line": p.line, "message": p.message} for p in problems]
        if bench is None:
            continue
        ids = [i.id for i in bench.definition.implementations]
        for impl in bench.definition.implementations:
            if impl.run is not None and impl.commands:
                refused += [{"file": p.path, "line": p.line, "benchmark": name, "implementation": impl.id,
                             "message": p.message} for p in cannot_run(bench, impl)]
        policy = merge_policy(site, bench.definition.staleness)
        for item in find_stale(bench, current_results(bench, ids), policy, versions, installed=installed,
                               recorded=recorded):
            where = bench.locate(item.result)
            file, line = (where.path, where.line) if where else (bench.folder, None)
            invalid += [{"file": file, "line": line, "message": m} for m in item.unparseable]
            if item.reasons:
                impl_id = item.result.implementation
                stale.append({"file": file, "line": line, "benchmark": name, "implementation": impl_id,
                              "reasons": item.reasons, "refresh": f"python -m runners.run {name} {impl_id}"})
    if args.json:
        print(json.dumps({"invalid": invalid, "refused": refused, "stale": stale}, indent=2))
    else:
        for p in invalid:
            print(f"{_at(p)}: invalid: {p['message']}")
        for r in refused:
            print(f"{_at(r)}: the runner would refuse {r['benchmark']}/{r['implementation']}: {r['message']}")
        for s in stale:
            print(f"{_at(s)}: stale: {s['benchmark']}/{s['implementation']}: "
                  f"{'; '.join(s['reasons'])} (refresh: {s['refresh']})")
        if not invalid and not stale and not refused:
            print("no invalid or stale results, nothing the runner would refuse")
    return 1 if invalid or stale or refused else 0
