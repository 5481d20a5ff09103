"""The body of a snapshot file: the graph as MessagePack sections, and the checks on the way in.

MessagePack, not pickle: decoding it builds only lists, maps, strings, numbers and the
extension values registered below, so a crafted file cannot run code the way a pickle
can. Its C decoder keeps loading about as fast as pickle's (figures in the commit that
introduced it), where JSON would need a Python hook for every temporal value.

The body is three sections, each an 8-byte big-endian length and then MessagePack data,
so that a later reader can skip to the relationships, or open them lazily:

* graph: ``[next_node_id, next_rel_id, node_count, relationship_count]``
* nodes: columns ``[ids, labels, properties]``, one entry per node, in the graph's node order
* relationships: columns ``[ids, starts, ends, types, properties]``, in the graph's
  adjacency order, so a loaded graph lists neighbours as the saved one did

Property values are what the engine stores: booleans, integers (beyond 64 bits as an
extension, since MessagePack stops there), floats with NaN and infinities, strings (lone
surrogates kept), Cypher's temporal values and points as extensions, and flat lists of these. The
decoder checks the type of every field and the references between them (endpoints exist,
ids are unique and below the next id), so a well-formed body with a valid checksum but a
crafted structure is refused here with a message, never met later deep in the engine.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Iterable
from itertools import chain
from typing import TYPE_CHECKING, Any

import msgpack

from relgraph.graph.values.spatial import CRS_NAMES, Point
from relgraph.graph.values.temporal import (
    NANOS_PER_DAY,
    NANOS_PER_SECOND,
    Date,
    DateTime,
    Duration,
    LocalDateTime,
    LocalTime,
    TemporalValue,
    Time,
    zone_info,
)

if TYPE_CHECKING:
    import networkx as nx

SECTIONS = ("graph", "nodes", "relationships")
NODE_COLUMNS = ("id", "labels", "properties")
REL_COLUMNS = ("id", "start", "end", "type", "properties")
LENGTH_SIZE = 8
#: Offsets beyond what any zone has ever used (Neo4j's limit is +-18 hours).
MAX_OFFSET = 18 * 3600
INT64 = (-(2**63), 2**64 - 1)  # what MessagePack holds natively (signed and unsigned)

#: Extension codes, one per value type MessagePack has no type for. Never reuse a number.
EXT_DATE, EXT_LOCAL_TIME, EXT_TIME, EXT_LOCAL_DATETIME, EXT_DATETIME, EXT_DURATION, EXT_BIG_INT = range(1, 8)
EXT_POINT = 8  # [srid, x, y(, z)]


class BodyError(ValueError):
    """What is wrong with a body; the snapshot module adds the file's name."""


# --- encoding ---------------------------------------------------------------------------------


def _temporal_fields(value: TemporalValue) -> tuple[int, list[Any]]:
    if isinstance(value, Date):
        return EXT_DATE, [value.epoch_day]
    if isinstance(value, LocalTime):
        return EXT_LOCAL_TIME, [value.nanos]
    if isinstance(value, Time):
        return EXT_TIME, [value.nanos, value.offset]
    if isinstance(value, LocalDateTime):
        return EXT_LOCAL_DATETIME, [value.epoch_day, value.nanos]
    if isinstance(value, DateTime):
        return EXT_DATETIME, [value.epoch_day, value.nanos, value.offset, value.zone]
    if isinstance(value, Duration):
        return EXT_DURATION, [value.months, value.days, value.seconds, value.nanos]
    raise TypeError(f"cannot store a {type(value).__name__} in a snapshot")


def _default(value: Any) -> msgpack.ExtType:
    """Called by the packer for what MessagePack has no type of its own for."""
    if isinstance(value, int) and not isinstance(value, bool):  # beyond 64 bits
        size = (value.bit_length() + 8) // 8
        return msgpack.ExtType(EXT_BIG_INT, value.to_bytes(size, "big", signed=True))
    if isinstance(value, TemporalValue):
        code, fields = _temporal_fields(value)
        return msgpack.ExtType(code, _packer().pack(fields))
    if isinstance(value, Point):
        return msgpack.ExtType(EXT_POINT, _packer().pack([value.srid, *value.coords]))
    raise TypeError(f"cannot store a {type(value).__name__} in a snapshot")


