"""Tests for sphinx_benchbench.runners.capture with real child processes.

Why these tests look the way they do: what envcapture records is published
next to every measured number, so a wrong GPU count, a version read from the
runner's environment instead of the implementation's, or a leaked host name
would be silently wrong on the page.  Nothing here mocks ``subprocess``: the
probe runs in real interpreters (this venv's own, and small venvs made in
``tmp_path`` with a stand-in ``torch`` package), and ``nvidia-smi`` is replaced
by executables written into ``tmp_path`` that print output copied from real
machines (sources noted next to each sample) or fail or hang.
"""

from __future__ import annotations

import dataclasses
import getpass
import importlib.metadata
import json
import os
import platform
import re
import shlex
import shutil
import socket
import stat
import subprocess
import sys
import time
import venv
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from sphinx_benchbench.data.convert import Converter
from sphinx_benchbench.data.model import Provenance, Result, VersionProbe
from sphinx_benchbench.runners.capture import (
    Environment,
    capture,
    cudnn_version_text,
    parse_gpu_query,
    parse_topology,
)
from sphinx_benchbench.runners.capture.cpu import model_from_cpuinfo, model_from_lscpu, pick_model

from .conftest import REPO

# --------------------------------------------------------------------------
# Real nvidia-smi output

#: ``nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits`` on an
#: 8x V100-SXM2-32GB machine.  The row format (", " separated, MiB without unit) is the one shown
#: for this query in public test fixtures found by code search, e.g. "NVIDIA H100 80GB HBM3, 81559,
#: 565.57.01" and "Tesla V100-SXM2-32GB, 32768, ..." rows; V100-SXM2-32GB reports 32768 MiB with
#: recent drivers and 32510 MiB with older ones (both seen in public logs).  The driver version is
#: the one this test is about (535.104.05, a public R535 release).
V100_QUERY = "".join("Tesla V100-SXM2-32GB, 32768, 535.104.05\n" for _ in range(8))

#: ``nvidia-smi topo -m`` of a DGX-1-style 8x V100-SXM2 machine (hybrid cube-mesh: NV1/NV2 links,
#: SYS between the halves), copied from Oneflow-Inc/DLPerf, NVIDIADeepLearningExamples/README.md
#: (also in its reports/dlperf_benchmark_test_report_v1.md).  Space-separated, older driver.
DGX1_TOPO = """\
        GPU0    GPU1    GPU2    GPU3    GPU4    GPU5    GPU6    GPU7    mlx5_0  CPU Affinity
GPU0     X      NV1     NV1     NV2     NV2     SYS     SYS     SYS     NODE    0-11,24-35
GPU1    NV1      X      NV2     NV1     SYS     NV2     SYS     SYS     NODE    0-11,24-35
GPU2    NV1     NV2      X      NV2     SYS     SYS     NV1     SYS     PIX     0-11,24-35
GPU3    NV2     NV1     NV2      X      SYS     SYS     SYS     NV1     PIX     0-11,24-35
GPU4    NV2     SYS     SYS     SYS      X      NV1     NV1     NV2     SYS     12-23,36-47
GPU5    SYS     NV2     SYS     SYS     NV1      X      NV2     NV1     SYS     12-23,36-47
GPU6    SYS     SYS     NV1     SYS     NV1     NV2      X      NV2     SYS     12-23,36-47
GPU7    SYS     SYS     SYS     NV1     NV2     NV1     NV2      X      SYS     12-23,36-47
mlx5_0  NODE    NODE    PIX     PIX     SYS     SYS     SYS     SYS      X

Legend:

  X    = Self
  SYS  = Connection traversing PCIe as well as the SMP interconnect between NUMA nodes (e.g., QPI/UPI)
  NODE = Connection traversing PCIe as well as the interconnect between PCIe Host Bridges within a NUMA node
  PHB  = Connection traversing PCIe as well as a PCIe Host Bridge (typically the CPU)
  PXB  = Connection traversing multiple PCIe bridges (without traversing the PCIe Host Bridge)
  PIX  = Connection traversing at most a single PCIe bridge
  NV#  = Connection traversing a bonded set of # NVLinks
"""

