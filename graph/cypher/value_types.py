"""Neo4j 5's value types: the grammar after ``IS ::``, the test of a value against a type,
and the type ``valueType()`` names for a value.

Kept apart from the parser and the expression compiler because the three must agree on one
table of names: a type is written with many synonyms (``INT``, ``SIGNED INTEGER``,
``TIMESTAMP WITH TIME ZONE``...), tested by one canonical name, and printed by the same name
``valueType()`` gives (Neo4j's spelling, checked against Neo4j 5.26).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from relgraph.graph.cypher.ast import ValueType
from relgraph.graph.cypher.errors import CypherSyntaxError
from relgraph.graph.cypher.runtime import NodeRef, PathValue, RelRef, is_number
from relgraph.graph.cypher.tokens import Token
from relgraph.graph.values.spatial import Point
from relgraph.graph.values.temporal import Date, DateTime, Duration, LocalDateTime, LocalTime, Time

#: One-word type names and their canonical spelling.
_SIMPLE = {
    "NOTHING": "NOTHING", "NULL": "NULL", "BOOL": "BOOLEAN", "BOOLEAN": "BOOLEAN",
    "VARCHAR": "STRING", "STRING": "STRING", "INT": "INTEGER", "INTEGER": "INTEGER",
    "FLOAT": "FLOAT", "DATE": "DATE", "DURATION": "DURATION", "POINT": "POINT", "NODE": "NODE",
    "VERTEX": "NODE", "RELATIONSHIP": "RELATIONSHIP", "EDGE": "RELATIONSHIP", "MAP": "MAP",
    "PATH": "PATH", "PATHS": "PATH",
}
#: Words that may follow ANY: ANY NODE, ANY EDGE, ANY MAP...
_AFTER_ANY = {"NODE": "NODE", "VERTEX": "NODE", "RELATIONSHIP": "RELATIONSHIP",
              "EDGE": "RELATIONSHIP", "MAP": "MAP"}

#: Neo4j's order of the members of a union in valueType() (measured on Neo4j 5.26).
_NAMED_ORDER = ["NULL", "BOOLEAN", "STRING", "INTEGER", "FLOAT", "DATE", "LOCAL TIME", "ZONED TIME",
                "LOCAL DATETIME", "ZONED DATETIME", "DURATION", "POINT", "NODE", "RELATIONSHIP", "MAP",
                "LIST", "PATH"]

_TEMPORAL = {Date: "DATE", LocalTime: "LOCAL TIME", Time: "ZONED TIME",
             LocalDateTime: "LOCAL DATETIME", DateTime: "ZONED DATETIME", Duration: "DURATION"}


class _Parser(Protocol):
    """What TypeParser needs of the query parser (kept structural: no import cycle)."""

    query: str
    bar_ends_where: int

    @property
    def tok(self) -> Token: ...

    def at_kw(self, *words: str, k: int = 0) -> bool: ...

    def accept_kw(self, *words: str) -> bool: ...

    def expect_kw(self, word: str) -> Token: ...

    def at_op(self, *ops: str, k: int = 0) -> bool: ...

    def accept_op(self, op: str) -> bool: ...

    def expect_op(self, op: str) -> Token: ...

    def advance(self) -> Token: ...

    def error(self, message: str, token: Token | None = None, code: str = "UnexpectedSyntax") -> Any: ...


class TypeParser:
    """Reads a type at the parser's position: ``INTEGER``, ``LIST<STRING NOT NULL>``,
    ``INTEGER | FLOAT``, ``ANY<DATE | DURATION>``, ``STRING LIST``, ``INTEGER!``..."""

    def __init__(self, parser: _Parser):
        self.p = parser

    def parse(self) -> ValueType:
        p = self.p
        start = p.tok
        members = [self._part()]
        while p.at_op("|") and not p.bar_ends_where:
            p.advance()
            members.append(self._part())
        return _union(members, p.query, start.start)

    def _part(self) -> ValueType:
        p = self.p
        t = self._nullability(self._name())
        while p.at_kw("LIST", "ARRAY") and not p.at_op("<", k=1):
            p.advance()
            t = self._nullability(ValueType("LIST", True, (t,)))
        return t

    def _nullability(self, t: ValueType) -> ValueType:
        p = self.p
        if p.at_kw("NOT") and p.at_kw("NULL", k=1):
            p.advance()
            p.advance()
            return ValueType(t.name, False, t.args)
        if p.accept_op("!"):
            return ValueType(t.name, False, t.args)
        return t

    def _name(self) -> ValueType:
        p = self.p
        word = p.tok.upper
        if word in ("LIST", "ARRAY"):
            p.advance()
            return ValueType("LIST", True, (self._inner(),))
        if word == "ANY":
            p.advance()
            if p.tok.upper in _AFTER_ANY:
                return ValueType(_AFTER_ANY[p.advance().upper])
            if p.at_kw("PROPERTY") and p.at_kw("VALUE", k=1):
                p.advance()
                p.advance()
                return ValueType("PROPERTY VALUE")
            p.accept_kw("VALUE")
            return self._inner() if p.at_op("<") else ValueType("ANY")
        if word in _SIMPLE:
            p.advance()
            return ValueType(_SIMPLE[word])
        if word == "SIGNED" and p.at_kw("INTEGER", k=1):
            p.advance()
            p.advance()
            return ValueType("INTEGER")
        if word in ("LOCAL", "ZONED") and p.at_kw("TIME", "DATETIME", k=1):
            p.advance()
            return ValueType(f"{word} {p.advance().upper}")
        if word in ("TIME", "TIMESTAMP"):
            p.advance()
            zoned = p.at_kw("WITH")
            if not p.accept_kw("WITH", "WITHOUT"):
                p.error("expected WITH or WITHOUT")
            if not p.accept_kw("TIMEZONE"):
                p.expect_kw("TIME")
                p.expect_kw("ZONE")
            kind = "TIME" if word == "TIME" else "DATETIME"
            return ValueType(f"{'ZONED' if zoned else 'LOCAL'} {kind}")
        if word == "PROPERTY" and p.at_kw("VALUE", k=1):
            p.advance()
            p.advance()
            return ValueType("PROPERTY VALUE")
        p.error("expected a type (INTEGER, STRING, LIST<...>, ANY...)")
        raise AssertionError  # unreachable

    def _inner(self) -> ValueType:
        p = self.p
        p.expect_op("<")
        inner = self.parse()
        p.expect_op(">")
        return inner


def _union(members: list[ValueType], query: str, pos: int) -> ValueType:
    """``A | B``: nested unions flattened; Neo4j wants every member (other than NULL and
    NOTHING) nullable, or every one NOT NULL."""
    flat: list[ValueType] = []
    for m in members:
        for x in (m.args if m.name == "UNION" else (m,)):
            if x not in flat:
                flat.append(x)
    if len(flat) == 1:
        return flat[0]
    if len({m.nullable for m in flat if m.name not in ("NULL", "NOTHING")}) > 1:
        raise CypherSyntaxError("All types in a Closed Dynamic Union must be nullable, or be appended "
                                "with `NOT NULL`", query, pos, code="InvalidTypeUnion")
    return ValueType("UNION", any(m.nullable for m in flat), tuple(flat))


# --- testing a value -------------------------------------------------------------------


def is_of_type(value: Any, t: ValueType) -> bool:
    """``value IS :: t`` (never null: a null value is of every nullable type)."""
    if value is None:
        return t.nullable and t.name != "NOTHING"
    if t.name == "UNION":
        return any(is_of_type(value, m) for m in t.args)
    if t.name == "ANY":
        return True
    if t.name == "LIST":
        if t.args[0].name == "ANY":  # Neo4j 5.26 lets LIST<ANY NOT NULL> hold nulls too
            return isinstance(value, list)
        return isinstance(value, list) and all(is_of_type(x, t.args[0]) for x in value)
    if t.name == "PROPERTY VALUE":
        return _storable(value)
    return _scalar_name(value) == t.name


def _scalar_name(value: Any) -> str | None:
    """The canonical name of a value's type, for any value but a list (and null)."""
    if isinstance(value, bool):
        return "BOOLEAN"
    if is_number(value):
        return "INTEGER" if isinstance(value, int) else "FLOAT"
    if isinstance(value, str):
        return "STRING"
    if isinstance(value, Point):
        return "POINT"
    if isinstance(value, dict):
        return "MAP"
    if isinstance(value, NodeRef):
        return "NODE"
    if isinstance(value, RelRef):
        return "RELATIONSHIP"
    if isinstance(value, PathValue):
        return "PATH"
    return _TEMPORAL.get(type(value))