def _packer() -> msgpack.Packer:
    return msgpack.Packer(default=_default, use_bin_type=True, unicode_errors="surrogatepass")


def pack_value(value: Any) -> bytes:
    """One value (a property map, a list of labels...) as MessagePack, as the snapshot holds it;
    the SQLite store (:mod:`.sqlite_graph`) keeps its rows' properties this way too."""
    packed: bytes = msgpack.packb(value, default=_default, use_bin_type=True, unicode_errors="surrogatepass")
    return packed


def unpack_value(data: bytes | memoryview) -> Any:
    """The value :func:`pack_value` wrote; BodyError for anything else (never runs code)."""
    return _unpack(data)


def encode_sections(g: nx.MultiDiGraph[int]) -> list[bytes]:
    """The three sections of ``g``, each with its length in front."""
    node_data: dict[int, dict[str, Any]] = g._node  # type: ignore[attr-defined]
    succ: dict[int, dict[int, dict[int, dict[str, Any]]]] = g._succ  # type: ignore[attr-defined]
    nodes: list[list[Any]] = [list(node_data), [d["labels"] for d in node_data.values()],
                              [d["properties"] for d in node_data.values()]]
    rels: list[list[Any]] = [[], [], [], [], []]
    rids, starts, ends, types, props = rels
    for u, neighbours in succ.items():
        for v, keyed in neighbours.items():
            for rid, data in keyed.items():
                rids.append(rid)
                starts.append(u)
                ends.append(v)
                types.append(data["type"])
                props.append(data["properties"])
    meta = [g.graph.get("next_node_id", 0), g.graph.get("next_rel_id", 0), len(node_data), len(rids)]
    packer = _packer()
    out: list[bytes] = []
    for part in (meta, nodes, rels):
        packed = packer.pack(part)
        out += (len(packed).to_bytes(LENGTH_SIZE, "big"), packed)
    return out


# --- decoding ---------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return type(value) is int


def _ints(fields: Any, count: int, what: str) -> list[int]:
    if not (isinstance(fields, list) and len(fields) == count and all(_is_int(f) for f in fields)):
        raise BodyError(f"a {what} value is not {count} integers")
    return fields


def _time_of_day(nanos: int, what: str) -> int:
    if not 0 <= nanos < NANOS_PER_DAY:
        raise BodyError(f"a {what} value has a time of day out of range")
    return nanos


def _offset(seconds: int, what: str) -> int:
    if not -MAX_OFFSET <= seconds <= MAX_OFFSET:
        raise BodyError(f"a {what} value has an offset out of range")
    return seconds


def _zone(zone: Any) -> str | None:
    if zone is None:
        return None
    if not isinstance(zone, str):
        raise BodyError("a datetime value has a zone that is not text")
    try:
        zone_info(zone)
    except Exception:  # whatever zoneinfo raises for a name it cannot find
        raise BodyError(f"a datetime value names an unknown time zone {zone[:40]!r}") from None
    return zone


def _temporal(code: int, fields: Any) -> TemporalValue:
    """The temporal value of extension ``code``, its fields checked as the encoder writes them."""
    if code == EXT_DATE:
        (day,) = _ints(fields, 1, "date")
        return Date(day)
    if code == EXT_LOCAL_TIME:
        (nanos,) = _ints(fields, 1, "localtime")
        return LocalTime(_time_of_day(nanos, "localtime"))
    if code == EXT_TIME:
        nanos, offset = _ints(fields, 2, "time")
        return Time(_time_of_day(nanos, "time"), _offset(offset, "time"))
    if code == EXT_LOCAL_DATETIME:
        day, nanos = _ints(fields, 2, "localdatetime")
        return LocalDateTime(day, _time_of_day(nanos, "localdatetime"))
    if code == EXT_DATETIME:
        if not (isinstance(fields, list) and len(fields) == 4):
            raise BodyError("a datetime value is not 4 fields")
        day, nanos, offset = _ints(fields[:3], 3, "datetime")
        return DateTime(day, _time_of_day(nanos, "datetime"), _offset(offset, "datetime"), _zone(fields[3]))
    if code == EXT_DURATION:
        months, days, seconds, nanos = _ints(fields, 4, "duration")
        if not 0 <= nanos < NANOS_PER_SECOND:
            raise BodyError("a duration value has nanoseconds out of range")
        return Duration(months, days, seconds, nanos)
    raise BodyError(f"unknown value type {code}")