#: ``nvidia-smi topo -m`` of a PCIe-only 8-GPU machine in the current tab-separated layout (with the
#: ``NUMA Affinity`` and ``GPU NUMA ID`` columns), from a "GPU Topology Analysis" report found by
#: code search (the index did not name its repository).
PCIE_TOPO = (
    "\tGPU0\tGPU1\tGPU2\tGPU3\tGPU4\tGPU5\tGPU6\tGPU7\tCPU Affinity\tNUMA Affinity\tGPU NUMA ID\n"
    "GPU0\t X \tNODE\tNODE\tNODE\tNODE\tNODE\tSYS\tSYS\t0-15,32-47\t0\t\tN/A\n"
    "GPU1\tNODE\t X \tPHB\tNODE\tNODE\tNODE\tSYS\tSYS\t0-15,32-47\t0\t\tN/A\n"
    "GPU2\tNODE\tPHB\t X \tNODE\tNODE\tNODE\tSYS\tSYS\t0-15,32-47\t0\t\tN/A\n"
    "GPU3\tNODE\tNODE\tNODE\t X \tPHB\tNODE\tSYS\tSYS\t0-15,32-47\t0\t\tN/A\n"
    "GPU4\tNODE\tNODE\tNODE\tPHB\t X \tNODE\tSYS\tSYS\t0-15,32-47\t0\t\tN/A\n"
    "GPU5\tNODE\tNODE\tNODE\tNODE\tNODE\t X \tSYS\tSYS\t0-15,32-47\t0\t\tN/A\n"
    "GPU6\tSYS\tSYS\tSYS\tSYS\tSYS\tSYS\t X \tPHB\t16-31,48-63\t1\t\tN/A\n"
    "GPU7\tSYS\tSYS\tSYS\tSYS\tSYS\tSYS\tPHB\t X \t16-31,48-63\t1\t\tN/A\n"
    "\n"
    "Legend:\n"
    "\n"
    "  X    = Self\n"
    "  SYS  = Connection traversing PCIe as well as the SMP interconnect between NUMA nodes (e.g., QPI/UPI)\n"
    "  NV#  = Connection traversing a bonded set of # NVLinks\n"
)

#: ``nvidia-smi topo -m`` of a DGX H100 (every pair NV18 through NVSwitch), as shown on
#: https://kubernetes.recipes/recipes/ai/dgx-h100-nvidia-smi-topo-kubernetes/ (first 3 GPUs kept).
H100_TOPO = """\
        GPU0  GPU1  GPU2  CPU Affinity  NUMA
GPU0     X    NV18  NV18  0-51         0
GPU1    NV18   X    NV18  0-51         0
GPU2    NV18  NV18   X    0-51         0
"""

#: One H100 SXM, as in public fixtures of this exact query ("NVIDIA H100 80GB HBM3, 81559, 565.57.01").
H100_QUERY = "NVIDIA H100 80GB HBM3, 81559, 565.57.01\n"


# --------------------------------------------------------------------------
# Fixtures: executables and interpreters made in tmp_path


def _executable(path: Path, text: str) -> Path:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


FakeSmi = Callable[..., Path]


@pytest.fixture
def fake_smi(tmp_path: Path) -> FakeSmi:
    """Write an ``nvidia-smi`` that answers the two calls envcapture makes and logs its arguments.

    ``--id=`` is honoured the way nvidia-smi does (only the listed GPU indices are printed).
    """

    def make(query: str = V100_QUERY, topo: str | None = DGX1_TOPO, query_exit: int = 0) -> Path:
        folder = tmp_path / "fakebin"
        folder.mkdir(exist_ok=True)
        (folder / "query.txt").write_text(query)
        (folder / "topo.txt").write_text(topo if topo is not None else "")
        script = f"""#!{sys.executable}
import sys
from pathlib import Path
here = Path(__file__).parent
args = sys.argv[1:]
with open(here / "calls.log", "a") as log:
    log.write(" ".join(args) + "\\n")
if args[:2] == ["topo", "-m"]:
    if {topo is None!r}:
        sys.exit(3)
    sys.stdout.write((here / "topo.txt").read_text())
elif args and args[0].startswith("--query-gpu=name,memory.total,driver_version"):
    if {query_exit!r}:
        print("No devices were found")
        sys.exit({query_exit!r})
    rows = (here / "query.txt").read_text().splitlines()
    ids = [a[5:] for a in args if a.startswith("--id=")]
    keep = {{int(i) for i in ids[0].split(",")}} if ids else set(range(len(rows)))
    for index, row in enumerate(rows):
        if index in keep:
            print(row)
else:
    sys.exit(2)
"""
        return _executable(folder / "nvidia-smi", script)

    return make


def _calls(smi: Path) -> list[str]:
    log = smi.parent / "calls.log"
    return log.read_text().splitlines() if log.exists() else []


def _make_venv(root: Path, packages: dict[str, str], torch_init: str | None = None) -> str:
    """A bare venv whose site-packages holds dist-info folders (name -> version) and maybe a ``torch``."""
    venv.EnvBuilder(with_pip=False, symlinks=True).create(root)
    purelib = root / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    for name, version in packages.items():
        info = purelib / f"{name.replace('-', '_')}-{version}.dist-info"
        info.mkdir(parents=True)
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
    if torch_init is not None:
        (purelib / "torch").mkdir()
        (purelib / "torch" / "__init__.py").write_text(torch_init)
    return str(root / "bin" / "python")


FAKE_TORCH = """\
import types
print("a line an import prints on stdout")
__version__ = "2.3.1+cu121"
version = types.SimpleNamespace(cuda="12.1", hip=None)
class _Cudnn:
    @staticmethod
    def version():
        return 8902
backends = types.SimpleNamespace(cudnn=_Cudnn())
"""


# --------------------------------------------------------------------------
# Software: the probe in a real interpreter


#: What the tests ask for, as an implementation's ``run.packages`` would.
ASKED = ("torch", "torchvision", "tensorflow", "mxnet", "numpy", "pandas", "sphinx", "docutils", "pyyaml",
         "myst-parser")


