"""The commands as a user types them: ``benchbench``, the runner on a terminal, its command-line mistakes.

Everything runs as a real child process: the installed ``benchbench`` script, ``python -m runners.run``
on a real pseudo-terminal (:func:`.conftest.run_in_pty`), with throw-away projects from
``tests/test_runner.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sphinx_benchbench._version import __version__
from sphinx_benchbench.data.loader import load_benchmark

from .conftest import REPO, ROOTS, run_in_pty, snapshot
from .test_runner import SECONDS, make_project, runner

BENCHBENCH = str(Path(sys.executable).with_name("benchbench"))
TOY = ROOTS / "test-basic" / "data"


def benchbench(*args: str, cwd: Path = REPO, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BENCHBENCH, *args], capture_output=True, text=True, cwd=cwd, check=False, timeout=300,
                          env={**os.environ, **(env or {})})


def module(name: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", name, *args], capture_output=True, text=True, cwd=REPO,
                          check=False, timeout=300, env={**os.environ, **(env or {})})


# -- benchbench ---------------------------------------------------------------------------------------------


def test_benchbench_without_a_command_shows_usage_and_fails() -> None:
    """No command is a usage error (status 2) that lists the commands; ``--help`` is the same text, status 0."""
    bare, helped = benchbench(), benchbench("--help")
    assert bare.returncode == 2 and helped.returncode == 0
    assert bare.stdout == helped.stdout
    lines = bare.stdout.splitlines()
    assert lines[0] == "usage: benchbench COMMAND [ARGS...]"
    names = [line.split()[0] for line in lines if line.startswith("  ")]
    assert names[:4] == ["run", "parse", "import", "check"], "the four documented commands, first"


def test_benchbench_version_and_unknown_commands() -> None:
    """``--version`` names the package's version; an unknown command is refused on stderr with the usage."""
    version = benchbench("--version")
    assert version.returncode == 0 and version.stdout == f"benchbench (sphinx-benchbench) {__version__}\n"
    wrong = benchbench("sumbit")
    assert wrong.returncode == 2 and wrong.stdout == ""
    assert wrong.stderr.startswith("benchbench: unknown command 'sumbit'\n\nusage: benchbench COMMAND")


def test_each_subcommand_is_the_checkout_command(tmp_path: Path) -> None:
    """``benchbench check|run|parse|import`` give what ``python -m sphinx_benchbench check``,
    ``runners.run``, ``runners.parse`` and ``runners.ingest`` give: same output, same status."""
    for args, checkout in ((["check", str(TOY), "--current", "python=3.13"],
                            ["sphinx_benchbench", "check", str(TOY), "--current", "python=3.13"]),
                           (["check", str(tmp_path / "none")], ["sphinx_benchbench", "check", str(tmp_path / "none")])):
        ours, theirs = benchbench(*args), module(*checkout)
        assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr)
    assert benchbench("check", str(TOY), "--current", "python=3.13").returncode == 1
    project = make_project(tmp_path, {"fake": ("generic", "--iterations 65")})
    env = {"BENCHBENCH_CACHE": str(project / ".cache")}
    listed = benchbench("run", "--list", "--data", str(project / "data"), env=env)
    assert listed.returncode == 0 and listed.stdout == module("runners.run", "--list", "--data",
                                                              str(project / "data"), env=env).stdout
    assert "  fake                     fails: " in listed.stdout
    log = tmp_path / "train.log"
    log.write_text("".join(f"[+{i * 0.5:.6f}] iteration {i}/20\n" for i in range(1, 21)), encoding="utf-8")
    parse_args = [str(log), "--format", "generic", "--option", "pattern=^iteration (?P<iteration>\\d+)/",
                  "--window", "5:15", "--images-per-iter", "1"]
    parsed = benchbench("parse", *parse_args)
    assert parsed.returncode == 0, parsed.stderr
    assert parsed.stdout == module("runners.parse", *parse_args).stdout
    assert '"seconds_per_iter": 0.5' in parsed.stdout
    imported = benchbench("import", "--help")
    assert imported.returncode == 0 and imported.stdout == module("runners.ingest", "--help").stdout


