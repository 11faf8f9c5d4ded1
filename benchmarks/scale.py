"""Build time at scale: a synthetic benchmark of N implementations x R results each, by the directive and
by hand (issue "Scale").

For each case a data folder is generated (R results files of N results, one per implementation, with
samples, software and a run record as the runner writes them), and two Sphinx projects show the same
page: one by ``.. benchmark-table::``, one written by hand (the table as a list-table, the
implementations' sections, the two charts as raw SVG and the two downloads, generated from the same
data).  Both are built side by side, alternating, in fresh ``sphinx-build -E`` processes, and each
pair gives a ratio (directive / by hand) of CPU time (user + system; other load on a shared machine
disturbs it far less than wall time):

* ``-E``: the output folder kept between builds, as ``sphinx-build -E`` or ``make clean``-less CI: the
  converted data files kept beside the doctrees (``sphinx_benchbench.data.cache``) are used;
* ``fresh``: an empty output folder for every build of both projects: every file is parsed.

Then the incremental cases, in one process with the largest data set: a rebuild after editing one
results file (which pages are re-read, which files parsed), and after editing one logo's entry in
``logos.yaml`` (only the pages that show that logo are re-read).

Usage: ``python benchmarks/scale.py [--repeat N] [--cases 10x1,1000x10] [--check]``; ``--check`` exits 1
when a 10,000-result case's median ratio exceeds 1.25.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from build_time import cold  # this folder is on the path of a script run from it

CASES = [(10, 1), (100, 10), (1000, 1), (10, 1000), (100, 100), (1000, 10)]
LIMIT = 1.25
#: Bytecode caching on, as in a normal installation (see benchmarks/build_time.py).
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20"><rect width="40" ' \
      'height="20" fill="{}"/></svg>\n'
CONF = 'project = "scale"\nexclude_patterns = ["_build", "data"]\nsuppress_warnings = ["benchbench.stale"]\n'


def day(n: int) -> str:
    return f"{2000 + n // 336:04d}-{n % 336 // 28 + 1:02d}-{n % 28 + 1:02d}"


def generate(data: Path, impls: int, per_impl: int) -> None:
    """The data folder: benchmark ``synth`` (N x R, implementation 0 with logo ``alpha``) and ``other``
    (two implementations, logo ``beta``); ``gamma`` is a logo no page shows."""
    bench = data / "synth"
    (bench / "results").mkdir(parents=True)
    (data / "logos").mkdir()
    logos = ["logos:"]
    for name, colour in (("alpha", "#345"), ("beta", "#543"), ("gamma", "#454")):
        (data / "logos" / f"{name}.svg").write_text(SVG.format(colour), encoding="utf-8")
        logos += [f"  {name}:", f"    name: {name.title()}", f"    image: logos/{name}.svg"]
    (data / "logos.yaml").write_text("\n".join(logos) + "\n", encoding="utf-8")
    (data / "hardware.yaml").write_text("hardware:\n  box:\n    label: One box\n    cpu: Test CPU\n    cpu_count: 16\n",
                                        encoding="utf-8")
    head = ["summary: A synthetic benchmark.", "metric:", "  label: Time", "  unit: s", "  direction: lower",
            "  decimals: 2", "measurement:", "  description: Wall time.", "hardware: box", "implementations:"]
    lines = ["title: Synthetic", *head]
    for i in range(impls):
        lines += [f"  - id: impl-{i:04d}", f"    name: Implementation {i}", f"    commands: [run-{i} --fast]"]
        if i == 0:
            lines.append("    logo: alpha")
    (bench / "benchmark.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rnd = random.Random(1)
    for r in range(per_impl):
        out = ["results:"]
        for i in range(impls):
            s = [round(1 + i * 0.01 + rnd.random(), 3) for _ in range(3)]
            out += [f"  - implementation: impl-{i:04d}", f"    recorded: {day(r)}", "    status: measured",
                    "    provenance: {by: the synth team}", f"    samples: [{s[0]}, {s[1]}, {s[2]}]",
                    "    software: {python: '3.11', synthlib: '1.0'}", "    run:", "      runner: benchbench 1.0",
                    "      source: wall", f"      seconds_per_iteration: [{s[0]}, {s[1]}, {s[2]}]",
                    "      spread: 0.01"]
        (bench / "results" / f"{day(r)}.yaml").write_text("\n".join(out) + "\n", encoding="utf-8")
    other = data / "other"
    (other / "results").mkdir(parents=True)
    (other / "benchmark.yaml").write_text("\n".join(
        ["title: Other", *head, "  - {id: b, name: B, logo: beta, commands: [b]}",
         "  - {id: c, name: C, commands: [c]}"]) + "\n", encoding="utf-8")
    (other / "results" / "2024-01-01.yaml").write_text(
        "results:\n" + "".join(f"  - {{implementation: {i}, recorded: 2024-01-01, status: measured, provenance: "
                               f"{{by: us}}, value: {v}}}\n" for i, v in (("b", 1.5), ("c", 2.5))), encoding="utf-8")


def directive_project(root: Path, data: Path) -> Path:
    src = root / "directive"
    src.mkdir()
    (src / "conf.py").write_text(CONF + f'extensions = ["sphinx_benchbench"]\nbenchbench_data_dir = {str(data)!r}\n',
                                 encoding="utf-8")
    (src / "index.rst").write_text("Synthetic\n=========\n\n.. toctree::\n\n   other\n   plain\n\n"
                                   ".. benchmark-table:: synth\n", encoding="utf-8")
    (src / "other.rst").write_text("Other\n=====\n\n.. benchmark-table:: other\n", encoding="utf-8")
    (src / "plain.rst").write_text("Plain\n=====\n\nA page without a benchmark.\n", encoding="utf-8")
    return src


def _hand_page(title: str, name: str, data: Path, built: Path, src: Path) -> str:
    """The page as a writer would put it by hand: the numbers from the data, the charts' SVG copied."""
    from sphinx_benchbench.analysis.ranking import rank
    from sphinx_benchbench.data.loader import load_benchmark

    bench, _ = load_benchmark(data, name)
    assert bench is not None
    html = (built / f"{'index' if name == 'synth' else name}.html").read_text(encoding="utf-8")
    out = [title, "=" * len(title), "", "A synthetic benchmark.", "", "- **Hardware:** One box.",
           "- **Software:** Python 3.11; synthlib 1.0.", "- **Metric:** Wall time.",
           "- **Measured:** by the synth team.", "", ".. list-table::", "   :header-rows: 1", "",
           "   * - #", "     - Implementation", "     - Time (s)"]
    logos = set()
    for table in rank(bench):
        for row in table.rows:
            logo = f"|{row.impl.logo}| " if row.impl.logo else ""
            logos.update([row.impl.logo] if row.impl.logo else [])
            summary = row.summary
            low, high = (summary.low, summary.high) if summary else (None, None)
            spread = f" ±{(high - low) / 2:.2f} (n={summary.n})" if summary and high is not None and low is not None \
                else ""
            out += [f"   * - {row.position}{'=' if row.tied else ''}", f"     - {logo}{row.impl.name}",
                    f"     - {row.value:.2f}{spread}"]
    out += ["", "± is half the 95 % confidence interval of the mean over n runs (Student t); rows whose intervals "
            "overlap share a rank (=).", ""]
    for logo in sorted(logos):
        shutil.copy(data / "logos" / f"{logo}.svg", src / f"{logo}.svg")
        out += [f".. |{logo}| image:: {logo}.svg", "   :height: 15pt", f"   :alt: {logo.title()}", ""]
    downloads = sorted((built / "_downloads").rglob(f"{name}-*"))
    for path in downloads:
        shutil.copy(path, src / f"{name}{path.suffix}")
    out += ["Data: " + " · ".join(f":download:`{p.suffix[1:].upper()} <{name}{p.suffix}>`" for p in downloads), ""]
    for figure in re.findall(r'<figure class="bb-figure".*?</figure>', html, flags=re.S):
        out += [".. raw:: html", "", "   " + figure.replace("\n", " "), ""]
    for impl in bench.definition.implementations:
        result = next((row.value for t in rank(bench, [impl.id]) for row in t.rows), None)
        out += [f"**{impl.name}**", "", "Run:", "", ".. code-block:: bash", "", *(f"   {c}" for c in impl.commands), ""]
        out += [f"**Result:** {result:.2f} s.", ""] if result is not None else []
    return "\n".join(out) + "\n"


