"""Edges of the statistics and the ranking that the page tests do not reach: refusals of what cannot be
computed, a relative column when higher is better, and a caption for machines of one kind with two labels."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sphinx_benchbench.analysis.ranking import group_label, rank
from sphinx_benchbench.analysis.statistics import summarize, t95
from sphinx_benchbench.data.loader import load_benchmark
from sphinx_benchbench.data.model import Accelerator, Hardware
from sphinx_benchbench.data.model.values import olympic, statistic_of

from .conftest import ROOTS


def test_what_cannot_be_computed_is_refused() -> None:
    """No samples, no degrees of freedom, an olympic score of two runs: errors that say so, never a number;
    ``statistic_of`` turns the olympic refusal into "no value"."""
    with pytest.raises(ValueError, match=r"^no samples$"):
        summarize([])
    with pytest.raises(ValueError, match=r"^Student's t needs at least one degree of freedom$"):
        t95(0)
    with pytest.raises(ValueError, match=r"^olympic scoring needs at least 3 samples$"):
        olympic([1.0, 2.0])
    assert olympic([5.0, 1.0, 3.0, 100.0]) == 4.0, "the mean of 3 and 5, the extremes dropped"
    assert statistic_of("olympic", [1.0, 2.0]) is None
    assert t95(1) == 12.706 and t95(40) == pytest.approx(2.02)


def test_relative_column_and_spread_when_higher_is_better(tmp_path: Path) -> None:
    """With higher-is-better the relative column is value / baseline (Tie B's 3.0 over Slow's 6.0 is 0.5x);
    a row whose value is 0 has no relative spread."""
    data = tmp_path / "data"
    shutil.copytree(ROOTS / "test-basic" / "data", data)
    bench_yaml = data / "toy/benchmark.yaml"
    bench_yaml.write_text(bench_yaml.read_text().replace("direction: lower", "direction: higher"))
    results = data / "toy/results/2024-02-01.yaml"
    results.write_text(results.read_text().replace("samples: [2.0, 2.2, 1.8]", "samples: [0.0, 0.0, 0.0]"))
    bench, problems = load_benchmark(data, "toy")
    assert bench is not None and problems == []
    box = next(t for t in rank(bench, baseline="slow") if t.label == "One test box")
    by_id = {row.impl.id: row for row in box.rows}
    assert [row.impl.id for row in box.rows] == ["slow", "tie-b", "tie-a", "alpha"], "highest first"
    assert by_id["tie-b"].relative == 0.5 and by_id["slow"].relative == 1.0 and by_id["alpha"].relative == 0.0
    assert by_id["alpha"].spread is None, "no spread relative to a value of 0"


def test_a_caption_names_what_machines_of_one_identity_share() -> None:
    """Two machines that compare alike but carry different labels are captioned by what they share: their
    GPUs (with memory when known) and interconnect, or their CPU and count; one label is used as it is."""
    v100 = Accelerator(model="V100", count=8, memory_gb=32.0)
    a = Hardware(label="lab box", accelerator=v100, interconnect="NVLink")
    b = Hardware(label="cloud box", accelerator=v100, interconnect="NVLink")
    assert group_label([a, b]) == "8x V100 (32 GiB), NVLink"
    assert group_label([Hardware(label="x", accelerator=Accelerator(model="T4", count=1)),
                        Hardware(label="y", accelerator=Accelerator(model="T4", count=1))]) == "1x T4"
    assert group_label([Hardware(label="x", cpu="EPYC", cpu_count=4), Hardware(label="y", cpu="EPYC", cpu_count=4)]
                       ) == "EPYC (4 CPUs)"
    assert group_label([a, a]) == "lab box" and group_label([]) is None
