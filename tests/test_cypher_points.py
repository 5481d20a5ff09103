"""Points on the embedded engine, each answer Neo4j 5.26's: ``point()`` from cartesian and
geographic maps, fields, text, equality and order, ``point.distance``, ``point.withinBBox``,
points as properties (kept in the snapshot file) and the errors Neo4j gives.

Every case runs on both backends (the embedded store and the real test server, whose points
the Neo4j backend turns into the same :class:`~relgraph.graph.values.spatial.Point`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgpack
import pytest

from relgraph.graph.backends.networkx_store import NetworkxStore
from relgraph.graph.backends.snapshot_codec import EXT_POINT, LENGTH_SIZE, BodyError, decode_body
from relgraph.graph.cypher.errors import CypherSemanticError
from relgraph.graph.export import export_bytes
from relgraph.graph.store import GraphStore
from relgraph.graph.values.errors import (
    CypherArgumentError,
    CypherError,
    CypherTypeError,
    ExportError,
    QueryError,
)
from relgraph.graph.values.spatial import Point
from relgraph.graph.values.subgraph import Subgraph
from relgraph.graph.values.temporal import Date, days_from_civil
from tests.test_cypher_syntax5 import rows, store, typed

__all__ = ["store"]  # the fixture, shared with the syntax tests

CASES: list[tuple[str, list[str], list[list[Any]]]] = [
    ("RETURN point({x: 1, y: 2}) AS a, point({x: 1, y: 2, z: 3}) AS b, point({longitude: 1, "
     "latitude: 2}) AS c, "
     "point({longitude: 1, latitude: 2, height: 3}) AS d, point({x: 1, y: 2, crs: 'WGS-84'}) AS e, "
     "point({x: 1, y: 2, srid: 9157, z: 0.5}) AS f", list("abcdef"),
     [[Point(7203, (1.0, 2.0)), Point(9157, (1.0, 2.0, 3.0)), Point(4326, (1.0, 2.0)),
       Point(4979, (1.0, 2.0, 3.0)), Point(4326, (1.0, 2.0)), Point(9157, (1.0, 2.0, 0.5))]]),
    # longitude wraps; unknown keys are ignored; x/y win over latitude; z over height
    ("RETURN point({longitude: 190, latitude: 5}) AS a, point({x: 1, y: 2, foo: 3}) AS b, "
     "point({x: 1, y: 2, latitude: 3}) AS c, point({longitude: 1, latitude: 2, height: 3, z: 4}) AS d",
     list("abcd"), [[Point(4326, (-170.0, 5.0)), Point(7203, (1.0, 2.0)), Point(7203, (1.0, 2.0)),
                     Point(4979, (1.0, 2.0, 4.0))]]),
    ("RETURN point(null) AS a, point({x: null, y: 1}) AS b, point({x: 1, y: 2, crs: null}) AS c, "
     "point({x: 1, y: 2, foo: null}) AS d", list("abcd"), [[None, None, None, None]]),
    # longitude wraps by whole turns into [-180, 180]; a cartesian point ignores a height
    ("RETURN point({longitude: 540, latitude: 0}) AS a, point({longitude: -540, latitude: 0}) AS b, "
     "point({longitude: 360, latitude: 0}) AS c, point({longitude: -190, latitude: 0}) AS d, "
     "point({x: 1, y: 2, height: 3}) AS e", list("abcde"),
     [[Point(4326, (180.0, 0.0)), Point(4326, (-180.0, 0.0)), Point(4326, (0.0, 0.0)),
       Point(4326, (170.0, 0.0)), Point(7203, (1.0, 2.0))]]),
    ("RETURN toString(point({x: 1, y: 2.5, crs: 'cartesian'})) AS a, toString(point({x: 1, y: 2, "
     "srid: 7203})) AS b, "
     "toString(point({longitude: 1, latitude: 2})) AS c, toString(point({x: 1, y: 2, z: 3})) AS d, "
     "toString(point({x: 1.5e20, y: -0.0})) AS e, toStringOrNull(point({x: 1, y: 2})) AS f",
     list("abcdef"), [["point({x: 1.0, y: 2.5, crs: 'cartesian'})", "point({x: 1.0, y: 2.0, "
                                                                    "crs: 'cartesian'})",
                       "point({x: 1.0, y: 2.0, crs: 'wgs-84'})", "point({x: 1.0, y: 2.0, z: 3.0, "
                                                                 "crs: 'cartesian-3d'})",
                       "point({x: 1.5E20, y: -0.0, crs: 'cartesian'})", "point({x: 1.0, y: 2.0, "
                                                                        "crs: 'cartesian'})"]]),
    ("WITH point({x: 1, y: 2, z: 3}) AS p RETURN p.x, p.y, p.z, p.crs, p.srid",
     ["p.x", "p.y", "p.z", "p.crs", "p.srid"], [[1.0, 2.0, 3.0, "cartesian-3d", 9157]]),
    ("WITH point({longitude: 1, latitude: 2, height: 3}) AS p "
     "RETURN p.x, p.y, p.z, p.longitude, p.latitude, p.height, p.crs, p.srid",
     ["p.x", "p.y", "p.z", "p.longitude", "p.latitude", "p.height", "p.crs", "p.srid"],
     [[1.0, 2.0, 3.0, 1.0, 2.0, 3.0, "wgs-84-3d", 4979]]),
    # equality by reference system and coordinates; no order for < and > (only an equal pair compares)
    ("RETURN point({x: 1, y: 2}) = point({x: 1.0, y: 2.0}) AS a, point({x: 1, y: 2}) = point({x: 1, "
     "y: 2, z: 0}) AS b, "
     "point({x: 1, y: 2}) = point({longitude: 1, latitude: 2}) AS c, point({x: 1, "
     "y: 2}) <> point({x: 2, y: 2}) AS d, "
     "point({x: 1, y: 2}) IN [point({x: 1, y: 2})] AS e", list("abcde"), [[True, False, False, True, True]]),
    ("RETURN point({x: 1, y: 2}) < point({x: 2, y: 2}) AS a, point({x: 1, y: 2}) <= point({x: 1, "
     "y: 2}) AS b, "
     "point({x: 0, y: 0}) < point({x: 1, y: 1}) AS c, point({x: 2, y: 2}) >= point({x: 1, y: 1}) AS d, "
     "point({x: 1, y: 2}) < point({longitude: 2, latitude: 2}) AS e, point({x: 1, y: 2}) < 1 AS f",
     list("abcdef"), [[None, True, None, None, None, None]]),
    # ORDER BY: after lists, before the temporal values; by SRID, then coordinates
    ("UNWIND [point({x: 2, y: 1}), date('2020-01-01'), point({x: 1, y: 2}), point({longitude: 1, "
     "latitude: 2}), "
     "[1], point({x: 1, y: 1, z: 1}), point({longitude: 0, latitude: 2, height: 1}), "
     "'a'] AS x RETURN x ORDER BY x",
     ["x"], [[[1]], [Point(4326, (1.0, 2.0))], [Point(4979, (0.0, 2.0, 1.0))], [Point(7203, (1.0, 2.0))],
             [Point(7203, (2.0, 1.0))], [Point(9157, (1.0, 1.0, 1.0))], [Date(days_from_civil(2020, 1, 1))],
             ["a"]]),
    ("UNWIND [point({x: 2, y: 1}), point({x: 1, y: 2}), point({x: 1.0, y: 2.0})] AS x RETURN DISTINCT x",
     ["x"], [[Point(7203, (2.0, 1.0))], [Point(7203, (1.0, 2.0))]]),
    ("RETURN point.distance(point({x: 0, y: 0}), point({x: 3, y: 4})) AS a, "
     "point.distance(point({x: 0, y: 0, z: 0}), point({x: 1, y: 2, z: 2})) AS b, "
     "point.distance(point({x: 0, y: 0}), point({longitude: 3, latitude: 4})) AS c, "
     "point.distance(null, point({x: 0, y: 0})) AS d, point.distance(point({x: 0, y: 0}), point({x: 0, "
     "y: 0, z: 1})) AS e, "
     "point.distance(1, 2) AS f", list("abcdef"), [[5.0, 3.0, None, None, None, None]]),
    ("RETURN point.withinBBox(point({x: 1, y: 1}), point({x: 0, y: 0}), point({x: 2, y: 2})) AS a, "
     "point.withinBBox(point({x: 3, y: 1}), point({x: 0, y: 0}), point({x: 2, y: 2})) AS b, "
     "point.withinBBox(point({x: 2, y: 2}), point({x: 0, y: 0}), point({x: 2, y: 2})) AS c, "
     "point.withinBBox(null, point({x: 0, y: 0}), point({x: 2, y: 2})) AS d, "
     "point.withinBBox(point({x: 1, y: 1}), point({longitude: 0, latitude: 0}), point({x: 2, y: 2})) AS e, "
     "point.withinBBox(point({longitude: 179, latitude: 0}), point({longitude: 170, latitude: -1}), "
     "point({longitude: -170, latitude: 1})) AS f, "
     "point.withinBBox(point({x: 1, y: 1, z: 1}), point({x: 0, y: 0, z: 0}), point({x: 2, y: 2, "
     "z: 2})) AS g, "
     "point.withinBBox(point({x: 1, y: 1}), point({x: 2, y: 2}), point({x: 0, y: 0})) AS h",
     list("abcdefgh"), [[True, False, True, None, None, True, True, False]]),
    ("RETURN point({x: 1, y: 2}) IS :: POINT AS a, valueType(point({x: 1, y: 2})) AS b, "
     "[point({x: 1, y: 2})] IS :: PROPERTY VALUE AS c", list("abc"), [[True, "POINT NOT NULL", True]]),
]


@pytest.mark.parametrize(("query", "columns", "expected"), CASES, ids=[c[0][:60] for c in CASES])
def test_points_answer_as_neo4j(store: GraphStore, query: str, columns: list[str],
                                expected: list[list[Any]]) -> None:
    assert rows(store, query) == (columns, [typed(r) for r in expected])


def test_geographic_distances_as_neo4j(store: GraphStore) -> None:
    """Metres on Neo4j's sphere (radius 6378140 m); a 3D distance measures the arc at the mean
    height. Java's trigonometry may round the last bit differently, hence approx."""
    result = store.run(
        "RETURN point.distance(point({longitude: 0, latitude: 0}), point({longitude: 1, latitude: 1})) AS a, "
        "point.distance(point({longitude: 12.5, latitude: 55.6}), point({longitude: 13.4, "
        "latitude: 52.5})) AS b, "
        "point.distance(point({longitude: -73.9, latitude: 40.7}), point({longitude: 151.2, "
        "latitude: -33.9})) AS c, "
        "point.distance(point({longitude: 0, latitude: 0, height: 0}), "
        "point({longitude: 1, latitude: 1, height: 1000})) AS d").single().values()
    assert result == pytest.approx([157425.6111545812, 350059.0894792181, 16017714.693988362,
                                    157441.12800506223],
                                   rel=1e-14)


