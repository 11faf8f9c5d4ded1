"""``python -m sphinx_benchbench check|versions``: see :mod:`sphinx_benchbench.cli.check` and
:mod:`sphinx_benchbench.cli.versions`."""

import importlib
import sys

from .exits import OK, USAGE, VERSION, epilog

#: The commands a checkout runs this way (``benchbench`` has them too).
COMMANDS = {"check": "sphinx_benchbench.cli.check", "versions": "sphinx_benchbench.cli.versions"}

USAGE_TEXT = ("usage: python -m sphinx_benchbench check [DATA_DIR] [--json] [--conf PATH] [-t TAG] "
              "[--current PACKAGE=VERSION] [--max-age-days N]\n"
              "       python -m sphinx_benchbench versions [DATA_DIR] [--update] [--index URL]\n\n"
              "python -m sphinx_benchbench COMMAND --help shows a command's options.\n\n" + epilog())


def _main(args: list[str]) -> int:
    if args and args[0] in ("-h", "--help"):
        print(USAGE_TEXT)
        return OK
    if args and args[0] == "--version":
        print(VERSION)
        return OK
    if not args or args[0] not in COMMANDS:
        print(USAGE_TEXT, file=sys.stderr)
        return USAGE
    code: int = importlib.import_module(COMMANDS[args[0]]).main(args[1:])
    return code


if __name__ == "__main__":
    sys.exit(_main(sys.argv[1:]))
