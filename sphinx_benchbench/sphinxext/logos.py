"""Which of a logo's images each builder shows.

The directive embeds a logo's checked images in its image node (see
:mod:`..data.images`): the image named in ``logos.yaml`` first, then an SVG's
PDF or raster twins.  Once the builder is known, before Sphinx's own image
post-transforms run, this picks the first of the builder's image types the
logo has, as Sphinx does among ``stem.*`` candidates.  Builders that cannot
show data URIs (LaTeX, Texinfo) then get the picked bytes written under a
name of their hash by Sphinx, never a name from the data.

Where nothing fits, the logo's name is shown instead:

* an SVG without a twin in a builder that cannot show SVG (unless an image
  converter such as ``sphinx.ext.imgconverter`` turns SVG into something
  else): ``\\sphinxincludegraphics{logo.svg}`` would stop the PDF build; a
  warning at the logo's line in ``logos.yaml`` says so, once;
* a remote ``url:`` logo in a builder that would download it (LaTeX, EPUB,
  Texinfo): a build must not fetch addresses taken from a pull request (from
  a CI machine they can reach internal services) and publish the response.

* a builder that shows no images at all (text, man): ``[image: name][image]``
  would stand where a reader wants the name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.transforms.post_transforms.images import ImageConverter

from .report import Subtype, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.registry import SphinxComponentRegistry

__all__ = ["LOGO_CLASSES", "SOURCE", "VARIANTS", "setup_logos"]

#: Classes of the image nodes the directive makes for logos and framework icons.
LOGO_CLASSES = ("bb-logo", "bb-icon")
#: Attribute of a logo's image node: where the logo is defined (``logos.yaml:line``).
SOURCE = "bb_source"
#: Attribute of a logo's image node: its images as ``(MIME type, data URI)``, the preferred first.
VARIANTS = "bb_variants"
_SVG = "image/svg+xml"


class PickLogoImage(SphinxPostTransform):
    """Give each logo the image its builder can show, or its name."""

    #: Before Sphinx's ImageDownloader (100) and DataURIExtractor (150).
    default_priority = 90

    def run(self, **kwargs: object) -> None:
        # Sphinx 9 deprecates the transform's ``app``; its replacements are private, and older
        # releases have only ``app``.
        env = self.env
        builder = env._builder_cls if hasattr(env, "_builder_cls") else self.app.builder
        registry = env._registry if hasattr(env, "_registry") else self.app.registry
        types = list(builder.supported_image_types)
        if types and _converts_svg(registry):
            types.append(_SVG)
        for image in list(self.document.findall(nodes.image)):
            classes = [c for c in image["classes"] if c in LOGO_CLASSES]
            if not classes:
                continue
            if not types:  # no images at all (text, man)
                _show_name(image, classes)
                continue
            variants: list[tuple[str, str]] = image.get(VARIANTS, [])
            if not variants:  # a remote url: shown where the reader's browser fetches it
                if not builder.supported_remote_images:
                    _show_name(image, classes)
                continue
            uri = next((uri for t in types for mime, uri in variants if mime == t), None)
            if uri is None:
                warn(f"logo {image['alt']!r} is an SVG without a PNG or PDF twin beside it; "
                     f"the {builder.name} output shows its name instead", image.get(SOURCE), Subtype.data,
                     once=True)
                _show_name(image, classes)
                continue
            image["uri"] = uri
            image["candidates"] = {"?": uri}


def _show_name(image: nodes.image, classes: list[str]) -> None:
    # parent.replace, not replace_self: that would copy the image's classes over.
    image.parent.replace(image, nodes.inline("", image["alt"], classes=[f"{c}-text" for c in classes]))


def _converts_svg(registry: SphinxComponentRegistry) -> bool:
    """Whether an image converter (``sphinx.ext.imgconverter``, say) turns SVG into something else."""
    return any(issubclass(t, ImageConverter) and any(src == _SVG for src, _ in t.conversion_rules)
               for t in registry.get_post_transforms())


def setup_logos(app: Sphinx) -> None:
    app.add_post_transform(PickLogoImage)