def test_points_are_stored_as_properties(store: GraphStore) -> None:
    try:
        assert rows(store, "CREATE (n:Pointed {p: point({x: 1, y: 2}), q: [point({longitude: 1, "
                           "latitude: 2}), "
                           "point({longitude: 3, latitude: 4})]}) RETURN n.p AS p, toString(n.q[1]) AS s",
                    write=True) == (["p", "s"], [typed([Point(7203, (1.0, 2.0)),
                                                        "point({x: 3.0, y: 4.0, crs: 'wgs-84'})"])])
        assert rows(store, "MATCH (n:Pointed) RETURN n.p.x AS x, n.q AS q") == (
            ["x", "q"], [typed([1.0, [Point(4326, (1.0, 2.0)), Point(4326, (3.0, 4.0))]])])
        # a point from a node's properties
        assert rows(store, "CREATE (n:Pointed {x: 3, y: 4}) WITH n RETURN point(n) AS p", write=True) == (
            ["p"], [typed([Point(7203, (3.0, 4.0))])])
        # a point read from a result goes back as a parameter
        point = store.run("MATCH (n:Pointed) WHERE n.p IS NOT NULL RETURN n.p AS p").single()["p"]
        assert store.run("MATCH (n:Pointed) WHERE n.p = $p RETURN count(n) AS c",
                         {"p": point}).single()["c"] == 1
    finally:
        store.run("MATCH (n:Pointed) DELETE n", write=True)


