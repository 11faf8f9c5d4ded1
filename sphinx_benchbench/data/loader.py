"""Load a benchmark folder: files, registries, cross-references and results.

This is the typed API shared by the Sphinx extension and the runners::

    from sphinx_benchbench.data.loader import load_benchmark
    bench, problems = load_benchmark("data", "maskrcnn-training")

``bench`` is ``None`` only when ``benchmark.yaml`` itself cannot be used;
``problems`` lists every located :class:`DataError`, and whatever they concern
has been left out of ``bench``, so callers can always render the rest.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import glob
import os
import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from .cache import Entry, FileCache
from .convert import Converter

if TYPE_CHECKING:
    from _typeshed import DataclassInstance
from .images import TWIN_TYPES, Image, ImageProblem, read_image
from .model import (
    Benchmark,
    BenchmarkFile,
    Hardware,
    HardwareFile,
    Implementation,
    Located,
    Logo,
    LogosFile,
    Result,
    ResultsFile,
    statistic_of,
)
from .paths import OUTSIDE, inside
from .yamlsource import DataError, load_yaml, not_text, read_text

__all__ = [
    "BENCHMARK_FILE",
    "HARDWARE_FILE",
    "LOGOS_FILE",
    "RESULTS_DIR",
    "DataError",
    "LoadInputs",
    "collection_paused",
    "list_benchmarks",
    "load_benchmark",
    "load_registries",
    "load_with_inputs",
    "results_files",
]

BENCHMARK_FILE = "benchmark.yaml"
LOGOS_FILE = "logos.yaml"
HARDWARE_FILE = "hardware.yaml"
RESULTS_DIR = "results"
T = TypeVar("T", bound="DataclassInstance")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def list_benchmarks(root: str) -> list[str]:
    """Names of the benchmark folders under ``root``."""
    try:
        names = sorted(os.listdir(root))
    except OSError:
        return []
    return [n for n in names if _NAME.match(n) and os.path.isfile(os.path.join(root, n, BENCHMARK_FILE))]


class _Load:
    """State of one load: the problems found and what each object came from."""

    def __init__(self, root: str, cache: FileCache | None = None) -> None:
        self.root = root
        self.cache = cache
        self.problems: list[DataError] = []
        self.where: dict[int, Located] = {}
        self.files: list[str] = []
        #: Paths looked for and not found (a registry, an SVG's twin): their arrival changes the load.
        self.absent: list[str] = []
        #: What the conversions asked of the file system (:attr:`.cache.Entry.checked`).
        self.checked: list[tuple[str, str, bool]] = []
        self.kept: list[object] = []
        #: Registry entries referred to, found or not, by registry file: a page depends on these only.
        self.uses: dict[str, set[str]] = {}
        #: The files read for one registry entry (a logo's images), by (registry file, id).
        self.entry_files: dict[tuple[str, str], list[str]] = {}

    def use(self, registry: str, entry_id: str) -> None:
        self.uses.setdefault(os.path.join(self.root, registry), set()).add(entry_id)

    def file(self, cls: type, path: str) -> Any:
        """The file converted to ``cls`` (``None`` if it cannot be), from the cache when its content was
        converted before; its problems are reported either way."""
        self.files.append(path)
        if not inside(self.root, path):
            self.problems.append(DataError(path, None, f"{OUTSIDE}; refusing to read it"))
            return None
        try:
            text = read_text(path)
            entry = self.cache.get(cls.__qualname__, self.root, path, text) if self.cache else None
            if entry is None:
                entry = self.convert(cls, path, load_yaml(path, text))
                if self.cache:
                    self.cache.put(cls.__qualname__, self.root, path, text, entry)
        except DataError as exc:
            self.problems.append(exc)
            return None
        for obj, located in entry.built:
            self.where[id(obj)] = located
            self.kept.append(obj)
        self.problems.extend(entry.problems)
        self.checked.extend(entry.checked)
        return entry.obj

    def convert(self, cls: type, path: str, data: Any) -> Entry:
        conv = Converter(path, self.root, {})
        obj = conv.convert(cls, data)
        return Entry(obj, conv.built, conv.problems, conv.checked)

    def problem(self, obj: object, message: str, key: str | None = None) -> None:
        """Report a problem at ``obj`` (at its ``key`` when given)."""
        loc = self.where[id(obj)].at(key)
        self.problems.append(DataError(loc.path, loc.line, message))

    def replace(self, obj: T, **changes: object) -> T:
        """``dataclasses.replace`` that keeps the object's location."""
        new = dataclasses.replace(obj, **changes)
        self.where[id(new)] = self.where[id(obj)]
        self.kept.append(new)
        return new

    def registry(self, name: str, cls: type, attr: str) -> dict:
        path = os.path.join(self.root, name)
        if not os.path.exists(path):
            self.absent.append(path)
            return {}
        loaded = self.file(cls, path)
        return getattr(loaded, attr) if loaded else {}


