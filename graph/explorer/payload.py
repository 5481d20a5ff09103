"""What the explorer's API sends: result cells, and graphs the page can draw and grow.

Unlike the JSON of ``relgraph query --format json`` (which leaves element ids out, so
that output does not depend on the backend), the explorer's payload keeps them: the
page needs them to expand a node, find the path between two, or export what it shows.
A graph value in a table cell is tagged so the page can link it to the drawing::

    {"$type": "node", "id": "17", "labels": ["City"], "name": "Tashkent"}
    {"$type": "relationship", "id": "40", "type": "LOCATED_IN", "start": "17", "end": "3"}
    {"$type": "path", "nodes": ["17", "3"], "relationships": ["40"]}

Every other value is :func:`~relgraph.graph.values.jsonable.to_json`'s. Nodes of a
graph carry the colour and shape of their label in every view of the same graph
(:mod:`relgraph.graph.views.style`), their properties and, when dated, their year.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from relgraph.graph.store import GraphStore
from relgraph.graph.values.entities import Node, Path, Relationship
from relgraph.graph.values.jsonable import JSON, to_json
from relgraph.graph.views.of_store import graph_groups
from relgraph.graph.views.style import (
    LabelStyle,
    group_label,
    label_styles,
    legend,
    node_item,
    node_name,
    relationship_item,
)


def cell(value: Any) -> JSON:
    """One table cell: graph values tagged with their element ids, the rest as plain JSON."""
    if isinstance(value, Node):
        return {"$type": "node", "id": value.element_id, "labels": sorted(value.labels),
                "name": node_name(value)}
    if isinstance(value, Relationship):
        return {"$type": "relationship", "id": value.element_id, "type": value.type,
                "start": value.start_node.element_id, "end": value.end_node.element_id}
    if isinstance(value, Path):
        return {"$type": "path", "nodes": [n.element_id for n in value.nodes],
                "relationships": [r.element_id for r in value.relationships]}
    if isinstance(value, Mapping):
        return {str(k): cell(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [cell(v) for v in value]
    return to_json(value)


class Styler:
    """Draws nodes and relationships the way every view of this graph draws them."""

    def __init__(self, label_counts: Mapping[str, int], groups: Collection[str] | None = None):
        self.counts = dict(label_counts)
        self.styles: dict[str, LabelStyle] = label_styles(self.counts, groups)

    @classmethod
    def of_store(cls, store: GraphStore) -> Styler:
        """The styles of ``store``'s graph, exactly as ``relgraph view`` of it hands them out."""
        counts = store.counts().labels
        return cls(counts, graph_groups(store, counts))

    def node(self, node: Node) -> dict[str, Any]:
        group = group_label(node.labels, self.counts)
        style = self.styles.get(group)
        return {"id": node.element_id, **node_item(node, group),
                "color": style.color if style else "#8a8a8a", "shape": style.shape if style else "dot"}

    def relationship(self, rel: Relationship) -> dict[str, Any]:
        return {"id": rel.element_id, "from": rel.start_node.element_id,
                "to": rel.end_node.element_id, **relationship_item(rel)}

    def graph(self, nodes: Iterable[Node], relationships: Iterable[Relationship]) -> dict[str, Any]:
        return {"nodes": [self.node(n) for n in nodes],
                "edges": [self.relationship(r) for r in relationships]}

    def legend(self) -> list[dict[str, Any]]:
        """Every label of the graph as the page's legend shows it, most common first."""
        return legend(self.counts, self.styles)
