"""A selection of nodes and relationships, in the canonical order every exporter uses.

Exports must be byte-identical for the same data whichever backend produced
it, and element ids differ between backends. So the order and the ids written
to files derive from content only: labels primary first and the rest sorted
(:func:`ordered_labels`), nodes by (export id, labels), relationships by (start, type,
end, key).

A subgraph has one of two sources. A small one (a view, ``--around``, a query's results)
holds its elements in lists. The whole graph of a store holds none: its ``nodes`` and
``relationships`` read the store each time they are iterated, and its canonical order is
worked out from element ids and sort keys only (:meth:`ElementSource.node_sort_keys`), the
elements then fetched by id a chunk at a time as writers reach them. An export of a
million relationships then needs their ids and export ids, not a second copy of the graph
(every relationship with its own copies of its end nodes) beside the store's.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar, overload

if TYPE_CHECKING:  # imported in to_networkx only: every command imports this module
    import networkx as nx

from relgraph.graph.values.entities import Node, Path, Relationship
from relgraph.graph.values.errors import StoreError
from relgraph.graph.values.model import default_rel_key

T = TypeVar("T")
E = TypeVar("E", Node, Relationship)

NodeSortKey = tuple[str, Any, tuple[str, ...]]
"""What a node's place in the canonical order derives from: (element id, its ``key``
property, its labels in the store's order)."""

RelationshipSortKey = tuple[str, str, str, str, Any]
"""What a relationship's place derives from: (element id, start node's element id, type,
end node's element id, its ``key`` property)."""

#: Elements fetched by id per request while a writer iterates a store-backed subgraph.
FETCH_CHUNK = 500


def node_sort_key(node: Node) -> NodeSortKey:
    return node.element_id, node.get("key"), node.label_order


def relationship_sort_key(rel: Relationship) -> RelationshipSortKey:
    return (rel.element_id, rel.start_node.element_id, rel.type, rel.end_node.element_id,
            rel.get("key"))


class ElementSource(Protocol):
    """Where a subgraph's elements come from, by element id: a store, or the subgraph's lists."""

    def node_sort_keys(self) -> Iterable[NodeSortKey]: ...

    def relationship_sort_keys(self) -> Iterable[RelationshipSortKey]: ...

    def nodes_by_id(self, element_ids: Iterable[str]) -> list[Node]: ...

    def relationships_by_id(self, element_ids: Iterable[str]) -> list[Relationship]: ...


class StoreSource(ElementSource, Protocol):
    """What a whole-graph subgraph reads: the part of ``GraphStore`` it needs (the store
    interface lives in a layer above this one)."""

    def nodes(self, labels: Iterable[str] | None = None) -> Iterator[Node]: ...

    def relationships(self, types: Iterable[str] | None = None) -> Iterator[Relationship]: ...

    def counts(self) -> Any: ...


class StoreElements(Sequence[E]):
    """Every node (or relationship) of a store, read from the store whenever it is iterated.

    What a whole-graph subgraph holds instead of lists: code that only counts a selection or
    exports it never has every element in memory at once; code that indexes it gets what
    a list would give, read from the store."""

    def __init__(self, store: StoreSource, kind: Literal["nodes", "relationships"]) -> None:
        self.store = store
        self.kind = kind
        self._length: int | None = None

    def __iter__(self) -> Iterator[E]:
        elements: Iterator[Any] = self.store.nodes() if self.kind == "nodes" else self.store.relationships()
        return elements

    def __len__(self) -> int:
        if self._length is None:
            self._length = int(getattr(self.store.counts(), self.kind))
        return self._length

    @overload
    def __getitem__(self, index: int) -> E: ...

    @overload
    def __getitem__(self, index: slice) -> list[E]: ...

    def __getitem__(self, index: int | slice) -> E | list[E]:
        if isinstance(index, int) and index >= 0:  # without reading what follows it
            found = next(islice(self, index, None), None)
            if found is None:
                raise IndexError(index)
            return found
        return list(self)[index]


class _MemorySource:
    """The elements of an in-memory subgraph, by element id."""

    def __init__(self, nodes: Sequence[Node], relationships: Sequence[Relationship]) -> None:
        self.nodes = nodes
        self.relationships = relationships
        self.node_by_id = {n.element_id: n for n in nodes}
        self.rel_by_id = {r.element_id: r for r in relationships}

    def node_sort_keys(self) -> Iterator[NodeSortKey]:
        return map(node_sort_key, self.nodes)

    def relationship_sort_keys(self) -> Iterator[RelationshipSortKey]:
        return map(relationship_sort_key, self.relationships)

    def nodes_by_id(self, element_ids: Iterable[str]) -> list[Node]:
        return [self.node_by_id[e] for e in element_ids if e in self.node_by_id]

    def relationships_by_id(self, element_ids: Iterable[str]) -> list[Relationship]:
        return [self.rel_by_id[e] for e in element_ids if e in self.rel_by_id]


