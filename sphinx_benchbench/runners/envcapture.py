"""Capture the environment a benchmark result was measured in.

Why this module exists: a throughput number means little without the machine
and the software it came from.  The runners record, with every result, the
hardware (CPU, memory, GPUs and their interconnect), the versions of the
packages that matter (``python``, ``torch``, ``cuda``, ``cudnn``, ...) and the
platform (kernel and C library), in the ``hardware``, ``software`` and
``platform`` fields of :class:`sphinx_benchbench.data.model.Result`.

Three rules shape the code:

* **The implementation's environment, not the runner's.**  An implementation
  usually runs in its own virtual environment with its own framework versions,
  so the software versions are read by running *that* environment's
  interpreter as a child process (``python -I -c <probe>``: isolated mode, an
  argument list, no shell).  The probe prints one marked JSON line; importing
  ``torch`` (for the CUDA and cuDNN versions it was built with) comes after the
  package versions are printed, so a slow or broken ``torch`` still leaves the
  rest recorded.  Hardware is read from this machine (``/proc``,
  ``nvidia-smi``), honouring ``CUDA_VISIBLE_DEVICES`` in the implementation's
  environment so that a one-GPU run on an eight-GPU machine records one GPU.
* **Never fail a run over bookkeeping.**  A missing ``nvidia-smi`` is simply a
  machine without GPUs.  A failing, hanging or unreadable ``nvidia-smi`` or
  probe leaves out what it would have told and adds a sentence to
  :attr:`Environment.warnings` saying why; :func:`capture` does not raise for
  them.  Every child process has a timeout and is killed with its process
  group when it runs past it.
* **Privacy.**  Results are published.  Nothing recorded names the host, the
  user, a home directory, an environment variable or a token: no hostname
  (``platform.node()`` is never read), no interpreter path, no stderr of the
  probe; the one piece of child output that reaches a warning (the first line
  ``nvidia-smi`` prints when it fails, e.g. "No devices were found") has the
  home directory, user and host name masked.

Numbers are rounded the way a reader thinks of the hardware: memory in GiB,
whole GiB from 10 GiB up (``/proc/meminfo`` and ``nvidia-smi`` report a little
less than the nominal size, e.g. 81559 MiB for an "H100 80GB" is 79.6 GiB and
is recorded as 80), one decimal below.
"""

from __future__ import annotations

import getpass
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from sphinx_benchbench.data.model import Accelerator, Hardware

__all__ = [
    "DEFAULT_PACKAGES",
    "DISTRIBUTIONS",
    "Environment",
    "capture",
    "capture_hardware",
    "capture_platform",
    "capture_software",
    "cudnn_version_text",
    "parse_gpu_query",
    "parse_topology",
]

#: Where each ``software`` key's version comes from: distribution names (as
#: ``pip`` knows them; compared after PEP 503 normalisation, ``*`` matches any
#: text), tried in order, the first installed one wins.  A requested key that is
#: not listed here is looked up as a distribution of the same name.
DISTRIBUTIONS: dict[str, tuple[str, ...]] = {
    # Frameworks.
    "torch": ("torch",),
    "torchvision": ("torchvision",),
    "tensorflow": ("tensorflow", "tensorflow-gpu", "tensorflow-cpu", "tensorflow-macos", "tf-nightly*"),
    "keras": ("keras",),
    "mxnet": ("mxnet", "mxnet-cu*", "mxnet-mkl", "mxnet-native"),
    "jax": ("jax",),
    "jaxlib": ("jaxlib",),
    "paddle": ("paddlepaddle", "paddlepaddle-gpu"),
    # Libraries the benchmarked implementations are built on.
    "numpy": ("numpy",),
    "apex": ("apex",),
    "detectron2": ("detectron2",),
    "mmcv": ("mmcv", "mmcv-full", "mmcv-lite"),
    "mmdet": ("mmdet",),
    "mmengine": ("mmengine",),
    "maskrcnn-benchmark": ("maskrcnn-benchmark",),
    "tensorpack": ("tensorpack",),
    "horovod": ("horovod",),
    "dali": ("nvidia-dali", "nvidia-dali-cuda*"),
    "pycocotools": ("pycocotools",),
    "opencv": ("opencv-python", "opencv-python-headless", "opencv-contrib-python", "opencv-contrib-python-headless"),
    "pillow": ("pillow", "pillow-simd"),
    # The documentation tool chain, for implementations that are this project's own.
    "pandas": ("pandas",),
    "sphinx": ("sphinx",),
    "docutils": ("docutils",),
    "pyyaml": ("pyyaml",),
    "myst-parser": ("myst-parser",),
}

