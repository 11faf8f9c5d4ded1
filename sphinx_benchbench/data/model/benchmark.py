"""``benchmark.yaml``: the benchmark's definition, its implementations and how the runner runs them."""

# No ``from __future__ import annotations`` here: the validator reads these
# hints on every load, and real annotation objects cost nothing to read while
# strings must be compiled and evaluated (measured: most of a cold build's cost).
from dataclasses import dataclass, field
from typing import Annotated, Literal

from .fields import _f, _req, doc
from .kinds import (
    NONNEGATIVE,
    Count,
    EnvName,
    FilePath,
    Ident,
    MaybeEmpty,
    NonNegative,
    PositiveInt,
    PositiveNumber,
    Url,
)
from .values import MAX_DECIMALS

__all__ = [
    "Batch",
    "BenchmarkFile",
    "Display",
    "Implementation",
    "JsonSpec",
    "LogSpec",
    "Measurement",
    "Metric",
    "ModelInfo",
    "Patch",
    "PrintedSpec",
    "Requirements",
    "RunSpec",
    "Source",
    "StalenessPolicy",
    "Step",
    "VersionPart",
    "VersionProbe",
    "WallSpec",
    "Window",
]


@dataclass(frozen=True)
class Metric:
    """The number the table ranks by."""

    label: str = _req("Column header, e.g. ``Throughput``.")
    unit: str = _req("Unit, e.g. ``img/s``; shown in the header.")
    direction: Literal["higher", "lower"] = _req("Whether higher or lower is better.")
    key: Ident = _f("Machine name of the metric.", "value")
    decimals: Annotated[int, NONNEGATIVE, {"maximum": MAX_DECIMALS}] = _f(
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

    start: Count = _req(
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

    gpus: Count = _f("NVIDIA GPUs needed.", 0)
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

    warmup: Count = _f("Runs before the timed ones, not timed (caches, imports).", 1)
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
