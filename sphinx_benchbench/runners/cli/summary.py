"""The summary table every runner command ends with, and the exit status it implies."""

from __future__ import annotations

from ..engine.plan import Outcome
from .stopping import EXIT_INTERRUPTED

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "finish"]

EXIT_OK = 0
#: Something failed, or the data is invalid.
EXIT_FAILED = 1


def finish(outcomes: list[Outcome], interrupted: bool = False) -> int:
    """Print the summary of ``outcomes``; the exit status: interrupted, else failed if any failed, else 0."""
    if outcomes:
        width = max(len(f"{o.benchmark}/{o.implementation}") for o in outcomes)
        print("\nSummary:")
        for o in outcomes:
            print(f"  {o.benchmark + '/' + o.implementation:<{width}}  {o.status:<8}  {o.detail}")
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if any(o.status == "failed" for o in outcomes) else EXIT_OK
