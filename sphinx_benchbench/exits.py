"""What every command shares: its exit statuses, ``--version`` and the table its ``--help`` ends with.

One table for ``benchbench`` and each of its commands (``run``, ``parse``,
``import``, ``check``, ``versions``) and their checkout forms (``python -m
runners.run``, ``runners.parse``, ``runners.ingest``, ``python -m
sphinx_benchbench check|versions``), so that a CI script can tell "the data is
invalid" from "a result is stale" from "a run failed" without reading the
output, and the statuses cannot drift apart between commands.  It lives
outside ``cli/`` because the runner's own commands (a lower layer) use it too;
it imports nothing but the version, so a command can answer ``--version``
before it imports anything heavy.

1 stays "failed" for every command, as it was before the table: scripts
written against ``runners.run`` keep working.  What ``check`` finds is split:
stale results are 1, invalid data 3, and invalid data wins when both are
found, because a result that cannot be read cannot be called current either.
"""

from __future__ import annotations

import argparse
import textwrap

from ._version import __version__

__all__ = ["FAILED", "INTERRUPTED", "INVALID", "OK", "TABLE", "USAGE", "VERSION", "epilog", "standard_options"]

#: Nothing failed; for ``check``: nothing invalid, stale or refused.
OK = 0
#: The command did its work and something failed: a run, an import, the package index; ``check``: stale results.
FAILED = 1
#: A command-line mistake: an unknown option, a bad value, a data folder that is not there, an unreadable conf.py
#: (argparse exits with 2 too).
USAGE = 2
#: ``check``: a data file or entry does not validate, or is one the runner would refuse to run.
INVALID = 3
#: Stopped by SIGINT, SIGTERM or SIGHUP (128 + SIGINT, as shells report it), whichever it was.
INTERRUPTED = 130

#: ``--version``'s line, the same for every command.
VERSION = f"benchbench (sphinx-benchbench) {__version__}"

#: Status, its name, and what it means for each command that returns it.  The README and
#: docs/runners/running.rst show this table; tests/test_cli.py checks that they still do.
TABLE: tuple[tuple[int, str, dict[str, str]], ...] = (
    (OK, "ok", {"*": "success", "run": "everything runnable succeeded (skipped implementations do not count)",
                "check": "nothing invalid, stale or refused"}),
    (FAILED, "failed", {
        "run": "a run failed, or an implementation was refused before it started (its data), or no "
               "benchmark could be loaded",
        "parse": "the log cannot be read or the window cannot be measured",
        "import": "the file or the data cannot be used, or a case was refused",
        "check": "stale results (and nothing invalid)",
        "versions": "the index could not be asked, or versions.yaml is unreadable",
    }),
    (USAGE, "usage", {"*": "a command-line mistake: an unknown option or command, a bad value, a data folder that "
                           "does not exist, a conf.py or cluster configuration that cannot be read"}),
    (INVALID, "invalid", {"check": "invalid data: a file or entry that does not validate, or that the runner "
                                   "would refuse (wins over stale)"}),
    (INTERRUPTED, "interrupted", {"*": "SIGINT (Ctrl-C), SIGTERM or SIGHUP; nothing half-written is left"}),
)


def epilog(command: str | None = None) -> str:
    """The exit statuses ``command`` can return, for the end of its ``--help`` (all commands' when None)."""
    lines = ["exit status:"]
    for code, _, meanings in TABLE:
        if command is None:
            said = "; ".join(f"{name}: {text}" if name != "*" else text for name, text in meanings.items())
        else:
            said = meanings.get(command) or meanings.get("*", "")
        if said:
            lines.append(textwrap.fill(said, width=79, initial_indent=f"  {code:<4} ", subsequent_indent=" " * 7))
    return "\n".join(lines)


def standard_options(parser: argparse.ArgumentParser, command: str, extra: str = "") -> None:
    """``--version`` and the exit-status epilog (after ``extra``), the same way for every command."""
    parser.add_argument("--version", action="version", version=VERSION)
    parser.epilog = (extra + "\n\n" if extra else "") + epilog(command)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
