"""The metric sources end to end: ``python -m runners.run`` on throw-away projects, real child processes.

Each source is checked against a truth the test controls: ``sleep`` for wall
time (its own start-up is a millisecond), numbers the commands print or write
for ``printed`` and ``json``, files that count how often a command ran for
warm-up runs, ``prepare`` and the benchmark's set-up.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from sphinx_benchbench.data.loader import load_benchmark

from .conftest import REPO
from .test_runner import snapshot

PY = shlex.quote(sys.executable)

BENCHMARK = """\
title: Sources
metric: {{label: Time, unit: {unit}, direction: lower, decimals: 1}}
measurement:
  description: What the source measures.
  quantity: {quantity}
{extra}implementations:
{impls}
"""


def project_with(tmp_path: Path, impls: str, unit: str = "ms", quantity: str = "milliseconds-per-iteration",
                 extra: str = "") -> Path:
    project = tmp_path / "project"
    (project / "data/bench").mkdir(parents=True)
    (project / "data/bench/benchmark.yaml").write_text(
        BENCHMARK.format(unit=unit, quantity=quantity, extra=extra, impls=impls), encoding="utf-8")
    return project


def run(project: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runners.run", *args, "--data", str(project / "data")],
                          capture_output=True, text=True, timeout=300, cwd=REPO, check=False,
                          env={**os.environ, "BENCHBENCH_CACHE": str(project / ".cache"), **(env or {})})


def results(project: Path) -> dict[str, object]:
    bench, problems = load_benchmark(project / "data", "bench")
    assert problems == [] and bench is not None
    return {r.implementation: r for r in bench.results}


# -- wall ----------------------------------------------------------------------------


def test_wall_times_the_command_and_not_its_warm_up_or_prepare(tmp_path: Path) -> None:
    count = tmp_path / "ran.txt"
    impls = f"""\
  - id: sleepy
    name: sleep 0.2
    commands: ["sh -c 'echo run >> {count}; sleep 0.2'"]
    run:
      wall: {{warmup: 2, min_runs: 4, min_time: 0}}
      prepare: ["sleep 0.3"]
"""
    project = project_with(tmp_path, impls)
    done = run(project, "bench")
    assert done.returncode == 0, done.stderr
    result = results(project)["sleepy"]
    assert len(result.samples) == 4  # type: ignore[attr-defined]
    for ms in result.samples:  # type: ignore[attr-defined]
        assert 200 <= ms < 260, ms  # the 0.3 s prepare before each run is not in it
    assert count.read_text().count("run") == 6, "2 warm-up runs, then 4 timed ones"
    record = result.run  # type: ignore[attr-defined]
    assert record.source == "wall" and record.warmup == 2 and record.window is None
    assert record.semantics.startswith("wall time of the 1 command(s) from start to exit, 4 timed runs after 2")
    assert [round(s * 1000, 3) for s in record.seconds_per_iteration] == [round(v, 3) for v in result.samples]  # type: ignore[attr-defined]


def test_wall_adds_runs_until_the_minimum_time(tmp_path: Path) -> None:
    impls = """\
  - id: sleepy
    name: sleep 0.1
    commands: ["sleep 0.1"]
    run:
      wall: {warmup: 0, min_runs: 2, min_time: 0.75}
"""
    project = project_with(tmp_path, impls)
    done = run(project, "bench")
    assert done.returncode == 0, done.stderr
    samples = results(project)["sleepy"].samples  # type: ignore[attr-defined]
    assert 7 <= len(samples) <= 8, samples  # 0.75 s of ~0.101 s runs: the 8th reaches it


def test_wall_throughput_counts_items_per_run(tmp_path: Path) -> None:
    impls = """\
  - id: sleepy
    name: sleep 0.25
    commands: ["sleep 0.25"]
    run:
      items_per_iteration: 100
      wall: {warmup: 0, min_runs: 3, min_time: 0}
"""
    project = project_with(tmp_path, impls, unit="items/s", quantity="items-per-second")
    assert run(project, "bench").returncode == 0
    for value in results(project)["sleepy"].samples:  # type: ignore[attr-defined]
        assert 370 < value <= 400, value  # 100 items / (0.25 s + start-up)


def test_a_failing_run_records_nothing(tmp_path: Path) -> None:
    impls = """\
  - id: broken
    name: fails on its second run
    commands: ["sh -c 'test -e once && exit 4; touch once'"]
    run:
      wall: {warmup: 0, min_runs: 3, min_time: 0}
