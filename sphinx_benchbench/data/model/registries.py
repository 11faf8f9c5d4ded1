"""The shared registries of a data folder: ``logos.yaml`` and ``hardware.yaml``."""

# No ``from __future__ import annotations`` here: the validator reads these
# hints on every load, and real annotation objects cost nothing to read while
# strings must be compiled and evaluated (measured: most of a cold build's cost).
from dataclasses import dataclass

from .fields import _f, _req
from .kinds import FilePath, Ident, NonNegative, PositiveInt, Url

__all__ = ["Accelerator", "Hardware", "HardwareFile", "Logo", "LogosFile"]


@dataclass(frozen=True)
class Logo:
    """A project logo or framework icon, shared by every benchmark."""

    name: str = _req("Name of the project or framework; the image's alt text.")
    image: FilePath | None = _f(
        "Local image file, relative to ``logos.yaml``: SVG, PNG, JPEG, GIF or PDF, at "
        "most 512 KiB, checked by its content (an SVG must be plain drawing).  Embedded "
        "in the page, so offline builds and PDFs show it.  Put a PNG or PDF next to an SVG "
        "with the same stem and builders that cannot show SVG (LaTeX) use that instead; "
        "without one they show the name."
    )
    url: Url | None = _f("Remote image address, used only when there is no local ``image``; shown by "
                         "HTML builds, never downloaded by a build (LaTeX, EPUB and Texinfo show the name).")
    link: Url | None = _f("Where the logo links to (the project's home page).")


@dataclass(frozen=True)
class LogosFile:
    """``data/logos.yaml``."""

    logos: dict[Ident, Logo] = _f("Logos and icons by id.", {})


@dataclass(frozen=True)
class Accelerator:
    """The accelerators of a machine."""

    model: str = _req("Accelerator model, e.g. ``NVIDIA V100-SXM2-32GB``.")
    count: PositiveInt = _req("How many were used.")
    memory_gb: NonNegative | None = _f("Memory of one accelerator, GiB.")
    driver: str | None = _f("Driver version.")


@dataclass(frozen=True)
class Hardware:
    """A hardware profile: what a result was measured on."""

    label: str = _req("Short human description, shown on the page.")
    accelerator: Accelerator | None = _f("Accelerators used, if any.")
    interconnect: str | None = _f("Accelerator interconnect, e.g. ``NVLink``.")
    cpu: str | None = _f("CPU model.")
    cpu_count: PositiveInt | None = _f("Logical CPUs available.")
    memory_gb: NonNegative | None = _f("Main memory, GiB.")
    notes: str | None = _f("Anything else a reader needs to know.")

    @property
    def identity(self) -> tuple[object, ...]:
        """What makes two machines comparable: results ranked together share it.

        The accelerators (model, count and memory) and their interconnect; on
        a machine without accelerators, the CPU model and the number of CPUs.
        The label only describes a machine, unless a profile gives none of
        these: then two differently labelled machines are not assumed equal.
        """
        acc = self.accelerator
        acc_id = (acc.model, acc.count, acc.memory_gb) if acc else None
        cpu_id = None if acc else (self.cpu, self.cpu_count)
        if acc is None and self.interconnect is None and cpu_id == (None, None):
            return (None, None, None, self.label)
        return (acc_id, self.interconnect, cpu_id, None)


@dataclass(frozen=True)
class HardwareFile:
    """``data/hardware.yaml``."""

    hardware: dict[Ident, Hardware] = _f("Hardware profiles by id.", {})
