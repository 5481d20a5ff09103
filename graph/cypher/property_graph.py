"""The embedded property graph: a networkx MultiDiGraph plus the indexes and undo log
that a database needs.

Layout inside the MultiDiGraph (what a notebook user sees after loading a
snapshot with :func:`relgraph.graph.backends.snapshot.read_snapshot`):

* node id: an ``int`` that never gets reused; attributes ``labels`` (list of
  str) and ``properties`` (dict). Properties are nested, not flat, so a property
  called ``labels`` or ``type`` cannot collide with the bookkeeping.
* edge: ``(start, end, rel_id)`` where the multigraph key is the relationship's
  int id; attributes ``type`` (str) and ``properties`` (dict).

The indexes (label -> nodes, type -> relationships, equality on ``key`` and
``name``) are derived state: they are rebuilt on load, never pickled, so a
snapshot cannot hold an index that disagrees with the data.

Every mutation goes through this class and is journalled while a transaction
is open, so that a failed query or load rolls back to exactly the state it
started from.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import networkx as nx

from relgraph.graph.values.entities import Node, Relationship

INDEXED_PROPERTIES = ("key", "name")

#: networkx's adjacency of a MultiDiGraph: node -> neighbour -> edge key -> edge data.
AdjacencyDict = dict[int, dict[int, dict[int, dict[str, Any]]]]


def _index_value(value: Any) -> Hashable | None:
    """The index key for a property value, or None for values the index skips.

    Booleans are tagged because Python hashes ``True`` like ``1``, while in
    Cypher ``true = 1`` is false; callers still re-check equality with Cypher
    semantics after a lookup.
    """
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, (int, float, str)):
        return value
    return None


class PropertyGraph:
    """Nodes and relationships with labels, types and properties, over networkx."""

    def __init__(self, g: nx.MultiDiGraph[int] | None = None):
        self.g: nx.MultiDiGraph[int] = g if g is not None else nx.MultiDiGraph()
        self.g.graph.setdefault("next_node_id", 0)
        self.g.graph.setdefault("next_rel_id", 0)
        self._journal: list[Callable[[], None]] | None = None
        self._rebuild_indexes()

    # --- indexes --------------------------------------------------------------------

    def _rebuild_indexes(self) -> None:
        # The readers in the matcher's inner loops use networkx's own dicts: its NodeView and
        # EdgeView cost more per call than the lookup itself. They are taken again whenever
        # self.g is replaced (clear() and its undo), which always ends here.
        self._node_data: dict[int, dict[str, Any]] = self.g._node  # type: ignore[attr-defined]
        self._succ: AdjacencyDict = self.g._succ  # type: ignore[attr-defined]
        self._pred: AdjacencyDict = self.g._pred  # type: ignore[attr-defined]
        self._by_label: dict[str, dict[int, None]] = defaultdict(dict)
        self._by_type: dict[str, dict[int, None]] = defaultdict(dict)
        self._rel_ends: dict[int, tuple[int, int]] = {}
        self._by_prop: dict[str, dict[Hashable, dict[int, None]]] = {
            p: defaultdict(dict) for p in INDEXED_PROPERTIES
        }
        for nid, data in self.g.nodes(data=True):
            for label in data["labels"]:
                self._by_label[label][nid] = None
            for prop, value in data["properties"].items():
                self._index_add(nid, prop, value)
        for u, v, rid, data in self.g.edges(keys=True, data=True):
            self._rel_ends[rid] = (u, v)
            self._by_type[data["type"]][rid] = None

    def _index_add(self, nid: int, prop: str, value: Any) -> None:
        if prop in self._by_prop and (k := _index_value(value)) is not None:
            self._by_prop[prop][k][nid] = None

    def _index_remove(self, nid: int, prop: str, value: Any) -> None:
        if prop in self._by_prop and (k := _index_value(value)) is not None:
            bucket = self._by_prop[prop].get(k)
            if bucket is not None:
                bucket.pop(nid, None)
                if not bucket:
                    del self._by_prop[prop][k]

    # --- transactions ---------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[PropertyGraph]:
        """All mutations inside succeed together or are undone in reverse order."""
        if self._journal is not None:
            raise RuntimeError("transactions do not nest")
        self._journal = []
        try:
            yield self
        except BaseException:
            undo, self._journal = self._journal, None
            for step in reversed(undo):
                step()
            raise
        self._journal = None

    @property
    def in_transaction(self) -> bool:
        return self._journal is not None

    @property
    def pending_changes(self) -> int:
        """How many mutations the open transaction holds (0 outside one)."""
        return len(self._journal) if self._journal is not None else 0

    def _record(self, undo: Callable[[], None]) -> None:
        if self._journal is not None:
            self._journal.append(undo)

    # --- reads ----------------------------------------------------------------------

    def node_count(self) -> int:
        return self.g.number_of_nodes()

    def rel_count(self) -> int:
        return len(self._rel_ends)

    def node_ids(self) -> Iterator[int]:
        return iter(list(self.g.nodes))

    def has_node(self, nid: int) -> bool:
        return nid in self.g

    def nodes_with_label(self, label: str) -> list[int]:
        return list(self._by_label.get(label, ()))

    def label_count(self, label: str) -> int:
        """How many nodes carry ``label``, without copying the index (query planning)."""
        return len(self._by_label.get(label, ()))

    def label_counts(self) -> dict[str, int]:
        return {label: len(ids) for label, ids in self._by_label.items() if ids}

    def nodes_with_property(self, prop: str, value: Any) -> list[int] | None:
        """Candidates from the equality index, or None when ``prop`` is not indexed.

        Candidates may include values that are equal in Python but not in
        Cypher (1 and 1.0 are equal in both; the tagging above keeps booleans
        apart), so callers re-check.
        """
        index = self._by_prop.get(prop)
        if index is None:
            return None
        k = _index_value(value)
        if k is None:
            return None
        return list(index.get(k, ()))

    # The readers below sit in the matcher's inner loops (see _rebuild_indexes).

    def labels(self, nid: int) -> list[str]:
        labels: list[str] = self._node_data[nid]["labels"]
        return labels

    def node_properties(self, nid: int) -> dict[str, Any]:
        properties: dict[str, Any] = self._node_data[nid]["properties"]
        return properties

    def rel_ids(self) -> Iterator[int]:
        return iter(list(self._rel_ends))

    def has_rel(self, rid: int) -> bool:
        return rid in self._rel_ends

    def rels_with_type(self, rel_type: str) -> list[int]:
        return list(self._by_type.get(rel_type, ()))

    def type_count(self, rel_type: str) -> int:
        """How many relationships have ``rel_type``, without copying the index (query planning)."""
        return len(self._by_type.get(rel_type, ()))

    def type_counts(self) -> dict[str, int]:
        return {t: len(ids) for t, ids in self._by_type.items() if ids}

    def rel_ends(self, rid: int) -> tuple[int, int]:
        return self._rel_ends[rid]

    def rel_type(self, rid: int) -> str:
        u, v = self._rel_ends[rid]
        rel_type: str = self._succ[u][v][rid]["type"]
        return rel_type

    def rel_properties(self, rid: int) -> dict[str, Any]:
        u, v = self._rel_ends[rid]
        properties: dict[str, Any] = self._succ[u][v][rid]["properties"]
        return properties

    def out_rels(self, nid: int, types: Iterable[str] | None = None) -> list[tuple[int, int]]:
        """``(rel_id, other_node)`` for relationships leaving ``nid``."""
        wanted = set(types) if types is not None else None
        return [
            (rid, v)
            for v, rels in self._succ[nid].items() for rid, data in rels.items()
            if wanted is None or data["type"] in wanted
        ]

    def in_rels(self, nid: int, types: Iterable[str] | None = None) -> list[tuple[int, int]]:
        """``(rel_id, other_node)`` for relationships entering ``nid``."""
        wanted = set(types) if types is not None else None
        return [
            (rid, u)
            for u, rels in self._pred[nid].items() for rid, data in rels.items()
            if wanted is None or data["type"] in wanted
        ]

    def adjacent_rels(self, nid: int, direction: str,
                      types: Iterable[str] | None = None) -> list[tuple[int, int]]:
        """``(rel_id, other_node)`` for ``direction`` "out", "in" or "both".

        Reads networkx's adjacency dicts directly: on large graphs the edge views
        used by :meth:`out_rels` cost more than the traversal itself. "both" lists
        a self-loop once.
        """
        wanted = types if types is None or isinstance(types, (set, frozenset)) else set(types)
        out: list[tuple[int, int]] = []
        if direction in ("out", "both"):
            for other, rels in self._succ[nid].items():
                for rid, data in rels.items():
                    if wanted is None or data["type"] in wanted:
                        out.append((rid, other))
        if direction in ("in", "both"):
            for other, rels in self._pred[nid].items():
                if direction == "both" and other == nid:
                    continue
                for rid, data in rels.items():
                    if wanted is None or data["type"] in wanted:
                        out.append((rid, other))
        return out

    def degree(self, nid: int) -> int:
        return self.g.degree(nid)

    # --- conversion to shared result types ------------------------------------------

    def node_value(self, nid: int) -> Node:
        data = self.g.nodes[nid]
        return Node(str(nid), data["labels"], data["properties"])

    def rel_value(self, rid: int, nodes: dict[int, Node] | None = None) -> Relationship:
        """A Relationship value; pass ``nodes`` to reuse already built endpoint values."""
        u, v = self._rel_ends[rid]
        data = self.g.edges[u, v, rid]
        start = nodes[u] if nodes and u in nodes else self.node_value(u)
        end = nodes[v] if nodes and v in nodes else self.node_value(v)
        return Relationship(str(rid), data["type"], start, end, data["properties"])

    # --- writes (journalled) --------------------------------------------------------

    def create_node(self, labels: Iterable[str], properties: dict[str, Any]) -> int:
        nid: int = self.g.graph["next_node_id"]
        self.g.graph["next_node_id"] = nid + 1
        labels = list(dict.fromkeys(labels))
        props = dict(properties)
        self.g.add_node(nid, labels=labels, properties=props)
        for label in labels:
            self._by_label[label][nid] = None
        for prop, value in props.items():
            self._index_add(nid, prop, value)

        def undo() -> None:
            self._drop_node(nid)
            self.g.graph["next_node_id"] = nid

        self._record(undo)
        return nid

    def _drop_node(self, nid: int) -> None:
        data = self.g.nodes[nid]
        for label in data["labels"]:
            self._by_label[label].pop(nid, None)
        for prop, value in data["properties"].items():
            self._index_remove(nid, prop, value)
        self.g.remove_node(nid)

    def delete_node(self, nid: int) -> None:
        """Delete a node that has no relationships (callers detach first)."""
        if self.g.degree(nid):
            raise ValueError(f"node {nid} still has relationships")
        data = self.g.nodes[nid]
        labels, props = list(data["labels"]), dict(data["properties"])
        self._drop_node(nid)

        def undo() -> None:
            self.g.add_node(nid, labels=labels, properties=props)
            for label in labels:
                self._by_label[label][nid] = None
            for prop, value in props.items():
                self._index_add(nid, prop, value)

        self._record(undo)

    def create_rel(self, start: int, end: int, rel_type: str, properties: dict[str, Any]) -> int:
        if start not in self.g or end not in self.g:
            raise ValueError("both endpoints must exist")
        rid: int = self.g.graph["next_rel_id"]
        self.g.graph["next_rel_id"] = rid + 1
        self.g.add_edge(start, end, key=rid, type=rel_type, properties=dict(properties))
        self._rel_ends[rid] = (start, end)
        self._by_type[rel_type][rid] = None

        def undo() -> None:
            self._drop_rel(rid)
            self.g.graph["next_rel_id"] = rid

        self._record(undo)
        return rid

    def _drop_rel(self, rid: int) -> tuple[int, int, dict[str, Any]]:
        u, v = self._rel_ends.pop(rid)
        data = self.g.edges[u, v, rid]
        self._by_type[data["type"]].pop(rid, None)
        self.g.remove_edge(u, v, key=rid)
        return u, v, data

    def delete_rel(self, rid: int) -> None:
        u, v, data = self._drop_rel(rid)

        def undo() -> None:
            self.g.add_edge(u, v, key=rid, **data)
            self._rel_ends[rid] = (u, v)
            self._by_type[data["type"]][rid] = None

        self._record(undo)

    def set_node_property(self, nid: int, prop: str, value: Any) -> None:
        """Set a property; ``None`` removes it, as in Cypher."""
        self._set_property(lambda: self.g.nodes[nid]["properties"], prop, value, nid)

    def set_rel_property(self, rid: int, prop: str, value: Any) -> None:
        self._set_property(lambda: self.rel_properties(rid), prop, value, None)

    def _set_property(self, container: Callable[[], dict[str, Any]], prop: str, value: Any,
                      nid: int | None) -> None:
        """Undo steps look the container up again when they run: a later step that was
        undone first (a delete, say) may have put back a different dict object."""
        missing = object()
        props = container()
        old = props.get(prop, missing)
        if nid is not None and old is not missing:
            self._index_remove(nid, prop, old)
        if value is None:
            props.pop(prop, None)
        else:
            props[prop] = value
            if nid is not None:
                self._index_add(nid, prop, value)

        def undo() -> None:
            current_props = container()
            current = current_props.get(prop, missing)
            if nid is not None and current is not missing:
                self._index_remove(nid, prop, current)
            if old is missing:
                current_props.pop(prop, None)
            else:
                current_props[prop] = old
                if nid is not None:
                    self._index_add(nid, prop, old)

        self._record(undo)

    def add_label(self, nid: int, label: str) -> bool:
        """Add a label; returns False when the node already had it."""
        labels = self.g.nodes[nid]["labels"]
        if label in labels:
            return False
        labels.append(label)
        self._by_label[label][nid] = None

        def undo() -> None:
            self.g.nodes[nid]["labels"].remove(label)
            self._by_label[label].pop(nid, None)

        self._record(undo)
        return True

    def remove_label(self, nid: int, label: str) -> bool:
        labels = self.g.nodes[nid]["labels"]
        if label not in labels:
            return False
        position = labels.index(label)
        labels.remove(label)
        self._by_label[label].pop(nid, None)

        def undo() -> None:
            self.g.nodes[nid]["labels"].insert(position, label)
            self._by_label[label][nid] = None

        self._record(undo)
        return True

    def clear(self) -> None:
        """Remove everything; undoable like any other write."""
        old_graph = self.g
        self.g = nx.MultiDiGraph()
        self.g.graph.update(next_node_id=old_graph.graph["next_node_id"],
                            next_rel_id=old_graph.graph["next_rel_id"])
        self._rebuild_indexes()

        def undo() -> None:
            self.g = old_graph
            self._rebuild_indexes()

        self._record(undo)
