"""What the engine needs from the graph it runs on: a small protocol, so the two can change apart.

The engine reads and writes through these methods only, with nodes and
relationships named by integer ids that are never reused. Reads must be cheap
(they sit in the matcher's inner loops); writes must be undoable, because the
caller wraps a query in :meth:`GraphStorage.transaction` and an error rolls every
change back. :class:`~relgraph.graph.cypher.property_graph.PropertyGraph`, over a
networkx MultiDiGraph, is the implementation the embedded store uses; a storage
with another layout (say, memory-mapped arrays for large graphs) needs to provide
exactly this and nothing else.

``node_value`` and ``rel_value`` are how results leave the engine: they build the
driver-shaped :class:`~relgraph.graph.values.entities.Node` and ``Relationship``
both backends return.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from relgraph.graph.values.entities import Node, Relationship


class GraphStorage(Protocol):
    # --- counts, for planning ------------------------------------------------------

    def node_count(self) -> int: ...

    def rel_count(self) -> int: ...

    def label_count(self, label: str) -> int: ...

    def type_count(self, rel_type: str) -> int: ...

    def label_counts(self) -> dict[str, int]: ...

    def type_counts(self) -> dict[str, int]: ...

    # --- nodes ---------------------------------------------------------------------

    def node_ids(self) -> Iterator[int]: ...

    def has_node(self, nid: int) -> bool: ...

    def nodes_with_label(self, label: str) -> list[int]: ...

    def nodes_with_property(self, prop: str, value: Hashable) -> list[int] | None:
        """Candidates from an equality index, or None when ``prop`` is not indexed; callers
        re-check each candidate with Cypher's equality."""

    def labels(self, nid: int) -> list[str]: ...

    def node_properties(self, nid: int) -> dict[str, Any]: ...

    def degree(self, nid: int) -> int: ...

    # --- relationships -------------------------------------------------------------

    def rel_ids(self) -> Iterator[int]: ...

    def has_rel(self, rid: int) -> bool: ...

    def rels_with_type(self, rel_type: str) -> list[int]: ...

    def rel_ends(self, rid: int) -> tuple[int, int]: ...

    def rel_type(self, rid: int) -> str: ...

    def rel_properties(self, rid: int) -> dict[str, Any]: ...

    def out_rels(self, nid: int, types: Iterable[str] | None = None) -> list[tuple[int, int]]: ...

    def in_rels(self, nid: int, types: Iterable[str] | None = None) -> list[tuple[int, int]]: ...

    def adjacent_rels(self, nid: int, direction: str,
                      types: Iterable[str] | None = None) -> list[tuple[int, int]]:
        """``(rel_id, other_node)`` for ``direction`` "out", "in" or "both" (a self-loop once)."""

    # --- results -------------------------------------------------------------------

    def node_value(self, nid: int) -> Node: ...

    def rel_value(self, rid: int, nodes: dict[int, Node] | None = None) -> Relationship: ...

    # --- writes, undone by the enclosing transaction on error ------------------------

    def transaction(self) -> AbstractContextManager[Any]: ...

    def create_node(self, labels: Iterable[str], properties: dict[str, Any]) -> int: ...

    def delete_node(self, nid: int) -> None: ...

    def create_rel(self, start: int, end: int, rel_type: str, properties: dict[str, Any]) -> int: ...

    def delete_rel(self, rid: int) -> None: ...

    def set_node_property(self, nid: int, prop: str, value: Any) -> None: ...

    def set_rel_property(self, rid: int, prop: str, value: Any) -> None: ...

    def add_label(self, nid: int, label: str) -> bool: ...

    def remove_label(self, nid: int, label: str) -> bool: ...
