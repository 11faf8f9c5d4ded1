"""``python -m runners.run`` in a checkout: :mod:`sphinx_benchbench.runners.cli.run`.

Signals are answered before the runner's modules are imported, so a Ctrl-C
in that moment ends it with status 130 rather than a traceback.
"""

import sys

from sphinx_benchbench.runners.cli.stopping import answering


def _run() -> int:
    from sphinx_benchbench.runners.cli.run import main  # imported once signals are answered

    return main()


if __name__ == "__main__":
    sys.exit(answering(_run))
