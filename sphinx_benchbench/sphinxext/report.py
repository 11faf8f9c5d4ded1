"""Warnings, located at data files, with a type users can silence.

Every warning is of type ``benchbench`` with a subtype from :class:`Subtype`,
so ``suppress_warnings = ["benchbench"]`` or ``["benchbench.data"]`` work and
``-W`` turns them into errors.  Each is given once per build, even when
parallel readers (``-j``) each load the data and report its problems.
"""

from __future__ import annotations

import enum
import logging as std_logging
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from ..data.yamlsource import DataError

logger = logging.getLogger("sphinx_benchbench")

__all__ = ["Subtype", "at", "setup_report", "warn", "warn_data"]


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
    #: Characters of a table that pdflatex cannot typeset (printed as ``[U+XXXX]``).
    latex = "latex"


def warn(message: str, location: str | nodes.Node | None, subtype: Subtype, once: bool = False) -> None:
    """Emit one ``benchbench`` warning (``once``: only the first time this message is given)."""
    logger.warning(message, location=location, type="benchbench", subtype=subtype.value, once=once)


class _File(str):
    """A file as a warning location when no line is known: printed ``path: WARNING``.

    Sphinx takes a location without ``:`` for a document name (and looks for
    ``name.rst``), and prints one that ends in ``:`` as ``path:: WARNING``.
    Claiming to contain ``:`` keeps the path as it is.
    """

    __slots__ = ()

    def __contains__(self, item: object) -> bool:
        return item == ":" or (isinstance(item, str) and super().__contains__(item))


def at(path: str, line: int | None) -> str:
    """The location ``path:line``, or the file alone when the line is unknown."""
    return f"{path}:{line}" if line else _File(path)


def warn_data(problem: DataError) -> None:
    """Report a data problem at its YAML file and line."""
    warn(problem.message, at(problem.path, problem.line), Subtype.data)


class _OncePerBuild(std_logging.Filter):
    """Let each ``benchbench`` warning (message and location) through once per build.

    Parallel readers each load a benchmark and report its problems; Sphinx
    hands their warnings to the main process, where this filter sits on the
    warning handler.  Serial builds report each problem once anyway.
    """

    def __init__(self) -> None:
        super().__init__()
        self.seen: set[str] = set()

    def filter(self, record: std_logging.LogRecord) -> bool:
        if getattr(record, "type", None) != "benchbench":
            return True
        key = record.getMessage()  # location included: Sphinx's translator filter ran before
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def forget(self, app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
        self.seen.clear()


def setup_report(app: Sphinx) -> None:
    """Install the once-per-build filter on this application's warning handler."""
    once = _OncePerBuild()
    for handler in std_logging.getLogger(logging.NAMESPACE).handlers:
        if isinstance(handler, logging.WarningStreamHandler):
            handler.addFilter(once)
    app.connect("env-before-read-docs", once.forget)
