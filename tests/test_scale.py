"""Scale (issue "Scale"): converted files kept between builds, pages re-read for the registry entries
they use, linear rendering, and a history chart whose legend fits however many series it has."""

from __future__ import annotations

import gc
import os
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_benchbench.data import cache as data_cache_module
from sphinx_benchbench.data import reuse
from sphinx_benchbench.data.cache import FileCache
from sphinx_benchbench.data.loader import load_benchmark
from sphinx_benchbench.sphinxext.charts import history_svg
from sphinx_benchbench.sphinxext.directive import data_cache

from .conftest import html


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    later = time.time() + 5  # a time stamp Sphinx sees as newer, however coarse the file system's
    os.utime(path, (later, later))


def _pages(outdir: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(outdir.glob("*.html"))}


def _reread(app: SphinxTestApp) -> list[str]:
    """Build again; the pages Sphinx re-read."""
    read: list[str] = []
    listener = app.connect("env-before-read-docs", lambda app, env, docnames: read.extend(docnames))
    try:
        app.build()
    finally:
        app.disconnect(listener)
    return sorted(read)


def test_cached_and_uncached_builds_give_the_same_pages_and_warnings(
        make_app: Callable[..., SphinxTestApp], project: Callable[[str], Path], tmp_path: Path) -> None:
    src = project("basic")
    results = src / "data/toy/results/2024-02-01.yaml"
    _edit(results, "    value: 6.0\n", "    value: -6.0\n")  # a located problem, kept with the entry
    pages, warnings = [], []
    for n in range(3):  # empty cache, then entries kept in the same output folder, then again
        reuse._cache.clear()  # the process's own reuse would hide the on-disk cache
        app = make_app("html", srcdir=src, freshenv=True)
        app.build()
        cache = data_cache(app.env)
        assert bool(cache.parsed) == (n == 0) and bool(cache.reused)
        pages.append(_pages(app.outdir))
        warnings.append(sorted(re.sub(r"\x1b\[[0-9;]*m", "", w) for w in app.warning.getvalue().splitlines()
                               if "value" in w))
    assert pages[0] and pages[0] == pages[1] == pages[2], "byte-identical HTML from the cache"
    assert warnings[0] and warnings[0] == warnings[1] == warnings[2], "the cached file's warnings again"
    assert any(f"{results}:" in w for w in warnings[1])


def test_a_rebuild_parses_only_the_edited_results_file(make_app: Callable[..., SphinxTestApp],
                                                       project: Callable[[str], Path]) -> None:
    src = project("basic")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    results = src / "data/toy/results/2024-02-01.yaml"
    _edit(results, "value: 6.0", "value: 7.0")
    assert _reread(app) == ["index", "myst"]
    assert data_cache(app.env).parsed == [str(results)]
    assert "7.0" in html(app.outdir / "index.html").select("table.bb-table")[0].get_text()


def test_registry_edits_reread_only_the_pages_that_show_the_entry(make_app: Callable[..., SphinxTestApp],
                                                                  project: Callable[[str], Path]) -> None:
    src = project("basic")
    data = src / "data"
    logos, hardware = data / "logos.yaml", data / "hardware.yaml"
    logos.write_text(logos.read_text(encoding="utf-8") + "  unused:\n    name: Unused\n", encoding="utf-8")
    hardware.write_text(hardware.read_text(encoding="utf-8") + "  spare:\n    label: Spare box\n", encoding="utf-8")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert _reread(app) == []
    _edit(logos, "name: Unused", "name: Unused2")
    assert _reread(app) == [], "an entry no page shows"
    _edit(hardware, "label: Spare box", "label: Spare box 2")
    assert _reread(app) == []
    _edit(logos, "name: Alpha <b>lib</b>", "name: Alpha two")
    assert _reread(app) == ["index", "myst"], "the logo the table shows"
    logo = html(app.outdir / "index.html").select_one("img.bb-logo")
    assert logo is not None and logo["alt"] == "Alpha two"
    _edit(hardware, "label: One test GPU", "label: One test GPU, renamed")
    assert _reread(app) == ["index", "myst"]
    assert "One test GPU, renamed" in html(app.outdir / "index.html").get_text()
    _edit(logos, "  unused:\n", "  alpha2:\n")  # an entry appears and one disappears: no page uses either
    assert _reread(app) == []


