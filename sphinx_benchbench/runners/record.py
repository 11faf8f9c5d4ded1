"""Record results into ``data/<benchmark>/results/`` atomically, keeping history.

A recording is one new YAML file (never an overwrite) plus its raw log,
gzipped, under ``results/logs/``.  Both are written to temporary names that
the loader ignores, flushed to disk, validated by loading them back through
the same code the Sphinx extension uses, and only then renamed into place:
a crash, a kill or a bug leaves ``data/`` as it was.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import gzip
import os
import re
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import yaml

from sphinx_benchbench.data.convert import Converter
from sphinx_benchbench.data.loader import RESULTS_DIR
from sphinx_benchbench.data.model import Result, ResultsFile
from sphinx_benchbench.data.paths import inside
from sphinx_benchbench.data.yamlsource import DataError, load_yaml

__all__ = ["RecordError", "record"]

LOGS_DIR = "logs"
#: Seconds after which a temporary recording folder of a process that is gone is removed.
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
    log_path: str | os.PathLike[str] | None,
    header: str,
    now: dt.datetime | None = None,
) -> Path:
    """Write one recording; return the path of its YAML file.

    ``results`` reference the log as ``logs/<stem>.log.gz`` when ``log_path``
    is given (this function fills it in).
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    folder = Path(bench_folder) / RESULTS_DIR
    logs = folder / LOGS_DIR
    for path in (folder, logs):  # a symlinked results/ or logs/ must not carry the recording elsewhere
        if not inside(os.fspath(data_root), os.fspath(path)):
            raise RecordError(f"{path} leads outside the data folder {data_root}")
    logs.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(folder)
    base = f"{now:%Y%m%dT%H%M%SZ}-{re.sub(r'[^a-z0-9._-]', '-', implementation)}"
    tmp_dir = Path(tempfile.mkdtemp(prefix=f".recording-{os.getpid()}-", dir=folder))  # the loader ignores it
    try:
        log_bytes = None
        if log_path is not None:
            with open(log_path, "rb") as raw:
                log_bytes = gzip.compress(raw.read(), mtime=0)
        n = 1
        while True:  # another runner may publish the same name meanwhile
            final = _publish(folder, base if n == 1 else f"{base}-{n}", results, log_bytes, header, tmp_dir,
                             data_root)
            if final is not None:
                return final
            n += 1
    finally:
        shutil.rmtree(tmp_dir, ignore_errors=True)


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
    if log_bytes is not None and not _link(tmp_log, final_log):
        return None
    if not _link(tmp_yaml, final_yaml):  # the result appears last, complete
        if log_bytes is not None:
            final_log.unlink()
        return None
    return final_yaml


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


def _remove_abandoned(folder: Path) -> None:
    """Remove temporary folders of recordings whose runner was killed (SIGKILL, power loss).

    A recording takes seconds; one an hour old whose process is gone here is abandoned.  The
    age matters because a runner in another PID namespace or on another host sharing the
    folder (NFS) has a PID that means nothing here.
    """
    for tmp in folder.glob(".recording-*"):
        pid = tmp.name.split("-")[1]
        try:
            age = time.time() - tmp.stat().st_mtime
        except OSError:
            continue
        if age > ABANDONED_AFTER and not (pid.isdigit() and _alive(int(pid))):
            shutil.rmtree(tmp, ignore_errors=True)


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
