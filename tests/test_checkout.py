"""Checkout and patching against a real (local) git repository."""

from __future__ import annotations

from pathlib import Path

import pytest

from sphinx_benchbench.runners.checkout import CheckoutError, prepare

from .conftest import git


@pytest.fixture
def upstream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str, str]:
    """A repository with two commits; returns (path, first commit, second commit)."""
    monkeypatch.setenv("BENCHBENCH_CACHE", str(tmp_path / "cache"))
    repo = tmp_path / "upstream"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    (repo / "train.py").write_text("GPU_COUNT = 1\n")
    git(repo, "add", "."), git(repo, "commit", "-qm", "one")
    first = git(repo, "rev-parse", "HEAD")
    (repo / "train.py").write_text("GPU_COUNT = 2\n")
    git(repo, "commit", "-qam", "two"), git(repo, "tag", "v2")
    return repo, first, git(repo, "rev-parse", "HEAD")


def test_checkout_at_a_short_commit_and_a_tag_then_patch(upstream: tuple[Path, str, str], tmp_path: Path) -> None:
    repo, first, second = upstream
    patch = tmp_path / "p.diff"
    patch.write_text("--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-GPU_COUNT = 1\n+GPU_COUNT = 8\n")
    co = prepare(str(repo), first[:7], [str(patch)])
    assert co.commit == first
    assert (co.path / "train.py").read_text() == "GPU_COUNT = 8\n"
    (co.path / "junk.txt").write_text("left over")
    co2 = prepare(str(repo), "v2", [])
    assert co2.path == co.path and co2.commit == second
    assert (co.path / "train.py").read_text() == "GPU_COUNT = 2\n"
    assert not (co.path / "junk.txt").exists(), "every run starts clean"


def test_a_patch_that_does_not_apply_is_reported(upstream: tuple[Path, str, str], tmp_path: Path) -> None:
    repo, _, second = upstream
    patch = tmp_path / "p.diff"
    patch.write_text("--- a/train.py\n+++ b/train.py\n@@ -1 +1 @@\n-GPU_COUNT = 1\n+GPU_COUNT = 8\n")
    with pytest.raises(CheckoutError, match=rf"patch p.diff does not apply at {second[:12]}"):
        prepare(str(repo), "v2", [str(patch)])


def test_unknown_ref_and_repository(upstream: tuple[Path, str, str], tmp_path: Path) -> None:
    repo, _, _ = upstream
    with pytest.raises(CheckoutError, match="rev-parse failed"):
        prepare(str(repo), "no-such-ref", [])
    with pytest.raises(CheckoutError, match="clone failed"):
        prepare(str(tmp_path / "missing"), "main", [])


def test_a_commit_made_after_the_clone_is_fetched(upstream: tuple[Path, str, str]) -> None:
    """The cached clone does not know a commit made upstream since: it is fetched, then checked out."""
    repo, first, _ = upstream
    assert prepare(str(repo), first, []).commit == first
    (repo / "train.py").write_text("GPU_COUNT = 3\n")
    git(repo, "commit", "-qam", "three")
    third = git(repo, "rev-parse", "HEAD")
    co = prepare(str(repo), third[:10], [])
    assert co.commit == third and (co.path / "train.py").read_text() == "GPU_COUNT = 3\n"


def test_an_unusable_cache_is_a_checkout_error(upstream: tuple[Path, str, str], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A cache path that is a file: the checkout fails with the folder it could not create, not a traceback."""
    repo, first, _ = upstream
    blocker = tmp_path / "cache-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("BENCHBENCH_CACHE", str(blocker))
    with pytest.raises(CheckoutError, match=rf"^cannot create the checkout cache {blocker}/checkouts: "):
        prepare(str(repo), first, [])


def test_git_that_cannot_be_started_is_a_checkout_error(upstream: tuple[Path, str, str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Without git on PATH, the checkout fails saying git could not run."""
    repo, first, _ = upstream
    monkeypatch.setenv("PATH", "/nonexistent")
    with pytest.raises(CheckoutError, match=r"^git clone failed: \[Errno 2\] No such file or directory: 'git'"):
        prepare(str(repo), first, [])


HOLDER = """\
import sys, time
from pathlib import Path
from sphinx_benchbench.runners.checkout import checked_out
repo, ref, want, start = sys.argv[1:5]
while time.time() < float(start):  # both begin together
    time.sleep(0.005)
with checked_out(repo, ref, []) as co:
    print(co.slot, co.path, flush=True)
    time.sleep(1.0)  # the other runner checks its own ref out meanwhile
    assert (co.path / "train.py").read_text() == want, "another runner reset this working tree"
"""


def test_two_runners_at_once_get_their_own_working_trees(upstream: tuple[Path, str, str], tmp_path: Path) -> None:
    """Two runners (real processes, started together on an empty cache) check out two refs of the same
    repository and hold them: one clone is made, each gets a working tree of its own that keeps its ref
    while the other prepares; the clone passes ``git fsck``, and a later run reuses slot 0."""
    import os
    import subprocess
    import sys
    import time

    repo, first, _ = upstream
    start = str(time.time() + 1.5)
    env = {**os.environ}
    procs = [subprocess.Popen([sys.executable, "-c", HOLDER, str(repo), ref, want, start], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for ref, want in ((first, "GPU_COUNT = 1\n"), ("v2", "GPU_COUNT = 2\n"))]
    outs = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    slots = sorted(out.split()[0] for out, _ in outs)
    paths = {out.split()[1] for out, _ in outs}
    assert slots == ["0", "1"] and len(paths) == 2, outs
    clones = [p for p in (tmp_path / "cache/checkouts").iterdir() if (p / ".git").is_dir()]
    assert len(clones) == 1
    git(clones[0], "fsck", "--no-progress")
    assert prepare(str(repo), first, []).slot == 0, "a free slot 0 is taken first"
