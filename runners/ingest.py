"""``python -m runners.ingest`` in a checkout: :mod:`sphinx_benchbench.runners.cli.ingest`."""

import sys

from sphinx_benchbench.runners.cli.ingest import main

if __name__ == "__main__":
    sys.exit(main())
