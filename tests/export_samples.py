"""Sample graphs and comparisons shared by the export, round-trip and APOC tests.

``awkward_batch`` holds what exports get wrong: lists of every item type and empty
lists, ISO dates, floats that print oddly, integers beyond 32 bits, unicode,
empty strings, text with commas, quotes, XML specials, tabs and line breaks, a
property with values of different types on different nodes, several labels, and
parallel relationships of one type between the same nodes.

``set_temporals`` adds what only Cypher can set: a value of each temporal type (and a
list of dates) on one node and one relationship, the way the audit found them lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from relgraph.graph.store import GraphStore
from relgraph.graph.values.entities import Node, Relationship
from relgraph.graph.values.model import (
    GraphBatch,
    NodeKey,
    NodeSpec,
    RelSpec,
)
from relgraph.graph.values.subgraph import Subgraph
from relgraph.graph.values.temporal import TemporalValue

LEADER = {
    "key": "islam-karimov",
    "name": "Islam “Karimov”, <&> 'Jr.'",
    "aliases": ["Karimov", "Каримов", "a,b", 'quote"d', "Ислам Каримов"],
    "year": 1938,
    "height": 1.75,
    "ratio": 1e-7,
    "huge": 1.5e300,
    "whole": 2.0,
    "negative": -3,
    "valueUsd": 7_700_000_000,
    "active": True,
    "retired": False,
    "empty": "",
    "date": "1991-12-08",
    "month": "1991-12",
    "nums": [1, 2, 3],
    "floats": [0.5, 2.0, -1.25],
    "flags": [True, False],
    "nothing": [],
    "multiline": "line one\nline two\tand a tab\r\nend",
    "padded": "  spaced  ",
}


def awkward_batch() -> GraphBatch:
    batch = GraphBatch(source="awkward sample")
    batch.nodes = [
        NodeSpec(["Person", "Leader"], dict(LEADER)),
        NodeSpec(["City"], {"key": "tashkent", "name": "Tashkent", "scope": "Central Asia",
                            "population": 2_956_384, "aliases": ["Toshkent"]}),
        NodeSpec(["City"], {"key": "seoul", "name": "서울 Seoul", "scope": ["East Asia", "Korea"],
                            "aliases": []}),
        NodeSpec(["Event", "Visit"], {"key": "visit-1992", "name": "State visit (1992)", "year": 1992,
                                      "date": "1992-06", "datePrecision": "month"}),
        NodeSpec(["Institution", "Company"], {"key": "o'brien & co", "name": "O'Brien & Co; Ltd."}),
    ]
    karimov, visit = NodeKey("Person", "islam-karimov"), NodeKey("Event", "visit-1992")
    seoul, tashkent = NodeKey("City", "seoul"), NodeKey("City", "tashkent")
    company = NodeKey("Institution", "o'brien & co")
    batch.relationships = [
        RelSpec("MADE_VISIT", karimov, visit, {"key": "made-visit", "years": [1992, 1993], "weight": 0.5}),
        RelSpec("SISTER_CITY_OF", seoul, tashkent, {"key": "sister-1", "year": 2010, "note": ""}),
        RelSpec("SISTER_CITY_OF", seoul, tashkent, {"key": "sister-2", "year": 2010, "note": "renewed"}),
        RelSpec("SISTER_CITY_OF", tashkent, seoul, {"key": "sister-back", "year": 2010}),
        RelSpec("TOOK_PLACE_IN", visit, seoul, {"key": "took-place", "quote": "He visited “Seoul”, twice."}),
        RelSpec("LOCATED_IN", company, tashkent, {"key": "located", "since": "2001-03-01",
                                                  "sectors": ["trade", "Торговля"], "share": 12.5}),
    ]
    batch.validate()
    return batch


#: property -> (the Cypher that sets it, the ISO text that Cypher prints for it and that the
#: text formats write). One of each temporal type, nanoseconds, an offset with a named zone,
#: a date far from today, and a list.
TEMPORALS = {
    "founded": ("date('1394-10-28')", "1394-10-28"),
    "opens": ("localtime('09:00:00.123456789')", "09:00:00.123456789"),
    "closes": ("time('18:30:05+09:00')", "18:30:05+09:00"),
    "built": ("localdatetime('1394-10-28T12:00')", "1394-10-28T12:00"),
    "signed": ("datetime('2024-06-14T09:30:15.5+05:00')", "2024-06-14T09:30:15.500+05:00"),
    "zoned": ("datetime('2024-06-14T09:30[Asia/Tashkent]')", "2024-06-14T09:30+05:00[Asia/Tashkent]"),
    "lasted": ("duration('P1Y2M3DT4H5M6.7S')", "P1Y2M3DT4H5M6.7S"),
    "visits": ("[date('1992-06-19'), date('2019-04-19')]", ["1992-06-19", "2019-04-19"]),
}
#: Where set_temporals puts them in the awkward sample.
TEMPORAL_NODE, TEMPORAL_REL = "tashkent", "located"


def set_temporals(store: GraphStore) -> None:
    """Every value of TEMPORALS on a node and a relationship of the awkward sample, through
    Cypher ``SET`` as a user would (the model of a curated source has no temporal values)."""
    values = "{" + ", ".join(f"{name}: {cypher}" for name, (cypher, _) in TEMPORALS.items()) + "}"
    store.run(f"MATCH (n {{key: '{TEMPORAL_NODE}'}}) SET n += {values}", write=True)
    store.run(f"MATCH ()-[r {{key: '{TEMPORAL_REL}'}}]->() SET r += {values}", write=True)


def typed(value: Any) -> Any:
    """A value with its type, so 1, 1.0 and True do not compare equal, nor a date and its text.

    A temporal value is compared by its ISO text: equal date-times in other zones are equal
    values in Cypher, but not the same value back from an export.
    """
    if isinstance(value, (list, tuple)):
        return ("list", tuple(typed(v) for v in value))
    if isinstance(value, TemporalValue):
        return (type(value).__name__, value.iso())
    return (type(value).__name__, value)


def typed_properties(properties: dict[str, Any]) -> tuple:
    return tuple(sorted((k, typed(v)) for k, v in properties.items()))


def graph_view(store: GraphStore) -> tuple[list, list]:
    """Everything that identifies the graph's content, with types, independent of element ids."""
    return content_view(store.nodes(), store.relationships())


def subgraph_view(subgraph: Subgraph) -> tuple[list, list]:
    """What ``graph_view`` gives for a store holding exactly ``subgraph``."""
    return content_view(subgraph.nodes, subgraph.relationships)


def content_view(nodes: Iterable[Node], relationships: Iterable[Relationship]) -> tuple[list, list]:
    """Labels and typed properties of each node; type, endpoint keys and typed properties of
    each relationship; sorted, so two stores compare by content whatever their element ids."""
    return (sorted((tuple(sorted(n.labels)), typed_properties(dict(n.items()))) for n in nodes),
            sorted((r.start_node["key"], r.type, r.end_node["key"], typed_properties(dict(r.items())))
                   for r in relationships))


def reversed_batch(batch: GraphBatch) -> GraphBatch:
    """The same data in the opposite order (other element ids, other insertion order)."""
    out = GraphBatch(source=batch.source)
    out.nodes = list(reversed(batch.nodes))
    out.relationships = list(reversed(batch.relationships))
    return out