def test_probe_of_this_venv_matches_its_metadata() -> None:
    env = capture(sys.executable, packages=ASKED, nvidia_smi=None)
    assert env.warnings == ("not installed in the implementation's interpreter: torchvision, tensorflow, mxnet",
                            "not installed in the implementation's interpreter: torch")
    # The probe ran this very interpreter, so its answers equal this process's.
    assert env.software["python"] == platform.python_version()
    for key, dist in (("sphinx", "sphinx"), ("docutils", "docutils"), ("pyyaml", "PyYAML")):
        assert env.software[key] == importlib.metadata.version(dist)
    for key in ("numpy", "pandas", "myst-parser"):
        assert env.software[key] == importlib.metadata.version(key)
    # Absent packages are left out, not recorded as empty or None.
    for key in ("torch", "tensorflow", "mxnet", "cuda", "cudnn"):
        try:
            importlib.metadata.version(key)
        except importlib.metadata.PackageNotFoundError:
            assert key not in env.software
    assert next(iter(env.software)) == "python"


def test_only_the_declared_packages_are_recorded() -> None:
    """The runner's own tool chain is not what a compressor runs: nothing undeclared is recorded."""
    assert capture(sys.executable, nvidia_smi=None).software == {"python": platform.python_version()}
    env = capture(sys.executable, packages=("docutils",), nvidia_smi=None)
    assert env.software == {"python": platform.python_version(), "docutils": importlib.metadata.version("docutils")}
    assert env.warnings == ()


def test_probe_reads_the_implementations_interpreter_not_the_runners(tmp_path: Path) -> None:
    python = _make_venv(
        tmp_path / "impl",
        {
            "torch": "2.3.1+cu121",
            "torchvision": "0.18.1+cu121",
            "mxnet-cu101": "1.6.0",
            "tensorflow-estimator": "2.15.0",  # must not be taken for tensorflow
            "PyYAML": "5.4.1",
        },
        FAKE_TORCH,
    )
    env = capture(python, packages=("torch", "torchvision", "mxnet", "tensorflow", "pyyaml"), nvidia_smi=None)
    assert env.warnings == ("not installed in the implementation's interpreter: tensorflow",)
    assert env.software == {
        "python": platform.python_version(),
        "torch": "2.3.1+cu121",
        "torchvision": "0.18.1+cu121",
        "mxnet": "1.6.0",
        "pyyaml": "5.4.1",  # the venv's, not this process's
        "cuda": "12.1",
        "cudnn": "8.9.2",
    }


def test_torch_that_fails_to_import_keeps_the_versions_and_warns(tmp_path: Path) -> None:
    init = 'raise OSError("libcudnn.so.8: cannot open shared object file: No such file or directory")\n'
    python = _make_venv(tmp_path / "impl", {"torch": "1.5.0"}, init)
    env = capture(python, packages=("torch",), nvidia_smi=None)
    assert env.software == {"python": platform.python_version(), "torch": "1.5.0"}
    assert env.warnings == (
        "cuda and cudnn versions not recorded: torch is installed but importing it failed (OSError)",
    )


def test_torch_import_past_the_timeout_keeps_what_was_printed(tmp_path: Path) -> None:
    python = _make_venv(tmp_path / "impl", {"torch": "2.0.0"}, "import time\ntime.sleep(60)\n")
    start = time.monotonic()
    env = capture(python, packages=("torch",), nvidia_smi=None, timeout=3)
    assert time.monotonic() - start < 15
    assert env.software == {"python": platform.python_version(), "torch": "2.0.0"}
    assert len(env.warnings) == 1
    assert "did not finish within 3 s" in env.warnings[0]
    assert env.warnings[0].startswith("cuda and cudnn versions not recorded")


@pytest.mark.parametrize(
    ("python", "why"),
    [
        ("{tmp}/no/such/python", "could not be started (FileNotFoundError)"),
        ("/bin/false", "exited with status 1"),
        ("/bin/echo", "printed no result"),  # not Python: prints its arguments, exits 0
        ("{tmp}", "could not be started (PermissionError)"),  # a folder
    ],
)
def test_a_probe_that_fails_warns_and_records_no_software(tmp_path: Path, python: str, why: str) -> None:
    env = capture(python.format(tmp=tmp_path), nvidia_smi=None)
    assert env.software == {}
    assert env.warnings == (
        f"software versions not recorded: the implementation's interpreter {why} when asked for its package versions",
    )
    assert str(tmp_path) not in repr(env)


def test_a_crashing_interpreter_is_reported_by_signal(tmp_path: Path) -> None:
    python = _executable(tmp_path / "python", "#!/bin/sh\nkill -SEGV $$\n")
    env = capture(str(python), nvidia_smi=None)
    assert env.software == {}
    assert "was killed by SIGSEGV" in env.warnings[0]


@pytest.mark.parametrize(("number", "text"), [(90100, "9.1.0"), (90501, "9.5.1"), (8902, "8.9.2"), (7605, "7.6.5")])
def test_cudnn_version_text(number: int, text: str) -> None:
    assert cudnn_version_text(number) == text


