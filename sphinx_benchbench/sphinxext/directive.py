"""The ``benchmark-table`` directive (reStructuredText and MyST alike)."""

from __future__ import annotations

import gc
import os
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar
from weakref import WeakKeyDictionary

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from ..analysis.ranking import rank
from ..analysis.staleness import Policy, Stale, find_stale, installed_version, merge_policy, site_policy
from ..analysis.versions import VERSIONS_FILE, RecordedVersions, load_versions
from ..data.cache import FileCache
from ..data.loader import BENCHMARK_FILE, collection_paused
from ..data.model import Benchmark, Result
from ..data.reuse import load_benchmark_cached
from .dependencies import CACHE_FOLDER, note_benchmark, note_files
from .i18n import _
from .render import PARTS, Renderer
from .render.base import fill
from .report import Subtype, at, warn, warn_data

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment

__all__ = ["BenchmarkTableDirective", "data_cache", "forget_loaded", "resolve_data_dir"]


@dataclass
class _Build:
    """What one build remembers across directives and pages, so each thing happens once."""

    #: Benchmarks loaded (and their problems reported), by name.
    loaded: dict[str, Benchmark | None] = field(default_factory=dict)
    #: Stale results already reported (by ``id()``).
    reported: set[int] = field(default_factory=set)
    #: The site's staleness policy from conf.py, validated once.
    policy: Policy | None = None
    #: ``data/versions.yaml``, read (and its problems reported) once; a 1-tuple once read.
    versions: tuple[RecordedVersions | None] | None = None
    #: The converted data files kept between builds.
    cache: FileCache | None = None


_builds: WeakKeyDictionary[BuildEnvironment, _Build] = WeakKeyDictionary()


def forget_loaded(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Start each build afresh: data files may have changed since the last one.

    The last build's loads, frozen by ``collection_paused(freeze=True)``, go back into the
    collector's care here, not when that build ended: a process that builds many times (a test
    suite, sphinx-autobuild) still frees what it dropped, and ``sphinx-build``, which exits after
    one build, is spared a last pass over every object it loaded (0.15 s of CPU at 10,000 results).
    """
    gc.unfreeze()
    _builds.pop(env, None)


def _build(env: BuildEnvironment) -> _Build:
    return _builds.setdefault(env, _Build())


def _site_policy(env: BuildEnvironment) -> Policy:
    """The site's staleness policy, with its problems reported once per build."""
    build = _build(env)
    if build.policy is None:
        build.policy, problems = site_policy(env.config.benchbench_staleness, env.config.benchbench_max_age_days,
                                             "conf.py")
        for message in problems:
            warn(f"benchbench_staleness: {message}", None, Subtype.config)
    return build.policy


def _recorded_versions(env: BuildEnvironment) -> RecordedVersions | None:
    """The current releases recorded in the data folder, read once per build; every page with a
    benchmark depends on the file (an edit rebuilds them, and so does adding it)."""
    build = _build(env)
    if build.versions is None:
        recorded, problems = load_versions(env.config.benchbench_data_dir)
        for problem in problems:
            warn_data(problem)
        build.versions = (recorded,)
    return build.versions[0]


def data_cache(env: BuildEnvironment) -> FileCache:
    """Converted data files kept beside the doctrees, where Sphinx keeps its own state between builds
    (see :mod:`..data.cache`): a build parses only the files that changed."""
    build = _build(env)
    if build.cache is None:
        build.cache = FileCache(os.path.join(env.doctreedir, CACHE_FOLDER))
    return build.cache


def resolve_data_dir(app: Sphinx, config: Config) -> None:
    """Make ``benchbench_data_dir`` absolute, relative to the folder of ``conf.py``."""
    config.benchbench_data_dir = os.path.normpath(os.path.join(app.confdir, config.benchbench_data_dir))


def _list(text: str) -> list[str]:
    return [item for item in re.split(r"[\s,]+", text.strip()) if item]


