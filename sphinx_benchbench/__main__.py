"""``python -m sphinx_benchbench check``: see :mod:`sphinx_benchbench.cli.check`."""

import sys

from .cli.check import main

if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "check":
        print("usage: python -m sphinx_benchbench check [DATA_DIR] [--json] [--conf CONF] "
              "[--current PACKAGE=VERSION] [--max-age-days N]", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[2:]))
