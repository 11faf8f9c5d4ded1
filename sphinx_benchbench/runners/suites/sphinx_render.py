"""Sphinx build time of the Mask R-CNN page written four ways: the project's CPU suite.

Why it exists: the project measures itself with the machinery it offers others.
Its promise is that a page built by ``benchmark-table`` costs at most 10 % more
Sphinx time than the same page typed by hand, so the page is written four ways
(``--variant``): by hand with a grid table, with ``list-table``, with
``csv-table``, and through the directive.  The suite needs no accelerator, no
clone and no network, and runs in seconds on any CPU.

What is timed is a warm full rebuild, which is what a doc writer waits for
after an edit (or what ``sphinx-autobuild`` does): one process and one Sphinx
application, so imports and extension set-up happen once and are not timed,
then ``--iterations`` rebuilds in which every document is read *and* written.
``app.build(force_all=True)`` alone rewrites every page but re-reads only
changed sources, which would leave the directive (it runs while reading) off
the clock; an ``env-get-outdated`` handler marks every document changed.

Output, for the runner's log parser, flushed after each build::

    iteration 1/30 time: 0.123456
    ...
    done

A build that warns is not the page being compared, so the first warning ends
the run with exit status 1.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

__all__ = ["DEFAULT_DATA", "NOISE", "VARIANTS", "main", "make_app", "make_project", "run"]

#: The checkout this module lies in (the suite runs from a checkout, or an editable install of one).
_CHECKOUT = Path(__file__).resolve().parents[3]
#: The hand-written pages the variants build.
PAGES = _CHECKOUT / "benchmarks" / "pages"
#: The data folder: the one the runner runs this for ($BENCHBENCH_DATA), else the checkout's.
DEFAULT_DATA = Path(os.environ.get("BENCHBENCH_DATA") or _CHECKOUT / "data")
#: The page each variant builds, from ``benchmarks/pages``.
VARIANTS = {
    "by-hand": "by-hand.rst",
    "list-table": "list-table.rst",
    "csv-table": "csv-table.rst",
    "benchmark-table": "directive.rst",
}
#: The patch the hand-written pages include with ``literalinclude``.
PATCH = Path("maskrcnn-training/patches/matterport-hyperparameters.diff")
#: Sphinx's complaint when a second app re-registers its nodes; cannot happen with one app, never a failure.
NOISE = "already registered"


def make_project(variant: str, root: Path, data: Path = DEFAULT_DATA) -> Path:
    """Write the one-page Sphinx project of ``variant`` into ``root`` and return it.

    The hand-written pages need the logos and the patch next to them; the
    directive's page needs only the extension and the data folder.
    """
    root.mkdir(parents=True, exist_ok=True)
    conf = 'project = "bench"\n'
    if variant == "benchmark-table":
        # Staleness is still checked (it is part of the directive's cost); only its report is silenced,
        # since any warning fails the run.
        conf += (f'extensions = ["sphinx_benchbench"]\nbenchbench_data_dir = {str(data.resolve())!r}\n'
                 'suppress_warnings = ["benchbench.stale"]\n')
    else:
        shutil.copytree(data / "logos", root / "logos")
        shutil.copy(data / PATCH, root / PATCH.name)
    (root / "conf.py").write_text(conf, encoding="utf-8")
    shutil.copy(PAGES / VARIANTS[variant], root / "index.rst")
    return root


def _every_document(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
                    removed: set[str]) -> Iterable[str]:
    """Mark every document changed, so each build reads it again (the directive runs while reading)."""
    return sorted(env.found_docs - removed)


def make_app(src: Path, out: Path, warnings: io.StringIO) -> Sphinx:
    """One quiet HTML application whose builds re-read and re-write every document.

    Sphinx is imported here rather than at the top so that a Ctrl-C during the
    import is handled by :func:`main` too, and ``--help`` stays instant.
    """
    from sphinx.application import Sphinx

    app = Sphinx(src, src, out / "html", out / "doctrees", "html", status=None, warning=warnings, freshenv=True)
    app.connect("env-get-outdated", _every_document)
    return app


def _new_warnings(warnings: io.StringIO, seen: int) -> tuple[str, int]:
    """Warnings written since offset ``seen`` (without Sphinx's re-registration noise), and the new offset."""
    from sphinx.util.console import strip_colors

    text = warnings.getvalue()
    lines = [strip_colors(line) for line in text[seen:].splitlines() if line.strip() and NOISE not in line]
    return "\n".join(lines), len(text)


def _warned(variant: str, problems: str) -> int:
    """Report a page's warnings on stderr; the exit status of a run whose page warned."""
    print(f"sphinx-render: the {variant} page warned:\n{problems}", file=sys.stderr)
    return 1


def run(variant: str, iterations: int, data: Path) -> int:
    """Build ``variant`` ``iterations`` times in one app, printing one line per build; the exit status."""
    with tempfile.TemporaryDirectory(prefix=f"bb-sphinx-render-{variant}-") as tmp:
        src = make_project(variant, Path(tmp) / "src", data)
        warnings = io.StringIO()
        app = make_app(src, Path(tmp) / "out", warnings)
        problems, seen = _new_warnings(warnings, 0)
        if problems:
            return _warned(variant, problems)
        for i in range(1, iterations + 1):
            start = time.perf_counter()
            app.build(force_all=True)
            seconds = time.perf_counter() - start
            problems, seen = _new_warnings(warnings, seen)
            if problems:
                return _warned(variant, problems)
            print(f"iteration {i}/{iterations} time: {seconds:.6f}", flush=True)
    print("done", flush=True)
    return 0


def _positive(text: str) -> int:
    """argparse type: an integer greater than zero."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive integer")
    return value


def main(argv: list[str] | None = None) -> int:
    """Command line entry point; returns the exit status (130 on Ctrl-C, without a traceback)."""
    parser = argparse.ArgumentParser(
        prog="python -m sphinx_benchbench.runners.suites.sphinx_render",
        description="Time warm full Sphinx rebuilds of the Mask R-CNN page, written one of four ways.",
    )
    parser.add_argument("--variant", required=True, choices=VARIANTS, help="how the page is written")
    parser.add_argument("--iterations", required=True, type=_positive, help="how many builds to time")
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="data folder with logos/ and maskrcnn-training/ (default: %(default)s)")
    args = parser.parse_args(argv)
    if not (args.data / "logos").is_dir() or not (args.data / PATCH).is_file():
        parser.error(f"--data {args.data}: not a data folder with logos/ and {PATCH}")
    if not (PAGES / VARIANTS[args.variant]).is_file():
        parser.error(f"the hand-written pages are not in {PAGES}: run this suite from a checkout of "
                     "sphinx-benchbench (or an editable install of one)")
    try:
        return run(args.variant, args.iterations, args.data)
    except KeyboardInterrupt:
        print("sphinx-render: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
