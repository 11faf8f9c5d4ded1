"""The data model: what a benchmark folder under ``data/`` holds.

These dataclasses are the one definition of the format.  The validator
(:mod:`sphinx_benchbench.data.convert`) reads YAML into them by their type hints,
the JSON Schema (:mod:`sphinx_benchbench.data.schema`) and the data-format reference
page are generated from them, and the runners write results through them.  A
field's ``doc`` metadata is its documentation in all three places.

Layout of a data folder::

    data/
      logos.yaml            # shared registry: project logos and framework icons
      hardware.yaml         # shared registry: hardware profiles
      logos/...             # local image files named by logos.yaml
      <benchmark>/
        benchmark.yaml      # the benchmark definition and its implementations
        patches/*.diff      # patches, verbatim
        results/*.yaml      # results, one file per recording (history is kept)

Identity versus description: what makes two results comparable (the benchmark
definition, the implementation's commands and commit, the hardware) is kept
apart from what merely describes a result (software versions, dates, who).
"""

# No ``from __future__ import annotations`` here: the validator reads these
# hints on every load, and real annotation objects cost nothing to read while
# strings must be compiled and evaluated (measured: most of a cold build's cost).
import datetime as dt
import math
import statistics
from dataclasses import dataclass, field
from typing import Annotated, Literal

__all__ = [
    "MAX_DECIMALS",
    "SOFTWARE_NAMES",
    "STATISTICS",
    "Accelerator",
    "Batch",
    "Benchmark",
    "BenchmarkFile",
    "Display",
    "FilePath",
    "Hardware",
    "HardwareFile",
    "Implementation",
    "JsonSpec",
    "LogSpec",
    "Logo",
    "LogosFile",
    "Measurement",
    "Metric",
    "ModelInfo",
    "Patch",
    "PrintedSpec",
    "Provenance",
    "Requirements",
    "Result",
    "ResultsFile",
    "RunRecord",
    "RunSpec",
    "Source",
    "StalenessPolicy",
    "Step",
    "Url",
    "VersionProbe",
    "WallSpec",
    "Window",
    "doc",
    "moment",
    "software_name",
    "statistic_of",
]

#: A file path relative to the file that names it, which must stay inside the
#: data folder.  The validator resolves it and checks that it exists.
FilePath = Annotated[str, "path"]
#: An ``http(s)://`` address.
Url = Annotated[str, "url"]
#: A date, ``YYYY-MM-DD`` or ``YYYY-MM`` (when only the month is known), or an
#: ISO 8601 timestamp.
DateText = Annotated[str, "date"]
#: A number that must be finite and not negative.
NonNegative = Annotated[float, "nonnegative"]
#: An integer greater than zero.
PositiveInt = Annotated[int, "positive"]
#: A finite number greater than zero.
PositiveNumber = Annotated[float, "positive-number"]
#: Text that may be empty (``CUDA_VISIBLE_DEVICES: ""`` hides every GPU).
MaybeEmpty = Annotated[str, "maybe-empty"]
#: An identifier: lower-case letters, digits, ``-``, ``_`` and ``.``.
Ident = Annotated[str, "ident"]
#: An environment variable's name: letters, digits and ``_``, not starting with a
#: digit.  Anything else would be shell syntax on the page's ``export`` lines.
EnvName = Annotated[str, "envname"]
#: Most decimals a metric may show: beyond them a float has no digits to
#: show, and Python refuses to format with a precision that is too big.
MAX_DECIMALS = 12

def olympic(samples: list[float]) -> float:
    """MLPerf's olympic score: the mean after dropping the fastest and the slowest run.

    It needs three runs at least (MLPerf Training asks for five for Mask R-CNN).
    """
    if len(samples) < 3:
        raise ValueError("olympic scoring needs at least 3 samples")
    return statistics.fmean(sorted(samples)[1:-1])


#: How a result's value is derived from repeated runs' samples.
STATISTICS = {"median": statistics.median, "mean": statistics.fmean, "min": min, "max": max, "olympic": olympic}


def statistic_of(statistic: str, samples: list[float]) -> float | None:
    """The named statistic of ``samples``, or ``None`` when it is not a finite number.

    Finite samples can still overflow: ``fmean`` raises ``OverflowError`` on
    [1.7e308, 1.7e308] and ``median`` averages them to ``inf``.
    """
    try:
        value = float(STATISTICS[statistic](samples))
    except (OverflowError, ValueError):
        return None
    return value if math.isfinite(value) else None


