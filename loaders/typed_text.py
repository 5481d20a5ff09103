"""Reading typed values written as text, as CSV fields and GraphML data are.

Formats name their types differently (``long``, ``double``...); both readers map
them onto the kinds that need parsing, so the rules and messages are the same in
every format. Temporal types (neo4j-admin's ``date``, ``localtime``, ``time``,
``localdatetime``, ``datetime``, ``duration``) are parsed as Cypher's functions of
the same names parse text, into the embedded engine's temporal values; a time or
date-time without an offset is in UTC, neo4j-admin's default.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from relgraph.graph.values import temporal
from relgraph.graph.values.errors import CypherError

INTEGER_TYPES = frozenset({"int", "long", "short", "byte"})
NUMBER_TYPES = frozenset({"float", "double"})
#: type name -> parser of its ISO text (``localdate`` is an old name of ``date``)
TEMPORAL_PARSERS: dict[str, Callable[[str], temporal.TemporalValue]] = {
    "date": temporal.parse_date,
    "localdate": temporal.parse_date,
    "localtime": temporal.parse_local_time,
    "time": temporal.parse_time,
    "localdatetime": temporal.parse_local_datetime,
    "datetime": temporal.parse_datetime,
    "duration": temporal.parse_duration,
}
TEMPORAL_TYPES = frozenset(TEMPORAL_PARSERS)


def parse_typed(text: str, type_name: str) -> Any:
    """``text`` as the named type (others stay text); ValueError says what does not fit."""
    if type_name in INTEGER_TYPES:
        try:
            return int(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not an integer") from None
    if type_name in NUMBER_TYPES:
        try:
            return float(text.strip())
        except ValueError:
            raise ValueError(f"{text!r} is not a number") from None
    if type_name == "boolean":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise ValueError(f"{text!r} is not true or false")
        return lowered == "true"
    parse = TEMPORAL_PARSERS.get(type_name)
    if parse is not None:
        try:
            return parse(text)
        except CypherError as exc:  # "cannot parse 'x' as a date", "invalid month 13"
            raise ValueError(f"{text!r} is not a {type_name} in ISO 8601 ({exc})") from None
    return text
