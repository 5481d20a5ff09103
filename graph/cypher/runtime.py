"""Runtime values and the rules that relate them: equality, comparison, ordering.

Inside the engine a node or relationship is only its id (:class:`NodeRef`,
:class:`RelRef`), so rows stay small and a property read always sees the
current state of the graph (a SET earlier in the query is visible later).
Values are converted to the driver-shaped :mod:`relgraph.graph.values.entities` only
when a result leaves the engine.

Cypher has three different notions of "same", and mixing them up gives silently
wrong answers, so each has its own function here:

* :func:`equals` -- the ``=`` operator: three-valued (null if either side is
  or contains null where it matters), ``1 = 1.0`` is true, ``NaN = NaN`` false.
* :func:`compare` -- ``<``, ``>``...: only values of the same kind compare; any
  other pair gives null.
* :func:`sort_key` / :func:`group_key` -- ORDER BY's total order across all
  types, and the equivalence used by DISTINCT, grouping and ``IN`` lookups,
  where null equals null and NaN equals NaN.
"""

from __future__ import annotations

import math
from typing import Any

from relgraph.graph.values.entities import Node, Path, Relationship
from relgraph.graph.values.errors import CypherArithmeticError
from relgraph.graph.values.spatial import POINT_RANK, Point
from relgraph.graph.values.temporal import (
    DURATION_RANK,
    Duration,
    TemporalValue,
    from_python_temporal,
    temporal_rank,
)


class NodeRef:
    """A node inside the engine: just its id."""

    __slots__ = ("id",)

    def __init__(self, nid: int):
        self.id = nid

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NodeRef) and other.id == self.id

    def __hash__(self) -> int:
        return hash(("node", self.id))

    def __repr__(self) -> str:
        return f"NodeRef({self.id})"


class RelRef:
    """A relationship inside the engine: just its id."""

    __slots__ = ("id",)

    def __init__(self, rid: int):
        self.id = rid

    def __eq__(self, other: object) -> bool:
        return isinstance(other, RelRef) and other.id == self.id

    def __hash__(self) -> int:
        return hash(("rel", self.id))

    def __repr__(self) -> str:
        return f"RelRef({self.id})"


class PathValue:
    """A path: node ids and relationship ids in walk order (len(nodes) = len(rels) + 1)."""

    __slots__ = ("nodes", "rels")

    def __init__(self, nodes: tuple[int, ...], rels: tuple[int, ...]):
        self.nodes = nodes
        self.rels = rels

    def __eq__(self, other: object) -> bool:
        return isinstance(other, PathValue) and other.nodes == self.nodes and other.rels == self.rels

    def __hash__(self) -> int:
        return hash(("path", self.nodes, self.rels))

    def __repr__(self) -> str:
        return f"PathValue({self.nodes}, {self.rels})"


def is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def type_name(v: Any) -> str:
    """The Cypher type of a value, for error messages."""
    if v is None:
        return "NULL"
    if isinstance(v, bool):
        return "BOOLEAN"
    if isinstance(v, int):
        return "INTEGER"
    if isinstance(v, float):
        return "FLOAT"
    if isinstance(v, str):
        return "STRING"
    if isinstance(v, list):
        return "LIST"
    if isinstance(v, dict):
        return "MAP"
    if isinstance(v, NodeRef):
        return "NODE"
    if isinstance(v, RelRef):
        return "RELATIONSHIP"
    if isinstance(v, PathValue):
        return "PATH"
    if isinstance(v, TemporalValue):
        return v.type_name
    return type(v).__name__.upper()


# --- equality ---------------------------------------------------------------------


def equals(a: Any, b: Any) -> bool | None:
    """The ``=`` operator: True, False, or None (unknown) when nulls are involved."""
    if a is None or b is None:
        return None
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b if isinstance(a, bool) and isinstance(b, bool) else False
    if is_number(a):
        return bool(is_number(b) and a == b)
    if isinstance(a, str):
        return isinstance(b, str) and a == b
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            return False
        unknown = False
        for x, y in zip(a, b):
            r = equals(x, y)
            if r is False:
                return False
            if r is None:
                unknown = True
        return None if unknown else True
    if isinstance(a, dict):
        if not isinstance(b, dict) or a.keys() != b.keys():
            return False
        unknown = False
        for k, x in a.items():
            r = equals(x, b[k])
            if r is False:
                return False
            if r is None:
                unknown = True
        return None if unknown else True
    if isinstance(a, TemporalValue):
        return a.equals(b)
    return bool(a == b)


# --- comparison (<, >, <=, >=) ----------------------------------------------------


