"""The property-graph data model every loader produces and every store accepts.

Loaders never talk to a backend directly: they build a :class:`GraphBatch` of
:class:`NodeSpec` and :class:`RelSpec` records, and a store merges the whole
batch or nothing. Keeping this layer free of any backend is what lets the
networkx and Neo4j stores load the same data with the same identity rules.

Identity rules (the same in every backend, see docs/schema.md):

* a node is identified by its primary (first) label and its ``key`` property;
* a relationship is identified by its start node, type, end node and its own
  ``key`` property, so parallel relationships of one type survive round trips.
"""

from __future__ import annotations

import bisect
import re
import reprlib
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from relgraph.graph.values.errors import LoadError, ModelError
from relgraph.graph.values.temporal import TemporalValue
from relgraph.graph.values.text import surrogate_problem

Scalar = str | int | float | bool | TemporalValue
PropertyValue = Scalar | list[Scalar]
Properties = dict[str, PropertyValue]

LABEL_RE = re.compile(r"^[A-Z][A-Za-z0-9]*$")
REL_TYPE_RE = re.compile(r"^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$")
PROPERTY_RE = re.compile(r"^[a-z][A-Za-z0-9]*$")

#: Neo4j stores integers as 64-bit; Python's are unbounded, so the model holds the line.
INT_MIN, INT_MAX = -(2**63), 2**63 - 1


def check_label(label: str) -> str:
    """Labels are PascalCase, as in Neo4j's style guide."""
    if not isinstance(label, str) or not LABEL_RE.fullmatch(label):
        raise ModelError(f"label {label!r} is not PascalCase (e.g. 'Person', 'Institution')")
    return label


def check_rel_type(rel_type: str) -> str:
    """Relationship types are UPPER_SNAKE_CASE, as in Neo4j's style guide."""
    if not isinstance(rel_type, str) or not REL_TYPE_RE.fullmatch(rel_type):
        raise ModelError(
            f"relationship type {rel_type!r} is not UPPER_SNAKE_CASE (e.g. 'LOCATED_IN')"
        )
    return rel_type


def check_property_name(name: str) -> str:
    """Property names are camelCase so that Cypher never needs backticks for them."""
    if not isinstance(name, str) or not PROPERTY_RE.fullmatch(name):
        raise ModelError(f"property name {name!r} is not camelCase (e.g. 'valueUsd')")
    return name


def check_value(name: str, value: object) -> PropertyValue:
    """Accept only what Neo4j can store: scalars, temporal values and homogeneous lists of them.

    The model holds exactly what Neo4j would hold, so that both backends keep
    the same graph from the same source. ``None`` is rejected rather than
    dropped: in Neo4j setting a property to null removes it, so a loader that
    passed it through would silently lose the key. Floats that are NaN or
    infinite are rejected because JSON cannot hold them and they would break
    exports. Integers beyond 64 bits are rejected because Neo4j cannot store
    them (the embedded store could, and the backends would then differ); for
    the same reason a list mixing integers and floats becomes a list of
    floats, which is what Neo4j stores for it.

    Temporal values are Cypher's (:mod:`relgraph.graph.values.temporal`:
    Date, LocalTime, Time, LocalDateTime, DateTime, Duration), the type both backends
    return for them, so that a typed column of a neo4j-admin CSV export (``founded:date``)
    loads back as the date it was, not as its text.
    """
    if isinstance(value, str):
        problem = surrogate_problem(value)
        if problem:
            raise ModelError(f"property {name!r}: {problem}")
        return value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        if not INT_MIN <= value <= INT_MAX:
            raise ModelError(f"property {name!r} is {value}, outside the 64-bit integers Neo4j stores "
                             f"({INT_MIN} to {INT_MAX}); give it as a float or as text")
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise ModelError(f"property {name!r} is {value!r}, which no export format can hold")
        return value
    if isinstance(value, (list, tuple)):
        items: list[Scalar] = []
        for element in value:
            if isinstance(element, (list, tuple)):  # refused before its items are looked at
                raise ModelError(f"property {name!r} holds a nested list; Neo4j stores flat lists only")
            checked = check_value(name, element)
            assert not isinstance(checked, list)
            items.append(checked)
        kinds = {_list_kind(item) for item in items}
        if len(kinds) > 1:
            raise ModelError(
                f"property {name!r} mixes {' and '.join(sorted(kinds))} in one list; "
                "Neo4j lists hold one type"
            )
        if any(isinstance(item, float) for item in items):
            return [float(item) for item in items if isinstance(item, (int, float))]
        return items
    if value is None:
        raise ModelError(f"property {name!r} is null; leave it out instead")
    if isinstance(value, TemporalValue):
        return value
    raise ModelError(f"property {name!r} has unsupported type {type(value).__name__}")


