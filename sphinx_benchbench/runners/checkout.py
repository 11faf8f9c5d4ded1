"""Check an implementation out at its pinned ref, cleanly, and apply its patches.

Clones are cached (one per repository) so repeated runs do not download
again; every run starts from ``git reset --hard`` and ``git clean -fdx`` at the
pinned commit, then applies the patches with ``git apply`` exactly as stored.
Whether each patch applied is recorded: a patch published with mangled
whitespace is reported, not silently "fixed".
"""

from __future__ import annotations

import hashlib
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from .cache import cache_dir

__all__ = ["Checkout", "CheckoutError", "prepare"]


class CheckoutError(RuntimeError):
    """The source could not be checked out or patched."""


@dataclass(frozen=True)
class Checkout:
    """A clean checkout at ``commit``, its patches applied (a patch that does not apply raises instead)."""

    path: Path
    commit: str


def _git(args: list[str], cwd: Path | None = None, timeout: float = 600) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise CheckoutError(f"git {args[0]} failed: {exc}") from None
    if done.returncode != 0:
        message = (done.stderr or done.stdout).strip().splitlines()
        raise CheckoutError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout.strip()


def prepare(repository: str, ref: str, patches: list[str]) -> Checkout:
    """A clean checkout of ``repository`` at ``ref`` with ``patches`` applied."""
    key = hashlib.sha256(repository.encode()).hexdigest()[:16]
    name = repository.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]
    path = cache_dir() / "checkouts" / f"{name}-{key}"
    if not (path / ".git").is_dir():
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise CheckoutError(f"cannot create the checkout cache {path.parent}: {exc.strerror or exc}") from None
        _git(["clone", "--quiet", "--no-checkout", "--", repository, str(path)])
    try:
        commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], path)
    except CheckoutError:
        _git(["fetch", "--quiet", "--tags", "origin"], path)
        commit = _git(["rev-parse", "--verify", f"{ref}^{{commit}}"], path)
    _git(["checkout", "--quiet", "--force", "--detach", commit], path)
    _git(["reset", "--quiet", "--hard", commit], path)
    _git(["clean", "-fdxq"], path)
    for patch in patches:
        try:
            _git(["apply", "--check", patch], path)
        except CheckoutError as exc:
            raise CheckoutError(f"patch {os.path.basename(patch)} does not apply at {commit[:12]}: {exc}") from None
        _git(["apply", patch], path)
    return Checkout(path, commit)
