"""``results/*.yaml``: recorded results, who produced them and how the runner measured them."""

# No ``from __future__ import annotations`` here: the validator reads these
# hints on every load, and real annotation objects cost nothing to read while
# strings must be compiled and evaluated (measured: most of a cold build's cost).
import datetime as dt
from dataclasses import dataclass
from typing import Literal

from .benchmark import Window
from .fields import _f, _req
from .kinds import Count, DateText, FilePath, Ident, NonNegative, Url
from .registries import Hardware
from .values import STATISTICS, moment

__all__ = ["Provenance", "Result", "ResultsFile", "RunRecord"]


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
    warmup: Count = _f("Runs made before the timed ones and not counted (``wall``).", 0)
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
    patch_applied: bool | None = _f(
        "Whether its patches were applied (``None``: it has none); a patch that does not apply fails the run, "
        "so a measured result never says ``false``.")
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