"""
    project = project_with(tmp_path, impls)
    before = snapshot(project / "data")
    done = run(project, "bench")
    assert done.returncode == 1
    assert "FAILED bench/broken: 0 warm-up and 3 timed runs back to back: run 2 of 3: sh exited with status 4" \
        in done.stderr
    assert snapshot(project / "data") == before


# -- printed and json ----------------------------------------------------------------


def test_printed_takes_the_aggregate_of_the_matches_times_the_scale(tmp_path: Path) -> None:
    script = "print('warming up'); print('\\x1b[1mspeed: 1,200.5 MB/s\\x1b[0m'); print('speed: 1,000.5 MB/s')"
    impls = f"""\
  - id: tool
    name: prints its speed
    commands: [{json.dumps(f"{sys.executable} -c {shlex.quote(script)}")}]
    run:
      repeat: 3
      printed: {{pattern: 'speed: (?P<value>[0-9,.]+) MB/s', aggregate: mean, scale: 0.001}}
"""
    project = project_with(tmp_path, impls, unit="GB/s")
    done = run(project, "bench")
    assert done.returncode == 0, done.stderr
    result = results(project)["tool"]
    assert result.samples == [1.1005, 1.1005, 1.1005]  # type: ignore[attr-defined]  # (1200.5 + 1000.5) / 2 / 1000
    assert result.run.source == "printed" and result.run.seconds_per_iteration == []  # type: ignore[attr-defined]
    assert "(2 match(es))" in result.run.semantics  # type: ignore[attr-defined]


def test_printed_without_a_match_fails_with_the_pattern(tmp_path: Path) -> None:
    impls = """\
  - id: tool
    name: prints nothing useful
    commands: ["echo 'speed: fast'"]
    run:
      printed: {pattern: 'speed: (?P<value>[0-9.]+)'}
"""
    project = project_with(tmp_path, impls)
    before = snapshot(project / "data")
    done = run(project, "bench")
    assert done.returncode == 1
    assert "no output line matches run.printed.pattern" in done.stderr and "speed: fast" in done.stderr
    assert snapshot(project / "data") == before


def test_json_reads_stdout_or_a_file_inside_the_folder(tmp_path: Path) -> None:
    out = "import json; print('log line'); print(json.dumps({'results': [{'mean': 0.25}, {'mean': 0.5}]}))"
    write = "import json; json.dump({'stats': {'ms': 12.5}}, open('out/r.json', 'w'))"
    impls = f"""\
  - id: stdout
    name: stdout
    commands: [{json.dumps(f"{sys.executable} -c {shlex.quote(out)}")}]
    run:
      json: {{path: results.-1.mean, scale: 1000}}
  - id: file
    name: file
    commands: ["mkdir -p out", {json.dumps(f"{sys.executable} -c {shlex.quote(write)}")}]
    run:
      json: {{path: stats.ms, file: out/r.json}}
  - id: outside
    name: outside
    commands: ["true"]
    run:
      json: {{path: a, file: ../../secret.json}}
"""
    project = project_with(tmp_path, impls)
    done = run(project, "bench")
    assert done.returncode == 1  # 'outside'
    found = results(project)
    assert found["stdout"].samples == [500.0] and found["file"].samples == [12.5]  # type: ignore[attr-defined]
    assert "FAILED bench/outside: run 1: run.json.file '../../secret.json' leads out of the folder" in done.stderr
    assert "outside" not in found


@pytest.mark.parametrize(("document", "path", "words"), [
    ('{"a": {"b": "fast"}}', "a.b", 'a.b is "fast", not a finite number'),
    ('{"a": [1, 2]}', "a.5", "no '5' after a"),
    ('{"a": true}', "a", "a is true, not a finite number"),
    ('{"a": NaN}', "a", "a is NaN, not a finite number"),
    ("not json at all", "a", "no JSON document in the output"),
])
def test_json_refuses_what_is_not_a_number_with_where(tmp_path: Path, document: str, path: str, words: str) -> None:
    impls = f"""\
  - id: tool
    name: tool
    commands: [{json.dumps("printf '%s' " + shlex.quote(document))}]
    run:
      json: {{path: '{path}'}}