def _list_kind(item: object) -> str:
    if isinstance(item, bool):
        return "booleans"
    if isinstance(item, (int, float)):
        return "numbers"
    if isinstance(item, str):
        return "strings"
    assert isinstance(item, TemporalValue)
    return f"{item.type_name.lower()} values"  # DATE -> "date values"


def check_properties(properties: Mapping[str, object]) -> Properties:
    return {check_property_name(k): check_value(k, v) for k, v in properties.items()}


@dataclass(frozen=True)
class NodeKey:
    """How a relationship names its endpoint: primary label plus key."""

    label: str
    key: str

    def __str__(self) -> str:
        return f"({self.label} {self.key!r})"


@dataclass
class NodeSpec:
    """A node to merge: ``labels[0]`` is the primary label that scopes ``key``."""

    labels: list[str]
    properties: Properties
    origin: str = ""  # where it came from ("file.yaml: people[3]"), for error messages

    def __post_init__(self) -> None:
        if not self.labels:
            raise ModelError(f"{self.origin or 'node'}: a node needs at least one label")
        for label in self.labels:
            check_label(label)
        if len(set(self.labels)) != len(self.labels):
            raise ModelError(f"{self.origin or 'node'}: repeated label in {self.labels}")
        self.properties = check_properties(self.properties)
        key = self.properties.get("key")
        if not isinstance(key, str) or not key:
            raise ModelError(f"{self.origin or 'node'}: every node needs a non-empty string 'key'")

    @property
    def key(self) -> str:
        return str(self.properties["key"])

    @property
    def node_key(self) -> NodeKey:
        return NodeKey(self.labels[0], self.key)


@dataclass
class RelSpec:
    """A relationship to merge between two nodes named by :class:`NodeKey`."""

    type: str
    start: NodeKey
    end: NodeKey
    properties: Properties
    origin: str = ""

    def __post_init__(self) -> None:
        check_rel_type(self.type)
        self.properties = check_properties(self.properties)
        key = self.properties.get("key")
        if not isinstance(key, str) or not key:
            raise ModelError(
                f"{self.origin or 'relationship'}: every relationship needs a non-empty string 'key'"
            )

    @property
    def key(self) -> str:
        return str(self.properties["key"])

    @property
    def identity(self) -> tuple[NodeKey, str, NodeKey, str]:
        return (self.start, self.type, self.end, self.key)


def default_rel_key(start: str, rel_type: str, end: str, ordinal: int = 1) -> str:
    """A readable, stable key for a relationship whose source gives none.

    The ordinal tells apart parallel relationships of one type between the same
    two nodes, counted in source order; reloading the same source therefore
    yields the same keys, which is what makes loading idempotent.
    """
    base = f"{start}-{rel_type.lower()}-{end}"
    return base if ordinal == 1 else f"{base}-{ordinal}"


class RelKeys:
    """Hands out default relationship keys in source order, counting parallel ones.

    Every reader that derives keys uses one of these per batch, so that the
    same source always yields the same keys (see :func:`default_rel_key`).
    """

    def __init__(self) -> None:
        self._seen: Counter[tuple[NodeKey, str, NodeKey]] = Counter()

    def __call__(self, start: NodeKey, rel_type: str, end: NodeKey) -> str:
        self._seen[(start, rel_type, end)] += 1
        return default_rel_key(start.key, rel_type, end.key, self._seen[(start, rel_type, end)])


# `year` is the schema's calendar year (docs/schema.md): timelines sort on it, `export
# --years` and the query scripts compare it with integers, and Cypher never equates 1991
# with "1991". A year read as text from an untyped CSV column or a JSON string would
# silently drop out of every answer, so every loader refuses it instead. Other names
# (`since` may be a date elsewhere) are checked only where the data's schema says so.
YEAR_PROPERTIES = ("year",)


