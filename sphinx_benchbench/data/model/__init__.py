"""The data model: what a benchmark folder under ``data/`` holds.

These dataclasses are the one definition of the format, one module per
file kind: :mod:`.benchmark` (``benchmark.yaml``), :mod:`.results`
(``results/*.yaml``), :mod:`.registries` (``logos.yaml``, ``hardware.yaml``),
with the kinds of values in :mod:`.kinds`, what is computed from values in
:mod:`.values`, and what the loader returns in :mod:`.loaded`.  The validator
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

from .benchmark import (
    Batch,
    BenchmarkFile,
    Display,
    Implementation,
    JsonSpec,
    LogSpec,
    Measurement,
    Metric,
    ModelInfo,
    Patch,
    PrintedSpec,
    Requirements,
    RunSpec,
    Source,
    StalenessPolicy,
    Step,
    VersionPart,
    VersionProbe,
    WallSpec,
    Window,
)
from .fields import doc
from .kinds import (
    Count,
    DateText,
    EnvName,
    FilePath,
    Ident,
    Kind,
    MaybeEmpty,
    NonNegative,
    PositiveInt,
    PositiveNumber,
    Url,
    kind_of,
)
from .loaded import Benchmark, Located
from .registries import Accelerator, Hardware, HardwareFile, Logo, LogosFile
from .results import Provenance, Result, ResultsFile, RunRecord
from .values import MAX_DECIMALS, SOFTWARE_NAMES, STATISTICS, moment, olympic, software_name, statistic_of

__all__ = [
    "MAX_DECIMALS",
    "SOFTWARE_NAMES",
    "STATISTICS",
    "Accelerator",
    "Batch",
    "Benchmark",
    "BenchmarkFile",
    "Count",
    "DateText",
    "Display",
    "EnvName",
    "FilePath",
    "Hardware",
    "HardwareFile",
    "Ident",
    "Implementation",
    "JsonSpec",
    "Kind",
    "Located",
    "LogSpec",
    "Logo",
    "LogosFile",
    "MaybeEmpty",
    "Measurement",
    "Metric",
    "ModelInfo",
    "NonNegative",
    "Patch",
    "PositiveInt",
    "PositiveNumber",
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
    "VersionPart",
    "VersionProbe",
    "WallSpec",
    "Window",
    "doc",
    "kind_of",
    "moment",
    "olympic",
    "software_name",
    "statistic_of",
]
