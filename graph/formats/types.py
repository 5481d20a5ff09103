"""The one type table every format reads and writes by: Neo4j's type names and their text.

GraphML's ``attr.type``, neo4j-admin's CSV headers, APOC's exports and Cypher's
temporal functions all name types the way Neo4j does: ``boolean``, ``long``,
``double``, ``string``, the temporal ``date``, ``localtime``, ``time``,
``localdatetime``, ``datetime`` and ``duration``, and lists of them (``long[]``).
Writers ask :func:`value_type` which name a value has and :func:`scalar_text` for its
text; readers ask :func:`parse_typed` to turn text of a named type back into the
value. Keeping both directions here is what makes every round trip exact.

Values reach the writers as both backends return them (strings, integers, floats,
booleans, temporal values and flat lists of them; a Cypher ``SET`` may also have
stored a tuple). :func:`plain_value` turns each into what a format can hold, once,
so that no writer has to guess and every format writes the same thing. Formats that
have types for dates and times (the Cypher script, neo4j-admin CSV) ask it to keep
temporal values (``temporal=True``); the others get their ISO text, as APOC writes
them.

Temporal text is parsed as Cypher's functions of the same names parse it; a time or
date-time without an offset is in UTC, neo4j-admin's default.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from relgraph.graph.values import temporal
from relgraph.graph.values.entities import Entity, Node
from relgraph.graph.values.errors import CypherError, ExportError
from relgraph.graph.values.jsonable import to_json
from relgraph.graph.values.model import INT_MAX, INT_MIN
from relgraph.graph.values.spatial import Point
from relgraph.graph.values.subgraph import ordered_labels
from relgraph.graph.values.temporal import TemporalValue, from_python_temporal
from relgraph.graph.values.text import surrogate_problem

#: Neo4j's scalar type names, in the order used to sort columns and keys of one property.
SCALAR_TYPES = ("boolean", "long", "double", "string")
#: Neo4j's temporal type names: neo4j-admin's header types, and Cypher's functions that make them.
TEMPORAL_TYPES = ("date", "localtime", "time", "localdatetime", "datetime", "duration")

#: Names readers accept for each kind, beyond the ones above (GraphML says ``int`` and
#: ``float``; neo4j-admin also takes ``short``, ``byte``, ``char`` and the old ``localdate``).
INTEGER_NAMES = frozenset({"int", "long", "short", "byte"})
FLOAT_NAMES = frozenset({"float", "double"})
TEXT_NAMES = frozenset({"string", "char"})
#: type name -> parser of its ISO text
TEMPORAL_PARSERS: dict[str, Callable[[str], TemporalValue]] = {
    "date": temporal.parse_date,
    "localdate": temporal.parse_date,
    "localtime": temporal.parse_local_time,
    "time": temporal.parse_time,
    "localdatetime": temporal.parse_local_datetime,
    "datetime": temporal.parse_datetime,
    "duration": temporal.parse_duration,
}
#: Python's type for the items of a list of each readable scalar type (GraphML's ``attr.list``).
LIST_ITEM_TYPES: dict[str, type] = {
    **dict.fromkeys(INTEGER_NAMES, int), **dict.fromkeys(FLOAT_NAMES, float),
    "boolean": bool, **dict.fromkeys(TEXT_NAMES, str),
}


def plain_value(value: Any, where: str, *, temporal: bool = False) -> Any:
    """A value a format can hold (str, int, float, bool, or a flat list of one of those) for
    any stored value; with ``temporal``, temporal values too.

    Temporal values (as both backends return them, see ``relgraph.graph.values.temporal``,
    or Python's ``date``/``datetime``) become ISO text, the form the curated data uses for
    dates, unless ``temporal`` asks to keep them: then they are the engine's values
    (Python's converted), for formats that can say "this is a date". Tuples become lists.
    NaN and infinities are refused, as the model refuses them: no text format holds them.
    """
    if isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ExportError(f"{where} is {value!r}, which no export format can hold")
        return value
    if isinstance(value, (list, tuple)):
        items = [plain_value(item, where, temporal=temporal) for item in value]
        kinds = {"number" if t in ("long", "double") else t for t in map(value_type, items)}
        if len(kinds) > 1 or any(k.endswith("]") for k in kinds):
            raise ExportError(f"{where} is a list mixing {' and '.join(sorted(kinds))}; "
                              "Neo4j and every export format hold flat lists of one type")
        return items
    if temporal:
        kept = value if isinstance(value, TemporalValue) else from_python_temporal(value)
        if kept is not None:
            return kept
    if isinstance(value, TemporalValue) or callable(getattr(value, "isoformat", None)):
        return to_json(value)  # ISO 8601 text, as every JSON output writes it
    if value is None:
        raise ExportError(f"{where} is null")
    if isinstance(value, Point):
        raise ExportError(f"{where} is a point, {value}, which the export formats do not hold; store "
                          "its text (toString) or its coordinates (.x, .y) in properties of their own")
    raise ExportError(f"{where} has a value of type {type(value).__name__}, which no export format "
                      "can hold")


def plain_properties(entity: Entity, where: str, *, temporal: bool = False) -> dict[str, Any]:
    """An entity's properties as :func:`plain_value` gives them, sorted by name (the order
    every format writes)."""
    return {name: plain_value(entity[name], f"{where}: property {name!r}", temporal=temporal)
            for name in sorted(entity)}


def value_type(value: Any) -> str:
    """Neo4j's type name for a value of :func:`plain_value`: 'long', 'date', 'double[]', ...

    An empty list has no item type; it is typed ``string[]``, as APOC does, and
    :func:`merge_list_types` lets it join a property whose other lists say more.
    A list mixing integers and floats (the model allows it) is ``double[]``.
    """
    if isinstance(value, list):
        kinds = {value_type(item) for item in value}
        if not kinds:
            return "[]"
        if kinds <= {"long", "double"}:
            return "double[]" if "double" in kinds else "long[]"
        return f"{kinds.pop()}[]"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    if isinstance(value, float):
        return "double"
    if isinstance(value, TemporalValue):
        return value.type_name.lower()  # DATE -> date ... DURATION -> duration
    return "string"


def merge_list_types(types: Iterable[str]) -> list[str]:
    """The types one property needs columns or keys for, in a stable order.

    An empty list ("[]") goes with any other list type; long[] and double[]
    do not merge (that would turn integers into floats on the way back).
    """
    present = set(types)
    if "[]" in present:
        present.discard("[]")
        if not any(t.endswith("[]") for t in present):
            present.add("string[]")
    return sorted(present, key=_type_order)


def _type_order(type_name: str) -> tuple[bool, int]:
    base = type_name.removesuffix("[]")
    return (type_name.endswith("[]"), (SCALAR_TYPES + TEMPORAL_TYPES).index(base))


@dataclass(frozen=True)
class PropertyColumn:
    """One typed property column (CSV) or key (GraphML, GEXF): a name and one type."""

    name: str
    type: str  # 'long', 'string[]', ...
    qualified: bool  # True when the name has several types, so ids need the type too

    @property
    def is_list(self) -> bool:
        return self.type.endswith("[]")

    @property
    def item_type(self) -> str:
        return self.type.removesuffix("[]")

    def accepts(self, value: Any) -> bool:
        found = value_type(value)
        return found == self.type or (found == "[]" and self.is_list)


class ColumnTypes:
    """The types seen under each property name, gathered one entity at a time.

    Writers whose header declares every column (GraphML and GEXF keys) make a first pass
    that keeps only this, then write element by element: the schema of a million
    relationships is a few names, where their converted properties would be gigabytes.
    """

    def __init__(self) -> None:
        self.seen: dict[str, set[str]] = {}

    def add(self, properties: Mapping[str, Any]) -> None:
        """Note the type of each of one entity's properties (already plain values)."""
        for name, value in properties.items():
            self.seen.setdefault(name, set()).add(value_type(value))

    def columns(self) -> list[PropertyColumn]:
        """The typed columns that hold every property seen.

        A name whose values all have one type gets one column; a name with several
        types (``scope`` is text on one node and a list on another) gets one column per
        type, so nothing is converted. Sorted by name, then type.
        """
        columns: list[PropertyColumn] = []
        for name in sorted(self.seen):
            types = merge_list_types(self.seen[name])
            columns.extend(PropertyColumn(name, t, len(types) > 1) for t in types)
        return columns


def property_columns(entities: Iterable[Mapping[str, Any]]) -> list[PropertyColumn]:
    """The typed columns that hold every property of ``entities`` (already plain values):
    see :meth:`ColumnTypes.columns`."""
    collected = ColumnTypes()
    for properties in entities:
        collected.add(properties)
    return collected.columns()


def column_for(columns: Mapping[str, list[PropertyColumn]], name: str, value: Any) -> PropertyColumn:
    """The column of ``columns[name]`` that holds ``value``."""
    for column in columns[name]:
        if column.accepts(value):
            return column
    raise AssertionError(f"no column for {name}={value!r}")  # property_columns saw every value


def by_name(columns: Iterable[PropertyColumn]) -> dict[str, list[PropertyColumn]]:
    grouped: dict[str, list[PropertyColumn]] = {}
    for column in columns:
        grouped.setdefault(column.name, []).append(column)
    return grouped


def json_text(value: Any) -> str:
    """Compact JSON, UTF-8 kept as is: how APOC writes lists into GraphML, and how we do."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def value_text(value: Any) -> str:
    """A property value as GraphML and GEXF hold it: lists as compact JSON, scalars as text."""
    return json_text(value) if isinstance(value, list) else scalar_text(value)


def labels_text(node: Node) -> str:
    """A node's labels as GraphML and GEXF hold them, APOC's way: ``:A:B``, primary first."""
    return "".join(f":{label}" for label in ordered_labels(node))


def scalar_text(value: Any) -> str:
    """A scalar as text in GraphML, GEXF and CSV: true/false, integers, shortest exact floats,
    temporal values in ISO 8601 as Cypher prints them (what Cypher's functions parse)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)  # the shortest text that reads back to the same float
    if isinstance(value, TemporalValue):
        return value.iso()
    return str(value)


def article(type_name: str) -> str:
    """The type name with its indefinite article: 'an int', 'a string', 'a list<int>'."""
    return ("an " if type_name[:1] in ("a", "e", "i", "o", "u") else "a ") + type_name


class UnfitText(ValueError):
    """Text no type can take (a lone surrogate), or a number no store can hold (beyond 64 bits):
    unlike "'x' is not an integer", the message itself is what the person needs to read."""


def parse_typed(text: str, type_name: str) -> Any:
    """``text`` as the named type (others stay text); ValueError says what does not fit.

    Text with a lone surrogate is refused whatever the type (no file or server can hold it);
    integers must be 64-bit, as the model and Neo4j require, and are refused by their length
    before Python parses them (it refuses more than 4,300 digits with an error of its own).
    """
    surrogate = surrogate_problem(text)
    if surrogate:
        raise UnfitText(surrogate)
    if type_name in INTEGER_NAMES:
        return _integer(text)
    if type_name in FLOAT_NAMES:
        try:
            return float(text.strip())
        except ValueError:
            raise ValueError(f"{shown(text)} is not a number") from None
    if type_name == "boolean":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise ValueError(f"{shown(text)} is not true or false")
        return lowered == "true"
    parse = TEMPORAL_PARSERS.get(type_name)
    if parse is not None:
        try:
            return parse(text)
        except CypherError as exc:  # "cannot parse 'x' as a date", "invalid month 13"
            raise ValueError(f"{shown(text)} is not a {type_name} in ISO 8601 ({exc})") from None
    return text


def _integer(text: str) -> int:
    digits = text.strip().lstrip("+-").lstrip("0_")
    if len(digits) > len(str(INT_MAX)) + digits.count("_"):
        raise UnfitText(f"{shown(text)} is outside the 64-bit integers relgraph stores "
                         f"({INT_MIN} to {INT_MAX})")
    try:
        value = int(text.strip())
    except ValueError:
        raise ValueError(f"{shown(text)} is not an integer") from None
    if not INT_MIN <= value <= INT_MAX:
        raise UnfitText(f"{shown(text)} is outside the 64-bit integers relgraph stores "
                         f"({INT_MIN} to {INT_MAX})")
    return value


def shown(text: str, limit: int = 60) -> str:
    """``text`` for a message: quoted, and cut short when long (a 5,000-digit number...)."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}... ({len(text):,} characters)"