class BenchmarkTableDirective(SphinxDirective):
    """Render a benchmark from ``benchbench_data_dir``: table, environment, details."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar[dict[str, object]] = {
        "parts": directives.unchanged_required,
        "implementations": directives.unchanged_required,
        "baseline": directives.unchanged_required,
        "hardware": directives.unchanged_required,
        "class": directives.class_option,
    }

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        bench = self.load(name)
        if bench is None:
            return [nodes.paragraph("", "", *fill(_("Benchmark {name} could not be shown; see the build log."),
                                                  name=nodes.literal("", name)), classes=["bb-error"])]
        parts = self.parts()
        impl_ids = self.implementations(bench)
        baseline = self.baseline(bench, impl_ids)
        tables = rank(bench, impl_ids, baseline, self.options.get("hardware"))
        if self.options.get("hardware") and not tables:
            self.warn(f"no results of {name!r} on hardware {self.options['hardware']!r}")
        for table in tables:
            if baseline and table.baseline is None and any(row.impl.id == baseline for row in table.rows):
                on = f" on {table.label}" if table.label else ""
                self.warn(f"baseline {baseline!r} has the value 0{on}: no relative column (nothing can be "
                          "relative to 0)")
        recorded = _recorded_versions(self.env)
        stale = self.stale(bench, [row.result for table in tables for row in table.rows], recorded)
        renderer = Renderer(bench, tables, self.new_id, impl_ids, stale, recorded.as_of if recorded else None,
                            language=self.config.language)
        container = nodes.container(classes=["bb-benchmark", *self.options.get("class", [])])
        # Data is shown as written: no smart quotes in an asv case "label='a'" or a command's quotes.
        container["support_smartquotes"] = False
        self.set_source_info(container)
        for part in parts:
            container.extend(getattr(renderer, part)())
        return [container]

    # -- helpers ------------------------------------------------------------

    def warn(self, message: str) -> None:
        warn(message, self.get_location(), Subtype.directive)

    def load(self, name: str) -> Benchmark | None:
        """Load once per build, report the data's problems once, note dependencies."""
        root = self.config.benchbench_data_dir
        cache = _build(self.env).loaded
        if name not in cache:
            # Its objects kept out of the collector's passes until the next build (forget_loaded).
            with collection_paused(freeze=True):
                bench, problems = load_benchmark_cached(root, name, data_cache(self.env))
            for problem in problems:
                if bench is None and problem.path == root:
                    self.warn(problem.message)  # unknown benchmark: the directive's fault
                else:
                    warn_data(problem)
            cache[name] = bench
        bench = cache[name]
        if bench is None:
            # Depending on a missing file re-reads the page until the data is fixed.
            note_files(self.env, [os.path.join(root, name, BENCHMARK_FILE)], [])
        else:
            # versions.yaml: its edits by the file, its arrival by the data folder's listing (a missing
            # file as a dependency would re-read the page at every build).
            versions = os.path.join(root, VERSIONS_FILE)
            note_benchmark(self.env, bench, root, [versions] if os.path.exists(versions) else [],
                           data_cache(self.env))
        return bench

    def stale(self, bench: Benchmark, results: list[Result], recorded: RecordedVersions | None) -> dict[int, Stale]:
        """Stale results by ``id()``; each is reported once per build, at its YAML line."""
        policy = merge_policy(_site_policy(self.env), bench.definition.staleness)
        installed = installed_version if self.config.benchbench_current_from_build else None
        found = find_stale(bench, results, policy, self.config.benchbench_current_versions,
                           installed=installed, recorded=recorded)
        reported = _build(self.env).reported
        for item in found:
            if id(item.result) in reported:
                continue
            reported.add(id(item.result))
            where = bench.locate(item.result)
            location = at(where.path, where.line) if where else None
            for problem in item.unparseable:
                warn(problem, location, Subtype.data)
            if item.reasons:
                impl = item.result.implementation
                warn(f"stale result of {impl}: {item.reason}; refresh with: python -m runners.run {bench.id} {impl}",
                     location, Subtype.stale)
        return {id(item.result): item for item in found if item.reasons}

    def baseline(self, bench: Benchmark, impl_ids: list[str] | None) -> str | None:
        """The ``:baseline:`` option, or the data's ``display.baseline``, when it can be used."""
        given = self.options.get("baseline")
        baseline = given or bench.definition.display.baseline
        if baseline == "none":
            return None
        if baseline and bench.implementation(baseline) is None:
            self.warn(f"baseline {baseline!r} is not an implementation of {bench.id!r}")
            return None
        if given and impl_ids is not None and given not in impl_ids:
            self.warn(f"baseline {given!r} is not among :implementations:, so there is no relative column")
            return None
        return baseline

    def parts(self) -> list[str]:
        parts = _list(self.options.get("parts", " ".join(PARTS)))
        if not parts:
            self.warn(f":parts: names no part; showing all ({', '.join(PARTS)})")
            return list(PARTS)
        unknown = [p for p in parts if p not in PARTS]
        if unknown:
            self.warn(f"unknown part(s) {', '.join(unknown)} in :parts: (known: {', '.join(PARTS)})")
        return [p for p in parts if p in PARTS]

    def implementations(self, bench: Benchmark) -> list[str] | None:
        if "implementations" not in self.options:
            return None
        wanted = _list(self.options["implementations"])
        if not wanted:
            self.warn(":implementations: names no implementation; showing all")
            return None
        for impl_id in wanted:
            if bench.implementation(impl_id) is None:
                self.warn(f"{impl_id!r} is not an implementation of {bench.id!r}")
        return wanted

    def new_id(self, name: str) -> str:
        """An id unique within the document, stable across rebuilds."""
        used: set[str] = self.env.temp_data.setdefault("benchbench_ids", set())  # type: ignore[assignment]
        base = nodes.make_id(name)
        candidate, n = base, 1
        while candidate in used or candidate in self.state.document.ids:
            n += 1
            candidate = f"{base}-{n}"
        used.add(candidate)
        return candidate
