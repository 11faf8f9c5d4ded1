"""Validation of data folders: every problem located, the rest still loaded."""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest

from sphinx_benchbench.analysis.ranking import rank
from sphinx_benchbench.cli.check import main as check_main
from sphinx_benchbench.data.loader import list_benchmarks, load_benchmark
from sphinx_benchbench.data.model import Accelerator, Hardware

from .conftest import REPO, ROOTS

TOY = ROOTS / "test-basic" / "data"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    dest = tmp_path / "data"
    shutil.copytree(TOY, dest)
    return dest


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def line_of(path: Path, needle: str, first: bool = False) -> int:
    """Line of the last (or first) occurrence of ``needle``."""
    lines = [n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line]
    assert lines, f"{needle!r} not in {path}"
    return lines[0] if first else lines[-1]


def problems_of(data: Path) -> list[str]:
    _, problems = load_benchmark(data, "toy")
    return [str(p) for p in problems]


def test_toy_data_is_clean() -> None:
    bench, problems = load_benchmark(TOY, "toy")
    assert problems == []
    assert bench is not None
    assert [i.id for i in bench.definition.implementations] == ["alpha", "tie-b", "tie-a", "slow", "unmeasured"]
    assert len(bench.results) == 7
    assert bench.patch_text[str(TOY / "toy/patches/fix.diff")].startswith("diff --git")


def test_repository_data_is_clean() -> None:
    for name in list_benchmarks(str(REPO / "data")):
        bench, problems = load_benchmark(REPO / "data", name)
        assert bench is not None
        assert problems == [], "\n".join(map(str, problems))


def test_ranking_direction_ties_history_and_hardware() -> None:
    bench, _ = load_benchmark(TOY, "toy")
    tables = rank(bench, baseline="slow")
    assert [t.hardware.label for t in tables] == ["One test box", "One test GPU"]
    box = tables[0]
    # Lower is better; ties keep display order (tie-b before tie-a); newest result wins;
    # the superseded 1.0 for "slow" is history, not shown; the median of samples is shown.
    assert [(r.impl.id, r.value) for r in box.rows] == [
        ("alpha", 2.0), ("tie-b", 3.0), ("tie-a", 3.0), ("slow", 6.0)]
    assert [r.relative for r in box.rows] == [3.0, 2.0, 2.0, 1.0]
    assert math.isclose(box.rows[0].spread, 0.1)
    assert [(r.impl.id, r.value, r.relative) for r in tables[1].rows] == [("alpha", 0.5, None)]


CPU2 = {"label": "laptop", "cpu": "Xeon", "cpu_count": 2}
A100 = {"label": "A100", "accelerator": Accelerator("NVIDIA A100", 1, 40.0)}


@pytest.mark.parametrize(("a", "b", "same"), [
    (CPU2, {**CPU2, "cpu_count": 128}, False),
    (CPU2, {**CPU2, "cpu": "EPYC"}, False),
    (A100, {**A100, "accelerator": Accelerator("NVIDIA A100", 1, 80.0)}, False),
    (A100, {**A100, "accelerator": Accelerator("NVIDIA A100", 8, 40.0)}, False),
    (A100, {**A100, "interconnect": "NVLink"}, False),
    ({"label": "CI runner"}, {"label": "bare-metal box"}, False),
    ({"label": "CI runner"}, CPU2, False),
    (CPU2, {**CPU2, "label": "the same laptop", "memory_gb": 16.0}, True),
    (A100, {**A100, "label": "1x A100 40GB", "cpu": "EPYC", "cpu_count": 64}, True),
])
def test_hardware_identity(a: dict, b: dict, same: bool) -> None:
    assert (Hardware(**a).identity == Hardware(**b).identity) is same