def doc(text: str, **extra: object) -> dict[str, object]:
    """Field metadata: its documentation, shared by schema, docs and messages."""
    return {"doc": " ".join(text.split()), **extra}


def _f(text: str, default: object = None, **extra: object):
    """An optional field.  ``vital=True`` in ``extra``: a problem anywhere in its value
    drops the whole object instead of the field falling back to its default (a
    result must not be shown on the wrong hardware, or from part of its samples)."""
    if isinstance(default, (list, dict)):
        factory = type(default)
        return field(default_factory=factory, metadata=doc(text, **extra))
    return field(default=default, metadata=doc(text, **extra))


def _req(text: str, **extra: object):
    return field(metadata=doc(text, **extra))


#: How package keys of ``software`` are written on the page.
SOFTWARE_NAMES = {
    "python": "Python",
    "cuda": "CUDA",
    "cudnn": "cuDNN",
    "nccl": "NCCL",
    "torch": "PyTorch",
    "torchvision": "torchvision",
    "tensorflow": "TensorFlow",
    "keras": "Keras",
    "mxnet": "MXNet",
    "caffe2": "Caffe2",
    "jax": "JAX",
    "sphinx": "Sphinx",
    "docutils": "docutils",
}



def moment(text: str) -> dt.datetime:
    """A recorded date or timestamp as a point in time, timezone-aware.

    Months and days start at midnight UTC, and a timestamp without a zone is
    taken as UTC, so every recording compares with every other.
    """
    text = text + "-01" if len(text) == 7 else text
    if len(text) == 10:
        text += "T00:00:00+00:00"
    point = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return point if point.tzinfo else point.replace(tzinfo=dt.timezone.utc)


def software_name(key: str) -> str:
    """How a package key of ``software`` is written for readers (``torch`` -> ``PyTorch``)."""
    return SOFTWARE_NAMES.get(key, key)


# --------------------------------------------------------------------------
# Shared registries


@dataclass(frozen=True)
class Logo:
    """A project logo or framework icon, shared by every benchmark."""

    name: str = _req("Name of the project or framework; the image's alt text.")
    image: FilePath | None = _f(
        "Local image file, relative to ``logos.yaml``.  Copied into the build, so "
        "offline builds and PDFs show it.  Put a PNG or PDF next to an SVG with the "
        "same stem and builders that cannot show SVG (LaTeX) use that instead; without "
        "one they show the name."
    )
    url: Url | None = _f("Remote image address, used only when there is no local ``image``.")
    link: Url | None = _f("Where the logo links to (the project's home page).")


@dataclass(frozen=True)
class LogosFile:
    """``data/logos.yaml``."""

    logos: dict[Ident, Logo] = _f("Logos and icons by id.", {})


@dataclass(frozen=True)
class Accelerator:
    """The accelerators of a machine."""

    model: str = _req("Accelerator model, e.g. ``NVIDIA V100-SXM2-32GB``.")
    count: PositiveInt = _req("How many were used.")
    memory_gb: NonNegative | None = _f("Memory of one accelerator, GiB.")
    driver: str | None = _f("Driver version.")


@dataclass(frozen=True)
class Hardware:
    """A hardware profile: what a result was measured on."""

    label: str = _req("Short human description, shown on the page.")
    accelerator: Accelerator | None = _f("Accelerators used, if any.")
    interconnect: str | None = _f("Accelerator interconnect, e.g. ``NVLink``.")
    cpu: str | None = _f("CPU model.")
    cpu_count: PositiveInt | None = _f("Logical CPUs available.")
    memory_gb: NonNegative | None = _f("Main memory, GiB.")
    notes: str | None = _f("Anything else a reader needs to know.")

    @property
    def identity(self) -> tuple[object, ...]:
        """What makes two machines comparable: results ranked together share it.

        The accelerators (model, count and memory) and their interconnect; on
        a machine without accelerators, the CPU model and the number of CPUs.
        The label only describes a machine, unless a profile gives none of
        these: then two differently labelled machines are not assumed equal.
        """
        acc = self.accelerator
        acc_id = (acc.model, acc.count, acc.memory_gb) if acc else None
        cpu_id = None if acc else (self.cpu, self.cpu_count)
        if acc is None and self.interconnect is None and cpu_id == (None, None):
            return (None, None, None, self.label)
        return (acc_id, self.interconnect, cpu_id, None)


