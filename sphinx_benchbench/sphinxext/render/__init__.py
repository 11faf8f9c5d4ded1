"""Build the page's docutils nodes from a loaded benchmark, one module per part.

:class:`Renderer` is the parts together: the environment and method
(:mod:`.environment`), the tables (:mod:`.tables`), the charts
(:mod:`.figures`) and the per-implementation details (:mod:`.details`), all
reading one :class:`~.base.Page`.
"""

from __future__ import annotations

from .base import COLLAPSIBLE, Page
from .details import DetailsPart
from .environment import EnvironmentPart
from .figures import ChartPart
from .tables import TablePart

__all__ = ["COLLAPSIBLE", "PARTS", "Page", "Renderer"]

#: The parts a ``benchmark-table`` directive can show, in their default order.
PARTS = ("summary", "environment", "table", "chart", "history", "details")


class Renderer(EnvironmentPart, TablePart, ChartPart, DetailsPart):
    """Makes the nodes of one directive: each part is a method named as in :data:`PARTS`."""
