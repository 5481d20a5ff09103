"""The one interface both backends implement; loaders, exporters and views use only this.

A backend provides the primitives (apply a validated batch atomically, run a
Cypher query or a script, explain a query, stream nodes, stream relationships,
clear). Everything generic (validation before loading, counts, lookups by key)
lives here once, so the networkx and Neo4j stores cannot drift apart.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.model import GraphBatch, NodeKey
from relgraph.graph.values.result import Result
from relgraph.graph.values.subgraph import (
    NodeSortKey,
    RelationshipSortKey,
    node_sort_key,
    relationship_sort_key,
)

Progress = Callable[[int, int, str], None]
"""``progress(done, total, what)``: called as a load advances, for progress bars."""

Adjacent = tuple[Relationship, Node]
"""A relationship of a node and the node at its other end."""


@dataclass
class LoadSummary:
    source: str
    nodes_created: int = 0
    nodes_matched: int = 0
    relationships_created: int = 0
    relationships_matched: int = 0
    #: something the user should hear about the load although it succeeded (a lost
    #: connection after which the store checked, and found, that the commit happened)
    note: str = ""

    def counts_text(self) -> str:
        return (f"{self.nodes_created:,} nodes created, {self.nodes_matched:,} already present; "
                f"{self.relationships_created:,} relationships created, "
                f"{self.relationships_matched:,} already present")

    def __str__(self) -> str:
        return f"{self.source}: {self.counts_text()}"


@dataclass
class GraphCounts:
    nodes: int = 0
    relationships: int = 0
    labels: dict[str, int] = field(default_factory=dict)
    types: dict[str, int] = field(default_factory=dict)


def entity_names(name: Any, key: Any, aliases: Any) -> list[str]:
    """The texts a node answers to, its name first: name, key and aliases (text only).
    Finding, suggesting and searching all go by these."""
    return [n for n in (name, key, *(aliases or [])) if isinstance(n, str)]


def names_match(wanted: str, key: Any, name: Any, aliases: Any) -> bool:
    """Whether ``wanted`` (already casefolded) is a node's key, name or one of its aliases.

    Shared by the generic :meth:`GraphStore.find` and backends that override it with a
    narrower query, so that "which node is meant" never differs between backends.
    """
    return any(n.casefold() == wanted for n in entity_names(name, key, aliases))


class GraphStore(ABC):
    """A property graph that loaders fill and queries read. Use it as a context manager."""

    #: short backend name shown to users: "networkx" or "neo4j"
    backend: str = ""

    # --- primitives each backend implements -------------------------------------------

    @abstractmethod
    def _apply(self, batch: GraphBatch, progress: Progress | None, replace: bool) -> LoadSummary:
        """Merge a validated batch in one transaction: all of it or none of it.

        With ``replace`` the store is emptied first, inside the same transaction."""

    @abstractmethod
    def _existing(self, refs: set[NodeKey]) -> set[NodeKey]:
        """Which of ``refs`` are already nodes in the store."""

    @abstractmethod
    def run(self, query: str, parameters: Mapping[str, Any] | None = None, *,
            write: bool = False, timeout: float | None = None, query_id: str | None = None,
            memory: int | None = None) -> Result:
        """Run one Cypher query. Without ``write=True`` a query that writes raises
        :class:`ReadOnlyError` and changes nothing; so does one that reaches the machine's
        files or URLs (``LOAD CSV``, ``apoc.load.*``...: see
        :mod:`relgraph.graph.cypher.file_access`), refused before it runs.

        ``timeout`` (seconds) stops a query that runs longer with
        :class:`~relgraph.graph.values.errors.QueryTimeout`; ``memory`` (bytes) stops it with
        ``QueryMemoryExceeded`` once the embedded engine's process has grown by more (a
        Neo4j server applies its own ``db.memory.transaction.max`` instead: a client cannot
        set it per query); ``query_id`` names it so that :meth:`cancel` can stop it from
        another thread (``QueryCancelled``). Either way nothing the query did is kept."""

    @abstractmethod
    def cancel(self, query_id: str) -> bool:
        """Stop the query that runs under ``query_id``; False when none does (any more)."""

    @abstractmethod
    def nodes(self, labels: Iterable[str] | None = None) -> Iterator[Node]:
        """All nodes (having any of ``labels`` if given), in a stable order."""

    @abstractmethod
    def relationships(self, types: Iterable[str] | None = None) -> Iterator[Relationship]:
        """All relationships (of any of ``types`` if given), in a stable order."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every node and relationship."""

    @abstractmethod
    def run_script(self, statements: Sequence[str], *, write: bool = True,
                   allow_file_access: bool = False) -> list[Result]:
        """Run a script's statements (no parameters) as one unit: all of it or none of it.

        A statement that reaches files or URLs (``LOAD CSV``, ``apoc.load.*``...) is refused
        before anything runs unless ``allow_file_access``: a script is data someone sent,
        and reading the machine's files is more than loading it should do.

        Schema commands (``CREATE CONSTRAINT ... IF NOT EXISTS``, indexes; see
        :mod:`relgraph.graph.cypher.statements`) cannot share a transaction with data
        writes in Neo4j, so a backend runs those first, each on its own, then every
        other statement in one transaction; a failure rolls back all data
        statements and raises :class:`StatementError` naming the statement. The
        embedded backend has no schema: it checks, at the end of the transaction,
        that what each uniqueness constraint asserts holds. Returns one result per
        statement (empty for schema commands).
        """

    @abstractmethod
    def explain(self, query: str, parameters: Mapping[str, Any] | None = None) -> str:
        """How the backend would run ``query``, as readable text (nothing is executed)."""

    def close(self) -> None:
        """Release connections or locks; the default has none."""

    def describe(self) -> str:
        """Where the data lives, for messages ("snapshot /path", "bolt://...")."""
        return self.backend

    # --- shared behaviour -----------------------------------------------------------

    def load(self, batch: GraphBatch, progress: Progress | None = None, *,
             replace: bool = False) -> LoadSummary:
        """Validate the batch against itself and the store, then merge it atomically.

        Nodes merge on (primary label, key) and relationships on (start, type,
        end, key), updating properties and adding labels, so loading the same
        data twice leaves the same graph. ``replace`` empties the store first,
        in the same transaction, so a failed replace keeps the old graph.
        """
        own = {node.node_key for node in batch.nodes}
        outside = set(batch.iter_endpoints()) - own
        batch.validate(self._existing(outside) if outside and not replace else ())
        return self._apply(batch, progress, replace)

    def label_sets(self) -> list[tuple[str, ...]]:
        """Each distinct combination of labels the nodes have, once (sorted): what a view needs
        to know which labels nodes are drawn as. Counted by the store, not by building a value
        for every node; the embedded store answers from its graph without a query."""
        rows = self.run("MATCH (n) RETURN DISTINCT labels(n) AS labels")
        return sorted({tuple(sorted(record["labels"])) for record in rows})

    def counts(self) -> GraphCounts:
        """Node and relationship counts per label and type (a label counts every node having it)."""
        labels: Counter[str] = Counter()
        types: Counter[str] = Counter()
        total_nodes = total_rels = 0
        for node in self.nodes():
            total_nodes += 1
            labels.update(node.labels)
        for rel in self.relationships():
            total_rels += 1
            types[rel.type] += 1
        return GraphCounts(total_nodes, total_rels, dict(sorted(labels.items())),
                           dict(sorted(types.items())))

    def neighbourhood(self, element_ids: Iterable[str], depth: int,
                      types: Iterable[str] | None = None) -> tuple[list[Node], list[Relationship]]:
        """Nodes within ``depth`` hops of the given ones (either direction, following only
        ``types`` if given) and every such relationship among them, as APOC's
        ``subgraphAll`` returns. Backends may override this with a native traversal."""
        rels = list(self.relationships(types))
        adjacency: dict[str, list[tuple[Relationship, str]]] = {}
        for rel in rels:
            start, end = rel.start_node.element_id, rel.end_node.element_id
            adjacency.setdefault(start, []).append((rel, end))
            adjacency.setdefault(end, []).append((rel, start))
        wanted = {str(e) for e in element_ids}
        seen = breadth_first(adjacency, wanted, depth)
        nodes = {n.element_id: n for n in self.nodes() if n.element_id in seen}
        inside = [r for r in rels if r.start_node.element_id in seen and r.end_node.element_id in seen]
        return list(nodes.values()), inside

    def nodes_by_id(self, element_ids: Iterable[str]) -> list[Node]:
        """The nodes with these element ids that exist, in the order asked for."""
        wanted = [str(e) for e in element_ids]
        found = {n.element_id: n for n in self.run("MATCH (n) WHERE elementId(n) IN $ids RETURN n",
                                                    {"ids": wanted}).value()}
        return [found[e] for e in wanted if e in found]

    def relationships_by_id(self, element_ids: Iterable[str]) -> list[Relationship]:
        """The relationships with these element ids that exist, in the order asked for."""
        wanted = [str(e) for e in element_ids]
        found = {r.element_id: r for r in self.run("MATCH ()-[r]->() WHERE elementId(r) IN $ids RETURN r",
                                                    {"ids": wanted}).value()}
        return [found[e] for e in wanted if e in found]

    def node_sort_keys(self) -> Iterator[NodeSortKey]:
        """(element id, ``key``, labels) of every node, in the order of :meth:`nodes`: what an
        export of the whole graph orders nodes by (see :mod:`relgraph.graph.values.subgraph`)
        before it fetches them a chunk at a time. Made from one node at a time, so nothing
        but these keys is held; a backend may read them without building nodes."""
        return map(node_sort_key, self.nodes())

    def relationship_sort_keys(self) -> Iterator[RelationshipSortKey]:
        """(element id, start id, type, end id, ``key``) of every relationship, in the order of
        :meth:`relationships`, as :meth:`node_sort_keys` for nodes."""
        return map(relationship_sort_key, self.relationships())

    def adjacent(self, element_id: str, types: Iterable[str] | None = None) -> list[Adjacent]:
        """Every relationship of a node (of ``types`` if given), with the node at its other end;
        a self-loop once. What the explorer's expand follows."""
        rows = self.run("MATCH (n)-[r]-(m) WHERE elementId(n) = $id "
                        "AND ($types IS NULL OR type(r) IN $types) RETURN r, m",
                        {"id": str(element_id), "types": None if types is None else list(types)})
        seen: dict[str, tuple[Relationship, Node]] = {}
        for rel, other in rows:
            seen.setdefault(rel.element_id, (rel, other))
        return list(seen.values())

    def changed_elsewhere(self) -> bool:
        """Whether another process changed where the data lives since this store read it (cheap:
        a long-running user such as the explorer asks before every request). A server-backed
        store always reads the current data, so by default nothing ever is."""
        return False

    def refresh(self) -> bool:
        """Take up changes another process made to where the data lives; True if there were any."""
        return False

    def find(self, name_or_key: str) -> list[Node]:
        """Nodes whose key, name or alias equals the text (case-insensitive)."""
        wanted = name_or_key.casefold()
        return [node for node in self.nodes()
                if names_match(wanted, node.get("key"), node.get("name"), node.get("aliases"))]

    def __enter__(self) -> GraphStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def breadth_first(adjacency: Mapping[str, list[tuple[Relationship, str]]], start: Iterable[str],
                  depth: int) -> set[str]:
    """Node ids within ``depth`` hops, from an adjacency map."""
    seen = set(start)
    frontier = deque((node_id, 0) for node_id in seen)
    while frontier:
        node_id, hops = frontier.popleft()
        if hops == depth:
            continue
        for _rel, other in adjacency.get(node_id, ()):
            if other not in seen:
                seen.add(other)
                frontier.append((other, hops + 1))
    return seen