"""
    project = project_with(tmp_path, impls)
    done = run(project, "bench")
    assert done.returncode == 1 and words in done.stderr, done.stderr


# -- set-up, work folder, versions ---------------------------------------------------


def test_the_benchmarks_set_up_runs_once_in_a_work_folder_outside_the_docs(tmp_path: Path) -> None:
    work = tmp_path / "work"
    counter = tmp_path / "setups.txt"
    make = f"with open({str(counter)!r}, 'a') as f: f.write('x'); open('input.bin', 'wb').write(bytes(4096))"
    size = "import os; print('size', os.path.getsize('input.bin'), os.environ['BENCHBENCH_WORK'])"
    impl = """\
  - id: {id}
    name: {id}
    commands: [{command}]
    run:
      printed: {{pattern: 'size (?P<value>\\d+)'}}
"""
    impls = "".join(impl.format(id=i, command=json.dumps(f"{sys.executable} -c {shlex.quote(size)}"))
                    for i in ("one", "two"))
    extra = f"setup:\n  - run: {json.dumps(f'{sys.executable} -c {shlex.quote(make)}')}\n"
    project = project_with(tmp_path, impls, unit="bytes", extra=extra)
    done = run(project, "bench", env={"BENCHBENCH_WORK": str(work)})
    assert done.returncode == 0, done.stderr
    found = results(project)
    assert found["one"].samples == [4096.0] and found["two"].samples == [4096.0]  # type: ignore[attr-defined]
    assert counter.read_text() == "x", "the set-up ran once for both implementations"
    assert (work / "bench/input.bin").is_file()
    assert not list(project.rglob("input.bin")), "nothing generated beside the docs"
    dry = run(project, "bench", "--dry-run", env={"BENCHBENCH_WORK": str(work)})
    assert f"work    {work / 'bench'}" in dry.stdout and "(the benchmark's work folder)" in dry.stdout


def test_a_failing_set_up_fails_every_implementation_and_records_nothing(tmp_path: Path) -> None:
    impls = """\
  - id: one
    name: one
    commands: ["true"]
    run: {wall: {warmup: 0, min_runs: 1, min_time: 0}}
"""
    project = project_with(tmp_path, impls, extra="setup:\n  - run: sh -c 'echo generating; exit 3'\n")
    before = snapshot(project / "data")
    done = run(project, "bench", env={"BENCHBENCH_WORK": str(tmp_path / "work")})
    assert done.returncode == 1
    assert "FAILED bench/one: the benchmark's set-up failed: sh exited with status 3" in done.stderr
    assert "| generating" in done.stderr
    assert snapshot(project / "data") == before


def test_declared_versions_and_packages_are_what_is_recorded(tmp_path: Path) -> None:
    tool = tmp_path / "bin/tool"
    tool.parent.mkdir()
    tool.write_text("#!/bin/sh\necho 'tool (Example Utils) v2.5.1' >&2\nsleep 0.01\n", encoding="utf-8")
    tool.chmod(0o755)
    impls = """\
  - id: tool
    name: tool
    commands: ["tool --run"]
    run:
      wall: {warmup: 0, min_runs: 2, min_time: 0}
      versions: {tool: tool --version}
      packages: [pyyaml]
"""
    project = project_with(tmp_path, impls)
    done = run(project, "bench", env={"PATH": f"{tool.parent}{os.pathsep}{os.environ['PATH']}"})
    assert done.returncode == 0, done.stderr
    software = results(project)["tool"].software  # type: ignore[attr-defined]
    import yaml  # the version of the interpreter the commands run with, this one

    assert software == {"python": f"{sys.version_info.major}.{sys.version_info.minor}.{sys.version_info.micro}",
                        "pyyaml": yaml.__version__, "tool": "2.5.1"}


# -- what the runner refuses, said before anything runs ------------------------------


REFUSED = """\
  - id: no-group
    name: no-group
    commands: ["true"]
    run:
      printed: {pattern: 'speed: [0-9.]+'}
  - id: bad-format
    name: bad-format
    commands: ["true"]
    run:
      log: {format: no-such-format}
  - id: bad-probe
    name: bad-probe
    commands: ["true"]
    run:
      versions: {tool: {command: tool --version, pattern: 'v[0-9.]+'}}
  - id: fine
    name: fine
    commands: ["true"]
    run:
      wall: {warmup: 0, min_runs: 1, min_time: 0}