#: Version texts of real programs, with the version a reader would name: ``zstd --version`` 1.5.4
#: and ``xz --version`` 5.4.1 as Debian 12 prints them; bzip2 1.0.8 writes its banner to stderr and
#: then reads stdin (closed here); ``java -version`` writes ``openjdk version "17.0.9" 2023-10-17`` to stderr.
VERSION_TEXTS = [
    ("*** Zstandard CLI (64-bit) v1.5.4, by Yann Collet ***", None, "1.5.4"),
    ("xz (XZ Utils) 5.4.1\nliblzma 5.4.1", None, "5.4.1"),
    ("bzip2, a block-sorting file compressor.  Version 1.0.8, 13-Jul-2019.", None, "1.0.8"),
    ('openjdk version "17.0.9" 2023-10-17', None, "17.0.9"),
    ("Python 3.13.0rc2", None, "3.13.0rc2"),
    ("ripgrep 14.1.0 (rev 1234567)\nfeatures:+pcre2", None, "14.1.0"),
    ("orjson==3.10.7 (built 2024)", r"orjson==(?P<version>\S+)", "3.10.7"),
]


@pytest.mark.parametrize(("text", "pattern", "version"), VERSION_TEXTS)
def test_a_version_probe_reads_what_the_program_prints(tmp_path: Path, text: str, pattern: str | None,
                                                       version: str) -> None:
    program = _executable(tmp_path / "tool", f"#!/bin/sh\nprintf '%s\\n' {shlex.quote(text)} >&2\n")
    probe: str | VersionProbe = f"{program} --version" if pattern is None else VersionProbe(str(program), pattern)
    env = capture(None, nvidia_smi=None, versions={"tool": probe})
    assert env.software == {"tool": version} and env.warnings == ()


def test_real_programs_versions_are_found_on_the_implementations_path(tmp_path: Path) -> None:
    """gzip and xz as installed here, their versions from their own output (not this test's parsing)."""
    env = capture(None, nvidia_smi=None, versions={"gzip": "gzip --version", "sh": "sh -c 'echo 0.0'"})
    gzip_line = subprocess.run(["gzip", "--version"], capture_output=True, text=True, check=True).stdout
    assert env.software["gzip"] in gzip_line.splitlines()[0].split()  # "gzip 1.12" -> "1.12"
    assert env.software["sh"] == "0.0"


@pytest.mark.parametrize(
    ("probe", "why"),
    [
        ("no-such-program --version", "could not be started (FileNotFoundError)"),
        ("false", "exited with status 1"),
        ("echo no digits here", "printed nothing that matches its pattern"),
        ("echo 'unterminated", "cannot be split into arguments"),
    ],
)
def test_a_version_probe_that_fails_warns_and_records_nothing(probe: str, why: str) -> None:
    env = capture(None, nvidia_smi=None, versions={"tool": probe})
    assert env.software == {}
    assert len(env.warnings) == 1 and env.warnings[0].startswith("tool version not recorded: ")
    assert why in env.warnings[0]


# --------------------------------------------------------------------------
# Hardware


def _tool(argv: list[str]) -> str:
    return subprocess.run(argv, capture_output=True, text=True, check=True, env={**os.environ, "LC_ALL": "C"}).stdout


def test_host_hardware_without_gpus() -> None:
    """This machine as other programs report it (``nproc``, ``lscpu``, ``free``), not as this test would
    parse ``/proc``."""
    env = capture(None, nvidia_smi=None)
    hw = env.hardware
    assert hw.accelerator is None and hw.interconnect is None
    assert hw.cpu_count == int(_tool(["nproc"]))
    model = next((line.split(":", 1)[1].strip() for line in _tool(["lscpu"]).splitlines()
                  if line.startswith("Model name:")), None)
    if model:
        assert hw.cpu == " ".join(model.split())
    total = next(int(line.split()[1]) for line in _tool(["free", "-b"]).splitlines() if line.startswith("Mem:"))
    assert hw.memory_gb is not None and abs(hw.memory_gb - total / 1024**3) <= 0.5
    assert hw.label == f"{hw.cpu} ({hw.cpu_count} CPUs, {hw.memory_gb:g} GiB)"
    assert env.warnings == ()


HARDWARE_PROBE = """\
import dataclasses, json
from sphinx_benchbench.runners.capture import capture_hardware
hardware, warnings = capture_hardware(None)
print(json.dumps({**dataclasses.asdict(hardware), "warnings": warnings}))
"""


def _private_mounts_work() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    done = subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False)
    return done.returncode == 0


def capture_with_proc(tmp_path: Path, files: dict[str, str], cpus: str) -> dict[str, object]:
    """``capture_hardware`` in a child whose ``/proc/<name>`` files are ``files`` (bind-mounted in a private
    mount namespace, so nothing outside it sees them), pinned to ``cpus`` with ``taskset``."""
    mounts = []
    for name, text in files.items():
        fake = tmp_path / f"fake-{name}"
        fake.write_text(text, encoding="utf-8")
        mounts.append(f"mount --bind {shlex.quote(str(fake))} /proc/{name}")
    script = " && ".join([*mounts, f"exec taskset -c {cpus} {shlex.quote(sys.executable)} -c \"$0\""])
    done = subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", script, HARDWARE_PROBE],
                          capture_output=True, text=True, check=False, timeout=60, cwd=REPO)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


