"""Log formats: how many iterations a line says are done, and what its printed time means.

One module per family, each stating in its docstring what every field it
reads means and which source file of the implementation that was checked
against (``docs/runners/log-formats.rst`` collects them).  The shared parts
are in :mod:`.base` (the parser interface, printed numbers), :mod:`.lines`
(colours, rank prefixes) and :mod:`.timing` (a window from the printed
timings, cross-checked against the lines' logged times); the window
computation all formats share is :mod:`..window`.
"""

from __future__ import annotations

from typing import Any

from .base import LogFormatError, LogParser, Reading, Reported, Timing
from .detectron import DetectronParser
from .detectron2 import Detectron2Parser
from .generic import GenericParser
from .keras import KerasParser
from .maskrcnn_benchmark import MaskRCNNBenchmarkParser
from .mmdetection import MMDetectionParser
from .simpledet import SimpleDetParser
from .tensorpack import TensorpackParser
from .torchvision import TorchvisionParser

__all__ = [
    "FORMATS",
    "Detectron2Parser",
    "DetectronParser",
    "GenericParser",
    "KerasParser",
    "LogFormatError",
    "LogParser",
    "MMDetectionParser",
    "MaskRCNNBenchmarkParser",
    "Reading",
    "Reported",
    "SimpleDetParser",
    "TensorpackParser",
    "Timing",
    "TorchvisionParser",
    "make_parser",
]

FORMATS: dict[str, type[LogParser]] = {
    cls.name: cls
    for cls in (
        Detectron2Parser,
        MMDetectionParser,
        MaskRCNNBenchmarkParser,
        TensorpackParser,
        SimpleDetParser,
        DetectronParser,
        KerasParser,
        TorchvisionParser,
        GenericParser,
    )
}


def make_parser(name: str, **options: Any) -> LogParser:
    """A fresh parser for one run of the format called ``name``.

    Raises ValueError for an unknown name (listing the known ones) so a typo
    in a benchmark definition fails before the run starts, and TypeError for
    options the format does not take.
    """
    try:
        cls = FORMATS[name]
    except KeyError:
        raise ValueError(f"unknown log format {name!r}; known formats: {', '.join(sorted(FORMATS))}") from None
    return cls(**options)
