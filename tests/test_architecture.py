"""The layout's rules, checked: no import cycle, none hidden in a function, no module too long.

The import graph is read from the source (``ast``), not by importing, so a
cycle is found whether or not Python would happen to tolerate it.  An import
inside a function is an edge too: moving it to the top must not close a
cycle, or it was hiding one.  The exceptions are imports of optional or
heavy third-party modules, which are not edges of this graph at all.
"""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import REPO

PACKAGES = ("sphinx_benchbench", "runners")
#: Longest module, in lines: past it a module mixes concerns or hides a pipeline.
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((REPO / package).rglob("*.py")):
            parts = list(path.relative_to(REPO).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> dict[str, int]:
    """This project's modules ``name`` imports, each with the line of its first import."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: dict[str, int] = {}

    def add(target: str, line: int) -> None:
        while target and target not in known:  # `from pkg import name`: name may be an attribute
            target = target.rpartition(".")[0]
        if target and target != name:
            found.setdefault(target, line)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            for alias in node.names:
                add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base, node.lineno)
    return found


def _graph() -> dict[str, dict[str, int]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def _cycles(graph: dict[str, dict[str, int]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, {}):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_graph_reader_sees_relative_and_function_level_imports(tmp_path: Path) -> None:
    """The checker itself: a cycle through a relative import inside a function is found."""
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("from .b import thing\n")
    (package / "b.py").write_text("def thing():\n    from . import a\n    return a\n")
    known = {"pkg", "pkg.a", "pkg.b"}
    graph = {name: _imports(name, package / f"{name.split('.')[-1]}.py", known) for name in ("pkg.a", "pkg.b")}
    assert graph == {"pkg.a": {"pkg.b": 1}, "pkg.b": {"pkg.a": 2}}
    assert _cycles(graph) == [["pkg.a", "pkg.b"]]


def test_no_import_cycle_anywhere() -> None:
    graph = _graph()
    assert len(graph) > 60, "the walk found the project's modules"
    cycles = _cycles(graph)
    assert cycles == [], "import cycles (function-level imports count): " + "; ".join(" <-> ".join(c) for c in cycles)


def test_no_module_is_too_long() -> None:
    long = {name: n for name, path in _modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}, f"modules over {MAX_LINES} lines: {long}"


def test_the_runners_layers_import_only_downwards() -> None:
    """The pipeline's folders, lowest first: each imports only what is below it (or its own folder)."""
    layers = ["data", "analysis", "runners.cache", "runners.window", "runners.logformats", "runners.commands",
              "runners.capture", "runners.checkout", "runners.record", "runners.sources", "runners.importers",
              "runners.engine", "runners.executors", "runners.cli", "runners.suites", "sphinxext", "cli"]

    def layer(module: str) -> int | None:
        rest = module.removeprefix("sphinx_benchbench.")
        matches = [i for i, name in enumerate(layers) if rest == name or rest.startswith(name + ".")]
        return max(matches) if matches else None

    upward = []
    for module, targets in _graph().items():
        mine = layer(module)
        for target, line in targets.items():
            theirs = layer(target)
            if mine is not None and theirs is not None and theirs > mine:
                upward.append(f"{module}:{line} imports {target}")
    assert upward == []
