"""Keep every file the loader opens inside the data folder.

A data folder is often put together with symbolic links, and a link may point
anywhere: at another project's results, at a home directory.  The promise is
that no path leads out of the data folder, so every file and folder that is
read, or handed to Sphinx to copy, is resolved with every link followed and
compared with the data folder's own resolved path.  A link that stays inside
the data folder is followed like any file.
"""

from __future__ import annotations

import os
import stat

__all__ = ["OUTSIDE", "NotRegularFile", "inside", "read_regular"]

#: What a refused path is told, after its name.
OUTSIDE = "points outside the data folder (through a symbolic link)"


def inside(root: str, path: str) -> bool:
    """Whether ``path`` lies in the folder ``root`` once every link of both is followed."""
    root = os.path.realpath(root)
    return os.path.commonpath([os.path.realpath(path), root]) == root


class NotRegularFile(OSError):
    """A path that is a folder, a FIFO, a socket or a device (``folder`` says which of the two)."""

    def __init__(self, folder: bool) -> None:
        super().__init__("is a folder" if folder else "is not a regular file")
        self.folder = folder


def read_regular(path: str, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of the regular file at ``path`` (one more than allowed says it is larger).

    Opened without waiting (``O_NONBLOCK``): a FIFO named like a data file would
    otherwise hang the build until a writer came; it is refused instead.

    :raises NotRegularFile: when ``path`` is not a regular file.
    :raises OSError: when it cannot be opened or read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise NotRegularFile(stat.S_ISDIR(mode))
    with os.fdopen(fd, "rb") as f:
        return f.read(limit + 1)