class Ordered(Sequence[E]):
    """Elements in canonical order, fetched from their source a chunk at a time as they are
    iterated (again on every pass): a writer's passes hold one chunk, not every element."""

    def __init__(self, element_ids: list[str], fetch: Callable[[list[str]], list[E]]) -> None:
        self.element_ids = element_ids
        self._fetch: Callable[[list[str]], list[E]] = fetch

    def __len__(self) -> int:
        return len(self.element_ids)

    def __iter__(self) -> Iterator[E]:
        return self.at(range(len(self.element_ids)))

    def at(self, positions: Iterable[int]) -> Iterator[E]:
        """The elements at these positions, in the order given, fetched a chunk at a time."""
        wanted = iter(positions)
        while chunk := [self.element_ids[i] for i in islice(wanted, FETCH_CHUNK)]:
            found = self._fetch(chunk)
            if len(found) != len(chunk):
                raise StoreError("the graph changed while it was being exported (elements were "
                                 "deleted); export it again")
            yield from found

    @overload
    def __getitem__(self, index: int) -> E: ...

    @overload
    def __getitem__(self, index: slice) -> list[E]: ...

    def __getitem__(self, index: int | slice) -> E | list[E]:
        if isinstance(index, slice):
            return list(self.at(range(len(self.element_ids))[index]))
        return next(self.at([range(len(self.element_ids))[index]]))


@dataclass(frozen=True)
class Canonical:
    """A subgraph in canonical order: its elements and the ids files give them."""

    nodes: Ordered[Node]
    relationships: Ordered[Relationship]
    ids: dict[str, str]  # node element id -> export id (see Subgraph.export_ids)
    #: relationship element id -> export id, derived from content only: a relationship's
    #: ``key`` when keys are unique in the subgraph (the curated data derives them as
    #: ``start-type-end``), else ``start:TYPE:end:key``. One without a key (made ad hoc with
    #: Cypher) gets ``start-type-end`` plus ``-2``, ``-3``... in canonical order, the way
    #: loaders derive keys.
    rel_ids: dict[str, str]


def canonical_order(source: ElementSource) -> Canonical:
    """``source``'s elements in canonical order, worked out from sort keys alone.

    Nothing but element ids and export ids is held for every element; an element itself is
    fetched only when it ties with another on everything else (the last resort of the order
    is the text of its properties), which content-derived keys almost never do."""
    ids = _export_ids(source)
    node_order = sorted(ids, key=ids.__getitem__)  # stable: the source's order among equals
    _break_ties(node_order, ids.__getitem__, str, source.nodes_by_id, ordered_labels)
    # One flat tuple per relationship, sorted as it is: no key objects beside it. Full ties
    # are then in element id order, not the source's; they are alike in all that is written.
    rows: list[tuple[str, str, str, str, str]] = []
    keyless: set[str] = set()  # relationships whose key is not text: their export id is derived
    for element_id, start, rel_type, end, key in source.relationship_sort_keys():
        rows.append((ids[start], rel_type, ids[end], _sort_value(key), element_id))
        if not isinstance(key, str):
            keyless.add(element_id)
    rows.sort()
    _break_ties(rows, lambda row: row[:4], lambda row: row[4], source.relationships_by_id,
                lambda rel: repr(sorted(rel.items())))

    def id_rows() -> Iterator[tuple[str, str, str, str, str | None]]:
        for start, rel_type, end, key, element_id in rows:
            yield element_id, start, rel_type, end, None if element_id in keyless else key

    rel_ids = _relationship_ids(id_rows)
    rel_order = [row[4] for row in rows]
    return Canonical(Ordered(node_order, source.nodes_by_id),
                     Ordered(rel_order, source.relationships_by_id), ids, rel_ids)


def _export_ids(source: ElementSource) -> dict[str, str]:
    """element id -> export id (see :meth:`Subgraph.export_ids`), reading the sort keys once,
    twice when two nodes share a key (their labels then go into the ids)."""
    ids: dict[str, str] = {}
    seen: set[str] = set()
    unique = True
    for element_id, key, _labels in source.node_sort_keys():
        if isinstance(key, str):
            unique = unique and key not in seen
            seen.add(key)
            ids[element_id] = key
        else:
            ids[element_id] = f"_:{element_id}"
    if unique:
        return ids
    seen.clear()
    for element_id, key, labels in source.node_sort_keys():
        if isinstance(key, str):
            ids[element_id] = f"{':'.join(_primary_first(labels))}:{key}"
    return ids


def _break_ties(ordered: list[T], first: Callable[[T], Any], element_id: Callable[[T], str],
                fetch: Callable[[list[str]], list[E]], then: Callable[[E], Any]) -> None:
    """Reorder, in place, each run of ``ordered`` (sorted by ``first``) that ties on ``first`` by
    ``then`` of its elements, fetched only then; stable.

    The same order as sorting the elements by the pair, without the costly part of every key
    (a relationship's last resort is the text of all its properties) or the elements."""
    start = 0
    while start < len(ordered):
        head = first(ordered[start])
        end = start + 1
        while end < len(ordered) and first(ordered[end]) == head:
            end += 1
        if end - start > 1:
            items = {element_id(item): item for item in ordered[start:end]}
            tied = sorted(fetch(list(items)), key=then)
            ordered[start:end] = [items[e.element_id] for e in tied]
        start = end