def _point(fields: Any) -> Point:
    """A point as the encoder writes it: a known SRID, then two or three float coordinates
    (three exactly for the 3D reference systems)."""
    if not (isinstance(fields, list) and fields and _is_int(fields[0]) and fields[0] in CRS_NAMES
            and len(fields) == (4 if fields[0] in (4979, 9157) else 3)
            and all(type(c) is float for c in fields[1:])):
        raise BodyError("a point value is not a known SRID and its coordinates")
    return Point(fields[0], tuple(fields[1:]))


def _ext_hook(code: int, data: bytes) -> Any:
    if code == EXT_BIG_INT:
        value = int.from_bytes(data, "big", signed=True)
        if INT64[0] <= value <= INT64[1] or not data:
            raise BodyError("a big integer that is not big")  # the encoder never writes these
        return value
    if code == EXT_POINT:
        return _point(_unpack(data))
    if not EXT_DATE <= code <= EXT_DURATION:
        raise BodyError(f"unknown value type {code}")
    return _temporal(code, _unpack(data))


def _unpack(data: bytes | memoryview) -> Any:
    """One MessagePack document, nothing after it; every error a BodyError."""
    try:
        return msgpack.unpackb(data, ext_hook=_ext_hook, raw=False, strict_map_key=True,
                               unicode_errors="surrogatepass", use_list=True)
    except BodyError:
        raise
    except Exception as exc:  # msgpack's own errors (extra data, bad type byte, limits, recursion)
        raise BodyError(f"unreadable data ({type(exc).__name__}: {exc})") from None


_SCALARS = (bool, int, float, str)
_TEMPORAL_TYPES = (Date, LocalTime, Time, LocalDateTime, DateTime, Duration)
_VALUE_TYPES = frozenset((*_SCALARS, *_TEMPORAL_TYPES, Point, list))
_ITEM_TYPES = frozenset((*_SCALARS, *_TEMPORAL_TYPES, Point))


def _types(items: Iterable[Any]) -> set[type]:
    return set(map(type, items))


def _list_problem(value: list[Any]) -> bool:
    kinds = {float if type(item) is int else type(item) for item in value}  # 1 and 1.0 mix
    return len(kinds) > 1 or not kinds <= _ITEM_TYPES


def property_problem(props: Any) -> str | None:
    """What is wrong with one entity's properties (the slow path, to name the culprit)."""
    if type(props) is not dict:
        return "properties that are not a map"
    for key, value in props.items():
        if type(key) is not str:
            return "a property name that is not text"
        if type(value) not in _VALUE_TYPES or (type(value) is list and _list_problem(value)):
            return f"property {key!r} of a type the store cannot hold"
    return None


def _check_properties(maps: list[Any], ids: list[int], what: str) -> None:
    """Every entity's properties, checked in bulk; the loop that names one runs only on failure."""
    ok = _types(maps) <= {dict}
    if ok:
        ok = _types(chain.from_iterable(maps)) <= {str}
    if ok:
        kinds = _types(chain.from_iterable(map(dict.values, maps)))
        ok = kinds <= _VALUE_TYPES
        if ok and list in kinds:
            values = chain.from_iterable(map(dict.values, maps))
            ok = not any(_list_problem(v) for v in values if type(v) is list)
    if ok:
        return
    for entity, props in zip(ids, maps):
        problem = property_problem(props)
        if problem:
            raise BodyError(f"{what} {entity} has {problem}")
    raise AssertionError("a property problem that no entity has")  # pragma: no cover


def _check_ids(ids: Any, below: int, what: str) -> list[int]:
    if type(ids) is not list or not _types(ids) <= {int}:
        raise BodyError(f"the {what} ids are not integers")
    if ids and (min(ids) < 0 or max(ids) >= below):
        raise BodyError(f"a {what} id is not between 0 and {below - 1}")
    if len(set(ids)) != len(ids):
        raise BodyError(f"two {what}s have the same id")
    return ids


