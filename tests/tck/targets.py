"""What the TCK runner runs scenarios against: a pluggable :class:`Target`.

A target needs four abilities: reset to an empty graph, run a query with
parameters (returning column names and rows, or raising :class:`TargetError`
classified by TCK error type, phase and detail), snapshot the graph for side
effects, and optionally register the TCK's fake procedures. Everything else
(reading features, comparing values, counting) is the runner's.

The default ``snapshot`` uses only two read queries, so a target that can run
Cypher (a Neo4j server over Bolt, a peer library) gets side effects for free;
the embedded target overrides it to read its storage directly.

Targets are found by name in :data:`TARGETS`, or given as ``module:Class``
(``python -m tests.tck --target mypkg.bolt:Neo4jTarget``), so a new target is
one class in any module, with no change to the runner.
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from .values import canonical


@dataclass
class QueryResult:
    columns: list[str]
    rows: list[list[Any]]


class TargetError(Exception):
    """A query failed in a way the target can classify like the TCK does.

    ``error_type`` is e.g. "SyntaxError", ``phase`` "compile time" or "runtime"
    (None when the target cannot tell), ``detail`` e.g. "UndefinedVariable"
    (None when unknown).
    """

    def __init__(self, error_type: str, phase: str | None, detail: str | None, message: str = ""):
        super().__init__(message or f"{error_type} ({phase}): {detail}")
        self.error_type = error_type
        self.phase = phase
        self.detail = detail
        self.message = message


class TargetUnsupported(Exception):
    """The target cannot do what a step needs (e.g. register a procedure)."""


@dataclass
class GraphState:
    """What side effects are measured on: element ids, property triples, label names."""

    nodes: set[Any] = field(default_factory=set)
    rels: set[Any] = field(default_factory=set)
    properties: Counter = field(default_factory=Counter)
    labels: set[str] = field(default_factory=set)

    def diff(self, after: GraphState) -> dict[str, int]:
        """The TCK's eight side-effect counts from this state to ``after``."""
        return {
            "+nodes": len(after.nodes - self.nodes),
            "-nodes": len(self.nodes - after.nodes),
            "+relationships": len(after.rels - self.rels),
            "-relationships": len(self.rels - after.rels),
            "+properties": sum((after.properties - self.properties).values()),
            "-properties": sum((self.properties - after.properties).values()),
            "+labels": len(after.labels - self.labels),
            "-labels": len(self.labels - after.labels),
        }


@dataclass
class ProcedureSpec:
    """A procedure a scenario declares: signature plus the rows it answers with."""

    name: str
    inputs: list[tuple[str, str]]
    outputs: list[tuple[str, str]]
    rows: list[dict[str, Any]]


class Target:
    """Base class: override ``reset`` and ``execute``; the rest has defaults."""

    name = "target"

    def reset(self) -> None:
        raise NotImplementedError

    def execute(self, query: str, params: dict[str, Any]) -> QueryResult:
        raise NotImplementedError

    def setup(self, query: str) -> None:
        """Run a setup step ("having executed"); a target may build the graph another way."""
        self.execute(query, {})

    def load_graph(self, name: str, cypher: str) -> None:
        """Set up a named TCK graph from its creation script."""
        self.setup(cypher)

    def register_procedure(self, spec: ProcedureSpec) -> None:
        raise TargetUnsupported(f"target {self.name} cannot register procedures")

    def snapshot(self) -> GraphState:
        """Graph state through Cypher, for targets without direct access to storage."""
        state = GraphState()
        for (node,) in self.execute("MATCH (n) RETURN n", {}).rows:
            nid = ("n", _identity(node))
            state.nodes.add(nid)
            state.labels.update(node.labels)
            for k, v in _props(node).items():
                state.properties[(nid, k, canonical(v))] += 1
        for (rel,) in self.execute("MATCH ()-[r]->() RETURN r", {}).rows:
            rid = ("r", _identity(rel))
            state.rels.add(rid)
            for k, v in _props(rel).items():
                state.properties[(rid, k, canonical(v))] += 1
        return state

    def close(self) -> None:
        pass


def _identity(v: Any) -> Any:
    return getattr(v, "element_id", None) or getattr(v, "id", None)


def _props(v: Any) -> dict[str, Any]:
    props = getattr(v, "properties", None)
    return dict(props) if props is not None else dict(v.items())


class RelgraphTarget(Target):
    """The embedded engine on an in-memory PropertyGraph; each query in a transaction."""

    name = "relgraph"

    def __init__(self) -> None:
        from relgraph.graph.cypher.property_graph import PropertyGraph

        self._graph_type = PropertyGraph
        self.graph = PropertyGraph()
        self.procedures: dict[str, Any] = {}

    def reset(self) -> None:
        self.graph = self._graph_type()
        self.procedures = {}

    def execute(self, query: str, params: dict[str, Any]) -> QueryResult:
        from relgraph.graph.cypher import CypherError, execute

        try:
            with self.graph.transaction():
                result = execute(self.graph, query, params, write=True, procedures=self.procedures)
        except CypherError as exc:
            raise TargetError(exc.tck_type, exc.phase, exc.code, str(exc)) from exc
        return QueryResult(result.keys(), [list(r.values()) for r in result])

    def snapshot(self) -> GraphState:
        g = self.graph
        state = GraphState()
        for nid in g.node_ids():
            key = ("n", nid)
            state.nodes.add(key)
            state.labels.update(g.labels(nid))
            for k, v in g.node_properties(nid).items():
                state.properties[(key, k, canonical(v))] += 1
        for rid in g.rel_ids():
            key = ("r", rid)
            state.rels.add(key)
            for k, v in g.rel_properties(rid).items():
                state.properties[(key, k, canonical(v))] += 1
        return state

    def register_procedure(self, spec: ProcedureSpec) -> None:
        from relgraph.graph.cypher import Procedure

        def fn(ctx: Any, args: list[Any]) -> list[dict[str, Any]]:
            wanted = [canonical(a) for a in args]
            out = []
            for row in spec.rows:
                if [canonical(row.get(name)) for name, _ in spec.inputs] == wanted:
                    out.append({name: row.get(name) for name, _ in spec.outputs})
            return out

        self.procedures[spec.name] = Procedure(spec.name, spec.inputs, spec.outputs, fn)


_PACKAGE = __name__.rsplit(".", 1)[0]
TARGETS: dict[str, str] = {
    "relgraph": f"{__name__}:RelgraphTarget",
    "grand-cypher": f"{_PACKAGE}.peers:GrandCypherTarget",
    "nxcypher": f"{_PACKAGE}.peers:NxCypherTarget",
    "neo4j": f"{_PACKAGE}.neo4j_target:Neo4jTarget",
}


def load_target(name: str) -> Target:
    """A target by registered name or ``module:Class``."""
    ref = TARGETS.get(name, name)
    if ":" not in ref:
        raise SystemExit(f"unknown TCK target {name!r}; known: {', '.join(sorted(TARGETS))} "
                         "(or give module:Class)")
    module_name, cls_name = ref.split(":", 1)
    cls = getattr(importlib.import_module(module_name), cls_name)
    return cls()
