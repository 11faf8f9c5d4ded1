"""The importers, each on a file its real tool writes during the test, through the command, into data that
loads and renders.

pytest-benchmark, pyperf, asv and hyperfine run here on tiny workloads; Google Benchmark (a C++ library)
is read from a real file found in a public repository and from files written to its documented format.
Every expectation is computed from the tool's file with ``json`` here, never by the importer's code.
"""

from __future__ import annotations

import contextlib
import difflib
import gzip
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from bs4 import BeautifulSoup
from sphinx.testing.util import SphinxTestApp

from sphinx_benchbench.data.loader import load_benchmark
from sphinx_benchbench.data.model import Benchmark, Result
from sphinx_benchbench.runners.cli.ingest import main
from sphinx_benchbench.runners.importers import base

from .conftest import REPO, git, html

FIXTURES = Path(__file__).parent / "importers"
#: What the tools are told (or found to be) the machine's name: it must never reach the data.
SECRET_HOST = "secret-host-42"
#: Per second, in each time unit a benchmark may be in.
PER_SECOND = {"s": 1.0, "ms": 1e3, "µs": 1e6, "us": 1e6, "ns": 1e9}


# -- helpers ------------------------------------------------------------------


def ingest(*args: object) -> tuple[int, str, str]:
    """``python -m runners.ingest ARGS`` in this process: exit status, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([str(a) for a in args])
    return status, out.getvalue(), err.getvalue()


def snapshot(root: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder under ``root``."""
    return {str(p.relative_to(root)): p.read_bytes() if p.is_file() else None for p in sorted(root.rglob("*"))}


def loaded(data: Path, name: str) -> Benchmark:
    bench, problems = load_benchmark(data, name)
    assert bench is not None and problems == [], problems
    return bench


def results(bench: Benchmark, impl: str) -> list[Result]:
    return sorted((r for r in bench.results if r.implementation == impl), key=lambda r: r.moment)


def unit_factor(bench: Benchmark) -> float:
    return PER_SECOND[bench.definition.metric.unit]


def published_text(data: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(data.rglob("*.yaml")))


def assert_private_left_out(data: Path, *secrets: str) -> None:
    text = published_text(data)
    for secret in (SECRET_HOST, sys.executable, str(Path.home()) + "/", *secrets):
        assert secret not in text, f"{secret!r} was published"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return folder


# -- the tools, run for real ----------------------------------------------------

TINY_TESTS = '''
import pytest

def work(n):
    return sum(range(n))

@pytest.mark.parametrize("n", [10, 1000])
def test_sum(benchmark, n):
    benchmark(work, n)

def test_pedantic(benchmark):
    benchmark.pedantic(work, args=(50,), rounds=7, iterations=3)
'''

TINY_CONFTEST = f'''
def pytest_benchmark_update_machine_info(config, machine_info):
    machine_info["node"] = "{SECRET_HOST}"
'''