def _columns(section: Any, names: tuple[str, ...], count: int, what: str) -> list[list[Any]]:
    if not (type(section) is list and len(section) == len(names)
            and all(type(column) is list and len(column) == count for column in section)):
        raise BodyError(f"the {what}s section does not hold {count} {what}s "
                        f"({', '.join(names)})")
    return section


def _check_labels(ids: list[int], labels: list[Any]) -> None:
    if (_types(labels) <= {list} and _types(chain.from_iterable(labels)) <= {str}
            and sum(map(len, labels)) == sum(map(len, map(set, labels)))):
        return
    for nid, names in zip(ids, labels):
        if type(names) is not list or _types(names) - {str} or len(set(names)) != len(names):
            raise BodyError(f"node {nid} has labels that are not a list of distinct texts")


def _sections(body: memoryview) -> list[memoryview]:
    parts = []
    at = 0
    for name in SECTIONS:
        size = int.from_bytes(body[at:at + LENGTH_SIZE], "big")
        start = at + LENGTH_SIZE
        if start > len(body) or size > len(body) - start:
            raise BodyError(f"the {name} section is truncated")
        parts.append(body[start:start + size])
        at = start + size
    if at != len(body):
        raise BodyError("data after the last section")
    return parts


def decode_body(body: memoryview) -> nx.MultiDiGraph[int]:
    """The graph a body holds, checked field by field; BodyError says what is wrong.

    The checks run over whole columns (the types of all ids, of all property values...)
    rather than entity by entity, and the loop that names the culprit only after one
    failed, which keeps them a small part of the load; the collector is paused meanwhile,
    since it would otherwise walk the growing graph again and again for nothing.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        return _decode(body)
    finally:
        if paused:
            gc.enable()


def _decode(body: memoryview) -> nx.MultiDiGraph[int]:
    meta_part, node_part, rel_part = _sections(body)
    meta = _unpack(meta_part)
    if not (type(meta) is list and len(meta) == 4 and all(_is_int(m) and m >= 0 for m in meta)):
        raise BodyError("the graph section is not four counts")
    next_node, next_rel, node_count, rel_count = meta
    ids, labels, node_props = _columns(_unpack(node_part), NODE_COLUMNS, node_count, "node")
    rids, starts, ends, types, rel_props = _columns(_unpack(rel_part), REL_COLUMNS, rel_count,
                                                    "relationship")
    _check_ids(ids, next_node, "node")
    _check_labels(ids, labels)
    _check_properties(node_props, ids, "node")
    _check_ids(rids, next_rel, "relationship")
    known = set(ids)
    if not (_types(starts) <= {int} and _types(ends) <= {int}
            and known.issuperset(starts) and known.issuperset(ends)):
        raise BodyError("a relationship has an end that is not a node")
    if not _types(types) <= {str}:
        raise BodyError("a relationship has a type that is not text")
    _check_properties(rel_props, rids, "relationship")

    import networkx as nx  # here only: opening the SQLite store does not pay for it

    g: nx.MultiDiGraph[int] = nx.MultiDiGraph()
    g.graph.update(next_node_id=next_node, next_rel_id=next_rel)
    # Filled directly, as unpickling did: add_node/add_edge would cost more than the decoding.
    node_data: dict[int, dict[str, Any]] = g._node  # type: ignore[attr-defined]
    succ: dict[int, dict[int, dict[int, dict[str, Any]]]] = g._succ  # type: ignore[attr-defined]
    pred: dict[int, dict[int, dict[int, dict[str, Any]]]] = g._pred  # type: ignore[attr-defined]
    node_data.update(zip(ids, [{"labels": ls, "properties": ps} for ls, ps in zip(labels, node_props)]))
    succ.update({nid: {} for nid in ids})
    pred.update({nid: {} for nid in ids})
    for rid, u, v, rel_type, props in zip(rids, starts, ends, map(sys.intern, types), rel_props):
        keyed = succ[u].get(v)
        if keyed is None:
            keyed = succ[u][v] = pred[v][u] = {}
        keyed[rid] = {"type": rel_type, "properties": props}
    return g