@dataclass(frozen=True)
class HardwareFile:
    """``data/hardware.yaml``."""

    hardware: dict[Ident, Hardware] = _f("Hardware profiles by id.", {})


# --------------------------------------------------------------------------
# The benchmark definition


@dataclass(frozen=True)
class Metric:
    """The number the table ranks by."""

    label: str = _req("Column header, e.g. ``Throughput``.")
    unit: str = _req("Unit, e.g. ``img/s``; shown in the header.")
    direction: Literal["higher", "lower"] = _req("Whether higher or lower is better.")
    key: Ident = _f("Machine name of the metric.", "value")
    decimals: Annotated[int, "nonnegative", {"maximum": MAX_DECIMALS}] = _f(
        f"Decimals shown in the table and the charts, 0 to {MAX_DECIMALS}.", 0
    )
    statistic: Literal["median", "mean", "min", "max", "olympic"] = _f(
        "Which statistic of repeated runs a result's value is (and the table shows); ``olympic`` is MLPerf's "
        "mean without the fastest and the slowest run (three runs at least).",
        "median",
    )


@dataclass(frozen=True)
class Window:
    """The part of a run that is measured."""

    start: Annotated[int, "nonnegative"] = _req(
        "Step whose completion starts the clock (so 100-500 times 400 steps)."
    )
    end: PositiveInt = _req("Last counted step (inclusive).")
    unit: str = _f("What is counted.", "iteration")


@dataclass(frozen=True)
class Batch:
    """Batch sizes."""

    per_device: PositiveInt | None = _f("Samples per accelerator per step.")
    total: PositiveInt | None = _f("Samples per step over all accelerators.")


@dataclass(frozen=True)
class Measurement:
    """How the metric is measured."""

    description: str = _req("What is measured and why, in a sentence or two.")
    window: Window | None = _f("Measured window, e.g. iterations 100 to 500.")
    timed: str | None = _f("What exactly is inside the timer.")
    batch: Batch | None = _f("Batch sizes.")
    precision: str | None = _f("Numeric precision, e.g. ``fp32``.")
    caveats: list[str] = _f("Why the number may not compare with other numbers.", [])
    quantity: Literal["items-per-second", "seconds-per-iteration", "milliseconds-per-iteration"] = _f(
        "What the runner computes over the window: items (e.g. images, ``run.items_per_iteration`` "
        "of them per iteration) per second, or the time of one iteration. For the ``wall`` source an "
        "iteration is one run of the commands; the ``printed`` and ``json`` sources take the number as read "
        "(times their ``scale``).",
        "items-per-second",
    )


@dataclass(frozen=True)
class ModelInfo:
    """The model being benchmarked."""

    description: str = _req("The model, e.g. an end-to-end R-50-FPN Mask R-CNN.")
    link: Url | None = _f("Reference for the model or its configuration.")
    notes: str | None = _f("Further notes.")


@dataclass(frozen=True)
class Display:
    """How the page presents the benchmark."""

    baseline: Ident | None = _f(
        "Implementation the relative column compares against (the directive's "
        "``:baseline:`` option overrides it)."
    )
    order: list[Ident] = _f(
        "Order of implementations with equal values (and of the detail sections); "
        "by default the order of ``implementations``.",
        [],
    )


@dataclass(frozen=True)
class Source:
    """Where an implementation's code comes from."""

    repository: Url | None = _f("Repository to clone.")
    ref: str | None = _f("Release tag, branch or (abbreviated) commit shown on the page.")
    kind: Literal["release", "commit", "branch", "none"] = _f(
        "What ``ref`` is; ``none`` when the page names no version.", "commit"
    )
    commit: str | None = _f("Full commit hash the ref resolved to, when known.")

    @property
    def ref_link(self) -> str | None:
        """Link to the ref on its forge, when the repository is a GitHub/GitLab URL."""
        if not (self.repository and self.ref and self.kind != "none"):
            return None
        base = self.repository.rstrip("/").removesuffix(".git")
        if "github.com/" in base or "gitlab.com/" in base:
            sep = "/-/" if "gitlab.com/" in base else "/"
            what = "tree" if self.kind in ("release", "branch") else "commit"
            return f"{base}{sep}{what}/{self.commit or self.ref}"
        return None


