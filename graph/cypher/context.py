"""What one query execution shares: the graph, parameters, and entity access.

Entity reads go through here rather than straight to the graph so that
reading a node or relationship deleted earlier in the same query raises
``EntityNotFound`` (as the TCK requires) instead of a KeyError, while returning
the deleted value itself still works (from a tombstone of its last state).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from relgraph.graph.cypher import ast
from relgraph.graph.cypher.errors import CypherEntityNotFound
from relgraph.graph.cypher.limits import Stop
from relgraph.graph.cypher.runtime import NodeRef, PathValue, RelRef
from relgraph.graph.cypher.storage import GraphStorage
from relgraph.graph.values.entities import Node, Path, Relationship
from relgraph.graph.values.result import Counters


@dataclass
class Stats:
    """Work counters, so tests can prove that an anchored pattern did not scan."""

    nodes_scanned: int = 0  # nodes enumerated by a label or all-nodes scan
    index_lookups: int = 0  # equality-index and label-index seeks
    rels_expanded: int = 0  # relationships looked at while expanding patterns


@dataclass
class Procedure:
    """A callable procedure: typed inputs and outputs, rows from ``fn(ctx, args)``."""

    name: str
    inputs: list[tuple[str, str]]  # (name, type) e.g. ("in", "INTEGER?")
    outputs: list[tuple[str, str]]
    fn: Callable[[Any, list[Any]], list[dict[str, Any]]]


RowFunction = Callable[[dict[str, Any]], Any]


class PatternCompiler(Protocol):
    """What expressions need from the matcher (which itself needs expressions, so the
    executor hands it over at run time instead of either module importing the other)."""

    def compile_exists(self, parts: tuple[ast.PatternPart, ...], where: ast.Expr | None,
                       compiler: Any, kind: str = "exists") -> RowFunction: ...

    def compile_comprehension(self, e: ast.PatternComprehension, compiler: Any) -> RowFunction: ...


class SubqueryCompiler(Protocol):
    """What expressions need from the executor: full subqueries inside EXISTS, COUNT and COLLECT."""

    def compile_exists_query(self, query: ast.Query, compiler: Any, kind: str = "exists") -> RowFunction: ...


@dataclass
class Context:
    graph: GraphStorage
    params: dict[str, Any]
    procedures: dict[str, Procedure] = field(default_factory=dict)
    counters: Counters = field(default_factory=Counters)
    stats: Stats = field(default_factory=Stats)
    deleted_nodes: dict[int, tuple[list[str], dict[str, Any]]] = field(default_factory=dict)
    deleted_rels: dict[int, tuple[str, int, int, dict[str, Any]]] = field(default_factory=dict)
    #: set by the executor: pattern predicates and comprehensions
    matcher: PatternCompiler | None = None
    #: set by the executor: EXISTS { full query }, COUNT { }, COLLECT { }
    executor: SubqueryCompiler | None = None
    #: when to stop: loops that can run long call ``stop.tick()``
    stop: Stop = field(default_factory=Stop)

    # --- entity reads ---------------------------------------------------------------

    def node_labels(self, ref: NodeRef) -> list[str]:
        if ref.id in self.deleted_nodes:
            raise CypherEntityNotFound(f"node {ref.id} was deleted", "DeletedEntityAccess")
        return self.graph.labels(ref.id)

    def node_props(self, ref: NodeRef) -> dict[str, Any]:
        if ref.id in self.deleted_nodes:
            raise CypherEntityNotFound(f"node {ref.id} was deleted", "DeletedEntityAccess")
        return self.graph.node_properties(ref.id)

    def rel_props(self, ref: RelRef) -> dict[str, Any]:
        if ref.id in self.deleted_rels:
            raise CypherEntityNotFound(f"relationship {ref.id} was deleted", "DeletedEntityAccess")
        return self.graph.rel_properties(ref.id)

    def rel_type(self, ref: RelRef) -> str:
        if ref.id in self.deleted_rels:
            return self.deleted_rels[ref.id][0]
        return self.graph.rel_type(ref.id)

    def rel_ends(self, rid: int) -> tuple[int, int]:
        if rid in self.deleted_rels:
            _, u, v, _ = self.deleted_rels[rid]
            return u, v
        return self.graph.rel_ends(rid)

    def entity_props(self, v: NodeRef | RelRef) -> dict[str, Any]:
        return self.node_props(v) if isinstance(v, NodeRef) else self.rel_props(v)

    # --- conversion to result values --------------------------------------------------

    def output(self, v: Any, cache: dict[int, Node] | None = None) -> Any:
        """Engine value -> driver-shaped value (Node, Relationship, Path, lists, maps)."""
        if cache is None:
            cache = {}
        if isinstance(v, NodeRef):
            return self._node(v.id, cache)
        if isinstance(v, RelRef):
            return self._rel(v.id, cache)
        if isinstance(v, PathValue):
            return Path([self._node(n, cache) for n in v.nodes], [self._rel(r, cache) for r in v.rels])
        if isinstance(v, list):
            return [self.output(x, cache) for x in v]
        if isinstance(v, dict):
            return {k: self.output(x, cache) for k, x in v.items()}
        return v

    def _node(self, nid: int, cache: dict[int, Node]) -> Node:
        node = cache.get(nid)
        if node is None:
            if nid in self.deleted_nodes:
                labels, props = self.deleted_nodes[nid]
                node = Node(str(nid), labels, props)
            else:
                node = self.graph.node_value(nid)
            cache[nid] = node
        return node

    def _rel(self, rid: int, cache: dict[int, Node]) -> Relationship:
        if rid in self.deleted_rels:
            rtype, u, v, props = self.deleted_rels[rid]
            return Relationship(str(rid), rtype, self._node(u, cache), self._node(v, cache), props)
        u, v = self.graph.rel_ends(rid)
        self._node(u, cache)
        self._node(v, cache)
        return self.graph.rel_value(rid, cache)
