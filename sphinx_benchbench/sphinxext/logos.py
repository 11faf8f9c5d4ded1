"""SVG-only logos in builders that show images but not SVG (LaTeX, Texinfo).

The directive names an SVG logo ``stem.*`` when it has a raster or PDF twin,
so every builder picks a format it can show.  An SVG without a twin would end
up as ``\\sphinxincludegraphics{logo.svg}`` and stop the PDF build, so once
the doctree is resolved (before images are processed) those builders get the
logo's name as text instead, with a warning given once, at the logo's line in
``logos.yaml``.  HTML and EPUB show the SVG; text and man pages, which show
no images, keep their ``[image: name]``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.transforms.post_transforms.images import ImageConverter

from .report import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__all__ = ["LOGO_CLASSES", "SOURCE", "setup_logos"]

#: Classes of the image nodes the directive makes for logos and framework icons.
LOGO_CLASSES = ("bb-logo", "bb-icon")
#: Attribute of a logo's image node: where the logo is defined (``logos.yaml:line``).
SOURCE = "bb_source"
_SVG = "image/svg+xml"


def show_names(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Replace SVG-only logos by their name where the builder cannot show SVG."""
    types = app.builder.supported_image_types
    if not types or _SVG in types or _converts_svg(app):
        return
    for image in list(doctree.findall(nodes.image)):
        classes = [c for c in image["classes"] if c in LOGO_CLASSES]
        if not classes or not image["uri"].lower().endswith(".svg"):
            continue
        warn(f"logo {image['alt']!r} is an SVG without a PNG or PDF twin beside it; "
             f"the {app.builder.name} output shows its name instead", image.get(SOURCE), Subtype.data, once=True)
        # parent.replace, not replace_self: that would copy the image's classes over.
        image.parent.replace(image, nodes.inline("", image["alt"], classes=[f"{c}-text" for c in classes]))


def _converts_svg(app: Sphinx) -> bool:
    """Whether an image converter (``sphinx.ext.imgconverter``, say) turns SVG into something else."""
    return any(issubclass(t, ImageConverter) and any(src == _SVG for src, _ in t.conversion_rules)
               for t in app.registry.get_post_transforms())


def setup_logos(app: Sphinx) -> None:
    app.connect("doctree-resolved", show_names)