"""


def test_check_and_list_say_what_the_runner_would_refuse(tmp_path: Path) -> None:
    project = project_with(tmp_path, REFUSED)
    before = snapshot(project / "data")
    check = subprocess.run([sys.executable, "-m", "sphinx_benchbench", "check", str(project / "data")],
                           capture_output=True, text=True, cwd=REPO, check=False)
    assert check.returncode == 3
    lines = [line for line in check.stdout.splitlines() if "would refuse" in line]
    yaml_file = project / "data/bench/benchmark.yaml"
    said = {line.split("would refuse bench/")[1].split(":")[0]: line for line in lines}
    assert set(said) == {"no-group", "bad-format", "bad-probe"}, check.stdout
    assert said["no-group"].startswith(f"{yaml_file}:10: the runner would refuse bench/no-group: ")
    assert "run.printed.pattern needs a named group 'value'" in said["no-group"]
    assert any("unknown log format 'no-such-format'" in line for line in lines)
    assert any("the log source needs measurement.window" in line for line in lines)  # bad-format's second
    assert "run.versions.tool.pattern needs a named group 'version'" in said["bad-probe"]
    listed = run(project, "--list").stdout
    assert "fails: " in listed and "needs a named group 'value'" in listed
    done = run(project, "bench")
    assert done.returncode == 1
    summary = {line.split()[0]: line.split()[1] for line in done.stdout.splitlines() if line.startswith("  bench/")}
    assert summary == {"bench/no-group": "failed", "bench/bad-format": "failed", "bench/bad-probe": "failed",
                       "bench/fine": "recorded"}
    assert set(results(project)) == {"fine"}
    added = sorted(set(snapshot(project / "data")) - set(before))
    assert len(added) == 2 and added[0].startswith("bench/results/") and added[0].endswith("-fine.yaml"), added
    assert added[1].startswith("bench/results/logs/") and added[1].endswith("-fine.log.gz"), \
        "only the runnable one was recorded, with its log"


REFUSED_TOO = """\
  - id: both
    name: both
    commands: ["true"]
    run:
      wall: {min_runs: 1}
      printed: {pattern: '(?P<value>\\\\d+)'}
  - id: many
    name: many
    commands: ["true"]
    run:
      wall: {min_runs: 1}
      repeat: 5000
  - id: bad-regex
    name: bad-regex
    commands: ["true"]
    run:
      wall: {min_runs: 1}
      versions: {tool: {command: tool --version, pattern: '(?P<version>'}}
  - id: unsplittable
    name: unsplittable
    commands: ["true"]
    run:
      wall: {min_runs: 1}
      versions: {tool: "tool 'unterminated"}
  - id: no-venv
    name: no-venv
    commands: ["true"]
    run:
      wall: {min_runs: 1}
      venv: envs/missing
  - id: shared
    name: shared
    commands: ["cat input.txt"]
    run:
      wall: {warmup: 0, min_runs: 1, min_time: 0}
  - id: bad-printed
    name: bad-printed
    commands: ["true"]
    run:
      printed: {pattern: '(?P<value>'}
  - id: no-pattern
    name: no-pattern
    commands: ["true"]
    run: {source: printed}
  - id: no-path
    name: no-path
    commands: ["true"]
    run: {source: json}
  - id: json-plan
    name: json-plan
    commands: ["true"]
    run:
      json: {path: stats.mean, scale: 1000}
