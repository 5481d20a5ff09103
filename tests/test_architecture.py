"""The layers of docs/architecture.md, checked on the source: no import runs upward, none loops.

Every ``import`` counts, wherever it is written: at the top of a module, inside a
function (a deferred import is still a dependency) and under ``TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Module prefixes by layer, bottom first; a longer prefix wins over a shorter one. Within the
#: formats-and-views layer the order matters too (formats before the views that the HTML
#: export uses, views before the explorer), so it is split in steps.
LAYERS: list[tuple[float, str, tuple[str, ...]]] = [
    (0, "values and errors", ("relgraph.graph.values",)),
    (1, "the Cypher engine with its storage", ("relgraph.graph.cypher",)),
    (2, "the stores", ("relgraph.graph.store", "relgraph.graph.backends", "relgraph.graph.selection")),
    (3.0, "formats and the script library", ("relgraph.graph.formats", "relgraph.queries", "relgraph.data")),
    (3.1, "loaders and views", ("relgraph.loaders", "relgraph.graph.views")),
    (3.2, "export", ("relgraph.graph.export",)),
    (3.3, "the explorer", ("relgraph.graph.explorer",)),
    (4, "the command line and the Python API", ("relgraph",)),
]


def layer_of(module: str) -> tuple[float, str]:
    best: tuple[int, float, str] | None = None
    for number, name, prefixes in LAYERS:
        for prefix in prefixes:
            inside = module == prefix or module.startswith(prefix + ".")
            if inside and (best is None or len(prefix) > best[0]):
                best = (len(prefix), number, name)
    assert best is not None, module
    return best[1], best[2]


def package_modules() -> dict[str, Path]:
    """Module name -> file, for the whole relgraph package (through its links)."""
    found: dict[str, Path] = {}
    for folder, dirs, files in os.walk(ROOT / "relgraph", followlinks=True):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        base = Path(folder).relative_to(ROOT)
        for name in files:
            if name.endswith(".py"):
                parts = [*base.parts, name.removesuffix(".py")]
                if parts[-1] == "__init__":
                    parts.pop()
                found[".".join(parts)] = Path(folder) / name
    return found


def imports(module: str, path: Path, known: dict[str, Path]) -> Iterator[tuple[str, int]]:
    """(imported relgraph module, line) for every import in the file."""
    is_package = path.name == "__init__.py"
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "relgraph":
                    yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module.split(".") if is_package else module.split(".")[:-1]
                base = base[: len(base) - (node.level - 1)]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "relgraph":
                continue
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                yield (sub if sub in known else target), node.lineno


@pytest.fixture(scope="module")
def edges() -> dict[str, set[tuple[str, int]]]:
    known = package_modules()
    return {module: {(target, line) for target, line in imports(module, path, known) if target != module}
            for module, path in known.items()}


def test_every_module_has_a_layer():
    for module in package_modules():
        layer_of(module)


def test_no_import_runs_upward(edges: dict[str, set[tuple[str, int]]]):
    upward = []
    for module, targets in sorted(edges.items()):
        here = layer_of(module)
        for target, line in sorted(targets):
            there = layer_of(target)
            if there[0] > here[0]:
                upward.append(f"{module}:{line} ({here[1]}) imports {target} ({there[1]})")
    assert upward == [], "\n".join(upward)


def test_no_import_loops(edges: dict[str, set[tuple[str, int]]]):
    graph = {module: {target for target, _ in targets if target in edges}
             for module, targets in edges.items()}
    loops = strongly_connected(graph)
    assert loops == [], "\n".join(" -> ".join(sorted(loop)) for loop in loops)


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively; returns the components with more than one module."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(component)
    return components


def test_the_checker_sees_an_upward_import_and_a_loop():
    """The checks above would pass on an empty graph; make sure they can fail."""
    assert layer_of("relgraph.graph.values.errors")[0] < layer_of("relgraph.graph.cypher.parser")[0]
    assert layer_of("relgraph.cli")[0] == 4
    loops = strongly_connected({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}})
    assert loops == [{"a", "b", "c"}]
