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

__all__ = ["OUTSIDE", "inside"]

#: What a refused path is told, after its name.
OUTSIDE = "points outside the data folder (through a symbolic link)"


def inside(root: str, path: str) -> bool:
    """Whether ``path`` lies in the folder ``root`` once every link of both is followed."""
    root = os.path.realpath(root)
    return os.path.commonpath([os.path.realpath(path), root]) == root