# -- the runner's command line ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("args", "status", "words"), [
    ([], 2, "give 'all' or a benchmark name (or --list)"),
    (["collect", "fake"], 2, "implementation ids go after a benchmark name, not after 'collect'"),
    (["fake", "ghost"], 1, None),
])
def test_runner_usage_mistakes(tmp_path: Path, args: list[str], status: int, words: str | None) -> None:
    """Mistakes on the runner's command line are one line and a status, never a traceback."""
    project = make_project(tmp_path, {"fake": ("generic", "--iterations 65")})
    done = runner(project, *args)
    assert done.returncode == status, done.stderr
    if words:
        assert words in done.stderr
    else:
        assert re.search(r"^  fake/ghost +failed +unknown implementation$", done.stdout, re.M), done.stdout
    assert "Traceback" not in done.stderr


def test_runner_data_folder_that_is_missing_or_a_file(tmp_path: Path) -> None:
    """``--data`` that does not exist, or is a file, is said so before anything else happens."""
    done = module("runners.run", "all", "--data", str(tmp_path / "nothere"))
    assert done.returncode == 2 and done.stderr == f"error: data folder {tmp_path / 'nothere'} not found\n"
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    done = module("runners.run", "all", "--data", str(tmp_path / "afile"))
    assert done.returncode == 2 and done.stderr == f"error: data folder {tmp_path / 'afile'} is not a folder\n"


@pytest.mark.parametrize(("text", "words"), [
    ("[bench, gpu]\n", "expected a mapping of cluster options"),
    ("partition: gpu\npartiton: cpu\nqueue: x\n", "unknown cluster option(s): partiton, queue"),
    ("cpus: [1, 2\n", "not valid YAML (while parsing a flow sequence"),
    (None, "No such file or directory"),
])
def test_a_bad_cluster_config_is_refused_before_anything_is_submitted(tmp_path: Path, text: str | None,
                                                                      words: str) -> None:
    """``--cluster-config`` that is no mapping, has unknown keys, is no YAML or is missing: one line, status 2
    (a usage error), and nothing submitted or recorded (no Slurm is needed to see it)."""
    project = make_project(tmp_path, {"fake": ("generic", "--iterations 65")},
                           options="{pattern: '^iteration (?P<iteration>\\d+)/'}")
    config = tmp_path / "cluster.yaml"
    if text is not None:
        config.write_text(text, encoding="utf-8")
    before = snapshot(project / "data")
    done = runner(project, "fake", "--executor", "slurm", "--cluster-config", str(config))
    assert done.returncode == 2
    assert done.stderr.startswith("error: ") and words in done.stderr, done.stderr
    assert "Traceback" not in done.stderr and "submitted" not in done.stderr
    assert not (project / ".cache/slurm").exists()
    assert snapshot(project / "data") == before


# -- progress on a terminal -------------------------------------------------------------------------------------


def runner_on_a_terminal(project: Path, *args: str, respond=None) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    env = {**os.environ, "BENCHBENCH_CACHE": str(project / ".cache"), "TERM": "xterm"}
    return run_in_pty([sys.executable, "-m", "runners.run", *args, "--data", str(project / "data")], cwd=REPO,
                      env=env, timeout=120, respond=respond)


def test_progress_is_a_redrawn_line_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal the run's progress is one status line redrawn in place (``\\r`` and erase-line) with the
    iteration and an ETA, cleared at the end; the quarter-by-quarter lines of a CI log are not printed."""
    args = f"--format detectron2 --iterations 70 --seconds {SECONDS * 2}"
    project = make_project(tmp_path, {"fake": ("detectron2", args)})
    status, out = runner_on_a_terminal(project, "fake", "--repeat", "2")
    assert status == 0, out
    for run in (1, 2):
        redraws = re.findall(rf"\r\x1b\[Kfake run {run}/2: iteration (\d+)/60 ?(ETA \d+ s)?", out)
        assert len(redraws) >= 2, out
        counts = [int(n) for n, _ in redraws]
        assert counts == sorted(counts) and counts[-1] >= 60
        assert any(eta for _, eta in redraws), "an ETA while the window is under way"
        cleared = rf"fake run {run}/2: iteration 6\d/60 \r\x1b\[Kfake run {run}/2: iterations 10-60 in \d"
        assert re.search(cleared, out), "the status line is cleared before the run's measurement is printed"
    assert "fake run 1/2: started" not in out and "iteration 15/60\r\n" not in out
    bench, problems = load_benchmark(project / "data", "fake")
    assert problems == [] and len(bench.results[0].samples) == 2


def test_wall_runs_redraw_their_count_on_a_terminal(tmp_path: Path) -> None:
    """The ``wall`` source's many short runs: a redrawn count and total on a terminal, then one line each."""
    project = tmp_path / "project"
    (project / "data/bench").mkdir(parents=True)
    (project / "data/bench/benchmark.yaml").write_text("""\
title: Wall
metric: {label: Time, unit: ms, direction: lower}
measurement: {description: Wall time., quantity: milliseconds-per-iteration}
implementations:
  - id: nap
    name: nap
    commands: ["sleep 0.05"]
    run:
      wall: {warmup: 1, min_runs: 3, min_time: 0}
""", encoding="utf-8")
    status, out = runner_on_a_terminal(project, "bench")
    assert status == 0, out
    assert [int(n) for n in re.findall(r"\r\x1b\[Knap: (\d+) runs, \d+\.\d s", out)] == [1, 2, 3]
    assert re.search(r"nap: 3 runs, median 0\.05\d+ s", out), out
    assert "warm-up run(s), not timed" not in out, "the series' announcement is for CI logs only"


