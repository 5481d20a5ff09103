"""Choosing a subgraph: around an entity, by label, by year, or from a query's results.

Views and exports select the same way, through the store interface only, so a
selection means the same thing on both backends.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from relgraph.graph.store import GraphStore
from relgraph.graph.values.entities import Node, Path, Relationship
from relgraph.graph.values.errors import SelectionError
from relgraph.graph.values.subgraph import Subgraph


def resolve_entity(store: GraphStore, name: str) -> Node:
    """The one node whose key, name or alias is ``name`` (case-insensitive).

    An unknown name suggests the closest names; an ambiguous one lists the candidates.
    """
    found = store.find(name)
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        listed = ", ".join(f"{n.get('name')} ({n.get('key')}, {'/'.join(sorted(n.labels))})"
                           for n in found[:10])
        raise SelectionError(f"{name!r} matches {len(found)} entities: {listed}; use a key")
    names: dict[str, str] = {}
    for node in store.nodes():
        for candidate in (node.get("name"), node.get("key"), *(node.get("aliases") or [])):
            if isinstance(candidate, str):
                names.setdefault(candidate.casefold(), candidate)
    close = difflib.get_close_matches(name.casefold(), list(names), n=5, cutoff=0.6)
    hint = f"; did you mean {', '.join(repr(names[c]) for c in close)}?" if close else ""
    raise SelectionError(f"no entity is named {name!r}{hint}")


def whole_graph(store: GraphStore) -> Subgraph:
    """Every node and relationship of the store."""
    return Subgraph(list(store.nodes()), list(store.relationships()))


def ego_network(store: GraphStore, center: Node, depth: int,
                types: Iterable[str] | None = None) -> Subgraph:
    """Every node within ``depth`` hops of ``center`` (either direction) and all the
    relationships among them (of ``types``, if given)."""
    if depth < 0:
        raise SelectionError("depth must be 0 or more")
    nodes, rels = store.neighbourhood([center.element_id], depth, types)
    return Subgraph.of(nodes, rels, f"{depth}-hop neighbourhood of {center.get('name')}")


def by_labels(store: GraphStore, labels: Iterable[str]) -> Subgraph:
    """Nodes having any of ``labels`` and the relationships among them."""
    wanted = list(labels)
    nodes = list(store.nodes(wanted))
    inside = {n.element_id for n in nodes}
    rels = [r for r in store.relationships()
            if r.start_node.element_id in inside and r.end_node.element_id in inside]
    return Subgraph.of(nodes, rels, f"labels {', '.join(wanted)}")


@dataclass(frozen=True)
class YearRange:
    start: int | None
    end: int | None

    @classmethod
    def parse(cls, text: str) -> YearRange:
        """'2010..2020', '2010..', '..2009' or '2016' (inclusive)."""
        first, sep, last = text.partition("..")
        try:
            start = int(first) if first.strip() else None
            end = int(last) if last.strip() else None if sep else start
        except ValueError:
            raise SelectionError(f"year range {text!r} is not like 2010..2020, 2010.., ..2009 "
                                 "or 2016") from None
        if start is not None and end is not None and start > end:
            raise SelectionError(f"year range {text!r} ends before it starts")
        return cls(start, end)

    def __contains__(self, year: object) -> bool:
        if not isinstance(year, int) or isinstance(year, bool):
            return False
        return (self.start is None or year >= self.start) and (self.end is None or year <= self.end)

    def __str__(self) -> str:
        return f"{self.start or ''}..{self.end or ''}"


def by_years(store: GraphStore, years: YearRange) -> Subgraph:
    """Dated nodes in the range, with everything directly connected to them.

    A visit in 2009 keeps its visitor and host country, which have no year of
    their own; a relationship with its own ``year`` outside the range is left out.
    """
    dated = {n.element_id for n in store.nodes() if n.get("year") in years}
    rels = []
    for rel in store.relationships():
        ends = {rel.start_node.element_id, rel.end_node.element_id}
        if ends & dated and ("year" not in rel or rel.get("year") in years):
            rels.append(rel)
    nodes = [n for n in store.nodes() if n.element_id in dated]
    return Subgraph.of(nodes, rels, f"years {years}")


def from_values(values: Iterable[Any], description: str = "query results") -> Subgraph:
    """Collect nodes, relationships and paths from query values, however nested."""
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
    return Subgraph.of(nodes, rels, description)


def from_query(store: GraphStore, query: str, parameters: Mapping[str, Any] | None = None, *,
               connect: bool = False) -> Subgraph:
    """The nodes, relationships and paths a read-only query returns.

    With ``connect`` the relationships among the returned nodes are added, so a
    query that returns only nodes still draws as a network.
    """
    result = store.run(query, parameters)
    subgraph = from_values((v for record in result for v in record), "query results")
    if connect and subgraph.nodes:
        inside = {n.element_id for n in subgraph.nodes}
        extra = [r for r in store.relationships()
                 if r.start_node.element_id in inside and r.end_node.element_id in inside]
        subgraph = Subgraph.of(subgraph.nodes, [*subgraph.relationships, *extra], subgraph.description)
    return subgraph
