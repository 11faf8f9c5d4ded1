"""Warnings, located at data files, with a type users can silence.

Every warning is of type ``benchbench`` with a subtype from :class:`Subtype`,
so ``suppress_warnings = ["benchbench"]`` or ``["benchbench.data"]`` work and
``-W`` turns them into errors.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from docutils import nodes

    from .yamlsource import DataError

logger = logging.getLogger("sphinx_benchbench")

__all__ = ["Subtype", "warn", "warn_data"]


class Subtype(str, enum.Enum):
    """Warning subtypes (``benchbench.<subtype>``)."""

    #: A problem in a data file, reported at its file and line.
    data = "data"
    #: A problem with the directive itself: unknown benchmark, bad option.
    directive = "directive"
    #: A result recorded with older software than current, or before its entry changed.
    stale = "stale"
    #: A bad ``benchbench_*`` value in conf.py.
    config = "config"


def warn(message: str, location: str | nodes.Node | None, subtype: Subtype, once: bool = False) -> None:
    """Emit one ``benchbench`` warning (``once``: only the first time this message is given)."""
    logger.warning(message, location=location, type="benchbench", subtype=subtype.value, once=once)


def warn_data(problem: DataError) -> None:
    """Report a data problem at its YAML file and line."""
    warn(problem.message, problem.location if problem.line else f"{problem.path}:", Subtype.data)