def test_tables_split_by_hardware_and_captions_name_what_rows_share(data: Path) -> None:
    with open(data / "hardware.yaml", "a", encoding="utf-8") as f:
        f.write("  big: {label: Big box, cpu: Test CPU, cpu_count: 128}\n"
                "  box-too: {label: Box by another name, cpu: Test CPU, cpu_count: 2}\n"
                "  ci-a: {label: CI runner}\n"
                "  ci-b: {label: Bare-metal box}\n"
                "  gpu-80: {label: Big test GPU, accelerator: {model: Test GPU, count: 1, memory_gb: 80}}\n")
    (data / "toy/results/2025-01-01.yaml").write_text("results:\n" + "".join(
        f"  - {{implementation: {impl}, recorded: 2025-01-01, status: measured, provenance: {{by: us}}, "
        f"value: 1, hardware: {hw}}}\n"
        for impl, hw in [("tie-a", "big"), ("tie-b", "box-too"), ("unmeasured", "ci-a"), ("slow", "ci-b"),
                         ("alpha", "gpu-80")]), encoding="utf-8")
    bench, problems = load_benchmark(data, "toy")
    assert problems == []
    groups = {t.label: sorted((r.impl.id, r.result.recorded) for r in t.rows) for t in rank(bench)}
    assert groups == {
        "Test CPU (2 CPUs)": [("alpha", "2024-02-01"), ("slow", "2024-02-01"), ("tie-a", "2024-02-01"),
                              ("tie-b", "2025-01-01")],
        "Big box": [("tie-a", "2025-01-01")],
        "CI runner": [("unmeasured", "2025-01-01")],
        "Bare-metal box": [("slow", "2025-01-01")],
        "One test GPU": [("alpha", "2024-02-01")],
        "Big test GPU": [("alpha", "2025-01-01")],
    }


def test_the_newest_result_is_chosen_by_its_full_timestamp(data: Path) -> None:
    (data / "toy/results/2025-01-05.yaml").write_text("results:\n" + "".join(
        f"  - {{implementation: {impl}, recorded: '{when}', status: measured, provenance: {{by: us}}, value: {v}}}\n"
        for impl, when, v in [
            ("tie-a", "2025-01-05T23:00:00Z", 7), ("tie-a", "2025-01-05T01:00:00Z", 8),
            ("tie-b", "2025-01-05T06:00:00Z", 7), ("tie-b", "2025-01-05T10:00:00+05:00", 8),
            ("slow", "2025-01-05T00:30:00", 7), ("slow", "2025-01-05", 8),
        ]), encoding="utf-8")
    bench, problems = load_benchmark(data, "toy")
    assert problems == []
    shown = {r.impl.id: r.value for r in rank(bench)[0].rows}
    assert (shown["tie-a"], shown["tie-b"], shown["slow"]) == (7.0, 7.0, 7.0)


def test_ties_are_stable_whatever_the_file_order(data: Path) -> None:
    edit(data / "toy/benchmark.yaml", "order: [alpha, tie-b, tie-a, slow]", "order: [tie-a]")
    bench, _ = load_benchmark(data, "toy")
    ids = [r.impl.id for r in rank(bench)[0].rows]
    assert ids == ["alpha", "tie-a", "tie-b", "slow"]


BENCH = "toy/benchmark.yaml"
RESULTS = "toy/results/2024-02-01.yaml"