@dataclass(frozen=True)
class Step:
    """A preparation step run before the commands."""

    run: str = _req("The command.")
    purpose: str | None = _f("Why it is needed, shown before the command.")
    shell: bool = _f("Run it through ``bash -c`` (a pipe, a redirection); by default it runs without a shell.", False)


@dataclass(frozen=True)
class Patch:
    """A patch applied to the implementation's source, kept verbatim as a file."""

    file: FilePath = _req("The ``.diff`` file, relative to ``benchmark.yaml``.")
    summary: str = _req("One line saying what the patch does (the collapsed block's title).")
    collapsed: bool = _f("Collapse the patch behind a click in HTML.", True)


@dataclass(frozen=True)
class Requirements:
    """What a machine needs to run an implementation; unmet ones skip it with a reason."""

    gpus: Annotated[int, "nonnegative"] = _f("NVIDIA GPUs needed.", 0)
    network: bool = _f("Whether it needs the network (to clone or download).", False)
    executables: list[str] = _f("Programs that must be on ``PATH``, e.g. ``mpirun``.", [])


@dataclass(frozen=True)
class LogSpec:
    """How to read the implementation's output."""

    format: str = _req("Log format name (see the runners' log-format reference), e.g. ``detectron2``.")
    options: dict[str, str | int | bool] = _f("Options of the log format, e.g. ``iters_per_epoch``.", {})
    own_window: str | None = _f(
        "Regular expression for the line where the implementation reports its own timing of the whole "
        "window, with a named group ``seconds``; recorded as a cross-check of the runner's measurement."
    )


@dataclass(frozen=True)
class WallSpec:
    """Timing whole commands, as hyperfine does: warm-up runs, then timed runs until both minimums are met."""

    warmup: Annotated[int, "nonnegative"] = _f("Runs before the timed ones, not timed (caches, imports).", 1)
    min_runs: PositiveInt = _f("Timed runs at least (hyperfine's default is 10).", 10)
    min_time: NonNegative = _f("Seconds of timed runs at least (hyperfine's default is 3).", 3.0)
    max_runs: PositiveInt = _f("Timed runs at most, whatever the minimum time.", 1000)


@dataclass(frozen=True)
class PrintedSpec:
    """A number the command prints, e.g. ``zstd -b``'s MB/s."""

    pattern: str = _req(
        "Regular expression searched in each output line, with a named group ``value`` (the number); "
        "colour codes are removed first."
    )
    scale: PositiveNumber = _f("Factor from the printed unit to the metric's unit (``0.001`` for ms to s).", 1.0)
    aggregate: Literal["last", "first", "mean", "median", "sum", "min", "max"] = _f(
        "How the matches of one run make its value (one run, one sample).", "last"
    )


@dataclass(frozen=True)
class JsonSpec:
    """A number in a JSON document the command writes."""

    path: str = _req("Where the number is: keys and list indexes separated by dots, e.g. ``results.0.mean``.")
    file: str | None = _f(
        "The file the command writes, relative to where it runs; by default its standard output (stderr "
        "is read with it, so a command that warns should write a file)."
    )
    scale: PositiveNumber = _f("Factor from the document's unit to the metric's unit.", 1.0)


@dataclass(frozen=True)
class VersionProbe:
    """A command that prints a program's version."""

    command: str = _req("The command, e.g. ``zstd --version`` (run without a shell).")
    pattern: str | None = _f(
        "Regular expression with a named group ``version``; by default the first thing in the output that "
        "looks like a version (``1.5.6``)."
    )