needs_mounts = pytest.mark.skipif(not _private_mounts_work(),
                                  reason="needs root and unshare -m to show the code a /proc of the test's making")

#: /proc/cpuinfo of a two-socket Skylake server, as the kernel writes it (a tab before the colon; the
#: model string with the doubled spaces some BIOSes put in it).
XEON_CPUINFO = "".join(f"""\
processor\t: {n}
vendor_id\t: GenuineIntel
cpu family\t: 6
model\t\t: 85
model name\t: Intel(R) Xeon(R) Gold  6148 CPU @ 2.40GHz
cpu MHz\t\t: 2400.000

""" for n in range(4))

#: /proc/cpuinfo of an arm64 machine: no "model name" line at all.
ARM_CPUINFO = "processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd\nCPU implementer\t: 0x41\n\n"


@needs_mounts
@pytest.mark.parametrize(("kib", "gib"), [(67108864, 64.0), (8000000, 7.6), (196608000, 188.0)])
def test_hardware_read_from_a_proc_of_known_content(tmp_path: Path, kib: int, gib: float) -> None:
    """A CPU model and a memory size the test wrote, read back as a reader names them: spaces collapsed,
    whole GiB from 10 up, one decimal below; the CPU count is the CPUs the process may run on."""
    meminfo = f"MemTotal:       {kib} kB\nMemFree:        1024 kB\n"
    found = capture_with_proc(tmp_path, {"cpuinfo": XEON_CPUINFO, "meminfo": meminfo}, "0")
    assert found["cpu"] == "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"
    assert found["cpu_count"] == 1
    assert found["memory_gb"] == gib
    assert found["label"] == f"Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz (1 CPUs, {gib:g} GiB)"
    assert found["warnings"] == []


@needs_mounts
def test_hardware_without_a_model_name_or_memtotal_falls_back(tmp_path: Path) -> None:
    """An arm64 /proc/cpuinfo (no model name, an implementer but no part) and a /proc/meminfo without
    MemTotal: lscpu (the real one, reading the fake cpuinfo) names no model, so the implementer is decoded
    (``ARM``); the memory comes from the page count, which ``free`` reports too."""
    found = capture_with_proc(tmp_path, {"cpuinfo": ARM_CPUINFO, "meminfo": "MemFree: 1024 kB\n"}, "0,1")
    assert found["cpu"] == "ARM"
    assert found["cpu_count"] == min(2, int(_tool(["nproc"])))
    total = next(int(line.split()[1]) for line in _tool(["free", "-b"]).splitlines() if line.startswith("Mem:"))
    assert found["memory_gb"] is not None and abs(found["memory_gb"] - total / 1024**3) <= 0.5  # type: ignore[operator]
    assert str(found["label"]).startswith(f"{found['cpu'] or 'Unknown CPU'} (")


def test_eight_v100_with_nvlink(fake_smi: FakeSmi) -> None:
    smi = fake_smi()
    env = capture(None, nvidia_smi=str(smi))
    acc = env.hardware.accelerator
    assert acc is not None
    assert (acc.model, acc.count, acc.memory_gb, acc.driver) == ("Tesla V100-SXM2-32GB", 8, 32.0, "535.104.05")
    assert env.hardware.interconnect == "NVLink"
    assert env.hardware.label == "8x Tesla V100-SXM2-32GB (32 GiB), NVLink"
    assert env.warnings == ()
    assert _calls(smi) == [
        "--query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits",
        "topo -m",
    ]


def test_older_driver_memory_rounds_to_the_nominal_size(fake_smi: FakeSmi) -> None:
    env = capture(None, nvidia_smi=str(fake_smi(query="Tesla V100-SXM2-32GB, 32510, 418.67\n" * 2)))
    assert env.hardware.label == "2x Tesla V100-SXM2-32GB (32 GiB), NVLink"


def test_pcie_machine(fake_smi: FakeSmi) -> None:
    env = capture(None, nvidia_smi=str(fake_smi(query="NVIDIA L40S, 46068, 550.54.15\n" * 8, topo=PCIE_TOPO)))
    assert env.hardware.interconnect == "PCIe"
    assert env.hardware.label == "8x NVIDIA L40S (45 GiB), PCIe"


def test_one_gpu_has_no_interconnect_and_no_topology_call(fake_smi: FakeSmi) -> None:
    smi = fake_smi(query=H100_QUERY, topo=None)  # topo would fail if it were asked
    env = capture(None, nvidia_smi=str(smi))
    assert env.hardware.label == "1x NVIDIA H100 80GB HBM3 (80 GiB)"
    assert env.hardware.interconnect is None
    assert env.warnings == ()
    assert not any(call.startswith("topo") for call in _calls(smi))