def test_without_sbatch_nothing_can_be_submitted(tmp_path: Path) -> None:
    """``--executor slurm`` where there is no ``sbatch``: each job is refused with the reason, status 1,
    nothing remembered, nothing recorded."""
    project = make_project(tmp_path, {"fake": ("generic", "--iterations 65")},
                           options="{pattern: '^iteration (?P<iteration>\\d+)/'}")
    before = snapshot(project / "data")
    done = runner(project, "fake", "--executor", "slurm", env={"PATH": str(Path(sys.executable).parent)})
    assert done.returncode == 1, done.stderr
    assert re.search(r"^  fake/fake +failed +could not submit: sbatch not found: is this a Slurm submission host\?$",
                     done.stdout, re.M), done.stdout
    assert not (project / ".cache/slurm/jobs.json").exists()
    assert snapshot(project / "data") == before


def test_parse_measures_the_first_run_of_a_runner_log_and_says_why_there_is_no_cross_check(tmp_path: Path) -> None:
    """A log the runner kept of two runs (``=== run N/2 ===``): the first is measured (0.5 s per iteration,
    not the second run's 1.0 s); a generic pattern without seconds leaves nothing to cross-check, and the
    output says so; an integer option is passed as a number."""
    lines, t = [], 0.0
    for run, seconds in ((1, 0.5), (2, 1.0)):
        lines.append(f"[+{t:.6f}] === run {run}/2 ===")
        for i in range(1, 21):
            t += seconds
            lines.append(f"[+{t:.6f}] iteration {i}/20")
    log = tmp_path / "two-runs.log"
    log.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = module("runners.parse", str(log), "--format", "generic", "--option",
                  "pattern=^iteration (?P<iteration>\\d+)/", "--option", "rank=0", "--images-per-iter", "2",
                  "--window", "5:15")
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert (out["seconds_per_iter"], out["throughput"], out["covers"]) == (0.5, 4.0, [1, 20])
    assert out["own"] == {"refused": "the log prints no timing this format reads"}
    assert out["semantics"].endswith("no cross-check by the printed timing: the log prints no timing this format "
                                     "reads")
    wrong = module("runners.parse", str(log), "--format", "generic", "--option",
                   "pattern=^iteration (?P<iteration>\\d+)/", "--option", "rank=first", "--images-per-iter", "2")
    assert wrong.returncode == 1, wrong.stderr
    assert wrong.stderr == f"error: {log}: log format 'generic': option 'rank' must be an int >= 0, got 'first'\n"


# -- conventions every command shares: --help, --version, exit statuses, --json, NO_COLOR ------------------------

#: Every command, in both of its forms: the installed ``benchbench`` and the checkout's ``python -m``.
FORMS = [
    [BENCHBENCH], [BENCHBENCH, "run"], [BENCHBENCH, "parse"], [BENCHBENCH, "import"], [BENCHBENCH, "check"],
    [BENCHBENCH, "versions"], [sys.executable, "-m", "runners.run"], [sys.executable, "-m", "runners.parse"],
    [sys.executable, "-m", "runners.ingest"], [sys.executable, "-m", "sphinx_benchbench"],
    [sys.executable, "-m", "sphinx_benchbench", "check"], [sys.executable, "-m", "sphinx_benchbench", "versions"],
]


