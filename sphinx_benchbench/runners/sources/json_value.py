"""The ``json`` source: a number in a JSON document the command writes.

Each run executes the commands once, then reads ``run.json.file`` (relative
to where the commands run, and inside it) or, without one, the output: the
whole output as one document, else the last line that is one (stderr is read
with stdout, so a command that warns should write a file).  ``run.json.path``
leads to the number: keys and list indexes separated by dots.
"""

from __future__ import annotations

import json
import math
from typing import Any

from ...data.model import JsonSpec
from .base import Context, Failure, Run, Source, inside_folder

__all__ = ["JsonSource", "follow"]

#: Most output kept for a document on standard output.
MAX_OUTPUT = 8 * 1024 * 1024


def follow(document: Any, path: str) -> float:
    """The number at ``path`` in ``document``; ``KeyError`` says where the path ends."""
    node = document
    walked: list[str] = []
    for part in path.split("."):
        if isinstance(node, list) and part.lstrip("-").isdigit() and -len(node) <= int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            raise KeyError(f"no {part!r} after {'.'.join(walked) or 'the top'}")
        walked.append(part)
    if isinstance(node, bool) or not isinstance(node, (int, float)) or not math.isfinite(node):
        raise KeyError(f"{path} is {json.dumps(node)[:60]}, not a finite number")
    return float(node)


def _document(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        pass
    for line in reversed(text.splitlines()):
        line = line.strip()
        if line[:1] in "[{":
            try:
                return json.loads(line)
            except ValueError:
                continue
    raise ValueError("no JSON document in the output (stderr is read with it: write the JSON to a file and "
                     "give run.json.file)")


class JsonSource(Source):
    name = "json"
    summary = "a number in a JSON document the command writes (a file, or its output)"

    @property
    def json(self) -> JsonSpec:
        assert self.spec.json is not None
        return self.spec.json

    def problems(self) -> list[str]:
        if self.spec.json is None:
            return [f"{self.impl.id}: run.source is json but run.json (its path) is not given"]
        return []

    def plan(self) -> list[str]:
        where = self.json.file or "its output"
        return [f"measure {self.json.path} in the JSON of {where}, x {self.json.scale:g}"]

    def measure(self, ctx: Context, repeat: int) -> list[Run]:
        runs = []
        for n in range(1, repeat + 1):
            ctx.log.write(f"=== run {n}/{repeat} ===\n")
            ctx.prepare()
            ctx.progress.start(self.impl.id, n, repeat, 0)
            output: list[str] = []
            size = [0]

            def keep(sample: object, text: str, output: list[str] = output, size: list[int] = size) -> None:
                size[0] += len(text)
                if size[0] <= MAX_OUTPUT:
                    output.append(text)

            try:
                outcome = ctx.execute(list(self.impl.commands), what=f"run {n}", parser=None, on_line=keep)
            finally:
                ctx.progress.stop()
            try:
                if self.json.file:
                    path = inside_folder(ctx.cwd, self.json.file)
                    if path is None:
                        raise ValueError(f"run.json.file {self.json.file!r} leads out of the folder the commands "
                                         "run in")
                    document = json.loads(path.read_text(encoding="utf-8"))
                else:
                    document = _document("\n".join(output))
                value = follow(document, self.json.path) * self.json.scale
            except (OSError, ValueError, KeyError) as exc:
                raise Failure(f"run {n}: {exc}", list(outcome.tail)) from None
            where = self.json.file or "its output"
            runs.append(Run(value, None, f"{self.json.path} in the JSON of {where}, x {self.json.scale:g}"))
            ctx.progress.measured(f"{value:.6g}")
        return runs
