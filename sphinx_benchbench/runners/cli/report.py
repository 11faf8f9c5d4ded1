"""``runners.run --json``: one JSON object on stdout saying what the command did.

A script that runs benchmarks wants to know what was recorded and what was
refused without parsing the summary table, whose layout is for people.  The
object is printed however the command ends (an interrupt included), so the
caller always gets one; the human output goes to stderr meanwhile.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from typing import Any

from ...exits import INTERRUPTED
from ..engine.plan import Outcome

__all__ = ["Report"]


@dataclass
class Report:
    """What a run command found and did, filled in as it goes."""

    outcomes: list[Outcome] = field(default_factory=list)
    #: ``--dry-run``'s plan, by ``benchmark/implementation``.
    plans: dict[str, list[str]] = field(default_factory=dict)
    #: ``--list``: one object per benchmark.
    listed: list[dict[str, Any]] = field(default_factory=list)
    #: Data problems that left something out, as ``file:line: message``.
    warnings: list[str] = field(default_factory=list)
    #: Why the command stopped before running anything.
    problem: str | None = None
    #: The exit status; interrupted until the command returns one.
    status: int = INTERRUPTED

    def error(self, message: str, status: int) -> int:
        """Say ``error: message`` on stderr, keep it for the report; ``status``."""
        print(f"error: {message}", file=sys.stderr)
        self.problem = message
        return status

    def to_json(self, args: argparse.Namespace) -> str:
        """The object: the command, its exit status, each implementation's outcome, and the counts."""
        outcomes = [{"benchmark": o.benchmark, "implementation": o.implementation,
                     "status": "refused" if o.refused else o.status, "detail": o.detail} for o in self.outcomes]
        counts: dict[str, int] = {}
        for item in outcomes:
            counts[item["status"]] = counts.get(item["status"], 0) + 1
        document: dict[str, Any] = {
            "command": "list" if args.list else (args.target or ""),
            "implementations": list(args.implementations),
            "data": str(args.data.resolve()),
            "dry_run": bool(args.dry_run),
            "executor": args.executor,
            "exit_status": self.status,
            "interrupted": self.status == INTERRUPTED,
            "error": self.problem,
            "counts": counts,
            "outcomes": outcomes,
            "warnings": self.warnings,
        }
        if args.dry_run:
            document["plans"] = self.plans
        if args.list:
            document["benchmarks"] = self.listed
        return json.dumps(document, indent=2)