def _storable(value: Any) -> bool:
    """PROPERTY VALUE: what a property can hold (a scalar, or a list of one kind without null;
    integers and floats count as one kind)."""
    if isinstance(value, list):
        kinds = set()
        for x in value:
            if x is None or isinstance(x, list) or not _storable(x):
                return False
            name = _scalar_name(x)
            kinds.add("NUMBER" if name in ("INTEGER", "FLOAT") else name)
        return len(kinds) <= 1
    return _scalar_name(value) not in ("MAP", "NODE", "RELATIONSHIP", "PATH", None)


# --- naming a value's type (valueType()) -------------------------------------------------


def value_type_name(value: Any) -> str:
    """Neo4j's ``valueType(value)``: ``INTEGER NOT NULL``, ``LIST<INTEGER | FLOAT> NOT NULL``..."""
    return _Named.of(value).text()


@dataclass(frozen=True)
class _Named:
    """A value's type as valueType() names it. A list's members are the types of its elements
    with those another member already covers dropped (``[[], [1]]`` is ``LIST<LIST<INTEGER NOT
    NULL> NOT NULL> NOT NULL``: an empty list is also a list of integers), in Neo4j's order."""

    name: str
    nullable: bool = False
    members: tuple[_Named, ...] = ()  # a list's element types; none for LIST<NOTHING>

    @staticmethod
    def of(value: Any) -> _Named:
        if value is None:
            return _Named("NULL", True)
        if not isinstance(value, list):
            return _Named(_scalar_name(value) or "ANY")
        found = list(dict.fromkeys(_Named.of(v) for v in value if v is not None))
        if any(v is None for v in value):
            found = [_Named(t.name, True, t.members) for t in found] or [_Named("NULL", True)]
        kept = [t for t in found if not any(t != o and t.within(o) for o in found)]
        return _Named("LIST", False, tuple(sorted(dict.fromkeys(kept), key=_Named.key)))

    def within(self, other: _Named) -> bool:
        """Whether every value of this type is one of ``other``."""
        if self.name == "NULL":
            return other.nullable
        if self.name != other.name or (self.nullable and not other.nullable):
            return False
        return all(any(m.within(o) for o in other.members) for m in self.members)

    def key(self) -> tuple[Any, ...]:
        return (_NAMED_ORDER.index(self.name) if self.name in _NAMED_ORDER else len(_NAMED_ORDER),
                tuple(m.key() for m in self.members))

    def text(self) -> str:
        if self.name == "NULL":
            return "NULL"
        name = self.name
        if name == "LIST":
            name = f"LIST<{' | '.join(m.text() for m in self.members) or 'NOTHING'}>"
        return name if self.nullable else f"{name} NOT NULL"




def _describe(t: ValueType) -> str:
    if t.name == "UNION":
        return " | ".join(_describe(m) for m in t.args)
    text = f"LIST<{_describe(t.args[0])}>" if t.name == "LIST" else t.name
    return text if t.nullable or t.name in ("NULL", "NOTHING") else text + " NOT NULL"


def describe_type(t: ValueType) -> str:
    """A type as Cypher text (for unparse and explain)."""
    return _describe(t)
