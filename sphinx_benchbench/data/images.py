"""Logo images: read once, checked by their content, handed on as bytes.

A logo path is never handed to Sphinx.  Sphinx treats an image path as a
glob, substitutes language variants (``logo.en.svg`` for ``logo.svg``), picks
among every file of a stem and copies whatever it picked, of any type, into
``_images/`` where a reader can open it on the docs' origin: each of those
turned a checked name into an unchecked file.  Instead the loader reads the
exact file named (and, for an SVG, its twins of the same stem), refuses what
is not an image of an allowed type by its first bytes, checks an SVG's
content (:mod:`.svg`), and the page embeds the bytes (a ``data:`` URI) that
were checked.
"""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass

from .paths import OUTSIDE, NotRegularFile, inside, read_regular
from .svg import svg_problem

__all__ = ["IMAGE_TYPES", "MAX_IMAGE_BYTES", "TWIN_TYPES", "Image", "ImageProblem", "read_image"]

#: Largest logo file read; real logos are a few kilobytes, and each is embedded where it is shown.
MAX_IMAGE_BYTES = 512 * 1024
#: The file types a logo may be, by extension.
IMAGE_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".pdf": "application/pdf",
}
#: Twins of an SVG logo, looked up by exact name, for builders that cannot show SVG (LaTeX).
TWIN_TYPES = (".pdf", ".png", ".jpg", ".jpeg", ".gif")
#: How each non-SVG type starts.
_MAGIC = {
    "image/png": (b"\x89PNG\r\n\x1a\n",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/gif": (b"GIF87a", b"GIF89a"),
    "application/pdf": (b"%PDF-",),
}


class ImageProblem(Exception):
    """Why a logo file cannot be shown (the message follows the file's name)."""


@dataclass(frozen=True)
class Image:
    """A checked logo image."""

    mime: str
    data: bytes

    def data_uri(self) -> str:
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


def read_image(root: str, path: str) -> Image:
    """Read and check the logo image at ``path`` (inside the data folder ``root``)."""
    ext = os.path.splitext(path)[1].lower()
    mime = IMAGE_TYPES.get(ext)
    if mime is None:
        raise ImageProblem(f"is not a kind of file a logo may be ({', '.join(IMAGE_TYPES)})")
    if not inside(root, path):
        raise ImageProblem(OUTSIDE)
    real = os.path.realpath(path)
    if IMAGE_TYPES.get(os.path.splitext(real)[1].lower()) != mime:
        raise ImageProblem(f"is a link to {os.path.basename(real)}, a file of another kind")
    try:
        data = read_regular(real, MAX_IMAGE_BYTES)
    except NotRegularFile:
        raise ImageProblem("is not a regular file") from None
    except OSError as exc:
        raise ImageProblem(f"cannot be read: {exc.strerror or exc}") from None
    if len(data) > MAX_IMAGE_BYTES:
        raise ImageProblem(f"is larger than {MAX_IMAGE_BYTES // 1024} KiB")
    if mime == "image/svg+xml":
        problem = svg_problem(data)
        if problem:
            raise ImageProblem(problem)
    elif not data.startswith(_MAGIC[mime]):
        raise ImageProblem(f"does not start as a {ext[1:].upper()} file does")
    return Image(mime, data)
