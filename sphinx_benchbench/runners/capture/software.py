"""Software versions: the packages of the implementation's interpreter, and its declared version probes.

The packages are read by running *that* interpreter as a child process
(``python -I -c <probe>``: isolated mode, an argument list, no shell).  The
probe prints one marked JSON line; importing ``torch`` (for the CUDA and cuDNN
versions it was built with) comes after the package versions are printed, so
a slow or broken ``torch`` still leaves the rest recorded.  A version probe is
a command (``zstd --version``) whose output holds the version: the programs a
benchmark compares are often not Python packages at all.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Mapping, Sequence

from ...data.model import VersionProbe
from .children import Finished, how_it_ended, run_program, scrub

__all__ = ["DISTRIBUTIONS", "VERSION", "capture_software", "cudnn_version_text", "probe_versions"]

#: Where each ``software`` key's version comes from: distribution names (as
#: ``pip`` knows them; compared after PEP 503 normalisation, ``*`` matches any
#: text), tried in order, the first installed one wins.  A requested key that is
#: not listed here (``run.packages``) is looked up as a distribution of the same name.
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

#: Marks the probe's result lines among whatever else an import prints.
_MARK = "@@sphinx-benchbench-envcapture@@"

# The probe runs in the implementation's interpreter, which may be old: plain
# Python 3 syntax only (no f-strings, no walrus), importlib.metadata with a
# pkg_resources fallback.  argv[1] is a JSON list of [key, [patterns]] pairs, argv[2]
# the mark, argv[3] "torch" when torch's CUDA and cuDNN are wanted.
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
if sys.argv[3] != "torch":
    sys.exit(0)

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
    python: str, packages: Sequence[str] = (), timeout: float = 60, env: Mapping[str, str] | None = None
) -> tuple[dict[str, str], list[str]]:
    """``python``'s own version and those of ``packages`` in it (run as a child), and warnings.

    ``packages`` are ``software`` keys (see :data:`DISTRIBUTIONS`); with ``torch`` among
    them, the CUDA (or HIP) and cuDNN versions torch was built with are recorded too.
    """
    packages = [key for key in packages if key != "python"]  # always recorded: the interpreter's own
    spec = [[key, list(DISTRIBUTIONS.get(key, (key,)))] for key in packages]
    with_torch = "torch" in packages
    outcome = run_program([python, "-I", "-c", _PROBE, json.dumps(spec), _MARK, "torch" if with_torch else "-"],
                          timeout, env)
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
        why = "printed no result" if outcome.returncode == 0 else how_it_ended(outcome, timeout)
        warnings.append(
            f"software versions not recorded: the implementation's interpreter {why} "
            "when asked for its package versions"
        )
        return {}, warnings
    # python first, then the keys in the order asked for.
    order = ["python", *packages]
    software = {k: str(packages_found[k]) for k in order if isinstance(packages_found.get(k), (str, int, float))}
    missing = [k for k in packages if k not in software and k != "torch"]  # torch may still import
    if missing:
        warnings.append(f"not installed in the implementation's interpreter: {', '.join(missing)}")
    if with_torch:
        warnings += _torch_versions(found.get("torch"), software, outcome, timeout)
    return software, warnings


def _torch_versions(torch: dict[str, object] | None, software: dict[str, str], outcome: Finished,
                    timeout: float) -> list[str]:
    """Add torch's own version, CUDA (or HIP) and cuDNN to ``software``; warnings for what could not be."""
    if torch is None:
        return ["cuda and cudnn versions not recorded: importing torch in the implementation's interpreter "
                f"{how_it_ended(outcome, timeout) if outcome.returncode != 0 else 'printed no result'}"]
    if "error" in torch:
        if torch.get("installed") or "torch" in software:
            return [f"cuda and cudnn versions not recorded: torch is installed but importing it failed "
                    f"({torch['error']})"]
        return ["not installed in the implementation's interpreter: torch"]
    if "torch" not in software and torch.get("version"):
        software["torch"] = str(torch["version"])
    for key in ("cuda", "hip"):
        if torch.get(key):
            software[key] = str(torch[key])
    cudnn = torch.get("cudnn")
    if isinstance(cudnn, int) and cudnn > 0:
        software["cudnn"] = cudnn_version_text(cudnn)
    return []


#: The first thing in a program's version text that looks like a version: ``1.5.6``, ``v2.0``,
#: ``3.12.0rc1``, ``5.4.1-beta`` (``zstd --version`` prints ``*** Zstandard CLI (64-bit) v1.5.4,
#: by Yann Collet ***``, ``xz --version`` ``xz (XZ Utils) 5.4.1``).
VERSION = r"(?<![\w.])v?(?P<version>\d+(?:\.\d+)+(?:[-+]?(?:alpha|beta|rc|a|b|dev|post)\.?\d*)?)"


def probe_versions(probes: Mapping[str, str | VersionProbe], env: Mapping[str, str], cwd: str | None = None,
                   timeout: float = 60) -> tuple[dict[str, str], list[str]]:
    """Each probe's version, by name, and warnings for those that could not be read.

    The command runs without a shell in the implementation's environment, its
    stderr read with its stdout (``bzip2 --version`` and ``java -version`` write
    there); the version is the probe's ``pattern``'s ``version`` group, or
    :data:`VERSION`.  Only the matched text is recorded, never the output.
    """
    found: dict[str, str] = {}
    warnings: list[str] = []
    for name, probe in probes.items():
        command = probe.command if isinstance(probe, VersionProbe) else probe
        pattern = re.compile((probe.pattern if isinstance(probe, VersionProbe) else None) or VERSION)
        try:
            argv = shlex.split(command)
        except ValueError as exc:
            warnings.append(f"{name} version not recorded: {command!r} cannot be split into arguments ({exc})")
            continue
        if not argv:
            warnings.append(f"{name} version not recorded: its probe has no command")
            continue
        finished = run_program(argv, timeout, env, stderr=True, cwd=cwd)
        match = pattern.search(finished.stdout) if finished.error is None and finished.returncode is not None else None
        if match is None or not match.group("version"):
            why = ("printed nothing that matches its pattern" if finished.returncode == 0
                   else how_it_ended(finished, timeout))
            warnings.append(f"{name} version not recorded: {scrub(command)!r} {why}")
            continue
        found[name] = match.group("version")[:64]
    return found, warnings