def test_a_referenced_entry_that_appears_rereads_the_page(make_app: Callable[..., SphinxTestApp],
                                                          project: Callable[[str], Path]) -> None:
    src = project("basic")
    bench = src / "data/toy/benchmark.yaml"
    _edit(bench, "    name: Tie B\n", "    name: Tie B\n    logo: tieb\n")
    app = make_app("html", srcdir=src, freshenv=True)
    app.build()
    assert "logo 'tieb' is not in logos.yaml" in app.warning.getvalue()
    logos = src / "data/logos.yaml"
    logos.write_text(logos.read_text(encoding="utf-8") + "  tieb:\n    name: Tie B logo\n", encoding="utf-8")
    later = time.time() + 5
    os.utime(logos, (later, later))
    assert _reread(app) == ["index", "myst"]


def test_an_entry_is_used_only_while_the_files_it_checked_are_unchanged(data: Path, tmp_path: Path) -> None:
    results = data / "toy/results/2024-02-01.yaml"
    (data / "toy/results/run.log").write_text("log\n", encoding="utf-8")
    _edit(results, "    value: 6.0\n", "    value: 6.0\n    log: run.log\n")
    cache = FileCache(tmp_path / "cache")
    bench, problems = load_benchmark(data, "toy", cache)
    assert bench is not None and not [p for p in problems if "log" in p.message]
    load_benchmark(data, "toy", cache)
    assert str(results) in cache.reused
    (data / "toy/results/run.log").unlink()
    cache.reused.clear()
    _, problems = load_benchmark(data, "toy", cache)
    assert str(results) not in cache.reused, "the log it named is gone: parsed again"
    assert any("file 'run.log' not found" in p.message for p in problems)


