"""Choosing a subgraph: around an entity, by label, by year, or from a query's results.

Views, exports, the explorer and the Python API select the same way, through the
store interface only, so a selection means the same thing on both backends. A
:class:`Selection` says what to take; :func:`select` takes it, and several criteria
together give what all of them select. Names of labels and relationship types are
checked against the graph, with suggestions, because a typo would otherwise quietly
select less than was meant.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from relgraph.graph.store import GraphStore, entity_names
from relgraph.graph.values.entities import Node
from relgraph.graph.values.errors import SelectionError
from relgraph.graph.values.result import short_query
from relgraph.graph.values.subgraph import Subgraph


def resolve_entity(store: GraphStore, name: str, label: str | None = None) -> Node:
    """The one node whose key, name or alias is ``name`` (case-insensitive), with ``label`` if given.

    An unknown name suggests the closest names; an ambiguous one lists the candidates.
    """
    found = [n for n in store.find(name.strip()) if label is None or label in n.labels]
    if len(found) == 1:
        return found[0]
    what = f"{label} " if label else "entity "
    if len(found) > 1:
        listed = ", ".join(f"{n.get('name')} ({n.get('key')}, {'/'.join(sorted(n.labels))})"
                           for n in found[:10])
        raise SelectionError(f"{name!r} matches {len(found)} {what.strip()}s: {listed}; use a key")
    names: dict[str, str] = {}  # any name of a node, folded -> the name it is shown by
    for node in store.nodes([label] if label else None):
        shown = node.get("name") if isinstance(node.get("name"), str) else node.get("key")
        for candidate in entity_names(node.get("name"), node.get("key"), node.get("aliases")):
            names.setdefault(candidate.casefold(), str(shown))
    close = difflib.get_close_matches(name.casefold(), list(names), n=8, cutoff=0.6)
    suggestions = list(dict.fromkeys(names[c] for c in close))[:5]
    hint = f"; did you mean {', '.join(repr(s) for s in suggestions)}?" if suggestions else ""
    raise SelectionError(f"no {what}is named {name!r}{hint}")


def entity_name(store: GraphStore, text: str, label: str | None = None) -> str:
    """The name of the one entity ``text`` names (see :func:`resolve_entity`): how a script's
    ``entity`` parameter reaches the script."""
    node = resolve_entity(store, text, label)
    name = node.get("name")
    return name if isinstance(name, str) else str(node.get("key"))


def whole_graph(store: GraphStore) -> Subgraph:
    """Every node and relationship of the store, left in the store: an export fetches them in
    canonical order a chunk at a time, so its memory does not grow by a copy of the graph."""
    return Subgraph.whole(store)


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
    _, among = store.neighbourhood([n.element_id for n in nodes], 0)
    return Subgraph.of(nodes, among, f"labels {', '.join(wanted)}")


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

    def overlaps(self, first: object, last: object) -> bool:
        """Whether the years ``first``..``last`` (an uncertain date, ``yearFrom``..``yearTo``)
        share a year with this range: "the late 1930s" may be 1937, so 1937 finds it."""
        if not all(isinstance(y, int) and not isinstance(y, bool) for y in (first, last)):
            return False
        assert isinstance(first, int) and isinstance(last, int)
        return (self.start is None or last >= self.start) and (self.end is None or first <= self.end)

    def __str__(self) -> str:
        return f"{self.start or ''}..{self.end or ''}"


def by_years(store: GraphStore, years: YearRange) -> Subgraph:
    """Dated nodes in the range, with everything directly connected to them.

    A visit in 2009 keeps its visitor and host country, which have no year of
    their own; a relationship with its own ``year`` outside the range is left out.
    A node dated only roughly (``yearFrom``..``yearTo``, docs/schema.md) is in when
    its range overlaps, as the ``timeline`` and ``events-between`` scripts have it.
    """
    nodes = [n for n in store.nodes()
             if n.get("year") in years or years.overlaps(n.get("yearFrom"), n.get("yearTo"))]
    dated = {n.element_id for n in nodes}
    rels = []
    for rel in store.relationships():
        ends = {rel.start_node.element_id, rel.end_node.element_id}
        if ends & dated and ("year" not in rel or rel.get("year") in years):
            rels.append(rel)
    return Subgraph.of(nodes, rels, f"years {years}")


def from_query(store: GraphStore, query: str, parameters: Mapping[str, Any] | None = None, *,
               connect: bool = False, timeout: float | None = None, memory: int | None = None) -> Subgraph:
    """The nodes, relationships and paths a read-only query returns.

    With ``connect`` the relationships among the returned nodes are added, so a
    query that returns only nodes still draws as a network. ``timeout`` (seconds) and
    ``memory`` (bytes) stop a runaway query (see GraphStore.run).
    """
    subgraph = store.run(query, parameters, timeout=timeout, memory=memory).graph()
    if connect and subgraph.nodes:
        _, among = store.neighbourhood([n.element_id for n in subgraph.nodes], 0)
        subgraph = Subgraph.of(subgraph.nodes, [*subgraph.relationships, *among], subgraph.description)
    return subgraph


@dataclass(frozen=True)
class Selection:
    """What to select; every criterion left at None takes everything."""

    around: str | None = None  # an entity's key, name or alias
    depth: int = 1  # hops around it, in either direction
    types: tuple[str, ...] | None = None  # with ``around``: follow only these relationship types
    labels: tuple[str, ...] | None = None  # nodes with any of these labels
    years: YearRange | None = None  # dated nodes in the range and what is directly connected
    query: str | None = None  # the nodes, relationships and paths a read-only query returns
    parameters: Mapping[str, Any] | None = None
    connect: bool = False  # with ``query``: add the relationships among the returned nodes
    query_name: str | None = None  # how to name the query in descriptions (a script's name)

    @property
    def everything(self) -> bool:
        return self.around is None and self.labels is None and self.years is None and self.query is None


def select(store: GraphStore, selection: Selection, *, timeout: float | None = None,
           memory: int | None = None) -> Subgraph:
    """The subgraph ``selection`` describes; SelectionError when it cannot be made.
    ``timeout`` and ``memory`` limit the selection's query, if it has one."""
    if selection.everything:
        return whole_graph(store)
    parts = []
    counts = store.counts() if selection.labels is not None or selection.types is not None else None
    if selection.around is not None:
        center = resolve_entity(store, selection.around)
        types = None
        if selection.types is not None and counts is not None:
            types = check_names(selection.types, counts.types, "relationship has the type",
                                "LOCATED_IN,HOSTED_BY")
        parts.append(ego_network(store, center, selection.depth, types))
    if selection.labels is not None and counts is not None:
        labels = check_names(selection.labels, counts.labels, "node has the label", "Person,Country")
        parts.append(by_labels(store, labels))
    if selection.years is not None:
        parts.append(by_years(store, selection.years))
    if selection.query is not None:
        parts.append(_query_part(store, selection, timeout, memory))
    return intersection(parts) if len(parts) > 1 else parts[0]


