"""``python -m sphinx_benchbench check|versions``: see :mod:`sphinx_benchbench.cli.check` and
:mod:`sphinx_benchbench.cli.versions`."""

import importlib
import sys

#: The commands a checkout runs this way (``benchbench`` has them too).
COMMANDS = {"check": "sphinx_benchbench.cli.check", "versions": "sphinx_benchbench.cli.versions"}

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] not in COMMANDS:
        print("usage: python -m sphinx_benchbench check [DATA_DIR] [--json] [--conf CONF] "
              "[--current PACKAGE=VERSION] [--max-age-days N]\n"
              "       python -m sphinx_benchbench versions [DATA_DIR] [--update] [--index URL]", file=sys.stderr)
        sys.exit(2)
    sys.exit(importlib.import_module(COMMANDS[sys.argv[1]]).main(sys.argv[2:]))
