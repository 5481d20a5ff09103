"""Graph values returned by queries: Node, Relationship and Path.

They mirror the Neo4j Python driver's ``neo4j.graph`` types (``element_id``,
``labels``, ``type``, ``start_node``, mapping-style property access) so that code
written against one backend runs unchanged on the other. Both backends convert
their native values into these, never the other way round.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any


class Entity(Mapping[str, Any]):
    """Shared property access for nodes and relationships (read-only mapping)."""

    __slots__ = ("_element_id", "_properties")

    def __init__(self, element_id: str, properties: Mapping[str, Any]):
        self._element_id = str(element_id)
        self._properties = dict(properties)

    @property
    def element_id(self) -> str:
        return self._element_id

    @property
    def properties(self) -> dict[str, Any]:
        return dict(self._properties)

    def __getitem__(self, name: str) -> Any:
        return self._properties[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._properties)

    def __len__(self) -> int:
        return len(self._properties)

    def get(self, name: str, default: Any = None) -> Any:
        return self._properties.get(name, default)

    def __hash__(self) -> int:
        return hash((type(self).__name__, self._element_id))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Entity) and type(other) is type(self) \
            and other._element_id == self._element_id

    def __ne__(self, other: object) -> bool:
        return not self == other


class Node(Entity):
    __slots__ = ("_label_order", "_labels")

    def __init__(self, element_id: str, labels: Any, properties: Mapping[str, Any]):
        super().__init__(element_id, properties)
        self._label_order = tuple(dict.fromkeys(labels))
        self._labels = frozenset(self._label_order)

    @property
    def labels(self) -> frozenset[str]:
        return self._labels

    @property
    def label_order(self) -> tuple[str, ...]:
        """The labels in the order the store gave them: its primary (first) label first where
        the store knows it, which exports keep so that a reload merges on the same label."""
        return self._label_order

    def __repr__(self) -> str:
        labels = set(self._labels) or "{}"
        return f"<Node element_id={self.element_id!r} labels={labels} properties={self._properties!r}>"


class Relationship(Entity):
    __slots__ = ("_end", "_start", "_type")

    def __init__(
        self, element_id: str, rel_type: str, start_node: Node, end_node: Node,
        properties: Mapping[str, Any],
    ):
        super().__init__(element_id, properties)
        self._type = rel_type
        self._start = start_node
        self._end = end_node

    @property
    def type(self) -> str:
        return self._type

    @property
    def start_node(self) -> Node:
        return self._start

    @property
    def end_node(self) -> Node:
        return self._end

    @property
    def nodes(self) -> tuple[Node, Node]:
        return (self._start, self._end)

    def __repr__(self) -> str:
        return (
            f"<Relationship element_id={self.element_id!r} "
            f"nodes=({self._start.element_id!r}, {self._end.element_id!r}) "
            f"type={self._type!r} properties={self._properties!r}>"
        )


class Path:
    """An alternating walk of nodes and relationships, like ``neo4j.graph.Path``."""

    __slots__ = ("_nodes", "_relationships")

    def __init__(self, nodes: list[Node], relationships: list[Relationship]):
        if len(nodes) != len(relationships) + 1:
            raise ValueError("a path has exactly one more node than relationships")
        self._nodes = tuple(nodes)
        self._relationships = tuple(relationships)

    @property
    def nodes(self) -> tuple[Node, ...]:
        return self._nodes

    @property
    def relationships(self) -> tuple[Relationship, ...]:
        return self._relationships

    @property
    def start_node(self) -> Node:
        return self._nodes[0]

    @property
    def end_node(self) -> Node:
        return self._nodes[-1]

    def __len__(self) -> int:
        return len(self._relationships)

    def __iter__(self) -> Iterator[Relationship]:
        return iter(self._relationships)

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Path)
            and self._nodes == other._nodes
            and self._relationships == other._relationships
        )

    def __hash__(self) -> int:
        return hash((self._nodes, self._relationships))

    def __repr__(self) -> str:
        return f"<Path start={self.start_node!r} end={self.end_node!r} size={len(self)}>"