def test_points_survive_the_snapshot_file(tmp_path: Path) -> None:
    path = tmp_path / "graph.relgraph"
    NetworkxStore(path).run("CREATE (:P {key: 'a', p: point({x: 1, y: 2, z: 3}), "
                            "l: [point({longitude: 1.5, latitude: 2})]})", write=True)
    again = NetworkxStore(path).run("MATCH (n:P) RETURN n.p AS p, n.l AS l").single()
    assert again.values() == [Point(9157, (1.0, 2.0, 3.0)), [Point(4326, (1.5, 2.0))]]


def test_exports_refuse_points_with_a_clear_message() -> None:
    store = NetworkxStore(None)
    store.run("CREATE (:P {key: 'a', p: point({x: 1, y: 2})})", write=True)
    sub = Subgraph(list(store.nodes()), list(store.relationships()))
    for fmt in ("csv", "graphml", "json", "cypher"):
        with pytest.raises(ExportError, match=r"property 'p' is a point, point\(\{x: 1.0, y: 2.0, "
                                              r"crs: 'cartesian'\}\)"):
            export_bytes(sub, fmt)


#: Queries both backends refuse: the embedded engine's error class and text both messages hold.
ERRORS: list[tuple[str, type[CypherError], str]] = [
    ("RETURN point({x: 1}) AS a", CypherArgumentError, "A map with keys 'x' is not describing a valid point"),
    ("RETURN point({x: 1, latitude: 2}) AS a", CypherArgumentError,
     "A map with keys 'x', 'latitude' is not describing a valid point"),
    ("RETURN point({x: 1, y: 'a'}) AS a", CypherArgumentError, ""),
    ("RETURN point({x: 1, y: 2, "
     "crs: 'foo'}) AS a", CypherArgumentError, "Unknown coordinate reference system: foo"),
    ("RETURN point({x: 1, y: 2, "
     "srid: 1}) AS a", CypherArgumentError, "Unknown coordinate reference system: code=1"),
    ("RETURN point({x: 1, y: 2, z: 3, crs: 'cartesian'}) AS a", CypherArgumentError,
     "Cannot create point with 2D coordinate reference system and 3 coordinates."),
    ("RETURN point({x: 1, y: 2, crs: 'cartesian-3d'}) AS a", CypherArgumentError,
     "Cannot create point with 3D coordinate reference system and 2 coordinates."),
    ("RETURN point({longitude: 1, latitude: 95}) AS a", CypherArgumentError,
     "Cannot create WGS84 point with invalid coordinate: [1.0, "
     "95.0]. Valid range for Y coordinate is [-90, 90]."),
    ("RETURN point({latitude: 1, longitude: 2, crs: 'cartesian'}) AS a", CypherArgumentError,
     "Geographic points does not support coordinate reference system: cartesian"),
    ("RETURN point({x: 1, y: 2, crs: 'cartesian', srid: 7203}) AS a", CypherArgumentError,
     "Cannot specify both CRS and SRID"),
    ("RETURN point({x: 0/0.0, y: 2}) AS a", CypherArgumentError,
     "Cannot create a point with non-finite coordinate values: [NaN, 2.0]"),
    ("RETURN point(1) AS a", CypherSemanticError, ""),  # known before running, as in Neo4j
    ("RETURN point($p) AS a", CypherTypeError, ""),
    ("WITH point({x: 1, y: 2}) AS p RETURN p.z", CypherArgumentError,
     "Field: z is not available on point: point({x: 1.0, y: 2.0, crs: 'cartesian'})"),
    ("WITH point({x: 1, y: 2}) AS p RETURN p.latitude", CypherArgumentError,
     "Field: latitude is not available on cartesian point: point({x: 1.0, y: 2.0, crs: 'cartesian'})"),
    ("WITH point({longitude: 1, latitude: 2}) AS p RETURN p.height", CypherArgumentError,
     "Field: height is not available on point: point({x: 1.0, y: 2.0, crs: 'wgs-84'})"),
    ("WITH point({x: 1, y: 2}) AS p RETURN p.foo", CypherArgumentError, "No such field: foo"),
    ("WITH point({x: 1, y: 2}) AS p RETURN p['x']", CypherTypeError, ""),
    ("RETURN 'p' + point({x: 1, y: 2}) AS s", CypherTypeError, ""),
    ("CREATE (n:Pointless {p: [point({x: 1, y: 2}), point({longitude: 3, latitude: 4})]}) RETURN n",
     CypherTypeError,
     "Collections containing point values with different CRS can not be stored in properties."),
]


