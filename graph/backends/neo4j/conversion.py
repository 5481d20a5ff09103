"""The driver's values as relgraph's, and back: why both backends return equal objects.

Every value leaving the Neo4j backend is converted into
:mod:`relgraph.graph.values.entities` / :mod:`relgraph.graph.values.result` (nested
lists and maps included, Neo4j temporals as Cypher's temporal values, see
:func:`native_value`), and a relationship always carries complete endpoint nodes,
even when the query returned only the relationship: the embedded engine does, and
code written against one backend must run unchanged on the other. Parameters go the
other way (:func:`driver_value`), so a value read from a result can be passed back.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import fields
from typing import Any

import neo4j
import neo4j.graph
import neo4j.spatial
import neo4j.time
import pytz  # the driver's own time zone library (a dependency of neo4j)

from relgraph.graph.values import temporal
from relgraph.graph.values.entities import Node, Path, Relationship
from relgraph.graph.values.result import Counters, Notification, Position
from relgraph.graph.values.spatial import Point

#: Element ids per query when reading the endpoint nodes a result lacks.
FETCH_IDS = 5000


def native_value(value: Any) -> Any:
    """A property or scalar value as the embedded backend would return it.

    Neo4j's temporal values become the embedded engine's (``relgraph.graph.values.temporal``:
    Date, LocalTime, Time, LocalDateTime, DateTime, Duration), so both backends return equal
    objects that print alike. Python's ``datetime`` could not stand in: it has no month-based
    duration, no nanoseconds and no years beyond 9999, and its text form is not Cypher's.
    Spatial points become :class:`relgraph.graph.values.spatial.Point` the same way.
    """
    if isinstance(value, _NEO4J_TEMPORAL):
        return _engine_temporal(value)
    if isinstance(value, neo4j.spatial.Point):
        return Point(value.srid or 0, tuple(float(c) for c in value))
    if isinstance(value, list):
        return [native_value(v) for v in value]
    if isinstance(value, dict):
        return {k: native_value(v) for k, v in value.items()}
    return value


_NEO4J_TEMPORAL = (neo4j.time.Date, neo4j.time.DateTime, neo4j.time.Time, neo4j.time.Duration)


def _nanos_of_day(value: neo4j.time.DateTime | neo4j.time.Time) -> int:
    return temporal.nanos_of_day(value.hour, value.minute, int(value.second), value.nanosecond)


def _offset_and_zone(value: neo4j.time.DateTime | neo4j.time.Time) -> tuple[int, str | None]:
    """Seconds east of UTC, and the zone's name when Neo4j sent one (``[Europe/Stockholm]``).

    The driver gives offsets as pytz fixed offsets, whose zone is None, and named zones as
    pytz or zoneinfo zones; except that pytz makes the offset +00:00 the named zone UTC, so
    ``...Z`` and ``...Z[UTC]`` cannot be told apart: both come back as the offset, the far
    more common of the two. For a named zone the driver works out the local time from the
    instant with its own zone data, which rounds the local mean time offsets before ~1900 to
    whole minutes (Stockholm 1818: +00:53 where Neo4j says +00:53:28).
    """
    offset = value.utcoffset()
    seconds = int(offset.total_seconds()) if offset is not None else 0
    zone = getattr(value.tzinfo, "key", None) or getattr(value.tzinfo, "zone", None)
    return seconds, (None if zone == "UTC" else zone)


def _engine_temporal(value: Any) -> temporal.TemporalValue:
    """One driver temporal value as the embedded engine's, losslessly (nanoseconds included)."""
    if isinstance(value, neo4j.time.Duration):
        return temporal.Duration(value.months, value.days, value.seconds, value.nanoseconds)
    if isinstance(value, neo4j.time.Time):
        if value.tzinfo is None:
            return temporal.LocalTime(_nanos_of_day(value))
        return temporal.Time(_nanos_of_day(value), _offset_and_zone(value)[0])
    day = temporal.days_from_civil(value.year, value.month, value.day)
    if isinstance(value, neo4j.time.Date):
        return temporal.Date(day)
    if value.tzinfo is None:
        return temporal.LocalDateTime(day, _nanos_of_day(value))
    return temporal.DateTime(day, _nanos_of_day(value), *_offset_and_zone(value))