def _query_part(store: GraphStore, selection: Selection, timeout: float | None,
                memory: int | None) -> Subgraph:
    assert selection.query is not None
    if selection.query_name:
        what = f"query {selection.query_name}"
    else:
        what = f"query {short_query(selection.query)}"
    params = dict(selection.parameters or {})
    if params:
        what += " with " + ", ".join(f"{name}={value!r}" for name, value in params.items())
    subgraph = from_query(store, selection.query, params, connect=selection.connect, timeout=timeout,
                          memory=memory)
    if not subgraph.nodes:
        raise SelectionError(f"the {what} returned no nodes, relationships or paths; "
                             "return graph values (RETURN n, r, p) rather than their properties")
    subgraph.description = what + (" and the relationships among its nodes" if selection.connect else "")
    return subgraph


def check_names(wanted: Iterable[str], known: Iterable[str], what: str, example: str) -> list[str]:
    """``wanted`` when every name is in ``known``; else SelectionError naming the closest ones.

    ``what`` reads "node has the label" or "relationship has the type".
    """
    names = [name.strip() for name in wanted if name.strip()]
    if not names:
        raise SelectionError(f"give at least one name, like {example}")
    present = list(known)
    for name in names:
        if name not in present:
            close = difflib.get_close_matches(name, present, n=3, cutoff=0.6)
            hint = (f"; did you mean {', '.join(repr(c) for c in close)}?" if close
                    else f"; the graph has {', '.join(present) or 'none'}")
            raise SelectionError(f"no {what} {name!r}{hint}")
    return names


def intersection(parts: list[Subgraph]) -> Subgraph:
    """What every part selects: the nodes in all of them, and their relationships in all of them."""
    nodes = set.intersection(*({n.element_id for n in part.nodes} for part in parts))
    rels = set.intersection(*({r.element_id for r in part.relationships} for part in parts))
    first = parts[0]
    return Subgraph.of([n for n in first.nodes if n.element_id in nodes],
                       [r for r in first.relationships
                        if r.element_id in rels and {e.element_id for e in r.nodes} <= nodes],
                       "; ".join(part.description for part in parts))
