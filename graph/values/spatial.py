"""Neo4j's spatial value: a point in one of its four coordinate reference systems.

A point is a value like a date: the engine computes with it, stores it as a property and
the Neo4j backend returns it, so both backends hand the same class to callers. It lives in
the values layer, below the engine and the stores, for that reason. Coordinates are always
floats (``point({x: 1, y: 2}).x`` is ``1.0`` in Neo4j too); the reference system is kept as
its SRID, the number Neo4j's driver sends.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from relgraph.graph.values.errors import CypherArgumentError

#: SRID -> Neo4j's name of the coordinate reference system, and back.
CRS_NAMES = {7203: "cartesian", 9157: "cartesian-3d", 4326: "wgs-84", 4979: "wgs-84-3d"}
CRS_SRIDS = {name: srid for srid, name in CRS_NAMES.items()}
GEOGRAPHIC = frozenset({4326, 4979})

#: Where points sort in ORDER BY among the other kinds of values (after paths, before
#: the temporal values: Neo4j's order; see relgraph.graph.cypher.runtime.sort_key).
POINT_RANK = 5

_CARTESIAN_FIELDS = {"x": 0, "y": 1, "z": 2}
_GEOGRAPHIC_FIELDS = {"longitude": 0, "latitude": 1, "height": 2}


@dataclass(frozen=True, slots=True)
class Point:
    """A 2D or 3D point; ``coords`` holds x, y[, z] (longitude, latitude[, height])."""

    srid: int
    coords: tuple[float, ...]

    type_name: ClassVar[str] = "POINT"

    @property
    def crs(self) -> str:
        return CRS_NAMES[self.srid]

    @property
    def geographic(self) -> bool:
        return self.srid in GEOGRAPHIC

    @property
    def x(self) -> float:
        return self.coords[0]

    @property
    def y(self) -> float:
        return self.coords[1]

    @property
    def z(self) -> float | None:
        return self.coords[2] if len(self.coords) > 2 else None

    def component(self, key: str) -> Any:
        """``p.x``, ``p.latitude``, ``p.crs``...: the fields Neo4j offers, with its errors for
        a field the point does not have (a 2D point has no z; a cartesian one no latitude)."""
        if key == "crs":
            return self.crs
        if key == "srid":
            return self.srid
        index = _CARTESIAN_FIELDS.get(key)
        if index is None:
            index = _GEOGRAPHIC_FIELDS.get(key)
            if index is None:
                raise CypherArgumentError(f"No such field: {key}", "InvalidArgumentValue")
            if not self.geographic:
                raise CypherArgumentError(f"Field: {key} is not available on cartesian point: {self}",
                                          "InvalidArgumentValue")
        if index >= len(self.coords):
            raise CypherArgumentError(f"Field: {key} is not available on point: {self}",
                                      "InvalidArgumentValue")
        return self.coords[index]

    def sort_tuple(self) -> tuple[Any, ...]:
        """Neo4j orders points by reference system (SRID), then coordinate by coordinate."""
        return (self.srid, self.coords)

    def __str__(self) -> str:
        names = ("x", "y", "z")
        fields = ", ".join(f"{names[i]}: {java_double(c)}" for i, c in enumerate(self.coords))
        return f"point({{{fields}, crs: '{self.crs}'}})"


def java_double(f: float) -> str:
    """A float as Java's Double.toString prints it (1.0, 1.0E20, 1.0E-4, -0.0): how Neo4j
    writes a point's coordinates as text, and Cypher's toString() of any float."""
    if f != f:
        return "NaN"
    if f in (float("inf"), float("-inf")):
        return "Infinity" if f > 0 else "-Infinity"
    if f == 0:
        return "-0.0" if str(f).startswith("-") else "0.0"
    if 1e-3 <= abs(f) < 1e7:
        s = repr(f)
        return s if "." in s else s + ".0"
    sign, digits, exponent = Decimal(repr(f)).as_tuple()
    ds = "".join(map(str, digits)).rstrip("0") or "0"
    exp10 = len(digits) + int(exponent) - 1
    return ("-" if sign else "") + f"{ds[0]}.{ds[1:] or '0'}E{exp10}"