def year_problems(properties: Properties, names: Iterable[str] = YEAR_PROPERTIES) -> list[str]:
    """What is wrong with the year properties ``names`` and the ``years`` list."""
    def is_int(v: Any) -> bool:
        return isinstance(v, int) and not isinstance(v, bool)

    problems = []
    for name in names:
        value = properties.get(name)
        if value is None or is_int(value):
            continue
        if isinstance(value, str) and value.strip().lstrip("-").isdigit():
            problems.append(f"{name} {reprlib.repr(value)} is text, not an integer "
                            f"(a CSV column needs a type: {name}:int)")
        else:
            problems.append(f"{name} {reprlib.repr(value)} is not a year (an integer)")
    years = properties.get("years")
    if years is not None and not (isinstance(years, list) and all(is_int(y) for y in years)):
        problems.append(f"years {reprlib.repr(years)} is not a list of years (integers)")
    return problems


@dataclass
class GraphBatch:
    """Everything one source contributes; stores apply it in one transaction."""

    source: str
    nodes: list[NodeSpec] = field(default_factory=list)
    relationships: list[RelSpec] = field(default_factory=list)
    #: Where each source added by :meth:`extend` begins: (first node, first relationship).
    #: A key twice in one source is a mistake in that source; the same key in two sources
    #: is the same node told twice, which merges as loading them one after the other would.
    parts: list[tuple[int, int]] = field(default_factory=list, repr=False)

    def __len__(self) -> int:
        return len(self.nodes) + len(self.relationships)

    def extend(self, other: GraphBatch) -> None:
        """Add another source's batch; its records stay a source of their own (see ``parts``)."""
        if not self.parts and (self.nodes or self.relationships):
            self.parts.append((0, 0))
        offset = (len(self.nodes), len(self.relationships))
        self.parts.extend((offset[0] + n, offset[1] + r) for n, r in other.parts or [(0, 0)])
        self.nodes.extend(other.nodes)
        self.relationships.extend(other.relationships)

    def _sources_of(self, which: int) -> list[int]:
        """For each node (``which`` 0) or relationship (1), the source it came from."""
        count = len(self.relationships) if which else len(self.nodes)
        starts = [start[which] for start in self.parts]
        return [max(bisect.bisect_right(starts, index) - 1, 0) for index in range(count)]

    def validate(self, known: Iterable[NodeKey] = ()) -> None:
        """Check references and duplicates within each source; raise LoadError listing all.

        ``known`` names nodes already in the target store, so a batch of
        relationships may point at nodes loaded earlier.
        """
        problems: list[str] = []
        seen: dict[tuple[int, NodeKey], str] = {}
        for source, node in zip(self._sources_of(0), self.nodes):
            part = (source, node.node_key)
            if part in seen:
                problems.append(
                    f"{node.origin}: duplicate key {node.key!r} for label {node.labels[0]} "
                    f"(first defined at {seen[part]})"
                )
            else:
                seen[part] = node.origin
        available = {key for _, key in seen} | set(known)
        rel_seen: dict[tuple[int, tuple[NodeKey, str, NodeKey, str]], str] = {}
        specs: list[NodeSpec | RelSpec] = [*self.nodes, *self.relationships]
        for item in specs:
            problems.extend(f"{item.origin}: {p}" for p in year_problems(item.properties))
        for source, rel in zip(self._sources_of(1), self.relationships):
            for end_name, ref in (("start", rel.start), ("end", rel.end)):
                if ref not in available:
                    problems.append(f"{rel.origin}: unknown {end_name} node {ref}")
            identity = (source, rel.identity)
            if identity in rel_seen:
                problems.append(
                    f"{rel.origin}: duplicate relationship key {rel.key!r} "
                    f"(first defined at {rel_seen[identity]})"
                )
            else:
                rel_seen[identity] = rel.origin
        if problems:
            raise LoadError(problems)

    def iter_endpoints(self) -> Iterator[NodeKey]:
        for rel in self.relationships:
            yield rel.start
            yield rel.end