#: The ``software`` keys captured by default: every key of :data:`DISTRIBUTIONS`,
#: that is the deep-learning frameworks the benchmarks compare (torch, tensorflow,
#: keras, mxnet, jax, paddle), the libraries their implementations are built on
#: (detectron2, mmdet, mmcv, apex, DALI, ...) and this project's own tool chain
#: (sphinx, docutils, pyyaml, myst-parser, pandas).  Only the installed ones are
#: recorded, so a long list costs nothing on the page.  ``python`` is always
#: recorded; ``cuda``, ``cudnn`` (and ``hip`` on ROCm builds) come from ``torch``
#: when it imports.
DEFAULT_PACKAGES: tuple[str, ...] = tuple(DISTRIBUTIONS)

#: Marks the probe's result lines among whatever else an import prints.
_MARK = "@@sphinx-benchbench-envcapture@@"

# The probe runs in the implementation's interpreter, which may be old: plain
# Python 3 syntax only (no f-strings, no walrus), importlib.metadata with a
# pkg_resources fallback.  argv[1] is a JSON list of [key, [patterns]] pairs.
_PROBE = r"""
import fnmatch, json, platform, re, sys
MARK = sys.argv[2]

def norm(name):
    return re.sub(r"[-_.]+", "-", name).lower()

def emit(kind, data):
    sys.stdout.write(MARK + " " + kind + " " + json.dumps(data, sort_keys=True) + "\n")
    sys.stdout.flush()

installed = {}
try:
    from importlib import metadata
    for dist in metadata.distributions():
        try:
            name = dist.metadata.get("Name")
            if name and dist.version:
                installed.setdefault(norm(name), str(dist.version))
        except Exception:
            pass
except ImportError:
    try:
        import pkg_resources
        for dist in pkg_resources.working_set:
            installed.setdefault(norm(dist.project_name), str(dist.version))
    except Exception:
        pass

versions = {"python": platform.python_version()}
for key, patterns in json.loads(sys.argv[1]):
    for pattern in patterns:
        hits = sorted(n for n in installed if fnmatch.fnmatchcase(n, norm(pattern)))
        if hits:
            versions[key] = installed[hits[0]]
            break
emit("packages", versions)

info = {}
try:
    import torch
    info["version"] = str(torch.__version__)
    for attr in ("cuda", "hip"):
        value = getattr(torch.version, attr, None)
        if value:
            info[attr] = str(value)
    try:
        cudnn = torch.backends.cudnn.version()
        if cudnn:
            info["cudnn"] = int(cudnn)
    except Exception:
        pass
except (Exception, SystemExit) as exc:
    info["error"] = type(exc).__name__
    info["installed"] = "torch" in installed
emit("torch", info)
"""


@dataclass(frozen=True)
class Environment:
    """What a result was measured on and with, ready for a :class:`~sphinx_benchbench.data.model.Result`."""

    #: This machine: CPU, memory, and the GPUs the implementation sees.
    hardware: Hardware
    #: Package versions of the implementation's interpreter, by key (see :data:`DISTRIBUTIONS`).
    software: dict[str, str]
    #: Kernel, architecture and C library, e.g. ``Linux 6.1.0 x86_64, glibc 2.36``.
    platform: str
    #: Why something could not be captured; empty when everything was.
    warnings: tuple[str, ...] = field(default=())

    def result_fields(self) -> dict[str, object]:
        """The keyword arguments of :class:`~sphinx_benchbench.data.model.Result` this fills in."""
        return {"hardware": self.hardware, "software": dict(self.software), "platform": self.platform}


# --------------------------------------------------------------------------
# Child processes


@dataclass(frozen=True)
class _Outcome:
    stdout: str
    returncode: int | None  # None: killed after the timeout
    error: str | None = None  # why it could not be started


def _run(args: Sequence[str], timeout: float, env: Mapping[str, str] | None = None) -> _Outcome:
    """Run a program without a shell; on timeout kill its whole process group."""
    try:
        proc = subprocess.Popen(
            list(args),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=dict(env) if env is not None else None,
            start_new_session=True,
        )
    except OSError as exc:
        return _Outcome("", None, type(exc).__name__)
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except OSError:
            proc.kill()
        try:
            out, _ = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:  # a descendant left the group and holds the pipe open
            out = b""
            if proc.stdout is not None:
                proc.stdout.close()
            proc.wait()
        return _Outcome(out.decode("utf-8", "replace"), None)
    return _Outcome(out.decode("utf-8", "replace"), proc.returncode)


