"""Record results into ``data/<benchmark>/results/`` atomically, keeping history.

A recording is one new YAML file (never an overwrite) plus its raw log,
gzipped, under ``results/logs/``.  Both are written into a temporary folder
the loader ignores (``results/.recording-PID-HOST-*``), flushed to disk,
validated by loading them back through the same code the Sphinx extension
uses, and only then published with hard links, the log first and the result
last, with SIGINT, SIGTERM and SIGHUP held back meanwhile.  Before linking,
the temporary folder notes what it is about to publish: should the runner be
killed between the two links (SIGKILL, power loss), the next recording finds
that note beside a dead process's folder and takes the orphan log back.  So
``data/`` holds either what it held before or exactly one more complete
result, and no folder is left behind that the recording created.

The temporary folder is made, filled, emptied (each published file loses its
temporary name once linked, as a rename would do without overwriting) and
removed with one ``rmdir``, all while signals are held back: a catchable
signal never leaves it.  A SIGKILL while it exists does (it cannot be
caught), until the next recording removes it; one that cannot be removed
(an append-only folder) is named in a warning.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import gzip
import hashlib
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from sphinx_benchbench.data.convert import Converter
from sphinx_benchbench.data.loader import RESULTS_DIR
from sphinx_benchbench.data.model import Result, ResultsFile
from sphinx_benchbench.data.paths import inside
from sphinx_benchbench.data.yamlsource import DataError, load_yaml

from .commands.signals import deferred

__all__ = ["RecordError", "record", "remove_leftovers"]

LOGS_DIR = "logs"
#: Seconds after which a temporary recording folder is removed whatever its runner (another host's, say).
ABANDONED_AFTER = 3600


class RecordError(RuntimeError):
    """The result could not be recorded; ``data/`` is unchanged."""


def _plain(value: Any) -> Any:
    """Dataclasses to plain YAML values, leaving out unset and default fields."""
    if dataclasses.is_dataclass(value):
        out = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            default = f.default if f.default is not dataclasses.MISSING else (
                f.default_factory() if f.default_factory is not dataclasses.MISSING else dataclasses.MISSING)
            if item is None or (item == default and f.name != "schema"):
                continue
            out[f.name] = _plain(item)
        return out
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def dump(recording: ResultsFile, header: str) -> str:
    """The YAML text of a recording, with a comment header."""
    plain = _plain(recording)
    plain = {"schema": plain.pop("schema"), **plain}  # the format version first, as people write it
    body = yaml.safe_dump(plain, sort_keys=False, allow_unicode=True, width=100)
    return "".join(f"# {line}\n" for line in header.splitlines()) + body


def _fsync_write(path: Path, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


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
    logs = folder / LOGS_DIR
    for path in (folder, logs):  # a symlinked results/ or logs/ must not carry the recording elsewhere
        if not inside(os.fspath(data_root), os.fspath(path)):
            raise RecordError(f"{path} leads outside the data folder {data_root}")
    created = [path for path in (folder, logs) if not path.is_dir()]
    try:
        for path in created:
            path.mkdir()
        remove_leftovers(folder)
        base = f"{now:%Y%m%dT%H%M%SZ}-{re.sub(r'[^a-z0-9._-]', '-', implementation)}"
        log_bytes = gzip.compress(log, mtime=0) if log is not None else None
        # The temporary folder lives only inside the held-back section: no catchable signal can leave it.
        with deferred():
            tmp_dir = Path(tempfile.mkdtemp(prefix=f".recording-{os.getpid()}-{_host()}-", dir=folder))
            try:
                n = 1
                while True:  # another runner may publish the same name meanwhile
                    final = _publish(folder, base if n == 1 else f"{base}-{n}", results, log_bytes, header,
                                     tmp_dir, data_root)
                    if final is not None:
                        break
                    n += 1
            finally:
                _discard(tmp_dir)
            _sync(folder, logs)
            if on_published is not None:
                on_published(final)
        return final
    except BaseException:
        for path in reversed(created):  # folders this recording made, and nothing else in them
            with contextlib.suppress(OSError):
                path.rmdir()
        raise


#: Name of the note a temporary folder keeps of what it is publishing.
_JOURNAL = "publishing"


def _publish(folder: Path, stem: str, results: list[Result], log_bytes: bytes | None, header: str,
             tmp_dir: Path, data_root: str | os.PathLike[str]) -> Path | None:
    """Write, validate and link one recording under ``stem``; ``None`` when the name is taken.

    Hard links never replace an existing file (unlike rename), so two runners
    finishing in the same second both keep their results.
    """
    final_yaml, final_log = folder / f"{stem}.yaml", folder / LOGS_DIR / f"{stem}.log.gz"
    if final_yaml.exists() or final_log.exists():
        return None
    if log_bytes is not None:
        results = [dataclasses.replace(r, log=f"{LOGS_DIR}/{stem}.log.gz") for r in results]
    tmp_yaml, tmp_log = tmp_dir / final_yaml.name, tmp_dir / LOGS_DIR / final_log.name
    _fsync_write(tmp_yaml, dump(ResultsFile(results=results), header).encode("utf-8"))
    if log_bytes is not None:
        tmp_log.parent.mkdir(exist_ok=True)
        _fsync_write(tmp_log, log_bytes)
    # Validate exactly as the extension will read it, beside its log.
    problems = _validate(tmp_yaml, data_root)
    if problems:
        raise RecordError("refusing to record invalid data: " + "; ".join(map(str, problems)))
    journal = tmp_dir / _JOURNAL
    _fsync_write(journal, f"{final_log}\n{tmp_log}\n{final_yaml}\n".encode())
    published = False
    try:
        if log_bytes is not None and not _link(tmp_log, final_log):
            return None
        try:
            published = _link(tmp_yaml, final_yaml)  # the result appears last, complete
        finally:
            if not published and log_bytes is not None:  # taken, or not linked: the log goes too
                final_log.unlink(missing_ok=True)
        return final_yaml if published else None
    finally:
        # Published or given up, the temporary names go: the folder is left empty, one rmdir away.
        for path in (journal, tmp_yaml, tmp_log):
            path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):
            tmp_log.parent.rmdir()


def _discard(tmp_dir: Path) -> None:
    """Remove the temporary folder: empty after publishing, it holds a failed recording's files otherwise.

    A folder that cannot be removed (an append-only ``results/``) is said,
    by name: ``data/`` would otherwise carry it without anyone knowing.
    """
    try:
        tmp_dir.rmdir()
        return
    except FileNotFoundError:
        return
    except OSError:  # not empty: a recording that failed before its files were moved
        shutil.rmtree(tmp_dir, ignore_errors=True)
    if os.path.lexists(tmp_dir):
        try:
            tmp_dir.rmdir()  # once more, for the reason it stays
        except OSError as exc:
            print(f"warning: the temporary folder {tmp_dir} could not be removed ({exc.strerror or exc}); "
                  "remove it by hand", file=sys.stderr)


def _link(src: Path, dst: Path) -> bool:
    """Publish ``src`` as ``dst`` unless ``dst`` exists; False when it does."""
    try:
        os.link(src, dst)
    except FileExistsError:
        return False
    except OSError:  # a file system without hard links: check, then rename
        if dst.exists():
            return False
        os.replace(src, dst)
    return True


def _sync(*folders: Path) -> None:
    """Make the new names durable (a power loss right after must not lose them)."""
    for folder in folders:
        with contextlib.suppress(OSError):
            fd = os.open(folder, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


@functools.cache
def _host() -> str:
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


def remove_leftovers(folder: Path) -> list[str]:
    """Undo and remove the temporary folders of recordings whose runner is gone; what was done, in words.

    A folder whose note says a log was linked but whose result never was has
    its log taken back: the result never became visible, so neither should
    its log.
    """
    done = []
    for tmp in folder.glob(".recording-*"):
        parts = tmp.name.split("-")
        try:
            age = time.time() - tmp.lstat().st_mtime
        except OSError:
            continue
        here = len(parts) > 3 and parts[2] == _host()
        gone = here and parts[1].isdigit() and not _alive(int(parts[1]))
        if not (gone or age > ABANDONED_AFTER):
            continue
        journal = tmp / _JOURNAL
        if journal.is_file():
            final_log, tmp_log, final_yaml = (Path(p) for p in journal.read_text().splitlines()[:3])
            with contextlib.suppress(OSError):
                if not final_yaml.exists() and final_log.exists() and os.path.samefile(final_log, tmp_log):
                    final_log.unlink()
                    done.append(f"removed {final_log.name}, the log of a recording that never completed")
        shutil.rmtree(tmp, ignore_errors=True)
        done.append(f"removed {tmp.name}, left by a runner that is gone")
    return done


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _validate(tmp_yaml: Path, data_root: str | os.PathLike[str]) -> list[DataError]:
    try:
        data = load_yaml(tmp_yaml)
    except DataError as exc:
        return [exc]
    conv = Converter(str(tmp_yaml), str(data_root), {})
    conv.convert(ResultsFile, data)
    return conv.problems
