"""``python -m sphinx_benchbench check [DATA_DIR]``: invalid and stale results, for CI.

Validates every benchmark under the data folder, reports what the runner
would refuse to run (an unknown log format, an invalid pattern, a version
probe without a command: the same check ``runners.run`` makes before it
starts anything), and checks the results the pages show (the newest of each
implementation on each kind of hardware) for staleness, with the same code
the Sphinx build uses (current releases from ``DATA_DIR/versions.yaml``, then
conf.py's and the command line's), but without a build.

conf.py is read the way Sphinx reads it (:meth:`sphinx.config.Config.read`:
in its own folder, with ``tags`` and ``__file__``), so a conf.py that works
for ``sphinx-build`` works here, and its ``benchbench_data_dir`` (relative to
its folder, as the extension takes it) is the data folder unless DATA_DIR is
given.  Exit status (:mod:`sphinx_benchbench.exits`): 3 when something is
invalid or would be refused, else 1 when a result is stale, 0 when nothing
is found, 2 for a usage error.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import sys
from pathlib import Path
from typing import Any

from ..analysis.ranking import current_results
from ..analysis.staleness import Installed, Policy, find_stale, installed_version, merge_policy, site_policy
from ..analysis.versions import load_versions
from ..data.loader import list_benchmarks, load_benchmark
from ..exits import FAILED, INVALID, OK, USAGE, standard_options
from ..runners.cli.stopping import answering
from ..runners.engine.plan import cannot_run

__all__ = ["main"]


class ConfProblem(Exception):
    """conf.py could not be read; the message is one line."""


def read_conf(conf: Path, tags: list[str]) -> tuple[Path, dict[str, Any]]:
    """conf.py's folder and its names, evaluated as ``sphinx-build`` does (``conf`` is the file or its folder).

    Sphinx runs conf.py in its folder with ``tags`` (``-t`` here, as for
    ``sphinx-build``) and ``__file__``; :func:`runpy.run_path` did neither, so a
    conf.py that reads a file beside it, or says ``if tags.has(...)``, failed
    here only.  Sphinx's own error for an exception in conf.py is a traceback;
    the exception's message is enough here.
    """
    from sphinx.config import Config  # Sphinx is imported only when there is a conf.py to read
    from sphinx.errors import ConfigError
    from sphinx.util.tags import Tags

    folder = conf if conf.is_dir() else conf.parent
    if not conf.is_dir() and conf.name != "conf.py":
        raise ConfProblem("Sphinx reads only a file named conf.py; give it, or its folder")
    try:
        config = Config.read(folder.resolve(), overrides={}, tags=Tags(tags))
    except ConfigError as exc:
        cause = exc.__cause__
        said = str(cause) if isinstance(cause, Exception) and not isinstance(cause, SyntaxError) else ""
        raise ConfProblem(said or str(exc).strip().splitlines()[0]) from None
    except Exception as exc:  # what Sphinx itself lets through (an unreadable file, say)
        raise ConfProblem(str(exc) or type(exc).__name__) from None
    # Config keeps the names conf.py set in _raw_config (since Sphinx 1.x); the benchbench_* ones are not
    # registered here, as no extension is set up, so that is where they are.
    return folder, dict(getattr(config, "_raw_config", {}))


def _site(values: dict[str, Any], conf: Path | None, current: list[str],
          max_age: int | None) -> tuple[Policy, dict[str, str], Installed | None, list[str]]:
    """The site's policy, current versions and opt-in to the installed ones: from conf.py's ``values``,
    then the command line."""
    errors: list[str] = []
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sphinx_benchbench check", description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path,
                        help="data folder (default: conf.py's benchbench_data_dir with --conf, else ./data)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of lines")
    parser.add_argument("--conf", type=Path, metavar="PATH",
                        help="conf.py (or its folder) to read benchbench_* settings from, as Sphinx reads it")
    parser.add_argument("-t", "--tag", action="append", default=[], metavar="TAG",
                        help="a tag conf.py sees in tags, as sphinx-build -t sets it (repeatable)")
    parser.add_argument("--current", action="append", default=[], metavar="PACKAGE=VERSION",
                        help="a current version (repeatable; overrides conf.py)")
    parser.add_argument("--max-age-days", type=int, help="results older than this are stale")
    standard_options(parser, "check")
    return parser


def _data_folder(given: Path | None, conf: Path | None, values: dict[str, Any]) -> Path:
    """DATA_DIR when given; else, with a conf.py, its ``benchbench_data_dir`` (default ``data``) relative to
    its folder, as the extension resolves it; else ``./data``."""
    if given is not None:
        return given
    if conf is not None:
        setting = values.get("benchbench_data_dir", "data")
        return conf / str(setting) if isinstance(setting, (str, Path)) else conf / "data"
    return Path("data")


def main(argv: list[str] | None = None) -> int:
    """``check``; an interrupt is status 130 and one line."""
    return answering(functools.partial(_main, argv), settle=argv is None)


def _main(argv: list[str] | None) -> int:
    args = _parser().parse_args(argv)
    values: dict[str, Any] = {}
    folder = None
    if args.conf is not None:
        try:
            folder, values = read_conf(args.conf, args.tag)
        except ConfProblem as exc:
            print(f"error: {args.conf}: cannot read: {exc}", file=sys.stderr)
            return USAGE
    data = _data_folder(args.data, folder, values)
    if not data.is_dir():
        print(f"error: data folder {data} not found", file=sys.stderr)
        return USAGE
    site, versions, installed, errors = _site(values, args.conf, args.current, args.max_age_days)
    if errors:
        for error in errors:
            print(f"error: {error}", file=sys.stderr)
        return USAGE
    return _report(data, args.json, site, versions, installed)


def _report(data: Path, as_json: bool, site: Policy, versions: dict[str, str], installed: Installed | None) -> int:
    """Check ``data``, print what was found; the exit status (invalid wins over stale)."""
    invalid: list[dict[str, Any]] = []
    stale: list[dict[str, Any]] = []
    refused: list[dict[str, Any]] = []
    recorded, problems = load_versions(data)
    invalid += [{"file": p.path, "line": p.line, "message": p.message} for p in problems]
    for name in list_benchmarks(str(data)):
        bench, problems = load_benchmark(data, name)
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
    if as_json:
        print(json.dumps({"data": str(data), "invalid": invalid, "refused": refused, "stale": stale}, indent=2))
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
    if invalid or refused:
        return INVALID
    return FAILED if stale else OK