def _status(outcome: _Outcome, timeout: float) -> str:
    if outcome.error:
        return f"could not be started ({outcome.error})"
    if outcome.returncode is None:
        return f"did not finish within {timeout:g} s"
    if outcome.returncode < 0:
        try:
            name = signal.Signals(-outcome.returncode).name
        except ValueError:
            name = f"signal {-outcome.returncode}"
        return f"was killed by {name}"
    return f"exited with status {outcome.returncode}"


def _scrub(text: str) -> str:
    """Mask the home directory, user name and host name in child output that reaches a warning."""
    home = os.path.expanduser("~")
    if home not in ("", "/"):
        text = text.replace(home, "~")
    for secret, mask in ((_safe(getpass.getuser), "<user>"), (_safe(socket.gethostname), "<host>")):
        if secret:
            text = re.sub(rf"(?<![\w.-]){re.escape(secret)}(?![\w-])", mask, text)
    return text


def _safe(get: Callable[[], str]) -> str:
    try:
        return str(get())
    except Exception:  # no user name or host name to mask
        return ""


# --------------------------------------------------------------------------
# Software: the probe in the implementation's interpreter


def cudnn_version_text(number: int) -> str:
    """``torch.backends.cudnn.version()`` as text: 90100 -> ``9.1.0``, 8902 -> ``8.9.2``, 7605 -> ``7.6.5``.

    cuDNN 9 encodes ``major*10000 + minor*100 + patch``; earlier versions
    ``major*1000 + minor*100 + patch`` (the ``CUDNN_VERSION`` macro of each).
    """
    if number >= 90000:
        major, rest = divmod(number, 10000)
    else:
        major, rest = divmod(number, 1000)
    minor, patch = divmod(rest, 100)
    return f"{major}.{minor}.{patch}"


