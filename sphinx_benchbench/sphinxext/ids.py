"""Ids made from data give way to the page's own.

An implementation's box gets the id ``<benchmark>-<implementation>``, unique
among the ids known when the directive runs.  A heading or target further
down the page, parsed later, could get the same id, and then the page's own
``#anchor`` would jump to the data's box: an implementation id comes from a
pull request, so it must not be able to take an anchor the author wrote.
Once the whole document is parsed, a box whose id is used elsewhere takes
another one (``-2``, ``-3``, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.transforms import SphinxTransform

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["YIELDS", "setup_ids"]

#: Attribute of a node whose ids come from data and give way.
YIELDS = "bb_yields_ids"


class DataIdsGiveWay(SphinxTransform):
    """Rename the ids of data-made nodes that another node of the document also has."""

    default_priority = 900

    def apply(self, **kwargs: object) -> None:
        ours = [n for n in self.document.findall(nodes.Element) if n.get(YIELDS)]
        if not ours:
            return
        used = {i for n in self.document.findall(nodes.Element) if not n.get(YIELDS) for i in n["ids"]}
        for node in ours:
            renamed = []
            for old in node["ids"]:
                new, n = old, 1
                while new in used:
                    n += 1
                    new = f"{old}-{n}"
                used.add(new)
                renamed.append(new)
                if new != old:
                    self.document.ids[new] = node
            node["ids"] = renamed


def setup_ids(app: Sphinx) -> None:
    app.add_transform(DataIdsGiveWay)
