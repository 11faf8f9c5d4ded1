"""This machine: CPU, memory, and the NVIDIA GPUs the implementation sees, with their interconnect.

What cannot change while the runner runs is asked once per process: the CPU
model (``lscpu`` is a child process on aarch64), and what ``nvidia-smi`` said
for the same program, the same file and the same ``CUDA_VISIBLE_DEVICES``
(it takes from a tenth of a second to seconds per call, and was asked again
for every implementation measured).  :func:`listed_gpu_count` answers "how
many GPUs" for the plan without a child process at all.
"""

from __future__ import annotations

import functools
import os
import platform
import re
import shutil
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ...data.model import Accelerator, Hardware
from .children import how_it_ended, run_program, scrub
from .cpu import pick_model

__all__ = ["capture_hardware", "hardware_label", "listed_gpu_count", "parse_gpu_query", "parse_topology",
           "round_gib"]

#: Where the NVIDIA kernel driver lists its GPUs, one folder each (container runtimes show only the granted ones).
NVIDIA_PROC = "/proc/driver/nvidia/gpus"
#: Seconds for ``lscpu``, which reads only /proc and /sys.
LSCPU_TIMEOUT = 10.0


def round_gib(value: float) -> float:  # shared with the importers
    """Round GiB the way a reader names the size: whole GiB from 10 up, one decimal below."""
    return float(round(value)) if value >= 10 else round(value, 1)


def _gib_text(value: float) -> str:
    return f"{value:g}"


@functools.cache
def _cpu_model() -> str | None:
    """cpuinfo's model name, else lscpu's, else cpuinfo's implementer and part decoded (:mod:`.cpu`)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            cpuinfo: str | None = f.read()
    except OSError:
        cpuinfo = None
    return pick_model(cpuinfo, _lscpu, platform.processor())


def _lscpu() -> str | None:
    """``lscpu``'s report in the C locale (its keys are translated otherwise), or ``None``."""
    program = shutil.which("lscpu", path=os.environ.get("PATH", os.defpath) + os.pathsep + "/usr/bin:/bin")
    if program is None:
        return None
    done = run_program([program], LSCPU_TIMEOUT, {"PATH": os.defpath, "LC_ALL": "C"})
    return done.stdout if done.returncode == 0 else None


def listed_gpu_count(env: Mapping[str, str] | None = None, proc: str = NVIDIA_PROC) -> int | None:
    """The NVIDIA GPUs the kernel driver lists, limited by ``CUDA_VISIBLE_DEVICES``; ``None`` without that list.

    Reading a folder costs microseconds; ``nvidia-smi`` costs a child process
    and often a second (the driver initialises the GPUs when no persistence
    daemon holds them).  Without the list, on Linux, no NVIDIA driver is
    loaded, so there is no GPU ``nvidia-smi`` could find either.
    """
    env = os.environ if env is None else env
    try:
        listed = [name for name in os.listdir(proc) if not name.startswith(".")]
    except OSError:
        return None
    visible, _ = _visible_gpus(env)
    if visible is None:
        return len(listed)
    return len([index for index in visible if index < len(listed)])


def _cpu_count() -> int | None:
    if hasattr(os, "sched_getaffinity"):
        try:
            return len(os.sched_getaffinity(0)) or None
        except OSError:
            pass
    return os.cpu_count()


def _memory_gib() -> float | None:
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return round_gib(int(line.split()[1]) / 1024**2)  # kB
    except (OSError, ValueError, IndexError):
        pass
    try:
        return round_gib(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3)
    except (AttributeError, ValueError, OSError):
        return None


@dataclass(frozen=True)
class _Gpu:
    name: str
    memory_mib: float | None
    driver: str | None