@pytest.mark.parametrize(("query", "error", "text"), ERRORS, ids=[e[0][:60] for e in ERRORS])
def test_point_errors_as_neo4j(store: GraphStore, query: str, error: type[CypherError], text: str) -> None:
    expected = error if isinstance(store, NetworkxStore) else QueryError
    with pytest.raises(expected) as caught:
        store.run(query, {"p": 1}, write=True)
    assert text in str(caught.value)


@pytest.mark.parametrize("fields", [[1, 1.0, 2.0], [7203, 1.0], [7203, 1.0, 2.0, 3.0], [9157, 1.0, 2.0],
                                    [7203, 1, 2], ["7203", 1.0, 2.0], []])
def test_a_crafted_point_in_a_snapshot_is_refused(fields: list[Any]) -> None:
    """A point's extension holds a known SRID and as many float coordinates as it has."""

    def section(part: Any) -> bytes:
        packed = msgpack.packb(part)
        return len(packed).to_bytes(LENGTH_SIZE, "big") + packed

    def body(point_fields: list[Any]) -> memoryview:
        props = {"p": msgpack.ExtType(EXT_POINT, msgpack.packb(point_fields))}
        nodes = [[0], [["A"]], [props]]
        return memoryview(section([1, 0, 1, 0]) + section(nodes) + section([[], [], [], [], []]))

    good = decode_body(body([7203, 1.0, 2.0]))
    assert good.nodes[0]["properties"] == {"p": Point(7203, (1.0, 2.0))}
    with pytest.raises(BodyError, match="a point value is not a known SRID and its coordinates"):
        decode_body(body(fields))