def test_other_code_is_another_key(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = FileCache(tmp_path / "cache")
    load_benchmark(data, "toy", cache)
    assert cache.parsed and not cache.reused
    cache.parsed.clear()
    monkeypatch.setattr(data_cache_module, "_fingerprint", "another validator")
    load_benchmark(data, "toy", cache)
    assert cache.parsed and not cache.reused
    parsed = sorted(cache.parsed)
    assert os.listdir(tmp_path / "cache") == [os.path.basename(cache._names("batch", str(data), "toy", "")[0])], \
        "one file for the load's entries"
    (tmp_path / "cache").joinpath(os.listdir(tmp_path / "cache")[0]).write_bytes(b"not a pickle")
    cache = FileCache(tmp_path / "cache")  # the next build: what it knows is on disk
    load_benchmark(data, "toy", cache)
    assert sorted(cache.parsed) == parsed and not cache.reused, "a damaged file of entries is a miss"
    cache = FileCache(tmp_path / "cache")
    load_benchmark(data, "toy", cache)
    assert not cache.parsed and sorted(cache.reused) == parsed, "and is written again whole"


@pytest.fixture
def data(project: Callable[[str], Path]) -> Path:
    return project("basic") / "data"


def test_a_history_of_many_series_keeps_its_legend_in_its_box() -> None:
    series = [{"label": f"impl {n}", "points": [["2024-01-01", 1.0 + n], ["2024-02-01", 2.0 + n]]}
              for n in range(1000)]
    svg = history_svg({"kind": "history", "title": "t", "unit": "s", "decimals": 1, "series": series}, "k", "alt")
    height = int(re.search(r'viewBox="0 0 \d+ (\d+)"', svg).group(1))  # type: ignore[union-attr]
    legend = [float(y) for y in re.findall(r'<text x="\d+" y="([\d.]+)" fill="currentColor" font-size="12">', svg)]
    assert len(legend) == 8 and max(legend) < height
    assert "993 others" in svg and "impl 6</text>" in svg and "impl 7</text>" not in svg
    few = history_svg({"kind": "history", "title": "t", "unit": "s", "decimals": 1, "series": series[:8]}, "k", "a")
    assert "others" not in few and "impl 7</text>" in few


def _age(folder: Path, seconds: float = 60) -> None:
    """Every file under ``folder`` last modified ``seconds`` ago."""
    then = time.time() - seconds
    for path in folder.rglob("*"):
        os.utime(path, (then, then))


def _load_anew(data: Path, cache_dir: Path) -> tuple[FileCache, object, list]:
    """A load as a new ``sphinx-build`` process does it: nothing kept in the process, the cache on disk."""
    reuse._cache.clear()
    cache = FileCache(cache_dir)
    bench, problems = reuse.load_benchmark_cached(data, "toy", cache)
    return cache, bench, problems


def test_a_whole_load_is_kept_and_used_while_every_file_it_read_holds(
        data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reuse, "_RACY_NS", 0)  # this test's edits are seconds apart; the rule has its own test
    results = data / "toy/results/2024-02-01.yaml"
    _edit(results, "    value: 6.0\n", "    value: -6.0\n")  # a located problem, kept with the load
    _age(data)
    first, bench, problems = _load_anew(data, tmp_path / "cache")
    assert first.parsed and not first.whole
    again, kept, kept_problems = _load_anew(data, tmp_path / "cache")
    assert again.whole == ["toy"] and not again.parsed
    assert kept == bench and [str(p) for p in kept_problems] == [str(p) for p in problems]
    assert [str(kept.locate(r)) for r in kept.results] == [str(bench.locate(r)) for r in bench.results], \
        "every object's location survives the pickle (its key is an id())"

    text = results.read_text(encoding="utf-8")
    stamp = results.stat().st_mtime_ns
    assert "    value: 3.0\n" in text
    results.write_text(text.replace("    value: 3.0\n", "    value: 9.0\n", 1), encoding="utf-8")
    os.utime(results, ns=(stamp, stamp))  # same size and time stamp, as cp -p leaves it: the change time differs
    edited, loaded, _ = _load_anew(data, tmp_path / "cache")
    assert not edited.whole and edited.parsed == [str(results)]
    assert [r.value for r in loaded.results].count(9.0) == [r.value for r in bench.results].count(9.0) + 1

    _load_anew(data, tmp_path / "cache")
    twin = data / "logos/torchy.png"  # an SVG's twin appears: a path the load looked for and did not find
    twin.write_bytes((data / "logos/alpha.png").read_bytes())
    appeared, loaded, _ = _load_anew(data, tmp_path / "cache")
    assert not appeared.whole and str(twin) in loaded.files

    (data / "toy/results/run.log").write_text("log\n", encoding="utf-8")
    _edit(results, "    value: -6.0\n", "    value: 6.0\n    log: run.log\n")
    _age(data)  # _edit dates it ahead: too recent to vouch even with no margin
    _load_anew(data, tmp_path / "cache")
    assert _load_anew(data, tmp_path / "cache")[0].whole == ["toy"]
    (data / "toy/results/run.log").unlink()  # a path a conversion checked: the load no longer holds
    gone, _, problems = _load_anew(data, tmp_path / "cache")
    assert not gone.whole and any("file 'run.log' not found" in p.message for p in problems)


def test_a_load_of_files_changed_a_moment_ago_is_not_kept(data: Path, tmp_path: Path) -> None:
    """A file changed in the last two seconds could change again within its clock tick, keeping its
    time stamps and size (git's "racy clean" case): such a load is not trusted by them."""
    _age(data)
    _edit(data / "toy/results/2024-02-01.yaml", "value: 6.0", "value: 7.0")  # _edit dates it 5 s ahead
    _load_anew(data, tmp_path / "cache")
    assert not _load_anew(data, tmp_path / "cache")[0].whole
    _age(data)
    _load_anew(data, tmp_path / "cache")
    assert not _load_anew(data, tmp_path / "cache")[0].whole, "its change time is still a moment ago"


def test_a_load_stays_out_of_the_collector_until_the_next_build(make_app: Callable[..., SphinxTestApp],
                                                                 project: Callable[[str], Path]) -> None:
    """Frozen when loaded (the collector's passes over 10,000 results found nothing and cost more than
    the page), and given back at the next build's start, so a process that builds again frees what
    it dropped; collection itself is on again as soon as the load is made."""
    gc.unfreeze()
    app = make_app("html", srcdir=project("basic"), freshenv=True)
    app.build()
    assert gc.get_freeze_count() > 0 and gc.isenabled()
    at_start: list[int] = []
    app.connect("env-before-read-docs", lambda app, env, docnames: at_start.append(gc.get_freeze_count()))
    app.build(force_all=True)
    assert at_start == [0]
    gc.unfreeze()