def parse_gpu_query(text: str) -> list[_Gpu]:
    """Rows of ``nvidia-smi --query-gpu=name,memory.total,driver_version --format=csv,noheader,nounits``."""
    gpus = []
    for line in text.splitlines():
        if not line.strip():
            continue
        parts = [p.strip() for p in line.rsplit(",", 2)]
        if len(parts) != 3 or not parts[0]:
            raise ValueError(f"unexpected nvidia-smi line: {line.strip()[:80]!r}")
        name, memory, driver = parts
        try:
            memory_mib: float | None = float(memory)
        except ValueError:  # "[N/A]", "[Insufficient Permissions]"
            memory_mib = None
        gpus.append(_Gpu(name, memory_mib, driver if driver and not driver.startswith("[") else None))
    return gpus


def parse_topology(text: str, gpus: Sequence[int] | None = None) -> str | None:
    """``NVLink`` or ``PCIe`` from ``nvidia-smi topo -m``, between the given GPU indices (default: all).

    ``NV<n>`` (a bonded set of n NVLinks, also what NVSwitch systems show)
    between any two of the GPUs means NVLink; otherwise the GPUs talk over
    PCIe (``PIX``, ``PXB``, ``PHB``, ``NODE``, ``SYS``).  ``None`` when the text
    holds no matrix for those GPUs.
    """
    header: list[str] | None = None
    cells: dict[int, dict[int, str]] = {}
    for line in text.splitlines():
        tokens = line.split()
        if not tokens:
            continue
        if header is None:
            if line[:1].isspace() and re.fullmatch(r"GPU\d+", tokens[0]):
                header = [t for t in tokens if re.fullmatch(r"GPU\d+", t)]
            continue
        row = re.fullmatch(r"GPU(\d+)", tokens[0])
        if row is None:
            if cells:
                break  # the matrix is over (NIC rows, legend)
            continue
        cells[int(row.group(1))] = {
            int(col[3:]): value for col, value in zip(header, tokens[1 : 1 + len(header)], strict=False)
        }
    if not cells:
        return None
    wanted = sorted(cells) if gpus is None else [g for g in gpus if g in cells]
    if len(wanted) < 2:
        return None
    links = [cells[a].get(b, "") for a in wanted for b in wanted if a != b]
    if any(re.fullmatch(r"NV\d+", link) for link in links):
        return "NVLink"
    return "PCIe"


def _visible_gpus(env: Mapping[str, str]) -> tuple[list[int] | None, str | None]:
    """GPU indices in ``CUDA_VISIBLE_DEVICES`` (None: all), and a warning when it cannot be honoured."""
    value = env.get("CUDA_VISIBLE_DEVICES")
    if value is None:
        return None, None
    indices: list[int] = []
    for item in value.split(","):
        item = item.strip()
        if not re.fullmatch(r"-?\d+", item):
            if indices or item:
                return None, (
                    "CUDA_VISIBLE_DEVICES names GPUs by something other than their index "
                    "(UUIDs or MIG instances); all GPUs of the machine were recorded"
                )
            break
        number = int(item)
        if number < 0:  # CUDA stops at the first invalid index
            break
        indices.append(number)
    return indices, None


def _accelerators(
    nvidia_smi: str | None, env: Mapping[str, str], timeout: float
) -> tuple[Accelerator | None, str | None, list[str]]:
    """What ``nvidia-smi`` says, asked once per process for the same program file and visible GPUs."""
    if not nvidia_smi:
        return None, None, []
    program = shutil.which(nvidia_smi, path=env.get("PATH", os.defpath))
    if program is None:
        return None, None, []
    try:
        info = os.stat(program)
        identity: tuple[object, ...] = (info.st_ino, info.st_size, info.st_mtime_ns)
    except OSError:
        identity = ()
    key = (program, identity, env.get("CUDA_VISIBLE_DEVICES"), timeout)
    if key not in _ASKED:
        _ASKED[key] = _ask_nvidia_smi(program, env, timeout)
    accelerator, interconnect, warnings = _ASKED[key]
    return accelerator, interconnect, list(warnings)


#: What nvidia-smi said, by (program, its file's identity, CUDA_VISIBLE_DEVICES, timeout).
_ASKED: dict[tuple[object, ...], tuple[Accelerator | None, str | None, list[str]]] = {}


