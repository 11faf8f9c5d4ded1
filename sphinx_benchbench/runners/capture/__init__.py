"""Capture the environment a benchmark result was measured in.

Why this package exists: a number means little without the machine and the
software it came from.  The runners record, with every result, the hardware
(CPU, memory, GPUs and their interconnect, :mod:`.hardware`), the versions of
the software the implementation declares it runs (:mod:`.software`: the
packages of its interpreter, ``zstd --version``-style probes) and the
platform (kernel and C library), in the ``hardware``, ``software`` and
``platform`` fields of :class:`sphinx_benchbench.data.model.Result`.

Three rules shape the code:

* **The implementation's environment, not the runner's.**  Versions are read
  from the implementation's own interpreter and ``PATH``, and only for what it
  declares (``run.packages``, ``run.versions``): a result of ``gzip`` that
  recorded this project's Sphinx would be stale against the wrong software.
  Hardware is read from this machine (``/proc``, ``nvidia-smi``), honouring
  ``CUDA_VISIBLE_DEVICES`` in the implementation's environment so that a
  one-GPU run on an eight-GPU machine records one GPU.
* **Never fail a run over bookkeeping.**  A missing ``nvidia-smi`` is simply a
  machine without GPUs.  A failing, hanging or unreadable ``nvidia-smi``,
  probe or version command leaves out what it would have told and adds a
  sentence to :attr:`Environment.warnings` saying why; :func:`capture` does
  not raise for them.  Every child process has a timeout
  (:mod:`.children`).
* **Privacy.**  Results are published.  Nothing recorded names the host, the
  user, a home directory, an environment variable or a token: no hostname
  (``platform.node()`` is never read), no interpreter path, no stderr of the
  probe; child output that reaches a warning has the home directory, user and
  host name masked.

Numbers are rounded the way a reader thinks of the hardware: memory in GiB,
whole GiB from 10 GiB up (``/proc/meminfo`` and ``nvidia-smi`` report a little
less than the nominal size, e.g. 81559 MiB for an "H100 80GB" is 79.6 GiB and
is recorded as 80), one decimal below.
"""

from __future__ import annotations

import os
import platform
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ...data.model import Hardware, VersionProbe
from .hardware import capture_hardware, parse_gpu_query, parse_topology
from .software import DISTRIBUTIONS, capture_software, cudnn_version_text, probe_versions

__all__ = [
    "DISTRIBUTIONS",
    "Environment",
    "capture",
    "capture_hardware",
    "capture_platform",
    "capture_software",
    "cudnn_version_text",
    "parse_gpu_query",
    "parse_topology",
    "probe_versions",
]


@dataclass(frozen=True)
class Environment:
    """What a result was measured on and with, ready for a :class:`~sphinx_benchbench.data.model.Result`."""

    #: This machine: CPU, memory, and the GPUs the implementation sees.
    hardware: Hardware
    #: Versions of what the implementation runs, by key: ``python`` and its packages, probed programs.
    software: dict[str, str]
    #: Kernel, architecture and C library, e.g. ``Linux 6.1.0 x86_64, glibc 2.36``.
    platform: str
    #: Why something could not be captured; empty when everything was.
    warnings: tuple[str, ...] = field(default=())


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


def capture(
    python: str | None = sys.executable,
    packages: Sequence[str] = (),
    timeout: float = 60,
    *,
    env: Mapping[str, str] | None = None,
    nvidia_smi: str | None = "nvidia-smi",
    versions: Mapping[str, str | VersionProbe] | None = None,
    cwd: str | None = None,
) -> Environment:
    """Capture the environment an implementation runs in.

    ``python``: the implementation's interpreter (e.g. its virtual
    environment's ``bin/python``); ``None`` skips the package probe (and
    ``python``'s own version).  ``packages``: ``software`` keys to look for in
    it (see :data:`DISTRIBUTIONS`).  ``versions``: version probes by name, run
    in ``cwd``.  ``timeout``: seconds for each child process (the probe, which
    may import ``torch``, each ``nvidia-smi`` call, each version command).
    ``env``: the environment the implementation runs with (default: this
    process's); every child runs with it, and its ``CUDA_VISIBLE_DEVICES``
    selects the GPUs recorded.  It is read, never recorded.  ``nvidia_smi``:
    the program's name (looked up on ``env``'s ``PATH``) or path; ``None``
    records no GPUs.
    """
    env = os.environ if env is None else env
    hardware, warnings = capture_hardware(nvidia_smi, env, timeout)
    software: dict[str, str] = {}
    if python is not None:
        software, more = capture_software(python, packages, timeout, env)
        warnings += more
    if versions:
        probed, more = probe_versions(versions, env, cwd, timeout)
        software.update(probed)
        warnings += more
    return Environment(hardware=hardware, software=software, platform=capture_platform(), warnings=tuple(warnings))