def hand_project(root: Path, data: Path, built: Path) -> Path:
    src = root / "by-hand"
    src.mkdir()
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    index = _hand_page("Synthetic", "synth", data, built, src)
    (src / "index.rst").write_text(index.replace("=\n\n", "=\n\n.. toctree::\n\n   other\n   plain\n\n", 1),
                                   encoding="utf-8")
    (src / "other.rst").write_text(_hand_page("Other", "other", data, built, src), encoding="utf-8")
    (src / "plain.rst").write_text("Plain\n=====\n\nA page without a benchmark.\n", encoding="utf-8")
    return src


def build(src: Path, fresh: bool) -> tuple[float, float]:
    """Wall and CPU time (user + system) of one ``sphinx-build -E`` process (build_time.py's), after emptying
    the output folder when ``fresh``."""
    if fresh:
        shutil.rmtree(src / "_build", ignore_errors=True)
    return cold(src)


def incremental(data: Path, src: Path) -> list[str]:
    """Rebuilds in one process: what is re-read and parsed after one edit each."""
    from sphinx.application import Sphinx

    from sphinx_benchbench.sphinxext.directive import data_cache

    out = src / "_build_incremental"
    shutil.rmtree(out, ignore_errors=True)
    app = Sphinx(src, src, out / "html", out / "doctrees", "html", status=None, warning=io.StringIO(), freshenv=True)
    read: list[str] = []
    app.connect("env-before-read-docs", lambda app, env, docnames: read.extend(sorted(docnames)))
    lines = []

    def step(what: str, change: object) -> None:
        if callable(change):
            change()
        read.clear()
        start = time.perf_counter()
        app.build()
        seconds = time.perf_counter() - start
        cache = data_cache(app.env)
        lines.append(f"  {what}: {seconds:.2f} s, pages re-read {read or 'none'}, files parsed {len(cache.parsed)}, "
                     f"reused {len(cache.reused)}")

    def edit(path: Path, old: str, new: str) -> None:
        text = path.read_text(encoding="utf-8")
        assert old in text, (path, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        later = time.time() + 2  # a new time stamp, however coarse the file system's
        os.utime(path, (later, later))

    results = sorted((data / "synth" / "results").glob("*.yaml"))
    step("first build (cache empty)", None)
    step("nothing changed", None)
    step("one results file edited", lambda: edit(results[len(results) // 2], "spread: 0.01", "spread: 0.02"))
    step("logo alpha's entry edited (shown on index)", lambda: edit(data / "logos.yaml", "name: Alpha", "name: Alpha2"))
    step("logo beta's entry edited (shown on other)", lambda: edit(data / "logos.yaml", "name: Beta", "name: Beta2"))
    step("logo gamma's entry edited (shown nowhere)", lambda: edit(data / "logos.yaml", "name: Gamma", "name: Gamma2"))
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="pairs of builds per case and mode (default 5)")
    parser.add_argument("--cases", default=",".join(f"{n}x{r}" for n, r in CASES), help="e.g. 10x1000,1000x10")
    parser.add_argument("--modes", default="-E,fresh")
    parser.add_argument("--check", action="store_true", help=f"exit 1 if a 10,000-result ratio exceeds {LIMIT}")
    args = parser.parse_args(argv)
    cases = [tuple(int(x) for x in c.split("x")) for c in args.cases.split(",")]
    modes = args.modes.split(",")
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; CPU seconds (user + system) per build, "
          f"{args.repeat} alternating pairs; ratio = directive / by hand: median [min, max]")
    print(f"{'case':>9} {'results':>7} {'mode':>6} {'by hand':>8} {'directive':>9}   ratio")
    over = False
    largest: tuple[Path, Path] | None = None
    with tempfile.TemporaryDirectory() as tmp:
        for impls, per_impl in cases:
            root = Path(tmp) / f"{impls}x{per_impl}"
            data = root / "data"
            generate(data, impls, per_impl)
            directive = directive_project(root, data)
            build(directive, fresh=True)
            hand = hand_project(root, data, directive / "_build" / "html")
            build(hand, fresh=True)
            if impls * per_impl >= 10_000:
                largest = (data, directive)
            for mode in modes:
                times: dict[str, list[float]] = {"hand": [], "directive": []}
                for _ in range(args.repeat):
                    for name, src in (("hand", hand), ("directive", directive)):
                        times[name].append(build(src, fresh=mode == "fresh")[1])
                ratios = [d / h for d, h in zip(times["directive"], times["hand"], strict=True)]
                median = statistics.median(ratios)
                over = over or (impls * per_impl >= 10_000 and median > LIMIT)
                hand_s, directive_s = statistics.median(times["hand"]), statistics.median(times["directive"])
                print(f"{impls:>4}x{per_impl:<4} {impls * per_impl:>7} {mode:>6} {hand_s:>8.2f} {directive_s:>9.2f}   "
                      f"{median:.2f} [{min(ratios):.2f}, {max(ratios):.2f}]", flush=True)
        if largest:
            print(f"\nIncremental, {largest[1].parent.name}:")
            print("\n".join(incremental(*largest)))
    return 1 if args.check and over else 0


if __name__ == "__main__":
    sys.exit(main())