def _ask_nvidia_smi(
    program: str, env: Mapping[str, str], timeout: float
) -> tuple[Accelerator | None, str | None, list[str]]:
    warnings: list[str] = []
    visible, problem = _visible_gpus(env)
    if problem:
        warnings.append(problem)
    if visible is not None and not visible:
        return None, None, warnings  # the implementation sees no GPU
    query = [program, "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader,nounits"]
    if visible is not None:
        query.append("--id=" + ",".join(map(str, visible)))
    outcome = run_program(query, timeout, env)
    if outcome.returncode != 0:
        first = next((line.strip() for line in outcome.stdout.splitlines() if line.strip()), "")
        said = f": {scrub(first)[:160]}" if first and outcome.returncode is not None else ""
        warnings.append(f"GPUs not recorded: nvidia-smi {how_it_ended(outcome, timeout)}{said}")
        return None, None, warnings
    try:
        gpus = parse_gpu_query(outcome.stdout)
    except ValueError as exc:
        warnings.append(f"GPUs not recorded: {scrub(str(exc))}")
        return None, None, warnings
    if not gpus:
        return None, None, warnings
    names = list(dict.fromkeys(g.name for g in gpus))
    memories = {g.memory_mib for g in gpus}
    drivers = list(dict.fromkeys(g.driver for g in gpus if g.driver))
    if len(names) > 1:
        warnings.append("the GPUs are not all the same model: " + ", ".join(names))
    memory = memories.pop() if len(memories) == 1 else None
    accelerator = Accelerator(
        model=" + ".join(names),
        count=len(gpus),
        memory_gb=round_gib(memory / 1024) if memory is not None else None,
        driver=", ".join(drivers) or None,
    )
    interconnect = None
    if len(gpus) > 1:
        topo = run_program([program, "topo", "-m"], timeout, env)
        if topo.returncode != 0:
            warnings.append(f"GPU interconnect not recorded: nvidia-smi topo -m {how_it_ended(topo, timeout)}")
        else:
            interconnect = parse_topology(topo.stdout, visible)
            if interconnect is None:
                warnings.append("GPU interconnect not recorded: nvidia-smi topo -m printed no GPU matrix")
    return accelerator, interconnect, warnings


def hardware_label(accelerator: Accelerator | None, interconnect: str | None, cpu: str | None, count: int | None,
                   memory: float | None) -> str:
    """The label a reader sees: ``8x Tesla V100-SXM2-32GB (32 GiB), NVLink`` or ``AMD EPYC (2 CPUs, 24 GiB)``;
    shared with the importers, so a machine is named alike however its result arrived."""
    if accelerator is not None:
        text = f"{accelerator.count}x {accelerator.model}"
        if accelerator.memory_gb is not None:
            text += f" ({_gib_text(accelerator.memory_gb)} GiB)"
        return text + (f", {interconnect}" if interconnect else "")
    details = [f"{count} CPUs" if count else None, f"{_gib_text(memory)} GiB" if memory is not None else None]
    inner = ", ".join(d for d in details if d)
    return f"{cpu or 'Unknown CPU'}" + (f" ({inner})" if inner else "")


def capture_hardware(
    nvidia_smi: str | None = "nvidia-smi", env: Mapping[str, str] | None = None, timeout: float = 60
) -> tuple[Hardware, list[str]]:
    """This machine as a :class:`~sphinx_benchbench.data.model.Hardware`, and warnings."""
    env = os.environ if env is None else env
    cpu, count, memory = _cpu_model(), _cpu_count(), _memory_gib()
    accelerator, interconnect, warnings = _accelerators(nvidia_smi, env, timeout)
    hardware = Hardware(
        label=hardware_label(accelerator, interconnect, cpu, count, memory),
        accelerator=accelerator,
        interconnect=interconnect,
        cpu=cpu,
        cpu_count=count,
        memory_gb=memory,
    )
    return hardware, warnings