@pytest.mark.parametrize(
    ("file", "old", "new", "needle", "message"),
    [
        (BENCH, "  decimals: 1", "  decimals: -1", "decimals", "must be zero or more"),
        (BENCH, "  decimals: 1", "  decimals: 3000000000", "decimals", "must be at most 12, got 3000000000"),
        (BENCH, "  decimals: 1", "  decimals: one", "decimals", "expected an integer, got the text 'one'"),
        (BENCH, "    commands: [tieb]", "    commands: tieb", "commands: tieb", "expected a list"),
        (BENCH, "env: {SLOW_MODE: \"1\"", "env: {SLOW_MODE: 1", "SLOW_MODE", "put it in quotes"),
        (BENCH, "env: {SLOW_MODE: \"1\"", "env: {\"X;rm -rf ~\": z, SLOW_MODE: \"1\"", "rm -rf",
         "implementations[3].env key: 'X;rm -rf ~' is not an environment variable name"),
        (BENCH, "env: {SLOW_MODE: \"1\"", "env: {1X: z, SLOW_MODE: \"1\"", "1X", "'1X' is not an environment"),
        (BENCH, "    logo: alpha", "    logo: nologo", "logo: nologo", "logo 'nologo' is not in logos.yaml"),
        (BENCH, "frameworks: [torchy]", "frameworks: [nofw]", "nofw", "framework icon 'nofw'"),
        (BENCH, "file: patches/fix.diff", "file: patches/missing.diff", "missing.diff", "not found"),
        (BENCH, "file: patches/fix.diff", "file: ../../../etc/passwd", "passwd", "outside the data folder"),
        (BENCH, "file: patches/fix.diff", "file: /etc/passwd", "passwd", "must be a relative path"),
        (BENCH, "link: https://alpha.example.org/", "link: 'javascript:alert(1)'", "javascript",
         "is not an http(s) address"),
        (BENCH, "  - id: tie-a", "  - id: tie-b", "- id: tie-b", "used twice"),
        (BENCH, "  - id: tie-a", "  - id: Tie A", "id: Tie A", "is not an identifier"),
        (BENCH, "  order: [alpha,", "  order: [ghost, alpha,", "order", "'ghost' is not an implementation"),
        (BENCH, "hardware: box", "hardware: nowhere", "hardware: nowhere", "hardware 'nowhere' is not in"),
        (RESULTS, "    value: 6.0", "    value: -6.0", "-6.0", "must be zero or more"),
        (RESULTS, "    value: 6.0", "    value: .nan", ".nan", "is not a finite number"),
        (RESULTS, "    value: 6.0", "    value: .inf", ".inf", "is not a finite number"),
        (RESULTS, "    value: 6.0", "    value: '6.0'", "'6.0'", "expected a number, got the text"),
        (RESULTS, "    value: 6.0", "    value: true", "value: true", "expected a number, got the boolean"),
        (RESULTS, "samples: [2.0, 2.2, 1.8]", "samples: [2.0, x, 1.8]", "samples", "samples[1]: expected"),
        (RESULTS, "recorded: 2024-02-01\n    status: copied", "recorded: 2024-13-45\n    status: copied",
         "2024-13-45", "is not a date"),
        (RESULTS, "recorded: 2024-02-01\n    status: reported", "recorded: 2024-02-01T25:61Z\n    status: reported",
         "T25:61Z", "is not a date"),
        (RESULTS, "status: reported", "status: rumoured", "rumoured", "expected one of"),
        (RESULTS, "  - implementation: slow\n    value: 6.0", "  - implementation: ghost\n    value: 6.0",
         "ghost", "unknown implementation 'ghost'"),
        (RESULTS, "    provenance: {by: Tie A people, source: \"https://tiea.example.org/page\"}\n", "",
         "implementation: tie-a", "provenance: required key is missing"),
        (RESULTS, "software: {python: \"3.12\"}", "software: {python: 3.10}", "3.10", "put it in quotes"),
    ],
)
def test_each_problem_is_located_and_the_rest_survives(
    data: Path, file: str, old: str, new: str, needle: str, message: str
) -> None:
    path = data / file
    edit(path, old, new)
    line = line_of(path, needle)
    found = problems_of(data)
    assert any(p.startswith(f"{path}:{line}: ") and message in p for p in found), "\n".join(found)
    bench, _ = load_benchmark(data, "toy")
    assert bench is not None
    untouched, _ = load_benchmark(TOY, "toy")
    assert untouched is not None

    def shown(b: object) -> list[str]:
        return sorted(row.impl.id for table in rank(b) for row in table.rows)  # type: ignore[arg-type]

    before, after = shown(untouched), shown(bench)
    missing = list(before)
    for impl_id in after:
        missing.remove(impl_id)  # ValueError: a row that was not there before
    assert len(missing) <= 1, \
        f"only the edited row may go (or fall back to an older result): {before} -> {after}"


@pytest.mark.parametrize(
    ("old", "new", "needle", "message"),
    [
        ("  label: Time", "  lable: Time", "lable", "metric.lable: unknown key; did you mean 'label'?"),
        ("  direction: lower", "  direction: down", "direction", "metric.direction: expected one of"),
    ],
)
def test_a_broken_metric_stops_the_table_but_is_located(data: Path, old: str, new: str, needle: str,
                                                         message: str) -> None:
    """Without a usable metric nothing can be ranked: the benchmark is not shown, honestly."""
    path = data / BENCH
    edit(path, old, new)
    line = line_of(path, needle)
    bench, problems = load_benchmark(data, "toy")
    assert bench is None
    assert any(str(p).startswith(f"{path}:{line}: ") and message in str(p) for p in problems)


def test_broken_results_file_leaves_the_others(data: Path) -> None:
    (data / "toy/results/2024-02-01.yaml").write_text("results: [\n", encoding="utf-8")
    bench, problems = load_benchmark(data, "toy")
    assert [p.line for p in problems] == [2]
    assert "YAML syntax error" in problems[0].message
    assert [r.value for r in bench.results] == [9.0]