def driver_value(value: Any) -> Any:
    """A parameter value for the driver: the engine's temporal values (as results of either
    backend hold them) become the driver's, so a value read from a result can be passed back."""
    if isinstance(value, temporal.TemporalValue):
        return _driver_temporal(value)
    if isinstance(value, Point):
        kind = neo4j.spatial.WGS84Point if value.geographic else neo4j.spatial.CartesianPoint
        return kind(value.coords)
    if isinstance(value, (list, tuple)):
        return [driver_value(v) for v in value]
    if isinstance(value, dict):
        return {k: driver_value(v) for k, v in value.items()}
    return value


def _driver_temporal(value: temporal.TemporalValue) -> Any:
    if isinstance(value, temporal.Duration):
        return neo4j.time.Duration(months=value.months, days=value.days, seconds=value.seconds,
                                   nanoseconds=value.nanos)
    if isinstance(value, temporal.Date):
        return neo4j.time.Date(*temporal.civil_from_days(value.epoch_day))
    if isinstance(value, (temporal.LocalTime, temporal.Time)):
        hour, rest = divmod(value.nanos, 3600 * temporal.NANOS_PER_SECOND)
        minute, rest = divmod(rest, 60 * temporal.NANOS_PER_SECOND)
        second, nanos = divmod(rest, temporal.NANOS_PER_SECOND)
        tz = _fixed_zone(value.offset) if isinstance(value, temporal.Time) else None
        return neo4j.time.Time(hour, minute, second, nanos, tzinfo=tz)
    assert isinstance(value, (temporal.LocalDateTime, temporal.DateTime))
    if isinstance(value, temporal.DateTime) and value.zone is not None:
        # From the instant, which is exact, into pytz's zone: the driver sends the instant and
        # the zone's name (a zoneinfo zone crashes the driver's conversion to UTC).
        utc = _driver_datetime(*divmod(value.epoch_nanos(), temporal.NANOS_PER_DAY), pytz.utc)
        return utc.astimezone(pytz.timezone(value.zone))
    offset = _fixed_zone(value.offset) if isinstance(value, temporal.DateTime) else None
    return _driver_datetime(value.epoch_day, value.nanos, offset)


def _driver_datetime(epoch_day: int, nanos: int, tz: datetime.tzinfo | None) -> neo4j.time.DateTime:
    time_of_day = _driver_temporal(temporal.LocalTime(nanos))
    return neo4j.time.DateTime.combine(neo4j.time.Date(*temporal.civil_from_days(epoch_day)),
                                       time_of_day).replace(tzinfo=tz)


class _FixedOffset(datetime.tzinfo):
    """A fixed offset in whole seconds that also answers for a time of day.

    ``datetime.timezone`` refuses ``utcoffset(time)``, which the driver asks when it sends
    a Time, and pytz's fixed offsets have whole minutes only (Cypher's have seconds).
    """

    def __init__(self, seconds: int):
        self._offset = datetime.timedelta(seconds=seconds)

    def utcoffset(self, dt: object) -> datetime.timedelta:
        return self._offset

    def dst(self, dt: object) -> datetime.timedelta:
        return datetime.timedelta(0)

    def tzname(self, dt: object) -> str | None:
        return None


def _fixed_zone(offset_seconds: int) -> datetime.tzinfo:
    return _FixedOffset(offset_seconds)