@pytest.mark.parametrize(
    ("visible", "label"),
    [
        ("0,1", "2x Tesla V100-SXM2-32GB (32 GiB), NVLink"),  # GPU0-GPU1: NV1
        ("0,5", "2x Tesla V100-SXM2-32GB (32 GiB), PCIe"),  # GPU0-GPU5: SYS on a DGX-1
        ("3", "1x Tesla V100-SXM2-32GB (32 GiB)"),
        ("2,-1,7", "1x Tesla V100-SXM2-32GB (32 GiB)"),  # CUDA stops at the first invalid index
    ],
)
def test_cuda_visible_devices_selects_the_gpus_recorded(fake_smi: FakeSmi, visible: str, label: str) -> None:
    smi = fake_smi()
    env = capture(None, nvidia_smi=str(smi), env={**os.environ, "CUDA_VISIBLE_DEVICES": visible})
    assert env.hardware.label == label
    assert env.warnings == ()


@pytest.mark.parametrize("visible", ["", "-1"])
def test_no_visible_gpu_records_none(fake_smi: FakeSmi, visible: str) -> None:
    smi = fake_smi()
    env = capture(None, nvidia_smi=str(smi), env={**os.environ, "CUDA_VISIBLE_DEVICES": visible})
    assert env.hardware.accelerator is None
    assert env.warnings == ()
    assert _calls(smi) == []


def test_cuda_visible_devices_by_uuid_records_all_and_warns(fake_smi: FakeSmi) -> None:
    env_vars = {**os.environ, "CUDA_VISIBLE_DEVICES": "GPU-8e0f3c1a-0000-1111-2222-333344445555"}
    env = capture(None, nvidia_smi=str(fake_smi()), env=env_vars)
    assert env.hardware.label == "8x Tesla V100-SXM2-32GB (32 GiB), NVLink"
    assert len(env.warnings) == 1 and "CUDA_VISIBLE_DEVICES" in env.warnings[0]
    assert "GPU-8e0f3c1a" not in repr(env)


def test_no_nvidia_smi_is_no_gpu_and_no_warning(tmp_path: Path) -> None:
    env = capture(None, env={"PATH": str(tmp_path)})  # default name, not on this PATH
    assert env.hardware.accelerator is None
    assert env.warnings == ()


def test_failing_nvidia_smi_warns(fake_smi: FakeSmi) -> None:
    env = capture(None, nvidia_smi=str(fake_smi(query_exit=6)))
    assert env.hardware.accelerator is None
    assert env.hardware.label.endswith("GiB)")  # the CPU label
    assert env.warnings == ("GPUs not recorded: nvidia-smi exited with status 6: No devices were found",)


def test_nvidia_smi_exiting_1_warns(tmp_path: Path) -> None:
    smi = _executable(tmp_path / "nvidia-smi", "#!/bin/sh\nexit 1\n")
    env = capture(None, env={**os.environ, "PATH": f"{tmp_path}{os.pathsep}{os.environ.get('PATH', '')}"})
    assert smi.exists()
    assert env.hardware.accelerator is None
    assert env.warnings == ("GPUs not recorded: nvidia-smi exited with status 1",)


def test_hanging_nvidia_smi_is_killed_and_warns(tmp_path: Path) -> None:
    # sh waits for its child sleep: killing only sh would leave sleep holding the pipe.
    smi = _executable(tmp_path / "nvidia-smi", "#!/bin/sh\nsleep 60\necho never\n")
    start = time.monotonic()
    env = capture(None, nvidia_smi=str(smi), timeout=1)
    assert time.monotonic() - start < 10
    assert env.hardware.accelerator is None
    assert env.warnings == ("GPUs not recorded: nvidia-smi did not finish within 1 s",)


def test_failing_topology_keeps_the_gpus_and_warns(fake_smi: FakeSmi) -> None:
    env = capture(None, nvidia_smi=str(fake_smi(topo=None)))
    assert env.hardware.label == "8x Tesla V100-SXM2-32GB (32 GiB)"
    assert env.hardware.interconnect is None
    assert env.warnings == ("GPU interconnect not recorded: nvidia-smi topo -m exited with status 3",)


def test_parse_topology_samples() -> None:
    assert parse_topology(DGX1_TOPO) == "NVLink"
    assert parse_topology(DGX1_TOPO, [0, 5]) == "PCIe"
    assert parse_topology(DGX1_TOPO, [0, 4]) == "NVLink"
    assert parse_topology(DGX1_TOPO, [1]) is None
    assert parse_topology(PCIE_TOPO) == "PCIe"
    assert parse_topology(H100_TOPO) == "NVLink"
    assert parse_topology("NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.\n") is None


def test_parse_gpu_query_samples() -> None:
    [gpu] = parse_gpu_query(H100_QUERY)
    assert (gpu.name, gpu.memory_mib, gpu.driver) == ("NVIDIA H100 80GB HBM3", 81559.0, "565.57.01")
    [gpu] = parse_gpu_query("NVIDIA GH200 480GB, [N/A], 550.54.15\n")
    assert gpu.memory_mib is None
    with pytest.raises(ValueError, match="unexpected nvidia-smi line"):
        parse_gpu_query("garbage\n")