def test_value_must_match_samples(data: Path) -> None:
    edit(data / RESULTS, "    samples: [2.0, 2.2, 1.8]", "    samples: [2.0, 2.2, 1.8]\n    value: 7.0")
    bench, problems = load_benchmark(data, "toy")
    assert "is not the median of its samples (2)" in problems[0].message
    assert rank(bench)[0].rows[0].value == 2.0


@pytest.mark.parametrize("inline", [
    "{labl: GPU box}",
    "{label: GPU box, accelerator: {model: Test GPU, count: one}}",
    "{label: GPU box, gpu: Test GPU}",
    "[gpu]",
])
def test_malformed_inline_hardware_drops_the_result(data: Path, inline: str) -> None:
    """Not the benchmark's default hardware instead: the result would rank under the wrong machine."""
    path = data / RESULTS
    edit(path, "    hardware: gpu", f"    hardware: {inline}")
    bench, problems = load_benchmark(data, "toy")
    line = line_of(path, "hardware:")
    assert f"{path}:{line}: results[5].hardware is invalid, so this result is ignored" in map(str, problems)
    assert 0.5 not in [r.value for r in bench.results]
    assert [t.label for t in rank(bench)] == ["One test box"]


@pytest.mark.parametrize(("new", "needle"), [
    ("    samples: []", "samples: []"),
    ("    value: null", "value: null"),
    ("    value: null\n    samples: []", "value: null"),
    ("", "implementation: alpha"),
])
def test_a_result_without_value_or_samples_is_reported(data: Path, new: str, needle: str) -> None:
    path = data / RESULTS
    edit(path, "    samples: [2.0, 2.2, 1.8]", new)
    bench, problems = load_benchmark(data, "toy")
    line = line_of(path, needle, first=True)
    assert [str(p) for p in problems] == [f"{path}:{line}: a result needs a value or samples; ignored"]
    assert len(bench.results) == 6


def test_an_invalid_value_is_reported_once(data: Path) -> None:
    path = data / RESULTS
    edit(path, "    samples: [2.0, 2.2, 1.8]", "    value: '2.0'")
    _, problems = load_benchmark(data, "toy")
    assert [str(p) for p in problems] == [
        f"{path}:{line_of(path, 'value:', first=True)}: results[0].value: expected a number, got the text '2.0'"]


def test_check_exits_3_for_decimals_it_cannot_show(data: Path) -> None:
    edit(data / BENCH, "  decimals: 1", "  decimals: 3000000000")
    assert check_main([str(data), "--current", "python=3.12", "--current", "toylib=1.1"]) == 3


def test_one_invalid_sample_drops_the_whole_result(data: Path) -> None:
    path = data / RESULTS
    edit(path, "samples: [2.0, 2.2, 1.8]", 'samples: [2.0, "90", 2.2, -5, .nan, 1.8]')
    bench, problems = load_benchmark(data, "toy")
    line = line_of(path, "samples")
    assert [str(p) for p in problems] == [
        f"{path}:{line}: results[0].samples[1]: expected a number, got the text '90'",
        f"{path}:{line}: results[0].samples[3]: must be zero or more, got -5.0",
        f"{path}:{line}: results[0].samples[4]: nan is not a finite number",
        f"{path}:{line}: results[0].samples is invalid, so this result is ignored",
    ]
    assert [r.value for r in rank(bench)[0].rows] == [3.0, 3.0, 6.0, 9.0], "alpha's older result instead"


@pytest.mark.parametrize("statistic", ["mean", "median"])
def test_samples_too_large_for_their_statistic_drop_the_result(data: Path, statistic: str) -> None:
    """Finite samples whose mean overflows (fmean raised OverflowError in every builder) are refused."""
    edit(data / BENCH, "  decimals: 1", f"  decimals: 1\n  statistic: {statistic}")
    path = data / RESULTS
    edit(path, "samples: [2.0, 2.2, 1.8]", "samples: [1.7e+308, 1.0e+300]")
    bench, problems = load_benchmark(data, "toy")
    line = line_of(path, '1.7e+308')
    assert [str(p) for p in problems] == [
        f"{path}:{line}: results[0].samples[0]: 1.7e+308 is too large to be a measurement (over 1e+300)",
        f"{path}:{line}: results[0].samples is invalid, so this result is ignored"]
    assert [r.value for r in rank(bench)[0].rows] == [3.0, 3.0, 6.0, 9.0], "alpha's older result instead"
    assert check_main([str(data)]) == 3


