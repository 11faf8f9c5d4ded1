"""``python -m runners.parse`` in a checkout: :mod:`sphinx_benchbench.runners.cli.parse`."""

import sys

from sphinx_benchbench.runners.cli.parse import main

if __name__ == "__main__":
    sys.exit(main())