def test_mixed_gpu_models_are_named_and_warned(fake_smi: FakeSmi) -> None:
    query = "NVIDIA A100-SXM4-80GB, 81920, 550.54.15\nNVIDIA A100-SXM4-40GB, 40960, 550.54.15\n"
    env = capture(None, nvidia_smi=str(fake_smi(query=query, topo=H100_TOPO)))
    acc = env.hardware.accelerator
    assert acc is not None and acc.count == 2 and acc.memory_gb is None
    assert acc.model == "NVIDIA A100-SXM4-80GB + NVIDIA A100-SXM4-40GB"
    assert env.warnings == ("the GPUs are not all the same model: NVIDIA A100-SXM4-80GB, NVIDIA A100-SXM4-40GB",)


# --------------------------------------------------------------------------
# Platform, privacy and the data format


def test_platform_text() -> None:
    text = capture(None, nvidia_smi=None).platform
    assert text.startswith(f"{platform.system()} {platform.release()} {platform.machine()}")
    libc, version = platform.libc_ver()
    if libc:
        assert text.endswith(f", {libc} {version}")


def _assert_private(env: Environment, *extra: str) -> None:
    text = repr(env)
    for word in (socket.gethostname(), getpass.getuser()):
        assert not re.search(rf"\b{re.escape(word)}\b", text), word
    home = str(Path.home())
    if home != "/":
        assert home not in text
    for secret in extra:
        assert secret not in text


def test_nothing_private_is_recorded(tmp_path: Path, fake_smi: FakeSmi) -> None:
    secret = "ghp_s3cr3tT0kenValue0123456789"
    env_vars = {**os.environ, "BENCHBENCH_TEST_TOKEN": secret, "CUDA_VISIBLE_DEVICES": "0,1"}
    # A real run, with GPUs and the probe, in an environment holding a token.
    python = _make_venv(tmp_path / "impl", {"torch": "2.3.1+cu121"}, FAKE_TORCH)
    env = capture(python, ("torch",), env=env_vars, nvidia_smi=str(fake_smi()),
                  versions={"tool": f"{python} -c 'print(\"tool 1.0\")'"})
    assert env.hardware.accelerator is not None and env.software["cuda"] == "12.1" and env.software["tool"] == "1.0"
    _assert_private(env, secret, str(tmp_path))
    # Failures: an interpreter under the home directory, and an nvidia-smi that prints private text.
    noisy = _executable(
        tmp_path / "nvidia-smi",
        f"#!/bin/sh\necho 'Failed to open {Path.home()}/.nvml on {socket.gethostname()} for {getpass.getuser()}'\n"
        "exit 9\n",
    )
    env = capture(str(Path.home() / "no-such-venv" / "bin" / "python"), env=env_vars, nvidia_smi=str(noisy))
    assert len(env.warnings) == 2
    assert env.warnings[0].startswith("GPUs not recorded: nvidia-smi exited with status 9: Failed to open ~/.nvml on")
    _assert_private(env, secret, str(tmp_path))


def test_environment_fills_a_result_that_validates(fake_smi: FakeSmi) -> None:
    env = capture(sys.executable, nvidia_smi=str(fake_smi()))
    with pytest.raises(dataclasses.FrozenInstanceError, match="cannot assign to field 'platform'"):
        env.platform = "x"  # type: ignore[misc]
    result = Result(
        implementation="impl",
        recorded="2024-05-01",
        status="measured",
        provenance=Provenance(by="sphinx-benchbench"),
        value=1.0,
        hardware=env.hardware,
        software=env.software,
        platform=env.platform,
    )
    # What the runner would write, read back by the project's own validator.
    text = yaml.safe_dump({"results": [dataclasses.asdict(result)]}, sort_keys=False)
    converter = Converter("results.yaml", str(Path.cwd()), {})
    data = yaml.safe_load(text)["results"][0]
    back = converter.convert(Result, data)
    assert converter.problems == []
    assert back is not None and back.hardware == env.hardware and back.software == env.software
    assert back.platform == env.platform


# -- the CPU model on aarch64: real /proc/cpuinfo and lscpu texts -------------------------------------------

#: AWS Graviton2 (t4g.small, Amazon Linux 2023), first two CPUs, from amazonlinux/amazon-linux-2023#455
#: (https://github.com/amazonlinux/amazon-linux-2023/issues/455).
GRAVITON2_CPUINFO = "".join(f"""\
processor\t: {n}
BogoMIPS\t: 243.75
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm lrcpc dcpop asimddp ssbs
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x3
CPU part\t: 0xd0c
CPU revision\t: 1

""" for n in range(2))

#: AWS Graviton3 (c7g.2xlarge), ``head -9 /proc/cpuinfo``, from archspec/archspec-json#51
#: (https://github.com/archspec/archspec-json/pull/51).
GRAVITON3_CPUINFO = """\
processor\t: 0
BogoMIPS\t: 2100.00
Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid asimdrdm jscvt fcma lrcpc dcpop \
sha3 sm3 sm4 asimddp sha512 sve asimdfhm dit uscat ilrcpc flagm ssbs
CPU implementer\t: 0x41
CPU architecture: 8
CPU variant\t: 0x1
CPU part\t: 0xd40
CPU revision\t: 1
"""

