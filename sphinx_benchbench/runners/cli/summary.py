"""The summary table every runner command ends with, and the exit status it implies."""

from __future__ import annotations

from ...exits import FAILED as EXIT_FAILED
from ...exits import INTERRUPTED as EXIT_INTERRUPTED
from ...exits import OK as EXIT_OK
from ..engine.plan import Outcome

__all__ = ["EXIT_FAILED", "EXIT_INTERRUPTED", "EXIT_OK", "exit_status", "finish"]


def exit_status(outcomes: list[Outcome], interrupted: bool = False) -> int:
    """Interrupted, else failed if any failed, else 0 (:mod:`sphinx_benchbench.exits`)."""
    if interrupted:
        return EXIT_INTERRUPTED
    return EXIT_FAILED if any(o.status == "failed" for o in outcomes) else EXIT_OK


def finish(outcomes: list[Outcome], interrupted: bool = False) -> int:
    """Print the summary of ``outcomes``; the exit status (:func:`exit_status`)."""
    if outcomes:
        width = max(len(f"{o.benchmark}/{o.implementation}") for o in outcomes)
        print("\nSummary:")
        for o in outcomes:
            print(f"  {o.benchmark + '/' + o.implementation:<{width}}  {o.status:<8}  {o.detail}")
    return exit_status(outcomes, interrupted)