@dataclass(frozen=True)
class RunSpec:
    """How the runner executes an implementation: what the page shows is what runs.

    The commands, environment variables, set-up steps and patches are the
    implementation's own fields; this adds only what running needs beyond them.
    """

    source: Literal["log", "wall", "printed", "json"] | None = _f(
        "Where the metric comes from: ``log`` (an iteration window of its progress lines), ``wall`` (the wall "
        "time of its commands), ``printed`` (a number it prints) or ``json`` (a number in a JSON document it "
        "writes). By default the one whose settings are given (``log``, ``printed``, ``json`` or ``wall``), "
        "else ``wall``."
    )
    log: LogSpec | None = _f("How to read progress from the output (the ``log`` source).")
    wall: WallSpec | None = _f("Warm-up and repeats of the ``wall`` source (its defaults when not given).")
    printed: PrintedSpec | None = _f("The number the ``printed`` source reads.")
    json: JsonSpec | None = _f("The number the ``json`` source reads.")
    prepare: list[str] = _f(
        "Commands run before each run, outside its timing (remove the last run's output, drop a cache).", []
    )
    versions: dict[Ident, str | VersionProbe] = _f(
        "The software it runs, recorded with each result and checked for staleness: by name, a command that "
        "prints its version (``zstd --version``) or a probe.",
        {},
    )
    packages: list[str] = _f(
        "Python distributions whose versions are recorded, as its interpreter (the first ``python`` on its "
        "``PATH``) has them, with that Python's own version (``python`` alone records just that); with ``torch``, "
        "its CUDA and cuDNN too.",
        [],
    )
    items_per_iteration: PositiveInt | None = _f(
        "Items (images, samples, megabytes) per iteration, or per run of the ``wall`` source; defaults to the "
        "measurement's total batch."
    )
    workdir: str | None = _f(
        "Folder the commands run in, relative to the checkout (or, without a repository, to the "
        "project folder that holds the data folder, or the benchmark's work folder when it has a set-up)."
    )
    venv: str | None = _f(
        "Virtual environment whose ``bin`` goes first on ``PATH`` (relative to the project folder, or "
        "absolute); by default the runner's own interpreter's."
    )
    shell: bool = _f("Run each command through ``/bin/sh -c`` (only when the command needs a shell).", False)
    timeout: PositiveNumber = _f("Seconds before the run is stopped as failed.", 3600.0)
    stop_after_window: bool = _f(
        "Stop the implementation once the window's end (and, with ``log.own_window``, its own timing) "
        "has been read, as a person timing a full training schedule would; ``false`` waits for it to "
        "exit, so that its exit status counts.",
        True,
    )
    repeat: PositiveInt = _f("How many runs make one result (``--repeat`` overrides).", 1)
    requires: Requirements = field(default_factory=Requirements, metadata=doc("What the machine needs."))

    @property
    def given(self) -> list[str]:
        """The sources whose settings are given (``log``, ``printed``, ``json``, ``wall``)."""
        return [name for name in ("log", "printed", "json", "wall") if getattr(self, name) is not None]

    @property
    def kind(self) -> str:
        """The metric source used: ``source``, else the one whose settings are given, else ``wall``."""
        return self.source or next(iter(self.given), "wall")


@dataclass(frozen=True)
class Implementation:
    """One implementation compared by the benchmark."""

    id: Ident = _req("Identifier used by results and options.")
    name: str = _req("Display name.")
    label: str | None = _f("Text in the table when it differs from ``name``.")
    link: Url | None = _f("Project home page; the name and logo link here.")
    logo: Ident | None = _f("Logo id from ``logos.yaml``; replaces the label in the table.")
    frameworks: list[Ident] = _f("Framework icon ids from ``logos.yaml``.", [])
    subject: bool = _f("Whether this is the implementation the page is about.", False)
    source: Source | None = _f("Where its code comes from.")
    lead: str | None = _f("Sentence before the commands, replacing the one derived from ``source``.")
    setup: list[Step] = _f("Preparation steps, in order.", [])
    env: dict[EnvName, MaybeEmpty] = _f("Environment variables for the commands.", {})
    patches: list[Patch] = _f("Patches to apply to the source.", [])
    commands: list[str] = _f("The commands that run the benchmark, in order.", [])
    notes: list[str] = _f("Notes shown after the commands.", [])
    run: RunSpec | None = _f("How the runner executes it; without it the implementation is not runnable.")

    @property
    def table_label(self) -> str:
        return self.label or self.name


VersionPart = Literal["major", "minor", "patch"]


