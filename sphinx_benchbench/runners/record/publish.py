"""Record results into ``data/<benchmark>/results/`` atomically, keeping history.

A recording is one new YAML file (never an overwrite) plus its raw log,
gzipped, under ``results/logs/``.  It is validated first, through the same
code the Sphinx extension reads it with.  Then, with SIGINT, SIGTERM and
SIGHUP held back and the benchmark's folder locked against other runners,
both are written as files without a name (:mod:`.unnamed`), flushed to
disk, and given their names with hard links, the log first and the result
last; a link never replaces a file, so two runners finishing in the same
second both keep theirs.  Until then the recording has no name anywhere: a
runner killed even with SIGKILL leaves nothing of it.  Killed between the
two links (a few microseconds), it leaves a log without its result, which
the next recording removes (it knows, holding the lock, that no live runner
is publishing it).  So ``data/`` holds either what it held before or exactly
one more complete result, and no folder is left behind that the recording
created.

Where files without a name cannot be made (no ``O_TMPFILE``, no hard links:
FAT, many FUSE and network mounts), they are written into a temporary folder
the loader ignores (``results/.recording-PID-HOST-*``) and renamed in after
checking the name is free; that folder is made and removed with signals held
back, and one a SIGKILL leaves is removed by the next recording once its
runner is gone.  One that cannot be removed (an append-only folder) is named
in a warning.
"""


from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import errno
import fcntl
import functools
import gzip
import os
import re
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from sphinx_benchbench.data.convert import Converter
from sphinx_benchbench.data.loader import RESULTS_DIR
from sphinx_benchbench.data.model import Result, ResultsFile
from sphinx_benchbench.data.paths import inside
from sphinx_benchbench.data.yamlsource import DataError, load_yaml

from ..commands.signals import deferred
from . import unnamed
from .dump import dump
from .leftovers import LOGS_DIR, remove_leftovers
from .named import Staging

__all__ = ["RecordError", "record"]


class RecordError(RuntimeError):
    """The result could not be recorded; ``data/`` is unchanged."""


class _Staged(Protocol):
    """A written, flushed file waiting for its name: :class:`.unnamed.Unnamed` or :class:`.named.NamedFile`."""

    def link(self, dst: Path) -> bool: ...
    def close(self) -> None: ...


#: Writes data on a folder's file system, ready to be named there.
_Stage = Callable[[Path, bytes], _Staged]