@pytest.fixture(scope="module")
def pytest_benchmark_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    """pytest-benchmark's ``--benchmark-json`` (always with ``stats.data``) and the run it saved with
    ``--benchmark-autosave`` but without ``--benchmark-save-data`` (summary only), and the commit."""
    work = tmp_path_factory.mktemp("pytest-benchmark")
    (work / "test_tiny.py").write_text(TINY_TESTS)
    (work / "conftest.py").write_text(TINY_CONFTEST)
    (work / "pytest.ini").write_text("[pytest]\n")
    git(work, "init", "-q")
    git(work, "add", ".")
    git(work, "commit", "-qm", "tiny")
    commit = git(work, "rev-parse", "HEAD").strip()
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_tiny.py",
               "--benchmark-json=run.json", "--benchmark-autosave", f"--benchmark-storage=file://{work}/saved",
               "--benchmark-min-rounds=5", "--benchmark-max-time=0.02"]
    done = subprocess.run(command, cwd=work, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    saved = next((work / "saved").rglob("*.json"))
    return work / "run.json", saved, commit


PYPERF_SUITE = f'''
import pyperf
runner = pyperf.Runner()
runner.metadata["hostname"] = "{SECRET_HOST}"
runner.timeit("sum10", "sum(range(10))")
runner.timeit("sorted-100", "sorted(x)", setup="x = list(range(100, 0, -1))")
'''


@pytest.fixture(scope="module")
def pyperf_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A two-benchmark suite from a pyperf script: 2 worker processes, 3 values and 1 warm-up each."""
    work = tmp_path_factory.mktemp("pyperf")
    (work / "suite.py").write_text(PYPERF_SUITE)
    done = subprocess.run([sys.executable, "suite.py", "--processes", "2", "--values", "3", "--warmups", "1",
                           "--loops", "50", "-q", "-o", "suite.json"], cwd=work, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    return work / "suite.json"


ASV_CONF = {"version": 1, "project": "tiny", "project_url": "https://example.org/", "repo": ".",
            "branches": ["HEAD"], "environment_type": "existing", "benchmark_dir": "benchmarks",
            "results_dir": "results", "html_dir": "html", "env_dir": "env"}
ASV_BENCHMARKS = '''
def time_sum():
    sum(range(100))

class TimeRange:
    params = ([10, 100], ["a", "b"])
    param_names = ["n", "label"]

    def time_range(self, n, label):
        sum(range(n))

def track_answer():
    return 42
'''


@pytest.fixture(scope="module")
def asv_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, list[str]]:
    """Two ``asv run --python=same`` results: a first commit ``--record-samples``, a second one without."""
    work = tmp_path_factory.mktemp("asv")
    home = work / "home"
    home.mkdir()
    project = work / "project"
    (project / "benchmarks").mkdir(parents=True)
    (project / "asv.conf.json").write_text(json.dumps(ASV_CONF))
    (project / "benchmarks/__init__.py").write_text("")
    (project / "benchmarks/bench.py").write_text(ASV_BENCHMARKS)
    git(project, "init", "-q")
    env = {**os.environ, "HOME": str(home), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    asv = [sys.executable, "-m", "asv"]
    subprocess.run([*asv, "machine", "--yes"], cwd=project, env=env, check=True, capture_output=True, timeout=60)
    machines = json.loads((home / ".asv-machine.json").read_text())  # asv's defaults, under another name
    defaults = next(v for k, v in machines.items() if k != "version")
    machines[SECRET_HOST] = {**defaults, "machine": SECRET_HOST}
    (home / ".asv-machine.json").write_text(json.dumps(machines))
    git(project, "add", ".")
    commits, files = [], []
    for n, samples in enumerate((["--record-samples"], [])):
        git(project, "commit", "-q", "--allow-empty", "-m", f"commit {n}")
        commit = git(project, "rev-parse", "HEAD").strip()
        run = [*asv, "run", "--python=same", "--machine", SECRET_HOST, "--launch-method", "forkserver",
               "--set-commit-hash", commit, *samples, "-a", "repeat=3", "-a", "rounds=1", "-a", "number=5",
               "-a", "warmup_time=0"]
        done = subprocess.run(run, cwd=project, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        found = next((project / "results" / SECRET_HOST).glob(f"{commit[:8]}-*.json"))
        kept = work / f"run{n}" / SECRET_HOST / found.name  # as asv lays it out, beside its benchmarks.json
        kept.parent.mkdir(parents=True)
        shutil.copy(found, kept)
        shutil.copy(project / "results/benchmarks.json", kept.parent.parent)
        files.append(kept)
        commits.append(commit)
    return files[0], files[1], commits


@pytest.fixture(scope="module")
def hyperfine_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A parameter scan (``-P ms 1 2``), then a newer run of one of its commands."""
    if shutil.which("hyperfine") is None:
        pytest.skip("hyperfine is not installed (tools/ensure-hyperfine.sh installs Debian's; `make test` runs it)")
    work = tmp_path_factory.mktemp("hyperfine")
    for name, args in (("scan.json", ["-P", "ms", "1", "2", "sleep 0.0{ms}"]), ("later.json", ["sleep 0.01"])):
        done = subprocess.run(["hyperfine", "--warmup", "1", "--runs", "4", "--export-json", name, *args], cwd=work,
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
    os.utime(work / "scan.json", (1_700_000_000, 1_700_000_000))  # 2023-11-14T22:13:20Z: the later run is newer
    return work / "scan.json", work / "later.json"


def google_documented(tmp: Path, name: str = "google.json", aggregates_only: bool = False,
                      date: str = "2026-03-01T10:00:00+01:00") -> Path:
    """A file as ``src/json_reporter.cc`` writes it: three repetitions with their aggregates (mean, median,
    stddev, cv), a family with a complexity fit (BigO, RMS), a benchmark in microseconds, one that
    failed (``SkipWithError``), one that skipped itself, and a NaN counter (the reporter writes ``NaN``)."""
    def row(name: str, index: int, real: float, cpu: float, unit: str = "ns", **more: object) -> dict[str, Any]:
        return {"name": name, "family_index": 0, "per_family_instance_index": 0, "run_name": name,
                "run_type": "iteration", "repetitions": 3, "repetition_index": index, "threads": 1,
                "iterations": 1000, "real_time": real, "cpu_time": cpu, "time_unit": unit, **more}

    def aggregate(run: str, kind: str, real: float, cpu: float, unit: str = "time") -> dict[str, Any]:
        return {"name": f"{run}_{kind}", "family_index": 0, "per_family_instance_index": 0, "run_name": run,
                "run_type": "aggregate", "repetitions": 3, "threads": 1, "aggregate_name": kind,
                "aggregate_unit": unit, "iterations": 3, "real_time": real, "cpu_time": cpu, "time_unit": "ns"}

    sort = [row("BM_Sort/1024", i, real, cpu, items_per_second=float("nan"))
            for i, (real, cpu) in enumerate([(1500.5, 1480.0), (1490.25, 1470.5), (1510.75, 1495.25)])]
    sort_aggregates = [aggregate("BM_Sort/1024", "mean", 1500.5, 1481.9166), aggregate(
        "BM_Sort/1024", "median", 1500.5, 1480.0), aggregate("BM_Sort/1024", "stddev", 10.12, 12.4),
        aggregate("BM_Sort/1024", "cv", 0.0067, 0.0084, "percentage")]
    rows = sort_aggregates if aggregates_only else [
        *sort, *sort_aggregates,
        *[row("BM_Copy/64", i, real, real, "us") for i, real in enumerate([2.5, 2.25, 2.75])],
        {"name": "BM_Fail", "run_name": "BM_Fail", "run_type": "iteration", "repetitions": 1,
         "repetition_index": 0, "threads": 1, "error_occurred": True, "error_message": "out of memory",
         "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "ns"},
        {"name": "BM_Skip", "run_name": "BM_Skip", "run_type": "iteration", "repetitions": 1,
         "repetition_index": 0, "threads": 1, "skipped": True, "skip_message": "needs a GPU",
         "iterations": 0, "real_time": 0, "cpu_time": 0, "time_unit": "ns"},
        *[row(f"BM_Fit/{n}", 0, 10.0 * n, 10.0 * n) for n in (8, 64)],
        {"name": "BM_Fit_BigO", "run_name": "BM_Fit", "run_type": "aggregate", "repetitions": 1, "threads": 1,
         "aggregate_name": "BigO", "aggregate_unit": "time", "cpu_coefficient": 10.0, "real_coefficient": 10.0,
         "big_o": "N", "time_unit": "ns"},
        {"name": "BM_Fit_RMS", "run_name": "BM_Fit", "run_type": "aggregate", "repetitions": 1, "threads": 1,
         "aggregate_name": "RMS", "aggregate_unit": "percentage", "rms": 0.01},
    ]
    document = {"context": {"date": date, "host_name": SECRET_HOST,
                            "executable": "/home/alice/build/bench_sort", "num_cpus": 8, "mhz_per_cpu": 3000,
                            "cpu_scaling_enabled": False, "caches": [], "load_avg": [0.5],
                            "library_version": "v1.9.1", "library_build_type": "release", "json_schema_version": 1},
                "benchmarks": rows}
    path = tmp / name
    path.write_text(json.dumps(document, indent=2))  # json writes NaN as Google Benchmark does
    return path


# -- each tool -------------------------------------------------------------------


def test_pytest_benchmark_every_round_is_a_sample(data: Path, pytest_benchmark_files: tuple[Path, Path, str]) -> None:
    run, _, commit = pytest_benchmark_files
    document = json.loads(run.read_text())
    status, out, err = ingest("pytest-benchmark", run, "--data", data, "--benchmark", "tiny")
    assert (status, err) == (0, ""), out + err
    bench = loaded(data, "tiny")
    metric = bench.definition.metric
    assert (metric.label, metric.direction, metric.statistic) == ("Time per call", "lower", "median")
    assert "pytest-benchmark" in bench.definition.measurement.description
    factor = unit_factor(bench)
    ids = {"test_sum[10]": "test_sum-10", "test_sum[1000]": "test_sum-1000", "test_pedantic": "test_pedantic"}
    assert [(i.id, i.name) for i in bench.definition.implementations] == [
        (ids[b["name"]], b["name"]) for b in document["benchmarks"]]
    machine = document["machine_info"]
    for entry in document["benchmarks"]:
        (result,) = results(bench, ids[entry["name"]])
        assert result.status == "imported" and result.provenance.by == f"pytest-benchmark {document['version']}"
        assert result.samples == pytest.approx([v * factor for v in entry["stats"]["data"]], rel=1e-12)
        assert len(result.samples) == entry["stats"]["rounds"]
        assert result.value is None, "the value is the metric's statistic of the samples"
        assert result.recorded == document["datetime"][:19] + "Z"
        assert result.commit == commit
        assert result.software == {"python": machine["python_version"]}
        assert result.hardware.cpu == machine["cpu"]["brand_raw"]
        assert result.hardware.cpu_count == machine["cpu"]["count"]
        assert result.hardware.label == f"{machine['cpu']['brand_raw']} ({machine['cpu']['count']} CPUs)"
        assert f"all {entry['stats']['rounds']} samples" in result.provenance.note
    assert len(results(bench, "test_pedantic")[0].samples) == 7, "pedantic: 7 rounds of 3 iterations"
    assert_private_left_out(data, str(run.parent))


def test_pytest_benchmark_saved_without_data_records_its_median(
        data: Path, pytest_benchmark_files: tuple[Path, Path, str]) -> None:
    run, saved, _ = pytest_benchmark_files
    document = json.loads(saved.read_text())
    assert all("data" not in b["stats"] for b in document["benchmarks"]), "autosave without --benchmark-save-data"
    status, out, err = ingest("pytest-benchmark", saved, "--data", data, "--benchmark", "tiny", "--unit", "us")
    assert status == 0, err
    bench = loaded(data, "tiny")
    assert bench.definition.metric.unit == "µs"
    for entry in document["benchmarks"]:
        (result,) = results(bench, re.sub(r"[\[\]]+", "-", entry["name"]).strip("-"))
        assert result.samples == [], "no samples are invented"
        assert result.value == pytest.approx(entry["stats"]["median"] * 1e6, rel=1e-12)
        assert "no raw samples: the value is pytest-benchmark's reported median" in result.provenance.note
    before = snapshot(data)
    status, out, _ = ingest("pytest-benchmark", run, "--data", data, "--benchmark", "tiny")
    assert status == 0 and out.count("already imported") == 3, "the same run, saved with its data"
    assert snapshot(data) == before


def test_pyperf_values_of_all_runs_without_warmups(data: Path, pyperf_file: Path, tmp_path: Path) -> None:
    document = json.loads(pyperf_file.read_text())
    zipped = tmp_path / "suite.json.gz"
    zipped.write_bytes(gzip.compress(pyperf_file.read_bytes()))
    status, _, err = ingest("pyperf", zipped, "--data", data, "--benchmark", "perf")
    assert status == 0, err
    bench = loaded(data, "perf")
    factor = unit_factor(bench)
    suite = document["metadata"]
    for entry in document["benchmarks"]:
        name = entry.get("metadata", {}).get("name") or suite["name"]
        values = [v for run in entry["runs"] for v in run.get("values", [])]
        assert len(values) == 6, "2 processes x 3 values; the warm-ups are not samples"
        (result,) = results(bench, name)
        assert result.samples == pytest.approx([v * factor for v in values], rel=1e-12)
        assert result.provenance.by == f"pyperf {suite['perf_version']}"
        assert result.software == {"python": suite["python_version"].split()[0]}
        assert (result.hardware.cpu, result.hardware.cpu_count) == (suite["cpu_model_name"], suite["cpu_count"])
        assert result.platform == suite["platform"]
        dates = [run["metadata"]["date"] for run in entry["runs"] if "date" in run.get("metadata", {})]
        assert result.recorded == max(dates)[:19].replace(" ", "T"), "local time, as pyperf wrote it"
        assert "local time of the measuring machine" in result.provenance.note
    assert_private_left_out(data, suite["python_executable"], str(pyperf_file.parent))


def test_asv_each_parameter_combination_samples_then_history(
        data: Path, asv_files: tuple[Path, Path, list[str]], tmp_path: Path) -> None:
    first, second, commits = asv_files
    status, out, err = ingest("asv", first, "--data", data, "--benchmark", "asv-tiny")
    assert status == 0, err
    assert "skipped: bench.track_answer: not a time (track benchmark" in out
    bench = loaded(data, "asv-tiny")
    factor = unit_factor(bench)
    document = json.loads(first.read_text(), parse_constant=lambda c: None)
    columns = document["result_columns"]
    combos = {"bench.TimeRange.time_range-10-a": 0, "bench.TimeRange.time_range-10-b": 1,
              "bench.TimeRange.time_range-100-a": 2, "bench.TimeRange.time_range-100-b": 3}
    row = dict(zip(columns, document["results"]["bench.TimeRange.time_range"], strict=False))
    names = {i.id: i.name for i in bench.definition.implementations}
    assert names["bench.timerange.time_range-100-a"] == "bench.TimeRange.time_range(n=100, label='a')"
    for key, index in combos.items():
        (result,) = results(bench, key.lower())
        assert result.samples == pytest.approx([s * factor for s in row["samples"][index]], rel=1e-12)
        assert len(result.samples) == 3
        assert result.commit == commits[0]
        assert result.recorded.endswith("Z")
    machine = document["params"]
    result = results(bench, "bench.time_sum")[0]
    assert result.hardware.cpu == machine["cpu"] and result.hardware.cpu_count == int(machine["num_cpu"])
    assert result.hardware.memory_gb == pytest.approx(int(machine["ram"]) / 2**30, abs=0.6)
    assert "python" not in result.software, "the 'python' of an existing environment is a path"
    assert result.platform == machine["os"]

    status, out, err = ingest("asv", second, "--data", data, "--benchmark", "asv-tiny")
    assert status == 0, err
    bench = loaded(data, "asv-tiny")
    later = json.loads(second.read_text(), parse_constant=lambda c: None)
    later_row = dict(zip(later["result_columns"], later["results"]["bench.time_sum"], strict=False))
    history = {r.commit: r for r in results(bench, "bench.time_sum")}  # both may have started in one second
    assert len(results(bench, "bench.time_sum")) == 2 and set(history) == set(commits), "the newer commit adds history"
    newer = history[commits[1]]
    assert newer.samples == [] and newer.value == pytest.approx(later_row["result"][0] * factor)
    assert "median of its repeats" in newer.provenance.note

    alone = tmp_path / "copy" / first.name  # without benchmarks.json beside: asv's naming rule decides
    alone.parent.mkdir()
    shutil.copy(first, alone)
    status, out, _ = ingest("asv", alone, "--data", data, "--benchmark", "asv-tiny")
    assert status == 0 and out.count("already imported") == 5, "same ids and fingerprints, without param names"
    assert "not named as an asv time benchmark" in out
    assert_private_left_out(data, str(first.parent), document["env_name"].removeprefix("existing-"))


def test_hyperfine_scan_and_a_newer_run(data: Path, hyperfine_files: tuple[Path, Path]) -> None:
    scan, later = hyperfine_files
    document = json.loads(scan.read_text())
    status, _, err = ingest("hyperfine", scan, "--data", data, "--benchmark", "sleep")
    assert status == 0, err
    bench = loaded(data, "sleep")
    assert bench.definition.metric.unit == "ms" and bench.definition.metric.label == "Time per run"
    for entry in document["results"]:
        ms = entry["parameters"]["ms"]
        impl = f"sleep-0.0{ms}-ms-{ms}"
        assert bench.implementation(impl).name == f"{entry['command']} (ms={ms})"
        (result,) = results(bench, impl)
        assert result.samples == pytest.approx([t * 1e3 for t in entry["times"]], rel=1e-12)
        assert result.recorded == "2023-11-14T22:13:20Z" and "modification time" in result.provenance.note
        assert result.hardware is None and result.provenance.by == "hyperfine"
    status, _, err = ingest("hyperfine", later, "--data", data, "--benchmark", "sleep",
                              "--map", "sleep 0.01=sleep-0.01-ms-1")
    assert status == 0, err
    history = results(loaded(data, "sleep"), "sleep-0.01-ms-1")
    assert len(history) == 2
    assert history[1].samples == pytest.approx([t * 1e3 for t in json.loads(later.read_text())["results"][0]["times"]])


def test_google_benchmark_real_file_from_a_public_repository(data: Path) -> None:
    """``test/data/extract/googlecpp_output.json`` of github.com/benchmark-action/github-action-benchmark
    (commit e7d61db8bb1071dd4a68d8052168389e4f0b5806): a real Google Benchmark JSON output, copied as it is."""
    source = FIXTURES / "googlecpp_output.json"
    document = json.loads(source.read_text())
    status, _, err = ingest("google-benchmark", source, "--data", data, "--benchmark", "fib")
    assert status == 0, err
    bench = loaded(data, "fib")
    assert bench.definition.metric.unit == "ns" and bench.definition.metric.label == "Time per iteration"
    for row in document["benchmarks"]:
        (result,) = results(bench, row["name"])
        assert result.samples == [row["real_time"]], "one iteration row: one sample, its real time in ns"
        assert result.recorded == "2019-11-29T21:26:59", "local time without a zone, kept as written"
        assert result.hardware.cpu_count == 4 and result.hardware.label == "Unknown CPU (4 CPUs)"
        assert result.hardware.notes == "2700 MHz per CPU"
    assert_private_left_out(data, document["context"]["host_name"], document["context"]["executable"])


def test_google_benchmark_repetitions_aggregates_and_errors(data: Path, tmp_path: Path) -> None:
    source = google_documented(tmp_path)
    document = json.loads(source.read_text())
    status, out, err = ingest("google-benchmark", source, "--data", data, "--benchmark", "gbench")
    assert status == 1, "a benchmark that reported an error is refused, and says so"
    assert "refused: BM_Fail: the benchmark reported an error: out of memory" in out
    assert "skipped: BM_Skip: the benchmark skipped itself: needs a GPU" in out
    bench = loaded(data, "gbench")
    assert sorted(i.id for i in bench.definition.implementations) == [
        "bm_copy-64", "bm_fit-64", "bm_fit-8", "bm_sort-1024"], "no aggregate, BigO or RMS row is a case"
    factor = unit_factor(bench)
    rows = document["benchmarks"]
    sort = [r for r in rows if r["run_name"] == "BM_Sort/1024" and r["run_type"] == "iteration"]
    (result,) = results(bench, "bm_sort-1024")
    assert result.samples == pytest.approx([r["real_time"] / 1e9 * factor for r in sort], rel=1e-12)
    copy = [r["real_time"] for r in rows if r["run_name"] == "BM_Copy/64"]
    assert results(bench, "bm_copy-64")[0].samples == pytest.approx([t / 1e6 * factor for t in copy], rel=1e-12)
    assert result.recorded == "2026-03-01T09:00:00Z", "its offset, converted to UTC"
    assert result.provenance.by == "Google Benchmark v1.9.1"
    assert_private_left_out(data, "/home/alice", "bench_sort")

    cpu = tmp_path / "cpu"
    cpu.mkdir()
    status, _, _ = ingest("google-benchmark", source, "--data", cpu, "--benchmark", "gbench", "--time", "cpu",
                          "--select", "Sort", "--unit", "ns")
    assert status == 0
    assert results(loaded(cpu, "gbench"), "bm_sort-1024")[0].samples == [r["cpu_time"] for r in sort]

    same_run = google_documented(tmp_path, "aggregates.json", aggregates_only=True)
    status, out, err = ingest("google-benchmark", same_run, "--data", data, "--benchmark", "gbench")
    assert (status, out) == (0, "already imported: BM_Sort/1024: as bm_sort-1024, recorded 2026-03-01T09:00:00Z\n"), \
        "the same run reported with aggregates only: its median is the samples' median"
    summary = google_documented(tmp_path, "later.json", aggregates_only=True, date="2026-03-02T10:00:00+01:00")
    status, out, err = ingest("google-benchmark", summary, "--data", data, "--benchmark", "gbench")
    assert status == 0, err
    history = results(loaded(data, "gbench"), "bm_sort-1024")
    assert len(history) == 2, "a later run adds history"
    median = next(r for r in json.loads(summary.read_text())["benchmarks"] if r["aggregate_name"] == "median")
    assert [r.value for r in history] == [None, pytest.approx(median["real_time"] / 1e9 * factor, rel=1e-12)]
    assert "reported median" in history[1].provenance.note


# -- again, history, choices ---------------------------------------------------------


def test_the_same_file_again_adds_nothing(data: Path, pytest_benchmark_files: tuple[Path, Path, str],
                                          hyperfine_files: tuple[Path, Path], tmp_path: Path) -> None:
    run, _, _ = pytest_benchmark_files
    scan, _ = hyperfine_files
    assert ingest("pytest-benchmark", run, "--data", data, "--benchmark", "tiny")[0] == 0
    assert ingest("hyperfine", scan, "--data", data, "--benchmark", "sleep")[0] == 0
    before = snapshot(data)
    status, out, err = ingest("pytest-benchmark", run, "--data", data, "--benchmark", "tiny")
    assert (status, err) == (0, "")
    when = json.loads(run.read_text())["datetime"][:19] + "Z"
    assert out.splitlines() == [f"already imported: {n}: as {i}, recorded {when}"
                                for n, i in (("test_sum[10]", "test_sum-10"), ("test_sum[1000]", "test_sum-1000"),
                                             ("test_pedantic", "test_pedantic"))]
    copied = tmp_path / "copied.json"  # another name and modification time: the same run
    copied.write_bytes(scan.read_bytes())
    status, out, _ = ingest("hyperfine", copied, "--data", data, "--benchmark", "sleep", "--date", "2024-05-01")
    assert status == 0 and out.count("already imported") == 2
    status, out, _ = ingest("pytest-benchmark", run, "--data", data, "--benchmark", "tiny",
                            "--map", "test_sum[10]=ten")
    assert status == 0 and "already imported: test_sum[10]: as test_sum-10" in out, "a new id is the same case"
    assert snapshot(data) == before


def test_map_select_and_date(data: Path, pytest_benchmark_files: tuple[Path, Path, str],
                             hyperfine_files: tuple[Path, Path]) -> None:
    run, _, _ = pytest_benchmark_files
    status, out, err = ingest("pytest-benchmark", run, "--data", data, "--benchmark", "tiny", "--select", r"sum\[",
                              "--map", "test_sum[10]=sum-ten", "--map", "test_sum-1000=sum-thousand", "--dry-run")
    assert status == 0 and out.startswith("would import: test_sum[10] -> sum-ten: ") and "pedantic" not in out
    assert snapshot(data) == {}, "a dry run writes nothing"
    ingest("pytest-benchmark", run, "--data", data, "--benchmark", "tiny", "--select", r"sum\[",
           "--map", "test_sum[10]=sum-ten", "--map", "test_sum-1000=sum-thousand")
    bench = loaded(data, "tiny")
    assert [(i.id, i.name) for i in bench.definition.implementations] == [
        ("sum-ten", "test_sum[10]"), ("sum-thousand", "test_sum[1000]")]
    scan, _ = hyperfine_files
    ingest("hyperfine", scan, "--data", data, "--benchmark", "sleep", "--date", "2024-05-01T12:00:00+02:00")
    assert {r.recorded for r in loaded(data, "sleep").results} == {"2024-05-01T10:00:00Z"}
    for args, message in [
        (["--map", "nothing=x"], "--map 'nothing': no selected case has that name"),
        (["--map", "test_pedantic=Bad Id"], "--map takes NAME=ID with an implementation id"),
        (["--map", "test_pedantic=same", "--map", "test_sum[10]=same"], "would both be implementation 'same'"),
        (["--select", "nomatch"], "no case of the file matches --select"),
        (["--select", "("], "is not a regular expression"),
        (["--date", "yesterday"], "--date 'yesterday' is not a date"),
    ]:
        before = snapshot(data)
        status, out, err = ingest("pytest-benchmark", run, "--data", data, "--benchmark", "tiny", *args)
        assert (status, out) == (1, "") and message in err and err.count("\n") == 1, (args, err)
        assert snapshot(data) == before


HAND_WRITTEN = """\
# Written by hand: every byte of it stays.
schema: 1
title: Sleep, in milliseconds
metric: {label: Time, unit: ms, direction: lower, decimals: 2}
measurement:
  description: How long a sleep takes.
implementations:
    - id: by-hand
      name: By hand   # the last entry, with a comment
      notes:
        - >-
          Folded text
          over two lines.
display:
  baseline: by-hand
"""


@pytest.mark.parametrize("layout", ["block", "crlf", "empty-flow"])
def test_an_existing_benchmark_is_only_appended_to_in_its_unit(
        data: Path, hyperfine_files: tuple[Path, Path], layout: str) -> None:
    scan, _ = hyperfine_files
    folder = data / "sleep"
    folder.mkdir()
    text = {"block": HAND_WRITTEN, "crlf": HAND_WRITTEN.replace("\n", "\r\n"),
            "empty-flow": HAND_WRITTEN.split("implementations:")[0] + "implementations: []\n"}[layout]
    (folder / "benchmark.yaml").write_bytes(text.encode())
    loaded(data, "sleep")
    status, _, err = ingest("hyperfine", scan, "--data", data, "--benchmark", "sleep")
    assert status == 0, err
    new = (folder / "benchmark.yaml").read_bytes().decode()
    if layout != "empty-flow":
        end = "\r\n" if layout == "crlf" else "\n"
        lines, new_lines = text.split(end), new.split(end)
        changes = {op for op, *_ in difflib.SequenceMatcher(None, lines, new_lines).get_opcodes()}
        assert changes == {"equal", "insert"}, "lines are only added"
        assert layout != "crlf" or new.count("\n") == new.count("\r\n"), "in the file's own line ends"
        assert new.index("- id: sleep-0.01-ms-1") > new.index("over two lines.") and new.endswith(
            f"display:{end}  baseline: by-hand{end}")
        assert f"{end}    - id: sleep-0.02-ms-2{end}      name: sleep 0.02 (ms=2){end}" in new, \
            "at the entries' indentation"
    bench = loaded(data, "sleep")
    assert [i.id for i in bench.definition.implementations][-2:] == ["sleep-0.01-ms-1", "sleep-0.02-ms-2"]
    assert bench.definition.metric.unit == "ms" and bench.definition.title == "Sleep, in milliseconds"
    for entry in json.loads(scan.read_text())["results"]:
        ms = entry["parameters"]["ms"]
        assert results(bench, f"sleep-0.0{ms}-ms-{ms}")[0].samples == pytest.approx(
            [t * 1000 for t in entry["times"]], rel=1e-12), "seconds converted to the metric's ms"


def test_a_metric_that_is_not_a_time_is_refused(data: Path, hyperfine_files: tuple[Path, Path]) -> None:
    (data / "speed").mkdir()
    (data / "speed/benchmark.yaml").write_text(HAND_WRITTEN.replace("unit: ms, direction: lower",
                                                                     "unit: img/s, direction: higher"))
    before = snapshot(data)
    status, _, err = ingest("hyperfine", hyperfine_files[0], "--data", data, "--benchmark", "speed")
    assert status == 1 and "is not a time where lower is better" in err
    assert snapshot(data) == before


# -- bad input -----------------------------------------------------------------------


def _pytest_benchmark_variants(good: bytes) -> dict[str, bytes]:
    doc = json.loads(good)
    rest = doc["benchmarks"][0]["stats"]["data"][1:]

    def changed(**stats: object) -> bytes:
        copy = json.loads(good)
        copy["benchmarks"][0]["stats"].update(stats)
        return json.dumps(copy).encode()

    return {
        # Cut where a value has just ended, so the parser always wants a ',' next (half the file
        # fell inside or after a number or key as the timings written by the run varied).
        "truncated": good[: good.index(b'"version"')].rstrip().rstrip(b","),
        "not JSON": b"<html><body>Not found</body></html>",
        "empty": b"",
        # Through the structure, not a text replace: data[0]'s digits can also occur earlier in the file
        # (inside another number, or as stats.min), and the replace then hit the wrong value.
        "NaN as a sample": changed(data=[float("nan"), *rest]),
        "Infinity as a median": changed(data=None, median=float("inf")),
        "a negative time": changed(data=[-1.0, 2.0]),
        "a text for a time": changed(data=["fast"]),
        "a duplicate key": b'{"benchmarks": [], "benchmarks": [{"name": "x"}]}',
        "nested too deep": b"[" * 100_000,
        "not UTF-8": b'{"benchmarks": [{"name": "\xff"}]}',
        "a list at the top": b"[1, 2, 3]",
        "no stats": b'{"benchmarks": [{"name": "x"}]}',
        "a 5000-digit number": b'{"benchmarks": [{"name": "x", "stats": {"median": 1' + b"0" * 5000 + b"}}]}",
        "a huge number": b'{"benchmarks": [{"name": "x", "stats": {"median": 1e400}}]}',
        "a name that is not text": b'{"benchmarks": [{"name": {"$ref": "/etc/passwd"}, "stats": {"median": 1}}]}',
    }


OTHER_BROKEN = {
    "pyperf": [b'{"version": "0.1", "benchmarks": []}', b'{"version": "1.0", "benchmarks": [{"runs": 3}]}',
               b'{"version": "1.0", "benchmarks": [{"metadata": {"name": "x"}, "runs": [{"values": [NaN]}]}]}'],
    "asv": [b'{"version": 3, "results": {}}', b'{"version": 2, "result_columns": ["result"], "results": {"b.time_x":'
            b' [[1.0, 2.0]]}}', b'{"version": 2, "result_columns": ["result", "params"], "results": {"b.time_x":'
            b' [[1.0], [["1", "2"]]]}}'],
    "hyperfine": [b'{"results": {"command": "x"}}', b'{"results": [{"command": "x", "times": [1, -2]}]}',
                  b'{"results": [{"times": [1]}]}'],
    "google-benchmark": [b'{"benchmarks": [{"name": "x", "run_type": "iteration", "real_time": 1, '
                         b'"time_unit": "fortnights"}]}', b'{"benchmarks": [{"name": "x", "real_time": "1"}]}',
                         b'{"context": [], "benchmarks": []}'],
}


def _broken_cases() -> list[tuple[str, str, bytes | None]]:
    cases: list[tuple[str, str, bytes | None]] = [("pytest-benchmark", name, None) for name in (
        "truncated", "not JSON", "empty", "NaN as a sample", "Infinity as a median", "a negative time",
        "a text for a time", "a duplicate key", "nested too deep", "not UTF-8", "a list at the top", "no stats",
        "a 5000-digit number", "a huge number", "a name that is not text")]
    for fmt, contents in OTHER_BROKEN.items():
        cases += [(fmt, f"{fmt} #{n}", content) for n, content in enumerate(contents)]
    return cases


#: What each broken file is refused with, after ``error: FILE: ``: the reason, not only that there is one.
BROKEN_SAYS = {
    'truncated': "not valid JSON: Expecting ',' delimiter (the file ends too early)",
    'not JSON': 'not valid JSON: Expecting value (line 1 column 1)',
    'empty': 'not valid JSON: Expecting value (the file ends too early)',
    'NaN as a sample': "case 'test_sum[10]': stats.data[0]: expected a number, got NaN or Infinity",
    'Infinity as a median': "case 'test_sum[10]': stats.median: expected a number, got NaN or Infinity",
    'a negative time': "case 'test_sum[10]': stats.data[0]: expected a time (zero or more), got -1.0",
    'a text for a time': "case 'test_sum[10]': stats.data[0]: expected a number, got the text 'fast'",
    'a duplicate key': "not valid JSON here: key 'benchmarks' is given twice in one object",
    'nested too deep': 'lists and objects nested too deep',
    'not UTF-8': 'not UTF-8 (byte 0xff at offset 26)',
    'a list at the top': 'the file: expected an object, got a list',
    'no stats': "case 'x': stats: expected an object, got nothing (null)",
    'a 5000-digit number': 'not valid JSON here: a number with thousands of digits',
    'a huge number': "case 'x': stats.median: expected a finite number, got inf",
    'a name that is not text': 'benchmarks[0].name: expected a non-empty text, got a mapping',
    'pyperf #0': "pyperf file format version '0.1' is not supported (known: 5, 6, 1.0)",
    'pyperf #1': 'runs: expected a list, got the number 3',
    'pyperf #2': "case 'x': runs[0].values[0]: expected a number, got NaN or Infinity",
    'asv #0': "not an asv results file of format version 1 or 2 (asv 0.4 and before, 0.5 and later); version '3'",
    'asv #1': "case 'b.time_x': 2 results for 1 parameter combinations",
    'asv #2': "case 'b.time_x': 1 results for 2 parameter combinations",
    'hyperfine #0': 'results: expected a list, got a mapping',
    'hyperfine #1': "case 'x': times[1]: expected a time (zero or more), got -2",
    'hyperfine #2': 'results[0].command: expected a non-empty text, got nothing (null)',
    'google-benchmark #0': "case 'x': unknown time_unit 'fortnights'",
    'google-benchmark #1': "case 'x': real_time: expected a number, got the text '1'",
    'google-benchmark #2': 'the file holds no benchmark run',
}


@pytest.mark.parametrize(("fmt", "what", "content"), _broken_cases(), ids=lambda v: v if isinstance(v, str) else "")
def test_a_broken_or_hostile_file_is_one_line_and_changes_nothing(
        data: Path, tmp_path: Path, pytest_benchmark_files: tuple[Path, Path, str], fmt: str, what: str,
        content: bytes | None) -> None:
    """Each broken or hostile file is refused in one line that says what is wrong with it, and the data
    folder (with an earlier import in it) stays byte for byte as it was."""
    run, _, _ = pytest_benchmark_files
    assert ingest("pytest-benchmark", run, "--data", data, "--benchmark", "tiny")[0] == 0
    if content is None:
        content = _pytest_benchmark_variants(run.read_bytes())[what]
    bad = tmp_path / "bad.json"
    bad.write_bytes(content)
    before = snapshot(data)
    status, out, err = ingest(fmt, bad, "--data", data, "--benchmark", "tiny")
    assert (status, out) == (1, ""), err
    assert err == f"error: {bad}: {BROKEN_SAYS[what]}\n"
    assert "Traceback" not in err
    assert snapshot(data) == before, "the data folder is byte for byte as it was"


def test_file_size_is_limited_also_when_compressed(data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   pytest_benchmark_files: tuple[Path, Path, str]) -> None:
    run, _, _ = pytest_benchmark_files
    monkeypatch.setattr(base, "MAX_FILE_BYTES", len(run.read_bytes()) - 1)
    bomb = tmp_path / "bomb.json.gz"
    bomb.write_bytes(gzip.compress(run.read_bytes()))
    for path in (run, bomb):
        status, _, err = ingest("pytest-benchmark", path, "--data", data, "--benchmark", "tiny")
        assert status == 1 and "MiB, the limit for an imported file" in err
    assert snapshot(data) == {}


def test_the_file_itself_must_be_a_readable_file(data: Path, tmp_path: Path) -> None:
    for path, message in ((tmp_path, "is a folder, not a file"), (tmp_path / "missing.json", "cannot read it"),
                          (Path("/dev/zero"), "is not a regular file")):
        status, out, err = ingest("pyperf", path, "--data", data, "--benchmark", "x")
        assert (status, out) == (1, "") and err.startswith(f"error: {path}: {message}") and err.count("\n") == 1
    assert snapshot(data) == {}


def test_too_many_samples_for_one_result_keep_their_statistic(
        data: Path, monkeypatch: pytest.MonkeyPatch, pytest_benchmark_files: tuple[Path, Path, str]) -> None:
    from sphinx_benchbench.runners.importers import plan

    monkeypatch.setattr(plan, "MAX_SAMPLES", 5)
    run, _, _ = pytest_benchmark_files
    assert ingest("pytest-benchmark", run, "--data", data, "--benchmark", "tiny", "--unit", "ns")[0] == 0
    bench = loaded(data, "tiny")
    entry = json.loads(run.read_text())["benchmarks"][0]
    (result,) = results(bench, "test_sum-10")
    assert result.samples == [] and result.value == pytest.approx(statistics.median(entry["stats"]["data"]) * 1e9)
    assert f"median of its {len(entry['stats']['data'])} samples (more than the 5 a result keeps" in \
        result.provenance.note


@pytest.mark.parametrize("name", ["../escape", "Bad", "a/b", "", ".hidden", "x\n"])
def test_a_benchmark_name_that_is_not_an_id_is_refused(tmp_path: Path, data: Path, name: str,
                                                       hyperfine_files: tuple[Path, Path]) -> None:
    before = snapshot(tmp_path)
    status, _, err = ingest("hyperfine", hyperfine_files[0], "--data", data, "--benchmark", name)
    assert status == 1 and "is not a benchmark id" in err
    assert snapshot(tmp_path) == before


def test_nothing_is_written_outside_the_data_folder(tmp_path: Path, data: Path,
                                                    hyperfine_files: tuple[Path, Path]) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (data / "linked").symlink_to(outside)
    (data / "file-linked").mkdir()
    (outside / "benchmark.yaml").write_text(HAND_WRITTEN)
    (data / "file-linked/benchmark.yaml").symlink_to(outside / "benchmark.yaml")
    before = snapshot(tmp_path)
    for name in ("linked", "file-linked"):
        status, _, err = ingest("hyperfine", hyperfine_files[0], "--data", data, "--benchmark", name)
        assert status == 1 and "outside the data folder" in err
    assert snapshot(tmp_path) == before
    status, _, err = ingest("hyperfine", hyperfine_files[0], "--data", tmp_path / "missing", "--benchmark", "x")
    assert status == 1 and "does not exist" in err


def test_a_failure_while_writing_undoes_the_import(data: Path, monkeypatch: pytest.MonkeyPatch,
                                                   pytest_benchmark_files: tuple[Path, Path, str],
                                                   hyperfine_files: tuple[Path, Path]) -> None:
    from sphinx_benchbench.runners import record
    from sphinx_benchbench.runners.importers import write

    assert ingest("hyperfine", hyperfine_files[0], "--data", data, "--benchmark", "sleep")[0] == 0
    before = snapshot(data)
    calls = []

    def full_disk_on_the_second(*args: Any, **kwargs: Any) -> Path:
        calls.append(args)
        if len(calls) == 2:
            raise record.RecordError("the disk is full")
        return record.record(*args, **kwargs)

    with monkeypatch.context() as patch:  # a new benchmark: its first result is published, the second fails
        patch.setattr(write, "record", full_disk_on_the_second)
        status, _, err = ingest("pytest-benchmark", pytest_benchmark_files[0], "--data", data, "--benchmark", "new")
    assert status == 1 and "could not write the data: the disk is full" in err and len(calls) == 2
    assert snapshot(data) == before, "no folder, definition or result left"

    def not_loading(*args: Any) -> None:
        raise write.ImportFailure("the imported data would not load cleanly: (simulated)")

    with monkeypatch.context() as patch:  # an existing one: appended and recorded, then the check fails
        patch.setattr(write, "_verify", not_loading)
        status, _, err = ingest("hyperfine", hyperfine_files[1], "--data", data, "--benchmark", "sleep",
                                "--map", "sleep 0.01=second")
    assert status == 1 and "would not load cleanly" in err
    assert snapshot(data) == before, "benchmark.yaml's bytes restored, the new result removed"


def test_hostile_names_are_published_without_paths_or_control_characters(
        data: Path, tmp_path: Path, hyperfine_files: tuple[Path, Path]) -> None:
    document = json.loads(hyperfine_files[0].read_text())
    document["results"][0]["command"] = "cat /home/alice/secret.txt \x1b[31m<script>alert(1)</script>\u2028x"
    document["results"][1]["command"] = "x" * 5000
    hostile = tmp_path / "hostile.json"
    hostile.write_text(json.dumps(document))
    status, _, err = ingest("hyperfine", hostile, "--data", data, "--benchmark", "hostile")
    assert status == 0, err
    bench = loaded(data, "hostile")
    names = [i.name for i in bench.definition.implementations]
    assert names[0] == "cat ~/secret.txt [31m<script>alert(1)</script> x (ms=1)"
    assert len(names[1]) < 250 and len(bench.definition.implementations[1].id) <= 64
    assert "/home/alice" not in published_text(data)


# -- the commands and the page -----------------------------------------------------


def test_both_commands_run(tmp_path: Path, data: Path) -> None:
    source = FIXTURES / "googlecpp_output.json"
    shim = subprocess.run([sys.executable, "-m", "runners.ingest", "--help"], cwd=REPO, capture_output=True,
                          text=True, timeout=60)
    assert shim.returncode == 0 and "pytest-benchmark, asv, pyperf, hyperfine, google-benchmark" in shim.stdout
    real = subprocess.run([sys.executable, "-m", "sphinx_benchbench.runners.cli.ingest", "google-benchmark",
                           str(source), "--data", str(data), "--benchmark", "fib"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=60)
    assert real.returncode == 0, real.stderr
    assert real.stdout.startswith("imported: fib_10 -> fib_10: 215.0 ns (median of 1 sample) -> ")
    loaded(data, "fib")


def rows(table: BeautifulSoup) -> dict[str, str]:
    """Implementation label -> the value cell, as the page shows them (Sphinx's smart quotes undone: asv's
    parameter values are reprs, 'a', which the page shows with curly quotes)."""
    out = {}
    for tr in table.select("tbody tr"):
        cells = [" ".join(td.get_text(" ").split()) for td in tr.find_all("td")]
        out[re.sub("[\u2018\u2019]", "'", cells[1])] = cells[2]
    return out


def test_the_imported_data_renders(make_app: Callable[..., SphinxTestApp], tmp_path: Path,
                                   pytest_benchmark_files: tuple[Path, Path, str], pyperf_file: Path,
                                   asv_files: tuple[Path, Path, list[str]],
                                   hyperfine_files: tuple[Path, Path]) -> None:
    src = tmp_path / "site"
    data = src / "data"
    data.mkdir(parents=True)
    imports = [("pytest-benchmark", pytest_benchmark_files[0], "tiny", []), ("pyperf", pyperf_file, "perf", []),
               ("asv", asv_files[0], "asv-tiny", []), ("hyperfine", hyperfine_files[0], "sleep", []),
               ("hyperfine", hyperfine_files[1], "sleep", ["--map", "sleep 0.01=sleep-0.01-ms-1"]),
               ("google-benchmark", FIXTURES / "googlecpp_output.json", "fib", [])]
    for fmt, path, name, more in imports:
        assert ingest(fmt, path, "--data", data, "--benchmark", name, *more)[0] == 0
    names = sorted({name for _, _, name, _ in imports})
    (src / "conf.py").write_text('extensions = ["sphinx_benchbench"]\nbenchbench_data_dir = "data"\n'
                                 'show_warning_types = True\nexclude_patterns = ["_build", "data"]\n')
    (src / "index.rst").write_text("Imported\n========\n\n" + "".join(
        f"{n}\n{'-' * len(n)}\n\n.. benchmark-table:: {n}\n\n" for n in names))
    app = make_app("html", srcdir=src)
    app.build()
    warnings = [w for w in app.warning.getvalue().splitlines() if "benchbench.stale" not in w]
    assert warnings == []
    page = html(app.outdir / "index.html")
    sections = {s["id"]: s for s in page.select("section section")}

    def expect(name: str) -> dict[str, str]:
        """What each row must show, from the tool's own files read here."""
        bench = loaded(data, name)
        metric = bench.definition.metric
        out = {}
        for impl in bench.definition.implementations:
            latest = results(bench, impl.id)[-1]
            value = statistics.median(latest.samples) if latest.samples else latest.value
            shown = f"{value:.{metric.decimals}f}"
            out[impl.name] = shown + (f" (n={len(latest.samples)})" if len(latest.samples) > 1 else "")
        return out

    run = json.loads(pytest_benchmark_files[0].read_text())
    tiny = loaded(data, "tiny")
    factor, decimals = unit_factor(tiny), tiny.definition.metric.decimals
    from_file = {b["name"]: f"{statistics.median(b['stats']['data']) * factor:.{decimals}f}" for b in run["benchmarks"]}
    for name in names:
        table = rows(sections[name].select_one("table.bb-table"))
        expected = expect(name)
        assert set(table) == set(expected), name
        for label, cell in table.items():
            value, _, n = expected[label].partition(" ")
            assert cell.startswith(value) and cell.endswith(n), (name, label, cell, expected[label])
        if name == "tiny":
            assert {label: cell.split()[0] for label, cell in table.items()} == from_file
    hyperfine_later = json.loads(hyperfine_files[1].read_text())["results"][0]["times"]
    sleep = rows(sections["sleep"].select_one("table.bb-table"))
    shown = f"{statistics.median(hyperfine_later) * 1e3:.{loaded(data, 'sleep').definition.metric.decimals}f}"
    assert sleep["sleep 0.01 (ms=1)"].startswith(shown), "the table shows the newest result"
    assert "over time" in sections["sleep"].get_text(), "and the history chart both"
    assert SECRET_HOST not in (app.outdir / "index.html").read_text(encoding="utf-8")


# -- files in each tool's documented shape that cannot, or can only partly, be imported -----------------------

WHOLLY_REFUSED = [
    ("hyperfine", {"command": "x"}, "not a hyperfine file: it has no 'results'"),
    ("hyperfine", {"results": []}, "the file holds no result"),
    ("hyperfine", {"results": [{"command": "x"}]}, "case 'x': neither times nor a median or mean"),
    ("google-benchmark", {"context": {}}, "not a Google Benchmark file: it has no 'benchmarks'"),
    ("google-benchmark", {"benchmarks": [{"name": "x", "run_type": "weird", "real_time": 1, "time_unit": "ns"}]},
     "case 'x': unknown run_type 'weird'"),
    ("pyperf", {"version": "1.0", "benchmarks": [{"metadata": {"name": "cal"}, "runs": [{"warmups": [[1, 0.1]]}]}]},
     "nothing to import: cal: no values: the file has calibration runs only"),
    ("pyperf", {"version": "1.0", "benchmarks": []}, "the file holds no benchmark"),
    ("pytest-benchmark", {"machine_info": {}}, "not a pytest-benchmark file: it has no 'benchmarks'"),
    ("pytest-benchmark", {"benchmarks": [{"name": "x", "stats": {"min": 1}}]},
     "case 'x': stats has neither data nor a median or mean"),
    ("asv", {"version": 2, "result_columns": ["result"], "results": {}}, "the file holds no result"),
]


@pytest.mark.parametrize(("fmt", "document", "message"), WHOLLY_REFUSED,
                         ids=[f"{fmt}-{n}" for n, (fmt, _, _) in enumerate(WHOLLY_REFUSED)])
def test_a_file_with_nothing_to_import_says_why_in_one_line(data: Path, tmp_path: Path, fmt: str,
                                                            document: dict[str, Any], message: str) -> None:
    """Files in the tool's shape but without a usable case: the reason, exactly, and nothing written."""
    bad = tmp_path / "results.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    assert ingest(fmt, bad, "--data", data, "--benchmark", "tiny") == (1, "", f"error: {bad}: {message}\n")
    assert snapshot(data) == {}


def test_failed_and_skipped_cases_are_refused_and_the_rest_imported(data: Path, tmp_path: Path) -> None:
    """A case the tool says failed is refused (status 1), one it skipped is said and passed over (status 0
    alone); the others are imported with their values."""
    hyperfine = tmp_path / "hyperfine.json"
    hyperfine.write_text(json.dumps({"results": [
        {"command": "ok", "times": [0.1, 0.2], "exit_codes": [0, 0]},
        {"command": "bad", "times": [0.1, 0.2], "exit_codes": [0, 1]}]}), encoding="utf-8")
    status, out, _ = ingest("hyperfine", hyperfine, "--data", data, "--benchmark", "cmds")
    assert status == 1
    assert out.splitlines()[0] == ("refused: bad: 1 of 2 runs failed (non-zero exit status or a signal; hyperfine "
                                   "--ignore-failure): the times are of a failing command")
    assert [r.samples for r in loaded(data, "cmds").results] == [[100.0, 200.0]]

    asv = tmp_path / "asv.json"  # asv writes null for a failed benchmark and NaN for a skipped combination
    asv.write_text(json.dumps({"version": 2, "result_columns": ["result", "params"], "results": {
        "b.time_ok": [[0.5], []], "b.time_bad": [None, []],
        "b.time_p": [[None, 0.1, "NaN"], [["1", "2", "3"]]]}}).replace('"NaN"', "NaN"), encoding="utf-8")
    status, out, _ = ingest("asv", asv, "--data", data, "--benchmark", "suite")
    assert status == 1
    said = sorted(line.split(" -> ")[0] for line in out.splitlines())
    assert said == ["imported: b.time_ok", "imported: b.time_p(2)",
                    "refused: b.time_bad: asv recorded no result: the benchmark failed",
                    "refused: b.time_p(1): asv recorded no result: the benchmark failed",
                    "skipped: b.time_p(3): asv skipped this parameter combination (NaN)"]
    assert sorted((r.implementation, r.value) for r in loaded(data, "suite").results) == [
        ("b.time_ok", 500.0), ("b.time_p-2", 100.0)]

    pyperf = tmp_path / "pyperf.json"
    pyperf.write_text(json.dumps({"version": "1.0", "benchmarks": [
        {"metadata": {"name": "memory", "unit": "byte"}, "runs": [{"values": [1024.0]}]},
        {"metadata": {"name": "timed"}, "runs": [{"warmups": [[1, 0.5]]}, {"values": [0.001, 0.002]}]}]}),
        encoding="utf-8")
    status, out, _ = ingest("pyperf", pyperf, "--data", data, "--benchmark", "perf")
    assert status == 0, "a case that is no time is skipped, not a failure"
    assert out.splitlines()[0] == "skipped: memory: not a time (pyperf unit 'byte')"
    (result,) = loaded(data, "perf").results
    assert result.samples == [1.0, 2.0], "the calibration run's warm-up is left out"


def test_what_files_say_of_software_machine_and_caveats(data: Path, tmp_path: Path) -> None:
    """PyPy's own version beside Python's; two tests of one name in two modules told apart by module; asv's
    requirements (``pip+`` dropped, a name that is no package name left out); Google Benchmark's warnings of a
    debug build and of CPU scaling kept with the result; times in two units converted exactly to one."""
    pytest_file = tmp_path / "pytest.json"
    pytest_file.write_text(json.dumps({
        "machine_info": {"python_implementation": "PyPy", "python_implementation_version": "7.3.15",
                         "python_version": "3.10.13"},
        "benchmarks": [{"name": "test_a", "fullname": "tests/test_mod.py::test_a", "stats": {"data": [0.001, 0.002]}},
                       {"name": "test_a", "fullname": "tests/test_other.py::test_a", "stats": {"data": [0.003]}}]}),
        encoding="utf-8")
    assert ingest("pytest-benchmark", pytest_file, "--data", data, "--benchmark", "pypy")[0] == 0
    found = {r.implementation: r for r in loaded(data, "pypy").results}
    assert sorted(found) == ["test_mod-test_a", "test_other-test_a"]
    assert found["test_mod-test_a"].software == {"python": "3.10.13", "pypy": "7.3.15"}
    assert found["test_mod-test_a"].samples == [1.0, 2.0] and found["test_other-test_a"].samples == [3.0]

    asv = tmp_path / "asv.json"
    asv.write_text(json.dumps({"version": 2, "result_columns": ["result"], "results": {"b.time_ok": [[0.5]]},
                               "python": "3.11", "requirements": {"numpy": "1.26.0", "pip+Cython": "3.0.1",
                                                                  "Bad Name!": "1.0"}}), encoding="utf-8")
    assert ingest("asv", asv, "--data", data, "--benchmark", "deps")[0] == 0
    (result,) = loaded(data, "deps").results
    assert result.software == {"python": "3.11", "numpy": "1.26.0", "cython": "3.0.1"}

    google = tmp_path / "google.json"
    google.write_text(json.dumps({
        "context": {"library_build_type": "debug", "cpu_scaling_enabled": True},
        "benchmarks": [{"name": "BM_fast", "run_type": "iteration", "iterations": 10, "real_time": 1.5,
                        "cpu_time": 1.4, "time_unit": "us"},
                       {"name": "BM_slow", "run_type": "iteration", "iterations": 10, "real_time": 2,
                        "cpu_time": 2, "time_unit": "ms"}]}), encoding="utf-8")
    assert ingest("google-benchmark", google, "--data", data, "--benchmark", "gbench")[0] == 0
    bench = loaded(data, "gbench")
    assert bench.definition.metric.unit == "µs"
    assert {r.implementation: r.samples for r in bench.results} == {"bm_fast": [1.5], "bm_slow": [2000.0]}
    assert {r.note for r in bench.results} == {
        "Google Benchmark was built as a debug library: timings may be affected; CPU frequency scaling was "
        "enabled: real-time measurements may be noisy."}


def test_implementations_written_in_flow_style(data: Path, hyperfine_files: tuple[Path, Path]) -> None:
    """A block list whose entries are flow mappings is appended to, its lines untouched; a list written in
    flow style (``[...]``) with entries cannot be appended to without rewriting it, and is refused so."""
    scan, _ = hyperfine_files
    head = HAND_WRITTEN.split("implementations:")[0]
    folder = data / "sleep"
    folder.mkdir()
    bench_yaml = folder / "benchmark.yaml"
    bench_yaml.write_text(head + "implementations:\n  - {id: by-hand, name: By hand, notes: [one, two]}\n"
                          "display: {baseline: by-hand}\n", encoding="utf-8")
    before = bench_yaml.read_text(encoding="utf-8")
    status, _, err = ingest("hyperfine", scan, "--data", data, "--benchmark", "sleep")
    assert status == 0, err
    after = bench_yaml.read_text(encoding="utf-8")
    changes = {op for op, *_ in difflib.SequenceMatcher(None, before.splitlines(), after.splitlines()).get_opcodes()}
    assert changes == {"equal", "insert"}
    assert [i.id for i in loaded(data, "sleep").definition.implementations] == [
        "by-hand", "sleep-0.01-ms-1", "sleep-0.02-ms-2"]
    bench_yaml.write_text(head + "implementations: [{id: by-hand, name: By hand}]\n", encoding="utf-8")
    shutil.rmtree(folder / "results")
    frozen = snapshot(data)
    status, out, err = ingest("hyperfine", scan, "--data", data, "--benchmark", "sleep")
    assert (status, out) == (1, "")
    assert "it lists its implementations in flow style ([...]); write them as a block list ('- id: ...') to " \
        "import into it" in err, err
    assert snapshot(data) == frozen


# -- variants each tool writes, and real files of other versions ------------------------------------------------

VARIANT_TESTS = '''
import time

import pytest

def work(n):
    return sum(range(n))

@pytest.mark.benchmark(group="sums")
@pytest.mark.parametrize(("n", "label"), [(10, "a/b"), (100, "x y")])
def test_grouped(benchmark, n, label):
    benchmark.extra_info["n"] = n
    benchmark(work, n)

class TestA:
    def test_same(self, benchmark):
        benchmark(work, 10)

class TestB:
    def test_same(self, benchmark):
        benchmark(work, 20)

def test_pedantic_sleep(benchmark):
    benchmark.pedantic(time.sleep, args=(0.002,), rounds=4, iterations=5)
'''


def test_pytest_benchmark_classes_groups_pedantic_iterations_outside_a_repository(data: Path, tmp_path: Path) -> None:
    """One method name in two classes is told apart by its classes (it stopped the import before); a
    pedantic run of 4 rounds of 5 calls gives 4 samples, each one call's time (``Metadata.update`` divides a
    round by its iterations: a 2 ms sleep is 2 ms and some, never 10 ms); no git repository: no commit."""
    (tmp_path / "test_variants.py").write_text(VARIANT_TESTS)
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_variants.py",
                           "--benchmark-json=run.json", "--benchmark-max-time=0.01"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    document = json.loads((tmp_path / "run.json").read_text())
    assert document["commit_info"]["id"] == "unversioned", "outside a repository"
    status, out, err = ingest("pytest-benchmark", tmp_path / "run.json", "--data", data, "--benchmark", "v",
                              "--unit", "s")
    assert (status, err) == (0, ""), out + err
    bench = loaded(data, "v")
    names = {i.id: i.name for i in bench.definition.implementations}
    assert names == {"test_grouped-10-a-b": "test_grouped[10-a/b]", "test_grouped-100-x-y": "test_grouped[100-x y]",
                     "test_variants-testa-test_same": "test_variants::TestA::test_same",
                     "test_variants-testb-test_same": "test_variants::TestB::test_same",
                     "test_pedantic_sleep": "test_pedantic_sleep"}
    by_name = {b["fullname"].replace("test_variants.py::", "test_variants::") if b["name"] == "test_same"
               else b["name"]: b for b in document["benchmarks"]}
    for impl, name in names.items():
        (result,) = results(bench, impl)
        assert result.samples == by_name[name]["stats"]["data"], name
        assert result.commit is None and result.note is None
    (pedantic,) = results(bench, "test_pedantic_sleep")
    assert len(pedantic.samples) == 4 and all(0.002 <= s < 0.006 for s in pedantic.samples), pedantic.samples
    assert "4 rounds of 5 calls" in pedantic.provenance.note


def test_pytest_benchmark_3_file_from_a_public_repository(data: Path, tmp_path: Path) -> None:
    """``test/data/extract/pytest_output.json`` of github.com/benchmark-action/github-action-benchmark (commit
    eb5f53129c81ee68165d0c097ca6391b636d58e7), written by pytest-benchmark 3.2.2 and copied as it is: that
    repository cut each ``stats.data`` short with a text, which is refused naming the case; without ``data``
    (as saved without ``--benchmark-save-data``) each median is imported.  3.x wrote ``datetime.utcnow()``
    without a zone: it is UTC, not the machine's local time; the tree was dirty."""
    source = FIXTURES / "pytest_output.json"
    status, out, err = ingest("pytest-benchmark", source, "--data", data, "--benchmark", "fib")
    assert (status, out) == (1, "")
    assert err == (f"error: {source}: case 'test_fib_10': stats.data[4]: expected a number, got the text "
                   "'... omitted to keep this file small'\n")
    assert snapshot(data) == {}
    document = json.loads(source.read_text())
    for entry in document["benchmarks"]:
        del entry["stats"]["data"]
    summary = tmp_path / "summary.json"
    summary.write_text(json.dumps(document))
    status, _, err = ingest("pytest-benchmark", summary, "--data", data, "--benchmark", "fib", "--unit", "us")
    assert status == 0, err
    bench = loaded(data, "fib")
    assert {r.implementation: r.value for r in bench.results} == {
        "test_fib_10": pytest.approx(22.300000000363696), "test_fib_20": pytest.approx(2960.5825000003083)}
    for result in bench.results:
        assert result.recorded == "2019-11-17T02:22:16Z"
        assert "local time" not in result.provenance.note and result.provenance.by == "pytest-benchmark 3.2.2"
        assert result.commit == "9d55ab0434c9088746ae2d134702d782bf088644"
        assert result.note == "The working tree had uncommitted changes (pytest-benchmark's commit_info.dirty)."
        assert result.hardware.cpu == "Intel(R) Core(TM) i7-4771 CPU @ 3.50GHz" and result.hardware.cpu_count is None
        assert result.platform == "Darwin 18.7.0 x86_64"
    assert_private_left_out(data, "Corgi.local")


def test_pyperf_files_of_its_own_test_suite(data: Path) -> None:
    """pyperf's own ``pyperf/tests/telco.json`` (written by perf 0.8.2, 41 worker processes, the first a
    calibration run with warm-ups only) and ``mult_list_py37_tags.json`` (3 benchmarks, 2.0.1), installed
    with pyperf, and ``track_memory.json`` (unit ``byte``: not a time, so nothing to import)."""
    tests = Path(pyperf_module_folder()) / "tests"
    if not (tests / "telco.json").is_file():
        pytest.skip("this pyperf was installed without its tests' files")
    status, _, err = ingest("pyperf", tests / "telco.json", "--data", data, "--benchmark", "telco")
    assert status == 0, err
    document = json.loads((tests / "telco.json").read_text())
    runs = document["benchmarks"][0]["runs"]
    values = [v for run in runs for v in run.get("values", [])]
    assert len(values) == 120 and sum(1 for run in runs if "values" not in run) == 1
    (result,) = loaded(data, "telco").results
    assert result.samples == pytest.approx([v * 1e3 for v in values], rel=1e-12)
    assert result.provenance.by == "pyperf 0.8.2" and result.software == {"python": "3.5.1"}
    assert "120 values from 40 worker process(es)" in result.provenance.note
    status, _, err = ingest("pyperf", tests / "mult_list_py37_tags.json", "--data", data, "--benchmark", "mult")
    assert status == 0, err
    bench = loaded(data, "mult")
    suite = json.loads((tests / "mult_list_py37_tags.json").read_text())
    for entry in suite["benchmarks"]:
        name = entry["metadata"]["name"]
        (result,) = [r for r in bench.results if bench.implementation(r.implementation).name == name]
        assert result.samples == pytest.approx(
            [v * 1e6 for run in entry["runs"] for v in run.get("values", [])], rel=1e-12)
    assert_private_left_out(data, "selma", "apu", "/home/haypo")
    memory = tests / "track_memory.json"
    assert ingest("pyperf", memory, "--data", data, "--benchmark", "memory") == (
        1, "", f"error: {memory}: nothing to import: timeit: not a time (pyperf unit 'byte')\n")


def pyperf_module_folder() -> str:
    import pyperf

    return os.path.dirname(pyperf.__file__)


ASV_UNIT_BENCHMARKS = '''
def mem_list():
    return [0] * 1000

def peakmem_list():
    [0] * 100000

def track_seconds():
    return 0.25
track_seconds.unit = "seconds"

def time_fails():
    raise RuntimeError("boom")

def timeraw_import():
    return "import json"

class TimeSuite:
    params = [1, 2, 3]
    param_names = ["k"]

    def setup(self, k):
        if k == 3:
            raise NotImplementedError()

    def time_k(self, k):
        sum(range(k * 10))

    def track_k(self, k):
        return k
'''


def test_asv_decides_what_is_a_time_as_asv_does(data: Path, tmp_path: Path) -> None:
    """A module named ``time_units`` (as in asv's own example results) holding memory, peak memory and track
    benchmarks: asv types a benchmark by its last name part only, so none of them is a time, with or without
    ``benchmarks.json`` (they were imported as times without it); a track benchmark in seconds is a value
    it returned, skipped; a combination that raised NotImplementedError is skipped, a failure refused."""
    found, commit = run_asv(tmp_path / "asv", ASV_UNIT_BENCHMARKS, "time_units.py")
    document = json.loads(found.read_text(), parse_constant=lambda c: None)
    row = {name: dict(zip(document["result_columns"], r, strict=False)) for name, r in document["results"].items()}
    alone = tmp_path / "alone" / found.name
    alone.parent.mkdir()
    shutil.copy(found, alone)
    for n, path in enumerate((found, alone)):
        (data / str(n)).mkdir()
        status, out, _ = ingest("asv", path, "--data", data / str(n), "--benchmark", "units")
        assert status == 1, "a failed benchmark is refused"
        said = {re.split(r"[( ]", line.split(": ")[1])[0]: line.split(":")[0] for line in out.splitlines()}
        assert said == {"time_units.mem_list": "skipped", "time_units.peakmem_list": "skipped",
                        "time_units.track_seconds": "skipped", "time_units.TimeSuite.track_k": "skipped",
                        "time_units.TimeSuite.time_k": "imported", "time_units.time_fails": "refused",
                        "time_units.timeraw_import": "imported"}, out
        assert out.count("asv skipped this parameter combination (NaN)") == 1, "k=3 of time_k; track_k: not a time"
        bench = loaded(data / str(n), "units")
        assert sorted(r.implementation for r in bench.results) == [
            "time_units.timeraw_import", "time_units.timesuite.time_k-1", "time_units.timesuite.time_k-2"]
        for result in bench.results:
            k = result.implementation.partition("-")[2]
            samples = row["time_units.TimeSuite.time_k" if k else "time_units.timeraw_import"]["samples"]
            assert result.samples == pytest.approx([s * unit_factor(bench) for s in samples[int(k or 1) - 1]])
            assert result.commit == commit


def run_asv(work: Path, benchmarks: str, module: str) -> tuple[Path, str]:
    """``asv run --python=same --record-samples`` of ``benchmarks`` (one of which fails) in a new project: its
    results file, laid out as asv lays it out (``benchmarks.json`` two folders up), and the commit."""
    home, project = work / "home", work / "project"
    (project / "benchmarks").mkdir(parents=True)
    home.mkdir()
    (project / "asv.conf.json").write_text(json.dumps(ASV_CONF))
    (project / "benchmarks/__init__.py").write_text("")
    (project / "benchmarks" / module).write_text(benchmarks)
    git(project, "init", "-q")
    git(project, "add", ".")
    git(project, "commit", "-qm", "benchmarks")
    commit = git(project, "rev-parse", "HEAD")
    env = {**os.environ, "HOME": str(home), "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    asv = [sys.executable, "-m", "asv"]
    subprocess.run([*asv, "machine", "--yes"], cwd=project, env=env, check=True, capture_output=True, timeout=60)
    done = subprocess.run([*asv, "run", "--python=same", "--launch-method", "forkserver", "--set-commit-hash",
                           commit, "--record-samples", "-a", "repeat=3", "-a", "rounds=1", "-a", "number=5", "-a",
                           "warmup_time=0"], cwd=project, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, "asv's status when a benchmark failed (time_fails)\n" + done.stdout + done.stderr
    return next((project / "results").glob(f"*/{commit[:8]}-*.json")), commit


def test_asv_version_1_file_from_its_repository(data: Path) -> None:
    """``test/example_results/cheetah/fcf8c079-py2.7-Cython-numpy1.8.json`` of github.com/airspeed-velocity/asv
    (commit 208c2d69612bd2ea543e16557dba84c15519ed43), a results file of format version 1 (asv 0.4 and
    before: a benchmark's result alone, or an object with its params), copied as it is.  It was refused
    ("format version 2") before; ``time_units.mem_unit`` is a memory benchmark in a module named time_..."""
    source = FIXTURES / "asv-v1" / "cheetah" / "fcf8c079-py2.7-Cython-numpy1.8.json"
    status, out, _ = ingest("asv", source, "--data", data, "--benchmark", "v1", "--unit", "s")
    assert status == 1, "failed benchmarks are refused, the others imported"
    lines = out.splitlines()
    assert lines[:6] == [
        "refused: time_AAA_failure: asv recorded no result: the benchmark failed",
        "skipped: time_AAA_skip: asv skipped this benchmark (NaN)",
        "refused: time_coordinates.time_latitude: asv recorded no result: the benchmark failed",
        "skipped: time_units.mem_unit: not a time (not named as an asv time benchmark (time_..., Time...) and no "
        "benchmarks.json beside)",
        "refused: time_other.time_parameterized(3): asv recorded no result: the benchmark failed",
        "skipped: params_examples.ParamSuite.track_value: not a time (not named as an asv time benchmark "
        "(time_..., Time...) and no benchmarks.json beside)"]
    bench = loaded(data, "v1")
    document = json.loads(source.read_text(), parse_constant=lambda c: None)
    expected = {k.lower(): v for k, v in document["results"].items()
                if isinstance(v, float) and ".time_" in k}
    expected |= {"time_other.time_parameterized-1": 1.0, "time_other.time_parameterized-2": 4.0}
    assert {r.implementation: r.value for r in bench.results} == expected and len(expected) == 12
    for result in bench.results:
        assert result.samples == [] and result.commit == "fcf8c079fae7ebad9f27bd31a819f0e4fdd85b99"
        assert result.software == {"python": "2.7", "numpy": "1.8"}
        assert result.hardware.cpu == "Intel(R) Core(TM) i5-2520M CPU @ 2.50GHz (4 cores)"
        assert result.platform == "Linux (Fedora 20)"
        assert "the file's modification time (asv recorded no date for it)" in result.provenance.note
    assert_private_left_out(data, "cheetah")


def test_hyperfine_parameter_lists_one_run_failures_and_zero_times(data: Path, tmp_path: Path) -> None:
    """``-L`` with two lists (every combination, named by both), ``--runs 1`` (``stddev`` null: one sample),
    the same command twice (refused: no --map can tell them apart); and a file hyperfine 1.15.0 wrote here
    (``hyperfine -i --runs 3 false true``, kept in tests/importers/): ``false`` failed every run and is
    refused, ``true``'s runs faster than the shell's start-up were written as 0 s, which its note says."""
    if shutil.which("hyperfine") is None:
        pytest.skip("hyperfine is not installed (tools/ensure-hyperfine.sh installs Debian's; `make test` runs it)")
    for name, args in (("lists.json", ["-N", "--runs", "2", "-L", "n", "1,2", "-L", "m", "a,b", "echo {n}{m}"]),
                       ("one.json", ["--runs", "1", "sleep 0.01"]), ("twice.json", ["--runs", "2", "true", "true"])):
        done = subprocess.run(["hyperfine", "--export-json", name, *args], cwd=tmp_path, capture_output=True,
                              text=True, timeout=60)
        assert done.returncode == 0, done.stdout + done.stderr
    assert ingest("hyperfine", tmp_path / "lists.json", "--data", data, "--benchmark", "lists")[0] == 0
    bench = loaded(data, "lists")
    for entry in json.loads((tmp_path / "lists.json").read_text())["results"]:
        p = entry["parameters"]
        (result,) = results(bench, f"echo-{p['n']}{p['m']}-m-{p['m']}-n-{p['n']}")
        assert result.samples == pytest.approx([t * unit_factor(bench) for t in entry["times"]], rel=1e-12)
    assert len(bench.results) == 4
    assert ingest("hyperfine", tmp_path / "one.json", "--data", data, "--benchmark", "one", "--unit", "s")[0] == 0
    (one,) = loaded(data, "one").results
    assert one.samples == json.loads((tmp_path / "one.json").read_text())["results"][0]["times"]
    twice = tmp_path / "twice.json"
    assert ingest("hyperfine", twice, "--data", data, "--benchmark", "twice") == (
        1, "", f"error: {twice}: the file has two cases named 'true' (the same command or benchmark measured "
               "twice?) that cannot be told apart; --select can import the others\n")
    source = FIXTURES / "hyperfine-1.15.0-ignore-failure.json"
    status, out, _ = ingest("hyperfine", source, "--data", data, "--benchmark", "ignored", "--unit", "s")
    assert status == 1 and out.startswith("refused: false: 3 of 3 runs failed")
    (true,) = loaded(data, "ignored").results
    assert true.samples == [0.00020837647999999973, 0.0, 0.0]
    assert true.note.startswith("2 of 3 runs were recorded as 0 s: hyperfine sets a run faster than its measured "
                                "shell start-up to 0")


def gbench_rows(source: Path, run_name: str, run_type: str = "iteration") -> list[dict[str, Any]]:
    return [r for r in json.loads(source.read_text())["benchmarks"]
            if r["run_name"] == run_name and r["run_type"] == run_type]


def test_google_benchmark_1_7_files_written_by_the_library(data: Path, tmp_path: Path) -> None:
    """Files Google Benchmark 1.7.1 (Debian's libbenchmark-dev) wrote running tests/importers/gbench_variants.cc
    with ``--benchmark_out_format=json``: a complexity family (its BigO and RMS rows skipped, saying so:
    they were left out silently before), templated names, ``threads:2``, ``UseManualTime`` in seconds, units
    us and ms, counters, an error, a debug build; then ``--benchmark_repetitions=3`` (each repetition a
    sample, the mean/median/stddev/cv rows never) and ``--benchmark_report_aggregates_only`` (the median)."""
    plain = FIXTURES / "gbench-1.7.1-variants.json"
    status, out, _ = ingest("google-benchmark", plain, "--data", data, "--benchmark", "plain", "--unit", "ns")
    assert status == 1
    assert out.splitlines()[:2] == ["skipped: BM_Sum: a complexity fit (BigO N, RMS) over the runs BM_Sum/N, "
                                    "not a time", "refused: BM_Error: the benchmark reported an error: resource "
                                    "unavailable"]
    bench = loaded(data, "plain")
    per_ns = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}
    rows = [r for r in json.loads(plain.read_text())["benchmarks"] if r["run_type"] == "iteration"
            and not r.get("error_occurred")]
    assert len(rows) == 9 == len(bench.results)
    for row in rows:
        (result,) = [r for r in bench.results if bench.implementation(r.implementation).name == row["run_name"]]
        assert result.samples == [pytest.approx(row["real_time"] * per_ns[row["time_unit"]], rel=1e-15)]
        assert result.note == "Google Benchmark was built as a debug library: timings may be affected."
        assert result.hardware.cpu_count == 2 and result.recorded == "2026-12-02T05:35:21Z"
    notes = {bench.implementation(r.implementation).name: r.provenance.note for r in bench.results}
    assert "the manually measured time (UseManualTime) of one iteration" in notes["BM_Manual/manual_time"]
    assert "the real time (2 threads) of one iteration" in notes["BM_Threads/threads:2"]
    assert_private_left_out(data, '"vm"', "./bench")

    repeated = FIXTURES / "gbench-1.7.1-repetitions.json"
    assert ingest("google-benchmark", repeated, "--data", tmp_path, "--benchmark", "reps", "--unit", "ns")[0] == 1
    reps = loaded(tmp_path, "reps")
    for run in ("BM_Sum/64", "BM_Sum/512", "BM_Sum/4096"):
        (result,) = results(reps, run.lower().replace("/", "-"))
        assert result.samples == [r["real_time"] for r in gbench_rows(repeated, run)] and len(result.samples) == 3
    (fill,) = results(reps, "bm_fill-int")
    assert fill.samples == pytest.approx([r["real_time"] * 1e3 for r in gbench_rows(repeated, "BM_Fill<int>")])
    only = FIXTURES / "gbench-1.7.1-aggregates-only.json"
    assert ingest("google-benchmark", only, "--data", tmp_path, "--benchmark", "only", "--unit", "ns")[0] == 1
    for result in loaded(tmp_path, "only").results:
        name = loaded(tmp_path, "only").implementation(result.implementation).name
        (median,) = [r for r in gbench_rows(only, name, "aggregate") if r["aggregate_name"] == "median"]
        assert result.samples == [] and result.value == pytest.approx(
            median["real_time"] * per_ns[median["time_unit"]], rel=1e-15)
