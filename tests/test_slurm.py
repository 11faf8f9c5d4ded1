"""The runner against a real single-node Slurm (Debian's slurm-wlm and munge) on loopback.

The fixture starts ``munged``, ``slurmctld`` and ``slurmd`` with a throw-away
configuration, state and spool folder, waits until the node is idle, and stops
everything afterwards.  ``make test`` installs the packages when missing
(``tools/ensure-slurm.sh``); the test is skipped only where they cannot be had.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sphinx_benchbench.data.loader import load_benchmark

from .conftest import REPO, TESTS, run_in_pty, snapshot

DAEMONS = ("munged", "mungekey", "slurmctld", "slurmd", "sbatch", "squeue", "scontrol", "scancel", "sinfo")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(argv: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=60, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed: {done.stderr or done.stdout}")


@pytest.fixture(scope="module")
def cluster() -> Iterator[dict[str, str]]:
    """A running single-node cluster; yields the environment that points the Slurm tools at it."""
    missing = [d for d in DAEMONS if not shutil.which(d)]
    if missing:
        pytest.skip(f"Slurm is not installed here ({', '.join(missing)} missing; run tools/ensure-slurm.sh as root)")
    if os.geteuid() != 0:
        pytest.skip("the throw-away cluster runs its daemons as root")
    root = Path(tempfile.mkdtemp(prefix="bbslurm-", dir="/tmp"))  # short: the munge socket path is limited
    for sub in ("state", "spool", "log", "munge"):
        (root / sub).mkdir()
    key, sock = root / "munge/munge.key", root / "munge/munge.socket"
    env = {**os.environ, "SLURM_CONF": str(root / "slurm.conf")}
    try:
        _start(["mungekey", "--create", f"--keyfile={key}", "--force"], env)
        key.chmod(0o600)
        _start(["munged", "--force", f"--key-file={key}", f"--socket={sock}", f"--pid-file={root}/munge/pid",
                f"--log-file={root}/munge/log", f"--seed-file={root}/munge/seed"], env)
        (root / "slurm.conf").write_text(f"""\
ClusterName=bbtest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={_free_port()}
SlurmdPort={_free_port()}
AuthType=auth/munge
AuthInfo=socket={sock}
CredType=cred/munge
SlurmUser=root
SlurmdUser=root
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MinJobAge=3600
NodeName=localhost NodeAddr=127.0.0.1 CPUs={os.cpu_count() or 1} RealMemory=2000 State=UNKNOWN
PartitionName=bench Nodes=localhost Default=YES MaxTime=INFINITE State=UP
""", encoding="utf-8")
        _start(["slurmctld", "-f", env["SLURM_CONF"]], env)
        _start(["slurmd", "-f", env["SLURM_CONF"], "-N", "localhost"], env)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = subprocess.run(["sinfo", "-h", "-o", "%T"], env=env, capture_output=True, text=True,
                                   check=False).stdout.strip()
            if state == "idle":
                break
            time.sleep(0.5)
        else:
            raise RuntimeError(f"the node never became idle: {state!r}\n"
                               + (root / "log/slurmctld.log").read_text(errors="replace")[-2000:])
        yield env
    finally:
        subprocess.run(["scancel", "--user", "root"], env=env, capture_output=True, check=False)
        for pidfile in ("slurmd.pid", "slurmctld.pid", "munge/pid"):
            path = root / pidfile
            if path.is_file():
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(path.read_text().strip()), signal.SIGTERM)
        time.sleep(1)
        shutil.rmtree(root, ignore_errors=True)


WRITER = """\
import sys, time
from sphinx_benchbench.runners.executors import slurm
name, start = sys.argv[1], float(sys.argv[2])
while time.time() < start:
    time.sleep(0.002)
for n in range(40):
    slurm.remember([slurm.Job(f"{name}-{n}", "/f", "/d", "b", name, 1, None)])
    if n % 4 == 3:
        slurm.forget(slurm.Job(f"{name}-{n - 1}", "/f", "/d", "b", name, 1, None))