class ResultConverter:
    """Turns the values of one result into shared types, completing relationship endpoints.

    A driver relationship returned without its nodes knows only their element ids;
    :meth:`scan` notes which nodes the result carries in full and which endpoints it
    lacks, :meth:`fetch_missing` reads those in the same transaction, and
    :meth:`convert` then builds values whose relationships have real endpoint nodes.
    """

    def __init__(self, key_labels: frozenset[str] = frozenset()) -> None:
        """``key_labels``: the labels with a uniqueness constraint on ``key``, the ones loads
        merge on. Neo4j keeps no label order, so those come first in a node's labels (then
        the rest, each group sorted): a loaded node's primary label is first again."""
        self.nodes: dict[str, Node] = {}
        self._wanted: set[str] = set()
        self.key_labels = key_labels

    def scan(self, value: Any) -> None:
        if isinstance(value, _NEO4J_TEMPORAL):
            return
        if isinstance(value, neo4j.graph.Node):
            if value.element_id not in self.nodes:
                self.nodes[value.element_id] = self._node(value)
        elif isinstance(value, neo4j.graph.Relationship):
            for end in (value.start_node, value.end_node):
                if end is not None:
                    self._wanted.add(end.element_id)
        elif isinstance(value, neo4j.graph.Path):
            for node in value.nodes:
                self.scan(node)
        elif isinstance(value, (list, tuple)):
            for item in value:
                self.scan(item)
        elif isinstance(value, dict):
            for item in value.values():
                self.scan(item)

    def fetch_missing(self, tx: Any) -> None:
        self.read_nodes(tx, sorted(self._wanted - self.nodes.keys()))

    def read_nodes(self, tx: Any, element_ids: list[str]) -> None:
        """Read these nodes in full, in chunks of FETCH_IDS ids; they join :attr:`nodes`."""
        for start in range(0, len(element_ids), FETCH_IDS):
            chunk = element_ids[start:start + FETCH_IDS]
            for record in tx.run("MATCH (n) WHERE elementId(n) IN $ids RETURN n", ids=list(chunk)):
                self.scan(record[0])

    def convert(self, value: Any) -> Any:
        if isinstance(value, _NEO4J_TEMPORAL):  # before tuples: a driver Duration is one
            return _engine_temporal(value)
        if isinstance(value, neo4j.spatial.Point):  # so is a point
            return native_value(value)
        if isinstance(value, neo4j.graph.Node):
            return self.nodes.get(value.element_id) or self._node(value)
        if isinstance(value, neo4j.graph.Relationship):
            return self._relationship(value)
        if isinstance(value, neo4j.graph.Path):
            return Path([self.convert(n) for n in value.nodes],
                        [self._relationship(r) for r in value.relationships])
        if isinstance(value, (list, tuple)):
            return [self.convert(v) for v in value]
        if isinstance(value, dict):
            return {k: self.convert(v) for k, v in value.items()}
        return native_value(value)

    def _node(self, node: neo4j.graph.Node) -> Node:
        labels = sorted(node.labels, key=lambda label: (label not in self.key_labels, label))
        return Node(node.element_id, labels,
                    {k: native_value(v) for k, v in node.items()})

    def _endpoint(self, node: neo4j.graph.Node | None) -> Node:
        if node is None:  # pragma: no cover - the driver always binds endpoints
            return Node("", (), {})
        # A node the transaction deleted cannot be read back: keep its id, nothing else.
        return self.nodes.get(node.element_id) or Node(node.element_id, (), {})

    def _relationship(self, rel: neo4j.graph.Relationship) -> Relationship:
        return Relationship(rel.element_id, rel.type, self._endpoint(rel.start_node),
                            self._endpoint(rel.end_node),
                            {k: native_value(v) for k, v in rel.items()})


def from_driver(values: Sequence[Any]) -> list[Any]:
    """Driver values as relgraph's types, outside a transaction (tools that use the driver
    directly, like the TCK's Neo4j target). A relationship whose endpoint node is not among
    ``values`` gets a node with that element id and nothing else; inside a transaction the
    store reads such endpoints in full instead."""
    converter = ResultConverter()
    converter.scan(list(values))
    return [converter.convert(v) for v in values]


def counters_of(driver_counters: Any) -> Counters:
    return Counters(**{f.name: getattr(driver_counters, f.name, 0) for f in fields(Counters)})


def notifications_of(summary: neo4j.ResultSummary) -> list[Notification]:
    """The server's notifications, as the shared :class:`Notification`.

    Read from the summary's raw metadata, which carries both the GQL statuses of Bolt 5.5+
    (``statuses``, where a notification is a status with a ``neo4j_code``) and the older
    ``notifications`` list: either way the classic code and title that scripts match on
    are there, which the driver's non-deprecated ``gql_status_objects`` leave out."""
    metadata = summary.metadata or {}
    out = []
    for status in metadata.get("statuses") or ():
        if not isinstance(status, dict) or not status.get("neo4j_code"):
            continue
        record = status.get("diagnostic_record") or {}
        out.append(Notification(str(status["neo4j_code"]), str(status.get("title") or ""),
                                str(status.get("description") or status.get("status_description") or ""),
                                str(record.get("_severity") or "WARNING"),
                                record.get("_classification"), _position(record.get("_position"))))
    if out or "statuses" in metadata:
        return out
    for note in metadata.get("notifications") or ():
        if isinstance(note, dict) and note.get("code"):
            out.append(Notification(str(note["code"]), str(note.get("title") or ""),
                                    str(note.get("description") or ""),
                                    str(note.get("severity") or "WARNING"), note.get("category"),
                                    _position(note.get("position"))))
    return out


def _position(raw: Any) -> Position | None:
    if not isinstance(raw, dict):
        return None
    try:
        return Position(int(raw["offset"]), int(raw["line"]), int(raw["column"]))
    except (KeyError, TypeError, ValueError):
        return None
