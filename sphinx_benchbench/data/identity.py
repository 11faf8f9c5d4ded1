"""What makes two results comparable, as one hash.

conbench calls it a result's *context*: the benchmark's definition, the
implementation's commands, environment variables, set-up steps, patches and
how its output is read, the commit that ran, and the hardware.  Versions and
dates only describe a result and are left out on purpose.  The runner stores
the hash with each result; the staleness check recomputes it from the data as
it is now, so an edited entry marks the results measured before the edit.
"""

from __future__ import annotations

import dataclasses
import json

from .model import Benchmark, Hardware, Implementation

__all__ = ["identity"]


def identity(bench: Benchmark, impl: Implementation, commit: str | None, hardware: Hardware | None) -> str:
    """``sha256:`` and 32 hex digits over the comparable parts of a result."""
    import hashlib  # lazily: only runner-recorded results carry an identity to check

    d = bench.definition
    run = impl.run
    blob = json.dumps(
        {
            "metric": dataclasses.asdict(d.metric),
            "measurement": dataclasses.asdict(d.measurement),
            "commands": impl.commands,
            "env": impl.env,
            "setup": [s.run for s in impl.setup],
            "patches": [bench.patch_text.get(p.file, "") for p in impl.patches],
            "log": dataclasses.asdict(run.log) if run and run.log else None,
            "items_per_iteration": run.items_per_iteration if run else None,
            "commit": commit or (impl.source.ref if impl.source else None),
            "hardware": list(hardware.identity) if hardware else None,
            # Added with the metric sources; left out when unset, so results recorded before keep their hash.
            **_measured_by(bench, impl),
        },
        sort_keys=True,
        default=str,
    )
    return "sha256:" + hashlib.sha256(blob.encode()).hexdigest()[:32]


def _measured_by(bench: Benchmark, impl: Implementation) -> dict[str, object]:
    """What else decides the number: the source and its settings, the prepare commands, the shared set-up."""
    run = impl.run
    found: dict[str, object] = {}
    if run is not None and run.kind != "log":
        found["source"] = run.kind
        spec = {"wall": run.wall, "printed": run.printed, "json": run.json}[run.kind]
        found["source_settings"] = dataclasses.asdict(spec) if spec is not None else None
    if run is not None and run.prepare:
        found["prepare"] = run.prepare
    if bench.definition.setup:
        found["benchmark_setup"] = [s.run for s in bench.definition.setup]
    return found