def capture_software(
    python: str, packages: Sequence[str] = DEFAULT_PACKAGES, timeout: float = 60, env: Mapping[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """Versions in the interpreter ``python`` (run as a child), and warnings."""
    spec = [[key, list(DISTRIBUTIONS.get(key, (key,)))] for key in packages]
    outcome = _run([python, "-I", "-c", _PROBE, json.dumps(spec), _MARK], timeout, env)
    found: dict[str, dict[str, object]] = {}
    for line in outcome.stdout.splitlines():
        if line.startswith(_MARK + " "):
            kind, _, payload = line[len(_MARK) + 1 :].partition(" ")
            try:
                data = json.loads(payload)
            except ValueError:
                continue
            if isinstance(data, dict):
                found[kind] = data
    warnings: list[str] = []
    packages_found = found.get("packages")
    if packages_found is None:
        why = "printed no result" if outcome.returncode == 0 else _status(outcome, timeout)
        warnings.append(
            f"software versions not recorded: the implementation's interpreter {why} "
            "when asked for its package versions"
        )
        return {}, warnings
    # python first, then the keys in the order asked for.
    order = ["python", *packages]
    software = {k: str(packages_found[k]) for k in order if isinstance(packages_found.get(k), (str, int, float))}
    torch = found.get("torch")
    if torch is None:
        warnings.append(
            "cuda and cudnn versions not recorded: importing torch in the implementation's interpreter "
            f"{_status(outcome, timeout) if outcome.returncode != 0 else 'printed no result'}"
        )
    elif "error" in torch:
        if torch.get("installed") or "torch" in software:
            warnings.append(
                f"cuda and cudnn versions not recorded: torch is installed but importing it failed ({torch['error']})"
            )
    else:
        if "torch" in packages and "torch" not in software and torch.get("version"):
            software["torch"] = str(torch["version"])
        for key in ("cuda", "hip"):
            if torch.get(key):
                software[key] = str(torch[key])
        cudnn = torch.get("cudnn")
        if isinstance(cudnn, int) and cudnn > 0:
            software["cudnn"] = cudnn_version_text(cudnn)
    return software, warnings


# --------------------------------------------------------------------------
# Hardware


def _gib(value: float) -> float:
    """Round GiB the way a reader names the size: whole GiB from 10 up, one decimal below."""
    return float(round(value)) if value >= 10 else round(value, 1)


def _gib_text(value: float) -> str:
    return f"{value:g}"


def _cpu_model() -> str | None:
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for line in f:
                key, sep, value = line.partition(":")
                if sep and key.strip() == "model name" and value.strip():
                    return " ".join(value.split())
    except OSError:
        pass
    return platform.processor().strip() or None


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
                    return _gib(int(line.split()[1]) / 1024**2)  # kB
    except (OSError, ValueError, IndexError):
        pass
    try:
        return _gib(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3)
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
    if not nvidia_smi:
        return None, None, []
    program = shutil.which(nvidia_smi, path=env.get("PATH", os.defpath))
    if program is None:
        return None, None, []
    warnings: list[str] = []
    visible, problem = _visible_gpus(env)
    if problem:
        warnings.append(problem)
    if visible is not None and not visible:
        return None, None, warnings  # the implementation sees no GPU
    query = [program, "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader,nounits"]
    if visible is not None:
        query.append("--id=" + ",".join(map(str, visible)))
    outcome = _run(query, timeout, env)
    if outcome.returncode != 0:
        first = next((line.strip() for line in outcome.stdout.splitlines() if line.strip()), "")
        said = f": {_scrub(first)[:160]}" if first and outcome.returncode is not None else ""
        warnings.append(f"GPUs not recorded: nvidia-smi {_status(outcome, timeout)}{said}")
        return None, None, warnings
    try:
        gpus = parse_gpu_query(outcome.stdout)
    except ValueError as exc:
        warnings.append(f"GPUs not recorded: {_scrub(str(exc))}")
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
        memory_gb=_gib(memory / 1024) if memory is not None else None,
        driver=", ".join(drivers) or None,
    )
    interconnect = None
    if len(gpus) > 1:
        topo = _run([program, "topo", "-m"], timeout, env)
        if topo.returncode != 0:
            warnings.append(f"GPU interconnect not recorded: nvidia-smi topo -m {_status(topo, timeout)}")
        else:
            interconnect = parse_topology(topo.stdout, visible)
            if interconnect is None:
                warnings.append("GPU interconnect not recorded: nvidia-smi topo -m printed no GPU matrix")
    return accelerator, interconnect, warnings


def _label(accelerator: Accelerator | None, interconnect: str | None, cpu: str | None, count: int | None,
           memory: float | None) -> str:
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
        label=_label(accelerator, interconnect, cpu, count, memory),
        accelerator=accelerator,
        interconnect=interconnect,
        cpu=cpu,
        cpu_count=count,
        memory_gb=memory,
    )
    return hardware, warnings


# --------------------------------------------------------------------------
# Platform


def capture_platform() -> str:
    """``Linux 6.1.0 x86_64, glibc 2.36`` (kernel release, architecture, C library)."""
    text = " ".join(p for p in (platform.system(), platform.release(), platform.machine()) if p)
    libc, version = platform.libc_ver()
    if libc and version:
        return f"{text}, {libc} {version}"
    mac = platform.mac_ver()[0]
    if mac:
        return f"{text}, macOS {mac}"
    return text


# --------------------------------------------------------------------------


def capture(
    python: str | None = sys.executable,
    packages: Sequence[str] = DEFAULT_PACKAGES,
    timeout: float = 60,
    *,
    env: Mapping[str, str] | None = None,
    nvidia_smi: str | None = "nvidia-smi",
) -> Environment:
    """Capture the environment an implementation runs in.

    ``python``: the implementation's interpreter (e.g. its virtual
    environment's ``bin/python``); ``None`` skips the software probe.
    ``packages``: ``software`` keys to look for (see :data:`DISTRIBUTIONS`).
    ``timeout``: seconds for each child process (the probe, which may import
    ``torch``, and each ``nvidia-smi`` call).  ``env``: the environment the
    implementation runs with (default: this process's); the probe and
    ``nvidia-smi`` run with it, and its ``CUDA_VISIBLE_DEVICES`` selects the GPUs
    recorded.  It is read, never recorded.  ``nvidia_smi``: the program's name
    (looked up on ``env``'s ``PATH``) or path; ``None`` records no GPUs.
    """
    env = os.environ if env is None else env
    hardware, warnings = capture_hardware(nvidia_smi, env, timeout)
    software: dict[str, str] = {}
    if python is not None:
        software, more = capture_software(python, packages, timeout, env)
        warnings += more
    return Environment(hardware=hardware, software=software, platform=capture_platform(), warnings=tuple(warnings))