#: Ampere Altra on Azure (Ubuntu), ``lscpu`` (its first lines), from archspec/archspec-json#41
#: (https://github.com/archspec/archspec-json/issues/41).
ALTRA_LSCPU = """\
Architecture:                    aarch64
CPU op-mode(s):                  32-bit, 64-bit
Byte Order:                      Little Endian
CPU(s):                          64
On-line CPU(s) list:             0-63
Thread(s) per core:              1
Core(s) per socket:              64
Socket(s):                       1
NUMA node(s):                    1
Vendor ID:                       ARM
Model:                           1
Model name:                      Neoverse-N1
Stepping:                        r3p1
BogoMIPS:                        50.00
L1d cache:                       4 MiB
"""

#: AWS Graviton2, ``lscpu`` run as root (SMBIOS readable, util-linux 2.37+ layout), from
#: workhorsy/py-cpuinfo#199 (https://github.com/workhorsy/py-cpuinfo/issues/199).
GRAVITON2_LSCPU_ROOT = """\
Vendor ID:              ARM
  BIOS Vendor ID:       Amazon EC2
  Model name:           Neoverse-N1
    BIOS Model name:    AWS Graviton2
"""

#: NVIDIA Grace (GH200), ``lscpu``'s nested layout, from archspec/archspec-json#83
#: (https://github.com/archspec/archspec-json/issues/83).
GRACE_LSCPU = """\
Architecture:           aarch64
  CPU op-mode(s):       64-bit
  Byte Order:           Little Endian
CPU(s):                 72
  On-line CPU(s) list:  0-71
Vendor ID:              ARM
  Model name:           Neoverse-V2
    Model:              0
    Thread(s) per core: 1
"""


@pytest.mark.parametrize(("text", "model"), [
    (GRAVITON2_CPUINFO, "ARM Neoverse-N1"),
    (GRAVITON3_CPUINFO, "ARM Neoverse-V1"),
    (XEON_CPUINFO, "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"),
    (ARM_CPUINFO, "ARM"),
    ("CPU implementer\t: 0x41\nCPU part\t: 0xd03\n\nCPU implementer\t: 0x41\nCPU part\t: 0xd08\n",
     "ARM Cortex-A53 + Cortex-A72"),
    ("CPU implementer\t: 0xc0\nCPU part\t: 0xac3\n", "Ampere Ampere-1"),
    ("CPU implementer\t: 0x41\nCPU part\t: 0xfff\n", "ARM part 0xfff"),
    ("processor\t: 0\n", None),
])
def test_the_cpu_model_from_cpuinfo(text: str, model: str | None) -> None:
    """x86's model name; an arm64 kernel's implementer and part decoded as lscpu names them (util-linux's
    table); an unknown part by its number; big.LITTLE cores both named."""
    assert model_from_cpuinfo(text) == model


@pytest.mark.parametrize(("text", "model"), [
    (ALTRA_LSCPU, "ARM Neoverse-N1"),
    (GRAVITON2_LSCPU_ROOT, "ARM Neoverse-N1 (AWS Graviton2)"),
    (GRACE_LSCPU, "ARM Neoverse-V2"),
    ("Architecture:   x86_64\nVendor ID:      ARM\nModel name:     -\n", None),  # lscpu on a cpuinfo of no part
    ("Vendor ID:      GenuineIntel\nModel name:     Intel(R) Xeon(R) Processor\n", "Intel(R) Xeon(R) Processor"),
])
def test_the_cpu_model_from_lscpu(text: str, model: str | None) -> None:
    """lscpu's Vendor ID and Model name (flat or nested layout), the SMBIOS name when it read one; "-" is none."""
    assert model_from_lscpu(text) == model


def test_lscpu_is_asked_only_without_a_model_name_and_its_answer_comes_first() -> None:
    """x86: cpuinfo's model name, lscpu never started; arm64: lscpu's name first (its table is newer), then
    cpuinfo's numbers, then the platform's word."""
    asked: list[int] = []

    def lscpu(text: str | None) -> Callable[[], str | None]:
        def run() -> str | None:
            asked.append(1)
            return text
        return run

    assert pick_model(XEON_CPUINFO, lscpu(ALTRA_LSCPU), "x86_64") == "Intel(R) Xeon(R) Gold 6148 CPU @ 2.40GHz"
    assert asked == []
    assert pick_model(GRAVITON2_CPUINFO, lscpu(GRAVITON2_LSCPU_ROOT), "") == "ARM Neoverse-N1 (AWS Graviton2)"
    assert pick_model(GRAVITON3_CPUINFO, lscpu(None), "") == "ARM Neoverse-V1"
    assert pick_model(None, lscpu(None), "aarch64") == "aarch64"
    assert pick_model("", lscpu(None), "") is None


def test_the_real_lscpu_agrees_with_cpuinfo_here() -> None:
    """This machine's own lscpu, in the C locale, names the model cpuinfo names (where it names one)."""
    if not shutil.which("lscpu"):
        pytest.skip("no lscpu here")
    said = subprocess.run(["lscpu"], capture_output=True, text=True, check=False, timeout=30,
                          env={"PATH": os.defpath, "LC_ALL": "C"}).stdout
    with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
        cpuinfo = f.read()
    found = model_from_lscpu(said)
    named = model_from_cpuinfo(cpuinfo)
    assert found is not None and named is not None and named in found