def load_benchmark(root: str | os.PathLike[str], name: str,
                   cache: FileCache | None = None) -> tuple[Benchmark | None, list[DataError]]:
    """Load and validate ``root/name``; see the module docstring.

    :param cache: converted files kept between calls (:mod:`.cache`); only changed files are parsed.
    """
    bench, problems, _ = load_with_inputs(os.path.abspath(os.fspath(root)), name, cache)
    return bench, problems


@contextlib.contextmanager
def collection_paused(freeze: bool = False) -> Iterator[None]:
    """The garbage collector paused while a load (or its unpickling) makes its objects.

    A load makes hundreds of thousands of objects and no cycles: the collector's passes over them
    (a dozen in a load of 10,000 results) were most of its time, and found nothing.  ``freeze``
    also keeps them out of its later passes (``gc.freeze``; the caller undoes it with ``unfreeze``).
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if collecting:
            gc.enable()


def results_files(folder: str) -> list[str]:
    """The results files of a ``results/`` folder, sorted: the order results are read in."""
    return sorted(glob.glob(os.path.join(glob.escape(folder), "*.yaml")))


def load_with_inputs(root: str, name: str, cache: FileCache | None
                    ) -> tuple[Benchmark | None, list[DataError], LoadInputs]:
    """:func:`load_benchmark`, and what it read (for :func:`.reuse.load_benchmark_cached`)."""
    load = _Load(root, cache)
    with collection_paused(), cache.batch(root, name) if cache else contextlib.nullcontext():
        bench = _assemble(load, name)
    inputs = LoadInputs(tuple(load.files), tuple(load.absent), tuple(load.checked),
                     os.path.join(root, name, RESULTS_DIR))
    return bench, load.problems, inputs


def _assemble(load: _Load, name: str) -> Benchmark | None:
    root = load.root
    folder = os.path.join(root, name)
    path = os.path.join(folder, BENCHMARK_FILE)
    if _NAME.match(name) and os.path.isdir(path):
        load.problems.append(DataError(path, None, f"{BENCHMARK_FILE} is a folder, not a file"))
        return None
    if not _NAME.match(name) or not os.path.isfile(path):
        known = ", ".join(list_benchmarks(root)) or "none"
        load.problems.append(DataError(root, None, f"unknown benchmark {name!r} (known: {known})"))
        return None
    logos, images = _logo_images(load, load.registry(LOGOS_FILE, LogosFile, "logos"))
    hardware: dict[str, Hardware] = load.registry(HARDWARE_FILE, HardwareFile, "hardware")
    definition: BenchmarkFile | None = load.file(BenchmarkFile, path)
    if definition is None:
        return None
    definition = _check_definition(load, definition, logos, hardware)
    patch_text = _read_patches(load, definition)
    results = _load_results(load, folder, definition, hardware)
    load.files.extend(sorted(patch_text))
    return Benchmark(
        id=name,
        folder=folder,
        definition=definition,
        results=results,
        logos=logos,
        hardware=hardware,
        patch_text=patch_text,
        files=load.files,
        where=load.where,
        images=images,
        kept=load.kept,
        uses={path: sorted(ids) for path, ids in load.uses.items()},
        entry_files=load.entry_files,
    )


def load_registries(root: str | os.PathLike[str], cache: FileCache | None = None) -> dict[str, dict[str, Any]]:
    """The entries of the shared registries as their files hold them, by the registry file's path.

    What a page that used an entry compares at the next build (see
    :mod:`sphinx_benchbench.sphinxext.dependencies`); problems are the pages' to report.
    """
    load = _Load(os.path.abspath(os.fspath(root)), cache)
    with cache.batch(load.root, ":registries") if cache else contextlib.nullcontext():
        return {os.path.join(load.root, name): load.registry(name, cls, attr)
                for name, cls, attr in ((LOGOS_FILE, LogosFile, "logos"), (HARDWARE_FILE, HardwareFile, "hardware"))}


def _check_definition(
    load: _Load, definition: BenchmarkFile, logos: dict[str, Logo], hardware: dict[str, Hardware]
) -> BenchmarkFile:
    """Resolve references inside ``benchmark.yaml``; drop what does not resolve."""
    impls: list[Implementation] = []
    seen: set[str] = set()
    for impl in definition.implementations:
        if impl.id in seen:
            load.problem(impl, f"implementation id {impl.id!r} is used twice; the second is ignored")
            continue
        seen.add(impl.id)
        for logo_id in [*([impl.logo] if impl.logo else []), *impl.frameworks]:
            load.use(LOGOS_FILE, logo_id)
        changes: dict[str, object] = {}
        if impl.logo and impl.logo not in logos:
            load.problem(impl, f"{impl.id}: logo {impl.logo!r} is not in {LOGOS_FILE}; showing the name", "logo")
            changes["logo"] = None
        missing = [f for f in impl.frameworks if f not in logos]
        for fw in missing:
            load.problem(impl, f"{impl.id}: framework icon {fw!r} is not in {LOGOS_FILE}", "frameworks")
        if missing:
            changes["frameworks"] = [f for f in impl.frameworks if f in logos]
        impls.append(load.replace(impl, **changes) if changes else impl)
    changes = {"implementations": impls}
    if definition.hardware:
        load.use(HARDWARE_FILE, definition.hardware)
    if definition.hardware and definition.hardware not in hardware:
        load.problem(definition, f"hardware {definition.hardware!r} is not in {HARDWARE_FILE}", "hardware")
        changes["hardware"] = None
    display = definition.display
    if id(display) in load.where:  # a default Display() was not read from the file
        refs = [("baseline", display.baseline), *(("order", i) for i in display.order)]
        for key, ref in refs:
            if ref and ref not in seen:
                load.problem(display, f"display.{key}: {ref!r} is not an implementation of this benchmark", key)
        changes["display"] = load.replace(
            display,
            baseline=display.baseline if display.baseline in seen else None,
            order=[i for i in display.order if i in seen],
        )
    return load.replace(definition, **changes)


def _read_patches(load: _Load, definition: BenchmarkFile) -> dict[str, str]:
    """Read every patch verbatim (the page shows them byte for byte)."""
    texts: dict[str, str] = {}
    for impl in definition.implementations:
        for patch in impl.patches:
            try:
                with open(patch.file, encoding="utf-8", newline="") as f:
                    text = f.read()
            except (OSError, UnicodeDecodeError) as exc:
                load.problem(patch, f"{impl.id}: cannot read patch {os.path.basename(patch.file)}: {exc}", "file")
                continue
            bad = not_text(text.replace("\f", ""))  # a form feed is text in source code
            if bad:
                load.problem(patch, f"{impl.id}: patch {os.path.basename(patch.file)} contains {bad} (terminal "
                             "colours? write it with git diff --no-color); it is not shown", "file")
                continue
            texts[patch.file] = text
    return texts


def _logo_images(load: _Load, logos: dict[str, Logo]) -> tuple[dict[str, Logo], dict[str, tuple[Image, ...]]]:
    """Read and check every logo's image (:mod:`.images`) and an SVG's twins of the same stem.

    A logo whose image is refused keeps only its name (and loses a remote
    ``url`` too: the image was meant to be shown, not something else); a
    refused twin is left out, so builders that needed it show the name.
    """
    out: dict[str, Logo] = {}
    images: dict[str, tuple[Image, ...]] = {}
    for logo_id, logo in logos.items():
        out[logo_id] = logo
        if not logo.image:
            continue
        files = load.entry_files[os.path.join(load.root, LOGOS_FILE), logo_id] = [logo.image]
        load.files.append(logo.image)
        try:
            found = [read_image(load.root, logo.image)]
        except ImageProblem as exc:
            load.problem(logo, f"logos.{logo_id}.image: {os.path.basename(logo.image)} {exc}; it is not published, "
                         "the name is shown instead", "image")
            out[logo_id] = load.replace(logo, image=None, url=None)
            continue
        stem, ext = os.path.splitext(logo.image)
        twins = [stem + t for t in TWIN_TYPES] if ext.lower() == ".svg" else []
        for twin in twins:
            if not os.path.lexists(twin):
                load.absent.append(twin)
                continue
            load.files.append(twin)
            files.append(twin)
            try:
                found.append(read_image(load.root, twin))
            except ImageProblem as exc:
                load.problem(logo, f"logos.{logo_id}.image: its twin {os.path.basename(twin)} {exc}; "
                             "builders that cannot show SVG show the name", "image")
        images[logo_id] = tuple(found)
    return out, images


def _load_results(
    load: _Load, folder: str, definition: BenchmarkFile, hardware: dict[str, Hardware]
) -> list[Result]:
    results_dir = os.path.join(folder, RESULTS_DIR)
    impl_ids = {i.id for i in definition.implementations}
    out: list[Result] = []
    if os.path.lexists(results_dir) and not os.path.isdir(results_dir):
        load.problems.append(DataError(results_dir, None, f"{RESULTS_DIR} is not a folder; no results are read"))
        return out
    for path in results_files(results_dir):
        recording: ResultsFile | None = load.file(ResultsFile, path)
        for result in recording.results if recording else []:
            if result.implementation not in impl_ids:
                load.problem(result, f"result for unknown implementation {result.implementation!r}; ignored",
                             "implementation")
                continue
            if isinstance(result.hardware, str):
                load.use(HARDWARE_FILE, result.hardware)
            if isinstance(result.hardware, str) and result.hardware not in hardware:
                load.problem(result, f"hardware {result.hardware!r} is not in {HARDWARE_FILE}; ignored", "hardware")
                continue
            if not result.samples and result.value is None:
                where = load.where[id(result)]
                if "value" not in where.invalid:  # else already reported
                    given = next((k for k in ("value", "samples") if k in where.key_lines), None)
                    load.problem(result, "a result needs a value or samples; ignored", given)
                continue
            statistic = definition.metric.statistic
            expected = statistic_of(statistic, result.samples) if result.samples else None
            if statistic == "olympic" and 0 < len(result.samples) < 3:
                if result.value is None:
                    load.problem(result, f"olympic scoring needs at least 3 samples, this result has "
                                 f"{len(result.samples)}; ignored", "samples")
                    continue
            elif result.samples and expected is None:
                load.problem(result, f"the {statistic} of the samples is not a finite number; ignored", "samples")
                continue
            if (expected is not None and result.value is not None
                    and abs(expected - result.value) > 1e-9 * max(1.0, abs(expected))):
                load.problem(result, f"value {result.value} is not the {statistic} of its samples ({expected:g}); "
                             f"showing the {statistic}", "value")
                result = load.replace(result, value=None)
            out.append(result)
    return out



@dataclasses.dataclass(frozen=True)
class LoadInputs:
    """What a load read or looked for: what decides whether it can be reused (:mod:`.reuse`)."""

    files: tuple[str, ...]
    absent: tuple[str, ...]
    checked: tuple[tuple[str, str, bool], ...]
    results: str