@pytest.mark.parametrize("argv", FORMS, ids=lambda argv: " ".join(Path(a).name for a in argv))
def test_every_command_answers_help_and_version(argv: list[str]) -> None:
    """``--help``: status 0 and the exit-status table at its end; ``--version``: the one line, status 0."""
    helped = subprocess.run([*argv, "--help"], capture_output=True, text=True, cwd=REPO, check=False, timeout=60)
    assert helped.returncode == 0, helped.stderr
    assert "exit status:" in helped.stdout and re.search(r"^  2    .*command-line mistake", helped.stdout, re.M)
    assert re.search(r"^  130  SIGINT", helped.stdout, re.M), helped.stdout
    version = subprocess.run([*argv, "--version"], capture_output=True, text=True, cwd=REPO, check=False, timeout=60)
    assert (version.returncode, version.stdout) == (0, f"benchbench (sphinx-benchbench) {__version__}\n")


def test_check_tells_invalid_from_stale(tmp_path: Path) -> None:
    """0 when nothing is found, 1 for stale results, 3 for invalid data, 3 when both (invalid wins), 2 for a
    usage error: a CI script can tell them apart by the status alone."""
    data = tmp_path / "data"
    shutil.copytree(TOY, data)
    fresh = benchbench("check", str(data), "--current", "python=3.11", "--max-age-days", "100000")
    stale = benchbench("check", str(data), "--current", "python=3.13")
    assert (fresh.returncode, stale.returncode) == (0, 1), fresh.stdout + stale.stdout
    (data / "toy/results/2024-02-01.yaml").write_text("results: [\n", encoding="utf-8")
    both = benchbench("check", str(data), "--current", "python=3.13", "--json")
    report = json.loads(both.stdout)
    assert both.returncode == 3 and report["invalid"] and report["stale"], both.stdout
    shutil.rmtree(data)
    shutil.copytree(TOY, data)
    bench = data / "toy/benchmark.yaml"
    bench.write_text(bench.read_text(encoding="utf-8").replace("direction: higher", "direction: up")
                     .replace("direction: lower", "direction: up"), encoding="utf-8")
    invalid = benchbench("check", str(data), "--current", "python=3.11", "--max-age-days", "100000")
    assert invalid.returncode == 3 and "invalid: " in invalid.stdout, invalid.stdout
    assert benchbench("check", str(tmp_path / "none")).returncode == 2


def test_check_reads_conf_py_as_sphinx_does(tmp_path: Path) -> None:
    """conf.py runs in its own folder with ``tags`` (``-t``) and ``__file__``; its ``benchbench_data_dir``,
    relative to that folder, is the data folder when none is given; a DATA_DIR given wins."""
    site = tmp_path / "site"
    shutil.copytree(TOY, site / "data")
    (site / "docs").mkdir()
    (site / "docs/policy.txt").write_text("python toylib\n", encoding="utf-8")
    (site / "docs/conf.py").write_text(
        'import os\n'
        'benchbench_data_dir = "../data"\n'
        'assert os.path.basename(__file__) == "conf.py"\n'
        'if tags.has("strict"):\n'
        '    benchbench_current_versions = {"python": "3.13"}\n'
        'else:\n'
        '    benchbench_staleness = {"ignore": open("policy.txt").read().split()}\n', encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    relaxed = benchbench("check", "--conf", str(site / "docs/conf.py"), "--json", cwd=elsewhere)
    assert relaxed.returncode == 0, relaxed.stdout + relaxed.stderr
    assert json.loads(relaxed.stdout)["data"] == str(site / "docs/../data")
    strict = benchbench("check", "--conf", str(site / "docs"), "-t", "strict", cwd=elsewhere)
    assert strict.returncode == 1 and "(now 3.13, from conf.py)" in strict.stdout, strict.stdout + strict.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    given = benchbench("check", str(empty), "--conf", str(site / "docs/conf.py"))
    assert given.returncode == 0 and "no invalid or stale results" in given.stdout, "the DATA_DIR given wins"
    (site / "docs/conf.py").write_text("x = (\n", encoding="utf-8")
    broken = benchbench("check", "--conf", str(site / "docs/conf.py"))
    assert broken.returncode == 2 and broken.stdout == "" and broken.stderr.count("\n") == 1, broken.stderr
    assert "syntax error" in broken.stderr and "Traceback" not in broken.stderr


def test_run_json_says_what_was_recorded_and_refused(tmp_path: Path) -> None:
    """``--json``: one JSON object on stdout (the human summary on stderr), each implementation's outcome,
    the counts and the exit status; a refused entry is ``refused``, the run's status 1."""
    project = make_project(tmp_path, {"fake": ("generic", "--iterations 65 --seconds 0.005"),
                                      "broken": ("no-such-format", "--iterations 65")},
                           options="{pattern: '^iteration (?P<iteration>\\d+)/'}")
    done = runner(project, "fake", "--json")
    assert done.returncode == 1, done.stderr
    report = json.loads(done.stdout)
    statuses = {o["implementation"]: o["status"] for o in report["outcomes"]}
    assert statuses == {"fake": "recorded", "broken": "refused"}, report
    assert report["exit_status"] == 1 and report["counts"] == {"recorded": 1, "refused": 1}
    assert report["interrupted"] is False and report["error"] is None
    assert "Summary:" in done.stderr and "Summary:" not in done.stdout
    planned = json.loads(runner(project, "all", "--dry-run", "--json").stdout)
    assert planned["plans"]["fake/fake"][-1].startswith("log ") or planned["plans"]["fake/fake"]
    assert {o["status"] for o in planned["outcomes"]} == {"planned", "refused"}
    listed = json.loads(runner(project, "--list", "--json").stdout)
    assert [i["status"] for i in listed["benchmarks"][0]["implementations"]] == ["runnable", "refused"]
    missing = module("runners.run", "all", "--json", "--data", str(tmp_path / "nothere"))
    assert missing.returncode == 2 and json.loads(missing.stdout)["error"].endswith("not found")


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}])
def test_no_color_and_a_dumb_terminal_get_no_escapes(tmp_path: Path, env: dict[str, str]) -> None:
    """``NO_COLOR`` (any non-empty value) or ``TERM=dumb``: even on a terminal, no escape sequence and no
    redrawn line, the plain progress lines of a CI log instead."""
    args = f"--format detectron2 --iterations 70 --seconds {SECONDS}"
    project = make_project(tmp_path, {"fake": ("detectron2", args)})
    full = {**os.environ, "BENCHBENCH_CACHE": str(project / ".cache"), "TERM": "xterm", **env}
    status, out = run_in_pty([sys.executable, "-m", "runners.run", "fake", "--data", str(project / "data")],
                             cwd=REPO, env=full, timeout=120)
    assert status == 0, out
    assert "\x1b" not in out and "\r\x1b[K" not in out, repr(out[-500:])
    assert "fake run 1/1: started" in out


