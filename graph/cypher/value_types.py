"""``valueType()``: the name Neo4j 5 gives a value's type (``INTEGER NOT NULL``,
``LIST<STRING NOT NULL | INTEGER NOT NULL> NOT NULL``...), as text equal to Neo4j's.

A list's element type is the union of its elements' types, in Neo4j's order of types, without a
member another member already includes (``LIST<NOTHING>`` of an empty list goes into any other
list type; ``NULL`` into any nullable type); a null element makes every member nullable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from relgraph.graph.cypher.runtime import NodeRef, PathValue, RelRef
from relgraph.graph.values import temporal

#: Neo4j's order of the members of a union (measured on Neo4j 5.26).
ORDER = ["NULL", "BOOLEAN", "STRING", "INTEGER", "FLOAT", "DATE", "LOCAL TIME", "ZONED TIME",
         "LOCAL DATETIME", "ZONED DATETIME", "DURATION", "POINT", "NODE", "RELATIONSHIP", "MAP",
         "LIST", "PATH"]

_TEMPORAL = [(temporal.Date, "DATE"), (temporal.LocalTime, "LOCAL TIME"), (temporal.Time, "ZONED TIME"),
             (temporal.LocalDateTime, "LOCAL DATETIME"), (temporal.DateTime, "ZONED DATETIME"),
             (temporal.Duration, "DURATION")]


@dataclass(frozen=True)
class CypherType:
    name: str
    nullable: bool = False
    members: tuple[CypherType, ...] = ()  # a list's element types; none for LIST<NOTHING>

    def within(self, other: CypherType) -> bool:
        """Whether every value of this type is one of ``other``."""
        if self.name == "NULL":
            return other.nullable
        if self.name != other.name or (self.nullable and not other.nullable):
            return False
        return all(any(m.within(o) for o in other.members) for m in self.members)

    def key(self) -> tuple[Any, ...]:
        return (ORDER.index(self.name), tuple(m.key() for m in self.members))

    def text(self) -> str:
        if self.name == "NULL":
            return "NULL"
        name = self.name
        if name == "LIST":
            name = f"LIST<{' | '.join(m.text() for m in self.members) or 'NOTHING'}>"
        return name if self.nullable else f"{name} NOT NULL"


def type_of(value: Any) -> CypherType:
    """The type of one value, never nullable but for null itself."""
    if value is None:
        return CypherType("NULL", True)
    if isinstance(value, list):
        return CypherType("LIST", members=_union(value))
    for cls, name in _TEMPORAL:
        if isinstance(value, cls):
            return CypherType(name)
    simple = [(bool, "BOOLEAN"), (str, "STRING"), (int, "INTEGER"), (float, "FLOAT"), (dict, "MAP"),
              (NodeRef, "NODE"), (RelRef, "RELATIONSHIP"), (PathValue, "PATH")]
    for kind, name in simple:
        if isinstance(value, kind):
            return CypherType(name)
    return CypherType("POINT")  # the one kind of value left


def _union(values: list[Any]) -> tuple[CypherType, ...]:
    has_null = any(v is None for v in values)
    found = list(dict.fromkeys(type_of(v) for v in values if v is not None))
    if has_null:
        found = [CypherType(t.name, True, t.members) for t in found] or [CypherType("NULL", True)]
    kept = [t for t in found if not any(t != o and t.within(o) for o in found)]
    return tuple(sorted(dict.fromkeys(kept), key=CypherType.key))


def value_type(value: Any) -> str:
    return type_of(value).text()
