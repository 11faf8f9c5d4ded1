"""Named temporary files, for file systems where files without a name (:mod:`.unnamed`) cannot be made.

They live in a folder the loader ignores, ``results/.recording-PID-HOST-*``,
made and removed with signals held back, so only SIGKILL can leave it (the
next recording removes it once its runner is gone: :mod:`.leftovers`).  A
file is published with a hard link, which never replaces a file, or where
there are no hard links (FAT, many FUSE and network mounts) by a rename
after checking that the name is free.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
import sys
import tempfile
from pathlib import Path
from types import TracebackType

__all__ = ["NamedFile", "Staging", "host"]


class NamedFile:
    """A flushed file under a temporary name; :meth:`link` publishes it, :meth:`close` drops the temporary name."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def link(self, dst: Path) -> bool:
        """Publish the file as ``dst`` unless ``dst`` exists; False when it does."""
        try:
            os.link(self.path, dst)
        except FileExistsError:
            return False
        except OSError:  # a file system without hard links: check, then rename
            if dst.exists():
                return False
            os.replace(self.path, dst)
        return True

    def close(self) -> None:
        self.path.unlink(missing_ok=True)


class Staging:
    """The temporary folder of one recording, in ``folder``; removed (or named in a warning) on exit."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix=f".recording-{os.getpid()}-{host()}-", dir=folder))
        self.count = 0

    def write(self, folder: Path, data: bytes) -> NamedFile:
        """``data`` in a new flushed file of the temporary folder (``folder``, where it will be named, is
        on the same file system)."""
        self.count += 1
        path = self.folder / str(self.count)
        with open(path, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        return NamedFile(path)

    def __enter__(self) -> Staging:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        """Remove the folder: empty after publishing, it holds a failed recording's files otherwise.

        A folder that cannot be removed (an append-only ``results/``) is said,
        by name: ``data/`` would otherwise carry it without anyone knowing.
        """
        try:
            self.folder.rmdir()
            return
        except FileNotFoundError:
            return
        except OSError:  # not empty: a recording that failed before its files were named
            shutil.rmtree(self.folder, ignore_errors=True)
        if os.path.lexists(self.folder):
            try:
                self.folder.rmdir()  # once more, for the reason it stays
            except OSError as error:
                print(f"warning: the temporary folder {self.folder} could not be removed "
                      f"({error.strerror or error}); remove it by hand", file=sys.stderr)


@functools.cache
def host() -> str:
    """This machine and PID namespace, as 8 hex digits: where a PID in a folder's name means something.

    A runner on another host sharing the folder (NFS), or in another
    container, has PIDs that mean nothing here; its leftovers are only
    removed once they are an hour old.
    """
    parts = []
    with contextlib.suppress(OSError):
        parts.append(Path("/proc/sys/kernel/random/boot_id").read_text().strip())
    with contextlib.suppress(OSError):
        parts.append(str(os.stat("/proc/self/ns/pid").st_ino))
    return hashlib.sha256("/".join(parts).encode()).hexdigest()[:8]