"""


def test_concurrent_submitters_lose_no_job(tmp_path: Path) -> None:
    """Four processes remember and forget jobs in the same jobs.json at once (no Slurm needed): every job
    remembered and not forgotten is there, the file is whole JSON, no temporary file is left."""
    start = str(time.time() + 1.0)
    env = {**os.environ, "BENCHBENCH_CACHE": str(tmp_path)}
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, f"w{i}", start], env=env, cwd=REPO,
                              stderr=subprocess.PIPE, text=True) for i in range(4)]
    errors = [p.communicate(timeout=120)[1] for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, errors
    jobs = json.loads((tmp_path / "slurm/jobs.json").read_text(encoding="utf-8"))
    expected = {f"w{i}-{n}" for i in range(4) for n in range(40) if n % 4 != 2}
    assert {job["job_id"] for job in jobs} == expected
    assert sorted(p.name for p in (tmp_path / "slurm").iterdir()) == ["jobs.json", "jobs.json.lock"]


def runner(env: dict[str, str], *args: str, cache: Path, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "runners.run", *args], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout, check=False, env={**env, "BENCHBENCH_CACHE": str(cache)})


def fake_project(tmp_path: Path, impl_id: str, args: str, extra: str) -> Path:
    """A project whose one implementation runs the fake trainer with ``args``."""
    project = tmp_path / "project"
    (project / "data/fake").mkdir(parents=True)
    shutil.copy(TESTS / "fake_trainer.py", project)
    (project / "data/fake/benchmark.yaml").write_text(f"""\
title: Fake
metric: {{label: Speed, unit: it/s, direction: higher}}
measurement:
  description: Iterations per second over 10-60.
  window: {{start: 10, end: 60}}
implementations:
  - id: {impl_id}
    name: {impl_id}
    commands: ["python fake_trainer.py --format generic {args}"]
    run:
      log: {{format: generic, options: {{pattern: '^iteration (?P<iteration>\\d+)/'}}}}
      items_per_iteration: 1
{extra}""", encoding="utf-8")
    return project


def test_cpu_suite_through_sbatch_is_recorded(cluster: dict[str, str], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(REPO / "data", data)
    shutil.rmtree(data / "sphinx-render/results", ignore_errors=True)
    before_maskrcnn = snapshot(data / "maskrcnn-training")
    done = runner(cluster, "sphinx-render", "--executor", "slurm", "--repeat", "1", "--partition", "bench",
                  "--data", str(data), cache=tmp_path / "cache")
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr.count("submitted sphinx-render/") == 4
    assert "RUNNING" in done.stderr and "DONE" in done.stderr
    bench, problems = load_benchmark(data, "sphinx-render")
    assert problems == []
    assert sorted(r.implementation for r in bench.results) == ["benchmark-table", "by-hand", "csv-table", "list-table"]
    for result in bench.results:
        assert result.status == "measured" and len(result.samples) == 1 and result.samples[0] > 0
        assert result.log and (data / "sphinx-render/results" / result.log).is_file()
    assert snapshot(data / "maskrcnn-training") == before_maskrcnn
    assert not (tmp_path / "cache/slurm/jobs.json").read_text().strip("[] \n"), "finished jobs are forgotten"


def test_a_job_killed_mid_run_leaves_data_unchanged(cluster: dict[str, str], tmp_path: Path) -> None:
    project = fake_project(tmp_path, "hangs", "--iterations 100 --hang-at 5", "      timeout: 600\n")
    before = snapshot(project / "data")
    proc = subprocess.Popen([sys.executable, "-m", "runners.run", "fake", "--executor", "slurm", "--data",
                             str(project / "data")], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, env={**cluster, "BENCHBENCH_CACHE": str(tmp_path / "cache")})
    deadline = time.monotonic() + 120
    job_id = ""
    while time.monotonic() < deadline and not job_id:
        out = subprocess.run(["squeue", "-h", "-t", "RUNNING", "-n", "bench-fake-hangs", "-o", "%i"], env=cluster,
                             capture_output=True, text=True, check=False).stdout.split()
        job_id = out[0] if out else ""
        time.sleep(0.5)
    assert job_id, "the job never started running"
    time.sleep(2)
    subprocess.run(["scancel", job_id], env=cluster, check=True)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 1, err
    assert f"FAILED fake/hangs: job {job_id} ended CANCELLED" in err
    assert snapshot(project / "data") == before


def test_interrupted_submitter_leaves_jobs_and_collect_records_them(cluster: dict[str, str], tmp_path: Path) -> None:
    project = fake_project(tmp_path, "steady", "--iterations 70 --seconds 0.1", "")
    env = {**cluster, "BENCHBENCH_CACHE": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "runners.run", "fake", "--executor", "slurm", "--data",
                             str(project / "data")], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if subprocess.run(["squeue", "-h", "-t", "RUNNING", "-n", "bench-fake-steady", "-o", "%i"], env=cluster,
                          capture_output=True, text=True, check=False).stdout.strip():
            break
        time.sleep(0.3)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "left 1 job(s) running; record them later with: python -m runners.run collect" in err
    assert not (project / "data/fake/results").exists(), "nothing recorded by the interrupted submitter"
    early = runner(env, "collect", "--data", str(project / "data"), cache=tmp_path / "cache")
    assert early.returncode == 0, early.stdout + early.stderr
    assert re.search(r"^job \d+ fake/steady: still queued or running$", early.stderr, re.M), early.stderr
    assert not (project / "data/fake/results").exists(), "a job still running is left to a later collect"
    while subprocess.run(["squeue", "-h", "-n", "bench-fake-steady"], env=cluster, capture_output=True,
                         text=True, check=False).stdout.strip() and time.monotonic() < deadline + 60:
        time.sleep(0.5)
    collected = runner(env, "collect", "--data", str(project / "data"), cache=tmp_path / "cache")
    assert collected.returncode == 0, collected.stdout + collected.stderr
    assert "fake/steady  recorded" in collected.stdout
    bench, problems = load_benchmark(project / "data", "fake")
    assert problems == [] and abs(bench.results[0].samples[0] / 10 - 1) < 0.05


def test_retry_resubmits_a_failed_job(cluster: dict[str, str], tmp_path: Path) -> None:
    project = fake_project(tmp_path, "broken", "--iterations 40 --seconds 0.01 --exit-code 3", "")
    before = snapshot(project / "data")
    done = runner(cluster, "fake", "--executor", "slurm", "--retry", "1", "--data", str(project / "data"),
                  cache=tmp_path / "cache")
    assert done.returncode == 1
    assert "resubmitted fake/broken (try 2)" in done.stderr
    assert done.stderr.count("FAILED fake/broken") == 2, "each failed try is reported"
    assert "python exited with status 3" in done.stderr
    assert snapshot(project / "data") == before


def test_cluster_config_file_options_reach_sbatch_and_the_command_line_wins(cluster: dict[str, str],
                                                                              tmp_path: Path) -> None:
    """``--cluster-config`` gives the job's options (here a partition that does not exist and an sbatch
    comment); ``--partition`` on the command line overrides the file's; the job runs and is recorded."""
    project = fake_project(tmp_path, "configured", "--iterations 70 --seconds 0.01", "")
    config = tmp_path / "cluster.yaml"
    config.write_text("partition: no-such-partition\nsbatch: {comment: from-the-config}\n", encoding="utf-8")
    done = runner(cluster, "fake", "--executor", "slurm", "--cluster-config", str(config), "--partition", "bench",
                  "--data", str(project / "data"), cache=tmp_path / "cache")
    assert done.returncode == 0, done.stdout + done.stderr
    (script,) = (tmp_path / "cache/slurm").glob("*-fake-configured/*_submission.sh")
    lines = script.read_text().splitlines()
    assert "#SBATCH --partition=bench" in lines and "#SBATCH --comment=from-the-config" in lines, lines
    assert not any("no-such-partition" in line for line in lines)
    bench, problems = load_benchmark(project / "data", "fake")
    assert problems == [] and [r.implementation for r in bench.results] == ["configured"]


