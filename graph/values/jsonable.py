"""Any value relgraph hands out, as plain JSON data: the one converter every JSON output uses.

Query results printed with ``--format json``, the properties a view or the explorer
shows, and the Python API's ``Result.data(json=True)`` all go through :func:`to_json`,
so a date or a node looks the same wherever it is written. File formats that must
refuse what they cannot hold (a NaN in GraphML) check values first
(:mod:`relgraph.graph.formats.types`) and use this for the rest.

What it does with each kind of value:

* ``str``, ``int``, ``bool``, ``None`` and finite floats stay as they are;
* NaN and the infinities, which JSON cannot hold, become the text ``"NaN"``,
  ``"Infinity"`` and ``"-Infinity"`` (as Java and Neo4j print them);
* dates, times and durations become their ISO 8601 text as Cypher prints it
  (Python's own ``date``/``datetime`` their ``isoformat()``);
* a node becomes ``{"labels": [...], "properties": {...}}``, a relationship
  ``{"type", "start", "end", "properties"}`` with its endpoints named by key (or
  element id when they have none), a path ``{"nodes": [...], "relationships": [...]}``.
  Element ids are left out on purpose: they differ between backends;
* lists and tuples become lists, mappings objects with text keys; anything else its
  ``str()``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from relgraph.graph.values.entities import Node, Path, Relationship
from relgraph.graph.values.temporal import TemporalValue

JSON = dict[str, Any] | list[Any] | str | int | float | bool | None


def to_json(value: Any) -> JSON:
    """``value`` as JSON data (see the module docstring for each kind)."""
    if value is None or isinstance(value, (str, bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else float_text(value)
    if isinstance(value, TemporalValue):
        return value.iso()
    if isinstance(value, Node):
        return {"labels": sorted(value.labels), "properties": properties_json(value)}
    if isinstance(value, Relationship):
        return {"type": value.type, "start": node_name(value.start_node),
                "end": node_name(value.end_node), "properties": properties_json(value)}
    if isinstance(value, Path):
        return {"nodes": [to_json(n) for n in value.nodes],
                "relationships": [to_json(r) for r in value.relationships]}
    if isinstance(value, Mapping):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    iso = getattr(value, "isoformat", None)  # Python's date, time and datetime
    if callable(iso):
        return str(iso())
    return str(value)


def properties_json(entity: Mapping[str, Any]) -> dict[str, JSON]:
    """A node's or relationship's properties as JSON, sorted by name."""
    return {name: to_json(entity[name]) for name in sorted(entity)}


def node_name(node: Node) -> JSON:
    """How JSON output names a relationship's endpoint: its key when it has one."""
    key = node.get("key")
    return key if isinstance(key, str) else node.element_id


def float_text(value: float) -> str:
    """NaN and the infinities as Java (and so Neo4j) prints them."""
    if math.isnan(value):
        return "NaN"
    return "Infinity" if value > 0 else "-Infinity"
