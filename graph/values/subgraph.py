"""A selection of nodes and relationships, in the canonical order every exporter uses.

Exports must be byte-identical for the same data whichever backend produced
it, and element ids differ between backends. So the order and the ids written
to files derive from content only: labels primary first and the rest sorted
(:func:`ordered_labels`), nodes by (export id, labels), relationships by (start, type,
end, key).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from relgraph.graph.values.entities import Node, Path, Relationship
from relgraph.graph.values.model import default_rel_key

T = TypeVar("T")

if TYPE_CHECKING:  # imported in to_networkx only: every command imports this module
    import networkx as nx


def ordered_labels(node: Node) -> list[str]:
    """A node's labels as every export writes them: its primary label first, the rest sorted.

    The primary label is the one the store gave first (the embedded store keeps the order a
    source gave, primary first; the Neo4j store puts the labels loads merge on first). It
    stays first so that reading an export back merges on the same (label, key); the rest
    are sorted because Neo4j keeps no order, and exports are the same bytes from either store.
    """
    first, *rest = node.label_order or ("",)
    return [first, *sorted(rest)] if first else []


def _sort_value(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass
class Subgraph:
    nodes: list[Node] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    description: str = "whole graph"

    def __post_init__(self) -> None:
        """Every relationship's endpoints belong to the subgraph, each node once."""
        by_id: dict[str, Node] = {n.element_id: n for n in self.nodes}
        for rel in self.relationships:
            for end in rel.nodes:
                by_id.setdefault(end.element_id, end)
        self.nodes = list(by_id.values())

    @classmethod
    def of(cls, nodes: Iterable[Node], relationships: Iterable[Relationship],
           description: str = "") -> Subgraph:
        """Deduplicate by element id; relationships bring their endpoints along."""
        rels = {rel.element_id: rel for rel in relationships}
        return cls(list(nodes), list(rels.values()), description)

    @classmethod
    def from_values(cls, values: Iterable[Any], description: str = "query results") -> Subgraph:
        """The nodes, relationships and paths among query values, however nested in lists and maps."""
        nodes: list[Node] = []
        rels: list[Relationship] = []
        stack = list(values)
        while stack:
            value = stack.pop()
            if isinstance(value, Node):
                nodes.append(value)
            elif isinstance(value, Relationship):
                rels.append(value)
            elif isinstance(value, Path):
                nodes.extend(value.nodes)
                rels.extend(value.relationships)
            elif isinstance(value, Mapping):
                stack.extend(value.values())
            elif isinstance(value, (list, tuple)):
                stack.extend(value)
        return cls.of(reversed(nodes), reversed(rels), description)

    def to_networkx(self) -> nx.MultiDiGraph[str]:
        """A networkx MultiDiGraph of this subgraph, the way node-link JSON lays it out.

        Nodes are keyed by their export ids (their keys, see :meth:`export_ids`) with a
        ``labels`` attribute and the properties beside it; each relationship is an edge
        keyed by its export id, with ``type`` and the properties. Values stay as they are
        (dates as :mod:`~relgraph.graph.values.temporal` values). A property that is itself
        called ``labels`` (on a node) or ``type`` (on a relationship) is kept as
        ``property:labels`` / ``property:type``, so nothing is lost or overwritten.
        """
        import networkx as nx

        nodes, rels, ids = self.ordered()
        rel_ids = self.relationship_ids(rels, ids)
        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(description=self.description)
        # Attribute dicts, not keywords: a property may be called "key" (every relationship's is).
        graph.add_nodes_from(
            (ids[node.element_id], {"labels": ordered_labels(node), **_attributes(node, "labels")})
            for node in nodes)
        for rel in rels:
            start, end = ids[rel.start_node.element_id], ids[rel.end_node.element_id]
            key = rel_ids[rel.element_id]
            graph.add_edge(start, end, key)
            graph[start][end][key].update({"type": rel.type, **_attributes(rel, "type")})
        return graph

    def export_ids(self) -> dict[str, str]:
        """element id -> id written to files: the key when keys are unique, else 'Label:key'.

        Nodes without a key (created ad hoc with Cypher) fall back to '_:' plus
        their element id, the only identity they have.
        """
        keys = Counter(n.get("key") for n in self.nodes if isinstance(n.get("key"), str))
        unique = all(count == 1 for count in keys.values())
        ids = {}
        for node in self.nodes:
            key = node.get("key")
            if not isinstance(key, str):
                ids[node.element_id] = f"_:{node.element_id}"
            elif unique:
                ids[node.element_id] = key
            else:
                ids[node.element_id] = f"{':'.join(ordered_labels(node))}:{key}"
        return ids

    def ordered(self) -> tuple[list[Node], list[Relationship], dict[str, str]]:
        """Nodes and relationships in canonical order, with their export ids."""
        ids = self.export_ids()
        nodes = sorted_by(self.nodes, lambda n: ids[n.element_id], ordered_labels)
        rels = sorted_by(
            self.relationships,
            lambda r: (ids[r.start_node.element_id], r.type, ids[r.end_node.element_id],
                       _sort_value(r.get("key"))),
            lambda r: repr(sorted(r.items())),
        )
        return nodes, rels, ids

    def relationship_ids(self, ordered_rels: list[Relationship], ids: dict[str, str]) -> dict[str, str]:
        """element id -> id written to files for relationships, derived from content only.

        A relationship's ``key`` when keys are unique in the subgraph (the curated
        data derives them as ``start-type-end``), else ``start:TYPE:end:key``. A
        relationship without a key (made ad hoc with Cypher) gets
        ``start-type-end`` plus ``-2``, ``-3``... in canonical order, the way
        loaders derive keys. Pass what :meth:`ordered` returned.
        """
        derived: dict[str, str] = {}
        ordinals: Counter[tuple[str, str, str]] = Counter()
        for rel in ordered_rels:
            key = rel.get("key")
            if isinstance(key, str):
                derived[rel.element_id] = key
            else:
                ends = (ids[rel.start_node.element_id], rel.type, ids[rel.end_node.element_id])
                ordinals[ends] += 1
                derived[rel.element_id] = default_rel_key(ends[0], rel.type, ends[2], ordinals[ends])
        if len(set(derived.values())) == len(derived):
            return derived
        composed: dict[str, str] = {}
        used: Counter[str] = Counter()
        for rel in ordered_rels:
            text = (f"{ids[rel.start_node.element_id]}:{rel.type}:{ids[rel.end_node.element_id]}:"
                    f"{derived[rel.element_id]}")
            used[text] += 1  # only ad hoc data without identity can repeat all four parts
            composed[rel.element_id] = text if used[text] == 1 else f"{text}#{used[text]}"
        return composed


def sorted_by(items: Iterable[T], first: Callable[[T], Any], then: Callable[[T], Any]) -> list[T]:
    """``items`` sorted by ``(first(item), then(item))``, computing ``then`` only where ``first`` ties.

    The same order as sorting by the pair, without holding the costly part of every key at
    once: a relationship's last resort is the text of all its properties, which for a million
    relationships would be most of an export's size, and it almost never decides anything.
    """
    ordered = sorted(items, key=first)
    start = 0
    while start < len(ordered):
        head = first(ordered[start])
        end = start + 1
        while end < len(ordered) and first(ordered[end]) == head:
            end += 1
        if end - start > 1:
            ordered[start:end] = sorted(ordered[start:end], key=then)
        start = end
    return ordered


def _attributes(entity: Node | Relationship, structural: str) -> dict[str, Any]:
    return {(f"property:{name}" if name == structural else name): value for name, value in entity.items()}