@dataclass(frozen=True)
class StalenessPolicy:
    """When a result counts as stale.  ``benchbench_staleness`` in conf.py sets the
    site's policy; a benchmark's own ``staleness`` overrides it key by key."""

    part: VersionPart | None = _f(
        "Which part of a version must change for a result to be stale (default ``minor``: 1.5 to 1.6 "
        "is stale, 1.5.0 to 1.5.1 is not)."
    )
    parts: dict[str, VersionPart] = _f("The same per package, e.g. ``{cudnn: major}``.", {})
    track: list[str] | None = _f("Only these packages count (default: every package a result records).")
    ignore: list[str] = _f("Packages that never make a result stale.", [])
    aliases: dict[str, str] = _f(
        "Other names of packages, mapped to the name results use, e.g. ``{pytorch: torch}``.", {}
    )
    max_age_days: PositiveInt | None = _f("Results older than this many days are stale.")


@dataclass(frozen=True)
class BenchmarkFile:
    """``data/<benchmark>/benchmark.yaml``."""

    title: str = _req("Title of the comparison.")
    metric: Metric = _req("The metric the table shows.")
    measurement: Measurement = _req("How the metric is measured.")
    implementations: list[Implementation] = _req("The implementations compared.")
    summary: str | None = _f("A sentence introducing the comparison.")
    task: str | None = _f("Task, e.g. instance segmentation training.")
    dataset: str | None = _f("Data set the runs use.")
    model: ModelInfo | None = _f("The model.")
    hardware: Ident | None = _f("Default hardware profile id for results that name none.")
    setup: list[Step] = _f(
        "Steps run once before any implementation, in the benchmark's work folder (``$BENCHBENCH_WORK``, by "
        "default under the cache, never beside the docs): generate the input every implementation reads. "
        "Implementations without a repository then run in that folder too.",
        [],
    )
    display: Display = field(default_factory=Display, metadata=doc("Presentation preferences."))
    staleness: StalenessPolicy | None = _f("This benchmark's staleness policy, over the site's.")
    schema: Literal[1] = _f("Format version.", 1)


# --------------------------------------------------------------------------
# Results


@dataclass(frozen=True)
class Provenance:
    """Who produced a number and where it comes from."""

    by: str = _req("Who measured or reported it (a team or project, not a user name).")
    source: Url | None = _f("Where it was published, for reported or copied numbers.")
    note: str | None = _f("Anything else about where the number comes from.")


@dataclass(frozen=True)
class RunRecord:
    """What the runner saw: per-run timings, cross-checks and how it ran."""

    runner: str = _req("Runner name and version.")
    source: Literal["log", "wall", "printed", "json"] = _f("Where the metric came from (see ``run.source``).", "log")
    window: Window | None = _f("The window measured (the ``log`` source).")
    seconds_per_iteration: list[NonNegative] = _f(
        "Measured time of one iteration in the window, or of one run of the commands (``wall``), per run.", []
    )
    warmup: Annotated[int, "nonnegative"] = _f("Runs made before the timed ones and not counted (``wall``).", 0)
    own_seconds_per_iteration: list[NonNegative | None] = _f(
        "The implementation's own printed timing of the window, per iteration, per run (cross-check; ``null`` "
        "where its printed timing cannot time the window).", []
    )
    own_window_seconds: list[NonNegative | None] = _f(
        "The implementation's own timing of the window (``run.log.own_window``), per run.", []
    )
    spread: NonNegative | None = _f("Relative standard deviation of the runs' values.")
    unstable: bool = _f(
        "Whether the runs disagree too much to be believed as they stand: a relative standard deviation over "
        "5 %, an outlier run (hyperfine's modified Z-score) or a run 50 % from the mean (pyperf).", False)
    patch_applied: bool | None = _f("Whether every patch applied cleanly (``None``: no patch).")
    semantics: str | None = _f(
        "How the window was timed and cross-checked, in words: which timings were read and what they mean.")
    warnings: list[str] = _f("What the runner flagged, e.g. disagreement with the printed timing.", [])