@pytest.mark.parametrize("answer", ["yes", "no", "end of input"])
def test_ctrl_c_on_a_terminal_asks_whether_to_cancel_the_jobs(cluster: dict[str, str], tmp_path: Path,
                                                              answer: str) -> None:
    """Ctrl-C while a job runs, on a terminal: the runner asks whether to cancel.  Answered yes, it cancels the
    job with scancel and forgets it; answered no, or with Ctrl-D, it leaves the job running for ``collect``.
    Either way nothing is recorded and it exits 130."""
    project = fake_project(tmp_path, "hangs", "--iterations 100 --hang-at 5", "      timeout: 600\n")
    before = snapshot(project / "data")
    env = {**cluster, "BENCHBENCH_CACHE": str(tmp_path / "cache")}
    sent: list[str] = []
    typed = {"yes": b"y\n", "no": b"n\n", "end of input": b"\x04"}[answer]

    def keys(out: str) -> bytes | None:
        if "fake/hangs: RUNNING" in out and "ctrl-c" not in sent:
            sent.append("ctrl-c")
            time.sleep(1)
            return b"\x03"
        if "still queued or running? [y/N]" in out and answer not in sent:
            sent.append(answer)
            return typed
        return None

    status, out = run_in_pty([sys.executable, "-m", "runners.run", "fake", "--executor", "slurm", "--data",
                              str(project / "data")], cwd=REPO, env=env, timeout=180, respond=keys)
    assert sent == ["ctrl-c", answer], out
    assert status == 130, out
    job_id = re.search(r"submitted fake/hangs: job (\d+)", out)[1]  # type: ignore[index]
    assert "cancel the 1 job(s) still queued or running? [y/N]" in out
    remembered = json.loads((tmp_path / "cache/slurm/jobs.json").read_text())
    if answer == "yes":
        assert "cancelled; nothing was recorded for them" in out
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            state = subprocess.run(["scontrol", "show", "job", job_id], env=cluster, capture_output=True,
                                   text=True, check=False).stdout
            if "JobState=CANCELLED" in state:
                break
            time.sleep(0.5)
        assert "JobState=CANCELLED" in state, state
        assert remembered == [], "the cancelled job is forgotten"
    else:
        assert "left 1 job(s) running; record them later with: python -m runners.run collect" in out
        assert [job["job_id"] for job in remembered] == [job_id]
        state = subprocess.run(["scontrol", "show", "job", job_id], env=cluster, capture_output=True, text=True,
                               check=False).stdout
        assert "JobState=RUNNING" in state, state
        subprocess.run(["scancel", job_id], env=cluster, check=True)
    assert snapshot(project / "data") == before


