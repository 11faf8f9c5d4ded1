"""Check an implementation out at its pinned ref, cleanly, and apply its patches.

Clones are cached (one per repository) so repeated runs do not download
again; every run starts from ``git reset --hard`` and ``git clean -fdx`` at the
pinned commit, then applies the patches with ``git apply`` exactly as stored.
Whether each patch applied is recorded: a patch published with mangled
whitespace is reported, not silently "fixed".

The cache is shared by every runner on the machine and, on a cluster, by
every job on a shared ``$HOME``, so two of them must neither clone or fetch
into the same repository at once nor run in the same working tree: one would
reset and patch the files the other is measuring.  So a run holds a *slot*
for as long as it uses the checkout (:func:`checked_out`): slot 0 is the
clone's own working tree, as before; a run that finds it taken gets the next
free one, a ``git worktree`` of the same clone (its objects shared, so a
second slot costs a checkout, not a download), kept for the next run that
needs it.  A slot is an ``flock`` (:func:`..cache.lock`): a runner that dies,
even by SIGKILL, frees it.  The git commands that change the shared clone
(clone, fetch, adding a worktree, and the checkout and patching, which are
quick) run under the clone's own lock, one runner at a time.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import os
import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import filelock

from .cache import cache_dir, lock

__all__ = ["Checkout", "CheckoutError", "checked_out", "prepare"]

#: Most working trees of one repository at once (runners or jobs measuring it together).
MAX_SLOTS = 64


class CheckoutError(RuntimeError):
    """The source could not be checked out or patched."""


@dataclass(frozen=True)
class Checkout:
    """A clean checkout at ``commit``, its patches applied (a patch that does not apply raises instead)."""

    path: Path
    commit: str
    #: Which working tree of the cached clone: 0 is the clone's own, others are its worktrees.
    slot: int = 0


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


def clone_path(repository: str) -> Path:
    """The cached clone of ``repository``: its name and a hash of its address."""
    key = hashlib.sha256(repository.encode()).hexdigest()[:16]
    name = repository.rstrip("/").removesuffix(".git").rsplit("/", 1)[-1]
    return cache_dir() / "checkouts" / f"{name}-{key}"


def _lock_file(base: Path, what: str) -> Path:
    """The lock file ``what`` of the clone at ``base``: under the cache's ``locks/``, never inside a working
    tree (which ``git clean -fdx`` empties), and not beside the clones, so ``checkouts/`` holds clones only."""
    folder = base.parent.parent / "locks" / base.parent.name
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{base.name}.{what}.lock"


@contextlib.contextmanager
def _slot(base: Path) -> Iterator[int]:
    """Hold the first free working tree of the clone at ``base`` for the block (waiting when all are taken)."""
    for index in itertools.count():
        try:
            held = lock(_lock_file(base, f"slot-{index}"), timeout=0 if index < MAX_SLOTS - 1 else -1)
            held.acquire()
        except filelock.Timeout:
            continue
        except OSError as exc:
            raise CheckoutError(f"cannot lock the checkout cache {base.parent}: {exc.strerror or exc}") from None
        try:
            yield index
        finally:
            held.release()
        return


def _worktree(base: Path, index: int, commit: str) -> Path:
    """Slot ``index``'s working tree, added to the clone when it is not there (or no longer a worktree)."""
    if index == 0:
        return base
    path = base.parent.parent / "worktrees" / base.name / str(index)
    if not (path / ".git").is_file():
        shutil.rmtree(path, ignore_errors=True)
        _git(["worktree", "prune"], base)
        _git(["worktree", "add", "--quiet", "--force", "--detach", "--no-checkout", str(path), commit], base)
    return path


def _prepare(base: Path, index: int, repository: str, ref: str, patches: list[str]) -> Checkout:
    """Clone or fetch as needed, then check ``ref`` out cleanly in slot ``index`` and patch it."""
    if not (base / ".git").is_dir():
        _git(["clone", "--quiet", "--no-checkout", "--", repository, str(base)])
    try:
        commit = _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], base)
    except CheckoutError:
        _git(["fetch", "--quiet", "--tags", "origin"], base)
        commit = _git(["rev-parse", "--verify", f"{ref}^{{commit}}"], base)
    path = _worktree(base, index, commit)
    _git(["checkout", "--quiet", "--force", "--detach", commit], path)
    _git(["reset", "--quiet", "--hard", commit], path)
    _git(["clean", "-fdxq"], path)
    for patch in patches:
        try:
            _git(["apply", "--check", patch], path)
        except CheckoutError as exc:
            raise CheckoutError(f"patch {os.path.basename(patch)} does not apply at {commit[:12]}: {exc}") from None
        _git(["apply", patch], path)
    return Checkout(path, commit, index)


@contextlib.contextmanager
def checked_out(repository: str, ref: str, patches: list[str]) -> Iterator[Checkout]:
    """A clean checkout of ``repository`` at ``ref`` with ``patches`` applied, the caller's alone for the block."""
    base = clone_path(repository)
    try:
        base.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CheckoutError(f"cannot create the checkout cache {base.parent}: {exc.strerror or exc}") from None
    with _slot(base) as index:
        try:
            with lock(_lock_file(base, "clone")):
                checkout = _prepare(base, index, repository, ref, patches)
        except OSError as exc:  # the clone's lock file could not be made
            raise CheckoutError(f"cannot lock the checkout cache {base.parent}: {exc.strerror or exc}") from None
        yield checkout


def prepare(repository: str, ref: str, patches: list[str]) -> Checkout:
    """A clean checkout of ``repository`` at ``ref`` with ``patches`` applied, for a look at it; a run holds
    its checkout with :func:`checked_out` instead, so that no other runner resets it meanwhile."""
    with checked_out(repository, ref, patches) as checkout:
        return checkout