@dataclass(frozen=True)
class Result:
    """One recorded result of one implementation."""

    implementation: Ident = _req("Implementation id.")
    recorded: DateText = _req("When it was measured.")
    status: Literal["measured", "reported", "copied", "estimated", "imported"] = _req(
        "``measured`` by this project's runner, ``reported`` by the implementation's "
        "project, ``copied`` from a published page, ``imported`` from another benchmark tool's results "
        "(pytest-benchmark, asv, pyperf, hyperfine, Google Benchmark), or ``estimated``."
    )
    provenance: Provenance = _req("Who produced it and where it comes from.")
    value: NonNegative | None = _f(
        "The result, in the metric's unit.  Optional when ``samples`` are given: it is "
        "then the metric's statistic of them."
    )
    samples: list[NonNegative] = _f(
        "Value of each repeated run.  One invalid sample leaves the whole result out: a figure is never "
        "computed from part of what was recorded.",
        [],
        vital=True,
    )
    hardware: Ident | Hardware | None = _f(
        "Hardware profile id from ``hardware.yaml``, or a full description "
        "(the runners record one).  Defaults to the benchmark's; a malformed description "
        "leaves the result out rather than falling back to the default.",
        vital=True,
    )
    software: dict[str, str] = _f(
        "Versions of the software it ran with, by package (``python``, ``cuda``, "
        "``cudnn``, ``torch``, ...).  Quote them: ``3.10`` unquoted is the number 3.1.",
        {},
    )
    commit: str | None = _f("The implementation commit that was measured.")
    settings: dict[str, str] = _f("Settings that deviate from the benchmark's definition.", {})
    log: FilePath | None = _f("Raw log of the run, relative to the results file.")
    superseded: bool = _f("Kept as history but not shown in the table.", False)
    note: str | None = _f("Anything a reader of this number should know.")
    identity: str | None = _f(
        "Hash of what makes results comparable (benchmark definition, commands, environment variables, "
        "set-up, patches, commit, hardware), written by the runner."
    )
    platform: str | None = _f("Operating system and C library, as the runner found them.")
    run: RunRecord | None = _f("How the runner measured it.")

    def stat(self, statistic: str) -> float:
        """The value, or the given statistic of the samples when no value is set."""
        if self.value is not None:
            return self.value
        return float(STATISTICS[statistic](self.samples))

    @property
    def moment(self) -> dt.datetime:
        """When it was recorded, as a timezone-aware point in time (see :func:`moment`)."""
        return moment(self.recorded)

    @property
    def date(self) -> dt.date:
        """The recorded date (first of the month when only the month is known)."""
        text = self.recorded
        if len(text) == 7:
            text += "-01"
        return dt.date.fromisoformat(text[:10])


@dataclass(frozen=True)
class ResultsFile:
    """``data/<benchmark>/results/*.yaml``: one recording (one or more results)."""

    results: list[Result] = _req("The results recorded together.")
    schema: Literal[1] = _f("Format version.", 1)


# --------------------------------------------------------------------------
# What the loader hands to the directive


@dataclass(frozen=True)
class Located:
    """A file and line, for messages about a loaded object, and its keys' lines."""

    path: str
    line: int | None
    key_lines: dict[str, int] = field(default_factory=dict)
    #: Keys whose values were invalid: reported already, and left at their default.
    invalid: frozenset[str] = frozenset()

    def at(self, key: str | None) -> "Located":
        """The location of one key of the object (the object's own if unknown)."""
        return Located(self.path, self.key_lines.get(key, self.line) if key else self.line)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass
class Benchmark:
    """A loaded benchmark: its definition, resolved registries and its results.

    Everything is validated; file paths are absolute and inside the data folder.
    ``where`` maps objects (by ``id()``) to the file and line they came from.
    """

    id: str
    folder: str
    definition: BenchmarkFile
    results: list[Result]
    logos: dict[str, Logo]
    hardware: dict[str, Hardware]
    patch_text: dict[str, str]
    files: list[str]
    where: dict[int, Located] = field(default_factory=dict)
    #: SVG logo images (paths) whose raster or PDF twins are inside the data folder.
    twinned: set[str] = field(default_factory=set)

    def locate(self, obj: object) -> Located | None:
        return self.where.get(id(obj))

    def implementation(self, impl_id: str) -> Implementation | None:
        return next((i for i in self.definition.implementations if i.id == impl_id), None)

    def hardware_of(self, result: Result) -> Hardware | None:
        hw = result.hardware if result.hardware is not None else self.definition.hardware
        if isinstance(hw, Hardware):
            return hw
        return self.hardware.get(hw) if hw else None
