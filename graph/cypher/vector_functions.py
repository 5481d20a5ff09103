"""``vector.similarity.cosine`` and ``vector.similarity.euclidean``, as Neo4j 5 computes them.

Neo4j (through Lucene) turns both vectors into 32-bit floats and adds in 32-bit floats, so
the scores are 32-bit values (``1/26`` comes back as 0.03846153989434242). Each step is
rounded the same way here, which gives Neo4j 5.26's digits, not merely close ones.
"""

from __future__ import annotations

import ctypes
import math
from typing import Any

from relgraph.graph.cypher.context import Context
from relgraph.graph.cypher.functions import register
from relgraph.graph.cypher.runtime import is_number, type_name
from relgraph.graph.values.errors import CypherArgumentError, CypherTypeError


def _f32(x: float) -> float:
    """``x`` rounded to a 32-bit float (infinity beyond its range)."""
    return float(ctypes.c_float(x).value)


def _vectors(fn: str, a: Any, b: Any) -> tuple[list[float], list[float]] | None:
    if a is None or b is None:
        return None
    out = []
    for name, v in (("a", a), ("b", b)):
        if not isinstance(v, list):
            raise CypherTypeError(f"{fn}() expects lists of numbers, got {type_name(v)}",
                                  "InvalidArgumentType")
        floats: list[float] = []
        for x in v:
            if x is not None and not is_number(x):
                raise CypherTypeError(f"{fn}() expects lists of numbers, got a list holding {type_name(x)}",
                                      "InvalidArgumentType")
            f = _f32(x) if x is not None else math.nan
            if not math.isfinite(f):
                floats = []
                break
            floats.append(f)
        if not floats:
            raise _invalid(fn, name)
        out.append(floats)
    if len(out[0]) != len(out[1]):
        raise CypherArgumentError(f"Invalid input for '{fn}()': The supplied vectors do not have the same "
                                  "number of dimensions.", "InvalidArgumentValue")
    return out[0], out[1]


def _invalid(fn: str, name: str) -> CypherArgumentError:
    return CypherArgumentError(f"Invalid input for '{fn}()': Argument {name} is not a valid vector for this "
                               "similarity function.", "InvalidArgumentValue")


@register("vector.similarity.cosine", 2, null_propagating=False)
def _cosine(ctx: Context, a: Any, b: Any) -> Any:
    fn = "vector.similarity.cosine"
    pair = _vectors(fn, a, b)
    if pair is None:
        return None
    dot = norm_a = norm_b = 0.0
    for x, y in zip(*pair):
        dot, norm_a, norm_b = _f32(dot + x * y), _f32(norm_a + x * x), _f32(norm_b + y * y)
    for name, norm in (("a", norm_a), ("b", norm_b)):
        if norm == 0:
            raise _invalid(fn, name)
    cosine = dot / math.sqrt(norm_a * norm_b)
    return _f32((1 + cosine) / 2)


@register("vector.similarity.euclidean", 2, null_propagating=False)
def _euclidean(ctx: Context, a: Any, b: Any) -> Any:
    pair = _vectors("vector.similarity.euclidean", a, b)
    if pair is None:
        return None
    squares = 0.0
    for x, y in zip(*pair):
        d = _f32(x - y)
        squares = _f32(squares + d * d)
    return _f32(1 / (1 + squares))