def test_a_gpu_job_the_cluster_cannot_take_is_refused_at_submission(cluster: dict[str, str], tmp_path: Path) -> None:
    """An implementation that needs 8 GPUs asks sbatch for them; this cluster has none, so sbatch refuses the
    job and the runner reports it as not submitted, records nothing and remembers no job."""
    project = fake_project(tmp_path, "gpus", "--iterations 70", "      requires: {gpus: 8}\n")
    before = snapshot(project / "data")
    done = runner(cluster, "fake", "--executor", "slurm", "--data", str(project / "data"), cache=tmp_path / "cache")
    assert done.returncode == 1, done.stdout + done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("  fake/gpus"))
    assert re.match(r"^  fake/gpus +failed +could not submit: ", line), line
    assert "submitted" not in done.stderr
    registry = tmp_path / "cache/slurm/jobs.json"
    assert not registry.exists() or json.loads(registry.read_text()) == []
    assert snapshot(project / "data") == before


def test_collect_reports_a_job_whose_entry_changed_or_whose_result_cannot_be_recorded(
        cluster: dict[str, str], tmp_path: Path) -> None:
    """Two jobs left running by an interrupted submitter finish; meanwhile one's entry was removed from the
    data and the other's results folder became a link out of the data folder.  ``collect`` records neither,
    says why for each, and forgets both jobs."""
    project = fake_project(tmp_path, "renamed", "--iterations 70 --seconds 0.12", "")
    bench_yaml = project / "data/fake/benchmark.yaml"
    entry = bench_yaml.read_text(encoding="utf-8").split("implementations:\n")[1]
    bench_yaml.write_text(bench_yaml.read_text(encoding="utf-8") + entry.replace("renamed", "diverted"),
                          encoding="utf-8")
    env = {**cluster, "BENCHBENCH_CACHE": str(tmp_path / "cache")}
    proc = subprocess.Popen([sys.executable, "-m", "runners.run", "fake", "--executor", "slurm", "--data",
                             str(project / "data")], cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            stdin=subprocess.DEVNULL, text=True, env=env)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and sorted(subprocess.run(
            ["squeue", "-h", "-t", "RUNNING", "-o", "%j"], env=cluster, capture_output=True, text=True,
            check=False).stdout.split()) != ["bench-fake-diverted", "bench-fake-renamed"]:
        time.sleep(0.3)
    time.sleep(3)  # both have loaded the data on the node and are measuring
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "left 2 job(s) running" in err, err
    bench_yaml.write_text(bench_yaml.read_text(encoding="utf-8").replace("id: renamed", "id: another"),
                          encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (project / "data/fake/results").symlink_to(outside)
    while subprocess.run(["squeue", "-h", "-o", "%j"], env=cluster, capture_output=True, text=True,
                         check=False).stdout.strip() and time.monotonic() < deadline + 120:
        time.sleep(0.5)
    collected = runner(env, "collect", "--data", str(project / "data"), cache=tmp_path / "cache")
    assert collected.returncode == 1, collected.stdout + collected.stderr
    summary = {line.split()[0]: line for line in collected.stdout.splitlines() if line.startswith("  fake/")}
    assert "the data changed while it ran, or it returned no measurement" in summary["fake/renamed"], summary
    assert "could not record: " in summary["fake/diverted"] and "leads outside the data folder" in \
        summary["fake/diverted"], summary
    assert "FAILED fake/renamed: job " in collected.stderr
    assert json.loads((tmp_path / "cache/slurm/jobs.json").read_text()) == []
    assert list(outside.iterdir()) == []