"""


def test_more_entries_the_runner_refuses_and_the_shared_work_folder(tmp_path: Path) -> None:
    """Two sources at once, too many repeats, a version probe that is no regex or cannot be split: each refused
    at its entry's ``run:`` line, by ``check``, ``--list`` and the run alike; a missing venv skips the entry here.
    The one runnable entry runs in the benchmark's work folder, after the shared set-up made its input."""
    project = project_with(tmp_path, REFUSED_TOO, extra="setup: [{run: 'echo shared > input.txt', shell: true}]\n")
    yaml_file = project / "data/bench/benchmark.yaml"
    refused = {
        "both": (11, "both: run gives settings of printed and wall: say which measures it with run.source"),
        "many": (17, "many: run.repeat 5000 is over 1000"),
        "bad-regex": (23, "bad-regex: run.versions.tool.pattern is not a valid regular expression: missing )"),
        "unsplittable": (29, "unsplittable: run.versions.tool: \"tool 'unterminated\" cannot be split into "
                             "arguments: No closing quotation"),
        "bad-printed": (46, "bad-printed: run.printed.pattern is not a valid regular expression: missing )"),
        "no-pattern": (51, "no-pattern: run.source is printed but run.printed (its pattern) is not given"),
        "no-path": (55, "no-path: run.source is json but run.json (its path) is not given"),
    }
    check = subprocess.run([sys.executable, "-m", "sphinx_benchbench", "check", str(project / "data")],
                           capture_output=True, text=True, cwd=REPO, check=False)
    assert check.returncode == 3
    said = [line for line in check.stdout.splitlines() if "would refuse" in line]
    assert len(said) == len(refused), check.stdout
    for (impl, (line, words)), text in zip(refused.items(), said, strict=True):
        assert text.startswith(f"{yaml_file}:{line}: the runner would refuse bench/{impl}: {words}"), text
    listed = {line.split()[0]: line.split(None, 1)[1] for line in run(project, "--list").stdout.splitlines()
              if line.startswith("  ")}
    for impl, (line, words) in refused.items():
        assert listed[impl].startswith(f"fails: {yaml_file}:{line}: {words}"), listed[impl]
    assert listed["no-venv"] == ("skipped here: needs its environment envs/missing (create it with the "
                                 "implementation's requirements)")
    assert listed["shared"] == "runnable"
    work = project / ".cache/work/bench"
    planned = run(project, "bench", "shared", "json-plan", "--dry-run").stdout
    assert "  measure stats.mean in the JSON of its output, x 1000\n" in planned, planned
    assert f"  work    {work}\n  shared  echo shared > input.txt\n  in      {work} (the benchmark's work folder)\n" \
        in planned, planned
    done = run(project, "all")
    assert done.returncode == 1 and "skip bench/no-venv: needs its environment envs/missing" in done.stderr
    assert set(results(project)) == {"shared"}, "json-plan prints no JSON: it fails"
    assert (work / "input.txt").read_text() == "shared\n"


def test_wall_warns_of_a_slow_first_run_and_of_too_little_time(tmp_path: Path) -> None:
    """A first timed run over twice the others' median (a cold cache) and a series cut short by ``max_runs``
    before ``min_time`` are recorded with the result as warnings, not silently averaged in."""
    first = tmp_path / "ran-once"
    impls = f"""\
  - id: cold
    name: cold
    commands: ["sh -c 'if [ ! -e {first} ]; then touch {first}; sleep 0.6; fi; sleep 0.1'"]
    run:
      wall: {{warmup: 0, min_runs: 4, min_time: 0}}
  - id: short
    name: short
    commands: ["sleep 0.05"]
    run:
      wall: {{warmup: 0, min_runs: 1, max_runs: 2, min_time: 30}}
"""
    project = project_with(tmp_path, impls)
    done = run(project, "bench")
    assert done.returncode == 0, done.stderr
    found = results(project)
    cold = found["cold"]
    assert len(cold.samples) == 4 and cold.samples[0] > 600  # type: ignore[attr-defined]
    (warning,) = [w for w in cold.run.warnings if "first timed run" in w]  # type: ignore[attr-defined]
    assert re.match(r"run 1: the first timed run took \d+\.\d+ s, more than twice the others' median", warning), \
        warning
    short = found["short"]
    assert len(short.samples) == 2  # type: ignore[attr-defined]
    assert any(re.match(r"run 1: only \d+\.\d+ s of timed runs \(max_runs 2 reached before", w)
               for w in short.run.warnings), short.run.warnings  # type: ignore[attr-defined]
