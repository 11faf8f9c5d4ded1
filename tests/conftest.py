"""Shared fixtures and helpers: real Sphinx builds of test roots and of copies we edit, real git
repositories, and the fingerprints the tests compare a data folder by."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytest_plugins = ("sphinx.testing.fixtures",)

TESTS = Path(__file__).parent
REPO = TESTS.parent
ROOTS = TESTS / "roots"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture
def project(tmp_path: Path) -> Callable[[str], Path]:
    """Copy a test root into a fresh folder, so a test may edit its data."""

    def copy(name: str = "basic", dest_name: str | None = None) -> Path:
        dest = tmp_path / (dest_name or name)
        shutil.copytree(ROOTS / f"test-{name}", dest)
        return dest

    return copy


def snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its content hash: equal snapshots mean byte-identical files."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def git(cwd: Path, *args: str) -> str:
    """Run git in ``cwd`` with a fixed author and no user configuration; its output, stripped."""
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    return subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()


def html(path: Path) -> BeautifulSoup:
    """A built HTML page, parsed."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def run_in_pty(argv: list[str], *, cwd: Path, env: dict[str, str], timeout: float = 120,
               respond: Callable[[str], bytes | None] | None = None) -> tuple[int, str]:
    """Run ``argv`` on a real pseudo-terminal, as from an interactive shell: its controlling terminal, so
    a ``\\x03`` written to it is Ctrl-C (SIGINT to the foreground group) and stdin is a terminal.

    ``respond`` sees all output so far after each read and returns keystrokes to type, or ``None``.
    Returns the exit status (negative: killed by that signal) and everything written to the terminal.
    """
    import pty
    import select
    import time

    pid, fd = pty.fork()
    if pid == 0:  # the child: its own session, the terminal its controlling one
        try:
            os.chdir(cwd)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    output = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:  # EIO: the other side is closed, the child is gone
                    break
                if not chunk:
                    break
                output += chunk
                keys = respond(output.decode("utf-8", "replace")) if respond else None
                if keys:
                    os.write(fd, keys)
        else:
            os.kill(pid, 9)
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")