def test_list_and_dry_run_ask_nvidia_smi_nothing(tmp_path: Path) -> None:
    """``--list`` and ``all --dry-run`` decide whether an 8-GPU entry can run here without starting
    ``nvidia-smi`` (the driver's own list of GPUs is read, or its absence means none), however many entries
    need GPUs; a fake ``nvidia-smi`` first on PATH counts its calls."""
    project = make_project(tmp_path, {f"gpu{n}": ("generic", "--iterations 65") for n in range(8)},
                           options="{pattern: '^iteration (?P<iteration>\\d+)/'}")
    bench = project / "data/fake/benchmark.yaml"
    bench.write_text(bench.read_text(encoding="utf-8").replace("      timeout: 60\n",
                                                               "      timeout: 60\n      requires: {gpus: 8}\n"),
                     encoding="utf-8")
    calls = tmp_path / "calls"
    fake = tmp_path / "bin/nvidia-smi"
    fake.parent.mkdir()
    fake.write_text(f"#!/bin/sh\necho \"$@\" >> {calls}\necho 'NVIDIA H100 80GB HBM3, 81559, 550.54.15'\n",
                    encoding="utf-8")
    fake.chmod(0o755)
    env = {"PATH": f"{fake.parent}{os.pathsep}{os.environ['PATH']}"}
    listed = runner(project, "--list", env=env)
    planned = runner(project, "all", "--dry-run", env=env)
    assert listed.returncode == 0 and planned.returncode == 0, listed.stderr + planned.stderr
    assert listed.stdout.count("skipped here: needs 8 NVIDIA GPU(s), found") == 8 or \
        listed.stdout.count("runnable") == 8, listed.stdout
    assert not calls.exists(), calls.read_text()


def test_the_exit_status_table_is_documented_where_users_read_it() -> None:
    """Each status of :mod:`sphinx_benchbench.exits` is in the README and in the runners' docs page."""
    from sphinx_benchbench.exits import TABLE

    for path in (REPO / "README.md", REPO / "docs/runners/running.rst"):
        text = path.read_text(encoding="utf-8")
        for code, name, _ in TABLE:
            assert re.search(rf"\b{code}\W+{name}\b", text), f"{path.name}: status {code} ({name})"
