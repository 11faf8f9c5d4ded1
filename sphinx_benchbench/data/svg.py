"""Whether an SVG logo is safe to publish on the docs' own origin.

A logo is copied into the site and can be opened directly, where an SVG's
scripts run with the origin's rights (its cookies, its other pages).  Logos
come from pull requests, so an SVG is refused -- the page shows the name
instead -- unless it is plain drawing: no ``<script>``, no ``on*`` event
handlers, no ``<foreignObject>`` (HTML inside), no embedded documents, no
references outside itself (``href`` to anything but ``#fragment``, ``url()`` to
anything but a fragment, ``@import``), and no DTD (entity definitions are how
XML bombs and external entities get in).  Refusing rather than sanitising
keeps the rule simple to state and to check: a logo is either shown exactly
as committed or not at all.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree

__all__ = ["MAX_SVG_BYTES", "svg_problem"]

#: Largest SVG logo read; real logos are a few kilobytes.
MAX_SVG_BYTES = 1024 * 1024
_ELEMENTS = {"script", "foreignobject", "iframe", "embed", "object", "handler", "listener", "set", "animate",
             "animatemotion", "animatetransform", "discard"}
_URL = re.compile(r"url\(\s*(['\"]?)(?!#)[^)]*\1\s*\)", re.IGNORECASE)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1].lower()


def svg_problem(path: str) -> str | None:
    """Why the SVG at ``path`` must not be published, or ``None`` when it is plain drawing."""
    try:
        with open(path, "rb") as f:
            data = f.read(MAX_SVG_BYTES + 1)
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    if len(data) > MAX_SVG_BYTES:
        return f"is larger than {MAX_SVG_BYTES // 1024} KiB"
    if b"<!DOCTYPE" in data.upper() or b"<!ENTITY" in data.upper():
        return "declares a DTD or entities"
    try:
        root = ElementTree.fromstring(data)
    except ElementTree.ParseError as exc:
        return f"is not well-formed XML ({exc})"
    if _local(root.tag) != "svg":
        return f"is not an SVG document (its root is <{_local(root.tag)}>)"
    for element in root.iter():
        tag = _local(element.tag)
        if tag in _ELEMENTS:
            return f"contains a <{tag}> element"
        for name, value in element.attrib.items():
            attr = _local(name)
            if attr.startswith("on"):
                return f"has an event handler ({attr}) on <{tag}>"
            if attr in ("href", "src") and not value.strip().startswith("#"):
                return f"refers outside itself (<{tag} {attr}={value[:60]!r}>)"
            if attr == "style" and (_URL.search(value) or "@import" in value.lower() or "expression(" in value):
                return f"has a style on <{tag}> that loads something"
        if tag == "style" and element.text and (_URL.search(element.text) or "@import" in element.text.lower()):
            return "has a <style> that loads something"
        if any("javascript:" in (v or "").lower() for v in (*element.attrib.values(), element.text)):
            return f"contains a javascript: address in <{tag}>"
    return None
