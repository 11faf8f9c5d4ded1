"""``python -m runners.run``, ``runners.parse`` and ``runners.ingest`` in a checkout of this repository.

The engine itself is :mod:`sphinx_benchbench.runners`, installed with the
package (its command is ``benchbench``).  This folder is not part of the
wheel: a top-level package named ``runners`` would collide with an unrelated
distribution of that name on the package index.  What it holds here are the
short commands the documentation uses in a checkout.
"""