def record(
    bench_folder: str | os.PathLike[str],
    data_root: str | os.PathLike[str],
    implementation: str,
    results: list[Result],
    log: bytes | None,
    header: str,
    now: dt.datetime | None = None,
    on_published: Callable[[Path], None] | None = None,
) -> Path:
    """Write one recording; return the path of its YAML file.

    ``log``: the raw log, or ``None`` (bytes: the runner keeps it in memory, so
    no copy of it is left anywhere should the runner be killed).  ``results`` reference the log as
    ``logs/<stem>.log.gz`` when it is given (this function fills it in).
    ``on_published`` is called with the path the moment the result is
    complete, before any held-back signal is let through: a caller
    interrupted right after still knows it.
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    folder = Path(bench_folder) / RESULTS_DIR
    for path in (folder, folder / LOGS_DIR):  # a symlinked results/ or logs/ must not carry the recording elsewhere
        if not inside(os.fspath(data_root), os.fspath(path)):
            raise RecordError(f"{path} leads outside the data folder {data_root}")
    base = f"{now:%Y%m%dT%H%M%SZ}-{re.sub(r'[^a-z0-9._-]', '-', implementation)}"
    log_bytes = gzip.compress(log, mtime=0) if log is not None else None
    # Validated before anything is written, as the extension will read it; the log reference, a name this
    # function makes from the stem for a log it writes, is left out (that file does not exist yet).
    checked = results if log_bytes is None else [dataclasses.replace(r, log=None) for r in results]
    problems = _validate(folder / f"{base}.yaml", dump(ResultsFile(results=checked), header), data_root)
    if problems:
        raise RecordError("refusing to record invalid data: " + "; ".join(map(str, problems)))
    created: list[Path] = []
    try:
        # Signals wait while names are made, so a catchable one never leaves half a recording; the lock
        # makes other runners wait too, so none judges this one's log, named a moment before its
        # result, to be a dead runner's.
        with deferred(), _publishing(folder.parent):
            for line in remove_leftovers(folder):
                print(f"note: {line}", file=sys.stderr)
            # Files without a name wait in the benchmark's folder, on results/'s file system, so that a
            # results/ this recording makes is made only once they are written: a SIGKILL before then
            # leaves no empty folder either.
            folders = functools.partial(_make_folders, folder, created)
            try:
                final = _publish(folder, base, results, log_bytes, header, _stage_unnamed, folders)
            except unnamed.Unsupported:
                folders()
                with Staging(folder) as staging:
                    final = _publish(folder, base, results, log_bytes, header, staging.write, folders)
            _sync(folder, folder / LOGS_DIR)
            if on_published is not None:
                on_published(final)
        return final
    except BaseException:
        for path in reversed(created):  # folders this recording made, and nothing else in them
            with contextlib.suppress(OSError):
                path.rmdir()
        raise


def _publish(folder: Path, base: str, results: list[Result], log_bytes: bytes | None, header: str,
             stage: _Stage, folders: Callable[[], None]) -> Path:
    """Publish under the first free name of ``base``, ``base-2``, ...: another runner may take one meanwhile.

    ``folders`` makes ``results/`` and ``results/logs/`` where missing, once the files are staged.
    """
    n = 1
    while True:
        final = _publish_as(folder, base if n == 1 else f"{base}-{n}", results, log_bytes, header, stage, folders)
        if final is not None:
            return final
        n += 1


def _publish_as(folder: Path, stem: str, results: list[Result], log_bytes: bytes | None, header: str,
                stage: _Stage, folders: Callable[[], None]) -> Path | None:
    """Name the log, then the result, under ``stem``; ``None`` when either name is taken.

    Names are made with hard links, which never replace a file (unlike rename): two runners finishing in
    the same second both keep their results.
    """
    final_yaml, final_log = folder / f"{stem}.yaml", folder / LOGS_DIR / f"{stem}.log.gz"
    if final_yaml.exists() or final_log.exists():
        return None
    if log_bytes is not None:
        results = [dataclasses.replace(r, log=f"{LOGS_DIR}/{stem}.log.gz") for r in results]
    staged = [stage(folder, dump(ResultsFile(results=results), header).encode("utf-8"))]
    try:
        if log_bytes is not None:
            staged.append(stage(folder, log_bytes))
        folders()
        if log_bytes is not None and not staged[1].link(final_log):
            return None
        published = False
        try:
            published = staged[0].link(final_yaml)  # the result appears last, complete
        finally:
            if not published and log_bytes is not None:  # taken, or not named: the log goes too
                final_log.unlink(missing_ok=True)
        return final_yaml if published else None
    finally:
        for file in staged:
            file.close()


def _stage_unnamed(folder: Path, data: bytes) -> unnamed.Unnamed:
    """``data`` without a name in the benchmark's folder, or in ``results/`` itself where only it is writable."""
    try:
        return unnamed.write(folder.parent, data)
    except OSError as exc:
        if isinstance(exc, unnamed.Unsupported) or exc.errno not in (errno.EACCES, errno.EPERM, errno.EROFS) \
                or not folder.is_dir():
            raise
        return unnamed.write(folder, data)


def _make_folders(folder: Path, created: list[Path]) -> None:
    """``results/`` and ``results/logs/`` where missing, noted in ``created`` (removed should recording fail)."""
    for path in (folder, folder / LOGS_DIR):
        if not path.is_dir():
            path.mkdir()
            created.append(path)


@contextlib.contextmanager
def _publishing(bench_folder: Path) -> Iterator[None]:
    """An exclusive lock on the benchmark's folder while names are made and leftovers judged.

    ``flock`` on the folder itself: no lock file in ``data/``, and the kernel
    releases it when its holder dies, SIGKILL included.  So a runner that
    finds a log without its result, holding this lock, knows no live runner
    is between naming the two.  Where there are no locks (some network
    file systems), publishing goes on without one.
    """
    fd = os.open(bench_folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _sync(*folders: Path) -> None:
    """Make the new names durable (a power loss right after must not lose them)."""
    for folder in folders:
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def _validate(path: Path, text: str, data_root: str | os.PathLike[str]) -> list[DataError]:
    """What the extension would say of ``text`` as the results file ``path``, before it is written."""
    try:
        data = load_yaml(path, text)
    except DataError as exc:
        return [exc]
    conv = Converter(str(path), str(data_root), {})
    conv.convert(ResultsFile, data)
    return conv.problems
