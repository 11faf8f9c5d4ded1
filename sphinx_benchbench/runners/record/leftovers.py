"""What recordings whose runner was killed left in ``results/``, found and removed by the next one."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import time
from pathlib import Path

from .named import host

__all__ = ["ABANDONED_AFTER", "LOGS_DIR", "remove_leftovers"]

LOGS_DIR = "logs"
#: Seconds after which a temporary recording folder is removed whatever its runner (another host's, say).
ABANDONED_AFTER = 3600
#: The name a recording gives a log: the stem of its result (``20261201T120000Z-impl[-2]``), ``.log.gz``.
_OUR_LOG = re.compile(r"^(\d{8}T\d{6}Z-[a-z0-9._-]+)\.log\.gz$")


def remove_leftovers(folder: Path) -> list[str]:
    """Remove what recordings whose runner is gone left in ``results/``; what was done, in words.

    Called with the benchmark's publishing lock held, so no live runner is
    between linking a log and its result.  Two things can be left by a
    runner killed with SIGKILL: a log named as recordings name them whose
    result never appeared (killed between the two links) and that no results
    file mentions, which goes, since its result never became visible; and
    the temporary folder of a recording made with named files
    (:mod:`.named`), which goes when its runner is gone, or, for a runner on
    another host or in another PID namespace, once it is an hour old.
    """
    done = []
    for log in sorted((folder / LOGS_DIR).glob("*.log.gz")):
        match = _OUR_LOG.match(log.name)
        if match and not (folder / f"{match[1]}.yaml").exists() and not _mentioned(folder, log.name):
            with contextlib.suppress(OSError):
                log.unlink()
                done.append(f"removed {LOGS_DIR}/{log.name}, the log of a recording that never completed")
    for tmp in folder.glob(".recording-*"):
        parts = tmp.name.split("-")
        try:
            age = time.time() - tmp.lstat().st_mtime
        except OSError:
            continue
        here = len(parts) > 3 and parts[2] == host()
        gone = here and parts[1].isdigit() and not _alive(int(parts[1]))
        if gone or age > ABANDONED_AFTER:
            shutil.rmtree(tmp, ignore_errors=True)
            done.append(f"removed {tmp.name}, left by a runner that is gone")
    return done


def _mentioned(folder: Path, name: str) -> bool:
    """Whether a results file refers to the log ``name`` (one may have been merged into another by hand)."""
    for path in folder.glob("*.yaml"):
        with contextlib.suppress(OSError, UnicodeDecodeError):
            if name in path.read_text(encoding="utf-8"):
                return True
    return False


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
