"""Build time of the Mask R-CNN page: the directive versus the same page by hand.

The goal (issue "Benchmark pages from data"): building the page with
``benchmark-table`` costs at most 10 % more than building the same page
written by hand in plain reStructuredText.  Both projects are built side by
side in one run, alternating, so machine noise hits both alike:

* ``cold``: a fresh ``sphinx-build -E`` process per build, as ``make html`` on
  a clean checkout (includes importing the extension); ``cold-cpu`` is the
  same builds' CPU time (user + system), which other load on a shared machine
  disturbs far less than wall time.
* ``warm``: repeated full rebuilds in one process (every page re-read and
  re-written), as a writer's edit-rebuild loop or ``sphinx-autobuild`` sees it.

Usage: ``python benchmarks/build_time.py [--repeat N] [--check]``; ``--check``
exits 1 when a ratio exceeds 1.10.  pandas aggregates the samples (median,
spread) per mode and variant.
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

HERE = Path(__file__).parent
REPO = HERE.parent
DATA = REPO / "data"
LIMIT = 1.10


def make_projects(root: Path) -> dict[str, Path]:
    """Two Sphinx projects showing the same page: by hand, and by the directive."""
    hand = root / "by-hand"
    hand.mkdir()
    (hand / "conf.py").write_text('project = "bench"\nexclude_patterns = ["_build"]\n', encoding="utf-8")
    shutil.copy(HERE / "pages/by-hand.rst", hand / "index.rst")
    shutil.copytree(DATA / "logos", hand / "logos")
    shutil.copy(DATA / "maskrcnn-training/patches/matterport-hyperparameters.diff", hand)

    directive = root / "directive"
    directive.mkdir()
    (directive / "conf.py").write_text(
        'project = "bench"\nexclude_patterns = ["_build"]\n'
        f'extensions = ["sphinx_benchbench"]\nbenchbench_data_dir = {str(DATA)!r}\n'
        # The staleness check runs (it is part of the cost); only its report is silenced.
        'suppress_warnings = ["benchbench.stale"]\n',
        encoding="utf-8",
    )
    shutil.copy(HERE / "pages/directive.rst", directive / "index.rst")
    return {"by-hand": hand, "directive": directive}


#: The builds' environment, with bytecode caching on as in a normal installation: where
#: PYTHONDONTWRITEBYTECODE is set (some CI images and sandboxes), every cold build would
#: compile this project's modules from source while Sphinx's come precompiled, which
#: charges the directive some 30-60 ms that no reader's build pays.
BYTECODE_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def cold(src: Path) -> tuple[float, float]:
    """Wall time and CPU time (user + system) of one ``sphinx-build -E`` process."""
    out = src / "_build"
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "sphinx", "-E", "-q", "-b", "html", str(src), str(out / "html")],
                   check=True, stdout=subprocess.DEVNULL, env=BYTECODE_ENV)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def warm_apps(projects: dict[str, Path]) -> dict[str, object]:
    from sphinx.application import Sphinx

    apps = {}
    for name, src in projects.items():
        out = src / "_build_warm"
        apps[name] = Sphinx(src, src, out / "html", out / "doctrees", "html",
                            status=None, warning=io.StringIO(), freshenv=True)
        # force_all rewrites every page but re-reads only changed ones: mark all changed, so
        # each build parses the page again and the directive is on the clock.
        apps[name].connect("env-get-outdated", lambda app, env, added, changed, removed: list(env.found_docs))
        apps[name].build(force_all=True)  # first build: imports and caches
    return apps


def warm(app: object) -> float:
    start = time.perf_counter()
    app.build(force_all=True)  # type: ignore[attr-defined]
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10, help="builds per variant and mode (default 10)")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if a ratio exceeds {LIMIT}")
    args = parser.parse_args(argv)
    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        projects = make_projects(Path(tmp))
        for src in projects.values():  # warm the disk cache and check both build
            cold(src)
        apps = warm_apps(projects)
        for _ in range(args.repeat):
            for name, src in projects.items():
                wall, cpu = cold(src)
                samples.append(("cold", name, wall))
                samples.append(("cold-cpu", name, cpu))
            for name, app in apps.items():
                samples.append(("warm", name, warm(app)))
        for name, app in apps.items():
            # Two apps in one process re-register Sphinx's own nodes; anything else is a problem.
            lines = app._warning.getvalue().splitlines()  # type: ignore[attr-defined]
            warnings = "\n".join(w for w in lines if "already registered" not in w)
            if warnings:
                print(f"{name} build warned:\n{warnings}", file=sys.stderr)
                return 2
    frame = pd.DataFrame(samples, columns=["mode", "variant", "seconds"])
    stats = frame.groupby(["mode", "variant"])["seconds"].agg(["median", "min", "max", "count"]).unstack()
    medians = stats["median"]
    ratio = medians["directive"] / medians["by-hand"]
    fastest = stats["min"]["directive"] / stats["min"]["by-hand"]  # the runs least disturbed by other load
    print(stats.round(4).to_string())
    print()
    for mode, value in ratio.items():
        verdict = "ok" if value <= LIMIT else "OVER"
        print(f"{mode}: directive / by hand = {value:.3f} of medians, {fastest[mode]:.3f} of the fastest runs "
              f"(limit {LIMIT:.2f}) {verdict}")
    return 1 if args.check and (ratio > LIMIT).any() else 0


if __name__ == "__main__":
    sys.exit(main())
