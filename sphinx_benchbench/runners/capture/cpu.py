"""The CPU's model name, on machines whose ``/proc/cpuinfo`` has none (aarch64).

x86 kernels write a ``model name`` line; arm64 kernels write only the
implementer and part numbers (``CPU implementer : 0x41``, ``CPU part :
0xd0c``), so a Graviton or an Ampere Altra was recorded as "Unknown CPU".
``lscpu`` decodes those numbers with a table that grows with each release
(and, run as root, adds the SMBIOS name, ``BIOS Model name: AWS
Graviton2``), so it is asked first; where it is missing or says nothing, the
numbers are decoded here with the common part of that table.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

__all__ = ["ARM_IMPLEMENTERS", "model_from_cpuinfo", "model_from_lscpu", "pick_model"]

#: CPU implementer -> (vendor, {CPU part: core}): the entries of util-linux's ``sys-utils/lscpu-arm.c``
#: (https://github.com/util-linux/util-linux/blob/master/sys-utils/lscpu-arm.c) for server, cloud and desktop
#: cores, named as lscpu names them so that a result reads the same whichever way it was found.
#: AWS Graviton2, 3 and 4 are ARM's Neoverse-N1 (0xd0c), V1 (0xd40) and V2 (0xd4f) (AWS Graviton Technical
#: Guide); Ampere Altra is a Neoverse-N1 too, so the numbers cannot tell them apart: only SMBIOS can.
ARM_IMPLEMENTERS: dict[int, tuple[str, dict[int, str]]] = {
    0x41: ("ARM", {
        0xd03: "Cortex-A53", 0xd04: "Cortex-A35", 0xd05: "Cortex-A55", 0xd07: "Cortex-A57", 0xd08: "Cortex-A72",
        0xd09: "Cortex-A73", 0xd0a: "Cortex-A75", 0xd0b: "Cortex-A76", 0xd0c: "Neoverse-N1", 0xd0d: "Cortex-A77",
        0xd40: "Neoverse-V1", 0xd41: "Cortex-A78", 0xd44: "Cortex-X1", 0xd46: "Cortex-A510", 0xd47: "Cortex-A710",
        0xd48: "Cortex-X2", 0xd49: "Neoverse-N2", 0xd4a: "Neoverse-E1", 0xd4d: "Cortex-A715", 0xd4e: "Cortex-X3",
        0xd4f: "Neoverse-V2",
    }),
    0x42: ("Broadcom", {0x516: "ThunderX2"}),
    0x43: ("Cavium", {0x0a1: "ThunderX-88XX", 0x0af: "ThunderX2-99xx", 0x0b8: "ThunderX3-T110"}),
    0x46: ("FUJITSU", {0x001: "A64FX"}),
    0x48: ("HiSilicon", {0xd01: "Kunpeng-920"}),
    0x4e: ("NVIDIA", {0x000: "Denver", 0x003: "Denver 2", 0x004: "Carmel"}),
    0x50: ("APM", {0x000: "X-Gene"}),
    0x51: ("Qualcomm", {0x800: "Falkor-V1/Kryo", 0xc00: "Falkor", 0xc01: "Saphira"}),
    0x61: ("Apple", {
        0x022: "Icestorm-M1", 0x023: "Firestorm-M1", 0x024: "Icestorm-M1-Pro", 0x025: "Firestorm-M1-Pro",
        0x028: "Icestorm-M1-Max", 0x029: "Firestorm-M1-Max", 0x032: "Blizzard-M2", 0x033: "Avalanche-M2",
    }),
    0x70: ("Phytium", {0x662: "FTC662", 0x663: "FTC663"}),
    0xc0: ("Ampere", {0xac3: "Ampere-1", 0xac4: "Ampere-1a"}),
}

#: x86's CPUID vendor strings: their model names carry the vendor already ("Intel(R) Xeon(R) ...").
_X86_VENDORS = {"GenuineIntel", "AuthenticAMD", "HygonGenuine", "CentaurHauls", "  Shanghai  "}
#: What lscpu and SMBIOS print for "not known".
_UNKNOWN = {"", "-", "unknown", "not specified", "to be filled by o.e.m.", "none"}


def _known(value: str | None) -> str | None:
    text = " ".join((value or "").split())
    return None if text.lower() in _UNKNOWN else text


def _number(text: str) -> int | None:
    try:
        return int(text, 16) if text.lower().startswith("0x") else int(text)
    except ValueError:
        return None


def _fields(text: str) -> Iterator[tuple[str, str]]:
    """``(key, value)`` of each ``key: value`` line, as /proc/cpuinfo and lscpu print them."""
    for line in text.splitlines():
        key, sep, value = line.partition(":")
        if sep:
            yield key.strip(), value


def model_from_cpuinfo(text: str) -> str | None:
    """The first ``model name`` of ``/proc/cpuinfo`` (x86, some arm boards), else its implementer and part
    numbers decoded (``ARM Neoverse-N1``; both cores of a big.LITTLE machine: ``ARM Cortex-A53 + Cortex-A72``)."""
    cores: list[tuple[int | None, int | None]] = []
    implementer: int | None = None
    for key, value in _fields(text):
        if key == "model name" and _known(value):
            return _known(value)
        if key == "CPU implementer":
            implementer = _number(value.strip())
        elif key == "CPU part" and (implementer, _number(value.strip())) not in cores:
            cores.append((implementer, _number(value.strip())))
    if not cores and implementer is not None:
        cores.append((implementer, None))
    names: list[str] = []
    vendor_said: str | None = None
    for impl, part in cores:
        if impl is None:
            continue
        vendor, parts = ARM_IMPLEMENTERS.get(impl, (f"CPU implementer {impl:#04x}", {}))
        core = parts.get(part) if part is not None else None
        if core is None and part is not None:
            core = f"part {part:#05x}"
        prefix = f"{vendor} " if vendor != vendor_said else ""
        vendor_said = vendor
        names.append(f"{prefix}{core}" if core else vendor)
    return " + ".join(names) or None


def model_from_lscpu(text: str) -> str | None:
    """``Vendor ID`` and ``Model name`` of ``LC_ALL=C lscpu`` (``ARM Neoverse-N1``), with the SMBIOS name when
    lscpu could read it (``ARM Neoverse-N1 (AWS Graviton2)``); ``None`` when it names no model."""
    vendor: str | None = None
    models: list[str] = []
    bios: str | None = None
    for key, value in _fields(text):
        if key == "Vendor ID" and vendor is None:
            vendor = _known(value)
        elif key == "Model name" and _known(value) and _known(value) not in models:
            models.append(str(_known(value)))
        elif key == "BIOS Model name" and bios is None:
            bios = _known(value)
    if not models:
        return None
    name = " + ".join(models)
    if vendor and vendor not in _X86_VENDORS and not name.lower().startswith(vendor.lower()):
        name = f"{vendor} {name}"
    if bios and bios.lower() not in name.lower():
        name += f" ({bios})"
    return re.sub(r"\s+", " ", name)


def pick_model(cpuinfo: str | None, lscpu: Callable[[], str | None], processor: str) -> str | None:
    """The model: cpuinfo's ``model name``, else lscpu's (``lscpu`` is called only then), else cpuinfo's
    numbers decoded, else the platform's ``processor``."""
    if cpuinfo:
        for key, value in _fields(cpuinfo):
            if key == "model name" and _known(value):
                return _known(value)
    said = lscpu()
    found = model_from_lscpu(said) if said else None
    return found or (model_from_cpuinfo(cpuinfo) if cpuinfo else None) or _known(processor)
