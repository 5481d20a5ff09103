"""Spatial functions: ``point(map)``, ``point.distance`` and ``point.withinBBox``.

The rules (which keys make which kind of point, the defaults, the errors, how longitude
wraps, how far apart two points are) are Neo4j 5.26's, checked against a server; the
point value itself is :class:`relgraph.graph.values.spatial.Point`.
"""

from __future__ import annotations

import math
from typing import Any

from relgraph.graph.cypher.context import Context
from relgraph.graph.cypher.functions import register
from relgraph.graph.cypher.runtime import NodeRef, RelRef, is_number, type_name
from relgraph.graph.values.errors import CypherArgumentError, CypherTypeError
from relgraph.graph.values.spatial import CRS_NAMES, CRS_SRIDS, GEOGRAPHIC, Point, java_double

#: The earth's radius Neo4j measures geographic distances with, in metres.
EARTH_RADIUS = 6378140.0


def _argument(message: str) -> CypherArgumentError:
    return CypherArgumentError(message, "InvalidArgumentValue")


@register("point", 1)
def _point(ctx: Context, v: Any) -> Any:
    if isinstance(v, (NodeRef, RelRef)):
        v = ctx.entity_props(v)
    if not isinstance(v, dict):
        raise CypherTypeError(f"point() expects a map, node or relationship, got {type_name(v)}",
                              "InvalidArgumentType")
    return make_point(v)


def make_point(fields: dict[str, Any]) -> Point | None:
    """The point a map describes (``{x, y[, z]}`` or ``{longitude, latitude[, height]}``, with
    ``crs`` or ``srid``); None when a coordinate is null."""
    if "x" in fields and "y" in fields:
        names, geographic = ["x", "y"], False
    elif "longitude" in fields and "latitude" in fields:
        names, geographic = ["longitude", "latitude"], True
    else:
        keys = ", ".join(f"'{k}'" for k in fields)
        raise _argument(f"A map with keys {keys} is not describing a valid point, a point is described "
                        "either by using cartesian coordinates e.g. {x: 2.3, y: 4.5, crs: 'cartesian'} "
                        "or using geographic coordinates e.g. {latitude: 12.78, longitude: 56.7, "
                        "crs: 'WGS-84'}.")
    if "z" in fields:
        names.append("z")
    elif geographic and "height" in fields:  # a cartesian point ignores a height
        names.append("height")
    if any(v is None for v in fields.values()):  # any null in the map, even an unused key
        return None
    values = [fields[n] for n in names]
    for name, x in zip(names, values):
        if not is_number(x):
            raise _argument(f"the point coordinate {name} must be a number, got {type_name(x)}")
    coords = [float(x) for x in values]
    if not all(math.isfinite(c) for c in coords):
        shown = ", ".join(java_double(c) for c in coords)
        raise _argument(f"Cannot create a point with non-finite coordinate values: [{shown}]")
    srid = _srid(fields, geographic, len(coords))
    if srid in GEOGRAPHIC:
        if not -90 <= coords[1] <= 90:
            shown = ", ".join(java_double(c) for c in coords)
            raise _argument(f"Cannot create WGS84 point with invalid coordinate: [{shown}]. "
                            "Valid range for Y coordinate is [-90, 90].")
        while coords[0] > 180:  # Neo4j's wrapping: 190 is -170, 540 is 180, -540 is -180
            coords[0] -= 360
        while coords[0] < -180:
            coords[0] += 360
    return Point(srid, tuple(coords))


def _srid(fields: dict[str, Any], geographic: bool, dimensions: int) -> int:
    crs, srid = fields.get("crs"), fields.get("srid")
    if crs is not None and srid is not None:
        raise _argument("Cannot specify both CRS and SRID")
    if crs is not None:
        if not isinstance(crs, str) or crs.lower() not in CRS_SRIDS:
            raise _argument(f"Unknown coordinate reference system: {crs}")
        code = CRS_SRIDS[crs.lower()]
    elif srid is not None:
        if not isinstance(srid, int) or srid not in CRS_NAMES:
            raise _argument(f"Unknown coordinate reference system: code={srid}")
        code = srid
    else:
        code = (4326 if dimensions == 2 else 4979) if geographic else (7203 if dimensions == 2 else 9157)
    if geographic and code not in GEOGRAPHIC:
        raise _argument(f"Geographic points does not support coordinate reference system: {CRS_NAMES[code]}")
    wants = 3 if code in (9157, 4979) else 2
    if wants != dimensions:
        made, other = ("2D", "3D") if wants == 2 else ("3D", "2D")
        raise _argument(f"Cannot create point with {made} coordinate reference system and {dimensions} "
                        f"coordinates. Please consider using equivalent {other} coordinate reference system")
    return code


@register("point.distance", 2, null_propagating=False)
def _distance(ctx: Context, a: Any, b: Any) -> Any:
    if not isinstance(a, Point) or not isinstance(b, Point) or a.srid != b.srid:
        return None
    if not a.geographic:
        return math.sqrt(sum((p - q) ** 2 for p, q in zip(a.coords, b.coords)))
    angle = _central_angle(a, b)
    if len(a.coords) == 2:
        return EARTH_RADIUS * angle
    # Neo4j measures the arc at the mean height, then adds the height difference.
    arc = (EARTH_RADIUS + (a.coords[2] + b.coords[2]) / 2) * angle
    return math.sqrt(arc ** 2 + (a.coords[2] - b.coords[2]) ** 2)


def _central_angle(a: Point, b: Point) -> float:
    """The haversine formula on longitude/latitude in degrees."""
    lat1, lat2 = math.radians(a.coords[1]), math.radians(b.coords[1])
    dlat = lat2 - lat1
    dlon = math.radians(b.coords[0] - a.coords[0])
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    # Java's trigonometry may round the last bit differently: distances agree with Neo4j's to
    # about 1e-15 relative, not always to the last digit.
    return 2 * math.atan2(math.sqrt(h), math.sqrt(1 - h))


@register("point.withinBBox", 3, null_propagating=False)
def _within_bbox(ctx: Context, p: Any, lower_left: Any, upper_right: Any) -> Any:
    points = (p, lower_left, upper_right)
    if not all(isinstance(x, Point) for x in points) or len({x.srid for x in points}) > 1:
        return None
    for axis, (c, lo, hi) in enumerate(zip(p.coords, lower_left.coords, upper_right.coords)):
        if axis == 0 and p.geographic and lo > hi:  # the box crosses the 180th meridian
            if not (c >= lo or c <= hi):
                return False
        elif not lo <= c <= hi:
            return False
    return True
