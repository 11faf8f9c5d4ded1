"""Whether an SVG logo is plain drawing, safe to show on the docs' own origin.

Logos come from pull requests.  The page embeds them (see :mod:`.images`), so
no logo is a file a reader could open on the site, but an SVG is still checked
before it is shown at all, because an SVG is a document that can run script,
restyle itself from elsewhere, redirect, or transform itself with XSLT.  The
rule is an allow-list, so that what a browser might do with a construct this
module does not know about never matters:

* UTF-8 text (so the byte checks below see what the parser sees), no DTD or
  entity (XML bombs, external entities), no processing instruction (an
  ``xml-stylesheet`` applies CSS or XSLT from anywhere, itself included);
* elements of the SVG namespace only from a list of drawing elements (no
  ``script``, ``foreignObject``, animation that can rewrite an ``href``, or
  ``a`` to elsewhere); no element of a namespace browsers act on (XHTML,
  MathML, XSLT, XInclude, XML Events); other namespaces (Inkscape's, RDF
  metadata) are inert and allowed;
* no ``on*`` attribute; every ``href``/``src`` a ``#fragment`` (an ``<image>``
  may also hold an embedded PNG, JPEG or GIF); every CSS, in ``style``
  attributes, presentation attributes and ``<style>`` elements, free of
  ``url()`` to anything but a fragment, ``@import``, ``image-set()``, ``src()``
  and escapes (``\\75 rl(`` is ``url(``);
* nothing anywhere that reads ``javascript:``.

Refusing rather than sanitising keeps the rule easy to state and to check: a
logo is shown exactly as committed or not at all.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

__all__ = ["svg_problem"]

_SVG = "http://www.w3.org/2000/svg"
#: Namespaces whose elements a browser gives behaviour to inside an SVG document.
_ACTIVE = {
    "http://www.w3.org/1999/xhtml": "XHTML",
    "http://www.w3.org/1998/Math/MathML": "MathML",
    "http://www.w3.org/1999/XSL/Transform": "XSLT",
    "http://www.w3.org/2001/XInclude": "XInclude",
    "http://www.w3.org/2001/xml-events": "XML Events",
}
#: SVG elements that only draw (SVG 1.1 and 2).  Lower case: SVG 1.1 names are camelCase.
_DRAWING = frozenset(name.lower() for name in (
    "svg", "g", "defs", "symbol", "use", "title", "desc", "metadata", "switch", "view", "a", "path", "rect",
    "circle", "ellipse", "line", "polyline", "polygon", "image", "text", "tspan", "textPath",
    "linearGradient", "radialGradient", "stop", "pattern", "clipPath", "mask", "marker", "solidcolor",
    "style", "filter", "feBlend", "feColorMatrix", "feComponentTransfer", "feComposite", "feConvolveMatrix",
    "feDiffuseLighting", "feDisplacementMap", "feDistantLight", "feDropShadow", "feFlood", "feFuncA",
    "feFuncB", "feFuncG", "feFuncR", "feGaussianBlur", "feImage", "feMerge", "feMergeNode", "feMorphology",
    "feOffset", "fePointLight", "feSpecularLighting", "feSpotLight", "feTile", "feTurbulence",
))
#: CSS that fetches or evaluates something, once lower-cased.
_CSS_LOADS = ("@import", "image-set(", "image(", "src(", "element(", "expression(", "behavior", "-moz-binding")
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(.?)")
_EMBEDDED_RASTER = re.compile(r"data:image/(png|jpeg|gif);base64,[A-Za-z0-9+/=\s]*\Z")
#: What browsers drop from a URL before reading its scheme (``java\tscript:``).
_URL_NOISE = re.compile(r"[\x00-\x20\x7f]+")


def svg_problem(data: bytes) -> str | None:
    """Why the SVG ``data`` must not be shown, or ``None`` when it is plain drawing."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "is not UTF-8 text"
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        return "declares a DTD or entities"
    parser: ElementTree.XMLPullParser[ElementTree.Element] = ElementTree.XMLPullParser(events=("start", "pi"))
    try:
        parser.feed(text)
        parser.close()
    except ElementTree.ParseError as exc:
        return f"is not well-formed XML ({exc})"
    root: ElementTree.Element | None = None
    for event_element in parser.read_events():
        event, element = event_element  # type: ignore[misc]  # typeshed: start/pi events are pairs
        assert isinstance(element, ElementTree.Element)  # "start" and "pi" events carry elements
        if event == "pi":
            return f"has a processing instruction ({str(element.text)[:40]!r})"
        if root is None:
            root = element
            if element.tag != f"{{{_SVG}}}svg":
                return f"is not an SVG document (its root is <{element.tag}>, not <svg> in the SVG namespace)"
        problem = _element_problem(element)
        if problem:
            return problem
    return None


def _split(name: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree tag or attribute name."""
    if name.startswith("{"):
        namespace, local = name[1:].split("}", 1)
        return namespace, local
    return "", name


def _element_problem(element: ElementTree.Element) -> str | None:
    namespace, tag = _split(element.tag)
    if namespace in _ACTIVE:
        return f"contains an {_ACTIVE[namespace]} element <{tag}>"
    if namespace == _SVG and tag.lower() not in _DRAWING:
        return f"contains a <{tag}> element"
    for name, value in element.attrib.items():
        attr_namespace, attr = _split(name)
        if attr.lower().startswith("on"):
            return f"has an event handler ({attr}) on <{tag}>"
        if "javascript:" in _URL_NOISE.sub("", value).lower():
            return f"contains a javascript: address in <{tag}>"
        if attr.lower() in ("href", "src"):
            embedded = tag == "image" and _EMBEDDED_RASTER.match(value.strip())
            if not value.strip().startswith("#") and not embedded:
                return f"refers outside itself (<{tag} {attr}={value[:60]!r}>)"
        elif attr_namespace in ("", _SVG):  # presentation attributes are CSS values
            problem = _css_problem(value)
            if problem:
                return f"has an attribute {attr} on <{tag}> that {problem}"
    if namespace == _SVG and tag == "style":
        if len(element):
            return "has a <style> with elements inside"
        problem = _css_problem(element.text or "")
        if problem:
            return f"has a <style> that {problem}"
    return None


def _css_problem(css: str) -> str | None:
    """What in a piece of CSS would fetch or evaluate something, or ``None``."""
    low = css.lower()
    if "\\" in low:
        return "uses a CSS escape"
    for word in _CSS_LOADS:
        if word in low:
            return f"loads something ({word})"
    for match in _CSS_URL.finditer(low):
        if match.group(1) != "#":
            return "loads something (url() to anything but #fragment)"
    return None
