"""``benchbench``: one command for everything, installed with the package.

``benchbench run ...`` is ``python -m runners.run ...`` in a checkout,
``benchbench parse`` is ``python -m runners.parse``, ``benchbench import``
is ``python -m runners.ingest``, and ``benchbench check`` and ``benchbench
versions`` are ``python -m sphinx_benchbench check`` and ``... versions``: each subcommand hands its arguments to
that command's own ``main``, so their options, help and exit statuses are the
same whichever way they are called (:mod:`sphinx_benchbench.exits`).
"""

from __future__ import annotations

import importlib
import sys

from ..exits import OK, USAGE, VERSION, epilog
from ..runners.cli.stopping import answering

__all__ = ["main"]

#: Subcommand -> (module with ``main(argv)``, one line for the help).
COMMANDS = {
    "run": ("sphinx_benchbench.runners.cli.run", "run implementations, measure them, record the results"),
    "parse": ("sphinx_benchbench.runners.cli.parse", "time a window of a log file offline"),
    "import": ("sphinx_benchbench.runners.cli.ingest",
               "import results of pytest-benchmark, asv, pyperf, hyperfine or Google Benchmark"),
    "check": ("sphinx_benchbench.cli.check", "report invalid data, stale results and what the runner would refuse"),
    "versions": ("sphinx_benchbench.cli.versions", "show, or --update from the package index, the current releases"),
}


def _usage() -> str:
    lines = ["usage: benchbench COMMAND [ARGS...]", "", "commands:"]
    lines += [f"  {name:<8} {summary}" for name, (_, summary) in COMMANDS.items()]
    lines += ["", "benchbench COMMAND --help shows a command's options.", "", epilog()]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("-h", "--help"):
        print(_usage())
        return OK if args else USAGE
    if args[0] == "--version":
        print(VERSION)
        return OK
    if args[0] not in COMMANDS:
        print(f"benchbench: unknown command {args[0]!r}\n\n{_usage()}", file=sys.stderr)
        return USAGE
    name = COMMANDS[args[0]][0]

    def command() -> int:
        code: int = importlib.import_module(name).main(args[1:])
        return code

    # Signals are answered before the command's modules import, as python -m runners.run does.
    return answering(command, settle=argv is None)


if __name__ == "__main__":
    sys.exit(main())
