"""Files without a name until they are published: nothing a killed runner could leave behind.

A file opened with ``O_TMPFILE`` (Linux 3.11+, on ext4, XFS, Btrfs, tmpfs and
most local file systems) lives in a folder's file system but in no folder:
it is written and flushed there, and only ``linkat`` gives it a name, the
final one, in one step that never replaces an existing file.  A runner
killed with SIGKILL before that leaves nothing at all, since the kernel
frees a file without a name when its last descriptor closes (open(2),
``O_TMPFILE``; link(2), linking ``/proc/self/fd/N`` with
``AT_SYMLINK_FOLLOW``).

Where a file system has no ``O_TMPFILE`` or no hard links, or ``/proc`` is
not mounted, :func:`write` or :meth:`Unnamed.link` raise :class:`Unsupported`
before anything is visible, and the recorder uses named temporary files
instead (:mod:`.record`).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

__all__ = ["Unnamed", "Unsupported", "write"]

#: errno values that mean "not possible on this file system or system", not "this file failed".
_UNSUPPORTED = {errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL, errno.ENOSYS, errno.EPERM, errno.EXDEV,
                errno.EMLINK, errno.ENOENT}


class Unsupported(OSError):
    """No file without a name can be made or named here; nothing was published."""


class Unnamed:
    """An open, flushed file with no name yet; :meth:`link` names it, :meth:`close` lets the kernel free it."""

    def __init__(self, fd: int) -> None:
        self.fd = fd

    def link(self, dst: Path) -> bool:
        """Give the file the name ``dst`` unless that name is taken; False when it is."""
        folder = os.open(dst.parent, os.O_RDONLY | os.O_DIRECTORY)
        try:
            # A folder descriptor makes os.link call linkat() (plain link() would not follow /proc's link
            # to the open file) with AT_SYMLINK_FOLLOW.
            os.link(f"/proc/self/fd/{self.fd}", dst.name, dst_dir_fd=folder, follow_symlinks=True)
        except FileExistsError:
            return False
        except OSError as exc:
            if exc.errno in _UNSUPPORTED and not os.path.lexists(dst):
                raise Unsupported(exc.errno, f"cannot name a file without a name: {exc.strerror}") from exc
            raise
        finally:
            os.close(folder)
        return True

    def close(self) -> None:
        os.close(self.fd)


def write(folder: Path, data: bytes) -> Unnamed:
    """``data`` in a file without a name on ``folder``'s file system, flushed to disk.

    :raises Unsupported: where there are no such files (the caller names its temporary files instead).
    """
    flag = getattr(os, "O_TMPFILE", None)
    if flag is None:
        raise Unsupported(errno.ENOSYS, "no O_TMPFILE on this system")
    try:
        fd = os.open(folder, flag | os.O_WRONLY, 0o666)  # the umask applies, as for any new file
    except OSError as exc:
        if exc.errno in _UNSUPPORTED - {errno.ENOENT}:
            raise Unsupported(exc.errno, f"no file without a name in {folder}: {exc.strerror}") from exc
        raise
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
    except BaseException:
        os.close(fd)
        raise
    return Unnamed(fd)