def _relationship_ids(rows: Callable[[], Iterable[tuple[str, str, str, str, str | None]]]
                      ) -> dict[str, str]:
    """element id -> export id of relationships, from ``rows()``: (element id, start export id,
    type, end export id, key if it is text) in canonical order, read once or twice."""
    derived: dict[str, str] = {}
    ordinals: Counter[tuple[str, str, str]] = Counter()
    for element_id, start, rel_type, end, key in rows():
        if key is not None:
            derived[element_id] = key
        else:
            ends = (start, rel_type, end)
            ordinals[ends] += 1
            derived[element_id] = default_rel_key(start, rel_type, end, ordinals[ends])
    if len(set(derived.values())) == len(derived):
        return derived
    composed: dict[str, str] = {}
    used: Counter[str] = Counter()
    for element_id, start, rel_type, end, _key in rows():
        text = f"{start}:{rel_type}:{end}:{derived[element_id]}"
        used[text] += 1  # only ad hoc data without identity can repeat all four parts
        composed[element_id] = text if used[text] == 1 else f"{text}#{used[text]}"
    return composed

if TYPE_CHECKING:  # imported in to_networkx only: every command imports this module
    import networkx as nx


def ordered_labels(node: Node) -> list[str]:
    """A node's labels as every export writes them: its primary label first, the rest sorted.

    The primary label is the one the store gave first (the embedded store keeps the order a
    source gave, primary first; the Neo4j store puts the labels loads merge on first). It
    stays first so that reading an export back merges on the same (label, key); the rest
    are sorted because Neo4j keeps no order, and exports are the same bytes from either store.
    """
    return _primary_first(node.label_order)


def _primary_first(label_order: tuple[str, ...]) -> list[str]:
    first, *rest = label_order or ("",)
    return [first, *sorted(rest)] if first else []


def _sort_value(value: Any) -> str:
    return "" if value is None else str(value)


@dataclass
class Subgraph:
    nodes: Sequence[Node] = field(default_factory=list)
    relationships: Sequence[Relationship] = field(default_factory=list)
    description: str = "whole graph"

    def __post_init__(self) -> None:
        """Every relationship's endpoints belong to the subgraph, each node once (a whole
        store's elements are so already, and are left in the store)."""
        if isinstance(self.nodes, StoreElements):
            return
        by_id: dict[str, Node] = {n.element_id: n for n in self.nodes}
        for rel in self.relationships:
            for end in rel.nodes:
                by_id.setdefault(end.element_id, end)
        self.nodes = list(by_id.values())

    @classmethod
    def whole(cls, store: StoreSource, description: str = "whole graph") -> Subgraph:
        """Every node and relationship of ``store``, read from it as they are used (see the
        module docstring): nothing is read yet."""
        return cls(StoreElements(store, "nodes"), StoreElements(store, "relationships"), description)

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

    def source(self) -> ElementSource:
        """Where the elements are fetched from by id: the store when this is a whole store."""
        nodes, rels = self.nodes, self.relationships
        if isinstance(nodes, StoreElements) and isinstance(rels, StoreElements) \
                and nodes.store is rels.store:
            return nodes.store
        return _MemorySource(nodes, rels)

    def canonical(self) -> Canonical:
        """The elements in canonical order with their export ids: what writers iterate (a pass
        at a time; a store's elements are fetched again on each)."""
        return canonical_order(self.source())

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

        order = self.canonical()
        ids = order.ids
        graph: nx.MultiDiGraph[str] = nx.MultiDiGraph(description=self.description)
        # Attribute dicts, not keywords: a property may be called "key" (every relationship's is).
        graph.add_nodes_from(
            (ids[node.element_id], {"labels": ordered_labels(node), **_attributes(node, "labels")})
            for node in order.nodes)
        for rel in order.relationships:
            start, end = ids[rel.start_node.element_id], ids[rel.end_node.element_id]
            key = order.rel_ids[rel.element_id]
            graph.add_edge(start, end, key)
            graph[start][end][key].update({"type": rel.type, **_attributes(rel, "type")})
        return graph

    def export_ids(self) -> dict[str, str]:
        """element id -> id written to files: the key when keys are unique, else 'Label:key'.

        Nodes without a key (created ad hoc with Cypher) fall back to '_:' plus
        their element id, the only identity they have.
        """
        return _export_ids(self.source())

    def ordered(self) -> tuple[list[Node], list[Relationship], dict[str, str]]:
        """Nodes and relationships in canonical order, with their export ids, as lists: for
        small subgraphs (views); writers iterate :meth:`canonical` instead."""
        order = self.canonical()
        return list(order.nodes), list(order.relationships), order.ids


def _attributes(entity: Node | Relationship, structural: str) -> dict[str, Any]:
    return {(f"property:{name}" if name == structural else name): value for name, value in entity.items()}