def compare(a: Any, b: Any) -> int | None:
    """-1/0/1 for comparable values, None (null) otherwise.

    NaN compared with any number is reported as 2 so that callers turn every
    inequality involving it into false (as Cypher does) instead of null.
    """
    if a is None or b is None:
        return None
    if is_number(a) and is_number(b):
        if (isinstance(a, float) and math.isnan(a)) or (isinstance(b, float) and math.isnan(b)):
            return 2
        return int(a > b) - int(a < b)
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    if isinstance(a, bool) and isinstance(b, bool):
        return (a > b) - (a < b)
    if isinstance(a, list) and isinstance(b, list):
        for x, y in zip(a, b):
            c = compare(x, y)
            if c is None or c == 2:
                return c
            if c != 0:
                return c
        return (len(a) > len(b)) - (len(a) < len(b))
    if isinstance(a, TemporalValue) and isinstance(b, TemporalValue):
        return a.compare(b)
    if isinstance(a, Point) and isinstance(b, Point):
        # Neo4j 5 gives points no order for < and >: only an equal pair compares (<= is true).
        return 0 if a == b else None
    if isinstance(a, dict) and isinstance(b, dict):
        return _compare_maps(a, b)
    if (isinstance(a, NodeRef) and isinstance(b, NodeRef)) or \
            (isinstance(a, RelRef) and isinstance(b, RelRef)):
        return (a.id > b.id) - (a.id < b.id)
    if isinstance(a, PathValue) and isinstance(b, PathValue):
        return compare(_path_elements(a), _path_elements(b))
    return None


def _compare_maps(a: dict[str, Any], b: dict[str, Any]) -> int | None:
    """Neo4j 5 compares two maps (``{a: 1} < {a: 1, b: 1}``): the smaller first, then by
    their sorted keys, then value by value (null when a pair of values is not comparable)."""
    if len(a) != len(b):
        return (len(a) > len(b)) - (len(a) < len(b))
    keys_a, keys_b = sorted(a), sorted(b)
    if keys_a != keys_b:
        return (keys_a > keys_b) - (keys_a < keys_b)
    for k in keys_a:
        c = compare(a[k], b[k])
        if c == 2:
            return None  # NaN inside a map: not comparable, as Neo4j says
        if c != 0:
            return c
    return 0


def _path_elements(p: PathValue) -> list[Any]:
    """A path as Neo4j compares it: node, relationship, node..., element by element."""
    out: list[Any] = [NodeRef(p.nodes[0])]
    for rel, node in zip(p.rels, p.nodes[1:]):
        out += [RelRef(rel), NodeRef(node)]
    return out


# --- ordering (ORDER BY) ----------------------------------------------------------

_RANK_MAP, _RANK_NODE, _RANK_REL, _RANK_LIST, _RANK_PATH = 0, 1, 2, 3, 4
_RANK_STRING, _RANK_BOOL, _RANK_NUMBER, _RANK_NULL = 20, 21, 22, 23


def sort_key(v: Any) -> tuple[Any, ...]:
    """A key giving Cypher's total order of values (ascending; null sorts last)."""
    if v is None:
        return (_RANK_NULL,)
    if isinstance(v, bool):
        return (_RANK_BOOL, v)
    if isinstance(v, (int, float)):
        if isinstance(v, float) and math.isnan(v):
            return (_RANK_NUMBER, 1, 0)
        return (_RANK_NUMBER, 0, v)
    if isinstance(v, str):
        return (_RANK_STRING, v)
    if isinstance(v, list):
        return (_RANK_LIST, tuple(sort_key(x) for x in v))
    if isinstance(v, dict):
        return (_RANK_MAP, tuple((k, sort_key(v[k])) for k in sorted(v)))
    if isinstance(v, NodeRef):
        return (_RANK_NODE, v.id)
    if isinstance(v, RelRef):
        return (_RANK_REL, v.id)
    if isinstance(v, PathValue):
        return (_RANK_PATH, v.nodes, v.rels)
    if isinstance(v, Point):
        return (POINT_RANK, v.sort_tuple())
    if isinstance(v, Duration):
        return (DURATION_RANK, v.sort_tuple())
    if isinstance(v, TemporalValue):
        return (temporal_rank(v), v.sort_tuple())
    return (99, repr(v))


# --- equivalence (DISTINCT, grouping) ---------------------------------------------


def group_key(v: Any) -> Any:
    """A hashable key under which equivalent values collide (null ~ null, 1 ~ 1.0)."""
    if v is None:
        return None
    if isinstance(v, bool):
        return ("b", v)
    if isinstance(v, float) and math.isnan(v):
        return ("nan",)
    if isinstance(v, (int, float, str)):
        return v
    if isinstance(v, list):
        return ("l", tuple(group_key(x) for x in v))
    if isinstance(v, dict):
        return ("m", frozenset((k, group_key(x)) for k, x in v.items()))
    if isinstance(v, TemporalValue):
        return v.group_key()
    return v


def from_python(v: Any) -> Any:
    """A parameter value from the caller -> engine value (tuples become lists...)."""

    if isinstance(v, int) and not isinstance(v, bool) and not -(2**63) <= v < 2**63:
        # Neo4j's driver cannot even send such a value; refusing it here keeps the backends alike.

        raise CypherArithmeticError(f"parameter value {v} does not fit Cypher's 64-bit integers",
                                    "IntegerOverflow")
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return [from_python(x) for x in v]
    if isinstance(v, dict):
        return {str(k): from_python(x) for k, x in v.items()}
    if isinstance(v, Node):
        return NodeRef(int(v.element_id))
    if isinstance(v, Relationship):
        return RelRef(int(v.element_id))
    if isinstance(v, Path):
        return PathValue(tuple(int(n.element_id) for n in v.nodes),
                         tuple(int(r.element_id) for r in v.relationships))
    if isinstance(v, (TemporalValue, Point)):  # a value read from an earlier result, passed back
        return v
    converted = from_python_temporal(v)
    if converted is not None:
        return converted
    raise TypeError(f"cannot pass a {type(v).__name__} as a Cypher parameter")
