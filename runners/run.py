"""``python -m runners.run`` in a checkout: :mod:`sphinx_benchbench.runners.cli.run`."""

import sys

from sphinx_benchbench.runners.cli.run import main

if __name__ == "__main__":
    sys.exit(main())