def test_missing_logo_file_falls_back_to_name(data: Path) -> None:
    (data / "logos/alpha.svg").unlink()
    bench, problems = load_benchmark(data, "toy")
    assert f"{data / 'logos.yaml'}:4: logos.alpha.image: file 'logos/alpha.svg' not found" in map(str, problems)
    assert bench.logos["alpha"].image is None


def test_symlink_out_of_the_data_folder_is_refused(data: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.diff"
    secret.write_text("secret\n", encoding="utf-8")
    (data / "toy/patches/fix.diff").unlink()
    (data / "toy/patches/fix.diff").symlink_to(secret)
    bench, problems = load_benchmark(data, "toy")
    assert any("points outside the data folder" in p.message for p in problems)
    assert "secret\n" not in bench.patch_text.values()


def _link_out(data: Path, outside: Path, rel: str) -> Path:
    """Replace ``data/rel`` by a symbolic link to a copy of it under ``outside``."""
    target = outside / rel.replace("/", "-")
    shutil.move(data / rel, target)
    (data / rel).symlink_to(target)
    return data / rel


@pytest.mark.parametrize("rel", ["toy", "toy/results/2024-02-01.yaml", "logos.yaml", "hardware.yaml"])
def test_no_symlink_leads_out_of_the_data_folder(data: Path, tmp_path: Path, rel: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "outside").mkdir()
    link = _link_out(data, tmp_path / "outside", rel)
    refused = link / "benchmark.yaml" if rel == "toy" else link
    bench, problems = load_benchmark(data, "toy")
    assert f"{refused}: points outside the data folder (through a symbolic link); refusing to read it" \
        in map(str, problems)
    if rel == "toy":
        assert bench is None
    elif rel.startswith("toy/results"):
        assert [r.value for r in bench.results] == [9.0], "only the results file inside"
    else:
        assert bench.logos == {} if rel == "logos.yaml" else bench.hardware == {}
    assert check_main([str(data)]) == 3
    assert f"{refused}: invalid: points outside the data folder" in capsys.readouterr().out


def test_logo_twin_outside_the_data_folder_is_refused(data: Path, tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    bench, _ = load_benchmark(data, "toy")
    assert [i.mime for i in bench.images["alpha"]] == ["image/svg+xml", "image/png"], "alpha.png is its twin"
    _link_out(data, tmp_path / "outside", "logos/alpha.png")
    bench, problems = load_benchmark(data, "toy")
    logos = data / "logos.yaml"
    assert f"{logos}:{line_of(logos, 'alpha.svg')}: logos.alpha.image: its twin alpha.png points " \
        "outside the data folder (through a symbolic link); builders that cannot show SVG show the name" \
        in map(str, problems)
    assert [i.mime for i in bench.images["alpha"]] == ["image/svg+xml"]


def test_symlinks_inside_the_data_folder_are_followed(data: Path) -> None:
    (data / "shared").mkdir()
    shutil.move(data / "hardware.yaml", data / "shared/hardware.yaml")
    (data / "hardware.yaml").symlink_to("shared/hardware.yaml")
    shutil.move(data / "logos/alpha.png", data / "shared/alpha.png")
    (data / "logos/alpha.png").symlink_to("../shared/alpha.png")
    bench, problems = load_benchmark(data, "toy")
    assert problems == []
    assert set(bench.hardware) == {"box", "gpu"}
    assert bench.images["alpha"][1].data == (data / "shared/alpha.png").read_bytes()


@pytest.mark.parametrize("name", ["nope", "../data", "toy/../toy", "", "/etc"])
def test_unknown_or_unsafe_benchmark_names(name: str) -> None:
    bench, problems = load_benchmark(TOY, name)
    assert bench is None
    assert "unknown benchmark" in problems[0].message
    assert "(known: toy)" in problems[0].message


def test_unusable_benchmark_file(data: Path) -> None:
    (data / BENCH).write_text("title: [unclosed\n", encoding="utf-8")
    bench, problems = load_benchmark(data, "toy")
    assert bench is None
    assert problems[-1].path == str(data / BENCH)


def test_a_huge_integer_is_a_located_problem_not_a_crash(data: Path) -> None:
    path = data / RESULTS
    edit(path, "    samples: [2.0, 2.2, 1.8]", "    value: 1" + "0" * 400)
    bench, problems = load_benchmark(data, "toy")
    line = line_of(path, "value:", first=True)
    assert f"{path}:{line}: results[0].value: a number of 401 digits is too large" in map(str, problems)
    assert len(bench.results) == 6
